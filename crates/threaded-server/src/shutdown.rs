//! Stopping a server from another thread: [`ShutdownHandle`].
//!
//! Python's `serve_forever()` stops when another thread calls `server.shutdown()` (calling
//! it from the serving thread itself deadlocks, as the Python docs warn). This module is
//! that `shutdown()`; what happens next, the grace period and the joins, is in
//! [`Server::serve`](crate::Server::serve).
//!
//! # Waking a thread blocked in `accept`
//!
//! The serving thread spends its life blocked in `accept()`, and a flag it checks only
//! *after* `accept` returns is not enough: with no new client, `accept` never returns.
//! There are three classic ways out:
//!
//! 1. **Poll**: make the listener non-blocking and wait for it with a timeout
//!    (`select`/`poll`), checking the flag every, say, half a second. This is what Python's
//!    `serve_forever(poll_interval=0.5)` does. It costs a wake-up every interval for ever,
//!    and shutdown waits up to one interval.
//! 2. **Close the listener from another thread.** Not portable: on Linux a `close` does
//!    not wake a thread already blocked in `accept` (a `shutdown(SHUT_RD)` does, on Linux
//!    only), and closing a descriptor another thread is using is a race in any case.
//! 3. **Connect to ourselves.** Set the flag, then open a TCP connection to the listener's
//!    own address. `accept` returns that connection, the loop sees the flag and stops.
//!
//! We use 3: it needs nothing beyond std, works the same on every system, and costs
//! nothing while the server runs. The connection is made on loopback (to `127.0.0.1` or
//! `::1` when the server listens on every address), so it never leaves the machine.
//! No wake-up is lost: if the flag is set just after the serving thread checked it, the
//! wake-up connection waits in the listen queue, and the next `accept` returns it.
//!
//! A server waiting for a free connection slot (not in `accept`) is woken through the
//! slot table's condition variable instead.

use crate::connections::Connections;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long the wake-up connection may take. On loopback it takes microseconds; only a
/// full listen queue (where `accept` is not blocked anyway) could make it wait.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// The stop request of one server, shared by the server and its handles.
#[derive(Debug)]
pub(crate) struct Stop {
    requested: AtomicBool,
    /// Where to connect to wake the serving thread from `accept`.
    wake_addr: SocketAddr,
    /// To wake the serving thread if it is waiting for a free slot.
    connections: Arc<Connections>,
}

impl Stop {
    pub(crate) fn new(listening_on: SocketAddr, connections: Arc<Connections>) -> Stop {
        Stop {
            requested: AtomicBool::new(false),
            wake_addr: netbasics::any_address::connectable(listening_on),
            connections,
        }
    }

    /// Whether shutdown was asked for.
    pub(crate) fn requested(&self) -> bool {
        // SeqCst (the strictest ordering) for a flag read once per connection: the cost is
        // nothing here, and nobody has to reason about weaker orderings.
        self.requested.load(Ordering::SeqCst)
    }

    /// Sets the flag and wakes the serving thread, wherever it waits. Idempotent.
    fn request(&self) {
        if self.requested.swap(true, Ordering::SeqCst) {
            return; // already requested: the serving thread was woken then
        }
        self.connections.close();
        // An error means the listener is already closed (serve has returned or is
        // returning): nobody to wake.
        let _ = TcpStream::connect_timeout(&self.wake_addr, WAKE_TIMEOUT);
    }
}

/// Stops a server from any thread: `Clone`, `Send` and `Sync`.
///
/// [`shutdown`](ShutdownHandle::shutdown) asks the server to stop and returns at once; the
/// server's [`serve`](crate::Server::serve) then stops accepting, gives the connections
/// still open up to the grace period to finish, cuts the rest, joins every thread, and
/// returns `Ok(())`. To wait for all that, wait for `serve` to return.
///
/// # Examples
///
/// ```
/// use std::net::{SocketAddr, TcpStream};
/// use threaded_server::Server;
///
/// let server = Server::bind("127.0.0.1:0")?;
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || {
///     server.serve(|_stream: &TcpStream, _peer: SocketAddr| Ok(()))
/// });
/// stop.shutdown();
/// assert!(stop.is_shutdown());
/// serving.join().unwrap()?; // serve returned Ok
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ShutdownHandle {
    stop: Arc<Stop>,
}

impl ShutdownHandle {
    pub(crate) fn new(stop: Arc<Stop>) -> ShutdownHandle {
        ShutdownHandle { stop }
    }

    /// Asks the server to stop, and returns without waiting. Calling it again, or before
    /// `serve`, is harmless (a server told to stop before it serves returns from `serve`
    /// at once).
    pub fn shutdown(&self) {
        self.stop.request();
    }

    /// Whether [`shutdown`](ShutdownHandle::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        self.stop.requested()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Counters;
    use std::net::TcpListener;

    #[test]
    fn shutdown_wakes_a_blocked_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Connections::new(1, Arc::new(Counters::default()));
        let handle = ShutdownHandle::new(Arc::new(Stop::new(
            listener.local_addr().unwrap(),
            connections,
        )));
        let (tx, rx) = std::sync::mpsc::channel();
        let acceptor = std::thread::spawn(move || {
            let woken = listener.accept().is_ok();
            tx.send(woken).unwrap();
        });
        assert!(!handle.is_shutdown());
        handle.shutdown();
        handle.shutdown(); // twice is harmless
        assert!(handle.is_shutdown());
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));
        acceptor.join().unwrap();
    }

    #[test]
    fn shutdown_with_no_listener_left_returns() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let connections = Connections::new(1, Arc::new(Counters::default()));
        let handle = ShutdownHandle::new(Arc::new(Stop::new(addr, connections)));
        handle.shutdown(); // the connection is refused; shutdown still returns
        assert!(handle.is_shutdown());
    }

    #[test]
    fn handles_can_be_sent_and_shared() {
        fn send_sync_clone<T: Send + Sync + Clone>() {}
        send_sync_clone::<ShutdownHandle>();
    }
}
