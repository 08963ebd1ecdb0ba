//! Netmask and prefix length for 128-bit addresses: `/64` is `ffff:ffff:ffff:ffff::`.
//! IPv6 tools rarely write the netmask, but the network arithmetic is done with it.

use std::net::Ipv6Addr;

use super::Net6Error;

/// The netmask of a prefix as a number: `prefix` one bits, then zeros.
///
/// `prefix` must be at most 128. Shifting a `u128` by 128 is an overflow (a panic in debug
/// builds), so `/0`, whose mask has no one bits at all, is its own case.
pub(crate) fn mask(prefix: u8) -> u128 {
    debug_assert!(prefix <= 128, "prefix length {prefix} above 128");
    match prefix {
        0 => 0,
        p => u128::MAX << (128 - u32::from(p)),
    }
}

/// The netmask of a prefix length: `/64` is `ffff:ffff:ffff:ffff::`.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6net::{prefix_to_netmask, Net6Error};
///
/// assert_eq!(prefix_to_netmask(64)?.to_string(), "ffff:ffff:ffff:ffff::");
/// assert_eq!(prefix_to_netmask(0)?.to_string(), "::");
/// assert_eq!(prefix_to_netmask(129), Err(Net6Error::PrefixTooLong { prefix: 129 }));
/// # Ok::<(), Net6Error>(())
/// ```
pub fn prefix_to_netmask(prefix: u8) -> Result<Ipv6Addr, Net6Error> {
    if prefix > 128 {
        return Err(Net6Error::PrefixTooLong { prefix });
    }
    Ok(Ipv6Addr::from_bits(mask(prefix)))
}

/// The prefix length of a netmask, if it is one (1 bits first, then only 0 bits).
///
/// # Examples
///
/// ```
/// use netbasics::ipv6net::{netmask_to_prefix, Net6Error};
/// use std::net::Ipv6Addr;
///
/// assert_eq!(netmask_to_prefix(Ipv6Addr::new(0xffff, 0xffff, 0xffff, 0xffff, 0, 0, 0, 0))?, 64);
/// assert_eq!(netmask_to_prefix(Ipv6Addr::UNSPECIFIED)?, 0);
/// let holey = Ipv6Addr::new(0xffff, 0, 0xffff, 0, 0, 0, 0, 0);
/// assert_eq!(netmask_to_prefix(holey), Err(Net6Error::NotANetmask { mask: holey }));
/// # Ok::<(), Net6Error>(())
/// ```
pub fn netmask_to_prefix(netmask: Ipv6Addr) -> Result<u8, Net6Error> {
    let bits = netmask.to_bits();
    // A netmask is ones then zeros, so its ones and its zeros together fill all 128 bits.
    let ones = bits.leading_ones();
    if ones + bits.trailing_zeros() == 128 {
        Ok(ones as u8)
    } else {
        Err(Net6Error::NotANetmask { mask: netmask })
    }
}
