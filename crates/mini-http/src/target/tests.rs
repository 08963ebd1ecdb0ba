use super::*;
use proptest::prelude::*;

fn path_of(raw: &str) -> Result<String, TargetError> {
    match parse_target("GET", raw)? {
        RequestTarget::Resource(resource) => Ok(resource.path),
        other => panic!("{raw:?} is not a resource: {other:?}"),
    }
}

fn resource_of(raw: &str) -> Resource {
    match parse_target("GET", raw) {
        Ok(RequestTarget::Resource(resource)) => resource,
        other => panic!("{raw:?}: {other:?}"),
    }
}

// --- the four forms (RFC 9112 §3.2) ---

#[test]
fn origin_form_splits_path_and_query() {
    let resource = resource_of("/search/a.txt?q=1&r=%2F");
    assert_eq!(resource.authority, None);
    assert_eq!(resource.path, "/search/a.txt");
    assert_eq!(resource.query.as_deref(), Some("q=1&r=%2F")); // the query is not decoded
    assert_eq!(resource_of("/").path, "/");
    assert_eq!(resource_of("/?").query.as_deref(), Some(""));
    assert_eq!(resource_of("/a?b?c").query.as_deref(), Some("b?c"));
}

#[test]
fn absolute_form_keeps_the_host() {
    let resource = resource_of("http://example.com:8000/a%20b?x=1");
    assert_eq!(resource.authority.as_deref(), Some("example.com:8000"));
    assert_eq!(resource.path, "/a b");
    assert_eq!(resource.query.as_deref(), Some("x=1"));
    // The scheme is case-insensitive (RFC 3986 §3.1).
    assert_eq!(resource_of("HTTP://h/").authority.as_deref(), Some("h"));
}

#[test]
fn absolute_form_with_an_empty_path_is_the_root() {
    assert_eq!(resource_of("http://example.com").path, "/");
    let resource = resource_of("http://example.com?x");
    assert_eq!(
        (resource.path.as_str(), resource.query.as_deref()),
        ("/", Some("x"))
    );
}

