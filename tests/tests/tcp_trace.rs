//! `tcp-trace` end to end: the real program capturing real connections between
//! `tcp-echo-server` and `tcp-echo-client` on loopback, checked against what TCP must do
//! (the handshake's numbers, every byte acknowledged, a FIN each way) and against tcpdump.
//!
//! Capturing needs CAP_NET_RAW. Where the tests run without it, each capturing test prints
//! `skipped: CAP_NET_RAW not available` and passes; the test of the message a user without
//! it gets runs `tcp-trace` with the capability dropped (setpriv or capsh), and is skipped
//! when neither tool is there. Every wait has a deadline; none is a sleep.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use e2e::{lines_of, next_line, program, rest_of, run_command, skip, skip_because, tool};

mod tcp_trace_process;
mod tcp_trace_states;
mod tcp_trace_support;

use tcp_trace_support::*;

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// Traces `tcp-echo-client SERVER hello` against an echo server bound to `ip`, checks the
/// whole conversation, and returns what tcp-trace printed (`None`: skipped).
fn traced_echo(test: &str, ip: &str) -> Option<String> {
    let server = echo_server(ip, &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let args = [
        "--port",
        &port,
        "--raw-seq",
        "--",
        "tcp-echo-client",
        &target,
        "hello",
    ];
    let out = trace(test, &strings(&args))?;
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    // `SocketAddr` writes an IPv6 address in brackets, as the diagram does.
    assert!(
        out.stdout.contains(&format!("-> server {target}")),
        "{}",
        out.stdout
    );
    assert_whole_conversation(&out.stdout, 5);
    Some(out.stdout)
}

#[test]
fn an_echo_over_ipv4_from_syn_to_the_last_ack() {
    let Some(stdout) = traced_echo("an_echo_over_ipv4_from_syn_to_the_last_ack", "127.0.0.1")
    else {
        return;
    };
    assert!(stdout.contains("#1 client 127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("the client closed first"), "{stdout}");
}

#[test]
fn an_echo_over_ipv6() {
    let Some(stdout) = traced_echo("an_echo_over_ipv6", "::1") else {
        return;
    };
    assert!(stdout.contains("#1 client [::1]:"), "{stdout}");
}

#[test]
fn port_mode_follows_a_client_started_after_the_ready_line() {
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let test = "port_mode_follows_a_client_started_after_the_ready_line";
    let Some((mut child, stdout, _stderr)) = start_trace(
        test,
        &strings(&["--port", &port, "--raw-seq", "--count", "1"]),
        Stdio::null(),
    ) else {
        return;
    };
    let mut client = Command::new(program(CLIENT_SERVER.0));
    client.arg(server.addr.to_string()).arg("hi there");
    let out = run_command(client, b"", DEADLINE);
    assert!(out.success(), "{}", out.stderr);
    let status = wait_exit(&mut child, "tcp-trace --count 1");
    assert!(status.success());
    assert_whole_conversation(&rest_of(&stdout, DEADLINE), 8);
}

#[test]
fn a_refused_connection_is_a_syn_answered_by_rst() {
    // A port nobody listens on: bound (so it is free), then closed.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let target = format!("127.0.0.1:{port}");
    let Some(out) = trace(
        "a_refused_connection_is_a_syn_answered_by_rst",
        &strings(&[
            "--port",
            &port.to_string(),
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ]),
    ) else {
        return;
    };
    // The client's exit status (1: it could not connect) is tcp-trace's.
    assert_eq!(out.status.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    let lines = segments(&out.stdout, 1);
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(lines[0].from_client && lines[0].flags == "SYN");
    assert!(
        !lines[1].from_client && lines[1].has("RST"),
        "{}",
        out.stdout
    );
    assert!(lines[1].text.contains("RST: connection refused"));
    assert!(out
        .stdout
        .contains("refused: the SYN was answered with RST"));
}

#[test]
fn segments_agree_with_tcpdump() {
    let test = "segments_agree_with_tcpdump";
    let Some(tcpdump) = tool("tcpdump") else {
        skip(test, "tcpdump");
        return;
    };
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let mut dump = Command::new(tcpdump)
        .args(["-i", "lo", "-n", "-S", "-l", "tcp", "port", &port])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting tcpdump: {e}"));
    let dumped = lines_of(dump.stdout.take().expect("piped"));
    let dump_err = lines_of(dump.stderr.take().expect("piped"));
    // tcpdump says "listening on lo" once it captures (after a line about verbosity), or
    // why it cannot.
    let mut said = Vec::new();
    let listening = loop {
        match dump_err.recv_timeout(DEADLINE) {
            Ok(line) if line.contains("listening on") => break true,
            Ok(line) => said.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break false,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("tcpdump said neither `listening on` nor why not: {said:?}")
            }
        }
    };
    if !listening {
        let _ = dump.kill();
        let _ = dump.wait();
        skip_because(
            test,
            &format!("tcpdump cannot capture here: {}", said.join(" ")),
        );
        return;
    }
    let Some(out) = trace(
        test,
        &strings(&[
            "--port",
            &port,
            "--raw-seq",
            "--",
            "tcp-echo-client",
            &server.addr.to_string(),
            "hello",
            "again",
        ]),
    ) else {
        let _ = dump.kill();
        let _ = dump.wait();
        return;
    };
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    let ours = segments(&out.stdout, 1);
    let theirs: Vec<String> = (0..ours.len())
        .map(|i| next_line(&dumped, DEADLINE, &format!("tcpdump's line {}", i + 1)))
        .collect();
    let _ = dump.kill();
    let _ = dump.wait();
    for (line, dumped) in ours.iter().zip(&theirs) {
        let flags = dumped
            .split("Flags [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .unwrap_or_else(|| panic!("no flags in {dumped:?}"));
        let mut expected: Vec<char> = line
            .flags
            .split('+')
            .map(|f| match f {
                "SYN" => 'S',
                "FIN" => 'F',
                "RST" => 'R',
                "PSH" => 'P',
                "ACK" => '.',
                other => panic!("flag {other} in {line:?}"),
            })
            .collect();
        let mut found: Vec<char> = flags.chars().collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected, "flags of {:?} vs {dumped:?}", line.text);
        // `seq N` or `seq N:M` (tcpdump leaves it out of a bare ACK), `ack N`, `length N`.
        let field = |name: &str| {
            dumped
                .split(", ")
                .find_map(|part| part.strip_prefix(name))
                .map(str::to_string)
        };
        if let Some(seq) = field("seq ") {
            let first: u32 = seq
                .split(':')
                .next()
                .and_then(|s| s.parse().ok())
                .expect("seq");
            assert_eq!(
                Some(first),
                line.raw_seq,
                "seq of {:?} vs {dumped:?}",
                line.text
            );
        }
        if let Some(ack) = field("ack ") {
            assert_eq!(
                ack.parse().ok(),
                line.raw_ack,
                "ack of {:?} vs {dumped:?}",
                line.text
            );
        }
        let length: u32 = field("length ")
            .and_then(|l| l.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or_else(|| panic!("no length in {dumped:?}"));
        assert_eq!(length, line.len, "length of {:?} vs {dumped:?}", line.text);
    }
}

#[test]
fn without_cap_net_raw_the_message_says_how_to_run_it() {
    let test = "without_cap_net_raw_the_message_says_how_to_run_it";
    let Some(out) = without_net_raw(test, &["--port", "9"]) else {
        return;
    };
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "no ready line: {}", out.stdout);
    assert!(out.stderr.starts_with(NOT_PERMITTED), "{}", out.stderr);
    assert!(
        out.stderr.contains("sudo setcap cap_net_raw+ep "),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.trim_end().ends_with("tcp-trace"),
        "{}",
        out.stderr
    );
}

#[test]
fn without_cap_net_raw_states_still_show_the_socket_table() {
    let test = "without_cap_net_raw_states_still_show_the_socket_table";
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let Some(out) = without_net_raw(
        test,
        &[
            "--port",
            &port,
            "--states",
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ],
    ) else {
        return;
    };
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with("watching the socket table"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(socket table only)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("#1 states left: client TIME_WAIT"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains(NOT_PERMITTED), "{}", out.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let out = e2e::run("tcp-trace", ["--count", "0"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let out = e2e::run("tcp-trace", ["--port", "http"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}
