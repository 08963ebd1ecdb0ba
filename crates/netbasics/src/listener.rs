//! Server steps 1-3: `socket`, `bind`, `listen`, one call each, with the options a
//! server needs.
//!
//! The course's Python does the same three calls:
//!
//! ```text
//! tcp_server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)   # 1. socket
//! tcp_server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, True)
//! tcp_server_socket.bind(("", 8888))                                       # 2. bind
//! tcp_server_socket.listen(128)                                            # 3. listen
//! ```
//!
//! Rust's `TcpListener::bind` does all three at once (and sets `SO_REUSEADDR` itself on
//! Unix). Here they are spelled out with the `socket2` crate, which exposes each system
//! call and socket option, so the steps can be seen and each can fail on its own.
//!
//! Lesson 5 teaches these steps; they live here, on the ground floor, because every TCP
//! server of the workspace starts with them (lesson 3's `cmd-server`, lesson 7's
//! threaded server, the file and HTTP servers of lessons 8 and 9).

use std::io;
use std::net::{SocketAddr, TcpListener};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// The `listen` backlog: how many connections may wait, fully connected, for
/// `accept()`.
///
/// It is *not* the most clients a server can have. The kernel completes the three-way
/// handshake (三次握手) on its own and puts the new connection in this queue; `accept()`
/// only takes the next one out. A server that accepts promptly keeps the queue nearly
/// empty whatever the number of clients. When the queue is full, Linux ignores new
/// handshakes (the client's `connect` retries and waits) rather than refusing them.
/// Linux also caps the value at `net.core.somaxconn` (4096 on recent kernels).
pub const BACKLOG: i32 = 128;

