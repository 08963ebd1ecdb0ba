//! Broadcast (广播): one datagram that every machine on the network receives.
//!
//! Only UDP can broadcast: a TCP connection joins exactly two programs. The sender sends
//! one datagram to a *broadcast address*; the switch copies it to every port, and every
//! machine on the network hands it to whichever program has bound the destination port.
//! (The course pictures the alternative, the sender sending one copy per receiver, and
//! rightly calls it slow.)
//!
//! Two kinds of broadcast address:
//!
//! - the **limited broadcast** `255.255.255.255` ([`LIMITED_BROADCAST`]): "every machine on
//!   the network I am attached to". Routers never forward it. With several interfaces,
//!   the system picks one (by its routing table) to send it on.
//! - a **directed broadcast**: a network's own broadcast address, all host bits set to 1,
//!   such as `192.168.1.255` for `192.168.1.0/24` ([`directed_broadcast`]). It names the
//!   network, so it goes out on the interface that network is on.
//!
//! Python's special host name `'<broadcast>'`, which the course's example uses, is the
//! *limited* broadcast: Python turns it into `INADDR_BROADCAST`, 255.255.255.255. It does
//! not work out the current network's (directed) broadcast address, as the course says.
//!
//! Sending to either needs the `SO_BROADCAST` socket option
//! ([`crate::socket::Options::broadcast`]); without it the system refuses with `EACCES`,
//! "Permission denied" ([`BroadcastError::NotPermitted`]), so that no program floods the
//! network by accident. Receiving a broadcast needs no option, but the receiver must be
//! bound to the *any* address `0.0.0.0` (or to the broadcast address itself): a socket
//! bound to one unicast address only gets datagrams sent to that address.
//!
//! On loopback, `127.255.255.255` is the directed broadcast of `127.0.0.0/8`, and Linux
//! delivers it on `lo` to sockets bound to `0.0.0.0` or to `127.255.255.255` itself. The
//! tests use that: they never broadcast to a real network.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use netbasics::interfaces::{IfAddr, Interface};
use netbasics::ipv4net::NetError;
use netbasics::Ipv4Net;

use crate::datagram::{self, Received, RecvError, SendError, DEFAULT_BUFFER};

/// The limited broadcast address, `255.255.255.255` (Python's `'<broadcast>'`).
pub const LIMITED_BROADCAST: Ipv4Addr = Ipv4Addr::BROADCAST;

/// Why a broadcast could not be sent, or its address not found.
#[derive(Debug, thiserror::Error)]
pub enum BroadcastError {
    /// The address of a network of two (/31) or one (/32) has no broadcast address.
    #[error(
        "{net} has no broadcast address: a /31 or /32 network has no address left over \
         for broadcast"
    )]
    NoBroadcast {
        /// The network.
        net: Ipv4Net,
    },
    /// The network could not be worked out (a bad netmask).
    #[error(transparent)]
    Net(#[from] NetError),
    /// No interface has this name.
    #[error("there is no interface named '{name}': this machine has {}", known.join(", "))]
    NoSuchInterface {
        /// The name asked for.
        name: String,
        /// The names there are.
        known: Vec<String>,
    },
    /// The interface has no IPv4 address with a netmask (IPv6 has no broadcast at all).
    #[error(
        "interface '{name}' has no IPv4 address with a netmask, so no broadcast address \
         (IPv6 has no broadcast; it uses multicast instead)"
    )]
    NoIpv4 {
        /// The interface.
        name: String,
    },
    /// The interfaces could not be listed.
    #[error("could not list the network interfaces")]
    Interfaces(#[source] io::Error),
    /// The system refused to send to a broadcast address: `SO_BROADCAST` is not set.
    #[error(
        "sending to the broadcast address {to} was refused with \"Permission denied\" \
         (EACCES): a socket must set the SO_BROADCAST option before it may broadcast \
         (Python: s.setsockopt(SOL_SOCKET, SO_BROADCAST, 1))"
    )]
    NotPermitted {
        /// The broadcast address.
        to: SocketAddr,
    },
    /// Any other failure to send.
    #[error(transparent)]
    Send(SendError),
}

/// The directed broadcast address of the network `addr/prefix`: the network's address
/// with every host bit set to 1.
///
/// # Errors
///
/// [`BroadcastError::Net`] for a prefix over 32; [`BroadcastError::NoBroadcast`] for /31
/// and /32.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use udp_chat::broadcast::directed_broadcast;
///
/// let b = directed_broadcast(Ipv4Addr::new(192, 168, 1, 17), 24).unwrap();
/// assert_eq!(b, Ipv4Addr::new(192, 168, 1, 255));
/// // Loopback is 127.0.0.0/8.
/// assert_eq!(directed_broadcast(Ipv4Addr::LOCALHOST, 8).unwrap(), Ipv4Addr::new(127, 255, 255, 255));
/// assert!(directed_broadcast(Ipv4Addr::new(10, 0, 0, 1), 31).is_err());
/// ```
pub fn directed_broadcast(addr: Ipv4Addr, prefix: u8) -> Result<Ipv4Addr, BroadcastError> {
    let net = Ipv4Net::new(addr, prefix)?;
    if net.prefix_len() >= 31 {
        return Err(BroadcastError::NoBroadcast { net });
    }
    Ok(net.broadcast())
}

