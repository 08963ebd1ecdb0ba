//! IPv4 addresses: reading dotted-decimal text, the classes A-E, and the special ranges.
//!
//! An IPv4 address is one 32-bit number. People write it as four *octets* (8-bit
//! pieces, each 0-255) in decimal, separated by dots: `192.168.1.1` is the number
//! `0xC0A80101`. Everything else in this module is arithmetic on that number:
//!
//! - [`parse_ipv4`] turns the text into an [`Ipv4Addr`], with an error that says exactly
//!   what is wrong ([`Ipv4ParseError`]).
//! - [`Class`], in a file of its own (`ipv4/class.rs`), is the old *classful* scheme (A, B,
//!   C for unicast, D for multicast, E reserved), decided only by the first few bits of the
//!   address. Classes were replaced by CIDR prefixes (see [`crate::ipv4net`]) in 1993, but
//!   they are still taught, and their default prefixes (/8, /16, /24) are still what many
//!   tools assume.
//! - [`is_private`], [`is_loopback`], ... and [`special_ranges`] say whether an address
//!   belongs to one of the blocks the RFCs set aside (private networks, loopback,
//!   multicast, documentation, ...).
//! - [`to_binary`] shows the 32 bits, which is how the netmask lesson makes sense.
//!
//! The address type is the standard library's [`Ipv4Addr`]; we convert it to and from
//! `u32` (`u32::from(addr)`, `Ipv4Addr::from(n)`) to do the math. The unit tests are in
//! `ipv4/tests.rs`.

use std::net::Ipv4Addr;

mod class;

pub use class::Class;

/// Why a text is not a dotted-decimal IPv4 address.
///
/// Octets are numbered from 1 (the leftmost) to 4; positions count characters from 1.
///
/// # Examples
///
/// ```
/// use netbasics::ipv4::{parse_ipv4, Ipv4ParseError};
///
/// assert_eq!(parse_ipv4("192.168.1"), Err(Ipv4ParseError::TooFewOctets { found: 3 }));
/// let err = parse_ipv4("192.168.1").unwrap_err();
/// assert!(err.to_string().starts_with("found 3 of the 4 octets"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ipv4ParseError {
    /// The text is empty.
    #[error("the address is empty: an IPv4 address is four numbers 0-255 separated by dots, like 192.168.1.1")]
    Empty,
    /// Fewer than four dot-separated parts.
    #[error("found {found} of the 4 octets an IPv4 address needs: write four numbers 0-255 separated by dots, like 192.168.1.1")]
    TooFewOctets {
        /// How many dot-separated parts the text has.
        found: usize,
    },
    /// More than four dot-separated parts.
    #[error("found {found} dot-separated parts, but an IPv4 address has exactly 4 octets, like 192.168.1.1")]
    TooManyOctets {
        /// How many dot-separated parts the text has.
        found: usize,
    },
    /// Two dots with nothing between them, or a dot at the start or the end.
    #[error("octet {octet} is empty (two dots in a row, or a dot at the start or end): each octet is a number 0-255")]
    EmptyOctet {
        /// Which octet (1-4) is empty.
        octet: usize,
    },
    /// A character that is neither an ASCII digit nor a dot.
    #[error("{ch:?} at position {position}{} is not a digit or a dot{}: an IPv4 address is four numbers 0-255 separated by dots, like 192.168.1.1",
        place(*.position, *.at_end), char_hint(*.ch))]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its position in the text, counting characters from 1.
        position: usize,
        /// Whether it is the last character (trailing garbage or a newline, say).
        at_end: bool,
    },
    /// An octet above 255: eight bits only count up to 255.
    #[error("octet {octet} is {text}, but an octet is 8 bits and at most 255")]
    OctetTooLarge {
        /// Which octet (1-4) is too large.
        octet: usize,
        /// The octet as written (it may be too long for any integer type).
        text: String,
    },
    /// An octet with a leading zero, like `010`.
    #[error("octet {octet} is {text:?}, with a leading zero: leading zeros are not allowed, because some tools read 010 as octal (= 8) and others as decimal 10")]
    LeadingZero {
        /// Which octet (1-4) has the leading zero.
        octet: usize,
        /// The octet as written.
        text: String,
    },
}

/// Where a bad character sits, for the error message: leading and trailing garbage
/// (often a space or a newline) are the common cases.
fn place(position: usize, at_end: bool) -> &'static str {
    match (position, at_end) {
        (1, true) => "",
        (1, false) => " (the start)",
        (_, true) => " (the end)",
        _ => "",
    }
}

