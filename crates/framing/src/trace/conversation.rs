//! Grouping segments into connections, with the numbers as Wireshark shows them.
//!
//! A connection is named by its two endpoints. The side that sent the first SYN is the
//! *client* (drawn on the left), the other the *server* (on the right). Each side picks
//! a random initial sequence number (ISN) in its SYN; counting from it, as Wireshark's
//! "relative sequence numbers" do, the SYN is byte 0 and the first data byte is 1, on
//! both sides, whatever the random start.
//!
//! A [`Conversation`] is one connection's bookkeeping: the ISNs, the window scales, the
//! FINs and what acknowledged them, and so the numbers and notes of each segment. The
//! [`Tracker`](super::tracker::Tracker) finds which conversation a segment belongs to.
//!
//! The window field is shifted left by the window scale (RFC 7323) only when *both*
//! SYNs carried the option; a SYN's own window is never scaled.

use std::fmt;
use std::net::SocketAddr;

use super::notes::Note;
use super::segment::Segment;
use crate::wire::TcpFlags;

/// One side of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The side that sent the first SYN (on the left of the diagram).
    Client,
    /// The side that answered it (on the right).
    Server,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Client => 0,
            Side::Server => 1,
        }
    }

    /// The other side.
    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Client => "client",
            Side::Server => "server",
        })
    }
}

/// A window as the receiver means it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The 16-bit field on the wire.
    pub field: u16,
    /// The shift applied to it (the sender's window scale), when scaling is in use.
    pub shift: Option<u8>,
}

impl Window {
    /// The window in bytes.
    pub fn bytes(&self) -> u32 {
        u32::from(self.field) << self.shift.unwrap_or(0)
    }
}

impl fmt::Display for Window {
    /// `65483`, or `65536 (512x128)` when scaled.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shift {
            Some(shift) => write!(f, "{} ({}x{})", self.bytes(), self.field, 1u32 << shift),
            None => write!(f, "{}", self.field),
        }
    }
}

/// One segment, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Which connection (1, 2, ... in order of their SYNs).
    pub conversation: usize,
    /// Who sent it.
    pub from: Side,
    /// The flags.
    pub flags: TcpFlags,
    /// The sequence number relative to the sender's ISN.
    pub seq: u32,
    /// The acknowledgment number relative to the receiver's ISN (with ACK).
    pub ack: Option<u32>,
    /// The sequence number on the wire.
    pub raw_seq: u32,
    /// The acknowledgment number on the wire.
    pub raw_ack: u32,
    /// Bytes of data.
    pub len: u32,
    /// The window.
    pub window: Window,
    /// The window scale a SYN announces.
    pub announces_scale: Option<u8>,
    /// What is worth saying about it.
    pub notes: Vec<Note>,
}

/// One connection followed from its SYN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Its number: 1, 2, ... in the order the SYNs were seen.
    pub id: usize,
    /// The side that sent the first SYN.
    pub client: SocketAddr,
    /// The side it was sent to.
    pub server: SocketAddr,
    /// Segments seen, both ways.
    pub segments: usize,
    /// Data bytes sent by each side (client, server), retransmissions included.
    bytes: [u64; 2],
    /// Which side sent the first FIN (or RST).
    pub closed_first: Option<Side>,
    /// Which side sent a RST, if one did.
    pub reset_by: Option<Side>,
    /// Whether the RST answered the SYN (nobody listening).
    pub refused: bool,
    /// A RST, or both FINs acknowledged.
    pub ended: bool,
    isn: [Option<u32>; 2],
    scale: [Option<u8>; 2],
    syn_ack_seen: bool,
    handshake_done: bool,
    /// The highest sequence number (end of a segment) each side has sent.
    sent_up_to: [Option<u32>; 2],
    /// The highest acknowledgment number each side has sent.
    acked: [Option<u32>; 2],
    /// The sequence number just after each side's FIN.
    fin_end: [Option<u32>; 2],
    fin_acked: [bool; 2],
    /// Whether each side's last window was 0.
    zero_window: [bool; 2],
}

/// `a` comes after `b` in sequence space (which wraps around at 2^32).
fn after(a: u32, b: u32) -> bool {
    let distance = a.wrapping_sub(b);
    distance != 0 && distance < 1 << 31
}

impl Conversation {
    pub(super) fn new(id: usize, syn: &Segment) -> Conversation {
        Conversation {
            id,
            client: syn.src,
            server: syn.dst,
            segments: 0,
            bytes: [0; 2],
            closed_first: None,
            reset_by: None,
            refused: false,
            ended: false,
            isn: [None; 2],
            scale: [None; 2],
            syn_ack_seen: false,
            handshake_done: false,
            sent_up_to: [None; 2],
            acked: [None; 2],
            fin_end: [None; 2],
            fin_acked: [false; 2],
            zero_window: [false; 2],
        }
    }

    /// Data bytes `side` sent.
    pub fn bytes_from(&self, side: Side) -> u64 {
        self.bytes[side.index()]
    }

    /// Which side sent `segment`, if it belongs to this connection.
    pub fn side_of(&self, segment: &Segment) -> Option<Side> {
        if segment.src == self.client && segment.dst == self.server {
            Some(Side::Client)
        } else if segment.src == self.server && segment.dst == self.client {
            Some(Side::Server)
        } else {
            None
        }
    }

