//! Unit tests of `mac`: every written form, the flag bits, the errors, and property tests
//! that printing and parsing give back the same address. (The examples in the docs are
//! tests too.)

use super::*;
use proptest::prelude::*;

const SUN: MacAddr = MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]);

fn parse(s: &str) -> Result<MacAddr, MacParseError> {
    s.parse()
}

#[test]
fn all_forms_parse_to_the_same_address() {
    for form in [
        "08:00:20:0a:8c:6d",
        "08:00:20:0A:8C:6D",
        "08-00-20-0A-8C-6D",
        "08-00-20-0a-8c-6d",
        "0800.200a.8c6d",
        "0800.200A.8C6D",
        "0800200a8c6d",
        "0800200A8C6D",
        "  08:00:20:0a:8c:6d\n",
        "8:0:20:a:8c:6d",
    ] {
        assert_eq!(parse(form), Ok(SUN), "{form}");
    }
}

#[test]
fn forms_print() {
    assert_eq!(SUN.to_string(), "08:00:20:0a:8c:6d");
    assert_eq!(SUN.to_hyphen(), "08-00-20-0A-8C-6D");
    assert_eq!(SUN.to_cisco(), "0800.200a.8c6d");
    assert_eq!(SUN.to_bare(), "0800200a8c6d");
    assert_eq!(MacAddr::BROADCAST.to_string(), "ff:ff:ff:ff:ff:ff");
    assert_eq!(MacAddr::BROADCAST.to_hyphen(), "FF-FF-FF-FF-FF-FF");
}

#[test]
fn parts() {
    assert_eq!(SUN.oui(), [0x08, 0x00, 0x20]);
    assert_eq!(SUN.nic(), [0x0a, 0x8c, 0x6d]);
    assert_eq!(SUN.octets(), [0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]);
    assert_eq!(<[u8; 6]>::from(SUN), SUN.octets());
    assert_eq!(MacAddr::from(SUN.octets()), SUN);
}

#[test]
fn flag_bits() {
    // First byte 0x08: both flag bits 0.
    assert!(SUN.is_unicast() && !SUN.is_multicast());
    assert!(SUN.is_universal() && !SUN.is_local());
    assert!(!SUN.is_broadcast());

    let multicast = MacAddr::new([0x01, 0x00, 0x5e, 0, 0, 0xfb]);
    assert!(multicast.is_multicast() && multicast.is_universal());
    assert!(!multicast.is_broadcast());

    let local = MacAddr::new([0x02, 0x42, 0xac, 0x11, 0, 2]);
    assert!(local.is_local() && local.is_unicast());

    let local_multicast = MacAddr::new([0x03, 0, 0, 0, 0, 0]);
    assert!(local_multicast.is_local() && local_multicast.is_multicast());

    assert!(MacAddr::BROADCAST.is_broadcast());
    assert!(MacAddr::BROADCAST.is_multicast());
    assert!(MacAddr::BROADCAST.is_local());
    assert!(!MacAddr::new([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]).is_broadcast());
    assert!(!MacAddr::new([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff]).is_broadcast());

    // Only bits 0 and 1 matter: 0xfc has both clear.
    let high_bits = MacAddr::new([0xfc, 0, 0, 0, 0, 0]);
    assert!(high_bits.is_unicast() && high_bits.is_universal());
}

#[test]
fn binary_and_eui64() {
    assert_eq!(
        SUN.to_binary(),
        "00001000 00000000 00100000 00001010 10001100 01101101"
    );
    assert_eq!(
        SUN.to_eui64_interface_id(),
        [0x0a, 0x00, 0x20, 0xff, 0xfe, 0x0a, 0x8c, 0x6d]
    );
    // A local address gets its U/L bit cleared.
    let local = MacAddr::new([0x02, 0x42, 0xac, 0x11, 0x00, 0x02]);
    assert_eq!(local.to_eui64_interface_id()[0], 0x00);
    assert_eq!(
        local.to_ipv6_link_local(),
        "fe80::42:acff:fe11:2".parse::<Ipv6Addr>().unwrap()
    );
}

