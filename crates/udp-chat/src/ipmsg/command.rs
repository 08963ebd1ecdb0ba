//! The command field of an IP Messenger packet: a *mode* (what the packet is) and
//! *options* (how to treat it), packed into one number.
//!
//! ```text
//!   288 = 0x0000_0120
//!              ||  \__ low byte 0x20: the mode, SENDMSG ("here is a message")
//!              | \____ 0x100: an option, SENDCHECKOPT ("please confirm you got it")
//!   8_388_896 = 0x0080_0120 = SENDMSG | SENDCHECKOPT | UTF8OPT (the text is UTF-8)
//! ```
//!
//! The packet carries the number in decimal (`1:42:me:pc:288:hello`); the course's
//! `32` is SENDMSG with no options at all.
//!
//! # The same bit, two meanings
//!
//! The protocol reuses some option bits: `0x100` is ABSENCEOPT ("I am away") on the
//! entry commands (BR_ENTRY, BR_EXIT, ANSENTRY, BR_ABSENCE) and SENDCHECKOPT ("send a
//! receipt") on SENDMSG; `0x200` is SERVEROPT or SECRETOPT. A [`Command`] therefore keeps
//! the raw bits and only gives them names in the context of its mode: see
//! [`Command::option_names`]. Bits this module has no name for are kept (a packet
//! passed through keeps every bit) and shown as a hexadecimal number.

use std::fmt;

/// Which mode a command has, by name; [`Mode::Other`] keeps any number this module
/// does not know.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::command::Mode;
///
/// assert_eq!(Mode::from_byte(0x20), Mode::SendMsg);
/// assert_eq!(Mode::SendMsg.name(), Some("SENDMSG"));
/// assert_eq!(Mode::from_byte(0x7e), Mode::Other(0x7e));
/// assert_eq!(Mode::Other(0x7e).byte(), 0x7e);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// 0x00: does nothing; a receiver ignores it and answers nothing.
    NoOperation,
    /// 0x01: "I am here": broadcast when a client starts; everyone answers ANSENTRY.
    BrEntry,
    /// 0x02: "I am leaving": broadcast when a client quits; everyone forgets it.
    BrExit,
    /// 0x03: the answer to BR_ENTRY: "I am here too".
    AnsEntry,
    /// 0x04: "my status (away or back) or my nickname changed".
    BrAbsence,
    /// 0x20: a message; the extension is its text.
    SendMsg,
    /// 0x21: the receipt for a SENDMSG with SENDCHECKOPT; the extension is that
    /// message's packet number.
    RecvMsg,
    /// 0x30: "I opened your sealed (SECRETOPT) message".
    ReadMsg,
    /// 0x31: "I threw your sealed message away unread".
    DelMsg,
    /// 0x32: the answer to a READMSG sent with READCHECKOPT.
    AnsReadMsg,
    /// 0x40: "which client program and version are you?".
    GetInfo,
    /// 0x41: the answer to GETINFO; the extension names the program.
    SendInfo,
    /// 0x50: "why are you away?".
    GetAbsenceInfo,
    /// 0x51: the answer to GETABSENCEINFO.
    SendAbsenceInfo,
    /// Any other mode, by number.
    Other(u8),
}

/// The known modes with their numbers and names, in one place so the two directions
/// (byte to mode, mode to byte) cannot disagree.
const MODES: [(Mode, u8, &str); 14] = [
    (Mode::NoOperation, 0x00, "NOOPERATION"),
    (Mode::BrEntry, 0x01, "BR_ENTRY"),
    (Mode::BrExit, 0x02, "BR_EXIT"),
    (Mode::AnsEntry, 0x03, "ANSENTRY"),
    (Mode::BrAbsence, 0x04, "BR_ABSENCE"),
    (Mode::SendMsg, 0x20, "SENDMSG"),
    (Mode::RecvMsg, 0x21, "RECVMSG"),
    (Mode::ReadMsg, 0x30, "READMSG"),
    (Mode::DelMsg, 0x31, "DELMSG"),
    (Mode::AnsReadMsg, 0x32, "ANSREADMSG"),
    (Mode::GetInfo, 0x40, "GETINFO"),
    (Mode::SendInfo, 0x41, "SENDINFO"),
    (Mode::GetAbsenceInfo, 0x50, "GETABSENCEINFO"),
    (Mode::SendAbsenceInfo, 0x51, "SENDABSENCEINFO"),
];

