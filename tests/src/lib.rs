//! Helpers for the end-to-end tests: run the workspace's real programs as processes.
//!
//! - [`program`] finds a built lesson program (building the workspace's binaries once);
//! - [`run`] runs one to completion and captures what it printed;
//! - [`Server::start`] starts a server on `--port 0` and reads its first line,
//!   `listening on IP:PORT`, with a deadline, so a client never connects too early;
//! - [`tool`] and [`skip`] let a test that needs a real peer (python3, curl, nc) say
//!   "skipped: python3 not found" and pass when the peer is missing; `cargo xtask test`
//!   collects those lines into its summary;
//! - [`interrupt`], [`next_line`] and [`loopback_udp`] are the small pieces the UDP tests
//!   share: Ctrl-C for a child, a line with a deadline, a plain socket on loopback.

#![deny(missing_docs)]

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::Duration;

/// How long a server may take to print its `listening on` line before a test gives up.
/// A deadline, not a sleep: a healthy server answers in milliseconds.
pub const STARTUP_DEADLINE: Duration = Duration::from_secs(30);

/// The directory holding the built programs: the test binary lives in `target/debug/deps`,
/// and the programs one level up.
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let deps = exe.parent().unwrap_or(Path::new("."));
    deps.parent().unwrap_or(deps).to_path_buf()
}

/// Builds every binary of the workspace once per test process. Cargo does not build
/// other packages' binaries for a package's tests, so the tests ask for them; when they
/// are up to date this is a quick no-op.
fn build_once() -> Result<(), String> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--workspace",
                    "--bins",
                    "--quiet",
                    "--manifest-path",
                ])
                .arg(manifest)
                .status()
                .map_err(|e| format!("could not run cargo build: {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("cargo build --workspace --bins failed ({status})"))
            }
        })
        .clone()
}

/// The path of a built lesson program, e.g. `program("netbasics")`.
///
/// # Panics
/// When the workspace's binaries cannot be built (a test cannot go on without them).
pub fn program(name: &str) -> PathBuf {
    if let Err(err) = build_once() {
        panic!("{err}");
    }
    let path = bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "no program {} was built", path.display());
    path
}

/// What a finished program printed, and how it exited.
#[derive(Debug)]
pub struct Output {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout, decoded as UTF-8 (lossily).
    pub stdout: String,
    /// Everything written to stderr, decoded as UTF-8 (lossily).
    pub stderr: String,
}

impl Output {
    /// Whether the program exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs a lesson program with `args` and waits for it to finish.
pub fn run<I, S>(name: &str, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    run_with_input(name, args, b"")
}

/// Runs a lesson program with `args`, writing `input` to its stdin.
pub fn run_with_input<I, S>(name: &str, args: I, input: &[u8]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(program(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        // A program that exits without reading its input closes the pipe: not an error here.
        let _ = stdin.write_all(input);
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {name}: {e}"));
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A server process started for a test; killed when dropped.
pub struct Server {
    child: Child,
    /// The address the server reported in its `listening on` line.
    pub addr: SocketAddr,
    /// The rest of the server's stdout, line by line.
    pub lines: mpsc::Receiver<String>,
}

impl Server {
    /// Starts lesson program `name` with `args` (which should include `--port 0`) and
    /// waits, up to [`STARTUP_DEADLINE`], for its `listening on IP:PORT` line.
    pub fn start<I, S>(name: &str, args: I) -> Result<Server>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(program(name))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        let stdout = child.stdout.take().context("server stdout was not piped")?;
        let lines = forward_lines(stdout);
        let first = match lines.recv_timeout(STARTUP_DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                bail!("{name} printed no `listening on` line within {STARTUP_DEADLINE:?}");
            }
        };
        let addr = match first.strip_prefix("listening on ") {
            Some(addr) => addr
                .trim()
                .parse()
                .with_context(|| format!("bad address in {first:?}"))?,
            None => {
                let _ = child.kill();
                bail!("{name}'s first line was {first:?}, expected `listening on IP:PORT`");
            }
        };
        Ok(Server { child, addr, lines })
    }

    /// The server process, e.g. to signal or wait for it.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `stdout` into a channel from a thread, so a test can wait with a deadline.
fn forward_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Finds a tool on `PATH` (python3, curl, nc, ...).
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
        .find(|candidate| candidate.is_file())
}

/// Records that `test` was skipped because `tool` is missing: prints
/// `skipped: <tool> not found` and, under `cargo xtask test`, adds a line to its summary.
pub fn skip(test: &str, tool: &str) {
    skip_because(test, &format!("{tool} not found"));
}

/// Records that `test` was skipped for `reason` (a missing tool, a permission this machine
/// does not grant): prints `skipped: <reason>` and adds a line to `cargo xtask test`'s summary.
pub fn skip_because(test: &str, reason: &str) {
    let line = format!("{test}: skipped: {reason}");
    eprintln!("{line}");
    if let Some(log) = std::env::var_os("E2E_SKIP_LOG") {
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
        {
            let _ = writeln!(file, "{line}");
        }
    }
}

/// A `python3` that can be used as a peer or an oracle, or `None` after recording a skip.
pub fn python3(test: &str) -> Option<PathBuf> {
    let found = tool("python3");
    if found.is_none() {
        skip(test, "python3");
    }
    found
}

/// Sends SIGINT, what Ctrl-C sends, to `child` (with the `kill` command). Panics when
/// that fails: the test cannot go on.
pub fn interrupt(child: &Child) {
    let pid = child.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap_or_else(|e| panic!("running kill -INT {pid}: {e}"));
    assert!(status.success(), "kill -INT {pid} failed");
}

/// The next line from `lines` (such as [`Server::lines`]), waiting at most `deadline`.
/// Panics, naming `what` was expected, when no line comes: the deadline only fails a
/// hung test, so make it generous.
pub fn next_line(lines: &mpsc::Receiver<String>, deadline: Duration, what: &str) -> String {
    match lines.recv_timeout(deadline) {
        Ok(line) => line,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("no line within {deadline:?}: expected {what}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("the output ended: expected {what}")
        }
    }
}

/// A plain UDP socket on 127.0.0.1, on a port the system picks, whose reads fail after
/// `deadline` instead of hanging a broken test.
pub fn loopback_udp(deadline: Duration) -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("binding a loopback UDP socket");
    socket
        .set_read_timeout(Some(deadline))
        .expect("setting a read timeout");
    socket
}
