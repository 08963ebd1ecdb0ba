//! IPv6 addresses: reading and writing their text, and the special ranges.
//!
//! An IPv6 address is a 128-bit number, written as 8 groups of 16 bits in hexadecimal
//! separated by colons (冒号十六进制): `2001:0db8:0000:0000:0000:0000:0000:0001`. Two
//! shortcuts make it readable (RFC 4291 section 2.2):
//!
//! - leading zeros of a group may be left out: `0db8` is `db8`, `0000` is `0`;
//! - one run of zero groups may be replaced by `::`: `2001:db8::1`.
//!
//! The last 32 bits may also be written as a dotted IPv4 address (`::ffff:192.0.2.1`),
//! which is how an IPv4 address looks when it travels inside IPv6.
//!
//! Because the shortcuts are optional, one address has many spellings. RFC 5952 picks one,
//! the *canonical* text that [`format_ipv6`] prints: lowercase, no leading zeros, and the
//! longest run of two or more zero groups (the first, on a tie) shortened to `::`.
//! [`parse_ipv6`] accepts every spelling, and explains what is wrong with a bad one.
//!
//! Parsing and printing are written out here by hand, because they are the lesson; the
//! standard library's `Ipv6Addr` is only the value type (and, in the tests, the referee).
//! The unit tests are in `ipv6/tests.rs`.
//!
//! # Examples
//!
//! ```
//! use netbasics::ipv6::{explode, format_ipv6, parse_ipv6};
//!
//! let a = parse_ipv6("2001:0DB8:0000:0000:0000:0000:0000:0001")?;
//! assert_eq!(format_ipv6(a), "2001:db8::1");
//! assert_eq!(explode(a), "2001:0db8:0000:0000:0000:0000:0000:0001");
//! # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
//! ```

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::ipv4::{parse_ipv4, Ipv4ParseError};

/// Why a text is not an IPv6 address.
///
/// Positions count characters from 1, as in [`Ipv4ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Ipv6ParseError {
    /// The text is empty.
    #[error(
        "empty text: an IPv6 address is 8 groups of hex digits separated by ':', like 2001:db8::1"
    )]
    Empty,

    /// The text ends with a zone index such as `%eth0`.
    #[error(
        "zone index '%{zone}' is not supported: it names the local interface of a link-local \
         address and is not part of the address itself; remove it"
    )]
    ZoneIndex {
        /// What followed the `%`.
        zone: String,
    },

    /// The text is in square brackets, as URLs and socket addresses write it.
    #[error(
        "remove the brackets: '[...]' is how URLs and socket addresses ([::1]:8080) wrap an \
         IPv6 address, the address itself is what is inside"
    )]
    Brackets,

    /// A character that is neither a hex digit, `:` nor `.`.
    #[error(
        "invalid character {ch:?} at position {position}: an IPv6 address has only hex digits \
         (0-9, a-f), ':' and, in a trailing IPv4 part, '.'"
    )]
    InvalidChar {
        /// The character.
        ch: char,
        /// Where it is.
        position: usize,
    },

    /// `::` appears twice (`:::` counts as twice).
    #[error(
        "'::' appears more than once: it may stand for only one run of zero groups, otherwise \
         nobody could tell how many zeros each one hides"
    )]
    MultipleDoubleColons,

    /// The text starts with a single `:`.
    #[error(
        "the address starts with a single ':': a group is missing before it (write '::' for zeros)"
    )]
    LeadingColon,

    /// The text ends with a single `:`.
    #[error(
        "the address ends with a single ':': a group is missing after it (write '::' for zeros)"
    )]
    TrailingColon,

    /// A group has more than 4 hex digits.
    #[error(
        "group '{group}' at position {position} has {} hex digits: a group has 1 to 4 (16 bits)",
        group.len()
    )]
    GroupTooLong {
        /// The group as written.
        group: String,
        /// Where it starts.
        position: usize,
    },

    /// A dotted IPv4 part that is not the last thing in the address.
    #[error(
        "the dotted IPv4 part at position {position} must come last: it stands for the last \
         2 groups (the low 32 bits)"
    )]
    Ipv4NotLast {
        /// Where it starts.
        position: usize,
    },

    /// The trailing dotted IPv4 part is not a valid IPv4 address.
    #[error("bad IPv4 part '{text}': {reason}")]
    BadIpv4 {
        /// The dotted part as written.
        text: String,
        /// What is wrong with it.
        reason: Ipv4ParseError,
    },

    /// Without `::`, fewer than 8 groups.
    #[error(
        "too few groups: found {found}, an IPv6 address has 8 (a dotted IPv4 part counts as 2); \
         use '::' to stand for the missing zero groups"
    )]
    TooFewGroups {
        /// How many groups were written.
        found: usize,
    },

    /// Without `::`, more than 8 groups.
    #[error(
        "too many groups: found {found}, an IPv6 address has 8 (a dotted IPv4 part counts as 2)"
    )]
    TooManyGroups {
        /// How many groups were written.
        found: usize,
    },

    /// With `::`, 8 or more groups written besides it, so it would stand for nothing.
    #[error(
        "too many groups: found {found} besides '::', but '::' stands for at least one zero \
         group and an IPv6 address has 8 in all (a dotted IPv4 part counts as 2)"
    )]
    TooManyGroupsWithDoubleColon {
        /// How many groups were written besides the `::`.
        found: usize,
    },
}

