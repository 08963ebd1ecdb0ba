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
//! - not every datagram is answered. The sender's address is only what the datagram
//!   says, and anyone can forge it: one datagram "from" the server's own address would
//!   make the course's loop echo to itself for ever, and one "from" another echo server
//!   would set the two echoing to each other for ever. [`crate::answer::should_answer`]
//!   refuses such sources (ourselves, port 0, our own port elsewhere, the system ports
//!   below 1024); a refused datagram is reported and counted ([`Counters::refused`]),
//!   and gets no answer;
//! - the buffer holds any datagram ([`DEFAULT_BUFFER`]), so no echo comes back cut;
//! - a zero-length datagram is valid UDP and is echoed as a zero-length datagram;
//! - an error on one datagram is reported and the loop goes on with the next datagram.
//!   A `sendto` the system refuses says nothing about our socket: a datagram can carry a
//!   forged sender that the rule above lets through and the system does not (a network's
//!   broadcast address such as 192.168.1.255 gives `EACCES`), and anyone can send a
//!   hundred of those. So failed sends never stop the server; only receive errors
//!   that come again and again ([`MAX_ERRORS_IN_A_ROW`]) mean the socket is broken;
//! - the count ([`Counters`]) is updated *before* the echo leaves, so a client that got
//!   its echo and then stops the server (Ctrl-C) sees it counted.
//!
//! A client that has gone away is no problem: the echo to it is sent, nobody receives it,
//! and its machine answers with ICMP "port unreachable". On Linux an unconnected socket
//! such as this one never hears of that (only a connected one gets `ECONNREFUSED`), but
//! other systems may report it on the next `recvfrom` (Windows does, as `WSAECONNRESET`),
//! which is one more reason to treat receive errors as passing.

use std::fmt;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::answer::{self, Local, Refusal};
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

/// The echo server's counts, kept by [`serve`] and read at any moment by another thread
/// (the Ctrl-C handler), with no lock (see [`SharedTally`]).
#[derive(Debug, Default)]
pub struct Counters {
    /// The datagrams sent back, and their bytes.
    pub echoed: SharedTally,
    /// The datagrams left unanswered because an answer could start a loop
    /// ([`answer::should_answer`]).
    pub refused: AtomicU64,
}

impl Counters {
    /// The totals now.
    pub fn get(&self) -> Totals {
        Totals {
            echoed: self.echoed.get(),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }
}

/// What the echo server did, in all. Its `Display` is the line printed on Ctrl-C; the
/// refused datagrams are mentioned once there are some.
///
/// # Examples
///
/// ```
/// use udp_chat::datagram::Tally;
/// use udp_chat::echo::Totals;
///
/// let echoed = Tally { datagrams: 4, bytes: 16 };
/// assert_eq!(Totals { echoed, refused: 0 }.to_string(), "echoed 4 datagrams, 16 bytes");
/// assert_eq!(
///     Totals { echoed: Tally::default(), refused: 1 }.to_string(),
///     "echoed 0 datagrams, 0 bytes; refused 1 datagram"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// The datagrams sent back, and their bytes.
    pub echoed: Tally,
    /// How many datagrams were refused.
    pub refused: u64,
}

impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "echoed {}, {}",
            netbasics::cli::plural(self.echoed.datagrams, "datagram"),
            crate::cli::bytes(self.echoed.bytes as usize)
        )?;
        if self.refused > 0 {
            write!(
                f,
                "; refused {}",
                netbasics::cli::plural(self.refused, "datagram")
            )?;
        }
        Ok(())
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
        /// The echoes so far, this datagram included.
        tally: Tally,
    },
    /// A datagram was received and not answered: its source is one an answer could
    /// start a loop with.
    Refused {
        /// The source it claims.
        from: SocketAddr,
        /// Its bytes.
        data: &'a [u8],
        /// Why it got no answer.
        why: Refusal,
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
/// counting it in `counters`, and calling `on_event` for each datagram or error, until
/// `on_event` returns `ControlFlow::Break`.
///
/// `local` is who the socket is ([`Local::new`] of its address): a datagram whose sender
/// [`answer::should_answer`] refuses (ourselves, port 0, another server on our port, a
/// system port) is counted as refused and gets no answer.
///
/// A datagram is counted before its echo is sent (and taken back if the send fails), so
/// whoever reads `counters` from another thread (a Ctrl-C handler) never misses an echo
/// that a client has already received.
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
/// use udp_chat::answer::Local;
/// use udp_chat::echo::{serve, Counters, Event};
///
/// let server = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let addr = server.local_addr().unwrap();
/// let counters = Arc::new(Counters::default());
/// let counted = Arc::clone(&counters);
/// let handle = std::thread::spawn(move || {
///     serve(&server, &Local::new(addr), &counted, |event| match event {
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
/// assert_eq!(counters.get().echoed.datagrams, 1); // counted before it was echoed
/// client.send_to(b"", addr).unwrap(); // empty is valid UDP, and comes back empty
/// assert_eq!(client.recv_from(&mut buf).unwrap().0, 0);
///
/// let totals = handle.join().unwrap().unwrap();
/// assert_eq!(totals.to_string(), "echoed 2 datagrams, 5 bytes");
/// ```
pub fn serve(
    socket: &UdpSocket,
    local: &Local,
    counters: &Counters,
    mut on_event: impl FnMut(Event<'_>) -> ControlFlow<()>,
) -> Result<Totals, Broken> {
    let mut buf = vec![0; DEFAULT_BUFFER];
    let mut receive_errors = ErrorStreak::default();
    loop {
        // 3a. recvfrom: wait for the next datagram from anyone.
        let event = match datagram::recv_from(socket, &mut buf) {
            Ok(got) => {
                receive_errors.succeeded();
                let data = &buf[..got.kept];
                // The sender is only what the datagram says: never answer a source that
                // could answer back for ever (ourselves, another server, a system port).
                if let Err(why) = answer::should_answer(got.from, local) {
                    counters.refused.fetch_add(1, Ordering::Relaxed);
                    Event::Refused {
                        from: got.from,
                        data,
                        why,
                    }
                } else {
                    // Counted first: the client may stop us as soon as it has its echo.
                    counters.echoed.add(data.len());
                    // 3b. sendto: the same bytes, back to the address they came from.
                    match datagram::send_to(socket, data, got.from) {
                        Ok(()) => Event::Echoed {
                            from: got.from,
                            data,
                            tally: counters.echoed.get(),
                        },
                        Err(err) => {
                            counters.echoed.remove(data.len());
                            Event::SendFailed(err)
                        }
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
            return Ok(counters.get());
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
