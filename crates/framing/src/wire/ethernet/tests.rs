//! Tests of Ethernet II: the golden header both ways, EtherTypes, round trips.

use super::*;
use crate::wire::tests::{check_fields, FieldRow};
use proptest::prelude::*;

/// A broadcast ARP frame's header: the course's MAC address 08:00:20:0a:8c:6d asks
/// everyone.
const GOLDEN: [u8; 14] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d, 0x08, 0x06,
];

fn golden_repr() -> Repr {
    Repr {
        dst_addr: MacAddr::BROADCAST,
        src_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
        ethertype: EtherType::Arp,
    }
}

#[test]
fn parse_golden() {
    let frame = Frame::new_checked(&GOLDEN[..]).unwrap();
    assert_eq!(frame.dst_addr(), MacAddr::BROADCAST);
    assert_eq!(frame.src_addr().to_string(), "08:00:20:0a:8c:6d");
    assert_eq!(frame.ethertype_raw(), 0x0806);
    assert!(frame.payload().is_empty());
    assert_eq!(Repr::parse(&frame), Ok(golden_repr()));
}

#[test]
fn emit_golden_over_a5() {
    let mut bytes = [0xa5u8; 14];
    golden_repr().emit(&mut Frame::new_unchecked(&mut bytes[..]));
    assert_eq!(bytes, GOLDEN);
}

#[test]
fn emit_leaves_the_payload_alone() {
    let mut bytes = [0xa5u8; 20];
    golden_repr().emit(&mut Frame::new_unchecked(&mut bytes[..]));
    assert_eq!(&bytes[..14], &GOLDEN);
    assert_eq!(&bytes[14..], &[0xa5; 6]);
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..HEADER_LEN {
        let err = Frame::new_checked(&GOLDEN[..len]).unwrap_err();
        assert_eq!(
            err,
            WireError::Truncated {
                layer: Layer::Ethernet,
                unit: "frame",
                len,
                header_len: 14
            }
        );
    }
}

#[test]
fn each_field_has_its_own_bits() {
    const MAC_BYTES: [u8; 6] = [0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d];
    const MAC: MacAddr = MacAddr::new(MAC_BYTES);
    const ARP: EtherType = EtherType::Arp;
    // (setter, first byte written, the bytes it writes there, getter check)
    #[rustfmt::skip]
    let rows: &[FieldRow<Frame<[u8; 14]>>] = &[
        (|f| f.set_dst_addr(MacAddr::BROADCAST), 0, &[0xff; 6], |f| f.dst_addr().is_broadcast()),
        (|f| f.set_src_addr(MAC), 6, &MAC_BYTES, |f| f.src_addr() == MAC),
        (|f| f.set_ethertype(ARP), 12, &[0x08, 0x06], |f| f.ethertype() == ARP),
    ];
    check_fields(Frame::new_unchecked, Frame::into_inner, rows);
}

#[test]
fn ethertype_names_and_lengths() {
    assert_eq!(EtherType::from(0x0800), EtherType::Ipv4);
    assert_eq!(EtherType::from(0x0806), EtherType::Arp);
    assert_eq!(EtherType::from(0x86dd), EtherType::Ipv6);
    assert_eq!(EtherType::from(0x8100), EtherType::Vlan);
    assert_eq!(EtherType::from(0), EtherType::Length(0));
    assert_eq!(EtherType::from(1500), EtherType::Length(1500));
    assert_eq!(EtherType::from(0x05ff), EtherType::Length(0x05ff));
    assert_eq!(EtherType::from(0x0600), EtherType::Unknown(0x0600));
    assert_eq!(EtherType::Vlan.to_string(), "802.1Q VLAN");
    assert_eq!(EtherType::Length(46).to_string(), "IEEE 802.3 length");
}

proptest! {
    #[test]
    fn ethertype_round_trips(value in any::<u16>()) {
        prop_assert_eq!(u16::from(EtherType::from(value)), value);
    }

    #[test]
    fn repr_round_trips(dst in any::<[u8; 6]>(), src in any::<[u8; 6]>(), ty in any::<u16>()) {
        let repr = Repr {
            dst_addr: MacAddr::new(dst),
            src_addr: MacAddr::new(src),
            ethertype: EtherType::from(ty),
        };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Frame::new_unchecked(&mut bytes[..]));
        prop_assert_eq!(Repr::parse(&Frame::new_checked(&bytes[..]).unwrap()), Ok(repr));
    }

    #[test]
    fn checked_frames_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(frame) = Frame::new_checked(&bytes[..]) {
            let _ = (frame.dst_addr(), frame.src_addr(), frame.ethertype(), frame.payload());
        }
    }
}
