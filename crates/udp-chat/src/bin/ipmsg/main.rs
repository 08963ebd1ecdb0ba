//! `ipmsg`: talk to IP Messenger and FeiQ (飞秋) clients on UDP port 2425.
//!
//! ```text
//! ipmsg listen                              # answer and show messages on 127.0.0.1:2425
//! ipmsg listen --bind 0.0.0.0               # ... on every network (to be seen by FeiQ)
//! ipmsg send 127.0.0.1 你好                  # a message with a receipt, in GBK
//! ipmsg --utf8 send 127.0.0.1:2425 你好      # the same, in UTF-8 (UTF8OPT)
//! ipmsg send 127.0.0.1 hi --no-check        # the course's packet: no receipt asked
//! ipmsg entry                               # who is on the network? (broadcast)
//! ipmsg entry --to 192.168.1.255:2425       # ... on one network (directed broadcast)
//! ```
//!
//! `listen` prints `listening on IP:PORT` first, then one line per message and per member
//! who comes or goes; problems (malformed packets, text that is not valid in its
//! encoding) and notes go to standard error. Everything a packet says is printed with
//! its control and invisible characters escaped ([`udp_chat::ipmsg::show`]): the sender
//! chose those bytes, and must not be able to print a line of its own, make a line look
//! other than it is, or send the terminal commands. `send` and `entry` send from a port
//! the system chooses (the course's sender does not `bind` either), so they work beside
//! a listener on 2425; answers come back to that port, because a client always answers
//! the address a packet came from (unless an answer there could start a loop:
//! `udp_chat::answer`).
//!
//! The course's four steps are marked in the code: 1. socket, 2. bind (optional),
//! 3. sendto the FeiQ string / recvfrom, 4. close.
//!
//! This file reads the command line and holds what the three subcommands share; each
//! subcommand is a file of its own: [`send`], [`listen`], [`entry`].

mod entry;
mod listen;
mod send;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{value_parser, Args as ClapArgs, CommandFactory, Parser, Subcommand};
use netbasics::server_addr::{AddrError, ServerAddr};
use netbasics::text::{needs_escape, python_bytes_repr, Encoding};
use udp_chat::answer::{should_answer, Local};
use udp_chat::broadcast;
use udp_chat::cli::seconds;
use udp_chat::datagram::RecvError;
use udp_chat::ipmsg::command::{opt, Mode};
use udp_chat::ipmsg::packet::{packet_encoding, Packet, PacketError, PacketNumbers, DEFAULT_PORT};
use udp_chat::ipmsg::reply::{answer, Identity};
use udp_chat::ipmsg::show::printable;
use udp_chat::socket::{self, Options};

/// The receive buffer: one datagram of any size fits (a UDP datagram carries at most
/// 65,507 bytes over IPv4), so nothing is ever cut short; longer packets are then
/// refused by the parser.
const RECV_BUFFER: usize = 65_536;

