//! `cargo xtask`: the workspace's own tasks, written in Rust so they run wherever cargo does.
//!
//! - `cargo xtask test`: formatting, lints, every test (unit, doc, end-to-end), then a summary
//!   of what ran, what passed and which real-peer tests were skipped for a missing tool.
//! - `cargo xtask tour`: builds the lesson programs and runs each lesson on loopback, printing
//!   every command and what comes back.
//! - `cargo xtask bench [LESSON] [--quick]`: measures the lesson programs (framing, tcp,
//!   threaded, udp, file, http) against their peers (CPython, iperf3, nginx, curl, wrk) on
//!   this machine and writes the tables to `target/bench/`; `--quick` only checks that
//!   every benchmark still runs.
//! - `cargo xtask docs [PAGE.md...] [--check]`: reruns the commands shown in `docs/*.md` and
//!   rewrites their transcripts, or only says which ones no longer match.
//!
//! The pattern is matklad's xtask: a plain binary in the workspace, called through the
//! `xtask` alias in `.cargo/config.toml`.

mod bench;
mod child;
mod docs;
mod ports;
mod run;
mod screenshot;
mod server;
mod test;
mod tour;

use anyhow::{bail, Result};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  test    cargo fmt --check, clippy -D warnings, rustdoc, docs transcripts,
          cargo test (unit, doc, e2e), then a summary
  tour    build the lesson programs and run every lesson on loopback, narrated
  bench [LESSON] [--quick]
          measure the lesson programs against their peers, side by side; LESSON is
          framing, tcp, threaded, udp, file or http (all of them when none is named);
          reports go to target/bench/LESSON.md (--quick: brief runs, target/bench/quick/)
  docs [PAGE.md...] [--check]
          rerun the commands in docs/*.md (or the pages named) and rewrite their
          transcripts; --check only says which ones no longer match
";

fn main() {
    if let Err(err) = dispatch() {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn dispatch() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test::run(&args[1..]),
        Some("tour") => tour::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("docs") => {
            let check = args.iter().any(|a| a == "--check");
            let pages: Vec<String> = args[1..]
                .iter()
                .filter(|a| *a != "--check")
                .cloned()
                .collect();
            docs::run(check, &pages)
        }
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
        None => {
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    }
}
