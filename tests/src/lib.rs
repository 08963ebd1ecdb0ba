//! Helpers for the end-to-end tests: run the workspace's real programs as processes.
//!
//! - [`program`] finds a built lesson program (building the workspace's binaries once);
//! - [`run`] runs one to completion and captures what it printed;
//! - [`Server::start`] starts a server on `--port 0` and reads its first line,
//!   `listening on IP:PORT`, with a deadline, so a client never connects too early;
//!   [`Server::start_logged`] does the same and keeps the server's stderr, its log, for the
//!   test to read, and [`Server::start_command`] starts a peer (a Python server written in
//!   the course's style) that announces itself the same way;
//! - [`run_command`] runs any program (our clients, Python, nc) with a deadline, and
//!   [`run_command_raw`] does the same for one whose stdout is bytes, not text;
//! - [`tool`] and [`skip`] let a test that needs a real peer (python3, curl, nc) say
//!   "skipped: python3 not found" and pass when the peer is missing; `cargo xtask test`
//!   collects those lines into its summary;
//! - [`interrupt`], [`next_line`] and [`loopback_udp`] are the small pieces the UDP tests
//!   share: Ctrl-C for a child, a line with a deadline, a plain socket on loopback;
//! - [`line_containing`], [`rest_of`], [`tcp_connect`] and [`tcp_round_trip`] are the TCP
//!   tests' pieces: a log line awaited, the rest of a log, a connection with deadlines, one
//!   message sent and its whole answer read;
//! - [`flood`] and [`trickle`] are the TCP servers' two hard clients: one that sends and
//!   never reads, one that keeps talking, a byte at a time, never idle for long;
//!   [`assert_took`] checks how long a server took to give up on one, and [`seconds_in`]
//!   reads a duration back out of a log line;
//! - [`tcp_pair`] is both ends of a connection, for unit tests of code that reads or
//!   writes a socket.

#![deny(missing_docs)]

use anyhow::{bail, Context, Result};
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

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
    /// The server's stderr, line by line, when it is captured (see [`Server::stderr`]).
    stderr: Option<mpsc::Receiver<String>>,
}

impl Server {
    /// Starts lesson program `name` with `args` (which should include `--port 0`) and
    /// waits, up to [`STARTUP_DEADLINE`], for its `listening on IP:PORT` line.
    /// The server's stderr goes to the test's own.
    pub fn start<I, S>(name: &str, args: I) -> Result<Server>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program(name));
        command.args(args).stderr(Stdio::inherit());
        Server::launch(name, command, false)
    }

    /// Like [`Server::start`], but keeps the server's stderr, where TCP servers log
    /// connections and messages, for the test to read with [`Server::stderr`].
    pub fn start_logged<I, S>(name: &str, args: I) -> Result<Server>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(program(name));
        command.args(args);
        Server::launch(name, command, true)
    }

    /// Starts `command`, a program that is not one of ours (such as a Python server written
    /// in the course's style), which must also print `listening on IP:PORT` first. Its
    /// stdout and stderr are captured as with [`Server::start_logged`]; `what` names it in
    /// errors.
    pub fn start_command(what: &str, command: Command) -> Result<Server> {
        Server::launch(what, command, true)
    }

    /// Spawns `command` with stdout (and, if `capture_stderr`, stderr) piped, and reads
    /// the `listening on` line.
    fn launch(what: &str, mut command: Command, capture_stderr: bool) -> Result<Server> {
        command.stdin(Stdio::null()).stdout(Stdio::piped());
        if capture_stderr {
            command.stderr(Stdio::piped());
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let stdout = child.stdout.take().context("server stdout was not piped")?;
        let lines = lines_of(stdout);
        let stderr = child.stderr.take().map(lines_of);
        // What the server said on stderr before failing, for the error message.
        let said = |stderr: &Option<mpsc::Receiver<String>>| match stderr {
            Some(rx) => rx.try_iter().collect::<Vec<_>>().join("\n"),
            None => String::new(),
        };
        let first = match lines.recv_timeout(STARTUP_DEADLINE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "{what} printed no `listening on` line within {STARTUP_DEADLINE:?}{}",
                    stderr_note(&said(&stderr))
                );
            }
        };
        let addr = match first.strip_prefix("listening on ") {
            Some(addr) => match addr.trim().parse() {
                Ok(addr) => addr,
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(e).with_context(|| format!("bad address in {first:?}"));
                }
            },
            None => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "{what}'s first line was {first:?}, expected `listening on IP:PORT`{}",
                    stderr_note(&said(&stderr))
                );
            }
        };
        Ok(Server {
            child,
            addr,
            lines,
            stderr,
        })
    }

    /// The server process, e.g. to signal or wait for it.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// The server's stderr, line by line (read it with [`line_containing`], or with
    /// [`rest_of`] once the server has exited).
    ///
    /// # Panics
    /// When the server was started with [`Server::start`], which leaves stderr uncaptured.
    pub fn stderr(&self) -> &mpsc::Receiver<String> {
        match &self.stderr {
            Some(rx) => rx,
            None => panic!("this server's stderr is not captured: start it with start_logged"),
        }
    }

    /// Waits, up to `deadline`, for the server to exit (after [`interrupt`], say) and
    /// returns how it exited. Kills it and panics when it is still running at the deadline.
    pub fn wait_exit(&mut self, deadline: Duration) -> ExitStatus {
        wait_within(&mut self.child, deadline, "the server")
    }
}

