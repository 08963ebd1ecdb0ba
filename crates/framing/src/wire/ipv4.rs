//! The IPv4 header (RFC 791): the network layer (网络层).
//!
//! IP carries a packet from one host to another across many networks. Every router on
//! the way reads this header to choose the next hop, lowers the TTL, and recomputes the
//! header checksum. The header is at least 20 bytes; the IHL field says how long it
//! really is, in 32-bit words (5 = 20 bytes, up to 15 = 60 bytes with 40 bytes of
//! options).
//!
//! ```text
//!    0                   1                   2                   3
//!    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |Version|  IHL  |   DSCP    |ECN|          Total Length         |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |         Identification        |0|D|M|     Fragment Offset     |
//!   |                               | |F|F|   (in units of 8 bytes) |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |  Time to Live |    Protocol   |        Header Checksum        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                         Source Address                        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                      Destination Address                      |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |              Options (IHL - 5 words, if any)                  |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                 Payload (a UDP datagram, a TCP segment, ...)  |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! - **Total Length** counts header and payload. Ethernet pads short frames, so the
//!   bytes after `total length` are padding, not part of the packet.
//! - **Identification, DF, MF, Fragment Offset**: a packet too big for the next link is
//!   split into fragments that share the identification; each but the last has MF
//!   ("more fragments"), and the offset says where its data goes. DF ("don't fragment")
//!   asks routers to drop the packet and report back instead, which is how a sender
//!   discovers the path's MTU.
//! - **TTL** is lowered by one at each router; at 0 the packet is dropped (this is
//!   what `traceroute` uses). **Protocol** says what the payload is: 1 ICMP, 6 TCP,
//!   17 UDP.
//! - **Header Checksum** covers the header only (RFC 1071, see
//!   [`super::checksum`](mod@super::checksum)).
//!
//! # Examples
//!
//! ```
//! use framing::wire::{IpProtocol, Ipv4Packet, Ipv4Repr};
//!
//! // The IPv4 packet of a UDP datagram carrying "hello" on loopback.
//! let bytes = [
//!     0x45, 0x00, 0x00, 0x21, 0x9a, 0x23, 0x40, 0x00, 0x40, 0x11, 0xa2, 0xa6,
//!     0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
//!     0xce, 0x90, 0x1e, 0x6c, 0x00, 0x0d, 0xfe, 0x20, b'h', b'e', b'l', b'l', b'o',
//! ];
//! let packet = Ipv4Packet::new_checked(&bytes[..]).unwrap();
//! assert!(packet.verify_checksum());
//! let repr = Ipv4Repr::parse(&packet).unwrap();
//! assert_eq!(repr.protocol, IpProtocol::Udp);
//! assert_eq!(repr.ttl, 64);
//! assert!(repr.dont_frag);
//! assert_eq!(packet.payload().len(), 13); // 8 bytes of UDP header + "hello"
//! ```

use std::fmt;
use std::net::Ipv4Addr;

use super::checksum::Checksum;
use super::{read_ipv4, read_u16, Layer, WireError};

/// Where each field of the IPv4 header sits.
mod field {
    use super::super::Field;

    pub const VER_IHL: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const IDENT: Field = 4..6;
    pub const FLG_OFF: Field = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Field = 10..12;
    pub const SRC_ADDR: Field = 12..16;
    pub const DST_ADDR: Field = 16..20;
    /// Options, then the payload, start here; `header_len()` says where options end.
    pub const OPTIONS: usize = 20;
}

/// The length of a header without options: 20 bytes.
pub const MIN_HEADER_LEN: usize = field::OPTIONS;

/// The longest header: IHL 15, 60 bytes.
pub const MAX_HEADER_LEN: usize = 60;

// The bits of the flags / fragment offset field (bytes 6..8).
const FLAG_RESERVED: u16 = 0x8000;
const FLAG_DF: u16 = 0x4000;
const FLAG_MF: u16 = 0x2000;
const FRAG_OFFSET_MASK: u16 = 0x1fff;

