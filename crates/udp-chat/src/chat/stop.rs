//! Receiving datagrams on a thread of its own, and stopping that thread cleanly.
//!
//! The receiving thread spends its life blocked in `recvfrom`, and Rust's standard
//! library has no call that interrupts another thread. The course's chat shows what goes
//! wrong: its receiving thread, once the other side says `bye`, is never told to stop, so
//! a program whose own user typed `bye` never ends: the thread waits in `recvfrom` for
//! a datagram that will not come.
//!
//! The ways out, and why this lesson uses the last one:
//!
//! - **close the socket from another thread** (what the course's receive function does
//!   to itself): on Linux `close` does not wake a thread blocked in `recvfrom` on the
//!   same socket, and the descriptor number may be reused at once by another file, so
//!   the blocked thread could end up reading something else. Rust does not even allow
//!   it: a socket shared between threads cannot be closed while another uses it.
//! - **`shutdown` the socket**: on Linux it wakes `recvfrom` (while reporting an error,
//!   "not connected", for an unconnected UDP socket); other systems promise nothing of
//!   the kind for UDP.
//! - **a read timeout** (`set_read_timeout`) and a flag checked after each timeout:
//!   correct everywhere, but the thread wakes up for nothing several times a second, and
//!   stopping waits for the next timeout.
//! - **a flag, and a datagram to ourselves** ([`StopSignal`]): raise the flag, then send
//!   an empty datagram to our own socket's address. `recvfrom` returns it at once, the
//!   thread checks the flag and ends. It works everywhere UDP does, costs nothing while
//!   the chat runs, and cannot be missed: if the thread was not yet in `recvfrom`, the
//!   datagram waits in the socket's queue and the next `recvfrom` returns it.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use netbasics::any_address::connectable;

use crate::datagram::DEFAULT_BUFFER;

/// The stop flag shared by the receiving thread and whoever ends the chat.
///
/// # Examples
///
/// The receiving thread of a chat, and the main thread stopping it:
///
/// ```
/// use std::net::UdpSocket;
/// use std::ops::ControlFlow;
/// use std::sync::{mpsc, Arc};
/// use udp_chat::chat::{receive, StopSignal};
///
/// let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").unwrap());
/// let stop = Arc::new(StopSignal::new());
///
/// // The receiving thread hands each datagram to the main thread.
/// let (tx, rx) = mpsc::channel();
/// let receiver = {
///     let (socket, stop) = (Arc::clone(&socket), Arc::clone(&stop));
///     std::thread::spawn(move || {
///         receive(&socket, &stop, |from, bytes| {
///             tx.send((from, bytes.to_vec())).unwrap();
///             ControlFlow::Continue(())
///         })
///     })
/// };
///
/// let friend = UdpSocket::bind("127.0.0.1:0").unwrap();
/// friend.send_to(b"hello", socket.local_addr().unwrap()).unwrap();
/// assert_eq!(rx.recv().unwrap(), (friend.local_addr().unwrap(), b"hello".to_vec()));
///
/// stop.stop(&socket).unwrap(); // wakes the thread blocked in recvfrom
/// receiver.join().unwrap().unwrap(); // and it ends
/// ```
#[derive(Debug, Default)]
pub struct StopSignal {
    stopping: AtomicBool,
}

impl StopSignal {
    /// A signal that has not been given.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Tells the thread receiving on `socket` to end: raises the flag, then sends an
    /// empty datagram to the socket's own address to wake the `recvfrom` it is blocked
    /// in. The flag comes first, so the thread that wakes always sees it.
    ///
    /// # Errors
    ///
    /// When the socket's address cannot be read or the wake-up datagram cannot be sent;
    /// the flag is raised anyway, so the thread ends at the next datagram it receives.
    pub fn stop(&self, socket: &UdpSocket) -> io::Result<()> {
        self.stopping.store(true, Ordering::SeqCst);
        // Bound to 0.0.0.0 (every address)? Then 127.0.0.1 reaches it too.
        let own = connectable(socket.local_addr()?);
        socket.send_to(&[], own)?;
        Ok(())
    }
}

