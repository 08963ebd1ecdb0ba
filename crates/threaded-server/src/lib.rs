//! # threaded-server: lesson 7, serving many clients at once
//!
//! The echo server of lesson 5 serves one client after another: while it talks to one,
//! the next waits. The course's cure is Python's `socketserver`:
//!
//! ```python
//! class MyServer(socketserver.BaseRequestHandler):
//!     def handle(self):                      # one client, on its own thread
//!         ...
//! server = socketserver.ThreadingTCPServer(('127.0.0.1', 8080), MyServer)
//! server.serve_forever()
//! ```
//!
//! This crate is that library, done right, small enough to read in one sitting:
//!
//! ```no_run
//! use netbasics::text::Encoding;
//! use tcp_echo::echo::Reply;
//! use threaded_server::{Echo, Mode, Overload, Server};
//!
//! let server = Server::bind("127.0.0.1:9090")?   // socket, SO_REUSEADDR, bind, listen
//!     .mode(Mode::Pool { workers: 8 })           // or Mode::Spawn: a thread per client
//!     .max_connections(100)                      // never more than 100 clients at once...
//!     .overload(Overload::Refuse);               // ...the 101st is told "busy" and closed
//! let stop = server.shutdown_handle();           // give this to a Ctrl-C handler
//! server.serve(Echo::new(Reply::Upper(Encoding::Utf8), Encoding::Utf8))?; // serve_forever()
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! What it adds to `socketserver`, and why each matters:
//!
//! - **A bound on threads.** `ThreadingTCPServer` starts a thread for every client, with
//!   no limit: enough clients exhaust memory or file descriptors. Here
//!   [`Server::max_connections`] bounds them, and the server either waits for a free place
//!   (backpressure) or refuses the extra client at once ([`Overload`]). [`Mode::Pool`] goes
//!   further: a fixed number of threads, however many clients.
//! - **Failure stays with its client.** A handler that returns an error or panics ends
//!   only its own connection; it is logged, counted ([`Stats`]), and the thread (or pool
//!   worker) goes on to the next client.
//! - **Timeouts.** A client that goes silent, or stops reading, is dropped after a while
//!   ([`Server::read_timeout`], [`Server::write_timeout`]) instead of holding a thread for
//!   ever. One that keeps talking, slowly, is never idle: a pool is held by as many of
//!   them as it has workers, unless each visit has a time limit
//!   ([`Echo::max_connection_time`]).
//! - **A clean stop.** [`ShutdownHandle::shutdown`] stops accepting, gives open connections
//!   a grace period, cuts the rest, joins every thread and makes `serve` return. The
//!   course's version marks its threads as daemons instead, which makes Python kill them
//!   mid-sentence when the program exits.
//!
//! | Python `socketserver` | here |
//! |---|---|
//! | `BaseRequestHandler.handle(self)`, `self.request`, `self.client_address` | [`Handler::handle`]`(&self, stream, peer)` |
//! | `ThreadingTCPServer` | [`Mode::Spawn`] |
//! | (none; `concurrent.futures.ThreadPoolExecutor` by hand) | [`Mode::Pool`] |
//! | `allow_reuse_address = True` | always, in [`Server::bind`] |
//! | `serve_forever()` | [`Server::serve`] |
//! | `shutdown()` from another thread | [`ShutdownHandle::shutdown`] |
//! | `daemon_threads`, `block_on_close` | [`Server::shutdown_grace`], then every thread is joined |
//!
//! # Layout
//!
//! - [`server`]: [`Server`]: bind, the settings, and the accept loop that hands each
//!   connection to a thread; [`Mode`], [`Overload`], [`SettingsError`].
//! - [`handler`]: the [`Handler`] trait (closures are handlers) and the `catch_unwind`
//!   that keeps a panicking handler from taking anything else down.
//! - [`pool`]: [`ThreadPool`](pool::ThreadPool), fixed workers fed by a bounded
//!   crossbeam channel; usable on its own. Its docs list the Rust Book's thread-pool traps
//!   and how it avoids them.
//! - `connections` (private): the table of open connections: the limit, and the sockets
//!   to cut when the grace period ends (shared with the threads serving them, so one file
//!   descriptor per client).
//! - [`shutdown`]: [`ShutdownHandle`]: the stop every server of the workspace uses
//!   ([`netbasics::stop`] explains why a self-connection wakes `accept`), plus waking a
//!   server that waits for a free place.
//! - [`stats`]: [`Stats`], the counters a running server keeps.
//! - [`echo`]: [`Echo`], the handler of the `threaded-echo-server` program: lesson 5's
//!   conversation ([`tcp_echo::server::converse`]), the same function on many threads.
//!
//! From lesson 5 it also takes the listener (steps 1-3, [`tcp_echo::listener`]) and from
//! the ground floor the one way every server stops ([`netbasics::stop`]).
//!
//! The program `threaded-echo-server` (`src/bin`) puts it together:
//! `threaded-echo-server --mode pool --workers 4 --max-connections 100 --refuse --upper`.

#![deny(missing_docs)]

mod connections;
pub mod echo;
pub mod handler;
pub mod pool;
pub mod server;
pub mod shutdown;
pub mod stats;

pub use echo::Echo;
pub use handler::Handler;
pub use server::{Mode, Overload, Server, SettingsError};
pub use shutdown::ShutdownHandle;
pub use stats::Stats;
