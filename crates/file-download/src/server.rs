//! The file server's side of a connection: a [`threaded_server::Handler`] that reads one
//! request, opens the file through [`crate::confine`], and streams it.
//!
//! The course's server, step by step, and what changes here:
//!
//! | the course (004) | here |
//! |---|---|
//! | 5. `file_name = recv(1024).decode()` | read a whole request frame, each length checked, by a deadline ([`read_request`]) |
//! | 10. `open(file_name, 'rb')` | [`Root::open_file`]: inside the root, regular files only |
//! | 11. `send('no_file')` in the data stream | a status byte and a message in the header ([`Status`]) |
//! | 7-8. `f.read(1024)`, `send(info)` | the header, then `io::copy` from the file: `sendfile(2)` on Linux ([`send_file`]) |
//! | 9. `close()` | the server closes when [`FileServer::handle`] returns |
//!
//! `--classic` speaks the course's protocol instead (`classic.rs`): same confinement, same
//! streaming, the course's bytes on the wire.
//!
//! # Zero copy
//!
//! The course's loop, `f.read(1024)` then `send(info)`, copies every byte twice: from the
//! kernel's page cache into the program's buffer, and back into the kernel's socket
//! buffer, with two system calls per KiB. `sendfile(2)` asks the kernel to move the bytes
//! from the page cache to the socket itself: the program never touches the data, so a
//! download costs little CPU and no memory that grows with the file. [`send_file`] uses it
//! on Linux (through `rustix`, a safe wrapper of the system call), and a read/write loop
//! with a large buffer elsewhere.
//!
//! `std::io::copy` from a `File` to a `TcpStream` does *not* do this, although it uses
//! `sendfile`/`splice` between some other pairs: std refuses zero copy from a regular file
//! into a socket, because the socket may go on referring to the file's pages after the
//! call returns, so a write to the file a moment later could change bytes already "sent".
//! A file server accepts that: a file changed during a download is wrong either way (the
//! client's `--verify` catches it). `strace -f -e trace=sendfile,read,sendto` shows which
//! path a server takes, and `cargo xtask bench file` measures the difference.

use crate::confine::{RefusalKind, Refused, Root};
use crate::digest::HashCache;
use crate::protocol::{check, Check, ProtocolError, Request, Response, Status};
use crate::protocol::{MAX_NAME, REQUEST_HEADER_LEN};
use netbasics::cli::Peer;
use netbasics::deadline::{after, is_timeout, time_left};
use std::fs::File;
use std::io::{self, Read, Write};
#[cfg(not(any(target_os = "linux", target_os = "android")))]
use std::io::{Seek, SeekFrom};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;
use threaded_server::Handler;

pub mod classic;

/// How long a client has to send its whole request, by default.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the files under one directory, to many clients at once.
#[derive(Debug)]
pub struct FileServer {
    root: Root,
    hashes: HashCache,
    classic: bool,
    quiet: bool,
    request_timeout: Duration,
}

