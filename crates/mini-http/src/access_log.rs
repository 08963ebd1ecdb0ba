//! The access log: one line per request on stderr, written off the serving threads.
//!
//! Writing to stderr is a system call, and stderr is unbuffered: a line per request,
//! written by the thread that answers it, would cost each request a `write` and a lock
//! shared by every thread. Here the serving threads only hand the line to a channel (a few
//! nanoseconds); one logging thread writes them out in batches, flushing whenever the
//! channel is empty. If the log cannot keep up, lines are dropped and counted rather than
//! slowing the server: the log is for people, the responses are for clients.

use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// How many lines may wait for the logging thread.
const BACKLOG: usize = 64 * 1024;

/// A handle to the access log; cheap to share between threads (`&AccessLog`).
#[derive(Debug)]
pub struct AccessLog {
    sender: Option<Sender<String>>,
    dropped: Arc<AtomicU64>,
    writer: Option<JoinHandle<()>>,
}

impl AccessLog {
    /// A log writing to stderr, or, when `enabled` is false, one that writes nothing
    /// (`-q`).
    pub fn new(enabled: bool) -> AccessLog {
        let dropped = Arc::new(AtomicU64::new(0));
        if !enabled {
            return AccessLog {
                sender: None,
                dropped,
                writer: None,
            };
        }
        let (sender, receiver) = crossbeam_channel::bounded(BACKLOG);
        let writer = std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_lines(&receiver))
            .ok();
        AccessLog {
            sender: writer.is_some().then_some(sender),
            dropped,
            writer,
        }
    }

    /// Whether lines are written (no `-q`): callers skip building a line nobody reads.
    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// Logs one line (without its newline).
    pub fn line(&self, line: String) {
        if let Some(sender) = &self.sender {
            if let Err(TrySendError::Full(_)) = sender.try_send(line) {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// How many lines were dropped because the log could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl Drop for AccessLog {
    /// Writes out every line still waiting, then ends the logging thread.
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The logging thread: waits for a line, then writes it and every other line already
/// waiting, and flushes once.
fn write_lines(receiver: &Receiver<String>) {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stderr());
    while let Ok(line) = receiver.recv() {
        let _ = writeln!(out, "{line}");
        while let Ok(line) = receiver.try_recv() {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disabled_log_takes_lines_and_writes_nothing() {
        let log = AccessLog::new(false);
        assert!(!log.enabled());
        log.line("nobody reads this".into());
        assert_eq!(log.dropped(), 0);
    }

    #[test]
    fn an_enabled_log_ends_cleanly_when_dropped() {
        let log = AccessLog::new(true);
        assert!(log.enabled());
        drop(log); // joins the logging thread: must not hang
    }
}
