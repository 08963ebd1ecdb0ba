use super::*;
use crate::date::parse_http_date;
use proptest::prelude::*;
use std::time::Duration;

/// The resource every test asks about: this tag, last modified at this second.
const ETAG: &str = r#""2ebc98a1-1a2b""#;
const MODIFIED: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
const BEFORE: &str = "Sun, 06 Nov 1994 08:49:36 GMT";
const AFTER: &str = "Sun, 06 Nov 1994 08:49:38 GMT";

fn modified() -> SystemTime {
    parse_http_date(MODIFIED).unwrap()
}

fn get(headers: Preconditions<'_>) -> Outcome {
    evaluate(true, &headers, ETAG, modified())
}

fn put(headers: Preconditions<'_>) -> Outcome {
    evaluate(false, &headers, ETAG, modified())
}

fn if_match(value: &str) -> Preconditions<'_> {
    Preconditions {
        if_match: Some(value),
        ..Default::default()
    }
}

fn if_none_match(value: &str) -> Preconditions<'_> {
    Preconditions {
        if_none_match: Some(value),
        ..Default::default()
    }
}

fn if_modified_since(value: &str) -> Preconditions<'_> {
    Preconditions {
        if_modified_since: Some(value),
        ..Default::default()
    }
}

fn if_unmodified_since(value: &str) -> Preconditions<'_> {
    Preconditions {
        if_unmodified_since: Some(value),
        ..Default::default()
    }
}

// --- validators ---

#[test]
fn etag_has_nginx_form_without_inode() {
    let modified = UNIX_EPOCH + Duration::from_secs(0x6543_21ab);
    assert_eq!(
        ETag::for_file(0, modified, None).as_str(),
        r#""654321ab-0""#
    );
    assert_eq!(
        ETag::for_file(1 << 40, modified, None).to_string(),
        r#""654321ab-10000000000""#
    );
}

#[test]
fn etag_changes_with_size_time_and_inode() {
    let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let base = ETag::for_file(10, t, Some(7));
    assert_ne!(base, ETag::for_file(11, t, Some(7)));
    assert_ne!(
        base,
        ETag::for_file(10, t + Duration::from_secs(1), Some(7))
    );
    assert_ne!(base, ETag::for_file(10, t, Some(8)));
    // Within one second: the same tag (the documented limit of metadata tags).
    assert_eq!(
        base,
        ETag::for_file(10, t + Duration::from_millis(500), Some(7))
    );
}

#[test]
fn etag_before_1970_is_twos_complement() {
    let before = UNIX_EPOCH - Duration::from_secs(1);
    assert_eq!(
        ETag::for_file(5, before, None).as_str(),
        r#""ffffffffffffffff-5""#
    );
}

#[test]
fn etag_from_metadata_of_a_real_file() {
    let path = std::env::temp_dir().join(format!("mini-http-etag-{}", std::process::id()));
    std::fs::write(&path, b"hello").unwrap();
    let metadata = std::fs::metadata(&path).unwrap();
    let tag = ETag::from_metadata(&metadata).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(tag.as_str().ends_with("-5\""), "{tag}");
    assert!(EntityTag::parse(tag.as_str()).is_some_and(|t| !t.weak));
}

#[test]
fn our_etags_parse_as_strong_tags() {
    let tag = ETag::for_file(99, modified(), Some(12));
    let parsed = EntityTag::parse(tag.as_str()).unwrap();
    assert!(!parsed.weak);
    assert_eq!(parsed.opaque, tag.as_str().trim_matches('"'));
}

#[test]
fn last_modified_is_whole_seconds_and_never_in_the_future() {
    // RFC 9110 §8.8.2.1.
    let now = modified() + Duration::from_secs(10);
    let lm = last_modified(modified() + Duration::from_millis(700), now);
    assert_eq!(lm, modified());
    assert_eq!(last_modified(now + Duration::from_secs(86_400), now), now);
    let before_1970 = UNIX_EPOCH - Duration::from_millis(1500);
    assert_eq!(
        last_modified(before_1970, now),
        UNIX_EPOCH - Duration::from_secs(2)
    );
}

// --- entity-tag lists (RFC 9110 §8.8.3, §5.6.1.2) ---

#[test]
fn tag_lists_parse() {
    let TagList::Tags(tags) = TagList::parse(r#" "a" ,W/"b",,, "" , "x,y" "#).unwrap() else {
        panic!("expected tags");
    };
    let seen: Vec<(bool, &str)> = tags.iter().map(|t| (t.weak, t.opaque)).collect();
    assert_eq!(
        seen,
        [(false, "a"), (true, "b"), (false, ""), (false, "x,y")]
    );
}

