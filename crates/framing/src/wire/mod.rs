//! Protocol headers as code: Ethernet II, ARP, IPv4, IPv6, UDP and TCP.
//!
//! The course's layer lesson (OSI 七层 / TCP/IP 四层) draws each header as a box of
//! fields. Here every header is a Rust file, and the box is in the code twice:
//!
//! - a private `mod field` lists where each field sits, as byte ranges
//!   (`pub const SRC_PORT: Field = 0..2;`): the header diagram, in code;
//! - a *view* over bytes (`Packet`, or `Frame` for Ethernet) reads and writes the fields
//!   in place. [`Ipv4Packet::new_checked`] checks the lengths once; after that no getter
//!   can index out of bounds, however the bytes were mangled;
//! - a *representation* (`Repr`) is the header parsed into plain Rust values:
//!   `Repr::parse(&packet)` reads it, `repr.emit(&mut packet)` writes it back, and
//!   `repr.buffer_len()` says how many bytes that takes.
//!
//! The split is the one smoltcp (a TCP/IP stack in Rust) uses: the view is cheap and
//! exact down to the bit, the representation is what a program wants to work with.
//!
//! # What is in a frame
//!
//! A UDP datagram carrying `hello` from 127.0.0.1 to 127.0.0.1:7788, as captured on the
//! loopback interface (47 bytes; loopback has no real Ethernet, so Linux shows an
//! Ethernet header of zeros):
//!
//! ```text
//!   00 00 00 00 00 00 00 00 00 00 00 00 08 00   Ethernet II  14 bytes  (链路层 link)
//!   45 00 00 21 9a 23 40 00 40 11 a2 a6
//!   7f 00 00 01 7f 00 00 01                     IPv4         20 bytes  (网络层 network)
//!   ce 90 1e 6c 00 0d fe 20                     UDP           8 bytes  (传输层 transport)
//!   68 65 6c 6c 6f                              "hello"       5 bytes  (应用层 application)
//! ```
//!
//! [`decode_frame`] takes such bytes apart layer by layer; the `packet-decode` command
//! prints the result.
//!
//! # Checksums
//!
//! A wrong checksum is not a malformed packet: the bytes can still be read. So
//! `Repr::parse` does not look at checksums; each view has `verify_checksum` (true or
//! false) and `check_checksum` (a [`WireError::Checksum`] naming both values) for a
//! program that wants to drop damaged packets, as a real stack does. The decoder shows a
//! mismatch as `(bad, expected 0x....)` and goes on; see [`checksum`](mod@checksum) for
//! why loopback captures are full of them.
//!
//! # Layout
//!
//! - [`ethernet`]: Ethernet II frames (destination, source, EtherType).
//! - [`arp`]: ARP for Ethernet and IPv4 (who has 192.168.1.1? tell 192.168.1.100).
//! - [`ipv4`]: the IPv4 header, fragments, options and its header checksum.
//! - [`ipv6`]: the fixed 40-byte IPv6 header (extension headers are named, not walked).
//! - [`udp`]: the UDP header and its pseudo-header checksum.
//! - [`tcp`]: the TCP header, its flags and options.
//! - [`checksum`](mod@checksum): the Internet checksum (RFC 1071, from `netbasics`) in the
//!   headers: the IPv4 pseudo-header, and why captures show bad checksums.
//! - [`decode`]: the layer-by-layer decoder behind `packet-decode`.

pub mod arp;
pub mod checksum;
pub mod decode;
pub mod ethernet;
pub mod ipv4;
pub mod ipv6;
pub mod tcp;
pub mod udp;

use std::fmt;

pub use arp::{Operation as ArpOperation, Packet as ArpPacket, Repr as ArpRepr};
pub use checksum::{checksum, Checksum};
pub use decode::{decode_frame, decode_ipv4_packet, parse_hex, Decoded, DecodedLayer};
pub use ethernet::{EtherType, Frame as EthernetFrame, Repr as EthernetRepr};
pub use ipv4::{IpProtocol, Packet as Ipv4Packet, Repr as Ipv4Repr};
pub use ipv6::{Packet as Ipv6Packet, Repr as Ipv6Repr};
pub use tcp::{Packet as TcpPacket, Repr as TcpRepr, TcpFlags};
pub use udp::{Packet as UdpPacket, Repr as UdpRepr};

