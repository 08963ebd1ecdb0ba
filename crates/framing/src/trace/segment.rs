//! From a captured frame to a TCP segment: the decoding path of `tcp-trace`.
//!
//! A frame captured on `lo` has an Ethernet header of zeros, then IPv4 or IPv6, then
//! TCP. [`Segment::from_frame`] walks those layers with the views of [`crate::wire`]
//! and keeps what a sequence diagram needs: the two endpoints, the numbers, the flags,
//! the window and the length of the data. Anything else (ARP, UDP, a fragment, an IPv6
//! extension header, a header cut short) is [`NotASegment`], never a panic: the bytes
//! come from the wire and may be anything.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::wire::tcp::options;
use crate::wire::{
    EtherType, EthernetFrame, IpProtocol, Ipv4Packet, Ipv6Packet, TcpFlags, TcpPacket, WireError,
};

/// One TCP segment, as a sequence diagram shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The sender's address and port.
    pub src: SocketAddr,
    /// The receiver's address and port.
    pub dst: SocketAddr,
    /// The sequence number, as on the wire.
    pub seq: u32,
    /// The acknowledgment number, as on the wire (meaningful with ACK).
    pub ack: u32,
    /// The flags.
    pub flags: TcpFlags,
    /// The window field, as on the wire (not yet scaled).
    pub window: u16,
    /// The window scale option, if the segment carries one (SYNs do).
    pub window_scale: Option<u8>,
    /// The MSS option, if the segment carries one (SYNs do).
    pub mss: Option<u16>,
    /// How many bytes of data it carries.
    pub len: u32,
}

/// Why a frame is not a TCP segment to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotASegment {
    /// Neither IPv4 nor IPv6 (ARP, say), with its EtherType.
    NotIp(u16),
    /// IP carrying something else (UDP, ICMP), or an IPv6 packet whose next header is
    /// an extension header: TCP would be further in, and this decoder does not walk the
    /// chain (TCP on loopback never needs one).
    NotTcp(IpProtocol),
    /// A fragment of an IPv4 packet (TCP avoids fragmentation; loopback never does it).
    Fragment,
    /// A header cut short or malformed.
    Malformed(WireError),
}

impl fmt::Display for NotASegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotASegment::NotIp(ethertype) => write!(f, "EtherType {ethertype:#06x}: not IP"),
            NotASegment::NotTcp(protocol) => {
                write!(f, "protocol {} ({protocol}): not TCP", u8::from(*protocol))
            }
            NotASegment::Fragment => f.write_str("an IPv4 fragment"),
            NotASegment::Malformed(err) => err.fmt(f),
        }
    }
}

impl From<WireError> for NotASegment {
    fn from(err: WireError) -> Self {
        NotASegment::Malformed(err)
    }
}

impl Segment {
    /// Decodes a captured Ethernet frame (what a packet socket gives on `lo`).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::trace::Segment;
    /// use framing::wire::{parse_hex, TcpFlags};
    ///
    /// // A SYN from 127.0.0.1:47646 to 127.0.0.1:8888, options left out.
    /// let frame = parse_hex(
    ///     "000000000000 000000000000 0800 \
    ///      4500 0028 0000 4000 4006 0000 7f00 0001 7f00 0001 \
    ///      ba1e 22b8 d8b3ac18 00000000 5002 ffd7 0000 0000",
    /// )
    /// .unwrap();
    /// let segment = Segment::from_frame(&frame).unwrap();
    /// assert_eq!(segment.dst.to_string(), "127.0.0.1:8888");
    /// assert_eq!(segment.flags, TcpFlags::SYN);
    /// assert_eq!(segment.seq_len(), 1); // a SYN counts as one byte
    /// assert!(Segment::from_frame(&frame[..40]).is_err()); // cut short: an error, no panic
    /// ```
    pub fn from_frame(frame: &[u8]) -> Result<Segment, NotASegment> {
        let ethernet = EthernetFrame::new_checked(frame)?;
        match ethernet.ethertype() {
            EtherType::Ipv4 => Segment::from_ipv4(ethernet.payload()),
            EtherType::Ipv6 => Segment::from_ipv6(ethernet.payload()),
            _ => Err(NotASegment::NotIp(ethernet.ethertype_raw())),
        }
    }

    /// Decodes an IPv4 packet carrying a TCP segment.
    pub fn from_ipv4(bytes: &[u8]) -> Result<Segment, NotASegment> {
        let packet = Ipv4Packet::new_checked(bytes)?;
        if packet.protocol() != IpProtocol::Tcp {
            return Err(NotASegment::NotTcp(packet.protocol()));
        }
        if packet.is_fragment() {
            return Err(NotASegment::Fragment);
        }
        let (src, dst) = (packet.src_addr().into(), packet.dst_addr().into());
        Segment::from_tcp(packet.payload(), src, dst)
    }