/// IP Messenger / FeiQ client: send messages with receipts, listen, list members.
#[derive(Parser)]
#[command(name = "ipmsg", version)]
struct Args {
    #[command(subcommand)]
    command: Cmd,
    /// The local port: for `listen` the port to receive on (default 2425; 0 lets the
    /// system choose); for `send` and `entry` the port to send from (default: any).
    #[arg(long, global = true)]
    port: Option<u16>,
    /// The local address: for `listen` default 127.0.0.1 (this machine only; 0.0.0.0 to
    /// hear the network and its broadcasts); for `send` and `entry` default: any.
    #[arg(long, global = true)]
    bind: Option<IpAddr>,
    /// Our user name (field 3 of every packet). Default: $USER.
    #[arg(long, global = true, value_parser = header_field)]
    user: Option<String>,
    /// Our host name (field 4). Default: this machine's name.
    #[arg(long, global = true, value_parser = header_field)]
    host: Option<String>,
    /// Our nickname, shown in member lists. Default: the user name.
    #[arg(long, global = true, value_parser = text_field)]
    nick: Option<String>,
    /// The encoding of packets without UTF8OPT (GBK: Chinese Windows, FeiQ). It must
    /// write ASCII as plain ASCII bytes (so not utf-16 or utf-8-sig): the fields are
    /// split at the byte ':'.
    #[arg(long, global = true, default_value = "gbk", value_parser = encoding)]
    encoding: Encoding,
    /// Write our packets in UTF-8 and mark them with UTF8OPT.
    #[arg(long, global = true)]
    utf8: bool,
    /// Print only errors on standard error.
    #[arg(short, long, global = true)]
    quiet: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Send a message (SENDMSG) and wait for its receipt (RECVMSG).
    Send(SendArgs),
    /// Receive: answer entries and messages, print messages and members.
    Listen(ListenArgs),
    /// Announce ourselves (BR_ENTRY), list who answers (ANSENTRY), then say goodbye (BR_EXIT).
    Entry(EntryArgs),
}

#[derive(ClapArgs)]
struct SendArgs {
    /// Where to: HOST or HOST:PORT (port 2425 if left out).
    #[arg(value_name = "HOST[:PORT]", value_parser = target)]
    to: ServerAddr,
    /// The text of the message.
    message: String,
    /// Do not ask for a receipt (the course's command 32): send once and finish.
    #[arg(long)]
    no_check: bool,
    /// How many times to send again when no receipt comes (so at most N+1 tries).
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = value_parser!(u32).range(0..=100))]
    retries: u32,
    /// How long to wait for the receipt after each try, in seconds (e.g. 0.5).
    #[arg(long, value_name = "SECS", default_value = "2", value_parser = seconds)]
    timeout: Duration,
}

#[derive(ClapArgs)]
struct ListenArgs {
    /// Exit after this many messages.
    #[arg(long, value_name = "N", value_parser = value_parser!(u64).range(1..))]
    count: Option<u64>,
}

#[derive(ClapArgs)]
struct EntryArgs {
    /// Where to announce: a broadcast address (the whole network) or one host.
    #[arg(long, value_name = "HOST[:PORT]", default_value = "255.255.255.255:2425",
          value_parser = target)]
    to: ServerAddr,
    /// How long to collect answers, in seconds.
    #[arg(long, value_name = "SECS", default_value = "3", value_parser = seconds)]
    wait: Duration,
    /// Stop as soon as this many members have answered.
    #[arg(long, value_name = "N", value_parser = value_parser!(u64).range(1..))]
    expect: Option<u64>,
}

/// `HOST[:PORT]`, with IP Messenger's port when there is none.
fn target(text: &str) -> Result<ServerAddr, AddrError> {
    match text.parse() {
        Err(AddrError::NoPort(_)) => format!("{text}:{DEFAULT_PORT}").parse(),
        // A bare IPv6 address: its colons are not a port.
        Err(AddrError::Ipv6WithoutBrackets(_)) if text.parse::<Ipv6Addr>().is_ok() => {
            format!("[{text}]:{DEFAULT_PORT}").parse()
        }
        other => other,
    }
}

/// An encoding name, for an encoding packets can be written in (see [`packet_encoding`]).
fn encoding(text: &str) -> Result<Encoding, String> {
    let encoding: Encoding = text.parse().map_err(|e| format!("{e}"))?;
    packet_encoding(encoding).map_err(|e| e.to_string())
}

/// Text for the user and host fields: no ':' (it separates the fields) and no NUL.
fn header_field(text: &str) -> Result<String, String> {
    if text.contains(':') {
        return Err("':' separates the fields of a packet: choose a name without it".into());
    }
    text_field(text)
}

