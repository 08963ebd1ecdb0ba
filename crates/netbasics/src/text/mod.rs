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
//! - [`TextStream`] and [`TextView`]: what a program shows of the bytes it received,
//!   piece by piece: text as text, a character cut between two reads joined, bytes that
//!   are not text as `\xNN`, never a panic; [`escape_text`] and [`needs_escape`]: the one
//!   rule for which characters are shown as escapes (control characters, and the
//!   [`invisible`] ones that make a line look other than it is).
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
//!
//! # Files
//!
//! - `encoding.rs`: [`Encoding`], [`lookup`] and the names Python knows them by.
//! - `codec.rs`: [`encode`], [`decode`], [`mojibake`]: whole texts.
//! - `stream.rs`: [`StreamDecoder`]: a stream that arrives in pieces.
//! - [`runs`]: [`TextStream`]: the text and the non-text bytes of each piece.
//! - [`show`]: [`TextView`] and [`preview`]: one printable line per piece; [`escape_text`].
//! - [`invisible`]: the format characters (Unicode Cf) and the line and paragraph
//!   separators, as a table.
//! - `hex.rs`: bytes written as hex, `\xNN` escapes and Python bytes literals.

mod codec;
mod encoding;
mod hex;
pub mod invisible;
pub mod runs;
pub mod show;
mod stream;

pub use codec::{
    decode, decode_strict, encode, encode_chars, mojibake, unmojibake, BadBytes, DecodeError,
    Decoded, EncodeError,
};
pub use encoding::{lookup, Encoding, TextError};
pub use hex::{parse_hex, python_bytes_repr, to_hex};
pub use runs::{Run, TextStream};
pub use show::{escape_text, needs_escape, preview, TextView};
pub use stream::StreamDecoder;

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests;
