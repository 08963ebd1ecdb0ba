//! The chunked transfer coding (RFC 9112 §7.1): a body of unknown length, sent as it is
//! made.
//!
//! ```text
//! 5\r\n            a chunk's size, in hexadecimal (optionally ";name=value" extensions)
//! hello\r\n        that many bytes, and CRLF
//! 0\r\n            the last chunk: size 0
//! Trailer: x\r\n   optional trailer fields
//! \r\n             an empty line: the body ends
//! ```
//!
//! [`ChunkedDecoder`] is a state machine fed bytes as they arrive, however the stream
//! cuts them: it remembers where it is between calls (in a size, in a chunk's data, in
//! the trailer), appends the body's bytes to the caller's buffer, and says when the body
//! has ended and how many of the last bytes it was given belong to it.
//!
//! Everything from the wire is bounded: a chunk size is checked against the body limit
//! before its data is read, an overflowing size is an error rather than a wrapped number
//! (RFC 9112 §7.1 warns of exactly that), and chunk extensions and the trailer have limits
//! of their own. The lines of a chunked body must end with CRLF: the bare LF tolerated in
//! the head ([`crate::request`]) is refused here, where parsers that disagree on a line's
//! end have been used to smuggle requests.

use crate::headers::is_field_byte;
use crate::request::{Limits, RequestError};

/// The most bytes of chunk extensions in one body (RFC 9112 §7.1.1 asks a server to limit
/// them); they are skipped, not kept.
pub const MAX_CHUNK_EXTENSIONS: usize = 4 * 1024;

/// More hex digits than this in a size (leading zeros included) is refused.
const MAX_SIZE_DIGITS: usize = 32;

/// What a call to [`ChunkedDecoder::decode`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// All the input was used and the body goes on: feed more.
    NeedMore,
    /// The body ended after the first `used` bytes of the input; the rest is not the body
    /// (the next request, with pipelining).
    Done {
        /// How many bytes of this input the body took.
        used: usize,
    },
}

/// Where the decoder is in the chunked body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a chunk size's hex digits.
    Size {
        size: u64,
        digits: usize,
    },
    /// After the digits: whitespace before a `;`, or the CR.
    AfterSize {
        size: u64,
    },
    /// Skipping extensions until the CR.
    Extension {
        size: u64,
    },
    /// The CR of a size line was seen; the LF must follow.
    SizeLf {
        size: u64,
    },
    /// Inside a chunk's data.
    Data {
        remaining: u64,
    },
    /// The data ended; CR then LF must follow.
    DataCr,
    DataLf,
    /// At the start of a trailer line, or of the final empty line.
    TrailerStart,
    /// Inside a trailer line.
    TrailerLine,
    /// The CR of a trailer line was seen (`last`: of the final empty line).
    TrailerLf {
        last: bool,
    },
    /// The body has ended.
    Done,
}

/// Decodes a chunked body fed in pieces.
///
/// # Examples
///
/// ```
/// use mini_http::body::{ChunkedDecoder, Decoded};
/// use mini_http::request::Limits;
///
/// let mut decoder = ChunkedDecoder::new(&Limits::default());
/// let mut body = Vec::new();
/// // The stream may cut anywhere: here inside the data of the first chunk.
/// assert_eq!(decoder.decode(b"5;note=x\r\nhel", &mut body)?, Decoded::NeedMore);
/// assert_eq!(
///     decoder.decode(b"lo\r\n6\r\n world\r\n0\r\n\r\nGET /next", &mut body)?,
///     Decoded::Done { used: 20 }
/// );
/// assert_eq!(body, b"hello world");
/// # Ok::<(), mini_http::request::RequestError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// Body bytes decoded so far, against `max_body`.
    decoded: u64,
    max_body: u64,
    /// Extension bytes so far, against [`MAX_CHUNK_EXTENSIONS`].
    extensions: usize,
    /// Trailer bytes and lines so far, against the head's limits.
    trailer_bytes: usize,
    trailer_lines: usize,
    max_trailer_bytes: usize,
    max_trailer_lines: usize,
}

impl ChunkedDecoder {
    /// A decoder at the start of a body, with the body and trailer limits of `limits`
    /// (the trailer is held to the head's: `max_head` bytes, `max_fields` lines).
    pub fn new(limits: &Limits) -> ChunkedDecoder {
        ChunkedDecoder {
            state: State::Size { size: 0, digits: 0 },
            decoded: 0,
            max_body: limits.max_body,
            extensions: 0,
            trailer_bytes: 0,
            trailer_lines: 0,
            max_trailer_bytes: limits.max_head,
            max_trailer_lines: limits.max_fields,
        }
    }

    /// How many body bytes have been decoded.
    pub fn decoded_len(&self) -> u64 {
        self.decoded
    }

    /// Whether the body has ended.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Decodes what it can of `input`, appending the body's bytes to `body`.
    ///
    /// # Errors
    ///
    /// The rule the body breaks (a [`RequestError`] with its status: 400 for malformed
    /// chunks, 413 for a body over the limit, 431 for a trailer over it). The decoder is
    /// of no further use after an error: the connection must close.
    pub fn decode(&mut self, input: &[u8], body: &mut Vec<u8>) -> Result<Decoded, RequestError> {
        let mut pos = 0;
        while pos < input.len() {
            if let State::Data { remaining } = self.state {
                // The bulk of the work: copy as much of this chunk as is here.
                let available = input.len() - pos;
                let take = usize::try_from(remaining).map_or(available, |r| r.min(available));
                body.extend_from_slice(&input[pos..pos + take]);
                pos += take;
                self.decoded += take as u64;
                let remaining = remaining - take as u64;
                self.state = if remaining == 0 {
                    State::DataCr
                } else {
                    State::Data { remaining }
                };
                continue;
            }
            if self.state == State::Done {
                break;
            }
            self.state = self.step(input[pos])?;
            pos += 1;
        }
        Ok(match self.state {
            State::Done => Decoded::Done { used: pos },
            _ => Decoded::NeedMore,
        })
    }

