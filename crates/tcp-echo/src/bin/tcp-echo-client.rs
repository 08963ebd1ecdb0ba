//! `tcp-echo-client`: the course's TCP client in 5 steps.
//!
//! ```text
//! tcp-echo-client 127.0.0.1:8888 hello 你好     # send each message, print each reply
//! tcp-echo-client [::1]:8888 --hex hello        # IPv6; the reply's bytes in hex too
//! tcp-echo-client 127.0.0.1:8888 --encoding gbk 你好
//! tcp-echo-client localhost:8888                # interactive: one line, one message
//! tcp-echo-client 127.0.0.1:8888 --trickle 2 slow   # one byte every 2 s: a slow client
//! ```
//!
//! With messages on the command line, each is sent and its reply read before the next.
//! Without, every line typed (or piped) on standard input is sent as one message, without
//! its line ending, like the course's "network debugging assistant" (网络调试助手); replies
//! are printed as they arrive, one line per piece received. At the end of the input the
//! client half-closes the connection (it tells the server it will send nothing more, but
//! keeps listening) and prints whatever still comes until the server closes.
//!
//! Replies go to standard output; notes (connected, pieces, end) to standard error.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::{value_parser, Parser};
use netbasics::cli::plural;
use netbasics::server_addr::ServerAddr;
use netbasics::text::TextView;
use netbasics::text::{encode, Encoding};
use tcp_echo::client::{self, read_for, ReadEnd};
use tcp_echo::trickle::{trickle, Trickled};

/// Echo client: the TCP client in 5 steps.
#[derive(Parser)]
#[command(name = "tcp-echo-client", version)]
struct Args {
    // (The help text is an attribute: brackets in a doc comment would be read as a link.)
    #[arg(help = "The server: HOST:PORT, e.g. 127.0.0.1:8888, [::1]:8888 or localhost:8888")]
    server: ServerAddr,
    /// Messages to send, one after another, each followed by its reply. Without any,
    /// lines from standard input are sent.
    messages: Vec<String>,
    /// The encoding of the text sent and of the replies shown (utf-8, gbk, ...).
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Show each reply's bytes in hex beside the text.
    #[arg(long)]
    hex: bool,
    /// How many seconds to wait for the connection to be made (the three-way handshake).
    #[arg(long, value_name = "SECS", default_value_t = 5,
          value_parser = value_parser!(u64).range(1..))]
    connect_timeout: u64,
    /// How many seconds to wait for each reply, and for the server to close at the end.
    #[arg(long, value_name = "SECS", default_value_t = 5,
          value_parser = value_parser!(u64).range(1..))]
    timeout: u64,
    /// Send each message one byte at a time, this many seconds apart: a slow client, to
    /// see what it does to a server.
    #[arg(long, value_name = "SECS", requires = "messages",
          value_parser = value_parser!(u64).range(1..))]
    trickle: Option<u64>,
    /// Print only the replies (no notes on standard error).
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let timeout = Duration::from_secs(args.timeout);

    // 1. socket and 2. connect: see client.rs.
    let stream = client::connect(&args.server, Duration::from_secs(args.connect_timeout))?;
    if !args.quiet {
        let local = stream.local_addr().context("reading our own address")?;
        let peer = stream.peer_addr().context("reading the server's address")?;
        eprintln!("connected to {peer} (from {local})");
    }

    // 3. send and 4. recv, then 5. close in two steps: a half-close, and, once the
    //    server has closed too, the socket itself, when `stream` is dropped at the end
    //    of this function.
    let view = TextView::new(args.encoding, args.hex);
    if args.messages.is_empty() {
        interactive(&stream, view, &args, timeout)
    } else {
        send_messages(&stream, view, &args, timeout)
    }
}

