//! The Internet checksum (RFC 1071): the check carried by IPv4, ICMP, UDP and TCP headers.
//!
//! The sender treats the bytes as a row of 16-bit big-endian numbers, adds them with
//! *ones' complement* arithmetic (a carry out of the top bit is added back in at the
//! bottom), and sends the complement of the sum. The receiver adds the same bytes
//! *including* the checksum field: a packet that arrived intact sums to `0xffff`, whose
//! complement is 0.
//!
//! ```text
//!   0001 + f203 + f4f5 + f6f7   = 2 ddf0      (RFC 1071's example, plain addition)
//!   fold the carry: ddf0 + 2    = ddf2        (ones' complement sum)
//!   complement:     !ddf2       = 220d        (the checksum that is sent)
//! ```
//!
//! # Why ones' complement
//!
//! Folding the carries back in (the *end-around carry*) treats every bit position
//! alike: a carry out of the top is not lost, it counts again at the bottom, so the high
//! and the low byte of a word play the same part. RFC 1071 draws two consequences. The
//! sum of byte-swapped data is the byte-swapped sum, so a little-endian machine may add
//! in its own byte order and swap once at the end. And the words may be added in any
//! order and in any grouping (a header here, the data there, or 32 bits at a time),
//! folding once at the end, which is what [`Checksum`] does with its 64-bit total. A
//! router that changes one field (the TTL, at every hop) can also update the checksum
//! from the old one instead of adding the whole header again (RFC 1624).
//!
//! It is a weak check: it catches a flipped bit, but not two 16-bit words swapped. It is
//! cheap, and when every router recomputed it for every packet that mattered most.
//!
//! # Odd lengths
//!
//! A message of odd length has a last byte without a partner. RFC 1071 pads it with a
//! zero byte on the right, so `ab` counts as the word `ab00`. [`Checksum`] adds slices
//! one after another, and a slice's odd last byte waits for the first byte of the next
//! slice: adding pieces gives the same sum as adding them joined.
//!
//! # The pseudo-header
//!
//! UDP and TCP also cover a *pseudo-header* that is never sent: the source and
//! destination addresses, the protocol number and the UDP/TCP length, taken from the IP
//! header. A segment delivered to the wrong address (or handed to the wrong protocol)
//! then fails its checksum: the transport layer checks for itself that the segment was
//! meant for it. Adding slices one after another is what makes this cheap: the pseudo-header,
//! the header and the data are summed where they are, without copying them into one
//! buffer. `framing::wire::checksum` builds the IPv4 pseudo-header (lesson 4); ICMPv6
//! covers one too, which is why the kernel computes that checksum (see [`crate::icmp`]).

/// An Internet checksum being computed over one or more slices.
///
/// Adding slices one after another gives the same result as adding them joined into
/// one, even when a slice has an odd length: a leftover byte waits for the next slice.
///
/// # Examples
///
/// ```
/// use netbasics::checksum::Checksum;
///
/// // RFC 1071's example: the words 0001 f203 f4f5 f6f7.
/// let mut sum = Checksum::new();
/// sum.add(&[0x00, 0x01, 0xf2]);
/// sum.add(&[0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
/// assert_eq!(sum.sum(), 0xddf2);
/// assert_eq!(sum.finish(), 0x220d);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checksum {
    /// The running total. 64 bits leave room for the carries of any realistic input;
    /// they are folded back in at the end.
    total: u64,
    /// The first byte of a 16-bit word whose second byte is in the next slice.
    pending: Option<u8>,
}

impl Checksum {
    /// An empty sum.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::checksum::Checksum;
    ///
    /// assert_eq!(Checksum::new().finish(), 0xffff);
    /// ```
    pub const fn new() -> Self {
        Checksum {
            total: 0,
            pending: None,
        }
    }

    /// Adds bytes, as 16-bit big-endian words.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::checksum::Checksum;
    ///
    /// let mut sum = Checksum::new();
    /// sum.add(&[0x12, 0x34]);
    /// sum.add(&[0x56]); // an odd byte counts as 0x5600 ...
    /// assert_eq!(sum.sum(), 0x1234 + 0x5600);
    /// sum.add(&[0x78]); // ... until its partner arrives
    /// assert_eq!(sum.sum(), 0x1234 + 0x5678);
    /// ```
    pub fn add(&mut self, bytes: &[u8]) -> &mut Self {
        let mut rest = bytes;
        if let Some(high) = self.pending {
            if let Some((&low, tail)) = rest.split_first() {
                self.total += u64::from(u16::from_be_bytes([high, low]));
                self.pending = None;
                rest = tail;
            }
        }
        let mut words = rest.chunks_exact(2);
        for word in &mut words {
            self.total += u64::from(u16::from_be_bytes([word[0], word[1]]));
        }
        if let [last] = words.remainder() {
            self.pending = Some(*last);
        }
        self
    }

    /// Adds one 16-bit number.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::checksum::Checksum;
    ///
    /// let mut sum = Checksum::new();
    /// sum.add_u16(0xffff).add_u16(0x0002);
    /// assert_eq!(sum.sum(), 0x0002); // 0x1_0001, carry folded back: 0x0002
    /// ```
    pub fn add_u16(&mut self, word: u16) -> &mut Self {
        self.add(&word.to_be_bytes())
    }

    /// The ones' complement sum so far (a trailing odd byte is padded with a zero byte,
    /// as RFC 1071 says).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::checksum::Checksum;
    ///
    /// let mut sum = Checksum::new();
    /// sum.add(&[0x01]);
    /// assert_eq!(sum.sum(), 0x0100);
    /// ```
    pub fn sum(&self) -> u16 {
        let mut total = self.total;
        if let Some(high) = self.pending {
            total += u64::from(high) << 8;
        }
        // Fold the carries back in until none are left (at most a few rounds).
        while total > 0xffff {
            total = (total & 0xffff) + (total >> 16);
        }
        u16::try_from(total).expect("folding leaves at most 16 bits")
    }