/// What the payload of an IPv4 packet is, from the protocol field.
///
/// # Examples
///
/// ```
/// use framing::wire::IpProtocol;
///
/// assert_eq!(IpProtocol::from(17), IpProtocol::Udp);
/// assert_eq!(u8::from(IpProtocol::Tcp), 6);
/// assert_eq!(IpProtocol::from(89), IpProtocol::Unknown(89)); // OSPF
/// assert_eq!(IpProtocol::Icmp.to_string(), "ICMP");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpProtocol {
    /// 1: ICMP (ping, "destination unreachable", ...).
    Icmp,
    /// 6: TCP.
    Tcp,
    /// 17: UDP.
    Udp,
    /// Any other protocol number.
    Unknown(u8),
}

impl From<u8> for IpProtocol {
    fn from(value: u8) -> Self {
        match value {
            1 => IpProtocol::Icmp,
            6 => IpProtocol::Tcp,
            17 => IpProtocol::Udp,
            n => IpProtocol::Unknown(n),
        }
    }
}

impl From<IpProtocol> for u8 {
    fn from(value: IpProtocol) -> Self {
        match value {
            IpProtocol::Icmp => 1,
            IpProtocol::Tcp => 6,
            IpProtocol::Udp => 17,
            IpProtocol::Unknown(n) => n,
        }
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpProtocol::Icmp => "ICMP",
            IpProtocol::Tcp => "TCP",
            IpProtocol::Udp => "UDP",
            IpProtocol::Unknown(_) => "unknown",
        })
    }
}

