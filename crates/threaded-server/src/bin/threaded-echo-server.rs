//! `threaded-echo-server`: an echo server that serves many clients at once.
//!
//! Every client gets back what it sends (in upper case with `--upper`, character by
//! character in the `--encoding` of its text) until it closes: lesson 5's conversation,
//! the same function, now on many threads. `--mode spawn` starts a thread per client, like Python's
//! `socketserver.ThreadingTCPServer`; `--mode pool` serves with a fixed number of worker
//! threads. `--max-connections N` bounds the clients served at once: more wait their turn,
//! or with `--refuse` are told "busy" and closed. Ctrl-C stops accepting, lets open
//! conversations finish (up to `--grace` seconds), prints the final counts on stderr and
//! exits with status 0.
//!
//! ```text
//! $ threaded-echo-server --mode pool --workers 4 --upper
//! listening on 127.0.0.1:9090
//! ```

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use crossbeam_channel::RecvTimeoutError;
use netbasics::cli::plural;
use netbasics::text::Encoding;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tcp_echo::echo::Reply;
use threaded_server::server::{DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_GRACE};
use threaded_server::{Echo, Mode, Overload, Server, Stats};

/// How often `--stats` reports (when something changed).
const STATS_EVERY: Duration = Duration::from_secs(1);

/// Echo server for many clients at once: a thread per client, or a pool of workers.
#[derive(Parser, Debug)]
#[command(name = "threaded-echo-server", version)]
struct Args {
    /// How clients are served: a new thread per client, or a fixed pool of workers.
    #[arg(long, value_enum, default_value_t = ModeArg::Spawn)]
    mode: ModeArg,
    /// How many worker threads with `--mode pool` (1-1024).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: u16,
    /// Answer in upper case (character by character, in --encoding; bytes that are not
    /// text go back unchanged).
    #[arg(long)]
    upper: bool,
    /// The encoding of the text: for showing messages and for --upper.
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// The most clients served at once (in pool mode: served or waiting for a worker).
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS as u32,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: u32,
    /// When --max-connections are connected, tell a new client "busy" and close it
    /// (default: accept it when a place frees up).
    #[arg(long)]
    refuse: bool,
    /// The address to listen on (127.0.0.1: only this machine can connect).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose).
    #[arg(long, default_value_t = 9090)]
    port: u16,
    /// How many seconds a client may stay silent before it is dropped.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// How many seconds a reply may wait for a client that stops reading before it is
    /// dropped.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    write_timeout: u64,
    /// Hang up on a client still connected after this many seconds, however busy (a client
    /// that trickles bytes is never idle, and would hold a pool worker). Default: no limit.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    max_connection_time: Option<u64>,
    /// How many seconds Ctrl-C waits for open conversations before cutting them.
    #[arg(long, default_value_t = DEFAULT_SHUTDOWN_GRACE.as_secs())]
    grace: u64,
    /// Log only errors (not each connection and message).
    #[arg(short, long)]
    quiet: bool,
    /// Print the counters on stderr every second while they change.
    #[arg(long)]
    stats: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModeArg {
    /// A new thread for every client.
    Spawn,
    /// A fixed pool of --workers threads.
    Pool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let mode = match args.mode {
        ModeArg::Spawn => Mode::Spawn,
        ModeArg::Pool => Mode::Pool {
            workers: usize::from(args.workers),
        },
    };
    let overload = if args.refuse {
        Overload::Refuse
    } else {
        Overload::Wait
    };
    let addr = SocketAddr::new(args.bind, args.port);
    // 1-3. socket, bind, listen.
    let server = Server::bind(addr)
        .with_context(|| format!("listening on {addr}"))?
        .mode(mode)
        .max_connections(args.max_connections as usize)
        .overload(overload)
        .read_timeout(Some(Duration::from_secs(args.idle_timeout)))
        .write_timeout(Some(Duration::from_secs(args.write_timeout)))
        .shutdown_grace(Duration::from_secs(args.grace))
        .quiet(args.quiet);

    // Ctrl-C is ready before anyone is told the server is up.
    let stop = server.shutdown_handle();
    ctrlc::set_handler(move || stop.shutdown()).context("installing the Ctrl-C handler")?;

    println!("listening on {}", server.local_addr());
    std::io::stdout()
        .flush()
        .context("writing the listening line")?;
    if !args.quiet {
        let overload = match overload {
            Overload::Wait => "wait",
            Overload::Refuse => "refuse",
        };
        let each = match args.max_connection_time {
            Some(secs) => format!(", each for at most {secs} s"),
            None => String::new(),
        };
        eprintln!(
            "threaded-echo-server: {mode}, at most {} (then {overload}){each}, {}",
            plural(u64::from(args.max_connections), "client"),
            if args.upper { "uppercasing" } else { "echoing" }
        );
    }

    let reply = if args.upper {
        Reply::Upper(args.encoding)
    } else {
        Reply::Echo
    };
    // Lesson 5's conversation, on every thread (with the server's timeouts).
    let echo = Echo::new(reply, args.encoding)
        .quiet(args.quiet)
        .max_connection_time(args.max_connection_time.map(Duration::from_secs));
    // 4-7. accept and serve, until Ctrl-C. The stats reporter borrows the server, so both
    // live in a scope, which also guarantees the reporter has ended when the scope does.
    let served = std::thread::scope(|scope| {
        let (done, finished) = crossbeam_channel::bounded::<()>(0);
        if args.stats {
            let server = &server;
            scope.spawn(move || report_stats(|| server.stats(), &finished));
        }
        let served = server.serve(echo);
        drop(done); // ends the reporter
        served
    });
    served.context("serving")?;
    eprintln!("threaded-echo-server: stopped: {}", server.stats());
    Ok(())
}

/// Prints the counters every [`STATS_EVERY`] while they change, until `finished` closes.
fn report_stats(stats: impl Fn() -> Stats, finished: &crossbeam_channel::Receiver<()>) {
    let mut last = None;
    // `recv_timeout` is the pause: it returns early, with Disconnected, at shutdown.
    while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(STATS_EVERY) {
        let now = stats();
        if last != Some(now) {
            eprintln!("stats: {now}");
            last = Some(now);
        }
    }
}
