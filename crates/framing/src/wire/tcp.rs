//! The TCP header (RFC 9293): the reliable transport protocol (传输层).
//!
//! TCP turns IP's loose packets into a *byte stream* between two programs: numbered
//! bytes, acknowledged, retransmitted when lost, delivered in order. The header carries
//! the bookkeeping for that. It is at least 20 bytes; the data offset says how long it
//! really is, in 32-bit words (up to 15 = 60 bytes, with 40 bytes of options).
//!
//! ```text
//!    0                   1                   2                   3
//!    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |          Source Port          |       Destination Port        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                        Sequence Number                        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                    Acknowledgment Number                      |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |  Data |       |C|E|U|A|P|R|S|F|                               |
//!   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//!   |       |       |R|E|G|K|H|T|N|N|                               |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |           Checksum            |         Urgent Pointer        |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                 Options (Data Offset - 5 words)               |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   |                             Data                              |
//!   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! - **Sequence number**: the number of the first data byte in this segment. A SYN
//!   counts as one byte, so a connection starts at a random ISN and its first data
//!   byte is ISN + 1.
//! - **Acknowledgment number** (valid with ACK): the next byte the sender expects.
//! - **Flags**: SYN opens (三次握手: SYN, SYN+ACK, ACK), FIN closes, RST aborts, ACK says
//!   the acknowledgment number is valid, PSH asks to hand data over at once, URG says
//!   the urgent pointer is valid, ECE and CWR carry congestion notification.
//! - **Window**: how many more bytes the receiver has room for (flow control).
//! - **Checksum**: over an IPv4 pseudo-header (addresses, protocol 6, segment length),
//!   or IPv6's inside IPv6, then the header and the data; unlike UDP's over IPv4 it is
//!   never optional.
//!
//! There is no length field: the segment ends where the IPv4 payload ends. So a
//! [`Packet`] is always made over exactly one segment, and that is why TCP's stream has
//! no message boundaries (the cause of "sticky packets", 粘包).
//!
//! # Examples
//!
//! ```
//! use framing::wire::{TcpFlags, TcpPacket};
//!
//! let header = [
//!     0xba, 0x1e, 0x22, 0xb8, // ports 47646 -> 8888
//!     0xd8, 0xb3, 0xac, 0x18, // sequence number
//!     0x00, 0x00, 0x00, 0x00, // acknowledgment number
//!     0x50, 0x02, 0xff, 0xd7, // data offset 5, SYN, window 65495
//!     0x00, 0x00, 0x00, 0x00, // checksum (not filled in), urgent pointer
//! ];
//! let packet = TcpPacket::new_checked(&header[..]).unwrap();
//! assert_eq!(packet.dst_port(), 8888);
//! assert_eq!(packet.flags(), TcpFlags::SYN);
//! assert_eq!(packet.flags().to_string(), "[SYN]");
//! ```

use std::net::{Ipv4Addr, Ipv6Addr};

use super::checksum::{ipv4_pseudo_header, ipv6_pseudo_header, Checksum};
use super::{read_u16, read_u32, Layer, WireError};

/// Where each field of the TCP header sits.
mod field {
    use super::super::Field;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    pub const SEQ_NUM: Field = 4..8;
    pub const ACK_NUM: Field = 8..12;
    /// Data offset (high 4 bits) and reserved bits (low 4 bits).
    pub const DATA_OFF: usize = 12;
    pub const FLAGS: usize = 13;
    pub const WIN_SIZE: Field = 14..16;
    pub const CHECKSUM: Field = 16..18;
    pub const URGENT: Field = 18..20;
    /// Options, then the data, start here; `header_len()` says where options end.
    pub const OPTIONS: usize = 20;
}

/// The length of a header without options: 20 bytes.
pub const MIN_HEADER_LEN: usize = field::OPTIONS;

/// The longest header: data offset 15, 60 bytes.
pub const MAX_HEADER_LEN: usize = 60;

/// IPv4's protocol number for TCP, which goes into the pseudo-header.
const PROTOCOL_TCP: u8 = 6;

