//! The kernel's socket table: each TCP socket's state, read from `/proc/net/tcp` and
//! `/proc/net/tcp6`.
//!
//! Linux lists every TCP socket there, one line each (`ss -t` and `netstat -t` read the
//! same table):
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid ...
//!    0: 0100007F:22B8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 ...
//! ```
//!
//! Addresses are hexadecimal, the port in ordinary order but each 32-bit word of the
//! address as the machine stores it: on a little-endian machine 127.0.0.1 reads
//! `0100007F`. `st` is the state's number in the kernel's `tcp_states.h`; [`TcpState`]
//! gives it the kernel's name. Reading needs no privilege: every user sees the table.
//!
//! The table is a snapshot. `tcp-trace --states` reads it again and again (whenever it
//! has drawn every segment captured so far, every few milliseconds), and can only print
//! the states it happens to see: a state that lasts less than that (SYN_SENT on
//! loopback lasts microseconds; a whole short connection can be over before the first
//! look) may never show. A state that *is* shown was really seen, not inferred.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::conversation::Side;

/// A TCP socket's state, with the kernel's name (RFC 9293's names with `_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TcpState {
    /// 1: the connection is open; data flows both ways.
    Established,
    /// 2: the client sent its SYN and waits for the SYN+ACK.
    SynSent,
    /// 3: the server got a SYN and answered SYN+ACK; it waits for the handshake's last
    /// ACK. Linux keeps such a half-open connection as a small "request socket", not a
    /// full socket, and the table shows it as SYN_RECV (the `accept` queue gets the
    /// connection only when the ACK arrives).
    SynRecv,
    /// 4: this side sent its FIN (it closed first) and waits for its ACK.
    FinWait1,
    /// 5: its FIN is acknowledged; it waits for the other side's FIN.
    FinWait2,
    /// 6: both FINs are done and this side, the one that closed first, waits (2 x MSL:
    /// 4 minutes with RFC 9293's MSL of 2 minutes; Linux waits a fixed 60 s,
    /// `TCP_TIMEWAIT_LEN`) so that a late segment of this connection cannot be taken for one
    /// of a new connection between the same ports, and so it can repeat its last ACK.
    TimeWait,
    /// 7: closed (a socket about to go away).
    Close,
    /// 8: the other side sent FIN; this side's program has not closed yet (recv
    /// returned 0 to it).
    CloseWait,
    /// 9: this side, which closed second, sent its FIN and waits for the last ACK.
    LastAck,
    /// 10: a listening socket.
    Listen,
    /// 11: both sides sent FIN at once; each waits for the ACK of its own.
    Closing,
    /// 12: the kernel's internal name for a request socket (shown as SYN_RECV).
    NewSynRecv,
    /// Any other number.
    Unknown(u8),
}

impl TcpState {
    /// The state with kernel number `code`.
    pub fn from_code(code: u8) -> TcpState {
        match code {
            1 => TcpState::Established,
            2 => TcpState::SynSent,
            3 => TcpState::SynRecv,
            4 => TcpState::FinWait1,
            5 => TcpState::FinWait2,
            6 => TcpState::TimeWait,
            7 => TcpState::Close,
            8 => TcpState::CloseWait,
            9 => TcpState::LastAck,
            10 => TcpState::Listen,
            11 => TcpState::Closing,
            12 => TcpState::NewSynRecv,
            n => TcpState::Unknown(n),
        }
    }

    /// The kernel's number for it.
    pub fn code(self) -> u8 {
        match self {
            TcpState::Established => 1,
            TcpState::SynSent => 2,
            TcpState::SynRecv => 3,
            TcpState::FinWait1 => 4,
            TcpState::FinWait2 => 5,
            TcpState::TimeWait => 6,
            TcpState::Close => 7,
            TcpState::CloseWait => 8,
            TcpState::LastAck => 9,
            TcpState::Listen => 10,
            TcpState::Closing => 11,
            TcpState::NewSynRecv => 12,
            TcpState::Unknown(n) => n,
        }
    }
}

impl fmt::Display for TcpState {
    /// The kernel's name: `ESTABLISHED`, `TIME_WAIT`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TcpState::Established => "ESTABLISHED",
            TcpState::SynSent => "SYN_SENT",
            TcpState::SynRecv | TcpState::NewSynRecv => "SYN_RECV",
            TcpState::FinWait1 => "FIN_WAIT1",
            TcpState::FinWait2 => "FIN_WAIT2",
            TcpState::TimeWait => "TIME_WAIT",
            TcpState::Close => "CLOSE",
            TcpState::CloseWait => "CLOSE_WAIT",
            TcpState::LastAck => "LAST_ACK",
            TcpState::Listen => "LISTEN",
            TcpState::Closing => "CLOSING",
            TcpState::Unknown(n) => return write!(f, "state {n}"),
        })
    }
}

/// One line of the table: a socket's two ends and its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// This socket's address and port.
    pub local: SocketAddr,
    /// The other end's (`0.0.0.0:0` for a listener).
    pub remote: SocketAddr,
    /// The state.
    pub state: TcpState,
}

/// A line of the table that does not read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a line of /proc/net/tcp: {reason}: {line:?}")]
pub struct TableError {
    /// What was wrong.
    pub reason: &'static str,
    /// The line.
    pub line: String,
}

