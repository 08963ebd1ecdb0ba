//! The request: which file, from where, and whether to send its SHA-256.

use super::{
    check_flags, check_magic, field, read_fixed, read_rest, ProtocolError, MAGIC, MAX_NAME,
    REQUEST_HEADER_LEN,
};
use byteorder::{BigEndian, ByteOrder, ReadBytesExt, WriteBytesExt};
use std::io::{Read, Write};

/// A download request, as the client sends it.
///
/// # Examples
///
/// ```
/// use file_download::protocol::Request;
///
/// let request = Request { name: "docs/a.txt".into(), offset: 0, want_sha256: true };
/// let mut wire = Vec::new();
/// request.write_to(&mut wire)?;
/// assert_eq!(Request::read_from(&mut &wire[..])?, request);
/// # Ok::<(), file_download::protocol::ProtocolError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The file, as a relative path under the served directory (checked by
    /// [`crate::confine`], not here).
    pub name: String,
    /// Where to start: 0 for the whole file, the length of the `.part` file to resume.
    pub offset: u64,
    /// Whether the client wants the SHA-256 of the whole file in the response.
    pub want_sha256: bool,
}

impl Request {
    /// The request as bytes, header and name together.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::NameTooLong`] for a name of more than [`MAX_NAME`] bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::{ProtocolError, Request};
    ///
    /// let request = Request { name: "a".into(), offset: 258, want_sha256: false };
    /// assert_eq!(request.encode()?, b"FDL1\x00\x00\x00\x00\x00\x00\x00\x01\x02\x00\x01a");
    ///
    /// let long = Request { name: "x".repeat(4097), ..request };
    /// assert!(matches!(long.encode(), Err(ProtocolError::NameTooLong(4097))));
    /// # Ok::<(), ProtocolError>(())
    /// ```
    pub fn encode(&self) -> Result<Vec<u8>, ProtocolError> {
        let name = self.name.as_bytes();
        if name.len() > MAX_NAME {
            return Err(ProtocolError::NameTooLong(name.len()));
        }
        let flags = if self.want_sha256 {
            field::request::WANT_SHA256
        } else {
            0
        };
        // `struct.pack('!4sBQH', MAGIC, flags, offset, len(name)) + name`, field by field.
        // Writing to a Vec cannot fail; `?` only satisfies the `io::Write` signature.
        let mut out = Vec::with_capacity(REQUEST_HEADER_LEN + name.len());
        out.extend_from_slice(&MAGIC);
        out.write_u8(flags)?;
        out.write_u64::<BigEndian>(self.offset)?;
        // At most MAX_NAME (4096), checked above: the cast cannot cut.
        out.write_u16::<BigEndian>(name.len() as u16)?;
        out.extend_from_slice(name);
        Ok(out)
    }

    /// Writes the request in one `write_all` of one buffer, so header and name leave in
    /// one segment instead of the header waiting alone (Nagle) for the name.
    ///
    /// # Errors
    ///
    /// As [`Request::encode`], or the stream's error.
    pub fn write_to(&self, writer: &mut impl Write) -> Result<(), ProtocolError> {
        writer.write_all(&self.encode()?)?;
        Ok(())
    }

