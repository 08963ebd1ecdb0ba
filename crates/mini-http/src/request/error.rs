//! Every way a request can be refused, each with the rule it breaks and the status code it
//! deserves.
//!
//! After any of these the server answers with [`RequestError::status`] and closes the
//! connection: once a request is malformed, or its body's length is in doubt, nobody can
//! say where the next request would start, and guessing is how request smuggling works
//! (RFC 9112 §11.2).

use crate::status::StatusCode;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    // --- The request line ---
    /// More empty lines before the request line than a sloppy client would send
    /// (RFC 9112 §2.2 asks a server to skip "at least one").
    #[error("more than {max} empty lines before the request line")]
    TooManyEmptyLines {
        /// How many are skipped.
        max: usize,
    },
    /// A NUL byte in the head: never part of HTTP, and a classic way to cut a string short
    /// in a program written in C.
    #[error("a NUL byte in the request head")]
    Nul,
    /// A CR not followed by LF: a line ends with CRLF (or LF alone), never a bare CR
    /// (RFC 9112 §2.2).
    #[error("a CR not followed by LF (lines end with CRLF)")]
    BareCr,
    /// The method is not a token (RFC 9110 §9.1).
    #[error("the method is not a token (letters, digits, !#$%&'*+-.^_`|~)")]
    InvalidMethod,
    /// A method longer than any this server knows (RFC 9112 §3 suggests 501).
    #[error("a method longer than {max} bytes")]
    MethodTooLong {
        /// The longest method accepted.
        max: usize,
    },
    /// The parts of the request line are not separated by exactly one space each (two
    /// spaces, a tab, a space at the end).
    #[error("the request line must be METHOD, one space, TARGET, one space, VERSION")]
    RequestLineSpacing,
    /// The request line ends before its target or version (`GET /` alone is HTTP/0.9,
    /// which this server does not speak).
    #[error("the request line has no target or no HTTP version")]
    IncompleteRequestLine,
    /// The target holds a byte no URI may: a control, or a byte from 0x80 up (a URI is
    /// ASCII; other characters are percent-encoded, RFC 3986 §2.1).
    #[error("the request target holds a control character or a non-ASCII byte")]
    InvalidTarget,
    /// The target is longer than the limit.
    #[error("the request target is longer than {max} bytes")]
    TargetTooLong {
        /// The limit.
        max: usize,
    },
    /// The version is not `HTTP/` followed by a digit, a dot and a digit (RFC 9112 §2.3;
    /// `HTTP` in capitals: it is case-sensitive).
    #[error("the HTTP version is malformed (expected HTTP/1.1 or HTTP/1.0)")]
    InvalidVersion,
    /// A well-formed version of HTTP other than 1.x (`HTTP/2.0`, `HTTP/3`, `HTTP/0.9`).
    #[error("{0} is not spoken here (HTTP/1.1 and HTTP/1.0 are)")]
    UnsupportedVersion(String),

    // --- The header fields ---
    /// A line that starts with whitespace: obsolete line folding, which a server must
    /// refuse (RFC 9112 §5.2), or whitespace before the first field (RFC 9112 §2.2).
    #[error("a header line starts with whitespace (obsolete line folding)")]
    ObsFold,
    /// A field name that is empty or not a token.
    #[error("a header field name is empty or not a token")]
    InvalidHeaderName,
    /// Whitespace between a field name and its colon, which a server must refuse
    /// (RFC 9112 §5.1): proxies that disagree on `Content-Length :` let requests be
    /// smuggled past them.
    #[error("whitespace between a header field name and its colon")]
    SpaceBeforeColon,
    /// A header line without a colon.
    #[error("a header line has no colon")]
    MissingColon,
    /// A field value holding a control character other than tab (RFC 9110 §5.5).
    #[error("the value of {name} holds a control character")]
    InvalidHeaderValue {
        /// The field's name.
        name: String,
    },
    /// More header fields than the limit.
    #[error("more than {max} header fields")]
    TooManyHeaders {
        /// The limit.
        max: usize,
    },
    /// A head (request line and fields) longer than the limit.
    #[error("the request head is longer than {max} bytes")]
    HeadTooLarge {
        /// The limit.
        max: usize,
    },
    /// An HTTP/1.1 request without `Host` (RFC 9112 §3.2).
    #[error("an HTTP/1.1 request needs a Host header")]
    MissingHost,
    /// More than one `Host` line (RFC 9112 §3.2).
    #[error("more than one Host header")]
    DuplicateHost,
    /// A `Host` that is not `host[:port]` (RFC 9110 §7.2, RFC 3986 §3.2.2).
    #[error("the Host header is not a valid host[:port]")]
    InvalidHost,

    // --- The body's framing ---
    /// `Transfer-Encoding` in an HTTP/1.0 request, where it does not exist: the framing
    /// is faulty (RFC 9112 §6.1).
    #[error("Transfer-Encoding in an HTTP/1.0 request")]
    TransferEncodingInHttp10,
    /// Both `Transfer-Encoding` and `Content-Length`: the classic smuggling request
    /// (RFC 9112 §6.1, §6.3).
    #[error("both Transfer-Encoding and Content-Length")]
    TransferEncodingWithContentLength,
    /// A request's `Transfer-Encoding` whose last coding is not `chunked`: the body's end
    /// cannot be found (RFC 9112 §6.3).
    #[error("Transfer-Encoding does not end with chunked")]
    ChunkedNotLast,
    /// `chunked` applied more than once (RFC 9112 §6.1).
    #[error("Transfer-Encoding names chunked more than once")]
    ChunkedTwice,
    /// A transfer coding this server does not decode (RFC 9112 §6.1 suggests 501).
    #[error("the transfer coding {0:?} is not implemented")]
    UnknownTransferCoding(String),
    /// More than one `Content-Length`, on several lines or as a list.
    #[error("more than one Content-Length")]
    MultipleContentLength,
    /// A `Content-Length` that is not digits (RFC 9110 §8.6).
    #[error("Content-Length is not a number")]
    InvalidContentLength,
    /// A `Content-Length` too large for 64 bits.
    #[error("Content-Length does not fit in 64 bits")]
    ContentLengthOverflow,
    /// A body larger than the limit: announced by `Content-Length` or by a chunk's size.
    #[error("the body is larger than {max} bytes")]
    BodyTooLarge {
        /// The limit.
        max: u64,
    },
    /// A chunk size that is not hexadecimal digits, or has too many of them.
    #[error("a chunk size is not a hexadecimal number")]
    InvalidChunkSize,
    /// A chunk size too large for 64 bits (RFC 9112 §7.1 warns of the overflow).
    #[error("a chunk size does not fit in 64 bits")]
    ChunkSizeOverflow,
    /// A malformed chunk extension (`;name=value` after a chunk size).
    #[error("a malformed chunk extension")]
    InvalidChunkExtension,
    /// Chunk extensions longer in total than the limit (RFC 9112 §7.1.1).
    #[error("chunk extensions longer than {max} bytes in all")]
    ChunkExtensionsTooLong {
        /// The limit.
        max: usize,
    },
    /// A chunk-size line that does not end with CRLF (a bare LF, or a CR followed by
    /// something else): the body's lines are held to the letter.
    #[error("a chunk-size line does not end with CRLF")]
    ChunkLineEnding,
    /// A chunk's data not followed by CRLF.
    #[error("a chunk's data is not followed by CRLF")]
    ChunkNotTerminated,
    /// A trailer line holding a control character, or not ending with CRLF.
    #[error("a malformed line in the chunked trailer")]
    InvalidTrailer,
    /// A trailer section longer than the limit.
    #[error("the chunked trailer is longer than {max} bytes")]
    TrailerTooLarge {
        /// The limit.
        max: usize,
    },

    // --- Expectations ---
    /// An `Expect` other than `100-continue` (RFC 9110 §10.1.1).
    #[error("the expectation {0:?} cannot be met")]
    UnsupportedExpectation(String),
}

