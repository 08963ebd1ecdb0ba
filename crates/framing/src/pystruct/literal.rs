//! Reading Python literals from the command line: `pystruct pack i -5`
//! takes `-5` the way Python's `ast.literal_eval("-5")` would.
//!
//! Accepted, with Python's own syntax rules:
//!
//! | kind | examples |
//! |---|---|
//! | `int` | `5`, `-3`, `1_000`, `0x1F`, `0o17`, `0b101`, `0` (but not `007`) |
//! | `float` | `1.5`, `-2e3`, `.5`, `5.`, `1_0.5e-3`, and `inf`, `-inf`, `nan`, `float('inf')` |
//! | `bool` | `True`, `False` |
//! | `bytes` | `b'ab\x00'`, `b"it's"`, `rb'\d'`, `b'''...'''`, escapes `\\ \' \" \a \b \f \n \r \t \v \ooo \xhh` |
//!
//! `inf` and `nan` are not Python literals (Python spells them
//! `float('inf')`); they are accepted because a command line has no other
//! way to say them briefly.

use super::value::Value;

/// A command-line value that is not a Python literal `pystruct` can pack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LiteralError {
    /// Nothing but whitespace.
    #[error("empty value: expected a Python literal such as 5, -1.5, True or b'ab'")]
    Empty,
    /// Not any literal form this reader knows.
    #[error(
        "`{0}` is not a Python literal: expected an int (5, -3, 0x1f), a float (1.5, -2e3, inf, nan), True/False, or bytes (b'ab\\x00')"
    )]
    Invalid(String),
    /// A decimal integer written with leading zeros, which Python refuses.
    #[error(
        "`{0}`: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    )]
    LeadingZeros(String),
    /// An integer too large for the 128 bits a [`Value::Int`] holds.
    #[error(
        "`{0}` is too large: integers must fit in 128 bits (no format code packs more than 64)"
    )]
    IntTooLarge(String),
    /// A `str` literal: `struct` packs bytes, not text.
    #[error("`{0}` is a str, but struct packs bytes: write it as b'...'")]
    Str(String),
    /// A bytes literal with a problem inside.
    #[error("invalid bytes literal `{text}`: {reason}")]
    Bytes {
        /// The whole literal.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads one Python literal into a [`Value`].
///
/// # Errors
///
/// Text that is not an int, float, bool or bytes literal, with the reason.
///
/// # Examples
///
/// ```
/// use framing::pystruct::literal::parse_literal;
/// use framing::pystruct::Value;
///
/// assert_eq!(parse_literal("-5"), Ok(Value::Int(-5)));
/// assert_eq!(parse_literal("0x_ff"), Ok(Value::Int(255)));
/// assert_eq!(parse_literal("1.5e3"), Ok(Value::Float(1500.0)));
/// assert_eq!(parse_literal("True"), Ok(Value::Bool(true)));
/// assert_eq!(parse_literal(r"b'ab\x00'"), Ok(Value::Bytes(b"ab\0".to_vec())));
/// assert!(parse_literal("007").is_err());
/// assert!(parse_literal("'text'").is_err()); // a str, not bytes
/// ```
pub fn parse_literal(text: &str) -> Result<Value, LiteralError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(LiteralError::Empty);
    }
    match t {
        "True" => return Ok(Value::Bool(true)),
        "False" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if let Some(quote) = t.find(['\'', '"']) {
        let prefix = &t[..quote];
        if let Some(inner) = float_call(t) {
            return float_string(inner).ok_or_else(|| LiteralError::Invalid(t.to_string()));
        }
        return if prefix.chars().all(|c| c.is_ascii_alphabetic()) && prefix.len() <= 2 {
            let lower = prefix.to_ascii_lowercase();
            match lower.as_str() {
                "b" => parse_bytes(t, &t[quote..], false),
                "br" | "rb" => parse_bytes(t, &t[quote..], true),
                // A str is a Python value (struct refuses it), but only once it
                // is a whole literal: its quotes close as a bytes literal's do.
                "" | "r" | "u" => {
                    let ascii: String = t[quote..]
                        .chars()
                        .map(|c| if c.is_ascii() { c } else { '?' })
                        .collect();
                    match parse_bytes(t, &ascii, lower == "r") {
                        Ok(_) => Err(LiteralError::Str(t.to_string())),
                        Err(_) => Err(LiteralError::Invalid(t.to_string())),
                    }
                }
                _ => Err(LiteralError::Invalid(t.to_string())),
            }
        } else {
            Err(LiteralError::Invalid(t.to_string()))
        };
    }
    let (negative, unsigned) = match t.as_bytes()[0] {
        b'-' => (true, t[1..].trim_start()),
        b'+' => (false, t[1..].trim_start()),
        _ => (false, t),
    };
    parse_number(t, negative, unsigned)
}

