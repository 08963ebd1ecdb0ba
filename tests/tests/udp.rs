//! Lesson 6 (UDP) end to end: `udp-send`, `udp-recv`, `udp-echo-server` and
//! `udp-broadcast` as real processes, with each other, with plain sockets, and with
//! Python programs written the way the course writes them. Loopback only: broadcasts go
//! to 127.255.255.255, loopback's own broadcast address.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

use e2e::{python3, run, skip_because, Server};

/// Only fails a hung test; nothing waits this long when things work.
const DEADLINE: Duration = Duration::from_secs(20);

/// The next line the server prints, or a failure naming what was expected.
fn next_line(server: &Server, what: &str) -> String {
    server
        .lines
        .recv_timeout(DEADLINE)
        .unwrap_or_else(|_| panic!("no line from the server: expected {what}"))
}

/// Waits for the server to exit and returns its exit code.
fn exit_code(server: &mut Server) -> Option<i32> {
    server
        .child()
        .wait()
        .expect("waiting for the server")
        .code()
}

/// Sends SIGINT (what Ctrl-C sends) to the server.
fn interrupt(server: &mut Server) {
    let pid = server.child().id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill -INT {pid} failed");
}

/// A loopback port nobody is bound to (bound, noted, and closed again).
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("binding a loopback UDP socket")
        .port()
}

/// A plain UDP socket on loopback whose reads fail a hung test instead of hanging.
fn client() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").expect("binding a loopback UDP socket");
    s.set_read_timeout(Some(DEADLINE))
        .expect("setting a timeout");
    s
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

    // With --bind, the datagram comes from the port asked for.
    let port = free_port();
    let bound = format!("127.0.0.1:{port}");
    let c = run("udp-send", [&to, "c", "--bind", &bound]);
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
    let to = format!("127.0.0.1:{}", free_port());
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
    let out = run(
        "udp-send",
        [&server.addr.to_string(), "ping", "--wait-reply", "2"],
    );
    assert!(out.success(), "{}", out.stderr);
    let reply = out.stdout.lines().last().unwrap_or_default();
    assert!(
        reply.ends_with(&format!("{} ping", server.addr)),
        "{}",
        out.stdout
    );

    interrupt(&mut server);
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
    interrupt(&mut recv);
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
    interrupt(&mut recv);
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
    let Ok(mut recv) = Server::start(
        "udp-recv",
        ["--bind", "127.255.255.255", "--port", "0", "--count", "2"],
    ) else {
        skip_because(
            "broadcast_reaches_a_receiver_on_loopback",
            "cannot bind 127.255.255.255 here",
        );
        return;
    };
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
    let port = free_port().to_string();
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
    let cases: [(&str, &[&str]); 8] = [
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
        out.stderr.contains("already receives on this UDP port"),
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
            "2",
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
            "2",
        ],
    );
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(" here: who is there\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("1 reply in 2 s\n"), "{}", out.stdout);
    assert!(child.wait().unwrap().success());
}
