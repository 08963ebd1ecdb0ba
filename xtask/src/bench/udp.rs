//! The UDP lesson's benchmark: `udp-echo-server` answering datagrams one by one, and
//! `udp-recv` taking a flood of them, against the course's Python `recvfrom` loops, driven
//! by the same Rust client.

use super::load::{self, Latencies, MESSAGE};
use super::peers::{self, Server};
use super::{
    build_release, mib, ping_pong_goal, program, py, round_trip_table, title, turns,
    RoundTripFigures, RoundTrips, Turn, NO_PYTHON,
};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How long the receiver is given, after the last datagram is sent, to take in what its
/// buffer still holds before it is asked for its count.
const SETTLE: Duration = Duration::from_millis(300);

/// The ping-pong runs in this many rounds, ours and Python taking turns (ours first in odd
/// rounds, Python first in even ones).
const ROUNDS: u64 = 5;

/// A datagram not answered within this is counted as lost.
const LOST_AFTER: Duration = Duration::from_millis(200);

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

/// A UDP echo server being measured, and its round trips so far.
struct Echoing {
    server: Server,
    parts: Vec<Latencies>,
    lost: usize,
}

impl Echoing {
    fn new(server: Server) -> Echoing {
        Echoing {
            server,
            parts: Vec::new(),
            lost: 0,
        }
    }

    fn ping_pong(&mut self, warmup: usize, count: usize) -> Result<()> {
        let addr = self.server.addr;
        let (lat, lost) = load::udp_ping_pong(addr, warmup, count, LOST_AFTER)
            .with_context(|| format!("UDP ping-pong with {addr}"))?;
        self.parts.push(lat);
        self.lost += lost;
        Ok(())
    }

    /// The totals as a table row, with the server's peak memory read before it is stopped.
    fn done(self, name: &str) -> RoundTrips {
        RoundTrips {
            name: name.into(),
            result: Ok(RoundTripFigures {
                latencies: Latencies::merge(self.parts),
                lost: Some(self.lost),
                rss_kib: self.server.peak_rss_kib(),
            }),
        }
    }
}

pub fn udp(quick: bool) -> Result<String> {
    let (warmup, count) = if quick { (10, 500) } else { (1_000, 50_000) };
    let flood: u64 = if quick { 2_000 } else { 200_000 };
    let has_python = super::python().is_some();
    eprintln!("building udp-chat (release)...");
    let dir = build_release(&["udp-chat"])?;

    // Ping-pong in rounds, ours and Python taking turns, so that a machine getting busier
    // or quieter during the run weighs on both alike.
    let rounds = if quick { 1 } else { ROUNDS };
    let per_round = count / rounds as usize;
    let mut ours = Echoing::new(start_ours(&dir, "udp-echo-server")?);
    let mut python = if has_python {
        Some(Echoing::new(Server::start(
            "the Python UDP echo server",
            &mut peers::python(py::UDP_ECHO, &[]),
        )?))
    } else {
        None
    };
    for round in 1..=rounds {
        eprintln!("udp: round {round}/{rounds}: ping-pong...");
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
    let ours = ours.done("udp-echo-server (ours)");
    let python_name = "Python recvfrom/sendto loop";
    let python = match python {
        Some(python) => python.done(python_name),
        None => RoundTrips {
            name: python_name.into(),
            result: Err(NO_PYTHON.into()),
        },
    };
    let count = per_round * rounds as usize;

    eprintln!("udp: flood to udp-recv...");
    let ours_flood = Flood {
        name: "udp-recv -q (ours)".into(),
        result: Ok(flood_into(start_ours(&dir, "udp-recv")?, flood)?),
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
    writeln!(
        report,
        "\nPing-pong: {count} datagrams of {MESSAGE} bytes in {rounds} round(s), ours and \
         Python taking turns (ours first in odd rounds, Python first in even ones; {warmup} \
         not counted at the start of each), each sent when the echo of the one before came \
         back; one not answered within {} ms counts as lost.\n",
        LOST_AFTER.as_millis()
    )?;
    round_trip_table(&mut report, &[&ours, &python])?;
    flood_table(&mut report, flood, &[&ours_flood, &python_flood])?;
    writeln!(report, "\n| goal | measured | |\n|---|---|---|")?;
    ping_pong_goal(&mut report, ours.per_second(), python.per_second(), quick)?;
    Ok(report)
}

/// Starts one of our UDP programs, from `dir`, on a port the system chooses.
fn start_ours(dir: &Path, name: &str) -> Result<Server> {
    Server::start(
        name,
        Command::new(program(dir, name)).args(["--port", "0", "-q"]),
    )
}

/// Floods the receiver, then asks it (Ctrl-C) how many datagrams it took in.
fn flood_into(mut server: Server, count: u64) -> Result<FloodResult> {
    let (elapsed, sent) = load::udp_flood(server.addr, count)?;
    std::thread::sleep(SETTLE);
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
