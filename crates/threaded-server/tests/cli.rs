//! `threaded-echo-server` as a real process: the listening line, echo in both modes,
//! `--refuse`, Ctrl-C, and the exit codes.

// Test helpers too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest any step may take before a test gives up. Healthy steps take milliseconds.
const DEADLINE: Duration = Duration::from_secs(30);

const PROGRAM: &str = env!("CARGO_BIN_EXE_threaded-echo-server");

/// The server process; killed if the test ends without stopping it.
struct Process {
    child: Child,
    addr: SocketAddr,
    /// Everything the server writes on stderr, delivered when it exits.
    stderr: mpsc::Receiver<String>,
}

/// Starts the server on `--port 0` with `args`, and reads its first stdout line,
/// `listening on IP:PORT`, with a deadline.
fn start(args: &[&str]) -> Process {
    let mut child = Command::new(PROGRAM)
        .args(["--port", "0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting threaded-echo-server");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (line_tx, line_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = line_tx.send(line);
    });
    // Collect stderr as it comes, so a chatty server never blocks on a full pipe.
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let (err_tx, err_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = err_tx.send(text);
    });
    let line = match line_rx.recv_timeout(DEADLINE) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("no `listening on` line within {DEADLINE:?}");
        }
    };
    let addr = line
        .strip_prefix("listening on ")
        .and_then(|rest| rest.trim_end().parse().ok())
        .unwrap_or_else(|| panic!("first line {line:?} is not `listening on IP:PORT`"));
    Process {
        child,
        addr,
        stderr: err_rx,
    }
}