/// A hint for the characters that usually cause the error: whitespace (invisible in a
/// terminal), and a port or a prefix length typed where only an address belongs.
fn char_hint(ch: char) -> &'static str {
    match ch {
        c if c.is_whitespace() => {
            " (whitespace is not allowed anywhere in the address, trim it first)"
        }
        ':' => " (a :port is not part of the address)",
        '/' => " (a /prefix makes a network, not an address)",
        _ => "",
    }
}

/// Parses a dotted-decimal IPv4 address: exactly four octets, each `0`-`255`, written in
/// decimal without leading zeros.
///
/// This is stricter than the C library's `inet_aton`, which also accepts `"10.1"`,
/// `"0x7f.1"` or `"010.0.0.1"` (octal!). It accepts exactly what Python's
/// `ipaddress.ip_address` and Rust's `str::parse::<Ipv4Addr>` accept.
///
/// # Errors
///
/// Every way of going wrong has its own [`Ipv4ParseError`] variant. The checks run in this
/// order: empty text, characters that are not digits or dots, the number of octets, then
/// each octet from left to right (empty, leading zero, too large).
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::{parse_ipv4, Ipv4ParseError};
///
/// assert_eq!(parse_ipv4("192.168.1.1"), Ok(Ipv4Addr::new(192, 168, 1, 1)));
/// assert_eq!(parse_ipv4("0.0.0.0"), Ok(Ipv4Addr::UNSPECIFIED));
///
/// assert_eq!(parse_ipv4(""), Err(Ipv4ParseError::Empty));
/// assert_eq!(parse_ipv4("1.2.3.4.5"), Err(Ipv4ParseError::TooManyOctets { found: 5 }));
/// assert_eq!(parse_ipv4("1..2.3"), Err(Ipv4ParseError::EmptyOctet { octet: 2 }));
/// assert_eq!(
///     parse_ipv4("1.2.3.256"),
///     Err(Ipv4ParseError::OctetTooLarge { octet: 4, text: "256".into() })
/// );
/// assert_eq!(
///     parse_ipv4("010.0.0.1"),
///     Err(Ipv4ParseError::LeadingZero { octet: 1, text: "010".into() })
/// );
/// assert_eq!(
///     parse_ipv4("1.2.3.4\n"),
///     Err(Ipv4ParseError::InvalidChar { ch: '\n', position: 8, at_end: true })
/// );
/// ```
pub fn parse_ipv4(s: &str) -> Result<Ipv4Addr, Ipv4ParseError> {
    if s.is_empty() {
        return Err(Ipv4ParseError::Empty);
    }

    // 1. Only ASCII digits and dots may appear. Checking this first gives the most useful
    //    message for the usual mistakes: a space, a newline, a port (`:80`), a prefix (`/24`).
    //    `is_ascii_digit` on purpose: `char::is_numeric` would let in '٣' (Arabic three).
    let char_count = s.chars().count();
    if let Some((index, ch)) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
    {
        return Err(Ipv4ParseError::InvalidChar {
            ch,
            position: index + 1,
            at_end: index + 1 == char_count,
        });
    }

    // 2. Exactly four octets.
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() < 4 {
        return Err(Ipv4ParseError::TooFewOctets { found: parts.len() });
    }
    if parts.len() > 4 {
        return Err(Ipv4ParseError::TooManyOctets { found: parts.len() });
    }

    // 3. Each octet: not empty, no leading zero, at most 255.
    let mut octets = [0u8; 4];
    for (i, part) in parts.iter().enumerate() {
        octets[i] = parse_octet(part, i + 1)?;
    }
    Ok(Ipv4Addr::from(octets))
}

/// Parses one octet, already known to hold only ASCII digits. `octet` (1-4) is for the
/// error message.
fn parse_octet(text: &str, octet: usize) -> Result<u8, Ipv4ParseError> {
    if text.is_empty() {
        return Err(Ipv4ParseError::EmptyOctet { octet });
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(Ipv4ParseError::LeadingZero {
            octet,
            text: text.to_string(),
        });
    }
    let too_large = || Ipv4ParseError::OctetTooLarge {
        octet,
        text: text.to_string(),
    };
    // More than three digits can never be 255 or less (no leading zeros by now), and
    // stopping here means a 1000-digit octet cannot overflow the sum below.
    if text.len() > 3 {
        return Err(too_large());
    }
    let value = text
        .bytes()
        .fold(0u32, |acc, digit| acc * 10 + u32::from(digit - b'0'));
    u8::try_from(value).map_err(|_| too_large())
}

/// Whether `addr` lies in the block `network/prefix`: the first `prefix` bits agree.
fn in_block(addr: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    // `checked_shl` because shifting a u32 by 32 is an overflow in Rust (a /0 mask has no
    // 1 bits at all).
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(addr) & mask == u32::from_be_bytes(network)
}

