use super::*;
use proptest::prelude::*;
use std::net::Ipv6Addr;

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("a socket address in the test table")
}

/// A server bound to every address of a machine whose one network address is
/// 192.168.1.20 (and 2001:db8::20), on port 7088.
fn on_every_address(bound: &str) -> Local {
    Local::with_machine_addresses(
        addr(bound),
        vec![
            "192.168.1.20".parse().unwrap(),
            "2001:db8::20".parse().unwrap(),
        ],
    )
}

#[test]
fn the_rule_as_a_table() {
    use Refusal::*;
    let one = Local::new(addr("127.0.0.1:7088"));
    let any4 = on_every_address("0.0.0.0:7088");
    let any6 = on_every_address("[::]:7088");
    let v6 = Local::new(addr("[::1]:7088"));
    #[rustfmt::skip] // one case per line reads as a table
    let cases: [(&Local, &str, Result<(), Refusal>); 34] = [
        // Clients, on ephemeral and registered ports: answered.
        (&one, "127.0.0.1:50001", Ok(())),
        (&one, "127.0.0.2:1024", Ok(())),
        (&one, "127.0.0.1:65535", Ok(())),
        (&one, "192.168.1.20:7089", Ok(())),
        (&any4, "192.168.1.21:40000", Ok(())),
        (&any6, "[2001:db8::21]:40000", Ok(())),
        (&v6, "[::1]:50001", Ok(())),
        // Port 0 and addresses that are not one host.
        (&one, "127.0.0.1:0", Err(PortZero)),
        (&v6, "[::1]:0", Err(PortZero)),
        (&any4, "0.0.0.0:50001", Err(NotOneHost { ip: "0.0.0.0".parse().unwrap() })),
        (&any4, "255.255.255.255:50001", Err(NotOneHost { ip: "255.255.255.255".parse().unwrap() })),
        (&any4, "224.0.0.1:50001", Err(NotOneHost { ip: "224.0.0.1".parse().unwrap() })),
        (&any6, "[ff02::1]:50001", Err(NotOneHost { ip: "ff02::1".parse().unwrap() })),
        (&any6, "[::]:50001", Err(NotOneHost { ip: "::".parse().unwrap() })),
        // Ourselves: the address bound, or any address of the machine when bound to all.
        (&one, "127.0.0.1:7088", Err(Ourselves)),
        (&v6, "[::1]:7088", Err(Ourselves)),
        (&any4, "127.0.0.1:7088", Err(Ourselves)),
        (&any4, "127.1.2.3:7088", Err(Ourselves)),
        (&any4, "192.168.1.20:7088", Err(Ourselves)),
        (&any6, "[::1]:7088", Err(Ourselves)),
        (&any6, "[::ffff:127.0.0.1]:7088", Err(Ourselves)),
        (&any6, "[::ffff:192.168.1.20]:7088", Err(Ourselves)),
        (&any6, "[2001:db8::20]:7088", Err(Ourselves)),
        // Our port elsewhere: another server like us.
        (&one, "127.0.0.2:7088", Err(OurPort { port: 7088 })),
        (&any4, "192.168.1.21:7088", Err(OurPort { port: 7088 })),
        (&v6, "[::2]:7088", Err(OurPort { port: 7088 })),
        // System ports: named when they answer anything, refused either way.
        (&one, "127.0.0.1:7", Err(AnsweringService { port: 7, name: "echo" })),
        (&one, "10.0.0.1:19", Err(AnsweringService { port: 19, name: "chargen" })),
        (&one, "10.0.0.1:53", Err(AnsweringService { port: 53, name: "dns" })),
        (&v6, "[::1]:123", Err(AnsweringService { port: 123, name: "ntp" })),
        (&any4, "192.168.1.20:161", Err(AnsweringService { port: 161, name: "snmp" })),
        (&one, "127.0.0.1:1", Err(SystemPort { port: 1 })),
        (&one, "127.0.0.1:500", Err(SystemPort { port: 500 })),
        (&one, "127.0.0.1:1023", Err(SystemPort { port: 1023 })),
    ];
    for (local, from, expected) in cases {
        assert_eq!(
            should_answer(addr(from), local),
            expected,
            "{from} to {local:?}"
        );
    }
}

#[test]
fn a_shared_port_lets_members_in_and_keeps_ourselves_out() {
    let local = Local::new(addr("127.0.0.1:2425")).sharing_port();
    assert_eq!(should_answer(addr("127.0.0.2:2425"), &local), Ok(()));
    assert_eq!(
        should_answer(addr("127.0.0.1:2425"), &local),
        Err(Refusal::Ourselves)
    );
    assert_eq!(
        should_answer(addr("127.0.0.2:7"), &local),
        Err(Refusal::AnsweringService {
            port: 7,
            name: "echo"
        })
    );
}

