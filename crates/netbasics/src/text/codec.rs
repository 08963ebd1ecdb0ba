//! Whole texts: encode (`str.encode`), decode (`bytes.decode`) and mojibake (乱码).

use encoding_rs::EncoderResult;

use super::{needs_escape, to_hex, Encoding, StreamDecoder};

/// Shows a character in an error message: `'€' (U+20AC)`, or just `U+0085` for an
/// invisible one (one that [`needs_escape`], or a space other than ' ').
fn describe_char(ch: char) -> String {
    if needs_escape(ch) || ch.is_whitespace() && ch != ' ' {
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
