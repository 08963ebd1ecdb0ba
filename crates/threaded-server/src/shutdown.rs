//! Stopping a server from another thread: [`ShutdownHandle`].
//!
//! Python's `serve_forever()` stops when another thread calls `server.shutdown()` (calling
//! it from the serving thread itself deadlocks, as the Python docs warn). This module is
//! that `shutdown()`; what happens next, the grace period and the joins, is in
//! [`Server::serve`](crate::Server::serve).
//!
//! # Waking a thread blocked in `accept`
//!
//! The same way as every server of the workspace: raise a flag, then connect to the
//! listener's own address, which makes the blocked `accept` return
//! ([`netbasics::stop`] explains why this and not polling or closing the listener).
//! A server waiting for a free connection slot (not in `accept`) is woken through the
//! slot table's condition variable as well.

use crate::connections::Connections;
use std::net::SocketAddr;
use std::sync::Arc;

/// The stop request of one server, shared by the server and its handles.
#[derive(Debug)]
pub(crate) struct StopRequest {
    /// The flag, and the wake-up of a blocked `accept`.
    accept: netbasics::stop::Stop,
    /// To wake the serving thread if it is waiting for a free slot.
    connections: Arc<Connections>,
}

impl StopRequest {
    pub(crate) fn new(listening_on: SocketAddr, connections: Arc<Connections>) -> StopRequest {
        StopRequest {
            accept: netbasics::stop::Stop::new(listening_on),
            connections,
        }
    }

    /// Whether shutdown was asked for.
    pub(crate) fn requested(&self) -> bool {
        self.accept.is_requested()
    }

    /// Sets the flag and wakes the serving thread, wherever it waits. Idempotent.
    fn request(&self) {
        if self.accept.raise() {
            // First the thread that may be waiting for a free place (with every place
            // taken, the backlog may be full and the wake-up connection slow), then the
            // one blocked in `accept`.
            self.connections.close();
            self.accept.wake();
        }
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
    stop: Arc<StopRequest>,
}

impl ShutdownHandle {
    pub(crate) fn new(stop: Arc<StopRequest>) -> ShutdownHandle {
        ShutdownHandle { stop }
    }

    /// Asks the server to stop, and returns without waiting for it to finish (only for
    /// the wake-up connection, which takes microseconds). Calling it again, or before
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
    use std::time::Duration;

    #[test]
    fn shutdown_wakes_a_blocked_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let connections = Connections::new(1, Arc::new(Counters::default()));
        let handle = ShutdownHandle::new(Arc::new(StopRequest::new(
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
        let handle = ShutdownHandle::new(Arc::new(StopRequest::new(addr, connections)));
        handle.shutdown(); // the connection is refused; shutdown still returns
        assert!(handle.is_shutdown());
    }

    #[test]
    fn handles_can_be_sent_and_shared() {
        fn send_sync_clone<T: Send + Sync + Clone>() {}
        send_sync_clone::<ShutdownHandle>();
    }
}
