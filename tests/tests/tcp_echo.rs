//! Lesson 5 (TCP) end to end: the real `tcp-echo-server` and `tcp-echo-client` processes,
//! talking to each other, to raw sockets, to Python programs written as the course writes
//! them, and to `nc`. Everything runs on loopback; servers use `--port 0` and announce their
//! address on their first line; every wait has a deadline, none is a sleep.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use e2e::{
    assert_took, flood, interrupt, line_containing, lines_of, listening_address, program, python3,
    run, run_command, seconds_in, skip, skip_because, tcp_connect, tcp_round_trip, tool, trickle,
    Output, Server, Trickled,
};

const SERVER: &str = "tcp-echo-server";
const CLIENT: &str = "tcp-echo-client";

/// The longest any single wait may take before the test fails. Healthy runs take
/// milliseconds; the deadline only turns a hang into a clear failure.
const DEADLINE: Duration = Duration::from_secs(30);

// Text in GBK, as the course's `'...'.encode('gbk')` gives it: golden bytes, checked
// against CPython by `gbk_golden_bytes_are_what_python_encodes`.

/// `中文 GBK 测试`
const CHINESE_GBK_TEST_GBK: &[u8] = b"\xd6\xd0\xce\xc4 GBK \xb2\xe2\xca\xd4";
/// `abc 乤 中文`: 乤 is 81 61, its second byte an ASCII `a`.
const ABC_GBK: &[u8] = b"abc \x81\x61 \xd6\xd0\xce\xc4";
/// `ABC 乤 中文`
const ABC_UPPER_GBK: &[u8] = b"ABC \x81\x61 \xd6\xd0\xce\xc4";
/// `收到！`
const SHOU_DAO_GBK: &[u8] = b"\xca\xd5\xb5\xbd\xa3\xa1";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Our server on `--port 0` with `args`, its log (stderr) kept for the test.
fn server(args: &[&str]) -> Server {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    Server::start_logged(SERVER, all).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Waits for a line of the server's log containing `needle`; returns it.
fn expect_stderr(server: &Server, needle: &str) -> String {
    line_containing(server.stderr(), needle, DEADLINE)
}

/// Runs our client against `addr` with `args` after the address.
fn client(addr: SocketAddr, args: &[&str]) -> Output {
    client_with_input(addr, args, b"")
}

/// Runs our client against `addr` with `args` after the address and `input` on its stdin.
fn client_with_input(addr: SocketAddr, args: &[&str], input: &[u8]) -> Output {
    let mut command = Command::new(program(CLIENT));
    command.arg(addr.to_string()).args(args);
    run_command(command, input, DEADLINE)
}

/// Fails the test, showing what the program printed, unless it exited with status 0.
fn assert_success(out: &Output) {
    assert!(
        out.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.code,
        out.stdout,
        out.stderr
    );
}

/// Fails the test, showing what the program printed, unless it exited with status 1 and
/// said `needle` on stderr.
fn assert_error(out: &Output, needle: &str) {
    assert!(
        out.code == Some(1) && out.stderr.contains(needle),
        "expected exit 1 and {needle:?}; exit {:?}\nstdout: {}\nstderr: {}",
        out.code,
        out.stdout,
        out.stderr
    );
}

/// Sends `bytes`, half-closes, and returns everything received until the server closes.
fn round_trip(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    tcp_round_trip(addr, bytes, DEADLINE)
}

// ---------------------------------------------------------------------------------------
// Our client and our server
// ---------------------------------------------------------------------------------------

#[test]
fn echo_round_trip_utf8() {
    let server = server(&[]);
    let out = client(server.addr, &["hello", "你好, world"]);
    assert_success(&out);
    assert_eq!(out.stdout, "hello\n你好, world\n");
    // The server shows each message, decoded.
    expect_stderr(&server, "5 bytes: hello");
    expect_stderr(&server, "你好, world");
    expect_stderr(&server, "disconnected: the client closed the connection");
}

#[test]
fn echo_round_trip_gbk() {
    let server = server(&["--encoding", "gbk"]);
    let out = client(server.addr, &["--encoding", "gbk", "--hex", "你好"]);
    assert_success(&out);
    // The bytes on the wire were GBK: c4 e3 ba c3.
    assert_eq!(out.stdout, "你好  [c4 e3 ba c3]\n");
    expect_stderr(&server, "4 bytes: 你好");

    // The same from a raw socket: GBK bytes out, the same bytes back.
    let gbk = CHINESE_GBK_TEST_GBK;
    assert_eq!(round_trip(server.addr, gbk), gbk);
    expect_stderr(&server, "中文 GBK 测试");
}

#[test]
fn utf8_text_shown_by_a_gbk_server_is_mojibake_not_a_crash() {
    let server = server(&["--encoding", "gbk"]);
    let out = client(server.addr, &["你好"]); // the client sends UTF-8
    assert_success(&out);
    assert_eq!(out.stdout, "你好\n"); // the echo is of bytes: unchanged
    expect_stderr(&server, "浣犲ソ"); // what UTF-8 bytes look like read as GBK
}

#[test]
fn the_echo_is_of_bytes_even_when_they_are_not_text() {
    let server = server(&[]);
    let all: Vec<u8> = (0..=255).rev().collect();
    assert_eq!(round_trip(server.addr, &all), all);
    // The log shows the bad bytes as \xNN instead of failing (ff fe ... come first).
    expect_stderr(&server, r"256 bytes: \xff\xfe");
}

#[test]
fn upper_case_replies() {
    let server = server(&["--upper"]);
    let out = client(server.addr, &["hello 你好 straße"]);
    assert_success(&out);
    assert_eq!(out.stdout, "HELLO 你好 STRASSE\n");
}

#[test]
fn upper_case_on_gbk_keeps_every_character_whole() {
    let server = server(&["--upper", "--encoding", "gbk"]);
    // 乤 is 81 61 in GBK: Python's bytes.upper() would turn its 61 ('a') into 41.
    let got = round_trip(server.addr, ABC_GBK);
    assert_eq!(got, ABC_UPPER_GBK);
}

#[test]
fn fixed_reply() {
    let server = server(&["--reply", "收到！"]);
    let out = client(server.addr, &["hi"]);
    assert_success(&out);
    assert_eq!(out.stdout, "收到！\n");
}

#[test]
fn fixed_reply_in_gbk() {
    let server = server(&["--reply", "收到！", "--encoding", "gbk"]);
    let got = round_trip(server.addr, b"x");
    assert_eq!(got, SHOU_DAO_GBK);
    let out = client(server.addr, &["--encoding", "gbk", "hello"]);
    assert_success(&out);
    assert_eq!(out.stdout, "收到！\n");
}

#[test]
fn ipv6_loopback() {
    if TcpListener::bind("[::1]:0").is_err() {
        skip_because("ipv6_loopback", "this machine has no IPv6 loopback (::1)");
        return;
    }
    let server = server(&["--bind", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let out = client(server.addr, &["over IPv6"]); // [::1]:PORT
    assert_success(&out);
    assert_eq!(out.stdout, "over IPv6\n");
    // The log names the client once, in brackets: `[::1]:PORT connected`, not `[[::1]:PORT]`.
    let line = expect_stderr(&server, "connected");
    assert!(line.starts_with("[::1]:"), "{line}");
    assert!(!line.contains("[["), "{line}");
}

#[test]
fn clients_that_leave_at_once_do_not_stop_the_server() {
    let server = server(&[]);
    // Connects and closes without a word (FIN): recv returns 0 at once.
    drop(tcp_connect(server.addr, DEADLINE));
    expect_stderr(
        &server,
        "disconnected: the client closed the connection (0 bytes",
    );
    // Resets (RST, as a crashed client's system would): an error, logged. Closing a socket
    // with bytes still unread in it makes the system reset the connection instead of
    // closing it, so the client waits for its echo (peek leaves it unread) and closes.
    let rude = tcp_connect(server.addr, DEADLINE);
    (&rude).write_all(b"x").unwrap();
    assert_eq!(rude.peek(&mut [0u8; 1]).unwrap(), 1, "the echo arrived");
    drop(rude);
    expect_stderr(&server, "reset");
    // Sends and vanishes without reading the echo.
    let mut gone = tcp_connect(server.addr, DEADLINE);
    gone.write_all(b"bye").unwrap();
    drop(gone);
    // And the next client is served as usual.
    let out = client(server.addr, &["next"]);
    assert_success(&out);
    assert_eq!(out.stdout, "next\n");
}

#[test]
fn a_client_that_never_reads_is_dropped_once_the_write_deadline_passes() {
    // An echo server writing to a client that does not read: the client's receive buffer
    // fills, then the server's send buffer, and then the server's send() blocks. A
    // single-threaded server blocked there would never serve anyone again. The write
    // timeout is a deadline for the whole reply (2 s here): however many send() calls the
    // reply takes, the server hangs up on this client by then and goes back to accept().
    let server = server(&["--write-timeout", "2"]);
    let flooded = flood(server.addr, DEADLINE);
    assert!(
        flooded.sent >= 1 << 20,
        "only {} bytes went out",
        flooded.sent
    );
    assert_took("hanging up", flooded.after, Duration::from_secs(2));

    // The log says how long the reply really waited.
    let line = expect_stderr(&server, "stopped reading");
    let waited = Duration::from_secs_f64(seconds_in(&line, "a reply waited "));
    assert_took("the reply's wait", waited, Duration::from_secs(2));
    assert!(
        line.contains("for room in the send buffer: hung up"),
        "{line}"
    );

    // The server is free again.
    let out = client(server.addr, &["next"]);
    assert_success(&out);
    assert_eq!(out.stdout, "next\n");
}

#[test]
fn a_trickling_client_is_not_cut_at_the_idle_timeout() {
    // One byte every quarter of a second for 5 s, against an idle timeout of 2 s: every
    // byte starts the idle timer again, so the client is never idle, however long it stays.
    let server = server(&["--idle-timeout", "2"]);
    let stream = tcp_connect(server.addr, DEADLINE);
    let ended = trickle(&stream, Duration::from_millis(250), Duration::from_secs(5));
    assert_eq!(ended, Trickled::StillOpen);
    // Still connected, still answered.
    (&stream).write_all(b"done").unwrap();
    let mut echo = [0u8; 4];
    (&stream).read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"done");
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    expect_stderr(&server, "disconnected: the client closed the connection");
}

#[test]
fn a_trickling_client_is_cut_at_the_max_connection_time() {
    let server = server(&["--idle-timeout", "30", "--max-connection-time", "2"]);
    let stream = tcp_connect(server.addr, DEADLINE);
    let ended = trickle(&stream, Duration::from_millis(250), DEADLINE);
    let Trickled::HungUp(after) = ended else {
        panic!("still connected after {DEADLINE:?}")
    };
    assert_took("hanging up", after, Duration::from_secs(2));
    expect_stderr(
        &server,
        "dropped: the connection reached its time limit of 2 s: hung up",
    );
    // The one-client-at-a-time server is free for the next.
    let out = client(server.addr, &["next"]);
    assert_success(&out);
    assert_eq!(out.stdout, "next\n");
}

#[test]
fn the_client_trickles_one_byte_at_a_time() {
    let server = server(&[]);
    let out = client(server.addr, &["--trickle", "1", "abc"]);
    assert_success(&out);
    assert_eq!(out.stdout, "abc\n");
    assert!(
        out.stderr
            .contains("sending message 1 one byte at a time, one every 1 second"),
        "{}",
        out.stderr
    );
    for byte in ["1 byte: a", "1 byte: b", "1 byte: c"] {
        expect_stderr(&server, byte);
    }
    expect_stderr(&server, "(3 bytes received in 3 pieces, 3 bytes sent)");
}

#[test]
fn a_trickling_client_hung_up_on_says_how_far_it_got() {
    // Bytes at 0, 2 and 4 s; the server hangs up at 1 s, between the first two.
    let server = server(&["--max-connection-time", "1"]);
    let out = client(server.addr, &["--trickle", "2", "abc"]);
    assert_error(
        &out,
        "error: the server closed the connection after 1 of the 3 bytes of message 1",
    );
    assert_eq!(out.stdout, "a\n", "the echo of the one byte sent");
}

#[test]
fn the_client_gives_up_connecting_after_its_connect_timeout() {
    // A listener with a backlog of 0 whose queue is full: the system drops further SYNs,
    // as a firewall would, and a connect() gets no answer at all.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let mut queued = Vec::new();
    loop {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == ErrorKind::TimedOut => break,
            Err(e) => panic!("filling the backlog: {e}"),
        }
        assert!(queued.len() < 64, "the backlog never filled");
    }
    // 1 s to connect, 60 s for replies: the client must give up within the test's
    // deadline (30 s), so it is the connect timeout that ended the wait.
    let out = client(
        addr,
        &["--connect-timeout", "1", "--timeout", "60", "hello"],
    );
    assert_error(
        &out,
        &format!("error: could not connect to {addr}: timed out"),
    );
    assert!(out.stderr.contains("(no answer: "), "{}", out.stderr);
}

#[test]
fn the_client_gives_up_waiting_for_a_reply_after_its_timeout() {
    // The system completes the handshake for a listener that never accepts: the client is
    // connected, sends, and no reply ever comes.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let out = client(
        addr,
        &["--timeout", "1", "--connect-timeout", "60", "hello"],
    );
    assert_error(&out, "error: no reply to message 1 within 1 s");
}

