//! The request parser: from bytes to a [`Request`], or to the reason it is refused.
//!
//! A request's head is text lines (RFC 9112 §2.1):
//!
//! ```text
//! GET /index.html HTTP/1.1\r\n      request line: method SP target SP version
//! Host: localhost:8000\r\n          header fields: name ":" OWS value OWS
//! Accept: */*\r\n
//! \r\n                              an empty line: the head ends, the body (if any) follows
//! ```
//!
//! [`parse`] has httparse's shape: it is given the bytes received so far and answers
//! [`Parsed::Partial`] (a head that may still become valid: wait for more),
//! [`Parsed::Complete`] (the request, and how many bytes its head took), or an error naming
//! the rule broken, with the status code it deserves ([`RequestError::status`]). Incomplete
//! is not invalid: `GET / HT` is a fine start. The caller keeps no state between calls; it
//! simply calls again with more bytes.
//!
//! The head is read in one pass, byte by byte, without allocating per byte: names and
//! values are copied once, into [`Headers`]' single buffer.
//!
//! # Strict where leniency lets requests be smuggled
//!
//! Where a proxy in front and this server could read the same bytes differently, a request
//! can hide inside another. So the parser refuses, with 400: whitespace between a field
//! name and its colon, a line starting with whitespace (obsolete folding), a bare CR,
//! controls and NUL, two `Host` lines, and anything but one space between the request
//! line's parts. The body's framing rules are in [`crate::body`].
//!
//! # Choices the RFC leaves open
//!
//! - **Line ends**: CRLF, or LF alone (RFC 9112 §2.2 allows a recipient to accept a bare
//!   LF). People type requests into `nc`, which sends LF; nginx accepts them too. A CR must
//!   be followed by LF.
//! - **Empty lines before the request line**: up to [`MAX_EMPTY_LINES`] are skipped
//!   (RFC 9112 §2.2: "at least one"; some clients send a CRLF after a POST body).
//! - **HTTP/1.2 to HTTP/1.9** are read as HTTP/1.1 (RFC 9112 §2.3: a higher minor version
//!   is processed as the highest one known). `HTTP/2.0`, `HTTP/3`, `HTTP/0.9` are HTTP, but
//!   not this text protocol: 505. Anything else, `http/1.1` included (the name is
//!   case-sensitive), is malformed: 400.
//! - **The target** must be visible ASCII (RFC 3986 §2: other characters are
//!   percent-encoded; curl and browsers do so). It is kept raw, as sent: origin-form
//!   (`/a?b`), absolute-form (`http://host/a`), `*` or `host:port` are told apart by
//!   [`crate::target`].
//! - **Host** is checked for syntax only: `host[:port]` where host is a name, an IPv4
//!   address or a bracketed IPv6 address (RFC 3986 §3.2.2; `IPvFuture` and zone ids are
//!   refused), and the port digits. An empty `Host` is valid (RFC 9112 §3.2).

use crate::headers::{is_field_byte, is_tchar, trim_ows, Headers};
use std::fmt;
use std::net::Ipv6Addr;

mod error;
pub use error::RequestError;

/// How many empty lines before the request line are skipped.
pub const MAX_EMPTY_LINES: usize = 4;

/// The longest method accepted; longer ones are answered 501 at once (RFC 9112 §3). The
/// longest methods in use (WebDAV's `UPDATEREDIRECTREF`) are half of it.
pub const MAX_METHOD_LEN: usize = 32;

/// How large a request may be. Lengths from the wire are checked against these before
/// waiting for, or allocating, anything more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The longest request target (answered `414 URI Too Long`).
    pub max_target: usize,
    /// The longest head: the request line, the fields and the empty line, with any empty
    /// lines before (answered `431 Request Header Fields Too Large`).
    pub max_head: usize,
    /// The most header fields (431), and the most lines in a chunked trailer.
    pub max_fields: usize,
    /// The largest body (answered `413 Content Too Large`), announced or decoded.
    pub max_body: u64,
}

