//! The full-duplex chat (全双工聊天): both sides type and receive at the same time.
//!
//! The course's first chat program is **half-duplex** (半双工), like a walkie-talkie: it
//! waits in `recvfrom` for the other side, then waits at `input()` for its own user, and
//! cannot do both at once. Each wait blocks the thread that makes it, so doing both at
//! once takes two threads: one blocked on the keyboard, one blocked on the socket. That
//! is the course's exercise, 使用多线程完成一个全双工的聊天程序, and its answer (the
//! receive function `recv_fun` and the send function `send_fun`, each on a thread,
//! sharing one socket) is what `udp-chat` builds, in these steps:
//!
//! | course's step (its `TODO`s)                     | here                                        |
//! |--------------------------------------------------|---------------------------------------------|
//! | 1. `socket(AF_INET, SOCK_DGRAM)`, 2. `bind(('', 7890))` | [`crate::socket::bind`], on `--bind 127.0.0.1` and `--port 7890` by default |
//! | 3. `dest_addr = ('192.168.1.69', 9999)`          | `--peer`, `/peer`, or the first to write    |
//! | 4, 6, 8. the receiving thread, `recvfrom(1024)`  | [`receive`], on a thread of its own         |
//! | 5, 7, 9. the sending thread, `input()`, `sendto` | a keyboard thread reads; the main thread sends |
//! | 10. `close_session = [False]`                    | [`StopSignal`], and `bye` ending both sides |
//!
//! # Three threads, and which one decides
//!
//! `udp-chat` runs three threads: the **receiving thread** ([`receive`]: `recvfrom`
//! over and over), the **keyboard thread** (reads lines from standard input), and the
//! **main thread**, which gets what both of them hand it, one thing at a time, through
//! a channel: it sends typed messages, runs commands, prints received messages, and
//! decides when the chat is over. Keeping every decision in one thread means no shared,
//! locked state: the peer and the `/who` table belong to the main thread alone.
//!
//! Why not read the keyboard on the main thread, as the course reads it on `send_fun`'s?
//! Because a thread blocked reading standard input cannot be woken: no portable call
//! interrupts it. When the *other* side says `bye`, the course's sending thread sits in
//! `input()` until the user presses Enter once more. Here the main thread is never stuck
//! on the keyboard, so it can end the chat at once; the keyboard thread, if still
//! waiting for a line, simply ends with the program.
//!
//! # How `bye` ends both sides
//!
//! The side whose user types `bye` (or ends the input, or presses Ctrl-C) sends `bye` to
//! its peer, then stops its own receiving thread with [`StopSignal::stop`] (a flag, and
//! an empty datagram to its own socket to wake the blocked `recvfrom`), joins it, joins
//! the keyboard thread (which stopped reading after `bye`), and exits with status 0.
//! The side that *receives* `bye` from its peer stops its receiving thread the same way
//! and exits 0 without waiting for its keyboard. See [`stop`] for why the naive ways of
//! stopping a thread blocked in `recvfrom` hang or misbehave.
//!
//! # Who the peer is
//!
//! UDP has no connection, so "the other side" is just the address each message is sent
//! to. It is given with `--peer HOST:PORT`; or, when that is left out, the first
//! person to write becomes the peer (so two chats started on `--port 0` can find each
//! other: give one of them the other's address, and the other learns it from the first
//! message); or it is changed at any time with `/peer HOST:PORT`. Messages from anyone
//! else are shown too, and counted by `/who`, but not answered.
//!
//! # Layout
//!
//! - [`line`](mod@line): what a typed line means ([`parse_line`]: a message, `bye`, `/who`, ...).
//! - [`peers`]: the `/who` table ([`PeerTable`]).
//! - [`stop`]: the receiving loop ([`receive`]) and how to stop it ([`StopSignal`]).
//! - [`session`]: one chat: the main thread's loop over what the keyboard thread and the
//!   receiving thread hand it, and how each way of ending ends it ([`session::Session`]).
//! - here: recognising `bye` ([`is_bye`]) and choosing the address of a `HOST:PORT`
//!   peer ([`resolve_peer`]). A received datagram is shown with
//!   [`datagram::show`](crate::datagram::show), as every program of the lesson shows one.

pub mod line;
pub mod peers;
pub mod session;
pub mod stop;

