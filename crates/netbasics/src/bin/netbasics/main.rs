//! `netbasics`: the lesson 1-2 toolbox (addresses, subnets, ports, MAC, encodings,
//! name resolution, interfaces, ping, ARP).
//!
//! Each subcommand lives in a file named for its idea; this file only parses the
//! command line and reports errors (exit 1 with `error: ...`, as every program here does).

mod cmd_ip;
mod cmd_mac;
mod cmd_port;
mod cmd_subnet;
mod cmd_system;
mod cmd_text;

use clap::{Parser, Subcommand};

/// IP addresses, subnets, ports, MAC addresses and text encodings, worked out by hand.
#[derive(Parser)]
#[command(name = "netbasics", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Report on an IPv4/IPv6 address or network (class, network, broadcast, hosts, ...).
    Ip(cmd_ip::IpArgs),
    /// Split a network into smaller subnets of a given prefix length.
    Subnets(cmd_subnet::SubnetsArgs),
    /// Tell whether two addresses are in the same subnet under a netmask.
    SameSubnet(cmd_subnet::SameSubnetArgs),
    /// Summarise a list of networks into the fewest covering networks.
    Summarize(cmd_subnet::SummarizeArgs),
    /// Classify a port number and name the services that use it.
    Port(cmd_port::PortArgs),
    /// Take a MAC address apart: OUI, NIC part, unicast/multicast, universal/local.
    Mac(cmd_mac::MacArgs),
    /// Turn text into bytes (shown as hex) in an encoding.
    Encode(cmd_text::EncodeArgs),
    /// Turn bytes (given as hex) back into text in an encoding.
    Decode(cmd_text::DecodeArgs),
    /// Show mojibake: text written in one encoding and read in another.
    Mojibake(cmd_text::MojibakeArgs),
    /// Resolve a host name with the system resolver and show matching hosts-file lines.
    Resolve(cmd_system::ResolveArgs),
    /// List this machine's network interfaces with addresses, prefixes and MACs.
    Interfaces(cmd_system::InterfacesArgs),
    /// Send ICMP echo requests and print the round-trip times.
    Ping(cmd_system::PingArgs),
    /// Show the ARP / neighbour cache (IP address -> MAC address).
    Arp(cmd_system::ArpArgs),
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ip(args) => cmd_ip::run(&args),
        Command::Subnets(args) => cmd_subnet::run_subnets(&args),
        Command::SameSubnet(args) => cmd_subnet::run_same_subnet(&args),
        Command::Summarize(args) => cmd_subnet::run_summarize(&args),
        Command::Port(args) => cmd_port::run(&args),
        Command::Mac(args) => cmd_mac::run(&args),
        Command::Encode(args) => cmd_text::run_encode(&args),
        Command::Decode(args) => cmd_text::run_decode(&args),
        Command::Mojibake(args) => cmd_text::run_mojibake(&args),
        Command::Resolve(args) => cmd_system::run_resolve(&args),
        Command::Interfaces(args) => cmd_system::run_interfaces(&args),
        Command::Ping(args) => cmd_system::run_ping(&args),
        Command::Arp(args) => cmd_system::run_arp(&args),
    };
    netbasics::cli::exit_on_error(result);
}
