//! `udp-recv`: the course's UDP receiver. Binds a port and prints every datagram that
//! arrives, with its sender.
//!
//! ```text
//! udp-recv                          # receive on 127.0.0.1:7788
//! udp-recv --port 0                 # a port the system chooses (see the first line)
//! udp-recv --encoding gbk           # show the bytes as GBK text (the course's encode('gbk'))
//! udp-recv --buffer 1024            # the course's recvfrom(1024): bigger datagrams are cut
//! udp-recv --count 3                # stop after three datagrams
//! udp-recv -q                       # only count (for benchmarks); Ctrl-C prints the totals
//! ```
//!
//! The first line on standard output is `listening on IP:PORT`; then one line per
//! datagram, `[HH:MM:SS UTC] IP:PORT text`; at the end (after `--count` datagrams, or on
//! Ctrl-C) `received N datagrams, B bytes`.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::builder::TypedValueParser;
use clap::{value_parser, Parser};
use netbasics::text::Encoding;
use udp_chat::cli::print_and_exit_on_ctrl_c;
use udp_chat::datagram::{self, SharedTally, DEFAULT_BUFFER};
use udp_chat::echo::{ErrorStreak, MAX_ERRORS_IN_A_ROW};
use udp_chat::socket::{self, Options};

/// UDP receiver: prints each datagram that arrives, with who sent it.
#[derive(Parser)]
#[command(name = "udp-recv", version)]
struct Args {
    /// The address to receive on: 127.0.0.1 only this machine, 0.0.0.0 (or ::) every
    /// network this machine is on (and broadcasts).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose; the first line of output says which).
    #[arg(long, default_value_t = 7788)]
    port: u16,
    /// The encoding to show the datagrams' bytes as text.
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Also show every byte in hex.
    #[arg(long)]
    hex: bool,
    /// The most bytes one recvfrom keeps (the course's recvfrom(1024)); the rest of a
    /// larger datagram is lost, and the line says so.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_BUFFER,
          value_parser = value_parser!(u64).range(0..=DEFAULT_BUFFER as u64).map(|n| n as usize))]
    buffer: usize,
    /// Stop after this many datagrams.
    #[arg(long, value_name = "N", value_parser = value_parser!(u64).range(1..))]
    count: Option<u64>,
    /// Print no line per datagram: only the first and the last line.
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    netbasics::cli::exit_on_error(run(args));
}

fn run(args: Args) -> Result<()> {
    // 1. Create the socket, 2. bind it: a receiver must be at a known port.
    //    No SO_REUSEADDR: a second receiver on the same port should fail, not share.
    let udp = socket::bind(SocketAddr::new(args.bind, args.port), &Options::default())?;
    let local = udp
        .local_addr()
        .context("reading the address the socket is bound to")?;

    // Ready for Ctrl-C before anyone is told the receiver is up.
    // The counters are atomics, not behind a lock: the handler must never wait for the
    // main thread, which may be blocked printing to a full pipe.
    let tally = Arc::new(SharedTally::default());
    let counted = Arc::clone(&tally);
    print_and_exit_on_ctrl_c(move || counted.get().to_string())
        .context("setting up Ctrl-C handling")?;

    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;

    // From here on, datagrams sent to us wait in the socket's queue until read.
    let mut buf = vec![0; args.buffer];
    let mut errors = ErrorStreak::default();
    loop {
        // 3. recvfrom: one whole datagram (or its first --buffer bytes) and its sender.
        let got = match datagram::recv_from(&udp, &mut buf) {
            Ok(got) => got,
            Err(err) => {
                // Not fatal: one bad receive does not stop a receiver; many in a row mean
                // the socket is broken (the echo server's rule).
                eprintln!("udp-recv: {:#}", anyhow::Error::new(err));
                if errors.failed() {
                    bail!("receiving failed {MAX_ERRORS_IN_A_ROW} times in a row");
                }
                continue;
            }
        };
        errors.succeeded();
        tally.add(got.kept);
        if !args.quiet {
            let text = datagram::received_line(&got, &buf[..got.kept], args.encoding, args.hex);
            println!("{text}");
        }
        let totals = tally.get();
        if args.count == Some(totals.datagrams) {
            println!("{totals}");
            io::stdout().flush().context("writing to standard output")?;
            // 4. close: dropping the socket closes it.
            return Ok(());
        }
    }
}
