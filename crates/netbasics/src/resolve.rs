//! Name resolution (域名解析): from a host name such as `localhost` to IP addresses.
//!
//! Programs do not talk DNS themselves: they ask the operating system's resolver,
//! `getaddrinfo()`, which is what Python's `socket.getaddrinfo()` and
//! `socket.gethostbyname()` call, and what Rust's [`ToSocketAddrs`] calls. The resolver
//! asks its sources in the order the system is configured for (on Linux the `hosts:` line
//! of `/etc/nsswitch.conf`, usually `files dns`): first the **hosts file**, a plain text
//! table of addresses and names, then DNS servers.
//!
//! This module does both halves of the lesson:
//!
//! - [`resolve`] asks the system resolver, exactly as a client program would;
//! - [`parse_hosts`] reads the hosts file, so `netbasics resolve` can show which line of
//!   it (if any) gave each address.
//!
//! A hosts file line is an address followed by one or more names, separated by spaces or
//! tabs; `#` starts a comment:
//!
//! ```text
//! 127.0.0.1   localhost
//! ::1         localhost ip6-localhost ip6-loopback   # IPv6 loopback
//! ```
//!
//! The unit tests are in `resolve/tests.rs`.

use std::collections::HashSet;
use std::io;
use std::net::{IpAddr, ToSocketAddrs};
use std::path::PathBuf;

/// The longest host name, in bytes, without the final dot (RFC 1035 allows 255 bytes on
/// the wire, which leaves 253 for the dotted text).
pub const MAX_NAME_LEN: usize = 253;

/// Resolves a host name to its IP addresses with the system resolver (`getaddrinfo`).
///
/// The addresses come in the resolver's order (the order a client should try them in),
/// each once: `getaddrinfo` gives one answer per socket type, so the same address
/// often comes back two or three times. An IP address written as text (`"127.0.0.1"`,
/// `"::1"`) resolves to itself without asking anyone.
///
/// Names that cannot be host names (empty, longer than [`MAX_NAME_LEN`], containing
/// spaces or control characters) are refused with [`io::ErrorKind::InvalidInput`]
/// before anything is asked. A name nobody knows is an error from the resolver.
///
/// # Examples
///
/// ```
/// use netbasics::resolve::resolve;
/// use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
///
/// let addrs = resolve("localhost")?;
/// assert!(addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)) || addrs.contains(&IpAddr::V6(Ipv6Addr::LOCALHOST)));
///
/// assert_eq!(resolve("127.0.0.1")?, [IpAddr::V4(Ipv4Addr::LOCALHOST)]);
/// assert_eq!(resolve("::1")?, [IpAddr::V6(Ipv6Addr::LOCALHOST)]);
///
/// let err = resolve("my host").unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn resolve(name: &str) -> io::Result<Vec<IpAddr>> {
    check_name(name)?;
    // Port 0: we only want the addresses, but getaddrinfo answers with socket
    // addresses (address + port), so some port has to be given.
    let mut seen = HashSet::new();
    let addrs = (name, 0)
        .to_socket_addrs()?
        .map(|socket_addr| socket_addr.ip())
        // `insert` is true the first time an address is seen: keep first occurrences.
        .filter(|ip| seen.insert(*ip))
        .collect();
    Ok(addrs)
}

/// Refuses names that can never be host names, so no lookup is sent for them.
fn check_name(name: &str) -> io::Result<()> {
    let problem = if name.is_empty() {
        "the host name is empty".to_string()
    } else if name.len() > MAX_NAME_LEN {
        format!(
            "the host name is {} bytes long; a host name has at most {MAX_NAME_LEN}",
            name.len()
        )
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        format!("{name:?} contains spaces or control characters, which host names never do")
    } else {
        return Ok(());
    };
    Err(io::Error::new(io::ErrorKind::InvalidInput, problem))
}

/// One useful line of a hosts file: an address and the names that map to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsEntry {
    /// The line number in the file, counting from 1 (as editors do).
    pub line_no: usize,
    /// The address the names resolve to.
    pub addr: IpAddr,
    /// The canonical name first, then the aliases.
    pub names: Vec<String>,
    /// The whole line as written (without its line ending), to show to the user.
    pub line: String,
}

/// A hosts file line that is neither blank, a comment, nor a valid entry.
///
/// The resolver silently skips such lines; [`hosts_problems`] lists them so they can
/// be reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostsLineError {
    /// The first word of the line is not an IPv4 or IPv6 address.
    #[error("line {line_no}: {word:?} is not an IP address (a hosts line starts with an IPv4 or IPv6 address, then names)")]
    BadAddress {
        /// The line number, counting from 1.
        line_no: usize,
        /// The word that should have been an address.
        word: String,
    },
    /// The line has an address but no name after it.
    #[error("line {line_no}: the address {addr} has no host name after it")]
    NoNames {
        /// The line number, counting from 1.
        line_no: usize,
        /// The address on the line.
        addr: IpAddr,
    },
}

