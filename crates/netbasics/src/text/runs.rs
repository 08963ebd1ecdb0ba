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
mod tests {
    use super::*;
    use crate::text::encode;
    use proptest::prelude::*;

    fn text(s: &str, bytes: &[u8]) -> Run {
        Run::Text {
            text: s.to_string(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn clean_text_is_one_run() {
        let mut stream = TextStream::new(Encoding::Utf8);
        assert_eq!(stream.push(b"hello"), vec![text("hello", b"hello")]);
        assert!(stream.finish().is_empty());
    }

    #[test]
    fn an_empty_piece_gives_no_runs() {
        let mut stream = TextStream::new(Encoding::Utf8);
        assert!(stream.push(b"").is_empty());
    }

    #[test]
    fn gbk_character_cut_between_pieces_is_joined() {
        let bytes = encode("你好", Encoding::Gbk).unwrap(); // c4 e3 ba c3
        let mut stream = TextStream::new(Encoding::Gbk);
        assert_eq!(stream.push(&bytes[..3]), vec![text("你", &bytes[..2])]);
        assert_eq!(stream.push(&bytes[3..]), vec![text("好", &bytes[2..])]);
        assert!(stream.finish().is_empty());
    }

    #[test]
    fn a_piece_holding_only_half_a_character_gives_nothing_yet() {
        let mut stream = TextStream::new(Encoding::Utf8);
        assert!(stream.push(b"\xe4").is_empty());
        assert!(stream.push(b"\xbd").is_empty());
        assert_eq!(stream.push(b"\xa0"), vec![text("你", b"\xe4\xbd\xa0")]);
    }

    #[test]
    fn bad_bytes_are_kept_exactly() {
        let mut stream = TextStream::new(Encoding::Utf8);
        assert_eq!(
            stream.push(b"a\xffb\xc0\xafc"),
            vec![
                text("a", b"a"),
                Run::Bad(vec![0xff]),
                text("b", b"b"),
                Run::Bad(vec![0xc0]),
                Run::Bad(vec![0xaf]),
                text("c", b"c"),
            ]
        );
    }

    #[test]
    fn a_real_replacement_character_is_text() {
        // U+FFFD sent on purpose (ef bf bd) is a character like any other.
        let mut stream = TextStream::new(Encoding::Utf8);
        assert_eq!(
            stream.push("x\u{fffd}".as_bytes()),
            vec![text("x\u{fffd}", "x\u{fffd}".as_bytes())]
        );
    }

    #[test]
    fn gbk_lead_byte_before_ascii_is_bad_and_the_ascii_stays_text() {
        // 0x81 starts a two-byte character, but 0x20 cannot end one.
        let mut stream = TextStream::new(Encoding::Gbk);
        assert_eq!(
            stream.push(b"\x81 ok"),
            vec![Run::Bad(vec![0x81]), text(" ok", b" ok")]
        );
    }

    #[test]
    fn an_unfinished_character_at_the_end_is_bad_on_finish() {
        let mut stream = TextStream::new(Encoding::Utf8);
        assert_eq!(stream.push(b"ok\xe5\xa5"), vec![text("ok", b"ok")]);
        assert_eq!(stream.finish(), vec![Run::Bad(vec![0xe5, 0xa5])]);
        assert!(stream.finish().is_empty());
    }

    #[test]
    fn utf16_is_read_little_endian_and_keeps_the_mark() {
        let mut stream = TextStream::new(Encoding::Utf16);
        let runs = stream.push(b"\xff\xfeh\x00");
        assert_eq!(runs, vec![text("\u{feff}h", b"\xff\xfeh\x00")]);
        // An odd byte waits for its partner.
        assert!(stream.push(b"i").is_empty());
        assert_eq!(stream.push(b"\x00"), vec![text("i", b"i\x00")]);
    }

    #[test]
    fn latin1_has_no_bad_bytes() {
        let mut stream = TextStream::new(Encoding::Latin1);
        assert_eq!(
            stream.push(b"\xe9\xff"),
            vec![text("\u{e9}\u{ff}", b"\xe9\xff")]
        );
    }

    #[test]
    fn ascii_marks_high_bytes_bad() {
        let mut stream = TextStream::new(Encoding::Ascii);
        assert_eq!(
            stream.push(b"a\x80"),
            vec![text("a", b"a"), Run::Bad(vec![0x80])]
        );
    }

    /// The invariant everything relies on: whatever the bytes and however they are cut,
    /// the runs hold every byte once, in order, and each text run is its bytes decoded.
    fn check_runs(encoding: Encoding, data: &[u8], cuts: &[usize]) {
        let mut stream = TextStream::new(encoding);
        let mut runs = Vec::new();
        let mut from = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
        cuts.sort_unstable();
        for cut in cuts {
            runs.extend(stream.push(&data[from..cut]));
            from = cut;
        }
        runs.extend(stream.push(&data[from..]));
        runs.extend(stream.finish());
        let joined: Vec<u8> = runs.iter().flat_map(|r| r.bytes().to_vec()).collect();
        assert_eq!(joined, data);
        for run in &runs {
            match run {
                Run::Text { text, bytes } => {
                    let decoded = decode(bytes, stream.encoding());
                    assert!(decoded.is_clean(), "{bytes:02x?}");
                    assert_eq!(&decoded.text, text);
                }
                Run::Bad(bytes) => assert!(!bytes.is_empty()),
            }
        }
    }

    proptest! {
        #[test]
        fn runs_cover_every_byte_in_order(
            data in proptest::collection::vec(any::<u8>(), 0..64),
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
            which in 0..Encoding::ALL.len(),
        ) {
            check_runs(Encoding::ALL[which], &data, &cuts);
        }

        #[test]
        fn text_cut_anywhere_comes_out_whole(
            s in "[a-zA-Z 你好世界äöü€😀]{0,20}",
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
        ) {
            for encoding in [Encoding::Utf8, Encoding::Gb18030, Encoding::Utf16Be] {
                let data = encode(&s, encoding).unwrap();
                let mut stream = TextStream::new(encoding);
                let mut out = String::new();
                let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
                cuts.sort_unstable();
                let mut from = 0;
                for cut in cuts.into_iter().chain([data.len()]) {
                    for run in stream.push(&data[from..cut]) {
                        match run {
                            Run::Text { text, .. } => out.push_str(&text),
                            Run::Bad(b) => panic!("bad bytes {b:02x?} in {s:?}"),
                        }
                    }
                    from = cut;
                }
                prop_assert!(stream.finish().is_empty());
                prop_assert_eq!(&out, &s);
            }
        }
    }
}
