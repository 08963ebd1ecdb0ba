//! `ping`: send ICMP echo requests and time the replies.
//!
//! `ping` is the first tool anyone reaches for ("is that machine there?"), yet it uses
//! neither TCP nor UDP, and so no ports: it sends ICMP echo requests ([`crate::icmp`])
//! straight over IP, and the other host's operating system (not a program) answers each
//! with an echo reply. The time between the two is the round-trip time (RTT).
//!
//! Sending ICMP needs a special socket, and there are two kinds:
//!
//! | kind | opened as | who may | what we receive |
//! |------|-----------|---------|-----------------|
//! | [`SocketKind::Datagram`] | `socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)` | on Linux, users whose group is in `net.ipv4.ping_group_range`; on macOS, everyone | only the replies to this socket, without the IP header (Linux); the kernel chooses the identifier |
//! | [`SocketKind::Raw`] | `socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)` | root, or a program with the `CAP_NET_RAW` capability | *every* ICMP packet arriving on the machine, with its IPv4 header |
//!
//! [`Pinger::open`] tries the datagram socket first (no privileges needed where it is
//! allowed) and falls back to a raw one. With a raw socket the replies of every other
//! `ping` running on the machine arrive too, and on loopback even our own requests do,
//! so each packet is checked: is it an echo *reply*, with our identifier, our sequence
//! number and our payload? Anything else is ignored until the deadline.
//!
//! IPv6 works the same way with ICMPv6 (`IPPROTO_ICMPV6`); Linux lets the same
//! `net.ipv4.ping_group_range` setting govern both. An IPv6 socket never delivers the
//! IPv6 header, so the hop limit (IPv6's TTL) is not shown, and neither is the TTL on
//! IPv4 datagram sockets: the kernel can pass it as ancillary data (`IP_RECVTTL`), which
//! this lesson leaves out.
//!
//! Two simplifications a full `ping` does not make: the socket is `connect`ed to the
//! target, so the kernel only hands us packets *from* the target (a router's
//! "destination unreachable" is not seen, the request just times out); and the RTT is
//! measured with the local clock rather than a timestamp inside the payload.

use std::fmt;
use std::io::{self, Read};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::icmp::{self, EchoKind, EchoRepr, HEADER_LEN, IPV4_MIN_HEADER_LEN};

/// The largest IPv4 header (IHL 15 words of 4 bytes), for sizing receive buffers.
const IPV4_MAX_HEADER_LEN: usize = 60;

/// The fixed IPv6 header length.
const IPV6_HEADER_LEN: usize = 40;

/// The largest echo payload: what fits in one IP packet after the headers.
///
/// IPv4: a packet is at most 65535 bytes including its 20-byte header, and the ICMP
/// header takes 8, leaving 65507. IPv6: the 16-bit length counts only what follows
/// the 40-byte IPv6 header, so 65535 - 8 = 65527 (without jumbograms).
///
/// # Examples
///
/// ```
/// use netbasics::ping::max_payload;
/// assert_eq!(max_payload(false), 65507);
/// assert_eq!(max_payload(true), 65527);
/// ```
pub const fn max_payload(v6: bool) -> usize {
    if v6 {
        65535 - HEADER_LEN
    } else {
        65535 - IPV4_MIN_HEADER_LEN - HEADER_LEN
    }
}

/// The size of the IP packet that carries an echo with `payload_len` bytes of data
/// (`ping` shows it as `56(84) bytes`).
///
/// # Examples
///
/// ```
/// use netbasics::ping::packet_len;
/// assert_eq!(packet_len(56, false), 84);  // 56 + 8 (ICMP) + 20 (IPv4)
/// assert_eq!(packet_len(56, true), 104);  // 56 + 8 (ICMPv6) + 40 (IPv6)
/// ```
pub const fn packet_len(payload_len: usize, v6: bool) -> usize {
    let ip_header = if v6 {
        IPV6_HEADER_LEN
    } else {
        IPV4_MIN_HEADER_LEN
    };
    payload_len + HEADER_LEN + ip_header
}

/// Which kind of ICMP socket a [`Pinger`] uses (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SocketKind {
    /// An unprivileged ICMP datagram ("ping") socket.
    Datagram,
    /// A raw ICMP socket: needs root or `CAP_NET_RAW`.
    Raw,
}

impl fmt::Display for SocketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SocketKind::Datagram => "an unprivileged ICMP datagram socket (a \"ping socket\")",
            SocketKind::Raw => "a raw ICMP socket (root or CAP_NET_RAW)",
        })
    }
}

