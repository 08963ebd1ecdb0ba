//! The Internet checksum (RFC 1071) in the headers: IPv4's over its header, UDP's and
//! TCP's over a pseudo-header, the header and the data.
//!
//! The sum itself is the one `ping` uses in lessons 1-2, [`netbasics::checksum`]
//! (re-exported here as [`Checksum`] and [`checksum`]); its docs explain why it is a
//! ones' complement sum and what happens to an odd byte. What is particular to the
//! headers is here: the pseudo-headers (IPv4's and IPv6's) that UDP and TCP add in
//! front, and why captures show so many wrong checksums.
//!
//! # Checksum offload
//!
//! Captures taken on the sending machine (and all loopback captures) often show UDP and
//! TCP checksums that do not match: the operating system leaves the checksum to the
//! network card (*checksum offload*), and on loopback nobody computes it, since the
//! bytes never cross a wire. What the field holds then is the pseudo-header's sum: the
//! part of the work the system does before handing the rest to the card.

use std::net::{Ipv4Addr, Ipv6Addr};

pub use netbasics::checksum::{checksum, Checksum};

/// A sum that starts with the IPv4 pseudo-header of a UDP or TCP segment:
///
/// ```text
///    0      7 8     15 16    23 24    31
///   +--------+--------+--------+--------+
///   |          source address           |
///   +--------+--------+--------+--------+
///   |        destination address        |
///   +--------+--------+--------+--------+
///   |  zero  |protocol|  UDP/TCP length |
///   +--------+--------+--------+--------+
/// ```
///
/// `protocol` is 17 for UDP and 6 for TCP; `length` counts the UDP/TCP header and
/// its payload. Inside IPv4 it always fits 16 bits; it is added as a 32-bit number
/// (high word zero), which gives the same sum.
///
/// # Examples
///
/// ```
/// use framing::wire::checksum::ipv4_pseudo_header;
/// use std::net::{Ipv4Addr, Ipv6Addr};
///
/// let lo = Ipv4Addr::LOCALHOST;
/// let sum = ipv4_pseudo_header(lo, lo, 17, 13);
/// // 7f00 + 0001 + 7f00 + 0001 + 0011 + 000d
/// assert_eq!(sum.sum(), 0xfe20);
/// ```
pub fn ipv4_pseudo_header(src: Ipv4Addr, dst: Ipv4Addr, protocol: u8, length: u32) -> Checksum {
    let mut sum = Checksum::new();
    sum.add(&src.octets());
    sum.add(&dst.octets());
    sum.add(&[0, protocol]);
    sum.add(&length.to_be_bytes());
    sum
}

/// A sum that starts with the IPv6 pseudo-header of a UDP or TCP segment (RFC 8200,
/// section 8.1):
///
/// ```text
///    0      7 8     15 16    23 24    31
///   +--------+--------+--------+--------+
///   |                                   |
///   +     source address (16 bytes)     +
///   |                                   |
///   +--------+--------+--------+--------+
///   |                                   |
///   +  destination address (16 bytes)   +
///   |                                   |
///   +--------+--------+--------+--------+
///   |      upper-layer packet length    |
///   +--------+--------+--------+--------+
///   |          zero            |  next  |
///   +--------+--------+--------+--------+
/// ```
///
/// The same fields as IPv4's in another order and width: the length is 32 bits, and
/// `next` is the upper layer's protocol (17 UDP, 6 TCP, 58 ICMPv6), not the next header
/// of the IPv6 header if extension headers come between. Since the IPv6 header has no
/// checksum of its own, this sum is what protects the addresses.
///
/// # Examples
///
/// ```
/// use framing::wire::checksum::ipv6_pseudo_header;
/// use std::net::Ipv6Addr;
///
/// let lo = Ipv6Addr::LOCALHOST;
/// let sum = ipv6_pseudo_header(lo, lo, 17, 13);
/// // 0001 + 0001 + 0000 + 000d + 0000 + 0011
/// assert_eq!(sum.sum(), 0x0020);
/// ```
pub fn ipv6_pseudo_header(src: Ipv6Addr, dst: Ipv6Addr, next_header: u8, length: u32) -> Checksum {
    let mut sum = Checksum::new();
    sum.add(&src.octets());
    sum.add(&dst.octets());
    sum.add(&length.to_be_bytes());
    sum.add(&[0, 0, 0, next_header]);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_header_layout() {
        // 192.0.2.1 -> 198.51.100.2, TCP, length 40: the same as summing the 12 bytes.
        let sum = ipv4_pseudo_header(
            Ipv4Addr::new(192, 0, 2, 1),
            Ipv4Addr::new(198, 51, 100, 2),
            6,
            40,
        );
        let by_hand = checksum(&[192, 0, 2, 1, 198, 51, 100, 2, 0, 6, 0, 40]);
        assert_eq!(sum.finish(), by_hand);
    }

    #[test]
    fn ipv6_pseudo_header_layout() {
        // 2001:db8::1 -> 2001:db8::2, UDP, length 70000 (more than 16 bits).
        let src: Ipv6Addr = "2001:db8::1".parse().unwrap();
        let dst: Ipv6Addr = "2001:db8::2".parse().unwrap();
        let sum = ipv6_pseudo_header(src, dst, 17, 70_000);
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&src.octets());
        bytes.extend_from_slice(&dst.octets());
        bytes.extend_from_slice(&70_000u32.to_be_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 17]);
        assert_eq!(sum.finish(), checksum(&bytes));
    }
}
