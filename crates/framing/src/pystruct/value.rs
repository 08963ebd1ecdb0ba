//! The Python values that `struct` packs and unpacks.
//!
//! Python's `struct.pack` takes any objects and `struct.unpack` gives back
//! `int`, `bool`, `float` and `bytes`. [`Value`] is exactly those four. An
//! `i128` holds every integer any format code can carry (the widest are the
//! 8-byte codes: -2**63 up to 2**64 - 1) and still has room to say "too big"
//! the way Python does.

/// One Python value going into `pack` or coming out of `unpack`.
///
/// What each format code accepts when packing is what CPython accepts:
///
/// | codes | accepts |
/// |---|---|
/// | `b B h H i I l L q Q n N P` | `Int`, `Bool` (a Python `bool` is an `int`) |
/// | `e f d` | `Float`, `Int`, `Bool` |
/// | `c` | `Bytes` of length 1 |
/// | `s p` | `Bytes` (cut or padded with zeros to the field) |
/// | `?` | anything: its truth value ([`Value::is_truthy`]) |
///
/// `Display` prints the Python `repr` (`1`, `True`, `1.5`, `b'ab'`).
///
/// # Examples
///
/// ```
/// use framing::pystruct::Value;
///
/// let v: Value = 5.into();
/// assert_eq!(v, Value::Int(5));
/// assert_eq!(Value::from(b"ab").to_string(), "b'ab'");
/// assert_eq!(Value::from(0.1).to_string(), "0.1");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A Python `int`.
    Int(i128),
    /// A Python `bool`: what `?` unpacks to.
    Bool(bool),
    /// A Python `float` (a C `double`).
    Float(f64),
    /// A Python `bytes`: what `c`, `s` and `p` unpack to.
    Bytes(Vec<u8>),
}

impl Value {
    /// Python's truth value, which is what `?` packs: zero, `0.0`, `-0.0`,
    /// `False` and empty bytes are false; everything else (NaN included)
    /// is true.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Value;
    ///
    /// assert!(!Value::Int(0).is_truthy());
    /// assert!(Value::Float(f64::NAN).is_truthy());
    /// assert!(!Value::Bytes(vec![]).is_truthy());
    /// assert!(Value::Bytes(vec![0]).is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Bool(b) => *b,
            // NaN != 0.0, so NaN is true, as in Python.
            Value::Float(x) => *x != 0.0,
            Value::Bytes(b) => !b.is_empty(),
        }
    }

    /// The integer inside an `Int` (or a `Bool` as 0/1), as Python's
    /// `int(...)` would see it for integer codes.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Value;
    ///
    /// assert_eq!(Value::Int(-3).as_int(), Some(-3));
    /// assert_eq!(Value::Bool(true).as_int(), Some(1));
    /// assert_eq!(Value::Float(1.0).as_int(), None);
    /// ```
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i128::from(*b)),
            Value::Float(_) | Value::Bytes(_) => None,
        }
    }

    /// The number inside a `Float`, `Int` or `Bool`, converted as Python's
    /// `float(...)` does (integers round to the nearest double).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Value;
    ///
    /// assert_eq!(Value::Int(3).as_float(), Some(3.0));
    /// assert_eq!(Value::Bytes(b"3".to_vec()).as_float(), None);
    /// ```
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(x) => Some(*x),
            // `as` rounds to nearest, ties to even: the same as PyLong_AsDouble.
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            Value::Bytes(_) => None,
        }
    }

    /// The bytes inside a `Bytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::Value;
    ///
    /// assert_eq!(Value::from(b"hi").as_bytes(), Some(&b"hi"[..]));
    /// assert_eq!(Value::Int(1).as_bytes(), None);
    /// ```
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(i128::from(v))
            }
        }
    )*};
}
from_int!(i8, u8, i16, u16, i32, u32, i64, u64, i128);

impl From<isize> for Value {
    fn from(v: isize) -> Self {
        Value::Int(v as i128)
    }
}

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        Value::Int(v as i128)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Float(f64::from(v))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(v.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Value {
    fn from(v: &[u8; N]) -> Self {
        Value::Bytes(v.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truthiness_matches_python() {
        assert!(!Value::Int(0).is_truthy());
        assert!(Value::Int(-1).is_truthy());
        assert!(!Value::Bool(false).is_truthy());
        assert!(Value::Bool(true).is_truthy());
        assert!(!Value::Float(0.0).is_truthy());
        assert!(!Value::Float(-0.0).is_truthy());
        assert!(Value::Float(f64::NAN).is_truthy());
        assert!(Value::Float(f64::INFINITY).is_truthy());
        assert!(Value::Float(5e-324).is_truthy());
        assert!(!Value::Bytes(vec![]).is_truthy());
        assert!(Value::Bytes(vec![0]).is_truthy());
    }

    #[test]
    fn conversions() {
        assert_eq!(Value::from(-1i8), Value::Int(-1));
        assert_eq!(Value::from(u64::MAX), Value::Int(u64::MAX as i128));
        assert_eq!(Value::from(-2isize), Value::Int(-2));
        assert_eq!(Value::from(7usize), Value::Int(7));
        assert_eq!(Value::from(1.5f32), Value::Float(1.5));
        assert_eq!(Value::from(vec![1u8]), Value::Bytes(vec![1]));
        assert_eq!(Value::from(&[1u8, 2][..]), Value::Bytes(vec![1, 2]));
        assert_eq!(Value::from(false), Value::Bool(false));
    }

    #[test]
    fn int_to_float_rounds_half_even() {
        // 2**53 + 1 is halfway between two doubles: ties go to the even one.
        let v = Value::Int((1 << 53) + 1);
        assert_eq!(v.as_float(), Some(9007199254740992.0));
        let v = Value::Int((1 << 53) + 3);
        assert_eq!(v.as_float(), Some(9007199254740996.0));
        assert_eq!(Value::Bool(true).as_float(), Some(1.0));
    }

    #[test]
    fn accessors() {
        assert_eq!(Value::Bytes(vec![]).as_int(), None);
        assert_eq!(Value::Float(2.0).as_bytes(), None);
        assert_eq!(Value::Bool(false).as_int(), Some(0));
    }
}
