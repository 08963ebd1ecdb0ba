//! `cargo xtask bench [LESSON] [--quick]`: the lesson programs measured against peers.
//!
//! Each benchmark runs ours and the peer one after the other in the same run, on this
//! machine, and reports absolute figures and the ratio (ours / peer). Where a measurement
//! is split into rounds, the order alternates (ours first in odd rounds, the peers first in
//! even ones), so that neither side always runs on a machine the other has just warmed up.
//! The table is printed and written to `target/bench/LESSON.md`. A missing peer is named
//! with the command that installs it; the rest still runs. `--quick` runs each measurement
//! briefly: it keeps the harness working (`cargo xtask test` uses it), its numbers mean
//! little, so its reports go to `target/bench/quick/LESSON.md` (a full report is never
//! overwritten by a quick one) and its goals say "not measured (--quick)".
//!
//! - `framing.rs`: frames and `struct` against CPython;
//! - `tcp.rs`: bulk echo and ping-pong through `tcp-echo-server`, against `iperf3` and
//!   Python's socketserver;
//! - `threaded.rs`: many idle clients at once, and short connections per second, through
//!   `threaded-echo-server` against Python's `ThreadingTCPServer`;
//! - `udp.rs`: datagram ping-pong and a one-way flood, against Python's UDP loop;
//! - `file.rs`: `file-server` and `file-client` downloading a large file, against `iperf3`,
//!   the course's Python server, nginx with curl, and `cp` (with `file_setup.rs`, the test
//!   file, servers and clients, and `file_report.rs`, its tables);
//! - `http.rs`: `mini-http` loaded by wrk, a small file and a large one, kept-alive and
//!   short connections, against nginx and `python3 -m http.server` (with
//!   `http_scenarios.rs`, what is measured and the goals, `wrk.rs`, which runs wrk and
//!   reads its output, and `http_report.rs`, the tables).
//!
//! The servers are started as processes (`peers.rs`, which also stops them, whatever
//! happens; nginx in `nginx.rs`, the Python peers in `py.rs`; `host.rs` answers for either
//! kind), and driven by the Rust clients of `load.rs`, or, for downloads, by the lesson's own
//! client and its peers run as processes (`fetch.rs`), or by wrk. `sys.rs` reads what the
//! system knows of them: peak memory, CPU time, children; and raises the open-files limit.

mod fetch;
mod file;
mod file_report;
mod file_setup;
mod framing;
mod host;
mod http;
mod http_report;
mod http_scenarios;
mod load;
mod nginx;
mod peers;
mod py;
mod sys;
mod tcp;
mod threaded;
mod udp;
mod wrk;

use crate::run::{cargo, target_dir};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lessons that have benchmarks.
const LESSONS: &[&str] = &["framing", "tcp", "threaded", "udp", "file", "http"];

pub fn run(args: &[String]) -> Result<()> {
    let quick = args.iter().any(|a| a == "--quick");
    let named: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--quick")
        .collect();
    for name in &named {
        if !LESSONS.contains(name) {
            bail!(
                "no benchmark for `{name}` (lessons with benchmarks: {})",
                LESSONS.join(", ")
            );
        }
    }
    let chosen: Vec<&str> = if named.is_empty() {
        LESSONS.to_vec()
    } else {
        named
    };
    for lesson in chosen {
        let report = match lesson {
            "framing" => framing::framing(quick)?,
            "tcp" => tcp::tcp(quick)?,
            "threaded" => threaded::threaded(quick)?,
            "udp" => udp::udp(quick)?,
            "file" => file::file(quick)?,
            "http" => http::http(quick)?,
            _ => unreachable!("checked above"),
        };
        print!("{report}");
        let dir = report_dir(quick);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(format!("{lesson}.md"));
        std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("(written to {})", path.display());
    }
    Ok(())
}

/// Where the reports go: `target/bench`, or `target/bench/quick` for `--quick` ones.
fn report_dir(quick: bool) -> PathBuf {
    let dir = target_dir().join("bench");
    if quick {
        dir.join("quick")
    } else {
        dir
    }
}

/// One side of a comparison, taking its turn in a round.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Turn {
    Ours,
    Peers,
}

/// The order of round `round` (counted from 1): ours first in odd rounds, the peers first
/// in even ones, so that order effects (a warm cache, a CPU whose clock has just risen)
/// fall on both sides alike.
fn turns(round: u64) -> [Turn; 2] {
    if round % 2 == 0 {
        [Turn::Peers, Turn::Ours]
    } else {
        [Turn::Ours, Turn::Peers]
    }
}