#[test]
fn absolute_form_hosts() {
    assert_eq!(
        resource_of("http://127.0.0.1/").authority.as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(
        resource_of("http://[::1]:8000/").authority.as_deref(),
        Some("[::1]:8000")
    );
    assert_eq!(
        resource_of("http://[::1]/").authority.as_deref(),
        Some("[::1]")
    );
    assert_eq!(resource_of("http://h:/").authority.as_deref(), Some("h:")); // empty port
}

#[test]
fn absolute_form_with_a_bad_host_is_refused() {
    for raw in [
        "http:///a",
        "http://:80/a",
        "http://h:99999/",
        "http://h:8o/",
        "http://[::1/",
        "http://[zz]/",
        "http://[::1]x/",
        "http://h\u{e9}/",
    ] {
        assert_eq!(
            parse_target("GET", raw),
            Err(TargetError::InvalidAuthority),
            "{raw}"
        );
    }
}

#[test]
fn absolute_form_with_user_info_is_refused() {
    assert_eq!(
        parse_target("GET", "http://bank.example@evil.example/"),
        Err(TargetError::UserInfo)
    );
}

#[test]
fn other_schemes_are_refused() {
    for raw in [
        "https://example.com/",
        "ftp://example.com/",
        "file:///etc/passwd",
    ] {
        assert_eq!(
            parse_target("GET", raw),
            Err(TargetError::UnsupportedScheme),
            "{raw}"
        );
    }
}

#[test]
fn asterisk_form_is_exposed_for_any_method() {
    assert_eq!(parse_target("OPTIONS", "*"), Ok(RequestTarget::Asterisk));
    assert_eq!(parse_target("GET", "*"), Ok(RequestTarget::Asterisk));
}

#[test]
fn authority_form_is_for_connect_only() {
    assert_eq!(
        parse_target("CONNECT", "example.com:443"),
        Ok(RequestTarget::Authority("example.com:443".into()))
    );
    assert_eq!(
        parse_target("CONNECT", "[::1]:443"),
        Ok(RequestTarget::Authority("[::1]:443".into()))
    );
    assert_eq!(
        parse_target("GET", "example.com:443"),
        Err(TargetError::AuthorityForm)
    );
    assert_eq!(
        parse_target("CONNECT", "/a"),
        Err(TargetError::NotAuthorityForm)
    );
    assert_eq!(
        parse_target("CONNECT", "example.com"),
        Err(TargetError::NotAuthorityForm)
    );
}

#[test]
fn other_targets_are_malformed() {
    assert_eq!(parse_target("GET", ""), Err(TargetError::Empty));
    for raw in ["index.html", "http:/a", "http:a", "**", "?q"] {
        assert_eq!(
            parse_target("GET", raw),
            Err(TargetError::Malformed),
            "{raw}"
        );
    }
}

// --- percent-decoding (RFC 3986 §2.1) ---

#[test]
fn escapes_decode_in_either_case() {
    assert_eq!(path_of("/%41%62%7e%7E"), Ok("/Ab~~".into()));
    assert_eq!(path_of("/%E4%BD%A0%e5%a5%bd"), Ok("/你好".into()));
    assert_eq!(path_of("/100%25"), Ok("/100%".into()));
    assert_eq!(path_of("/a+b"), Ok("/a+b".into())); // + is a plus in a path
}

#[test]
fn encoded_dots_decode_and_are_left_to_confine() {
    assert_eq!(
        path_of("/%2e%2e/%2E%2E/etc/passwd"),
        Ok("/../../etc/passwd".into())
    );
}

#[test]
fn an_encoded_slash_is_refused() {
    assert_eq!(path_of("/..%2fetc"), Err(TargetError::EncodedSlash));
    assert_eq!(path_of("/a%2Fb"), Err(TargetError::EncodedSlash));
}

#[test]
fn an_encoded_nul_is_refused() {
    assert_eq!(path_of("/a.txt%00.png"), Err(TargetError::EncodedNul));
}

#[test]
fn encoded_control_characters_are_refused() {
    assert_eq!(
        path_of("/a%0d%0aSet-Cookie:x"),
        Err(TargetError::EncodedControl(0x0d))
    );
    assert_eq!(path_of("/a%7F"), Err(TargetError::EncodedControl(0x7f)));
    assert_eq!(
        TargetError::EncodedControl(0x0a).to_string(),
        "an encoded control character (%0A) in the path"
    );
}

#[test]
fn invalid_escapes_are_refused() {
    for raw in ["/%G1", "/%4", "/%", "/a%%41", "/%4g", "/%\u{e9}9"] {
        assert_eq!(path_of(raw), Err(TargetError::InvalidEscape), "{raw:?}");
    }
}

#[test]
fn decoded_bytes_must_be_utf8() {
    for raw in [
        "/%FF",          // never in UTF-8
        "/%C3",          // a truncated sequence
        "/%C3%28",       // a bad continuation byte
        "/%C0%AF",       // overlong "/"
        "/%E0%80%AF",    // overlong "/", three bytes
        "/%C0%AE%C0%AE", // overlong ".."
        "/%ED%A0%80",    // the surrogate U+D800
        "/%F4%90%80%80", // above U+10FFFF
    ] {
        assert_eq!(path_of(raw), Err(TargetError::NotUtf8), "{raw}");
    }
}

#[test]
fn raw_utf8_is_accepted() {
    assert_eq!(path_of("/café/你好.txt"), Ok("/café/你好.txt".into()));
    assert_eq!(path_of("/caf%C3%A9/é"), Ok("/café/é".into()));
}

#[test]
fn printable_ascii_outside_rfc_3986_is_accepted() {
    assert_eq!(path_of("/a\"<>^`{|}\\b"), Ok("/a\"<>^`{|}\\b".into()));
}

#[test]
fn raw_controls_spaces_and_fragments_are_refused() {
    assert_eq!(path_of("/a b"), Err(TargetError::InvalidCharacter(' ')));
    assert_eq!(path_of("/a\tb"), Err(TargetError::InvalidCharacter('\t')));
    assert_eq!(
        path_of("/a\u{7f}"),
        Err(TargetError::InvalidCharacter('\u{7f}'))
    );
    assert_eq!(path_of("/a\0"), Err(TargetError::InvalidCharacter('\0')));
    assert_eq!(path_of("/a#top"), Err(TargetError::InvalidCharacter('#')));
    assert_eq!(path_of("/a?q=\r"), Err(TargetError::InvalidCharacter('\r')));
}

#[test]
fn relative_path_drops_one_slash() {
    assert_eq!(resource_of("/a/b.txt").relative_path(), "a/b.txt");
    assert_eq!(resource_of("/").relative_path(), "");
    assert_eq!(resource_of("//etc/passwd").relative_path(), "/etc/passwd");
}

#[test]
fn every_error_is_a_bad_request() {
    assert_eq!(TargetError::NotUtf8.status(), StatusCode::BAD_REQUEST);
    assert_eq!(TargetError::UserInfo.status(), StatusCode::BAD_REQUEST);
}

/// Percent-encodes every byte of `text` except `/`, the way a careful client would.
fn encode_all(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b == b'/' {
                "/".to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

proptest! {
    #[test]
    fn parsing_never_panics(raw in "\\PC{0,60}", method in "(GET|CONNECT|OPTIONS)") {
        let _ = parse_target(&method, &raw);
    }

    #[test]
    fn parsing_escape_soup_never_panics(raw in "/[%0-9a-fA-FgG/.]{0,40}") {
        let _ = parse_target("GET", &raw);
    }

    #[test]
    fn encoding_then_decoding_round_trips(text in "(/[^\\x00-\\x1f\\x7f]{0,12}){1,4}") {
        prop_assert_eq!(percent_decode_path(&encode_all(&text)), Ok(text.clone()));
        prop_assert_eq!(path_of(&encode_all(&text)), Ok(text));
    }

    #[test]
    fn decoding_never_adds_a_slash_or_nul(raw in "/[%0-9a-fA-F/a-z\\x{e9}]{0,40}") {
        if let Ok(decoded) = percent_decode_path(&raw) {
            prop_assert_eq!(decoded.matches('/').count(), raw.matches('/').count());
            prop_assert!(!decoded.contains('\0'));
        }
    }
}
