//! Unit tests of `packet`: golden packets from the course, FeiQ and IP Messenger, every
//! structural and text error, and property tests that what is encoded parses back. (The
//! examples in the docs are tests too.)

use super::*;
use proptest::prelude::*;

/// The bytes a packet is written as (the golden tests compare them exactly).
fn emitted(packet: &Packet, legacy: Encoding) -> Vec<u8> {
    packet.encode_in(legacy).unwrap()
}

#[test]
fn golden_course_message_gbk() {
    // Python: "1:123123:吴彦祖:吴彦祖-pc:32:haha".encode("gbk")
    let bytes: &[u8] = b"1:123123:\xce\xe2\xd1\xe5\xd7\xe6:\xce\xe2\xd1\xe5\xd7\xe6-pc:32:haha";
    let packet = Packet::new(
        123123,
        "吴彦祖",
        "吴彦祖-pc",
        Command::from_bits(32),
        "haha",
    );
    assert_eq!(emitted(&packet, Encoding::Gbk), bytes);
    assert_eq!(Packet::parse(bytes).unwrap(), packet);
}

#[test]
fn golden_gbk_message_with_receipt() {
    let bytes: &[u8] = b"1:1700000000:alice:alice-pc:288:\xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7";
    let packet = Packet::message(1_700_000_000, "alice", "alice-pc", "你好，世界");
    assert_eq!(emitted(&packet, Encoding::Gbk), bytes);
    assert_eq!(Packet::parse(bytes).unwrap(), packet);
}

#[test]
fn golden_utf8_message() {
    let bytes = "1:2:bob:bob-pc:8388896:你好".as_bytes();
    let packet = Packet::message(2, "bob", "bob-pc", "你好").with_option(opt::UTF8OPT);
    assert_eq!(emitted(&packet, Encoding::Gbk), bytes);
    assert_eq!(Packet::parse(bytes).unwrap(), packet);
}

#[test]
fn golden_feiq_entry() {
    // A FeiQ-style BR_ENTRY: long version, nickname, then NUL, group, NUL.
    let bytes: &[u8] =
        b"1_lbt6_0#128#001122334455#0#0#0#4001#9:1700000001:zhang:ZHANG-PC:6291457:\xd5\xc5\xc8\xfd\0\xbf\xaa\xb7\xa2\xb2\xbf\0";
    let packet = Packet::parse(bytes).unwrap();
    assert_eq!(packet.version, "1_lbt6_0#128#001122334455#0#0#0#4001#9");
    assert_eq!(packet.packet_no, 1_700_000_001);
    assert_eq!(packet.user, "zhang");
    assert_eq!(packet.host, "ZHANG-PC");
    assert_eq!(packet.command.mode(), Mode::BrEntry);
    assert_eq!(
        packet.command.to_string(),
        "BR_ENTRY|FILEATTACHOPT|ENCRYPTOPT"
    );
    assert_eq!(packet.extension, "张三");
    assert_eq!(packet.group(Encoding::Gbk).as_deref(), Some("开发部"));
    assert_eq!(emitted(&packet, Encoding::Gbk), bytes);
}

#[test]
fn golden_receipt_and_answer_entry() {
    assert_eq!(
        emitted(&Packet::receipt(10, "me", "pc", 123123), Encoding::Gbk),
        b"1:10:me:pc:33:123123"
    );
    assert_eq!(
        emitted(&Packet::answer_entry(11, "me", "pc", "Me"), Encoding::Gbk),
        b"1:11:me:pc:3:Me"
    );
}

#[test]
fn trailing_nul_is_kept() {
    let p = Packet::parse(b"1:1:u:h:32:hi\0").unwrap();
    assert_eq!(p.extension, "hi");
    assert_eq!(p.extra, Some(vec![]));
    assert_eq!(p.encode().unwrap(), b"1:1:u:h:32:hi\0");
    assert_eq!(p.group(Encoding::Gbk), None);
}

