//! Python's `struct` module in Rust, byte for byte and message for message
//! as CPython 3.11.
//!
//! The course cures sticky packets (粘包) with a fixed-size header:
//! `struct.pack('i', len(data))` before the data, `struct.unpack('i', head)`
//! after `recv(4)`. The same two lines here:
//!
//! ```
//! use framing::pystruct::{pack, unpack, Value};
//!
//! let data = "hello".as_bytes();
//! let head = pack("i", &[data.len().into()]).unwrap(); // 4 bytes
//! assert_eq!(head, [5, 0, 0, 0]);
//! let total_size = &unpack("i", &head).unwrap()[0];
//! assert_eq!(total_size, &Value::Int(5));
//! ```
//!
//! `'i'` is *native* mode: this machine's byte order and C sizes. Between
//! different machines a header should say its byte order, as protocols do:
//! `"!I"` (network order, unsigned 4 bytes) is the usual choice.
//!
//! # Layout
//!
//! - `format` (private): the format string grammar, sizes, alignment.
//! - `pack`, `unpack` (private): [`Struct::pack`], [`Struct::unpack`] and friends.
//! - [`value`]: [`Value`], the four Python types that go in and come out.
//! - [`error`]: [`StructError`] with CPython's messages and [`ErrorKind`], the
//!   Python exception class.
//! - [`half`]: the `e` format, IEEE binary16, rounded as CPython rounds it.
//! - [`repr`]: Python's `repr` of values and tuples, for printing results.
//! - [`literal`]: Python literals (`-5`, `1.5`, `True`, `b'a\x00'`) for the
//!   command line.
//! - [`hex`]: `bytes.hex()` and `bytes.fromhex()`.
//!
//! Compile a format once with [`Struct::new`] and reuse it: the free
//! functions ([`pack`], [`unpack`], ...) compile the format on every call.

use std::borrow::Cow;
use std::str::FromStr;

pub mod error;
mod format;
pub mod half;
pub mod hex;
pub mod literal;
mod pack;
pub mod repr;
mod unpack;
pub mod value;

pub use error::{ErrorKind, StructError};
pub use unpack::IterUnpack;
pub use value::Value;

/// A compiled format string: Python's `struct.Struct`.
///
/// # Examples
///
/// ```
/// use framing::pystruct::{Struct, Value};
///
/// let s = Struct::new("<hhl").unwrap();
/// assert_eq!(s.size(), 8);
/// assert_eq!(s.format(), "<hhl");
/// let bytes = s.pack(&[1.into(), 2.into(), 3.into()]).unwrap();
/// assert_eq!(bytes, [1, 0, 2, 0, 3, 0, 0, 0]);
/// assert_eq!(s.unpack(&bytes).unwrap(), [Value::Int(1), Value::Int(2), Value::Int(3)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Struct {
    format: String,
    layout: format::Layout,
}

impl Struct {
    /// Compiles `format` (Python's `struct.Struct(format)`).
    ///
    /// # Errors
    ///
    /// A bad format character, a count without a code, a size too large to
    /// address, a NUL or a non-ASCII character.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("@bi").unwrap().size(), 8); // b, 3 pad bytes, i
    /// assert_eq!(Struct::new("=bi").unwrap().size(), 5); // standard: no padding
    /// assert_eq!(
    ///     Struct::new("!n").unwrap_err().to_string(),
    ///     "bad char in struct format"
    /// );
    /// assert_eq!(
    ///     Struct::new("4").unwrap_err().to_string(),
    ///     "repeat count given without format specifier"
    /// );
    /// ```
    pub fn new(format: &str) -> Result<Self, StructError> {
        Ok(Struct {
            layout: format::compile(format)?,
            format: format.to_string(),
        })
    }

    /// The format string this struct was compiled from (`Struct.format`).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("!I").unwrap().format(), "!I");
    /// ```
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The size in bytes of the packed struct (`Struct.size`, `calcsize`).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("llh0l").unwrap().size(), 24); // 0l pads the end
    /// ```
    pub fn size(&self) -> usize {
        self.layout.size
    }

    /// How many values [`pack`](Struct::pack) takes and
    /// [`unpack`](Struct::unpack) returns. Pad bytes take none; a `10s`
    /// field takes one.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// assert_eq!(Struct::new("3i2x10s").unwrap().value_count(), 4);
    /// ```
    pub fn value_count(&self) -> usize {
        self.layout.len
    }

    /// The format code of each value [`pack`](Struct::pack) takes, in order:
    /// which field the first value goes to, the second, and so on.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Struct;
    ///
    /// let codes: String = Struct::new("<3i2x10s?").unwrap().value_codes().collect();
    /// assert_eq!(codes, "iiis?");
    /// ```
    pub fn value_codes(&self) -> impl Iterator<Item = char> + '_ {
        self.layout
            .items
            .iter()
            .flat_map(|item| std::iter::repeat(char::from(item.code)).take(item.repeat))
    }
}

