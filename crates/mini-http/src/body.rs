//! A request's body: where it ends, and the rules that keep two readers agreeing on that.
//!
//! The head says how the body is *framed* (RFC 9112 §6.3):
//!
//! - `Transfer-Encoding: chunked`: the body comes in chunks, each preceded by its size in
//!   hexadecimal, until a chunk of size 0 ([`ChunkedDecoder`]);
//! - `Content-Length: N`: the next N bytes;
//! - neither: no body (a request never runs "until the connection closes", or nobody could
//!   answer it).
//!
//! # Request smuggling
//!
//! A proxy and the server behind it read the same bytes. If they disagree on where a body
//! ends, what the proxy took for the end of one request's body, the server reads as the
//! start of another request: one the proxy never checked. The classic disagreement is a
//! request with both `Content-Length: 4` and `Transfer-Encoding: chunked` (one reader obeys
//! each). So every framing that two readers could read two ways is refused, with 400, and
//! the connection closed (RFC 9112 §6.1, §6.3, §11.2):
//!
//! - `Transfer-Encoding` together with `Content-Length`;
//! - `Transfer-Encoding` in an HTTP/1.0 request (1.0 has no transfer codings);
//! - `Transfer-Encoding` whose last coding is not `chunked` (`chunked, gzip`), or that names
//!   `chunked` twice; a coding other than `chunked` (`gzip, chunked`) is 501, as this
//!   server decodes no other;
//! - `Content-Length` twice, or as a list, **even with equal values**: RFC 9110 §8.6 allows
//!   accepting `5, 5`, but a reader that took the first of `5, 50` would disagree with one
//!   that took the last, and no honest client sends either;
//! - `Content-Length` that is not `1*DIGIT`, or does not fit in 64 bits.
//!
//! A body larger than [`Limits::max_body`] is refused (413) as soon as its length is
//! known: before a byte of it is read for `Content-Length`, at each chunk's size line for
//! chunked bodies.

use crate::headers::Headers;
use crate::request::{Limits, Request, RequestError, Version};

mod chunked;
pub use chunked::{ChunkedDecoder, Decoded, MAX_CHUNK_EXTENSIONS};

/// How a request's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body.
    None,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// Chunks follow, until the last (size 0) and the trailer: see [`ChunkedDecoder`].
    Chunked,
}

/// How the body of `request` is framed (RFC 9112 §6.3), or why it cannot be trusted.
///
/// # Examples
///
/// ```
/// use mini_http::body::{framing, Framing};
/// use mini_http::request::{parse, Limits, Parsed, RequestError};
///
/// let limits = Limits::default();
/// let head = |bytes: &[u8]| match parse(bytes, &limits) {
///     Ok(Parsed::Complete { request, .. }) => request,
///     other => panic!("{other:?}"),
/// };
/// let post = head(b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n");
/// assert_eq!(framing(&post, &limits)?, Framing::Length(5));
///
/// let smuggler = head(b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n");
/// assert_eq!(framing(&smuggler, &limits), Err(RequestError::TransferEncodingWithContentLength));
/// # Ok::<(), RequestError>(())
/// ```
pub fn framing(request: &Request, limits: &Limits) -> Result<Framing, RequestError> {
    let headers = &request.headers;
    if headers.count("Transfer-Encoding") > 0 {
        if request.version == Version::Http10 {
            return Err(RequestError::TransferEncodingInHttp10);
        }
        if headers.count("Content-Length") > 0 {
            return Err(RequestError::TransferEncodingWithContentLength);
        }
        check_codings(headers)?;
        return Ok(Framing::Chunked);
    }
    match content_length(headers)? {
        None => Ok(Framing::None),
        Some(length) if length > limits.max_body => Err(RequestError::BodyTooLarge {
            max: limits.max_body,
        }),
        Some(length) => Ok(Framing::Length(length)),
    }
}

