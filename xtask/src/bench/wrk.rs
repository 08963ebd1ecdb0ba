//! wrk, the HTTP load generator: the command line the HTTP benchmark runs it with, and
//! what it prints.
//!
//! wrk keeps a number of connections busy for a number of seconds, each sending its next
//! request as soon as the last answer is in, and then prints a summary; `--latency` adds
//! the percentiles. Its figures carry units: sizes are binary (`KB` is 1024 bytes, `MB`
//! 1024 KB: wrk's own table of units says so, whatever the letters suggest), times are
//! `us`, `ms`, `s`, `m` or `h`.

use super::peers;
use anyhow::{bail, Context, Result};
use std::process::Command;
use std::time::Duration;

/// The line a table shows when wrk is missing.
pub const NO_WRK: &str = "wrk not found: apt-get install wrk";

/// How long wrk waits for an answer before it counts a timeout (its default, 2 s, would
/// turn a slow server's late answers into errors rather than latencies).
pub const TIMEOUT: &str = "10s";

/// How wrk loads a server.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Load {
    /// wrk's threads, among which the connections are shared.
    pub threads: u32,
    /// Connections kept busy at once.
    pub connections: u32,
    /// Whether each request says `Connection: close`: a new connection per request.
    pub close: bool,
}

/// What one run of wrk measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Answers received whole.
    pub requests: u64,
    /// How long the run took, in seconds.
    pub seconds: f64,
    /// Bytes received, headers included (and the part of an answer the end cut off).
    pub bytes: f64,
    /// wrk's `Requests/sec`.
    pub per_second: f64,
    /// wrk's `Transfer/sec`, in bytes per second.
    pub transfer: f64,
    /// The latency percentiles, in microseconds.
    pub latency: Latency,
    /// Connect, read, write and timeout errors, added up.
    pub socket_errors: u64,
    /// Answers whose status was neither 2xx nor 3xx.
    pub bad_status: u64,
}

/// Latency percentiles, in microseconds: half the requests took at most `p50`, and so on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
}

/// The wrk command line for `load` on `url` during `seconds`, as the report shows it.
pub fn command_line(load: Load, seconds: u64, url: &str) -> String {
    let close = if load.close {
        " -H 'Connection: close'"
    } else {
        ""
    };
    format!(
        "wrk -t{} -c{} -d{seconds}s --timeout {TIMEOUT} --latency{close} {url}",
        load.threads, load.connections
    )
}

/// Runs wrk with `load` on `url` for `seconds` (wrk takes whole seconds), and reads what
/// it prints.
pub fn run(url: &str, load: Load, seconds: u64) -> Result<Run> {
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{}", load.threads))
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{seconds}s"))
        .args(["--timeout", TIMEOUT, "--latency"]);
    if load.close {
        cmd.args(["-H", "Connection: close"]);
    }
    cmd.arg(url);
    // Far more than wrk needs: it stops itself after `seconds`.
    let out = peers::output_within(&mut cmd, Duration::from_secs(seconds + 30))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            stdout.trim()
        );
    }
    parse(&stdout).with_context(|| format!("reading what {cmd:?} printed"))
}

/// Reads wrk's summary (with `--latency`). A line that is missing or malformed is an
/// error that quotes the output, never a panic.
pub fn parse(text: &str) -> Result<Run> {
    let mut totals = None;
    let (mut p50, mut p90, mut p99) = (None, None, None);
    let (mut per_second, mut transfer) = (None, None);
    let (mut socket_errors, mut bad_status) = (0, 0);
    for line in text.lines().map(str::trim) {
        let malformed = || format!("wrk printed {line:?}, which this reader does not know");
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            per_second = Some(rest.trim().parse::<f64>().with_context(malformed)?);
        } else if let Some(rest) = line.strip_prefix("Transfer/sec:") {
            transfer = Some(bytes(rest.trim()).with_context(malformed)?);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            // `connect 0, read 0, write 0, timeout 12`
            for error in rest.split(',') {
                let count = error.split_whitespace().nth(1).with_context(malformed)?;
                socket_errors += count.parse::<u64>().with_context(malformed)?;
            }
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            bad_status = rest.trim().parse().with_context(malformed)?;
        } else if let Some((percent, time)) = line.split_once('%') {
            let slot = match percent {
                "50" => &mut p50,
                "90" => &mut p90,
                "99" => &mut p99,
                _ => continue,
            };
            *slot = Some(micros(time.trim()).with_context(malformed)?);
        } else if line.contains(" requests in ") {
            totals = Some(read_totals(line).with_context(malformed)?);
        }
    }
    let missing = |what: &str| format!("wrk printed no {what} line in:\n{text}");
    let (requests, seconds, bytes) = totals.with_context(|| missing("`N requests in`"))?;
    Ok(Run {
        requests,
        seconds,
        bytes,
        per_second: per_second.with_context(|| missing("`Requests/sec:`"))?,
        transfer: transfer.with_context(|| missing("`Transfer/sec:`"))?,
        latency: Latency {
            p50: p50.with_context(|| missing("`50%` (run it with --latency)"))?,
            p90: p90.with_context(|| missing("`90%`"))?,
            p99: p99.with_context(|| missing("`99%`"))?,
        },
        socket_errors,
        bad_status,
    })
}

/// `174457 requests in 2.03s, 210.30MB read`: the answers, the seconds and the bytes.
fn read_totals(line: &str) -> Option<(u64, f64, f64)> {
    let (requests, rest) = line.split_once(" requests in ")?;
    let (time, read) = rest.split_once(", ")?;
    let read = read.strip_suffix(" read")?;
    Some((
        requests.trim().parse().ok()?,
        micros(time.trim())? / 1e6,
        bytes(read.trim())?,
    ))
}

