//! Lesson 6 (UDP) end to end: `udp-send`, `udp-recv`, `udp-echo-server` and
//! `udp-broadcast` as real processes, with each other, with plain sockets, and with
//! Python programs written the way the course writes them. Loopback only: broadcasts go
//! to 127.255.255.255, loopback's own broadcast address.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use e2e::{interrupt, loopback_udp, program, python3, run, skip_because, Server};

/// Only fails a hung test; nothing waits this long when things work.
const DEADLINE: Duration = Duration::from_secs(20);

/// The next line the server prints, or a failure naming what was expected.
fn next_line(server: &Server, what: &str) -> String {
    e2e::next_line(&server.lines, DEADLINE, what)
}

/// Waits for the server to exit and returns its exit code.
fn exit_code(server: &mut Server) -> Option<i32> {
    server
        .child()
        .wait()
        .expect("waiting for the server")
        .code()
}

/// A plain UDP socket on loopback whose reads fail a hung test instead of hanging.
fn client() -> UdpSocket {
    loopback_udp(DEADLINE)
}

/// The `IP:PORT` in udp-send's `sending from IP:PORT (...)` line.
fn sending_from(stdout: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("sending from "))
        .unwrap_or_else(|| panic!("no 'sending from' line in {stdout:?}"));
    line["sending from ".len()..]
        .split(' ')
        .next()
        .expect("split always yields a first piece")
        .to_string()
}

#[test]
fn send_and_receive_text_in_utf8_and_gbk() {
    let mut recv = Server::start(
        "udp-recv",
        ["--port", "0", "--count", "2", "--encoding", "gbk"],
    )
    .unwrap();
    let to = recv.addr.to_string();
    let out = run("udp-send", [&to, "你好", "hello", "--encoding", "gbk"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(&format!("sent 4 bytes to {to}")),
        "{}",
        out.stdout
    );
    let from = sending_from(&out.stdout);

    // One datagram, one line: the boundaries the sender made are kept.
    let first = next_line(&recv, "the first datagram");
    assert!(first.ends_with(&format!("UTC] {from} 你好")), "{first}");
    let second = next_line(&recv, "the second datagram");
    assert!(second.ends_with(&format!("{from} hello")), "{second}");
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 2 datagrams, 9 bytes"
    );
    assert_eq!(exit_code(&mut recv), Some(0));
}

#[test]
fn gbk_bytes_read_as_utf8_are_shown_not_crashed_on() {
    let recv = Server::start("udp-recv", ["--port", "0", "--count", "1", "--hex"]).unwrap();
    let out = run(
        "udp-send",
        [&recv.addr.to_string(), "你好", "--encoding", "gbk"],
    );
    assert!(out.success(), "{}", out.stderr);
    let line = next_line(&recv, "the datagram");
    assert!(line.contains(r"\xc4"), "{line}");
    assert!(line.ends_with("[c4 e3 ba c3]"), "{line}");
}

/// "Trojan Source": U+202E (right-to-left override) would print the rest of the line
/// back to front, and the other invisible format characters hide in it. They are shown
/// as escapes, as control characters are, by the receiver and in the echo server's log.
#[test]
fn invisible_format_characters_are_shown_escaped() {
    let sneaky = "hi \u{202e}olleh \u{200b}\u{2028}\u{feff}\u{2066}!";
    let escaped = r"hi \u{202e}olleh \u{200b}\u{2028}\u{feff}\u{2066}!";
    let raw = ['\u{202e}', '\u{200b}', '\u{2028}', '\u{feff}', '\u{2066}'];

    let recv = Server::start("udp-recv", ["--port", "0", "--count", "1"]).unwrap();
    client().send_to(sneaky.as_bytes(), recv.addr).unwrap();
    let line = next_line(&recv, "the datagram");
    assert!(line.ends_with(&format!(" {escaped}")), "{line}");
    assert!(!line.contains(raw), "{line:?}");

    let echo = Server::start_logged("udp-echo-server", ["--port", "0"]).unwrap();
    let c = client();
    c.send_to(sneaky.as_bytes(), echo.addr).unwrap();
    c.recv_from(&mut [0; 64]).expect("the echo");
    let logged = e2e::line_containing(echo.stderr(), "#1 ", DEADLINE);
    assert!(logged.ends_with(&format!(": {escaped}")), "{logged}");
    assert!(!logged.contains(raw), "{logged:?}");
}

