//! Text and bytes (编码 and 解码): the course's `str.encode()` and `bytes.decode()`.
//!
//! A socket sends bytes, not text. Before sending, text is *encoded* into bytes with an
//! encoding; the receiver *decodes* the bytes back into text, and it must use the same
//! encoding, or it sees mojibake (乱码):
//!
//! ```text
//!   "你好"  --encode utf-8-->  e4 bd a0 e5 a5 bd  --decode utf-8-->  "你好"
//!   "你好"  --encode gbk---->  c4 e3 ba c3        --decode utf-8-->  "���"  (not UTF-8)
//!   "你好"  --encode utf-8-->  e4 bd a0 e5 a5 bd  --decode gbk---->  "浣犲ソ"
//! ```
//!
//! # What is here
//!
//! - [`Encoding`] and [`lookup`]: the encodings the course meets, by Python's names.
//! - [`encode`]: like Python's `text.encode(name)`; a character the encoding has no
//!   bytes for is an [`EncodeError`] naming it and its position.
//! - [`decode`]: like `data.decode(name, errors="replace")`, but it also reports *where*
//!   the bad bytes were ([`Decoded::errors`]); [`decode_strict`] is Python's default.
//! - [`StreamDecoder`]: decoding data that arrives in pieces, as from `recv(1024)`: a
//!   character split between two reads is joined instead of turned into errors.
//! - [`mojibake`] and [`unmojibake`]: write in one encoding, read in another, and try
//!   to undo it.
//! - [`parse_hex`], [`to_hex`] and [`python_bytes_repr`]: bytes as people write them,
//!   including exactly what Python's `print(b)` shows.
//!
//! # Where this differs from Python
//!
//! Apart from UTF-8, UTF-16, ASCII and Latin-1 (written out here), the tables come from
//! `encoding_rs`, which implements the WHATWG Encoding Standard that browsers use. For
//! the East Asian encodings that standard uses the Microsoft versions, which are
//! supersets of what Python means by the same name. [`Encoding::note`] says what
//! differs for each one; the main points:
//!
//! - `gbk`, `gb2312` and `cp936` are all GBK here (as in browsers); Python's `gb2312`
//!   is the older, smaller table and cannot encode characters like 镕 or 喆.
//! - `latin-1` is true ISO-8859-1 here, as in Python. Browsers treat the *label*
//!   `latin1` as windows-1252, which is a separate entry ([`Encoding::Windows1252`]).
//! - Python's `'utf-8'` keeps a byte order mark (BOM) as the character U+FEFF, and so
//!   does this module; `utf-8-sig` removes it. `utf-16` reads the BOM to choose the byte
//!   order and removes it; without one it assumes little-endian.
//! - Replacement: one U+FFFD per bad sequence, sequences found as WHATWG says. For
//!   UTF-8, UTF-16, ASCII and Latin-1 that is exactly Python's `errors="replace"`; for
//!   the East Asian encodings Python sometimes splits a bad run in two, so it shows one
//!   more �.

use std::fmt;
use std::str::FromStr;

use encoding_rs::{DecoderResult, EncoderResult};

/// A text encoding this module can encode and decode.
///
/// # Examples
///
/// ```
/// use netbasics::text::{lookup, Encoding};
///
/// assert_eq!(lookup("GB2312").unwrap(), Encoding::Gbk);
/// assert_eq!("utf8".parse::<Encoding>().unwrap(), Encoding::Utf8);
/// assert_eq!(Encoding::ShiftJis.to_string(), "shift_jis");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8: every character, 1 to 4 bytes each; ASCII stays one byte.
    Utf8,
    /// UTF-8 with a byte order mark `ef bb bf` in front (Windows Notepad's "UTF-8 with BOM").
    Utf8Sig,
    /// UTF-16 with a BOM: `ff fe` and little-endian when encoding.
    Utf16,
    /// UTF-16, little-endian, no BOM.
    Utf16Le,
    /// UTF-16, big-endian, no BOM.
    Utf16Be,
    /// GBK (Chinese, simplified; a superset of GB2312): 2 bytes per Chinese character.
    Gbk,
    /// GB18030: GBK extended with 4-byte sequences so it covers all of Unicode.
    Gb18030,
    /// Big5 (Chinese, traditional), as browsers decode it (with HKSCS).
    Big5,
    /// Shift_JIS (Japanese), as browsers and Windows use it (cp932).
    ShiftJis,
    /// EUC-KR (Korean), as browsers and Windows use it (cp949 / UHC).
    EucKr,
    /// ISO-8859-1: byte n is the character U+00nn, so every byte decodes.
    Latin1,
    /// Windows-1252: Latin-1 with €, curly quotes and more in 0x80-0x9f.
    Windows1252,
    /// US-ASCII: only 0x00-0x7f.
    Ascii,
}

impl Encoding {
    /// Every supported encoding, in the order [`lookup`]'s error lists them.
    pub const ALL: [Encoding; 13] = [
        Encoding::Utf8,
        Encoding::Utf8Sig,
        Encoding::Utf16,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Gbk,
        Encoding::Gb18030,
        Encoding::Big5,
        Encoding::ShiftJis,
        Encoding::EucKr,
        Encoding::Latin1,
        Encoding::Windows1252,
        Encoding::Ascii,
    ];

    /// The name, as Python spells it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    ///
    /// assert_eq!(Encoding::Utf16Le.name(), "utf-16le");
    /// ```
    pub const fn name(self) -> &'static str {
        self.labels()[0]
    }

    /// Every name [`lookup`] accepts for this encoding, the main one first.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    ///
    /// assert!(Encoding::Gbk.labels().contains(&"gb2312"));
    /// ```
    pub const fn labels(self) -> &'static [&'static str] {
        match self {
            Encoding::Utf8 => &["utf-8", "utf8", "u8", "cp65001"],
            Encoding::Utf8Sig => &["utf-8-sig", "utf8-sig"],
            Encoding::Utf16 => &["utf-16", "utf16", "u16"],
            Encoding::Utf16Le => &["utf-16le", "utf-16-le"],
            Encoding::Utf16Be => &["utf-16be", "utf-16-be"],
            Encoding::Gbk => &["gbk", "gb2312", "cp936", "ms936", "936", "euc-cn"],
            Encoding::Gb18030 => &["gb18030", "gb18030-2000"],
            Encoding::Big5 => &["big5", "big5-tw", "big5-hkscs", "cp950", "csbig5"],
            Encoding::ShiftJis => &[
                "shift_jis",
                "sjis",
                "shiftjis",
                "cp932",
                "ms932",
                "windows-31j",
            ],
            Encoding::EucKr => &[
                "euc-kr",
                "euckr",
                "cp949",
                "uhc",
                "ks_c_5601-1987",
                "windows-949",
            ],
            Encoding::Latin1 => &[
                "latin-1",
                "latin1",
                "latin",
                "l1",
                "iso-8859-1",
                "8859",
                "cp819",
            ],
            Encoding::Windows1252 => &["windows-1252", "cp1252"],
            Encoding::Ascii => &["ascii", "us-ascii", "646"],
        }
    }

    /// How this encoding differs from Python's codec of the same name, or what to
    /// know about it.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    ///
    /// assert!(Encoding::Latin1.note().contains("windows-1252"));
    /// ```
    pub const fn note(self) -> &'static str {
        match self {
            Encoding::Utf8 => {
                "a BOM (ef bb bf) at the start is kept as U+FEFF, as in Python; utf-8-sig removes it"
            }
            Encoding::Utf8Sig => {
                "encode writes the BOM ef bb bf first; decode removes one BOM if present, as Python's utf-8-sig"
            }
            Encoding::Utf16 => {
                "encode writes the BOM ff fe, then little-endian (as Python on x86 and ARM); \
                 decode lets a BOM choose the byte order and removes it, no BOM means little-endian"
            }
            Encoding::Utf16Le | Encoding::Utf16Be => {
                "no BOM is written; a BOM at the start decodes as U+FEFF, as in Python"
            }
            Encoding::Gbk => {
                "browsers' GBK (WHATWG): gb2312 and cp936 mean GBK here, while Python's gb2312 is the \
                 smaller old table (it cannot encode 镕 or 喆); unlike Python's gbk, € encodes as 80 \
                 and GB18030's 4-byte sequences decode; 18 private-use code points come back changed \
                 (see gb18030)"
            }
            Encoding::Gb18030 => {
                "covers all of Unicode, except 19 private-use code points: browsers follow \
                 GB18030-2022, which refuses U+E5E5 and decodes the bytes of 18 others \
                 (U+E78D-U+E796, U+E81E-U+E864) as the standard characters that replaced them \
                 (Python keeps the old private-use ones); a lone byte 80 decodes as €"
            }
            Encoding::Big5 => {
                "browsers' Big5 (WHATWG), with the Hong Kong HKSCS extension: it decodes \
                 characters Python's big5 rejects, encodes € as a3 e1 (as cp950 does; Python's \
                 big5 cannot), and gives kana HKSCS codes (こ is c6 f9 here, c6 b7 in Python)"
            }
            Encoding::ShiftJis => {
                "browsers' Shift_JIS (WHATWG), which is Microsoft's cp932: it encodes ① as 87 40, \
                 which Python's stricter shift_jis cannot; ¥ and ‾ are written as 5c and 7e, which \
                 read back as \\ and ~ (the old yen-sign/backslash clash), and − (U+2212) reads \
                 back as － (U+FF0D)"
            }
            Encoding::EucKr => {
                "browsers' EUC-KR (WHATWG), which is Microsoft's cp949: all 11172 Hangul syllables \
                 have 2-byte codes (Python's euc_kr writes rare ones as 8-byte sequences)"
            }
            Encoding::Latin1 => {
                "true ISO-8859-1 as in Python: byte n is U+00nn, every byte decodes; browsers \
                 (WHATWG) read the label latin1 as windows-1252 instead"
            }
            Encoding::Windows1252 => {
                "browsers' windows-1252 (WHATWG): the five bytes Python's cp1252 leaves undefined \
                 (81 8d 8f 90 9d) decode as control characters U+0081..U+009D"
            }
            Encoding::Ascii => "7 bits: only bytes 00-7f and characters U+0000-U+007F",
        }
    }

    /// The byte order mark [`encode`] writes first: `ef bb bf` for `utf-8-sig`,
    /// `ff fe` for `utf-16`, nothing for the others.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::Encoding;
    ///
    /// assert_eq!(Encoding::Utf16.bom(), &[0xff, 0xfe]);
    /// assert!(Encoding::Utf8.bom().is_empty());
    /// ```
    pub const fn bom(self) -> &'static [u8] {
        match self {
            Encoding::Utf8Sig => &UTF8_BOM,
            Encoding::Utf16 => &UTF16LE_BOM,
            _ => &[],
        }
    }

    /// The WHATWG encoding behind this one, if `encoding_rs` does the work.
    fn whatwg(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Encoding::Gbk => Some(encoding_rs::GBK),
            Encoding::Gb18030 => Some(encoding_rs::GB18030),
            Encoding::Big5 => Some(encoding_rs::BIG5),
            Encoding::ShiftJis => Some(encoding_rs::SHIFT_JIS),
            Encoding::EucKr => Some(encoding_rs::EUC_KR),
            Encoding::Windows1252 => Some(encoding_rs::WINDOWS_1252),
            _ => None,
        }
    }

    /// The same encoding without its BOM: what each character is encoded with.
    fn body(self) -> Encoding {
        match self {
            Encoding::Utf8Sig => Encoding::Utf8,
            Encoding::Utf16 => Encoding::Utf16Le,
            other => other,
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = TextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        lookup(s)
    }
}

