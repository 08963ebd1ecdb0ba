//! This machine's network interfaces (网卡, 网络接口): what `ifconfig` (Linux, macOS)
//! and `ipconfig` (Windows) show.
//!
//! An *interface* is where the machine meets a network: a network card (`eth0`,
//! `enp3s0`, `en0`), a Wi-Fi card (`wlan0`), or a virtual one such as the loopback
//! interface `lo`, which carries `127.0.0.1` and `::1` and never leaves the machine.
//! Each interface has
//!
//! - a name and an index (the kernel's number for it),
//! - flags (`UP`: switched on; `RUNNING`: the link works; `LOOPBACK`; `BROADCAST`;
//!   `MULTICAST`; ...),
//! - usually a MAC address (Ethernet and Wi-Fi have one, loopback and tunnels do not),
//! - any number of IP addresses, each with its netmask (written as a prefix, `/24`)
//!   and, for IPv4 on a broadcast network, a broadcast address.
//!
//! The list comes from `getifaddrs()` (through the `nix` crate, which wraps it safely).
//! It returns one record per interface *and address*, so the records are grouped here by
//! interface name. The MAC address is in the interface's link-layer record
//! (`AF_PACKET` on Linux, `AF_LINK` on the BSDs and macOS). Windows has no
//! `getifaddrs()`: there [`interfaces`] says to use `ipconfig /all`.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::mac::MacAddr;

/// One network interface and its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The interface's name, such as `lo`, `eth0` or `en0`.
    pub name: String,
    /// The kernel's number for the interface (`ip link` shows it first), if it has one.
    /// Linux alias labels such as `eth0:1` have none of their own.
    pub index: Option<u32>,
    /// The hardware address, for interfaces that have one (not loopback, not tunnels).
    pub mac: Option<MacAddr>,
    /// Whether the interface is switched on (the `UP` flag).
    pub up: bool,
    /// Whether this is a loopback interface (the `LOOPBACK` flag).
    pub loopback: bool,
    /// All the flags, by name: `UP`, `BROADCAST`, `LOOPBACK`, `RUNNING`, `MULTICAST`, ...
    pub flags: Vec<String>,
    /// The IPv4 and IPv6 addresses, in the order the system lists them.
    pub addrs: Vec<IfAddr>,
}

/// An address on an interface, with the size of its network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IfAddr {
    /// The address itself.
    pub addr: IpAddr,
    /// The prefix length worked out from the netmask (`255.255.255.0` is 24); `None` if
    /// the system gave no netmask or a non-contiguous one (such as `255.0.255.0`).
    pub prefix: Option<u8>,
    /// The broadcast address (IPv4 on broadcast networks only; IPv6 has no broadcast).
    pub broadcast: Option<IpAddr>,
}

impl IfAddr {
    /// The netmask, from the prefix: `/24` is `255.255.255.0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::interfaces::IfAddr;
    /// let a = IfAddr { addr: "192.168.1.20".parse()?, prefix: Some(24), broadcast: None };
    /// assert_eq!(a.netmask(), Some("255.255.255.0".parse()?));
    /// let b = IfAddr { addr: "fe80::1".parse()?, prefix: Some(64), broadcast: None };
    /// assert_eq!(b.netmask(), Some("ffff:ffff:ffff:ffff::".parse()?));
    /// let c = IfAddr { prefix: None, ..a };
    /// assert_eq!(c.netmask(), None);
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    pub fn netmask(&self) -> Option<IpAddr> {
        let prefix = u32::from(self.prefix?);
        match self.addr {
            IpAddr::V4(_) => Some(IpAddr::V4(Ipv4Addr::from(v4_mask(prefix)?))),
            IpAddr::V6(_) => Some(IpAddr::V6(Ipv6Addr::from(v6_mask(prefix)?))),
        }
    }

