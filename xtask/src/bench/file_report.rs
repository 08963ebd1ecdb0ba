//! The file-download benchmark's report: what was measured and how, a table per
//! measurement, and the goals.

use super::file::{Row, AT_ONCE};
use super::file_setup::COURSE_SERVER;
use super::{mib, ratio, title, verdict};
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

/// At least this fraction of iperf3's rate, into a sink.
const GOAL_IPERF3: f64 = 0.9;
/// file-server --classic against the course's server, with the same client.
const GOAL_PYTHON: f64 = 1.5;
/// Against nginx and curl, into a sink.
const GOAL_NGINX: f64 = 1.0;
/// Onto the disk, against cp.
const GOAL_CP: f64 = 0.8;
/// The server's peak memory, in MiB.
const GOAL_RSS_MIB: f64 = 16.0;

const GIB: f64 = (1u64 << 30) as f64;

/// Everything the report shows.
pub struct Report<'a> {
    pub quick: bool,
    /// The size of the test file.
    pub size: u64,
    pub rounds: u64,
    pub source: &'a Path,
    /// Into a sink: ours, iperf3, iperf3 from the file, nginx, ours --classic, Python.
    pub sink: &'a [Row; 6],
    /// Onto the disk: ours, cp, nginx.
    pub disk: &'a [Row; 3],
    /// Ten at once: ours, nginx.
    pub at_once: &'a [Row; 2],
}

pub fn report(r: &Report) -> Result<String> {
    let mut out = title("file", r.quick);
    let size = size_text(r.size);
    writeln!(
        out,
        "\nDownloads of a {size} file of pseudo-random bytes (`{}`) over loopback, each way \
         of downloading {} time(s), in rounds: ours and the peers take turns (ours first in \
         odd rounds, the peers first in even ones). Before them, one download from each \
         server that is not counted, checked to hold every byte. A time is the client \
         process's whole life, from its start to its exit (its start-up, a few ms, \
         included); iperf3's is its own measure of the transfer. \"seconds\" adds up the \
         rounds, and the fastest and the slowest round show how steady the machine was. CPU is user + system time \
         per GiB moved (`/proc/PID/stat` for the servers, nginx's master and workers added \
         up; the clients' own, as the system counts it for ended children). Peak RSS is \
         `VmHWM` in `/proc/PID/status`, read just before the server is stopped (nginx: the \
         sum over its processes). The servers: `file-server -q` (a thread per client), \
         `{COURSE_SERVER}` (the course's: a thread per client, `f.read(1024)` then \
         `send`), nginx with `sendfile on`, `worker_processes auto` and no access log.",
        r.source.display(),
        r.rounds,
    )?;

    writeln!(
        out,
        "\nInto a sink: the client writes the file to its standard output, which is \
         `/dev/null` (curl: `-o /dev/null`), so the network and the server are what is \
         measured. iperf3 sends one 256 KiB buffer again and again, which stays in the \
         CPU's cache; with `-F` it reads the test file as it sends, so its bytes come \
         from memory, as a file server's do. \"ours / this\" divides file-server + file-client's rate by the row's; \
         Python's row is divided by file-server --classic's (the same client and protocol \
         for both).\n"
    )?;
    table(&mut out, r.sink)?;
    zero_copy(&mut out, r.sink)?;

    writeln!(
        out,
        "\nOnto the disk: the same file written into a folder beside it (the same file \
         system), removed after each download, the dirty pages written out (`sync`) before \
         the next. file-client writes FILE.part and renames it; `cp` copies the file \
         itself (no network: the ceiling for writing).\n"
    )?;
    table(&mut out, r.disk)?;

    writeln!(
        out,
        "\n{AT_ONCE} at once: {AT_ONCE} client processes started together, each downloading \
         the whole file into a sink, from servers started afresh for this (so their peak \
         RSS is that of {AT_ONCE} downloads); the time runs from the first start to the \
         last exit, MB/s counts all the bytes.\n"
    )?;
    table(&mut out, r.at_once)?;

    goals(&mut out, r)?;
    Ok(out)
}

/// `1 GiB`, `16 MiB`.
fn size_text(size: u64) -> String {
    if size >= 1 << 30 {
        format!("{:.0} GiB", size as f64 / GIB)
    } else {
        format!("{} MiB", size >> 20)
    }
}

/// One table: a row per way of downloading.
fn table(out: &mut String, rows: &[Row]) -> Result<()> {
    writeln!(
        out,
        "| download | seconds | a round: fastest-slowest s | MB/s | Gbit/s | ours / this | server CPU s/GiB | client CPU s/GiB | server peak RSS (MiB) |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    for row in rows {
        match &row.result {
            Ok(t) => {
                let rate = row.rate().unwrap_or(0.0);
                let ours = rows.get(row.versus).and_then(Row::rate);
                let per_gib = |cpu: Option<f64>| match cpu {
                    Some(s) if t.bytes > 0 => format!("{:.3}", s / (t.bytes as f64 / GIB)),
                    _ => "-".into(),
                };
                let spread = t
                    .spread
                    .map_or("-".into(), |(a, b)| format!("{a:.2}-{b:.2}"));
                writeln!(
                    out,
                    "| {} | {:.2} | {spread} | {:.0} | {:.2} | {} | {} | {} | {} |",
                    row.name,
                    t.seconds,
                    rate / 1e6,
                    rate * 8.0 / 1e9,
                    ours.map_or("-".into(), |o| ratio(o, Some(rate))),
                    per_gib(t.server_cpu),
                    per_gib(t.client_cpu),
                    mib(t.rss_kib)
                )?;
            }
            Err(why) => writeln!(out, "| {} | {why} | - | - | - | - | - | - | - |", row.name)?,
        }
    }
    Ok(())
}

