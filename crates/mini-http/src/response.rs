//! The response head: the status line, the header fields and the blank line, as bytes.
//!
//! ```text
//! HTTP/1.1 200 OK\r\n                           the status line
//! Server: mini-http/0.1.0\r\n                   header fields, one per line,
//! Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n        in the order listed below
//! Content-Type: text/html; charset=utf-8\r\n
//! Content-Length: 20\r\n
//! \r\n                                          the blank line: the head ends here
//! <h2>...</h2>                                  the body: Content-Length bytes
//! ```
//!
//! # One buffer, one write
//!
//! [`write_head`] *appends* the whole head to a `Vec<u8>` the caller owns. A server keeps
//! one such buffer per connection: `clear()` it, write the head, append a small body, and
//! send it all with one `write_all`. Sending the head and the body in two small writes
//! would meet Nagle's algorithm on this side and delayed ACKs on the other, and each
//! response could wait some 40 ms for nothing. [`Head`] is a bundle of borrowed `&str`s
//! that lives on the stack, so writing a response allocates nothing once the buffer has
//! grown to size.
//!
//! # The order of the fields
//!
//! RFC 9110 (§5.3) lets fields come in any order, but a fixed order makes responses easy
//! to compare by eye, in tests and against curl's `-v`. [`write_head`] writes, each only if
//! set: `Server`, `Date`, `Content-Type`, then the framing (`Content-Length` or
//! `Transfer-Encoding: chunked`), `Last-Modified`, `ETag`, `Accept-Ranges`,
//! `Content-Range`, `Location`, `Allow`, `Connection`, and last the extra fields, in the
//! caller's order.
//!
//! # Always `HTTP/1.1`
//!
//! The status line names the version the *server* speaks, not the client's: RFC 9110
//! §6.2 says a server sends its own highest version whose major number the client shares.
//! An HTTP/1.0 client gets `HTTP/1.1 200 OK` too, and a response fit for it: no chunked
//! framing (1.0 does not know it), and `Connection: keep-alive` only if it asked.
//!
//! # `HEAD` requests
//!
//! A `HEAD` request gets exactly the head a `GET` would, with the same `Content-Length`
//! (the length of the body it would have had), and no body. That is the caller's business:
//! write the same [`Head`], and do not append the body.
//!
//! # No header injection
//!
//! A value with a CR or LF in it would end its line and start another: a file name
//! `x\r\nSet-Cookie: admin=1` in a `Location` would give the client a cookie the server
//! never meant to set ("response splitting"). RFC 9110 §5.5 calls CR, LF and NUL in a
//! value invalid and dangerous. So [`write_head`] checks every value: in a debug build a
//! caller that passes one fails an assertion (a bug to fix, found by the tests), and in a
//! release build each such byte is written as a space, so no caller can ever inject a
//! line. An extra field whose name is not a valid token, or that tries to set the framing
//! (`Content-Length`, `Transfer-Encoding`) behind [`Head::content_length`]'s back, is left
//! out in the same way.

use crate::escape::html_escape;
use crate::status::StatusCode;

/// What this server calls itself in the `Server` field: its name and version.
pub const SERVER: &str = concat!("mini-http/", env!("CARGO_PKG_VERSION"));

/// The media type of the pages this module builds.
const HTML: &str = "text/html; charset=utf-8";

/// How the client learns where the body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Framing {
    /// No framing field: for the statuses that have no body (1xx, 204, 304), or a body
    /// that ends when the server closes the connection (HTTP/1.0's way).
    #[default]
    Omit,
    /// `Content-Length: N`: the body is exactly N bytes. For `HEAD`, the length the body
    /// of a `GET` would have.
    Length(u64),
    /// `Transfer-Encoding: chunked`: the body is a series of chunks, written with
    /// [`write_chunk`] and ended with [`write_last_chunk`]. For bodies whose length is not
    /// known when the head is sent; never to an HTTP/1.0 client, which cannot read it.
    Chunked,
}

/// Whether the connection stays open after this response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    /// No `Connection` field: an HTTP/1.1 connection stays open by default.
    #[default]
    Omit,
    /// `Connection: close`: the server closes the connection after this response. Say it
    /// whenever that is so, or the client may send its next request into a closing socket.
    Close,
    /// `Connection: keep-alive`: only for an HTTP/1.0 client that asked for it (1.0 closes
    /// by default, so the server must say that it will not).
    KeepAlive,
}