/// What to do when no ICMP socket may be opened, for this operating system.
#[cfg(any(target_os = "linux", target_os = "android"))]
const NOT_PERMITTED_HELP: &str = "not permitted to open an ICMP socket. Either allow \
unprivileged ping sockets for every group: sudo sysctl -w net.ipv4.ping_group_range=\"0 2147483647\" \
(the current range is in /proc/sys/net/ipv4/ping_group_range), or use a raw socket: run as \
root (sudo) or give the program the capability: sudo setcap cap_net_raw+ep PATH_TO_PROGRAM";
#[cfg(windows)]
const NOT_PERMITTED_HELP: &str = "not permitted to open an ICMP socket: raw sockets need \
an Administrator prompt (run as administrator), or use the system's `ping`";
#[cfg(not(any(target_os = "linux", target_os = "android", windows)))]
const NOT_PERMITTED_HELP: &str = "not permitted to open an ICMP socket: a raw socket needs \
root, so run it with sudo, or use the system's `ping`";

/// What can go wrong when pinging.
#[derive(Debug, thiserror::Error)]
pub enum PingError {
    /// Neither kind of ICMP socket may be opened by this user.
    #[error("{}", NOT_PERMITTED_HELP)]
    NotPermitted,
    /// No matching reply came before the deadline.
    #[error("request timed out")]
    Timeout,
    /// The payload does not fit in one IP packet.
    #[error("a payload of {len} bytes is too large: one ICMP echo carries at most {max} bytes over {}", if *.v6 { "IPv6" } else { "IPv4" })]
    PayloadTooLarge {
        /// The size asked for.
        len: usize,
        /// The largest possible, from [`max_payload`].
        max: usize,
        /// Whether the target is an IPv6 address.
        v6: bool,
    },
    /// Another system error (no route to the host, the network is down, ...).
    #[error("{context}")]
    Io {
        /// What we were doing.
        context: &'static str,
        /// What the system said.
        #[source]
        source: io::Error,
    },
}

impl PingError {
    fn io(context: &'static str) -> impl FnOnce(io::Error) -> PingError {
        move |source| PingError::Io { context, source }
    }
}

/// An echo reply that answered one of our requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Who answered.
    pub from: IpAddr,
    /// The size of the ICMP message (header + payload): `ping`'s "64 bytes".
    pub bytes: usize,
    /// The sequence number it answers.
    pub seq: u16,
    /// The TTL the reply arrived with, when the socket shows the IP header (raw IPv4).
    pub ttl: Option<u8>,
    /// The round-trip time: from just before sending to just after receiving.
    pub rtt: Duration,
}

/// Gives each [`Pinger`] of this process its own identifier, so that two raw sockets
/// pinging the same host at once do not take each other's replies.
static NEXT_IDENT: AtomicU16 = AtomicU16::new(0);

/// An ICMP socket connected to one target, ready to send echo requests.
#[derive(Debug)]
pub struct Pinger {
    socket: Socket,
    target: IpAddr,
    kind: SocketKind,
    /// Our identifier; on Linux datagram sockets the kernel puts its own instead and
    /// only gives us replies carrying it, so it is checked on raw sockets only.
    ident: u16,
}

