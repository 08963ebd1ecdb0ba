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
mod tests;
