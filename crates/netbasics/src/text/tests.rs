//! Tests of the text module: golden bytes, Python's behaviour, and round trips.

use super::*;
use proptest::prelude::*;

fn enc(name: &str) -> Encoding {
    lookup(name).unwrap()
}

fn bytes(hex: &str) -> Vec<u8> {
    parse_hex(hex).unwrap()
}

#[test]
fn golden_bytes_for_nihao() {
    let cases = [
        ("utf-8", "e4 bd a0 e5 a5 bd"),
        ("utf-8-sig", "ef bb bf e4 bd a0 e5 a5 bd"),
        ("gbk", "c4 e3 ba c3"),
        ("gb2312", "c4 e3 ba c3"),
        ("gb18030", "c4 e3 ba c3"),
        ("big5", "a7 41 a6 6e"),
        ("utf-16", "ff fe 60 4f 7d 59"),
        ("utf-16le", "60 4f 7d 59"),
        ("utf-16be", "4f 60 59 7d"),
    ];
    for (name, hex) in cases {
        let encoding = enc(name);
        assert_eq!(to_hex(&encode("你好", encoding).unwrap()), hex, "{name}");
        let back = decode(&bytes(hex), encoding);
        assert_eq!(back.text, "你好", "{name}");
        assert!(back.is_clean(), "{name}");
    }
}

#[test]
fn golden_bytes_for_konnichiwa() {
    let hex = "82 b1 82 f1 82 c9 82 bf 82 cd";
    assert_eq!(
        to_hex(&encode("こんにちは", Encoding::ShiftJis).unwrap()),
        hex
    );
    assert_eq!(decode(&bytes(hex), Encoding::ShiftJis).text, "こんにちは");
    // And in EUC-KR, 안녕 (annyeong).
    assert_eq!(
        to_hex(&encode("안녕", Encoding::EucKr).unwrap()),
        "be c8 b3 e7"
    );
    assert_eq!(decode(&bytes("be c8 b3 e7"), Encoding::EucKr).text, "안녕");
}

#[test]
fn unicode_encodings_cover_every_character() {
    let every: String = (0..=0x10ffff).filter_map(char::from_u32).collect();
    // The exceptions: the WHATWG GB18030 encoder refuses the private-use U+E5E5
    // (Python writes it as a3 a0, which browsers decode as U+3000, a space) ...
    assert!(encode("\u{e5e5}", Encoding::Gb18030).is_err());
    assert_eq!(decode(b"\xa3\xa0", Encoding::Gb18030).text, "\u{3000}");
    // ... and 18 private-use code points come back as the characters GB18030-2022
    // gave their bytes to.
    for (ch, bytes, back) in [
        ('\u{e78d}', b"\xa6\xd9", '\u{fe10}'),
        ('\u{e864}', b"\xfe\xa0", '\u{9fbb}'),
    ] {
        assert_eq!(encode(&ch.to_string(), Encoding::Gb18030).unwrap(), bytes);
        assert_eq!(decode(bytes, Encoding::Gb18030).text, back.to_string());
    }
    let gb18030: String = every.chars().filter(|&c| gb18030_round_trips(c)).collect();
    assert_eq!(every.chars().count() - gb18030.chars().count(), 19);
    let encoded = encode(&gb18030, Encoding::Gb18030).unwrap();
    assert!(decode(&encoded, Encoding::Gb18030).text == gb18030);
    for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf16Be] {
        let encoded = encode(&every, encoding).unwrap();
        let decoded = decode(&encoded, encoding);
        assert!(decoded.is_clean(), "{encoding}");
        assert!(decoded.text == every, "{encoding} does not round-trip");
    }
}

