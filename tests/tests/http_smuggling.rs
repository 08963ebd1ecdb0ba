//! End-to-end tests of request smuggling refused: every request whose body's end two
//! parsers could disagree on (RFC 9112 §6.3, §11.2) gets 400 and the connection is
//! closed after it, so no bytes of it can be read as a second, hidden request.
//!
//! Each attempt carries a pipelined `GET /a.txt` after it: a server that answered it would
//! have read the smuggled bytes as a request, and the test reads to the close to see that
//! nothing follows the 400.

mod http_support;

use http_support::{get, log_line, mini_http, Client, Tree};

/// The attempts: a name, and the bytes up to where a lenient parser might think the
/// request ends.
const ATTEMPTS: &[(&str, &str)] = &[
    (
        "Content-Length and Transfer-Encoding",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ),
    (
        "two Content-Lengths",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
         Content-Length: 0\r\n\r\nhello",
    ),
    (
        "two equal Content-Lengths",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\
         Content-Length: 5\r\n\r\nhello",
    ),
    (
        "Transfer-Encoding: chunked, gzip (chunked not last)",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n\
         0\r\n\r\n",
    ),
    (
        "a space before the colon",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length : 5\r\n\r\nhello",
    ),
    (
        "obs-fold",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: a\r\n b\r\n\r\n",
    ),
    (
        "a folded Content-Length",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length:\r\n 5\r\n\r\nhello",
    ),
    (
        "Transfer-Encoding in HTTP/1.0",
        "GET /a.txt HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ),
    (
        "a Content-Length that is not a number",
        "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: +5\r\n\r\nhello",
    ),
];

/// What follows each attempt on the same connection: a request that must not be answered.
const HIDDEN: &str = "GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

#[test]
fn each_smuggling_attempt_gets_400_and_a_close() {
    let tree = Tree::new("smuggling");
    let server = mini_http(&tree.root, &["--threads", "1"]);
    for (what, attempt) in ATTEMPTS {
        let mut client = Client::connect(server.addr);
        client.send(format!("{attempt}{HIDDEN}").as_bytes());
        let response = client.response();
        assert_eq!(response.status, 400, "{what}: {}", response.describe());
        assert!(
            response.says_close(),
            "{what}: no Connection: close: {}",
            response.describe()
        );
        let rest = client.rest();
        assert!(
            rest.is_empty(),
            "{what}: after the 400 came {:?}",
            String::from_utf8_lossy(&rest)
        );
        log_line(&server, "refused: 400");
        // The server itself is unharmed.
        get(server.addr, "/a.txt").assert_status(200);
    }
}

#[test]
fn each_attempt_is_logged_with_its_reason() {
    let tree = Tree::new("smuggling-log");
    let server = mini_http(&tree.root, &["--threads", "1"]);
    let mut client = Client::connect(server.addr);
    client.send(ATTEMPTS[0].1.as_bytes());
    client.response().assert_status(400);
    client.assert_closed();
    let line = log_line(&server, "refused: 400");
    assert!(line.starts_with("127.0.0.1:"), "{line}");
    assert!(
        line.contains("Transfer-Encoding") && line.contains("Content-Length"),
        "the log does not say why: {line}"
    );
}