/// Reads an IPv6 address from text.
///
/// The text is 8 groups of 1 to 4 hex digits (either case) separated by `:`. One `::` may
/// stand for one or more zero groups, and the last 2 groups may be written as a dotted IPv4
/// address. Nothing else is allowed: no spaces, no brackets, no zone index (`%eth0`).
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{parse_ipv6, Ipv6ParseError};
/// use std::net::Ipv6Addr;
///
/// assert_eq!(parse_ipv6("::1")?, Ipv6Addr::LOCALHOST);
/// assert_eq!(parse_ipv6("2001:DB8::1")?, Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
/// assert_eq!(
///     parse_ipv6("::ffff:192.0.2.1")?,
///     Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201)
/// );
///
/// assert_eq!(parse_ipv6("1::2::3"), Err(Ipv6ParseError::MultipleDoubleColons));
/// assert_eq!(parse_ipv6("1:2:3"), Err(Ipv6ParseError::TooFewGroups { found: 3 }));
/// assert!(matches!(parse_ipv6("fe80::1%eth0"), Err(Ipv6ParseError::ZoneIndex { .. })));
/// # Ok::<(), Ipv6ParseError>(())
/// ```
pub fn parse_ipv6(s: &str) -> Result<Ipv6Addr, Ipv6ParseError> {
    if s.is_empty() {
        return Err(Ipv6ParseError::Empty);
    }
    // Two common mistakes get their own message before the character check would call
    // them just "invalid character".
    if let Some(percent) = s.find('%') {
        return Err(Ipv6ParseError::ZoneIndex {
            zone: s[percent + 1..].to_string(),
        });
    }
    if s.starts_with('[') {
        return Err(Ipv6ParseError::Brackets);
    }
    if let Some((index, ch)) = s
        .chars()
        .enumerate()
        .find(|&(_, c)| !(c.is_ascii_hexdigit() || c == ':' || c == '.'))
    {
        return Err(Ipv6ParseError::InvalidChar {
            ch,
            position: index + 1,
        });
    }
    // From here on the text is ASCII, so a byte offset is a character offset (and the
    // position shown to people is that offset + 1).

    // Count "::" overlapping, so that ":::" counts twice: it is two '::' sharing a colon.
    let double_colons = (0..s.len()).filter(|&i| s[i..].starts_with("::")).count();
    if double_colons > 1 {
        return Err(Ipv6ParseError::MultipleDoubleColons);
    }

    match s.find("::") {
        None => {
            let groups = parse_groups(s, 0, s.len())?;
            match groups.len() {
                8 => Ok(from_groups(&groups, &[])),
                n if n < 8 => Err(Ipv6ParseError::TooFewGroups { found: n }),
                n => Err(Ipv6ParseError::TooManyGroups { found: n }),
            }
        }
        Some(at) => {
            // "::" splits the text into the groups before it and the groups after it; the
            // zeros it stands for go in between.
            let head = parse_groups(&s[..at], 0, s.len())?;
            let tail = parse_groups(&s[at + 2..], at + 2, s.len())?;
            let found = head.len() + tail.len();
            if found > 7 {
                return Err(Ipv6ParseError::TooManyGroupsWithDoubleColon { found });
            }
            Ok(from_groups(&head, &tail))
        }
    }
}

