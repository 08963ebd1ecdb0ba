//! Bytes as hexadecimal text, the way Python's `bytes.hex()` writes it and
//! `bytes.fromhex()` reads it. The `pystruct` command prints packed bytes
//! with the first and reads bytes to unpack with the second.

use std::fmt::Write;

/// `bytes.fromhex` found something other than a pair of hex digits.
///
/// The message is CPython's (a `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("non-hexadecimal number found in fromhex() arg at position {position}")]
pub struct FromHexError {
    /// Where the bad character is, counted in characters from 0.
    pub position: usize,
}

/// Python's `bytes.hex()`: two lowercase digits per byte, no separators.
///
/// # Examples
///
/// ```
/// use framing::pystruct::hex::to_hex;
///
/// assert_eq!(to_hex(&[0x00, 0xab, 0x10]), "00ab10");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        write!(s, "{b:02x}").expect("writing to a String cannot fail");
    }
    s
}

/// Python's `bytes.fromhex()`: pairs of hex digits (either case), with
/// whitespace allowed between pairs but not inside one.
///
/// # Errors
///
/// The position of the first character that is not where a hex digit
/// should be (a lone digit at the end points one past it); any non-ASCII
/// character is reported first, as CPython does.
///
/// # Examples
///
/// ```
/// use framing::pystruct::hex::from_hex;
///
/// assert_eq!(from_hex("00 AB10").unwrap(), [0x00, 0xab, 0x10]);
/// let err = from_hex("0 1").unwrap_err();
/// assert_eq!(err.position, 1);
/// assert_eq!(
///     err.to_string(),
///     "non-hexadecimal number found in fromhex() arg at position 1"
/// );
/// ```
pub fn from_hex(text: &str) -> Result<Vec<u8>, FromHexError> {
    if let Some(position) = text.chars().position(|c| !c.is_ascii()) {
        return Err(FromHexError { position });
    }
    let s = text.as_bytes();
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut i = 0;
    while i < s.len() {
        if is_space(s[i]) {
            i += 1;
            continue;
        }
        let high = digit(s, i)?;
        let low = digit(s, i + 1)?;
        out.push(high << 4 | low);
        i += 2;
    }
    Ok(out)
}

/// The value of the hex digit at `s[i]`; past the end counts as a bad
/// character at position `s.len()`, as in CPython.
fn digit(s: &[u8], i: usize) -> Result<u8, FromHexError> {
    s.get(i)
        .and_then(|&c| char::from(c).to_digit(16))
        .map(|d| d as u8)
        .ok_or(FromHexError { position: i })
}

/// CPython's `Py_ISSPACE`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_like_python() {
        assert_eq!(from_hex("0102").unwrap(), [1, 2]);
        assert_eq!(from_hex(" 01 02 ").unwrap(), [1, 2]);
        assert_eq!(from_hex("01\t02\n\x0b\x0c\r").unwrap(), [1, 2]);
        assert_eq!(from_hex("").unwrap(), []);
        assert_eq!(from_hex("fF").unwrap(), [255]);
    }

    #[test]
    fn error_positions_like_python() {
        assert_eq!(from_hex("0 1").unwrap_err().position, 1);
        assert_eq!(from_hex("012").unwrap_err().position, 3);
        assert_eq!(from_hex("zz").unwrap_err().position, 0);
        assert_eq!(from_hex("0g").unwrap_err().position, 1);
        assert_eq!(from_hex("01\x1c02").unwrap_err().position, 2);
        assert_eq!(from_hex("é").unwrap_err().position, 0);
        // Non-ASCII is found first, even after an earlier bad digit.
        assert_eq!(from_hex("zz é").unwrap_err().position, 3);
    }

    proptest! {
        #[test]
        fn round_trip(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(from_hex(&to_hex(&b)).unwrap(), b);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = from_hex(&s);
        }
    }
}
