//! Every way `struct` can fail, with CPython 3.11's own words.
//!
//! Python reports most struct problems as `struct.error`, but a few come out as
//! other exception classes (`OverflowError` for a float too large for `e`/`f`,
//! `MemoryError` for a struct too big to allocate, ...). A program that prints
//! errors the way Python does needs both the class and the message, so each
//! [`StructError`] knows its [`ErrorKind`] and its message is exactly the text
//! CPython 3.11 puts after the colon.

use std::fmt;

/// The Python exception class that CPython raises for an error.
///
/// # Examples
///
/// ```
/// use framing::pystruct::{ErrorKind, Struct};
///
/// let err = Struct::new("<e").unwrap().pack(&[1e6.into()]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::OverflowError);
/// assert_eq!(err.kind().python_name(), "OverflowError");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `struct.error`: the usual class for bad formats, values and buffers.
    StructError,
    /// `OverflowError`: a float too large for `e`/`f`, or a struct whose size
    /// cannot be a `bytes` object at all.
    OverflowError,
    /// `MemoryError`: the packed bytes could not be allocated.
    MemoryError,
    /// `SystemError`: CPython's own internal failure (unpacking a `0p` field).
    SystemError,
    /// `UnicodeEncodeError`: the format string is not ASCII.
    UnicodeEncodeError,
}

impl ErrorKind {
    /// The class name as a Python traceback prints it (`struct.error`,
    /// `OverflowError`, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::ErrorKind;
    ///
    /// assert_eq!(ErrorKind::StructError.python_name(), "struct.error");
    /// assert_eq!(ErrorKind::MemoryError.python_name(), "MemoryError");
    /// ```
    pub fn python_name(self) -> &'static str {
        match self {
            ErrorKind::StructError => "struct.error",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::MemoryError => "MemoryError",
            ErrorKind::SystemError => "SystemError",
            ErrorKind::UnicodeEncodeError => "UnicodeEncodeError",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.python_name())
    }
}

