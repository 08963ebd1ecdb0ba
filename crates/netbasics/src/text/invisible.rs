//! Characters that print as nothing, yet change how a line looks: Unicode's format
//! characters (general category Cf) and the line and paragraph separators (Zl, Zp).
//!
//! Control characters (category Cc: `\n`, ESC, U+0085 NEXT LINE, ...) are the well-known
//! danger in received text, and `char::is_control` finds them. The format characters
//! are the quieter one. They have no glyph, so a terminal shows nothing where they are,
//! but they act on what is around them:
//!
//! - U+202E RIGHT-TO-LEFT OVERRIDE turns the rest of the line around, so the bytes
//!   `hi \u{202e}evil.exe` print as `hi exe.live`. Together with the other bidirectional
//!   controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) a line can show
//!   something other than what it holds: the "Trojan Source" attack (CVE-2021-42574)
//!   hides code that way.
//! - U+200B ZERO WIDTH SPACE and U+FEFF (the byte order mark) make two names that look
//!   the same compare different.
//! - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are line breaks to some
//!   programs (editors, JavaScript, some terminals), so a forged log line can hide behind
//!   them as behind `\n`.
//!
//! There is no table of general categories in Rust's standard library, so the ranges are
//! written out here, from the Unicode Character Database's
//! `extracted/DerivedGeneralCategory.txt`: the Cf lines of Unicode 16.0 (the same 170 code
//! points as in 15.0 and 15.1), plus U+2028 (Zl) and U+2029 (Zp). [`is_invisible`] looks a
//! character up with a binary search. Python's `str.isprintable()` is false for each of
//! them (the workspace's oracle test compares the two).

/// The format characters (Cf), the line separator (Zl) and the paragraph separator (Zp),
/// as inclusive ranges sorted by their first code point, none overlapping.
///
/// # Examples
///
/// ```
/// use netbasics::text::invisible::INVISIBLE;
///
/// assert!(INVISIBLE.windows(2).all(|w| w[0].1 < w[1].0));
/// let count: u32 = INVISIBLE.iter().map(|&(a, b)| u32::from(b) - u32::from(a) + 1).sum();
/// assert_eq!(count, 170 + 2); // Cf, then Zl and Zp
/// ```
#[rustfmt::skip] // one range per line reads as the table it is
pub const INVISIBLE: [(char, char); 23] = [
    ('\u{00AD}', '\u{00AD}'),   // SOFT HYPHEN
    ('\u{0600}', '\u{0605}'),   // ARABIC NUMBER SIGN .. ARABIC NUMBER MARK ABOVE
    ('\u{061C}', '\u{061C}'),   // ARABIC LETTER MARK (bidi)
    ('\u{06DD}', '\u{06DD}'),   // ARABIC END OF AYAH
    ('\u{070F}', '\u{070F}'),   // SYRIAC ABBREVIATION MARK
    ('\u{0890}', '\u{0891}'),   // ARABIC POUND MARK ABOVE .. ARABIC PIASTRE MARK ABOVE
    ('\u{08E2}', '\u{08E2}'),   // ARABIC DISPUTED END OF AYAH
    ('\u{180E}', '\u{180E}'),   // MONGOLIAN VOWEL SEPARATOR
    ('\u{200B}', '\u{200F}'),   // ZERO WIDTH SPACE .. RIGHT-TO-LEFT MARK (bidi)
    ('\u{2028}', '\u{2028}'),   // LINE SEPARATOR (Zl)
    ('\u{2029}', '\u{2029}'),   // PARAGRAPH SEPARATOR (Zp)
    ('\u{202A}', '\u{202E}'),   // LEFT-TO-RIGHT EMBEDDING .. RIGHT-TO-LEFT OVERRIDE (bidi)
    ('\u{2060}', '\u{2064}'),   // WORD JOINER .. INVISIBLE PLUS
    ('\u{2066}', '\u{206F}'),   // LEFT-TO-RIGHT ISOLATE .. NOMINAL DIGIT SHAPES (bidi isolates)
    ('\u{FEFF}', '\u{FEFF}'),   // ZERO WIDTH NO-BREAK SPACE (the byte order mark)
    ('\u{FFF9}', '\u{FFFB}'),   // INTERLINEAR ANNOTATION ANCHOR .. TERMINATOR
    ('\u{110BD}', '\u{110BD}'), // KAITHI NUMBER SIGN
    ('\u{110CD}', '\u{110CD}'), // KAITHI NUMBER SIGN ABOVE
    ('\u{13430}', '\u{1343F}'), // EGYPTIAN HIEROGLYPH VERTICAL JOINER .. END WALLED ENCLOSURE
    ('\u{1BCA0}', '\u{1BCA3}'), // SHORTHAND FORMAT LETTER OVERLAP .. UP STEP
    ('\u{1D173}', '\u{1D17A}'), // MUSICAL SYMBOL BEGIN BEAM .. END PHRASE
    ('\u{E0001}', '\u{E0001}'), // LANGUAGE TAG
    ('\u{E0020}', '\u{E007F}'), // TAG SPACE .. CANCEL TAG
];

