//! ARP (RFC 826): finding the MAC address that belongs to an IPv4 address.
//!
//! To send an IPv4 packet to a neighbour on the same network, a host needs the
//! neighbour's MAC address for the Ethernet header. It broadcasts an ARP *request*
//! ("who has 192.168.1.1? tell 192.168.1.100") and the owner of that address answers
//! with a unicast *reply* ("192.168.1.1 is at 00:1a:2b:3c:4d:5e"). Both sides remember
//! the answer for a while: that is the ARP cache `arp -a` shows.
//!
//! ARP sits between the layers: it travels directly in an Ethernet frame (EtherType
//! 0x0806, no IP header), and it serves IP. The packet was designed for any pair of
//! hardware and protocol addresses, so it says how long they are; for Ethernet and IPv4
//! it is always 28 bytes:
//!
//! ```text
//!    0               8              16              24             32
//!   +---------------+---------------+---------------+---------------+
//!   |  hardware type (1 = Ethernet) | protocol type (0x0800 = IPv4) |
//!   +---------------+---------------+---------------+---------------+
//!   | hw length (6) | proto len (4) | operation (1 request, 2 reply)|
//!   +---------------+---------------+---------------+---------------+
//!   |               sender hardware address (MAC, 6 bytes)          |
//!   +                               +-------------------------------+
//!   |                               | sender protocol address (IPv4 |
//!   +-------------------------------+-------------------------------+
//!   |  address, 4 bytes)            | target hardware address (MAC, |
//!   +-------------------------------+                               +
//!   |  6 bytes; all zeros in a request: that is the question)       |
//!   +---------------+---------------+---------------+---------------+
//!   |               target protocol address (IPv4, 4 bytes)         |
//!   +---------------+---------------+---------------+---------------+
//! ```
//!
//! In a 60-byte Ethernet frame the 28 bytes are followed by 18 bytes of padding.
//!
//! # Examples
//!
//! ```
//! use framing::wire::{ArpOperation, ArpPacket, ArpRepr};
//! use std::net::Ipv4Addr;
//!
//! let bytes = [
//!     0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,         // Ethernet, IPv4, 6, 4, request
//!     0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d, 192, 168, 1, 100,   // sender MAC and IP
//!     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 192, 168, 1, 1,     // target MAC (unknown) and IP
//! ];
//! let repr = ArpRepr::parse(&ArpPacket::new_checked(&bytes[..]).unwrap()).unwrap();
//! assert_eq!(repr.operation, ArpOperation::Request);
//! assert_eq!(repr.target_protocol_addr, Ipv4Addr::new(192, 168, 1, 1));
//! ```

use std::fmt;
use std::net::Ipv4Addr;

use netbasics::MacAddr;

use super::{read_ipv4, read_mac, read_u16, Layer, WireError};

/// Where each field of an Ethernet/IPv4 ARP packet sits.
mod field {
    use super::super::Field;

    pub const HTYPE: Field = 0..2;
    pub const PTYPE: Field = 2..4;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: Field = 6..8;
    // The address fields below are placed for 6-byte MAC and 4-byte IPv4 addresses;
    // `Packet::check_len` makes sure the packet says so.
    pub const SHA: Field = 8..14;
    pub const SPA: Field = 14..18;
    pub const THA: Field = 18..24;
    pub const TPA: Field = 24..28;
}

/// The fixed part every ARP packet starts with, whatever its address sizes.
const FIXED_LEN: usize = field::SHA.start;

/// The length of an ARP packet for Ethernet and IPv4: 28 bytes.
pub const PACKET_LEN: usize = field::TPA.end;

/// Hardware type 1: Ethernet.
pub const HARDWARE_ETHERNET: u16 = 1;

/// Protocol type 0x0800: IPv4 (the same number as the EtherType).
pub const PROTOCOL_IPV4: u16 = 0x0800;

/// What an ARP packet asks or answers.
///
/// # Examples
///
/// ```
/// use framing::wire::ArpOperation;
///
/// assert_eq!(ArpOperation::from(2), ArpOperation::Reply);
/// assert_eq!(u16::from(ArpOperation::Request), 1);
/// assert_eq!(ArpOperation::Request.to_string(), "request");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// 1: "who has this IP address?"
    Request,
    /// 2: "this IP address is at this MAC address."
    Reply,
    /// Any other value (RARP and InARP use a few more).
    Unknown(u16),
}

