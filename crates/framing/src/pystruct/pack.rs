//! Packing: Python values into bytes (`struct.pack`, `pack_into`).
//!
//! The struct's bytes are zero-filled first (so pad bytes are 0), then each
//! field is checked and written in order. A value is rejected with the same
//! error CPython 3.11 gives; fields written before the bad one stay written,
//! which matters only for `pack_into`, where the caller keeps the buffer.

use super::error::StructError;
use super::format::{ctype_name, IntRule, Item, Kind, Op};
use super::half::pack_half;
use super::value::Value;
use super::{place, Misplaced, Struct};

/// `PyBytesObject_SIZE` on 64-bit CPython: a `bytes` object can hold at most
/// `isize::MAX - 33` bytes.
const BYTES_OVERHEAD: usize = 33;

impl Struct {
    /// Packs `values` into a new byte vector of [`size`](Struct::size) bytes
    /// (`Struct.pack`).
    ///
    /// # Errors
    ///
    /// The wrong number of values, or a value the format code refuses, with
    /// CPython's message.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{Struct, Value};
    ///
    /// // The course's length header: struct.pack('i', 100)
    /// let header = Struct::new("i").unwrap();
    /// assert_eq!(header.pack(&[Value::Int(100)]).unwrap(), [100, 0, 0, 0]);
    ///
    /// let net = Struct::new("!HI").unwrap();
    /// assert_eq!(net.pack(&[1.into(), 2.into()]).unwrap(), [0, 1, 0, 0, 0, 2]);
    ///
    /// let err = net.pack(&[1.into()]).unwrap_err();
    /// assert_eq!(err.to_string(), "pack expected 2 items for packing (got 1)");
    /// let err = net.pack(&[(-1).into(), 2.into()]).unwrap_err();
    /// assert_eq!(err.to_string(), "argument out of range");
    /// ```
    #[inline]
    pub fn pack(&self, values: &[Value]) -> Result<Vec<u8>, StructError> {
        self.check_count("pack", values.len())?;
        let size = self.layout.size;
        if size > isize::MAX as usize - BYTES_OVERHEAD {
            return Err(StructError::BytesTooLarge);
        }
        let mut out = Vec::new();
        // A format like "100000000000000x" is legal; its bytes may not fit in
        // memory. Ask first instead of aborting the program.
        out.try_reserve_exact(size)
            .map_err(|_| StructError::OutOfMemory)?;
        out.resize(size, 0);
        self.write_fields(&mut out, values, true)?;
        Ok(out)
    }

