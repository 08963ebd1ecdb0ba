//! The head writer's tests: golden bytes for whole heads, the order of every field, buffer
//! reuse, the refusal of CR and LF, the error page, and property tests that a test-only
//! reader gets back what was written (heads and chunked bodies).

use super::*;
use proptest::prelude::*;

const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

fn head_bytes(head: &Head<'_>) -> Vec<u8> {
    let mut buf = Vec::new();
    write_head(&mut buf, head);
    buf
}

/// A reader of response heads, for the tests only: the status line, then `(name, value)`
/// for each field, or `None` if the bytes are not exactly one well-formed head.
fn read_head(bytes: &[u8]) -> Option<(String, Vec<(String, String)>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?.to_owned();
    let mut fields = Vec::new();
    for line in lines {
        if line.contains(['\r', '\n']) {
            return None;
        }
        let (name, value) = line.split_once(": ")?;
        fields.push((name.to_owned(), value.to_owned()));
    }
    Some((status_line, fields))
}

/// A decoder of chunked bodies, for the tests only: the body and what follows it.
fn read_chunked(mut bytes: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut body = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&bytes[..line_end]).ok()?, 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Some((body, bytes.strip_prefix(b"\r\n")?));
        }
        body.extend_from_slice(bytes.get(..size)?);
        bytes = bytes[size..].strip_prefix(b"\r\n")?;
    }
}

#[test]
fn the_status_line_alone() {
    assert_eq!(
        head_bytes(&Head::new(StatusCode::NOT_MODIFIED)),
        b"HTTP/1.1 304 Not Modified\r\n\r\n"
    );
    assert_eq!(
        head_bytes(&Head::new(StatusCode::CONTINUE)),
        b"HTTP/1.1 100 Continue\r\n\r\n"
    );
    // A code without a reason phrase keeps the space (RFC 9112 §4: the phrase may be empty).
    let unnamed = StatusCode::from_u16(299).expect("in range");
    assert_eq!(head_bytes(&Head::new(unnamed)), b"HTTP/1.1 299 \r\n\r\n");
}

#[test]
fn every_field_in_its_documented_order() {
    let extra = [("Cache-Control", "no-cache"), ("Vary", "Accept-Encoding")];
    let head = Head::new(StatusCode::PARTIAL_CONTENT)
        .extra(&extra)
        .connection(Connection::KeepAlive)
        .allow("GET, HEAD")
        .location("/x/")
        .content_range("bytes 0-99/1234")
        .accept_ranges("bytes")
        .etag("\"4d2-5f2a\"")
        .last_modified("Sat, 05 Nov 1994 08:49:37 GMT")
        .content_length(100)
        .content_type("image/png")
        .date(DATE)
        .server(SERVER);
    let expected = format!(
        "HTTP/1.1 206 Partial Content\r\n\
         Server: {SERVER}\r\n\
         Date: {DATE}\r\n\
         Content-Type: image/png\r\n\
         Content-Length: 100\r\n\
         Last-Modified: Sat, 05 Nov 1994 08:49:37 GMT\r\n\
         ETag: \"4d2-5f2a\"\r\n\
         Accept-Ranges: bytes\r\n\
         Content-Range: bytes 0-99/1234\r\n\
         Location: /x/\r\n\
         Allow: GET, HEAD\r\n\
         Connection: keep-alive\r\n\
         Cache-Control: no-cache\r\n\
         Vary: Accept-Encoding\r\n\
         \r\n"
    );
    assert_eq!(
        String::from_utf8(head_bytes(&head)).expect("ASCII"),
        expected
    );
}

