//! `ipmsg entry`: announce ourselves (BR_ENTRY), list who answers (ANSENTRY), then say
//! goodbye (BR_EXIT).

use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;

use anyhow::{Context, Result};
use udp_chat::answer::Local;
use udp_chat::broadcast;
use udp_chat::ipmsg::command::{opt, Mode};
use udp_chat::ipmsg::packet::{Packet, PacketNumbers};
use udp_chat::ipmsg::reply::Identity;
use udp_chat::ipmsg::show::printable;
use udp_chat::socket::Options;

use super::{
    answer_packet, client_socket, describe, encode_or_exit, parse_or_report, receive_for, resolve,
    Args, EntryArgs,
};

/// A member who answered `entry`.
struct Member {
    addr: SocketAddr,
    user: String,
    host: String,
    nickname: String,
    group: String,
}

/// `ipmsg entry`: BR_ENTRY, collect ANSENTRY answers, BR_EXIT.
///
/// Why BR_EXIT at the end: every client that heard our BR_ENTRY has added us to its
/// member list. A program that then quits without a word would stay there as a ghost
/// that never answers; BR_EXIT is how IP Messenger itself says goodbye when it closes.
pub(super) fn entry(args: &Args, entry_args: &EntryArgs, me: &Identity) -> Result<()> {
    let mut numbers = PacketNumbers::from_clock();
    let mut hello = Packet::entry(numbers.next_number(), &me.user, &me.host, &me.nickname)
        .with_option(opt::CAPUTF8OPT);
    let mut bye = Packet::exit(numbers.next_number(), &me.user, &me.host, &me.nickname);
    if me.utf8 {
        hello = hello.with_option(opt::UTF8OPT);
        bye = bye.with_option(opt::UTF8OPT);
    }
    let hello_bytes = encode_or_exit(&hello, args.encoding);
    let bye_bytes = encode_or_exit(&bye, args.encoding);

    let target = resolve(&entry_args.to)?;
    // 1. socket, with SO_BROADCAST: without it, sendto a broadcast address is refused.
    let options = Options {
        broadcast: true,
        ..Options::default()
    };
    let socket = client_socket(args, target, &options)?;
    // 3. sendto: "I am here" (a broadcast address is fine: SO_BROADCAST is set).
    broadcast::send(&socket, &hello_bytes, target)
        .with_context(|| format!("sending BR_ENTRY to {target}"))?;
    if !args.quiet {
        eprintln!(
            "ipmsg: sent BR_ENTRY to {target}; collecting answers for {} s",
            entry_args.wait.as_secs_f64()
        );
    }

    let members = collect_answers(&socket, entry_args, me, &mut numbers, args)?;

    // 3. sendto again: "I am leaving", so nobody keeps us in their list.
    broadcast::send(&socket, &bye_bytes, target)
        .with_context(|| format!("sending BR_EXIT to {target}"))?;
    print_members(&members);
    // 4. close: the socket is dropped here.
    Ok(())
}

/// Receives until `--wait` has passed (or `--expect` members answered), keeping every
/// ANSENTRY and answering what a client answers.
fn collect_answers(
    socket: &UdpSocket,
    entry_args: &EntryArgs,
    me: &Identity,
    numbers: &mut PacketNumbers,
    args: &Args,
) -> Result<Vec<Member>> {
    let mut members: Vec<Member> = Vec::new();
    // Bound by the first sendto, to a port the system picked.
    let local = socket
        .local_addr()
        .context("reading the address the socket is bound to")?;
    let us = Local::new(local).sharing_port();
    receive_for(socket, entry_args.wait, |from, bytes| {
        let Some(packet) = parse_or_report(bytes, from, args) else {
            return ControlFlow::Continue(());
        };
        // Polite, as every client is (the list is what `entry` is for).
        answer_packet(socket, &us, &packet, from, me, numbers, args);
        if packet.command.mode() == Mode::AnsEntry && !members.iter().any(|m| m.addr == from) {
            members.push(Member {
                addr: from,
                group: packet.group(args.encoding).unwrap_or_default(),
                user: packet.user,
                host: packet.host,
                nickname: packet.extension,
            });
            if entry_args.expect == Some(members.len() as u64) {
                return ControlFlow::Break(());
            }
        } else if !args.quiet {
            eprintln!("ipmsg: {}", describe(&packet, from, args.encoding));
        }
        ControlFlow::Continue(())
    })
    .context("receiving the answers")?;
    Ok(members)
}

/// The members as an aligned table.
fn print_members(members: &[Member]) {
    if members.is_empty() {
        println!("nobody answered");
        return;
    }
    let rows: Vec<[String; 5]> = members
        .iter()
        .map(|m| {
            // Every field but the address was written by the member: escaped.
            [
                m.addr.to_string(),
                printable(&m.user),
                printable(&m.host),
                printable(&m.nickname),
                printable(&m.group),
            ]
        })
        .collect();
    let header = ["ADDRESS", "USER", "HOST", "NICKNAME", "GROUP"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", line.join("  ").trim_end());
    }
    println!(
        "{} answered",
        netbasics::cli::plural(members.len() as u64, "member")
    );
}
