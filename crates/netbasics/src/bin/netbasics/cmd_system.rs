//! `netbasics resolve|interfaces|ping|arp`: asking this machine about its network.
//!
//! Each command is a small front end to the library module of the same name:
//! [`netbasics::resolve`], [`netbasics::interfaces`], [`netbasics::ping`] and
//! [`netbasics::arp`]. They print what the classic tools (`getent hosts`, `ifconfig`,
//! `ping`, `arp -n`) print, with a few words on where each answer comes from.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{bail, Context};
use netbasics::arp::{self, ArpError};
use netbasics::interfaces;
use netbasics::ping::{self, PingError, PingStats, Pinger, SocketKind};
use netbasics::resolve;

/// Arguments of `netbasics resolve`.
#[derive(clap::Args)]
pub struct ResolveArgs {
    /// The host name (or an IP address, which resolves to itself).
    pub name: String,
}

/// Arguments of `netbasics interfaces`.
#[derive(clap::Args)]
pub struct InterfacesArgs {}

/// Which ICMP socket `netbasics ping` opens.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SocketChoice {
    /// A datagram socket if allowed, else a raw one.
    Auto,
    /// Only an unprivileged datagram ("ping") socket.
    Datagram,
    /// Only a raw socket (root or CAP_NET_RAW).
    Raw,
}

/// Arguments of `netbasics ping`.
#[derive(clap::Args)]
pub struct PingArgs {
    /// The host to ping: a name or an IP address.
    pub host: String,
    /// How many echo requests to send.
    #[arg(short = 'c', long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..))]
    pub count: u32,
    /// Seconds to wait between requests (fractions allowed: 0.2).
    #[arg(short = 'i', long, value_name = "SECS", default_value = "1", value_parser = parse_seconds)]
    pub interval: Duration,
    /// Seconds to wait for each reply.
    #[arg(short = 'W', long, value_name = "SECS", default_value = "1", value_parser = parse_positive_seconds)]
    pub timeout: Duration,
    /// Bytes of data in each request (the ICMP header adds 8).
    #[arg(short = 's', long, value_name = "SIZE", default_value_t = 56)]
    pub size: usize,
    /// Use the host's first IPv4 address.
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Use the host's first IPv6 address.
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Which kind of ICMP socket to open.
    #[arg(long, value_enum, default_value_t = SocketChoice::Auto)]
    pub socket: SocketChoice,
}

/// Arguments of `netbasics arp`.
#[derive(clap::Args)]
pub struct ArpArgs {}

/// Reads a number of seconds such as `1` or `0.25` (zero allowed).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (examples: 1, 0.5)"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!(
            "{text} is not a number of seconds: expected 0 or more"
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{text} seconds is too long"))
}

/// Reads a number of seconds that must be more than zero.
fn parse_positive_seconds(text: &str) -> Result<Duration, String> {
    let duration = parse_seconds(text)?;
    if duration.is_zero() {
        return Err("the time must be more than 0 seconds".to_string());
    }
    Ok(duration)
}

/// Runs `netbasics resolve`.
pub fn run_resolve(args: &ResolveArgs) -> anyhow::Result<()> {
    let name = args.name.as_str();
    if let Ok(ip) = name.parse::<IpAddr>() {
        println!(
            "{name} is already an IP address ({}): nothing to look up",
            family(ip)
        );
        return Ok(());
    }
    let addrs = resolve::resolve(name)
        .with_context(|| format!("could not resolve {name:?} with the system resolver"))?;

    // The hosts file is read only to explain the answer: if it cannot be read, say so
    // and still show what the resolver said.
    let path = resolve::hosts_path();
    let (entries, problems) = match std::fs::read_to_string(&path) {
        Ok(text) => (resolve::parse_hosts(&text), resolve::hosts_problems(&text)),
        Err(err) => {
            eprintln!("warning: could not read {}: {err}", path.display());
            (Vec::new(), Vec::new())
        }
    };
    let for_name = resolve::hosts_entries_for(name, &entries);

    println!("{name} resolves to (system resolver, getaddrinfo):");
    let rows: Vec<[String; 3]> = addrs
        .iter()
        .map(|ip| {
            let lines: Vec<String> = for_name
                .iter()
                .filter(|entry| entry.addr == *ip)
                .map(|entry| {
                    format!(
                        "{}:{}: {}",
                        path.display(),
                        entry.line_no,
                        entry.line.trim()
                    )
                })
                .collect();
            let source = if lines.is_empty() {
                "not in the hosts file: answered by DNS or another NSS source".to_string()
            } else {
                lines.join("; ")
            };
            [ip.to_string(), family(*ip).to_string(), source]
        })
        .collect();
    print_table("  ", &["ADDRESS", "FAMILY", "WHERE IT CAME FROM"], &rows);

    // Hosts lines for this name that the resolver did not return (for example an IPv6
    // line when the system prefers IPv4 only) are worth pointing out.
    for entry in for_name.iter().filter(|entry| !addrs.contains(&entry.addr)) {
        println!(
            "note: {}:{} also names {} ({}), which the resolver did not return",
            path.display(),
            entry.line_no,
            entry.addr,
            family(entry.addr)
        );
    }
    for problem in problems {
        eprintln!("warning: {} skipped {problem}", path.display());
    }
    Ok(())
}

