//! Server steps 5-6: receive and send, over and over, until the client closes.
//!
//! [`serve`] is the loop the course writes inside its `while True:`
//!
//! ```text
//! while True:
//!     recv_data = tcp_client_socket.recv(1024)      # 5. recv
//!     if recv_data:
//!         tcp_client_socket.send(recv_data)         # 6. send
//!     else:
//!         break                                     # b'': the client has closed
//! ```
//!
//! with what a server facing real clients also needs: a reply mode ([`Reply`]), a timeout
//! for clients that say nothing ([`Timeouts::idle`]), a deadline for each reply, for
//! clients that stop reading ([`Timeouts::write`]), a limit on the whole visit, for clients
//! that keep talking, slowly, for ever ([`Timeouts::visit`]), and a clear account of how
//! the conversation ended ([`ClientError`]).
//!
//! # What the timeouts bound, and what they do not
//!
//! The idle timeout is a read timeout: it restarts with every byte that arrives. A client
//! that sends one byte a second (a "trickling" client) is never idle, so with the idle
//! timeout alone it can hold this one-client-at-a-time server, and everyone waiting in the
//! backlog, for as long as it likes. Only a limit on the whole visit bounds it: with
//! [`Timeouts::visit`], every wait (for the next bytes, for room to send a reply) ends by
//! the end of the visit at the latest. Both kinds of limit are deadlines
//! ([`crate::deadline`]): moments, not lengths given to each system call anew.

use std::borrow::Cow;
use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use netbasics::deadline::{self, is_timeout, time_left, write_all_by};
use netbasics::text::Encoding;

use crate::upper::uppercase;
use netbasics::text::{Run, TextStream};

/// How many bytes one `recv` may return. The course uses 1024; a larger buffer means
/// fewer system calls when a lot arrives, and changes nothing else: `recv` returns what
/// is there, up to this many, never waiting to fill the buffer. Measured on loopback
/// (`cargo xtask bench tcp`), 256 KiB echoes bulk data about 1.3x as fast as 64 KiB.
pub const RECV_BUFFER: usize = 256 * 1024;

/// What the server answers to each piece it receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The same bytes, unchanged, whatever they are (even if they are not text).
    Echo,
    /// The text in upper case, in the same encoding (the course's socketserver example,
    /// done on characters rather than bytes: see [`crate::upper`]).
    Upper(Encoding),
    /// These bytes, whatever arrived (the course's servers that answer "收到！").
    Fixed(Vec<u8>),
}

/// The limits that keep one client from holding a single-threaded server forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a client may send nothing before the server hangs up. Every byte that
    /// arrives starts it again.
    pub idle: Duration,
    /// How long one reply may take to leave: a deadline for the whole reply, however many
    /// `send` calls it takes.
    ///
    /// An echo server writing to a client that does not read fills the client's receive
    /// buffer, then its own send buffer, and then `send` blocks: without a limit the
    /// server would wait forever, and every other client with it.
    pub write: Duration,
    /// How long the whole visit may last, from the first `recv` to the last `send`
    /// (`None`: as long as the client keeps talking). The one limit that bounds a client
    /// that trickles bytes slowly enough never to be idle.
    pub visit: Option<Duration>,
}

/// What happened during one client's visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many times `recv` returned data (not how many messages the client meant:
    /// TCP keeps no message boundaries).
    pub pieces: u64,
    /// Bytes received.
    pub received: u64,
    /// Bytes sent back.
    pub sent: u64,
}

/// How a conversation ended, when it did not end with the client closing.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The client's system answered with a reset (RST): the client closed with data still
    /// unread, crashed, or its machine dropped the connection.
    #[error("the client reset the connection ({0})")]
    Reset(#[source] io::Error),
    /// The client sent nothing for [`Timeouts::idle`].
    #[error("the client sent nothing for {} s: hung up", seconds(.0))]
    Idle(Duration),
    /// A reply could not be sent by its deadline ([`Timeouts::write`]): the client is not
    /// reading. The duration is how long the reply really waited.
    #[error(
        "the client stopped reading: a reply waited {:.1} s for room in the send buffer: hung up",
        .0.as_secs_f64()
    )]
    NotReading(Duration),
    /// The visit lasted [`Timeouts::visit`], its limit, and the client was still there.
    #[error("the connection reached its time limit of {} s: hung up", seconds(.0))]
    TimeLimit(Duration),
    /// Any other failure of the connection.
    #[error("{0}")]
    Io(#[source] io::Error),
}

