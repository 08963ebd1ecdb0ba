//! Unit tests of `ipv6`: every spelling an address may have, every way a text can fail to
//! be one, RFC 5952's canonical text, and the special ranges. (The examples in the docs are
//! tests too.)

use super::*;

fn p(s: &str) -> Ipv6Addr {
    match parse_ipv6(s) {
        Ok(a) => a,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

fn err(s: &str) -> Ipv6ParseError {
    match parse_ipv6(s) {
        Ok(a) => panic!("{s:?} should not parse, got {a:?}"),
        Err(e) => e,
    }
}

#[test]
fn parses_full_and_shortened_forms() {
    let doc1 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    assert_eq!(p("2001:0db8:0000:0000:0000:0000:0000:0001"), doc1);
    assert_eq!(p("2001:db8:0:0:0:0:0:1"), doc1);
    assert_eq!(p("2001:db8::1"), doc1);
    assert_eq!(p("2001:DB8::0:1"), doc1);
    assert_eq!(p("::"), Ipv6Addr::UNSPECIFIED);
    assert_eq!(p("::1"), Ipv6Addr::LOCALHOST);
    assert_eq!(p("1::"), Ipv6Addr::new(1, 0, 0, 0, 0, 0, 0, 0));
    assert_eq!(p("0:0:0:0:0:0:0:0"), Ipv6Addr::UNSPECIFIED);
    assert_eq!(
        p("ffff:FFFF:ffff:ffff:ffff:ffff:ffff:ffff").to_bits(),
        u128::MAX
    );
}

#[test]
fn double_colon_can_stand_for_a_single_group() {
    // RFC 4291 allows it (RFC 5952 only says not to print it that way).
    assert_eq!(p("1:2:3:4:5:6:7::"), Ipv6Addr::new(1, 2, 3, 4, 5, 6, 7, 0));
    assert_eq!(p("::1:2:3:4:5:6:7"), Ipv6Addr::new(0, 1, 2, 3, 4, 5, 6, 7));
    assert_eq!(p("1:2:3::5:6:7:8"), Ipv6Addr::new(1, 2, 3, 0, 5, 6, 7, 8));
}

#[test]
fn parses_a_trailing_dotted_ipv4_part() {
    assert_eq!(
        p("::ffff:192.0.2.1"),
        Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x201)
    );
    assert_eq!(
        p("64:ff9b::1.2.3.4"),
        Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0x102, 0x304)
    );
    assert_eq!(
        p("::1.2.3.4"),
        Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0x102, 0x304)
    );
    assert_eq!(
        p("1:2:3:4:5:6:1.2.3.4"),
        Ipv6Addr::new(1, 2, 3, 4, 5, 6, 0x102, 0x304)
    );
    assert_eq!(
        p("1:2:3:4:5::1.2.3.4"),
        Ipv6Addr::new(1, 2, 3, 4, 5, 0, 0x102, 0x304)
    );
}

#[test]
fn rejects_empty() {
    assert_eq!(err(""), Ipv6ParseError::Empty);
}

#[test]
fn rejects_zone_index() {
    assert_eq!(
        err("fe80::1%eth0"),
        Ipv6ParseError::ZoneIndex {
            zone: "eth0".into()
        }
    );
    assert!(err("fe80::1%2").to_string().contains("not supported"));
}

#[test]
fn rejects_brackets() {
    assert_eq!(err("[::1]"), Ipv6ParseError::Brackets);
    assert_eq!(err("[::1]:80"), Ipv6ParseError::Brackets);
}

#[test]
fn rejects_invalid_characters_and_says_where() {
    assert_eq!(
        err("2001:db8::g"),
        Ipv6ParseError::InvalidChar {
            ch: 'g',
            position: 11
        }
    );
    assert_eq!(
        err(" ::1"),
        Ipv6ParseError::InvalidChar {
            ch: ' ',
            position: 1
        }
    );
    assert_eq!(
        err("::1/64"),
        Ipv6ParseError::InvalidChar {
            ch: '/',
            position: 4
        }
    );
    // Positions count characters, not bytes.
    assert_eq!(
        err("é:x"),
        Ipv6ParseError::InvalidChar {
            ch: 'é',
            position: 1
        }
    );
    assert_eq!(
        err("1:：2"),
        Ipv6ParseError::InvalidChar {
            ch: '：',
            position: 3
        }
    );
    let message = err("2001:db8::g").to_string();
    assert!(
        message.contains("'g'") && message.contains("position 11"),
        "{message}"
    );
}

#[test]
fn rejects_more_than_one_double_colon() {
    for s in ["1::2::3", "::1::", ":::", "1:::2", "::::", "1::2:::3"] {
        assert_eq!(err(s), Ipv6ParseError::MultipleDoubleColons, "{s}");
    }
}

