//! `udp-send`: the course's UDP sender. Sends each message as one datagram, and can wait
//! for replies.
//!
//! ```text
//! udp-send 127.0.0.1:7788 hello 你好             # two datagrams
//! udp-send 127.0.0.1:7788 你好 --encoding gbk     # the course's data.encode('gbk')
//! udp-send 127.0.0.1:7088 ping --wait-reply 2     # print replies until 2 s pass without one
//! udp-send 127.0.0.1:7088 a b --wait-reply 30 --count 2  # ... or until 2 replies came
//! udp-send 127.0.0.1:7788 hi --bind 127.0.0.1:8788  # send from a fixed port
//! ```
//!
//! Standard output says which local address the datagrams leave from, one line per
//! datagram sent, then one line per reply and how many replies came. (The rule of the
//! lesson's programs: results on standard output, notes and errors on standard error.)
//!
//! Without `--bind`, the system picks the sending port (a random free one) when the socket
//! is first used, so each run comes from a different port; the receiver learns it from
//! `recvfrom` and can reply there. `--bind` fixes it, the course's `s.bind(('', 8788))`.

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use netbasics::server_addr::ServerAddr;
use netbasics::text::{encode, Encoding};
use udp_chat::cli::{self, bytes};
use udp_chat::datagram::{self, RecvError, DEFAULT_BUFFER};
use udp_chat::socket::{self, resolve_peer, Options};

/// UDP sender: each MESSAGE goes as one datagram to HOST:PORT.
#[derive(Parser)]
#[command(name = "udp-send", version)]
struct Args {
    /// Where to send (HOST:PORT).
    #[arg(
        value_name = "HOST:PORT",
        help = "Where to send: IP:PORT, [IPV6]:PORT or NAME:PORT"
    )]
    to: ServerAddr,
    /// The messages: one datagram each (an empty one '' is a valid, empty datagram).
    #[arg(required = true)]
    messages: Vec<String>,
    /// Send from this local IP:PORT instead of a port the system picks.
    #[arg(long, value_name = "IP:PORT")]
    bind: Option<SocketAddr>,
    /// After sending, print replies until SECS seconds pass without one.
    #[arg(long, value_name = "SECS", value_parser = cli::seconds)]
    wait_reply: Option<Duration>,
    /// With --wait-reply: stop as soon as this many replies have come.
    #[arg(long, value_name = "N", requires = "wait_reply",
          value_parser = clap::value_parser!(u64).range(1..))]
    count: Option<u64>,
    /// The encoding of the messages (and of the replies shown).
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Also show the bytes of each message and reply in hex.
    #[arg(long)]
    hex: bool,
    /// Use plain sendto, like the course's Python, instead of connecting the socket
    /// (without connect, "nothing is listening" cannot be detected, and replies are
    /// accepted from any address).
    #[arg(long)]
    no_connect: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    // Text the encoding cannot write is a usage error: exit 2, like clap's own.
    let mut datagrams = Vec::new();
    for message in &args.messages {
        match encode(message, args.encoding) {
            Ok(bytes) => datagrams.push(bytes),
            Err(err) => Args::command()
                .error(ErrorKind::ValueValidation, format!("'{message}': {err}"))
                .exit(),
        }
    }
    netbasics::cli::exit_on_error(run(&args, &datagrams));
}

fn run(args: &Args, datagrams: &[Vec<u8>]) -> Result<()> {
    // The first address of the name, of the --bind address's family when there is one
    // (an IPv4 socket cannot send to an IPv6 address).
    let to = resolve_peer(&args.to, args.bind)?;

    // 1. Create the socket. 2. (optional) bind: only with --bind; otherwise the system
    //    binds a random free port the first time the socket is used.
    let udp = match args.bind {
        Some(local) => socket::bind(local, &Options::default())?,
        None => socket::unbound(to, &Options::default())?,
    };
    // Not a step of the course's: connect() on a UDP socket sends nothing. It records the
    // peer, which makes the system choose the local address and port now (so they can be
    // shown before sending), accept replies from that peer only, and report an ICMP "port
    // unreachable" answer as an error (ECONNREFUSED) instead of dropping it silently.
    if !args.no_connect {
        udp.connect(to)
            .with_context(|| format!("connecting the UDP socket to {to}"))?;
        show_local(&udp, args.bind)?;
    }

    let mut out = io::stdout().lock();
    for (i, data) in datagrams.iter().enumerate() {
        // 3. sendto: one message, one datagram.
        if args.no_connect {
            datagram::send_to(&udp, data, to)?;
            if i == 0 {
                show_local(&udp, args.bind)?;
            }
        } else {
            datagram::send(&udp, data, to)?;
        }
        let mut line = format!("sent {} to {to}", bytes(data.len()));
        if args.hex {
            line.push_str(&format!("  [{}]", netbasics::text::to_hex(data)));
        }
        writeln!(out, "{line}").context("writing to standard output")?;
    }
    out.flush().context("writing to standard output")?;
    drop(out);

    if let Some(wait) = args.wait_reply {
        wait_for_replies(&udp, wait, args)?;
    }
    // 4. close: dropping the socket closes it.
    Ok(())
}

/// Says which local address and port the datagrams leave from, and who chose it.
fn show_local(udp: &UdpSocket, bind: Option<SocketAddr>) -> Result<()> {
    let local = udp
        .local_addr()
        .context("reading the socket's local address")?;
    let who = match bind {
        Some(asked) if asked.port() != 0 => "bound with --bind: the same port every run",
        _ => "port chosen by the system: a different one every run; --bind IP:PORT fixes it",
    };
    // An unconnected socket bound to no address shows 0.0.0.0 (or ::), "any": the system
    // picks the source address for each datagram by the route to its destination.
    let any = if local.ip().is_unspecified() {
        "; the address is picked per datagram"
    } else {
        ""
    };
    println!("sending from {local} ({who}{any})");
    Ok(())
}

/// Prints each reply until `wait` passes without one (or --count replies have come),
/// then how many came. Everything goes to standard output: what was sent, what came
/// back, and the count are the program's results; only errors go to standard error.
fn wait_for_replies(udp: &UdpSocket, wait: Duration, args: &Args) -> Result<()> {
    udp.set_read_timeout(Some(wait))
        .context("setting the reply timeout")?;
    let mut buf = vec![0; DEFAULT_BUFFER];
    let mut replies = 0u64;
    let ended = loop {
        if args.count == Some(replies) {
            break "all expected".to_string();
        }
        match datagram::recv_from(udp, &mut buf) {
            Ok(got) => {
                replies += 1;
                let line = datagram::received_line(&got, &buf[..got.kept], args.encoding, args.hex);
                println!("{line}");
            }
            Err(RecvError::Timeout) => {
                break format!("then {:.1} s without one", wait.as_secs_f64());
            }
            Err(err) => return Err(err.into()),
        }
    };
    println!(
        "{} ({ended})",
        netbasics::cli::plural_with(replies, "reply", "replies")
    );
    Ok(())
}
