//! Taking a frame apart layer by layer, the way Wireshark shows it.
//!
//! [`decode_frame`] starts at the Ethernet header and follows the type fields inward:
//! EtherType 0x0800 leads to IPv4, the IPv4 protocol 17 to UDP, and what is left is the
//! application's data. Each layer becomes a [`DecodedLayer`]: a one-line summary and
//! rows of (byte range, field, value), the byte ranges being the same `start..end`
//! ranges as the `field` modules of the protocol files.
//!
//! Decoding stops at the first layer that is cut short or malformed, and keeps what it
//! found before ([`Decoded::error`]); it never panics, whatever the bytes. A wrong
//! checksum does not stop it: the row says `(bad, expected 0x....)`, the mismatch is
//! listed in [`Decoded::warnings`], and the next layer is decoded, just as Wireshark
//! does (loopback captures are full of them, see [`super::checksum`](mod@super::checksum)).
//!
//! # Examples
//!
//! ```
//! use framing::wire::{decode_frame, parse_hex};
//!
//! // A UDP datagram carrying "hello" to 127.0.0.1:7788, as captured on loopback.
//! let frame = parse_hex(
//!     "000000000000 000000000000 0800 \
//!      4500 0021 9a23 4000 4011 a2a6 7f00 0001 7f00 0001 \
//!      ce90 1e6c 000d fe20 68656c6c6f",
//! )
//! .unwrap();
//! let decoded = decode_frame(&frame);
//! let names: Vec<_> = decoded.layers.iter().map(|l| l.name).collect();
//! assert_eq!(names, ["Ethernet II", "IPv4", "UDP"]);
//! assert_eq!(decoded.payload.as_ref().unwrap().head, b"hello");
//! assert!(decoded.error.is_none());
//! // The checksum field holds only the pseudo-header sum on loopback.
//! assert_eq!(
//!     decoded.warnings[0].to_string(),
//!     "UDP: checksum 0xfe20 does not match the computed 0xd102"
//! );
//! ```

use std::fmt;
use std::net::Ipv4Addr;
use std::ops::Range;

use netbasics::port::{services_on, Origin};
use netbasics::MacAddr;

use super::{
    ArpOperation, ArpPacket, ArpRepr, EtherType, EthernetFrame, EthernetRepr, IpProtocol,
    Ipv4Packet, Ipv4Repr, Layer, TcpPacket, TcpRepr, UdpPacket, UdpRepr, WireError,
};

/// How many payload bytes are kept for the hex dump.
pub const PAYLOAD_SHOWN: usize = 64;

/// One field of a decoded header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where the field is in the decoded bytes (from the start of the input).
    pub bytes: Range<usize>,
    /// The field's name.
    pub field: &'static str,
    /// Its value, with what it means.
    pub value: String,
}

/// One decoded header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedLayer {
    /// Which protocol.
    pub layer: Layer,
    /// The name to show: `Ethernet II`, `ARP`, `IPv4`, `UDP`, `TCP`.
    pub name: &'static str,
    /// The header in one line.
    pub summary: String,
    /// Every field, in order.
    pub rows: Vec<Row>,
}

/// The bytes after the last decoded header: application data, or a payload this
/// decoder does not take apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// What the bytes are, e.g. `UDP data` or `ICMP message (not decoded here)`.
    pub description: String,
    /// Where they are in the input.
    pub bytes: Range<usize>,
    /// The first [`PAYLOAD_SHOWN`] bytes (or all of them, if fewer).
    pub head: Vec<u8>,
}

impl Payload {
    /// The payload's whole length.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::decode_frame;
    ///
    /// let mut frame = vec![0u8; 14];
    /// frame[12..14].copy_from_slice(&[0x86, 0xdd]); // IPv6: not decoded here
    /// frame.extend_from_slice(&[0x60; 100]);
    /// let payload = decode_frame(&frame).payload.unwrap();
    /// assert_eq!(payload.len(), 100);
    /// assert_eq!(payload.head.len(), 64);
    /// ```
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are no bytes (never the case in a [`Decoded`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::decode_frame;
    ///
    /// let mut frame = vec![0u8; 15];
    /// frame[12..14].copy_from_slice(&[0x86, 0xdd]);
    /// assert!(!decode_frame(&frame).payload.unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The result of decoding: the layers found, the payload, and why decoding stopped
/// early, if it did.
///
/// Its `Display` is the `packet-decode` output: each layer's summary, then its rows
/// aligned in columns, then a hex dump of the payload.
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_frame, Layer};
///
/// let decoded = decode_frame(&[0xff; 10]);
/// assert!(decoded.layers.is_empty());
/// let err = decoded.error.unwrap();
/// assert_eq!(err.layer(), Layer::Ethernet);
/// assert_eq!(err.to_string(), "Ethernet: frame of 10 bytes is shorter than the 14-byte header");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The headers decoded, outermost first.
    pub layers: Vec<DecodedLayer>,
    /// What follows the last header, if anything does. When decoding stopped on an
    /// error, these are the bytes of the layer that could not be decoded.
    pub payload: Option<Payload>,
    /// Why decoding stopped before the end, if it did.
    pub error: Option<WireError>,
    /// Checksum mismatches: reported, but decoding went on.
    pub warnings: Vec<WireError>,
}

/// Decodes an Ethernet II frame and what it carries (ARP, IPv4, UDP, TCP).
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_frame, parse_hex};
///
/// // An ARP request, padded to the 60-byte minimum frame.
/// let frame = parse_hex(
///     "ffffffffffff 0800200a8c6d 0806 0001 0800 06 04 0001 \
///      0800200a8c6d c0a80164 000000000000 c0a80101 \
///      000000000000000000000000000000000000",
/// )
/// .unwrap();
/// let decoded = decode_frame(&frame);
/// assert_eq!(decoded.layers[1].summary, "request  who has 192.168.1.1? tell 192.168.1.100");
/// assert!(decoded.payload.is_none() && decoded.error.is_none());
/// ```
pub fn decode_frame(bytes: &[u8]) -> Decoded {
    let mut decoder = Decoder::new(bytes);
    let result = decoder.ethernet();
    decoder.finish(result)
}