/// The receiving thread's loop: `recvfrom` over and over, handing each datagram (and
/// where it came from) to `deliver`, until `stop` is given or `deliver` breaks.
///
/// Each datagram is a message of its own, as it was sent: UDP keeps the boundaries
/// (one `sendto`, one `recvfrom`), unlike TCP's byte stream.
///
/// # Errors
///
/// A `recvfrom` failure that is not about one datagram (the socket itself is unusable).
pub fn receive<F>(socket: &UdpSocket, stop: &StopSignal, mut deliver: F) -> io::Result<()>
where
    F: FnMut(SocketAddr, &[u8]) -> ControlFlow<()>,
{
    // Big enough for any datagram. The course's recvfrom(1024) silently drops everything
    // past 1024 bytes on Linux (and fails on Windows).
    let mut buf = vec![0u8; DEFAULT_BUFFER];
    loop {
        // The course's step 4: recv_data = udp_socket.recvfrom(1024)
        let result = socket.recv_from(&mut buf);
        // Checked after every datagram, so the wake-up datagram (or any datagram
        // that arrives as we stop) ends the loop without being delivered.
        if stop.is_stopping() {
            return Ok(());
        }
        match result {
            Ok((len, from)) => {
                if deliver(from, &buf[..len]).is_break() {
                    return Ok(());
                }
            }
            // A signal arrived during recvfrom: just try again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Windows reports an ICMP "port unreachable" (a datagram we sent found no
            // one listening) on the *next* recvfrom, as "connection reset": it concerns
            // an earlier send, not this socket. Keep receiving.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
                ) => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{mpsc, Arc};
    use std::thread;
    use std::time::Duration;

    /// Only fails a test that hangs.
    const DEADLINE: Duration = Duration::from_secs(30);

    fn bound() -> Arc<UdpSocket> {
        Arc::new(UdpSocket::bind("127.0.0.1:0").unwrap())
    }

    /// What a test's receiving thread returns, and the datagrams it forwards.
    type Receiving = (
        thread::JoinHandle<io::Result<()>>,
        mpsc::Receiver<(SocketAddr, Vec<u8>)>,
    );

    /// Starts a receiving thread that forwards every datagram into a channel.
    fn spawn_receiver(socket: &Arc<UdpSocket>, stop: &Arc<StopSignal>) -> Receiving {
        let (tx, rx) = mpsc::channel();
        let (socket, stop) = (Arc::clone(socket), Arc::clone(stop));
        let handle = thread::spawn(move || {
            receive(&socket, &stop, |from, bytes| {
                match tx.send((from, bytes.to_vec())) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()),
                }
            })
        });
        (handle, rx)
    }

    #[test]
    fn datagrams_arrive_whole_and_in_order_then_stop_wakes_the_thread() {
        let socket = bound();
        let stop = Arc::new(StopSignal::new());
        let (handle, rx) = spawn_receiver(&socket, &stop);

        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = socket.local_addr().unwrap();
        peer.send_to(b"one", to).unwrap();
        peer.send_to(b"", to).unwrap(); // an empty datagram is a message too
        peer.send_to(&[0xff; 2000], to).unwrap(); // longer than the course's 1024
        let from = peer.local_addr().unwrap();
        assert_eq!(rx.recv_timeout(DEADLINE).unwrap(), (from, b"one".to_vec()));
        assert_eq!(rx.recv_timeout(DEADLINE).unwrap(), (from, Vec::new()));
        assert_eq!(rx.recv_timeout(DEADLINE).unwrap().1.len(), 2000);

        assert!(!stop.is_stopping());
        stop.stop(&socket).unwrap();
        assert!(stop.is_stopping());
        handle.join().unwrap().unwrap();
        // The wake-up datagram was not delivered.
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn a_stop_before_the_thread_receives_is_not_missed() {
        let socket = bound();
        let stop = Arc::new(StopSignal::new());
        stop.stop(&socket).unwrap(); // the wake-up datagram waits in the queue
        let (handle, _rx) = spawn_receiver(&socket, &stop);
        handle.join().unwrap().unwrap();
    }

    #[test]
    fn a_socket_bound_to_every_address_is_woken_through_loopback() {
        // 0.0.0.0 is the point of this test: a socket bound to "every address" has no
        // address to send the wake-up datagram to, and StopSignal must pick loopback.
        // Nothing is sent anywhere but to loopback.
        let socket = Arc::new(UdpSocket::bind("0.0.0.0:0").unwrap());
        let stop = Arc::new(StopSignal::new());
        let (handle, _rx) = spawn_receiver(&socket, &stop);
        stop.stop(&socket).unwrap();
        handle.join().unwrap().unwrap();
    }

    #[test]
    fn deliver_can_end_the_loop() {
        let socket = bound();
        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.send_to(b"bye", socket.local_addr().unwrap()).unwrap();
        let stop = StopSignal::new();
        let mut seen = Vec::new();
        receive(&socket, &stop, |_, bytes| {
            seen.push(bytes.to_vec());
            ControlFlow::Break(())
        })
        .unwrap();
        assert_eq!(seen, [b"bye".to_vec()]);
    }

    #[test]
    fn ipv6_loopback_too() {
        let Ok(socket) = UdpSocket::bind("[::1]:0") else {
            return; // no IPv6 on this machine
        };
        let socket = Arc::new(socket);
        let stop = Arc::new(StopSignal::new());
        let (handle, _rx) = spawn_receiver(&socket, &stop);
        stop.stop(&socket).unwrap();
        handle.join().unwrap().unwrap();
    }
}
