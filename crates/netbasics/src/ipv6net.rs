//! IPv6 networks: an address with a prefix length, and the arithmetic of prefixes.
//!
//! The math is the IPv4 lesson's with 128 bits instead of 32. A prefix length `p` says the
//! first `p` bits name the network and the other `128 - p` bits name an interface in it;
//! the netmask is `p` one bits followed by zeros. In Rust the address is a `u128`, so every
//! operation is one line:
//!
//! ```text
//! netmask      = !0 << (128 - p)          (careful: p = 0 means shifting by 128)
//! network      = addr & netmask
//! last address = addr | !netmask
//! ```
//!
//! The same words as [`crate::ipv4net`] with two differences that come from IPv6 itself:
//!
//! - there is no broadcast address. IPv6 dropped broadcast and uses multicast instead
//!   (`ff02::1` reaches every node on the link), so the highest address of a network is an
//!   ordinary address, here called [`Ipv6Net::last_address`];
//! - sizes do not always fit in a number: `::/0` holds 2<sup>128</sup> addresses, one more
//!   than the largest `u128`. [`Ipv6Net::num_addresses`] returns `None` for it, and
//!   [`Ipv6Net::num_addresses_log2`] always works.
//!
//! The files are laid out as in `ipv4net/`: `ipv6net/netmask.rs` converts between netmask
//! and prefix length ([`prefix_to_netmask`], [`netmask_to_prefix`]), `ipv6net/iter.rs`
//! makes the subnets one at a time ([`Subnets6`]), and `ipv6net/summarize.rs` holds
//! [`summarize`]. The unit tests are in `ipv6net/tests.rs`.
//!
//! # Examples
//!
//! ```
//! use netbasics::Ipv6Net;
//!
//! let net: Ipv6Net = "2001:db8::1234/64".parse()?;
//! assert_eq!(net.network().to_string(), "2001:db8::");
//! assert_eq!(net.last_address().to_string(), "2001:db8::ffff:ffff:ffff:ffff");
//! assert_eq!(net.num_addresses(), Some(1 << 64));
//! assert_eq!(net.trunc().to_string(), "2001:db8::/64");
//! # Ok::<(), netbasics::ipv6net::Net6Error>(())
//! ```

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use crate::ipv6::{format_ipv6, parse_ipv6, Ipv6ParseError};

mod iter;
mod netmask;
mod summarize;

pub use iter::Subnets6;
pub(crate) use netmask::mask;
pub use netmask::{netmask_to_prefix, prefix_to_netmask};
pub use summarize::summarize;

/// Why an IPv6 network could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Net6Error {
    /// The address part is not an IPv6 address.
    #[error(transparent)]
    Address(#[from] Ipv6ParseError),

    /// A prefix length above 128.
    #[error("prefix length {prefix} is too long: an IPv6 prefix length is 0 to 128 bits")]
    PrefixTooLong {
        /// The prefix length given.
        prefix: u8,
    },

    /// Text ending in `/` with nothing after it.
    #[error("nothing after '/': write a prefix length from 0 to 128, like 2001:db8::/32")]
    MissingPrefix,

    /// The text after `/` is not a whole number from 0 to 128.
    #[error(
        "'{text}' is not a prefix length: an IPv6 prefix length is a whole number from 0 to 128"
    )]
    BadPrefix {
        /// The text after the `/`.
        text: String,
    },

    /// An address that is not a run of one bits followed by zero bits.
    #[error(
        "{} is not a netmask: a netmask is a run of 1 bits followed by only 0 bits",
        format_ipv6(*mask)
    )]
    NotANetmask {
        /// The address given as a netmask.
        mask: Ipv6Addr,
    },

    /// A subnet prefix shorter than the network's own, or above 128.
    #[error(
        "cannot split a /{prefix} into /{new_prefix} subnets: the new prefix length must be \
         from {prefix} to 128"
    )]
    BadSubnetPrefix {
        /// The network's prefix length.
        prefix: u8,
        /// The subnet prefix length asked for.
        new_prefix: u8,
    },
}

