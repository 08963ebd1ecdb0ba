//! Deadlines: a time limit for a whole task (a reply, a visit), not for each system call.
//!
//! A socket's timeouts (`SO_RCVTIMEO`, `SO_SNDTIMEO`; `set_read_timeout` and
//! `set_write_timeout` in Rust) limit **one** `recv` or `send` call. A reply larger than
//! the room in the send buffer takes several `send` calls, and each may wait the whole
//! timeout: `write_all` over a socket with a 3-second write timeout can wait 3 s, send a
//! little when the client reads a little, wait 3 s again, and so on. Even a client that
//! never reads holds it about twice as long as asked: the first `send` waits, copies what
//! fits and returns that part, and the second waits the whole timeout again.
//!
//! A **deadline** is a moment, not a length: "this reply must be sent by 10:00:03".
//! [`write_all_by`] keeps it by giving each `send` only the time that is left. Python's
//! `socket.sendall` has worked this way since Python 3.5 (with `settimeout`, the timeout
//! is "the maximum total duration to send all data"); Rust's `write_all` has no such
//! loop, so this is it.
//!
//! [`time_left`] is the other half, for reads: a server that allows a client a whole visit
//! of, say, 60 s gives each `recv` no more than what is left of those 60 s. [`TimedReader`]
//! (in `deadline/read.rs`) does that for a message read through a `Read`: a deadline for
//! its first byte, another for the whole of it once begun (lesson 3's `cmd-server`).
//!
//! It lives on the ground floor because every TCP server of the workspace writes replies
//! that must not wait for ever; lesson 5 (`tcp_echo::deadline`) is where it is taught.

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The farthest a deadline is set: a century is as good as never, and an absurd limit
/// (`--idle-timeout 18446744073709551615`) cannot overflow the clock's arithmetic.
const NEVER: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// The deadline `limit` from now (at most a century away).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use netbasics::deadline::after;
///
/// let start = Instant::now();
/// assert!(after(Duration::from_secs(3)) >= start + Duration::from_secs(3));
/// let _far = after(Duration::MAX); // no overflow: a century from now
/// ```
pub fn after(limit: Duration) -> Instant {
    Instant::now() + limit.min(NEVER)
}

/// The time from now until `deadline`, or `None` when it has passed.
///
/// `None` rather than a zero duration: a socket timeout of zero means "no timeout" to
/// the system (and Rust refuses it), never "give up at once".
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use netbasics::deadline::time_left;
///
/// let soon = Instant::now() + Duration::from_secs(60);
/// assert!(time_left(soon).is_some_and(|left| left <= Duration::from_secs(60)));
/// assert_eq!(time_left(Instant::now()), None); // now is already too late
/// ```
pub fn time_left(deadline: Instant) -> Option<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    (!left.is_zero()).then_some(left)
}

/// Sends all of `bytes` on `stream` before `deadline`, or fails.
///
/// Before each `send` the socket's write timeout is set to the time left, so the whole
/// write, however many calls it takes, ends by the deadline. When the deadline passes
/// first the error is of kind [`io::ErrorKind::TimedOut`]; how many bytes went out before
/// that is not said (as with Python's `sendall`): the caller gives up on the connection.
///
/// The socket's write timeout is left at whatever was last set: a later write on the same
/// socket should set its own (or go through this function again).
///
/// # Errors
///
/// [`io::ErrorKind::TimedOut`] when the deadline passes first (or had passed already, with
/// bytes to send); otherwise the connection's own error (a reset, a broken pipe).
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::{Duration, Instant};
/// use netbasics::deadline::write_all_by;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let mut client = TcpStream::connect(listener.local_addr()?)?;
/// let (server_side, _) = listener.accept()?;
///
/// write_all_by(&server_side, b"hello", Instant::now() + Duration::from_secs(5))?;
/// let mut got = [0u8; 5];
/// client.read_exact(&mut got)?;
/// assert_eq!(&got, b"hello");
///
/// // A deadline already past: nothing is sent.
/// let err = write_all_by(&server_side, b"late", Instant::now()).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_all_by(mut stream: &TcpStream, bytes: &[u8], deadline: Instant) -> io::Result<()> {
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some(left) = time_left(deadline) else {
            return Err(io::ErrorKind::TimedOut.into());
        };
        stream.set_write_timeout(Some(left))?;
        match stream.write(rest) {
            // The system took none of the bytes and said so without an error: it will
            // not take them later either.
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // A socket timeout is `WouldBlock` on Unix, `TimedOut` on Windows: one kind
            // for the caller, whatever the system.
            Err(e) if is_timeout(&e) => return Err(io::ErrorKind::TimedOut.into()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether an error is a socket timeout: `EAGAIN` on Unix, `WSAETIMEDOUT` on Windows.
///
/// # Examples
///
/// ```
/// use std::io;
/// use netbasics::deadline::is_timeout;
///
/// assert!(is_timeout(&io::ErrorKind::WouldBlock.into()));
/// assert!(!is_timeout(&io::ErrorKind::ConnectionReset.into()));
/// ```
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

mod read;

pub use read::{expired, Expired, TimedReader};

#[cfg(test)]
mod tests;
