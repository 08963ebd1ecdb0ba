//! # framing: lessons 3-4, bytes on the wire
//!
//! TCP delivers a stream of bytes, not messages: two `send`s can arrive in one `recv`
//! (sticky packets, 粘包). The cure is a length header in front of every message. Below the
//! application, each layer (分层) adds its own header: TCP or UDP (传输层, transport), IPv4
//! (网络层, network), Ethernet (链路层, link).
//!
//! # Layout
//!
//! - [`pystruct`]: Python's `struct` module (`pack`, `unpack`, `calcsize`, `Struct`, ...),
//!   compatible with CPython 3.11 byte for byte and error message for error message, so
//!   Rust and the course's Python programs can talk to each other. The `pystruct` command
//!   runs it from the shell (`pystruct unpack '<hd' 0100000000000000f83f` prints `(1, 1.5)`).
//! - [`header`]: the length header, one integer written as a Python `struct` format.
//! - [`frame`]: length-prefixed frames over any `Read`/`Write`, and an incremental
//!   decoder that tells "not yet" from "invalid".
//! - The remote-command lesson (the course's `subprocess` server, made safe):
//!   [`argv`] splits a command line without a shell, [`policy`] is the allow-list,
//!   [`runner`] runs a command with output and time limits, [`reply`] is the reply frame,
//!   and [`cmd_server`] is the server that puts them together (`cmd-server`), reading
//!   each request against deadlines ([`netbasics::deadline::TimedReader`]).
//! - [`wire`]: one file per protocol header (Ethernet II, ARP, IPv4, IPv6, UDP, TCP),
//!   the Internet checksum, and the layer-by-layer decoder behind the `packet-decode`
//!   command.
//! - [`trace`]: the `tcp-trace` command, built on [`wire`]: TCP segments captured on the
//!   loopback interface (a packet socket, which needs `CAP_NET_RAW`) and drawn as a
//!   sequence diagram, with relative sequence numbers, short notes in the course's
//!   words, and each side's state from the kernel's socket table: lesson 5's three-way
//!   handshake (三次握手), four-way close (四次挥手) and TIME_WAIT, on the student's own
//!   connections.

#![deny(missing_docs)]

pub mod argv;
pub mod cmd_server;
pub mod frame;
pub mod header;
pub mod policy;
pub mod pystruct;
pub mod reply;
pub mod runner;
pub mod trace;
pub mod wire;