/// Decodes an IPv4 packet without an Ethernet header (captures of tunnels, `tcpdump -i
/// any` on some systems, raw sockets).
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_ipv4_packet, parse_hex};
///
/// let packet = parse_hex("4500 0014 0000 4000 4011 3cd7 7f000001 7f000001").unwrap();
/// let decoded = decode_ipv4_packet(&packet);
/// assert_eq!(decoded.layers[0].name, "IPv4");
/// // Protocol 17, but no room for a UDP header.
/// assert_eq!(
///     decoded.error.unwrap().to_string(),
///     "UDP: datagram of 0 bytes is shorter than the 8-byte header"
/// );
/// ```
pub fn decode_ipv4_packet(bytes: &[u8]) -> Decoded {
    let mut decoder = Decoder::new(bytes);
    let result = decoder.ipv4(0, bytes);
    decoder.finish(result)
}

/// Why a text is not hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    #[error("bad hex: {ch:?} at character {position} is not a hex digit (0-9, a-f) or a separator (space, colon)")]
    BadDigit {
        /// The character.
        ch: char,
        /// Where it is, counting from 1.
        position: usize,
    },
    /// An odd number of digits: the last byte is half there.
    #[error("bad hex: {0} hex digits is an odd number; every byte takes two")]
    OddDigits(usize),
    /// No digits at all.
    #[error("bad hex: no hex digits given")]
    Empty,
}

/// Reads bytes written as hex digits. Spaces, tabs, newlines and colons between the
/// digits are ignored, so `45 00`, `4500` and `45:00` are the same two bytes.
///
/// # Examples
///
/// ```
/// use framing::wire::parse_hex;
///
/// assert_eq!(parse_hex("ff:FF 0800\n45").unwrap(), [0xff, 0xff, 0x08, 0x00, 0x45]);
/// assert_eq!(
///     parse_hex("45 0g").unwrap_err().to_string(),
///     "bad hex: 'g' at character 5 is not a hex digit (0-9, a-f) or a separator (space, colon)"
/// );
/// assert_eq!(
///     parse_hex("450").unwrap_err().to_string(),
///     "bad hex: 3 hex digits is an odd number; every byte takes two"
/// );
/// ```
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut digits = Vec::with_capacity(text.len());
    for (index, ch) in text.chars().enumerate() {
        if let Some(value) = ch.to_digit(16) {
            digits.push(u8::try_from(value).expect("a hex digit is below 16"));
        } else if !(ch.is_ascii_whitespace() || ch == ':') {
            return Err(HexError::BadDigit {
                ch,
                position: index + 1,
            });
        }
    }
    if digits.is_empty() {
        return Err(HexError::Empty);
    }
    if digits.len() % 2 == 1 {
        return Err(HexError::OddDigits(digits.len()));
    }
    Ok(digits
        .chunks_exact(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect())
}

/// Walks the input inward, layer by layer, collecting what it finds.
struct Decoder<'a> {
    input: &'a [u8],
    out: Decoded,
    /// Where the layer being decoded starts: if it fails, the bytes from here on are
    /// shown undecoded.
    layer_start: usize,
}

impl<'a> Decoder<'a> {
    fn new(input: &'a [u8]) -> Self {
        Decoder {
            input,
            out: Decoded::default(),
            layer_start: 0,
        }
    }

    fn finish(mut self, result: Result<(), WireError>) -> Decoded {
        if let Err(err) = result {
            let rest = self.layer_start..self.input.len();
            let description = format!("{} bytes that could not be decoded", err.layer());
            self.payload(description, rest);
            self.out.error = Some(err);
        }
        self.out
    }

    fn push(&mut self, layer: Layer, summary: String, rows: Vec<Row>) {
        let name = match layer {
            Layer::Ethernet => "Ethernet II",
            Layer::Arp => "ARP",
            Layer::Ipv4 => "IPv4",
            Layer::Udp => "UDP",
            Layer::Tcp => "TCP",
        };
        self.out.layers.push(DecodedLayer {
            layer,
            name,
            summary,
            rows,
        });
    }

    /// Records the bytes in `range` (of the input) as the payload, unless empty.
    fn payload(&mut self, description: String, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let shown = range.start..range.end.min(range.start + PAYLOAD_SHOWN);
        self.out.payload = Some(Payload {
            description,
            head: self.input[shown].to_vec(),
            bytes: range,
        });
    }

