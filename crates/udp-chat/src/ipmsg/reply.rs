//! What a polite IP Messenger client answers, packet by packet.
//!
//! | received                         | answer                                      |
//! |----------------------------------|---------------------------------------------|
//! | BR_ENTRY ("I am here")           | ANSENTRY with our nickname                  |
//! | SENDMSG with SENDCHECKOPT        | RECVMSG whose extension is its packet number|
//! | ... but also BROADCASTOPT or AUTORETOPT | nothing (see below)                  |
//! | GETINFO ("what program is this") | SENDINFO naming this program                |
//! | anything else                    | nothing                                     |
//!
//! Answers go back to the address the packet came from (the caller's job): that is where
//! the sender waits, whatever port it sends from.
//!
//! # Messages that get no receipt
//!
//! IP Messenger's own client sends RECVMSG for a SENDMSG with SENDCHECKOPT only when the
//! message has neither BROADCASTOPT nor AUTORETOPT; its header `ipmsg.h` names the pair
//! `IPMSG_NO_REPLY_OPTS`. A message broadcast to the whole network would otherwise bring
//! one receipt from every member at the same moment, and an automatic answer (an away
//! message) that asked for a receipt could set two away-clients answering each other.
//!
//! # Why two clients can never answer each other for ever
//!
//! Every answer in the table (ANSENTRY, RECVMSG, SENDINFO) is itself in the last row:
//! it gets no answer. So a datagram, forged or not, draws at most one answer, and the
//! conversation ends there, even between two clients that both send from port 2425 (the
//! tests check every mode and option). The program adds the workspace's rule against
//! loops on top ([`crate::answer::should_answer`]): no answer to itself, to port 0 or to
//! a system port, where a service such as echo would answer the answer.

use super::command::{opt, Command, Mode};
use super::packet::Packet;

/// Who we are on the network: the user, host and nickname our packets carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user (login) name, field 3 of every packet.
    pub user: String,
    /// The host (computer) name, field 4.
    pub host: String,
    /// The name shown in other people's member lists (the extension of entries).
    pub nickname: String,
    /// Whether we write our text as UTF-8 (with UTF8OPT) even to peers that did not
    /// write to us in UTF-8.
    pub utf8: bool,
}

/// The options that take away a SENDMSG's right to a receipt, even with SENDCHECKOPT
/// (IP Messenger's `IPMSG_NO_REPLY_OPTS`).
pub const NO_RECEIPT: u32 = opt::BROADCASTOPT | opt::AUTORETOPT;

/// What [`answer`] says about this program in a SENDINFO.
pub const CLIENT_INFO: &str = concat!("udp-chat ipmsg ", env!("CARGO_PKG_VERSION"));