/// Steps 3 and 4 for each message given on the command line, then the end.
fn send_messages(
    stream: &TcpStream,
    mut view: TextView,
    args: &Args,
    timeout: Duration,
) -> Result<()> {
    let count = args.messages.len();
    for (i, message) in args.messages.iter().enumerate() {
        let number = i + 1;
        let bytes = encode(message, args.encoding)
            .with_context(|| format!("message {number} cannot be sent as {}", args.encoding))?;
        if bytes.is_empty() {
            if !args.quiet {
                eprintln!("message {number} is empty: nothing to send");
            }
            continue;
        }

        // 3. send: all the bytes (write_all loops where one send() might take only part),
        //    or, with --trickle, one byte at a time, reading what comes back meanwhile.
        let mut reply = Vec::new();
        let mut pieces = Vec::new();
        if let Some(secs) = args.trickle {
            if !args.quiet {
                eprintln!(
                    "sending message {number} one byte at a time, one every {}",
                    plural(secs, "second")
                );
            }
            let pause = Duration::from_secs(secs);
            let sent = trickle(stream, &bytes, pause, |piece| {
                pieces.push(piece.len());
                reply.extend_from_slice(piece);
            })
            .with_context(|| format!("sending message {number}"))?;
            if let Trickled::Closed { sent } = sent {
                if !reply.is_empty() {
                    println!("{}", view.show(&reply));
                }
                show_rest(&mut view);
                bail!(
                    "the server closed the connection after {} of the {} of message {number}",
                    sent,
                    plural(bytes.len() as u64, "byte")
                );
            }
        } else {
            (&*stream)
                .write_all(&bytes)
                .with_context(|| format!("sending message {number}"))?;
        }

        // 4. recv: TCP keeps no message boundaries, so one recv() may return only part of
        //    the reply (or, with a server that answers differently, more). Read until as
        //    many bytes as were sent have come back, the server closes, or the timeout.
        let want = bytes.len().saturating_sub(reply.len());
        let end = read_for(stream, want, timeout, |piece| {
            pieces.push(piece.len());
            reply.extend_from_slice(piece);
        })
        .with_context(|| format!("receiving the reply to message {number}"))?;
        if !reply.is_empty() {
            println!("{}", view.show(&reply));
        }
        // (Trickled, it comes back a byte at a time, of course.)
        if pieces.len() > 1 && args.trickle.is_none() && !args.quiet {
            let sizes: Vec<String> = pieces.iter().map(usize::to_string).collect();
            eprintln!(
                "note: the reply to message {number} arrived in {} pieces ({} bytes): \
                 TCP keeps no message boundaries",
                pieces.len(),
                sizes.join(" + ")
            );
        }
        match end {
            ReadEnd::Enough => {}
            ReadEnd::TimedOut if reply.is_empty() => {
                bail!(
                    "no reply to message {number} within {} s",
                    timeout.as_secs()
                )
            }
            ReadEnd::TimedOut => {
                if !args.quiet {
                    eprintln!(
                        "note: {} of the {} bytes sent came back within {} s \
                         (a server that answers with its own text is not an echo)",
                        reply.len(),
                        bytes.len(),
                        timeout.as_secs()
                    );
                }
            }
            ReadEnd::Closed if number < count => {
                show_rest(&mut view);
                bail!("the server closed the connection after message {number} of {count}");
            }
            ReadEnd::Closed => {}
        }
    }
    finish(stream, view, args, timeout)
}

/// The end of the conversation: half-close, then print what is still coming until the
/// server closes.
fn finish(stream: &TcpStream, mut view: TextView, args: &Args, timeout: Duration) -> Result<()> {
    // 5. close, in two steps. First shutdown(Write): our FIN tells the server "nothing
    //    more from me" (its recv returns 0) while we can still receive. Then read until
    //    the server closes too, so no reply still on its way is lost.
    if let Err(e) = stream.shutdown(Shutdown::Write) {
        show_rest(&mut view);
        // Not connected any more: the server closed first (a busy server refusing us, or
        // one that hung up). Nothing more can come; that is an ending, not a failure here.
        if e.kind() == std::io::ErrorKind::NotConnected {
            if !args.quiet {
                eprintln!("the server closed the connection");
            }
            return Ok(());
        }
        return Err(anyhow!(e).context("half-closing the connection"));
    }
    let end = read_for(stream, usize::MAX, timeout, |piece| {
        println!("{}", view.show(piece));
    })
    .context("receiving the last replies")?;
    show_rest(&mut view);
    match end {
        ReadEnd::Closed => {
            if !args.quiet {
                eprintln!("the server closed the connection");
            }
            Ok(())
        }
        ReadEnd::TimedOut | ReadEnd::Enough => bail!(
            "the server did not close the connection within {} s after we finished sending",
            timeout.as_secs()
        ),
    }
}

/// Prints the start of a character that never got its other bytes, if any.
fn show_rest(view: &mut TextView) {
    if let Some(rest) = view.finish() {
        println!("{rest}");
    }
}

