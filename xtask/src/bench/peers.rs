//! The processes a benchmark measures: our servers and their peers, started, watched and
//! always stopped.
//!
//! A [`Process`] owns its child: dropping it kills the child and waits for it, so no server
//! outlives the benchmark, whether it ends normally, with an error, or with a panic.

use super::sys;
use anyhow::{bail, Context, Result};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a program may take to say it is ready (or to stop after Ctrl-C).
const START_DEADLINE: Duration = Duration::from_secs(15);
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
                for line in BufReader::new(out).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
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
                    let status = self.child.wait().ok();
                    bail!(
                        "{} ended before it was ready ({}){}",
                        self.name,
                        status.map_or_else(|| "no exit status".into(), |s| s.to_string()),
                        self.stderr_tail()
                    )
                }
            }
        }
    }

    /// The peak resident memory of the process so far, in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        sys::peak_rss_kib(self.pid())
    }

    /// Sends Ctrl-C, waits for the process to end, and returns its exit status and the
    /// lines it printed on standard output after the ones already read.
    pub fn interrupt(&mut self) -> Result<(ExitStatus, Vec<String>)> {
        sys::interrupt(self.pid()).with_context(|| format!("sending Ctrl-C to {}", self.name))?;
        let deadline = Instant::now() + START_DEADLINE;
        let status = loop {
            if let Some(status) = self.child.try_wait()? {
                break status;
            }
            if Instant::now() > deadline {
                bail!(
                    "{} did not stop within {} s of Ctrl-C{}",
                    self.name,
                    START_DEADLINE.as_secs(),
                    self.stderr_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The reader thread sees the end of the pipe once the process has gone (unless a
        // child of its own still holds it: hence the deadline).
        let mut lines = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_secs(2)) {
            lines.push(line);
        }
        Ok((status, lines))
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
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Reads `from` line by line, keeping the last [`STDERR_TAIL`] lines.
fn keep_tail(from: impl Read, tail: &Mutex<VecDeque<String>>) {
    for line in BufReader::new(from).lines() {
        let Ok(line) = line else { break };
        let Ok(mut tail) = tail.lock() else { break };
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

/// A server that announced `listening on IP:PORT` on its first line.
pub struct Server {
    pub process: Process,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `cmd` and waits for its `listening on IP:PORT` line.
    pub fn start(name: &str, cmd: &mut Command) -> Result<Server> {
        let mut process = Process::start(name, cmd)?;
        let line = process.wait_for_line(|l| l.starts_with("listening on "))?;
        let addr = line
            .trim_start_matches("listening on ")
            .trim()
            .parse()
            .with_context(|| format!("{name} printed {line:?}, not `listening on IP:PORT`"))?;
        Ok(Server { process, addr })
    }

    /// The peak resident memory so far, in KiB (read it just before stopping the server).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.process.peak_rss_kib()
    }
}

/// Whether `program` can be started (`program --version` runs).
pub fn found(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The course-style Python program `source`, run by python3 with `args`.
pub fn python(source: &str, args: &[String]) -> Command {
    let mut cmd = Command::new("python3");
    // -u: unbuffered, so the `listening on` line arrives at once.
    cmd.arg("-u").arg("-c").arg(source).args(args);
    cmd
}
