//! Finding one option in a TCP header's options.
//!
//! Each option is a kind byte; kinds 0 (end of list) and 1 (no-operation, padding) are
//! that one byte, every other kind is followed by a length byte counting both, then its
//! data. The two options a capture needs most come in SYNs only: the MSS (kind 2, the
//! largest segment the sender accepts) and the window scale (kind 3, RFC 7323: how many
//! bits to shift every later window field left, so windows can pass 64 KiB).
//!
//! (The decoder's `describe` walks the same list to put every option in words.)

/// Option kind 2: maximum segment size.
pub const KIND_MSS: u8 = 2;
/// Option kind 3: window scale.
pub const KIND_WINDOW_SCALE: u8 = 3;
/// The largest window scale RFC 7323 allows; a bigger shift is read as 14.
pub const MAX_WINDOW_SCALE: u8 = 14;

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
    let mut rest = options;
    while let Some((&this, after_kind)) = rest.split_first() {
        match this {
            0 => return None,
            1 => {
                rest = after_kind;
                continue;
            }
            _ => {}
        }
        let len = usize::from(*after_kind.first()?);
        if len < 2 || len > rest.len() {
            return None;
        }
        if this == kind {
            return Some(&rest[2..len]);
        }
        rest = &rest[len..];
    }
    None
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
        fn arbitrary_options_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..44)) {
            let _ = mss(&bytes);
            if let Some(shift) = window_scale(&bytes) {
                prop_assert!(shift <= MAX_WINDOW_SCALE);
            }
        }
    }
}
