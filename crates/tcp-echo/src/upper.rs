//! Upper-casing text that travels as bytes: the course's `data.upper()`, done on text.
//!
//! The course's socketserver example answers with `self.request.send(data.upper())`.
//! `data` is `bytes`, and `bytes.upper()` changes the bytes `a`-`z` (0x61-0x7a) and
//! nothing else. In UTF-8 that is harmless (every byte of a multi-byte character is
//! 0x80 or above) but it leaves é and ä as they are. In GBK it breaks text: the second
//! byte of a two-byte character can be 0x40-0x7e, so `'乤'.encode('gbk')` is `81 61`,
//! and `.upper()` turns it into `81 41`, which is 丄, another character.
//!
//! [`uppercase`] decodes first, upper-cases the *characters*, and encodes again in the
//! same encoding. Bytes that are not text, and characters whose capital the encoding
//! cannot write (GBK has ā but not Ā), go back unchanged.

use netbasics::text::{encode, encode_chars, Encoding};

/// Upper-cases one run of text that arrived as `bytes` in `encoding` (an encoding with
/// no byte order mark, as [`TextStream::encoding`](netbasics::text::TextStream::encoding)
/// gives), and returns the bytes to send back.
///
/// The result can be longer or shorter than `bytes`: `ß` becomes `SS`.
///
/// # Examples
///
/// ```
/// use netbasics::text::{encode, Encoding};
/// use tcp_echo::upper::uppercase;
///
/// let gbk = encode("hello 乤 α", Encoding::Gbk).unwrap();
/// let up = uppercase("hello 乤 α", &gbk, Encoding::Gbk);
/// assert_eq!(up, encode("HELLO 乤 Α", Encoding::Gbk).unwrap()); // Greek capital alpha
///
/// // Python's bytes.upper() would have turned 乤 (81 61) into 丄 (81 41).
/// assert_eq!(&gbk[6..8], b"\x81\x61");
///
/// // GBK has no bytes for Ā, so ā stays as it was; the rest is still upper-cased.
/// let gbk = encode("āb", Encoding::Gbk).unwrap();
/// assert_eq!(uppercase("āb", &gbk, Encoding::Gbk), encode("āB", Encoding::Gbk).unwrap());
/// ```
pub fn uppercase(text: &str, bytes: &[u8], encoding: Encoding) -> Vec<u8> {
    let upper = text.to_uppercase();
    if upper == text {
        // Nothing to change (all Chinese, digits, punctuation...): the bytes as they came.
        return bytes.to_vec();
    }
    // Re-encoding is exact only if the bytes were in the encoder's own form: a few
    // encodings have two byte forms for some characters (Big5, Shift_JIS, GB18030's
    // 0x80 for €), and the encoder writes only one of them.
    let canonical = encode(text, encoding).is_ok_and(|b| b == bytes);
    if canonical {
        if let Ok(encoded) = encode(&upper, encoding) {
            return encoded;
        }
    }
    by_character(text, bytes, encoding)
}

/// The slow way: character by character, each capital only where the encoding can
/// write it. If the run cannot be split into characters exactly, it goes back unchanged.
fn by_character(text: &str, bytes: &[u8], encoding: Encoding) -> Vec<u8> {
    let Ok(pieces) = encode_chars(text, encoding) else {
        return bytes.to_vec();
    };
    let exact = pieces
        .iter()
        .flat_map(|(_, b)| b.iter().copied())
        .eq(bytes.iter().copied());
    if !exact {
        return bytes.to_vec();
    }
    let mut out = Vec::with_capacity(bytes.len());
    for (ch, original) in pieces {
        let capital: String = ch.to_uppercase().collect();
        match encode(&capital, encoding) {
            Ok(encoded) => out.extend_from_slice(&encoded),
            Err(_) => out.extend_from_slice(&original),
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
}
