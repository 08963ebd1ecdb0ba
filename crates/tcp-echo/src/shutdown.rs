//! Stopping a single-threaded server cleanly on Ctrl-C.
//!
//! The server's one thread is always blocked somewhere: in `accept()` waiting for a
//! client, or in `recv()`/`send()` with the current client. A Ctrl-C handler runs on
//! another thread, and Rust's standard library offers no way to interrupt those calls.
//! So [`Shutdown::stop`] does it through the sockets themselves:
//!
//! 1. it raises the "stopping" flag, which the accept loop checks after every `accept`,
//!    and connects to the server's own port: that connection wakes the blocked `accept`
//!    (or waits in the backlog until the current client is done). This part is
//!    [`netbasics::stop::Stop`], the way every server of the workspace stops;
//! 2. it gives the current client a short grace period to finish, then shuts its socket
//!    down, which wakes the blocked `recv` (it returns 0) or `send` (it fails). This part
//!    is this lesson's own: a server with one client at a time has one to watch.

use std::io;
use std::net::{Shutdown as Direction, SocketAddr, TcpStream};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use netbasics::stop::Stop;

/// The stop signal shared by the accept loop and the Ctrl-C handler.
///
/// # Examples
///
/// ```
/// use std::net::TcpListener;
/// use std::sync::Arc;
/// use std::time::Duration;
/// use tcp_echo::shutdown::{Shutdown, Stopped};
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let addr = listener.local_addr().unwrap();
/// let shutdown = Arc::new(Shutdown::new(addr));
///
/// let server = {
///     let shutdown = Arc::clone(&shutdown);
///     std::thread::spawn(move || {
///         let mut served = 0;
///         loop {
///             let (stream, _) = listener.accept().unwrap();   // 4. accept
///             if shutdown.is_stopping() {
///                 break; // the wake-up connection (or a client arriving as we stop)
///             }
///             if let Some(_serving) = shutdown.serving(&stream).unwrap() {
///                 served += 1; // ... serve the client here ...
///             }
///         }
///         served
///     })
/// };
/// // The Ctrl-C handler would call this:
/// assert_eq!(shutdown.stop(Duration::from_secs(2)), Stopped::NoClient);
/// assert_eq!(server.join().unwrap(), 0);
/// ```
#[derive(Debug)]
pub struct Shutdown {
    /// The flag the accept loop checks, and the wake-up of its `accept`.
    accept: Stop,
    /// A handle on the client being served now, so that `stop` can hang up on it.
    current: Mutex<Option<TcpStream>>,
    /// Signalled when the current client's visit ends.
    finished: Condvar,
    /// Set by [`Shutdown::stop`] just before it hangs up on a client: the grace period
    /// the client had.
    hung_up: OnceLock<Duration>,
}

/// What [`Shutdown::stop`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// No client was being served.
    NoClient,
    /// The client being served finished within the grace period.
    ClientFinished,
    /// The client being served was still connected at the end of the grace period and
    /// was hung up on.
    HungUp,
}

/// Proof that a client is being served; dropping it says the visit is over.
#[derive(Debug)]
pub struct Serving<'a> {
    shutdown: &'a Shutdown,
}

impl Drop for Serving<'_> {
    fn drop(&mut self) {
        *self.shutdown.lock() = None;
        self.shutdown.finished.notify_all();
    }
}

impl Shutdown {
    /// A server listening on `listening` (its `local_addr()`), not stopping.
    pub fn new(listening: SocketAddr) -> Self {
        Shutdown {
            accept: Stop::new(listening),
            current: Mutex::new(None),
            finished: Condvar::new(),
            hung_up: OnceLock::new(),
        }
    }

    /// Whether [`stop`](Self::stop) has been called. The accept loop checks this after
    /// every `accept()` returns.
    pub fn is_stopping(&self) -> bool {
        self.accept.is_requested()
    }

    /// Whether [`stop`](Self::stop) hung up on a client that was still connected at the
    /// end of the grace period, and after how long (the server's thread reports it: the
    /// program may end before the Ctrl-C handler's thread could say so).
    pub fn hung_up(&self) -> Option<Duration> {
        self.hung_up.get().copied()
    }

