use super::*;
use crate::date::format_http_date;
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

const ETAG: &str = r#""5f5e100-1a""#;
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz";

fn modified() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(100_000_000)
}

fn file(len: u64) -> Representation<'static> {
    Representation {
        len,
        etag: ETAG,
        last_modified: modified(),
        content_type: "text/plain",
    }
}

fn plan_for(range: &str, len: u64) -> RangePlan {
    plan(Some(range), None, &file(len))
}

fn single(start: u64, end_inclusive: u64, len: u64) -> RangePlan {
    RangePlan::Single {
        start,
        end_inclusive,
        content_range: format!("bytes {start}-{end_inclusive}/{len}"),
    }
}

fn unsatisfiable(len: u64) -> RangePlan {
    RangePlan::Unsatisfiable {
        content_range: format!("bytes */{len}"),
    }
}

/// The ranges of a plan, in the order they would be sent.
fn ranges_of(plan: &RangePlan) -> Vec<(u64, u64)> {
    match plan {
        RangePlan::Single {
            start,
            end_inclusive,
            ..
        } => vec![(*start, *end_inclusive)],
        RangePlan::Multi(multi) => multi
            .parts
            .iter()
            .map(|part| (part.range.start, part.range.end_inclusive))
            .collect(),
        _ => Vec::new(),
    }
}

/// The body a server sends for `multi` over `content`, as one buffer.
fn assemble(multi: &Multipart, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in &multi.parts {
        body.extend_from_slice(part.header.as_bytes());
        body.extend_from_slice(
            &content[part.range.start as usize..=part.range.end_inclusive as usize],
        );
    }
    body.extend_from_slice(multi.closing.as_bytes());
    body
}

// --- the forms of §14.1.2 ---

#[test]
fn a_first_and_last_position() {
    assert_eq!(plan_for("bytes=0-499", 10_000), single(0, 499, 10_000));
    assert_eq!(plan_for("bytes=500-999", 10_000), single(500, 999, 10_000));
}

#[test]
fn an_open_range_runs_to_the_end() {
    assert_eq!(plan_for("bytes=9500-", 10_000), single(9500, 9999, 10_000));
}

#[test]
fn a_last_position_past_the_end_is_the_end() {
    assert_eq!(
        plan_for("bytes=9500-20000", 10_000),
        single(9500, 9999, 10_000)
    );
    assert_eq!(
        plan_for("bytes=0-99999999999999999999999", 10),
        single(0, 9, 10)
    );
}

#[test]
fn a_suffix_is_the_last_bytes() {
    assert_eq!(plan_for("bytes=-500", 10_000), single(9500, 9999, 10_000));
}

#[test]
fn a_suffix_longer_than_the_file_is_the_file() {
    assert_eq!(plan_for("bytes=-500", 26), single(0, 25, 26));
}

#[test]
fn the_unit_is_case_insensitive_and_whitespace_around_elements_is_allowed() {
    assert_eq!(plan_for("BYTES=0-0", 26), single(0, 0, 26));
    // RFC 9110 §14.1.2's own example has a space after the "=".
    assert_eq!(
        ranges_of(&plan_for("bytes= 0-0, 5-6 ,, -1", 26)),
        [(0, 0), (5, 6), (25, 25)]
    );
}

// --- ignored: 200 with the whole file (§14.2) ---

#[test]
fn no_range_is_whole() {
    assert_eq!(plan(None, None, &file(26)), RangePlan::Whole);
}

#[test]
fn another_unit_is_ignored() {
    assert_eq!(plan_for("items=0-5", 26), RangePlan::Whole);
    assert_eq!(plan_for("bytes 0-5", 26), RangePlan::Whole);
}

#[test]
fn syntax_errors_are_ignored() {
    for value in [
        "bytes=",
        "bytes=,",
        "bytes=-",
        "bytes=a-b",
        "bytes=1",
        "bytes=1-2-3",
        "bytes=+1-2",
        "bytes=--1",
        "bytes=0-0,x",
        "bytes = 0-0",
        "bytes=0 -1",
        "=0-1",
        "",
    ] {
        assert_eq!(plan_for(value, 26), RangePlan::Whole, "{value:?}");
    }
}

