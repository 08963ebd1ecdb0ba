//! Client steps 1-2, `socket` and `connect`, and step 4 done right: reading a reply that
//! may arrive in pieces.
//!
//! The course's client reads its answer with one `recv(1024)`. That returns whatever has
//! arrived so far, at least one byte and at most 1024: TCP is a byte stream and keeps no
//! message boundaries (lesson 3, 粘包). A 5-byte echo usually arrives whole on one
//! machine, but a long one, or one crossing a real network, comes in several pieces, and
//! a reply longer than 1024 bytes never fits in one `recv(1024)`. [`read_for`] keeps
//! reading until as many bytes as expected have come, the server closes, or a deadline
//! passes.

use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use netbasics::server_addr::ServerAddr;

/// Why the client could not connect.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The host name is unknown to the resolver.
    #[error("cannot find the address of '{host}': {source}")]
    Resolve {
        /// The name as given.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// The resolver returned no address at all.
    #[error("'{0}' has no address")]
    NoAddress(String),
    /// Every address was tried and none accepted the connection.
    #[error(
        "could not connect to {target}: {}{}",
        list(target, attempts),
        hint(attempts)
    )]
    Failed {
        /// The server as given.
        target: String,
        /// Each address tried, with the reason it failed.
        attempts: Vec<(SocketAddr, io::Error)>,
    },
}

/// The reason of each attempt, each after its address; a single attempt at the very
/// address the user gave is not named again (`could not connect to 127.0.0.1:1: refused`).
fn list(target: &str, attempts: &[(SocketAddr, io::Error)]) -> String {
    if let [(addr, e)] = attempts {
        if addr.to_string() == target {
            return e.to_string();
        }
    }
    let parts: Vec<String> = attempts
        .iter()
        .map(|(addr, e)| format!("{addr}: {e}"))
        .collect();
    parts.join("; ")
}

fn hint(attempts: &[(SocketAddr, io::Error)]) -> &'static str {
    let any = |kind| attempts.iter().any(|(_, e)| e.kind() == kind);
    if any(io::ErrorKind::ConnectionRefused) {
        " (nothing is listening there: is the server running, on this port?)"
    } else if any(io::ErrorKind::TimedOut) {
        // No answer to the SYN at all, where a closed port would have answered with a reset.
        " (no answer: a firewall may be dropping the connection request, or the server's \
         backlog is full)"
    } else {
        ""
    }
}

/// Client steps 1 and 2: a socket, connected to `target`.
///
/// Each address the host stands for is tried in turn (`localhost` may be `::1` first and
/// `127.0.0.1` second); each attempt may take up to `timeout`. The three-way handshake
/// (三次握手) happens inside `connect`: when it returns, the connection is established.
///
/// # Errors
///
/// A [`ConnectError`]: the name is unknown, or every address refused or timed out.
///
/// # Examples
///
/// ```
/// use std::net::TcpListener;
/// use std::time::Duration;
/// use tcp_echo::client::{connect, ConnectError};
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let target = listener.local_addr().unwrap().to_string().parse().unwrap();
/// let stream = connect(&target, Duration::from_secs(5)).unwrap();
/// assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
///
/// // Nothing listens there any more: refused.
/// drop((stream, listener));
/// let err = connect(&target, Duration::from_secs(5)).unwrap_err();
/// assert!(matches!(err, ConnectError::Failed { .. }));
/// assert!(err.to_string().contains("is the server running"));
/// ```
pub fn connect(target: &ServerAddr, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let addrs = target.resolve().map_err(|source| ConnectError::Resolve {
        host: target.host().to_string(),
        source,
    })?;
    if addrs.is_empty() {
        return Err(ConnectError::NoAddress(target.to_string()));
    }
    let mut attempts = Vec::new();
    for addr in addrs {
        match connect_one(addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => attempts.push((addr, e)),
        }
    }
    Err(ConnectError::Failed {
        target: target.to_string(),
        attempts,
    })
}

fn connect_one(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    // 1. socket: IPv4 or IPv6 to match the address, TCP. A client does not bind: the
    //    system gives it an address and a free (ephemeral) port when it connects.
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // 2. connect: SYN, SYN+ACK, ACK. With a timeout, so a server that never answers
    //    (a firewall dropping the SYN) does not keep us for the system's ~2 minutes.
    socket.connect_timeout(&SockAddr::from(addr), timeout)?;
    Ok(TcpStream::from(socket))
}

/// How [`read_for`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadEnd {
    /// As many bytes as wanted (or more) arrived.
    Enough,
    /// The server closed the connection (recv returned 0) first.
    Closed,
    /// The deadline passed first.
    TimedOut,
}

