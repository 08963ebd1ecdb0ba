//! The IPv6 header (RFC 8200): the network layer (网络层) with 128-bit addresses.
//!
//! IPv6 keeps IP's job (carry a packet from one host to another) with a simpler header:
//! always 40 bytes, no checksum (the link and the transport already check), no
//! fragmentation by routers, and no options in the header itself. What IPv4 put in
//! options travels in *extension headers* between this header and the payload, each
//! naming the next one, as a chain.
//!
//! ```text
//!    0                   1                   2                   3
//!    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |Version| Traffic Class |              Flow Label               |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |         Payload Length        |  Next Header  |   Hop Limit   |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                                                               |
//!   +                    Source Address (128 bits)                  +
//!   |                                                               |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                                                               |
//!   +                 Destination Address (128 bits)                +
//!   |                                                               |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! - **Traffic Class** is IPv4's DSCP and ECN byte; the **Flow Label** lets a sender mark
//!   packets that belong together.
//! - **Payload Length** counts what follows the 40 bytes (extension headers included),
//!   unlike IPv4's total length, which counts the header too.
//! - **Next Header** is IPv4's protocol field (6 TCP, 17 UDP, 58 ICMPv6), or the type of
//!   the first extension header (0 hop-by-hop options, 43 routing, 44 fragment, ...).
//!   This view reads the fixed header only: a program that wants TCP and finds an
//!   extension header has to walk the chain or, as `tcp-trace` does, skip the packet.
//! - **Hop Limit** is IPv4's TTL under its honest name.
//!
//! # Examples
//!
//! ```
//! use framing::wire::{IpProtocol, Ipv6Packet, Ipv6Repr};
//! use std::net::Ipv6Addr;
//!
//! // The start of a TCP SYN from ::1 to ::1 (20 bytes of TCP follow).
//! let mut bytes = [0u8; 60];
//! bytes[..8].copy_from_slice(&[0x60, 0x0c, 0x4d, 0x2e, 0x00, 0x14, 0x06, 0x40]);
//! bytes[23] = 1; // source ::1
//! bytes[39] = 1; // destination ::1
//! let packet = Ipv6Packet::new_checked(&bytes[..]).unwrap();
//! let repr = Ipv6Repr::parse(&packet).unwrap();
//! assert_eq!(repr.next_header, IpProtocol::Tcp);
//! assert_eq!(repr.src_addr, Ipv6Addr::LOCALHOST);
//! assert_eq!(repr.flow_label, 0xc4d2e);
//! assert_eq!(packet.payload().len(), 20);
//! ```

use std::net::Ipv6Addr;

use super::ipv4::IpProtocol;
use super::{read_u16, Layer, WireError};

/// Where each field of the IPv6 header sits.
mod field {
    use super::super::Field;

    /// Version (4 bits), traffic class (8 bits), flow label (20 bits).
    pub const VER_TC_FLOW: Field = 0..4;
    pub const LENGTH: Field = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SRC_ADDR: Field = 8..24;
    pub const DST_ADDR: Field = 24..40;
    /// The payload (or the first extension header) starts here.
    pub const PAYLOAD: usize = 40;
}

/// The length of the header: always 40 bytes.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// The largest flow label (20 bits).
pub const MAX_FLOW_LABEL: u32 = 0xf_ffff;

