//! The multi-client lesson's benchmark: `threaded-echo-server` in both modes holding many
//! idle clients while a new one is served, and taking short connections one after
//! another, against the course's `socketserver.ThreadingTCPServer`.

use super::load::{self, Latencies, ShortRun, MESSAGE};
use super::peers::{self, Server};
use super::{build_release, mib, program, py, ratio, sys, title, turns, verdict, Turn, NO_PYTHON};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The most workers `threaded-echo-server --workers` accepts.
const MAX_WORKERS: usize = 1024;
/// The latency goal for a new client while the others are held.
const GOAL_P99_MS: f64 = 10.0;
/// The goal for short connections, against Python.
const GOAL_SHORT: f64 = 3.0;
/// Client threads making short connections (this machine may have 2 cores: more threads
/// would only measure the scheduler).
const SHORT_THREADS: usize = 4;
/// The `recv` size of the Python handler (threaded-echo-server reads 4 KiB at a time).
const PY_RECV: usize = 4096;
/// The holding runs are made this many times, ours and Python taking turns (ours first in
/// odd rounds, Python first in even ones), each time on freshly started servers.
const HOLD_ROUNDS: u64 = 2;
/// The short connections are split into this many rounds, taking turns in the same way.
const SHORT_ROUNDS: u64 = 4;

/// A server to measure: ours in one mode, or Python's.
#[derive(Clone, Copy)]
enum Kind {
    Spawn,
    Pool { workers: usize },
    Python,
}

impl Kind {
    /// Whose turn the server runs in: ours, or the peer's.
    fn side(self) -> Turn {
        match self {
            Kind::Python => Turn::Peers,
            Kind::Spawn | Kind::Pool { .. } => Turn::Ours,
        }
    }

    fn name(self) -> String {
        match self {
            Kind::Spawn => "threaded-echo-server --mode spawn (ours)".into(),
            Kind::Pool { workers } => {
                format!("threaded-echo-server --mode pool --workers {workers} (ours)")
            }
            Kind::Python => "Python ThreadingTCPServer".into(),
        }
    }

    /// Starts the server, or says why it cannot run (`Ok(Err(..))`).
    fn start(self, dir: &Path, has_python: bool) -> Result<std::result::Result<Server, String>> {
        let ours = program(dir, "threaded-echo-server");
        // Enough room that the connection limit is never what is measured.
        let room = ["--max-connections", "20000", "--port", "0", "-q"];
        let server = match self {
            Kind::Spawn => Server::start(
                "threaded-echo-server --mode spawn",
                Command::new(ours).args(["--mode", "spawn"]).args(room),
            )?,
            Kind::Pool { workers } => Server::start(
                "threaded-echo-server --mode pool",
                Command::new(ours)
                    .args(["--mode", "pool", "--workers", &workers.to_string()])
                    .args(room),
            )?,
            Kind::Python if has_python => Server::start(
                "the Python ThreadingTCPServer",
                &mut peers::python(py::TCP_ECHO, &[PY_RECV.to_string()]),
            )?,
            Kind::Python => return Ok(Err(NO_PYTHON.into())),
        };
        Ok(Ok(server))
    }
}

/// What a server did with many idle clients connected.
struct Holding {
    asked: usize,
    held: usize,
    stopped: Option<String>,
    fresh: Latencies,
    fresh_stopped: Option<String>,
    reused: Option<Latencies>,
    rss_kib: Option<u64>,
}

impl Holding {
    /// Two rounds of the same run as one: the fewest clients held, every sample, the
    /// first reason to stop, the largest peak memory.
    fn merge(self, other: Holding) -> Holding {
        let reused = match (self.reused, other.reused) {
            (Some(a), Some(b)) => Some(Latencies::merge([a, b])),
            (a, b) => a.or(b),
        };
        Holding {
            asked: self.asked,
            held: self.held.min(other.held),
            stopped: self.stopped.or(other.stopped),
            fresh: Latencies::merge([self.fresh, other.fresh]),
            fresh_stopped: self.fresh_stopped.or(other.fresh_stopped),
            reused,
            rss_kib: self.rss_kib.max(other.rss_kib),
        }
    }
}