    fn ethernet(&mut self) -> Result<(), WireError> {
        self.layer_start = 0;
        let frame = EthernetFrame::new_checked(self.input)?;
        let repr = EthernetRepr::parse(&frame)?;
        let ethertype = describe_ethertype(repr.ethertype);
        let rows = vec![
            row(0..6, "destination", describe_mac(repr.dst_addr)),
            row(6..12, "source", describe_mac(repr.src_addr)),
            row(12..14, "type", ethertype.clone()),
        ];
        let summary = format!(
            "dst {}  src {}  {}{}",
            describe_mac(repr.dst_addr),
            describe_mac(repr.src_addr),
            if matches!(repr.ethertype, EtherType::Length(_)) {
                ""
            } else {
                "type "
            },
            ethertype
        );
        self.push(Layer::Ethernet, summary, rows);

        let base = EthernetRepr::HEADER_LEN;
        let payload = frame.payload();
        let rest = base..self.input.len();
        match repr.ethertype {
            EtherType::Ipv4 => self.ipv4(base, payload),
            EtherType::Arp => self.arp(base, payload),
            EtherType::Ipv6 => {
                self.payload("IPv6 packet (not decoded here)".into(), rest);
                Ok(())
            }
            EtherType::Vlan => {
                self.payload(
                    "802.1Q VLAN tag and the frame inside it (not decoded here)".into(),
                    rest,
                );
                Ok(())
            }
            EtherType::Length(_) => {
                self.payload("IEEE 802.2 LLC data (not decoded here)".into(), rest);
                Ok(())
            }
            EtherType::Unknown(n) => {
                self.payload(
                    format!("EtherType {n:#06x} payload (not decoded here)"),
                    rest,
                );
                Ok(())
            }
        }
    }

