//! End-to-end tests of `http-get` against servers other than ours: Python's
//! `http.server` (HTTP/1.0 responses), and two small servers written here in Python that
//! frame their bodies the other two ways HTTP/1.1 allows: `Transfer-Encoding: chunked`
//! (RFC 9112 §7.1) and no length at all, the body ending when the server closes (§6.3).
//! Without python3 the tests print `skipped: python3 not found` and pass.

mod http_support;

use e2e::{lines_of, program, python3, run_command_raw, RawOutput, Server};
use http_support::{Tree, LONG};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Runs `http-get ARGS...` with a deadline.
fn http_get(args: &[&str]) -> RawOutput {
    let mut command = Command::new(program("http-get"));
    command.args(args);
    run_command_raw(command, b"", LONG)
}

/// `python3 -m http.server` on 127.0.0.1, port 0, serving `root`; killed when dropped.
struct PythonServer {
    child: Child,
    port: u16,
}

impl PythonServer {
    /// Starts it and reads the port from its first line, `Serving HTTP on 127.0.0.1 port
    /// N (http://127.0.0.1:N/) ...` (`-u`: that line is not left in a buffer).
    fn start(python: &Path, root: &Path) -> PythonServer {
        let mut child = Command::new(python)
            .args([
                "-u",
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "0",
                "--directory",
            ])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting python3 -m http.server");
        let lines = lines_of(child.stdout.take().expect("piped stdout"));
        let line = e2e::next_line(&lines, LONG, "Python's `Serving HTTP on` line");
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        PythonServer { child, port }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn python_http_server_files_come_whole() {
    let Some(python) = python3("python_http_server_files_come_whole") else {
        return;
    };
    let tree = Tree::new("peer-python");
    let server = PythonServer::start(&python, &tree.root);
    let base = format!("http://127.0.0.1:{}", server.port);
    // Two URLs: Python answers HTTP/1.0 and closes, so the client must connect again.
    let out = http_get(&[
        "-v",
        &format!("{base}/data.bin"),
        &format!("{base}/%E4%B8%AD%E6%96%87.txt"),
    ]);
    assert!(out.success(), "{}", out.stderr);
    let mut expected = tree.bytes("data.bin");
    expected.extend(tree.bytes("中文.txt"));
    assert!(out.stdout == expected, "the bytes differ");
    assert!(out.stderr.contains("< HTTP/1.0 200 OK"), "{}", out.stderr);
}

/// A server in the course's style that frames its bodies as asked (`chunked` or `close`,
/// or cut short: `short` and `short-chunked` close after 10 of the 100 bytes announced)
/// and announces itself with `listening on 127.0.0.1:PORT`. It serves connections one
/// after another; on each, it answers requests until the client closes (`chunked`), or
/// answers one and closes (`close`, an HTTP/1.0 server with no `Content-Length`).
const FRAMING_SERVER: &str = r#"
import socket, sys
mode = sys.argv[1]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print("listening on 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
BIG = bytes(range(256)) * 1200 + b"end"

def requests(conn):
    buffer = b""
    while True:
        while b"\r\n\r\n" not in buffer:
            data = conn.recv(65536)
            if not data:
                return
            buffer += data
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        yield head.split(b"\r\n")[0].split(b" ")[1].decode()

while True:
    conn, _ = listener.accept()
    for path in requests(conn):
        if mode == "chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            body = ("chunks for %s\n" % path).encode()
            # Pieces of every size, a chunk extension, hex in upper case, a trailer.
            conn.sendall(b"6\r\n" + body[:6] + b"\r\n")
            conn.sendall(b"1;ext=yes\r\n" + body[6:7] + b"\r\n")
            rest = body[7:]
            conn.sendall(b"%X\r\n" % len(rest) + rest + b"\r\n")
            conn.sendall(b"%X\r\n" % len(BIG) + BIG + b"\r\n")
            conn.sendall(b"0\r\nX-Trailer: done\r\n\r\n")
        elif mode == "short":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b")
            break
        elif mode == "short-chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"64\r\nonly ten b")
            break
        else:
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
            conn.sendall(BIG)
            break
    conn.close()
"#;

/// The big body both framing servers send: bytes 0..=255, 1200 times, then `end`.
fn big() -> Vec<u8> {
    let mut big: Vec<u8> = (0..=255u8).cycle().take(256 * 1200).collect();
    big.extend_from_slice(b"end");
    big
}

/// Starts the framing server in `mode`.
fn framing_server(python: &Path, mode: &str) -> Server {
    let mut command = Command::new(python);
    command.args(["-c", FRAMING_SERVER, mode]);
    Server::start_command("the Python framing server", command).unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn a_chunked_body_is_put_together() {
    let Some(python) = python3("a_chunked_body_is_put_together") else {
        return;
    };
    let server = framing_server(&python, "chunked");
    let out = http_get(&[&format!("http://{}/one", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    let mut expected = b"chunks for /one\n".to_vec();
    expected.extend(big());
    assert!(
        out.stdout == expected,
        "the body differs: {} bytes, expected {}",
        out.stdout.len(),
        expected.len()
    );
}

#[test]
fn chunked_bodies_end_where_the_next_response_starts() {
    let Some(python) = python3("chunked_bodies_end_where_the_next_response_starts") else {
        return;
    };
    let server = framing_server(&python, "chunked");
    let out = http_get(&[
        "-v",
        &format!("http://{}/one", server.addr),
        &format!("http://{}/two", server.addr),
    ]);
    assert!(out.success(), "{}", out.stderr);
    let mut expected = b"chunks for /one\n".to_vec();
    expected.extend(big());
    expected.extend(b"chunks for /two\n");
    expected.extend(big());
    assert!(out.stdout == expected, "the bodies differ");
    assert!(
        out.stderr.contains("* reusing the connection"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_body_without_a_length_is_read_to_the_close() {
    let Some(python) = python3("a_body_without_a_length_is_read_to_the_close") else {
        return;
    };
    let server = framing_server(&python, "close");
    let tree = Tree::new("peer-close");
    let saved = tree.scratch().join("big.bin");
    let saved_arg = saved.to_string_lossy().into_owned();
    let out = http_get(&["-o", &saved_arg, &format!("http://{}/big", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    let got = std::fs::read(&saved).expect("reading the saved body");
    assert!(got == big(), "the body differs: {} bytes", got.len());
}

#[test]
fn two_urls_on_a_closing_server_connect_twice() {
    let Some(python) = python3("two_urls_on_a_closing_server_connect_twice") else {
        return;
    };
    let server = framing_server(&python, "close");
    let out = http_get(&[
        "-v",
        &format!("http://{}/a", server.addr),
        &format!("http://{}/b", server.addr),
    ]);
    assert!(out.success(), "{}", out.stderr);
    let mut expected = big();
    expected.extend(big());
    assert!(out.stdout == expected, "the bodies differ");
    assert!(!out.stderr.contains("* reusing"), "{}", out.stderr);
}

#[test]
fn a_body_cut_short_is_an_error() {
    let Some(python) = python3("a_body_cut_short_is_an_error") else {
        return;
    };
    for mode in ["short", "short-chunked"] {
        let server = framing_server(&python, mode);
        let out = http_get(&[&format!("http://{}/cut", server.addr)]);
        assert_eq!(out.code, Some(1), "{mode}: {}", out.stderr);
        assert!(out.stderr.starts_with("error: "), "{mode}: {}", out.stderr);
    }
}
