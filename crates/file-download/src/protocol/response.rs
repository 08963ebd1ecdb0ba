//! The response header: a status, the file's size, mtime and the offset used, an optional
//! SHA-256, and a message.

use super::{
    check_flags, check_magic, field, read_fixed, read_rest, ProtocolError, MAGIC, MAX_MESSAGE,
    RESPONSE_HEADER_LEN, SHA256_LEN,
};
use byteorder::{BigEndian, ReadBytesExt, WriteBytesExt};
use std::fmt;
use std::io::{Read, Write};

/// What the server says about a request: a byte of its own, never file data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Status {
    /// The file follows: `size - offset` bytes.
    Ok = 0,
    /// No file has that name.
    NotFound = 1,
    /// The name leads outside the served directory, or the file may not be read.
    Forbidden = 2,
    /// The name is a directory, a device, a FIFO...: only regular files are served.
    NotRegularFile = 3,
    /// The request broke the protocol, or its name is not one the server accepts.
    BadRequest = 4,
    /// The server failed (an I/O error while opening or hashing the file).
    ServerError = 5,
}

impl Status {
    /// The status byte on the wire.
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// The status for a byte from the wire; `None` for a byte this version does not
    /// define.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::Status;
    ///
    /// assert_eq!(Status::from_u8(1), Some(Status::NotFound));
    /// assert_eq!(Status::from_u8(6), None);
    /// ```
    pub fn from_u8(byte: u8) -> Option<Status> {
        Some(match byte {
            0 => Status::Ok,
            1 => Status::NotFound,
            2 => Status::Forbidden,
            3 => Status::NotRegularFile,
            4 => Status::BadRequest,
            5 => Status::ServerError,
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::NotFound => "not found",
            Status::Forbidden => "forbidden",
            Status::NotRegularFile => "not a regular file",
            Status::BadRequest => "bad request",
            Status::ServerError => "server error",
        })
    }
}

/// A response header, as the server sends it before the file's bytes.
///
/// A response read by [`Response::read_from`] always has `offset <= size`, so
/// [`Response::body_len`] bytes follow an ok.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Whether the file follows, or why not.
    pub status: Status,
    /// The whole file's size in bytes (0 when the status is not ok).
    pub size: u64,
    /// The file's modification time, seconds since the Unix epoch (negative before 1970;
    /// 0 when the status is not ok).
    pub mtime: i64,
    /// The offset the server used: where the bytes that follow start in the file.
    pub offset: u64,
    /// The SHA-256 of the whole file, when the client asked for it.
    pub sha256: Option<[u8; SHA256_LEN]>,
    /// Why the request was refused, for a person to read; empty for ok.
    pub message: String,
}

impl Response {
    /// The header for serving a file of `size` bytes from `requested_offset`.
    ///
    /// The offset used is `min(requested_offset, size)`. An offset beyond the end means
    /// the client's `.part` file is longer than the file now is: the file has changed.
    /// The server does not guess what the client should do about it; it sends nothing
    /// more (`size - size` bytes) and says which offset it used, and the client, seeing
    /// it differ from the one it asked for, starts over.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::Response;
    ///
    /// let resumed = Response::ok(1000, 1_700_000_000, 400, None);
    /// assert_eq!((resumed.offset, resumed.body_len()), (400, 600));
    /// let shrunk = Response::ok(1000, 1_700_000_000, 5000, None);
    /// assert_eq!((shrunk.offset, shrunk.body_len()), (1000, 0));
    /// ```
    pub fn ok(
        size: u64,
        mtime: i64,
        requested_offset: u64,
        sha256: Option<[u8; SHA256_LEN]>,
    ) -> Response {
        Response {
            status: Status::Ok,
            size,
            mtime,
            offset: requested_offset.min(size),
            sha256,
            message: String::new(),
        }
    }

    /// The header for a refusal: a status and a reason, no file data.
    ///
    /// A reason longer than [`MAX_MESSAGE`] bytes is cut (on a character boundary), so
    /// a long error from the system can never make the response unsendable.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::{Response, Status, MAX_MESSAGE};
    ///
    /// let response = Response::error(Status::NotFound, "no such file: a.txt");
    /// assert_eq!(response.body_len(), 0);
    /// let long = Response::error(Status::ServerError, &"é".repeat(1000));
    /// assert_eq!(long.message.len(), MAX_MESSAGE);
    /// ```
    pub fn error(status: Status, message: &str) -> Response {
        let mut end = message.len().min(MAX_MESSAGE);
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        Response {
            status,
            size: 0,
            mtime: 0,
            offset: 0,
            sha256: None,
            message: message[..end].to_owned(),
        }
    }

    /// How many bytes of the file follow this header: `size - offset` for ok, none
    /// otherwise.
    pub fn body_len(&self) -> u64 {
        match self.status {
            // Saturating: the fields are public, so a hand-built response may break the
            // `offset <= size` that read_from guarantees.
            Status::Ok => self.size.saturating_sub(self.offset),
            _ => 0,
        }
    }

