//! Tests of the decoder: hex input, each layer's rows and summary, errors and warnings, the printed report.

use super::describe::describe_tcp_options;
use super::*;
use crate::wire::Ipv4Packet;
use proptest::prelude::*;

mod ipv6;

#[test]
fn hex_accepts_separators_and_case() {
    assert_eq!(
        parse_hex("00:1A:2b 3c\t4d\n5e").unwrap(),
        [0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]
    );
    assert_eq!(parse_hex("  ab  ").unwrap(), [0xab]);
}

#[test]
fn hex_is_read_as_every_program_reads_it() {
    // The workspace's one hex reader (netbasics::text::parse_hex): the forms tcpdump,
    // Wireshark and Python print are all accepted...
    assert_eq!(parse_hex("0x45 0x00").unwrap(), [0x45, 0x00]);
    assert_eq!(parse_hex(r"\x45\x00").unwrap(), [0x45, 0x00]);
    assert_eq!(parse_hex("45-00").unwrap(), [0x45, 0x00]);
    assert_eq!(parse_hex("").unwrap(), []);
    // ... and a mistake is named with its position, counting characters from 0.
    assert_eq!(
        parse_hex("45 0g").unwrap_err().to_string(),
        "'g' at position 4 is not a hex digit: bytes are written with 0-9 and a-f"
    );
    assert!(parse_hex("abc").is_err());
}

#[test]
fn tcp_options_in_words() {
    // The options of a Linux SYN.
    let syn = [
        0x02, 0x04, 0xff, 0xd7, 0x04, 0x02, 0x08, 0x0a, 0x93, 0x63, 0xc7, 0x47, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x03, 0x03, 0x0a,
    ];
    assert_eq!(
        describe_tcp_options(&syn),
        "MSS 65495, SACK permitted, timestamps 2472789831/0, NOP, window scale 10 (x1024)"
    );
    assert_eq!(
        describe_tcp_options(&[1, 1, 0, 0]),
        "NOP, NOP, end of options"
    );
    assert_eq!(
        describe_tcp_options(&[5, 10, 0, 0, 0, 1, 0, 0, 0, 9]),
        "SACK 1-9"
    );
    assert_eq!(
        describe_tcp_options(&[30, 4, 1, 2]),
        "kind 30 (1e 04 01 02)"
    );
}

#[test]
fn malformed_tcp_options_do_not_panic() {
    assert_eq!(describe_tcp_options(&[2]), "malformed option (kind 2): 02");
    assert_eq!(
        describe_tcp_options(&[2, 1, 0, 0]),
        "malformed option (kind 2): 02 01 00 00"
    );
    assert_eq!(
        describe_tcp_options(&[2, 9, 0, 0]),
        "malformed option (kind 2): 02 09 00 00"
    );
    assert_eq!(
        describe_tcp_options(&[2, 3, 0, 1]),
        "kind 2 (02 03 00), NOP"
    );
    assert_eq!(
        describe_tcp_options(&[3, 3, 200, 1]),
        "window scale 200 (x16384), NOP"
    );
}

#[test]
fn ipv6_and_unknown_ethertypes_become_payload() {
    let mut frame = vec![0u8; 20];
    frame[12..14].copy_from_slice(&[0x88, 0xcc]); // LLDP
    let decoded = decode_frame(&frame);
    assert_eq!(decoded.layers.len(), 1);
    assert_eq!(decoded.layers[0].rows[2].value, "0x88cc");
    let payload = decoded.payload.unwrap();
    assert_eq!(
        payload.description,
        "EtherType 0x88cc payload (not decoded here)"
    );
    assert_eq!(payload.bytes, 14..20);
}

#[test]
fn ieee_802_3_length_is_reported() {
    let mut frame = vec![0u8; 60];
    frame[12..14].copy_from_slice(&[0x00, 0x2e]);
    let decoded = decode_frame(&frame);
    assert_eq!(
        decoded.layers[0].rows[2].value,
        "length 46 (IEEE 802.3 frame: a length, not a type)"
    );
    assert!(decoded.layers[0]
        .summary
        .ends_with("  length 46 (IEEE 802.3 frame: a length, not a type)"));
    assert!(decoded.error.is_none());
}

