//! The IPv4 lesson checked against independent implementations on random input.
//!
//! - The `ipnet` crate is the oracle for the subnet arithmetic of [`Ipv4Net`]: network,
//!   broadcast, masks, `contains`, subnets, supernets, hosts and summarising
//!   (`ipnet::Ipv4Net::aggregate`).
//! - The standard library is the oracle for reading addresses (`str::parse::<Ipv4Addr>`)
//!   and for the special ranges it knows (`Ipv4Addr::is_private`, ...).
//!
//! Known differences, each checked by a test below rather than hidden:
//! - `ipnet` reads octets with leading zeros (`"010.0.0.1/8"` is 10.0.0.1/8); we reject
//!   them, as the standard library and Python's `ipaddress` do (some tools read `010` as
//!   octal 8). So the parser comparison only uses addresses without leading zeros. In the
//!   prefix length ipnet, Python and we all accept them (`/08` is /8).
//! - `ipnet`'s `FromStr` needs a `/prefix`; ours also reads a bare address (as a /32) and a
//!   netmask or hostmask after the slash, like Python's `ipaddress`.
//! - Hosts: `ipnet` follows the same rule as we do (/31: both addresses, /32: the one
//!   address, otherwise without network and broadcast). No difference.

use std::net::Ipv4Addr;

use netbasics::ipv4::{self, parse_ipv4, Class};
use netbasics::ipv4net::{netmask_to_prefix, prefix_to_netmask, same_subnet, summarize};
use netbasics::Ipv4Net;
use proptest::prelude::*;

/// Our network and the oracle's, built from the same address and prefix.
fn both(addr: u32, prefix: u8) -> (Ipv4Net, ipnet::Ipv4Net) {
    let ours = Ipv4Net::new(Ipv4Addr::from(addr), prefix).expect("prefix is 0..=32");
    let theirs = ipnet::Ipv4Net::new(Ipv4Addr::from(addr), prefix).expect("prefix is 0..=32");
    (ours, theirs)
}

/// Converts the oracle's answer to ours, for comparing lists.
fn from_ipnet(net: ipnet::Ipv4Net) -> Ipv4Net {
    Ipv4Net::new(net.addr(), net.prefix_len()).expect("ipnet prefixes are 0..=32")
}

/// A network as (address, prefix length), any of them.
fn any_net() -> impl Strategy<Value = (u32, u8)> {
    (any::<u32>(), 0u8..=32)
}

/// Networks crowded into 10.0.0.0/20, so that random lists overlap and touch often and
/// summarising has real work to do.
fn crowded_net() -> impl Strategy<Value = Ipv4Net> {
    (0u32..4096, 20u8..=32).prop_map(|(offset, prefix)| {
        Ipv4Net::new(Ipv4Addr::from(0x0A00_0000 + offset), prefix).expect("prefix is 0..=32")
    })
}

/// Networks anywhere, any size.
fn scattered_net() -> impl Strategy<Value = Ipv4Net> {
    any_net().prop_map(|(addr, prefix)| {
        Ipv4Net::new(Ipv4Addr::from(addr), prefix).expect("prefix is 0..=32")
    })
}

