//! Tests of the IPv4 header: golden packets both ways, every length and field check, round trips.

use super::*;
use crate::wire::tests::{any_ipv4, check_fields, FieldRow};
use proptest::prelude::*;

/// The IPv4 header of the loopback UDP "hello" capture (checksum checked by
/// Wireshark), followed by the 13 bytes of UDP.
const UDP_HELLO: [u8; 33] = [
    0x45, 0x00, 0x00, 0x21, 0x9a, 0x23, 0x40, 0x00, 0x40, 0x11, 0xa2, 0xa6, 0x7f, 0x00, 0x00, 0x01,
    0x7f, 0x00, 0x00, 0x01, 0xce, 0x90, 0x1e, 0x6c, 0x00, 0x0d, 0xfe, 0x20, 0x68, 0x65, 0x6c, 0x6c,
    0x6f,
];

fn udp_hello_repr() -> Repr<'static> {
    Repr {
        src_addr: Ipv4Addr::LOCALHOST,
        dst_addr: Ipv4Addr::LOCALHOST,
        protocol: IpProtocol::Udp,
        ttl: 64,
        ident: 0x9a23,
        dscp: 0,
        ecn: 0,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        options: &[],
        payload_len: 13,
    }
}

/// A header with one option word (Router Alert, as IGMP uses), emitted by hand and
/// its checksum computed separately with Python.
const WITH_OPTIONS: [u8; 28] = [
    0x46, 0xc0, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0x41, 0xf9, 0xc0, 0xa8, 0x01, 0x64,
    0xe0, 0x00, 0x00, 0x16, 0x94, 0x04, 0x00, 0x00, 0x22, 0x00, 0xf9, 0x02,
];

#[test]
fn parse_golden_udp_hello() {
    let packet = Packet::new_checked(&UDP_HELLO[..]).unwrap();
    assert_eq!(packet.version(), 4);
    assert_eq!(packet.ihl(), 5);
    assert_eq!(packet.header_len(), 20);
    assert_eq!(packet.total_len(), 33);
    assert_eq!(packet.checksum(), 0xa2a6);
    assert!(packet.verify_checksum());
    assert_eq!(packet.check_checksum(), Ok(()));
    assert!(!packet.is_fragment());
    assert!(!packet.reserved_flag());
    assert!(packet.options().is_empty());
    assert_eq!(packet.payload(), &UDP_HELLO[20..]);
    assert_eq!(Repr::parse(&packet), Ok(udp_hello_repr()));
}

#[test]
fn emit_golden_udp_hello_over_a5() {
    let mut bytes = [0xa5u8; 33];
    udp_hello_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]));
    assert_eq!(&bytes[..20], &UDP_HELLO[..20]);
    assert_eq!(
        &bytes[20..],
        &[0xa5; 13],
        "the payload is the next layer's job"
    );
}

#[test]
fn golden_with_options_both_ways() {
    let packet = Packet::new_checked(&WITH_OPTIONS[..]).unwrap();
    assert!(packet.verify_checksum());
    let repr = Repr::parse(&packet).unwrap();
    assert_eq!(repr.options, &[0x94, 0x04, 0x00, 0x00]);
    assert_eq!(repr.dscp, 48); // CS6, "network control"
    assert_eq!(repr.ttl, 1);
    assert_eq!(repr.protocol, IpProtocol::Unknown(2)); // IGMP
    assert_eq!(repr.payload_len, 4);
    assert_eq!(repr.dst_addr, Ipv4Addr::new(224, 0, 0, 22));

    let mut bytes = [0xa5u8; 28];
    repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
    assert_eq!(&bytes[..24], &WITH_OPTIONS[..24]);
}

#[test]
fn classic_checksum_example() {
    let header = [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00,
        0x01, 0xc0, 0xa8, 0x00, 0xc7,
    ];
    let packet = Packet::new_unchecked(&header[..]);
    assert_eq!(packet.compute_checksum(), 0xb861);
    assert!(packet.verify_checksum());
}

#[test]
fn bad_checksum_is_reported_with_both_values() {
    let mut bytes = UDP_HELLO;
    bytes[8] = 63; // a router lowered the TTL but did not fix the checksum
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert!(!packet.verify_checksum());
    assert_eq!(
        packet.check_checksum(),
        Err(WireError::Checksum {
            layer: Layer::Ipv4,
            found: 0xa2a6,
            computed: 0xa3a6
        })
    );
    // The header is still readable: parse does not look at the checksum.
    assert_eq!(Repr::parse(&packet).unwrap().ttl, 63);
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..UDP_HELLO.len() {
        let err = Packet::new_checked(&UDP_HELLO[..len]).unwrap_err();
        let expected = if len < 20 {
            WireError::Truncated {
                layer: Layer::Ipv4,
                unit: "packet",
                len,
                header_len: 20,
            }
        } else {
            WireError::LengthTooLong {
                layer: Layer::Ipv4,
                field: "total length field",
                claimed: 33,
                available: len,
            }
        };
        assert_eq!(err, expected);
    }
}

