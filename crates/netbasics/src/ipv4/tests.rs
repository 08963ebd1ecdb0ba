//! Unit tests of `ipv4`: every way a text can fail to be an address, the classes, and the
//! edges of the special ranges. (The examples in the docs are tests too.)

use super::*;

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("test addresses are valid")
}

#[test]
fn parses_the_extremes() {
    assert_eq!(parse_ipv4("0.0.0.0"), Ok(Ipv4Addr::new(0, 0, 0, 0)));
    assert_eq!(parse_ipv4("255.255.255.255"), Ok(Ipv4Addr::BROADCAST));
    assert_eq!(parse_ipv4("1.2.3.4"), Ok(Ipv4Addr::new(1, 2, 3, 4)));
    assert_eq!(parse_ipv4("10.0.200.99"), Ok(Ipv4Addr::new(10, 0, 200, 99)));
}

#[test]
fn empty_input() {
    assert_eq!(parse_ipv4(""), Err(Ipv4ParseError::Empty));
    assert!(Ipv4ParseError::Empty.to_string().contains("empty"));
}

#[test]
fn too_few_octets() {
    assert_eq!(
        parse_ipv4("192.168.1"),
        Err(Ipv4ParseError::TooFewOctets { found: 3 })
    );
    assert_eq!(
        parse_ipv4("1234"),
        Err(Ipv4ParseError::TooFewOctets { found: 1 })
    );
    assert_eq!(
        parse_ipv4("1.2"),
        Err(Ipv4ParseError::TooFewOctets { found: 2 })
    );
    let message = Ipv4ParseError::TooFewOctets { found: 3 }.to_string();
    assert!(message.contains("found 3 of the 4 octets"), "{message}");
}

#[test]
fn too_many_octets() {
    assert_eq!(
        parse_ipv4("1.2.3.4.5"),
        Err(Ipv4ParseError::TooManyOctets { found: 5 })
    );
    // A trailing dot makes a fifth (empty) part.
    assert_eq!(
        parse_ipv4("1.2.3.4."),
        Err(Ipv4ParseError::TooManyOctets { found: 5 })
    );
    assert_eq!(
        parse_ipv4("......"),
        Err(Ipv4ParseError::TooManyOctets { found: 7 })
    );
}

#[test]
fn empty_octets() {
    assert_eq!(
        parse_ipv4("1..2.3"),
        Err(Ipv4ParseError::EmptyOctet { octet: 2 })
    );
    assert_eq!(
        parse_ipv4(".1.2.3"),
        Err(Ipv4ParseError::EmptyOctet { octet: 1 })
    );
    assert_eq!(
        parse_ipv4("1.2.3."),
        Err(Ipv4ParseError::EmptyOctet { octet: 4 })
    );
    assert_eq!(
        parse_ipv4("..."),
        Err(Ipv4ParseError::EmptyOctet { octet: 1 })
    );
    assert_eq!(
        parse_ipv4("."),
        Err(Ipv4ParseError::TooFewOctets { found: 2 })
    );
}