impl Pinger {
    /// Opens an ICMP socket for `target`: an unprivileged datagram socket if the system
    /// allows it, otherwise a raw socket.
    ///
    /// If neither may be opened, the error is [`PingError::NotPermitted`], whose message
    /// says how to allow one or the other.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ping::{Pinger, PingError};
    /// use std::time::Duration;
    ///
    /// match Pinger::open("127.0.0.1".parse()?) {
    ///     Ok(mut pinger) => {
    ///         println!("using {}", pinger.kind());
    ///         let reply = pinger.ping(1, 56, Duration::from_secs(5))?;
    ///         assert_eq!(reply.bytes, 64);
    ///     }
    ///     // Some sandboxes allow no ICMP socket at all.
    ///     Err(PingError::NotPermitted) => {}
    ///     Err(err) => return Err(err.into()),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(target: IpAddr) -> Result<Pinger, PingError> {
        match Pinger::open_kind(target, SocketKind::Datagram) {
            Ok(pinger) => Ok(pinger),
            // Whatever stopped the datagram socket (not permitted, or not supported by
            // this system), a raw socket may still work.
            Err(_) => Pinger::open_kind(target, SocketKind::Raw),
        }
    }

    /// Opens one particular kind of ICMP socket for `target`, without falling back.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ping::{Pinger, PingError, SocketKind};
    /// match Pinger::open_kind("127.0.0.1".parse()?, SocketKind::Raw) {
    ///     Ok(pinger) => assert_eq!(pinger.kind(), SocketKind::Raw),
    ///     Err(PingError::NotPermitted) => println!("raw sockets need root"),
    ///     Err(err) => return Err(err.into()),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_kind(target: IpAddr, kind: SocketKind) -> Result<Pinger, PingError> {
        let (domain, protocol) = match target {
            IpAddr::V4(_) => (Domain::IPV4, Protocol::ICMPV4),
            IpAddr::V6(_) => (Domain::IPV6, Protocol::ICMPV6),
        };
        let socket_type = match kind {
            SocketKind::Datagram => Type::DGRAM,
            SocketKind::Raw => Type::RAW,
        };
        let socket = Socket::new(domain, socket_type, Some(protocol)).map_err(|err| {
            // std maps both EPERM and EACCES to PermissionDenied.
            if err.kind() == io::ErrorKind::PermissionDenied {
                PingError::NotPermitted
            } else {
                PingError::Io {
                    context: match kind {
                        SocketKind::Datagram => "opening an ICMP datagram socket",
                        SocketKind::Raw => "opening a raw ICMP socket",
                    },
                    source: err,
                }
            }
        })?;
        // ICMP has no ports; the 0 is only there because socket addresses have one.
        socket
            .connect(&SockAddr::from(SocketAddr::new(target, 0)))
            .map_err(PingError::io("connecting the ICMP socket to the target"))?;
        let ident = u16::try_from(std::process::id() & 0xffff)
            .expect("a number masked to 16 bits fits in a u16")
            .wrapping_add(NEXT_IDENT.fetch_add(1, Ordering::Relaxed));
        Ok(Pinger {
            socket,
            target,
            kind,
            ident,
        })
    }

    /// Which kind of socket this pinger uses.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ping::{Pinger, SocketKind};
    /// if let Ok(pinger) = Pinger::open("::1".parse()?) {
    ///     assert!(matches!(pinger.kind(), SocketKind::Datagram | SocketKind::Raw));
    /// }
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    pub fn kind(&self) -> SocketKind {
        self.kind
    }

    /// The address being pinged.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ping::Pinger;
    /// if let Ok(pinger) = Pinger::open("127.0.0.1".parse()?) {
    ///     assert_eq!(pinger.target().to_string(), "127.0.0.1");
    /// }
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    pub fn target(&self) -> IpAddr {
        self.target
    }

    /// Sends one echo request with sequence number `seq` and `payload_len` bytes of
    /// data, and waits up to `timeout` for its reply.
    ///
    /// Packets that are not the reply to this request (other programs' pings, our own
    /// request seen on loopback, a late reply to an earlier request) are skipped. If
    /// nothing matching arrives in time the error is [`PingError::Timeout`]; the pinger
    /// can be used again after it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ping::{Pinger, PingError};
    /// use std::time::Duration;
    ///
    /// if let Ok(mut pinger) = Pinger::open("127.0.0.1".parse()?) {
    ///     let reply = pinger.ping(7, 0, Duration::from_secs(5))?;
    ///     assert_eq!((reply.seq, reply.bytes), (7, 8));
    ///
    ///     let err = pinger.ping(8, 70_000, Duration::from_secs(1)).unwrap_err();
    ///     assert!(matches!(err, PingError::PayloadTooLarge { max: 65507, .. }));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ping(
        &mut self,
        seq: u16,
        payload_len: usize,
        timeout: Duration,
    ) -> Result<Reply, PingError> {
        let v6 = self.target.is_ipv6();
        let max = max_payload(v6);
        if payload_len > max {
            return Err(PingError::PayloadTooLarge {
                len: payload_len,
                max,
                v6,
            });
        }
        let request = EchoRepr {
            kind: EchoKind::Request,
            ident: self.ident,
            seq,
            // Recognisable data, as ping's: 0x00, 0x01, 0x02, ... wrapping at 0xff.
            payload: (0..payload_len).map(|i| (i % 256) as u8).collect(),
        };
        let packet = request.emit(v6);

        let start = Instant::now();
        let deadline = start + timeout;
        let sent = self
            .socket
            .send(&packet)
            .map_err(PingError::io("sending the echo request"))?;
        if sent != packet.len() {
            return Err(PingError::Io {
                context: "sending the echo request",
                source: io::Error::new(io::ErrorKind::WriteZero, "the packet was cut short"),
            });
        }

        // Room for the largest IPv4 header and our reply; anything larger cannot be ours
        // (the kernel cuts it short and it fails the payload check).
        let mut buf = vec![0u8; IPV4_MAX_HEADER_LEN + packet.len()];
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return Err(PingError::Timeout);
            };
            // A zero read timeout would mean "wait forever": wait at least 1 ms.
            self.socket
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .map_err(PingError::io("setting the receive timeout"))?;
            let len = match (&self.socket).read(&mut buf) {
                Ok(len) => len,
                // Unix says "would block", Windows says "timed out".
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(PingError::Timeout)
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    return Err(PingError::Io {
                        context: "receiving the echo reply",
                        source: err,
                    })
                }
            };
            let rtt = start.elapsed();
            if let Some(reply) = self.match_reply(&buf[..len], &request, v6, rtt) {
                return Ok(reply);
            }
        }
    }

    /// The [`Reply`] if `received` answers `request`, `None` for any other packet.
    fn match_reply(
        &self,
        received: &[u8],
        request: &EchoRepr,
        v6: bool,
        rtt: Duration,
    ) -> Option<Reply> {
        // IPv4 raw sockets (and datagram sockets outside Linux, as on macOS) deliver
        // the IPv4 header first; IPv6 sockets never do.
        let header_included = !v6
            && (self.kind == SocketKind::Raw
                || !cfg!(any(target_os = "linux", target_os = "android")));
        let (message, ttl) = if header_included {
            let (message, ttl) = icmp::strip_ipv4_header(received).ok()?;
            (message, Some(ttl))
        } else {
            (received, None)
        };
        let echo = EchoRepr::parse(message, v6).ok()?;
        let ours = echo.kind == EchoKind::Reply
            && echo.seq == request.seq
            && (self.kind == SocketKind::Datagram || echo.ident == request.ident)
            && echo.payload == request.payload;
        ours.then_some(Reply {
            from: self.target,
            bytes: message.len(),
            seq: echo.seq,
            ttl,
            rtt,
        })
    }
}

