//! The processes a benchmark measures: our servers and their peers, started, watched and
//! always stopped.
//!
//! A [`Process`] owns its child: dropping it kills the child and waits for it, so no server
//! outlives the benchmark, whether it ends normally, with an error, or with a panic. Its
//! output is read to the end by threads of ours, whatever bytes it holds: a child whose
//! pipe nobody empties blocks on its next write once the pipe is full.

use super::sys;
use anyhow::{bail, Context, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a program may take to say it is ready.
const START_DEADLINE: Duration = Duration::from_secs(15);
/// How long a program may take to end once asked to (Ctrl-C), or once it has closed its
/// output; after that it is killed.
const STOP_DEADLINE: Duration = Duration::from_secs(10);
/// How many of the last lines of standard error are kept for error messages.
const STDERR_TAIL: usize = 20;

/// A running child process, killed and waited for when dropped.
pub struct Process {
    name: String,
    child: Child,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Process {
    /// Starts `cmd` with its standard output and error read by this process.
    pub fn start(name: &str, cmd: &mut Command) -> Result<Process> {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {name} ({cmd:?})"))?;
        let (tx, stdout) = mpsc::channel();
        if let Some(out) = child.stdout.take() {
            std::thread::spawn(move || {
                // Read to the end even when nobody listens any more, so the child never
                // blocks on a full pipe.
                for_each_line(out, |line| {
                    let _ = tx.send(line);
                });
            });
        }
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(err) = child.stderr.take() {
            let tail = Arc::clone(&stderr);
            std::thread::spawn(move || keep_tail(err, &tail));
        }
        Ok(Process {
            name: name.to_string(),
            child,
            stdout,
            stderr,
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the first line of standard output for which `wanted` holds.
    pub fn wait_for_line(&mut self, wanted: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) if wanted(&line) => return Ok(line),
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => bail!(
                    "{} did not say it was ready within {} s{}",
                    self.name,
                    START_DEADLINE.as_secs(),
                    self.stderr_tail()
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    // Its output is closed, but a program can close it and go on running:
                    // it is given a moment to end, then killed.
                    let status = match self.wait_or_kill(Instant::now() + STOP_DEADLINE) {
                        Some(status) => status.to_string(),
                        None => "closed its output without ending, so it was killed".into(),
                    };
                    bail!(
                        "{} ended before it was ready ({status}){}",
                        self.name,
                        self.stderr_tail()
                    )
                }
            }
        }
    }

    /// The exit status, if the process has ended.
    pub fn ended(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// The peak resident memory of the process so far, in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        sys::peak_rss_kib(self.pid())
    }

    /// Sends Ctrl-C, waits for the process to end, and returns its exit status and the
    /// lines it printed on standard output after the ones already read.
    pub fn interrupt(&mut self) -> Result<(ExitStatus, Vec<String>)> {
        sys::interrupt(self.pid()).with_context(|| format!("sending Ctrl-C to {}", self.name))?;
        let Some(status) = self.wait_or_kill(Instant::now() + STOP_DEADLINE) else {
            bail!(
                "{} did not stop within {} s of Ctrl-C, so it was killed{}",
                self.name,
                STOP_DEADLINE.as_secs(),
                self.stderr_tail()
            );
        };
        // The reader thread sees the end of the pipe once the process has gone (unless a
        // child of its own still holds it: hence the deadline).
        let mut lines = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(2)) {
            lines.push(line);
        }
        Ok((status, lines))
    }

    /// Waits for the process to end until `deadline`, and returns its exit status; kills it
    /// (and returns `None`) if it is still running then.
    fn wait_or_kill(&mut self, deadline: Instant) -> Option<ExitStatus> {
        match wait_until(&mut self.child, deadline) {
            Ok(Some(status)) => Some(status),
            _ => {
                kill(&mut self.child);
                None
            }
        }
    }

    /// The last lines of standard error, for an error message.
    pub fn stderr_tail(&self) -> String {
        let tail = match self.stderr.lock() {
            Ok(tail) => tail.iter().cloned().collect::<Vec<_>>(),
            Err(_) => Vec::new(),
        };
        if tail.is_empty() {
            String::new()
        } else {
            format!("; its last messages:\n{}", tail.join("\n"))
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

/// Kills `child` unless it has ended, then reaps it. Waiting after a kill cannot block
/// for long: a killed process ends at once.
fn kill(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Polls `child` until it ends (its exit status) or `deadline` passes (`None`).
fn wait_until(child: &mut Child, deadline: Instant) -> std::io::Result<Option<ExitStatus>> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Calls `each` with every line of `from` (without its line ending) until the end.
///
/// `BufRead::lines` would stop at the first line that is not UTF-8, and the pipe would no
/// longer be emptied; here the bytes that are not UTF-8 become U+FFFD and reading goes on.
fn for_each_line(from: impl Read, mut each: impl FnMut(String)) {
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {
                if line.last() == Some(&b'\n') {
                    line.pop();
                }
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                each(String::from_utf8_lossy(&line).into_owned());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return,
        }
    }
}

/// Reads `from` to the end, keeping the last [`STDERR_TAIL`] lines.
fn keep_tail(from: impl Read, tail: &Mutex<VecDeque<String>>) {
    for_each_line(from, |line| {
        // A poisoned lock only loses the message; the pipe is still emptied.
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_TAIL {
                tail.pop_front();
            }
            tail.push_back(line);
        }
    });
}

/// Runs `cmd` to its end, like [`Command::output`], but kills it if it has not ended
/// within `limit`: a peer that hangs turns into an error instead of a benchmark that never
/// finishes.
pub fn output_within(cmd: &mut Command, limit: Duration) -> Result<Output> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    // Both pipes are read on threads while this one watches the clock.
    let read_all = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read_all(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read_all(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = match wait_until(&mut child, Instant::now() + limit) {
        Ok(Some(status)) => status,
        Ok(None) => {
            kill(&mut child);
            bail!(
                "{cmd:?} did not end within {} s, so it was killed",
                limit.as_secs()
            );
        }
        Err(e) => {
            kill(&mut child);
            return Err(e).with_context(|| format!("waiting for {cmd:?}"));
        }
    };
    let join = |reader: std::thread::JoinHandle<Vec<u8>>| {
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the thread reading {cmd:?} panicked"))
    };
    Ok(Output {
        status,
        stdout: join(stdout)?,
        stderr: join(stderr)?,
    })
}

/// A server that announced `listening on IP:PORT` on its first line.
pub struct Server {
    pub process: Process,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `cmd` and waits for its `listening on IP:PORT` line.
    pub fn start(name: &str, cmd: &mut Command) -> Result<Server> {
        Server::start_saying(name, cmd, "listening on ", |rest| rest.trim().parse().ok())
    }

    /// Starts `cmd` and waits for the line that starts with `prefix`, in whose rest
    /// `address` finds the address: for a peer that announces itself in words of its own.
    pub fn start_saying(
        name: &str,
        cmd: &mut Command,
        prefix: &str,
        address: impl Fn(&str) -> Option<SocketAddr>,
    ) -> Result<Server> {
        let mut process = Process::start(name, cmd)?;
        let line = process.wait_for_line(|l| l.starts_with(prefix))?;
        let addr = address(&line[prefix.len()..]).with_context(|| {
            format!("{name} printed {line:?}, with no address after {prefix:?}")
        })?;
        Ok(Server { process, addr })
    }

    /// The peak resident memory so far, in KiB (read it just before stopping the server).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.process.peak_rss_kib()
    }
}

pub use crate::run::found;

/// The course-style Python program `source`, run by python3 with `args`.
pub fn python(source: &str, args: &[String]) -> Command {
    let mut cmd = Command::new("python3");
    // -u: unbuffered, so the `listening on` line arrives at once.
    cmd.arg("-u").arg("-c").arg(source).args(args);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_go_on_after_bytes_that_are_not_utf8() {
        let input: &[u8] = b"first\r\nbad \xff\xfe byte\nlast without end";
        let mut lines = Vec::new();
        for_each_line(input, |l| lines.push(l));
        assert_eq!(
            lines,
            ["first", "bad \u{fffd}\u{fffd} byte", "last without end"]
        );
    }

    #[test]
    fn the_tail_keeps_the_last_lines_only() {
        let input: String = (0..STDERR_TAIL + 5)
            .map(|i| format!("line {i}\n"))
            .collect();
        let tail = Mutex::new(VecDeque::new());
        keep_tail(input.as_bytes(), &tail);
        let tail = tail.into_inner().expect("not poisoned");
        assert_eq!(tail.len(), STDERR_TAIL);
        assert_eq!(tail.front().map(String::as_str), Some("line 5"));
    }

    #[cfg(unix)]
    #[test]
    fn output_within_returns_what_a_quick_program_printed() {
        let out = output_within(
            Command::new("sh").args(["-c", "echo out; echo err >&2"]),
            STOP_DEADLINE,
        )
        .expect("sh runs");
        assert!(out.status.success());
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
    }

    #[cfg(unix)]
    #[test]
    fn output_within_kills_a_program_that_does_not_end() {
        let err = output_within(Command::new("sleep").arg("60"), Duration::ZERO)
            .expect_err("sleep 60 outlives a zero limit");
        assert!(err.to_string().contains("killed"), "{err}");
    }
}
