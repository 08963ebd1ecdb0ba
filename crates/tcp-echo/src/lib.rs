//! Lesson 5: the TCP client (5 steps) and the TCP server (7 steps), as an echo server
//! and its client.
//!
//! The course builds both in Python, step by step:
//!
//! | step | client (客户端)           | server (服务端)                             |
//! |------|---------------------------|---------------------------------------------|
//! | 1    | `socket()`                | `socket()` (+ `SO_REUSEADDR`)               |
//! | 2    | `connect((host, port))`   | `bind((host, port))`                        |
//! | 3    | `send(data)`              | `listen(128)`                               |
//! | 4    | `recv(1024)`              | `accept()`: a *new* socket for the client   |
//! | 5    | `close()`                 | `recv(1024)` on the new socket              |
//! | 6    |                           | `send(data)` on the new socket              |
//! | 7    |                           | `close()` the new socket (and, at the end, the listening one) |
//!
//! The programs `tcp-echo-server` and `tcp-echo-client` follow those steps, and the
//! comments in their code carry the same numbers. What they add to the course's version
//! is what a server facing real clients needs: an echo of *bytes* (anything, not only
//! valid text), replies read in a loop because TCP has no message boundaries, limits for
//! clients that go silent, stop reading, or keep talking slowly for ever, a clean stop on
//! Ctrl-C, and text shown in any encoding without ever crashing on bytes that are not
//! text.
//!
//! This server serves **one client at a time**, as the course's does. While it serves
//! one, a second client's `connect` still succeeds (the kernel completes the handshake
//! and queues the connection in the `listen` backlog), but it gets no answer until the
//! first client leaves. Serving many clients at once is the next lesson's subject: the
//! `threaded-server` crate.
//!
//! # Layout
//!
//! - [`listener`]: server steps 1-3, `socket`, `SO_REUSEADDR`, `bind`, `listen(128)`,
//!   with the socket2 crate so each step is a call of its own. It lives in netbasics,
//!   the ground floor, because every TCP server of the workspace starts with it (lesson
//!   3's `cmd-server` among them); it is re-exported here, where it is taught.
//! - [`server`]: steps 4-7: [`server::run`], the accept loop, one client after another,
//!   and [`server::converse`], one client's conversation with its log.
//! - [`echo`]: server steps 5-6, the receive/send loop for one client, with the reply
//!   modes ([`echo::Reply`]: echo, upper case, a fixed answer) and the limits: an idle
//!   timeout, a deadline for each reply, a time limit for the whole visit.
//! - [`deadline`]: a time limit for a whole reply rather than for each `send` call
//!   ([`deadline::write_all_by`]), the way every reply of the echo loop is sent. It lives
//!   in netbasics, the ground floor, because every TCP server needs it; it is re-exported
//!   here, where it is taught.
//! - [`upper`]: upper-casing text that travels as bytes, without breaking characters.
//! - [`buffers`]: the kernel's send and receive buffers (`SO_SNDBUF`, `SO_RCVBUF`).
//! - [`shutdown`]: stopping the single-threaded server cleanly on Ctrl-C: the accept loop
//!   is woken as every server's is ([`netbasics::stop`]), the one client gets a grace period.
//! - [`client`]: client steps 1-2 (`socket`, `connect`) and a reply read in a loop.
//! - [`trickle`]: a slow client on purpose, one byte at a time: what the idle timeout
//!   cannot stop and the visit's time limit can.
//!
//! From lower lessons: `HOST:PORT` is [`netbasics::server_addr`]; showing received bytes
//! as text, a character cut between two reads joined, is [`netbasics::text::TextView`].
//!
//! The binaries are thin: `src/bin/tcp-echo-server.rs` reads the command line, binds
//! (steps 1-3), installs Ctrl-C and calls [`server::run`]; `src/bin/tcp-echo-client.rs`
//! does client steps 3-5, one message after another or lines typed on standard input.

#![deny(missing_docs)]

pub mod buffers;
pub mod client;
pub mod echo;
pub mod server;
pub mod shutdown;
pub mod trickle;
pub mod upper;

pub use netbasics::{deadline, listener};