/// A size as wrk writes it (`512.00B`, `540.55KB`, `1.51GB`), in bytes.
fn bytes(text: &str) -> Option<f64> {
    let number = text.strip_suffix('B')?;
    let (number, scale) = match number.chars().last()? {
        'K' => (&number[..number.len() - 1], 1u64 << 10),
        'M' => (&number[..number.len() - 1], 1 << 20),
        'G' => (&number[..number.len() - 1], 1 << 30),
        'T' => (&number[..number.len() - 1], 1 << 40),
        'P' => (&number[..number.len() - 1], 1 << 50),
        _ => (number, 1),
    };
    Some(number.parse::<f64>().ok()? * scale as f64)
}

/// A time as wrk writes it (`466.00us`, `2.38ms`, `1.53s`, `1.00m`, `2.00h`), in
/// microseconds.
fn micros(text: &str) -> Option<f64> {
    // The longer suffixes first: `ms` and `us` also end in `s`.
    const UNITS: [(&str, f64); 5] = [
        ("us", 1.0),
        ("ms", 1e3),
        ("s", 1e6),
        ("m", 60e6),
        ("h", 3600e6),
    ];
    UNITS.iter().find_map(|(unit, scale)| {
        let number = text.strip_suffix(unit)?;
        Some(number.parse::<f64>().ok()? * scale)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// wrk's output, captured from real runs on loopback.
    const SAMPLES: [(&str, &str); 6] = [
        ("keep_alive", include_str!("wrk_samples/keep_alive.txt")),
        ("large", include_str!("wrk_samples/large.txt")),
        ("not_found", include_str!("wrk_samples/not_found.txt")),
        ("python", include_str!("wrk_samples/python.txt")),
        (
            "python_seconds",
            include_str!("wrk_samples/python_seconds.txt"),
        ),
        ("timeouts", include_str!("wrk_samples/timeouts.txt")),
    ];

    fn sample(name: &str) -> Run {
        let (_, text) = SAMPLES
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a sample of that name");
        parse(text).expect("a real sample parses")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn reads_a_keep_alive_run() {
        let run = sample("keep_alive");
        assert_eq!(run.requests, 174_457);
        assert!(close(run.seconds, 2.03), "{run:?}");
        assert!(close(run.bytes, 210.30 * 1024.0 * 1024.0), "{run:?}");
        assert!(close(run.per_second, 86_095.99), "{run:?}");
        assert!(close(run.transfer, 103.79 * 1024.0 * 1024.0), "{run:?}");
        assert!(close(run.latency.p50, 466.0), "{run:?}");
        assert!(close(run.latency.p90, 6_670.0), "{run:?}");
        assert!(close(run.latency.p99, 31_750.0), "{run:?}");
        assert_eq!((run.socket_errors, run.bad_status), (0, 0));
    }

    #[test]
    fn sizes_are_binary_in_every_unit() {
        let large = sample("large");
        assert!(
            close(large.transfer, 1.51 * (1u64 << 30) as f64),
            "{large:?}"
        );
        assert!(close(large.bytes, 3.15 * (1u64 << 30) as f64), "{large:?}");
        let python = sample("python");
        assert!(close(python.transfer, 449.05 * 1024.0), "{python:?}");
        assert!(close(python.bytes, 0.89 * 1024.0 * 1024.0), "{python:?}");
        assert_eq!(bytes("512.00B"), Some(512.0));
        assert_eq!(bytes("2.00TB"), Some(2.0 * (1u64 << 40) as f64));
        assert_eq!(bytes("1.00PB"), Some((1u64 << 50) as f64));
        assert_eq!(bytes("1.00XB"), None);
        assert_eq!(bytes("MB"), None);
        assert_eq!(bytes(""), None);
    }

    #[test]
    fn times_are_read_in_every_unit() {
        // A unit padded with a space, as wrk prints a percentile in seconds.
        let slow = sample("python_seconds");
        assert!(close(slow.latency.p99, 1_530_000.0), "{slow:?}");
        assert!(close(slow.latency.p90, 234_470.0), "{slow:?}");
        assert_eq!(micros("1.00m"), Some(60e6));
        assert_eq!(micros("2.00h"), Some(7200e6));
        assert_eq!(micros("12.00us"), Some(12.0));
        assert_eq!(micros("12.00"), None);
        assert_eq!(micros("s"), None);
    }

    #[test]
    fn errors_and_bad_statuses_are_counted() {
        assert_eq!(sample("timeouts").socket_errors, 12);
        let missing = sample("not_found");
        assert_eq!(missing.bad_status, 156_321);
        assert_eq!(missing.bad_status, missing.requests);
    }

    #[test]
    fn output_cut_short_is_an_error_not_a_panic() {
        for (name, text) in SAMPLES {
            // Every cut that loses the last line (`Transfer/sec:`) must fail; none may
            // panic, even in the middle of a character.
            for end in 0..text.trim_end().len() {
                let Some(cut) = text.get(..end) else { continue };
                assert!(parse(cut).is_err(), "{name} cut at {end} parsed");
            }
        }
        let err = parse("Requests/sec: many\n").expect_err("not a number");
        assert!(err.to_string().contains("many"), "{err}");
    }

    #[test]
    fn the_command_line_says_what_was_run() {
        let load = Load {
            threads: 2,
            connections: 64,
            close: true,
        };
        assert_eq!(
            command_line(load, 5, "http://127.0.0.1:1/f"),
            "wrk -t2 -c64 -d5s --timeout 10s --latency -H 'Connection: close' http://127.0.0.1:1/f"
        );
    }
}