/// A response head, ready to be written by [`write_head`].
///
/// Every field borrows its value, so building a `Head` allocates nothing; its methods set
/// one field each and return the head, to be chained. Dates come already formatted (see
/// [`crate::date`]).
///
/// ```
/// use mini_http::response::{write_head, Head};
/// use mini_http::status::StatusCode;
///
/// let body = b"hello\n";
/// let mut buf = Vec::new();
/// let head = Head::new(StatusCode::OK)
///     .server("mini-http")
///     .date("Sun, 06 Nov 1994 08:49:37 GMT")
///     .content_type("text/plain; charset=utf-8")
///     .content_length(body.len() as u64)
///     .etag("\"5-1f\"")
///     .accept_ranges("bytes");
/// write_head(&mut buf, &head);
/// buf.extend_from_slice(body); // one buffer, sent with one write
/// assert_eq!(
///     buf,
///     b"HTTP/1.1 200 OK\r\n\
///       Server: mini-http\r\n\
///       Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
///       Content-Type: text/plain; charset=utf-8\r\n\
///       Content-Length: 6\r\n\
///       ETag: \"5-1f\"\r\n\
///       Accept-Ranges: bytes\r\n\
///       \r\n\
///       hello\n"
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head<'a> {
    status: StatusCode,
    server: Option<&'a str>,
    date: Option<&'a str>,
    content_type: Option<&'a str>,
    framing: Framing,
    last_modified: Option<&'a str>,
    etag: Option<&'a str>,
    accept_ranges: Option<&'a str>,
    content_range: Option<&'a str>,
    location: Option<&'a str>,
    allow: Option<&'a str>,
    connection: Connection,
    /// Fields this type has no method for (`Cache-Control`, `Vary`, ...), written last.
    extra: &'a [(&'a str, &'a str)],
}

