//! The length header in front of every frame: one integer, written as a Python
//! `struct` format.
//!
//! The course's Python programs send `struct.pack('i', len(data))`: four bytes, in the
//! machine's own byte order (little-endian on a PC). That works while both ends are PCs;
//! the network's convention is big-endian (`'!I'`), which is this crate's default.
//!
//! | format | size | range of lengths | who uses it |
//! |---|---|---|---|
//! | `!I` | 4 | 0 ..= 4,294,967,295 | this workspace (network byte order, unsigned) |
//! | `!H` | 2 | 0 ..= 65,535 | small messages |
//! | `=i` / `i` | 4 | 0 ..= 2,147,483,647 | the course's Python programs (native order, signed) |
//! | `!Q` | 8 | 0 ..= 2^64 - 1 | huge transfers |

use std::fmt;

/// Which end of the integer comes first on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Most significant byte first (`>` and `!`: network byte order).
    Big,
    /// Least significant byte first (`<`; `=` and `@` on x86 and ARM PCs).
    Little,
}

/// A length header: one integer of 1, 2, 4 or 8 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LengthHeader {
    format: String,
    size: usize,
    signed: bool,
    order: ByteOrder,
}

/// Why a header format was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad length header format {format:?}: {reason}")]
pub struct HeaderFormatError {
    format: String,
    reason: &'static str,
}

impl LengthHeader {
    /// Parses a single-integer `struct` format: an optional byte-order character
    /// (`@ = < > !`) and one of `b B h H i I l L q Q` (`n N` too in native `@` mode).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::header::LengthHeader;
    ///
    /// let course = LengthHeader::parse("=i").unwrap();
    /// assert_eq!(course.size(), 4);
    /// assert_eq!(course.max_len(), i32::MAX as u64);
    /// assert_eq!(LengthHeader::parse("!H").unwrap().max_len(), 65_535);
    /// assert!(LengthHeader::parse("!d").is_err()); // a float is not a length
    /// assert!(LengthHeader::parse("!2I").is_err()); // one integer, not two
    /// ```
    pub fn parse(format: &str) -> Result<LengthHeader, HeaderFormatError> {
        let error = |reason| HeaderFormatError {
            format: format.to_string(),
            reason,
        };
        let mut chars = format.trim().chars();
        let (prefix, code) = match (chars.next(), chars.next(), chars.next()) {
            (Some(code), None, None) => ('@', code),
            (Some(prefix), Some(code), None) => (prefix, code),
            (None, _, _) => return Err(error("it is empty")),
            _ => {
                return Err(error(
                    "write one byte-order character and one integer code, like !I",
                ))
            }
        };
        let native = match prefix {
            '@' => true,
            '=' | '<' | '>' | '!' => false,
            _ => return Err(error("the first character must be one of @ = < > !")),
        };
        let order = match prefix {
            '>' | '!' => ByteOrder::Big,
            '<' => ByteOrder::Little,
            // `=` and `@` mean "this machine's order".
            _ if cfg!(target_endian = "big") => ByteOrder::Big,
            _ => ByteOrder::Little,
        };
        // Standard sizes, except `l`/`L` (a C long) and `n`/`N` (size_t) in native mode.
        let native_long = std::mem::size_of::<std::ffi::c_long>();
        let (size, signed) = match code {
            'b' => (1, true),
            'B' => (1, false),
            'h' => (2, true),
            'H' => (2, false),
            'i' => (4, true),
            'I' => (4, false),
            'l' if native => (native_long, true),
            'L' if native => (native_long, false),
            'l' => (4, true),
            'L' => (4, false),
            'q' => (8, true),
            'Q' => (8, false),
            'n' if native => (std::mem::size_of::<isize>(), true),
            'N' if native => (std::mem::size_of::<usize>(), false),
            'n' | 'N' => return Err(error("n and N exist only in native (@) mode")),
            _ => {
                return Err(error(
                    "the code must be an integer: b B h H i I l L q Q n N",
                ))
            }
        };
        Ok(LengthHeader {
            format: format.trim().to_string(),
            size,
            signed,
            order,
        })
    }

    /// The workspace's default header, `!I`: 4 bytes, big-endian, unsigned.
    pub fn network() -> LengthHeader {
        LengthHeader {
            format: "!I".to_string(),
            size: 4,
            signed: false,
            order: ByteOrder::Big,
        }
    }

