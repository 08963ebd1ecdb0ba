//! `netbasics subnets | same-subnet | summarize`: subnetting by hand.

use anyhow::{bail, Context, Result};
use netbasics::{ipv4, ipv4net, ipv6, ipv6net, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr};

/// How many subnets are listed unless `--all` is given: a /8 split into /30s is four
/// million lines, which helps nobody.
const LIST_LIMIT: u64 = 256;

/// Arguments of `netbasics subnets`.
#[derive(clap::Args)]
pub struct SubnetsArgs {
    /// The network to split, e.g. 192.168.1.0/24 or 2001:db8::/48.
    pub net: String,
    /// The prefix length of the new subnets (longer than the network's own).
    #[arg(long)]
    pub prefix: u8,
    /// List every subnet, not only the first 256.
    #[arg(long)]
    pub all: bool,
}

/// Arguments of `netbasics same-subnet`.
#[derive(clap::Args)]
pub struct SameSubnetArgs {
    /// First address.
    pub a: String,
    /// Second address.
    pub b: String,
    /// The netmask (255.255.255.0) or prefix (/24 or 24).
    pub mask: String,
}

/// Arguments of `netbasics summarize`.
#[derive(clap::Args)]
pub struct SummarizeArgs {
    /// The networks to summarise (all IPv4 or all IPv6).
    #[arg(required = true)]
    pub nets: Vec<String>,
}

/// Runs `netbasics subnets`.
pub fn run_subnets(args: &SubnetsArgs) -> Result<()> {
    let limit = if args.all { u64::MAX } else { LIST_LIMIT };
    let text = args.net.trim();
    if text.contains(':') {
        let net: Ipv6Net = text
            .parse()
            .with_context(|| format!("{text:?} is not an IPv6 network"))?;
        let subnets = net
            .subnets(args.prefix)
            .with_context(|| format!("cannot split {net} into /{}", args.prefix))?;
        let count_log2 = u32::from(args.prefix - net.prefix_len());
        println!(
            "{} split into /{}: 2^{count_log2} subnets",
            net.trunc(),
            args.prefix
        );
        // The longest IPv6 network text: 8 groups of 4, 7 colons and "/128".
        let width = 43;
        println!("{:>4}  {:<width$}  last address", "#", "subnet");
        for (i, sub) in subnets.enumerate() {
            if i as u64 >= limit {
                println!("... (more not shown; --all lists every one)");
                break;
            }
            println!(
                "{:>4}  {:<width$}  {}",
                i + 1,
                sub,
                ipv6::format_ipv6(sub.last_address())
            );
        }
        return Ok(());
    }
    let net: Ipv4Net = text
        .parse()
        .with_context(|| format!("{text:?} is not an IPv4 network"))?;
    let subnets = net
        .subnets(args.prefix)
        .with_context(|| format!("cannot split {net} into /{}", args.prefix))?;
    let total = subnets.len();
    let each = Ipv4Net::new(net.network(), args.prefix)
        .with_context(|| format!("bad prefix /{}", args.prefix))?;
    println!(
        "{} split into /{} (netmask {}): {total} subnets of {} addresses, {} hosts each",
        net.trunc(),
        args.prefix,
        each.netmask(),
        each.num_addresses(),
        each.num_hosts()
    );
    println!(
        "{:>4}  {:<18}  {:<15}  {:<15}  broadcast",
        "#", "subnet", "first host", "last host"
    );
    for (i, sub) in subnets.enumerate() {
        if i as u64 >= limit {
            println!("... {} more (--all lists every one)", total - limit);
            break;
        }
        println!(
            "{:>4}  {:<18}  {:<15}  {:<15}  {}",
            i + 1,
            sub.to_string(),
            sub.first_host().to_string(),
            sub.last_host().to_string(),
            sub.broadcast()
        );
    }
    Ok(())
}

/// Runs `netbasics same-subnet`.
pub fn run_same_subnet(args: &SameSubnetArgs) -> Result<()> {
    let a: IpAddr = parse_ip(&args.a)?;
    let b: IpAddr = parse_ip(&args.b)?;
    match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => same_subnet_v4(a, b, &args.mask),
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let prefix = if args.mask.contains(':') {
                let mask = ipv6::parse_ipv6(args.mask.trim())
                    .with_context(|| format!("{:?} is not an IPv6 netmask", args.mask))?;
                ipv6net::netmask_to_prefix(mask)?
            } else {
                parse_prefix(&args.mask, 128)?
            };
            let na = Ipv6Net::new(a, prefix)?.trunc();
            let nb = Ipv6Net::new(b, prefix)?.trunc();
            println!("{} -> network {na}", ipv6::format_ipv6(a));
            println!("{} -> network {nb}", ipv6::format_ipv6(b));
            verdict(na == nb);
            Ok(())
        }
        _ => bail!("one address is IPv4 and the other IPv6: they are never on the same subnet"),
    }
}

