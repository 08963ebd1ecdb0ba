//! The client's side: ask for a file, check the answer, and save it only when it is whole.
//!
//! The course's client, step by step, and what changes here:
//!
//! | the course (002, 004) | here |
//! |---|---|
//! | 3. `connect` | [`tcp_echo::client::connect`], with a timeout |
//! | 5. `send(file_name.encode())` | a [`Request`]: the name, an offset, whether to send a hash |
//! | 7. `recv(1024) == 'no_file'` on every chunk | one header with a status, read once, before any data |
//! | 6. `open(name, 'wb')` (002), `open('[新]' + name, 'ab')` per chunk (004) | `PATH.part`, renamed to `PATH` when complete ([`part`]) |
//! | 7. `recv` until `b''` | exactly `size - offset` bytes: fewer is a cut, and says so; moved by `splice(2)`, never copied through the program (`splice.rs`) unless it must be hashed |
//! | (none) | `--resume` from the `.part`, `--verify` with SHA-256, a progress bar ([`progress`]) |
//!
//! `--classic` speaks the course's protocol (`classic.rs`): the same saving rules, but the
//! protocol cannot tell a cut file from a whole one, or an error from a file.

use crate::digest::{hex, Hasher, Sha256Digest};
use crate::protocol::{ProtocolError, Request, Response, Status, MAX_NAME};
use anyhow::{anyhow, bail, Context, Result};
use netbasics::deadline::is_timeout;
use netbasics::server_addr::ServerAddr;
use part::{PartPaths, Record};
use progress::Progress;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod classic;
pub mod part;
pub mod progress;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod splice;

/// How much is read from the socket at a time: large reads keep the system calls few
/// (a 1 GiB file is 4,096 of them, not the course's million of `recv(1024)`).
const BUF_SIZE: usize = 256 * 1024;

/// Where the bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// A file: written as `PATH.part`, renamed when complete.
    File(PathBuf),
    /// Standard output, as the bytes arrive (`-o -`).
    Stdout,
}

/// One download, as the command line describes it.
#[derive(Debug, Clone)]
pub struct Download {
    /// The server.
    pub server: ServerAddr,
    /// The file's name on the server.
    pub name: String,
    /// Where to save it.
    pub output: Output,
    /// Continue `PATH.part` from its length.
    pub resume: bool,
    /// Ask for the SHA-256 and check the whole file against it.
    pub verify: bool,
    /// Overwrite `PATH` if it exists.
    pub force: bool,
    /// Speak the course's protocol.
    pub classic: bool,
    /// How long to wait for the connection.
    pub connect_timeout: Duration,
    /// How long the server may stay silent.
    pub timeout: Duration,
    /// Print what happens (resuming, restarting) on stderr.
    pub notes: bool,
    /// Draw a progress bar (when stderr is a terminal).
    pub progress: bool,
}

/// A download that ended well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// Where the file was saved; `None` for standard output.
    pub path: Option<PathBuf>,
    /// The file's size, as saved.
    pub size: u64,
    /// The bytes that came over the network this time.
    pub received: u64,
    /// Where this download started (the `.part` file's length when resuming).
    pub resumed_from: u64,
    /// The SHA-256 the whole file was checked against (`--verify`).
    pub verified: Option<Sha256Digest>,
    /// How long the transfer took, from connecting to the last byte.
    pub elapsed: Duration,
}

/// The file a download of `name` saves to: `output`, or the last component of `name` in
/// the current directory; a directory given as `output` gets that name inside it.
///
/// # Errors
///
/// When `name` has no usable last component (`a/`, `..`) and no `output` says where.
///
/// ```
/// use file_download::client::output_path;
/// use std::path::Path;
///
/// assert_eq!(output_path("docs/a b.txt", None)?, Path::new("a b.txt"));
/// assert_eq!(output_path("a.txt", Some(Path::new("b.txt")))?, Path::new("b.txt"));
/// assert!(output_path("docs/..", None).is_err());
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn output_path(name: &str, output: Option<&Path>) -> Result<PathBuf> {
    let base = || match name.rsplit('/').next() {
        Some(base) if !base.is_empty() && base != "." && base != ".." => Ok(base),
        _ => Err(anyhow!(
            "cannot name the saved file after {name:?}: say where with -o PATH"
        )),
    };
    match output {
        Some(dir) if dir.is_dir() => Ok(dir.join(base()?)),
        Some(path) => Ok(path.to_owned()),
        None => Ok(PathBuf::from(base()?)),
    }
}

