//! The server's slots: who is connected, who is running a command, and whom to hang up on
//! when a newcomer needs room.
//!
//! There are [`Settings::max_clients`](super::Settings::max_clients) slots. A connection
//! takes one when it is accepted and gives it back when its thread ends. When all are
//! taken, refusing the newcomer would let whoever holds the slots keep everyone else out:
//! 32 connections that never send a byte, or one that sends a byte now and then, would
//! lock a class out of its server. So the newcomer gets the slot of the connection that has
//! waited longest for its own next request (counted from its last reply, or from its
//! connecting, whatever it has trickled since), and that connection is hung up on. Only a
//! connection whose command is running keeps its slot for sure; when every slot is running
//! a command, the newcomer is turned away.
//!
//! One `Mutex` guards the table; a connection marks itself running under it, so a
//! connection is either evicted before its command starts (and never starts it) or not at
//! all. The sockets are shared (`Arc<TcpStream>`) so that the table can shut one down:
//! the thread blocked in its `read` wakes at once, with the end of the stream.

use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The table of slots.
#[derive(Debug)]
pub(super) struct Slots {
    limit: usize,
    state: Mutex<State>,
    /// Signalled when a connection's thread ends, for the shutdown to wait on.
    ended: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// The connections holding a slot, by ticket number.
    held: HashMap<u64, Held>,
    next_id: u64,
    /// Connections whose threads are still running: those holding a slot, and those
    /// evicted a moment ago and still ending.
    live: usize,
}

#[derive(Debug)]
struct Held {
    peer: SocketAddr,
    socket: Arc<TcpStream>,
    /// Since when it has waited for its next request; `None` while its command runs.
    idle_since: Option<Instant>,
}

/// What became of a new connection.
pub(super) enum Admission {
    /// A free slot.
    Admitted(Ticket),
    /// Every slot was taken: `evicted`, idle for `idle`, was hung up on to make room.
    MadeRoom {
        /// The newcomer's slot.
        ticket: Ticket,
        /// Who lost its slot.
        evicted: SocketAddr,
        /// How long it had waited for its next request.
        idle: Duration,
    },
    /// Every slot is running a command.
    Full,
}

impl Slots {
    /// A table of `limit` slots.
    pub(super) fn new(limit: usize) -> Arc<Slots> {
        Arc::new(Slots {
            limit,
            state: Mutex::new(State::default()),
            ended: Condvar::new(),
        })
    }

    /// How many slots there are.
    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    /// The table. Every change under the lock is a few assignments that cannot panic half
    /// way, so a lock poisoned by a panic elsewhere is used as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Gives `peer` a slot: a free one, or the one of the connection idle the longest.
    pub(super) fn admit(self: &Arc<Self>, peer: SocketAddr, socket: Arc<TcpStream>) -> Admission {
        let mut state = self.state();
        let mut made_room = None;
        if state.held.len() >= self.limit {
            let idlest = state
                .held
                .iter()
                .filter_map(|(id, held)| Some((*id, held.idle_since?)))
                .min_by_key(|(_, since)| *since);
            let Some((id, since)) = idlest else {
                return Admission::Full;
            };
            if let Some(held) = state.held.remove(&id) {
                // Its thread, blocked in read, wakes with the end of the stream.
                let _ = held.socket.shutdown(Shutdown::Both);
                made_room = Some((held.peer, since.elapsed()));
            }
        }
        let id = state.next_id;
        state.next_id += 1;
        state.live += 1;
        let idle_since = Some(Instant::now());
        state.held.insert(
            id,
            Held {
                peer,
                socket,
                idle_since,
            },
        );
        let ticket = Ticket {
            slots: Arc::clone(self),
            id,
        };
        match made_room {
            None => Admission::Admitted(ticket),
            Some((evicted, idle)) => Admission::MadeRoom {
                ticket,
                evicted,
                idle,
            },
        }
    }

    /// Waits up to `grace` for every connection's thread to end; returns how many had not.
    pub(super) fn wait_until_done(&self, grace: Duration) -> usize {
        let (state, _) = self
            .ended
            .wait_timeout_while(self.state(), grace, |state| state.live > 0)
            .unwrap_or_else(PoisonError::into_inner);
        state.live
    }
}

/// One connection's hold on a slot, given back when dropped (when its thread ends, even
/// by a panic, or when the thread could not be started).
#[derive(Debug)]
pub(super) struct Ticket {
    slots: Arc<Slots>,
    id: u64,
}

impl Ticket {
    /// Marks the connection as running a command, so that it keeps its slot. `false` when
    /// it has lost the slot already: the command must not run.
    pub(super) fn begin_command(&self) -> bool {
        let mut state = self.slots.state();
        match state.held.get_mut(&self.id) {
            Some(held) => {
                held.idle_since = None;
                true
            }
            None => false,
        }
    }

    /// Marks the command as done: from now on the connection waits, and may be evicted.
    pub(super) fn end_command(&self) {
        if let Some(held) = self.slots.state().held.get_mut(&self.id) {
            held.idle_since = Some(Instant::now());
        }
    }

    /// Whether the connection lost its slot to a newcomer.
    pub(super) fn evicted(&self) -> bool {
        !self.slots.state().held.contains_key(&self.id)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut state = self.slots.state();
        state.held.remove(&self.id);
        state.live -= 1;
        drop(state);
        self.slots.ended.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connected socket and its peer's address (the peer is dropped: only the table's
    /// handle matters here).
    fn socket() -> (Arc<TcpStream>, SocketAddr) {
        let (_client, stream) = e2e::tcp_pair();
        let peer = stream.peer_addr().unwrap();
        (Arc::new(stream), peer)
    }

    #[test]
    fn the_longest_idle_makes_room_and_a_running_command_keeps_its_slot() {
        let slots = Slots::new(2);
        let (a, a_peer) = socket();
        let (b, _) = socket();
        let Admission::Admitted(first) = slots.admit(a_peer, a) else {
            panic!("a free slot");
        };
        let Admission::Admitted(second) = slots.admit(a_peer, b) else {
            panic!("a free slot");
        };
        // The first has waited longer, but runs a command: the second makes room.
        assert!(first.begin_command());
        let (c, c_peer) = socket();
        let Admission::MadeRoom { ticket: third, .. } = slots.admit(c_peer, c) else {
            panic!("room made");
        };
        assert!(second.evicted());
        assert!(
            !second.begin_command(),
            "an evicted connection runs nothing"
        );
        // Both slots are now running commands: a fourth is turned away.
        assert!(third.begin_command());
        let (d, d_peer) = socket();
        assert!(matches!(slots.admit(d_peer, d), Admission::Full));
        first.end_command();
        drop((first, second, third));
        assert_eq!(slots.wait_until_done(Duration::ZERO), 0);
    }
}