/// Where a header field sits: a range of byte positions, `start..end`.
type Field = core::ops::Range<usize>;

// Network byte order (big-endian) readers shared by the headers. The callers pass a
// slice of exactly the field's size, taken with a `field::` range.

/// Reads a 2-byte big-endian field.
fn read_u16(bytes: &[u8]) -> u16 {
    u16::from_be_bytes([bytes[0], bytes[1]])
}

/// Reads a 4-byte big-endian field.
fn read_u32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Reads a 6-byte MAC address field.
fn read_mac(bytes: &[u8]) -> [u8; 6] {
    let mut octets = [0u8; 6];
    octets.copy_from_slice(bytes);
    octets
}

/// Reads a 4-byte IPv4 address field.
fn read_ipv4(bytes: &[u8]) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
}

/// The protocol layer a [`WireError`] (or a decoded layer) belongs to.
///
/// # Examples
///
/// ```
/// use framing::wire::Layer;
///
/// assert_eq!(Layer::Ipv4.to_string(), "IPv4");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Ethernet II, the link layer (链路层).
    Ethernet,
    /// ARP, which finds the MAC address for an IPv4 address.
    Arp,
    /// IPv4, the network layer (网络层).
    Ipv4,
    /// IPv6, the network layer with 128-bit addresses.
    Ipv6,
    /// UDP, a transport layer (传输层) protocol.
    Udp,
    /// TCP, a transport layer (传输层) protocol.
    Tcp,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layer::Ethernet => "Ethernet",
            Layer::Arp => "ARP",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Udp => "UDP",
            Layer::Tcp => "TCP",
        })
    }
}

/// Why some bytes are not a valid header. Every message starts with the layer and
/// names the field.
///
/// # Examples
///
/// ```
/// use framing::wire::{EthernetFrame, Layer, WireError};
///
/// let err = EthernetFrame::new_checked(&[0u8; 10][..]).unwrap_err();
/// assert_eq!(err.to_string(), "Ethernet: frame of 10 bytes is shorter than the 14-byte header");
/// assert_eq!(err.layer(), Layer::Ethernet);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The bytes end before the header does.
    #[error("{layer}: {unit} of {len} bytes is shorter than the {header_len}-byte header")]
    Truncated {
        /// The layer whose header is cut off.
        layer: Layer,
        /// What the layer calls its unit: frame, packet, datagram, segment.
        unit: &'static str,
        /// How many bytes there are.
        len: usize,
        /// How many the header needs.
        header_len: usize,
    },
    /// A length field claims more bytes than there are.
    #[error("{layer}: {field} says {claimed} bytes but only {available} are left")]
    LengthTooLong {
        /// The layer.
        layer: Layer,
        /// The length field, e.g. `total length field`.
        field: &'static str,
        /// The length the field claims, in bytes.
        claimed: usize,
        /// The bytes actually there.
        available: usize,
    },
    /// A field is smaller than the protocol allows (a header shorter than its fixed
    /// part, a total length shorter than the header).
    #[error("{layer}: {field} {value} is below the minimum of {min}")]
    BelowMinimum {
        /// The layer.
        layer: Layer,
        /// The field, e.g. `data offset`.
        field: &'static str,
        /// The value found (in the field's own unit).
        value: usize,
        /// The smallest allowed value.
        min: usize,
    },
    /// The version field of an IPv4 packet is not 4.
    #[error("IPv4: version {0} is not 4, so this is not an IPv4 packet")]
    Ipv4Version(u8),
    /// The version field of an IPv6 packet is not 6.
    #[error("IPv6: version {0} is not 6, so this is not an IPv6 packet")]
    Ipv6Version(u8),
    /// An ARP packet for something other than Ethernet and IPv4.
    #[error("ARP: {field} {found} is not {expected}: only ARP for Ethernet and IPv4 is decoded")]
    ArpUnsupported {
        /// The field, e.g. `hardware address length`.
        field: &'static str,
        /// The value found.
        found: u16,
        /// The value Ethernet/IPv4 ARP has.
        expected: u16,
    },
    /// An ARP packet whose protocol type is not IPv4 (0x0800).
    #[error(
        "ARP: protocol type {0:#06x} is not 0x0800 (IPv4): only ARP for Ethernet and IPv4 is decoded"
    )]
    ArpProtocolType(u16),
    /// A checksum field does not match the bytes it covers.
    #[error("{layer}: checksum {found:#06x} does not match the computed {computed:#06x}")]
    Checksum {
        /// The layer.
        layer: Layer,
        /// The value in the checksum field.
        found: u16,
        /// The value the field should hold.
        computed: u16,
    },
}