#[test]
fn errors_keep_the_layers_before_and_show_the_rest() {
    let mut frame = vec![0u8; 14];
    frame[12..14].copy_from_slice(&[0x08, 0x00]);
    frame.extend_from_slice(&[0x45, 0x00, 0x00]);
    let decoded = decode_frame(&frame);
    assert_eq!(decoded.layers.len(), 1);
    assert_eq!(decoded.error.as_ref().unwrap().layer(), Layer::Ipv4);
    let payload = decoded.payload.unwrap();
    assert_eq!(payload.bytes, 14..17);
    assert_eq!(payload.description, "IPv4 bytes that could not be decoded");
}

/// The loopback UDP "hello" packet (no Ethernet header), with its real checksum.
fn udp_hello() -> Vec<u8> {
    parse_hex("4500 0021 9a23 4000 4011 a2a6 7f000001 7f000001 ce90 1e6c 000d d102 68656c6c6f")
        .unwrap()
}

/// Sets the IPv4 total length to the buffer's length and fixes the checksum.
fn fix_ipv4(packet: &mut [u8]) {
    let len = u16::try_from(packet.len()).unwrap();
    let mut ip = Ipv4Packet::new_unchecked(packet);
    ip.set_total_len(len);
    ip.fill_checksum();
}

fn value<'d>(decoded: &'d Decoded, layer: usize, field: &str) -> &'d str {
    let rows = &decoded.layers[layer].rows;
    let row = rows.iter().find(|row| row.field == field).unwrap();
    &row.value
}

#[test]
fn udp_rows() {
    let decoded = decode_ipv4_packet(&udp_hello());
    assert_eq!(decoded.warnings, []);
    assert_eq!(value(&decoded, 1, "checksum"), "0xd102 (good)");
    assert_eq!(value(&decoded, 1, "destination port"), "7788 (udp lesson)");
    assert_eq!(
        value(&decoded, 1, "length"),
        "13 (8-byte header + 5 bytes of data)"
    );
    assert_eq!(decoded.layers[1].rows[3].bytes, 26..28);
}

#[test]
fn udp_without_checksum() {
    let mut packet = udp_hello();
    packet[26..28].copy_from_slice(&[0, 0]);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(decoded.warnings, []);
    assert_eq!(
        value(&decoded, 1, "checksum"),
        "0x0000 (none: the sender did not compute one)"
    );
}

#[test]
fn bytes_after_the_udp_length_are_shown_as_padding() {
    let mut packet = udp_hello();
    packet.extend_from_slice(&[0, 0]);
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    let padding = decoded.layers[1].rows.last().unwrap();
    assert_eq!(padding.field, "padding");
    assert_eq!(padding.bytes, 33..35);
    assert_eq!(decoded.payload.unwrap().head, b"hello");
}

#[test]
fn ipv4_options_and_padding_rows() {
    let mut packet = parse_hex("4600 0018 0000 0000 0102 0000 c0a80164 e0000016 94040000").unwrap();
    fix_ipv4(&mut packet);
    packet.extend_from_slice(&[0; 22]); // as in a 60-byte Ethernet frame
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(decoded.error, None);
    assert_eq!(value(&decoded, 0, "header length"), "24 bytes (IHL 6)");
    assert_eq!(value(&decoded, 0, "options"), "94 04 00 00 (4 bytes)");
    assert_eq!(value(&decoded, 0, "protocol"), "2 (not decoded here)");
    assert_eq!(value(&decoded, 0, "flags"), "0b000");
    assert!(value(&decoded, 0, "padding").starts_with("22 bytes after the total length"));
    assert!(decoded.payload.is_none(), "IGMP with no data");
}