impl FromStr for Struct {
    type Err = StructError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Struct::new(s)
    }
}

/// The size of the struct `format` describes (`struct.calcsize`).
///
/// # Errors
///
/// As [`Struct::new`].
///
/// # Examples
///
/// ```
/// use framing::pystruct::calcsize;
///
/// assert_eq!(calcsize("i").unwrap(), 4);
/// assert_eq!(calcsize("@ci").unwrap(), 8);
/// assert_eq!(calcsize("=l").unwrap(), 4);
/// assert_eq!(calcsize("l").unwrap(), 8);
/// assert!(calcsize("12 i").is_err()); // no space between count and code
/// ```
pub fn calcsize(format: &str) -> Result<usize, StructError> {
    Ok(format::compile(format)?.size)
}

/// Packs `values` by `format` (`struct.pack`).
///
/// # Errors
///
/// A bad format, the wrong number of values, or a value the format refuses.
///
/// # Examples
///
/// ```
/// use framing::pystruct::pack;
///
/// assert_eq!(pack(">H", &[258.into()]).unwrap(), [1, 2]);
/// assert_eq!(
///     pack("B", &[256.into()]).unwrap_err().to_string(),
///     "ubyte format requires 0 <= number <= 255"
/// );
/// ```
pub fn pack(format: &str, values: &[Value]) -> Result<Vec<u8>, StructError> {
    Struct::new(format)?.pack(values)
}

/// Packs `values` by `format` into `buffer` at `offset` (`struct.pack_into`).
///
/// # Errors
///
/// As [`Struct::pack_into`].
///
/// # Examples
///
/// ```
/// use framing::pystruct::pack_into;
///
/// let mut buf = [0u8; 4];
/// pack_into(">H", &mut buf, 2, &[258.into()]).unwrap();
/// assert_eq!(buf, [0, 0, 1, 2]);
/// ```
pub fn pack_into(
    format: &str,
    buffer: &mut [u8],
    offset: isize,
    values: &[Value],
) -> Result<(), StructError> {
    Struct::new(format)?.pack_into(buffer, offset, values)
}

/// Unpacks `buffer`, exactly `calcsize(format)` bytes (`struct.unpack`).
///
/// # Errors
///
/// A bad format or a buffer of the wrong size.
///
/// # Examples
///
/// ```
/// use framing::pystruct::{unpack, Value};
///
/// assert_eq!(unpack("<hc", b"\xff\xffA").unwrap(), [Value::Int(-1), Value::from(b"A")]);
/// assert_eq!(
///     unpack("i", b"abc").unwrap_err().to_string(),
///     "unpack requires a buffer of 4 bytes"
/// );
/// ```
pub fn unpack(format: &str, buffer: &[u8]) -> Result<Vec<Value>, StructError> {
    Struct::new(format)?.unpack(buffer)
}

/// Unpacks `calcsize(format)` bytes of `buffer` at `offset`
/// (`struct.unpack_from`).
///
/// # Errors
///
/// As [`Struct::unpack_from`].
///
/// # Examples
///
/// ```
/// use framing::pystruct::{unpack_from, Value};
///
/// assert_eq!(unpack_from("B", b"xyz", -1).unwrap(), [Value::Int(122)]);
/// ```
pub fn unpack_from(format: &str, buffer: &[u8], offset: isize) -> Result<Vec<Value>, StructError> {
    Struct::new(format)?.unpack_from(buffer, offset)
}

/// Iterates over the structs in `buffer` (`struct.iter_unpack`).
///
/// # Errors
///
/// A bad format, a zero-size format, or a buffer that is not a whole number
/// of structs.
///
/// # Examples
///
/// ```
/// use framing::pystruct::{iter_unpack, Value};
///
/// let rows: Vec<Vec<Value>> = iter_unpack("BB", b"\x01\x02\x03\x04")
///     .unwrap()
///     .collect::<Result<_, _>>()
///     .unwrap();
/// assert_eq!(rows.len(), 2);
/// assert_eq!(rows[1], [Value::Int(3), Value::Int(4)]);
/// ```
pub fn iter_unpack<'b>(
    format: &str,
    buffer: &'b [u8],
) -> Result<IterUnpack<'static, 'b>, StructError> {
    IterUnpack::new(Cow::Owned(Struct::new(format)?), buffer)
}

/// What is wrong with an `offset` given to `pack_into` or `unpack_from`.
pub(crate) enum Misplaced {
    /// A negative offset that leaves too little room before the buffer's end.
    EndsPastBuffer,
    /// A negative offset reaching before the buffer's start.
    StartsBeforeBuffer,
    /// The struct, placed at `start`, runs past the buffer's end.
    TooSmall {
        /// Where the struct would start.
        start: usize,
    },
}