/// What a server did, or why it could not run.
type Outcome<T> = std::result::Result<T, String>;

/// One server's short connections.
struct Short {
    kind: Kind,
    result: Outcome<ShortFigures>,
}

/// Short connections through a server, and its peak memory.
struct ShortFigures {
    run: ShortRun,
    rss_kib: Option<u64>,
}

impl Short {
    /// Connections served per second, if the server ran.
    fn per_second(&self) -> Option<f64> {
        self.result.as_ref().ok().map(|f| f.run.per_second())
    }
}

pub fn threaded(quick: bool) -> Result<String> {
    eprintln!("building threaded-server (release)...");
    let dir = build_release(&["threaded-server"])?;
    let has_python = super::python().is_some();
    // Every idle client is a socket here and one in the server: raise the limit before the
    // servers start, so they inherit it.
    let limit = sys::raise_open_files_limit().context("raising the open-files limit")?;
    let wanted: usize = if quick { 100 } else { 10_000 };
    let clients = fit(limit).min(wanted);
    let answer_within = Duration::from_millis(if quick { 300 } else { 1_000 });
    let (fresh, reused) = if quick { (50, 200) } else { (500, 5_000) };

    let mut holding_runs: Vec<(Kind, usize)> = vec![
        (Kind::Spawn, clients),
        // One worker more than the idle clients: room for the new client measured.
        (
            Kind::Pool {
                workers: (clients + 1).min(MAX_WORKERS),
            },
            clients,
        ),
    ];
    if quick {
        // More clients than workers, as the full run has.
        holding_runs.push((
            Kind::Pool {
                workers: clients / 2,
            },
            clients,
        ));
    } else if clients > MAX_WORKERS {
        // As many clients as the most workers can hold, with room for the new client.
        holding_runs.push((
            Kind::Pool {
                workers: MAX_WORKERS,
            },
            MAX_WORKERS - 1,
        ));
    }
    holding_runs.push((Kind::Python, clients));

    let hold_rounds = if quick { 1 } else { HOLD_ROUNDS };
    let (fresh, reused) = (fresh / hold_rounds as usize, reused / hold_rounds as usize);
    let mut holdings: Vec<(Kind, Option<Outcome<Holding>>)> =
        holding_runs.iter().map(|&(kind, _)| (kind, None)).collect();
    for round in 1..=hold_rounds {
        for turn in turns(round) {
            for (i, &(kind, clients)) in holding_runs.iter().enumerate() {
                if kind.side() != turn {
                    continue;
                }
                eprintln!(
                    "threaded: round {round}/{hold_rounds}: {} holding {clients} clients...",
                    kind.name()
                );
                let result = match kind.start(&dir, has_python)? {
                    Ok(server) => Ok(hold(&server, clients, answer_within, fresh, reused)?),
                    Err(why) => Err(why),
                };
                let slot = &mut holdings[i].1;
                *slot = Some(match (slot.take(), result) {
                    (Some(Ok(before)), Ok(now)) => Ok(before.merge(now)),
                    (_, Err(why)) | (Some(Err(why)), _) => Err(why),
                    (None, now) => now,
                });
            }
        }
    }
    let holdings: Vec<(Kind, Outcome<Holding>)> = holdings
        .into_iter()
        .map(|(kind, result)| (kind, result.unwrap_or_else(|| Err("not run".into()))))
        .collect();

    let total: u64 = if quick { 200 } else { 20_000 };
    let short_rounds = if quick { 1 } else { SHORT_ROUNDS };
    let short_within = Duration::from_secs(if quick { 2 } else { 5 });
    let shorts = short_connections(&dir, has_python, total, short_rounds, short_within)?;

    let mut report = title("threaded", quick);
    holding_table(
        &mut report,
        limit,
        wanted,
        answer_within,
        hold_rounds,
        &holdings,
    )?;
    short_table(&mut report, total, short_rounds, short_within, &shorts)?;
    goals(&mut report, quick, &holdings, &shorts)?;
    Ok(report)
}

