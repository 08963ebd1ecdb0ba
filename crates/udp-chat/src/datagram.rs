//! Step 3 of every UDP program: `sendto` and `recvfrom`, one whole datagram each.
//!
//! A datagram (数据报) is one message: one `sendto` makes exactly one datagram, and one
//! `recvfrom` returns exactly one, whole or cut, never two glued together and never half
//! of one with the rest kept for later. That is the difference from TCP's byte stream,
//! where message boundaries are lost (the "sticky packets", 粘包, of lesson 3).
//!
//! Two limits follow from that:
//!
//! - **A datagram has a maximum size.** The UDP header's length field is 16 bits, so a
//!   datagram is at most 65,535 bytes with its 8-byte header; IPv4 also counts its own
//!   20-byte header in its 16-bit total length, so the most a program can put in one IPv4
//!   datagram is 65,535 − 20 − 8 = **65,507 bytes** ([`MAX_IPV4_PAYLOAD`]). IPv6 does not
//!   count its header, so there it is 65,535 − 8 = 65,527 ([`MAX_IPV6_PAYLOAD`]). Larger
//!   messages must be split by the program itself ([`send_to`] refuses them with
//!   [`SendError::TooLarge`]).
//! - **The receive buffer decides how much of a datagram you get.** The course's
//!   `recvfrom(1024)` asks for at most 1024 bytes: a 5000-byte datagram then gives its
//!   first 1024 bytes and the other 3976 are *thrown away*. [`recv_from`] says when that
//!   happened and how big the datagram really was ([`Received::is_truncated`]).
//!
//! And UDP promises no delivery: a datagram to a port where nothing listens vanishes
//! (the receiving machine answers with an ICMP "port unreachable" message that an
//! ordinary `sendto` never hears of). Only a *connected* UDP socket gets to hear of it,
//! as the error `ECONNREFUSED` on a later call: [`SendError::NothingListening`] and
//! [`RecvError::NothingListening`] turn it into a sentence.

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use netbasics::text::Encoding;
use netbasics::text::TextView;
use socket2::SockRef;

use crate::cli;

/// The largest payload one IPv4 UDP datagram can carry: 65,535 − 20 (IPv4 header) − 8
/// (UDP header).
pub const MAX_IPV4_PAYLOAD: usize = 65_507;

/// The largest payload one IPv6 UDP datagram can carry (without jumbograms): 65,535 − 8
/// (UDP header); the IPv6 header is not counted in IPv6's payload length.
pub const MAX_IPV6_PAYLOAD: usize = 65_527;

/// The receive buffer programs use unless told otherwise: big enough for any datagram,
/// so nothing is ever cut.
pub const DEFAULT_BUFFER: usize = 65_535;

/// The largest payload a datagram to (or from) `addr` can carry.
///
/// # Examples
///
/// ```
/// use udp_chat::datagram::max_payload;
///
/// assert_eq!(max_payload("127.0.0.1:7788".parse().unwrap()), 65_507);
/// assert_eq!(max_payload("[::1]:7788".parse().unwrap()), 65_527);
/// ```
pub fn max_payload(addr: SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => MAX_IPV4_PAYLOAD,
        SocketAddr::V6(_) => MAX_IPV6_PAYLOAD,
    }
}

/// Why a datagram could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The message does not fit in one datagram (the system's `EMSGSIZE`, "Message too
    /// long", checked before asking the system).
    #[error(
        "the message is {len} bytes, but one UDP datagram to {to} carries at most {limit} bytes \
         (65535 minus the {} header): split it into several datagrams",
        if to.is_ipv4() { "8-byte UDP and 20-byte IPv4" } else { "8-byte UDP" }
    )]
    TooLarge {
        /// The size of the message.
        len: usize,
        /// The most one datagram can carry ([`max_payload`]).
        limit: usize,
        /// Where it was going.
        to: SocketAddr,
    },
    /// A connected socket heard back that an earlier datagram found no program on its
    /// port (ICMP "port unreachable", reported as `ECONNREFUSED`).
    #[error(
        "nothing is listening on {to}: an earlier datagram came back as ICMP \
         \"port unreachable\" (connection refused)"
    )]
    NothingListening {
        /// The address nothing listens on.
        to: SocketAddr,
    },
    /// Any other failure of `sendto`.
    #[error("could not send a {len}-byte datagram to {to}")]
    Io {
        /// Where it was going.
        to: SocketAddr,
        /// The size of the message.
        len: usize,
        /// What the system said.
        source: io::Error,
    },
}

