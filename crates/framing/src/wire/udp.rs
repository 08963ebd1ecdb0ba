//! The UDP header (RFC 768): the simpler of the two transport protocols (传输层).
//!
//! UDP adds only what IP lacks for talking to a *program*: port numbers. Eight bytes,
//! then the data, sent as one datagram: no connection, no retransmission, no order.
//! Each `sendto()` is one datagram and each `recvfrom()` returns one whole datagram,
//! which is why UDP has no "sticky packet" (粘包) problem.
//!
//! ```text
//!    0                   1                   2                   3
//!    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |          Source Port          |       Destination Port        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |            Length             |           Checksum            |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                             Data                              |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! - **Length** counts the header and the data: at least 8.
//! - **Checksum** covers an IPv4 pseudo-header (addresses, protocol 17, length; see
//!   [`ipv4_pseudo_header`]), the header and the data. Over IPv4 it is
//!   optional: 0 means "not computed". A computed checksum of 0 is therefore sent as
//!   0xffff, which is the same number in one's complement arithmetic. Over IPv6 the
//!   pseudo-header is IPv6's ([`ipv6_pseudo_header`]) and the checksum is required
//!   (RFC 8200, section 8.1): the IPv6 header has no checksum of its own, so this is
//!   the only check of the addresses, and a 0 is an error.
//!
//! # Examples
//!
//! ```
//! use framing::wire::{UdpPacket, UdpRepr};
//! use std::net::Ipv4Addr;
//!
//! // A datagram from port 52880 to port 7788 carrying "hello".
//! let bytes = [0xce, 0x90, 0x1e, 0x6c, 0x00, 0x0d, 0xd1, 0x02, b'h', b'e', b'l', b'l', b'o'];
//! let packet = UdpPacket::new_checked(&bytes[..]).unwrap();
//! let lo = Ipv4Addr::LOCALHOST;
//! assert!(packet.verify_checksum(lo, lo));
//! let repr = UdpRepr::parse(&packet).unwrap();
//! assert_eq!((repr.src_port, repr.dst_port, repr.payload), (52880, 7788, &b"hello"[..]));
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use super::checksum::{ipv4_pseudo_header, ipv6_pseudo_header, Checksum};
use super::{read_u16, Layer, WireError};

/// Where each field of the UDP header sits.
mod field {
    use super::super::Field;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const LENGTH: Field = 4..6;
    pub const CHECKSUM: Field = 6..8;
    pub const PAYLOAD: usize = 8;
}

/// The length of the UDP header: 8 bytes.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// IPv4's protocol number for UDP, which goes into the pseudo-header.
const PROTOCOL_UDP: u8 = 17;

