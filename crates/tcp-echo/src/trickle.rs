//! A slow client on purpose: a message sent one byte at a time, with a pause between
//! bytes (`tcp-echo-client --trickle SECS`).
//!
//! It shows the limit of the server's idle timeout. The idle timeout is a read timeout,
//! and every byte that arrives starts it again: a client that sends a byte every 2 s is
//! never idle for 3 s, however long it takes over its message. A server that serves one
//! client at a time (lesson 5), or one per worker thread (lesson 7's pool), is held for
//! as long as such a client likes. What bounds it is a limit on the whole visit
//! (`tcp-echo-server --max-connection-time SECS`, [`crate::echo::Timeouts::visit`]).

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::client::{read_for, ReadEnd};
use crate::echo::is_reset;

/// How a trickled message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trickled {
    /// Every byte was sent.
    All,
    /// The server closed the connection (or reset it) after `sent` bytes.
    Closed {
        /// How many bytes were sent before the server hung up.
        sent: usize,
    },
}

/// Sends `bytes` one at a time, `pause` apart, handing whatever comes back meanwhile to
/// `on_piece`.
///
/// The pauses are spent reading ([`read_for`]): the replies are taken as they come, and
/// a server that hangs up is noticed during the pause, not at the next `send` (which
/// would fail with a reset or a broken pipe, saying less).
///
/// # Errors
///
/// The connection's error, other than the server closing or resetting it, which is
/// [`Trickled::Closed`].
///
/// # Examples
///
/// ```
/// use std::io::Read;
/// use std::net::{TcpListener, TcpStream};
/// use std::time::Duration;
/// use tcp_echo::trickle::{trickle, Trickled};
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let client = TcpStream::connect(listener.local_addr()?)?;
/// let (mut server_side, _) = listener.accept()?;
///
/// let sent = trickle(&client, b"hi", Duration::from_millis(10), |_| {})?;
/// assert_eq!(sent, Trickled::All);
/// let mut got = [0u8; 2];
/// server_side.read_exact(&mut got)?; // one byte, then the other
/// assert_eq!(&got, b"hi");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn trickle(
    mut stream: &TcpStream,
    bytes: &[u8],
    pause: Duration,
    mut on_piece: impl FnMut(&[u8]),
) -> io::Result<Trickled> {
    for (sent, byte) in bytes.iter().enumerate() {
        if sent > 0 {
            // The pause, spent reading what comes back meanwhile.
            match read_for(stream, usize::MAX, pause, &mut on_piece) {
                Ok(ReadEnd::Closed) => return Ok(Trickled::Closed { sent }),
                Ok(ReadEnd::TimedOut | ReadEnd::Enough) => {}
                Err(e) if is_reset(&e) => return Ok(Trickled::Closed { sent }),
                Err(e) => return Err(e),
            }
        }
        match stream.write_all(std::slice::from_ref(byte)) {
            Ok(()) => {}
            Err(e) if is_reset(&e) => return Ok(Trickled::Closed { sent }),
            Err(e) => return Err(e),
        }
    }
    Ok(Trickled::All)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::pair;
    use std::io::Read;

    #[test]
    fn each_byte_arrives_on_its_own_and_the_echo_is_collected() {
        let (client, server_side) = pair();
        // An echo server, one read at a time: each byte is one piece.
        let echo = std::thread::spawn(move || {
            let mut pieces = 0;
            let mut buf = [0u8; 16];
            let mut stream = &server_side;
            while let Ok(n @ 1..) = stream.read(&mut buf) {
                pieces += 1;
                stream.write_all(&buf[..n]).unwrap();
            }
            pieces
        });
        let mut echoed = Vec::new();
        let end = trickle(&client, b"slow", Duration::from_millis(20), |piece| {
            echoed.extend_from_slice(piece)
        })
        .unwrap();
        assert_eq!(end, Trickled::All);
        client.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(echo.join().unwrap(), 4);
        // The echoes of the first three came back during the pauses.
        assert_eq!(echoed, b"slo");
    }

    #[test]
    fn a_server_that_hangs_up_is_noticed_in_the_pause() {
        let (client, server_side) = pair();
        let mut first = [0u8; 1];
        let closer = std::thread::spawn(move || {
            (&server_side).read_exact(&mut first).unwrap();
            drop(server_side); // hangs up after the first byte
        });
        let end = trickle(&client, b"slow", Duration::from_millis(200), |_| {}).unwrap();
        closer.join().unwrap();
        // Noticed in the first pause, or at the latest when a send fails.
        assert!(matches!(end, Trickled::Closed { sent: 1..=3 }), "{end:?}");
    }
}
