//! The IPv6 lesson checked against two referees on many random inputs.
//!
//! - The standard library's `Ipv6Addr` parser and printer for [`parse_ipv6`] and
//!   [`format_ipv6`]. Both follow RFC 5952, including printing an IPv4-mapped address
//!   (`::ffff:a.b.c.d`) with its last 32 bits dotted, and neither prints an IPv4-compatible
//!   address (`::a.b.c.d`, deprecated) dotted: std shows `::c000:201` and so do we. So the
//!   comparison needs no exceptions.
//! - The `ipnet` crate's `Ipv6Net` for the prefix arithmetic and `aggregate` for
//!   [`summarize`]. `ipnet` calls the last address `broadcast()`; IPv6 has no broadcast,
//!   so ours is `last_address()`.

use netbasics::ipv6::{explode, format_ipv6, parse_ipv6};
use netbasics::ipv6net::{summarize, Ipv6Net};
use proptest::prelude::*;
use std::net::Ipv6Addr;

/// Addresses of every shape. Uniformly random 128-bit numbers almost never contain a zero
/// group, so most cases are built group by group with many zeros, plus IPv4-mapped and
/// IPv4-compatible addresses, whose printing has its own rule.
fn any_addr() -> impl Strategy<Value = Ipv6Addr> {
    let group = prop_oneof![
        4 => Just(0u16),
        1 => Just(0xffff),
        1 => 0u16..0x10,
        2 => any::<u16>(),
    ];
    prop_oneof![
        1 => any::<u128>().prop_map(Ipv6Addr::from_bits),
        3 => prop::array::uniform8(group).prop_map(Ipv6Addr::from),
        1 => any::<u32>().prop_map(|v4| Ipv6Addr::from_bits((0xffff << 32) | u128::from(v4))),
        1 => any::<u32>().prop_map(|v4| Ipv6Addr::from_bits(u128::from(v4))),
        1 => (any::<u32>(), any::<u16>())
            .prop_map(|(v4, g)| Ipv6Addr::from_bits((u128::from(g) << 32) | u128::from(v4))),
    ]
}

/// One of the many correct spellings of `a`: any run of zero groups (even one group) may
/// be `::`, groups may have leading zeros and any case, the last 32 bits may be dotted.
fn spelling_of(a: Ipv6Addr) -> impl Strategy<Value = String> {
    let groups = a.segments();
    (
        prop::array::uniform8((0usize..=4, any::<bool>())),
        any::<(usize, usize)>(),
        any::<bool>(),
    )
        .prop_map(move |(styles, (run_a, run_b), dotted)| {
            let text: Vec<String> = groups
                .iter()
                .zip(styles)
                .map(|(g, (width, upper))| {
                    // Pad to `width` digits, but never cut digits off.
                    let s = format!("{g:0width$x}");
                    if upper {
                        s.to_uppercase()
                    } else {
                        s
                    }
                })
                .collect();
            // The part kept as groups: all 8, or 6 followed by dotted IPv4.
            let (mut parts, tail) = if dotted {
                let [.., a, b, c, d] = a.octets();
                (text[..6].to_vec(), Some(format!("{a}.{b}.{c}.{d}")))
            } else {
                (text, None)
            };
            // Pick a run of zero groups among the written ones and maybe compress it.
            let zero_runs: Vec<(usize, usize)> = (0..parts.len())
                .flat_map(|i| (i + 1..=parts.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| groups[i..j].iter().all(|&g| g == 0))
                .collect();
            let mut out = String::new();
            if zero_runs.is_empty() || run_b % 3 == 0 {
                out = parts.join(":");
            } else {
                let (i, j) = zero_runs[run_a % zero_runs.len()];
                let after = parts.split_off(j);
                parts.truncate(i);
                out.push_str(&parts.join(":"));
                out.push_str("::");
                out.push_str(&after.join(":"));
            }
            if let Some(v4) = tail {
                if !out.ends_with("::") {
                    out.push(':');
                }
                out.push_str(&v4);
            }
            out
        })
}

/// Text that is near to an address: the pieces an address is made of, in random order.
fn address_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[0-9a-fA-F]{1,5}",
        3 => Just(":".to_string()),
        2 => Just("::".to_string()),
        1 => Just(".".to_string()),
        1 => "[0-9]{1,4}",
        1 => "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
    ];
    prop::collection::vec(piece, 0..14).prop_map(|pieces| pieces.concat())
}

