//! Length-prefixed frames: the cure for sticky packets (粘包).
//!
//! TCP delivers a stream of bytes, not messages: two `send`s may arrive in one `recv`, and
//! one `send` may need several. A frame puts the message's length in front of it:
//!
//! ```text
//! +----------------+---------------------------+
//! | length (4 B)   | payload (length bytes)     |
//! +----------------+---------------------------+
//! ```
//!
//! so the receiver reads the header, then exactly that many bytes, however the stream was
//! cut. Two ways to read are offered, simplest first:
//!
//! - [`Codec::read_frame`]: blocking `read_exact` of the header, then of the payload;
//! - [`FrameReader`]: a buffer in front of the stream, asked with [`check`] whether a whole
//!   frame is already there and then [`parse`]d (the shape of mini-redis's `Connection`),
//!   which never reads more system calls than it needs and also works with bytes that
//!   arrive from anywhere (a test, a non-blocking socket).
//!
//! A length from the wire is checked against [`Codec::max_len`] *before* anything is
//! allocated: a peer (or a stray HTTP request read as a header) claiming 4 GiB costs nothing.

use crate::header::LengthHeader;
use std::io::{self, IoSlice, Read, Write};

/// The default largest payload: 16 MiB.
pub const DEFAULT_MAX_LEN: usize = 16 * 1024 * 1024;

/// What can go wrong while framing.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The header announces more bytes than this side accepts.
    #[error("frame length {len} exceeds the limit of {max} bytes")]
    TooLong {
        /// The announced payload length.
        len: u64,
        /// The limit.
        max: usize,
    },
    /// A signed header holds a negative number.
    #[error("frame header holds a negative length ({0})")]
    NegativeLength(i64),
    /// The stream ended inside a frame (the peer closed or crashed mid-message).
    #[error("connection closed in the middle of a frame: {got} of {expected} bytes received")]
    Truncated {
        /// Bytes of the frame (header included) that did arrive.
        got: usize,
        /// Bytes the frame needed (header included; the header size if the header itself was cut).
        expected: usize,
    },
    /// A payload too long for the header format (e.g. 70,000 bytes with `!H`).
    #[error("a payload of {len} bytes does not fit a {header} header (at most {max})")]
    PayloadTooLong {
        /// The payload length.
        len: usize,
        /// The header format.
        header: String,
        /// The largest length it can carry.
        max: u64,
    },
    /// Reading or writing the stream failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Whether a buffer holds a whole frame yet: complete is not the same as invalid
/// (httparse's lesson).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A whole frame is buffered: `header + payload` bytes.
    Complete {
        /// Bytes of the whole frame, header included.
        frame_len: usize,
    },
    /// More bytes are needed; `needed` is how many at least.
    Partial {
        /// The smallest number of further bytes that could complete the frame.
        needed: usize,
    },
}

/// The framing rules shared by both ends: the header format and the largest payload.
#[derive(Debug, Clone)]
pub struct Codec {
    header: LengthHeader,
    max_len: usize,
}

impl Default for Codec {
    fn default() -> Self {
        Codec::new(LengthHeader::network(), DEFAULT_MAX_LEN)
    }
}

impl Codec {
    /// A codec with this header and payload limit.
    pub fn new(header: LengthHeader, max_len: usize) -> Codec {
        Codec { header, max_len }
    }

    /// The header format.
    pub fn header(&self) -> &LengthHeader {
        &self.header
    }

    /// The largest payload accepted when reading.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Encodes one frame into a new buffer: header, then payload.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::frame::Codec;
    ///
    /// let frame = Codec::default().encode(b"hello").unwrap();
    /// assert_eq!(frame, b"\x00\x00\x00\x05hello");
    /// ```
    pub fn encode(&self, payload: &[u8]) -> Result<Vec<u8>, FrameError> {
        if payload.len() as u64 > self.header.max_len() {
            return Err(self.payload_too_long(payload.len()));
        }
        let mut frame = vec![0; self.header.size() + payload.len()];
        self.header
            .encode(payload.len() as u64, &mut frame[..self.header.size()])
            .ok_or_else(|| self.payload_too_long(payload.len()))?;
        frame[self.header.size()..].copy_from_slice(payload);
        Ok(frame)
    }

