//! `Range` and `If-Range`: sending part of a file (RFC 9110 §14).
//!
//! A download that broke at byte 500,000 resumes with `Range: bytes=500000-`; a video player
//! jumps to the middle with `Range: bytes=73400320-`. The server answers `206 Partial Content`
//! with `Content-Range: bytes 500000-999999/1000000` and only those bytes.
//!
//! ```text
//! bytes=0-499        the first 500 bytes           int-range: first-pos "-" last-pos
//! bytes=500-         from byte 500 to the end      int-range without last-pos
//! bytes=-500         the last 500 bytes            suffix-range
//! bytes=0-0,-1       the first and the last byte   several ranges: multipart/byteranges
//! ```
//!
//! [`plan`] reads the two headers against the file and answers with a [`RangePlan`]:
//!
//! - [`RangePlan::Whole`]: ignore `Range`, send `200` and the whole file. This is the answer
//!   to a unit other than `bytes`, to a value that does not parse (RFC 9110 §14.2: a server
//!   "MAY ignore" such a field), and to an `If-Range` that does not hold (§13.1.5).
//! - [`RangePlan::Single`]: `206` with one `Content-Range`.
//! - [`RangePlan::Multi`]: `206` with a `multipart/byteranges` body (§14.6), everything
//!   computed up front: the part headers, the closing delimiter and the `Content-Length`, so
//!   the server writes each header and `sendfile`s each part with no buffering.
//! - [`RangePlan::Unsatisfiable`]: `416` with `Content-Range: bytes */LEN`, which tells the
//!   client the real length (§15.5.17). A zero-length file has no byte to send, so every range
//!   on it is unsatisfiable: §14.1.1 counts `bytes=-5` as satisfiable even then, but no
//!   `Content-Range` can describe zero bytes, so this server answers `416 bytes */0`.
//!
//! Call it only for GET, after the preconditions ([`crate::conditional::evaluate`]) said
//! "proceed": §14.2 says a server "MUST ignore a Range header field received with a request
//! method that is unrecognized or for which range handling is not defined", and GET is the
//! only method with range handling (HEAD answers as a GET without `Range` would).
//!
//! ## Guarding against abuse (CVE-2011-3192)
//!
//! In 2011 Apache fell to `Range: bytes=0-,5-0,5-1,5-2,...`: a few hundred overlapping ranges
//! of one file, each answered as its own part, cost the server memory for every part and sent
//! the file hundreds of times over. RFC 9110 §14.2 lets a server ignore a request with "more
//! than two overlapping ranges" or many small ranges out of order, and §15.3.7.2 lets it
//! coalesce ranges that overlap or touch. This module does both:
//!
//! 1. Overlapping and adjacent ranges are merged: `0-99,50-199` is `0-199`. The parts sent
//!    then never repeat a byte, so a 206 is never larger than the file plus its part headers.
//! 2. More than [`MAX_OVERLAPS`] overlaps, more than [`MAX_RANGE_SPECS`] ranges listed, or
//!    more than [`MAX_PARTS`] parts after merging: `Range` is ignored and the whole file sent.
//!
//! Why the whole file and not `416`: a 416 says "your ranges miss the file", which is false
//! here, and a client that asked oddly still gets correct bytes; an attacker gets nothing
//! more than a plain GET gives. The merged parts are sent in the order the client listed them
//! (the first range of each merged group decides), as §15.3.7.2 asks.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::conditional::EntityTag;
use crate::date::{parse_http_date, unix_seconds};

#[cfg(test)]
mod tests;

/// The most parts a multipart answer has, after merging; more and `Range` is ignored.
pub const MAX_PARTS: usize = 16;

/// The most ranges read from one `Range` header; more and it is ignored unread.
pub const MAX_RANGE_SPECS: usize = 64;

/// The most overlaps between listed ranges tolerated (two ranges that overlap are one
/// overlap); more and `Range` is ignored, as RFC 9110 §14.2 allows.
pub const MAX_OVERLAPS: usize = 1;

/// What the server knows about the file it is about to send.
#[derive(Debug, Clone, Copy)]
pub struct Representation<'a> {
    /// Its length in bytes.
    pub len: u64,
    /// Its `ETag`, quotes included (from [`crate::conditional::ETag`]).
    pub etag: &'a str,
    /// Its `Last-Modified` time (from [`crate::conditional::last_modified`]).
    pub last_modified: SystemTime,
    /// Its media type, repeated in each part of a multipart answer.
    pub content_type: &'a str,
}

/// A range of bytes in a file, both ends included, as `Content-Range` writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// The offset of the first byte.
    pub start: u64,
    /// The offset of the last byte (not one past it).
    pub end_inclusive: u64,
}