/// An IPv6 address with a prefix length, like `2001:db8::1/64`.
///
/// The address keeps its host bits (`2001:db8::1/64` remembers the `::1`); [`trunc`]
/// clears them, and [`network`] gives the network's first address.
///
/// [`trunc`]: Ipv6Net::trunc
/// [`network`]: Ipv6Net::network
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv6Net {
    /// The address as given, host bits included.
    addr: Ipv6Addr,
    /// How many leading bits name the network: 0 to 128.
    prefix: u8,
}

impl Ipv6Net {
    /// Makes a network from an address and a prefix length (0 to 128).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::ipv6net::{Ipv6Net, Net6Error};
    /// use std::net::Ipv6Addr;
    ///
    /// let net = Ipv6Net::new(Ipv6Addr::LOCALHOST, 128)?;
    /// assert_eq!(net.to_string(), "::1/128");
    /// assert_eq!(
    ///     Ipv6Net::new(Ipv6Addr::LOCALHOST, 129),
    ///     Err(Net6Error::PrefixTooLong { prefix: 129 })
    /// );
    /// # Ok::<(), Net6Error>(())
    /// ```
    pub fn new(addr: Ipv6Addr, prefix: u8) -> Result<Ipv6Net, Net6Error> {
        if prefix > 128 {
            return Err(Net6Error::PrefixTooLong { prefix });
        }
        Ok(Ipv6Net { addr, prefix })
    }

    /// The address as given, host bits included.
    pub fn addr(&self) -> Ipv6Addr {
        self.addr
    }

    /// The prefix length: how many leading bits name the network.
    pub fn prefix_len(&self) -> u8 {
        self.prefix
    }

    /// The netmask: prefix-length one bits, then zeros.
    ///
    /// IPv6 tools rarely show it (the prefix length says the same), but it is what the
    /// network address is computed with.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8::/48".parse()?;
    /// assert_eq!(net.netmask().to_string(), "ffff:ffff:ffff::");
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn netmask(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(mask(self.prefix))
    }

    /// The hostmask: the netmask inverted, one bits where the host part is.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8::/64".parse()?;
    /// assert_eq!(net.hostmask().to_string(), "::ffff:ffff:ffff:ffff");
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn hostmask(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(!mask(self.prefix))
    }

    /// The network address, the first of the network: the host bits cleared (`addr & netmask`).
    ///
    /// In IPv6 it is also the Subnet-Router anycast address (RFC 4291 2.6.1).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8:1:2:3:4:5:6/48".parse()?;
    /// assert_eq!(net.network().to_string(), "2001:db8:1::");
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn network(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(self.addr.to_bits() & mask(self.prefix))
    }

    /// The last address of the network: all host bits set (`addr | hostmask`).
    ///
    /// In IPv4 this is the broadcast address. IPv6 has no broadcast: it was replaced by
    /// multicast (`ff02::1`, all nodes on the link, does what broadcast did), so this is an
    /// ordinary address that a host may use.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8::/64".parse()?;
    /// assert_eq!(net.last_address().to_string(), "2001:db8::ffff:ffff:ffff:ffff");
    /// let host: Ipv6Net = "2001:db8::1/128".parse()?;
    /// assert_eq!(host.last_address(), host.network());
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn last_address(&self) -> Ipv6Addr {
        Ipv6Addr::from_bits(self.addr.to_bits() | !mask(self.prefix))
    }

