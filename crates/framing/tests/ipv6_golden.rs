//! Golden IPv6 frames through the `packet-decode` binary.
//!
//! The SYN is real: captured with `tcpdump -i lo 'ip6 and tcp'` while a client connected
//! to a listener on `[::1]`. Its checksum field holds the pseudo-header's sum (offload),
//! and the right value, 0x762d, was computed apart from this crate (an RFC 1071 sum in
//! Python over the IPv6 pseudo-header and the segment), as was the UDP datagram's 0xcf03.

use std::process::{Command, Output};

/// TCP SYN [::1]:38280 -> [::1]:56939, as captured.
const SYN_CAPTURED: &str = "000000000000 000000000000 86dd \
    600a51a1 0028 06 40 00000000000000000000000000000001 00000000000000000000000000000001 \
    9588 de6b 93a3405d 00000000 a002 ffc4 0030 0000 \
    0204ffc4 0402 080a22736d9000000000 01 03030a";

/// UDP [::1]:52880 -> [::1]:7788 "hello", with its right checksum.
const UDP_HELLO: &str = "000000000000 000000000000 86dd \
    60000000 000d 11 40 00000000000000000000000000000001 00000000000000000000000000000001 \
    ce90 1e6c 000d cf03 68656c6c6f";

fn packet_decode(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_packet-decode"))
        .args(args)
        .output()
        .expect("packet-decode runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn cli_prints_the_ipv6_layer_of_the_captured_syn() {
    let output = packet_decode(&[SYN_CAPTURED]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    let expected_ipv6 = "\
IPv6  src ::1  dst ::1  next header 6 (TCP)  hop limit 64  payload 40
    14..15  version           6
    14..16  traffic class     0x00 (DSCP 0, ECN 0)
    15..18  flow label        0xa51a1 (676257)
    18..20  payload length    40 (after the 40-byte header)
    20..21  next header       6 (TCP)
    21..22  hop limit         64
    22..38  source            ::1
    38..54  destination       ::1
TCP  src port 38280  dst port 56939  [SYN]  seq 2476949597  window 65476  data 0
";
    assert!(out.contains(expected_ipv6), "{out}");
    assert!(out.contains("    70..72  checksum          0x0030 (bad, expected 0x762d)\n"));
    let err = text(&output.stderr);
    assert!(err.starts_with("warning: TCP: checksum 0x0030 does not match the computed 0x762d\n"));
}

#[test]
fn cli_checks_udp_over_ipv6_and_requires_its_checksum() {
    let output = packet_decode(&[UDP_HELLO]);
    assert!(output.status.success());
    let out = text(&output.stdout);
    assert!(
        out.contains("    60..62  checksum          0xcf03 (good)\n"),
        "{out}"
    );
    assert!(out.ends_with("Data  5 bytes at 62..67: UDP data\n    0000  68 65 6c 6c 6f                                    |hello|\n"));
    assert_eq!(text(&output.stderr), "");

    let zero = UDP_HELLO.replace("000d cf03", "000d 0000");
    let output = packet_decode(&[&zero]);
    assert!(
        output.status.success(),
        "a checksum is a warning, not an error"
    );
    assert!(text(&output.stdout)
        .contains("0x0000 (bad, expected 0xcf03): over IPv6 the checksum is required\n"));
    assert!(text(&output.stderr).starts_with("warning: UDP: checksum 0x0000"));
}

#[test]
fn cli_cut_ipv6_frame_is_an_ipv6_error() {
    let cut = &UDP_HELLO[..UDP_HELLO.len() - 4];
    let output = packet_decode(&[cut]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("IPv6 bytes that could not be decoded"));
    assert_eq!(
        text(&output.stderr),
        "error: IPv6: payload length field says 53 bytes but only 51 are left\n"
    );
}
