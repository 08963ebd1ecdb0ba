//! Golden frames through the library and through the `packet-decode` binary.
//!
//! The frames are real: the UDP datagram and the TCP SYN were captured with tcpdump on
//! the loopback interface (`python3 -c 'socket...sendto(b"hello", ("127.0.0.1", 7788))'`
//! and a `connect` to 127.0.0.1:8888), the ARP request is the course's example MAC
//! asking for its gateway. Wireshark decodes all of them the same way and computed the
//! checksums the `*_FIXED` frames carry.

use std::io::Write;
use std::net::Ipv4Addr;
use std::process::{Command, Output, Stdio};

use framing::wire::{
    decode_frame, decode_ipv4_packet, parse_hex, ArpOperation, ArpPacket, ArpRepr, EtherType,
    EthernetFrame, EthernetRepr, IpProtocol, Ipv4Packet, Ipv4Repr, Layer, TcpFlags, TcpPacket,
    TcpRepr, UdpPacket, UdpRepr,
};
use netbasics::MacAddr;

/// UDP 127.0.0.1:52880 -> 127.0.0.1:7788 "hello", as captured: the UDP checksum field
/// holds the pseudo-header sum (0xfe20) that the card was meant to finish.
const UDP_CAPTURED: &str = "000000000000 000000000000 0800 \
    4500 0021 9a23 4000 4011 a2a6 7f000001 7f000001 \
    ce90 1e6c 000d fe20 68656c6c6f";

/// The same datagram with the real UDP checksum, 0xd102.
const UDP_FIXED: &str = "000000000000 000000000000 0800 \
    4500 0021 9a23 4000 4011 a2a6 7f000001 7f000001 \
    ce90 1e6c 000d d102 68656c6c6f";

/// TCP SYN 127.0.0.1:47646 -> 127.0.0.1:8888, as captured (checksum field 0xfe30).
const SYN_CAPTURED: &str = "000000000000 000000000000 0800 \
    4500 003c 4922 4000 4006 f397 7f000001 7f000001 \
    ba1e 22b8 d8b3ac18 00000000 a002 ffd7 fe30 0000 \
    0204ffd7 0402 080a 9363c747 00000000 01 03030a";

/// The same SYN with the real TCP checksum, 0x93b0.
const SYN_FIXED: &str = "000000000000 000000000000 0800 \
    4500 003c 4922 4000 4006 f397 7f000001 7f000001 \
    ba1e 22b8 d8b3ac18 00000000 a002 ffd7 93b0 0000 \
    0204ffd7 0402 080a 9363c747 00000000 01 03030a";

/// "Who has 192.168.1.1? Tell 192.168.1.100", padded to the 60-byte minimum.
const ARP_REQUEST: &str = "ffffffffffff 0800200a8c6d 0806 \
    0001 0800 06 04 0001 0800200a8c6d c0a80164 000000000000 c0a80101 \
    000000000000000000000000000000000000";