#[test]
fn the_log_line_reads_as_a_sentence() {
    let reason = |from: &str, local: &str| {
        should_answer(addr(from), &Local::new(addr(local)))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        reason("127.0.0.1:7", "127.0.0.1:7088"),
        "source port 7 is a service that answers (echo): answering could start a loop"
    );
    assert_eq!(
        reason("127.0.0.1:7088", "127.0.0.1:7088"),
        "the source is this socket's own address: the answer would come back to us, \
         and be answered again, for ever"
    );
    assert_eq!(
        reason("127.0.0.2:7088", "127.0.0.1:7088"),
        "source port 7088 is this server's own port, so it comes from another server \
         like this one: answering could start a loop"
    );
    assert_eq!(
        reason("127.0.0.1:0", "127.0.0.1:7088"),
        "source port 0 is no program's port: the datagram is forged"
    );
    assert!(reason("127.0.0.1:999", "127.0.0.1:7088").contains("system port (below 1024)"));
}

#[test]
fn the_machine_lookup_knows_loopback() {
    // Whatever the interfaces are, loopback is ours when bound to every address.
    let local = Local::new(addr("0.0.0.0:7088"));
    assert!(local.is_us(addr("127.0.0.1:7088")));
    assert!(!local.is_us(addr("127.0.0.1:7089")));
}

#[test]
fn answering_services_are_system_ports_in_order() {
    assert!(ANSWERING_SERVICES.windows(2).all(|w| w[0].0 < w[1].0));
    assert!(ANSWERING_SERVICES
        .iter()
        .all(|&(port, _)| port > 0 && port < FIRST_CLIENT_PORT));
}

/// Any IPv4 or IPv6 address, loopback and mapped ones included.
fn any_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n))),
        any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n))),
        any::<u32>().prop_map(|n| IpAddr::V6(Ipv4Addr::from(n).to_ipv6_mapped())),
        (0u32..1 << 24).prop_map(|n| IpAddr::V4(Ipv4Addr::from(0x7f00_0000 | n))),
        Just(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]
}

/// A bound address: one address, or every address of a machine with a few of its own.
fn any_local() -> impl Strategy<Value = Local> {
    (
        any_ip(),
        any::<bool>(),
        any::<u16>(),
        proptest::collection::vec(any_ip(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(ip, every, port, machine, shared)| {
            let ip = match (every, ip) {
                (true, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                (true, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                (false, ip) => ip,
            };
            let local = Local::with_machine_addresses(SocketAddr::new(ip, port), machine);
            if shared {
                local.sharing_port()
            } else {
                local
            }
        })
}

proptest! {
    /// Whatever is answered is never ourselves, never a system port, never port 0, and
    /// never our own port unless that port is shared.
    #[test]
    fn what_is_answered_cannot_be_the_start_of_a_loop(
        local in any_local(),
        ip in any_ip(),
        port in any::<u16>(),
    ) {
        let from = SocketAddr::new(ip, port);
        if should_answer(from, &local).is_ok() {
            prop_assert!(!local.is_us(from));
            prop_assert!(port >= FIRST_CLIENT_PORT);
            prop_assert!(local.port_shared || port != local.addr().port());
            let ip = ip.to_canonical();
            prop_assert!(!ip.is_multicast() && !ip.is_unspecified());
        }
    }

    /// A datagram from our own socket (our port, at an address that reaches us, in any
    /// of its spellings) is never answered.
    #[test]
    fn we_never_answer_ourselves(local in any_local(), pick in any::<usize>()) {
        let bound = local.addr();
        let mut ours = vec![bound.ip()];
        if bound.ip().is_unspecified() {
            ours = vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)];
            ours.extend(local.machine.iter().copied());
        }
        let ip = ours[pick % ours.len()];
        prop_assert!(should_answer(SocketAddr::new(ip, bound.port()), &local).is_err());
        if let IpAddr::V4(v4) = ip {
            let mapped = IpAddr::V6(v4.to_ipv6_mapped());
            prop_assert!(should_answer(SocketAddr::new(mapped, bound.port()), &local).is_err());
        }
    }

    /// A client (an ephemeral port, a unicast address that is not ours) is answered.
    #[test]
    fn clients_are_answered(local in any_local(), ip in any_ip(), port in 49152u16..) {
        let from = SocketAddr::new(ip, port);
        let canonical = ip.to_canonical();
        let one_host = !canonical.is_multicast()
            && !canonical.is_unspecified()
            && canonical != IpAddr::V4(Ipv4Addr::BROADCAST);
        prop_assume!(one_host && !local.is_us(from) && port != local.addr().port());
        prop_assert_eq!(should_answer(from, &local), Ok(()));
    }
}