pub use line::{parse_line, LineError, Typed, BYE, HELP};
pub use peers::{Heard, PeerTable};
pub use stop::{receive, StopSignal};
// The peer's address is found as every program of the lesson finds one.
pub use crate::socket::{resolve_peer, PeerError};

use netbasics::text::{decode, Encoding};

/// Whether a received datagram says `bye`: the word alone, in `encoding`, with spaces
/// or a line break around it allowed (`nc -u` sends `bye\n`).
///
/// # Examples
///
/// ```
/// use netbasics::text::Encoding;
/// use udp_chat::chat::is_bye;
///
/// assert!(is_bye(b"bye", Encoding::Utf8));
/// assert!(is_bye(b"bye\n", Encoding::Gbk));
/// assert!(is_bye(b"\xff\xfeb\x00y\x00e\x00", Encoding::Utf16));
/// assert!(!is_bye(b"bye bye", Encoding::Utf8));
/// assert!(!is_bye(b"Bye", Encoding::Utf8));
/// assert!(!is_bye(b"bye\xff", Encoding::Utf8));
/// ```
pub fn is_bye(bytes: &[u8], encoding: Encoding) -> bool {
    let decoded = decode(bytes, encoding);
    decoded.is_clean() && decoded.text.trim() == BYE
}

#[cfg(test)]
mod tests {
    use super::*;
    use netbasics::text::encode;
    use proptest::prelude::*;

    #[test]
    fn showing_is_visible_and_one_line() {
        let e = Encoding::Utf8;
        assert_eq!(
            crate::datagram::show(b"\xff\xfe garbage", e, false),
            r"\xff\xfe garbage"
        );
        assert_eq!(crate::datagram::show(b"a\r\n", e, false), r"a\r\n");
        assert_eq!(
            crate::datagram::show(b"\x1b[31mred", e, false),
            r"\u{1b}[31mred"
        );
        assert_eq!(crate::datagram::show(b"\0", e, false), r"\u{0}");
        // GBK text read as GBK, and a GBK character cut in half.
        assert_eq!(
            crate::datagram::show(
                &encode("你好，世界", Encoding::Gbk).unwrap(),
                Encoding::Gbk,
                false
            ),
            "你好，世界"
        );
        assert_eq!(
            crate::datagram::show(b"ok\xc4", Encoding::Gbk, false),
            r"ok\xc4"
        );
    }

    #[test]
    fn bye_in_any_encoding() {
        for encoding in Encoding::ALL {
            let bytes = encode(BYE, encoding).unwrap();
            assert!(is_bye(&bytes, encoding), "{encoding}");
        }
        assert!(is_bye(b"  bye\r\n", Encoding::Utf8));
        assert!(!is_bye(b"", Encoding::Utf8));
        assert!(!is_bye(b"by", Encoding::Utf8));
        assert!(!is_bye(b"\xffbye", Encoding::Utf8));
    }

    #[test]
    fn peers_of_the_right_family() {
        use netbasics::server_addr::ServerAddr;
        use std::net::SocketAddr;
        let v4: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let v6: SocketAddr = "[::1]:1".parse().unwrap();
        let to_v6: ServerAddr = "[::1]:2".parse().unwrap();
        assert_eq!(
            resolve_peer(&to_v6, Some(v6)).unwrap(),
            "[::1]:2".parse().unwrap()
        );
        let err = resolve_peer(&to_v6, Some(v4)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "'[::1]:2' has no IPv4 address, and this socket (127.0.0.1:1) can only \
             send to IPv4: give an IPv4 peer, or bind an address of the peer's kind"
        );
    }

    proptest! {
        #[test]
        fn any_bytes_show_without_panicking_on_one_line(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            for encoding in [Encoding::Utf8, Encoding::Gbk, Encoding::Utf16, Encoding::Ascii] {
                let shown = crate::datagram::show(&bytes, encoding, false);
                prop_assert!(!shown.contains('\n') && !shown.contains('\r'));
                let _ = is_bye(&bytes, encoding);
            }
        }

        #[test]
        fn text_shows_as_itself(text in "[^\\p{C}\\p{Zl}\\p{Zp}]{1,40}") {
            let bytes = encode(&text, Encoding::Utf8).unwrap();
            prop_assert_eq!(crate::datagram::show(&bytes, Encoding::Utf8, false), text);
        }
    }
}
