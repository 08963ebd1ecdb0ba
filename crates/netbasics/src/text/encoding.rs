//! The encodings the course meets, by the names Python gives them.

use std::fmt;
use std::str::FromStr;

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

    /// The byte order mark [`encode`](super::encode) writes first: `ef bb bf` for `utf-8-sig`,
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
    pub(super) fn whatwg(self) -> Option<&'static encoding_rs::Encoding> {
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
    pub(super) fn body(self) -> Encoding {
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

pub(super) const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
pub(super) const UTF16LE_BOM: [u8; 2] = [0xff, 0xfe];
pub(super) const UTF16BE_BOM: [u8; 2] = [0xfe, 0xff];

/// Errors of [`lookup`] and [`parse_hex`](super::parse_hex).
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