/// A correct spelling with one character deleted, inserted or replaced: the mistakes that
/// are closest to an address, where a parser is most likely to be wrong.
fn near_miss() -> impl Strategy<Value = String> {
    const ALPHABET: &[u8] = b"0123456789abcdefABCDEF:.";
    (
        any_addr().prop_flat_map(spelling_of),
        any::<prop::sample::Index>(),
        0..3u8,
        prop::sample::select(ALPHABET),
    )
        .prop_map(|(text, at, edit, ch)| {
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len() + 1);
            match edit {
                0 if i < bytes.len() => {
                    bytes.remove(i);
                }
                1 if i < bytes.len() => bytes[i] = ch,
                _ => bytes.insert(i, ch),
            }
            String::from_utf8(bytes).expect("only ASCII was put in")
        })
}

fn ipnet_of(net: Ipv6Net) -> ipnet::Ipv6Net {
    ipnet::Ipv6Net::new(net.addr(), net.prefix_len()).expect("prefix is at most 128")
}

fn same_net(ours: Ipv6Net, theirs: ipnet::Ipv6Net) -> bool {
    ours.addr() == theirs.addr() && ours.prefix_len() == theirs.prefix_len()
}

/// A network with its prefix length anywhere from 0 to 128.
fn any_net() -> impl Strategy<Value = Ipv6Net> {
    (any_addr(), 0u8..=128).prop_map(|(a, p)| Ipv6Net::new(a, p).expect("prefix is at most 128"))
}

