//! Running an allowed command with limits: no shell, no stdin, bounded output and time.
//!
//! The course's server reads `ret.stdout.read()` then `ret.stderr.read()`: a command that
//! fills the stderr pipe while the server waits on stdout blocks both forever. Here both
//! pipes are drained at once by two threads, each keeping at most `max_output` bytes.
//! When a pipe has given that much, it is closed: a command that would print forever
//! (`seq inf`) gets SIGPIPE and ends at once. A command still running after `timeout` is
//! killed together with any processes it started (its process group), so no grandchild
//! keeps a pipe open and the server waiting. The command gets the server's environment
//! without `POSIXLY_CORRECT`, so it reads its options as the allow-list does
//! ([`crate::policy::getopt`]).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It exited with this status code.
    Exited(i32),
    /// A signal ended it (Unix), e.g. because it was killed for running too long.
    Signalled(i32),
    /// It ran past the time limit and was killed.
    TimedOut,
    /// It could not be started (not installed, not executable).
    NotStarted(String),
}

/// What a finished command produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// How it ended.
    pub outcome: Outcome,
    /// Its standard output (at most the limit).
    pub stdout: Vec<u8>,
    /// Its standard error (at most the limit).
    pub stderr: Vec<u8>,
    /// Whether output beyond the limit was thrown away.
    pub truncated: bool,
}

/// Limits for one command.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The most bytes kept from each of stdout and stderr.
    pub max_output: usize,
    /// How long the command may run.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_output: 1024 * 1024,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Runs `argv` (already allowed by the policy) in `dir` under `limits`.
///
/// # Examples
///
/// ```
/// use framing::runner::{run, Limits, Outcome};
///
/// let out = run(&["echo".into(), "hi; rm -rf /".into()], ".".as_ref(), Limits::default());
/// assert_eq!(out.outcome, Outcome::Exited(0));
/// assert_eq!(out.stdout, b"hi; rm -rf /\n");
/// ```
pub fn run(argv: &[String], dir: &std::path::Path, limits: Limits) -> Output {
    let Some((program, args)) = argv.split_first() else {
        return not_started("empty command".into());
    };
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        // The allow-list reads options the GNU way, where they may follow operands
        // (`ls src -l`); POSIXLY_CORRECT would make `-l` there a file name instead.
        .env_remove("POSIXLY_CORRECT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so the timeout can stop everything it started.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let child = command.spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return not_started(format!("{program}: {e}")),
    };
    let stdout = child.stdout.take().map(|s| drain(s, limits.max_output));
    let stderr = child.stderr.take().map(|s| drain(s, limits.max_output));
    let outcome = wait(&mut child, limits.timeout);
    let join = |h: Option<std::thread::JoinHandle<(Vec<u8>, bool)>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    let (stdout, cut_out) = join(stdout);
    let (stderr, cut_err) = join(stderr);
    Output {
        outcome,
        stdout,
        stderr,
        truncated: cut_out || cut_err,
    }
}

fn not_started(why: String) -> Output {
    Output {
        outcome: Outcome::NotStarted(why),
        stdout: Vec::new(),
        stderr: Vec::new(),
        truncated: false,
    }
}

/// Reads a pipe on a thread until it ends or has given more than `max` bytes; the command
/// never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(
    mut pipe: R,
    max: usize,
) -> std::thread::JoinHandle<(Vec<u8>, bool)> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut cut = false;
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = max - kept.len();
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if n > room {
                        // Enough: closing the pipe (dropping it) ends a command that
                        // would go on printing.
                        cut = true;
                        break;
                    }
                }
            }
        }
        (kept, cut)
    })
}

/// Waits for the child, killing it at the deadline. std has no wait-with-timeout, so this
/// polls `try_wait` every few milliseconds: simple, and cheap next to starting a process.
fn wait(child: &mut Child, timeout: Duration) -> Outcome {
    // A timeout too large to add means "no deadline" in practice.
    let deadline = Instant::now()
        .checked_add(timeout)
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 24 * 3600));
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status_outcome(status),
            Ok(None) if Instant::now() >= deadline => {
                kill_group(child);
                let _ = child.wait();
                return Outcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Outcome::NotStarted(format!("waiting for the command: {e}")),
        }
    }
}

