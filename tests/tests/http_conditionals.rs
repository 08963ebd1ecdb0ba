//! End-to-end tests of conditional requests (RFC 9110 §13): each test takes the
//! validators the server sent (`ETag`, `Last-Modified`) and sends them back, the way a
//! browser revalidates its cache or a download tool checks that a file has not changed.
//!
//! Every served file was last modified at [`MTIME`] (2020), so "now" and "then" are far
//! apart and no test depends on the clock's second.

mod http_support;

use http_support::{get, get_with, mini_http, Response, Tree, MTIME_HTTP};
use std::net::SocketAddr;

/// The validators of `/a.txt`: its `ETag` and `Last-Modified`.
fn validators(addr: SocketAddr) -> (String, String) {
    let response = get(addr, "/a.txt");
    response.assert_status(200);
    (
        response.must("ETag").to_string(),
        response.must("Last-Modified").to_string(),
    )
}

/// Checks a `304 Not Modified`: no body, and the validators sent again (RFC 9110 §15.4.5).
fn assert_not_modified(response: &Response, etag: &str) {
    response.assert_status(304);
    assert!(response.body.is_empty());
    assert_eq!(
        response.header("ETag"),
        Some(etag),
        "{}",
        response.describe()
    );
    assert!(
        response
            .header("Content-Length")
            .map_or(true, |v| v == "13"),
        "{}",
        response.describe()
    );
}

/// RFC 9110 §13.1.2: `If-None-Match` naming the current entity tag: 304.
#[test]
fn if_none_match_with_the_etag_is_not_modified() {
    let tree = Tree::new("inm");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    let response = get_with(server.addr, "/a.txt", &format!("If-None-Match: {etag}\r\n"));
    assert_not_modified(&response, &etag);
}

/// RFC 9110 §13.1.2: the tag among others in a list, and in its weak form (the weak
/// comparison is used for `If-None-Match`), still matches.
#[test]
fn if_none_match_compares_weakly_in_a_list() {
    let tree = Tree::new("inm-list");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    let list = format!("If-None-Match: \"other\", W/{etag}\r\n");
    assert_not_modified(&get_with(server.addr, "/a.txt", &list), &etag);
}

/// RFC 9110 §13.1.2: `If-None-Match: *` matches any current representation: 304 for a GET.
#[test]
fn if_none_match_star_is_not_modified() {
    let tree = Tree::new("inm-star");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    let response = get_with(server.addr, "/a.txt", "If-None-Match: *\r\n");
    assert_not_modified(&response, &etag);
}

/// RFC 9110 §13.1.2: a tag that does not match: the whole file, 200.
#[test]
fn if_none_match_with_another_tag_is_a_full_response() {
    let tree = Tree::new("inm-other");
    let server = mini_http(&tree.root, &[]);
    let response = get_with(server.addr, "/a.txt", "If-None-Match: \"not-this\"\r\n");
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
}

/// RFC 9110 §13.1.3 and §13.2.2 step 4: when `If-None-Match` is present,
/// `If-Modified-Since` is ignored: a mismatched tag with a date that alone would give
/// 304 gives the whole file.
#[test]
fn if_none_match_takes_precedence_over_if_modified_since() {
    let tree = Tree::new("inm-over-ims");
    let server = mini_http(&tree.root, &[]);
    let (_, last_modified) = validators(server.addr);
    let fields = format!("If-None-Match: \"not-this\"\r\nIf-Modified-Since: {last_modified}\r\n");
    let response = get_with(server.addr, "/a.txt", &fields);
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
}

/// RFC 9110 §13.1.3: `If-Modified-Since` equal to `Last-Modified`: 304.
#[test]
fn if_modified_since_the_last_modification_is_not_modified() {
    let tree = Tree::new("ims");
    let server = mini_http(&tree.root, &[]);
    let (etag, last_modified) = validators(server.addr);
    assert_eq!(last_modified, MTIME_HTTP);
    let field = format!("If-Modified-Since: {last_modified}\r\n");
    assert_not_modified(&get_with(server.addr, "/a.txt", &field), &etag);
}

/// RFC 9110 §13.1.3 and §5.6.7: the date in the obsolete forms (RFC 850, asctime) must be
/// understood too.
#[test]
fn if_modified_since_in_the_obsolete_date_forms() {
    let tree = Tree::new("ims-obsolete");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    for date in ["Sunday, 13-Sep-20 12:26:40 GMT", "Sun Sep 13 12:26:40 2020"] {
        let field = format!("If-Modified-Since: {date}\r\n");
        assert_not_modified(&get_with(server.addr, "/a.txt", &field), &etag);
    }
}