impl<'a> Head<'a> {
    /// A head with a status line and no fields.
    pub fn new(status: StatusCode) -> Head<'a> {
        Head {
            status,
            server: None,
            date: None,
            content_type: None,
            framing: Framing::Omit,
            last_modified: None,
            etag: None,
            accept_ranges: None,
            content_range: None,
            location: None,
            allow: None,
            connection: Connection::Omit,
            extra: &[],
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// `Server`: the software that answers (see [`SERVER`]).
    pub fn server(mut self, server: &'a str) -> Self {
        self.server = Some(server);
        self
    }

    /// `Date`: when the response was made, as an IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`).
    pub fn date(mut self, date: &'a str) -> Self {
        self.date = Some(date);
        self
    }

    /// `Content-Type`: what the body is (see [`crate::mime`]).
    pub fn content_type(mut self, content_type: &'a str) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// `Content-Length`: the body is exactly `length` bytes.
    pub fn content_length(mut self, length: u64) -> Self {
        self.framing = Framing::Length(length);
        self
    }

    /// `Transfer-Encoding: chunked`: the body follows in chunks (see [`Framing::Chunked`]).
    pub fn chunked(mut self) -> Self {
        self.framing = Framing::Chunked;
        self
    }

    /// How the body is framed, as a value (the two methods above are shorthands).
    pub fn framing(mut self, framing: Framing) -> Self {
        self.framing = framing;
        self
    }

    /// `Last-Modified`: when the file last changed, as an IMF-fixdate.
    pub fn last_modified(mut self, date: &'a str) -> Self {
        self.last_modified = Some(date);
        self
    }

    /// `ETag`: the version of the file, quoted (`"5f2a-1b3"`, or weak `W/"5f2a-1b3"`).
    pub fn etag(mut self, etag: &'a str) -> Self {
        self.etag = Some(etag);
        self
    }

    /// `Accept-Ranges`: `bytes` if the server takes `Range` requests for this resource.
    pub fn accept_ranges(mut self, units: &'a str) -> Self {
        self.accept_ranges = Some(units);
        self
    }

    /// `Content-Range`: which part of the file a `206` carries (`bytes 0-99/1234`), or
    /// the file's length in a `416` (`bytes */1234`).
    pub fn content_range(mut self, range: &'a str) -> Self {
        self.content_range = Some(range);
        self
    }

    /// `Location`: where to go instead (with `301`). Build it with
    /// [`crate::escape::percent_encode_path`], which can never hold a CR or LF.
    pub fn location(mut self, location: &'a str) -> Self {
        self.location = Some(location);
        self
    }

    /// `Allow`: the methods the resource supports (`GET, HEAD`), required with `405`.
    pub fn allow(mut self, methods: &'a str) -> Self {
        self.allow = Some(methods);
        self
    }

    /// `Connection`: whether the connection stays open (see [`Connection`]).
    pub fn connection(mut self, connection: Connection) -> Self {
        self.connection = connection;
        self
    }

    /// Further fields as `(name, value)` pairs, written last, in this order.
    pub fn extra(mut self, fields: &'a [(&'a str, &'a str)]) -> Self {
        self.extra = fields;
        self
    }
}

/// Appends the whole head (status line, fields, blank line) to `buf`.
///
/// It appends and does not clear, so the caller can reuse one buffer (`buf.clear()` first)
/// and put the body right after the head. The fields come in the order given in the
/// [module docs](self); CR, LF and NUL in a value are refused as described there.
///
/// ```
/// use mini_http::response::{write_head, Connection, Head};
/// use mini_http::status::StatusCode;
///
/// let mut buf = Vec::new();
/// let head = Head::new(StatusCode::MOVED_PERMANENTLY)
///     .content_length(0)
///     .location("/docs/")
///     .connection(Connection::Close);
/// write_head(&mut buf, &head);
/// assert_eq!(
///     buf,
///     b"HTTP/1.1 301 Moved Permanently\r\n\
///       Content-Length: 0\r\nLocation: /docs/\r\nConnection: close\r\n\r\n"
/// );
/// ```
pub fn write_head(buf: &mut Vec<u8>, head: &Head<'_>) {
    let status = head.status;
    debug_assert!(
        status.allows_body() || matches!(head.framing, Framing::Omit) || status.as_u16() == 304,
        "{status} has no body, so no Content-Length or Transfer-Encoding (RFC 9110 §8.6)"
    );

    // HTTP/1.1 200 OK
    buf.extend_from_slice(b"HTTP/1.1 ");
    push_decimal(buf, u64::from(status.as_u16()));
    buf.push(b' ');
    buf.extend_from_slice(status.reason().as_bytes());
    buf.extend_from_slice(b"\r\n");

    push_optional(buf, "Server", head.server);
    push_optional(buf, "Date", head.date);
    push_optional(buf, "Content-Type", head.content_type);
    match head.framing {
        Framing::Omit => {}
        Framing::Length(length) => {
            buf.extend_from_slice(b"Content-Length: ");
            push_decimal(buf, length);
            buf.extend_from_slice(b"\r\n");
        }
        Framing::Chunked => buf.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
    }
    push_optional(buf, "Last-Modified", head.last_modified);
    push_optional(buf, "ETag", head.etag);
    push_optional(buf, "Accept-Ranges", head.accept_ranges);
    push_optional(buf, "Content-Range", head.content_range);
    push_optional(buf, "Location", head.location);
    push_optional(buf, "Allow", head.allow);
    match head.connection {
        Connection::Omit => {}
        Connection::Close => buf.extend_from_slice(b"Connection: close\r\n"),
        Connection::KeepAlive => buf.extend_from_slice(b"Connection: keep-alive\r\n"),
    }
    for &(name, value) in head.extra {
        let framing = name.eq_ignore_ascii_case("Content-Length")
            || name.eq_ignore_ascii_case("Transfer-Encoding");
        debug_assert!(is_token(name), "field name {name:?} is not a token");
        debug_assert!(
            !framing,
            "{name} is set with Head::framing, never as an extra"
        );
        if is_token(name) && !framing {
            push_field(buf, name, value);
        }
    }

    // The blank line: the head ends here.
    buf.extend_from_slice(b"\r\n");
}

/// A small HTML page for an error status: its media type and its body.
///
/// The page's title and heading are the status (`404 Not Found`) and its paragraph is
/// `detail`, HTML-escaped, so a detail quoting the request (`no file /<script>`) cannot
/// put markup into the page. An empty detail leaves the paragraph out. The body is UTF-8,
/// and the media type says so (`text/html; charset=utf-8`).
///
/// ```
/// use mini_http::response::error_page;
/// use mini_http::status::StatusCode;
///
/// let (content_type, body) = error_page(StatusCode::NOT_FOUND, "No file /笔记/<a>.md");
/// assert_eq!(content_type, "text/html; charset=utf-8");
/// assert!(body.starts_with("<!DOCTYPE html>"));
/// assert!(body.contains("<title>404 Not Found</title>"));
/// assert!(body.contains("<p>No file /笔记/&lt;a&gt;.md</p>"));
/// ```
pub fn error_page(status: StatusCode, detail: &str) -> (&'static str, String) {
    let mut body = String::with_capacity(256 + detail.len());
    body.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    body.push_str(&format!("<title>{status}</title>\n</head>\n<body>\n"));
    body.push_str(&format!("<h1>{status}</h1>\n"));
    if !detail.is_empty() {
        body.push_str(&format!("<p>{}</p>\n", html_escape(detail)));
    }
    body.push_str(&format!(
        "<hr>\n<address>{SERVER}</address>\n</body>\n</html>\n"
    ));
    (HTML, body)
}

/// Appends one chunk of a chunked body: its length in hex, CRLF, the bytes, CRLF.
///
/// An empty `data` writes nothing: a chunk of length zero is the *last* chunk, which
/// only [`write_last_chunk`] writes.
///
/// ```
/// use mini_http::response::{write_chunk, write_last_chunk};
///
/// let mut buf = Vec::new();
/// write_chunk(&mut buf, b"Hello, ");
/// write_chunk(&mut buf, b"");
/// write_chunk(&mut buf, "世界!".as_bytes());
/// write_last_chunk(&mut buf);
/// assert_eq!(buf, "7\r\nHello, \r\n7\r\n世界!\r\n0\r\n\r\n".as_bytes());
/// ```
pub fn write_chunk(buf: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    push_hex(buf, data.len() as u64);
    buf.extend_from_slice(b"\r\n");
    buf.extend_from_slice(data);
    buf.extend_from_slice(b"\r\n");
}

/// Appends the last chunk (`0`) and the empty trailer section that end a chunked body.
pub fn write_last_chunk(buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"0\r\n\r\n");
}

/// Appends `name: value\r\n` if there is a value.
fn push_optional(buf: &mut Vec<u8>, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        push_field(buf, name, value);
    }
}