#[test]
fn invalid_characters_say_which_and_where() {
    assert_eq!(
        parse_ipv4(" 1.2.3.4"),
        Err(Ipv4ParseError::InvalidChar {
            ch: ' ',
            position: 1,
            at_end: false
        })
    );
    assert_eq!(
        parse_ipv4("1.2.3.4 "),
        Err(Ipv4ParseError::InvalidChar {
            ch: ' ',
            position: 8,
            at_end: true
        })
    );
    assert_eq!(
        parse_ipv4("1.2.x.4"),
        Err(Ipv4ParseError::InvalidChar {
            ch: 'x',
            position: 5,
            at_end: false
        })
    );
    assert_eq!(
        parse_ipv4("10.0.0.1:80"),
        Err(Ipv4ParseError::InvalidChar {
            ch: ':',
            position: 9,
            at_end: false
        })
    );
    assert_eq!(
        parse_ipv4("-1.2.3.4"),
        Err(Ipv4ParseError::InvalidChar {
            ch: '-',
            position: 1,
            at_end: false
        })
    );
    assert_eq!(
        parse_ipv4("+1.2.3.4"),
        Err(Ipv4ParseError::InvalidChar {
            ch: '+',
            position: 1,
            at_end: false
        })
    );
    assert_eq!(
        parse_ipv4("x"),
        Err(Ipv4ParseError::InvalidChar {
            ch: 'x',
            position: 1,
            at_end: true
        })
    );
    // Positions count characters, not bytes; non-ASCII digits are not digits here.
    assert_eq!(
        parse_ipv4("1.2.3.٣"),
        Err(Ipv4ParseError::InvalidChar {
            ch: '٣',
            position: 7,
            at_end: true
        })
    );
    assert_eq!(
        parse_ipv4("é1.2.3.4"),
        Err(Ipv4ParseError::InvalidChar {
            ch: 'é',
            position: 1,
            at_end: false
        })
    );
    // Characters are checked before the octet count.
    assert!(matches!(
        parse_ipv4("1.2/24"),
        Err(Ipv4ParseError::InvalidChar { ch: '/', .. })
    ));
}

#[test]
fn invalid_character_messages() {
    let start = parse_ipv4(" 1.2.3.4")
        .expect_err("this input is invalid")
        .to_string();
    assert!(
        start.starts_with("' ' at position 1 (the start)"),
        "{start}"
    );
    assert!(start.contains("whitespace"), "{start}");
    let end = parse_ipv4("1.2.3.4\n")
        .expect_err("this input is invalid")
        .to_string();
    assert!(end.starts_with("'\\n' at position 8 (the end)"), "{end}");
    let middle = parse_ipv4("1.2.x.4")
        .expect_err("this input is invalid")
        .to_string();
    assert!(
        middle.starts_with("'x' at position 5 is not a digit or a dot:"),
        "{middle}"
    );
    assert!(!middle.contains("whitespace"), "{middle}");
    let port = parse_ipv4("10.0.0.1:80")
        .expect_err("this input is invalid")
        .to_string();
    assert!(
        port.contains("(a :port is not part of the address)"),
        "{port}"
    );
    let prefix = parse_ipv4("10.0.0.0/8")
        .expect_err("this input is invalid")
        .to_string();
    assert!(prefix.contains("(a /prefix makes a network"), "{prefix}");
}

#[test]
fn octet_too_large_names_octet_and_value() {
    assert_eq!(
        parse_ipv4("1.2.3.256"),
        Err(Ipv4ParseError::OctetTooLarge {
            octet: 4,
            text: "256".into()
        })
    );
    assert_eq!(
        parse_ipv4("300.2.3.4"),
        Err(Ipv4ParseError::OctetTooLarge {
            octet: 1,
            text: "300".into()
        })
    );
    assert_eq!(
        parse_ipv4("999.2.3.4"),
        Err(Ipv4ParseError::OctetTooLarge {
            octet: 1,
            text: "999".into()
        })
    );
    // Far too many digits: no overflow, the text is kept as written.
    let huge = "1".repeat(40);
    assert_eq!(
        parse_ipv4(&format!("1.{huge}.3.4")),
        Err(Ipv4ParseError::OctetTooLarge {
            octet: 2,
            text: huge
        })
    );
    let message = parse_ipv4("1.2.3.256")
        .expect_err("this input is invalid")
        .to_string();
    assert_eq!(
        message,
        "octet 4 is 256, but an octet is 8 bits and at most 255"
    );
}

#[test]
fn leading_zeros_are_rejected() {
    assert_eq!(
        parse_ipv4("010.0.0.1"),
        Err(Ipv4ParseError::LeadingZero {
            octet: 1,
            text: "010".into()
        })
    );
    assert_eq!(
        parse_ipv4("1.2.3.00"),
        Err(Ipv4ParseError::LeadingZero {
            octet: 4,
            text: "00".into()
        })
    );
    // A leading zero is reported even when the value would also be too large.
    assert_eq!(
        parse_ipv4("1.0300.3.4"),
        Err(Ipv4ParseError::LeadingZero {
            octet: 2,
            text: "0300".into()
        })
    );
    let message = parse_ipv4("010.0.0.1")
        .expect_err("this input is invalid")
        .to_string();
    assert!(message.contains("octal"), "{message}");
}

