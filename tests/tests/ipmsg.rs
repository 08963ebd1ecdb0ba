//! End-to-end tests of `ipmsg` (IP Messenger / FeiQ on UDP), on loopback only.
//!
//! Listeners start on `--port 0` and are used after their `listening on` line: the socket
//! is bound before that line is printed, so datagrams sent afterwards wait in its queue.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use e2e::{program, python3, run, Server};

/// How long a test waits for a line or a datagram before failing (a hung test, not a
/// timing assertion: loopback answers in microseconds).
const DEADLINE: Duration = Duration::from_secs(30);

fn listener(extra: &[&str]) -> Server {
    let mut args = vec!["listen", "--port", "0", "--user", "lis", "--host", "lis-pc"];
    args.extend_from_slice(extra);
    Server::start("ipmsg", args).expect("ipmsg listen starts")
}

fn next_line(server: &Server) -> String {
    server
        .lines
        .recv_timeout(DEADLINE)
        .expect("the listener prints a line")
}

/// A raw UDP socket on loopback, as the course's Python programs use.
fn raw_socket() -> UdpSocket {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind a loopback socket");
    sock.set_read_timeout(Some(DEADLINE))
        .expect("set a deadline");
    sock
}

#[test]
fn send_gets_a_receipt_gbk() {
    let server = listener(&[]);
    let to = server.addr.to_string();
    let out = run(
        "ipmsg",
        [
            "send",
            &to,
            "你好，飞秋",
            "--user",
            "张三",
            "--host",
            "zs-pc",
            "--timeout",
            "30",
        ],
    );
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.starts_with("receipt from lis@lis-pc"), "{out:?}");
    let line = next_line(&server);
    assert!(line.contains("张三@zs-pc (127.0.0.1:"), "{line}");
    assert!(line.ends_with("): 你好，飞秋"), "{line}");
}

#[test]
fn send_gets_a_receipt_utf8() {
    let server = listener(&[]);
    let to = server.addr.to_string();
    // 😀 has no GBK bytes: only UTF-8 (UTF8OPT) can carry it.
    let out = run(
        "ipmsg",
        ["--utf8", "send", &to, "hello 😀", "--user", "bob"],
    );
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.contains("arrived"), "{out:?}");
    let line = next_line(&server);
    assert!(line.contains("bob@"), "{line}");
    assert!(line.ends_with(": hello 😀"), "{line}");
}

