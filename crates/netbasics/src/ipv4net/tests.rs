//! Unit tests of `ipv4net`: the figures of each prefix length, parsing and its errors,
//! subnets, supernets and summarising. (The examples in the docs are tests too.)

use super::*;

fn net(s: &str) -> Ipv4Net {
    s.parse().expect("test networks are valid")
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("test addresses are valid")
}

fn nets(list: &[&str]) -> Vec<Ipv4Net> {
    list.iter().map(|s| net(s)).collect()
}

fn strings(list: &[Ipv4Net]) -> Vec<String> {
    list.iter().map(|n| n.to_string()).collect()
}

#[test]
fn prefix_and_netmask_round_trip() {
    for prefix in 0..=32u8 {
        let mask = prefix_to_netmask(prefix).expect("0..=32 is valid");
        assert_eq!(netmask_to_prefix(mask), Ok(prefix));
        assert_eq!(u32::from(mask).count_ones(), u32::from(prefix));
    }
    assert_eq!(prefix_to_netmask(0), Ok(ip("0.0.0.0")));
    assert_eq!(prefix_to_netmask(1), Ok(ip("128.0.0.0")));
    assert_eq!(prefix_to_netmask(31), Ok(ip("255.255.255.254")));
    assert_eq!(prefix_to_netmask(32), Ok(ip("255.255.255.255")));
    assert_eq!(
        prefix_to_netmask(33),
        Err(NetError::PrefixTooLong { prefix: 33 })
    );
    assert_eq!(
        prefix_to_netmask(255),
        Err(NetError::PrefixTooLong { prefix: 255 })
    );
}

#[test]
fn masks_all_zeros_and_all_ones() {
    assert_eq!(netmask_to_prefix(ip("0.0.0.0")), Ok(0));
    assert_eq!(netmask_to_prefix(ip("255.255.255.255")), Ok(32));
}

#[test]
fn non_contiguous_masks_are_rejected() {
    for bad in [
        "255.0.255.0",
        "0.0.0.255",
        "255.255.255.253",
        "127.0.0.0",
        "0.0.0.1",
        "255.254.255.0",
    ] {
        assert_eq!(
            netmask_to_prefix(ip(bad)),
            Err(NetError::NonContiguousMask { mask: ip(bad) }),
            "{bad}"
        );
    }
    let message = netmask_to_prefix(ip("255.0.255.0"))
        .expect_err("this input is invalid")
        .to_string();
    assert!(
        message.contains("11111111.00000000.11111111.00000000"),
        "{message}"
    );
    assert!(
        message.contains("1 bits followed only by 0 bits"),
        "{message}"
    );
}

#[test]
fn slash_24_figures() {
    let n = net("192.168.1.77/24");
    assert_eq!(n.addr(), ip("192.168.1.77"));
    assert_eq!(n.prefix_len(), 24);
    assert_eq!(n.netmask(), ip("255.255.255.0"));
    assert_eq!(n.hostmask(), ip("0.0.0.255"));
    assert_eq!(n.network(), ip("192.168.1.0"));
    assert_eq!(n.broadcast(), ip("192.168.1.255"));
    assert_eq!(n.first_host(), ip("192.168.1.1"));
    assert_eq!(n.last_host(), ip("192.168.1.254"));
    assert_eq!(n.num_addresses(), 256);
    assert_eq!(n.num_hosts(), 254);
    assert_eq!(n.hosts().count(), 254);
    assert_eq!(n.to_string(), "192.168.1.77/24");
    assert_eq!(n.trunc().to_string(), "192.168.1.0/24");
}

#[test]
fn slash_0_is_everything() {
    let n = net("1.2.3.4/0");
    assert_eq!(n.netmask(), ip("0.0.0.0"));
    assert_eq!(n.hostmask(), ip("255.255.255.255"));
    assert_eq!(n.network(), ip("0.0.0.0"));
    assert_eq!(n.broadcast(), ip("255.255.255.255"));
    assert_eq!(n.first_host(), ip("0.0.0.1"));
    assert_eq!(n.last_host(), ip("255.255.255.254"));
    assert_eq!(n.num_addresses(), 1 << 32);
    assert_eq!(n.num_hosts(), (1 << 32) - 2);
    assert_eq!(
        n.hosts().size_hint().1,
        usize::try_from((1u64 << 32) - 2).ok()
    );
    assert!(n.contains(ip("0.0.0.0")) && n.contains(ip("255.255.255.255")));
    assert_eq!(n.supernet(), None);
    assert_eq!(n.trunc(), net("0.0.0.0/0"));
    assert_eq!(n.subnets(1).expect("valid").len(), 2);
    assert_eq!(n.subnets(32).expect("valid").len(), 1 << 32);
}

