//! End-to-end tests of one connection carrying several requests (RFC 9112 §9): keep-alive
//! by default in HTTP/1.1, `Connection: close` honoured, HTTP/1.0 closing unless asked to
//! keep the connection, pipelined requests answered in order, `Expect: 100-continue`, and
//! a request body (chunked or not) skipped so the next request is found after it.

mod http_support;

use http_support::{log_line, mini_http, peer_of, request, Client, Tree};

#[test]
fn two_requests_share_one_connection() {
    let tree = Tree::new("keep-alive");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/a.txt", ""));
    let first = client.response();
    first.assert_status(200);
    assert!(!first.says_close(), "{}", first.describe());
    client.send(&request("GET", "/%E4%B8%AD%E6%96%87.txt", ""));
    let second = client.response();
    second.assert_status(200);
    assert_eq!(second.body, "中文\n".as_bytes());
    // The log names the same client (address and port) for both.
    let one = log_line(&server, "\"GET /a.txt");
    let two = log_line(&server, "\"GET /%E4%B8%AD%E6%96%87.txt");
    assert_eq!(peer_of(&one), peer_of(&two), "{one}\n{two}");
}

#[test]
fn three_pipelined_requests_are_answered_in_order() {
    let tree = Tree::new("pipelining");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    let mut bytes = request("GET", "/data.bin", "");
    bytes.extend(request("HEAD", "/a.txt", ""));
    bytes.extend(request("GET", "/a.txt", "Connection: close\r\n"));
    // One write: the three requests arrive together, as a pipelining client sends them.
    client.send(&bytes);
    let first = client.response();
    first.assert_status(200);
    assert!(
        first.body == tree.bytes("data.bin"),
        "the first body differs"
    );
    let second = client.head_response();
    second.assert_status(200);
    assert_eq!(second.must("Content-Length"), "13");
    let third = client.response();
    third.assert_status(200);
    assert_eq!(third.body, b"hello, world\n");
    assert!(third.says_close(), "{}", third.describe());
    client.assert_closed();
}

#[test]
fn connection_close_is_honoured() {
    let tree = Tree::new("close");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
    let response = client.response();
    response.assert_status(200);
    assert!(response.says_close(), "{}", response.describe());
    client.assert_closed();
}

#[test]
fn http_1_0_closes_after_one_response() {
    let tree = Tree::new("http10");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(b"GET /a.txt HTTP/1.0\r\n\r\n");
    let response = client.response();
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
    client.assert_closed();
}