const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM: [u8; 2] = [0xff, 0xfe];
const UTF16BE_BOM: [u8; 2] = [0xfe, 0xff];

/// Errors of [`lookup`] and [`parse_hex`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The encoding name is not one of [`Encoding::labels`].
    #[error("unknown encoding '{name}': supported are {}", supported_list())]
    UnknownEncoding {
        /// The name as given.
        name: String,
    },
    /// A character that is not a hex digit where one was expected.
    #[error(
        "'{ch}' at position {position} is not a hex digit: bytes are written with 0-9 and a-f"
    )]
    BadHexDigit {
        /// The offending character.
        ch: char,
        /// Its position, counting characters from 0.
        position: usize,
    },
    /// A run of hex digits of odd length, so one byte would have half its digits.
    #[error(
        "'{token}' at position {position} has an odd number of hex digits ({digits}): \
         every byte is two digits, e.g. 0a rather than a"
    )]
    OddHexDigits {
        /// The run of digits as written.
        token: String,
        /// Where it starts, counting characters from 0.
        position: usize,
        /// How many digits it has.
        digits: usize,
    },
    /// Something other than `\xNN` in the `\x` form.
    #[error(
        "at position {position}: in the \\x form every byte is written \\xNN (two hex digits); \
         to mix text and escapes, write a Python bytes literal b'...'"
    )]
    BadEscapeForm {
        /// Where the problem is, counting characters from 0.
        position: usize,
    },
    /// A mistake inside a Python bytes literal `b'...'`.
    #[error("in the bytes literal, at position {position}: {problem}")]
    BadLiteral {
        /// Where the problem is, counting characters from 0.
        position: usize,
        /// What is wrong.
        problem: &'static str,
    },
}

/// "utf-8, utf-8-sig, ..., gbk (also gb2312, cp936), ...", for the unknown-name error.
fn supported_list() -> String {
    let items: Vec<String> = Encoding::ALL
        .iter()
        .map(|e| {
            // Only the alternatives people are likely to type, to keep the line short.
            let also: &[&str] = match e {
                Encoding::Gbk => &["gb2312", "cp936"],
                Encoding::ShiftJis => &["sjis", "cp932"],
                Encoding::EucKr => &["cp949"],
                Encoding::Latin1 => &["iso-8859-1"],
                Encoding::Windows1252 => &["cp1252"],
                _ => &[],
            };
            if also.is_empty() {
                e.name().to_string()
            } else {
                format!("{} (also {})", e.name(), also.join(", "))
            }
        })
        .collect();
    format!("{} (case and '-'/'_' do not matter)", items.join(", "))
}

/// Compares names the way Python's codec lookup does, loosely: case, `-`, `_` and
/// spaces do not matter.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Finds an encoding by name: `utf-8`, `gbk`, `gb18030`, `big5`, `shift_jis`, `euc-kr`,
/// `utf-16`, `latin-1`, ... ([`Encoding::labels`] has them all). Case, `-` and `_` do not
/// matter, so `UTF8`, `utf_8` and `utf-8` are the same.
///
/// # Examples
///
/// ```
/// use netbasics::text::{lookup, Encoding, TextError};
///
/// assert_eq!(lookup("UTF_8"), Ok(Encoding::Utf8));
/// assert_eq!(lookup("sjis"), Ok(Encoding::ShiftJis));
/// assert_eq!(lookup("iso-8859-1"), Ok(Encoding::Latin1));
/// let err = lookup("klingon").unwrap_err();
/// assert!(matches!(err, TextError::UnknownEncoding { .. }));
/// assert!(err.to_string().contains("gbk (also gb2312, cp936)"));
/// ```
pub fn lookup(name: &str) -> Result<Encoding, TextError> {
    let wanted = normalize(name.trim());
    Encoding::ALL
        .into_iter()
        .find(|e| e.labels().iter().any(|label| normalize(label) == wanted))
        .ok_or_else(|| TextError::UnknownEncoding {
            name: name.to_string(),
        })
}

/// Shows a character in an error message: `'€' (U+20AC)`, or just `U+0085` for an
/// invisible one.
fn describe_char(ch: char) -> String {
    if ch.is_control() || ch.is_whitespace() && ch != ' ' {
        format!("U+{:04X}", u32::from(ch))
    } else {
        format!("'{ch}' (U+{:04X})", u32::from(ch))
    }
}

/// Why text could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A character has no bytes in the encoding (Python: `UnicodeEncodeError`).
    #[error(
        "'{encoding}' cannot encode {} at position {index} (counting characters from 0): \
         {encoding} has no bytes for it",
        describe_char(*ch)
    )]
    Unencodable {
        /// The character.
        ch: char,
        /// Its position in the text, counting characters (not bytes) from 0, as Python does.
        index: usize,
        /// The encoding that was asked for.
        encoding: Encoding,
    },
}

/// Encodes text into bytes, like Python's `text.encode(name)` (errors="strict").
///
/// `utf-16` writes the BOM `ff fe` first and then little-endian, as Python does on
/// x86 and ARM machines; `utf-8-sig` writes `ef bb bf` first.
///
/// # Errors
///
/// [`EncodeError::Unencodable`] for the first character the encoding has no bytes for.
///
/// # Examples
///
/// ```
/// use netbasics::text::{encode, EncodeError, Encoding};
///
/// assert_eq!(encode("你好", Encoding::Utf8).unwrap(), b"\xe4\xbd\xa0\xe5\xa5\xbd");
/// assert_eq!(encode("你好", Encoding::Gbk).unwrap(), b"\xc4\xe3\xba\xc3");
/// assert_eq!(encode("你好", Encoding::Utf16).unwrap(), b"\xff\xfe\x60\x4f\x7d\x59");
///
/// let err = encode("你好 😀", Encoding::Gbk).unwrap_err();
/// assert_eq!(err, EncodeError::Unencodable { ch: '😀', index: 3, encoding: Encoding::Gbk });
/// assert!(err.to_string().starts_with("'gbk' cannot encode '😀' (U+1F600) at position 3"));
/// ```
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
    let mut out = encoding.bom().to_vec();
    encode_body(text, encoding.body(), &mut out)?;
    Ok(out)
}

/// Encodes every character on its own: each character with its bytes (no BOM).
///
/// All encodings here are stateless, so the pieces joined after [`Encoding::bom`]
/// are exactly what [`encode`] returns.
///
/// # Errors
///
/// As [`encode`].
///
/// # Examples
///
/// ```
/// use netbasics::text::{encode_chars, Encoding};
///
/// let pieces = encode_chars("a你", Encoding::Utf8).unwrap();
/// assert_eq!(pieces, vec![('a', vec![0x61]), ('你', vec![0xe4, 0xbd, 0xa0])]);
/// ```
pub fn encode_chars(text: &str, encoding: Encoding) -> Result<Vec<(char, Vec<u8>)>, EncodeError> {
    let body = encoding.body();
    let mut pieces = Vec::new();
    for (index, ch) in text.chars().enumerate() {
        let mut utf8 = [0u8; 4];
        let mut bytes = Vec::new();
        encode_body(ch.encode_utf8(&mut utf8), body, &mut bytes).map_err(|_| {
            EncodeError::Unencodable {
                ch,
                index,
                encoding,
            }
        })?;
        pieces.push((ch, bytes));
    }
    Ok(pieces)
}