impl From<u16> for Operation {
    fn from(value: u16) -> Self {
        match value {
            1 => Operation::Request,
            2 => Operation::Reply,
            n => Operation::Unknown(n),
        }
    }
}

impl From<Operation> for u16 {
    fn from(value: Operation) -> Self {
        match value {
            Operation::Request => 1,
            Operation::Reply => 2,
            Operation::Unknown(n) => n,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Request => "request",
            Operation::Reply => "reply",
            Operation::Unknown(_) => "unknown",
        })
    }
}

/// A view of bytes as an ARP packet for Ethernet and IPv4.
///
/// [`Packet::new_checked`] accepts only 6-byte hardware and 4-byte protocol addresses,
/// since that is where the address getters look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps bytes without checking them.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let packet = ArpPacket::new_unchecked([0u8; 28]);
    /// assert_eq!(packet.hardware_len(), 0);
    /// ```
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps bytes after checking the address lengths (6 and 4) and that all 28 bytes
    /// are there.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut bytes = [0u8; 28];
    /// bytes[4] = 6;
    /// bytes[5] = 4;
    /// assert!(ArpPacket::new_checked(&bytes[..]).is_ok());
    ///
    /// let err = ArpPacket::new_checked(&bytes[..20]).unwrap_err();
    /// assert_eq!(err.to_string(), "ARP: packet of 20 bytes is shorter than the 28-byte header");
    ///
    /// bytes[4] = 8; // not an Ethernet address
    /// let err = ArpPacket::new_checked(&bytes[..]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "ARP: hardware address length 8 is not 6: only ARP for Ethernet and IPv4 is decoded"
    /// );
    /// ```
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks the address lengths and that the whole packet is there.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert!(ArpPacket::new_unchecked(&[0u8; 7][..]).check_len().is_err());
    /// ```
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        let truncated = WireError::Truncated {
            layer: Layer::Arp,
            unit: "packet",
            len,
            header_len: PACKET_LEN,
        };
        if len < FIXED_LEN {
            return Err(truncated);
        }
        if self.hardware_len() != 6 {
            return Err(WireError::ArpUnsupported {
                field: "hardware address length",
                found: self.hardware_len().into(),
                expected: 6,
            });
        }
        if self.protocol_len() != 4 {
            return Err(WireError::ArpUnsupported {
                field: "protocol address length",
                found: self.protocol_len().into(),
                expected: 4,
            });
        }
        if len < PACKET_LEN {
            return Err(truncated);
        }
        Ok(())
    }

    /// Gives the bytes back.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert_eq!(ArpPacket::new_unchecked([1u8; 28]).into_inner(), [1u8; 28]);
    /// ```
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The hardware type (bytes 0..2): 1 for Ethernet.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert_eq!(ArpPacket::new_unchecked([0, 1, 8, 0, 6, 4, 0, 1]).hardware_type(), 1);
    /// ```
    pub fn hardware_type(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::HTYPE])
    }

    /// The protocol type (bytes 2..4): 0x0800 for IPv4.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert_eq!(ArpPacket::new_unchecked([0, 1, 8, 0, 6, 4, 0, 1]).protocol_type(), 0x0800);
    /// ```
    pub fn protocol_type(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::PTYPE])
    }

    /// The length of a hardware address (byte 4): 6 for Ethernet.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert_eq!(ArpPacket::new_unchecked([0, 1, 8, 0, 6, 4, 0, 1]).hardware_len(), 6);
    /// ```
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[field::HLEN]
    }

    /// The length of a protocol address (byte 5): 4 for IPv4.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// assert_eq!(ArpPacket::new_unchecked([0, 1, 8, 0, 6, 4, 0, 1]).protocol_len(), 4);
    /// ```
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[field::PLEN]
    }

    /// The operation (bytes 6..8).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::{ArpOperation, ArpPacket};
    ///
    /// let packet = ArpPacket::new_unchecked([0, 1, 8, 0, 6, 4, 0, 2]);
    /// assert_eq!(packet.operation(), ArpOperation::Reply);
    /// ```
    pub fn operation(&self) -> Operation {
        Operation::from(read_u16(&self.buffer.as_ref()[field::OPER]))
    }

    /// The sender's MAC address (bytes 8..14).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut bytes = [0u8; 28];
    /// bytes[8..14].copy_from_slice(&[8, 0, 0x20, 0x0a, 0x8c, 0x6d]);
    /// let packet = ArpPacket::new_unchecked(bytes);
    /// assert_eq!(packet.sender_hardware_addr().to_string(), "08:00:20:0a:8c:6d");
    /// ```
    pub fn sender_hardware_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::SHA]))
    }

    /// The sender's IPv4 address (bytes 14..18).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut bytes = [0u8; 28];
    /// bytes[14..18].copy_from_slice(&[192, 168, 1, 100]);
    /// let packet = ArpPacket::new_unchecked(bytes);
    /// assert_eq!(packet.sender_protocol_addr().to_string(), "192.168.1.100");
    /// ```
    pub fn sender_protocol_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::SPA])
    }

    /// The target's MAC address (bytes 18..24); zeros in a request.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let packet = ArpPacket::new_unchecked([0u8; 28]);
    /// assert_eq!(packet.target_hardware_addr().to_string(), "00:00:00:00:00:00");
    /// ```
    pub fn target_hardware_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::THA]))
    }

    /// The target's IPv4 address (bytes 24..28).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut bytes = [0u8; 28];
    /// bytes[24..28].copy_from_slice(&[192, 168, 1, 1]);
    /// let packet = ArpPacket::new_unchecked(bytes);
    /// assert_eq!(packet.target_protocol_addr().to_string(), "192.168.1.1");
    /// ```
    pub fn target_protocol_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::TPA])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the hardware type.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_hardware_type(1);
    /// assert_eq!(&packet.into_inner()[..2], &[0, 1]);
    /// ```
    pub fn set_hardware_type(&mut self, value: u16) {
        self.buffer.as_mut()[field::HTYPE].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the protocol type.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_protocol_type(0x0800);
    /// assert_eq!(&packet.into_inner()[2..4], &[8, 0]);
    /// ```
    pub fn set_protocol_type(&mut self, value: u16) {
        self.buffer.as_mut()[field::PTYPE].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the hardware address length.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_hardware_len(6);
    /// assert_eq!(packet.hardware_len(), 6);
    /// ```
    pub fn set_hardware_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::HLEN] = value;
    }

    /// Sets the protocol address length.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_protocol_len(4);
    /// assert_eq!(packet.protocol_len(), 4);
    /// ```
    pub fn set_protocol_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::PLEN] = value;
    }

    /// Sets the operation.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::{ArpOperation, ArpPacket};
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_operation(ArpOperation::Request);
    /// assert_eq!(&packet.into_inner()[6..8], &[0, 1]);
    /// ```
    pub fn set_operation(&mut self, value: Operation) {
        self.buffer.as_mut()[field::OPER].copy_from_slice(&u16::from(value).to_be_bytes());
    }

    /// Sets the sender's MAC address.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    /// use netbasics::MacAddr;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_sender_hardware_addr(MacAddr::BROADCAST);
    /// assert_eq!(&packet.into_inner()[8..14], &[0xff; 6]);
    /// ```
    pub fn set_sender_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::SHA].copy_from_slice(&addr.octets());
    }

    /// Sets the sender's IPv4 address.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    /// use std::net::Ipv4Addr;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_sender_protocol_addr(Ipv4Addr::new(10, 0, 0, 1));
    /// assert_eq!(&packet.into_inner()[14..18], &[10, 0, 0, 1]);
    /// ```
    pub fn set_sender_protocol_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[field::SPA].copy_from_slice(&addr.octets());
    }

    /// Sets the target's MAC address.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    /// use netbasics::MacAddr;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_target_hardware_addr(MacAddr::BROADCAST);
    /// assert_eq!(&packet.into_inner()[18..24], &[0xff; 6]);
    /// ```
    pub fn set_target_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::THA].copy_from_slice(&addr.octets());
    }

    /// Sets the target's IPv4 address.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::ArpPacket;
    /// use std::net::Ipv4Addr;
    ///
    /// let mut packet = ArpPacket::new_unchecked([0u8; 28]);
    /// packet.set_target_protocol_addr(Ipv4Addr::new(10, 0, 0, 2));
    /// assert_eq!(&packet.into_inner()[24..28], &[10, 0, 0, 2]);
    /// ```
    pub fn set_target_protocol_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[field::TPA].copy_from_slice(&addr.octets());
    }
}