/// Step 3 (send): sends `data` as one datagram to `to`, like Python's
/// `udp_socket.sendto(data, to)`.
///
/// On a socket that is not bound yet, the system first binds it to a random free port
/// (see [`crate::socket::unbound`]).
///
/// # Errors
///
/// [`SendError::TooLarge`] for a message over [`max_payload`]; [`SendError::Io`] for the
/// system's errors (e.g. `EACCES` for a broadcast address without `SO_BROADCAST`: see
/// [`crate::broadcast`]).
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use udp_chat::datagram::{send_to, SendError};
///
/// let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let to = receiver.local_addr().unwrap();
/// send_to(&sender, "你好".as_bytes(), to).unwrap();
///
/// let too_big = vec![b'x'; 65_508];
/// let err = send_to(&sender, &too_big, to).unwrap_err();
/// assert!(matches!(err, SendError::TooLarge { len: 65_508, limit: 65_507, .. }));
/// assert!(err.to_string().contains("carries at most 65507 bytes"));
/// ```
pub fn send_to(socket: &UdpSocket, data: &[u8], to: SocketAddr) -> Result<(), SendError> {
    check_size(data, to)?;
    socket
        .send_to(data, to)
        .map(drop)
        .map_err(|source| send_error(source, to, data.len()))
}

/// Step 3 (send) on a connected socket: sends `data` as one datagram to the peer given to
/// `connect` (`peer`, used in error messages).
///
/// # Errors
///
/// As [`send_to`], plus [`SendError::NothingListening`] when an earlier datagram to the
/// peer was refused.
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use udp_chat::datagram::send;
///
/// let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let peer = receiver.local_addr().unwrap();
/// let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
/// sender.connect(peer).unwrap();
/// send(&sender, b"hi", peer).unwrap();
/// ```
pub fn send(socket: &UdpSocket, data: &[u8], peer: SocketAddr) -> Result<(), SendError> {
    check_size(data, peer)?;
    socket
        .send(data)
        .map(drop)
        .map_err(|source| send_error(source, peer, data.len()))
}

fn check_size(data: &[u8], to: SocketAddr) -> Result<(), SendError> {
    let limit = max_payload(to);
    if data.len() > limit {
        return Err(SendError::TooLarge {
            len: data.len(),
            limit,
            to,
        });
    }
    Ok(())
}

fn send_error(source: io::Error, to: SocketAddr, len: usize) -> SendError {
    if source.kind() == io::ErrorKind::ConnectionRefused {
        SendError::NothingListening { to }
    } else {
        SendError::Io { to, len, source }
    }
}

/// One datagram that [`recv_from`] received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Who sent it: the sender's IP address and port (Python: `recvfrom(...)[1]`).
    pub from: SocketAddr,
    /// How many bytes were put in the buffer.
    pub kept: usize,
    /// How big the datagram really was. Larger than `kept` when the buffer was too small
    /// and the rest was thrown away.
    pub len: usize,
}

impl Received {
    /// Whether the datagram was cut to fit the buffer (its end is lost).
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::datagram::Received;
    ///
    /// let from = "127.0.0.1:5000".parse().unwrap();
    /// assert!(Received { from, kept: 1024, len: 5000 }.is_truncated());
    /// assert!(!Received { from, kept: 0, len: 0 }.is_truncated());
    /// ```
    pub fn is_truncated(&self) -> bool {
        self.len > self.kept
    }
}