/// Reads the groups of `part`, a piece of the whole text without any `::`, which starts at
/// `offset` in a text `total_len` long. A dotted IPv4 part gives two groups.
fn parse_groups(part: &str, offset: usize, total_len: usize) -> Result<Vec<u16>, Ipv6ParseError> {
    let mut groups = Vec::new();
    if part.is_empty() {
        // The text begins or ends with "::", or is just "::".
        return Ok(groups);
    }
    let mut start = offset;
    for piece in part.split(':') {
        let end = start + piece.len();
        if piece.is_empty() {
            // With at most one "::" (already checked), and "::" cut out of `part`, an empty
            // piece can only be at the very start or the very end of the whole text.
            return Err(if start == 0 {
                Ipv6ParseError::LeadingColon
            } else {
                Ipv6ParseError::TrailingColon
            });
        }
        if piece.contains('.') {
            if end != total_len {
                return Err(Ipv6ParseError::Ipv4NotLast {
                    position: start + 1,
                });
            }
            let v4 = parse_ipv4(piece).map_err(|reason| Ipv6ParseError::BadIpv4 {
                text: piece.to_string(),
                reason,
            })?;
            let [a, b, c, d] = v4.octets();
            groups.push(u16::from_be_bytes([a, b]));
            groups.push(u16::from_be_bytes([c, d]));
        } else {
            groups.push(parse_hex_group(piece, start + 1)?);
        }
        start = end + 1; // skip the ':'
    }
    Ok(groups)
}

/// One group: 1 to 4 hex digits (the caller has checked they are all hex digits), at
/// `position` (counting from 1) in the whole text.
fn parse_hex_group(piece: &str, position: usize) -> Result<u16, Ipv6ParseError> {
    if piece.len() > 4 {
        return Err(Ipv6ParseError::GroupTooLong {
            group: piece.to_string(),
            position,
        });
    }
    let mut value: u16 = 0;
    for (i, ch) in piece.chars().enumerate() {
        let digit = ch.to_digit(16).ok_or(Ipv6ParseError::InvalidChar {
            ch,
            position: position + i,
        })?;
        // Each hex digit is 4 bits; at most 4 digits, so the value never leaves 16 bits.
        value = (value << 4) | digit as u16;
    }
    Ok(value)
}

/// Puts `head`, then as many zero groups as needed, then `tail`, into 8 groups.
fn from_groups(head: &[u16], tail: &[u16]) -> Ipv6Addr {
    let mut all = [0u16; 8];
    all[..head.len()].copy_from_slice(head);
    all[8 - tail.len()..].copy_from_slice(tail);
    Ipv6Addr::from(all)
}

/// The canonical text of an address (RFC 5952).
///
/// - hex digits in lowercase, no leading zeros in a group;
/// - the longest run of two or more zero groups becomes `::` (the first one if two runs are
///   equally long); a single zero group stays `0`, because `::` would save nothing;
/// - an IPv4-mapped address (`::ffff:0:0/96`) ends with its IPv4 address in dotted form
///   (RFC 5952 section 5), since that is what it carries.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::format_ipv6;
/// use std::net::Ipv6Addr;
///
/// assert_eq!(format_ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)), "2001:db8::1");
/// // A single zero group is not shortened.
/// assert_eq!(format_ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1)), "2001:db8:0:1:1:1:1:1");
/// // Of two runs of zeros, the longer one...
/// assert_eq!(format_ipv6(Ipv6Addr::new(0x2001, 0, 0, 1, 0, 0, 0, 1)), "2001:0:0:1::1");
/// // ... or the first of two equal ones.
/// assert_eq!(format_ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1)), "2001:db8::1:0:0:1");
/// assert_eq!(format_ipv6(Ipv6Addr::UNSPECIFIED), "::");
/// let mapped = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201);
/// assert_eq!(format_ipv6(mapped), "::ffff:192.0.2.1");
/// ```
pub fn format_ipv6(a: Ipv6Addr) -> String {
    if let Some(v4) = to_ipv4_mapped(a) {
        let [b0, b1, b2, b3] = v4.octets();
        return format!("::ffff:{b0}.{b1}.{b2}.{b3}");
    }
    let groups = a.segments();

    // Find the longest run of zero groups; `>` (not `>=`) keeps the first of equal runs.
    let (mut best_start, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best_start, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }

    let mut out = String::with_capacity(39);
    if best_len < 2 {
        push_groups(&mut out, &groups);
    } else {
        // "::" takes the place of the run, and of the ':' on each side of it.
        push_groups(&mut out, &groups[..best_start]);
        out.push_str("::");
        push_groups(&mut out, &groups[best_start + best_len..]);
    }
    out
}