impl Default for Limits {
    /// 8 KiB of target, 16 KiB of head (nginx's `large_client_header_buffers` is 8 KiB per
    /// line), 100 fields, 1 MiB of body (nginx's `client_max_body_size`).
    fn default() -> Limits {
        Limits {
            max_target: 8 * 1024,
            max_head: 16 * 1024,
            max_fields: 100,
            max_body: 1024 * 1024,
        }
    }
}

/// A request method (RFC 9110 §9). Methods are case-sensitive: `get` is not `GET`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// Send me the resource.
    Get,
    /// Like `GET`, but only the head of the response.
    Head,
    /// Process this body.
    Post,
    /// Store this body at the target.
    Put,
    /// Remove the target.
    Delete,
    /// Which methods, which options?
    Options,
    /// Echo the request back (a debugging aid, often disabled).
    Trace,
    /// Open a tunnel (proxies).
    Connect,
    /// Change part of the target (RFC 5789).
    Patch,
    /// Any other token: a method this server does not know (answered 501; a known one it
    /// does not support is answered 405).
    Other(String),
}

impl Method {
    /// The method for a token already checked to be one.
    fn from_token(token: &[u8]) -> Method {
        match token {
            b"GET" => Method::Get,
            b"HEAD" => Method::Head,
            b"POST" => Method::Post,
            b"PUT" => Method::Put,
            b"DELETE" => Method::Delete,
            b"OPTIONS" => Method::Options,
            b"TRACE" => Method::Trace,
            b"CONNECT" => Method::Connect,
            b"PATCH" => Method::Patch,
            // A token is ASCII, so nothing is lost.
            other => Method::Other(String::from_utf8_lossy(other).into_owned()),
        }
    }

    /// The method as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
            Method::Patch => "PATCH",
            Method::Other(name) => name,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The HTTP versions this server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// HTTP/1.0: a connection closes after one response unless asked otherwise.
    Http10,
    /// HTTP/1.1: connections persist; `Host` is required; chunked bodies.
    Http11,
}

impl Version {
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What to do.
    pub method: Method,
    /// To what: the request target exactly as sent (not decoded; see [`crate::target`]).
    pub target: String,
    /// The version the client speaks.
    pub version: Version,
    /// The header fields, in order.
    pub headers: Headers,
}

/// What the bytes received so far hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// The start of a head that may still be valid: read more, and parse again.
    Partial,
    /// A whole head.
    Complete {
        /// The request.
        request: Request,
        /// How many bytes the head took, through its empty line: the body, or the next
        /// request, starts there.
        head_len: usize,
    },
}

/// Parses the head of a request from the start of `buf`.
///
/// # Errors
///
/// The first rule the bytes break, as soon as it is certain whatever follows: a head
/// that has outgrown [`Limits::max_head`] is refused at once, not when it ends.
///
/// # Examples
///
/// ```
/// use mini_http::request::{parse, Limits, Method, Parsed, RequestError, Version};
///
/// let limits = Limits::default();
/// let bytes = b"GET /docs/?q=1 HTTP/1.1\r\nHost: localhost:8000\r\nAccept: */*\r\n\r\nNEXT";
/// let Parsed::Complete { request, head_len } = parse(bytes, &limits)? else {
///     panic!("a whole head")
/// };
/// assert_eq!(request.method, Method::Get);
/// assert_eq!(request.target, "/docs/?q=1");
/// assert_eq!(request.version, Version::Http11);
/// assert_eq!(request.headers.get("host"), Some("localhost:8000"));
/// assert_eq!(&bytes[head_len..], b"NEXT");
///
/// // Incomplete is not invalid...
/// assert_eq!(parse(b"GET / HT", &limits)?, Parsed::Partial);
/// // ...but invalid is invalid at once, and says why.
/// let err = parse(b"GET / HTTP/1.1\r\nContent-Length : 5\r\n", &limits).unwrap_err();
/// assert_eq!(err, RequestError::SpaceBeforeColon);
/// assert_eq!(err.status().as_u16(), 400);
/// # Ok::<(), RequestError>(())
/// ```
pub fn parse(buf: &[u8], limits: &Limits) -> Result<Parsed, RequestError> {
    // A head longer than the limit is refused without looking further: only the first
    // `max_head` bytes are parsed, and a head not complete within them is too long.
    let window = &buf[..buf.len().min(limits.max_head)];
    match parse_head(window, limits) {
        Ok((request, head_len)) => Ok(Parsed::Complete { request, head_len }),
        Err(Stop::Invalid(error)) => Err(error),
        Err(Stop::Partial(_)) if buf.len() <= window.len() => Ok(Parsed::Partial),
        // Cut off inside the target: the target is what is too long (when it is allowed
        // to be longer than the whole head).
        Err(Stop::Partial(Part::Target)) => Err(RequestError::TargetTooLong {
            max: limits.max_target,
        }),
        Err(Stop::Partial(_)) => Err(RequestError::HeadTooLarge {
            max: limits.max_head,
        }),
    }
}

