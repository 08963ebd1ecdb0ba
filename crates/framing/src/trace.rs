//! `tcp-trace`: the TCP segments of loopback connections, drawn as a sequence diagram.
//!
//! Lesson 5 says a connection opens with three segments (三次握手) and closes with four
//! (四次挥手), that the side that closes first waits in TIME_WAIT, and that data is
//! acknowledged. `tcp-trace` shows it happening, on the student's own connections:
//!
//! ```text
//! $ tcp-trace --port 8888 -- tcp-echo-client 127.0.0.1:8888 hello
//! capturing on lo (port 8888)
//! #1 client 127.0.0.1:50001 -> server 127.0.0.1:8888
//! #1  ----------SYN----------->  seq=0 len=0 win=65495 wscale=10               SYN: client's initial sequence number
//! #1  <--------SYN+ACK---------  seq=0 ack=1 len=0 win=65483 wscale=10         SYN+ACK: ack = client's seq + 1, and the server's own seq
//! #1  ----------ACK----------->  seq=1 ack=1 len=0 win=65536 (64x1024)         ACK: handshake done (三次握手)
//! #1  --------PSH+ACK--------->  seq=1 ack=1 len=5 win=65536 (64x1024)
//! #1  <----------ACK-----------  seq=1 ack=6 len=0 win=65536 (64x1024)         ACK: data received
//! #1  <--------PSH+ACK---------  seq=1 ack=6 len=5 win=65536 (64x1024)
//! #1  ----------ACK----------->  seq=6 ack=6 len=0 win=65536 (64x1024)         ACK: data received
//! #1  --------FIN+ACK--------->  seq=6 ack=6 len=0 win=65536 (64x1024)         FIN: nothing more from client
//! #1  <--------FIN+ACK---------  seq=6 ack=7 len=0 win=65536 (64x1024)         FIN: nothing more from server; ACK of client's FIN
//! #1  ----------ACK----------->  seq=7 ack=7 len=0 win=65536 (64x1024)         last ACK: both FINs acknowledged (四次挥手 done)
//! #1 end: 10 segments; client sent 5 bytes, server sent 5 bytes; the client closed first
//! ```
//!
//! It is built on [`crate::wire`], lesson 4's headers: the frames a packet socket
//! captures are taken apart with the same views `packet-decode` uses.
//!
//! # Layout
//!
//! - [`capture`]: the packet socket on `lo` (needs `CAP_NET_RAW`), without `unsafe`.
//! - [`segment`]: from a captured frame (Ethernet, IPv4 or IPv6, TCP) to a [`Segment`];
//!   never panics, whatever the bytes.
//! - [`conversation`]: one connection's bookkeeping: relative sequence and
//!   acknowledgment numbers, scaled windows, the notes each segment earns, how it ended.
//! - [`tracker`]: segments grouped into connections ([`Tracker`]).
//! - [`notes`]: the short notes beside a segment, in the course's words.
//! - [`diagram`]: the lines printed: the ready line, headers, arrows, footers.
//! - [`states`]: the kernel's socket table (`/proc/net/tcp`), each side's TCP state.
//! - [`command`]: the command traced (`tcp-trace -- COMMAND...`): started, its output
//!   passed on, its exit code.
//! - [`session`]: the loop that puts them together, and when it stops.
//!
//! The binary, `src/bin/tcp-trace.rs`, reads the command line and calls [`session::run`]
//! (or, without `CAP_NET_RAW` and with `--states`, [`session::run_states_only`]).

pub mod capture;
pub mod command;
pub mod conversation;
pub mod diagram;
pub mod notes;
pub mod segment;
pub mod session;
pub mod states;
pub mod tracker;

pub use segment::Segment;
pub use tracker::Tracker;
