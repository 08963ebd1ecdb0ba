//! What the mini-http tests share: a served tree with every kind of name and file the
//! lesson meets (a Chinese name, spaces, `#` and `%`, a directory with `index.html` and one
//! without, symlinks leading out, a FIFO), the server started on it, and a raw HTTP/1.1
//! client that writes exact request bytes and parses the response itself: status line,
//! header fields, and a body framed by `Content-Length`, chunks, or the close.
//!
//! Each test file uses its own share of these pieces, hence the `dead_code` allowance.

#![allow(dead_code)]

use e2e::{line_containing, Server};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

/// How long anything may take before a test calls it hung: many times what a healthy
/// server needs, so it only ever fails a test that is really stuck.
pub const LONG: Duration = Duration::from_secs(60);

/// What the files outside the root hold: no response may ever carry it.
pub const SECRET: &[u8] = b"SECRET: this file is outside the served root\n";

/// The modification time of every served file (2020-09-13 12:26:40 UTC): a time well in
/// the past, so `Last-Modified` is exact and the same on every run.
pub const MTIME: u64 = 1_600_000_000;

/// `Last-Modified` for [`MTIME`], as the server must write it (IMF-fixdate).
pub const MTIME_HTTP: &str = "Sun, 13 Sep 2020 12:26:40 GMT";

/// The length of `data.bin`: more than the server sends from memory (16 KiB), so the
/// file goes out with `sendfile(2)`.
pub const DATA_LEN: usize = 100_000;

/// A test's served tree, under one fresh temporary directory removed when dropped:
///
/// ```text
/// TOP/x                      SECRET (what /../x would reach)
/// TOP/outside/secret.txt     SECRET
/// TOP/root/                  the served root:
///   a.txt                    "hello, world\n"
///   data.bin                 DATA_LEN bytes that look random
///   中文.txt                  "中文\n"
///   with space.txt, hash#1.txt, 100%.txt
///   sub/index.html           a directory with its index page
///   plain/inner.txt          a directory without one (listed)
///   pipe                     a FIFO (no writer: opening it would block)
///   link-out -> ../outside/secret.txt, dir-out -> ../outside   (symlinks out)
///   link-in -> a.txt         (a symlink that stays inside)
/// ```
pub struct Tree {
    top: PathBuf,
    /// The served directory (`mini-http --root`).
    pub root: PathBuf,
    /// A directory beside the root, where symlinks lead out to.
    pub outside: PathBuf,
}

