//! The server: bind, settings, and the accept loop that hands connections to threads.
//!
//! The course's `socketserver.ThreadingTCPServer(addr, MyHandler).serve_forever()` becomes
//!
//! ```text
//! Server::bind(addr)?            socket + SO_REUSEADDR + bind + listen
//!     .mode(Mode::Spawn)         ThreadingTCPServer: a thread per client
//!     .max_connections(100)      (socketserver has no limit)
//!     .serve(handler)?           serve_forever(), until ShutdownHandle::shutdown()
//! ```
//!
//! # The life of a connection
//!
//! 1. The accepting thread takes a slot in the connection table (waiting for one with
//!    [`Overload::Wait`]), then calls `accept`. With [`Overload::Refuse`] it accepts first,
//!    and turns the client away if no slot is free.
//! 2. It puts the socket in an `Arc`, shared by the table (so shutdown can cut it) and the
//!    thread that serves it: one socket, one file descriptor, two owners. It hands the
//!    connection, with its slot, to a thread: a new one ([`Mode::Spawn`]) or the pool's
//!    queue ([`Mode::Pool`]).
//! 3. That thread sets the timeouts, lends the socket to the handler (`&TcpStream`) inside
//!    `catch_unwind`, logs and counts how it ended, drops its `Arc`, then the slot: the
//!    slot is free and the table's `Arc`, the last one, closes the socket.
//!
//! # Shutdown
//!
//! [`ShutdownHandle::shutdown`] sets a flag and wakes the accepting thread, which then
//! closes the listener (new clients are refused by the system from now on), waits up to
//! the grace period for the connections still open, shuts down the sockets of those that
//! are left (their blocked reads return), joins every connection thread or worker, and
//! returns `Ok(())`.

use crate::connections::{Connections, Slot};
use crate::handler::{self, Handler, Outcome};
use crate::pool::ThreadPool;
use crate::shutdown::{ShutdownHandle, StopRequest};
use crate::stats::{Counters, Stats};
use netbasics::cli::{plural, Peer};
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use tcp_echo::deadline::{self, write_all_by};

/// How many finished handshakes the kernel may queue before we `accept` them. The course
/// writes `listen(5)` or `listen(128)` and calls it the "maximum number of connections";
/// it is not: it bounds only connections waiting for `accept`. Linux caps it at
/// `net.core.somaxconn` (4096 on recent kernels).
pub const BACKLOG: i32 = 1024;
/// The default for [`Server::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// The default for [`Server::read_timeout`]: a client silent this long is dropped, so idle
/// clients cannot hold every slot for ever.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(300);
/// The default for [`Server::write_timeout`]: a client that stops reading cannot hold a
/// thread for ever either.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The default for [`Server::shutdown_grace`].
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long the [`Handler::busy`] message may take to leave, all of it: the accepting
/// thread writes it, and a client that does not read must not stop the server from
/// accepting.
const BUSY_WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// Which thread serves a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new thread per connection (`socketserver.ThreadingTCPServer`). Simple; the number
    /// of threads is bounded by [`Server::max_connections`].
    Spawn,
    /// A fixed pool of `workers` threads taking connections from a bounded queue (see
    /// [`pool`](crate::pool)). At most `workers` connections are *served* at once; the
    /// others accepted wait in the queue, up to `max_connections` in all.
    Pool {
        /// How many worker threads (at least 1).
        workers: usize,
    },
}

/// In words, for a server's first log line.
///
/// ```
/// use threaded_server::Mode;
///
/// assert_eq!(Mode::Spawn.to_string(), "a thread per client");
/// assert_eq!(Mode::Pool { workers: 4 }.to_string(), "a pool of 4 workers");
/// ```
impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Spawn => f.write_str("a thread per client"),
            Mode::Pool { workers } => write!(
                f,
                "a pool of {}",
                netbasics::cli::plural(*workers as u64, "worker")
            ),
        }
    }
}

/// What to do with a new client when `max_connections` are already open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overload {
    /// Stop accepting until a connection ends (backpressure). New clients wait in the
    /// kernel's listen queue (their `connect` succeeds, the server answers later); when
    /// that queue is full too, the kernel drops their handshakes and they retry.
    Wait,
    /// Accept the connection and close it at once, after the handler's
    /// [`busy`](Handler::busy) message; counted in [`Stats::refused`].
    Refuse,
}

