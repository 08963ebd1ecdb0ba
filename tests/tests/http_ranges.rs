//! End-to-end tests of range requests (RFC 9110 §14): part of a file, as a resumed
//! download or a video player's seek asks for it. Every part received is compared byte
//! for byte with the same bytes of the file, `data.bin` ([`DATA_LEN`] bytes, sent with
//! `sendfile(2)`), so a part off by one shows.

mod http_support;

use http_support::{get, get_with, mini_http, Response, Tree, DATA_LEN};

/// `GET /data.bin` with `Range: bytes=SPEC` (and the `extra` fields).
fn ranged(tree: &Tree, spec: &str, extra: &str) -> (Response, Vec<u8>) {
    let server = mini_http(&tree.root, &[]);
    let field = format!("Range: bytes={spec}\r\n{extra}");
    (
        get_with(server.addr, "/data.bin", &field),
        tree.bytes("data.bin"),
    )
}

/// Checks a single-part 206 for bytes `start..=end`.
fn assert_part(response: &Response, file: &[u8], start: usize, end: usize) {
    response.assert_status(206);
    assert_eq!(
        response.must("Content-Range"),
        format!("bytes {start}-{end}/{}", file.len())
    );
    assert_eq!(
        response.must("Content-Length"),
        (end - start + 1).to_string()
    );
    assert!(
        response.body == file[start..=end],
        "the part differs from bytes {start}-{end} of the file"
    );
}

/// RFC 9110 §14.1.2 and §15.3.7.1: one range, `first-last`: 206 and its `Content-Range`.
#[test]
fn one_range_gets_206_with_content_range() {
    let tree = Tree::new("range-one");
    let (response, file) = ranged(&tree, "100-199", "");
    assert_part(&response, &file, 100, 199);
    assert_eq!(response.must("Accept-Ranges"), "bytes");
    assert!(response.header("ETag").is_some(), "{}", response.describe());
}

/// RFC 9110 §14.1.2: a range running past the end is cut at the end.
#[test]
fn a_range_past_the_end_is_cut_at_the_end() {
    let tree = Tree::new("range-past");
    let (response, file) = ranged(&tree, &format!("{}-{}", DATA_LEN - 10, DATA_LEN + 500), "");
    assert_part(&response, &file, DATA_LEN - 10, DATA_LEN - 1);
}

/// RFC 9110 §14.1.2: a suffix range, `-5`: the last five bytes.
#[test]
fn a_suffix_range_gets_the_last_bytes() {
    let tree = Tree::new("range-suffix");
    let (response, file) = ranged(&tree, "-5", "");
    assert_part(&response, &file, DATA_LEN - 5, DATA_LEN - 1);
}

/// RFC 9110 §14.1.2: an open range, `10-`: from byte 10 to the end (how a download resumes).
#[test]
fn an_open_range_gets_the_rest_of_the_file() {
    let tree = Tree::new("range-open");
    let (response, file) = ranged(&tree, "10-", "");
    assert_part(&response, &file, 10, DATA_LEN - 1);
}

/// A part of a `multipart/byteranges` body: its fields and its bytes.
struct Part {
    content_type: String,
    content_range: String,
    bytes: Vec<u8>,
}

/// Splits a `multipart/byteranges` body at its boundary (RFC 9110 §14.6, RFC 2046 §5.1.1):
/// `--BOUNDARY CRLF fields CRLF CRLF bytes CRLF` per part, then `--BOUNDARY--`.
fn parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut at = find(body, delimiter, 0).expect("the first boundary");
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            return parts;
        }
        assert!(body[at..].starts_with(b"\r\n"), "no CRLF after a boundary");
        let head_end = find(body, b"\r\n\r\n", at).expect("the end of a part's fields");
        let head = String::from_utf8_lossy(&body[at + 2..head_end]).into_owned();
        let field = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                })
                .unwrap_or_else(|| panic!("no {name} in a part: {head:?}"))
        };
        let start = head_end + 4;
        let next = find(body, delimiter, start).expect("the next boundary");
        assert_eq!(&body[next - 2..next], b"\r\n", "no CRLF before a boundary");
        parts.push(Part {
            content_type: field("Content-Type"),
            content_range: field("Content-Range"),
            bytes: body[start..next - 2].to_vec(),
        });
        at = next;
    }
}