#[test]
fn empty_fields_are_allowed() {
    let p = Packet::parse(b"::::").unwrap_err();
    assert_eq!(p, PacketError::NotEnoughFields { found: 5 });
    let p = Packet::parse(b":0:::0:").unwrap();
    assert_eq!(p.version, "");
    assert_eq!(p.command.mode(), Mode::NoOperation);
    assert_eq!(p.extension, "");
}

#[test]
fn structural_errors() {
    assert_eq!(Packet::parse(b""), Err(PacketError::Empty));
    assert_eq!(
        Packet::parse(b"1:2:u:h:32"),
        Err(PacketError::NotEnoughFields { found: 5 })
    );
    let long = vec![b'a'; MAX_IPV4_PAYLOAD + 1];
    assert_eq!(
        Packet::parse(&long),
        Err(PacketError::TooLong {
            len: MAX_IPV4_PAYLOAD + 1,
            max: MAX_IPV4_PAYLOAD
        })
    );
}

#[test]
fn numbers_must_be_plain_decimal() {
    for bad in ["", "-1", "+1", " 1", "0x10", "1.5", "18446744073709551616"] {
        let bytes = format!("1:{bad}:u:h:32:x");
        assert_eq!(
            Packet::parse(bytes.as_bytes()),
            Err(PacketError::BadPacketNumber {
                text: bad.to_string(),
                offset: 2
            }),
            "{bad:?}"
        );
    }
    // The largest that fits, and leading zeros, are fine.
    let p = Packet::parse(b"1:18446744073709551615:u:h:32:x").unwrap();
    assert_eq!(p.packet_no, u64::MAX);
    assert_eq!(Packet::parse(b"1:007:u:h:32:x").unwrap().packet_no, 7);

    for bad in ["", "SENDMSG", "4294967296", "-32", "0x20"] {
        let bytes = format!("1:5:u:h:{bad}:x");
        assert_eq!(
            Packet::parse(bytes.as_bytes()),
            Err(PacketError::BadCommand {
                text: bad.to_string(),
                offset: 8
            }),
            "{bad:?}"
        );
    }
    assert!(Packet::parse(b"1:5:u:h:4294967295:x").is_ok());
}

#[test]
fn bad_text_points_at_the_byte() {
    // 0xff is never valid GBK; it is byte 13 of the packet.
    let err = Packet::parse(b"1:1:u:h:32:ab\xffcd").unwrap_err();
    assert_eq!(
        err,
        PacketError::BadText {
            field: Field::Extension,
            offset: 13,
            bytes: vec![0xff],
            encoding: Encoding::Gbk,
            looks_like_utf8: false,
        }
    );
    assert_eq!(
        err.to_string(),
        "the extension (field 6, the text) is not valid gbk: bytes ff at offset 13"
    );
    // In the user name, and with UTF8OPT set.
    let err = Packet::parse(b"1:1:\xc4:h:8388640:x").unwrap_err();
    assert!(matches!(
        err,
        PacketError::BadText {
            field: Field::User,
            offset: 4,
            encoding: Encoding::Utf8,
            ..
        }
    ));
    // What follows the NUL is not checked: its layout is the client's.
    assert!(Packet::parse(b"1:1:u:h:32:ok\0\xff\xff").is_ok());
}