/// Appends `text` in `encoding` (one without a BOM of its own) to `out`.
fn encode_body(text: &str, encoding: Encoding, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let unencodable = |ch: char, byte_index: usize| EncodeError::Unencodable {
        ch,
        index: text[..byte_index].chars().count(),
        encoding,
    };
    match encoding {
        Encoding::Utf8 => out.extend_from_slice(text.as_bytes()),
        Encoding::Utf16Le => out.extend(text.encode_utf16().flat_map(u16::to_le_bytes)),
        Encoding::Utf16Be => out.extend(text.encode_utf16().flat_map(u16::to_be_bytes)),
        Encoding::Ascii | Encoding::Latin1 => {
            let limit = if encoding == Encoding::Ascii {
                0x7f
            } else {
                0xff
            };
            for (byte_index, ch) in text.char_indices() {
                match u8::try_from(u32::from(ch)) {
                    Ok(byte) if byte <= limit => out.push(byte),
                    _ => return Err(unencodable(ch, byte_index)),
                }
            }
        }
        _ => {
            let Some(whatwg) = encoding.whatwg() else {
                // Every encoding without its own arm above has a WHATWG table.
                unreachable!("{encoding} has no encoder")
            };
            // encoding_rs's ordinary encode() would write "&#128512;" (an HTML character
            // reference) for an unmappable character; the *_without_replacement API
            // stops there instead, so we can report it as Python does.
            let mut encoder = whatwg.new_encoder();
            let mut rest = text;
            let mut done = 0; // bytes of `text` consumed so far
            loop {
                let room = encoder
                    .max_buffer_length_from_utf8_without_replacement(rest.len())
                    .unwrap_or(rest.len().saturating_mul(4));
                out.reserve(room);
                let (result, read) =
                    encoder.encode_from_utf8_to_vec_without_replacement(rest, out, true);
                done += read;
                rest = &rest[read..];
                match result {
                    EncoderResult::InputEmpty => break,
                    EncoderResult::OutputFull => continue,
                    EncoderResult::Unmappable(ch) => {
                        // The encoder has consumed the character it could not map.
                        return Err(unencodable(ch, done - ch.len_utf8()));
                    }
                }
            }
        }
    }
    Ok(())
}

/// A run of bytes that is not valid in the encoding it was decoded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBytes {
    /// Where the run starts, counting bytes from 0.
    pub offset: usize,
    /// The bytes themselves (1 to 4 of them).
    pub bytes: Vec<u8>,
}

/// What [`decode`] made of some bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with one U+FFFD REPLACEMENT CHARACTER (�) for each bad run of bytes.
    pub text: String,
    /// The bad runs, in order: where each is and what it holds.
    pub errors: Vec<BadBytes>,
}

impl Decoded {
    /// Whether every byte was valid.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::{decode, Encoding};
    ///
    /// assert!(decode(b"hi", Encoding::Ascii).is_clean());
    /// assert!(!decode(b"\xff", Encoding::Utf8).is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Appends what a later piece of the same input decoded to.
    pub fn append(&mut self, mut later: Decoded) {
        self.text.push_str(&later.text);
        self.errors.append(&mut later.errors);
    }
}

/// Why [`decode_strict`] failed (Python: `UnicodeDecodeError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{encoding}' cannot decode {} at offset {offset}{}",
    to_hex(bytes),
    if *more == 0 { String::new() } else { format!(" (and {more} more bad sequences)") }
)]
pub struct DecodeError {
    /// The encoding that was used.
    pub encoding: Encoding,
    /// Where the first bad run starts, counting bytes from 0.
    pub offset: usize,
    /// The first bad run.
    pub bytes: Vec<u8>,
    /// How many further bad runs follow.
    pub more: usize,
}

/// Decodes bytes into text, like Python's `data.decode(name, errors="replace")`,
/// and says where every bad byte sequence was.
///
/// BOMs: `utf-8`, `utf-16le` and `utf-16be` keep a BOM as the character U+FEFF (as
/// Python does); `utf-8-sig` removes a UTF-8 BOM; `utf-16` lets a BOM choose the byte
/// order and removes it (no BOM: little-endian). Other encodings treat a BOM as bytes.
///
/// # Examples
///
/// ```
/// use netbasics::text::{decode, BadBytes, Encoding};
///
/// let ok = decode(b"\xc4\xe3\xba\xc3", Encoding::Gbk);
/// assert_eq!(ok.text, "你好");
/// assert!(ok.is_clean());
///
/// // GBK bytes read as UTF-8: nothing fits.
/// let bad = decode(b"\xc4\xe3\xba\xc3", Encoding::Utf8);
/// assert_eq!(bad.text, "\u{fffd}\u{fffd}\u{fffd}");
/// assert_eq!(bad.errors[0], BadBytes { offset: 0, bytes: vec![0xc4] });
/// assert_eq!(bad.errors[1], BadBytes { offset: 1, bytes: vec![0xe3, 0xba] });
/// assert_eq!(bad.errors[2], BadBytes { offset: 3, bytes: vec![0xc3] });
/// ```
pub fn decode(bytes: &[u8], encoding: Encoding) -> Decoded {
    StreamDecoder::new(encoding).finish_with(bytes)
}

/// Decodes like Python's `data.decode(name)`: any bad byte is an error.
///
/// # Errors
///
/// A [`DecodeError`] naming the first bad run and how many more there are.
///
/// # Examples
///
/// ```
/// use netbasics::text::{decode_strict, Encoding};
///
/// assert_eq!(decode_strict(b"\xe4\xbd\xa0", Encoding::Utf8).unwrap(), "你");
/// let err = decode_strict(b"ok\xff", Encoding::Utf8).unwrap_err();
/// assert_eq!(err.offset, 2);
/// assert_eq!(err.to_string(), "'utf-8' cannot decode ff at offset 2");
/// ```
pub fn decode_strict(bytes: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
    let decoded = decode(bytes, encoding);
    let mut errors = decoded.errors.into_iter();
    match errors.next() {
        None => Ok(decoded.text),
        Some(first) => Err(DecodeError {
            encoding,
            offset: first.offset,
            bytes: first.bytes,
            more: errors.len(),
        }),
    }
}

/// Decodes a byte stream that arrives in pieces (as from `recv(1024)`).
///
/// `recv(1024).decode("utf-8")` in Python fails whenever a character's bytes are split
/// between two reads: the first read ends with half a character. A `StreamDecoder`
/// keeps such an unfinished character until the next [`push`](Self::push) completes it.
/// Offsets in [`Decoded::errors`] count from the start of the whole stream.
///
/// # Examples
///
/// ```
/// use netbasics::text::{Encoding, StreamDecoder};
///
/// let mut decoder = StreamDecoder::new(Encoding::Utf8);
/// // "你好" split in the middle of 好 (e5 a5 bd).
/// assert_eq!(decoder.push(b"\xe4\xbd\xa0\xe5").text, "你");
/// assert_eq!(decoder.push(b"\xa5\xbd").text, "好");
/// assert!(decoder.finish().is_clean());
///
/// // At the end of the stream an unfinished character is an error.
/// let mut decoder = StreamDecoder::new(Encoding::Utf8);
/// assert_eq!(decoder.push(b"ok\xe5\xa5").text, "ok");
/// let end = decoder.finish();
/// assert_eq!(end.text, "\u{fffd}");
/// assert_eq!(end.errors[0].offset, 2);
/// ```
pub struct StreamDecoder {
    encoding: Encoding,
    state: State,
    position: Position,
}

/// What a [`StreamDecoder`] is doing.
enum State {
    /// Waiting for enough bytes to see whether a BOM is there (`utf-16`, `utf-8-sig`).
    Sniffing(Vec<u8>),
    /// Decoding with an `encoding_rs` decoder.
    Whatwg(encoding_rs::Decoder),
    /// One byte, one character; bytes above 0x7f are bad.
    Ascii,
    /// One byte, one character U+0000-U+00FF.
    Latin1,
}

/// How far a [`StreamDecoder`] has got, and the last bytes it consumed.
struct Position {
    /// How many bytes have been consumed: the offset of the next byte.
    consumed: usize,
    /// The last few bytes consumed, so a bad run that began in an earlier piece can
    /// still be shown. A bad run is at most 4 bytes, found at most 3 bytes later.
    recent: Vec<u8>,
}

/// How many consumed bytes [`Position`] remembers.
const RECENT: usize = 8;

impl Position {
    fn advance(&mut self, bytes: &[u8]) {
        self.consumed += bytes.len();
        if bytes.len() >= RECENT {
            self.recent.clear();
            self.recent
                .extend_from_slice(&bytes[bytes.len() - RECENT..]);
        } else {
            self.recent.extend_from_slice(bytes);
            let extra = self.recent.len().saturating_sub(RECENT);
            self.recent.drain(..extra);
        }
    }

    /// The consumed bytes `start..end` (offsets in the stream), as far as remembered.
    fn bytes(&self, start: usize, end: usize) -> Vec<u8> {
        let first_remembered = self.consumed - self.recent.len();
        let from = start
            .saturating_sub(first_remembered)
            .min(self.recent.len());
        let to = end
            .saturating_sub(first_remembered)
            .clamp(from, self.recent.len());
        self.recent[from..to].to_vec()
    }
}

