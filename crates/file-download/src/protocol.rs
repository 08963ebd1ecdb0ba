//! The download protocol: one request, one response header, then the file's bytes.
//!
//! The course's downloader sends a bare file name and gets back either the file or the
//! text `no_file`, in the same stream: a file whose content is `no_file` cannot be told
//! from an error, and a connection cut halfway looks like a short file. Here both
//! directions start with a header whose every field has a fixed place and every length a
//! bound, and the file's bytes come only after a status that says they follow.
//!
//! # The request (client to server)
//!
//! ```text
//!  0        4        5                          13             15
//! +--------+--------+--------------------------+--------------+--------------------+
//! | "FDL1" | flags  | offset (u64)             | name len     | name               |
//! |        |        |                          | (u16)        | (name len bytes)   |
//! +--------+--------+--------------------------+--------------+--------------------+
//! ```
//!
//! - `magic`: the protocol and its version. Anything else (an HTTP client, a port
//!   scanner, a later version) is refused before another byte is trusted.
//! - `flags`: bit 0 asks for the SHA-256 of the whole file; the other bits must be 0, so
//!   a later version can give them a meaning without an old server misreading them.
//! - `offset`: where to start; 0 for the whole file, the length of the `.part` file to
//!   resume.
//! - `name`: UTF-8, at most [`MAX_NAME`] bytes, a relative path under the served
//!   directory. The protocol checks only its length and encoding; whether it may be
//!   opened is [`crate::confine`]'s business.
//!
//! # The response (server to client)
//!
//! ```text
//!  0        4        5        6                  14                 22                 30         32
//! +--------+--------+--------+------------------+------------------+------------------+----------+
//! | "FDL1" | status | flags  | size (u64)       | mtime (i64)      | offset (u64)     | msg len  |
//! |        |        |        |                  |                  |                  | (u16)    |
//! +--------+--------+--------+------------------+------------------+------------------+----------+
//!  32                                  64 (or 32)
//! +-----------------------------------+----------------------------+
//! | sha256 (32 bytes, if flags bit 0) | message (msg len bytes)    |
//! +-----------------------------------+----------------------------+
//! then, only when status is 0 (ok): exactly size - offset bytes of the file
//! ```
//!
//! - `status`: [`Status`]; a refusal is a status and a message, never bytes that could be
//!   mistaken for the file.
//! - `size` and `mtime`: the whole file's size and its modification time (seconds since
//!   the Unix epoch, negative before 1970), so a client resuming a download can tell the
//!   file has changed.
//! - `offset`: the offset the server *used*, which is the requested one clamped to the
//!   file's size (see [`Response::ok`]). The client compares it with what it asked for.
//! - `sha256`: the SHA-256 of the whole file (not only of the bytes sent), present when
//!   flags bit 0 is set, so a resumed download is checked end to end.
//! - `message`: UTF-8, at most [`MAX_MESSAGE`] bytes, why a request was refused; empty
//!   for ok.
//!
//! Every length (`msg len` included) sits in the fixed 32 bytes, so after them a reader
//! knows exactly how long the header is, and has checked that length before allocating.
//!
//! # The same header in Python
//!
//! Lesson 3 packs headers with `struct`; the request's fixed part is the format `!4sBQH`
//! (network order, no padding), and the response's `!4sBBQqQH`:
//!
//! ```python
//! head = struct.pack('!4sBQH', b'FDL1', flags, offset, len(name))
//! sock.sendall(head + name)
//! ```
//!
//! With `byteorder` each field is one call, in the same order as the format's letters:
//!
//! ```
//! use byteorder::{BigEndian, WriteBytesExt};
//!
//! let (flags, offset, name) = (1u8, 4096u64, "notes.txt".as_bytes());
//! let mut head = Vec::new();
//! head.extend_from_slice(b"FDL1"); //                     4s
//! head.write_u8(flags)?; //                               B
//! head.write_u64::<BigEndian>(offset)?; //                Q (`!`: big-endian)
//! head.write_u16::<BigEndian>(name.len() as u16)?; //     H
//! head.extend_from_slice(name);
//! assert_eq!(head.len(), 15 + 9);
//!
//! // What `Request` sends is exactly this:
//! let request = file_download::protocol::Request {
//!     name: "notes.txt".into(),
//!     offset: 4096,
//!     want_sha256: true,
//! };
//! assert_eq!(request.encode()?, head);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Reading
//!
//! [`Request::read_from`] and [`Response::read_from`] read a header from a blocking
//! stream, telling a peer that hung up before the first byte ([`ProtocolError::Closed`])
//! from one that stopped inside a header ([`ProtocolError::Truncated`]). A server that
//! reads with deadlines buffers bytes instead and asks [`check`] whether a whole request
//! is there yet (httparse's "incomplete is not invalid", mini-redis's check-then-parse).
//!
//! # Layout
//!
//! - this file: the constants, [`ProtocolError`], and the field offsets (`mod field`);
//! - `request.rs`: [`Request`] and [`check`];
//! - `response.rs`: [`Response`] and [`Status`];
//! - `tests.rs`: golden bytes, every error, and property tests.

use std::io::{self, Read};

mod request;
mod response;

pub use request::{check, Check, Request};
pub use response::{Response, Status};

/// The first four bytes of every request and response: the protocol and its version.
pub const MAGIC: [u8; 4] = *b"FDL1";

/// The longest file name a request may carry, in bytes (Linux's `PATH_MAX`).
pub const MAX_NAME: usize = 4096;

