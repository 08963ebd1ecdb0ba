//! Finding one option in a TCP header's options.
//!
//! Each option is a kind byte; kinds 0 (end of list) and 1 (no-operation, padding) are
//! that one byte, every other kind is followed by a length byte counting both, then its
//! data. The two options a capture needs most come in SYNs only: the MSS (kind 2, the
//! largest segment the sender accepts) and the window scale (kind 3, RFC 7323: how many
//! bits to shift every later window field left, so windows can pass 64 KiB).
//!
//! [`iter`] walks the list; [`find`] and the decoder's description of every option use it.

/// Option kind 2: maximum segment size.
pub const KIND_MSS: u8 = 2;
/// Option kind 3: window scale.
pub const KIND_WINDOW_SCALE: u8 = 3;
/// The largest window scale RFC 7323 allows; a bigger shift is read as 14.
pub const MAX_WINDOW_SCALE: u8 = 14;

/// One item of an options list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    /// Kind 0: the list ends here (what follows is padding).
    End,
    /// Kind 1: no-operation, one byte of padding.
    Nop,
    /// Any other kind, with its data.
    Option {
        /// The kind byte.
        kind: u8,
        /// The data after the kind and length bytes.
        data: &'a [u8],
        /// The whole option: kind, length, data.
        bytes: &'a [u8],
    },
    /// A kind whose length byte is missing, below 2, or past the end: the rest of the
    /// list (from this kind on) cannot be read.
    Malformed {
        /// The kind byte.
        kind: u8,
        /// The rest of the list, from the kind on.
        rest: &'a [u8],
    },
}

/// The options of a list, in order; it stops after [`TcpOption::End`] or
/// [`TcpOption::Malformed`].
#[derive(Debug, Clone)]
pub struct Options<'a> {
    rest: &'a [u8],
}

/// Walks an options list.
///
/// # Examples
///
/// ```
/// use framing::wire::tcp::options::{iter, TcpOption};
///
/// let items: Vec<_> = iter(&[1, 3, 3, 7, 0, 0]).collect();
/// assert_eq!(items[0], TcpOption::Nop);
/// assert!(matches!(items[1], TcpOption::Option { kind: 3, data: [7], .. }));
/// assert_eq!(items[2], TcpOption::End);
/// assert_eq!(items.len(), 3);
/// ```
pub fn iter(options: &[u8]) -> Options<'_> {
    Options { rest: options }
}

impl<'a> Iterator for Options<'a> {
    type Item = TcpOption<'a>;

    fn next(&mut self) -> Option<TcpOption<'a>> {
        let rest = self.rest;
        let (&kind, after_kind) = rest.split_first()?;
        match kind {
            0 => {
                self.rest = &[];
                return Some(TcpOption::End);
            }
            1 => {
                self.rest = after_kind;
                return Some(TcpOption::Nop);
            }
            _ => {}
        }
        match after_kind.first().map(|&len| usize::from(len)) {
            Some(len) if len >= 2 && len <= rest.len() => {
                self.rest = &rest[len..];
                Some(TcpOption::Option {
                    kind,
                    data: &rest[2..len],
                    bytes: &rest[..len],
                })
            }
            _ => {
                self.rest = &[];
                Some(TcpOption::Malformed { kind, rest })
            }
        }
    }
}

/// The data of the first option of `kind`, or `None` when it is absent or the list is
/// malformed before it (a length byte that is missing, below 2, or past the end).
///
/// # Examples
///
/// ```
/// use framing::wire::tcp::options::{find, KIND_WINDOW_SCALE};
///
/// // MSS 65495, SACK permitted, NOP, window scale 7.
/// let options = [2, 4, 0xff, 0xd7, 4, 2, 1, 3, 3, 7];
/// assert_eq!(find(&options, KIND_WINDOW_SCALE), Some(&[7u8][..]));
/// assert_eq!(find(&options, 8), None);
/// assert_eq!(find(&[3, 9], KIND_WINDOW_SCALE), None); // a length past the end
/// ```
pub fn find(options: &[u8], kind: u8) -> Option<&[u8]> {
    iter(options).find_map(|option| match option {
        TcpOption::Option { kind: k, data, .. } if k == kind => Some(data),
        _ => None,
    })
}

/// The window scale a SYN announces (capped at 14, as RFC 7323 says to), if any.
pub fn window_scale(options: &[u8]) -> Option<u8> {
    match find(options, KIND_WINDOW_SCALE)? {
        [shift] => Some((*shift).min(MAX_WINDOW_SCALE)),
        _ => None,
    }
}

/// The maximum segment size a SYN announces, if any.
pub fn mss(options: &[u8]) -> Option<u16> {
    match find(options, KIND_MSS)? {
        [a, b] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_options_of_a_loopback_syn() {
        // MSS 65476, SACK permitted, timestamps, NOP, window scale 10 (from a capture).
        let options = [
            0x02, 0x04, 0xff, 0xc4, 0x04, 0x02, 0x08, 0x0a, 0xa4, 0x47, 0xe3, 0x7e, 0, 0, 0, 0,
            0x01, 0x03, 0x03, 0x0a,
        ];
        assert_eq!(mss(&options), Some(65476));
        assert_eq!(window_scale(&options), Some(10));
        assert_eq!(find(&options, 4), Some(&[][..]));
    }

    #[test]
    fn end_of_list_stops_the_search() {
        assert_eq!(window_scale(&[0, 3, 3, 7]), None);
        assert_eq!(window_scale(&[3, 3, 20]), Some(14));
        assert_eq!(
            window_scale(&[3, 4, 7, 7]),
            None,
            "wrong length for the kind"
        );
        assert_eq!(find(&[5, 1], 3), None, "a length below 2");
    }

    proptest! {
        #[test]
        fn the_options_walked_are_the_list_in_order(bytes in proptest::collection::vec(any::<u8>(), 0..44)) {
            // Every item is the bytes right after the one before: nothing skipped or read twice.
            let mut at = 0;
            for option in iter(&bytes) {
                let len = match option {
                    TcpOption::End | TcpOption::Nop => 1,
                    TcpOption::Option { bytes: whole, data, .. } => {
                        prop_assert_eq!(&whole[2..], data);
                        whole.len()
                    }
                    TcpOption::Malformed { rest, .. } => rest.len(),
                };
                prop_assert!(at + len <= bytes.len());
                at += len;
            }
        }

        #[test]
        fn arbitrary_options_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..44)) {
            let _ = mss(&bytes);
            if let Some(shift) = window_scale(&bytes) {
                prop_assert!(shift <= MAX_WINDOW_SCALE);
            }
        }
    }
}