impl Tree {
    /// The tree for the test `test`.
    pub fn new(test: &str) -> Tree {
        let top = std::env::temp_dir().join(format!("e2e-http-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&top);
        let tree = Tree {
            root: top.join("root"),
            outside: top.join("outside"),
            top,
        };
        for dir in [&tree.root, &tree.outside] {
            fs::create_dir_all(dir).expect("creating a test directory");
        }
        fs::write(tree.top.join("x"), SECRET).expect("writing TOP/x");
        fs::write(tree.outside.join("secret.txt"), SECRET).expect("writing the secret");
        tree.serve("a.txt", b"hello, world\n");
        tree.serve("data.bin", &content(DATA_LEN, 9));
        tree.serve("中文.txt", "中文\n".as_bytes());
        tree.serve("with space.txt", b"a space\n");
        tree.serve("hash#1.txt", b"a hash\n");
        tree.serve("100%.txt", b"a percent\n");
        tree.serve("sub/index.html", b"<p>the index of sub</p>\n");
        tree.serve("plain/inner.txt", b"inner\n");
        let fifo = tree.root.join("pipe");
        let made = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("running mkfifo");
        assert!(made.success(), "mkfifo {} failed", fifo.display());
        symlink("../outside/secret.txt", tree.root.join("link-out")).expect("symlink link-out");
        symlink("../outside", tree.root.join("dir-out")).expect("symlink dir-out");
        symlink("a.txt", tree.root.join("link-in")).expect("symlink link-in");
        tree
    }

    /// Writes `content` as the served file `name` (a path under the root, parents
    /// created), modified at [`MTIME`], and returns its path.
    pub fn serve(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.root.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("creating a served directory");
        }
        fs::write(&path, content).expect("writing a served file");
        set_mtime(&path, MTIME);
        path
    }

    /// The bytes of the served file `name`.
    pub fn bytes(&self, name: &str) -> Vec<u8> {
        let path = self.root.join(name);
        fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
    }

    /// A scratch directory beside the root (for downloads), created on first use.
    pub fn scratch(&self) -> PathBuf {
        let dir = self.top.join("scratch");
        fs::create_dir_all(&dir).expect("creating the scratch directory");
        dir
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

/// Sets a file's modification time to `secs` since the epoch.
pub fn set_mtime(path: &Path, secs: u64) {
    let file = File::options()
        .write(true)
        .open(path)
        .expect("opening a file to set its time");
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .expect("setting a modification time");
}

/// `len` bytes that look random and differ with `seed` (xorshift64*): a swapped or
/// repeated range shows in a byte-for-byte comparison.
pub fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        out.extend_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Starts `mini-http --root ROOT --port 0 EXTRA...` with its log (stderr) captured.
pub fn mini_http(root: &Path, extra: &[&str]) -> Server {
    let mut args: Vec<&OsStr> = vec!["--root".as_ref(), root.as_os_str()];
    args.extend(["--port", "0"].iter().chain(extra).map(OsStr::new));
    Server::start_logged("mini-http", args).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Waits for the server's log line that contains `needle`.
pub fn log_line(server: &Server, needle: &str) -> String {
    line_containing(server.stderr(), needle, LONG)
}

/// The client's address in an access-log line (`127.0.0.1:50001 "GET / HTTP/1.1" 200 6`).
pub fn peer_of(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or_default()
}

/// `METHOD TARGET HTTP/1.1` with `Host` and the `extra` header lines (each ending in
/// `\r\n`), and the blank line.
pub fn request(method: &str, target: &str, extra: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n").into_bytes()
}

/// A parsed response.
#[derive(Debug, Clone)]
pub struct Response {
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// The header fields, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (decoded from chunks if it was chunked).
    pub body: Vec<u8>,
}

impl Response {
    /// The first field named `name` (case-insensitively), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first field named `name`; panics, showing the response, when there is none.
    pub fn must(&self, name: &str) -> &str {
        self.header(name)
            .unwrap_or_else(|| panic!("no {name} field in {}", self.describe()))
    }

    /// Whether the server said it closes the connection.
    pub fn says_close(&self) -> bool {
        self.header("Connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// The status line and the fields, for failure messages.
    pub fn describe(&self) -> String {
        let mut text = format!("{} {} {}", self.version, self.status, self.reason);
        for (name, value) in &self.headers {
            text.push_str(&format!("\n{name}: {value}"));
        }
        text.push_str(&format!("\n({} bytes of body)", self.body.len()));
        text
    }

    /// Checks the status, showing the whole response when it differs.
    pub fn assert_status(&self, status: u16) {
        assert_eq!(self.status, status, "{}", self.describe());
    }
}

/// A connection to the server with a parser of its responses. Reads and writes fail
/// after [`LONG`].
pub struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    /// Connects to `addr`.
    pub fn connect(addr: SocketAddr) -> Client {
        Client::with_deadline(addr, LONG)
    }

    /// Connects to `addr`; each read and write fails after `deadline`.
    pub fn with_deadline(addr: SocketAddr, deadline: Duration) -> Client {
        Client {
            reader: BufReader::new(e2e::tcp_connect(addr, deadline)),
        }
    }

    /// The socket.
    pub fn stream(&self) -> &TcpStream {
        self.reader.get_ref()
    }

    /// Sends `bytes` as they are, in one write.
    pub fn send(&mut self, bytes: &[u8]) {
        self.reader
            .get_mut()
            .write_all(bytes)
            .expect("sending to the server");
    }

    /// Reads one response to a `GET`.
    pub fn response(&mut self) -> Response {
        self.read_response(false)
    }

    /// Reads one response to a `HEAD`: fields that describe a body, and no body.
    pub fn head_response(&mut self) -> Response {
        self.read_response(true)
    }

    /// Reads a response: the status line, the fields, then (unless `no_body`, a 1xx, 204 or
    /// 304) the body as the fields frame it.
    fn read_response(&mut self, no_body: bool) -> Response {
        let line = self.line("the status line");
        let mut parts = line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default().to_string();
        let status = parts
            .next()
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("not a status line: {line:?}"));
        let reason = parts.next().unwrap_or_default().to_string();
        assert!(
            version.starts_with("HTTP/1."),
            "not a status line: {line:?}"
        );
        let mut headers = Vec::new();
        loop {
            let line = self.line("a header field or the blank line");
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("not a header field: {line:?}"));
            assert!(!name.ends_with(' '), "a space before the colon: {line:?}");
            headers.push((name.to_string(), value.trim().to_string()));
        }
        let mut response = Response {
            version,
            status,
            reason,
            headers,
            body: Vec::new(),
        };
        if no_body || status < 200 || status == 204 || status == 304 {
            return response;
        }
        let chunked = response
            .header("Transfer-Encoding")
            .is_some_and(|te| te.eq_ignore_ascii_case("chunked"));
        response.body = if chunked {
            self.chunks()
        } else if let Some(len) = response.header("Content-Length") {
            let len: usize = len
                .parse()
                .unwrap_or_else(|_| panic!("a bad Content-Length: {}", response.describe()));
            let mut body = vec![0; len];
            self.reader
                .read_exact(&mut body)
                .unwrap_or_else(|e| panic!("reading a body of {len} bytes: {e}"));
            body
        } else {
            self.rest()
        };
        response
    }

    /// A chunked body, decoded (RFC 9112 §7.1); trailer fields are read and dropped.
    fn chunks(&mut self) -> Vec<u8> {
        let mut body = Vec::new();
        loop {
            let line = self.line("a chunk size");
            let size = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16)
                .unwrap_or_else(|_| panic!("not a chunk size: {line:?}"));
            if size == 0 {
                while !self.line("a trailer field or the blank line").is_empty() {}
                return body;
            }
            let start = body.len();
            body.resize(start + size, 0);
            self.reader
                .read_exact(&mut body[start..])
                .expect("reading a chunk");
            assert!(self.line("the chunk's CRLF").is_empty(), "a chunk too long");
        }
    }

    /// One line of the head, without its CRLF; every line must end in CRLF.
    fn line(&mut self, what: &str) -> String {
        let mut line = Vec::new();
        self.reader
            .read_until(b'\n', &mut line)
            .unwrap_or_else(|e| panic!("reading {what}: {e}"));
        assert!(
            line.ends_with(b"\r\n"),
            "expected {what} ending in CRLF, got {:?}",
            String::from_utf8_lossy(&line)
        );
        line.truncate(line.len() - 2);
        String::from_utf8(line).unwrap_or_else(|e| panic!("{what} is not UTF-8: {e}"))
    }

    /// Everything until the server closes (a reset after the close counts as the end).
    pub fn rest(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => rest,
            Err(e) => panic!(
                "the server did not close the connection ({e}); got {:?}",
                String::from_utf8_lossy(&rest)
            ),
        }
    }

    /// Checks that the server closes the connection now, sending nothing more.
    pub fn assert_closed(&mut self) {
        let rest = self.rest();
        assert!(
            rest.is_empty(),
            "bytes after the response: {:?}",
            String::from_utf8_lossy(&rest)
        );
    }
}

/// One request on a new connection: sends `bytes`, reads the response.
pub fn exchange(addr: SocketAddr, bytes: &[u8]) -> Response {
    let mut client = Client::connect(addr);
    client.send(bytes);
    client.response()
}

/// `GET target` on a new connection, with `Connection: close`.
pub fn get(addr: SocketAddr, target: &str) -> Response {
    exchange(addr, &request("GET", target, "Connection: close\r\n"))
}

/// `GET target` with the `extra` header lines, on a new connection, with `Connection: close`.
pub fn get_with(addr: SocketAddr, target: &str, extra: &str) -> Response {
    exchange(
        addr,
        &request("GET", target, &format!("{extra}Connection: close\r\n")),
    )
}

/// Checks that `haystack` does not contain `needle` anywhere.
pub fn assert_lacks(haystack: &[u8], needle: &[u8], what: &str) {
    assert!(
        !haystack.windows(needle.len()).any(|w| w == needle),
        "{what} contains {:?}",
        String::from_utf8_lossy(needle)
    );
}

/// A tool found on `PATH`, or `None` after recording that `test` was skipped.
pub fn peer(test: &str, name: &str) -> Option<PathBuf> {
    let found = e2e::tool(name);
    if found.is_none() {
        e2e::skip(test, name);
    }
    found
}
