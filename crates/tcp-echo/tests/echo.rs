//! End-to-end tests: the real `tcp-echo-server` and `tcp-echo-client` processes, talking
//! to each other, to raw sockets, to Python programs written as the course writes them,
//! and to `nc`. Everything runs on loopback; servers use `--port 0` and announce their
//! address on their first line; every wait has a deadline, none is a sleep.

// Helpers outside #[test] functions panic on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use netbasics::text::{encode, Encoding};

const SERVER: &str = env!("CARGO_BIN_EXE_tcp-echo-server");
const CLIENT: &str = env!("CARGO_BIN_EXE_tcp-echo-client");

/// The longest any single wait may take before the test fails. Healthy runs take
/// milliseconds; the deadline only turns a hang into a clear failure.
const DEADLINE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Sends each line `reader` yields into a channel, from a thread, so that a test can wait
/// for a line with a deadline.
fn lines_of(reader: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Ends a process by its id (used when its `Child` has moved into a waiting thread).
fn kill_pid(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status();
}

/// A server process (ours or Python's) that announced `listening on IP:PORT`.
struct Running {
    child: Option<Child>,
    pid: u32,
    addr: SocketAddr,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    /// Every stderr line seen so far, for failure messages.
    seen: Vec<String>,
}

impl Running {
    /// Starts `command` and waits (with a deadline) for its first stdout line.
    fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = lines_of(child.stdout.take().expect("stdout is piped"));
        let stderr = lines_of(child.stderr.take().expect("stderr is piped"));
        let pid = child.id();
        let first = match stdout.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let err: Vec<String> = stderr.try_iter().collect();
                panic!("no `listening on` line within {DEADLINE:?}; stderr: {err:#?}");
            }
        };
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("first line {first:?} is not `listening on IP:PORT`"));
        Running {
            child: Some(child),
            pid,
            addr,
            stdout,
            stderr,
            seen: Vec::new(),
        }
    }

    /// Our server, with `args` after `--port 0`.
    fn server(args: &[&str]) -> Running {
        let mut command = Command::new(SERVER);
        command.args(["--port", "0"]).args(args);
        Running::start(command)
    }

    /// Waits for a stderr line containing `needle`; returns it.
    fn expect_stderr(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!("no stderr line with {needle:?}; saw: {:#?}", self.seen),
            }
        }
    }

    /// Waits for a stdout line containing `needle` (after the first line); returns it.
    fn expect_stdout(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => panic!("no stdout line with {needle:?}; saw: {seen:#?}"),
            }
        }
    }

    /// Sends a signal (`INT` for Ctrl-C) to the process.
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits, with the deadline, for the process to exit.
    fn wait_exit(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("not waited for yet");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        match rx.recv_timeout(DEADLINE) {
            Ok(status) => status.expect("waiting for the server"),
            Err(_) => {
                kill_pid(self.pid);
                panic!("the server did not exit within {DEADLINE:?}");
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What a finished client printed.
struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `program` with `args`, `input` on its stdin, and waits (with the deadline).
fn run(program: impl AsRef<Path>, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(program.as_ref())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    thread::spawn(move || {
        // A program that exits without reading all its input closes the pipe: fine.
        let _ = stdin.write_all(&input);
    });
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(DEADLINE) {
        Ok(out) => out.expect("waiting for the program"),
        Err(_) => {
            kill_pid(pid);
            panic!(
                "{} {args:?} did not finish within {DEADLINE:?}",
                program.as_ref().display()
            );
        }
    };
    Output {
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs our client against `addr` with `args` after the address.
fn client(addr: SocketAddr, args: &[&str]) -> Output {
    client_with_input(addr, args, b"")
}

fn client_with_input(addr: SocketAddr, args: &[&str], input: &[u8]) -> Output {
    let target = addr.to_string();
    let mut all = vec![target.as_str()];
    all.extend_from_slice(args);
    run(CLIENT, &all, input)
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        out.stdout,
        out.stderr
    );
}

/// A raw connection to `addr` with read and write deadlines.
fn raw(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connects");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Sends `bytes`, half-closes, and returns everything received until the server closes.
fn round_trip(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = raw(addr);
    stream.write_all(bytes).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap();
    got
}

// ---------------------------------------------------------------------------------------
// Our client and our server
// ---------------------------------------------------------------------------------------

#[test]
fn echo_round_trip_utf8() {
    let mut server = Running::server(&[]);
    let out = client(server.addr, &["hello", "你好, world"]);
    assert_success(&out);
    assert_eq!(out.stdout, "hello\n你好, world\n");
    // The server shows each message, decoded.
    server.expect_stderr("5 bytes: hello");
    server.expect_stderr("你好, world");
    server.expect_stderr("disconnected: the client closed the connection");
}

#[test]
fn echo_round_trip_gbk() {
    let mut server = Running::server(&["--encoding", "gbk"]);
    let out = client(server.addr, &["--encoding", "gbk", "--hex", "你好"]);
    assert_success(&out);
    // The bytes on the wire were GBK: c4 e3 ba c3.
    assert_eq!(out.stdout, "你好  [c4 e3 ba c3]\n");
    server.expect_stderr("4 bytes: 你好");

    // The same from a raw socket: GBK bytes out, the same bytes back.
    let gbk = encode("中文 GBK 测试", Encoding::Gbk).unwrap();
    assert_eq!(round_trip(server.addr, &gbk), gbk);
    server.expect_stderr("中文 GBK 测试");
}

#[test]
fn utf8_text_shown_by_a_gbk_server_is_mojibake_not_a_crash() {
    let mut server = Running::server(&["--encoding", "gbk"]);
    let out = client(server.addr, &["你好"]); // the client sends UTF-8
    assert_success(&out);
    assert_eq!(out.stdout, "你好\n"); // the echo is of bytes: unchanged
    server.expect_stderr("浣犲ソ"); // what UTF-8 bytes look like read as GBK
}

#[test]
fn the_echo_is_of_bytes_even_when_they_are_not_text() {
    let mut server = Running::server(&[]);
    let all: Vec<u8> = (0..=255).rev().collect();
    assert_eq!(round_trip(server.addr, &all), all);
    // The log shows the bad bytes as \xNN instead of failing (ff fe ... come first).
    server.expect_stderr(r"256 bytes: \xff\xfe");
}

#[test]
fn upper_case_replies() {
    let server = Running::server(&["--upper"]);
    let out = client(server.addr, &["hello 你好 straße"]);
    assert_success(&out);
    assert_eq!(out.stdout, "HELLO 你好 STRASSE\n");
}

#[test]
fn upper_case_on_gbk_keeps_every_character_whole() {
    let server = Running::server(&["--upper", "--encoding", "gbk"]);
    // 乤 is 81 61 in GBK: Python's bytes.upper() would turn its 61 ('a') into 41.
    let sent = encode("abc 乤 中文", Encoding::Gbk).unwrap();
    let got = round_trip(server.addr, &sent);
    assert_eq!(got, encode("ABC 乤 中文", Encoding::Gbk).unwrap());
}

#[test]
fn fixed_reply() {
    let server = Running::server(&["--reply", "收到！"]);
    let out = client(server.addr, &["hi"]);
    assert_success(&out);
    assert_eq!(out.stdout, "收到！\n");
}

#[test]
fn fixed_reply_in_gbk() {
    let server = Running::server(&["--reply", "收到！", "--encoding", "gbk"]);
    let got = round_trip(server.addr, b"x");
    assert_eq!(got, encode("收到！", Encoding::Gbk).unwrap());
    let out = client(server.addr, &["--encoding", "gbk", "hello"]);
    assert_success(&out);
    assert_eq!(out.stdout, "收到！\n");
}

#[test]
fn ipv6_loopback() {
    if TcpListener::bind("[::1]:0").is_err() {
        e2e::skip_because("ipv6_loopback", "this machine has no IPv6 loopback (::1)");
        return;
    }
    let mut server = Running::server(&["--bind", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let out = client(server.addr, &["over IPv6"]); // [::1]:PORT
    assert_success(&out);
    assert_eq!(out.stdout, "over IPv6\n");
    // The log names the client once, in brackets: `[::1]:PORT connected`, not `[[::1]:PORT]`.
    let line = server.expect_stderr("connected");
    assert!(line.starts_with("[::1]:"), "{line}");
    assert!(!line.contains("[["), "{line}");
}

#[test]
fn clients_that_leave_at_once_do_not_stop_the_server() {
    let mut server = Running::server(&[]);
    // Connects and closes without a word (FIN): recv returns 0 at once.
    drop(raw(server.addr));
    server.expect_stderr("disconnected: the client closed the connection (0 bytes");
    // Connects and resets (RST, as a crashed client's system would): an error, logged.
    let rude = raw(server.addr);
    socket2::SockRef::from(&rude)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(rude);
    server.expect_stderr("reset");
    // Sends and vanishes without reading the echo.
    let mut gone = raw(server.addr);
    gone.write_all(b"bye").unwrap();
    drop(gone);
    // And the next client is served as usual.
    let out = client(server.addr, &["next"]);
    assert_success(&out);
    assert_eq!(out.stdout, "next\n");
}

#[test]
fn a_client_that_never_reads_is_dropped_after_the_write_timeout() {
    // An echo server writing to a client that does not read: the client's receive buffer
    // fills, then the server's send buffer, and then the server's send() blocks. A
    // single-threaded server blocked there would never serve anyone again. The server's
    // write timeout (1 s here) makes that send() fail instead: the server hangs up on this
    // client and goes back to accept() for the next.
    let mut server = Running::server(&["--write-timeout", "1"]);

    // A small receive buffer on the flooding side only makes its side fill sooner.
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(server.addr),
        socket2::Type::STREAM,
        None,
    )
    .unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&server.addr.into()).unwrap();
    let flood = TcpStream::from(socket);
    flood.set_write_timeout(Some(DEADLINE)).unwrap();

    // Sends 1 MiB after 1 MiB and never reads. How much fits in the kernels' buffers
    // (both sides' send and receive buffers, which Linux grows on its own) is not known
    // in advance, so it goes on until the server gives up and its reset makes a write fail.
    let flooder = thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        let mut sent = 0usize;
        while sent < (1 << 30) {
            if let Err(e) = (&flood).write_all(&chunk) {
                return Some((sent, e));
            }
            sent += chunk.len();
        }
        None // 1 GiB accepted without a stall: the server never stopped reading
    });

    server.expect_stderr("stopped reading");
    let (sent, err) = flooder
        .join()
        .unwrap()
        .expect("the server gave up on the flooding client");
    assert!(sent >= 1 << 20, "only {sent} bytes went out before {err}");

    // The server is free again.
    let out = client(server.addr, &["next"]);
    assert_success(&out);
    assert_eq!(out.stdout, "next\n");
}

#[test]
fn stdin_mode_sends_lines_and_half_closes() {
    let server = Running::server(&[]);
    // Many lines: the client sends them all, half-closes, and must still print every
    // echo that was on its way (the half-close stops our sending, not our receiving).
    let lines: Vec<String> = (0..300).map(|i| format!("line {i} 你好")).collect();
    let input = lines.join("\n") + "\n";
    let out = client_with_input(server.addr, &[], input.as_bytes());
    assert_success(&out);
    // Replies are printed one line per piece received, and pieces do not follow lines
    // (TCP keeps no boundaries): joined, they are the input without its line endings.
    assert_eq!(out.stdout.replace('\n', ""), lines.concat());
    assert!(out.stderr.contains("half-close"), "{}", out.stderr);
    assert!(
        out.stderr.contains("the server closed the connection"),
        "{}",
        out.stderr
    );
}

#[test]
fn stdin_mode_with_hex_and_gbk() {
    let server = Running::server(&[]);
    let out = client_with_input(
        server.addr,
        &["--encoding", "gbk", "--hex"],
        "你好\r\n".as_bytes(),
    );
    assert_success(&out);
    assert_eq!(out.stdout, "你好  [c4 e3 ba c3]\n");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["--port", "http"][..],
        &["--port", "65536"],
        &["--bind", "localhost"],
        &["--encoding", "klingon"],
        &["--upper", "--reply", "x"],
        &["--reply", "😀", "--encoding", "gbk"],
        &["--reply", ""],
        &["--idle-timeout", "0"],
        &["--write-timeout", "-1"],
        &["--no-such-option"],
    ] {
        let out = run(SERVER, args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "server {args:?}: {}",
            out.stderr
        );
    }
    for args in [
        &[][..],
        &["localhost"],
        &["::1:8888"],
        &["127.0.0.1:0"],
        &["127.0.0.1:8888", "--timeout", "0"],
        &["127.0.0.1:8888", "--encoding", "klingon"],
    ] {
        let out = run(CLIENT, args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "client {args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn runtime_failures_exit_1_with_a_message() {
    // A port already taken.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(SERVER, &["--port", &port], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.starts_with("error: could not bind"),
        "{}",
        out.stderr
    );

    // Nobody listening.
    let addr = taken.local_addr().unwrap();
    drop(taken);
    let out = client(addr, &["hello"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("could not connect"), "{}", out.stderr);

    // A message the encoding cannot write.
    let server = Running::server(&[]);
    let out = client(server.addr, &["--encoding", "gbk", "😀"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("cannot encode"), "{}", out.stderr);
}

#[test]
#[cfg(unix)]
fn ctrl_c_stops_an_idle_server_with_exit_0() {
    let mut server = Running::server(&[]);
    server.signal("INT");
    assert_eq!(server.wait_exit().code(), Some(0));
    server.expect_stderr("stopped");
}

#[test]
#[cfg(unix)]
fn ctrl_c_lets_the_current_client_finish_then_hangs_up() {
    let mut server = Running::server(&[]);
    let mut stream = raw(server.addr);
    stream.write_all(b"hi").unwrap();
    let mut buf = [0u8; 2];
    stream.read_exact(&mut buf).unwrap(); // being served now
    server.signal("INT");
    // The client stays; after the grace period the server hangs up and exits 0.
    assert_eq!(server.wait_exit().code(), Some(0));
    assert_eq!(
        stream.read(&mut buf).unwrap(),
        0,
        "the server closed our connection"
    );
    server.expect_stderr("hung up: still connected 2 s after Ctrl-C");
}

// ---------------------------------------------------------------------------------------
// Real peers: Python programs written as the course writes them, and nc
// ---------------------------------------------------------------------------------------

/// The course's 5-step client. It reads the reply in a loop rather than with one
/// `recv(1024)`, so the test does not depend on how TCP cuts the bytes.
const PYTHON_CLIENT: &str = r#"
import socket
import sys

if __name__ == '__main__':
    host, port, message, encoding = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    # 1. 创建客户端套接字对象
    tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # 2. 和服务器端套接字建立连接
    tcp_client_socket.connect((host, port))
    # 3. 发送数据
    send_data = message.encode(encoding)
    tcp_client_socket.sendall(send_data)
    # 4. 接收数据
    recv_data = b''
    while len(recv_data) < len(send_data):
        chunk = tcp_client_socket.recv(1024)
        if not chunk:
            break
        recv_data += chunk
    print(recv_data.decode(encoding))
    # 5. 关闭客户端套接字
    tcp_client_socket.close()
"#;

/// The course's 7-step server (the version that loops until the client closes), on
/// loopback and port 0, announcing its address; it serves one client and exits.
const PYTHON_SERVER: &str = r#"
import socket
import sys

encoding = sys.argv[1]
# 1. 创建socket对象 TCP
tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)
# 2. bind IP地址和端口号
tcp_server_socket.bind(("127.0.0.1", 0))
# 3. listen 变为被动模式
tcp_server_socket.listen(128)
print("listening on %s:%d" % tcp_server_socket.getsockname(), flush=True)
# 4. accept 等待客户端的接入
tcp_client_socket, ip_port = tcp_server_socket.accept()
print("有新的客户端接入：", ip_port, flush=True)
while True:
    # 5. 接收数据
    recv_data = tcp_client_socket.recv(1024)
    if recv_data:
        print("收到客户端的消息：", recv_data.decode(encoding), flush=True)
        # 6. 发送数据
        tcp_client_socket.sendall("收到！".encode(encoding))
    else:
        print("客户端已断开：", ip_port, flush=True)
        tcp_client_socket.close()
        break
# 7. 关闭socket对象
tcp_server_socket.close()
"#;

#[test]
fn python_client_with_our_server() {
    let Some(python) = e2e::python3("python_client_with_our_server") else {
        return;
    };
    for encoding in ["utf-8", "gbk"] {
        let mut server = Running::server(&["--encoding", encoding]);
        let port = server.addr.port().to_string();
        let out = run(
            &python,
            &[
                "-c",
                PYTHON_CLIENT,
                "127.0.0.1",
                &port,
                "你好，服务器 hello",
                encoding,
            ],
            b"",
        );
        assert_success(&out);
        assert_eq!(out.stdout, "你好，服务器 hello\n", "{encoding}");
        server.expect_stderr("你好，服务器 hello");
        server.expect_stderr("disconnected: the client closed the connection");
    }
}

#[test]
fn python_client_with_our_upper_server() {
    let Some(python) = e2e::python3("python_client_with_our_upper_server") else {
        return;
    };
    let server = Running::server(&["--upper"]);
    let port = server.addr.port().to_string();
    let out = run(
        &python,
        &["-c", PYTHON_CLIENT, "127.0.0.1", &port, "hello", "utf-8"],
        b"",
    );
    assert_success(&out);
    assert_eq!(out.stdout, "HELLO\n");
}

#[test]
fn our_client_with_python_server() {
    let Some(python) = e2e::python3("our_client_with_python_server") else {
        return;
    };
    for encoding in ["utf-8", "gbk"] {
        let mut command = Command::new(&python);
        command.args(["-c", PYTHON_SERVER, encoding]);
        let mut server = Running::start(command);
        let out = client(server.addr, &["--encoding", encoding, "你好"]);
        assert_success(&out);
        assert_eq!(out.stdout, "收到！\n", "{encoding}");
        server.expect_stdout("收到客户端的消息： 你好");
        // Our half-close is what makes the course's server see b'' and close.
        server.expect_stdout("客户端已断开");
        assert_eq!(server.wait_exit().code(), Some(0));
    }
}

#[test]
fn nc_with_our_server() {
    let Some(nc) = e2e::tool("nc") else {
        e2e::skip("nc_with_our_server", "nc");
        return;
    };
    let server = Running::server(&[]);
    let mut child = Command::new(nc)
        .args(["127.0.0.1", &server.addr.port().to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("nc starts");
    let lines = lines_of(child.stdout.take().expect("stdout is piped"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all("hello from nc 你好\n".as_bytes()).unwrap();
    stdin.flush().unwrap();
    // nc variants differ in what they do at the end of input, so we do not rely on it:
    // we wait for the echo, then end nc ourselves.
    let line = lines.recv_timeout(DEADLINE);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(line.expect("nc printed the echo"), "hello from nc 你好");
}
