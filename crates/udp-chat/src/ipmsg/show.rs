//! Showing what a packet says without letting it take over the terminal.
//!
//! Every text field of a packet (user, host, nickname, group, message) is written by
//! whoever sent the datagram. Printed as it is, a message holding a line break and a
//! made-up timestamp prints a forged line (`...: hi\n[00:00:00 UTC] boss@pc (1.2.3.4:2425):
//! transfer money`), and one holding ANSI escape sequences (`ESC [ ...`) can recolour,
//! move the cursor or clear the screen. So each field is shown the way the other programs
//! of this lesson show received text ([`netbasics::text::TextView`]): line breaks and
//! other control characters as escapes (`\n`, `\t`, `\u{1b}`), and bytes that were not
//! text (already marked `\xNN` by [`super::packet::Packet::parse_lossy`]) as they are.

use netbasics::text::Encoding;
use netbasics::text::TextView;

/// `text` with control characters escaped, so it stays on one line and sends the
/// terminal no commands.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::show::printable;
///
/// assert_eq!(printable("你好, FeiQ"), "你好, FeiQ");
/// assert_eq!(printable("hi\n[00:00:00 UTC] boss@pc"), r"hi\n[00:00:00 UTC] boss@pc");
/// assert_eq!(printable("\x1b[2Jcleared"), r"\u{1b}[2Jcleared");
/// ```
pub fn printable(text: &str) -> String {
    // The text is already decoded, so it is valid UTF-8: viewing its UTF-8 bytes only
    // escapes the control characters, with exactly the other programs' escapes.
    TextView::new(Encoding::Utf8, false).show(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_control_character_is_escaped() {
        assert_eq!(printable("a\r\nb\tc"), r"a\r\nb\tc");
        assert_eq!(printable("\0\x07\x7f"), r"\u{0}\u{7}\u{7f}");
        // C1 controls (U+0080-U+009F), including the 8-bit CSI U+009B.
        assert_eq!(printable("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(printable(""), "");
    }

    #[test]
    fn bad_byte_marks_and_backslashes_stay_as_they_are() {
        assert_eq!(printable(r"濂\xbd"), r"濂\xbd");
        assert_eq!(printable(r"C:\path"), r"C:\path");
    }

    proptest! {
        #[test]
        fn nothing_printed_is_a_control_character(text in any::<String>()) {
            let shown = printable(&text);
            prop_assert!(!shown.chars().any(char::is_control), "{:?}", shown);
        }
    }
}
