//! Reading the input: bytes written as hex digits, as `tcpdump -X` and Wireshark's
//! "copy as hex" give them.

/// Why a text is not hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator.
    #[error("bad hex: {ch:?} at character {position} is not a hex digit (0-9, a-f) or a separator (space, colon)")]
    BadDigit {
        /// The character.
        ch: char,
        /// Where it is, counting from 1.
        position: usize,
    },
    /// An odd number of digits: the last byte is half there.
    #[error("bad hex: {0} hex digits is an odd number; every byte takes two")]
    OddDigits(usize),
    /// No digits at all.
    #[error("bad hex: no hex digits given")]
    Empty,
}

/// Reads bytes written as hex digits. Spaces, tabs, newlines and colons between the
/// digits are ignored, so `45 00`, `4500` and `45:00` are the same two bytes.
///
/// # Examples
///
/// ```
/// use framing::wire::parse_hex;
///
/// assert_eq!(parse_hex("ff:FF 0800\n45").unwrap(), [0xff, 0xff, 0x08, 0x00, 0x45]);
/// assert_eq!(
///     parse_hex("45 0g").unwrap_err().to_string(),
///     "bad hex: 'g' at character 5 is not a hex digit (0-9, a-f) or a separator (space, colon)"
/// );
/// assert_eq!(
///     parse_hex("450").unwrap_err().to_string(),
///     "bad hex: 3 hex digits is an odd number; every byte takes two"
/// );
/// ```
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let mut digits = Vec::with_capacity(text.len());
    for (index, ch) in text.chars().enumerate() {
        if let Some(value) = ch.to_digit(16) {
            digits.push(u8::try_from(value).expect("a hex digit is below 16"));
        } else if !(ch.is_ascii_whitespace() || ch == ':') {
            return Err(HexError::BadDigit {
                ch,
                position: index + 1,
            });
        }
    }
    if digits.is_empty() {
        return Err(HexError::Empty);
    }
    if digits.len() % 2 == 1 {
        return Err(HexError::OddDigits(digits.len()));
    }
    Ok(digits
        .chunks_exact(2)
        .map(|pair| pair[0] << 4 | pair[1])
        .collect())
}
