//! Tests of the IPv6 header: a captured packet both ways, the length checks, round trips.

use super::*;
use proptest::prelude::*;

/// A TCP SYN from [::1]:54836 to [::1]:45999 as captured on loopback (by tcpdump), the
/// Ethernet header left out: 40 bytes of IPv6, then 40 bytes of TCP (20 of options).
pub(crate) const SYN_OVER_IPV6: [u8; 80] = [
    0x60, 0x04, 0x0a, 0xfe, 0x00, 0x28, 0x06, 0x40, // version 6, flow 0x40afe, 40 bytes, TCP
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xd6, 0x34, 0xb3, 0xaf, 0xeb, 0xbf, 0xe9, 0x12, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xff, 0xc4,
    0x00, 0x30, 0x00, 0x00, 0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0xa4, 0x47, 0xe3, 0x7e,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x0a,
];

fn syn_repr() -> Repr {
    Repr {
        src_addr: Ipv6Addr::LOCALHOST,
        dst_addr: Ipv6Addr::LOCALHOST,
        next_header: IpProtocol::Tcp,
        hop_limit: 64,
        traffic_class: 0,
        flow_label: 0x40afe,
        payload_len: 40,
    }
}

#[test]
fn parse_golden_syn() {
    let packet = Packet::new_checked(&SYN_OVER_IPV6[..]).unwrap();
    assert_eq!(packet.version(), 6);
    assert_eq!(packet.payload_len(), 40);
    assert_eq!(packet.payload(), &SYN_OVER_IPV6[40..]);
    assert_eq!(Repr::parse(&packet), Ok(syn_repr()));
}

#[test]
fn emit_golden_syn_over_a5() {
    let mut bytes = [0xa5u8; 80];
    syn_repr().emit(&mut Packet::new_unchecked(&mut bytes[..]));
    assert_eq!(&bytes[..40], &SYN_OVER_IPV6[..40]);
    assert_eq!(
        &bytes[40..],
        &[0xa5; 40],
        "the payload is the next layer's job"
    );
}

#[test]
fn every_field_has_its_bits() {
    let mut bytes = [0u8; 40];
    let mut packet = Packet::new_unchecked(&mut bytes[..]);
    packet.set_first_word(6, 0xb8, 0xfffff);
    assert_eq!(packet.version(), 6);
    assert_eq!(packet.traffic_class(), 0xb8);
    assert_eq!(packet.flow_label(), 0xfffff);
    packet.set_first_word(6, 0, 0x1_00001); // only 20 bits of flow label are kept
    assert_eq!(packet.flow_label(), 1);
    assert_eq!(packet.traffic_class(), 0);
    packet.set_next_header(IpProtocol::Unknown(44));
    packet.set_hop_limit(1);
    assert_eq!(packet.next_header(), IpProtocol::Unknown(44));
    assert_eq!(packet.hop_limit(), 1);
    assert_eq!(&bytes[..8], &[0x60, 0, 0, 1, 0, 0, 44, 1]);
}

#[test]
fn every_short_length_is_rejected() {
    for len in 0..SYN_OVER_IPV6.len() {
        let err = Packet::new_checked(&SYN_OVER_IPV6[..len]).unwrap_err();
        let expected = if len < 40 {
            WireError::Truncated {
                layer: Layer::Ipv6,
                unit: "packet",
                len,
                header_len: 40,
            }
        } else {
            WireError::LengthTooLong {
                layer: Layer::Ipv6,
                field: "payload length field",
                claimed: 80,
                available: len,
            }
        };
        assert_eq!(err, expected);
    }
}

#[test]
fn a_version_4_packet_is_not_ipv6() {
    let mut bytes = SYN_OVER_IPV6;
    bytes[0] = 0x45;
    assert_eq!(
        Packet::new_checked(&bytes[..]).unwrap_err().to_string(),
        "IPv6: version 4 is not 6, so this is not an IPv6 packet"
    );
}

#[test]
fn padding_after_the_payload_is_not_payload() {
    let mut bytes = SYN_OVER_IPV6.to_vec();
    bytes.extend_from_slice(&[0; 6]);
    let packet = Packet::new_checked(&bytes[..]).unwrap();
    assert_eq!(packet.payload().len(), 40);
}

proptest! {
    #[test]
    fn any_repr_round_trips(
        src in any::<u128>(),
        dst in any::<u128>(),
        next in any::<u8>(),
        hop_limit in any::<u8>(),
        traffic_class in any::<u8>(),
        flow_label in 0..=MAX_FLOW_LABEL,
        payload_len in 0usize..300,
    ) {
        let repr = Repr {
            src_addr: Ipv6Addr::from(src),
            dst_addr: Ipv6Addr::from(dst),
            next_header: IpProtocol::from(next),
            hop_limit,
            traffic_class,
            flow_label,
            payload_len,
        };
        let mut bytes = vec![0xa5u8; repr.buffer_len()];
        repr.emit(&mut Packet::new_unchecked(&mut bytes[..]));
        let packet = Packet::new_checked(&bytes[..]).unwrap();
        prop_assert_eq!(Repr::parse(&packet), Ok(repr));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        if let Ok(packet) = Packet::new_checked(&bytes[..]) {
            let repr = Repr::parse(&packet).unwrap();
            prop_assert_eq!(repr.buffer_len(), 40 + packet.payload().len());
            prop_assert!(repr.buffer_len() <= bytes.len());
        }
    }
}