/// A settings mistake that [`Server::serve`] reports (as an `InvalidInput` I/O error
/// wrapping this value) before serving anyone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// `Mode::Pool { workers: 0 }`.
    #[error("a pool needs at least 1 worker, got 0")]
    NoWorkers,
    /// `max_connections(0)`.
    #[error("max_connections must be at least 1 (0 would serve nobody)")]
    NoConnections,
    /// `read_timeout(Some(Duration::ZERO))` or the same for writes.
    #[error("a {0} timeout of zero is not allowed; use None for no timeout")]
    ZeroTimeout(&'static str),
    /// `serve` was called a second time (or while already serving).
    #[error("this server has already served: a Server serves once; bind a new one")]
    AlreadyServed,
}

impl From<SettingsError> for io::Error {
    fn from(err: SettingsError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, err)
    }
}

/// A TCP server that serves many clients at once, with a thread per client or a pool.
///
/// # Examples
///
/// An echo server on a port the system chooses, one client, then shutdown:
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown, SocketAddr, TcpStream};
/// use threaded_server::{Mode, Server};
///
/// let server = Server::bind("127.0.0.1:0")?.mode(Mode::Pool { workers: 4 }).quiet(true);
/// let addr = server.local_addr();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || {
///     server.serve(|stream: &TcpStream, _peer: SocketAddr| {
///         // Two copies of the reference, one to read and one to write: one socket.
///         let (mut reader, mut writer) = (stream, stream);
///         std::io::copy(&mut reader, &mut writer)?; // echo until the client closes
///         Ok(())
///     })
/// });
///
/// let mut client = TcpStream::connect(addr)?;
/// client.write_all(b"hello")?;
/// client.shutdown(Shutdown::Write)?; // "that's all": the server sees end-of-stream
/// let mut reply = Vec::new();
/// client.read_to_end(&mut reply)?;
/// assert_eq!(reply, b"hello");
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Server {
    /// Taken out by `serve`, and dropped (closed) as soon as accepting stops; `None`
    /// after that, which is also how a second `serve` is detected.
    listener: Mutex<Option<TcpListener>>,
    local_addr: SocketAddr,
    mode: Mode,
    max_connections: usize,
    overload: Overload,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    shutdown_grace: Duration,
    quiet: bool,
    counters: Arc<Counters>,
    connections: Arc<Connections>,
    stop: Arc<StopRequest>,
}

/// What a connection's thread needs besides the connection: shared, read-only settings.
#[derive(Debug)]
struct Context {
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    quiet: bool,
    counters: Arc<Counters>,
}

