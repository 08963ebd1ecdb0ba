//! MAC addresses (MAC 地址, 物理地址): the 48-bit hardware address of a network card.
//!
//! An Ethernet or Wi-Fi frame is addressed with MAC addresses: 6 bytes, written as 12 hex
//! digits. The course's example `08:00:20:0A:8C:6D` splits in two halves:
//!
//! ```text
//!   08:00:20        0a:8c:6d
//!   OUI             NIC-specific part
//!   (organisation,  (chosen by that organisation:
//!    from IEEE)      a serial number)
//! ```
//!
//! `08:00:20` is the OUI IEEE gave to Sun Microsystems. Two bits of the first byte are
//! not part of the number at all but flags:
//!
//! ```text
//!   first byte 0x08 = 0 0 0 0 1 0 0 0
//!                                 | +- bit 0, I/G: 0 = unicast (one card), 1 = multicast (a group)
//!                                 +--- bit 1, U/L: 0 = universal (from the OUI), 1 = locally administered
//! ```
//!
//! Ethernet sends each byte least significant bit first, so the I/G bit is the very first
//! bit on the wire: a switch knows "group or single card" before anything else arrives.
//! `ff:ff:ff:ff:ff:ff` is the broadcast address (every card on the link; it is also a
//! multicast address, since its I/G bit is 1).
//!
//! "Every MAC address is unique in the world" holds only for universal addresses, and
//! only as long as nobody changes them. Locally administered addresses (U/L bit 1) are
//! chosen by software: phones and laptops use random ones per Wi-Fi network for privacy,
//! and virtual machines and containers get made-up ones (Docker's start `02:42:`).
//!
//! The same address is written in different ways:
//!
//! | form | example | who writes it so |
//! |---|---|---|
//! | colons | `08:00:20:0a:8c:6d` | Linux, macOS, the IEEE 802 "canonical" form |
//! | hyphens | `08-00-20-0A-8C-6D` | Windows (`ipconfig /all`, `arp -a`) |
//! | dots | `0800.200a.8c6d` | Cisco |
//! | bare | `0800200a8c6d` | databases, some APIs |
//!
//! [`MacAddr`] parses all of them (`"08-00-20-0A-8C-6D".parse()`) and prints the first.
//! The unit tests are in `mac/tests.rs`.

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

/// A 48-bit MAC (hardware) address.
///
/// # Examples
///
/// ```
/// use netbasics::MacAddr;
///
/// let mac: MacAddr = "08-00-20-0A-8C-6D".parse().unwrap();
/// assert_eq!(mac.to_string(), "08:00:20:0a:8c:6d");
/// assert_eq!(mac.oui(), [0x08, 0x00, 0x20]);
/// assert!(mac.is_unicast() && mac.is_universal());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr([u8; 6]);

/// Bit 0 of the first byte: individual (0) or group (1) address.
const IG_BIT: u8 = 0x01;
/// Bit 1 of the first byte: universally (0) or locally (1) administered.
const UL_BIT: u8 = 0x02;

impl MacAddr {
    /// The broadcast address `ff:ff:ff:ff:ff:ff`: every card on the link receives it.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// Makes an address from its six bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac = MacAddr::new([0x08, 0x00, 0x20, 0x0a, 0x8c, 0x6d]);
    /// assert_eq!(mac.to_string(), "08:00:20:0a:8c:6d");
    /// ```
    pub const fn new(octets: [u8; 6]) -> Self {
        MacAddr(octets)
    }

    /// The six bytes, first one first.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// assert_eq!(MacAddr::BROADCAST.octets(), [0xff; 6]);
    /// ```
    pub const fn octets(&self) -> [u8; 6] {
        self.0
    }

    /// The first three bytes: the Organisationally Unique Identifier IEEE assigned to
    /// the maker (for a universal address; for a local one they mean nothing).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.oui(), [0x08, 0x00, 0x20]);
    /// ```
    pub const fn oui(&self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }

    /// The last three bytes: the part the maker numbers its cards with.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.nic(), [0x0a, 0x8c, 0x6d]);
    /// ```
    pub const fn nic(&self) -> [u8; 3] {
        [self.0[3], self.0[4], self.0[5]]
    }

    /// Whether this is a group address (I/G bit, bit 0 of the first byte, is 1).
    ///
    /// Multicast frames go to every card that joined the group; the broadcast address
    /// is the group of all cards.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// // IPv4 multicast maps to 01:00:5e:..., IPv6 multicast to 33:33:...
    /// assert!("01:00:5e:00:00:fb".parse::<MacAddr>().unwrap().is_multicast());
    /// assert!(MacAddr::BROADCAST.is_multicast());
    /// assert!(!"08:00:20:0a:8c:6d".parse::<MacAddr>().unwrap().is_multicast());
    /// ```
    pub const fn is_multicast(&self) -> bool {
        self.0[0] & IG_BIT != 0
    }

    /// Whether this addresses one single card (I/G bit is 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// assert!("08:00:20:0a:8c:6d".parse::<MacAddr>().unwrap().is_unicast());
    /// assert!(!MacAddr::BROADCAST.is_unicast());
    /// ```
    pub const fn is_unicast(&self) -> bool {
        !self.is_multicast()
    }

