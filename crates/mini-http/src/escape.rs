//! Escaping: how a file name becomes safe text in a page, and a safe link.
//!
//! A directory listing puts file names into HTML twice, and each place has its own rules:
//!
//! ```html
//! <a href="my%20%3Cnotes%3E.txt">my &lt;notes&gt;.txt</a>
//!          ^^^^^^^^^^^^^^^^^^^^  ^^^^^^^^^^^^^^^^^^^^^^
//!          a URL: percent-encode  text: HTML-escape
//! ```
//!
//! - In the text, `<` would open a tag and `&` an entity, so [`html_escape`] replaces the
//!   five characters that mean something to HTML. Without it, a file named
//!   `<script>alert(1)</script>` runs its script in the browser of whoever opens the
//!   listing (cross-site scripting).
//! - In the `href`, the name is a piece of URL: a space ends nothing in HTML but is not
//!   allowed in a URL, `#` starts a fragment, `?` a query, `%` an escape, and `/` a new
//!   path segment. [`percent_encode_path_segment`] writes every byte that is not one of
//!   RFC 3986's *unreserved* characters as `%XX`. It also makes every name a *relative*
//!   link: `//evil.com` becomes `%2F%2Fevil.com` and `http:x` becomes `http%3Ax`, which
//!   no browser reads as another host or another scheme.
//!
//! The two are not interchangeable: percent-encoding is for URLs, HTML escaping for HTML.
//! A link's `href` is both (a URL inside an HTML attribute), but a percent-encoded name
//! holds only `A-Z a-z 0-9 - . _ ~ %`, none of which HTML treats specially, so it needs no
//! HTML escaping on top.

use std::borrow::Cow;

/// Escapes the five characters that mean something in HTML: `&`, `<`, `>`, `"` and `'`.
///
/// The result is safe both as element text and inside a quoted attribute value (`"` and
/// `'` are escaped so that neither kind of quote can end the attribute). A string with
/// nothing to escape, the common case, is returned as it is, without a copy: that is why
/// the result is a [`Cow`].
///
/// ```
/// use mini_http::escape::html_escape;
///
/// assert_eq!(html_escape("notes.txt"), "notes.txt");
/// assert_eq!(
///     html_escape(r#"<a href="x">Tom & Jerry's</a>"#),
///     "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
/// );
/// ```
pub fn html_escape(text: &str) -> Cow<'_, str> {
    // Find the first character that needs escaping; most names have none, and then no
    // memory is allocated at all.
    let Some(first) = text.find(['&', '<', '>', '"', '\'']) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // `&apos;` is not an HTML 4 entity; the numeric form works everywhere.
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Percent-encodes one path segment (a file name) for use in a URL.
///
/// Every byte of the name's UTF-8 form is written as `%XX` (uppercase hex, as RFC 3986
/// §2.1 recommends) unless it is an *unreserved* character: `A-Z a-z 0-9 - . _ ~`. So a
/// `/` inside the name cannot start a new segment, `?` and `#` cannot start a query or a
/// fragment, `%` cannot be mistaken for an escape, and `:` cannot make the name look like
/// a scheme (`http:x`). Characters outside ASCII are encoded byte by byte: `笔` is three
/// UTF-8 bytes and becomes `%E7%AC%94`.
///
/// Encoding more than strictly needed is always safe (a server decodes `%41` as `A`),
/// while encoding too little is a bug, so this errs on the side of encoding.
///
/// ```
/// use mini_http::escape::percent_encode_path_segment;
///
/// assert_eq!(percent_encode_path_segment("report-2024_v1.0~.pdf"), "report-2024_v1.0~.pdf");
/// assert_eq!(percent_encode_path_segment("my notes #1?.txt"), "my%20notes%20%231%3F.txt");
/// assert_eq!(percent_encode_path_segment("100%"), "100%25");
/// assert_eq!(percent_encode_path_segment("笔记"), "%E7%AC%94%E8%AE%B0");
/// // A name can never turn into a link off the site:
/// assert_eq!(percent_encode_path_segment("//evil.com"), "%2F%2Fevil.com");
/// assert_eq!(percent_encode_path_segment("http:x"), "http%3Ax");
/// ```
pub fn percent_encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    push_encoded_segment(&mut out, segment);
    out
}

/// Percent-encodes an absolute path segment by segment, keeping its `/` separators.
///
/// This is the form for a `Location` field, such as the redirect from `/docs/笔记` to
/// `/docs/%E7%AC%94%E8%AE%B0/`. Because every byte other than `/` and the unreserved
/// characters is encoded, the result can never hold a CR or an LF, so a path that came
/// from a request cannot smuggle a header into the response.
///
/// ```
/// use mini_http::escape::percent_encode_path;
///
/// assert_eq!(percent_encode_path("/docs/笔记/"), "/docs/%E7%AC%94%E8%AE%B0/");
/// assert_eq!(percent_encode_path("/a b/c?d"), "/a%20b/c%3Fd");
/// assert_eq!(percent_encode_path("/x\r\nSet-Cookie: y"), "/x%0D%0ASet-Cookie%3A%20y");
/// ```
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_encoded_segment(&mut out, segment);
    }
    out
}

/// Appends `segment`, percent-encoded, to `out`.
fn push_encoded_segment(out: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in segment.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests;
