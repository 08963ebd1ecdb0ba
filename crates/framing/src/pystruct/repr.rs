//! Python's `repr` of the values `unpack` returns, so that a tuple prints
//! exactly as `print(struct.unpack(...))` prints it in CPython.
//!
//! The only subtle one is `float`. Python prints the *shortest* decimal that
//! reads back as the same double (`0.1`, not `0.1000000000000000055...`), and
//! switches to exponent notation when the decimal exponent is below -4 or
//! at least 16: `1e-05`, `0.0001`, `1000000000000000.0`, `1e+16`. Rust's
//! `{:e}` finds the same shortest digits; this module only lays them out the
//! Python way.

use std::fmt::{self, Write};

use super::value::Value;

/// Python's `repr(x)` for a float.
///
/// # Examples
///
/// ```
/// use framing::pystruct::repr::float_repr;
///
/// assert_eq!(float_repr(1.5), "1.5");
/// assert_eq!(float_repr(100.0), "100.0");
/// assert_eq!(float_repr(1e16), "1e+16");
/// assert_eq!(float_repr(1e-5), "1e-05");
/// assert_eq!(float_repr(-0.0), "-0.0");
/// assert_eq!(float_repr(f64::NAN), "nan");
/// ```
pub fn float_repr(x: f64) -> String {
    let mut s = String::new();
    write_float(&mut s, x).expect("writing to a String cannot fail");
    s
}

/// Python's `repr(b)` for bytes: `b'...'` with `\t \n \r \\ \xNN` escapes,
/// in double quotes only when the bytes hold `'` but no `"`.
///
/// # Examples
///
/// ```
/// use framing::pystruct::repr::bytes_repr;
///
/// assert_eq!(bytes_repr(b"ab\x00\n"), r"b'ab\x00\n'");
/// assert_eq!(bytes_repr(b"it's"), r#"b"it's""#);
/// assert_eq!(bytes_repr(br#"'""#), r#"b'\'"'"#);
/// ```
pub fn bytes_repr(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() + 3);
    write_bytes(&mut s, b).expect("writing to a String cannot fail");
    s
}

/// Python's `repr` of a tuple of values: `(1, 2)`, `(1,)`, `()`. This is
/// what `print(struct.unpack(...))` shows.
///
/// # Examples
///
/// ```
/// use framing::pystruct::repr::tuple_repr;
/// use framing::pystruct::Value;
///
/// assert_eq!(tuple_repr(&[]), "()");
/// assert_eq!(tuple_repr(&[Value::Int(1)]), "(1,)");
/// assert_eq!(
///     tuple_repr(&[Value::Bool(true), Value::Float(0.5), Value::Bytes(b"a".to_vec())]),
///     "(True, 0.5, b'a')"
/// );
/// ```
pub fn tuple_repr(values: &[Value]) -> String {
    let mut s = String::from("(");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_value(&mut s, v).expect("writing to a String cannot fail");
    }
    if values.len() == 1 {
        // A one-element tuple needs its comma: (1) would just be 1.
        s.push(',');
    }
    s.push(')');
    s
}

impl fmt::Display for Value {
    /// The Python `repr` of the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self)
    }
}

fn write_value<W: Write>(w: &mut W, v: &Value) -> fmt::Result {
    match v {
        Value::Int(i) => write!(w, "{i}"),
        Value::Bool(true) => w.write_str("True"),
        Value::Bool(false) => w.write_str("False"),
        Value::Float(x) => write_float(w, *x),
        Value::Bytes(b) => write_bytes(w, b),
    }
}

