//! Unpacking: bytes into Python values (`struct.unpack`, `unpack_from`,
//! `iter_unpack`).
//!
//! This is the receiving side of the sticky-packet cure: read exactly
//! `calcsize(header)` bytes, unpack the length, then read that many bytes.
//! Unpacking checks the buffer length once; after that no field can be out
//! of bounds, because every field lies inside the layout's size.

use std::borrow::Cow;
use std::slice::ChunksExact;

use super::error::StructError;
use super::format::{Item, Kind, Op};
use super::half::unpack_half;
use super::value::Value;
use super::Struct;
use super::{place, Misplaced};

impl Struct {
    /// Unpacks a buffer of exactly [`size`](Struct::size) bytes
    /// (`Struct.unpack`).
    ///
    /// # Errors
    ///
    /// A buffer of any other length.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{Struct, Value};
    ///
    /// // The course's receiver: total_size = struct.unpack('i', data_head)[0]
    /// let header = Struct::new("i").unwrap();
    /// assert_eq!(header.unpack(&[0x49, 0x1e, 0, 0]).unwrap(), [Value::Int(7753)]);
    ///
    /// let err = header.unpack(b"abc").unwrap_err();
    /// assert_eq!(err.to_string(), "unpack requires a buffer of 4 bytes");
    /// ```
    #[inline]
    pub fn unpack(&self, buffer: &[u8]) -> Result<Vec<Value>, StructError> {
        if buffer.len() != self.layout.size {
            return Err(StructError::UnpackSize {
                size: self.layout.size,
            });
        }
        let mut out = Vec::with_capacity(self.layout.len);
        self.read_fields(buffer, &mut out)?;
        Ok(out)
    }

    /// Unpacks like [`unpack`](Struct::unpack) but appends the values to
    /// `out`, reusing its allocation: the fast path for a receive loop.
    /// On error `out` is left as it was.
    ///
    /// # Errors
    ///
    /// As [`unpack`](Struct::unpack).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new(">HH").unwrap();
    /// let mut values = Vec::with_capacity(2);
    /// s.unpack_append(&[0, 1, 0, 2], &mut values).unwrap();
    /// assert_eq!(values, [Value::Int(1), Value::Int(2)]);
    /// values.clear();
    /// assert!(s.unpack_append(&[0, 1], &mut values).is_err());
    /// assert!(values.is_empty());
    /// ```
    #[inline]
    pub fn unpack_append(&self, buffer: &[u8], out: &mut Vec<Value>) -> Result<(), StructError> {
        if buffer.len() != self.layout.size {
            return Err(StructError::UnpackSize {
                size: self.layout.size,
            });
        }
        let start = out.len();
        let result = self.read_fields(buffer, out);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Unpacks [`size`](Struct::size) bytes starting at `offset`; the buffer
    /// may be longer (`Struct.unpack_from`). A negative offset counts from
    /// the end, as in Python.
    ///
    /// # Errors
    ///
    /// An offset that leaves fewer than `size` bytes, or lies before the
    /// start of the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new("B").unwrap();
    /// assert_eq!(s.unpack_from(b"\x01\x02\x03", 1).unwrap(), [Value::Int(2)]);
    /// assert_eq!(s.unpack_from(b"\x01\x02\x03", -1).unwrap(), [Value::Int(3)]);
    ///
    /// let err = s.unpack_from(b"\x01", -2).unwrap_err();
    /// assert_eq!(err.to_string(), "offset -2 out of range for 1-byte buffer");
    /// ```
    #[inline]
    pub fn unpack_from(&self, buffer: &[u8], offset: isize) -> Result<Vec<Value>, StructError> {
        let size = self.layout.size;
        let len = buffer.len();
        let start = place(offset, size, len).map_err(|misplaced| match misplaced {
            Misplaced::EndsPastBuffer => StructError::NotEnoughData { size, offset },
            Misplaced::StartsBeforeBuffer => StructError::OffsetOutOfRange {
                offset,
                buffer_len: len,
            },
            Misplaced::TooSmall { start } => StructError::UnpackFromTooSmall {
                size,
                offset: start as isize,
                buffer_len: len,
            },
        })?;
        let mut out = Vec::with_capacity(self.layout.len);
        self.read_fields(&buffer[start..start + size], &mut out)?;
        Ok(out)
    }

    /// An iterator unpacking the buffer one struct after another
    /// (`Struct.iter_unpack`).
    ///
    /// # Errors
    ///
    /// A zero-size struct, or a buffer that is not a whole number of structs.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{Struct, Value};
    ///
    /// let s = Struct::new("<h").unwrap();
    /// let all: Result<Vec<_>, _> = s.iter_unpack(&[1, 0, 2, 0]).unwrap().collect();
    /// assert_eq!(all.unwrap(), [[Value::Int(1)], [Value::Int(2)]]);
    ///
    /// let err = s.iter_unpack(&[1, 0, 2]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "iterative unpacking requires a buffer of a multiple of 2 bytes"
    /// );
    /// ```
    pub fn iter_unpack<'s, 'b>(
        &'s self,
        buffer: &'b [u8],
    ) -> Result<IterUnpack<'s, 'b>, StructError> {
        IterUnpack::new(Cow::Borrowed(self), buffer)
    }

    /// Reads every field of `buffer` (exactly the struct's bytes) onto `out`.
    #[inline]
    pub(crate) fn read_fields(
        &self,
        buffer: &[u8],
        out: &mut Vec<Value>,
    ) -> Result<(), StructError> {
        out.reserve(self.layout.len);
        for item in &self.layout.items {
            let mut pos = item.offset;
            for _ in 0..item.repeat {
                out.push(read_field(item, buffer, pos)?);
                pos += item.size;
            }
        }
        Ok(())
    }
}

/// The iterator of [`Struct::iter_unpack`] and [`iter_unpack`]: one
/// `Result<Vec<Value>, StructError>` per struct in the buffer.
///
/// [`iter_unpack`]: super::iter_unpack
#[derive(Debug, Clone)]
pub struct IterUnpack<'s, 'b> {
    st: Cow<'s, Struct>,
    chunks: ChunksExact<'b, u8>,
}

impl<'s, 'b> IterUnpack<'s, 'b> {
    pub(crate) fn new(st: Cow<'s, Struct>, buffer: &'b [u8]) -> Result<Self, StructError> {
        let size = st.size();
        if size == 0 {
            return Err(StructError::IterZeroSize);
        }
        if buffer.len() % size != 0 {
            return Err(StructError::IterNotMultiple { size });
        }
        Ok(IterUnpack {
            chunks: buffer.chunks_exact(size),
            st,
        })
    }
}

impl Iterator for IterUnpack<'_, '_> {
    type Item = Result<Vec<Value>, StructError>;

