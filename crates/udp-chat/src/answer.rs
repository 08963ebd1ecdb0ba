//! Whom a UDP program may answer on its own: the rule that keeps answers from looping.
//!
//! An echo server answers every datagram, and the answer goes to the datagram's source
//! address. But the source is whatever the sender wrote in the IP and UDP headers, and
//! UDP has no handshake to check it (TCP has: a forged source never answers the
//! SYN-ACK, so no connection is made). One forged datagram can therefore aim the answer
//! anywhere, and when "anywhere" answers datagrams too, the two answer each other for
//! ever:
//!
//! ```text
//!   attacker --"hi", source 10.0.0.2:7 (forged)--> echo server A, 10.0.0.1:7
//!   A --"hi"--> 10.0.0.2:7, echo server B
//!   B --"hi"--> A --"hi"--> B --"hi"--> A ...   no end: every echo is echoed
//! ```
//!
//! With the server's own address as the forged source, one server is enough: it echoes
//! to itself, receives its own echo, echoes that, at full speed, until it is killed. This
//! is the "loop DoS" against UDP services (CVE-2024-2169, CERT/CC VU#417980, 2024), found
//! in echo, chargen, QOTD, daytime, time, DNS, NTP and TFTP programs; echo and chargen set
//! on each other were CERT's advisory CA-1996-01 in 1996.
//!
//! # The rule
//!
//! [`should_answer`] says whether an automatic answer may go to a datagram's source. It
//! refuses, in this order:
//!
//! | the source | why not answer | [`Refusal`] |
//! |---|---|---|
//! | port 0 | no program sends from port 0 (to `bind`, 0 means "any port"): the datagram is forged, and an answer cannot even be delivered | [`PortZero`](Refusal::PortZero) |
//! | 0.0.0.0, `::`, a multicast address, 255.255.255.255 | no single program sends from those; an answer to a group reaches every member, and each may answer | [`NotOneHost`](Refusal::NotOneHost) |
//! | one of our own addresses, with our port | the answer would come back to us, be answered again, and so on | [`Ourselves`](Refusal::Ourselves) |
//! | our port, from any other address | clients send from a port the system picks for them; a datagram from our own service's port comes from another server like us, and the two would answer each other | [`OurPort`](Refusal::OurPort) (not for a [shared port](Local::sharing_port)) |
//! | a port below 1024 | the system ports, where services live and from which no client sends (below) | [`AnsweringService`](Refusal::AnsweringService) or [`SystemPort`](Refusal::SystemPort) |
//!
//! ## Why every port below 1024
//!
//! The ports 0-1023 are the system ports: echo is 7, DNS 53, NTP 123. A client never
//! sends from one: its port is picked by the system from the ephemeral range (Linux
//! 32768-60999, IANA 49152-65535), and binding a port below 1024 needs root (on Linux,
//! the capability `CAP_NET_BIND_SERVICE`). So a datagram from below 1024 is an answer
//! from a service (a DNS reply, an NTP reply, an echo) or forged to look like one, and
//! answering it is how a loop starts, never what a client asked for. That is the advice
//! of the researchers who found CVE-2024-2169: serve only clients with ephemeral source
//! ports. Refusing the whole range, rather than a list, also covers the services nobody
//! thought of. The log names the service the source claims to be when it is one that
//! answers any datagram it gets ([`ANSWERING_SERVICES`]).
//!
//! ## What the rule cannot catch
//!
//! Two servers that answer each other on ports above 1023 that are not ours (our echo
//! server on 7088 and someone's other echo on 9999, say) can still be set bouncing by
//! one forged datagram: nothing in a datagram tells such a server from a client. The
//! defences there lie elsewhere: a server binds loopback unless asked otherwise (the
//! servers here do), and a protocol whose answers are never answered cannot loop (IP
//! Messenger's receipts: [`crate::ipmsg::reply`]).
//!
//! ## Who "we" are
//!
//! [`Local`] is the address the socket is bound to. Bound to one address (`127.0.0.1`),
//! that address. Bound to every address (`0.0.0.0` or `::`), a datagram reaches us at any
//! address of the machine, so all of them count: the whole of 127.0.0.0/8 (Linux answers
//! for the whole block), `::1`, and the addresses of this machine's interfaces as listed
//! when the program starts ([`netbasics::interfaces`]). An IPv4 address seen by an IPv6
//! socket (`::ffff:127.0.0.1`) is compared as the IPv4 address it is.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

