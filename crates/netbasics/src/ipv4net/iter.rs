//! The iterators [`Ipv4Net::hosts`] and [`Ipv4Net::subnets`] return. A /8 has 16 million
//! hosts and a /0 split into /32s has 2^32 subnets, so they are produced one at a time,
//! never all in memory. Positions are `u64`: one past 255.255.255.255 is 2^32, which a
//! `u32` cannot hold.

use std::net::Ipv4Addr;

use super::Ipv4Net;

/// The host addresses of a network, produced lazily; see [`Ipv4Net::hosts`].
#[derive(Debug, Clone)]
pub struct Hosts {
    /// The next address to yield. A `u64` so that stepping past 255.255.255.255 does not
    /// overflow.
    pub(super) next: u64,
    /// One past the last address to yield.
    pub(super) end: u64,
}

impl Iterator for Hosts {
    type Item = Ipv4Addr;

    fn next(&mut self) -> Option<Ipv4Addr> {
        if self.next >= self.end {
            return None;
        }
        let addr = u32::try_from(self.next).expect("host addresses stay below 2^32");
        self.next += 1;
        Some(Ipv4Addr::from(addr))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end - self.next).ok();
        (left.unwrap_or(usize::MAX), left)
    }
}

impl std::iter::FusedIterator for Hosts {}

/// The subnets of a network, produced lazily; see [`Ipv4Net::subnets`].
#[derive(Debug, Clone)]
pub struct Subnets {
    /// The network address of the next subnet (a `u64`, like [`Hosts`]).
    pub(super) next: u64,
    /// One past the last address of the parent network.
    pub(super) end: u64,
    /// The subnets' prefix length.
    pub(super) prefix: u8,
}

impl Subnets {
    /// How many subnets are left to produce (all of them before the first `next`). A
    /// `u64`: a /0 split into /32s has 2^32.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::Ipv4Net;
    ///
    /// let mut subnets = "10.0.0.0/8".parse::<Ipv4Net>()?.subnets(16)?;
    /// assert_eq!(subnets.len(), 256);
    /// subnets.next();
    /// assert_eq!(subnets.len(), 255);
    /// # Ok::<(), netbasics::ipv4net::NetError>(())
    /// ```
    pub fn len(&self) -> u64 {
        (self.end - self.next) >> (32 - self.prefix)
    }

    /// Whether every subnet has been produced.
    pub fn is_empty(&self) -> bool {
        self.next >= self.end
    }
}

impl Iterator for Subnets {
    type Item = Ipv4Net;

    fn next(&mut self) -> Option<Ipv4Net> {
        if self.is_empty() {
            return None;
        }
        let network = u32::try_from(self.next).expect("subnet addresses stay below 2^32");
        self.next += 1u64 << (32 - self.prefix);
        Some(Ipv4Net {
            addr: Ipv4Addr::from(network),
            prefix: self.prefix,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.len()).ok();
        (left.unwrap_or(usize::MAX), left)
    }
}

impl std::iter::FusedIterator for Subnets {}