/// A view of bytes as a UDP datagram.
///
/// Made with [`Packet::new_checked`], no getter panics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps bytes without checking them.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps bytes after checking the header is there and the length field fits.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::UdpPacket;
    ///
    /// let bytes = [0x1e, 0x6c, 0x1e, 0x6c, 0x00, 0x20, 0x00, 0x00, b'h', b'i'];
    /// let err = UdpPacket::new_checked(&bytes[..]).unwrap_err();
    /// assert_eq!(err.to_string(), "UDP: length field says 32 bytes but only 10 are left");
    /// ```
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks that the 8-byte header is there and that the length field is between 8
    /// and the bytes available.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Udp,
                unit: "datagram",
                len,
                header_len: HEADER_LEN,
            });
        }
        let claimed = usize::from(self.len());
        if claimed < HEADER_LEN {
            return Err(WireError::BelowMinimum {
                layer: Layer::Udp,
                field: "length",
                value: claimed,
                min: HEADER_LEN,
            });
        }
        if claimed > len {
            return Err(WireError::LengthTooLong {
                layer: Layer::Udp,
                field: "length field",
                claimed,
                available: len,
            });
        }
        Ok(())
    }

    /// Gives the bytes back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The source port (bytes 0..2).
    pub fn src_port(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::SRC_PORT])
    }

    /// The destination port (bytes 2..4).
    pub fn dst_port(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::DST_PORT])
    }

    /// The length field (bytes 4..6): header plus data.
    #[allow(clippy::len_without_is_empty)] // the name of the field, not a container
    pub fn len(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::LENGTH])
    }

    /// The checksum field (bytes 6..8); 0 means the sender did not compute one.
    pub fn checksum(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::CHECKSUM])
    }

    /// The checksum this datagram should carry, sent from `src` to `dst`: over the
    /// pseudo-header, the header (checksum field counted as zero) and the data. Never
    /// 0: a computed 0 is given as 0xffff.
    ///
    /// # Panics
    ///
    /// If the length field is longer than the buffer (use a checked packet).
    pub fn compute_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> u16 {
        let pseudo = ipv4_pseudo_header(src_addr, dst_addr, PROTOCOL_UDP, self.len().into());
        self.checksum_after(pseudo)
    }

    /// Like [`Packet::compute_checksum`], for a datagram inside IPv6.
    ///
    /// # Panics
    ///
    /// If the length field is longer than the buffer (use a checked packet).
    pub fn compute_checksum_ipv6(&self, src_addr: Ipv6Addr, dst_addr: Ipv6Addr) -> u16 {
        let pseudo = ipv6_pseudo_header(src_addr, dst_addr, PROTOCOL_UDP, self.len().into());
        self.checksum_after(pseudo)
    }

    /// The one computation behind both: `pseudo`, then the datagram with its checksum
    /// field left out.
    fn checksum_after(&self, mut sum: Checksum) -> u16 {
        let datagram = &self.buffer.as_ref()[..usize::from(self.len())];
        sum.add(&datagram[..field::CHECKSUM.start]);
        sum.add(&datagram[field::CHECKSUM.end..]);
        match sum.finish() {
            0 => 0xffff,
            checksum => checksum,
        }
    }

    /// Whether the checksum is right, or absent (0).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::UdpPacket;
    /// use std::net::Ipv4Addr;
    ///
    /// let lo = Ipv4Addr::LOCALHOST;
    /// let no_checksum = [0u8, 1, 0, 2, 0, 8, 0, 0];
    /// assert!(UdpPacket::new_checked(&no_checksum[..]).unwrap().verify_checksum(lo, lo));
    /// let wrong = [0u8, 1, 0, 2, 0, 8, 0x12, 0x34];
    /// assert!(!UdpPacket::new_checked(&wrong[..]).unwrap().verify_checksum(lo, lo));
    /// ```
    pub fn verify_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> bool {
        self.check_checksum(src_addr, dst_addr).is_ok()
    }

    /// Like [`Packet::verify_checksum`], but a mismatch is an error naming both values.
    pub fn check_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> Result<(), WireError> {
        if self.checksum() == 0 {
            return Ok(());
        }
        self.check_against(self.compute_checksum(src_addr, dst_addr))
    }

    /// Whether the checksum is right for a datagram inside IPv6. A checksum of 0 is
    /// wrong here: over IPv6 it is required.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::UdpPacket;
    /// use std::net::Ipv6Addr;
    ///
    /// let lo = Ipv6Addr::LOCALHOST;
    /// // Port 1 to port 2, no data: 0001 + 0002 + 0008 + pseudo-header 0001 + 0001 +
    /// // 0008 + 0011 = 0x0026, complemented.
    /// let right = [0u8, 1, 0, 2, 0, 8, 0xff, 0xd9];
    /// assert!(UdpPacket::new_checked(&right[..]).unwrap().verify_checksum_ipv6(lo, lo));
    /// let no_checksum = [0u8, 1, 0, 2, 0, 8, 0, 0];
    /// assert!(!UdpPacket::new_checked(&no_checksum[..]).unwrap().verify_checksum_ipv6(lo, lo));
    /// ```
    pub fn verify_checksum_ipv6(&self, src_addr: Ipv6Addr, dst_addr: Ipv6Addr) -> bool {
        self.check_checksum_ipv6(src_addr, dst_addr).is_ok()
    }

    /// Like [`Packet::verify_checksum_ipv6`], but a mismatch (or a 0) is an error naming
    /// both values.
    pub fn check_checksum_ipv6(
        &self,
        src_addr: Ipv6Addr,
        dst_addr: Ipv6Addr,
    ) -> Result<(), WireError> {
        self.check_against(self.compute_checksum_ipv6(src_addr, dst_addr))
    }

    fn check_against(&self, computed: u16) -> Result<(), WireError> {
        if self.checksum() == computed {
            Ok(())
        } else {
            Err(WireError::Checksum {
                layer: Layer::Udp,
                found: self.checksum(),
                computed,
            })
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The data: after the header, up to the length field.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::PAYLOAD..usize::from(self.len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the source port.
    pub fn set_src_port(&mut self, port: u16) {
        self.buffer.as_mut()[field::SRC_PORT].copy_from_slice(&port.to_be_bytes());
    }

    /// Sets the destination port.
    pub fn set_dst_port(&mut self, port: u16) {
        self.buffer.as_mut()[field::DST_PORT].copy_from_slice(&port.to_be_bytes());
    }

    /// Sets the length field.
    pub fn set_len(&mut self, len: u16) {
        self.buffer.as_mut()[field::LENGTH].copy_from_slice(&len.to_be_bytes());
    }

    /// Sets the checksum field to a given value (see [`Packet::fill_checksum`]).
    pub fn set_checksum(&mut self, checksum: u16) {
        self.buffer.as_mut()[field::CHECKSUM].copy_from_slice(&checksum.to_be_bytes());
    }

    /// Computes the checksum and writes it into the checksum field. Call it last.
    pub fn fill_checksum(&mut self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) {
        let checksum = self.compute_checksum(src_addr, dst_addr);
        self.set_checksum(checksum);
    }

    /// The data, for writing it in place (set the length field first).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = usize::from(self.len());
        &mut self.buffer.as_mut()[field::PAYLOAD..end]
    }
}

/// A UDP datagram, parsed: the ports and the data.
///
/// # Examples
///
/// ```
/// use framing::wire::{UdpPacket, UdpRepr};
/// use std::net::Ipv4Addr;
///
/// let repr = UdpRepr { src_port: 52880, dst_port: 7788, payload: b"hello" };
/// let lo = Ipv4Addr::LOCALHOST;
/// let mut bytes = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut UdpPacket::new_unchecked(&mut bytes[..]), lo, lo);
/// assert_eq!(bytes, [0xce, 0x90, 0x1e, 0x6c, 0x00, 0x0d, 0xd1, 0x02, b'h', b'e', b'l', b'l', b'o']);
/// assert_eq!(UdpRepr::parse(&UdpPacket::new_checked(&bytes[..]).unwrap()), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// The sending program's port.
    pub src_port: u16,
    /// The receiving program's port.
    pub dst_port: u16,
    /// The data.
    pub payload: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Reads a checked datagram. The checksum is not looked at (it needs the IPv4
    /// addresses): see [`Packet::check_checksum`].
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        packet.check_len()?;
        Ok(Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            payload: packet.payload(),
        })
    }

    /// The datagram's length, header and data: the length field.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the header, the data and the checksum (which needs the addresses of the
    /// IPv4 packet the datagram will travel in).
    ///
    /// # Panics
    ///
    /// If the datagram is longer than 65535 bytes or the buffer is shorter than
    /// [`Repr::buffer_len`].
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
        src_addr: Ipv4Addr,
        dst_addr: Ipv4Addr,
    ) {
        let len = u16::try_from(self.buffer_len()).unwrap_or_else(|_| {
            panic!(
                "a UDP datagram is at most 65535 bytes, not {}",
                self.buffer_len()
            )
        });
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_len(len);
        packet.payload_mut().copy_from_slice(self.payload);
        packet.set_checksum(0);
        packet.fill_checksum(src_addr, dst_addr);
    }
}

#[cfg(test)]
mod tests;
