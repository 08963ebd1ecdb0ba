//! Finding the server's address, as the course's "what a browser does" says: first the
//! hosts file, then DNS.
//!
//! The system resolver (`getaddrinfo`) does both itself, in the order
//! `/etc/nsswitch.conf` sets (usually `files dns`), but it does not say which answered.
//! To show it, the client reads the hosts file first (lesson 1's parser), and asks the
//! resolver only for names the file does not list.

use netbasics::resolve::{hosts_entries_for, hosts_path, parse_hosts, resolve};
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;

/// Who gave the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The host was an address already: nobody was asked.
    Literal,
    /// A line of the hosts file.
    HostsFile {
        /// The file.
        path: PathBuf,
        /// The line's number.
        line_no: usize,
    },
    /// The system's resolver (DNS, or whatever `nsswitch.conf` lists after the file).
    Resolver,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Literal => f.write_str("an address already"),
            Source::HostsFile { path, line_no } => {
                write!(f, "the hosts file, {} line {line_no}", path.display())
            }
            Source::Resolver => f.write_str("the system's resolver (DNS)"),
        }
    }
}

/// The addresses of `host`, and who gave them.
///
/// # Errors
///
/// The resolver's error, for a name nobody knows.
///
/// ```
/// use mini_http::client::resolve::{lookup, Source};
///
/// let (addrs, source) = lookup("127.0.0.1")?;
/// assert_eq!((addrs.len(), source), (1, Source::Literal));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn lookup(host: &str) -> io::Result<(Vec<IpAddr>, Source)> {
    if let Ok(addr) = host.parse::<IpAddr>() {
        return Ok((vec![addr], Source::Literal));
    }
    let path = hosts_path();
    if let Ok(text) = std::fs::read_to_string(&path) {
        let entries = parse_hosts(&text);
        let found = hosts_entries_for(host, &entries);
        if let Some(first) = found.first() {
            let line_no = first.line_no;
            let addrs = found.iter().map(|entry| entry.addr).collect();
            return Ok((addrs, Source::HostsFile { path, line_no }));
        }
    }
    Ok((resolve(host)?, Source::Resolver))
}
