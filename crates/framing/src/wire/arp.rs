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
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The hardware type (bytes 0..2): 1 for Ethernet.
    pub fn hardware_type(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::HTYPE])
    }

    /// The protocol type (bytes 2..4): 0x0800 for IPv4.
    pub fn protocol_type(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::PTYPE])
    }

    /// The length of a hardware address (byte 4): 6 for Ethernet.
    pub fn hardware_len(&self) -> u8 {
        self.buffer.as_ref()[field::HLEN]
    }

    /// The length of a protocol address (byte 5): 4 for IPv4.
    pub fn protocol_len(&self) -> u8 {
        self.buffer.as_ref()[field::PLEN]
    }

    /// The operation (bytes 6..8).
    pub fn operation(&self) -> Operation {
        Operation::from(read_u16(&self.buffer.as_ref()[field::OPER]))
    }

    /// The sender's MAC address (bytes 8..14).
    pub fn sender_hardware_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::SHA]))
    }

    /// The sender's IPv4 address (bytes 14..18).
    pub fn sender_protocol_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::SPA])
    }

    /// The target's MAC address (bytes 18..24); zeros in a request.
    pub fn target_hardware_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::THA]))
    }

    /// The target's IPv4 address (bytes 24..28).
    pub fn target_protocol_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::TPA])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the hardware type.
    pub fn set_hardware_type(&mut self, value: u16) {
        self.buffer.as_mut()[field::HTYPE].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the protocol type.
    pub fn set_protocol_type(&mut self, value: u16) {
        self.buffer.as_mut()[field::PTYPE].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the hardware address length.
    pub fn set_hardware_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::HLEN] = value;
    }

    /// Sets the protocol address length.
    pub fn set_protocol_len(&mut self, value: u8) {
        self.buffer.as_mut()[field::PLEN] = value;
    }

    /// Sets the operation.
    pub fn set_operation(&mut self, value: Operation) {
        self.buffer.as_mut()[field::OPER].copy_from_slice(&u16::from(value).to_be_bytes());
    }

    /// Sets the sender's MAC address.
    pub fn set_sender_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::SHA].copy_from_slice(&addr.octets());
    }

    /// Sets the sender's IPv4 address.
    pub fn set_sender_protocol_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[field::SPA].copy_from_slice(&addr.octets());
    }

    /// Sets the target's MAC address.
    pub fn set_target_hardware_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::THA].copy_from_slice(&addr.octets());
    }

    /// Sets the target's IPv4 address.
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
mod tests;