#[test]
fn a_last_before_its_first_makes_the_header_invalid() {
    // §14.1.1: that range-spec is invalid, so the ranges-specifier is: ignored, not 416.
    assert_eq!(plan_for("bytes=9-5", 26), RangePlan::Whole);
    assert_eq!(plan_for("bytes=0-0,9-5", 26), RangePlan::Whole);
}

// --- unsatisfiable: 416 with bytes */LEN (§15.5.17) ---

#[test]
fn a_first_at_or_past_the_end_is_unsatisfiable() {
    assert_eq!(plan_for("bytes=26-", 26), unsatisfiable(26));
    assert_eq!(plan_for("bytes=1000-2000", 26), unsatisfiable(26));
    assert_eq!(
        plan_for("bytes=99999999999999999999999-", 26),
        unsatisfiable(26)
    );
}

#[test]
fn a_zero_suffix_is_unsatisfiable() {
    assert_eq!(plan_for("bytes=-0", 26), unsatisfiable(26));
}

#[test]
fn unsatisfiable_ranges_are_dropped_when_another_is_satisfiable() {
    assert_eq!(plan_for("bytes=100-200,0-1", 26), single(0, 1, 26));
}

#[test]
fn every_range_of_an_empty_file_is_unsatisfiable() {
    for value in ["bytes=0-", "bytes=0-0", "bytes=-1", "bytes=-0"] {
        assert_eq!(plan_for(value, 0), unsatisfiable(0), "{value}");
    }
}

// --- several ranges: multipart/byteranges (§14.6) ---

#[test]
fn first_and_last_byte_are_two_parts_byte_for_byte() {
    let ranges = [
        ByteRange {
            start: 0,
            end_inclusive: 0,
        },
        ByteRange {
            start: 25,
            end_inclusive: 25,
        },
    ];
    let multi = Multipart::new(&ranges, 26, "text/plain", "THIS_STRING_SEPARATES");
    let body = assemble(&multi, ALPHABET);
    let expected = b"--THIS_STRING_SEPARATES\r\n\
Content-Type: text/plain\r\n\
Content-Range: bytes 0-0/26\r\n\
\r\n\
a\r\n\
--THIS_STRING_SEPARATES\r\n\
Content-Type: text/plain\r\n\
Content-Range: bytes 25-25/26\r\n\
\r\n\
z\r\n\
--THIS_STRING_SEPARATES--\r\n";
    assert_eq!(
        String::from_utf8_lossy(&body),
        String::from_utf8_lossy(expected)
    );
    assert_eq!(multi.content_length, expected.len() as u64);
    assert_eq!(
        multi.content_type,
        "multipart/byteranges; boundary=THIS_STRING_SEPARATES"
    );
}

#[test]
fn three_parts_with_long_ranges_byte_for_byte() {
    let ranges = [
        ByteRange {
            start: 10,
            end_inclusive: 12,
        },
        ByteRange {
            start: 0,
            end_inclusive: 1,
        },
        ByteRange {
            start: 20,
            end_inclusive: 25,
        },
    ];
    let multi = Multipart::new(&ranges, 26, "application/octet-stream", "b");
    let body = assemble(&multi, ALPHABET);
    let expected =
        "--b\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 10-12/26\r\n\r\nklm\
\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 0-1/26\r\n\r\nab\
\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes 20-25/26\r\n\r\nuvwxyz\
\r\n--b--\r\n";
    assert_eq!(String::from_utf8_lossy(&body), expected);
    assert_eq!(multi.content_length, expected.len() as u64);
}

#[test]
fn an_empty_media_type_leaves_the_line_out() {
    let ranges = [
        ByteRange {
            start: 0,
            end_inclusive: 0,
        },
        ByteRange {
            start: 2,
            end_inclusive: 2,
        },
    ];
    let multi = Multipart::new(&ranges, 3, "", "B");
    assert_eq!(
        multi.parts[1].header,
        "\r\n--B\r\nContent-Range: bytes 2-2/3\r\n\r\n"
    );
}

