//! What can go wrong with a packet: received bytes that are not one ([`PacketError`]), a
//! packet the format cannot carry ([`BuildError`]), and an encoding packets cannot be
//! written in ([`NotAsciiCompatible`]). An error about text names the [`Field`] at fault,
//! and an error in received bytes gives their offset, so that the bad byte can be found
//! in a capture.

use super::{to_hex, EncodeError, Encoding};

/// A text field of a packet, to say where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The first field, the protocol version.
    Version,
    /// The third field, the user (login) name.
    User,
    /// The fourth field, the host (computer) name.
    Host,
    /// The sixth field's text: the message, the nickname, ...
    Extension,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::Version => "version (field 1)",
            Field::User => "user name (field 3)",
            Field::Host => "host name (field 4)",
            Field::Extension => "extension (field 6, the text)",
        })
    }
}

/// Why received bytes are not an IP Messenger packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// The datagram had no bytes at all.
    #[error("the datagram is empty: expected version:packet_no:user:host:command:extension")]
    Empty,
    /// More bytes than a packet may have.
    #[error("the packet is {len} bytes, more than the {max} one UDP datagram can carry")]
    TooLong {
        /// The length received.
        len: usize,
        /// [`MAX_IPV4_PAYLOAD`](crate::datagram::MAX_IPV4_PAYLOAD).
        max: usize,
    },
    /// Fewer than five `:`.
    #[error(
        "only {found} of the 6 fields: expected version:packet_no:user:host:command:extension \
         (five ':', e.g. 1:123123:me:my-pc:32:hello)"
    )]
    NotEnoughFields {
        /// How many fields there were.
        found: usize,
    },
    /// The second field is not a number that fits in 64 bits.
    #[error(
        "the packet number (field 2, at offset {offset}) is '{text}': expected decimal digits \
         that fit in 64 bits, e.g. 123123"
    )]
    BadPacketNumber {
        /// The field as received (undecodable bytes shown as �).
        text: String,
        /// Where the field starts, counting bytes from 0.
        offset: usize,
    },
    /// The fifth field is not a number that fits in 32 bits.
    #[error(
        "the command (field 5, at offset {offset}) is '{text}': expected a decimal number \
         below 2^32, e.g. 32 (SENDMSG) or 288 (SENDMSG|SENDCHECKOPT)"
    )]
    BadCommand {
        /// The field as received (undecodable bytes shown as �).
        text: String,
        /// Where the field starts, counting bytes from 0.
        offset: usize,
    },
    /// A text field has bytes that are not text in the packet's encoding.
    #[error(
        "the {field} is not valid {encoding}: bytes {} at offset {offset}{}",
        to_hex(bytes),
        hint(*encoding, *looks_like_utf8)
    )]
    BadText {
        /// Which field.
        field: Field,
        /// Where the bad bytes start, counting from the start of the packet.
        offset: usize,
        /// The first bad sequence.
        bytes: Vec<u8>,
        /// The encoding the field was read in.
        encoding: Encoding,
        /// Whether the field would have been valid UTF-8 (a sender that forgot UTF8OPT).
        looks_like_utf8: bool,
    },
}

fn hint(encoding: Encoding, looks_like_utf8: bool) -> &'static str {
    if looks_like_utf8 && encoding != Encoding::Utf8 {
        " (the field is valid UTF-8: the sender may have left out UTF8OPT)"
    } else {
        ""
    }
}

/// Why a [`Packet`](super::Packet) cannot be written as bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// A `:` in the version, user or host would shift every later field.
    #[error("the {field} contains ':', which separates the fields; choose a name without ':'")]
    Colon {
        /// Which field.
        field: Field,
    },
    /// A NUL character, which ends the text for the clients (written in C).
    #[error("the {field} contains a NUL character (\\0), which ends text in this protocol")]
    Nul {
        /// Which field.
        field: Field,
    },
    /// A character the packet's encoding cannot write.
    #[error("the {field}: {source}; send with UTF8OPT (--utf8) to use UTF-8")]
    Unencodable {
        /// Which field.
        field: Field,
        /// What could not be encoded.
        source: EncodeError,
    },
    /// The packet would not fit in one datagram.
    #[error("the packet would be {len} bytes, more than the {max} one UDP datagram can carry")]
    TooLong {
        /// The length it would have.
        len: usize,
        /// [`MAX_IPV4_PAYLOAD`](crate::datagram::MAX_IPV4_PAYLOAD).
        max: usize,
    },
}

/// Why an encoding cannot be used for IP Messenger packets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{encoding} cannot be used for IP Messenger packets: it writes the ASCII text \"1:2\" \
     as the bytes {written} instead of 31 3a 32, so ':' would not separate the fields and \
     the numbers could not be read; choose an ASCII-compatible encoding such as gbk, \
     gb18030 or utf-8"
)]
pub struct NotAsciiCompatible {
    /// The encoding refused.
    pub encoding: Encoding,
    /// How it writes `1:2`, in hex.
    pub written: String,
}
