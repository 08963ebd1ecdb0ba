//! `udp-echo-server`: the course's UDP echo exercise. Every datagram goes back to its
//! sender, unchanged.
//!
//! ```text
//! udp-echo-server                   # echo on 127.0.0.1:7088
//! udp-echo-server --port 0          # a port the system chooses (see the first line)
//! udp-echo-server --encoding gbk    # show the datagrams in the log as GBK text
//! udp-echo-server -q                # log only errors (for benchmarks)
//! ```
//!
//! The first line on standard output is `listening on IP:PORT`; each datagram is logged
//! on standard error with a running count; Ctrl-C prints `echoed N datagrams, B bytes` on
//! standard output (followed by `; refused R datagrams` when some were refused) and exits.
//!
//! One socket serves every client, with no connection and no thread per client: each
//! datagram says who sent it, and the reply goes there. A datagram whose sender an answer
//! could start a loop with (this server itself, port 0, another server on this port, a
//! system port below 1024: see `udp_chat::answer`) is not answered; the log says why:
//!
//! ```text
//! 127.0.0.1:7 refused: source port 7 is a service that answers (echo): answering could start a loop
//! ```

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::ops::ControlFlow;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Parser;
use netbasics::text::preview;
use netbasics::text::Encoding;
use udp_chat::answer::Local;
use udp_chat::cli::{self, print_and_exit_on_ctrl_c};
use udp_chat::datagram;
use udp_chat::echo::{self, Counters, Event};
use udp_chat::socket::{self, Options};

/// How many characters of each datagram the log shows.
const LOG_PREVIEW: usize = 200;

/// UDP echo server: sends every datagram back to its sender.
#[derive(Parser)]
#[command(name = "udp-echo-server", version)]
struct Args {
    /// The address to receive on: 127.0.0.1 only this machine, 0.0.0.0 (or ::) every
    /// network this machine is on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose; the first line of output says which).
    #[arg(long, default_value_t = 7088)]
    port: u16,
    /// The encoding to show the datagrams as text in the log (the echo is always the
    /// same bytes).
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Log only errors (not each datagram).
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    netbasics::cli::exit_on_error(run(args));
}

fn run(args: Args) -> Result<()> {
    // 1. Create the socket. 2. Bind a known port, so that clients can find the server.
    //    No SO_REUSEADDR: a second server on the same port must fail, not share it.
    let udp = socket::bind(SocketAddr::new(args.bind, args.port), &Options::default())?;
    let local = udp
        .local_addr()
        .context("reading the address the socket is bound to")?;
    // Who we are, so as never to answer ourselves (bound to 0.0.0.0, every address of
    // this machine is ours).
    let us = Local::new(local);

    // Ready for Ctrl-C before anyone is told the server is up.
    // echo::serve counts each datagram before its echo leaves; the handler only reads
    // the atomic counters, so it never waits.
    let counters = Arc::new(Counters::default());
    let counted = Arc::clone(&counters);
    print_and_exit_on_ctrl_c(move || counted.get().to_string())
        .context("setting up Ctrl-C handling")?;

    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;
    if !args.quiet {
        eprintln!(
            "udp-echo-server: echoing every datagram to its sender; shown as {}; Ctrl-C stops",
            args.encoding
        );
    }

    // 3. recvfrom, then sendto the sender, for ever (see echo.rs), unless an answer could
    //    start a loop. A bad datagram or a failed send is logged and the loop goes on.
    let result = echo::serve(&udp, &us, &counters, |event| {
        match event {
            Event::Echoed { from, data, tally } => {
                if !args.quiet {
                    let text = datagram::show(data, args.encoding, false);
                    eprintln!(
                        "#{} {from} {}: {}",
                        tally.datagrams,
                        cli::bytes(data.len()),
                        preview(&text, LOG_PREVIEW)
                    );
                }
            }
            Event::Refused { from, why, .. } => {
                if !args.quiet {
                    eprintln!("{from} refused: {why}");
                }
            }
            Event::RecvFailed(err) => {
                eprintln!("udp-echo-server: {:#}", anyhow::Error::new(err));
            }
            Event::SendFailed(err) => {
                eprintln!(
                    "udp-echo-server: the echo was lost: {:#}",
                    anyhow::Error::new(err)
                );
            }
        }
        ControlFlow::Continue(())
    });
    // 4. close: only reached when the socket is broken; dropping it closes it.
    result?;
    Ok(())
}
