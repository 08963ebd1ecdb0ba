//! The walk inward: each layer's header becomes a [`DecodedLayer`] of rows, then its
//! type field says which layer comes next. The two IP layers are in `ip.rs`; the link
//! layers (Ethernet, ARP) and the transport layers (UDP, TCP) are here.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use super::describe::{describe_ethertype, describe_mac, describe_port, describe_tcp_options};
use super::{Decoded, DecodedLayer, Payload, Row, PAYLOAD_SHOWN};
use crate::wire::{
    ArpOperation, ArpPacket, ArpRepr, EtherType, EthernetFrame, EthernetRepr, Layer, TcpFlags,
    TcpPacket, TcpRepr, UdpPacket, UdpRepr, WireError,
};

/// The addresses of the IP packet a UDP or TCP header travels in: its checksum covers
/// them, through the pseudo-header of the IP version.
#[derive(Debug, Clone, Copy)]
pub(super) enum IpAddrs {
    /// Source and destination of an IPv4 packet.
    V4(Ipv4Addr, Ipv4Addr),
    /// Source and destination of an IPv6 packet.
    V6(Ipv6Addr, Ipv6Addr),
}

/// Walks the input inward, layer by layer, collecting what it finds.
pub(super) struct Decoder<'a> {
    pub(super) input: &'a [u8],
    pub(super) out: Decoded,
    /// Where the layer being decoded starts: if it fails, the bytes from here on are
    /// shown undecoded.
    pub(super) layer_start: usize,
}

impl<'a> Decoder<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Decoder {
            input,
            out: Decoded::default(),
            layer_start: 0,
        }
    }

    pub(super) fn finish(mut self, result: Result<(), WireError>) -> Decoded {
        if let Err(err) = result {
            let rest = self.layer_start..self.input.len();
            let description = format!("{} bytes that could not be decoded", err.layer());
            self.payload(description, rest);
            self.out.error = Some(err);
        }
        self.out
    }

    pub(super) fn push(&mut self, layer: Layer, summary: String, rows: Vec<Row>) {
        let name = match layer {
            Layer::Ethernet => "Ethernet II",
            Layer::Arp => "ARP",
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
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
    pub(super) fn payload(&mut self, description: String, range: Range<usize>) {
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

    pub(super) fn ethernet(&mut self) -> Result<(), WireError> {
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
            EtherType::Ipv6 => self.ipv6(base, payload),
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

    pub(super) fn udp(&mut self, base: usize, bytes: &[u8], ip: IpAddrs) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = UdpPacket::new_checked(bytes)?;
        let repr = UdpRepr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let checksum = match ip {
            IpAddrs::V4(..) if packet.checksum() == 0 => {
                "0x0000 (none: the sender did not compute one)".to_string()
            }
            IpAddrs::V4(src, dst) => {
                self.checksum_value(packet.checksum(), packet.check_checksum(src, dst))
            }
            IpAddrs::V6(src, dst) => {
                let value =
                    self.checksum_value(packet.checksum(), packet.check_checksum_ipv6(src, dst));
                if packet.checksum() == 0 {
                    format!("{value}: over IPv6 the checksum is required")
                } else {
                    value
                }
            }
        };
        let len = usize::from(packet.len());
        let [src_port, dst_port] = port_rows(base, repr.src_port, repr.dst_port, Layer::Udp);
        let mut rows = vec![
            src_port,
            dst_port,
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

    pub(super) fn tcp(&mut self, base: usize, bytes: &[u8], ip: IpAddrs) -> Result<(), WireError> {
        self.layer_start = base;
        let packet = TcpPacket::new_checked(bytes)?;
        let repr = TcpRepr::parse(&packet)?;
        let at = |range: Range<usize>| base + range.start..base + range.end;
        let check = match ip {
            IpAddrs::V4(src, dst) => packet.check_checksum(src, dst),
            IpAddrs::V6(src, dst) => packet.check_checksum_ipv6(src, dst),
        };
        let checksum = self.checksum_value(packet.checksum(), check);
        let header_len = packet.header_len();
        let ack = if repr.flags.contains(TcpFlags::ACK) {
            repr.ack_number.to_string()
        } else {
            format!("{} (not used: no ACK flag)", repr.ack_number)
        };
        let [src_port, dst_port] = port_rows(base, repr.src_port, repr.dst_port, Layer::Tcp);
        let mut rows = vec![
            src_port,
            dst_port,
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
            if repr.flags.contains(TcpFlags::ACK) {
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

    /// The value to show for a checksum field that holds `found`: `(good)`, or
    /// `(bad, expected ...)` with the mismatch noted as a warning.
    pub(super) fn checksum_value(&mut self, found: u16, check: Result<(), WireError>) -> String {
        let Err(err) = check else {
            return format!("{found:#06x} (good)");
        };
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

pub(super) fn row(bytes: Range<usize>, field: &'static str, value: String) -> Row {
    Row {
        bytes,
        field,
        value,
    }
}

/// The first two rows of a UDP or TCP header, which start alike: the ports.
fn port_rows(base: usize, src_port: u16, dst_port: u16, layer: Layer) -> [Row; 2] {
    [
        row(
            base..base + 2,
            "source port",
            describe_port(src_port, layer),
        ),
        row(
            base + 2..base + 4,
            "destination port",
            describe_port(dst_port, layer),
        ),
    ]
}

pub(super) fn padding_row(bytes: Range<usize>, where_: &str) -> Row {
    let len = bytes.len();
    Row {
        bytes,
        field: "padding",
        value: format!(
            "{len} bytes {where_} (Ethernet pads frames to 60 bytes; not part of the packet)"
        ),
    }
}
