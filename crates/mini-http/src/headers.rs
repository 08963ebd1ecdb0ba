//! Header fields: `Name: value` lines, kept in the order they came, looked up without
//! regard to case.
//!
//! A field name is a *token* (letters, digits and a few marks, RFC 9110 §5.6.2) and is
//! case-insensitive: `Content-Length`, `content-length` and `CONTENT-LENGTH` are one field
//! (RFC 9110 §5.1). A field value is a run of bytes: visible ASCII, spaces and tabs, and
//! for historical reasons any byte from 0x80 up (`obs-text`, RFC 9110 §5.5), which is *not*
//! UTF-8 text, just opaque bytes. So values are stored as bytes; [`Headers::get`] gives a
//! `&str` only for a value that is plain visible ASCII, which is every value this server
//! reads.
//!
//! The same name may appear on several lines. For a *list* field (`Connection`,
//! `Transfer-Encoding`, `Expect`) that is the same as one line with the values joined by
//! commas (RFC 9110 §5.3), which is why [`Headers::tokens`] and [`Headers::has_token`] read
//! every line with the name. For a field that holds one value (`Host`, `Content-Length`),
//! a second line is an error the caller must catch: [`Headers::count`] is there for it.
//!
//! # Storage
//!
//! The parser sees a request's bytes once. Rather than a `String` per name and a `Vec` per
//! value (two allocations per field), every name and value is copied into one buffer and
//! each field remembers where its two parts are: a request with ten fields costs two
//! allocations, not twenty.

use std::fmt;
use std::ops::Range;

/// The fields of one message, in the order they were received.
///
/// ```
/// use mini_http::headers::Headers;
///
/// let mut headers = Headers::new();
/// headers.append("Host", b"example.com")?;
/// headers.append("Connection", b"keep-alive, Upgrade")?;
/// assert_eq!(headers.get("host"), Some("example.com"));
/// assert!(headers.has_token("CONNECTION", "upgrade"));
/// assert_eq!(headers.get("Accept"), None);
/// # Ok::<(), mini_http::headers::InvalidField>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// Every name and value, one after the other.
    bytes: Vec<u8>,
    /// Where each field's name and value are in `bytes`, in the order received.
    fields: Vec<Span>,
}

/// Where one field's name and value lie in [`Headers::bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    name: Range<usize>,
    value: Range<usize>,
}

/// Why a field cannot be added with [`Headers::append`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidField {
    /// The name is empty or holds a byte that is not a token character.
    #[error("{0:?} is not a valid field name (a token: letters, digits, !#$%&'*+-.^_`|~)")]
    Name(String),
    /// The value holds a control character (CR, LF and NUL included) other than tab, or
    /// starts or ends with whitespace.
    #[error("the value of {0} holds a control character or surrounding whitespace")]
    Value(String),
}

impl Headers {
    /// No fields.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// Room for a head of about `bytes` bytes, so that a parser fills it without growing.
    pub(crate) fn with_capacity(bytes: usize) -> Headers {
        Headers {
            bytes: Vec::with_capacity(bytes),
            fields: Vec::with_capacity(16),
        }
    }

    /// Adds a field after the others, checking that it could be sent as it is: the name a
    /// token, the value free of control characters (so no CR or LF can start a line of its
    /// own: header injection) and of leading or trailing whitespace.
    ///
    /// ```
    /// use mini_http::headers::Headers;
    ///
    /// let mut headers = Headers::new();
    /// assert!(headers.append("X-Ok", b"fine").is_ok());
    /// assert!(headers.append("Bad Name", b"x").is_err());
    /// assert!(headers.append("X-Evil", b"a\r\nSet-Cookie: b").is_err());
    /// assert_eq!(headers.len(), 1);
    /// ```
    pub fn append(&mut self, name: &str, value: &[u8]) -> Result<(), InvalidField> {
        if !is_token(name.as_bytes()) {
            return Err(InvalidField::Name(name.to_string()));
        }
        let trimmed = trim_ows(value);
        if trimmed.len() != value.len() || !value.iter().all(|&b| is_field_byte(b)) {
            return Err(InvalidField::Value(name.to_string()));
        }
        self.push(name.as_bytes(), value);
        Ok(())
    }

    /// Adds a field the caller has already checked (the request parser).
    pub(crate) fn push(&mut self, name: &[u8], value: &[u8]) {
        let name_start = self.bytes.len();
        self.bytes.extend_from_slice(name);
        let value_start = self.bytes.len();
        self.bytes.extend_from_slice(value);
        self.fields.push(Span {
            name: name_start..value_start,
            value: value_start..self.bytes.len(),
        });
    }