impl WireError {
    /// The layer the error was found in.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::{Layer, WireError};
    ///
    /// assert_eq!(WireError::Ipv4Version(6).layer(), Layer::Ipv4);
    /// ```
    pub fn layer(&self) -> Layer {
        match self {
            WireError::Truncated { layer, .. }
            | WireError::LengthTooLong { layer, .. }
            | WireError::BelowMinimum { layer, .. }
            | WireError::Checksum { layer, .. } => *layer,
            WireError::Ipv4Version(_) => Layer::Ipv4,
            WireError::Ipv6Version(_) => Layer::Ipv6,
            WireError::ArpUnsupported { .. } | WireError::ArpProtocolType(_) => Layer::Arp,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One row of a header's field table: a setter, the first byte it writes, the bytes
    /// it must write there, and a check that the getter reads the value back.
    pub(super) type FieldRow<P> = (fn(&mut P), usize, &'static [u8], fn(&P) -> bool);

    /// Runs a header's field table, each row on a header of zeros: the setter writes
    /// exactly its bytes (nothing else changes) and the getter reads them back. The
    /// table is the header diagram, tested.
    pub(super) fn check_fields<P, const N: usize>(
        new_unchecked: fn([u8; N]) -> P,
        into_inner: fn(P) -> [u8; N],
        rows: &[FieldRow<P>],
    ) {
        for &(set, at, bytes, get) in rows {
            let mut packet = new_unchecked([0; N]);
            set(&mut packet);
            assert!(get(&packet), "the getter of {bytes:02x?} at byte {at}");
            let mut expected = [0; N];
            expected[at..at + bytes.len()].copy_from_slice(bytes);
            assert_eq!(into_inner(packet), expected, "the setter of byte {at}");
        }
    }

    /// Any IPv4 address, for the round-trip properties of the headers.
    pub(super) fn any_ipv4() -> impl Strategy<Value = std::net::Ipv4Addr> {
        any::<u32>().prop_map(std::net::Ipv4Addr::from)
    }

    #[test]
    fn messages_name_the_layer_and_the_field() {
        let cases = [
            (
                WireError::LengthTooLong {
                    layer: Layer::Ipv4,
                    field: "header length field",
                    claimed: 60,
                    available: 34,
                },
                "IPv4: header length field says 60 bytes but only 34 are left",
            ),
            (
                WireError::BelowMinimum {
                    layer: Layer::Tcp,
                    field: "data offset",
                    value: 3,
                    min: 5,
                },
                "TCP: data offset 3 is below the minimum of 5",
            ),
            (
                WireError::Truncated {
                    layer: Layer::Ethernet,
                    unit: "frame",
                    len: 10,
                    header_len: 14,
                },
                "Ethernet: frame of 10 bytes is shorter than the 14-byte header",
            ),
            (
                WireError::Checksum {
                    layer: Layer::Udp,
                    found: 0x1234,
                    computed: 0xabcd,
                },
                "UDP: checksum 0x1234 does not match the computed 0xabcd",
            ),
            (
                WireError::ArpProtocolType(0x86dd),
                "ARP: protocol type 0x86dd is not 0x0800 (IPv4): only ARP for Ethernet and IPv4 is decoded",
            ),
            (
                WireError::ArpUnsupported {
                    field: "hardware address length",
                    found: 8,
                    expected: 6,
                },
                "ARP: hardware address length 8 is not 6: only ARP for Ethernet and IPv4 is decoded",
            ),
            (
                WireError::Ipv4Version(6),
                "IPv4: version 6 is not 4, so this is not an IPv4 packet",
            ),
        ];
        for (err, message) in cases {
            assert_eq!(err.to_string(), message);
            assert!(message.starts_with(&format!("{}: ", err.layer())));
        }
    }
}
