//! One IP Messenger packet: six fields of text separated by `:`, in one UDP datagram.
//!
//! ```text
//!   1:1700000000:alice:alice-pc:288:你好\0
//!   |     |        |      |      |   |   \__ optional: a NUL, then more (an entry's group name)
//!   |     |        |      |      |   \______ extension: the message text, a nickname, ...
//!   |     |        |      |      \__________ command, in decimal: mode | options
//!   |     |        |      \_________________ host name (the computer's name)
//!   |     |        \________________________ user name (the login name)
//!   |     \_________________________________ packet number: different for every packet
//!   \_______________________________________ protocol version: 1 (FeiQ: 1_lbt6_0#128#...)
//! ```
//!
//! The packet is split at the first five `:`; the extension may contain more. Splitting
//! happens on *bytes*, before any text is decoded. That is safe only in an encoding that
//! writes ASCII as plain ASCII bytes and never uses those bytes inside another character
//! (an *ASCII-compatible* encoding): in GBK the second byte of a Chinese character is
//! always 0x40 or more, so the byte 0x3a (`:`) is never part of a character, and in UTF-8
//! every byte of a non-ASCII character is 0x80 or more. UTF-16 (where `:` is two bytes,
//! and 0x3a can be half of any character) and UTF-8 with a BOM (which would put `ef bb bf`
//! in front of every field) are not; [`packet_encoding`] refuses them. Only after the
//! split is the text decoded: as UTF-8 when the command has UTF8OPT, otherwise in the
//! sender's local encoding, which is GBK for the Chinese clients (the caller says which:
//! [`Packet::parse_in`]).
//!
//! Received text is decoded in two ways: strictly ([`Packet::parse_in`]: a byte that is
//! not text is an error) and leniently ([`Packet::parse_lossy`]: such bytes are kept as
//! visible `\xNN` marks and reported beside the packet). A client uses the lenient one:
//! a message whose text is slightly wrong still arrived and must still be confirmed, or
//! its sender sends it again and again and finally reports it lost.
//!
//! What the format cannot carry, and [`Packet::encode`] refuses: a `:` in the version,
//! user or host (it would shift the fields), a NUL in any text field (it ends the
//! extension's text), characters the encoding has no bytes for, and packets longer than
//! [`MAX_IPV4_PAYLOAD`].
//!
//! Three parts have files of their own in `packet/`: `error.rs` ([`PacketError`],
//! [`BuildError`], [`NotAsciiCompatible`] and the [`Field`] they name), `usual.rs` (the
//! usual packets: [`Packet::entry`], [`Packet::message`], [`Packet::receipt`], ...) and
//! `numbers.rs` ([`PacketNumbers`]). The unit tests are in `packet/tests.rs`.

use std::fmt::Write as _;

use netbasics::text::{decode, encode, to_hex, EncodeError, Encoding};
use netbasics::text::{Run, TextStream};

// The longest packet `Packet::parse` accepts and `Packet::encode` writes: what one UDP
// datagram over IPv4 can carry (65,507 bytes), the lesson's own limit.
use crate::datagram::MAX_IPV4_PAYLOAD;

use super::command::{opt, Command, Mode};

mod error;
mod numbers;
mod usual;

pub use error::{BuildError, Field, NotAsciiCompatible, PacketError};
pub use numbers::PacketNumbers;

/// The protocol version IP Messenger writes in the first field.
pub const VERSION: &str = "1";

/// The UDP port IP Messenger and FeiQ (飞秋) listen on.
pub const DEFAULT_PORT: u16 = 2425;

/// How many fields a packet has.
const FIELDS: usize = 6;

/// `encoding`, if packets can be written in it: it must write ASCII characters as the
/// same single ASCII bytes, and nothing else (no byte order mark), because the fields
/// are split at the byte `:` and the numbers are read as ASCII digits.
///
/// # Errors
///
/// [`NotAsciiCompatible`] for UTF-16 (two bytes per ASCII character) and UTF-8 with a
/// BOM (three bytes in front of every text).
///
/// # Examples
///
/// ```
/// use netbasics::text::Encoding;
/// use udp_chat::ipmsg::packet::packet_encoding;
///
/// assert_eq!(packet_encoding(Encoding::Gbk), Ok(Encoding::Gbk));
/// assert_eq!(packet_encoding(Encoding::Utf8), Ok(Encoding::Utf8));
/// let err = packet_encoding(Encoding::Utf16).unwrap_err();
/// assert!(err.to_string().contains("ff fe 31 00 3a 00 32 00"));
/// assert!(packet_encoding(Encoding::Utf8Sig).is_err());
/// ```
pub fn packet_encoding(encoding: Encoding) -> Result<Encoding, NotAsciiCompatible> {
    // The characters a packet's structure is made of: digits, ':' and (in names) letters.
    const PROBE: &str = "1:2";
    const LETTERS: &str = "0123456789:azAZ-_.#";
    let plain = |text: &str| encode(text, encoding).is_ok_and(|bytes| bytes == text.as_bytes());
    if plain(PROBE) && plain(LETTERS) {
        return Ok(encoding);
    }
    let written = match encode(PROBE, encoding) {
        Ok(bytes) => to_hex(&bytes),
        Err(_) => "(nothing: it cannot write them)".to_string(),
    };
    Err(NotAsciiCompatible { encoding, written })
}