/// Appends `name: value\r\n`, the value checked for CR, LF and NUL.
fn push_field(buf: &mut Vec<u8>, name: &str, value: &str) {
    debug_assert!(
        !value.bytes().any(is_forbidden_in_value),
        "CR, LF or NUL in the value of {name}: {value:?}"
    );
    buf.extend_from_slice(name.as_bytes());
    buf.extend_from_slice(b": ");
    push_sanitised(buf, value);
    buf.extend_from_slice(b"\r\n");
}

/// Appends `value` with each CR, LF and NUL written as a space (RFC 9110 §5.5's remedy),
/// so that it stays on one line whatever it holds.
fn push_sanitised(buf: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    if !bytes.iter().copied().any(is_forbidden_in_value) {
        buf.extend_from_slice(bytes); // the usual case: one copy
        return;
    }
    buf.extend(
        bytes
            .iter()
            .map(|&b| if is_forbidden_in_value(b) { b' ' } else { b }),
    );
}

/// Whether a byte may never appear in a field value.
fn is_forbidden_in_value(byte: u8) -> bool {
    matches!(byte, b'\r' | b'\n' | b'\0')
}

/// Whether `name` is a token (RFC 9110 §5.6.2), the only thing a field name may be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Appends `n` in decimal. Writing into a `Vec` cannot fail, and this way there is no
/// `io::Result` to ignore.
fn push_decimal(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20]; // u64::MAX has 20 digits
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[start..]);
}

/// Appends `n` in lowercase hexadecimal, as chunk sizes are usually written.
fn push_hex(buf: &mut Vec<u8>, mut n: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16]; // u64::MAX has 16 hex digits
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = HEX[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests;
