//! The framing lesson's benchmark: length-prefixed frames through loopback and Python's
//! `struct` in Rust, against the course's Python doing the same.

use super::{build_release, measure, program, python, title, Figures};
use crate::run::root;
use anyhow::Result;
use std::fmt::Write as _;
use std::process::Command;

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

pub fn framing(quick: bool) -> Result<String> {
    eprintln!("building framing-bench (release)...");
    let ours = program(&build_release(&["framing"])?, "framing-bench");
    let py = python();
    let mut report = title("framing", quick);
    writeln!(report, "\nFrames through 127.0.0.1 (client thread -> server thread), `!I` header, buffered writes.\n")?;
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
