//! The UDP echo server: every datagram goes straight back to whoever sent it.
//!
//! The course's exercise (echo is "a useful tool for debugging"):
//!
//! ```text
//! udpSocket = socket(AF_INET, SOCK_DGRAM)        # 1. create the socket
//! udpSocket.bind(("", 7088))                     # 2. bind a known port
//! while True:
//!     recvData = udpSocket.recvfrom(1024)        # 3. receive (data, sender) ...
//!     udpSocket.sendto(recvData[0], recvData[1]) #    ... and send it back
//! udpSocket.close()                              # 4. close (never reached)
//! ```
//!
//! One socket serves every client: there is no `accept` and no connection per client,
//! because each datagram carries its sender's address, and `sendto` that address is the
//! reply. [`serve`] is that loop, with what the Python one lacks:
//!
//! - the buffer holds any datagram ([`DEFAULT_BUFFER`]), so no echo comes back cut;
//! - a zero-length datagram is valid UDP and is echoed as a zero-length datagram;
//! - an error on one datagram is reported and the loop goes on with the next datagram.
//!   A `sendto` the system refuses says nothing about our socket: a datagram can carry a
//!   forged sender (port 0 gives `EINVAL`, a broadcast address `EACCES`), and anyone can
//!   send a hundred of those. So failed sends never stop the server; only receive errors
//!   that come again and again ([`MAX_ERRORS_IN_A_ROW`]) mean the socket is broken;
//! - the count ([`SharedTally`]) is updated *before* the echo leaves, so a client that
//!   got its echo and then stops the server (Ctrl-C) sees it counted.
//!
//! A client that has gone away is no problem: the echo to it is sent, nobody receives it,
//! and its machine answers with ICMP "port unreachable". On Linux an unconnected socket
//! such as this one never hears of that (only a connected one gets `ECONNREFUSED`), but
//! other systems may report it on the next `recvfrom` (Windows does, as `WSAECONNRESET`),
//! which is one more reason to treat receive errors as passing.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;

use crate::datagram::{self, RecvError, SendError, SharedTally, Tally, DEFAULT_BUFFER};

/// How many receive errors in a row end [`serve`]: a socket that fails this often is
/// broken, and looping on it would only fill the log. (Failed sends do not count: they
/// are about the datagram's sender, not about our socket.)
pub const MAX_ERRORS_IN_A_ROW: u32 = 100;

/// Receive failures since the last success: one is passing, [`MAX_ERRORS_IN_A_ROW`] in a
/// row mean the socket is broken. Every receiving loop of the lesson counts this way.
///
/// # Examples
///
/// ```
/// use udp_chat::echo::ErrorStreak;
///
/// let mut streak = ErrorStreak::new(3);
/// assert!(!streak.failed());
/// assert!(!streak.failed());
/// streak.succeeded(); // the count starts again
/// assert!(!streak.failed());
/// assert!(!streak.failed());
/// assert!(streak.failed()); // the third in a row: give up
/// assert_eq!(streak.in_a_row(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorStreak {
    in_a_row: u32,
    limit: u32,
}

impl Default for ErrorStreak {
    /// A streak that gives up after [`MAX_ERRORS_IN_A_ROW`] failures.
    fn default() -> Self {
        ErrorStreak::new(MAX_ERRORS_IN_A_ROW)
    }
}

impl ErrorStreak {
    /// A streak that gives up after `limit` failures in a row (at least one).
    pub fn new(limit: u32) -> Self {
        ErrorStreak {
            in_a_row: 0,
            limit: limit.max(1),
        }
    }

    /// Counts a failure; `true` when it is the `limit`-th in a row: time to give up.
    pub fn failed(&mut self) -> bool {
        self.in_a_row = self.in_a_row.saturating_add(1);
        self.in_a_row >= self.limit
    }

    /// A success: the count starts again.
    pub fn succeeded(&mut self) {
        self.in_a_row = 0;
    }

    /// Failures since the last success.
    pub fn in_a_row(&self) -> u32 {
        self.in_a_row
    }
}

