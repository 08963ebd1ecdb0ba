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
//! - It never outlives `tcp-trace`. When the trace stops first (Ctrl-C, `--count`, or an
//!   error such as a closed pipe), the command gets SIGINT, as Ctrl-C in a terminal
//!   would send it, then SIGKILL if it is still running [`STOP_WAIT`] later. Every way
//!   out goes through one place: dropping [`Running`]. (Ctrl-C in a terminal reaches
//!   the command directly too, so it may get SIGINT twice; the workspace's programs
//!   take the second as they take the first.)
//! - Its output is passed on until it is closed, or at most [`OUTPUT_WAIT`] after the
//!   command exited: a process the command left in the background may hold its stdout
//!   open for long, and `tcp-trace` must not wait for it.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::session::TraceError;

/// How long a command has to exit after its SIGINT before it is killed: longer than the
/// 2 s the workspace's servers give their current client when stopped.
pub const STOP_WAIT: Duration = Duration::from_secs(3);
/// How long, after the command exited, its last lines may take to arrive.
pub const OUTPUT_WAIT: Duration = Duration::from_millis(500);
/// How often a stopping command is asked whether it has exited.
const REAP_EVERY: Duration = Duration::from_millis(5);

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
///
/// Dropping it stops the command (SIGINT, then SIGKILL after [`STOP_WAIT`]) and reaps
/// it, so that no way out of `tcp-trace`, an error included, leaves it running.
pub struct Running {
    child: Child,
    name: String,
    /// Its exit code and when it was seen, once it has exited.
    exited: Option<(i32, Instant)>,
    /// One message from each relay thread as it ends.
    relays_done: Receiver<()>,
    relays: usize,
}

/// Passes `from`'s lines on to `to`, each in one write: the command's output and the
/// diagram share the terminal, and a line of one must never cut into a line of the other.
/// Says on `done` when the output is closed (or `to` is).
fn relay(from: impl Read + Send + 'static, mut to: impl Write + Send + 'static, done: Sender<()>) {
    // Not joined: a relay whose pipe a background process holds open ends with the
    // program.
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
        let _ = done.send(());
    });
}

/// Starts the command, its output passed on line by line (see the module's docs).
pub fn start(command: &[OsString]) -> Result<Option<Running>, TraceError> {
    let Some((name, args)) = command.split_first() else {
        return Ok(None);
    };
    let name_text = name.to_string_lossy().into_owned();
    let mut child = Command::new(name);
    child
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = path_with_own_dir() {
        // With PATH set for the child, the program itself is looked up in it too.
        child.env("PATH", path);
    }
    let mut child = child.spawn().map_err(|source| TraceError::Command {
        command: name_text.clone(),
        source,
    })?;
    let (done, relays_done) = mpsc::channel();
    let mut relays = 0;
    if let Some(stdout) = child.stdout.take() {
        relay(stdout, io::stdout(), done.clone());
        relays += 1;
    }
    if let Some(stderr) = child.stderr.take() {
        relay(stderr, io::stderr(), done);
        relays += 1;
    }
    Ok(Some(Running {
        child,
        name: name_text,
        exited: None,
        relays_done,
        relays,
    }))
}

impl Running {
    fn error(&self, source: io::Error) -> TraceError {
        TraceError::Command {
            command: self.name.clone(),
            source,
        }
    }

    /// When the command exited, if it has (asked without waiting).
    pub fn exited(&mut self) -> Result<Option<Instant>, TraceError> {
        if self.exited.is_none() {
            let status = self.child.try_wait().map_err(|e| self.error(e))?;
            self.exited = status.map(|s| (exit_code(s), Instant::now()));
        }
        Ok(self.exited.map(|(_, at)| at))
    }

    /// Ends the command if it is still running: SIGINT, then SIGKILL if it has not
    /// exited [`STOP_WAIT`] later. Returns its exit code.
    fn stop(&mut self) -> io::Result<i32> {
        if let Some((code, _)) = self.exited {
            return Ok(code);
        }
        if let Some(status) = self.child.try_wait()? {
            return Ok(self.note(status));
        }
        interrupt(&self.child);
        let until = Instant::now() + STOP_WAIT;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait()? {
                return Ok(self.note(status));
            }
            std::thread::sleep(REAP_EVERY);
        }
        // Already gone between the two calls is fine: the wait below reaps it.
        let _ = self.child.kill();
        let status = self.child.wait()?;
        Ok(self.note(status))
    }

    fn note(&mut self, status: ExitStatus) -> i32 {
        let code = exit_code(status);
        self.exited = Some((code, Instant::now()));
        code
    }

    /// The exit code once the trace is over, stopping the command first if it is still
    /// running, and passing on its last lines (waiting at most [`OUTPUT_WAIT`]).
    pub fn finish(mut self) -> Result<i32, TraceError> {
        let code = self.stop().map_err(|e| self.error(e))?;
        let until = Instant::now() + OUTPUT_WAIT;
        for _ in 0..self.relays {
            let left = until.saturating_duration_since(Instant::now());
            if self.relays_done.recv_timeout(left).is_err() {
                break;
            }
        }
        Ok(code)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Nothing more can be done about an error here: the command is killed or gone.
        let _ = self.stop();
    }
}

/// Sends SIGINT to the command, as Ctrl-C in a terminal would.
fn interrupt(child: &Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{kill, Signal};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(child.id()) {
            // It may have exited meanwhile (not yet reaped, so the pid is still its own).
            let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
        }
    }
    #[cfg(not(unix))]
    let _ = child;
}

/// The exit code to pass on for a finished command.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    status.code().unwrap_or(1)
}
