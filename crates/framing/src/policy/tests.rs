//! The allow-list's tests: a table of command lines (allowed and refused, with the tricks
//! a hostile client tries), and a property test that no command line the policy accepts
//! lets `ls` reach outside the directory, checked both against a model of how GNU `ls`
//! reads its words and by running the real `ls`.

use super::*;
use proptest::prelude::*;
use std::path::Path;

fn words(line: &str) -> Vec<String> {
    crate::argv::split(line).expect("a test command line splits")
}

fn check(line: &str) -> Result<(), Refused> {
    Policy::default().check(&words(line))
}

/// Asserts that `check` allows every line of `allowed` and refuses every line of `refused`.
fn verdicts(check: impl Fn(&str) -> Result<(), Refused>, allowed: &[&str], refused: &[&str]) {
    for line in allowed {
        assert!(check(line).is_ok(), "{line}: {:?}", check(line));
    }
    for line in refused {
        assert!(check(line).is_err(), "{line}");
    }
}

#[test]
fn allowed_and_refused() {
    let allowed = [
        "echo hi; rm -rf /",
        "echo -n -e --help -- -x/..",
        "uname -a",
        "uname -sr --machine",
        "seq 1 10",
        "seq -s , 1 3",
        "seq -s -- 1 3",
        "seq -ws, 1 3",
        "seq --separator=: 1 3",
        "seq -w -1 2",
        "seq -.5 1",
        "date",
        "date +%F",
        "date -u",
        "date -uR",
        "date -Idate",
        "date +%F -u",
        "date --iso-8601=hours --utc",
        "date --rfc-3339 date",
        "ls",
        "ls -la src",
        "ls src -l",
        "ls ./a/b",
        "ls -- -x",
        "ls -",
        "ls -1AhRdtSr",
        "pwd",
        "whoami",
        "hostname",
    ];
    let refused = [
        "rm -rf /",
        "sh -c id",
        "/bin/echo hi",
        "python3 -c 1",
        // uname: options only, in full
        "uname x",
        "uname -- x",
        "uname --al",
        "uname -x",
        // seq: numbers, -w, -s SEP; after the first number everything is an operand
        "seq 1 abc",
        "seq -f %g 1",
        "seq 1 -w",
        "seq -1 -w",
        "seq -s",
        "seq --sep=, 1",
        // date: nothing that sets the clock or reads a file
        "date -s now",
        "date --set=now",
        "date --se=now",
        "date 010100002000",
        "date -- 010100002000",
        "date -f /etc/shadow",
        "date --file=/etc/shadow",
        "date --fil=/etc/shadow",
        "date -r /etc/shadow",
        "date --reference /etc/shadow",
        "date -d yesterday",
        "date -u -s now",
        "date --rfc-3339",
        "date --ut",
        "date --utc=x",
        // ls: known options, paths inside
        "ls /etc",
        "ls ..",
        "ls a/../../b",
        "ls -- -x/..",
        "ls -- ../x",
        "ls -la -- -x/.. src",
        "ls -L",
        "ls -lH src",
        "ls --dereference src",
        "ls --dired",
        "ls --fil",
        "ls --format long",
        "ls --hide=x",
        "ls -I x",
        "ls -w 80",
        "ls -T 8",
        "ls -Z",
        "ls src /",
        // hostname sets the host name; the others take nothing either
        "hostname evil",
        "hostname -F /etc/hostname",
        "hostname --file /etc/hostname",
        "pwd /",
        "pwd -P",
        "whoami root",
    ];
    verdicts(check, &allowed, &refused);
}

