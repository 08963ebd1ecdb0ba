//! A lesson server started for the tour or for a page's transcript.
//!
//! The server is started with `--port 0`; its first line says where it listens. Its
//! stdout and stderr share one pipe, as they share a terminal, so its lines keep the order
//! it printed them in. A thread collects them as they come, so that a caller can wait for
//! a line ("closed") before stopping the server, and print what it said afterwards, never
//! interleaved with a client's output. Every wait has a deadline.

use crate::child::pipe;
use crate::run::{bin, root};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a server may take to say where it listens, to print an awaited line, or to
/// exit after Ctrl-C. Generous: only a hung server ever reaches it.
const DEADLINE: Duration = Duration::from_secs(20);

/// A running server; stopped (Ctrl-C, then kill after the deadline) when dropped.
pub struct Server {
    child: Child,
    /// The address from its `listening on` line.
    pub addr: String,
    /// What it printed (stdout and stderr), without the `listening on` line.
    printed: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
    /// Kept open and never written: a server that reads stdin (a chat) waits, as it would
    /// in a terminal, instead of seeing the end of its input at once.
    _stdin: Option<std::process::ChildStdin>,
}

impl Server {
    /// Starts `program args` and waits (up to the deadline) for its `listening on
    /// IP:PORT` line.
    pub fn start(program: &str, args: &[String]) -> Result<Server> {
        let (read_end, write_end) = pipe()?;
        let mut command = Command::new(bin(program));
        command
            .args(args)
            // Paths in a page or the tour (`--root crates/...`) are written from the
            // workspace's root; Python writes what it prints at once, as in a terminal.
            .current_dir(root())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::from(
                write_end.try_clone().context("duplicating a pipe")?,
            ))
            .stderr(Stdio::from(write_end));
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {program}"))?;
        // Without the Command's copies of the write end, the pipe ends when the server does.
        drop(command);
        let stdin = child.stdin.take();
        let printed = Arc::new(Mutex::new(String::new()));
        let (found, listening) = mpsc::channel();
        let reader = {
            let printed = Arc::clone(&printed);
            let lines = BufReader::new(std::fs::File::from(read_end));
            std::thread::spawn(move || collect(lines, &printed, found))
        };
        let mut server = Server {
            child,
            addr: String::new(),
            printed,
            reader: Some(reader),
            _stdin: stdin,
        };
        // Every lesson server says where it listens first. If it dies first, the channel
        // closes; if it hangs, the deadline ends the wait. Either way `server` is dropped
        // on the way out, which stops the process.
        match listening.recv_timeout(DEADLINE) {
            Ok(addr) => server.addr = addr,
            Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                "{program} did not say where it listens within {} s (it printed: {:?})",
                DEADLINE.as_secs(),
                server.printed_so_far()
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => bail!(
                "{program} ended without saying where it listens (it printed: {:?})",
                server.printed_so_far()
            ),
        }
        Ok(server)
    }

    /// Everything printed so far, without the `listening on` line.
    fn printed_so_far(&self) -> String {
        self.printed.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// Waits until its output contains `text` `times` times (a line the server prints
    /// when it is done with a client, say), so that what follows does not depend on timing.
    pub fn wait_for(&self, text: &str, times: usize) -> Result<()> {
        let start = Instant::now();
        while self.printed_so_far().matches(text).count() < times {
            if start.elapsed() > DEADLINE {
                bail!(
                    "the server did not print {text:?} {times} time(s) within {} s (so far: {:?})",
                    DEADLINE.as_secs(),
                    self.printed_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    /// Stops the server as Ctrl-C would, and returns what it printed after the
    /// `listening on` line.
    pub fn stop(mut self) -> String {
        self.interrupt_and_wait();
        // The server is gone, so its pipe has ended (or will as soon as whatever it
        // started is gone too): the reader finishes.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        self.printed_so_far()
    }

    fn interrupt_and_wait(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.interrupt_and_wait();
    }
}

/// Appends what the server says to `printed`, line by line, until its pipe ends; the
/// `listening on` line goes to `found` instead. Bytes that are not UTF-8 are shown as
/// U+FFFD rather than ending the reading.
fn collect(mut from: impl BufRead, printed: &Mutex<String>, found: mpsc::Sender<String>) {
    let mut found = Some(found);
    let mut line = Vec::new();
    while let Ok(n) = from.read_until(b'\n', &mut line) {
        if n == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        match text.trim().strip_prefix("listening on ") {
            Some(addr) if found.is_some() => {
                if let Some(found) = found.take() {
                    let _ = found.send(addr.to_string());
                }
            }
            _ => {
                if let Ok(mut printed) = printed.lock() {
                    printed.push_str(&text);
                }
            }
        }
        line.clear();
    }
}
