//! Steps 1 and 2 of every UDP program: create the socket, and (optionally) bind it.
//!
//! The course's Python does:
//!
//! ```text
//! udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # 1. create the socket
//! udp_socket.bind(("", 7788))                                     # 2. bind (optional)
//! udp_socket.sendto(data, ("127.0.0.1", 8080))                    # 3. send / receive
//! udp_socket.close()                                              # 4. close
//! ```
//!
//! A UDP socket has no `listen` and no `accept`: there is no connection to set up. Binding
//! is optional. A program that only sends may skip it, and the system then gives the
//! socket a random free port (an *ephemeral* port) the first time it sends. A program that
//! must be found by others (a receiver, a server) binds a port it announces.
//!
//! Rust's `std::net::UdpSocket::bind` does steps 1 and 2 at once and sets no options.
//! This module spells the steps out with the `socket2` crate so that each option can be
//! set *between* them: some options (`SO_REUSEADDR`) only matter if they are set before
//! `bind`. [`Options`] lists the ones the lesson uses, each with the reason to use it.
//!
//! The sockets returned are plain [`std::net::UdpSocket`]s; `socket2::SockRef::from(&s)`
//! reaches any other option later.

use std::io;
use std::net::{SocketAddr, UdpSocket};

use netbasics::server_addr::ServerAddr;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// The socket options a UDP program may want, set before `bind`.
///
/// `Options::default()` sets nothing, which is right for most programs: a plain
/// `socket.socket(AF_INET, SOCK_DGRAM)`.
///
/// # Examples
///
/// ```
/// use udp_chat::socket::{self, Options};
///
/// let options = Options { broadcast: true, ..Options::default() };
/// let sock = socket::bind("127.0.0.1:0".parse().unwrap(), &options).unwrap();
/// assert!(sock.broadcast().unwrap());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// `SO_REUSEADDR`: let several sockets on this machine bind the same port.
    ///
    /// For TCP this option is about the `TIME_WAIT` state a closed connection leaves
    /// behind (a restarted server can bind again at once). UDP has no connections and no
    /// `TIME_WAIT`, so that reason does not apply. For UDP it means something else: every
    /// socket that sets it may bind the *same* address and port. Broadcast (and multicast)
    /// datagrams are then delivered to each of them, which is what several copies of a
    /// broadcast program on one machine (IP Messenger on port 2425) need.
    /// A *unicast* datagram, however, goes to only one of them (on Linux, usually the
    /// socket bound last), so a unicast server (a receiver, an echo server) must leave it
    /// off: with it, a second copy started by mistake would silently take the traffic
    /// away from the first instead of failing with "address already in use". (Sharing the
    /// load of one port between sockets is a different option, `SO_REUSEPORT`.)
    pub reuse_address: bool,
    /// `SO_BROADCAST`: allow sending to a broadcast address (255.255.255.255, or a
    /// network's broadcast address such as 192.168.1.255).
    ///
    /// Without it, `sendto` a broadcast address fails with `EACCES` ("Permission
    /// denied"): the system makes a program say that it means to reach every machine on
    /// the network. Receiving broadcasts needs no option.
    pub broadcast: bool,
    /// `SO_RCVBUF`: the size, in bytes, of the queue where the system keeps datagrams that
    /// arrived and were not yet read with `recvfrom`.
    ///
    /// When the queue is full, new datagrams are dropped, silently: UDP does not slow the
    /// sender down the way TCP does, so a slow reader loses messages even on loopback.
    /// A bigger queue absorbs bursts. Linux doubles the value asked for (to leave room for
    /// its own bookkeeping) and caps it at `net.core.rmem_max`. `None` keeps the system's
    /// default.
    pub recv_buffer_size: Option<usize>,
    /// `SO_SNDBUF`: the size, in bytes, of the queue of datagrams waiting to leave.
    ///
    /// What happens to a datagram larger than this queue depends on the system. On BSD
    /// and macOS it is also the largest datagram the socket can send (`EMSGSIZE`,
    /// "Message too long"). Linux does not use it as a limit: with `SO_SNDBUF` set to
    /// 8192, a 60,000-byte datagram is still sent; a small queue there only makes
    /// `sendto` wait (or fail with `ENOBUFS`) while earlier datagrams are still leaving.
    /// `None` keeps the system's default.
    pub send_buffer_size: Option<usize>,
}

/// Why a UDP socket could not be set up: one variant per step.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    /// Step 1, `socket()`, failed (out of file descriptors, or no IPv6 on this machine).
    #[error("could not create a UDP socket for {addr}")]
    Create {
        /// The address the socket was for.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
    /// Setting a socket option failed.
    #[error("could not set {option} on the UDP socket")]
    Option {
        /// The option, e.g. `SO_BROADCAST`.
        option: &'static str,
        /// What the system said.
        source: io::Error,
    },
    /// Step 2, `bind()`, failed.
    #[error("could not bind UDP {addr}{}", netbasics::port::bind_hint(source))]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
}