#[test]
fn bad_fields_are_named() {
    let mut bytes = UDP_HELLO;
    bytes[0] = 0x65;
    assert_eq!(
        Packet::new_checked(&bytes[..]),
        Err(WireError::Ipv4Version(6))
    );

    let mut bytes = UDP_HELLO;
    bytes[0] = 0x43;
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap_err().to_string(),
        "IPv4: header length (IHL) 3 is below the minimum of 5"
    );

    let mut bytes = [0u8; 34];
    bytes[0] = 0x4f;
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap_err().to_string(),
        "IPv4: header length field says 60 bytes but only 34 are left"
    );

    let mut bytes = UDP_HELLO;
    bytes[2..4].copy_from_slice(&[0, 19]);
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap_err().to_string(),
        "IPv4: total length 19 is below the minimum of 20"
    );
}

#[test]
fn padding_after_total_length_is_not_payload() {
    let mut bytes = UDP_HELLO.to_vec();
    bytes.extend_from_slice(&[0; 13]); // padded to a 60-byte Ethernet frame
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(packet.payload(), &UDP_HELLO[20..]);
}

#[test]
fn fragments_are_recognised() {
    let mut bytes = UDP_HELLO;
    bytes[6..8].copy_from_slice(&[0x20, 0xb9]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert!(packet.more_frags());
    assert!(!packet.dont_frag());
    assert_eq!(packet.frag_offset(), 185);
    assert!(packet.is_fragment());
}

#[test]
fn each_field_has_its_own_bits() {
    const TCP: IpProtocol = IpProtocol::Tcp;
    const SRC: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 1);
    const DST: Ipv4Addr = Ipv4Addr::BROADCAST;
    // Fragment offset 185 x 8 = byte 1480: the second fragment of a 1500-byte packet.
    // (setter, first byte written, the bytes it writes there, getter check)
    #[rustfmt::skip]
    let rows: &[FieldRow<Packet<[u8; 20]>>] = &[
        (|p| p.set_version(4), 0, &[0x40], |p| p.version() == 4),
        (|p| p.set_ihl(6), 0, &[0x06], |p| p.ihl() == 6 && p.header_len() == 24),
        (|p| p.set_dscp(46), 1, &[0xb8], |p| p.dscp() == 46),
        (|p| p.set_ecn(3), 1, &[0x03], |p| p.ecn() == 3),
        (|p| p.set_total_len(1500), 2, &[0x05, 0xdc], |p| p.total_len() == 1500),
        (|p| p.set_ident(0x9a23), 4, &[0x9a, 0x23], |p| p.ident() == 0x9a23),
        (|p| p.set_reserved_flag(true), 6, &[0x80], |p| p.reserved_flag() && !p.is_fragment()),
        (|p| p.set_dont_frag(true), 6, &[0x40], |p| p.dont_frag() && !p.is_fragment()),
        (|p| p.set_more_frags(true), 6, &[0x20], |p| p.more_frags() && p.is_fragment()),
        (|p| p.set_frag_offset(185), 6, &[0, 0xb9], |p| p.frag_offset() == 185 && p.is_fragment()),
        (|p| p.set_ttl(64), 8, &[64], |p| p.ttl() == 64),
        (|p| p.set_protocol(TCP), 9, &[6], |p| p.protocol() == TCP),
        (|p| p.set_checksum(0xb861), 10, &[0xb8, 0x61], |p| p.checksum() == 0xb861),
        (|p| p.set_src_addr(SRC), 12, &[192, 168, 0, 1], |p| p.src_addr() == SRC),
        (|p| p.set_dst_addr(DST), 16, &[255; 4], |p| p.dst_addr() == DST),
    ];
    check_fields(Packet::new_unchecked, Packet::into_inner, rows);
}

#[test]
fn setters_keep_neighbouring_bits() {
    let mut packet = Packet::new_unchecked([0xffu8; 20]);
    packet.set_version(4);
    packet.set_ecn(0);
    packet.set_dont_frag(false);
    packet.set_frag_offset(0);
    let bytes = packet.into_inner();
    assert_eq!(bytes[0], 0x4f);
    assert_eq!(bytes[1], 0xfc);
    assert_eq!(&bytes[6..8], &[0xa0, 0x00]);
}

#[test]
#[should_panic(expected = "multiple of 4")]
fn emit_rejects_ragged_options() {
    let repr = Repr {
        options: &[1, 1, 1],
        ..udp_hello_repr()
    };
    let mut bytes = [0u8; 64];
    repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
}

proptest! {
    #[test]
    fn repr_round_trips(
        src in any_ipv4(), dst in any_ipv4(), proto in any::<u8>(), ttl in any::<u8>(),
        ident in any::<u16>(), dscp in 0u8..64, ecn in 0u8..4,
        dont_frag in any::<bool>(), more_frags in any::<bool>(), frag_offset in 0u16..0x2000,
        option_words in 0usize..=10, option_byte in any::<u8>(), payload_len in 0usize..100,
    ) {
        let options = vec![option_byte; option_words * 4];
        let repr = Repr {
            src_addr: src, dst_addr: dst, protocol: IpProtocol::from(proto), ttl, ident,
            dscp, ecn, dont_frag, more_frags, frag_offset, options: &options, payload_len,
        };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        prop_assert!(packet.verify_checksum());
        prop_assert_eq!(Repr::parse(&packet), Ok(repr));
    }

    #[test]
    fn checked_packets_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        // Make valid versions common, so the later checks get exercised too.
        if let Some(first) = bytes.first_mut() {
            *first = 0x40 | (*first & 0x0f);
        }
        if let Ok(packet) = Packet::new_checked(&bytes[..]) {
            let _ = Repr::parse(&packet);
            let _ = (packet.options(), packet.payload(), packet.verify_checksum());
        }
    }
}
