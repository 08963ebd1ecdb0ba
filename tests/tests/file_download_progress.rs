//! End-to-end tests of file-client's progress bar: drawn on stderr when stderr is a
//! terminal, absent when it is a pipe (a log or a script reading the output gets no
//! carriage returns and no escape sequences).
//!
//! A terminal is made with `script` (util-linux), which runs a command in a
//! pseudo-terminal and copies what it shows to its own stdout; the test is skipped, and
//! listed by `cargo xtask test`, where `script` is not installed.

mod file_download_support;

use e2e::{program, run_command, skip, tool};
use file_download_support::{assert_same_bytes, client_in, content, file_server, Dirs, LONG, MIB};
use std::path::Path;
use std::process::Command;

/// A file big enough for the bar to be drawn at least once before the end.
const SIZE: usize = 64 * MIB;

/// Runs `file-client ARGS...` in a pseudo-terminal made by `script`, in `dir`, and
/// returns what the terminal showed.
fn in_a_terminal(script: &Path, dir: &Path, args: &[&str]) -> String {
    // `script -c` takes one shell command line: each word quoted for sh.
    let client = program("file-client");
    let line = std::iter::once(client.to_string_lossy().as_ref())
        .chain(args.iter().copied())
        .map(|word| format!("'{}'", word.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut command = Command::new(script);
    command.args(["-qec", &line, "/dev/null"]).current_dir(dir);
    let out = run_command(command, b"", LONG);
    assert!(out.success(), "exit {:?}: {}", out.code, out.stdout);
    out.stdout
}

#[test]
fn the_bar_is_drawn_in_a_terminal_unless_quiet() {
    let Some(script) = tool("script") else {
        skip("the_bar_is_drawn_in_a_terminal_unless_quiet", "script");
        return;
    };
    let dirs = Dirs::new("progress-tty");
    let file = content(SIZE, 31);
    dirs.serve("big.bin", &file);
    let server = file_server(&dirs.root, &["-q"]);
    let addr = server.addr.to_string();

    let shown = in_a_terminal(&script, &dirs.downloads, &[&addr, "big.bin"]);
    assert_same_bytes(&dirs.downloaded("big.bin"), &file);
    assert!(
        shown.contains("ETA") && shown.contains("/s"),
        "no progress bar in the terminal: {shown:?}"
    );

    let shown = in_a_terminal(
        &script,
        &dirs.downloads,
        &[&addr, "big.bin", "-q", "--force"],
    );
    assert_same_bytes(&dirs.downloaded("big.bin"), &file);
    assert_eq!(shown, "", "-q in a terminal");
}

#[test]
fn no_bar_in_a_pipe() {
    let dirs = Dirs::new("progress-pipe");
    let file = content(SIZE, 32);
    dirs.serve("big.bin", &file);
    let server = file_server(&dirs.root, &["-q"]);
    let out = client_in(&dirs.downloads, &[&server.addr.to_string(), "big.bin"]);
    assert!(out.success(), "{}", out.stderr);
    assert_same_bytes(&dirs.downloaded("big.bin"), &file);
    for drawing in ["ETA", "/s", "\r", "\x1b["] {
        assert!(
            !out.stderr.contains(drawing),
            "{drawing:?} in {:?}",
            out.stderr
        );
    }
}
