//! The request target: what the request line asks for (RFC 9112 §3.2).
//!
//! `GET /docs/caf%C3%A9.txt?lang=fr HTTP/1.1` names its target in the middle of the request
//! line. It comes in four forms:
//!
//! ```text
//! /docs/caf%C3%A9.txt?lang=fr              origin-form: what browsers send to a server
//! http://example.com:8000/docs/a.txt?x=1   absolute-form: what clients send to a proxy
//! *                                        asterisk-form: "the server itself", OPTIONS only
//! example.com:443                          authority-form: CONNECT only (a tunnel)
//! ```
//!
//! [`parse_target`] tells them apart and turns the first two into a [`Resource`]: the host
//! (absolute-form only), the path, percent-decoded into a `String`, and the raw query.
//!
//! ## Percent-decoding, and what it refuses
//!
//! A path travels as ASCII: `é` is sent as its UTF-8 bytes written `%C3%A9`. Decoding turns the
//! escapes back into bytes and the bytes into text. Each refusal below is its own
//! [`TargetError`] variant, all answered with `400 Bad Request`:
//!
//! - `%2F` (an encoded `/`): [`TargetError::EncodedSlash`]. Decoded, it would be a separator
//!   the text never showed: `..%2Fetc` looks like one segment and becomes two. No name on
//!   disk contains a `/`, so nothing legitimate is lost.
//! - `%00` (an encoded NUL): [`TargetError::EncodedNul`]. C strings end at NUL, so the name
//!   the system opens would differ from the name checked.
//! - other encoded control characters (`%0A`, `%1B`): [`TargetError::EncodedControl`]. A
//!   newline in a name ends up in logs and in headers such as `Location`.
//! - `%G1`, `%4`, a lone `%`: [`TargetError::InvalidEscape`].
//! - bytes that are not UTF-8 once decoded: [`TargetError::NotUtf8`]. This includes the
//!   classic smuggling tricks: overlong forms such as `%C0%AF` (a second spelling of `/`) and
//!   `%E0%80%AF`, and UTF-16 surrogates such as `%ED%A0%80`. Rust's `String::from_utf8`
//!   refuses all of them, as the Unicode standard requires, so no check of our own is needed.
//! - raw control characters, spaces and `#`: [`TargetError::InvalidCharacter`]. A fragment
//!   (`#top`) is the browser's business and is never sent (RFC 9112 §3.2).
//!
//! What is accepted that RFC 3986 does not list: raw UTF-8 (`/café.txt`, which some clients
//! send unencoded) and the printable ASCII characters `"`, `<`, `>`, `\`, `^`, `{`, `|`, `}`
//! and the backquote, as nginx accepts them.
//! Being liberal there costs nothing, because what the path may *name* is checked next.
//!
//! ## What is not checked here: `..`
//!
//! The decoded path goes to [`file_download::confine`] (through [`Resource::relative_path`]),
//! which refuses `..` anywhere, absolute names, backslashes and NUL, for both lessons.
//! Because it sees the name after decoding, `%2e%2e` (an encoded `..`) is refused there too:
//! decoding first and checking second is the order that cannot be fooled.
//!
//! ## Choices where the RFC leaves one
//!
//! - Absolute-form is accepted from any client, as RFC 9112 §3.2.2 requires of a server;
//!   its host is kept in [`Resource::authority`], and the caller uses it instead of the `Host`
//!   header (RFC 9112 §3.2.2: the server "MUST ignore the received Host header field").
//!   Only the `http` scheme: `https://` over this plain TCP server is refused.
//! - `*` is returned as [`RequestTarget::Asterisk`] for any method; the caller answers
//!   `OPTIONS *` and refuses the rest.
//! - Authority-form is accepted only with CONNECT ([`RequestTarget::Authority`]), which this
//!   server, not being a proxy, then refuses.
//! - `/a/../b` is not normalized (RFC 3986 §5.2.4 would make it `/b`): it is refused by
//!   `confine`, and no browser sends it.

use std::net::Ipv6Addr;

use thiserror::Error;

use crate::status::StatusCode;

#[cfg(test)]
mod tests;

/// A parsed request target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestTarget {
    /// origin-form (`/path?query`) or absolute-form (`http://host/path?query`).
    Resource(Resource),
    /// asterisk-form, `*`: the server as a whole (`OPTIONS * HTTP/1.1`).
    Asterisk,
    /// authority-form, `host:port`, as sent with CONNECT.
    Authority(String),
}

/// A resource on this server: the host if the client named one, the decoded path, the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `host[:port]` from an absolute-form target, as sent; `None` for origin-form (then the
    /// `Host` header names the host).
    pub authority: Option<String>,
    /// The percent-decoded path; always starts with `/`.
    pub path: String,
    /// The query after `?`, not decoded (a static server ignores it; `?` alone is `Some("")`).
    pub query: Option<String>,
}