/// A limit in seconds as the options give it: `3`, or `0.5` for a limit set in code.
fn seconds(limit: &Duration) -> String {
    if limit.subsec_nanos() == 0 {
        limit.as_secs().to_string()
    } else {
        format!("{:.1}", limit.as_secs_f64())
    }
}

/// How one client's visit ended: what was exchanged, and whether it ended cleanly.
#[derive(Debug)]
pub struct Outcome {
    /// What was exchanged before the end.
    pub summary: Summary,
    /// `Ok` when the client closed its side (recv returned 0 bytes); otherwise why the
    /// server gave up.
    pub result: Result<(), ClientError>,
}

/// Serves one connected client: steps 5 and 6 until the client closes.
///
/// Each piece that `recv` returns is first handed to `on_message` (the server logs it),
/// then answered as `reply` says. When `recv` returns 0 bytes the client has closed its
/// sending side (it called `close()` or `shutdown(SHUT_WR)`, and its FIN arrived after
/// all its data): nothing more will come, so the loop ends. Closing the socket (step 7)
/// is left to the caller, which owns it.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown, TcpListener, TcpStream};
/// use std::time::Duration;
/// use tcp_echo::echo::{serve, Reply, Timeouts};
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// client.write_all(b"hello").unwrap();
/// client.shutdown(Shutdown::Write).unwrap(); // "that was all"
///
/// let (stream, _) = listener.accept().unwrap();
/// let five = Duration::from_secs(5);
/// let timeouts = Timeouts { idle: five, write: five, visit: None };
/// let outcome = serve(&stream, &Reply::Echo, timeouts, |_| {});
/// assert!(outcome.result.is_ok());
/// assert_eq!(outcome.summary.received, 5);
/// drop(stream); // 7. close: the client's read_to_end below ends at our FIN
///
/// let mut echoed = Vec::new();
/// client.read_to_end(&mut echoed).unwrap();
/// assert_eq!(echoed, b"hello");
/// ```
pub fn serve(
    stream: &TcpStream,
    reply: &Reply,
    timeouts: Timeouts,
    mut on_message: impl FnMut(&[u8]),
) -> Outcome {
    let mut summary = Summary::default();
    let result = serve_loop(stream, reply, timeouts, &mut summary, &mut on_message);
    Outcome { summary, result }
}

fn serve_loop(
    mut stream: &TcpStream,
    reply: &Reply,
    timeouts: Timeouts,
    summary: &mut Summary,
    on_message: &mut dyn FnMut(&[u8]),
) -> Result<(), ClientError> {
    // The end of the whole visit, if it has one: no wait below goes past it.
    let visit = timeouts.visit.map(|limit| Visit {
        ends: deadline::after(limit),
        limit,
    });
    let mut responder = Responder::new(reply);
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        // 5. recv: wait until at least one byte is there, take up to RECV_BUFFER of them.
        //    A read timeout ends the wait after `idle` (or at the end of the visit, if
        //    that comes first): without one, a silent or vanished client would hold this
        //    single-threaded server, and everyone waiting in the backlog, forever.
        let wait = Wait::new(timeouts.idle, visit);
        let Some(left) = time_left(wait.deadline) else {
            return Err(wait.ran_out(ClientError::Idle(timeouts.idle)));
        };
        stream
            .set_read_timeout(Some(left))
            .map_err(ClientError::Io)?;
        let n = match stream.read(&mut buf) {
            Ok(0) => {
                // 0 bytes: the client's FIN. Answer whatever was still held back (the
                // start of a character that will now never be finished), then stop.
                let rest = responder.finish();
                send(stream, &rest, timeouts, visit, summary)?;
                return Ok(());
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if is_timeout(&e) => {
                // Nothing came in time: the client is idle, or its visit is over.
                return Err(wait.ran_out(ClientError::Idle(timeouts.idle)));
            }
            Err(e) => return Err(connection_error(e)),
        };
        let piece = &buf[..n];
        summary.pieces += 1;
        summary.received += n as u64;
        on_message(piece);

        // 6. send: all of it, not a single write. One send() may take only part of the
        //    bytes (Python's send() returns how many it took; sendall() loops).
        let answer = responder.answer(piece);
        send(stream, &answer, timeouts, visit, summary)?;
    }
}

