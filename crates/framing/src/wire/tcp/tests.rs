//! Tests of the TCP header: golden segments both ways, length checks, flags, round trips.

use super::*;
use crate::wire::tests::{any_ipv4, check_fields, FieldRow};
use proptest::prelude::*;

const LO: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// The SYN of a connection to 127.0.0.1:8888 captured on loopback, with the
/// checksum Wireshark computed for it (0x93b0) in place of the partial one.
/// Options: MSS 65495, SACK permitted, timestamps, NOP, window scale 10.
const SYN: [u8; 40] = [
    0xba, 0x1e, 0x22, 0xb8, 0xd8, 0xb3, 0xac, 0x18, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xd7,
    0x93, 0xb0, 0x00, 0x00, 0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x93, 0x63, 0xc7, 0x47,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
];

fn syn_repr() -> Repr<'static> {
    Repr {
        src_port: 47646,
        dst_port: 8888,
        seq_number: 0xd8b3_ac18,
        ack_number: 0,
        flags: TcpFlags::SYN,
        window_len: 65495,
        urgent_pointer: 0,
        options: &SYN[20..],
        payload: &[],
    }
}

#[test]
fn parse_golden_syn() {
    let packet = Packet::new_checked(&SYN[..]).unwrap();
    assert_eq!(packet.data_offset(), 10);
    assert_eq!(packet.header_len(), 40);
    assert_eq!(packet.reserved(), 0);
    assert_eq!(packet.flags().to_string(), "[SYN]");
    assert_eq!(packet.checksum(), 0x93b0);
    assert!(packet.verify_checksum(LO, LO));
    assert_eq!(Repr::parse(&packet), Ok(syn_repr()));
}

#[test]
fn emit_golden_syn_over_a5() {
    let mut bytes = [0xa5u8; 40];
    syn_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]), LO, LO);
    assert_eq!(bytes, SYN);
}

#[test]
fn data_segment_both_ways() {
    // The PSH+ACK carrying "hi\n" from the same capture (checksum by Wireshark).
    let segment = [
        0xba, 0x1e, 0x22, 0xb8, 0xd8, 0xb3, 0xac, 0x19, 0xa6, 0x0d, 0x1a, 0x34, 0x80, 0x18, 0x00,
        0x40, 0x01, 0xc1, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0x93, 0x63, 0xc7, 0x47, 0x64, 0x38,
        0x23, 0x7c, 0x68, 0x69, 0x0a,
    ];
    let packet = Packet::new_checked(&segment[..]).unwrap();
    assert!(packet.verify_checksum(LO, LO));
    let repr = Repr::parse(&packet).unwrap();
    assert_eq!(repr.flags, TcpFlags::PSH | TcpFlags::ACK);
    assert_eq!(repr.payload, b"hi\n");
    let mut bytes = [0xa5u8; 35];
    repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), LO, LO);
    assert_eq!(bytes, segment);
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..SYN.len() {
        let err = Packet::new_checked(&SYN[..len]).unwrap_err();
        let expected = if len < 20 {
            WireError::Truncated {
                layer: Layer::Tcp,
                unit: "segment",
                len,
                header_len: 20,
            }
        } else {
            WireError::LengthTooLong {
                layer: Layer::Tcp,
                field: "data offset field",
                claimed: 40,
                available: len,
            }
        };
        assert_eq!(err, expected);
    }
}

#[test]
fn small_data_offsets_are_rejected() {
    for words in 0..5u8 {
        let mut bytes = SYN;
        bytes[12] = words << 4;
        assert_eq!(
            Packet::new_checked(&bytes[..]),
            Err(WireError::BelowMinimum {
                layer: Layer::Tcp,
                field: "data offset",
                value: words.into(),
                min: 5
            })
        );
    }
}

#[test]
fn bad_checksum_names_both_values() {
    let mut bytes = SYN;
    bytes[16..18].copy_from_slice(&[0xfe, 0x30]); // as captured: the partial sum
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        packet.check_checksum(LO, LO).unwrap_err().to_string(),
        "TCP: checksum 0xfe30 does not match the computed 0x93b0"
    );
}