#[test]
fn the_plan_for_first_and_last_byte_is_multipart() {
    let RangePlan::Multi(multi) = plan_for("bytes=0-0,-1", 26) else {
        panic!("expected multipart");
    };
    assert_eq!(
        ranges_of(&RangePlan::Multi(multi.clone())),
        [(0, 0), (25, 25)]
    );
    assert_eq!(
        multi.content_length,
        assemble(&multi, ALPHABET).len() as u64
    );
    assert!(multi.content_type.ends_with(&multi.boundary));
}

#[test]
fn parts_keep_the_clients_order() {
    // §15.3.7.2: the parts in the order of the range-specs.
    assert_eq!(
        ranges_of(&plan_for("bytes=20-21,0-1,10-11", 26)),
        [(20, 21), (0, 1), (10, 11)]
    );
}

#[test]
fn boundaries_differ_between_responses() {
    let a = next_boundary();
    let b = next_boundary();
    assert_ne!(a, b);
    assert_eq!(a.len(), 24);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
}

// --- coalescing and the guards (§14.2, §15.3.7.2, CVE-2011-3192) ---

#[test]
fn adjacent_ranges_are_merged() {
    assert_eq!(plan_for("bytes=0-9,10-19", 26), single(0, 19, 26));
}

#[test]
fn two_overlapping_ranges_are_merged() {
    assert_eq!(plan_for("bytes=0-9,5-14", 26), single(0, 14, 26));
    assert_eq!(plan_for("bytes=0-0,0-0", 26), single(0, 0, 26));
    // The merged part takes the place of its first range.
    assert_eq!(
        ranges_of(&plan_for("bytes=20-25,5-9,0-6", 26)),
        [(20, 25), (0, 9)]
    );
}

#[test]
fn more_than_two_overlapping_ranges_are_ignored() {
    assert_eq!(plan_for("bytes=0-9,5-14,8-20", 26), RangePlan::Whole);
}

#[test]
fn the_killer_range_request_is_ignored() {
    // The shape of the 2011 attack tool: "0-" then hundreds of "5-N".
    let mut value = String::from("bytes=0-");
    for n in 0..1300 {
        value.push_str(&format!(",5-{n}"));
    }
    assert_eq!(plan_for(&value, 100_000), RangePlan::Whole);
    // Fewer, still overlapping: ignored as well.
    assert_eq!(
        plan_for("bytes=0-,5-0,5-1,5-2,5-3", 100_000),
        RangePlan::Whole
    );
}

#[test]
fn at_most_sixteen_parts() {
    let list = |count: u64| {
        let specs: Vec<String> = (0..count)
            .map(|i| format!("{}-{}", i * 10, i * 10 + 1))
            .collect();
        format!("bytes={}", specs.join(","))
    };
    assert_eq!(ranges_of(&plan_for(&list(16), 1000)).len(), 16);
    assert_eq!(plan_for(&list(17), 1000), RangePlan::Whole);
}

#[test]
fn many_specs_that_merge_to_one_part_are_fine_up_to_the_limit() {
    // 64 adjacent one-byte ranges: no overlap, one part.
    let specs: Vec<String> = (0..64).map(|i| format!("{i}-{i}")).collect();
    assert_eq!(
        plan_for(&format!("bytes={}", specs.join(",")), 100),
        single(0, 63, 100)
    );
    // One more spec than MAX_RANGE_SPECS: ignored, unread.
    let specs: Vec<String> = (0..65).map(|i| format!("{i}-{i}")).collect();
    assert_eq!(
        plan_for(&format!("bytes={}", specs.join(",")), 100),
        RangePlan::Whole
    );
}

// --- If-Range (§13.1.5) ---

#[test]
fn if_range_with_the_current_tag_keeps_the_range() {
    assert_eq!(
        plan(Some("bytes=0-0"), Some(ETAG), &file(26)),
        single(0, 0, 26)
    );
}