/// The codings of `Transfer-Encoding` (all its lines, in order) must end with one
/// `chunked`, and hold nothing else this server could decode.
fn check_codings(headers: &Headers) -> Result<(), RequestError> {
    let is_chunked = |coding: &[u8]| coding.eq_ignore_ascii_case(b"chunked");
    let mut last = None;
    let mut chunked = 0;
    let mut unknown = None;
    for coding in headers.tokens("Transfer-Encoding") {
        if is_chunked(coding) {
            chunked += 1;
        } else if unknown.is_none() {
            unknown = Some(coding);
        }
        last = Some(coding);
    }
    // In this order: the framing errors (400) say the body cannot be delimited at all,
    // and come before "delimited, but not decodable" (501).
    if !last.is_some_and(is_chunked) {
        return Err(RequestError::ChunkedNotLast);
    }
    if chunked > 1 {
        return Err(RequestError::ChunkedTwice);
    }
    match unknown {
        Some(coding) => Err(RequestError::UnknownTransferCoding(
            String::from_utf8_lossy(coding).into_owned(),
        )),
        None => Ok(()),
    }
}

/// The one `Content-Length`, if there is one (RFC 9110 §8.6: `1*DIGIT`).
fn content_length(headers: &Headers) -> Result<Option<u64>, RequestError> {
    let mut values = headers.get_all("Content-Length");
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() || value.contains(&b',') {
        return Err(RequestError::MultipleContentLength);
    }
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(RequestError::InvalidContentLength);
    }
    value
        .iter()
        .try_fold(0u64, |n, &digit| {
            n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
        .map(Some)
        .ok_or(RequestError::ContentLengthOverflow)
}

/// Whether the client waits for `100 Continue` before sending the body
/// (`Expect: 100-continue`, RFC 9110 §10.1.1).
///
/// A client about to send a large body may ask first, so that a refusal (413, 401) costs
/// no upload. The server answers `100 Continue` (or the refusal) once the head is checked.
/// In an HTTP/1.0 request the expectation is ignored, as RFC 9110 requires.
///
/// # Errors
///
/// [`RequestError::UnsupportedExpectation`] (417) for any other expectation.
///
/// ```
/// use mini_http::body::expects_continue;
/// use mini_http::request::{parse, Limits, Parsed};
///
/// let bytes = b"PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 9\r\n\r\n";
/// let Ok(Parsed::Complete { request, .. }) = parse(bytes, &Limits::default()) else { panic!() };
/// assert_eq!(expects_continue(&request), Ok(true));
/// ```
pub fn expects_continue(request: &Request) -> Result<bool, RequestError> {
    let mut continues = false;
    for expectation in request.headers.tokens("Expect") {
        // The value is case-insensitive (RFC 9110 §10.1.1).
        if expectation.eq_ignore_ascii_case(b"100-continue") {
            continues = true;
        } else {
            return Err(RequestError::UnsupportedExpectation(
                String::from_utf8_lossy(expectation).into_owned(),
            ));
        }
    }
    Ok(continues && request.version == Version::Http11)
}

/// Whether the connection stays open after the response (RFC 9112 §9.3): in HTTP/1.1
/// unless the client says `Connection: close`, in HTTP/1.0 only if it says
/// `Connection: keep-alive`.
///
/// ```
/// use mini_http::body::keep_alive;
/// use mini_http::request::{parse, Limits, Parsed};
///
/// let request = |bytes: &[u8]| match parse(bytes, &Limits::default()) {
///     Ok(Parsed::Complete { request, .. }) => request,
///     other => panic!("{other:?}"),
/// };
/// assert!(keep_alive(&request(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
/// assert!(!keep_alive(&request(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n")));
/// assert!(!keep_alive(&request(b"GET / HTTP/1.0\r\n\r\n")));
/// assert!(keep_alive(&request(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")));
/// ```
pub fn keep_alive(request: &Request) -> bool {
    let headers = &request.headers;
    if headers.has_token("Connection", "close") {
        return false;
    }
    match request.version {
        Version::Http11 => true,
        Version::Http10 => headers.has_token("Connection", "keep-alive"),
    }
}

#[cfg(test)]
mod tests;
