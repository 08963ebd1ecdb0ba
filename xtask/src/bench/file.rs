//! The file-download lesson's benchmark: `file-server` and `file-client` fetching a large
//! file over loopback, into a sink and onto the disk, one at a time and ten at once,
//! against `iperf3` (the loopback ceiling), the course's Python 004 server, nginx with
//! curl, and `cp`; with the servers' peak memory, and the CPU time both sides spend per GiB
//! (which shows what `sendfile` saves).
//!
//! This file runs the measurements; `file_setup.rs` makes the test file and starts the
//! servers and clients, `fetch.rs` times the clients, `file_report.rs` writes the tables.

use super::fetch;
use super::file_report::{self, Report};
use super::file_setup::{self, Peers, Scratch};
use super::host::{self, Host, Maybe};
use super::{build_release, tcp, turns, Turn};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// Each measurement is made this many times, ours and the peers taking turns (ours first in
/// odd rounds, the peers first in even ones): a machine that gets busier or quieter during
/// the run then weighs on all of them alike.
const ROUNDS: u64 = 4;
/// How many downloads run at once in the concurrent measurement.
pub const AT_ONCE: usize = 10;

/// What one way of downloading did in all its rounds, or why it could not run.
pub struct Row {
    pub name: String,
    pub result: std::result::Result<Tally, String>,
    /// The row it is compared with in the "ours / this" column (ours: itself).
    pub versus: usize,
}

/// The figures of a row, added up over its rounds.
pub struct Tally {
    pub seconds: f64,
    /// The fastest and the slowest round, in seconds: how steady the machine was.
    pub spread: Option<(f64, f64)>,
    pub bytes: u64,
    /// The server's CPU time while it served them (`None`: not known, or no server).
    pub server_cpu: Option<f64>,
    /// The client processes' CPU time.
    pub client_cpu: Option<f64>,
    /// The server's peak memory, in KiB.
    pub rss_kib: Option<u64>,
}

impl Row {
    fn new(name: &str, versus: usize) -> Row {
        Row {
            name: name.to_string(),
            result: Ok(Tally {
                seconds: 0.0,
                spread: None,
                bytes: 0,
                server_cpu: Some(0.0),
                client_cpu: Some(0.0),
                rss_kib: None,
            }),
            versus,
        }
    }

    /// The row, or why it cannot run if the peer it needs is missing.
    fn needs<T>(mut self, peer: &std::result::Result<T, String>) -> Row {
        if let Err(why) = peer {
            self.result = Err(why.clone());
        }
        self
    }

    /// One turn of ours: a failure ends the benchmark.
    fn ours(&mut self, turn: impl FnOnce(&mut Tally) -> Result<()>) -> Result<()> {
        match &mut self.result {
            Ok(tally) => turn(tally),
            Err(_) => Ok(()),
        }
    }

    /// One turn of a peer: a failure is kept in the row in place of its figures (and no
    /// more turns are taken); the rest still runs.
    fn peer(&mut self, turn: impl FnOnce(&mut Tally) -> Result<()>) {
        if let Ok(tally) = &mut self.result {
            if let Err(e) = turn(tally) {
                self.result = Err(host::failed(&e));
            }
        }
    }

    /// Bytes per second, if measured.
    pub fn rate(&self) -> Option<f64> {
        match &self.result {
            Ok(t) if t.seconds > 0.0 => Some(t.bytes as f64 / t.seconds),
            _ => None,
        }
    }
}

impl Tally {
    fn add_round(&mut self, seconds: f64, bytes: u64) {
        self.seconds += seconds;
        self.bytes += bytes;
        self.spread = Some(match self.spread {
            Some((fastest, slowest)) => (fastest.min(seconds), slowest.max(seconds)),
            None => (seconds, seconds),
        });
    }

    /// One counted turn: `clients` at once, each downloading `size` bytes from `host`
    /// (`None`: `cp`, no server).
    fn count(&mut self, host: Option<&Host>, clients: Vec<Command>, size: u64) -> Result<()> {
        let bytes = size * clients.len() as u64;
        let before = host.map(Host::cpu_seconds);
        let timed = fetch::run(clients, file_setup::limit(bytes))?;
        let server_cpu = match (host, before) {
            (Some(host), Some(Some(before))) => host.cpu_seconds().map(|after| after - before),
            _ => None,
        };
        self.add_round(timed.seconds, bytes);
        self.server_cpu = self.server_cpu.zip(server_cpu).map(|(a, b)| a + b);
        self.client_cpu = self.client_cpu.zip(timed.cpu_seconds).map(|(a, b)| a + b);
        Ok(())
    }
}

