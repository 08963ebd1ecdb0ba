//! The TCP lesson's benchmark: `tcp-echo-server` moving bulk data and answering small
//! messages, against `iperf3` (how fast loopback itself goes) and the course's Python
//! socketserver echo, all driven by the same Rust client.

use super::load::{self, Latencies, MESSAGE};
use super::peers::{self, Process, Server};
use super::{
    build_release, mib, ping_pong_goal, program, py, ratio, round_trip_table, title, turns,
    verdict, RoundTripFigures, RoundTrips, Turn, NO_PYTHON,
};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::Command;
use std::time::Duration;

/// The `recv` size of both servers (tcp-echo's RECV_BUFFER).
const RECV_SIZE: usize = 256 * 1024;
pub(super) const NO_IPERF3: &str = "iperf3 not found: apt-get install iperf3";

/// The measurements are split into this many rounds, ours and the peers taking turns (ours
/// first in odd rounds, the peers first in even ones): a machine that gets busier or
/// quieter during the run then weighs on all of them alike, instead of on whichever
/// happened to run at that moment.
const ROUNDS: u64 = 4;

/// What one server did in the bulk echo.
struct Row {
    name: String,
    result: std::result::Result<Bulk, String>,
}

/// Bulk echo seconds in all, and the server's peak memory.
pub(super) struct Bulk {
    pub(super) seconds: f64,
    pub(super) rss_kib: Option<u64>,
}

/// An echo server being measured, and what it has done so far.
struct Echoing {
    server: Server,
    bulk_seconds: f64,
    pings: Vec<Latencies>,
}

impl Echoing {
    fn new(server: Server) -> Echoing {
        Echoing {
            server,
            bulk_seconds: 0.0,
            pings: Vec::new(),
        }
    }

    /// Bulk echo of `bytes` through the server, not counted: the first transfer pays for
    /// the server's buffers, the client's and the kernel's, which the others then reuse.
    fn warm_up(&mut self, bytes: u64) -> Result<()> {
        let addr = self.server.addr;
        load::bulk_echo(addr, bytes)
            .with_context(|| format!("warm-up bulk echo through {addr}"))?;
        Ok(())
    }

    fn bulk(&mut self, bytes: u64) -> Result<()> {
        let addr = self.server.addr;
        self.bulk_seconds += load::bulk_echo(addr, bytes)
            .with_context(|| format!("bulk echo through {addr}"))?
            .as_secs_f64();
        Ok(())
    }

    fn ping_pong(&mut self, warmup: usize, count: usize) -> Result<()> {
        let addr = self.server.addr;
        self.pings.push(
            load::ping_pong(addr, warmup, count)
                .with_context(|| format!("ping-pong with {addr}"))?,
        );
        Ok(())
    }

    /// The totals as table rows, with the server's peak memory read before it is stopped.
    fn done(self, name: &str) -> (Row, RoundTrips) {
        let rss_kib = self.server.peak_rss_kib();
        let bulk = Row {
            name: name.into(),
            result: Ok(Bulk {
                seconds: self.bulk_seconds,
                rss_kib,
            }),
        };
        let pings = RoundTrips {
            name: name.into(),
            result: Ok(RoundTripFigures {
                latencies: Latencies::merge(self.pings),
                lost: None,
                rss_kib,
            }),
        };
        (bulk, pings)
    }
}

/// iperf3's runs so far: their seconds and the largest peak memory, or why it cannot run.
type Iperf = std::result::Result<Bulk, String>;

/// One more iperf3 run of `bytes`; counted unless `warm_up`. A failure is kept in place of
/// the figures (and reported in iperf3's row): ours and Python still count.
fn iperf_turn(iperf: &mut Iperf, bytes: u64, warm_up: bool) {
    let Ok(total) = iperf else { return };
    match iperf3(bytes) {
        Ok(run) if warm_up => total.rss_kib = total.rss_kib.max(run.rss_kib),
        Ok(run) => {
            total.seconds += run.seconds;
            total.rss_kib = total.rss_kib.max(run.rss_kib);
        }
        Err(e) => *iperf = Err(format!("iperf3 failed: {e:#}")),
    }
}