    /// Whether this is `ff:ff:ff:ff:ff:ff`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// assert!("FF-FF-FF-FF-FF-FF".parse::<MacAddr>().unwrap().is_broadcast());
    /// assert!(!"01:00:5e:00:00:fb".parse::<MacAddr>().unwrap().is_broadcast());
    /// ```
    pub const fn is_broadcast(&self) -> bool {
        let o = self.0;
        o[0] == 0xff && o[1] == 0xff && o[2] == 0xff && o[3] == 0xff && o[4] == 0xff && o[5] == 0xff
    }

    /// Whether the address was set by software rather than taken from an OUI
    /// (U/L bit, bit 1 of the first byte, is 1): randomised Wi-Fi addresses, virtual
    /// machines, containers.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// // Docker gives containers 02:42:...
    /// assert!("02:42:ac:11:00:02".parse::<MacAddr>().unwrap().is_local());
    /// assert!(!"08:00:20:0a:8c:6d".parse::<MacAddr>().unwrap().is_local());
    /// ```
    pub const fn is_local(&self) -> bool {
        self.0[0] & UL_BIT != 0
    }

    /// Whether the address is universally administered (U/L bit is 0): made of an
    /// IEEE-assigned OUI and the maker's own number.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// assert!("08:00:20:0a:8c:6d".parse::<MacAddr>().unwrap().is_universal());
    /// ```
    pub const fn is_universal(&self) -> bool {
        !self.is_local()
    }

    /// Windows' form: upper case, hyphens (`08-00-20-0A-8C-6D`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.to_hyphen(), "08-00-20-0A-8C-6D");
    /// ```
    pub fn to_hyphen(&self) -> String {
        let [a, b, c, d, e, g] = self.0;
        format!("{a:02X}-{b:02X}-{c:02X}-{d:02X}-{e:02X}-{g:02X}")
    }

    /// Cisco's form: three dot-separated groups of four hex digits (`0800.200a.8c6d`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.to_cisco(), "0800.200a.8c6d");
    /// ```
    pub fn to_cisco(&self) -> String {
        let [a, b, c, d, e, g] = self.0;
        format!("{a:02x}{b:02x}.{c:02x}{d:02x}.{e:02x}{g:02x}")
    }

    /// The 12 hex digits with no separator (`0800200a8c6d`).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.to_bare(), "0800200a8c6d");
    /// ```
    pub fn to_bare(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The 48 bits, a byte at a time, most significant bit first
    /// (`00001000 00000000 ...`): the way the bits are numbered, not the order
    /// Ethernet puts them on the wire (least significant bit of each byte first).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(
    ///     mac.to_binary(),
    ///     "00001000 00000000 00100000 00001010 10001100 01101101"
    /// );
    /// ```
    pub fn to_binary(&self) -> String {
        let bytes: Vec<String> = self.0.iter().map(|b| format!("{b:08b}")).collect();
        bytes.join(" ")
    }

    /// The modified EUI-64 interface identifier (RFC 4291 appendix A): `ff:fe` is put
    /// in the middle and the U/L bit is flipped.
    ///
    /// IPv6 made the bit mean "universal" when it is 1, so that hand-written identifiers
    /// like `::1` come out as "local" with the bit at 0. Older IPv6 link-local
    /// addresses were built from it; today most systems use random identifiers
    /// (RFC 7217, RFC 8981) so the card cannot be tracked.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(
    ///     mac.to_eui64_interface_id(),
    ///     [0x0a, 0x00, 0x20, 0xff, 0xfe, 0x0a, 0x8c, 0x6d]
    /// );
    /// ```
    pub const fn to_eui64_interface_id(&self) -> [u8; 8] {
        let o = self.0;
        [o[0] ^ UL_BIT, o[1], o[2], 0xff, 0xfe, o[3], o[4], o[5]]
    }

    /// The IPv6 link-local address `fe80::/64` + [`to_eui64_interface_id`](Self::to_eui64_interface_id).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::MacAddr;
    ///
    /// let mac: MacAddr = "08:00:20:0a:8c:6d".parse().unwrap();
    /// assert_eq!(mac.to_ipv6_link_local().to_string(), "fe80::a00:20ff:fe0a:8c6d");
    /// ```
    pub fn to_ipv6_link_local(&self) -> Ipv6Addr {
        let mut bytes = [0u8; 16];
        bytes[..2].copy_from_slice(&[0xfe, 0x80]);
        bytes[8..].copy_from_slice(&self.to_eui64_interface_id());
        Ipv6Addr::from(bytes)
    }
}

impl fmt::Display for MacAddr {
    /// Lower-case hex with colons, `08:00:20:0a:8c:6d`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl From<[u8; 6]> for MacAddr {
    fn from(octets: [u8; 6]) -> Self {
        MacAddr(octets)
    }
}

impl From<MacAddr> for [u8; 6] {
    fn from(mac: MacAddr) -> Self {
        mac.0
    }
}

/// Why a text is not a MAC address.
///
/// Positions count characters from 0, as Python does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MacParseError {
    /// Nothing was given.
    #[error("empty MAC address: expected 12 hex digits, e.g. 08:00:20:0a:8c:6d")]
    Empty,
    /// A character that is neither a hex digit nor a separator.
    #[error(
        "'{ch}' at position {position} is not a hex digit: \
         MAC addresses use 0-9 and a-f (or A-F) and the separators ':', '-' or '.'"
    )]
    BadDigit {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 1 (as the IPv4 and IPv6 parsers do).
        position: usize,
    },
    /// Two kinds of separator in one address, as in `08:00-20:...`.
    #[error(
        "mixed separators '{first}' and '{second}': use one kind, \
         e.g. 08:00:20:0a:8c:6d, 08-00-20-0A-8C-6D or 0800.200a.8c6d"
    )]
    MixedSeparators {
        /// The first separator seen.
        first: char,
        /// The other one.
        second: char,
    },
    /// Without separators, the text is not 12 hex digits.
    #[error("{digits} hex digits: a MAC address has 12 (48 bits, 6 bytes)")]
    WrongLength {
        /// How many digits were given.
        digits: usize,
    },
    /// The wrong number of groups between separators.
    #[error(
        "{found} groups separated by '{separator}': expected {expected} \
         ({example})"
    )]
    WrongGroupCount {
        /// The separator used.
        separator: char,
        /// How many groups were found.
        found: usize,
        /// How many this form has: 6 for ':' and '-', 3 for '.'.
        expected: usize,
        /// An address written in this form.
        example: &'static str,
    },
    /// A group with too few or too many digits.
    #[error(
        "group {group} ('{text}') has {digits} hex digits: groups separated by '{separator}' \
         have {expected} ({example})"
    )]
    WrongGroupSize {
        /// The separator used.
        separator: char,
        /// Which group, counting from 1.
        group: usize,
        /// The group as written.
        text: String,
        /// How many digits it has.
        digits: usize,
        /// How many it should have, in words ("2", "1 or 2", "4").
        expected: &'static str,
        /// An address written in this form.
        example: &'static str,
    },
}

