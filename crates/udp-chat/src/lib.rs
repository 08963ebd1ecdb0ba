//! Lesson 6: UDP, messages without a connection.
//!
//! TCP (lesson 5) gives two programs a connection: a byte stream, delivered in order, with
//! nothing lost, and no message boundaries (the sticky packets of lesson 3). UDP (用户数据报
//! 协议) gives them **datagrams** (数据报): each `sendto` is one message, each `recvfrom`
//! returns one whole message or nothing, and nothing is promised: a datagram can be lost,
//! duplicated or arrive out of order, and nobody is told. In exchange there is no
//! handshake, no `listen` and no `accept`, one socket can talk to anyone, and a datagram
//! can be sent to every machine on a network at once (broadcast, 广播), which TCP cannot do.
//!
//! The course's programs, and where each step lives here:
//!
//! | program | what it shows | module |
//! |---|---|---|
//! | `udp-send`, `udp-recv` | steps 1-4 (socket, optional bind, sendto/recvfrom, close); the sender's port is chosen by the system unless bound; a datagram bigger than the buffer is cut; a datagram has a maximum size | [`socket`], [`datagram`] |
//! | `udp-echo-server` | the course's echo exercise: every datagram back to its sender, counted, except where an answer could start a loop | [`echo`], [`answer`] |
//! | `udp-chat` | full duplex (全双工) with two threads, and how `bye` ends both without leaving a thread blocked in `recvfrom` | [`chat`] |
//! | `udp-broadcast` | `SO_BROADCAST`, the limited and the directed broadcast address, collecting the replies | [`broadcast`] |
//! | `ipmsg` | IP Messenger / FeiQ (飞秋) on port 2425: a real application protocol written as text in datagrams | [`ipmsg`] |
//!
//! A reader new to the crate starts with [`socket`] (steps 1-2) and [`datagram`] (step 3);
//! every other module is built from those two.
//!
//! # Layout
//!
//! - [`socket`]: steps 1-2, a UDP socket made and bound with the options a program asks
//!   for; the peer's `HOST:PORT` turned into an address ([`socket::resolve_peer`]).
//! - [`datagram`]: step 3, `sendto` and `recvfrom` of one whole datagram, the maximum size,
//!   a datagram cut by a small buffer, and how a received one is shown.
//! - [`echo`]: the echo server's loop and its counts.
//! - [`answer`]: whom a program may answer on its own ([`answer::should_answer`]): never
//!   itself, never port 0, never another server like it or a system port, so that one
//!   forged datagram cannot set two programs answering each other for ever. The echo
//!   server and `ipmsg` both follow it.
//! - [`chat`]: the full-duplex chat: the receiving loop and its stop signal, typed
//!   commands, the `/who` table, and one chat session from start to `bye`.
//! - [`broadcast`]: `SO_BROADCAST` and the broadcast addresses; collecting replies.
//! - [`ipmsg`]: the IP Messenger protocol: packets, commands, replies, display.
//! - [`cli`]: what the programs share on the command line: seconds, byte counts, Ctrl-C.
//!
//! From lower lessons (lesson 5, TCP, is a sibling: nothing here uses it): `HOST:PORT` is
//! [`netbasics::server_addr`], received text is shown with [`netbasics::text::TextView`],
//! and a thread blocked in `recvfrom` is woken through loopback as
//! [`netbasics::any_address`] explains.
//!
//! The binaries (`src/bin/`) are thin: they read the command line, bind, and call these
//! modules; `ipmsg` has a folder of its own (`src/bin/ipmsg/`), one file per subcommand.

#![deny(missing_docs)]

pub mod answer;
pub mod broadcast;
pub mod chat;
pub mod cli;
pub mod datagram;
pub mod echo;
pub mod ipmsg;
pub mod socket;