impl RequestError {
    /// The status code to answer with.
    ///
    /// ```
    /// use mini_http::request::RequestError;
    /// use mini_http::status::StatusCode;
    ///
    /// assert_eq!(RequestError::SpaceBeforeColon.status(), StatusCode::BAD_REQUEST);
    /// assert_eq!(RequestError::TargetTooLong { max: 8192 }.status(), StatusCode::URI_TOO_LONG);
    /// ```
    pub fn status(&self) -> StatusCode {
        use RequestError::*;
        match self {
            MethodTooLong { .. } | UnknownTransferCoding(_) => StatusCode::NOT_IMPLEMENTED,
            TargetTooLong { .. } => StatusCode::URI_TOO_LONG,
            UnsupportedVersion(_) => StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            TooManyHeaders { .. } | HeadTooLarge { .. } | TrailerTooLarge { .. } => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            BodyTooLarge { .. } => StatusCode::CONTENT_TOO_LARGE,
            UnsupportedExpectation(_) => StatusCode::EXPECTATION_FAILED,
            TooManyEmptyLines { .. }
            | Nul
            | BareCr
            | InvalidMethod
            | RequestLineSpacing
            | IncompleteRequestLine
            | InvalidTarget
            | InvalidVersion
            | ObsFold
            | InvalidHeaderName
            | SpaceBeforeColon
            | MissingColon
            | InvalidHeaderValue { .. }
            | MissingHost
            | DuplicateHost
            | InvalidHost
            | TransferEncodingInHttp10
            | TransferEncodingWithContentLength
            | ChunkedNotLast
            | ChunkedTwice
            | MultipleContentLength
            | InvalidContentLength
            | ContentLengthOverflow
            | InvalidChunkSize
            | ChunkSizeOverflow
            | InvalidChunkExtension
            | ChunkExtensionsTooLong { .. }
            | ChunkLineEnding
            | ChunkNotTerminated
            | InvalidTrailer => StatusCode::BAD_REQUEST,
        }
    }
}