/// Whether no octet in the text (the numbers before any `/`) starts with a 0 and has
/// more digits after it.
fn no_leading_zeros(s: &str) -> bool {
    let addr = s.split('/').next().unwrap_or_default();
    addr.split('.')
        .all(|part| !(part.len() > 1 && part.starts_with('0')))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn figures_agree_with_ipnet((addr, prefix) in any_net()) {
        let (ours, theirs) = both(addr, prefix);
        prop_assert_eq!(ours.addr(), theirs.addr());
        prop_assert_eq!(ours.prefix_len(), theirs.prefix_len());
        prop_assert_eq!(ours.network(), theirs.network());
        prop_assert_eq!(ours.broadcast(), theirs.broadcast());
        prop_assert_eq!(ours.netmask(), theirs.netmask());
        prop_assert_eq!(ours.hostmask(), theirs.hostmask());
        prop_assert_eq!(from_ipnet(theirs.trunc()), ours.trunc());
        prop_assert_eq!(ours.to_string(), theirs.to_string());
        prop_assert_eq!(prefix_to_netmask(prefix), Ok(theirs.netmask()));
        prop_assert_eq!(netmask_to_prefix(theirs.netmask()), Ok(prefix));
    }

    #[test]
    fn any_mask_is_judged_like_ipnet(mask in any::<u32>()) {
        let mask = Ipv4Addr::from(mask);
        prop_assert_eq!(netmask_to_prefix(mask).ok(), ipnet::ipv4_mask_to_prefix(mask).ok());
    }

    #[test]
    fn contiguous_masks_are_accepted(prefix in 0u8..=32) {
        let mask = prefix_to_netmask(prefix).expect("prefix is 0..=32");
        prop_assert_eq!(ipnet::ipv4_mask_to_prefix(mask), Ok(prefix));
        let (ours, theirs) = both(0x0102_0304, prefix);
        prop_assert_eq!(Ipv4Net::with_netmask(ours.addr(), mask), Ok(ours));
        prop_assert_eq!(ipnet::Ipv4Net::with_netmask(theirs.addr(), mask), Ok(theirs));
    }

    #[test]
    fn contains_agrees_with_ipnet((addr, prefix) in any_net(), other in any::<u32>(), host in any::<u32>()) {
        let (ours, theirs) = both(addr, prefix);
        // A random address (usually outside a long prefix) and one surely inside.
        let outside = Ipv4Addr::from(other);
        let inside = Ipv4Addr::from(u32::from(ours.network()) | (host & u32::from(ours.hostmask())));
        prop_assert_eq!(ours.contains(outside), theirs.contains(&outside));
        prop_assert!(ours.contains(inside));
        prop_assert!(theirs.contains(&inside));
    }

    #[test]
    fn contains_net_agrees_with_ipnet((a, pa) in any_net(), (b, pb) in any_net(), bits in any::<u32>()) {
        let (ours_a, theirs_a) = both(a, pa);
        let (ours_b, theirs_b) = both(b, pb);
        prop_assert_eq!(ours_a.contains_net(&ours_b), theirs_a.contains(&theirs_b));
        // Also a network that shares a's leading bits, so the answer is often "yes".
        let near = (u32::from(ours_a.network()) | (bits & u32::from(ours_a.hostmask()))) & !0xFF;
        let (ours_c, theirs_c) = both(near, pb);
        prop_assert_eq!(ours_a.contains_net(&ours_c), theirs_a.contains(&theirs_c));
    }

    #[test]
    fn same_subnet_agrees_with_ipnet((a, prefix) in any_net(), b in any::<u32>()) {
        let (_, theirs) = both(a, prefix);
        let b = Ipv4Addr::from(b);
        let near = Ipv4Addr::from(a ^ (u32::from(b) & u32::from(theirs.hostmask())));
        prop_assert_eq!(same_subnet(theirs.addr(), b, theirs.netmask()), Ok(theirs.contains(&b)));
        prop_assert_eq!(same_subnet(theirs.addr(), near, theirs.netmask()), Ok(true));
    }

    #[test]
    fn subnets_agree_with_ipnet((addr, prefix) in any_net(), extra in 0u8..=12, too_long in 33u8..) {
        let (ours, theirs) = both(addr, prefix);
        let new_prefix = (prefix + extra).min(32);
        let mine: Vec<Ipv4Net> = ours.subnets(new_prefix).expect("new prefix is in range").collect();
        let oracle: Vec<Ipv4Net> = theirs
            .subnets(new_prefix)
            .expect("new prefix is in range")
            .map(from_ipnet)
            .collect();
        prop_assert_eq!(ours.subnets(new_prefix).expect("in range").len(), oracle.len() as u64);
        prop_assert_eq!(mine.first(), oracle.first());
        prop_assert_eq!(mine.last(), oracle.last());
        prop_assert_eq!(mine, oracle);
        // Out of range both ways: both refuse.
        prop_assert!(ours.subnets(too_long).is_err() && theirs.subnets(too_long).is_err());
        if prefix > 0 {
            prop_assert!(ours.subnets(prefix - 1).is_err() && theirs.subnets(prefix - 1).is_err());
        }
    }

    #[test]
    fn subnet_counts_and_ends_for_any_split(
        (addr, prefix, new_prefix) in any_net().prop_flat_map(|(a, p)| (Just(a), Just(p), p..=32)),
    ) {
        // Without collecting (a /0 into /32s is 2^32 subnets): count, first and last only.
        let (ours, theirs) = both(addr, prefix);
        let subnets = ours.subnets(new_prefix).expect("in range");
        prop_assert_eq!(subnets.len(), 1u64 << (new_prefix - prefix));
        let first = subnets.clone().next().expect("at least one subnet");
        let last_addr = u32::from(ours.broadcast()) & u32::from(prefix_to_netmask(new_prefix).expect("in range"));
        let expected_last = Ipv4Net::new(Ipv4Addr::from(last_addr), new_prefix).expect("in range");
        let oracle_first = theirs.subnets(new_prefix).expect("in range").next().map(from_ipnet);
        prop_assert_eq!(Some(first), oracle_first);
        if subnets.len() <= 4096 {
            prop_assert_eq!(subnets.last(), Some(expected_last));
        }
    }

    #[test]
    fn supernet_agrees_with_ipnet((addr, prefix) in any_net()) {
        let (ours, theirs) = both(addr, prefix);
        prop_assert_eq!(ours.supernet(), theirs.supernet().map(from_ipnet));
    }

    #[test]
    fn hosts_agree_with_ipnet((addr, prefix) in any_net()) {
        let (ours, theirs) = both(addr, prefix);
        // ipnet counts its hosts without walking them.
        prop_assert_eq!(ours.num_hosts(), theirs.hosts().count() as u64);
        prop_assert_eq!(Some(ours.first_host()), theirs.hosts().next());
        prop_assert_eq!(Some(ours.last_host()), theirs.hosts().next_back());
        prop_assert_eq!(ours.num_addresses(), 1u64 << (32 - prefix));
    }

    #[test]
    fn host_lists_agree_with_ipnet_for_small_networks(addr in any::<u32>(), prefix in 22u8..=32) {
        let (ours, theirs) = both(addr, prefix);
        let mine: Vec<Ipv4Addr> = ours.hosts().collect();
        let oracle: Vec<Ipv4Addr> = theirs.hosts().collect();
        prop_assert_eq!(mine.len() as u64, ours.num_hosts());
        prop_assert_eq!(mine, oracle);
    }

    #[test]
    fn summarize_agrees_with_ipnet_aggregate(
        crowded in prop::collection::vec(crowded_net(), 0..24),
        scattered in prop::collection::vec(scattered_net(), 0..4),
    ) {
        for nets in [crowded.clone(), scattered.clone(), [crowded, scattered].concat()] {
            let mine = summarize(&nets);
            let oracle: Vec<Ipv4Net> = ipnet::Ipv4Net::aggregate(
                &nets.iter().map(|n| ipnet::Ipv4Net::new(n.addr(), n.prefix_len()).expect("0..=32")).collect(),
            )
            .into_iter()
            .map(from_ipnet)
            .collect();
            prop_assert_eq!(&mine, &oracle);
            // And the promises themselves: sorted, truncated, and no two can merge.
            prop_assert!(mine.windows(2).all(|w| w[0].broadcast() < w[1].network()));
            prop_assert!(mine.iter().all(|n| *n == n.trunc()));
            for net in &nets {
                prop_assert!(mine.iter().any(|m| m.contains_net(net)));
            }
        }
    }

    #[test]
    fn net_text_round_trips((addr, prefix) in any_net()) {
        let (ours, theirs) = both(addr, prefix);
        let text = ours.to_string();
        prop_assert_eq!(text.parse::<Ipv4Net>(), Ok(ours));
        prop_assert_eq!(text.parse::<ipnet::Ipv4Net>(), Ok(theirs));
        // The same network with its netmask or its hostmask after the slash. (/0 and /32
        // masks read as netmasks first: 0.0.0.0 is /0, 255.255.255.255 is /32.)
        let with_netmask = format!("{}/{}", ours.addr(), ours.netmask());
        prop_assert_eq!(with_netmask.parse::<Ipv4Net>(), Ok(ours));
        if prefix != 0 && prefix != 32 {
            let with_hostmask = format!("{}/{}", ours.addr(), ours.hostmask());
            prop_assert_eq!(with_hostmask.parse::<Ipv4Net>(), Ok(ours));
        }
    }

    #[test]
    fn net_parser_agrees_with_ipnet_without_leading_zeros(
        s in prop_oneof!["[0-9./]{0,20}", "[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}"],
    ) {
        // ipnet reads leading zeros in octets (see the file's docs), so only compare where
        // there are none; and ipnet always needs a prefix length, ours also takes masks and bare
        // addresses, so: whatever ipnet accepts we accept with the same value.
        if let Ok(theirs) = s.parse::<ipnet::Ipv4Net>() {
            if no_leading_zeros(&s) {
                prop_assert_eq!(s.parse::<Ipv4Net>(), Ok(from_ipnet(theirs)));
            } else {
                prop_assert!(s.parse::<Ipv4Net>().is_err(), "{} has a leading zero", s);
            }
        }
    }

    #[test]
    fn net_parser_never_panics(s in "\\PC{0,40}") {
        let _ = s.parse::<Ipv4Net>();
    }

    #[test]
    fn address_parser_agrees_with_std_on_digits_and_dots(s in "[0-9.]{0,20}") {
        // The standard library rejects leading zeros too (since Rust 1.55), so the two
        // agree on every string of digits and dots, accepted or not.
        prop_assert_eq!(parse_ipv4(&s).ok(), s.parse::<Ipv4Addr>().ok(), "input {:?}", s);
    }

    #[test]
    fn address_parser_agrees_with_std_on_near_addresses(
        octets in prop::collection::vec("[0-9]{0,4}", 1..6),
        junk in prop::option::of("[ x:/+-]"),
        junk_at in any::<prop::sample::Index>(),
    ) {
        // Strings shaped like addresses, so that many are valid, some have 256, 010, a
        // missing octet, an empty octet, or a stray character.
        let mut s = octets.join(".");
        if let Some(junk) = junk {
            let at = junk_at.index(s.len() + 1);
            s.insert_str(at, &junk);
        }
        prop_assert_eq!(parse_ipv4(&s).ok(), s.parse::<Ipv4Addr>().ok(), "input {:?}", s);
    }

    #[test]
    fn address_parser_never_panics(s in "\\PC{0,40}") {
        let _ = parse_ipv4(&s);
    }

    #[test]
    fn address_parser_never_panics_on_any_chars(s in ".{0,40}") {
        let _ = parse_ipv4(&s);
    }

    #[test]
    fn addresses_round_trip(addr in any::<u32>()) {
        let addr = Ipv4Addr::from(addr);
        prop_assert_eq!(parse_ipv4(&addr.to_string()), Ok(addr));
    }

    #[test]
    fn special_ranges_agree_with_std(addr in any::<u32>(), block in 0usize..9, low in any::<u16>()) {
        // A random address rarely lands in a small block, so also build one inside each
        // block we test (first two octets from a table, the rest random).
        let starts: [[u8; 2]; 9] = [
            [10, 0], [172, 16], [192, 168], [127, 0], [169, 254], [224, 0], [192, 0], [198, 51], [203, 0],
        ];
        let [a, b] = starts[block];
        let [c, d] = low.to_be_bytes();
        let docs_third = [2u8, 100, 113];
        let in_block = Ipv4Addr::new(a, b, if block >= 6 { docs_third[block - 6] } else { c }, d);
        for addr in [Ipv4Addr::from(addr), in_block, Ipv4Addr::BROADCAST, Ipv4Addr::UNSPECIFIED] {
            prop_assert_eq!(ipv4::is_private(addr), addr.is_private(), "{}", addr);
            prop_assert_eq!(ipv4::is_loopback(addr), addr.is_loopback(), "{}", addr);
            prop_assert_eq!(ipv4::is_link_local(addr), addr.is_link_local(), "{}", addr);
            prop_assert_eq!(ipv4::is_multicast(addr), addr.is_multicast(), "{}", addr);
            prop_assert_eq!(ipv4::is_broadcast(addr), addr.is_broadcast(), "{}", addr);
            prop_assert_eq!(ipv4::is_unspecified(addr), addr.is_unspecified(), "{}", addr);
            prop_assert_eq!(ipv4::is_documentation(addr), addr.is_documentation(), "{}", addr);
        }
    }

    #[test]
    fn class_is_the_block_the_address_is_in(addr in any::<u32>()) {
        let addr = Ipv4Addr::from(addr);
        let class = Class::of(addr);
        prop_assert!(class.first() <= addr && addr <= class.last());
        prop_assert!(ipv4::to_binary(addr).starts_with(class.leading_bits()));
        // The class blocks are networks with 1, 2, 3, 4, 4 fixed leading bits.
        let block = Ipv4Net::new(class.first(), class.leading_bits().len() as u8).expect("1..=4");
        prop_assert_eq!(block.broadcast(), class.last());
    }

    #[test]
    fn binary_form_reads_back(addr in any::<u32>()) {
        let text = ipv4::to_binary(Ipv4Addr::from(addr));
        prop_assert_eq!(text.len(), 35);
        let bits: String = text.chars().filter(|&c| c != '.').collect();
        prop_assert_eq!(u32::from_str_radix(&bits, 2), Ok(addr));
    }
}

