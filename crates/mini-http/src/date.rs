//! HTTP dates: the `Date`, `Last-Modified` and `If-Modified-Since` values (RFC 9110 §5.6.7).
//!
//! HTTP writes a moment as text, always in GMT, in one fixed-width form:
//!
//! ```text
//! Sun, 06 Nov 1994 08:49:37 GMT      IMF-fixdate: the only form a sender may generate
//! Sunday, 06-Nov-94 08:49:37 GMT     obsolete RFC 850 form, with a two-digit year
//! Sun Nov  6 08:49:37 1994           obsolete ANSI C asctime() form
//! ```
//!
//! RFC 9110 §5.6.7: "A recipient that parses a timestamp value in an HTTP field MUST accept
//! all three HTTP-date formats", and a sender "MUST generate" IMF-fixdate. So
//! [`format_http_date`] writes one form and [`parse_http_date`] reads all three. A value that
//! is none of them is `None`: the header that carried it is then ignored, which is what the
//! RFC asks of `If-Modified-Since` and its siblings (§13.1.3, §13.1.4).
//!
//! ## No date library
//!
//! Turning seconds since 1970 into a calendar date is a few lines of integer arithmetic:
//! `civil_from_days` and `days_from_civil` are Howard Hinnant's algorithms, which count
//! in 400-year eras (the Gregorian calendar repeats exactly every 146,097 days) and start the
//! year in March, so that February's odd length falls at the end. They work for days before
//! 1970 too: a file dated 1960 does not make the server panic.
//!
//! ## What is chosen here where the RFC leaves room
//!
//! - The day name is checked to be a day name, not checked against the date: a sender whose
//!   weekday is wrong still meant the date it wrote (nginx reads dates the same way).
//! - A leap second (`23:59:60`, which the grammar allows) is read as the next second, which is
//!   how POSIX time counts it.
//! - A two-digit year is put in the century that makes the date at most 50 years in the
//!   future (§5.6.7), and otherwise as recent as possible: in 2099, `00` is 2100.
//! - HTTP-date is case-sensitive (§5.6.7): `sun, 06 nov 1994 ...` is not a date.
//! - Formatting clamps to the years 0000 to 9999, the four digits the format has.
//!
//! ## The `Date` header on every response
//!
//! RFC 9110 §6.6.1 asks an origin server with a clock to send `Date` on (nearly) every
//! response. The text changes once a second, and a busy server answers many requests in that
//! second, so nginx formats it once per second and reuses it; [`DateCache`] does the same.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[cfg(test)]
mod tests;

/// The day names as IMF-fixdate and asctime write them, Sunday first.
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// The day names as the obsolete RFC 850 form writes them, in full.
const LONG_DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The month names, January first.
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds in a day: HTTP time, like POSIX time, has no leap seconds.
const SECONDS_PER_DAY: i64 = 86_400;

/// Every IMF-fixdate is this many bytes long, which is what "fixed" means.
pub const FIXDATE_LEN: usize = 29;

/// An IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`: always 29 ASCII bytes, kept in an
/// array so that making one allocates nothing.
///
/// ```
/// use mini_http::date::format_http_date;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let date = format_http_date(UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(date.as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
/// assert_eq!(date.to_string().len(), 29);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fixdate([u8; FIXDATE_LEN]);

impl Fixdate {
    /// The date as text, ready to follow `Date: ` or `Last-Modified: `.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("a fixdate is built from ASCII only")
    }
}

impl fmt::Display for Fixdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fixdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fixdate({:?})", self.as_str())
    }
}

/// Formats `time` as an IMF-fixdate, the only form a sender may generate (RFC 9110 §5.6.7).
///
/// Fractions of a second are dropped (rounded down, also before 1970). Times before the year
/// 0000 or after 9999 are clamped to those years: the format has four digits for the year.
///
/// ```
/// use mini_http::date::format_http_date;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// assert_eq!(format_http_date(UNIX_EPOCH).as_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
/// // Before 1970 works too: one second before the epoch.
/// let before = UNIX_EPOCH - Duration::from_millis(500);
/// assert_eq!(format_http_date(before).as_str(), "Wed, 31 Dec 1969 23:59:59 GMT");
/// ```
pub fn format_http_date(time: SystemTime) -> Fixdate {
    format_unix_seconds(unix_seconds(time))
}