    /// Packs `values` onto the end of `out`, reusing its allocation: the
    /// fast path for a program that sends many structs. On error `out` is
    /// left as it was.
    ///
    /// # Errors
    ///
    /// As [`pack`](Struct::pack).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// let header = Struct::new("!I").unwrap();
    /// let mut frame = Vec::with_capacity(64);
    /// header.pack_append(&mut frame, &[5.into()]).unwrap();
    /// frame.extend_from_slice(b"hello");
    /// assert_eq!(frame, b"\0\0\0\x05hello");
    /// assert!(header.pack_append(&mut frame, &[(-1).into()]).is_err());
    /// assert_eq!(frame.len(), 9);
    /// ```
    #[inline]
    pub fn pack_append(&self, out: &mut Vec<u8>, values: &[Value]) -> Result<(), StructError> {
        self.check_count("pack", values.len())?;
        let start = out.len();
        out.try_reserve(self.layout.size)
            .map_err(|_| StructError::OutOfMemory)?;
        out.resize(start + self.layout.size, 0);
        let result = self.write_fields(&mut out[start..], values, true);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Packs `values` into `buffer` starting at `offset` (`Struct.pack_into`).
    /// A negative offset counts from the end of the buffer, as in Python.
    ///
    /// # Errors
    ///
    /// The wrong number of values, an offset that leaves too little room,
    /// or a value the format refuses.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// let s = Struct::new("<H").unwrap();
    /// let mut buf = [0xa5u8; 6];
    /// s.pack_into(&mut buf, 1, &[0x0102.into()]).unwrap();
    /// assert_eq!(buf, [0xa5, 0x02, 0x01, 0xa5, 0xa5, 0xa5]);
    /// s.pack_into(&mut buf, -2, &[7.into()]).unwrap();
    /// assert_eq!(buf[4..], [7, 0]);
    ///
    /// let err = s.pack_into(&mut buf, -1, &[7.into()]).unwrap_err();
    /// assert_eq!(err.to_string(), "no space to pack 2 bytes at offset -1");
    /// let err = s.pack_into(&mut buf, 5, &[7.into()]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "pack_into requires a buffer of at least 7 bytes for packing 2 bytes \
    ///      at offset 5 (actual buffer size is 6)"
    /// );
    /// ```
    #[inline]
    pub fn pack_into(
        &self,
        buffer: &mut [u8],
        offset: isize,
        values: &[Value],
    ) -> Result<(), StructError> {
        self.check_count("pack_into", values.len())?;
        let size = self.layout.size;
        let len = buffer.len();
        let start = place(offset, size, len).map_err(|misplaced| match misplaced {
            Misplaced::EndsPastBuffer => StructError::NoSpaceToPack { size, offset },
            Misplaced::StartsBeforeBuffer => StructError::OffsetOutOfRange {
                offset,
                buffer_len: len,
            },
            Misplaced::TooSmall { start } => StructError::PackIntoTooSmall {
                size,
                offset: start as isize,
                buffer_len: len,
            },
        })?;
        let region = &mut buffer[start..start + size];
        // CPython zero-fills the struct first; when the fields cover every
        // byte that is wasted work, and `refuse` zero-fills on failure.
        let zeroed = !self.layout.covered;
        if zeroed {
            region.fill(0);
        }
        self.write_fields(region, values, zeroed)
    }

    #[inline]
    fn check_count(&self, function: &'static str, got: usize) -> Result<(), StructError> {
        if got == self.layout.len {
            Ok(())
        } else {
            Err(StructError::WrongItemCount {
                function,
                expected: self.layout.len,
                got,
            })
        }
    }

    /// Writes every field into `region`, which is exactly the struct's
    /// bytes, and `values` has the right length. `zeroed` says whether the
    /// region was zero-filled first; if not, the layout covers every byte.
    #[inline]
    fn write_fields(
        &self,
        region: &mut [u8],
        values: &[Value],
        zeroed: bool,
    ) -> Result<(), StructError> {
        let mut values = values.iter();
        for item in &self.layout.items {
            let mut pos = item.offset;
            for _ in 0..item.repeat {
                let value = values
                    .next()
                    .expect("the value count was checked against the layout");
                if !write_field(item, region, pos, value) {
                    return Err(refuse(item, region, pos, value, zeroed));
                }
                pos += item.size;
            }
        }
        Ok(())
    }
}

/// Writes one value at `region[pos..]` if the field accepts it, and says
/// whether it did. This is the hot path: it only checks and stores; why a
/// value is refused is worked out by [`refuse`].
#[inline(always)]
fn write_field(item: &Item, region: &mut [u8], pos: usize, value: &Value) -> bool {
    // The integer value if it is one this field accepts. False and True
    // are 0 and 1, inside every integer code's range.
    let int = || match value {
        Value::Int(v) if item.lo <= *v && *v <= item.hi => Some(*v as u64),
        Value::Bool(b) => Some(u64::from(*b)),
        _ => None,
    };
    // Store the bits as a `$t` in the byte order `$order`, or refuse.
    macro_rules! put {
        ($bits:expr, $t:ty, $order:ident) => {{
            let Some(bits) = $bits else { return false };
            let bytes = (bits as $t).$order();
            region[pos..pos + bytes.len()].copy_from_slice(&bytes);
        }};
    }
    match item.kind {
        Kind::Int8 => put!(int(), u8, to_le_bytes),
        Kind::Int16Le => put!(int(), u16, to_le_bytes),
        Kind::Int16Be => put!(int(), u16, to_be_bytes),
        Kind::Int32Le => put!(int(), u32, to_le_bytes),
        Kind::Int32Be => put!(int(), u32, to_be_bytes),
        Kind::Int64Le => put!(int(), u64, to_le_bytes),
        Kind::Int64Be => put!(int(), u64, to_be_bytes),
        Kind::DoubleLe => put!(value.as_float().map(f64::to_bits), u64, to_le_bytes),
        Kind::DoubleBe => put!(value.as_float().map(f64::to_bits), u64, to_be_bytes),
        // Native f is a plain C cast; standard modes refuse a finite double
        // that rounds to infinity (PyFloat_Pack4).
        Kind::FloatLe => put!(
            value.as_float().map(|x| (x as f32).to_bits()),
            u32,
            to_le_bytes
        ),
        Kind::FloatLeChecked => put!(single(value), u32, to_le_bytes),
        Kind::FloatBeChecked => put!(single(value), u32, to_be_bytes),
        Kind::HalfLe => put!(half(value), u16, to_le_bytes),
        Kind::HalfBe => put!(half(value), u16, to_be_bytes),
        Kind::Bool => region[pos] = u8::from(value.is_truthy()),
        Kind::Char => match value {
            Value::Bytes(b) if b.len() == 1 => region[pos] = b[0],
            _ => return false,
        },
        Kind::Str => {
            let Value::Bytes(b) = value else {
                return false;
            };
            let n = b.len().min(item.size);
            region[pos..pos + n].copy_from_slice(&b[..n]);
        }
        Kind::Pascal => {
            let Value::Bytes(b) = value else {
                return false;
            };
            if item.size == 0 {
                // CPython computes the length as min(len, size - 1) = -1 and
                // still stores it as a length byte, 0xff, where the field
                // would start. We copy that so the bytes match, but only
                // inside the struct: CPython may write one byte past it.
                if let Some(byte) = region.get_mut(pos) {
                    *byte = 0xff;
                }
                return true;
            }
            let n = b.len().min(item.size - 1);
            region[pos + 1..pos + 1 + n].copy_from_slice(&b[..n]);
            // One length byte cannot say more than 255.
            region[pos] = n.min(255) as u8;
        }
    }
    true
}

/// The binary32 bits of a value for standard-mode `f`, if it fits.
#[inline(always)]
fn single(value: &Value) -> Option<u32> {
    let x = value.as_float()?;
    let y = x as f32;
    if y.is_infinite() && x.is_finite() {
        None
    } else {
        Some(y.to_bits())
    }
}

/// The binary16 bits of a value for `e`, if it fits.
#[inline(always)]
fn half(value: &Value) -> Option<u16> {
    pack_half(value.as_float()?).ok()
}

/// Why `value` was refused by the field at `pos`, with the buffer left as
/// CPython leaves it: the struct zero-filled, the fields before this one
/// written, and for standard big-endian `q`/`Q` the low 8 bytes of the value
/// (CPython's byte-array conversion stores them before it notices the
/// overflow; a negative `Q` is refused before anything is stored).
#[cold]
#[inline(never)]
fn refuse(item: &Item, region: &mut [u8], pos: usize, value: &Value, zeroed: bool) -> StructError {
    if !zeroed {
        region[pos..].fill(0);
    }
    match item.op {
        Op::Int { rule, .. } => {
            if let Some(v) = value.as_int() {
                let stores = match rule {
                    IntRule::SignedBytes => true,
                    IntRule::UnsignedBytes => v >= 0,
                    _ => false,
                };
                if stores {
                    store(region, pos, 8, v as u64, item.big_endian); // v mod 2**64
                }
            }
            int_error(item, rule, value)
        }
        Op::Double => StructError::NotAFloat,
        Op::Float { .. } | Op::Half => {
            let code = if item.op == Op::Half { 'e' } else { 'f' };
            match value {
                Value::Bytes(_) => StructError::NotAFloat,
                // CPython turns any OverflowError raised for a Python int
                // into "int too large to convert".
                Value::Int(_) | Value::Bool(_) => StructError::IntTooLarge,
                Value::Float(_) => StructError::FloatTooLarge { code },
            }
        }
        Op::Char => StructError::CharNotOneByte,
        Op::Str => StructError::NotBytes { code: 's' },
        Op::Pascal => StructError::NotBytes { code: 'p' },
        Op::Bool => unreachable!("every value has a truth value"),
    }
}

/// The error for an integer field that refused `value`, in the words of the
/// code's CPython routine (see [`IntRule`]).
fn int_error(item: &Item, rule: IntRule, value: &Value) -> StructError {
    let Some(v) = value.as_int() else {
        return StructError::NotAnInteger;
    };
    // PyLong_AsLong / PyLong_AsUnsignedLong fail first: a C long is 64 bits.
    let long = i64::try_from(v).is_ok();
    let ulong = u64::try_from(v).is_ok();
    let code = char::from(item.code);
    match rule {
        IntRule::CType if long => StructError::CTypeRange {
            ctype: ctype_name(item.code),
            // CType ranges are those of byte/ubyte/short/ushort.
            min: item.lo as i64,
            max: item.hi as i64,
        },
        IntRule::Signed if long => StructError::CodeRange {
            code,
            min: item.lo,
            max: item.hi,
        },
        IntRule::Unsigned if ulong => StructError::CodeRange {
            code,
            min: 0,
            max: item.hi,
        },
        IntRule::SignedBytes | IntRule::UnsignedBytes | IntRule::Pointer => {
            StructError::IntTooLarge
        }
        _ => StructError::ArgumentOutOfRange,
    }
}

/// Stores the low `size` bytes of `bits` at `region[pos..]` in the chosen
/// byte order. Fixed widths compile to single moves.
#[inline(always)]
fn store(region: &mut [u8], pos: usize, size: usize, bits: u64, big_endian: bool) {
    match (size, big_endian) {
        (1, _) => region[pos] = bits as u8,
        (2, false) => region[pos..pos + 2].copy_from_slice(&(bits as u16).to_le_bytes()),
        (2, true) => region[pos..pos + 2].copy_from_slice(&(bits as u16).to_be_bytes()),
        (4, false) => region[pos..pos + 4].copy_from_slice(&(bits as u32).to_le_bytes()),
        (4, true) => region[pos..pos + 4].copy_from_slice(&(bits as u32).to_be_bytes()),
        (8, false) => region[pos..pos + 8].copy_from_slice(&bits.to_le_bytes()),
        _ => region[pos..pos + 8].copy_from_slice(&bits.to_be_bytes()),
    }
}

#[cfg(test)]
mod tests;