    /// Writes one frame. Header and payload go out in one vectored write (`writev`): one
    /// system call, no copy of the payload, and Nagle's algorithm never holds the payload
    /// back waiting for the header's ACK.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::frame::Codec;
    ///
    /// let mut wire = Vec::new();
    /// let codec = Codec::default();
    /// codec.write_frame(&mut wire, b"hello").unwrap();
    /// codec.write_frame(&mut wire, b"world").unwrap();
    /// // However the bytes are cut in transit, the frames come back whole:
    /// let mut stream = &wire[..];
    /// assert_eq!(codec.read_frame(&mut stream).unwrap().unwrap(), b"hello");
    /// assert_eq!(codec.read_frame(&mut stream).unwrap().unwrap(), b"world");
    /// assert!(codec.read_frame(&mut stream).unwrap().is_none()); // clean end
    /// ```
    pub fn write_frame<W: Write>(&self, writer: &mut W, payload: &[u8]) -> Result<(), FrameError> {
        let mut header = [0u8; 8];
        let header = &mut header[..self.header.size()];
        self.header
            .encode(payload.len() as u64, header)
            .ok_or_else(|| self.payload_too_long(payload.len()))?;
        let mut slices = [IoSlice::new(header), IoSlice::new(payload)];
        let mut slices = &mut slices[..];
        // `write_all` for two buffers: a write may take only part of them.
        while !slices.is_empty() {
            match writer.write_vectored(slices) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero).into()),
                Ok(n) => IoSlice::advance_slices(&mut slices, n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    fn payload_too_long(&self, len: usize) -> FrameError {
        FrameError::PayloadTooLong {
            len,
            header: self.header.to_string(),
            max: self.header.max_len(),
        }
    }

    /// Reads one frame with blocking reads: `Ok(None)` when the stream ends cleanly
    /// between frames, [`FrameError::Truncated`] when it ends inside one.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::frame::{Codec, FrameError};
    ///
    /// let codec = Codec::default();
    /// // A header announcing 4 GiB - 1: refused before any allocation.
    /// let err = codec.read_frame(&mut &[0xff, 0xff, 0xff, 0xff][..]).unwrap_err();
    /// assert!(matches!(err, FrameError::TooLong { .. }));
    /// // A frame cut short.
    /// let err = codec.read_frame(&mut &b"\x00\x00\x00\x05hel"[..]).unwrap_err();
    /// assert!(matches!(err, FrameError::Truncated { got: 7, expected: 9 }));
    /// ```
    pub fn read_frame<R: Read>(&self, reader: &mut R) -> Result<Option<Vec<u8>>, FrameError> {
        let size = self.header.size();
        let mut header = [0u8; 8];
        let got = read_full(reader, &mut header[..size])?;
        if got == 0 {
            return Ok(None);
        }
        if got < size {
            return Err(FrameError::Truncated {
                got,
                expected: size,
            });
        }
        let len = self.check_len(&header[..size])?;
        // Safe to allocate: `len` is at most `max_len`.
        let mut payload = vec![0; len];
        let got = read_full(reader, &mut payload)?;
        if got < len {
            return Err(FrameError::Truncated {
                got: size + got,
                expected: size + len,
            });
        }
        Ok(Some(payload))
    }

    /// Validates the header bytes and returns the payload length.
    fn check_len(&self, header: &[u8]) -> Result<usize, FrameError> {
        let len = self
            .header
            .decode(header)
            .map_err(FrameError::NegativeLength)?;
        match usize::try_from(len) {
            Ok(len) if len <= self.max_len => Ok(len),
            _ => Err(FrameError::TooLong {
                len,
                max: self.max_len,
            }),
        }
    }
}

/// Reads until `buf` is full or the stream ends; returns how many bytes were read.
/// (`read_exact` cannot say how far it got, which the error message wants.)
fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
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

/// Step 1 of incremental decoding: does `buf` start with a whole frame?
///
/// Too little data is [`Status::Partial`], not an error; a bad header is an error at once,
/// without waiting for a payload that will never be accepted.
///
/// # Examples
///
/// ```
/// use framing::frame::{check, Codec, Status};
///
/// let codec = Codec::default();
/// assert_eq!(check(&codec, b"\x00\x00").unwrap(), Status::Partial { needed: 2 });
/// assert_eq!(check(&codec, b"\x00\x00\x00\x05he").unwrap(), Status::Partial { needed: 3 });
/// assert_eq!(check(&codec, b"\x00\x00\x00\x02hi+more").unwrap(), Status::Complete { frame_len: 6 });
/// ```
pub fn check(codec: &Codec, buf: &[u8]) -> Result<Status, FrameError> {
    let size = codec.header.size();
    if buf.len() < size {
        return Ok(Status::Partial {
            needed: size - buf.len(),
        });
    }
    // check_len bounded the length by max_len; saturating keeps a limit near usize::MAX
    // from overflowing here.
    let frame_len = size.saturating_add(codec.check_len(&buf[..size])?);
    if buf.len() < frame_len {
        Ok(Status::Partial {
            needed: frame_len - buf.len(),
        })
    } else {
        Ok(Status::Complete { frame_len })
    }
}

/// Step 2: the payload of a frame that [`check`] found complete (`frame_len` bytes).
pub fn parse<'a>(codec: &Codec, buf: &'a [u8], frame_len: usize) -> &'a [u8] {
    &buf[codec.header.size()..frame_len]
}

