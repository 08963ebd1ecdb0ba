//! Unit tests of `resolve`: a golden hosts file and its problems, lookups, and the
//! resolver on names that need no network. (The examples in the docs are tests too.)

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
