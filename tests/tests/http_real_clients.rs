//! End-to-end tests of `mini-http` with the clients people really use: curl and Python's
//! `http.client` and `urllib.request`. Each one missing makes its tests print `skipped:
//! <tool> not found` and pass. Proxies from the environment are turned off: the traffic
//! goes to loopback and nowhere else.
//!
//! The browser is in `http_browser.rs`.

mod http_support;

use e2e::{python3, run_command, run_command_raw};
use http_support::{log_line, mini_http, peer, peer_of, Tree, DATA_LEN, LONG};
use std::process::Command;

/// `curl --noproxy '*' ARGS...`.
fn curl(path: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(path);
    command.args(["--noproxy", "*"]).args(args);
    command
}

#[test]
fn curl_reuses_one_connection_for_two_urls() {
    let Some(path) = peer("curl_reuses_one_connection_for_two_urls", "curl") else {
        return;
    };
    let tree = Tree::new("curl-reuse");
    let server = mini_http(&tree.root, &[]);
    let one = format!("http://{}/a.txt", server.addr);
    let two = format!("http://{}/%E4%B8%AD%E6%96%87.txt", server.addr);
    let out = run_command_raw(curl(&path, &["-sv", &one, &two]), b"", LONG);
    assert!(out.success(), "curl: {}", out.stderr);
    assert_eq!(out.stdout, "hello, world\n中文\n".as_bytes());
    assert!(
        out.stderr.contains("Re-using existing connection")
            || out.stderr.contains("Reusing existing connection"),
        "curl opened a second connection:\n{}",
        out.stderr
    );
    let first = log_line(&server, "\"GET /a.txt");
    let second = log_line(&server, "\"GET /%E4%B8%AD%E6%96%87.txt");
    assert_eq!(peer_of(&first), peer_of(&second), "{first}\n{second}");
}

#[test]
fn curl_resumes_a_partial_download() {
    let Some(path) = peer("curl_resumes_a_partial_download", "curl") else {
        return;
    };
    let tree = Tree::new("curl-resume");
    let server = mini_http(&tree.root, &[]);
    let file = tree.bytes("data.bin");
    let saved = tree.scratch().join("data.bin");
    // A download cut at byte 12,345.
    std::fs::write(&saved, &file[..12_345]).expect("writing the partial file");
    let url = format!("http://{}/data.bin", server.addr);
    let saved_arg = saved.to_string_lossy().into_owned();
    let out = run_command(
        curl(&path, &["-sS", "-C", "-", "-o", &saved_arg, &url]),
        b"",
        LONG,
    );
    assert!(out.success(), "curl: {}", out.stderr);
    let got = std::fs::read(&saved).expect("reading the download");
    assert!(
        got == file,
        "the resumed file differs ({} bytes)",
        got.len()
    );
    // The server sent only the rest.
    let line = log_line(&server, "\"GET /data.bin");
    assert!(
        line.ends_with(&format!(" 206 {}", DATA_LEN - 12_345)),
        "{line}"
    );
}

#[test]
fn curl_head_shows_the_fields() {
    let Some(path) = peer("curl_head_shows_the_fields", "curl") else {
        return;
    };
    let tree = Tree::new("curl-head");
    let server = mini_http(&tree.root, &[]);
    let url = format!("http://{}/data.bin", server.addr);
    let out = run_command(curl(&path, &["-sI", &url]), b"", LONG);
    assert!(out.success(), "curl: {}", out.stderr);
    assert!(
        out.stdout.starts_with("HTTP/1.1 200 OK\r\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("Content-Length: {DATA_LEN}\r\n")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("\r\n\r\n"), "a body after the head");
    log_line(&server, "\"HEAD /data.bin HTTP/1.1\" 200");
}

#[test]
fn curl_follows_the_redirect_to_a_directory() {
    let Some(path) = peer("curl_follows_the_redirect_to_a_directory", "curl") else {
        return;
    };
    let tree = Tree::new("curl-redirect");
    let server = mini_http(&tree.root, &[]);
    let url = format!("http://{}/sub", server.addr);
    let out = run_command(curl(&path, &["-sL", &url]), b"", LONG);
    assert!(out.success(), "curl: {}", out.stderr);
    assert_eq!(out.stdout, "<p>the index of sub</p>\n");
}

/// Python's `http.client`: two requests on one `HTTPConnection`; prints both bodies and,
/// on stderr, the local address of the socket each used.
const HTTP_CLIENT: &str = r#"
import http.client, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
out = sys.stdout.buffer
for path in ["/a.txt", "/data.bin"]:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    print(response.status, conn.sock.getsockname(), file=sys.stderr)
    out.write(body)
conn.close()
"#;

#[test]
fn python_http_client_keeps_the_connection() {
    let test = "python_http_client_keeps_the_connection";
    let Some(python) = python3(test) else {
        return;
    };
    let tree = Tree::new("py-keepalive");
    let server = mini_http(&tree.root, &[]);
    let mut command = Command::new(python);
    command
        .args(["-c", HTTP_CLIENT])
        .arg(server.addr.port().to_string());
    let out = run_command_raw(command, b"", LONG);
    assert!(out.success(), "python: {}", out.stderr);
    let mut expected = tree.bytes("a.txt");
    expected.extend(tree.bytes("data.bin"));
    assert!(out.stdout == expected, "the bodies differ");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert!(
        lines.iter().all(|l| l.starts_with("200 ")),
        "{}",
        out.stderr
    );
    assert_eq!(
        lines[0], lines[1],
        "a new connection for the second request"
    );
}

/// Python's `urllib.request` without proxies: the body of the URL on stdout.
const URLLIB: &str = r#"
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1], timeout=60) as response:
    sys.stdout.buffer.write(response.read())
"#;

#[test]
fn python_urllib_downloads_the_same_bytes() {
    let test = "python_urllib_downloads_the_same_bytes";
    let Some(python) = python3(test) else {
        return;
    };
    let tree = Tree::new("py-urllib");
    let server = mini_http(&tree.root, &[]);
    for (path, name) in [
        ("/data.bin", "data.bin"),
        ("/%E4%B8%AD%E6%96%87.txt", "中文.txt"),
        ("/hash%231.txt", "hash#1.txt"),
    ] {
        let mut command = Command::new(&python);
        command
            .args(["-c", URLLIB])
            .arg(format!("http://{}{path}", server.addr));
        let out = run_command_raw(command, b"", LONG);
        assert!(out.success(), "python {path}: {}", out.stderr);
        assert!(out.stdout == tree.bytes(name), "{path}: the bytes differ");
    }
}
