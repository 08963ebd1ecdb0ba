//! IPv4 networks: an address with a prefix length, and the subnet arithmetic around it.
//!
//! `192.168.1.77/24` says: the first 24 bits (`192.168.1`) name the *network*, the last 8
//! bits (`77`) name the *host* inside it. The netmask writes the same split as an address:
//! 24 one bits then 8 zero bits, `255.255.255.0`. From there every figure in a subnet
//! calculator is one bitwise operation on 32-bit numbers:
//!
//! ```text
//! address    11000000.10101000.00000001.01001101   192.168.1.77
//! netmask    11111111.11111111.11111111.00000000   255.255.255.0    (prefix 24)
//! hostmask   00000000.00000000.00000000.11111111   0.0.0.255        (!netmask)
//! network    11000000.10101000.00000001.00000000   192.168.1.0      (address & netmask)
//! broadcast  11000000.10101000.00000001.11111111   192.168.1.255    (address | hostmask)
//! ```
//!
//! [`Ipv4Net`] keeps the address as given (host bits and all, like the `ipnet` crate), so
//! `192.168.1.77/24` prints back unchanged; [`Ipv4Net::trunc`] clears the host bits.
//! [`summarize`] does the reverse of subnetting: it merges networks into the fewest
//! prefixes that cover the same addresses (what routers call route aggregation).
//!
//! Three ideas have files of their own in `ipv4net/`: `netmask.rs` converts between
//! netmask and prefix length ([`prefix_to_netmask`], [`netmask_to_prefix`],
//! [`same_subnet`]), `iter.rs` produces a network's hosts and subnets one at a time
//! ([`Hosts`], [`Subnets`]), and `summarize.rs` holds [`summarize`]. The unit tests are in
//! `ipv4net/tests.rs`.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use crate::ipv4::{parse_ipv4, to_binary, Ipv4ParseError};

mod iter;
mod netmask;
mod summarize;

pub use iter::{Hosts, Subnets};
use netmask::mask_bits;
pub use netmask::{netmask_to_prefix, prefix_to_netmask, same_subnet};
pub use summarize::summarize;

/// What went wrong building, parsing or splitting a network.
///
/// # Examples
///
/// ```
/// use netbasics::ipv4net::NetError;
/// use netbasics::Ipv4Net;
///
/// let err = "10.0.0.0/33".parse::<Ipv4Net>().unwrap_err();
/// assert_eq!(err, NetError::BadPrefix { text: "33".into() });
/// println!("{err}");
/// ```
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum NetError {
    /// A prefix length above 32.
    #[error("prefix length {prefix} is too long: an IPv4 prefix length is 0 to 32 (the number of 1 bits in the netmask)")]
    PrefixTooLong {
        /// The prefix length that was asked for.
        prefix: u8,
    },
    /// A netmask whose 1 bits are not all at the front.
    #[error("{mask} is not a valid netmask: in binary it is {}, but a netmask is some 1 bits followed only by 0 bits (like 255.255.255.0 = 11111111.11111111.11111111.00000000)", to_binary(*.mask))]
    NonContiguousMask {
        /// The mask that was given.
        mask: Ipv4Addr,
    },
    /// The mask after `/` is neither a netmask (1s then 0s) nor a hostmask (0s then 1s).
    #[error("{mask} is neither a netmask nor a hostmask: in binary it is {}, but a netmask is 1 bits then 0 bits (like 255.255.255.0) and a hostmask is 0 bits then 1 bits (like 0.0.0.255)", to_binary(*.mask))]
    NotAMask {
        /// The mask that was given.
        mask: Ipv4Addr,
    },
    /// Nothing after the `/`.
    #[error("nothing after '/': write a prefix length 0-32 (like 10.0.0.0/8) or a netmask (like 10.0.0.0/255.0.0.0)")]
    MissingPrefix,
    /// The text after `/` is neither a number 0-32 nor a mask.
    #[error("'/{text}' is not a valid prefix: after '/' write a prefix length 0-32 (like /24) or a netmask (like /255.255.255.0)")]
    BadPrefix {
        /// The text after the `/`.
        text: String,
    },
    /// The mask after `/` looked like an address but is not one.
    #[error("the mask after '/' is not a valid address: {error}")]
    BadMask {
        /// Why the mask text is not an address.
        error: Ipv4ParseError,
    },
    /// `subnets` was asked for a prefix shorter than the network's own.
    #[error("cannot split a /{prefix} into /{new_prefix} subnets: a subnet is smaller than its network, so its prefix length must be {prefix} to 32")]
    SubnetPrefixTooShort {
        /// The network's prefix length.
        prefix: u8,
        /// The prefix length that was asked for.
        new_prefix: u8,
    },
    /// The address part is not a valid IPv4 address.
    #[error(transparent)]
    Address(#[from] Ipv4ParseError),
}

/// An IPv4 address with a prefix length, like `192.168.1.77/24`.
///
/// The address keeps its host bits (use [`Ipv4Net::trunc`] to clear them). Networks sort
/// by address, then prefix length; for truncated networks, such as those [`summarize`]
/// returns, that is by network address then prefix length.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::Ipv4Net;
///
/// let net: Ipv4Net = "192.168.1.77/24".parse()?;
/// assert_eq!(net.network(), Ipv4Addr::new(192, 168, 1, 0));
/// assert_eq!(net.broadcast(), Ipv4Addr::new(192, 168, 1, 255));
/// assert_eq!(net.num_hosts(), 254);
/// assert_eq!(net.to_string(), "192.168.1.77/24");
/// # Ok::<(), netbasics::ipv4net::NetError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Net {
    /// The address as given, host bits included. First field, so the derived order
    /// compares addresses first.
    addr: Ipv4Addr,
    /// How many leading bits name the network, 0..=32 (checked by every constructor).
    prefix: u8,
}

