//! Counting failures in a row, to give up on a socket that keeps failing.
//!
//! A receiver does not stop at one failed `recvfrom`: on Windows an ICMP "port
//! unreachable" for an earlier answer shows up as an error on the next receive, and a
//! signal can interrupt the call. But a socket that fails every time would make the loop
//! spin and fill the log; like the lesson's other receivers, the listener gives up after
//! [`MAX_ERRORS_IN_A_ROW`] failures with no success between them.

pub use crate::echo::MAX_ERRORS_IN_A_ROW;

/// Failures since the last success.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::streak::ErrorStreak;
///
/// let mut streak = ErrorStreak::new(3);
/// assert!(!streak.failed());
/// assert!(!streak.failed());
/// streak.succeeded(); // the count starts again
/// assert!(!streak.failed());
/// assert!(!streak.failed());
/// assert!(streak.failed()); // the third in a row: give up
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorStreak {
    in_a_row: u32,
    limit: u32,
}

impl Default for ErrorStreak {
    /// A streak that gives up after [`MAX_ERRORS_IN_A_ROW`] failures.
    fn default() -> Self {
        ErrorStreak::new(MAX_ERRORS_IN_A_ROW)
    }
}

impl ErrorStreak {
    /// A streak that gives up after `limit` failures in a row (at least one).
    pub fn new(limit: u32) -> Self {
        ErrorStreak {
            in_a_row: 0,
            limit: limit.max(1),
        }
    }

    /// Counts a failure; `true` when it is the `limit`-th in a row: time to give up.
    pub fn failed(&mut self) -> bool {
        self.in_a_row = self.in_a_row.saturating_add(1);
        self.in_a_row >= self.limit
    }

    /// A success: the count starts again.
    pub fn succeeded(&mut self) {
        self.in_a_row = 0;
    }

    /// Failures since the last success.
    pub fn in_a_row(&self) -> u32 {
        self.in_a_row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_gives_up_after_the_lessons_limit() {
        let mut streak = ErrorStreak::default();
        for _ in 1..MAX_ERRORS_IN_A_ROW {
            assert!(!streak.failed());
        }
        assert!(streak.failed());
        assert_eq!(streak.in_a_row(), MAX_ERRORS_IN_A_ROW);
        assert_eq!(MAX_ERRORS_IN_A_ROW, 100);
    }

    #[test]
    fn a_success_resets_and_a_limit_of_zero_means_one() {
        let mut streak = ErrorStreak::new(2);
        assert!(!streak.failed());
        streak.succeeded();
        assert_eq!(streak.in_a_row(), 0);
        assert!(!streak.failed());
        assert!(streak.failed());
        assert!(ErrorStreak::new(0).failed());
    }
}