/// Kills the command and every process in its group.
fn kill_group(child: &mut Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{killpg, Signal};
        use nix::unistd::Pid;
        // The group's id is the child's pid (process_group(0) above).
        if let Ok(pid) = i32::try_from(child.id()) {
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    let _ = child.kill();
}

fn status_outcome(status: std::process::ExitStatus) -> Outcome {
    if let Some(code) = status.code() {
        return Outcome::Exited(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return Outcome::Signalled(signal);
        }
    }
    Outcome::Exited(-1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn output_is_bounded_and_the_command_not_blocked() {
        let limits = Limits {
            max_output: 100,
            timeout: Duration::from_secs(60),
        };
        // seq prints ~590 KB: far more than a pipe holds; it must still finish.
        let out = run(&argv(&["seq", "1", "100000"]), ".".as_ref(), limits);
        // seq ends by SIGPIPE when the pipe closes (or exits, if it was done already).
        assert!(
            matches!(out.outcome, Outcome::Exited(_) | Outcome::Signalled(_)),
            "{:?}",
            out.outcome
        );
        assert_eq!(out.stdout.len(), 100);
        assert!(out.truncated);
    }

    #[test]
    fn missing_program_and_failure_status() {
        let out = run(
            &argv(&["no-such-program-here"]),
            ".".as_ref(),
            Limits::default(),
        );
        assert!(matches!(out.outcome, Outcome::NotStarted(_)));
        let out = run(
            &argv(&["ls", "no-such-file-here"]),
            ".".as_ref(),
            Limits::default(),
        );
        assert!(matches!(out.outcome, Outcome::Exited(code) if code != 0));
        assert!(!out.stderr.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn posixly_correct_is_not_passed_on() {
        // Set in this test process for a moment; `run` must not hand it to the command, or
        // `ls src -l` would list a file named `-l` where the allow-list saw an option.
        std::env::set_var("POSIXLY_CORRECT", "1");
        let shell = argv(&["sh", "-c", "echo ${POSIXLY_CORRECT-unset}"]);
        let out = run(&shell, ".".as_ref(), Limits::default());
        std::env::remove_var("POSIXLY_CORRECT");
        assert_eq!(out.stdout, b"unset\n");
    }
}

#[cfg(test)]
mod timeout_tests {
    use super::*;

    #[test]
    fn endless_output_stops_at_the_limit() {
        let limits = Limits {
            max_output: 1000,
            timeout: Duration::from_secs(3600),
        };
        // Without closing the pipe this would run until the one-hour timeout.
        let out = run(&["seq".into(), "inf".into()], ".".as_ref(), limits);
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
        assert_ne!(out.outcome, Outcome::TimedOut);
    }

    #[cfg(unix)]
    #[test]
    fn the_timeout_kills_grandchildren_too() {
        let limits = Limits {
            max_output: 100,
            timeout: Duration::ZERO,
        };
        // sh starts sleep, which inherits the pipes: killing only sh would leave the
        // reader threads waiting 30 s for sleep.
        let argv = ["sh".into(), "-c".into(), "sleep 30; echo done".into()];
        let start = std::time::Instant::now();
        let out = run(&argv, ".".as_ref(), limits);
        assert_eq!(out.outcome, Outcome::TimedOut);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for the grandchild"
        );
    }

    #[test]
    fn a_command_past_its_deadline_is_killed() {
        let limits = Limits {
            max_output: 100,
            timeout: Duration::ZERO,
        };
        // `sleep 30` cannot finish within a zero deadline, however fast the machine.
        let out = run(&["sleep".into(), "30".into()], ".".as_ref(), limits);
        assert_eq!(out.outcome, Outcome::TimedOut);
    }
}
