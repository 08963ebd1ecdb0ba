//! The server's engine: event loops, one per thread, each serving many connections.
//!
//! # Why not a thread per connection, or a pool?
//!
//! HTTP/1.1 keeps a connection open between requests (keep-alive, the course's 长连接), so
//! a browser holds several connections that are idle most of the time. Lesson 7's designs
//! both suffer from that:
//!
//! - a **pool** of N workers, each serving one connection until it closes, is full as soon
//!   as N clients keep a connection open: client N+1 waits, though every worker sits idle
//!   in `recv` (the classic failure: `wrk -c64` against 8 workers serves 8 connections);
//! - a **thread per connection** serves everyone, but a thread per idle client is memory
//!   and scheduling spent on nothing, and a cap on threads brings the pool's problem back.
//!
//! So each thread here runs an **event loop** (nginx's design): it asks the kernel
//! (`epoll`, through `mio`) which of its sockets are ready, and does for each only what can
//! be done without waiting: read what has arrived, answer a request that is whole, send
//! what the socket takes. An idle connection costs an entry in a table and a few KiB of
//! buffer; a request that arrives a byte at a time costs nothing between its bytes. The
//! threads (one per core by default) each have their own listener on the same port
//! (`SO_REUSEPORT`: the kernel spreads new connections among them) and share nothing else.
//!
//! The loop knows nothing of HTTP: it shows each connection's bytes to an [`App`], which
//! says "need more" or gives a [`Reply`] (head bytes, then file ranges sent with
//! `sendfile(2)`).
//!
//! # Layout
//!
//! - this file: [`Server`], [`Limits`], [`ShutdownHandle`];
//! - `app.rs`: [`App`], and what the loop and the app say to each other;
//! - `event_loop.rs`: one thread's loop, and its table of connections;
//! - `conn.rs`: one connection: buffers, deadline, read/answer/send;
//! - `sendfile.rs`: `sendfile(2)` on a non-blocking socket.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub mod app;
mod conn;
mod event_loop;
mod sendfile;

pub use app::{App, Chunk, Input, Reply, Step};

/// How long a server waits for what, and how much it takes.
#[derive(Debug, Clone)]
pub struct Limits {
    /// From a request's first byte to its last (and from connecting to the first request).
    pub request_timeout: Duration,
    /// How long a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// How long sending may make no progress (a client that stops reading).
    pub write_timeout: Duration,
    /// Requests per connection; the last is answered with `Connection: close`.
    pub max_requests: u64,
    /// Connections open at once, over all threads; more are closed at once.
    pub max_connections: usize,
    /// At shutdown, how long requests in progress may take to finish.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_requests: 1000,
            max_connections: 10_000,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// What the loops share: the stop flag, and how to wake each loop to see it.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    stopped: AtomicBool,
    wakers: Mutex<Vec<Arc<mio::Waker>>>,
}

impl Shared {
    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// A loop's waker; a loop that starts after the stop sees the flag on its first turn.
    fn add_waker(&self, waker: Arc<mio::Waker>) {
        self.wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(waker);
    }
}

/// Stops a running [`Server`] from another thread (a Ctrl-C handler).
#[derive(Debug, Clone)]
pub struct ShutdownHandle(Arc<Shared>);

impl ShutdownHandle {
    /// Stops accepting, lets requests in progress finish (within the grace period), and
    /// makes [`Server::serve`] return.
    pub fn shutdown(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        let wakers = self.0.wakers.lock().unwrap_or_else(PoisonError::into_inner);
        for waker in wakers.iter() {
            let _ = waker.wake();
        }
    }
}

/// A bound server: a listener per thread, all on one address.
#[derive(Debug)]
pub struct Server {
    listeners: Vec<TcpListener>,
    addr: SocketAddr,
    limits: Limits,
    shared: Arc<Shared>,
}

impl Server {
    /// Binds `threads` listeners to `addr` (port 0: the first gets a free port, the others
    /// the same one).
    pub fn bind(addr: SocketAddr, threads: usize) -> std::io::Result<Server> {
        let first = listener(addr)?;
        let addr = first.local_addr()?;
        let mut listeners = vec![first];
        for _ in 1..threads.max(1) {
            listeners.push(listener(addr)?);
        }
        Ok(Server {
            listeners,
            addr,
            limits: Limits::default(),
            shared: Arc::new(Shared::default()),
        })
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Server {
        self.limits = limits;
        self
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops it.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(Arc::clone(&self.shared))
    }

    /// Serves with `app` on one thread per listener until stopped.
    ///
    /// # Errors
    ///
    /// The first error that stopped a loop (creating its `epoll`, or waiting on it).
    pub fn serve(self, app: impl App) -> std::io::Result<()> {
        let threads = self.listeners.len();
        let max_open = self.limits.max_connections.div_ceil(threads).max(1);
        let (app, limits, shared) = (&app, &self.limits, &*self.shared);
        std::thread::scope(|scope| {
            let loops: Vec<_> = self
                .listeners
                .into_iter()
                .map(|listener| {
                    scope.spawn(move || event_loop::run(listener, app, limits, shared, max_open))
                })
                .collect();
            let mut result = Ok(());
            for handle in loops {
                let ended = handle
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("an event loop panicked")));
                if ended.is_err() && result.is_ok() {
                    // One loop failing stops the others: a server half up is worse.
                    ShutdownHandle(Arc::clone(&self.shared)).shutdown();
                    result = ended;
                }
            }
            result
        })
    }
}

/// One listener: `SO_REUSEADDR` (restart while old connections linger in TIME_WAIT, lesson
/// 5), `SO_REUSEPORT` (several listeners on one port, the kernel spreading new connections
/// among them), non-blocking (the loop accepts until "would block").
fn listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    #[cfg(all(unix, not(any(target_os = "solaris", target_os = "illumos"))))]
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests;