impl Download {
    /// Downloads the file.
    ///
    /// # Errors
    ///
    /// Every way a download can fail, in words for the person running it: the server
    /// refused (its status and reason), the connection was cut (how far it got, and that
    /// the `.part` was kept for `--resume`), the hash did not match, the disk failed.
    pub fn run(&self) -> Result<Done> {
        // What can be checked here is checked before connecting: a server should not
        // send a file the client cannot keep.
        if !self.classic && self.name.len() > MAX_NAME {
            bail!(
                "the name is {} bytes long: the protocol carries at most {MAX_NAME}",
                self.name.len()
            );
        }
        if let Output::File(path) = &self.output {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            if let Some(dir) = parent {
                if !dir.is_dir() {
                    bail!(
                        "cannot save to {}: {} is not a directory",
                        path.display(),
                        dir.display()
                    );
                }
            }
        }
        if self.classic {
            return self.run_classic();
        }
        match &self.output {
            Output::Stdout => self.to_stdout(),
            Output::File(path) => self.to_file(path),
        }
    }

    /// To `PATH.part`, then `PATH`.
    fn to_file(&self, path: &Path) -> Result<Done> {
        let paths = PartPaths::new(path);
        self.check_overwrite(path)?;
        let started = Instant::now();
        let mut start = 0;
        let mut record = None;
        if self.resume {
            if let Some(len) = paths.part_len()? {
                start = len;
                record = Record::load(&paths.meta);
                if record.is_none() && len > 0 {
                    self.note(format_args!(
                        "no record of the file {} came from: taking it as the start of this one{}",
                        paths.part.display(),
                        if self.verify {
                            ""
                        } else {
                            " (--verify would check)"
                        }
                    ));
                }
            }
        }
        let (mut stream, mut response) = self.request(start)?;
        if start > 0 {
            let changed = record
                .and_then(|then| then.changed(&Record::of(&response)))
                .or_else(|| {
                    (response.offset != start).then(|| {
                        format!(
                            "{} has {start} bytes, the file {}",
                            paths.part.display(),
                            response.size
                        )
                    })
                });
            match changed {
                Some(why) => {
                    self.note(format_args!(
                        "the file changed on the server since the download was cut ({why}): downloading it afresh"
                    ));
                    drop(stream);
                    start = 0;
                    (stream, response) = self.request(0)?;
                }
                None => self.note(format_args!(
                    "resuming at {start} of {} bytes",
                    response.size
                )),
            }
        }

        // The record first, so a cut at any moment leaves a .part that can be resumed.
        Record::of(&response)
            .save(&paths.meta)
            .with_context(|| format!("writing {}", paths.meta.display()))?;
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(start == 0)
            .open(&paths.part)
            .with_context(|| format!("creating {}", paths.part.display()))?;
        file.seek(SeekFrom::Start(start))?;
        let mut hasher = match self.verify {
            true => Some(hash_start(&paths.part, start)?),
            false => None,
        };
        let progress = Progress::new(self.progress, &self.name, Some(response.size), start);
        let body = receive(
            &stream,
            Some(response.body_len()),
            &mut file,
            hasher.as_mut(),
            &progress,
            self.timeout,
        );
        progress.finish();
        let received = body.map_err(|cut| {
            anyhow!(
                "{} after {} of {} bytes; {} kept: run again with --resume to continue",
                cut.why,
                start + cut.got,
                response.size,
                paths.part.display()
            )
        })?;
        drop(file);

        let verified = match hasher {
            Some(hasher) => match check_hash(hasher, &response) {
                Ok(digest) => Some(digest),
                Err(err) => {
                    paths.remove()?;
                    return Err(err.context(format!(
                        "{} removed: the bytes that arrived are not the server's file",
                        paths.part.display()
                    )));
                }
            },
            None => None,
        };
        fs::rename(&paths.part, path)
            .with_context(|| format!("renaming {} to {}", paths.part.display(), path.display()))?;
        paths.remove()?;
        Ok(Done {
            path: Some(path.to_owned()),
            size: response.size,
            received,
            resumed_from: start,
            verified,
            elapsed: started.elapsed(),
        })
    }

