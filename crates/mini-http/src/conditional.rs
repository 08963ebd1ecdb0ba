//! Validators and preconditions: `ETag`, `Last-Modified` and the four `If-*` headers
//! (RFC 9110 §8.8 and §13).
//!
//! A browser that has a copy of `/logo.png` need not download it again: it asks "send it only
//! if it changed" (`If-None-Match: "<the ETag it got>"`, or `If-Modified-Since: <the
//! Last-Modified it got>`), and the server answers `304 Not Modified` with no body when the
//! copy is still good. A client about to act on a version it saw asks the opposite, "only if
//! it did *not* change" (`If-Match`, `If-Unmodified-Since`), and gets `412 Precondition
//! Failed` when it did.
//!
//! ## Validators
//!
//! - [`ETag::for_file`]: a strong entity tag from the file's size and modification time (and
//!   its inode where there is one), in nginx's form `"5f1c2a3b-1a2b"`.
//! - [`last_modified`]: the `Last-Modified` time, whole seconds, never after now; write it with
//!   [`format_http_date`](crate::date::format_http_date).
//!
//! ## Preconditions, in the RFC's order
//!
//! [`evaluate`] follows RFC 9110 §13.2.2 step by step: `If-Match` (or else
//! `If-Unmodified-Since`) first, then `If-None-Match` (or else `If-Modified-Since`, for GET and
//! HEAD only). The tag headers win over the date headers because a tag is the more exact
//! validator: a file rewritten twice in one second keeps its date and changes its size.
//!
//! Two rules are the caller's. The preconditions apply only when the answer without them
//! would be 2xx (RFC 9110 §13.2.1): a missing file is 404 whatever `If-Match` says. And a
//! `304` carries the headers the `200` would have had among `ETag`, `Last-Modified`, `Date`,
//! `Cache-Control`, `Content-Location`, `Expires` and `Vary` (RFC 9110 §15.4.5), and no body.
//!
//! ## Choices where the RFC leaves one
//!
//! - An `If-Match` or `If-None-Match` that is not a valid list matches nothing: `If-Match`
//!   then fails (412: a client that asked for a guard gets no action without one) and
//!   `If-None-Match` then lets the full response go (200: the worst case is a download).
//! - A date that is not a valid HTTP-date is ignored, as RFC 9110 §13.1.3 and §13.1.4 ask.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::date::{from_unix_seconds, parse_http_date, unix_seconds};
use crate::status::StatusCode;

#[cfg(test)]
mod tests;

/// A strong entity tag for a file, as this server sends it in `ETag`: quoted, like
/// `"5f1c2a3b-1a2b"`.
///
/// ```
/// use mini_http::conditional::ETag;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let modified = UNIX_EPOCH + Duration::from_secs(0x5f1c_2a3b);
/// // nginx's form: hex(mtime)-hex(size).
/// assert_eq!(ETag::for_file(0x1a2b, modified, None).as_str(), r#""5f1c2a3b-1a2b""#);
/// // With the inode in front, a file replaced by another of the same size in the same
/// // second (a deploy by rename) still gets a new tag.
/// assert_eq!(ETag::for_file(0x1a2b, modified, Some(0x42)).as_str(), r#""42-5f1c2a3b-1a2b""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// The tag of a file of `size` bytes last modified at `modified`, on inode `inode` if the
    /// system has inodes.
    ///
    /// The time counts whole seconds, as nginx's tag does; a time before 1970 is written as
    /// its two's complement (`ffffffffffffffff` is one second before), so that it stays
    /// distinct and within the characters a tag may hold.
    ///
    /// Strong, as RFC 9110 §8.8.3 defines it, means "the bytes changed, so the tag changed".
    /// That holds unless a file is rewritten twice within one second at the same size and
    /// on the same inode: every server that builds tags from metadata shares that limit,
    /// and reading the whole file to hash it on every request would cost more than it saves.
    pub fn for_file(size: u64, modified: SystemTime, inode: Option<u64>) -> ETag {
        // Two's complement on purpose: -1 becomes ffffffffffffffff, not "-1", whose "-"
        // would read as a separator.
        let seconds = unix_seconds(modified) as u64;
        match inode {
            Some(inode) => ETag(format!("\"{inode:x}-{seconds:x}-{size:x}\"")),
            None => ETag(format!("\"{seconds:x}-{size:x}\"")),
        }
    }

    /// The tag of the file `metadata` describes (from `File::metadata`, one `fstat`), with
    /// its inode on Unix. Fails only where the system keeps no modification time.
    pub fn from_metadata(metadata: &std::fs::Metadata) -> std::io::Result<ETag> {
        #[cfg(unix)]
        let inode = Some(std::os::unix::fs::MetadataExt::ino(metadata));
        #[cfg(not(unix))]
        let inode = None;
        Ok(ETag::for_file(metadata.len(), metadata.modified()?, inode))
    }

    /// The tag as sent, quotes included: the value of an `ETag` header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `Last-Modified` time of a file modified at `modified`, answered at `now`: truncated to