/// One line of measurements: `key=value` pairs printed by a benchmark program.
struct Figures(Vec<(String, f64)>);

impl Figures {
    fn parse(line: &str) -> Result<Figures> {
        let pairs = line
            .split_whitespace()
            .map(|pair| {
                let (k, v) = pair
                    .split_once('=')
                    .with_context(|| format!("bad benchmark output {line:?}"))?;
                Ok((
                    k.to_string(),
                    v.parse::<f64>()
                        .with_context(|| format!("bad number in {line:?}"))?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Figures(pairs))
    }

    fn get(&self, key: &str) -> Result<f64> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .with_context(|| format!("benchmark output has no {key}"))
    }
}

/// Runs a command and parses the last line it prints.
fn measure(cmd: &mut Command) -> Result<Figures> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    Figures::parse(stdout.lines().last().unwrap_or(""))
}

/// `python3`, when it is installed.
fn python() -> Option<&'static str> {
    crate::run::python_found().then_some(crate::run::PYTHON)
}

/// The line a table shows when the Python peers cannot run.
const NO_PYTHON: &str = "python3 not found: apt-get install python3";

/// Builds `packages`' programs in release mode (benchmarks measure optimised code) and
/// returns the directory they are in.
fn build_release(packages: &[&str]) -> Result<PathBuf> {
    let mut cmd = cargo();
    cmd.args(["build", "--release", "--quiet", "--bins"]);
    for package in packages {
        cmd.args(["-p", package]);
    }
    crate::run::check(&mut cmd)
        .with_context(|| format!("building {} (release)", packages.join(", ")))?;
    Ok(release_dir())
}

/// Where release builds of the workspace's programs land.
fn release_dir() -> PathBuf {
    target_dir().join("release")
}

/// A program of the workspace in `dir`.
fn program(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// The title line of a report.
fn title(lesson: &str, quick: bool) -> String {
    format!(
        "# {lesson} benchmark{}\n",
        if quick {
            " (--quick: figures not meaningful)"
        } else {
            ""
        }
    )
}

/// `ours / peer` as a table cell, `-` when the peer has no figure.
fn ratio(ours: f64, peer: Option<f64>) -> String {
    match peer {
        Some(p) if p > 0.0 => format!("{:.2}x", ours / p),
        _ => "-".into(),
    }
}

/// A peak memory figure (kibibytes) as a table cell in MiB.
fn mib(kib: Option<u64>) -> String {
    match kib {
        Some(k) => format!("{:.1}", k as f64 / 1024.0),
        None => "-".into(),
    }
}

/// The verdict cell of a goals table: whether a goal is met, or, in `--quick` runs, that
/// it was not measured (their figures are too brief to judge by).
fn verdict(met: bool, quick: bool) -> &'static str {
    if quick {
        "not measured (--quick)"
    } else if met {
        "met"
    } else {
        "NOT met"
    }
}

/// The goal that ours answers small messages at least as fast as Python, as a row of a
/// `| goal | measured | |` table (round trips per second, ours and Python's).
fn ping_pong_goal(
    report: &mut String,
    ours: Option<f64>,
    python: Option<f64>,
    quick: bool,
) -> Result<()> {
    ratio_goal(report, "ping-pong >= 1.0x Python", ours, python, 1.0, quick)
}

/// A row of a `| goal | measured | |` table, `text` saying the goal: that ours is at
/// least `goal` times the peer (rates, where more is better); "not measured" when either
/// has no figure.
fn ratio_goal(
    report: &mut String,
    text: &str,
    ours: Option<f64>,
    peer: Option<f64>,
    goal: f64,
    quick: bool,
) -> Result<()> {
    match (ours, peer) {
        (Some(o), Some(p)) if p > 0.0 => writeln!(
            report,
            "| {text} | {:.2}x | {} |",
            o / p,
            verdict(o / p >= goal, quick)
        )?,
        _ => writeln!(report, "| {text} | - | not measured |")?,
    }
    Ok(())
}

/// One server's row in a round-trip table.
struct RoundTrips {
    /// The server, as the table names it.
    name: String,
    /// What it did, or why it could not run.
    result: std::result::Result<RoundTripFigures, String>,
}