#[test]
fn rejects_single_colon_at_either_end() {
    assert_eq!(err(":"), Ipv6ParseError::LeadingColon);
    assert_eq!(err(":1:2:3:4:5:6:7:8"), Ipv6ParseError::LeadingColon);
    assert_eq!(err(":1::2"), Ipv6ParseError::LeadingColon);
    assert_eq!(err("1:2:3:4:5:6:7:8:"), Ipv6ParseError::TrailingColon);
    assert_eq!(err("1::2:"), Ipv6ParseError::TrailingColon);
}

#[test]
fn counts_groups() {
    assert_eq!(
        err("1:2:3:4:5:6:7"),
        Ipv6ParseError::TooFewGroups { found: 7 }
    );
    assert_eq!(err("1"), Ipv6ParseError::TooFewGroups { found: 1 });
    assert_eq!(
        err("1:2:3:4:5:6:7:8:9"),
        Ipv6ParseError::TooManyGroups { found: 9 }
    );
    assert_eq!(
        err("1:2:3:4:5:6:7:1.2.3.4"),
        Ipv6ParseError::TooManyGroups { found: 9 }
    );
    assert_eq!(
        err("1:2:3:4:5:1.2.3.4"),
        Ipv6ParseError::TooFewGroups { found: 7 }
    );
    assert_eq!(
        err("1:2:3:4:5:6:7:8::"),
        Ipv6ParseError::TooManyGroupsWithDoubleColon { found: 8 }
    );
    assert_eq!(
        err("1::2:3:4:5:6:7:8"),
        Ipv6ParseError::TooManyGroupsWithDoubleColon { found: 8 }
    );
    assert_eq!(
        err("1:2:3:4:5:6::1.2.3.4"),
        Ipv6ParseError::TooManyGroupsWithDoubleColon { found: 8 }
    );
    assert!(err("1:2:3").to_string().contains("found 3"));
}

#[test]
fn rejects_long_groups() {
    assert_eq!(
        err("2001:db8::12345"),
        Ipv6ParseError::GroupTooLong {
            group: "12345".into(),
            position: 11
        }
    );
    assert_eq!(
        err("00000::"),
        Ipv6ParseError::GroupTooLong {
            group: "00000".into(),
            position: 1
        }
    );
    assert!(err("::12345").to_string().contains("5 hex digits"));
}

#[test]
fn rejects_bad_or_misplaced_ipv4_parts() {
    assert!(matches!(err("::ffff:1.2.3"), Ipv6ParseError::BadIpv4 { text, .. } if text == "1.2.3"));
    assert!(matches!(
        err("::ffff:1.2.3.256"),
        Ipv6ParseError::BadIpv4 { .. }
    ));
    assert!(matches!(
        err("::ffff:1.2.3.4.5"),
        Ipv6ParseError::BadIpv4 { .. }
    ));
    assert!(matches!(err("::1.2.3.a"), Ipv6ParseError::BadIpv4 { .. }));
    assert!(matches!(err("::1..2.3"), Ipv6ParseError::BadIpv4 { .. }));
    assert!(matches!(err("::."), Ipv6ParseError::BadIpv4 { .. }));
    assert_eq!(
        err("1.2.3.4::"),
        Ipv6ParseError::Ipv4NotLast { position: 1 }
    );
    assert_eq!(
        err("::1.2.3.4:1"),
        Ipv6ParseError::Ipv4NotLast { position: 3 }
    );
    assert_eq!(err("1.2.3.4"), Ipv6ParseError::TooFewGroups { found: 2 });
    assert!(err("::ffff:1.2.3.256")
        .to_string()
        .starts_with("bad IPv4 part '1.2.3.256': "));
}

#[test]
fn formats_rfc_5952_section_4_examples() {
    let cases = [
        ("2001:db8::1", "2001:db8:0:0:0:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1::1", "2001:0:0:1:0:0:0:1"),
        ("2001:db8::1:0:0:1", "2001:db8:0:0:1:0:0:1"),
        ("2001:db8::aaaa:0:0:1", "2001:0DB8:0:0:AAAA:0:0:1"),
        ("::", "0:0:0:0:0:0:0:0"),
        ("::1", "0:0:0:0:0:0:0:1"),
        ("1::", "1:0:0:0:0:0:0:0"),
        ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7::"),
        ("0:1:2:3:4:5:6:7", "::1:2:3:4:5:6:7"),
        ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
        ("fe80::1:0:0:0", "fe80:0:0:0:1:0:0:0"),
        ("::ffff:192.0.2.1", "0:0:0:0:0:ffff:c000:0201"),
        ("::ffff:0.0.0.0", "::ffff:0:0"),
        // Not mapped: these stay in hex.
        ("::c000:201", "::192.0.2.1"),
        ("::1:ffff:c000:201", "::1:ffff:c000:201"),
        ("64:ff9b::c000:201", "64:ff9b::192.0.2.1"),
    ];
    for (canonical, input) in cases {
        assert_eq!(format_ipv6(p(input)), canonical, "{input}");
    }
}