#[test]
fn the_sender_port_is_the_systems_choice_unless_bound() {
    let recv = Server::start("udp-recv", ["--port", "0", "--count", "3"]).unwrap();
    let to = recv.addr.to_string();

    // Two runs without --bind: each is a new socket, with a port the system picked.
    let a = run("udp-send", [&to, "a"]);
    let b = run("udp-send", [&to, "b"]);
    assert!(a.success() && b.success(), "{}{}", a.stderr, b.stderr);
    assert!(
        a.stdout.contains("port chosen by the system"),
        "{}",
        a.stdout
    );
    let (from_a, from_b) = (sending_from(&a.stdout), sending_from(&b.stdout));
    assert!(next_line(&recv, "a").ends_with(&format!("{from_a} a")));
    assert!(next_line(&recv, "b").ends_with(&format!("{from_b} b")));

    // With --bind, the datagram comes from the port asked for. The port is one the
    // system just gave out and took back; another test may grab it in between, so a
    // port found in use is simply tried again with another.
    let (bound, c) = (0..20)
        .find_map(|_| {
            let port = client().local_addr().unwrap().port();
            let bound = format!("127.0.0.1:{port}");
            let c = run("udp-send", [&to, "c", "--bind", &bound]);
            let in_use = c.code == Some(1) && c.stderr.contains("could not bind");
            (!in_use).then_some((bound, c))
        })
        .expect("a free port within 20 tries");
    assert!(c.success(), "{}", c.stderr);
    assert!(c.stdout.contains("bound with --bind"), "{}", c.stdout);
    assert_eq!(sending_from(&c.stdout), bound);
    assert!(next_line(&recv, "c").ends_with(&format!("{bound} c")));
}

#[test]
fn a_small_buffer_cuts_the_datagram_and_the_rest_is_lost() {
    let mut recv =
        Server::start("udp-recv", ["--port", "0", "--buffer", "8", "--count", "2"]).unwrap();
    let out = run(
        "udp-send",
        [&recv.addr.to_string(), "a much longer message", "short"],
    );
    assert!(out.success(), "{}", out.stderr);
    let cut = next_line(&recv, "the cut datagram");
    assert!(
        cut.contains(" a much l [truncated: the datagram was 21 bytes, the buffer kept 8, the other 13 are lost]"),
        "{cut}"
    );
    // The next recvfrom gets the next datagram, not the rest of the first.
    let next = next_line(&recv, "the next datagram");
    assert!(next.ends_with(" short"), "{next}");
    assert!(!next.contains("truncated"), "{next}");
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 2 datagrams, 13 bytes"
    );
    assert_eq!(exit_code(&mut recv), Some(0));
}