/// Parses an HTTP-date in any of its three forms, reading a two-digit year relative to the
/// clock now. `None` when `text` is not a valid date: the caller then ignores the header.
///
/// Whitespace around the value is ignored; inside it, the grammar is followed exactly,
/// including case (RFC 9110 §5.6.7: "HTTP-date is case sensitive").
///
/// ```
/// use mini_http::date::parse_http_date;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let expected = Some(UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
/// assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
/// assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
///
/// assert_eq!(parse_http_date("yesterday"), None);
/// assert_eq!(parse_http_date("Sun, 31 Nov 1994 08:49:37 GMT"), None); // November has 30 days
/// ```
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    parse_http_date_at(text, SystemTime::now())
}

/// [`parse_http_date`] with the clock given: `now` only matters for the two-digit year of the
/// RFC 850 form, which is put in the century that makes the date at most 50 years after
/// `now` (RFC 9110 §5.6.7).
///
/// ```
/// use mini_http::date::{format_http_date, parse_http_date, parse_http_date_at};
///
/// // In 2025, "-74" is 2074 (49 years ahead) and "-76" is 1976 (2076 is more than 50 ahead).
/// let now = parse_http_date("Wed, 01 Jan 2025 00:00:00 GMT").unwrap();
/// let read = |text| format_http_date(parse_http_date_at(text, now).unwrap()).to_string();
/// assert_eq!(read("Monday, 01-Jan-74 00:00:00 GMT"), "Mon, 01 Jan 2074 00:00:00 GMT");
/// assert_eq!(read("Thursday, 01-Jan-76 00:00:00 GMT"), "Thu, 01 Jan 1976 00:00:00 GMT");
/// ```
pub fn parse_http_date_at(text: &str, now: SystemTime) -> Option<SystemTime> {
    let bytes = text.trim_matches([' ', '\t']).as_bytes();
    let civil = parse_imf_fixdate(bytes)
        .or_else(|| parse_rfc850(bytes, now))
        .or_else(|| parse_asctime(bytes))?;
    from_unix_seconds(civil.unix_seconds()?)
}

/// Formats the current second once and hands out copies for the rest of that second, as
/// nginx does for its `Date` header.
///
/// Share one cache between threads (a `static`, or an `Arc`). It never makes a caller wait:
/// when another thread holds the cache at that instant, the caller formats its own copy, which
/// costs less than waiting would.
///
/// ```
/// use mini_http::date::{format_http_date, DateCache};
/// use std::time::SystemTime;
///
/// static DATES: DateCache = DateCache::new();
///
/// let now = SystemTime::now();
/// assert_eq!(DATES.at(now), format_http_date(now));
/// let header = format!("Date: {}\r\n", DATES.now());
/// assert_eq!(header.len(), "Date: \r\n".len() + 29);
/// ```
#[derive(Debug, Default)]
pub struct DateCache {
    /// The second last formatted (in Unix seconds) and its text.
    last: Mutex<Option<(i64, Fixdate)>>,
}

impl DateCache {
    /// An empty cache; `const`, so it can be a `static`.
    pub const fn new() -> DateCache {
        DateCache {
            last: Mutex::new(None),
        }
    }

    /// The IMF-fixdate of the system clock now, for a `Date` header.
    pub fn now(&self) -> Fixdate {
        self.at(SystemTime::now())
    }

