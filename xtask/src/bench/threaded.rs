//! The multi-client lesson's benchmark: `threaded-echo-server` in both modes holding many
//! idle clients while a new one is served, and taking short connections one after
//! another, against the course's `socketserver.ThreadingTCPServer`.

use super::load::{self, Latencies, MESSAGE};
use super::peers::{self, Server};
use super::{build_release, mib, program, py, ratio, sys, title, verdict, NO_PYTHON};
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

/// A server to measure: ours in one mode, or Python's.
#[derive(Clone, Copy)]
enum Kind {
    Spawn,
    Pool { workers: usize },
    Python,
}

impl Kind {
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

    let mut holdings = Vec::new();
    for (kind, clients) in holding_runs {
        eprintln!("threaded: {} holding {clients} clients...", kind.name());
        let result = match kind.start(&dir, has_python)? {
            Ok(server) => Ok(hold(&server, clients, answer_within, fresh, reused)?),
            Err(why) => Err(why),
        };
        holdings.push((kind, result));
    }

    let total: u64 = if quick { 200 } else { 20_000 };
    let mut shorts = Vec::new();
    for kind in [
        Kind::Spawn,
        Kind::Pool {
            workers: SHORT_THREADS,
        },
        Kind::Python,
    ] {
        eprintln!("threaded: {} short connections...", kind.name());
        let result = match kind.start(&dir, has_python)? {
            Ok(server) => {
                let (elapsed, failed) = load::short_connections(server.addr, SHORT_THREADS, total);
                Ok((elapsed, failed, server.peak_rss_kib()))
            }
            Err(why) => Err(why),
        };
        shorts.push((kind, result));
    }

    let mut report = title("threaded", quick);
    holding_table(&mut report, limit, wanted, answer_within, &holdings)?;
    short_table(&mut report, total, &shorts)?;
    goals(&mut report, total, &holdings, &shorts)?;
    Ok(report)
}

/// How many idle clients fit under the open-files `limit`: threaded-echo-server keeps two
/// descriptors per client (the socket, and a duplicate with which Ctrl-C can shut it
/// down); the rest is room for its own files and the new clients measured.
fn fit(limit: u64) -> usize {
    usize::try_from(limit.saturating_sub(100) / 2).unwrap_or(usize::MAX)
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
    runs: &[(Kind, std::result::Result<Holding, String>)],
) -> Result<()> {
    writeln!(
        report,
        "\nConnections held at once: idle clients opened one after another (each proves it \
         is served with one {MESSAGE}-byte echo answered within {} ms, then stays connected \
         and silent); then, while they stay, a new client's {MESSAGE}-byte echo: \"fresh\" \
         is connect + echo + close each time (timed from connect to the echo's last byte), \
         \"reused\" is echoes one after another on one connection. Open-files limit: {limit}{}. \
         A pool worker serves one connection until it closes, so a pool holds at most \
         `--workers` clients (at most {MAX_WORKERS}); the next client waits for a worker.\n",
        answer_within.as_millis(),
        if fit(limit) < wanted {
            format!(
                " (threaded-echo-server keeps two descriptors per client, so {} fit, not \
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

type Short = (
    Kind,
    std::result::Result<(Duration, u64, Option<u64>), String>,
);

fn per_second(total: u64, result: &Short) -> Option<f64> {
    result
        .1
        .as_ref()
        .ok()
        .map(|(elapsed, _, _)| total as f64 / elapsed.as_secs_f64().max(1e-9))
}

fn short_table(report: &mut String, total: u64, runs: &[Short]) -> Result<()> {
    writeln!(
        report,
        "\nShort connections: {total} times connect, one {MESSAGE}-byte echo, close, by \
         {SHORT_THREADS} client threads at once (the client closes first, so the TIME_WAIT \
         state is on its side).\n"
    )?;
    writeln!(
        report,
        "| server | connections | seconds | connections/s | failed | ours / Python | server peak RSS (MiB) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|---|")?;
    let python = runs
        .iter()
        .find(|r| matches!(r.0, Kind::Python))
        .and_then(|r| per_second(total, r));
    for run in runs {
        match &run.1 {
            Ok((elapsed, failed, rss)) => {
                let rate = per_second(total, run).unwrap_or(0.0);
                writeln!(
                    report,
                    "| {} | {total} | {:.2} | {rate:.0} | {failed} | {} | {} |",
                    run.0.name(),
                    elapsed.as_secs_f64(),
                    if matches!(run.0, Kind::Python) {
                        "-".into()
                    } else {
                        ratio(rate, python)
                    },
                    mib(*rss)
                )?;
            }
            Err(why) => writeln!(report, "| {} | {why} | - | - | - | - | - |", run.0.name())?,
        }
    }
    Ok(())
}

fn goals(
    report: &mut String,
    total: u64,
    holdings: &[(Kind, std::result::Result<Holding, String>)],
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
            let reason = match kind {
                Kind::Pool { .. } => "by design: every worker holds an idle client",
                _ => why.as_str(),
            };
            writeln!(
                report,
                "| {goal} | {} | a new client is not served | NOT met ({reason}) |",
                kind.name()
            )?;
        } else {
            let p99 = h.fresh.micros(0.99) / 1e3;
            writeln!(
                report,
                "| {goal} | {} | {p99:.2} ms | {} |",
                kind.name(),
                verdict(p99 < GOAL_P99_MS)
            )?;
        }
    }
    let python = shorts
        .iter()
        .find(|r| matches!(r.0, Kind::Python))
        .and_then(|r| per_second(total, r));
    for run in shorts {
        if matches!(run.0, Kind::Python) {
            continue;
        }
        let goal = format!("short connections >= {GOAL_SHORT}x Python");
        match (per_second(total, run), python) {
            (Some(o), Some(p)) => writeln!(
                report,
                "| {goal} | {} | {:.2}x | {} |",
                run.0.name(),
                o / p,
                verdict(o / p >= GOAL_SHORT)
            )?,
            _ => writeln!(report, "| {goal} | {} | - | not measured |", run.0.name())?,
        }
    }
    Ok(())
}