#[test]
fn http_1_0_with_keep_alive_keeps_the_connection() {
    let tree = Tree::new("http10-keep");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(b"GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    let first = client.response();
    first.assert_status(200);
    // A 1.0 client keeps the connection only if told it is kept (RFC 9112 §9.3).
    assert_eq!(
        first.header("Connection").map(str::to_ascii_lowercase),
        Some("keep-alive".to_string()),
        "{}",
        first.describe()
    );
    client.send(b"GET /a.txt HTTP/1.0\r\n\r\n");
    let second = client.response();
    second.assert_status(200);
    client.assert_closed();
}

#[test]
fn expect_100_continue_gets_an_interim_response_first() {
    let tree = Tree::new("continue");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    client.send(&request(
        "GET",
        "/a.txt",
        "Content-Length: 5\r\nExpect: 100-continue\r\n",
    ));
    // The server asks for the body before it has it: waiting here for the interim
    // response is what a client does (with its own deadline).
    let interim = client.response();
    assert_eq!(
        (
            interim.version.as_str(),
            interim.status,
            interim.reason.as_str()
        ),
        ("HTTP/1.1", 100, "Continue"),
        "{}",
        interim.describe()
    );
    client.send(b"hello");
    let response = client.response();
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
    client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
    client.response().assert_status(200);
    client.assert_closed();
}

#[test]
fn a_body_on_a_get_is_skipped_and_the_next_request_answered() {
    let tree = Tree::new("body-skipped");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    let mut bytes = request("GET", "/a.txt", "Content-Length: 20\r\n");
    // The body looks like a request: it must be skipped, not answered.
    bytes.extend_from_slice(b"GET /data.bin HTTP/1");
    bytes.extend(request(
        "GET",
        "/%E4%B8%AD%E6%96%87.txt",
        "Connection: close\r\n",
    ));
    client.send(&bytes);
    client.response().assert_status(200);
    let next = client.response();
    next.assert_status(200);
    assert_eq!(next.body, "中文\n".as_bytes());
    client.assert_closed();
}

#[test]
fn a_chunked_body_on_a_get_is_skipped_and_the_next_request_answered() {
    let tree = Tree::new("chunked-skipped");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    let mut bytes = request("GET", "/a.txt", "Transfer-Encoding: chunked\r\n");
    bytes.extend_from_slice(
        b"5;name=value\r\nhello\r\n10\r\nGET /data.bin HT\r\n0\r\nX-Trailer: t\r\n\r\n",
    );
    bytes.extend(request(
        "GET",
        "/%E4%B8%AD%E6%96%87.txt",
        "Connection: close\r\n",
    ));
    client.send(&bytes);
    let first = client.response();
    first.assert_status(200);
    assert_eq!(first.body, b"hello, world\n");
    let next = client.response();
    next.assert_status(200);
    assert_eq!(next.body, "中文\n".as_bytes());
    client.assert_closed();
}

#[test]
fn a_request_split_across_many_writes_is_put_together() {
    let tree = Tree::new("split");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    let bytes = request("GET", "/a.txt", "Connection: close\r\n");
    for byte in &bytes {
        client.send(std::slice::from_ref(byte));
    }
    let response = client.response();
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
    client.assert_closed();
}

#[test]
fn a_refused_method_with_a_body_says_close_before_closing() {
    let tree = Tree::new("405-body");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    // The server does not read the body of a method it refuses, so it must close after
    // the answer, and say so (RFC 9112 §9.6: `Connection: close` in the last response).
    let mut bytes = request("POST", "/a.txt", "Content-Length: 5\r\n");
    bytes.extend_from_slice(b"hello");
    client.send(&bytes);
    let response = client.response();
    response.assert_status(405);
    client.assert_closed();
    assert!(
        response.says_close(),
        "closed without Connection: close: {}",
        response.describe()
    );
}

#[test]
fn a_large_chunked_body_is_answered_with_close() {
    let tree = Tree::new("chunked-large");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    // 20,000 bytes of one chunk, sent whole but never ended: more than the server skips.
    let mut bytes = request("GET", "/a.txt", "Transfer-Encoding: chunked\r\n");
    bytes.extend_from_slice(b"4E20\r\n");
    bytes.extend(std::iter::repeat(b'x').take(20_000));
    client.send(&bytes);
    let response = client.response();
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
    client.assert_closed();
    assert!(
        response.says_close(),
        "closed without Connection: close: {}",
        response.describe()
    );
}

/// The most requests the server answers on one connection.
const MAX_REQUESTS: usize = 1000;

#[test]
fn the_thousandth_request_on_a_connection_is_the_last() {
    let tree = Tree::new("max-requests");
    let server = mini_http(&tree.root, &[]);
    let mut client = Client::connect(server.addr);
    // One more than the limit, all pipelined in one write.
    let one = request("HEAD", "/a.txt", "");
    client.send(&one.repeat(MAX_REQUESTS + 1));
    for i in 1..MAX_REQUESTS {
        let response = client.head_response();
        response.assert_status(200);
        assert!(
            !response.says_close(),
            "response {i}: {}",
            response.describe()
        );
    }
    let last = client.head_response();
    last.assert_status(200);
    // The 1001st is not answered: the connection ends after the 1000th.
    client.assert_closed();
    assert!(
        last.says_close(),
        "the connection closed after response {MAX_REQUESTS} without Connection: close: {}",
        last.describe()
    );
}