#[test]
fn send_without_utf8_refuses_what_gbk_cannot_write() {
    let out = run("ipmsg", ["send", "127.0.0.1:9", "hello 😀"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(out.stderr.contains("'gbk' cannot encode '😀'"), "{out:?}");
    assert!(out.stderr.contains("--utf8"), "{out:?}");
}

#[test]
fn entry_lists_the_listener_and_says_goodbye() {
    let server = listener(&["--nick", "听者"]);
    let to = server.addr.to_string();
    let out = run(
        "ipmsg",
        [
            "entry", "--to", &to, "--wait", "30", "--expect", "1", "--user", "ann", "--nick", "Ann",
        ],
    );
    assert!(out.success(), "{out:?}");
    let table: Vec<&str> = out.stdout.lines().collect();
    assert!(table[0].starts_with("ADDRESS"), "{out:?}");
    assert!(table[1].contains(&to) && table[1].contains("lis-pc") && table[1].contains("听者"));
    assert_eq!(table[2], "1 member answered");
    // The listener saw us come and go.
    let came = next_line(&server);
    assert!(
        came.contains("ann@") && came.ends_with("entered as \"Ann\""),
        "{came}"
    );
    let left = next_line(&server);
    assert!(left.contains("ann@") && left.ends_with(" left"), "{left}");
}

#[test]
fn malformed_packets_are_reported_and_the_listener_keeps_working() {
    let mut child = Command::new(program("ipmsg"))
        .args(["listen", "--port", "0", "--count", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ipmsg listen");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read the first line");
    let addr: SocketAddr = first
        .trim()
        .strip_prefix("listening on ")
        .expect("a listening line")
        .parse()
        .expect("an address");

    let sock = raw_socket();
    let bad: [&[u8]; 4] = [b"hello", b"1:abc:u:h:32:x", b"1:2:u:h:SENDMSG:x", b""];
    for datagram in bad {
        sock.send_to(datagram, addr).expect("send a bad datagram");
    }
    // Text that is not GBK is not a reason to drop a packet: shown as \xNN, warned about.
    sock.send_to(b"1:3:u:h:32:\xff\xfe", addr)
        .expect("send bad text");
    // Still answering: a good message with a receipt request (288).
    sock.send_to(b"1:4242:raw:raw-pc:288:still there?", addr)
        .expect("send a good one");
    let mut buf = [0u8; 1024];
    let (n, from) = sock.recv_from(&mut buf).expect("a receipt");
    assert_eq!(from, addr);
    let receipt = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        receipt.starts_with("1:") && receipt.ends_with(":33:4242"),
        "{receipt}"
    );

    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read the rest");
    assert!(
        rest.contains("raw@raw-pc (") && rest.contains("): still there?"),
        "{rest}"
    );
    let status = child.wait().expect("the listener exits after --count 2");
    assert!(status.success());
    let mut errors = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut errors)
        .expect("read stderr");
    assert_eq!(
        errors.matches("malformed packet ignored").count(),
        4,
        "{errors}"
    );
    assert!(errors.contains("only 1 of the 6 fields"), "{errors}");
    assert!(
        errors.contains("packet number (field 2, at offset 2) is 'abc'"),
        "{errors}"
    );
    assert!(
        errors.contains("command (field 5, at offset 8) is 'SENDMSG'"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "warning: packet 3: the extension (field 6, the text) is not valid gbk: bytes ff at offset 11"
        ),
        "{errors}"
    );
    // Shown, not dropped: it is the first of the two messages --count 2 waits for.
    assert!(
        rest.contains(r"u@h (") && rest.contains(r"): \xff\xfe"),
        "{rest}"
    );
    assert!(errors.contains("the datagram is empty"), "{errors}");
}

#[test]
fn no_receipt_after_bounded_retries() {
    // A socket that receives and never answers: nothing is listening as IP Messenger.
    let silent = raw_socket();
    let to = silent.local_addr().expect("local address").to_string();
    let out = run(
        "ipmsg",
        ["send", &to, "anyone?", "--retries", "2", "--timeout", "0.2"],
    );
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains("error: no receipt after 3 tries"),
        "{out:?}"
    );

    // Exactly three copies arrived, with one packet number; the resends say RETRYOPT.
    let mut buf = [0u8; 1024];
    let mut copies = Vec::new();
    for _ in 0..3 {
        let (n, _) = silent.recv_from(&mut buf).expect("a copy of the message");
        copies.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    let number = copies[0].split(':').nth(1).expect("a packet number");
    for copy in &copies {
        assert_eq!(copy.split(':').nth(1), Some(number), "{copies:?}");
    }
    assert!(copies[0].contains(":288:anyone?"), "{copies:?}");
    // 288 | RETRYOPT (0x4000) = 16672
    assert!(copies[1].contains(":16672:anyone?"), "{copies:?}");
    assert!(copies[2].contains(":16672:anyone?"), "{copies:?}");
    silent.set_nonblocking(true).expect("set non-blocking");
    assert!(silent.recv_from(&mut buf).is_err(), "no fourth copy");
}

#[test]
fn no_check_sends_once_and_asks_for_nothing() {
    let silent = raw_socket();
    let to = silent.local_addr().expect("local address").to_string();
    let out = run(
        "ipmsg",
        [
            "send",
            &to,
            "haha",
            "--no-check",
            "--user",
            "u",
            "--host",
            "h",
        ],
    );
    assert!(out.success(), "{out:?}");
    let mut buf = [0u8; 1024];
    let (n, _) = silent.recv_from(&mut buf).expect("the message");
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        text.starts_with("1:") && text.ends_with(":u:h:32:haha"),
        "{text}"
    );
}

