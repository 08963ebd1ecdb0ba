//! `framing-bench`: the measurements behind `cargo xtask bench framing`.
//!
//! `framing-bench frames --size 64 --count 200000` sends `count` frames of `size` bytes
//! from a client thread to a server thread over 127.0.0.1 and prints one line:
//! `frames=N bytes=B seconds=S`. The harness runs the same exchange written in Python and
//! compares. Build it with `--release`: a debug build measures the compiler, not the lesson.

use anyhow::{bail, Context, Result};
use framing::frame::{Codec, FrameReader};
use std::io::{BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

fn main() {
    if let Err(err) = run() {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| -> Result<usize> {
        let at = args
            .iter()
            .position(|a| a == name)
            .with_context(|| format!("missing {name}"))?;
        args.get(at + 1)
            .with_context(|| format!("{name} needs a value"))?
            .parse()
            .with_context(|| format!("{name} must be a number"))
    };
    match args.first().map(String::as_str) {
        Some("frames") => frames(value("--size")?, value("--count")?),
        _ => bail!("usage: framing-bench frames --size BYTES --count N"),
    }
}

/// Client thread -> server thread, `count` frames of `size` bytes, over loopback.
fn frames(size: usize, count: usize) -> Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let codec = Codec::new(Default::default(), size.max(1));
    let client_codec = codec.clone();
    let start = Instant::now();
    let client = std::thread::spawn(move || -> Result<()> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        // A buffered writer gathers small frames into large writes: the frame format is
        // unchanged, only the number of system calls drops.
        let mut out = BufWriter::with_capacity(64 * 1024, stream);
        let payload = vec![b'x'; size];
        for _ in 0..count {
            client_codec.write_frame(&mut out, &payload)?;
        }
        out.flush()?;
        Ok(())
    });
    let (stream, _) = listener.accept()?;
    let mut reader = FrameReader::new(stream, codec);
    let (mut frames, mut bytes) = (0usize, 0usize);
    while let Some(frame) = reader.read_frame()? {
        frames += 1;
        bytes += frame.len();
    }
    client
        .join()
        .map_err(|_| anyhow::anyhow!("client thread panicked"))??;
    let seconds = start.elapsed().as_secs_f64();
    if frames != count {
        bail!("received {frames} frames, sent {count}");
    }
    println!("frames={frames} bytes={bytes} seconds={seconds:.6}");
    Ok(())
}