    fn arp(&mut self, base: usize, bytes: &[u8]) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = ArpPacket::new_checked(bytes)?;
        let repr = ArpRepr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let operation = u16::from(repr.operation);
        let mut rows = vec![
            row(
                at(0..2),
                "hardware type",
                format!("{} (Ethernet)", packet.hardware_type()),
            ),
            row(
                at(2..4),
                "protocol type",
                format!("{:#06x} (IPv4)", packet.protocol_type()),
            ),
            row(at(4..5), "hardware size", packet.hardware_len().to_string()),
            row(at(5..6), "protocol size", packet.protocol_len().to_string()),
            row(
                at(6..8),
                "operation",
                format!("{operation} ({})", repr.operation),
            ),
            row(
                at(8..14),
                "sender MAC",
                repr.sender_hardware_addr.to_string(),
            ),
            row(
                at(14..18),
                "sender IP",
                repr.sender_protocol_addr.to_string(),
            ),
            row(
                at(18..24),
                "target MAC",
                repr.target_hardware_addr.to_string(),
            ),
            row(
                at(24..28),
                "target IP",
                repr.target_protocol_addr.to_string(),
            ),
        ];
        let end = repr.buffer_len();
        if bytes.len() > end {
            rows.push(padding_row(at(end..bytes.len()), "after the ARP packet"));
        }
        let summary = match repr.operation {
            ArpOperation::Request => format!(
                "request  who has {}? tell {}",
                repr.target_protocol_addr, repr.sender_protocol_addr
            ),
            ArpOperation::Reply => format!(
                "reply  {} is at {}",
                repr.sender_protocol_addr, repr.sender_hardware_addr
            ),
            ArpOperation::Unknown(n) => format!(
                "operation {n}  from {} ({})",
                repr.sender_protocol_addr, repr.sender_hardware_addr
            ),
        };
        self.push(Layer::Arp, summary, rows);
        Ok(())
    }

    fn ipv4(&mut self, base: usize, bytes: &[u8]) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = Ipv4Packet::new_checked(bytes)?;
        let repr = Ipv4Repr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let header_len = packet.header_len();
        let total_len = usize::from(packet.total_len());

        let checksum = match packet.check_checksum() {
            Ok(()) => format!("{:#06x} (good)", packet.checksum()),
            Err(err) => self.bad_checksum(packet.checksum(), err),
        };
        let flags = {
            let mut names = Vec::new();
            if packet.reserved_flag() {
                names.push("reserved bit set");
            }
            if repr.dont_frag {
                names.push("DF: don't fragment");
            }
            if repr.more_frags {
                names.push("MF: more fragments");
            }
            let bits = u8::from(packet.reserved_flag()) << 2
                | u8::from(repr.dont_frag) << 1
                | u8::from(repr.more_frags);
            if names.is_empty() {
                format!("{bits:#05b}")
            } else {
                format!("{bits:#05b} ({})", names.join(", "))
            }
        };
        let protocol_number = u8::from(repr.protocol);
        let mut rows = vec![
            row(at(0..1), "version", packet.version().to_string()),
            row(
                at(0..1),
                "header length",
                format!("{header_len} bytes (IHL {})", packet.ihl()),
            ),
            row(at(1..2), "DSCP", repr.dscp.to_string()),
            row(at(1..2), "ECN", repr.ecn.to_string()),
            row(at(2..4), "total length", total_len.to_string()),
            row(
                at(4..6),
                "identification",
                format!("{:#06x} ({})", repr.ident, repr.ident),
            ),
            row(at(6..8), "flags", flags),
            row(
                at(6..8),
                "fragment offset",
                if repr.frag_offset == 0 {
                    "0".to_string()
                } else {
                    let offset = repr.frag_offset;
                    format!("{offset} (x 8 = byte {})", usize::from(offset) * 8)
                },
            ),
            row(at(8..9), "time to live", repr.ttl.to_string()),
            row(
                at(9..10),
                "protocol",
                format!("{protocol_number} ({})", describe_protocol(repr.protocol)),
            ),
            row(at(10..12), "header checksum", checksum),
            row(at(12..16), "source", repr.src_addr.to_string()),
            row(at(16..20), "destination", repr.dst_addr.to_string()),
        ];
        if !repr.options.is_empty() {
            rows.push(row(
                at(20..header_len),
                "options",
                format!("{} ({} bytes)", hex_bytes(repr.options), repr.options.len()),
            ));
        }
        if bytes.len() > total_len {
            rows.push(padding_row(
                at(total_len..bytes.len()),
                "after the total length",
            ));
        }
        let summary = format!(
            "src {}  dst {}  protocol {} ({})  ttl {}  length {}",
            repr.src_addr,
            repr.dst_addr,
            protocol_number,
            describe_protocol(repr.protocol),
            repr.ttl,
            total_len
        );
        self.push(Layer::Ipv4, summary, rows);

        let payload = packet.payload();
        let start = base + header_len;
        let range = start..start + payload.len();
        if packet.is_fragment() {
            let description = format!(
                "fragment of a larger packet (id {:#06x}, data from byte {}); \
                 the fragments must be reassembled before the {} header can be read",
                repr.ident,
                usize::from(repr.frag_offset) * 8,
                repr.protocol
            );
            self.payload(description, range);
            return Ok(());
        }
        match repr.protocol {
            IpProtocol::Udp => self.udp(start, payload, repr.src_addr, repr.dst_addr),
            IpProtocol::Tcp => self.tcp(start, payload, repr.src_addr, repr.dst_addr),
            IpProtocol::Icmp => {
                self.payload("ICMP message (not decoded here)".into(), range);
                Ok(())
            }
            IpProtocol::Unknown(n) => {
                self.payload(format!("protocol {n} payload (not decoded here)"), range);
                Ok(())
            }
        }
    }

    fn udp(
        &mut self,
        base: usize,
        bytes: &[u8],
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = UdpPacket::new_checked(bytes)?;
        let repr = UdpRepr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let checksum = if packet.checksum() == 0 {
            "0x0000 (none: the sender did not compute one)".to_string()
        } else {
            match packet.check_checksum(src, dst) {
                Ok(()) => format!("{:#06x} (good)", packet.checksum()),
                Err(err) => self.bad_checksum(packet.checksum(), err),
            }
        };
        let len = usize::from(packet.len());
        let mut rows = vec![
            row(
                at(0..2),
                "source port",
                describe_port(repr.src_port, Layer::Udp),
            ),
            row(
                at(2..4),
                "destination port",
                describe_port(repr.dst_port, Layer::Udp),
            ),
            row(
                at(4..6),
                "length",
                format!(
                    "{len} (8-byte header + {} bytes of data)",
                    repr.payload.len()
                ),
            ),
            row(at(6..8), "checksum", checksum),
        ];
        if bytes.len() > len {
            rows.push(padding_row(at(len..bytes.len()), "after the UDP length"));
        }
        let summary = format!(
            "src port {}  dst port {}  length {}",
            repr.src_port, repr.dst_port, len
        );
        self.push(Layer::Udp, summary, rows);
        self.payload("UDP data".into(), at(8..len));
        Ok(())
    }

    fn tcp(
        &mut self,
        base: usize,
        bytes: &[u8],
        src: Ipv4Addr,
        dst: Ipv4Addr,
    ) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = TcpPacket::new_checked(bytes)?;
        let repr = TcpRepr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let checksum = match packet.check_checksum(src, dst) {
            Ok(()) => format!("{:#06x} (good)", packet.checksum()),
            Err(err) => self.bad_checksum(packet.checksum(), err),
        };
        let header_len = packet.header_len();
        let ack = if repr.flags.contains(super::TcpFlags::ACK) {
            repr.ack_number.to_string()
        } else {
            format!("{} (not used: no ACK flag)", repr.ack_number)
        };
        let mut rows = vec![
            row(
                at(0..2),
                "source port",
                describe_port(repr.src_port, Layer::Tcp),
            ),
            row(
                at(2..4),
                "destination port",
                describe_port(repr.dst_port, Layer::Tcp),
            ),
            row(at(4..8), "sequence number", repr.seq_number.to_string()),
            row(at(8..12), "ack number", ack),
            row(
                at(12..13),
                "header length",
                format!("{header_len} bytes (data offset {})", packet.data_offset()),
            ),
            row(
                at(13..14),
                "flags",
                format!("{:#04x} {}", repr.flags.bits(), repr.flags),
            ),
            row(at(14..16), "window", repr.window_len.to_string()),
            row(at(16..18), "checksum", checksum),
            row(
                at(18..20),
                "urgent pointer",
                repr.urgent_pointer.to_string(),
            ),
        ];
        if packet.reserved() != 0 {
            rows.insert(
                5,
                row(
                    at(12..13),
                    "reserved bits",
                    format!("{:#x} (should be 0)", packet.reserved()),
                ),
            );
        }
        if !repr.options.is_empty() {
            rows.push(row(
                at(20..header_len),
                "options",
                format!(
                    "{} ({} bytes)",
                    describe_tcp_options(repr.options),
                    repr.options.len()
                ),
            ));
        }
        let summary = format!(
            "src port {}  dst port {}  {}  seq {}{}  window {}  data {}",
            repr.src_port,
            repr.dst_port,
            repr.flags,
            repr.seq_number,
            if repr.flags.contains(super::TcpFlags::ACK) {
                format!("  ack {}", repr.ack_number)
            } else {
                String::new()
            },
            repr.window_len,
            repr.payload.len()
        );
        self.push(Layer::Tcp, summary, rows);
        self.payload("TCP data".into(), at(header_len..bytes.len()));
        Ok(())
    }

    /// Notes a checksum mismatch and gives the value to show for it.
    fn bad_checksum(&mut self, found: u16, err: WireError) -> String {
        let text = match &err {
            WireError::Checksum { computed, .. } => {
                format!("{found:#06x} (bad, expected {computed:#06x})")
            }
            other => format!("{found:#06x} ({other})"),
        };
        self.out.warnings.push(err);
        text
    }
}