fn family(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(_) => "IPv4",
        IpAddr::V6(_) => "IPv6",
    }
}

/// Prints rows under headings, each column as wide as its widest cell, every line
/// starting with `indent`.
fn print_table<const N: usize>(indent: &str, headings: &[&str; N], rows: &[[String; N]]) {
    let mut widths = headings.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let print_row = |cells: Vec<&str>| {
        let line: String = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}  "))
            .collect();
        println!("{indent}{}", line.trim_end());
    };
    print_row(headings.to_vec());
    for row in rows {
        print_row(row.iter().map(String::as_str).collect());
    }
}

/// Runs `netbasics interfaces`.
pub fn run_interfaces(_args: &InterfacesArgs) -> anyhow::Result<()> {
    let list = interfaces::interfaces().context("listing the network interfaces")?;
    if list.is_empty() {
        println!("no network interfaces found");
        return Ok(());
    }
    for (i, interface) in list.iter().enumerate() {
        if i > 0 {
            println!();
        }
        let index = interface
            .index
            .map_or(String::new(), |index| format!("  index {index}"));
        let state = match (interface.up, interface.loopback) {
            (true, true) => "up, loopback",
            (true, false) => "up",
            (false, true) => "down, loopback",
            (false, false) => "down",
        };
        println!("{}: {state}{index}", interface.name);
        println!("    flags  {}", interface.flags.join(","));
        match interface.mac {
            Some(mac) => println!("    ether  {mac}"),
            None if interface.loopback => {
                println!("    ether  (none: loopback needs no hardware address)")
            }
            None => println!("    ether  (none)"),
        }
        let rows: Vec<[String; 5]> = interface
            .addrs
            .iter()
            .map(|a| {
                let with_prefix = |ip: IpAddr| match a.prefix {
                    Some(prefix) => format!("{ip}/{prefix}"),
                    None => ip.to_string(),
                };
                let dash = || "-".to_string();
                [
                    if a.addr.is_ipv4() { "inet" } else { "inet6" }.to_string(),
                    with_prefix(a.addr),
                    a.netmask().map_or_else(dash, |m| m.to_string()),
                    a.broadcast.map_or_else(dash, |b| b.to_string()),
                    a.network().map_or_else(dash, with_prefix),
                ]
            })
            .collect();
        if rows.is_empty() {
            println!("    (no IP addresses)");
        } else {
            print_table(
                "    ",
                &["", "ADDRESS", "NETMASK", "BROADCAST", "NETWORK"],
                &rows,
            );
        }
    }
    Ok(())
}

