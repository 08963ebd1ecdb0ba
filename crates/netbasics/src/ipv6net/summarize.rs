//! Summarising (route aggregation), the reverse of subnetting: many networks in, the
//! fewest prefixes that cover the same addresses out.

use std::net::Ipv6Addr;

use super::{mask, Ipv6Net};

/// The fewest networks that cover exactly the addresses of `nets`, sorted, host bits
/// cleared (what Python's `ipaddress.collapse_addresses` does).
///
/// Overlapping and neighbouring networks merge: two halves make the whole
/// (`2001:db8::/33` and `2001:db8:8000::/33` give `2001:db8::/32`), and a network inside
/// another disappears. Host bits of the inputs are ignored.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6net::{summarize, Ipv6Net};
///
/// let texts = ["2001:db8:1::/48", "2001:db8::/48", "2001:db8::5/128", "2001:db8:3::/48"];
/// let nets: Vec<Ipv6Net> = texts
///     .iter()
///     .map(|s| s.parse())
///     .collect::<Result<_, _>>()?;
/// let summary: Vec<String> = summarize(&nets).iter().map(|n| n.to_string()).collect();
/// assert_eq!(summary, ["2001:db8::/47", "2001:db8:3::/48"]);
/// # Ok::<(), netbasics::ipv6net::Net6Error>(())
/// ```
pub fn summarize(nets: &[Ipv6Net]) -> Vec<Ipv6Net> {
    // 1. Each network as a range of numbers, first and last address included, in order.
    let mut ranges: Vec<(u128, u128)> = nets
        .iter()
        .map(|n| (n.network().to_bits(), n.last_address().to_bits()))
        .collect();
    ranges.sort_unstable();

    // 2. Merge ranges that overlap or touch.
    let mut merged: Vec<(u128, u128)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match merged.last_mut() {
            // `first <= end + 1`, written so that end = u128::MAX does not overflow.
            Some((_, end)) if first <= *end || first - *end == 1 => *end = (*end).max(last),
            _ => merged.push((first, last)),
        }
    }

    // 3. Cut each range into the biggest aligned blocks that fit.
    let mut out = Vec::new();
    for (first, last) in merged {
        range_to_nets(first, last, &mut out);
    }
    out
}

/// Appends the fewest networks covering `first..=last` exactly, in order.
pub(super) fn range_to_nets(mut first: u128, last: u128, out: &mut Vec<Ipv6Net>) {
    loop {
        // A block of 2^k addresses must start at a multiple of 2^k (so k is at most the
        // number of trailing zero bits of `first`) and must not run past `last`.
        let aligned = first.trailing_zeros(); // 128 when first is 0
        let fits = match (last - first).checked_add(1) {
            Some(count) => 127 - count.leading_zeros(), // floor(log2(count))
            None => 128,                                // the whole space, 0..=u128::MAX
        };
        let k = aligned.min(fits);
        out.push(Ipv6Net {
            addr: Ipv6Addr::from_bits(first),
            prefix: (128 - k) as u8,
        });
        // The block's last address; stop when it reaches the end of the range.
        let block_last = first | !mask((128 - k) as u8);
        if block_last >= last {
            return;
        }
        first = block_last + 1;
    }
}
