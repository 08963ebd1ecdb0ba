//! Netmask and prefix length: two ways to write where the network part of an address
//! ends. `/24` and `255.255.255.0` say the same thing, 24 one bits then 8 zero bits, and a
//! mask whose one bits are not all at the front (`255.0.255.0`) says nothing at all. With
//! a mask a host answers its first routing question: is the other address on my subnet?

use std::net::Ipv4Addr;

use super::NetError;

/// The netmask for a prefix length: `prefix` one bits followed by zero bits.
///
/// # Errors
///
/// [`NetError::PrefixTooLong`] if `prefix` is above 32.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4net::{prefix_to_netmask, NetError};
///
/// assert_eq!(prefix_to_netmask(24), Ok(Ipv4Addr::new(255, 255, 255, 0)));
/// assert_eq!(prefix_to_netmask(20), Ok(Ipv4Addr::new(255, 255, 240, 0)));
/// assert_eq!(prefix_to_netmask(0), Ok(Ipv4Addr::new(0, 0, 0, 0)));
/// assert_eq!(prefix_to_netmask(32), Ok(Ipv4Addr::new(255, 255, 255, 255)));
/// assert_eq!(prefix_to_netmask(33), Err(NetError::PrefixTooLong { prefix: 33 }));
/// ```
pub fn prefix_to_netmask(prefix: u8) -> Result<Ipv4Addr, NetError> {
    if prefix > 32 {
        return Err(NetError::PrefixTooLong { prefix });
    }
    Ok(Ipv4Addr::from(mask_bits(prefix)))
}

/// The netmask of a prefix known to be 0..=32, as a number.
pub(super) fn mask_bits(prefix: u8) -> u32 {
    // All ones, shifted left by the number of host bits. For /0 that shift is 32, which
    // Rust treats as an overflow (the CPU would shift by 0 and give all ones, the wrong
    // answer), so `checked_shl` returns None and the mask is 0.
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

/// The prefix length of a netmask: how many 1 bits it starts with.
///
/// # Errors
///
/// [`NetError::NonContiguousMask`] if the mask has a 1 bit after a 0 bit, like
/// `255.0.255.0`: such a mask does not split the address into a network part and a host
/// part, and no prefix length describes it.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4net::{netmask_to_prefix, NetError};
///
/// assert_eq!(netmask_to_prefix(Ipv4Addr::new(255, 255, 255, 0)), Ok(24));
/// assert_eq!(netmask_to_prefix(Ipv4Addr::new(255, 255, 255, 252)), Ok(30));
/// assert_eq!(netmask_to_prefix(Ipv4Addr::new(0, 0, 0, 0)), Ok(0));
/// let bad = Ipv4Addr::new(255, 0, 255, 0);
/// assert_eq!(netmask_to_prefix(bad), Err(NetError::NonContiguousMask { mask: bad }));
/// ```
pub fn netmask_to_prefix(mask: Ipv4Addr) -> Result<u8, NetError> {
    let bits = u32::from(mask);
    // Count the 1 bits at the front, rebuild the mask they would make, and compare: any 1
    // bit further right makes the two differ.
    let prefix = bits.leading_ones() as u8;
    if mask_bits(prefix) == bits {
        Ok(prefix)
    } else {
        Err(NetError::NonContiguousMask { mask })
    }
}

/// Whether `a` and `b` are on the same network under `mask`: the test a host makes to
/// decide whether to send a packet straight to `b` or to its gateway.
///
/// # Errors
///
/// [`NetError::NonContiguousMask`] if `mask` is not a netmask.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4net::same_subnet;
///
/// let mask = Ipv4Addr::new(255, 255, 255, 0);
/// assert_eq!(same_subnet(Ipv4Addr::new(192, 168, 1, 10), Ipv4Addr::new(192, 168, 1, 200), mask), Ok(true));
/// assert_eq!(same_subnet(Ipv4Addr::new(192, 168, 1, 10), Ipv4Addr::new(192, 168, 2, 10), mask), Ok(false));
/// assert!(same_subnet(Ipv4Addr::new(1, 1, 1, 1), Ipv4Addr::new(1, 1, 1, 1), Ipv4Addr::new(0, 255, 0, 0)).is_err());
/// ```
pub fn same_subnet(a: Ipv4Addr, b: Ipv4Addr, mask: Ipv4Addr) -> Result<bool, NetError> {
    netmask_to_prefix(mask)?;
    let mask = u32::from(mask);
    Ok(u32::from(a) & mask == u32::from(b) & mask)
}
