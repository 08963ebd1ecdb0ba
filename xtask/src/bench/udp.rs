//! The UDP lesson's benchmark: `udp-echo-server` answering datagrams one by one, and
//! `udp-recv` taking a flood of them, against the course's Python `recvfrom` loops, driven
//! by the same Rust client.

use super::load::{self, Latencies, MESSAGE};
use super::peers::{self, Server};
use super::{mib, program, py, ratio, release_dir, title, verdict, NO_PYTHON};
use crate::run::{cargo, check};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long the receiver is given, after the last datagram is sent, to take in what its
/// buffer still holds before it is asked for its count.
const SETTLE: Duration = Duration::from_millis(300);

/// The ping-pong runs in this many rounds, ours and Python taking turns.
const ROUNDS: usize = 5;

/// A datagram not answered within this is counted as lost.
const LOST_AFTER: Duration = Duration::from_millis(200);

struct Echo {
    name: String,
    result: std::result::Result<(Latencies, usize, Option<u64>), String>,
}

struct Flood {
    name: String,
    result: std::result::Result<FloodResult, String>,
}

struct FloodResult {
    elapsed: Duration,
    sent: u64,
    received: u64,
    rss_kib: Option<u64>,
}

pub fn udp(quick: bool) -> Result<String> {
    let (warmup, count) = if quick { (10, 500) } else { (1_000, 50_000) };
    let flood: u64 = if quick { 2_000 } else { 200_000 };
    let has_python = super::python().is_some();
    eprintln!("building udp-chat (release)...");
    check(cargo().args(["build", "--release", "--quiet", "--bins", "-p", "udp-chat"]))
        .context("building udp-chat")?;

    // Ping-pong in rounds, ours and Python taking turns, so that a machine getting busier
    // or quieter during the run weighs on both alike.
    let rounds = if quick { 1 } else { ROUNDS };
    let per_round = count / rounds;
    let our_server = start_ours("udp-echo-server")?;
    let python_server = if has_python {
        Some(Server::start(
            "the Python UDP echo server",
            &mut peers::python(py::UDP_ECHO, &[]),
        )?)
    } else {
        None
    };
    let (mut our_parts, mut python_parts) = (Vec::new(), Vec::new());
    let (mut our_lost, mut python_lost) = (0, 0);
    for round in 1..=rounds {
        eprintln!("udp: round {round}/{rounds}: ping-pong, ours, Python...");
        let (lat, lost) = echo(&our_server, warmup, per_round)?;
        our_parts.push(lat);
        our_lost += lost;
        if let Some(python) = &python_server {
            let (lat, lost) = echo(python, warmup, per_round)?;
            python_parts.push(lat);
            python_lost += lost;
        }
    }
    let ours = Echo {
        name: "udp-echo-server (ours)".into(),
        result: Ok((
            Latencies::merge(our_parts),
            our_lost,
            our_server.peak_rss_kib(),
        )),
    };
    let python = Echo {
        name: "Python recvfrom/sendto loop".into(),
        result: match &python_server {
            Some(server) => Ok((
                Latencies::merge(python_parts),
                python_lost,
                server.peak_rss_kib(),
            )),
            None => Err(NO_PYTHON.into()),
        },
    };
    drop((our_server, python_server));
    let count = per_round * rounds;

    eprintln!("udp: flood to udp-recv...");
    let ours_flood = Flood {
        name: "udp-recv -q (ours)".into(),
        result: Ok(flood_into(start_ours("udp-recv")?, flood)?),
    };
    eprintln!("udp: flood to Python...");
    let python_flood = Flood {
        name: "Python recvfrom loop, counting".into(),
        result: if has_python {
            let server = Server::start(
                "the Python UDP receiver",
                &mut peers::python(py::UDP_RECV, &[]),
            )?;
            Ok(flood_into(server, flood)?)
        } else {
            Err(NO_PYTHON.into())
        },
    };

    let mut report = title("udp", quick);
    echo_table(&mut report, warmup, count, &ours, &python)?;
    flood_table(&mut report, flood, &[&ours_flood, &python_flood])?;
    writeln!(report, "\n| goal | measured | |\n|---|---|---|")?;
    match (rate(&ours), rate(&python)) {
        (Some(o), Some(p)) => writeln!(
            report,
            "| ping-pong >= 1.0x Python | {:.2}x | {} |",
            o / p,
            verdict(o / p >= 1.0)
        )?,
        _ => writeln!(report, "| ping-pong >= 1.0x Python | - | not measured |")?,
    }
    Ok(report)
}

