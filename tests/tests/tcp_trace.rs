//! `tcp-trace` end to end: the real program capturing real connections between
//! `tcp-echo-server` and `tcp-echo-client` on loopback, checked against what TCP must do
//! (the handshake's numbers, every byte acknowledged, a FIN each way) and against tcpdump.
//!
//! Capturing needs CAP_NET_RAW. Where the tests run without it, each capturing test prints
//! `skipped: CAP_NET_RAW not available` and passes; the test of the message a user without
//! it gets runs `tcp-trace` with the capability dropped (setpriv or capsh), and is skipped
//! when neither tool is there. Every wait has a deadline; none is a sleep.

use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use e2e::{
    line_containing, lines_of, next_line, program, rest_of, run_command, skip, skip_because, tool,
    Output, Server,
};

/// The longest any single wait may take before the test fails. Healthy runs take
/// milliseconds (the server-closes-first test, a second); the deadline only turns a hang
/// into a clear failure.
const DEADLINE: Duration = Duration::from_secs(30);

/// What a capturing test prints when the machine does not let it capture.
const NO_CAPTURE: &str = "CAP_NET_RAW not available";

/// The first words of the error `tcp-trace` prints without CAP_NET_RAW.
const NOT_PERMITTED: &str =
    "error: capturing needs CAP_NET_RAW (permission to open a packet socket): run it as root (sudo ";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// An echo server on `--port 0`, bound to `bind`.
fn echo_server(bind: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--bind", bind, "--port", "0", "-q"];
    args.extend_from_slice(extra);
    Server::start(CLIENT_SERVER.1, args).unwrap_or_else(|e| panic!("{e:#}"))
}

/// The two lesson-5 programs: (client, server).
const CLIENT_SERVER: (&str, &str) = ("tcp-echo-client", "tcp-echo-server");

