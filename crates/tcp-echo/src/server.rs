//! Server steps 4-7: accept a client, talk with it until it leaves, close, and again.
//!
//! [`run`] is the course's outer `while True:` around `accept()`, one client after
//! another; [`converse`] is what happens with one client (steps 5 and 6, with the log of
//! each message). Lesson 7's threaded server calls the same [`converse`] on many threads
//! at once: only the loop around it changes.
//!
//! ```text
//! while True:
//!     new_client_socket, ip_port = tcp_server_socket.accept()   # 4. accept
//!     ... recv / send until recv returns b'' ...                # 5., 6. (echo.rs)
//!     new_client_socket.close()                                 # 7. close
//! ```

use std::net::{SocketAddr, TcpListener, TcpStream};

use netbasics::cli::{plural, Peer};
use netbasics::text::{preview, Encoding, TextView};

use crate::buffers::buffer_sizes;
use crate::echo::{self, Outcome, Reply, Timeouts};
use crate::shutdown::Shutdown;

/// How many characters of each message the log shows.
pub const LOG_PREVIEW: usize = 200;

/// What serving each client needs: the command line's choices.
#[derive(Debug, Clone)]
pub struct Options {
    /// What to answer to each piece received.
    pub reply: Reply,
    /// The encoding messages are shown in (and upper-cased in, for [`Reply::Upper`]).
    pub encoding: Encoding,
    /// The limits on each client: idle time, each reply's time to leave, the whole visit.
    pub timeouts: Timeouts,
    /// Log each client's send and receive buffer sizes.
    pub show_buffers: bool,
    /// Log only errors: not connections and messages.
    pub quiet: bool,
}

/// Step 4, over and over: take the next client from the backlog and serve it, until
/// `shutdown` is stopped. Returns when the accept loop has ended; the caller then closes
/// the listening socket (step 7 for the server itself).
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown as Direction, TcpStream};
/// use std::time::Duration;
/// use netbasics::text::Encoding;
/// use tcp_echo::echo::{Reply, Timeouts};
/// use tcp_echo::server::{run, Options};
/// use tcp_echo::shutdown::Shutdown;
///
/// let listener = netbasics::listener::listen("127.0.0.1:0".parse()?)?; // 1-3
/// let addr = listener.local_addr()?;
/// let shutdown = Shutdown::new(addr);
/// let options = Options {
///     reply: Reply::Upper(Encoding::Utf8),
///     encoding: Encoding::Utf8,
///     timeouts: Timeouts {
///         idle: Duration::from_secs(5),
///         write: Duration::from_secs(5),
///         visit: None, // as long as the client keeps talking
///     },
///     show_buffers: false,
///     quiet: true,
/// };
/// std::thread::scope(|scope| {
///     scope.spawn(|| run(&listener, &shutdown, &options)); // 4-7, until stopped
///
///     let mut client = TcpStream::connect(addr)?;
///     client.write_all("hello, wörld".as_bytes())?;
///     client.shutdown(Direction::Write)?;
///     let mut reply = String::new();
///     client.read_to_string(&mut reply)?;
///     assert_eq!(reply, "HELLO, WÖRLD");
///
///     shutdown.stop(Duration::from_secs(2)); // what Ctrl-C does; `run` returns
///     Ok::<(), Box<dyn std::error::Error>>(())
/// })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(listener: &TcpListener, shutdown: &Shutdown, options: &Options) {
    loop {
        // 4. accept: wait until the kernel has a finished connection (the three-way
        //    handshake is already done), and take it: a *new* socket, for this client only.
        //    The listening socket stays as it was, ready for the next one.
        let (stream, peer) = match listener.accept() {
            Ok(connection) => connection,
            Err(e) => {
                if shutdown.is_stopping() {
                    break;
                }
                // Logged; a pause if retrying at once would only fail the same way.
                netbasics::listener::after_accept_error("tcp-echo-server", &e);
                continue;
            }
        };
        if shutdown.is_stopping() {
            // The connection Ctrl-C made to wake us, or a client that arrived just now:
            // either way we are not serving any more. Dropping it closes it.
            break;
        }
        serve_client(stream, peer, options, shutdown);
    }
}

/// Steps 5-7 for one client: recv and send until it leaves, then close its socket.
fn serve_client(stream: TcpStream, peer: SocketAddr, options: &Options, shutdown: &Shutdown) {
    let _serving = match shutdown.serving(&stream) {
        Ok(Some(serving)) => serving,
        Ok(None) => return, // stopping: the client is dropped unserved
        Err(e) => {
            eprintln!(
                "{} dropped: cannot keep a handle on the socket: {e}",
                Peer(peer)
            );
            return;
        }
    };
    if !options.quiet {
        eprintln!("{} connected", Peer(peer));
    }
    let outcome = converse(&stream, peer, options);
    log_end(Peer(peer), &outcome, shutdown, options.quiet);

    // 7. close: `stream` is dropped here, which closes this client's socket. If the
    //    client's last bytes were never read (we gave up on it), the system sends a
    //    reset (RST) instead of the usual FIN.
}

/// Steps 5 and 6 with one client, logging what arrives: the whole conversation, from
/// the first `recv` to the client's FIN (or the error that ended it).
///
/// Each message is logged as `127.0.0.1:50000 6 bytes: hello\n`: the text in
/// `options.encoding`, control characters and bytes that are not text escaped, at most
/// [`LOG_PREVIEW`] characters of it.
pub fn converse(stream: &TcpStream, peer: SocketAddr, options: &Options) -> Outcome {
    let peer = Peer(peer);
    let quiet = options.quiet;
    if options.show_buffers {
        match buffer_sizes(stream) {
            Ok(sizes) => eprintln!("{peer} {sizes}"),
            Err(e) => eprintln!("{peer} cannot read the buffer sizes: {e}"),
        }
    }
    // 5. recv and 6. send, until the client closes: see echo.rs.
    let mut view = TextView::new(options.encoding, false);
    let outcome = echo::serve(stream, &options.reply, options.timeouts, |piece| {
        if !quiet {
            let text = preview(&view.show(piece), LOG_PREVIEW);
            eprintln!("{peer} {}: {text}", plural(piece.len() as u64, "byte"));
        }
    });
    if !quiet {
        if let Some(rest) = view.finish() {
            eprintln!("{peer} ended in the middle of a character: {rest}");
        }
    }
    outcome
}

/// The last log line of a client's visit: how it ended, and what was exchanged.
fn log_end(peer: Peer, outcome: &Outcome, shutdown: &Shutdown, quiet: bool) {
    let s = outcome.summary;
    let counts = format!(
        "{} received in {}, {} sent",
        plural(s.received, "byte"),
        plural(s.pieces, "piece"),
        plural(s.sent, "byte")
    );
    // The stop's hang-up ends a blocked recv with 0 bytes, or a blocked send with an
    // error: either way the reason is the stop, not the client. Said even with --quiet:
    // the client did not choose to leave.
    if let Some(grace) = shutdown.hung_up() {
        eprintln!(
            "{peer} hung up: still connected {} s after the server began to stop ({counts})",
            grace.as_secs_f64()
        );
        return;
    }
    match &outcome.result {
        _ if shutdown.is_stopping() => {
            if !quiet {
                eprintln!("{peer} disconnected, the server is stopping ({counts})");
            }
        }
        Ok(()) if quiet => {}
        Ok(()) => eprintln!("{peer} disconnected: the client closed the connection ({counts})"),
        // Errors are logged even with --quiet: the client did not leave normally.
        Err(e) => eprintln!("{peer} dropped: {e} ({counts})"),
    }
}
