//! Splitting a command line into words, without a shell.
//!
//! The course's server runs `subprocess.Popen(cmd, shell=True)`: whatever the client sends
//! goes to `/bin/sh`, so `ls; rm -rf ~` runs both commands. Here the line is only split into
//! words, with 'single' and "double" quotes and backslashes much as a shell treats them
//! (simplified: inside double quotes a backslash escapes any character), and the first word
//! names the program. `;`, `|`, `$(...)` and `>` are then ordinary characters:
//! `echo hi; rm -rf ~` prints `hi; rm -rf ~`.

/// Why a command line could not be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// A quote was opened and never closed.
    #[error("unclosed {0} quote")]
    UnclosedQuote(char),
    /// The line ends with a lone backslash.
    #[error("the line ends with a lone backslash")]
    TrailingBackslash,
    /// Nothing but spaces.
    #[error("empty command")]
    Empty,
}

/// Splits `line` into words.
///
/// # Examples
///
/// ```
/// use framing::argv::split;
///
/// assert_eq!(split("ls -l").unwrap(), ["ls", "-l"]);
/// assert_eq!(split("echo 'a b' \"c d\" e\\ f").unwrap(), ["echo", "a b", "c d", "e f"]);
/// assert_eq!(split("echo hi; rm -rf ~").unwrap(), ["echo", "hi;", "rm", "-rf", "~"]);
/// assert!(split("echo 'open").is_err());
/// ```
pub fn split(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(SplitError::UnclosedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => word.push(c),
                            None => return Err(SplitError::UnclosedQuote('"')),
                        },
                        Some(c) => word.push(c),
                        None => return Err(SplitError::UnclosedQuote('"')),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => {
                    word.push(c);
                    in_word = true;
                }
                None => return Err(SplitError::TrailingBackslash),
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err(SplitError::Empty);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quoting() {
        assert_eq!(split("  a   b ").unwrap(), ["a", "b"]);
        assert_eq!(split("''").unwrap(), [""]);
        assert_eq!(split(r#"a"b"c"#).unwrap(), ["abc"]);
        assert_eq!(split(r#""a\"b""#).unwrap(), ["a\"b"]);
        assert_eq!(
            split("$(whoami) `id` > /etc/x").unwrap(),
            ["$(whoami)", "`id`", ">", "/etc/x"]
        );
        assert_eq!(split("   "), Err(SplitError::Empty));
        assert_eq!(split("a\\"), Err(SplitError::TrailingBackslash));
        assert_eq!(split("\"a"), Err(SplitError::UnclosedQuote('"')));
    }

    proptest! {
        #[test]
        fn never_panics(line in ".{0,80}") {
            let _ = split(&line);
        }

        #[test]
        fn plain_words_split_on_spaces(words in prop::collection::vec("[a-z0-9._-]{1,8}", 1..6)) {
            prop_assert_eq!(split(&words.join(" ")).unwrap(), words);
        }
    }
}