/// whole seconds (the resolution of an HTTP-date), and never later than `now`.
///
/// RFC 9110 §8.8.2.1: an origin server "MUST NOT generate a Last-Modified date that is later
/// than the server's time of message origination", and replaces a modification time in the
/// future (a file copied from a machine whose clock runs ahead) with the message's date.
///
/// ```
/// use mini_http::conditional::last_modified;
/// use mini_http::date::format_http_date;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
/// let modified = UNIX_EPOCH + Duration::from_millis(999_999_250);
/// assert_eq!(last_modified(modified, now), UNIX_EPOCH + Duration::from_secs(999_999));
/// // From the future: today.
/// assert_eq!(last_modified(now + Duration::from_secs(3600), now), now);
/// assert_eq!(format_http_date(last_modified(modified, now)).as_str(),
///            "Mon, 12 Jan 1970 13:46:39 GMT");
/// ```
pub fn last_modified(modified: SystemTime, now: SystemTime) -> SystemTime {
    let seconds = unix_seconds(modified).min(unix_seconds(now));
    from_unix_seconds(seconds).unwrap_or(UNIX_EPOCH)
}

/// One entity tag as a client sends it: `"abc"` (strong) or `W/"abc"` (weak).
///
/// ```
/// use mini_http::conditional::EntityTag;
///
/// let weak = EntityTag::parse(r#"W/"v1""#).unwrap();
/// let strong = EntityTag::parse(r#""v1""#).unwrap();
/// assert!(weak.weak && !strong.weak);
/// assert_eq!(weak.opaque, "v1");
/// assert!(weak.weak_eq(&strong));    // same opaque part
/// assert!(!weak.strong_eq(&strong)); // a weak tag never matches strongly
/// assert_eq!(EntityTag::parse("v1"), None); // the quotes are part of the syntax
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityTag<'a> {
    /// Whether the tag was marked `W/`: "equivalent", not "byte for byte the same".
    pub weak: bool,
    /// The text between the quotes.
    pub opaque: &'a str,
}

impl<'a> EntityTag<'a> {
    /// Parses one entity tag, the whole of `text` (RFC 9110 §8.8.3):
    /// `entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE`. `W` is upper case only.
    pub fn parse(text: &'a str) -> Option<EntityTag<'a>> {
        match EntityTag::parse_prefix(text)? {
            (tag, "") => Some(tag),
            _ => None,
        }
    }

    /// Parses the entity tag at the start of `text`, returning it and the text after it.
    ///
    /// A list cannot be split on commas first: `etagc` includes `,`, so `"a,b"` is one tag.
    /// The closing quote is what ends a tag.
    fn parse_prefix(text: &'a str) -> Option<(EntityTag<'a>, &'a str)> {
        let (weak, quoted) = match text.strip_prefix("W/") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let inner = quoted.strip_prefix('"')?;
        let end = inner.find('"')?;
        let opaque = &inner[..end];
        // etagc = %x21 / %x23-7E / obs-text: visible ASCII except the quote, or any byte
        // from 0x80 (which in a &str is part of a UTF-8 character).
        if !opaque
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80)
        {
            return None;
        }
        Some((EntityTag { weak, opaque }, &inner[end + 1..]))
    }