impl Mode {
    /// The mode a command's low byte stands for.
    pub fn from_byte(byte: u8) -> Mode {
        MODES
            .iter()
            .find(|(_, b, _)| *b == byte)
            .map_or(Mode::Other(byte), |(mode, _, _)| *mode)
    }

    /// The low byte of the command.
    pub fn byte(self) -> u8 {
        match self {
            Mode::Other(byte) => byte,
            known => MODES
                .iter()
                .find(|(mode, _, _)| *mode == known)
                .map_or(0, |(_, byte, _)| *byte),
        }
    }

    /// The protocol's name for the mode (`SENDMSG`), or `None` for [`Mode::Other`].
    pub fn name(self) -> Option<&'static str> {
        MODES
            .iter()
            .find(|(mode, _, _)| *mode == self)
            .map(|(_, _, name)| *name)
    }

    /// Whether this is one of the entry commands (BR_ENTRY, BR_EXIT, ANSENTRY,
    /// BR_ABSENCE), whose extension is a nickname and whose option bits 0x100/0x200 mean
    /// ABSENCEOPT/SERVEROPT.
    pub fn is_entry(self) -> bool {
        matches!(
            self,
            Mode::BrEntry | Mode::BrExit | Mode::AnsEntry | Mode::BrAbsence
        )
    }
}

/// The options, as bit masks. Several share a value (see the module docs): use the one
/// that belongs to the mode.
pub mod opt {
    /// Entry commands: "I am away" (absent).
    pub const ABSENCEOPT: u32 = 0x0000_0100;
    /// Entry commands: "I am a server" (a directory/relay, not a person).
    pub const SERVEROPT: u32 = 0x0000_0200;
    /// Any command: the sender is on a dial-up line; answer it directly, not by broadcast.
    pub const DIALUPOPT: u32 = 0x0001_0000;
    /// SENDMSG: files are attached (described after the text's `\0`).
    pub const FILEATTACHOPT: u32 = 0x0020_0000;
    /// SENDMSG: the text is encrypted.
    pub const ENCRYPTOPT: u32 = 0x0040_0000;
    /// Any command: this packet's text is UTF-8 (without it: the sender's local
    /// encoding, GBK for Chinese Windows).
    pub const UTF8OPT: u32 = 0x0080_0000;
    /// Entry commands: "I can read UTF-8 packets".
    pub const CAPUTF8OPT: u32 = 0x0100_0000;
    /// Extended encrypted messages.
    pub const ENCEXTMSGOPT: u32 = 0x0400_0000;
    /// Images pasted from the clipboard are supported/attached.
    pub const CLIPBOARDOPT: u32 = 0x0800_0000;

    /// SENDMSG: "send me a RECVMSG receipt" (same bit as ABSENCEOPT).
    pub const SENDCHECKOPT: u32 = 0x0000_0100;
    /// SENDMSG: a sealed message, opened with a click (same bit as SERVEROPT).
    pub const SECRETOPT: u32 = 0x0000_0200;
    /// SENDMSG: the message was broadcast to everyone.
    pub const BROADCASTOPT: u32 = 0x0000_0400;
    /// SENDMSG: the same message went to several people.
    pub const MULTICASTOPT: u32 = 0x0000_0800;
    /// SENDMSG: an automatic answer (e.g. the away message); never answer it automatically.
    pub const AUTORETOPT: u32 = 0x0000_2000;
    /// SENDMSG: a resend of a message whose receipt did not come.
    pub const RETRYOPT: u32 = 0x0000_4000;
    /// SENDMSG: the sealed message needs a password.
    pub const PASSWORDOPT: u32 = 0x0000_8000;
    /// SENDMSG: do not write this message to the log.
    pub const NOLOGOPT: u32 = 0x0002_0000;
    /// SENDMSG: do not add the sender to the member list.
    pub const NOADDLISTOPT: u32 = 0x0008_0000;
    /// SENDMSG/READMSG: "tell me when it is read" (answered with ANSREADMSG).
    pub const READCHECKOPT: u32 = 0x0010_0000;
}

