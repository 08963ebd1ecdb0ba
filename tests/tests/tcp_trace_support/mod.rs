//! What the `tcp-trace` tests share: starting the tracer (and recognising a machine
//! where it may not capture), reading its diagram back into segments, the checks every
//! echo conversation must pass, and running it with CAP_NET_RAW dropped.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use e2e::{lines_of, program, rest_of, run_command, skip, skip_because, tool, Output, Server};

/// The longest any single wait may take before the test fails. Healthy runs take
/// milliseconds (the server-closes-first test, a second); the deadline only turns a hang
/// into a clear failure.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// What a capturing test prints when the machine does not let it capture.
pub const NO_CAPTURE: &str = "CAP_NET_RAW not available";

/// The first words of the error `tcp-trace` prints without CAP_NET_RAW.
pub const NOT_PERMITTED: &str =
    "error: capturing needs CAP_NET_RAW (permission to open a packet socket): run it as root (sudo ";

/// An echo server on `--port 0`, bound to `bind`.
pub fn echo_server(bind: &str, extra: &[&str]) -> Server {
    let mut args = vec!["--bind", bind, "--port", "0", "-q"];
    args.extend_from_slice(extra);
    Server::start(CLIENT_SERVER.1, args).unwrap_or_else(|e| panic!("{e:#}"))
}

/// The two lesson-5 programs: (client, server).
pub const CLIENT_SERVER: (&str, &str) = ("tcp-echo-client", "tcp-echo-server");

/// A finished `tcp-trace`: its exit status, its diagram (stdout) and stderr.
pub struct Traced {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `tcp-trace args`, with its stdin `stdin`, and waits for its ready line. `None`
/// (after recording the skip) when capturing is not permitted here.
pub fn start_trace(
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
pub fn wait_exit(child: &mut Child, what: &str) -> ExitStatus {
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
pub fn trace(test: &str, args: &[String]) -> Option<Traced> {
    let (mut child, stdout, stderr) = start_trace(test, args, Stdio::null())?;
    let status = wait_exit(&mut child, "tcp-trace");
    Some(Traced {
        status,
        stdout: rest_of(&stdout, DEADLINE),
        stderr: rest_of(&stderr, DEADLINE),
    })
}

pub fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

/// One segment line of the diagram, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub from_client: bool,
    pub flags: String,
    pub seq: u32,
    pub ack: Option<u32>,
    pub len: u32,
    pub raw_seq: Option<u32>,
    pub raw_ack: Option<u32>,
    pub text: String,
}

impl Line {
    pub fn has(&self, flag: &str) -> bool {
        self.flags.split('+').any(|f| f == flag)
    }
}

/// The segment lines of connection `#n`.
pub fn segments(diagram: &str, n: usize) -> Vec<Line> {
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
pub fn assert_whole_conversation(diagram: &str, sent: u32) {
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

/// Runs `tcp-trace args` with CAP_NET_RAW dropped, or `None` (after recording the skip)
/// when no tool here can drop it.
pub fn without_net_raw(test: &str, args: &[&str]) -> Option<Output> {
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
