//! `ipmsg send`: one message (SENDMSG), and its receipt (RECVMSG) awaited, resent a
//! bounded number of times.

use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use udp_chat::broadcast::{self, BroadcastError};
use udp_chat::ipmsg::command::opt;
use udp_chat::ipmsg::packet::{Packet, PacketNumbers};
use udp_chat::ipmsg::reply::Identity;
use udp_chat::ipmsg::show::printable;
use udp_chat::socket::Options;

use super::{client_socket, encode_or_exit, parse_or_report, receive_for, resolve, Args, SendArgs};

/// `ipmsg send`: SENDMSG, then wait for the RECVMSG that names our packet number.
pub(super) fn send(args: &Args, send_args: &SendArgs, me: &Identity) -> Result<()> {
    let mut numbers = PacketNumbers::from_clock();
    // The course's string, "1:123123:吴彦祖:吴彦祖-pc:32:haha", built field by field.
    let mut packet = Packet::message(
        numbers.next_number(),
        &me.user,
        &me.host,
        &send_args.message,
    );
    if send_args.no_check {
        packet.command = packet.command.without(opt::SENDCHECKOPT);
    }
    if me.utf8 {
        packet = packet.with_option(opt::UTF8OPT);
    }
    let first = encode_or_exit(&packet, args.encoding);
    let retry = encode_or_exit(&packet.clone().with_option(opt::RETRYOPT), args.encoding);

    let target = resolve(&send_args.to)?;
    let socket = client_socket(args, target, &Options::default())?;
    let tries = send_args.retries + 1;

    for attempt in 1..=tries {
        // 3. sendto: the whole packet in one datagram. A resend says so (RETRYOPT) and
        //    keeps the packet number, so the receiver shows the message only once.
        let bytes = if attempt == 1 { &first } else { &retry };
        send_one(&socket, bytes, target)?;
        if send_args.no_check {
            println!(
                "sent message {} to {target} ({} bytes, {}); no receipt asked for",
                packet.packet_no,
                bytes.len(),
                packet.command
            );
            return Ok(());
        }
        if !args.quiet {
            eprintln!(
                "ipmsg: try {attempt}/{tries}: sent message {} to {target} ({} bytes, {})",
                packet.packet_no,
                bytes.len(),
                if attempt == 1 {
                    packet.command
                } else {
                    packet.command.with(opt::RETRYOPT)
                }
            );
        }
        if let Some((receipt, from)) =
            wait_for_receipt(&socket, packet.packet_no, target, send_args.timeout, args)?
        {
            println!(
                "receipt from {}@{} ({from}): message {} arrived",
                printable(&receipt.user),
                printable(&receipt.host),
                packet.packet_no
            );
            // 4. close: the socket is dropped when this function returns.
            return Ok(());
        }
    }
    let tries_text = netbasics::cli::plural_with(u64::from(tries), "try", "tries");
    bail!(
        "no receipt after {tries_text} ({} s each): nothing at {target} confirmed message {} \
         (UDP reports no error when nobody listens: is an IP Messenger or FeiQ client \
         running there?)",
        send_args.timeout.as_secs_f64(),
        packet.packet_no
    )
}

/// Step 3, sendto, for a message to one person. Its socket does not set SO_BROADCAST,
/// so the system refuses a broadcast address ("Permission denied"); that refusal is
/// explained here rather than shown as it is.
fn send_one(socket: &UdpSocket, bytes: &[u8], target: SocketAddr) -> Result<()> {
    match broadcast::send(socket, bytes, target) {
        Ok(()) => Ok(()),
        Err(BroadcastError::NotPermitted { to }) => bail!(
            "{to} is a broadcast address, and `ipmsg send` sends a message to one person and \
             waits for that person's receipt, so its socket does not set SO_BROADCAST and \
             the system refused (\"Permission denied\"); to see who is on that network run \
             `ipmsg entry --to {to}`, then send to one of the addresses it lists"
        ),
        Err(e) => Err(e).with_context(|| format!("sending to {target}")),
    }
}

/// Step 3, recvfrom, until the receipt for message `number` comes from `target` or
/// `timeout` has passed.
///
/// Only the host the message went to can confirm it: a receipt from any other address
/// (a stray or forged packet) is reported and ignored. (Broadcast addresses never get
/// here: [`send_one`] refuses them.) Anything else that arrives meanwhile is reported
/// and ignored.
fn wait_for_receipt(
    socket: &UdpSocket,
    number: u64,
    target: SocketAddr,
    timeout: Duration,
    args: &Args,
) -> Result<Option<(Packet, SocketAddr)>> {
    let mut receipt = None;
    receive_for(socket, timeout, |from, bytes| {
        let Some(packet) = parse_or_report(bytes, from, args) else {
            return ControlFlow::Continue(());
        };
        if packet.receipt_for() != Some(number) {
            if !args.quiet {
                eprintln!(
                    "ipmsg: ignored {} from {from} while waiting",
                    packet.command
                );
            }
            return ControlFlow::Continue(());
        }
        if from.ip() != target.ip() {
            eprintln!(
                "ipmsg: ignored a receipt for message {number} from {from}: the message went \
                 to {target}, so only {} can confirm it",
                target.ip()
            );
            return ControlFlow::Continue(());
        }
        receipt = Some((packet, from));
        ControlFlow::Break(())
    })
    .context("receiving the receipt")?;
    Ok(receipt)
}
