//! Stopping a server's accept loop from another thread: [`Stop`].
//!
//! A server's main thread spends its life blocked in `accept()`. A Ctrl-C handler runs on
//! another thread, and a flag that the loop checks only *after* `accept` returns is not
//! enough: with no new client, `accept` never returns. There are three classic ways out:
//!
//! 1. **Poll**: make the listener non-blocking and wait for it with a timeout
//!    (`select`/`poll`), checking the flag every, say, half a second. This is what Python's
//!    `serve_forever(poll_interval=0.5)` does. It costs a wake-up every interval for ever,
//!    and a stop waits up to one interval.
//! 2. **Close the listener from another thread.** Not portable: on Linux a `close` does
//!    not wake a thread already blocked in `accept` (a `shutdown(SHUT_RD)` does, on Linux
//!    only), and closing a descriptor another thread is using is a race in any case.
//! 3. **Connect to ourselves.** Set the flag, then open a TCP connection to the listener's
//!    own address. `accept` returns that connection, the loop sees the flag and stops.
//!
//! Every server of the workspace uses 3: it needs nothing beyond std, works the same on
//! every system, and costs nothing while the server runs. The connection is made on
//! loopback (to `127.0.0.1` or `::1` when the server listens on every address, see
//! [`any_address`](crate::any_address)), so it never leaves the machine. No wake-up is
//! lost: if the flag is set just after the serving thread checked it, the wake-up
//! connection waits in the listen backlog, and the next `accept` returns it.
//!
//! What a server does with the clients it is serving when it stops (a grace period, then
//! hanging up) is its own business: the one-client server of lesson 5 and the many-client
//! server of lesson 7 do it differently, each around this one mechanism.

use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long the wake-up connection may take. On loopback it takes microseconds; only a
/// full backlog (where `accept` is not blocked anyway) could make it wait.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// The stop request of one accept loop: a flag, and the address that wakes `accept`.
///
/// Share it (in an `Arc`) between the loop and whoever stops it, usually a Ctrl-C
/// handler. The loop checks [`is_requested`](Stop::is_requested) every time `accept`
/// returns, whether with a client or with an error.
///
/// # Examples
///
/// ```
/// use std::net::TcpListener;
/// use std::sync::Arc;
/// use netbasics::stop::Stop;
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let stop = Arc::new(Stop::new(listener.local_addr().unwrap()));
///
/// let server = {
///     let stop = Arc::clone(&stop);
///     std::thread::spawn(move || {
///         let mut served = 0;
///         for connection in listener.incoming() {      // 4. accept, blocked here
///             if stop.is_requested() {
///                 break; // the wake-up connection (or a client arriving as we stop)
///             }
///             if connection.is_ok() {
///                 served += 1; // ... serve the client here ...
///             }
///         }
///         served
///     })
/// };
/// assert!(stop.request()); // what the Ctrl-C handler calls
/// assert!(!stop.request()); // a second time does nothing
/// assert_eq!(server.join().unwrap(), 0);
/// ```
#[derive(Debug)]
pub struct Stop {
    /// Set once; the accept loop ends when it sees it.
    requested: AtomicBool,
    /// Where to connect to wake the loop from `accept`.
    wake_addr: SocketAddr,
}

impl Stop {
    /// The stop request of a loop accepting on `listening` (the listener's
    /// `local_addr()`, so that port 0 has become the real port).
    pub fn new(listening: SocketAddr) -> Stop {
        Stop {
            requested: AtomicBool::new(false),
            wake_addr: crate::any_address::connectable(listening),
        }
    }

    /// Whether a stop was requested. The accept loop asks after every `accept`.
    pub fn is_requested(&self) -> bool {
        // SeqCst (the strictest ordering) for a flag read once per connection: the cost is
        // nothing here, and nobody has to reason about weaker orderings.
        self.requested.load(Ordering::SeqCst)
    }

    /// Sets the flag and wakes the loop from `accept`: [`raise`](Stop::raise), then
    /// [`wake`](Stop::wake). Returns `true` the first time, `false` if a stop was already
    /// requested (nothing is done again).
    pub fn request(&self) -> bool {
        if !self.raise() {
            return false;
        }
        self.wake();
        true
    }

    /// Only sets the flag; `true` the first time. For a server that must do something
    /// between the two halves of a stop, for instance set the flag under a lock of its own
    /// and connect after releasing it (a connection can take up to a second when the
    /// backlog is full, too long to hold a lock).
    pub fn raise(&self) -> bool {
        !self.requested.swap(true, Ordering::SeqCst)
    }

    /// Only wakes the loop from `accept`, with a connection to the listener's own address.
    pub fn wake(&self) {
        // The connection only needs to be made; it is closed at once. An error means the
        // listener is already closed (the loop has ended): nobody to wake.
        let _ = TcpStream::connect_timeout(&self.wake_addr, WAKE_TIMEOUT);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_request_wakes_a_blocked_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stop = Stop::new(listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let acceptor = std::thread::spawn(move || tx.send(listener.accept().is_ok()).unwrap());
        assert!(!stop.is_requested());
        assert!(stop.request());
        assert!(stop.is_requested());
        assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(true));
        acceptor.join().unwrap();
    }

    #[test]
    fn a_server_bound_to_every_address_is_woken_through_loopback() {
        let listener = TcpListener::bind("0.0.0.0:0").unwrap();
        let stop = Stop::new(listener.local_addr().unwrap());
        assert!(stop.request());
        let (_, peer) = listener.accept().unwrap();
        assert!(peer.ip().is_loopback());
    }

    #[test]
    fn a_request_with_no_listener_left_returns() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let stop = Stop::new(listener.local_addr().unwrap());
        drop(listener);
        assert!(stop.request()); // the connection is refused; the request still counts
        assert!(stop.is_requested());
    }
}