/// Why [`recv_from`] returned no datagram.
#[derive(Debug, thiserror::Error)]
pub enum RecvError {
    /// The read timeout set on the socket passed with nothing arriving.
    #[error("no datagram arrived in time")]
    Timeout,
    /// A connected socket heard back that an earlier datagram found no program on its
    /// port (ICMP "port unreachable", reported as `ECONNREFUSED`).
    #[error(
        "nothing is listening on {peer}: the datagram sent there came back as ICMP \
         \"port unreachable\" (connection refused)"
    )]
    NothingListening {
        /// The connected peer.
        peer: SocketAddr,
    },
    /// Any other failure of `recvfrom`.
    #[error("could not receive a datagram")]
    Io(#[source] io::Error),
}

/// Step 3 (receive): waits for one datagram and puts its first `buf.len()` bytes in `buf`,
/// like Python's `udp_socket.recvfrom(bufsize)`.
///
/// When the datagram is larger than `buf`, the rest of it is lost (a later call returns
/// the *next* datagram, not the rest), and [`Received::len`] tells its real size. To know
/// that size, a buffer smaller than [`DEFAULT_BUFFER`] first *peeks* at the datagram
/// (`MSG_PEEK`: look without taking) with a scratch buffer large enough for any datagram;
/// only the returned length is used. (On Linux `recv` with the `MSG_TRUNC` flag returns
/// the real length directly; the peek does the same on every system.) So the socket must
/// not be read by two threads at once with small buffers.
///
/// # Errors
///
/// [`RecvError::Timeout`] when a read timeout is set and passes;
/// [`RecvError::NothingListening`] on a connected socket whose peer refused an earlier
/// datagram; [`RecvError::Io`] otherwise.
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use udp_chat::datagram::recv_from;
///
/// let receiver = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
/// sender.send_to(&[b'a'; 100], receiver.local_addr().unwrap()).unwrap();
/// sender.send_to(b"next", receiver.local_addr().unwrap()).unwrap();
///
/// let mut small = [0; 16];
/// let got = recv_from(&receiver, &mut small).unwrap();
/// assert_eq!((got.kept, got.len), (16, 100));
/// assert!(got.is_truncated());
/// assert_eq!(got.from, sender.local_addr().unwrap());
///
/// // The other 84 bytes are gone: the next call gets the next datagram.
/// let got = recv_from(&receiver, &mut small).unwrap();
/// assert_eq!(&small[..got.kept], b"next");
/// ```
pub fn recv_from(socket: &UdpSocket, buf: &mut [u8]) -> Result<Received, RecvError> {
    let real_len = if buf.len() < DEFAULT_BUFFER {
        Some(peek_len(socket).map_err(|err| recv_error(socket, err))?)
    } else {
        None
    };
    let (kept, from) = socket
        .recv_from(buf)
        .map_err(|err| recv_error(socket, err))?;
    Ok(Received {
        from,
        kept,
        // The peeked length is of the same datagram: nothing else reads this socket.
        len: real_len.unwrap_or(kept).max(kept),
    })
}

thread_local! {
    /// The scratch buffer [`peek_len`] peeks into: one per thread, made on first use and
    /// kept, so that a receiver with a small buffer does not allocate 64 KiB per datagram.
    static SCRATCH: RefCell<Vec<MaybeUninit<u8>>> = const { RefCell::new(Vec::new()) };
}

/// The size of the datagram waiting at the head of the queue (waits for one).
fn peek_len(socket: &UdpSocket) -> io::Result<usize> {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if scratch.is_empty() {
            // Uninitialised is fine: the bytes are never read, only the length the
            // system returns.
            scratch.resize(DEFAULT_BUFFER + 1, MaybeUninit::uninit());
        }
        let (len, _) = SockRef::from(socket).peek_from(&mut scratch)?;
        Ok(len)
    })
}

fn recv_error(socket: &UdpSocket, err: io::Error) -> RecvError {
    match err.kind() {
        // A read timeout shows up as WouldBlock on Unix and TimedOut on Windows.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => RecvError::Timeout,
        io::ErrorKind::ConnectionRefused => match socket.peer_addr() {
            Ok(peer) => RecvError::NothingListening { peer },
            Err(_) => RecvError::Io(err),
        },
        _ => RecvError::Io(err),
    }
}