    /// Reads one request from a blocking stream.
    ///
    /// The fixed 15 bytes are read into a buffer first (one system call, not one per
    /// field, and the count of bytes received is known if the stream ends), and the name's
    /// length is checked against [`MAX_NAME`] before its buffer is allocated.
    ///
    /// # Errors
    ///
    /// [`ProtocolError::Closed`] if the stream ends before the first byte,
    /// [`ProtocolError::Truncated`] if it ends inside the request; `BadMagic`,
    /// `UnknownFlags`, `NameTooLong` or `NotUtf8` for a request this version refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use file_download::protocol::{ProtocolError, Request};
    ///
    /// // A peer that connects and hangs up.
    /// assert!(matches!(Request::read_from(&mut &b""[..]), Err(ProtocolError::Closed)));
    /// // An HTTP client on the wrong port.
    /// let err = Request::read_from(&mut &b"GET / HTTP/1.1\r\n\r\n"[..]).unwrap_err();
    /// assert_eq!(err.to_string(), r#"bad magic b"GET ": not an FDL1 peer"#);
    /// // A name of 65,535 bytes announced: refused, nothing allocated.
    /// let err = Request::read_from(&mut &b"FDL1\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff"[..]);
    /// assert!(matches!(err, Err(ProtocolError::NameTooLong(65535))));
    /// ```
    pub fn read_from(reader: &mut impl Read) -> Result<Request, ProtocolError> {
        let mut header = [0; REQUEST_HEADER_LEN];
        read_fixed(reader, &mut header)?;

        // `struct.unpack('!4sBQH', header)`, field by field. Reading from a slice of the
        // right length cannot fail; `?` only satisfies the `io::Read` signature.
        let mut fields = &header[..];
        let mut magic = [0; 4];
        fields.read_exact(&mut magic)?;
        check_magic(&magic)?;
        let flags = fields.read_u8()?;
        check_flags(flags, field::request::WANT_SHA256)?;
        let offset = fields.read_u64::<BigEndian>()?;
        let name_len = checked_name_len(fields.read_u16::<BigEndian>()?)?;

        // Safe to allocate: `name_len` is at most MAX_NAME.
        let mut name = vec![0; name_len];
        read_rest(reader, &mut name, REQUEST_HEADER_LEN)?;
        let name = String::from_utf8(name).map_err(|_| ProtocolError::NotUtf8)?;
        Ok(Request {
            name,
            offset,
            want_sha256: flags & field::request::WANT_SHA256 != 0,
        })
    }
}

/// The name length from the wire, if it is within [`MAX_NAME`].
fn checked_name_len(len: u16) -> Result<usize, ProtocolError> {
    match usize::from(len) {
        len if len <= MAX_NAME => Ok(len),
        len => Err(ProtocolError::NameTooLong(len)),
    }
}

/// Whether a buffer holds a whole request yet (httparse's `Status`): too few bytes is
/// not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A whole, valid request: its first `n` bytes. [`Request::read_from`] on them
    /// succeeds.
    Complete(usize),
    /// Valid so far, but more bytes are needed.
    Partial,
}

/// Step 1 of reading a request from a buffer: is a whole request there?
///
/// Each field is checked as soon as its bytes are in, so a peer speaking another
/// protocol, or announcing a name too long, is refused at once instead of being waited
/// for until a deadline. Step 2 is [`Request::read_from`] on the `n` bytes found complete.
///
/// # Errors
///
/// The errors of [`Request::read_from`], except `Closed`, `Truncated` and `Io`: whether
/// more bytes will come is the caller's knowledge, not the buffer's.
///
/// # Examples
///
/// ```
/// use file_download::protocol::{check, Check, ProtocolError, Request};
///
/// let wire = Request { name: "a.txt".into(), offset: 0, want_sha256: false }.encode()?;
/// assert_eq!(check(&wire[..7])?, Check::Partial); // inside the header
/// assert_eq!(check(&wire[..17])?, Check::Partial); // inside the name
/// let mut buffered = wire.clone();
/// buffered.extend_from_slice(b"FDL1"); // the start of a next request
/// let Check::Complete(n) = check(&buffered)? else { panic!("the request is all there") };
/// assert_eq!(n, wire.len());
/// assert_eq!(Request::read_from(&mut &buffered[..n])?.name, "a.txt");
///
/// // Four bytes are enough to refuse a stranger.
/// assert!(matches!(check(b"GET "), Err(ProtocolError::BadMagic(_))));
/// # Ok::<(), ProtocolError>(())
/// ```
pub fn check(buf: &[u8]) -> Result<Check, ProtocolError> {
    use field::request as f;
    if buf.len() >= f::MAGIC.end {
        check_magic(&buf[f::MAGIC])?;
    }
    if buf.len() > f::FLAGS {
        check_flags(buf[f::FLAGS], f::WANT_SHA256)?;
    }
    if buf.len() < REQUEST_HEADER_LEN {
        return Ok(Check::Partial);
    }
    let end = REQUEST_HEADER_LEN + checked_name_len(BigEndian::read_u16(&buf[f::NAME_LEN]))?;
    if buf.len() < end {
        return Ok(Check::Partial);
    }
    // Checked here too, so that Complete means read_from will succeed.
    std::str::from_utf8(&buf[REQUEST_HEADER_LEN..end]).map_err(|_| ProtocolError::NotUtf8)?;
    Ok(Check::Complete(end))
}