    /// How many addresses the network holds, 2<sup>128 - prefix</sup>; `None` only for
    /// `/0`, whose 2<sup>128</sup> addresses are one more than a `u128` can count.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let lan: Ipv6Net = "2001:db8::/64".parse()?;
    /// assert_eq!(lan.num_addresses(), Some(18_446_744_073_709_551_616));
    /// let everything: Ipv6Net = "::/0".parse()?;
    /// assert_eq!(everything.num_addresses(), None);
    /// assert_eq!(everything.num_addresses_log2(), 128);
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn num_addresses(&self) -> Option<u128> {
        1u128.checked_shl(u32::from(self.num_addresses_log2()))
    }

    /// The number of addresses as a power of two: `128 - prefix`. Always fits.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8::/56".parse()?;
    /// assert_eq!(net.num_addresses_log2(), 72);
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn num_addresses_log2(&self) -> u8 {
        128 - self.prefix
    }

    /// The same network with its host bits cleared: `2001:db8::1/64` becomes `2001:db8::/64`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// let net: Ipv6Net = "2001:db8::1/64".parse()?;
    /// assert_eq!(net.trunc().to_string(), "2001:db8::/64");
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn trunc(&self) -> Ipv6Net {
        Ipv6Net {
            addr: self.network(),
            prefix: self.prefix,
        }
    }

    /// Whether `addr` is in this network: its first prefix-length bits are the network's.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    /// use std::net::Ipv6Addr;
    ///
    /// let net: Ipv6Net = "2001:db8::/32".parse()?;
    /// assert!(net.contains(Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 1)));
    /// assert!(!net.contains(Ipv6Addr::new(0x2001, 0xdb9, 0, 0, 0, 0, 0, 1)));
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn contains(&self, addr: Ipv6Addr) -> bool {
        addr.to_bits() & mask(self.prefix) == self.network().to_bits()
    }

    /// Whether every address of `other` is in this network (a network contains itself).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    ///
    /// let site: Ipv6Net = "2001:db8:1::/48".parse()?;
    /// let lan: Ipv6Net = "2001:db8:1:2::/64".parse()?;
    /// assert!(site.contains_net(&lan));
    /// assert!(!lan.contains_net(&site));
    /// assert!(site.contains_net(&site));
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn contains_net(&self, other: &Ipv6Net) -> bool {
        other.prefix >= self.prefix && self.contains(other.addr)
    }

    /// The subnets of prefix length `new_prefix`, in order, made one at a time (a `/32`
    /// has 2<sup>32</sup> subnets of `/64`: they are never all in memory).
    ///
    /// # Errors
    ///
    /// [`Net6Error::BadSubnetPrefix`] if `new_prefix` is shorter than this network's prefix
    /// or longer than 128.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    ///
    /// let net: Ipv6Net = "2001:db8::/47".parse()?;
    /// let subnets: Vec<String> = net.subnets(48)?.map(|n| n.to_string()).collect();
    /// assert_eq!(subnets, ["2001:db8::/48", "2001:db8:1::/48"]);
    ///
    /// let mut lans = net.subnets(64)?;
    /// assert_eq!(lans.next().map(|n| n.to_string()).as_deref(), Some("2001:db8::/64"));
    /// assert_eq!(lans.next().map(|n| n.to_string()).as_deref(), Some("2001:db8:0:1::/64"));
    ///
    /// assert!(net.subnets(46).is_err());
    /// assert!(net.subnets(129).is_err());
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn subnets(&self, new_prefix: u8) -> Result<Subnets6, Net6Error> {
        if new_prefix < self.prefix || new_prefix > 128 {
            return Err(Net6Error::BadSubnetPrefix {
                prefix: self.prefix,
                new_prefix,
            });
        }
        Ok(Subnets6 {
            next: Some(self.network().to_bits()),
            // The first address of the last subnet: the last address with the subnet's
            // host bits cleared.
            last: self.last_address().to_bits() & mask(new_prefix),
            prefix: new_prefix,
        })
    }