#[test]
fn lossy_parse_keeps_bad_bytes_visible_and_reports_each_field() {
    // Bad bytes in the user and the text; the host is fine.
    let (p, bad) = Packet::parse_lossy(b"1:9:a\xffb:pc:288:ok\xff", Encoding::Gbk).unwrap();
    assert_eq!(p.user, r"a\xffb");
    assert_eq!(p.host, "pc");
    assert_eq!(p.extension, r"ok\xff");
    assert!(p.wants_receipt());
    assert_eq!(
        bad,
        [
            PacketError::BadText {
                field: Field::User,
                offset: 5,
                bytes: vec![0xff],
                encoding: Encoding::Gbk,
                looks_like_utf8: false,
            },
            PacketError::BadText {
                field: Field::Extension,
                offset: 17,
                bytes: vec![0xff],
                encoding: Encoding::Gbk,
                looks_like_utf8: false,
            },
        ]
    );
    // A UTF-8 character cut at the end of the text, with UTF8OPT.
    let (p, bad) = Packet::parse_lossy(b"1:1:u:h:8388640:x\xe4\xbd", Encoding::Gbk).unwrap();
    assert_eq!(p.extension, r"x\xe4\xbd");
    assert!(matches!(
        bad[..],
        [PacketError::BadText {
            offset: 17,
            encoding: Encoding::Utf8,
            ..
        }]
    ));
    // The common mistake: UTF-8 without UTF8OPT; the warning says so.
    let (_, bad) =
        Packet::parse_lossy("1:77:linuxuser:box:288:好".as_bytes(), Encoding::Gbk).unwrap();
    assert!(
        bad[0].to_string().contains("left out UTF8OPT"),
        "{}",
        bad[0]
    );
    // Control characters are data: kept as they are (showing them is show.rs's job).
    let (p, bad) = Packet::parse_lossy(b"1:1:u:h:32:a\nb\x1b[0m", Encoding::Gbk).unwrap();
    assert_eq!(p.extension, "a\nb\x1b[0m");
    assert!(bad.is_empty());
    // The structure is still checked strictly.
    assert_eq!(
        Packet::parse_lossy(b"1:2:u:h:SENDMSG:x", Encoding::Gbk).unwrap_err(),
        PacketError::BadCommand {
            text: "SENDMSG".into(),
            offset: 8
        }
    );
    assert_eq!(
        Packet::parse_lossy(b"", Encoding::Gbk).unwrap_err(),
        PacketError::Empty
    );
}

#[test]
fn only_ascii_compatible_encodings_carry_packets() {
    for encoding in Encoding::ALL {
        let result = packet_encoding(encoding);
        let expected_ok = !matches!(
            encoding,
            Encoding::Utf8Sig | Encoding::Utf16 | Encoding::Utf16Le | Encoding::Utf16Be
        );
        assert_eq!(result.is_ok(), expected_ok, "{encoding}");
    }
    let err = packet_encoding(Encoding::Utf8Sig).unwrap_err();
    assert_eq!(err.written, "ef bb bf 31 3a 32");
    assert!(
        err.to_string().starts_with("utf-8-sig cannot be used"),
        "{err}"
    );
    assert!(err.to_string().contains("ASCII-compatible"), "{err}");
}

#[test]
fn build_refuses_what_the_format_cannot_carry() {
    let base = Packet::message(1, "u", "h", "t");
    let mut p = base.clone();
    p.version = "1:2".into();
    assert_eq!(
        p.encode(),
        Err(BuildError::Colon {
            field: Field::Version
        })
    );
    let mut p = base.clone();
    p.user = "a:b".into();
    assert_eq!(p.encode(), Err(BuildError::Colon { field: Field::User }));
    let mut p = base.clone();
    p.extension = "a\0b".into();
    assert_eq!(
        p.encode(),
        Err(BuildError::Nul {
            field: Field::Extension
        })
    );
    let mut p = base.clone();
    p.extension = "x".repeat(MAX_IPV4_PAYLOAD);
    assert!(matches!(p.encode(), Err(BuildError::TooLong { .. })));
    // ':' in the extension is fine.
    let mut p = base;
    p.extension = "a:b:c".into();
    assert_eq!(Packet::parse(&p.encode().unwrap()).unwrap(), p);
}

#[test]
fn receipt_numbers() {
    let r = Packet::parse(b"1:2:u:h:33: 77 ").unwrap();
    assert_eq!(r.receipt_for(), Some(77));
    let r = Packet::parse(b"1:2:u:h:33:abc").unwrap();
    assert_eq!(r.receipt_for(), None);
    assert!(Packet::parse(b"1:2:u:h:288:x").unwrap().wants_receipt());
    assert!(!Packet::parse(b"1:2:u:h:32:x").unwrap().wants_receipt());
    // 0x100 on an entry is ABSENCEOPT, not a receipt request.
    assert!(!Packet::parse(b"1:2:u:h:257:x").unwrap().wants_receipt());
}

