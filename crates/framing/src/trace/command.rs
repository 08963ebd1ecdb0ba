//! The command `tcp-trace` runs and traces (`tcp-trace -- COMMAND...`).
//!
//! - It is started only after the ready line, so not one of its segments is missed.
//! - Its `PATH` starts with `tcp-trace`'s own directory, so `tcp-trace -- tcp-echo-client
//!   ...` finds the workspace's own programs without installing them (and so does a
//!   shell script run under it).
//! - Its output is passed on line by line, each line in one write: the command and the
//!   diagram share a terminal, and a line of one must never cut into a line of the other.
//! - Its exit code becomes `tcp-trace`'s (128 + the signal's number if a signal ended
//!   it), as with `time` and `strace`, so `tcp-trace` can stand in front of any command
//!   in a script.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::Instant;

use super::session::TraceError;

/// `PATH` for the command, with this program's own directory first: the workspace's
/// programs are built side by side, so `tcp-trace -- tcp-echo-client ...` (or a shell
/// script run under it) finds them without installing anything.
fn path_with_own_dir() -> Option<OsString> {
    let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let mut dirs = vec![dir];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).ok()
}

/// The command being traced, and the threads passing its output on.
pub struct Running {
    child: Child,
    relays: Vec<JoinHandle<()>>,
}

impl Running {
    /// Waits for the command's last lines to be passed on (once it has exited).
    fn finish_output(self) {
        for relay in self.relays {
            let _ = relay.join();
        }
    }
}

/// Passes `from`'s lines on to `to`, each in one write: the command's output and the
/// diagram share the terminal, and a line of one must never cut into a line of the other.
fn relay(from: impl Read + Send + 'static, mut to: impl Write + Send + 'static) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut lines = BufReader::new(from);
        let mut line = Vec::new();
        while let Ok(n) = lines.read_until(b'\n', &mut line) {
            if n == 0 {
                break;
            }
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            if to.write_all(&line).and_then(|()| to.flush()).is_err() {
                break;
            }
            line.clear();
        }
    })
}

/// Starts the command, its output passed on line by line (see the module's docs).
pub fn start(command: &[OsString]) -> Result<Option<Running>, TraceError> {
    let Some((name, args)) = command.split_first() else {
        return Ok(None);
    };
    let failed = |source| TraceError::Command {
        command: name.to_string_lossy().into_owned(),
        source,
    };
    let mut child = Command::new(name);
    child
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path_with_own_dir() {
        // With PATH set for the child, the program itself is looked up in it too.
        child.env("PATH", path);
    }
    let mut child = child.spawn().map_err(failed)?;
    let mut relays = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        relays.push(relay(stdout, io::stdout()));
    }
    if let Some(stderr) = child.stderr.take() {
        relays.push(relay(stderr, io::stderr()));
    }
    Ok(Some(Running { child, relays }))
}

/// Notes when the command has exited (and with what code), if it has.
pub fn note_exit(
    child: &mut Option<Running>,
    exited: &mut Option<(i32, Instant)>,
    command: &[OsString],
) -> Result<(), TraceError> {
    if let (Some(running), None) = (child.as_mut(), *exited) {
        let status = running
            .child
            .try_wait()
            .map_err(|source| TraceError::Command {
                command: command[0].to_string_lossy().into_owned(),
                source,
            })?;
        *exited = status.map(|s| (exit_code(s), Instant::now()));
    }
    Ok(())
}

/// The exit code to pass on for a finished command.
fn exit_code(status: std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}

/// The exit code once the trace is over: the command's (waiting for it when Ctrl-C,
/// which it got too from the same terminal, stopped the trace first), or 0.
pub fn end(
    child: Option<Running>,
    exited: Option<(i32, Instant)>,
    command: &[OsString],
) -> Result<i32, TraceError> {
    let Some(mut running) = child else {
        return Ok(0);
    };
    let code = match exited {
        Some((code, _)) => code,
        None => running
            .child
            .wait()
            .map(exit_code)
            .map_err(|source| TraceError::Command {
                command: command[0].to_string_lossy().into_owned(),
                source,
            })?,
    };
    running.finish_output();
    Ok(code)
}
