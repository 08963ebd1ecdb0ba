//! End-to-end tests of `udp-chat`, the full-duplex UDP chat: two chats talking to each
//! other through their standard input and output, a stranger's socket, and the course's
//! own Python chat (two threads, `sendto`/`recvfrom`) as a peer.
//!
//! Every chat starts on `--port 0`; a test reads its `listening on` line and then gives
//! each chat the other's address. Nothing waits for a fixed time: a test waits for the
//! line it expects, with a deadline that only fails a test that hangs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use e2e::{interrupt, loopback_udp, program, python3, run};

/// Only fails a test that hangs: a healthy chat answers in milliseconds.
const DEADLINE: Duration = Duration::from_secs(30);

/// A running program whose standard input the test types into and whose standard output
/// it reads line by line. Killed when dropped.
struct Proc {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

/// How a program ended.
struct Exit {
    code: Option<i32>,
    /// The stdout lines not read before the end.
    rest: Vec<String>,
    stderr: String,
}

impl Proc {
    fn spawn(name: &str, command: &mut Command) -> Proc {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Proc {
            name: name.to_string(),
            stdin: child.stdin.take(),
            child,
            lines,
            stderr: Some(stderr),
        }
    }

    /// Types a line (the program reads it from standard input).
    fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("input still open");
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("typing into {}: {e}", self.name));
    }

    /// Ends the program's input (Ctrl-D).
    fn close_input(&mut self) {
        self.stdin = None;
    }

    /// The next line of standard output.
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                panic!("{} printed nothing within {DEADLINE:?}", self.name)
            }
            Err(RecvTimeoutError::Disconnected) => {
                let exit = self.wait();
                panic!(
                    "{} ended (exit {:?}) instead of printing a line; stderr:\n{}",
                    self.name, exit.code, exit.stderr
                )
            }
        }
    }

    /// Asserts that the next line of standard output is `wanted`.
    fn expect_line(&mut self, wanted: &str) {
        let line = self.next_line();
        assert_eq!(line, wanted, "{}'s output", self.name);
    }

    /// Reads lines until one contains `wanted` (for a program that also prints prompts).
    fn expect_containing(&mut self, wanted: &str) {
        let mut seen = Vec::new();
        loop {
            let line = self.next_line();
            if line.contains(wanted) {
                return;
            }
            seen.push(line);
            assert!(seen.len() < 100, "no {wanted:?} in {seen:?}");
        }
    }

    /// Waits for the program to end: its standard output closes, then its status is read.
    fn wait(&mut self) -> Exit {
        let mut rest = Vec::new();
        loop {
            match self.lines.recv_timeout(DEADLINE) {
                Ok(line) => rest.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("{} did not end within {DEADLINE:?}", self.name);
                }
            }
        }
        let status = self.child.wait().expect("waiting for the program");
        let stderr = self
            .stderr
            .take()
            .map(|handle| handle.join().unwrap_or_default())
            .unwrap_or_default();
        Exit {
            code: status.code(),
            rest,
            stderr,
        }
    }

    /// Waits for the program to end and asserts it exited with status 0, having printed
    /// nothing more.
    fn ends_cleanly(&mut self) -> Exit {
        let exit = self.wait();
        assert_eq!(
            exit.code,
            Some(0),
            "{}: stderr:\n{}",
            self.name,
            exit.stderr
        );
        assert!(exit.rest.is_empty(), "{}: {:?}", self.name, exit.rest);
        exit
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `udp-chat` on `--port 0`, and the address it reported.
struct Chat {
    proc: Proc,
    addr: SocketAddr,
}

impl Chat {
    fn start(name: &str, args: &[&str]) -> Chat {
        let mut command = Command::new(program("udp-chat"));
        command.args(["--port", "0"]).args(args);
        let mut proc = Proc::spawn(name, &mut command);
        let first = proc.next_line();
        let addr = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{name}'s first line: {first:?}"))
            .parse()
            .unwrap_or_else(|e| panic!("{name}'s address in {first:?}: {e}"));
        Chat { proc, addr }
    }

    /// What this chat prints for a datagram from `from` showing `text`.
    fn from(from: SocketAddr, text: &str) -> String {
        format!("[from {from}] {text}")
    }
}

impl std::ops::Deref for Chat {
    type Target = Proc;
    fn deref(&self) -> &Proc {
        &self.proc
    }
}

impl std::ops::DerefMut for Chat {
    fn deref_mut(&mut self) -> &mut Proc {
        &mut self.proc
    }
}

/// Two chats pointed at each other with `/peer`.
fn pair(args: &[&str]) -> (Chat, Chat) {
    let mut a = Chat::start("chat A", args);
    let mut b = Chat::start("chat B", args);
    a.type_line(&format!("/peer {}", b.addr));
    b.type_line(&format!("/peer {}", a.addr));
    // Typed lines are handled in order with the datagrams that arrive, so wait until both
    // have taken their peer: a stranger writing first must not become anyone's peer.
    a.type_line("/peer");
    a.expect_line(&format!("your peer is {}", b.addr));
    b.type_line("/peer");
    b.expect_line(&format!("your peer is {}", a.addr));
    (a, b)
}

#[test]
fn messages_both_ways_and_the_peer_is_learnt_from_the_first_to_write() {
    // A is given no peer; B is given A. A learns B from B's first message.
    let mut a = Chat::start("chat A", &[]);
    let mut b = Chat::start("chat B", &["--peer", &a.addr.to_string()]);

    b.type_line("你好, A");
    a.expect_line(&Chat::from(b.addr, "你好, A"));
    a.type_line("hi B 😀");
    b.expect_line(&Chat::from(a.addr, "hi B 😀"));
    b.type_line("/peer");
    b.expect_line(&format!("your peer is {}", a.addr));
    a.type_line("/peer");
    a.expect_line(&format!("your peer is {}", b.addr));

    // Lines that are not messages send nothing; //x sends /x.
    a.type_line("");
    a.type_line("//not a command");
    b.expect_line(&Chat::from(a.addr, "/not a command"));
    a.type_line("/nonsense");

    // A says bye: both sides end, with status 0.
    a.type_line("bye");
    let a_exit = a.ends_cleanly();
    assert!(
        a_exit.stderr.contains("unknown command '/nonsense'"),
        "{}",
        a_exit.stderr
    );
    b.expect_line(&Chat::from(a.addr, "bye"));
    b.ends_cleanly();
}

#[test]
fn gbk_both_ways_and_the_bytes_are_gbk() {
    let (mut a, mut b) = pair(&["--encoding", "gbk"]);
    a.type_line("你好，世界");
    b.expect_line(&Chat::from(a.addr, "你好，世界"));
    b.type_line("收到");
    a.expect_line(&Chat::from(b.addr, "收到"));

    // What travels is GBK: 2 bytes per character (UTF-8 would take 3).
    let listener = loopback_udp(DEADLINE);
    let raw = listener.local_addr().unwrap();
    a.type_line(&format!("/peer {raw}"));
    a.type_line("你好");
    let mut buf = [0u8; 100];
    let (len, from) = listener.recv_from(&mut buf).expect("a datagram from A");
    assert_eq!(from, a.addr);
    assert_eq!(&buf[..len], b"\xc4\xe3\xba\xc3");
    // And GBK that arrives is shown as text.
    listener.send_to(b"\xca\xd5\xb5\xbd", a.addr).unwrap();
    a.expect_line(&Chat::from(raw, "收到"));
    // A character GBK cannot write is refused, not sent as something else.
    a.type_line("😀");
    a.type_line("end");
    let (len, _) = listener.recv_from(&mut buf).expect("a datagram from A");
    assert_eq!(&buf[..len], b"end");

    a.close_input();
    let a_exit = a.ends_cleanly();
    assert!(
        a_exit.stderr.contains("'gbk' cannot encode '😀'"),
        "{}",
        a_exit.stderr
    );
    // A said bye to its peer of the moment, the raw socket, not to B.
    let (len, _) = listener.recv_from(&mut buf).expect("A's bye");
    assert_eq!(&buf[..len], b"bye");
    b.type_line("bye");
    b.ends_cleanly();
}

#[test]
fn bye_from_either_side_ends_both() {
    let (mut a, mut b) = pair(&[]);
    b.type_line("ready");
    a.expect_line(&Chat::from(b.addr, "ready"));
    b.type_line("bye");
    a.expect_line(&Chat::from(b.addr, "bye"));
    // A's keyboard thread is still waiting for a line (its input is open): A ends anyway.
    let a_exit = a.ends_cleanly();
    assert!(
        a_exit.stderr.contains("said bye: the chat is over"),
        "{}",
        a_exit.stderr
    );
    let b_exit = b.ends_cleanly();
    assert!(b_exit.stderr.contains("said bye to"), "{}", b_exit.stderr);
}

#[test]
fn end_of_input_says_bye_and_ends_both() {
    let (mut a, mut b) = pair(&["--quiet"]);
    a.type_line("last words");
    b.expect_line(&Chat::from(a.addr, "last words"));
    a.close_input();
    a.ends_cleanly();
    b.expect_line(&Chat::from(a.addr, "bye"));
    let b_exit = b.ends_cleanly();
    assert!(b_exit.stderr.is_empty(), "--quiet: {}", b_exit.stderr);
}

#[cfg(unix)]
#[test]
fn ctrl_c_says_bye_and_exits_0() {
    let (mut a, mut b) = pair(&[]);
    a.type_line("hello");
    b.expect_line(&Chat::from(a.addr, "hello"));
    interrupt(&a.child);
    a.ends_cleanly();
    b.expect_line(&Chat::from(a.addr, "bye"));
    b.ends_cleanly();
}

#[test]
fn garbage_from_a_stranger_is_shown_and_the_chat_goes_on() {
    let (mut a, mut b) = pair(&[]);
    let stranger = loopback_udp(DEADLINE);
    let s = stranger.local_addr().unwrap();

    stranger
        .send_to(b"\xff\xfe\x00junk\xe4\xbd\n", a.addr)
        .unwrap();
    a.expect_line(&Chat::from(s, r"\xff\xfe\u{0}junk\xe4\xbd\n"));
    stranger.send_to(b"", a.addr).unwrap();
    a.expect_line(&Chat::from(s, "(empty datagram)"));
    // A stranger's bye is shown, and does not end the chat.
    stranger.send_to(b"bye", a.addr).unwrap();
    a.expect_line(&Chat::from(s, "bye"));

    // A still talks to B, and B to A.
    b.type_line("still here?");
    a.expect_line(&Chat::from(b.addr, "still here?"));
    a.type_line("yes");
    b.expect_line(&Chat::from(a.addr, "yes"));

    a.type_line("bye");
    a.ends_cleanly();
    b.expect_line(&Chat::from(a.addr, "bye"));
    b.ends_cleanly();
}

#[test]
fn who_lists_everyone_heard_from() {
    let (mut a, mut b) = pair(&[]);
    a.type_line("/who");
    a.expect_line("no one has written yet");

    b.type_line("one");
    b.type_line("two");
    a.expect_line(&Chat::from(b.addr, "one"));
    a.expect_line(&Chat::from(b.addr, "two"));
    let stranger = loopback_udp(DEADLINE);
    let s = stranger.local_addr().unwrap();
    stranger.send_to(b"hi", a.addr).unwrap();
    a.expect_line(&Chat::from(s, "hi"));

    a.type_line("/who");
    let header: Vec<String> = a.next_line().split_whitespace().map(String::from).collect();
    assert_eq!(header, ["address", "last", "seen", "messages"]);
    // In the order they first wrote: address, "N s ago", count, and the peer marked.
    let row = a.next_line();
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(words[0], b.addr.to_string(), "{row}");
    assert!(words[1].parse::<u64>().is_ok(), "{row}");
    assert_eq!(words[2..], ["s", "ago", "2", "(your", "peer)"], "{row}");
    let row = a.next_line();
    let words: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(words[0], s.to_string(), "{row}");
    assert_eq!(words[2..], ["s", "ago", "1"], "{row}");

    a.type_line("/help");
    assert!(a.next_line().starts_with("Type a line"));
    a.expect_containing("/who ");
    a.expect_containing("//text"); // the last line of the help
    a.type_line("bye");
    a.ends_cleanly();
    b.expect_line(&Chat::from(a.addr, "bye"));
    b.ends_cleanly();
}

/// The course's full-duplex chat (its TODO 1-10), pointed at loopback: it binds
/// 127.0.0.1 on a port the system chooses and prints it (the course binds ('', 7890)),
/// talks to the port given as its argument (the course: ('192.168.1.69', 9999)), and
/// ends its sending thread at the end of its input (the course's input() would raise
/// EOFError there).
const COURSE_CHAT: &str = r#"
import socket
import sys
import threading

# TODO 8.接收信息的函数
def recv_fun(udp_socket, close_session):
    while True:
        # 接收消息
        recv_data = udp_socket.recvfrom(1024)
        print('用户说：%s' % recv_data[0].decode('utf-8'))
        if recv_data[0].decode('utf-8') == 'bye':
            close_session[0] = True
            udp_socket.close()
            break

# TODO 9.发送信息的函数
def send_fun(udp_socket, dest_addr, close_session):
    while True:
        try:
            send_msg = input(':')
        except EOFError:
            break
        if close_session[0]:
            break
        udp_socket.sendto(send_msg.encode('utf-8'), dest_addr)

def main():
    # TODO 10.定义列表，记录双方沟通是否结束这一状态
    close_session = [False]
    # TODO 1.创建udp套接字
    udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # TODO 2.绑定本地地址信息
    local_addr = ('127.0.0.1', 0)
    udp_socket.bind(local_addr)
    print(udp_socket.getsockname()[1])
    # TODO 3.创建信息接收方的地址信息
    dest_addr = ('127.0.0.1', int(sys.argv[1]))
    t_recv = threading.Thread(target=recv_fun, args=(udp_socket, close_session))
    t_send = threading.Thread(target=send_fun, args=(udp_socket, dest_addr, close_session))
    t_recv.start()
    t_send.start()

if __name__ == '__main__':
    main()
"#;

/// The course's Python chat, talking to `port`, and the address it is bound to.
fn course_chat(python: &Path, port: u16) -> (Proc, SocketAddr) {
    let mut command = Command::new(python);
    command
        .args(["-u", "-c", COURSE_CHAT, &port.to_string()])
        .env("PYTHONIOENCODING", "utf-8");
    let mut py = Proc::spawn("the course's Python chat", &mut command);
    let port: u16 = py
        .next_line()
        .trim()
        .parse()
        .expect("the Python chat's port");
    (py, SocketAddr::from(([127, 0, 0, 1], port)))
}

#[test]
fn talks_with_the_course_python_chat() {
    let test = "talks_with_the_course_python_chat";
    let Some(python) = python3(test) else { return };
    let mut a = Chat::start("chat A", &[]);
    let (mut py, py_addr) = course_chat(&python, a.addr.port());

    // Python writes first, so it becomes A's peer.
    py.type_line("你好，我是 Python");
    a.expect_line(&Chat::from(py_addr, "你好，我是 Python"));
    a.type_line("你好 Python");
    py.expect_containing("用户说：你好 Python");

    // A's bye ends A, and Python's receiving thread (which closes the socket).
    a.type_line("bye");
    a.ends_cleanly();
    py.expect_containing("用户说：bye");
    // The course's sending thread is still blocked in input(): it only notices the end
    // when one more line comes (here: the end of its input).
    py.close_input();
    let exit = py.wait();
    assert_eq!(exit.code, Some(0), "{}", exit.stderr);
}

#[test]
fn the_course_python_chat_saying_bye_ends_this_side() {
    let test = "the_course_python_chat_saying_bye_ends_this_side";
    let Some(python) = python3(test) else { return };
    let mut a = Chat::start("chat A", &[]);
    let (mut py, py_addr) = course_chat(&python, a.addr.port());
    a.type_line(&format!("/peer {py_addr}"));
    a.type_line("hello");
    py.expect_containing("用户说：hello");
    py.type_line("bye");
    a.expect_line(&Chat::from(py_addr, "bye"));
    a.ends_cleanly();
    // The Python side that typed bye does not end: its receiving thread stays blocked in
    // recvfrom (the course's bug); dropping `py` kills it.
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["--port", "seventy"][..],
        &["--port", "70000"],
        &["--peer", "127.0.0.1"],
        &["--peer", "::1:7890"],
        &["--bind", "localhost"],
        &["--encoding", "klingon"],
        &["--no-such-option"],
        &["extra-word"],
    ] {
        let out = run("udp-chat", args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
}

#[test]
fn a_port_in_use_is_an_error_with_exit_1() {
    let taken = loopback_udp(DEADLINE);
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run("udp-chat", ["--port", port.as_str()]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.starts_with("error: could not bind UDP"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);

    // A peer of the other IP version than the socket: said at once, exit 1.
    let out = run("udp-chat", ["--port", "0", "--peer", "[::1]:7890"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("has no IPv4 address"), "{}", out.stderr);
}

/// A flood of datagrams while the chat's output is blocked (a paused terminal) does not
/// pile up in memory: the receiving thread waits for the main thread, and the system
/// drops what does not fit in the socket's queue, as UDP may. And Ctrl-C still ends it.
#[cfg(target_os = "linux")]
#[test]
fn a_flood_while_the_output_is_blocked_stays_in_bounded_memory() {
    let mut child = Command::new(program("udp-chat"))
        .args(["--port", "0", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting udp-chat");
    let stdout = child.stdout.take().expect("stdout is piped");
    // Only the first line is read; the rest stays in the pipe until the end.
    let (mut reader, addr) = e2e::listening_address(stdout, DEADLINE);

    // 2,000 datagrams of 60,000 bytes: 120 MB. Two lines fill the pipe; after that, an
    // unbounded queue would keep nearly all of it in memory.
    let flood = loopback_udp(DEADLINE);
    for _ in 0..2000 {
        flood.send_to(&[b'x'; 60_000], addr).unwrap();
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .expect("reading /proc/PID/status");
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in {status}"));
    // 64 queued datagrams are under 4 MB; the program itself a few more.
    assert!(
        rss_kb < 64 * 1024,
        "udp-chat uses {rss_kb} kB after the flood"
    );

    // Ctrl-C with the queue full: the handler does not wait, and the chat ends once its
    // output moves again.
    interrupt(&child);
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut rest = Vec::new();
        let _ = reader.read_to_end(&mut rest);
        let _ = tx.send(child.wait());
    });
    let status = rx
        .recv_timeout(DEADLINE)
        .expect("udp-chat did not end after Ctrl-C")
        .expect("waiting for udp-chat");
    assert_eq!(status.code(), Some(0));
}