impl Resource {
    /// The path without its leading `/`: the name to hand to
    /// [`file_download::confine::Root::open_file`], which takes names relative to the root
    /// (and refuses a second leading `/`, as in `//etc/passwd`).
    ///
    /// ```
    /// use mini_http::target::{parse_target, RequestTarget};
    ///
    /// let Ok(RequestTarget::Resource(resource)) = parse_target("GET", "/docs/a%20b.txt") else {
    ///     panic!("an origin-form target");
    /// };
    /// assert_eq!(resource.relative_path(), "docs/a b.txt");
    /// ```
    pub fn relative_path(&self) -> &str {
        self.path.strip_prefix('/').unwrap_or(&self.path)
    }
}

/// Why a request target was refused. Every variant is a `400 Bad Request`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// The target is empty.
    #[error("the request target is empty")]
    Empty,
    /// Not one of the four forms (for example `index.html`, without its `/`).
    #[error("the request target is not a path, an absolute URL, `*` or host:port")]
    Malformed,
    /// An absolute URL with another scheme than `http` (`https://`, `ftp://`).
    #[error("only http:// URLs are served here")]
    UnsupportedScheme,
    /// authority-form (`host:port`) with a method other than CONNECT.
    #[error("a host:port target is only for CONNECT")]
    AuthorityForm,
    /// CONNECT with a target other than `host:port`.
    #[error("CONNECT needs a host:port target")]
    NotAuthorityForm,
    /// The host or port of an absolute URL is empty or malformed.
    #[error("the host or port of the URL is invalid")]
    InvalidAuthority,
    /// `user@` in an absolute URL: RFC 9110 §4.2.4 asks recipients to treat it as an error,
    /// since `http://bank.example@evil.example/` is a phishing trick.
    #[error("a URL with user information (user@host)")]
    UserInfo,
    /// `%2F` in the path: a separator the text did not show.
    #[error("an encoded slash (%2F) in the path")]
    EncodedSlash,
    /// `%00` in the path.
    #[error("an encoded NUL (%00) in the path")]
    EncodedNul,
    /// Another encoded control character (`%01` to `%1F`, `%7F`) in the path.
    #[error("an encoded control character (%{0:02X}) in the path")]
    EncodedControl(u8),
    /// A `%` not followed by two hexadecimal digits.
    #[error("an invalid percent escape in the path")]
    InvalidEscape,
    /// The decoded path is not UTF-8 (overlong forms and surrogates included).
    #[error("the decoded path is not valid UTF-8")]
    NotUtf8,
    /// A raw control character, space or `#` in the target.
    #[error("the character {0:?} is not allowed in a request target")]
    InvalidCharacter(char),
}

impl TargetError {
    /// The status to answer with: always `400 Bad Request`.
    pub fn status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }
}

/// Parses the request target `raw` of a request with method `method` (RFC 9112 §3.2).
///
/// ```
/// use mini_http::target::{parse_target, RequestTarget, Resource, TargetError};
///
/// let target = parse_target("GET", "/caf%C3%A9.txt?v=2").unwrap();
/// assert_eq!(target, RequestTarget::Resource(Resource {
///     authority: None,
///     path: "/café.txt".into(),
///     query: Some("v=2".into()),
/// }));
///
/// let proxied = parse_target("GET", "http://example.com:8000/a.txt").unwrap();
/// let RequestTarget::Resource(resource) = proxied else { panic!() };
/// assert_eq!(resource.authority.as_deref(), Some("example.com:8000"));
///
/// assert_eq!(parse_target("OPTIONS", "*"), Ok(RequestTarget::Asterisk));
/// assert_eq!(parse_target("GET", "/..%2fetc/passwd"), Err(TargetError::EncodedSlash));
/// assert_eq!(parse_target("GET", "/%C0%AF"), Err(TargetError::NotUtf8)); // overlong "/"
/// assert_eq!(parse_target("GET", "https://example.com/"), Err(TargetError::UnsupportedScheme));
/// assert_eq!(parse_target("GET", "example.com:443"), Err(TargetError::AuthorityForm));
/// ```
pub fn parse_target(method: &str, raw: &str) -> Result<RequestTarget, TargetError> {
    if raw.is_empty() {
        return Err(TargetError::Empty);
    }
    check_raw_characters(raw)?;

    // RFC 9112 §3.2.3: "The authority-form is only used for CONNECT requests", and a CONNECT
    // uses nothing else.
    if method == "CONNECT" {
        return if is_authority(raw, true) {
            Ok(RequestTarget::Authority(raw.to_string()))
        } else {
            Err(TargetError::NotAuthorityForm)
        };
    }
    if raw == "*" {
        return Ok(RequestTarget::Asterisk);
    }
    if raw.starts_with('/') {
        return resource(None, raw).map(RequestTarget::Resource);
    }
    if let Some((scheme, rest)) = split_scheme(raw) {
        if !scheme.eq_ignore_ascii_case("http") {
            return Err(TargetError::UnsupportedScheme);
        }
        return absolute_form(rest).map(RequestTarget::Resource);
    }
    if is_authority(raw, true) {
        return Err(TargetError::AuthorityForm);
    }
    Err(TargetError::Malformed)
}

