//! `cargo xtask bench [LESSON] [--quick]`: the lesson programs measured against peers.
//!
//! Each benchmark runs ours and the peer one after the other in the same run, on this
//! machine, and reports absolute figures and the ratio (ours / peer). The table is printed
//! and written to `target/bench/LESSON.md`. A missing peer is named with the command that
//! installs it; the rest still runs. `--quick` runs each measurement briefly: it keeps the
//! harness working (`cargo xtask test` uses it), its numbers mean little.

use crate::run::{cargo, check, root, target_dir};
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::process::Command;

/// The lessons that have benchmarks.
const LESSONS: &[&str] = &["framing"];

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
            "framing" => framing(quick)?,
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

/// The Python side of the frames benchmark: the course's framing (a `struct` header, then
/// the payload), with buffered socket files on both ends, as the Rust side buffers too.
const PY_FRAMES: &str = r#"
import socket, struct, sys, threading, time
size, count = int(sys.argv[1]), int(sys.argv[2])
header = struct.Struct('!I')
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)
def client():
    c = socket.create_connection(srv.getsockname())
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = c.makefile('wb', buffering=65536)
    payload = b'x' * size
    for _ in range(count):
        f.write(header.pack(len(payload)))
        f.write(payload)
    f.close(); c.close()
start = time.perf_counter()
t = threading.Thread(target=client); t.start()
conn, _ = srv.accept()
r = conn.makefile('rb', buffering=65536)
frames = total = 0
while True:
    h = r.read(4)
    if not h:
        break
    (n,) = header.unpack(h)
    data = r.read(n)
    frames += 1; total += len(data)
t.join()
print('frames=%d bytes=%d seconds=%.6f' % (frames, total, time.perf_counter() - start))
"#;

/// The Python side of the struct benchmark: a precompiled `struct.Struct`, timed with
/// `timeit` (which keeps Python's own loop overhead as small as it can be).
const PY_STRUCT: &str = r#"
import struct, sys, timeit
fmt, values, n = sys.argv[1], eval('(' + sys.argv[2] + ',)'), int(sys.argv[3])
s = struct.Struct(fmt)
packed = s.pack(*values)
buf = bytearray(s.size)
g = {'s': s, 'v': values, 'b': packed, 'buf': buf}
pack = timeit.timeit('s.pack(*v)', globals=g, number=n)
pack_into = timeit.timeit('s.pack_into(buf, 0, *v)', globals=g, number=n)
unpack = timeit.timeit('s.unpack(b)', globals=g, number=n)
print('ops=%d pack=%.6f pack_into=%.6f unpack=%.6f' % (n, pack, pack_into, unpack))
"#;

/// Formats measured: the course's header, and a mixed record.
const STRUCT_CASES: &[(&str, &str)] = &[("=i", "100"), ("!IHhqd", "1,2,-3,4,0.5")];

fn struct_table(
    ours: &std::path::Path,
    py: Option<&str>,
    quick: bool,
    report: &mut String,
) -> Result<()> {
    let count = if quick { 10_000 } else { 2_000_000 };
    writeln!(report, "\nPython's `struct` in Rust (`framing::pystruct`) against CPython's precompiled `struct.Struct`, {count} calls each.\n")?;
    writeln!(
        report,
        "| format | call | ours ns/call | CPython ns/call | speed-up (CPython time / ours) |"
    )?;
    writeln!(report, "|---|---|---|---|---|")?;
    for (format, values) in STRUCT_CASES {
        let args = [
            "struct",
            "--format",
            format,
            "--values",
            values,
            "--count",
            &count.to_string(),
        ];
        let our = measure(Command::new(ours).args(args))?;
        let peer = match py {
            Some(python) => Some(measure(Command::new(python).args([
                "-c",
                PY_STRUCT,
                format,
                values,
                &count.to_string(),
            ]))?),
            None => None,
        };
        for call in ["pack", "pack_into", "unpack"] {
            let ns = |f: &Figures| -> Result<f64> { Ok(f.get(call)? / f.get("ops")? * 1e9) };
            let o = ns(&our)?;
            match &peer {
                Some(p) => {
                    let p = ns(p)?;
                    writeln!(
                        report,
                        "| `{format}` | {call} | {o:.1} | {p:.1} | {:.1}x |",
                        p / o.max(1e-12)
                    )?
                }
                None => writeln!(report, "| `{format}` | {call} | {o:.1} | - | - |")?,
            }
        }
    }
    Ok(())
}

fn framing(quick: bool) -> Result<String> {
    eprintln!("building framing-bench (release)...");
    check(cargo().args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "framing",
        "--bin",
        "framing-bench",
    ]))?;
    let ours = target_dir()
        .join("release")
        .join(format!("framing-bench{}", std::env::consts::EXE_SUFFIX));
    let py = python();
    let mut report = String::new();
    writeln!(
        report,
        "# framing benchmark{}\n",
        if quick {
            " (--quick: figures not meaningful)"
        } else {
            ""
        }
    )?;
    writeln!(report, "Frames through 127.0.0.1 (client thread -> server thread), `!I` header, buffered writes.\n")?;
    writeln!(
        report,
        "| frame payload | ours frames/s | ours MB/s | Python frames/s | Python MB/s | ratio (ours / Python) |"
    )?;
    writeln!(report, "|---|---|---|---|---|---|")?;
    for (size, count) in [(64usize, 300_000usize), (65_536, 20_000)] {
        let count = if quick { count / 100 } else { count };
        let rate = |f: &Figures| -> Result<(f64, f64)> {
            let s = f.get("seconds")?.max(1e-9);
            Ok((f.get("frames")? / s, f.get("bytes")? / s / 1e6))
        };
        let (our_fps, our_mbs) = rate(&measure(Command::new(&ours).args([
            "frames",
            "--size",
            &size.to_string(),
            "--count",
            &count.to_string(),
        ]))?)?;
        let peer = match py {
            Some(python) => Some(rate(&measure(
                Command::new(python).current_dir(root()).args([
                    "-c",
                    PY_FRAMES,
                    &size.to_string(),
                    &count.to_string(),
                ]),
            )?)?),
            None => None,
        };
        match peer {
            Some((py_fps, py_mbs)) => writeln!(
                report,
                "| {size} B | {our_fps:.0} | {our_mbs:.1} | {py_fps:.0} | {py_mbs:.1} | {:.1}x |",
                our_fps / py_fps.max(1e-9)
            )?,
            None => writeln!(
                report,
                "| {size} B | {our_fps:.0} | {our_mbs:.1} | - | - | - |"
            )?,
        }
    }
    struct_table(&ours, py, quick, &mut report)?;
    if py.is_none() {
        writeln!(
            report,
            "\nPython peer skipped: python3 not found (apt-get install python3)."
        )?;
    }
    Ok(report)
}