    /// The network one bit shorter that contains this one (host bits cleared); `None`
    /// for `/0`, which has no bigger network.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv6Net;
    ///
    /// let net: Ipv6Net = "2001:db8:1::/48".parse()?;
    /// assert_eq!(net.supernet().map(|n| n.to_string()).as_deref(), Some("2001:db8::/47"));
    /// let all: Ipv6Net = "::/0".parse()?;
    /// assert_eq!(all.supernet(), None);
    /// # Ok::<(), netbasics::ipv6net::Net6Error>(())
    /// ```
    pub fn supernet(&self) -> Option<Ipv6Net> {
        let prefix = self.prefix.checked_sub(1)?;
        Some(Ipv6Net {
            addr: Ipv6Addr::from_bits(self.addr.to_bits() & mask(prefix)),
            prefix,
        })
    }
}

/// A lone address is the network of just itself, `/128`.
impl From<Ipv6Addr> for Ipv6Net {
    fn from(addr: Ipv6Addr) -> Ipv6Net {
        Ipv6Net { addr, prefix: 128 }
    }
}

/// Reads `ADDR/PREFIX` (`2001:db8::/32`), or a lone `ADDR`, which means `ADDR/128`.
///
/// The prefix is a decimal number from 0 to 128 (leading zeros allowed, as Python's
/// `ipaddress` allows them).
///
/// # Examples
///
/// ```
/// use netbasics::ipv6net::{Ipv6Net, Net6Error};
///
/// let net: Ipv6Net = "2001:db8::1/64".parse()?;
/// assert_eq!(net.prefix_len(), 64);
/// let host: Ipv6Net = "::1".parse()?;
/// assert_eq!(host.to_string(), "::1/128");
///
/// assert_eq!("::1/".parse::<Ipv6Net>(), Err(Net6Error::MissingPrefix));
/// assert_eq!("::/129".parse::<Ipv6Net>(), Err(Net6Error::BadPrefix { text: "129".into() }));
/// assert!(matches!("2001:db8:::/64".parse::<Ipv6Net>(), Err(Net6Error::Address(_))));
/// # Ok::<(), Net6Error>(())
/// ```
impl FromStr for Ipv6Net {
    type Err = Net6Error;

    fn from_str(s: &str) -> Result<Ipv6Net, Net6Error> {
        let Some((addr, prefix)) = s.split_once('/') else {
            return Ok(Ipv6Net::from(parse_ipv6(s)?));
        };
        let addr = parse_ipv6(addr)?;
        let prefix = parse_prefix(prefix)?;
        Ipv6Net::new(addr, prefix)
    }
}

/// The text after the `/`: ASCII digits whose value is 0 to 128.
fn parse_prefix(text: &str) -> Result<u8, Net6Error> {
    if text.is_empty() {
        return Err(Net6Error::MissingPrefix);
    }
    let bad = || Net6Error::BadPrefix {
        text: text.to_string(),
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = text.trim_start_matches('0');
    // Past 3 digits the number is above 128 whatever they are; stopping here also keeps
    // a very long text from overflowing the number.
    if digits.len() > 3 {
        return Err(bad());
    }
    let value = digits
        .bytes()
        .fold(0u16, |n, b| n * 10 + u16::from(b - b'0'));
    if value > 128 {
        return Err(bad());
    }
    Ok(value as u8)
}

/// Prints the address (RFC 5952 text, host bits included) and the prefix length:
/// `2001:db8::1/64`. Width and alignment work: `{:<20}` pads it.
///
/// # Examples
///
/// ```
/// use netbasics::Ipv6Net;
/// use std::net::Ipv6Addr;
///
/// let net = Ipv6Net::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 64)?;
/// assert_eq!(net.to_string(), "2001:db8::1/64");
/// assert_eq!(format!("[{net:>16}]"), "[  2001:db8::1/64]");
/// # Ok::<(), netbasics::ipv6net::Net6Error>(())
/// ```
impl fmt::Display for Ipv6Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}/{}", format_ipv6(self.addr), self.prefix))
    }
}

#[cfg(test)]
mod tests;
