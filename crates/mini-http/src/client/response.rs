//! Reading a response: the status line, the header fields, and where the body ends.
//!
//! A response's body ends in one of three ways (RFC 9112 §6.3), and a client must know
//! which before it reads a byte of it:
//!
//! 1. no body at all: the answer to a `HEAD`, and every `1xx`, `204` and `304`;
//! 2. `Transfer-Encoding: chunked`: chunks, the last of size 0;
//! 3. `Content-Length: N`: exactly N bytes;
//! 4. neither: everything until the server closes (HTTP/1.0's way; the connection cannot
//!    carry another request after it).

use crate::headers::{trim_ows, Headers};
use std::io::{self, BufRead, Read};

/// The most bytes a response head may have, and the most fields.
const MAX_HEAD: usize = 64 * 1024;
const MAX_FIELDS: usize = 200;

/// A response's head.
#[derive(Debug, Clone)]
pub struct ResponseHead {
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// The status code.
    pub code: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// The fields.
    pub headers: Headers,
    /// The head's lines as received, without their line ends (for `-v` and `-I`).
    pub lines: Vec<String>,
}

/// How a response's body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEnd {
    /// There is none.
    None,
    /// Chunked.
    Chunked,
    /// This many bytes.
    Length(u64),
    /// When the server closes.
    Close,
}

impl ResponseHead {
    /// Reads a head from `reader`: the status line, the fields, the empty line. Interim
    /// `1xx` responses (`100 Continue`) are read and skipped.
    ///
    /// # Errors
    ///
    /// [`io::ErrorKind::UnexpectedEof`] if the server closed before a whole head (on a
    /// reused connection: it had closed it meanwhile); [`io::ErrorKind::InvalidData`] for
    /// a head that is not HTTP/1.x, or too large.
    pub fn read_from(reader: &mut impl BufRead) -> io::Result<ResponseHead> {
        loop {
            let head = read_one(reader)?;
            if !(100..200).contains(&head.code) || head.code == 101 {
                return Ok(head);
            }
        }
    }

    /// How the body of this response to a request (`HEAD` or not) ends.
    pub fn body_end(&self, request_was_head: bool) -> io::Result<BodyEnd> {
        if request_was_head || self.code < 200 || self.code == 204 || self.code == 304 {
            return Ok(BodyEnd::None);
        }
        if self.headers.count("Transfer-Encoding") > 0 {
            return if self.headers.has_token("Transfer-Encoding", "chunked") {
                Ok(BodyEnd::Chunked)
            } else {
                Ok(BodyEnd::Close)
            };
        }
        match self.headers.get("Content-Length") {
            Some(len) => len
                .trim()
                .parse()
                .map(BodyEnd::Length)
                .map_err(|_| invalid(format!("a Content-Length that is not a number: {len:?}"))),
            None => Ok(BodyEnd::Close),
        }
    }

    /// Whether the connection may carry another request after this response.
    pub fn keeps_connection(&self, body_end: BodyEnd) -> bool {
        if body_end == BodyEnd::Close || self.headers.has_token("Connection", "close") {
            return false;
        }
        self.version == "HTTP/1.1" || self.headers.has_token("Connection", "keep-alive")
    }

    /// The body's media type and charset, from `Content-Type`.
    pub fn charset(&self) -> Option<String> {
        let value = self.headers.get("Content-Type")?;
        value.split(';').skip(1).find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"').to_string())
        })
    }

    /// Whether the body is text to show (a `text/` type, or any type with a charset).
    pub fn is_text(&self) -> bool {
        self.charset().is_some()
            || self
                .headers
                .get("Content-Type")
                .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/"))
    }
}

/// Reads one head.
fn read_one(reader: &mut impl BufRead) -> io::Result<ResponseHead> {
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = Vec::new();
        let mut limited = Read::take(&mut *reader, (MAX_HEAD - total) as u64 + 1);
        let n = limited.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                if lines.is_empty() {
                    "the server closed the connection without answering"
                } else {
                    "the server closed the connection inside the response head"
                },
            ));
        }
        total += n;
        if total > MAX_HEAD || lines.len() > MAX_FIELDS {
            return Err(invalid("the response head is too large".to_string()));
        }
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            if lines.is_empty() {
                continue; // tolerated before a status line, as before a request line
            }
            break;
        }
        lines.push(String::from_utf8_lossy(text).into_owned());
    }
    let status = &lines[0];
    let mut parts = status.splitn(3, ' ');
    let version = parts.next().unwrap_or_default().to_string();
    let code = parts.next().unwrap_or_default();
    let reason = parts.next().unwrap_or_default().to_string();
    if !matches!(version.as_str(), "HTTP/1.1" | "HTTP/1.0") {
        return Err(invalid(format!("not an HTTP/1.x response: {status:?}")));
    }
    let code = match code.parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) && code.to_string() == code_text(code) => code,
        _ => return Err(invalid(format!("not a status code: {status:?}"))),
    };
    let mut headers = Headers::new();
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("a header line without a colon: {line:?}")));
        };
        headers
            .append(name, trim_ows(value.as_bytes()))
            .map_err(|e| invalid(e.to_string()))?;
    }
    Ok(ResponseHead {
        version,
        code,
        reason,
        headers,
        lines,
    })
}

/// The three digits of a code (to refuse `+20`, `0200`).
fn code_text(code: u16) -> String {
    format!("{code:03}")
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> ResponseHead {
        ResponseHead::read_from(&mut text.as_bytes()).expect("a head")
    }

    #[test]
    fn the_body_end_follows_rfc_9112_section_6_3() {
        let ok = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!(ok.body_end(false).expect("end"), BodyEnd::Length(5));
        assert_eq!(ok.body_end(true).expect("end"), BodyEnd::None);
        assert!(ok.keeps_connection(BodyEnd::Length(5)));
        let chunked = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        assert_eq!(chunked.body_end(false).expect("end"), BodyEnd::Chunked);
        let old = head("HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=gbk\r\n\r\n");
        assert_eq!(old.body_end(false).expect("end"), BodyEnd::Close);
        assert!(!old.keeps_connection(BodyEnd::Close));
        assert_eq!(old.charset().as_deref(), Some("gbk"));
        assert!(old.is_text());
        let not_modified = head("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(not_modified.body_end(false).expect("end"), BodyEnd::None);
    }

    #[test]
    fn interim_responses_are_skipped_and_bad_heads_refused() {
        let after_continue = head("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        assert_eq!(after_continue.code, 204);
        for bad in [
            "SSH-2.0-OpenSSH\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/2 200\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        ] {
            let err = ResponseHead::read_from(&mut bad.as_bytes()).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{bad:?}");
        }
        let err = ResponseHead::read_from(&mut &b""[..]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