    /// The state after one byte `b` of a size line, a CRLF or the trailer.
    fn step(&mut self, b: u8) -> Result<State, RequestError> {
        Ok(match (self.state, b) {
            // chunk-size = 1*HEXDIG
            (State::Size { size, digits }, _) if b.is_ascii_hexdigit() => {
                if digits == MAX_SIZE_DIGITS {
                    return Err(RequestError::InvalidChunkSize);
                }
                let digit = u64::from(hex_value(b));
                let size = size
                    .checked_mul(16)
                    .and_then(|s| s.checked_add(digit))
                    .ok_or(RequestError::ChunkSizeOverflow)?;
                State::Size {
                    size,
                    digits: digits + 1,
                }
            }
            (State::Size { digits: 0, .. }, _) => return Err(RequestError::InvalidChunkSize),
            (State::Size { size, .. }, _) => {
                // The size is known: refuse it now if the body would outgrow the limit.
                if size > self.max_body - self.decoded {
                    return Err(RequestError::BodyTooLarge { max: self.max_body });
                }
                self.after_size(size, b)?
            }
            // `5 \r\n`: whitespace after a size may only lead to an extension.
            (State::AfterSize { .. }, b'\r') => return Err(RequestError::InvalidChunkExtension),
            (State::AfterSize { size }, _) => self.after_size(size, b)?,
            // chunk-ext: skipped (RFC 9112 §7.1.1: unknown extensions are ignored), but
            // counted, and free of control characters.
            (State::Extension { size }, b'\r') => State::SizeLf { size },
            (State::Extension { size }, _) if is_field_byte(b) => {
                self.count_extension()?;
                State::Extension { size }
            }
            (State::Extension { .. }, b'\n') => return Err(RequestError::ChunkLineEnding),
            (State::Extension { .. }, _) => return Err(RequestError::InvalidChunkExtension),
            (State::SizeLf { size: 0 }, b'\n') => State::TrailerStart,
            (State::SizeLf { size }, b'\n') => State::Data { remaining: size },
            (State::SizeLf { .. }, _) => return Err(RequestError::ChunkLineEnding),
            // chunk-data CRLF
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataLf, b'\n') => State::Size { size: 0, digits: 0 },
            (State::DataCr | State::DataLf, _) => return Err(RequestError::ChunkNotTerminated),
            // trailer-section CRLF (RFC 9112 §7.1.2): the lines are skipped, not kept.
            (State::TrailerStart, b'\r') => {
                self.count_trailer()?;
                State::TrailerLf { last: true }
            }
            (State::TrailerStart, _) if b != b' ' && b != b'\t' && is_field_byte(b) => {
                self.trailer_lines += 1;
                if self.trailer_lines > self.max_trailer_lines {
                    return Err(RequestError::TooManyHeaders {
                        max: self.max_trailer_lines,
                    });
                }
                self.count_trailer()?;
                State::TrailerLine
            }
            (State::TrailerLine, b'\r') => {
                self.count_trailer()?;
                State::TrailerLf { last: false }
            }
            (State::TrailerLine, _) if is_field_byte(b) => {
                self.count_trailer()?;
                State::TrailerLine
            }
            (State::TrailerLf { last: true }, b'\n') => State::Done,
            (State::TrailerLf { last: false }, b'\n') => {
                self.count_trailer()?;
                State::TrailerStart
            }
            (State::TrailerStart | State::TrailerLine | State::TrailerLf { .. }, _) => {
                return Err(RequestError::InvalidTrailer)
            }
            // `decode` handles these two itself.
            (State::Data { .. } | State::Done, _) => self.state,
        })
    }

    /// After a size's digits: `BWS ";"` starts the extensions, CR ends the line.
    fn after_size(&mut self, size: u64, b: u8) -> Result<State, RequestError> {
        match b {
            b'\r' => Ok(State::SizeLf { size }),
            b';' => {
                self.count_extension()?;
                Ok(State::Extension { size })
            }
            b' ' | b'\t' => {
                self.count_extension()?;
                Ok(State::AfterSize { size })
            }
            b'\n' => Err(RequestError::ChunkLineEnding),
            // `0x10`, `1 2`, `5x`: not a size, and not an extension.
            _ => Err(RequestError::InvalidChunkSize),
        }
    }

    fn count_extension(&mut self) -> Result<(), RequestError> {
        self.extensions += 1;
        if self.extensions > MAX_CHUNK_EXTENSIONS {
            return Err(RequestError::ChunkExtensionsTooLong {
                max: MAX_CHUNK_EXTENSIONS,
            });
        }
        Ok(())
    }

    fn count_trailer(&mut self) -> Result<(), RequestError> {
        self.trailer_bytes += 1;
        if self.trailer_bytes > self.max_trailer_bytes {
            return Err(RequestError::TrailerTooLarge {
                max: self.max_trailer_bytes,
            });
        }
        Ok(())
    }
}

/// The value of a hex digit already checked to be one.
fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}