pub fn tcp(quick: bool) -> Result<String> {
    let bulk: u64 = if quick { 4 << 20 } else { 1 << 30 };
    let warm: u64 = if quick { 1 << 20 } else { 16 << 20 };
    let (warmup, pings) = if quick { (10, 500) } else { (1_000, 100_000) };
    let rounds = if quick { 1 } else { ROUNDS };
    eprintln!("building tcp-echo (release)...");
    let dir = build_release(&["tcp-echo"])?;
    let has_python = super::python().is_some();
    let has_iperf = peers::found("iperf3");

    let mut ours = Echoing::new(Server::start(
        "tcp-echo-server",
        Command::new(program(&dir, "tcp-echo-server")).args(["--port", "0", "-q"]),
    )?);
    let mut python = if has_python {
        Some(Echoing::new(Server::start(
            "the Python echo server",
            &mut peers::python(py::TCP_ECHO, &[RECV_SIZE.to_string()]),
        )?))
    } else {
        None
    };
    let mut iperf: Iperf = if has_iperf {
        Ok(Bulk {
            seconds: 0.0,
            rss_kib: None,
        })
    } else {
        Err(NO_IPERF3.into())
    };

    eprintln!(
        "tcp: warm-up: {} MiB through each server, not counted...",
        warm >> 20
    );
    ours.warm_up(warm)?;
    iperf_turn(&mut iperf, warm, true);
    if let Some(python) = &mut python {
        python.warm_up(warm)?;
    }

    let piece = bulk / rounds;
    for round in 1..=rounds {
        eprintln!("tcp: round {round}/{rounds}: bulk echo...");
        for turn in turns(round) {
            match turn {
                Turn::Ours => ours.bulk(piece)?,
                Turn::Peers => {
                    iperf_turn(&mut iperf, piece, false);
                    if let Some(python) = &mut python {
                        python.bulk(piece)?;
                    }
                }
            }
        }
    }
    let per_round = pings / rounds as usize;
    for round in 1..=rounds {
        eprintln!("tcp: round {round}/{rounds}: ping-pong...");
        for turn in turns(round) {
            match turn {
                Turn::Ours => ours.ping_pong(warmup, per_round)?,
                Turn::Peers => {
                    if let Some(python) = &mut python {
                        python.ping_pong(warmup, per_round)?;
                    }
                }
            }
        }
    }

    let (ours, our_pings) = ours.done("tcp-echo-server (ours)");
    let iperf = Row {
        name: "iperf3, one way (the loopback ceiling)".into(),
        result: iperf,
    };
    let python_name = "Python socketserver echo";
    let (python, python_pings) = match python {
        Some(python) => python.done(python_name),
        None => (
            Row {
                name: python_name.into(),
                result: Err(NO_PYTHON.into()),
            },
            RoundTrips {
                name: python_name.into(),
                result: Err(NO_PYTHON.into()),
            },
        ),
    };

    let mut report = title("tcp", quick);
    writeln!(
        report,
        "\nEach measurement ran in {rounds} round(s), ours and the peers taking turns (ours \
         first in odd rounds, the peers first in even ones), after one bulk echo of {} MiB \
         through each server that is not counted.",
        warm >> 20
    )?;
    bulk_table(&mut report, piece * rounds, &ours, &[&iperf, &python])?;
    writeln!(
        report,
        "\nPing-pong: {} round trips of a {MESSAGE}-byte message on one connection \
         (after {warmup} not counted in each round), the client waiting for each echo before \
         sending the next; latency from the send to the last byte of the echo. Peak RSS after \
         the bulk echo and the ping-pong.\n",
        per_round * rounds as usize
    )?;
    round_trip_table(&mut report, &[&our_pings, &python_pings])?;
    writeln!(report, "\n| goal | measured | |\n|---|---|---|")?;
    let bytes = 1; // rates are compared as ratios: any byte count will do
    match (rate(&ours, bytes), rate(&iperf, bytes)) {
        (Some(o), Some(i)) => writeln!(
            report,
            "| bulk echo >= 0.5x iperf3 | {:.2}x | {} |",
            o / i,
            verdict(o / i >= 0.5, quick)
        )?,
        _ => writeln!(report, "| bulk echo >= 0.5x iperf3 | - | not measured |")?,
    }
    ping_pong_goal(
        &mut report,
        our_pings.per_second(),
        python_pings.per_second(),
        quick,
    )?;
    Ok(report)
}

