//! Escaping's tests: fixed cases for the characters that matter, and property tests that
//! decoding undoes encoding and that escaped HTML never holds markup from its input.

use super::*;
use proptest::prelude::*;

/// A plain percent-decoder, for the tests only: the server's own decoder lives in
/// `target`, and a test should not check one piece of the library with another.
fn percent_decode(encoded: &str) -> Option<String> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The inverse of `html_escape`, for the tests only.
fn html_unescape(escaped: &str) -> String {
    escaped
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn html_escape_borrows_when_there_is_nothing_to_escape() {
    assert!(matches!(html_escape("plain name.txt"), Cow::Borrowed(_)));
    assert!(matches!(html_escape("笔记.md"), Cow::Borrowed(_)));
    assert!(matches!(html_escape("a&b"), Cow::Owned(_)));
}

#[test]
fn html_escape_each_character() {
    assert_eq!(html_escape("&"), "&amp;");
    assert_eq!(html_escape("<"), "&lt;");
    assert_eq!(html_escape(">"), "&gt;");
    assert_eq!(html_escape("\""), "&quot;");
    assert_eq!(html_escape("'"), "&#39;");
    // An entity in the input is text, not an entity: its `&` is escaped too.
    assert_eq!(html_escape("&lt;"), "&amp;lt;");
    assert_eq!(
        html_escape("<script>alert('笔记')</script>"),
        "&lt;script&gt;alert(&#39;笔记&#39;)&lt;/script&gt;"
    );
}

#[test]
fn percent_encoding_of_awkward_names() {
    let cases = [
        ("", ""),
        ("AZaz09-._~", "AZaz09-._~"),
        ("a b", "a%20b"),
        ("a+b", "a%2Bb"),
        ("#?%", "%23%3F%25"),
        ("\"quoted\" 'name'", "%22quoted%22%20%27name%27"),
        ("<&>", "%3C%26%3E"),
        ("a/b\\c", "a%2Fb%5Cc"),
        ("line\r\nbreak", "line%0D%0Abreak"),
        ("标题", "%E6%A0%87%E9%A2%98"),
        ("é", "%C3%A9"),
        ("😀", "%F0%9F%98%80"),
        ("javascript:alert(1)", "javascript%3Aalert%281%29"),
    ];
    for (name, encoded) in cases {
        assert_eq!(percent_encode_path_segment(name), encoded, "{name:?}");
        assert_eq!(percent_decode(encoded).as_deref(), Some(name));
    }
}

#[test]
fn percent_encoded_path_keeps_its_slashes() {
    assert_eq!(percent_encode_path("/"), "/");
    assert_eq!(percent_encode_path(""), "");
    assert_eq!(percent_encode_path("/a/b/"), "/a/b/");
    assert_eq!(percent_encode_path("//evil.com/"), "//evil.com/");
    assert_eq!(percent_encode_path("/50% off/#1"), "/50%25%20off/%231");
}

proptest! {
    #[test]
    fn decoding_an_encoded_segment_gives_the_name_back(name in any::<String>()) {
        let encoded = percent_encode_path_segment(&name);
        prop_assert_eq!(percent_decode(&encoded), Some(name));
    }

    #[test]
    fn an_encoded_segment_holds_only_unreserved_characters_and_escapes(name in any::<String>()) {
        let encoded = percent_encode_path_segment(&name);
        prop_assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        // Uppercase hex after every `%`.
        for (i, _) in encoded.match_indices('%') {
            let hex = &encoded[i + 1..i + 3];
            prop_assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
        }
    }

    #[test]
    fn an_encoded_path_decodes_segment_by_segment(
        segments in proptest::collection::vec(any::<String>(), 0..5)
    ) {
        let path = segments.join("/");
        let encoded = percent_encode_path(&path);
        prop_assert_eq!(encoded.matches('/').count(), path.matches('/').count());
        prop_assert_eq!(percent_decode(&encoded), Some(path));
    }

    #[test]
    fn escaped_html_holds_no_markup_and_unescapes_to_the_input(text in any::<String>()) {
        let escaped = html_escape(&text);
        prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
        prop_assert_eq!(html_unescape(&escaped), text);
    }

    #[test]
    fn escaped_html_keeps_only_entity_ampersands(text in "[a-z&<>\"' ]{0,40}") {
        let escaped = html_escape(&text);
        for (i, _) in escaped.match_indices('&') {
            let rest = &escaped[i..];
            prop_assert!(["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|entity| rest.starts_with(entity)));
        }
    }
}
