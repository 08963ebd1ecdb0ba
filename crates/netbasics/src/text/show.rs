//! Showing received bytes to a person: the text, and optionally the bytes in hex.
//!
//! What arrives is bytes. [`TextView`] decodes them with the chosen encoding and writes
//! one line per piece:
//!
//! - text as text, with line breaks and other control characters written as escapes
//!   (`\n`, `\r`, `\t`, `\u{1b}`), so that one piece stays on one line, and so are the
//!   characters that print as nothing but change how a line looks (`\u{202e}`, the
//!   right-to-left override; `\u{200b}`, the zero-width space; see [`super::invisible`]);
//! - bytes that are not text in the encoding as `\xNN`: visible, and never a panic;
//! - with `--hex`, every byte of the piece in hex after the text: `hi  [68 69]`.
//!
//! A character cut between two pieces is shown whole with the piece that completes it
//! (the hex, by contrast, shows each piece's own bytes: exactly what each `recv` gave).
//!
//! Every program of the workspace that prints text a peer wrote shows it with this one
//! rule ([`needs_escape`], [`escape_text`]), so what one program escapes, all do.

use super::invisible::is_invisible;
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

/// Writes runs as one line: text with control and invisible characters escaped
/// ([`escape_text`]), bad bytes as `\xNN`.
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
            Run::Text { text, .. } => push_escaped(&mut out, text),
            Run::Bad(bytes) => {
                for byte in bytes {
                    out.push_str(&format!("\\x{byte:02x}"));
                }
            }
        }
    }
    out
}

/// Whether `ch` is shown as an escape rather than as itself: a control character
/// (general category Cc: `\n`, `\r`, `\t`, ESC, DEL, the C1 controls U+0080-U+009F with
/// U+0085 NEXT LINE), or a character that prints as nothing but changes how the line looks
/// (Cf, Zl, Zp: U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2028 LINE
/// SEPARATOR, U+FEFF, ...; the table is [`super::invisible::INVISIBLE`]).
///
/// # Examples
///
/// ```
/// use netbasics::text::needs_escape;
///
/// assert!(needs_escape('\n') && needs_escape('\u{1b}') && needs_escape('\u{85}'));
/// assert!(needs_escape('\u{202e}') && needs_escape('\u{2029}') && needs_escape('\u{feff}'));
/// assert!(!needs_escape('a') && !needs_escape(' ') && !needs_escape('你'));
/// ```
pub fn needs_escape(ch: char) -> bool {
    ch.is_control() || is_invisible(ch)
}

/// `text` as one line that shows what it holds: every character for which
/// [`needs_escape`] is true written as an escape (`\n`, `\r`, `\t`, or `\u{...}` in
/// lower-case hex, as Rust writes it), everything else as it is. Backslashes are left
/// alone: the escapes are for a person to read, not to be parsed back.
///
/// # Examples
///
/// ```
/// use netbasics::text::escape_text;
///
/// assert_eq!(escape_text("你好, world"), "你好, world");
/// assert_eq!(escape_text("hi\n[00:00:00 UTC] boss"), r"hi\n[00:00:00 UTC] boss");
/// assert_eq!(escape_text("\x1b[2Jcleared"), r"\u{1b}[2Jcleared");
/// // "Trojan Source": the override would print this as "hi exe.live".
/// assert_eq!(escape_text("hi \u{202e}evil.exe"), r"hi \u{202e}evil.exe");
/// assert_eq!(escape_text("a\u{200b}b\u{2028}c"), r"a\u{200b}b\u{2028}c");
/// ```
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_text`] says.
fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
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
    fn invisible_characters_are_escaped_like_control_characters() {
        let cases = [
            ("\u{202e}", r"\u{202e}"),
            (
                "\u{202a}\u{202b}\u{202c}\u{202d}",
                r"\u{202a}\u{202b}\u{202c}\u{202d}",
            ),
            (
                "\u{2066}\u{2067}\u{2068}\u{2069}",
                r"\u{2066}\u{2067}\u{2068}\u{2069}",
            ),
            ("\u{200e}\u{200f}\u{61c}", r"\u{200e}\u{200f}\u{61c}"),
            ("a\u{200b}b", r"a\u{200b}b"),
            ("\u{2028}\u{2029}", r"\u{2028}\u{2029}"),
            ("\u{feff}hi", r"\u{feff}hi"),
            ("\u{85}", r"\u{85}"),
            ("\u{ad}", r"\u{ad}"),
            ("\u{e0041}", r"\u{e0041}"),
            // Visible: letters, spaces of every width, the replacement character, emoji.
            ("é\u{a0}\u{3000}\u{fffd}😀", "é\u{a0}\u{3000}\u{fffd}😀"),
        ];
        for (text, shown) in cases {
            assert_eq!(escape_text(text), shown, "{text:?}");
            let mut view = TextView::new(Encoding::Utf8, false);
            assert_eq!(view.show(text.as_bytes()), shown, "{text:?}");
        }
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

        /// Nothing that needs an escape is ever printed as it is: no control character,
        /// and no character of the invisible table.
        #[test]
        fn escaped_text_holds_nothing_invisible(text in any::<String>()) {
            let shown = escape_text(&text);
            prop_assert!(!shown.chars().any(needs_escape), "{:?}", shown);
            prop_assert!(!shown.chars().any(crate::text::invisible::is_invisible), "{:?}", shown);
        }

        /// Text without such characters is shown exactly as it is, backslashes included.
        #[test]
        fn plain_text_is_unchanged(text in any::<String>()) {
            let plain: String = text.chars().filter(|&c| !needs_escape(c)).collect();
            prop_assert_eq!(escape_text(&plain), plain);
        }
    }
}