/// `iperf3`'s single-stream loopback throughput for the same number of bytes.
pub(super) fn iperf3(bytes: u64) -> Result<Bulk> {
    iperf3_sending(bytes, None)
}

/// The same, the bytes sent read from `file` (`iperf3 -F FILE`) if one is given, instead
/// of one buffer sent again and again (which stays in the CPU's cache).
pub(super) fn iperf3_sending(bytes: u64, file: Option<&std::path::Path>) -> Result<Bulk> {
    // A port free just now (iperf3 needs a number; a race with another program taking it
    // in between is possible but harmless: iperf3 then fails and says so).
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut server = Process::start(
        "iperf3 -s",
        Command::new("iperf3").args([
            "-s",
            "-B",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            // Without it, iperf3 holds its "Server listening" line in a buffer.
            "--forceflush",
        ]),
    )?;
    server.wait_for_line(|l| l.contains("listening"))?;
    // Loopback moves gigabytes a second: this leaves room for a slow machine, and turns an
    // iperf3 that hangs into an error rather than a benchmark that never ends.
    let limit = Duration::from_secs(10 + bytes / (32 << 20));
    let out = peers::output_within(
        Command::new("iperf3")
            .args([
                "-c",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                // Give up after 5 s (the value is in milliseconds) if the server does not take
                // the connection.
                "--connect-timeout",
                "5000",
                // Write the same 256 KiB blocks as our client does.
                "-l",
                &load::CHUNK.to_string(),
                "-J",
                "-n",
                &bytes.to_string(),
            ])
            .args(
                file.map(|f| [std::ffi::OsStr::new("-F"), f.as_os_str()])
                    .into_iter()
                    .flatten(),
            ),
        limit,
    )
    .context("running iperf3 -c")?;
    let rss_kib = server.peak_rss_kib();
    drop(server);
    if !out.status.success() {
        bail!(
            "iperf3 -c failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading iperf3's JSON report")?;
    let end = &json["end"]["sum_received"];
    let seconds = end["seconds"].as_f64();
    let received = end["bytes"].as_f64();
    let (Some(seconds), Some(received)) = (seconds, received) else {
        bail!("iperf3's report has no end.sum_received seconds and bytes");
    };
    // iperf3 reports slightly fewer bytes received than it was told to send (`-n`). Its
    // time is scaled to the full byte count, at the rate it measured, so that the seconds
    // column compares with ours, which times every byte.
    Ok(Bulk {
        seconds: seconds * bytes as f64 / received.max(1.0),
        rss_kib,
    })
}

fn bulk_table(report: &mut String, bytes: u64, ours: &Row, peers: &[&Row]) -> Result<()> {
    writeln!(
        report,
        "\nBulk echo: {} MiB sent to the server and read back on one connection, one client \
         thread writing 256 KiB pieces, another reading and checking every byte. MB/s counts \
         each byte once, though it crosses loopback twice (there and back); iperf3 sends \
         one way only, so it is the ceiling. Both echo servers `recv` {} KiB at a time.\n",
        bytes >> 20,
        RECV_SIZE >> 10
    )?;
    writeln!(
        report,
        "| server | seconds | MB/s | Gbit/s | ours / this | server peak RSS (MiB) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|")?;
    let our_rate = rate(ours, bytes);
    for row in std::iter::once(ours).chain(peers.iter().copied()) {
        match &row.result {
            Ok(m) => {
                let r = bytes as f64 / m.seconds.max(1e-9);
                writeln!(
                    report,
                    "| {} | {:.2} | {:.0} | {:.2} | {} | {} |",
                    row.name,
                    m.seconds,
                    r / 1e6,
                    r * 8.0 / 1e9,
                    our_rate.map_or("-".into(), |o| ratio(o, Some(r))),
                    mib(m.rss_kib)
                )?;
            }
            Err(why) => writeln!(report, "| {} | {why} | - | - | - | - |", row.name)?,
        }
    }
    Ok(())
}

fn rate(row: &Row, bytes: u64) -> Option<f64> {
    row.result
        .as_ref()
        .ok()
        .map(|m| bytes as f64 / m.seconds.max(1e-9))
}