/// `float('...')` or `float("...")`: the string inside, else `None`.
fn float_call(t: &str) -> Option<&str> {
    let inner = t.strip_prefix("float(")?.strip_suffix(')')?.trim();
    let q = inner.chars().next()?;
    if q != '\'' && q != '"' {
        return None;
    }
    inner.strip_prefix(q)?.strip_suffix(q)
}

/// What Python's `float(str)` accepts: a number, or `inf`/`infinity`/`nan`
/// in any case, with a sign and surrounding spaces.
fn float_string(s: &str) -> Option<Value> {
    let s = s.trim();
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let x = match rest.to_ascii_lowercase().as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => parse_float(rest)?,
    };
    Some(Value::Float(if negative { -x } else { x }))
}

/// A number after its sign: an int in any base, a float, `inf` or `nan`.
fn parse_number(text: &str, negative: bool, s: &str) -> Result<Value, LiteralError> {
    let invalid = || LiteralError::Invalid(text.to_string());
    let signed = |x: f64| if negative { -x } else { x };
    match s {
        "inf" => return Ok(Value::Float(signed(f64::INFINITY))),
        "nan" => return Ok(Value::Float(signed(f64::NAN))),
        _ => {}
    }
    let radix = match s.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => Some(16),
        Some("0o") => Some(8),
        Some("0b") => Some(2),
        _ => None,
    };
    if let Some(radix) = radix {
        // Python allows one underscore right after the prefix: 0x_ff.
        let body = &s[2..];
        let body = body.strip_prefix('_').unwrap_or(body);
        let digits = clean_digits(body, radix).ok_or_else(invalid)?;
        return to_int(text, negative, &digits, radix);
    }
    if s.contains(['.', 'e', 'E']) {
        return parse_float(s)
            .map(|x| Value::Float(signed(x)))
            .ok_or_else(invalid);
    }
    let digits = clean_digits(s, 10).ok_or_else(invalid)?;
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|d| d != b'0') {
        return Err(LiteralError::LeadingZeros(text.to_string()));
    }
    to_int(text, negative, &digits, 10)
}

fn to_int(text: &str, negative: bool, digits: &str, radix: u32) -> Result<Value, LiteralError> {
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    i128::from_str_radix(&signed, radix)
        .map(Value::Int)
        .map_err(|_| LiteralError::IntTooLarge(text.to_string()))
}

/// Digits in `radix` with single underscores between them (`1_000`), the
/// underscores removed; `None` if the text breaks that rule.
fn clean_digits(s: &str, radix: u32) -> Option<String> {
    if s.is_empty() || s.starts_with('_') || s.ends_with('_') || s.contains("__") {
        return None;
    }
    if !s.chars().all(|c| c == '_' || c.is_digit(radix)) {
        return None;
    }
    Some(s.chars().filter(|&c| c != '_').collect())
}

/// A Python float literal without sign: `1.5`, `.5`, `5.`, `1e5`, `1_0.5E-3`.
fn parse_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    // At least one digit in the mantissa, and a point or an exponent.
    if int.is_empty() && frac.unwrap_or("").is_empty() {
        return None;
    }
    if frac.is_none() && exponent.is_none() {
        return None;
    }
    let int = if int.is_empty() {
        "0".to_string()
    } else {
        clean_digits(int, 10)?
    };
    let frac = match frac {
        None | Some("") => "0".to_string(),
        Some(f) => clean_digits(f, 10)?,
    };
    let mut clean = format!("{int}.{frac}");
    if let Some(e) = exponent {
        let (sign, digits) = match e.as_bytes().first() {
            Some(b'+') => ("", &e[1..]),
            Some(b'-') => ("-", &e[1..]),
            _ => ("", e),
        };
        clean.push('e');
        clean.push_str(sign);
        clean.push_str(&clean_digits(digits, 10)?);
    }
    // Rust's parser rounds correctly, as Python's does; too large gives inf,
    // as `1e400` does in Python.
    clean.parse().ok()
}

