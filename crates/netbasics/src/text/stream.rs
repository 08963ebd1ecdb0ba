//! Decoding a stream that arrives in pieces, as from `recv(1024)`.

use super::encoding::{UTF16BE_BOM, UTF16LE_BOM, UTF8_BOM};
use encoding_rs::DecoderResult;

use super::{BadBytes, Decoded, Encoding};

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
    pub(super) fn finish_with(mut self, bytes: &[u8]) -> Decoded {
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