    /// The IMF-fixdate of `time`, reusing the cached text when `time` falls in the same second.
    pub fn at(&self, time: SystemTime) -> Fixdate {
        let second = unix_seconds(time);
        // try_lock, not lock: the lock is held for a comparison or one formatting, and a
        // thread that finds it busy formats for itself rather than queue behind the others.
        // A poisoned lock (a panic while holding it, which formatting cannot cause) is
        // likewise answered by formatting, never by a panic here.
        match self.last.try_lock() {
            Ok(mut last) => match *last {
                Some((cached, text)) if cached == second => text,
                _ => {
                    let text = format_unix_seconds(second);
                    *last = Some((second, text));
                    text
                }
            },
            Err(_) => format_unix_seconds(second),
        }
    }
}

/// Whole seconds since 1970-01-01 00:00:00 UTC, rounded down (so 0.5 s before 1970 is -1),
/// and saturated at the ends of `i64`.
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            // Rounding down: a time partway into a second before 1970 belongs to that second.
            let partial = i64::from(before.subsec_nanos() > 0);
            (-whole).saturating_sub(partial)
        }
    }
}

/// The `SystemTime` of a count of Unix seconds, if the platform can represent it.
pub(crate) fn from_unix_seconds(seconds: i64) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
}

/// Formats Unix seconds as an IMF-fixdate, clamped to the years 0000 to 9999.
fn format_unix_seconds(seconds: i64) -> Fixdate {
    let earliest = days_from_civil(0, 1, 1) * SECONDS_PER_DAY;
    let latest = days_from_civil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;
    let seconds = seconds.clamp(earliest, latest);

    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 4 when Sunday is 0).
    let weekday = (days + 4).rem_euclid(7) as usize;

    let text = format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAY_NAMES[weekday],
        day,
        MONTH_NAMES[month as usize - 1],
        year,
        in_day / 3600,
        in_day / 60 % 60,
        in_day % 60,
    );
    let mut bytes = [b' '; FIXDATE_LEN];
    bytes.copy_from_slice(text.as_bytes());
    Fixdate(bytes)
}

