//! `sticky-demo`: sticky packets (粘包) with real sockets, then the cure.
//!
//! A server and a client run in this one process on 127.0.0.1, on a port the OS picks.
//! Four scenes, each on its own connection:
//!
//! 1. the client sends `hello` and `world` with two `send`s; the server's one `recv(1024)`
//!    returns `helloworld`: TCP kept the bytes and lost the boundary;
//! 2. the same two `send`s, read with a small `recv(2)` and then `recv(10)`: the server
//!    gets `he`, then the rest of `hello` stuck to `world` (the course's 服务端粘包);
//! 3. the client sends 1 MiB with one `send`; the server needs many `recv`s to get it;
//! 4. the same messages as length-prefixed frames: the server reads exactly the messages
//!    that were sent, however the bytes arrived.
//!
//! Every line printed is what the sockets really did.

use anyhow::{Context, Result};
use clap::Parser;
use framing::frame::{Codec, FrameReader, DEFAULT_MAX_LEN};
use framing::header::LengthHeader;
use netbasics::text::python_bytes_repr;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

/// Show sticky packets on loopback, then fix them with length-prefixed frames.
#[derive(Parser)]
#[command(name = "sticky-demo", version)]
struct Args {
    /// The frame header for scene 4, a Python struct format (=i is the course's 'i').
    #[arg(long, default_value = "!I")]
    header: String,
    /// The size of the large message in scenes 3 and 4, in bytes (at most 64 MiB).
    #[arg(long, default_value_t = 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1..=64 * 1024 * 1024))]
    big: u64,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(&Args::parse()));
}

fn run(args: &Args) -> Result<()> {
    let header = LengthHeader::parse(&args.header)?;
    if args.big > header.max_len() {
        anyhow::bail!(
            "a {} header cannot announce {} bytes (at most {}): choose a smaller --big",
            header,
            args.big,
            header.max_len()
        );
    }
    let big = usize::try_from(args.big).context("--big is too large for this machine")?;
    let codec = Codec::new(header, DEFAULT_MAX_LEN.max(big));
    // 1. socket + bind + listen, on a port the OS chooses (port 0).
    let listener = TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    println!("server listening on {addr}\n");

    println!("Scene 1: two send()s, one recv()");
    scene_two_sends(&listener)?;
    println!("\nScene 2: two send()s, a small recv() and then a bigger one");
    scene_small_recv(&listener)?;
    println!("\nScene 3: one send() of {} bytes, many recv()s", big);
    scene_one_big_send(&listener, big)?;
    println!(
        "\nScene 4: the same messages as frames (header {})",
        codec.header()
    );
    scene_frames(&listener, &codec, big)?;
    Ok(())
}

/// Connects a client to `listener` and returns (client side, server side).
fn connect(listener: &TcpListener) -> Result<(TcpStream, TcpStream)> {
    let client = TcpStream::connect(listener.local_addr()?).context("connecting")?;
    let (server, _) = listener.accept().context("accepting")?;
    Ok((client, server))
}

fn scene_two_sends(listener: &TcpListener) -> Result<()> {
    let (mut client, mut server) = connect(listener)?;
    client.write_all(b"hello")?;
    println!("  client: send(b'hello')");
    client.write_all(b"world")?;
    println!("  client: send(b'world')");
    wait_until_buffered(&server, 10)?;
    let mut buf = [0u8; 1024];
    let n = server.read(&mut buf)?;
    println!(
        "  server: recv(1024) -> {}  ({n} bytes: one read, two messages)",
        python_bytes_repr(&buf[..n])
    );
    drop(client);
    let n = server.read(&mut buf)?;
    println!(
        "  server: recv(1024) -> {}  (the client closed: nothing is left)",
        python_bytes_repr(&buf[..n])
    );
    Ok(())
}

/// The course's server-side sticking (服务端粘包): a `recv` smaller than what has arrived
/// leaves the rest in the receive buffer, and the next `recv` starts with it.
fn scene_small_recv(listener: &TcpListener) -> Result<()> {
    let (mut client, mut server) = connect(listener)?;
    client.write_all(b"hello")?;
    client.write_all(b"world")?;
    println!("  client: send(b'hello'), send(b'world')");
    wait_until_buffered(&server, 10)?;
    let mut buf = [0u8; 10];
    let n = server.read(&mut buf[..2])?;
    println!(
        "  server: recv(2)  -> {}  (8 bytes stay in the receive buffer)",
        python_bytes_repr(&buf[..n])
    );
    let n = server.read(&mut buf)?;
    println!(
        "  server: recv(10) -> {}  (the rest of one message, stuck to the next)",
        python_bytes_repr(&buf[..n])
    );
    Ok(())
}

/// Waits (peeking, not reading) until `n` bytes are in the server's receive buffer: the
/// situation a busy server meets by chance, made certain here so that a scene prints the
/// same every time. On loopback the bytes are there as soon as the client's `send`s return.
fn wait_until_buffered(server: &TcpStream, n: usize) -> Result<()> {
    let mut peek = vec![0u8; n];
    loop {
        let buffered = server
            .peek(&mut peek)
            .context("peeking at the receive buffer")?;
        if buffered >= n {
            return Ok(());
        }
        if buffered == 0 {
            anyhow::bail!("the client closed before sending {n} bytes");
        }
    }
}

fn scene_one_big_send(listener: &TcpListener, big: usize) -> Result<()> {
    let (mut client, mut server) = connect(listener)?;
    // The client sends from its own thread: a 1 MiB write only finishes as the server reads.
    let sender = thread::spawn(move || -> std::io::Result<()> {
        client.write_all(&vec![b'x'; big])
        // `client` is dropped here: the server then reads 0 bytes, the end.
    });
    println!("  client: send({big} bytes)");
    let mut buf = vec![0u8; 64 * 1024];
    let mut sizes = Vec::new();
    loop {
        let n = server.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sizes.push(n);
    }
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the client thread panicked"))?
        .context("client sending")?;
    let total: usize = sizes.iter().sum();
    let first: Vec<String> = sizes.iter().take(5).map(usize::to_string).collect();
    println!(
        "  server: {} recv(65536) calls returned {total} bytes; the first ones: {} ...",
        sizes.len(),
        first.join(", ")
    );
    println!("  (how the bytes are cut depends on timing: run it again and the sizes change)");
    Ok(())
}

fn scene_frames(listener: &TcpListener, codec: &Codec, big: usize) -> Result<()> {
    let (mut client, server) = connect(listener)?;
    let writer_codec = codec.clone();
    let sender = thread::spawn(move || -> Result<(), framing::frame::FrameError> {
        writer_codec.write_frame(&mut client, b"hello")?;
        writer_codec.write_frame(&mut client, b"world")?;
        writer_codec.write_frame(&mut client, &vec![b'x'; big])?;
        Ok(())
    });
    println!(
        "  client: send(header + b'hello'), send(header + b'world'), send(header + {big} bytes)"
    );
    let mut reader = FrameReader::new(server, codec.clone());
    let mut count = 0;
    while let Some(frame) = reader.read_frame()? {
        count += 1;
        let shown = if frame.len() <= 16 {
            python_bytes_repr(&frame)
        } else {
            format!("{} bytes", frame.len())
        };
        println!("  server: frame {count} -> {shown}");
        if count == 3 {
            break;
        }
    }
    sender
        .join()
        .map_err(|_| anyhow::anyhow!("the client thread panicked"))??;
    println!("  three messages sent, three messages received: the boundaries survived");
    Ok(())
}