/// A series of round trips through one server.
struct RoundTripFigures {
    latencies: load::Latencies,
    /// Requests never answered (UDP can lose them); `None` where nothing can be lost.
    lost: Option<usize>,
    /// The server's peak memory, in KiB.
    rss_kib: Option<u64>,
}

impl RoundTrips {
    /// Round trips per second, if measured.
    fn per_second(&self) -> Option<f64> {
        self.result.as_ref().ok().map(|f| f.latencies.per_second())
    }
}

/// The table of a ping-pong: rate, latency percentiles, losses (a column shown only when
/// some row can lose requests), the ratio to ours (the first row) and peak memory.
fn round_trip_table(report: &mut String, rows: &[&RoundTrips]) -> Result<()> {
    let with_lost = rows
        .iter()
        .any(|r| r.result.as_ref().is_ok_and(|f| f.lost.is_some()));
    let lost_head = if with_lost { " lost |" } else { "" };
    writeln!(
        report,
        "| server | round trips/s | p50 µs | p90 µs | p99 µs | max µs |{lost_head} ours / this | server peak RSS (MiB) |"
    )?;
    let columns = if with_lost { 9 } else { 8 };
    writeln!(report, "|{}", "---|".repeat(columns))?;
    let ours = rows.first().and_then(|r| r.per_second());
    for row in rows {
        match &row.result {
            Ok(f) => {
                let lat = &f.latencies;
                let lost = match (with_lost, f.lost) {
                    (false, _) => String::new(),
                    (true, Some(n)) => format!(" {n} |"),
                    (true, None) => " - |".into(),
                };
                writeln!(
                    report,
                    "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |{lost} {} | {} |",
                    row.name,
                    lat.per_second(),
                    lat.micros(0.5),
                    lat.micros(0.9),
                    lat.micros(0.99),
                    lat.micros(1.0),
                    ours.map_or("-".into(), |o| ratio(o, Some(lat.per_second()))),
                    mib(f.rss_kib)
                )?;
            }
            Err(why) => writeln!(
                report,
                "| {} | {why} |{}",
                row.name,
                " - |".repeat(columns - 2)
            )?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, lost: Option<usize>) -> RoundTrips {
        RoundTrips {
            name: name.into(),
            result: Ok(RoundTripFigures {
                latencies: load::Latencies::merge([]),
                lost,
                rss_kib: Some(2048),
            }),
        }
    }

    /// Every line of a markdown table has as many cells as its header.
    fn assert_even_columns(table: &str) {
        let cells: Vec<usize> = table
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(|l| l.matches('|').count())
            .collect();
        assert!(cells.windows(2).all(|w| w[0] == w[1]), "{table}");
    }

    #[test]
    fn round_trip_table_shows_lost_only_when_there_is_some() {
        let missing = RoundTrips {
            name: "peer".into(),
            result: Err("not found".into()),
        };
        let mut tcp = String::new();
        round_trip_table(&mut tcp, &[&row("ours", None), &missing]).expect("writes");
        assert!(!tcp.contains("lost"));
        assert_even_columns(&tcp);
        let mut udp = String::new();
        round_trip_table(&mut udp, &[&row("ours", Some(3)), &missing]).expect("writes");
        assert!(udp.contains("| lost |") && udp.contains("| 3 |"), "{udp}");
        assert_even_columns(&udp);
    }

    #[test]
    fn quick_runs_judge_no_goal() {
        assert_eq!(verdict(true, false), "met");
        assert_eq!(verdict(false, false), "NOT met");
        assert_eq!(verdict(true, true), "not measured (--quick)");
        let mut report = String::new();
        ping_pong_goal(&mut report, Some(2.0), Some(1.0), true).expect("writes");
        assert!(
            report.contains("2.00x | not measured (--quick)"),
            "{report}"
        );
        let mut report = String::new();
        ping_pong_goal(&mut report, Some(1.0), None, false).expect("writes");
        assert!(report.contains("| - | not measured |"), "{report}");
    }

    #[test]
    fn quick_reports_have_their_own_folder() {
        assert_ne!(report_dir(true), report_dir(false));
        assert!(report_dir(true).starts_with(report_dir(false)));
    }

    #[test]
    fn even_rounds_start_with_the_peers() {
        assert_eq!(turns(1), [Turn::Ours, Turn::Peers]);
        assert_eq!(turns(2), [Turn::Peers, Turn::Ours]);
        assert_eq!(turns(3), turns(1));
    }
}