/// Appends groups in lowercase hex without leading zeros, separated by ':'.
fn push_groups(out: &mut String, groups: &[u16]) {
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{g:x}");
    }
}

/// All 8 groups with all 4 digits each: the long form, with nothing left out.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::explode;
/// use std::net::Ipv6Addr;
///
/// assert_eq!(explode(Ipv6Addr::LOCALHOST), "0000:0000:0000:0000:0000:0000:0000:0001");
/// ```
pub fn explode(a: Ipv6Addr) -> String {
    let groups: Vec<String> = a.segments().iter().map(|g| format!("{g:04x}")).collect();
    groups.join(":")
}

/// The 128 bits, as 8 groups of 16 binary digits separated by ':'.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::to_binary;
/// use std::net::Ipv6Addr;
///
/// let bits = to_binary(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1));
/// assert!(bits.starts_with("1111111010000000:0000000000000000:"));
/// assert!(bits.ends_with(":0000000000000001"));
/// ```
pub fn to_binary(a: Ipv6Addr) -> String {
    let groups: Vec<String> = a.segments().iter().map(|g| format!("{g:016b}")).collect();
    groups.join(":")
}

/// Whether the first `len` bits of `a` are those of `prefix` (`len` from 1 to 128).
fn in_prefix(a: Ipv6Addr, prefix: Ipv6Addr, len: u8) -> bool {
    let mask = crate::ipv6net::mask(len);
    a.to_bits() & mask == prefix.to_bits() & mask
}

/// `::1`, the loopback address: this host itself (IPv4 has a whole 127.0.0.0/8, IPv6 just one).
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_loopback, parse_ipv6};
/// assert!(is_loopback(parse_ipv6("::1")?));
/// assert!(!is_loopback(parse_ipv6("::ffff:127.0.0.1")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_loopback(a: Ipv6Addr) -> bool {
    a.to_bits() == 1
}

/// `::`, the unspecified address: "no address yet", or "every address" when a server binds it.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_unspecified, parse_ipv6};
/// assert!(is_unspecified(parse_ipv6("::")?));
/// assert!(!is_unspecified(parse_ipv6("::1")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_unspecified(a: Ipv6Addr) -> bool {
    a.to_bits() == 0
}

/// `fe80::/10`, link-local unicast (RFC 4291): valid only on one link, never routed. Every
/// IPv6 interface has one.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_link_local, parse_ipv6};
/// assert!(is_link_local(parse_ipv6("fe80::1")?));
/// assert!(is_link_local(parse_ipv6("febf::1")?));
/// assert!(!is_link_local(parse_ipv6("fec0::1")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_link_local(a: Ipv6Addr) -> bool {
    in_prefix(a, Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10)
}

/// `fc00::/7`, unique local addresses (RFC 4193): IPv6's counterpart of the private IPv4
/// ranges, routed inside a site but not on the Internet.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_unique_local, parse_ipv6};
/// assert!(is_unique_local(parse_ipv6("fd12:3456:789a::1")?));
/// assert!(is_unique_local(parse_ipv6("fc00::")?));
/// assert!(!is_unique_local(parse_ipv6("fe00::")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_unique_local(a: Ipv6Addr) -> bool {
    in_prefix(a, Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)
}

/// `ff00::/8`, multicast (RFC 4291): one packet to a group of interfaces. IPv6 has no
/// broadcast; multicast groups such as `ff02::1` (all nodes on the link) do that job.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_multicast, parse_ipv6};
/// assert!(is_multicast(parse_ipv6("ff02::1")?));
/// assert!(!is_multicast(parse_ipv6("fe80::1")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_multicast(a: Ipv6Addr) -> bool {
    a.segments()[0] >> 8 == 0xff
}