impl ByteRange {
    /// How many bytes the range holds (never zero).
    pub fn byte_count(&self) -> u64 {
        self.end_inclusive - self.start + 1
    }

    /// The `Content-Range` value for this range of a file of `len` bytes (RFC 9110 §14.4).
    ///
    /// ```
    /// use mini_http::range::ByteRange;
    ///
    /// let range = ByteRange { start: 0, end_inclusive: 499 };
    /// assert_eq!(range.content_range(1234), "bytes 0-499/1234");
    /// ```
    pub fn content_range(&self, len: u64) -> String {
        format!("bytes {}-{}/{len}", self.start, self.end_inclusive)
    }
}

/// What to send for a GET: the decision of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangePlan {
    /// `200 OK` and the whole file: there was no usable `Range`.
    Whole,
    /// `206 Partial Content` with one range of the file.
    Single {
        /// The offset of the first byte to send.
        start: u64,
        /// The offset of the last byte to send.
        end_inclusive: u64,
        /// The `Content-Range` header value, `bytes S-E/LEN`.
        content_range: String,
    },
    /// `206 Partial Content` with a `multipart/byteranges` body.
    Multi(Multipart),
    /// `416 Range Not Satisfiable`: no range asked for lies in the file.
    Unsatisfiable {
        /// The `Content-Range` header value, `bytes */LEN`.
        content_range: String,
    },
}

/// One part of a `multipart/byteranges` body: its header, then its bytes of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The bytes of the file this part carries.
    pub range: ByteRange,
    /// What to send before those bytes: the delimiter line and the part's header fields,
    /// ending with the blank line. From the second part on it starts with the `\r\n` that
    /// ends the previous part's bytes (RFC 2046 §5.1.1: the line break before a delimiter
    /// belongs to the delimiter).
    pub header: String,
}

/// Everything needed to send a `multipart/byteranges` body (RFC 9110 §14.6), computed before
/// the first byte is sent:
///
/// ```text
/// --BOUNDARY\r\n                        parts[0].header
/// Content-Type: text/plain\r\n
/// Content-Range: bytes 0-0/26\r\n
/// \r\n
/// a                                     parts[0].range of the file
/// \r\n--BOUNDARY\r\n                    parts[1].header
/// Content-Type: text/plain\r\n
/// Content-Range: bytes 25-25/26\r\n
/// \r\n
/// z                                     parts[1].range of the file
/// \r\n--BOUNDARY--\r\n                  closing
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart {
    /// The delimiter between parts, which must not occur in the parts (see [`next_boundary`]).
    pub boundary: String,
    /// The `Content-Type` header value of the response:
    /// `multipart/byteranges; boundary=BOUNDARY`.
    pub content_type: String,
    /// The parts, in the order they are sent.
    pub parts: Vec<Part>,
    /// What follows the last part's bytes: `\r\n--BOUNDARY--\r\n`.
    pub closing: String,
    /// The `Content-Length` of the whole body: headers, bytes and closing.
    pub content_length: u64,
}

impl Multipart {
    /// Lays out the parts for `ranges` of a file of `len` bytes whose media type is
    /// `part_type` (left out of the parts when empty), delimited by `boundary`.
    ///
    /// ```
    /// use mini_http::range::{ByteRange, Multipart};
    ///
    /// let ranges = [ByteRange { start: 0, end_inclusive: 0 }, ByteRange { start: 25, end_inclusive: 25 }];
    /// let body = Multipart::new(&ranges, 26, "text/plain", "SEP");
    /// assert_eq!(body.content_type, "multipart/byteranges; boundary=SEP");
    /// assert_eq!(body.parts[0].header, "--SEP\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-0/26\r\n\r\n");
    /// assert_eq!(body.closing, "\r\n--SEP--\r\n");
    /// ```
    pub fn new(ranges: &[ByteRange], len: u64, part_type: &str, boundary: &str) -> Multipart {
        let mut parts = Vec::with_capacity(ranges.len());
        let mut content_length = 0;
        for (index, range) in ranges.iter().enumerate() {
            let mut header = String::new();
            if index > 0 {
                header.push_str("\r\n");
            }
            header.push_str(&format!("--{boundary}\r\n"));
            if !part_type.is_empty() {
                header.push_str(&format!("Content-Type: {part_type}\r\n"));
            }
            header.push_str(&format!(
                "Content-Range: {}\r\n\r\n",
                range.content_range(len)
            ));
            content_length += header.len() as u64 + range.byte_count();
            parts.push(Part {
                range: *range,
                header,
            });
        }
        let closing = format!("\r\n--{boundary}--\r\n");
        content_length += closing.len() as u64;
        Multipart {
            boundary: boundary.to_string(),
            content_type: format!("multipart/byteranges; boundary={boundary}"),
            parts,
            closing,
            content_length,
        }
    }
}

