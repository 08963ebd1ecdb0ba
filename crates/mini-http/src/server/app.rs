//! What the event loop asks of the program it serves: an [`App`].
//!
//! The loop knows sockets, buffers and deadlines, and nothing of HTTP. Each time a
//! connection's received bytes change, it shows them to the app, which answers with a
//! [`Step`]: wait for more, or a [`Reply`] that consumed a number of those bytes. The app
//! keeps no state between calls (one app serves every connection on every thread, so it is
//! `Sync`); what little per-connection state HTTP needs beyond the bytes themselves comes in
//! the [`Input`].

use std::fs::File;
use std::net::SocketAddr;
use std::sync::Arc;

/// A program the event loop serves.
pub trait App: Send + Sync + 'static {
    /// Looks at the bytes a connection has received and not yet consumed.
    fn on_input(&self, input: Input<'_>) -> Step;

    /// What to send a client whose request did not arrive in time, before closing (HTTP:
    /// a `408 Request Timeout` page). Sent if the socket takes it at once; nothing waits for
    /// a client that is not reading. The default sends nothing.
    fn on_request_timeout(&self, peer: SocketAddr) -> Option<Vec<u8>> {
        let _ = peer;
        None
    }

    /// The most bytes a connection may hold unconsumed: a request head and body at their
    /// limits. A connection whose buffer is full while the app still says
    /// [`Step::NeedMore`] is closed (the app should have refused the request before).
    fn max_input(&self) -> usize;
}

/// What the loop shows the app.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The bytes received and not yet consumed, oldest first.
    pub bytes: &'a [u8],
    /// Whether the client has closed its sending side: no more bytes will come.
    pub ended: bool,
    /// Whether an interim response (`100 Continue`) has already been sent for the request
    /// at the start of `bytes`.
    pub interim_sent: bool,
    /// The client.
    pub peer: SocketAddr,
    /// How many replies this connection has had before.
    pub served: u64,
    /// Whether the reply to this request will be the connection's last (its limit of
    /// requests is reached): the reply should say so.
    pub last: bool,
}

/// The app's answer.
#[derive(Debug)]
pub enum Step {
    /// Not enough bytes for a whole request yet: wait for more.
    NeedMore,
    /// Not enough bytes yet, and send these now (HTTP's `100 Continue`); once per request.
    Interim(Vec<u8>),
    /// A whole request was there: answer it.
    Reply(Reply),
}

/// An answer to one request.
#[derive(Debug)]
pub struct Reply {
    /// How many of the input's bytes the request took (its head and body).
    pub consumed: usize,
    /// What to send, in order.
    pub chunks: Vec<Chunk>,
    /// Close the connection once it is sent.
    pub close: bool,
}

/// A piece of a reply.
#[derive(Debug)]
pub enum Chunk {
    /// Bytes in memory: a response head, and a small body with it (one write).
    Bytes(Vec<u8>),
    /// `len` bytes of a file from `offset`, sent with `sendfile(2)`.
    File {
        /// The open file (shared: a multipart reply sends several parts of one file).
        file: Arc<File>,
        /// Where to start.
        offset: u64,
        /// How many bytes.
        len: u64,
    },
}