/// Private addresses (RFC 1918): `10.0.0.0/8`, `172.16.0.0/12` (172.16.0.0 -
/// 172.31.255.255) and `192.168.0.0/16`. Anyone may use them inside their own network;
/// routers on the public Internet do not carry them, so a private network reaches the
/// Internet through NAT.
///
/// Only these three blocks: carrier-grade NAT space ([`is_shared`]), loopback and
/// link-local are special too, but not "private" in the RFC 1918 sense.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_private;
///
/// assert!(is_private(Ipv4Addr::new(172, 31, 255, 255)));
/// assert!(!is_private(Ipv4Addr::new(172, 32, 0, 0)));
/// assert!(!is_private(Ipv4Addr::new(8, 8, 8, 8)));
/// ```
pub fn is_private(a: Ipv4Addr) -> bool {
    in_block(a, [10, 0, 0, 0], 8)
        || in_block(a, [172, 16, 0, 0], 12)
        || in_block(a, [192, 168, 0, 0], 16)
}

/// Loopback addresses, `127.0.0.0/8` (RFC 1122): packets sent to any of them never leave
/// the machine. `127.0.0.1` is the usual one ("localhost").
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_loopback;
///
/// assert!(is_loopback(Ipv4Addr::new(127, 0, 0, 1)));
/// assert!(is_loopback(Ipv4Addr::new(127, 255, 255, 255)));
/// assert!(!is_loopback(Ipv4Addr::new(128, 0, 0, 1)));
/// ```
pub fn is_loopback(a: Ipv4Addr) -> bool {
    in_block(a, [127, 0, 0, 0], 8)
}

/// Link-local addresses, `169.254.0.0/16` (RFC 3927): what a machine gives itself when
/// no DHCP server answers. They only work on the local link.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_link_local;
///
/// assert!(is_link_local(Ipv4Addr::new(169, 254, 10, 20)));
/// assert!(!is_link_local(Ipv4Addr::new(169, 253, 0, 1)));
/// ```
pub fn is_link_local(a: Ipv4Addr) -> bool {
    in_block(a, [169, 254, 0, 0], 16)
}

/// Multicast addresses, `224.0.0.0/4` (class D, RFC 5771): one packet, delivered to
/// every member of a group.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_multicast;
///
/// assert!(is_multicast(Ipv4Addr::new(224, 0, 0, 251))); // mDNS
/// assert!(is_multicast(Ipv4Addr::new(239, 255, 255, 255)));
/// assert!(!is_multicast(Ipv4Addr::new(240, 0, 0, 0)));
/// ```
pub fn is_multicast(a: Ipv4Addr) -> bool {
    in_block(a, [224, 0, 0, 0], 4)
}

/// The limited broadcast address, `255.255.255.255` (RFC 919): every host on the local
/// network, never forwarded by routers. (Each network also has its own *directed*
/// broadcast address, its last address; see [`crate::Ipv4Net::broadcast`].)
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_broadcast;
///
/// assert!(is_broadcast(Ipv4Addr::BROADCAST));
/// assert!(!is_broadcast(Ipv4Addr::new(192, 168, 1, 255)));
/// ```
pub fn is_broadcast(a: Ipv4Addr) -> bool {
    u32::from(a) == u32::MAX
}

/// The unspecified address, `0.0.0.0`: "no address yet" as a source, and "every local
/// address" when a server binds to it.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_unspecified;
///
/// assert!(is_unspecified(Ipv4Addr::new(0, 0, 0, 0)));
/// assert!(!is_unspecified(Ipv4Addr::new(0, 0, 0, 1)));
/// ```
pub fn is_unspecified(a: Ipv4Addr) -> bool {
    u32::from(a) == 0
}

/// Documentation addresses (RFC 5737): `192.0.2.0/24` (TEST-NET-1), `198.51.100.0/24`
/// (TEST-NET-2) and `203.0.113.0/24` (TEST-NET-3), for examples in books and manuals.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_documentation;
///
/// assert!(is_documentation(Ipv4Addr::new(198, 51, 100, 7)));
/// assert!(!is_documentation(Ipv4Addr::new(192, 0, 3, 1)));
/// ```
pub fn is_documentation(a: Ipv4Addr) -> bool {
    in_block(a, [192, 0, 2, 0], 24)
        || in_block(a, [198, 51, 100, 0], 24)
        || in_block(a, [203, 0, 113, 0], 24)
}

