//! # netbasics: the first two lessons of the course, and the ground floor of the others
//!
//! Lesson 1 (IP 地址, 端口, 子网掩码, MAC 地址) and lesson 2 (编码 and 解码: text
//! and bytes) as a small library and the `netbasics` command.
//!
//! Every later lesson stands on this crate, and it holds what two or more of them
//! share, written once: `HOST:PORT` ([`server_addr`]), showing received bytes as text
//! ([`text::TextView`]), a server's first three steps ([`listener`]), the one way a server's
//! accept loop is stopped ([`stop`]), deadlines for a whole reply or request
//! ([`deadline`]), the Internet checksum ([`checksum`]), and how a
//! program ends on an error and names a client in its log ([`cli`]). Lessons 5 (TCP) and 6
//! (UDP) are siblings: each uses only this crate, never the other.
//!
//! All the address arithmetic is written out here by hand, because it *is* the lesson:
//! an IPv4 address is a 32-bit number, a netmask is a run of 1 bits followed by 0 bits,
//! and the network and broadcast addresses come from two bitwise operations.
//!
//! # Layout
//!
//! - [`ipv4`]: parsing dotted-decimal text, the classful classes A-E and the special
//!   ranges (private, loopback, link-local, multicast, ...).
//! - [`ipv4net`]: [`Ipv4Net`], an address with a prefix: netmask <-> prefix, network,
//!   broadcast, hosts, subnetting, supernets and summarising.
//! - [`ipv6`]: parsing and printing IPv6 addresses (RFC 5952) and their special ranges.
//! - [`ipv6net`]: [`Ipv6Net`], the same prefix math for 128-bit addresses.
//! - [`any_address`]: `0.0.0.0` and `::`, which a server binds but nobody connects to.
//! - [`port`]: port numbers, their ranges, and the services the course names.
//! - [`mac`]: [`MacAddr`], hardware addresses and what their bits mean.
//! - [`text`]: text to bytes and back in UTF-8, GBK, GB18030, Big5, Shift_JIS, UTF-16.
//! - [`resolve`]: names to addresses with the system resolver and the hosts file.
//! - [`server_addr`]: `HOST:PORT`, the way a client names its server on a command line.
//! - [`interfaces`]: this machine's network interfaces (what `ifconfig` shows).
//! - [`checksum`]: the Internet checksum (RFC 1071) that IPv4, ICMP, UDP and TCP carry.
//! - [`icmp`] and [`ping`]: ICMP echo request/reply, the packets `ping` sends.
//! - [`arp`]: the ARP cache (IP address -> MAC address) the OS keeps.
//! - [`listener`]: a server's first three steps, `socket`, `SO_REUSEADDR`, `bind`,
//!   `listen`, one call each (lesson 5 teaches them; every TCP server uses them).
//! - [`stop`]: [`Stop`](stop::Stop), how a Ctrl-C handler wakes a server blocked in
//!   `accept`, the one way every server of the workspace stops.
//! - [`deadline`]: a time limit for a whole reply or visit rather than for each system
//!   call: [`write_all_by`](deadline::write_all_by), for servers whose replies must not
//!   wait for ever (lesson 5 teaches it), and [`TimedReader`](deadline::TimedReader), for
//!   a request read against a deadline (lesson 3's `cmd-server`).
//! - [`cli`]: plumbing shared by the workspace's command-line programs: the `error: ...`
//!   ending, `1 byte`/`2 bytes`, and how a server's log names a client.

#![deny(missing_docs)]

pub mod any_address;
pub mod arp;
pub mod checksum;
pub mod cli;
pub mod deadline;
pub mod icmp;
pub mod interfaces;
pub mod ipv4;
pub mod ipv4net;
pub mod ipv6;
pub mod ipv6net;
pub mod listener;
pub mod mac;
pub mod ping;
pub mod port;
pub mod resolve;
pub mod server_addr;
pub mod stop;
pub mod text;

pub use ipv4net::Ipv4Net;
pub use ipv6net::Ipv6Net;
pub use mac::MacAddr;