/// `\nstderr:\n...` for an error message, or nothing when nothing was said.
fn stderr_note(said: &str) -> String {
    if said.is_empty() {
        String::new()
    } else {
        format!("\nstderr:\n{said}")
    }
}

/// Waits for `child` to exit, checking every few milliseconds (a poll, not a sleep the test
/// depends on); kills it and panics, naming `what`, when `deadline` passes first.
fn wait_within(child: &mut Child, deadline: Duration, what: &str) -> ExitStatus {
    let until = Instant::now() + deadline;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status,
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{what} did not exit within {deadline:?}");
            }
            Err(e) => panic!("waiting for {what}: {e}"),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `reader` (a child's stdout or stderr) into a channel from a thread,
/// so a test can wait for a line with a deadline ([`next_line`], [`line_containing`]).
/// The channel ends when the reader does (the process exited, or closed its output).
pub fn lines_of(reader: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines() {
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

/// Reads a program's `listening on IP:PORT` line (up to `deadline`) and returns the
/// address with the reader, the rest of the output left unread in the pipe: for tests
/// whose point is a program whose output nobody reads.
pub fn listening_address(
    stdout: std::process::ChildStdout,
    deadline: Duration,
) -> (BufReader<std::process::ChildStdout>, std::net::SocketAddr) {
    // Read by a thread, so that a program that never prints fails the test at the deadline.
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send((reader, line));
    });
    let (reader, first) = rx.recv_timeout(deadline).expect("the listening line");
    let addr = first
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("not a listening line: {first:?}"));
    (reader, addr)
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

/// Waits, up to `deadline` in all, for a line of `lines` (such as [`Server::lines`] or
/// [`Server::stderr`]) that contains `needle`, and returns it; the lines before it are
/// passed over. Panics, showing them, when no such line comes.
pub fn line_containing(lines: &mpsc::Receiver<String>, needle: &str, deadline: Duration) -> String {
    let until = Instant::now() + deadline;
    let mut passed = Vec::new();
    loop {
        match lines.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(line) if line.contains(needle) => return line,
            Ok(line) => passed.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("no line with {needle:?} within {deadline:?}; saw: {passed:#?}")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the output ended without a line with {needle:?}; saw: {passed:#?}")
            }
        }
    }
}

/// Every line left in `lines` until the output ends, each followed by a newline: the rest
/// of a log once its server has exited. Panics when the output has not ended within
/// `deadline` (the process, or one it started, still holds it open).
pub fn rest_of(lines: &mpsc::Receiver<String>, deadline: Duration) -> String {
    let until = Instant::now() + deadline;
    let mut text = String::new();
    loop {
        match lines.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return text,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("the output did not end within {deadline:?}; so far:\n{text}")
            }
        }
    }
}

/// Runs `command` (one of ours via [`program`], or a peer such as python3 or nc) with
/// `input` on its stdin and waits up to `deadline` for it to finish. Unlike [`run`], a
/// program that hangs (a peer waiting for bytes that never come) fails the test: it is
/// killed and the test panics.
pub fn run_command(command: Command, input: &[u8], deadline: Duration) -> Output {
    let out = run_command_raw(command, input, deadline);
    Output {
        code: out.code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: out.stderr,
    }
}

/// What a finished program wrote on stdout, byte for byte (a file's bytes, say), with its
/// stderr as text and how it exited.
#[derive(Debug)]
pub struct RawOutput {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything written to stdout, as it was written.
    pub stdout: Vec<u8>,
    /// Everything written to stderr, decoded as UTF-8 (lossily).
    pub stderr: String,
}

impl RawOutput {
    /// Whether the program exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// [`run_command`] for a program whose stdout is bytes rather than text: the same
/// deadline, the same panic when it hangs.
pub fn run_command_raw(mut command: Command, input: &[u8], deadline: Duration) -> RawOutput {
    let what = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {what}: {e}"));
    let stdin = child.stdin.take();
    let input = input.to_vec();
    // Written from a thread: a program may print a lot before it reads all its input.
    std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program that exits without reading its input closes the pipe: not an error.
            let _ = stdin.write_all(&input);
        }
    });
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    let status = wait_within(&mut child, deadline, &what);
    let bytes = |rx: mpsc::Receiver<Vec<u8>>| rx.recv_timeout(deadline).unwrap_or_default();
    RawOutput {
        code: status.code(),
        stdout: bytes(stdout),
        stderr: String::from_utf8_lossy(&bytes(stderr)).into_owned(),
    }
}

/// Reads `reader` to its end from a thread and sends what it read.
fn read_all(reader: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut reader) = reader {
            let _ = reader.read_to_end(&mut bytes);
        }
        let _ = tx.send(bytes);
    });
    rx
}