const LO: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn bytes(hex: &str) -> Vec<u8> {
    parse_hex(hex).expect("the golden frames are valid hex")
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------------
// Building the golden frames with emit, from buffers of 0xa5

#[test]
fn emit_builds_the_udp_frame() {
    let payload = b"hello";
    let udp = UdpRepr {
        src_port: 52880,
        dst_port: 7788,
        payload,
    };
    let ip = Ipv4Repr {
        src_addr: LO,
        dst_addr: LO,
        protocol: IpProtocol::Udp,
        ttl: 64,
        ident: 0x9a23,
        dscp: 0,
        ecn: 0,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        options: &[],
        payload_len: udp.buffer_len(),
    };
    let eth = EthernetRepr {
        dst_addr: MacAddr::new([0; 6]),
        src_addr: MacAddr::new([0; 6]),
        ethertype: EtherType::Ipv4,
    };
    let mut frame = vec![0xa5u8; eth.buffer_len() + ip.buffer_len()];
    let mut eth_frame = EthernetFrame::new_unchecked(&mut frame[..]);
    eth.emit(&mut eth_frame);
    let mut ip_packet = Ipv4Packet::new_unchecked(eth_frame.payload_mut());
    ip.emit(&mut ip_packet);
    udp.emit(
        &mut UdpPacket::new_unchecked(ip_packet.payload_mut()),
        LO,
        LO,
    );
    assert_eq!(to_hex(&frame), to_hex(&bytes(UDP_FIXED)));
}

#[test]
fn emit_builds_the_syn_frame() {
    let options = &bytes(SYN_FIXED)[54..74];
    let tcp = TcpRepr {
        src_port: 47646,
        dst_port: 8888,
        seq_number: 0xd8b3_ac18,
        ack_number: 0,
        flags: TcpFlags::SYN,
        window_len: 65495,
        urgent_pointer: 0,
        options,
        payload: &[],
    };
    let ip = Ipv4Repr {
        src_addr: LO,
        dst_addr: LO,
        protocol: IpProtocol::Tcp,
        ttl: 64,
        ident: 0x4922,
        dscp: 0,
        ecn: 0,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        options: &[],
        payload_len: tcp.buffer_len(),
    };
    let eth = EthernetRepr {
        dst_addr: MacAddr::new([0; 6]),
        src_addr: MacAddr::new([0; 6]),
        ethertype: EtherType::Ipv4,
    };
    let mut frame = vec![0xa5u8; eth.buffer_len() + ip.buffer_len()];
    let mut eth_frame = EthernetFrame::new_unchecked(&mut frame[..]);
    eth.emit(&mut eth_frame);
    let mut ip_packet = Ipv4Packet::new_unchecked(eth_frame.payload_mut());
    ip.emit(&mut ip_packet);
    tcp.emit(
        &mut TcpPacket::new_unchecked(ip_packet.payload_mut()),
        LO,
        LO,
    );
    assert_eq!(to_hex(&frame), to_hex(&bytes(SYN_FIXED)));
}

#[test]
fn emit_builds_the_arp_frame() {
    let arp = ArpRepr {
        operation: ArpOperation::Request,
        sender_hardware_addr: MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]),
        sender_protocol_addr: Ipv4Addr::new(192, 168, 1, 100),
        target_hardware_addr: MacAddr::new([0; 6]),
        target_protocol_addr: Ipv4Addr::new(192, 168, 1, 1),
    };
    let eth = EthernetRepr {
        dst_addr: MacAddr::BROADCAST,
        src_addr: arp.sender_hardware_addr,
        ethertype: EtherType::Arp,
    };
    // The card pads to 60 bytes with zeros; start from 0xa5 everywhere else.
    let mut frame = vec![0xa5u8; 60];
    frame[42..].fill(0);
    let mut eth_frame = EthernetFrame::new_unchecked(&mut frame[..]);
    eth.emit(&mut eth_frame);
    arp.emit(&mut ArpPacket::new_unchecked(eth_frame.payload_mut()));
    assert_eq!(to_hex(&frame), to_hex(&bytes(ARP_REQUEST)));
}

// ---------------------------------------------------------------------------------
// Parsing them back

#[test]
fn parse_the_golden_frames() {
    let udp = bytes(UDP_FIXED);
    let frame = EthernetFrame::new_checked(&udp[..]).unwrap();
    assert_eq!(frame.ethertype(), EtherType::Ipv4);
    let ip = Ipv4Packet::new_checked(frame.payload()).unwrap();
    assert!(ip.verify_checksum());
    let datagram = UdpPacket::new_checked(ip.payload()).unwrap();
    assert!(datagram.verify_checksum(ip.src_addr(), ip.dst_addr()));
    assert_eq!(UdpRepr::parse(&datagram).unwrap().payload, b"hello");

    let syn = bytes(SYN_FIXED);
    let frame = EthernetFrame::new_checked(&syn[..]).unwrap();
    let ip = Ipv4Packet::new_checked(frame.payload()).unwrap();
    let segment = TcpPacket::new_checked(ip.payload()).unwrap();
    assert!(segment.verify_checksum(LO, LO));
    assert_eq!(segment.flags(), TcpFlags::SYN);

    let arp = bytes(ARP_REQUEST);
    let frame = EthernetFrame::new_checked(&arp[..]).unwrap();
    assert!(frame.dst_addr().is_broadcast());
    let repr = ArpRepr::parse(&ArpPacket::new_checked(frame.payload()).unwrap()).unwrap();
    assert_eq!(repr.target_protocol_addr, Ipv4Addr::new(192, 168, 1, 1));
}

