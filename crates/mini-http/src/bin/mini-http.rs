//! `mini-http`: a static file server, HTTP/1.1 written by hand.
//!
//! What `python -m http.server` does, and what its users have asked it for: `GET` and
//! `HEAD`, `index.html` or a listing for a directory, conditional requests (`ETag`,
//! `If-None-Match`, `If-Modified-Since`), ranges (`curl -C -` resumes against it), keep-alive
//! connections served by event loops, and no path out of the root in any encoding.
//! `--show-requests` prints each request's bytes, annotated; `--fake` answers every request
//! with the course's hand-written page. Ctrl-C stops it cleanly.
//!
//! ```text
//! $ mini-http --root ~/site
//! listening on 127.0.0.1:8000
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use file_download::confine::Root;
use mini_http::access_log::AccessLog;
use mini_http::server::{Limits, Server};
use mini_http::site::{Mode, Site};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Static file server: HTTP/1.1 by hand.
#[derive(Parser, Debug)]
#[command(name = "mini-http", version)]
struct Args {
    /// The directory whose files are served; nothing outside it is.
    #[arg(long)]
    root: PathBuf,
    /// The address to listen on (127.0.0.1: only this machine can connect).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// How many event-loop threads (default: one per processor).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
    /// How many seconds a keep-alive connection may wait for its next request.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    idle_timeout: u64,
    /// How many seconds a client has to send a whole request.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout: u64,
    /// No access log (errors only).
    #[arg(short, long)]
    quiet: bool,
    /// Print each request's bytes, annotated: request line, headers, blank line, body.
    #[arg(long)]
    show_requests: bool,
    /// Answer every request with the course's hand-written response (GBK, Content-Length 20).
    #[arg(long)]
    fake: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let root = Root::open(&args.root)
        .with_context(|| format!("opening the root directory {}", args.root.display()))?;
    let threads = match args.threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let addr = SocketAddr::new(args.bind, args.port);
    let limits = Limits {
        idle_timeout: Duration::from_secs(args.idle_timeout),
        request_timeout: Duration::from_secs(args.request_timeout),
        ..Limits::default()
    };
    let server = Server::bind(addr, threads)
        .with_context(|| format!("listening on {addr}"))?
        .limits(limits);
    let stop = server.shutdown_handle();
    ctrlc::set_handler(move || stop.shutdown()).context("installing the Ctrl-C handler")?;

    println!("listening on {}", server.local_addr());
    std::io::stdout()
        .flush()
        .context("writing the listening line")?;
    if !args.quiet {
        eprintln!(
            "mini-http: serving {}{}, {} event loop{}",
            args.root.display(),
            if args.fake {
                " (--fake: the course's page to every request)"
            } else {
                ""
            },
            threads,
            if threads == 1 { "" } else { "s" }
        );
    }
    let log = AccessLog::new(!args.quiet || args.show_requests);
    let mode = if args.fake { Mode::Fake } else { Mode::Files };
    let site = Site::new(root, log)
        .mode(mode)
        .show_requests(args.show_requests);
    server.serve(site).context("serving")?;
    if !args.quiet {
        eprintln!("mini-http: stopped");
    }
    Ok(())
}