impl Ipv4Net {
    /// A network from an address and a prefix length.
    ///
    /// # Errors
    ///
    /// [`NetError::PrefixTooLong`] if `prefix` is above 32.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::{ipv4net::NetError, Ipv4Net};
    ///
    /// assert!(Ipv4Net::new(Ipv4Addr::new(10, 1, 2, 3), 8).is_ok());
    /// assert_eq!(
    ///     Ipv4Net::new(Ipv4Addr::new(10, 1, 2, 3), 33),
    ///     Err(NetError::PrefixTooLong { prefix: 33 })
    /// );
    /// ```
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Result<Ipv4Net, NetError> {
        if prefix > 32 {
            return Err(NetError::PrefixTooLong { prefix });
        }
        Ok(Ipv4Net { addr, prefix })
    }

    /// A network from an address and a netmask.
    ///
    /// # Errors
    ///
    /// [`NetError::NonContiguousMask`] if `mask` is not a netmask.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// let net = Ipv4Net::with_netmask(Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(255, 255, 0, 0))?;
    /// assert_eq!(net.prefix_len(), 16);
    /// assert!(Ipv4Net::with_netmask(Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(255, 0, 255, 0)).is_err());
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn with_netmask(addr: Ipv4Addr, mask: Ipv4Addr) -> Result<Ipv4Net, NetError> {
        let prefix = netmask_to_prefix(mask)?;
        Ipv4Net::new(addr, prefix)
    }

    /// The address as given, host bits included.
    pub fn addr(&self) -> Ipv4Addr {
        self.addr
    }

    /// The prefix length, 0 to 32.
    pub fn prefix_len(&self) -> u8 {
        self.prefix
    }