    /// How many fields (lines) there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Every field, in order: the name as received, and the value's bytes.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.fields
            .iter()
            .map(|span| (self.name_of(span), &self.bytes[span.value.clone()]))
    }

    fn name_of(&self, span: &Span) -> &str {
        // Names only come in through `append` (checked) or the parser (which checks the
        // same rule), and a token is ASCII.
        std::str::from_utf8(&self.bytes[span.name.clone()])
            .expect("a field name is a token, and tokens are ASCII")
    }

    /// The values of every field called `name` (any case), in order.
    ///
    /// ```
    /// use mini_http::headers::Headers;
    ///
    /// let mut headers = Headers::new();
    /// headers.append("Accept", b"text/html")?;
    /// headers.append("Host", b"a")?;
    /// headers.append("accept", b"*/*")?;
    /// let all: Vec<&[u8]> = headers.get_all("ACCEPT").collect();
    /// assert_eq!(all, [&b"text/html"[..], &b"*/*"[..]]);
    /// assert_eq!(headers.count("Accept"), 2);
    /// # Ok::<(), mini_http::headers::InvalidField>(())
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// How many fields are called `name`: a field that must appear once (`Host`,
    /// `Content-Length`) is checked with this.
    pub fn count(&self, name: &str) -> usize {
        self.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// The first value of a field called `name`, as bytes.
    pub fn get_bytes(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The first value of a field called `name`, if it is text: visible ASCII, spaces and
    /// tabs. A value with other bytes (`obs-text`, from 0x80 up) gives `None`, as if the
    /// field were absent: no field this server reads can hold them, and guessing their
    /// encoding would be worse than ignoring them. Use [`Headers::get_bytes`] to see them.
    ///
    /// ```
    /// use mini_http::headers::Headers;
    ///
    /// let mut headers = Headers::new();
    /// headers.append("X-Name", b"caf\xe9")?; // Latin-1, not UTF-8
    /// assert_eq!(headers.get("x-name"), None);
    /// assert_eq!(headers.get_bytes("x-name"), Some(&b"caf\xe9"[..]));
    /// # Ok::<(), mini_http::headers::InvalidField>(())
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        let value = self.get_bytes(name)?;
        if value
            .iter()
            .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            std::str::from_utf8(value).ok()
        } else {
            None
        }
    }

    /// The elements of the comma-separated lists in every field called `name`, in order:
    /// whitespace around each element trimmed, empty elements skipped (RFC 9110 §5.6.1).
    ///
    /// A list may be split over several lines (RFC 9110 §5.3), so
    /// `Transfer-Encoding: gzip` then `Transfer-Encoding: chunked` reads as `gzip, chunked`.
    /// Commas inside a quoted string are not understood: this is for lists of tokens.
    ///
    /// ```
    /// use mini_http::headers::Headers;
    ///
    /// let mut headers = Headers::new();
    /// headers.append("Transfer-Encoding", b"gzip ,, deflate")?;
    /// headers.append("transfer-encoding", b"chunked")?;
    /// let codings: Vec<&[u8]> = headers.tokens("Transfer-Encoding").collect();
    /// assert_eq!(codings, [&b"gzip"[..], b"deflate", b"chunked"]);
    /// # Ok::<(), mini_http::headers::InvalidField>(())
    /// ```
    pub fn tokens<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.get_all(name)
            .flat_map(|value| value.split(|&b| b == b','))
            .map(trim_ows)
            .filter(|element| !element.is_empty())
    }

    /// Whether any list element of the fields called `name` is `token`, compared without
    /// regard to case (connection options and transfer codings are case-insensitive:
    /// RFC 9110 §7.6.1, RFC 9112 §7).
    ///
    /// ```
    /// use mini_http::headers::Headers;
    ///
    /// let mut headers = Headers::new();
    /// headers.append("Connection", b"keep-alive, Close")?;
    /// assert!(headers.has_token("connection", "close"));
    /// assert!(!headers.has_token("connection", "clos"));
    /// # Ok::<(), mini_http::headers::InvalidField>(())
    /// ```
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.tokens(name)
            .any(|element| element.eq_ignore_ascii_case(token.as_bytes()))
    }
}

impl fmt::Debug for Headers {
    /// `[("Host", "example.com"), ...]`: names, and values with odd bytes escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.iter()
                    .map(|(name, value)| (name, value.escape_ascii().to_string())),
            )
            .finish()
    }
}

/// Whether `byte` may appear in a token (RFC 9110 §5.6.2):
/// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" /
/// "|" / "~" / DIGIT / ALPHA`.
pub(crate) fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Whether `bytes` is a token: one or more token characters.
pub(crate) fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar(b))
}

/// Whether `byte` may appear in a field value (RFC 9110 §5.5): visible ASCII, space, tab,
/// or `obs-text` (0x80 and up). Not NUL, CR, LF, other controls, or DEL.
pub(crate) fn is_field_byte(byte: u8) -> bool {
    byte == b'\t' || (b' '..=b'~').contains(&byte) || byte >= 0x80
}