/// The directed broadcast address of interface `name`'s first IPv4 address, picked from
/// `interfaces` (as [`netbasics::interfaces::interfaces`] lists them).
///
/// # Errors
///
/// [`BroadcastError::NoSuchInterface`], [`BroadcastError::NoIpv4`], or the errors of
/// [`directed_broadcast`].
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::interfaces::{IfAddr, Interface};
/// use udp_chat::broadcast::interface_broadcast;
///
/// let lo = Interface {
///     name: "lo".into(), index: Some(1), mac: None, up: true, loopback: true,
///     flags: vec!["UP".into(), "LOOPBACK".into()],
///     addrs: vec![IfAddr { addr: "127.0.0.1".parse().unwrap(), prefix: Some(8), broadcast: None }],
/// };
/// let interfaces = [lo];
/// assert_eq!(interface_broadcast(&interfaces, "lo").unwrap(), Ipv4Addr::new(127, 255, 255, 255));
/// let err = interface_broadcast(&interfaces, "eth9").unwrap_err();
/// assert_eq!(err.to_string(), "there is no interface named 'eth9': this machine has lo");
/// ```
pub fn interface_broadcast(
    interfaces: &[Interface],
    name: &str,
) -> Result<Ipv4Addr, BroadcastError> {
    let interface = interfaces.iter().find(|i| i.name == name).ok_or_else(|| {
        BroadcastError::NoSuchInterface {
            name: name.to_string(),
            known: interfaces.iter().map(|i| i.name.clone()).collect(),
        }
    })?;
    let (addr, prefix) = interface
        .addrs
        .iter()
        .find_map(|a: &IfAddr| match (a.addr, a.prefix) {
            (std::net::IpAddr::V4(v4), Some(prefix)) => Some((v4, prefix)),
            _ => None,
        })
        .ok_or_else(|| BroadcastError::NoIpv4 {
            name: name.to_string(),
        })?;
    directed_broadcast(addr, prefix)
}

/// Like [`interface_broadcast`], with this machine's interfaces.
///
/// # Errors
///
/// [`BroadcastError::Interfaces`] when they cannot be listed, and those of
/// [`interface_broadcast`].
pub fn local_interface_broadcast(name: &str) -> Result<Ipv4Addr, BroadcastError> {
    let interfaces = netbasics::interfaces::interfaces().map_err(BroadcastError::Interfaces)?;
    interface_broadcast(&interfaces, name)
}

/// Sends `data` as one datagram to the broadcast address `to`.
///
/// The socket must have `SO_BROADCAST` set; this function does not set it, so that what
/// happens without it can be seen.
///
/// # Errors
///
/// [`BroadcastError::NotPermitted`] without `SO_BROADCAST`; [`BroadcastError::Send`]
/// otherwise.
///
/// # Examples
///
/// ```
/// use udp_chat::broadcast::{send, BroadcastError};
/// use udp_chat::socket::{self, Options};
///
/// // 127.255.255.255 is loopback's own broadcast address: nothing leaves this machine.
/// let to = "127.255.255.255:9".parse().unwrap();
/// let plain = socket::bind("127.0.0.1:0".parse().unwrap(), &Options::default()).unwrap();
/// let err = send(&plain, b"hi", to).unwrap_err();
/// assert!(matches!(err, BroadcastError::NotPermitted { .. }));
///
/// let options = Options { broadcast: true, ..Options::default() };
/// let allowed = socket::bind("127.0.0.1:0".parse().unwrap(), &options).unwrap();
/// send(&allowed, b"hi", to).unwrap();
/// ```
pub fn send(socket: &UdpSocket, data: &[u8], to: SocketAddr) -> Result<(), BroadcastError> {
    datagram::send_to(socket, data, to).map_err(|err| match err {
        SendError::Io { source, .. } if source.kind() == io::ErrorKind::PermissionDenied => {
            BroadcastError::NotPermitted { to }
        }
        other => BroadcastError::Send(other),
    })
}

