//! End-to-end tests of the framing lesson's programs: sticky-demo, cmd-server, cmd-client,
//! and the course's own Python client and server as peers.

use e2e::{python3, run, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn sticky_demo_shows_the_problem_and_the_cure() {
    let out = run("sticky-demo", ["--big", "300000"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("recv(1024) -> b'helloworld'"),
        "{}",
        out.stdout
    );
    // Scene 2: a small recv leaves the rest, which sticks to the next message.
    assert!(out.stdout.contains("recv(2)  -> b'he'"), "{}", out.stdout);
    assert!(
        out.stdout.contains("recv(10) -> b'lloworld'"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("frame 1 -> b'hello'"), "{}", out.stdout);
    assert!(out.stdout.contains("frame 2 -> b'world'"), "{}", out.stdout);
    assert!(
        out.stdout.contains("frame 3 -> 300000 bytes"),
        "{}",
        out.stdout
    );
}

#[test]
fn cmd_round_trip_and_refusals() {
    let server = Server::start("cmd-server", ["--port", "0", "-q"]).expect("cmd-server starts");
    let addr = server.addr.to_string();
    let out = run(
        "cmd-client",
        [addr.as_str(), "echo hi; rm -rf /", "seq 1 3"],
    );
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "hi; rm -rf /\n1\n2\n3\n");

    // Not on the allow-list, or escaping the directory: refused, and the client exits 1.
    for bad in [
        "rm -rf /",
        "sh -c id",
        "ls /etc",
        "ls ../..",
        "date -s 2000-01-01",
    ] {
        let out = run("cmd-client", [addr.as_str(), bad]);
        assert_eq!(out.code, Some(1), "{bad}: {}", out.stdout);
        assert!(out.stderr.contains("refused"), "{bad}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad}: {}", out.stdout);
    }
    // A command that fails: its stderr and status come back apart from stdout.
    let out = run("cmd-client", [addr.as_str(), "ls no-such-file-here"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no-such-file-here"), "{}", out.stderr);
    assert!(out.stderr.contains("exit status"), "{}", out.stderr);
}

#[test]
fn bad_frames_are_answered_and_the_server_keeps_serving() {
    let server = Server::start("cmd-server", ["--port", "0", "-q"]).expect("cmd-server starts");
    // A header announcing 1 GiB: refused at once, nothing allocated.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(&(1u32 << 30).to_be_bytes()).unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap(); // the server answers, then hangs up
    let text = String::from_utf8_lossy(&reply);
    assert!(text.contains("exceeds the limit"), "{text:?}");

    // A client that vanishes in the middle of a frame.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(&[0, 0, 0, 50, b'e', b'c']).unwrap();
    drop(s);

    // Invalid UTF-8 in a well-formed frame: refused, connection still usable.
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.write_all(&[0, 0, 0, 2, 0xff, 0xfe]).unwrap();
    s.write_all(&[0, 0, 0, 4, b'e', b'c', b'h', b'o']).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut replies = Vec::new();
    s.read_to_end(&mut replies).unwrap();
    assert!(String::from_utf8_lossy(&replies).contains("not valid UTF-8"));
    assert!(
        replies.ends_with(b"\n"),
        "the echo after it ran: {replies:?}"
    );

    // Everyone else is still served.
    let out = run(
        "cmd-client",
        [server.addr.to_string().as_str(), "echo still here"],
    );
    assert_eq!(out.stdout, "still here\n", "{}", out.stderr);
}

/// A child process of `parent`, if it has one now (Linux: each `/proc/PID/stat` names
/// the process's parent, after the command name in parentheses).
#[cfg(target_os = "linux")]
fn child_of(parent: u32) -> Option<u32> {
    let parent_of = |stat: &str| {
        let (_, rest) = stat.rsplit_once(')')?;
        rest.split_whitespace().nth(1)?.parse::<u32>().ok()
    };
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            (parent_of(&stat) == Some(parent)).then_some(pid)
        })
}

#[cfg(target_os = "linux")]
#[test]
fn clients_beyond_the_limit_are_turned_away_when_every_slot_runs_a_command() {
    let mut server = Server::start(
        "cmd-server",
        [
            "--port",
            "0",
            "-q",
            "--max-clients",
            "1",
            "--allow",
            "sleep",
        ],
    )
    .expect("cmd-server starts");
    let addr = server.addr.to_string();
    // The one slot runs a command (the server has started it as its child)...
    let mut first = TcpStream::connect(server.addr).unwrap();
    first.write_all(b"\0\0\0\x08sleep 60").unwrap();
    let pid = server.child().id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let sleeping = loop {
        if let Some(child) = child_of(pid) {
            break child;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the command never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    // ...so a second client cannot take it, and is told the server is busy.
    let out = run("cmd-client", [addr.as_str(), "echo hi"]);
    let _ = Command::new("kill").arg(sleeping.to_string()).status();
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("server busy"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut server = Server::start("cmd-server", ["--port", "0", "-q"]).expect("cmd-server starts");
    let pid = server.child().id().to_string();
    let status = Command::new("kill").args(["-INT", pid.as_str()]).status();
    if status.map(|s| !s.success()).unwrap_or(true) {
        e2e::skip("ctrl_c_stops_the_server_cleanly", "kill");
        return;
    }
    let status = server.child().wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn ctrl_c_hangs_up_on_clients_waiting_between_commands() {
    // One client connected and silent, one in the middle of sending a frame (2 bytes of
    // a 4-byte header): neither is running a command, so Ctrl-C need not wait for them.
    let mut server =
        Server::start_logged("cmd-server", ["--port", "0"]).expect("cmd-server starts");
    let mut idle = TcpStream::connect(server.addr).unwrap();
    let mut halfway = TcpStream::connect(server.addr).unwrap();
    halfway.write_all(&[0, 0]).unwrap();
    // Both are being served once the server has logged them (no sleeping).
    let deadline = std::time::Duration::from_secs(30);
    let mut connected = 0;
    while connected < 2 {
        let line = server
            .stderr()
            .recv_timeout(deadline)
            .expect("the server logs");
        connected += usize::from(line.ends_with(" connected"));
    }
    e2e::interrupt(server.child());
    // The grace period for running commands is 15 s; an idle client is let go at once.
    // The deadline only fails a server that waits for them.
    let status = server.wait_exit(std::time::Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    let mut rest = Vec::new();
    assert_eq!(
        idle.read_to_end(&mut rest).unwrap(),
        0,
        "the idle client is hung up on"
    );
    assert_eq!(halfway.read_to_end(&mut rest).unwrap(), 0);
    // The log lines are forwarded by a thread: read until the one we want (or the end).
    let mut log: Vec<String> = Vec::new();
    while !log
        .iter()
        .any(|l| l.contains("the server is stopping: hanging up"))
    {
        match server.stderr().recv_timeout(deadline) {
            Ok(line) => log.push(line),
            Err(_) => panic!("no hang-up line in the log: {log:?}"),
        }
    }
}

/// The course's remote-command client, as the course writes it, pointed at loopback.
const COURSE_CLIENT: &str = r#"
import socket, struct, sys
phone = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
phone.connect(('127.0.0.1', int(sys.argv[1])))
for cmd in sys.argv[2:]:
    phone.send(cmd.encode('utf-8'))
    data_head = phone.recv(4)
    total_size = struct.unpack('i', data_head)[0]
    total_data = b''
    while len(total_data) < total_size:
        total_data += phone.recv(1024)
    print(total_data.decode('utf-8'), end='')
phone.close()
"#;

#[test]
fn the_course_python_client_talks_to_cmd_server_classic() {
    let Some(python) = python3("the_course_python_client_talks_to_cmd_server_classic") else {
        return;
    };
    let server =
        Server::start("cmd-server", ["--port", "0", "-q", "--classic"]).expect("cmd-server starts");
    let out = Command::new(python)
        .args([
            "-c",
            COURSE_CLIENT,
            &server.addr.port().to_string(),
            "echo hello",
            "seq 1 2",
            "rm x",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.starts_with("hello\n1\n2\n"), "{stdout}");
    assert!(stdout.contains("not on the allow-list"), "{stdout}");
}

/// The course's remote-command server, as the course writes it (port 0 and a
/// `listening on` line added so the test need not guess a port), on loopback.
const COURSE_SERVER: &str = r#"
import socket, subprocess, struct
phone = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
phone.bind(('127.0.0.1', 0))
phone.listen(5)
print('listening on %s:%d' % phone.getsockname(), flush=True)
conn, client_addr = phone.accept()
while 1:
    cmd = conn.recv(1024)
    if not cmd:
        break
    ret = subprocess.Popen(cmd.decode('utf-8'), shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    correct_msg = ret.stdout.read()
    error_msg = ret.stderr.read()
    conn.send(struct.pack('i', len(correct_msg) + len(error_msg)))
    conn.send(correct_msg + error_msg)
conn.close()
phone.close()
"#;

#[test]
fn cmd_client_classic_talks_to_the_course_python_server() {
    let Some(python) = python3("cmd_client_classic_talks_to_the_course_python_server") else {
        return;
    };
    let mut child = Command::new(python)
        .args(["-c", COURSE_SERVER])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("a listening line")
        .to_string();
    // One command per connection: the course's server reads a command with one recv, so
    // two commands sent back to back could stick together (the lesson's own point).
    let out = run("cmd-client", [addr.as_str(), "--classic", "echo 你好"]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "你好\n");
    let _ = child.wait();
}