    /// Decodes an IPv6 packet carrying a TCP segment right after the fixed header.
    pub fn from_ipv6(bytes: &[u8]) -> Result<Segment, NotASegment> {
        let packet = Ipv6Packet::new_checked(bytes)?;
        // An extension header (hop-by-hop 0, routing 43, fragment 44, ...) is not TCP
        // itself: the packet is skipped rather than walked (see `NotASegment::NotTcp`).
        if packet.next_header() != IpProtocol::Tcp {
            return Err(NotASegment::NotTcp(packet.next_header()));
        }
        let (src, dst) = (packet.src_addr().into(), packet.dst_addr().into());
        Segment::from_tcp(packet.payload(), src, dst)
    }

    fn from_tcp(bytes: &[u8], src: IpAddr, dst: IpAddr) -> Result<Segment, NotASegment> {
        let tcp = TcpPacket::new_checked(bytes)?;
        let opts = tcp.options();
        Ok(Segment {
            src: SocketAddr::new(src, tcp.src_port()),
            dst: SocketAddr::new(dst, tcp.dst_port()),
            seq: tcp.seq_number(),
            ack: tcp.ack_number(),
            flags: tcp.flags(),
            window: tcp.window_len(),
            window_scale: options::window_scale(opts),
            mss: options::mss(opts),
            // At most 65535 bytes: an IP packet's length field says so.
            len: u32::try_from(tcp.payload().len()).unwrap_or(u32::MAX),
        })
    }

    /// Whether a flag is set.
    pub fn has(&self, flag: TcpFlags) -> bool {
        self.flags.contains(flag)
    }

    /// How much sequence space the segment takes: its data, plus one for a SYN and one
    /// for a FIN (each is acknowledged as if it were a byte).
    pub fn seq_len(&self) -> u32 {
        self.len + u32::from(self.has(TcpFlags::SYN)) + u32::from(self.has(TcpFlags::FIN))
    }

    /// The flags as the diagram names them, joined by `+`: `SYN`, `SYN+ACK`, `PSH+ACK`,
    /// `FIN+ACK`, `RST+ACK` (in [`TcpFlags::names`]' order, the lowest bit first, as
    /// Wireshark lists them).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::trace::segment::flag_names;
    /// use framing::wire::TcpFlags;
    ///
    /// assert_eq!(flag_names(TcpFlags::SYN | TcpFlags::ACK), "SYN+ACK");
    /// assert_eq!(flag_names(TcpFlags::FIN | TcpFlags::PSH | TcpFlags::ACK), "FIN+PSH+ACK");
    /// assert_eq!(flag_names(TcpFlags::empty()), "none");
    /// ```
    pub fn flag_names(&self) -> String {
        flag_names(self.flags)
    }
}

/// See [`Segment::flag_names`].
pub fn flag_names(flags: TcpFlags) -> String {
    if flags.is_empty() {
        "none".to_string()
    } else {
        flags.names().collect::<Vec<_>>().join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The SYN over ::1 of the IPv6 tests, with the 14 zero bytes and EtherType 0x86dd
    /// that loopback puts in front.
    fn ipv6_syn_frame() -> Vec<u8> {
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x86, 0xdd]);
        frame.extend_from_slice(&crate::wire::ipv6::tests::SYN_OVER_IPV6);
        frame
    }

    #[test]
    fn a_syn_over_ipv6() {
        let segment = Segment::from_frame(&ipv6_syn_frame()).unwrap();
        assert_eq!(segment.src.to_string(), "[::1]:54836");
        assert_eq!(segment.dst.to_string(), "[::1]:45999");
        assert_eq!(segment.seq, 3955222802);
        assert_eq!(segment.flags, TcpFlags::SYN);
        assert_eq!(segment.window, 65476);
        assert_eq!(segment.window_scale, Some(10));
        assert_eq!(segment.mss, Some(65476));
        assert_eq!(segment.len, 0);
    }

    #[test]
    fn an_extension_header_is_skipped() {
        let mut frame = ipv6_syn_frame();
        frame[14 + 6] = 0; // next header: hop-by-hop options
        assert_eq!(
            Segment::from_frame(&frame),
            Err(NotASegment::NotTcp(IpProtocol::Unknown(0)))
        );
    }

    #[test]
    fn every_cut_is_an_error() {
        let frame = ipv6_syn_frame();
        for len in 0..frame.len() {
            assert!(Segment::from_frame(&frame[..len]).is_err(), "{len} bytes");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_frames_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = Segment::from_frame(&bytes);
        }

        #[test]
        fn mangled_ip_frames_never_panic(
            ipv6 in any::<bool>(),
            tail in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            // Plausible starts make the arbitrary bytes reach the IP and TCP layers.
            let mut frame = vec![0u8; 12];
            if ipv6 {
                frame.extend_from_slice(&[0x86, 0xdd, 0x60]);
            } else {
                frame.extend_from_slice(&[0x08, 0x00, 0x45]);
            }
            frame.extend_from_slice(&tail);
            if let Ok(segment) = Segment::from_frame(&frame) {
                prop_assert!(segment.len as usize <= frame.len());
            }
        }
    }
}
