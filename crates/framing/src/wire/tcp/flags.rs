//! The eight TCP flag bits (byte 13 of the header): SYN, ACK, FIN, RST and the others,
//! as a small set with the names captures and the lesson use.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// The eight TCP flag bits (byte 13 of the header).
///
/// # Examples
///
/// ```
/// use framing::wire::TcpFlags;
///
/// let flags = TcpFlags::SYN | TcpFlags::ACK;
/// assert!(flags.contains(TcpFlags::SYN));
/// assert!(!flags.contains(TcpFlags::FIN));
/// assert_eq!(flags.bits(), 0x12);
/// assert_eq!(flags.to_string(), "[SYN, ACK]");
/// assert_eq!(TcpFlags::empty().to_string(), "[]");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TcpFlags(u8);

impl TcpFlags {
    /// No more data from the sender: closes its half of the connection.
    pub const FIN: TcpFlags = TcpFlags(0x01);
    /// Synchronise sequence numbers: opens a connection.
    pub const SYN: TcpFlags = TcpFlags(0x02);
    /// Reset: aborts the connection (or refuses it: nobody listens on that port).
    pub const RST: TcpFlags = TcpFlags(0x04);
    /// Push: hand the data to the application without waiting for more.
    pub const PSH: TcpFlags = TcpFlags(0x08);
    /// The acknowledgment number is valid (set on every segment after the first SYN).
    pub const ACK: TcpFlags = TcpFlags(0x10);
    /// The urgent pointer is valid.
    pub const URG: TcpFlags = TcpFlags(0x20);
    /// ECN echo: the receiver saw congestion.
    pub const ECE: TcpFlags = TcpFlags(0x40);
    /// Congestion window reduced: the sender reacted to ECE.
    pub const CWR: TcpFlags = TcpFlags(0x80);

    /// Every flag with its name, lowest bit first (the order Wireshark prints them).
    const NAMES: [(TcpFlags, &'static str); 8] = [
        (TcpFlags::FIN, "FIN"),
        (TcpFlags::SYN, "SYN"),
        (TcpFlags::RST, "RST"),
        (TcpFlags::PSH, "PSH"),
        (TcpFlags::ACK, "ACK"),
        (TcpFlags::URG, "URG"),
        (TcpFlags::ECE, "ECE"),
        (TcpFlags::CWR, "CWR"),
    ];

    /// No flags set.
    pub const fn empty() -> TcpFlags {
        TcpFlags(0)
    }

    /// The flags of a flags byte.
    pub const fn from_bits(bits: u8) -> TcpFlags {
        TcpFlags(bits)
    }

    /// The flags byte.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every flag of `other` is set here.
    pub const fn contains(self, other: TcpFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the set flags, lowest bit first (the order Wireshark prints them).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::TcpFlags;
    ///
    /// let names: Vec<_> = (TcpFlags::ACK | TcpFlags::SYN).names().collect();
    /// assert_eq!(names, ["SYN", "ACK"]);
    /// ```
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TcpFlags::NAMES
            .into_iter()
            .filter(move |(flag, _)| self.contains(*flag))
            .map(|(_, name)| name)
    }
}

impl BitOr for TcpFlags {
    type Output = TcpFlags;

    fn bitor(self, rhs: TcpFlags) -> TcpFlags {
        TcpFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for TcpFlags {
    fn bitor_assign(&mut self, rhs: TcpFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Display for TcpFlags {
    /// The names of the set flags, as Wireshark shows them: `[SYN, ACK]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        f.write_str("]")
    }
}