    /// The network address: the address with its host bits cleared (`addr & mask`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::interfaces::IfAddr;
    /// let a = IfAddr { addr: "192.168.1.20".parse()?, prefix: Some(24), broadcast: None };
    /// assert_eq!(a.network(), Some("192.168.1.0".parse()?));
    /// let lo = IfAddr { addr: "127.0.0.1".parse()?, prefix: Some(8), broadcast: None };
    /// assert_eq!(lo.network(), Some("127.0.0.0".parse()?));
    /// let v6 = IfAddr { addr: "2001:db8::42".parse()?, prefix: Some(32), broadcast: None };
    /// assert_eq!(v6.network(), Some("2001:db8::".parse()?));
    /// # Ok::<(), std::net::AddrParseError>(())
    /// ```
    pub fn network(&self) -> Option<IpAddr> {
        let prefix = u32::from(self.prefix?);
        match self.addr {
            IpAddr::V4(a) => Some(IpAddr::V4(Ipv4Addr::from(u32::from(a) & v4_mask(prefix)?))),
            IpAddr::V6(a) => Some(IpAddr::V6(Ipv6Addr::from(u128::from(a) & v6_mask(prefix)?))),
        }
    }
}

/// The IPv4 netmask with `prefix` leading one bits, or `None` above 32.
fn v4_mask(prefix: u32) -> Option<u32> {
    match prefix {
        // Shifting a u32 by 32 is an error in Rust, so /0 is its own case.
        0 => Some(0),
        1..=32 => Some(u32::MAX << (32 - prefix)),
        _ => None,
    }
}

/// The IPv6 netmask with `prefix` leading one bits, or `None` above 128.
fn v6_mask(prefix: u32) -> Option<u128> {
    match prefix {
        0 => Some(0),
        1..=128 => Some(u128::MAX << (128 - prefix)),
        _ => None,
    }
}

/// The prefix length of a netmask: how many 1 bits it starts with.
///
/// A netmask must be a run of 1 bits followed only by 0 bits; anything else
/// (`255.0.255.0`) gives `None`.
///
/// # Examples
///
/// ```
/// use netbasics::interfaces::prefix_from_netmask;
/// assert_eq!(prefix_from_netmask("255.255.255.0".parse()?), Some(24));
/// assert_eq!(prefix_from_netmask("255.255.255.255".parse()?), Some(32));
/// assert_eq!(prefix_from_netmask("0.0.0.0".parse()?), Some(0));
/// assert_eq!(prefix_from_netmask("ffff:ffff:ffff:ffff::".parse()?), Some(64));
/// assert_eq!(prefix_from_netmask("255.0.255.0".parse()?), None);
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
pub fn prefix_from_netmask(mask: IpAddr) -> Option<u8> {
    // For a contiguous mask, the leading ones and the trailing zeros fill every bit.
    let (ones, zeros, bits) = match mask {
        IpAddr::V4(m) => {
            let m = u32::from(m);
            (m.leading_ones(), m.trailing_zeros(), 32)
        }
        IpAddr::V6(m) => {
            let m = u128::from(m);
            (m.leading_ones(), m.trailing_zeros(), 128)
        }
    };
    if ones + zeros == bits {
        u8::try_from(ones).ok()
    } else {
        None
    }
}

/// Lists the machine's network interfaces with their addresses, in the order the
/// system gives them.
///
/// On Windows (and other systems without `getifaddrs()`) this is an error of kind
/// [`io::ErrorKind::Unsupported`] that says to use `ipconfig /all`.
///
/// # Examples
///
/// ```
/// use netbasics::interfaces::interfaces;
/// # #[cfg(target_os = "linux")]
/// # {
/// let all = interfaces()?;
/// let lo = all.iter().find(|i| i.loopback).expect("Linux always has a loopback interface");
/// assert!(lo.addrs.iter().any(|a| a.addr.to_string() == "127.0.0.1" && a.prefix == Some(8)));
/// # }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn interfaces() -> io::Result<Vec<Interface>> {
    sys::interfaces()
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris",
))]
mod sys {
    use super::{prefix_from_netmask, IfAddr, Interface};
    use crate::mac::MacAddr;
    use nix::ifaddrs::{getifaddrs, InterfaceAddress};
    use nix::net::if_::{if_nametoindex, InterfaceFlags};
    use nix::sys::socket::SockaddrStorage;
    use std::io;
    use std::net::IpAddr;