/// An ARP packet for Ethernet and IPv4, parsed.
///
/// # Examples
///
/// ```
/// use framing::wire::{ArpOperation, ArpPacket, ArpRepr};
/// use netbasics::MacAddr;
/// use std::net::Ipv4Addr;
///
/// // "Who has 192.168.1.1? Tell 192.168.1.100."
/// let repr = ArpRepr {
///     operation: ArpOperation::Request,
///     sender_hardware_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
///     sender_protocol_addr: Ipv4Addr::new(192, 168, 1, 100),
///     target_hardware_addr: MacAddr::new([0; 6]),
///     target_protocol_addr: Ipv4Addr::new(192, 168, 1, 1),
/// };
/// let mut bytes = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut ArpPacket::new_unchecked(&mut bytes[..]));
/// assert_eq!(&bytes[..8], &[0, 1, 8, 0, 6, 4, 0, 1]);
/// assert_eq!(ArpRepr::parse(&ArpPacket::new_checked(&bytes[..]).unwrap()), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Request or reply.
    pub operation: Operation,
    /// The sender's MAC address.
    pub sender_hardware_addr: MacAddr,
    /// The sender's IPv4 address.
    pub sender_protocol_addr: Ipv4Addr,
    /// The target's MAC address (zeros in a request: it is what is being asked).
    pub target_hardware_addr: MacAddr,
    /// The target's IPv4 address.
    pub target_protocol_addr: Ipv4Addr,
}

