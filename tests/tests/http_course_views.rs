//! End-to-end tests of the two views the course uses to show HTTP as plain text:
//! `--fake`, the course's hand-written response sent byte for byte (GBK, `Content-Length:
//! 20`), and `--show-requests`, each request's bytes printed line by line with what each
//! line is (what the course sees in the browser's developer tools).

mod http_support;

use e2e::run_command_raw;
use http_support::{exchange, log_line, mini_http, peer, request, Client, Tree, LONG};
use std::process::Command;

/// The course's response, exactly: four lines of head, the blank line, and a body of 20
/// bytes in GBK (`标题` is `B1 EA CC E2`).
const COURSE_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\n\
Content-Length: 20\r\n\
Content-Type: text/html; charset=gbk\r\n\
Server: HMS\r\n\
\r\n\
<h2>\xb1\xea\xcc\xe2</h2>1111111";

/// The body alone.
const COURSE_BODY: &[u8] = b"<h2>\xb1\xea\xcc\xe2</h2>1111111";

#[test]
fn fake_sends_the_course_bytes_exactly() {
    let tree = Tree::new("fake-raw");
    let server = mini_http(&tree.root, &["--fake"]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/anything", "Connection: close\r\n"));
    let got = client.rest();
    assert_eq!(
        got,
        COURSE_RESPONSE,
        "got {:?}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(COURSE_BODY.len(), 20);
}

#[test]
fn fake_answers_every_request_on_a_kept_connection() {
    let tree = Tree::new("fake-keep");
    let server = mini_http(&tree.root, &["--fake"]);
    let mut client = Client::connect(server.addr);
    for target in ["/", "/a.txt", "/no/such/thing"] {
        client.send(&request("GET", target, ""));
        let response = client.response();
        response.assert_status(200);
        assert_eq!(response.body, COURSE_BODY, "{target}");
        assert_eq!(response.must("Server"), "HMS");
    }
}

#[test]
fn fake_through_curl_gives_the_20_gbk_bytes() {
    let Some(curl) = peer("fake_through_curl_gives_the_20_gbk_bytes", "curl") else {
        return;
    };
    let tree = Tree::new("fake-curl");
    let server = mini_http(&tree.root, &["--fake"]);
    let mut command = Command::new(curl);
    command
        .args(["--noproxy", "*", "-s", "-i"])
        .arg(format!("http://{}/", server.addr));
    let out = run_command_raw(command, b"", LONG);
    assert!(out.success(), "curl: {}", out.stderr);
    assert_eq!(
        out.stdout,
        COURSE_RESPONSE,
        "got {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn show_requests_prints_each_line_with_its_name() {
    let tree = Tree::new("show");
    let server = mini_http(&tree.root, &["--show-requests"]);
    let bytes = b"GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello";
    exchange(server.addr, bytes).assert_status(200);
    let first = log_line(&server, &format!(" sent {} bytes:", bytes.len()));
    assert!(first.starts_with("127.0.0.1:"), "{first}");
    // The invisible line ends are shown as `\r\n`, in order, each line named.
    for expected in [
        "  request line  GET /a.txt HTTP/1.1\\r\\n",
        "  header        Host: 127.0.0.1\\r\\n",
        "  header        Content-Length: 5\\r\\n",
        "  blank line    \\r\\n",
        "  body          5 bytes: hello",
    ] {
        let line = log_line(&server, expected.trim_start());
        assert_eq!(line, expected);
    }
}

#[test]
fn show_requests_shows_control_characters_rather_than_obeying_them() {
    let tree = Tree::new("show-escape");
    let server = mini_http(&tree.root, &["--show-requests"]);
    let response = exchange(
        server.addr,
        b"GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Term: \x1b[2J\r\n\r\n",
    );
    // A control character in a field value is refused (RFC 9110 §5.5) or shown escaped.
    assert!(
        [200, 400].contains(&response.status),
        "{}",
        response.describe()
    );
    if response.status == 200 {
        let line = log_line(&server, "X-Term:");
        assert!(
            !line.contains('\x1b'),
            "an escape sent to the terminal: {line:?}"
        );
    }
}

#[test]
fn quiet_logs_nothing_but_the_listening_line() {
    let tree = Tree::new("quiet");
    let mut server = mini_http(&tree.root, &["-q"]);
    http_support::get(server.addr, "/a.txt").assert_status(200);
    http_support::get(server.addr, "/nope").assert_status(404);
    e2e::interrupt(server.child());
    let status = server.wait_exit(LONG);
    assert!(status.success(), "{status}");
    let log = e2e::rest_of(server.stderr(), LONG);
    assert!(log.is_empty(), "-q, yet the log says:\n{log}");
}