/// Networks crowded into one small corner, so that they overlap and touch often.
fn crowded_nets() -> impl Strategy<Value = Vec<Ipv6Net>> {
    let base = 0x2001_0db8_u128 << 96;
    let one = (0u128..64, 122u8..=128).prop_map(move |(low, p)| {
        Ipv6Net::new(Ipv6Addr::from_bits(base | low), p).expect("prefix is at most 128")
    });
    prop::collection::vec(one, 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn format_matches_std(a in any_addr()) {
        prop_assert_eq!(format_ipv6(a), a.to_string());
    }

    #[test]
    fn format_then_parse_round_trips(a in any_addr()) {
        prop_assert_eq!(parse_ipv6(&format_ipv6(a)), Ok(a));
    }

    #[test]
    fn explode_then_parse_round_trips(a in any_addr()) {
        let long = explode(a);
        prop_assert_eq!(long.len(), 39);
        prop_assert_eq!(parse_ipv6(&long), Ok(a));
        prop_assert_eq!(parse_ipv6(&long.to_uppercase()), Ok(a));
    }

    #[test]
    fn every_spelling_parses_like_std(
        (a, text) in any_addr().prop_flat_map(|a| (Just(a), spelling_of(a)))
    ) {
        prop_assert_eq!(text.parse::<Ipv6Addr>().ok(), Some(a), "std on {}", text);
        prop_assert_eq!(parse_ipv6(&text), Ok(a), "{}", text);
    }

    #[test]
    fn accepts_what_std_accepts(text in address_like_text()) {
        prop_assert_eq!(parse_ipv6(&text).ok(), text.parse::<Ipv6Addr>().ok(), "{:?}", text);
    }

    #[test]
    fn accepts_what_std_accepts_near_addresses(text in near_miss()) {
        prop_assert_eq!(parse_ipv6(&text).ok(), text.parse::<Ipv6Addr>().ok(), "{:?}", text);
    }

    #[test]
    fn accepts_what_std_accepts_on_random_characters(text in "[0-9a-fA-F:.]{0,45}") {
        prop_assert_eq!(parse_ipv6(&text).ok(), text.parse::<Ipv6Addr>().ok(), "{:?}", text);
    }

    #[test]
    fn never_panics(text in "\\PC{0,60}") {
        let ours = parse_ipv6(&text);
        // Whatever it says, it agrees with std about whether this is an address.
        prop_assert_eq!(ours.ok(), text.parse::<Ipv6Addr>().ok(), "{:?}", text);
        let _ = text.parse::<Ipv6Net>();
    }

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        let _ = parse_ipv6(&text);
        let _ = text.parse::<Ipv6Net>();
    }

    #[test]
    fn net_math_matches_ipnet(net in any_net()) {
        let theirs = ipnet_of(net);
        prop_assert_eq!(net.network(), theirs.network());
        prop_assert_eq!(net.last_address(), theirs.broadcast());
        prop_assert_eq!(net.netmask(), theirs.netmask());
        prop_assert_eq!(net.hostmask(), theirs.hostmask());
        prop_assert!(same_net(net.trunc(), theirs.trunc()));
        prop_assert_eq!(net.to_string(), theirs.to_string());
        prop_assert_eq!(net.to_string().parse::<Ipv6Net>(), Ok(net));
        prop_assert_eq!(theirs.to_string().parse::<ipnet::Ipv6Net>(), Ok(theirs));
        match (net.supernet(), theirs.supernet()) {
            (Some(a), Some(b)) => prop_assert!(same_net(a, b), "{} vs {}", a, b),
            (None, None) => {}
            (a, b) => prop_assert!(false, "supernet {:?} vs {:?}", a, b),
        }
        // Sizes: 2^(128 - prefix).
        prop_assert_eq!(u32::from(net.num_addresses_log2()), 128 - u32::from(net.prefix_len()));
        if let Some(n) = net.num_addresses() {
            prop_assert_eq!(n - 1, u128::from(theirs.hostmask()));
        } else {
            prop_assert_eq!(net.prefix_len(), 0);
        }
    }

    #[test]
    fn contains_matches_ipnet(
        net in any_net(),
        other in any_addr(),
        keep in 0u8..=128,
        p in 0u8..=128,
    ) {
        let theirs = ipnet_of(net);
        // `other` with its first `keep` bits taken from the network: often inside.
        let mask = u128::MAX.checked_shl(128 - u32::from(keep)).unwrap_or(0);
        let near = Ipv6Addr::from_bits((net.addr().to_bits() & mask) | (other.to_bits() & !mask));
        for a in [other, near, net.network(), net.last_address()] {
            prop_assert_eq!(net.contains(a), theirs.contains(&a), "{} in {}", a, net);
        }
        let sub = Ipv6Net::new(near, p).expect("prefix is at most 128");
        let expected = theirs.contains(&ipnet_of(sub));
        prop_assert_eq!(net.contains_net(&sub), expected, "{} in {}", sub, net);
    }

    #[test]
    fn subnets_match_ipnet(net in any_net(), extra in 0u8..=10) {
        let new_prefix = net.prefix_len().saturating_add(extra).min(128);
        let theirs = ipnet_of(net).subnets(new_prefix).expect("valid new prefix");
        let ours = net.subnets(new_prefix).expect("valid new prefix");
        // At most 2^10 subnets here, so both lists are small enough to compare whole.
        prop_assert_eq!(ours.size_hint().0, 1usize << (new_prefix - net.prefix_len()));
        let ours: Vec<Ipv6Net> = ours.collect();
        let theirs: Vec<ipnet::Ipv6Net> = theirs.collect();
        prop_assert_eq!(ours.len(), theirs.len());
        for (a, b) in ours.iter().zip(&theirs) {
            prop_assert!(same_net(*a, *b), "{} vs {}", a, b);
        }
    }

    #[test]
    fn subnets_start_like_ipnet(net in any_net(), new_prefix in 0u8..=128) {
        match (net.subnets(new_prefix), ipnet_of(net).subnets(new_prefix)) {
            (Ok(ours), Ok(theirs)) => {
                for (a, b) in ours.zip(theirs).take(5) {
                    prop_assert!(same_net(a, b), "{} vs {}", a, b);
                }
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
        }
    }

    #[test]
    fn summarize_matches_ipnet_aggregate(nets in crowded_nets()) {
        let theirs = ipnet::Ipv6Net::aggregate(&nets.iter().map(|&n| ipnet_of(n)).collect());
        let ours = summarize(&nets);
        prop_assert_eq!(ours.len(), theirs.len(), "{:?} vs {:?}", ours, theirs);
        for (a, b) in ours.iter().zip(&theirs) {
            prop_assert!(same_net(*a, *b), "{} vs {}", a, b);
        }
        // Every input address is covered, and nothing else.
        for n in &nets {
            prop_assert!(ours.iter().any(|s| s.contains_net(n)));
        }
    }

    #[test]
    fn summarize_matches_ipnet_anywhere(nets in prop::collection::vec(any_net(), 0..12)) {
        let theirs = ipnet::Ipv6Net::aggregate(&nets.iter().map(|&n| ipnet_of(n)).collect());
        let ours = summarize(&nets);
        prop_assert_eq!(ours.len(), theirs.len(), "{:?} vs {:?}", ours, theirs);
        for (a, b) in ours.iter().zip(&theirs) {
            prop_assert!(same_net(*a, *b), "{} vs {}", a, b);
        }
    }
}
