//! `ipmsg listen`: receive, answer entries and messages, show messages and members.

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use udp_chat::answer::Local;
use udp_chat::chat::StopSignal;
use udp_chat::echo::ErrorStreak;
use udp_chat::ipmsg::command::Mode;
use udp_chat::ipmsg::packet::{PacketNumbers, DEFAULT_PORT};
use udp_chat::ipmsg::reply::Identity;
use udp_chat::socket::{self, Options};

use super::{answer_packet, describe, parse_or_report, Args, ListenArgs, RECV_BUFFER};

/// How many recent messages `listen` remembers to recognise a resend.
const REMEMBERED: usize = 256;

/// `ipmsg listen`: answer and show what arrives, until Ctrl-C or `--count` messages.
pub(super) fn listen(args: &Args, listen_args: &ListenArgs, me: &Identity) -> Result<()> {
    let ip = args.bind.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    // 1. socket and 2. bind: a receiver must be found, so it binds its port.
    let socket = socket::bind(
        SocketAddr::new(ip, args.port.unwrap_or(DEFAULT_PORT)),
        &Options::default(),
    )?;
    let local = socket
        .local_addr()
        .context("reading the address the socket is bound to")?;
    // Who we are, never to be answered; every member sends from 2425, as we do.
    let us = Local::new(local).sharing_port();

    let stop = Arc::new(StopSignal::new());
    install_ctrl_c(&socket, Arc::clone(&stop))?;

    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;
    if !args.quiet {
        eprintln!(
            "ipmsg: as {}@{} (\"{}\"); text without UTF8OPT read as {}; Ctrl-C stops",
            me.user, me.host, me.nickname, args.encoding
        );
    }

    let mut numbers = PacketNumbers::from_clock();
    let mut recent: VecDeque<(SocketAddr, u64)> = VecDeque::with_capacity(REMEMBERED);
    let mut messages = 0u64;
    let mut buf = vec![0u8; RECV_BUFFER];
    let mut failures = ErrorStreak::default();
    loop {
        // 3. recvfrom: one whole datagram, and who sent it.
        let result = socket.recv_from(&mut buf);
        // Ctrl-C raised the flag and woke us with an empty datagram (chat::StopSignal).
        if stop.is_stopping() {
            break;
        }
        let (n, peer) = match result {
            Ok(received) => received,
            Err(e) => {
                // An ICMP error for an earlier answer (Windows), an interrupted call:
                // about one datagram, not a reason to stop listening; but a socket that
                // fails every time is broken.
                eprintln!("ipmsg: receive failed: {e}");
                if failures.failed() {
                    bail!(
                        "receiving failed {} times in a row; the last error: {e}",
                        failures.in_a_row()
                    );
                }
                continue;
            }
        };
        failures.succeeded();
        // The number and command must be right; text that is not valid in its encoding
        // is shown as \xNN and reported, and the packet is still answered: the message
        // did arrive, and without its receipt the sender would send it again.
        let Some(packet) = parse_or_report(&buf[..n], peer, args) else {
            continue;
        };
        // Answer first: the sender is waiting for it.
        answer_packet(&socket, &us, &packet, peer, me, &mut numbers, args);
        if packet.command.mode() == Mode::SendMsg {
            let key = (peer, packet.packet_no);
            if recent.contains(&key) {
                if !args.quiet {
                    eprintln!(
                        "ipmsg: {peer}: message {} again (its receipt was lost?), not shown twice",
                        packet.packet_no
                    );
                }
                continue;
            }
            if recent.len() == REMEMBERED {
                recent.pop_front();
            }
            recent.push_back(key);
            messages += 1;
        }
        println!("{}", describe(&packet, peer, args.encoding));
        if packet.command.mode() == Mode::SendMsg && Some(messages) == listen_args.count {
            break;
        }
    }
    // 4. close: dropping the socket releases the port.
    if !args.quiet {
        eprintln!(
            "ipmsg: stopped after {}",
            netbasics::cli::plural(messages, "message")
        );
    }
    Ok(())
}

/// On Ctrl-C: stop the listener the way the chat stops its receiving thread
/// ([`StopSignal`]: a flag, and an empty datagram to our own socket to wake its
/// `recvfrom`), so it ends normally (exit 0) instead of being killed.
fn install_ctrl_c(socket: &UdpSocket, stop: Arc<StopSignal>) -> Result<()> {
    let waker = socket
        .try_clone()
        .context("cloning the socket for Ctrl-C")?;
    ctrlc::set_handler(move || {
        // If the wake-up fails, the flag is up: the listener stops at the next datagram.
        let _ = stop.stop(&waker);
    })
    .context("installing the Ctrl-C handler")
}
