//! End-to-end tests of `http-get`, the lesson's client, against `mini-http`: the body on
//! stdout, `-v` showing the request as sent and the response head, several URLs on one
//! kept connection (and `--http1.0` opening one each), `-I`, `-o FILE`, the course's GBK
//! page decoded, and its exit codes. Other servers (Python's, chunked bodies, bodies
//! read to the close) are in `http_get_peers.rs`.

mod http_support;

use e2e::{program, run_command_raw, RawOutput};
use http_support::{log_line, mini_http, peer_of, Tree, DATA_LEN, LONG};
use std::process::Command;

/// Runs `http-get ARGS...` with a deadline.
fn http_get(args: &[&str]) -> RawOutput {
    let mut command = Command::new(program("http-get"));
    command.args(args);
    run_command_raw(command, b"", LONG)
}

/// Checks exit 0 and returns stdout as text.
fn ok_text(out: &RawOutput) -> String {
    assert!(out.success(), "exit {:?}: {}", out.code, out.stderr);
    String::from_utf8(out.stdout.clone()).expect("UTF-8 on stdout")
}

#[test]
fn the_body_goes_to_stdout() {
    let tree = Tree::new("get-body");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&[&format!("http://{}/a.txt", server.addr)]);
    assert_eq!(ok_text(&out), "hello, world\n");
    // Without -v, nothing on stderr.
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn a_binary_body_comes_byte_for_byte() {
    let tree = Tree::new("get-binary");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&[&format!("http://{}/data.bin", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout == tree.bytes("data.bin"), "the bytes differ");
}

#[test]
fn verbose_shows_the_request_and_the_response_head() {
    let tree = Tree::new("get-verbose");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&["-v", &format!("http://{}/a.txt", server.addr)]);
    assert_eq!(ok_text(&out), "hello, world\n");
    for expected in [
        "> GET /a.txt HTTP/1.1",
        &format!("> Host: {}", server.addr),
        "< HTTP/1.1 200 OK",
        "< Content-Length: 13",
    ] {
        assert!(
            out.stderr.lines().any(|l| l == expected),
            "no line {expected:?} in:\n{}",
            out.stderr
        );
    }
    assert!(
        out.stderr.lines().any(|l| l.starts_with("* ")),
        "no `* ` notes:\n{}",
        out.stderr
    );
}

#[test]
fn two_urls_on_one_server_share_a_connection() {
    let tree = Tree::new("get-reuse");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&[
        "-v",
        &format!("http://{}/a.txt", server.addr),
        &format!("http://{}/%E4%B8%AD%E6%96%87.txt", server.addr),
    ]);
    assert_eq!(ok_text(&out), "hello, world\n中文\n");
    let reusing = format!("* reusing the connection to {}", server.addr);
    assert!(
        out.stderr.lines().any(|l| l.starts_with(&reusing)),
        "no {reusing:?} in:\n{}",
        out.stderr
    );
    let one = log_line(&server, "\"GET /a.txt");
    let two = log_line(&server, "\"GET /%E4%B8%AD%E6%96%87.txt");
    assert_eq!(peer_of(&one), peer_of(&two), "{one}\n{two}");
}

#[test]
fn http_1_0_opens_a_connection_per_url() {
    let tree = Tree::new("get-http10");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&[
        "-v",
        "--http1.0",
        &format!("http://{}/a.txt", server.addr),
        &format!("http://{}/a.txt", server.addr),
    ]);
    assert_eq!(ok_text(&out), "hello, world\nhello, world\n");
    assert!(!out.stderr.contains("reusing"), "{}", out.stderr);
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| *l == "> GET /a.txt HTTP/1.0")
            .count(),
        2,
        "{}",
        out.stderr
    );
    let one = log_line(&server, "\"GET /a.txt HTTP/1.0\"");
    let two = log_line(&server, "\"GET /a.txt HTTP/1.0\"");
    assert_ne!(peer_of(&one), peer_of(&two), "{one}\n{two}");
}

#[test]
fn head_prints_the_status_line_and_fields_only() {
    let tree = Tree::new("get-head");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&["-I", &format!("http://{}/data.bin", server.addr)]);
    let text = ok_text(&out);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("HTTP/1.1 200 OK"), "{text}");
    assert!(
        text.lines()
            .any(|l| l == format!("Content-Length: {DATA_LEN}")),
        "{text}"
    );
    // The head, then a blank line, then nothing: no body.
    assert!(
        text.len() < 1000,
        "a body after the head? {} bytes",
        text.len()
    );
    log_line(&server, "\"HEAD /data.bin HTTP/1.1\" 200");
}

#[test]
fn output_writes_the_raw_bytes_to_a_file() {
    let tree = Tree::new("get-output");
    let server = mini_http(&tree.root, &[]);
    let saved = tree.scratch().join("saved.bin");
    let saved_arg = saved.to_string_lossy().into_owned();
    let out = http_get(&[
        "-o",
        &saved_arg,
        &format!("http://{}/data.bin", server.addr),
    ]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "the body went to stdout too");
    let got = std::fs::read(&saved).expect("reading the saved file");
    assert!(got == tree.bytes("data.bin"), "the saved bytes differ");
}