/// The course's program: a FeiQ string built by hand, encoded as GBK, sent with sendto;
/// then (our addition) it asks for a receipt and reads it with recvfrom(1024).
const COURSE_FEIQ: &str = r#"
import sys
from socket import *

port = int(sys.argv[1])
# 1. create the socket
s = socket(AF_INET, SOCK_DGRAM)
addr = ('127.0.0.1', port)
# 3. send: FeiQ's format, version:packet_no:user:host:command:text
s.sendto("1:123123:吴彦祖:吴彦祖-pc:32:haha".encode('gbk'), addr)
# 288 = 32 (SENDMSG) + 256 (SENDCHECKOPT): ask for a receipt
s.sendto("1:123124:吴彦祖:吴彦祖-pc:288:收到请回复".encode('gbk'), addr)
s.settimeout(30)
data, server = s.recvfrom(1024)
print(data.decode('gbk'))
s.close()
"#;

#[test]
fn python_course_program_talks_to_the_listener() {
    let Some(python) = python3("python_course_program_talks_to_the_listener") else {
        return;
    };
    let server = listener(&[]);
    let out = Command::new(python)
        .args(["-c", COURSE_FEIQ, &server.addr.port().to_string()])
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    // The receipt names the second message's number.
    let receipt = stdout.trim();
    assert!(
        receipt.starts_with("1:") && receipt.ends_with(":lis:lis-pc:33:123124"),
        "{receipt}"
    );

    let first = next_line(&server);
    assert!(first.contains("吴彦祖@吴彦祖-pc (127.0.0.1:") && first.ends_with("): haha"));
    let second = next_line(&server);
    assert!(second.ends_with("): 收到请回复"), "{second}");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec!["send", "127.0.0.1"],
        vec!["send", "127.0.0.1:notaport", "hi"],
        vec!["send", "127.0.0.1", "hi", "--timeout", "0"],
        // Positive, but no usable timeout: it would become zero.
        vec!["send", "127.0.0.1", "hi", "--timeout", "1e-10"],
        vec!["entry", "--wait", "0.0001"],
        // Not ASCII-compatible: ':' would not be the byte that separates the fields.
        vec!["listen", "--encoding", "utf-16"],
        vec!["send", "127.0.0.1", "hi", "--encoding", "utf-8-sig"],
        vec!["send", "127.0.0.1", "hi", "--user", "a:b"],
        vec!["listen", "--port", "70000"],
        vec!["listen", "--encoding", "klingon"],
        vec!["listen", "--count", "0"],
        vec!["entry", "--wait", "abc"],
        vec!["chat"],
        vec![],
    ] {
        let out = run("ipmsg", &args);
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn listener_survives_many_bad_datagrams_from_many_sockets() {
    let server = listener(&["--quiet"]);
    let (tx, rx) = mpsc::channel();
    let addr = server.addr;
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let sock = raw_socket();
                for j in 0..20u8 {
                    let junk = [b':', i, j, 0xff, b':'];
                    sock.send_to(&junk[..usize::from(j % 5) + 1], addr)
                        .expect("send junk");
                }
                let good = format!("1:{}:t{i}:h:288:ok", 1000 + u32::from(i));
                sock.send_to(good.as_bytes(), addr).expect("send a message");
                let mut buf = [0u8; 256];
                let (n, _) = sock.recv_from(&mut buf).expect("a receipt");
                tx.send(String::from_utf8_lossy(&buf[..n]).into_owned())
                    .expect("report");
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("sender thread");
    }
    drop(tx);
    let receipts: Vec<String> = rx.iter().collect();
    assert_eq!(receipts.len(), 4);
    for receipt in receipts {
        assert!(receipt.contains(":33:100"), "{receipt}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_listener_with_exit_0() {
    let Some(kill) = e2e::tool("kill") else {
        e2e::skip("ctrl_c_stops_the_listener_with_exit_0", "kill");
        return;
    };
    let mut server = listener(&["--quiet"]);
    let pid = server.child().id().to_string();
    let status = Command::new(kill)
        .args(["-INT", &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
    // A deadline for a hung listener, not a timing assertion.
    let start = std::time::Instant::now();
    let code = loop {
        if let Some(status) = server.child().try_wait().expect("wait for ipmsg") {
            break status.code();
        }
        assert!(start.elapsed() < DEADLINE, "ipmsg did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
}

#[test]
fn encodings_that_are_not_ascii_compatible_are_refused_with_the_reason() {
    for name in ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"] {
        let out = run("ipmsg", ["listen", "--port", "0", "--encoding", name]);
        assert_eq!(out.code, Some(2), "{name}: {out:?}");
        assert!(
            out.stderr
                .contains("cannot be used for IP Messenger packets")
                && out.stderr.contains("ASCII-compatible"),
            "{name}: {out:?}"
        );
    }
}

/// A packet whose fields try to print a forged line and send the terminal escape
/// sequences: everything shows on one line, escaped, with no ESC character left.
#[test]
fn listener_escapes_what_the_sender_wrote() {
    let server = listener(&[]);
    let sock = raw_socket();
    let forged: &[u8] = b"1:5:ev\x1b[31mil:p\rc:32:hi\n[00:00:00 UTC] boss@pc (1.2.3.4:2425): transfer money\x1b[2J";
    sock.send_to(forged, server.addr)
        .expect("send the forged packet");
    sock.send_to(b"1:6:u:h:32:next", server.addr)
        .expect("send a plain one");
    let line = next_line(&server);
    assert!(!line.contains('\x1b') && !line.contains('\r'), "{line:?}");
    assert!(line.contains(r"ev\u{1b}[31mil@p\rc ("), "{line}");
    assert!(
        line.ends_with(r"): hi\n[00:00:00 UTC] boss@pc (1.2.3.4:2425): transfer money\u{1b}[2J"),
        "{line}"
    );
    // The next line is the next packet: no line was forged.
    assert!(next_line(&server).ends_with("): next"));
}

/// The invisible format characters, U+202E (right-to-left override) first, are escaped
/// in every field: a message cannot print back to front or hide a zero-width space.
#[test]
fn listener_escapes_invisible_format_characters() {
    let server = listener(&[]);
    let sock = raw_socket();
    // 8388640 = SENDMSG|UTF8OPT: the text is UTF-8.
    sock.send_to(
        "1:5:u\u{200b}:pc:8388640:boss\u{202e}txt.exe\u{2029}".as_bytes(),
        server.addr,
    )
    .expect("send the packet");
    let line = next_line(&server);
    assert!(line.contains(r"u\u{200b}@pc ("), "{line}");
    assert!(line.ends_with(r"): boss\u{202e}txt.exe\u{2029}"), "{line}");
    assert!(
        !line.contains(['\u{200b}', '\u{202e}', '\u{2029}']),
        "{line:?}"
    );
}

/// A member's answer is escaped in `entry`'s table too.
#[test]
fn entry_escapes_what_members_wrote() {
    let member = raw_socket();
    let to = member.local_addr().expect("local address").to_string();
    let entry = std::thread::spawn(move || {
        run(
            "ipmsg",
            [
                "entry", "--to", &to, "--wait", "30", "--expect", "1", "--user", "me",
            ],
        )
    });
    let mut buf = [0u8; 1024];
    let (n, from) = member.recv_from(&mut buf).expect("the BR_ENTRY");
    assert!(String::from_utf8_lossy(&buf[..n]).contains(":me:"));
    member
        .send_to(b"1:7:ev\nil:pc:3:Ni\x1b[2Jck\0gr\roup\0", from)
        .expect("answer with ANSENTRY");
    let out = entry.join().expect("the entry thread");
    assert!(out.success(), "{out:?}");
    assert!(
        !out.stdout.contains('\x1b') && !out.stdout.contains('\r'),
        "{out:?}"
    );
    let row = out.stdout.lines().nth(1).expect("a member row");
    assert!(
        row.contains(r"ev\nil") && row.contains(r"Ni\u{1b}[2Jck") && row.contains(r"gr\roup"),
        "{row}"
    );
}

/// The common mistake: UTF-8 text without UTF8OPT. The message arrived, so it is
/// confirmed (or its sender would retry and report a failure), shown with \xNN, and the
/// bad bytes are reported as a warning.
#[test]
fn utf8_without_utf8opt_is_still_confirmed() {
    let server = listener(&[]);
    let sock = raw_socket();
    sock.send_to("1:77:linuxuser:box:288:好".as_bytes(), server.addr)
        .expect("send");
    let mut buf = [0u8; 256];
    let (n, from) = sock.recv_from(&mut buf).expect("a receipt");
    assert_eq!(from, server.addr);
    let receipt = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(receipt.ends_with(":lis:lis-pc:33:77"), "{receipt}");
    let line = next_line(&server);
    assert!(line.ends_with(r"): 濂\xbd"), "{line}");
}

/// IP Messenger sends no RECVMSG for a message with BROADCASTOPT or AUTORETOPT, even
/// with SENDCHECKOPT (its IPMSG_NO_REPLY_OPTS): every member would answer a broadcast.
#[test]
fn broadcast_and_automatic_messages_get_no_receipt() {
    let server = listener(&[]);
    let sock = raw_socket();
    // 0x520 = SENDMSG|SENDCHECKOPT|BROADCASTOPT; 0x2120 = SENDMSG|SENDCHECKOPT|AUTORETOPT.
    sock.send_to(b"1:5:u:h:1312:to everyone", server.addr)
        .expect("send");
    sock.send_to(b"1:6:u:h:8480:I am away", server.addr)
        .expect("send");
    sock.send_to(b"1:7:u:h:288:to you", server.addr)
        .expect("send");
    // The listener handles them in order: the first receipt back is for message 7.
    let mut buf = [0u8; 256];
    let (n, _) = sock.recv_from(&mut buf).expect("a receipt");
    let receipt = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(receipt.ends_with(":33:7"), "{receipt}");
    for text in ["to everyone", "I am away", "to you"] {
        assert!(next_line(&server).ends_with(text));
    }
}

/// Only the host the message went to can confirm it.
#[test]
fn a_receipt_from_another_address_is_ignored() {
    let target = raw_socket();
    // Another loopback address (Linux answers for all of 127.0.0.0/8).
    let Ok(other) = UdpSocket::bind("127.0.0.2:0") else {
        e2e::skip_because(
            "a_receipt_from_another_address_is_ignored",
            "cannot bind 127.0.0.2",
        );
        return;
    };
    let to = target.local_addr().expect("local address").to_string();
    let sender = std::thread::spawn(move || {
        run(
            "ipmsg",
            [
                "send",
                &to,
                "hi",
                "--retries",
                "0",
                "--timeout",
                "30",
                "--user",
                "me",
            ],
        )
    });
    let mut buf = [0u8; 1024];
    let (n, from) = target.recv_from(&mut buf).expect("the message");
    let message = String::from_utf8_lossy(&buf[..n]).into_owned();
    let number = message.split(':').nth(1).expect("a packet number");
    // A forged receipt first, from 127.0.0.2; then the real one.
    other
        .send_to(format!("1:1:evil:pc:33:{number}").as_bytes(), from)
        .expect("send the forged receipt");
    target
        .send_to(format!("1:2:real:pc:33:{number}").as_bytes(), from)
        .expect("send the receipt");
    let out = sender.join().expect("the sender thread");
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.starts_with("receipt from real@pc"), "{out:?}");
    assert!(
        out.stderr.contains("ignored a receipt for message") && out.stderr.contains("127.0.0.2:"),
        "{out:?}"
    );
}

/// `send` is for one person: a broadcast address is refused with the reason, not with a
/// bare "Permission denied". 127.255.255.255 is loopback's broadcast address: nothing
/// leaves the machine.
#[cfg(target_os = "linux")]
#[test]
fn send_to_a_broadcast_address_explains_itself() {
    let out = run("ipmsg", ["send", "127.255.255.255:9", "hi"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr
            .contains("127.255.255.255:9 is a broadcast address")
            && out.stderr.contains("SO_BROADCAST")
            && out.stderr.contains("ipmsg entry --to 127.255.255.255:9"),
        "{out:?}"
    );
}