fn row(bytes: Range<usize>, field: &'static str, value: String) -> Row {
    Row {
        bytes,
        field,
        value,
    }
}

fn padding_row(bytes: Range<usize>, where_: &str) -> Row {
    let len = bytes.len();
    Row {
        bytes,
        field: "padding",
        value: format!(
            "{len} bytes {where_} (Ethernet pads frames to 60 bytes; not part of the packet)"
        ),
    }
}

fn describe_mac(mac: MacAddr) -> String {
    if mac.is_broadcast() {
        format!("{mac} (broadcast)")
    } else if mac.is_multicast() {
        format!("{mac} (multicast)")
    } else {
        mac.to_string()
    }
}

fn describe_ethertype(ethertype: EtherType) -> String {
    match ethertype {
        EtherType::Length(n) => format!("length {n} (IEEE 802.3 frame: a length, not a type)"),
        EtherType::Unknown(n) => format!("{n:#06x}"),
        other => format!("{:#06x} ({other})", u16::from(other)),
    }
}

fn describe_protocol(protocol: IpProtocol) -> String {
    match protocol {
        IpProtocol::Unknown(_) => "not decoded here".to_string(),
        other => other.to_string(),
    }
}

/// A port number, with the service the lessons know it for.
fn describe_port(port: u16, layer: Layer) -> String {
    let service = services_on(port).into_iter().find(|service| match layer {
        Layer::Tcp => service.transport.tcp(),
        _ => service.transport.udp(),
    });
    match service {
        Some(service) if service.origin == Origin::Lesson => {
            format!("{port} ({} lesson)", service.name)
        }
        Some(service) => format!("{port} ({})", service.name),
        None => port.to_string(),
    }
}

/// Bytes as `94 04 00 00`.
fn hex_bytes(bytes: &[u8]) -> String {
    let digits: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    digits.join(" ")
}

/// The TCP options in words: `MSS 1460, SACK permitted, NOP, window scale 7 (x128)`.
///
/// Each option is a kind byte; kinds 0 (end of list) and 1 (no-operation, padding) are
/// that one byte, every other kind is followed by a length byte counting both.
fn describe_tcp_options(options: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut rest = options;
    while let Some((&kind, after_kind)) = rest.split_first() {
        match kind {
            0 => {
                parts.push("end of options".to_string());
                break;
            }
            1 => {
                parts.push("NOP".to_string());
                rest = after_kind;
                continue;
            }
            _ => {}
        }
        let len = after_kind.first().map(|&len| usize::from(len));
        let option = match len {
            Some(len) if len >= 2 && len <= rest.len() => &rest[..len],
            _ => {
                parts.push(format!(
                    "malformed option (kind {kind}): {}",
                    hex_bytes(rest)
                ));
                break;
            }
        };
        let data = &option[2..];
        parts.push(match (kind, data) {
            (2, [a, b]) => format!("MSS {}", u16::from_be_bytes([*a, *b])),
            (3, [shift]) => format!("window scale {shift} (x{})", 1u64 << (*shift).min(14)),
            (4, []) => "SACK permitted".to_string(),
            (5, blocks) if blocks.len() % 8 == 0 => {
                let ranges: Vec<String> = blocks
                    .chunks_exact(8)
                    .map(|b| {
                        let left = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                        let right = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
                        format!("{left}-{right}")
                    })
                    .collect();
                format!("SACK {}", ranges.join(" "))
            }
            (8, [a, b, c, d, e, f, g, h]) => format!(
                "timestamps {}/{}",
                u32::from_be_bytes([*a, *b, *c, *d]),
                u32::from_be_bytes([*e, *f, *g, *h])
            ),
            _ => format!("kind {kind} ({})", hex_bytes(option)),
        });
        rest = &rest[option.len()..];
    }
    parts.join(", ")
}

impl fmt::Display for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One column width for all layers, so the values line up down the page.
        let rows = self.layers.iter().flat_map(|layer| layer.rows.iter());
        let range_width = rows
            .clone()
            .map(|row| format!("{}..{}", row.bytes.start, row.bytes.end).len())
            .max()
            .unwrap_or(0);
        let field_width = rows.map(|row| row.field.len()).max().unwrap_or(0);

        for layer in &self.layers {
            writeln!(f, "{}  {}", layer.name, layer.summary)?;
            for row in &layer.rows {
                let range = format!("{}..{}", row.bytes.start, row.bytes.end);
                writeln!(
                    f,
                    "    {range:<range_width$}  {:<field_width$}  {}",
                    row.field, row.value
                )?;
            }
        }
        if let Some(payload) = &self.payload {
            writeln!(
                f,
                "Data  {} bytes at {}..{}: {}",
                payload.len(),
                payload.bytes.start,
                payload.bytes.end,
                payload.description
            )?;
            write_hex_dump(f, &payload.head)?;
            if payload.len() > payload.head.len() {
                writeln!(
                    f,
                    "    ... {} more bytes not shown",
                    payload.len() - payload.head.len()
                )?;
            }
        }
        Ok(())
    }
}