#[test]
fn the_fake_page_is_decoded_from_gbk() {
    let tree = Tree::new("get-fake");
    let server = mini_http(&tree.root, &["--fake"]);
    let out = http_get(&[&format!("http://{}/", server.addr)]);
    assert_eq!(ok_text(&out), "<h2>标题</h2>1111111");
}

#[test]
fn the_fake_page_with_o_keeps_its_gbk_bytes() {
    let tree = Tree::new("get-fake-raw");
    let server = mini_http(&tree.root, &["--fake"]);
    let saved = tree.scratch().join("fake.html");
    let saved_arg = saved.to_string_lossy().into_owned();
    let out = http_get(&["-o", &saved_arg, &format!("http://{}/", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    let got = std::fs::read(&saved).expect("reading the saved file");
    assert_eq!(got, b"<h2>\xb1\xea\xcc\xe2</h2>1111111");
}

#[test]
fn host_port_without_a_scheme_is_understood() {
    let tree = Tree::new("get-no-scheme");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&[&format!("{}/a.txt", server.addr)]);
    assert_eq!(ok_text(&out), "hello, world\n");
}

#[test]
fn localhost_is_found_and_verbose_says_where() {
    let tree = Tree::new("get-localhost");
    let server = mini_http(&tree.root, &[]);
    let url = format!("http://localhost:{}/a.txt", server.addr.port());
    let out = http_get(&["-v", &url]);
    if !out.success() && out.stderr.contains("[::1]") {
        // localhost resolved to ::1 only, where this IPv4 server does not listen.
        e2e::skip_because(
            "localhost_is_found_and_verbose_says_where",
            "localhost is ::1 here",
        );
        return;
    }
    assert_eq!(ok_text(&out), "hello, world\n");
    assert!(
        out.stderr.lines().any(|l| l.starts_with("* localhost is ")),
        "{}",
        out.stderr
    );
}

#[test]
fn a_404_is_a_complete_response_exit_0() {
    let tree = Tree::new("get-404");
    let server = mini_http(&tree.root, &[]);
    let out = http_get(&["-v", &format!("http://{}/nope.txt", server.addr)]);
    assert!(out.success(), "exit {:?}: {}", out.code, out.stderr);
    assert!(
        out.stderr.contains("< HTTP/1.1 404 Not Found"),
        "{}",
        out.stderr
    );
}

#[test]
fn https_is_refused_with_a_clear_error() {
    let out = http_get(&["https://127.0.0.1:1/"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("http://"), "{}", out.stderr);
}

#[test]
fn a_closed_port_is_exit_1() {
    // A port just freed: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding");
        listener.local_addr().expect("an address").port()
    };
    let out = http_get(&[&format!("http://127.0.0.1:{port}/")]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
}

#[test]
fn a_url_with_chinese_in_its_path_fetches_the_file() {
    let tree = Tree::new("get-chinese-url");
    let server = mini_http(&tree.root, &[]);
    // Typed as a person types it: the client percent-encodes what a request line cannot
    // carry raw (RFC 3986 §2.1), as browsers do.
    let out = http_get(&["-v", &format!("http://{}/中文.txt", server.addr)]);
    assert!(
        out.stderr
            .contains("> GET /%E4%B8%AD%E6%96%87.txt HTTP/1.1"),
        "{}",
        out.stderr
    );
    assert_eq!(ok_text(&out), "中文\n");
}

#[test]
fn output_with_two_urls_keeps_the_last_body() {
    let tree = Tree::new("get-output-last");
    let server = mini_http(&tree.root, &[]);
    let saved = tree.scratch().join("saved.txt");
    let saved_arg = saved.to_string_lossy().into_owned();
    let out = http_get(&[
        "-o",
        &saved_arg,
        &format!("http://{}/a.txt", server.addr),
        &format!("http://{}/plain/inner.txt", server.addr),
    ]);
    assert!(out.success(), "{}", out.stderr);
    let got = std::fs::read(&saved).expect("reading the saved file");
    assert_eq!(
        String::from_utf8_lossy(&got),
        "inner\n",
        "the contract: -o FILE gets the (last) body's raw bytes"
    );
}

#[test]
fn an_ipv6_server_is_reached_by_its_bracketed_address() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        e2e::skip_because(
            "an_ipv6_server_is_reached_by_its_bracketed_address",
            "no IPv6 loopback here",
        );
        return;
    }
    let tree = Tree::new("get-ipv6");
    let server = mini_http(&tree.root, &["--bind", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let out = http_get(&["-v", &format!("http://{}/a.txt", server.addr)]);
    assert_eq!(ok_text(&out), "hello, world\n");
    assert!(
        out.stderr
            .contains(&format!("> Host: [::1]:{}", server.addr.port())),
        "{}",
        out.stderr
    );
}
