//! Packet numbers: different for every packet a client sends, so that a receipt can name
//! the message it confirms and a receiver can tell a repeat from a new message.

use std::time::{SystemTime, UNIX_EPOCH};

/// Makes packet numbers: starting from a number (IP Messenger starts from the time in
/// seconds, so a restarted client does not repeat its old numbers), then counting up.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::packet::PacketNumbers;
///
/// let mut numbers = PacketNumbers::starting_at(100);
/// assert_eq!(numbers.next_number(), 100);
/// assert_eq!(numbers.next_number(), 101);
/// ```
#[derive(Debug, Clone)]
pub struct PacketNumbers {
    next: u64,
}

impl PacketNumbers {
    /// Numbers from `first` on.
    pub fn starting_at(first: u64) -> PacketNumbers {
        PacketNumbers { next: first }
    }

    /// Numbers from the current time on, in milliseconds, kept below 2³².
    ///
    /// IP Messenger starts from the time in *seconds*; two short runs in the same second
    /// (two `ipmsg send` in a row) would then reuse a number, and a receiver drops a
    /// number it has just seen from that sender as a duplicate. Milliseconds make that
    /// practically impossible. Receivers written in C keep the number in 32 bits, so the
    /// seconds are taken modulo 2²² (about 48 days): 2²² × 1000 + 999 < 2³².
    pub fn from_clock() -> PacketNumbers {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let seconds = now.as_secs() % (1 << 22);
        PacketNumbers::starting_at(seconds * 1000 + u64::from(now.subsec_millis()))
    }

    /// The next number.
    pub fn next_number(&mut self) -> u64 {
        let number = self.next;
        self.next = self.next.wrapping_add(1);
        number
    }
}