pub fn file(quick: bool) -> Result<String> {
    let size: u64 = if quick { 16 << 20 } else { 1 << 30 };
    let rounds = if quick { 1 } else { ROUNDS };
    eprintln!("building file-download (release)...");
    let dir = build_release(&["file-download"])?;
    let source = file_setup::test_file(size)?;
    let scratch = Scratch::new("file", &source)?;
    let peers = Peers::find();
    // The clients that fetch the file from `host` into `out` (`-` for standard output).
    let fetch_from = |host: &Host, classic: bool, out: &str| -> Command {
        match host {
            Host::Nginx(_) => scratch.curl(host.addr(), out),
            Host::Program(_) => scratch.file_client(&dir, host.addr(), classic, out),
        }
    };

    // One download at a time, into a sink and then onto the disk, from servers that run
    // throughout.
    let framed = Host::ours(&dir, &scratch, false)?;
    let classic = Host::ours(&dir, &scratch, true)?;
    let python = Host::python(&peers, &scratch);
    let nginx = Host::nginx(&peers, &scratch, "nginx");
    // The rows of the tables, in their order ("ours / this" names a row by its place).
    let mut sink_ours = Row::new("file-server + file-client -o -", 0);
    let mut iperf = iperf_row(&peers, size, None);
    let mut iperf_file = iperf_row(&peers, size, Some(&source));
    let mut sink_nginx = Row::new("nginx + curl -o /dev/null", 0).needs(&nginx);
    let mut sink_classic = Row::new("file-server --classic + file-client --classic -o -", 0);
    let mut sink_python =
        Row::new("Python 004_server.py + file-client --classic -o -", 4).needs(&python);
    let mut disk_ours = Row::new("file-client -o FILE, from file-server", 0);
    let mut cp = Row::new("cp FILE FILE", 0).needs(&peers.cp);
    let mut disk_nginx = Row::new("curl -o FILE, from nginx", 0).needs(&nginx);
    let served = |row: &mut Row, host: &Maybe, classic: bool| {
        if let Ok(host) = host {
            row.peer(|t| t.count(Some(host), vec![fetch_from(host, classic, "-")], size));
        }
    };

    eprintln!("file: warm-up: one download from each server, checked, not counted...");
    warm_up(&framed, fetch_from(&framed, false, "-"), size)?;
    warm_up(&classic, fetch_from(&classic, true, "-"), size)?;
    if let Ok(nginx) = &nginx {
        sink_nginx.peer(|_| warm_up(nginx, fetch_from(nginx, false, "-"), size));
    }
    if let Ok(python) = &python {
        sink_python.peer(|_| warm_up(python, fetch_from(python, true, "-"), size));
    }
    iperf_turn(&mut iperf, size.min(16 << 20), None, false);
    iperf_turn(&mut iperf_file, size.min(16 << 20), Some(&source), false);

    for round in 1..=rounds {
        eprintln!("file: round {round}/{rounds}: into a sink...");
        for turn in turns(round) {
            match turn {
                Turn::Ours => {
                    let one = |host: &Host, classic| vec![fetch_from(host, classic, "-")];
                    sink_ours.ours(|t| t.count(Some(&framed), one(&framed, false), size))?;
                    sink_classic.ours(|t| t.count(Some(&classic), one(&classic, true), size))?;
                }
                Turn::Peers => {
                    iperf_turn(&mut iperf, size, None, true);
                    iperf_turn(&mut iperf_file, size, Some(&source), true);
                    served(&mut sink_nginx, &nginx, false);
                    served(&mut sink_python, &python, true);
                }
            }
        }
    }

    let out = scratch.output();
    let out_arg = out.to_string_lossy().into_owned();
    for round in 1..=rounds {
        eprintln!("file: round {round}/{rounds}: onto the disk...");
        for turn in turns(round) {
            match turn {
                Turn::Ours => disk_ours.ours(|t| {
                    t.count(
                        Some(&framed),
                        vec![fetch_from(&framed, false, &out_arg)],
                        size,
                    )?;
                    file_setup::clear(&out, size)
                })?,
                Turn::Peers => {
                    cp.peer(|t| {
                        t.count(None, vec![scratch.cp(&out)], size)?;
                        file_setup::clear(&out, size)
                    });
                    if let Ok(nginx) = &nginx {
                        disk_nginx.peer(|t| {
                            t.count(Some(nginx), vec![fetch_from(nginx, false, &out_arg)], size)?;
                            file_setup::clear(&out, size)
                        });
                    }
                }
            }
        }
    }
    peak_memory(&mut sink_ours, Some(&framed));
    peak_memory(&mut sink_nginx, nginx.as_ref().ok());
    peak_memory(&mut sink_classic, Some(&classic));
    peak_memory(&mut sink_python, python.as_ref().ok());
    peak_memory(&mut disk_ours, Some(&framed));
    peak_memory(&mut disk_nginx, nginx.as_ref().ok());
    // Stopped before the next servers start.
    drop((framed, classic, python, nginx));

    // Ten at once, from servers started afresh: their peak memory is that of ten downloads.
    let framed = Host::ours(&dir, &scratch, false)?;
    let nginx = Host::nginx(&peers, &scratch, "nginx-at-once");
    let mut many_ours = Row::new(
        &format!("{AT_ONCE} x file-client -o -, from file-server"),
        0,
    );
    let mut many_nginx =
        Row::new(&format!("{AT_ONCE} x curl -o /dev/null, from nginx"), 0).needs(&nginx);
    let many = |host: &Host| -> Vec<Command> {
        (0..AT_ONCE).map(|_| fetch_from(host, false, "-")).collect()
    };
    for round in 1..=rounds {
        eprintln!("file: round {round}/{rounds}: {AT_ONCE} downloads at once...");
        for turn in turns(round) {
            match turn {
                Turn::Ours => many_ours.ours(|t| t.count(Some(&framed), many(&framed), size))?,
                Turn::Peers => {
                    if let Ok(nginx) = &nginx {
                        many_nginx.peer(|t| t.count(Some(nginx), many(nginx), size));
                    }
                }
            }
        }
    }
    peak_memory(&mut many_ours, Some(&framed));
    peak_memory(&mut many_nginx, nginx.as_ref().ok());

    file_report::report(&Report {
        quick,
        size,
        rounds,
        source: &source,
        sink: &[
            sink_ours,
            iperf,
            iperf_file,
            sink_nginx,
            sink_classic,
            sink_python,
        ],
        disk: &[disk_ours, cp, disk_nginx],
        at_once: &[many_ours, many_nginx],
    })
}

