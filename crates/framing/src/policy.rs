//! Which commands a remote client may run: an allow-list, checked word by word.
//!
//! Running what a stranger sends is how servers get taken over, so the remote-command
//! server runs nothing by default except a few harmless programs, each with a rule for its
//! arguments. A rule is only as good as its idea of how the program reads its command
//! line, so each rule states the grammar it assumes (the GNU coreutils and net-tools
//! programs of a Linux system), and reads the words the way the program will
//! ([`getopt`]: `--` ends the options, options may follow operands, an option may take
//! the next word as its argument, long options may be abbreviated). Every option a rule
//! does not list is refused, and every operand is checked for what it is: a number, a
//! format, or a path that must stay inside the server's directory ([`inside`]).
//!
//! | command | accepted command line | why the rule |
//! |---|---|---|
//! | `echo` | `echo [WORD]...`: any words | echo reads no file: its only options (`-n`, `-e`, `-E`) change how it prints |
//! | `uname` | `uname [-asnrvmpio]...`, `--all`, `--kernel-name`, ... in full; no operands | prints system facts (an operand is only an error) |
//! | `seq` | `seq [-w] [-s SEP] NUMBER...` (`--equal-width`, `--separator=SEP`); options first, `-1` is a number | the output is bounded by the server's output limit; `-f FORMAT` is not needed |
//! | `date` | `date [-uR] [-I[FMT]] [+FORMAT]` (`--utc`, `--universal`, `--rfc-email`, `--iso-8601[=FMT]`, `--rfc-3339=FMT`) | `date -s`, `--set` and the operand `MMDDhhmm` set the clock; `-f`/`--file` and `-r`/`--reference` read files; `-d` is not needed |
//! | `ls` | `ls [-lAah1RdtSr]... [--] [PATH]...`, options anywhere before `--` | every operand, whatever its first character, is a path that must lead inside the server's directory, symlinks followed; other options are refused (`-L`/`-H` follow symlinks, `-I`, `-w`, `-T`, `--hide`, `--format` take an argument word, `--dired` ...) |
//! | `pwd`, `whoami`, `hostname` | nothing | each prints one fact; `hostname NAME` would set the host name and `hostname -F FILE` read a file |
//!
//! A teacher can add programs with `cmd-server --allow NAME` (their arguments are then not
//! checked: allow only what is safe with any arguments).

pub mod getopt;
pub mod inside;

use getopt::{Arg, Spec};
use std::path::{Path, PathBuf};

/// A refused command, with the reason shown to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The allow-list.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Programs added by the operator, allowed with any arguments.
    extra: Vec<String>,
    /// The directory commands run in, canonical: `ls` paths must resolve inside it.
    root: Option<PathBuf>,
}

/// The programs allowed by default (see the module docs for their argument rules).
pub const DEFAULT_COMMANDS: &[&str] = &[
    "echo", "uname", "seq", "date", "ls", "pwd", "whoami", "hostname",
];

/// How one program reads its words, as far as its rule accepts them.
enum Grammar {
    /// Every word is text to print (echo has no getopt and opens nothing).
    Text,
    /// Options as in the spec, then operands of one kind.
    Options(Spec, Operands),
}