#[test]
fn if_range_with_another_tag_sends_the_whole_file() {
    assert_eq!(
        plan(Some("bytes=0-0"), Some(r#""other""#), &file(26)),
        RangePlan::Whole
    );
}

#[test]
fn if_range_with_a_weak_tag_sends_the_whole_file() {
    let weak = format!("W/{ETAG}");
    assert_eq!(
        plan(Some("bytes=0-0"), Some(&weak), &file(26)),
        RangePlan::Whole
    );
}

#[test]
fn if_range_with_the_exact_date_keeps_the_range() {
    let date = format_http_date(modified());
    assert_eq!(
        plan(Some("bytes=0-0"), Some(date.as_str()), &file(26)),
        single(0, 0, 26)
    );
}

#[test]
fn if_range_with_another_date_sends_the_whole_file() {
    // Even a later date: If-Range asks "unchanged?", and only equality says yes.
    let later = format_http_date(modified() + Duration::from_secs(1));
    let earlier = format_http_date(modified() - Duration::from_secs(1));
    assert_eq!(
        plan(Some("bytes=0-0"), Some(later.as_str()), &file(26)),
        RangePlan::Whole
    );
    assert_eq!(
        plan(Some("bytes=0-0"), Some(earlier.as_str()), &file(26)),
        RangePlan::Whole
    );
}

#[test]
fn if_range_that_is_neither_is_false() {
    assert_eq!(
        plan(Some("bytes=0-0"), Some("tomorrow"), &file(26)),
        RangePlan::Whole
    );
    assert_eq!(
        plan(Some("bytes=0-0"), Some(""), &file(26)),
        RangePlan::Whole
    );
}

#[test]
fn if_range_compares_whole_seconds() {
    let date = format_http_date(modified());
    let file = Representation {
        last_modified: modified() + Duration::from_millis(400),
        ..file(26)
    };
    assert!(if_range_holds(date.as_str(), ETAG, file.last_modified));
}

// --- properties ---

fn check_plan(plan: &RangePlan, len: u64) -> Result<(), TestCaseError> {
    match plan {
        RangePlan::Whole => {}
        RangePlan::Unsatisfiable { content_range } => {
            prop_assert_eq!(content_range, &format!("bytes */{len}"));
        }
        RangePlan::Single {
            start,
            end_inclusive,
            content_range,
        } => {
            prop_assert!(start <= end_inclusive && *end_inclusive < len);
            prop_assert_eq!(
                content_range,
                &format!("bytes {start}-{end_inclusive}/{len}")
            );
        }
        RangePlan::Multi(multi) => {
            prop_assert!((2..=MAX_PARTS).contains(&multi.parts.len()));
            let mut sorted: Vec<ByteRange> = multi.parts.iter().map(|p| p.range).collect();
            sorted.sort_by_key(|r| r.start);
            for range in &sorted {
                prop_assert!(range.start <= range.end_inclusive && range.end_inclusive < len);
            }
            // Merged: no byte twice, not even touching.
            for pair in sorted.windows(2) {
                prop_assert!(pair[0].end_inclusive + 1 < pair[1].start);
            }
            let expected: u64 = multi
                .parts
                .iter()
                .map(|p| p.header.len() as u64 + p.range.byte_count())
                .sum::<u64>()
                + multi.closing.len() as u64;
            prop_assert_eq!(multi.content_length, expected);
        }
    }
    Ok(())
}

fn spec() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..300, 0u64..300).prop_map(|(a, b)| format!("{a}-{b}")),
        (0u64..300).prop_map(|a| format!("{a}-")),
        (0u64..300).prop_map(|n| format!("-{n}")),
        Just(String::new()),
        Just(" ".to_string()),
    ]
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(value in "\\PC{0,80}", len in 0u64..1000) {
        let plan = plan(Some(&value), None, &file(len));
        check_plan(&plan, len)?;
    }

    #[test]
    fn planned_ranges_lie_inside_the_file(specs in proptest::collection::vec(spec(), 1..24), len in 0u64..400) {
        let value = format!("bytes={}", specs.join(","));
        let plan = plan(Some(&value), None, &file(len));
        check_plan(&plan, len)?;
        if len == 0 && plan != RangePlan::Whole {
            prop_assert_eq!(plan, unsatisfiable(0));
        }
    }

    #[test]
    fn planned_ranges_lie_inside_huge_files(first in any::<u64>(), last in any::<u64>(), suffix in any::<u64>(), len in any::<u64>()) {
        let value = format!("bytes={first}-{last},-{suffix},{first}-");
        check_plan(&plan(Some(&value), None, &file(len)), len)?;
    }

    #[test]
    fn if_range_never_panics(value in "\\PC{0,40}") {
        let _ = plan(Some("bytes=0-0"), Some(&value), &file(10));
    }
}