#[test]
fn slash_1() {
    let low = net("127.255.255.255/1");
    assert_eq!(low.network(), ip("0.0.0.0"));
    assert_eq!(low.broadcast(), ip("127.255.255.255"));
    let high = net("128.0.0.0/1");
    assert_eq!(high.netmask(), ip("128.0.0.0"));
    assert_eq!(high.broadcast(), ip("255.255.255.255"));
    assert_eq!(high.last_host(), ip("255.255.255.254"));
    assert_eq!(high.supernet(), Some(net("0.0.0.0/0")));
    assert_eq!(
        strings(&high.subnets(2).expect("valid").collect::<Vec<_>>()),
        ["128.0.0.0/2", "192.0.0.0/2"]
    );
}

#[test]
fn slash_31_has_two_hosts() {
    let n = net("10.0.0.1/31");
    assert_eq!(n.network(), ip("10.0.0.0"));
    assert_eq!(n.broadcast(), ip("10.0.0.1"));
    assert_eq!(n.first_host(), ip("10.0.0.0"));
    assert_eq!(n.last_host(), ip("10.0.0.1"));
    assert_eq!(n.num_addresses(), 2);
    assert_eq!(n.num_hosts(), 2);
    assert_eq!(
        n.hosts().collect::<Vec<_>>(),
        [ip("10.0.0.0"), ip("10.0.0.1")]
    );
    let top = net("255.255.255.254/31");
    assert_eq!(
        top.hosts().collect::<Vec<_>>(),
        [ip("255.255.255.254"), ip("255.255.255.255")]
    );
}

#[test]
fn slash_32_is_one_host() {
    let n = net("10.0.0.7/32");
    assert_eq!(n.network(), ip("10.0.0.7"));
    assert_eq!(n.broadcast(), ip("10.0.0.7"));
    assert_eq!(n.netmask(), ip("255.255.255.255"));
    assert_eq!(n.hostmask(), ip("0.0.0.0"));
    assert_eq!(n.first_host(), ip("10.0.0.7"));
    assert_eq!(n.last_host(), ip("10.0.0.7"));
    assert_eq!(n.num_addresses(), 1);
    assert_eq!(n.num_hosts(), 1);
    assert_eq!(n.hosts().collect::<Vec<_>>(), [ip("10.0.0.7")]);
    assert!(n.contains(ip("10.0.0.7")) && !n.contains(ip("10.0.0.8")));
    assert_eq!(n.subnets(32).expect("valid").collect::<Vec<_>>(), [n]);
    assert_eq!(n.supernet(), Some(net("10.0.0.6/31")));
    // The very top and bottom addresses.
    assert_eq!(
        net("255.255.255.255").hosts().collect::<Vec<_>>(),
        [Ipv4Addr::BROADCAST]
    );
    assert_eq!(
        net("0.0.0.0").hosts().collect::<Vec<_>>(),
        [Ipv4Addr::UNSPECIFIED]
    );
}

#[test]
fn slash_30_has_two_hosts_between_network_and_broadcast() {
    let n = net("10.0.0.4/30");
    assert_eq!(
        n.hosts().collect::<Vec<_>>(),
        [ip("10.0.0.5"), ip("10.0.0.6")]
    );
    assert_eq!(n.num_hosts(), 2);
}

#[test]
fn hosts_iterator_is_lazy_and_fused() {
    let mut hosts = net("10.0.0.0/8").hosts();
    assert_eq!(hosts.size_hint(), (16_777_214, Some(16_777_214)));
    assert_eq!(hosts.next(), Some(ip("10.0.0.1")));
    assert_eq!(hosts.size_hint(), (16_777_213, Some(16_777_213)));
    let mut last = net("255.255.255.252/30").hosts();
    assert_eq!(last.nth(1), Some(ip("255.255.255.254")));
    assert_eq!(last.next(), None);
    assert_eq!(last.next(), None);
}

