//! Which connection a segment belongs to: the [`Tracker`].
//!
//! The tracker follows every connection it saw open (a SYN without ACK) until it ends:
//! a RST, or a FIN from each side with each FIN acknowledged. Connections that were
//! already open when the capture started are not shown: without their SYN there is no
//! ISN to count from, and no telling who the client is. A new SYN between the same two
//! ports after the end (the port reused) opens a new conversation; so does a SYN whose
//! sequence number is not the ISN already seen while the old one looked still open (its
//! end was missed, or it was abandoned): the old one is then reported as replaced.

use std::net::SocketAddr;

use super::conversation::{Conversation, Shown, Side};
use super::segment::Segment;
use crate::wire::TcpFlags;

/// What one segment meant to the [`Tracker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The connection still open on the same two ports that this segment's new SYN
    /// replaced (its footer comes first, as unfinished).
    pub replaced: Option<Conversation>,
    /// The segment opened a new connection: its client and server (its header comes
    /// next). Carried here because the same segment may also end it (a SYN with RST).
    pub opened: Option<(SocketAddr, SocketAddr)>,
    /// The segment, ready to draw.
    pub shown: Shown,
    /// The connection, when this segment ended it (its footer comes after).
    pub ended: Option<Conversation>,
}

/// Follows the connections of a capture.
///
/// # Examples
///
/// ```
/// use framing::trace::{Segment, Tracker};
/// use framing::wire::TcpFlags;
///
/// let (client, server) = ("127.0.0.1:50001".parse().unwrap(), "127.0.0.1:8888".parse().unwrap());
/// let syn = Segment {
///     src: client, dst: server, seq: 1000, ack: 0, flags: TcpFlags::SYN,
///     window: 65495, window_scale: Some(7), mss: Some(65495), len: 0,
/// };
/// let syn_ack = Segment {
///     src: server, dst: client, seq: 5000, ack: 1001, flags: TcpFlags::SYN | TcpFlags::ACK,
///     ..syn
/// };
/// let mut tracker = Tracker::new(Some(8888));
/// assert!(tracker.observe(&syn).unwrap().opened.is_some());
/// let shown = tracker.observe(&syn_ack).unwrap().shown;
/// assert_eq!((shown.seq, shown.ack), (0, Some(1))); // relative: ack = client's seq + 1
/// ```
#[derive(Debug, Default)]
pub struct Tracker {
    port: Option<u16>,
    active: Vec<Conversation>,
    opened: usize,
}

impl Tracker {
    /// Follows connections to or from `port`, or every connection when `None`.
    pub fn new(port: Option<u16>) -> Tracker {
        Tracker {
            port,
            active: Vec::new(),
            opened: 0,
        }
    }

    /// Takes a segment into account: `None` when it belongs to no connection followed
    /// (another port, or a connection whose SYN was not seen).
    pub fn observe(&mut self, segment: &Segment) -> Option<Observed> {
        let opens = segment.has(TcpFlags::SYN) && !segment.has(TcpFlags::ACK);
        let found = self
            .active
            .iter()
            .enumerate()
            .find_map(|(i, conversation)| conversation.side_of(segment).map(|side| (i, side)));
        // A SYN with another ISN on the same ports: a new connection, not this one's.
        let replaced = match found {
            Some((index, side))
                if opens
                    && self.active[index]
                        .isn(side)
                        .is_some_and(|isn| isn != segment.seq) =>
            {
                Some(self.active.remove(index))
            }
            _ => None,
        };
        let (index, side, opened) = match found.filter(|_| replaced.is_none()) {
            Some((index, side)) => (index, side, None),
            None => {
                let port_matches = self
                    .port
                    .map_or(true, |p| segment.src.port() == p || segment.dst.port() == p);
                if !(opens && port_matches) {
                    return None;
                }
                self.opened += 1;
                self.active.push(Conversation::new(self.opened, segment));
                (
                    self.active.len() - 1,
                    Side::Client,
                    Some((segment.src, segment.dst)),
                )
            }
        };
        let shown = self.active[index].observe(segment, side);
        let ended = if self.active[index].ended {
            Some(self.active.remove(index))
        } else {
            None
        };
        Some(Observed {
            replaced,
            opened,
            shown,
            ended,
        })
    }

    /// The connections followed and not yet ended.
    pub fn active(&self) -> &[Conversation] {
        &self.active
    }

    /// How many connections were seen opening.
    pub fn opened(&self) -> usize {
        self.opened
    }

    /// Ends the tracking: the connections still open, to report as unfinished.
    pub fn finish(&mut self) -> Vec<Conversation> {
        std::mem::take(&mut self.active)
    }
}