/// Option names valid with every mode.
const COMMON_OPTIONS: [(u32, &str); 7] = [
    (opt::DIALUPOPT, "DIALUPOPT"),
    (opt::FILEATTACHOPT, "FILEATTACHOPT"),
    (opt::ENCRYPTOPT, "ENCRYPTOPT"),
    (opt::UTF8OPT, "UTF8OPT"),
    (opt::CAPUTF8OPT, "CAPUTF8OPT"),
    (opt::ENCEXTMSGOPT, "ENCEXTMSGOPT"),
    (opt::CLIPBOARDOPT, "CLIPBOARDOPT"),
];

/// Option names for the entry commands.
const ENTRY_OPTIONS: [(u32, &str); 2] = [
    (opt::ABSENCEOPT, "ABSENCEOPT"),
    (opt::SERVEROPT, "SERVEROPT"),
];

/// Option names for SENDMSG and READMSG.
const SEND_OPTIONS: [(u32, &str); 10] = [
    (opt::SENDCHECKOPT, "SENDCHECKOPT"),
    (opt::SECRETOPT, "SECRETOPT"),
    (opt::BROADCASTOPT, "BROADCASTOPT"),
    (opt::MULTICASTOPT, "MULTICASTOPT"),
    (opt::AUTORETOPT, "AUTORETOPT"),
    (opt::RETRYOPT, "RETRYOPT"),
    (opt::PASSWORDOPT, "PASSWORDOPT"),
    (opt::NOLOGOPT, "NOLOGOPT"),
    (opt::NOADDLISTOPT, "NOADDLISTOPT"),
    (opt::READCHECKOPT, "READCHECKOPT"),
];

/// A command: mode in the low byte, options in the bits above.
///
/// # Examples
///
/// ```
/// use udp_chat::ipmsg::command::{opt, Command, Mode};
///
/// let cmd = Command::new(Mode::SendMsg, opt::SENDCHECKOPT | opt::UTF8OPT);
/// assert_eq!(cmd.to_bits(), 0x0080_0120);
/// assert_eq!(cmd.to_string(), "SENDMSG|SENDCHECKOPT|UTF8OPT");
///
/// // The course's "32": SENDMSG, no options.
/// assert_eq!(Command::from_bits(32).to_string(), "SENDMSG");
/// // 0x100 on an entry command is ABSENCEOPT, not SENDCHECKOPT.
/// assert_eq!(Command::from_bits(0x101).to_string(), "BR_ENTRY|ABSENCEOPT");
/// // Unknown modes and bits are kept and shown as numbers.
/// assert_eq!(Command::from_bits(0x1000_007e).to_string(), "0x7e|0x10000000");
/// assert_eq!(Command::from_bits(0x1000_007e).to_bits(), 0x1000_007e);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Command {
    mode: Mode,
    /// Every bit above the low byte, exactly as received.
    options: u32,
}

impl Command {
    /// A command from a mode and option bits (the low byte of `options` is ignored:
    /// it belongs to the mode).
    pub fn new(mode: Mode, options: u32) -> Command {
        Command {
            mode,
            options: options & !0xff,
        }
    }

    /// Splits the number carried in a packet into mode and options.
    pub fn from_bits(bits: u32) -> Command {
        Command {
            mode: Mode::from_byte((bits & 0xff) as u8),
            options: bits & !0xff,
        }
    }