    /// How many bytes the header takes.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The largest length the header can carry (a signed header loses half its range
    /// to negative numbers, which mean nothing as a length).
    pub fn max_len(&self) -> u64 {
        let bits = 8 * self.size as u32 - u32::from(self.signed);
        if bits >= 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        }
    }

    /// The byte order of the header.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// Writes `len` into `out` (exactly [`size`](Self::size) bytes).
    ///
    /// Returns `None` when `len` does not fit in the header.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::header::LengthHeader;
    ///
    /// let mut out = [0u8; 4];
    /// LengthHeader::network().encode(5, &mut out).unwrap();
    /// assert_eq!(out, [0, 0, 0, 5]);
    /// LengthHeader::parse("<i").unwrap().encode(5, &mut out).unwrap();
    /// assert_eq!(out, [5, 0, 0, 0]);
    /// assert!(LengthHeader::parse("!H").unwrap().encode(70_000, &mut [0; 2]).is_none());
    /// ```
    pub fn encode(&self, len: u64, out: &mut [u8]) -> Option<()> {
        if len > self.max_len() || out.len() != self.size {
            return None;
        }
        let bytes = len.to_be_bytes(); // 8 bytes, most significant first
        let low = &bytes[8 - self.size..];
        match self.order {
            ByteOrder::Big => out.copy_from_slice(low),
            ByteOrder::Little => {
                for (dst, src) in out.iter_mut().zip(low.iter().rev()) {
                    *dst = *src;
                }
            }
        }
        Some(())
    }

    /// Reads a length from exactly [`size`](Self::size) bytes (only the first `size` bytes
    /// of `bytes` are read; callers pass exactly that many). A signed header holding a
    /// negative number gives `Err(value)`: a peer sent nonsense (or garbage was read as a
    /// header).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::header::LengthHeader;
    ///
    /// assert_eq!(LengthHeader::network().decode(&[0, 0, 1, 0]), Ok(256));
    /// assert_eq!(LengthHeader::parse("=i").unwrap().decode(&[0xff; 4]), Err(-1));
    /// ```
    pub fn decode(&self, bytes: &[u8]) -> Result<u64, i64> {
        let mut value: u64 = 0;
        let mut push = |b: &u8| value = (value << 8) | u64::from(*b);
        match self.order {
            ByteOrder::Big => bytes.iter().take(self.size).for_each(&mut push),
            ByteOrder::Little => bytes.iter().take(self.size).rev().for_each(&mut push),
        }
        let sign_bit = 1u64 << (8 * self.size - 1);
        if self.signed && value & sign_bit != 0 {
            // Sign-extend to 64 bits to show the negative number the peer meant.
            let extended = if self.size == 8 {
                value
            } else {
                value | !((sign_bit << 1) - 1)
            };
            return Err(extended as i64);
        }
        Ok(value)
    }
}

impl fmt::Display for LengthHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format)
    }
}

impl Default for LengthHeader {
    fn default() -> Self {
        LengthHeader::network()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_and_ranges() {
        for (format, size, max) in [
            ("!B", 1, 255u64),
            ("!b", 1, 127),
            ("!H", 2, 65_535),
            ("<h", 2, 32_767),
            ("!I", 4, u32::MAX as u64),
            ("=i", 4, i32::MAX as u64),
            ("i", 4, i32::MAX as u64),
            ("!Q", 8, u64::MAX),
            ("!q", 8, i64::MAX as u64),
            ("!l", 4, i32::MAX as u64),
        ] {
            let h = LengthHeader::parse(format).unwrap();
            assert_eq!((h.size(), h.max_len()), (size, max), "{format}");
        }
    }

    #[test]
    fn bad_formats() {
        for bad in ["", "!", "!d", "!s", "!2I", "!II", "xI", "!n", "!?"] {
            assert!(LengthHeader::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn negative_lengths_are_reported() {
        let h = LengthHeader::parse("!h").unwrap();
        assert_eq!(h.decode(&[0x80, 0x00]), Err(-32768));
        let h = LengthHeader::parse("!q").unwrap();
        assert_eq!(h.decode(&[0xff; 8]), Err(-1));
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(
            format in prop::sample::select(vec!["!B", "!b", "<H", ">h", "!I", "=i", "<q", "!Q"]),
            len in any::<u64>(),
        ) {
            let h = LengthHeader::parse(format).unwrap();
            let mut out = vec![0xa5; h.size()];
            match h.encode(len, &mut out) {
                Some(()) => prop_assert_eq!(h.decode(&out), Ok(len)),
                None => prop_assert!(len > h.max_len()),
            }
        }
    }
}