/// Where `needle` first occurs in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// RFC 9110 §14.6 and §15.3.7.2: several ranges: a `multipart/byteranges` body whose
/// parts each carry their `Content-Range` and exactly those bytes, in the order asked.
#[test]
fn several_ranges_get_a_multipart_body() {
    let tree = Tree::new("range-multi");
    let (response, file) = ranged(&tree, "0-9,500-599,-7", "");
    response.assert_status(206);
    assert!(
        response.header("Content-Range").is_none(),
        "{}",
        response.describe()
    );
    let content_type = response.must("Content-Type");
    let boundary = content_type
        .strip_prefix("multipart/byteranges; boundary=")
        .unwrap_or_else(|| panic!("not multipart/byteranges: {content_type}"))
        .trim_matches('"');
    assert_eq!(
        response.must("Content-Length"),
        response.body.len().to_string()
    );
    let parts = parts(&response.body, boundary);
    let expected = [(0, 9), (500, 599), (DATA_LEN - 7, DATA_LEN - 1)];
    assert_eq!(parts.len(), expected.len());
    for (part, (start, end)) in parts.iter().zip(expected) {
        assert_eq!(part.content_type, "application/octet-stream");
        assert_eq!(
            part.content_range,
            format!("bytes {start}-{end}/{DATA_LEN}")
        );
        assert!(
            part.bytes == file[start..=end],
            "part {start}-{end} differs"
        );
    }
}

/// RFC 9110 §14.2: overlapping ranges may be merged; whatever the server sends, the bytes
/// of each part are those of the file.
#[test]
fn overlapping_ranges_are_merged() {
    let tree = Tree::new("range-overlap");
    let (response, file) = ranged(&tree, "0-99,50-149", "");
    assert_part(&response, &file, 0, 149);
}

/// RFC 9110 §15.5.17: no range within the file: 416 with `Content-Range: bytes */LEN`.
#[test]
fn a_range_beyond_the_file_gets_416() {
    let tree = Tree::new("range-416");
    let (response, _) = ranged(&tree, &format!("{DATA_LEN}-"), "");
    response.assert_status(416);
    assert_eq!(
        response.must("Content-Range"),
        format!("bytes */{DATA_LEN}")
    );
}

/// RFC 9110 §14.2: a `Range` in a unit the server does not know, or that does not parse,
/// is ignored: 200 and the whole file.
#[test]
fn an_unknown_unit_or_a_bad_range_is_ignored() {
    let tree = Tree::new("range-ignored");
    let server = mini_http(&tree.root, &[]);
    for field in [
        "Range: items=0-5\r\n",
        "Range: bytes=5-1\r\n",
        "Range: bytes=x\r\n",
    ] {
        let response = get_with(server.addr, "/data.bin", field);
        response.assert_status(200);
        assert!(response.body == tree.bytes("data.bin"), "{field}");
    }
}

/// RFC 9110 §13.1.5: `If-Range` with the current `ETag`: the range is sent, 206.
#[test]
fn if_range_with_the_etag_gets_the_range() {
    let tree = Tree::new("if-range");
    let server = mini_http(&tree.root, &[]);
    let etag = get(server.addr, "/data.bin").must("ETag").to_string();
    let field = format!("Range: bytes=10-19\r\nIf-Range: {etag}\r\n");
    let response = get_with(server.addr, "/data.bin", &field);
    assert_part(&response, &tree.bytes("data.bin"), 10, 19);
}

/// RFC 9110 §13.1.5: `If-Range` with a tag that is not current: the file changed, so the
/// whole of it is sent, 200 (never a part of the new file glued to an old one).
#[test]
fn if_range_with_another_etag_gets_the_whole_file() {
    let tree = Tree::new("if-range-other");
    let (response, file) = ranged(&tree, "10-19", "If-Range: \"not-this\"\r\n");
    response.assert_status(200);
    assert!(
        response.header("Content-Range").is_none(),
        "{}",
        response.describe()
    );
    assert!(response.body == file, "not the whole file");
}

/// RFC 9110 §13.1.5: `If-Range` with the `Last-Modified` date: the range is sent.
#[test]
fn if_range_with_the_date_gets_the_range() {
    let tree = Tree::new("if-range-date");
    let field = format!("If-Range: {}\r\n", http_support::MTIME_HTTP);
    let (response, file) = ranged(&tree, "0-0", &field);
    assert_part(&response, &file, 0, 0);
}

/// RFC 9110 §14.2: a `HEAD` ignores `Range`: the whole file's fields, 200.
#[test]
fn head_ignores_range() {
    let tree = Tree::new("range-head");
    let server = mini_http(&tree.root, &[]);
    let mut client = http_support::Client::connect(server.addr);
    client.send(&http_support::request(
        "HEAD",
        "/data.bin",
        "Range: bytes=0-9\r\n",
    ));
    let response = client.head_response();
    response.assert_status(200);
    assert_eq!(response.must("Content-Length"), DATA_LEN.to_string());
}

/// RFC 9110 §15.5.17: an empty file has no byte to send: every range is unsatisfiable.
#[test]
fn a_range_of_an_empty_file_gets_416() {
    let tree = Tree::new("range-empty");
    tree.serve("empty.txt", b"");
    let server = mini_http(&tree.root, &[]);
    for spec in ["0-", "0-0", "-5"] {
        let field = format!("Range: bytes={spec}\r\n");
        let response = get_with(server.addr, "/empty.txt", &field);
        assert_eq!(response.status, 416, "{spec}: {}", response.describe());
        assert_eq!(response.must("Content-Range"), "bytes */0");
    }
}