    /// The number to carry in a packet.
    pub fn to_bits(self) -> u32 {
        self.options | u32::from(self.mode.byte())
    }

    /// The mode.
    pub fn mode(self) -> Mode {
        self.mode
    }

    /// The option bits (the low byte is always 0).
    pub fn options(self) -> u32 {
        self.options
    }

    /// Whether every bit of `option` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::command::{opt, Command};
    ///
    /// assert!(Command::from_bits(288).has(opt::SENDCHECKOPT));
    /// assert!(!Command::from_bits(32).has(opt::SENDCHECKOPT));
    /// ```
    pub fn has(self, option: u32) -> bool {
        option & !0xff != 0 && self.options & option == option & !0xff
    }

    /// Whether at least one bit of `options` is set.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::command::{opt, Command};
    ///
    /// let broadcast = Command::from_bits(0x520); // SENDMSG|SENDCHECKOPT|BROADCASTOPT
    /// assert!(broadcast.has_any(opt::BROADCASTOPT | opt::AUTORETOPT));
    /// assert!(!Command::from_bits(288).has_any(opt::BROADCASTOPT | opt::AUTORETOPT));
    /// ```
    pub fn has_any(self, options: u32) -> bool {
        self.options & options & !0xff != 0
    }

    /// The same command with `option` added.
    pub fn with(self, option: u32) -> Command {
        Command::new(self.mode, self.options | option)
    }

    /// The same command with `option` removed.
    pub fn without(self, option: u32) -> Command {
        Command::new(self.mode, self.options & !option)
    }

    /// Whether the packet's text is UTF-8 (UTF8OPT); otherwise it is in the sender's
    /// local encoding.
    pub fn is_utf8(self) -> bool {
        self.has(opt::UTF8OPT)
    }

    /// The names of the set options, as this command's mode reads them, followed by one
    /// hexadecimal number for any bits without a name here.
    ///
    /// # Examples
    ///
    /// ```
    /// use udp_chat::ipmsg::command::Command;
    ///
    /// assert_eq!(Command::from_bits(0x0080_0120).option_names(), ["SENDCHECKOPT", "UTF8OPT"]);
    /// assert_eq!(Command::from_bits(0x0000_0303).option_names(), ["ABSENCEOPT", "SERVEROPT"]);
    /// // RECVMSG gives 0x100 no meaning: shown as a number.
    /// assert_eq!(Command::from_bits(0x0000_0121).option_names(), ["0x100"]);
    /// ```
    pub fn option_names(self) -> Vec<String> {
        let contextual: &[(u32, &str)] = if self.mode.is_entry() {
            &ENTRY_OPTIONS
        } else if matches!(self.mode, Mode::SendMsg | Mode::ReadMsg) {
            &SEND_OPTIONS
        } else {
            &[]
        };
        let mut names = Vec::new();
        let mut rest = self.options;
        // Mode-specific names first (they are the low option bits), then the common ones.
        for (bit, name) in contextual.iter().chain(COMMON_OPTIONS.iter()) {
            if rest & bit != 0 {
                names.push((*name).to_string());
                rest &= !bit;
            }
        }
        if rest != 0 {
            names.push(format!("{rest:#x}"));
        }
        names
    }
}

impl From<u32> for Command {
    fn from(bits: u32) -> Command {
        Command::from_bits(bits)
    }
}

impl From<Command> for u32 {
    fn from(command: Command) -> u32 {
        command.to_bits()
    }
}