/// Why parsing stopped before a whole head.
enum Stop {
    /// The bytes ran out in this part.
    Partial(Part),
    /// A rule is broken.
    Invalid(RequestError),
}

impl From<RequestError> for Stop {
    fn from(error: RequestError) -> Stop {
        Stop::Invalid(error)
    }
}

/// Where in the head the bytes ran out.
#[derive(Debug, Clone, Copy)]
enum Part {
    RequestLine,
    Target,
    Fields,
}

/// The head, from the start of `buf`: the request and its length.
fn parse_head(buf: &[u8], limits: &Limits) -> Result<(Request, usize), Stop> {
    let mut pos = skip_empty_lines(buf)?;

    // method SP
    let method_start = pos;
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::RequestLine)),
            Some(b' ') => break,
            Some(&b) if is_tchar(b) => {
                pos += 1;
                if pos - method_start > MAX_METHOD_LEN {
                    return Err(RequestError::MethodTooLong {
                        max: MAX_METHOD_LEN,
                    }
                    .into());
                }
            }
            Some(&b) => return Err(misplaced(buf, pos, b, RequestError::InvalidMethod)?.into()),
        }
    }
    if pos == method_start {
        // The line starts with a space.
        return Err(RequestError::RequestLineSpacing.into());
    }
    let method = Method::from_token(&buf[method_start..pos]);
    pos += 1;

    // request-target SP: visible ASCII only (RFC 9112 §3.2, RFC 3986 §2).
    let target_start = pos;
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::Target)),
            Some(b' ') => break,
            Some(b'!'..=b'~') => {
                pos += 1;
                if pos - target_start > limits.max_target {
                    return Err(RequestError::TargetTooLong {
                        max: limits.max_target,
                    }
                    .into());
                }
            }
            Some(&b) => return Err(misplaced(buf, pos, b, RequestError::InvalidTarget)?.into()),
        }
    }
    if pos == target_start {
        // Two spaces after the method.
        return Err(RequestError::RequestLineSpacing.into());
    }
    let target = &buf[target_start..pos];
    pos += 1;

    // HTTP-version, then the line's end.
    let version_start = pos;
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::RequestLine)),
            Some(b'\r' | b'\n') => break,
            Some(b' ' | b'\t') => return Err(RequestError::RequestLineSpacing.into()),
            Some(b'\0') => return Err(RequestError::Nul.into()),
            Some(_) => {
                pos += 1;
                // Refused as soon as it cannot become a version: `http/` at its `h`.
                if !could_be_version(&buf[version_start..pos]) {
                    return Err(RequestError::InvalidVersion.into());
                }
            }
        }
    }
    let version = version(&buf[version_start..pos])?;
    pos = line_end(buf, pos, Part::RequestLine)?;

    // field-line CRLF, until an empty line (RFC 9112 §5).
    let mut headers = Headers::with_capacity(buf.len() - pos);
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::Fields)),
            Some(b'\r' | b'\n') => {
                pos = line_end(buf, pos, Part::Fields)?;
                break;
            }
            // A line starting with whitespace continues the previous one (obs-fold), or,
            // right after the request line, may hide a field from some parsers: refused
            // either way (RFC 9112 §5.2, §2.2).
            Some(b' ' | b'\t') => return Err(RequestError::ObsFold.into()),
            Some(_) => {}
        }
        if headers.len() == limits.max_fields {
            return Err(RequestError::TooManyHeaders {
                max: limits.max_fields,
            }
            .into());
        }
        let (name, value, next) = field_line(buf, pos)?;
        headers.push(name, value);
        pos = next;
    }

    check_host(&headers, version)?;
    let request = Request {
        method,
        // Checked above to be visible ASCII, so this never fails.
        target: String::from_utf8(target.to_vec()).map_err(|_| RequestError::InvalidTarget)?,
        version,
        headers,
    };
    Ok((request, pos))
}