/// `total` short connections through each server (ours in both modes, and Python's),
/// split into `rounds` rounds taking turns. The servers run throughout; one whose
/// connections fail so often that the client gave up is left out of later rounds.
fn short_connections(
    dir: &Path,
    has_python: bool,
    total: u64,
    rounds: u64,
    answer_within: Duration,
) -> Result<Vec<Short>> {
    let kinds = [
        Kind::Spawn,
        Kind::Pool {
            workers: SHORT_THREADS,
        },
        Kind::Python,
    ];
    let mut servers = Vec::new();
    for kind in kinds {
        servers.push((kind, kind.start(dir, has_python)?, Vec::new()));
    }
    for round in 1..=rounds {
        for turn in turns(round) {
            for (kind, server, parts) in &mut servers {
                let Ok(server) = server else { continue };
                let gave_up = parts.iter().any(|p: &ShortRun| p.gave_up);
                if kind.side() != turn || gave_up {
                    continue;
                }
                eprintln!(
                    "threaded: round {round}/{rounds}: {} short connections...",
                    kind.name()
                );
                parts.push(load::short_connections(
                    server.addr,
                    SHORT_THREADS,
                    total / rounds,
                    answer_within,
                ));
            }
        }
    }
    Ok(servers
        .into_iter()
        .map(|(kind, server, parts)| Short {
            kind,
            result: server.map(|server| ShortFigures {
                run: ShortRun::merge(parts),
                rss_kib: server.peak_rss_kib(),
            }),
        })
        .collect())
}

/// How many idle clients fit under the open-files `limit`: threaded-echo-server keeps one
/// descriptor per client (the socket, shared with the table with which Ctrl-C can shut it
/// down), and so does this client; the rest is room for their own files and the new
/// clients measured.
fn fit(limit: u64) -> usize {
    usize::try_from(limit.saturating_sub(100)).unwrap_or(usize::MAX)
}

/// Holds `clients` idle clients on `server`, then measures new clients beside them.
fn hold(
    server: &Server,
    clients: usize,
    answer_within: Duration,
    fresh: usize,
    reused: usize,
) -> Result<Holding> {
    let held = load::hold_idle(server.addr, clients, answer_within);
    let (fresh, fresh_stopped) = load::fresh_echoes(server.addr, fresh, answer_within);
    // A reused connection only makes sense when a new client is served at all.
    let reused = if fresh_stopped.is_none() {
        Some(
            load::ping_pong(server.addr, 10, reused)
                .with_context(|| format!("echoes on one connection to {}", server.addr))?,
        )
    } else {
        None
    };
    let rss_kib = server.peak_rss_kib();
    Ok(Holding {
        asked: clients,
        held: held.streams.len(),
        stopped: held.stopped,
        fresh,
        fresh_stopped,
        reused,
        rss_kib,
    })
}

fn ms(lat: &Latencies, q: f64) -> String {
    if lat.count() == 0 {
        "-".into()
    } else {
        format!("{:.2}", lat.micros(q) / 1e3)
    }
}