impl StreamDecoder {
    /// A decoder at the start of a stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::{Encoding, StreamDecoder};
    ///
    /// let decoder = StreamDecoder::new(Encoding::Gbk);
    /// assert_eq!(decoder.encoding(), Encoding::Gbk);
    /// ```
    pub fn new(encoding: Encoding) -> Self {
        let state = match encoding {
            Encoding::Utf16 | Encoding::Utf8Sig => State::Sniffing(Vec::new()),
            Encoding::Ascii => State::Ascii,
            Encoding::Latin1 => State::Latin1,
            Encoding::Utf8 => State::Whatwg(encoding_rs::UTF_8.new_decoder_without_bom_handling()),
            Encoding::Utf16Le => {
                State::Whatwg(encoding_rs::UTF_16LE.new_decoder_without_bom_handling())
            }
            Encoding::Utf16Be => {
                State::Whatwg(encoding_rs::UTF_16BE.new_decoder_without_bom_handling())
            }
            other => match other.whatwg() {
                // Without BOM handling: encoding_rs would otherwise let a UTF-8 or
                // UTF-16 BOM switch a GBK decoder to UTF-8, which Python never does.
                Some(whatwg) => State::Whatwg(whatwg.new_decoder_without_bom_handling()),
                None => unreachable!("every other encoding has a WHATWG table"),
            },
        };
        StreamDecoder {
            encoding,
            state,
            position: Position {
                consumed: 0,
                recent: Vec::with_capacity(RECENT * 2),
            },
        }
    }

    /// The encoding being decoded.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Decodes the next piece of the stream. An unfinished character at its end is
    /// kept for the next call.
    pub fn push(&mut self, bytes: &[u8]) -> Decoded {
        self.run(bytes, false)
    }

    /// Ends the stream: bytes still waiting (an unfinished character) are bad.
    pub fn finish(self) -> Decoded {
        self.finish_with(&[])
    }

    /// Decodes the last piece of the stream and ends it.
    fn finish_with(mut self, bytes: &[u8]) -> Decoded {
        self.run(bytes, true)
    }

    fn run(&mut self, bytes: &[u8], last: bool) -> Decoded {
        let mut out = Decoded::default();
        if let State::Sniffing(pending) = &mut self.state {
            pending.extend_from_slice(bytes);
            let Some((decoder, bom_len)) = choose_by_bom(self.encoding, pending, last) else {
                return out; // not enough bytes yet to tell
            };
            let pending = std::mem::take(pending);
            self.state = State::Whatwg(decoder);
            self.position.advance(&pending[..bom_len]);
            self.decode_into(&pending[bom_len..], last, &mut out);
        } else {
            self.decode_into(bytes, last, &mut out);
        }
        out
    }

    fn decode_into(&mut self, bytes: &[u8], last: bool, out: &mut Decoded) {
        let position = &mut self.position;
        match &mut self.state {
            State::Ascii | State::Latin1 => {
                let ascii = matches!(self.state, State::Ascii);
                out.text.reserve(bytes.len());
                for (i, &byte) in bytes.iter().enumerate() {
                    if ascii && byte > 0x7f {
                        out.text.push(char::REPLACEMENT_CHARACTER);
                        out.errors.push(BadBytes {
                            offset: position.consumed + i,
                            bytes: vec![byte],
                        });
                    } else {
                        out.text.push(char::from(byte));
                    }
                }
                position.advance(bytes);
            }
            State::Whatwg(decoder) => {
                let mut rest = bytes;
                loop {
                    let room = decoder
                        .max_utf8_buffer_length_without_replacement(rest.len())
                        .unwrap_or(rest.len().saturating_mul(3));
                    out.text.reserve(room);
                    let (result, read) =
                        decoder.decode_to_string_without_replacement(rest, &mut out.text, last);
                    position.advance(&rest[..read]);
                    rest = &rest[read..];
                    match result {
                        DecoderResult::InputEmpty => break,
                        DecoderResult::OutputFull => {}
                        DecoderResult::Malformed(bad_len, after) => {
                            // The bad run ends `after` bytes before the end of what has
                            // been consumed, and may have begun in an earlier piece.
                            let end = position.consumed.saturating_sub(usize::from(after));
                            let start = end.saturating_sub(usize::from(bad_len));
                            out.errors.push(BadBytes {
                                offset: start,
                                bytes: position.bytes(start, end),
                            });
                            out.text.push(char::REPLACEMENT_CHARACTER);
                        }
                    }
                }
            }
            // `run` leaves this state before calling here.
            State::Sniffing(_) => {}
        }
    }
}

/// Decides, from the first bytes, which decoder `utf-16` or `utf-8-sig` needs and how
/// long the BOM is; `None` while the bytes so far could still be the start of a BOM.
fn choose_by_bom(
    encoding: Encoding,
    start: &[u8],
    last: bool,
) -> Option<(encoding_rs::Decoder, usize)> {
    let (boms, default): (&[(&[u8], &'static encoding_rs::Encoding)], _) = match encoding {
        Encoding::Utf8Sig => (&[(&UTF8_BOM, encoding_rs::UTF_8)], encoding_rs::UTF_8),
        _ => (
            &[
                (&UTF16LE_BOM, encoding_rs::UTF_16LE),
                (&UTF16BE_BOM, encoding_rs::UTF_16BE),
            ],
            // No BOM: Python's 'utf-16' uses the machine's order, little-endian on x86/ARM.
            encoding_rs::UTF_16LE,
        ),
    };
    for (bom, whatwg) in boms {
        if start.starts_with(bom) {
            return Some((whatwg.new_decoder_without_bom_handling(), bom.len()));
        }
        if !last && bom.starts_with(start) {
            return None; // could still become this BOM
        }
    }
    Some((default.new_decoder_without_bom_handling(), 0))
}

/// Text written in one encoding and read in another: the bytes, and what the reader
/// sees.
///
/// # Errors
///
/// An [`EncodeError`] if `written_in` cannot encode `text`.
///
/// # Examples
///
/// ```
/// use netbasics::text::{mojibake, Encoding};
///
/// // UTF-8 bytes read as GBK: every byte pair is some other Chinese character.
/// let (bytes, seen) = mojibake("你好", Encoding::Utf8, Encoding::Gbk).unwrap();
/// assert_eq!(bytes, b"\xe4\xbd\xa0\xe5\xa5\xbd");
/// assert_eq!(seen.text, "浣犲ソ");
///
/// // GBK bytes read as UTF-8: they are not valid UTF-8 at all.
/// let (_, seen) = mojibake("你好", Encoding::Gbk, Encoding::Utf8).unwrap();
/// assert_eq!(seen.text, "\u{fffd}\u{fffd}\u{fffd}");
/// ```
pub fn mojibake(
    text: &str,
    written_in: Encoding,
    read_as: Encoding,
) -> Result<(Vec<u8>, Decoded), EncodeError> {
    let bytes = encode(text, written_in)?;
    let seen = decode(&bytes, read_as);
    Ok((bytes, seen))
}

/// Tries to undo mojibake: encodes what the reader saw back with `read_as` and decodes
/// it with the right encoding, `written_in`.
///
/// This restores the text exactly when the wrong decoding lost nothing: no byte was
/// replaced by U+FFFD, and `read_as` gives the same bytes back for what it decoded.
/// "浣犲ソ" comes back as "你好"; "���" cannot, because the original bytes are gone
/// (U+FFFD is one character for any bad run). Latin-1 read as anything is always
/// reversible: every byte is a character of its own.
///
/// The best-known loss has a name: GBK text read as UTF-8 and saved again as UTF-8
/// holds `ef bf bd` for each �; read as GBK, two of those are 锟斤拷.
///
/// # Errors
///
/// An [`EncodeError`] if `read_as` cannot encode what was seen (GBK has no bytes for
/// U+FFFD, for example).
///
/// # Examples
///
/// ```
/// use netbasics::text::{mojibake, unmojibake, Encoding};
///
/// let (_, seen) = mojibake("你好", Encoding::Utf8, Encoding::Gbk).unwrap();
/// let back = unmojibake(&seen.text, Encoding::Gbk, Encoding::Utf8).unwrap();
/// assert_eq!(back.text, "你好");
///
/// // 你好吗 is 9 bytes in UTF-8; read as GBK the last byte has no partner and is lost.
/// let (_, seen) = mojibake("你好吗", Encoding::Utf8, Encoding::Gbk).unwrap();
/// assert_eq!(seen.text, "浣犲ソ鍚\u{fffd}");
/// assert!(unmojibake(&seen.text, Encoding::Gbk, Encoding::Utf8).is_err());
///
/// // GBK read as UTF-8: replaced, and gone.
/// let (_, seen) = mojibake("你好", Encoding::Gbk, Encoding::Utf8).unwrap();
/// let back = unmojibake(&seen.text, Encoding::Utf8, Encoding::Gbk).unwrap();
/// assert!(back.text.starts_with("锟斤拷"));
/// ```
pub fn unmojibake(
    seen: &str,
    read_as: Encoding,
    written_in: Encoding,
) -> Result<Decoded, EncodeError> {
    let bytes = encode(seen, read_as)?;
    Ok(decode(&bytes, written_in))
}

/// Lower-case hex, a space between bytes: `e4 bd a0`.
///
/// # Examples
///
/// ```
/// use netbasics::text::to_hex;
///
/// assert_eq!(to_hex("你".as_bytes()), "e4 bd a0");
/// assert_eq!(to_hex(&[]), "");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Exactly what Python prints for a `bytes` object: `print(b)` or `repr(b)`.
///
/// Printable ASCII stays as it is, `\t`, `\n`, `\r` and `\\` are escaped, and every
/// other byte is `\xNN` in lower case. Like CPython, it quotes with `'` unless the bytes
/// contain `'` and no `"`, in which case it uses `"`; the quote in use is escaped.
///
/// # Examples
///
/// ```
/// use netbasics::text::python_bytes_repr;
///
/// assert_eq!(python_bytes_repr("你好".as_bytes()), r"b'\xe4\xbd\xa0\xe5\xa5\xbd'");
/// assert_eq!(python_bytes_repr(b"hi\n"), r"b'hi\n'");
/// assert_eq!(python_bytes_repr(b"it's"), r#"b"it's""#);
/// assert_eq!(python_bytes_repr(br#"'" "#), r#"b'\'" '"#);
/// ```
pub fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

/// Reads bytes written in any of the usual ways:
///
/// - hex digits, with or without separators: `e4 bd a0`, `e4bda0`, `E4:BD:A0`,
///   `e4-bd-a0`, `e4,bd,a0`, `0xe4 0xbd 0xa0` (with `0x`, a single digit is one byte);
/// - Python's escapes: `\xe4\xbd\xa0`;
/// - a Python bytes literal, as `print()` shows one: `b'\xe4\xbd\xa0'`, `b'hi\n'`,
///   `b"it's"` (all of Python's escapes work inside it).
///
/// Empty text is zero bytes.
///
/// # Errors
///
/// A [`TextError`] saying what is wrong and where (positions count characters from 0).
///
/// # Examples
///
/// ```
/// use netbasics::text::{parse_hex, TextError};
///
/// let you = vec![0xe4, 0xbd, 0xa0];
/// assert_eq!(parse_hex("e4 bd a0").unwrap(), you);
/// assert_eq!(parse_hex("E4:BD:A0").unwrap(), you);
/// assert_eq!(parse_hex("e4bda0").unwrap(), you);
/// assert_eq!(parse_hex("0xe4 0xbd 0xa0").unwrap(), you);
/// assert_eq!(parse_hex(r"\xe4\xbd\xa0").unwrap(), you);
/// assert_eq!(parse_hex(r"b'\xe4\xbd\xa0'").unwrap(), you);
/// assert_eq!(parse_hex(r"b'ok\n'").unwrap(), b"ok\n");
///
/// assert!(matches!(parse_hex("e4b"), Err(TextError::OddHexDigits { .. })));
/// assert_eq!(
///     parse_hex("e4 zz").unwrap_err().to_string(),
///     "'z' at position 3 is not a hex digit: bytes are written with 0-9 and a-f"
/// );
/// ```
pub fn parse_hex(s: &str) -> Result<Vec<u8>, TextError> {
    // Work on (position, char) pairs so every error points into the text as given.
    let chars: Vec<(usize, char)> = s.chars().enumerate().collect();
    let start = chars
        .iter()
        .position(|(_, c)| !c.is_whitespace())
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|(_, c)| !c.is_whitespace())
        .map_or(start, |i| i + 1);
    let text = &chars[start..end];

    let first_two: String = text.iter().take(2).map(|&(_, c)| c).collect();
    if matches!(first_two.as_str(), "b'" | "b\"" | "B'" | "B\"") {
        parse_bytes_literal(text)
    } else if text.iter().any(|&(_, c)| c == '\\') {
        parse_escapes(text)
    } else {
        parse_hex_digits(text)
    }
}

/// Hex digits in runs separated by spaces, `:`, `-` or `,`, each run maybe `0x`-prefixed.
fn parse_hex_digits(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let is_separator = |c: char| c.is_whitespace() || matches!(c, ':' | '-' | ',');
    for run in text
        .split(|&(_, c)| is_separator(c))
        .filter(|run| !run.is_empty())
    {
        let prefixed = run.len() >= 2 && run[0].1 == '0' && matches!(run[1].1, 'x' | 'X');
        let digits = if prefixed { &run[2..] } else { run };
        if let Some(&(position, ch)) = digits.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
            return Err(TextError::BadHexDigit { ch, position });
        }
        let values: Vec<u8> = digits.iter().map(|&(_, c)| hex_value(c)).collect();
        match values.len() {
            // "0x" alone: the digits are missing.
            0 => {
                return Err(TextError::OddHexDigits {
                    token: run.iter().map(|&(_, c)| c).collect(),
                    position: run[0].0,
                    digits: 0,
                })
            }
            // "0x5" is the byte 5, as in C and Python.
            1 if prefixed => out.push(values[0]),
            n if n % 2 == 1 => {
                return Err(TextError::OddHexDigits {
                    token: run.iter().map(|&(_, c)| c).collect(),
                    position: run[0].0,
                    digits: n,
                })
            }
            _ => out.extend(values.chunks(2).map(|pair| pair[0] << 4 | pair[1])),
        }
    }
    Ok(out)
}

