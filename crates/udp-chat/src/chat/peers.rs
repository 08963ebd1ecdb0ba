//! `/who`: everyone the chat has heard from (the lesson's exercise).
//!
//! UDP has no connections, so there is no list of "who is connected" to ask the system
//! for: anyone who knows our port can send us a datagram, and `recvfrom` tells us only
//! where each one came from. The chat keeps its own record: one row per sender address,
//! with when it last wrote and how many datagrams it sent.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How many senders the table remembers. Anyone can send us datagrams from as many
/// ports as they like, so the table must not grow without end; when it is full, the
/// sender heard from least recently is forgotten.
pub const MAX_PEERS: usize = 256;

/// One sender: its address, when it last wrote, and how many datagrams it sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heard {
    /// The address the datagrams came from (what `recvfrom` returned).
    pub addr: SocketAddr,
    /// When its last datagram arrived.
    pub last_seen: Instant,
    /// How many datagrams it sent.
    pub messages: u64,
}

/// Everyone heard from, in the order they first wrote.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use udp_chat::chat::PeerTable;
///
/// let start = Instant::now();
/// let alice = "127.0.0.1:5001".parse().unwrap();
/// let bob = "127.0.0.1:5002".parse().unwrap();
///
/// let mut table = PeerTable::new();
/// assert!(table.heard(alice, start)); // first time
/// assert!(table.heard(bob, start));
/// assert!(!table.heard(alice, start + Duration::from_secs(3)));
///
/// assert_eq!(table.get(alice).unwrap().messages, 2);
/// assert_eq!(
///     table.render(start + Duration::from_secs(10), Some(bob)),
///     "address         last seen  messages\n\
///      127.0.0.1:5001  7 s ago           2\n\
///      127.0.0.1:5002  10 s ago          1  (your peer)"
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct PeerTable {
    // A handful of rows: a Vec, searched from the start, keeps them in order.
    heard: Vec<Heard>,
}

impl PeerTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a datagram from `addr` that arrived at `now`. Returns whether this is the
    /// first time `addr` was heard from.
    pub fn heard(&mut self, addr: SocketAddr, now: Instant) -> bool {
        if let Some(row) = self.heard.iter_mut().find(|row| row.addr == addr) {
            row.last_seen = now;
            row.messages += 1;
            return false;
        }
        if self.heard.len() >= MAX_PEERS {
            self.forget_the_quietest();
        }
        self.heard.push(Heard {
            addr,
            last_seen: now,
            messages: 1,
        });
        true
    }

    /// What the table knows about `addr`, if it was heard from.
    pub fn get(&self, addr: SocketAddr) -> Option<&Heard> {
        self.heard.iter().find(|row| row.addr == addr)
    }

    /// The rows, in the order the senders first wrote.
    pub fn iter(&self) -> impl Iterator<Item = &Heard> {
        self.heard.iter()
    }

    /// How many senders the table holds.
    pub fn len(&self) -> usize {
        self.heard.len()
    }

    /// Whether no one was heard from yet.
    pub fn is_empty(&self) -> bool {
        self.heard.is_empty()
    }

    /// The table as `/who` prints it, lines without a final line break; `peer` is
    /// marked `(your peer)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Instant;
    /// use udp_chat::chat::PeerTable;
    ///
    /// assert_eq!(PeerTable::new().render(Instant::now(), None), "no one has written yet");
    /// ```
    pub fn render(&self, now: Instant, peer: Option<SocketAddr>) -> String {
        if self.heard.is_empty() {
            return "no one has written yet".into();
        }
        let rows: Vec<[String; 3]> = self
            .heard
            .iter()
            .map(|row| {
                [
                    row.addr.to_string(),
                    ago(now.saturating_duration_since(row.last_seen)),
                    row.messages.to_string(),
                ]
            })
            .collect();
        let width = |column: usize, title: &str| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .chain([title.len()])
                .max()
                .unwrap_or_default()
        };
        let (w0, w1, w2) = (
            width(0, "address"),
            width(1, "last seen"),
            width(2, "messages"),
        );
        let mut lines = vec![format!(
            "{:<w0$}  {:<w1$}  {:>w2$}",
            "address", "last seen", "messages"
        )];
        for (row, heard) in rows.iter().zip(&self.heard) {
            let mut line = format!("{:<w0$}  {:<w1$}  {:>w2$}", row[0], row[1], row[2]);
            if Some(heard.addr) == peer {
                line.push_str("  (your peer)");
            }
            lines.push(line);
        }
        lines.join("\n")
    }

    /// Makes room: drops the row heard from least recently.
    fn forget_the_quietest(&mut self) {
        if let Some(quietest) = (0..self.heard.len()).min_by_key(|&i| self.heard[i].last_seen) {
            self.heard.remove(quietest);
        }
    }
}