#[test]
fn fragments_are_not_decoded_further() {
    let mut packet = udp_hello();
    packet[6..8].copy_from_slice(&[0x20, 0x00]); // MF, offset 0
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(decoded.layers.len(), 1);
    assert_eq!(value(&decoded, 0, "flags"), "0b001 (MF: more fragments)");
    let payload = decoded.payload.unwrap();
    assert!(payload
        .description
        .starts_with("fragment of a larger packet (id 0x9a23"));
    assert_eq!(payload.bytes, 20..33);

    packet[6..8].copy_from_slice(&[0x00, 0xb9]); // last fragment, offset 185
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(
        value(&decoded, 0, "fragment offset"),
        "185 (x 8 = byte 1480)"
    );
    assert!(decoded
        .payload
        .unwrap()
        .description
        .contains("data from byte 1480"));
}

#[test]
fn icmp_is_shown_as_data() {
    let mut packet = udp_hello();
    packet[9] = 1;
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(value(&decoded, 0, "protocol"), "1 (ICMP)");
    assert_eq!(
        decoded.payload.unwrap().description,
        "ICMP message (not decoded here)"
    );
}

#[test]
fn bad_ipv4_checksum_is_a_warning() {
    let mut packet = udp_hello();
    packet[10..12].copy_from_slice(&[0x12, 0x34]);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(decoded.error, None);
    assert_eq!(decoded.layers.len(), 2, "decoding went on");
    assert_eq!(
        value(&decoded, 0, "header checksum"),
        "0x1234 (bad, expected 0xa2a6)"
    );
    assert_eq!(decoded.warnings[0].layer(), Layer::Ipv4);
}

#[test]
fn tcp_data_segment() {
    // The PSH+ACK carrying "hi\n" from a loopback capture, checksum fixed.
    let packet = parse_hex(
        "4500 0037 4924 4000 4006 f39a 7f000001 7f000001 \
         ba1e 22b8 d8b3ac19 a60d1a34 8018 0040 01c1 0000 0101080a 9363c747 6438237c \
         68690a",
    )
    .unwrap();
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(decoded.error, None);
    assert_eq!(decoded.warnings, []);
    let tcp = &decoded.layers[1];
    assert_eq!(
        tcp.summary,
        "src port 47646  dst port 8888  [PSH, ACK]  seq 3635653657  ack 2785876532  \
         window 64  data 3"
    );
    assert_eq!(value(&decoded, 1, "flags"), "0x18 [PSH, ACK]");
    assert_eq!(value(&decoded, 1, "ack number"), "2785876532");
    assert_eq!(
        value(&decoded, 1, "options"),
        "NOP, NOP, timestamps 2472789831/1681400700 (12 bytes)"
    );
    let payload = decoded.payload.unwrap();
    assert_eq!(
        (payload.description.as_str(), &payload.head[..]),
        ("TCP data", &b"hi\n"[..])
    );
}

#[test]
fn tcp_reserved_bits_are_shown() {
    let mut packet = parse_hex(
        "4500 0028 0000 4000 4006 0000 7f000001 7f000001 \
         ba1e 22b8 00000001 00000000 5f02 ffff 0000 0000",
    )
    .unwrap();
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    assert_eq!(value(&decoded, 1, "reserved bits"), "0xf (should be 0)");
    assert_eq!(
        decoded.warnings[0].layer(),
        Layer::Tcp,
        "checksum left at 0"
    );
}

#[test]
fn vlan_and_ipv6_are_named() {
    let mut frame = vec![0u8; 18];
    frame[12..14].copy_from_slice(&[0x81, 0x00]);
    let decoded = decode_frame(&frame);
    assert_eq!(decoded.layers[0].rows[2].value, "0x8100 (802.1Q VLAN)");
    assert!(decoded
        .payload
        .unwrap()
        .description
        .starts_with("802.1Q VLAN tag"));

    frame[12..14].copy_from_slice(&[0x86, 0xdd]);
    let decoded = decode_frame(&frame);
    assert_eq!(
        decoded.layers[0].summary,
        "dst 00:00:00:00:00:00  src 00:00:00:00:00:00  type 0x86dd (IPv6)"
    );
}