/// A view of bytes as one TCP segment (header and data, nothing after).
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

    /// Wraps bytes after checking that the header, options included, is there.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::TcpPacket;
    ///
    /// let mut bytes = [0u8; 20];
    /// bytes[12] = 0x30; // data offset 3
    /// let err = TcpPacket::new_checked(&bytes[..]).unwrap_err();
    /// assert_eq!(err.to_string(), "TCP: data offset 3 is below the minimum of 5");
    /// ```
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let packet = Packet::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    /// Checks that the 20 fixed bytes are there, the data offset is at least 5, and the
    /// options fit.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < MIN_HEADER_LEN {
            return Err(WireError::Truncated {
                layer: Layer::Tcp,
                unit: "segment",
                len,
                header_len: MIN_HEADER_LEN,
            });
        }
        if usize::from(self.data_offset()) < MIN_HEADER_LEN / 4 {
            return Err(WireError::BelowMinimum {
                layer: Layer::Tcp,
                field: "data offset",
                value: self.data_offset().into(),
                min: MIN_HEADER_LEN / 4,
            });
        }
        if self.header_len() > len {
            return Err(WireError::LengthTooLong {
                layer: Layer::Tcp,
                field: "data offset field",
                claimed: self.header_len(),
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

    /// The sequence number (bytes 4..8).
    pub fn seq_number(&self) -> u32 {
        read_u32(&self.buffer.as_ref()[field::SEQ_NUM])
    }

    /// The acknowledgment number (bytes 8..12).
    pub fn ack_number(&self) -> u32 {
        read_u32(&self.buffer.as_ref()[field::ACK_NUM])
    }

    /// The data offset field (high 4 bits of byte 12): the header length in 32-bit
    /// words.
    pub fn data_offset(&self) -> u8 {
        self.buffer.as_ref()[field::DATA_OFF] >> 4
    }

    /// The header length in bytes: data offset x 4.
    pub fn header_len(&self) -> usize {
        usize::from(self.data_offset()) * 4
    }

    /// The four reserved bits (low 4 bits of byte 12; must be 0).
    pub fn reserved(&self) -> u8 {
        self.buffer.as_ref()[field::DATA_OFF] & 0x0f
    }

    /// The flags (byte 13).
    pub fn flags(&self) -> TcpFlags {
        TcpFlags::from_bits(self.buffer.as_ref()[field::FLAGS])
    }

    /// The window (bytes 14..16).
    pub fn window_len(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::WIN_SIZE])
    }

    /// The checksum field (bytes 16..18).
    pub fn checksum(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::CHECKSUM])
    }

    /// The urgent pointer (bytes 18..20).
    pub fn urgent_pointer(&self) -> u16 {
        read_u16(&self.buffer.as_ref()[field::URGENT])
    }

    /// The checksum this segment should carry, sent from `src` to `dst`: over the
    /// pseudo-header, the header (checksum field counted as zero) and the data.
    pub fn compute_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> u16 {
        let pseudo = ipv4_pseudo_header(src_addr, dst_addr, PROTOCOL_TCP, self.segment_len());
        self.checksum_after(pseudo)
    }

    /// Like [`Packet::compute_checksum`], for a segment inside IPv6.
    pub fn compute_checksum_ipv6(&self, src_addr: Ipv6Addr, dst_addr: Ipv6Addr) -> u16 {
        let pseudo = ipv6_pseudo_header(src_addr, dst_addr, PROTOCOL_TCP, self.segment_len());
        self.checksum_after(pseudo)
    }

    /// The segment's length for the pseudo-header: the whole buffer.
    fn segment_len(&self) -> u32 {
        // A segment inside IP is under 64 KiB; the saturation only guards a buffer
        // nobody could send.
        u32::try_from(self.buffer.as_ref().len()).unwrap_or(u32::MAX)
    }

    /// The one computation behind both: `pseudo`, then the segment with its checksum
    /// field left out.
    fn checksum_after(&self, mut sum: Checksum) -> u16 {
        let segment = self.buffer.as_ref();
        sum.add(&segment[..field::CHECKSUM.start]);
        sum.add(&segment[field::CHECKSUM.end..]);
        sum.finish()
    }

    /// Whether the checksum field is right.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::TcpPacket;
    /// use std::net::Ipv4Addr;
    ///
    /// let header = [
    ///     0xba, 0x1e, 0x22, 0xb8, 0xd8, 0xb3, 0xac, 0x18, 0, 0, 0, 0,
    ///     0x50, 0x02, 0xff, 0xd7, 0x50, 0x65, 0, 0,
    /// ];
    /// let lo = Ipv4Addr::LOCALHOST;
    /// assert!(TcpPacket::new_checked(&header[..]).unwrap().verify_checksum(lo, lo));
    /// ```
    pub fn verify_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> bool {
        self.check_checksum(src_addr, dst_addr).is_ok()
    }

    /// Like [`Packet::verify_checksum`], but a mismatch is an error naming both values.
    pub fn check_checksum(&self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) -> Result<(), WireError> {
        self.check_against(self.compute_checksum(src_addr, dst_addr))
    }

    /// Whether the checksum field is right for a segment inside IPv6.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::TcpPacket;
    /// use std::net::Ipv6Addr;
    ///
    /// // The SYN above, sent from [::1] to [::1]: the same header with the checksum
    /// // over IPv6's pseudo-header.
    /// let header = [
    ///     0xba, 0x1e, 0x22, 0xb8, 0xd8, 0xb3, 0xac, 0x18, 0, 0, 0, 0,
    ///     0x50, 0x02, 0xff, 0xd7, 0x4e, 0x66, 0, 0,
    /// ];
    /// let lo = Ipv6Addr::LOCALHOST;
    /// let packet = TcpPacket::new_checked(&header[..]).unwrap();
    /// assert!(packet.verify_checksum_ipv6(lo, lo));
    /// // Over IPv4 the same bytes are wrong: the pseudo-header differs.
    /// let lo4 = std::net::Ipv4Addr::LOCALHOST;
    /// assert!(!packet.verify_checksum(lo4, lo4));
    /// ```
    pub fn verify_checksum_ipv6(&self, src_addr: Ipv6Addr, dst_addr: Ipv6Addr) -> bool {
        self.check_checksum_ipv6(src_addr, dst_addr).is_ok()
    }

    /// Like [`Packet::verify_checksum_ipv6`], but a mismatch is an error naming both
    /// values.
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
                layer: Layer::Tcp,
                found: self.checksum(),
                computed,
            })
        }
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> Packet<&'a T> {
    /// The options: the header bytes after the first 20.
    pub fn options(&self) -> &'a [u8] {
        &self.buffer.as_ref()[field::OPTIONS..self.header_len()]
    }

    /// The data: everything after the header.
    pub fn payload(&self) -> &'a [u8] {
        &self.buffer.as_ref()[self.header_len()..]
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

    /// Sets the sequence number.
    pub fn set_seq_number(&mut self, value: u32) {
        self.buffer.as_mut()[field::SEQ_NUM].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the acknowledgment number.
    pub fn set_ack_number(&mut self, value: u32) {
        self.buffer.as_mut()[field::ACK_NUM].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the data offset, in 32-bit words (only the low 4 bits are kept).
    pub fn set_data_offset(&mut self, words: u8) {
        let byte = &mut self.buffer.as_mut()[field::DATA_OFF];
        *byte = (*byte & 0x0f) | (words << 4);
    }

    /// Sets the reserved bits (only the low 4 bits are kept).
    pub fn set_reserved(&mut self, bits: u8) {
        let byte = &mut self.buffer.as_mut()[field::DATA_OFF];
        *byte = (*byte & 0xf0) | (bits & 0x0f);
    }

    /// Sets the flags.
    pub fn set_flags(&mut self, flags: TcpFlags) {
        self.buffer.as_mut()[field::FLAGS] = flags.bits();
    }

    /// Sets the window.
    pub fn set_window_len(&mut self, value: u16) {
        self.buffer.as_mut()[field::WIN_SIZE].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the checksum field to a given value (see [`Packet::fill_checksum`]).
    pub fn set_checksum(&mut self, value: u16) {
        self.buffer.as_mut()[field::CHECKSUM].copy_from_slice(&value.to_be_bytes());
    }

    /// Sets the urgent pointer.
    pub fn set_urgent_pointer(&mut self, value: u16) {
        self.buffer.as_mut()[field::URGENT].copy_from_slice(&value.to_be_bytes());
    }

    /// Computes the checksum over the whole buffer and writes it. Call it last.
    pub fn fill_checksum(&mut self, src_addr: Ipv4Addr, dst_addr: Ipv4Addr) {
        let checksum = self.compute_checksum(src_addr, dst_addr);
        self.set_checksum(checksum);
    }

    /// The options, for writing them in place (set the data offset first).
    pub fn options_mut(&mut self) -> &mut [u8] {
        let end = self.header_len();
        &mut self.buffer.as_mut()[field::OPTIONS..end]
    }

    /// The data, for writing it in place (set the data offset first).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let start = self.header_len();
        &mut self.buffer.as_mut()[start..]
    }
}

/// A TCP segment, parsed: every header field, the options as bytes, and the data.
///
/// # Examples
///
/// ```
/// use framing::wire::{TcpFlags, TcpPacket, TcpRepr};
/// use std::net::Ipv4Addr;
///
/// let repr = TcpRepr {
///     src_port: 47646,
///     dst_port: 8888,
///     seq_number: 0xd8b3ac18,
///     ack_number: 0,
///     flags: TcpFlags::SYN,
///     window_len: 65495,
///     urgent_pointer: 0,
///     options: &[0x02, 0x04, 0xff, 0xd7], // MSS 65495
///     payload: &[],
/// };
/// let lo = Ipv4Addr::LOCALHOST;
/// let mut bytes = vec![0u8; repr.buffer_len()];
/// repr.emit(&mut TcpPacket::new_unchecked(&mut bytes[..]), lo, lo);
/// let packet = TcpPacket::new_checked(&bytes[..]).unwrap();
/// assert!(packet.verify_checksum(lo, lo));
/// assert_eq!(TcpRepr::parse(&packet), Ok(repr));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// The sending program's port.
    pub src_port: u16,
    /// The receiving program's port.
    pub dst_port: u16,
    /// The sequence number of the first byte (or of the SYN/FIN).
    pub seq_number: u32,
    /// The next byte expected from the other side (meaningful with ACK).
    pub ack_number: u32,
    /// The flags.
    pub flags: TcpFlags,
    /// The receive window.
    pub window_len: u16,
    /// The urgent pointer (meaningful with URG).
    pub urgent_pointer: u16,
    /// The options, kept as bytes: a multiple of 4, at most 40.
    pub options: &'a [u8],
    /// The data.
    pub payload: &'a [u8],
}