/// `\xe4\xbd\xa0`, spaces allowed between the escapes.
fn parse_escapes(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    while i < text.len() {
        let (position, ch) = text[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        let escape: Vec<char> = text[i..].iter().take(4).map(|&(_, c)| c).collect();
        match escape.as_slice() {
            ['\\', 'x' | 'X', high, low] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                out.push(hex_value(*high) << 4 | hex_value(*low));
                i += 4;
            }
            _ => return Err(TextError::BadEscapeForm { position }),
        }
    }
    Ok(out)
}

/// A Python bytes literal `b'...'` or `b"..."`, with all of Python's escapes.
fn parse_bytes_literal(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let quote = text[1].1;
    let end_position = text.last().map_or(0, |&(p, _)| p + 1);
    if text.len() < 3 || text[text.len() - 1].1 != quote {
        return Err(TextError::BadLiteral {
            position: end_position,
            problem: "the closing quote is missing",
        });
    }
    let body = &text[2..text.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let (position, ch) = body[i];
        i += 1;
        if ch == quote {
            return Err(TextError::BadLiteral {
                position,
                problem: "a quote inside the literal must be escaped with a backslash",
            });
        }
        if !ch.is_ascii() {
            return Err(TextError::BadLiteral {
                position,
                problem: "a bytes literal holds only ASCII characters: write other bytes as \\xNN",
            });
        }
        if ch != '\\' {
            out.push(ch as u8);
            continue;
        }
        // A backslash: what follows says which byte it is.
        let Some(&(_, next)) = body.get(i) else {
            return Err(TextError::BadLiteral {
                position,
                problem: "a backslash at the end escapes the closing quote",
            });
        };
        i += 1;
        match next {
            '\\' | '\'' | '"' => out.push(next as u8),
            'a' => out.push(0x07),
            'b' => out.push(0x08),
            'f' => out.push(0x0c),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(0x0b),
            '\n' => {} // a backslash at the end of a line continues the literal
            'x' => {
                let digits: Vec<char> = body[i..].iter().take(2).map(|&(_, c)| c).collect();
                match digits.as_slice() {
                    [high, low] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                        out.push(hex_value(*high) << 4 | hex_value(*low));
                        i += 2;
                    }
                    _ => {
                        return Err(TextError::BadLiteral {
                            position,
                            problem: "\\x must be followed by two hex digits",
                        })
                    }
                }
            }
            '0'..='7' => {
                // Octal: up to three digits, at most \377.
                let mut value = u32::from(next) - u32::from('0');
                let mut taken = 0;
                while taken < 2 {
                    match body.get(i) {
                        Some(&(_, d @ '0'..='7')) => {
                            value = value * 8 + (u32::from(d) - u32::from('0'));
                            i += 1;
                            taken += 1;
                        }
                        _ => break,
                    }
                }
                match u8::try_from(value) {
                    Ok(byte) => out.push(byte),
                    Err(_) => {
                        return Err(TextError::BadLiteral {
                            position,
                            problem: "an octal escape is at most \\377 (255)",
                        })
                    }
                }
            }
            // Python keeps an unknown escape as it is (and warns): \q is '\\' 'q'.
            other if other.is_ascii() => {
                out.push(b'\\');
                out.push(other as u8);
            }
            _ => {
                return Err(TextError::BadLiteral {
                    position: position + 1,
                    problem:
                        "a bytes literal holds only ASCII characters: write other bytes as \\xNN",
                })
            }
        }
    }
    Ok(out)
}