/// A bytes literal from its opening quote on (`body` starts at the quote).
fn parse_bytes(text: &str, body: &str, raw: bool) -> Result<Value, LiteralError> {
    let fail = |reason: &str| LiteralError::Bytes {
        text: text.to_string(),
        reason: reason.to_string(),
    };
    if !body.is_ascii() {
        return Err(fail("bytes can only contain ASCII literal characters"));
    }
    let s = body.as_bytes();
    let q = s[0];
    let triple = s.len() >= 6 && s[1] == q && s[2] == q;
    let open = if triple { 3 } else { 1 };
    let mut out = Vec::new();
    let mut i = open;
    loop {
        let Some(&c) = s.get(i) else {
            return Err(fail("no closing quote"));
        };
        if c == q && (!triple || s[i..].starts_with(&[q, q, q])) {
            let close = i + if triple { 3 } else { 1 };
            if close != s.len() {
                return Err(fail("unexpected text after the closing quote"));
            }
            return Ok(Value::Bytes(out));
        }
        if c == b'\n' && !triple {
            return Err(fail("a line break inside a single-quoted literal"));
        }
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        // A backslash: the escape position Python reports is within the body.
        let at = i - open;
        let Some(&e) = s.get(i + 1) else {
            return Err(fail("no closing quote"));
        };
        if raw {
            // In a raw literal a backslash stays, and still keeps the next
            // character (even a quote) from ending the literal.
            out.extend_from_slice(&[b'\\', e]);
            i += 2;
            continue;
        }
        i += 2;
        match e {
            b'\n' => {} // line continuation
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match s.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // Python keeps the low byte of \400..\777 (and warns).
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let hex = s.get(i..i + 2).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16)
                        .ok()
                        .filter(|_| h.chars().all(|c| c.is_ascii_hexdigit()))
                });
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => return Err(fail(&format!("invalid \\x escape at position {at}"))),
                }
            }
            // Unknown escapes keep their backslash, as in Python.
            _ => out.extend_from_slice(&[b'\\', e]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> Value {
        parse_literal(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn ints() {
        assert_eq!(ok("0"), Value::Int(0));
        assert_eq!(ok("00"), Value::Int(0));
        assert_eq!(ok("0_0"), Value::Int(0));
        assert_eq!(ok("5"), Value::Int(5));
        assert_eq!(ok("-5"), Value::Int(-5));
        assert_eq!(ok("+5"), Value::Int(5));
        assert_eq!(ok("- 5"), Value::Int(-5));
        assert_eq!(ok(" 42 "), Value::Int(42));
        assert_eq!(ok("1_000"), Value::Int(1000));
        assert_eq!(ok("0x1F"), Value::Int(31));
        assert_eq!(ok("0X_ff"), Value::Int(255));
        assert_eq!(ok("-0x10"), Value::Int(-16));
        assert_eq!(ok("0o17"), Value::Int(15));
        assert_eq!(ok("0b101"), Value::Int(5));
        assert_eq!(ok("18446744073709551616"), Value::Int(1 << 64));
        assert_eq!(
            ok("-170141183460469231731687303715884105728"),
            Value::Int(i128::MIN)
        );
    }

    #[test]
    fn bad_ints() {
        for s in [
            "1__0", "1_", "_1", "0x", "0xg", "0b2", "0o8", "12a", "--5", "0x__1", "5j", "None",
        ] {
            assert!(
                matches!(parse_literal(s), Err(LiteralError::Invalid(_))),
                "{s}"
            );
        }
        assert!(matches!(
            parse_literal("007"),
            Err(LiteralError::LeadingZeros(_))
        ));
        assert!(matches!(
            parse_literal("170141183460469231731687303715884105728"),
            Err(LiteralError::IntTooLarge(_))
        ));
        assert_eq!(parse_literal("   "), Err(LiteralError::Empty));
    }

    #[test]
    fn floats() {
        assert_eq!(ok("1.5"), Value::Float(1.5));
        assert_eq!(ok("-2e3"), Value::Float(-2000.0));
        assert_eq!(ok(".5"), Value::Float(0.5));
        assert_eq!(ok("5."), Value::Float(5.0));
        assert_eq!(ok("1.e5"), Value::Float(1e5));
        assert_eq!(ok("1E+3_0"), Value::Float(1e30));
        assert_eq!(ok("1_000.000_1"), Value::Float(1000.0001));
        assert_eq!(ok("007.5"), Value::Float(7.5));
        assert_eq!(ok("1e400"), Value::Float(f64::INFINITY));
        assert_eq!(ok("inf"), Value::Float(f64::INFINITY));
        assert_eq!(ok("-inf"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(ok("float('-inf')"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(ok("float(\"Infinity\")"), Value::Float(f64::INFINITY));
        assert_eq!(ok("float('2.5')"), Value::Float(2.5));
        let Value::Float(x) = ok("nan") else { panic!() };
        assert!(x.is_nan());
        let Value::Float(x) = ok("-nan") else {
            panic!()
        };
        assert!(x.is_nan() && x.is_sign_negative());
        let Value::Float(x) = ok("float('nan')") else {
            panic!()
        };
        assert!(x.is_nan());
        assert_eq!(ok("-0.0"), Value::Float(-0.0));
        assert!(ok("-0.0").as_float().is_some_and(f64::is_sign_negative));
    }

    #[test]
    fn bad_floats() {
        for s in [
            "1._5",
            "1_.5",
            ".",
            "e5",
            "1e",
            "1e+",
            "1.5.2",
            "float('x')",
            "float(1)",
            "Inf",
        ] {
            assert!(parse_literal(s).is_err(), "{s}");
        }
    }

    #[test]
    fn bools() {
        assert_eq!(ok("True"), Value::Bool(true));
        assert_eq!(ok("False"), Value::Bool(false));
        assert!(parse_literal("true").is_err());
    }

    #[test]
    fn bytes() {
        let b = |s: &str| ok(s).as_bytes().expect("bytes").to_vec();
        assert_eq!(b("b''"), b"");
        assert_eq!(b("b'ab'"), b"ab");
        assert_eq!(b("B\"it's\""), b"it's");
        assert_eq!(b(r#"b'\x00\xFF\n\t\r\\\'\"'"#), b"\x00\xff\n\t\r\\'\"");
        assert_eq!(b(r"b'\a\b\f\v'"), b"\x07\x08\x0c\x0b");
        assert_eq!(b(r"b'\0\12\101'"), b"\x00\nA");
        assert_eq!(b(r"b'\777\400'"), b"\xff\x00");
        assert_eq!(b(r"b'\q'"), b"\\q");
        assert_eq!(b("b'a\\\nb'"), b"ab");
        assert_eq!(b(r"rb'\x41\''"), b"\\x41\\'");
        assert_eq!(b("Br'a'"), b"a");
        assert_eq!(b("b'''a'b'''"), b"a'b");
        assert_eq!(b("b'''a\nb'''"), b"a\nb");
    }

    #[test]
    fn bad_bytes() {
        let reason = |s: &str| match parse_literal(s) {
            Err(LiteralError::Bytes { reason, .. }) => reason,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(reason(r"b'\x4'"), "invalid \\x escape at position 0");
        assert_eq!(reason(r"b'ab\xg0'"), "invalid \\x escape at position 2");
        assert_eq!(
            reason("b'é'"),
            "bytes can only contain ASCII literal characters"
        );
        assert_eq!(reason("b'abc"), "no closing quote");
        assert_eq!(reason("b'abc\\'"), "no closing quote");
        assert_eq!(reason("b'a'b"), "unexpected text after the closing quote");
        assert_eq!(
            reason("b'a\nb'"),
            "a line break inside a single-quoted literal"
        );
        assert!(matches!(parse_literal("'abc'"), Err(LiteralError::Str(_))));
        assert!(matches!(parse_literal("r'abc'"), Err(LiteralError::Str(_))));
        assert!(matches!(parse_literal("'中文'"), Err(LiteralError::Str(_))));
        // Not a whole str literal, so not a str: Python reads no value at all.
        for text in ["'", "'abc", "'a'b", "u'''a''", "'a\nb'"] {
            assert!(
                matches!(parse_literal(text), Err(LiteralError::Invalid(_))),
                "{text:?}"
            );
        }
        assert!(matches!(
            parse_literal("f'abc'"),
            Err(LiteralError::Invalid(_))
        ));
        assert!(matches!(
            parse_literal("5'a'"),
            Err(LiteralError::Invalid(_))
        ));
    }

    #[test]
    fn messages_are_clear() {
        assert_eq!(
            parse_literal("abc").unwrap_err().to_string(),
            "`abc` is not a Python literal: expected an int (5, -3, 0x1f), a float (1.5, -2e3, inf, nan), True/False, or bytes (b'ab\\x00')"
        );
        assert_eq!(
            parse_literal("'hi'").unwrap_err().to_string(),
            "`'hi'` is a str, but struct packs bytes: write it as b'...'"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,16}") {
            let _ = parse_literal(&s);
        }

        #[test]
        fn ints_round_trip(v in any::<i128>()) {
            prop_assert_eq!(parse_literal(&v.to_string()), Ok(Value::Int(v)));
            let hex = if v < 0 { format!("-0x{:x}", v.unsigned_abs()) } else { format!("0x{v:x}") };
            prop_assert_eq!(parse_literal(&hex), Ok(Value::Int(v)));
        }

        #[test]
        fn float_repr_reads_back(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            let text = super::super::repr::float_repr(x);
            match parse_literal(&text) {
                Ok(Value::Float(y)) if x.is_nan() => prop_assert!(y.is_nan()),
                Ok(Value::Float(y)) => prop_assert_eq!(y.to_bits(), x.to_bits()),
                other => prop_assert!(false, "{} -> {:?}", text, other),
            }
        }

        #[test]
        fn bytes_repr_reads_back(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            let text = super::super::repr::bytes_repr(&b);
            prop_assert_eq!(parse_literal(&text), Ok(Value::Bytes(b)));
        }
    }
}
