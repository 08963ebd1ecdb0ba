//! A fixed pool of worker threads fed by a bounded queue: the Rust Book's `ThreadPool`,
//! without its traps.
//!
//! A thread per client is simple, but a thousand clients make a thousand threads. A pool
//! starts `N` workers once; jobs (here: accepted connections) wait in a queue, and each
//! worker takes the next job when it is free. At most `N` jobs run at once, whatever the
//! load.
//!
//! ```text
//!              execute(job)            ┌──────────┐
//!  accepting ───────────────► [queue] ─┼► worker 0 │  each worker: loop { take a job; run it }
//!  thread        (bounded)             ├► worker 1 │
//!                                      └► worker 2 │
//! ```
//!
//! # The traps, and how this pool avoids them
//!
//! 1. **A lock held while the job runs.** The Book shares one `mpsc::Receiver` between
//!    workers behind `Arc<Mutex<Receiver>>` (std's receiver allows only one owner). Written
//!    as `while let Ok(job) = receiver.lock().unwrap().recv() { job() }`, the lock guard is
//!    a temporary of the `while let` line and lives until the end of the loop body: the
//!    worker holds the lock *while running the job*, and the other workers wait. The pool
//!    runs one job at a time. Here the queue is a `crossbeam_channel`, whose `Receiver` is
//!    `Clone` (many consumers): every worker has its own receiver, and there is no lock.
//! 2. **A `Drop` that deadlocks.** To stop, workers must learn there will be no more jobs.
//!    A channel says so when every `Sender` is gone: `recv` then returns an error. If `Drop`
//!    joins the workers *before* dropping the sender, each worker is waiting in `recv` for
//!    a job that never comes, and `join` waits for the worker forever. Here `Drop` drops the
//!    sender first, then joins; the workers finish the jobs still queued and end.
//! 3. **A job that panics kills its worker.** The pool would shrink by one at each panic
//!    until nothing is left. Here each job runs inside `catch_unwind`; the worker counts the
//!    panic and takes the next job.
//! 4. **An unbounded queue.** If jobs arrive faster than workers finish them, an unbounded
//!    queue grows until memory runs out. This queue holds at most `queue` jobs; when it is
//!    full, [`ThreadPool::execute`] waits: the producer slows down to the workers' pace
//!    (backpressure).

use crossbeam_channel::{Receiver, Sender};
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

/// A job for the pool: any closure that can be sent to another thread and run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// Why a pool could not be created or could not take a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// `ThreadPool::new` was asked for no workers.
    #[error("a thread pool needs at least 1 worker, got 0")]
    NoWorkers,
    /// Every worker has ended, so nobody would run the job.
    #[error("the thread pool has no workers left to run the job")]
    Stopped,
}

impl From<PoolError> for io::Error {
    fn from(err: PoolError) -> io::Error {
        let kind = match err {
            PoolError::NoWorkers => io::ErrorKind::InvalidInput,
            PoolError::Stopped => io::ErrorKind::Other,
        };
        io::Error::new(kind, err)
    }
}

/// A fixed number of worker threads taking jobs from a bounded queue.
///
/// Dropping the pool (or calling [`ThreadPool::join`]) closes the queue, lets the workers
/// finish every job already queued, and waits for them.
///
/// # Examples
///
/// ```
/// use threaded_server::pool::ThreadPool;
/// use std::sync::mpsc;
///
/// let pool = ThreadPool::new(4, 16)?;
/// let (tx, rx) = mpsc::channel();
/// for n in 0..10u64 {
///     let tx = tx.clone();
///     pool.execute(move || tx.send(n * n).unwrap())?;
/// }
/// pool.join(); // every queued job has run
/// drop(tx);
/// assert_eq!(rx.iter().sum::<u64>(), 285);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A job that panics does not take its worker with it:
///
/// ```
/// use threaded_server::pool::ThreadPool;
///
/// use std::sync::mpsc;
///
/// let pool = ThreadPool::new(1, 1)?;
/// let (tx, rx) = mpsc::channel();
/// pool.execute(|| panic!("this job fails"))?;
/// pool.execute(move || tx.send("the same worker ran this one").unwrap())?;
/// assert_eq!(rx.recv()?, "the same worker ran this one");
/// assert_eq!(pool.panics(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ThreadPool {
    /// The producer's end of the queue. An `Option` so that `Drop` can drop it *before*
    /// joining the workers (trap 2 above).
    sender: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    /// How many jobs panicked.
    panics: Arc<AtomicU64>,
}