#[test]
fn errors_are_std_errors() {
    fn is_error<E: std::error::Error>(_: &E) {}
    is_error(&Ipv4ParseError::Empty);
}

#[test]
fn class_boundaries() {
    let cases = [
        ("0.0.0.0", Class::A),
        ("127.255.255.255", Class::A),
        ("128.0.0.0", Class::B),
        ("191.255.255.255", Class::B),
        ("192.0.0.0", Class::C),
        ("223.255.255.255", Class::C),
        ("224.0.0.0", Class::D),
        ("239.255.255.255", Class::D),
        ("240.0.0.0", Class::E),
        ("255.255.255.255", Class::E),
    ];
    for (addr, class) in cases {
        assert_eq!(Class::of(ip(addr)), class, "{addr}");
    }
}

#[test]
fn class_blocks_tile_the_address_space() {
    // Each class starts right after the previous one ends, from 0.0.0.0 to
    // 255.255.255.255, and first/last agree with `Class::of`.
    let mut expected_first = 0u32;
    for class in Class::ALL {
        assert_eq!(u32::from(class.first()), expected_first, "{class}");
        assert_eq!(Class::of(class.first()), class);
        assert_eq!(Class::of(class.last()), class);
        expected_first = u32::from(class.last()).wrapping_add(1);
    }
    assert_eq!(expected_first, 0, "class E ends at 255.255.255.255");
}

#[test]
fn class_leading_bits_match_first_address() {
    for class in Class::ALL {
        let bits = class.leading_bits();
        let first = to_binary(class.first());
        let last = to_binary(class.last());
        assert!(first.starts_with(bits), "{class}: {first}");
        assert!(last.starts_with(bits), "{class}: {last}");
    }
}

#[test]
fn class_facts() {
    assert_eq!(Class::A.default_prefix(), Some(8));
    assert_eq!(Class::B.default_prefix(), Some(16));
    assert_eq!(Class::C.default_prefix(), Some(24));
    assert_eq!(Class::D.default_prefix(), None);
    assert_eq!(Class::E.default_prefix(), None);
    assert_eq!(Class::A.networks(), Some(128));
    assert_eq!(Class::B.networks(), Some(16_384));
    assert_eq!(Class::C.networks(), Some(2_097_152));
    assert_eq!(Class::D.networks(), None);
    assert_eq!(Class::A.hosts_per_network(), Some(16_777_214));
    assert_eq!(Class::B.hosts_per_network(), Some(65_534));
    assert_eq!(Class::C.hosts_per_network(), Some(254));
    assert_eq!(Class::D.hosts_per_network(), None);
    assert_eq!(Class::E.description(), "reserved (experimental)");
    let letters: Vec<String> = Class::ALL.iter().map(|c| c.to_string()).collect();
    assert_eq!(letters, ["A", "B", "C", "D", "E"]);
    assert_eq!(format!("[{:>3}]", Class::B), "[  B]");
}

#[test]
fn private_ranges_and_their_edges() {
    for inside in [
        "10.0.0.0",
        "10.255.255.255",
        "172.16.0.0",
        "172.31.255.255",
        "192.168.0.0",
        "192.168.255.255",
    ] {
        assert!(is_private(ip(inside)), "{inside}");
    }
    for outside in [
        "9.255.255.255",
        "11.0.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "100.64.0.1",
        "127.0.0.1",
    ] {
        assert!(!is_private(ip(outside)), "{outside}");
    }
}

