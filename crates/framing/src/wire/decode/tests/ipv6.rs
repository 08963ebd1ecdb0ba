//! Tests of the IPv6 layer: a captured SYN, UDP with a right, a wrong and a missing
//! checksum, what is not decoded, and frames cut at every length.

use super::super::*;
use super::value;
use crate::wire::{Layer, TcpPacket};
use proptest::prelude::*;

/// A TCP SYN from [::1]:38280 to [::1]:56939, captured on loopback by tcpdump. Its
/// checksum field holds 0x0030, the pseudo-header's sum (0x0001 + 0x0001 + length
/// 0x0028 + next header 0x0006): the sum a network card would finish (offload).
const SYN: &str = "000000000000 000000000000 86dd \
    600a51a1 0028 06 40 00000000000000000000000000000001 00000000000000000000000000000001 \
    9588 de6b 93a3405d 00000000 a002 ffc4 0030 0000 \
    0204ffc4 0402 080a22736d9000000000 01 03030a";

/// The SYN's right checksum, computed apart from this crate (RFC 1071 sum over the
/// IPv6 pseudo-header and the segment, in Python).
const SYN_CHECKSUM: u16 = 0x762d;

/// UDP from [::1]:52880 to [::1]:7788 carrying "hello"; 0xcf03 is its checksum,
/// computed apart from this crate like the SYN's.
const UDP_HELLO: &str = "000000000000 000000000000 86dd \
    60000000 000d 11 40 00000000000000000000000000000001 00000000000000000000000000000001 \
    ce90 1e6c 000d cf03 68656c6c6f";

fn frame(hex: &str) -> Vec<u8> {
    parse_hex(hex).unwrap()
}

#[test]
fn captured_syn_rows() {
    let decoded = decode_frame(&frame(SYN));
    let names: Vec<_> = decoded.layers.iter().map(|l| l.name).collect();
    assert_eq!(names, ["Ethernet II", "IPv6", "TCP"]);
    assert!(decoded.error.is_none() && decoded.payload.is_none());
    assert_eq!(
        decoded.layers[1].summary,
        "src ::1  dst ::1  next header 6 (TCP)  hop limit 64  payload 40"
    );
    let fields: Vec<_> = decoded.layers[1].rows.iter().map(|r| r.field).collect();
    assert_eq!(
        fields,
        [
            "version",
            "traffic class",
            "flow label",
            "payload length",
            "next header",
            "hop limit",
            "source",
            "destination"
        ]
    );
    assert_eq!(value(&decoded, 1, "flow label"), "0xa51a1 (676257)");
    assert_eq!(value(&decoded, 1, "traffic class"), "0x00 (DSCP 0, ECN 0)");
    assert_eq!(decoded.layers[1].rows[6].bytes, 22..38);
    assert_eq!(decoded.layers[2].rows[0].bytes, 54..56);
    assert_eq!(
        value(&decoded, 2, "checksum"),
        "0x0030 (bad, expected 0x762d)"
    );
    assert_eq!(decoded.warnings.len(), 1);
}

#[test]
fn syn_with_its_right_checksum_is_good() {
    let mut bytes = frame(SYN);
    bytes[70..72].copy_from_slice(&SYN_CHECKSUM.to_be_bytes());
    let decoded = decode_frame(&bytes);
    assert_eq!(value(&decoded, 2, "checksum"), "0x762d (good)");
    assert!(decoded.warnings.is_empty());
    // The same segment checked against IPv4's pseudo-header is wrong: the version of
    // the pseudo-header matters.
    let tcp = TcpPacket::new_checked(&bytes[54..]).unwrap();
    let lo = std::net::Ipv4Addr::LOCALHOST;
    assert!(!tcp.verify_checksum(lo, lo));
}

#[test]
fn udp_with_a_right_checksum() {
    let decoded = decode_frame(&frame(UDP_HELLO));
    let names: Vec<_> = decoded.layers.iter().map(|l| l.name).collect();
    assert_eq!(names, ["Ethernet II", "IPv6", "UDP"]);
    assert_eq!(value(&decoded, 2, "checksum"), "0xcf03 (good)");
    assert!(decoded.warnings.is_empty() && decoded.error.is_none());
    let payload = decoded.payload.unwrap();
    assert_eq!(
        (payload.head.as_slice(), payload.bytes),
        (&b"hello"[..], 62..67)
    );
}