/// Reads one line of the table (not the heading).
///
/// # Examples
///
/// ```
/// use framing::trace::states::{parse_line, TcpState};
///
/// let line = "   0: 0100007F:22B8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000 0 4242";
/// let entry = parse_line(line).unwrap();
/// # if cfg!(target_endian = "little") {
/// assert_eq!(entry.local.to_string(), "127.0.0.1:8888");
/// # }
/// assert_eq!(entry.state, TcpState::Listen);
/// assert!(parse_line("   1: 0100007F").is_err());
/// ```
pub fn parse_line(line: &str) -> Result<Entry, TableError> {
    let error = |reason| TableError {
        reason,
        line: line.to_string(),
    };
    let mut words = line.split_whitespace();
    let slot = words.next().ok_or_else(|| error("empty"))?;
    if !slot.ends_with(':') {
        return Err(error("the first column is not a slot number like `0:`"));
    }
    let local = words.next().ok_or_else(|| error("no local address"))?;
    let remote = words.next().ok_or_else(|| error("no remote address"))?;
    let state = words.next().ok_or_else(|| error("no state"))?;
    let state = match state.len() {
        1 | 2 => u8::from_str_radix(state, 16).map_err(|_| error("the state is not hex"))?,
        _ => return Err(error("the state is not two hex digits")),
    };
    Ok(Entry {
        local: parse_addr(local).ok_or_else(|| error("bad local address"))?,
        remote: parse_addr(remote).ok_or_else(|| error("bad remote address"))?,
        state: TcpState::from_code(state),
    })
}

/// `0100007F:22B8` or the 32-digit IPv6 form.
fn parse_addr(text: &str) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    if port.len() != 4 || !text.is_ascii() {
        return None;
    }
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Vec<u32> = match addr.len() {
        8 | 32 => (0..addr.len() / 8)
            .map(|i| u32::from_str_radix(&addr[i * 8..i * 8 + 8], 16).ok())
            .collect::<Option<_>>()?,
        _ => return None,
    };
    // Each word was printed as the machine stores it: its bytes in memory order are
    // the address's bytes in network order.
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        _ => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&bytes);
            IpAddr::V6(Ipv6Addr::from(octets))
        }
    };
    // A dual-stack socket (bound to `::`) lists an IPv4 peer as `::ffff:127.0.0.1`,
    // while the capture shows plain IPv4: compare them as one.
    Some(SocketAddr::new(ip.to_canonical(), port))
}

/// Reads a whole table (its first line is the heading).
pub fn parse_table(text: &str) -> Result<Vec<Entry>, TableError> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(parse_line)
        .collect()
}

/// Reads `/proc/net/tcp` and `/proc/net/tcp6` (a machine without IPv6 has no second
/// one). Lines that do not parse are skipped: a table from a newer kernel should not
/// stop a trace.
pub fn read_tables() -> std::io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for (path, required) in [("/proc/net/tcp", true), ("/proc/net/tcp6", false)] {
        match std::fs::read_to_string(path) {
            Ok(text) => entries.extend(text.lines().skip(1).filter_map(|l| parse_line(l).ok())),
            Err(err) if required => return Err(err),
            Err(_) => {}
        }
    }
    Ok(entries)
}

/// The state of the socket at `local` talking to `remote`, if the table has it. An
/// IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) matches its IPv4 address.
pub fn state_of(table: &[Entry], local: SocketAddr, remote: SocketAddr) -> Option<TcpState> {
    let canonical = |a: SocketAddr| SocketAddr::new(a.ip().to_canonical(), a.port());
    let (local, remote) = (canonical(local), canonical(remote));
    table
        .iter()
        .find(|e| canonical(e.local) == local && canonical(e.remote) == remote)
        .map(|e| e.state)
}

/// What the table showed of one side, last time it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Not once: the state was never caught (too short), or the socket is not in this
    /// machine's table.
    Never,
    /// It was there, and is gone now (closed and freed).
    Gone,
    /// It is there, in this state.
    In(TcpState),
}

/// A change of one side's state, as seen in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateChange {
    /// The connection's number.
    pub conversation: usize,
    /// Whose socket.
    pub side: Side,
    /// Its state now; `None`: gone from the table (closed and freed).
    pub state: Option<TcpState>,
}

/// Remembers the last state seen of each side of each connection, to print changes only.
#[derive(Debug, Default)]
pub struct StateWatch {
    seen: HashMap<(usize, Side), Option<TcpState>>,
}

impl StateWatch {
    /// A watch that has seen nothing yet.
    pub fn new() -> StateWatch {
        StateWatch::default()
    }

    /// Compares `table` with what was seen of the two sockets of connection number
    /// `id` between `client` and `server`; returns the changes (a side never seen in
    /// the table is not reported as gone).
    pub fn changes(
        &mut self,
        table: &[Entry],
        id: usize,
        client: SocketAddr,
        server: SocketAddr,
    ) -> Vec<StateChange> {
        let mut changes = Vec::new();
        for (side, local, remote) in [
            (Side::Client, client, server),
            (Side::Server, server, client),
        ] {
            let now = state_of(table, local, remote);
            let key = (id, side);
            let before = self.seen.get(&key).copied();
            if before != Some(now) && !(before.is_none() && now.is_none()) {
                self.seen.insert(key, now);
                changes.push(StateChange {
                    conversation: id,
                    side,
                    state: now,
                });
            }
        }
        changes
    }

    /// The last state seen of a side (`None`: never seen, or gone).
    pub fn last(&self, conversation: usize, side: Side) -> Option<TcpState> {
        self.seen.get(&(conversation, side)).copied().flatten()
    }

    /// What was last seen of a side, telling "never seen" from "gone".
    pub fn seen(&self, conversation: usize, side: Side) -> Seen {
        match self.seen.get(&(conversation, side)) {
            None => Seen::Never,
            Some(None) => Seen::Gone,
            Some(Some(state)) => Seen::In(*state),
        }
    }
}

#[cfg(test)]
mod tests;