/// The round-trip times of a run, as `ping` summarises them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RttSummary {
    /// The fastest reply.
    pub min: Duration,
    /// The mean.
    pub avg: Duration,
    /// The slowest reply.
    pub max: Duration,
    /// The mean deviation as `ping` computes it: the standard deviation
    /// `sqrt(mean(rtt²) - mean(rtt)²)`, which says how much the times jitter.
    pub mdev: Duration,
}

/// Counts requests and replies and keeps the figures for `ping`'s closing summary.
///
/// # Examples
///
/// ```
/// use netbasics::ping::PingStats;
/// use std::time::Duration;
///
/// let mut stats = PingStats::new();
/// for rtt_ms in [1, 3] {
///     stats.record_sent();
///     stats.record_reply(Duration::from_millis(rtt_ms));
/// }
/// stats.record_sent(); // a request that timed out
/// assert_eq!((stats.transmitted(), stats.received()), (3, 2));
/// assert_eq!(stats.loss_percent().round(), 33.0);
/// let rtt = stats.rtt().expect("two replies");
/// assert_eq!(rtt.avg, Duration::from_millis(2));
/// assert_eq!(rtt.mdev, Duration::from_millis(1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PingStats {
    transmitted: u64,
    received: u64,
    min: Option<Duration>,
    max: Duration,
    // Sums in whole nanoseconds, so the statistics are exact integers until the square
    // root: a u128 holds the sum of squares of any realistic number of pings.
    sum_ns: u128,
    sum_sq_ns: u128,
}

impl PingStats {
    /// No requests yet.
    pub fn new() -> PingStats {
        PingStats::default()
    }

    /// Counts a request sent.
    pub fn record_sent(&mut self) {
        self.transmitted += 1;
    }

    /// Counts a reply received after `rtt`.
    pub fn record_reply(&mut self, rtt: Duration) {
        self.received += 1;
        self.min = Some(self.min.map_or(rtt, |min| min.min(rtt)));
        self.max = self.max.max(rtt);
        let ns = rtt.as_nanos();
        self.sum_ns = self.sum_ns.saturating_add(ns);
        self.sum_sq_ns = self.sum_sq_ns.saturating_add(ns.saturating_mul(ns));
    }

    /// How many requests were sent.
    pub fn transmitted(&self) -> u64 {
        self.transmitted
    }