/// A view of bytes as an IPv4 packet.
///
/// Made with [`Packet::new_checked`], no getter panics. The setters can change the
/// length fields; call [`Packet::check_len`] again before reading a packet you changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps bytes without checking them (for building a packet in a buffer you sized).
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps bytes after checking the version and that the header and the total
    /// length fit in them.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::Ipv4Packet;
    ///
    /// // IHL 15 (a 60-byte header) in a 34-byte buffer.
    /// let mut bytes = [0u8; 34];
    /// bytes[0] = 0x4f;
    /// let err = Ipv4Packet::new_checked(&bytes[..]).unwrap_err();
    /// assert_eq!(err.to_string(), "IPv4: header length field says 60 bytes but only 34 are left");
    /// ```
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks, in order: 20 bytes are there, the version is 4, IHL is at least 5, the
    /// header fits, the total length is at least the header and fits too.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < MIN_HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Ipv4,
                unit: "packet",
                len,
                header_len: MIN_HEADER_LEN,
            });
        }
        if self.version() != 4 {
            return Err(WireError::Ipv4Version(self.version()));
        }
        if usize::from(self.ihl()) < MIN_HEADER_LEN / 4 {
            return Err(WireError::BelowMinimum {
                layer: Layer::Ipv4,
                field: "header length (IHL)",
                value: self.ihl().into(),
                min: MIN_HEADER_LEN / 4,
            });
        }
        let header_len = self.header_len();
        if header_len > len {
            return Err(WireError::LengthTooLong {
                layer: Layer::Ipv4,
                field: "header length field",
                claimed: header_len,
                available: len,
            });
        }
        let total_len = usize::from(self.total_len());
        if total_len < header_len {
            return Err(WireError::BelowMinimum {
                layer: Layer::Ipv4,
                field: "total length",
                value: total_len,
                min: header_len,
            });
        }
        if total_len > len {
            return Err(WireError::LengthTooLong {
                layer: Layer::Ipv4,
                field: "total length field",
                claimed: total_len,
                available: len,
            });
        }
        Ok(())
    }

    /// Gives the bytes back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The version (the high 4 bits of byte 0): 4.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VER_IHL] >> 4
    }

    /// The Internet Header Length field (the low 4 bits of byte 0), in 32-bit words.
    pub fn ihl(&self) -> u8 {
        self.buffer.as_ref()[field::VER_IHL] & 0x0f
    }

    /// The header length in bytes: IHL x 4.
    pub fn header_len(&self) -> usize {
        usize::from(self.ihl()) * 4
    }

    /// Differentiated Services Code Point (the high 6 bits of byte 1): the traffic class
    /// (0 is "best effort"; 46, "expedited forwarding", is used for voice).
    pub fn dscp(&self) -> u8 {
        self.buffer.as_ref()[field::DSCP_ECN] >> 2
    }

    /// Explicit Congestion Notification (the low 2 bits of byte 1).
    pub fn ecn(&self) -> u8 {
        self.buffer.as_ref()[field::DSCP_ECN] & 0x03
    }

    /// The total length of the packet, header and payload (bytes 2..4).
    pub fn total_len(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::LENGTH])
    }

    /// The identification (bytes 4..6), shared by all fragments of one packet.
    pub fn ident(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::IDENT])
    }

    /// The reserved flag bit (must be 0).
    pub fn reserved_flag(&self) -> bool {
        self.flags_and_offset() & FLAG_RESERVED != 0
    }

    /// The DF (don't fragment) flag.
    pub fn dont_frag(&self) -> bool {
        self.flags_and_offset() & FLAG_DF != 0
    }

    /// The MF (more fragments) flag.
    pub fn more_frags(&self) -> bool {
        self.flags_and_offset() & FLAG_MF != 0
    }

    /// The fragment offset field (13 bits), in units of 8 bytes.
    pub fn frag_offset(&self) -> u16 {
        self.flags_and_offset() & FRAG_OFFSET_MASK
    }

    /// Whether this is a piece of a larger packet (MF set, or a non-zero offset).
    pub fn is_fragment(&self) -> bool {
        self.more_frags() || self.frag_offset() != 0
    }

    /// Time to live (byte 8).
    pub fn ttl(&self) -> u8 {
        self.buffer.as_ref()[field::TTL]
    }

    /// The protocol of the payload (byte 9).
    pub fn protocol(&self) -> IpProtocol {
        IpProtocol::from(self.buffer.as_ref()[field::PROTOCOL])
    }

    /// The header checksum field (bytes 10..12).
    pub fn checksum(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::CHECKSUM])
    }

    /// The source address (bytes 12..16).
    pub fn src_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::SRC_ADDR])
    }

    /// The destination address (bytes 16..20).
    pub fn dst_addr(&self) -> Ipv4Addr {
        read_ipv4(&self.buffer.as_ref()[field::DST_ADDR])
    }

    /// The checksum the header should have: the Internet checksum of the header with
    /// the checksum field counted as zero.
    pub fn compute_checksum(&self) -> u16 {
        let header = &self.buffer.as_ref()[..self.header_len()];
        let mut sum = Checksum::new();
        sum.add(&header[..field::CHECKSUM.start]);
        sum.add(&header[field::CHECKSUM.end..]);
        sum.finish()
    }

    /// Whether the checksum field matches the header.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::Ipv4Packet;
    ///
    /// let mut header = [
    ///     0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
    ///     0x00, 0x00, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
    /// ];
    /// assert!(!Ipv4Packet::new_checked(&header[..]).unwrap().verify_checksum());
    /// let mut packet = Ipv4Packet::new_checked(&mut header[..]).unwrap();
    /// packet.fill_checksum();
    /// assert!(packet.verify_checksum());
    /// ```
    pub fn verify_checksum(&self) -> bool {
        self.checksum() == self.compute_checksum()
    }

    /// Like [`Packet::verify_checksum`], but a mismatch is an error naming both values.
    pub fn check_checksum(&self) -> Result<(), WireError> {
        let computed = self.compute_checksum();
        if self.checksum() == computed {
            Ok(())
        } else {
            Err(WireError::Checksum {
                layer: Layer::Ipv4,
                found: self.checksum(),
                computed,
            })
        }
    }

    fn flags_and_offset(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::FLG_OFF])
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The options: the header bytes after the first 20 (empty when IHL is 5).
    pub fn options(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::OPTIONS..self.header_len()]
    }

    /// The payload: from the end of the header to the total length. Bytes after the
    /// total length (Ethernet padding) are not part of it.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[self.header_len()..usize::from(self.total_len())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the version.
    pub fn set_version(&mut self, version: u8) {
        let byte = &mut self.buffer.as_mut()[field::VER_IHL];
        *byte = (*byte & 0x0f) | (version << 4);
    }

    /// Sets the IHL field (header length in 32-bit words; only the low 4 bits are kept).
    pub fn set_ihl(&mut self, ihl: u8) {
        let byte = &mut self.buffer.as_mut()[field::VER_IHL];
        *byte = (*byte & 0xf0) | (ihl & 0x0f);
    }

    /// Sets the DSCP (only the low 6 bits are kept).
    pub fn set_dscp(&mut self, dscp: u8) {
        let byte = &mut self.buffer.as_mut()[field::DSCP_ECN];
        *byte = (*byte & 0x03) | (dscp << 2);
    }

    /// Sets the ECN bits (only the low 2 bits are kept).
    pub fn set_ecn(&mut self, ecn: u8) {
        let byte = &mut self.buffer.as_mut()[field::DSCP_ECN];
        *byte = (*byte & 0xfc) | (ecn & 0x03);
    }

    /// Sets the total length.
    pub fn set_total_len(&mut self, len: u16) {
        self.buffer.as_mut()[field::LENGTH].copy_from_slice(&len.to_be_bytes());
    }

    /// Sets the identification.
    pub fn set_ident(&mut self, ident: u16) {
        self.buffer.as_mut()[field::IDENT].copy_from_slice(&ident.to_be_bytes());
    }

    /// Sets or clears the DF flag.
    pub fn set_dont_frag(&mut self, value: bool) {
        self.set_flag(FLAG_DF, value);
    }

    /// Sets or clears the MF flag.
    pub fn set_more_frags(&mut self, value: bool) {
        self.set_flag(FLAG_MF, value);
    }

    /// Sets or clears the reserved flag bit.
    pub fn set_reserved_flag(&mut self, value: bool) {
        self.set_flag(FLAG_RESERVED, value);
    }

    /// Sets the fragment offset, in units of 8 bytes (only the low 13 bits are kept).
    pub fn set_frag_offset(&mut self, offset: u16) {
        let value = (self.flags_and_offset() & !FRAG_OFFSET_MASK) | (offset & FRAG_OFFSET_MASK);
        self.buffer.as_mut()[field::FLG_OFF].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the time to live.
    pub fn set_ttl(&mut self, ttl: u8) {
        self.buffer.as_mut()[field::TTL] = ttl;
    }

    /// Sets the protocol.
    pub fn set_protocol(&mut self, protocol: IpProtocol) {
        self.buffer.as_mut()[field::PROTOCOL] = protocol.into();
    }

    /// Sets the checksum field to a given value (see [`Packet::fill_checksum`] to
    /// compute it).
    pub fn set_checksum(&mut self, checksum: u16) {
        self.buffer.as_mut()[field::CHECKSUM].copy_from_slice(&checksum.to_be_bytes());
    }

    /// Sets the source address.
    pub fn set_src_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[field::SRC_ADDR].copy_from_slice(&addr.octets());
    }

    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, addr: Ipv4Addr) {
        self.buffer.as_mut()[field::DST_ADDR].copy_from_slice(&addr.octets());
    }

    /// Computes the header checksum and writes it into the checksum field. Call it
    /// last, after every other header field is set.
    pub fn fill_checksum(&mut self) {
        let checksum = self.compute_checksum();
        self.set_checksum(checksum);
    }

    /// The options, for writing them in place (set IHL first).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let header_len = self.header_len();
        &mut self.buffer.as_mut()[field::OPTIONS..header_len]
    }

    /// The payload, for writing it in place (set IHL and the total length first).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let range = self.header_len()..usize::from(self.total_len());
        &mut self.buffer.as_mut()[range]
    }

    fn set_flag(&mut self, flag: u16, value: bool) {
        let old = self.flags_and_offset();
        let new = if value { old | flag } else { old & !flag };
        self.buffer.as_mut()[field::FLG_OFF].copy_from_slice(&new.to_be_bytes());
    }
}