#[test]
fn ipnet_reads_leading_zeros_and_we_do_not() {
    // The documented difference, pinned down.
    let text = "010.000.000.001/08";
    let theirs: ipnet::Ipv4Net = text.parse().expect("ipnet accepts leading zeros");
    assert_eq!(theirs.to_string(), "10.0.0.1/8");
    assert!(text.parse::<Ipv4Net>().is_err());
    // In the prefix length a leading zero is harmless, and everyone reads it.
    let ours: Ipv4Net = "10.0.0.1/08"
        .parse()
        .expect("leading zero in the prefix is fine");
    assert_eq!(ours.to_string(), "10.0.0.1/8");
    assert!(
        "010.0.0.1".parse::<Ipv4Addr>().is_err(),
        "std rejects them too"
    );
    assert!(parse_ipv4("010.0.0.1").is_err());
}

#[test]
fn ipnet_needs_a_prefix_and_we_take_masks_too() {
    assert!("10.0.0.1".parse::<ipnet::Ipv4Net>().is_err());
    assert!("10.0.0.0/255.0.0.0".parse::<ipnet::Ipv4Net>().is_err());
    assert_eq!(
        "10.0.0.1".parse::<Ipv4Net>().map(|n| n.prefix_len()),
        Ok(32)
    );
    assert_eq!(
        "10.0.0.0/255.0.0.0"
            .parse::<Ipv4Net>()
            .map(|n| n.prefix_len()),
        Ok(8)
    );
}

#[test]
fn slash_31_and_32_hosts_match_ipnet() {
    for (text, hosts) in [
        ("10.0.0.0/31", vec!["10.0.0.0", "10.0.0.1"]),
        ("10.0.0.5/32", vec!["10.0.0.5"]),
        ("10.0.0.0/30", vec!["10.0.0.1", "10.0.0.2"]),
    ] {
        let ours: Ipv4Net = text.parse().expect("valid");
        let theirs: ipnet::Ipv4Net = text.parse().expect("valid");
        let expected: Vec<Ipv4Addr> = hosts.iter().map(|h| h.parse().expect("valid")).collect();
        assert_eq!(ours.hosts().collect::<Vec<_>>(), expected, "{text}");
        assert_eq!(theirs.hosts().collect::<Vec<_>>(), expected, "{text}");
    }
}