    /// The initial sequence number of `side`, once its SYN was seen.
    pub fn isn(&self, side: Side) -> Option<u32> {
        self.isn[side.index()]
    }

    /// The address of `side`.
    pub fn addr(&self, side: Side) -> SocketAddr {
        match side {
            Side::Client => self.client,
            Side::Server => self.server,
        }
    }

    /// Takes one segment of this connection sent by `from` into account.
    pub(super) fn observe(&mut self, segment: &Segment, from: Side) -> Shown {
        let (s, r) = (from.index(), from.other().index());
        let has = |flag| segment.has(flag);
        let mut notes = Vec::new();
        self.segments += 1;
        self.bytes[s] += u64::from(segment.len);

        if has(TcpFlags::SYN) {
            self.isn[s] = Some(segment.seq);
            self.scale[s] = segment.window_scale;
            match from {
                Side::Client if !has(TcpFlags::ACK) => notes.push(Note::ClientIsn),
                Side::Server if has(TcpFlags::ACK) => {
                    self.syn_ack_seen = true;
                    notes.push(Note::SynAck);
                }
                _ => {}
            }
        }
        let scaling = self.scale[0].is_some() && self.scale[1].is_some();
        let seq = segment.seq.wrapping_sub(self.isn[s].unwrap_or(0));
        let ack = if has(TcpFlags::ACK) {
            self.isn[r].map(|isn| segment.ack.wrapping_sub(isn))
        } else {
            None
        };
        let window = Window {
            field: segment.window,
            shift: if scaling && !has(TcpFlags::SYN) {
                self.scale[s]
            } else {
                None
            },
        };
        let end = segment.seq.wrapping_add(segment.seq_len());

        if has(TcpFlags::RST) {
            // A RST before any SYN+ACK answers the SYN itself: nobody listens there.
            self.refused = !self.syn_ack_seen;
            notes.push(if self.refused {
                Note::Refused
            } else {
                Note::Reset
            });
            self.reset_by = Some(from);
            self.closed_first.get_or_insert(from);
            self.ended = true;
        } else {
            let is_handshake_ack = from == Side::Client
                && self.syn_ack_seen
                && !self.handshake_done
                && !has(TcpFlags::SYN)
                && has(TcpFlags::ACK);
            if is_handshake_ack {
                self.handshake_done = true;
                notes.push(Note::HandshakeDone);
            }
            if segment.len > 0 {
                let old = self.sent_up_to[s].is_some_and(|sent| !after(end, sent));
                if old {
                    notes.push(Note::Retransmission);
                } else if self.zero_window[r] && segment.len <= 1 {
                    notes.push(Note::ZeroWindowProbe);
                }
                if self.fin_end[r].is_some() {
                    notes.push(Note::HalfClose(from));
                }
            } else if self.zero_window[r] && !has(TcpFlags::FIN) && !has(TcpFlags::SYN) {
                // Linux probes a zero window with no data and the sequence number just
                // before the acknowledged ones: an old segment the receiver must answer.
                let probe = self.acked[r] == Some(segment.seq.wrapping_add(1));
                if probe {
                    notes.push(Note::ZeroWindowProbe);
                }
            }
            let acks_new = has(TcpFlags::ACK)
                && self.bytes[r] > 0
                && self.acked[s].map_or(true, |old| after(segment.ack, old));
            let mut acks_fin = false;
            if has(TcpFlags::ACK) && !self.fin_acked[r] {
                if let Some(fin_end) = self.fin_end[r] {
                    if !after(fin_end, segment.ack) {
                        self.fin_acked[r] = true;
                        acks_fin = true;
                    }
                }
            }
            if has(TcpFlags::FIN) {
                self.fin_end[s] = Some(end);
                self.closed_first.get_or_insert(from);
                notes.push(Note::Fin(from));
            }
            if acks_fin {
                notes.push(if self.fin_acked[s] {
                    Note::LastAck
                } else {
                    Note::AckOfFin(from.other())
                });
            } else if acks_new && !is_handshake_ack {
                notes.push(if segment.len > 0 {
                    Note::DataCarriesAck
                } else {
                    Note::AckOfData
                });
            }
            if !has(TcpFlags::SYN) {
                if segment.window == 0 && !self.zero_window[s] {
                    self.zero_window[s] = true;
                    notes.push(Note::WindowZero);
                } else if segment.window == 0 && segment.len == 0 {
                    notes.push(Note::WindowStillZero);
                } else if segment.window > 0 && self.zero_window[s] {
                    self.zero_window[s] = false;
                    notes.push(Note::WindowOpen);
                }
            }
            self.ended = self.fin_acked[0] && self.fin_acked[1];
        }
        if has(TcpFlags::ACK) && self.acked[s].map_or(true, |old| after(segment.ack, old)) {
            self.acked[s] = Some(segment.ack);
        }
        if self.sent_up_to[s].map_or(true, |sent| after(end, sent)) {
            self.sent_up_to[s] = Some(end);
        }
        Shown {
            conversation: self.id,
            from,
            flags: segment.flags,
            seq,
            ack,
            raw_seq: segment.seq,
            raw_ack: segment.ack,
            len: segment.len,
            window,
            announces_scale: if has(TcpFlags::SYN) {
                segment.window_scale
            } else {
                None
            },
            notes,
        }
    }
}

#[cfg(test)]
mod tests;