impl Server {
    /// Creates the listening socket: socket, `SO_REUSEADDR`, bind, listen (the course's
    /// steps 1-3). Port 0 lets the system choose; [`local_addr`](Server::local_addr) tells
    /// which. When `addr` names several addresses (`"localhost:9090"`), each is tried in
    /// turn, and the last error is returned if none works.
    ///
    /// `SO_REUSEADDR` lets the server restart at once: without it, `bind` fails with
    /// "address in use" while the previous run's connections sit in TIME_WAIT (about a
    /// minute). It does not let two servers listen on one port. (On Windows the option
    /// means something else, letting another program steal the port, so it is not set
    /// there; Windows needs no help with TIME_WAIT.)
    ///
    /// # Examples
    ///
    /// ```
    /// use threaded_server::Server;
    ///
    /// let server = Server::bind("127.0.0.1:0")?;
    /// assert!(server.local_addr().ip().is_loopback());
    /// assert_ne!(server.local_addr().port(), 0);
    ///
    /// // The port is taken now: a second server cannot listen on it.
    /// assert!(Server::bind(server.local_addr()).is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<Server> {
        let mut last_error = None;
        for candidate in addr.to_socket_addrs()? {
            match listen_on(candidate) {
                Ok(listener) => return Server::from_listener(listener),
                Err(err) => last_error = Some(err),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the address resolved to nothing to bind to",
            )
        }))
    }

    /// Wraps a listener bound elsewhere (for instance by a test, or with other socket
    /// options). It should be in blocking mode, as std creates it.
    pub fn from_listener(listener: TcpListener) -> io::Result<Server> {
        let local_addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let connections = Connections::new(DEFAULT_MAX_CONNECTIONS, Arc::clone(&counters));
        let stop = Arc::new(StopRequest::new(local_addr, Arc::clone(&connections)));
        Ok(Server {
            listener: Mutex::new(Some(listener)),
            local_addr,
            mode: Mode::Spawn,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            overload: Overload::Wait,
            read_timeout: Some(DEFAULT_READ_TIMEOUT),
            write_timeout: Some(DEFAULT_WRITE_TIMEOUT),
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            quiet: false,
            counters,
            connections,
            stop,
        })
    }

    /// The address the server listens on, with the real port when bound to port 0.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// A thread per client ([`Mode::Spawn`], the default) or a pool ([`Mode::Pool`]).
    pub fn mode(mut self, mode: Mode) -> Server {
        self.mode = mode;
        self
    }

    /// The most connections open at once (default [`DEFAULT_MAX_CONNECTIONS`]); what
    /// happens to one more is set by [`overload`](Server::overload). In pool mode the
    /// count includes connections waiting in the queue.
    pub fn max_connections(mut self, max: usize) -> Server {
        self.max_connections = max;
        self
    }

    /// Wait (the default) or refuse when `max_connections` are open.
    pub fn overload(mut self, overload: Overload) -> Server {
        self.overload = overload;
        self
    }

    /// How long a read on a connection may wait for data (default
    /// [`DEFAULT_READ_TIMEOUT`]; `None`: for ever). A read that times out returns an error
    /// of kind `WouldBlock` or `TimedOut` (it depends on the system) to the handler.
    pub fn read_timeout(mut self, timeout: Option<Duration>) -> Server {
        self.read_timeout = timeout;
        self
    }

    /// How long a write on a connection may wait for the client to make room (default
    /// [`DEFAULT_WRITE_TIMEOUT`]; `None`: for ever).
    ///
    /// The server sets it on the socket (`SO_SNDTIMEO`), where it limits each `send` call:
    /// a handler's `write_all` of a large reply may wait it more than once. A handler that
    /// wants a deadline for the whole reply sends it with
    /// [`tcp_echo::deadline::write_all_by`], as [`Echo`](crate::Echo) does (lesson 5's
    /// loop takes this timeout as each reply's deadline).
    pub fn write_timeout(mut self, timeout: Option<Duration>) -> Server {
        self.write_timeout = timeout;
        self
    }

    /// How long shutdown lets open connections finish before cutting them (default
    /// [`DEFAULT_SHUTDOWN_GRACE`]).
    pub fn shutdown_grace(mut self, grace: Duration) -> Server {
        self.shutdown_grace = grace;
        self
    }

    /// Log only errors and panics on stderr, not each connection (default `false`).
    pub fn quiet(mut self, quiet: bool) -> Server {
        self.quiet = quiet;
        self
    }

    /// A handle that stops this server from any thread; see [`ShutdownHandle`].
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle::new(Arc::clone(&self.stop))
    }

    /// The server's counters now; callable while `serve` runs on another thread (share
    /// the server with an `Arc`, or use `std::thread::scope`).
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// Serves clients with `handler` until [`ShutdownHandle::shutdown`] is called, then
    /// shuts down gracefully (see the module docs) and returns `Ok(())`.
    ///
    /// Errors before serving anyone: a [`SettingsError`] (kind `InvalidInput`) for
    /// impossible settings or a second call, and the system's error if pool threads cannot
    /// be started. Once serving, errors of single connections are logged and counted, never
    /// returned.
    ///
    /// A handler that never returns, even after its socket is shut down (stuck on a lock,
    /// or busy computing), keeps `serve` waiting for it: threads cannot be killed, only
    /// asked to stop.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::{SocketAddr, TcpStream};
    /// use threaded_server::{Mode, Server, SettingsError};
    ///
    /// let handler = |_: &TcpStream, _: SocketAddr| Ok(());
    /// let server = Server::bind("127.0.0.1:0")?.mode(Mode::Pool { workers: 0 });
    /// let err = server.serve(handler).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// assert_eq!(err.to_string(), "a pool needs at least 1 worker, got 0");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn serve<H: Handler>(&self, handler: H) -> io::Result<()> {
        self.check_settings()?;
        let listener = self
            .listener
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or(SettingsError::AlreadyServed)?;
        self.connections.set_limit(self.max_connections);
        let handler = Arc::new(handler);
        let context = Arc::new(Context {
            read_timeout: self.read_timeout,
            write_timeout: self.write_timeout,
            quiet: self.quiet,
            counters: Arc::clone(&self.counters),
        });
        let mut threads = match self.mode {
            Mode::Spawn => Threads::Spawned(Vec::new()),
            // The queue can hold every connection the table allows: each queued connection
            // holds a slot, so `execute` never waits, and the accepting thread never blocks
            // anywhere but in `accept` or waiting for a slot, where shutdown can wake it.
            Mode::Pool { workers } => {
                Threads::Pool(ThreadPool::new(workers, self.max_connections)?)
            }
        };

        self.accept_loop(&listener, &handler, &context, &mut threads);

        // Stop accepting: from now on the system refuses new clients.
        drop(listener);
        if !self.connections.wait_until_idle(self.shutdown_grace) {
            let cut = self.connections.cut_all();
            eprintln!(
                "shutdown: {} still open after {:?}; shutting them down",
                plural(cut as u64, "connection"),
                self.shutdown_grace
            );
        }
        threads.join_all();
        Ok(())
    }

    fn check_settings(&self) -> Result<(), SettingsError> {
        if self.mode == (Mode::Pool { workers: 0 }) {
            return Err(SettingsError::NoWorkers);
        }
        if self.max_connections == 0 {
            return Err(SettingsError::NoConnections);
        }
        if self.read_timeout == Some(Duration::ZERO) {
            return Err(SettingsError::ZeroTimeout("read"));
        }
        if self.write_timeout == Some(Duration::ZERO) {
            return Err(SettingsError::ZeroTimeout("write"));
        }
        Ok(())
    }

    /// 4. accept, again and again, until shutdown.
    fn accept_loop<H: Handler>(
        &self,
        listener: &TcpListener,
        handler: &Arc<H>,
        context: &Arc<Context>,
        threads: &mut Threads,
    ) {
        loop {
            if self.stop.requested() {
                return;
            }
            // With Wait, the slot comes first: no free slot, no accept (backpressure).
            let reserved = match self.overload {
                Overload::Wait => match self.connections.wait_for_slot() {
                    Some(slot) => Some(slot),
                    None => return, // woken by shutdown
                },
                Overload::Refuse => None,
            };
            let (stream, peer) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(err) => {
                    if !self.stop.requested() {
                        // Logged; a pause when retrying at once would fail the same way.
                        netbasics::listener::after_accept_error("threaded-server", &err);
                    }
                    continue;
                }
            };
            if self.stop.requested() {
                // The wake-up connection from `shutdown`, or a client that came just as we
                // stopped: dropping it closes it.
                return;
            }
            let slot = match reserved {
                Some(slot) => slot,
                None => match self.connections.try_slot() {
                    Some(slot) => slot,
                    None => {
                        self.refuse(handler.as_ref(), stream, peer);
                        continue;
                    }
                },
            };
            self.dispatch(stream, peer, slot, handler, context, threads);
        }
    }

    /// Hands an accepted connection to a thread.
    fn dispatch<H: Handler>(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        mut slot: Slot,
        handler: &Arc<H>,
        context: &Arc<Context>,
        threads: &mut Threads,
    ) {
        // One socket for the thread and the table: sharing it costs no file descriptor,
        // where `try_clone` would cost one per client (see `connections`).
        let stream = Arc::new(stream);
        slot.track(&stream);
        Counters::bump(&self.counters.accepted);
        let handler = Arc::clone(handler);
        let context = Arc::clone(context);
        let job = move || serve_connection(handler.as_ref(), stream, peer, slot, &context);
        match threads {
            Threads::Spawned(handles) => {
                // Join the threads that have finished, so the list stays as short as the
                // number of open connections.
                reap(handles);
                match thread::Builder::new()
                    .name(format!("client {peer}"))
                    .spawn(job)
                {
                    Ok(handle) => handles.push(handle),
                    // The job (its slot, and its `Arc` of the socket) was dropped with the
                    // error; the slot took the table's `Arc` with it, closing the socket.
                    Err(err) => self.dispatch_failed(peer, &err),
                }
            }
            Threads::Pool(pool) => {
                if let Err(err) = pool.execute(job) {
                    self.dispatch_failed(peer, &err);
                }
            }
        }
    }

    fn dispatch_failed(&self, peer: SocketAddr, err: &dyn std::error::Error) {
        eprintln!("{} dropped: no thread to serve it: {err}", Peer(peer));
        Counters::bump(&self.counters.errors);
    }

    /// Turns a client away: count, log, the handler's busy message, close.
    fn refuse<H: Handler>(&self, handler: &H, stream: TcpStream, peer: SocketAddr) {
        // Counted first, so a client that sees the close can already see the count.
        Counters::bump(&self.counters.refused);
        if !self.quiet {
            let limit = plural(self.max_connections as u64, "connection");
            eprintln!("{} refused: already {limit} (the maximum)", Peer(peer));
        }
        let said = match handler::call(|| {
            let message = handler.busy(peer);
            // One deadline for the whole message, not a timeout for each send() call.
            write_all_by(&stream, &message, deadline::after(BUSY_WRITE_TIMEOUT))
        }) {
            Outcome::Done => Ok(()),
            Outcome::Failed(err) => Err(err),
            Outcome::Panicked(message) => Err(io::Error::other(format!(
                "the busy message panicked: {message}"
            ))),
        };
        if let Err(err) = said {
            eprintln!("{} could not say busy: {err}", Peer(peer));
        }
        // Send our FIN after the message, rather than leaving it to the close.
        let _ = stream.shutdown(Shutdown::Write);
    }
}