/// A TCP connection to `addr` whose reads and writes fail after `deadline` instead of
/// hanging a broken test. Panics when the connection cannot be made.
pub fn tcp_connect(addr: SocketAddr, deadline: Duration) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    stream
        .set_read_timeout(Some(deadline))
        .expect("setting a read timeout");
    stream
        .set_write_timeout(Some(deadline))
        .expect("setting a write timeout");
    stream
}

/// One exchange on a new connection to `addr`: sends `bytes`, half-closes (so the server
/// sees the end), and returns everything received until the server closes. Each read and
/// write fails after `deadline`.
pub fn tcp_round_trip(addr: SocketAddr, bytes: &[u8], deadline: Duration) -> Vec<u8> {
    let mut stream = tcp_connect(addr, deadline);
    stream.write_all(bytes).expect("sending to the server");
    stream
        .shutdown(Shutdown::Write)
        .expect("half-closing the connection");
    let mut got = Vec::new();
    stream
        .read_to_end(&mut got)
        .expect("reading until the server closes");
    got
}

/// How a client that sends and never reads ([`flood`]) was stopped.
#[derive(Debug)]
pub struct Flooded {
    /// The bytes its writes handed to the system before one failed.
    pub sent: usize,
    /// From its first write to the one the server's hang-up made fail.
    pub after: Duration,
}

/// Connects to `addr` and sends 1 MiB after 1 MiB without ever reading, until the server,
/// whose replies have nowhere to go, gives up and closes: its reset makes a write fail.
/// How much fits in the kernels' buffers (both sides' send and receive buffers, which
/// Linux grows on its own) is not known in advance, hence the loop.
///
/// # Panics
/// When a write fails otherwise (each has `deadline`: the server never gave up), or when
/// 1 GiB is taken without a stall (the server never stopped reading).
pub fn flood(addr: SocketAddr, deadline: Duration) -> Flooded {
    let stream = tcp_connect(addr, deadline);
    let chunk = vec![b'x'; 1 << 20];
    let start = Instant::now();
    let mut sent = 0usize;
    while sent < 1 << 30 {
        match (&stream).write_all(&chunk) {
            Ok(()) => sent += chunk.len(),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
                ) =>
            {
                return Flooded {
                    sent,
                    after: start.elapsed(),
                }
            }
            Err(e) => panic!("flooding {addr}: {e} (the server did not hang up)"),
        }
    }
    panic!("1 GiB went out without a stall: the server never stopped reading");
}

/// Checks how long a server took to give up on a client: at least `limit` (it must not
/// give up early), and well before twice `limit` (what a timeout given anew to each system
/// call of one long wait comes to). Generous margins: a loaded machine adds delay, never
/// removes any.
///
/// # Panics
/// When `took` is out of those bounds, naming `what` took that long.
pub fn assert_took(what: &str, took: Duration, limit: Duration) {
    let (least, most) = (limit.as_secs_f64() - 0.1, limit.as_secs_f64() * 1.95);
    let took = took.as_secs_f64();
    assert!(
        (least..most).contains(&took),
        "{what} took {took:.2} s; expected {least:.1} s to {most:.1} s"
    );
}

/// How a [`trickle`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trickled {
    /// It trickled for the whole time asked, and the connection is still open.
    StillOpen,
    /// The server hung up (its FIN, or a reset) after this long.
    HungUp(Duration),
}

/// A client that keeps talking, slowly: sends one byte on `stream`, reads its echo, waits
/// `gap`, and again, for `total` in all or until the server hangs up (a read of 0 bytes, or
/// a reset). The time is measured from the call. Each echo must arrive within the
/// stream's own read timeout (see [`tcp_connect`]), or the test fails.
pub fn trickle(stream: &TcpStream, gap: Duration, total: Duration) -> Trickled {
    let start = Instant::now();
    let mut stream = stream;
    while start.elapsed() < total {
        if stream.write_all(b".").is_err() {
            return Trickled::HungUp(start.elapsed());
        }
        let mut echo = [0u8; 1];
        match stream.read(&mut echo) {
            Ok(1) => {}
            Ok(_) => return Trickled::HungUp(start.elapsed()),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                return Trickled::HungUp(start.elapsed())
            }
            Err(e) => panic!("waiting for the echo of a trickled byte: {e}"),
        }
        std::thread::sleep(gap);
    }
    Trickled::StillOpen
}

/// The number of seconds written in `line` between `before` and ` s` (`a reply waited 2.0
/// s for room`: `seconds_in(line, "waited ")` is 2.0). Panics, showing the line, when there
/// is none.
pub fn seconds_in(line: &str, before: &str) -> f64 {
    line.split_once(before)
        .and_then(|(_, rest)| rest.split_once(" s"))
        .and_then(|(number, _)| number.parse().ok())
        .unwrap_or_else(|| panic!("no number of seconds after {before:?} in {line:?}"))
}

/// Both ends of a TCP connection on 127.0.0.1, `(client, server_side)`: for unit tests of
/// code that reads or writes a socket. Panics when loopback cannot be used.
pub fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding on loopback");
    let addr = listener.local_addr().expect("the listener's address");
    let client = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    let (server_side, _) = listener.accept().expect("accepting on loopback");
    (client, server_side)
}