#[test]
fn single_byte_encodings() {
    assert_eq!(encode("café", Encoding::Latin1).unwrap(), b"caf\xe9");
    assert_eq!(encode("café", Encoding::Windows1252).unwrap(), b"caf\xe9");
    assert_eq!(encode("€", Encoding::Windows1252).unwrap(), b"\x80");
    assert_eq!(decode(b"\x80", Encoding::Latin1).text, "\u{80}");
    assert_eq!(decode(b"\x80", Encoding::Windows1252).text, "€");
    assert_eq!(decode(b"\x81", Encoding::Windows1252).text, "\u{81}");
    assert_eq!(encode("hi", Encoding::Ascii).unwrap(), b"hi");
    let every_byte: Vec<u8> = (0..=255).collect();
    let latin = decode(&every_byte, Encoding::Latin1);
    assert!(latin.is_clean());
    assert_eq!(encode(&latin.text, Encoding::Latin1).unwrap(), every_byte);
}

#[test]
fn shift_jis_yen_sign_reads_back_as_backslash() {
    assert_eq!(encode("¥", Encoding::ShiftJis).unwrap(), b"\x5c");
    assert_eq!(decode(b"\x5c", Encoding::ShiftJis).text, "\\");
    assert_eq!(encode("‾", Encoding::ShiftJis).unwrap(), b"\x7e");
    assert_eq!(
        decode(
            &encode("\u{2212}", Encoding::ShiftJis).unwrap(),
            Encoding::ShiftJis
        )
        .text,
        "\u{ff0d}"
    );
}

#[test]
fn whatwg_gbk_encodes_euro_as_0x80() {
    // Python's gbk cannot; browsers' GBK (and cp936) can.
    assert_eq!(encode("€", Encoding::Gbk).unwrap(), b"\x80");
    assert_eq!(decode(b"\x80", Encoding::Gbk).text, "€");
    assert_eq!(encode("€", Encoding::Gb18030).unwrap(), b"\xa2\xe3");
    // Characters missing from Python's gb2312 are in GBK.
    assert_eq!(
        decode(&encode("镕喆", Encoding::Gbk).unwrap(), Encoding::Gbk).text,
        "镕喆"
    );
    // Big5 as browsers have it: € like cp950, kana at their HKSCS codes.
    assert_eq!(encode("€", Encoding::Big5).unwrap(), b"\xa3\xe1");
    assert_eq!(encode("こ", Encoding::Big5).unwrap(), b"\xc6\xf9");
    // cp932's circled digit.
    assert_eq!(encode("①", Encoding::ShiftJis).unwrap(), b"\x87\x40");
}

#[test]
fn unencodable_characters_are_named_with_their_position() {
    let cases = [
        ("ab😀", Encoding::Gbk, '😀', 2),
        ("你好😀", Encoding::Big5, '😀', 2),
        ("x€", Encoding::Latin1, '€', 1),
        ("你", Encoding::Latin1, '你', 0),
        ("café", Encoding::Ascii, 'é', 3),
        ("a\u{80}", Encoding::Ascii, '\u{80}', 1),
        ("한국어 你好", Encoding::ShiftJis, '한', 0),
        ("ok 😀", Encoding::EucKr, '😀', 3),
        ("x😀", Encoding::Windows1252, '😀', 1),
    ];
    for (text, encoding, ch, index) in cases {
        assert_eq!(
            encode(text, encoding),
            Err(EncodeError::Unencodable {
                ch,
                index,
                encoding
            }),
            "{text} in {encoding}"
        );
    }
    // Same error from the per-character breakdown.
    assert_eq!(
        encode_chars("ab😀", Encoding::Gbk),
        Err(EncodeError::Unencodable {
            ch: '😀',
            index: 2,
            encoding: Encoding::Gbk
        })
    );
    let message = encode("x€", Encoding::Latin1).unwrap_err().to_string();
    assert_eq!(
        message,
        "'latin-1' cannot encode '€' (U+20AC) at position 1 (counting characters from 0): \
         latin-1 has no bytes for it"
    );
    let message = encode("\u{85}", Encoding::Ascii).unwrap_err().to_string();
    assert!(
        message.contains("cannot encode U+0085 at position 0"),
        "{message}"
    );
}

