//! IP Messenger (IP 信使) and FeiQ (飞秋): a real chat protocol on UDP port 2425.
//!
//! The course sends FeiQ a message with three lines of Python: a UDP socket, the text
//! `1:123123:吴彦祖:吴彦祖-pc:32:haha` encoded as GBK, and `sendto` to port 2425. FeiQ
//! shows it because it speaks IP Messenger's protocol (H. Shirouzu's, 1996), and that
//! text *is* a packet of it: six fields separated by `:`.
//!
//! | field | example | meaning |
//! |---|---|---|
//! | 1 version | `1` | protocol version; FeiQ writes `1_lbt6_0#128#MAC#0#0#0#4001#9` |
//! | 2 packet number | `123123` | different for every packet; a receipt names a message by it |
//! | 3 user | `吴彦祖` | the sender's login name |
//! | 4 host | `吴彦祖-pc` | the sender's computer name |
//! | 5 command | `32` | decimal; mode in the low byte (32 = 0x20 SENDMSG) and option bits above (288 = SENDMSG\|SENDCHECKOPT) |
//! | 6 extension | `haha` | message text, nickname, ...; may hold `:`; a NUL may follow, then more (an entry's group name) |
//!
//! Text is in the sender's local encoding (GBK on Chinese Windows), or UTF-8 when the
//! command has UTF8OPT (0x800000).
//!
//! The conversation:
//!
//! ```text
//!   A --BR_ENTRY (1), broadcast to 255.255.255.255:2425--> everyone   "I am here"
//!   A <--ANSENTRY (3), to A's address-------------------- each one    "I am here too"
//!   A --SENDMSG|SENDCHECKOPT (288) "hi", packet no 42---> B
//!   A <--RECVMSG (33), extension "42"--------------------- B          the receipt
//!   A --BR_EXIT (2), broadcast--------------------------> everyone   "I am leaving"
//! ```
//!
//! UDP may lose a datagram; the receipt is how a sender knows its message arrived, and
//! without one it sends again (with RETRYOPT and the same packet number, so the receiver
//! can tell a repeat from a new message).
//!
//! # Layout
//!
//! - [`command`]: the command number: [`command::Mode`], the options ([`command::opt`]),
//!   and [`command::Command`], shown as `SENDMSG|SENDCHECKOPT|UTF8OPT`.
//! - [`packet`]: [`packet::Packet`], its parsing (with errors that point at the bad
//!   byte) and encoding, and the constructors for the usual packets.
//! - [`reply`]: what a client answers to each packet ([`reply::answer`]).
//! - [`show`]: printing a packet's text safely ([`show::printable`]): the sender wrote it.
//!
//! The program `ipmsg` (`src/bin/ipmsg/main.rs`) sends messages, listens and lists who is on
//! the network with these.

pub mod command;
pub mod packet;
pub mod reply;
pub mod show;

pub use command::{Command, Mode};
pub use packet::{
    packet_encoding, BuildError, NotAsciiCompatible, Packet, PacketError, DEFAULT_PORT,
};