#[test]
fn constructors_check_their_input() {
    assert_eq!(
        Ipv4Net::new(ip("1.2.3.4"), 33),
        Err(NetError::PrefixTooLong { prefix: 33 })
    );
    assert!(Ipv4Net::new(ip("1.2.3.4"), 32).is_ok());
    assert_eq!(
        Ipv4Net::with_netmask(ip("1.2.3.4"), ip("255.255.0.0")),
        Ok(net("1.2.3.4/16"))
    );
    assert_eq!(
        Ipv4Net::with_netmask(ip("1.2.3.4"), ip("0.0.0.0")),
        Ok(net("1.2.3.4/0"))
    );
    assert_eq!(
        Ipv4Net::with_netmask(ip("1.2.3.4"), ip("0.0.255.255")),
        Err(NetError::NonContiguousMask {
            mask: ip("0.0.255.255")
        })
    );
    assert_eq!(Ipv4Net::from(ip("1.2.3.4")), net("1.2.3.4/32"));
}

#[test]
fn parses_every_form() {
    assert_eq!(
        net("10.1.2.3"),
        Ipv4Net::new(ip("10.1.2.3"), 32).expect("valid")
    );
    assert_eq!(net("10.1.2.3/8").prefix_len(), 8);
    assert_eq!(net("10.1.2.3/0").prefix_len(), 0);
    assert_eq!(net("10.1.2.3/32").prefix_len(), 32);
    assert_eq!(net("10.1.2.3/255.255.255.0").prefix_len(), 24);
    assert_eq!(net("10.1.2.3/0.0.0.255").prefix_len(), 24);
    assert_eq!(net("10.1.2.3/255.255.255.255").prefix_len(), 32);
    assert_eq!(
        net("10.1.2.3/0.0.0.0").prefix_len(),
        0,
        "netmask first: 0.0.0.0 is /0"
    );
    assert_eq!(net("10.1.2.3/255.255.255.0").addr(), ip("10.1.2.3"));
}

#[test]
fn parse_errors() {
    let err = |s: &str| s.parse::<Ipv4Net>().expect_err(s);
    assert_eq!(err("10.0.0.0/"), NetError::MissingPrefix);
    assert_eq!(
        err("10.0.0.0/33"),
        NetError::BadPrefix { text: "33".into() }
    );
    assert_eq!(
        err("10.0.0.0/300"),
        NetError::BadPrefix { text: "300".into() }
    );
    // Leading zeros in the prefix length are fine, as in Python.
    assert_eq!(net("10.0.0.0/024"), net("10.0.0.0/24"));
    assert_eq!(net("10.0.0.0/08"), net("10.0.0.0/8"));
    assert_eq!(net("10.0.0.0/00"), net("10.0.0.0/0"));
    assert_eq!(
        err("10.0.0.0/033"),
        NetError::BadPrefix { text: "033".into() }
    );
    let long = "9".repeat(100);
    assert_eq!(
        err(&format!("10.0.0.0/{long}")),
        NetError::BadPrefix { text: long }
    );
    assert_eq!(
        err("10.0.0.0/abc"),
        NetError::BadPrefix { text: "abc".into() }
    );
    assert_eq!(
        err("10.0.0.0/-1"),
        NetError::BadPrefix { text: "-1".into() }
    );
    assert_eq!(
        err("10.0.0.0/ 24"),
        NetError::BadPrefix { text: " 24".into() }
    );
    assert_eq!(
        err("10.0.0.0/24/8"),
        NetError::BadPrefix {
            text: "24/8".into()
        }
    );
    assert_eq!(
        err("10.0.0.0/255.0.255.0"),
        NetError::NotAMask {
            mask: ip("255.0.255.0")
        }
    );
    assert_eq!(
        err("10.0.0.0/255.255.0"),
        NetError::BadMask {
            error: Ipv4ParseError::TooFewOctets { found: 3 }
        }
    );
    assert_eq!(
        err("10.0.0/24"),
        NetError::Address(Ipv4ParseError::TooFewOctets { found: 3 })
    );
    assert_eq!(err(""), NetError::Address(Ipv4ParseError::Empty));
    assert_eq!(err("/24"), NetError::Address(Ipv4ParseError::Empty));
    assert!(matches!(
        err("10.0.0.256/24"),
        NetError::Address(Ipv4ParseError::OctetTooLarge { .. })
    ));

    let message = err("10.0.0.0/33").to_string();
    assert!(
        message.contains("'/33'") && message.contains("0-32"),
        "{message}"
    );
    let message = err("10.0.0.0/255.0.255.0").to_string();
    assert!(
        message.contains("neither a netmask nor a hostmask"),
        "{message}"
    );
    let message = err("10.0.0/24").to_string();
    assert!(message.contains("found 3 of the 4 octets"), "{message}");
    let message = err("10.0.0.0/").to_string();
    assert!(message.starts_with("nothing after '/'"), "{message}");
}

