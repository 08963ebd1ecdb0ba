//! The course's hand-written response, byte for byte: `mini-http --fake`.
//!
//! To show that a response is only text in a fixed shape, the course writes one by hand
//! (伪造一个HTTP响应报文, "forge an HTTP response") and lets a browser display it:
//!
//! ```text
//! HTTP/1.1 200 OK
//! Content-Length: 20
//! Content-Type: text/html; charset=gbk
//! Server: HMS
//!
//! <h2>标题</h2>1111111
//! ```
//!
//! [`fake_response`] gives exactly these lines, in this order, encoded in GBK.
//!
//! # Why 20 is right, and only in GBK
//!
//! `Content-Length` counts *bytes*, not characters. The body has 18 characters, and its
//! length in bytes depends on the encoding of `标题`:
//!
//! | part        | GBK bytes | UTF-8 bytes |
//! |-------------|-----------|-------------|
//! | `<h2>`      | 4         | 4           |
//! | `标题`      | 4 (2 each: `B1 EA`, `CC E2`) | 6 (3 each: `E6 A0 87`, `E9 A2 98`) |
//! | `</h2>`     | 5         | 5           |
//! | `1111111`   | 7         | 7           |
//! | **total**   | **20** ([`GBK_BODY_LEN`]) | **22** ([`UTF8_BODY_LEN`]) |
//!
//! So the course's 20 matches its `charset=gbk`. The same page in UTF-8 with the same
//! `Content-Length: 20` would lose its last two bytes: a browser reads 20 bytes, shows
//! `<h2>标题</h2>11111`, and the two bytes left over are junk in front of whatever the
//! connection carries next. [`fake_response_utf8_with_length`] builds that mistake for the lesson to show.
//! The cure is to count the bytes after encoding, never the characters before.
//!
//! # Line ends
//!
//! The course's notes show the message as a text block whose lines end in a bare LF
//! (`\n`). HTTP/1.1 ends every line of the head with CRLF (`\r\n`, RFC 9112 §2.1), and
//! that is what [`fake_response`] sends. A recipient MAY also accept a bare LF
//! (RFC 9112 §2.2), and browsers and curl do, which is why the course's version is shown
//! fine; a strict parser need not accept it.

use encoding_rs::{Encoding, GBK, UTF_8};

/// The body of the course's response, as text (its bytes depend on the encoding).
pub const BODY: &str = "<h2>标题</h2>1111111";

/// The body's length in GBK bytes: the course's `Content-Length: 20`.
pub const GBK_BODY_LEN: usize = 20;

/// The body's length in UTF-8 bytes: two more, one more for each of `标题`.
pub const UTF8_BODY_LEN: usize = 22;

/// The course's response, byte for byte, in GBK, with CRLF line ends.
///
/// ```
/// use mini_http::fake::fake_response;
///
/// let response = fake_response();
/// assert!(response.starts_with(b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"));
/// // 标题 in GBK: two bytes per character.
/// assert!(response.ends_with(b"<h2>\xb1\xea\xcc\xe2</h2>1111111"));
/// ```
pub fn fake_response() -> Vec<u8> {
    response(GBK, "gbk", GBK_BODY_LEN)
}

/// The same page in UTF-8 (`charset=utf-8`) with `Content-Length: length`, for the lesson
/// to show what a wrong length does: with the course's 20, a client reads only
/// `<h2>标题</h2>11111`. With [`UTF8_BODY_LEN`] it is right.
///
/// ```
/// use mini_http::fake::{fake_response_utf8_with_length, UTF8_BODY_LEN};
///
/// let response = fake_response_utf8_with_length(UTF8_BODY_LEN);
/// assert!(response.ends_with("\r\n\r\n<h2>标题</h2>1111111".as_bytes()));
/// ```
pub fn fake_response_utf8_with_length(length: usize) -> Vec<u8> {
    response(UTF_8, "utf-8", length)
}

/// The course's four header lines, the blank line and the body, in `encoding`.
fn response(encoding: &'static Encoding, charset: &str, length: usize) -> Vec<u8> {
    let text = format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Length: {length}\r\n\
         Content-Type: text/html; charset={charset}\r\n\
         Server: HMS\r\n\
         \r\n\
         {BODY}"
    );
    // Python's `text.encode('gbk')`. GBK can write every character of this text, so no
    // character is replaced (the tests check it).
    let (bytes, _, _) = encoding.encode(&text);
    bytes.into_owned()
}

#[cfg(test)]
mod tests;