#[test]
fn the_largest_datagram_goes_and_one_byte_more_is_a_clear_error() {
    let recv = Server::start("udp-recv", ["--port", "0", "--count", "1", "-q"]).unwrap();
    let to = recv.addr.to_string();
    let largest = "x".repeat(65_507);
    let out = run("udp-send", [&to, &largest]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 1 datagram, 65507 bytes"
    );

    let too_big = "x".repeat(65_508);
    let out = run("udp-send", [&to, &too_big]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("error: the message is 65508 bytes, but one UDP datagram to"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("carries at most 65507 bytes"),
        "{}",
        out.stderr
    );
}

#[test]
fn nothing_listening_is_explained_on_a_connected_socket() {
    // A port nobody listens on: held by a socket of ours until just before, so that no
    // other test can take it in the meantime.
    let holder = client();
    let to = holder.local_addr().unwrap().to_string();
    drop(holder);
    // The ICMP "port unreachable" comes back on loopback at once; --wait-reply is only
    // the deadline for a broken system.
    let out = run("udp-send", [&to, "anyone?", "--wait-reply", "20"]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stderr
            .contains(&format!("error: nothing is listening on {to}")),
        "{}",
        out.stderr
    );
}

#[test]
fn echo_server_echoes_everything_and_counts() {
    let mut server = Server::start("udp-echo-server", ["--port", "0"]).unwrap();
    let c = client();
    let mut buf = [0; 65_535];
    // Garbage and an empty datagram are valid UDP: echoed, and the server goes on.
    let datagrams: [&[u8]; 4] = [b"\xff\xfe\x00garbage", b"", "你好".as_bytes(), b"hello"];
    for data in datagrams {
        c.send_to(data, server.addr).unwrap();
        let (n, from) = c.recv_from(&mut buf).expect("an echo");
        assert_eq!(&buf[..n], data);
        assert_eq!(from, server.addr);
    }
    // Our own client, waiting for the reply.
    // --count 1 ends it as soon as the reply is in; the 30 s only stop a hung test.
    let out = run(
        "udp-send",
        [
            &server.addr.to_string(),
            "ping",
            "--wait-reply",
            "30",
            "--count",
            "1",
        ],
    );
    assert!(out.success(), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let [.., reply, summary] = lines[..] else {
        panic!("{}", out.stdout)
    };
    assert!(
        reply.ends_with(&format!("{} ping", server.addr)),
        "{}",
        out.stdout
    );
    // The count is a result too: on standard output, like udp-recv's and udp-broadcast's.
    assert_eq!(summary, "1 reply (all expected)");

    interrupt(server.child());
    let total: usize = datagrams.iter().map(|d| d.len()).sum::<usize>() + 4;
    assert_eq!(
        next_line(&server, "the final count"),
        format!("echoed 5 datagrams, {total} bytes")
    );
    assert_eq!(exit_code(&mut server), Some(0));
}

#[test]
fn ctrl_c_prints_the_summary_line_and_exits_0() {
    // Quiet, as the benchmark runs it.
    let mut recv = Server::start("udp-recv", ["--port", "0", "-q"]).unwrap();
    interrupt(recv.child());
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 0 datagrams, 0 bytes"
    );
    assert_eq!(exit_code(&mut recv), Some(0));

    // Not quiet: every datagram printed is counted.
    let mut recv = Server::start("udp-recv", ["--port", "0"]).unwrap();
    let c = client();
    c.send_to(b"one", recv.addr).unwrap();
    c.send_to(b"", recv.addr).unwrap();
    assert!(next_line(&recv, "one").ends_with(" one"));
    assert!(next_line(&recv, "the empty one").ends_with(" (empty datagram)"));
    interrupt(recv.child());
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 2 datagrams, 3 bytes"
    );
    assert_eq!(exit_code(&mut recv), Some(0));
}