#[test]
fn display_keeps_host_bits_and_pads() {
    assert_eq!(net("10.1.2.3/8").to_string(), "10.1.2.3/8");
    assert_eq!(format!("[{:<12}]", net("10.0.0.0/8")), "[10.0.0.0/8  ]");
    for text in ["0.0.0.0/0", "255.255.255.255/32", "192.168.1.77/24"] {
        assert_eq!(net(text).to_string(), text);
    }
}

#[test]
fn contains_addresses_and_networks() {
    let n = net("172.16.0.0/12");
    assert!(n.contains(ip("172.16.0.0")));
    assert!(n.contains(ip("172.31.255.255")));
    assert!(!n.contains(ip("172.15.255.255")));
    assert!(!n.contains(ip("172.32.0.0")));
    assert!(n.contains_net(&net("172.20.0.0/16")));
    assert!(n.contains_net(&net("172.31.255.255/32")));
    assert!(
        n.contains_net(&net("172.17.1.1/12")),
        "host bits do not matter"
    );
    assert!(!n.contains_net(&net("172.16.0.0/11")));
    assert!(!n.contains_net(&net("172.32.0.0/16")));
    assert!(net("0.0.0.0/0").contains_net(&n));
}

#[test]
fn subnets_split_in_order() {
    let n = net("10.0.0.77/24");
    let halves = n.subnets(25).expect("valid");
    assert_eq!(halves.len(), 2);
    assert_eq!(
        strings(&halves.collect::<Vec<_>>()),
        ["10.0.0.0/25", "10.0.0.128/25"]
    );
    assert_eq!(
        n.subnets(24).expect("valid").collect::<Vec<_>>(),
        [net("10.0.0.0/24")]
    );
    let slash_32s = n.subnets(32).expect("valid");
    assert_eq!(slash_32s.len(), 256);
    assert_eq!(slash_32s.last(), Some(net("10.0.0.255/32")));
    assert_eq!(
        n.subnets(23).expect_err("this input is invalid"),
        NetError::SubnetPrefixTooShort {
            prefix: 24,
            new_prefix: 23
        }
    );
    assert_eq!(
        n.subnets(33).expect_err("this input is invalid"),
        NetError::PrefixTooLong { prefix: 33 }
    );
    // The last subnet of the address space does not overflow.
    let top = net("255.255.255.0/24").subnets(26).expect("valid");
    assert_eq!(top.last(), Some(net("255.255.255.192/26")));
    let mut all = net("0.0.0.0/0").subnets(2).expect("valid");
    assert!(!all.is_empty());
    assert_eq!(all.size_hint(), (4, Some(4)));
    assert_eq!(all.nth(3), Some(net("192.0.0.0/2")));
    assert!(all.is_empty());
    assert_eq!(all.len(), 0);
    assert_eq!(all.next(), None);
}

#[test]
fn supernets_walk_up_to_slash_0() {
    let mut n = net("10.1.2.3/32");
    let mut steps = 0;
    while let Some(parent) = n.supernet() {
        assert_eq!(parent.prefix_len() + 1, n.prefix_len());
        assert!(parent.contains_net(&n));
        assert_eq!(parent, parent.trunc());
        n = parent;
        steps += 1;
    }
    assert_eq!(steps, 32);
    assert_eq!(n, net("0.0.0.0/0"));
}

