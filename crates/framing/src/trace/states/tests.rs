//! Tests of the table reader: lines as the kernel prints them, and anything else.

use super::*;
use proptest::prelude::*;

/// Prints an entry as the kernel does (`tcp4_seq_show`, `tcp6_seq_show`).
fn kernel_line(entry: &Entry) -> String {
    let addr = |a: SocketAddr| {
        let bytes = match a.ip() {
            IpAddr::V4(ip) => ip.octets().to_vec(),
            IpAddr::V6(ip) => ip.octets().to_vec(),
        };
        let words: String = bytes
            .chunks(4)
            .map(|c| format!("{:08X}", u32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
            .collect();
        format!("{words}:{:04X}", a.port())
    };
    format!(
        "  12: {} {} {:02X} 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0",
        addr(entry.local),
        addr(entry.remote),
        entry.state.code()
    )
}

#[test]
#[cfg(target_endian = "little")]
fn real_lines_of_both_tables() {
    let v4 = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:22B8 0100007F:C351 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n";
    let table = parse_table(v4).unwrap();
    assert_eq!(table[0].local.to_string(), "127.0.0.1:8888");
    assert_eq!(table[0].remote.to_string(), "127.0.0.1:50001");
    assert_eq!(table[0].state, TcpState::TimeWait);
    let v6 = "header\n   0: 00000000000000000000000001000000:B3AF 00000000000000000000000001000000:D634 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0\n";
    let table = parse_table(v6).unwrap();
    assert_eq!(table[0].local.to_string(), "[::1]:45999");
    assert_eq!(table[0].state, TcpState::Established);
}

#[test]
fn a_dual_stack_socket_matches_the_ipv4_addresses_of_the_capture() {
    // A server bound to `::` and an IPv4 client: /proc/net/tcp6 lists the server's side
    // as ::ffff:127.0.0.1, the capture (and /proc/net/tcp, for the client) as 127.0.0.1.
    let mapped = |port| SocketAddr::new("::ffff:127.0.0.1".parse().unwrap(), port);
    let server_side = Entry {
        local: mapped(8888),
        remote: mapped(50001),
        state: TcpState::CloseWait,
    };
    let table = vec![parse_line(&kernel_line(&server_side)).unwrap()];
    assert_eq!(table[0].local.to_string(), "127.0.0.1:8888");
    let (client, server) = (
        "127.0.0.1:50001".parse().unwrap(),
        "127.0.0.1:8888".parse().unwrap(),
    );
    assert_eq!(state_of(&table, server, client), Some(TcpState::CloseWait));
    // And the other way: an entry given as mapped matches a plain IPv4 query.
    assert_eq!(
        state_of(&[server_side], server, client),
        Some(TcpState::CloseWait)
    );
}

#[test]
fn never_seen_is_not_gone() {
    let (client, server): (SocketAddr, SocketAddr) = (
        "127.0.0.1:50001".parse().unwrap(),
        "127.0.0.1:8888".parse().unwrap(),
    );
    let client_side = Entry {
        local: client,
        remote: server,
        state: TcpState::Established,
    };
    let mut watch = StateWatch::new();
    watch.changes(&[client_side], 1, client, server);
    watch.changes(&[], 1, client, server);
    assert_eq!(watch.seen(1, Side::Client), Seen::Gone);
    assert_eq!(watch.seen(1, Side::Server), Seen::Never);
}

#[test]
fn names_are_the_kernels() {
    let names: Vec<String> = (1..=12)
        .map(|n| TcpState::from_code(n).to_string())
        .collect();
    assert_eq!(
        names,
        [
            "ESTABLISHED",
            "SYN_SENT",
            "SYN_RECV",
            "FIN_WAIT1",
            "FIN_WAIT2",
            "TIME_WAIT",
            "CLOSE",
            "CLOSE_WAIT",
            "LAST_ACK",
            "LISTEN",
            "CLOSING",
            "SYN_RECV"
        ]
    );
    assert_eq!(TcpState::from_code(99).to_string(), "state 99");
}

#[test]
fn bad_lines_say_why() {
    for (line, reason) in [
        ("", "empty"),
        (
            "0 0100007F:22B8",
            "the first column is not a slot number like `0:`",
        ),
        ("0: 0100007F:22B8", "no remote address"),
        ("0: 0100007F:22B8 0100007F:22B8 XY", "the state is not hex"),
        ("0: 0100007:22B8 0100007F:22B8 01", "bad local address"),
        ("0: 0100007F:22B8 0100007F:2 01", "bad remote address"),
    ] {
        assert_eq!(parse_line(line).unwrap_err().reason, reason, "{line:?}");
    }
}

#[test]
fn this_machines_table_reads() {
    // Every line of the real tables parses (they exist on Linux only).
    if let Ok(text) = std::fs::read_to_string("/proc/net/tcp") {
        parse_table(&text).unwrap();
    }
}

fn any_addr() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<u32>(), any::<u16>())
            .prop_map(|(ip, port)| SocketAddr::new(Ipv4Addr::from(ip).into(), port)),
        (any::<u128>(), any::<u16>())
            .prop_map(|(ip, port)| SocketAddr::new(Ipv6Addr::from(ip).into(), port)),
    ]
}

proptest! {
    #[test]
    fn kernel_lines_round_trip(local in any_addr(), remote in any_addr(), code in 1u8..=12) {
        let entry = Entry { local, remote, state: TcpState::from_code(code) };
        // An IPv4-mapped address comes back as its IPv4 address.
        let canonical = |a: SocketAddr| SocketAddr::new(a.ip().to_canonical(), a.port());
        let expected = Entry { local: canonical(local), remote: canonical(remote), ..entry };
        prop_assert_eq!(parse_line(&kernel_line(&entry)), Ok(expected));
    }

    #[test]
    fn arbitrary_lines_never_panic(line in "\\PC{0,80}") {
        let _ = parse_line(&line);
    }

    #[test]
    fn mangled_kernel_lines_never_panic(local in any_addr(), cut in 0usize..120, byte in any::<char>()) {
        let entry = Entry { local, remote: local, state: TcpState::Established };
        let mut line = kernel_line(&entry);
        if let Some((at, _)) = line.char_indices().nth(cut) {
            line.insert(at, byte);
        }
        let _ = parse_line(&line);
    }
}
