//! `framing-bench`: the measurements behind `cargo xtask bench framing`.
//!
//! `framing-bench frames --size 64 --count 200000` sends `count` frames of `size` bytes
//! from a client thread to a server thread over 127.0.0.1 and prints one line:
//! `frames=N bytes=B seconds=S`. The harness runs the same exchange written in Python and
//! compares.
//!
//! `framing-bench struct --format '!IHhqd' --values 1,2,3,4,0.5 --count 1000000` times a
//! precompiled [`Struct`](framing::pystruct::Struct)'s `pack`, `pack_into` and `unpack`,
//! the calls CPython's `struct.Struct` offers too. Build it with `--release`: a debug build measures the compiler, not the lesson.

use anyhow::{bail, Context, Result};
use framing::frame::{Codec, FrameReader};
use std::io::{BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

fn main() {
    netbasics::cli::exit_on_error(run());
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
    let text = |name: &str| -> Result<&str> {
        let at = args
            .iter()
            .position(|a| a == name)
            .with_context(|| format!("missing {name}"))?;
        args.get(at + 1)
            .map(String::as_str)
            .with_context(|| format!("{name} needs a value"))
    };
    match args.first().map(String::as_str) {
        Some("frames") => frames(value("--size")?, value("--count")?),
        Some("struct") => structs(text("--format")?, text("--values")?, value("--count")?),
        _ => bail!(
            "usage: framing-bench frames --size BYTES --count N\n       \
             framing-bench struct --format FMT --values V1,V2,... --count N"
        ),
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

/// `count` calls each of `pack`, `pack_into` and `unpack` on a precompiled `Struct`.
fn structs(format: &str, values: &str, count: usize) -> Result<()> {
    use framing::pystruct::{literal::parse_literal, Struct};
    use std::hint::black_box;
    let s = Struct::new(format)?;
    let values = values
        .split(',')
        .map(|v| parse_literal(v.trim()).map_err(|e| anyhow::anyhow!("{e}")))
        .collect::<Result<Vec<_>>>()?;
    let packed = s.pack(&values)?;
    let time = |f: &mut dyn FnMut() -> Result<()>| -> Result<f64> {
        let start = Instant::now();
        for _ in 0..count {
            f()?;
        }
        Ok(start.elapsed().as_secs_f64())
    };
    let pack = time(&mut || {
        black_box(s.pack(black_box(&values))?);
        Ok(())
    })?;
    let mut buf = vec![0u8; s.size()];
    let pack_into = time(&mut || {
        s.pack_into(black_box(&mut buf), 0, black_box(&values))?;
        Ok(())
    })?;
    let unpack = time(&mut || {
        black_box(s.unpack(black_box(&packed))?);
        Ok(())
    })?;
    println!("ops={count} pack={pack:.6} pack_into={pack_into:.6} unpack={unpack:.6}");
    Ok(())
}