#[test]
fn same_subnet_checks_the_mask() {
    let mask = ip("255.255.255.0");
    assert_eq!(
        same_subnet(ip("192.168.1.1"), ip("192.168.1.254"), mask),
        Ok(true)
    );
    assert_eq!(
        same_subnet(ip("192.168.1.1"), ip("192.168.2.1"), mask),
        Ok(false)
    );
    assert_eq!(
        same_subnet(ip("1.2.3.4"), ip("200.2.3.4"), ip("0.0.0.0")),
        Ok(true)
    );
    assert_eq!(
        same_subnet(ip("1.2.3.4"), ip("1.2.3.5"), ip("255.255.255.255")),
        Ok(false)
    );
    assert_eq!(
        same_subnet(ip("1.2.3.4"), ip("1.2.3.4"), ip("255.0.255.0")),
        Err(NetError::NonContiguousMask {
            mask: ip("255.0.255.0")
        })
    );
}

#[test]
fn ordering_is_by_address_then_prefix() {
    let mut list = nets(&["10.0.1.0/24", "10.0.0.0/24", "10.0.0.0/16", "9.0.0.0/8"]);
    list.sort();
    assert_eq!(
        strings(&list),
        ["9.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24"]
    );
}

#[test]
fn summarize_adjacent_halves() {
    let merged = summarize(&nets(&["10.0.0.0/25", "10.0.0.128/25"]));
    assert_eq!(strings(&merged), ["10.0.0.0/24"]);
}

#[test]
fn summarize_overlap_and_duplicates() {
    let merged = summarize(&nets(&[
        "10.0.0.0/24",
        "10.0.0.64/26",
        "10.0.0.0/24",
        "10.0.0.5/32",
    ]));
    assert_eq!(strings(&merged), ["10.0.0.0/24"]);
    let merged = summarize(&nets(&[
        "192.168.0.0/16",
        "192.168.0.0/24",
        "192.168.255.0/24",
    ]));
    assert_eq!(strings(&merged), ["192.168.0.0/16"]);
}

#[test]
fn summarize_does_not_merge_misaligned_neighbours() {
    // Adjacent, but together they are not one aligned block: a /23 holding 10.0.1.0
    // starts at 10.0.0.0.
    let merged = summarize(&nets(&["10.0.2.0/24", "10.0.1.0/24"]));
    assert_eq!(strings(&merged), ["10.0.1.0/24", "10.0.2.0/24"]);
    // Not adjacent at all.
    let merged = summarize(&nets(&["10.0.0.0/24", "10.0.2.0/24"]));
    assert_eq!(strings(&merged), ["10.0.0.0/24", "10.0.2.0/24"]);
}

#[test]
fn summarize_truncates_sorts_and_cuts_ranges() {
    // Host bits are dropped before merging.
    let merged = summarize(&nets(&["10.0.0.200/25", "10.0.0.1/25"]));
    assert_eq!(strings(&merged), ["10.0.0.0/24"]);
    // Three /24s from .1 to .3: the largest aligned blocks are .1/24 then .2/23.
    let merged = summarize(&nets(&["10.0.3.0/24", "10.0.1.0/24", "10.0.2.0/24"]));
    assert_eq!(strings(&merged), ["10.0.1.0/24", "10.0.2.0/23"]);
    // Four in a row, aligned: one /22.
    let merged = summarize(&nets(&[
        "10.0.3.0/24",
        "10.0.1.0/24",
        "10.0.2.0/24",
        "10.0.0.0/24",
    ]));
    assert_eq!(strings(&merged), ["10.0.0.0/22"]);
}

#[test]
fn summarize_edges_of_the_address_space() {
    assert_eq!(summarize(&[]), Vec::<Ipv4Net>::new());
    assert_eq!(
        strings(&summarize(&nets(&["0.0.0.0/1", "128.0.0.0/1"]))),
        ["0.0.0.0/0"]
    );
    assert_eq!(
        strings(&summarize(&nets(&["5.6.7.8/0", "10.0.0.0/8"]))),
        ["0.0.0.0/0"]
    );
    assert_eq!(
        strings(&summarize(&nets(&[
            "255.255.255.255/32",
            "255.255.255.254/32"
        ]))),
        ["255.255.255.254/31"]
    );
    assert_eq!(
        strings(&summarize(&nets(&[
            "0.0.0.0/32",
            "0.0.0.1/32",
            "0.0.0.2/32"
        ]))),
        ["0.0.0.0/31", "0.0.0.2/32"]
    );
}