/// Reads one line: `None` for blank lines and comments.
fn parse_hosts_line(line_no: usize, line: &str) -> Option<Result<HostsEntry, HostsLineError>> {
    // Everything from '#' to the end of the line is a comment.
    let content = line.split('#').next().unwrap_or_default();
    // split_whitespace handles spaces and tabs, and any number of them.
    let mut words = content.split_whitespace();
    let first = words.next()?;
    let addr = match first.parse::<IpAddr>() {
        Ok(addr) => addr,
        Err(_) => {
            return Some(Err(HostsLineError::BadAddress {
                line_no,
                word: first.to_string(),
            }))
        }
    };
    let names: Vec<String> = words.map(str::to_string).collect();
    if names.is_empty() {
        return Some(Err(HostsLineError::NoNames { line_no, addr }));
    }
    Some(Ok(HostsEntry {
        line_no,
        addr,
        names,
        line: line.to_string(),
    }))
}

/// Parses the text of a hosts file into its entries, in file order.
///
/// Blank lines and comments are skipped, as are bad lines (see [`hosts_problems`] to
/// list those). Both `\n` and Windows `\r\n` line endings are accepted.
///
/// # Examples
///
/// ```
/// use netbasics::resolve::parse_hosts;
/// let text = "# The loopback addresses\n\
///             127.0.0.1\tlocalhost\n\
///             ::1  localhost ip6-localhost  # IPv6\n\
///             not-an-address  oops\n";
/// let entries = parse_hosts(text);
/// assert_eq!(entries.len(), 2);
/// assert_eq!(entries[0].line_no, 2);
/// assert_eq!(entries[0].addr.to_string(), "127.0.0.1");
/// assert_eq!(entries[1].names, ["localhost", "ip6-localhost"]);
/// ```
pub fn parse_hosts(text: &str) -> Vec<HostsEntry> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| parse_hosts_line(i + 1, line))
        .filter_map(Result::ok)
        .collect()
}

/// The lines of a hosts file that [`parse_hosts`] skipped because they are wrong.
///
/// # Examples
///
/// ```
/// use netbasics::resolve::{hosts_problems, HostsLineError};
/// let text = "127.0.0.1 localhost\n300.1.2.3 big\n10.0.0.1\n";
/// let problems = hosts_problems(text);
/// assert_eq!(problems.len(), 2);
/// assert!(matches!(&problems[0], HostsLineError::BadAddress { line_no: 2, word } if word == "300.1.2.3"));
/// assert_eq!(problems[1].to_string(), "line 3: the address 10.0.0.1 has no host name after it");
/// ```
pub fn hosts_problems(text: &str) -> Vec<HostsLineError> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| parse_hosts_line(i + 1, line))
        .filter_map(Result::err)
        .collect()
}

/// Where the system keeps its hosts file.
///
/// `/etc/hosts` on Unix-like systems; `C:\Windows\System32\drivers\etc\hosts` on
/// Windows (under `%SystemRoot%` if Windows is installed elsewhere).
///
/// # Examples
///
/// ```
/// use netbasics::resolve::hosts_path;
/// # #[cfg(unix)]
/// assert_eq!(hosts_path(), std::path::Path::new("/etc/hosts"));
/// ```
pub fn hosts_path() -> PathBuf {
    #[cfg(windows)]
    {
        let root = std::env::var_os("SystemRoot").unwrap_or_else(|| r"C:\Windows".into());
        PathBuf::from(root).join(r"System32\drivers\etc\hosts")
    }
    #[cfg(not(windows))]
    {
        PathBuf::from("/etc/hosts")
    }
}

/// The entries that give an address for `name`, in file order.
///
/// Host names are not case-sensitive (`LocalHost` is `localhost`), and a name may be an
/// entry's canonical name or one of its aliases.
///
/// # Examples
///
/// ```
/// use netbasics::resolve::{hosts_entries_for, parse_hosts};
/// let entries = parse_hosts("127.0.0.1 localhost\n::1 ip6-localhost localhost\n10.0.0.5 printer\n");
/// let found = hosts_entries_for("LOCALHOST", &entries);
/// assert_eq!(found.len(), 2);
/// assert_eq!(found[1].line_no, 2);
/// assert!(hosts_entries_for("router", &entries).is_empty());
/// ```
pub fn hosts_entries_for<'a>(name: &str, entries: &'a [HostsEntry]) -> Vec<&'a HostsEntry> {
    entries
        .iter()
        .filter(|entry| entry.names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .collect()
}

#[cfg(test)]
mod tests;
