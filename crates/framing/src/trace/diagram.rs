//! Drawing a capture as a sequence diagram, one line per segment.
//!
//! ```text
//! #1 client 127.0.0.1:50001 -> server 127.0.0.1:8888
//! #1  ----------SYN----------->  seq=0 len=0 win=65495 wscale=10               SYN: client's initial sequence number
//! #1  <--------SYN+ACK---------  seq=0 ack=1 len=0 win=65483 wscale=10         SYN+ACK: ack = client's seq + 1, and the server's own seq
//! #1  ~ server TIME_WAIT                      (with --states: the socket table)
//! #1 end: 10 segments; client sent 5 bytes, server sent 5 bytes; the client closed first
//! ```
//!
//! The client is on the left, the server on the right; an arrow to the right is sent
//! by the client. Numbers are relative to each side's initial sequence number, as
//! Wireshark shows them (`--raw-seq` adds the numbers on the wire). Every line starts
//! with the connection's number, so that two connections at once stay apart, and the
//! fields are `name=value` words, easy to read and to pick out with `grep`.

use std::net::SocketAddr;

use netbasics::cli::plural;

use super::conversation::{Conversation, Shown, Side};
use super::notes;
use super::segment::flag_names;
use super::states::{Seen, StateChange};

/// The width of an arrow, flags inside.
const ARROW: usize = 25;
/// The width of the numbers column, so notes line up (and with `--raw-seq`, which adds
/// two numbers of up to 10 digits).
const NUMBERS: usize = 46;
const NUMBERS_RAW: usize = 80;

/// The line a test (or a person) waits for before making traffic: printed once the
/// packet socket is open, before any command is started.
///
/// # Examples
///
/// ```
/// use framing::trace::diagram::ready_line;
///
/// assert_eq!(ready_line(Some(8888)), "capturing on lo (port 8888)");
/// assert_eq!(ready_line(None), "capturing on lo (every TCP port)");
/// ```
pub fn ready_line(port: Option<u16>) -> String {
    match port {
        Some(port) => format!("capturing on lo (port {port})"),
        None => "capturing on lo (every TCP port)".to_string(),
    }
}

/// What `--states` prints first: how to read its lines, and what polling cannot see.
pub const STATES_LEGEND: &str = "\
states: `~ client ESTABLISHED` lines are the kernel's socket table (/proc/net/tcp), read
        whenever the segments so far are drawn: a state shorter than that may not show.";

/// The heading of connection number `id`: who is on which side.
///
/// # Examples
///
/// ```
/// use framing::trace::diagram::header;
///
/// let (client, server) = ("127.0.0.1:50001".parse().unwrap(), "127.0.0.1:8888".parse().unwrap());
/// assert_eq!(header(1, client, server), "#1 client 127.0.0.1:50001 -> server 127.0.0.1:8888");
/// ```
pub fn header(id: usize, client: SocketAddr, server: SocketAddr) -> String {
    format!("#{id} client {client} -> server {server}")
}

/// An arrow with the flags in its middle: `----SYN---->` or `<--SYN+ACK---`.
fn arrow(from: Side, label: &str) -> String {
    let inner = ARROW.saturating_sub(1);
    let dashes = inner.saturating_sub(label.len());
    let left = dashes / 2;
    let right = dashes - left;
    let body = format!("{}{label}{}", "-".repeat(left), "-".repeat(right));
    match from {
        Side::Client => format!("{body}>"),
        Side::Server => format!("<{body}"),
    }
}