/// `bytes` without the optional whitespace (spaces and tabs, `OWS`) around it.
pub fn trim_ows(bytes: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(fields: &[(&str, &[u8])]) -> Headers {
        let mut headers = Headers::new();
        for (name, value) in fields {
            headers.append(name, value).expect("valid test field");
        }
        headers
    }

    #[test]
    fn lookup_ignores_case_and_keeps_order() {
        let h = headers(&[("Host", b"a"), ("X-A", b"1"), ("x-a", b"2"), ("X-B", b"")]);
        assert_eq!(h.len(), 4);
        assert_eq!(h.get("HOST"), Some("a"));
        assert_eq!(h.get("x-A"), Some("1"));
        assert_eq!(h.count("X-A"), 2);
        assert_eq!(h.count("X-C"), 0);
        assert_eq!(h.get("X-B"), Some(""));
        let names: Vec<&str> = h.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Host", "X-A", "x-a", "X-B"]);
    }

    #[test]
    fn get_refuses_what_is_not_visible_ascii() {
        let h = headers(&[("A", b"tab\there"), ("B", b"\x80"), ("C", b"\xe4\xb8\xad")]);
        assert_eq!(h.get("A"), Some("tab\there"));
        assert_eq!(h.get("B"), None);
        // Even valid UTF-8 is refused: field values are not UTF-8 by definition.
        assert_eq!(h.get("C"), None);
        assert_eq!(h.get_bytes("C"), Some(&b"\xe4\xb8\xad"[..]));
    }

    #[test]
    fn append_checks_names_and_values() {
        let mut h = Headers::new();
        for name in ["", "A B", "A:", "Ä", "a\0", "(x)"] {
            assert!(
                matches!(h.append(name, b"v"), Err(InvalidField::Name(_))),
                "{name:?}"
            );
        }
        for value in [
            &b" lead"[..],
            b"trail\t",
            b"a\nb",
            b"a\rb",
            b"\0",
            b"\x7f",
            b"\x1b",
        ] {
            assert!(
                matches!(h.append("X", value), Err(InvalidField::Value(_))),
                "{value:?}"
            );
        }
        assert!(h.is_empty());
        assert!(h.append("X", b"inner  space\tand tab").is_ok());
    }

    #[test]
    fn token_lists_span_lines_and_skip_empty_elements() {
        let h = headers(&[
            ("Connection", b", keep-alive ,\tUpgrade"),
            ("Connection", b"CLOSE"),
            ("X", b"close"),
        ]);
        let tokens: Vec<&[u8]> = h.tokens("connection").collect();
        assert_eq!(tokens, [&b"keep-alive"[..], b"Upgrade", b"CLOSE"]);
        assert!(h.has_token("Connection", "close"));
        assert!(h.has_token("Connection", "KEEP-ALIVE"));
        assert!(!h.has_token("Connection", "keep"));
        assert!(!h.has_token("Transfer-Encoding", "close"));
        assert_eq!(headers(&[("A", b", ,")]).tokens("A").count(), 0);
    }

    #[test]
    fn trim_ows_trims_only_spaces_and_tabs() {
        assert_eq!(trim_ows(b" \t a b \t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
        assert_eq!(trim_ows(b"\x0ba\x0b"), b"\x0ba\x0b");
    }

    #[test]
    fn debug_shows_names_and_escaped_values() {
        let h = headers(&[("Host", b"a"), ("X", b"\xff")]);
        assert_eq!(format!("{h:?}"), r#"[("Host", "a"), ("X", "\\xff")]"#);
    }

    proptest! {
        #[test]
        fn what_is_appended_is_found(
            fields in proptest::collection::vec(("[A-Za-z0-9-]{1,8}", "[ -~]{0,12}"), 0..8)
        ) {
            let mut h = Headers::new();
            let mut kept = Vec::new();
            for (name, value) in &fields {
                let value = String::from_utf8_lossy(trim_ows(value.as_bytes())).into_owned();
                h.append(name, value.as_bytes()).expect("generated fields are valid");
                kept.push((name.clone(), value));
            }
            prop_assert_eq!(h.len(), kept.len());
            for (name, value) in &kept {
                let first = kept.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
                prop_assert_eq!(h.get(&name.to_uppercase()), first.map(|(_, v)| v.as_str()));
                let expected = kept.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count();
                prop_assert_eq!(h.count(&name.to_lowercase()), expected);
                prop_assert!(h.get_all(name).any(|v| v == value.as_bytes()));
            }
        }

        #[test]
        fn appending_arbitrary_bytes_never_panics(name in ".{0,10}", value in proptest::collection::vec(any::<u8>(), 0..20)) {
            let mut h = Headers::new();
            if h.append(&name, &value).is_ok() {
                let _ = h.get(&name);
                let _ = h.tokens(&name).count();
                let _ = format!("{h:?}");
            }
        }
    }
}