#[test]
fn decoder_finds_every_layer() {
    /// What decoding one golden frame should find.
    struct Case {
        hex: &'static str,
        layers: &'static [&'static str],
        payload: Option<&'static [u8]>,
        warnings: usize,
    }
    let ip_udp: &[&str] = &["Ethernet II", "IPv4", "UDP"];
    let ip_tcp: &[&str] = &["Ethernet II", "IPv4", "TCP"];
    let cases = [
        Case {
            hex: UDP_CAPTURED,
            layers: ip_udp,
            payload: Some(b"hello"),
            warnings: 1,
        },
        Case {
            hex: UDP_FIXED,
            layers: ip_udp,
            payload: Some(b"hello"),
            warnings: 0,
        },
        Case {
            hex: SYN_CAPTURED,
            layers: ip_tcp,
            payload: None,
            warnings: 1,
        },
        Case {
            hex: SYN_FIXED,
            layers: ip_tcp,
            payload: None,
            warnings: 0,
        },
        Case {
            hex: ARP_REQUEST,
            layers: &["Ethernet II", "ARP"],
            payload: None,
            warnings: 0,
        },
    ];
    for Case {
        hex,
        layers,
        payload,
        warnings,
    } in cases
    {
        let decoded = decode_frame(&bytes(hex));
        let names: Vec<_> = decoded.layers.iter().map(|layer| layer.name).collect();
        assert_eq!(names, layers, "{hex}");
        assert_eq!(
            decoded.payload.as_ref().map(|p| &p.head[..]),
            payload,
            "{hex}"
        );
        assert_eq!(decoded.error, None, "{hex}");
        assert_eq!(decoded.warnings.len(), warnings, "{hex}");
    }
}

// ---------------------------------------------------------------------------------
// Truncation: every prefix of every golden frame

/// The layer that must report a frame cut to `len` bytes, or `None` if the cut only
/// removed padding.
fn expected_layer(frame: &[u8], len: usize) -> Option<Layer> {
    if len < 14 {
        return Some(Layer::Ethernet);
    }
    match &frame[12..14] {
        [0x08, 0x06] => (len < 14 + 28).then_some(Layer::Arp),
        [0x08, 0x00] => {
            let total = usize::from(u16::from_be_bytes([frame[16], frame[17]]));
            (len < 14 + total).then_some(Layer::Ipv4)
        }
        _ => unreachable!("golden frames are ARP or IPv4"),
    }
}

#[test]
fn every_truncation_names_the_right_layer() {
    for hex in [
        UDP_CAPTURED,
        UDP_FIXED,
        SYN_CAPTURED,
        SYN_FIXED,
        ARP_REQUEST,
    ] {
        let frame = bytes(hex);
        for len in 0..=frame.len() {
            let decoded = decode_frame(&frame[..len]);
            let layer = decoded.error.as_ref().map(|err| err.layer());
            assert_eq!(
                layer,
                expected_layer(&frame, len),
                "{hex} cut to {len} bytes"
            );
            if let Some(err) = &decoded.error {
                assert!(
                    err.to_string().starts_with(&format!("{}: ", err.layer())),
                    "{err}"
                );
            }
        }
    }
}

/// Cuts the transport layer of an IPv4 packet short *and* fixes the IPv4 total length
/// and checksum to match, so that it is the UDP/TCP layer that finds the damage.
fn cut_inside_ipv4(packet: &[u8], len: usize) -> Vec<u8> {
    let mut cut = packet[..len].to_vec();
    let mut ip = Ipv4Packet::new_unchecked(&mut cut[..]);
    ip.set_total_len(u16::try_from(len).expect("golden packets are short"));
    ip.fill_checksum();
    cut
}

