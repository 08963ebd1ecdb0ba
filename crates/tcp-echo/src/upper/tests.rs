//! Tests of `upper.rs`.

use super::*;
use proptest::prelude::*;

fn up(text: &str, encoding: Encoding) -> String {
    let bytes = encode(text, encoding).unwrap();
    let out = uppercase(text, &bytes, encoding);
    netbasics::text::decode_strict(&out, encoding).unwrap()
}

#[test]
fn ascii_in_utf8() {
    assert_eq!(up("hello, world 1", Encoding::Utf8), "HELLO, WORLD 1");
}

#[test]
fn non_ascii_letters_too() {
    assert_eq!(up("straße äöü ﬁ", Encoding::Utf8), "STRASSE ÄÖÜ FI");
    assert_eq!(up("привет", Encoding::Utf8), "ПРИВЕТ");
}

#[test]
fn chinese_is_unchanged_and_its_bytes_are_the_same_bytes() {
    let bytes = encode("你好", Encoding::Gbk).unwrap();
    assert_eq!(uppercase("你好", &bytes, Encoding::Gbk), bytes);
}

#[test]
fn gbk_text_with_ascii_letters() {
    assert_eq!(up("abc中文xyz", Encoding::Gbk), "ABC中文XYZ");
}

#[test]
fn gbk_trail_bytes_in_the_letter_range_are_not_touched() {
    // Every one of these has a second byte in 0x61-0x7a ('a'-'z').
    for ch in ['乤', '乥', '乧', '乨'] {
        let bytes = encode(&ch.to_string(), Encoding::Gbk).unwrap();
        assert!((0x61..=0x7a).contains(&bytes[1]), "{ch}");
        let mut expected = bytes.clone();
        expected.extend_from_slice(b"X");
        let text = format!("{ch}x");
        let mut input = bytes.clone();
        input.push(b'x');
        assert_eq!(uppercase(&text, &input, Encoding::Gbk), expected);
    }
}

#[test]
fn a_capital_the_encoding_lacks_keeps_the_small_letter() {
    assert_eq!(up("āa", Encoding::Gbk), "āA");
    // Latin-1 has ÿ (ff) but not Ÿ (U+0178).
    assert_eq!(up("ÿy", Encoding::Latin1), "ÿY");
}

#[test]
fn non_canonical_bytes_are_not_rewritten() {
    // In GB18030, 0x80 decodes to € but the encoder writes € as a2 e3.
    let bytes = b"\x80a".to_vec();
    let out = uppercase("€a", &bytes, Encoding::Gb18030);
    assert_eq!(out, b"\x80a"); // cannot split exactly: unchanged, never garbled
}

#[test]
fn utf16_letters() {
    assert_eq!(up("abc", Encoding::Utf16Le), "ABC");
    assert_eq!(up("abc", Encoding::Utf16Be), "ABC");
}

proptest! {
    #[test]
    fn result_decodes_to_the_uppercase_where_encodable(s in "[a-zß你好ā]{0,16}") {
        for encoding in [Encoding::Utf8, Encoding::Gbk, Encoding::Gb18030] {
            let Ok(bytes) = encode(&s, encoding) else { continue };
            let out = uppercase(&s, &bytes, encoding);
            let back = netbasics::text::decode_strict(&out, encoding).unwrap();
            // Each character became its capital, or stayed when that has no bytes.
            let expected: String = s.chars().map(|c| {
                let cap: String = c.to_uppercase().collect();
                if encode(&cap, encoding).is_ok() { cap } else { c.to_string() }
            }).collect();
            prop_assert_eq!(back, expected);
        }
    }
}