fn holding_table(
    report: &mut String,
    limit: u64,
    wanted: usize,
    answer_within: Duration,
    rounds: u64,
    runs: &[(Kind, Outcome<Holding>)],
) -> Result<()> {
    writeln!(
        report,
        "\nConnections held at once: idle clients opened one after another (each proves it \
         is served with one {MESSAGE}-byte echo answered within {} ms, then stays connected \
         and silent); then, while they stay, a new client's {MESSAGE}-byte echo: \"fresh\" \
         is connect + echo + close each time (timed from connect to the echo's last byte, \
         before the close), \"reused\" is echoes one after another on one connection. Each \
         server ran {rounds} time(s), freshly started, ours and Python taking turns (ours \
         first in odd rounds); \"held at once\" is the fewest of its runs. Open-files limit: \
         {limit}{}. A pool worker serves one connection until it closes, so a pool holds at \
         most `--workers` clients (at most {MAX_WORKERS}); the next client waits for a \
         worker.\n",
        answer_within.as_millis(),
        if fit(limit) < wanted {
            format!(
                " (threaded-echo-server keeps one descriptor per client, so {} fit, not \
                 {wanted}: as many as fit were opened)",
                fit(limit)
            )
        } else {
            String::new()
        }
    )?;
    writeln!(
        report,
        "| server | idle clients asked | held at once | fresh: n | fresh p50 ms | fresh p99 ms | reused p50 ms | reused p99 ms | server peak RSS (MiB) | what happened |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|---|---|---|")?;
    for (kind, result) in runs {
        match result {
            Ok(h) => {
                let mut notes = Vec::new();
                if let Some(why) = &h.stopped {
                    notes.push(format!("holding stopped: {why}"));
                }
                if let Some(why) = &h.fresh_stopped {
                    notes.push(format!("measuring stopped: {why}"));
                }
                let (r50, r99) = match &h.reused {
                    Some(r) => (ms(r, 0.5), ms(r, 0.99)),
                    None => ("-".into(), "-".into()),
                };
                writeln!(
                    report,
                    "| {} | {} | {} | {} | {} | {} | {r50} | {r99} | {} | {} |",
                    kind.name(),
                    h.asked,
                    h.held,
                    h.fresh.count(),
                    ms(&h.fresh, 0.5),
                    ms(&h.fresh, 0.99),
                    mib(h.rss_kib),
                    if notes.is_empty() {
                        "all held and served".into()
                    } else {
                        notes.join("; ")
                    }
                )?;
            }
            Err(why) => writeln!(
                report,
                "| {} | {why} | - | - | - | - | - | - | - | - |",
                kind.name()
            )?,
        }
    }
    Ok(())
}

fn short_table(
    report: &mut String,
    total: u64,
    rounds: u64,
    answer_within: Duration,
    runs: &[Short],
) -> Result<()> {
    writeln!(
        report,
        "\nShort connections: {total} times connect, one {MESSAGE}-byte echo, close, by \
         {SHORT_THREADS} client threads at once (the client closes first, so the TIME_WAIT \
         state is on its side), in {rounds} round(s), ours and Python taking turns (ours \
         first in odd rounds). A connection fails when it is refused, or not connected or \
         answered within {} s; failed connections do not count in connections/s, and after \
         a few failures the client stops trying that server.\n",
        answer_within.as_secs()
    )?;
    writeln!(
        report,
        "| server | tried | served | failed | seconds | connections/s | ours / Python | server peak RSS (MiB) | what happened |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|---|---|")?;
    let python = python_rate(runs);
    for short in runs {
        match &short.result {
            Ok(f) => {
                let run = &f.run;
                let rate = run.per_second();
                writeln!(
                    report,
                    "| {} | {} | {} | {} | {:.2} | {rate:.0}{} | {} | {} | {} |",
                    short.kind.name(),
                    run.tried,
                    run.served(),
                    run.failed,
                    run.elapsed.as_secs_f64(),
                    if run.failed > 0 {
                        " (with failures)"
                    } else {
                        ""
                    },
                    if matches!(short.kind, Kind::Python) {
                        "-".into()
                    } else {
                        ratio(rate, python)
                    },
                    mib(f.rss_kib),
                    what_happened(run),
                )?;
            }
            Err(why) => writeln!(
                report,
                "| {} | {why} | - | - | - | - | - | - | - |",
                short.kind.name()
            )?,
        }
    }
    Ok(())
}

/// The last cell of a short-connections row.
fn what_happened(run: &ShortRun) -> String {
    match (&run.stopped, run.failed) {
        (_, 0) => "all served".into(),
        (Some(why), n) => format!("**{n} failed**: {why}"),
        (None, n) => format!("**{n} failed**"),
    }
}