/// An IP Messenger packet, its text decoded.
///
/// # Examples
///
/// The course's FeiQ message, as Python's `"1:123123:吴彦祖:吴彦祖-pc:32:haha".encode("gbk")`:
///
/// ```
/// use udp_chat::ipmsg::command::Mode;
/// use udp_chat::ipmsg::packet::{Packet, PacketError};
///
/// let bytes = b"1:123123:\xce\xe2\xd1\xe5\xd7\xe6:\xce\xe2\xd1\xe5\xd7\xe6-pc:32:haha";
/// let packet = Packet::parse(bytes).unwrap();
/// assert_eq!(packet.packet_no, 123123);
/// assert_eq!(packet.user, "吴彦祖");
/// assert_eq!(packet.host, "吴彦祖-pc");
/// assert_eq!(packet.command.mode(), Mode::SendMsg);
/// assert_eq!(packet.extension, "haha");
/// assert_eq!(packet.encode().unwrap(), bytes);
///
/// let err = Packet::parse(b"hello").unwrap_err();
/// assert_eq!(err, PacketError::NotEnoughFields { found: 1 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Field 1: `1` for IP Messenger; FeiQ writes a longer one such as
    /// `1_lbt6_0#128#001122334455#0#0#0#4001#9`. Kept as it came.
    pub version: String,
    /// Field 2: a number the sender makes different for every packet (often the time
    /// in seconds, then counting up). A receipt names the message by it.
    pub packet_no: u64,
    /// Field 3: the sender's user (login) name.
    pub user: String,
    /// Field 4: the sender's host (computer) name.
    pub host: String,
    /// Field 5: what the packet is (mode) and how to treat it (options).
    pub command: Command,
    /// Field 6, up to its first NUL: the message text for SENDMSG, the nickname for the
    /// entry commands, a packet number for RECVMSG.
    pub extension: String,
    /// What follows the first NUL of field 6, as bytes, without that NUL: `None` when
    /// there is no NUL. For entries it starts with the group name; its layout depends on
    /// the command and the client. Many clients end every packet with a NUL
    /// (`Some(vec![])`).
    pub extra: Option<Vec<u8>>,
}

impl Packet {
    /// A packet of version [`VERSION`] with no extra part.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::command::Command;
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// let p = Packet::new(7, "me", "pc", Command::from_bits(32), "hi");
    /// assert_eq!(p.encode().unwrap(), b"1:7:me:pc:32:hi");
    /// ```
    pub fn new(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        command: Command,
        extension: impl Into<String>,
    ) -> Packet {
        Packet {
            version: VERSION.to_string(),
            packet_no,
            user: user.into(),
            host: host.into(),
            command,
            extension: extension.into(),
            extra: None,
        }
    }

    /// The same packet with `option` added to its command (e.g. [`opt::UTF8OPT`]).
    pub fn with_option(mut self, option: u32) -> Packet {
        self.command = self.command.with(option);
        self
    }

    /// Reads a packet whose text, unless UTF8OPT says UTF-8, is GBK (the course's
    /// Chinese clients): [`Packet::parse_in`] with [`Encoding::Gbk`].
    ///
    /// # Errors
    ///
    /// As [`Packet::parse_in`].
    pub fn parse(bytes: &[u8]) -> Result<Packet, PacketError> {
        Packet::parse_in(bytes, Encoding::Gbk)
    }

