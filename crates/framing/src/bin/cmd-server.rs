//! `cmd-server`: the course's remote-command server, made safe.
//!
//! The course's version runs whatever arrives with `shell=True` and answers with
//! `struct.pack('i', len) + output`. This one:
//!
//! - runs commands without a shell, and only those on an allow-list ([`framing::policy`]);
//! - bounds each command's output and running time ([`framing::runner`]);
//! - reads requests as frames (the cure for sticky packets works both ways) and answers with
//!   a reply frame that keeps stdout, stderr and the exit status apart ([`framing::reply`]);
//! - serves several clients at once (a thread each, at most `--max-clients`), each with
//!   deadlines for its first request, for each request and between requests; when every
//!   slot is taken, the connection idle the longest makes room for a newcomer;
//! - stops cleanly on Ctrl-C.
//!
//! The serving itself is [`framing::cmd_server::run`]; this program reads the command
//! line, binds (steps 1-3), installs Ctrl-C and calls it.
//!
//! `--classic` speaks the course's own protocol (the request is the raw command text, the
//! reply a `=i` header and stdout+stderr), so the course's Python client works unchanged.

use anyhow::{Context, Result};
use clap::Parser;
use framing::cmd_server::{self, Deadlines, Settings, MAX_REQUEST};
use framing::frame::Codec;
use framing::header::LengthHeader;
use framing::policy::Policy;
use framing::runner::Limits;
use netbasics::cli::plural;
use netbasics::stop::Stop;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Run allow-listed commands for clients, with framed replies.
#[derive(Parser)]
#[command(name = "cmd-server", version)]
struct Args {
    /// The address to listen on (127.0.0.1: only this machine can connect).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the OS choose).
    #[arg(long, default_value_t = 9904)]
    port: u16,
    /// The length header, a Python struct format: !I (default), !H, =i (the course's 'i').
    #[arg(long)]
    header: Option<String>,
    /// Speak the course's protocol: raw command text in, `=i` header + stdout + stderr out.
    #[arg(long)]
    classic: bool,
    /// Also allow this program, with any arguments (repeatable). Allow only safe ones.
    #[arg(long = "allow", value_name = "PROGRAM")]
    allow: Vec<String>,
    /// The most bytes kept from each of a command's stdout and stderr (at most 16 MiB).
    #[arg(long, default_value_t = 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1..=16 * 1024 * 1024))]
    max_output: u64,
    /// How many seconds a command may run before it is killed (at most an hour).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// How many clients may be connected at once; at the limit, the one idle the longest
    /// makes room for a newcomer ("server busy" when all are running commands)
    #[arg(long, default_value_t = 32,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100_000))]
    max_clients: usize,
    /// Seconds a new client has to start its first request (at most an hour)
    #[arg(long, value_name = "SECS", default_value_t = cmd_server::FIRST_REQUEST_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    first_request_timeout: u64,
    /// Seconds a request may take to arrive once its first byte has (at most an hour)
    #[arg(long, value_name = "SECS", default_value_t = cmd_server::REQUEST_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_timeout: u64,
    /// Seconds a client may wait between a reply and its next request (at most an hour)
    #[arg(long, value_name = "SECS", default_value_t = cmd_server::IDLE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// The directory commands run in (default: the current one).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Log only errors.
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let default_header = if args.classic { "=i" } else { "!I" };
    let header = LengthHeader::parse(args.header.as_deref().unwrap_or(default_header))?;
    // A reply carries up to two outputs and its 10-byte header: the length header must be
    // able to say how long that is, or replies could not be sent.
    let max_output = usize::try_from(args.max_output).context("--max-output is too large")?;
    let largest_reply = 2 * args.max_output + framing::reply::REPLY_HEADER_LEN as u64;
    if largest_reply > header.max_len() {
        anyhow::bail!(
            "--max-output {} needs replies of up to {largest_reply} bytes, more than a {header} \
             header can announce ({}): lower --max-output or use a larger header",
            args.max_output,
            header.max_len()
        );
    }
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::current_dir().context("finding the current directory")?,
    };
    // 1-3. socket, bind, listen: lesson 5's steps (netbasics::listener), with
    // SO_REUSEADDR, so a restart does not wait for old connections in TIME_WAIT.
    let listener = netbasics::listener::listen(SocketAddr::new(args.bind, args.port))?;
    let addr = listener.local_addr()?;
    let settings = Settings {
        classic: args.classic,
        codec: Codec::new(header, MAX_REQUEST),
        policy: Policy::new(args.allow).inside(&dir),
        limits: Limits {
            max_output,
            timeout: Duration::from_secs(args.timeout),
        },
        dir,
        max_clients: args.max_clients,
        deadlines: Deadlines {
            first_request: Duration::from_secs(args.first_request_timeout),
            request: Duration::from_secs(args.request_timeout),
            idle: Duration::from_secs(args.idle_timeout),
        },
        quiet: args.quiet,
    };

    // Ready for Ctrl-C before anyone is told the server is up.
    let stop = Arc::new(Stop::new(addr));
    let on_ctrl_c = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        on_ctrl_c.request();
    })
    .context("installing the Ctrl-C handler")?;
    println!("listening on {addr}");
    std::io::stdout().flush()?;
    if !settings.quiet {
        eprintln!(
            "cmd-server: {} protocol, header {}, allowed: {}",
            if settings.classic {
                "classic"
            } else {
                "framed"
            },
            settings.codec.header(),
            settings.policy.allowed().join(" ")
        );
    }

    // 4. accept, 5. recv, run, 6. send, 7. close, until Ctrl-C: see framing::cmd_server.
    let left = cmd_server::run(listener, stop, settings);
    eprintln!(
        "cmd-server: stopped ({} still open were dropped)",
        plural(left as u64, "connection")
    );
    Ok(())
}