/// Python's short connections per second, if it ran.
fn python_rate(runs: &[Short]) -> Option<f64> {
    runs.iter()
        .find(|r| matches!(r.kind, Kind::Python))
        .and_then(Short::per_second)
}

/// Why a new client was not served beside `held` idle ones, and whether that is the
/// design: a pool with no more workers than the clients held has none left for it.
fn not_served_reason(kind: Kind, held: usize, why: &str) -> (String, bool) {
    match kind {
        Kind::Pool { workers } if workers <= held => (
            format!("by design: each of the {workers} workers holds an idle client"),
            true,
        ),
        _ => (why.to_string(), false),
    }
}

fn goals(
    report: &mut String,
    quick: bool,
    holdings: &[(Kind, Outcome<Holding>)],
    shorts: &[Short],
) -> Result<()> {
    writeln!(
        report,
        "\n| goal | server | measured | |\n|---|---|---|---|"
    )?;
    for (kind, result) in holdings {
        if matches!(kind, Kind::Python) {
            continue;
        }
        let Ok(h) = result else { continue };
        let goal = format!("new client p99 < {GOAL_P99_MS} ms with {} held", h.held);
        if let Some(why) = &h.fresh_stopped {
            let (reason, by_design) = not_served_reason(*kind, h.held, why);
            // Not being served is a failure whatever the run's length, unless it is the
            // design; a quick run judges no figure.
            let cell = if by_design {
                verdict(false, quick)
            } else {
                "NOT met"
            };
            writeln!(
                report,
                "| {goal} | {} | a new client is not served ({reason}) | {cell} |",
                kind.name()
            )?;
        } else {
            let p99 = h.fresh.micros(0.99) / 1e3;
            writeln!(
                report,
                "| {goal} | {} | {p99:.2} ms | {} |",
                kind.name(),
                verdict(p99 < GOAL_P99_MS, quick)
            )?;
        }
    }
    let python = python_rate(shorts);
    for short in shorts {
        if matches!(short.kind, Kind::Python) {
            continue;
        }
        let goal = format!("short connections >= {GOAL_SHORT}x Python");
        let failed = short.result.as_ref().map_or(0, |f| f.run.failed);
        match (short.per_second(), python) {
            // A connection that failed is a failure whatever the run's length.
            (Some(_), _) if failed > 0 => writeln!(
                report,
                "| {goal} | {} | {failed} connections failed | NOT met |",
                short.kind.name()
            )?,
            (Some(o), Some(p)) if p > 0.0 => writeln!(
                report,
                "| {goal} | {} | {:.2}x | {} |",
                short.kind.name(),
                o / p,
                verdict(o / p >= GOAL_SHORT, quick)
            )?,
            _ => writeln!(
                report,
                "| {goal} | {} | - | not measured |",
                short.kind.name()
            )?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_with_a_spare_worker_has_no_excuse() {
        let full = Kind::Pool { workers: 50 };
        let (reason, by_design) = not_served_reason(full, 50, "no answer within 300 ms");
        assert!(by_design && reason.contains("by design"), "{reason}");
        let spare = Kind::Pool { workers: 101 };
        let (reason, by_design) = not_served_reason(spare, 100, "no answer within 300 ms");
        assert!(!by_design);
        assert_eq!(reason, "no answer within 300 ms");
        let (_, by_design) = not_served_reason(Kind::Spawn, 100, "refused");
        assert!(!by_design);
    }

    #[test]
    fn failures_are_told() {
        let run = ShortRun {
            tried: 10,
            failed: 4,
            gave_up: true,
            stopped: Some("stopped after 4 failures".into()),
            ..ShortRun::default()
        };
        assert_eq!(run.served(), 6);
        assert!(what_happened(&run).contains("4 failed"));
        assert_eq!(what_happened(&ShortRun::default()), "all served");
    }

    #[test]
    fn open_files_fit_one_per_client() {
        assert_eq!(fit(20_100), 20_000);
        assert_eq!(fit(10_100), 10_000);
        assert_eq!(fit(50), 0);
    }
}