impl fmt::Display for Command {
    /// `SENDMSG|SENDCHECKOPT|UTF8OPT`; an unknown mode as `0x7e`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode.name() {
            Some(name) => f.write_str(name)?,
            None => write!(f, "{:#04x}", self.mode.byte())?,
        }
        for name in self.option_names() {
            write!(f, "|{name}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_known_mode_round_trips_through_its_byte() {
        for (mode, byte, name) in MODES {
            assert_eq!(Mode::from_byte(byte), mode);
            assert_eq!(mode.byte(), byte);
            assert_eq!(mode.name(), Some(name));
        }
    }

    #[test]
    fn values_match_the_protocol() {
        assert_eq!(Mode::SendMsg.byte(), 0x20);
        assert_eq!(Mode::RecvMsg.byte(), 0x21);
        assert_eq!(Mode::AnsReadMsg.byte(), 0x32);
        assert_eq!(Mode::SendInfo.byte(), 0x41);
        assert_eq!(opt::UTF8OPT, 0x80_0000);
        assert_eq!(opt::FILEATTACHOPT, 0x20_0000);
        assert_eq!(opt::DIALUPOPT, 0x1_0000);
        assert_eq!(opt::AUTORETOPT, 0x2000);
        // The reused bits.
        assert_eq!(opt::SENDCHECKOPT, opt::ABSENCEOPT);
        assert_eq!(opt::SECRETOPT, opt::SERVEROPT);
    }

    #[test]
    fn names_depend_on_the_mode() {
        assert_eq!(
            Command::from_bits(0x120).to_string(),
            "SENDMSG|SENDCHECKOPT"
        );
        assert_eq!(Command::from_bits(0x103).to_string(), "ANSENTRY|ABSENCEOPT");
        assert_eq!(
            Command::from_bits(0x204).to_string(),
            "BR_ABSENCE|SERVEROPT"
        );
        assert_eq!(Command::from_bits(0x220).to_string(), "SENDMSG|SECRETOPT");
        assert_eq!(
            Command::from_bits(0x0010_0030).to_string(),
            "READMSG|READCHECKOPT"
        );
        // BROADCASTOPT has no meaning on an entry command.
        assert_eq!(Command::from_bits(0x401).to_string(), "BR_ENTRY|0x400");
    }

    #[test]
    fn common_options_are_named_everywhere() {
        assert_eq!(
            Command::from_bits(0x0180_0001).to_string(),
            "BR_ENTRY|UTF8OPT|CAPUTF8OPT"
        );
        assert_eq!(
            Command::from_bits(0x0081_0021).to_string(),
            "RECVMSG|DIALUPOPT|UTF8OPT"
        );
    }

    #[test]
    fn unknown_modes_and_bits_are_numbers() {
        assert_eq!(Command::from_bits(0x7f).to_string(), "0x7f");
        assert_eq!(Command::from_bits(0).to_string(), "NOOPERATION");
        assert_eq!(
            Command::from_bits(0xf000_1120).to_string(),
            "SENDMSG|SENDCHECKOPT|0xf0001000"
        );
    }

    #[test]
    fn new_ignores_the_low_byte_of_options() {
        let cmd = Command::new(Mode::SendMsg, 0x1ff);
        assert_eq!(cmd.to_bits(), 0x120);
    }

    #[test]
    fn with_and_without() {
        let cmd = Command::new(Mode::SendMsg, 0)
            .with(opt::SENDCHECKOPT)
            .with(opt::UTF8OPT);
        assert!(cmd.has(opt::SENDCHECKOPT) && cmd.is_utf8());
        let cmd = cmd.without(opt::UTF8OPT);
        assert!(!cmd.is_utf8());
        assert_eq!(cmd.to_bits(), 288);
        // `has` of nothing (or of mode bits only) is false, not vacuously true.
        assert!(!cmd.has(0));
        assert!(!cmd.has(0x20));
    }

    proptest! {
        #[test]
        fn bits_round_trip(bits: u32) {
            let cmd = Command::from_bits(bits);
            prop_assert_eq!(cmd.to_bits(), bits);
            prop_assert_eq!(Command::new(cmd.mode(), cmd.options()), cmd);
            // Display never panics and always starts with the mode.
            let shown = cmd.to_string();
            prop_assert!(!shown.is_empty());
        }
    }
}
