//! Tests of the UDP header: the golden datagram both ways, its checksum rules, length checks, round trips.

use super::*;
use crate::wire::tests::{any_ipv4, check_fields, FieldRow};
use proptest::prelude::*;

const LO: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// 127.0.0.1:52880 -> 127.0.0.1:7788, "hello", with the checksum Wireshark
/// computed for it (0xd102).
const HELLO: [u8; 13] = [
    0xce, 0x90, 0x1e, 0x6c, 0x00, 0x0d, 0xd1, 0x02, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
];

fn hello_repr() -> Repr<'static> {
    Repr {
        src_port: 52880,
        dst_port: 7788,
        payload: b"hello",
    }
}

#[test]
fn parse_golden() {
    let packet = Packet::new_checked(&HELLO[..]).unwrap();
    assert_eq!(packet.src_port(), 52880);
    assert_eq!(packet.dst_port(), 7788);
    assert_eq!(packet.len(), 13);
    assert_eq!(packet.checksum(), 0xd102);
    assert!(packet.verify_checksum(LO, LO));
    assert_eq!(Repr::parse(&packet), Ok(hello_repr()));
}

#[test]
fn emit_golden_over_a5() {
    let mut bytes = [0xa5u8; 13];
    hello_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]), LO, LO);
    assert_eq!(bytes, HELLO);
}

#[test]
fn the_pseudo_header_matters() {
    let packet = Packet::new_checked(&HELLO[..]).unwrap();
    let other = Ipv4Addr::new(127, 0, 0, 2);
    assert!(!packet.verify_checksum(LO, other));
    assert!(!packet.verify_checksum(other, LO));
}

#[test]
fn loopback_capture_has_the_partial_checksum() {
    // Linux leaves the pseudo-header sum in the field for the card to finish.
    let mut bytes = HELLO;
    bytes[6..8].copy_from_slice(&[0xfe, 0x20]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        packet.check_checksum(LO, LO),
        Err(WireError::Checksum {
            layer: Layer::Udp,
            found: 0xfe20,
            computed: 0xd102
        })
    );
    assert_eq!(ipv4_pseudo_header(LO, LO, 17, 13).sum(), 0xfe20);
}

#[test]
fn zero_checksum_means_none() {
    let mut bytes = HELLO;
    bytes[6..8].copy_from_slice(&[0, 0]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert!(packet.verify_checksum(LO, LO));
    assert_eq!(packet.check_checksum(LO, LO), Ok(()));
}

#[test]
fn computed_zero_is_sent_as_ffff() {
    // Choose two data bytes that make the one's complement sum 0xffff, so the
    // complement is 0: the header sums (with the pseudo-header) to some s, and the
    // data word must be 0xffff - s.
    let mut bytes = [0x00, 0x01, 0x00, 0x02, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00];
    let mut sum = ipv4_pseudo_header(LO, LO, 17, 10);
    sum.add(&bytes);
    bytes[8..10].copy_from_slice(&(0xffff - sum.sum()).to_be_bytes());
    let mut packet = Packet::new_checked(&mut bytes[..]).unwrap();
    packet.fill_checksum(LO, LO);
    assert_eq!(packet.checksum(), 0xffff);
    assert!(packet.verify_checksum(LO, LO));
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..HELLO.len() {
        let err = Packet::new_checked(&HELLO[..len]).unwrap_err();
        let expected = if len < 8 {
            WireError::Truncated {
                layer: Layer::Udp,
                unit: "datagram",
                len,
                header_len: 8,
            }
        } else {
            WireError::LengthTooLong {
                layer: Layer::Udp,
                field: "length field",
                claimed: 13,
                available: len,
            }
        };
        assert_eq!(err, expected);
    }
}

#[test]
fn length_below_header_is_rejected() {
    let mut bytes = HELLO;
    bytes[4..6].copy_from_slice(&[0, 7]);
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap_err().to_string(),
        "UDP: length 7 is below the minimum of 8"
    );
}

#[test]
fn each_field_has_its_own_bits() {
    // (setter, first byte written, the bytes it writes there, getter check)
    #[rustfmt::skip]
    let rows: &[FieldRow<Packet<[u8; 8]>>] = &[
        (|p| p.set_src_port(52880),  0, &[0xce, 0x90], |p| p.src_port() == 52880),
        (|p| p.set_dst_port(7788),   2, &[0x1e, 0x6c], |p| p.dst_port() == 7788),
        (|p| p.set_len(13),          4, &[0, 13],      |p| p.len() == 13),
        (|p| p.set_checksum(0xd102), 6, &[0xd1, 0x02], |p| p.checksum() == 0xd102),
    ];
    check_fields(Packet::new_unchecked, Packet::into_inner, rows);
}

#[test]
fn bytes_after_the_length_are_not_data() {
    let mut bytes = HELLO.to_vec();
    bytes.extend_from_slice(b"xyz");
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(packet.payload(), b"hello");
    assert!(packet.verify_checksum(LO, LO));
}

proptest! {
    #[test]
    fn repr_round_trips(
        src_port in any::<u16>(), dst_port in any::<u16>(),
        payload in proptest::collection::vec(any::<u8>(), 0..200),
        src in any_ipv4(), dst in any_ipv4(),
    ) {
        let repr = Repr { src_port, dst_port, payload: &payload };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), src, dst);
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        prop_assert!(packet.checksum() != 0, "a computed checksum is never sent as 0");
        prop_assert!(packet.verify_checksum(src, dst));
        prop_assert_eq!(Repr::parse(&packet), Ok(repr));
    }

    #[test]
    fn checked_packets_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(packet) = Packet::new_checked(&bytes[..]) {
            let _ = Repr::parse(&packet);
            let _ = packet.check_checksum(LO, LO);
        }
    }
}