    /// Reads a packet; `legacy` is the encoding of its text when the command does not
    /// have UTF8OPT.
    ///
    /// # Errors
    ///
    /// A [`PacketError`] for an empty or too long datagram, fewer than six fields, a
    /// packet number or command that is not a number, or text that the encoding cannot
    /// decode (with the offset of the bad bytes in the packet).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    /// use udp_chat::ipmsg::packet::{Packet, PacketError};
    ///
    /// // FeiQ's version field, and a message with ':' in its text.
    /// let p = Packet::parse(b"1_lbt6_0#128#001122334455#0#0#0#4001#9:42:u:h:32:at 10:30").unwrap();
    /// assert_eq!(p.version, "1_lbt6_0#128#001122334455#0#0#0#4001#9");
    /// assert_eq!(p.extension, "at 10:30");
    ///
    /// // UTF8OPT (0x800000) switches the text to UTF-8.
    /// let p = Packet::parse_in("1:1:u:h:8388640:你好".as_bytes(), Encoding::Gbk).unwrap();
    /// assert_eq!(p.extension, "你好");
    ///
    /// // UTF-8 without UTF8OPT is read as GBK: often mojibake (乱码) that looks valid,
    /// let p = Packet::parse("1:1:u:h:32:你好".as_bytes()).unwrap();
    /// assert_eq!(p.extension, "浣犲ソ");
    /// // and sometimes bytes GBK cannot decode (好 is e5 a5 bd: bd starts a pair that ends early).
    /// let err = Packet::parse("1:1:u:h:32:好".as_bytes()).unwrap_err();
    /// assert!(matches!(err, PacketError::BadText { offset: 13, .. }));
    /// assert!(err.to_string().contains("left out UTF8OPT"));
    ///
    /// let err = Packet::parse(b"1:x:u:h:32:hi").unwrap_err();
    /// assert_eq!(err.to_string(), "the packet number (field 2, at offset 2) is 'x': \
    ///     expected decimal digits that fit in 64 bits, e.g. 123123");
    /// ```
    pub fn parse_in(bytes: &[u8], legacy: Encoding) -> Result<Packet, PacketError> {
        let raw = RawPacket::split(bytes)?;
        let encoding = text_encoding(raw.command, legacy);
        let text = |field, bytes| decode_field(field, bytes, encoding);
        Ok(Packet {
            version: text(Field::Version, raw.version)?,
            packet_no: raw.packet_no,
            user: text(Field::User, raw.user)?,
            host: text(Field::Host, raw.host)?,
            command: raw.command,
            extension: text(Field::Extension, raw.text)?,
            extra: raw.extra,
        })
    }

    /// Reads a packet as a client must: the structure strictly (six fields, a packet
    /// number and a command that are decimal numbers), the text leniently. Bytes that are
    /// not text in the packet's encoding are kept in the field as `\xNN` marks, and
    /// reported in the second part of the result: one [`PacketError::BadText`] for each
    /// field that had some (its first bad bytes).
    ///
    /// Why lenient: a sender that writes UTF-8 without UTF8OPT (a common mistake) still
    /// delivered its message; refusing the packet would also refuse its receipt, and the
    /// sender would resend and finally report a failure for a message that arrived.
    ///
    /// # Errors
    ///
    /// As [`Packet::parse_in`], except that text is never an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    /// use udp_chat::ipmsg::packet::{Packet, PacketError};
    ///
    /// // 好 in UTF-8 is e5 a5 bd; read as GBK, e5 a5 is 濂 and bd starts a pair that ends early.
    /// let (p, bad) = Packet::parse_lossy("1:77:linuxuser:box:288:好".as_bytes(), Encoding::Gbk).unwrap();
    /// assert_eq!(p.packet_no, 77);
    /// assert!(p.wants_receipt());
    /// assert_eq!(p.extension, r"濂\xbd");
    /// assert!(matches!(bad[..], [PacketError::BadText { offset: 25, .. }]));
    ///
    /// // Clean text has nothing to report; a broken structure is still an error.
    /// let (_, bad) = Packet::parse_lossy(b"1:1:u:h:32:hi", Encoding::Gbk).unwrap();
    /// assert!(bad.is_empty());
    /// assert!(Packet::parse_lossy(b"1:x:u:h:32:hi", Encoding::Gbk).is_err());
    /// ```
    pub fn parse_lossy(
        bytes: &[u8],
        legacy: Encoding,
    ) -> Result<(Packet, Vec<PacketError>), PacketError> {
        let raw = RawPacket::split(bytes)?;
        let encoding = text_encoding(raw.command, legacy);
        let mut bad = Vec::new();
        let mut text = |field, bytes| {
            let (text, error) = decode_field_lossy(field, bytes, encoding);
            bad.extend(error);
            text
        };
        let packet = Packet {
            version: text(Field::Version, raw.version),
            packet_no: raw.packet_no,
            user: text(Field::User, raw.user),
            host: text(Field::Host, raw.host),
            command: raw.command,
            extension: text(Field::Extension, raw.text),
            extra: raw.extra,
        };
        Ok((packet, bad))
    }