    /// To standard output, as the bytes arrive.
    fn to_stdout(&self) -> Result<Done> {
        let started = Instant::now();
        let (stream, response) = self.request(0)?;
        let mut hasher = self.verify.then(Hasher::new);
        let progress = Progress::new(self.progress, &self.name, Some(response.size), 0);
        let mut out = stdout()?;
        let body = receive(
            &stream,
            Some(response.body_len()),
            &mut out,
            hasher.as_mut(),
            &progress,
            self.timeout,
        );
        progress.finish();
        let received = body
            .map_err(|cut| anyhow!("{} after {} of {} bytes", cut.why, cut.got, response.size))?;
        out.flush().context("writing to standard output")?;
        let verified = match hasher {
            Some(hasher) => Some(
                check_hash(hasher, &response)
                    .context("the bytes written to standard output are not the server's file")?,
            ),
            None => None,
        };
        Ok(Done {
            path: None,
            size: response.size,
            received,
            resumed_from: 0,
            verified,
            elapsed: started.elapsed(),
        })
    }

    /// Connects, sends the request for the file from `offset`, and reads the header; a
    /// refusal is an error.
    fn request(&self, offset: u64) -> Result<(TcpStream, Response)> {
        let mut stream = self.connect()?;
        let request = Request {
            name: self.name.clone(),
            offset,
            want_sha256: self.verify,
        };
        request
            .write_to(&mut stream)
            .context("sending the request")?;
        let response = Response::read_from(&mut stream).map_err(|err| match err {
            ProtocolError::Closed => anyhow!(
                "the server closed the connection without an answer (is it a file-server? one started with --classic needs --classic here too)"
            ),
            ProtocolError::Io(e) if is_timeout(&e) => {
                anyhow!("no answer from the server within {} s", self.timeout.as_secs_f64())
            }
            err => anyhow!(err).context("reading the server's answer"),
        })?;
        if response.status != Status::Ok {
            bail!(
                "the server refused {:?}: {}: {}",
                self.name,
                response.status,
                response.message
            );
        }
        if self.verify && response.sha256.is_none() {
            bail!("the server sent no SHA-256, although it was asked for one");
        }
        Ok((stream, response))
    }

    /// Steps 1-3: a socket, connected, with the silence limit set both ways.
    fn connect(&self) -> Result<TcpStream> {
        let stream = tcp_echo::client::connect(&self.server, self.connect_timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        Ok(stream)
    }

    /// Refuses to overwrite `path` unless `--force`.
    fn check_overwrite(&self, path: &Path) -> Result<()> {
        if !self.force && fs::symlink_metadata(path).is_ok() {
            bail!("{} exists (use --force to overwrite)", path.display());
        }
        Ok(())
    }

    /// Prints a note on stderr, unless quiet.
    fn note(&self, text: std::fmt::Arguments<'_>) {
        if self.notes {
            eprintln!("{text}");
        }
    }
}

/// Why the body stopped short.
#[derive(Debug)]
struct Cut {
    /// The bytes that did arrive (and were written).
    got: u64,
    /// What happened, in words.
    why: String,
}

/// Moves the body from `stream` to `out`: `len` bytes, or to the end of the stream when
/// `len` is `None` (the classic protocol). Returns the count.
///
/// Without a hash to compute, the bytes go by `splice(2)`, never through the program
/// (`splice.rs`); with one, or where the output refuses `splice`, by `read` and `write`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn receive(
    stream: &TcpStream,
    len: Option<u64>,
    out: &mut File,
    hasher: Option<&mut Hasher>,
    progress: &Progress,
    timeout: Duration,
) -> Result<u64, Cut> {
    if hasher.is_some() {
        return copy_body(stream, len, out, hasher, progress, timeout);
    }
    match splice::splice_body(stream, len, out, progress, timeout)? {
        splice::Spliced::Done(n) => Ok(n),
        splice::Spliced::Unsupported(n) => {
            let rest = copy_body(stream, len.map(|len| len - n), out, None, progress, timeout)
                .map_err(|cut| Cut {
                    got: n + cut.got,
                    why: cut.why,
                })?;
            Ok(n + rest)
        }
    }
}