/// Why the listening socket could not be set up: one variant per step.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// Step 1, `socket()`, failed (out of file descriptors, or no IPv6 on this machine).
    #[error("could not create a TCP socket for {addr}")]
    Socket {
        /// The address we were going to bind.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
    /// Setting a socket option failed.
    #[error("could not set {option} on the socket")]
    Option {
        /// The option, e.g. `SO_REUSEADDR`.
        option: &'static str,
        /// What the system said.
        source: io::Error,
    },
    /// Step 2, `bind()`, failed.
    #[error("could not bind {addr}{}", crate::port::bind_hint(source))]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
    /// Step 3, `listen()`, failed.
    #[error("could not listen on {addr}")]
    Listen {
        /// The address that was bound.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
}

impl ListenError {
    /// What the system said, whichever step it was.
    pub fn source_error(&self) -> &io::Error {
        match self {
            ListenError::Socket { source, .. }
            | ListenError::Option { source, .. }
            | ListenError::Bind { source, .. }
            | ListenError::Listen { source, .. } => source,
        }
    }
}

/// For callers that deal in `io::Error`: the system's error kind, with the step and its
/// hint as the message.
impl From<ListenError> for io::Error {
    fn from(err: ListenError) -> io::Error {
        io::Error::new(err.source_error().kind(), err)
    }
}

/// Creates a TCP socket, binds it to `addr` and starts listening: server steps 1-3.
///
/// Port 0 lets the system choose a free port; [`TcpListener::local_addr`] then tells
/// which. `SO_REUSEADDR` is set (on Unix) so that a server restarted at once can bind
/// its port again.
///
/// # Errors
///
/// A [`ListenError`] naming the step that failed; [`ListenError::Bind`] explains the
/// usual causes (port in use, no such address, privileged port).
///
/// # Examples
///
/// ```
/// use netbasics::listener::{listen, ListenError};
///
/// let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
/// let addr = listener.local_addr().unwrap();
/// assert_ne!(addr.port(), 0); // the system chose one
///
/// // Only one socket can listen on an address: SO_REUSEADDR does not change that.
/// let err = listen(addr).unwrap_err();
/// assert!(matches!(err, ListenError::Bind { .. }));
/// assert!(err.to_string().contains("already uses this port"));
/// ```
pub fn listen(addr: SocketAddr) -> Result<TcpListener, ListenError> {
    listen_with_backlog(addr, BACKLOG)
}

/// [`listen`] with another backlog: a server that expects thousands of clients to
/// connect at once (lesson 7) queues more of them while its accept loop catches up.
///
/// # Errors
///
/// As for [`listen`].
pub fn listen_with_backlog(addr: SocketAddr, backlog: i32) -> Result<TcpListener, ListenError> {
    // 1. socket: an IPv4 or IPv6 (Domain) TCP (Type::STREAM) socket, like
    //    socket.socket(AF_INET, SOCK_STREAM).
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
        .map_err(|source| ListenError::Socket { addr, source })?;

    // SO_REUSEADDR, before bind. When a TCP connection closes, the side that closed first
    // keeps it in the TIME_WAIT state for twice the maximum segment lifetime (2MSL: 60 s
    // on Linux, up to 4 minutes elsewhere), so that stray packets of the old connection
    // cannot be mistaken for a new one. A server that was stopped while clients were
    // connected closed those connections first, so they sit in TIME_WAIT on the server's
    // port, and without this option a restarted server's bind() fails with "address
    // already in use" for that minute. With it, bind() succeeds despite them. It does not
    // "release the port": the old connections still wait out TIME_WAIT; and it does not let
    // two servers listen on the same port.
    //
    // Only on Unix: on Windows SO_REUSEADDR means something else (it lets another program
    // take over a port that is in use), which is why Rust's own TcpListener::bind also sets
    // it on Unix only.
    #[cfg(unix)]
    socket
        .set_reuse_address(true)
        .map_err(|source| ListenError::Option {
            option: "SO_REUSEADDR",
            source,
        })?;

    // 2. bind: claim the address and port. 127.0.0.1 (or ::1) accepts connections from this
    //    machine only; 0.0.0.0 (or ::) from every network the machine is on. Python's
    //    bind(("", 8888)) means 0.0.0.0, not 127.0.0.1.
    socket
        .bind(&SockAddr::from(addr))
        .map_err(|source| ListenError::Bind { addr, source })?;

    // 3. listen: the socket becomes passive. From now on the kernel answers clients'
    //    handshakes and queues the finished connections (up to BACKLOG of them) until
    //    accept() takes them; this socket never sends or receives data itself.
    socket
        .listen(backlog)
        .map_err(|source| ListenError::Listen { addr, source })?;

    Ok(TcpListener::from(socket))
}

/// How long a server waits after an `accept` that failed for want of resources.
pub const ACCEPT_ERROR_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// What every accept loop of the workspace does when `accept` fails: logs it (with the
/// server's name in front) and, when the failure is about the server rather than one
/// client, pauses for [`ACCEPT_ERROR_PAUSE`].
///
/// A client that gave up between its handshake and the `accept` (`ECONNABORTED`), or a
/// signal (`EINTR`), concerns only that connection: the next `accept` goes on at once.
/// Out of file descriptors (`EMFILE`) or memory, by contrast, the next `accept` would fail
/// the same way at once, and a loop that retried immediately would spin at full CPU and
/// fill the log; the pause gives open connections time to end and free what is missing.
pub fn after_accept_error(server: &str, err: &io::Error) {
    eprintln!("{server}: accept failed: {err}");
    let per_connection = matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    );
    if !per_connection {
        std::thread::sleep(ACCEPT_ERROR_PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;

    #[test]
    fn listens_on_a_port_the_system_chooses() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        assert_ne!(addr.port(), 0);
    }

    #[test]
    fn accepts_a_connection_and_carries_bytes() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server_side, peer) = listener.accept().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        client.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        server_side.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
    }

    #[test]
    #[cfg(unix)]
    fn sets_reuse_address() {
        let listener = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        assert!(socket2::SockRef::from(&listener).reuse_address().unwrap());
    }

    #[test]
    fn a_busy_port_is_a_bind_error_with_a_hint() {
        let first = listen("127.0.0.1:0".parse().unwrap()).unwrap();
        let err = listen(first.local_addr().unwrap()).unwrap_err();
        assert!(matches!(&err, ListenError::Bind { source, .. }
            if source.kind() == io::ErrorKind::AddrInUse));
        assert!(err.to_string().contains("--port 0"), "{err}");
    }

    #[test]
    fn an_address_this_machine_does_not_have_is_a_bind_error() {
        // 192.0.2.0/24 is reserved for documentation: no machine has it. Nothing is sent.
        let err = listen("192.0.2.1:0".parse().unwrap()).unwrap_err();
        assert!(matches!(err, ListenError::Bind { .. }));
    }

    #[test]
    fn ipv6_loopback_when_the_machine_has_it() {
        match listen("[::1]:0".parse().unwrap()) {
            Ok(listener) => assert!(listener.local_addr().unwrap().is_ipv6()),
            // No IPv6 here: then socket() or bind() says so, and nothing panics.
            Err(ListenError::Socket { .. } | ListenError::Bind { .. }) => {}
            Err(other) => panic!("unexpected {other}"),
        }
    }
}