#[test]
fn packet_numbers_wrap_instead_of_panicking() {
    let mut numbers = PacketNumbers::starting_at(u64::MAX);
    assert_eq!(numbers.next_number(), u64::MAX);
    assert_eq!(numbers.next_number(), 0);
    let first = PacketNumbers::from_clock().next_number();
    assert!(first < 1 << 32, "{first} does not fit in 32 bits");
}

/// Text the format can carry in a header field: no ':' and no NUL, and (for GBK) only
/// characters GBK has: ASCII and common Chinese.
fn header_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _#.\\-吴彦祖你好世界开发部张三]{0,20}"
}

fn body_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _#.:\\-\n吴彦祖你好世界，！]{0,60}"
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Packet::parse(&bytes);
        let _ = Packet::parse_in(&bytes, Encoding::Utf8);
    }

    #[test]
    fn arbitrary_colon_separated_bytes_never_panic(
        parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 0..8)
    ) {
        let bytes = parts.join(&b':');
        if let Ok(p) = Packet::parse(&bytes) {
            // Whatever parses is shown without panicking, too.
            let _ = p.command.to_string();
        }
    }

    #[test]
    fn build_then_parse_round_trips(
        version in header_text(),
        packet_no: u64,
        user in header_text(),
        host in header_text(),
        bits: u32,
        extension in body_text(),
        extra in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..20)),
        legacy in prop_oneof![Just(Encoding::Gbk), Just(Encoding::Utf8), Just(Encoding::Gb18030)],
    ) {
        let packet = Packet {
            version, packet_no, user, host,
            command: Command::from_bits(bits),
            extension, extra,
        };
        let bytes = packet.encode_in(legacy).unwrap();
        prop_assert_eq!(Packet::parse_in(&bytes, legacy).unwrap(), packet);
    }

    #[test]
    fn lossy_agrees_with_strict(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let strict = Packet::parse(&bytes);
        let lossy = Packet::parse_lossy(&bytes, Encoding::Gbk);
        match (strict, lossy) {
            // Clean text: the same packet, nothing to report.
            (Ok(p), Ok((q, bad))) => {
                prop_assert_eq!(p, q);
                prop_assert!(bad.is_empty());
            }
            // Only bad text separates them: the lenient one reports it.
            (Err(PacketError::BadText { .. }), Ok((_, bad))) => prop_assert!(!bad.is_empty()),
            // Any structural error is the same error.
            (Err(e), Err(f)) => prop_assert_eq!(e, f),
            (strict, lossy) => prop_assert!(false, "{:?} vs {:?}", strict, lossy),
        }
    }

    #[test]
    fn any_utf8_text_round_trips_with_utf8opt(
        user in "[^:\0]{0,10}",
        extension in "[^\0]{0,40}",
        packet_no: u64,
    ) {
        let packet = Packet::message(packet_no, user, "host", extension)
            .with_option(opt::UTF8OPT);
        let bytes = packet.encode().unwrap();
        prop_assert_eq!(Packet::parse(&bytes).unwrap(), packet);
    }

    #[test]
    fn parse_then_build_gives_the_same_bytes(
        packet_no in "[1-9][0-9]{0,18}",
        bits in any::<u32>().prop_map(|b| b & !opt::UTF8OPT),
        text in body_text(),
    ) {
        let mut bytes = format!("1:{packet_no}:u:h:{bits}:").into_bytes();
        bytes.extend(encode(&text, Encoding::Gbk).unwrap());
        let p = Packet::parse(&bytes).unwrap();
        prop_assert_eq!(p.encode().unwrap(), bytes);
    }
}