/// Text for a nickname: no NUL (it ends the text).
fn text_field(text: &str) -> Result<String, String> {
    if text.contains('\0') {
        return Err("a NUL character ends the text in this protocol".into());
    }
    Ok(text.to_string())
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    let me = identity(&args);
    let result = match &args.command {
        Cmd::Send(send_args) => send::send(&args, send_args, &me),
        Cmd::Listen(listen_args) => listen::listen(&args, listen_args, &me),
        Cmd::Entry(entry_args) => entry::entry(&args, entry_args, &me),
    };
    netbasics::cli::exit_on_error(result);
}

/// Who we say we are, from the options or the environment.
fn identity(args: &Args) -> Identity {
    let user = args.user.clone().unwrap_or_else(|| {
        let name = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_default();
        clean_name(&name, "student")
    });
    let host = args.host.clone().unwrap_or_else(|| {
        let name = std::env::var("HOSTNAME")
            .or_else(|_| std::env::var("COMPUTERNAME"))
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .unwrap_or_default();
        clean_name(name.trim(), "udp-chat")
    });
    let nickname = args.nick.clone().unwrap_or_else(|| user.clone());
    Identity {
        user,
        host,
        nickname,
        utf8: args.utf8,
    }
}

/// A name from the environment, made safe for a header field.
fn clean_name(name: &str, fallback: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c == ':' || needs_escape(c) { '-' } else { c })
        .collect();
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Encodes a packet we are about to send; a text the encoding cannot write is the
/// user's choice, so it is a usage error (exit 2), reported before anything is sent.
fn encode_or_exit(packet: &Packet, encoding: Encoding) -> Vec<u8> {
    match packet.encode_in(encoding) {
        Ok(bytes) => bytes,
        Err(e) => Args::command().error(ErrorKind::ValueValidation, e).exit(),
    }
}

/// The first address `to` stands for.
fn resolve(to: &ServerAddr) -> Result<SocketAddr> {
    let addrs = to
        .resolve()
        .with_context(|| format!("looking up {}", to.host()))?;
    // Prefer IPv4: IP Messenger and FeiQ are IPv4 programs.
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addrs.first())
        .copied()
        .with_context(|| format!("{} has no address", to.host()))
}

/// Steps 1 and 2 for a client: a socket for `target`'s family, bound only if asked.
fn client_socket(args: &Args, target: SocketAddr, options: &Options) -> Result<UdpSocket> {
    let socket = match (args.bind, args.port) {
        // 1. socket(AF_INET, SOCK_DGRAM); no bind: the first sendto picks a free port.
        (None, None) => socket::unbound(target, options)?,
        // 1. socket, 2. bind: only when a local address or port is asked for.
        (bind, port) => {
            let ip = bind.unwrap_or(match target {
                SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            });
            socket::bind(SocketAddr::new(ip, port.unwrap_or(0)), options)?
        }
    };
    Ok(socket)
}

