//! The ARP cache (ARP 缓存表): which MAC address answers for which IPv4 address.
//!
//! To send an IPv4 packet to a neighbour on the same network, a machine needs the
//! neighbour's MAC address for the Ethernet frame. ARP (Address Resolution Protocol,
//! RFC 826) finds it: the machine broadcasts "who has 192.168.1.1?" to every host on the
//! link, the owner answers "192.168.1.1 is at aa:bb:cc:dd:ee:ff", and the answer is kept
//! for a while in the ARP cache so the next packet need not ask again. Packets to hosts
//! on *other* networks go to the router, so only the router's MAC is needed for them;
//! loopback traffic never uses ARP at all.
//!
//! Linux shows its IPv4 cache as text in `/proc/net/arp`:
//!
//! ```text
//! IP address       HW type     Flags       HW address            Mask     Device
//! 192.168.1.1      0x1         0x2         aa:bb:cc:dd:ee:ff     *        eth0
//! ```
//!
//! [`parse_proc_net_arp`] reads that text; [`neighbours`] reads the file. Other systems
//! keep the cache elsewhere (`arp -a` shows it on Windows, macOS and the BSDs).
//!
//! IPv6 does not use ARP: it finds neighbours with NDP (Neighbour Discovery, RFC 4861,
//! ICMPv6 messages), and Linux does not list them in `/proc`; `ip -6 neigh` shows them.
//!
//! The unit tests are in `arp/tests.rs`.

use std::net::IpAddr;

use crate::mac::MacAddr;

/// Where Linux shows the IPv4 ARP cache.
pub const PROC_NET_ARP: &str = "/proc/net/arp";

/// The column titles of `/proc/net/arp`, in order.
pub const PROC_NET_ARP_COLUMNS: [&str; 6] = [
    "IP address",
    "HW type",
    "Flags",
    "HW address",
    "Mask",
    "Device",
];

/// `ATF_COM`: the entry is complete (the MAC address is known).
const ATF_COM: u32 = 0x02;
/// `ATF_PERM`: a permanent (static) entry, added by hand, never expires.
const ATF_PERM: u32 = 0x04;
/// `ATF_PUBL`: a published entry (proxy ARP: this machine answers for that address).
const ATF_PUBL: u32 = 0x08;

/// One entry of the ARP cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    /// The neighbour's IP address.
    pub ip: IpAddr,
    /// Its MAC address; `None` while ARP has asked and no answer has come
    /// (an incomplete entry), or for link types whose addresses are not 6 bytes.
    pub mac: Option<MacAddr>,
    /// The interface it was seen on, such as `eth0`.
    pub device: String,
    /// `complete`, `incomplete` or `permanent`, with `, published` for proxy ARP.
    pub state: String,
}

/// Why the ARP cache could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ArpError {
    /// The first line is not the expected column titles.
    #[error("not /proc/net/arp text: the first line should be the column titles \"IP address  HW type  Flags  HW address  Mask  Device\", found {found:?}")]
    BadHeader {
        /// The first line as found (empty if there was none).
        found: String,
    },
    /// An entry line could not be read.
    #[error("line {line_no} of /proc/net/arp: {reason}: {line:?}")]
    BadLine {
        /// The line number, counting from 1 (the header is line 1).
        line_no: usize,
        /// The line as found.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The file could not be read.
    #[error("could not read {path}")]
    Read {
        /// The file's path.
        path: String,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// This system does not show its ARP cache in `/proc/net/arp`.
    #[error("reading the ARP cache is only supported on Linux (from /proc/net/arp): use `arp -a` on this system")]
    Unsupported,
}

/// Reads the text of `/proc/net/arp`.
///
/// Columns are separated by runs of spaces. The state comes from the flags: `0x2`
/// complete, `0x0` incomplete (the MAC column then shows `00:00:00:00:00:00`, which
/// becomes `None`), `0x4` permanent (usually with `0x2`, as `0x6`), `0x8` published.
///
/// # Examples
///
/// ```
/// use netbasics::arp::parse_proc_net_arp;
/// let text = "\
/// IP address       HW type     Flags       HW address            Mask     Device
/// 192.168.1.1      0x1         0x2         aa:bb:cc:dd:ee:ff     *        eth0
/// 192.168.1.77     0x1         0x0         00:00:00:00:00:00     *        eth0
/// ";
/// let table = parse_proc_net_arp(text)?;
/// assert_eq!(table[0].ip.to_string(), "192.168.1.1");
/// assert_eq!(table[0].mac.map(|m| m.to_string()).as_deref(), Some("aa:bb:cc:dd:ee:ff"));
/// assert_eq!(table[0].state, "complete");
/// assert_eq!(table[1].mac, None);
/// assert_eq!(table[1].state, "incomplete");
///
/// assert!(parse_proc_net_arp("hello\n").is_err());
/// # Ok::<(), netbasics::arp::ArpError>(())
/// ```
pub fn parse_proc_net_arp(text: &str) -> Result<Vec<Neighbour>, ArpError> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    if !is_header(header) {
        return Err(ArpError::BadHeader {
            found: header.to_string(),
        });
    }
    lines
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        // +2: line numbers count from 1, and the header was line 1.
        .map(|(i, line)| {
            parse_line(line).map_err(|reason| ArpError::BadLine {
                line_no: i + 2,
                line: line.to_string(),
                reason,
            })
        })
        .collect()
}

