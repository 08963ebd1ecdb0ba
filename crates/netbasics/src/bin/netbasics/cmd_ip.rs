//! `netbasics ip ADDR[/PREFIX|/NETMASK] [--json]`: the ipcalc-style report.
//!
//! The arithmetic lives in the library ([`netbasics::ipv4net`], [`netbasics::ipv6net`]);
//! this file only decides what to show and lays it out.

use anyhow::{Context, Result};
use netbasics::{ipv4, ipv6, Ipv4Net, Ipv6Net};
use serde_json::{json, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Arguments of `netbasics ip`.
#[derive(clap::Args)]
pub struct IpArgs {
    /// The address, optionally with /PREFIX or /NETMASK: 192.168.1.10/24,
    /// 192.168.1.10/255.255.255.0, 2001:db8::1/64. An IPv4 address without one gets its
    /// class's default prefix (A /8, B /16, C /24).
    pub addr: String,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `netbasics ip`.
pub fn run(args: &IpArgs) -> Result<()> {
    let text = args.addr.trim();
    // "10.0.0.1:80" is an address and a port, a common slip: say so before the IPv6
    // parser (the colon's owner) gives a puzzling message.
    if let Some((host, port)) = text.rsplit_once(':') {
        if !host.contains(':') && ipv4::parse_ipv4(host).is_ok() {
            anyhow::bail!(
                "{text:?} is an address with a port (:{port}); write the address alone: {host}"
            );
        }
    }
    // IPv6 text always has a colon; IPv4 text never does.
    if text.contains(':') {
        let net: Ipv6Net = text
            .parse()
            .with_context(|| format!("{text:?} is not an IPv6 address or network"))?;
        let report = V6Report::new(net);
        if args.json {
            println!("{}", report.json());
        } else {
            report.print();
        }
    } else {
        let (net, source) = parse_v4(text)?;
        let report = V4Report { net, source };
        if args.json {
            println!("{}", report.json());
        } else {
            report.print();
        }
    }
    Ok(())
}

/// Where the prefix of an IPv4 report came from.
#[derive(Clone, Copy)]
enum PrefixSource {
    /// Written as /24 or /255.255.255.0.
    Given,
    /// Not written: the classful default of the address's class (or /32 for D and E).
    Classful,
}

fn parse_v4(text: &str) -> Result<(Ipv4Net, PrefixSource)> {
    let context = || format!("{text:?} is not an IPv4 address or network");
    if text.contains('/') {
        let net: Ipv4Net = text.parse().with_context(context)?;
        return Ok((net, PrefixSource::Given));
    }
    let addr = ipv4::parse_ipv4(text).with_context(context)?;
    // Before CIDR (1993) the class fixed the prefix; the course teaches it this way.
    let prefix = ipv4::Class::of(addr).default_prefix().unwrap_or(32);
    let net = Ipv4Net::new(addr, prefix).with_context(context)?;
    Ok((net, PrefixSource::Classful))
}

struct V4Report {
    net: Ipv4Net,
    source: PrefixSource,
}

impl V4Report {
    fn json(&self) -> Value {
        let n = &self.net;
        let a = n.addr();
        json!({
            "version": 4,
            "address": a.to_string(),
            "class": ipv4::Class::of(a).to_string(),
            "cidr": format!("{}/{}", n.network(), n.prefix_len()),
            "network": n.network().to_string(),
            "broadcast": n.broadcast().to_string(),
            "netmask": n.netmask().to_string(),
            "hostmask": n.hostmask().to_string(),
            "prefix": n.prefix_len(),
            "prefix_source": match self.source {
                PrefixSource::Given => "given",
                PrefixSource::Classful => "classful default",
            },
            "first_host": n.first_host().to_string(),
            "last_host": n.last_host().to_string(),
            "num_addresses": n.num_addresses(),
            "num_hosts": n.num_hosts(),
            "is_private": ipv4::is_private(a),
            "is_loopback": ipv4::is_loopback(a),
            "is_multicast": ipv4::is_multicast(a),
            "is_link_local": ipv4::is_link_local(a),
            "is_broadcast": ipv4::is_broadcast(a),
            "is_unspecified": ipv4::is_unspecified(a),
            "is_documentation": ipv4::is_documentation(a),
            "special": ipv4::special_ranges(a),
        })
    }

    fn print(&self) {
        let n = &self.net;
        let a = n.addr();
        let class = ipv4::Class::of(a);
        let prefix_line = match self.source {
            PrefixSource::Given => format!("/{}", n.prefix_len()),
            PrefixSource::Classful => {
                format!(
                    "/{} (none given: the class {class} default)",
                    n.prefix_len()
                )
            }
        };
        let rows: Vec<(&str, String, String)> = vec![
            ("Address", a.to_string(), ipv4::to_binary(a)),
            ("Prefix", prefix_line, String::new()),
            (
                "Netmask",
                n.netmask().to_string(),
                ipv4::to_binary(n.netmask()),
            ),
            (
                "Hostmask",
                n.hostmask().to_string(),
                ipv4::to_binary(n.hostmask()),
            ),
            (
                "Network",
                format!("{}/{}", n.network(), n.prefix_len()),
                ipv4::to_binary(n.network()),
            ),
            (
                "Broadcast",
                n.broadcast().to_string(),
                ipv4::to_binary(n.broadcast()),
            ),
            ("First host", n.first_host().to_string(), String::new()),
            ("Last host", n.last_host().to_string(), String::new()),
            ("Addresses", n.num_addresses().to_string(), String::new()),
            (
                "Hosts",
                format!("{}{}", n.num_hosts(), hosts_note(n.prefix_len())),
                String::new(),
            ),
            ("Class", class_line(a), String::new()),
            (
                "Special",
                special_line(ipv4::special_ranges(a)),
                String::new(),
            ),
        ];
        print_rows(&rows);
    }
}

/// Why the host count is what it is, for the prefixes where the rule changes.
fn hosts_note(prefix: u8) -> &'static str {
    match prefix {
        31 => "  (a /31 point-to-point link: both addresses are hosts, RFC 3021)",
        32 => "  (a /32 is one host)",
        _ => "  (all addresses minus the network and broadcast addresses)",
    }
}

/// The class, its leading bits, and for A-C the classful network/host split.
fn class_line(a: Ipv4Addr) -> String {
    let class = ipv4::Class::of(a);
    let mut line = format!(
        "{class} (leading bits {}, {})",
        class.leading_bits(),
        class.description()
    );
    if let Some(prefix) = class.default_prefix() {
        let octets = a.octets();
        let split = usize::from(prefix / 8);
        let join = |part: &[u8]| part.iter().map(u8::to_string).collect::<Vec<_>>().join(".");
        line.push_str(&format!(
            "; classful split: network {} | host {}",
            join(&octets[..split]),
            join(&octets[split..])
        ));
    }
    line
}

fn special_line(ranges: Vec<&'static str>) -> String {
    if ranges.is_empty() {
        "none (public unicast)".to_string()
    } else {
        ranges.join(", ")
    }
}

struct V6Report {
    net: Ipv6Net,
}

impl V6Report {
    fn new(net: Ipv6Net) -> Self {
        V6Report { net }
    }

    /// The Subnet-Router anycast address (the network address, RFC 4291 2.6.1) is not a
    /// host, except on /127 (RFC 6164) and /128 where every address is one.
    fn first_host(&self) -> Ipv6Addr {
        let network = u128::from(self.net.network());
        if self.net.prefix_len() >= 127 {
            Ipv6Addr::from(network)
        } else {
            Ipv6Addr::from(network + 1)
        }
    }

    /// 2^(128 - prefix) in decimal: it does not fit in a u128 for /0.
    fn num_addresses(&self) -> String {
        match self.net.num_addresses() {
            Some(n) => n.to_string(),
            None => "340282366920938463463374607431768211456".to_string(),
        }
    }

    fn num_hosts(&self) -> String {
        match (self.net.prefix_len(), self.net.num_addresses()) {
            (127 | 128, Some(n)) => n.to_string(),
            (_, Some(n)) => (n - 1).to_string(),
            (_, None) => u128::MAX.to_string(),
        }
    }

    fn json(&self) -> Value {
        let n = &self.net;
        let a = n.addr();
        // Numbers past 2^64 are written exactly (serde_json's arbitrary precision).
        let big = |digits: String| -> Value {
            serde_json::from_str(&digits).unwrap_or(Value::String(digits))
        };
        json!({
            "version": 6,
            "address": ipv6::format_ipv6(a),
            "exploded": ipv6::explode(a),
            "cidr": format!("{}/{}", ipv6::format_ipv6(n.network()), n.prefix_len()),
            "network": ipv6::format_ipv6(n.network()),
            "last_address": ipv6::format_ipv6(n.last_address()),
            "netmask": ipv6::format_ipv6(n.netmask()),
            "hostmask": ipv6::format_ipv6(n.hostmask()),
            "prefix": n.prefix_len(),
            "first_host": ipv6::format_ipv6(self.first_host()),
            "last_host": ipv6::format_ipv6(n.last_address()),
            "num_addresses": big(self.num_addresses()),
            "num_hosts": big(self.num_hosts()),
            "is_loopback": ipv6::is_loopback(a),
            "is_multicast": ipv6::is_multicast(a),
            "is_link_local": ipv6::is_link_local(a),
            "is_unique_local": ipv6::is_unique_local(a),
            "is_unspecified": ipv6::is_unspecified(a),
            "is_documentation": ipv6::is_documentation(a),
            "ipv4_mapped": ipv6::to_ipv4_mapped(a).map(|v4| v4.to_string()),
            "special": ipv6::special_ranges(a),
        })
    }

    fn print(&self) {
        let n = &self.net;
        let a = n.addr();
        let mut rows: Vec<(&str, String, String)> = vec![
            ("Address", ipv6::format_ipv6(a), String::new()),
            ("Exploded", ipv6::explode(a), String::new()),
            (
                "Network",
                format!("{}/{}", ipv6::format_ipv6(n.network()), n.prefix_len()),
                String::new(),
            ),
            ("Netmask", ipv6::format_ipv6(n.netmask()), String::new()),
            ("Hostmask", ipv6::format_ipv6(n.hostmask()), String::new()),
            (
                "First host",
                ipv6::format_ipv6(self.first_host()),
                String::new(),
            ),
            (
                "Last host",
                ipv6::format_ipv6(n.last_address()),
                String::new(),
            ),
            ("Hosts", self.num_hosts(), String::new()),
            (
                "Addresses",
                format!(
                    "{} (2^{})",
                    self.num_addresses(),
                    128 - u32::from(n.prefix_len())
                ),
                String::new(),
            ),
            (
                "Broadcast",
                "none: IPv6 has no broadcast, multicast (ff02::1 = all nodes) replaces it".into(),
                String::new(),
            ),
            (
                "Special",
                special_line(ipv6::special_ranges(a)),
                String::new(),
            ),
        ];
        if let Some(v4) = ipv6::to_ipv4_mapped(a) {
            rows.push(("IPv4-mapped", v4.to_string(), String::new()));
        }
        if let Some(scope) = ipv6::multicast_scope(a) {
            rows.push(("Scope", scope.to_string(), String::new()));
        }
        print_rows(&rows);
    }
}

/// Prints `label: value  binary` rows with the columns lined up.
fn print_rows(rows: &[(&str, String, String)]) {
    let label_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0) + 1;
    // Only values that have a binary form decide the second column's position.
    let value_width = rows
        .iter()
        .filter(|r| !r.2.is_empty())
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value, binary) in rows {
        let label = format!("{label}:");
        if binary.is_empty() {
            println!("{label:<label_width$} {value}");
        } else {
            println!("{label:<label_width$} {value:<value_width$}  {binary}");
        }
    }
}