impl Repr {
    /// Reads an ARP packet, checking that it is for Ethernet (hardware type 1) and
    /// IPv4 (protocol type 0x0800).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::{ArpPacket, ArpRepr};
    ///
    /// let mut bytes = [0u8; 28];
    /// bytes[..6].copy_from_slice(&[0, 6, 8, 0, 6, 4]); // hardware type 6: IEEE 802
    /// let err = ArpRepr::parse(&ArpPacket::new_checked(&bytes[..]).unwrap()).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "ARP: hardware type 6 is not 1: only ARP for Ethernet and IPv4 is decoded"
    /// );
    /// ```
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Repr, WireError> {
        packet.check_len()?;
        if packet.hardware_type() != HARDWARE_ETHERNET {
            return Err(WireError::ArpUnsupported {
                field: "hardware type",
                found: packet.hardware_type(),
                expected: HARDWARE_ETHERNET,
            });
        }
        if packet.protocol_type() != PROTOCOL_IPV4 {
            return Err(WireError::ArpProtocolType(packet.protocol_type()));
        }
        Ok(Repr {
            operation: packet.operation(),
            sender_hardware_addr: packet.sender_hardware_addr(),
            sender_protocol_addr: packet.sender_protocol_addr(),
            target_hardware_addr: packet.target_hardware_addr(),
            target_protocol_addr: packet.target_protocol_addr(),
        })
    }

    /// The bytes [`Repr::emit`] writes: 28.
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub const fn buffer_len(&self) -> usize {
        PACKET_LEN
    }

    /// Writes the whole packet, including hardware type 1, protocol type 0x0800 and the
    /// lengths 6 and 4.
    ///
    /// # Panics
    ///
    /// If the packet's buffer is shorter than 28 bytes.
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        packet.set_hardware_type(HARDWARE_ETHERNET);
        packet.set_protocol_type(PROTOCOL_IPV4);
        packet.set_hardware_len(6);
        packet.set_protocol_len(4);
        packet.set_operation(self.operation);
        packet.set_sender_hardware_addr(self.sender_hardware_addr);
        packet.set_sender_protocol_addr(self.sender_protocol_addr);
        packet.set_target_hardware_addr(self.target_hardware_addr);
        packet.set_target_protocol_addr(self.target_protocol_addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// "Who has 192.168.1.1? Tell 192.168.1.100", from 08:00:20:0a:8c:6d.
    const REQUEST: [u8; 28] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d, 0xc0,
        0xa8, 0x01, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01,
    ];