#[test]
fn broadcast_reaches_a_receiver_on_loopback() {
    // A receiver bound to loopback's broadcast address gets what is sent to it, without
    // binding 0.0.0.0 (which would listen on every network).
    // Some systems do not let a socket bind a broadcast address: only that is a skip.
    if let Err(err) = UdpSocket::bind("127.255.255.255:0") {
        skip_because(
            "broadcast_reaches_a_receiver_on_loopback",
            &format!("cannot bind 127.255.255.255 here: {err}"),
        );
        return;
    }
    let mut recv = Server::start(
        "udp-recv",
        ["--bind", "127.255.255.255", "--port", "0", "--count", "2"],
    )
    .expect("udp-recv on 127.255.255.255");
    let port = recv.addr.port().to_string();
    let out = run(
        "udp-broadcast",
        [
            "hi all",
            "--to",
            "127.255.255.255",
            "--port",
            &port,
            "--wait",
            "0",
        ],
    );
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("sent 6 bytes from port "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("0 replies in 0 s\n"), "{}", out.stdout);
    assert!(next_line(&recv, "the broadcast").ends_with(" hi all"));

    // --interface lo: the directed broadcast of 127.0.0.1/8, worked out from lo's address.
    let out = run(
        "udp-broadcast",
        [
            "via lo",
            "--interface",
            "lo",
            "--port",
            &port,
            "--wait",
            "0",
        ],
    );
    if out.success() {
        assert!(out.stdout.contains("to 127.255.255.255:"), "{}", out.stdout);
        assert!(next_line(&recv, "the broadcast via lo").ends_with(" via lo"));
        assert_eq!(exit_code(&mut recv), Some(0));
    } else {
        skip_because(
            "broadcast_reaches_a_receiver_on_loopback (--interface lo)",
            &format!("no usable lo interface: {}", out.stderr.trim()),
        );
    }
}