    /// The checksum: the complement of the sum. Put it in the checksum field when
    /// sending; over received bytes that include the checksum field it is 0 when they
    /// are intact.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::checksum::Checksum;
    ///
    /// // An intact IPv4 header sums to 0xffff, so its checksum comes out as 0.
    /// let header = [
    ///     0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
    ///     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    /// ];
    /// assert_eq!(Checksum::new().add(&header).finish(), 0);
    /// ```
    pub fn finish(&self) -> u16 {
        !self.sum()
    }
}

/// The Internet checksum of one slice (the complement of its ones' complement sum), as
/// written into a header. Run over a message that already holds a correct checksum, it
/// gives 0: that is how a receiver checks it.
///
/// # Examples
///
/// ```
/// use netbasics::checksum::checksum;
///
/// let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
/// assert_eq!(checksum(&data), 0x220d);
///
/// // A message with its checksum in place sums to zero.
/// let with_sum = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d];
/// assert_eq!(checksum(&with_sum), 0);
///
/// // An odd length: the last byte counts as the high half of a word.
/// assert_eq!(checksum(&[0x01]), !0x0100);
/// ```
pub fn checksum(bytes: &[u8]) -> u16 {
    Checksum::new().add(bytes).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plainest possible reference: pad to even length, add the words in a u64,
    /// fold, complement.
    fn reference(bytes: &[u8]) -> u16 {
        let mut padded = bytes.to_vec();
        if padded.len() % 2 == 1 {
            padded.push(0);
        }
        let mut total: u64 = padded
            .chunks(2)
            .map(|w| u64::from(w[0]) << 8 | u64::from(w[1]))
            .sum();
        while total > 0xffff {
            total = (total & 0xffff) + (total >> 16);
        }
        !(total as u16)
    }

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3: 0001 + f203 + f4f5 + f6f7 = 2ddf0, folded: ddf2,
        // complemented: 220d.
        let bytes = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        let mut sum = Checksum::new();
        sum.add(&bytes);
        assert_eq!(sum.sum(), 0xddf2);
        assert_eq!(sum.finish(), 0x220d);
        assert_eq!(checksum(&bytes), 0x220d);
    }

    #[test]
    fn edges() {
        assert_eq!(Checksum::new().sum(), 0);
        assert_eq!(checksum(&[]), 0xffff);
        assert_eq!(checksum(&[0, 0]), 0xffff);
        assert_eq!(checksum(&[0xff, 0xff]), 0x0000);
        // 0xffff + 0x0001 = 0x1_0000, folded to 0x0001.
        assert_eq!(checksum(&[0xff, 0xff, 0x00, 0x01]), !0x0001);
        // A long run of 0xff bytes...
        assert_eq!(checksum(&vec![0xff; 70_000]), 0);
        // ...and with an odd byte: 0xffff + 0xff00 = 0x1_feff, folded 0xff00.
        assert_eq!(checksum(&vec![0xff; 70_001]), !0xff00);
    }

    #[test]
    fn odd_length_pads_with_a_zero_byte() {
        assert_eq!(checksum(&[0xab]), !0xab00);
        assert_eq!(checksum(&[0x00, 0x01, 0xf2]), !(0x0001 + 0xf200));
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2]),
            checksum(&[0x00, 0x01, 0xf2, 0x00])
        );
    }

    #[test]
    fn odd_slices_join_across_calls() {
        let mut sum = Checksum::new();
        sum.add(&[0x00]).add(&[]).add(&[0x01, 0xf2]).add(&[0x03]);
        sum.add(&[0xf4, 0xf5, 0xf6, 0xf7]);
        assert_eq!(sum.finish(), 0x220d);
    }

    #[test]
    fn carries_are_folded() {
        let mut sum = Checksum::new();
        for _ in 0..100_000 {
            sum.add_u16(0xffff);
        }
        // Adding 0xffff (minus zero in ones' complement) never changes a non-zero sum.
        assert_eq!(sum.sum(), 0xffff);
        assert_eq!(reference(&[0xff; 200_000]), sum.finish());
    }

    #[test]
    fn classic_ipv4_header_checksum() {
        // The header from the Wikipedia article on the IPv4 header checksum.
        let mut header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&header), 0xb861);
        header[10..12].copy_from_slice(&0xb861u16.to_be_bytes());
        assert_eq!(checksum(&header), 0);
    }

    proptest! {
        #[test]
        fn matches_the_reference(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            prop_assert_eq!(checksum(&bytes), reference(&bytes));
        }

        #[test]
        fn any_split_gives_the_same_sum(
            bytes in proptest::collection::vec(any::<u8>(), 0..300),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut sum = Checksum::new();
            let mut start = 0;
            for cut in cuts {
                sum.add(&bytes[start..cut]);
                start = cut;
            }
            sum.add(&bytes[start..]);
            prop_assert_eq!(sum.finish(), checksum(&bytes));
        }

        #[test]
        fn data_with_its_checksum_verifies(mut bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            // Put the checksum in a word-aligned field (as every header does) and the
            // whole then checks to 0.
            if bytes.len() % 2 == 1 {
                bytes.push(0);
            }
            bytes.extend_from_slice(&[0, 0]);
            let n = bytes.len();
            let sum = checksum(&bytes);
            bytes[n - 2..].copy_from_slice(&sum.to_be_bytes());
            prop_assert_eq!(checksum(&bytes), 0);
        }
    }
}