impl Process {
    /// Sends SIGINT, as Ctrl-C in a terminal does.
    #[cfg(unix)]
    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(status.success(), "kill -INT failed");
    }

    /// Waits, with the deadline, for the process to exit; returns its status and stderr.
    fn wait(mut self) -> (ExitStatus, String) {
        let until = std::time::Instant::now() + DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("waiting for the server") {
                break status;
            }
            assert!(
                std::time::Instant::now() < until,
                "the server did not exit within {DEADLINE:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = self.stderr.recv_timeout(DEADLINE).unwrap_or_default();
        (status, stderr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connecting to the server");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

fn round_trip(addr: SocketAddr, message: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(message).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    reply
}

fn exchange(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).unwrap();
    let mut reply = vec![0; message.len()];
    stream.read_exact(&mut reply).unwrap();
    reply
}

fn run(args: &[&str]) -> Output {
    Command::new(PROGRAM)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("running threaded-echo-server")
}

#[test]
fn echoes_in_spawn_mode() {
    let server = start(&["--mode", "spawn", "-q"]);
    assert!(server.addr.ip().is_loopback(), "127.0.0.1 by default");
    assert_eq!(round_trip(server.addr, b"hello\n"), b"hello\n");
    assert_eq!(
        round_trip(server.addr, "你好".as_bytes()),
        "你好".as_bytes()
    );
}

#[test]
fn echoes_uppercased_in_pool_mode() {
    let server = start(&["--mode", "pool", "--workers", "3", "--upper", "-q"]);
    assert_eq!(round_trip(server.addr, b"hello, pool"), b"HELLO, POOL");
    // Several at once, fewer workers than clients: all served.
    let mut open: Vec<TcpStream> = (0..3).map(|_| connect(server.addr)).collect();
    for (i, stream) in open.iter_mut().enumerate() {
        let message = format!("client {i}");
        assert_eq!(
            exchange(stream, message.as_bytes()),
            message.to_uppercase().as_bytes()
        );
    }
}

#[test]
fn refuse_tells_the_extra_client_it_is_busy() {
    let server = start(&["--max-connections", "1", "--refuse", "-q"]);
    let mut first = connect(server.addr);
    assert_eq!(exchange(&mut first, b"one"), b"one");
    let mut extra = connect(server.addr);
    let mut said = String::new();
    extra.read_to_string(&mut said).unwrap();
    assert!(said.starts_with("busy"), "{said:?}");
    assert_eq!(exchange(&mut first, b"two"), b"two");
}

#[cfg(unix)]
#[test]
fn counts_of_one_are_said_in_the_singular() {
    let server = start(&[
        "--mode",
        "pool",
        "--workers",
        "1",
        "--max-connections",
        "1",
        "--refuse",
    ]);
    let mut first = connect(server.addr);
    assert_eq!(exchange(&mut first, b"one"), b"one");
    let mut extra = connect(server.addr);
    let mut said = String::new();
    extra.read_to_string(&mut said).unwrap();
    assert!(said.starts_with("busy"), "{said:?}");
    drop(first);
    server.interrupt();
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("a pool of 1 worker, at most 1 client (then refuse)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused: already 1 connection (the maximum)"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_exit_status_0_and_a_final_stats_line() {
    let server = start(&["--mode", "pool", "--workers", "2"]);
    assert_eq!(round_trip(server.addr, b"one"), b"one");
    server.interrupt();
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0), "stderr:\n{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "threaded-echo-server: stopped: accepted 1, active 0, refused 0, panics 0, errors 0"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_lets_a_conversation_under_way_finish() {
    for mode in ["spawn", "pool"] {
        let server = start(&["--mode", mode, "--grace", "600", "-q"]);
        let mut client = connect(server.addr);
        assert_eq!(exchange(&mut client, b"before"), b"before");
        server.interrupt();
        // The server stops accepting, but this client is still served until it leaves.
        assert_eq!(exchange(&mut client, b"after ctrl-c"), b"after ctrl-c");
        client.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).unwrap();
        // A grace of 600 s: exiting within the deadline shows the server waited for the
        // client, not for the clock.
        let (status, stderr) = server.wait();
        assert_eq!(status.code(), Some(0), "{mode}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_cuts_idle_clients_after_the_grace_period() {
    let server = start(&["--grace", "0", "-q"]);
    let mut idle = connect(server.addr);
    assert_eq!(exchange(&mut idle, b"hi"), b"hi");
    server.interrupt();
    let mut buf = [0u8; 4];
    assert_eq!(
        idle.read(&mut buf).unwrap(),
        0,
        "the server shut the socket down"
    );
    let (status, stderr) = server.wait();
    assert_eq!(status.code(), Some(0));
    assert!(
        stderr.contains("1 connection(s) still open"),
        "stderr:\n{stderr}"
    );
}

#[test]
fn logs_connections_and_messages_on_stderr_unless_quiet() {
    let server = start(&["--stats"]);
    assert_eq!(round_trip(server.addr, b"log me"), b"log me");
    #[cfg(unix)]
    {
        server.interrupt();
        let (status, stderr) = server.wait();
        assert_eq!(status.code(), Some(0));
        assert!(stderr.contains("] connected"), "{stderr}");
        assert!(stderr.contains("] 6 bytes: \"log me\""), "{stderr}");
        assert!(stderr.contains("] closed"), "{stderr}");
    }
}

#[test]
fn bad_usage_exits_with_status_2() {
    for args in [
        &["--mode", "forking"][..],
        &["--workers", "0"],
        &["--workers", "many"],
        &["--max-connections", "0"],
        &["--port", "65536"],
        &["--bind", "localhost"],
        &["--idle-timeout", "0"],
        &["--no-such-flag"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(!out.stderr.is_empty(), "{args:?}: clap explains on stderr");
    }
}

#[test]
fn a_port_in_use_is_a_runtime_error_with_status_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(&["--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!("error: listening on 127.0.0.1:{port}: ")),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "no listening line when not listening"
    );
}

#[test]
fn help_names_the_modes() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "spawn",
        "pool",
        "--workers",
        "--max-connections",
        "--refuse",
        "--upper",
    ] {
        assert!(help.contains(word), "--help mentions {word}");
    }
}
