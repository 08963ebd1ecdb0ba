//! Lesson 7 (serving many clients) end to end: `threaded-echo-server` as a real process:
//! the listening line, echo in both modes, `--refuse`, Ctrl-C, and the exit codes.
//! Loopback only; the server starts on `--port 0`; every wait has a deadline.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use e2e::{
    assert_took, flood, interrupt, line_containing, rest_of, run, seconds_in, skip_because,
    tcp_connect, tcp_round_trip, trickle, Server, Trickled,
};

/// The longest any step may take before a test gives up. Healthy steps take milliseconds.
const DEADLINE: Duration = Duration::from_secs(30);

const PROGRAM: &str = "threaded-echo-server";

/// Starts the server on `--port 0` with `args`, its log (stderr) kept for the test.
fn start(args: &[&str]) -> Server {
    let mut all = vec!["--port", "0"];
    all.extend_from_slice(args);
    Server::start_logged(PROGRAM, all).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Waits, with the deadline, for the server to exit; returns its status and all its stderr.
fn wait(server: &mut Server) -> (ExitStatus, String) {
    let status = server.wait_exit(DEADLINE);
    let stderr = rest_of(server.stderr(), DEADLINE);
    (status, stderr)
}

/// A connection to the server whose reads and writes have the deadline.
fn connect(server: &Server) -> TcpStream {
    tcp_connect(server.addr, DEADLINE)
}

/// Sends `message`, half-closes, and returns the whole reply.
fn round_trip(server: &Server, message: &[u8]) -> Vec<u8> {
    tcp_round_trip(server.addr, message, DEADLINE)
}

/// Sends `message` on an open connection and reads back a reply of the same length.
fn exchange(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).expect("sending to the server");
    let mut reply = vec![0; message.len()];
    stream.read_exact(&mut reply).expect("reading the reply");
    reply
}

#[test]
fn echoes_in_spawn_mode() {
    let server = start(&["--mode", "spawn", "-q"]);
    assert!(server.addr.ip().is_loopback(), "127.0.0.1 by default");
    assert_eq!(round_trip(&server, b"hello\n"), b"hello\n");
    assert_eq!(round_trip(&server, "你好".as_bytes()), "你好".as_bytes());
}

#[test]
fn echoes_uppercased_in_pool_mode() {
    let server = start(&["--mode", "pool", "--workers", "3", "--upper", "-q"]);
    assert_eq!(round_trip(&server, b"hello, pool"), b"HELLO, POOL");
    // Several at once, fewer workers than clients: all served.
    let mut open: Vec<TcpStream> = (0..3).map(|_| connect(&server)).collect();
    for (i, stream) in open.iter_mut().enumerate() {
        let message = format!("client {i}");
        assert_eq!(
            exchange(stream, message.as_bytes()),
            message.to_uppercase().as_bytes()
        );
    }
}

