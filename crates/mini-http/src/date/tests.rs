use super::*;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// RFC 9110's own example moment: Sun, 06 Nov 1994 08:49:37 GMT.
const EXAMPLE: i64 = 784_111_777;

fn at(seconds: i64) -> SystemTime {
    from_unix_seconds(seconds).unwrap()
}

fn seconds_of(text: &str) -> Option<i64> {
    parse_http_date(text).map(unix_seconds)
}

#[test]
fn formats_the_rfc_example() {
    assert_eq!(
        format_http_date(at(EXAMPLE)).as_str(),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
}

#[test]
fn reads_the_three_forms_of_the_rfc_example() {
    // RFC 9110 §5.6.7 shows the same moment in all three forms.
    assert_eq!(seconds_of("Sun, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
    assert_eq!(seconds_of("Sunday, 06-Nov-94 08:49:37 GMT"), Some(EXAMPLE));
    assert_eq!(seconds_of("Sun Nov  6 08:49:37 1994"), Some(EXAMPLE));
}

#[test]
fn asctime_day_may_be_zero_padded() {
    assert_eq!(seconds_of("Sun Nov 06 08:49:37 1994"), Some(EXAMPLE));
}

#[test]
fn surrounding_whitespace_is_ignored() {
    assert_eq!(
        seconds_of(" \tSun, 06 Nov 1994 08:49:37 GMT "),
        Some(EXAMPLE)
    );
}

#[test]
fn invalid_dates_are_none() {
    for text in [
        "",
        "Sun, 06 Nov 1994 08:49:37 UTC",  // only GMT
        "sun, 06 Nov 1994 08:49:37 GMT",  // case-sensitive (§5.6.7)
        "Sun, 06 nov 1994 08:49:37 GMT",  // case-sensitive
        "Sun, 6 Nov 1994 08:49:37 GMT",   // day is 2DIGIT
        "Sun, 06 Nov 94 08:49:37 GMT",    // fixdate year is 4DIGIT
        "Sun, 31 Nov 1994 08:49:37 GMT",  // November has 30 days
        "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 was not a leap year
        "Sun, 00 Nov 1994 08:49:37 GMT",  // no day 0
        "Sun, 06 Nov 1994 24:00:00 GMT",  // hour 00-23
        "Sun, 06 Nov 1994 08:60:00 GMT",  // minute 00-59
        "Sun, 06 Nov 1994 08:49:61 GMT",  // second 00-60
        "Sun, 06 Nov 1994 08:49:+7 GMT",  // digits only
        "Xyz, 06 Nov 1994 08:49:37 GMT",  // not a day name
        "Sun,  06 Nov 1994 08:49:37 GMT", // one space only
        "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT", // a list
        "Sun, 06 Nov 1994 08:49:37",      // no zone
        "Sun, 06-Nov-94 08:49:37 GMT",    // RFC 850 needs the full day name
        "Sunday, 06-Nov-1994 08:49:37 GMT", // ... and a two-digit year
        "Sun Nov  6 08:49:37 94",         // asctime year is 4DIGIT
        "Sun Nov 6 08:49:37 1994",        // asctime pads the day
        "784111777",
        "Sun, 06 Nov 1994 08:49:37 GMTé",
        "é, 06 Nov 1994 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(text), None, "{text:?}");
    }
}

#[test]
fn the_day_name_is_not_checked_against_the_date() {
    // 06 Nov 1994 was a Sunday; a sender that says Monday still meant the 6th.
    assert_eq!(seconds_of("Mon, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE));
}

#[test]
fn a_leap_second_is_the_next_second() {
    assert_eq!(
        seconds_of("Sat, 31 Dec 2016 23:59:60 GMT"),
        seconds_of("Sun, 01 Jan 2017 00:00:00 GMT")
    );
}

#[test]
fn leap_years_follow_the_gregorian_rules() {
    assert!(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT").is_some()); // divisible by 400
    assert!(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").is_some()); // divisible by 4
    assert!(parse_http_date("Thu, 29 Feb 2100 00:00:00 GMT").is_none()); // by 100, not 400
    assert!(parse_http_date("Sat, 29 Feb 2025 00:00:00 GMT").is_none());
}

#[test]
fn times_before_1970_format_and_parse() {
    assert_eq!(
        format_http_date(at(-1)).as_str(),
        "Wed, 31 Dec 1969 23:59:59 GMT"
    );
    assert_eq!(
        format_http_date(at(-86_400 * 365)).as_str(),
        "Wed, 01 Jan 1969 00:00:00 GMT"
    );
    assert_eq!(seconds_of("Wed, 31 Dec 1969 23:59:59 GMT"), Some(-1));
    assert_eq!(
        seconds_of("Mon, 01 Jan 0001 00:00:00 GMT"),
        Some(-62_135_596_800)
    );
}

#[test]
fn fractions_of_a_second_round_down() {
    let later = at(EXAMPLE) + Duration::from_millis(999);
    assert_eq!(unix_seconds(later), EXAMPLE);
    let earlier = UNIX_EPOCH - Duration::from_nanos(1);
    assert_eq!(unix_seconds(earlier), -1);
    assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(2)), -2);
}

#[test]
fn formatting_clamps_to_four_digit_years() {
    assert_eq!(
        format_http_date(at(i64::MAX / 2)).as_str(),
        "Fri, 31 Dec 9999 23:59:59 GMT"
    );
    assert_eq!(
        format_http_date(at(-100_000_000_000)).as_str(),
        "Sat, 01 Jan 0000 00:00:00 GMT"
    );
}

#[test]
fn two_digit_years_more_than_50_years_ahead_are_in_the_past() {
    // RFC 9110 §5.6.7, read on 2025-06-15 12:00:00.
    let now = parse_http_date("Sun, 15 Jun 2025 12:00:00 GMT").unwrap();
    let year = |text: &str| {
        let seconds = unix_seconds(parse_http_date_at(text, now).unwrap());
        civil_from_days(seconds.div_euclid(SECONDS_PER_DAY)).0
    };
    assert_eq!(year("Sunday, 06-Nov-94 08:49:37 GMT"), 1994);
    assert_eq!(year("Monday, 01-Jan-25 00:00:00 GMT"), 2025);
    assert_eq!(year("Monday, 01-Jan-75 00:00:00 GMT"), 2075); // 49.5 years ahead
    assert_eq!(year("Monday, 15-Jun-75 12:00:00 GMT"), 2075); // exactly 50: not more
    assert_eq!(year("Monday, 15-Jun-75 12:00:01 GMT"), 1975); // one second more
    assert_eq!(year("Monday, 01-Dec-75 00:00:00 GMT"), 1975);
    assert_eq!(year("Monday, 01-Jan-99 00:00:00 GMT"), 1999);
}

#[test]
fn the_two_digit_year_window_slides_past_a_century() {
    // Read in 2099, "00" is 2100 (one year ahead), not 2000 (99 years ago).
    let now = parse_http_date("Thu, 01 Jan 2099 00:00:00 GMT").unwrap();
    let parsed = parse_http_date_at("Friday, 01-Jan-00 00:00:00 GMT", now).unwrap();
    assert_eq!(
        format_http_date(parsed).as_str(),
        "Fri, 01 Jan 2100 00:00:00 GMT"
    );
}

#[test]
fn civil_arithmetic_matches_known_days() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(1600, 1, 1), -135_140);
}

#[test]
fn the_cache_reuses_the_text_of_the_same_second() {
    let cache = DateCache::new();
    let first = cache.at(at(EXAMPLE));
    let same_second = cache.at(at(EXAMPLE) + Duration::from_millis(900));
    assert_eq!(first, same_second);
    assert_eq!(cache.at(at(EXAMPLE + 1)), format_http_date(at(EXAMPLE + 1)));
    // Going back in time (a clock step) is just another second.
    assert_eq!(cache.at(at(EXAMPLE)), first);
}

#[test]
fn the_cache_is_shared_between_threads() {
    let cache = DateCache::new();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let cache = &cache;
            scope.spawn(move || {
                for i in 0..1000 {
                    let second = EXAMPLE + (thread * 1000 + i) % 7;
                    assert_eq!(cache.at(at(second)), format_http_date(at(second)));
                }
            });
        }
    });
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(seconds in -62_167_219_200i64..=253_402_300_799) {
        // Every whole second from 0000-01-01 to 9999-12-31.
        let text = format_http_date(at(seconds));
        prop_assert_eq!(text.as_str().len(), FIXDATE_LEN);
        prop_assert_eq!(seconds_of(text.as_str()), Some(seconds));
    }

    #[test]
    fn the_three_forms_agree(seconds in -2_208_988_800i64..=4_102_444_799) {
        // 1900 to 2099, read in 2025 so that every two-digit year is the one meant... when
        // it lies within 50 years of now; otherwise the RFC 850 form names another century.
        let fixdate = format_http_date(at(seconds));
        let text = fixdate.as_str();
        let days = seconds.div_euclid(SECONDS_PER_DAY);
        let (year, _, day) = civil_from_days(days);
        let long_day = LONG_DAY_NAMES[(days + 4).rem_euclid(7) as usize];
        // "Sun, 06 Nov 1994 08:49:37 GMT" -> "Sun Nov  6 08:49:37 1994"
        let asctime = format!("{} {} {:>2} {} {}", &text[..3], &text[8..11], day, &text[17..25], year);
        prop_assert_eq!(seconds_of(&asctime), Some(seconds));
        // -> "Sunday, 06-Nov-94 08:49:37 GMT"
        let rfc850 = format!("{long_day}, {}-{}-{:02} {} GMT", &text[5..7], &text[8..11], year % 100, &text[17..25]);
        let now = parse_http_date("Sun, 15 Jun 2025 12:00:00 GMT").unwrap();
        let parsed = unix_seconds(parse_http_date_at(&rfc850, now).unwrap());
        let parsed_year = civil_from_days(parsed.div_euclid(SECONDS_PER_DAY)).0;
        prop_assert_eq!(parsed_year.rem_euclid(100), year.rem_euclid(100));
        prop_assert!((1975..=2075).contains(&parsed_year));
        if (1976..=2074).contains(&year) {
            prop_assert_eq!(parsed, seconds);
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let _ = parse_http_date(&text);
    }

    #[test]
    fn parsing_date_shaped_text_never_panics(text in "[A-Za-z]{3,9}[, ][ 0-9A-Za-z:-]{18,26}") {
        let _ = parse_http_date(&text);
    }
}

/// CPython's `email.utils.formatdate(ts, usegmt=True)` is the oracle: both must write the same
/// text for a few hundred timestamps from 1900 to 9999. Skipped without python3.
#[test]
fn formatting_agrees_with_python() {
    let mut child = match Command::new("python3")
        .args([
            "-c",
            "import sys, email.utils\n\
             for line in sys.stdin:\n    \
                 print(email.utils.formatdate(int(line), usegmt=True))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(_) => {
            eprintln!("formatting_agrees_with_python: skipped: python3 not found");
            return;
        }
    };

    // A fixed xorshift sequence: the same timestamps on every run, spread over the range.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let (low, high) = (-2_208_988_800i64, 253_402_300_799i64);
    let mut stamps = vec![0, -1, EXAMPLE, 951_782_400, high];
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        stamps.push(low + (state % (high - low) as u64) as i64);
    }
    let input: String = stamps.iter().map(|s| format!("{s}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python3 failed");
    let python = String::from_utf8(output.stdout).unwrap();

    let lines: Vec<&str> = python.lines().collect();
    assert_eq!(lines.len(), stamps.len());
    for (stamp, line) in stamps.iter().zip(lines) {
        assert_eq!(
            format_http_date(at(*stamp)).as_str(),
            line,
            "timestamp {stamp}"
        );
        assert_eq!(seconds_of(line), Some(*stamp), "parsing {line:?}");
    }
}
