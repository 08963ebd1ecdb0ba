//! What the server does with each connection: a [`Handler`], Python's `BaseRequestHandler`.
//!
//! In Python's `socketserver` you subclass `BaseRequestHandler` and override `handle()`;
//! the server creates one handler object per connection and calls `handle`, which talks to
//! the client through `self.request` (the connected socket) and `self.client_address`.
//!
//! Here one handler value serves every connection, from many threads at once, so `handle`
//! takes `&self`, and the connection comes in as arguments: the socket and the client's
//! address. Per-connection state lives in local variables of `handle`; state shared by all
//! connections lives in the handler, behind a `Mutex` or an atomic, because `Handler`
//! requires `Sync`.
//!
//! # The socket is lent: `&TcpStream`
//!
//! The handler borrows the socket; the server owns it, and closes it after `handle`
//! returns. The server shares it (in an `Arc`) with its table of open connections, so that
//! at the end of a shutdown's grace period it can shut down the sockets of conversations
//! still going, and it does so without [`TcpStream::try_clone`], which would cost a second
//! file descriptor per client (see the `connections` module in `src/connections.rs`).
//!
//! A shared reference is all a handler needs: `&TcpStream` implements `Read` and `Write`
//! (the kernel keeps a socket's state, so reading or writing does not change the Rust
//! value). Only the reference must be mutable to call them, so a handler writes
//! `mut stream: &TcpStream` in its parameters, or `let mut stream = stream;`. It can even
//! read through one copy of the reference and write through another, as in
//! `std::io::copy(&mut reader, &mut writer)` with `let (mut reader, mut writer) =
//! (stream, stream);`.
//!
//! Any closure `Fn(&TcpStream, SocketAddr) -> io::Result<()>` is a handler; a struct is one
//! when it also has something to say to the clients the server turns away
//! ([`Handler::busy`]).
//!
//! A handler that fails or panics hurts only its own client: `call` catches the panic and
//! the server logs and counts it (see [`Stats`](crate::Stats)).

use std::any::Any;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::panic::{self, AssertUnwindSafe};

/// Serves one connection. Implemented for every suitable closure.
///
/// `Send + Sync + 'static`: the one handler is shared by every connection thread (`Sync`),
/// moved into the server's threads (`Send`), and must not borrow anything that could end
/// before them (`'static`).
///
/// # Examples
///
/// A closure: greet the client and hang up.
///
/// ```
/// use std::io::Write;
/// use std::net::{SocketAddr, TcpStream};
/// use threaded_server::Handler;
///
/// // `mut`: writing needs `&mut &TcpStream`; the socket itself is shared, not mutable.
/// let greet = |mut stream: &TcpStream, peer: SocketAddr| {
///     writeln!(stream, "hello, {peer}")
/// };
/// fn is_handler(_: &impl Handler) {}
/// is_handler(&greet);
/// ```
///
/// A struct, with a message for the clients turned away when the server is full:
///
/// ```
/// use std::io::{self, Write};
/// use std::net::{SocketAddr, TcpStream};
/// use threaded_server::Handler;
///
/// struct Greeter;
///
/// impl Handler for Greeter {
///     fn handle(&self, mut stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
///         writeln!(stream, "hello, {peer}")
///     }
///
///     fn busy(&self, _peer: SocketAddr) -> Vec<u8> {
///         b"busy, try again later\n".to_vec()
///     }
/// }
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Talks to one client until done. The server closes the connection after `handle`
    /// returns (or panics).
    ///
    /// Return `Err` for a failed conversation (the server logs it on stderr and counts it
    /// in [`Stats::errors`](crate::Stats::errors)); the server goes on either way.
    fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()>;

    /// What to tell a client turned away because the server already has its maximum
    /// number of connections ([`Overload::Refuse`](crate::Overload::Refuse)). The default
    /// says nothing.
    ///
    /// The server sends it and closes the connection. Keep it short: it is sent by the
    /// accepting thread, which accepts nobody else meanwhile, so the whole message has one
    /// second to leave (a deadline, see [`tcp_echo::deadline`]), and a client that does not
    /// read gets less.
    fn busy(&self, peer: SocketAddr) -> Vec<u8> {
        let _ = peer;
        Vec::new()
    }
}

impl<F> Handler for F
where
    F: Fn(&TcpStream, SocketAddr) -> io::Result<()> + Send + Sync + 'static,
{
    fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
        self(stream, peer)
    }
}

/// How a call to a handler ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// It returned `Ok`.
    Done,
    /// It returned this error.
    Failed(io::Error),
    /// It panicked with this message.
    Panicked(String),
}

/// Runs `work` (a call into a handler), turning a panic into [`Outcome::Panicked`].
///
/// # Why `AssertUnwindSafe` is fine here
///
/// `catch_unwind` accepts only closures that are `UnwindSafe`: Rust's warning that after a
/// panic, data the closure could change might be left half-changed and then used again.
/// Our closure borrows the handler, which other connections keep using, so the compiler
/// cannot prove that. But `Handler` is `Sync`: anything it can change through `&self` sits
/// behind a `Mutex` (which is *poisoned* by a panic, so the next user is told) or an atomic
/// (never half-written). A handler that breaks its own invariants in a panic is a bug in
/// that handler, which no `catch_unwind` could repair; the server's own state is not
/// touched inside the closure. So we assert unwind safety.
pub(crate) fn call(work: impl FnOnce() -> io::Result<()>) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(work)) {
        Ok(Ok(())) => Outcome::Done,
        Ok(Err(err)) => Outcome::Failed(err),
        Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
    }
}

/// The text of a panic: `panic!("...")` carries a `&str` or a `String`; anything else
/// (`std::panic::panic_any(42)`) has no text to show.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closure_is_a_handler_and_is_called_with_the_connection() {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_side, peer) = listener.accept().unwrap();
        let handler = |mut stream: &TcpStream, peer: SocketAddr| {
            use std::io::Write;
            write!(stream, "{peer}")
        };
        handler.handle(&server_side, peer).unwrap();
        drop(server_side); // the server closes the socket after `handle`
        let mut got = String::new();
        client.read_to_string(&mut got).unwrap();
        assert_eq!(got, client.local_addr().unwrap().to_string());
    }

    #[test]
    fn the_default_busy_message_is_silence() {
        let handler = |_: &TcpStream, _: SocketAddr| Ok(());
        assert!(handler.busy("127.0.0.1:50000".parse().unwrap()).is_empty());
    }

    #[test]
    fn call_tells_ok_error_and_panic_apart() {
        assert!(matches!(call(|| Ok(())), Outcome::Done));
        let failed = call(|| Err(io::Error::new(io::ErrorKind::InvalidData, "bad line")));
        assert!(matches!(failed, Outcome::Failed(e) if e.to_string() == "bad line"));
        let panicked = call(|| panic!("handler bug on purpose"));
        assert!(matches!(panicked, Outcome::Panicked(m) if m == "handler bug on purpose"));
    }

    #[test]
    fn panic_messages_are_recovered_from_str_string_and_other_payloads() {
        let n = 7;
        let formatted = call(|| panic!("bad value {n}"));
        assert!(matches!(formatted, Outcome::Panicked(m) if m == "bad value 7"));
        let opaque = call(|| std::panic::panic_any(42_u8));
        assert!(matches!(opaque, Outcome::Panicked(m) if m == "(a panic without a message)"));
    }
}