#[test]
fn udp_with_a_wrong_checksum() {
    let mut bytes = frame(UDP_HELLO);
    bytes[60..62].copy_from_slice(&[0xcf, 0x04]);
    let decoded = decode_frame(&bytes);
    assert_eq!(
        value(&decoded, 2, "checksum"),
        "0xcf04 (bad, expected 0xcf03)"
    );
    assert_eq!(
        decoded.warnings[0].to_string(),
        "UDP: checksum 0xcf04 does not match the computed 0xcf03"
    );
    assert!(decoded.payload.is_some(), "decoding goes on");
}

#[test]
fn udp_without_checksum_is_wrong_over_ipv6() {
    let mut bytes = frame(UDP_HELLO);
    bytes[60..62].copy_from_slice(&[0, 0]);
    let decoded = decode_frame(&bytes);
    assert_eq!(
        value(&decoded, 2, "checksum"),
        "0x0000 (bad, expected 0xcf03): over IPv6 the checksum is required"
    );
    assert_eq!(decoded.warnings.len(), 1);
}

#[test]
fn padding_after_the_payload_length() {
    let mut bytes = frame(UDP_HELLO);
    bytes.extend_from_slice(&[0; 3]);
    let decoded = decode_frame(&bytes);
    let last = decoded.layers[1].rows.last().unwrap();
    assert_eq!((last.field, last.bytes.clone()), ("padding", 67..70));
    assert_eq!(decoded.payload.unwrap().bytes, 62..67);
}

#[test]
fn a_payload_length_past_the_end_is_an_ipv6_error() {
    let mut bytes = frame(UDP_HELLO);
    bytes[18..20].copy_from_slice(&[0x00, 0x20]);
    let decoded = decode_frame(&bytes);
    assert_eq!(decoded.layers.len(), 1);
    let err = decoded.error.unwrap();
    assert_eq!(err.layer(), Layer::Ipv6);
    assert_eq!(
        err.to_string(),
        "IPv6: payload length field says 72 bytes but only 53 are left"
    );
    assert_eq!(decoded.payload.unwrap().bytes, 14..67);
}

#[test]
fn icmpv6_and_extension_headers_are_named() {
    let mut bytes = frame(UDP_HELLO);
    bytes[20] = 58;
    let decoded = decode_frame(&bytes);
    assert_eq!(value(&decoded, 1, "next header"), "58 (ICMPv6)");
    assert_eq!(
        decoded.payload.unwrap().description,
        "ICMPv6 message (not decoded here)"
    );

    bytes[20] = 0;
    let decoded = decode_frame(&bytes);
    assert_eq!(
        value(&decoded, 1, "next header"),
        "0 (hop-by-hop options header)"
    );
    let payload = decoded.payload.unwrap();
    assert_eq!(
        payload.description,
        "next header 0 (hop-by-hop options header; not decoded here: an extension header \
         or another protocol)"
    );
    assert_eq!(payload.bytes, 54..67);
}

#[test]
fn every_truncation_keeps_what_came_before() {
    for hex in [SYN, UDP_HELLO] {
        let bytes = frame(hex);
        for len in 0..bytes.len() {
            let decoded = decode_frame(&bytes[..len]);
            let _ = decoded.to_string();
            let err = decoded.error.expect("a cut frame is an error");
            let expected = match len {
                0..=13 => Layer::Ethernet,
                _ => Layer::Ipv6, // the payload length no longer fits
            };
            assert_eq!(err.layer(), expected, "cut at {len}");
            // The undecoded rest runs to the end (none is left at 0 and 14 bytes).
            let end = decoded.payload.map_or(len, |payload| payload.bytes.end);
            assert_eq!(end, len, "cut at {len}");
        }
    }
}

proptest! {
    #[test]
    fn plausible_ipv6_headers_never_panic(
        next_header in prop::sample::select(vec![6u8, 17, 58, 0, 44, 1, 200]),
        claimed in prop::option::of(0u16..200),
        tail in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        // A believable IPv6 header, so that TCP and UDP get random bytes to read; the
        // payload length is right, or anything.
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
        let len = claimed.unwrap_or(u16::try_from(tail.len()).unwrap());
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&[next_header, 64]);
        frame.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
        frame.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
        frame.extend_from_slice(&tail);
        let decoded = decode_frame(&frame);
        let _ = decoded.to_string();
        prop_assert_eq!(decoded.layers[0].layer, Layer::Ethernet);
        if usize::from(len) <= tail.len() {
            prop_assert_eq!(decoded.layers[1].layer, Layer::Ipv6);
        }
        if let Some(err) = &decoded.error {
            let prefix = format!("{}: ", err.layer());
            prop_assert!(err.to_string().starts_with(&prefix));
        }
        for layer in &decoded.layers {
            for row in &layer.rows {
                prop_assert!(row.bytes.end <= frame.len());
            }
        }
    }
}