/// Reads until `want` bytes in all have arrived, the peer closes, or `timeout` passes,
/// handing each piece to `on_piece` as it comes. Returns how it stopped.
///
/// `want` may be `usize::MAX` to read until the peer closes (or the deadline).
///
/// # Errors
///
/// The connection's error (a reset, for example); a timeout is not an error but
/// [`ReadEnd::TimedOut`].
///
/// # Examples
///
/// ```
/// use std::io::Write;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use tcp_echo::client::{read_for, ReadEnd};
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// let (mut server_side, _) = listener.accept().unwrap();
/// server_side.write_all(b"hel").unwrap();
/// server_side.write_all(b"lo").unwrap();
/// drop(server_side);
///
/// let mut got = Vec::new();
/// let end = read_for(&client, 5, Duration::from_secs(5), |piece| got.extend_from_slice(piece));
/// assert_eq!(end.unwrap(), ReadEnd::Enough);
/// assert_eq!(got, b"hello"); // in one piece or two
/// ```
pub fn read_for(
    mut stream: &TcpStream,
    want: usize,
    timeout: Duration,
    mut on_piece: impl FnMut(&[u8]),
) -> io::Result<ReadEnd> {
    let deadline = Instant::now() + timeout;
    let mut got = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    while got < want {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(ReadEnd::TimedOut);
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok(ReadEnd::Closed),
            Ok(n) => {
                got = got.saturating_add(n);
                on_piece(&buf[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(ReadEnd::TimedOut)
            }
            Err(e) => return Err(e),
        }
    }
    Ok(ReadEnd::Enough)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    const LONG: Duration = Duration::from_secs(30);

    /// A connected pair on loopback: (the client's side, the server's side). The
    /// trickle's tests use it too.
    pub(crate) fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_side, _) = listener.accept().unwrap();
        (client, server_side)
    }

    #[test]
    fn connects_by_name() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let target: ServerAddr = format!("localhost:{port}").parse().unwrap();
        // localhost may also be ::1, where nothing listens: that address is skipped.
        let stream = connect(&target, LONG).unwrap();
        assert_eq!(stream.peer_addr().unwrap().port(), port);
    }

    #[test]
    fn refused_lists_each_attempt() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let target: ServerAddr = addr.to_string().parse().unwrap();
        let err = connect(&target, LONG).unwrap_err();
        let ConnectError::Failed { attempts, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].1.kind(), io::ErrorKind::ConnectionRefused);
        // One attempt, at the address as given: the address is said once.
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("could not connect to {addr}: ")),
            "{message}"
        );
        assert_eq!(message.matches(&addr.to_string()).count(), 1, "{message}");
        assert!(message.contains("is the server running"), "{message}");
    }

    #[test]
    fn several_attempts_are_each_named() {
        let refused = || io::Error::from(io::ErrorKind::ConnectionRefused);
        let err = ConnectError::Failed {
            target: "localhost:1".into(),
            attempts: vec![
                ("[::1]:1".parse().unwrap(), refused()),
                ("127.0.0.1:1".parse().unwrap(), refused()),
            ],
        };
        let message = err.to_string();
        assert!(
            message.starts_with("could not connect to localhost:1: [::1]:1: "),
            "{message}"
        );
        assert!(message.contains("; 127.0.0.1:1: "), "{message}");
        // A single attempt at an address other than the one given (a name) names it too.
        let err = ConnectError::Failed {
            target: "localhost:1".into(),
            attempts: vec![("127.0.0.1:1".parse().unwrap(), refused())],
        };
        assert!(err
            .to_string()
            .starts_with("could not connect to localhost:1: 127.0.0.1:1: "));
    }

    #[test]
    fn reads_until_enough() {
        let (client, mut server_side) = pair();
        server_side.write_all(b"abcdef").unwrap();
        let mut got = Vec::new();
        let end = read_for(&client, 6, LONG, |p| got.extend_from_slice(p)).unwrap();
        assert_eq!(end, ReadEnd::Enough);
        assert_eq!(got, b"abcdef");
    }

    #[test]
    fn stops_when_the_peer_closes() {
        let (client, mut server_side) = pair();
        server_side.write_all(b"ab").unwrap();
        drop(server_side);
        let mut got = Vec::new();
        let end = read_for(&client, 10, LONG, |p| got.extend_from_slice(p)).unwrap();
        assert_eq!(end, ReadEnd::Closed);
        assert_eq!(got, b"ab");
    }

    #[test]
    fn stops_at_the_deadline() {
        let (client, _server_side) = pair();
        let end = read_for(&client, 1, Duration::from_millis(1), |_| {}).unwrap();
        assert_eq!(end, ReadEnd::TimedOut);
    }

    #[test]
    fn wanting_nothing_reads_nothing() {
        let (client, _server_side) = pair();
        let end = read_for(&client, 0, LONG, |_| panic!("no read expected")).unwrap();
        assert_eq!(end, ReadEnd::Enough);
    }
}