    /// How many replies came back.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// The share of requests that got no reply, from 0 to 100 (0 before any request).
    pub fn loss_percent(&self) -> f64 {
        if self.transmitted == 0 {
            return 0.0;
        }
        let lost = self.transmitted.saturating_sub(self.received);
        lost as f64 * 100.0 / self.transmitted as f64
    }

    /// min/avg/max/mdev of the round-trip times, or `None` if no reply came.
    pub fn rtt(&self) -> Option<RttSummary> {
        let min = self.min?;
        let n = u128::from(self.received);
        // n² · variance = n · Σrtt² − (Σrtt)², exact in integers (never negative).
        let n2_variance = n
            .saturating_mul(self.sum_sq_ns)
            .saturating_sub(self.sum_ns.saturating_mul(self.sum_ns));
        let mdev_ns = (n2_variance as f64).sqrt() / n as f64;
        Some(RttSummary {
            min,
            avg: Duration::from_nanos(u64::try_from(self.sum_ns / n).unwrap_or(u64::MAX)),
            max: self.max,
            mdev: Duration::from_nanos(mdev_ns.round() as u64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    const LOOPBACK_V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
    const LOOPBACK_V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);
    /// Generous: loopback answers in microseconds, this only bounds a broken test.
    const TIMEOUT: Duration = Duration::from_secs(5);

    #[test]
    fn payload_limits() {
        assert_eq!(max_payload(false), 65_507);
        assert_eq!(max_payload(true), 65_527);
        assert_eq!(packet_len(max_payload(false), false), 65_535);
        assert_eq!(packet_len(max_payload(true), true), 65_535 + 40);
    }

    #[test]
    fn not_permitted_message_explains_the_way_out() {
        let message = PingError::NotPermitted.to_string();
        #[cfg(target_os = "linux")]
        {
            assert!(message.contains("sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""));
            assert!(message.contains("setcap cap_net_raw+ep"));
            assert!(message.contains("root"));
        }
        assert!(message.starts_with("not permitted to open an ICMP socket"));
    }

    #[test]
    fn error_messages() {
        let err = PingError::PayloadTooLarge {
            len: 70_000,
            max: 65_507,
            v6: false,
        };
        assert_eq!(
            err.to_string(),
            "a payload of 70000 bytes is too large: one ICMP echo carries at most 65507 bytes over IPv4"
        );
        assert_eq!(PingError::Timeout.to_string(), "request timed out");
    }

    /// Pings `target` once with every kind of socket this machine allows, and checks
    /// the other kinds fail only for lack of permission.
    fn ping_once_each_kind(target: IpAddr) {
        for kind in [SocketKind::Datagram, SocketKind::Raw] {
            match Pinger::open_kind(target, kind) {
                Ok(mut pinger) => {
                    assert_eq!(pinger.kind(), kind);
                    let reply = pinger.ping(1, 56, TIMEOUT).expect("loopback answers");
                    assert_eq!(reply.from, target);
                    assert_eq!(reply.seq, 1);
                    assert_eq!(reply.bytes, 64);
                    if kind == SocketKind::Raw && target.is_ipv4() {
                        assert!(reply.ttl.is_some_and(|ttl| ttl > 0), "{reply:?}");
                    }
                    // The same pinger goes on working, with an empty payload too.
                    let again = pinger.ping(2, 0, TIMEOUT).expect("loopback answers");
                    assert_eq!((again.seq, again.bytes), (2, 8));
                }
                Err(PingError::NotPermitted) => {
                    eprintln!(
                        "{kind:?} ICMP socket not permitted here: {}",
                        PingError::NotPermitted
                    );
                }
                // A sandbox without IPv6: nothing to test.
                Err(PingError::Io { source, .. })
                    if target.is_ipv6()
                        && matches!(
                            source.kind(),
                            io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported
                        ) =>
                {
                    e2e::skip_because(
                        "ping unit test ::1",
                        &format!("no IPv6 loopback here ({source})"),
                    );
                }
                Err(err) => panic!("{kind:?} socket to {target}: {err:?}"),
            }
        }
    }

    #[test]
    fn ping_ipv4_loopback_with_each_kind_of_socket() {
        ping_once_each_kind(LOOPBACK_V4);
    }

    #[test]
    fn ping_ipv6_loopback_with_each_kind_of_socket() {
        ping_once_each_kind(LOOPBACK_V6);
    }

    #[test]
    fn two_pingers_at_once_get_their_own_replies() {
        let (Ok(mut a), Ok(mut b)) = (Pinger::open(LOOPBACK_V4), Pinger::open(LOOPBACK_V4)) else {
            e2e::skip_because("ping unit test", "ICMP sockets are not permitted here");
            return;
        };
        assert_ne!(a.ident, b.ident);
        for seq in 1..=3 {
            assert_eq!(a.ping(seq, 16, TIMEOUT).expect("a answered").seq, seq);
            assert_eq!(b.ping(seq, 32, TIMEOUT).expect("b answered").bytes, 40);
        }
    }

    #[test]
    fn too_large_payload_is_refused_before_sending() {
        let Ok(mut pinger) = Pinger::open(LOOPBACK_V4) else {
            e2e::skip_because("ping unit test", "ICMP sockets are not permitted here");
            return;
        };
        let err = pinger.ping(1, 65_508, TIMEOUT).expect_err("too large");
        assert!(matches!(
            err,
            PingError::PayloadTooLarge {
                len: 65_508,
                max: 65_507,
                v6: false
            }
        ));
    }

    #[test]
    fn the_largest_payload_goes_through_loopback() {
        let Ok(mut pinger) = Pinger::open(LOOPBACK_V4) else {
            e2e::skip_because("ping unit test", "ICMP sockets are not permitted here");
            return;
        };
        let reply = pinger
            .ping(9, max_payload(false), TIMEOUT)
            .expect("a 65535-byte packet fits loopback");
        assert_eq!(reply.bytes, 65_515);
    }

    #[test]
    fn a_raw_socket_ignores_packets_that_are_not_our_reply() {
        let Ok(pinger) = Pinger::open_kind(LOOPBACK_V4, SocketKind::Raw) else {
            e2e::skip_because("ping unit test", "raw ICMP sockets are not permitted here");
            return;
        };
        let request = EchoRepr {
            kind: EchoKind::Request,
            ident: pinger.ident,
            seq: 5,
            payload: vec![1, 2, 3],
        };
        let with_header = |echo: &EchoRepr| {
            let mut packet = vec![
                0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
            ];
            packet.extend_from_slice(&echo.emit(false));
            packet
        };
        let rtt = Duration::from_millis(1);
        let reply = EchoRepr {
            kind: EchoKind::Reply,
            ..request.clone()
        };
        assert!(pinger
            .match_reply(&with_header(&reply), &request, false, rtt)
            .is_some());
        // Our own request, seen on loopback.
        assert!(pinger
            .match_reply(&with_header(&request), &request, false, rtt)
            .is_none());
        // Another program's reply, an old sequence number, other data, no IP header.
        for other in [
            EchoRepr {
                ident: reply.ident.wrapping_add(1),
                ..reply.clone()
            },
            EchoRepr {
                seq: 4,
                ..reply.clone()
            },
            EchoRepr {
                payload: vec![9, 9, 9],
                ..reply.clone()
            },
        ] {
            assert!(pinger
                .match_reply(&with_header(&other), &request, false, rtt)
                .is_none());
        }
        assert!(pinger
            .match_reply(&reply.emit(false), &request, false, rtt)
            .is_none());
    }

    #[test]
    fn stats_with_no_reply() {
        let mut stats = PingStats::new();
        assert_eq!(stats.loss_percent(), 0.0);
        assert_eq!(stats.rtt(), None);
        stats.record_sent();
        stats.record_sent();
        assert_eq!(stats.loss_percent(), 100.0);
        assert_eq!(stats.rtt(), None);
    }

    #[test]
    fn stats_figures() {
        let mut stats = PingStats::new();
        for us in [100, 200, 300, 400] {
            stats.record_sent();
            stats.record_reply(Duration::from_micros(us));
        }
        assert_eq!(stats.loss_percent(), 0.0);
        let rtt = stats.rtt().expect("replies");
        assert_eq!(rtt.min, Duration::from_micros(100));
        assert_eq!(rtt.max, Duration::from_micros(400));
        assert_eq!(rtt.avg, Duration::from_micros(250));
        // sqrt(mean(x²) − mean(x)²) = sqrt(75000 − 62500) µs = 111.803 µs
        assert_eq!(rtt.mdev, Duration::from_nanos(111_803));

        let mut same = PingStats::new();
        for _ in 0..3 {
            same.record_sent();
            same.record_reply(Duration::from_nanos(45_123));
        }
        let rtt = same.rtt().expect("replies");
        assert_eq!(rtt.mdev, Duration::ZERO, "equal times do not jitter");
        assert_eq!(rtt.avg, Duration::from_nanos(45_123));
    }
}