/// Skips up to [`MAX_EMPTY_LINES`] empty lines; returns where the request line starts.
fn skip_empty_lines(buf: &[u8]) -> Result<usize, Stop> {
    let mut pos = 0;
    for _ in 0..MAX_EMPTY_LINES {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::RequestLine)),
            Some(b'\r' | b'\n') => pos = line_end(buf, pos, Part::RequestLine)?,
            Some(_) => return Ok(pos),
        }
    }
    match buf.get(pos) {
        None => Err(Stop::Partial(Part::RequestLine)),
        Some(b'\r' | b'\n') => Err(RequestError::TooManyEmptyLines {
            max: MAX_EMPTY_LINES,
        }
        .into()),
        Some(_) => Ok(pos),
    }
}

/// `buf[pos]` is CR or LF: where the next line starts. A CR must be followed by LF
/// (RFC 9112 §2.2); a LF alone is accepted.
fn line_end(buf: &[u8], pos: usize, part: Part) -> Result<usize, Stop> {
    if buf[pos] == b'\n' {
        return Ok(pos + 1);
    }
    match buf.get(pos + 1) {
        None => Err(Stop::Partial(part)),
        Some(b'\n') => Ok(pos + 2),
        Some(_) => Err(RequestError::BareCr.into()),
    }
}

/// The error for byte `b` at `buf[pos]`, found where the request line expects another
/// kind: `otherwise` unless it is a NUL, a tab or a line's end, which say more.
fn misplaced(buf: &[u8], pos: usize, b: u8, otherwise: RequestError) -> Result<RequestError, Stop> {
    Ok(match b {
        b'\0' => RequestError::Nul,
        b'\t' => RequestError::RequestLineSpacing,
        b'\r' | b'\n' => {
            // A bare CR is its own error; a line's end means a part is missing.
            line_end(buf, pos, Part::RequestLine)?;
            RequestError::IncompleteRequestLine
        }
        _ => otherwise,
    })
}

/// Whether `bytes` is the start of `HTTP/` DIGIT [ "." DIGIT ].
fn could_be_version(bytes: &[u8]) -> bool {
    bytes.len() <= 8
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            0..=4 => b == b"HTTP/"[i],
            5 | 7 => b.is_ascii_digit(),
            _ => b == b'.',
        })
}

/// The version named by a whole `HTTP-version` (RFC 9112 §2.3).
fn version(bytes: &[u8]) -> Result<Version, RequestError> {
    let other = || RequestError::UnsupportedVersion(String::from_utf8_lossy(bytes).into_owned());
    if bytes.is_empty() {
        // `GET / ` and the line's end: a space too many rather than a bad version.
        return Err(RequestError::RequestLineSpacing);
    }
    if !could_be_version(bytes) {
        return Err(RequestError::InvalidVersion);
    }
    match bytes {
        b"HTTP/1.0" => Ok(Version::Http10),
        // A higher minor version is processed as the highest we know (RFC 9112 §2.3).
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', _] => Ok(Version::Http11),
        // `HTTP/2`, `HTTP/3`: how later versions name themselves.
        [b'H', b'T', b'T', b'P', b'/', major, ..] if *major != b'1' && bytes.len() != 7 => {
            Err(other())
        }
        _ => Err(RequestError::InvalidVersion),
    }
}

