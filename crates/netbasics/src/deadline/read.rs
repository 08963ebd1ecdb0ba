//! Reading a message from a socket against a deadline.
//!
//! A read timeout (`SO_RCVTIMEO`, [`TcpStream::set_read_timeout`]) bounds one `read`, not a
//! message: a peer that sends one byte just before each timeout keeps the reader going for
//! ever, and a reader that counts timeouts counts wrong whenever bytes trickle in.
//! [`TimedReader`] keeps the deadline as an [`Instant`] instead. Before every read it sets
//! the socket's timeout to the time left (and to at most `poll`, so that a caller can look
//! up in between, say to see whether the server is stopping); once the deadline has
//! passed, a read fails with [`ErrorKind::TimedOut`] carrying [`Expired`].
//!
//! A message has two deadlines: one for it to *start* (its first byte), and, once it has,
//! one for the whole of it. A server waits minutes for a client to type its next command,
//! but a request that has begun should be over in moments.

use std::borrow::Borrow;
use std::fmt;
use std::io::{self, ErrorKind, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The error inside a read that failed because its deadline had passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// Whether the message had started (its first byte had arrived).
    pub started: bool,
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.started {
            f.write_str("the message did not end in time")
        } else {
            f.write_str("no message came in time")
        }
    }
}

impl std::error::Error for Expired {}

/// The [`Expired`] inside `error`, when a [`TimedReader`]'s deadline caused it.
pub fn expired(error: &io::Error) -> Option<Expired> {
    error.get_ref()?.downcast_ref::<Expired>().copied()
}

/// Reads from a TCP socket (owned, borrowed or shared: anything that
/// [`Borrow`]s a [`TcpStream`]) until a deadline.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{TcpListener, TcpStream};
/// use std::time::{Duration, Instant};
/// use netbasics::deadline::{expired, TimedReader};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut peer = TcpStream::connect(listener.local_addr()?)?;
/// let (stream, _) = listener.accept()?;
///
/// // The message must start at once, and end within a minute of its first byte.
/// let mut reader = TimedReader::new(&stream, None);
/// reader.expect(Instant::now(), Some(Duration::from_secs(60)));
/// let err = reader.read(&mut [0; 8]).unwrap_err(); // nothing came: too late already
/// assert_eq!(expired(&err).map(|e| e.started), Some(false));
///
/// reader.expect(Instant::now() + Duration::from_secs(60), None);
/// peer.write_all(b"hi")?;
/// let mut buf = [0; 8];
/// assert_eq!(reader.read(&mut buf)?, 2);
/// assert!(reader.started().is_some());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TimedReader<S> {
    stream: S,
    /// When the wait for the message's first byte ends.
    start_by: Instant,
    /// How long the message may take once its first byte has come (`None`: `start_by`
    /// bounds the whole of it).
    whole: Option<Duration>,
    /// When the first byte of the message came.
    started: Option<Instant>,
    /// The longest one read may wait, so the caller gets control back that often.
    poll: Option<Duration>,
}

impl<S: Borrow<TcpStream>> TimedReader<S> {
    /// Reads from `stream`, each read waiting at most `poll` (if given). Until
    /// [`expect`](Self::expect) is called, a read fails at once: there is no deadline yet.
    pub fn new(stream: S, poll: Option<Duration>) -> TimedReader<S> {
        TimedReader {
            stream,
            start_by: Instant::now(),
            whole: None,
            started: None,
            poll,
        }
    }

    /// Waits for a new message: its first byte by `start_by`, then all of it within
    /// `whole` of that first byte (or by `start_by` too, when `whole` is `None`).
    pub fn expect(&mut self, start_by: Instant, whole: Option<Duration>) {
        self.start_by = start_by;
        self.whole = whole;
        self.started = None;
    }

    /// Counts the message as started now (its first bytes came with the previous one and
    /// are waiting in a buffer above this reader).
    pub fn mark_started(&mut self) {
        self.started.get_or_insert_with(Instant::now);
    }

    /// When the message's first byte came, if it has.
    pub fn started(&self) -> Option<Instant> {
        self.started
    }

    /// When the current wait ends.
    pub fn deadline(&self) -> Instant {
        match (self.started, self.whole) {
            (Some(started), Some(whole)) => started + whole,
            _ => self.start_by,
        }
    }

    /// The socket.
    pub fn get_ref(&self) -> &TcpStream {
        self.stream.borrow()
    }
}

impl<S: Borrow<TcpStream>> TimedReader<S> {
    fn expired(&self) -> io::Error {
        let started = self.started.is_some();
        io::Error::new(ErrorKind::TimedOut, Expired { started })
    }
}

impl<S: Borrow<TcpStream>> Read for TimedReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(left) = super::time_left(self.deadline()) else {
                return Err(self.expired());
            };
            let wait = self.poll.map_or(left, |poll| poll.min(left));
            let mut stream = self.stream.borrow();
            stream.set_read_timeout(Some(wait))?;
            match stream.read(buf) {
                Ok(n) => {
                    if n > 0 {
                        self.mark_started();
                    }
                    return Ok(n);
                }
                // The socket's timeout (WouldBlock on Linux, TimedOut on Windows): the
                // deadline, a poll (the caller looks up and reads again), or a timer
                // that fired a little early (read on).
                Err(e) if super::is_timeout(&e) => {
                    if Instant::now() >= self.deadline() {
                        return Err(self.expired());
                    }
                    if self.poll.is_some() {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use e2e::tcp_pair as pair;
    use std::io::Write;

    #[test]
    fn a_started_message_gets_its_own_deadline() {
        let (mut peer, stream) = pair();
        let mut reader = TimedReader::new(&stream, None);
        // A long wait for the start, no time at all for the rest.
        reader.expect(
            Instant::now() + Duration::from_secs(60),
            Some(Duration::ZERO),
        );
        peer.write_all(b"a").unwrap();
        assert_eq!(reader.read(&mut [0; 4]).unwrap(), 1);
        let err = reader.read(&mut [0; 4]).unwrap_err();
        assert_eq!(expired(&err), Some(Expired { started: true }));
        // A new message: the start deadline again.
        reader.expect(
            Instant::now() + Duration::from_secs(60),
            Some(Duration::ZERO),
        );
        assert!(reader.started().is_none());
        assert!(reader.deadline() > Instant::now());
    }

    #[test]
    fn a_poll_returns_control_without_expiring() {
        let (_peer, stream) = pair();
        let mut reader = TimedReader::new(&stream, Some(Duration::from_millis(1)));
        reader.expect(Instant::now() + Duration::from_secs(60), None);
        let err = reader.read(&mut [0; 4]).unwrap_err();
        assert!(expired(&err).is_none(), "a poll, not the deadline: {err}");
        assert!(matches!(
            err.kind(),
            ErrorKind::WouldBlock | ErrorKind::TimedOut
        ));
    }

    #[test]
    fn without_polls_the_deadline_ends_the_read() {
        let (_peer, stream) = pair();
        let mut reader = TimedReader::new(&stream, None);
        reader.expect(Instant::now() + Duration::from_millis(1), None);
        let err = reader.read(&mut [0; 4]).unwrap_err();
        assert_eq!(expired(&err), Some(Expired { started: false }));
    }

    #[test]
    fn other_errors_are_not_expiries() {
        assert!(expired(&io::Error::from(ErrorKind::TimedOut)).is_none());
        assert!(expired(&io::Error::other("x")).is_none());
    }
}
