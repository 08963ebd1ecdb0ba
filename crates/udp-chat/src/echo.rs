//! The UDP echo server: every datagram goes straight back to whoever sent it.
//!
//! The course's exercise (echo is "a useful tool for debugging"):
//!
//! ```text
//! udpSocket = socket(AF_INET, SOCK_DGRAM)        # 1. create the socket
//! udpSocket.bind(("", 7088))                     # 2. bind a known port
//! while True:
//!     recvData = udpSocket.recvfrom(1024)        # 3. receive (data, sender) ...
//!     udpSocket.sendto(recvData[0], recvData[1]) #    ... and send it back
//! udpSocket.close()                              # 4. close (never reached)
//! ```
//!
//! One socket serves every client: there is no `accept` and no connection per client,
//! because each datagram carries its sender's address, and `sendto` that address is the
//! reply. [`serve`] is that loop, with what the Python one lacks:
//!
//! - the buffer holds any datagram ([`DEFAULT_BUFFER`]), so no echo comes back cut;
//! - a zero-length datagram is valid UDP and is echoed as a zero-length datagram;
//! - an error on one datagram (a `sendto` the system refuses, a stray error from
//!   `recvfrom`) is reported and the loop goes on with the next datagram. Only a socket
//!   that fails again and again ([`MAX_ERRORS_IN_A_ROW`]) ends it.
//!
//! A client that has gone away is no problem: the echo to it is sent, nobody receives it,
//! and its machine answers with ICMP "port unreachable". On Linux an unconnected socket
//! such as this one never hears of that (only a connected one gets `ECONNREFUSED`), but
//! other systems may report it on the next `recvfrom` (Windows does, as `WSAECONNRESET`),
//! which is one more reason to treat receive errors as passing.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;

use crate::datagram::{self, RecvError, SendError, Tally, DEFAULT_BUFFER};

/// How many errors in a row end [`serve`]: a socket that fails this often is broken, and
/// looping on it would only fill the log.
pub const MAX_ERRORS_IN_A_ROW: u32 = 100;

/// What happened to one datagram, for the caller to log and count.
#[derive(Debug)]
pub enum Event<'a> {
    /// A datagram was received and sent back.
    Echoed {
        /// Who sent it (and got it back).
        from: SocketAddr,
        /// Its bytes.
        data: &'a [u8],
        /// The totals so far, this datagram included.
        tally: Tally,
    },
    /// `recvfrom` failed; the server goes on.
    RecvFailed(RecvError),
    /// The echo could not be sent; the server goes on.
    SendFailed(SendError),
}

/// Why [`serve`] stopped on its own.
#[derive(Debug, thiserror::Error)]
#[error("the socket failed {MAX_ERRORS_IN_A_ROW} times in a row; the last error: {last}")]
pub struct Broken {
    /// The last error.
    pub last: io::Error,
}