    /// Writes the packet as bytes, its text in GBK unless the command has UTF8OPT:
    /// [`Packet::encode_in`] with [`Encoding::Gbk`].
    ///
    /// # Errors
    ///
    /// As [`Packet::encode_in`].
    pub fn encode(&self) -> Result<Vec<u8>, BuildError> {
        self.encode_in(Encoding::Gbk)
    }

    /// Writes the packet as bytes; `legacy` is the encoding of the text when the command
    /// does not have UTF8OPT (with it, the text is UTF-8).
    ///
    /// # Errors
    ///
    /// A [`BuildError`] for what the format cannot carry: `:` in the version, user or
    /// host, a NUL in any of them or in the extension, a character the encoding has no
    /// bytes for, or more than [`MAX_IPV4_PAYLOAD`] bytes in all.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    /// use udp_chat::ipmsg::command::opt;
    /// use udp_chat::ipmsg::packet::{BuildError, Field, Packet};
    ///
    /// let p = Packet::message(9, "me", "pc", "你好").with_option(opt::UTF8OPT);
    /// assert_eq!(p.encode_in(Encoding::Gbk).unwrap(), "1:9:me:pc:8388896:你好".as_bytes());
    ///
    /// let err = Packet::message(9, "me", "my:pc", "hi").encode().unwrap_err();
    /// assert_eq!(err, BuildError::Colon { field: Field::Host });
    ///
    /// let err = Packet::message(9, "me", "pc", "😀").encode().unwrap_err();
    /// assert!(matches!(err, BuildError::Unencodable { field: Field::Extension, .. }));
    /// ```
    pub fn encode_in(&self, legacy: Encoding) -> Result<Vec<u8>, BuildError> {
        let encoding = text_encoding(self.command, legacy);
        let header = [
            (Field::Version, &self.version),
            (Field::User, &self.user),
            (Field::Host, &self.host),
        ];
        for (field, text) in header {
            if text.contains(':') {
                return Err(BuildError::Colon { field });
            }
        }
        let mut out = Vec::new();
        out.extend(encode_field(Field::Version, &self.version, encoding)?);
        out.push(b':');
        out.extend(self.packet_no.to_string().bytes());
        out.push(b':');
        out.extend(encode_field(Field::User, &self.user, encoding)?);
        out.push(b':');
        out.extend(encode_field(Field::Host, &self.host, encoding)?);
        out.push(b':');
        out.extend(self.command.to_bits().to_string().bytes());
        out.push(b':');
        out.extend(encode_field(Field::Extension, &self.extension, encoding)?);
        if let Some(extra) = &self.extra {
            out.push(0);
            out.extend_from_slice(extra);
        }
        if out.len() > MAX_IPV4_PAYLOAD {
            return Err(BuildError::TooLong {
                len: out.len(),
                max: MAX_IPV4_PAYLOAD,
            });
        }
        Ok(out)
    }

    /// For a RECVMSG: the number of the message it confirms (its extension).
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// assert_eq!(Packet::parse(b"1:9:u:h:33:1234\0").unwrap().receipt_for(), Some(1234));
    /// assert_eq!(Packet::parse(b"1:9:u:h:32:1234").unwrap().receipt_for(), None);
    /// ```
    pub fn receipt_for(&self) -> Option<u64> {
        if self.command.mode() != Mode::RecvMsg {
            return None;
        }
        decimal(self.extension.trim().as_bytes())
    }

    /// Whether this is a message whose sender asks for a receipt (SENDMSG with
    /// SENDCHECKOPT).
    pub fn wants_receipt(&self) -> bool {
        self.command.mode() == Mode::SendMsg && self.command.has(opt::SENDCHECKOPT)
    }

    /// The group name an entry packet may carry after the NUL (FeiQ and IP Messenger
    /// send one), decoded as the packet's text was; `None` if there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// let p = Packet::parse(b"1:9:u:h:1:Nick\0\xbf\xaa\xb7\xa2\0").unwrap();
    /// assert_eq!(p.group(Encoding::Gbk).as_deref(), Some("开发"));
    /// ```
    pub fn group(&self, legacy: Encoding) -> Option<String> {
        let extra = self.extra.as_deref()?;
        let end = extra.iter().position(|&b| b == 0).unwrap_or(extra.len());
        let name = decode(&extra[..end], text_encoding(self.command, legacy)).text;
        (!name.is_empty()).then_some(name)
    }
}