/// A fresh boundary: 24 hex digits, a number chosen at random when the process starts
/// followed by a counter, so two responses never share one.
///
/// A boundary must not occur inside a part (RFC 2046 §5.1.1). nginx uses a counter alone; the
/// random half here makes a file crafted to contain the boundary a matter of luck, not of
/// reading the previous response.
pub fn next_boundary() -> String {
    static SEED: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // RandomState is seeded by the operating system's randomness: a random u64 with no crate.
    let seed = *SEED.get_or_init(|| RandomState::new().build_hasher().finish());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{seed:016x}{count:08x}")
}

/// Decides what a GET with these `Range` and `If-Range` values gets from `file`.
///
/// ```
/// use mini_http::range::{plan, RangePlan, Representation};
/// use std::time::UNIX_EPOCH;
///
/// let file = Representation { len: 1000, etag: r#""abc""#, last_modified: UNIX_EPOCH, content_type: "video/mp4" };
///
/// assert_eq!(plan(Some("bytes=-100"), None, &file), RangePlan::Single {
///     start: 900, end_inclusive: 999, content_range: "bytes 900-999/1000".into(),
/// });
/// assert_eq!(plan(Some("bytes=5000-"), None, &file), RangePlan::Unsatisfiable {
///     content_range: "bytes */1000".into(),
/// });
/// assert_eq!(plan(Some("lines=1-2"), None, &file), RangePlan::Whole);  // unknown unit
/// assert_eq!(plan(Some("bytes=9-5"), None, &file), RangePlan::Whole);  // invalid
/// assert_eq!(plan(Some("bytes=0-"), Some(r#""old""#), &file), RangePlan::Whole); // changed
/// assert!(matches!(plan(Some("bytes=0-0,-1"), None, &file), RangePlan::Multi(_)));
/// ```
pub fn plan(range: Option<&str>, if_range: Option<&str>, file: &Representation<'_>) -> RangePlan {
    let Some(range) = range else {
        return RangePlan::Whole;
    };
    // §13.1.5: "A recipient of an If-Range header field MUST ignore the Range header field
    // if the If-Range condition evaluates to false."
    if if_range.is_some_and(|value| !if_range_holds(value, file.etag, file.last_modified)) {
        return RangePlan::Whole;
    }
    let Some(specs) = parse_range(range) else {
        return RangePlan::Whole;
    };
    let unsatisfiable = || RangePlan::Unsatisfiable {
        content_range: format!("bytes */{}", file.len),
    };

    // Resolve each spec against the length; keep the satisfiable ones with their position
    // in the header, for the order of the answer.
    let mut ranges: Vec<(usize, ByteRange)> = specs
        .iter()
        .enumerate()
        .filter_map(|(index, spec)| spec.resolve(file.len).map(|range| (index, range)))
        .collect();
    if ranges.is_empty() {
        return unsatisfiable();
    }

    // Merge overlapping and adjacent ranges (§15.3.7.2), counting the overlaps (§14.2).
    ranges.sort_by_key(|(_, range)| range.start);
    let mut merged: Vec<(usize, ByteRange)> = Vec::with_capacity(ranges.len());
    let mut overlaps = 0;
    for (index, range) in ranges {
        match merged.last_mut() {
            Some((first_index, last)) if range.start <= last.end_inclusive.saturating_add(1) => {
                if range.start <= last.end_inclusive {
                    overlaps += 1;
                }
                last.end_inclusive = last.end_inclusive.max(range.end_inclusive);
                *first_index = (*first_index).min(index);
            }
            _ => merged.push((index, range)),
        }
    }
    if overlaps > MAX_OVERLAPS || merged.len() > MAX_PARTS {
        return RangePlan::Whole;
    }

    // Back in the client's order (§15.3.7.2).
    merged.sort_by_key(|(index, _)| *index);
    let merged: Vec<ByteRange> = merged.into_iter().map(|(_, range)| range).collect();
    match merged.as_slice() {
        [single] => RangePlan::Single {
            start: single.start,
            end_inclusive: single.end_inclusive,
            content_range: single.content_range(file.len),
        },
        several => RangePlan::Multi(Multipart::new(
            several,
            file.len,
            file.content_type,
            &next_boundary(),
        )),
    }
}