/// Server steps 1-3 for one address: lesson 5's listener (socket, `SO_REUSEADDR`, bind,
/// listen), with a longer backlog for many clients arriving at once.
fn listen_on(addr: SocketAddr) -> io::Result<TcpListener> {
    Ok(tcp_echo::listener::listen_with_backlog(addr, BACKLOG)?)
}

/// The threads serving connections, by mode.
enum Threads {
    Spawned(Vec<JoinHandle<()>>),
    Pool(ThreadPool),
}

impl Threads {
    /// Waits for every thread to end. Connections are all done or cut by now.
    fn join_all(self) {
        match self {
            Threads::Spawned(handles) => {
                for handle in handles {
                    // Connection threads catch their handler's panics: join fails only if
                    // the logging itself panicked, and there is nothing to do about that.
                    let _ = handle.join();
                }
            }
            // Closes the queue, lets the workers finish, joins them.
            Threads::Pool(pool) => pool.join(),
        }
    }
}

/// Joins the finished threads in `handles`, keeping the running ones. It runs before
/// every accept, so it works in place: no new list each time.
fn reap(handles: &mut Vec<JoinHandle<()>>) {
    let mut i = 0;
    while i < handles.len() {
        if handles[i].is_finished() {
            // The last handle takes its place: the order does not matter.
            let _ = handles.swap_remove(i).join();
        } else {
            i += 1;
        }
    }
}

