//! `sendfile(2)` on a non-blocking socket: as much of a file as the socket takes now.
//!
//! Lesson 8's server sends a whole file with one blocking `sendfile` loop. Here the
//! socket is non-blocking, so `sendfile` moves what fits in the socket's buffer and then
//! says "would block"; the offset and the count left are kept with the connection, and the
//! rest goes when the loop reports the socket writable again.

use mio::net::TcpStream;
use std::fs::File;
use std::io;

/// Sends file bytes from `*offset` until `*len` is 0 or the socket is full
/// ([`io::ErrorKind::WouldBlock`]); `offset` and `len` follow what was sent.
///
/// # Errors
///
/// `WouldBlock` when the socket is full; the connection's own errors; and
/// [`io::ErrorKind::UnexpectedEof`] if the file is shorter than promised (it shrank after
/// the response announced its length: the connection cannot be saved).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn send(socket: &TcpStream, file: &File, offset: &mut u64, len: &mut u64) -> io::Result<()> {
    while *len > 0 {
        let count = usize::try_from(*len).unwrap_or(usize::MAX).min(0x7fff_f000);
        // The kernel advances `offset` by what it sent.
        match rustix::fs::sendfile(socket, file, Some(offset), count)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => *len -= n as u64,
        }
    }
    Ok(())
}

/// The portable way: read a chunk at `offset`, write what the socket takes.
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
pub fn send(socket: &TcpStream, file: &File, offset: &mut u64, len: &mut u64) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0; (64 * 1024).min(*len as usize)];
    while *len > 0 {
        let want = (*len).min(buf.len() as u64) as usize;
        let n = file.read_at(&mut buf[..want], *offset)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        // What the socket does not take now is read again next time.
        let sent = (&*socket).write(&buf[..n])?;
        *offset += sent as u64;
        *len -= sent as u64;
    }
    Ok(())
}
