//! Zero copy on the client's side: socket to pipe to file with `splice(2)`.
//!
//! The server sends with `sendfile(2)`, so the file's bytes never enter its memory. The
//! client has the mirror problem: `read` copies each byte from the socket's buffers into
//! the program, and `write` copies it back into the kernel (into the page cache of the
//! output file, or a pipe). `splice(2)` moves data between a descriptor and a **pipe**
//! inside the kernel, by passing references to the pages that hold it rather than the
//! bytes. So the client makes a pipe, and for each chunk:
//!
//! ```text
//! socket --splice--> pipe --splice--> output (a file, a pipe, /dev/null)
//! ```
//!
//! The bytes never reach the program. What it gives up: it cannot look at them. With
//! `--verify` the client must hash every byte, so it reads them ([`super::receive`]).
//! And not every output accepts `splice` (a terminal does not): the first chunk that an
//! output refuses is taken back out of the pipe with `read` and written normally, and the
//! caller goes on with `read` and `write`.
//!
//! A socket's receive timeout applies to `splice` as to `read`, so a server that goes
//! silent is given up on the same way.

use super::{Cut, Progress};
use netbasics::deadline::is_timeout;
use rustix::pipe::{fcntl_setpipe_size, pipe_with, splice, PipeFlags, SpliceFlags};
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::time::Duration;

/// How large a pipe is asked for: bigger chunks, fewer system calls. (Linux's default is
/// 64 KiB; an unprivileged process may ask for up to `/proc/sys/fs/pipe-max-size`, 1 MiB
/// by default. If the system says no, the default size works too.)
const PIPE_SIZE: usize = 1024 * 1024;

/// How far [`splice_body`] got.
#[derive(Debug)]
pub enum Spliced {
    /// Every byte wanted (or, with no length, up to the end of the stream) went to the
    /// output; this many.
    Done(u64),
    /// The output does not take `splice`: this many bytes went out (the last chunk with
    /// `write`), and the rest is for a `read`/`write` loop.
    Unsupported(u64),
}

/// Moves `len` bytes (or all, up to the end of the stream, when `None`) from `stream` to
/// `out` without copying them through the program.
///
/// # Errors
///
/// A [`Cut`]: the connection ended early or failed, the server went silent for
/// `timeout`, or writing failed; with the count of bytes that reached `out`.
pub(super) fn splice_body(
    stream: &TcpStream,
    len: Option<u64>,
    out: &File,
    progress: &Progress,
    timeout: Duration,
) -> Result<Spliced, Cut> {
    let (pipe_out, pipe_in) = pipe_with(PipeFlags::CLOEXEC).map_err(|e| Cut {
        got: 0,
        why: format!("creating a pipe ({e})"),
    })?;
    let capacity = fcntl_setpipe_size(&pipe_in, PIPE_SIZE).unwrap_or(64 * 1024);
    let mut got = 0u64;
    while len.map_or(true, |len| got < len) {
        let want = len.map_or(capacity, |len| (len - got).min(capacity as u64) as usize);
        // Socket to pipe: the pages change hands, the bytes stay where they are.
        let n = match splice(stream, None, &pipe_in, None, want, SpliceFlags::MOVE) {
            Ok(0) if len.is_none() => break,
            Ok(0) => {
                return Err(Cut {
                    got,
                    why: "the server closed the connection".to_string(),
                })
            }
            Ok(n) => n,
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => {
                let e = io::Error::from(e);
                let why = if is_timeout(&e) {
                    format!("the server sent nothing for {} s", timeout.as_secs_f64())
                } else {
                    format!("the connection failed ({e})")
                };
                return Err(Cut { got, why });
            }
        };
        // Pipe to output, until the pipe is empty again.
        let mut left = n;
        while left > 0 {
            match splice(&pipe_out, None, out, None, left, SpliceFlags::MOVE) {
                Ok(0) => {
                    return Err(Cut {
                        got,
                        why: "writing failed (the output took nothing)".to_string(),
                    })
                }
                Ok(m) => {
                    left -= m;
                    got += m as u64;
                    progress.advance(m as u64);
                }
                Err(rustix::io::Errno::INTR) => {}
                // This output does not splice (a terminal, some devices): hand over.
                Err(rustix::io::Errno::INVAL) => {
                    let written = drain(&pipe_out, left, out).map_err(|e| Cut {
                        got,
                        why: format!("writing failed ({e})"),
                    })?;
                    got += written;
                    progress.advance(written);
                    return Ok(Spliced::Unsupported(got));
                }
                Err(e) => {
                    return Err(Cut {
                        got,
                        why: format!("writing failed ({})", io::Error::from(e)),
                    })
                }
            }
        }
    }
    Ok(Spliced::Done(got))
}

/// Reads the `left` bytes still in the pipe and writes them to `out`.
fn drain(pipe: &OwnedFd, left: usize, mut out: &File) -> io::Result<u64> {
    let mut bytes = Vec::with_capacity(left);
    File::from(pipe.try_clone()?)
        .take(left as u64)
        .read_to_end(&mut bytes)?;
    out.write_all(&bytes)?;
    Ok(bytes.len() as u64)
}
