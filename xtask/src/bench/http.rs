//! The HTTP lesson's benchmark: `mini-http` against nginx and `python3 -m http.server`,
//! loaded by wrk over loopback. Five scenarios: a 1 KiB file over kept-alive connections,
//! 64 of them, then 1,000; the same file over a new connection per request; a 100 MiB file
//! over one connection, then four. All the servers serve the same folder, and each is
//! started afresh for each scenario, so that its peak memory is that scenario's.
//!
//! This file runs the scenarios; `http_scenarios.rs` says what they are and how the
//! servers are set up, `wrk.rs` runs wrk and reads what it prints, `http_report.rs` writes
//! the tables.

use super::file_setup::{self, Scratch};
use super::host::{self, Host, Maybe};
use super::http_report::{self, Report};
use super::http_scenarios::{nginx_settings, Kind, Scenario, LARGE, SCENARIOS, SMALL, THREADS};
use super::nginx::{self, Nginx, NO_NGINX};
use super::peers::{self, Server};
use super::wrk::{self, Run, NO_WRK};
use super::{build_release, program, py, sys, turns, NO_PYTHON};
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

/// Each server runs this many rounds in a scenario, ours and the peers taking turns (ours
/// first in odd rounds, the peers first in even ones).
const ROUNDS: u64 = 3;
/// Python takes part in the first two rounds only (one in each order): its figure is a
/// small fraction of the others', so more rounds would not change what it says. The load is
/// the same as the others'.
const PYTHON_ROUNDS: u64 = 2;
/// How long a round lasts, in seconds (wrk takes whole seconds).
const SECONDS: u64 = 5;

/// What one server did in a scenario, or why it could not run.
pub struct Row {
    pub kind: Kind,
    pub result: std::result::Result<Tally, String>,
}

/// A server's counted runs, and its peak memory.
#[derive(Default)]
pub struct Tally {
    pub runs: Vec<Run>,
    /// In KiB, read just before the server was stopped.
    pub rss_kib: Option<u64>,
}

pub fn http(quick: bool) -> Result<String> {
    eprintln!("building mini-http (release)...");
    let dir = build_release(&["mini-http"])?;
    // A thousand connections are a socket each in wrk and in the server: the limit is
    // raised before they start, so that they inherit it.
    let open_files = sys::raise_open_files_limit().context("raising the open-files limit")?;
    let small = file_setup::test_file(SMALL)?;
    let scratch = Scratch::new("http", &small)?;
    let large = scratch.also_serve(&file_setup::test_file(LARGE)?)?;
    let rounds = if quick { 1 } else { ROUNDS };
    let bench = Bench {
        quick,
        dir,
        scratch,
        large,
        wrk: if peers::found("wrk") {
            Ok(())
        } else {
            Err(NO_WRK.to_string())
        },
        nginx: nginx::program().ok_or_else(|| NO_NGINX.to_string()),
        python: match super::python() {
            Some(_) => Ok(()),
            None => Err(NO_PYTHON.to_string()),
        },
        open_files,
        rounds,
        python_rounds: PYTHON_ROUNDS.min(rounds),
        seconds: if quick { 1 } else { SECONDS },
    };
    let mut measured = Vec::new();
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        measured.push((scenario, bench.measure(index, scenario)?));
    }
    http_report::report(&Report {
        quick,
        rounds: bench.rounds,
        python_rounds: bench.python_rounds,
        seconds: bench.seconds,
        open_files,
        names: [bench.scratch.name(), &bench.large],
        measured: &measured,
    })
}

/// What the scenarios share: the programs, the served folder, the peers found, the limits.
struct Bench {
    quick: bool,
    /// Where the release build of mini-http is.
    dir: PathBuf,
    /// The served folder: the small file, under `scratch.name()`, and the large one.
    scratch: Scratch,
    large: String,
    wrk: std::result::Result<(), String>,
    nginx: std::result::Result<PathBuf, String>,
    python: std::result::Result<(), String>,
    open_files: u64,
    rounds: u64,
    python_rounds: u64,
    seconds: u64,
}

impl Bench {
    /// Runs one scenario on fresh servers, and returns a row per server.
    fn measure(&self, index: usize, scenario: &Scenario) -> Result<Vec<Row>> {
        let mut rows: Vec<Row> = scenario
            .servers
            .iter()
            .map(|&kind| Row {
                kind,
                result: Ok(Tally::default()),
            })
            .collect();
        if let Some(why) = self.blocked(scenario) {
            for row in &mut rows {
                row.result = Err(why.clone());
            }
            return Ok(rows);
        }
        let mut hosts = Vec::new();
        for row in &mut rows {
            let host = self.start(row.kind, index)?;
            if let Err(why) = &host {
                row.result = Err(why.clone());
            }
            hosts.push(host);
        }
        if !self.quick {
            eprintln!(
                "http: {}: warm-up, 1 s each, not counted...",
                scenario.title
            );
            for (row, host) in rows.iter_mut().zip(&hosts) {
                self.turn(row, host, scenario, 1, false)?;
            }
        }
        for round in 1..=self.rounds {
            eprintln!("http: {}: round {round}/{}...", scenario.title, self.rounds);
            for side in turns(round) {
                for (row, host) in rows.iter_mut().zip(&hosts) {
                    let python_rests = row.kind == Kind::Python && round > self.python_rounds;
                    if row.kind.side() == side && !python_rests {
                        self.turn(row, host, scenario, self.seconds, true)?;
                    }
                }
            }
        }
        for (row, host) in rows.iter_mut().zip(&hosts) {
            if let (Ok(tally), Ok(host)) = (&mut row.result, host) {
                tally.rss_kib = host.peak_rss_kib();
            }
        }
        // The servers stop here, before the next scenario's start.
        Ok(rows)
    }