#[test]
fn flags_display_in_bit_order() {
    assert_eq!(
        TcpFlags::from_bits(0xff).to_string(),
        "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR]"
    );
    assert_eq!((TcpFlags::ACK | TcpFlags::RST).to_string(), "[RST, ACK]");
    let mut flags = TcpFlags::empty();
    flags |= TcpFlags::FIN;
    flags |= TcpFlags::ACK;
    assert_eq!(flags.to_string(), "[FIN, ACK]");
}

#[test]
fn flags_are_bits_of_one_byte() {
    assert_eq!((TcpFlags::RST | TcpFlags::ACK).bits(), 0x14);
    assert_eq!(TcpFlags::from_bits(0x18), TcpFlags::PSH | TcpFlags::ACK);
    assert!(TcpFlags::empty().is_empty());
    assert!(!TcpFlags::FIN.is_empty());
    let syn_ack = TcpFlags::SYN | TcpFlags::ACK;
    assert!(syn_ack.contains(TcpFlags::SYN) && syn_ack.contains(syn_ack));
    assert!(!TcpFlags::SYN.contains(syn_ack));
}

#[test]
fn each_field_has_its_own_bits() {
    const SYN_ACK: TcpFlags = TcpFlags::from_bits(0x12);
    // (setter, first byte written, the bytes it writes there, getter check)
    #[rustfmt::skip]
    let rows: &[FieldRow<Packet<[u8; 20]>>] = &[
        (|p| p.set_src_port(47646), 0, &[0xba, 0x1e], |p| p.src_port() == 47646),
        (|p| p.set_dst_port(8888), 2, &[0x22, 0xb8], |p| p.dst_port() == 8888),
        (|p| p.set_seq_number(256), 4, &[0, 0, 1, 0], |p| p.seq_number() == 256),
        (|p| p.set_ack_number(1), 8, &[0, 0, 0, 1], |p| p.ack_number() == 1),
        (|p| p.set_data_offset(10), 12, &[0xa0], |p| p.data_offset() == 10 && p.header_len() == 40),
        (|p| p.set_reserved(0xf), 12, &[0x0f], |p| p.reserved() == 0xf),
        (|p| p.set_flags(SYN_ACK), 13, &[0x12], |p| p.flags() == SYN_ACK),
        (|p| p.set_window_len(65495), 14, &[0xff, 0xd7], |p| p.window_len() == 65495),
        (|p| p.set_checksum(0x93b0), 16, &[0x93, 0xb0], |p| p.checksum() == 0x93b0),
        (|p| p.set_urgent_pointer(3), 18, &[0, 3], |p| p.urgent_pointer() == 3),
    ];
    check_fields(Packet::new_unchecked, Packet::into_inner, rows);
}

#[test]
#[should_panic(expected = "exactly buffer_len()")]
fn emit_wants_the_exact_buffer() {
    let mut bytes = [0u8; 41];
    syn_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]), LO, LO);
}

proptest! {
    #[test]
    fn repr_round_trips(
        src_port in any::<u16>(), dst_port in any::<u16>(),
        seq_number in any::<u32>(), ack_number in any::<u32>(), flags in any::<u8>(),
        window_len in any::<u16>(), urgent_pointer in any::<u16>(),
        option_words in 0usize..=10, option_byte in any::<u8>(),
        payload in proptest::collection::vec(any::<u8>(), 0..200),
        src in any_ipv4(), dst in any_ipv4(),
    ) {
        let options = vec![option_byte; option_words * 4];
        let repr = Repr {
            src_port, dst_port, seq_number, ack_number,
            flags: TcpFlags::from_bits(flags), window_len, urgent_pointer,
            options: &options, payload: &payload,
        };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]), src, dst);
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        prop_assert!(packet.verify_checksum(src, dst));
        prop_assert_eq!(Repr::parse(&packet), Ok(repr));
    }

    #[test]
    fn checked_packets_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(packet) = Packet::new_checked(&bytes[..]) {
            let _ = Repr::parse(&packet);
            let _ = packet.check_checksum(LO, LO);
        }
    }
}