    /// The strong comparison (RFC 9110 §8.8.3.2): both tags strong, and the same opaque text.
    /// Used by `If-Match` and `If-Range`, where "the same" must mean the same bytes.
    pub fn strong_eq(&self, other: &EntityTag<'_>) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// The weak comparison (RFC 9110 §8.8.3.2): the same opaque text, weak or not. Used by
    /// `If-None-Match`, where an equivalent copy is good enough to keep.
    pub fn weak_eq(&self, other: &EntityTag<'_>) -> bool {
        self.opaque == other.opaque
    }
}

/// The value of an `If-Match` or `If-None-Match` header: `*` or a list of entity tags.
///
/// ```
/// use mini_http::conditional::{EntityTag, TagList};
///
/// assert_eq!(TagList::parse("*"), Some(TagList::Any));
/// let list = TagList::parse(r#""a", W/"b",, "c,d""#).unwrap();
/// let TagList::Tags(tags) = list else { panic!("a list") };
/// let opaque: Vec<&str> = tags.iter().map(|tag| tag.opaque).collect();
/// assert_eq!(opaque, ["a", "b", "c,d"]); // empty elements skipped; "c,d" is one tag
/// assert_eq!(TagList::parse(r#""a" "b""#), None); // a list needs commas
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagList<'a> {
    /// `*`: any current representation.
    Any,
    /// One or more entity tags.
    Tags(Vec<EntityTag<'a>>),
}

impl<'a> TagList<'a> {
    /// Parses `"*" / #entity-tag` (RFC 9110 §13.1.1, §13.1.2). Empty list elements (`a, ,b`)
    /// are skipped, as RFC 9110 §5.6.1.2 asks; a list with no tag at all is invalid.
    pub fn parse(text: &'a str) -> Option<TagList<'a>> {
        const OWS: [char; 2] = [' ', '\t'];
        let text = text.trim_matches(OWS);
        if text == "*" {
            return Some(TagList::Any);
        }
        let mut tags = Vec::new();
        let mut rest = text;
        loop {
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                break;
            }
            let (tag, after) = EntityTag::parse_prefix(rest)?;
            tags.push(tag);
            rest = after.trim_start_matches(OWS);
            // After a tag: the end, or a comma before the next one.
            if !(rest.is_empty() || rest.starts_with(',')) {
                return None;
            }
        }
        (!tags.is_empty()).then_some(TagList::Tags(tags))
    }

    /// Whether `current` (the resource's tag) is matched, using `compare` on each listed tag.
    /// `*` matches any resource that exists, which is every resource this is asked about.
    fn matches(
        &self,
        current: Option<&EntityTag<'_>>,
        compare: fn(&EntityTag, &EntityTag) -> bool,
    ) -> bool {
        match (self, current) {
            (TagList::Any, _) => true,
            (TagList::Tags(tags), Some(current)) => tags.iter().any(|tag| compare(tag, current)),
            (TagList::Tags(_), None) => false,
        }
    }
}

/// The four precondition headers of a request, each the raw field value if present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Preconditions<'a> {
    /// `If-Match`: act only if the resource still has one of these tags.
    pub if_match: Option<&'a str>,
    /// `If-None-Match`: send it only if the resource has none of these tags.
    pub if_none_match: Option<&'a str>,
    /// `If-Modified-Since`: send it only if it changed after this date.
    pub if_modified_since: Option<&'a str>,
    /// `If-Unmodified-Since`: act only if it did not change after this date.
    pub if_unmodified_since: Option<&'a str>,
}

/// What the preconditions decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Go on: answer as if there were no preconditions (200, or 206 after `Range`).
    Proceed,
    /// 304: the client's copy is current; send the validators and no body.
    NotModified,
    /// 412: a condition the client set does not hold; do nothing.
    PreconditionFailed,
}