/// `7 s ago`, in whole seconds.
fn ago(elapsed: Duration) -> String {
    format!("{} s ago", elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn counts_and_last_seen() {
        let t0 = Instant::now();
        let mut table = PeerTable::new();
        assert!(table.is_empty());
        assert!(table.heard(addr(1), t0));
        assert!(!table.heard(addr(1), t0 + Duration::from_secs(5)));
        assert!(table.heard(addr(2), t0 + Duration::from_secs(1)));
        assert_eq!(table.len(), 2);
        let one = table.get(addr(1)).unwrap();
        assert_eq!(one.messages, 2);
        assert_eq!(one.last_seen, t0 + Duration::from_secs(5));
        assert_eq!(table.get(addr(3)), None);
        let order: Vec<_> = table.iter().map(|row| row.addr.port()).collect();
        assert_eq!(order, [1, 2]);
    }

    #[test]
    fn same_ip_other_port_is_someone_else() {
        let t0 = Instant::now();
        let mut table = PeerTable::new();
        table.heard(addr(1), t0);
        table.heard(addr(2), t0);
        table.heard(SocketAddr::from(([127, 0, 0, 2], 1)), t0);
        assert_eq!(table.len(), 3);
    }

    #[test]
    fn rendering_aligns_columns_and_marks_the_peer() {
        let t0 = Instant::now();
        let mut table = PeerTable::new();
        let v6: SocketAddr = "[::1]:40000".parse().unwrap();
        table.heard(v6, t0);
        for _ in 0..12 {
            table.heard(addr(7), t0);
        }
        let shown = table.render(t0 + Duration::from_secs(125), Some(v6));
        assert_eq!(
            shown,
            "address      last seen  messages\n\
             [::1]:40000  125 s ago         1  (your peer)\n\
             127.0.0.1:7  125 s ago        12"
        );
    }

    #[test]
    fn a_clock_that_seems_to_go_back_shows_zero() {
        let t0 = Instant::now();
        let mut table = PeerTable::new();
        table.heard(addr(1), t0 + Duration::from_secs(9));
        assert!(table.render(t0, None).contains("0 s ago"));
    }

    #[test]
    fn a_full_table_forgets_the_quietest() {
        let t0 = Instant::now();
        let mut table = PeerTable::new();
        for port in 1..=MAX_PEERS as u16 {
            table.heard(addr(port), t0 + Duration::from_secs(u64::from(port)));
        }
        // Port 1 writes again: now port 2 is the quietest.
        table.heard(addr(1), t0 + Duration::from_secs(10_000));
        assert!(table.heard(addr(9999), t0 + Duration::from_secs(10_001)));
        assert_eq!(table.len(), MAX_PEERS);
        assert!(table.get(addr(2)).is_none());
        assert!(table.get(addr(1)).is_some());
        assert!(table.get(addr(9999)).is_some());
    }

    proptest! {
        #[test]
        fn counts_add_up(ports in proptest::collection::vec(1u16..20, 0..200)) {
            let t0 = Instant::now();
            let mut table = PeerTable::new();
            for &port in &ports {
                table.heard(addr(port), t0);
            }
            let total: u64 = table.iter().map(|row| row.messages).sum();
            prop_assert_eq!(total, ports.len() as u64);
            let mut distinct = ports.clone();
            distinct.sort_unstable();
            distinct.dedup();
            prop_assert_eq!(table.len(), distinct.len());
            // One header line, one line per sender.
            if !ports.is_empty() {
                prop_assert_eq!(table.render(t0, None).lines().count(), distinct.len() + 1);
            }
        }
    }
}
