//! Media types: what `Content-Type` to send for a file, from its extension.
//!
//! A browser decides what to do with a response by its `Content-Type`, not by the URL:
//! `text/html` is rendered, `image/png` drawn, `application/octet-stream` downloaded. And
//! a module script (`<script type="module">`) is refused unless it is served as
//! JavaScript.
//!
//! # Why a table of our own
//!
//! Python's `http.server` asks the `mimetypes` module, which reads the system's registry:
//! `/etc/mime.types` on Linux and, on Windows, the registry, where installed programs
//! write what they like. Machines whose registry said `text/plain` for `.js` have served
//! scripts that way, and the browser refused to run them (reported against Python
//! servers, e.g. Pylons/pyramid#3570, and against Go's `mime`, golang/go#32350, which now
//! ignores that registry value). The same server on two machines answered differently.
//! This table is built in: the same file gets the same type everywhere.
//!
//! # Text and its charset
//!
//! A text type carries `; charset=utf-8`, because without it a browser guesses the
//! encoding (and often guesses windows-1252, or GBK on a Chinese system), and `标题` turns
//! into mojibake. The table assumes text files are UTF-8; a GBK file served with this
//! type shows mojibake, and is the lesson of [`crate::fake`] the other way round.
//! JSON has `charset` too: RFC 8259 defines no such parameter and says it has no effect
//! on a compliant reader (JSON is UTF-8), but a browser showing a `.json` file as text
//! reads it. SVG is an image type: an XML file names its own encoding (UTF-8 unless it
//! says otherwise), and a `charset` would override that declaration.
//!
//! # A sorted slice, searched by halves
//!
//! The table is a static slice sorted by extension, searched with
//! [`slice::binary_search_by`], comparing without regard to ASCII case. A `match` on the
//! lowercased extension would be as fast; the slice was chosen because the table is then
//! *data*: a test walks it to check that it is sorted, holds no duplicate and gives every
//! text type its charset, and the lesson can print it.

use std::cmp::Ordering;
use std::path::Path;

/// The type of anything the table does not know: bytes, which a browser downloads.
pub const DEFAULT: &str = "application/octet-stream";

/// The table: extension (lowercase, without the dot) and media type, sorted by extension.
pub const TABLE: &[(&str, &str)] = &[
    ("7z", "application/x-7z-compressed"),
    ("avif", "image/avif"),
    ("css", "text/css; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"),
    ("gif", "image/gif"),
    ("gz", "application/gzip"),
    ("htm", "text/html; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    // The IANA registration; nginx sends `image/x-icon`, and browsers take either.
    ("ico", "image/vnd.microsoft.icon"),
    ("jpeg", "image/jpeg"),
    ("jpg", "image/jpeg"),
    // RFC 9239: `text/javascript`, not the obsolete `application/javascript`.
    ("js", "text/javascript; charset=utf-8"),
    ("json", "application/json; charset=utf-8"),
    ("log", "text/plain; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("ogg", "audio/ogg"),
    ("otf", "font/otf"),
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    // The course's programs, shown as text rather than downloaded.
    ("py", "text/plain; charset=utf-8"),
    ("rs", "text/plain; charset=utf-8"),
    ("svg", "image/svg+xml"),
    ("tar", "application/x-tar"),
    ("ttf", "font/ttf"),
    ("txt", "text/plain; charset=utf-8"),
    ("wasm", "application/wasm"),
    ("wav", "audio/wav"),
    ("webm", "video/webm"),
    ("webp", "image/webp"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("xml", "text/xml; charset=utf-8"),
    ("zip", "application/zip"),
];

/// The media type for a file extension (without the dot), whatever its ASCII case.
///
/// ```
/// use mini_http::mime::from_extension;
///
/// assert_eq!(from_extension("js"), "text/javascript; charset=utf-8");
/// assert_eq!(from_extension("PNG"), "image/png");
/// assert_eq!(from_extension("exe"), "application/octet-stream");
/// ```
pub fn from_extension(extension: &str) -> &'static str {
    TABLE
        .binary_search_by(|&(known, _)| compare_ignoring_ascii_case(known, extension))
        .map_or(DEFAULT, |i| TABLE[i].1)
}

/// The media type for a file, from the extension of its path.
///
/// Only the last extension counts (`archive.tar.gz` is gzip). A name with no extension,
/// or a hidden file such as `.bashrc` (whose name is all "stem"), gets [`DEFAULT`], as
/// does an extension that is not valid UTF-8.
///
/// ```
/// use mini_http::mime::from_path;
/// use std::path::Path;
///
/// assert_eq!(from_path(Path::new("docs/index.HTML")), "text/html; charset=utf-8");
/// assert_eq!(from_path(Path::new("backup.tar.gz")), "application/gzip");
/// assert_eq!(from_path(Path::new("Makefile")), "application/octet-stream");
/// ```
pub fn from_path(path: &Path) -> &'static str {
    path.extension()
        .and_then(|extension| extension.to_str())
        .map_or(DEFAULT, from_extension)
}

/// Compares `known` (lowercase, from the table) with `asked` as if `asked` were lowercase,
/// without building a lowercase copy of it.
fn compare_ignoring_ascii_case(known: &str, asked: &str) -> Ordering {
    known
        .bytes()
        .cmp(asked.bytes().map(|b| b.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests;
