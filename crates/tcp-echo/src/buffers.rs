//! The kernel's buffers behind a TCP socket: `SO_SNDBUF` and `SO_RCVBUF`.
//!
//! `send` does not put bytes on the wire: it copies them into the socket's *send buffer*
//! in the kernel and returns; the kernel sends them when the network and the receiver
//! allow. `recv` does not take bytes off the wire either: the kernel has already put them
//! in the socket's *receive buffer*, and `recv` copies out what is there.
//!
//! This is why `send` usually returns at once, why one `send` may arrive as several
//! `recv`s (or several `send`s as one: 粘包), and why an echo server can get stuck: when
//! a client stops reading, its receive buffer fills, then the server's send buffer, and
//! then the server's `send` waits (blocks) for room that never comes.
//!
//! Linux reports twice the size that was asked for (it counts its own bookkeeping), and
//! grows both buffers by itself while a connection is busy ("autotuning"), so the sizes
//! read at `accept` time are where a connection starts, not a limit.

use std::io;
use std::net::TcpStream;

use socket2::SockRef;

/// The sizes of a socket's two kernel buffers, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferSizes {
    /// `SO_SNDBUF`: room for bytes sent but not yet acknowledged by the peer.
    pub send: usize,
    /// `SO_RCVBUF`: room for bytes received but not yet read by the program.
    pub recv: usize,
}

/// Reads `SO_SNDBUF` and `SO_RCVBUF` of a connected socket.
///
/// # Errors
///
/// The system's error if either option cannot be read (it can always be read on an open
/// TCP socket).
///
/// # Examples
///
/// ```
/// use std::net::{TcpListener, TcpStream};
/// use tcp_echo::buffers::buffer_sizes;
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// let sizes = buffer_sizes(&client).unwrap();
/// assert!(sizes.send > 0 && sizes.recv > 0);
/// ```
pub fn buffer_sizes(stream: &TcpStream) -> io::Result<BufferSizes> {
    // SockRef borrows the stream's socket to reach options std does not offer.
    let socket = SockRef::from(stream);
    Ok(BufferSizes {
        send: socket.send_buffer_size()?,
        recv: socket.recv_buffer_size()?,
    })
}

impl std::fmt::Display for BufferSizes {
    /// `SO_SNDBUF 16384 bytes, SO_RCVBUF 131072 bytes`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SO_SNDBUF {} bytes, SO_RCVBUF {} bytes",
            self.send, self.recv
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn both_sides_have_buffers() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_side, _) = listener.accept().unwrap();
        for stream in [&client, &server_side] {
            let sizes = buffer_sizes(stream).unwrap();
            assert!(sizes.send > 0 && sizes.recv > 0, "{sizes:?}");
        }
    }

    #[test]
    fn a_size_set_before_connecting_is_kept() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        socket.set_recv_buffer_size(8192).unwrap();
        socket
            .connect(&listener.local_addr().unwrap().into())
            .unwrap();
        let sizes = buffer_sizes(&TcpStream::from(socket)).unwrap();
        // Linux doubles it; other systems keep it as asked: at least what was asked.
        assert!(sizes.recv >= 8192, "{sizes:?}");
    }

    #[test]
    fn display_names_the_options() {
        let sizes = BufferSizes {
            send: 16384,
            recv: 131072,
        };
        assert_eq!(
            sizes.to_string(),
            "SO_SNDBUF 16384 bytes, SO_RCVBUF 131072 bytes"
        );
    }
}