/// Whether `line` holds the six column titles (some in two words), in order.
fn is_header(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let expected: Vec<&str> = PROC_NET_ARP_COLUMNS
        .iter()
        .flat_map(|title| title.split_whitespace())
        .collect();
    words == expected
}

fn parse_line(line: &str) -> Result<Neighbour, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [ip, _hw_type, flags, hw_address, _mask, device] = fields[..] else {
        return Err(format!("expected 6 columns, found {}", fields.len()));
    };
    let ip: IpAddr = ip
        .parse()
        .map_err(|_| format!("{ip:?} is not an IP address"))?;
    let flags = flags
        .strip_prefix("0x")
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .ok_or_else(|| format!("the flags {flags:?} are not a hexadecimal number like 0x2"))?;
    let mac = parse_mac(hw_address).filter(|mac| mac.octets() != [0; 6]);
    Ok(Neighbour {
        ip,
        mac,
        device: device.to_string(),
        state: state_name(flags),
    })
}

/// The state of an entry, from its flags.
fn state_name(flags: u32) -> String {
    let state = if flags & ATF_PERM != 0 {
        "permanent"
    } else if flags & ATF_COM != 0 {
        "complete"
    } else {
        "incomplete"
    };
    if flags & ATF_PUBL != 0 {
        format!("{state}, published")
    } else {
        state.to_string()
    }
}

/// Reads `aa:bb:cc:dd:ee:ff` (as the kernel writes it: two hex digits per byte).
/// Other link types (longer addresses) give `None`: they are not MAC addresses.
fn parse_mac(text: &str) -> Option<MacAddr> {
    let mut octets = [0u8; 6];
    let mut parts = text.split(':');
    for octet in &mut octets {
        let part = parts.next()?;
        // from_str_radix alone would also accept "+f"; insist on two hex digits.
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        *octet = u8::from_str_radix(part, 16).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(MacAddr::new(octets))
}

/// Reads this machine's IPv4 ARP cache.
///
/// On Linux it is read from [`PROC_NET_ARP`]; elsewhere this is
/// [`ArpError::Unsupported`], whose message says to use `arp -a`. IPv6 neighbours
/// are not included (see the [module docs](self)).
///
/// # Examples
///
/// ```
/// use netbasics::arp::{neighbours, ArpError};
/// match neighbours() {
///     Ok(table) => {
///         for n in &table {
///             println!("{} is at {:?} on {}", n.ip, n.mac, n.device);
///         }
///     }
///     Err(ArpError::Unsupported) => println!("use `arp -a` here"),
///     Err(err) => println!("{err}"),
/// }
/// ```
pub fn neighbours() -> Result<Vec<Neighbour>, ArpError> {
    if cfg!(any(target_os = "linux", target_os = "android")) {
        let text = std::fs::read_to_string(PROC_NET_ARP).map_err(|source| ArpError::Read {
            path: PROC_NET_ARP.to_string(),
            source,
        })?;
        parse_proc_net_arp(&text)
    } else {
        Err(ArpError::Unsupported)
    }
}

#[cfg(test)]
mod tests;