    pub(super) fn interfaces() -> io::Result<Vec<Interface>> {
        let mut list: Vec<Interface> = Vec::new();
        for record in getifaddrs().map_err(io::Error::from)? {
            // getifaddrs gives one record per (interface, address): find or start the
            // interface this record belongs to, keeping the system's order.
            let position = match list.iter().position(|i| i.name == record.interface_name) {
                Some(position) => position,
                None => {
                    list.push(new_interface(&record));
                    list.len() - 1
                }
            };
            let interface = &mut list[position];
            let Some(address) = record.address.as_ref() else {
                continue;
            };
            if let Some(ip) = ip_of(address) {
                let prefix = record
                    .netmask
                    .as_ref()
                    .and_then(ip_of)
                    .and_then(prefix_from_netmask);
                // On point-to-point links this field holds the other end, not a
                // broadcast address, so only trust it when the BROADCAST flag is set.
                let broadcast = if record.flags.contains(InterfaceFlags::IFF_BROADCAST) {
                    record.broadcast.as_ref().and_then(ip_of)
                } else {
                    None
                };
                interface.addrs.push(IfAddr {
                    addr: ip,
                    prefix,
                    broadcast: broadcast.filter(|b| b.is_ipv4()),
                });
            } else if let Some(mac) = mac_of(address) {
                interface.mac = Some(mac);
            }
        }
        Ok(list)
    }

    fn new_interface(record: &InterfaceAddress) -> Interface {
        let flags = record.flags;
        Interface {
            name: record.interface_name.clone(),
            index: if_nametoindex(record.interface_name.as_str()).ok(),
            mac: None,
            up: flags.contains(InterfaceFlags::IFF_UP),
            loopback: flags.contains(InterfaceFlags::IFF_LOOPBACK),
            // "IFF_UP" -> "UP": the names ifconfig prints.
            flags: flags
                .iter_names()
                .map(|(name, _)| name.trim_start_matches("IFF_").to_string())
                .collect(),
            addrs: Vec::new(),
        }
    }

    fn ip_of(address: &SockaddrStorage) -> Option<IpAddr> {
        if let Some(v4) = address.as_sockaddr_in() {
            Some(IpAddr::V4(v4.ip()))
        } else {
            address.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
        }
    }

    /// The MAC address in a link-layer record, if it holds a 6-byte one that is not all
    /// zeros (loopback's link record has the placeholder `00:00:00:00:00:00`).
    fn mac_of(address: &SockaddrStorage) -> Option<MacAddr> {
        let link = address.as_link_addr()?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if link.halen() != 6 {
            // Tunnels have no hardware address, InfiniBand has a 20-byte one.
            return None;
        }
        let octets = link.addr()?;
        (octets != [0; 6]).then(|| MacAddr::new(octets))
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "dragonfly",
    target_os = "illumos",
    target_os = "solaris",
)))]
mod sys {
    use super::Interface;
    use std::io;

