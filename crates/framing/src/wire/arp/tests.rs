//! Tests of ARP: the golden request both ways, what is not Ethernet/IPv4 ARP, round trips.

use super::*;
use crate::wire::tests::{any_ipv4, check_fields, FieldRow};
use proptest::prelude::*;

/// "Who has 192.168.1.1? Tell 192.168.1.100", from 08:00:20:0a:8c:6d.
const REQUEST: [u8; 28] = [
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d, 0xc0, 0xa8,
    0x01, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01,
];

fn request_repr() -> Repr {
    Repr {
        operation: Operation::Request,
        sender_hardware_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
        sender_protocol_addr: Ipv4Addr::new(192, 168, 1, 100),
        target_hardware_addr: MacAddr::new([0; 6]),
        target_protocol_addr: Ipv4Addr::new(192, 168, 1, 1),
    }
}

#[test]
fn parse_golden_request() {
    let packet = Packet::new_checked(&REQUEST[..]).unwrap();
    assert_eq!(packet.hardware_type(), 1);
    assert_eq!(packet.protocol_type(), 0x0800);
    assert_eq!(packet.hardware_len(), 6);
    assert_eq!(packet.protocol_len(), 4);
    assert_eq!(packet.operation(), Operation::Request);
    assert_eq!(Repr::parse(&packet), Ok(request_repr()));
}

#[test]
fn emit_golden_request_over_a5() {
    let mut bytes = [0xa5u8; 28];
    request_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]));
    assert_eq!(bytes, REQUEST);
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..PACKET_LEN {
        let err = Packet::new_checked(&REQUEST[..len]).unwrap_err();
        assert_eq!(
            err,
            WireError::Truncated {
                layer: Layer::Arp,
                unit: "packet",
                len,
                header_len: 28
            }
        );
    }
}

#[test]
fn other_address_lengths_are_rejected() {
    let mut bytes = REQUEST;
    bytes[field::HLEN] = 8;
    assert_eq!(
        Packet::new_checked(&bytes[..]),
        Err(WireError::ArpUnsupported {
            field: "hardware address length",
            found: 8,
            expected: 6
        })
    );
    let mut bytes = REQUEST;
    bytes[field::PLEN] = 16; // IPv6 addresses (IPv6 uses NDP, not ARP, anyway)
    let err = Packet::new_checked(&bytes[..]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ARP: protocol address length 16 is not 4: only ARP for Ethernet and IPv4 is decoded"
    );
}

#[test]
fn other_types_are_rejected_by_parse() {
    let mut bytes = REQUEST;
    bytes[field::PTYPE].copy_from_slice(&[0x86, 0xdd]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse(&packet),
        Err(WireError::ArpProtocolType(0x86dd))
    );

    let mut bytes = REQUEST;
    bytes[field::HTYPE].copy_from_slice(&[0x00, 0x06]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(
        Repr::parse(&packet).unwrap_err().layer(),
        Layer::Arp,
        "hardware type 6 is IEEE 802, not Ethernet"
    );
}

#[test]
fn unknown_operations_are_kept() {
    let mut bytes = REQUEST;
    bytes[field::OPER].copy_from_slice(&[0x00, 0x03]); // RARP request
    let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
    assert_eq!(repr.operation, Operation::Unknown(3));
    assert_eq!(repr.operation.to_string(), "unknown");
}

#[test]
fn each_field_has_its_own_bits() {
    const MAC_BYTES: [u8; 6] = [0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d];
    const MAC: MacAddr = MacAddr::new(MAC_BYTES);
    const IP_BYTES: [u8; 4] = [192, 168, 1, 100];
    const IP: Ipv4Addr = Ipv4Addr::new(192, 168, 1, 100);
    const REPLY: Operation = Operation::Reply;
    // (setter, first byte written, the bytes it writes there, getter check)
    #[rustfmt::skip]
    let rows: &[FieldRow<Packet<[u8; 28]>>] = &[
        (|p| p.set_hardware_type(1),          0,  &[0, 1],    |p| p.hardware_type() == 1),
        (|p| p.set_protocol_type(0x0800),     2,  &[8, 0],    |p| p.protocol_type() == 0x0800),
        (|p| p.set_hardware_len(6),           4,  &[6],       |p| p.hardware_len() == 6),
        (|p| p.set_protocol_len(4),           5,  &[4],       |p| p.protocol_len() == 4),
        (|p| p.set_operation(REPLY),          6,  &[0, 2],    |p| p.operation() == REPLY),
        (|p| p.set_sender_hardware_addr(MAC), 8,  &MAC_BYTES, |p| p.sender_hardware_addr() == MAC),
        (|p| p.set_sender_protocol_addr(IP),  14, &IP_BYTES,  |p| p.sender_protocol_addr() == IP),
        (|p| p.set_target_hardware_addr(MAC), 18, &MAC_BYTES, |p| p.target_hardware_addr() == MAC),
        (|p| p.set_target_protocol_addr(IP),  24, &IP_BYTES,  |p| p.target_protocol_addr() == IP),
    ];
    check_fields(Packet::new_unchecked, Packet::into_inner, rows);
}

#[test]
fn padding_after_the_packet_is_ignored() {
    let mut bytes = REQUEST.to_vec();
    bytes.extend_from_slice(&[0; 18]);
    let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
    assert_eq!(repr, request_repr());
}

fn any_mac() -> impl Strategy<Value = MacAddr> {
    any::<[u8; 6]>().prop_map(MacAddr::new)
}

proptest! {
    #[test]
    fn repr_round_trips(
        oper in any::<u16>(),
        sha in any_mac(), spa in any_ipv4(), tha in any_mac(), tpa in any_ipv4(),
    ) {
        let repr = Repr {
            operation: Operation::from(oper),
            sender_hardware_addr: sha,
            sender_protocol_addr: spa,
            target_hardware_addr: tha,
            target_protocol_addr: tpa,
        };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
        prop_assert_eq!(Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()), Ok(repr));
    }

    #[test]
    fn checked_packets_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(packet) = Packet::new_checked(&bytes[..]) {
            let _ = Repr::parse(&packet);
            let _ = (packet.sender_hardware_addr(), packet.target_protocol_addr());
        }
    }
}