/// What happened to one datagram, for the caller to log and count.
#[derive(Debug)]
pub enum Event<'a> {
    /// A datagram was received and sent back.
    Echoed {
        /// Who sent it (and got it back).
        from: SocketAddr,
        /// Its bytes.
        data: &'a [u8],
        /// The totals so far, this datagram included.
        tally: Tally,
    },
    /// `recvfrom` failed; the server goes on.
    RecvFailed(RecvError),
    /// The echo could not be sent; the server goes on, and the datagram is not counted.
    SendFailed(SendError),
}

/// Why [`serve`] stopped on its own.
#[derive(Debug, thiserror::Error)]
#[error(
    "receiving failed {MAX_ERRORS_IN_A_ROW} times in a row; the socket seems broken; \
     the last error: {last}"
)]
pub struct Broken {
    /// The last error.
    pub last: io::Error,
}

/// Step 3, in a loop: receives each datagram on `socket` and sends it back to its sender,
/// counting it in `tally`, and calling `on_event` for each datagram or error, until
/// `on_event` returns `ControlFlow::Break`.
///
/// A datagram is counted before its echo is sent (and taken back if the send fails), so
/// whoever reads `tally` from another thread (a Ctrl-C handler) never misses an echo that
/// a client has already received.
///
/// Returns the totals.
///
/// # Errors
///
/// [`Broken`] after [`MAX_ERRORS_IN_A_ROW`] receive failures in a row.
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use std::ops::ControlFlow;
/// use std::sync::Arc;
/// use udp_chat::datagram::SharedTally;
/// use udp_chat::echo::{serve, Event};
///
/// let server = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let addr = server.local_addr().unwrap();
/// let tally = Arc::new(SharedTally::default());
/// let counted = Arc::clone(&tally);
/// let handle = std::thread::spawn(move || {
///     serve(&server, &counted, |event| match event {
///         Event::Echoed { tally, .. } if tally.datagrams == 2 => ControlFlow::Break(()),
///         _ => ControlFlow::Continue(()),
///     })
/// });
///
/// let client = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let mut buf = [0; 64];
/// client.send_to(b"hello", addr).unwrap();
/// let (n, from) = client.recv_from(&mut buf).unwrap();
/// assert_eq!((&buf[..n], from), (&b"hello"[..], addr));
/// assert_eq!(tally.get().datagrams, 1); // counted before it was echoed
/// client.send_to(b"", addr).unwrap(); // empty is valid UDP, and comes back empty
/// assert_eq!(client.recv_from(&mut buf).unwrap().0, 0);
///
/// let totals = handle.join().unwrap().unwrap();
/// assert_eq!((totals.datagrams, totals.bytes), (2, 5));
/// ```
pub fn serve(
    socket: &UdpSocket,
    tally: &SharedTally,
    mut on_event: impl FnMut(Event<'_>) -> ControlFlow<()>,
) -> Result<Tally, Broken> {
    let mut buf = vec![0; DEFAULT_BUFFER];
    let mut receive_errors = ErrorStreak::default();
    loop {
        // 3a. recvfrom: wait for the next datagram from anyone.
        let event = match datagram::recv_from(socket, &mut buf) {
            Ok(got) => {
                receive_errors.succeeded();
                let data = &buf[..got.kept];
                // Counted first: the client may stop us as soon as it has its echo.
                tally.add(data.len());
                // 3b. sendto: the same bytes, back to the address they came from.
                match datagram::send_to(socket, data, got.from) {
                    Ok(()) => Event::Echoed {
                        from: got.from,
                        data,
                        tally: tally.get(),
                    },
                    Err(err) => {
                        tally.remove(data.len());
                        Event::SendFailed(err)
                    }
                }
            }
            Err(err) => {
                if receive_errors.failed() {
                    let last = recv_io_error(&err);
                    // The loop ends either way: the caller's answer does not matter here.
                    let _ = on_event(Event::RecvFailed(err));
                    return Err(Broken { last });
                }
                Event::RecvFailed(err)
            }
        };
        if on_event(event).is_break() {
            return Ok(tally.get());
        }
    }
}

/// An `io::Error` standing for `err`, to keep as the last error.
fn recv_io_error(err: &RecvError) -> io::Error {
    match err {
        RecvError::Io(source) => io::Error::new(source.kind(), source.to_string()),
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