impl From<SocketError> for io::Error {
    /// Keeps the system's error kind, so callers that only deal in `io::Error` can still
    /// tell "address in use" from the rest; the message keeps the step that failed.
    fn from(err: SocketError) -> io::Error {
        let kind = match &err {
            SocketError::Create { source, .. }
            | SocketError::Option { source, .. }
            | SocketError::Bind { source, .. } => source.kind(),
        };
        io::Error::new(kind, err)
    }
}

/// Step 1: creates a UDP socket for addresses of `addr`'s family (IPv4 or IPv6), with
/// `options`, and does not bind it.
///
/// `addr` only chooses the family: pass the address you will send to. The socket gets
/// its local port from the system on its first `send_to` (or `connect`), as in the
/// course's sender, which never calls `bind`.
///
/// # Errors
///
/// [`SocketError::Create`] or [`SocketError::Option`].
///
/// # Examples
///
/// ```
/// use udp_chat::socket::{self, Options};
///
/// let sock = socket::unbound("127.0.0.1:7788".parse().unwrap(), &Options::default()).unwrap();
/// // Not bound yet: the system reports the "any" address and port 0.
/// assert_eq!(sock.local_addr().unwrap(), "0.0.0.0:0".parse().unwrap());
/// ```
pub fn unbound(addr: SocketAddr, options: &Options) -> Result<UdpSocket, SocketError> {
    // 1. Create the socket: socket(AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_UDP).
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|source| SocketError::Create { addr, source })?;
    apply(&socket, options)?;
    Ok(socket.into())
}

/// Steps 1 and 2: creates a UDP socket with `options` and binds it to `addr`.
///
/// Port 0 asks the system to choose a free port; `local_addr()` then tells which.
/// The socket is ready to receive as soon as this returns: datagrams that arrive from
/// then on wait in its queue until they are read.
///
/// # Errors
///
/// [`SocketError::Create`], [`SocketError::Option`], or [`SocketError::Bind`] with a hint
/// (port in use, address not on this machine, privileged port).
///
/// # Examples
///
/// ```
/// use udp_chat::socket::{self, Options};
///
/// let sock = socket::bind("127.0.0.1:0".parse().unwrap(), &Options::default()).unwrap();
/// let port = sock.local_addr().unwrap().port();
/// assert_ne!(port, 0);
///
/// // A second socket cannot take the same port without SO_REUSEADDR.
/// let err = socket::bind(sock.local_addr().unwrap(), &Options::default()).unwrap_err();
/// assert!(err.to_string().contains("already uses this port"));
/// ```
pub fn bind(addr: SocketAddr, options: &Options) -> Result<UdpSocket, SocketError> {
    // 1. Create the socket, and set its options before bind (SO_REUSEADDR only counts
    //    if it is set before).
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))
        .map_err(|source| SocketError::Create { addr, source })?;
    apply(&socket, options)?;
    // 2. Bind: take this address and port, so that others can send to it.
    socket
        .bind(&SockAddr::from(addr))
        .map_err(|source| SocketError::Bind { addr, source })?;
    Ok(socket.into())
}

/// Sets the options that are asked for; leaves the others at the system's defaults.
fn apply(socket: &Socket, options: &Options) -> Result<(), SocketError> {
    let option = |option: &'static str| move |source| SocketError::Option { option, source };
    if options.reuse_address {
        socket
            .set_reuse_address(true)
            .map_err(option("SO_REUSEADDR"))?;
    }
    if options.broadcast {
        socket.set_broadcast(true).map_err(option("SO_BROADCAST"))?;
    }
    if let Some(size) = options.recv_buffer_size {
        socket
            .set_recv_buffer_size(size)
            .map_err(option("SO_RCVBUF"))?;
    }
    if let Some(size) = options.send_buffer_size {
        socket
            .set_send_buffer_size(size)
            .map_err(option("SO_SNDBUF"))?;
    }
    Ok(())
}

/// Why a peer's `HOST:PORT` gave no address to send to.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    /// The name could not be resolved.
    #[error("cannot find the address of '{peer}': {source}")]
    Resolve {
        /// The peer as given.
        peer: ServerAddr,
        /// The resolver's error.
        source: io::Error,
    },
    /// The name stands for no address at all.
    #[error("'{peer}' has no address")]
    NoAddress {
        /// The peer as given.
        peer: ServerAddr,
    },
    /// The peer's addresses are all of the other IP version than our socket's.
    #[error(
        "'{peer}' has no {family} address, and this socket ({local}) can only \
         send to {family}: give an {family} peer, or bind an address of the peer's kind"
    )]
    WrongFamily {
        /// The peer as given.
        peer: ServerAddr,
        /// Our socket's address.
        local: SocketAddr,
        /// `IPv4` or `IPv6`: the kind our socket speaks.
        family: &'static str,
    },
}

