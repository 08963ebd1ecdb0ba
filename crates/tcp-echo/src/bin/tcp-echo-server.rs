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
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{value_parser, CommandFactory, Parser};
use netbasics::text::{encode, Encoding};
use tcp_echo::buffers::buffer_sizes;
use tcp_echo::echo::{self, Outcome, Reply, Timeouts};
use tcp_echo::listener;
use tcp_echo::show::{preview, TextView};
use tcp_echo::shutdown::Shutdown;

/// How long Ctrl-C lets the client being served go on before hanging up on it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);
/// How many characters of each message the log shows.
const LOG_PREVIEW: usize = 200;

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
    /// Log only errors (not connections and messages).
    #[arg(short, long)]
    quiet: bool,
}

/// What serving each client needs.
struct Options {
    reply: Reply,
    encoding: Encoding,
    timeouts: Timeouts,
    show_buffers: bool,
    quiet: bool,
}

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
        },
        show_buffers: args.show_buffers,
        quiet: args.quiet,
    };

    // 1. socket, 2. bind, 3. listen(128): see listener.rs, one call per step.
    let listener = listener::listen(SocketAddr::new(args.bind, args.port))?;
    let local = listener
        .local_addr()
        .context("reading the address the socket is bound to")?;

    // Ready for Ctrl-C before anyone is told the server is up.
    let shutdown = Arc::new(Shutdown::new());
    install_ctrl_c(Arc::clone(&shutdown), local, options.quiet)?;

    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;
    if !options.quiet {
        eprintln!(
            "tcp-echo-server: {mode}; text shown as {}; one client at a time; Ctrl-C stops",
            options.encoding
        );
    }

    accept_loop(&listener, &options, &shutdown);

    // 7. close the listening socket: from now on a connect() to this port is refused.
    //    (Clients already accepted would not be affected; here there are none left.)
    drop(listener);
    if !options.quiet {
        eprintln!("tcp-echo-server: stopped");
    }
    Ok(())
}

/// Step 4, over and over: take the next client from the backlog and serve it.
fn accept_loop(listener: &TcpListener, options: &Options, shutdown: &Shutdown) {
    loop {
        // 4. accept: wait until the kernel has a finished connection (the three-way
        //    handshake is already done), and take it: a *new* socket, for this client only.
        //    The listening socket stays as it was, ready for the next one.
        let (stream, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(e) => {
                if shutdown.is_stopping() {
                    break;
                }
                eprintln!("tcp-echo-server: accept failed: {e}");
                if !is_per_connection(&e) {
                    // Out of file descriptors or memory: retrying at once would only spin.
                    std::thread::sleep(Duration::from_millis(100));
                }
                continue;
            }
        };
        if shutdown.is_stopping() {
            // The connection Ctrl-C made to wake us, or a client that arrived just now:
            // either way we are not serving any more. Dropping it closes it.
            break;
        }
        serve_client(stream, peer, options, shutdown);
    }
}

/// Whether an accept error concerns only the connection being accepted (the client
/// gave up before we got to it), so the next accept can go ahead at once.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Steps 5-7 for one client: recv and send until it leaves, then close its socket.
fn serve_client(stream: TcpStream, peer: SocketAddr, options: &Options, shutdown: &Shutdown) {
    let peer = Peer(peer);
    let _serving = match shutdown.serving(&stream) {
        Ok(Some(serving)) => serving,
        Ok(None) => return, // stopping: the client is dropped unserved
        Err(e) => {
            eprintln!("{peer} dropped: cannot keep a handle on the socket: {e}");
            return;
        }
    };
    let quiet = options.quiet;
    if !quiet {
        eprintln!("{peer} connected");
    }
    if options.show_buffers {
        match buffer_sizes(&stream) {
            Ok(sizes) => eprintln!("{peer} {sizes}"),
            Err(e) => eprintln!("{peer} cannot read the buffer sizes: {e}"),
        }
    }

    // 5. recv and 6. send, until the client closes: see echo.rs.
    let mut view = TextView::new(options.encoding, false);
    let outcome = echo::serve(&stream, &options.reply, options.timeouts, |piece| {
        if !quiet {
            let text = preview(&view.show(piece), LOG_PREVIEW);
            eprintln!("{peer} {}: {text}", bytes(piece.len() as u64));
        }
    });
    if !quiet {
        if let Some(rest) = view.finish() {
            eprintln!("{peer} ended in the middle of a character: {rest}");
        }
    }
    log_end(peer, &outcome, shutdown, quiet);

    // 7. close: `stream` is dropped here, which closes this client's socket. If the
    //    client's last bytes were never read (we gave up on it), the system sends a
    //    reset (RST) instead of the usual FIN.
}

fn log_end(peer: Peer, outcome: &Outcome, shutdown: &Shutdown, quiet: bool) {
    let s = outcome.summary;
    let counts = format!(
        "{} received in {}, {} sent",
        bytes(s.received),
        plural(s.pieces, "piece"),
        bytes(s.sent)
    );
    match &outcome.result {
        // Ctrl-C's hang-up ends a blocked recv with 0 bytes, or a blocked send with an
        // error: either way the reason is the stop, not the client. Said even with
        // --quiet: the client did not choose to leave.
        _ if shutdown.hung_up() => eprintln!(
            "{peer} hung up: still connected {} s after Ctrl-C ({counts})",
            SHUTDOWN_GRACE.as_secs()
        ),
        _ if shutdown.is_stopping() => {
            if !quiet {
                eprintln!("{peer} disconnected, the server is stopping ({counts})");
            }
        }
        Ok(()) if quiet => {}
        Ok(()) => eprintln!("{peer} disconnected: the client closed the connection ({counts})"),
        // Errors are logged even with --quiet: the client did not leave normally.
        Err(e) => eprintln!("{peer} dropped: {e} ({counts})"),
    }
}

/// On Ctrl-C: stop accepting, give the current client a short time, then hang up.
fn install_ctrl_c(shutdown: Arc<Shutdown>, local: SocketAddr, quiet: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        if !quiet {
            eprintln!(
                "tcp-echo-server: stopping: no new clients; the current one, if any, has {} s",
                SHUTDOWN_GRACE.as_secs()
            );
        }
        // Whether it had to hang up on a client is reported by the server's own thread
        // (see log_end), which may end the program as soon as this returns.
        shutdown.stop(local, SHUTDOWN_GRACE);
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

/// A client as the log names it at the start of each line: `[127.0.0.1:50000]`.
///
/// An IPv6 address and port already come in brackets (`[::1]:50000`, as a URL writes
/// them, so the port's colon is not taken for one of the address's); wrapping that in
/// brackets again would show `[[::1]:50000]`, so it is shown as it is.
#[derive(Clone, Copy)]
struct Peer(SocketAddr);

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            SocketAddr::V4(addr) => write!(f, "[{addr}]"),
            SocketAddr::V6(addr) => write!(f, "{addr}"),
        }
    }
}

fn bytes(n: u64) -> String {
    plural(n, "byte")
}

fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