#[test]
fn the_head_is_appended_after_what_the_buffer_holds() {
    // Golden bytes on a buffer that already holds 0xa5: the old bytes stay, and nothing
    // between them and the head is left unwritten.
    let mut buf = vec![0xa5; 4];
    write_head(
        &mut buf,
        &Head::new(StatusCode::OK)
            .content_length(0)
            .connection(Connection::Close),
    );
    let mut expected = vec![0xa5; 4];
    expected
        .extend_from_slice(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(buf, expected);
}

#[test]
fn chunked_framing_and_connection_close() {
    let head = Head::new(StatusCode::OK)
        .content_type("text/plain; charset=utf-8")
        .chunked()
        .connection(Connection::Close);
    assert_eq!(
        head_bytes(&head),
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\
          Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(
        head.framing(Framing::Omit),
        Head::new(StatusCode::OK)
            .content_type("text/plain; charset=utf-8")
            .connection(Connection::Close)
    );
}

#[test]
fn content_length_is_written_in_full_for_any_size() {
    for (length, text) in [
        (0, "0"),
        (9, "9"),
        (10, "10"),
        (1234, "1234"),
        (u64::MAX, "18446744073709551615"),
    ] {
        let bytes = head_bytes(&Head::new(StatusCode::OK).content_length(length));
        let expected = format!("HTTP/1.1 200 OK\r\nContent-Length: {text}\r\n\r\n");
        assert_eq!(bytes, expected.as_bytes());
    }
}

#[test]
fn a_304_may_say_the_length_a_200_would_have() {
    let head = Head::new(StatusCode::NOT_MODIFIED)
        .content_length(1234)
        .etag("\"x\"");
    assert_eq!(
        head_bytes(&head),
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: \"x\"\r\n\r\n"
    );
}

#[test]
fn head_and_get_share_one_head() {
    // The caller writes the same head for both and leaves out the body for HEAD.
    let (content_type, body) = error_page(StatusCode::NOT_FOUND, "");
    let head = Head::new(StatusCode::NOT_FOUND)
        .content_type(content_type)
        .content_length(body.len() as u64);
    let mut get = head_bytes(&head);
    let head_only = get.clone();
    get.extend_from_slice(body.as_bytes());
    assert!(get.starts_with(&head_only));
    assert_eq!(get.len() - head_only.len(), body.len());
}

#[test]
fn reusing_the_buffer_allocates_nothing() {
    let extra = [("Cache-Control", "no-cache")];
    let head = Head::new(StatusCode::OK)
        .server(SERVER)
        .date(DATE)
        .content_type("text/html; charset=utf-8")
        .content_length(12345)
        .extra(&extra);
    let mut buf = Vec::with_capacity(1024);
    let address = buf.as_ptr();
    for _ in 0..100 {
        buf.clear();
        write_head(&mut buf, &head);
        buf.extend_from_slice(b"<p>body</p>");
    }
    assert_eq!(buf.as_ptr(), address, "the buffer was never reallocated");
    assert_eq!(buf.capacity(), 1024);
}

#[test]
fn sanitising_turns_cr_lf_and_nul_into_spaces() {
    let mut buf = Vec::new();
    push_sanitised(&mut buf, "/x\r\nSet-Cookie: admin=1\0");
    assert_eq!(buf, b"/x  Set-Cookie: admin=1 ");
    buf.clear();
    push_sanitised(&mut buf, "bytes 0-1/2");
    assert_eq!(buf, b"bytes 0-1/2");
}

#[test]
fn tokens() {
    for name in ["Cache-Control", "X-Custom_1", "a", "!#$%&'*+-.^_`|~"] {
        assert!(is_token(name), "{name}");
    }
    for name in ["", "Bad Name", "Bad:Name", "X\r\nY", "名字", "a\"b", "(x)"] {
        assert!(!is_token(name), "{name:?}");
    }
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "CR, LF or NUL")]
fn a_crlf_in_a_value_is_a_bug_that_debug_builds_catch() {
    head_bytes(&Head::new(StatusCode::MOVED_PERMANENTLY).location("/x\r\nSet-Cookie: a=1"));
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "is not a token")]
fn a_bad_extra_name_is_a_bug_that_debug_builds_catch() {
    head_bytes(&Head::new(StatusCode::OK).extra(&[("X-A\r\nSet-Cookie", "a=1")]));
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "never as an extra")]
fn a_second_length_is_a_bug_that_debug_builds_catch() {
    head_bytes(
        &Head::new(StatusCode::OK)
            .content_length(5)
            .extra(&[("content-length", "7")]),
    );
}

#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "has no body")]
fn a_length_on_a_100_is_a_bug_that_debug_builds_catch() {
    head_bytes(&Head::new(StatusCode::CONTINUE).content_length(5));
}

/// What a release build does with the same mistakes: one line per field, whatever the
/// values hold (run with `cargo test --release`).
#[cfg(not(debug_assertions))]
#[test]
fn release_builds_write_no_injected_line() {
    let extra = [
        ("X-A\r\nSet-Cookie", "a=1"),
        ("Content-Length", "7"),
        ("X-B", "1\r\n\r\n<html>"),
    ];
    let head = Head::new(StatusCode::MOVED_PERMANENTLY)
        .content_length(0)
        .location("/x\r\nSet-Cookie: a=1")
        .extra(&extra);
    assert_eq!(
        head_bytes(&head),
        b"HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\n\
          Location: /x  Set-Cookie: a=1\r\nX-B: 1    <html>\r\n\r\n"
    );
}

