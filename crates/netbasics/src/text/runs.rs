//! Finding the text in a byte stream that arrives in pieces.
//!
//! TCP delivers bytes, in pieces of whatever size the network and the kernel make (the
//! course's `recv(1024)` returns anything from 1 to 1024 bytes). A character that takes
//! several bytes (3 in UTF-8 for 你, 2 in GBK) may be cut between two pieces, and a peer
//! may send bytes that are not text at all. [`TextStream`] splits each piece into
//! [`Run`]s: text, with the exact bytes it came from, and bytes that are not text in the
//! encoding. A character cut at the end of a piece is kept until the next piece
//! completes it.
//!
//! Both the server's `--upper` reply and the programs' display of what arrived are built
//! on it: `--upper` changes the text runs and sends every other byte back as it came;
//! the display shows the text and writes the other bytes as `\xNN`.

use super::{decode, Encoding, StreamDecoder};

/// A run of bytes from the stream: text, or bytes that are not text in the encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// Bytes that decode cleanly, and the text they decode to.
    Text {
        /// The decoded text.
        text: String,
        /// The bytes exactly as they arrived.
        bytes: Vec<u8>,
    },
    /// Bytes that are not valid in the encoding (one bad sequence: 1 to 4 bytes), or an
    /// unfinished character at the very end of the stream.
    Bad(Vec<u8>),
}

impl Run {
    /// The bytes of this run, exactly as they arrived.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Run::Text { bytes, .. } | Run::Bad(bytes) => bytes,
        }
    }
}

/// Splits a byte stream into runs of text and of bad bytes, piece by piece.
///
/// # Examples
///
/// ```
/// use netbasics::text::{Encoding, Run, TextStream};
///
/// let mut stream = TextStream::new(Encoding::Utf8);
/// // "你好" (e4 bd a0 e5 a5 bd) arriving cut in the middle of 好, then a bad byte.
/// let first = stream.push(b"\xe4\xbd\xa0\xe5");
/// assert_eq!(first, vec![Run::Text { text: "你".into(), bytes: b"\xe4\xbd\xa0".to_vec() }]);
/// let second = stream.push(b"\xa5\xbd\xff");
/// assert_eq!(second, vec![
///     Run::Text { text: "好".into(), bytes: b"\xe5\xa5\xbd".to_vec() },
///     Run::Bad(vec![0xff]),
/// ]);
/// assert!(stream.finish().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct TextStream {
    /// The encoding without a byte order mark of its own (see [`TextStream::new`]).
    encoding: Encoding,
    /// The start of a character whose other bytes have not arrived yet (at most 3 bytes).
    pending: Vec<u8>,
}

impl TextStream {
    /// A stream at its start, in `encoding`.
    ///
    /// `utf-16` is read as `utf-16le` and `utf-8-sig` as `utf-8`: a piece of a stream
    /// has no byte order mark of its own, so a mark at the start of the stream is kept as
    /// the character U+FEFF (and sent back unchanged by `--upper`).
    pub fn new(encoding: Encoding) -> Self {
        TextStream {
            encoding: without_bom(encoding),
            pending: Vec::new(),
        }
    }

    /// The encoding the bytes are read in (after the change [`TextStream::new`] describes).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::{Encoding, TextStream};
    ///
    /// assert_eq!(TextStream::new(Encoding::Gbk).encoding(), Encoding::Gbk);
    /// assert_eq!(TextStream::new(Encoding::Utf16).encoding(), Encoding::Utf16Le);
    /// ```
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Splits the next piece of the stream into runs. An unfinished character at its end
    /// is not in them: it is kept for the next call.
    pub fn push(&mut self, piece: &[u8]) -> Vec<Run> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(piece);

        // Let the stream decoder find the bad sequences and the unfinished end: what it
        // still holds when told "that was all" is the start of a cut character.
        let mut decoder = StreamDecoder::new(self.encoding);
        let body = decoder.push(&bytes);
        let held = decoder.finish();
        let complete = held.errors.first().map_or(bytes.len(), |bad| bad.offset);
        self.pending = bytes[complete..].to_vec();
        bytes.truncate(complete);

        // Cut the complete part at the bad sequences; what lies between them is text.
        let mut runs = Vec::new();
        let mut at = 0;
        for bad in &body.errors {
            let start = bad.offset.clamp(at, bytes.len());
            let end = (bad.offset + bad.bytes.len()).clamp(start, bytes.len());
            self.push_text(&bytes[at..start], &mut runs);
            if end > start {
                runs.push(Run::Bad(bytes[start..end].to_vec()));
            }
            at = end;
        }
        self.push_text(&bytes[at..], &mut runs);
        runs
    }

    /// Ends the stream: the start of a character still waiting for its other bytes is
    /// returned as a [`Run::Bad`] (the peer closed before sending the rest).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::{Encoding, Run, TextStream};
    ///
    /// let mut stream = TextStream::new(Encoding::Gbk);
    /// assert!(stream.push(b"ok\xc4").len() == 1); // "ok"; c4 waits for its partner
    /// assert_eq!(stream.finish(), vec![Run::Bad(vec![0xc4])]);
    /// ```
    pub fn finish(&mut self) -> Vec<Run> {
        let rest = std::mem::take(&mut self.pending);
        if rest.is_empty() {
            Vec::new()
        } else {
            vec![Run::Bad(rest)]
        }
    }

    /// Appends `bytes`, which decode cleanly, as a text run (nothing if empty).
    fn push_text(&self, bytes: &[u8], runs: &mut Vec<Run>) {
        if bytes.is_empty() {
            return;
        }
        // Decoded on their own, these bytes give the same text as in context: every
        // encoding here is stateless once the byte order mark is out of the way.
        let text = decode(bytes, self.encoding).text;
        runs.push(Run::Text {
            text,
            bytes: bytes.to_vec(),
        });
    }
}

/// The same encoding without byte-order-mark handling (see [`TextStream::new`]).
fn without_bom(encoding: Encoding) -> Encoding {
    match encoding {
        Encoding::Utf16 => Encoding::Utf16Le,
        Encoding::Utf8Sig => Encoding::Utf8,
        other => other,
    }
}

#[cfg(test)]
mod tests;
