//! The HTTP benchmark's report: how it was measured, a table per scenario, and the goals.

use super::http::Row;
use super::http_scenarios::{
    nginx_settings, Kind, Scenario, LARGE, OURS_REQUESTS_PER_CONNECTION, SMALL, THREADS,
};
use super::{mib, ratio, ratio_goal, title, wrk};
use anyhow::Result;
use std::fmt::Write as _;

const MIB: f64 = (1u64 << 20) as f64;

/// Everything the report shows.
pub struct Report<'a> {
    pub quick: bool,
    pub rounds: u64,
    pub python_rounds: u64,
    /// A round's length.
    pub seconds: u64,
    /// The open-files limit wrk and the servers ran with.
    pub open_files: u64,
    /// The names the small and the large file are served under.
    pub names: [&'a str; 2],
    /// Each scenario with its rows, ours first.
    pub measured: &'a [(&'a Scenario, Vec<Row>)],
}

pub fn report(r: &Report) -> Result<String> {
    let mut out = title("http", r.quick);
    intro(&mut out, r)?;
    for (number, (scenario, rows)) in r.measured.iter().enumerate() {
        let url = format!(
            "http://127.0.0.1:PORT/{}",
            r.names[usize::from(scenario.large)]
        );
        writeln!(
            out,
            "\n## {}. {}\n\n`{}`\n",
            number + 1,
            scenario.title,
            wrk::command_line(scenario.load, r.seconds, &url)
        )?;
        table(&mut out, scenario, rows)?;
    }
    goals(&mut out, r)?;
    Ok(out)
}

/// What was measured, and how.
fn intro(out: &mut String, r: &Report) -> Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let warm_up = if r.quick {
        ""
    } else {
        " Before its rounds, each server is loaded for 1 s, not counted."
    };
    let nginx = nginx_settings();
    writeln!(
        out,
        "\nwrk loads each server over loopback (127.0.0.1), on a machine of {cores} \
         processor(s) that wrk and the server share: `-c` connections kept busy, each \
         sending its next request as soon as the last answer is in, shared among `-t` \
         threads. Each scenario runs {} round(s) of {} s per server, ours and the peers \
         taking turns (ours first in odd rounds, the peers first in even ones); \
         `python3 -m http.server` takes part in the first {} round(s) only, under the same \
         load.{warm_up} Every run is checked: each answer a success (2xx or 3xx) that \
         holds the whole file.\n\
         \n\
         requests/s is wrk's `Requests/sec`, the mean over the rounds; MiB/s is its \
         `Transfer/sec` (headers included; wrk's MB is 2^20 bytes), also the mean; \
         \"slowest-fastest\" is the spread of the rounds. p50, p90 and p99 are wrk's latency \
         percentiles (`--latency`: from a request's sending to its answer's end), each the \
         median over the rounds. Socket errors are wrk's connect, read, write and timeout \
         errors over all the rounds (a timeout: no answer within {}). \"ours / this\" \
         divides mini-http's figure by the row's. Peak RSS is `VmHWM` in \
         `/proc/PID/status`, read just before the server is stopped; each server is \
         started afresh for each scenario, so the peak is that scenario's; nginx's is the \
         sum over its master and its workers (their peaks need not have come at once: an \
         upper bound).\n\
         \n\
         The servers serve the same folder: a {SMALL}-byte file and a {} MiB file of \
         pseudo-random bytes. None keeps an access log. The open-files limit \
         (RLIMIT_NOFILE) of wrk and the servers is {}.\n\
         \n\
         - `mini-http --threads {THREADS} -q`: {THREADS} event loops, as many as nginx's \
         workers. It closes a connection after {OURS_REQUESTS_PER_CONNECTION} requests \
         (its limit), and wrk opens another.\n\
         - nginx: `worker_processes {}`, `sendfile on`, `tcp_nopush on`, `access_log off`, \
         `keepalive_requests {}`, `worker_connections {}`, `worker_rlimit_nofile {}`.\n\
         - `python3 -m http.server --bind 127.0.0.1 --protocol HTTP/1.1`: a thread per \
         connection; HTTP/1.1 keeps connections open (its default, HTTP/1.0, closes each \
         after one answer). It logs every request on its standard error, which its command \
         line cannot turn off (the benchmark reads the lines and drops them). It writes an \
         answer's head and body with two `send`s: on a kept-alive connection the body then \
         waits (Nagle's algorithm) for the client to acknowledge the head, which the client \
         delays (delayed ACK, about 40 ms on Linux): hence its latencies of 40 ms and more. \
         Its listen queue holds 5 connections (socketserver's `request_queue_size`): of the \
         connections wrk opens at once, those that do not fit wait for TCP to retry (after \
         1 s, then 2 s more): hence its slowest latencies, of a second and more.",
        r.rounds,
        r.seconds,
        r.python_rounds,
        wrk::TIMEOUT,
        LARGE >> 20,
        r.open_files,
        nginx.workers.map_or("auto".into(), |n| n.to_string()),
        nginx.keepalive_requests.unwrap_or(1000),
        nginx.worker_connections,
        nginx.open_files.map_or("-".into(), |n| n.to_string()),
    )?;
    Ok(())
}