/// The answer to `received`, numbered `packet_no`, or `None` when none is due.
///
/// Answers are in UTF-8 (UTF8OPT) when we are set to UTF-8, when the packet itself was
/// UTF-8, or when its sender says it reads UTF-8 (CAPUTF8OPT), as IP Messenger does;
/// entry answers also say that we read UTF-8 (CAPUTF8OPT).
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::packet::Packet;
/// use udp_chat::ipmsg::reply::{answer, Identity};
///
/// let me = Identity { user: "me".into(), host: "pc".into(), nickname: "Me".into(), utf8: false };
///
/// let message = Packet::parse(b"1:123123:u:h:288:hi").unwrap();
/// let receipt = answer(&message, &me, 9).unwrap();
/// assert_eq!(receipt.encode().unwrap(), b"1:9:me:pc:33:123123");
///
/// let entry = Packet::parse(b"1:5:u:h:1:You").unwrap();
/// let hello = answer(&entry, &me, 10).unwrap();
/// assert_eq!(hello.command.to_string(), "ANSENTRY|CAPUTF8OPT");
///
/// // The course's "32" asks for no receipt.
/// assert_eq!(answer(&Packet::parse(b"1:1:u:h:32:haha").unwrap(), &me, 11), None);
/// ```
pub fn answer(received: &Packet, me: &Identity, packet_no: u64) -> Option<Packet> {
    let reply = match received.command.mode() {
        Mode::BrEntry => Packet::answer_entry(packet_no, &me.user, &me.host, &me.nickname)
            .with_option(opt::CAPUTF8OPT),
        // Not for BROADCASTOPT or AUTORETOPT: IP Messenger's IPMSG_NO_REPLY_OPTS (module docs).
        Mode::SendMsg if received.wants_receipt() && !received.command.has_any(NO_RECEIPT) => {
            Packet::receipt(packet_no, &me.user, &me.host, received.packet_no)
        }
        Mode::GetInfo => Packet::new(
            packet_no,
            &me.user,
            &me.host,
            Command::new(Mode::SendInfo, 0),
            CLIENT_INFO,
        ),
        _ => return None,
    };
    let utf8 =
        me.utf8 || received.command.has(opt::UTF8OPT) || received.command.has(opt::CAPUTF8OPT);
    Some(if utf8 {
        reply.with_option(opt::UTF8OPT)
    } else {
        reply
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn me(utf8: bool) -> Identity {
        Identity {
            user: "me".into(),
            host: "pc".into(),
            nickname: "我".into(),
            utf8,
        }
    }

    #[test]
    fn entry_is_answered_with_our_nickname() {
        let entry = Packet::entry(1, "u", "h", "You");
        let reply = answer(&entry, &me(false), 2).unwrap();
        assert_eq!(reply.command.mode(), Mode::AnsEntry);
        assert_eq!(reply.extension, "我");
        assert_eq!(reply.encode().unwrap(), b"1:2:me:pc:16777219:\xce\xd2");
    }

    #[test]
    fn utf8_is_used_when_the_peer_reads_it() {
        let entry = Packet::entry(1, "u", "h", "You").with_option(opt::CAPUTF8OPT);
        let reply = answer(&entry, &me(false), 2).unwrap();
        assert!(reply.command.is_utf8());
        let message = Packet::message(1, "u", "h", "x").with_option(opt::UTF8OPT);
        assert!(answer(&message, &me(false), 2).unwrap().command.is_utf8());
        let plain = Packet::message(1, "u", "h", "x");
        assert!(!answer(&plain, &me(false), 2).unwrap().command.is_utf8());
        assert!(answer(&plain, &me(true), 2).unwrap().command.is_utf8());
    }

    #[test]
    fn receipt_names_the_message() {
        let message = Packet::message(123_456_789_012, "u", "h", "x");
        let reply = answer(&message, &me(false), 3).unwrap();
        assert_eq!(reply.receipt_for(), Some(123_456_789_012));
    }

    #[test]
    fn broadcast_and_automatic_messages_get_no_receipt() {
        let base = Packet::message(1, "u", "h", "x");
        assert!(base.wants_receipt());
        for option in [opt::BROADCASTOPT, opt::AUTORETOPT, NO_RECEIPT] {
            let p = base.clone().with_option(option);
            assert_eq!(answer(&p, &me(false), 2), None, "{}", p.command);
        }
        // 0x520 = SENDMSG|SENDCHECKOPT|BROADCASTOPT, as it arrives.
        let p = Packet::parse(b"1:5:u:h:1312:to everyone").unwrap();
        assert_eq!(answer(&p, &me(false), 2), None);
        // MULTICASTOPT (the same message to a chosen few) is still confirmed.
        let p = base.with_option(opt::MULTICASTOPT);
        assert!(answer(&p, &me(false), 2).is_some());
    }

    #[test]
    fn getinfo_is_answered() {
        let ask = Packet::new(1, "u", "h", Command::new(Mode::GetInfo, 0), "");
        let reply = answer(&ask, &me(false), 3).unwrap();
        assert_eq!(reply.command.mode(), Mode::SendInfo);
        assert_eq!(reply.extension, CLIENT_INFO);
    }

    /// Every mode, with the options that change answers: the answer, if any, is never
    /// answered.
    #[test]
    fn an_answer_is_never_answered() {
        let options = [
            0,
            opt::SENDCHECKOPT,
            opt::UTF8OPT | opt::CAPUTF8OPT,
            opt::SENDCHECKOPT | opt::BROADCASTOPT,
            opt::SENDCHECKOPT | opt::AUTORETOPT,
            !0xff, // every option bit
        ];
        for mode in 0..=0xffu32 {
            for options in options {
                let received = Packet::new(1, "u", "h", Command::from_bits(mode | options), "x");
                for utf8 in [false, true] {
                    if let Some(reply) = answer(&received, &me(utf8), 2) {
                        assert_eq!(
                            answer(&reply, &me(utf8), 3),
                            None,
                            "{} answered with {}, which is answered",
                            received.command,
                            reply.command
                        );
                    }
                }
            }
        }
    }

    proptest! {
        /// The same for any command at all.
        #[test]
        fn no_command_starts_a_conversation_of_more_than_one_answer(bits in any::<u32>()) {
            let received = Packet::new(1, "u", "h", Command::from_bits(bits), "x");
            if let Some(reply) = answer(&received, &me(false), 2) {
                prop_assert_eq!(answer(&reply, &me(false), 3), None);
            }
        }
    }

    #[test]
    fn nothing_else_is_answered() {
        for bits in [0x00, 0x02, 0x03, 0x04, 0x20, 0x21, 0x30, 0x7f, 0x101 & !0x1] {
            let p = Packet::new(1, "u", "h", Command::from_bits(bits), "x");
            assert_eq!(answer(&p, &me(false), 2), None, "{bits:#x}");
        }
    }
}