/// One field line from `buf[pos]`, which is not whitespace or a line's end: the name, the
/// value without the whitespace around it, and where the next line starts.
fn field_line(buf: &[u8], mut pos: usize) -> Result<(&[u8], &[u8], usize), Stop> {
    // field-name ":" (no whitespace before the colon: RFC 9112 §5.1)
    let name_start = pos;
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::Fields)),
            Some(b':') => break,
            Some(&b) if is_tchar(b) => pos += 1,
            Some(b' ' | b'\t') => return Err(RequestError::SpaceBeforeColon.into()),
            Some(b'\0') => return Err(RequestError::Nul.into()),
            Some(b'\r' | b'\n') => {
                line_end(buf, pos, Part::Fields)?;
                return Err(RequestError::MissingColon.into());
            }
            Some(_) => return Err(RequestError::InvalidHeaderName.into()),
        }
    }
    let name = &buf[name_start..pos];
    if name.is_empty() {
        return Err(RequestError::InvalidHeaderName.into());
    }
    pos += 1;

    // OWS field-value OWS (RFC 9110 §5.5: no controls but tab).
    let value_start = pos;
    loop {
        match buf.get(pos) {
            None => return Err(Stop::Partial(Part::Fields)),
            Some(b'\r' | b'\n') => break,
            Some(&b) if is_field_byte(b) => pos += 1,
            Some(b'\0') => return Err(RequestError::Nul.into()),
            Some(_) => {
                return Err(RequestError::InvalidHeaderValue {
                    name: String::from_utf8_lossy(name).into_owned(),
                }
                .into())
            }
        }
    }
    let value = trim_ows(&buf[value_start..pos]);
    let next = line_end(buf, pos, Part::Fields)?;
    Ok((name, value, next))
}

/// `Host`: required in HTTP/1.1, never twice, and well-formed (RFC 9112 §3.2).
fn check_host(headers: &Headers, version: Version) -> Result<(), RequestError> {
    let mut hosts = headers.get_all("Host");
    match (hosts.next(), hosts.next()) {
        (None, _) if version == Version::Http11 => Err(RequestError::MissingHost),
        (None, _) => Ok(()),
        (Some(_), Some(_)) => Err(RequestError::DuplicateHost),
        (Some(host), None) if is_valid_host(host) => Ok(()),
        (Some(_), None) => Err(RequestError::InvalidHost),
    }
}

/// Whether `value` is `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2-3.2.3).
fn is_valid_host(value: &[u8]) -> bool {
    let (host_ok, port) = if let Some(literal) = value.strip_prefix(b"[") {
        // IP-literal: "[" IPv6address "]"
        let Some(close) = literal.iter().position(|&b| b == b']') else {
            return false;
        };
        let address = std::str::from_utf8(&literal[..close]).ok();
        let host_ok = address.is_some_and(|a| a.parse::<Ipv6Addr>().is_ok());
        match &literal[close + 1..] {
            [] => (host_ok, &b""[..]),
            [b':', port @ ..] => (host_ok, port),
            _ => return false,
        }
    } else {
        // reg-name (an IPv4 address is one too): no ':' inside, so the first starts the port.
        let (host, port) = match value.iter().position(|&b| b == b':') {
            Some(colon) => (&value[..colon], &value[colon + 1..]),
            None => (value, &b""[..]),
        };
        (is_reg_name(host), port)
    };
    host_ok && port.iter().all(u8::is_ascii_digit)
}

/// `reg-name = *( unreserved / pct-encoded / sub-delims )` (RFC 3986 §3.2.2).
fn is_reg_name(host: &[u8]) -> bool {
    let mut i = 0;
    while i < host.len() {
        match host[i] {
            b'%' => {
                let hex = host.get(i + 1..i + 3);
                if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b) => i += 1,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests;
