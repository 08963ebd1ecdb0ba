//! The TCP lesson's benchmark: `tcp-echo-server` moving bulk data and answering small
//! messages, against `iperf3` (how fast loopback itself goes) and the course's Python
//! socketserver echo, all driven by the same Rust client.

use super::load::{self, Latencies, MESSAGE};
use super::peers::{self, Process, Server};
use super::{build_release, mib, program, py, ratio, title, verdict, NO_PYTHON};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::net::TcpListener;
use std::process::Command;

/// The `recv` size of both servers (tcp-echo's RECV_BUFFER).
const RECV_SIZE: usize = 256 * 1024;
const NO_IPERF3: &str = "iperf3 not found: apt-get install iperf3";

/// The measurements are split into this many rounds, each running ours and then the
/// peers: a machine that gets busier or quieter during the run then weighs on all of them
/// alike, instead of on whichever happened to run at that moment.
const ROUNDS: u64 = 4;

/// What one server did: bulk throughput (bytes/s), ping-pong, peak memory.
struct Row {
    name: String,
    result: std::result::Result<Measured, String>,
}

struct Measured {
    bulk_seconds: f64,
    pings: Option<Latencies>,
    rss_kib: Option<u64>,
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

    /// The totals, with the server's peak memory read before it is stopped.
    fn done(self) -> Measured {
        Measured {
            bulk_seconds: self.bulk_seconds,
            pings: Some(Latencies::merge(self.pings)),
            rss_kib: self.server.peak_rss_kib(),
        }
    }
}

pub fn tcp(quick: bool) -> Result<String> {
    let bulk: u64 = if quick { 4 << 20 } else { 1 << 30 };
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
    let mut iperf: std::result::Result<Measured, String> = if has_iperf {
        Ok(Measured {
            bulk_seconds: 0.0,
            pings: None,
            rss_kib: None,
        })
    } else {
        Err(NO_IPERF3.into())
    };

    let piece = bulk / rounds;
    for round in 1..=rounds {
        eprintln!("tcp: round {round}/{rounds}: bulk echo, ours, iperf3, Python...");
        ours.bulk(piece)?;
        if let Ok(total) = &mut iperf {
            // A peer that fails is reported in its row; ours still count.
            match iperf3(piece) {
                Ok(m) => {
                    total.bulk_seconds += m.bulk_seconds;
                    total.rss_kib = total.rss_kib.max(m.rss_kib);
                }
                Err(e) => iperf = Err(format!("iperf3 failed: {e:#}")),
            }
        }
        if let Some(python) = &mut python {
            python.bulk(piece)?;
        }
    }
    let per_round = pings / rounds as usize;
    for round in 1..=rounds {
        eprintln!("tcp: round {round}/{rounds}: ping-pong, ours, Python...");
        ours.ping_pong(warmup, per_round)?;
        if let Some(python) = &mut python {
            python.ping_pong(warmup, per_round)?;
        }
    }

    let ours = Row {
        name: "tcp-echo-server (ours)".into(),
        result: Ok(ours.done()),
    };
    let iperf = Row {
        name: "iperf3, one way (the loopback ceiling)".into(),
        result: iperf,
    };
    let python = Row {
        name: "Python socketserver echo".into(),
        result: python
            .map(Echoing::done)
            .ok_or_else(|| NO_PYTHON.to_string()),
    };

    let mut report = title("tcp", quick);
    writeln!(
        report,
        "\nEach measurement ran in {rounds} round(s), ours and the peers taking turns."
    )?;
    bulk_table(&mut report, piece * rounds, &ours, &[&iperf, &python])?;
    ping_table(
        &mut report,
        warmup,
        per_round * rounds as usize,
        &ours,
        &python,
    )?;
    goals(&mut report, &ours, &iperf, &python)?;
    Ok(report)
}

/// `iperf3`'s single-stream loopback throughput for the same number of bytes.
fn iperf3(bytes: u64) -> Result<Measured> {
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
    let out = Command::new("iperf3")
        .args(["-c", "127.0.0.1", "-p", &port.to_string(), "-J", "-n"])
        .arg(bytes.to_string())
        .output()
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
    // Scaled to the same byte count, so the seconds column compares too.
    Ok(Measured {
        bulk_seconds: seconds * bytes as f64 / received.max(1.0),
        pings: None,
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
                let r = bytes as f64 / m.bulk_seconds.max(1e-9);
                writeln!(
                    report,
                    "| {} | {:.2} | {:.0} | {:.2} | {} | {} |",
                    row.name,
                    m.bulk_seconds,
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
        .map(|m| bytes as f64 / m.bulk_seconds.max(1e-9))
}

fn round_trips(row: &Row) -> Option<f64> {
    row.result
        .as_ref()
        .ok()
        .and_then(|m| m.pings.as_ref())
        .map(Latencies::per_second)
}

fn ping_table(
    report: &mut String,
    warmup: usize,
    count: usize,
    ours: &Row,
    python: &Row,
) -> Result<()> {
    writeln!(
        report,
        "\nPing-pong: {count} round trips of a {MESSAGE}-byte message on one connection \
         (after {warmup} not counted), the client waiting for each echo before sending the \
         next; latency from the send to the last byte of the echo. Peak RSS after the bulk \
         echo and the ping-pong.\n"
    )?;
    writeln!(
        report,
        "| server | round trips/s | p50 µs | p90 µs | p99 µs | max µs | ours / this | server peak RSS (MiB) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|---|")?;
    let our_rate = round_trips(ours);
    for row in [ours, python] {
        match &row.result {
            Ok(Measured {
                pings: Some(p),
                rss_kib,
                ..
            }) => writeln!(
                report,
                "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} |",
                row.name,
                p.per_second(),
                p.micros(0.5),
                p.micros(0.9),
                p.micros(0.99),
                p.micros(1.0),
                our_rate.map_or("-".into(), |o| ratio(o, Some(p.per_second()))),
                mib(*rss_kib)
            )?,
            Ok(_) => writeln!(report, "| {} | - | - | - | - | - | - | - |", row.name)?,
            Err(why) => writeln!(report, "| {} | {why} | - | - | - | - | - | - |", row.name)?,
        }
    }
    Ok(())
}

fn goals(report: &mut String, ours: &Row, iperf: &Row, python: &Row) -> Result<()> {
    writeln!(report, "\n| goal | measured | |\n|---|---|---|")?;
    let bytes = 1; // rates are compared as ratios: any byte count will do
    match (rate(ours, bytes), rate(iperf, bytes)) {
        (Some(o), Some(i)) => writeln!(
            report,
            "| bulk echo >= 0.5x iperf3 | {:.2}x | {} |",
            o / i,
            verdict(o / i >= 0.5)
        )?,
        _ => writeln!(report, "| bulk echo >= 0.5x iperf3 | - | not measured |")?,
    }
    match (round_trips(ours), round_trips(python)) {
        (Some(o), Some(p)) => writeln!(
            report,
            "| ping-pong >= 1.0x Python | {:.2}x | {} |",
            o / p,
            verdict(o / p >= 1.0)
        )?,
        _ => writeln!(report, "| ping-pong >= 1.0x Python | - | not measured |")?,
    }
    Ok(())
}