impl FileServer {
    /// A server for the files under `root`, speaking the framed protocol.
    pub fn new(root: Root) -> FileServer {
        FileServer {
            root,
            hashes: HashCache::new(),
            classic: false,
            quiet: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }

    /// Speak the course's protocol (a bare name in, bytes or `no_file` out) instead.
    pub fn classic(mut self, classic: bool) -> FileServer {
        self.classic = classic;
        self
    }

    /// Log only refusals and errors, not every download.
    pub fn quiet(mut self, quiet: bool) -> FileServer {
        self.quiet = quiet;
        self
    }

    /// How long a client may take to send its whole request: a client that trickles it
    /// byte by byte is dropped at the deadline, whatever its pace.
    pub fn request_timeout(mut self, timeout: Duration) -> FileServer {
        self.request_timeout = timeout;
        self
    }

    /// The served directory.
    pub fn root(&self) -> &Root {
        &self.root
    }

    /// The framed protocol: request, header, bytes.
    fn serve_framed(&self, stream: &TcpStream, peer: Peer) -> io::Result<()> {
        let request = match read_request(stream, self.request_timeout) {
            Ok(request) => request,
            Err(RequestError::Closed) => {
                self.log(format_args!("{peer} closed without a request"));
                return Ok(());
            }
            Err(RequestError::Protocol(err)) => {
                eprintln!("{peer} bad request: {err}");
                return send_header(
                    stream,
                    &Response::error(Status::BadRequest, &err.to_string()),
                );
            }
            Err(RequestError::Io(err)) => {
                eprintln!("{peer} no whole request: {err}");
                return Ok(());
            }
        };
        let name = &request.name;
        let served = match self.root.open_file(name) {
            Ok(served) => served,
            Err(refused) => {
                let status = status_for(&refused);
                eprintln!("{peer} {name:?} {status}: {refused}");
                return send_header(stream, &Response::error(status, &refused.to_string()));
            }
        };
        let size = served.metadata.len();
        let sha256 = if request.want_sha256 {
            match self.hashes.sha256(&served.file, &served.metadata) {
                Ok(digest) => Some(digest),
                Err(err) => {
                    eprintln!("{peer} {name:?} server error: hashing: {err}");
                    let response = Response::error(Status::ServerError, "cannot hash the file");
                    return send_header(stream, &response);
                }
            }
        } else {
            None
        };
        let response = Response::ok(
            size,
            crate::mtime_seconds(&served.metadata),
            request.offset,
            sha256,
        );
        send_header(stream, &response)?;
        let wanted = response.body_len();
        match send_file(&served.file, response.offset, wanted, stream) {
            Ok(sent) if sent == wanted => {
                self.log(format_args!(
                    "{peer} {name:?} ok: sent {sent} bytes (offset {}, size {size})",
                    response.offset
                ));
                // Nothing more to say: the client sees the end of the stream right after
                // the last byte.
                let _ = stream.shutdown(Shutdown::Write);
            }
            Ok(sent) => eprintln!(
                "{peer} {name:?} cut: sent {sent} of {wanted} bytes: the file shrank while it was sent"
            ),
            Err((sent, err)) => eprintln!(
                "{peer} {name:?} cut: sent {sent} of {wanted} bytes: {}",
                describe(&err)
            ),
        }
        Ok(())
    }

    fn log(&self, line: std::fmt::Arguments<'_>) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

impl Handler for FileServer {
    fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
        if self.classic {
            self.serve_classic(stream, Peer(peer))
        } else {
            self.serve_framed(stream, Peer(peer))
        }
    }

    fn busy(&self, _peer: SocketAddr) -> Vec<u8> {
        if self.classic {
            // The course's client knows one word for "no".
            return b"no_file".to_vec();
        }
        let response = Response::error(Status::ServerError, "the server is busy: try again later");
        response.encode().unwrap_or_default()
    }
}

/// The protocol status for a refusal.
///
/// ```
/// use file_download::confine::Refused;
/// use file_download::protocol::Status;
/// use file_download::server::status_for;
///
/// assert_eq!(status_for(&Refused::DotDot), Status::BadRequest);
/// assert_eq!(status_for(&Refused::EscapesRoot), Status::Forbidden);
/// ```
pub fn status_for(refused: &Refused) -> Status {
    match refused.kind() {
        RefusalKind::BadRequest => Status::BadRequest,
        RefusalKind::NotFound => Status::NotFound,
        RefusalKind::Forbidden => Status::Forbidden,
        RefusalKind::NotRegular => Status::NotRegularFile,
        RefusalKind::ServerError => Status::ServerError,
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum RequestError {
    /// The client hung up before sending a byte.
    Closed,
    /// The bytes broke the protocol: answered with "bad request".
    Protocol(ProtocolError),
    /// The connection failed, closed inside the request, or the deadline passed.
    Io(io::Error),
}

/// Reads one request from `stream`, all of it within `limit`.
///
/// Bytes are gathered in a buffer that never grows past the longest valid request
/// (`REQUEST_HEADER_LEN + MAX_NAME` bytes), and [`check`] looks at them after every read:
/// a wrong magic or a name length over the limit is refused as soon as its bytes arrive,
/// without waiting for (or allocating) the rest. A 4 GiB length claim cannot even be
/// expressed (the field is 16 bits), and 65,535 is refused from the 15 bytes of header.
///
/// # Errors
///
/// [`RequestError`]: the client hung up, broke the protocol, or did not finish in time.
pub fn read_request(stream: &TcpStream, limit: Duration) -> Result<Request, RequestError> {
    let deadline = after(limit);
    let mut buf = [0u8; REQUEST_HEADER_LEN + MAX_NAME];
    let mut filled = 0;
    let mut reader = stream;
    loop {
        match check(&buf[..filled]) {
            Ok(Check::Complete(n)) => {
                return Request::read_from(&mut &buf[..n]).map_err(RequestError::Protocol)
            }
            Ok(Check::Partial) => {}
            Err(err) => return Err(RequestError::Protocol(err)),
        }
        let Some(left) = time_left(deadline) else {
            return Err(RequestError::Io(timed_out(limit)));
        };
        stream
            .set_read_timeout(Some(left))
            .map_err(RequestError::Io)?;
        // Partial means the buffer is not full: a complete request fits in it.
        match reader.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Err(RequestError::Closed),
            Ok(0) => {
                return Err(RequestError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the client closed after {filled} bytes of a request"),
                )))
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if is_timeout(&e) => return Err(RequestError::Io(timed_out(limit))),
            Err(e) => return Err(RequestError::Io(e)),
        }
    }
}

/// The error for a request not finished within `limit`.
fn timed_out(limit: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("no whole request within {} s", limit.as_secs_f64()),
    )
}

/// Sends a response header in one write.
fn send_header(mut stream: &TcpStream, response: &Response) -> io::Result<()> {
    let bytes = response
        .encode()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    stream.write_all(&bytes)
}

/// Sends `len` bytes of `file` from `offset` on `stream`: `sendfile(2)` on Linux.
///
/// Returns how many bytes went out: `len`, or fewer if the file shrank meanwhile. On an
/// error, how many had gone out before it, with the error.
pub fn send_file(
    file: &File,
    offset: u64,
    len: u64,
    stream: &TcpStream,
) -> Result<u64, (u64, io::Error)> {
    let mut sent = 0;
    while sent < len {
        match send_some(file, offset + sent, len - sent, stream) {
            Ok(0) => break, // the end of the file came first: it shrank
            Ok(n) => sent += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err((sent, e)),
        }
    }
    Ok(sent)
}

/// One `sendfile(2)`: up to `len` bytes of `file` from `at`, straight from the page cache
/// to the socket. The file's own position is not used or moved (the offset is passed).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn send_some(file: &File, at: u64, len: u64, stream: &TcpStream) -> io::Result<usize> {
    // Linux sends at most 0x7ffff000 bytes per call; asking for more is fine, but a
    // count that does not fit a usize is not.
    let count = usize::try_from(len).unwrap_or(usize::MAX).min(0x7fff_f000);
    let mut at = at;
    Ok(rustix::fs::sendfile(stream, file, Some(&mut at), count)?)
}

/// The portable way: read a chunk at `at`, write it all.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn send_some(mut file: &File, at: u64, len: u64, mut stream: &TcpStream) -> io::Result<usize> {
    let mut buf = vec![0; (256 * 1024).min(len as usize)];
    file.seek(SeekFrom::Start(at))?;
    let n = file.read(&mut buf)?;
    stream.write_all(&buf[..n])?;
    Ok(n)
}

/// An I/O error in the words of a log line: timeouts said as such.
fn describe(err: &io::Error) -> String {
    if is_timeout(err) {
        "timed out (the client stopped reading)".to_string()
    } else {
        err.to_string()
    }
}
