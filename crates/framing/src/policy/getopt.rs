//! Which words of a command line a program takes as options and which as operands: the
//! part of GNU `getopt_long` the allow-list needs to know.
//!
//! A rule that looks only at the first character of each word ("starts with `-`, so it
//! is an option") is wrong in both directions. After `--`, `ls` takes `-x/..` as a path;
//! and `date --fil=/etc/shadow` is `date --file=/etc/shadow`, because getopt_long accepts
//! any unambiguous abbreviation of a long option. So the allow-list reads a command line
//! the way glibc's `getopt_long` reads it for the coreutils programs:
//!
//! 1. `--` ends the options: every word after it is an operand, whatever its first
//!    character (`ls -- -x` lists a file named `-x`).
//! 2. A lone `-` is an operand (a file named `-` for `ls`).
//! 3. `--NAME` and `--NAME=VALUE` are long options. getopt_long also takes any unambiguous
//!    abbreviation (`--fil` for `--file`); here only the names written in the [`Spec`] in
//!    full are known, so an abbreviation is refused rather than guessed.
//! 4. `-abc` is a cluster of short options. When one of them takes an argument, the rest of
//!    the word is that argument (`-w80`) or, when nothing is left, the next word is
//!    (`-w 80`), whatever it looks like (`-I --` hides files named `--`).
//! 5. An *optional* argument is taken only when attached (`-Idate`, `--iso-8601=date`),
//!    never from the next word.
//! 6. Options may come after operands (`ls src -l`): GNU getopt looks at every word up to
//!    `--`. With `POSIXLY_CORRECT` in the environment, or a `+` at the start of the
//!    program's option string (`seq` has one), the first operand ends the options instead.
//!    The runner removes `POSIXLY_CORRECT` from the commands' environment, so which of the
//!    two applies is the [`Spec`]'s to say, not the environment's.
//!
//! Any option the [`Spec`] does not list is refused: the program may have it (`ls -L`
//! follows symlinks, `ls -I PATTERN` takes the next word) or not; either way the allow-list
//! cannot say what it would do.

use std::fmt;

/// Whether an option takes an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// A flag (`-l`).
    No,
    /// Always an argument: attached, or else the next word (`-s SEP`, `--separator=SEP`).
    Required,
    /// An argument only when attached (`-Idate`, `--iso-8601=date`).
    Optional,
}

/// The options a rule of the allow-list accepts for one program, spelled as the program
/// spells them, and how that program reads its command line.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Short options, each a letter and its argument.
    pub short: &'static [(char, Arg)],
    /// Long options, full names without the `--`.
    pub long: &'static [(&'static str, Arg)],
    /// The first operand ends the options (a `+` in the program's option string).
    pub stop_at_operand: bool,
    /// A word such as `-1` or `-.5` is an operand, a negative number, and ends the
    /// options (`seq`'s own rule, checked before getopt).
    pub negative_numbers: bool,
}

/// Why a command line does not fit its rule's [`Spec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// An option the rule does not allow, as written (`-L`, `--fil`), and the word it is in.
    NotAllowed {
        /// The option.
        option: String,
        /// The whole word (a cluster such as `-lL`, or `--fil=/etc/shadow`).
        word: String,
    },
    /// An abbreviation of an allowed long option (`--ut` for `--utc`): getopt_long would
    /// take it, but only full names are checked.
    Abbreviated {
        /// The option as written.
        option: String,
        /// The full name it stands for.
        full: String,
    },
    /// An option that needs an argument ends the command line.
    MissingArgument(String),
    /// A long option that takes no argument was given one (`--utc=x`).
    UnexpectedArgument(String),
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misfit::NotAllowed { option, word } if option == word => {
                write!(f, "option {option:?} not allowed")
            }
            Misfit::NotAllowed { option, word } => {
                write!(f, "option {option:?} (in {word:?}) not allowed")
            }
            Misfit::Abbreviated { option, full } => {
                write!(f, "option {option:?} stands for {full:?}: write it in full")
            }
            Misfit::MissingArgument(option) => write!(f, "option {option:?} needs an argument"),
            Misfit::UnexpectedArgument(option) => {
                write!(f, "option {option:?} takes no argument")
            }
        }
    }
}

