//! `--show-requests`: a request's raw bytes, line by line, with what each line is.
//!
//! The course opens the browser's developer tools (F12) to see a request: the request
//! line, the headers, the empty line, the body. This is the same view from the server's
//! side, from the bytes that really arrived, with the invisible parts shown: every line
//! ends in `\r\n`, and the empty line is just that.

use netbasics::text::{escape_text, preview};
use std::fmt::Write as _;
use std::net::SocketAddr;

/// The most characters of a body shown.
const BODY_PREVIEW: usize = 200;

/// The annotated view of one request: `raw` holds its head (`head_len` bytes, through
/// the empty line) and then its body.
///
/// ```
/// use mini_http::show::annotate;
///
/// let raw = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
/// let view = annotate(raw, raw.len(), "127.0.0.1:5000".parse().unwrap());
/// assert!(view.contains("request line  GET / HTTP/1.1\\r\\n"));
/// assert!(view.contains("header        Host: a\\r\\n"));
/// assert!(view.contains("blank line    \\r\\n"));
/// ```
pub fn annotate(raw: &[u8], head_len: usize, peer: SocketAddr) -> String {
    let head_len = head_len.min(raw.len());
    let (head, body) = raw.split_at(head_len);
    let mut out = String::new();
    let _ = writeln!(out, "{peer} sent {} bytes:", raw.len());
    let mut first = true;
    for line in head.split_inclusive(|&b| b == b'\n') {
        let what = if line == b"\r\n" || line == b"\n" {
            "blank line"
        } else if first {
            "request line"
        } else {
            "header"
        };
        if what != "blank line" {
            first = false;
        }
        let text = escape_text(&String::from_utf8_lossy(line));
        let _ = writeln!(out, "  {what:<13} {text}");
    }
    if !body.is_empty() {
        let text = escape_text(&String::from_utf8_lossy(body));
        let _ = writeln!(
            out,
            "  {:<13} {} bytes: {}",
            "body",
            body.len(),
            preview(&text, BODY_PREVIEW)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_follows_the_blank_line() {
        let raw = b"POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
        let view = annotate(raw, raw.len() - 5, "[::1]:80".parse().expect("addr"));
        let lines: Vec<&str> = view.lines().collect();
        assert_eq!(lines[0], "[::1]:80 sent 53 bytes:");
        assert_eq!(lines[1], "  request line  POST /f HTTP/1.1\\r\\n");
        assert_eq!(lines[4], "  blank line    \\r\\n");
        assert_eq!(lines[5], "  body          5 bytes: hello");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        let raw = b"GET /\x1b[2J HTTP/1.1\r\n\r\n";
        let view = annotate(raw, raw.len(), "127.0.0.1:1".parse().expect("addr"));
        assert!(view.contains("\\u{1b}[2J"));
        assert!(!view.contains('\x1b'));
    }
}