/// Moves the body from `stream` to `out` (see the Linux version): `read` and `write`.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn receive(
    stream: &TcpStream,
    len: Option<u64>,
    out: &mut impl Write,
    hasher: Option<&mut Hasher>,
    progress: &Progress,
    timeout: Duration,
) -> Result<u64, Cut> {
    copy_body(stream, len, out, hasher, progress, timeout)
}

/// Reads the body from `stream` into `out` chunk by chunk, hashing it if asked: `len`
/// bytes, or to the end of the stream when `len` is `None`. Returns the count.
fn copy_body(
    mut stream: &TcpStream,
    len: Option<u64>,
    out: &mut impl Write,
    mut hasher: Option<&mut Hasher>,
    progress: &Progress,
    timeout: Duration,
) -> Result<u64, Cut> {
    let mut buf = vec![0; BUF_SIZE];
    let mut got = 0u64;
    while len.map_or(true, |len| got < len) {
        let want = len.map_or(BUF_SIZE, |len| (len - got).min(BUF_SIZE as u64) as usize);
        let n = match stream.read(&mut buf[..want]) {
            Ok(0) if len.is_none() => break,
            Ok(0) => {
                return Err(Cut {
                    got,
                    why: "the server closed the connection".to_string(),
                })
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if is_timeout(&e) => {
                return Err(Cut {
                    got,
                    why: format!("the server sent nothing for {} s", timeout.as_secs_f64()),
                })
            }
            Err(e) => {
                return Err(Cut {
                    got,
                    why: format!("the connection failed ({e})"),
                })
            }
        };
        if let Some(hasher) = hasher.as_deref_mut() {
            hasher.update(&buf[..n]);
        }
        out.write_all(&buf[..n]).map_err(|e| Cut {
            got,
            why: format!("writing failed ({e})"),
        })?;
        got += n as u64;
        progress.advance(n as u64);
    }
    Ok(got)
}

/// A hasher that has seen the first `len` bytes of the `.part` file at `part`: a resumed
/// download is checked whole, the bytes from last time included.
fn hash_start(part: &Path, len: u64) -> Result<Hasher> {
    let mut hasher = Hasher::new();
    if len > 0 {
        let file = File::open(part).with_context(|| format!("reading {}", part.display()))?;
        let mut feed = HashingSink(&mut hasher);
        io::copy(&mut file.take(len), &mut feed)
            .with_context(|| format!("reading {}", part.display()))?;
    }
    Ok(hasher)
}

/// A `Write` that feeds a hasher.
struct HashingSink<'a>(&'a mut Hasher);

impl Write for HashingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Compares the hash of what arrived with the server's.
fn check_hash(hasher: Hasher, response: &Response) -> Result<Sha256Digest> {
    let got = hasher.finish();
    match response.sha256 {
        Some(expected) if expected == got => Ok(got),
        Some(expected) => bail!(
            "SHA-256 mismatch: the server's file has {}, the bytes received have {}",
            hex(&expected),
            hex(&got)
        ),
        None => bail!("the server sent no SHA-256"),
    }
}

/// Standard output as a plain file, on Unix: std's `Stdout` is line-buffered, which would
/// cut binary data at every newline byte into separate writes.
#[cfg(unix)]
fn stdout() -> Result<File> {
    use std::os::fd::AsFd;
    let fd = io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .context("opening standard output")?;
    Ok(File::from(fd))
}

/// Standard output, elsewhere.
#[cfg(not(unix))]
fn stdout() -> Result<io::Stdout> {
    Ok(io::stdout())
}