    /// The netmask: `prefix_len` 1 bits, then 0 bits.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.1.2.3/12".parse::<Ipv4Net>()?.netmask(), Ipv4Addr::new(255, 240, 0, 0));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.mask())
    }

    /// The hostmask (Cisco's "wildcard mask"): the netmask inverted, 1 bits for the host
    /// part.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.1.2.3/12".parse::<Ipv4Net>()?.hostmask(), Ipv4Addr::new(0, 15, 255, 255));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn hostmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(!self.mask())
    }

    /// The network address: the address with every host bit cleared (`addr & netmask`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("172.16.45.6/20".parse::<Ipv4Net>()?.network(), Ipv4Addr::new(172, 16, 32, 0));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.network_bits())
    }

    /// The broadcast address: the address with every host bit set (`addr | hostmask`), the
    /// last address of the network.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("172.16.45.6/20".parse::<Ipv4Net>()?.broadcast(), Ipv4Addr::new(172, 16, 47, 255));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.broadcast_bits())
    }

    /// The first address a host can use.
    ///
    /// Usually the one after the network address. A /31 has only two addresses and no
    /// room for a network and a broadcast address, so both are hosts (RFC 3021, for
    /// point-to-point links); a /32 is a single host.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.0.0.0/24".parse::<Ipv4Net>()?.first_host(), Ipv4Addr::new(10, 0, 0, 1));
    /// assert_eq!("10.0.0.0/31".parse::<Ipv4Net>()?.first_host(), Ipv4Addr::new(10, 0, 0, 0));
    /// assert_eq!("10.0.0.7/32".parse::<Ipv4Net>()?.first_host(), Ipv4Addr::new(10, 0, 0, 7));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn first_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.host_range().0)
    }

    /// The last address a host can use: usually the one before the broadcast address (see
    /// [`Ipv4Net::first_host`] for /31 and /32).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.0.0.0/24".parse::<Ipv4Net>()?.last_host(), Ipv4Addr::new(10, 0, 0, 254));
    /// assert_eq!("10.0.0.0/31".parse::<Ipv4Net>()?.last_host(), Ipv4Addr::new(10, 0, 0, 1));
    /// assert_eq!("10.0.0.7/32".parse::<Ipv4Net>()?.last_host(), Ipv4Addr::new(10, 0, 0, 7));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn last_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.host_range().1)
    }

    /// How many addresses the network spans: 2^(32 - prefix_len). A `u64`, because a /0
    /// spans 2^32, one more than a `u32` holds.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.0.0.0/24".parse::<Ipv4Net>()?.num_addresses(), 256);
    /// assert_eq!("0.0.0.0/0".parse::<Ipv4Net>()?.num_addresses(), 4_294_967_296);
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn num_addresses(&self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    /// How many host addresses the network has: all addresses but the network and the
    /// broadcast address, except that a /31 has 2 and a /32 has 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// assert_eq!("10.0.0.0/24".parse::<Ipv4Net>()?.num_hosts(), 254);
    /// assert_eq!("10.0.0.0/30".parse::<Ipv4Net>()?.num_hosts(), 2);
    /// assert_eq!("10.0.0.0/31".parse::<Ipv4Net>()?.num_hosts(), 2);
    /// assert_eq!("10.0.0.0/32".parse::<Ipv4Net>()?.num_hosts(), 1);
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn num_hosts(&self) -> u64 {
        let (first, last) = self.host_range();
        u64::from(last) - u64::from(first) + 1
    }

    /// The host addresses, from [`first_host`](Ipv4Net::first_host) to
    /// [`last_host`](Ipv4Net::last_host), produced one at a time (a /8 has 16 million).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// let hosts: Vec<Ipv4Addr> = "10.0.0.0/30".parse::<Ipv4Net>()?.hosts().collect();
    /// assert_eq!(hosts, [Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)]);
    ///
    /// let hosts: Vec<Ipv4Addr> = "10.0.0.0/31".parse::<Ipv4Net>()?.hosts().collect();
    /// assert_eq!(hosts, [Ipv4Addr::new(10, 0, 0, 0), Ipv4Addr::new(10, 0, 0, 1)]);
    ///
    /// let mut hosts = "10.0.0.0/8".parse::<Ipv4Net>()?.hosts();
    /// assert_eq!(hosts.next(), Some(Ipv4Addr::new(10, 0, 0, 1)));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn hosts(&self) -> Hosts {
        let (first, last) = self.host_range();
        Hosts {
            next: u64::from(first),
            end: u64::from(last) + 1,
        }
    }

    /// The same network with the host bits cleared: `10.1.2.3/8` becomes `10.0.0.0/8`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// let net: Ipv4Net = "10.1.2.3/8".parse()?;
    /// assert_eq!(net.trunc().to_string(), "10.0.0.0/8");
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn trunc(&self) -> Ipv4Net {
        Ipv4Net {
            addr: self.network(),
            prefix: self.prefix,
        }
    }

    /// Whether `addr` is inside the network (network and broadcast address included).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use netbasics::Ipv4Net;
    ///
    /// let net: Ipv4Net = "192.168.0.0/23".parse()?;
    /// assert!(net.contains(Ipv4Addr::new(192, 168, 1, 255)));
    /// assert!(!net.contains(Ipv4Addr::new(192, 168, 2, 0)));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        u32::from(addr) & self.mask() == self.network_bits()
    }

    /// Whether every address of `other` is inside this network: `other` is this network
    /// or one of its subnets.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// let net: Ipv4Net = "10.0.0.0/8".parse()?;
    /// assert!(net.contains_net(&"10.20.0.0/16".parse()?));
    /// assert!(net.contains_net(&net));
    /// assert!(!net.contains_net(&"10.0.0.0/7".parse()?));
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn contains_net(&self, other: &Ipv4Net) -> bool {
        other.prefix >= self.prefix && self.contains(other.network())
    }

    /// The subnets of prefix length `new_prefix` that this network splits into, in order,
    /// produced one at a time.
    ///
    /// # Errors
    ///
    /// [`NetError::PrefixTooLong`] if `new_prefix` is above 32, and
    /// [`NetError::SubnetPrefixTooShort`] if it is shorter than this network's prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// let net: Ipv4Net = "192.168.1.0/24".parse()?;
    /// let quarters: Vec<String> = net.subnets(26)?.map(|n| n.to_string()).collect();
    /// assert_eq!(quarters, ["192.168.1.0/26", "192.168.1.64/26", "192.168.1.128/26", "192.168.1.192/26"]);
    /// assert_eq!(net.subnets(24)?.len(), 1);
    /// assert!(net.subnets(23).is_err());
    /// assert!(net.subnets(33).is_err());
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn subnets(&self, new_prefix: u8) -> Result<Subnets, NetError> {
        if new_prefix > 32 {
            return Err(NetError::PrefixTooLong { prefix: new_prefix });
        }
        if new_prefix < self.prefix {
            return Err(NetError::SubnetPrefixTooShort {
                prefix: self.prefix,
                new_prefix,
            });
        }
        Ok(Subnets {
            next: u64::from(self.network_bits()),
            end: u64::from(self.broadcast_bits()) + 1,
            prefix: new_prefix,
        })
    }

    /// The network one bit shorter that contains this one (truncated), or `None` for a
    /// /0, which already spans every address.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// let net: Ipv4Net = "10.0.1.0/24".parse()?;
    /// assert_eq!(net.supernet(), Some("10.0.0.0/23".parse()?));
    /// assert_eq!("0.0.0.0/0".parse::<Ipv4Net>()?.supernet(), None);
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn supernet(&self) -> Option<Ipv4Net> {
        let prefix = self.prefix.checked_sub(1)?;
        Some(
            Ipv4Net {
                addr: self.addr,
                prefix,
            }
            .trunc(),
        )
    }

    /// The netmask as a number.
    fn mask(&self) -> u32 {
        mask_bits(self.prefix)
    }

    /// The network address as a number.
    fn network_bits(&self) -> u32 {
        u32::from(self.addr) & self.mask()
    }

    /// The broadcast address as a number.
    fn broadcast_bits(&self) -> u32 {
        u32::from(self.addr) | !self.mask()
    }

    /// The first and last host address as numbers: the one rule that `first_host`,
    /// `last_host`, `num_hosts` and `hosts` share.
    fn host_range(&self) -> (u32, u32) {
        let (network, broadcast) = (self.network_bits(), self.broadcast_bits());
        if self.prefix >= 31 {
            // /31: both addresses are hosts (RFC 3021). /32: network == broadcast == host.
            (network, broadcast)
        } else {
            // At least 4 addresses, so neither of these can overflow.
            (network + 1, broadcast - 1)
        }
    }
}

