//! End-to-end tests of `mini-http` through a raw socket: exact request bytes written,
//! the response's status line, fields and body parsed here, by the test.
//!
//! `GET` and `HEAD`, the methods it refuses (405 with `Allow`, 501), the version it does
//! not speak (505), and the limits on a request's size (414, 431, 413), each refusal
//! closing the connection. Smuggling attempts are in `http_smuggling.rs`, keep-alive and
//! pipelining in `http_connections.rs`.

mod http_support;

use http_support::{
    exchange, get, log_line, mini_http, request, Client, Tree, DATA_LEN, MTIME_HTTP,
};

#[test]
fn get_sends_the_file_with_its_validators() {
    let tree = Tree::new("get");
    let server = mini_http(&tree.root, &[]);
    let response = get(server.addr, "/a.txt");
    response.assert_status(200);
    assert_eq!(response.version, "HTTP/1.1");
    assert_eq!(response.body, b"hello, world\n");
    assert_eq!(response.must("Content-Length"), "13");
    assert_eq!(response.must("Content-Type"), "text/plain; charset=utf-8");
    assert_eq!(response.must("Last-Modified"), MTIME_HTTP);
    assert_eq!(response.must("Accept-Ranges"), "bytes");
    let etag = response.must("ETag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "not a strong entity tag: {etag}"
    );
    assert!(response.header("Date").is_some(), "no Date");
    let line = log_line(&server, "\"GET /a.txt HTTP/1.1\"");
    assert!(line.ends_with("\" 200 13"), "{line}");
    assert!(line.starts_with("127.0.0.1:"), "{line}");
}

#[test]
fn a_large_file_comes_whole() {
    let tree = Tree::new("get-large");
    let server = mini_http(&tree.root, &[]);
    let response = get(server.addr, "/data.bin");
    response.assert_status(200);
    assert_eq!(response.must("Content-Length"), DATA_LEN.to_string());
    assert!(response.body == tree.bytes("data.bin"), "the body differs");
}

#[test]
fn names_beyond_ascii_and_with_reserved_characters_are_served() {
    let tree = Tree::new("get-names");
    let server = mini_http(&tree.root, &[]);
    for (target, name) in [
        ("/%E4%B8%AD%E6%96%87.txt", "中文.txt"),
        ("/%e4%b8%ad%e6%96%87.txt", "中文.txt"),
        ("/%61.txt", "a.txt"),
        ("/with%20space.txt", "with space.txt"),
        ("/hash%231.txt", "hash#1.txt"),
        ("/100%25.txt", "100%.txt"),
        ("/plain/inner.txt", "plain/inner.txt"),
        ("/link-in", "a.txt"),
    ] {
        let response = get(server.addr, target);
        response.assert_status(200);
        assert_eq!(response.body, tree.bytes(name), "{target}");
    }
}

#[test]
fn head_has_the_same_fields_and_no_body() {
    let tree = Tree::new("head");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/data.bin", ""));
    let got = client.response();
    client.send(&request("HEAD", "/data.bin", ""));
    let head = client.head_response();
    head.assert_status(200);
    for name in [
        "Content-Length",
        "Content-Type",
        "ETag",
        "Last-Modified",
        "Accept-Ranges",
    ] {
        assert_eq!(head.header(name), got.header(name), "{name}");
    }
    // No body followed: the next response on the connection starts right after the head.
    client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
    let next = client.response();
    next.assert_status(200);
    assert_eq!(next.body, b"hello, world\n");
    client.assert_closed();
}

#[test]
fn other_known_methods_get_405_with_allow() {
    let tree = Tree::new("405");
    let server = mini_http(&tree.root, &[]);
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"] {
        let response = exchange(server.addr, &request(method, "/a.txt", ""));
        assert_eq!(response.status, 405, "{method}: {}", response.describe());
        assert_eq!(response.must("Allow"), "GET, HEAD", "{method}");
        assert!(
            String::from_utf8_lossy(&response.body).contains("405"),
            "{method}: the page does not say 405"
        );
    }
}

#[test]
fn unknown_methods_get_501() {
    let tree = Tree::new("501");
    let server = mini_http(&tree.root, &[]);
    for method in ["BREW", "FROB"] {
        let response = exchange(server.addr, &request(method, "/a.txt", ""));
        assert_eq!(response.status, 501, "{method}: {}", response.describe());
    }
}

#[test]
fn http_2_0_in_a_request_line_gets_505_and_a_close() {
    let tree = Tree::new("505");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(b"GET /a.txt HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n");
    let response = client.response();
    response.assert_status(505);
    client.assert_closed();
}

/// Sends `bytes`, expects `status` with `Connection: close`, then the close itself; and
/// the server still serves a new connection.
fn refused_and_closed(tree: &Tree, bytes: &[u8], status: u16) {
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(bytes);
    let response = client.response();
    response.assert_status(status);
    assert!(response.says_close(), "{}", response.describe());
    client.assert_closed();
    log_line(&server, &format!("refused: {status}"));
    get(server.addr, "/a.txt").assert_status(200);
}

