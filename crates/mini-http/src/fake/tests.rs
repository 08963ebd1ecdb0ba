//! The fake response's tests: its exact bytes, and each number of the lesson proved by
//! encoding the body.

use super::*;

/// The course's block, as the notes show it (bare LF line ends), for comparison.
const COURSE_TEXT: &str = "HTTP/1.1 200 OK\n\
                           Content-Length: 20\n\
                           Content-Type: text/html; charset=gbk\n\
                           Server: HMS\n\
                           \n\
                           <h2>标题</h2>1111111";

/// Splits a response at its blank line: the head (without it) and the body.
fn split(response: &[u8]) -> (&[u8], &[u8]) {
    let end = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a blank line ends the head");
    (&response[..end], &response[end + 4..])
}

#[test]
fn golden_bytes() {
    let mut expected = Vec::new();
    expected.extend_from_slice(
        b"HTTP/1.1 200 OK\r\n\
          Content-Length: 20\r\n\
          Content-Type: text/html; charset=gbk\r\n\
          Server: HMS\r\n\
          \r\n",
    );
    expected.extend_from_slice(b"<h2>\xb1\xea\xcc\xe2</h2>1111111");
    assert_eq!(fake_response(), expected);
}

#[test]
fn the_same_lines_as_the_course_with_crlf() {
    let response = fake_response();
    let (text, _, had_errors) = GBK.decode(&response);
    assert!(!had_errors);
    assert_eq!(text.replace("\r\n", "\n"), COURSE_TEXT);
    // Every line of the head ends in CRLF: no bare LF is left.
    let (head, _) = split(&response);
    assert!(!head.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));
}

#[test]
fn the_body_is_20_bytes_in_gbk_as_content_length_says() {
    let (gbk, _, had_errors) = GBK.encode(BODY);
    assert!(!had_errors, "GBK can write every character of the body");
    assert_eq!(gbk.len(), GBK_BODY_LEN);
    assert_eq!(GBK_BODY_LEN, 20);
    // 标题: two GBK bytes per character.
    let (title, _, _) = GBK.encode("标题");
    assert_eq!(&title[..], b"\xb1\xea\xcc\xe2");
    assert_eq!(BODY.chars().count(), 18, "characters are not bytes");

    let response = fake_response();
    let (_, body) = split(&response);
    assert_eq!(body.len(), GBK_BODY_LEN);
}

#[test]
fn the_body_is_22_bytes_in_utf8() {
    assert_eq!(BODY.len(), UTF8_BODY_LEN);
    assert_eq!(UTF8_BODY_LEN, 22);
    // 标题: three UTF-8 bytes per character.
    assert_eq!("标题".as_bytes(), b"\xe6\xa0\x87\xe9\xa2\x98");
    let response = fake_response_utf8_with_length(UTF8_BODY_LEN);
    let (head, body) = split(&response);
    assert_eq!(body, BODY.as_bytes());
    assert!(head
        .ends_with(b"Content-Length: 22\r\nContent-Type: text/html; charset=utf-8\r\nServer: HMS"));
}

#[test]
fn utf8_with_the_course_length_cuts_the_body() {
    let response = fake_response_utf8_with_length(GBK_BODY_LEN);
    let (head, sent) = split(&response);
    assert!(head.windows(18).any(|w| w == b"Content-Length: 20"));
    // A client reads Content-Length bytes and stops there.
    let read = &sent[..GBK_BODY_LEN];
    assert_eq!(std::str::from_utf8(read), Ok("<h2>标题</h2>11111"));
    assert_eq!(
        &sent[GBK_BODY_LEN..],
        b"11",
        "two bytes left over on the connection"
    );
}

#[test]
fn gbk_bytes_read_as_utf8_are_mojibake() {
    // What a browser shows if it ignores `charset=gbk` and guesses UTF-8.
    let response = fake_response();
    let (_, body) = split(&response);
    assert!(std::str::from_utf8(body).is_err());
    let (text, _, had_errors) = UTF_8.decode(body);
    assert!(had_errors);
    assert!(text.contains('\u{fffd}'));
}
