//! One run of `tcp-trace`: capture, follow, draw, until it is time to stop.
//!
//! The loop reads a frame (or times out after a few milliseconds), turns it into a
//! [`Segment`], lets the [`Tracker`] place it in its connection and prints its line.
//! Between frames it looks at what decides the end:
//!
//! - Ctrl-C (the `stop` flag);
//! - `--count N`: N connections have ended (a command still running then is stopped);
//! - with a command: the command has exited, and every connection followed has ended
//!   (FIN both ways and the last ACK, or RST), or the grace period after the exit (2 s
//!   by default) is over, whichever comes first. The end is checked when no frame is
//!   waiting, so the last segments of the command's connections are never left unread
//!   in the socket's queue (under a steady stream of other traffic, every 50 ms, and
//!   not before 200 ms after the exit).
//!
//! The command (see [`super::command`]) is started only after the ready line is printed;
//! `tcp-trace` exits with its exit code. When the trace ends first (Ctrl-C, or an error),
//! the command is stopped: it never outlives the trace. `Lifetime` holds the command
//! and these end conditions for both [`run`] and [`run_states_only`].
//!
//! With `--states` the socket table is read whenever no frame is waiting (every few
//! milliseconds when all is quiet), and each side's state changes are printed among the
//! segments. Reading it only when the segments are all drawn keeps a state from being
//! printed before the segments that led to it (the table is *now*; a queued frame is
//! the past). After a connection ends, the table is watched a little longer (at most
//! half a second) until each side is in TIME_WAIT or gone, and the states left are
//! printed.

use std::ffi::OsString;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::command::{start, Running};

use super::capture::{Capture, CaptureError};
use super::conversation::{Conversation, Side};
use super::diagram::{self, Ending};
use super::segment::Segment;
use super::states::{self, StateWatch, TcpState};
use super::tracker::Observed;
use super::tracker::Tracker;

/// How long a read waits for a frame before the loop looks at everything else.
const POLL: Duration = Duration::from_millis(5);
/// How often the end conditions and the socket table are looked at while frames keep
/// coming (of other connections on `lo`, say).
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// After the command's exit, how long until every frame it caused is surely read, when
/// the queue is never seen empty.
const DRAIN: Duration = Duration::from_millis(200);
/// How long, after a connection ends, the socket table is watched for its last states.
const SETTLE: Duration = Duration::from_millis(500);

/// What to trace and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only connections to or from this port.
    pub port: Option<u16>,
    /// Stop after this many connections have ended.
    pub count: Option<usize>,
    /// Show the sequence numbers on the wire beside the relative ones.
    pub raw_seq: bool,
    /// Show each side's state from the kernel's socket table.
    pub states: bool,
    /// The command to run and trace (empty: trace until Ctrl-C or `count`).
    pub command: Vec<OsString>,
    /// How long to wait, after the command exits, for its connections to finish.
    pub grace: Duration,
}