#[test]
fn a_target_over_8_kib_gets_414() {
    let tree = Tree::new("414");
    let long = format!("/{}", "a".repeat(9000));
    refused_and_closed(&tree, &request("GET", &long, ""), 414);
}

#[test]
fn too_many_header_fields_get_431() {
    let tree = Tree::new("431-many");
    let fields: String = (0..200).map(|i| format!("X-Field-{i}: y\r\n")).collect();
    refused_and_closed(&tree, &request("GET", "/a.txt", &fields), 431);
}

#[test]
fn a_field_over_the_head_limit_gets_431() {
    let tree = Tree::new("431-large");
    let field = format!("X-Large: {}\r\n", "y".repeat(20_000));
    refused_and_closed(&tree, &request("GET", "/a.txt", &field), 431);
}

#[test]
fn a_get_announcing_a_body_over_1_mib_gets_413() {
    let tree = Tree::new("413");
    refused_and_closed(
        &tree,
        &request("GET", "/a.txt", "Content-Length: 100000000\r\n"),
        413,
    );
}

#[test]
fn a_missing_file_gets_404_and_the_connection_stays() {
    let tree = Tree::new("404");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/nope.txt", ""));
    let response = client.response();
    response.assert_status(404);
    assert!(!response.says_close(), "{}", response.describe());
    client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
    client.response().assert_status(200);
    client.assert_closed();
}

/// Request heads that break HTTP/1.1's syntax (RFC 9112 §3, §5), each with the rule it
/// breaks: after one, where the next request would start is unknown, so the connection
/// closes.
const MALFORMED: &[(&str, &[u8])] = &[
    (
        "no Host in HTTP/1.1 (§3.2)",
        b"GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n",
    ),
    (
        "two Host fields (§3.2)",
        b"GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ),
    (
        "two spaces in the request line (§3)",
        b"GET  /a.txt HTTP/1.1\r\nHost: a\r\n\r\n",
    ),
    (
        "a NUL in a field value (RFC 9110 §5.5)",
        b"GET /a.txt HTTP/1.1\r\nHost: a\r\nX-Nul: a\x00b\r\n\r\n",
    ),
    (
        "a field name with a space inside (RFC 9110 §5.1)",
        b"GET /a.txt HTTP/1.1\r\nHost: a\r\nX Bad: y\r\n\r\n",
    ),
];

#[test]
fn malformed_heads_get_400_and_a_close() {
    let tree = Tree::new("malformed");
    let server = mini_http(&tree.root, &["--threads", "1"]);
    for (what, bytes) in MALFORMED {
        let mut client = Client::connect(server.addr);
        client.send(bytes);
        let response = client.response();
        assert_eq!(response.status, 400, "{what}: {}", response.describe());
        assert!(response.says_close(), "{what}: {}", response.describe());
        client.assert_closed();
    }
    get(server.addr, "/a.txt").assert_status(200);
}

/// Targets a GET cannot have (RFC 9112 §3.2): well-framed requests, so the connection
/// may stay open, but each is refused.
const BAD_TARGETS: &[(&str, &str)] = &[
    ("a fragment in the target", "/a.txt#part"),
    ("raw UTF-8 in the target (RFC 3986 §2)", "/中文.txt"),
    ("asterisk-form for GET (§3.2.4)", "*"),
    ("authority-form for GET (§3.2.3)", "127.0.0.1:80"),
];

#[test]
fn targets_a_get_cannot_have_get_400() {
    let tree = Tree::new("bad-targets");
    let server = mini_http(&tree.root, &[]);
    for (what, target) in BAD_TARGETS {
        let response = get(server.addr, target);
        assert_eq!(response.status, 400, "{what}: {}", response.describe());
    }
}
#[test]
fn lenient_forms_the_rfc_allows_are_served() {
    let tree = Tree::new("lenient");
    let server = mini_http(&tree.root, &[]);
    for (what, bytes) in [
        (
            "absolute-form (RFC 9112 §3.2.2)",
            &b"GET http://127.0.0.1/a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"[..],
        ),
        (
            "an empty line before the request line (§2.2)",
            b"\r\nGET /a.txt HTTP/1.1\r\nHost: a\r\n\r\n",
        ),
        (
            "a query, ignored for a file (RFC 9110 §4.2)",
            b"GET /a.txt?v=2 HTTP/1.1\r\nHost: a\r\n\r\n",
        ),
        (
            "field names in any case (RFC 9110 §5.1)",
            b"GET /a.txt HTTP/1.1\r\nhOST: a\r\n\r\n",
        ),
    ] {
        let response = exchange(server.addr, bytes);
        assert_eq!(response.status, 200, "{what}: {}", response.describe());
        assert_eq!(response.body, b"hello, world\n", "{what}");
    }
}