#[test]
fn the_error_page() {
    let (content_type, body) = error_page(StatusCode::NOT_FOUND, "No file \"/<b>&\" here");
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(content_type, crate::mime::from_extension("html"));
    let expected = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>404 Not Found</title>\n</head>\n<body>\n<h1>404 Not Found</h1>\n\
         <p>No file &quot;/&lt;b&gt;&amp;&quot; here</p>\n\
         <hr>\n<address>{SERVER}</address>\n</body>\n</html>\n"
    );
    assert_eq!(body, expected);
}

#[test]
fn an_error_page_without_detail_has_no_paragraph() {
    let (_, body) = error_page(StatusCode::INTERNAL_SERVER_ERROR, "");
    assert!(body.contains("<title>500 Internal Server Error</title>"));
    assert!(body.contains("<h1>500 Internal Server Error</h1>"));
    assert!(!body.contains("<p>"));
}

#[test]
fn chunks_golden() {
    let mut buf = vec![0xa5];
    write_chunk(&mut buf, &[b'x'; 255]);
    write_chunk(&mut buf, &[b'y'; 16]);
    write_last_chunk(&mut buf);
    let mut expected = vec![0xa5];
    expected.extend_from_slice(b"ff\r\n");
    expected.extend_from_slice(&[b'x'; 255]);
    expected.extend_from_slice(b"\r\n10\r\n");
    expected.extend_from_slice(&[b'y'; 16]);
    expected.extend_from_slice(b"\r\n0\r\n\r\n");
    assert_eq!(buf, expected);
}

#[test]
fn numbers() {
    for n in [0, 1, 9, 10, 99, 100, 65535, 1 << 32, u64::MAX] {
        let mut buf = Vec::new();
        push_decimal(&mut buf, n);
        assert_eq!(buf, n.to_string().as_bytes());
        buf.clear();
        push_hex(&mut buf, n);
        assert_eq!(buf, format!("{n:x}").as_bytes());
    }
}

/// A field value without CR, LF or NUL, and without the leading or trailing spaces a
/// reader would trim.
fn clean_value() -> impl Strategy<Value = String> {
    "[^\r\n\0 ]([^\r\n\0]{0,30}[^\r\n\0 ])?"
}

proptest! {
    #[test]
    fn a_head_reads_back_as_written(
        code in 100u16..=599,
        server in proptest::option::of(clean_value()),
        date in proptest::option::of(clean_value()),
        content_type in proptest::option::of(clean_value()),
        length in proptest::option::of(any::<u64>()),
        etag in proptest::option::of(clean_value()),
        location in proptest::option::of(clean_value()),
        extra_value in clean_value(),
        close in any::<bool>(),
    ) {
        let status = StatusCode::from_u16(code).expect("in range");
        let extra = [("X-Extra", extra_value.as_str())];
        let mut head = Head::new(status).extra(&extra);
        if let Some(v) = &server { head = head.server(v); }
        if let Some(v) = &date { head = head.date(v); }
        if let Some(v) = &content_type { head = head.content_type(v); }
        if let (Some(n), true) = (length, status.allows_body()) { head = head.content_length(n); }
        if let Some(v) = &etag { head = head.etag(v); }
        if let Some(v) = &location { head = head.location(v); }
        if close { head = head.connection(Connection::Close); }

        let (status_line, fields) = read_head(&head_bytes(&head)).expect("one well-formed head");
        prop_assert_eq!(status_line, format!("HTTP/1.1 {status}"));
        let mut expected: Vec<(String, String)> = Vec::new();
        let mut expect = |name: &str, value: &Option<String>| {
            if let Some(v) = value { expected.push((name.to_owned(), v.clone())); }
        };
        expect("Server", &server);
        expect("Date", &date);
        expect("Content-Type", &content_type);
        expect("Content-Length", &length.filter(|_| status.allows_body()).map(|n| n.to_string()));
        expect("ETag", &etag);
        expect("Location", &location);
        expect("Connection", &close.then(|| "close".to_owned()));
        expected.push(("X-Extra".to_owned(), extra_value.clone()));
        prop_assert_eq!(fields, expected);
    }

    #[test]
    fn a_sanitised_value_stays_on_its_line(value in any::<String>()) {
        let mut buf = Vec::new();
        push_sanitised(&mut buf, &value);
        prop_assert_eq!(buf.len(), value.len());
        prop_assert!(!buf.iter().any(|&b| is_forbidden_in_value(b)));
    }

    #[test]
    fn a_chunked_body_decodes_to_its_chunks(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8),
        after in proptest::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut buf = Vec::new();
        for chunk in &chunks {
            write_chunk(&mut buf, chunk);
        }
        write_last_chunk(&mut buf);
        buf.extend_from_slice(&after);
        let (body, rest) = read_chunked(&buf).expect("a well-formed chunked body");
        prop_assert_eq!(body, chunks.concat());
        prop_assert_eq!(rest, &after[..]);
    }
}