#[cfg(test)]
mod tests;

/// The first port a client can send from: ports below are the system ports (0-1023).
pub const FIRST_CLIENT_PORT: u16 = 1024;

/// The well-known services that answer a datagram, whatever it holds, by port: the ones
/// a forged source names to start a loop. Only for the log's reason: every port below
/// [`FIRST_CLIENT_PORT`] is refused, listed here or not.
///
/// The five old "simple services" answer anything (echo, RFC 862; daytime, RFC 867; QOTD,
/// RFC 865; chargen, RFC 864; time, RFC 868); DNS, TFTP and NTP implementations answer a
/// malformed request with an error and were found looping that way (CVE-2024-2169); SNMP
/// answers requests with an error too, and is a classic reflector.
#[rustfmt::skip] // one service per line reads as a table
pub const ANSWERING_SERVICES: [(u16, &str); 9] = [
    (7, "echo"),
    (13, "daytime"),
    (17, "qotd"),
    (19, "chargen"),
    (37, "time"),
    (53, "dns"),
    (69, "tftp"),
    (123, "ntp"),
    (161, "snmp"),
];

/// Why a datagram gets no answer: the reason, as a clause for a log line
/// (`127.0.0.1:7 refused: source port 7 is a service that answers (echo): answering
/// could start a loop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The source port is 0.
    #[error("source port 0 is no program's port: the datagram is forged")]
    PortZero,
    /// The source is not one host: unspecified, multicast or the limited broadcast.
    #[error(
        "source {ip} is not one host (an unspecified, multicast or broadcast address): \
         the datagram is forged"
    )]
    NotOneHost {
        /// The source address.
        ip: IpAddr,
    },
    /// The source is our own address and port.
    #[error(
        "the source is this socket's own address: the answer would come back to us, \
         and be answered again, for ever"
    )]
    Ourselves,
    /// The source port is our own service's port, on another address.
    #[error(
        "source port {port} is this server's own port, so it comes from another server \
         like this one: answering could start a loop"
    )]
    OurPort {
        /// The port.
        port: u16,
    },
    /// The source port is a well-known service that answers datagrams.
    #[error("source port {port} is a service that answers ({name}): answering could start a loop")]
    AnsweringService {
        /// The port.
        port: u16,
        /// The service's name, from [`ANSWERING_SERVICES`].
        name: &'static str,
    },
    /// The source port is another system port (below 1024).
    #[error(
        "source port {port} is a system port (below 1024), where services live and from \
         which no client sends: answering could start a loop"
    )]
    SystemPort {
        /// The port.
        port: u16,
    },
}

/// Who we are, for [`should_answer`]: the address our socket is bound to, the machine's
/// addresses when that is "any address", and whether our port is shared by the members
/// of our protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// The address the socket is bound to.
    addr: SocketAddr,
    /// When `addr` is 0.0.0.0 or `::`: this machine's addresses (canonical: IPv4 as
    /// IPv4). Loopback addresses need not be listed: they are always ours.
    machine: Vec<IpAddr>,
    /// Whether datagrams from our port are normal (every member of the protocol sends
    /// from it), so that [`Refusal::OurPort`] does not apply.
    port_shared: bool,
}