/// Writes bytes as `hexdump -C` does: offset, 16 bytes in hex, the same as text with
/// `.` for anything not printable ASCII.
fn write_hex_dump(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut hex = String::new();
        for (i, byte) in chunk.iter().enumerate() {
            if i == 8 {
                hex.push(' ');
            }
            hex.push_str(&format!("{byte:02x} "));
        }
        let text: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        writeln!(f, "    {:04x}  {hex:<49} |{text}|", line * 16)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hex_accepts_separators_and_case() {
        assert_eq!(
            parse_hex("00:1A:2b 3c\t4d\n5e").unwrap(),
            [0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]
        );
        assert_eq!(parse_hex("  ab  ").unwrap(), [0xab]);
    }

    #[test]
    fn hex_errors() {
        assert_eq!(parse_hex(""), Err(HexError::Empty));
        assert_eq!(parse_hex(" : "), Err(HexError::Empty));
        assert_eq!(parse_hex("abc"), Err(HexError::OddDigits(3)));
        assert_eq!(
            parse_hex("0x45"),
            Err(HexError::BadDigit {
                ch: 'x',
                position: 2
            })
        );
        assert_eq!(
            parse_hex("45-00"),
            Err(HexError::BadDigit {
                ch: '-',
                position: 3
            })
        );
        assert_eq!(
            parse_hex("é"),
            Err(HexError::BadDigit {
                ch: 'é',
                position: 1
            })
        );
    }

    #[test]
    fn tcp_options_in_words() {
        // The options of a Linux SYN.
        let syn = [
            0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x93, 0x63, 0xc7, 0x47, 0x00, 0x00,
            0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
        ];
        assert_eq!(
            describe_tcp_options(&syn),
            "MSS 65495, SACK permitted, timestamps 2472789831/0, NOP, window scale 10 (x1024)"
        );
        assert_eq!(
            describe_tcp_options(&[1, 1, 0, 0]),
            "NOP, NOP, end of options"
        );
        assert_eq!(
            describe_tcp_options(&[5, 10, 0, 0, 0, 1, 0, 0, 0, 9]),
            "SACK 1-9"
        );
        assert_eq!(
            describe_tcp_options(&[30, 4, 1, 2]),
            "kind 30 (1e 04 01 02)"
        );
    }

    #[test]
    fn malformed_tcp_options_do_not_panic() {
        assert_eq!(describe_tcp_options(&[2]), "malformed option (kind 2): 02");
        assert_eq!(
            describe_tcp_options(&[2, 1, 0, 0]),
            "malformed option (kind 2): 02 01 00 00"
        );
        assert_eq!(
            describe_tcp_options(&[2, 9, 0, 0]),
            "malformed option (kind 2): 02 09 00 00"
        );
        assert_eq!(
            describe_tcp_options(&[2, 3, 0, 1]),
            "kind 2 (02 03 00), NOP"
        );
        assert_eq!(
            describe_tcp_options(&[3, 3, 200, 1]),
            "window scale 200 (x16384), NOP"
        );
    }

    #[test]
    fn ipv6_and_unknown_ethertypes_become_payload() {
        let mut frame = vec![0u8; 20];
        frame[12..14].copy_from_slice(&[0x88, 0xcc]); // LLDP
        let decoded = decode_frame(&frame);
        assert_eq!(decoded.layers.len(), 1);
        assert_eq!(decoded.layers[0].rows[2].value, "0x88cc");
        let payload = decoded.payload.unwrap();
        assert_eq!(
            payload.description,
            "EtherType 0x88cc payload (not decoded here)"
        );
        assert_eq!(payload.bytes, 14..20);
    }

    #[test]
    fn ieee_802_3_length_is_reported() {
        let mut frame = vec![0u8; 60];
        frame[12..14].copy_from_slice(&[0x00, 0x2e]);
        let decoded = decode_frame(&frame);
        assert_eq!(
            decoded.layers[0].rows[2].value,
            "length 46 (IEEE 802.3 frame: a length, not a type)"
        );
        assert!(decoded.layers[0]
            .summary
            .ends_with("  length 46 (IEEE 802.3 frame: a length, not a type)"));
        assert!(decoded.error.is_none());
    }

    #[test]
    fn errors_keep_the_layers_before_and_show_the_rest() {
        let mut frame = vec![0u8; 14];
        frame[12..14].copy_from_slice(&[0x08, 0x00]);
        frame.extend_from_slice(&[0x45, 0x00, 0x00]);
        let decoded = decode_frame(&frame);
        assert_eq!(decoded.layers.len(), 1);
        assert_eq!(decoded.error.as_ref().unwrap().layer(), Layer::Ipv4);
        let payload = decoded.payload.unwrap();
        assert_eq!(payload.bytes, 14..17);
        assert_eq!(payload.description, "IPv4 bytes that could not be decoded");
    }

    /// The loopback UDP "hello" packet (no Ethernet header), with its real checksum.
    fn udp_hello() -> Vec<u8> {
        parse_hex("4500 0021 9a23 4000 4011 a2a6 7f000001 7f000001 ce90 1e6c 000d d102 68656c6c6f")
            .unwrap()
    }

    /// Sets the IPv4 total length to the buffer's length and fixes the checksum.
    fn fix_ipv4(packet: &mut [u8]) {
        let len = u16::try_from(packet.len()).unwrap();
        let mut ip = Ipv4Packet::new_unchecked(packet);
        ip.set_total_len(len);
        ip.fill_checksum();
    }

    fn value<'d>(decoded: &'d Decoded, layer: usize, field: &str) -> &'d str {
        let rows = &decoded.layers[layer].rows;
        let row = rows.iter().find(|row| row.field == field).unwrap();
        &row.value
    }

    #[test]
    fn udp_rows() {
        let decoded = decode_ipv4_packet(&udp_hello());
        assert_eq!(decoded.warnings, []);
        assert_eq!(value(&decoded, 1, "checksum"), "0xd102 (good)");
        assert_eq!(value(&decoded, 1, "destination port"), "7788 (udp lesson)");
        assert_eq!(
            value(&decoded, 1, "length"),
            "13 (8-byte header + 5 bytes of data)"
        );
        assert_eq!(decoded.layers[1].rows[3].bytes, 26..28);
    }

    #[test]
    fn udp_without_checksum() {
        let mut packet = udp_hello();
        packet[26..28].copy_from_slice(&[0, 0]);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(decoded.warnings, []);
        assert_eq!(
            value(&decoded, 1, "checksum"),
            "0x0000 (none: the sender did not compute one)"
        );
    }

    #[test]
    fn bytes_after_the_udp_length_are_shown_as_padding() {
        let mut packet = udp_hello();
        packet.extend_from_slice(&[0, 0]);
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        let padding = decoded.layers[1].rows.last().unwrap();
        assert_eq!(padding.field, "padding");
        assert_eq!(padding.bytes, 33..35);
        assert_eq!(decoded.payload.unwrap().head, b"hello");
    }

    #[test]
    fn ipv4_options_and_padding_rows() {
        let mut packet =
            parse_hex("4600 0018 0000 0000 0102 0000 c0a80164 e0000016 94040000").unwrap();
        fix_ipv4(&mut packet);
        packet.extend_from_slice(&[0; 22]); // as in a 60-byte Ethernet frame
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(decoded.error, None);
        assert_eq!(value(&decoded, 0, "header length"), "24 bytes (IHL 6)");
        assert_eq!(value(&decoded, 0, "options"), "94 04 00 00 (4 bytes)");
        assert_eq!(value(&decoded, 0, "protocol"), "2 (not decoded here)");
        assert_eq!(value(&decoded, 0, "flags"), "0b000");
        assert!(value(&decoded, 0, "padding").starts_with("22 bytes after the total length"));
        assert!(decoded.payload.is_none(), "IGMP with no data");
    }

    #[test]
    fn fragments_are_not_decoded_further() {
        let mut packet = udp_hello();
        packet[6..8].copy_from_slice(&[0x20, 0x00]); // MF, offset 0
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(decoded.layers.len(), 1);
        assert_eq!(value(&decoded, 0, "flags"), "0b001 (MF: more fragments)");
        let payload = decoded.payload.unwrap();
        assert!(payload
            .description
            .starts_with("fragment of a larger packet (id 0x9a23"));
        assert_eq!(payload.bytes, 20..33);

        packet[6..8].copy_from_slice(&[0x00, 0xb9]); // last fragment, offset 185
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(
            value(&decoded, 0, "fragment offset"),
            "185 (x 8 = byte 1480)"
        );
        assert!(decoded
            .payload
            .unwrap()
            .description
            .contains("data from byte 1480"));
    }

    #[test]
    fn icmp_is_shown_as_data() {
        let mut packet = udp_hello();
        packet[9] = 1;
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(value(&decoded, 0, "protocol"), "1 (ICMP)");
        assert_eq!(
            decoded.payload.unwrap().description,
            "ICMP message (not decoded here)"
        );
    }

    #[test]
    fn bad_ipv4_checksum_is_a_warning() {
        let mut packet = udp_hello();
        packet[10..12].copy_from_slice(&[0x12, 0x34]);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(decoded.error, None);
        assert_eq!(decoded.layers.len(), 2, "decoding went on");
        assert_eq!(
            value(&decoded, 0, "header checksum"),
            "0x1234 (bad, expected 0xa2a6)"
        );
        assert_eq!(decoded.warnings[0].layer(), Layer::Ipv4);
    }

    #[test]
    fn tcp_data_segment() {
        // The PSH+ACK carrying "hi\n" from a loopback capture, checksum fixed.
        let packet = parse_hex(
            "4500 0037 4924 4000 4006 f39a 7f000001 7f000001 \
             ba1e 22b8 d8b3ac19 a60d1a34 8018 0040 01c1 0000 0101080a 9363c747 6438237c \
             68690a",
        )
        .unwrap();
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(decoded.error, None);
        assert_eq!(decoded.warnings, []);
        let tcp = &decoded.layers[1];
        assert_eq!(
            tcp.summary,
            "src port 47646  dst port 8888  [PSH, ACK]  seq 3635653657  ack 2785876532  \
             window 64  data 3"
        );
        assert_eq!(value(&decoded, 1, "flags"), "0x18 [PSH, ACK]");
        assert_eq!(value(&decoded, 1, "ack number"), "2785876532");
        assert_eq!(
            value(&decoded, 1, "options"),
            "NOP, NOP, timestamps 2472789831/1681400700 (12 bytes)"
        );
        let payload = decoded.payload.unwrap();
        assert_eq!(
            (payload.description.as_str(), &payload.head[..]),
            ("TCP data", &b"hi\n"[..])
        );
    }

    #[test]
    fn tcp_reserved_bits_are_shown() {
        let mut packet = parse_hex(
            "4500 0028 0000 4000 4006 0000 7f000001 7f000001 \
             ba1e 22b8 00000001 00000000 5f02 ffff 0000 0000",
        )
        .unwrap();
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        assert_eq!(value(&decoded, 1, "reserved bits"), "0xf (should be 0)");
        assert_eq!(
            decoded.warnings[0].layer(),
            Layer::Tcp,
            "checksum left at 0"
        );
    }

    #[test]
    fn vlan_and_ipv6_are_named() {
        let mut frame = vec![0u8; 18];
        frame[12..14].copy_from_slice(&[0x81, 0x00]);
        let decoded = decode_frame(&frame);
        assert_eq!(decoded.layers[0].rows[2].value, "0x8100 (802.1Q VLAN)");
        assert!(decoded
            .payload
            .unwrap()
            .description
            .starts_with("802.1Q VLAN tag"));

        frame[12..14].copy_from_slice(&[0x86, 0xdd]);
        let decoded = decode_frame(&frame);
        assert_eq!(
            decoded.layers[0].summary,
            "dst 00:00:00:00:00:00  src 00:00:00:00:00:00  type 0x86dd (IPv6)"
        );
    }

    #[test]
    fn arp_reply_summary() {
        let frame = parse_hex(
            "0800200a8c6d 001a2b3c4d5e 0806 0001 0800 06 04 0002 \
             001a2b3c4d5e c0a80101 0800200a8c6d c0a80164",
        )
        .unwrap();
        let decoded = decode_frame(&frame);
        assert_eq!(
            decoded.layers[1].summary,
            "reply  192.168.1.1 is at 00:1a:2b:3c:4d:5e"
        );
        assert_eq!(value(&decoded, 1, "operation"), "2 (reply)");
        assert_eq!(decoded.layers[1].rows.len(), 9, "no padding row");
    }

    #[test]
    fn multicast_destinations_are_marked() {
        let mut frame = vec![0u8; 14];
        frame[..6].copy_from_slice(&[0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
        frame[12..14].copy_from_slice(&[0x88, 0xcc]);
        let decoded = decode_frame(&frame);
        assert_eq!(
            decoded.layers[0].rows[0].value,
            "01:00:5e:00:00:fb (multicast)"
        );
    }

    #[test]
    fn long_payloads_show_64_bytes() {
        let mut packet = udp_hello();
        packet.truncate(28);
        packet.extend_from_slice(&[b'x'; 100]);
        packet[24..26].copy_from_slice(&108u16.to_be_bytes());
        fix_ipv4(&mut packet);
        let decoded = decode_ipv4_packet(&packet);
        let text = decoded.to_string();
        assert!(text.contains("Data  100 bytes at 28..128: UDP data\n"));
        assert!(text.contains("    0030  78 78"));
        assert!(!text.contains("    0040  "));
        assert!(text.ends_with("    ... 36 more bytes not shown\n"));
    }

    #[test]
    fn empty_input() {
        let decoded = decode_frame(&[]);
        assert!(decoded.layers.is_empty() && decoded.payload.is_none());
        assert_eq!(decoded.error.unwrap().layer(), Layer::Ethernet);
        assert_eq!(decode_ipv4_packet(&[]).error.unwrap().layer(), Layer::Ipv4);
    }

    #[test]
    fn hex_dump_format() {
        let decoded = Decoded {
            payload: Some(Payload {
                description: "UDP data".into(),
                bytes: 42..60,
                head: b"hello, world\n\x00\x01ABC".to_vec(),
            }),
            ..Decoded::default()
        };
        assert_eq!(
            decoded.to_string(),
            "Data  18 bytes at 42..60: UDP data\n\
             \x20   0000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 01 41  |hello, world...A|\n\
             \x20   0010  42 43                                             |BC|\n"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let decoded = decode_frame(&bytes);
            let _ = decoded.to_string();
            let decoded = decode_ipv4_packet(&bytes);
            let _ = decoded.to_string();
        }

        #[test]
        fn plausible_headers_never_panic(
            ethertype in prop::sample::select(vec![0x0800u16, 0x0806, 0x86dd, 0x8100, 0x0010]),
            version_ihl in prop::sample::select(vec![0x45u8, 0x46, 0x4f, 0x44, 0x65]),
            protocol in prop::sample::select(vec![1u8, 6, 17, 2]),
            frag in prop::sample::select(vec![0u8, 0x20, 0x40]),
            tail in proptest::collection::vec(any::<u8>(), 0..120),
        ) {
            // Random bytes rarely get past the Ethernet and IPv4 checks; these start
            // with believable headers so the inner layers get their share of garbage.
            let mut frame = vec![0u8; 12];
            frame.extend_from_slice(&ethertype.to_be_bytes());
            frame.push(version_ihl);
            frame.push(0);
            let total = u16::try_from(20 + tail.len()).unwrap();
            frame.extend_from_slice(&total.to_be_bytes());
            frame.extend_from_slice(&[0, 0, frag, 0, 64, protocol, 0, 0]);
            frame.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 1]);
            frame.extend_from_slice(&tail);
            let decoded = decode_frame(&frame);
            let _ = decoded.to_string();
            if let Some(err) = &decoded.error {
                let prefix = format!("{}: ", err.layer());
                prop_assert!(err.to_string().starts_with(&prefix));
            }
        }
    }
}