impl Outcome {
    /// The status to answer with, or `None` to go on.
    pub fn status(self) -> Option<StatusCode> {
        match self {
            Outcome::Proceed => None,
            Outcome::NotModified => Some(StatusCode::NOT_MODIFIED),
            Outcome::PreconditionFailed => Some(StatusCode::PRECONDITION_FAILED),
        }
    }
}

/// Evaluates the preconditions of a request on a resource that exists, whose current tag is
/// `etag` (as sent in `ETag`, quotes included) and whose `Last-Modified` is `last_modified`
/// (compared in whole seconds), in the order of RFC 9110 §13.2.2.
///
/// `method_is_get_or_head` is true for GET and HEAD: `If-Modified-Since` applies to those
/// only, and a matching `If-None-Match` is a 304 for them but a 412 for other methods.
///
/// ```
/// use mini_http::conditional::{evaluate, Outcome, Preconditions};
/// use mini_http::date::parse_http_date;
///
/// let modified = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// let etag = r#""2ebc98a1-1a2b""#;
///
/// // The browser's revalidation: same tag, so the cached copy is still good.
/// let revalidate = Preconditions { if_none_match: Some(etag), ..Default::default() };
/// assert_eq!(evaluate(true, &revalidate, etag, modified), Outcome::NotModified);
///
/// // A client that saw an older version: its guard fails.
/// let guarded = Preconditions { if_match: Some(r#""old""#), ..Default::default() };
/// assert_eq!(evaluate(true, &guarded, etag, modified), Outcome::PreconditionFailed);
///
/// assert_eq!(evaluate(true, &Preconditions::default(), etag, modified), Outcome::Proceed);
/// ```
pub fn evaluate(
    method_is_get_or_head: bool,
    headers: &Preconditions<'_>,
    etag: &str,
    last_modified: SystemTime,
) -> Outcome {
    // A tag the server itself made unparseable would match nothing; ours always parse.
    let current = EntityTag::parse(etag);
    let modified = unix_seconds(last_modified);
    // A date header that is not a valid HTTP-date is ignored (§13.1.3, §13.1.4).
    let date = |value: &str| parse_http_date(value).map(unix_seconds);

    // Step 1 (§13.2.2): If-Match, with the strong comparison (§13.1.1). False: 412. (The
    // RFC's exception, a state-changing request found to have succeeded already, does not
    // arise for a server that only reads.)
    if let Some(value) = headers.if_match {
        let list = TagList::parse(value);
        if !list.is_some_and(|list| list.matches(current.as_ref(), |a, b| a.strong_eq(b))) {
            return Outcome::PreconditionFailed;
        }
    }
    // Step 2: If-Unmodified-Since, only when there is no If-Match (§13.1.4: "A recipient MUST
    // ignore If-Unmodified-Since if the request contains an If-Match header field"). True
    // when the resource was last modified at or before the date.
    else if let Some(since) = headers.if_unmodified_since.and_then(date) {
        if modified > since {
            return Outcome::PreconditionFailed;
        }
    }

    // Step 3: If-None-Match, with the weak comparison (§13.1.2). A match is "false": 304 for
    // GET and HEAD, 412 for any other method.
    if let Some(value) = headers.if_none_match {
        let list = TagList::parse(value);
        if list.is_some_and(|list| list.matches(current.as_ref(), |a, b| a.weak_eq(b))) {
            return if method_is_get_or_head {
                Outcome::NotModified
            } else {
                Outcome::PreconditionFailed
            };
        }
    }
    // Step 4: If-Modified-Since, for GET and HEAD only, and only when there is no
    // If-None-Match (§13.1.3). Not modified since: the resource's date is at or before it.
    else if method_is_get_or_head {
        if let Some(since) = headers.if_modified_since.and_then(date) {
            if modified <= since {
                return Outcome::NotModified;
            }
        }
    }

    // Steps 5 and 6: If-Range and the method itself are the caller's (see crate::range).
    Outcome::Proceed
}