    fn next(&mut self) -> Option<Self::Item> {
        let chunk = self.chunks.next()?;
        Some(self.st.unpack(chunk))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl ExactSizeIterator for IterUnpack<'_, '_> {}

/// Reads the field at `buffer[pos..pos + item.size]`.
#[inline(always)]
fn read_field(item: &Item, buffer: &[u8], pos: usize) -> Result<Value, StructError> {
    macro_rules! get {
        ($t:ty, $order:ident) => {{
            const N: usize = std::mem::size_of::<$t>();
            let mut b = [0u8; N];
            b.copy_from_slice(&buffer[pos..pos + N]);
            <$t>::$order(b)
        }};
    }
    // Integers: read unsigned, then sign-extend if the code is signed.
    let int = |raw: u64, bits: u32| {
        let signed = matches!(item.op, Op::Int { signed: true, .. });
        if signed {
            let shift = 64 - bits;
            Value::Int(i128::from(((raw << shift) as i64) >> shift))
        } else {
            Value::Int(i128::from(raw))
        }
    };
    Ok(match item.kind {
        Kind::Int8 => int(u64::from(buffer[pos]), 8),
        Kind::Int16Le => int(u64::from(get!(u16, from_le_bytes)), 16),
        Kind::Int16Be => int(u64::from(get!(u16, from_be_bytes)), 16),
        Kind::Int32Le => int(u64::from(get!(u32, from_le_bytes)), 32),
        Kind::Int32Be => int(u64::from(get!(u32, from_be_bytes)), 32),
        Kind::Int64Le => int(get!(u64, from_le_bytes), 64),
        Kind::Int64Be => int(get!(u64, from_be_bytes), 64),
        Kind::DoubleLe => Value::Float(f64::from_bits(get!(u64, from_le_bytes))),
        Kind::DoubleBe => Value::Float(f64::from_bits(get!(u64, from_be_bytes))),
        Kind::FloatLe | Kind::FloatLeChecked => {
            Value::Float(f64::from(f32::from_bits(get!(u32, from_le_bytes))))
        }
        Kind::FloatBeChecked => Value::Float(f64::from(f32::from_bits(get!(u32, from_be_bytes)))),
        Kind::HalfLe => Value::Float(unpack_half(get!(u16, from_le_bytes))),
        Kind::HalfBe => Value::Float(unpack_half(get!(u16, from_be_bytes))),
        Kind::Bool => Value::Bool(buffer[pos] != 0),
        Kind::Char | Kind::Str => Value::Bytes(buffer[pos..pos + item.size].to_vec()),
        Kind::Pascal => {
            if item.size == 0 {
                return Err(StructError::NegativePascalSize);
            }
            // The length byte may claim more than the field holds: trust the field.
            let n = usize::from(buffer[pos]).min(item.size - 1);
            Value::Bytes(buffer[pos + 1..pos + 1 + n].to_vec())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::{iter_unpack, unpack, Struct, StructError, Value};
    use proptest::prelude::*;

    fn ints(values: &[i128]) -> Vec<Value> {
        values.iter().map(|&v| Value::Int(v)).collect()
    }

    #[test]
    fn integers() {
        assert_eq!(unpack("<h", &[0xfe, 0xff]).unwrap(), ints(&[-2]));
        assert_eq!(unpack(">H", &[0xfe, 0xff]).unwrap(), ints(&[65279]));
        assert_eq!(unpack("b", &[0x80]).unwrap(), ints(&[-128]));
        assert_eq!(unpack("B", &[0x80]).unwrap(), ints(&[128]));
        assert_eq!(unpack("P", &[0xff; 8]).unwrap(), ints(&[u64::MAX as i128]));
        assert_eq!(unpack("n", &[0xff; 8]).unwrap(), ints(&[-1]));
        assert_eq!(unpack("N", &[0xff; 8]).unwrap(), ints(&[u64::MAX as i128]));
        assert_eq!(
            unpack("!q", &[0x80, 0, 0, 0, 0, 0, 0, 0]).unwrap(),
            ints(&[i64::MIN as i128])
        );
        assert_eq!(unpack("=l", &[0xff; 4]).unwrap(), ints(&[-1]));
        assert_eq!(unpack("@l", &[0xff; 8]).unwrap(), ints(&[-1]));
        assert_eq!(
            unpack("bi", &[1, 0xa5, 0xa5, 0xa5, 2, 0, 0, 0]).unwrap(),
            ints(&[1, 2])
        );
    }

    #[test]
    fn others() {
        assert_eq!(unpack("?", &[2]).unwrap(), [Value::Bool(true)]);
        assert_eq!(unpack("<?", &[0]).unwrap(), [Value::Bool(false)]);
        assert_eq!(unpack("c", b"A").unwrap(), [Value::Bytes(b"A".to_vec())]);
        assert_eq!(
            unpack("3s", b"a\0b").unwrap(),
            [Value::Bytes(b"a\0b".to_vec())]
        );
        assert_eq!(unpack("0s", b"").unwrap(), [Value::Bytes(vec![])]);
        assert_eq!(
            unpack("3p", b"\x05ab").unwrap(),
            [Value::Bytes(b"ab".to_vec())]
        );
        assert_eq!(
            unpack("3p", b"\x01ab").unwrap(),
            [Value::Bytes(b"a".to_vec())]
        );
        assert_eq!(unpack("1p", b"\x05").unwrap(), [Value::Bytes(vec![])]);
        assert_eq!(unpack("<e", &[0x00, 0x3c]).unwrap(), [Value::Float(1.0)]);
        assert_eq!(
            unpack(">f", &[0x3f, 0xc0, 0, 0]).unwrap(),
            [Value::Float(1.5)]
        );
        assert_eq!(
            unpack("<d", &1.25f64.to_le_bytes()).unwrap(),
            [Value::Float(1.25)]
        );
        assert_eq!(unpack("2x", &[1, 2]).unwrap(), []);
    }

    #[test]
    fn nan_payloads_like_cpython() {
        // A signalling binary32 NaN comes back quieted with its payload moved
        // up, as the C cast (float -> double) does.
        let v = unpack("<f", &[0x01, 0x00, 0xc0, 0xff]).unwrap();
        let Value::Float(x) = v[0] else {
            panic!("float")
        };
        assert_eq!(x.to_bits(), 0xfff8_0000_2000_0000);
    }

    #[test]
    fn zero_pascal_fails_like_cpython() {
        let e = unpack("0p", b"").unwrap_err();
        assert_eq!(
            e.python_line(),
            "SystemError: Negative size passed to PyBytes_FromStringAndSize"
        );
        assert_eq!(
            unpack("i0p", &[1, 0, 0, 0]).unwrap_err(),
            StructError::NegativePascalSize
        );
    }

    #[test]
    fn buffer_size_errors() {
        assert_eq!(
            unpack("i", b"abc").unwrap_err().to_string(),
            "unpack requires a buffer of 4 bytes"
        );
        assert_eq!(
            unpack("i", b"abcde").unwrap_err().to_string(),
            "unpack requires a buffer of 4 bytes"
        );
        let s = Struct::new("i").unwrap();
        let e = |r: Result<Vec<Value>, StructError>| r.unwrap_err().to_string();
        assert_eq!(
            e(s.unpack_from(b"abc", 0)),
            "unpack_from requires a buffer of at least 4 bytes for unpacking 4 bytes at offset 0 (actual buffer size is 3)"
        );
        assert_eq!(
            e(s.unpack_from(b"abcdef", 3)),
            "unpack_from requires a buffer of at least 7 bytes for unpacking 4 bytes at offset 3 (actual buffer size is 6)"
        );
        assert_eq!(
            e(s.unpack_from(b"abcdef", -3)),
            "not enough data to unpack 4 bytes at offset -3"
        );
        assert_eq!(
            e(s.unpack_from(b"abcdef", -7)),
            "offset -7 out of range for 6-byte buffer"
        );
        assert_eq!(
            e(s.unpack_from(b"abcdef", 1 << 62)),
            "unpack_from requires a buffer of at least 4611686018427387908 bytes for unpacking 4 bytes at offset 4611686018427387904 (actual buffer size is 6)"
        );
        assert_eq!(s.unpack_from(b"abcdef", -6).unwrap(), ints(&[1684234849]));
        assert_eq!(s.unpack_from(b"abcdef", 2).unwrap(), ints(&[1717920867]));
    }

    #[test]
    fn iterating() {
        assert_eq!(iter_unpack("", b"").unwrap_err(), StructError::IterZeroSize);
        assert_eq!(
            iter_unpack("", b"").unwrap_err().to_string(),
            "cannot iteratively unpack with a struct of length 0"
        );
        assert_eq!(
            iter_unpack("i", b"abc").unwrap_err(),
            StructError::IterNotMultiple { size: 4 }
        );
        assert_eq!(iter_unpack("i", b"").unwrap().count(), 0);
        let it = iter_unpack("B", b"\x01\x02\x03").unwrap();
        assert_eq!(it.len(), 3);
        let all: Vec<_> = it.map(|r| r.unwrap()).collect();
        assert_eq!(all, [ints(&[1]), ints(&[2]), ints(&[3])]);
        let mut bad = iter_unpack("b0p", b"\x01").unwrap();
        assert_eq!(bad.next(), Some(Err(StructError::NegativePascalSize)));
    }

    #[test]
    fn unpack_append_keeps_out_on_error() {
        let s = Struct::new("b0p").unwrap();
        let mut out = vec![Value::Int(9)];
        assert!(s.unpack_append(b"\x01", &mut out).is_err());
        assert_eq!(out, ints(&[9]));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            fmt in "[@=<>!]?([0-9]?[xcbB?hHiIlLqQnNefdspP]){0,6}",
            data in proptest::collection::vec(any::<u8>(), 0..80),
            offset in -100isize..100,
        ) {
            if let Ok(s) = Struct::new(&fmt) {
                let _ = s.unpack(&data);
                let _ = s.unpack_from(&data, offset);
                if let Ok(it) = s.iter_unpack(&data) {
                    for r in it {
                        let _ = r;
                    }
                }
                // A buffer of the right size always unpacks (but for 0p).
                if data.len() >= s.size() && !fmt.contains("0p") {
                    prop_assert!(s.unpack(&data[..s.size()]).is_ok());
                }
            }
        }
    }
}