/// A packet split into its fields, numbers read, text not yet decoded. Each text field
/// comes with its offset in the packet, so errors can point at the byte.
struct RawPacket<'a> {
    version: (usize, &'a [u8]),
    packet_no: u64,
    user: (usize, &'a [u8]),
    host: (usize, &'a [u8]),
    command: Command,
    /// Field 6 up to its first NUL.
    text: (usize, &'a [u8]),
    /// What follows that NUL.
    extra: Option<Vec<u8>>,
}

impl<'a> RawPacket<'a> {
    /// The structural checks, shared by the strict and the lenient parser.
    fn split(bytes: &'a [u8]) -> Result<RawPacket<'a>, PacketError> {
        if bytes.is_empty() {
            return Err(PacketError::Empty);
        }
        if bytes.len() > MAX_IPV4_PAYLOAD {
            return Err(PacketError::TooLong {
                len: bytes.len(),
                max: MAX_IPV4_PAYLOAD,
            });
        }
        // Split at the first five ':' only, remembering where each field starts.
        let mut fields: Vec<(usize, &[u8])> = Vec::with_capacity(FIELDS);
        let mut start = 0;
        for piece in bytes.splitn(FIELDS, |&b| b == b':') {
            fields.push((start, piece));
            start += piece.len() + 1;
        }
        let [version, number, user, host, command, extension] = fields[..] else {
            return Err(PacketError::NotEnoughFields {
                found: fields.len(),
            });
        };
        let packet_no = decimal::<u64>(number.1).ok_or_else(|| PacketError::BadPacketNumber {
            text: String::from_utf8_lossy(number.1).into_owned(),
            offset: number.0,
        })?;
        let bits = decimal::<u32>(command.1).ok_or_else(|| PacketError::BadCommand {
            text: String::from_utf8_lossy(command.1).into_owned(),
            offset: command.0,
        })?;
        let (text, extra) = match extension.1.iter().position(|&b| b == 0) {
            Some(nul) => (&extension.1[..nul], Some(extension.1[nul + 1..].to_vec())),
            None => (extension.1, None),
        };
        Ok(RawPacket {
            version,
            packet_no,
            user,
            host,
            command: Command::from_bits(bits),
            text: (extension.0, text),
            extra,
        })
    }
}

/// The encoding of a packet's text: UTF-8 if it says so, else the local one.
fn text_encoding(command: Command, legacy: Encoding) -> Encoding {
    if command.is_utf8() {
        Encoding::Utf8
    } else {
        legacy
    }
}

/// A decimal number made only of ASCII digits (no sign, no spaces), if it fits in `T`.
fn decimal<T: std::str::FromStr>(bytes: &[u8]) -> Option<T> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

fn decode_field(
    field: Field,
    (offset, bytes): (usize, &[u8]),
    encoding: Encoding,
) -> Result<String, PacketError> {
    let decoded = decode(bytes, encoding);
    match decoded.errors.into_iter().next() {
        None => Ok(decoded.text),
        Some(bad) => Err(PacketError::BadText {
            field,
            offset: offset + bad.offset,
            bytes: bad.bytes,
            encoding,
            looks_like_utf8: std::str::from_utf8(bytes).is_ok(),
        }),
    }
}

/// Decodes a field, writing bytes that are not text as `\xNN` (as the other programs of
/// this lesson show them); the first bad bytes are also returned as an error to report.
fn decode_field_lossy(
    field: Field,
    (offset, bytes): (usize, &[u8]),
    encoding: Encoding,
) -> (String, Option<PacketError>) {
    let mut stream = TextStream::new(encoding);
    let mut runs = stream.push(bytes);
    // The field is complete: a character cut at its end is bad bytes, not "more to come".
    runs.extend(stream.finish());
    let mut text = String::new();
    let mut first_bad = None;
    let mut at = offset;
    for run in &runs {
        match run {
            Run::Text { text: piece, .. } => text.push_str(piece),
            Run::Bad(bad) => {
                for byte in bad {
                    // Writing to a String cannot fail.
                    let _ = write!(text, "\\x{byte:02x}");
                }
                first_bad.get_or_insert_with(|| PacketError::BadText {
                    field,
                    offset: at,
                    bytes: bad.clone(),
                    encoding,
                    looks_like_utf8: std::str::from_utf8(bytes).is_ok(),
                });
            }
        }
        at += run.bytes().len();
    }
    (text, first_bad)
}

fn encode_field(field: Field, text: &str, encoding: Encoding) -> Result<Vec<u8>, BuildError> {
    if text.contains('\0') {
        return Err(BuildError::Nul { field });
    }
    encode(text, encoding).map_err(|source| BuildError::Unencodable { field, source })
}

#[cfg(test)]
mod tests;
