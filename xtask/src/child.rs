//! Running a lesson program to its end, with a deadline, for the tour and the docs.
//!
//! Every wait here is bounded: a program that hangs (a regression, a server that never
//! answers) is killed after the deadline and reported, so that `cargo xtask test` never
//! hangs with it.

use crate::run::{bin, root};
use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long one client of the tour or of a page may run. Generous: the slowest ones wait
/// a second or two for replies on purpose; only a hung program reaches it.
pub const CLIENT_DEADLINE: Duration = Duration::from_secs(60);

/// A pipe whose two ends are closed in every program we start (`O_CLOEXEC`), except
/// where a child gets an end as its stdout or stderr: otherwise each child, and anything
/// it starts, would keep copies of pipes that are not its own, and a reader waiting for
/// the end of one would wait for processes that have nothing to do with it.
pub fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating a pipe")
}

/// What a finished program printed and how it ended.
pub struct Finished {
    /// Its stdout, or stdout and stderr together when they shared a pipe.
    pub out: String,
    /// Its stderr when it had its own pipe.
    pub err: String,
    /// How it exited.
    pub status: ExitStatus,
}

impl Finished {
    /// Whether it panicked (Rust's exit status for a panic is 101) or was killed by a
    /// signal: never something a page or the tour means to show.
    pub fn crashed(&self) -> bool {
        use std::os::unix::process::ExitStatusExt;
        self.status.code() == Some(101) || self.status.signal().is_some()
    }
}

/// Runs `program args` from the workspace root with `input` on its stdin. With `merged`
/// its stdout and stderr share one pipe (so its lines keep the order it wrote them in);
/// otherwise they are read apart.
pub fn run(program: &str, args: &[String], input: &str, merged: bool) -> Result<Finished> {
    let mut command = Command::new(bin(program));
    command.args(args).current_dir(root()).stdin(Stdio::piped());
    let (out_end, err_end) = if merged {
        let (read_end, write_end) = pipe()?;
        command
            .stdout(Stdio::from(
                write_end.try_clone().context("duplicating a pipe")?,
            ))
            .stderr(Stdio::from(write_end));
        (read_end, None)
    } else {
        let (out_read, out_write) = pipe()?;
        let (err_read, err_write) = pipe()?;
        command
            .stdout(Stdio::from(out_write))
            .stderr(Stdio::from(err_write));
        (out_read, Some(err_read))
    };
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {program}"))?;
    // The Command held our copies of the write ends; without them, each read below ends
    // when the program (and anything it started) has closed its own.
    drop(command);
    let out = read_all(out_end);
    let err = err_end.map(read_all);
    if let Some(mut stdin) = child.stdin.take() {
        // A few lines typed into a page. A program that exits without reading them
        // closes the pipe: that is its business, not an error here.
        match stdin.write_all(input.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(e).with_context(|| format!("writing {program}'s input"));
            }
            _ => {}
        }
    }
    let status = wait(&mut child, CLIENT_DEADLINE).with_context(|| program.to_string())?;
    Ok(Finished {
        out: joined(out),
        err: err.map(joined).unwrap_or_default(),
        status,
    })
}

/// Reads a pipe to its end on a thread of its own, so that two pipes are drained at once
/// and a program writing much to one never blocks.
pub fn read_all(from: OwnedFd) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // An error here ends the reading; what came before is kept.
        let _ = std::fs::File::from(from).read_to_end(&mut bytes);
        bytes
    })
}

fn joined(reader: JoinHandle<Vec<u8>>) -> String {
    String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned()
}

/// Waits for `child` to exit, killing it after `deadline`.
pub fn wait(child: &mut Child, deadline: Duration) -> Result<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().context("waiting for a program")? {
            return Ok(status);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("still running after {} s: killed", deadline.as_secs());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}