#[test]
fn encode_chars_joins_to_encode() {
    for encoding in Encoding::ALL {
        let text = "Hi 你";
        let Ok(pieces) = encode_chars(text, encoding) else {
            continue;
        };
        let mut joined = encoding.bom().to_vec();
        for (_, piece) in &pieces {
            joined.extend_from_slice(piece);
        }
        assert_eq!(joined, encode(text, encoding).unwrap(), "{encoding}");
    }
    let pieces = encode_chars("你", Encoding::Utf16).unwrap();
    assert_eq!(pieces, vec![('你', vec![0x60, 0x4f])]);
}

#[test]
fn bad_bytes_are_located() {
    // 你好 in UTF-8 with its second byte broken.
    let broken = decode(&bytes("e4 41 a0 e5 a5 bd"), Encoding::Utf8);
    assert_eq!(broken.text, "\u{fffd}A\u{fffd}好");
    assert_eq!(
        broken.errors,
        vec![
            BadBytes {
                offset: 0,
                bytes: vec![0xe4]
            },
            BadBytes {
                offset: 2,
                bytes: vec![0xa0]
            },
        ]
    );
    // A truncated character at the end.
    let cut = decode(&bytes("e4 bd a0 e5 a5"), Encoding::Utf8);
    assert_eq!(cut.text, "你\u{fffd}");
    assert_eq!(
        cut.errors,
        vec![BadBytes {
            offset: 3,
            bytes: vec![0xe5, 0xa5]
        }]
    );
    // GBK: a lead byte at the end.
    let gbk = decode(&bytes("c4 e3 ba"), Encoding::Gbk);
    assert_eq!(gbk.text, "你\u{fffd}");
    assert_eq!(
        gbk.errors,
        vec![BadBytes {
            offset: 2,
            bytes: vec![0xba]
        }]
    );
    // GBK: a lead byte followed by a byte that cannot be a second byte (a space):
    // the space survives.
    let gbk = decode(&bytes("c4 20 42"), Encoding::Gbk);
    assert_eq!(gbk.text, "\u{fffd} B");
    assert_eq!(
        gbk.errors,
        vec![BadBytes {
            offset: 0,
            bytes: vec![0xc4]
        }]
    );
    // Shift_JIS: 0xff is neither a character nor a lead byte.
    let sjis = decode(&bytes("41 ff 42"), Encoding::ShiftJis);
    assert_eq!(sjis.text, "A\u{fffd}B");
    assert_eq!(
        sjis.errors,
        vec![BadBytes {
            offset: 1,
            bytes: vec![0xff]
        }]
    );
    // ASCII: every high byte on its own.
    let ascii = decode(&bytes("41 e4 bd"), Encoding::Ascii);
    assert_eq!(ascii.text, "A\u{fffd}\u{fffd}");
    assert_eq!(
        ascii.errors,
        vec![
            BadBytes {
                offset: 1,
                bytes: vec![0xe4]
            },
            BadBytes {
                offset: 2,
                bytes: vec![0xbd]
            }
        ]
    );
    // UTF-16: an odd byte at the end and a lone surrogate.
    let odd = decode(&bytes("41 00 42"), Encoding::Utf16Le);
    assert_eq!(odd.text, "A\u{fffd}");
    assert_eq!(
        odd.errors,
        vec![BadBytes {
            offset: 2,
            bytes: vec![0x42]
        }]
    );
    let lone = decode(&bytes("00 d8 41 00"), Encoding::Utf16Le);
    assert_eq!(lone.text, "\u{fffd}A");
    assert_eq!(
        lone.errors,
        vec![BadBytes {
            offset: 0,
            bytes: vec![0x00, 0xd8]
        }]
    );
    // Offsets after a BOM count the BOM.
    let after_bom = decode(&bytes("ff fe 41 00 00 dc"), Encoding::Utf16);
    assert_eq!(after_bom.text, "A\u{fffd}");
    assert_eq!(
        after_bom.errors,
        vec![BadBytes {
            offset: 4,
            bytes: vec![0x00, 0xdc]
        }]
    );
}