#[test]
fn explodes_and_prints_binary() {
    let a = p("2001:db8::ff");
    assert_eq!(explode(a), "2001:0db8:0000:0000:0000:0000:0000:00ff");
    assert_eq!(
        explode(Ipv6Addr::UNSPECIFIED),
        "0000:0000:0000:0000:0000:0000:0000:0000"
    );
    let bits = to_binary(a);
    assert_eq!(bits.len(), 8 * 16 + 7);
    assert!(bits.starts_with("0010000000000001:0000110110111000:"));
    assert!(bits.ends_with(":0000000011111111"));
}

#[test]
fn classifies() {
    assert!(is_loopback(p("::1")) && !is_loopback(p("::")) && !is_loopback(p("::2")));
    assert!(is_unspecified(p("::")) && !is_unspecified(p("::1")));
    assert!(is_link_local(p("fe80::")) && is_link_local(p("febf:ffff::")));
    assert!(!is_link_local(p("fe7f::")) && !is_link_local(p("fec0::")));
    assert!(is_unique_local(p("fc00::")) && is_unique_local(p("fdff::1")));
    assert!(!is_unique_local(p("fbff::")) && !is_unique_local(p("fe00::")));
    assert!(is_multicast(p("ff00::")) && is_multicast(p("ffff::")) && !is_multicast(p("fe00::")));
    assert!(is_documentation(p("2001:db8::")) && is_documentation(p("2001:db8:ffff::")));
    assert!(!is_documentation(p("2001:db7::")) && !is_documentation(p("2001:db9::")));
    assert_eq!(
        to_ipv4_mapped(p("::ffff:10.0.0.1")),
        Some(Ipv4Addr::new(10, 0, 0, 1))
    );
    assert_eq!(to_ipv4_mapped(p("::ffff:0:0")), Some(Ipv4Addr::UNSPECIFIED));
    assert_eq!(to_ipv4_mapped(p("::1:ffff:0:0")), None);
    assert_eq!(to_ipv4_mapped(p("::fffe:0:0")), None);
}

#[test]
fn multicast_scopes() {
    let scope = |s| multicast_scope(p(s));
    assert_eq!(scope("ff01::1"), Some("interface-local"));
    assert_eq!(scope("ff02::1"), Some("link-local"));
    assert_eq!(scope("ff12::1"), Some("link-local")); // flags do not change the scope
    assert_eq!(scope("ff03::1"), Some("realm-local"));
    assert_eq!(scope("ff04::1"), Some("admin-local"));
    assert_eq!(scope("ff05::2"), Some("site-local"));
    assert_eq!(scope("ff08::1"), Some("organization-local"));
    assert_eq!(scope("ff0e::1"), Some("global"));
    assert_eq!(scope("ff00::1"), Some("reserved"));
    assert_eq!(scope("ff0f::1"), Some("reserved"));
    assert_eq!(scope("ff06::1"), Some("unassigned"));
    assert_eq!(scope("fe80::1"), None);
}

#[test]
fn special_range_labels() {
    let labels = |s| special_ranges(p(s));
    assert_eq!(labels("::"), ["unspecified (RFC 4291)"]);
    assert_eq!(labels("::ffff:1.2.3.4"), ["IPv4-mapped (RFC 4291)"]);
    assert_eq!(
        labels("::1.2.3.4"),
        ["IPv4-compatible, deprecated (RFC 4291)"]
    );
    assert_eq!(
        labels("64:ff9b::1.2.3.4"),
        ["IPv4/IPv6 translation (RFC 6052)"]
    );
    assert_eq!(labels("100::1"), ["discard-only (RFC 6666)"]);
    assert_eq!(
        labels("2001::1"),
        [
            "IETF protocol assignments (RFC 2928)",
            "Teredo tunnelling (RFC 4380)"
        ]
    );
    assert_eq!(labels("2002:c000:201::1"), ["6to4 (RFC 3056)"]);
    assert_eq!(labels("3fff:fff::1"), ["documentation (RFC 9637)"]);
    assert_eq!(labels("fd00::1"), ["unique local (RFC 4193)"]);
    assert_eq!(labels("fec0::1"), ["site-local, deprecated (RFC 3879)"]);
    assert_eq!(
        labels("ff02::1"),
        [
            "multicast (RFC 4291)",
            "all nodes on the link, what IPv4 broadcast did (RFC 4291)"
        ]
    );
    assert_eq!(labels("ff02::1:ff12:3456").len(), 2);
    assert_eq!(labels("2400:cb00::1"), ["global unicast (RFC 4291)"]);
    assert!(labels("4000::1").is_empty());
    assert!(labels("1::").is_empty());
}
