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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// A Debian-style hosts file with the oddities real ones have: tabs, trailing
    /// comments, CRLF endings, a Windows-style commented example and broken lines.
    const HOSTS: &str = "\
127.0.0.1\tlocalhost
127.0.1.1\tteaching-pc.lab.example\tteaching-pc

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
#\t102.54.94.97     rhino.acme.com          # source server
  192.168.1.10   NAS   nas.lab.example   # file server\r
192.168.1.300 broken
fe80::1%eth0 scoped
10.0.0.1
   \t
";

    fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(a, b, c, d))
    }

    #[test]
    fn golden_hosts_file() {
        let entries = parse_hosts(HOSTS);
        let summary: Vec<(usize, String, Vec<String>)> = entries
            .iter()
            .map(|e| (e.line_no, e.addr.to_string(), e.names.clone()))
            .collect();
        let expected = [
            (1, "127.0.0.1", vec!["localhost"]),
            (
                2,
                "127.0.1.1",
                vec!["teaching-pc.lab.example", "teaching-pc"],
            ),
            (5, "::1", vec!["localhost", "ip6-localhost", "ip6-loopback"]),
            (6, "ff02::1", vec!["ip6-allnodes"]),
            (7, "ff02::2", vec!["ip6-allrouters"]),
            (9, "192.168.1.10", vec!["NAS", "nas.lab.example"]),
        ];
        let expected: Vec<(usize, String, Vec<String>)> = expected
            .iter()
            .map(|(n, a, names)| {
                (
                    *n,
                    a.to_string(),
                    names.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(summary, expected);
        // The line is kept as written (minus the CRLF ending).
        assert_eq!(
            entries[5].line,
            "  192.168.1.10   NAS   nas.lab.example   # file server"
        );
    }

    #[test]
    fn golden_hosts_problems() {
        let problems = hosts_problems(HOSTS);
        assert_eq!(
            problems,
            [
                HostsLineError::BadAddress {
                    line_no: 10,
                    word: "192.168.1.300".into()
                },
                // Zone indexes (%eth0) are not accepted in hosts files.
                HostsLineError::BadAddress {
                    line_no: 11,
                    word: "fe80::1%eth0".into()
                },
                HostsLineError::NoNames {
                    line_no: 12,
                    addr: v4(10, 0, 0, 1)
                },
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "line 10: \"192.168.1.300\" is not an IP address (a hosts line starts with an IPv4 or IPv6 address, then names)"
        );
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert!(parse_hosts("").is_empty());
        assert!(parse_hosts("# nothing\n\n   # here\n").is_empty());
        assert!(hosts_problems("# nothing\n\n").is_empty());
        // A comment glued to the address still starts a comment.
        let entries = parse_hosts("127.0.0.1 a#comment b\n");
        assert_eq!(entries[0].names, ["a"]);
    }

    #[test]
    fn lookup_is_case_insensitive_and_sees_aliases() {
        let entries = parse_hosts(HOSTS);
        let lines: Vec<usize> = hosts_entries_for("LocalHost", &entries)
            .iter()
            .map(|e| e.line_no)
            .collect();
        assert_eq!(lines, [1, 5]);
        let nas = hosts_entries_for("nas", &entries);
        assert_eq!(nas.len(), 1);
        assert_eq!(nas[0].addr, v4(192, 168, 1, 10));
        assert!(hosts_entries_for("rhino.acme.com", &entries).is_empty());
        assert!(hosts_entries_for("", &entries).is_empty());
    }

    #[test]
    fn resolve_localhost() {
        let addrs = resolve("localhost").expect("localhost resolves");
        assert!(
            addrs.contains(&IpAddr::V4(Ipv4Addr::LOCALHOST))
                || addrs.contains(&IpAddr::V6(Ipv6Addr::LOCALHOST)),
            "localhost gave {addrs:?}"
        );
        let unique: HashSet<_> = addrs.iter().collect();
        assert_eq!(unique.len(), addrs.len(), "duplicates in {addrs:?}");
    }

    #[test]
    fn resolve_literals() {
        assert_eq!(resolve("127.0.0.1").expect("literal"), [v4(127, 0, 0, 1)]);
        assert_eq!(resolve("10.1.2.3").expect("literal"), [v4(10, 1, 2, 3)]);
        assert_eq!(
            resolve("::1").expect("literal"),
            [IpAddr::V6(Ipv6Addr::LOCALHOST)]
        );
    }

    #[test]
    fn impossible_names_are_refused_before_any_lookup() {
        for name in ["", "two words", "tab\there", "new\nline", "nul\0"] {
            let err = resolve(name).expect_err("an impossible name");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name:?}");
        }
        let long = "a".repeat(MAX_NAME_LEN + 1);
        let err = resolve(&long).expect_err("a name too long");
        assert!(err.to_string().contains("at most 253"), "{err}");
    }

    #[test]
    fn hosts_path_is_the_system_one() {
        let path = hosts_path();
        assert!(path.ends_with("hosts"));
        #[cfg(unix)]
        assert_eq!(path, PathBuf::from("/etc/hosts"));
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            let entries = parse_hosts(&text);
            let problems = hosts_problems(&text);
            // Every non-blank, non-comment line is either an entry or a problem.
            prop_assert!(entries.len() + problems.len() <= text.lines().count());
            for entry in &entries {
                prop_assert!(!entry.names.is_empty());
            }
        }

        #[test]
        fn written_entries_parse_back(
            addr in any::<IpAddr>(),
            names in proptest::collection::vec("[a-z][a-z0-9.-]{0,20}", 1..4),
            sep in "[ \t]{1,3}",
        ) {
            let line = format!("{addr}{sep}{}", names.join(&sep));
            let entries = parse_hosts(&line);
            prop_assert_eq!(entries.len(), 1);
            prop_assert_eq!(entries[0].addr, addr);
            prop_assert_eq!(&entries[0].names, &names);
            prop_assert_eq!(hosts_entries_for(&names[0].to_uppercase(), &entries).len(), 1);
        }
    }
}