#[test]
fn strict_decoding() {
    assert_eq!(decode_strict(b"\xc4\xe3", Encoding::Gbk).unwrap(), "你");
    let err = decode_strict(b"\xc4\xe3\xba\xc3", Encoding::Utf8).unwrap_err();
    assert_eq!(err.offset, 0);
    assert_eq!(err.bytes, vec![0xc4]);
    assert_eq!(err.more, 2);
    assert_eq!(
        err.to_string(),
        "'utf-8' cannot decode c4 at offset 0 (and 2 more bad sequences)"
    );
}

#[test]
fn byte_order_marks() {
    // utf-8 keeps the BOM as U+FEFF, as Python's 'utf-8' does; utf-8-sig removes it.
    assert_eq!(decode(b"\xef\xbb\xbfhi", Encoding::Utf8).text, "\u{feff}hi");
    assert_eq!(decode(b"\xef\xbb\xbfhi", Encoding::Utf8Sig).text, "hi");
    assert_eq!(decode(b"hi", Encoding::Utf8Sig).text, "hi");
    assert_eq!(decode(b"\xef\xbb", Encoding::Utf8Sig).errors.len(), 1);
    assert_eq!(decode(b"", Encoding::Utf8Sig).text, "");
    // utf-16: the BOM picks the order and is removed; none means little-endian.
    assert_eq!(decode(b"\xff\xfeA\x00", Encoding::Utf16).text, "A");
    assert_eq!(decode(b"\xfe\xff\x00A", Encoding::Utf16).text, "A");
    assert_eq!(decode(b"A\x00", Encoding::Utf16).text, "A");
    assert_eq!(decode(b"\xff\xfe", Encoding::Utf16).text, "");
    assert_eq!(
        decode(b"A", Encoding::Utf16).errors,
        vec![BadBytes {
            offset: 0,
            bytes: vec![0x41]
        }]
    );
    // utf-16le keeps it.
    assert_eq!(
        decode(b"\xff\xfeA\x00", Encoding::Utf16Le).text,
        "\u{feff}A"
    );
    // A UTF-8 BOM does not turn a GBK decoder into a UTF-8 one.
    assert_ne!(
        decode(b"\xef\xbb\xbf\xe4\xbd\xa0", Encoding::Gbk).text,
        "你"
    );
}

#[test]
fn stream_decoder_joins_split_characters() {
    let data = encode("你好, world", Encoding::Gbk).unwrap();
    for split in 0..=data.len() {
        let mut decoder = StreamDecoder::new(Encoding::Gbk);
        let mut out = decoder.push(&data[..split]);
        out.append(decoder.push(&data[split..]));
        out.append(decoder.finish());
        assert_eq!(out.text, "你好, world", "split at {split}");
        assert!(out.is_clean());
    }
    // A bad run that straddles two pieces is still reported with its bytes.
    let mut decoder = StreamDecoder::new(Encoding::Utf8);
    let mut out = decoder.push(b"ab\xe4\xbd");
    out.append(decoder.push(b"Z"));
    out.append(decoder.finish());
    assert_eq!(out.text, "ab\u{fffd}Z");
    assert_eq!(
        out.errors,
        vec![BadBytes {
            offset: 2,
            bytes: vec![0xe4, 0xbd]
        }]
    );
    // utf-16 BOM split over two pieces.
    let mut decoder = StreamDecoder::new(Encoding::Utf16);
    assert_eq!(decoder.push(b"\xfe").text, "");
    assert_eq!(decoder.push(b"\xff\x00A").text, "A");
    assert!(decoder.finish().is_clean());
}

