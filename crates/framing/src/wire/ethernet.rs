//! Ethernet II frames (以太网帧): the link layer (链路层).
//!
//! On a local network every packet travels inside an Ethernet frame. Its header is 14
//! bytes: who the frame is for, who sent it, and what is inside.
//!
//! ```text
//!    0                   6                  12        14                    14+n
//!   +-------------------+-------------------+---------+----------------------+
//!   |  destination MAC  |    source MAC     |EtherType|       payload        |
//!   |     6 bytes       |     6 bytes       | 2 bytes | 46-1500 bytes        |
//!   +-------------------+-------------------+---------+----------------------+
//! ```
//!
//! The destination comes first so that a card can decide "is this for me?" (its own
//! address, broadcast `ff:ff:ff:ff:ff:ff`, or a group it joined) before the rest of the
//! frame has arrived.
//!
//! The EtherType says which protocol the payload belongs to: 0x0800 IPv4, 0x0806 ARP,
//! 0x86DD IPv6, 0x8100 an 802.1Q VLAN tag (4 more header bytes, then the real
//! EtherType). A value below 0x0600 (1536) is not a type at all: in the older IEEE 802.3
//! frame format the same two bytes hold the payload *length*, and an LLC header follows.
//!
//! # Sizes
//!
//! | part | bytes | in a capture? |
//! |---|---|---|
//! | preamble + start frame delimiter | 7 + 1 | no: the card uses them to lock onto the signal |
//! | header (destination, source, EtherType) | 6 + 6 + 2 = **14** | yes |
//! | payload | **46 to 1500** (the MTU) | yes |
//! | frame check sequence (FCS, a CRC-32) | 4 | no: the card checks it and strips it |
//!
//! So a frame is 64 to 1518 bytes counting the FCS, and a capture (tcpdump, Wireshark,
//! this module) sees 60 to 1514. A payload shorter than 46 bytes is padded with zeros up
//! to 46, which is why a 42-byte ARP request shows up as 60 bytes with 18 bytes of
//! padding at the end. A payload larger than 1500 bytes does not fit: Ethernet does not
//! split anything. It is IPv4 that splits a large packet into fragments (or, with the
//! don't-fragment flag, the sender learns to send smaller ones).
//!
//! # Examples
//!
//! ```
//! use framing::wire::{EtherType, EthernetFrame};
//!
//! let bytes = [
//!     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
//!     0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d, // source
//!     0x08, 0x06,                         // EtherType: ARP
//!     0x00, 0x01,                         // (the ARP packet starts here)
//! ];
//! let frame = EthernetFrame::new_checked(&bytes[..]).unwrap();
//! assert!(frame.dst_addr().is_broadcast());
//! assert_eq!(frame.src_addr().to_string(), "08:00:20:0a:8c:6d");
//! assert_eq!(frame.ethertype(), EtherType::Arp);
//! assert_eq!(frame.payload(), &[0x00, 0x01]);
//! ```

use std::fmt;

use netbasics::MacAddr;

use super::{read_mac, read_u16, Layer, WireError};

/// Where each field of the Ethernet II header sits.
mod field {
    use super::super::Field;

    pub const DESTINATION: Field = 0..6;
    pub const SOURCE: Field = 6..12;
    pub const ETHERTYPE: Field = 12..14;
    pub const PAYLOAD: usize = 14;
}

/// The length of the Ethernet II header: 14 bytes.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// The smallest frame a capture shows: 60 bytes (64 on the cable, with the FCS).
pub const MIN_FRAME_LEN: usize = 60;

/// What the payload of an Ethernet frame is, from the EtherType field.
///
/// # Examples
///
/// ```
/// use framing::wire::EtherType;
///
/// assert_eq!(EtherType::from(0x0800), EtherType::Ipv4);
/// assert_eq!(u16::from(EtherType::Arp), 0x0806);
/// // Below 0x0600 the field is an IEEE 802.3 length, not a type.
/// assert_eq!(EtherType::from(46), EtherType::Length(46));
/// assert_eq!(EtherType::from(0x88cc).to_string(), "unknown");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EtherType {
    /// 0x0800: an IPv4 packet.
    Ipv4,
    /// 0x0806: an ARP packet.
    Arp,
    /// 0x86DD: an IPv6 packet.
    Ipv6,
    /// 0x8100: an IEEE 802.1Q VLAN tag follows.
    Vlan,
    /// A value below 0x0600: an IEEE 802.3 frame, whose field holds the payload length.
    Length(u16),
    /// Any other EtherType.
    Unknown(u16),
}

impl EtherType {
    /// The smallest value that is an EtherType rather than an 802.3 length.
    pub const MIN_TYPE: u16 = 0x0600;
}

impl From<u16> for EtherType {
    fn from(value: u16) -> Self {
        match value {
            0x0800 => EtherType::Ipv4,
            0x0806 => EtherType::Arp,
            0x86dd => EtherType::Ipv6,
            0x8100 => EtherType::Vlan,
            n if n < EtherType::MIN_TYPE => EtherType::Length(n),
            n => EtherType::Unknown(n),
        }
    }
}

impl From<EtherType> for u16 {
    fn from(value: EtherType) -> Self {
        match value {
            EtherType::Ipv4 => 0x0800,
            EtherType::Arp => 0x0806,
            EtherType::Ipv6 => 0x86dd,
            EtherType::Vlan => 0x8100,
            EtherType::Length(n) | EtherType::Unknown(n) => n,
        }
    }
}

impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EtherType::Ipv4 => "IPv4",
            EtherType::Arp => "ARP",
            EtherType::Ipv6 => "IPv6",
            EtherType::Vlan => "802.1Q VLAN",
            EtherType::Length(_) => "IEEE 802.3 length",
            EtherType::Unknown(_) => "unknown",
        })
    }
}

/// A view of bytes as an Ethernet II frame.
///
/// Made with [`Frame::new_checked`], every getter is safe to call. Made with
/// [`Frame::new_unchecked`] over fewer than 14 bytes, the getters panic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Wraps bytes without checking their length (for building a frame in a buffer you
    /// sized yourself).
    pub const fn new_unchecked(buffer: T) -> Frame<T> {
        Frame { buffer }
    }

    /// Wraps bytes after checking that the 14-byte header is all there.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::EthernetFrame;
    ///
    /// assert!(EthernetFrame::new_checked(&[0u8; 14][..]).is_ok());
    /// let err = EthernetFrame::new_checked(&[0u8; 13][..]).unwrap_err();
    /// assert_eq!(err.to_string(), "Ethernet: frame of 13 bytes is shorter than the 14-byte header");
    /// ```
    pub fn new_checked(buffer: T) -> Result<Frame<T>, WireError> {
        let frame = Frame::new_unchecked(buffer);
        frame.check_len()?;
        Ok(frame)
    }

    /// Checks that the header fits in the buffer.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Ethernet,
                unit: "frame",
                len,
                header_len: HEADER_LEN,
            });
        }
        Ok(())
    }

    /// Gives the bytes back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The destination MAC address (bytes 0..6).
    pub fn dst_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::DESTINATION]))
    }

    /// The source MAC address (bytes 6..12).
    pub fn src_addr(&self) -> MacAddr {
        MacAddr::new(read_mac(&self.buffer.as_ref()[field::SOURCE]))
    }

    /// The EtherType field (bytes 12..14), as a number.
    pub fn ethertype_raw(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::ETHERTYPE])
    }

    /// The EtherType field, named.
    pub fn ethertype(&self) -> EtherType {
        EtherType::from(self.ethertype_raw())
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Frame<&'a T> {
    /// The bytes after the header (with any padding: Ethernet does not know where its
    /// payload ends, the protocol inside says so).
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::PAYLOAD..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    /// Sets the destination MAC address.
    pub fn set_dst_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::DESTINATION].copy_from_slice(&addr.octets());
    }

    /// Sets the source MAC address.
    pub fn set_src_addr(&mut self, addr: MacAddr) {
        self.buffer.as_mut()[field::SOURCE].copy_from_slice(&addr.octets());
    }

    /// Sets the EtherType field.
    pub fn set_ethertype(&mut self, ethertype: EtherType) {
        self.buffer.as_mut()[field::ETHERTYPE].copy_from_slice(&u16::from(ethertype).to_be_bytes());
    }

    /// The bytes after the header, for writing the payload in place.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD..]
    }
}

/// An Ethernet II header, parsed.
///
/// # Examples
///
/// ```
/// use framing::wire::{EtherType, EthernetFrame, EthernetRepr};
/// use netbasics::MacAddr;
///
/// let repr = EthernetRepr {
///     dst_addr: MacAddr::BROADCAST,
///     src_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
///     ethertype: EtherType::Arp,
/// };
/// let mut bytes = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut EthernetFrame::new_unchecked(&mut bytes[..]));
/// assert_eq!(bytes, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 8, 0, 0x20, 0x0a, 0x8c, 0x6d, 8, 6]);
/// assert_eq!(EthernetRepr::parse(&EthernetFrame::new_checked(&bytes[..]).unwrap()), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Who the frame is for.
    pub dst_addr: MacAddr,
    /// Who sent it.
    pub src_addr: MacAddr,
    /// What the payload is.
    pub ethertype: EtherType,
}

impl Repr {
    /// The length of the header: 14 bytes.
    pub const HEADER_LEN: usize = HEADER_LEN;

    /// Reads the header of a checked frame. (It cannot fail once the frame is checked;
    /// it returns a `Result` like every other `parse`.)
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::{EtherType, EthernetFrame, EthernetRepr};
    ///
    /// let frame = EthernetFrame::new_checked(&[0u8; 14][..]).unwrap();
    /// assert_eq!(EthernetRepr::parse(&frame).unwrap().ethertype, EtherType::Length(0));
    /// ```
    pub fn parse<T: AsRef<[u8]>>(frame: &Frame<T>) -> Result<Repr, WireError> {
        frame.check_len()?;
        Ok(Repr {
            dst_addr: frame.dst_addr(),
            src_addr: frame.src_addr(),
            ethertype: frame.ethertype(),
        })
    }

    /// The bytes [`Repr::emit`] writes: the 14-byte header (the payload is written by
    /// the next layer, into [`Frame::payload_mut`]).
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// Writes the header into a frame.
    ///
    /// # Panics
    ///
    /// If the frame's buffer is shorter than [`Repr::buffer_len`].
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, frame: &mut Frame<T>) {
        frame.set_dst_addr(self.dst_addr);
        frame.set_src_addr(self.src_addr);
        frame.set_ethertype(self.ethertype);
    }
}

#[cfg(test)]
mod tests;