    fn request_repr() -> Repr {
        Repr {
            operation: Operation::Request,
            sender_hardware_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
            sender_protocol_addr: Ipv4Addr::new(192, 168, 1, 100),
            target_hardware_addr: MacAddr::new([0; 6]),
            target_protocol_addr: Ipv4Addr::new(192, 168, 1, 1),
        }
    }

    #[test]
    fn parse_golden_request() {
        let packet = Packet::new_checked(&REQUEST[..]).unwrap();
        assert_eq!(packet.hardware_type(), 1);
        assert_eq!(packet.protocol_type(), 0x0800);
        assert_eq!(packet.hardware_len(), 6);
        assert_eq!(packet.protocol_len(), 4);
        assert_eq!(packet.operation(), Operation::Request);
        assert_eq!(Repr::parse(&packet), Ok(request_repr()));
    }

    #[test]
    fn emit_golden_request_over_a5() {
        let mut bytes = [0xa5u8; 28];
        request_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]));
        assert_eq!(bytes, REQUEST);
    }

    #[test]
    fn every_short_length_is_rejected() {
        for len in 0..PACKET_LEN {
            let err = Packet::new_checked(&REQUEST[..len]).unwrap_err();
            assert_eq!(
                err,
                WireError::Truncated {
                    layer: Layer::Arp,
                    unit: "packet",
                    len,
                    header_len: 28
                }
            );
        }
    }

    #[test]
    fn other_address_lengths_are_rejected() {
        let mut bytes = REQUEST;
        bytes[field::HLEN] = 8;
        assert_eq!(
            Packet::new_checked(&bytes[..]),
            Err(WireError::ArpUnsupported {
                field: "hardware address length",
                found: 8,
                expected: 6
            })
        );
        let mut bytes = REQUEST;
        bytes[field::PLEN] = 16; // IPv6 addresses (IPv6 uses NDP, not ARP, anyway)
        let err = Packet::new_checked(&bytes[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ARP: protocol address length 16 is not 4: only ARP for Ethernet and IPv4 is decoded"
        );
    }

    #[test]
    fn other_types_are_rejected_by_parse() {
        let mut bytes = REQUEST;
        bytes[field::PTYPE].copy_from_slice(&[0x86, 0xdd]);
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(
            Repr::parse(&packet),
            Err(WireError::ArpProtocolType(0x86dd))
        );

        let mut bytes = REQUEST;
        bytes[field::HTYPE].copy_from_slice(&[0x00, 0x06]);
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(
            Repr::parse(&packet).unwrap_err().layer(),
            Layer::Arp,
            "hardware type 6 is IEEE 802, not Ethernet"
        );
    }

    #[test]
    fn unknown_operations_are_kept() {
        let mut bytes = REQUEST;
        bytes[field::OPER].copy_from_slice(&[0x00, 0x03]); // RARP request
        let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr.operation, Operation::Unknown(3));
        assert_eq!(repr.operation.to_string(), "unknown");
    }

    #[test]
    fn padding_after_the_packet_is_ignored() {
        let mut bytes = REQUEST.to_vec();
        bytes.extend_from_slice(&[0; 18]);
        let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!(repr, request_repr());
    }

    fn any_mac() -> impl Strategy<Value = MacAddr> {
        any::<[u8; 6]>().prop_map(MacAddr::new)
    }

    fn any_ipv4() -> impl Strategy<Value = Ipv4Addr> {
        any::<u32>().prop_map(Ipv4Addr::from)
    }

    proptest! {
        #[test]
        fn repr_round_trips(
            oper in any::<u16>(),
            sha in any_mac(), spa in any_ipv4(), tha in any_mac(), tpa in any_ipv4(),
        ) {
            let repr = Repr {
                operation: Operation::from(oper),
                sender_hardware_addr: sha,
                sender_protocol_addr: spa,
                target_hardware_addr: tha,
                target_protocol_addr: tpa,
            };
            let mut bytes = vec![0xa5u8; repr.buffer_len()];
            repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
            prop_assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Ok(repr));
        }

        #[test]
        fn checked_packets_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(packet) = Packet::new_checked(&bytes[..]) {
                let _ = Repr::parse(&packet);
                let _ = (packet.sender_hardware_addr(), packet.target_protocol_addr());
            }
        }
    }
}