/// Receives replies on `socket` for `wait`, calling `on_reply` for each, until the time is
/// up or `on_reply` returns `ControlFlow::Break`. Returns how many replies came.
///
/// Uses the socket's read timeout (and leaves it set).
///
/// # Errors
///
/// [`RecvError::Io`] or [`RecvError::NothingListening`] when receiving fails (a timeout
/// is the normal end, not an error).
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use std::ops::ControlFlow;
/// use std::time::Duration;
/// use udp_chat::broadcast::collect_replies;
///
/// let me = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let other = UdpSocket::bind("127.0.0.1:0").unwrap();
/// other.send_to(b"here", me.local_addr().unwrap()).unwrap();
/// let mut replies = Vec::new();
/// let n = collect_replies(&me, Duration::from_secs(5), |got, data| {
///     replies.push((got.from, data.to_vec()));
///     ControlFlow::Break(()) // one is enough here
/// }).unwrap();
/// assert_eq!(n, 1);
/// assert_eq!(replies, [(other.local_addr().unwrap(), b"here".to_vec())]);
/// ```
pub fn collect_replies(
    socket: &UdpSocket,
    wait: Duration,
    mut on_reply: impl FnMut(&Received, &[u8]) -> ControlFlow<()>,
) -> Result<usize, RecvError> {
    let deadline = Instant::now() + wait;
    let mut buf = vec![0; DEFAULT_BUFFER];
    let mut count = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        // A zero timeout means "wait forever" to the system (and Rust refuses it).
        if left.is_zero() {
            return Ok(count);
        }
        socket.set_read_timeout(Some(left)).map_err(RecvError::Io)?;
        match datagram::recv_from(socket, &mut buf) {
            Ok(got) => {
                count += 1;
                if on_reply(&got, &buf[..got.kept]).is_break() {
                    return Ok(count);
                }
            }
            Err(RecvError::Timeout) => return Ok(count),
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{self, Options};

    fn interface(name: &str, addrs: &[(&str, Option<u8>)]) -> Interface {
        Interface {
            name: name.into(),
            index: None,
            mac: None,
            up: true,
            loopback: false,
            flags: vec![],
            addrs: addrs
                .iter()
                .map(|(a, prefix)| IfAddr {
                    addr: a.parse().unwrap(),
                    prefix: *prefix,
                    broadcast: None,
                })
                .collect(),
        }
    }

    #[test]
    fn directed_broadcasts() {
        let cases = [
            ("10.1.2.3", 8, "10.255.255.255"),
            ("172.16.5.4", 12, "172.31.255.255"),
            ("192.168.1.17", 30, "192.168.1.19"),
            ("1.2.3.4", 0, "255.255.255.255"),
        ];
        for (addr, prefix, want) in cases {
            let got = directed_broadcast(addr.parse().unwrap(), prefix).unwrap();
            assert_eq!(got, want.parse::<Ipv4Addr>().unwrap(), "{addr}/{prefix}");
        }
    }

    #[test]
    fn bad_prefixes() {
        let a = Ipv4Addr::new(10, 0, 0, 1);
        assert!(matches!(
            directed_broadcast(a, 33),
            Err(BroadcastError::Net(_))
        ));
        for prefix in [31, 32] {
            let err = directed_broadcast(a, prefix).unwrap_err();
            assert!(err.to_string().contains("no broadcast address"), "{err}");
        }
    }

    #[test]
    fn interface_picks_the_first_ipv4_address_with_a_prefix() {
        let eth = interface(
            "eth0",
            &[
                ("fe80::1", Some(64)),
                ("192.168.7.9", None),
                ("192.168.1.17", Some(24)),
            ],
        );
        assert_eq!(
            interface_broadcast(&[eth], "eth0").unwrap(),
            Ipv4Addr::new(192, 168, 1, 255)
        );
    }

    #[test]
    fn interface_without_ipv4() {
        let v6 = interface("tun0", &[("fe80::1", Some(64))]);
        let err = interface_broadcast(&[v6], "tun0").unwrap_err();
        assert!(matches!(err, BroadcastError::NoIpv4 { .. }));
        assert!(err.to_string().contains("IPv6 has no broadcast"));
    }

    #[test]
    fn no_interfaces_at_all() {
        let err = interface_broadcast(&[], "lo").unwrap_err();
        assert!(matches!(err, BroadcastError::NoSuchInterface { .. }));
    }

    #[test]
    fn loopback_broadcast_reaches_a_socket_bound_to_the_broadcast_address() {
        // Bound to 127.255.255.255 (not 0.0.0.0: tests stay off other interfaces).
        let receiver = match UdpSocket::bind("127.255.255.255:0") {
            Ok(s) => s,
            Err(err) => {
                eprintln!("skipped: cannot bind 127.255.255.255 here: {err}");
                return;
            }
        };
        let to = receiver.local_addr().unwrap();
        let options = Options {
            broadcast: true,
            ..Options::default()
        };
        let sender = socket::unbound(to, &options).unwrap();
        send(&sender, b"to all", to).unwrap();
        receiver
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0; 64];
        let (n, from) = receiver.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"to all");
        assert_eq!(from.port(), sender.local_addr().unwrap().port());
    }

    #[test]
    fn collect_replies_ends_when_the_time_is_up() {
        let me = UdpSocket::bind("127.0.0.1:0").unwrap();
        let n = collect_replies(&me, Duration::from_millis(10), |_, _| {
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(n, 0);
        assert_eq!(
            collect_replies(&me, Duration::ZERO, |_, _| ControlFlow::Continue(())).unwrap(),
            0
        );
    }
}