    /// Records that `stream`'s client is about to be served, so that a stop can hang up
    /// on it. Keep the returned guard for as long as the client is served.
    ///
    /// `Ok(None)` means the server is stopping: do not serve this client. (The check is
    /// made under the same lock `stop` takes, so a client is either registered before
    /// the stop, and given the grace period, or turned away: never served unwatched.)
    ///
    /// # Errors
    ///
    /// Keeping a handle needs a second file descriptor for the socket (`try_clone`); the
    /// system's error if it has none left.
    pub fn serving(&self, stream: &TcpStream) -> io::Result<Option<Serving<'_>>> {
        let handle = stream.try_clone()?;
        let mut current = self.lock();
        if self.is_stopping() {
            return Ok(None);
        }
        *current = Some(handle);
        Ok(Some(Serving { shutdown: self }))
    }

    /// Stops the server: called from the Ctrl-C handler.
    ///
    /// Raises the flag and wakes the accept loop with a connection to the server's own
    /// address ([`Stop::raise`], [`Stop::wake`]), waits up to `grace` for the current
    /// client to finish, then shuts its socket down. Returns once the server's thread has
    /// been woken; the server then ends by itself.
    pub fn stop(&self, grace: Duration) -> Stopped {
        {
            // Under the lock `serving` takes: a client is registered before the stop, or
            // turned away after it.
            let _current = self.lock();
            self.accept.raise();
        }
        // Outside the lock: the connection may wait while the backlog is full.
        self.accept.wake();

        let current = self.lock();
        if current.is_none() {
            return Stopped::NoClient;
        }
        let (mut current, _) = self
            .finished
            .wait_timeout_while(current, grace, |client| client.is_some())
            .unwrap_or_else(PoisonError::into_inner);
        match current.take() {
            None => Stopped::ClientFinished,
            Some(client) => {
                // Said before it is done, so that the server's thread, which wakes up and
                // may end the program at once, can tell why its client went away.
                let _ = self.hung_up.set(grace);
                // Both directions: a recv() returns 0, a send() fails at once.
                let _ = client.shutdown(Direction::Both);
                Stopped::HungUp
            }
        }
    }

    /// The lock on the current client. A panic while it was held cannot leave it in a
    /// bad state (it holds an Option), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, Option<TcpStream>> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::{mpsc, Arc};
    use std::thread;

    const DEADLINE: Duration = Duration::from_secs(30);

    /// A one-thread echo server loop written with the Shutdown API, as the binary does.
    fn spawn_server(listener: TcpListener, shutdown: Arc<Shutdown>) -> thread::JoinHandle<u32> {
        thread::spawn(move || {
            let mut served = 0;
            loop {
                let Ok((mut stream, _)) = listener.accept() else {
                    continue;
                };
                if shutdown.is_stopping() {
                    return served;
                }
                let Some(_serving) = shutdown.serving(&stream).unwrap() else {
                    return served;
                };
                served += 1;
                let mut buf = [0u8; 64];
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        })
    }

    #[test]
    fn stop_without_a_client_wakes_accept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Arc::new(Shutdown::new(addr));
        let server = spawn_server(listener, Arc::clone(&shutdown));
        assert!(!shutdown.is_stopping());
        assert_eq!(shutdown.stop(DEADLINE), Stopped::NoClient);
        assert!(shutdown.is_stopping());
        assert_eq!(server.join().unwrap(), 0);
    }

    #[test]
    fn a_client_that_stays_is_hung_up_on_after_the_grace_period() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Arc::new(Shutdown::new(addr));
        let server = spawn_server(listener, Arc::clone(&shutdown));

        let mut client = TcpStream::connect(addr).unwrap();
        client.set_read_timeout(Some(DEADLINE)).unwrap();
        client.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        client.read_exact(&mut buf).unwrap(); // the server is now serving us

        // A grace period of zero: hang up at once.
        assert_eq!(shutdown.hung_up(), None);
        assert_eq!(shutdown.stop(Duration::ZERO), Stopped::HungUp);
        assert_eq!(shutdown.hung_up(), Some(Duration::ZERO));
        assert_eq!(client.read(&mut buf).unwrap(), 0, "the server closed");
        assert_eq!(server.join().unwrap(), 1);
    }

    #[test]
    fn a_client_that_finishes_in_time_is_not_cut() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Arc::new(Shutdown::new(addr));
        let server = spawn_server(listener, Arc::clone(&shutdown));

        let mut client = TcpStream::connect(addr).unwrap();
        client.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        client.read_exact(&mut buf).unwrap();

        let (tx, rx) = mpsc::channel();
        let stopper = {
            let shutdown = Arc::clone(&shutdown);
            thread::spawn(move || tx.send(shutdown.stop(DEADLINE)).unwrap())
        };
        // Wait until the stop has been asked for, then leave.
        while !shutdown.is_stopping() {
            thread::yield_now();
        }
        drop(client);
        let stopped = rx.recv_timeout(DEADLINE).unwrap();
        stopper.join().unwrap();
        // ClientFinished, or NoClient if the visit was already over when `stop` looked:
        // either way the client was not cut off.
        assert_ne!(stopped, Stopped::HungUp);
        assert_eq!(server.join().unwrap(), 1);
    }

    #[test]
    fn no_client_is_registered_once_stopping() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = Shutdown::new(addr);
        assert_eq!(shutdown.stop(DEADLINE), Stopped::NoClient);
        let client = TcpStream::connect(addr).unwrap();
        assert!(shutdown.serving(&client).unwrap().is_none());
    }
}