#[test]
fn errors() {
    assert_eq!(parse(""), Err(MacParseError::Empty));
    assert_eq!(parse("  "), Err(MacParseError::Empty));
    assert_eq!(
        parse("08:00:2g:0a:8c:6d"),
        Err(MacParseError::BadDigit {
            ch: 'g',
            position: 8
        })
    );
    assert_eq!(
        parse("08 00 20 0a 8c 6d"),
        Err(MacParseError::BadDigit {
            ch: ' ',
            position: 3
        })
    );
    assert_eq!(
        parse("０8:00:20:0a:8c:6d"),
        Err(MacParseError::BadDigit {
            ch: '０',
            position: 1
        })
    );
    assert_eq!(
        parse("08:00-20:0a:8c:6d"),
        Err(MacParseError::MixedSeparators {
            first: ':',
            second: '-'
        })
    );
    assert_eq!(
        parse("0800200a8c6"),
        Err(MacParseError::WrongLength { digits: 11 })
    );
    assert_eq!(
        parse("0800200a8c6d00"),
        Err(MacParseError::WrongLength { digits: 14 })
    );
    assert!(matches!(
        parse("08:00:20:0a:8c"),
        Err(MacParseError::WrongGroupCount {
            separator: ':',
            found: 5,
            expected: 6,
            ..
        })
    ));
    assert!(matches!(
        parse("08:00:20:0a:8c:6d:00"),
        Err(MacParseError::WrongGroupCount { found: 7, .. })
    ));
    assert!(matches!(
        parse("0800.200a8c6d"),
        Err(MacParseError::WrongGroupCount {
            separator: '.',
            found: 2,
            expected: 3,
            ..
        })
    ));
    assert!(matches!(
        parse("080:00:20:0a:8c:6d"),
        Err(MacParseError::WrongGroupSize {
            group: 1,
            digits: 3,
            ..
        })
    ));
    assert!(matches!(
        parse("08::20:0a:8c:6d"),
        Err(MacParseError::WrongGroupSize {
            group: 2,
            digits: 0,
            ..
        })
    ));
    assert!(matches!(
        parse("08-0-20-0A-8C-6D"),
        Err(MacParseError::WrongGroupSize {
            separator: '-',
            group: 2,
            digits: 1,
            ..
        })
    ));
    assert!(matches!(
        parse("080.0200a.8c6d"),
        Err(MacParseError::WrongGroupSize {
            separator: '.',
            group: 1,
            digits: 3,
            ..
        })
    ));
    assert!(matches!(
        parse(":08:00:20:0a:8c"),
        Err(MacParseError::WrongGroupSize {
            group: 1,
            digits: 0,
            ..
        })
    ));
}

#[test]
fn error_messages_say_what_is_expected() {
    let message = parse("08:00:2g:0a:8c:6d").unwrap_err().to_string();
    assert!(
        message.contains("'g' at position 8 is not a hex digit"),
        "{message}"
    );
    let message = parse("0800200a8c6").unwrap_err().to_string();
    assert!(
        message.contains("11 hex digits: a MAC address has 12"),
        "{message}"
    );
    let message = parse("08:00:20:0a:8c").unwrap_err().to_string();
    assert!(
        message.contains("5 groups separated by ':': expected 6"),
        "{message}"
    );
    let message = parse("080:00:20:0a:8c:6d").unwrap_err().to_string();
    assert!(
        message.contains("group 1 ('080') has 3 hex digits"),
        "{message}"
    );
}

fn any_mac() -> impl Strategy<Value = MacAddr> {
    any::<[u8; 6]>().prop_map(MacAddr::new)
}

proptest! {
    #[test]
    fn every_form_round_trips(mac in any_mac()) {
        prop_assert_eq!(parse(&mac.to_string()), Ok(mac));
        prop_assert_eq!(parse(&mac.to_string().to_uppercase()), Ok(mac));
        prop_assert_eq!(parse(&mac.to_hyphen()), Ok(mac));
        prop_assert_eq!(parse(&mac.to_hyphen().to_lowercase()), Ok(mac));
        prop_assert_eq!(parse(&mac.to_cisco()), Ok(mac));
        prop_assert_eq!(parse(&mac.to_bare()), Ok(mac));
    }

    #[test]
    fn flags_match_the_first_byte(mac in any_mac()) {
        let first = mac.octets()[0];
        prop_assert_eq!(mac.is_multicast(), first & 1 == 1);
        prop_assert_eq!(mac.is_local(), first & 2 == 2);
        prop_assert_ne!(mac.is_multicast(), mac.is_unicast());
        prop_assert_ne!(mac.is_local(), mac.is_universal());
        let id = mac.to_eui64_interface_id();
        prop_assert_eq!(id[0] ^ 0x02, first);
    }

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_mac_like_text(s in "[0-9a-fA-F:.\\-]{0,20}") {
        if let Ok(mac) = parse(&s) {
            // Whatever parses prints back as six two-digit groups.
            prop_assert_eq!(mac.to_string().len(), 17);
        }
    }
}