impl FromStr for MacAddr {
    type Err = MacParseError;

    /// Parses `08:00:20:0a:8c:6d`, `08-00-20-0A-8C-6D`, `0800.200a.8c6d` or
    /// `0800200a8c6d`, in any case, with spaces around it ignored.
    ///
    /// With colons, a group may also be a single digit (`8:0:20:a:8c:6d`), because
    /// macOS's `arp` and `ifconfig` drop leading zeros.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if text.is_empty() {
            return Err(MacParseError::Empty);
        }

        // One pass to find bad characters and the separator, so the first mistake is
        // reported where it is.
        let mut separator: Option<char> = None;
        for (position, ch) in text.chars().enumerate() {
            match ch {
                ':' | '-' | '.' => match separator {
                    None => separator = Some(ch),
                    Some(first) if first != ch => {
                        return Err(MacParseError::MixedSeparators { first, second: ch });
                    }
                    Some(_) => {}
                },
                c if c.is_ascii_hexdigit() => {}
                _ => {
                    return Err(MacParseError::BadDigit {
                        ch,
                        position: position + 1,
                    })
                }
            }
        }

        let Some(separator) = separator else {
            // No separator: the bare form, 12 digits in a row.
            if text.len() != 12 {
                return Err(MacParseError::WrongLength { digits: text.len() });
            }
            return Ok(MacAddr(hex_bytes(text)));
        };
        let (expected_groups, sizes, size_words, example): (usize, &[usize], &str, &str) =
            match separator {
                ':' => (6, &[1, 2], "1 or 2", "08:00:20:0a:8c:6d"),
                '-' => (6, &[2], "2", "08-00-20-0A-8C-6D"),
                _ => (3, &[4], "4", "0800.200a.8c6d"),
            };

        let groups: Vec<&str> = text.split(separator).collect();
        if groups.len() != expected_groups {
            return Err(MacParseError::WrongGroupCount {
                separator,
                found: groups.len(),
                expected: expected_groups,
                example,
            });
        }
        let mut digits = String::with_capacity(12);
        for (i, group) in groups.iter().enumerate() {
            if !sizes.contains(&group.len()) {
                return Err(MacParseError::WrongGroupSize {
                    separator,
                    group: i + 1,
                    text: group.to_string(),
                    digits: group.len(),
                    expected: size_words,
                    example,
                });
            }
            // Pad one-digit groups ("a" -> "0a") so every form ends as 12 digits.
            if group.len() == 1 {
                digits.push('0');
            }
            digits.push_str(group);
        }
        Ok(MacAddr(hex_bytes(&digits)))
    }
}

/// Turns 12 checked hex digits into 6 bytes.
fn hex_bytes(digits: &str) -> [u8; 6] {
    let mut out = [0u8; 6];
    for (i, pair) in digits.as_bytes().chunks(2).take(6).enumerate() {
        out[i] = (hex_value(pair[0]) << 4) | hex_value(pair[1]);
    }
    out
}

/// The value of one hex digit that has already been checked.
fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests;