#[test]
fn mojibake_and_back() {
    let (written, seen) = mojibake("你好", Encoding::Gbk, Encoding::Utf8).unwrap();
    assert_eq!(written, b"\xc4\xe3\xba\xc3");
    assert_eq!(seen.text, "\u{fffd}\u{fffd}\u{fffd}");
    assert_eq!(seen.errors.len(), 3);
    // U+FFFD can be written in UTF-8, but the original bytes are gone.
    let back = unmojibake(&seen.text, Encoding::Utf8, Encoding::Gbk).unwrap();
    assert_ne!(back.text, "你好");

    let (_, seen) = mojibake("你好", Encoding::Utf8, Encoding::Gbk).unwrap();
    assert_eq!(seen.text, "浣犲ソ");
    assert_eq!(
        unmojibake("浣犲ソ", Encoding::Gbk, Encoding::Utf8)
            .unwrap()
            .text,
        "你好"
    );

    // Latin-1 loses nothing: the classic "ä½ å¥½".
    let (_, seen) = mojibake("你好", Encoding::Utf8, Encoding::Latin1).unwrap();
    assert_eq!(seen.text, "ä½\u{a0}å¥½");
    assert_eq!(
        unmojibake(&seen.text, Encoding::Latin1, Encoding::Utf8)
            .unwrap()
            .text,
        "你好"
    );

    assert!(mojibake("😀", Encoding::Gbk, Encoding::Utf8).is_err());
}

#[test]
fn lookup_names() {
    assert_eq!(enc("UTF-8"), Encoding::Utf8);
    assert_eq!(enc("utf_8"), Encoding::Utf8);
    assert_eq!(enc("utf8"), Encoding::Utf8);
    assert_eq!(enc(" gbk "), Encoding::Gbk);
    assert_eq!(enc("GB2312"), Encoding::Gbk);
    assert_eq!(enc("cp936"), Encoding::Gbk);
    assert_eq!(enc("gb18030"), Encoding::Gb18030);
    assert_eq!(enc("Big5"), Encoding::Big5);
    assert_eq!(enc("Shift_JIS"), Encoding::ShiftJis);
    assert_eq!(enc("sjis"), Encoding::ShiftJis);
    assert_eq!(enc("EUC-KR"), Encoding::EucKr);
    assert_eq!(enc("utf-16"), Encoding::Utf16);
    assert_eq!(enc("UTF-16LE"), Encoding::Utf16Le);
    assert_eq!(enc("utf-16-be"), Encoding::Utf16Be);
    assert_eq!(enc("latin1"), Encoding::Latin1);
    assert_eq!(enc("ISO-8859-1"), Encoding::Latin1);
    assert_eq!(enc("cp1252"), Encoding::Windows1252);
    assert_eq!(enc("ascii"), Encoding::Ascii);
    for encoding in Encoding::ALL {
        for label in encoding.labels() {
            assert_eq!(enc(label), encoding, "{label}");
        }
        assert_eq!(enc(&encoding.to_string()), encoding);
        assert!(!encoding.note().is_empty());
    }
}

#[test]
fn unknown_encoding() {
    let err = lookup("utf-7").unwrap_err();
    assert_eq!(
        err,
        TextError::UnknownEncoding {
            name: "utf-7".into()
        }
    );
    let message = err.to_string();
    assert!(
        message.starts_with("unknown encoding 'utf-7': supported are utf-8, "),
        "{message}"
    );
    for encoding in Encoding::ALL {
        assert!(message.contains(encoding.name()), "{message}");
    }
    assert!(lookup("").is_err());
    assert!("nope".parse::<Encoding>().is_err());
}