/// An IPv4 header, parsed.
///
/// It describes the payload by its length only: the payload is the next layer's
/// business, written into [`Packet::payload_mut`] after [`Repr::emit`].
///
/// # Examples
///
/// ```
/// use framing::wire::{IpProtocol, Ipv4Packet, Ipv4Repr};
/// use std::net::Ipv4Addr;
///
/// let repr = Ipv4Repr {
///     src_addr: Ipv4Addr::new(192, 168, 0, 1),
///     dst_addr: Ipv4Addr::new(192, 168, 0, 199),
///     protocol: IpProtocol::Udp,
///     ttl: 64,
///     ident: 0,
///     dscp: 0,
///     ecn: 0,
///     dont_frag: true,
///     more_frags: false,
///     frag_offset: 0,
///     options: &[],
///     payload_len: 95,
/// };
/// let mut bytes = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut Ipv4Packet::new_unchecked(&mut bytes[..]));
/// // The classic example header, checksum 0xb861.
/// assert_eq!(
///     &bytes[..20],
///     &[0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
///       0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]
/// );
/// let packet = Ipv4Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(Ipv4Repr::parse(&packet), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// Where the packet comes from.
    pub src_addr: Ipv4Addr,
    /// Where it goes.
    pub dst_addr: Ipv4Addr,
    /// What the payload is.
    pub protocol: IpProtocol,
    /// Time to live: how many more routers may forward it.
    pub ttl: u8,
    /// Identification, shared by the fragments of one packet.
    pub ident: u16,
    /// Differentiated Services Code Point (6 bits).
    pub dscp: u8,
    /// Explicit Congestion Notification (2 bits).
    pub ecn: u8,
    /// Don't fragment.
    pub dont_frag: bool,
    /// More fragments follow.
    pub more_frags: bool,
    /// Where this fragment's data goes, in units of 8 bytes (13 bits).
    pub frag_offset: u16,
    /// Header options, kept as bytes: a multiple of 4, at most 40.
    pub options: &'a [u8],
    /// The length of the payload (total length minus header length).
    pub payload_len: usize,
}