/// 5-7. One connection, on its own thread: timeouts, the handler, the log, the count.
fn serve_connection<H: Handler>(
    handler: &H,
    stream: Arc<TcpStream>,
    peer: SocketAddr,
    slot: Slot,
    context: &Context,
) {
    if !context.quiet {
        eprintln!("{} connected", Peer(peer));
    }
    let outcome = handler::call(|| {
        stream.set_read_timeout(context.read_timeout)?;
        stream.set_write_timeout(context.write_timeout)?;
        handler.handle(&stream, peer)
    });
    // This thread's `Arc` goes before the slot, so the table's is the last one: the socket
    // closes only when the slot is given back (see the end of this function).
    drop(stream);
    match outcome {
        Outcome::Done => {
            if !context.quiet {
                eprintln!("{} closed", Peer(peer));
            }
        }
        Outcome::Failed(err) => {
            Counters::bump(&context.counters.errors);
            eprintln!("{} error: {}", Peer(peer), describe(&err));
        }
        Outcome::Panicked(message) => {
            Counters::bump(&context.counters.panics);
            eprintln!(
                "{} handler panicked: {message} (only this client is affected)",
                Peer(peer)
            );
        }
    }
    // Counted before the slot goes: a client that sees its connection close can already
    // see the counts. Dropping the slot frees the place and drops the last `Arc` of the
    // socket, which closes it.
    drop(slot);
}