/// Whether `ch` is a format character (Cf), the line separator or the paragraph separator:
/// one of [`INVISIBLE`].
///
/// # Examples
///
/// ```
/// use netbasics::text::invisible::is_invisible;
///
/// assert!(is_invisible('\u{202e}')); // RIGHT-TO-LEFT OVERRIDE
/// assert!(is_invisible('\u{2028}')); // LINE SEPARATOR
/// assert!(is_invisible('\u{e0041}')); // TAG LATIN CAPITAL LETTER A
/// assert!(!is_invisible('a'));
/// assert!(!is_invisible('\n')); // a control character (Cc), not a format character
/// assert!(!is_invisible('你'));
/// ```
pub fn is_invisible(ch: char) -> bool {
    INVISIBLE
        .binary_search_by(|&(first, last)| {
            if last < ch {
                std::cmp::Ordering::Less
            } else if first > ch {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_is_sorted_and_its_ranges_are_well_formed() {
        for (first, last) in INVISIBLE {
            assert!(first <= last, "{first:?}..{last:?}");
        }
        for pair in INVISIBLE.windows(2) {
            assert!(pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn which_characters_are_invisible() {
        let invisible = concat!(
            "\u{ad}\u{600}\u{605}\u{61c}\u{6dd}\u{70f}\u{890}\u{891}\u{8e2}\u{180e}",
            "\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{2028}\u{2029}",
            "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2060}\u{2064}",
            "\u{2066}\u{2067}\u{2068}\u{2069}\u{206f}\u{feff}\u{fff9}\u{fffb}",
            "\u{110bd}\u{110cd}\u{13430}\u{1343f}\u{1bca0}\u{1bca3}\u{1d173}\u{1d17a}",
            "\u{e0001}\u{e0020}\u{e007f}",
        );
        for ch in invisible.chars() {
            assert!(is_invisible(ch), "U+{:04X}", u32::from(ch));
        }
        // Neighbours of the ranges, control characters (Cc, handled on their own), spaces
        // (Zs: visible as space), a replacement character, letters.
        let visible = concat!(
            "a \n\0\u{85}\u{ac}\u{ae}\u{5ff}\u{606}\u{61b}\u{61d}\u{200a}\u{2010}",
            "\u{2027}\u{202f}\u{205f}\u{2065}\u{2070}\u{a0}\u{3000}\u{fefe}\u{ff00}",
            "\u{fff8}\u{fffc}\u{fffd}\u{13440}\u{e0000}\u{e0002}\u{e0080}\u{e0100}",
            "你😀\u{10ffff}",
        );
        for ch in visible.chars() {
            assert!(!is_invisible(ch), "U+{:04X}", u32::from(ch));
        }
    }

    proptest! {
        /// The binary search agrees with a plain walk through the table.
        #[test]
        fn binary_search_agrees_with_a_scan(ch in any::<char>()) {
            let scanned = INVISIBLE.iter().any(|&(first, last)| (first..=last).contains(&ch));
            prop_assert_eq!(is_invisible(ch), scanned);
        }
    }
}
