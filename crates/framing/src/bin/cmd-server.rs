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
//!   an idle timeout, and stops cleanly on Ctrl-C.
//!
//! `--classic` speaks the course's own protocol (the request is the raw command text, the
//! reply a `=i` header and stdout+stderr), so the course's Python client works unchanged.

use anyhow::{Context, Result};
use clap::Parser;
use framing::frame::{Codec, FrameError, FrameReader};
use framing::header::LengthHeader;
use framing::policy::Policy;
use framing::reply::Reply;
use framing::runner::{self, Limits};
use netbasics::cli::{plural, Peer};
use netbasics::stop::Stop;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest command line accepted (framed mode): commands are short; anything longer is
/// a confused or hostile client.
const MAX_REQUEST: usize = 4096;
/// How long a connected client may go without sending a complete request before the
/// server hangs up. It counts from the last complete request, not from the last byte, so a
/// client that trickles one byte at a time cannot keep its thread for ever.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// How often a thread waiting for a client's next request looks up to see whether the
/// server is stopping: a blocked `read` cannot be interrupted, but a read timeout ends it.
const POLL: Duration = Duration::from_secs(1);
/// How long a reply may take to leave (a client that never reads must not hold a thread).
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Ctrl-C waits for commands that are still running.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

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
    /// How many clients may be connected at once; more are turned away.
    #[arg(long, default_value_t = 32)]
    max_clients: usize,
    /// The directory commands run in (default: the current one).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Log only errors.
    #[arg(short, long)]
    quiet: bool,
}

/// What every connection's thread needs.
struct Shared {
    classic: bool,
    codec: Codec,
    policy: Policy,
    limits: Limits,
    dir: PathBuf,
    quiet: bool,
    /// Connections being served now (for --max-clients and shutdown).
    active: Mutex<usize>,
    /// Signalled each time a connection ends, for the shutdown to wait on.
    ended: Condvar,
    /// Set by Ctrl-C (which also wakes `accept`): connections waiting for a request hang
    /// up; running commands finish.
    stop: Arc<Stop>,
}

impl Shared {
    /// The count of active connections. It is a plain number, so a thread that panicked
    /// while holding the lock cannot have left it half-changed: a poisoned lock is used
    /// as it is.
    fn active(&self) -> MutexGuard<'_, usize> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
    let shared = Arc::new(Shared {
        classic: args.classic,
        codec: Codec::new(header, MAX_REQUEST),
        policy: Policy::new(args.allow).inside(&dir),
        limits: Limits {
            max_output,
            timeout: Duration::from_secs(args.timeout),
        },
        dir,
        quiet: args.quiet,
        active: Mutex::new(0),
        ended: Condvar::new(),
        stop: Arc::new(Stop::new(addr)),
    });

    // Ready for Ctrl-C before anyone is told the server is up.
    let stop = Arc::clone(&shared.stop);
    ctrlc::set_handler(move || {
        stop.request();
    })
    .context("installing the Ctrl-C handler")?;
    println!("listening on {addr}");
    std::io::stdout().flush()?;
    if !shared.quiet {
        eprintln!(
            "cmd-server: {} protocol, header {}, allowed: {}",
            if shared.classic { "classic" } else { "framed" },
            shared.codec.header(),
            shared.policy.allowed().join(" ")
        );
    }

