//! `file-server`: serves the regular files under one directory, to many clients at once.
//!
//! Each client sends one request (a file name, where to start, whether it wants a SHA-256)
//! and gets a header (a status, the file's size and time) then the file's bytes. Names
//! that leave the directory, symlinks that lead out of it, directories, devices and FIFOs
//! are refused with a status, and logged. `--classic` speaks the course's protocol instead
//! (a bare name in, the bytes or `no_file` out), so the course's Python client works
//! against it. Ctrl-C stops accepting, lets downloads finish (up to `--grace` seconds),
//! and exits with status 0.
//!
//! ```text
//! $ file-server --root ~/shared
//! listening on 127.0.0.1:7891
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use file_download::confine::Root;
use file_download::server::FileServer;
use netbasics::cli::plural;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use threaded_server::server::DEFAULT_SHUTDOWN_GRACE;
use threaded_server::{Mode, Overload, Server};

/// File server: the files under --root, to many clients at once, safely.
#[derive(Parser, Debug)]
#[command(name = "file-server", version)]
struct Args {
    /// The directory whose files are served; nothing outside it is.
    #[arg(long)]
    root: PathBuf,
    /// The address to listen on (127.0.0.1: only this machine can connect).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose).
    #[arg(long, default_value_t = 7891)]
    port: u16,
    /// Speak the course's protocol: a bare name in, the bytes (or `no_file`) out.
    #[arg(long)]
    classic: bool,
    /// Serve with a fixed pool of N worker threads (default: a thread per client).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    workers: Option<u16>,
    /// The most clients served at once; more wait for a place.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_connections: u32,
    /// How many seconds a client has to send its whole request.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// How many seconds a download may wait for a client that stops reading.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    write_timeout: u64,
    /// How many seconds Ctrl-C waits for downloads in progress before cutting them.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_SHUTDOWN_GRACE.as_secs())]
    grace: u64,
    /// Log only refusals and errors (not each download).
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    // The root is opened once, before anything else: a wrong --root is an error now, not
    // a "not found" for every client later.
    let root = Root::open(&args.root)
        .with_context(|| format!("opening the root directory {}", args.root.display()))?;
    let mode = match args.workers {
        Some(workers) => Mode::Pool {
            workers: usize::from(workers),
        },
        None => Mode::Spawn,
    };
    let addr = SocketAddr::new(args.bind, args.port);
    // 1-4. socket, SO_REUSEADDR, bind, listen.
    let server = Server::bind(addr)
        .with_context(|| format!("listening on {addr}"))?
        .mode(mode)
        .max_connections(args.max_connections as usize)
        .overload(Overload::Wait)
        .write_timeout(Some(Duration::from_secs(args.write_timeout)))
        .shutdown_grace(Duration::from_secs(args.grace))
        .quiet(args.quiet);

    let stop = server.shutdown_handle();
    ctrlc::set_handler(move || stop.shutdown()).context("installing the Ctrl-C handler")?;

    println!("listening on {}", server.local_addr());
    std::io::stdout()
        .flush()
        .context("writing the listening line")?;
    if !args.quiet {
        eprintln!(
            "file-server: serving {} ({} protocol), {mode}, at most {} at once",
            args.root.display(),
            if args.classic {
                "the course's"
            } else {
                "the framed"
            },
            plural(u64::from(args.max_connections), "client"),
        );
    }

    let files = FileServer::new(root)
        .classic(args.classic)
        .quiet(args.quiet)
        .request_timeout(Duration::from_secs(args.request_timeout));
    // 5-9. accept, and serve each client on its own thread, until Ctrl-C.
    server.serve(files).context("serving")?;
    eprintln!("file-server: stopped: {}", server.stats());
    Ok(())
}