/// A running count of datagrams and their bytes.
///
/// Its `Display` is the summary line receivers print at the end.
///
/// # Examples
///
/// ```
/// use udp_chat::datagram::Tally;
///
/// let mut tally = Tally::default();
/// tally.add(5);
/// tally.add(0); // an empty datagram is still a datagram
/// assert_eq!(tally.to_string(), "received 2 datagrams, 5 bytes");
/// tally = Tally { datagrams: 1, bytes: 1 };
/// assert_eq!(tally.to_string(), "received 1 datagram, 1 byte");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many datagrams.
    pub datagrams: u64,
    /// How many bytes in all (as received: the kept part of cut datagrams).
    pub bytes: u64,
}

impl Tally {
    /// Counts one more datagram of `len` bytes.
    pub fn add(&mut self, len: usize) {
        self.datagrams += 1;
        self.bytes += len as u64;
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "received {}, {}",
            netbasics::cli::plural(self.datagrams, "datagram"),
            cli::bytes(self.bytes as usize)
        )
    }
}

/// A [`Tally`] that one thread adds to while another reads it, with no lock: the
/// receiving loop counts, and the Ctrl-C handler reads the totals at any moment. A lock
/// would do too, but a thread holding it while blocked (printing to a full pipe, say)
/// would make the Ctrl-C handler wait for as long.
///
/// The two counters are read one after the other, so a datagram counted at that very
/// moment may show in one and not yet in the other; for a final summary that is fine.
///
/// # Examples
///
/// ```
/// use udp_chat::datagram::{SharedTally, Tally};
///
/// let tally = SharedTally::default();
/// tally.add(5);
/// tally.add(0);
/// assert_eq!(tally.get(), Tally { datagrams: 2, bytes: 5 });
/// tally.remove(5);
/// assert_eq!(tally.get(), Tally { datagrams: 1, bytes: 0 });
/// ```
#[derive(Debug, Default)]
pub struct SharedTally {
    datagrams: AtomicU64,
    bytes: AtomicU64,
}

impl SharedTally {
    /// Counts one more datagram of `len` bytes.
    pub fn add(&self, len: usize) {
        self.datagrams.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
    }

    /// Takes back one datagram of `len` bytes counted with [`SharedTally::add`] (for one
    /// that turned out not to count, such as an echo that could not be sent).
    pub fn remove(&self, len: usize) {
        self.datagrams.fetch_sub(1, Ordering::Relaxed);
        self.bytes.fetch_sub(len as u64, Ordering::Relaxed);
    }

