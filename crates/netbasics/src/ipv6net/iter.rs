//! The iterator [`Ipv6Net::subnets`] returns. A /32 holds 2^32 subnets of /64, so they
//! are made one at a time, never all in memory.

use std::iter::FusedIterator;
use std::net::Ipv6Addr;

use super::{mask, Ipv6Net};

/// The subnets of a network, in order: made by [`Ipv6Net::subnets`].
#[derive(Debug, Clone)]
pub struct Subnets6 {
    /// The first address of the next subnet to give; `None` when done.
    pub(super) next: Option<u128>,
    /// The first address of the last subnet.
    pub(super) last: u128,
    /// The subnets' prefix length.
    pub(super) prefix: u8,
}

impl Iterator for Subnets6 {
    type Item = Ipv6Net;

    fn next(&mut self) -> Option<Ipv6Net> {
        let start = self.next?;
        self.next = if start == self.last {
            None
        } else {
            // The address after this subnet's last one. It cannot overflow: there is a
            // later subnet, so this one does not end at the top of the address space.
            Some((start | !mask(self.prefix)) + 1)
        };
        Some(Ipv6Net {
            addr: Ipv6Addr::from_bits(start),
            prefix: self.prefix,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let Some(start) = self.next else {
            return (0, Some(0));
        };
        // How many subnet sizes lie between this subnet and the last one, plus this one.
        // A prefix of 0 means a single subnet, and avoids shifting by 128.
        let remaining = match self.prefix {
            0 => Some(1),
            p => ((self.last - start) >> (128 - u32::from(p))).checked_add(1),
        };
        match remaining.and_then(|n| usize::try_from(n).ok()) {
            Some(n) => (n, Some(n)),
            None => (usize::MAX, None),
        }
    }
}

impl FusedIterator for Subnets6 {}