/// Whether an `If-Range` value still describes the file (RFC 9110 §13.1.5): an entity tag
/// that matches `etag` with the strong comparison, or an HTTP-date equal to `last_modified`
/// (in whole seconds). Anything else, a weak tag or an invalid date included, is false.
///
/// The two forms are told apart the RFC's way, by looking for a quote in the first three
/// characters (`"abc"` or `W/"abc"`).
///
/// A date is a strong validator only if the file cannot have changed twice within that second
/// (§8.8.2.2), which no server can know about a file others may write; this server, like
/// nginx, accepts an exact date anyway. Clients that care send the `ETag`.
///
/// ```
/// use mini_http::range::if_range_holds;
/// use mini_http::date::parse_http_date;
///
/// let modified = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// assert!(if_range_holds(r#""v1""#, r#""v1""#, modified));
/// assert!(!if_range_holds(r#"W/"v1""#, r#""v1""#, modified)); // weak never matches strongly
/// assert!(if_range_holds("Sun, 06 Nov 1994 08:49:37 GMT", r#""v1""#, modified));
/// assert!(!if_range_holds("Sun, 06 Nov 1994 08:49:38 GMT", r#""v1""#, modified)); // exact only
/// ```
pub fn if_range_holds(value: &str, etag: &str, last_modified: SystemTime) -> bool {
    let value = value.trim_matches([' ', '\t']);
    if value.bytes().take(3).any(|b| b == b'"') {
        match (EntityTag::parse(value), EntityTag::parse(etag)) {
            (Some(theirs), Some(ours)) => theirs.strong_eq(&ours),
            _ => false,
        }
    } else {
        parse_http_date(value).is_some_and(|date| unix_seconds(date) == unix_seconds(last_modified))
    }
}

/// One range as the client wrote it, before the file's length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeSpec {
    /// `first-last` or `first-`: from `first` to `last` (or the end), both included.
    FromTo {
        /// The offset of the first byte.
        first: u64,
        /// The offset of the last byte, if given.
        last: Option<u64>,
    },
    /// `-n`: the last `n` bytes.
    Suffix(u64),
}

impl RangeSpec {
    /// The bytes this spec selects in a file of `len` bytes, or `None` if it selects none
    /// (§14.1.1: a `first` at or beyond the end, a suffix of zero, or an empty file).
    pub fn resolve(&self, len: u64) -> Option<ByteRange> {
        if len == 0 {
            return None;
        }
        match *self {
            // §14.1.2: a last-pos beyond the end means "to the end".
            RangeSpec::FromTo { first, last } => (first < len).then(|| ByteRange {
                start: first,
                end_inclusive: last.unwrap_or(u64::MAX).min(len - 1),
            }),
            // §14.1.2: a suffix longer than the file means the whole file.
            RangeSpec::Suffix(0) => None,
            RangeSpec::Suffix(n) => Some(ByteRange {
                start: len - n.min(len),
                end_inclusive: len - 1,
            }),
        }
    }
}

/// Parses a `Range` value in the `bytes` unit (RFC 9110 §14.1.1, §14.2):
/// `ranges-specifier = range-unit "=" range-set`. The unit is compared without regard to
/// case; empty list elements are skipped (§5.6.1.2).
///
/// `None` when the header is to be ignored: another unit, a syntax error, a `last` before its
/// `first` (§14.1.1: that range-spec is invalid, and so is the whole header), no range at all,
/// or more than [`MAX_RANGE_SPECS`] ranges (whose rest is not even read).
///
/// ```
/// use mini_http::range::{parse_range, RangeSpec};
///
/// assert_eq!(parse_range("bytes=0-499, -500"), Some(vec![
///     RangeSpec::FromTo { first: 0, last: Some(499) },
///     RangeSpec::Suffix(500),
/// ]));
/// assert_eq!(parse_range("Bytes=7-"), Some(vec![RangeSpec::FromTo { first: 7, last: None }]));
/// assert_eq!(parse_range("bytes=1-2-3"), None);
/// ```
pub fn parse_range(value: &str) -> Option<Vec<RangeSpec>> {
    let (unit, set) = value.trim_matches([' ', '\t']).split_once('=')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    let mut specs = Vec::new();
    for element in set.split(',') {
        let element = element.trim_matches([' ', '\t']);
        if element.is_empty() {
            continue;
        }
        if specs.len() == MAX_RANGE_SPECS {
            return None;
        }
        specs.push(parse_spec(element)?);
    }
    (!specs.is_empty()).then_some(specs)
}

/// One `range-spec`: `first-last`, `first-`, or `-suffix`.
fn parse_spec(text: &str) -> Option<RangeSpec> {
    let (first, last) = text.split_once('-')?;
    if first.is_empty() {
        return Some(RangeSpec::Suffix(number(last)?));
    }
    let first = number(first)?;
    let last = match last {
        "" => None,
        last => Some(number(last)?),
    };
    if last.is_some_and(|last| last < first) {
        return None;
    }
    Some(RangeSpec::FromTo { first, last })
}

/// A non-negative decimal number; digits only. One too large for `u64` counts as `u64::MAX`,
/// which is past the end of any file, so the range means what its writer meant.
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, digit| {
        n.saturating_mul(10).saturating_add(u64::from(digit - b'0'))
    }))
}
