//! A lesson server started for the tour or for a page's transcript.
//!
//! The server is started with `--port 0`; its first line says where it listens. Its
//! stdout and stderr share one pipe, as they share a terminal, so its lines keep the order
//! it printed them in. A thread collects them as they come, so that a caller can wait for
//! a line ("closed") before stopping the server, and print what it said afterwards, never
//! interleaved with a client's output.

use crate::run::bin;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
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
    /// What it printed (stdout and stderr) after the `listening on` line.
    printed: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
    /// Kept open and never written: a server that reads stdin (a chat) waits, as it would
    /// in a terminal, instead of seeing the end of its input at once.
    _stdin: Option<std::process::ChildStdin>,
}

impl Server {
    /// Starts `program args` and reads its `listening on IP:PORT` line.
    pub fn start(program: &str, args: &[String]) -> Result<Server> {
        let (read_end, write_end) = nix::unistd::pipe().context("creating a pipe")?;
        let mut child = Command::new(bin(program))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(
                write_end.try_clone().context("duplicating a pipe")?,
            ))
            .stderr(Stdio::from(write_end))
            .spawn()
            .with_context(|| format!("could not start {program}"))?;
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(std::fs::File::from(read_end));
        // Every lesson server says where it listens first; anything before it (a warning)
        // is kept. If the program dies instead, the pipe ends and the error names it.
        let mut before = String::new();
        let addr = loop {
            let mut line = String::new();
            let n = lines
                .read_line(&mut line)
                .with_context(|| format!("reading {program}'s first line"))?;
            if n == 0 {
                let _ = child.kill();
                let _ = child.wait();
                bail!("{program} did not say where it listens (it printed: {before:?})");
            }
            match line.trim().strip_prefix("listening on ") {
                Some(addr) => break addr.to_string(),
                None => before.push_str(&line),
            }
        };
        let printed = Arc::new(Mutex::new(before));
        let reader = {
            let printed = Arc::clone(&printed);
            // Keep reading: a server whose output pipe is closed would fail its next print.
            std::thread::spawn(move || collect(lines, &printed))
        };
        Ok(Server {
            child,
            addr,
            printed,
            reader: Some(reader),
            _stdin: stdin,
        })
    }

    /// Everything printed so far after the `listening on` line.
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

/// Appends everything `from` says to `printed`, line by line, until it ends.
fn collect(mut from: impl BufRead, printed: &Mutex<String>) {
    let mut line = Vec::new();
    while let Ok(n) = from.read_until(b'\n', &mut line) {
        if n == 0 {
            break;
        }
        if let Ok(mut printed) = printed.lock() {
            printed.push_str(&String::from_utf8_lossy(&line));
        }
        line.clear();
    }
}

/// Runs a client to the end with `input` on its stdin and its stdout and stderr on one
/// pipe, so its lines keep the order it wrote them in; returns what it printed and
/// whether it succeeded.
pub fn run_merged(program: &str, args: &[String], input: &str) -> Result<(String, bool)> {
    let (read_end, write_end) = nix::unistd::pipe().context("creating a pipe")?;
    let mut child = Command::new(bin(program))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::from(
            write_end.try_clone().context("duplicating a pipe")?,
        ))
        .stderr(Stdio::from(write_end))
        .current_dir(crate::run::root())
        .spawn()
        .with_context(|| format!("could not start {program}"))?;
    // The input is small (a few lines typed into a page), far below a pipe's capacity, so
    // writing it all before reading cannot deadlock; dropping stdin is the end of input.
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes())
            .with_context(|| format!("writing {program}'s input"))?;
    }
    // The Command that held the write ends is gone: the read ends when the client exits.
    let mut bytes = Vec::new();
    std::fs::File::from(read_end)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {program}'s output"))?;
    let ok = child
        .wait()
        .with_context(|| format!("waiting for {program}"))?
        .success();
    Ok((String::from_utf8_lossy(&bytes).into_owned(), ok))
}

/// Rewrites the port numbers of a session so that the text is the same on every run:
/// the server's `real` port is shown as the `shown` port the reader would use, the ports
/// in `keep` (written in the commands themselves) stay as they are, and every other port
/// after an address (the clients' ports, chosen by the OS) becomes 50001, 50002, ... in
/// order of first appearance. `from port 40000` (a port without its address) counts too.
pub fn renumber_ports(text: &str, real: u16, shown: u16, keep: &[u16]) -> String {
    let mut others: Vec<u16> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find([':', ' ']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        rest = after;
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let is_port = if before.ends_with(':') {
            is_host_end(&out[..out.len() - 1])
        } else {
            out.ends_with(" port ")
        };
        let port = match rest[..digits].parse::<u16>() {
            Ok(port) if is_port => port,
            _ => continue,
        };
        let new = if port == real || port == shown {
            shown
        } else if keep.contains(&port) {
            port
        } else {
            let index = others.iter().position(|&p| p == port).unwrap_or_else(|| {
                others.push(port);
                others.len() - 1
            });
            50001 + u16::try_from(index).unwrap_or(0)
        };
        out.push_str(&new.to_string());
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Whether `text` ends with an address that a `:PORT` can follow: an IPv4 address, an
/// IPv6 address in brackets, or `localhost`.
fn is_host_end(text: &str) -> bool {
    if text.ends_with(']') || text.ends_with("localhost") {
        return true;
    }
    let start = text
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    text[start..].parse::<std::net::Ipv4Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::renumber_ports;

    #[test]
    fn ports_are_renumbered_in_order() {
        let text =
            "listening on 127.0.0.1:41000\n[127.0.0.1:55555] hi\n[::1]:44444 x 127.0.0.1:55555\n";
        assert_eq!(
            renumber_ports(text, 41000, 8888, &[]),
            "listening on 127.0.0.1:8888\n[127.0.0.1:50001] hi\n[::1]:50002 x 127.0.0.1:50001\n"
        );
        assert_eq!(renumber_ports("127.0.0.1:x", 1, 2, &[]), "127.0.0.1:x");
    }

    #[test]
    fn kept_ports_times_and_bare_ports() {
        assert_eq!(
            renumber_ports(
                "127.0.0.2:8788 127.255.255.255:41000 at 12:30:45, from port 40000 祖:1",
                41000,
                7788,
                &[8788]
            ),
            "127.0.0.2:8788 127.255.255.255:7788 at 12:30:45, from port 50001 祖:1"
        );
    }
}