/// The value of a hex digit that has already been checked.
fn hex_value(digit: char) -> u8 {
    digit
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
        .unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn enc(name: &str) -> Encoding {
        lookup(name).unwrap()
    }

    fn bytes(hex: &str) -> Vec<u8> {
        parse_hex(hex).unwrap()
    }

    #[test]
    fn golden_bytes_for_nihao() {
        let cases = [
            ("utf-8", "e4 bd a0 e5 a5 bd"),
            ("utf-8-sig", "ef bb bf e4 bd a0 e5 a5 bd"),
            ("gbk", "c4 e3 ba c3"),
            ("gb2312", "c4 e3 ba c3"),
            ("gb18030", "c4 e3 ba c3"),
            ("big5", "a7 41 a6 6e"),
            ("utf-16", "ff fe 60 4f 7d 59"),
            ("utf-16le", "60 4f 7d 59"),
            ("utf-16be", "4f 60 59 7d"),
        ];
        for (name, hex) in cases {
            let encoding = enc(name);
            assert_eq!(to_hex(&encode("你好", encoding).unwrap()), hex, "{name}");
            let back = decode(&bytes(hex), encoding);
            assert_eq!(back.text, "你好", "{name}");
            assert!(back.is_clean(), "{name}");
        }
    }

    #[test]
    fn golden_bytes_for_konnichiwa() {
        let hex = "82 b1 82 f1 82 c9 82 bf 82 cd";
        assert_eq!(
            to_hex(&encode("こんにちは", Encoding::ShiftJis).unwrap()),
            hex
        );
        assert_eq!(decode(&bytes(hex), Encoding::ShiftJis).text, "こんにちは");
        // And in EUC-KR, 안녕 (annyeong).
        assert_eq!(
            to_hex(&encode("안녕", Encoding::EucKr).unwrap()),
            "be c8 b3 e7"
        );
        assert_eq!(decode(&bytes("be c8 b3 e7"), Encoding::EucKr).text, "안녕");
    }

    #[test]
    fn unicode_encodings_cover_every_character() {
        let every: String = (0..=0x10ffff).filter_map(char::from_u32).collect();
        // The exceptions: the WHATWG GB18030 encoder refuses the private-use U+E5E5
        // (Python writes it as a3 a0, which browsers decode as U+3000, a space) ...
        assert!(encode("\u{e5e5}", Encoding::Gb18030).is_err());
        assert_eq!(decode(b"\xa3\xa0", Encoding::Gb18030).text, "\u{3000}");
        // ... and 18 private-use code points come back as the characters GB18030-2022
        // gave their bytes to.
        for (ch, bytes, back) in [
            ('\u{e78d}', b"\xa6\xd9", '\u{fe10}'),
            ('\u{e864}', b"\xfe\xa0", '\u{9fbb}'),
        ] {
            assert_eq!(encode(&ch.to_string(), Encoding::Gb18030).unwrap(), bytes);
            assert_eq!(decode(bytes, Encoding::Gb18030).text, back.to_string());
        }
        let gb18030: String = every.chars().filter(|&c| gb18030_round_trips(c)).collect();
        assert_eq!(every.chars().count() - gb18030.chars().count(), 19);
        let encoded = encode(&gb18030, Encoding::Gb18030).unwrap();
        assert!(decode(&encoded, Encoding::Gb18030).text == gb18030);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf16Be] {
            let encoded = encode(&every, encoding).unwrap();
            let decoded = decode(&encoded, encoding);
            assert!(decoded.is_clean(), "{encoding}");
            assert!(decoded.text == every, "{encoding} does not round-trip");
        }
    }

    #[test]
    fn single_byte_encodings() {
        assert_eq!(encode("café", Encoding::Latin1).unwrap(), b"caf\xe9");
        assert_eq!(encode("café", Encoding::Windows1252).unwrap(), b"caf\xe9");
        assert_eq!(encode("€", Encoding::Windows1252).unwrap(), b"\x80");
        assert_eq!(decode(b"\x80", Encoding::Latin1).text, "\u{80}");
        assert_eq!(decode(b"\x80", Encoding::Windows1252).text, "€");
        assert_eq!(decode(b"\x81", Encoding::Windows1252).text, "\u{81}");
        assert_eq!(encode("hi", Encoding::Ascii).unwrap(), b"hi");
        let every_byte: Vec<u8> = (0..=255).collect();
        let latin = decode(&every_byte, Encoding::Latin1);
        assert!(latin.is_clean());
        assert_eq!(encode(&latin.text, Encoding::Latin1).unwrap(), every_byte);
    }

    #[test]
    fn shift_jis_yen_sign_reads_back_as_backslash() {
        assert_eq!(encode("¥", Encoding::ShiftJis).unwrap(), b"\x5c");
        assert_eq!(decode(b"\x5c", Encoding::ShiftJis).text, "\\");
        assert_eq!(encode("‾", Encoding::ShiftJis).unwrap(), b"\x7e");
        assert_eq!(
            decode(
                &encode("\u{2212}", Encoding::ShiftJis).unwrap(),
                Encoding::ShiftJis
            )
            .text,
            "\u{ff0d}"
        );
    }

    #[test]
    fn whatwg_gbk_encodes_euro_as_0x80() {
        // Python's gbk cannot; browsers' GBK (and cp936) can.
        assert_eq!(encode("€", Encoding::Gbk).unwrap(), b"\x80");
        assert_eq!(decode(b"\x80", Encoding::Gbk).text, "€");
        assert_eq!(encode("€", Encoding::Gb18030).unwrap(), b"\xa2\xe3");
        // Characters missing from Python's gb2312 are in GBK.
        assert_eq!(
            decode(&encode("镕喆", Encoding::Gbk).unwrap(), Encoding::Gbk).text,
            "镕喆"
        );
        // Big5 as browsers have it: € like cp950, kana at their HKSCS codes.
        assert_eq!(encode("€", Encoding::Big5).unwrap(), b"\xa3\xe1");
        assert_eq!(encode("こ", Encoding::Big5).unwrap(), b"\xc6\xf9");
        // cp932's circled digit.
        assert_eq!(encode("①", Encoding::ShiftJis).unwrap(), b"\x87\x40");
    }

    #[test]
    fn unencodable_characters_are_named_with_their_position() {
        let cases = [
            ("ab😀", Encoding::Gbk, '😀', 2),
            ("你好😀", Encoding::Big5, '😀', 2),
            ("x€", Encoding::Latin1, '€', 1),
            ("你", Encoding::Latin1, '你', 0),
            ("café", Encoding::Ascii, 'é', 3),
            ("a\u{80}", Encoding::Ascii, '\u{80}', 1),
            ("한국어 你好", Encoding::ShiftJis, '한', 0),
            ("ok 😀", Encoding::EucKr, '😀', 3),
            ("x😀", Encoding::Windows1252, '😀', 1),
        ];
        for (text, encoding, ch, index) in cases {
            assert_eq!(
                encode(text, encoding),
                Err(EncodeError::Unencodable {
                    ch,
                    index,
                    encoding
                }),
                "{text} in {encoding}"
            );
        }
        // Same error from the per-character breakdown.
        assert_eq!(
            encode_chars("ab😀", Encoding::Gbk),
            Err(EncodeError::Unencodable {
                ch: '😀',
                index: 2,
                encoding: Encoding::Gbk
            })
        );
        let message = encode("x€", Encoding::Latin1).unwrap_err().to_string();
        assert_eq!(
            message,
            "'latin-1' cannot encode '€' (U+20AC) at position 1 (counting characters from 0): \
             latin-1 has no bytes for it"
        );
        let message = encode("\u{85}", Encoding::Ascii).unwrap_err().to_string();
        assert!(
            message.contains("cannot encode U+0085 at position 0"),
            "{message}"
        );
    }

    #[test]
    fn encode_chars_joins_to_encode() {
        for encoding in Encoding::ALL {
            let text = "Hi 你";
            let Ok(pieces) = encode_chars(text, encoding) else {
                continue;
            };
            let mut joined = encoding.bom().to_vec();
            for (_, piece) in &pieces {
                joined.extend_from_slice(piece);
            }
            assert_eq!(joined, encode(text, encoding).unwrap(), "{encoding}");
        }
        let pieces = encode_chars("你", Encoding::Utf16).unwrap();
        assert_eq!(pieces, vec![('你', vec![0x60, 0x4f])]);
    }

    #[test]
    fn bad_bytes_are_located() {
        // 你好 in UTF-8 with its second byte broken.
        let broken = decode(&bytes("e4 41 a0 e5 a5 bd"), Encoding::Utf8);
        assert_eq!(broken.text, "\u{fffd}A\u{fffd}好");
        assert_eq!(
            broken.errors,
            vec![
                BadBytes {
                    offset: 0,
                    bytes: vec![0xe4]
                },
                BadBytes {
                    offset: 2,
                    bytes: vec![0xa0]
                },
            ]
        );
        // A truncated character at the end.
        let cut = decode(&bytes("e4 bd a0 e5 a5"), Encoding::Utf8);
        assert_eq!(cut.text, "你\u{fffd}");
        assert_eq!(
            cut.errors,
            vec![BadBytes {
                offset: 3,
                bytes: vec![0xe5, 0xa5]
            }]
        );
        // GBK: a lead byte at the end.
        let gbk = decode(&bytes("c4 e3 ba"), Encoding::Gbk);
        assert_eq!(gbk.text, "你\u{fffd}");
        assert_eq!(
            gbk.errors,
            vec![BadBytes {
                offset: 2,
                bytes: vec![0xba]
            }]
        );
        // GBK: a lead byte followed by a byte that cannot be a second byte (a space):
        // the space survives.
        let gbk = decode(&bytes("c4 20 42"), Encoding::Gbk);
        assert_eq!(gbk.text, "\u{fffd} B");
        assert_eq!(
            gbk.errors,
            vec![BadBytes {
                offset: 0,
                bytes: vec![0xc4]
            }]
        );
        // Shift_JIS: 0xff is neither a character nor a lead byte.
        let sjis = decode(&bytes("41 ff 42"), Encoding::ShiftJis);
        assert_eq!(sjis.text, "A\u{fffd}B");
        assert_eq!(
            sjis.errors,
            vec![BadBytes {
                offset: 1,
                bytes: vec![0xff]
            }]
        );
        // ASCII: every high byte on its own.
        let ascii = decode(&bytes("41 e4 bd"), Encoding::Ascii);
        assert_eq!(ascii.text, "A\u{fffd}\u{fffd}");
        assert_eq!(
            ascii.errors,
            vec![
                BadBytes {
                    offset: 1,
                    bytes: vec![0xe4]
                },
                BadBytes {
                    offset: 2,
                    bytes: vec![0xbd]
                }
            ]
        );
        // UTF-16: an odd byte at the end and a lone surrogate.
        let odd = decode(&bytes("41 00 42"), Encoding::Utf16Le);
        assert_eq!(odd.text, "A\u{fffd}");
        assert_eq!(
            odd.errors,
            vec![BadBytes {
                offset: 2,
                bytes: vec![0x42]
            }]
        );
        let lone = decode(&bytes("00 d8 41 00"), Encoding::Utf16Le);
        assert_eq!(lone.text, "\u{fffd}A");
        assert_eq!(
            lone.errors,
            vec![BadBytes {
                offset: 0,
                bytes: vec![0x00, 0xd8]
            }]
        );
        // Offsets after a BOM count the BOM.
        let after_bom = decode(&bytes("ff fe 41 00 00 dc"), Encoding::Utf16);
        assert_eq!(after_bom.text, "A\u{fffd}");
        assert_eq!(
            after_bom.errors,
            vec![BadBytes {
                offset: 4,
                bytes: vec![0x00, 0xdc]
            }]
        );
    }

    #[test]
    fn strict_decoding() {
        assert_eq!(decode_strict(b"\xc4\xe3", Encoding::Gbk).unwrap(), "你");
        let err = decode_strict(b"\xc4\xe3\xba\xc3", Encoding::Utf8).unwrap_err();
        assert_eq!(err.offset, 0);
        assert_eq!(err.bytes, vec![0xc4]);
        assert_eq!(err.more, 2);
        assert_eq!(
            err.to_string(),
            "'utf-8' cannot decode c4 at offset 0 (and 2 more bad sequences)"
        );
    }

    #[test]
    fn byte_order_marks() {
        // utf-8 keeps the BOM as U+FEFF, as Python's 'utf-8' does; utf-8-sig removes it.
        assert_eq!(decode(b"\xef\xbb\xbfhi", Encoding::Utf8).text, "\u{feff}hi");
        assert_eq!(decode(b"\xef\xbb\xbfhi", Encoding::Utf8Sig).text, "hi");
        assert_eq!(decode(b"hi", Encoding::Utf8Sig).text, "hi");
        assert_eq!(decode(b"\xef\xbb", Encoding::Utf8Sig).errors.len(), 1);
        assert_eq!(decode(b"", Encoding::Utf8Sig).text, "");
        // utf-16: the BOM picks the order and is removed; none means little-endian.
        assert_eq!(decode(b"\xff\xfeA\x00", Encoding::Utf16).text, "A");
        assert_eq!(decode(b"\xfe\xff\x00A", Encoding::Utf16).text, "A");
        assert_eq!(decode(b"A\x00", Encoding::Utf16).text, "A");
        assert_eq!(decode(b"\xff\xfe", Encoding::Utf16).text, "");
        assert_eq!(
            decode(b"A", Encoding::Utf16).errors,
            vec![BadBytes {
                offset: 0,
                bytes: vec![0x41]
            }]
        );
        // utf-16le keeps it.
        assert_eq!(
            decode(b"\xff\xfeA\x00", Encoding::Utf16Le).text,
            "\u{feff}A"
        );
        // A UTF-8 BOM does not turn a GBK decoder into a UTF-8 one.
        assert_ne!(
            decode(b"\xef\xbb\xbf\xe4\xbd\xa0", Encoding::Gbk).text,
            "你"
        );
    }

    #[test]
    fn stream_decoder_joins_split_characters() {
        let data = encode("你好, world", Encoding::Gbk).unwrap();
        for split in 0..=data.len() {
            let mut decoder = StreamDecoder::new(Encoding::Gbk);
            let mut out = decoder.push(&data[..split]);
            out.append(decoder.push(&data[split..]));
            out.append(decoder.finish());
            assert_eq!(out.text, "你好, world", "split at {split}");
            assert!(out.is_clean());
        }
        // A bad run that straddles two pieces is still reported with its bytes.
        let mut decoder = StreamDecoder::new(Encoding::Utf8);
        let mut out = decoder.push(b"ab\xe4\xbd");
        out.append(decoder.push(b"Z"));
        out.append(decoder.finish());
        assert_eq!(out.text, "ab\u{fffd}Z");
        assert_eq!(
            out.errors,
            vec![BadBytes {
                offset: 2,
                bytes: vec![0xe4, 0xbd]
            }]
        );
        // utf-16 BOM split over two pieces.
        let mut decoder = StreamDecoder::new(Encoding::Utf16);
        assert_eq!(decoder.push(b"\xfe").text, "");
        assert_eq!(decoder.push(b"\xff\x00A").text, "A");
        assert!(decoder.finish().is_clean());
    }

    #[test]
    fn mojibake_and_back() {
        let (written, seen) = mojibake("你好", Encoding::Gbk, Encoding::Utf8).unwrap();
        assert_eq!(written, b"\xc4\xe3\xba\xc3");
        assert_eq!(seen.text, "\u{fffd}\u{fffd}\u{fffd}");
        assert_eq!(seen.errors.len(), 3);
        // U+FFFD can be written in UTF-8, but the original bytes are gone.
        let back = unmojibake(&seen.text, Encoding::Utf8, Encoding::Gbk).unwrap();
        assert_ne!(back.text, "你好");

        let (_, seen) = mojibake("你好", Encoding::Utf8, Encoding::Gbk).unwrap();
        assert_eq!(seen.text, "浣犲ソ");
        assert_eq!(
            unmojibake("浣犲ソ", Encoding::Gbk, Encoding::Utf8)
                .unwrap()
                .text,
            "你好"
        );

        // Latin-1 loses nothing: the classic "ä½ å¥½".
        let (_, seen) = mojibake("你好", Encoding::Utf8, Encoding::Latin1).unwrap();
        assert_eq!(seen.text, "ä½\u{a0}å¥½");
        assert_eq!(
            unmojibake(&seen.text, Encoding::Latin1, Encoding::Utf8)
                .unwrap()
                .text,
            "你好"
        );

        assert!(mojibake("😀", Encoding::Gbk, Encoding::Utf8).is_err());
    }

    #[test]
    fn lookup_names() {
        assert_eq!(enc("UTF-8"), Encoding::Utf8);
        assert_eq!(enc("utf_8"), Encoding::Utf8);
        assert_eq!(enc("utf8"), Encoding::Utf8);
        assert_eq!(enc(" gbk "), Encoding::Gbk);
        assert_eq!(enc("GB2312"), Encoding::Gbk);
        assert_eq!(enc("cp936"), Encoding::Gbk);
        assert_eq!(enc("gb18030"), Encoding::Gb18030);
        assert_eq!(enc("Big5"), Encoding::Big5);
        assert_eq!(enc("Shift_JIS"), Encoding::ShiftJis);
        assert_eq!(enc("sjis"), Encoding::ShiftJis);
        assert_eq!(enc("EUC-KR"), Encoding::EucKr);
        assert_eq!(enc("utf-16"), Encoding::Utf16);
        assert_eq!(enc("UTF-16LE"), Encoding::Utf16Le);
        assert_eq!(enc("utf-16-be"), Encoding::Utf16Be);
        assert_eq!(enc("latin1"), Encoding::Latin1);
        assert_eq!(enc("ISO-8859-1"), Encoding::Latin1);
        assert_eq!(enc("cp1252"), Encoding::Windows1252);
        assert_eq!(enc("ascii"), Encoding::Ascii);
        for encoding in Encoding::ALL {
            for label in encoding.labels() {
                assert_eq!(enc(label), encoding, "{label}");
            }
            assert_eq!(enc(&encoding.to_string()), encoding);
            assert!(!encoding.note().is_empty());
        }
    }

    #[test]
    fn unknown_encoding() {
        let err = lookup("utf-7").unwrap_err();
        assert_eq!(
            err,
            TextError::UnknownEncoding {
                name: "utf-7".into()
            }
        );
        let message = err.to_string();
        assert!(
            message.starts_with("unknown encoding 'utf-7': supported are utf-8, "),
            "{message}"
        );
        for encoding in Encoding::ALL {
            assert!(message.contains(encoding.name()), "{message}");
        }
        assert!(lookup("").is_err());
        assert!("nope".parse::<Encoding>().is_err());
    }

    #[test]
    fn hex_forms() {
        let you = vec![0xe4, 0xbd, 0xa0];
        for form in [
            "e4 bd a0",
            "e4bda0",
            "E4:BD:A0",
            "e4-bd-a0",
            "e4,bd,a0",
            "  e4  bd\ta0\n",
            "0xe4 0xbd 0xa0",
            "0XE4, 0XBD, 0XA0",
            "0xe4bda0",
            r"\xe4\xbd\xa0",
            r"\xe4 \xbd \xa0",
            r"b'\xe4\xbd\xa0'",
            r#"b"\xe4\xbd\xa0""#,
            r"B'\xE4\xBD\xA0'",
        ] {
            assert_eq!(parse_hex(form), Ok(you.clone()), "{form}");
        }
        assert_eq!(parse_hex(""), Ok(vec![]));
        assert_eq!(parse_hex("b''"), Ok(vec![]));
        assert_eq!(parse_hex("0x5 0xa"), Ok(vec![5, 10]));
        assert_eq!(
            parse_hex(r#"b'a\tb\n\r\\\'\"\x00'"#),
            Ok(b"a\tb\n\r\\'\"\x00".to_vec())
        );
        assert_eq!(parse_hex(r#"b"it's""#), Ok(b"it's".to_vec()));
        assert_eq!(
            parse_hex(r"b'\a\b\f\v\0\101\377'"),
            Ok(b"\x07\x08\x0c\x0b\x00A\xff".to_vec())
        );
        assert_eq!(parse_hex(r"b'\q'"), Ok(b"\\q".to_vec()));
    }

    #[test]
    fn hex_errors() {
        assert_eq!(
            parse_hex("e4b"),
            Err(TextError::OddHexDigits {
                token: "e4b".into(),
                position: 0,
                digits: 3
            })
        );
        assert_eq!(
            parse_hex("e4 b a0"),
            Err(TextError::OddHexDigits {
                token: "b".into(),
                position: 3,
                digits: 1
            })
        );
        assert_eq!(
            parse_hex("0x"),
            Err(TextError::OddHexDigits {
                token: "0x".into(),
                position: 0,
                digits: 0
            })
        );
        assert_eq!(
            parse_hex("0x123"),
            Err(TextError::OddHexDigits {
                token: "0x123".into(),
                position: 0,
                digits: 3
            })
        );
        assert_eq!(
            parse_hex("e4 zz"),
            Err(TextError::BadHexDigit {
                ch: 'z',
                position: 3
            })
        );
        assert_eq!(
            parse_hex(" 你好"),
            Err(TextError::BadHexDigit {
                ch: '你',
                position: 1
            })
        );
        assert_eq!(
            parse_hex("e4;bd"),
            Err(TextError::BadHexDigit {
                ch: ';',
                position: 2
            })
        );
        assert_eq!(
            parse_hex(r"\xe4\xb"),
            Err(TextError::BadEscapeForm { position: 4 })
        );
        assert_eq!(
            parse_hex(r"\xe4 bd"),
            Err(TextError::BadEscapeForm { position: 5 })
        );
        assert_eq!(
            parse_hex(r"\n"),
            Err(TextError::BadEscapeForm { position: 0 })
        );
        assert!(matches!(
            parse_hex("b'abc"),
            Err(TextError::BadLiteral { position: 5, .. })
        ));
        assert!(matches!(parse_hex("b'"), Err(TextError::BadLiteral { .. })));
        assert!(matches!(
            parse_hex("b'a'b'"),
            Err(TextError::BadLiteral { position: 3, .. })
        ));
        assert!(matches!(
            parse_hex("b'你'"),
            Err(TextError::BadLiteral { position: 2, .. })
        ));
        assert!(matches!(
            parse_hex(r"b'\x4'"),
            Err(TextError::BadLiteral { position: 2, .. })
        ));
        assert!(matches!(
            parse_hex(r"b'\400'"),
            Err(TextError::BadLiteral { .. })
        ));
        assert!(matches!(
            parse_hex(r"b'\'"),
            Err(TextError::BadLiteral { .. })
        ));
        let message = parse_hex("e4b").unwrap_err().to_string();
        assert!(
            message.contains("odd number of hex digits (3)"),
            "{message}"
        );
    }

    #[test]
    fn python_repr_examples() {
        // Checked against CPython 3.11's print(bytes(range(256))) and friends.
        assert_eq!(python_bytes_repr(b""), "b''");
        assert_eq!(python_bytes_repr(b"it's"), r#"b"it's""#);
        assert_eq!(python_bytes_repr(br#"say "hi""#), r#"b'say "hi"'"#);
        assert_eq!(python_bytes_repr(br#"both ' and ""#), r#"b'both \' and "'"#);
        assert_eq!(
            python_bytes_repr(b"\x00\t\n\r\\\x7f\x80 ~"),
            r"b'\x00\t\n\r\\\x7f\x80 ~'"
        );
        let every_byte: Vec<u8> = (0..=255).collect();
        let repr = python_bytes_repr(&every_byte);
        assert!(repr.starts_with(r"b'\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e"));
        assert!(repr.contains(r##" !"#$%&\'()*+,-./0123456789:;<=>?@ABC"##));
        assert!(repr.contains(r"Z[\\]^_`abc"));
        assert!(repr.ends_with(r"|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff'"));
    }

    /// A second, independent description of CPython's bytes repr, byte by byte.
    fn repr_model(bytes: &[u8]) -> String {
        let has_single = bytes.contains(&b'\'');
        let has_double = bytes.contains(&b'"');
        let quote = if has_single && !has_double { '"' } else { '\'' };
        let body: String = bytes
            .iter()
            .map(|&b| match b {
                b'\\' => "\\\\".to_string(),
                b'\t' => "\\t".to_string(),
                b'\n' => "\\n".to_string(),
                b'\r' => "\\r".to_string(),
                b'\'' if quote == '\'' => "\\'".to_string(),
                b' '..=b'~' => (b as char).to_string(),
                _ => format!("\\x{b:02x}"),
            })
            .collect();
        format!("b{quote}{body}{quote}")
    }

    /// Whether `ch` comes back from GB18030 unchanged (see [`Encoding::note`]).
    fn gb18030_round_trips(ch: char) -> bool {
        !matches!(
            ch,
            '\u{e5e5}' | '\u{e78d}'
                ..='\u{e796}'
                    | '\u{e81e}'
                    | '\u{e826}'
                    | '\u{e82b}'
                    | '\u{e82c}'
                    | '\u{e832}'
                    | '\u{e843}'
                    | '\u{e854}'
                    | '\u{e864}'
        )
    }

    fn any_encoding() -> impl Strategy<Value = Encoding> {
        proptest::sample::select(Encoding::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn unicode_encodings_round_trip(text in any::<String>()) {
            // GB18030 has 19 private-use exceptions; this keeps them out of its text.
            let text_gb: String = text.chars().filter(|&c| gb18030_round_trips(c)).collect();
            let encoded = encode(&text_gb, Encoding::Gb18030);
            prop_assert!(encoded.is_ok(), "gb18030 failed: {:?}", encoded);
            prop_assert_eq!(decode(&encoded.unwrap_or_default(), Encoding::Gb18030).text, text_gb);
            for encoding in [
                Encoding::Utf8,
                Encoding::Utf8Sig,
                Encoding::Utf16,
                Encoding::Utf16Le,
                Encoding::Utf16Be,
            ] {
                let encoded = encode(&text, encoding);
                prop_assert!(encoded.is_ok(), "{} failed: {:?}", encoding, encoded);
                let decoded = decode(&encoded.unwrap_or_default(), encoding);
                prop_assert!(decoded.is_clean());
                prop_assert_eq!(&decoded.text, &text, "{}", encoding);
            }
        }

        #[test]
        fn legacy_encodings_round_trip_what_they_can_encode(
            text in any::<String>(),
            encoding in any_encoding(),
        ) {
            // Leave out the few characters documented not to come back (Encoding::note).
            let text: String = text
                .chars()
                .filter(|&c| match encoding {
                    Encoding::Gbk | Encoding::Gb18030 => gb18030_round_trips(c),
                    Encoding::ShiftJis => !matches!(c, '\u{a5}' | '\u{203e}' | '\u{2212}'),
                    _ => true,
                })
                .collect();
            match encode(&text, encoding) {
                Ok(encoded) => {
                    let decoded = decode(&encoded, encoding);
                    prop_assert!(decoded.is_clean());
                    prop_assert_eq!(decoded.text, text);
                }
                Err(EncodeError::Unencodable { ch, index, encoding: e }) => {
                    prop_assert_eq!(e, encoding);
                    prop_assert_eq!(text.chars().nth(index), Some(ch));
                    // Everything before it was encodable.
                    let before: String = text.chars().take(index).collect();
                    prop_assert!(encode(&before, encoding).is_ok());
                }
            }
        }

        #[test]
        fn decode_never_panics_and_reports_real_bytes(
            data in proptest::collection::vec(any::<u8>(), 0..64),
            encoding in any_encoding(),
        ) {
            let decoded = decode(&data, encoding);
            let replacements = decoded.text.chars().filter(|&c| c == '\u{fffd}').count();
            prop_assert!(replacements >= decoded.errors.len());
            let mut next_free = 0;
            for bad in &decoded.errors {
                prop_assert!(!bad.bytes.is_empty() && bad.bytes.len() <= 4);
                prop_assert!(bad.offset >= next_free, "overlapping or unordered errors");
                prop_assert_eq!(&data[bad.offset..bad.offset + bad.bytes.len()], &bad.bytes[..]);
                next_free = bad.offset + bad.bytes.len();
            }
            prop_assert_eq!(decode_strict(&data, encoding).is_ok(), decoded.is_clean());
        }

        #[test]
        fn stream_decoding_matches_one_shot(
            data in proptest::collection::vec(any::<u8>(), 0..48),
            cuts in proptest::collection::vec(0usize..48, 0..6),
            encoding in any_encoding(),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut decoder = StreamDecoder::new(encoding);
            let mut streamed = Decoded::default();
            let mut from = 0;
            for cut in cuts {
                streamed.append(decoder.push(&data[from..cut]));
                from = cut;
            }
            streamed.append(decoder.push(&data[from..]));
            streamed.append(decoder.finish());
            prop_assert_eq!(streamed, decode(&data, encoding));
        }

        #[test]
        fn python_repr_matches_the_model(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            let repr = python_bytes_repr(&data);
            prop_assert_eq!(&repr, &repr_model(&data));
            prop_assert!(repr.bytes().all(|b| (0x20..0x7f).contains(&b)));
            // And what Python prints reads back as the same bytes.
            prop_assert_eq!(parse_hex(&repr), Ok(data));
        }

        #[test]
        fn hex_forms_round_trip(data in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(parse_hex(&to_hex(&data)), Ok(data.clone()));
            prop_assert_eq!(parse_hex(&to_hex(&data).replace(' ', "")), Ok(data.clone()));
            prop_assert_eq!(parse_hex(&to_hex(&data).to_uppercase().replace(' ', ":")), Ok(data.clone()));
            let escaped: String = data.iter().map(|b| format!("\\x{b:02x}")).collect();
            prop_assert_eq!(parse_hex(&escaped), Ok(data.clone()));
            let prefixed: Vec<String> = data.iter().map(|b| format!("0x{b:02x}")).collect();
            prop_assert_eq!(parse_hex(&prefixed.join(", ")), Ok(data));
        }

        #[test]
        fn parse_hex_never_panics(s in any::<String>()) {
            let _ = parse_hex(&s);
        }

        #[test]
        fn parse_hex_never_panics_on_likely_text(s in r#"[bB]?['"]?[0-9a-fA-FxX\\ '":,\-]{0,24}['"]?"#) {
            let _ = parse_hex(&s);
        }

        #[test]
        fn lookup_never_panics(s in any::<String>()) {
            let _ = lookup(&s);
        }
    }
}
