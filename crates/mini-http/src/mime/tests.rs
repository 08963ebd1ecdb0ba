//! The table's tests: it is sorted and consistent, and every extension of the lesson
//! finds its type whatever its case.

use super::*;

#[test]
fn the_table_is_sorted_lowercase_and_without_duplicates() {
    for pair in TABLE.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
    }
    for (extension, _) in TABLE {
        assert!(!extension.is_empty() && !extension.starts_with('.'));
        assert_eq!(*extension, extension.to_ascii_lowercase());
    }
}

#[test]
fn every_text_type_says_its_charset_and_nothing_else_does() {
    for (extension, media_type) in TABLE {
        let is_text = media_type.starts_with("text/") || *extension == "json";
        assert_eq!(
            media_type.ends_with("; charset=utf-8"),
            is_text,
            "{extension}: {media_type}"
        );
    }
}

#[test]
fn each_extension_of_the_lesson() {
    let cases = [
        ("html", "text/html; charset=utf-8"),
        ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"),
        ("json", "application/json; charset=utf-8"),
        ("txt", "text/plain; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("csv", "text/csv; charset=utf-8"),
        ("xml", "text/xml; charset=utf-8"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
        ("jpeg", "image/jpeg"),
        ("jpg", "image/jpeg"),
        ("gif", "image/gif"),
        ("webp", "image/webp"),
        ("ico", "image/vnd.microsoft.icon"),
        ("avif", "image/avif"),
        ("woff", "font/woff"),
        ("woff2", "font/woff2"),
        ("ttf", "font/ttf"),
        ("otf", "font/otf"),
        ("mp4", "video/mp4"),
        ("webm", "video/webm"),
        ("mp3", "audio/mpeg"),
        ("ogg", "audio/ogg"),
        ("wav", "audio/wav"),
        ("zip", "application/zip"),
        ("gz", "application/gzip"),
        ("tar", "application/x-tar"),
        ("7z", "application/x-7z-compressed"),
        ("pdf", "application/pdf"),
        ("wasm", "application/wasm"),
    ];
    for (extension, media_type) in cases {
        assert_eq!(from_extension(extension), media_type, "{extension}");
        assert_eq!(
            from_extension(&extension.to_ascii_uppercase()),
            media_type,
            "{extension}"
        );
    }
}

#[test]
fn case_does_not_matter_anywhere_in_the_extension() {
    for extension in ["Html", "hTmL", "HTML"] {
        assert_eq!(from_extension(extension), "text/html; charset=utf-8");
    }
    assert_eq!(from_extension("WOFF2"), "font/woff2");
}

#[test]
fn unknown_and_odd_extensions_get_the_default() {
    for extension in [
        "",
        "exe",
        "htmlx",
        "htm ",
        ".html",
        "ht",
        "zzz",
        "ＨＴＭＬ",
        "7",
    ] {
        assert_eq!(from_extension(extension), DEFAULT, "{extension:?}");
    }
}

#[test]
fn paths() {
    assert_eq!(
        from_path(Path::new("/srv/www/app.JS")),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        from_path(Path::new("笔记/第一课.md")),
        "text/markdown; charset=utf-8"
    );
    assert_eq!(from_path(Path::new(".bashrc")), DEFAULT);
    assert_eq!(from_path(Path::new("README")), DEFAULT);
    assert_eq!(
        from_path(Path::new("dir.html/")),
        "text/html; charset=utf-8"
    );
    assert_eq!(from_path(Path::new("trailing.")), DEFAULT);
}

#[cfg(unix)]
#[test]
fn an_extension_that_is_not_utf8_gets_the_default() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let path = Path::new(OsStr::from_bytes(b"page.htm\xff"));
    assert_eq!(from_path(path), DEFAULT);
}