/// Step 3, recvfrom, for `wait` or until `on_datagram` breaks: the lesson's
/// [`broadcast::collect_replies`] (a read timeout, no polling), carrying on past the
/// "connection reset" with which Windows reports that an earlier datagram found nobody
/// listening.
fn receive_for(
    socket: &UdpSocket,
    wait: Duration,
    mut on_datagram: impl FnMut(SocketAddr, &[u8]) -> ControlFlow<()>,
) -> Result<()> {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match broadcast::collect_replies(socket, left, |got, bytes| on_datagram(got.from, bytes)) {
            // The time is up, or `on_datagram` has what it waited for.
            Ok(_) => return Ok(()),
            Err(RecvError::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {
                eprintln!("ipmsg: an earlier datagram found nobody listening ({e})");
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A received packet, its text read leniently; `None` (and a line on standard error) for
/// a datagram that is not a packet. Text that is not valid in its encoding is reported
/// on standard error and shown as `\xNN`: the packet is still answered.
fn parse_or_report(bytes: &[u8], from: SocketAddr, args: &Args) -> Option<Packet> {
    match Packet::parse_lossy(bytes, args.encoding) {
        Ok((packet, bad_text)) => {
            report_bad_text(&bad_text, packet.packet_no, from);
            Some(packet)
        }
        Err(e) => {
            eprintln!(
                "ipmsg: {from}: malformed packet ignored: {e}; it was {}",
                preview(bytes)
            );
            None
        }
    }
}

/// Step 3, sendto: the answer a client owes `packet` ([`answer`]: ANSENTRY, a receipt,
/// SENDINFO), if one is due, back to `peer`; failures are reported, not fatal.
///
/// Not to a source an automatic answer could loop with ([`should_answer`]: ourselves,
/// port 0, a system port such as echo's 7, which would answer our answer). Between two
/// IP Messenger clients no loop can start anyway: an answer is never answered (see
/// `udp_chat::ipmsg::reply`), which is why `us` shares its port with every member.
fn answer_packet(
    socket: &UdpSocket,
    us: &Local,
    packet: &Packet,
    peer: SocketAddr,
    me: &Identity,
    numbers: &mut PacketNumbers,
    args: &Args,
) {
    let Some(reply) = answer(packet, me, numbers.next_number()) else {
        return;
    };
    if let Err(why) = should_answer(peer, us) {
        if !args.quiet {
            eprintln!("ipmsg: {peer}: {} not sent: {why}", reply.command);
        }
        return;
    }
    match reply.encode_in(args.encoding) {
        Ok(bytes) => {
            if let Err(e) = socket.send_to(&bytes, peer) {
                eprintln!(
                    "ipmsg: {peer}: could not answer with {}: {e}",
                    reply.command
                );
            }
        }
        Err(e) => eprintln!("ipmsg: {peer}: could not build the answer: {e}"),
    }
}

/// One warning per field whose text had bytes that are not text in its encoding,
/// naming the packet by its number.
fn report_bad_text(bad_text: &[PacketError], packet_no: u64, from: SocketAddr) {
    for warning in bad_text {
        eprintln!("ipmsg: {from}: warning: packet {packet_no}: {warning}; shown as \\xNN");
    }
}

/// The start of a datagram as Python would print it, for error messages.
fn preview(bytes: &[u8]) -> String {
    const SHOWN: usize = 60;
    if bytes.len() > SHOWN {
        format!(
            "{}... ({} bytes)",
            python_bytes_repr(&bytes[..SHOWN]),
            bytes.len()
        )
    } else {
        python_bytes_repr(bytes)
    }
}

/// One line for a packet: `[12:00:00 UTC] user@host (ip:port): text`, every field the
/// sender wrote shown with its control characters escaped.
fn describe(packet: &Packet, peer: SocketAddr, encoding: Encoding) -> String {
    let who = format!(
        "[{} UTC] {}@{} ({peer})",
        udp_chat::datagram::utc_time_of_day(SystemTime::now()),
        printable(&packet.user),
        printable(&packet.host)
    );
    let group = packet
        .group(encoding)
        .map(|g| format!(" (group {})", printable(&g)))
        .unwrap_or_default();
    let text = printable(&packet.extension);
    match packet.command.mode() {
        Mode::SendMsg => {
            let files = if packet.command.has(opt::FILEATTACHOPT) {
                " [files attached: not supported here]"
            } else {
                ""
            };
            format!("{who}: {text}{files}")
        }
        Mode::BrEntry => format!("{who} entered as \"{text}\"{group}"),
        Mode::AnsEntry => format!("{who} is here as \"{text}\"{group}"),
        Mode::BrExit => format!("{who} left"),
        Mode::BrAbsence => {
            let away = if packet.command.has(opt::ABSENCEOPT) {
                " (away)"
            } else {
                ""
            };
            format!("{who} is now \"{text}\"{away}")
        }
        Mode::RecvMsg => format!("{who} confirmed message {text}"),
        _ => format!("{who}: {} {text}", packet.command),
    }
}