/// What the interactive loop waits for.
enum Event {
    /// A line from standard input (with its line ending, if it had one).
    Line(Vec<u8>),
    /// Standard input ended.
    InputEnd,
    /// Standard input could not be read.
    InputError(io::Error),
    /// The server closed the connection (Ok), or it failed.
    ServerClosed(io::Result<()>),
}

/// One line of standard input, one message; replies printed as they come.
fn interactive(stream: &TcpStream, view: TextView, args: &Args, timeout: Duration) -> Result<()> {
    let stdin = io::stdin();
    if stdin.is_terminal() && !args.quiet {
        eprintln!("type a line and press Enter to send it; Ctrl-D ends (Ctrl-Z, Enter on Windows)");
    }
    let (events, next) = mpsc::channel();

    // A thread that prints replies as soon as they arrive: a reply need not match a
    // line (a --reply server answers with its own text; one line may be answered in
    // several pieces, or two lines in one).
    let reader = stream.try_clone().context("cloning the socket")?;
    let to_main = events.clone();
    thread::spawn(move || {
        let result = print_replies(reader, view);
        let _ = to_main.send(Event::ServerClosed(result));
    });

    // A thread that reads standard input, so the main thread can wait for input and for
    // the server at the same time.
    thread::spawn(move || {
        let mut input = stdin.lock();
        loop {
            let mut line = Vec::new();
            let event = match input.read_until(b'\n', &mut line) {
                Ok(0) => Event::InputEnd,
                Ok(_) => Event::Line(line),
                Err(e) => Event::InputError(e),
            };
            let last = !matches!(event, Event::Line(_));
            if events.send(event).is_err() || last {
                break;
            }
        }
    });

    let mut line_number = 0;
    loop {
        match next.recv() {
            Ok(Event::Line(line)) => {
                line_number += 1;
                send_line(stream, line, line_number, args.encoding)?;
            }
            Ok(Event::InputEnd) => break,
            Ok(Event::InputError(e)) => {
                return Err(anyhow!(e).context("reading standard input"));
            }
            Ok(Event::ServerClosed(result)) => {
                // The server hung up first (the course's one-message servers do).
                result.context("receiving")?;
                if !args.quiet {
                    eprintln!("the server closed the connection");
                }
                return Ok(());
            }
            Err(mpsc::RecvError) => bail!("the input and reply threads both stopped"),
        }
    }

    // 5. close, in two steps: half-close (our FIN: the server's recv returns 0 once it
    //    has read everything), then wait for the server to close its side, printing the
    //    replies still on their way.
    match stream.shutdown(Shutdown::Write) {
        // The server closed first: nothing more will come.
        Err(e) if e.kind() == std::io::ErrorKind::NotConnected => {
            if !args.quiet {
                eprintln!("the server closed the connection");
            }
            return Ok(());
        }
        other => other.context("half-closing the connection")?,
    }
    if !args.quiet {
        eprintln!("end of input: sent a half-close; waiting for the server to finish");
    }
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match next.recv_timeout(left) {
            Ok(Event::ServerClosed(result)) => {
                result.context("receiving")?;
                if !args.quiet {
                    eprintln!("the server closed the connection");
                }
                return Ok(());
            }
            Ok(_) => {} // nothing else is sent after the end of input
            Err(_) => {
                // Wake the reply thread, whose read would otherwise wait forever.
                let _ = stream.shutdown(Shutdown::Both);
                bail!(
                    "the server did not close the connection within {} s after we finished sending",
                    timeout.as_secs()
                );
            }
        }
    }
}

/// 3. send: one line, without its line ending, encoded with `encoding`.
fn send_line(
    mut stream: &TcpStream,
    mut line: Vec<u8>,
    number: usize,
    encoding: Encoding,
) -> Result<()> {
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if line.is_empty() {
        return Ok(()); // an empty line has no bytes to send
    }
    let text = String::from_utf8(line)
        .map_err(|_| anyhow!("line {number} of standard input is not UTF-8 text"))?;
    let bytes = encode(&text, encoding)
        .with_context(|| format!("line {number} cannot be sent as {encoding}"))?;
    stream
        .write_all(&bytes)
        .with_context(|| format!("sending line {number}"))
}

/// 4. recv, as replies come: one printed line per piece, until the server closes.
fn print_replies(mut stream: TcpStream, mut view: TextView) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => {
                show_rest(&mut view);
                return Ok(());
            }
            Ok(n) => println!("{}", view.show(&buf[..n])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                show_rest(&mut view);
                return Err(e);
            }
        }
    }
}