/// Sends all of `bytes` (nothing if empty) by the reply's deadline, counting them.
fn send(
    stream: &TcpStream,
    bytes: &[u8],
    timeouts: Timeouts,
    visit: Option<Visit>,
    summary: &mut Summary,
) -> Result<(), ClientError> {
    if bytes.is_empty() {
        return Ok(());
    }
    // A deadline for the whole reply, not a timeout for each send() call: a reply the
    // client makes room for a little at a time must still be gone by then.
    let started = Instant::now();
    let wait = Wait::new(timeouts.write, visit);
    write_all_by(stream, bytes, wait.deadline).map_err(|e| {
        if is_timeout(&e) {
            wait.ran_out(ClientError::NotReading(started.elapsed()))
        } else {
            connection_error(e)
        }
    })?;
    summary.sent += bytes.len() as u64;
    Ok(())
}

/// The end of a visit with a time limit.
#[derive(Debug, Clone, Copy)]
struct Visit {
    ends: Instant,
    limit: Duration,
}

/// One wait of the loop (for the client's bytes, or for room to send): it ends after its
/// own timeout, or at the end of the visit if that comes first.
struct Wait {
    deadline: Instant,
    /// The visit's limit, when the end of the visit is what ends this wait.
    visit_limit: Option<Duration>,
}

impl Wait {
    fn new(own: Duration, visit: Option<Visit>) -> Wait {
        let own_deadline = deadline::after(own);
        match visit {
            Some(visit) if visit.ends <= own_deadline => Wait {
                deadline: visit.ends,
                visit_limit: Some(visit.limit),
            },
            _ => Wait {
                deadline: own_deadline,
                visit_limit: None,
            },
        }
    }

    /// Why the server gives up when this wait runs out: the visit's time limit, or
    /// `own`, the wait's own reason.
    fn ran_out(&self, own: ClientError) -> ClientError {
        match self.visit_limit {
            Some(limit) => ClientError::TimeLimit(limit),
            None => own,
        }
    }
}

/// Whether an error means the peer reset or abandoned the connection: a reset (RST)
/// arrived, or a `send` came after the peer had gone.
///
/// # Examples
///
/// ```
/// use std::io;
/// use tcp_echo::echo::is_reset;
///
/// assert!(is_reset(&io::ErrorKind::ConnectionReset.into()));
/// assert!(!is_reset(&io::ErrorKind::TimedOut.into()));
/// ```
pub fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// A failed `recv` or `send` that is not a timeout: a reset, or something else.
fn connection_error(e: io::Error) -> ClientError {
    if is_reset(&e) {
        ClientError::Reset(e)
    } else {
        ClientError::Io(e)
    }
}

/// A [`Reply`] with the state one connection needs (for `Upper`, the end of a character
/// cut between two pieces).
enum Responder<'a> {
    Echo,
    Upper(TextStream),
    Fixed(&'a [u8]),
}

impl<'a> Responder<'a> {
    fn new(reply: &'a Reply) -> Self {
        match reply {
            Reply::Echo => Responder::Echo,
            Reply::Upper(encoding) => Responder::Upper(TextStream::new(*encoding)),
            Reply::Fixed(bytes) => Responder::Fixed(bytes),
        }
    }

    /// The bytes to send for one piece received.
    fn answer<'p>(&mut self, piece: &'p [u8]) -> Cow<'p, [u8]>
    where
        'a: 'p,
    {
        match self {
            Responder::Echo => Cow::Borrowed(piece),
            Responder::Fixed(bytes) => Cow::Borrowed(bytes),
            Responder::Upper(stream) => {
                let encoding = stream.encoding();
                let runs = stream.push(piece);
                Cow::Owned(upper_runs(&runs, encoding))
            }
        }
    }

    /// The bytes still owed when the client closes.
    fn finish(&mut self) -> Vec<u8> {
        match self {
            Responder::Upper(stream) => {
                let encoding = stream.encoding();
                upper_runs(&stream.finish(), encoding)
            }
            Responder::Echo | Responder::Fixed(_) => Vec::new(),
        }
    }
}

/// Upper-cases the text runs; bad bytes go back as they came.
fn upper_runs(runs: &[Run], encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    for run in runs {
        match run {
            Run::Text { text, bytes } => out.extend(uppercase(text, bytes, encoding)),
            Run::Bad(bytes) => out.extend_from_slice(bytes),
        }
    }
    out
}

#[cfg(test)]
mod tests;