impl<'a> Repr<'a> {
    /// Reads the header of a checked packet. The checksum is not looked at: see
    /// [`Packet::check_checksum`].
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        packet.check_len()?;
        Ok(Repr {
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
            protocol: packet.protocol(),
            ttl: packet.ttl(),
            ident: packet.ident(),
            dscp: packet.dscp(),
            ecn: packet.ecn(),
            dont_frag: packet.dont_frag(),
            more_frags: packet.more_frags(),
            frag_offset: packet.frag_offset(),
            options: packet.options(),
            payload_len: packet.payload().len(),
        })
    }

    /// The header length: 20 bytes plus the options.
    pub const fn header_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len()
    }

    /// The whole packet's length, header and payload: the total length field.
    pub const fn buffer_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Writes the header, options and checksum. The payload bytes are left as they are.
    ///
    /// DSCP, ECN and the fragment offset keep only as many low bits as their fields
    /// have (6, 2 and 13).
    ///
    /// # Panics
    ///
    /// If the options are not a multiple of 4 bytes or longer than 40 (IHL could not
    /// say so), if the packet is longer than 65535 bytes (total length could not say
    /// so), or if the buffer is shorter than the header.
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, packet: &mut Packet<T>) {
        assert!(
            self.options.len() % 4 == 0 && self.header_len() <= MAX_HEADER_LEN,
            "IPv4 options must be a multiple of 4 bytes and at most 40, not {}",
            self.options.len()
        );
        let total_len = u16::try_from(self.buffer_len()).unwrap_or_else(|_| {
            panic!(
                "an IPv4 packet is at most 65535 bytes, not {}",
                self.buffer_len()
            )
        });
        let ihl = u8::try_from(self.header_len() / 4).expect("checked above: at most 15 words");
        packet.set_version(4);
        packet.set_ihl(ihl);
        packet.set_dscp(self.dscp);
        packet.set_ecn(self.ecn);
        packet.set_total_len(total_len);
        packet.set_ident(self.ident);
        packet.set_reserved_flag(false);
        packet.set_dont_frag(self.dont_frag);
        packet.set_more_frags(self.more_frags);
        packet.set_frag_offset(self.frag_offset);
        packet.set_ttl(self.ttl);
        packet.set_protocol(self.protocol);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
        packet.options_mut().copy_from_slice(self.options);
        // Last, once every byte it covers is in place.
        packet.set_checksum(0);
        packet.fill_checksum();
    }
}

#[cfg(test)]
mod tests;
