//! Which commands a remote client may run: an allow-list, checked word by word.
//!
//! Running what a stranger sends is how servers get taken over, so the remote-command
//! server runs nothing by default except a few harmless programs, each with a rule for its
//! arguments:
//!
//! | command | allowed arguments | why the rule |
//! |---|---|---|
//! | `echo` | anything | prints its arguments, nothing else |
//! | `uname` | options only | prints system facts |
//! | `seq` | numbers and `-s`/`-w` | output is bounded by the server's output limit |
//! | `date` | `+FORMAT`, `-u`, `-R`, `-I...` | `date -s` would set the clock as root |
//! | `ls` | options (not `-L`/`-H`) and paths that stay inside, symlinks followed | the server's working directory only |
//! | `pwd`, `whoami`, `hostname` | none | prints one fact |
//!
//! A teacher can add programs with `cmd-server --allow NAME` (their arguments are then not
//! checked: allow only what is safe with any arguments).

use std::path::{Component, Path, PathBuf};

/// A refused command, with the reason shown to the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The allow-list.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Programs added by the operator, allowed with any arguments.
    extra: Vec<String>,
    /// The directory commands run in: `ls` paths must resolve inside it.
    root: Option<PathBuf>,
}

/// The programs allowed by default (see the module docs for their argument rules).
pub const DEFAULT_COMMANDS: &[&str] = &[
    "echo", "uname", "seq", "date", "ls", "pwd", "whoami", "hostname",
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
    /// assert!(policy.check(&["ls".into(), "-l".into()]).is_ok());
    /// assert!(policy.check(&["rm".into(), "-rf".into(), "/".into()]).is_err());
    /// assert!(policy.check(&["ls".into(), "../secret".into()]).is_err());
    /// assert!(policy.check(&["date".into(), "-s".into(), "2000-01-01".into()]).is_err());
    /// ```
    pub fn check(&self, argv: &[String]) -> Result<(), Refused> {
        let Some((program, args)) = argv.split_first() else {
            return Err(Refused("empty command".into()));
        };
        if self.extra.iter().any(|e| e == program) {
            return Ok(());
        }
        let refuse = |why: String| Err(Refused(format!("{program}: {why}")));
        match program.as_str() {
            "echo" => Ok(()),
            "uname" => match args.iter().find(|a| !a.starts_with('-')) {
                Some(a) => refuse(format!("argument {a:?} not allowed (options only)")),
                None => Ok(()),
            },
            "seq" => {
                let mut words = args.iter();
                while let Some(word) = words.next() {
                    match word.as_str() {
                        "-w" => {}
                        // The separator after -s may be any text.
                        "-s" => {
                            words.next();
                        }
                        w if w.parse::<f64>().is_ok() => {}
                        w => {
                            return refuse(format!(
                                "argument {w:?} not allowed (numbers, -w, -s SEP)"
                            ))
                        }
                    }
                }
                Ok(())
            }
            "date" => {
                let ok = |a: &String| {
                    a.starts_with('+') || matches!(a.as_str(), "-u" | "-R") || a.starts_with("-I")
                };
                match args.iter().find(|a| !ok(a)) {
                    Some(a) => refuse(format!(
                        "argument {a:?} not allowed (+FORMAT, -u, -R, -I only: date -s would set the clock)"
                    )),
                    None => Ok(()),
                }
            }
            "ls" => {
                // Options that make ls follow symlinks could list what they point to.
                let follows = |a: &str| {
                    a.starts_with("--dereference")
                        || (a.starts_with('-')
                            && !a.starts_with("--")
                            && (a.contains('L') || a.contains('H')))
                };
                if let Some(a) = args.iter().find(|a| follows(a)) {
                    return refuse(format!("option {a:?} not allowed (it follows symlinks)"));
                }
                match args
                    .iter()
                    .find(|a| !a.starts_with('-') && !self.stays_inside(a))
                {
                    Some(a) => refuse(format!(
                        "path {a:?} not allowed (only paths inside the server's directory)"
                    )),
                    None => Ok(()),
                }
            }
            "pwd" | "whoami" | "hostname" => match args.first() {
                Some(a) => refuse(format!("takes no arguments (got {a:?})")),
                None => Ok(()),
            },
            _ => Err(Refused(format!(
                "{program}: not on the allow-list ({})",
                self.allowed().join(", ")
            ))),
        }
    }
}

impl Policy {
    /// Whether `path` is relative, never climbs out with `..`, and (with a root set)
    /// really leads inside the root once symlinks are followed.
    fn stays_inside(&self, path: &str) -> bool {
        let plain = Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        let Some(root) = &self.root else {
            return plain;
        };
        // A path that does not exist yet is judged by its nearest existing ancestor
        // (ls will report it missing).
        let full = root.join(path);
        let real = full
            .ancestors()
            .find_map(|p| p.canonicalize().ok())
            .unwrap_or_default();
        plain && real.starts_with(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str) -> Result<(), Refused> {
        Policy::default().check(&crate::argv::split(line).unwrap())
    }

    #[test]
    fn allowed_and_refused() {
        for ok in [
            "echo hi; rm -rf /",
            "uname -a",
            "seq 1 10",
            "seq -s , 1 3",
            "date +%F",
            "date -u",
            "ls",
            "ls -la src",
            "ls ./a/b",
            "pwd",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "rm -rf /",
            "sh -c id",
            "ls /etc",
            "ls ..",
            "ls a/../../b",
            "date -s now",
            "uname x",
            "seq 1 abc",
            "pwd /",
            "python3 -c 1",
            "/bin/echo hi",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_directory_are_refused() {
        let dir = std::env::temp_dir().join(format!("policy-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let _ = std::fs::remove_file(dir.join("rootlink"));
        std::os::unix::fs::symlink("/", dir.join("rootlink")).unwrap();
        let policy = Policy::default().inside(&dir);
        let check = |line: &str| policy.check(&crate::argv::split(line).unwrap());
        assert!(check("ls sub").is_ok());
        assert!(check("ls missing-file").is_ok());
        assert!(check("ls rootlink/").is_err());
        assert!(check("ls rootlink/etc").is_err());
        assert!(check("ls -L").is_err());
        assert!(check("ls -lH sub").is_err());
        assert!(check("ls --dereference sub").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn extra_commands() {
        let p = Policy::new(vec!["cat".into()]);
        assert!(p.check(&["cat".into(), "x".into()]).is_ok());
        assert!(p.allowed().contains(&"cat".to_string()));
    }
}