/// The line that says what `sendfile` saves: the servers' CPU time per GiB sent.
fn zero_copy(out: &mut String, sink: &[Row; 6]) -> Result<()> {
    let per_gib = |row: &Row| {
        let t = row.result.as_ref().ok()?;
        Some(t.server_cpu? / (t.bytes as f64 / GIB).max(1e-9))
    };
    let servers: Vec<String> = [&sink[0], &sink[4], &sink[3], &sink[5]]
        .iter()
        .filter_map(|row| {
            let server = row.name.split(" + ").next().unwrap_or(&row.name);
            per_gib(row).map(|s| format!("{server} {s:.3} s"))
        })
        .collect();
    if !servers.is_empty() {
        writeln!(
            out,
            "\nServer CPU per GiB sent, the cost of copying: file-server hands the file to \
             the kernel with `sendfile(2)` (std's `io::copy` from a `File` into a `TcpStream` \
             would read and write through a buffer instead), nginx too (`sendfile on`), so \
             neither touches the bytes; the course's server copies each KiB into Python and \
             back: {}.",
            servers.join(", ")
        )?;
    }
    Ok(())
}

fn goals(out: &mut String, r: &Report) -> Result<()> {
    writeln!(out, "\n| goal | measured | |\n|---|---|---|")?;
    let [ours, iperf3, _, nginx, classic, python] = r.sink;
    ratio_goal(
        out,
        "into a sink",
        ours,
        iperf3,
        GOAL_IPERF3,
        "iperf3",
        r.quick,
    )?;
    ratio_goal(
        out,
        "file-server --classic",
        classic,
        python,
        GOAL_PYTHON,
        "the course's 004 server, same client",
        r.quick,
    )?;
    ratio_goal(
        out,
        "into a sink",
        ours,
        nginx,
        GOAL_NGINX,
        "nginx + curl",
        r.quick,
    )?;
    let [disk_ours, cp, _] = r.disk;
    ratio_goal(out, "onto the disk", disk_ours, cp, GOAL_CP, "cp", r.quick)?;
    rss_goal(out, "one download at a time", ours, r.quick)?;
    rss_goal(out, &format!("{AT_ONCE} at once"), &r.at_once[0], r.quick)?;
    Ok(())
}

/// A `>= GOAL x peer` row.
fn ratio_goal(
    out: &mut String,
    what: &str,
    ours: &Row,
    peer: &Row,
    goal: f64,
    peer_name: &str,
    quick: bool,
) -> Result<()> {
    let text = format!("{what} >= {goal:.1}x {peer_name}");
    super::ratio_goal(out, &text, ours.rate(), peer.rate(), goal, quick)
}

/// A `file-server peak RSS < GOAL` row.
fn rss_goal(out: &mut String, when: &str, row: &Row, quick: bool) -> Result<()> {
    let text = format!("file-server peak RSS < {GOAL_RSS_MIB} MiB, {when}");
    match row.result.as_ref().ok().and_then(|t| t.rss_kib) {
        Some(kib) => writeln!(
            out,
            "| {text} | {} MiB | {} |",
            mib(Some(kib)),
            verdict((kib as f64 / 1024.0) < GOAL_RSS_MIB, quick)
        )?,
        None => writeln!(out, "| {text} | - | not measured |")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::file::Tally;

    fn measured(name: &str, seconds: f64) -> Row {
        Row {
            name: name.into(),
            result: Ok(Tally {
                seconds,
                spread: Some((seconds / 2.0, seconds / 2.0)),
                bytes: 2 << 30,
                server_cpu: Some(0.5),
                client_cpu: None,
                rss_kib: Some(3 << 10),
            }),
            versus: 0,
        }
    }

    fn missing(name: &str) -> Row {
        Row {
            name: name.into(),
            result: Err("nginx not found: apt-get install nginx".into()),
            versus: 0,
        }
    }

    #[test]
    fn every_line_of_a_table_has_the_header_s_cells() {
        let mut out = String::new();
        table(&mut out, &[measured("ours", 2.0), missing("nginx")]).expect("writes");
        let cells: Vec<usize> = out.lines().map(|l| l.matches('|').count()).collect();
        assert!(cells.windows(2).all(|w| w[0] == w[1]), "{out}");
        assert!(out.contains("| 1.00-1.00 |"), "{out}");
        assert!(out.contains("| 0.250 | - | 3.0 |"), "{out}");
    }

    #[test]
    fn a_missing_peer_leaves_its_goal_unmeasured() {
        let sink = [
            measured("ours", 2.0),
            measured("iperf3", 1.0),
            measured("iperf3 -F", 1.5),
            missing("nginx"),
            measured("classic", 2.0),
            missing("python"),
        ];
        let disk = [measured("ours", 4.0), measured("cp", 3.0), missing("nginx")];
        let at_once = [measured("ours", 10.0), missing("nginx")];
        let report = Report {
            quick: false,
            size: 1 << 30,
            rounds: 2,
            source: Path::new("file.bin"),
            sink: &sink,
            disk: &disk,
            at_once: &at_once,
        };
        let mut out = String::new();
        goals(&mut out, &report).expect("writes");
        assert!(
            out.contains("| into a sink >= 0.9x iperf3 | 0.50x | NOT met |"),
            "{out}"
        );
        assert!(out.contains("nginx + curl | - | not measured |"), "{out}");
        assert!(
            out.contains("onto the disk >= 0.8x cp | 0.75x | NOT met |"),
            "{out}"
        );
        assert!(
            out.contains("one download at a time | 3.0 MiB | met |"),
            "{out}"
        );
    }
}