fn write_float<W: Write>(w: &mut W, x: f64) -> fmt::Result {
    if x.is_nan() {
        // Python shows every NaN as "nan", whatever its sign.
        return w.write_str("nan");
    }
    if x.is_sign_negative() {
        w.write_char('-')?;
    }
    let x = x.abs();
    if x.is_infinite() {
        return w.write_str("inf");
    }
    let (digits, exp) = shortest_digits(x);
    let n = digits.len() as i32;
    if (-4..16).contains(&exp) {
        // Positional: the decimal point goes after `exp + 1` digits.
        let point = exp + 1;
        if point <= 0 {
            w.write_str("0.")?;
            for _ in 0..-point {
                w.write_char('0')?;
            }
            w.write_str(&digits)
        } else if point >= n {
            w.write_str(&digits)?;
            for _ in 0..point - n {
                w.write_char('0')?;
            }
            w.write_str(".0")
        } else {
            let (int, frac) = digits.split_at(point as usize);
            write!(w, "{int}.{frac}")
        }
    } else {
        // Exponent: d[.ddd]e+XX with at least two exponent digits.
        let (first, rest) = digits.split_at(1);
        w.write_str(first)?;
        if !rest.is_empty() {
            write!(w, ".{rest}")?;
        }
        let sign = if exp < 0 { '-' } else { '+' };
        write!(w, "e{sign}{:02}", exp.unsigned_abs())
    }
}

/// The shortest decimal digits that read back as `x` (positive, finite),
/// and the decimal exponent of the first digit: `1.5` is `("15", 0)`.
///
/// Rust's `{:e}` finds the shortest digits. When two candidates of that
/// length are equally close to `x` (its exact value ends in a 5 just past
/// them), Rust rounds up while Python's `repr` takes the even last digit,
/// provided that one also reads back as `x`. That tie is checked here.
fn shortest_digits(x: f64) -> (String, i32) {
    let (digits, exp) = split_sci(&format!("{x:e}"));
    let n = digits.len();
    // A tie needs the exact value to have exactly n + 1 significant digits,
    // the last a 5; rounding to n + 1 digits shows that 5 cheaply.
    let (probe, _) = split_sci(&format!("{x:.n$e}"));
    if !probe.ends_with('5') {
        return (digits, exp);
    }
    // Every double is a finite decimal of at most 767 significant digits.
    let (exact, exact_exp) = split_sci(&format!("{x:.800e}"));
    let exact = exact.trim_end_matches('0');
    if exact.len() != n + 1 || !exact.ends_with('5') {
        return (digits, exp);
    }
    let lower = &exact[..n];
    let last = lower.as_bytes()[n - 1] - b'0';
    let (even, even_exp) = if last % 2 == 0 {
        (lower.to_string(), exact_exp)
    } else {
        increment(lower, exact_exp)
    };
    let even = even.trim_end_matches('0').to_string();
    let reads_back = format!("{}.{}e{}", &even[..1], &even[1..], even_exp)
        .parse::<f64>()
        .is_ok_and(|y| y == x);
    if reads_back {
        (even, even_exp)
    } else {
        (digits, exp)
    }
}

/// Splits Rust's `{:e}` text ("1.2345e16") into digits ("12345") and exponent.
fn split_sci(sci: &str) -> (String, i32) {
    let (mantissa, exp) = sci
        .split_once('e')
        .expect("`{:e}` output always has an exponent");
    let exp = exp.parse().expect("`{:e}` exponent is an integer");
    (mantissa.chars().filter(|&c| c != '.').collect(), exp)
}

/// Adds one in the last place of a digit string: ("129", 0) -> ("130", 0),
/// ("99", 0) -> ("10", 1).
fn increment(digits: &str, exp: i32) -> (String, i32) {
    let mut d = digits.as_bytes().to_vec();
    for i in (0..d.len()).rev() {
        if d[i] == b'9' {
            d[i] = b'0';
        } else {
            d[i] += 1;
            return (String::from_utf8(d).expect("ASCII digits"), exp);
        }
    }
    // All nines: 99 + 1 = 100, one more digit, so the exponent grows.
    d.insert(0, b'1');
    d.pop();
    (String::from_utf8(d).expect("ASCII digits"), exp + 1)
}