/// Why a trace failed.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The packet socket could not be opened.
    #[error(transparent)]
    Capture(#[from] CaptureError),
    /// Reading a frame failed.
    #[error("reading a frame")]
    Read(#[source] io::Error),
    /// The command could not be started or waited for.
    #[error("running {command}")]
    Command {
        /// The command's name.
        command: String,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// The socket table could not be read.
    #[error("reading the socket table (/proc/net/tcp)")]
    States(#[source] io::Error),
    /// Writing the diagram failed (a closed pipe, say).
    #[error("writing the diagram")]
    Output(#[source] io::Error),
}

/// Prints one line and flushes it, in one write (so a command's output, going to the
/// same terminal, is never cut into the middle of a line).
fn say(out: &mut dyn Write, line: &str) -> Result<(), TraceError> {
    out.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| out.flush())
        .map_err(TraceError::Output)
}

/// The command being traced and the conditions that end a trace, shared by [`run`] and
/// [`run_states_only`].
struct Lifetime {
    command: Option<Running>,
    count: Option<usize>,
    grace: Duration,
    /// `--count` was reached while the command was still running.
    count_reached: bool,
}

impl Lifetime {
    /// Starts the command, if there is one.
    fn start(options: &Options) -> Result<Lifetime, TraceError> {
        Ok(Lifetime {
            command: start(&options.command)?,
            count: options.count,
            grace: options.grace,
            count_reached: false,
        })
    }

    /// Whether `ended` connections are what `--count` asked for.
    fn count_reached(&mut self, ended: usize) -> bool {
        self.count_reached = self.count.is_some_and(|count| ended >= count);
        self.count_reached
    }

    /// When the command exited, if there is one and it has.
    fn exited(&mut self) -> Result<Option<Instant>, TraceError> {
        match self.command.as_mut() {
            Some(command) => command.exited(),
            None => Ok(None),
        }
    }

    /// Whether the trace is over after the command's exit at `at`: `settled`, every
    /// connection followed has ended and every frame the command caused is read, or the
    /// grace period is over.
    fn over_after_exit(&self, at: Instant, settled: bool) -> bool {
        settled || at.elapsed() > self.grace
    }

    /// The exit code: the command's, stopping it first if it still runs (Ctrl-C);
    /// 0 without a command, or when `--count` was reached and the command was stopped
    /// for it.
    fn finish(mut self) -> Result<i32, TraceError> {
        let Some(mut command) = self.command.take() else {
            return Ok(0);
        };
        let ran_to_its_end = command.exited()?.is_some();
        let code = command.finish()?;
        Ok(if self.count_reached && !ran_to_its_end {
            0
        } else {
            code
        })
    }
}

/// Traces until it is time to stop (see the module's docs) and returns the exit code:
/// the command's, or 0.
pub fn run(options: &Options, out: &mut dyn Write, stop: &AtomicBool) -> Result<i32, TraceError> {
    let mut capture = Capture::open(options.port, POLL)?;
    say(out, &diagram::ready_line(options.port))?;
    if options.states {
        say(out, diagram::STATES_LEGEND)?;
    }
    // Dropped on every way out, `?` included: the command is stopped then too.
    let mut lifetime = Lifetime::start(options)?;
    let mut tracker = Tracker::new(options.port);
    let mut watch = StateWatch::new();
    let mut ended = 0;
    let mut last_look = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        let frame = capture.next_frame().map_err(TraceError::Read)?;
        let quiet = frame.is_none();
        let observed = frame
            .and_then(|frame| Segment::from_frame(frame).ok())
            .and_then(|segment| tracker.observe(&segment));
        if let Some(observed) = observed {
            if draw(&observed, options, &mut watch, out)? {
                ended += 1;
                if lifetime.count_reached(ended) {
                    break;
                }
            }
        }
        // The end conditions and the socket table are looked at when no frame is waiting
        // (so every frame queued before is drawn), or every LOOK_EVERY under a steady
        // stream of other traffic.
        if quiet || last_look.elapsed() >= LOOK_EVERY {
            last_look = Instant::now();
            if let Some(at) = lifetime.exited()? {
                let drained = quiet || at.elapsed() >= DRAIN;
                if lifetime.over_after_exit(at, drained && tracker.active().is_empty()) {
                    break;
                }
            }
            if options.states {
                poll_states(&tracker, &mut watch, out)?;
            }
        }
    }
    for conversation in tracker.finish() {
        say(out, &diagram::footer(&conversation, Ending::TraceStopped))?;
    }
    lifetime.finish()
}

/// Prints what one segment meant: the footer of a connection it replaced, the header of
/// one it opened, its own line, and the footer of one it ended. Returns whether it ended
/// one.
fn draw(
    observed: &Observed,
    options: &Options,
    watch: &mut StateWatch,
    out: &mut dyn Write,
) -> Result<bool, TraceError> {
    if let Some(old) = &observed.replaced {
        say(out, &diagram::footer(old, Ending::Replaced))?;
    }
    if let Some((client, server)) = observed.opened {
        say(
            out,
            &diagram::header(observed.shown.conversation, client, server),
        )?;
    }
    say(
        out,
        &diagram::segment_line(&observed.shown, options.raw_seq),
    )?;
    let Some(conversation) = &observed.ended else {
        return Ok(false);
    };
    if options.states {
        settle(watch, conversation, out)?;
    }
    say(out, &diagram::footer(conversation, Ending::Ended))?;
    if options.states {
        let seen = |side| watch.seen(conversation.id, side);
        let line = diagram::states_left(conversation.id, seen(Side::Client), seen(Side::Server));
        say(out, &line)?;
    }
    Ok(true)
}

/// Reads the socket table and prints the state changes of the connections followed.
fn poll_states(
    tracker: &Tracker,
    watch: &mut StateWatch,
    out: &mut dyn Write,
) -> Result<(), TraceError> {
    let table = states::read_tables().map_err(TraceError::States)?;
    for conversation in tracker.active() {
        for change in watch.changes(
            &table,
            conversation.id,
            conversation.client,
            conversation.server,
        ) {
            say(out, &diagram::state_line(&change))?;
        }
    }
    Ok(())
}

/// After a connection ended: watches its two sockets until each is in TIME_WAIT or gone
/// (at most [`SETTLE`]), printing what changes.
fn settle(
    watch: &mut StateWatch,
    conversation: &Conversation,
    out: &mut dyn Write,
) -> Result<(), TraceError> {
    let (id, client, server) = (conversation.id, conversation.client, conversation.server);
    let until = Instant::now() + SETTLE;
    loop {
        let table = states::read_tables().map_err(TraceError::States)?;
        for change in watch.changes(&table, id, client, server) {
            say(out, &diagram::state_line(&change))?;
        }
        let settled = [Side::Client, Side::Server]
            .iter()
            .all(|&side| matches!(watch.last(id, side), None | Some(TcpState::TimeWait)));
        if settled || Instant::now() >= until {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The trace without a packet socket (no `CAP_NET_RAW`): only what the socket table,
/// readable by everyone, shows. Connections are those that appear in the table after
/// the start (listeners aside); the server is the side on `--port`, or else the side
/// whose port has a listening socket. Ends as [`run`] does.
pub fn run_states_only(
    options: &Options,
    out: &mut dyn Write,
    stop: &AtomicBool,
) -> Result<i32, TraceError> {
    let read = || states::read_tables().map_err(TraceError::States);
    let before: Vec<(SocketAddr, SocketAddr)> =
        read()?.iter().map(|e| (e.local, e.remote)).collect();
    let port = match options.port {
        Some(port) => format!("port {port}"),
        None => "every TCP port".to_string(),
    };
    say(
        out,
        &format!("watching the socket table ({port}); no segments without CAP_NET_RAW"),
    )?;
    say(out, diagram::STATES_LEGEND)?;
    let mut lifetime = Lifetime::start(options)?;
    let mut watch = StateWatch::new();
    // Each connection: its number, client, server, and whether it is over.
    let mut connections: Vec<(usize, SocketAddr, SocketAddr, bool)> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        // Has the command exited? Asked before the table is read, so that a connection
        // made and closed just before the exit is still found in this reading.
        let exited = lifetime.exited()?;
        let table = read()?;
        for entry in &table {
            let known = connections.iter().any(|&(_, c, s, _)| {
                (c, s) == (entry.local, entry.remote) || (s, c) == (entry.local, entry.remote)
            });
            let matches = options.port.map_or(true, |p| {
                entry.local.port() == p || entry.remote.port() == p
            });
            if entry.state == TcpState::Listen
                || known
                || !matches
                || before.contains(&(entry.local, entry.remote))
            {
                continue;
            }
            let local_is_server = match options.port {
                Some(p) => entry.local.port() == p,
                None => table
                    .iter()
                    .any(|l| l.state == TcpState::Listen && l.local.port() == entry.local.port()),
            };
            let (client, server) = if local_is_server {
                (entry.remote, entry.local)
            } else {
                (entry.local, entry.remote)
            };
            let id = connections.len() + 1;
            connections.push((id, client, server, false));
            say(
                out,
                &format!("#{id} client {client} -> server {server} (socket table only)"),
            )?;
        }
        for (id, client, server, over) in connections.iter_mut().filter(|c| !c.3) {
            for change in watch.changes(&table, *id, *client, *server) {
                say(out, &diagram::state_line(&change))?;
            }
            let left = |side| watch.last(*id, side);
            if [Side::Client, Side::Server]
                .iter()
                .all(|&side| matches!(left(side), None | Some(TcpState::TimeWait)))
            {
                *over = true;
                let seen = |side| watch.seen(*id, side);
                say(
                    out,
                    &diagram::states_left(*id, seen(Side::Client), seen(Side::Server)),
                )?;
            }
        }
        let ended = connections.iter().filter(|c| c.3).count();
        if lifetime.count_reached(ended) {
            break;
        }
        if let Some(at) = exited {
            if lifetime.over_after_exit(at, ended == connections.len()) {
                break;
            }
        }
        std::thread::sleep(POLL);
    }
    lifetime.finish()
}