    /// The totals now.
    pub fn get(&self) -> Tally {
        Tally {
            datagrams: self.datagrams.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

/// A datagram's bytes as one line of text: decoded with `encoding`, control characters
/// and invisible format characters escaped (`\n`, `\u{202e}`: see
/// [`netbasics::text::escape_text`]), bytes that are not text as `\xNN`, and with `hex`
/// every byte in hex after the text. An empty datagram is shown as `(empty datagram)`.
///
/// Every program of the lesson shows datagrams with this function, so nothing that
/// arrives can break the display (or the program: the course's `decode('utf-8')` raises
/// an exception on bytes that are not UTF-8 and kills its receiving thread).
///
/// Each datagram is decoded on its own: a character is never split across two
/// datagrams by UDP (unlike a TCP stream), so a cut one can only come from truncation,
/// and is then shown as bytes.
///
/// # Examples
///
/// ```
/// use netbasics::text::Encoding;
/// use udp_chat::datagram::show;
///
/// assert_eq!(show("你好\n".as_bytes(), Encoding::Utf8, false), r"你好\n");
/// assert_eq!(show(b"\xc4\xe3\xba\xc3", Encoding::Gbk, true), "你好  [c4 e3 ba c3]");
/// assert_eq!(show(b"ok\xe4\xbd", Encoding::Utf8, false), r"ok\xe4\xbd");
/// // U+202E (right-to-left override) would print the rest of the line back to front.
/// assert_eq!(show("hi \u{202e}olleh".as_bytes(), Encoding::Utf8, false), r"hi \u{202e}olleh");
/// assert_eq!(show(b"", Encoding::Utf8, false), "(empty datagram)");
/// ```
pub fn show(bytes: &[u8], encoding: Encoding, hex: bool) -> String {
    if bytes.is_empty() {
        return "(empty datagram)".to_string();
    }
    let mut view = TextView::new(encoding, false);
    let mut line = view.show(bytes);
    if let Some(rest) = view.finish() {
        line.push_str(&rest);
    }
    if hex {
        line.push_str("  [");
        line.push_str(&netbasics::text::to_hex(bytes));
        line.push(']');
    }
    line
}

/// The time of day in UTC as `HH:MM:SS`.
///
/// UTC, not local time: the local time zone needs the system's time zone database, which
/// the standard library does not read.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use udp_chat::datagram::utc_time_of_day;
///
/// let t = UNIX_EPOCH + Duration::from_secs(86_400 * 365 + 3_600 * 13 + 60 * 5 + 9);
/// assert_eq!(utc_time_of_day(t), "13:05:09");
/// ```
pub fn utc_time_of_day(time: SystemTime) -> String {
    // A clock set before 1970 shows as midnight rather than failing.
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let of_day = secs % 86_400;
    format!(
        "{:02}:{:02}:{:02}",
        of_day / 3_600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The line a receiver prints for one datagram:
/// `[HH:MM:SS UTC] IP:PORT text`, with a note when it was cut.
///
/// `bytes` is what was kept in the buffer.
///
/// # Examples
///
/// ```
/// use std::time::UNIX_EPOCH;
/// use netbasics::text::Encoding;
/// use udp_chat::datagram::{line, Received};
///
/// let from = "127.0.0.1:5000".parse().unwrap();
/// let got = Received { from, kept: 2, len: 2 };
/// assert_eq!(line(UNIX_EPOCH, &got, b"hi", Encoding::Utf8, false),
///            "[00:00:00 UTC] 127.0.0.1:5000 hi");
///
/// let cut = Received { from, kept: 2, len: 5000 };
/// assert_eq!(line(UNIX_EPOCH, &cut, b"hi", Encoding::Utf8, false),
///            "[00:00:00 UTC] 127.0.0.1:5000 hi [truncated: the datagram was 5000 bytes, \
///             the buffer kept 2, the other 4998 are lost]");
///
/// // With no buffer at all, nothing of the datagram is kept; an empty one is still empty.
/// let none = Received { from, kept: 0, len: 3 };
/// assert!(line(UNIX_EPOCH, &none, b"", Encoding::Utf8, false)
///     .starts_with("[00:00:00 UTC] 127.0.0.1:5000 (nothing kept) [truncated"));
/// let empty = Received { from, kept: 0, len: 0 };
/// assert_eq!(line(UNIX_EPOCH, &empty, b"", Encoding::Utf8, false),
///            "[00:00:00 UTC] 127.0.0.1:5000 (empty datagram)");
/// ```
pub fn line(
    time: SystemTime,
    got: &Received,
    bytes: &[u8],
    encoding: Encoding,
    hex: bool,
) -> String {
    // A datagram cut to nothing (a zero-byte buffer) is not an empty datagram.
    let shown = if got.kept == 0 && got.len > 0 {
        "(nothing kept)".to_string()
    } else {
        show(bytes, encoding, hex)
    };
    let mut out = format!("[{} UTC] {} {shown}", utc_time_of_day(time), got.from);
    if got.is_truncated() {
        out.push_str(&format!(
            " [truncated: the datagram was {} bytes, the buffer kept {}, the other {} are lost]",
            got.len,
            got.kept,
            got.len - got.kept
        ));
    }
    out
}

/// [`line()`] for a datagram received just now: what every receiving program of the lesson
/// prints for a datagram (`udp-recv`) or a reply (`udp-send`, `udp-broadcast`).
///
/// # Examples
///
/// ```
/// use netbasics::text::Encoding;
/// use udp_chat::datagram::{received_line, Received};
///
/// let got = Received { from: "127.0.0.1:5000".parse().unwrap(), kept: 2, len: 2 };
/// let shown = received_line(&got, b"hi", Encoding::Utf8, false);
/// assert!(shown.starts_with('[') && shown.ends_with(" UTC] 127.0.0.1:5000 hi"));
/// ```
pub fn received_line(got: &Received, bytes: &[u8], encoding: Encoding, hex: bool) -> String {
    line(SystemTime::now(), got, bytes, encoding, hex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    fn pair() -> (UdpSocket, UdpSocket) {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        (a, b)
    }

    #[test]
    fn boundaries_are_kept() {
        let (sender, receiver) = pair();
        let to = receiver.local_addr().unwrap();
        for message in [&b"one"[..], b"two", b"", b"three"] {
            send_to(&sender, message, to).unwrap();
        }
        let mut buf = [0; DEFAULT_BUFFER];
        for message in [&b"one"[..], b"two", b"", b"three"] {
            let got = recv_from(&receiver, &mut buf).unwrap();
            assert_eq!(&buf[..got.kept], message);
            assert!(!got.is_truncated());
        }
    }

    #[test]
    fn the_largest_ipv4_datagram_goes_through() {
        let (sender, receiver) = pair();
        // The default send buffer may be smaller than a maximal datagram on some systems.
        let _ = SockRef::from(&sender).set_send_buffer_size(256 * 1024);
        let _ = SockRef::from(&receiver).set_recv_buffer_size(256 * 1024);
        let data = vec![7; MAX_IPV4_PAYLOAD];
        send_to(&sender, &data, receiver.local_addr().unwrap()).unwrap();
        let mut buf = vec![0; DEFAULT_BUFFER];
        let got = recv_from(&receiver, &mut buf).unwrap();
        assert_eq!(got.kept, MAX_IPV4_PAYLOAD);
    }

    #[test]
    fn one_byte_too_many_is_refused_and_the_system_agrees() {
        let (sender, receiver) = pair();
        let to = receiver.local_addr().unwrap();
        let data = vec![7; MAX_IPV4_PAYLOAD + 1];
        let err = send_to(&sender, &data, to).unwrap_err();
        assert!(matches!(err, SendError::TooLarge { .. }), "{err}");
        // The check is the system's rule, not ours: sendto itself refuses it too.
        assert!(sender.send_to(&data, to).is_err());
    }

    #[test]
    fn truncation_reports_the_real_size() {
        let (sender, receiver) = pair();
        sender
            .send_to(&[1; 5000], receiver.local_addr().unwrap())
            .unwrap();
        let mut buf = [0; 1024];
        let got = recv_from(&receiver, &mut buf).unwrap();
        assert_eq!((got.kept, got.len), (1024, 5000));
    }

    #[test]
    fn small_buffer_exact_fit_is_not_truncated() {
        let (sender, receiver) = pair();
        sender
            .send_to(&[1; 16], receiver.local_addr().unwrap())
            .unwrap();
        let mut buf = [0; 16];
        let got = recv_from(&receiver, &mut buf).unwrap();
        assert!(!got.is_truncated());
    }

    #[test]
    fn zero_buffer_keeps_nothing_but_knows_the_size() {
        let (sender, receiver) = pair();
        sender
            .send_to(b"abc", receiver.local_addr().unwrap())
            .unwrap();
        let got = recv_from(&receiver, &mut []).unwrap();
        assert_eq!((got.kept, got.len), (0, 3));
    }

    #[test]
    fn small_buffers_reuse_one_scratch_buffer() {
        let (sender, receiver) = pair();
        let to = receiver.local_addr().unwrap();
        sender.send_to(b"first", to).unwrap();
        sender.send_to(b"second!", to).unwrap();
        let mut buf = [0; 2];
        let got = recv_from(&receiver, &mut buf).unwrap();
        assert_eq!((got.kept, got.len), (2, 5));
        let before = SCRATCH.with(|s| s.borrow().as_ptr());
        let got = recv_from(&receiver, &mut buf).unwrap();
        assert_eq!((got.kept, got.len), (2, 7));
        assert_eq!(SCRATCH.with(|s| s.borrow().as_ptr()), before);
    }

    #[test]
    fn nothing_kept_is_not_an_empty_datagram() {
        let from = "127.0.0.1:1".parse().unwrap();
        let cut = Received {
            from,
            kept: 0,
            len: 3,
        };
        let shown = line(UNIX_EPOCH, &cut, b"", Encoding::Utf8, false);
        assert!(shown.contains("(nothing kept) [truncated"), "{shown}");
        assert!(!shown.contains("empty"), "{shown}");
    }

    #[test]
    fn shared_tally_counts_from_several_threads() {
        let tally = std::sync::Arc::new(SharedTally::default());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let tally = std::sync::Arc::clone(&tally);
                std::thread::spawn(move || (0..1000).for_each(|_| tally.add(2)))
            })
            .collect();
        handles.into_iter().for_each(|h| h.join().unwrap());
        assert_eq!(
            tally.get(),
            Tally {
                datagrams: 4000,
                bytes: 8000
            }
        );
    }

    #[test]
    fn timeout_is_its_own_error() {
        let (_, receiver) = pair();
        receiver
            .set_read_timeout(Some(Duration::from_millis(1)))
            .unwrap();
        let err = recv_from(&receiver, &mut [0; 16]).unwrap_err();
        assert!(matches!(err, RecvError::Timeout), "{err}");
        let err = recv_from(&receiver, &mut [0; DEFAULT_BUFFER]).unwrap_err();
        assert!(matches!(err, RecvError::Timeout), "{err}");
    }

    #[test]
    fn refused_on_a_connected_socket_is_explained() {
        // A port nothing listens on: bind one, note it, close it.
        let closed = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        sender.connect(closed).unwrap();
        send(&sender, b"anyone?", closed).unwrap();
        // The ICMP answer on loopback comes back before any deadline could matter; the
        // timeout only keeps a broken system from hanging the test.
        sender
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let err = recv_from(&sender, &mut [0; DEFAULT_BUFFER]).unwrap_err();
        assert!(matches!(err, RecvError::NothingListening { peer } if peer == closed));
        assert!(err.to_string().contains("nothing is listening on"));
    }

    #[test]
    fn ipv6_limit() {
        let to: SocketAddr = "[::1]:9".parse().unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        let err = send_to(&sender, &vec![0; MAX_IPV6_PAYLOAD + 1], to).unwrap_err();
        assert!(matches!(
            err,
            SendError::TooLarge {
                limit: MAX_IPV6_PAYLOAD,
                ..
            }
        ));
        assert!(err.to_string().contains("8-byte UDP header"));
    }

    #[test]
    fn show_escapes_and_marks_bad_bytes() {
        assert_eq!(show(b"a\tb\r\n", Encoding::Utf8, false), r"a\tb\r\n");
        assert_eq!(show(b"\xff", Encoding::Utf8, true), r"\xff  [ff]");
        assert_eq!(show(b"\x1b[0m", Encoding::Utf8, false), r"\u{1b}[0m");
    }

    #[test]
    fn time_of_day_wraps_at_midnight() {
        let t = UNIX_EPOCH + Duration::from_secs(86_400 * 3 - 1);
        assert_eq!(utc_time_of_day(t), "23:59:59");
        assert_eq!(
            utc_time_of_day(UNIX_EPOCH - Duration::from_secs(5)),
            "00:00:00"
        );
    }

    proptest! {
        #[test]
        fn show_never_panics_and_stays_on_one_line(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            for encoding in [Encoding::Utf8, Encoding::Gbk] {
                let shown = show(&bytes, encoding, true);
                prop_assert!(!shown.contains('\n'));
                prop_assert!(!shown.contains('\r'));
            }
        }
    }
}