impl Spec {
    /// The operands of `args` (the words after the program's name), in order, once every
    /// option has been checked against the spec.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::policy::getopt::{Arg, Spec};
    ///
    /// let ls = Spec { short: &[('l', Arg::No), ('a', Arg::No)], long: &[],
    ///                 stop_at_operand: false, negative_numbers: false };
    /// let words = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
    /// assert_eq!(ls.operands(&words("-la src -l")).unwrap(), ["src"]);
    /// assert_eq!(ls.operands(&words("-- -x/.. -")).unwrap(), ["-x/..", "-"]);
    /// assert!(ls.operands(&words("-lL")).is_err()); // -L is not in the spec
    /// ```
    pub fn operands<'a>(&self, args: &'a [String]) -> Result<Vec<&'a str>, Misfit> {
        let mut operands = Vec::new();
        let mut words = args.iter();
        let mut options_ended = false;
        while let Some(word) = words.next() {
            if options_ended {
                operands.push(word.as_str());
            } else if word == "--" {
                options_ended = true;
            } else if let Some(long) = word.strip_prefix("--") {
                self.long_option(long, word, &mut words)?;
            } else if word.len() > 1 && word.starts_with('-') && !self.is_negative_number(word) {
                self.short_options(word, &mut words)?;
            } else {
                operands.push(word.as_str());
                options_ended = self.stop_at_operand || self.is_negative_number(word);
            }
        }
        Ok(operands)
    }

    /// `--NAME` or `--NAME=VALUE` (rule 3); a required argument may be the next word.
    fn long_option<'a>(
        &self,
        long: &str,
        word: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<(), Misfit> {
        let (name, value) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (long, None),
        };
        let option = format!("--{name}");
        let Some(&(_, arg)) = self.long.iter().find(|(known, _)| *known == name) else {
            let mut longer = self
                .long
                .iter()
                .filter(|(known, _)| known.starts_with(name));
            return Err(match (longer.next(), longer.next()) {
                (Some((full, _)), None) if !name.is_empty() => Misfit::Abbreviated {
                    option,
                    full: format!("--{full}"),
                },
                _ => Misfit::NotAllowed {
                    option,
                    word: word.to_string(),
                },
            });
        };
        match (arg, value) {
            (Arg::No, Some(_)) => Err(Misfit::UnexpectedArgument(option)),
            (Arg::Required, None) => rest
                .next()
                .map(|_| ())
                .ok_or(Misfit::MissingArgument(option)),
            _ => Ok(()),
        }
    }

    /// A cluster `-abc` (rule 4): each letter must be known; one that takes an argument
    /// ends the cluster, taking the rest of the word or, failing that, the next word.
    fn short_options<'a>(
        &self,
        word: &str,
        rest: &mut impl Iterator<Item = &'a String>,
    ) -> Result<(), Misfit> {
        let letters = &word[1..];
        for (at, letter) in letters.char_indices() {
            let option = format!("-{letter}");
            let Some(&(_, arg)) = self.short.iter().find(|(known, _)| *known == letter) else {
                return Err(Misfit::NotAllowed {
                    option,
                    word: word.to_string(),
                });
            };
            let attached = !letters[at + letter.len_utf8()..].is_empty();
            match arg {
                Arg::No => {}
                // The rest of the word is the argument, if any: the cluster ends here.
                Arg::Optional => return Ok(()),
                Arg::Required if attached => return Ok(()),
                Arg::Required => {
                    return rest
                        .next()
                        .map(|_| ())
                        .ok_or(Misfit::MissingArgument(option))
                }
            }
        }
        Ok(())
    }

    /// `-1`, `-.5`: a negative number, when the spec reads them so (seq).
    fn is_negative_number(&self, word: &str) -> bool {
        self.negative_numbers
            && word
                .strip_prefix('-')
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| c == '.' || c.is_ascii_digit())
    }
}
