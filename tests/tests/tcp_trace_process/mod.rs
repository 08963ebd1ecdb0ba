//! `tcp-trace` and the command it runs, as processes: the command never outlives the
//! trace (Ctrl-C, `--count`, a closed pipe), a background process holding the command's
//! output open does not hold up the end, and the usage errors.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use e2e::{interrupt, line_containing, program, rest_of, run_command};

use super::tcp_trace_support::*;

/// The address in a `listening on IP:PORT` line.
fn listening_on(line: &str) -> SocketAddr {
    line.trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("not a listening line: {line:?}"))
}

/// Fails unless nothing listens on `addr` any more (the server there has exited).
fn assert_nobody_listens(addr: SocketAddr, what: &str) {
    let connected = TcpStream::connect_timeout(&addr, DEADLINE);
    assert!(
        connected.is_err(),
        "{what} still accepts connections on {addr}: it outlived tcp-trace"
    );
}

#[test]
fn ctrl_c_to_the_trace_alone_stops_the_command_too() {
    // SIGINT to tcp-trace only (not to its process group, as a terminal would send it):
    // the command must be stopped by tcp-trace.
    let test = "ctrl_c_to_the_trace_alone_stops_the_command_too";
    let args = strings(&["--port", "5", "--", "tcp-echo-server", "--port", "0", "-q"]);
    let Some((mut child, stdout, stderr)) = start_trace(test, &args, Stdio::null()) else {
        return;
    };
    let addr = listening_on(&line_containing(&stdout, "listening on ", DEADLINE));
    interrupt(&child);
    let status = wait_exit(&mut child, "tcp-trace after SIGINT");
    let rest = rest_of(&stdout, DEADLINE);
    // tcp-echo-server ends on SIGINT as it does on Ctrl-C: its status is tcp-trace's.
    assert!(
        status.success() || status.code() == Some(130),
        "{status:?}\n{rest}\n{}",
        rest_of(&stderr, DEADLINE)
    );
    assert_nobody_listens(addr, "tcp-echo-server");
}

#[test]
fn a_command_that_ignores_sigint_is_killed() {
    let test = "a_command_that_ignores_sigint_is_killed";
    // `trap '' INT` is inherited through exec: sleep ignores SIGINT too.
    let script = "trap '' INT; echo ready; exec sleep 60";
    let args = strings(&["--port", "5", "--", "sh", "-c", script]);
    let Some((mut child, stdout, _stderr)) = start_trace(test, &args, Stdio::null()) else {
        return;
    };
    line_containing(&stdout, "ready", DEADLINE);
    interrupt(&child);
    let status = wait_exit(&mut child, "tcp-trace after SIGINT");
    // 128 + 9: killed by SIGKILL once the time allowed after SIGINT was over.
    assert_eq!(status.code(), Some(137), "{}", rest_of(&stdout, DEADLINE));
}

#[test]
fn a_background_process_holding_the_output_does_not_hold_up_the_end() {
    let test = "a_background_process_holding_the_output_does_not_hold_up_the_end";
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    // The background sleep keeps the command's stdout open long after the command ends;
    // it prints its pid first, to be cleaned up after.
    let script = format!(
        "sleep 60 & echo \"background $!\"; tcp-echo-client {} hello",
        server.addr
    );
    let args = strings(&["--port", &port, "--raw-seq", "--", "sh", "-c", &script]);
    let Some((mut child, stdout, stderr)) = start_trace(test, &args, Stdio::null()) else {
        return;
    };
    // Every line is kept: the command's output and the diagram come in either order.
    let status = wait_exit(&mut child, "tcp-trace with a background process");
    let rest = rest_of(&stdout, DEADLINE);
    let background = rest.lines().find_map(|l| l.strip_prefix("background "));
    if let Some(pid) = background {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }
    assert!(
        status.success(),
        "{status:?}\n{rest}\n{}",
        rest_of(&stderr, DEADLINE)
    );
    assert_whole_conversation(&rest, 5);
}

#[test]
fn a_closed_pipe_ends_the_trace_and_the_command() {
    // `tcp-trace -- tcp-echo-server | head -2`: once the reader is gone, tcp-trace ends
    // as a SIGPIPE would end it (141), and takes its server with it.
    let test = "a_closed_pipe_ends_the_trace_and_the_command";
    let mut child = Command::new(program("tcp-trace"))
        .args(["--", "tcp-echo-server", "--port", "0", "-q"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting tcp-trace: {e}"));
    let stdout = child.stdout.take().expect("piped");
    // Two lines are read (the ready line and the server's), then the pipe is closed.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first: Vec<String> = lines.by_ref().take(2).map_while(Result::ok).collect();
        let _ = tx.send(first);
    });
    let first = rx.recv_timeout(DEADLINE).expect("two lines from tcp-trace");
    if first.len() < 2 || !first[0].starts_with("capturing on lo") {
        let said = rest_of(
            &e2e::lines_of(child.stderr.take().expect("piped")),
            DEADLINE,
        );
        let _ = child.kill();
        let _ = child.wait();
        if said.contains("CAP_NET_RAW") {
            e2e::skip_because(test, NO_CAPTURE);
            return;
        }
        panic!("tcp-trace printed {first:?}; stderr:\n{said}");
    }
    let addr = listening_on(&first[1]);
    // A connection to draw: the first line written after the reader left fails.
    let mut client = Command::new(program(CLIENT_SERVER.0));
    client.arg(addr.to_string()).arg("hello");
    let _ = run_command(client, b"", DEADLINE);
    let status = wait_exit(&mut child, "tcp-trace with its reader gone");
    assert_eq!(status.code(), Some(141));
    assert_nobody_listens(addr, "tcp-echo-server");
}

#[test]
fn count_with_a_command_stops_the_command_once_enough_connections_ended() {
    let test = "count_with_a_command_stops_the_command_once_enough_connections_ended";
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    // The command goes on for a minute after its one connection: --count 1 ends it.
    let script = format!("tcp-echo-client {} hello && exec sleep 60", server.addr);
    let args = strings(&[
        "--port",
        &port,
        "--raw-seq",
        "--count",
        "1",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    let Some(out) = trace(test, &args) else {
        return;
    };
    assert!(
        out.status.success(),
        "{:?}\n{}\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    assert_whole_conversation(&out.stdout, 5);
}

#[test]
fn port_0_is_a_usage_error() {
    // With a deadline: were it accepted, tcp-trace would capture until stopped.
    let mut command = Command::new(program("tcp-trace"));
    command.args(["--port", "0"]);
    let out = run_command(command, b"", DEADLINE);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("--port"), "{}", out.stderr);
}