impl Local {
    /// Who a socket bound to `addr` is. When `addr` is 0.0.0.0 or `::`, this machine's
    /// interface addresses are listed now ([`netbasics::interfaces`]); if they cannot be
    /// (Windows has no `getifaddrs`), loopback alone counts as ours.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::answer::Local;
    ///
    /// let local = Local::new("127.0.0.1:7088".parse().unwrap());
    /// assert!(local.is_us("127.0.0.1:7088".parse().unwrap()));
    /// assert!(!local.is_us("127.0.0.1:50000".parse().unwrap()));
    /// ```
    pub fn new(addr: SocketAddr) -> Local {
        let machine = if addr.ip().is_unspecified() {
            netbasics::interfaces::interfaces()
                .map(|interfaces| {
                    interfaces
                        .iter()
                        .flat_map(|interface| interface.addrs.iter().map(|a| a.addr))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Local::with_machine_addresses(addr, machine)
    }

    /// Like [`Local::new`], with this machine's addresses given instead of looked up.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::answer::Local;
    ///
    /// let local = Local::with_machine_addresses(
    ///     "0.0.0.0:7088".parse().unwrap(),
    ///     vec!["192.168.1.20".parse().unwrap()],
    /// );
    /// assert!(local.is_us("192.168.1.20:7088".parse().unwrap()));
    /// assert!(local.is_us("127.0.0.9:7088".parse().unwrap())); // loopback, always ours
    /// assert!(!local.is_us("192.168.1.21:7088".parse().unwrap()));
    /// ```
    pub fn with_machine_addresses(addr: SocketAddr, machine: Vec<IpAddr>) -> Local {
        Local {
            addr,
            machine: machine.into_iter().map(|ip| ip.to_canonical()).collect(),
            port_shared: false,
        }
    }

    /// The same, for a protocol whose members all send from one port (IP Messenger's
    /// 2425): a datagram from our port on another address is then a member, not a
    /// server to keep away from ([`Refusal::OurPort`] no longer applies). Such a
    /// protocol must make sure by itself that an answer is never answered.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::answer::{should_answer, Local, Refusal};
    ///
    /// let member = "127.0.0.2:2425".parse().unwrap();
    /// let local = Local::new("127.0.0.1:2425".parse().unwrap());
    /// assert_eq!(should_answer(member, &local), Err(Refusal::OurPort { port: 2425 }));
    /// assert_eq!(should_answer(member, &local.sharing_port()), Ok(()));
    /// ```
    pub fn sharing_port(self) -> Local {
        Local {
            port_shared: true,
            ..self
        }
    }

    /// The address the socket is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether `from` is our own socket: our port, at an address that reaches us.
    pub fn is_us(&self, from: SocketAddr) -> bool {
        from.port() == self.addr.port() && self.is_our_ip(from.ip().to_canonical())
    }

    /// Whether a datagram sent to `ip` (canonical) on our port would reach our socket.
    fn is_our_ip(&self, ip: IpAddr) -> bool {
        let bound = self.addr.ip().to_canonical();
        if bound.is_unspecified() {
            ip.is_loopback() || self.machine.contains(&ip)
        } else {
            ip == bound
        }
    }
}

/// Whether a program bound as `local` may answer a datagram from `from` on its own (an
/// echo, a receipt, a greeting): `Ok(())`, or the [`Refusal`] that says why not. The
/// rule is in the [module docs](self).
///
/// # Examples
///
/// ```
/// use udp_chat::answer::{should_answer, Local, Refusal};
///
/// let local = Local::new("127.0.0.1:7088".parse().unwrap());
/// let check = |from: &str| should_answer(from.parse().unwrap(), &local);
///
/// assert_eq!(check("127.0.0.1:50001"), Ok(())); // a client
/// assert_eq!(check("127.0.0.1:7088"), Err(Refusal::Ourselves));
/// assert_eq!(check("127.0.0.2:7088"), Err(Refusal::OurPort { port: 7088 }));
/// assert_eq!(check("127.0.0.1:0"), Err(Refusal::PortZero));
/// assert_eq!(
///     check("127.0.0.1:7").unwrap_err().to_string(),
///     "source port 7 is a service that answers (echo): answering could start a loop"
/// );
/// assert_eq!(check("127.0.0.1:500"), Err(Refusal::SystemPort { port: 500 }));
/// ```
pub fn should_answer(from: SocketAddr, local: &Local) -> Result<(), Refusal> {
    let port = from.port();
    let ip = from.ip().to_canonical();
    if port == 0 {
        return Err(Refusal::PortZero);
    }
    if ip.is_unspecified() || ip.is_multicast() || ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
        return Err(Refusal::NotOneHost { ip });
    }
    if local.is_us(from) {
        return Err(Refusal::Ourselves);
    }
    if port == local.addr.port() && !local.port_shared {
        return Err(Refusal::OurPort { port });
    }
    if port < FIRST_CLIENT_PORT {
        return Err(match answering_service(port) {
            Some(name) => Refusal::AnsweringService { port, name },
            None => Refusal::SystemPort { port },
        });
    }
    Ok(())
}

/// The name of the answering service on `port`, if it is one of [`ANSWERING_SERVICES`].
fn answering_service(port: u16) -> Option<&'static str> {
    ANSWERING_SERVICES
        .iter()
        .find(|(p, _)| *p == port)
        .map(|(_, name)| *name)
}
