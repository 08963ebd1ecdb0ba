//! The short notes beside a segment, in the course's words.
//!
//! [`crate::trace::conversation`] decides which notes a segment earns (it knows what
//! came before); this file only says them. Keeping the words in one place keeps them
//! consistent, and lets the lesson page quote them.

use std::fmt;

use super::conversation::Side;

/// One thing worth saying about a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// The client's SYN: its sequence number is the initial sequence number (ISN).
    ClientIsn,
    /// The server's SYN+ACK: it acknowledges the client's ISN + 1 and brings its own ISN.
    SynAck,
    /// The client's ACK of the SYN+ACK: the third segment of 三次握手.
    HandshakeDone,
    /// A segment with data whose ACK acknowledges new bytes: the ACK rides along.
    DataCarriesAck,
    /// A segment without data that acknowledges new data.
    AckOfData,
    /// A FIN from this side: it will send nothing more (its half is closed).
    Fin(Side),
    /// Data sent after the other side's FIN: a half-close, this side still talks.
    HalfClose(Side),
    /// The ACK of the other side's FIN.
    AckOfFin(Side),
    /// The ACK that ends the connection: both FINs are now acknowledged.
    LastAck,
    /// The window is 0: the receiver's buffer is full, the sender must wait.
    WindowZero,
    /// The answer to a probe: the window is still 0.
    WindowStillZero,
    /// The window opens again after being 0.
    WindowOpen,
    /// Data the sender had sent before. Even on loopback: a full receiver may drop what
    /// it has no room for. The sender resends after its timeout, or sooner (Linux's fast
    /// retransmit after duplicate ACKs, its tail-loss probe of the last segment).
    Retransmission,
    /// A segment sent into a zero window to learn when it opens: one byte of data, or
    /// (as Linux does) none, with the sequence number of a byte already acknowledged.
    ZeroWindowProbe,
    /// RST answering a SYN: nobody listens on that port.
    Refused,
    /// RST during a connection: it is aborted, unsent and unread data is lost.
    Reset,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::ClientIsn => f.write_str("SYN: client's initial sequence number"),
            Note::SynAck => {
                f.write_str("SYN+ACK: ack = client's seq + 1, and the server's own seq")
            }
            Note::HandshakeDone => f.write_str("ACK: handshake done (三次握手)"),
            Note::DataCarriesAck => f.write_str("data carries ACK"),
            Note::AckOfData => f.write_str("ACK: data received"),
            Note::Fin(side) => write!(f, "FIN: nothing more from {side}"),
            Note::HalfClose(side) => write!(f, "half-close: the {side} still sends"),
            Note::AckOfFin(side) => write!(f, "ACK of {side}'s FIN"),
            Note::LastAck => f.write_str("last ACK: both FINs acknowledged (四次挥手 done)"),
            Note::WindowZero => f.write_str("window 0: receiver full"),
            Note::WindowStillZero => f.write_str("window still 0"),
            Note::WindowOpen => f.write_str("window open again"),
            Note::Retransmission => f.write_str("retransmission"),
            Note::ZeroWindowProbe => f.write_str("zero-window probe"),
            Note::Refused => f.write_str("RST: connection refused"),
            Note::Reset => f.write_str("RST: reset"),
        }
    }
}

/// The notes of one segment, joined with `; `.
///
/// # Examples
///
/// ```
/// use framing::trace::conversation::Side;
/// use framing::trace::notes::{join, Note};
///
/// assert_eq!(join(&[Note::Fin(Side::Client)]), "FIN: nothing more from client");
/// assert_eq!(join(&[]), "");
/// ```
pub fn join(notes: &[Note]) -> String {
    notes
        .iter()
        .map(Note::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
