//! The packet socket: every frame that crosses the loopback interface, both ways.
//!
//! An `AF_PACKET` socket of type `SOCK_RAW` with protocol `ETH_P_ALL` receives a copy of
//! every frame the machine sends or receives, Ethernet header included, before (or
//! after) the kernel's own TCP/IP code handles it: what tcpdump and Wireshark read.
//! Because it sees everyone's traffic, opening one needs the `CAP_NET_RAW` capability
//! (root has it): without it the kernel answers `EPERM`, which becomes
//! [`CaptureError::NotPermitted`].
//!
//! On `lo` each frame shows up twice: once going out (`PACKET_OUTGOING`) and once coming
//! back in (`PACKET_HOST`). Only the incoming copy is kept, so each segment is shown
//! once. Frames of other interfaces are dropped (the socket listens on all of them, and
//! the course's traffic is on loopback only).
//!
//! Three things keep the capture from losing frames or time:
//! - a classic BPF filter attached to the socket (socket2's `attach_filter`, the
//!   program in [`filter`]) lets the kernel drop, before copying, every frame that is
//!   not incoming TCP on `lo` (to or from the port traced); the same checks are made
//!   again after reading, so the filter is only a speed-up;
//! - a large receive buffer holds bursts while the diagram is printed: 4 MiB asked with
//!   `SO_RCVBUFFORCE`, which only a process with CAP_NET_ADMIN (root) may use; without
//!   it, with `SO_RCVBUF`, which the kernel caps at `net.core.rmem_max` (often 208 KiB);
//! - a read timeout, so the loop can look at the socket table, the command and Ctrl-C
//!   between frames.
//!
//! The kernel counts the frames it had to drop (`PACKET_STATISTICS`), but neither nix
//! nor socket2 reads that option, and the workspace forbids `unsafe`: the count is not
//! shown. A drop would show as a gap: a segment missing between its neighbours.
//!
//! No `unsafe` here: socket2 opens and configures the socket, nix's `recvfrom` with a
//! `LinkAddr` gives the interface and packet type of each frame.

#[cfg(target_os = "linux")]
pub use linux::Capture;

#[cfg(any(target_os = "linux", test))]
pub mod filter;

/// Why capturing could not start.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The kernel refused the packet socket (`EPERM`): no `CAP_NET_RAW`.
    #[error("capturing needs CAP_NET_RAW (permission to open a packet socket)")]
    NotPermitted,
    /// Another system call failed.
    #[error("{what}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Why it failed.
        #[source]
        source: std::io::Error,
    },
    /// This system has no packet sockets.
    #[error("capturing is supported on Linux only")]
    Unsupported,
}

/// How to run `tcp-trace` with the permission it needs, for the error message.
pub fn how_to_permit(program: &str) -> String {
    format!(
        "run it as root (sudo {program} ...), or give the program the capability once: \
         sudo setcap cap_net_raw+ep {program}"
    )
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io;
    use std::os::fd::AsRawFd;
    use std::time::Duration;

    use nix::errno::Errno;
    use nix::sys::socket::{recvfrom, LinkAddr};
    use socket2::{Domain, Protocol, Socket, Type};

    use super::CaptureError;

    /// `ETH_P_ALL`: every protocol (from `linux/if_ether.h`).
    const ETH_P_ALL: u16 = 0x0003;
    /// The packet type of a frame this machine sent (from `linux/if_packet.h`).
    const PACKET_OUTGOING: u8 = 4;
    /// The receive buffer asked for (with `SO_RCVBUF`, the kernel caps it at
    /// `net.core.rmem_max`).
    const RECEIVE_BUFFER: usize = 4 << 20;
    /// Room for the largest frame on `lo` (MTU 65536 plus the Ethernet header).
    const FRAME_ROOM: usize = 65536 + 64;

    /// An open packet socket on the loopback interface.
    pub struct Capture {
        socket: Socket,
        loopback: usize,
        buffer: Vec<u8>,
    }

    impl Capture {
        /// Opens the socket for TCP to or from `port` (every port: `None`); `poll` is
        /// how long [`Capture::next_frame`] waits at most.
        pub fn open(port: Option<u16>, poll: Duration) -> Result<Capture, CaptureError> {
            let io = |what| move |source| CaptureError::Io { what, source };
            let loopback = nix::net::if_::if_nametoindex("lo")
                .map_err(|e| io("finding the loopback interface `lo`")(e.into()))?;
            let loopback = usize::try_from(loopback).unwrap_or(usize::MAX);
            // The protocol goes in network byte order, as for every packet socket.
            let protocol = Protocol::from(i32::from(ETH_P_ALL.to_be()));
            let socket = match Socket::new(Domain::PACKET, Type::RAW, Some(protocol)) {
                Ok(socket) => socket,
                Err(e) if e.raw_os_error() == Some(Errno::EPERM as i32) => {
                    return Err(CaptureError::NotPermitted)
                }
                Err(e) => return Err(io("opening a packet socket")(e)),
            };
            socket
                .attach_filter(&filter(loopback, port))
                .map_err(io("attaching the capture filter"))?;
            // SO_RCVBUFFORCE passes over `net.core.rmem_max`, but needs CAP_NET_ADMIN,
            // which CAP_NET_RAW alone (setcap) does not give: then the capped SO_RCVBUF.
            let forced = nix::sys::socket::setsockopt(
                &socket,
                nix::sys::socket::sockopt::RcvBufForce,
                &RECEIVE_BUFFER,
            );
            if forced.is_err() {
                socket
                    .set_recv_buffer_size(RECEIVE_BUFFER)
                    .map_err(io("setting the receive buffer"))?;
            }
            socket
                .set_read_timeout(Some(poll))
                .map_err(io("setting the read timeout"))?;
            Ok(Capture {
                socket,
                loopback,
                buffer: vec![0; FRAME_ROOM],
            })
        }

        /// The next frame that came in on `lo`, or `None` when none came within the
        /// poll time (or a signal interrupted the wait).
        pub fn next_frame(&mut self) -> io::Result<Option<&[u8]>> {
            loop {
                match recvfrom::<LinkAddr>(self.socket.as_raw_fd(), &mut self.buffer) {
                    Ok((len, Some(from))) => {
                        if from.ifindex() != self.loopback || from.pkttype() == PACKET_OUTGOING {
                            continue;
                        }
                        let len = len.min(self.buffer.len());
                        return Ok(Some(&self.buffer[..len]));
                    }
                    Ok((_, None)) => continue,
                    Err(Errno::EAGAIN | Errno::EINTR) => return Ok(None),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }

    /// The filter of [`super::filter`], in the form `attach_filter` takes.
    fn filter(loopback: usize, port: Option<u16>) -> Vec<libc::sock_filter> {
        let loopback = u32::try_from(loopback).unwrap_or(u32::MAX);
        super::filter::program(loopback, port)
            .into_iter()
            .map(|(code, jt, jf, k)| libc::sock_filter { code, jt, jf, k })
            .collect()
    }
}

/// On other systems there is nothing to open.
#[cfg(not(target_os = "linux"))]
pub struct Capture;

#[cfg(not(target_os = "linux"))]
impl Capture {
    /// Always [`CaptureError::Unsupported`].
    pub fn open(_port: Option<u16>, _poll: std::time::Duration) -> Result<Capture, CaptureError> {
        Err(CaptureError::Unsupported)
    }

    /// Never called: there is no capture.
    pub fn next_frame(&mut self) -> std::io::Result<Option<&[u8]>> {
        Ok(None)
    }
}