/// The address to send to for `peer`: the first of its addresses, of the same IP version
/// as our socket's `local` address when there is one (an IPv4 socket cannot send to an
/// IPv6 address, and `localhost` often means both `::1` and `127.0.0.1`). Without
/// `local`, the socket is made for the address chosen, so the first one will do.
///
/// # Errors
///
/// [`PeerError::Resolve`] for a name the resolver does not know,
/// [`PeerError::NoAddress`] for a name with no address,
/// [`PeerError::WrongFamily`] when the peer has no address our socket can reach.
///
/// # Examples
///
/// ```
/// use udp_chat::socket::{resolve_peer, PeerError};
///
/// let local = "127.0.0.1:7890".parse().unwrap();
/// let peer = "127.0.0.1:7891".parse().unwrap();
/// assert_eq!(resolve_peer(&peer, Some(local)).unwrap(), "127.0.0.1:7891".parse().unwrap());
///
/// let v6 = "[::1]:7891".parse().unwrap();
/// assert!(matches!(resolve_peer(&v6, Some(local)), Err(PeerError::WrongFamily { .. })));
/// assert_eq!(resolve_peer(&v6, None).unwrap(), "[::1]:7891".parse().unwrap());
/// ```
pub fn resolve_peer(peer: &ServerAddr, local: Option<SocketAddr>) -> Result<SocketAddr, PeerError> {
    let candidates = peer.resolve().map_err(|source| PeerError::Resolve {
        peer: peer.clone(),
        source,
    })?;
    let Some(local) = local else {
        return candidates
            .first()
            .copied()
            .ok_or_else(|| PeerError::NoAddress { peer: peer.clone() });
    };
    if candidates.is_empty() {
        return Err(PeerError::NoAddress { peer: peer.clone() });
    }
    candidates
        .into_iter()
        .find(|addr| addr.is_ipv4() == local.is_ipv4())
        .ok_or_else(|| PeerError::WrongFamily {
            peer: peer.clone(),
            local,
            family: if local.is_ipv4() { "IPv4" } else { "IPv6" },
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> SocketAddr {
        "127.0.0.1:0".parse().unwrap()
    }

    #[test]
    fn bind_port_zero_gets_a_real_port() {
        let sock = bind(loopback(), &Options::default()).unwrap();
        let addr = sock.local_addr().unwrap();
        assert_eq!(addr.ip(), loopback().ip());
        assert_ne!(addr.port(), 0);
    }

    #[test]
    fn bind_ipv6_loopback() {
        // Some machines have IPv6 switched off: that is a Create or Bind error, not a panic.
        match bind("[::1]:0".parse().unwrap(), &Options::default()) {
            Ok(sock) => assert!(sock.local_addr().unwrap().is_ipv6()),
            Err(err) => assert!(matches!(
                err,
                SocketError::Create { .. } | SocketError::Bind { .. }
            )),
        }
    }

    #[test]
    fn second_bind_fails_without_reuse_address() {
        let first = bind(loopback(), &Options::default()).unwrap();
        let err = bind(first.local_addr().unwrap(), &Options::default()).unwrap_err();
        assert!(matches!(err, SocketError::Bind { .. }));
        let io: io::Error = err.into();
        assert_eq!(io.kind(), io::ErrorKind::AddrInUse);
    }

    #[test]
    fn reuse_address_lets_two_sockets_share_a_port() {
        let options = Options {
            reuse_address: true,
            ..Options::default()
        };
        let first = bind(loopback(), &options).unwrap();
        let second = bind(first.local_addr().unwrap(), &options).unwrap();
        assert_eq!(first.local_addr().unwrap(), second.local_addr().unwrap());
    }

    #[test]
    fn address_not_on_this_machine_has_a_hint() {
        // 192.0.2.1 is TEST-NET-1 (documentation only): never assigned to a machine, and
        // binding it sends nothing.
        let err = bind("192.0.2.1:0".parse().unwrap(), &Options::default()).unwrap_err();
        assert!(err.to_string().contains("no such address"), "{err}");
    }

    #[test]
    fn options_are_set() {
        let options = Options {
            broadcast: true,
            recv_buffer_size: Some(64 * 1024),
            send_buffer_size: Some(64 * 1024),
            ..Options::default()
        };
        let sock = bind(loopback(), &options).unwrap();
        assert!(sock.broadcast().unwrap());
        let sock2 = socket2::SockRef::from(&sock);
        // The system may round or double the sizes; it never gives less than asked here.
        assert!(sock2.recv_buffer_size().unwrap() >= 64 * 1024);
        assert!(sock2.send_buffer_size().unwrap() >= 64 * 1024);
    }

    #[test]
    fn default_options_set_nothing() {
        let sock = bind(loopback(), &Options::default()).unwrap();
        assert!(!sock.broadcast().unwrap());
        assert!(!socket2::SockRef::from(&sock).reuse_address().unwrap());
    }

    #[test]
    fn unbound_gets_a_port_on_first_send() {
        let receiver = bind(loopback(), &Options::default()).unwrap();
        let to = receiver.local_addr().unwrap();
        let sender = unbound(to, &Options::default()).unwrap();
        assert_eq!(sender.local_addr().unwrap().port(), 0);
        sender.send_to(b"hi", to).unwrap();
        let port = sender.local_addr().unwrap().port();
        assert_ne!(port, 0);
        let mut buf = [0; 16];
        let (n, from) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"hi");
        assert_eq!(from.port(), port);
    }
}
