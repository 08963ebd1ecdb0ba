//! End-to-end tests of what a hostile peer cannot do to the remote-command programs:
//! reach outside `cmd-server --dir` through the allow-list, keep `cmd-client` waiting
//! for ever, or hide its own address from the server's log.
//!
//! Every deadline here only fails a hung test: each is many times what a healthy
//! program needs.

use e2e::{line_containing, program, run_command, Output, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
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

#[test]
fn cmd_client_gives_up_on_a_server_that_never_answers() {
    let addr = fake_server(b"").to_string();
    let out = client(&["--timeout", "2", &addr, "echo hi"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(out.stderr.contains("within 2 s"), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn cmd_client_gives_up_on_a_reply_that_stops_after_its_header() {
    // A header announcing 64 MiB (the most cmd-client accepts), then nothing.
    let addr = fake_server(&[0x04, 0x00, 0x00, 0x00]).to_string();
    let out = client(&["--timeout", "2", &addr, "echo hi"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("within 2 s"), "{}", out.stderr);
    assert!(out.stderr.contains("67108864"), "{}", out.stderr);
}

#[test]
fn cmd_client_refuses_a_reply_longer_than_it_accepts_before_waiting_for_it() {
    // 64 MiB + 1: refused on reading the header, whatever the timeout.
    let addr = fake_server(&[0x04, 0x00, 0x00, 0x01]).to_string();
    let out = client(&["--timeout", "20", &addr, "echo hi"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("exceeds the limit"), "{}", out.stderr);
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
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("connecting to"), "{}", out.stderr);
    assert!(out.stderr.contains("within 1 s"), "{}", out.stderr);
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
    let mut server =
        Server::start_logged("cmd-server", ["--port", "0"]).expect("cmd-server starts");
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
    assert!(line.contains(&format!("[{local}]")), "{local}: {line}");
}
