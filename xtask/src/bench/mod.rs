//! `cargo xtask bench [LESSON] [--quick]`: the lesson programs measured against peers.
//!
//! Each benchmark runs ours and the peer one after the other in the same run, on this
//! machine, and reports absolute figures and the ratio (ours / peer). The table is printed
//! and written to `target/bench/LESSON.md`. A missing peer is named with the command that
//! installs it; the rest still runs. `--quick` runs each measurement briefly: it keeps the
//! harness working (`cargo xtask test` uses it), its numbers mean little.
//!
//! - `framing.rs`: frames and `struct` against CPython;
//! - `tcp.rs`: bulk echo and ping-pong through `tcp-echo-server`, against `iperf3` and
//!   Python's socketserver;
//! - `threaded.rs`: many idle clients at once, and short connections per second, through
//!   `threaded-echo-server` against Python's `ThreadingTCPServer`;
//! - `udp.rs`: datagram ping-pong and a one-way flood, against Python's UDP loop.
//!
//! The servers are started as processes (`peers.rs`, which also stops them, whatever
//! happens), and driven by the Rust clients of `load.rs`.

mod framing;
mod load;
mod peers;
mod py;
mod sys;
mod tcp;
mod threaded;
mod udp;

use crate::run::{cargo, target_dir};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

/// The lessons that have benchmarks.
const LESSONS: &[&str] = &["framing", "tcp", "threaded", "udp"];

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
            _ => unreachable!("checked above"),
        };
        print!("{report}");
        let dir = target_dir().join("bench");
        std::fs::create_dir_all(&dir).context("creating target/bench")?;
        let path = dir.join(format!("{lesson}.md"));
        std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("(written to {})", path.display());
    }
    Ok(())
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

fn python() -> Option<&'static str> {
    Command::new("python3")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| "python3")
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
fn program(dir: &std::path::Path, name: &str) -> PathBuf {
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

/// Whether `value` meets a goal, as a table cell.
fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}