/// Whether `a` is reserved for examples in documentation: `2001:db8::/32` (RFC 3849) or
/// `3fff::/20` (RFC 9637), like 192.0.2.0/24 for IPv4.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{is_documentation, parse_ipv6};
/// assert!(is_documentation(parse_ipv6("2001:db8:1234::1")?));
/// assert!(is_documentation(parse_ipv6("3fff:fff::1")?)); // RFC 9637, since 2024
/// assert!(!is_documentation(parse_ipv6("2001:db9::1")?));
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn is_documentation(a: Ipv6Addr) -> bool {
    in_prefix(a, Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32)
        || in_prefix(a, Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20)
}

/// The IPv4 address inside an IPv4-mapped address `::ffff:a.b.c.d` (RFC 4291 2.5.5.2), the
/// form a dual-stack socket shows for an IPv4 peer.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{parse_ipv6, to_ipv4_mapped};
/// use std::net::Ipv4Addr;
///
/// assert_eq!(to_ipv4_mapped(parse_ipv6("::ffff:192.0.2.1")?), Some(Ipv4Addr::new(192, 0, 2, 1)));
/// assert_eq!(to_ipv4_mapped(parse_ipv6("::192.0.2.1")?), None);
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn to_ipv4_mapped(a: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = a.to_bits();
    // 80 zero bits, 16 one bits, then the 32 bits of the IPv4 address.
    if bits >> 32 == 0xffff {
        Some(Ipv4Addr::from_bits(bits as u32))
    } else {
        None
    }
}

/// The scope of a multicast address: how far its packets may travel. It is the 4 bits
/// that follow `ff` and the 4 flag bits, so the last hex digit of the first group (`ff02`
/// is scope 2). RFC 4291 2.7 and RFC 7346. `None` if `a` is not multicast.
///
/// | value | scope |
/// |---|---|
/// | 1 | interface-local (loopback only) |
/// | 2 | link-local |
/// | 3 | realm-local |
/// | 4 | admin-local |
/// | 5 | site-local |
/// | 8 | organization-local |
/// | e | global |
/// | 0, f | reserved |
/// | others | unassigned |
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{multicast_scope, parse_ipv6};
/// assert_eq!(multicast_scope(parse_ipv6("ff02::1")?), Some("link-local"));
/// assert_eq!(multicast_scope(parse_ipv6("ff0e::101")?), Some("global"));
/// assert_eq!(multicast_scope(parse_ipv6("2001:db8::1")?), None);
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn multicast_scope(a: Ipv6Addr) -> Option<&'static str> {
    if !is_multicast(a) {
        return None;
    }
    Some(match a.segments()[0] & 0xf {
        0x1 => "interface-local",
        0x2 => "link-local",
        0x3 => "realm-local",
        0x4 => "admin-local",
        0x5 => "site-local",
        0x8 => "organization-local",
        0xe => "global",
        0x0 | 0xf => "reserved",
        _ => "unassigned",
    })
}

/// One row of the special-range table: the range and its label.
struct Special {
    net: Ipv6Addr,
    len: u8,
    label: &'static str,
}

/// A row of the table, from the 8 groups of the range's first address.
const fn special(g: [u16; 8], len: u8, label: &'static str) -> Special {
    let net = Ipv6Addr::new(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7]);
    Special { net, len, label }
}

