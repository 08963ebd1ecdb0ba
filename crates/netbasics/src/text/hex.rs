//! Bytes as people write them: hex digits, `\\xNN` escapes, Python bytes literals.

use super::TextError;

/// Lower-case hex, a space between bytes: `e4 bd a0`.
///
/// # Examples
///
/// ```
/// use netbasics::text::to_hex;
///
/// assert_eq!(to_hex("你".as_bytes()), "e4 bd a0");
/// assert_eq!(to_hex(&[]), "");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Exactly what Python prints for a `bytes` object: `print(b)` or `repr(b)`.
///
/// Printable ASCII stays as it is, `\t`, `\n`, `\r` and `\\` are escaped, and every
/// other byte is `\xNN` in lower case. Like CPython, it quotes with `'` unless the bytes
/// contain `'` and no `"`, in which case it uses `"`; the quote in use is escaped.
///
/// # Examples
///
/// ```
/// use netbasics::text::python_bytes_repr;
///
/// assert_eq!(python_bytes_repr("你好".as_bytes()), r"b'\xe4\xbd\xa0\xe5\xa5\xbd'");
/// assert_eq!(python_bytes_repr(b"hi\n"), r"b'hi\n'");
/// assert_eq!(python_bytes_repr(b"it's"), r#"b"it's""#);
/// assert_eq!(python_bytes_repr(br#"'" "#), r#"b'\'" '"#);
/// ```
pub fn python_bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if byte == quote => {
                out.push('\\');
                out.push(char::from(byte));
            }
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

/// Reads bytes written in any of the usual ways:
///
/// - hex digits, with or without separators: `e4 bd a0`, `e4bda0`, `E4:BD:A0`,
///   `e4-bd-a0`, `e4,bd,a0`, `0xe4 0xbd 0xa0` (with `0x`, a single digit is one byte);
/// - Python's escapes: `\xe4\xbd\xa0`;
/// - a Python bytes literal, as `print()` shows one: `b'\xe4\xbd\xa0'`, `b'hi\n'`,
///   `b"it's"` (all of Python's escapes work inside it).
///
/// Empty text is zero bytes.
///
/// # Errors
///
/// A [`TextError`] saying what is wrong and where (positions count characters from 0).
///
/// # Examples
///
/// ```
/// use netbasics::text::{parse_hex, TextError};
///
/// let you = vec![0xe4, 0xbd, 0xa0];
/// assert_eq!(parse_hex("e4 bd a0").unwrap(), you);
/// assert_eq!(parse_hex("E4:BD:A0").unwrap(), you);
/// assert_eq!(parse_hex("e4bda0").unwrap(), you);
/// assert_eq!(parse_hex("0xe4 0xbd 0xa0").unwrap(), you);
/// assert_eq!(parse_hex(r"\xe4\xbd\xa0").unwrap(), you);
/// assert_eq!(parse_hex(r"b'\xe4\xbd\xa0'").unwrap(), you);
/// assert_eq!(parse_hex(r"b'ok\n'").unwrap(), b"ok\n");
///
/// assert!(matches!(parse_hex("e4b"), Err(TextError::OddHexDigits { .. })));
/// assert_eq!(
///     parse_hex("e4 zz").unwrap_err().to_string(),
///     "'z' at position 3 is not a hex digit: bytes are written with 0-9 and a-f"
/// );
/// ```
pub fn parse_hex(s: &str) -> Result<Vec<u8>, TextError> {
    // Work on (position, char) pairs so every error points into the text as given.
    let chars: Vec<(usize, char)> = s.chars().enumerate().collect();
    let start = chars
        .iter()
        .position(|(_, c)| !c.is_whitespace())
        .unwrap_or(chars.len());
    let end = chars
        .iter()
        .rposition(|(_, c)| !c.is_whitespace())
        .map_or(start, |i| i + 1);
    let text = &chars[start..end];

    let first_two: String = text.iter().take(2).map(|&(_, c)| c).collect();
    if matches!(first_two.as_str(), "b'" | "b\"" | "B'" | "B\"") {
        parse_bytes_literal(text)
    } else if text.iter().any(|&(_, c)| c == '\\') {
        parse_escapes(text)
    } else {
        parse_hex_digits(text)
    }
}