fn same_subnet_v4(a: Ipv4Addr, b: Ipv4Addr, mask_text: &str) -> Result<()> {
    let mask = parse_v4_mask(mask_text)?;
    let same = ipv4net::same_subnet(a, b, mask)?;
    // Show the AND the way the lesson does it: bit by bit.
    let and = |x: Ipv4Addr| Ipv4Addr::from(u32::from(x) & u32::from(mask));
    println!("  {:<15}  {}", a, ipv4::to_binary(a));
    println!("& {:<15}  {}", mask, ipv4::to_binary(mask));
    println!("= {:<15}  {}", and(a), ipv4::to_binary(and(a)));
    println!();
    println!("  {:<15}  {}", b, ipv4::to_binary(b));
    println!("& {:<15}  {}", mask, ipv4::to_binary(mask));
    println!("= {:<15}  {}", and(b), ipv4::to_binary(and(b)));
    println!();
    verdict(same);
    Ok(())
}

fn verdict(same: bool) {
    if same {
        println!(
            "same subnet: yes (the network parts are equal; they can talk directly, no router)"
        );
    } else {
        println!("same subnet: no (the network parts differ; traffic between them goes through a router)");
    }
}

/// Runs `netbasics summarize`.
pub fn run_summarize(args: &SummarizeArgs) -> Result<()> {
    let v6 = args.nets.iter().any(|n| n.contains(':'));
    let v4 = args.nets.iter().any(|n| !n.contains(':'));
    if v4 && v6 {
        bail!(
            "give only IPv4 or only IPv6 networks: the two families cannot be summarised together"
        );
    }
    if v6 {
        let nets = args
            .nets
            .iter()
            .map(|t| {
                t.parse::<Ipv6Net>()
                    .with_context(|| format!("{t:?} is not an IPv6 network"))
            })
            .collect::<Result<Vec<_>>>()?;
        let result = ipv6net::summarize(&nets);
        println!("{} network(s) in, {} out:", nets.len(), result.len());
        for net in result {
            println!(
                "{net}  ({} - {})",
                ipv6::format_ipv6(net.network()),
                ipv6::format_ipv6(net.last_address())
            );
        }
    } else {
        let nets = args
            .nets
            .iter()
            .map(|t| {
                t.parse::<Ipv4Net>()
                    .with_context(|| format!("{t:?} is not an IPv4 network"))
            })
            .collect::<Result<Vec<_>>>()?;
        let result = ipv4net::summarize(&nets);
        println!("{} network(s) in, {} out:", nets.len(), result.len());
        for net in result {
            println!("{net}  ({} - {})", net.network(), net.broadcast());
        }
    }
    Ok(())
}

fn parse_ip(text: &str) -> Result<IpAddr> {
    let text = text.trim();
    if text.contains(':') {
        Ok(IpAddr::V6(ipv6::parse_ipv6(text).with_context(|| {
            format!("{text:?} is not an IPv6 address")
        })?))
    } else {
        Ok(IpAddr::V4(ipv4::parse_ipv4(text).with_context(|| {
            format!("{text:?} is not an IPv4 address")
        })?))
    }
}

/// A mask written as 255.255.255.0, /24 or 24.
fn parse_v4_mask(text: &str) -> Result<Ipv4Addr> {
    let text = text.trim();
    if text.contains('.') {
        let mask = ipv4::parse_ipv4(text).with_context(|| format!("{text:?} is not a netmask"))?;
        // Validate: a netmask must be ones then zeros.
        ipv4net::netmask_to_prefix(mask)?;
        Ok(mask)
    } else {
        let prefix = parse_prefix(text, 32)?;
        Ok(ipv4net::prefix_to_netmask(prefix)?)
    }
}

/// A prefix written as /24 or 24, at most `max`.
fn parse_prefix(text: &str, max: u8) -> Result<u8> {
    let digits = text.trim().trim_start_matches('/');
    let prefix: u8 = digits
        .parse()
        .with_context(|| format!("{text:?} is not a prefix length (a number from 0 to {max})"))?;
    if prefix > max {
        bail!("prefix /{prefix} is too long: the longest is /{max}");
    }
    Ok(prefix)
}