#[test]
fn refusals_say_what_and_why() {
    let why = |line: &str| check(line).expect_err(line).to_string();
    assert_eq!(
        why("ls -lL"),
        r#"ls: option "-L" (in "-lL") not allowed (usage: ls [-lAah1RdtSr]... [--] [PATH]...)"#
    );
    assert_eq!(
        why("date --fil=/etc/shadow"),
        "date: option \"--fil\" (in \"--fil=/etc/shadow\") not allowed (usage: date [-uR] \
         [-I[FMT]] [--utc|--universal|--rfc-email|--iso-8601[=FMT]|--rfc-3339=FMT]... [+FORMAT])"
    );
    assert!(why("date --ut").contains(r#"stands for "--utc": write it in full"#));
    assert!(why("date --rfc-3339").contains("needs an argument"));
    assert!(why("date 010100002000").contains("would set the clock"));
    assert!(why("hostname evil").contains("would set the host name"));
    assert!(why("ls -- -x/..").contains(r#"path "-x/..""#));
    assert!(why("seq 1 x").contains("not a number"));
    assert!(why("rm x").contains("not on the allow-list"));
}

#[test]
fn extra_commands() {
    let p = Policy::new(vec!["cat".into()]);
    assert!(p.check(&["cat".into(), "x".into()]).is_ok());
    assert!(p.allowed().contains(&"cat".to_string()));
}

/// A served directory with ways out, beside a file that only a listing of the outside
/// shows, removed when dropped:
///
/// ```text
/// TOP/outside-sentinel
/// TOP/served/          <- the server's directory
///     -evil -> ..      a name ls would take for an option, leading to TOP
///     -root -> /
///     -la              a plain file whose name is an option
///     sub/inner
///     file
/// ```
#[cfg(unix)]
struct Served {
    top: PathBuf,
    dir: PathBuf,
}

#[cfg(unix)]
impl Served {
    fn new(name: &str) -> Served {
        let top = std::env::temp_dir().join(format!("policy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let dir = top.join("served");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(top.join("outside-sentinel"), b"").unwrap();
        std::fs::write(dir.join("sub/inner"), b"").unwrap();
        std::fs::write(dir.join("file"), b"").unwrap();
        std::fs::write(dir.join("-la"), b"").unwrap();
        std::os::unix::fs::symlink("..", dir.join("-evil")).unwrap();
        std::os::unix::fs::symlink("/", dir.join("-root")).unwrap();
        Served { top, dir }
    }
}

#[cfg(unix)]
impl Drop for Served {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_directory_are_refused() {
    let served = Served::new("symlinks");
    let policy = Policy::default().inside(&served.dir);
    let check = |line: &str| policy.check(&words(line));
    let allowed = [
        "ls sub",
        "ls missing-file",
        "ls -- -la",
        "ls -l -- -la sub/inner",
    ];
    let refused = [
        "ls -- -evil",
        "ls -- -evil/",
        "ls -- -evil/..",
        "ls -- -evil/outside-sentinel",
        "ls -- -evil/missing",
        "ls -- -root",
        "ls -- -root/etc",
        "ls sub -- -evil",
        "ls -l -- -la -evil",
        "ls -L sub",
        "ls -lH sub",
        "ls --dereference sub",
    ];
    verdicts(check, &allowed, &refused);
}

/// Words that are options to ls, or `--` and `-`.
const OPTIONS: &[&str] = &[
    "--", "-", "-la", "-l", "-R", "-d", "-1A", "-L", "-I", "--dired",
];

/// Names of the served directory's entries (see [`Served`]) and other path pieces.
const NAMES: &[&str] = &[
    "-evil", "-root", "-la", "sub", "file", "inner", "missing", ".", "..", "--", "-",
];

/// A hostile word: an option, or a path of one to three names (`-evil/..`, `sub/-evil`,
/// `--/..`), sometimes absolute or ending in `/`.
fn word() -> impl Strategy<Value = String> {
    let path = (
        prop::collection::vec(prop::sample::select(NAMES), 1..=3),
        prop::sample::select(&["", "", "", "/"][..]),
        prop::sample::select(&["", "", "", "/"][..]),
    )
        .prop_map(|(names, before, after)| format!("{before}{}{after}", names.join("/")));
    prop_oneof![prop::sample::select(OPTIONS).prop_map(String::from), path]
}

/// The operands GNU `ls` takes from `args`: a model written apart from the policy's own,
/// from ls's documented behaviour (rules 1, 2 and 6 of [`getopt`]). Only called on accepted
/// lines, whose options take no argument.
fn ls_operands(args: &[String]) -> Vec<&str> {
    let mut operands = Vec::new();
    let mut options_ended = false;
    for arg in args {
        if options_ended || arg == "-" || !arg.starts_with('-') {
            operands.push(arg.as_str());
        } else if arg == "--" {
            options_ended = true;
        }
    }
    operands
}

/// Where `path` leads from `dir`: the real place of it or of its nearest existing
/// ancestor (ls reports a missing path, which must not tell about a place outside).
fn leads_to(dir: &Path, path: &str) -> PathBuf {
    dir.join(path)
        .ancestors()
        .find_map(|p| p.canonicalize().ok())
        .unwrap_or_default()
}

#[cfg(unix)]
#[test]
fn no_accepted_command_lets_ls_out_of_the_directory() {
    let served = Served::new("proptest");
    let dir = served.dir.canonicalize().unwrap();
    let policy = Policy::default().inside(&dir);
    let limits = crate::runner::Limits {
        max_output: 1 << 20,
        timeout: std::time::Duration::from_secs(30),
    };
    let config = proptest::test_runner::Config::with_cases(1000);
    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&prop::collection::vec(word(), 1..6), |args| {
            let mut argv = vec!["ls".to_string()];
            argv.extend(args.iter().cloned());
            if policy.check(&argv).is_err() {
                return Ok(());
            }
            // The model: every operand ls will take leads inside.
            for operand in ls_operands(&args) {
                let real = leads_to(&dir, operand);
                prop_assert!(
                    real.starts_with(&dir),
                    "{argv:?}: {operand:?} leads to {}",
                    real.display()
                );
            }
            // The real ls: nothing from outside shows in what it prints.
            let out = crate::runner::run(&argv, &dir, limits);
            let text = String::from_utf8_lossy(&out.stdout);
            prop_assert!(!text.contains("outside-sentinel"), "{argv:?}:\n{text}");
            prop_assert!(
                !text.lines().any(|l| l == "proc" || l.ends_with(" proc")),
                "{argv:?} listed /:\n{text}"
            );
            Ok(())
        })
        .unwrap();
}

proptest! {
    /// Any words at all: the check answers, never panics.
    #[test]
    fn any_words_get_an_answer(program in prop::sample::select(DEFAULT_COMMANDS),
                               args in prop::collection::vec(".{0,12}", 0..6)) {
        let mut argv = vec![program.to_string()];
        argv.extend(args);
        let _ = Policy::default().check(&argv);
    }
}