    // 4. accept, one thread per client.
    for conn in listener.incoming() {
        if shared.stop.is_requested() {
            break; // the wake-up connection of Ctrl-C, or a client arriving as we stop
        }
        let stream = match conn {
            Ok(stream) => stream,
            Err(e) => {
                // A client that vanished between SYN and accept: not the server's problem.
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let peer = stream
            .peer_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        {
            let mut active = shared.active();
            if *active >= args.max_clients {
                drop(active);
                turn_away(stream, &shared, peer);
                continue;
            }
            *active += 1;
        }
        let guard = ActiveGuard(Arc::clone(&shared));
        let spawned = std::thread::Builder::new().spawn(move || {
            // The guard gives the slot back when the thread ends, even by a panic.
            let shared = &guard.0;
            if !shared.quiet {
                eprintln!("{} connected", Peer(peer));
            }
            match serve(stream, shared, peer) {
                Err(e) => eprintln!("{} error: {e:#}", Peer(peer)),
                Ok(()) if !shared.quiet => eprintln!("{} closed", Peer(peer)),
                Ok(()) => {}
            }
        });
        if let Err(e) = spawned {
            // Out of threads: this client is dropped (the guard went with the closure).
            eprintln!("{} dropped: cannot start a thread: {e}", Peer(peer));
        }
    }
    // No new connections from here on: the kernel refuses them instead of queueing
    // them for a server that will never accept.
    drop(listener);

    // Stopping: no new clients. Connections waiting for a request hang up within POLL;
    // give running commands a bounded time to finish. Each ending connection wakes us.
    let (left, _) = shared
        .ended
        .wait_timeout_while(shared.active(), SHUTDOWN_GRACE, |active| *active > 0)
        .unwrap_or_else(PoisonError::into_inner);
    eprintln!(
        "cmd-server: stopped ({} still open were dropped)",
        plural(*left as u64, "connection")
    );
    Ok(())
}

/// Counts a connection as active for as long as it lives.
struct ActiveGuard(Arc<Shared>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        *self.0.active() -= 1;
        self.0.ended.notify_all();
    }
}

/// Too many clients: say so (framed mode) and hang up.
fn turn_away(mut stream: TcpStream, shared: &Shared, peer: SocketAddr) {
    eprintln!(
        "{} turned away: already serving the maximum number of clients",
        Peer(peer)
    );
    if !shared.classic {
        let reply = Reply::refused("server busy: too many clients, try again later");
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = shared.codec.write_frame(&mut stream, &reply.encode());
    }
}

/// 5-7. recv a command, run it, send the reply; until the client closes.
fn serve(stream: TcpStream, shared: &Shared, peer: SocketAddr) -> Result<()> {
    // Reads wake up every POLL to look at the clock and at the stopping flag (see `waited`).
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    if shared.classic {
        serve_classic(stream, shared, peer)
    } else {
        serve_framed(stream, shared, peer)
    }
}

fn serve_framed(stream: TcpStream, shared: &Shared, peer: SocketAddr) -> Result<()> {
    let mut writer = stream.try_clone().context("cloning the socket")?;
    let mut reader = FrameReader::new(stream, shared.codec.clone());
    // Replies may be larger than requests: two outputs at most, plus the reply header.
    let reply_codec = Codec::new(shared.codec.header().clone(), usize::MAX);
    let mut last_request = Instant::now();
    loop {
        let request = match reader.read_frame() {
            Ok(Some(request)) => request,
            Ok(None) => return Ok(()),
            // The POLL read timeout: nothing lost (the reader keeps a partial frame and
            // resumes), so look up and go on waiting, unless it is time to hang up.
            Err(FrameError::Io(e)) if is_timeout(&e) => {
                waited(shared, last_request)?;
                continue;
            }
            Err(FrameError::Io(e)) => return Err(e.into()),
            Err(e) => {
                // A broken frame leaves no way to find the next one: explain, then hang up.
                let reply = Reply::refused(&format!("bad request: {e}"));
                let _ = reply_codec.write_frame(&mut writer, &reply.encode());
                return Err(e.into());
            }
        };
        last_request = Instant::now();
        let reply = execute(&request, shared, peer);
        reply_codec
            .write_frame(&mut writer, &reply.encode())
            .context("sending the reply")?;
    }
}

/// A read timeout shows up as WouldBlock (Linux) or TimedOut (Windows).
fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// After a POLL read timeout: an error (hang up) if the server is stopping or the client
/// has sent no complete request for IDLE_TIMEOUT; `Ok` to keep waiting.
fn waited(shared: &Shared, last_request: Instant) -> Result<()> {
    if shared.stop.is_requested() {
        anyhow::bail!("the server is stopping: hanging up (no command was running)");
    }
    if last_request.elapsed() >= IDLE_TIMEOUT {
        anyhow::bail!(
            "no complete request for {} s: hanging up",
            IDLE_TIMEOUT.as_secs()
        );
    }
    Ok(())
}

fn serve_classic(mut stream: TcpStream, shared: &Shared, peer: SocketAddr) -> Result<()> {
    let mut buf = [0u8; 1024];
    let mut last_request = Instant::now();
    loop {
        // The course reads the command with one recv(1024): its boundary is wherever
        // the read happens to end (the sticky-packet problem, left as the course has it).
        let n = match stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if is_timeout(&e) => {
                waited(shared, last_request)?;
                continue;
            }
            Err(e) => return Err(e).context("reading a command"),
        };
        if n == 0 {
            return Ok(());
        }
        last_request = Instant::now();
        let reply = execute(&buf[..n], shared, peer);
        let mut body = reply.stdout;
        body.extend_from_slice(&reply.stderr);
        let frame = match shared.codec.encode(&body) {
            Ok(frame) => frame,
            // Output too big for the header: send the most it can describe.
            Err(_) => {
                let max = usize::try_from(shared.codec.header().max_len()).unwrap_or(usize::MAX);
                body.truncate(max);
                shared.codec.encode(&body)?
            }
        };
        stream.write_all(&frame).context("sending the reply")?;
    }
}

/// Checks and runs one command line, returning the reply (a refusal explains itself).
fn execute(request: &[u8], shared: &Shared, peer: SocketAddr) -> Reply {
    let reply = match std::str::from_utf8(request) {
        Err(_) => Reply::refused("the command is not valid UTF-8"),
        Ok(line) => match framing::argv::split(line.trim()) {
            Err(e) => Reply::refused(&format!("cannot read the command: {e}")),
            Ok(argv) => match shared.policy.check(&argv) {
                Err(refused) => Reply::refused(&format!("refused: {refused}")),
                Ok(()) => Reply::from_output(runner::run(&argv, &shared.dir, shared.limits)),
            },
        },
    };
    if !shared.quiet {
        // Escaped: a client must not be able to write fake log lines or terminal codes.
        eprintln!(
            "{} $ {} -> {}, {} + {} bytes",
            Peer(peer),
            String::from_utf8_lossy(request).trim().escape_debug(),
            reply.describe(),
            reply.stdout.len(),
            reply.stderr.len()
        );
    }
    reply
}
