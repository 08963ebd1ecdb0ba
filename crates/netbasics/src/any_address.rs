//! The "any" address (通配地址): `0.0.0.0` for IPv4, `::` for IPv6.
//!
//! A server that binds `0.0.0.0` (Python's `bind(("", port))`, the C constant
//! `INADDR_ANY`) listens on **every** address of the machine at once: loopback, the LAN,
//! anything else it has. It is an address for `bind`, not a destination: nobody can
//! connect or send *to* `0.0.0.0`. A program on the same machine that wants to reach
//! such a socket (to wake a server blocked in `accept`, say) uses loopback of the same
//! family instead, which [`connectable`] gives.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The address to connect or send to, from this machine, to reach a socket bound to
/// `bound`: `0.0.0.0` becomes `127.0.0.1` and `::` becomes `::1`, with the same port;
/// any other address is already a destination and is returned as it is.
///
/// # Examples
///
/// ```
/// use netbasics::any_address::connectable;
///
/// let to = |s: &str| connectable(s.parse().unwrap()).to_string();
/// assert_eq!(to("0.0.0.0:8888"), "127.0.0.1:8888");
/// assert_eq!(to("[::]:8888"), "[::1]:8888");
/// assert_eq!(to("127.0.0.1:8888"), "127.0.0.1:8888");
/// assert_eq!(to("[::1]:80"), "[::1]:80");
/// ```
pub fn connectable(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}