/// The longest message a response may carry, in bytes.
pub const MAX_MESSAGE: usize = 1024;

/// The size of a request before its name (`struct.calcsize('!4sBQH')`).
pub const REQUEST_HEADER_LEN: usize = field::request::NAME_LEN.end;

/// The size of a response header before its SHA-256 and message
/// (`struct.calcsize('!4sBBQqQH')`).
pub const RESPONSE_HEADER_LEN: usize = field::response::MESSAGE_LEN.end;

/// The size of a SHA-256 digest.
pub const SHA256_LEN: usize = 32;

/// Where each field sits, as byte ranges: the diagrams above, as code (smoltcp's style).
///
/// The decoders read the fixed parts in order, as `struct.unpack` does, so some ranges
/// are used only by [`check`] and by the tests, which hold them to the encoders.
#[allow(dead_code)]
mod field {
    /// A field's bytes within its header.
    pub type Field = std::ops::Range<usize>;

    pub mod request {
        use super::Field;

        pub const MAGIC: Field = 0..4;
        pub const FLAGS: usize = 4;
        pub const OFFSET: Field = 5..13;
        pub const NAME_LEN: Field = 13..15;

        /// Flags bit 0: send the SHA-256 of the whole file.
        pub const WANT_SHA256: u8 = 0x01;
    }

    pub mod response {
        use super::Field;

        pub const MAGIC: Field = 0..4;
        pub const STATUS: usize = 4;
        pub const FLAGS: usize = 5;
        pub const SIZE: Field = 6..14;
        pub const MTIME: Field = 14..22;
        pub const OFFSET: Field = 22..30;
        pub const MESSAGE_LEN: Field = 30..32;

        /// Flags bit 0: a SHA-256 follows the fixed header.
        pub const HAS_SHA256: u8 = 0x01;
    }
}

/// What can go wrong while writing or reading a request or a response header.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// The stream ended before the first byte: the peer hung up without a word, which
    /// a server sees from every port scanner and health check.
    #[error("the peer closed the connection before sending anything")]
    Closed,
    /// The stream ended inside a header: the peer crashed or gave up mid-message.
    #[error("the connection closed inside a header: {got} bytes received, at least {expected_at_least} expected")]
    Truncated {
        /// Bytes of the header that did arrive.
        got: usize,
        /// The bytes the header needs, as far as the part received could tell.
        expected_at_least: usize,
    },
    /// The first four bytes are not [`MAGIC`]: another protocol, or another version.
    #[error("bad magic b\"{}\": not an FDL1 peer", .0.escape_ascii())]
    BadMagic([u8; 4]),
    /// Flag bits this version does not define are set.
    #[error("unknown flag bits {0:#04x}")]
    UnknownFlags(u8),
    /// A name longer than [`MAX_NAME`] bytes (announced by a peer, or given to encode).
    #[error("a name of {0} bytes is longer than the limit of {MAX_NAME}")]
    NameTooLong(usize),
    /// A message longer than [`MAX_MESSAGE`] bytes (announced by a peer, or given to
    /// encode).
    #[error("a message of {0} bytes is longer than the limit of {MAX_MESSAGE}")]
    MessageTooLong(usize),
    /// The name or the message is not UTF-8.
    #[error("the name or message is not UTF-8")]
    NotUtf8,
    /// A status byte this version does not define.
    #[error("unknown status {0}")]
    UnknownStatus(u8),
    /// A response whose offset lies beyond the file's size: `size - offset` bytes cannot
    /// follow.
    #[error("offset {offset} is beyond the file's size of {size} bytes")]
    OffsetBeyondSize {
        /// The offset the response announces.
        offset: u64,
        /// The file's size it announces.
        size: u64,
    },
    /// Reading or writing the stream failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Checks the magic field.
fn check_magic(bytes: &[u8]) -> Result<(), ProtocolError> {
    let mut magic = [0; 4];
    magic.copy_from_slice(&bytes[..4]);
    if magic == MAGIC {
        Ok(())
    } else {
        Err(ProtocolError::BadMagic(magic))
    }
}

/// Checks that only the `known` flag bits are set.
fn check_flags(flags: u8, known: u8) -> Result<(), ProtocolError> {
    match flags & !known {
        0 => Ok(()),
        _ => Err(ProtocolError::UnknownFlags(flags)),
    }
}

/// Reads into `buf` until it is full or the stream ends; returns how many bytes were
/// read. (`read_exact` cannot say how far it got, which `Truncated` wants.)
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads the fixed part of a header into `buf`: [`ProtocolError::Closed`] if the stream
/// ends before its first byte, [`ProtocolError::Truncated`] if it ends inside it.
fn read_fixed(reader: &mut impl Read, buf: &mut [u8]) -> Result<(), ProtocolError> {
    match read_full(reader, buf)? {
        0 => Err(ProtocolError::Closed),
        got if got < buf.len() => Err(ProtocolError::Truncated {
            got,
            expected_at_least: buf.len(),
        }),
        _ => Ok(()),
    }
}

/// Reads the variable part of a header (`already` bytes into it) into `buf`.
fn read_rest(reader: &mut impl Read, buf: &mut [u8], already: usize) -> Result<(), ProtocolError> {
    let got = read_full(reader, buf)?;
    if got < buf.len() {
        return Err(ProtocolError::Truncated {
            got: already + got,
            expected_at_least: already + buf.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
