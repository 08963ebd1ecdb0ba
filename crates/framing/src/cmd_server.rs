//! The remote-command server's loop, behind the `cmd-server` program.
//!
//! The course's server accepts a client, then `recv`s a command, runs it with
//! `subprocess.Popen(cmd, shell=True)` and sends `struct.pack('i', len) + output`, over
//! and over. [`run`] keeps those steps and makes each safe:
//!
//! 1. **accept** (step 4), one thread per client, at most [`Settings::max_clients`]; one
//!    more is told "busy" (framed mode) and closed;
//! 2. **read a request frame** through a [`FrameReader`] (the cure for sticky packets works
//!    both ways), at most [`MAX_REQUEST`] bytes; a broken frame is answered, then the
//!    connection is closed, since there is no way to find where the next one starts;
//! 3. **split it into words without a shell** ([`crate::argv`]), **check them against the
//!    allow-list** ([`crate::policy`]) and **run the command with limits**
//!    ([`crate::runner`]);
//! 4. **send one reply frame** that keeps stdout, stderr and the exit status apart
//!    ([`crate::reply`]).
//!
//! With [`Settings::classic`] it speaks the course's own protocol instead (the request is
//! the raw command text, the reply a length header and stdout+stderr), so the course's
//! Python client works unchanged.
//!
//! Why several clients at once, before lesson 7 teaches it: a remote shell that served
//! one client at a time would let one silent client lock everyone else out. Here that
//! costs a thread each and a counter; lesson 7 does it with a pool, backpressure and
//! panic isolation.
//!
//! A stop ([`Stop::request`], from a Ctrl-C handler) wakes the blocked `accept`, as in
//! every server of the workspace; clients waiting between commands hang up within
//! [`POLL`]; running commands get [`SHUTDOWN_GRACE`] to finish.

use crate::frame::{Codec, FrameError, FrameReader};
use crate::policy::Policy;
use crate::reply::Reply;
use crate::runner::{self, Limits};
use anyhow::{Context, Result};
use netbasics::cli::Peer;
use netbasics::stop::Stop;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest command line accepted (framed mode): commands are short; anything longer is
/// a confused or hostile client.
pub const MAX_REQUEST: usize = 4096;
/// How long a connected client may go without sending a complete request before the
/// server hangs up. It counts from the last complete request, not from the last byte, so a
/// client that trickles one byte at a time cannot keep its thread for ever.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// How often a thread waiting for a client's next request looks up to see whether the
/// server is stopping: a blocked `read` cannot be interrupted, but a read timeout ends it.
pub const POLL: Duration = Duration::from_secs(1);
/// How long a reply may take to leave (a client that never reads must not hold a thread).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Ctrl-C waits for commands that are still running.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// How the server serves: the command line's choices.
#[derive(Debug)]
pub struct Settings {
    /// Speak the course's protocol: raw command text in, a length header and stdout +
    /// stderr out.
    pub classic: bool,
    /// The length header and the longest request ([`MAX_REQUEST`] is the usual limit).
    pub codec: Codec,
    /// The allow-list.
    pub policy: Policy,
    /// Each command's output and time limits.
    pub limits: Limits,
    /// The directory commands run in.
    pub dir: PathBuf,
    /// How many clients may be connected at once; more are turned away.
    pub max_clients: usize,
    /// Log only errors.
    pub quiet: bool,
}