/// The calendar date (year, month 1-12, day 1-31) of a count of days since 1970-01-01.
///
/// Howard Hinnant's `civil_from_days`: shift the epoch to 0000-03-01, split into 400-year
/// eras of 146,097 days, find the year of the era, then the day of a March-based year, whose
/// months have a repeating 31-30-31-30-31 pattern that `(5 * day + 2) / 153` decodes.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153; // 0 = March ... 11 = February
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    // January and February belong to the March-based year that started the year before.
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// The count of days since 1970-01-01 of a calendar date: the inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let march_month = i64::from((month + 9) % 12); // March = 0
    let day_of_year = (153 * march_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A date and time of day as read from text, checked field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Civil {
    /// Unix seconds of this date, or `None` when a field is out of range (31 November).
    fn unix_seconds(self) -> Option<i64> {
        let valid = (1..=12).contains(&self.month)
            && (1..=days_in_month(self.year, self.month)).contains(&self.day)
            && self.hour <= 23
            && self.minute <= 59
            && self.second <= 60; // 60: a leap second, read as the next second
        valid.then(|| {
            days_from_civil(self.year, self.month, self.day) * SECONDS_PER_DAY
                + i64::from(self.hour * 3600 + self.minute * 60 + self.second)
        })
    }
}

/// The number of days in `month` (1-12) of `year`, in the Gregorian calendar.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`: the preferred form, 29 bytes at fixed positions.
fn parse_imf_fixdate(text: &[u8]) -> Option<Civil> {
    if text.len() != FIXDATE_LEN
        || !DAY_NAMES.iter().any(|name| text[..3] == *name.as_bytes())
        || &text[3..5] != b", "
        || text[7] != b' '
        || text[11] != b' '
        || text[16] != b' '
        || &text[25..] != b" GMT"
    {
        return None;
    }
    let (hour, minute, second) = time_of_day(&text[17..25])?;
    Some(Civil {
        year: i64::from(digits(&text[12..16])?),
        month: month(&text[8..11])?,
        day: digits(&text[5..7])?,
        hour,
        minute,
        second,
    })
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`: the obsolete RFC 850 form, with a full day name and a
/// two-digit year.
fn parse_rfc850(text: &[u8], now: SystemTime) -> Option<Civil> {
    let comma = text.iter().position(|&b| b == b',')?;
    let (name, rest) = text.split_at(comma);
    // After the day name: ", 06-Nov-94 08:49:37 GMT", 24 bytes.
    if !LONG_DAY_NAMES.iter().any(|long| name == long.as_bytes())
        || rest.len() != 24
        || &rest[..2] != b", "
        || rest[4] != b'-'
        || rest[8] != b'-'
        || rest[11] != b' '
        || &rest[20..] != b" GMT"
    {
        return None;
    }
    let (hour, minute, second) = time_of_day(&rest[12..20])?;
    let mut civil = Civil {
        year: 0,
        month: month(&rest[5..8])?,
        day: digits(&rest[2..4])?,
        hour,
        minute,
        second,
    };
    civil.year = full_year(digits(&rest[9..11])?, civil, now);
    Some(civil)
}

/// The four-digit year of a two-digit one (RFC 9110 §5.6.7): "Recipients of a timestamp value
/// in rfc850-date format, which uses a two-digit year, MUST interpret a timestamp that appears
/// to be more than 50 years in the future as representing the most recent year in the past
/// that had the same last two digits." Among the years allowed, the latest is chosen, so the
/// window slides with the clock: 50 years ahead, and 49 or so behind.
fn full_year(two_digits: u32, date: Civil, now: SystemTime) -> i64 {
    let now_seconds = unix_seconds(now);
    let (now_year, now_month, now_day) = civil_from_days(now_seconds.div_euclid(SECONDS_PER_DAY));
    let in_day = now_seconds.rem_euclid(SECONDS_PER_DAY) as u32;
    // The date 50 years from now, compared field by field (no February 29 arithmetic needed).
    let limit = Civil {
        year: now_year + 50,
        month: now_month,
        day: now_day,
        hour: in_day / 3600,
        minute: in_day / 60 % 60,
        second: in_day % 60,
    };
    let in_century = |year: i64| Civil { year, ..date };
    let mut year = now_year.div_euclid(100) * 100 + i64::from(two_digits);
    if in_century(year) > limit {
        year -= 100;
    } else if in_century(year + 100) <= limit {
        year += 100;
    }
    year
}

/// `Sun Nov  6 08:49:37 1994`: C's asctime(), with the day padded by a space (or a zero).
fn parse_asctime(text: &[u8]) -> Option<Civil> {
    if text.len() != 24
        || !DAY_NAMES.iter().any(|name| text[..3] == *name.as_bytes())
        || text[3] != b' '
        || text[7] != b' '
        || text[10] != b' '
        || text[19] != b' '
    {
        return None;
    }
    // date3 = month SP ( 2DIGIT / ( SP DIGIT ) )
    let day = match &text[8..10] {
        [b' ', one] => digits(&[*one])?,
        two => digits(two)?,
    };
    let (hour, minute, second) = time_of_day(&text[11..19])?;
    Some(Civil {
        year: i64::from(digits(&text[20..24])?),
        month: month(&text[4..7])?,
        day,
        hour,
        minute,
        second,
    })
}

/// `08:49:37` as (hour, minute, second), unchecked for range.
fn time_of_day(text: &[u8]) -> Option<(u32, u32, u32)> {
    if text.len() != 8 || text[2] != b':' || text[5] != b':' {
        return None;
    }
    Some((
        digits(&text[0..2])?,
        digits(&text[3..5])?,
        digits(&text[6..8])?,
    ))
}

/// The number written by `text`, which must be ASCII digits only (no sign, no space).
fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        text.iter()
            .fold(0, |n, &digit| n * 10 + u32::from(digit - b'0')),
    )
}

/// The month (1-12) of its three-letter name, case-sensitive.
fn month(text: &[u8]) -> Option<u32> {
    let index = MONTH_NAMES
        .iter()
        .position(|name| text == name.as_bytes())?;
    Some(index as u32 + 1)
}