/// A view of bytes as an IPv6 packet.
///
/// Made with [`Packet::new_checked`], no getter panics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps bytes without checking them (for building a packet in a buffer you sized).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps bytes after checking the version and that the header and the payload
    /// length fit in them.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::Ipv6Packet;
    ///
    /// let mut bytes = [0u8; 40];
    /// bytes[0] = 0x60;
    /// bytes[5] = 8; // says 8 bytes of payload, but there are none
    /// let err = Ipv6Packet::new_checked(&bytes[..]).unwrap_err();
    /// assert_eq!(err.to_string(), "IPv6: payload length field says 48 bytes but only 40 are left");
    /// ```
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks, in order: 40 bytes are there, the version is 6, and the payload length
    /// fits.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Ipv6,
                unit: "packet",
                len,
                header_len: HEADER_LEN,
            });
        }
        if self.version() != 6 {
            return Err(WireError::Ipv6Version(self.version()));
        }
        let total = HEADER_LEN + usize::from(self.payload_len());
        if total > len {
            return Err(WireError::LengthTooLong {
                layer: Layer::Ipv6,
                field: "payload length field",
                claimed: total,
                available: len,
            });
        }
        Ok(())
    }

    /// Gives the bytes back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The version (the high 4 bits of byte 0): 6.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VER_TC_FLOW.start] >> 4
    }

    /// The traffic class (the 8 bits after the version).
    pub fn traffic_class(&self) -> u8 {
        // Truncation keeps the 8 bits wanted: bits 20..28 of the first word.
        (self.first_word() >> 20) as u8
    }

    /// The flow label (the low 20 bits of the first word).
    pub fn flow_label(&self) -> u32 {
        self.first_word() & MAX_FLOW_LABEL
    }

    /// The payload length (bytes 4..6): what follows the 40-byte header.
    pub fn payload_len(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::LENGTH])
    }

    /// The next header (byte 6): the payload's protocol, or an extension header.
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol::from(self.buffer.as_ref()[field::NEXT_HEADER])
    }

    /// The hop limit (byte 7).
    pub fn hop_limit(&self) -> u8 {
        self.buffer.as_ref()[field::HOP_LIMIT]
    }

    /// The source address (bytes 8..24).
    pub fn src_addr(&self) -> Ipv6Addr {
        read_ipv6(&self.buffer.as_ref()[field::SRC_ADDR])
    }

    /// The destination address (bytes 24..40).
    pub fn dst_addr(&self) -> Ipv6Addr {
        read_ipv6(&self.buffer.as_ref()[field::DST_ADDR])
    }

    fn first_word(&self) -> u32 {
        super::read_u32(&self.buffer.as_ref()[field::VER_TC_FLOW])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The payload: the payload length's worth of bytes after the header (bytes after
    /// it, such as Ethernet padding, are not part of the packet).
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[HEADER_LEN..HEADER_LEN + usize::from(self.payload_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the version, traffic class and flow label at once (the flow label keeps only
    /// its 20 bits, the version its 4).
    pub fn set_first_word(&mut self, version: u8, traffic_class: u8, flow_label: u32) {
        let word = (u32::from(version & 0x0f) << 28)
            | (u32::from(traffic_class) << 20)
            | (flow_label & MAX_FLOW_LABEL);
        self.buffer.as_mut()[field::VER_TC_FLOW].copy_from_slice(&word.to_be_bytes());
    }

    /// Sets the payload length.
    pub fn set_payload_len(&mut self, len: u16) {
        self.buffer.as_mut()[field::LENGTH].copy_from_slice(&len.to_be_bytes());
    }

    /// Sets the next header.
    pub fn set_next_header(&mut self, protocol: IpProtocol) {
        self.buffer.as_mut()[field::NEXT_HEADER] = protocol.into();
    }

    /// Sets the hop limit.
    pub fn set_hop_limit(&mut self, hops: u8) {
        self.buffer.as_mut()[field::HOP_LIMIT] = hops;
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: Ipv6Addr) {
        self.buffer.as_mut()[field::SRC_ADDR].copy_from_slice(&addr.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: Ipv6Addr) {
        self.buffer.as_mut()[field::DST_ADDR].copy_from_slice(&addr.octets());
    }
}

/// Reads a 16-byte IPv6 address field.
fn read_ipv6(bytes: &[u8]) -> Ipv6Addr {
    let mut octets = [0u8; 16];
    octets.copy_from_slice(bytes);
    Ipv6Addr::from(octets)
}

/// An IPv6 header, parsed. Like [`super::Ipv4Repr`], it describes the payload by its
/// length only.
///
/// # Examples
///
/// ```
/// use framing::wire::{IpProtocol, Ipv6Packet, Ipv6Repr};
/// use std::net::Ipv6Addr;
///
/// let repr = Ipv6Repr {
///     src_addr: Ipv6Addr::LOCALHOST,
///     dst_addr: Ipv6Addr::LOCALHOST,
///     next_header: IpProtocol::Udp,
///     hop_limit: 64,
///     traffic_class: 0,
///     flow_label: 0,
///     payload_len: 13,
/// };
/// let mut bytes = vec![0xa5u8; repr.buffer_len()];
/// repr.emit(&mut Ipv6Packet::new_unchecked(&mut bytes[..]));
/// assert_eq!(&bytes[..8], &[0x60, 0, 0, 0, 0, 13, 17, 64]);
/// let packet = Ipv6Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(Ipv6Repr::parse(&packet), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Where the packet comes from.
    pub src_addr: Ipv6Addr,
    /// Where it goes.
    pub dst_addr: Ipv6Addr,
    /// What follows the header: the payload's protocol or an extension header.
    pub next_header: IpProtocol,
    /// How many more routers may forward it.
    pub hop_limit: u8,
    /// The traffic class (IPv4's DSCP and ECN).
    pub traffic_class: u8,
    /// The flow label (20 bits).
    pub flow_label: u32,
    /// The length of what follows the header.
    pub payload_len: usize,
}

impl Repr {
    /// Reads the header of a checked packet.
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<Repr, WireError> {
        packet.check_len()?;
        Ok(Repr {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            next_header: packet.next_header(),
            hop_limit: packet.hop_limit(),
            traffic_class: packet.traffic_class(),
            flow_label: packet.flow_label(),
            payload_len: usize::from(packet.payload_len()),
        })
    }

    /// The header length: always 40.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// The whole packet's length, header and payload.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the header. The payload bytes are left as they are; the flow label keeps
    /// only its 20 bits.
    ///
    /// # Panics
    ///
    /// If the payload is longer than 65535 bytes (the payload length could not say so;
    /// RFC 2675's jumbograms are not supported), or the buffer is shorter than 40 bytes.
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        let len = u16::try_from(self.payload_len).unwrap_or_else(|_| {
            panic!(
                "an IPv6 payload is at most 65535 bytes, not {}",
                self.payload_len
            )
        });
        packet.set_first_word(6, self.traffic_class, self.flow_label);
        packet.set_payload_len(len);
        packet.set_next_header(self.next_header);
        packet.set_hop_limit(self.hop_limit);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
    }
}

#[cfg(test)]
pub(crate) mod tests;