#[test]
fn every_transport_truncation_names_the_transport_layer() {
    for (hex, layer) in [(UDP_FIXED, Layer::Udp), (SYN_FIXED, Layer::Tcp)] {
        let packet = &bytes(hex)[14..];
        // The UDP length field / TCP data offset cover everything after byte 20.
        for len in 20..packet.len() {
            let decoded = decode_ipv4_packet(&cut_inside_ipv4(packet, len));
            assert_eq!(decoded.layers.len(), 1, "{hex} cut to {len}");
            let err = decoded
                .error
                .unwrap_or_else(|| panic!("{hex} cut to {len}: no error"));
            assert_eq!(err.layer(), layer, "{err}");
        }
        let whole = decode_ipv4_packet(packet);
        assert_eq!(whole.error, None);
    }
}

// ---------------------------------------------------------------------------------
// The packet-decode binary

fn packet_decode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_packet-decode"))
        .args(args)
        .output()
        .expect("packet-decode runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn cli_prints_the_arp_request_exactly() {
    let output = packet_decode(&[ARP_REQUEST]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = "\
Ethernet II  dst ff:ff:ff:ff:ff:ff (broadcast)  src 08:00:20:0a:8c:6d  type 0x0806 (ARP)
    0..6    destination    ff:ff:ff:ff:ff:ff (broadcast)
    6..12   source         08:00:20:0a:8c:6d
    12..14  type           0x0806 (ARP)
ARP  request  who has 192.168.1.1? tell 192.168.1.100
    14..16  hardware type  1 (Ethernet)
    16..18  protocol type  0x0800 (IPv4)
    18..19  hardware size  6
    19..20  protocol size  4
    20..22  operation      1 (request)
    22..28  sender MAC     08:00:20:0a:8c:6d
    28..32  sender IP      192.168.1.100
    32..38  target MAC     00:00:00:00:00:00
    38..42  target IP      192.168.1.1
    42..60  padding        18 bytes after the ARP packet (Ethernet pads frames to 60 bytes; not part of the packet)
";
    assert_eq!(stdout(&output), expected);
    assert_eq!(stderr(&output), "");
}

#[test]
fn cli_decodes_the_udp_capture_and_warns_about_its_checksum() {
    let output = packet_decode(&[UDP_CAPTURED]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with(
        "Ethernet II  dst 00:00:00:00:00:00  src 00:00:00:00:00:00  type 0x0800 (IPv4)\n"
    ));
    assert!(out
        .contains("\nIPv4  src 127.0.0.1  dst 127.0.0.1  protocol 17 (UDP)  ttl 64  length 33\n"));
    assert!(out.contains("header checksum   0xa2a6 (good)\n"));
    assert!(out.contains("\nUDP  src port 52880  dst port 7788  length 13\n"));
    assert!(out.contains("checksum          0xfe20 (bad, expected 0xd102)\n"));
    assert!(out.ends_with(
        "Data  5 bytes at 42..47: UDP data\n    0000  68 65 6c 6c 6f                                    |hello|\n"
    ));
    let err = stderr(&output);
    assert!(err.starts_with("warning: UDP: checksum 0xfe20 does not match the computed 0xd102\n"));
    assert!(err.contains("checksum offload"));
}

#[test]
fn cli_accepts_separate_arguments_colons_and_stdin() {
    let expected = stdout(&packet_decode(&[SYN_FIXED]));
    assert!(expected.contains("TCP  src port 47646  dst port 8888  [SYN]  seq 3635653656"));
    assert!(expected.contains("checksum          0x93b0 (good)"));
    assert!(expected.contains(
        "options           MSS 65495, SACK permitted, timestamps 2472789831/0, NOP, window scale 10 (x1024) (20 bytes)"
    ));

    let pieces: Vec<&str> = SYN_FIXED.split_whitespace().collect();
    assert_eq!(stdout(&packet_decode(&pieces)), expected);

    let colons: String = bytes(SYN_FIXED)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    assert_eq!(stdout(&packet_decode(&[&colons])), expected);

    let mut child = Command::new(env!("CARGO_BIN_EXE_packet-decode"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("packet-decode runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    writeln!(stdin, "{SYN_FIXED}").expect("writing to packet-decode");
    drop(stdin);
    let output = child.wait_with_output().expect("packet-decode finishes");
    assert!(output.status.success());
    assert_eq!(stdout(&output), expected);
}

#[test]
fn cli_ip_mode_starts_at_ipv4() {
    let packet = &SYN_FIXED[SYN_FIXED.find("4500").unwrap()..];
    let output = packet_decode(&["--ip", packet]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.starts_with("IPv4  src 127.0.0.1  dst 127.0.0.1  protocol 6 (TCP)"));
    assert!(out.contains("\n    0..1    version "));
    assert!(!out.contains("Ethernet"));
}

#[test]
fn cli_truncated_frames_fail_naming_the_layer() {
    let udp = bytes(UDP_FIXED);
    let arp = bytes(ARP_REQUEST);
    let cases = [
        (
            to_hex(&udp[..10]),
            "error: Ethernet: frame of 10 bytes is shorter than the 14-byte header\n",
        ),
        (
            to_hex(&udp[..30]),
            "error: IPv4: packet of 16 bytes is shorter than the 20-byte header\n",
        ),
        (
            to_hex(&udp[..40]),
            "error: IPv4: total length field says 33 bytes but only 26 are left\n",
        ),
        (
            to_hex(&arp[..30]),
            "error: ARP: packet of 16 bytes is shorter than the 28-byte header\n",
        ),
    ];
    for (hex, message) in cases {
        let output = packet_decode(&[&hex]);
        assert_eq!(output.status.code(), Some(1), "{hex}");
        assert_eq!(stderr(&output), message, "{hex}");
    }
    // What was decoded before the error is still printed.
    let output = packet_decode(&[&to_hex(&udp[..40])]);
    let out = stdout(&output);
    assert!(out.starts_with("Ethernet II  "));
    assert!(out.contains("Data  26 bytes at 14..40: IPv4 bytes that could not be decoded\n"));
}

#[test]
fn cli_malformed_frames_fail_naming_the_layer_and_field() {
    let mut ihl3 = bytes(UDP_FIXED);
    ihl3[14] = 0x43;
    let mut ipv6_in_ipv4 = bytes(UDP_FIXED);
    ipv6_in_ipv4[14] = 0x65;
    let mut arp_hlen8 = bytes(ARP_REQUEST);
    arp_hlen8[18] = 8;
    let mut arp_ipv6 = bytes(ARP_REQUEST);
    arp_ipv6[16..18].copy_from_slice(&[0x86, 0xdd]);

    // UDP length 0x40 (64) in a 13-byte datagram; the IPv4 header is still right.
    let mut udp_long = bytes(UDP_FIXED);
    udp_long[38..40].copy_from_slice(&[0x00, 0x40]);

    // TCP data offset 3 (the IPv4 header checksum does not cover TCP, so it stays right).
    let mut doff3 = bytes(SYN_FIXED);
    doff3[46] = 0x30;

    let cases = [
        (ihl3, "error: IPv4: header length (IHL) 3 is below the minimum of 5\n"),
        (ipv6_in_ipv4, "error: IPv4: version 6 is not 4, so this is not an IPv4 packet\n"),
        (
            arp_hlen8,
            "error: ARP: hardware address length 8 is not 6: only ARP for Ethernet and IPv4 is decoded\n",
        ),
        (
            arp_ipv6,
            "error: ARP: protocol type 0x86dd is not 0x0800 (IPv4): only ARP for Ethernet and IPv4 is decoded\n",
        ),
        (udp_long, "error: UDP: length field says 64 bytes but only 13 are left\n"),
        (doff3, "error: TCP: data offset 3 is below the minimum of 5\n"),
    ];
    for (frame, message) in cases {
        let output = packet_decode(&[&to_hex(&frame)]);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert_eq!(stderr(&output), message);
        assert!(stdout(&output).starts_with("Ethernet II  "));
    }
}

#[test]
fn cli_rejects_bad_hex() {
    let output = packet_decode(&["ff ff zz"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "error: bad hex: 'z' at position 6 is not a hex digit: bytes are written with 0-9 and a-f\n"
    );
    assert_eq!(stdout(&output), "");

    let output = packet_decode(&["fff"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("has an odd number of hex digits (3)"));

    let output = packet_decode(&[" "]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no hex digits given"));

    let output = packet_decode(&["ff", "-"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("\"-\" (read stdin) must be the only argument"));

    // No argument at all is a usage error: clap's exit status 2.
    assert_eq!(packet_decode(&[]).status.code(), Some(2));
}

// ---------------------------------------------------------------------------------
// Checksums against an independent implementation: Python

/// A small deterministic generator, so the cases are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
}

const PYTHON_CHECKSUMS: &str = r#"
import socket, sys

def ones_complement_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total > 0xffff:
        total = (total & 0xffff) + (total >> 16)
    return total

for line in sys.stdin:
    proto, src, dst, segment = line.split()
    segment = bytearray.fromhex(segment)
    proto = int(proto)
    where = 6 if proto == 17 else 16
    segment[where:where + 2] = b"\0\0"
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + bytes([0, proto]) + len(segment).to_bytes(2, "big")
    checksum = ~ones_complement_sum(pseudo + bytes(segment)) & 0xffff
    if proto == 17 and checksum == 0:
        checksum = 0xffff
    print(checksum)
"#;

#[test]
fn udp_and_tcp_checksums_match_python() {
    let mut rng = Lcg(7788);
    let mut lines = String::new();
    let mut ours = Vec::new();
    for case in 0..200 {
        let src = Ipv4Addr::from(rng.next());
        let dst = Ipv4Addr::from(rng.next());
        let payload: Vec<u8> = (0..rng.next() % 300).map(|_| rng.next() as u8).collect();
        let (proto, segment, checksum) = if case % 2 == 0 {
            let repr = UdpRepr {
                src_port: rng.next() as u16,
                dst_port: rng.next() as u16,
                payload: &payload,
            };
            let mut segment = vec![0xa5u8; repr.buffer_len()];
            repr.emit(&mut UdpPacket::new_unchecked(&mut segment[..]), src, dst);
            let checksum = UdpPacket::new_checked(&segment[..]).unwrap().checksum();
            (17, segment, checksum)
        } else {
            let options = vec![1u8; 4 * (rng.next() % 11) as usize];
            let repr = TcpRepr {
                src_port: rng.next() as u16,
                dst_port: rng.next() as u16,
                seq_number: rng.next(),
                ack_number: rng.next(),
                flags: TcpFlags::from_bits(rng.next() as u8),
                window_len: rng.next() as u16,
                urgent_pointer: rng.next() as u16,
                options: &options,
                payload: &payload,
            };
            let mut segment = vec![0xa5u8; repr.buffer_len()];
            repr.emit(&mut TcpPacket::new_unchecked(&mut segment[..]), src, dst);
            let checksum = TcpPacket::new_checked(&segment[..]).unwrap().checksum();
            (6, segment, checksum)
        };
        lines.push_str(&format!("{proto} {src} {dst} {}\n", to_hex(&segment)));
        ours.push(checksum);
    }

    let child = Command::new("python3")
        .args(["-c", PYTHON_CHECKSUMS])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        e2e::skip("wire_golden checksums against python3", "python3");
        return;
    };
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(lines.as_bytes())
        .expect("writing to python3");
    drop(stdin);
    let output = child.wait_with_output().expect("python3 finishes");
    assert!(output.status.success());
    let theirs: Vec<u16> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.parse().unwrap())
        .collect();
    assert_eq!(ours, theirs);
}