/// The figure of each counted round: requests per second, or for the large file MiB per
/// second.
fn per_round(row: &Row, large: bool) -> Vec<f64> {
    let Ok(tally) = &row.result else {
        return Vec::new();
    };
    tally
        .runs
        .iter()
        .map(|run| {
            if large {
                run.transfer / MIB
            } else {
                run.per_second
            }
        })
        .collect()
}

/// The row's figure: the mean over its rounds.
fn figure(row: &Row, large: bool) -> Option<f64> {
    let rounds = per_round(row, large);
    (!rounds.is_empty()).then(|| rounds.iter().sum::<f64>() / rounds.len() as f64)
}

/// The middle value (the mean of the middle two, for an even count).
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// One scenario's table: a row per server, ours first.
fn table(out: &mut String, scenario: &Scenario, rows: &[Row]) -> Result<()> {
    let unit = if scenario.large {
        "MiB/s"
    } else {
        "requests/s"
    };
    writeln!(
        out,
        "| server | {unit} | a round: slowest-fastest | p50 ms | p90 ms | p99 ms | socket errors | ours / this | server peak RSS (MiB) |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    let ours = rows.first().and_then(|row| figure(row, scenario.large));
    for row in rows {
        let name = row.kind.name();
        let tally = match &row.result {
            Ok(tally) if !tally.runs.is_empty() => tally,
            Ok(_) => {
                writeln!(out, "| {name} | not run |{}", " - |".repeat(7))?;
                continue;
            }
            Err(why) => {
                writeln!(out, "| {name} | {why} |{}", " - |".repeat(7))?;
                continue;
            }
        };
        let rounds = per_round(row, scenario.large);
        let mean = rounds.iter().sum::<f64>() / rounds.len() as f64;
        let slowest = rounds.iter().copied().fold(f64::INFINITY, f64::min);
        let fastest = rounds.iter().copied().fold(0.0, f64::max);
        let latency = |pick: fn(&wrk::Latency) -> f64| {
            median(tally.runs.iter().map(|run| pick(&run.latency)).collect())
                .map_or("-".into(), |us| format!("{:.2}", us / 1e3))
        };
        let errors: u64 = tally.runs.iter().map(|run| run.socket_errors).sum();
        writeln!(
            out,
            "| {name} | {mean:.0} | {slowest:.0}-{fastest:.0} | {} | {} | {} | {errors} | {} | {} |",
            latency(|l| l.p50),
            latency(|l| l.p90),
            latency(|l| l.p99),
            ours.map_or("-".into(), |o| ratio(o, Some(mean))),
            mib(tally.rss_kib),
        )?;
    }
    Ok(())
}

/// The goals table: for each scenario with goals, mini-http's figure against each peer's.
fn goals(out: &mut String, r: &Report) -> Result<()> {
    writeln!(out, "\n## Goals\n\n| goal | measured | |\n|---|---|---|")?;
    for (scenario, rows) in r.measured {
        let figure_of = |kind: Kind| {
            rows.iter()
                .find(|row| row.kind == kind)
                .and_then(|row| figure(row, scenario.large))
        };
        for &(peer, goal) in scenario.goals {
            let text = format!(
                "{}: mini-http >= {goal:.1}x {}",
                scenario.title,
                peer.name()
            );
            ratio_goal(
                out,
                &text,
                figure_of(Kind::Ours),
                figure_of(peer),
                goal,
                r.quick,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::http::Tally;
    use crate::bench::http_scenarios::SCENARIOS;
    use crate::bench::wrk::{Latency, Run};

    fn run(per_second: f64, p50_us: f64) -> Run {
        Run {
            requests: 1000,
            seconds: 1.0,
            bytes: 1.3e6,
            per_second,
            transfer: per_second * 1300.0,
            latency: Latency {
                p50: p50_us,
                p90: 2.0 * p50_us,
                p99: 4.0 * p50_us,
            },
            socket_errors: 1,
            bad_status: 0,
        }
    }

    fn measured(kind: Kind, rates: &[f64]) -> Row {
        Row {
            kind,
            result: Ok(Tally {
                runs: rates.iter().map(|&r| run(r, 500.0 + r / 100.0)).collect(),
                rss_kib: Some(3 << 10),
            }),
        }
    }

    fn missing(kind: Kind) -> Row {
        Row {
            kind,
            result: Err("nginx not found: apt-get install nginx".into()),
        }
    }

    /// Every line of each table has as many cells as its header.
    fn assert_even_columns(report: &str) {
        for table in report.split("\n\n").filter(|t| t.starts_with('|')) {
            let cells: Vec<usize> = table.lines().map(|l| l.matches('|').count()).collect();
            assert!(cells.windows(2).all(|w| w[0] == w[1]), "{table}");
        }
    }

    #[test]
    fn tables_show_means_spreads_medians_and_ratios() {
        let rows = [
            measured(Kind::Ours, &[100.0, 300.0, 200.0]),
            measured(Kind::Nginx, &[100.0, 100.0]),
            missing(Kind::Python),
        ];
        let mut out = String::new();
        table(&mut out, &SCENARIOS[0], &rows).expect("writes");
        assert_even_columns(&out);
        // Ours: mean 200, p50 the median of 501, 503 and 502 µs.
        assert!(
            out.contains("| mini-http | 200 | 100-300 | 0.50 | 1.00 | 2.01 | 3 | 1.00x | 3.0 |"),
            "{out}"
        );
        assert!(out.contains("| nginx | 100 | 100-100 |"), "{out}");
        assert!(out.contains("| 2.00x | 3.0 |"), "{out}");
        assert!(
            out.contains("| python3 -m http.server | nginx not found"),
            "{out}"
        );
    }

    #[test]
    fn the_large_file_is_measured_in_mib_per_second() {
        let rows = [measured(Kind::Ours, &[MIB / 1300.0]), missing(Kind::Nginx)];
        let mut out = String::new();
        table(&mut out, &SCENARIOS[3], &rows).expect("writes");
        assert!(out.contains("| MiB/s |"), "{out}");
        assert!(out.contains("| mini-http | 1 | 1-1 |"), "{out}");
    }

    #[test]
    fn goals_say_met_not_met_or_not_measured() {
        let measured_rows: Vec<(&Scenario, Vec<Row>)> = SCENARIOS
            .iter()
            .map(|s| {
                let rows = s
                    .servers
                    .iter()
                    .map(|&kind| match kind {
                        Kind::Ours => measured(kind, &[100.0]),
                        Kind::Nginx => measured(kind, &[105.0]),
                        Kind::Python => missing(kind),
                    })
                    .collect();
                (s, rows)
            })
            .collect();
        let mut report = Report {
            quick: false,
            rounds: 1,
            python_rounds: 1,
            seconds: 1,
            open_files: 32768,
            names: ["small.bin", "large.bin"],
            measured: &measured_rows,
        };
        let out = super::report(&report).expect("writes");
        assert_even_columns(&out);
        assert!(
            out.contains(
                "`wrk -t1 -c1 -d1s --timeout 10s --latency http://127.0.0.1:PORT/large.bin`"
            ),
            "{out}"
        );
        assert!(
            out.contains("64 connections: mini-http >= 1.0x nginx | 0.95x | NOT met |"),
            "{out}"
        );
        assert!(
            out.contains("1,000 connections: mini-http >= 0.9x nginx | 0.95x | met |"),
            "{out}"
        );
        assert!(
            out.contains(">= 30.0x python3 -m http.server | - | not measured |"),
            "{out}"
        );
        report.quick = true;
        let out = super::report(&report).expect("writes");
        assert!(out.contains("0.95x | not measured (--quick) |"), "{out}");
        assert!(
            !out.contains("Before its rounds"),
            "--quick has no warm-up: {out}"
        );
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }
}
