//! Summarising (route aggregation), the reverse of subnetting: many networks in, the
//! fewest prefixes that cover the same addresses out. A router announces `10.0.0.0/22`
//! rather than four /24s.

use std::net::Ipv4Addr;

use super::Ipv4Net;

/// The fewest networks that cover exactly the addresses of `nets`, truncated and sorted
/// (the same answer as Python's `ipaddress.collapse_addresses`).
///
/// It works in three plain steps:
/// 1. turn each network into a range of numbers, first to last address, and sort them;
/// 2. merge ranges that overlap or touch (`10.0.0.0-10.0.0.127` and `10.0.0.128-...`);
/// 3. cut each merged range, from its start, into the largest blocks that fit: a block of
///    2^k addresses must start on a multiple of 2^k (that is what a prefix means) and must
///    not run past the end of the range.
///
/// # Examples
///
/// ```
/// use netbasics::{ipv4net::summarize, Ipv4Net};
///
/// let nets: Vec<Ipv4Net> = ["10.0.0.128/25", "10.0.0.0/25", "10.0.1.0/24", "10.0.2.0/24"]
///     .iter()
///     .map(|s| s.parse())
///     .collect::<Result<_, _>>()?;
/// let merged: Vec<String> = summarize(&nets).iter().map(|n| n.to_string()).collect();
/// // 10.0.2.0/24 cannot join 10.0.0.0/23: a /22 would start at 10.0.0.0 and include 10.0.3.0.
/// assert_eq!(merged, ["10.0.0.0/23", "10.0.2.0/24"]);
/// # Ok::<(), netbasics::ipv4net::NetError>(())
/// ```
pub fn summarize(nets: &[Ipv4Net]) -> Vec<Ipv4Net> {
    // 1. Ranges of addresses, inclusive, as u64 so that `end + 1` cannot overflow.
    let mut ranges: Vec<(u64, u64)> = nets
        .iter()
        .map(|net| {
            (
                u64::from(net.network_bits()),
                u64::from(net.broadcast_bits()),
            )
        })
        .collect();
    ranges.sort_unstable();

    // 2. Merge: a range that starts at or before one past the current end continues it.
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some((_, current_end)) if start <= *current_end + 1 => {
                *current_end = (*current_end).max(end);
            }
            _ => merged.push((start, end)),
        }
    }

    // 3. Cut each range into aligned blocks.
    let mut result = Vec::new();
    for (mut start, end) in merged {
        while start <= end {
            // The largest block that may start here is given by the lowest 1 bit of the
            // start (address 0 is aligned to everything: the whole 2^32 space) ...
            let mut size: u64 = if start == 0 {
                1 << 32
            } else {
                start & start.wrapping_neg()
            };
            // ... halved until it fits inside the range.
            while start + size - 1 > end {
                size /= 2;
            }
            let prefix = 32 - size.trailing_zeros() as u8;
            let network = u32::try_from(start).expect("range starts are IPv4 addresses");
            result.push(Ipv4Net {
                addr: Ipv4Addr::from(network),
                prefix,
            });
            start += size;
        }
    }
    result
}
