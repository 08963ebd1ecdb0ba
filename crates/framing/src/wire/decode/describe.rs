//! Field values in words: what a MAC address, an EtherType, a protocol number, a port
//! or a run of TCP options means.

use netbasics::port::{services_on, Origin};
use netbasics::MacAddr;

use crate::wire::tcp::options::{iter, TcpOption};
use crate::wire::{EtherType, IpProtocol, Layer};

pub(super) fn describe_mac(mac: MacAddr) -> String {
    if mac.is_broadcast() {
        format!("{mac} (broadcast)")
    } else if mac.is_multicast() {
        format!("{mac} (multicast)")
    } else {
        mac.to_string()
    }
}

pub(super) fn describe_ethertype(ethertype: EtherType) -> String {
    match ethertype {
        EtherType::Length(n) => format!("length {n} (IEEE 802.3 frame: a length, not a type)"),
        EtherType::Unknown(n) => format!("{n:#06x}"),
        other => format!("{:#06x} ({other})", u16::from(other)),
    }
}

pub(super) fn describe_protocol(protocol: IpProtocol) -> String {
    match protocol {
        IpProtocol::Unknown(_) => "not decoded here".to_string(),
        other => other.to_string(),
    }
}

/// An IPv6 next-header number in words: a protocol, or one of the extension headers
/// that can come between the IPv6 header and the protocol (RFC 8200, section 4).
pub(super) fn describe_next_header(number: u8) -> &'static str {
    match number {
        0 => "hop-by-hop options header",
        6 => "TCP",
        17 => "UDP",
        43 => "routing header",
        44 => "fragment header",
        50 => "ESP: encrypted payload",
        51 => "AH: authentication header",
        58 => "ICMPv6",
        59 => "no next header",
        60 => "destination options header",
        _ => "not decoded here",
    }
}

/// A port number, with the service the lessons know it for.
pub(super) fn describe_port(port: u16, layer: Layer) -> String {
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
pub(super) fn hex_bytes(bytes: &[u8]) -> String {
    let digits: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    digits.join(" ")
}

/// The TCP options in words: `MSS 1460, SACK permitted, NOP, window scale 7 (x128)`.
pub(super) fn describe_tcp_options(options: &[u8]) -> String {
    let mut parts = Vec::new();
    for option in iter(options) {
        parts.push(match option {
            TcpOption::End => "end of options".to_string(),
            TcpOption::Nop => "NOP".to_string(),
            TcpOption::Malformed { kind, rest } => {
                format!("malformed option (kind {kind}): {}", hex_bytes(rest))
            }
            TcpOption::Option { kind, data, bytes } => describe_option(kind, data, bytes),
        });
    }
    parts.join(", ")
}

/// One option of a known length in words (`bytes`: the whole option, for unknown kinds).
fn describe_option(kind: u8, data: &[u8], bytes: &[u8]) -> String {
    match (kind, data) {
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
        _ => format!("kind {kind} ({})", hex_bytes(bytes)),
    }
}