/// Records `host`'s peak memory in `row` (read just before the server is stopped).
fn peak_memory(row: &mut Row, host: Option<&Host>) {
    if let (Ok(tally), Some(host)) = (&mut row.result, host) {
        tally.rss_kib = host.peak_rss_kib();
    }
}

/// One download from `host` with its bytes counted, not timed: the first download pays
/// for what the later ones reuse (the file in the page cache, the server's first thread),
/// and it shows that the server sends the whole file.
fn warm_up(host: &Host, client: Command, size: u64) -> Result<()> {
    fetch::check_size(client, size, file_setup::limit(size))
        .map_err(|e| anyhow::anyhow!("{e:#}{}", host.log_tail()))
}

/// An iperf3 row: how fast one TCP stream crosses loopback, sending one buffer again and
/// again, or the bytes of `file`. It has no client to time as a process, and its server
/// changes with every run: no CPU figures.
fn iperf_row(peers: &Peers, size: u64, file: Option<&Path>) -> Row {
    let name = match file {
        None => format!(
            "iperf3 -n {}M, one stream (the loopback ceiling)",
            size >> 20
        ),
        Some(_) => format!(
            "iperf3 -n {}M -F FILE, the same bytes from the file",
            size >> 20
        ),
    };
    let mut row = Row::new(&name, 0).needs(&peers.iperf3);
    if let Ok(tally) = &mut row.result {
        tally.server_cpu = None;
        tally.client_cpu = None;
    }
    row
}

/// One iperf3 run of `size` bytes (from `file`, if given), counted if `counted`.
fn iperf_turn(row: &mut Row, size: u64, file: Option<&Path>, counted: bool) {
    row.peer(|tally| {
        let run = tcp::iperf3_sending(size, file)?;
        if counted {
            tally.add_round(run.seconds, size);
        }
        tally.rss_kib = tally.rss_kib.max(run.rss_kib);
        Ok(())
    });
}