/// Starts one of our UDP programs (release build) on a port the system chooses.
fn start_ours(name: &str) -> Result<Server> {
    let path = program(&release_dir(), name);
    Server::start(name, Command::new(path).args(["--port", "0", "-q"]))
}

fn echo(server: &Server, warmup: usize, count: usize) -> Result<(Latencies, usize)> {
    load::udp_ping_pong(server.addr, warmup, count, LOST_AFTER)
        .with_context(|| format!("UDP ping-pong with {}", server.addr))
}

/// Floods the receiver, then asks it (Ctrl-C) how many datagrams it took in.
fn flood_into(mut server: Server, count: u64) -> Result<FloodResult> {
    let (elapsed, sent) = load::udp_flood(server.addr, count)?;
    let settle_until = Instant::now() + SETTLE;
    while Instant::now() < settle_until {
        std::thread::sleep(Duration::from_millis(10));
    }
    let rss_kib = server.peak_rss_kib();
    let (status, lines) = server.process.interrupt()?;
    let Some(line) = lines.iter().find(|l| l.starts_with("received ")) else {
        bail!(
            "the receiver printed no `received N datagrams, B bytes` line after Ctrl-C \
             (exit {status}; printed {lines:?}){}",
            server.process.stderr_tail()
        );
    };
    Ok(FloodResult {
        elapsed,
        sent,
        received: parse_received(line)?,
        rss_kib,
    })
}

/// The datagram count in `received N datagrams, B bytes`.
fn parse_received(line: &str) -> Result<u64> {
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("expected `received N datagrams, B bytes`, got {line:?}"))
}

fn rate(echo: &Echo) -> Option<f64> {
    echo.result
        .as_ref()
        .ok()
        .map(|(lat, _, _)| lat.per_second())
}

fn echo_table(
    report: &mut String,
    warmup: usize,
    count: usize,
    ours: &Echo,
    python: &Echo,
) -> Result<()> {
    writeln!(
        report,
        "\nPing-pong: {count} datagrams of {MESSAGE} bytes in {ROUNDS} rounds (quick: 1), ours and \
         Python taking turns (after {warmup} not counted in each), each sent when the echo of \
         the one before came back; one not answered within {} ms counts as lost.\n",
        LOST_AFTER.as_millis()
    )?;
    writeln!(
        report,
        "| server | round trips/s | p50 µs | p90 µs | p99 µs | max µs | lost | ours / this | server peak RSS (MiB) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|---|---|")?;
    let our_rate = rate(ours);
    for row in [ours, python] {
        match &row.result {
            Ok((lat, lost, rss)) => writeln!(
                report,
                "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {lost} | {} | {} |",
                row.name,
                lat.per_second(),
                lat.micros(0.5),
                lat.micros(0.9),
                lat.micros(0.99),
                lat.micros(1.0),
                our_rate.map_or("-".into(), |o| ratio(o, Some(lat.per_second()))),
                mib(*rss)
            )?,
            Err(why) => writeln!(
                report,
                "| {} | {why} | - | - | - | - | - | - | - |",
                row.name
            )?,
        }
    }
    Ok(())
}

fn flood_table(report: &mut String, count: u64, rows: &[&Flood]) -> Result<()> {
    writeln!(
        report,
        "\nOne-way flood: {count} datagrams of {MESSAGE} bytes sent as fast as the system \
         takes them; the receiver counts what arrives. UDP has no flow control: what the \
         receiver's buffer cannot hold is dropped. Reported, not a goal.\n"
    )?;
    writeln!(
        report,
        "| receiver | sent | seconds | sent/s | received | loss % | receiver peak RSS (MiB) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|")?;
    for row in rows {
        match &row.result {
            Ok(f) => writeln!(
                report,
                "| {} | {} | {:.3} | {:.0} | {} | {:.1} | {} |",
                row.name,
                f.sent,
                f.elapsed.as_secs_f64(),
                f.sent as f64 / f.elapsed.as_secs_f64().max(1e-9),
                f.received,
                100.0 * (f.sent.saturating_sub(f.received)) as f64 / (f.sent.max(1)) as f64,
                mib(f.rss_kib)
            )?,
            Err(why) => writeln!(report, "| {} | {why} | - | - | - | - | - |", row.name)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_received_line() {
        assert_eq!(
            parse_received("received 1999 datagrams, 127936 bytes").ok(),
            Some(1999)
        );
        assert!(parse_received("received lots").is_err());
    }
}