/// A failure to compile a format, pack values or unpack bytes.
///
/// The `Display` text is CPython 3.11's message, word for word; [`kind`]
/// tells which Python exception class carries it, and [`python_line`] joins
/// the two the way a Python traceback's last line does.
///
/// [`kind`]: StructError::kind
/// [`python_line`]: StructError::python_line
///
/// # Examples
///
/// ```
/// use framing::pystruct::{pack, StructError};
///
/// let err = pack("i", &[(1i64 << 31).into()]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "'i' format requires -2147483648 <= number <= 2147483647"
/// );
/// assert_eq!(
///     err.python_line(),
///     "struct.error: 'i' format requires -2147483648 <= number <= 2147483647"
/// );
/// assert!(matches!(err, StructError::CodeRange { code: 'i', .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StructError {
    // ---- the format string ----
    /// A character that is not a format code (or `n`/`N`/`P` outside native
    /// mode, or a space between a count and its code).
    #[error("bad char in struct format")]
    BadChar,
    /// The format ends with digits: a count with nothing to repeat.
    #[error("repeat count given without format specifier")]
    RepeatWithoutCode,
    /// A count, or the total size, does not fit in a signed machine word.
    #[error("total struct size too long")]
    SizeTooLong,
    /// The format contains a NUL character.
    #[error("embedded null character")]
    EmbeddedNull,
    /// The format contains characters outside ASCII.
    #[error("{}", non_ascii_message(*.first, *.start, *.end))]
    NonAscii {
        /// The first character that is not ASCII.
        first: char,
        /// Its position, counted in characters.
        start: usize,
        /// One past the last character of that run of non-ASCII characters.
        end: usize,
    },

    // ---- packing ----
    /// `pack` or `pack_into` got the wrong number of values.
    #[error("{function} expected {expected} items for packing (got {got})")]
    WrongItemCount {
        /// `"pack"` or `"pack_into"`.
        function: &'static str,
        /// How many values the format takes.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// An integer outside a C type's range, for the codes whose message
    /// names the C type (`b`, `B`, and native or little-endian `h`, `H`).
    #[error("{ctype} format requires {min} <= number <= {max}")]
    CTypeRange {
        /// `byte`, `ubyte`, `short` or `ushort`.
        ctype: &'static str,
        /// The smallest value allowed.
        min: i64,
        /// The largest value allowed.
        max: i64,
    },
    /// An integer outside the range of a format code.
    #[error("'{code}' format requires {min} <= number <= {max}")]
    CodeRange {
        /// The format code (`i`, `I`, `l`, `L`, and big-endian `h`, `H`).
        code: char,
        /// The smallest value allowed.
        min: i128,
        /// The largest value allowed.
        max: i128,
    },
    /// An integer that does not fit the machine word the code is read into
    /// (a C `long` or `unsigned long`, 64 bits here).
    #[error("argument out of range")]
    ArgumentOutOfRange,
    /// An integer too big for an 8-byte standard `q`/`Q` or a pointer `P`,
    /// or an integer too big for the `e` half float.
    #[error("int too large to convert")]
    IntTooLarge,
    /// An integer code got a float or bytes.
    #[error("required argument is not an integer")]
    NotAnInteger,
    /// A float code got bytes.
    #[error("required argument is not a float")]
    NotAFloat,
    /// `c` got something other than bytes of length 1.
    #[error("char format requires a bytes object of length 1")]
    CharNotOneByte,
    /// `s` or `p` got something other than bytes.
    #[error("argument for '{code}' must be a bytes object")]
    NotBytes {
        /// `s` or `p`.
        code: char,
    },
    /// A float too large for the half (`e`) or single (`f`) format.
    #[error("float too large to pack with {code} format")]
    FloatTooLarge {
        /// `e` or `f`.
        code: char,
    },
    /// The struct is too large to be a `bytes` object at all.
    #[error("byte string is too large")]
    BytesTooLarge,
    /// The packed bytes could not be allocated.
    #[error("")]
    OutOfMemory,
    /// `pack_into` with an offset that leaves too little room.
    #[error(
        "pack_into requires a buffer of at least {} bytes for packing {size} bytes at offset {offset} (actual buffer size is {buffer_len})",
        needed(*.size, *.offset)
    )]
    PackIntoTooSmall {
        /// The struct size.
        size: usize,
        /// The offset asked for.
        offset: isize,
        /// The buffer's length.
        buffer_len: usize,
    },
    /// `pack_into` with a negative offset closer to the end than the size.
    #[error("no space to pack {size} bytes at offset {offset}")]
    NoSpaceToPack {
        /// The struct size.
        size: usize,
        /// The (negative) offset asked for.
        offset: isize,
    },
    /// A negative offset before the start of the buffer.
    #[error("offset {offset} out of range for {buffer_len}-byte buffer")]
    OffsetOutOfRange {
        /// The (negative) offset asked for.
        offset: isize,
        /// The buffer's length.
        buffer_len: usize,
    },

    // ---- unpacking ----
    /// `unpack` needs exactly the struct size.
    #[error("unpack requires a buffer of {size} bytes")]
    UnpackSize {
        /// The struct size.
        size: usize,
    },
    /// `unpack_from` with an offset that leaves too little data.
    #[error(
        "unpack_from requires a buffer of at least {} bytes for unpacking {size} bytes at offset {offset} (actual buffer size is {buffer_len})",
        needed(*.size, *.offset)
    )]
    UnpackFromTooSmall {
        /// The struct size.
        size: usize,
        /// The offset asked for.
        offset: isize,
        /// The buffer's length.
        buffer_len: usize,
    },
    /// `unpack_from` with a negative offset closer to the end than the size.
    #[error("not enough data to unpack {size} bytes at offset {offset}")]
    NotEnoughData {
        /// The struct size.
        size: usize,
        /// The (negative) offset asked for.
        offset: isize,
    },
    /// `iter_unpack` with a zero-size struct would never advance.
    #[error("cannot iteratively unpack with a struct of length 0")]
    IterZeroSize,
    /// `iter_unpack` needs whole structs.
    #[error("iterative unpacking requires a buffer of a multiple of {size} bytes")]
    IterNotMultiple {
        /// The struct size.
        size: usize,
    },
    /// Unpacking a `0p` field: CPython computes a length of -1 and fails.
    #[error("Negative size passed to PyBytes_FromStringAndSize")]
    NegativePascalSize,
}

impl StructError {
    /// The Python exception class CPython raises for this error.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::{calcsize, ErrorKind};
    ///
    /// assert_eq!(calcsize("Z").unwrap_err().kind(), ErrorKind::StructError);
    /// assert_eq!(calcsize("é").unwrap_err().kind(), ErrorKind::UnicodeEncodeError);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            StructError::NonAscii { .. } => ErrorKind::UnicodeEncodeError,
            StructError::FloatTooLarge { .. } | StructError::BytesTooLarge => {
                ErrorKind::OverflowError
            }
            StructError::OutOfMemory => ErrorKind::MemoryError,
            StructError::NegativePascalSize => ErrorKind::SystemError,
            _ => ErrorKind::StructError,
        }
    }

    /// The last line of the traceback Python would print:
    /// `struct.error: MESSAGE`, `OverflowError: MESSAGE`, or the bare class
    /// name when the message is empty (`MemoryError`).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::pystruct::calcsize;
    ///
    /// assert_eq!(
    ///     calcsize("12").unwrap_err().python_line(),
    ///     "struct.error: repeat count given without format specifier"
    /// );
    /// ```
    pub fn python_line(&self) -> String {
        let message = self.to_string();
        if message.is_empty() {
            self.kind().python_name().to_string()
        } else {
            format!("{}: {}", self.kind().python_name(), message)
        }
    }
}

/// CPython prints the needed size with `%zu` of `size + offset`, an unsigned
/// machine-word sum; wrapping keeps the arithmetic the same.
fn needed(size: usize, offset: isize) -> usize {
    size.wrapping_add(offset as usize)
}