/// Shared address space, `100.64.0.0/10` (100.64.0.0 - 100.127.255.255, RFC 6598): used
/// between an Internet provider's carrier-grade NAT and its customers' routers.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_shared;
///
/// assert!(is_shared(Ipv4Addr::new(100, 127, 255, 255)));
/// assert!(!is_shared(Ipv4Addr::new(100, 128, 0, 0)));
/// ```
pub fn is_shared(a: Ipv4Addr) -> bool {
    in_block(a, [100, 64, 0, 0], 10)
}

/// Reserved for future use, `240.0.0.0/4` (the old class E, RFC 1112), except
/// `255.255.255.255`, which is the limited broadcast address ([`is_broadcast`]).
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::is_reserved;
///
/// assert!(is_reserved(Ipv4Addr::new(240, 0, 0, 0)));
/// assert!(is_reserved(Ipv4Addr::new(255, 255, 255, 254)));
/// assert!(!is_reserved(Ipv4Addr::new(255, 255, 255, 255)));
/// ```
pub fn is_reserved(a: Ipv4Addr) -> bool {
    in_block(a, [240, 0, 0, 0], 4) && !is_broadcast(a)
}

/// A special-purpose block: its label (with the RFC that defines it) and a test.
struct SpecialRange {
    label: &'static str,
    contains: fn(Ipv4Addr) -> bool,
}

/// The blocks [`special_ranges`] knows, in address order. They come from the IANA
/// special-purpose address registry (RFC 6890 and its updates).
const SPECIAL_RANGES: &[SpecialRange] = &[
    SpecialRange {
        label: "this network (RFC 1122)",
        contains: |a| in_block(a, [0, 0, 0, 0], 8),
    },
    SpecialRange {
        label: "unspecified (RFC 1122)",
        contains: is_unspecified,
    },
    SpecialRange {
        label: "private (RFC 1918)",
        contains: is_private,
    },
    SpecialRange {
        label: "shared address space, carrier-grade NAT (RFC 6598)",
        contains: is_shared,
    },
    SpecialRange {
        label: "loopback (RFC 1122)",
        contains: is_loopback,
    },
    SpecialRange {
        label: "link-local (RFC 3927)",
        contains: is_link_local,
    },
    SpecialRange {
        label: "IETF protocol assignments (RFC 6890)",
        contains: |a| in_block(a, [192, 0, 0, 0], 24),
    },
    SpecialRange {
        label: "documentation (RFC 5737)",
        contains: is_documentation,
    },
    SpecialRange {
        label: "benchmarking (RFC 2544)",
        contains: |a| in_block(a, [198, 18, 0, 0], 15),
    },
    SpecialRange {
        label: "multicast (RFC 5771)",
        contains: is_multicast,
    },
    SpecialRange {
        label: "reserved for future use (RFC 1112)",
        contains: is_reserved,
    },
    SpecialRange {
        label: "limited broadcast (RFC 919)",
        contains: is_broadcast,
    },
];

/// Human labels, each naming its RFC, of every special-purpose range `a` belongs to.
/// Empty for an ordinary public unicast address.
///
/// Besides the ranges of the `is_*` functions this also knows `0.0.0.0/8` ("this
/// network"), `192.0.0.0/24` (IETF protocol assignments) and `198.18.0.0/15`
/// (benchmarking).
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::special_ranges;
///
/// assert_eq!(special_ranges(Ipv4Addr::new(192, 168, 1, 1)), ["private (RFC 1918)"]);
/// assert_eq!(special_ranges(Ipv4Addr::new(127, 0, 0, 1)), ["loopback (RFC 1122)"]);
/// assert_eq!(
///     special_ranges(Ipv4Addr::new(0, 0, 0, 0)),
///     ["this network (RFC 1122)", "unspecified (RFC 1122)"]
/// );
/// assert!(special_ranges(Ipv4Addr::new(8, 8, 8, 8)).is_empty());
/// ```
pub fn special_ranges(a: Ipv4Addr) -> Vec<&'static str> {
    SPECIAL_RANGES
        .iter()
        .filter(|range| (range.contains)(a))
        .map(|range| range.label)
        .collect()
}

/// The 32 bits of the address, octet by octet, separated by dots.
///
/// # Examples
///
/// ```
/// use std::net::Ipv4Addr;
/// use netbasics::ipv4::to_binary;
///
/// assert_eq!(to_binary(Ipv4Addr::new(192, 168, 1, 1)), "11000000.10101000.00000001.00000001");
/// assert_eq!(to_binary(Ipv4Addr::new(255, 255, 255, 0)), "11111111.11111111.11111111.00000000");
/// ```
pub fn to_binary(a: Ipv4Addr) -> String {
    let octets: Vec<String> = a.octets().iter().map(|o| format!("{o:08b}")).collect();
    octets.join(".")
}

#[cfg(test)]
mod tests;