#[test]
fn other_ranges_and_their_edges() {
    assert!(is_loopback(ip("127.0.0.0")) && is_loopback(ip("127.255.255.255")));
    assert!(!is_loopback(ip("126.255.255.255")) && !is_loopback(ip("128.0.0.0")));
    assert!(is_link_local(ip("169.254.0.0")) && is_link_local(ip("169.254.255.255")));
    assert!(!is_link_local(ip("169.255.0.0")));
    assert!(is_multicast(ip("224.0.0.0")) && is_multicast(ip("239.255.255.255")));
    assert!(!is_multicast(ip("223.255.255.255")) && !is_multicast(ip("240.0.0.0")));
    assert!(is_broadcast(ip("255.255.255.255")) && !is_broadcast(ip("255.255.255.254")));
    assert!(is_unspecified(ip("0.0.0.0")) && !is_unspecified(ip("0.0.0.1")));
    for doc in [
        "192.0.2.0",
        "192.0.2.255",
        "198.51.100.0",
        "198.51.100.255",
        "203.0.113.0",
        "203.0.113.255",
    ] {
        assert!(is_documentation(ip(doc)), "{doc}");
    }
    for not_doc in [
        "192.0.1.255",
        "192.0.3.0",
        "198.51.99.255",
        "198.51.101.0",
        "203.0.112.255",
        "203.0.114.0",
    ] {
        assert!(!is_documentation(ip(not_doc)), "{not_doc}");
    }
    assert!(is_shared(ip("100.64.0.0")) && is_shared(ip("100.127.255.255")));
    assert!(!is_shared(ip("100.63.255.255")) && !is_shared(ip("100.128.0.0")));
    assert!(is_reserved(ip("240.0.0.0")) && is_reserved(ip("255.255.255.254")));
    assert!(!is_reserved(ip("239.255.255.255")) && !is_reserved(ip("255.255.255.255")));
}

#[test]
fn special_range_labels() {
    assert_eq!(special_ranges(ip("10.1.2.3")), ["private (RFC 1918)"]);
    assert_eq!(special_ranges(ip("127.0.0.1")), ["loopback (RFC 1122)"]);
    assert_eq!(special_ranges(ip("169.254.1.1")), ["link-local (RFC 3927)"]);
    assert_eq!(special_ranges(ip("224.0.0.1")), ["multicast (RFC 5771)"]);
    assert_eq!(
        special_ranges(ip("255.255.255.255")),
        ["limited broadcast (RFC 919)"]
    );
    assert_eq!(
        special_ranges(ip("250.1.1.1")),
        ["reserved for future use (RFC 1112)"]
    );
    assert_eq!(
        special_ranges(ip("203.0.113.9")),
        ["documentation (RFC 5737)"]
    );
    assert_eq!(
        special_ranges(ip("100.100.0.1")),
        ["shared address space, carrier-grade NAT (RFC 6598)"]
    );
    assert_eq!(special_ranges(ip("0.1.2.3")), ["this network (RFC 1122)"]);
    assert_eq!(
        special_ranges(ip("198.19.255.255")),
        ["benchmarking (RFC 2544)"]
    );
    assert_eq!(
        special_ranges(ip("192.0.0.8")),
        ["IETF protocol assignments (RFC 6890)"]
    );
    for public in [
        "8.8.8.8",
        "1.1.1.1",
        "223.255.255.255",
        "128.0.0.0",
        "172.32.0.1",
    ] {
        assert!(special_ranges(ip(public)).is_empty(), "{public}");
    }
}

#[test]
fn binary_form() {
    assert_eq!(
        to_binary(ip("0.0.0.0")),
        "00000000.00000000.00000000.00000000"
    );
    assert_eq!(
        to_binary(ip("255.255.255.255")),
        "11111111.11111111.11111111.11111111"
    );
    assert_eq!(
        to_binary(ip("192.168.1.1")),
        "11000000.10101000.00000001.00000001"
    );
    assert_eq!(
        to_binary(ip("10.0.0.128")),
        "00001010.00000000.00000000.10000000"
    );
}