/// An error message a student understands: a read timeout shows up as "would block" or
/// "timed out" depending on the system, which says little by itself.
fn describe(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("timed out waiting for the client ({err})")
        }
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn nothing(_: &TcpStream, _: SocketAddr) -> io::Result<()> {
        Ok(())
    }

    fn settings_error(server: Server) -> SettingsError {
        let err = server.serve(nothing).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        err.get_ref()
            .and_then(|e| e.downcast_ref::<SettingsError>())
            .cloned()
            .expect("a SettingsError inside")
    }

    fn server() -> Server {
        Server::bind("127.0.0.1:0").unwrap().quiet(true)
    }

    #[test]
    fn impossible_settings_are_reported_before_serving() {
        assert_eq!(
            settings_error(server().mode(Mode::Pool { workers: 0 })),
            SettingsError::NoWorkers
        );
        assert_eq!(
            settings_error(server().max_connections(0)),
            SettingsError::NoConnections
        );
        assert_eq!(
            settings_error(server().read_timeout(Some(Duration::ZERO))),
            SettingsError::ZeroTimeout("read")
        );
        assert_eq!(
            settings_error(server().write_timeout(Some(Duration::ZERO))),
            SettingsError::ZeroTimeout("write")
        );
    }

    #[test]
    fn settings_error_messages_say_what_is_expected() {
        assert_eq!(
            SettingsError::ZeroTimeout("read").to_string(),
            "a read timeout of zero is not allowed; use None for no timeout"
        );
        assert_eq!(
            SettingsError::NoConnections.to_string(),
            "max_connections must be at least 1 (0 would serve nobody)"
        );
    }

    #[test]
    fn a_server_serves_once() {
        let server = server();
        server.shutdown_handle().shutdown();
        server.serve(nothing).unwrap(); // stopped before it started: returns at once
        assert_eq!(settings_error(server), SettingsError::AlreadyServed);
    }

    #[test]
    fn bind_sets_reuse_address_and_reports_the_chosen_port() {
        let server = server();
        assert_ne!(server.local_addr().port(), 0);
        let listener = server.listener.lock().unwrap();
        let socket = socket2::SockRef::from(listener.as_ref().unwrap());
        #[cfg(not(windows))]
        assert!(socket.reuse_address().unwrap());
        let _ = socket;
    }

    #[test]
    fn bind_works_on_ipv6_loopback_when_the_system_has_it() {
        match Server::bind("[::1]:0") {
            Ok(server) => assert!(server.local_addr().is_ipv6()),
            // A machine without IPv6: nothing to test.
            Err(err) => assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable, "{err}"),
        }
    }

    #[test]
    fn bind_reports_an_address_in_use() {
        let first = server();
        let err = Server::bind(first.local_addr()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    }

    #[test]
    fn the_listener_closes_when_serve_returns() {
        let server = server();
        let addr = server.local_addr();
        server.shutdown_handle().shutdown();
        server.serve(nothing).unwrap();
        let err = TcpStream::connect(addr).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn reap_joins_finished_threads_and_keeps_running_ones() {
        let (tx, rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel();
        let finished = thread::spawn(move || done_tx.send(()).unwrap());
        let running = thread::spawn(move || {
            let _ = rx.recv();
        });
        done_rx.recv().unwrap();
        // `is_finished` turns true a moment after the last statement; wait for it.
        while !finished.is_finished() {
            thread::yield_now();
        }
        let mut handles = vec![finished, running];
        reap(&mut handles);
        assert_eq!(handles.len(), 1);
        drop(tx);
        for handle in handles {
            handle.join().unwrap();
        }
    }

    #[test]
    fn timeouts_are_described_in_words() {
        let timeout = io::Error::from(io::ErrorKind::WouldBlock);
        assert!(describe(&timeout).starts_with("timed out waiting for the client"));
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(describe(&reset), reset.to_string());
    }
}
