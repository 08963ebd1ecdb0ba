//! Pings the loopback addresses for real, as `netbasics ping -c 1 127.0.0.1` does.
//!
//! Where the machine allows no ICMP socket at all (some CI sandboxes), the test checks
//! instead that the error is `NotPermitted` and that its message explains the way out.
//! Nothing here leaves the machine: only 127.0.0.1 and ::1 are pinged.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use netbasics::ping::{PingError, PingStats, Pinger, SocketKind};

/// Loopback answers in microseconds; this only bounds a broken test.
const TIMEOUT: Duration = Duration::from_secs(5);

fn assert_helpful_not_permitted(err: &PingError) {
    let message = err.to_string();
    assert!(
        message.starts_with("not permitted to open an ICMP socket"),
        "{message}"
    );
    #[cfg(target_os = "linux")]
    {
        assert!(message.contains("net.ipv4.ping_group_range"), "{message}");
        assert!(message.contains("setcap cap_net_raw+ep"), "{message}");
    }
}

#[test]
fn ping_127_0_0_1_once() {
    let target = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut pinger = match Pinger::open(target) {
        Ok(pinger) => pinger,
        Err(err @ PingError::NotPermitted) => {
            assert_helpful_not_permitted(&err);
            e2e::skip_because("ping_loopback", "ICMP sockets are not permitted here");
            return;
        }
        Err(err) => panic!("opening an ICMP socket for 127.0.0.1: {err:?}"),
    };
    assert!(matches!(
        pinger.kind(),
        SocketKind::Datagram | SocketKind::Raw
    ));

    let mut stats = PingStats::new();
    stats.record_sent();
    let reply = pinger.ping(1, 56, TIMEOUT).expect("127.0.0.1 answers");
    stats.record_reply(reply.rtt);

    assert_eq!(reply.from, target);
    assert_eq!(reply.seq, 1);
    assert_eq!(reply.bytes, 64, "8 bytes of ICMP header + 56 of data");
    if pinger.kind() == SocketKind::Raw {
        assert!(reply.ttl.is_some(), "a raw IPv4 socket sees the TTL");
    }
    assert_eq!((stats.transmitted(), stats.received()), (1, 1));
    assert_eq!(stats.loss_percent(), 0.0);
    assert_eq!(stats.rtt().map(|r| r.min), Some(reply.rtt));
}

#[test]
fn ping_ipv6_loopback_once() {
    let target = IpAddr::V6(Ipv6Addr::LOCALHOST);
    let mut pinger = match Pinger::open(target) {
        Ok(pinger) => pinger,
        Err(err @ PingError::NotPermitted) => {
            assert_helpful_not_permitted(&err);
            e2e::skip_because("ping_loopback", "ICMP sockets are not permitted here");
            return;
        }
        // A machine with IPv6 switched off has no ::1.
        Err(PingError::Io { source, .. })
            if matches!(
                source.kind(),
                io::ErrorKind::AddrNotAvailable | io::ErrorKind::Unsupported
            ) =>
        {
            e2e::skip_because(
                "ping_loopback ::1",
                &format!("no IPv6 loopback here ({source})"),
            );
            return;
        }
        Err(err) => panic!("opening an ICMPv6 socket for ::1: {err:?}"),
    };
    let reply = pinger.ping(1, 56, TIMEOUT).expect("::1 answers");
    assert_eq!(reply.from, target);
    assert_eq!((reply.seq, reply.bytes), (1, 64));
}

#[test]
fn datagram_socket_works_or_explains_itself() {
    match Pinger::open_kind(IpAddr::V4(Ipv4Addr::LOCALHOST), SocketKind::Datagram) {
        Ok(mut pinger) => {
            assert_eq!(pinger.kind(), SocketKind::Datagram);
            let reply = pinger.ping(3, 8, TIMEOUT).expect("127.0.0.1 answers");
            assert_eq!((reply.seq, reply.bytes), (3, 16));
        }
        Err(err @ PingError::NotPermitted) => {
            assert_helpful_not_permitted(&err);
            e2e::skip_because(
                "ping_loopback datagram socket",
                "unprivileged ICMP sockets are not permitted (net.ipv4.ping_group_range)",
            );
        }
        // Systems without ICMP datagram sockets (Windows) say "not supported".
        Err(PingError::Io { source, .. }) if !cfg!(target_os = "linux") => {
            e2e::skip_because(
                "ping_loopback datagram socket",
                &format!("no ICMP datagram sockets here ({source})"),
            );
        }
        Err(err) => panic!("opening an ICMP datagram socket: {err:?}"),
    }
}