/// The special ranges, general ones before the more specific ones inside them. From the
/// IANA IPv6 Special-Purpose Address Registry, plus the address architecture (RFC 4291).
#[rustfmt::skip]
const SPECIAL: &[Special] = &[
    //      the range's first address            prefix  label
    special([0, 0, 0, 0, 0, 0, 0, 0],           128, "unspecified (RFC 4291)"),
    special([0, 0, 0, 0, 0, 0, 0, 1],           128, "loopback (RFC 4291)"),
    special([0, 0, 0, 0, 0, 0xffff, 0, 0],       96, "IPv4-mapped (RFC 4291)"),
    special([0x64, 0xff9b, 0, 0, 0, 0, 0, 0],    96, "IPv4/IPv6 translation (RFC 6052)"),
    special([0x64, 0xff9b, 1, 0, 0, 0, 0, 0],    48, "local-use IPv4/IPv6 translation (RFC 8215)"),
    special([0x100, 0, 0, 0, 0, 0, 0, 0],        64, "discard-only (RFC 6666)"),
    special([0x2001, 0, 0, 0, 0, 0, 0, 0],       23, "IETF protocol assignments (RFC 2928)"),
    special([0x2001, 0, 0, 0, 0, 0, 0, 0],       32, "Teredo tunnelling (RFC 4380)"),
    special([0x2001, 2, 0, 0, 0, 0, 0, 0],       48, "benchmarking (RFC 5180)"),
    special([0x2001, 0x20, 0, 0, 0, 0, 0, 0],    28, "ORCHIDv2 (RFC 7343)"),
    special([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],   32, "documentation (RFC 3849)"),
    special([0x2002, 0, 0, 0, 0, 0, 0, 0],       16, "6to4 (RFC 3056)"),
    special([0x3fff, 0, 0, 0, 0, 0, 0, 0],       20, "documentation (RFC 9637)"),
    special([0x5f00, 0, 0, 0, 0, 0, 0, 0],       16, "segment routing SIDs (RFC 9602)"),
    special([0xfc00, 0, 0, 0, 0, 0, 0, 0],        7, "unique local (RFC 4193)"),
    special([0xfe80, 0, 0, 0, 0, 0, 0, 0],       10, "link-local (RFC 4291)"),
    special([0xfec0, 0, 0, 0, 0, 0, 0, 0],       10, "site-local, deprecated (RFC 3879)"),
    special([0xff00, 0, 0, 0, 0, 0, 0, 0],        8, "multicast (RFC 4291)"),
    special([0xff02, 0, 0, 0, 0, 0, 0, 1],      128,
            "all nodes on the link, what IPv4 broadcast did (RFC 4291)"),
    special([0xff02, 0, 0, 0, 0, 0, 0, 2],      128, "all routers on the link (RFC 4291)"),
    special([0xff02, 0, 0, 0, 0, 1, 0xff00, 0], 104,
            "solicited-node, used by neighbour discovery instead of ARP (RFC 4291)"),
];

/// Human labels, each with its RFC, for every special range `a` is in; empty if none.
///
/// An address in the global unicast space `2000::/3` that is in no other range gets
/// `"global unicast (RFC 4291)"`; an IPv4-compatible address `::a.b.c.d` (other than `::`
/// and `::1`) gets `"IPv4-compatible, deprecated (RFC 4291)"`.
///
/// # Examples
///
/// ```
/// use netbasics::ipv6::{parse_ipv6, special_ranges};
///
/// assert_eq!(special_ranges(parse_ipv6("::1")?), ["loopback (RFC 4291)"]);
/// assert_eq!(special_ranges(parse_ipv6("fe80::1")?), ["link-local (RFC 4291)"]);
/// assert_eq!(special_ranges(parse_ipv6("2606:4700::1111")?), ["global unicast (RFC 4291)"]);
/// assert_eq!(special_ranges(parse_ipv6("2001:db8::1")?), ["documentation (RFC 3849)"]);
/// assert_eq!(
///     special_ranges(parse_ipv6("ff02::1")?),
///     ["multicast (RFC 4291)", "all nodes on the link, what IPv4 broadcast did (RFC 4291)"]
/// );
/// # Ok::<(), netbasics::ipv6::Ipv6ParseError>(())
/// ```
pub fn special_ranges(a: Ipv6Addr) -> Vec<&'static str> {
    let mut labels: Vec<&'static str> = SPECIAL
        .iter()
        .filter(|s| in_prefix(a, s.net, s.len))
        .map(|s| s.label)
        .collect();
    let bits = a.to_bits();
    if bits >> 32 == 0 && bits > 1 {
        labels.push("IPv4-compatible, deprecated (RFC 4291)");
    }
    if labels.is_empty() && in_prefix(a, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3) {
        labels.push("global unicast (RFC 4291)");
    }
    labels
}

#[cfg(test)]
mod tests;
