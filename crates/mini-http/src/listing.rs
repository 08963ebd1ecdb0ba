//! The directory listing: the page a static server shows for a directory without an
//! `index.html`, as `python -m http.server` does.
//!
//! The page is built from names the server did not choose: anyone who can create a file
//! can name it `<script>alert(1)</script>`, `#1?.txt` or `//evil.com`. Each name goes into
//! the page twice, and [`crate::escape`] makes each place safe:
//!
//! - the text of the link is HTML-escaped, so a name is never markup;
//! - the `href` is the name percent-encoded as one path segment, so it is always a
//!   *relative* link to a file in this directory. RFC 3986 (§4.2) reads a reference that
//!   starts with `//` as another host, and one whose first segment holds a `:` as a
//!   scheme (`http:x`, `javascript:...`); encoding `/` as `%2F` and `:` as `%3A` leaves
//!   neither, whatever the name.
//!
//! Relative links resolve against the directory's URL only if it ends in `/`: from
//! `/docs/`, `a.txt` is `/docs/a.txt`, but from `/docs` it would be `/a.txt`. That is why a
//! server redirects `/docs` to `/docs/` before it shows this page.
//!
//! # Order
//!
//! Directories come first, then files; each group is sorted by name in byte order.
//! For UTF-8 text byte order *is* Unicode code point order (UTF-8 was designed so), so the
//! order is the same on every machine and in every locale. It is case-sensitive
//! (`Zebra.txt` before `apple.txt`, as `ls` sorts with `LC_ALL=C`), and Chinese names come
//! after Latin ones, in code point order rather than pinyin order.
//!
//! # Names that are not UTF-8
//!
//! On Linux a file name is any bytes except `/` and NUL, and may not be valid UTF-8 (an old
//! archive unpacked with GBK names, say). [`Entry::name`] is a `String`, so the caller
//! passes what it has, typically `to_string_lossy()`, which shows each bad byte as `�`.
//! The name then displays, but its link names a file that does not exist, and the server
//! answers it with 404.

use crate::escape::{html_escape, percent_encode_path_segment};

/// One entry of a directory, as the caller read it from the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The file name, without any path (see the module docs for names that are not UTF-8).
    pub name: String,
    /// Whether it is a directory: it is listed first, with a `/` after its name.
    pub is_dir: bool,
    /// The size in bytes (not shown for a directory).
    pub size: u64,
    /// When it last changed, already formatted for people (`2024-03-01 14:05`).
    pub modified: String,
}

impl Entry {
    /// A file of `size` bytes.
    pub fn file(name: impl Into<String>, size: u64, modified: impl Into<String>) -> Entry {
        Entry {
            name: name.into(),
            is_dir: false,
            size,
            modified: modified.into(),
        }
    }

    /// A directory.
    pub fn dir(name: impl Into<String>, modified: impl Into<String>) -> Entry {
        Entry {
            name: name.into(),
            is_dir: true,
            size: 0,
            modified: modified.into(),
        }
    }
}