impl ThreadPool {
    /// Starts `workers` threads, named `worker 0`, `worker 1`, ..., sharing a queue that
    /// holds up to `queue` waiting jobs (`0` makes every `execute` wait for a free worker).
    ///
    /// Fails with [`PoolError::NoWorkers`] (as an `InvalidInput` I/O error) for 0 workers,
    /// and with the operating system's error if a thread cannot be started; the workers
    /// already started are then stopped.
    ///
    /// # Examples
    ///
    /// ```
    /// use threaded_server::pool::{PoolError, ThreadPool};
    ///
    /// assert_eq!(ThreadPool::new(3, 8)?.workers(), 3);
    ///
    /// let err = ThreadPool::new(0, 8).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// assert_eq!(err.to_string(), "a thread pool needs at least 1 worker, got 0");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(workers: usize, queue: usize) -> io::Result<ThreadPool> {
        if workers == 0 {
            return Err(PoolError::NoWorkers.into());
        }
        let (sender, receiver) = crossbeam_channel::bounded::<Job>(queue);
        let mut pool = ThreadPool {
            sender: Some(sender),
            workers: Vec::with_capacity(workers),
            panics: Arc::new(AtomicU64::new(0)),
        };
        for id in 0..workers {
            // Each worker gets its own clone of the receiver: no Mutex (trap 1).
            let receiver = receiver.clone();
            let panics = Arc::clone(&pool.panics);
            let worker = thread::Builder::new()
                .name(format!("worker {id}"))
                .spawn(move || work(receiver, panics))?;
            // On `?` above, `pool` is dropped: its Drop stops the workers started so far.
            pool.workers.push(worker);
        }
        Ok(pool)
    }

    /// Queues `job` for the next free worker, waiting while the queue is full.
    ///
    /// Fails with [`PoolError::Stopped`] only if every worker has ended, which the pool's
    /// own panic catching prevents; the job is then dropped without running.
    pub fn execute<F>(&self, job: F) -> Result<(), PoolError>
    where
        F: FnOnce() + Send + 'static,
    {
        let sender = self.sender.as_ref().ok_or(PoolError::Stopped)?;
        // `send` fails only when every receiver is gone, that is, every worker has ended.
        sender.send(Box::new(job)).map_err(|_| PoolError::Stopped)
    }

    /// How many worker threads the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// How many jobs have panicked so far.
    pub fn panics(&self) -> u64 {
        self.panics.load(Ordering::Relaxed)
    }

    /// Closes the queue, waits for the workers to run every job already queued, and ends
    /// them. The same as dropping the pool, but reads better where the wait matters.
    pub fn join(self) {
        drop(self);
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // First the sender: once it is gone, each worker's `recv` fails after the queue
        // is empty, and the worker returns. Joining first would deadlock (trap 2).
        drop(self.sender.take());
        for worker in self.workers.drain(..) {
            // A worker catches its jobs' panics, so join fails only if the worker itself
            // panicked, and then there is nothing left to clean up.
            let _ = worker.join();
        }
    }
}