/// Step 3, in a loop: receives each datagram on `socket` and sends it back to its sender,
/// calling `on_event` for each datagram or error, until `on_event` returns
/// `ControlFlow::Break`.
///
/// Returns the totals.
///
/// # Errors
///
/// [`Broken`] after [`MAX_ERRORS_IN_A_ROW`] failures in a row.
///
/// # Examples
///
/// ```
/// use std::net::UdpSocket;
/// use std::ops::ControlFlow;
/// use udp_chat::echo::{serve, Event};
///
/// let server = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let addr = server.local_addr().unwrap();
/// let handle = std::thread::spawn(move || {
///     serve(&server, |event| match event {
///         Event::Echoed { tally, .. } if tally.datagrams == 2 => ControlFlow::Break(()),
///         _ => ControlFlow::Continue(()),
///     })
/// });
///
/// let client = UdpSocket::bind("127.0.0.1:0").unwrap();
/// let mut buf = [0; 64];
/// client.send_to(b"hello", addr).unwrap();
/// let (n, from) = client.recv_from(&mut buf).unwrap();
/// assert_eq!((&buf[..n], from), (&b"hello"[..], addr));
/// client.send_to(b"", addr).unwrap(); // empty is valid UDP, and comes back empty
/// assert_eq!(client.recv_from(&mut buf).unwrap().0, 0);
///
/// let tally = handle.join().unwrap().unwrap();
/// assert_eq!((tally.datagrams, tally.bytes), (2, 5));
/// ```
pub fn serve(
    socket: &UdpSocket,
    mut on_event: impl FnMut(Event<'_>) -> ControlFlow<()>,
) -> Result<Tally, Broken> {
    let mut buf = vec![0; DEFAULT_BUFFER];
    let mut tally = Tally::default();
    let mut errors_in_a_row = 0;
    loop {
        // 3a. recvfrom: wait for the next datagram from anyone.
        let event = match datagram::recv_from(socket, &mut buf) {
            Ok(got) => {
                let data = &buf[..got.kept];
                // 3b. sendto: the same bytes, back to the address they came from.
                match datagram::send_to(socket, data, got.from) {
                    Ok(()) => {
                        errors_in_a_row = 0;
                        tally.add(data.len());
                        Event::Echoed {
                            from: got.from,
                            data,
                            tally,
                        }
                    }
                    Err(err) => Event::SendFailed(err),
                }
            }
            Err(err) => Event::RecvFailed(err),
        };
        let failed = match &event {
            Event::Echoed { .. } => None,
            Event::RecvFailed(err) => Some(recv_io_error(err)),
            Event::SendFailed(err) => Some(send_io_error(err)),
        };
        if let Some(last) = failed {
            errors_in_a_row += 1;
            if errors_in_a_row >= MAX_ERRORS_IN_A_ROW {
                // The loop ends either way: the caller's answer does not matter here.
                let _ = on_event(event);
                return Err(Broken { last });
            }
        }
        if on_event(event).is_break() {
            return Ok(tally);
        }
    }
}

/// An `io::Error` standing for `err`, to keep as the last error.
fn recv_io_error(err: &RecvError) -> io::Error {
    match err {
        RecvError::Io(source) => io::Error::new(source.kind(), source.to_string()),
        other => io::Error::other(other.to_string()),
    }
}

fn send_io_error(err: &SendError) -> io::Error {
    match err {
        SendError::Io { source, .. } => io::Error::new(source.kind(), source.to_string()),
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn start(stop_after: u64) -> (SocketAddr, std::thread::JoinHandle<Result<Tally, Broken>>) {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = server.local_addr().unwrap();
        let handle = std::thread::spawn(move || {
            serve(&server, |event| match event {
                Event::Echoed { tally, .. } if tally.datagrams == stop_after => {
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            })
        });
        (addr, handle)
    }

    fn client() -> UdpSocket {
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        // Only keeps a broken test from hanging; loopback answers at once.
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client
    }

    #[test]
    fn echoes_every_kind_of_datagram_to_its_sender() {
        let messages: [&[u8]; 4] = [b"hi", b"", b"\xff\xfe garbage \x00", &[b'x'; 60_000]];
        let (addr, handle) = start(messages.len() as u64);
        let client = client();
        let mut buf = vec![0; DEFAULT_BUFFER];
        for message in messages {
            client.send_to(message, addr).unwrap();
            let (n, from) = client.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], message);
            assert_eq!(from, addr);
        }
        let tally = handle.join().unwrap().unwrap();
        assert_eq!(tally.datagrams, 4);
        assert_eq!(tally.bytes, messages.iter().map(|m| m.len() as u64).sum());
    }

    #[test]
    fn serves_several_clients_on_one_socket() {
        let (addr, handle) = start(2);
        let (a, b) = (client(), client());
        a.send_to(b"from a", addr).unwrap();
        b.send_to(b"from b", addr).unwrap();
        let mut buf = [0; 64];
        let (n, _) = a.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"from a");
        let (n, _) = b.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"from b");
        handle.join().unwrap().unwrap();
    }

    #[test]
    fn a_vanished_client_does_not_stop_the_server() {
        let (addr, handle) = start(2);
        {
            let gone = client();
            gone.send_to(b"bye", addr).unwrap();
        } // closed before the echo arrives (or after: either way nobody reads it)
        let c = client();
        c.send_to(b"still there?", addr).unwrap();
        let mut buf = [0; 64];
        let (n, _) = c.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"still there?");
        assert_eq!(handle.join().unwrap().unwrap().datagrams, 2);
    }

    #[test]
    fn a_socket_that_always_fails_ends_the_loop() {
        // A read timeout makes every recvfrom fail at once: a stand-in for a broken socket.
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        server
            .set_read_timeout(Some(Duration::from_millis(1)))
            .unwrap();
        let mut seen = 0;
        let err = serve(&server, |event| {
            assert!(matches!(event, Event::RecvFailed(RecvError::Timeout)));
            seen += 1;
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert_eq!(seen, MAX_ERRORS_IN_A_ROW);
        assert!(err.to_string().contains("100 times in a row"), "{err}");
    }
}
