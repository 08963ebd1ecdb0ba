//! End-to-end tests of what a hostile peer cannot do to the remote-command programs:
//! reach outside `cmd-server --dir` through the allow-list, lock other clients out with
//! silent or trickling connections, keep `cmd-client` waiting for ever, or hide its own
//! address from the server's log.
//!
//! Every deadline here only fails a hung test: each is many times what a healthy
//! program needs.

use e2e::{line_containing, program, run_command, Output, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long anything may take before the test calls it hung.
const LONG: Duration = Duration::from_secs(30);

/// Runs `cmd-client ARGS...` with a deadline.
fn client(args: &[&str]) -> Output {
    let mut command = Command::new(program("cmd-client"));
    command.args(args);
    run_command(command, b"", LONG)
}

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temporary directory");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- A. the allow-list: no way out of --dir ------------------------------------------

/// A served directory whose entries point out of it: `-x` (a name ls would take for an
/// option) is a symlink to the directory above, which holds a file only a listing of the
/// outside can show; `-root` is a symlink to `/`.
#[cfg(unix)]
fn served_with_ways_out(name: &str) -> (TempDir, PathBuf) {
    let top = TempDir::new(name);
    std::fs::write(top.path().join("outside-sentinel"), b"").expect("writing the sentinel");
    let served = top.path().join("served");
    std::fs::create_dir_all(served.join("sub")).expect("creating the served directory");
    std::fs::write(served.join("notes.txt"), b"").expect("writing a file inside");
    std::os::unix::fs::symlink("..", served.join("-x")).expect("symlink -x -> ..");
    std::os::unix::fs::symlink("/", served.join("-root")).expect("symlink -root -> /");
    (top, served)
}

#[cfg(unix)]
#[test]
fn ls_cannot_leave_the_directory_through_names_that_start_with_a_dash() {
    let (_top, served) = served_with_ways_out("ls-dash");
    let dir = served.to_string_lossy().into_owned();
    let server = Server::start("cmd-server", ["--port", "0", "-q", "--dir", dir.as_str()])
        .expect("cmd-server starts");
    let addr = server.addr.to_string();

    // Inside, and allowed: the entries are listed by name, nothing followed.
    let out = client(&[&addr, "ls -la", "ls sub -l", "ls -- notes.txt"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.contains("-x -> .."), "{}", out.stdout);
    assert!(!out.stdout.contains("outside-sentinel"), "{}", out.stdout);

    for bad in [
        "ls -- -x/..",
        "ls -- -x",
        "ls -- -x/",
        "ls -la -- -x/..",
        "ls sub -- -x",
        "ls -- -root",
        "ls -- -root/etc",
        "ls -L",
        "ls --dereference -x",
        "ls --dired",
        "ls --fil",
        "ls -I x -- -x",
        "ls ../outside-sentinel",
        "ls /",
        "date -f /etc/hostname",
        "date --file=/etc/hostname",
        "date --fil=/etc/hostname",
        "date -r /etc/hostname",
        "date -s 2000-01-01",
        "date 010100002000",
        "hostname evil",
        "hostname -F /etc/hostname",
        "uname -- evil",
        "uname --al",
    ] {
        let out = client(&[&addr, bad]);
        assert_eq!(out.code, Some(1), "{bad}: {}", out.stdout);
        assert!(out.stderr.contains("refused"), "{bad}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad}: {}", out.stdout);
    }
}

// ---- B. deadlines and making room ----------------------------------------------------

/// One framed request (`!I` header), as cmd-client sends it.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = u32::try_from(payload.len())
        .expect("a test request is short")
        .to_be_bytes()
        .to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

/// `cmd-server --port 0 ARGS...`, its log kept for the test to read.
fn logged_server(args: &[&str]) -> Server {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    Server::start_logged("cmd-server", all).expect("cmd-server starts")
}

/// Waits for the log line in which the server hangs up on a client for the deadline
/// `option` sets.
fn hung_up_for(server: &Server, option: &str) {
    let line = line_containing(server.stderr(), option, LONG);
    assert!(line.contains("hanging up"), "{line}");
}

/// Waits until the server has logged `count` new connections.
fn connected(server: &Server, count: usize) {
    for _ in 0..count {
        line_containing(server.stderr(), " connected", LONG);
    }
}

#[test]
fn silent_connections_cannot_lock_a_new_client_out() {
    // (A first-request deadline far away: the silent ones must still be there.)
    let server = logged_server(&["--max-clients", "2", "--first-request-timeout", "3600"]);
    let silent: Vec<TcpStream> = (0..2)
        .map(|_| e2e::tcp_connect(server.addr, LONG))
        .collect();
    connected(&server, 2);

    // Every slot is taken by a client that says nothing: the newcomer is served anyway.
    let out = client(&[&server.addr.to_string(), "echo served"]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "served\n");

    // The one idle the longest (the first) made room, and the log says so.
    let first = silent[0].local_addr().expect("the first client's address");
    let line = line_containing(server.stderr(), "to make room for", LONG);
    assert!(line.contains(&first.to_string()), "{line}");
    let mut rest = Vec::new();
    let mut evicted = &silent[0];
    assert_eq!(evicted.read_to_end(&mut rest).ok(), Some(0), "hung up on");
}

/// Sends `bytes` one a second from a thread until the server hangs up (a write fails),
/// `stop` is set, or all are sent. Returns the reading half.
fn trickle(addr: SocketAddr, bytes: Vec<u8>, stop: Arc<AtomicBool>) -> TcpStream {
    let stream = e2e::tcp_connect(addr, LONG);
    let mut writer = stream.try_clone().expect("cloning the socket");
    std::thread::spawn(move || {
        for byte in bytes {
            if stop.load(Ordering::Relaxed) || writer.write_all(&[byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    stream
}

/// Reads until the server closes; a read that times out fails the test.
fn until_closed(mut stream: &TcpStream, what: &str) -> Vec<u8> {
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => {}
        // A reset is a close too: the trickler wrote after the server had gone.
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("{what}: the server did not hang up ({e})"),
    }
    got
}

#[test]
fn a_request_trickled_byte_by_byte_is_dropped_at_its_deadline() {
    let server = logged_server(&["--request-timeout", "2"]);
    // A request of 100 bytes at one byte a second would take 104 s: the server gives up
    // 2 s after the first byte, long before the test's own 30 s deadline.
    let stop = Arc::new(AtomicBool::new(false));
    let request = frame(&[b'x'; 100]);
    let stream = trickle(server.addr, request, Arc::clone(&stop));
    until_closed(&stream, "trickling a request");
    stop.store(true, Ordering::Relaxed);
    hung_up_for(&server, "--request-timeout");
}

#[test]
fn a_silent_client_is_dropped_at_the_first_request_deadline() {
    let server = logged_server(&["--first-request-timeout", "1"]);
    let stream = e2e::tcp_connect(server.addr, LONG);
    assert!(until_closed(&stream, "saying nothing").is_empty());
    hung_up_for(&server, "--first-request-timeout");
}

#[test]
fn an_idle_client_is_dropped_at_the_idle_deadline() {
    let server = logged_server(&["--idle-timeout", "1"]);
    let mut stream = e2e::tcp_connect(server.addr, LONG);
    stream
        .write_all(&frame(b"echo once"))
        .expect("sending a request");
    let reply = until_closed(&stream, "idle after one command");
    assert!(
        reply.ends_with(b"once\n"),
        "the command ran first: {reply:?}"
    );
    hung_up_for(&server, "--idle-timeout");
}

#[test]
fn cmd_client_reading_stdin_reconnects_after_the_server_hung_up_on_it() {
    let server = logged_server(&["--idle-timeout", "1"]);
    let mut child = Command::new(program("cmd-client"))
        .arg(server.addr.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting cmd-client");
    let mut typing = child.stdin.take().expect("cmd-client's stdin");
    writeln!(typing, "echo one").expect("typing a command");
    // The user thinks longer than the server waits...
    hung_up_for(&server, "--idle-timeout");
    // ...then types the next command, which still runs.
    writeln!(typing, "echo two").expect("typing a command");
    drop(typing);
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(Ok(out)) = rx.recv_timeout(LONG) else {
        let _ = Command::new("kill").arg(pid.to_string()).status();
        panic!("cmd-client did not finish within {LONG:?}");
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "one\ntwo\n");
    assert!(stderr.contains("reconnecting"), "{stderr}");
}

#[test]
fn a_classic_client_trickling_bytes_gives_way_to_a_newcomer() {
    let server = logged_server(&["--classic", "--max-clients", "1"]);
    // In the course's protocol every read is a command: one byte a second is one command
    // a second, and the connection is never idle for long.
    let stop = Arc::new(AtomicBool::new(false));
    let stream = trickle(server.addr, vec![b'x'; 60], Arc::clone(&stop));
    connected(&server, 1);
    line_containing(server.stderr(), "$ x ->", LONG);

    let out = client(&[&server.addr.to_string(), "--classic", "echo served"]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stdout, "served\n");
    until_closed(&stream, "the trickler");
    stop.store(true, Ordering::Relaxed);
    line_containing(server.stderr(), "to make room for", LONG);
}

#[test]
fn deadline_options_are_validated() {
    for args in [
        ["--first-request-timeout", "0"],
        ["--request-timeout", "0"],
        ["--idle-timeout", "0"],
        ["--idle-timeout", "3601"],
        ["--max-clients", "0"],
        ["--request-timeout", "soon"],
    ] {
        // With a deadline: a server that took the option would run until killed.
        let mut command = Command::new(program("cmd-server"));
        command.args(["--port", "0"]).args(args);
        let out = run_command(command, b"", LONG);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
    }
    let help = e2e::run("cmd-server", ["--help"]);
    for option in [
        "--first-request-timeout",
        "--request-timeout",
        "--idle-timeout",
    ] {
        assert!(help.stdout.contains(option), "{option}: {}", help.stdout);
    }
}

// ---- C. cmd-client does not wait for ever --------------------------------------------

/// A fake server on loopback: accepts one client, reads what it sends, answers with
/// `answer` (maybe nothing) and then says nothing more until the client hangs up.
fn fake_server(answer: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a fake server");
    let addr = listener.local_addr().expect("the fake server's address");
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_read_timeout(Some(LONG));
        let mut request = [0u8; 64];
        let _ = stream.read(&mut request);
        let _ = stream.write_all(answer);
        // Hold the connection open, silent, until the client goes.
        let _ = stream.read_to_end(&mut Vec::new());
    });
    addr
}

/// Asserts that cmd-client failed (exit status 1) and said each of `words` on stderr.
fn failed_saying(out: &Output, words: &[&str]) {
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    for word in words {
        assert!(out.stderr.contains(word), "{word:?}: {}", out.stderr);
    }
}

#[test]
fn cmd_client_gives_up_on_a_server_that_never_answers() {
    let addr = fake_server(b"").to_string();
    let out = client(&["--timeout", "2", &addr, "echo hi"]);
    failed_saying(&out, &["error: no reply to \"echo hi\" within 2 s"]);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn cmd_client_gives_up_on_a_reply_that_stops_after_its_header() {
    // A header announcing 64 MiB (the most cmd-client accepts), then nothing.
    let addr = fake_server(&[0x04, 0x00, 0x00, 0x00]).to_string();
    let out = client(&["--timeout", "2", &addr, "echo hi"]);
    failed_saying(&out, &["within 2 s", "of its 67108864 bytes"]);
}

#[test]
fn cmd_client_refuses_a_reply_longer_than_it_accepts_before_waiting_for_it() {
    // 64 MiB + 1: refused on reading the header, whatever the timeout.
    let addr = fake_server(&[0x04, 0x00, 0x00, 0x01]).to_string();
    let out = client(&["--timeout", "20", &addr, "echo hi"]);
    failed_saying(&out, &["exceeds the limit"]);
}

#[test]
fn cmd_client_timeout_options_are_validated() {
    for args in [
        ["--timeout", "0", "127.0.0.1:1", "echo hi"],
        ["--connect-timeout", "0", "127.0.0.1:1", "echo hi"],
        ["--timeout", "x", "127.0.0.1:1", "echo hi"],
    ] {
        let out = client(&args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
    }
}

/// Fills a listener's accept queue (the test never accepts) until a connection attempt
/// goes unanswered: Linux then drops further SYNs, so a connect waits until its timeout.
/// `None` when the queue did not fill (another system's behaviour).
#[cfg(target_os = "linux")]
fn unanswered_address() -> Option<(TcpListener, Vec<TcpStream>, SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
    let addr = listener.local_addr().expect("its address");
    let mut queued = Vec::new();
    for _ in 0..1000 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(500)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == ErrorKind::TimedOut => return Some((listener, queued, addr)),
            Err(_) => return None,
        }
    }
    None
}

#[cfg(target_os = "linux")]
#[test]
fn cmd_client_gives_up_on_a_connection_that_is_never_answered() {
    let Some((_listener, _queued, addr)) = unanswered_address() else {
        e2e::skip_because(
            "cmd_client_gives_up_on_a_connection_that_is_never_answered",
            "a full accept queue did not leave a connection unanswered here",
        );
        return;
    };
    let out = client(&["--connect-timeout", "1", &addr.to_string(), "echo hi"]);
    failed_saying(&out, &["connecting to", "no answer within 1 s"]);
}

// ---- D. the log names every client ---------------------------------------------------

/// Sends `signal` (STOP, CONT) to a process with the `kill` command.
#[cfg(unix)]
fn signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn a_client_that_resets_before_it_is_accepted_is_logged_with_its_address() {
    let mut server = logged_server(&[]);
    // Stopped, the server cannot accept; the kernel still completes the handshake, so the
    // connection waits in the queue, where the reset (SO_LINGER 0, then close) reaches it.
    let pid = server.child().id();
    if !signal(pid, "STOP") {
        e2e::skip_because(
            "a_client_that_resets_before_it_is_accepted_is_logged_with_its_address",
            "kill -STOP failed",
        );
        return;
    }
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    let connected = socket.connect(&server.addr.into());
    let local = socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .expect("our own address");
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket); // RST
    assert!(signal(pid, "CONT"), "kill -CONT");
    connected.expect("the kernel completes the handshake for a stopped server");

    let line = line_containing(server.stderr(), "connected", LONG);
    assert!(!line.contains("0.0.0.0:0"), "{line}");
    assert!(line.starts_with(&format!("{local} ")), "{local}: {line}");
}