/// RFC 9110 §13.1.3: a date before the last modification: the file changed since, 200.
#[test]
fn if_modified_since_an_earlier_date_is_a_full_response() {
    let tree = Tree::new("ims-earlier");
    let server = mini_http(&tree.root, &[]);
    let field = "If-Modified-Since: Sun, 13 Sep 2020 12:26:39 GMT\r\n";
    let response = get_with(server.addr, "/a.txt", field);
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
}

/// RFC 9110 §13.1.1: `If-Match` with a tag that is not the current one: 412.
#[test]
fn if_match_with_another_tag_fails() {
    let tree = Tree::new("if-match");
    let server = mini_http(&tree.root, &[]);
    let response = get_with(server.addr, "/a.txt", "If-Match: \"not-this\"\r\n");
    response.assert_status(412);
}

/// RFC 9110 §13.1.1: `If-Match` uses the strong comparison: the weak form of the very
/// tag fails; the tag itself passes.
#[test]
fn if_match_compares_strongly() {
    let tree = Tree::new("if-match-strong");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    let weak = get_with(server.addr, "/a.txt", &format!("If-Match: W/{etag}\r\n"));
    weak.assert_status(412);
    let strong = get_with(server.addr, "/a.txt", &format!("If-Match: {etag}\r\n"));
    strong.assert_status(200);
    assert_eq!(strong.body, b"hello, world\n");
}

/// RFC 9110 §13.1.4: `If-Unmodified-Since` a date before the last modification: 412.
#[test]
fn if_unmodified_since_a_past_date_fails() {
    let tree = Tree::new("ius");
    let server = mini_http(&tree.root, &[]);
    let field = "If-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n";
    get_with(server.addr, "/a.txt", field).assert_status(412);
    let field = format!("If-Unmodified-Since: {MTIME_HTTP}\r\n");
    get_with(server.addr, "/a.txt", &field).assert_status(200);
}

/// RFC 9110 §13.2.2 step 2: `If-Unmodified-Since` is ignored when `If-Match` is present.
#[test]
fn if_match_takes_precedence_over_if_unmodified_since() {
    let tree = Tree::new("im-over-ius");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    let fields =
        format!("If-Match: {etag}\r\nIf-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT\r\n");
    get_with(server.addr, "/a.txt", &fields).assert_status(200);
}

/// RFC 9110 §8.8.3: a changed file has a new entity tag, and the old one no longer gives 304.
#[test]
fn a_changed_file_has_a_new_etag() {
    let tree = Tree::new("etag-changes");
    let server = mini_http(&tree.root, &[]);
    let (etag, _) = validators(server.addr);
    tree.serve("a.txt", b"hello, there\n");
    http_support::set_mtime(&tree.root.join("a.txt"), http_support::MTIME + 60);
    let response = get_with(server.addr, "/a.txt", &format!("If-None-Match: {etag}\r\n"));
    response.assert_status(200);
    assert_eq!(response.body, b"hello, there\n");
    assert_ne!(response.must("ETag"), etag);
}

/// RFC 9110 §13.1.3: an `If-Modified-Since` that is not a valid HTTP-date is ignored.
#[test]
fn an_invalid_if_modified_since_is_ignored() {
    let tree = Tree::new("ims-invalid");
    let server = mini_http(&tree.root, &[]);
    for value in ["yesterday", "Sun, 13 Sep 2020 12:26:40", "0"] {
        let field = format!("If-Modified-Since: {value}\r\n");
        let response = get_with(server.addr, "/a.txt", &field);
        assert_eq!(response.status, 200, "{value}: {}", response.describe());
    }
}

/// RFC 9110 §8.8.2.1: `Last-Modified` is never later than the response's `Date`, even
/// for a file whose time is in the future.
#[test]
fn a_file_from_the_future_is_not_dated_after_now() {
    let tree = Tree::new("future-mtime");
    let path = tree.serve("future.txt", b"later\n");
    // 2100-01-01.
    http_support::set_mtime(&path, 4_102_444_800);
    let server = mini_http(&tree.root, &[]);
    let response = get(server.addr, "/future.txt");
    response.assert_status(200);
    let last_modified = response.must("Last-Modified");
    assert!(!last_modified.contains("2100"), "{}", response.describe());
}