    /// Why no server can run `scenario`, if none can: wrk is missing, or too few files
    /// may be open for its connections.
    fn blocked(&self, scenario: &Scenario) -> Option<String> {
        if let Err(why) = &self.wrk {
            return Some(why.clone());
        }
        // A socket per connection in wrk, one in the server and a file open per request
        // in flight, and some to spare.
        let needed = 3 * u64::from(scenario.load.connections) + 100;
        (self.open_files < needed).then(|| {
            format!(
                "the open-files limit is {}, {needed} are needed: raise it (ulimit -n)",
                self.open_files
            )
        })
    }

    /// Starts a server of `kind` for scenario number `index`. Ours failing to start ends
    /// the benchmark; a peer's failure is its row's cell.
    fn start(&self, kind: Kind, index: usize) -> Result<Maybe> {
        let root = self.scratch.root();
        Ok(match kind {
            Kind::Ours => {
                let mut cmd = Command::new(program(&self.dir, "mini-http"));
                cmd.arg("--root").arg(root).args([
                    "--port",
                    "0",
                    "--threads",
                    &THREADS.to_string(),
                    "-q",
                ]);
                Ok(Host::Program(Server::start(kind.name(), &mut cmd)?))
            }
            Kind::Nginx => match &self.nginx {
                Err(why) => Err(why.clone()),
                Ok(program) => {
                    let work = self.scratch.work(&format!("nginx-{index}"));
                    Nginx::start(program, root, &work, &nginx_settings())
                        .map(Host::Nginx)
                        .map_err(|e| host::failed(&e))
                }
            },
            Kind::Python => match &self.python {
                Err(why) => Err(why.clone()),
                Ok(()) => Server::start_saying(
                    kind.name(),
                    &mut py::http_server(root),
                    py::HTTP_SERVER_SAYS,
                    py::http_server_address,
                )
                .map(Host::Program)
                .map_err(|e| host::failed(&e)),
            },
        })
    }

    /// One wrk run of `seconds` on `host`, checked, and counted in `row` if `counted`.
    /// Ours failing ends the benchmark; a peer failing has its row say why, and takes no
    /// more turns.
    fn turn(
        &self,
        row: &mut Row,
        host: &Maybe,
        scenario: &Scenario,
        seconds: u64,
        counted: bool,
    ) -> Result<()> {
        let (Ok(tally), Ok(host)) = (&mut row.result, host) else {
            return Ok(());
        };
        let (name, size) = if scenario.large {
            (self.large.as_str(), LARGE)
        } else {
            (self.scratch.name(), SMALL)
        };
        let url = format!("http://{}/{name}", host.addr());
        let outcome = wrk::run(&url, scenario.load, seconds)
            .and_then(|run| check(&run, size).map(|()| run))
            .map_err(|e| anyhow!("{e:#}{}", host.log_tail()));
        match outcome {
            Ok(run) if counted => tally.runs.push(run),
            Ok(_) => {}
            Err(e) if row.kind == Kind::Ours => {
                return Err(e.context(format!("{}: {}", row.kind.name(), scenario.title)))
            }
            Err(e) => row.result = Err(host::failed(&e)),
        }
        Ok(())
    }
}

/// Checks that a run was answered, every answer a success holding the whole file of
/// `size` bytes: a server that answered 404, or cut its answers short, must not look fast.
fn check(run: &Run, size: u64) -> Result<()> {
    if run.bad_status > 0 {
        bail!(
            "{} of {} answers were not successes (2xx or 3xx)",
            run.bad_status,
            run.requests
        );
    }
    if run.requests == 0 {
        bail!(
            "no answer in {:.1} s ({} socket errors)",
            run.seconds,
            run.socket_errors
        );
    }
    // wrk rounds its byte count to three or four digits: 1% of slack.
    let least = 0.99 * (run.requests * size) as f64;
    if run.bytes < least {
        bail!(
            "{} answers held {:.0} bytes in all, less than {size} each",
            run.requests,
            run.bytes
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::wrk::Latency;

    fn run(requests: u64, bytes: f64, bad_status: u64) -> Run {
        Run {
            requests,
            seconds: 1.0,
            bytes,
            per_second: requests as f64,
            transfer: bytes,
            latency: Latency::default(),
            socket_errors: 0,
            bad_status,
        }
    }

    #[test]
    fn only_whole_successful_answers_pass() {
        assert!(check(&run(10, 10.0 * 1300.0, 0), SMALL).is_ok());
        let short = check(&run(10, 10.0 * 300.0, 0), SMALL).expect_err("short answers");
        assert!(short.to_string().contains("less than 1024"), "{short}");
        let missing = check(&run(10, 10.0 * 1300.0, 10), SMALL).expect_err("404s");
        assert!(missing.to_string().contains("10 of 10"), "{missing}");
        assert!(check(&run(0, 0.0, 0), SMALL).is_err());
    }
}