/// The message of Python's ASCII codec: one character is quoted, a run is
/// given as a range of positions.
fn non_ascii_message(first: char, start: usize, end: usize) -> String {
    if end - start == 1 {
        format!(
            "'ascii' codec can't encode character '{}' in position {start}: ordinal not in range(128)",
            escaped_char(first)
        )
    } else {
        format!(
            "'ascii' codec can't encode characters in position {start}-{}: ordinal not in range(128)",
            end - 1
        )
    }
}

/// How Python's `UnicodeEncodeError` shows a non-ASCII character:
/// `\xe9`, `\u4e2d` or `\U0001f600` by code point size.
fn escaped_char(c: char) -> String {
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02x}")
    } else if code <= 0xffff {
        format!("\\u{code:04x}")
    } else {
        format!("\\U{code:08x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cpython_words() {
        let cases: Vec<(StructError, &str)> = vec![
            (StructError::BadChar, "struct.error: bad char in struct format"),
            (
                StructError::RepeatWithoutCode,
                "struct.error: repeat count given without format specifier",
            ),
            (StructError::SizeTooLong, "struct.error: total struct size too long"),
            (StructError::EmbeddedNull, "struct.error: embedded null character"),
            (
                StructError::NonAscii { first: 'é', start: 0, end: 1 },
                "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)",
            ),
            (
                StructError::NonAscii { first: '中', start: 1, end: 3 },
                "UnicodeEncodeError: 'ascii' codec can't encode characters in position 1-2: ordinal not in range(128)",
            ),
            (
                StructError::NonAscii { first: '😀', start: 1, end: 2 },
                "UnicodeEncodeError: 'ascii' codec can't encode character '\\U0001f600' in position 1: ordinal not in range(128)",
            ),
            (
                StructError::NonAscii { first: '中', start: 0, end: 1 },
                "UnicodeEncodeError: 'ascii' codec can't encode character '\\u4e2d' in position 0: ordinal not in range(128)",
            ),
            (
                StructError::WrongItemCount { function: "pack", expected: 2, got: 1 },
                "struct.error: pack expected 2 items for packing (got 1)",
            ),
            (
                StructError::CTypeRange { ctype: "ubyte", min: 0, max: 255 },
                "struct.error: ubyte format requires 0 <= number <= 255",
            ),
            (
                StructError::CodeRange { code: 'H', min: 0, max: 65535 },
                "struct.error: 'H' format requires 0 <= number <= 65535",
            ),
            (StructError::ArgumentOutOfRange, "struct.error: argument out of range"),
            (StructError::IntTooLarge, "struct.error: int too large to convert"),
            (StructError::NotAnInteger, "struct.error: required argument is not an integer"),
            (StructError::NotAFloat, "struct.error: required argument is not a float"),
            (
                StructError::CharNotOneByte,
                "struct.error: char format requires a bytes object of length 1",
            ),
            (
                StructError::NotBytes { code: 'p' },
                "struct.error: argument for 'p' must be a bytes object",
            ),
            (
                StructError::FloatTooLarge { code: 'e' },
                "OverflowError: float too large to pack with e format",
            ),
            (StructError::BytesTooLarge, "OverflowError: byte string is too large"),
            (StructError::OutOfMemory, "MemoryError"),
            (
                StructError::PackIntoTooSmall { size: 4, offset: 3, buffer_len: 6 },
                "struct.error: pack_into requires a buffer of at least 7 bytes for packing 4 bytes at offset 3 (actual buffer size is 6)",
            ),
            (
                StructError::NoSpaceToPack { size: 4, offset: -3 },
                "struct.error: no space to pack 4 bytes at offset -3",
            ),
            (
                StructError::OffsetOutOfRange { offset: -7, buffer_len: 6 },
                "struct.error: offset -7 out of range for 6-byte buffer",
            ),
            (
                StructError::UnpackSize { size: 4 },
                "struct.error: unpack requires a buffer of 4 bytes",
            ),
            (
                StructError::UnpackFromTooSmall { size: 4, offset: 100, buffer_len: 6 },
                "struct.error: unpack_from requires a buffer of at least 104 bytes for unpacking 4 bytes at offset 100 (actual buffer size is 6)",
            ),
            (
                StructError::NotEnoughData { size: 4, offset: -3 },
                "struct.error: not enough data to unpack 4 bytes at offset -3",
            ),
            (
                StructError::IterZeroSize,
                "struct.error: cannot iteratively unpack with a struct of length 0",
            ),
            (
                StructError::IterNotMultiple { size: 4 },
                "struct.error: iterative unpacking requires a buffer of a multiple of 4 bytes",
            ),
            (
                StructError::NegativePascalSize,
                "SystemError: Negative size passed to PyBytes_FromStringAndSize",
            ),
        ];
        for (err, line) in cases {
            assert_eq!(err.python_line(), line);
        }
    }

    #[test]
    fn needed_size_wraps_like_size_t() {
        assert_eq!(needed(4, 100), 104);
        assert_eq!(needed(4, isize::MAX), (isize::MAX as usize) + 4);
    }

    #[test]
    fn kind_names() {
        assert_eq!(ErrorKind::SystemError.to_string(), "SystemError");
        assert_eq!(
            ErrorKind::UnicodeEncodeError.python_name(),
            "UnicodeEncodeError"
        );
    }
}