/// What every connection's thread needs.
struct Shared {
    settings: Settings,
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

/// Serves clients on `listener` until `stop` is requested, then waits up to
/// [`SHUTDOWN_GRACE`] for the connections still open. Returns how many were still open
/// (and are dropped when the program ends).
///
/// # Examples
///
/// ```
/// use std::net::TcpStream;
/// use std::sync::Arc;
/// use framing::cmd_server::{run, Settings, MAX_REQUEST};
/// use framing::frame::Codec;
/// use framing::header::LengthHeader;
/// use framing::policy::Policy;
/// use framing::reply::Reply;
/// use framing::runner::Limits;
/// use netbasics::stop::Stop;
///
/// let listener = netbasics::listener::listen("127.0.0.1:0".parse()?)?; // 1-3
/// let stop = Arc::new(Stop::new(listener.local_addr()?));
/// let dir = std::env::temp_dir();
/// let codec = Codec::new(LengthHeader::parse("!I")?, MAX_REQUEST);
/// let settings = Settings {
///     classic: false,
///     codec: codec.clone(),
///     policy: Policy::new(Vec::new()).inside(&dir),
///     limits: Limits { max_output: 1 << 20, timeout: std::time::Duration::from_secs(5) },
///     dir,
///     max_clients: 4,
///     quiet: true,
/// };
/// let addr = listener.local_addr()?;
/// let server = {
///     let stop = Arc::clone(&stop);
///     std::thread::spawn(move || run(listener, stop, settings))
/// };
///
/// let mut client = TcpStream::connect(addr)?;
/// codec.write_frame(&mut client, b"echo hi; rm -rf ~")?; // no shell: `;` is a character
/// let reply = Codec::new(LengthHeader::parse("!I")?, usize::MAX).read_frame(&mut client)?;
/// let reply = Reply::decode(&reply.expect("a reply frame"))?;
/// assert_eq!(reply.stdout, b"hi; rm -rf ~\n");
/// drop(client);
///
/// stop.request(); // what Ctrl-C does
/// assert_eq!(server.join().unwrap(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(listener: TcpListener, stop: Arc<Stop>, settings: Settings) -> usize {
    let shared = Arc::new(Shared {
        settings,
        active: Mutex::new(0),
        ended: Condvar::new(),
        stop,
    });
    loop {
        // 4. accept, one thread per client. The client's address comes with the
        // connection: asked for later, it is gone if the client has already reset.
        let accepted = listener.accept();
        if shared.stop.is_requested() {
            break; // the wake-up connection of Ctrl-C, or a client arriving as we stop
        }
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // A client that vanished between SYN and accept: not the server's problem.
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        {
            let mut active = shared.active();
            if *active >= shared.settings.max_clients {
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
            if !shared.settings.quiet {
                eprintln!("{} connected", Peer(peer));
            }
            match serve(stream, shared, peer) {
                Err(e) => eprintln!("{} error: {e:#}", Peer(peer)),
                Ok(()) if !shared.settings.quiet => eprintln!("{} closed", Peer(peer)),
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
    *left
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
    if !shared.settings.classic {
        let reply = Reply::refused("server busy: too many clients, try again later");
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        let _ = shared
            .settings
            .codec
            .write_frame(&mut stream, &reply.encode());
    }
}

/// 5-7. recv a command, run it, send the reply; until the client closes.
fn serve(stream: TcpStream, shared: &Shared, peer: SocketAddr) -> Result<()> {
    // Reads wake up every POLL to look at the clock and at the stopping flag (see `waited`).
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    if shared.settings.classic {
        serve_classic(stream, shared, peer)
    } else {
        serve_framed(stream, shared, peer)
    }
}

fn serve_framed(stream: TcpStream, shared: &Shared, peer: SocketAddr) -> Result<()> {
    let mut writer = stream.try_clone().context("cloning the socket")?;
    let mut reader = FrameReader::new(stream, shared.settings.codec.clone());
    // Replies may be larger than requests: two outputs at most, plus the reply header.
    let reply_codec = Codec::new(shared.settings.codec.header().clone(), usize::MAX);
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
        let frame = match shared.settings.codec.encode(&body) {
            Ok(frame) => frame,
            // Output too big for the header: send the most it can describe.
            Err(_) => {
                let max =
                    usize::try_from(shared.settings.codec.header().max_len()).unwrap_or(usize::MAX);
                body.truncate(max);
                shared.settings.codec.encode(&body)?
            }
        };
        stream.write_all(&frame).context("sending the reply")?;
    }
}

/// Checks and runs one command line, returning the reply (a refusal explains itself).
fn execute(request: &[u8], shared: &Shared, peer: SocketAddr) -> Reply {
    let reply = match std::str::from_utf8(request) {
        Err(_) => Reply::refused("the command is not valid UTF-8"),
        Ok(line) => match crate::argv::split(line.trim()) {
            Err(e) => Reply::refused(&format!("cannot read the command: {e}")),
            Ok(argv) => match shared.settings.policy.check(&argv) {
                Err(refused) => Reply::refused(&format!("refused: {refused}")),
                Ok(()) => Reply::from_output(runner::run(
                    &argv,
                    &shared.settings.dir,
                    shared.settings.limits,
                )),
            },
        },
    };
    if !shared.settings.quiet {
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
