//! The network layer: an IPv4 or IPv6 header becomes rows, then its protocol (IPv4) or
//! next header (IPv6) field says whether UDP or TCP follows.
//!
//! The two headers carry the same information in different shapes: IPv4's has a
//! length for itself and one for the packet, options, fragmentation fields and a
//! checksum; IPv6's is always 40 bytes and has none of them. What follows them is
//! decoded by the same `udp` and `tcp` functions, told which addresses the packet
//! had ([`IpAddrs`]): the transport checksum covers them.

use std::ops::Range;

use super::describe::{describe_next_header, describe_protocol, hex_bytes};
use super::layers::{padding_row, row, Decoder, IpAddrs};
use crate::wire::{IpProtocol, Ipv4Packet, Ipv4Repr, Ipv6Packet, Ipv6Repr, Layer, WireError};

/// ICMPv6's next-header number (RFC 4443): ping and neighbour discovery over IPv6.
const ICMPV6: u8 = 58;

impl Decoder<'_> {
    pub(super) fn ipv4(&mut self, base: usize, bytes: &[u8]) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = Ipv4Packet::new_checked(bytes)?;
        let repr = Ipv4Repr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let header_len = packet.header_len();
        let total_len = usize::from(packet.total_len());

        let checksum = self.checksum_value(packet.checksum(), packet.check_checksum());
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
            IpProtocol::Udp => self.udp(start, payload, IpAddrs::V4(repr.src_addr, repr.dst_addr)),
            IpProtocol::Tcp => self.tcp(start, payload, IpAddrs::V4(repr.src_addr, repr.dst_addr)),
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

    pub(super) fn ipv6(&mut self, base: usize, bytes: &[u8]) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = Ipv6Packet::new_checked(bytes)?;
        let repr = Ipv6Repr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let header_len = repr.header_len();
        let end = repr.buffer_len();
        let next_header = u8::from(repr.next_header);
        let traffic_class = repr.traffic_class;
        let mut rows = vec![
            row(at(0..1), "version", packet.version().to_string()),
            row(
                at(0..2),
                "traffic class",
                format!(
                    "{traffic_class:#04x} (DSCP {}, ECN {})",
                    traffic_class >> 2,
                    traffic_class & 0b11
                ),
            ),
            row(
                at(1..4),
                "flow label",
                format!("{:#07x} ({})", repr.flow_label, repr.flow_label),
            ),
            row(
                at(4..6),
                "payload length",
                format!("{} (after the {header_len}-byte header)", repr.payload_len),
            ),
            row(
                at(6..7),
                "next header",
                format!("{next_header} ({})", describe_next_header(next_header)),
            ),
            row(at(7..8), "hop limit", repr.hop_limit.to_string()),
            row(at(8..24), "source", repr.src_addr.to_string()),
            row(at(24..40), "destination", repr.dst_addr.to_string()),
        ];
        if bytes.len() > end {
            rows.push(padding_row(
                at(end..bytes.len()),
                "after the payload length",
            ));
        }
        let summary = format!(
            "src {}  dst {}  next header {} ({})  hop limit {}  payload {}",
            repr.src_addr,
            repr.dst_addr,
            next_header,
            describe_next_header(next_header),
            repr.hop_limit,
            repr.payload_len
        );
        self.push(Layer::Ipv6, summary, rows);

        let payload = packet.payload();
        let start = base + header_len;
        let range = start..start + payload.len();
        let addrs = IpAddrs::V6(repr.src_addr, repr.dst_addr);
        match repr.next_header {
            IpProtocol::Udp => self.udp(start, payload, addrs),
            IpProtocol::Tcp => self.tcp(start, payload, addrs),
            IpProtocol::Unknown(ICMPV6) => {
                self.payload("ICMPv6 message (not decoded here)".into(), range);
                Ok(())
            }
            _ => {
                let description = format!(
                    "next header {next_header} ({}; not decoded here: an extension header \
                     or another protocol)",
                    describe_next_header(next_header)
                );
                self.payload(description, range);
                Ok(())
            }
        }
    }
}
