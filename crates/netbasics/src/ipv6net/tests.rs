//! Unit tests of `ipv6net`: the figures at the edges (/0, /64, /127, /128), subnets,
//! parsing and its errors, and summarising. (The examples in the docs are tests too.)

use super::summarize::range_to_nets;
use super::*;

fn net(s: &str) -> Ipv6Net {
    match s.parse() {
        Ok(n) => n,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

fn addr(s: &str) -> Ipv6Addr {
    match parse_ipv6(s) {
        Ok(a) => a,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

fn texts(nets: &[Ipv6Net]) -> Vec<String> {
    nets.iter().map(|n| n.to_string()).collect()
}

#[test]
fn masks_at_the_edges() {
    assert_eq!(mask(0), 0);
    assert_eq!(mask(1), 1 << 127);
    assert_eq!(mask(64), u128::MAX << 64);
    assert_eq!(mask(127), u128::MAX - 1);
    assert_eq!(mask(128), u128::MAX);
    for p in 0..=128u8 {
        let m = mask(p);
        assert_eq!(m.leading_ones(), u32::from(p));
        assert_eq!(netmask_to_prefix(Ipv6Addr::from_bits(m)), Ok(p));
    }
    assert_eq!(
        prefix_to_netmask(255),
        Err(Net6Error::PrefixTooLong { prefix: 255 })
    );
    let holey = addr("ffff::1");
    assert_eq!(
        netmask_to_prefix(holey),
        Err(Net6Error::NotANetmask { mask: holey })
    );
    assert!(Net6Error::NotANetmask { mask: holey }
        .to_string()
        .starts_with("ffff::1 is not a netmask"));
}

#[test]
fn slash_0() {
    let n = net("2001:db8::1/0");
    assert_eq!(n.network(), Ipv6Addr::UNSPECIFIED);
    assert_eq!(n.last_address().to_bits(), u128::MAX);
    assert_eq!(n.netmask(), Ipv6Addr::UNSPECIFIED);
    assert_eq!(n.hostmask().to_bits(), u128::MAX);
    assert_eq!(n.num_addresses(), None);
    assert_eq!(n.num_addresses_log2(), 128);
    assert!(n.contains(Ipv6Addr::UNSPECIFIED) && n.contains(Ipv6Addr::from_bits(u128::MAX)));
    assert!(n.contains_net(&net("::/0")) && n.contains_net(&net("ff::/8")));
    assert_eq!(n.supernet(), None);
    assert_eq!(n.trunc().to_string(), "::/0");
    assert_eq!(
        texts(&n.subnets(0).expect("/0 into /0").collect::<Vec<_>>()),
        ["::/0"]
    );
    assert_eq!(
        texts(&n.subnets(1).expect("/0 into /1").collect::<Vec<_>>()),
        ["::/1", "8000::/1"]
    );
    // 2^128 subnets: too many to count, but the first ones come at once.
    let mut all = n.subnets(128).expect("/0 into /128");
    assert_eq!(all.size_hint(), (usize::MAX, None));
    assert_eq!(all.nth(2), Some(net("::2/128")));
}

#[test]
fn slash_64() {
    let n = net("2001:db8:a:b:1:2:3:4/64");
    assert_eq!(n.addr(), addr("2001:db8:a:b:1:2:3:4"));
    assert_eq!(n.network(), addr("2001:db8:a:b::"));
    assert_eq!(n.last_address(), addr("2001:db8:a:b:ffff:ffff:ffff:ffff"));
    assert_eq!(n.netmask(), addr("ffff:ffff:ffff:ffff::"));
    assert_eq!(n.hostmask(), addr("::ffff:ffff:ffff:ffff"));
    assert_eq!(n.num_addresses(), Some(1 << 64));
    assert!(n.contains(addr("2001:db8:a:b::")) && n.contains(addr("2001:db8:a:b:ffff::")));
    assert!(!n.contains(addr("2001:db8:a:c::")) && !n.contains(addr("2001:db8:a:a:ffff::")));
    assert_eq!(n.supernet(), Some(net("2001:db8:a:a::/63")));
    assert_eq!(n.to_string(), "2001:db8:a:b:1:2:3:4/64");
    assert_eq!(n.trunc().to_string(), "2001:db8:a:b::/64");
    let mut subnets = n.subnets(66).expect("/64 into /66");
    assert_eq!(subnets.size_hint(), (4, Some(4)));
    assert_eq!(subnets.next(), Some(net("2001:db8:a:b::/66")));
    assert_eq!(
        texts(&subnets.collect::<Vec<_>>()),
        [
            "2001:db8:a:b:4000::/66",
            "2001:db8:a:b:8000::/66",
            "2001:db8:a:b:c000::/66"
        ]
    );
}

#[test]
fn slash_127_and_128() {
    let p2p = net("2001:db8::3/127");
    assert_eq!(p2p.network(), addr("2001:db8::2"));
    assert_eq!(p2p.last_address(), addr("2001:db8::3"));
    assert_eq!(p2p.num_addresses(), Some(2));
    assert_eq!(p2p.hostmask(), addr("::1"));
    assert_eq!(
        texts(
            &p2p.subnets(128)
                .expect("/127 into /128")
                .collect::<Vec<_>>()
        ),
        ["2001:db8::2/128", "2001:db8::3/128"]
    );

    let one = net("2001:db8::3/128");
    assert_eq!(one.network(), one.addr());
    assert_eq!(one.last_address(), one.addr());
    assert_eq!(one.num_addresses(), Some(1));
    assert_eq!(one.num_addresses_log2(), 0);
    assert_eq!(one.hostmask(), Ipv6Addr::UNSPECIFIED);
    assert!(one.contains(addr("2001:db8::3")) && !one.contains(addr("2001:db8::2")));
    assert_eq!(one.supernet(), Some(net("2001:db8::2/127")));
    assert_eq!(
        texts(
            &one.subnets(128)
                .expect("/128 into /128")
                .collect::<Vec<_>>()
        ),
        ["2001:db8::3/128"]
    );

    // The very top of the address space: the iterator must stop without overflowing.
    let top = net("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
    let subs: Vec<_> = top.subnets(128).expect("/127 into /128").collect();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[1].addr().to_bits(), u128::MAX);
}

#[test]
fn bad_subnet_prefixes() {
    let n = net("2001:db8::/32");
    assert_eq!(
        n.subnets(31).map(|_| ()),
        Err(Net6Error::BadSubnetPrefix {
            prefix: 32,
            new_prefix: 31
        })
    );
    assert_eq!(
        n.subnets(129).map(|_| ()),
        Err(Net6Error::BadSubnetPrefix {
            prefix: 32,
            new_prefix: 129
        })
    );
    assert!(n
        .subnets(31)
        .is_err_and(|e| e.to_string().contains("from 32 to 128")));
}

#[test]
fn contains_net_is_about_ranges() {
    let n = net("2001:db8::/32");
    assert!(n.contains_net(&net("2001:db8:ffff::/48")));
    assert!(n.contains_net(&net("2001:db8::1/128")));
    assert!(n.contains_net(&net("2001:db8:1::/32"))); // host bits do not matter
    assert!(!n.contains_net(&net("2001:db8::/31")));
    assert!(!n.contains_net(&net("2001:db9::/48")));
}

#[test]
fn parses_networks() {
    assert_eq!(
        net("::1"),
        Ipv6Net::new(Ipv6Addr::LOCALHOST, 128).expect("valid")
    );
    assert_eq!(net("::/0").prefix_len(), 0);
    assert_eq!(net("::/128").prefix_len(), 128);
    assert_eq!(net("::/064").prefix_len(), 64);
    assert_eq!(net("::/0000000000000000000128").prefix_len(), 128);
    assert_eq!(
        net("::ffff:10.0.0.0/104").to_string(),
        "::ffff:10.0.0.0/104"
    );

    let e = |s: &str| match s.parse::<Ipv6Net>() {
        Ok(n) => panic!("{s:?} should not parse, got {n}"),
        Err(e) => e,
    };
    assert_eq!(e("::/"), Net6Error::MissingPrefix);
    let bad = |t: &str| Net6Error::BadPrefix { text: t.into() };
    assert_eq!(e("::/129"), bad("129"));
    assert_eq!(e("::/1000"), bad("1000"));
    assert_eq!(
        e("::/99999999999999999999999999"),
        bad("99999999999999999999999999")
    );
    assert_eq!(e("::/-1"), bad("-1"));
    assert_eq!(e("::/+1"), bad("+1"));
    assert_eq!(e("::/ 64"), bad(" 64"));
    assert_eq!(e("::/64/64"), bad("64/64"));
    assert_eq!(e("::/ffff::"), bad("ffff::"));
    assert_eq!(e(""), Net6Error::Address(Ipv6ParseError::Empty));
    assert_eq!(e("/64"), Net6Error::Address(Ipv6ParseError::Empty));
    assert_eq!(
        e("1::2::3/64"),
        Net6Error::Address(Ipv6ParseError::MultipleDoubleColons)
    );
    // The address error's message comes through unchanged.
    assert_eq!(
        e("1::2::3/64").to_string(),
        Ipv6ParseError::MultipleDoubleColons.to_string()
    );
    assert!(e("::/129").to_string().contains("0 to 128"));
}

#[test]
fn orders_and_displays() {
    let mut nets = vec![net("2001:db8::/48"), net("::1"), net("2001:db8::/32")];
    nets.sort();
    assert_eq!(texts(&nets), ["::1/128", "2001:db8::/32", "2001:db8::/48"]);
    assert_eq!(format!("{:<12}|", net("::/0")), "::/0        |");
}

#[test]
fn summarizes() {
    let parse = |v: &[&str]| v.iter().map(|s| net(s)).collect::<Vec<_>>();
    let sum = |v: &[&str]| texts(&summarize(&parse(v)));

    assert!(summarize(&[]).is_empty());
    assert_eq!(sum(&["2001:db8::1/64"]), ["2001:db8::/64"]);
    // Two halves make the whole.
    assert_eq!(
        sum(&["2001:db8:8000::/33", "2001:db8::/33"]),
        ["2001:db8::/32"]
    );
    // Inside another, or a duplicate: gone.
    assert_eq!(
        sum(&["2001:db8::/32", "2001:db8:5::/48", "2001:db8::/32"]),
        ["2001:db8::/32"]
    );
    // Neighbours that are not two halves of one network stay apart.
    assert_eq!(
        sum(&["2001:db8:1::/48", "2001:db8:2::/48"]),
        ["2001:db8:1::/48", "2001:db8:2::/48"]
    );
    // Three of four quarters: a half and a quarter.
    assert_eq!(
        sum(&["2001:db8::/34", "2001:db8:4000::/34", "2001:db8:8000::/34"]),
        ["2001:db8::/33", "2001:db8:8000::/34"]
    );
    // Addresses fill up a /126 one at a time.
    assert_eq!(sum(&["::1", "::3", "::2", "::"]), ["::/126"]);
    assert_eq!(sum(&["::1", "::2"]), ["::1/128", "::2/128"]);
    // The edges of the address space.
    assert_eq!(sum(&["::/1", "8000::/1"]), ["::/0"]);
    assert_eq!(sum(&["::/0", "::1"]), ["::/0"]);
    assert_eq!(
        sum(&[
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
        ]),
        ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"]
    );
}

#[test]
fn range_to_nets_cuts_unaligned_ranges() {
    let mut out = Vec::new();
    range_to_nets(1, 6, &mut out);
    assert_eq!(texts(&out), ["::1/128", "::2/127", "::4/127", "::6/128"]);
    out.clear();
    range_to_nets(0, u128::MAX, &mut out);
    assert_eq!(texts(&out), ["::/0"]);
    out.clear();
    range_to_nets(1, u128::MAX, &mut out);
    assert_eq!(out.len(), 128);
    assert_eq!(out[0].to_string(), "::1/128");
    assert_eq!(out[127].to_string(), "8000::/1");
}
