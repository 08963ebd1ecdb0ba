//! The usual packets, one constructor for each step of the conversation: [`Packet::entry`]
//! (BR_ENTRY, "I am here"), [`Packet::answer_entry`] (ANSENTRY, "I am here too"),
//! [`Packet::message`] (SENDMSG), [`Packet::receipt`] (RECVMSG) and [`Packet::exit`]
//! (BR_EXIT, "I am leaving"). Each is [`Packet::new`] with the right command.

use super::Packet;
use crate::ipmsg::command::{opt, Command, Mode};

impl Packet {
    /// BR_ENTRY: "I am here", broadcast when a client starts; the extension is the nickname.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// assert_eq!(Packet::entry(1, "me", "pc", "Me").encode().unwrap(), b"1:1:me:pc:1:Me");
    /// ```
    pub fn entry(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        nickname: impl Into<String>,
    ) -> Packet {
        Packet::new(
            packet_no,
            user,
            host,
            Command::new(Mode::BrEntry, 0),
            nickname,
        )
    }

    /// ANSENTRY: the answer to a BR_ENTRY, "I am here too"; the extension is the nickname.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// assert_eq!(Packet::answer_entry(2, "me", "pc", "Me").encode().unwrap(), b"1:2:me:pc:3:Me");
    /// ```
    pub fn answer_entry(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        nickname: impl Into<String>,
    ) -> Packet {
        Packet::new(
            packet_no,
            user,
            host,
            Command::new(Mode::AnsEntry, 0),
            nickname,
        )
    }

    /// BR_EXIT: "I am leaving"; the extension is the nickname.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// assert_eq!(Packet::exit(3, "me", "pc", "Me").encode().unwrap(), b"1:3:me:pc:2:Me");
    /// ```
    pub fn exit(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        nickname: impl Into<String>,
    ) -> Packet {
        Packet::new(
            packet_no,
            user,
            host,
            Command::new(Mode::BrExit, 0),
            nickname,
        )
    }

    /// SENDMSG with SENDCHECKOPT: a message whose receiver is asked for a receipt.
    /// Remove the option with [`Command::without`] for a message without one (the
    /// course's `32`).
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// let p = Packet::message(4, "me", "pc", "你好");
    /// assert_eq!(p.command.to_string(), "SENDMSG|SENDCHECKOPT");
    /// assert_eq!(p.encode().unwrap(), b"1:4:me:pc:288:\xc4\xe3\xba\xc3");
    /// ```
    pub fn message(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        text: impl Into<String>,
    ) -> Packet {
        let command = Command::new(Mode::SendMsg, opt::SENDCHECKOPT);
        Packet::new(packet_no, user, host, command, text)
    }

    /// RECVMSG: the receipt for message number `original`, which travels as the
    /// extension.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::packet::Packet;
    ///
    /// let p = Packet::receipt(5, "me", "pc", 4);
    /// assert_eq!(p.encode().unwrap(), b"1:5:me:pc:33:4");
    /// assert_eq!(p.receipt_for(), Some(4));
    /// ```
    pub fn receipt(
        packet_no: u64,
        user: impl Into<String>,
        host: impl Into<String>,
        original: u64,
    ) -> Packet {
        let command = Command::new(Mode::RecvMsg, 0);
        Packet::new(packet_no, user, host, command, original.to_string())
    }
}