#[test]
fn hex_forms() {
    let you = vec![0xe4, 0xbd, 0xa0];
    for form in [
        "e4 bd a0",
        "e4bda0",
        "E4:BD:A0",
        "e4-bd-a0",
        "e4,bd,a0",
        "  e4  bd\ta0\n",
        "0xe4 0xbd 0xa0",
        "0XE4, 0XBD, 0XA0",
        "0xe4bda0",
        r"\xe4\xbd\xa0",
        r"\xe4 \xbd \xa0",
        r"b'\xe4\xbd\xa0'",
        r#"b"\xe4\xbd\xa0""#,
        r"B'\xE4\xBD\xA0'",
    ] {
        assert_eq!(parse_hex(form), Ok(you.clone()), "{form}");
    }
    assert_eq!(parse_hex(""), Ok(vec![]));
    assert_eq!(parse_hex("b''"), Ok(vec![]));
    assert_eq!(parse_hex("0x5 0xa"), Ok(vec![5, 10]));
    assert_eq!(
        parse_hex(r#"b'a\tb\n\r\\\'\"\x00'"#),
        Ok(b"a\tb\n\r\\'\"\x00".to_vec())
    );
    assert_eq!(parse_hex(r#"b"it's""#), Ok(b"it's".to_vec()));
    assert_eq!(
        parse_hex(r"b'\a\b\f\v\0\101\377'"),
        Ok(b"\x07\x08\x0c\x0b\x00A\xff".to_vec())
    );
    assert_eq!(parse_hex(r"b'\q'"), Ok(b"\\q".to_vec()));
}

#[test]
fn hex_errors() {
    assert_eq!(
        parse_hex("e4b"),
        Err(TextError::OddHexDigits {
            token: "e4b".into(),
            position: 0,
            digits: 3
        })
    );
    assert_eq!(
        parse_hex("e4 b a0"),
        Err(TextError::OddHexDigits {
            token: "b".into(),
            position: 3,
            digits: 1
        })
    );
    assert_eq!(
        parse_hex("0x"),
        Err(TextError::OddHexDigits {
            token: "0x".into(),
            position: 0,
            digits: 0
        })
    );
    assert_eq!(
        parse_hex("0x123"),
        Err(TextError::OddHexDigits {
            token: "0x123".into(),
            position: 0,
            digits: 3
        })
    );
    assert_eq!(
        parse_hex("e4 zz"),
        Err(TextError::BadHexDigit {
            ch: 'z',
            position: 3
        })
    );
    assert_eq!(
        parse_hex(" 你好"),
        Err(TextError::BadHexDigit {
            ch: '你',
            position: 1
        })
    );
    assert_eq!(
        parse_hex("e4;bd"),
        Err(TextError::BadHexDigit {
            ch: ';',
            position: 2
        })
    );
    assert_eq!(
        parse_hex(r"\xe4\xb"),
        Err(TextError::BadEscapeForm { position: 4 })
    );
    assert_eq!(
        parse_hex(r"\xe4 bd"),
        Err(TextError::BadEscapeForm { position: 5 })
    );
    assert_eq!(
        parse_hex(r"\n"),
        Err(TextError::BadEscapeForm { position: 0 })
    );
    assert!(matches!(
        parse_hex("b'abc"),
        Err(TextError::BadLiteral { position: 5, .. })
    ));
    assert!(matches!(parse_hex("b'"), Err(TextError::BadLiteral { .. })));
    assert!(matches!(
        parse_hex("b'a'b'"),
        Err(TextError::BadLiteral { position: 3, .. })
    ));
    assert!(matches!(
        parse_hex("b'你'"),
        Err(TextError::BadLiteral { position: 2, .. })
    ));
    assert!(matches!(
        parse_hex(r"b'\x4'"),
        Err(TextError::BadLiteral { position: 2, .. })
    ));
    assert!(matches!(
        parse_hex(r"b'\400'"),
        Err(TextError::BadLiteral { .. })
    ));
    assert!(matches!(
        parse_hex(r"b'\'"),
        Err(TextError::BadLiteral { .. })
    ));
    let message = parse_hex("e4b").unwrap_err().to_string();
    assert!(
        message.contains("odd number of hex digits (3)"),
        "{message}"
    );
}

#[test]
fn python_repr_examples() {
    // Checked against CPython 3.11's print(bytes(range(256))) and friends.
    assert_eq!(python_bytes_repr(b""), "b''");
    assert_eq!(python_bytes_repr(b"it's"), r#"b"it's""#);
    assert_eq!(python_bytes_repr(br#"say "hi""#), r#"b'say "hi"'"#);
    assert_eq!(python_bytes_repr(br#"both ' and ""#), r#"b'both \' and "'"#);
    assert_eq!(
        python_bytes_repr(b"\x00\t\n\r\\\x7f\x80 ~"),
        r"b'\x00\t\n\r\\\x7f\x80 ~'"
    );
    let every_byte: Vec<u8> = (0..=255).collect();
    let repr = python_bytes_repr(&every_byte);
    assert!(repr.starts_with(r"b'\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e"));
    assert!(repr.contains(r##" !"#$%&\'()*+,-./0123456789:;<=>?@ABC"##));
    assert!(repr.contains(r"Z[\\]^_`abc"));
    assert!(repr.ends_with(r"|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff'"));
}

/// A second, independent description of CPython's bytes repr, byte by byte.
fn repr_model(bytes: &[u8]) -> String {
    let has_single = bytes.contains(&b'\'');
    let has_double = bytes.contains(&b'"');
    let quote = if has_single && !has_double { '"' } else { '\'' };
    let body: String = bytes
        .iter()
        .map(|&b| match b {
            b'\\' => "\\\\".to_string(),
            b'\t' => "\\t".to_string(),
            b'\n' => "\\n".to_string(),
            b'\r' => "\\r".to_string(),
            b'\'' if quote == '\'' => "\\'".to_string(),
            b' '..=b'~' => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect();
    format!("b{quote}{body}{quote}")
}

/// Whether `ch` comes back from GB18030 unchanged (see [`Encoding::note`]).
fn gb18030_round_trips(ch: char) -> bool {
    !matches!(
        ch,
        '\u{e5e5}' | '\u{e78d}'
            ..='\u{e796}'
                | '\u{e81e}'
                | '\u{e826}'
                | '\u{e82b}'
                | '\u{e82c}'
                | '\u{e832}'
                | '\u{e843}'
                | '\u{e854}'
                | '\u{e864}'
    )
}

fn any_encoding() -> impl Strategy<Value = Encoding> {
    proptest::sample::select(Encoding::ALL.to_vec())
}

proptest! {
    #[test]
    fn unicode_encodings_round_trip(text in any::<String>()) {
        // GB18030 has 19 private-use exceptions; this keeps them out of its text.
        let text_gb: String = text.chars().filter(|&c| gb18030_round_trips(c)).collect();
        let encoded = encode(&text_gb, Encoding::Gb18030);
        prop_assert!(encoded.is_ok(), "gb18030 failed: {:?}", encoded);
        prop_assert_eq!(decode(&encoded.unwrap_or_default(), Encoding::Gb18030).text, text_gb);
        for encoding in [
            Encoding::Utf8,
            Encoding::Utf8Sig,
            Encoding::Utf16,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            let encoded = encode(&text, encoding);
            prop_assert!(encoded.is_ok(), "{} failed: {:?}", encoding, encoded);
            let decoded = decode(&encoded.unwrap_or_default(), encoding);
            prop_assert!(decoded.is_clean());
            prop_assert_eq!(&decoded.text, &text, "{}", encoding);
        }
    }

    #[test]
    fn legacy_encodings_round_trip_what_they_can_encode(
        text in any::<String>(),
        encoding in any_encoding(),
    ) {
        // Leave out the few characters documented not to come back (Encoding::note).
        let text: String = text
            .chars()
            .filter(|&c| match encoding {
                Encoding::Gbk | Encoding::Gb18030 => gb18030_round_trips(c),
                Encoding::ShiftJis => !matches!(c, '\u{a5}' | '\u{203e}' | '\u{2212}'),
                _ => true,
            })
            .collect();
        match encode(&text, encoding) {
            Ok(encoded) => {
                let decoded = decode(&encoded, encoding);
                prop_assert!(decoded.is_clean());
                prop_assert_eq!(decoded.text, text);
            }
            Err(EncodeError::Unencodable { ch, index, encoding: e }) => {
                prop_assert_eq!(e, encoding);
                prop_assert_eq!(text.chars().nth(index), Some(ch));
                // Everything before it was encodable.
                let before: String = text.chars().take(index).collect();
                prop_assert!(encode(&before, encoding).is_ok());
            }
        }
    }

    #[test]
    fn decode_never_panics_and_reports_real_bytes(
        data in proptest::collection::vec(any::<u8>(), 0..64),
        encoding in any_encoding(),
    ) {
        let decoded = decode(&data, encoding);
        let replacements = decoded.text.chars().filter(|&c| c == '\u{fffd}').count();
        prop_assert!(replacements >= decoded.errors.len());
        let mut next_free = 0;
        for bad in &decoded.errors {
            prop_assert!(!bad.bytes.is_empty() && bad.bytes.len() <= 4);
            prop_assert!(bad.offset >= next_free, "overlapping or unordered errors");
            prop_assert_eq!(&data[bad.offset..bad.offset + bad.bytes.len()], &bad.bytes[..]);
            next_free = bad.offset + bad.bytes.len();
        }
        prop_assert_eq!(decode_strict(&data, encoding).is_ok(), decoded.is_clean());
    }

    #[test]
    fn stream_decoding_matches_one_shot(
        data in proptest::collection::vec(any::<u8>(), 0..48),
        cuts in proptest::collection::vec(0usize..48, 0..6),
        encoding in any_encoding(),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
        cuts.sort_unstable();
        let mut decoder = StreamDecoder::new(encoding);
        let mut streamed = Decoded::default();
        let mut from = 0;
        for cut in cuts {
            streamed.append(decoder.push(&data[from..cut]));
            from = cut;
        }
        streamed.append(decoder.push(&data[from..]));
        streamed.append(decoder.finish());
        prop_assert_eq!(streamed, decode(&data, encoding));
    }

    #[test]
    fn python_repr_matches_the_model(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let repr = python_bytes_repr(&data);
        prop_assert_eq!(&repr, &repr_model(&data));
        prop_assert!(repr.bytes().all(|b| (0x20..0x7f).contains(&b)));
        // And what Python prints reads back as the same bytes.
        prop_assert_eq!(parse_hex(&repr), Ok(data));
    }

    #[test]
    fn hex_forms_round_trip(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(parse_hex(&to_hex(&data)), Ok(data.clone()));
        prop_assert_eq!(parse_hex(&to_hex(&data).replace(' ', "")), Ok(data.clone()));
        prop_assert_eq!(parse_hex(&to_hex(&data).to_uppercase().replace(' ', ":")), Ok(data.clone()));
        let escaped: String = data.iter().map(|b| format!("\\x{b:02x}")).collect();
        prop_assert_eq!(parse_hex(&escaped), Ok(data.clone()));
        let prefixed: Vec<String> = data.iter().map(|b| format!("0x{b:02x}")).collect();
        prop_assert_eq!(parse_hex(&prefixed.join(", ")), Ok(data));
    }

    #[test]
    fn parse_hex_never_panics(s in any::<String>()) {
        let _ = parse_hex(&s);
    }

    #[test]
    fn parse_hex_never_panics_on_likely_text(s in r#"[bB]?['"]?[0-9a-fA-FxX\\ '":,\-]{0,24}['"]?"#) {
        let _ = parse_hex(&s);
    }

    #[test]
    fn lookup_never_panics(s in any::<String>()) {
        let _ = lookup(&s);
    }
}
