//! Counters a running server keeps, readable from any thread while it serves.
//!
//! Every connection thread bumps a counter when something happens to it. A `Mutex` around a
//! struct of numbers would work, but would make 200 threads queue up just to add one; an
//! atomic integer is a number that threads can add to at the same time without a lock.
//! The counters live in an `Arc` shared by the server, its threads and
//! [`Server::stats`](crate::Server::stats).
//!
//! Each counter is read on its own, so a [`Stats`] taken while connections come and go is
//! a set of readings a few instructions apart, not a photograph of one instant: good for
//! watching a server, not for accounting to the byte.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// A reading of a server's counters.
///
/// Every connection that `accept` returns is either **accepted** (handed to the handler)
/// or **refused** (closed at once because the connection limit was reached with
/// [`Overload::Refuse`](crate::Overload::Refuse)). An accepted connection ends in one of
/// three ways: the handler returns `Ok` (nothing is counted), returns an error
/// (**errors**), or panics (**panics**).
///
/// # Examples
///
/// ```
/// use threaded_server::Stats;
///
/// let stats = Stats { accepted: 12, active: 2, refused: 1, panics: 0, errors: 3 };
/// assert_eq!(
///     stats.to_string(),
///     "accepted 12, active 2, refused 1, panics 0, errors 3"
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections handed to the handler since the server started.
    pub accepted: u64,
    /// Connections accepted and not yet finished: being handled, or (in pool mode) waiting
    /// in the queue for a free worker.
    pub active: u64,
    /// Connections closed at once because the server already had `max_connections`.
    pub refused: u64,
    /// Connections whose handler panicked (the server caught the panic and went on).
    pub panics: u64,
    /// Connections whose handler returned an error, or for which no thread could be started.
    pub errors: u64,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "accepted {}, active {}, refused {}, panics {}, errors {}",
            self.accepted, self.active, self.refused, self.panics, self.errors
        )
    }
}

/// The live counters behind [`Stats`], shared by every thread of a server.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) accepted: AtomicU64,
    pub(crate) active: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) panics: AtomicU64,
    pub(crate) errors: AtomicU64,
}

impl Counters {
    /// Adds one to `counter`.
    ///
    /// `Relaxed` is enough: each counter is a tally on its own, and no other memory is
    /// published through it. (Ordering only matters when one thread reads a value to learn
    /// that *other* data written by another thread is ready.)
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Takes one from `counter` (used for `active` only).
    pub(crate) fn drop_one(counter: &AtomicU64) {
        counter.fetch_sub(1, Ordering::Relaxed);
    }

    /// Reads every counter.
    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            accepted: self.accepted.load(Ordering::Relaxed),
            active: self.active.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            panics: self.panics.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_new_set_of_counters_reads_zero() {
        assert_eq!(Counters::default().snapshot(), Stats::default());
    }

    #[test]
    fn bump_and_drop_one_move_only_their_counter() {
        let counters = Counters::default();
        Counters::bump(&counters.accepted);
        Counters::bump(&counters.active);
        Counters::bump(&counters.active);
        Counters::drop_one(&counters.active);
        Counters::bump(&counters.errors);
        assert_eq!(
            counters.snapshot(),
            Stats {
                accepted: 1,
                active: 1,
                refused: 0,
                panics: 0,
                errors: 1
            }
        );
    }

    #[test]
    fn threads_adding_at_once_lose_no_count() {
        let counters = Arc::new(Counters::default());
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let counters = Arc::clone(&counters);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        Counters::bump(&counters.accepted);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(counters.snapshot().accepted, 8000);
    }

    #[test]
    fn display_names_every_counter() {
        let stats = Stats {
            accepted: 5,
            active: 4,
            refused: 3,
            panics: 2,
            errors: 1,
        };
        assert_eq!(
            stats.to_string(),
            "accepted 5, active 4, refused 3, panics 2, errors 1"
        );
    }
}
