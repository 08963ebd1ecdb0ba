//! The table of live connections: the connection limit, and the sockets to cut at shutdown.
//!
//! A server that starts a thread for every client will, sooner or later, meet more clients
//! than it has memory or file descriptors for. So it keeps count: before serving a
//! connection it takes a [`Slot`], and there are only `limit` slots. When the slots run out
//! the server either waits for one to come free (backpressure: it stops calling `accept`,
//! and new clients queue in the kernel) or turns the client away at once; see
//! [`Overload`](crate::Overload).
//!
//! The same table answers the two questions of a graceful shutdown:
//!
//! - *Is everyone done?* [`Connections::wait_until_idle`] sleeps on a condition variable
//!   until the last slot is given back, or the grace period runs out. No polling.
//! - *Who is still here?* Each slot shares its connection's socket with the thread that
//!   serves it, so that [`Connections::cut_all`] can `shutdown` every socket still open. A
//!   thread blocked in `read` on a socket that was shut down returns at once (0 bytes: end
//!   of stream), so handlers end even if their client never sends another byte.
//!
//! # One socket, two owners: `Arc<TcpStream>`
//!
//! The table and the handler's thread both need the socket: the thread to talk, the table
//! to cut the conversation at shutdown. [`TcpStream::try_clone`] would give each its own
//! handle, but a clone is a second file descriptor (`dup`) for the same socket, and file
//! descriptors are what runs out first: with an open-files limit of 20,000, two per client
//! means fewer than 10,000 clients. So there is one `TcpStream`, in an [`Arc`]: the
//! thread lends `&TcpStream` to the handler (a shared reference is enough to read and
//! write a socket), and the table keeps a clone of the `Arc`, which is a counter, not a
//! descriptor.
//!
//! Shutdown still reaches the socket: `shutdown(Shutdown::Both)` needs only `&TcpStream`,
//! and it acts on the socket itself, so the handler blocked in `read` on the same
//! descriptor wakes up. The table holds a strong `Arc` (not a `Weak`) on purpose: the
//! socket closes when the last `Arc` is dropped, and the thread drops its `Arc` before
//! its slot, so the last one is the table's, dropped as the slot is given back. A
//! client that sees its connection close can therefore count on a free slot, and the
//! descriptor can never be closed (and its number reused by another connection) while
//! the table may still shut it down.
//!
//! One `Mutex` guards the whole table and one `Condvar` announces every change. Every
//! critical section is a few assignments, so no thread holds the lock for long, and none
//! holds it while doing I/O or running a handler.

use crate::stats::Counters;
use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// The live connections of one server.
#[derive(Debug)]
pub(crate) struct Connections {
    state: Mutex<State>,
    /// Signalled whenever a slot is given back or the table is closed: the accepting thread
    /// (waiting for a slot) and the shutting-down thread (waiting for idle) both sleep on it.
    changed: Condvar,
    /// Where `active` is counted, in step with the rows of the table.
    counters: Arc<Counters>,
}

#[derive(Debug)]
struct State {
    /// How many slots exist (the server's `max_connections`).
    limit: usize,
    /// Slots taken now: reserved before `accept`, or holding a connection.
    in_use: usize,
    /// Each connection's socket, shared with its thread, to shut it down if shutdown runs
    /// late.
    open: HashMap<u64, Arc<TcpStream>>,
    /// The key of the next slot.
    next_id: u64,
    /// Set by shutdown: nobody waits for a slot any more.
    closed: bool,
}

impl Connections {
    /// An empty table with `limit` slots.
    pub(crate) fn new(limit: usize, counters: Arc<Counters>) -> Arc<Connections> {
        Arc::new(Connections {
            state: Mutex::new(State {
                limit,
                in_use: 0,
                open: HashMap::new(),
                next_id: 0,
                closed: false,
            }),
            changed: Condvar::new(),
            counters,
        })
    }

    /// Locks the table.
    ///
    /// A mutex is "poisoned" when a thread panicked while holding it, in case the data was
    /// left half-changed. Our critical sections are plain assignments that cannot panic
    /// half-way, so the data is always whole and the poison can be ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the number of slots (before serving starts).
    pub(crate) fn set_limit(&self, limit: usize) {
        self.lock().limit = limit;
        self.changed.notify_all();
    }

