//! Command-line helpers shared by the programs of this lesson.
//!
//! Every program that waits takes its time in seconds (`--wait 2`, `--wait-reply 0.5`),
//! and every program that counts bytes prints "1 byte" but "2 bytes". Doing both in one
//! place means the programs agree: the same limits, the same error messages, the same
//! wording.
//!
//! A number of seconds is checked twice over: it must be a finite number (`inf` and `NaN`
//! parse as floating-point numbers but are not a time), and it must not round to nothing.
//! `1e-10` seconds is a positive number, but as a socket timeout it becomes zero, which
//! the system rejects ("a timeout of zero is not allowed"), so the program would fail
//! only later, with a confusing message. The parser refuses it up front instead.

use std::io::{self, Write};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The shortest time [`seconds`] accepts: one millisecond (socket timeouts are kept in
/// whole microseconds or milliseconds, so anything shorter may become zero).
pub const MIN_SECONDS: f64 = 0.001;

/// The longest time [`seconds`] accepts: a day. Longer waits are typing mistakes.
pub const MAX_SECONDS: f64 = 86_400.0;

/// Parses a number of seconds such as `2` or `0.5`, from 0.001 (a millisecond) to 86400
/// (a day).
///
/// Use it as a clap `value_parser`; the error is a sentence for the user.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use udp_chat::cli::seconds;
///
/// assert_eq!(seconds("2"), Ok(Duration::from_secs(2)));
/// assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
/// // Too short to be a timeout, not a number, not finite, negative, too long:
/// assert!(seconds("1e-10").unwrap_err().contains("at least 0.001"));
/// assert!(seconds("two").unwrap_err().contains("not a number"));
/// assert!(seconds("inf").is_err());
/// assert!(seconds("-1").is_err());
/// assert!(seconds("100000").unwrap_err().contains("at most 86400"));
/// ```
pub fn seconds(text: &str) -> Result<Duration, String> {
    let secs = number_of_seconds(text)?;
    if secs < MIN_SECONDS {
        return Err(format!(
            "{text} seconds is too short: give at least {MIN_SECONDS} (a millisecond)"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Like [`seconds`], but also accepts `0`, which gives [`Duration::ZERO`] (for flags where
/// 0 means "do not wait").
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use udp_chat::cli::seconds_or_zero;
///
/// assert_eq!(seconds_or_zero("0"), Ok(Duration::ZERO));
/// assert_eq!(seconds_or_zero("1.5"), Ok(Duration::from_millis(1500)));
/// // Between 0 and a millisecond is still refused: it is neither "no wait" nor a wait.
/// assert!(seconds_or_zero("0.0001").is_err());
/// ```
pub fn seconds_or_zero(text: &str) -> Result<Duration, String> {
    if number_of_seconds(text)? == 0.0 {
        return Ok(Duration::ZERO);
    }
    seconds(text).map_err(|e| format!("{e}, or 0 for no wait"))
}

/// The number in `text`, checked to be finite and between 0 and [`MAX_SECONDS`].
fn number_of_seconds(text: &str) -> Result<f64, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds (e.g. 2 or 0.5)"))?;
    if !secs.is_finite() {
        return Err(format!(
            "'{text}' is not a number of seconds: give a finite number such as 2 or 0.5"
        ));
    }
    if secs < 0.0 {
        return Err(format!("{text} seconds: a time cannot be negative"));
    }
    if secs > MAX_SECONDS {
        return Err(format!(
            "{text} seconds is too long: give at most {MAX_SECONDS} (a day)"
        ));
    }
    Ok(secs)
}

/// A byte count with the right plural: "1 byte", "0 bytes", "2 bytes".
///
/// # Examples
///
/// ```
/// use udp_chat::cli::bytes;
///
/// assert_eq!(bytes(1), "1 byte");
/// assert_eq!(bytes(0), "0 bytes");
/// assert_eq!(bytes(65507), "65507 bytes");
/// ```
pub fn bytes(n: usize) -> String {
    netbasics::cli::plural(n as u64, "byte")
}

/// How long the Ctrl-C handler of [`print_and_exit_on_ctrl_c`] lets the summary take to
/// print before it exits anyway.
pub const SUMMARY_GRACE: Duration = Duration::from_secs(1);

/// On Ctrl-C, prints `summary()` as the last line on standard output and exits with
/// status 0: the clean stop of a receiver or a server (`udp-recv`, `udp-echo-server`).
///
/// The main thread is blocked in `recvfrom`, which nothing can interrupt portably, and a
/// UDP program has no connection to finish: ending the process is the clean stop.
///
/// The handler never waits on printing. `summary` must not take a lock (read atomic
/// counters, such as [`crate::datagram::SharedTally`]), and the line is written by a
/// helper thread: when standard output is blocked (a paused pager, a full pipe nobody
/// reads), the handler gives it [`SUMMARY_GRACE`] and then exits without it, instead of
/// hanging until someone reads.
///
/// # Errors
///
/// When a Ctrl-C handler cannot be installed (for instance one is installed already).
pub fn print_and_exit_on_ctrl_c<F>(summary: F) -> Result<(), ctrlc::Error>
where
    F: Fn() -> String + Send + 'static,
{
    ctrlc::set_handler(move || {
        let line = summary();
        let (done_tx, done) = mpsc::channel();
        let printer = thread::Builder::new()
            .name("summary".into())
            .spawn(move || {
                let mut out = io::stdout().lock();
                // Nothing to do if stdout is gone: the program ends either way.
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
                let _ = done_tx.send(());
            });
        if printer.is_ok() {
            // Printed, or blocked: either way the program ends now.
            let _ = done.recv_timeout(SUMMARY_GRACE);
        }
        std::process::exit(0);
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_and_fractional_seconds() {
        assert_eq!(seconds("1"), Ok(Duration::from_secs(1)));
        assert_eq!(seconds("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(seconds("86400"), Ok(Duration::from_secs(86_400)));
        assert_eq!(seconds("1e-3"), Ok(Duration::from_millis(1)));
    }

    #[test]
    fn a_millisecond_is_the_shortest() {
        let shortest = seconds("0.001").unwrap();
        assert!(shortest >= Duration::from_micros(999), "{shortest:?}");
        for text in ["0.0009", "1e-10", "0", "-0", "0.0"] {
            let err = seconds(text).unwrap_err();
            assert!(err.contains("at least 0.001"), "{text}: {err}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in ["", " 2", "2s", "two", "1,5"] {
            assert!(
                seconds(text).unwrap_err().contains("not a number"),
                "{text}"
            );
        }
        for text in ["inf", "-inf", "NaN", "infinity"] {
            assert!(seconds(text).unwrap_err().contains("finite"), "{text}");
        }
        assert!(seconds("-1").unwrap_err().contains("negative"));
        assert!(seconds("86400.5").unwrap_err().contains("at most 86400"));
        assert!(seconds("1e300").unwrap_err().contains("at most 86400"));
    }

    #[test]
    fn zero_only_where_allowed() {
        assert_eq!(seconds_or_zero("0"), Ok(Duration::ZERO));
        assert_eq!(seconds_or_zero("0.000"), Ok(Duration::ZERO));
        assert_eq!(seconds_or_zero("2"), Ok(Duration::from_secs(2)));
        let err = seconds_or_zero("1e-10").unwrap_err();
        assert!(err.contains("or 0 for no wait"), "{err}");
        assert!(seconds_or_zero("-1").is_err());
        assert!(seconds_or_zero("NaN").is_err());
    }

    #[test]
    fn byte_counts() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(2), "2 bytes");
    }

    proptest! {
        /// Whatever is accepted is a usable, non-zero timeout no longer than a day.
        #[test]
        fn accepted_times_are_usable(text in "\\PC{0,12}") {
            if let Ok(time) = seconds(&text) {
                prop_assert!(time >= Duration::from_micros(999));
                prop_assert!(time <= Duration::from_secs(86_400));
            }
        }

        /// Every number in range is accepted and keeps its value.
        #[test]
        fn numbers_in_range_round_trip(secs in MIN_SECONDS..=MAX_SECONDS) {
            let time = seconds(&secs.to_string()).unwrap();
            prop_assert!((time.as_secs_f64() - secs).abs() < 1e-6);
        }

        /// No number of seconds below a millisecond is accepted.
        #[test]
        fn tiny_numbers_are_refused(secs in 0.0f64..MIN_SECONDS) {
            prop_assert!(seconds(&secs.to_string()).is_err());
        }
    }
}
