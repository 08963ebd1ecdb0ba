//! What the file-download tests share: a served directory and a download directory side
//! by side, the two programs started in them, file contents that differ from file to file,
//! raw requests for hostile peers, and fake servers that speak the protocol but misbehave
//! on purpose (cut a transfer, stall in the middle of one, corrupt a byte).
//!
//! Each test file uses its own share of these pieces, hence the `dead_code` allowance.

#![allow(dead_code)]

use e2e::{line_containing, program, run_command_raw, RawOutput, Server};
use file_download::protocol::{Request, Response, Status, REQUEST_HEADER_LEN};
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// How long anything may take before a test calls it hung: many times what a healthy
/// program needs, so it only ever fails a test that is really stuck.
pub const LONG: Duration = Duration::from_secs(60);

/// One MiB.
pub const MIB: usize = 1 << 20;

/// A test's directories, under one fresh temporary directory removed when dropped:
/// `root` (what the server serves), `downloads` (where the client runs) and `outside`
/// (beside the root, holding `secret.txt`, which no request may reach).
pub struct Dirs {
    top: PathBuf,
    /// The served directory (`file-server --root`).
    pub root: PathBuf,
    /// The client's current directory: where downloads land.
    pub downloads: PathBuf,
    /// A directory beside the root, for symlinks that try to leave it.
    pub outside: PathBuf,
}