/// What a rule accepts as operands.
#[derive(Clone, Copy)]
enum Operands {
    /// None: the reason is given with the refusal.
    Nothing(&'static str),
    /// Numbers (seq's FIRST, INCREMENT, LAST).
    Numbers,
    /// `+FORMAT` only (date): any other operand would set the clock.
    Format,
    /// Paths inside the server's directory (ls).
    Paths,
}

/// The rule for one allowed program.
struct Rule {
    program: &'static str,
    /// The accepted command line, shown with a refused option.
    usage: &'static str,
    grammar: Grammar,
}

/// Options with no argument, one per letter.
macro_rules! flags {
    ($($letter:literal),*) => { &[$(($letter, Arg::No)),*] };
}

/// A program that takes nothing at all.
const NOTHING: Spec = Spec {
    short: &[],
    long: &[],
    stop_at_operand: false,
    negative_numbers: false,
};

const RULES: &[Rule] = &[
    Rule {
        program: "echo",
        usage: "echo [WORD]...",
        grammar: Grammar::Text,
    },
    Rule {
        program: "uname",
        usage: "uname [-asnrvmpio]... (long names such as --all in full)",
        grammar: Grammar::Options(
            Spec {
                short: flags!['a', 's', 'n', 'r', 'v', 'm', 'p', 'i', 'o'],
                long: &[
                    ("all", Arg::No),
                    ("kernel-name", Arg::No),
                    ("nodename", Arg::No),
                    ("kernel-release", Arg::No),
                    ("kernel-version", Arg::No),
                    ("machine", Arg::No),
                    ("processor", Arg::No),
                    ("hardware-platform", Arg::No),
                    ("operating-system", Arg::No),
                ],
                stop_at_operand: false,
                negative_numbers: false,
            },
            Operands::Nothing("uname takes options only"),
        ),
    },
    Rule {
        program: "seq",
        usage: "seq [-w|--equal-width] [-s SEP|--separator=SEP] NUMBER...",
        grammar: Grammar::Options(
            Spec {
                short: &[('w', Arg::No), ('s', Arg::Required)],
                long: &[("equal-width", Arg::No), ("separator", Arg::Required)],
                // seq's option string starts with `+`, and `-1` is a number to it.
                stop_at_operand: true,
                negative_numbers: true,
            },
            Operands::Numbers,
        ),
    },
    Rule {
        program: "date",
        usage: "date [-uR] [-I[FMT]] [--utc|--universal|--rfc-email|--iso-8601[=FMT]|--rfc-3339=FMT]... [+FORMAT]",
        grammar: Grammar::Options(
            Spec {
                short: &[('u', Arg::No), ('R', Arg::No), ('I', Arg::Optional)],
                long: &[
                    ("utc", Arg::No),
                    ("universal", Arg::No),
                    ("rfc-email", Arg::No),
                    ("iso-8601", Arg::Optional),
                    ("rfc-3339", Arg::Required),
                ],
                stop_at_operand: false,
                negative_numbers: false,
            },
            Operands::Format,
        ),
    },
    Rule {
        program: "ls",
        usage: "ls [-lAah1RdtSr]... [--] [PATH]...",
        grammar: Grammar::Options(
            Spec {
                short: flags!['l', 'a', 'A', 'h', '1', 'R', 'd', 't', 'S', 'r'],
                long: &[],
                stop_at_operand: false,
                negative_numbers: false,
            },
            Operands::Paths,
        ),
    },
    Rule {
        program: "pwd",
        usage: "pwd",
        grammar: Grammar::Options(NOTHING, Operands::Nothing("pwd takes no arguments")),
    },
    Rule {
        program: "whoami",
        usage: "whoami",
        grammar: Grammar::Options(NOTHING, Operands::Nothing("whoami takes no arguments")),
    },
    Rule {
        program: "hostname",
        usage: "hostname",
        grammar: Grammar::Options(
            NOTHING,
            Operands::Nothing("hostname NAME would set the host name"),
        ),
    },
];

impl Default for Policy {
    fn default() -> Self {
        Policy::new(Vec::new())
    }
}

impl Policy {
    /// The default allow-list plus `extra` programs (allowed with any arguments).
    pub fn new(extra: Vec<String>) -> Policy {
        Policy { extra, root: None }
    }

    /// Checks `ls` paths against where they really lead from `dir` (symlinks followed),
    /// not only against their text. A server should always set this.
    pub fn inside(mut self, dir: &Path) -> Policy {
        self.root = dir.canonicalize().ok().or_else(|| Some(dir.to_path_buf()));
        self
    }

    /// Every allowed program name.
    pub fn allowed(&self) -> Vec<String> {
        let mut all: Vec<String> = DEFAULT_COMMANDS.iter().map(|s| s.to_string()).collect();
        all.extend(self.extra.iter().cloned());
        all
    }

    /// Checks a split command (`argv[0]` is the program).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::policy::Policy;
    ///
    /// let policy = Policy::default();
    /// let check = |words: &[&str]| {
    ///     policy.check(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    /// };
    /// assert!(check(&["ls", "-l"]).is_ok());
    /// assert!(check(&["rm", "-rf", "/"]).is_err());
    /// assert!(check(&["ls", "../secret"]).is_err());
    /// assert!(check(&["ls", "--", "-x/.."]).is_err()); // after `--`, a path like any other
    /// assert!(check(&["date", "-s", "2000-01-01"]).is_err());
    /// assert!(check(&["date", "--fil=/etc/shadow"]).is_err()); // getopt reads --file
    /// ```
    pub fn check(&self, argv: &[String]) -> Result<(), Refused> {
        let Some((program, args)) = argv.split_first() else {
            return Err(Refused("empty command".into()));
        };
        if self.extra.iter().any(|e| e == program) {
            return Ok(());
        }
        let Some(rule) = RULES.iter().find(|rule| rule.program == program) else {
            return Err(Refused(format!(
                "{program}: not on the allow-list ({})",
                self.allowed().join(", ")
            )));
        };
        let refuse = |why: String| Err(Refused(format!("{program}: {why}")));
        let Grammar::Options(spec, kind) = &rule.grammar else {
            return Ok(());
        };
        let operands = match spec.operands(args) {
            Ok(operands) => operands,
            Err(misfit) => return refuse(format!("{misfit} (usage: {})", rule.usage)),
        };
        for operand in operands {
            let fits = match kind {
                Operands::Nothing(_) => false,
                Operands::Numbers => operand.parse::<f64>().is_ok(),
                Operands::Format => operand.starts_with('+'),
                Operands::Paths => inside::stays_inside(self.root.as_deref(), operand),
            };
            if !fits {
                return refuse(match kind {
                    Operands::Nothing(why) => format!("argument {operand:?} not allowed ({why})"),
                    Operands::Numbers => format!(
                        "argument {operand:?} is not a number (usage: {})",
                        rule.usage
                    ),
                    Operands::Format => format!(
                        "argument {operand:?} not allowed (only +FORMAT: \
                         date MMDDhhmm would set the clock)"
                    ),
                    Operands::Paths => format!(
                        "path {operand:?} not allowed (only paths inside the server's directory)"
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