impl<'a> Repr<'a> {
    /// Reads a checked segment. The reserved bits are ignored and the checksum is not
    /// looked at (it needs the IPv4 addresses): see [`Packet::check_checksum`].
    ///
    /// # Examples
    ///
    /// See [`Repr`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        packet.check_len()?;
        Ok(Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            seq_number: packet.seq_number(),
            ack_number: packet.ack_number(),
            flags: packet.flags(),
            window_len: packet.window_len(),
            urgent_pointer: packet.urgent_pointer(),
            options: packet.options(),
            payload: packet.payload(),
        })
    }

    /// The header length: 20 bytes plus the options.
    pub const fn header_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len()
    }

    /// The segment's length: header, options and data.
    pub const fn buffer_len(&self) -> usize {
        self.header_len() + self.payload.len()
    }

    /// Writes the header, options, data and checksum (which needs the addresses of the
    /// IPv4 packet the segment will travel in).
    ///
    /// # Panics
    ///
    /// If the options are not a multiple of 4 bytes or longer than 40 (the data offset
    /// could not say so), or if the buffer is not exactly [`Repr::buffer_len`] bytes:
    /// TCP has no length field, the buffer's length *is* the segment's length.
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
        assert!(
            self.options.len() % 4 == 0 && self.header_len() <= MAX_HEADER_LEN,
            "TCP options must be a multiple of 4 bytes and at most 40, not {}",
            self.options.len()
        );
        assert_eq!(
            packet.buffer.as_ref().len(),
            self.buffer_len(),
            "a TCP segment's buffer must be exactly buffer_len() bytes"
        );
        let words = u8::try_from(self.header_len() / 4).expect("checked above: at most 15 words");
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        packet.set_seq_number(self.seq_number);
        packet.set_ack_number(self.ack_number);
        packet.set_data_offset(words);
        packet.set_reserved(0);
        packet.set_flags(self.flags);
        packet.set_window_len(self.window_len);
        packet.set_urgent_pointer(self.urgent_pointer);
        packet.options_mut().copy_from_slice(self.options);
        packet.payload_mut().copy_from_slice(self.payload);
        packet.set_checksum(0);
        packet.fill_checksum(src_addr, dst_addr);
    }
}

mod flags;
pub mod options;

pub use flags::TcpFlags;

#[cfg(test)]
mod tests;