/// A worker's life: take a job, run it, repeat; end when the queue is closed and empty.
fn work(jobs: Receiver<Job>, panics: Arc<AtomicU64>) {
    // `iter()` yields jobs until every sender is dropped and the queue is drained.
    for job in jobs.iter() {
        // No lock is held here: other workers take jobs while this one runs.
        //
        // `catch_unwind` needs to know the closure is "unwind safe": that nothing it
        // borrows could be seen half-changed after a panic. A boxed `FnOnce` owns what it
        // captured and is gone after the call, so nothing half-changed can be seen again
        // through it; `AssertUnwindSafe` says so to the compiler.
        if panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
            // The panic message was already printed by the panic hook (on stderr).
            panics.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::sync::Barrier;
    use std::time::Duration;

    const DEADLINE: Duration = Duration::from_secs(10);

    #[test]
    fn zero_workers_is_refused() {
        let err = ThreadPool::new(0, 1).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<PoolError>());
        assert_eq!(inner, Some(&PoolError::NoWorkers));
    }

    #[test]
    fn every_job_runs_once() {
        let pool = ThreadPool::new(3, 2).unwrap();
        let (tx, rx) = mpsc::channel();
        for n in 0..100 {
            let tx = tx.clone();
            pool.execute(move || tx.send(n).unwrap()).unwrap();
        }
        pool.join();
        drop(tx);
        let mut got: Vec<i32> = rx.iter().collect();
        got.sort_unstable();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn workers_run_jobs_at_the_same_time() {
        // Four jobs that each wait for all four to be running: with a lock held while a job
        // runs (trap 1) only one would run and the barrier would never open.
        let workers = 4;
        let pool = ThreadPool::new(workers, 0).unwrap();
        let barrier = Arc::new(Barrier::new(workers));
        let (tx, rx) = mpsc::channel();
        for _ in 0..workers {
            let barrier = Arc::clone(&barrier);
            let tx = tx.clone();
            pool.execute(move || {
                barrier.wait();
                tx.send(()).unwrap();
            })
            .unwrap();
        }
        for _ in 0..workers {
            rx.recv_timeout(DEADLINE)
                .expect("all four jobs ran at once");
        }
    }

    #[test]
    fn a_panicking_job_leaves_its_worker_alive() {
        let pool = ThreadPool::new(1, 4).unwrap();
        let (tx, rx) = mpsc::channel();
        pool.execute(|| panic!("job 1 fails on purpose")).unwrap();
        pool.execute(move || tx.send("job 2 ran").unwrap()).unwrap();
        assert_eq!(rx.recv_timeout(DEADLINE), Ok("job 2 ran"));
        // One worker runs jobs in order, and counts job 1's panic before taking job 2.
        assert_eq!(pool.panics(), 1);
    }

    #[test]
    fn dropping_the_pool_finishes_the_queued_jobs_and_ends_the_workers() {
        // The Drop runs on another thread so that a deadlock (trap 2) fails the test by its
        // deadline instead of hanging it.
        let (tx, rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let pool = ThreadPool::new(2, 8).unwrap();
            for n in 0..8 {
                let tx = tx.clone();
                pool.execute(move || tx.send(n).unwrap()).unwrap();
            }
            drop(pool);
            done_tx.send(()).unwrap();
        });
        done_rx
            .recv_timeout(DEADLINE)
            .expect("Drop returned: no deadlock");
        assert_eq!(rx.iter().count(), 8);
    }

    #[test]
    fn execute_waits_while_the_queue_is_full() {
        // One worker blocked, queue of 1 filled: the next execute must wait until the
        // worker is released.
        let pool = Arc::new(ThreadPool::new(1, 1).unwrap());
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = mpsc::channel();
        pool.execute(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv();
        })
        .unwrap();
        started_rx.recv_timeout(DEADLINE).unwrap();
        pool.execute(|| {}).unwrap(); // fills the queue
        let (queued_tx, queued_rx) = mpsc::channel();
        let producer = {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || {
                pool.execute(|| {}).unwrap();
                queued_tx.send(()).unwrap();
            })
        };
        // Still blocked: the worker is busy and the queue full.
        assert!(queued_rx.recv_timeout(Duration::from_millis(50)).is_err());
        drop(release_tx);
        queued_rx
            .recv_timeout(DEADLINE)
            .expect("execute went through");
        producer.join().unwrap();
    }

    #[test]
    fn pool_error_messages_say_what_is_wrong() {
        assert_eq!(
            PoolError::Stopped.to_string(),
            "the thread pool has no workers left to run the job"
        );
        assert_eq!(
            io::Error::from(PoolError::Stopped).kind(),
            io::ErrorKind::Other
        );
    }
}