/// Where a struct of `size` bytes starts in a buffer of `len` bytes, given Python's
/// `offset` (negative offsets count back from the end, as in a Python slice). Shared by
/// `pack_into` and `unpack_from`, which only word their errors differently.
pub(crate) fn place(offset: isize, size: usize, len: usize) -> Result<usize, Misplaced> {
    let start = if offset < 0 {
        // The struct must end at or before the buffer's end...
        // (No overflow: offset < 0 and size <= isize::MAX.)
        if offset + size as isize > 0 {
            return Err(Misplaced::EndsPastBuffer);
        }
        // ...and start at or after its beginning.
        let back = offset.unsigned_abs();
        if back > len {
            return Err(Misplaced::StartsBeforeBuffer);
        }
        len - back
    } else {
        offset as usize
    };
    if start > len || len - start < size {
        return Err(Misplaced::TooSmall { start });
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn struct_attributes() {
        let s: Struct = "=hh".parse().unwrap();
        assert_eq!(s.size(), 4);
        assert_eq!(s.value_count(), 2);
        assert_eq!(s.format(), "=hh");
        assert_eq!(s.clone(), s);
    }

    /// One field of a generated format, with a value that survives a round trip.
    fn field() -> impl Strategy<Value = (String, Vec<Value>)> {
        let int = |code: &'static str, lo: i128, hi: i128| {
            (1usize..4, proptest::collection::vec(lo..=hi, 3)).prop_map(move |(n, vs)| {
                (
                    format!("{n}{code}"),
                    vs[..n].iter().map(|&v| Value::Int(v)).collect(),
                )
            })
        };
        prop_oneof![
            int("b", -128, 127),
            int("B", 0, 255),
            int("h", -32768, 32767),
            int("H", 0, 65535),
            int("i", i32::MIN.into(), i32::MAX.into()),
            int("I", 0, u32::MAX.into()),
            int("q", i64::MIN.into(), i64::MAX.into()),
            int("Q", 0, u64::MAX.into()),
            any::<bool>().prop_map(|b| ("?".to_string(), vec![Value::Bool(b)])),
            any::<u8>().prop_map(|b| ("c".to_string(), vec![Value::Bytes(vec![b])])),
            proptest::collection::vec(any::<u8>(), 0..8)
                .prop_map(|b| (format!("{}s", b.len()), vec![Value::Bytes(b)])),
            (proptest::collection::vec(any::<u8>(), 0..8), 0usize..3).prop_map(|(b, extra)| {
                (format!("{}p", b.len() + 1 + extra), vec![Value::Bytes(b)])
            }),
            any::<f64>()
                .prop_filter("NaN never equals itself", |x| !x.is_nan())
                .prop_map(|x| ("d".to_string(), vec![Value::Float(x)])),
            any::<f32>()
                .prop_filter("NaN never equals itself", |x| !x.is_nan())
                .prop_map(|x| ("f".to_string(), vec![Value::Float(f64::from(x))])),
            any::<u16>()
                .prop_map(half::unpack_half)
                .prop_filter("NaN never equals itself", |x| !x.is_nan())
                .prop_map(|x| ("e".to_string(), vec![Value::Float(x)])),
            (0usize..3).prop_map(|n| (format!("{n}x"), vec![])),
        ]
    }

    proptest! {
        /// pack then unpack gives the values back, in every mode.
        #[test]
        fn round_trip(
            mode in prop::sample::select(vec!["", "@", "=", "<", ">", "!"]),
            fields in proptest::collection::vec(field(), 0..8),
        ) {
            let mut fmt = mode.to_string();
            let mut values = Vec::new();
            for (f, v) in fields {
                fmt.push_str(&f);
                values.extend(v);
            }
            let s = Struct::new(&fmt).unwrap();
            let bytes = s.pack(&values).unwrap();
            prop_assert_eq!(bytes.len(), s.size());
            prop_assert_eq!(s.unpack(&bytes).unwrap(), values.clone());
            // pack_into at an offset and unpack_from there agree too.
            let mut buf = vec![0xa5u8; s.size() + 3];
            s.pack_into(&mut buf, 3, &values).unwrap();
            prop_assert_eq!(&buf[3..], &bytes[..]);
            prop_assert_eq!(s.unpack_from(&buf, 3).unwrap(), values);
        }

        /// Any values, right count or not, never panic the packer.
        #[test]
        fn arbitrary_values_never_panic(
            fmt in "[@=<>!]?([0-9]?[xcbB?hHiIlLqQnNefdspP]){0,5}",
            values in proptest::collection::vec(prop_oneof![
                any::<i128>().prop_map(Value::Int),
                any::<bool>().prop_map(Value::Bool),
                any::<f64>().prop_map(Value::Float),
                proptest::collection::vec(any::<u8>(), 0..4).prop_map(Value::Bytes),
            ], 0..8),
            offset in -20isize..20,
        ) {
            if let Ok(s) = Struct::new(&fmt) {
                let _ = s.pack(&values);
                let mut buf = [0u8; 40];
                let _ = s.pack_into(&mut buf, offset, &values);
            }
        }
    }
}