#[test]
fn invalid_tag_lists_are_none() {
    for text in [
        "",
        " , ,",
        "a",
        r#""a"#,
        r#"w/"a""#,   // W is upper case
        r#"W/ "a""#,  // nothing between W/ and the quote
        r#""a" "b""#, // no comma
        r#""a"b"#,
        r#"*, "a""#, // * stands alone
        "**",
        "\"a\u{7f}\"", // DEL is not an etagc
        "\"a b\"",     // nor is a space
    ] {
        assert_eq!(TagList::parse(text), None, "{text:?}");
    }
}

#[test]
fn obs_text_is_allowed_in_tags() {
    assert_eq!(
        EntityTag::parse("\"caf\u{e9}\"").map(|t| t.opaque),
        Some("caf\u{e9}")
    );
}

// --- §13.1.1 If-Match: strong comparison; false is 412 ---

#[test]
fn if_match_star_proceeds_for_an_existing_resource() {
    assert_eq!(get(if_match("*")), Outcome::Proceed);
}

#[test]
fn if_match_with_the_current_tag_proceeds() {
    assert_eq!(get(if_match(ETAG)), Outcome::Proceed);
    assert_eq!(
        get(if_match(&format!(r#""other", {ETAG}"#))),
        Outcome::Proceed
    );
}

#[test]
fn if_match_with_another_tag_fails() {
    assert_eq!(get(if_match(r#""other""#)), Outcome::PreconditionFailed);
    assert_eq!(put(if_match(r#""other""#)), Outcome::PreconditionFailed);
}

#[test]
fn if_match_uses_the_strong_comparison() {
    // W/"2ebc98a1-1a2b" has our opaque text but is weak: never a strong match.
    assert_eq!(
        get(if_match(&format!("W/{ETAG}"))),
        Outcome::PreconditionFailed
    );
}

#[test]
fn if_match_that_does_not_parse_fails() {
    assert_eq!(get(if_match("2ebc98a1-1a2b")), Outcome::PreconditionFailed);
}

// --- §13.1.4 If-Unmodified-Since (§13.2.2 step 2) ---

#[test]
fn if_unmodified_since_at_or_after_the_date_proceeds() {
    assert_eq!(put(if_unmodified_since(MODIFIED)), Outcome::Proceed);
    assert_eq!(put(if_unmodified_since(AFTER)), Outcome::Proceed);
}

#[test]
fn if_unmodified_since_before_the_date_fails() {
    assert_eq!(
        put(if_unmodified_since(BEFORE)),
        Outcome::PreconditionFailed
    );
    assert_eq!(
        get(if_unmodified_since(BEFORE)),
        Outcome::PreconditionFailed
    );
}

#[test]
fn if_unmodified_since_is_ignored_when_if_match_is_present() {
    let headers = Preconditions {
        if_match: Some(ETAG),
        if_unmodified_since: Some(BEFORE),
        ..Default::default()
    };
    assert_eq!(put(headers), Outcome::Proceed);
}

#[test]
fn if_unmodified_since_that_is_not_a_date_is_ignored() {
    assert_eq!(put(if_unmodified_since("yesterday")), Outcome::Proceed);
    assert_eq!(
        put(if_unmodified_since(&format!("{BEFORE}, {AFTER}"))),
        Outcome::Proceed
    );
}

// --- §13.1.2 If-None-Match: weak comparison; false is 304 for GET/HEAD, 412 otherwise ---

#[test]
fn if_none_match_with_the_current_tag_is_not_modified() {
    assert_eq!(get(if_none_match(ETAG)), Outcome::NotModified);
    assert_eq!(
        get(if_none_match(&format!(r#""x", {ETAG}"#))),
        Outcome::NotModified
    );
}

#[test]
fn if_none_match_uses_the_weak_comparison() {
    assert_eq!(
        get(if_none_match(&format!("W/{ETAG}"))),
        Outcome::NotModified
    );
}

#[test]
fn if_none_match_star_is_not_modified() {
    assert_eq!(get(if_none_match("*")), Outcome::NotModified);
}

#[test]
fn if_none_match_for_other_methods_fails() {
    assert_eq!(put(if_none_match(ETAG)), Outcome::PreconditionFailed);
    assert_eq!(put(if_none_match("*")), Outcome::PreconditionFailed);
}

#[test]
fn if_none_match_with_other_tags_proceeds() {
    assert_eq!(get(if_none_match(r#""old", W/"older""#)), Outcome::Proceed);
    assert_eq!(get(if_none_match("not a list")), Outcome::Proceed);
}

// --- §13.1.3 If-Modified-Since (§13.2.2 step 4) ---

#[test]
fn if_modified_since_at_or_after_the_date_is_not_modified() {
    assert_eq!(get(if_modified_since(MODIFIED)), Outcome::NotModified);
    assert_eq!(get(if_modified_since(AFTER)), Outcome::NotModified);
}

#[test]
fn if_modified_since_before_the_date_proceeds() {
    assert_eq!(get(if_modified_since(BEFORE)), Outcome::Proceed);
}

#[test]
fn if_modified_since_compares_whole_seconds() {
    // The file's time has a fraction; the date in the header cannot.
    let headers = if_modified_since(MODIFIED);
    let modified = modified() + Duration::from_millis(999);
    assert_eq!(
        evaluate(true, &headers, ETAG, modified),
        Outcome::NotModified
    );
}

#[test]
fn if_modified_since_accepts_the_obsolete_forms() {
    assert_eq!(
        get(if_modified_since("Sun Nov  6 08:49:37 1994")),
        Outcome::NotModified
    );
    assert_eq!(
        get(if_modified_since("Sunday, 06-Nov-94 08:49:37 GMT")),
        Outcome::NotModified
    );
}

#[test]
fn if_modified_since_is_only_for_get_and_head() {
    assert_eq!(put(if_modified_since(AFTER)), Outcome::Proceed);
}

#[test]
fn if_modified_since_that_is_not_a_date_is_ignored() {
    assert_eq!(get(if_modified_since("Sun, 06 Nov 1994")), Outcome::Proceed);
}

// --- §13.2.2: the order ---

#[test]
fn if_none_match_takes_precedence_over_if_modified_since() {
    // The tag differs (the file changed), though the date says it did not: 200.
    let headers = Preconditions {
        if_none_match: Some(r#""old""#),
        if_modified_since: Some(AFTER),
        ..Default::default()
    };
    assert_eq!(get(headers), Outcome::Proceed);
}

#[test]
fn if_match_is_evaluated_before_if_none_match() {
    let headers = Preconditions {
        if_match: Some(r#""old""#),
        if_none_match: Some(ETAG),
        ..Default::default()
    };
    assert_eq!(get(headers), Outcome::PreconditionFailed);
}

#[test]
fn if_unmodified_since_is_evaluated_before_if_modified_since() {
    let headers = Preconditions {
        if_unmodified_since: Some(BEFORE),
        if_modified_since: Some(AFTER),
        ..Default::default()
    };
    assert_eq!(get(headers), Outcome::PreconditionFailed);
}

#[test]
fn all_four_passing_proceed() {
    let headers = Preconditions {
        if_match: Some(ETAG),
        if_none_match: Some(r#""old""#),
        if_modified_since: Some(BEFORE),
        if_unmodified_since: Some(AFTER),
    };
    assert_eq!(get(headers), Outcome::Proceed);
}

#[test]
fn outcomes_name_their_status() {
    assert_eq!(Outcome::Proceed.status(), None);
    assert_eq!(
        Outcome::NotModified.status(),
        Some(StatusCode::NOT_MODIFIED)
    );
    assert_eq!(
        Outcome::PreconditionFailed.status(),
        Some(StatusCode::PRECONDITION_FAILED)
    );
}

proptest! {
    #[test]
    fn tag_list_parsing_never_panics(text in "\\PC{0,60}") {
        let _ = TagList::parse(&text);
    }

    #[test]
    fn evaluate_never_panics(
        a in proptest::option::of("\\PC{0,40}"),
        b in proptest::option::of("[ \"W/*,a-z0-9]{0,30}"),
        c in proptest::option::of("\\PC{0,40}"),
        d in proptest::option::of("\\PC{0,40}"),
        get_or_head: bool,
    ) {
        let headers = Preconditions {
            if_match: a.as_deref(),
            if_none_match: b.as_deref(),
            if_modified_since: c.as_deref(),
            if_unmodified_since: d.as_deref(),
        };
        let _ = evaluate(get_or_head, &headers, ETAG, modified());
    }

    #[test]
    fn written_lists_parse_back(tags in proptest::collection::vec(("[!#-~]{0,12}", any::<bool>()), 1..6)) {
        // etagc without the quote: "!" and "#" to "~".
        let text = tags
            .iter()
            .map(|(opaque, weak)| format!("{}\"{opaque}\"", if *weak { "W/" } else { "" }))
            .collect::<Vec<_>>()
            .join(" , ");
        let parsed = TagList::parse(&text);
        prop_assume!(text.trim() != "*");
        let Some(TagList::Tags(parsed)) = parsed else {
            return Err(TestCaseError::fail(format!("{text:?} did not parse")));
        };
        let parsed: Vec<(String, bool)> = parsed.iter().map(|t| (t.opaque.to_string(), t.weak)).collect();
        prop_assert_eq!(parsed, tags);
    }
}
