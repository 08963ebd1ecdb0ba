//! `udp-broadcast`: the course's broadcast sender. Sends one datagram to every machine
//! on a network, then prints the replies that come back.
//!
//! ```text
//! udp-broadcast hi                          # to 255.255.255.255:7788 (Python's '<broadcast>')
//! udp-broadcast hi --interface eth0         # to eth0's network broadcast, e.g. 192.168.1.255
//! udp-broadcast hi --to 127.255.255.255     # loopback's broadcast: stays on this machine
//! udp-broadcast hi --wait 5                 # collect replies for 5 seconds
//! udp-broadcast hi --wait 30 --expect 2      # ... or until 2 replies came
//! udp-broadcast hi --to 127.255.255.255 --without-so-broadcast   # see the system refuse
//! ```
//!
//! See `broadcast.rs` for the two kinds of broadcast address and why `SO_BROADCAST` is
//! needed. Receivers must be bound to `0.0.0.0` (`udp-recv --bind 0.0.0.0`) or to the
//! broadcast address itself to get broadcasts.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::ControlFlow;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use netbasics::text::{encode, Encoding};
use udp_chat::broadcast::{self, LIMITED_BROADCAST};
use udp_chat::cli;
use udp_chat::datagram;
use udp_chat::socket::{self, Options};

/// UDP broadcast: one datagram to every machine on a network, then the replies.
#[derive(Parser)]
#[command(name = "udp-broadcast", version)]
struct Args {
    /// The message (one datagram).
    message: String,
    /// The broadcast address: 255.255.255.255 (the default: every machine on the local
    /// network) or a network's own broadcast address, such as 192.168.1.255.
    #[arg(long, value_name = "ADDR", conflicts_with = "interface")]
    to: Option<Ipv4Addr>,
    /// Send to the broadcast address of this interface's network (its first IPv4 address
    /// and netmask), e.g. eth0, or lo for 127.255.255.255.
    #[arg(long, value_name = "NAME")]
    interface: Option<String>,
    /// The port the receivers are bound to.
    #[arg(long, default_value_t = 7788)]
    port: u16,
    /// How long to collect replies, in seconds (0: do not wait).
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = cli::seconds_or_zero)]
    wait: Duration,
    /// Stop as soon as this many replies have come (before --wait runs out).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    expect: Option<u64>,
    /// The encoding of the message and of the replies shown.
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Do not set SO_BROADCAST, to see the system refuse the broadcast (EACCES).
    #[arg(long)]
    without_so_broadcast: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    // Text the encoding cannot write is a usage error: exit 2, like clap's own.
    let data = match encode(&args.message, args.encoding) {
        Ok(data) => data,
        Err(err) => Args::command()
            .error(ErrorKind::ValueValidation, format!("MESSAGE: {err}"))
            .exit(),
    };
    netbasics::cli::exit_on_error(run(&args, &data));
}

fn run(args: &Args, data: &[u8]) -> Result<()> {
    let (address, what) = match (&args.interface, args.to) {
        (Some(name), _) => (
            broadcast::local_interface_broadcast(name)?,
            format!("the broadcast address of {name}'s network"),
        ),
        (None, Some(to)) => (to, "the address given with --to".to_string()),
        // The course writes ('<broadcast>', 7788): Python's name for 255.255.255.255.
        (None, None) => (
            LIMITED_BROADCAST,
            "the limited broadcast: every machine on the local network".to_string(),
        ),
    };
    let to = SocketAddr::new(IpAddr::V4(address), args.port);

    // 1. Create the socket, with SO_BROADCAST (Python: s.setsockopt(SOL_SOCKET,
    //    SO_BROADCAST, 1)): without it the system refuses to send to a broadcast address.
    //    No bind: the replies come back to the port the system picks.
    let options = Options {
        broadcast: !args.without_so_broadcast,
        ..Options::default()
    };
    let udp = socket::unbound(to, &options)?;

    // 3. sendto the broadcast address: one datagram, copied to every machine by the network.
    broadcast::send(&udp, data, to)?;
    let local = udp
        .local_addr()
        .context("reading the socket's local address")?;
    println!(
        "sent {} from port {} to {to} ({what})",
        cli::bytes(data.len()),
        local.port()
    );

    // 3. recvfrom: collect the replies for --wait seconds (the course's loop waits for
    //    ever; this one stops).
    let mut count = 0u64;
    let replies = broadcast::collect_replies(&udp, args.wait, |got, bytes| {
        let line = datagram::received_line(got, bytes, args.encoding, false);
        println!("{line}");
        count += 1;
        if args.expect == Some(count) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .context("collecting replies")?;
    let replies_text = netbasics::cli::plural_with(replies as u64, "reply", "replies");
    if args.expect == Some(replies as u64) {
        println!("{replies_text} (all expected)");
    } else {
        println!("{replies_text} in {} s", args.wait.as_secs_f64());
    }
    // 4. close: dropping the socket closes it.
    Ok(())
}