#[test]
fn arp_reply_summary() {
    let frame = parse_hex(
        "0800200a8c6d 001a2b3c4d5e 0806 0001 0800 06 04 0002 \
         001a2b3c4d5e c0a80101 0800200a8c6d c0a80164",
    )
    .unwrap();
    let decoded = decode_frame(&frame);
    assert_eq!(
        decoded.layers[1].summary,
        "reply  192.168.1.1 is at 00:1a:2b:3c:4d:5e"
    );
    assert_eq!(value(&decoded, 1, "operation"), "2 (reply)");
    assert_eq!(decoded.layers[1].rows.len(), 9, "no padding row");
}

#[test]
fn multicast_destinations_are_marked() {
    let mut frame = vec![0u8; 14];
    frame[..6].copy_from_slice(&[0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
    frame[12..14].copy_from_slice(&[0x88, 0xcc]);
    let decoded = decode_frame(&frame);
    assert_eq!(
        decoded.layers[0].rows[0].value,
        "01:00:5e:00:00:fb (multicast)"
    );
}

#[test]
fn long_payloads_show_64_bytes() {
    let mut packet = udp_hello();
    packet.truncate(28);
    packet.extend_from_slice(&[b'x'; 100]);
    packet[24..26].copy_from_slice(&108u16.to_be_bytes());
    fix_ipv4(&mut packet);
    let decoded = decode_ipv4_packet(&packet);
    let text = decoded.to_string();
    assert!(text.contains("Data  100 bytes at 28..128: UDP data\n"));
    assert!(text.contains("    0030  78 78"));
    assert!(!text.contains("    0040  "));
    assert!(text.ends_with("    ... 36 more bytes not shown\n"));
}

#[test]
fn empty_input() {
    let decoded = decode_frame(&[]);
    assert!(decoded.layers.is_empty() && decoded.payload.is_none());
    assert_eq!(decoded.error.unwrap().layer(), Layer::Ethernet);
    assert_eq!(decode_ipv4_packet(&[]).error.unwrap().layer(), Layer::Ipv4);
}

#[test]
fn hex_dump_format() {
    let decoded = Decoded {
        payload: Some(Payload {
            description: "UDP data".into(),
            bytes: 42..60,
            head: b"hello, world\n\x00\x01ABC".to_vec(),
        }),
        ..Decoded::default()
    };
    assert_eq!(
        decoded.to_string(),
        "Data  18 bytes at 42..60: UDP data\n\
         \x20   0000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 01 41  |hello, world...A|\n\
         \x20   0010  42 43                                             |BC|\n"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let decoded = decode_frame(&bytes);
        let _ = decoded.to_string();
        let decoded = decode_ipv4_packet(&bytes);
        let _ = decoded.to_string();
    }

    #[test]
    fn plausible_headers_never_panic(
        ethertype in prop::sample::select(vec![0x0800u16, 0x0806, 0x86dd, 0x8100, 0x0010]),
        version_ihl in prop::sample::select(vec![0x45u8, 0x46, 0x4f, 0x44, 0x65]),
        protocol in prop::sample::select(vec![1u8, 6, 17, 2]),
        frag in prop::sample::select(vec![0u8, 0x20, 0x40]),
        tail in proptest::collection::vec(any::<u8>(), 0..120),
    ) {
        // Random bytes rarely get past the Ethernet and IPv4 checks; these start
        // with believable headers so the inner layers get their share of garbage.
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&ethertype.to_be_bytes());
        frame.push(version_ihl);
        frame.push(0);
        let total = u16::try_from(20 + tail.len()).unwrap();
        frame.extend_from_slice(&total.to_be_bytes());
        frame.extend_from_slice(&[0, 0, frag, 0, 64, protocol, 0, 0]);
        frame.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 1]);
        frame.extend_from_slice(&tail);
        let decoded = decode_frame(&frame);
        let _ = decoded.to_string();
        if let Some(err) = &decoded.error {
            let prefix = format!("{}: ", err.layer());
            prop_assert!(err.to_string().starts_with(&prefix));
        }
    }
}