/// Hex digits in runs separated by spaces, `:`, `-` or `,`, each run maybe `0x`-prefixed.
fn parse_hex_digits(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let is_separator = |c: char| c.is_whitespace() || matches!(c, ':' | '-' | ',');
    for run in text
        .split(|&(_, c)| is_separator(c))
        .filter(|run| !run.is_empty())
    {
        let prefixed = run.len() >= 2 && run[0].1 == '0' && matches!(run[1].1, 'x' | 'X');
        let digits = if prefixed { &run[2..] } else { run };
        if let Some(&(position, ch)) = digits.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
            return Err(TextError::BadHexDigit { ch, position });
        }
        let values: Vec<u8> = digits.iter().map(|&(_, c)| hex_value(c)).collect();
        match values.len() {
            // "0x" alone: the digits are missing.
            0 => {
                return Err(TextError::OddHexDigits {
                    token: run.iter().map(|&(_, c)| c).collect(),
                    position: run[0].0,
                    digits: 0,
                })
            }
            // "0x5" is the byte 5, as in C and Python.
            1 if prefixed => out.push(values[0]),
            n if n % 2 == 1 => {
                return Err(TextError::OddHexDigits {
                    token: run.iter().map(|&(_, c)| c).collect(),
                    position: run[0].0,
                    digits: n,
                })
            }
            _ => out.extend(values.chunks(2).map(|pair| pair[0] << 4 | pair[1])),
        }
    }
    Ok(out)
}

/// `\xe4\xbd\xa0`, spaces allowed between the escapes.
fn parse_escapes(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    while i < text.len() {
        let (position, ch) = text[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        let escape: Vec<char> = text[i..].iter().take(4).map(|&(_, c)| c).collect();
        match escape.as_slice() {
            ['\\', 'x' | 'X', high, low] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                out.push(hex_value(*high) << 4 | hex_value(*low));
                i += 4;
            }
            _ => return Err(TextError::BadEscapeForm { position }),
        }
    }
    Ok(out)
}

/// A Python bytes literal `b'...'` or `b"..."`, with all of Python's escapes.
fn parse_bytes_literal(text: &[(usize, char)]) -> Result<Vec<u8>, TextError> {
    let quote = text[1].1;
    let end_position = text.last().map_or(0, |&(p, _)| p + 1);
    if text.len() < 3 || text[text.len() - 1].1 != quote {
        return Err(TextError::BadLiteral {
            position: end_position,
            problem: "the closing quote is missing",
        });
    }
    let body = &text[2..text.len() - 1];
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let (position, ch) = body[i];
        i += 1;
        if ch == quote {
            return Err(TextError::BadLiteral {
                position,
                problem: "a quote inside the literal must be escaped with a backslash",
            });
        }
        if !ch.is_ascii() {
            return Err(TextError::BadLiteral {
                position,
                problem: "a bytes literal holds only ASCII characters: write other bytes as \\xNN",
            });
        }
        if ch != '\\' {
            out.push(ch as u8);
            continue;
        }
        // A backslash: what follows says which byte it is.
        let Some(&(_, next)) = body.get(i) else {
            return Err(TextError::BadLiteral {
                position,
                problem: "a backslash at the end escapes the closing quote",
            });
        };
        i += 1;
        match next {
            '\\' | '\'' | '"' => out.push(next as u8),
            'a' => out.push(0x07),
            'b' => out.push(0x08),
            'f' => out.push(0x0c),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(0x0b),
            '\n' => {} // a backslash at the end of a line continues the literal
            'x' => {
                let digits: Vec<char> = body[i..].iter().take(2).map(|&(_, c)| c).collect();
                match digits.as_slice() {
                    [high, low] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                        out.push(hex_value(*high) << 4 | hex_value(*low));
                        i += 2;
                    }
                    _ => {
                        return Err(TextError::BadLiteral {
                            position,
                            problem: "\\x must be followed by two hex digits",
                        })
                    }
                }
            }
            '0'..='7' => {
                // Octal: up to three digits, at most \377.
                let mut value = u32::from(next) - u32::from('0');
                let mut taken = 0;
                while taken < 2 {
                    match body.get(i) {
                        Some(&(_, d @ '0'..='7')) => {
                            value = value * 8 + (u32::from(d) - u32::from('0'));
                            i += 1;
                            taken += 1;
                        }
                        _ => break,
                    }
                }
                match u8::try_from(value) {
                    Ok(byte) => out.push(byte),
                    Err(_) => {
                        return Err(TextError::BadLiteral {
                            position,
                            problem: "an octal escape is at most \\377 (255)",
                        })
                    }
                }
            }
            // Python keeps an unknown escape as it is (and warns): \q is '\\' 'q'.
            other if other.is_ascii() => {
                out.push(b'\\');
                out.push(other as u8);
            }
            _ => {
                return Err(TextError::BadLiteral {
                    position: position + 1,
                    problem:
                        "a bytes literal holds only ASCII characters: write other bytes as \\xNN",
                })
            }
        }
    }
    Ok(out)
}

/// The value of a hex digit that has already been checked.
fn hex_value(digit: char) -> u8 {
    digit
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
        .unwrap_or(0)
}