/// The listing page of the directory at `dir`, as UTF-8 HTML.
///
/// `dir` is the directory's path as the user should read it: decoded (`/docs/笔记/`, not
/// `/docs/%E7%AC%94%E8%AE%B0/`), starting and ending with `/`. The page has a link to the
/// parent directory (`../`) unless `dir` is `/`, then the entries in the order described
/// in the [module docs](self). Entries named `.`, `..` or nothing are left out: they are
/// not files of this directory (and `read_dir` never returns them).
///
/// ```
/// use mini_http::listing::{page, Entry};
///
/// let html = page(
///     "/docs/笔记/",
///     vec![
///         Entry::file("b & c.txt", 1234, "2024-03-01 14:05"),
///         Entry::dir("图片", "2024-02-01 09:00"),
///     ],
/// );
/// assert!(html.contains("<title>Index of /docs/笔记/</title>"));
/// assert!(html.contains(r#"<a href="../">../</a>"#));
/// assert!(html.contains(r#"<a href="%E5%9B%BE%E7%89%87/">图片/</a>"#));
/// assert!(html.contains(r#"<a href="b%20%26%20c.txt">b &amp; c.txt</a>"#));
/// assert!(html.contains("<td>1.2 KiB</td><td>1234</td>"));
/// // The directory comes before the file.
/// assert!(html.find("图片").unwrap() < html.find("b &amp; c.txt").unwrap());
/// ```
pub fn page(dir: &str, mut entries: Vec<Entry>) -> String {
    debug_assert!(
        dir.starts_with('/') && dir.ends_with('/'),
        "a listed directory's path starts and ends with '/': {dir:?}"
    );
    entries.retain(|entry| !matches!(entry.name.as_str(), "" | "." | ".."));
    // Directories first (`true` sorts after `false`, hence `b` before `a`), then by name.
    entries.sort_by(|a, b| b.is_dir.cmp(&a.is_dir).then_with(|| a.name.cmp(&b.name)));

    let title = html_escape(dir);
    let mut html = String::with_capacity(1024 + 160 * entries.len());
    html.push_str(HEAD_START);
    html.push_str(&format!(
        "<title>Index of {title}</title>\n</head>\n<body>\n"
    ));
    html.push_str(&format!("<h1>Index of {title}</h1>\n"));
    html.push_str(TABLE_START);
    if dir != "/" {
        html.push_str("<tr><td><a href=\"../\">../</a></td><td></td><td></td><td></td></tr>\n");
    }
    for entry in &entries {
        push_row(&mut html, entry);
    }
    html.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    html
}

/// Everything of the page before its title.
const HEAD_START: &str = "<!DOCTYPE html>\n\
<html lang=\"en\">\n\
<head>\n\
<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<style>\n\
body { font-family: system-ui, sans-serif; margin: 2em; }\n\
th, td { padding: 0.1em 1.5em 0.1em 0; text-align: left; }\n\
td:nth-child(2), td:nth-child(3) { text-align: right; font-variant-numeric: tabular-nums; }\n\
</style>\n";

/// The table's start, with its column headings.
const TABLE_START: &str = "<table>\n<thead>\n\
<tr><th>Name</th><th>Size</th><th>Bytes</th><th>Modified</th></tr>\n\
</thead>\n<tbody>\n";

/// Appends one entry's row: the link, the sizes (a dash for a directory) and the date.
fn push_row(html: &mut String, entry: &Entry) {
    let slash = if entry.is_dir { "/" } else { "" };
    let href = percent_encode_path_segment(&entry.name);
    let text = html_escape(&entry.name);
    html.push_str(&format!(
        "<tr><td><a href=\"{href}{slash}\">{text}{slash}</a></td>"
    ));
    if entry.is_dir {
        html.push_str("<td>-</td><td>-</td>");
    } else {
        html.push_str(&format!(
            "<td>{}</td><td>{}</td>",
            human_size(entry.size),
            entry.size
        ));
    }
    html.push_str(&format!("<td>{}</td></tr>\n", html_escape(&entry.modified)));
}

/// A size for people: bytes below 1 KiB, then KiB, MiB, ... with one decimal.
///
/// The units are powers of 1024 (KiB, not kB, which is 1000), as `ls -lh` counts.
/// The value is rounded to the nearest tenth, and moves up a unit rather than show
/// `1024.0 KiB`.
///
/// ```
/// use mini_http::listing::human_size;
///
/// assert_eq!(human_size(0), "0 B");
/// assert_eq!(human_size(1023), "1023 B");
/// assert_eq!(human_size(1234), "1.2 KiB");
/// assert_eq!(human_size(1_048_575), "1.0 MiB");
/// assert_eq!(human_size(5 << 30), "5.0 GiB");
/// ```
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    // Tenths of the unit, rounded to the nearest; u128, so that `bytes * 10` cannot
    // overflow.
    let tenths = |scale: u128| (u128::from(bytes) * 10 + scale / 2) / scale;
    let mut unit = 0;
    let mut scale: u128 = 1024;
    while tenths(scale) >= 10 * 1024 && unit + 1 < UNITS.len() {
        unit += 1;
        scale *= 1024;
    }
    let tenths = tenths(scale);
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

#[cfg(test)]
mod tests;