/// The bytes part is lesson 2's: `netbasics::text::python_bytes_repr`, the one place
/// the workspace writes bytes as Python shows them.
fn write_bytes<W: Write>(w: &mut W, b: &[u8]) -> fmt::Result {
    w.write_str(&netbasics::text::python_bytes_repr(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Golden pairs: each right-hand side was printed by CPython 3.11's
    /// `repr(float)`.
    const FLOATS: &[(f64, &str)] = &[
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (100.0, "100.0"),
        (-2.5, "-2.5"),
        (1e16, "1e+16"),
        (1e15, "1000000000000000.0"),
        (9999999999999998.0, "9999999999999998.0"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (0.00012345, "0.00012345"),
        (1.2345678901234567e19, "1.2345678901234567e+19"),
        (123456789012345.6, "123456789012345.6"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (2.5e-05, "2.5e-05"),
        (1e100, "1e+100"),
        (1.5e-7, "1.5e-07"),
        (3.4028234663852886e38, "3.4028234663852886e+38"),
        (0.333251953125, "0.333251953125"),
        (65504.0, "65504.0"),
        (5.960464477539063e-08, "5.960464477539063e-08"),
        (1.100000023841858, "1.100000023841858"),
        (0.30000000000000004, "0.30000000000000004"),
        (-1e-07, "-1e-07"),
        // Ties between two shortest candidates: the even one wins if it
        // reads back (1.0538...062), else the other (2**-24 ends in 3).
        (-0.00010538101196289062, "-0.00010538101196289062"),
        (5.960464477539063e-08, "5.960464477539063e-08"),
        (5.960464477539062e-07, "5.960464477539062e-07"),
        (1.7881393432617188e-07, "1.7881393432617188e-07"),
        (1.0728836059570312e-06, "1.0728836059570312e-06"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
        (-f64::NAN, "nan"),
    ];

    #[test]
    fn floats_match_cpython() {
        for &(x, want) in FLOATS {
            assert_eq!(float_repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn increments() {
        assert_eq!(increment("129", 0), ("130".to_string(), 0));
        assert_eq!(increment("99", 3), ("10".to_string(), 4));
        assert_eq!(increment("5", -2), ("6".to_string(), -2));
    }

    #[test]
    fn bytes_match_cpython() {
        assert_eq!(bytes_repr(b""), "b''");
        assert_eq!(bytes_repr(b"'\""), r#"b'\'"'"#);
        assert_eq!(bytes_repr(b"'"), r#"b"'""#);
        assert_eq!(bytes_repr(b"\""), r#"b'"'"#);
        assert_eq!(
            bytes_repr(b"\x00\x7f\x80\xff\\\t\n\r\x0b a"),
            r"b'\x00\x7f\x80\xff\\\t\n\r\x0b a'"
        );
        assert_eq!(bytes_repr(b"it's \\"), r#"b"it's \\""#);
    }

    #[test]
    fn tuples_and_display() {
        assert_eq!(tuple_repr(&[Value::Int(1), Value::Int(-2)]), "(1, -2)");
        assert_eq!(tuple_repr(&[Value::Bool(false)]), "(False,)");
        assert_eq!(
            Value::Int(i128::from(u64::MAX)).to_string(),
            "18446744073709551615"
        );
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
    }

    proptest! {
        /// The printed float always reads back as the same double.
        #[test]
        fn float_repr_round_trips(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            let s = float_repr(x);
            if x.is_nan() {
                prop_assert_eq!(s, "nan");
            } else {
                let back: f64 = s.parse().expect("Python float text parses in Rust");
                prop_assert_eq!(back.to_bits(), x.to_bits());
            }
        }

        #[test]
        fn bytes_repr_is_ascii(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let s = bytes_repr(&b);
            prop_assert!(s.is_ascii());
            prop_assert!(s.starts_with('b'));
        }
    }
}