#[test]
fn stdin_mode_sends_lines_and_half_closes() {
    let server = server(&[]);
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
    let server = server(&[]);
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
        &["--max-connection-time", "0"],
        &["--no-such-option"],
    ] {
        let out = run(SERVER, args);
        assert_eq!(out.code, Some(2), "server {args:?}: {}", out.stderr);
    }
    for args in [
        &[][..],
        &["localhost"],
        &["::1:8888"],
        &["127.0.0.1:0"],
        &["127.0.0.1:8888", "--timeout", "0"],
        &["127.0.0.1:8888", "--connect-timeout", "0"],
        &["127.0.0.1:8888", "--trickle", "0", "hi"],
        &["127.0.0.1:8888", "--trickle", "1"], // trickles messages: needs some
        &["127.0.0.1:8888", "--encoding", "klingon"],
    ] {
        let out = run(CLIENT, args);
        assert_eq!(out.code, Some(2), "client {args:?}: {}", out.stderr);
    }
}

#[test]
fn runtime_failures_exit_1_with_a_message() {
    // A port already taken.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(SERVER, ["--port", &port]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.starts_with("error: could not bind"),
        "{}",
        out.stderr
    );

    // Nobody listening.
    let addr = taken.local_addr().unwrap();
    drop(taken);
    let out = client(addr, &["hello"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("could not connect"), "{}", out.stderr);

    // A message the encoding cannot write.
    let server = server(&[]);
    let out = client(server.addr, &["--encoding", "gbk", "😀"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("cannot encode"), "{}", out.stderr);
}

#[test]
#[cfg(unix)]
fn ctrl_c_stops_an_idle_server_with_exit_0() {
    let mut server = server(&[]);
    interrupt(server.child());
    assert_eq!(server.wait_exit(DEADLINE).code(), Some(0));
    expect_stderr(&server, "stopped");
}

#[test]
#[cfg(unix)]
fn ctrl_c_lets_the_current_client_finish_then_hangs_up() {
    let mut server = server(&[]);
    let mut stream = tcp_connect(server.addr, DEADLINE);
    stream.write_all(b"hi").unwrap();
    let mut buf = [0u8; 2];
    stream.read_exact(&mut buf).unwrap(); // being served now
    interrupt(server.child());
    // The client stays; after the grace period the server hangs up and exits 0.
    assert_eq!(server.wait_exit(DEADLINE).code(), Some(0));
    assert_eq!(
        stream.read(&mut buf).unwrap(),
        0,
        "the server closed our connection"
    );
    expect_stderr(
        &server,
        "hung up: still connected 2 s after the server began to stop",
    );
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

/// Runs the course's client with python3 against port `port` on 127.0.0.1.
fn python_client(python: &Path, port: u16, message: &str, encoding: &str) -> Output {
    let mut command = Command::new(python);
    command.args([
        "-c",
        PYTHON_CLIENT,
        "127.0.0.1",
        &port.to_string(),
        message,
        encoding,
    ]);
    run_command(command, b"", DEADLINE)
}

#[test]
fn python_client_with_our_server() {
    let Some(python) = python3("python_client_with_our_server") else {
        return;
    };
    for encoding in ["utf-8", "gbk"] {
        let server = server(&["--encoding", encoding]);
        let out = python_client(&python, server.addr.port(), "你好，服务器 hello", encoding);
        assert_success(&out);
        assert_eq!(out.stdout, "你好，服务器 hello\n", "{encoding}");
        expect_stderr(&server, "你好，服务器 hello");
        expect_stderr(&server, "disconnected: the client closed the connection");
    }
}

#[test]
fn python_client_with_our_upper_server() {
    let Some(python) = python3("python_client_with_our_upper_server") else {
        return;
    };
    let server = server(&["--upper"]);
    let out = python_client(&python, server.addr.port(), "hello", "utf-8");
    assert_success(&out);
    assert_eq!(out.stdout, "HELLO\n");
}

#[test]
fn our_client_with_python_server() {
    let Some(python) = python3("our_client_with_python_server") else {
        return;
    };
    for encoding in ["utf-8", "gbk"] {
        let mut command = Command::new(&python);
        command.args(["-c", PYTHON_SERVER, encoding]);
        let mut server = Server::start_command("the course's Python server", command)
            .unwrap_or_else(|e| panic!("{e:#}"));
        let out = client(server.addr, &["--encoding", encoding, "你好"]);
        assert_success(&out);
        assert_eq!(out.stdout, "收到！\n", "{encoding}");
        line_containing(&server.lines, "收到客户端的消息： 你好", DEADLINE);
        // Our half-close is what makes the course's server see b'' and close.
        line_containing(&server.lines, "客户端已断开", DEADLINE);
        assert_eq!(server.wait_exit(DEADLINE).code(), Some(0));
    }
}

#[test]
fn nc_with_our_server() {
    let Some(nc) = tool("nc") else {
        skip("nc_with_our_server", "nc");
        return;
    };
    let server = server(&[]);
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

#[test]
fn gbk_golden_bytes_are_what_python_encodes() {
    let Some(python) = python3("gbk_golden_bytes_are_what_python_encodes") else {
        return;
    };
    for (text, gbk) in [
        ("中文 GBK 测试", CHINESE_GBK_TEST_GBK),
        ("abc 乤 中文", ABC_GBK),
        ("ABC 乤 中文", ABC_UPPER_GBK),
        ("收到！", SHOU_DAO_GBK),
    ] {
        let mut command = Command::new(&python);
        command.args([
            "-c",
            "import sys; print(sys.argv[1].encode('gbk').hex())",
            text,
        ]);
        let out = run_command(command, b"", DEADLINE);
        assert_success(&out);
        let hex: String = gbk.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(out.stdout.trim(), hex, "{text}");
    }
}

#[test]
fn ctrl_c_stops_the_server_even_when_its_stderr_is_closed() {
    // Nobody reads the server's log: the pipe's read end is closed before the server is
    // interrupted, so whatever it prints on stderr fails (EPIPE). The Ctrl-C handler
    // prints before it stops the server; that failure must not keep the server running.
    let mut child = Command::new(program(SERVER))
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting tcp-echo-server");
    drop(child.stderr.take());
    let stdout = child.stdout.take().expect("piped stdout");
    let (_rest, _addr) = listening_address(stdout, DEADLINE);
    interrupt(&child);
    let until = std::time::Instant::now() + DEADLINE;
    loop {
        if child.try_wait().expect("waiting for the server").is_some() {
            break;
        }
        if std::time::Instant::now() >= until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not stop within {DEADLINE:?} of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