impl From<Ipv4Addr> for Ipv4Net {
    /// A single address as a /32.
    fn from(addr: Ipv4Addr) -> Ipv4Net {
        Ipv4Net { addr, prefix: 32 }
    }
}

impl fmt::Display for Ipv4Net {
    /// `address/prefix`, with the address as given. Width and alignment work
    /// (`{:<18}`), for tables.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}/{}", self.addr, self.prefix))
    }
}

impl FromStr for Ipv4Net {
    type Err = NetError;

    /// Reads `a.b.c.d` (a /32), `a.b.c.d/24`, `a.b.c.d/255.255.255.0` (a netmask) or, like
    /// Python's `ipaddress`, `a.b.c.d/0.0.0.255` (a hostmask). A mask is tried as a netmask
    /// first, then as a hostmask, so `/0.0.0.0` is /0 and `/255.255.255.255` is /32.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::{ipv4net::NetError, Ipv4Net};
    ///
    /// let a: Ipv4Net = "10.0.0.0/24".parse()?;
    /// let b: Ipv4Net = "10.0.0.0/255.255.255.0".parse()?;
    /// let c: Ipv4Net = "10.0.0.0/0.0.0.255".parse()?;
    /// assert!(a == b && b == c);
    /// assert_eq!("10.0.0.1".parse::<Ipv4Net>()?.prefix_len(), 32);
    ///
    /// assert_eq!("10.0.0.0/".parse::<Ipv4Net>(), Err(NetError::MissingPrefix));
    /// assert_eq!("10.0.0.0/abc".parse::<Ipv4Net>(), Err(NetError::BadPrefix { text: "abc".into() }));
    /// assert!(matches!("10.0.0.0/255.0.255.0".parse::<Ipv4Net>(), Err(NetError::NotAMask { .. })));
    /// # Ok::<(), NetError>(())
    /// ```
    fn from_str(s: &str) -> Result<Ipv4Net, NetError> {
        let Some((addr_text, prefix_text)) = s.split_once('/') else {
            return Ok(Ipv4Net::from(parse_ipv4(s)?));
        };
        let addr = parse_ipv4(addr_text)?;

        if prefix_text.is_empty() {
            return Err(NetError::MissingPrefix);
        }
        if prefix_text.bytes().all(|b| b.is_ascii_digit()) {
            return parse_prefix_len(prefix_text)
                .and_then(|prefix| Ipv4Net::new(addr, prefix).ok())
                .ok_or_else(|| NetError::BadPrefix {
                    text: prefix_text.to_string(),
                });
        }
        if prefix_text.contains('.') {
            let mask = parse_ipv4(prefix_text).map_err(|error| NetError::BadMask { error })?;
            if let Ok(prefix) = netmask_to_prefix(mask) {
                return Ipv4Net::new(addr, prefix);
            }
            // A hostmask is a netmask turned inside out.
            let inverted = Ipv4Addr::from(!u32::from(mask));
            if let Ok(prefix) = netmask_to_prefix(inverted) {
                return Ipv4Net::new(addr, prefix);
            }
            return Err(NetError::NotAMask { mask });
        }
        Err(NetError::BadPrefix {
            text: prefix_text.to_string(),
        })
    }
}

/// A prefix length written in decimal digits, 0..=32. `None` for anything else.
///
/// Leading zeros are allowed here (`/08` is /8), as Python's `ipaddress` allows them:
/// unlike an octet, a prefix length has never been read as octal by anyone.
fn parse_prefix_len(text: &str) -> Option<u8> {
    let digits = text.trim_start_matches('0');
    if digits.is_empty() {
        // Only zeros: "0", "00", ...
        return Some(0);
    }
    // Checking the length first keeps a thousand-digit prefix from overflowing `parse`.
    if digits.len() > 2 {
        return None;
    }
    digits.parse::<u8>().ok().filter(|&prefix| prefix <= 32)
}

#[cfg(test)]
mod tests;