    /// The header as bytes.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::MessageTooLong`] for a message of more than [`MAX_MESSAGE`]
    /// bytes, [`ProtocolError::OffsetBeyondSize`] if `offset > size`: a peer would refuse
    /// either.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::{Response, RESPONSE_HEADER_LEN};
    ///
    /// let bytes = Response::ok(5, 0, 0, Some([0xab; 32])).encode()?;
    /// assert_eq!(bytes.len(), RESPONSE_HEADER_LEN + 32);
    /// assert_eq!(&bytes[..6], b"FDL1\x00\x01"); // magic, status ok, flags: SHA-256
    /// # Ok::<(), file_download::protocol::ProtocolError>(())
    /// ```
    pub fn encode(&self) -> Result<Vec<u8>, ProtocolError> {
        let message = self.message.as_bytes();
        if message.len() > MAX_MESSAGE {
            return Err(ProtocolError::MessageTooLong(message.len()));
        }
        if self.offset > self.size {
            return Err(ProtocolError::OffsetBeyondSize {
                offset: self.offset,
                size: self.size,
            });
        }
        let flags = match self.sha256 {
            Some(_) => field::response::HAS_SHA256,
            None => 0,
        };
        // `struct.pack('!4sBBQqQH', ...)`, then the digest and the message. Writing to a
        // Vec cannot fail; `?` only satisfies the `io::Write` signature.
        let mut out = Vec::with_capacity(RESPONSE_HEADER_LEN + SHA256_LEN + message.len());
        out.extend_from_slice(&MAGIC);
        out.write_u8(self.status.as_u8())?;
        out.write_u8(flags)?;
        out.write_u64::<BigEndian>(self.size)?;
        out.write_i64::<BigEndian>(self.mtime)?;
        out.write_u64::<BigEndian>(self.offset)?;
        // At most MAX_MESSAGE (1024), checked above: the cast cannot cut.
        out.write_u16::<BigEndian>(message.len() as u16)?;
        if let Some(digest) = &self.sha256 {
            out.extend_from_slice(digest);
        }
        out.extend_from_slice(message);
        Ok(out)
    }

    /// Writes the header in one `write_all` of one buffer.
    ///
    /// # Errors
    ///
    /// As [`Response::encode`], or the stream's error.
    pub fn write_to(&self, writer: &mut impl Write) -> Result<(), ProtocolError> {
        writer.write_all(&self.encode()?)?;
        Ok(())
    }

    /// Reads one response header from a blocking stream; for an ok, the file's
    /// [`Response::body_len`] bytes are what the stream holds next.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::Closed`] if the stream ends before the first byte,
    /// [`ProtocolError::Truncated`] if it ends inside the header; `BadMagic`,
    /// `UnknownStatus`, `UnknownFlags`, `MessageTooLong`, `OffsetBeyondSize` or `NotUtf8`
    /// for a header this version refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::{ProtocolError, Response, Status};
    ///
    /// let mut wire = Response::error(Status::Forbidden, "outside the served directory").encode()?;
    /// let response = Response::read_from(&mut &wire[..])?;
    /// assert_eq!(response.status, Status::Forbidden);
    /// assert_eq!(response.message, "outside the served directory");
    ///
    /// wire[4] = 9; // a status from a later version
    /// let err = Response::read_from(&mut &wire[..]).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown status 9");
    /// # Ok::<(), ProtocolError>(())
    /// ```
    pub fn read_from(reader: &mut impl Read) -> Result<Response, ProtocolError> {
        let mut header = [0; RESPONSE_HEADER_LEN];
        read_fixed(reader, &mut header)?;

        // `struct.unpack('!4sBBQqQH', header)`, field by field. Reading from a slice of
        // the right length cannot fail; `?` only satisfies the `io::Read` signature.
        let mut fields = &header[..];
        let mut magic = [0; 4];
        fields.read_exact(&mut magic)?;
        check_magic(&magic)?;
        let status = fields.read_u8()?;
        let status = Status::from_u8(status).ok_or(ProtocolError::UnknownStatus(status))?;
        let flags = fields.read_u8()?;
        check_flags(flags, field::response::HAS_SHA256)?;
        let size = fields.read_u64::<BigEndian>()?;
        let mtime = fields.read_i64::<BigEndian>()?;
        let offset = fields.read_u64::<BigEndian>()?;
        let message_len = usize::from(fields.read_u16::<BigEndian>()?);
        if message_len > MAX_MESSAGE {
            return Err(ProtocolError::MessageTooLong(message_len));
        }
        if offset > size {
            return Err(ProtocolError::OffsetBeyondSize { offset, size });
        }

        let digest_len = match flags & field::response::HAS_SHA256 {
            0 => 0,
            _ => SHA256_LEN,
        };
        // Safe to allocate: at most SHA256_LEN + MAX_MESSAGE bytes.
        let mut rest = vec![0; digest_len + message_len];
        read_rest(reader, &mut rest, RESPONSE_HEADER_LEN)?;
        let (digest, message) = rest.split_at(digest_len);
        let sha256 = match digest_len {
            0 => None,
            _ => {
                let mut sha256 = [0; SHA256_LEN];
                sha256.copy_from_slice(digest);
                Some(sha256)
            }
        };
        let message = std::str::from_utf8(message)
            .map_err(|_| ProtocolError::NotUtf8)?
            .to_owned();
        Ok(Response {
            status,
            size,
            mtime,
            offset,
            sha256,
            message,
        })
    }
}