#[test]
fn broadcast_without_so_broadcast_is_refused() {
    // Nothing is sent (the system refuses first), so any port will do.
    let port = "9".to_string();
    let out = run(
        "udp-broadcast",
        [
            "x",
            "--to",
            "127.255.255.255",
            "--port",
            &port,
            "--without-so-broadcast",
        ],
    );
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("\"Permission denied\" (EACCES)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("SO_BROADCAST"), "{}", out.stderr);
}

#[test]
fn bad_usage_exits_2() {
    let cases: [(&str, &[&str]); 13] = [
        // Too short to be a timeout (it would round to zero), not finite, negative.
        (
            "udp-send",
            &["127.0.0.1:7788", "hi", "--wait-reply", "1e-10"],
        ),
        ("udp-send", &["127.0.0.1:7788", "hi", "--wait-reply", "inf"]),
        ("udp-broadcast", &["x", "--wait", "-1"]),
        ("udp-broadcast", &["x", "--wait", "0.00001"]),
        // --count counts replies: it needs --wait-reply.
        ("udp-send", &["127.0.0.1:7788", "hi", "--count", "1"]),
        ("udp-recv", &["--port", "70000"]),
        ("udp-recv", &["--buffer", "65536"]),
        ("udp-recv", &["--count", "0"]),
        ("udp-send", &["127.0.0.1:7788"]),
        ("udp-send", &["127.0.0.1", "hi"]),
        (
            "udp-send",
            &["127.0.0.1:7788", "你好", "--encoding", "ascii"],
        ),
        ("udp-echo-server", &["--bogus"]),
        (
            "udp-broadcast",
            &["x", "--to", "127.255.255.255", "--interface", "lo"],
        ),
    ];
    for (program, args) in cases {
        let out = run(program, args);
        assert_eq!(out.code, Some(2), "{program} {args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("error:"),
            "{program} {args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_port_in_use_is_a_runtime_error() {
    let taken = client();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run("udp-recv", ["--port", &port]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("already uses this port"),
        "{}",
        out.stderr
    );
}

/// Runs a course-style Python program and returns its stdout lines as they come.
fn python_lines(
    python: &std::path::Path,
    program: &str,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(python)
        .args(["-c", program])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("starting python3");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

#[test]
fn course_python_sender_to_udp_recv() {
    let Some(python) = python3("course_python_sender_to_udp_recv") else {
        return;
    };
    let recv = Server::start(
        "udp-recv",
        ["--port", "0", "--count", "1", "--encoding", "gbk"],
    )
    .unwrap();
    let program = format!(
        r#"
from socket import *
s = socket(AF_INET, SOCK_DGRAM) #创建套接字
addr = ('127.0.0.1', {port}) #准备接收方地址
data = "你好，UDP"
s.sendto(data.encode('gbk'), addr)
print(s.getsockname()[1])
s.close()
"#,
        port = recv.addr.port()
    );
    let out = Command::new(python)
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let port = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let line = next_line(&recv, "the Python datagram");
    assert!(
        line.ends_with(&format!("127.0.0.1:{port} 你好，UDP")),
        "{line}"
    );
}

#[test]
fn udp_send_to_course_python_receiver() {
    let Some(python) = python3("udp_send_to_course_python_receiver") else {
        return;
    };
    let program = r#"
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
print(s.getsockname()[1], flush=True)
redata = s.recvfrom(1024) #1024表示本次接收的最大字节数
print(redata[0].decode('gbk'), redata[1][1], flush=True)
s.sendto('收到'.encode('gbk'), redata[1])
s.close()
"#;
    let (mut child, lines) = python_lines(&python, program);
    let port = lines
        .recv_timeout(DEADLINE)
        .expect("the Python receiver's port");
    let out = run(
        "udp-send",
        [
            &format!("127.0.0.1:{port}"),
            "吃了吗",
            "--encoding",
            "gbk",
            "--wait-reply",
            "30",
            "--count",
            "1",
        ],
    );
    assert!(out.success(), "{}", out.stderr);
    let from = sending_from(&out.stdout);
    let got = lines.recv_timeout(DEADLINE).expect("what Python received");
    assert_eq!(got, format!("吃了吗 {}", from.rsplit(':').next().unwrap()));
    assert!(
        out.stdout.contains(&format!("127.0.0.1:{port} 收到")),
        "{}",
        out.stdout
    );
    assert!(child.wait().unwrap().success());
}

#[test]
fn course_python_echo_client_to_udp_echo_server() {
    let Some(python) = python3("course_python_echo_client_to_udp_echo_server") else {
        return;
    };
    let server = Server::start("udp-echo-server", ["--port", "0", "-q"]).unwrap();
    let program = format!(
        r#"
from socket import *
udpSocket = socket(AF_INET, SOCK_DGRAM)
udpSocket.settimeout(20)
for msg in ['hello', '你好', '']:
    udpSocket.sendto(msg.encode('utf-8'), ('127.0.0.1', {port}))
    recvData = udpSocket.recvfrom(1024)
    print(recvData)
udpSocket.close()
"#,
        port = server.addr.port()
    );
    let out = Command::new(python)
        .args(["-c", &program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let addr: SocketAddr = server.addr;
    let want = format!(
        "(b'hello', ('127.0.0.1', {p}))\n(b'\\xe4\\xbd\\xa0\\xe5\\xa5\\xbd', ('127.0.0.1', {p}))\n(b'', ('127.0.0.1', {p}))\n",
        p = addr.port()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn course_python_broadcast_responder_answers_udp_broadcast() {
    let Some(python) = python3("course_python_broadcast_responder_answers_udp_broadcast") else {
        return;
    };
    // The responder binds loopback's broadcast address (not '' = 0.0.0.0: tests stay on
    // loopback) and answers whoever broadcast.
    let program = r#"
from socket import *
s = socket(AF_INET, SOCK_DGRAM)
s.bind(('127.255.255.255', 0))
print(s.getsockname()[1], flush=True)
(buf, address) = s.recvfrom(2048)
s.sendto(b'here: ' + buf, address)
s.close()
"#;
    let (mut child, lines) = python_lines(&python, program);
    let port = lines.recv_timeout(DEADLINE).expect("the responder's port");
    let out = run(
        "udp-broadcast",
        [
            "who is there",
            "--to",
            "127.255.255.255",
            "--port",
            &port,
            "--wait",
            "30",
            "--expect",
            "1",
        ],
    );
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(" here: who is there\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.ends_with("1 reply (all expected)\n"),
        "{}",
        out.stdout
    );
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_zero_buffer_keeps_nothing_and_says_so() {
    let recv = Server::start("udp-recv", ["--port", "0", "--buffer", "0", "--count", "2"]).unwrap();
    let c = client();
    c.send_to(b"abc", recv.addr).unwrap();
    c.send_to(b"", recv.addr).unwrap();
    let cut = next_line(&recv, "the cut datagram");
    assert!(
        cut.contains(" (nothing kept) [truncated: the datagram was 3 bytes"),
        "{cut}"
    );
    // A really empty datagram is not cut: it is shown as empty.
    assert!(next_line(&recv, "the empty one").ends_with(" (empty datagram)"));
    assert_eq!(
        next_line(&recv, "the summary"),
        "received 2 datagrams, 0 bytes"
    );
}

#[test]
fn ctrl_c_ends_udp_recv_even_when_its_output_is_blocked() {
    // Standard output is a pipe this test never reads after the first line, like a
    // paused pager: once it is full, udp-recv blocks printing. Ctrl-C must still end it.
    let mut child = Command::new(program("udp-recv"))
        .args(["--port", "0", "--hex"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting udp-recv");
    let stdout = child.stdout.take().expect("stdout is piped");
    // Only the first line is read; the rest stays in the pipe.
    let (mut reader, addr) = e2e::listening_address(stdout, DEADLINE);

    // Each datagram makes a line of about 4 KB (text and hex): a few dozen fill the pipe.
    // On Linux, /proc says when the program is blocked writing to it; datagrams are sent
    // until then (the system may drop some). Elsewhere, a burst may or may not fill it.
    let c = client();
    let wchan = format!("/proc/{}/wchan", child.id());
    let blocked = || std::fs::read_to_string(&wchan).is_ok_and(|w| w.contains("pipe_write"));
    let started = std::time::Instant::now();
    for sent in 0.. {
        if sent >= 200 && (!std::path::Path::new(&wchan).exists() || blocked()) {
            break;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "udp-recv never blocked on its output"
        );
        c.send_to(&[b'x'; 1000], addr).unwrap();
    }
    interrupt(&child);

    // Wait for the exit in a thread, to fail (not hang) if it never comes. The output is
    // read only afterwards.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(status);
    });
    let status = rx
        .recv_timeout(DEADLINE)
        .expect("udp-recv did not end after Ctrl-C with its output blocked")
        .expect("waiting for udp-recv");
    assert_eq!(status.code(), Some(0));
    let mut rest = String::new();
    let _ = reader.read_to_string(&mut rest);
}

#[test]
fn one_byte_is_one_byte_in_every_count() {
    // The echo server's log line and its final count.
    let mut child = Command::new(program("udp-echo-server"))
        .args(["--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting udp-echo-server");
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    let forward = |reader: Box<dyn BufRead + Send>| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    };
    let (out, err) = (forward(Box::new(stdout)), forward(Box::new(stderr)));
    let first = e2e::next_line(&out, DEADLINE, "the listening line");
    let addr: SocketAddr = first["listening on ".len()..].parse().unwrap();
    let c = client();
    c.send_to(b"x", addr).unwrap();
    c.recv_from(&mut [0; 8]).expect("the echo");
    let logged = loop {
        let line = e2e::next_line(&err, DEADLINE, "the log line of the datagram");
        if line.starts_with("#1 ") {
            break line;
        }
    };
    assert_eq!(logged, format!("#1 {} 1 byte: x", c.local_addr().unwrap()));
    interrupt(&child);
    assert_eq!(
        e2e::next_line(&out, DEADLINE, "the final count"),
        "echoed 1 datagram, 1 byte"
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));

    // udp-broadcast's "sent" line (to a plain loopback socket: SO_BROADCAST does not
    // stop a unicast datagram).
    let port = c.local_addr().unwrap().port().to_string();
    let out = run(
        "udp-broadcast",
        ["x", "--to", "127.0.0.1", "--port", &port, "--wait", "0"],
    );
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("sent 1 byte from port "),
        "{}",
        out.stdout
    );
}