    pub(super) fn interfaces() -> io::Result<Vec<Interface>> {
        let tool = if cfg!(windows) {
            "ipconfig /all"
        } else {
            "ifconfig -a"
        };
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!(
                "listing interfaces is not supported on this system (no getifaddrs): use `{tool}`"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn prefixes_of_every_contiguous_v4_mask() {
        for prefix in 0..=32u32 {
            let mask = IpAddr::V4(Ipv4Addr::from(v4_mask(prefix).expect("0..=32")));
            assert_eq!(prefix_from_netmask(mask), Some(prefix as u8), "/{prefix}");
        }
        for prefix in 0..=128u32 {
            let mask = IpAddr::V6(Ipv6Addr::from(v6_mask(prefix).expect("0..=128")));
            assert_eq!(prefix_from_netmask(mask), Some(prefix as u8), "/{prefix}");
        }
    }

    #[test]
    fn non_contiguous_masks_have_no_prefix() {
        for mask in [
            "255.0.255.0",
            "0.0.0.255",
            "255.255.255.254",
            "128.0.0.1",
            "ffff::ffff",
        ] {
            let expected = if mask == "255.255.255.254" {
                Some(31)
            } else {
                None
            };
            assert_eq!(prefix_from_netmask(ip(mask)), expected, "{mask}");
        }
    }

    #[test]
    fn masks_out_of_range() {
        assert_eq!(v4_mask(33), None);
        assert_eq!(v6_mask(129), None);
        let odd = IfAddr {
            addr: ip("10.0.0.1"),
            prefix: Some(64),
            broadcast: None,
        };
        assert_eq!(odd.netmask(), None);
        assert_eq!(odd.network(), None);
    }

    #[test]
    fn network_and_netmask_edges() {
        let all = IfAddr {
            addr: ip("10.20.30.40"),
            prefix: Some(0),
            broadcast: None,
        };
        assert_eq!(all.network(), Some(ip("0.0.0.0")));
        assert_eq!(all.netmask(), Some(ip("0.0.0.0")));
        let host = IfAddr {
            prefix: Some(32),
            ..all
        };
        assert_eq!(host.network(), Some(ip("10.20.30.40")));
        assert_eq!(host.netmask(), Some(ip("255.255.255.255")));
        let v6 = IfAddr {
            addr: ip("fe80::fc:ff:fe00:1"),
            prefix: Some(64),
            broadcast: None,
        };
        assert_eq!(v6.network(), Some(ip("fe80::")));
        let v6_host = IfAddr {
            addr: ip("::1"),
            prefix: Some(128),
            broadcast: None,
        };
        assert_eq!(v6_host.network(), Some(ip("::1")));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_has_loopback_with_127_0_0_1_slash_8() {
        let all = interfaces().expect("getifaddrs works on Linux");
        let lo = all
            .iter()
            .find(|i| i.loopback)
            .expect("a loopback interface");
        assert!(lo.up, "{lo:?}");
        assert!(lo.flags.iter().any(|f| f == "LOOPBACK"), "{lo:?}");
        assert_eq!(lo.mac, None, "loopback has no hardware address");
        assert!(lo.index.is_some());
        let v4 = lo
            .addrs
            .iter()
            .find(|a| a.addr == ip("127.0.0.1"))
            .expect("127.0.0.1 on loopback");
        assert_eq!(v4.prefix, Some(8));
        assert_eq!(v4.network(), Some(ip("127.0.0.0")));
        // Each interface appears once.
        let mut names: Vec<&str> = all.iter().map(|i| i.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len());
    }

    proptest! {
        #[test]
        fn network_is_inside_and_aligned(a in any::<u32>(), prefix in 0u8..=32) {
            let ifaddr = IfAddr { addr: IpAddr::V4(Ipv4Addr::from(a)), prefix: Some(prefix), broadcast: None };
            let (Some(IpAddr::V4(net)), Some(IpAddr::V4(mask))) = (ifaddr.network(), ifaddr.netmask()) else {
                return Err(TestCaseError::fail("IPv4 in, IPv4 out"));
            };
            prop_assert_eq!(u32::from(net) & !u32::from(mask), 0);
            prop_assert_eq!(a & u32::from(mask), u32::from(net));
            prop_assert_eq!(prefix_from_netmask(IpAddr::V4(mask)), Some(prefix));
        }

        #[test]
        fn any_mask_gives_a_prefix_only_if_contiguous(m in any::<u32>()) {
            let mask = IpAddr::V4(Ipv4Addr::from(m));
            match prefix_from_netmask(mask) {
                Some(p) => prop_assert_eq!(v4_mask(u32::from(p)), Some(m)),
                None => prop_assert!((0..=32).all(|p| v4_mask(p) != Some(m))),
            }
        }
    }
}