/// One segment's line.
///
/// # Examples
///
/// ```
/// use framing::trace::conversation::{Shown, Side, Window};
/// use framing::trace::diagram::segment_line;
/// use framing::trace::notes::Note;
/// use framing::wire::TcpFlags;
///
/// let shown = Shown {
///     conversation: 1,
///     from: Side::Server,
///     flags: TcpFlags::SYN | TcpFlags::ACK,
///     seq: 0,
///     ack: Some(1),
///     raw_seq: 7000,
///     raw_ack: 1001,
///     len: 0,
///     window: Window { field: 65483, shift: None },
///     announces_scale: Some(7),
///     notes: vec![Note::SynAck],
/// };
/// let line = segment_line(&shown, true);
/// assert!(line.starts_with("#1  <--------SYN+ACK---------  seq=0 ack=1 len=0 win=65483 wscale=7"));
/// assert!(line.contains("rawseq=7000 rawack=1001"));
/// assert!(line.ends_with("SYN+ACK: ack = client's seq + 1, and the server's own seq"));
/// ```
pub fn segment_line(shown: &Shown, raw: bool) -> String {
    let mut numbers = format!("seq={}", shown.seq);
    if let Some(ack) = shown.ack {
        numbers.push_str(&format!(" ack={ack}"));
    }
    numbers.push_str(&format!(" len={} win={}", shown.len, shown.window));
    if let Some(scale) = shown.announces_scale {
        numbers.push_str(&format!(" wscale={scale}"));
    }
    if raw {
        numbers.push_str(&format!(" rawseq={}", shown.raw_seq));
        if shown.ack.is_some() {
            numbers.push_str(&format!(" rawack={}", shown.raw_ack));
        }
    }
    let mut line = format!(
        "#{}  {}  {numbers}",
        shown.conversation,
        arrow(shown.from, &flag_names(shown.flags))
    );
    if !shown.notes.is_empty() {
        let width = if raw { NUMBERS_RAW } else { NUMBERS }.max(numbers.len() + 1);
        line.push_str(&" ".repeat(width - numbers.len()));
        line.push_str(&notes::join(&shown.notes));
    }
    line
}

/// A state change seen in the socket table: `#1  ~ server CLOSE_WAIT`.
pub fn state_line(change: &StateChange) -> String {
    let state = match change.state {
        Some(state) => state.to_string(),
        None => "gone from the table (closed)".to_string(),
    };
    format!("#{}  ~ {} {state}", change.conversation, change.side)
}

/// Why a connection's footer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It ended: a RST, or both FINs acknowledged.
    Ended,
    /// The trace stopped while it was still open.
    TraceStopped,
    /// A new SYN with another ISN came on the same two ports while it looked open.
    Replaced,
}

/// The footer of a connection: segments, bytes each way, and how it ended.
///
/// # Examples
///
/// See the tests of `tcp-trace` and the lesson page for what it prints.
pub fn footer(conversation: &Conversation, ending: Ending) -> String {
    let c = conversation;
    let how = if c.refused {
        "refused: the SYN was answered with RST".to_string()
    } else if let Some(side) = c.reset_by {
        format!("reset by the {side}")
    } else if let Some(side) = c.closed_first {
        format!("the {side} closed first")
    } else {
        "nobody closed".to_string()
    };
    let what = match ending {
        Ending::Ended => "end",
        Ending::TraceStopped => "not finished when the trace stopped",
        Ending::Replaced => "not finished: a new SYN (another ISN) reused its two ports",
    };
    format!(
        "#{} {what}: {}; client sent {}, server sent {}; {how}",
        c.id,
        plural(c.segments as u64, "segment"),
        plural(c.bytes_from(Side::Client), "byte"),
        plural(c.bytes_from(Side::Server), "byte"),
    )
}

/// The states each side was left in: `#1 states left: client TIME_WAIT, server gone
/// (closed)`. A side never seen in the table is said to be so, not "gone".
pub fn states_left(conversation: usize, client: Seen, server: Seen) -> String {
    let say = |seen: Seen| match seen {
        Seen::In(state) => state.to_string(),
        Seen::Gone => "gone (closed)".to_string(),
        Seen::Never => "never seen in the table".to_string(),
    };
    format!(
        "#{conversation} states left: client {}, server {}",
        say(client),
        say(server)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_point_from_the_sender() {
        assert_eq!(arrow(Side::Client, "SYN"), "----------SYN----------->");
        assert_eq!(arrow(Side::Server, "FIN+ACK"), "<--------FIN+ACK---------");
        assert_eq!(arrow(Side::Client, "SYN").len(), ARROW);
        // A label longer than the arrow still gets its head.
        assert!(arrow(Side::Client, &"X".repeat(40)).ends_with('>'));
    }

    #[test]
    fn a_side_never_seen_is_not_reported_gone() {
        use crate::trace::states::TcpState;
        assert_eq!(
            states_left(1, Seen::In(TcpState::TimeWait), Seen::Never),
            "#1 states left: client TIME_WAIT, server never seen in the table"
        );
        assert_eq!(
            states_left(2, Seen::Gone, Seen::Gone),
            "#2 states left: client gone (closed), server gone (closed)"
        );
    }
}
