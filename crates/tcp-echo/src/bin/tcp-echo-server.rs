//! `tcp-echo-server`: the course's TCP server in 7 steps, serving one client after
//! another.
//!
//! ```text
//! tcp-echo-server                       # echo on 127.0.0.1:8888
//! tcp-echo-server --port 0              # a port the system chooses (see the first line)
//! tcp-echo-server --upper               # answer in upper case
//! tcp-echo-server --reply 收到！        # answer every message with a fixed text
//! tcp-echo-server --encoding gbk        # show (and upper-case) messages as GBK text
//! tcp-echo-server --bind ::1            # IPv6
//! tcp-echo-server --max-connection-time 60   # no client stays longer than a minute
//! ```
//!
//! The first line on standard output is `listening on IP:PORT`; everything else (who
//! connects, each message, who leaves and why) goes to standard error.
//!
//! This server is single-threaded, like the course's: while it serves one client, the
//! next one's connection waits in the `listen` backlog (its `connect` succeeds, but no
//! answer comes until the first client leaves). Serving many at once is the next
//! lesson: `threaded-echo-server` in the `threaded-server` crate.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{value_parser, CommandFactory, Parser};
use netbasics::listener;
use netbasics::text::{encode, Encoding};
use tcp_echo::echo::{Reply, Timeouts};
use tcp_echo::server::{self, Options};
use tcp_echo::shutdown::Shutdown;

/// Echo server: the TCP server in 7 steps, one client after another.
#[derive(Parser)]
#[command(name = "tcp-echo-server", version)]
struct Args {
    /// The address to listen on: 127.0.0.1 accepts only this machine, ::1 the same over
    /// IPv6, 0.0.0.0 (or ::) every network this machine is on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose; the first line of output says which).
    #[arg(long, default_value_t = 8888)]
    port: u16,
    /// The encoding of the text: for showing messages, --upper and --reply.
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Answer in upper case (the course's socketserver example).
    #[arg(long, conflicts_with = "reply")]
    upper: bool,
    /// Answer every message with this text instead of an echo (e.g. 收到！).
    #[arg(long, value_name = "TEXT")]
    reply: Option<String>,
    /// Print the send and receive buffer sizes (SO_SNDBUF, SO_RCVBUF) of each client's socket.
    #[arg(long)]
    show_buffers: bool,
    /// Hang up on a client that sends nothing for this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// Give up on a client when a reply cannot be sent for this many seconds (the client is
    /// not reading).
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = value_parser!(u64).range(1..))]
    write_timeout: u64,
    /// Hang up on a client still connected after this many seconds, however busy (a client
    /// that trickles bytes is never idle). Default: no limit.
    #[arg(long, value_name = "SECS", value_parser = value_parser!(u64).range(1..))]
    max_connection_time: Option<u64>,
    /// Log only errors (not connections and messages).
    #[arg(short, long)]
    quiet: bool,
}

/// How long Ctrl-C lets the client being served go on before hanging up on it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    let reply = match reply_mode(&args) {
        Ok(reply) => reply,
        // A --reply text the encoding cannot write is a usage error: exit 2, like clap's own.
        Err(message) => Args::command()
            .error(ErrorKind::ValueValidation, message)
            .exit(),
    };
    netbasics::cli::exit_on_error(run(args, reply));
}

/// The reply mode the options ask for.
fn reply_mode(args: &Args) -> Result<Reply, String> {
    if let Some(text) = &args.reply {
        let bytes = encode(text, args.encoding).map_err(|e| format!("--reply: {e}"))?;
        if bytes.is_empty() {
            return Err("--reply: the text is empty; give at least one character".into());
        }
        Ok(Reply::Fixed(bytes))
    } else if args.upper {
        Ok(Reply::Upper(args.encoding))
    } else {
        Ok(Reply::Echo)
    }
}

fn run(args: Args, reply: Reply) -> Result<()> {
    let mode = describe(&args);
    let options = Options {
        reply,
        encoding: args.encoding,
        timeouts: Timeouts {
            idle: Duration::from_secs(args.idle_timeout),
            write: Duration::from_secs(args.write_timeout),
            visit: args.max_connection_time.map(Duration::from_secs),
        },
        show_buffers: args.show_buffers,
        quiet: args.quiet,
    };

    // 1. socket, 2. bind, 3. listen(128): see netbasics' listener.rs, one call per step.
    let listener = listener::listen(SocketAddr::new(args.bind, args.port))?;
    let local = listener
        .local_addr()
        .context("reading the address the socket is bound to")?;

    // Ready for Ctrl-C before anyone is told the server is up.
    let shutdown = Arc::new(Shutdown::new(local));
    install_ctrl_c(Arc::clone(&shutdown), options.quiet)?;

    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;
    if !options.quiet {
        let each = match args.max_connection_time {
            Some(secs) => format!(", each for at most {secs} s"),
            None => String::new(),
        };
        eprintln!(
            "tcp-echo-server: {mode}; text shown as {}; one client at a time{each}; Ctrl-C stops",
            options.encoding
        );
    }

    // 4. accept, 5. recv, 6. send, 7. close, one client after another: see server.rs.
    server::run(&listener, &shutdown, &options);

    // 7. close the listening socket: from now on a connect() to this port is refused.
    //    (Clients already accepted would not be affected; here there are none left.)
    drop(listener);
    if !options.quiet {
        eprintln!("tcp-echo-server: stopped");
    }
    Ok(())
}

/// On Ctrl-C: stop accepting, give the current client a short time, then hang up.
fn install_ctrl_c(shutdown: Arc<Shutdown>, quiet: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        if !quiet {
            // Not `eprintln!`: it panics when stderr is gone (a closed pipe), and a panic
            // here would end this thread before it stops the server: Ctrl-C would do nothing.
            let _ = writeln!(
                std::io::stderr(),
                "tcp-echo-server: stopping: no new clients; the current one, if any, has {} s",
                SHUTDOWN_GRACE.as_secs()
            );
        }
        // Whether it had to hang up on a client is reported by the server's own thread
        // (see tcp_echo::server), which may end the program as soon as this returns.
        shutdown.stop(SHUTDOWN_GRACE);
    })
    .context("installing the Ctrl-C handler")
}

/// The reply mode, in words, for the first log line.
fn describe(args: &Args) -> String {
    match &args.reply {
        Some(text) => format!("answers every message with \"{text}\""),
        None if args.upper => "answers in upper case".into(),
        None => "echo".into(),
    }
}
