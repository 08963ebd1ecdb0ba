//! The remote-command server's loop, behind the `cmd-server` program.
//!
//! The course's server accepts a client, then `recv`s a command, runs it with
//! `subprocess.Popen(cmd, shell=True)` and sends `struct.pack('i', len) + output`, over
//! and over. [`run`] keeps those steps and makes each safe:
//!
//! 1. **accept** (step 4), one thread per client, at most [`Settings::max_clients`]. When
//!    every slot is taken, the connection that has waited longest for its next request
//!    is hung up on to make room; only when every slot is running a command is the
//!    newcomer told "busy" (framed mode) and closed (`cmd_server/slots.rs`);
//! 2. **read a request frame** through a [`FrameReader`](crate::frame::FrameReader) (the
//!    cure for sticky packets works both ways), at most [`MAX_REQUEST`] bytes, within the
//!    connection's [`Deadlines`]; a broken frame is answered, then the connection is
//!    closed, since there is no way to find where the next one starts;
//! 3. **split it into words without a shell** ([`crate::argv`]), **check them against the
//!    allow-list** ([`crate::policy`]) and **run the command with limits**
//!    ([`crate::runner`]);
//! 4. **send one reply frame** that keeps stdout, stderr and the exit status apart
//!    ([`crate::reply`]).
//!
//! Steps 2-4 are one conversation per client, in `cmd_server/session.rs`. With
//! [`Settings::classic`] it speaks the course's own protocol instead (the request is the
//! raw command text, the reply a length header and stdout+stderr), so the course's Python
//! client works unchanged.
//!
//! Why several clients at once, before lesson 7 teaches it: a remote shell that served
//! one client at a time would let one silent client lock everyone else out. Here that
//! costs a thread each and a table of slots; lesson 7 does it with a pool, backpressure
//! and panic isolation.
//!
//! A stop ([`Stop::request`], from a Ctrl-C handler) wakes the blocked `accept`, as in
//! every server of the workspace; clients waiting between commands hang up within
//! [`POLL`]; running commands get [`SHUTDOWN_GRACE`] to finish.

mod session;
mod slots;

use crate::frame::Codec;
use crate::policy::Policy;
use crate::reply::Reply;
use crate::runner::Limits;
use netbasics::cli::Peer;
use netbasics::stop::Stop;
use session::End;
use slots::{Admission, Slots};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The longest command line accepted (framed mode): commands are short; anything longer is
/// a confused or hostile client.
pub const MAX_REQUEST: usize = 4096;
/// How long a new connection may take to start its first request, by default: a client
/// that connects says what it wants at once.
pub const FIRST_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request may take to arrive once its first byte has, by default: a command
/// line is a few bytes, so this only ends a client that trickles one now and then.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may think between a reply and its next request, by default.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How often a thread waiting for a client's next request looks up to see whether the
/// server is stopping (each read waits at most this long, then looks at the stop flag).
pub const POLL: Duration = Duration::from_secs(1);
/// How long the "busy" message may take to leave: the accepting thread writes it, and a
/// newcomer that does not read must not keep it from accepting.
const BUSY_WRITE_TIMEOUT: Duration = Duration::from_secs(1);
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
    /// How many clients may be connected at once (at least 1). A newcomer beyond that
    /// takes the slot of the connection idle the longest; it is turned away only when
    /// every slot is running a command.
    pub max_clients: usize,
    /// How long a connection may take at each step before the server hangs up.
    pub deadlines: Deadlines,
    /// Log only errors.
    pub quiet: bool,
}

/// How long a connection may take at each step, each counted on the clock from the
/// moment the step began (not in read timeouts, which a trickling client would reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// From connecting to the first byte of the first request.
    pub first_request: Duration,
    /// From the first byte of a request to its last (framed mode; in the course's
    /// protocol a request is whatever one read returns).
    pub request: Duration,
    /// From a reply to the first byte of the next request.
    pub idle: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            first_request: FIRST_REQUEST_TIMEOUT,
            request: REQUEST_TIMEOUT,
            idle: IDLE_TIMEOUT,
        }
    }
}

/// What every connection's thread needs.
struct Shared {
    settings: Settings,
    /// Set by Ctrl-C (which also wakes `accept`): connections waiting for a request hang
    /// up; running commands finish.
    stop: Arc<Stop>,
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
/// use framing::cmd_server::{run, Deadlines, Settings, MAX_REQUEST};
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
///     deadlines: Deadlines::default(),
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
    let slots = Slots::new(settings.max_clients.max(1));
    let shared = Arc::new(Shared { settings, stop });
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
                // Logged; a pause when retrying at once would fail the same way.
                netbasics::listener::after_accept_error("cmd-server", &e);
                continue;
            }
        };
        let stream = Arc::new(stream);
        let ticket = match slots.admit(peer, Arc::clone(&stream)) {
            Admission::Admitted(ticket) => ticket,
            Admission::MadeRoom {
                ticket,
                evicted,
                idle,
            } => {
                eprintln!(
                    "{} idle for {:.1} s with all {} taken: hanging up to make room for {}",
                    Peer(evicted),
                    idle.as_secs_f64(),
                    netbasics::cli::plural(slots.limit() as u64, "slot"),
                    Peer(peer)
                );
                ticket
            }
            Admission::Full => {
                turn_away(&stream, &shared, peer, slots.limit());
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new().spawn(move || {
            // The ticket gives the slot back when the thread ends, even by a panic.
            if !shared.settings.quiet {
                eprintln!("{} connected", Peer(peer));
            }
            let ended = session::serve(&stream, &ticket, &shared, peer);
            // Closed before the end is logged: whoever reads the log (a test, a person
            // about to type) may count on the connection being gone already. (The slot
            // table holds the socket too, until the ticket goes: so shut it down.)
            let _ = stream.shutdown(std::net::Shutdown::Both);
            if ticket.evicted() {
                return; // logged when its slot was given away
            }
            match ended {
                Err(e) => eprintln!("{} error: {e:#}", Peer(peer)),
                Ok(_) if shared.settings.quiet => {}
                Ok(End::Closed) => eprintln!("{} closed", Peer(peer)),
                Ok(End::HungUp(why)) => eprintln!("{} {why}", Peer(peer)),
            }
        });
        if let Err(e) = spawned {
            // Out of threads: this client is dropped (the ticket went with the closure).
            eprintln!("{} dropped: cannot start a thread: {e}", Peer(peer));
        }
    }
    // No new connections from here on: the kernel refuses them instead of queueing
    // them for a server that will never accept.
    drop(listener);

    // Stopping: no new clients. Connections waiting for a request hang up within POLL;
    // give running commands a bounded time to finish. Each ending connection wakes us.
    slots.wait_until_done(SHUTDOWN_GRACE)
}

/// Every slot is running a command: say so (framed mode) and hang up.
fn turn_away(stream: &TcpStream, shared: &Shared, peer: SocketAddr, limit: usize) {
    eprintln!(
        "{} turned away: all {} are running commands",
        Peer(peer),
        netbasics::cli::plural(limit as u64, "slot")
    );
    if !shared.settings.classic {
        let reply = Reply::refused("server busy: too many clients, try again later");
        // One deadline for the whole message: a newcomer that does not read cannot hold
        // the accepting thread longer than that.
        if let Ok(frame) = shared.settings.codec.encode(&reply.encode()) {
            let deadline = netbasics::deadline::after(BUSY_WRITE_TIMEOUT);
            let _ = netbasics::deadline::write_all_by(stream, &frame, deadline);
        }
    }
}