/// Reads frames from a stream through a buffer (mini-redis's `Connection`).
///
/// Each `read` takes whatever the socket has (several frames, or a piece of one), and
/// frames are cut out of the buffer as they complete.
#[derive(Debug)]
pub struct FrameReader<R> {
    reader: R,
    codec: Codec,
    /// Storage for received bytes; only `buffer[start..end]` holds data not yet returned.
    /// It is zero-filled once, when it grows, and reused after that.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    /// A large frame being read straight into its own buffer (payload, bytes filled), so
    /// its bytes are copied once, from the kernel; kept here so an interrupted read resumes.
    large: Option<(Vec<u8>, usize)>,
}

/// The least room offered to each read of the stream.
const READ_CHUNK: usize = 8 * 1024;

impl<R: Read> FrameReader<R> {
    /// Wraps `reader`.
    pub fn new(reader: R, codec: Codec) -> FrameReader<R> {
        FrameReader {
            reader,
            codec,
            buffer: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            large: None,
        }
    }

    /// The next frame; `Ok(None)` at a clean end of stream between frames.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::frame::{Codec, FrameReader};
    ///
    /// let bytes = b"\x00\x00\x00\x05hello\x00\x00\x00\x05world"; // one "recv", two frames
    /// let mut reader = FrameReader::new(&bytes[..], Codec::default());
    /// assert_eq!(reader.read_frame().unwrap().unwrap(), b"hello");
    /// assert_eq!(reader.read_frame().unwrap().unwrap(), b"world");
    /// assert!(reader.read_frame().unwrap().is_none());
    /// ```
    pub fn read_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if self.large.is_some() {
            return self.finish_large().map(Some);
        }
        loop {
            // 1. check: is a whole frame buffered?
            let pending = &self.buffer[self.start..self.end];
            match check(&self.codec, pending)? {
                Status::Complete { frame_len } => {
                    // 2. parse: cut it out.
                    let frame = parse(&self.codec, pending, frame_len).to_vec();
                    self.start += frame_len;
                    if self.start == self.end {
                        (self.start, self.end) = (0, 0);
                    }
                    return Ok(Some(frame));
                }
                // A large frame whose header has arrived: give it its own buffer and
                // read the rest straight into it.
                Status::Partial { needed }
                    if pending.len() >= self.codec.header.size() && needed > READ_CHUNK =>
                {
                    let have = &pending[self.codec.header.size()..];
                    // Safe to allocate: `check` bounded the length by the codec's limit.
                    let mut payload = vec![0; have.len() + needed];
                    payload[..have.len()].copy_from_slice(have);
                    self.large = Some((payload, have.len()));
                    (self.start, self.end) = (0, 0);
                    return self.finish_large().map(Some);
                }
                // 3. not yet: read more, or report how the stream ended.
                Status::Partial { needed } => {
                    if self.fill(needed)? == 0 {
                        let got = self.end - self.start;
                        return if got == 0 {
                            Ok(None)
                        } else {
                            Err(FrameError::Truncated {
                                got,
                                expected: got + needed,
                            })
                        };
                    }
                }
            }
        }
    }

    /// Reads the rest of the large frame in `self.large`. On an error (`WouldBlock`,
    /// `TimedOut`) the partial frame stays, and the next call resumes it.
    fn finish_large(&mut self) -> Result<Vec<u8>, FrameError> {
        let Some((payload, filled)) = self.large.as_mut() else {
            unreachable!("finish_large is called only with a large frame pending");
        };
        while *filled < payload.len() {
            match self.reader.read(&mut payload[*filled..]) {
                Ok(0) => {
                    let size = self.codec.header.size();
                    let err = FrameError::Truncated {
                        got: size + *filled,
                        expected: size + payload.len(),
                    };
                    self.large = None;
                    return Err(err);
                }
                Ok(n) => *filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        let (payload, _) = self.large.take().unwrap_or_default();
        Ok(payload)
    }

    /// Reads once from the stream into room for at least `needed` more bytes; returns the
    /// count. `needed` is bounded: `check` refused any header beyond the codec's limit.
    ///
    /// Nothing buffered is dropped before its frame is complete, so an error such as
    /// `WouldBlock` (a non-blocking socket) or `TimedOut` (a read timeout) can be retried:
    /// the next `read_frame` carries on where this one stopped.
    fn fill(&mut self, needed: usize) -> Result<usize, FrameError> {
        let want = needed.max(READ_CHUNK);
        if self.buffer.len() - self.end < want {
            // Move the unfinished frame to the front, then grow if that is not enough.
            self.buffer.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
            if self.buffer.len() - self.end < want {
                self.buffer.resize(self.end + want, 0);
            }
        }
        loop {
            match self.reader.read(&mut self.buffer[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// The bytes buffered but not yet returned as frames.
    pub fn buffered(&self) -> usize {
        self.end - self.start + self.large.as_ref().map_or(0, |(_, filled)| *filled)
    }

    /// How far the frame being received has got: its payload bytes received so far and
    /// the payload length its header announced. `None` before a whole header is in (or
    /// when only complete frames are buffered). For saying where a peer stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::frame::{Codec, FrameReader};
    ///
    /// let mut reader = FrameReader::new(&b"\x00\x00\x00\x05hel"[..], Codec::default());
    /// assert_eq!(reader.progress(), None); // nothing read yet
    /// assert!(reader.read_frame().is_err()); // the stream ends inside the frame...
    /// assert_eq!(reader.progress(), Some((3, 5))); // ...after 3 of its 5 bytes
    /// ```
    pub fn progress(&self) -> Option<(usize, usize)> {
        if let Some((payload, filled)) = &self.large {
            return Some((*filled, payload.len()));
        }
        let pending = &self.buffer[self.start..self.end];
        let size = self.codec.header.size();
        match check(&self.codec, pending) {
            Ok(Status::Partial { needed }) if pending.len() >= size => {
                Some((pending.len() - size, pending.len() - size + needed))
            }
            _ => None,
        }
    }

    /// The buffer's size: bounded by the largest frame plus one read chunk.
    pub fn buffer_capacity(&self) -> usize {
        self.buffer.len()
    }

    /// Gives the stream back (e.g. to write replies on a `TcpStream`).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codec(format: &str, max: usize) -> Codec {
        Codec::new(LengthHeader::parse(format).unwrap(), max)
    }

    #[test]
    fn golden_frames() {
        assert_eq!(Codec::default().encode(b"").unwrap(), [0, 0, 0, 0]);
        // The course's struct.pack('i', 5) on a PC: little-endian.
        assert_eq!(
            codec("=i", 100).encode(b"hello").unwrap(),
            b"\x05\x00\x00\x00hello"
        );
        assert_eq!(codec("!H", 100).encode(b"hi").unwrap(), b"\x00\x02hi");
    }

    #[test]
    fn payload_too_long_for_the_header() {
        let err = codec("!B", 1000).encode(&[0; 256]).unwrap_err();
        assert!(matches!(
            err,
            FrameError::PayloadTooLong {
                len: 256,
                max: 255,
                ..
            }
        ));
    }

    #[test]
    fn negative_and_oversized_lengths() {
        let c = codec("=i", 1000);
        let err = c
            .read_frame(&mut &[0xff, 0xff, 0xff, 0xff][..])
            .unwrap_err();
        assert!(matches!(err, FrameError::NegativeLength(-1)), "{err}");
        let err = check(&c, &[0xe9, 0x03, 0, 0]).unwrap_err(); // 1001
        assert!(
            matches!(
                err,
                FrameError::TooLong {
                    len: 1001,
                    max: 1000
                }
            ),
            "{err}"
        );
        // The limit itself is fine.
        assert!(check(&c, &[0xe8, 0x03, 0, 0]).is_ok());
    }

    #[test]
    fn eof_inside_a_header_is_truncation() {
        let err = Codec::default().read_frame(&mut &[0, 0][..]).unwrap_err();
        assert!(matches!(
            err,
            FrameError::Truncated {
                got: 2,
                expected: 4
            }
        ));
        let mut reader = FrameReader::new(&[0u8, 0][..], Codec::default());
        let err = reader.read_frame().unwrap_err();
        assert!(matches!(
            err,
            FrameError::Truncated {
                got: 2,
                expected: 4
            }
        ));
    }

    /// A reader that hands out the stream in the given piece sizes, like a socket.
    struct Pieces {
        data: Vec<u8>,
        cuts: Vec<usize>,
        pos: usize,
    }

    impl Read for Pieces {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let piece = self.cuts.pop().unwrap_or(usize::MAX).max(1);
            let n = piece.min(buf.len()).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    /// A reader that fails with `WouldBlock` before every other read, like a
    /// non-blocking socket with nothing to read yet.
    struct Stuttering {
        inner: Pieces,
        block: bool,
    }

    impl Read for Stuttering {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.block = !self.block;
            if self.block {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            self.inner.read(buf)
        }
    }

    proptest! {
        #[test]
        fn would_block_loses_nothing(
            payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..30_000), 1..5),
            cuts in prop::collection::vec(1usize..9000, 0..40),
        ) {
            let c = codec("!I", 40_000);
            let mut wire = Vec::new();
            for p in &payloads {
                c.write_frame(&mut wire, p).unwrap();
            }
            let inner = Pieces { data: wire, cuts, pos: 0 };
            let mut reader = FrameReader::new(Stuttering { inner, block: false }, c);
            let mut got = Vec::new();
            loop {
                match reader.read_frame() {
                    Ok(Some(frame)) => got.push(frame),
                    Ok(None) => break,
                    Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("{e}"),
                }
            }
            prop_assert_eq!(got, payloads);
        }

        #[test]
        fn any_split_of_a_stream_yields_the_same_frames(
            payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..20),
            cuts in prop::collection::vec(1usize..50, 0..100),
            format in prop::sample::select(vec!["!I", "=i", "!H", "<Q"]),
        ) {
            let c = codec(format, 1000);
            let mut wire = Vec::new();
            for p in &payloads {
                c.write_frame(&mut wire, p).unwrap();
            }
            let mut reader = FrameReader::new(Pieces { data: wire.clone(), cuts: cuts.clone(), pos: 0 }, c.clone());
            let mut simple = Pieces { data: wire, cuts, pos: 0 };
            for p in &payloads {
                prop_assert_eq!(&reader.read_frame().unwrap().unwrap(), p);
                prop_assert_eq!(&c.read_frame(&mut simple).unwrap().unwrap(), p);
            }
            prop_assert!(reader.read_frame().unwrap().is_none());
            prop_assert!(c.read_frame(&mut simple).unwrap().is_none());
        }

        #[test]
        fn arbitrary_bytes_never_panic_nor_overallocate(
            data in prop::collection::vec(any::<u8>(), 0..2000),
            format in prop::sample::select(vec!["!I", "=i", "!H", "!b", "<q"]),
        ) {
            let max = 512;
            let c = codec(format, max);
            let mut reader = FrameReader::new(&data[..], c.clone());
            while let Ok(Some(frame)) = reader.read_frame() {
                prop_assert!(frame.len() <= max);
                prop_assert!(reader.buffer_capacity() <= 2 * (8 + max + READ_CHUNK));
            }
            let mut stream = &data[..];
            while let Ok(Some(frame)) = c.read_frame(&mut stream) {
                prop_assert!(frame.len() <= max);
            }
        }
    }
}