    /// Takes a slot, sleeping until one is free. `None` once the table is closed.
    pub(crate) fn wait_for_slot(self: &Arc<Self>) -> Option<Slot> {
        let state = self.lock();
        // `wait_while` sleeps, releasing the lock, until the condition is false; it also
        // copes with spurious wake-ups by checking the condition again each time.
        let mut state = self
            .changed
            .wait_while(state, |s| s.in_use >= s.limit && !s.closed)
            .unwrap_or_else(PoisonError::into_inner);
        if state.closed {
            return None;
        }
        Some(self.take_slot(&mut state))
    }

    /// Takes a slot if one is free now, without waiting.
    pub(crate) fn try_slot(self: &Arc<Self>) -> Option<Slot> {
        let mut state = self.lock();
        if state.in_use >= state.limit {
            return None;
        }
        Some(self.take_slot(&mut state))
    }

    fn take_slot(self: &Arc<Self>, state: &mut State) -> Slot {
        state.in_use += 1;
        let id = state.next_id;
        state.next_id += 1;
        Slot {
            connections: Arc::clone(self),
            id,
            tracked: false,
        }
    }

    /// Wakes everyone waiting for a slot and makes them give up: the server is stopping.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    /// Sleeps until every slot has been given back, or `timeout` has passed.
    /// Returns whether the table is empty.
    pub(crate) fn wait_until_idle(&self, timeout: Duration) -> bool {
        let state = self.lock();
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| s.in_use > 0)
            .unwrap_or_else(PoisonError::into_inner);
        state.in_use == 0
    }

    /// Shuts down (both directions) every socket still in the table; returns how many.
    ///
    /// This does not close the sockets (their threads still use them), it ends their
    /// conversations: blocked reads return end-of-stream and writes fail, so every handler
    /// that does socket I/O returns soon after.
    pub(crate) fn cut_all(&self) -> usize {
        let state = self.lock();
        for stream in state.open.values() {
            // NotConnected means the client already left: nothing to cut.
            let _ = stream.shutdown(Shutdown::Both);
        }
        state.open.len()
    }

    /// How many slots are taken.
    #[cfg(test)]
    fn in_use(&self) -> usize {
        self.lock().in_use
    }
}

/// One connection's place in the table; giving it back is dropping it.
///
/// Because the slot is returned in `Drop`, it comes back however the connection ends:
/// the handler returning, failing, panicking, or the connection never reaching a thread.
#[derive(Debug)]
pub(crate) struct Slot {
    connections: Arc<Connections>,
    id: u64,
    /// Whether a socket was registered (and `active` counted) for this slot.
    tracked: bool,
}

impl Slot {
    /// Registers the connection's socket, so shutdown can cut it, and counts it as active.
    ///
    /// The table keeps a clone of the `Arc`: the same socket, no new file descriptor, so
    /// this cannot fail for want of descriptors.
    pub(crate) fn track(&mut self, stream: &Arc<TcpStream>) {
        let shared = Arc::clone(stream);
        let mut state = self.connections.lock();
        state.open.insert(self.id, shared);
        Counters::bump(&self.connections.counters.active);
        self.tracked = true;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let stream = {
            let mut state = self.connections.lock();
            state.in_use -= 1;
            if self.tracked {
                Counters::drop_one(&self.connections.counters.active);
            }
            state.open.remove(&self.id)
        };
        self.connections.changed.notify_all();
        // The socket closes when its last `Arc` is dropped. The serving thread dropped its
        // own before the slot, so this is the moment the client sees the connection close:
        // only now, after the slot is free, so a client that saw the close can count on a
        // free slot.
        drop(stream);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{self, Read};
    use std::net::TcpListener;
    use std::sync::mpsc;

    const DEADLINE: Duration = Duration::from_secs(10);

    fn table(limit: usize) -> (Arc<Connections>, Arc<Counters>) {
        let counters = Arc::new(Counters::default());
        (Connections::new(limit, Arc::clone(&counters)), counters)
    }

    /// A connected pair of sockets on loopback: (client side, server side, shared as the
    /// server shares it).
    fn pair() -> (TcpStream, Arc<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, Arc::new(server))
    }

    #[test]
    fn slots_run_out_at_the_limit_and_come_back_on_drop() {
        let (table, _) = table(2);
        let a = table.try_slot().unwrap();
        let b = table.try_slot().unwrap();
        assert!(table.try_slot().is_none());
        drop(a);
        let c = table.try_slot().unwrap();
        assert_eq!(table.in_use(), 2);
        drop((b, c));
        assert_eq!(table.in_use(), 0);
    }