#[test]
fn upper_is_done_on_characters_in_the_encoding_as_in_lesson_5() {
    // 乤 is 81 61 in GBK: a byte-wise upper() would turn its second byte 'a' into 'A'
    // (81 41, another character). Both lesson 5's server and this one keep it.
    let text_gbk = b"\x81\x61 abc \xc4\xe3\xba\xc3";
    let expected = b"\x81\x61 ABC \xc4\xe3\xba\xc3";
    for mode in [
        &["--mode", "spawn"][..],
        &["--mode", "pool", "--workers", "2"],
    ] {
        let mut args = vec!["--encoding", "gbk", "--upper", "-q"];
        args.extend_from_slice(mode);
        let server = start(&args);
        assert_eq!(round_trip(&server, text_gbk), expected, "{mode:?}");
    }
    let lesson5 = Server::start(
        "tcp-echo-server",
        ["--port", "0", "--encoding", "gbk", "--upper", "-q"],
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(tcp_round_trip(lesson5.addr, text_gbk, DEADLINE), expected);
    // And UTF-8 letters beyond ASCII, which the course's bytes.upper() leaves alone.
    let server = start(&["--upper", "-q"]);
    assert_eq!(
        round_trip(&server, "straße é".as_bytes()),
        "STRASSE É".as_bytes()
    );
}

#[test]
fn an_unknown_encoding_is_bad_usage() {
    let out = run(PROGRAM, ["--encoding", "klingon"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("unknown encoding"), "{}", out.stderr);
}

#[test]
fn ipv6_clients_are_logged_without_double_brackets() {
    if TcpListener::bind("[::1]:0").is_err() {
        skip_because(
            "threaded ipv6_clients_are_logged_without_double_brackets",
            "this machine has no IPv6 loopback (::1)",
        );
        return;
    }
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut server = start(&["--bind", "::1"]);
    assert_eq!(round_trip(&server, b"v6"), b"v6");
    #[cfg(unix)]
    {
        interrupt(server.child());
        let (status, stderr) = wait(&mut server);
        assert_eq!(status.code(), Some(0));
        assert!(stderr.contains("[::1]:"), "{stderr}");
        assert!(stderr.contains("connected"), "{stderr}");
        assert!(!stderr.contains("[["), "{stderr}");
    }
}

#[test]
fn refuse_tells_the_extra_client_it_is_busy() {
    let server = start(&["--max-connections", "1", "--refuse", "-q"]);
    let mut first = connect(&server);
    assert_eq!(exchange(&mut first, b"one"), b"one");
    let mut extra = connect(&server);
    let mut said = String::new();
    extra.read_to_string(&mut said).unwrap();
    assert!(said.starts_with("busy"), "{said:?}");
    assert_eq!(exchange(&mut first, b"two"), b"two");
}

#[cfg(unix)]
#[test]
fn counts_of_one_are_said_in_the_singular() {
    let mut server = start(&[
        "--mode",
        "pool",
        "--workers",
        "1",
        "--max-connections",
        "1",
        "--refuse",
    ]);
    let mut first = connect(&server);
    assert_eq!(exchange(&mut first, b"one"), b"one");
    let mut extra = connect(&server);
    let mut said = String::new();
    extra.read_to_string(&mut said).unwrap();
    assert!(said.starts_with("busy"), "{said:?}");
    drop(first);
    interrupt(server.child());
    let (status, stderr) = wait(&mut server);
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
    let mut server = start(&["--mode", "pool", "--workers", "2"]);
    assert_eq!(round_trip(&server, b"one"), b"one");
    interrupt(server.child());
    let (status, stderr) = wait(&mut server);
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
        let mut server = start(&["--mode", mode, "--grace", "600", "-q"]);
        let mut client = connect(&server);
        assert_eq!(exchange(&mut client, b"before"), b"before");
        interrupt(server.child());
        // The server stops accepting, but this client is still served until it leaves.
        assert_eq!(exchange(&mut client, b"after ctrl-c"), b"after ctrl-c");
        client.shutdown(Shutdown::Write).unwrap();
        let mut rest = Vec::new();
        client.read_to_end(&mut rest).unwrap();
        // A grace of 600 s: exiting within the deadline shows the server waited for the
        // client, not for the clock.
        let (status, stderr) = wait(&mut server);
        assert_eq!(status.code(), Some(0), "{mode}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_cuts_idle_clients_after_the_grace_period() {
    let mut server = start(&["--grace", "0", "-q"]);
    let mut idle = connect(&server);
    assert_eq!(exchange(&mut idle, b"hi"), b"hi");
    interrupt(server.child());
    let mut buf = [0u8; 4];
    assert_eq!(
        idle.read(&mut buf).unwrap(),
        0,
        "the server shut the socket down"
    );
    let (status, stderr) = wait(&mut server);
    assert_eq!(status.code(), Some(0));
    assert!(
        stderr.contains("1 connection still open"),
        "stderr:\n{stderr}"
    );
}

#[test]
fn logs_connections_and_messages_on_stderr_unless_quiet() {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut server = start(&["--stats"]);
    assert_eq!(round_trip(&server, b"log me"), b"log me");
    #[cfg(unix)]
    {
        interrupt(server.child());
        let (status, stderr) = wait(&mut server);
        assert_eq!(status.code(), Some(0));
        assert!(stderr.contains(" connected\n"), "{stderr}");
        // Lesson 5's log of a message: the text, shown in --encoding.
        assert!(stderr.contains(" 6 bytes: log me\n"), "{stderr}");
        assert!(stderr.contains(" closed\n"), "{stderr}");
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
        &["--max-connection-time", "0"],
        &["--no-such-flag"],
    ] {
        let out = run(PROGRAM, args);
        assert_eq!(out.code, Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert!(!out.stderr.is_empty(), "{args:?}: clap explains on stderr");
    }
}

#[test]
fn a_port_in_use_is_a_runtime_error_with_status_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(PROGRAM, ["--port", &port]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .starts_with(&format!("error: listening on 127.0.0.1:{port}: ")),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "no listening line when not listening"
    );
}

#[test]
fn help_names_the_modes() {
    let out = run(PROGRAM, ["--help"]);
    assert_eq!(out.code, Some(0));
    for word in [
        "spawn",
        "pool",
        "--workers",
        "--max-connections",
        "--refuse",
        "--upper",
    ] {
        assert!(out.stdout.contains(word), "--help mentions {word}");
    }
}

#[test]
fn a_client_that_never_reads_is_dropped_once_the_write_deadline_passes() {
    // Lesson 5's loop on a thread: the write timeout is a deadline for each whole reply.
    let server = start(&["--write-timeout", "2"]);
    let flooded = flood(server.addr, DEADLINE);
    assert_took("hanging up", flooded.after, Duration::from_secs(2));
    let line = line_containing(server.stderr(), "stopped reading", DEADLINE);
    assert!(
        line.contains(" error: the client stopped reading"),
        "{line}"
    );
    let waited = Duration::from_secs_f64(seconds_in(&line, "a reply waited "));
    assert_took("the reply's wait", waited, Duration::from_secs(2));
}

#[test]
fn a_trickling_client_is_cut_at_the_max_connection_time() {
    for mode in [
        &["--mode", "pool", "--workers", "1"][..],
        &["--mode", "spawn"],
    ] {
        let mut args = vec!["--idle-timeout", "30", "--max-connection-time", "2"];
        args.extend_from_slice(mode);
        let server = start(&args);
        let stream = connect(&server);
        let Trickled::HungUp(after) = trickle(&stream, Duration::from_millis(250), DEADLINE) else {
            panic!("{mode:?}: still connected after {DEADLINE:?}")
        };
        assert_took("hanging up", after, Duration::from_secs(2));
        line_containing(
            server.stderr(),
            "error: the connection reached its time limit of 2 s: hung up",
            DEADLINE,
        );
        // The worker is free for the next client.
        assert_eq!(round_trip(&server, b"next"), b"next", "{mode:?}");
    }
}

/// Starts `count` tricklers, each sending a byte every quarter of a second for `total`,
/// and returns once every one of them is being served (its first byte echoed). Each
/// thread returns how its trickle ended.
fn tricklers(server: &Server, count: usize, total: Duration) -> Vec<thread::JoinHandle<Trickled>> {
    (0..count)
        .map(|_| {
            let mut stream = connect(server);
            // Served: the first byte comes back.
            assert_eq!(exchange(&mut stream, b"."), b".");
            thread::spawn(move || trickle(&stream, Duration::from_millis(250), total))
        })
        .collect()
}

#[test]
fn a_pool_is_held_by_as_many_tricklers_as_it_has_workers() {
    // Two workers, two clients that are never idle (idle timeout 2 s, a byte every 250
    // ms): the pool has nobody left to serve a third client until one of them leaves.
    let server = start(&["--mode", "pool", "--workers", "2", "--idle-timeout", "2"]);
    let trickling = tricklers(&server, 2, Duration::from_secs(5));
    let mut probe = connect(&server);
    probe.write_all(b"probe").unwrap();
    probe
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let mut reply = [0u8; 5];
    let early = probe.read(&mut reply).map_err(|e| e.kind());
    assert!(
        matches!(early, Err(ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "no worker was free, yet: {early:?}"
    );
    for trickler in trickling {
        assert_eq!(trickler.join().unwrap(), Trickled::StillOpen);
    }
    // The tricklers' threads have ended and closed their sockets: workers are free.
    probe.set_read_timeout(Some(DEADLINE)).unwrap();
    probe.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"probe");
}

#[test]
fn a_thread_per_client_is_not_held_by_tricklers() {
    let server = start(&["--mode", "spawn", "--idle-timeout", "2"]);
    let done = Arc::new(AtomicBool::new(false));
    let trickling = tricklers(&server, 2, Duration::from_secs(5));
    let watcher = {
        let done = Arc::clone(&done);
        thread::spawn(move || {
            for trickler in trickling {
                assert_eq!(trickler.join().unwrap(), Trickled::StillOpen);
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let mut probe = connect(&server);
    assert_eq!(exchange(&mut probe, b"probe"), b"probe");
    assert!(
        !done.load(Ordering::SeqCst),
        "answered while the tricklers were still connected"
    );
    watcher.join().unwrap();
}
