//! Showing received bytes to a person: the text, and optionally the bytes in hex.
//!
//! What arrives is bytes. [`TextView`] decodes them with the chosen encoding and writes
//! one line per piece:
//!
//! - text as text, with line breaks and other control characters written as escapes
//!   (`\n`, `\r`, `\t`, `\u{1b}`), so that one piece stays on one line;
//! - bytes that are not text in the encoding as `\xNN`: visible, and never a panic;
//! - with `--hex`, every byte of the piece in hex after the text: `hi  [68 69]`.
//!
//! A character cut between two pieces is shown whole with the piece that completes it
//! (the hex, by contrast, shows each piece's own bytes: exactly what each `recv` gave).

use super::{to_hex, Encoding};

use super::{Run, TextStream};

/// Renders the pieces of one byte stream (one direction of one connection).
///
/// # Examples
///
/// ```
/// use netbasics::text::{Encoding, TextView};
///
/// let mut view = TextView::new(Encoding::Utf8, false);
/// assert_eq!(view.show(b"hello\n"), r"hello\n");
/// assert_eq!(view.show(b"bad \xff byte"), r"bad \xff byte");
///
/// let mut view = TextView::new(Encoding::Gbk, true);
/// assert_eq!(view.show(b"\xc4\xe3\xba\xc3"), "你好  [c4 e3 ba c3]");
/// ```
#[derive(Debug, Clone)]
pub struct TextView {
    stream: TextStream,
    hex: bool,
}

impl TextView {
    /// A view of a new stream in `encoding`; `hex` adds each piece's bytes in hex.
    pub fn new(encoding: Encoding, hex: bool) -> Self {
        TextView {
            stream: TextStream::new(encoding),
            hex,
        }
    }

    /// One line for the next piece of the stream (without a line break at the end).
    ///
    /// Empty when the piece holds only the start of a character (and `hex` is off).
    pub fn show(&mut self, piece: &[u8]) -> String {
        let runs = self.stream.push(piece);
        self.line(&runs, piece)
    }

    /// Ends the stream: a line for the start of a character that never got its other
    /// bytes, or `None` when nothing was left over.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::text::{Encoding, TextView};
    ///
    /// let mut view = TextView::new(Encoding::Utf8, false);
    /// assert_eq!(view.show(b"ok\xe4\xbd"), "ok");
    /// assert_eq!(view.finish().as_deref(), Some(r"\xe4\xbd"));
    /// assert_eq!(view.finish(), None);
    /// ```
    pub fn finish(&mut self) -> Option<String> {
        let runs = self.stream.finish();
        if runs.is_empty() {
            None
        } else {
            Some(escape(&runs))
        }
    }

    fn line(&self, runs: &[Run], piece: &[u8]) -> String {
        let mut line = escape(runs);
        if self.hex && !piece.is_empty() {
            line.push_str("  [");
            line.push_str(&to_hex(piece));
            line.push(']');
        }
        line
    }
}

/// Writes runs as one line: text with control characters escaped, bad bytes as `\xNN`.
///
/// # Examples
///
/// ```
/// use netbasics::text::show::escape;
/// use netbasics::text::Run;
///
/// let runs = [
///     Run::Text { text: "a\tb\r\n".into(), bytes: b"a\tb\r\n".to_vec() },
///     Run::Bad(vec![0xc0, 0xaf]),
/// ];
/// assert_eq!(escape(&runs), r"a\tb\r\n\xc0\xaf");
/// ```
pub fn escape(runs: &[Run]) -> String {
    let mut out = String::new();
    for run in runs {
        match run {
            Run::Text { text, .. } => {
                for ch in text.chars() {
                    match ch {
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c if c.is_control() => {
                            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
                        }
                        c => out.push(c),
                    }
                }
            }
            Run::Bad(bytes) => {
                for byte in bytes {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
        }
    }
    out
}

/// The first `max_chars` characters of `line`, and a note of how much was left out, so
/// a log line stays readable when a piece is large.
///
/// # Examples
///
/// ```
/// use netbasics::text::preview;
///
/// assert_eq!(preview("hello", 10), "hello");
/// assert_eq!(preview("hello world", 5), "hello... (6 more characters)");
/// assert_eq!(preview("你好世界", 2), "你好... (2 more characters)");
/// assert_eq!(preview("你好世", 2), "你好... (1 more character)");
/// ```
pub fn preview(line: &str, max_chars: usize) -> String {
    match line.char_indices().nth(max_chars) {
        None => line.to_string(),
        Some((cut, _)) => {
            let more = line[cut..].chars().count() as u64;
            let more = crate::cli::plural(more, "more character");
            format!("{}... ({more})", &line[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::encode;
    use proptest::prelude::*;

    #[test]
    fn plain_text() {
        let mut view = TextView::new(Encoding::Utf8, false);
        assert_eq!(view.show("你好, world".as_bytes()), "你好, world");
    }

    #[test]
    fn hex_beside_the_text() {
        let mut view = TextView::new(Encoding::Utf8, true);
        assert_eq!(view.show(b"hi"), "hi  [68 69]");
        assert_eq!(view.show("你".as_bytes()), "你  [e4 bd a0]");
    }

    #[test]
    fn hex_of_a_piece_with_only_half_a_character() {
        let mut view = TextView::new(Encoding::Utf8, true);
        assert_eq!(view.show(b"\xe4\xbd"), "  [e4 bd]");
        assert_eq!(view.show(b"\xa0"), "你  [a0]");
    }

    #[test]
    fn gbk_bytes_read_as_utf8_are_visible_not_a_panic() {
        let gbk = encode("你好", Encoding::Gbk).unwrap();
        let mut view = TextView::new(Encoding::Utf8, false);
        // c3 could still start a UTF-8 character: it waits for the next piece or the end.
        assert_eq!(view.show(&gbk), r"\xc4\xe3\xba");
        assert_eq!(view.finish().as_deref(), Some(r"\xc3"));
    }

    #[test]
    fn utf8_read_as_gbk_is_mojibake_but_no_bytes_are_lost() {
        let mut view = TextView::new(Encoding::Gbk, false);
        assert_eq!(view.show("你好".as_bytes()), "浣犲ソ");
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut view = TextView::new(Encoding::Utf8, false);
        assert_eq!(view.show(b"\x00\x1b[0m\x7f"), r"\u{0}\u{1b}[0m\u{7f}");
    }

    #[test]
    fn finish_after_a_clean_stream_is_none() {
        let mut view = TextView::new(Encoding::Utf8, true);
        view.show(b"ok");
        assert_eq!(view.finish(), None);
    }

    #[test]
    fn preview_of_empty_and_exact() {
        assert_eq!(preview("", 3), "");
        assert_eq!(preview("abc", 3), "abc");
        assert_eq!(preview("abcd", 0), "... (4 more characters)");
    }

    proptest! {
        #[test]
        fn any_bytes_in_any_encoding_give_one_line(
            data in proptest::collection::vec(any::<u8>(), 0..64),
            which in 0..Encoding::ALL.len(),
            hex in any::<bool>(),
        ) {
            let mut view = TextView::new(Encoding::ALL[which], hex);
            let line = view.show(&data);
            prop_assert!(!line.contains('\n') && !line.contains('\r'));
            if let Some(rest) = view.finish() {
                prop_assert!(!rest.contains('\n'));
            }
        }
    }
}
