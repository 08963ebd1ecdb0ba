//! One thread's event loop: a listener, the connections it accepted, and one `epoll`
//! (through `mio`) that says which of them can go on.
//!
//! ```text
//! loop {
//!     wait until a socket is ready, or the next deadline sweep is due
//!     listener ready   -> accept every waiting client, register it
//!     connection ready -> read / answer / send as far as it goes without waiting
//!     sweep due        -> close connections past their deadline
//! }
//! ```
//!
//! A connection costs a few KiB here, not a thread: ten thousand idle keep-alive clients
//! are ten thousand entries in a table, and the next client is served at once.

use super::app::App;
use super::conn::{Conn, Flow, Waiting};
use super::{Limits, Shared};
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token, Waker};
use std::io::{self, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// Connection `i` is `Token(FIRST + i)`.
const FIRST: usize = 2;
/// How often deadlines are checked: they are in whole seconds, this is precise enough.
const SWEEP: Duration = Duration::from_millis(250);

/// Serves `listener`'s clients with `app` until the server is stopped.
pub fn run(
    listener: std::net::TcpListener,
    app: &dyn App,
    limits: &Limits,
    shared: &Shared,
    max_open: usize,
) -> io::Result<()> {
    let mut poll = Poll::new()?;
    shared.add_waker(Arc::new(Waker::new(poll.registry(), WAKER)?));
    let mut listener = Some(TcpListener::from_std(listener));
    if let Some(listener) = listener.as_mut() {
        poll.registry()
            .register(listener, LISTENER, Interest::READABLE)?;
    }
    let mut table = Table::default();
    let mut events = Events::with_capacity(1024);
    let mut next_sweep = Instant::now() + SWEEP;
    let mut stop_by: Option<Instant> = None;
    loop {
        let wait = next_sweep.saturating_duration_since(Instant::now());
        match poll.poll(&mut events, Some(wait)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        for event in events.iter() {
            match event.token() {
                LISTENER => {
                    if let Some(listener) = listener.as_ref() {
                        table.accept_all(listener, &poll, limits, max_open);
                    }
                }
                WAKER => {}
                Token(token) => {
                    let readable =
                        event.is_readable() || event.is_read_closed() || event.is_error();
                    table.ready(token - FIRST, readable, &poll, app, limits);
                }
            }
        }
        let now = Instant::now();
        if stop_by.is_none() && shared.is_stopped() {
            // Stop accepting; let what is in progress finish, for a while.
            if let Some(mut gone) = listener.take() {
                let _ = poll.registry().deregister(&mut gone);
            }
            stop_by = Some(now + limits.shutdown_grace);
        }
        if now >= next_sweep {
            table.sweep(now, &poll, app);
            next_sweep = now + SWEEP;
        }
        if let Some(stop_by) = stop_by {
            table.close_idle(&poll);
            if table.open == 0 || now >= stop_by {
                return Ok(());
            }
        }
    }
}

/// The connections of one loop, by token.
#[derive(Default)]
struct Table {
    slots: Vec<Option<Conn>>,
    free: Vec<usize>,
    open: usize,
}

impl Table {
    /// Accepts every client waiting in the listener's queue.
    fn accept_all(
        &mut self,
        listener: &TcpListener,
        poll: &Poll,
        limits: &Limits,
        max_open: usize,
    ) {
        loop {
            match listener.accept() {
                Ok((stream, peer)) => {
                    if self.open >= max_open {
                        // Full: closing at once tells the client more than a queue would.
                        drop(stream);
                        continue;
                    }
                    // Head and body leave as soon as they are written: no waiting for
                    // the ACK of the previous segment (Nagle) to send the last piece.
                    let _ = stream.set_nodelay(true);
                    let mut conn = Conn::new(stream, peer, limits);
                    let slot = self.free.pop().unwrap_or_else(|| {
                        self.slots.push(None);
                        self.slots.len() - 1
                    });
                    let interest = Interest::READABLE | Interest::WRITABLE;
                    if poll
                        .registry()
                        .register(&mut conn.stream, Token(FIRST + slot), interest)
                        .is_err()
                    {
                        self.free.push(slot);
                        continue;
                    }
                    self.slots[slot] = Some(conn);
                    self.open += 1;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Out of descriptors, or a client that left before being accepted: try
                // again at the next readiness report.
                Err(e) => {
                    eprintln!("accept: {e}");
                    return;
                }
            }
        }
    }

    /// Connection `slot`'s socket is ready (`readable`: for reading, or closed).
    fn ready(&mut self, slot: usize, readable: bool, poll: &Poll, app: &dyn App, limits: &Limits) {
        let Some(conn) = self.slots.get_mut(slot).and_then(Option::as_mut) else {
            return;
        };
        if conn.on_ready(readable, app, limits) == Flow::Close {
            self.close(slot, poll);
        }
    }

    /// Closes the connections whose deadline has passed.
    fn sweep(&mut self, now: Instant, poll: &Poll, app: &dyn App) {
        for slot in 0..self.slots.len() {
            let Some(conn) = self.slots[slot].as_mut() else {
                continue;
            };
            if now < conn.deadline {
                continue;
            }
            if conn.waiting == Waiting::Request {
                // A best effort: if the socket does not take it now, it is not waited for.
                if let Some(bytes) = app.on_request_timeout(conn.peer) {
                    let _ = conn.stream.write(&bytes);
                }
            }
            self.close(slot, poll);
        }
    }

    /// Closes every connection with nothing in progress (at shutdown).
    fn close_idle(&mut self, poll: &Poll) {
        for slot in 0..self.slots.len() {
            if self.slots[slot].as_ref().is_some_and(Conn::is_idle) {
                self.close(slot, poll);
            }
        }
    }

    fn close(&mut self, slot: usize, poll: &Poll) {
        if let Some(mut conn) = self.slots[slot].take() {
            let _ = poll.registry().deregister(&mut conn.stream);
            self.free.push(slot);
            self.open -= 1;
        }
    }
}