    #[test]
    fn a_limit_of_zero_gives_no_slot() {
        let (table, _) = table(0);
        assert!(table.try_slot().is_none());
    }

    #[test]
    fn a_waiter_gets_the_slot_given_back() {
        let (table, _) = table(1);
        let held = table.try_slot().unwrap();
        let (tx, rx) = mpsc::channel();
        let waiter = {
            let table = Arc::clone(&table);
            std::thread::spawn(move || {
                let slot = table.wait_for_slot();
                tx.send(slot.is_some()).unwrap();
            })
        };
        drop(held);
        assert_eq!(rx.recv_timeout(DEADLINE), Ok(true));
        waiter.join().unwrap();
    }

    #[test]
    fn closing_wakes_a_waiter_empty_handed() {
        let (table, _) = table(1);
        let _held = table.try_slot().unwrap();
        let (tx, rx) = mpsc::channel();
        let waiter = {
            let table = Arc::clone(&table);
            std::thread::spawn(move || tx.send(table.wait_for_slot().is_none()).unwrap())
        };
        table.close();
        assert_eq!(rx.recv_timeout(DEADLINE), Ok(true));
        waiter.join().unwrap();
        // Closed for good: a later wait returns at once too.
        assert!(table.wait_for_slot().is_none());
    }

    #[test]
    fn tracking_counts_active_until_the_slot_is_dropped() {
        let (table, counters) = table(4);
        let (_client, server) = pair();
        let mut slot = table.try_slot().unwrap();
        assert_eq!(
            counters.snapshot().active,
            0,
            "a reserved slot is not a connection"
        );
        slot.track(&server);
        assert_eq!(counters.snapshot().active, 1);
        drop(slot);
        assert_eq!(counters.snapshot().active, 0);
    }

    #[test]
    fn the_table_shares_the_socket_instead_of_copying_it() {
        let (table, _) = table(1);
        let (_client, server) = pair();
        let mut slot = table.try_slot().unwrap();
        slot.track(&server);
        // One socket, two owners: the table holds the same `TcpStream`, not a duplicate.
        assert_eq!(Arc::strong_count(&server), 2);
        drop(slot);
        assert_eq!(Arc::strong_count(&server), 1, "the table let go of it");
    }

    #[test]
    fn idle_is_immediate_when_empty_and_false_after_the_timeout_when_not() {
        let (table, _) = table(1);
        assert!(table.wait_until_idle(Duration::ZERO));
        let _held = table.try_slot().unwrap();
        assert!(!table.wait_until_idle(Duration::from_millis(1)));
    }

    #[test]
    fn waiting_for_idle_ends_when_the_last_slot_returns() {
        let (table, _) = table(1);
        let held = table.try_slot().unwrap();
        let (tx, rx) = mpsc::channel();
        let waiter = {
            let table = Arc::clone(&table);
            std::thread::spawn(move || tx.send(table.wait_until_idle(DEADLINE * 6)).unwrap())
        };
        drop(held);
        assert_eq!(rx.recv_timeout(DEADLINE), Ok(true));
        waiter.join().unwrap();
    }

    #[test]
    fn cut_all_ends_a_blocked_read() {
        let (table, _) = table(1);
        let (client, server) = pair();
        let mut slot = table.try_slot().unwrap();
        slot.track(&server);
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 16];
            // Blocks: the client sends nothing. It reads through its own `Arc`, the very
            // socket the table cuts.
            tx.send((&*server).read(&mut buf).map_err(|e| e.kind()))
                .unwrap();
        });
        assert_eq!(table.cut_all(), 1);
        assert_eq!(rx.recv_timeout(DEADLINE), Ok(Ok(0)), "end of stream");
        reader.join().unwrap();
        drop((slot, client));
    }

    #[test]
    fn the_client_sees_the_close_only_when_the_slot_is_dropped() {
        let (table, _) = table(1);
        let (mut client, server) = pair();
        let mut slot = table.try_slot().unwrap();
        slot.track(&server);
        drop(server); // the serving thread's `Arc` goes first, as in the server
        client
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut buf = [0u8; 1];
        // Still open: the table's `Arc` keeps the socket alive (no end-of-stream yet).
        let early = client.read(&mut buf).map_err(|e| e.kind());
        assert!(
            matches!(
                early,
                Err(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
            ),
            "{early:?}"
        );
        drop(slot);
        client.set_read_timeout(Some(DEADLINE)).unwrap();
        assert_eq!(client.read(&mut buf).unwrap(), 0);
    }
}