/// Percent-decodes a path (RFC 3986 §2.1) into text, with the refusals listed in the module
/// documentation. The query is not for this function: there, `+` and `%2F` mean other things.
///
/// ```
/// use mini_http::target::{percent_decode_path, TargetError};
///
/// assert_eq!(percent_decode_path("/a%20b/%E4%BD%A0%e5%a5%bd"), Ok("/a b/你好".to_string()));
/// assert_eq!(percent_decode_path("/%2e%2e/x"), Ok("/../x".to_string())); // confine refuses it
/// assert_eq!(percent_decode_path("/a%2fb"), Err(TargetError::EncodedSlash));
/// assert_eq!(percent_decode_path("/a%00"), Err(TargetError::EncodedNul));
/// assert_eq!(percent_decode_path("/a%G1"), Err(TargetError::InvalidEscape));
/// assert_eq!(percent_decode_path("/a%4"), Err(TargetError::InvalidEscape));
/// assert_eq!(percent_decode_path("/%ED%A0%80"), Err(TargetError::NotUtf8)); // a surrogate
/// ```
pub fn percent_decode_path(raw: &str) -> Result<String, TargetError> {
    check_raw_characters(raw)?;
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            decoded.push(bytes[i]);
            i += 1;
            continue;
        }
        let high = bytes.get(i + 1).copied().and_then(hex_value);
        let low = bytes.get(i + 2).copied().and_then(hex_value);
        let (Some(high), Some(low)) = (high, low) else {
            return Err(TargetError::InvalidEscape);
        };
        let byte = high * 16 + low;
        match byte {
            b'/' => return Err(TargetError::EncodedSlash),
            0 => return Err(TargetError::EncodedNul),
            1..=0x1f | 0x7f => return Err(TargetError::EncodedControl(byte)),
            _ => decoded.push(byte),
        }
        i += 3;
    }
    // The raw part was UTF-8 already (a &str); the escapes may have produced anything.
    String::from_utf8(decoded).map_err(|_| TargetError::NotUtf8)
}

/// Refuses raw control characters, spaces, DEL and `#` anywhere in the target.
fn check_raw_characters(raw: &str) -> Result<(), TargetError> {
    match raw
        .chars()
        .find(|&c| c.is_ascii_control() || c == ' ' || c == '#')
    {
        Some(c) => Err(TargetError::InvalidCharacter(c)),
        None => Ok(()),
    }
}

/// The value of one hexadecimal digit, either case.
fn hex_value(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}

/// A path and optional query (`/a/b?x=1`), decoded into a [`Resource`].
fn resource(authority: Option<String>, path_and_query: &str) -> Result<Resource, TargetError> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (path_and_query, None),
    };
    // An absolute URL may have an empty path (`http://host?x`); it means `/` (RFC 9110 §4.2.3).
    let path = if path.is_empty() { "/" } else { path };
    Ok(Resource {
        authority,
        path: percent_decode_path(path)?,
        query,
    })
}

/// The part of an absolute-form target after `http:`: `//host[:port][/path][?query]`.
fn absolute_form(rest: &str) -> Result<Resource, TargetError> {
    let rest = rest.strip_prefix("//").ok_or(TargetError::Malformed)?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(end);
    if authority.contains('@') {
        return Err(TargetError::UserInfo);
    }
    // RFC 9110 §4.2.1: a recipient "MUST reject" an http URI with an empty host.
    if !is_authority(authority, false) {
        return Err(TargetError::InvalidAuthority);
    }
    resource(Some(authority.to_string()), path_and_query)
}

/// Splits `scheme:rest` when `raw` starts with a URI scheme (RFC 3986 §3.1:
/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`) followed by `://`.
fn split_scheme(raw: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = raw.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && rest.starts_with("//")).then_some((scheme, rest))
}

/// Whether `text` is `host[:port]` (RFC 3986 §3.2.2, §3.2.3), with a port if `port_required`:
/// a registered name or IPv4 address, or an IPv6 address in brackets; a port of digits up to
/// 65535.
fn is_authority(text: &str, port_required: bool) -> bool {
    let (host, port) = if let Some(bracketed) = text.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return false;
        };
        if inside.parse::<Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => (inside, None),
            after => match after.strip_prefix(':') {
                Some(port) => (inside, Some(port)),
                None => return false,
            },
        }
    } else {
        let (host, port) = match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        };
        // reg-name = *( unreserved / pct-encoded / sub-delims ), and an IPv4 address fits it.
        let name_char = |c: char| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c);
        if !host.chars().all(name_char) {
            return false;
        }
        (host, port)
    };
    let port_ok = match port {
        None => !port_required,
        Some("") => !port_required,
        Some(port) => {
            port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| p <= 65_535)
        }
    };
    !host.is_empty() && port_ok
}
