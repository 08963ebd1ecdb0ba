//! Showing what a packet says without letting it take over the terminal.
//!
//! Every text field of a packet (user, host, nickname, group, message) is written by
//! whoever sent the datagram. Printed as it is, a message holding a line break and a
//! made-up timestamp prints a forged line (`...: hi\n[00:00:00 UTC] boss@pc (1.2.3.4:2425):
//! transfer money`), and one holding ANSI escape sequences (`ESC [ ...`) can recolour,
//! move the cursor or clear the screen; one holding U+202E (RIGHT-TO-LEFT OVERRIDE)
//! prints its text back to front. So each field is shown with the rule every program of
//! the workspace uses for received text ([`netbasics::text::escape_text`]): line breaks,
//! other control characters and the invisible format characters as escapes (`\n`, `\t`,
//! `\u{1b}`, `\u{202e}`), and bytes that were not text (already marked `\xNN` by
//! [`super::packet::Packet::parse_lossy`]) as they are.

use netbasics::text::escape_text;

/// `text` with control and invisible characters escaped, so it stays on one line, shows
/// what it holds, and sends the terminal no commands.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::show::printable;
///
/// assert_eq!(printable("你好, FeiQ"), "你好, FeiQ");
/// assert_eq!(printable("hi\n[00:00:00 UTC] boss@pc"), r"hi\n[00:00:00 UTC] boss@pc");
/// assert_eq!(printable("\x1b[2Jcleared"), r"\u{1b}[2Jcleared");
/// assert_eq!(printable("\u{202e}olleh"), r"\u{202e}olleh");
/// ```
pub fn printable(text: &str) -> String {
    escape_text(text)
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
    fn invisible_format_characters_are_escaped() {
        assert_eq!(printable("boss\u{202e}txt.exe"), r"boss\u{202e}txt.exe");
        assert_eq!(
            printable("a\u{200b}b\u{2028}c\u{2029}"),
            r"a\u{200b}b\u{2028}c\u{2029}"
        );
        assert_eq!(
            printable("\u{feff}\u{2066}x\u{2069}"),
            r"\u{feff}\u{2066}x\u{2069}"
        );
    }

    #[test]
    fn bad_byte_marks_and_backslashes_stay_as_they_are() {
        assert_eq!(printable(r"濂\xbd"), r"濂\xbd");
        assert_eq!(printable(r"C:\path"), r"C:\path");
    }

    proptest! {
        #[test]
        fn nothing_printed_is_a_control_or_invisible_character(text in any::<String>()) {
            let shown = printable(&text);
            prop_assert!(!shown.chars().any(netbasics::text::needs_escape), "{:?}", shown);
        }
    }
}