/// Runs `netbasics ping`.
pub fn run_ping(args: &PingArgs) -> anyhow::Result<()> {
    let addrs = resolve::resolve(&args.host)
        .with_context(|| format!("could not resolve {:?}", args.host))?;
    let target = addrs
        .iter()
        .copied()
        .find(|ip| (!args.ipv4 || ip.is_ipv4()) && (!args.ipv6 || ip.is_ipv6()));
    let Some(target) = target else {
        let wanted = if args.ipv4 { "IPv4" } else { "IPv6" };
        bail!("{} has no {wanted} address", args.host);
    };
    let v6 = target.is_ipv6();
    let max = ping::max_payload(v6);
    if args.size > max {
        bail!(
            "-s {}: too large; an ICMP echo over {} carries at most {max} bytes of data (a 65535-byte IP packet minus the IP and ICMP headers)",
            args.size,
            family(target)
        );
    }

    let mut pinger = match args.socket {
        SocketChoice::Auto => Pinger::open(target),
        SocketChoice::Datagram => Pinger::open_kind(target, SocketKind::Datagram),
        SocketChoice::Raw => Pinger::open_kind(target, SocketKind::Raw),
    }?; // PingError messages already say what to do (and Io ones what we were doing).

    println!(
        "PING {} ({target}) {}({}) bytes of data, using {}",
        args.host,
        args.size,
        ping::packet_len(args.size, v6),
        pinger.kind()
    );
    let mut stats = PingStats::new();
    for i in 0..args.count {
        if i > 0 {
            std::thread::sleep(args.interval);
        }
        // ping counts from 1; the field is 16 bits, so long runs wrap around.
        let seq = ((i + 1) % 65536) as u16;
        stats.record_sent();
        match pinger.ping(seq, args.size, args.timeout) {
            Ok(reply) => {
                stats.record_reply(reply.rtt);
                let ttl = reply.ttl.map_or(String::new(), |ttl| format!(" ttl={ttl}"));
                println!(
                    "{} bytes from {}: icmp_seq={}{ttl} time={} ms",
                    reply.bytes,
                    reply.from,
                    reply.seq,
                    format_ms(reply.rtt)
                );
            }
            Err(PingError::Timeout) => println!(
                "request timed out: icmp_seq={seq} (no reply within {} s)",
                args.timeout.as_secs_f64()
            ),
            Err(err) => return Err(err).with_context(|| format!("pinging {target}")),
        }
    }

    println!();
    println!("--- {} ping statistics ---", args.host);
    println!(
        "{} packets transmitted, {} received, {:.0}% packet loss",
        stats.transmitted(),
        stats.received(),
        stats.loss_percent()
    );
    match stats.rtt() {
        Some(rtt) => println!(
            "rtt min/avg/max/mdev = {}/{}/{}/{} ms",
            format_ms_fixed(rtt.min),
            format_ms_fixed(rtt.avg),
            format_ms_fixed(rtt.max),
            format_ms_fixed(rtt.mdev)
        ),
        None if args.host == target.to_string() => bail!("no reply from {target}"),
        None => bail!("no reply from {} ({target})", args.host),
    }
    Ok(())
}

/// A time in milliseconds with about three significant digits, as `ping` prints it.
fn format_ms(rtt: Duration) -> String {
    let ms = rtt.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

/// A time in milliseconds with three decimals, as in `ping`'s summary line.
fn format_ms_fixed(rtt: Duration) -> String {
    format!("{:.3}", rtt.as_secs_f64() * 1000.0)
}

/// Runs `netbasics arp`.
pub fn run_arp(_args: &ArpArgs) -> anyhow::Result<()> {
    let table = match arp::neighbours() {
        Ok(table) => table,
        Err(err @ ArpError::Unsupported) => return Err(err.into()),
        Err(err) => return Err(err).context("reading the ARP cache"),
    };
    if table.is_empty() {
        println!("the ARP cache is empty: entries appear after this machine talks to another");
        println!("host on the local network (loopback traffic needs no ARP)");
    } else {
        let rows: Vec<[String; 4]> = table
            .iter()
            .map(|n| {
                [
                    n.ip.to_string(),
                    n.mac.map_or("(unknown)".to_string(), |m| m.to_string()),
                    n.device.clone(),
                    n.state.clone(),
                ]
            })
            .collect();
        print_table("  ", &["ADDRESS", "MAC ADDRESS", "DEVICE", "STATE"], &rows);
    }
    println!();
    println!(
        "IPv4 only, from {}; IPv6 finds its neighbours with NDP instead: see `ip -6 neigh`",
        arp::PROC_NET_ARP
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_seconds("0.25"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        for bad in ["", "abc", "-1", "NaN", "inf", "1e300"] {
            assert!(parse_seconds(bad).is_err(), "{bad:?}");
        }
        assert!(parse_positive_seconds("0").is_err());
        assert_eq!(parse_positive_seconds("2"), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn milliseconds_like_ping() {
        assert_eq!(format_ms(Duration::from_micros(45)), "0.045");
        assert_eq!(format_ms(Duration::from_micros(1_234)), "1.23");
        assert_eq!(format_ms(Duration::from_micros(12_345)), "12.3");
        assert_eq!(format_ms(Duration::from_micros(123_456)), "123");
        assert_eq!(format_ms_fixed(Duration::from_micros(123_456)), "123.456");
    }
}