/// A finished `tcp-trace`: its exit status, its diagram (stdout) and stderr.
struct Traced {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Starts `tcp-trace args`, with its stdin `stdin`, and waits for its ready line. `None`
/// (after recording the skip) when capturing is not permitted here.
fn start_trace(
    test: &str,
    args: &[String],
    stdin: Stdio,
) -> Option<(Child, mpsc::Receiver<String>, mpsc::Receiver<String>)> {
    let mut child = Command::new(program("tcp-trace"))
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting tcp-trace: {e}"));
    let stdout = lines_of(child.stdout.take().expect("piped"));
    let stderr = lines_of(child.stderr.take().expect("piped"));
    match stdout.recv_timeout(DEADLINE) {
        Ok(first) if first.starts_with("capturing on lo (") => Some((child, stdout, stderr)),
        // With --states and no CAP_NET_RAW, tcp-trace watches the socket table instead.
        Ok(first) if first.starts_with("watching the socket table") => {
            let _ = child.kill();
            let _ = child.wait();
            skip_because(test, NO_CAPTURE);
            None
        }
        Ok(first) => panic!("tcp-trace's first line: {first:?}"),
        Err(_) => {
            let said = rest_of(&stderr, DEADLINE);
            let _ = child.kill();
            let _ = child.wait();
            if said.contains("CAP_NET_RAW") {
                skip_because(test, NO_CAPTURE);
                None
            } else {
                panic!("tcp-trace printed no ready line; stderr:\n{said}");
            }
        }
    }
}

/// Waits for a child to exit, polling, up to the deadline; kills it and fails after.
fn wait_exit(child: &mut Child, what: &str) -> ExitStatus {
    let until = Instant::now() + DEADLINE;
    loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not exit within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs `tcp-trace args` to its end; `None` when capturing is not permitted.
fn trace(test: &str, args: &[String]) -> Option<Traced> {
    let (mut child, stdout, stderr) = start_trace(test, args, Stdio::null())?;
    let status = wait_exit(&mut child, "tcp-trace");
    Some(Traced {
        status,
        stdout: rest_of(&stdout, DEADLINE),
        stderr: rest_of(&stderr, DEADLINE),
    })
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// One segment line of the diagram, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    from_client: bool,
    flags: String,
    seq: u32,
    ack: Option<u32>,
    len: u32,
    raw_seq: Option<u32>,
    raw_ack: Option<u32>,
    text: String,
}

impl Line {
    fn has(&self, flag: &str) -> bool {
        self.flags.split('+').any(|f| f == flag)
    }
}

/// The segment lines of connection `#n`.
fn segments(diagram: &str, n: usize) -> Vec<Line> {
    let prefix = format!("#{n}  ");
    diagram
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .filter_map(|l| {
            let mut words = l.split_whitespace().skip(1);
            let arrow = words.next()?;
            if !(arrow.starts_with('<') || arrow.ends_with('>')) {
                return None; // a state line
            }
            let mut line = Line {
                from_client: arrow.ends_with('>'),
                flags: arrow
                    .trim_matches(|c| c == '<' || c == '>' || c == '-')
                    .to_string(),
                seq: 0,
                ack: None,
                len: 0,
                raw_seq: None,
                raw_ack: None,
                text: l.to_string(),
            };
            for word in words {
                let Some((key, value)) = word.split_once('=') else {
                    continue;
                };
                let value = value.parse().ok();
                match key {
                    "seq" => line.seq = value?,
                    "ack" => line.ack = value,
                    "len" => line.len = value?,
                    "rawseq" => line.raw_seq = value,
                    "rawack" => line.raw_ack = value,
                    _ => {}
                }
            }
            Some(line)
        })
        .collect()
}

/// Checks the life of one echo connection, from SYN to the last ACK: the handshake's
/// numbers (relative and raw), `sent` bytes each way acknowledged, a FIN from each side,
/// and the last ACK acknowledging the second FIN.
fn assert_whole_conversation(diagram: &str, sent: u32) {
    let lines = segments(diagram, 1);
    assert!(lines.len() >= 7, "too few segments:\n{diagram}");
    let (syn, syn_ack, ack) = (&lines[0], &lines[1], &lines[2]);
    // 三次握手: SYN, SYN+ACK, ACK, in that order and direction.
    assert!(syn.from_client && syn.flags == "SYN", "{diagram}");
    assert!(
        !syn_ack.from_client && syn_ack.flags == "SYN+ACK",
        "{diagram}"
    );
    assert!(ack.from_client && ack.flags == "ACK", "{diagram}");
    // ack = the peer's seq + 1, both ways, on the wire and relative.
    let raw = |x: Option<u32>| x.expect("--raw-seq shows raw numbers");
    assert_eq!(
        raw(syn_ack.raw_ack),
        raw(syn.raw_seq).wrapping_add(1),
        "{diagram}"
    );
    assert_eq!(
        raw(ack.raw_ack),
        raw(syn_ack.raw_seq).wrapping_add(1),
        "{diagram}"
    );
    assert_eq!(
        (syn.seq, syn_ack.seq, syn_ack.ack, ack.ack),
        (0, 0, Some(1), Some(1))
    );
    assert!(syn.text.contains("SYN: client's initial sequence number"));
    assert!(ack.text.contains("ACK: handshake done"));
    // The data: `sent` bytes each way, each acknowledged by the other side.
    for from_client in [true, false] {
        let data: u32 = lines
            .iter()
            .filter(|l| l.from_client == from_client)
            .map(|l| l.len)
            .sum();
        assert_eq!(data, sent, "bytes sent (client: {from_client}):\n{diagram}");
        assert!(
            lines
                .iter()
                .any(|l| l.from_client != from_client && l.ack >= Some(1 + sent)),
            "the other side acknowledges all {sent} bytes:\n{diagram}"
        );
    }
    // 四次挥手: a FIN from each side, and a last ACK that acknowledges the second FIN.
    let fin = |from_client| {
        lines
            .iter()
            .position(|l| l.from_client == from_client && l.has("FIN"))
            .unwrap_or_else(|| panic!("no FIN (client: {from_client}):\n{diagram}"))
    };
    let (client_fin, server_fin) = (fin(true), fin(false));
    let second = &lines[client_fin.max(server_fin)];
    let last = lines.last().expect("lines");
    assert!(
        last.flags == "ACK" && last.from_client != second.from_client,
        "{diagram}"
    );
    assert_eq!(
        last.ack,
        Some(second.seq + 1),
        "the last ACK acknowledges the FIN:\n{diagram}"
    );
    assert!(last.text.contains("last ACK"), "{diagram}");
    assert!(
        diagram.contains(&format!(
            "#1 end: {} segments; client sent {sent} bytes, server sent {sent} bytes",
            lines.len()
        )),
        "{diagram}"
    );
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn an_echo_over_ipv4_from_syn_to_the_last_ack() {
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let Some(out) = trace(
        "an_echo_over_ipv4_from_syn_to_the_last_ack",
        &strings(&[
            "--port",
            &port,
            "--raw-seq",
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ]),
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains("#1 client 127.0.0.1:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("-> server {target}")),
        "{}",
        out.stdout
    );
    assert_whole_conversation(&out.stdout, 5);
    assert!(
        out.stdout.contains("the client closed first"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_echo_over_ipv6() {
    let server = echo_server("::1", &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let Some(out) = trace(
        "an_echo_over_ipv6",
        &strings(&[
            "--port",
            &port,
            "--raw-seq",
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ]),
    ) else {
        return;
    };
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status,
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains(&format!("-> server [::1]:{port}")),
        "{}",
        out.stdout
    );
    assert_whole_conversation(&out.stdout, 5);
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
fn states_show_time_wait_on_the_client_that_closed_first() {
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let Some(out) = trace(
        "states_show_time_wait_on_the_client_that_closed_first",
        &strings(&[
            "--port",
            &port,
            "--states",
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ]),
    ) else {
        return;
    };
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("the client closed first"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("#1 states left: client TIME_WAIT, server gone (closed)"),
        "{}",
        out.stdout
    );
}

#[test]
fn states_show_time_wait_on_the_server_when_it_closes_first() {
    // The server hangs up on a client that says nothing for a second; the client's
    // stdin stays open (and empty) meanwhile, so it is the server that closes first.
    let server = echo_server("127.0.0.1", &["--idle-timeout", "1"]);
    let port = server.addr.port().to_string();
    let test = "states_show_time_wait_on_the_server_when_it_closes_first";
    let Some((mut child, stdout, stderr)) = start_trace(
        test,
        &strings(&[
            "--port",
            &port,
            "--states",
            "--",
            "tcp-echo-client",
            &server.addr.to_string(),
        ]),
        Stdio::piped(),
    ) else {
        return;
    };
    // Held open until the trace is over.
    let stdin = child.stdin.take();
    let line = line_containing(&stdout, "#1 states left:", DEADLINE);
    assert_eq!(
        line,
        "#1 states left: client gone (closed), server TIME_WAIT"
    );
    drop(stdin);
    let status = wait_exit(&mut child, "tcp-trace");
    let rest = rest_of(&stdout, DEADLINE);
    assert!(status.success(), "{rest}\n{}", rest_of(&stderr, DEADLINE));
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

/// Runs `tcp-trace args` with CAP_NET_RAW dropped, or `None` (after recording the skip)
/// when no tool here can drop it.
fn without_net_raw(test: &str, args: &[&str]) -> Option<Output> {
    let trace = program("tcp-trace");
    let mut command = if let Some(setpriv) = tool("setpriv") {
        let mut c = Command::new(setpriv);
        c.args(["--inh-caps=-all", "--bounding-set=-net_raw"])
            .arg(&trace);
        c
    } else if let Some(capsh) = tool("capsh") {
        let mut c = Command::new(capsh);
        c.args(["--drop=cap_net_raw", "--", "-c", "exec \"$0\" \"$@\""])
            .arg(&trace);
        c
    } else {
        skip(test, "setpriv or capsh");
        return None;
    };
    command.args(args);
    let out = run_command(command, b"", DEADLINE);
    if out.stderr.contains("setpriv:") || out.stderr.contains("capsh:") {
        skip_because(
            test,
            &format!("cannot drop CAP_NET_RAW here: {}", out.stderr.trim()),
        );
        return None;
    }
    Some(out)
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
