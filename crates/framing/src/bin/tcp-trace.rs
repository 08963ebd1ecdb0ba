//! `tcp-trace`: watch TCP segments on the loopback interface, drawn as a sequence
//! diagram (lesson 5: 三次握手, 四次挥手, TIME_WAIT).
//!
//! ```text
//! tcp-trace --port 8888                         connections to or from 8888, until Ctrl-C
//! tcp-trace --port 8888 --count 1               ... until one connection has ended
//! tcp-trace --port 8888 --count 1 -- tcp-echo-server --port 8888   ... and then stop the server
//! tcp-trace -- tcp-echo-client 127.0.0.1:8888 hi   run a command, trace its connections
//! tcp-trace --states --raw-seq --port 8888 -- tcp-echo-client 127.0.0.1:8888 hi
//! ```
//!
//! Capturing needs CAP_NET_RAW: run it with `sudo`, or once
//! `sudo setcap cap_net_raw+ep target/debug/tcp-trace`. Without it, the program says so
//! and exits with status 1; with `--states` it first shows what needs no privilege, the
//! socket table's states. With a command, the exit status is the command's.

use std::ffi::OsString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use framing::trace::capture::{how_to_permit, CaptureError};
use framing::trace::session::{self, Options, TraceError};

/// Capture TCP segments on the loopback interface and draw them as a sequence diagram.
#[derive(Parser, Debug)]
#[command(name = "tcp-trace", version)]
struct Args {
    /// Only connections to or from this port (1-65535).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: Option<u16>,

    /// Stop once this many connections have ended (a command still running is then
    /// stopped, and the exit status is 0).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,

    /// Show the sequence and acknowledgment numbers on the wire too (rawseq=, rawack=).
    #[arg(long)]
    raw_seq: bool,

    /// Show each side's TCP state from the kernel's socket table (/proc/net/tcp).
    #[arg(long)]
    states: bool,

    /// How many seconds to wait, after the command exits, for its connections to end.
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    grace: f64,

    /// The command to run and trace, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    match run(Args::parse()) {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(1);
        }
    }
}

fn run(args: Args) -> anyhow::Result<i32> {
    let grace = Duration::try_from_secs_f64(args.grace)
        .ok()
        .context("--grace must be a number of seconds, 0 or more")?;
    let options = Options {
        port: args.port,
        count: args.count.and_then(|n| usize::try_from(n).ok()),
        raw_seq: args.raw_seq,
        states: args.states,
        command: args.command,
        grace,
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .context("installing the Ctrl-C handler")?;
    }
    // Not locked for the whole run: the command's output, passed on line by line from
    // other threads, goes to the same stdout.
    let mut out = std::io::stdout();
    match session::run(&options, &mut out, &stop) {
        Ok(code) => Ok(code),
        Err(TraceError::Capture(CaptureError::NotPermitted)) => {
            let program = std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "tcp-trace".to_string());
            if options.states {
                eprintln!(
                    "tcp-trace: capturing needs CAP_NET_RAW; showing the socket table's states only"
                );
                session::run_states_only(&options, &mut out, &stop)?;
            }
            anyhow::bail!(
                "{}: {}",
                CaptureError::NotPermitted,
                how_to_permit(&program)
            )
        }
        // `tcp-trace ... | head`: the reader has gone, end quietly as a SIGPIPE would.
        Err(TraceError::Output(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::exit(141)
        }
        Err(err) => Err(err.into()),
    }
}
