//! Unit tests of `arp`: golden `/proc/net/arp` texts, every way a line can be wrong, and
//! property tests that no text makes the parser panic. (The examples in the docs are tests
//! too.)

use super::*;
use proptest::prelude::*;

/// `/proc/net/arp` as it looks on a Linux laptop at home with Docker running: the
/// router, a lookup still waiting for an answer, a static entry, a container, and
/// a proxy-ARP entry.
const HOME: &str = "\
IP address       HW type     Flags       HW address            Mask     Device
192.168.1.1      0x1         0x2         a0:63:91:2b:4c:01     *        wlan0
192.168.1.23     0x1         0x0         00:00:00:00:00:00     *        wlan0
192.168.1.50     0x1         0x6         52:54:00:12:34:56     *        wlan0
172.17.0.2       0x1         0x2         02:42:ac:11:00:02     *        docker0
10.0.0.99        0x1         0xc         00:00:00:00:00:00     *        eth0
";

/// `/proc/net/arp` read on a Linux virtual machine: only its gateway.
const CAPTURED_VM: &str = "\
IP address       HW type     Flags       HW address            Mask     Device
192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
";

fn mac(text: &str) -> Option<MacAddr> {
    parse_mac(text)
}

#[test]
fn golden_proc_net_arp() {
    let table = parse_proc_net_arp(HOME).expect("the home example parses");
    let rows: Vec<(String, Option<MacAddr>, &str, &str)> = table
        .iter()
        .map(|n| (n.ip.to_string(), n.mac, n.device.as_str(), n.state.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (
                "192.168.1.1".into(),
                mac("a0:63:91:2b:4c:01"),
                "wlan0",
                "complete"
            ),
            ("192.168.1.23".into(), None, "wlan0", "incomplete"),
            (
                "192.168.1.50".into(),
                mac("52:54:00:12:34:56"),
                "wlan0",
                "permanent"
            ),
            (
                "172.17.0.2".into(),
                mac("02:42:ac:11:00:02"),
                "docker0",
                "complete"
            ),
            ("10.0.0.99".into(), None, "eth0", "permanent, published"),
        ]
    );
    assert_eq!(
        table[0].mac.map(|m| m.octets()),
        Some([0xa0, 0x63, 0x91, 0x2b, 0x4c, 0x01])
    );
}

#[test]
fn golden_captured_vm() {
    let table = parse_proc_net_arp(CAPTURED_VM).expect("captured text parses");
    assert_eq!(
        table,
        [Neighbour {
            ip: "192.0.2.1".parse().expect("address"),
            mac: Some(MacAddr::new([0x02, 0xfc, 0, 0, 0, 0x05])),
            device: "eth0".into(),
            state: "complete".into(),
        }]
    );
}

#[test]
fn empty_cache_is_just_the_header() {
    let header = HOME.lines().next().expect("header");
    assert_eq!(parse_proc_net_arp(header).expect("header only"), []);
    assert_eq!(
        parse_proc_net_arp(&format!("{header}\n\n")).expect("trailing blank line"),
        []
    );
}

#[test]
fn bad_header() {
    for text in [
        "",
        "\n192.168.1.1 0x1 0x2 a0:63:91:2b:4c:01 * eth0",
        "IP address HW type",
    ] {
        let err = parse_proc_net_arp(text).expect_err("a bad header");
        assert!(matches!(err, ArpError::BadHeader { .. }), "{text:?}: {err}");
    }
}

#[test]
fn bad_lines_name_the_line_and_the_problem() {
    let header = HOME.lines().next().expect("header");
    let cases = [
        (
            "192.168.1.1 0x1 0x2 a0:63:91:2b:4c:01 *",
            "expected 6 columns, found 5",
        ),
        (
            "192.168.1.1 0x1 0x2 a0:63:91:2b:4c:01 * eth0 extra",
            "expected 6 columns, found 7",
        ),
        (
            "192.168.1.256 0x1 0x2 a0:63:91:2b:4c:01 * eth0",
            "\"192.168.1.256\" is not an IP address",
        ),
        (
            "192.168.1.1 0x1 2 a0:63:91:2b:4c:01 * eth0",
            "the flags \"2\" are not a hexadecimal",
        ),
        (
            "192.168.1.1 0x1 0xzz a0:63:91:2b:4c:01 * eth0",
            "the flags \"0xzz\"",
        ),
    ];
    for (line, reason) in cases {
        let text = format!("{header}\n{line}\n");
        let err = parse_proc_net_arp(&text).expect_err("a bad line");
        let ArpError::BadLine { line_no, .. } = &err else {
            panic!("{line}: expected BadLine, got {err}");
        };
        assert_eq!(*line_no, 2);
        assert!(err.to_string().contains(reason), "{err}");
    }
}

#[test]
fn odd_hardware_addresses_are_not_macs() {
    assert_eq!(parse_mac("a0:63:91:2b:4c"), None);
    assert_eq!(parse_mac("a0:63:91:2b:4c:01:02"), None);
    assert_eq!(parse_mac("a0:63:91:2b:4c:1"), None);
    assert_eq!(parse_mac("a0-63-91-2b-4c-01"), None);
    assert_eq!(parse_mac("g0:63:91:2b:4c:01"), None);
    assert_eq!(parse_mac("+0:63:91:2b:4c:01"), None);
    // A tunnel with a 4-byte "hardware address" still parses as a neighbour.
    let text = "IP address HW type Flags HW address Mask Device\n\
                10.9.0.1 0x30a 0x2 0a:09:00:01 * gre1\n";
    let table = parse_proc_net_arp(text).expect("parses");
    assert_eq!(table[0].mac, None);
    assert_eq!(table[0].state, "complete");
}

#[test]
fn state_names() {
    assert_eq!(state_name(0x0), "incomplete");
    assert_eq!(state_name(0x2), "complete");
    assert_eq!(state_name(0x4), "permanent");
    assert_eq!(state_name(0x6), "permanent");
    assert_eq!(state_name(0xa), "complete, published");
}

#[cfg(target_os = "linux")]
#[test]
fn this_machines_cache_parses() {
    // The cache may be empty; it must be readable and well formed.
    neighbours().expect("/proc/net/arp parses");
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        let _ = parse_proc_net_arp(&text);
        let header = PROC_NET_ARP_COLUMNS.join("  ");
        let _ = parse_proc_net_arp(&format!("{header}\n{text}"));
    }

    #[test]
    fn written_entries_parse_back(
        ip in any::<std::net::Ipv4Addr>(),
        octets in any::<[u8; 6]>(),
        flags in 0u32..16,
        device in "[a-z][a-z0-9]{0,14}",
    ) {
        let m = MacAddr::new(octets);
        let text = format!(
            "IP address       HW type     Flags       HW address            Mask     Device\n\
             {ip:<16} 0x1         {flags:#x}         {m}     *        {device}\n"
        );
        let table = parse_proc_net_arp(&text).expect("well-formed text parses");
        prop_assert_eq!(table.len(), 1);
        prop_assert_eq!(table[0].ip, IpAddr::V4(ip));
        prop_assert_eq!(table[0].mac, (octets != [0; 6]).then_some(m));
        prop_assert_eq!(&table[0].device, &device);
        prop_assert_eq!(&table[0].state, &state_name(flags));
    }
}