impl Dirs {
    /// Fresh directories for the test `test`.
    pub fn new(test: &str) -> Dirs {
        let top = std::env::temp_dir().join(format!("e2e-fd-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&top);
        let dirs = Dirs {
            root: top.join("root"),
            downloads: top.join("downloads"),
            outside: top.join("outside"),
            top,
        };
        for dir in [&dirs.root, &dirs.downloads, &dirs.outside] {
            fs::create_dir_all(dir).expect("creating a test directory");
        }
        fs::write(dirs.outside.join("secret.txt"), b"outside the root\n")
            .expect("writing the secret");
        dirs
    }

    /// Writes `content` as the served file `name` (a path under the root, parents
    /// created) and returns its path.
    pub fn serve(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.root.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("creating a served directory");
        }
        fs::write(&path, content).expect("writing a served file");
        path
    }

    /// Where a download named `name` lands in the download directory.
    pub fn downloaded(&self, name: &str) -> PathBuf {
        self.downloads.join(name)
    }
}

impl Drop for Dirs {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

/// `len` bytes that look random and differ with `seed` (xorshift64*): a swapped, dropped
/// or repeated chunk shows in a byte-for-byte comparison, as it would not with a repeated
/// pattern.
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

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Starts `file-server --root ROOT --port 0 EXTRA...` with its log captured.
pub fn file_server(root: &Path, extra: &[&str]) -> Server {
    let mut args: Vec<&OsStr> = vec!["--root".as_ref(), root.as_os_str()];
    args.extend(["--port", "0"].iter().chain(extra).map(OsStr::new));
    Server::start_logged("file-server", args).unwrap_or_else(|e| panic!("{e:#}"))
}

/// `file-client ARGS...`, to be run in `dir`.
pub fn client_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(program("file-client"));
    command.args(args).current_dir(dir);
    command
}

/// Runs `file-client ARGS...` in `dir`, with a deadline.
pub fn client_in(dir: &Path, args: &[&str]) -> RawOutput {
    run_command_raw(client_command(dir, args), b"", LONG)
}

/// Waits for the server's log line that contains `needle`.
pub fn log_line(server: &Server, needle: &str) -> String {
    line_containing(server.stderr(), needle, LONG)
}

/// Checks that `path` holds exactly `expected`, naming the first byte that differs.
pub fn assert_same_bytes(path: &Path, expected: &[u8]) {
    let got = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    if got != expected {
        let first = got.iter().zip(expected).position(|(a, b)| a != b);
        panic!(
            "{}: {} bytes, expected {}; first difference at {:?}",
            path.display(),
            got.len(),
            expected.len(),
            first.unwrap_or(got.len().min(expected.len()))
        );
    }
}

/// Checks a successful download: exit 0, `saved PATH: N bytes` on stderr, `path` holding
/// exactly `expected`, and neither `PATH.part` nor `PATH.part.meta` left.
pub fn assert_saved(out: &RawOutput, path: &Path, expected: &[u8]) {
    assert!(out.success(), "exit {:?}: {}", out.code, out.stderr);
    assert!(
        out.stderr.contains(&format!("{} bytes", expected.len())),
        "{}",
        out.stderr
    );
    assert_same_bytes(path, expected);
    for leftover in [part(path), meta(path)] {
        assert!(!leftover.exists(), "{} was left", leftover.display());
    }
}

/// `PATH.part`, where a download is written until it is complete.
pub fn part(path: &Path) -> PathBuf {
    with_suffix(path, ".part")
}

/// `PATH.part.meta`, the client's record of the server's file.
pub fn meta(path: &Path) -> PathBuf {
    with_suffix(path, ".part.meta")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Checks that `dir` is empty: a refused download leaves neither the file nor its `.part`.
pub fn assert_empty(dir: &Path) {
    let left: Vec<_> = fs::read_dir(dir)
        .expect("listing a directory")
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .expect("listing a directory");
    assert!(left.is_empty(), "{} holds {left:?}", dir.display());
}

/// A file's modification time, in whole seconds since the epoch (what the protocol sends).
pub fn mtime(path: &Path) -> i64 {
    let modified = fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("reading a modification time");
    let secs = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("a file modified after 1970")
        .as_secs();
    i64::try_from(secs).expect("a modification time in range")
}

/// Sets a file's modification time to `secs` since the epoch, so a test controls what the
/// server reports (two writes within a second share their mtime).
pub fn set_mtime(path: &Path, secs: u64) {
    let file = File::options()
        .write(true)
        .open(path)
        .expect("opening a file to set its time");
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
        .expect("setting a modification time");
}

// ---- Raw requests: what a hostile or broken peer sends ---------------------------------

/// A request frame with every field chosen by the caller, including a name length that
/// disagrees with the name, bytes that are not UTF-8, and a wrong magic.
pub fn frame(magic: &[u8; 4], flags: u8, offset: u64, name_len: u16, name: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(REQUEST_HEADER_LEN + name.len());
    bytes.extend_from_slice(magic);
    bytes.push(flags);
    bytes.extend_from_slice(&offset.to_be_bytes());
    bytes.extend_from_slice(&name_len.to_be_bytes());
    bytes.extend_from_slice(name);
    bytes
}

/// A loopback connection whose reads and writes fail after [`LONG`].
pub fn connect(addr: SocketAddr) -> TcpStream {
    e2e::tcp_connect(addr, LONG)
}

/// Sends `bytes` on a new connection and reads the response header and the body it
/// announces. The connection is not half-closed: a server that waits for more bytes than
/// were sent fails the test at the deadline.
pub fn exchange(addr: SocketAddr, bytes: &[u8]) -> (Response, Vec<u8>) {
    let mut stream = connect(addr);
    stream.write_all(bytes).expect("sending a request");
    read_answer(&mut stream)
}

/// Reads a response header and its body from `stream`.
pub fn read_answer(stream: &mut TcpStream) -> (Response, Vec<u8>) {
    let response = Response::read_from(stream).expect("a response header");
    let len = usize::try_from(response.body_len()).expect("a body that fits in memory");
    let mut body = vec![0; len];
    stream.read_exact(&mut body).expect("the whole body");
    (response, body)
}

/// Asks for `name` from offset 0, as file-client would, and returns the answer.
pub fn ask(addr: SocketAddr, name: &str) -> (Response, Vec<u8>) {
    let request = Request {
        name: name.into(),
        offset: 0,
        want_sha256: false,
    };
    exchange(addr, &request.encode().expect("a short name"))
}

/// Checks that the server still serves: `name` comes back whole, as `expected`.
pub fn assert_serves(addr: SocketAddr, name: &str, expected: &[u8]) {
    let (response, body) = ask(addr, name);
    assert_eq!(response.status, Status::Ok, "{name}: {}", response.message);
    assert!(body == expected, "{name}: the body differs from the file");
}

// ---- Fake servers: the protocol spoken right, the transfer made to go wrong ------------

/// A server written in the test: a listener on loopback whose first connection is
/// handed, with the request read from it, to a closure on a thread.
pub struct Fake {
    /// Where it listens.
    pub addr: SocketAddr,
    thread: JoinHandle<()>,
}

impl Fake {
    /// Listens on 127.0.0.1 (port 0), then, on a thread, accepts one client, reads its
    /// request and calls `serve` with the connection and the request.
    pub fn start(serve: impl FnOnce(TcpStream, Request) + Send + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a fake server");
        let addr = listener.local_addr().expect("the fake server's address");
        let thread = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accepting the client");
            stream.set_read_timeout(Some(LONG)).expect("a read timeout");
            stream
                .set_write_timeout(Some(LONG))
                .expect("a write timeout");
            let request = Request::read_from(&mut stream).expect("the client's request");
            serve(stream, request);
        });
        Fake { addr, thread }
    }

    /// Waits for the fake server's thread, failing the test if it panicked.
    pub fn join(self) {
        if self.thread.join().is_err() {
            panic!("the fake server failed (see its panic above)");
        }
    }
}

/// The ok header a correct server sends for `file` (modified at `mtime`) and `request`:
/// the right size, the offset asked for, the SHA-256 when asked.
pub fn ok_header(request: &Request, file: &[u8], mtime: i64) -> Vec<u8> {
    let size = u64::try_from(file.len()).expect("a file size fits in u64");
    let sha = request.want_sha256.then(|| sha256(file));
    Response::ok(size, mtime, request.offset, sha)
        .encode()
        .expect("a valid header")
}

/// A fake server that serves `file` right, header and all, but stops after `keep` bytes
/// of the body and closes: a connection cut mid-transfer.
pub fn cutting_server(file: Vec<u8>, mtime: i64, keep: usize) -> Fake {
    Fake::start(move |mut stream, request| {
        stream
            .write_all(&ok_header(&request, &file, mtime))
            .expect("sending the header");
        let start = usize::try_from(request.offset).expect("an offset within the file");
        let _ = stream.write_all(&file[start..start + keep]);
        let _ = stream.shutdown(Shutdown::Both);
    })
}
