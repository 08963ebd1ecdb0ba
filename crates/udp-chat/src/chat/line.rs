//! What a typed line means: a message for the peer, `bye`, or a command such as `/who`.
//!
//! The rules, all in [`parse_line`]:
//!
//! - `bye` (alone on the line, spaces around it allowed) ends the chat;
//! - a line starting with `/` is a command: `/who`, `/help`, `/peer`, `/peer HOST:PORT`;
//! - `//text` sends `/text` (a message that starts with `/` needs its `/` doubled);
//! - an empty line (or only spaces) sends nothing;
//! - anything else is a message, sent exactly as typed (without the line break).

use netbasics::server_addr::{AddrError, ServerAddr};

/// The word that ends a chat, on either side. The course's programs compare the whole
/// message with it: `recv_data[0].decode('utf-8') == 'bye'`.
pub const BYE: &str = "bye";

/// What `/help` prints.
pub const HELP: &str = "\
Type a line and press Enter: it goes to your peer as one datagram.
  bye               say bye to your peer and leave (end of input, Ctrl-D, does the same)
  /peer HOST:PORT   talk to someone else from now on
  /peer             show who your peer is
  /who              everyone heard from: address, last seen, messages
  /help             this help
  //text            send a message that starts with / (here: /text)";

/// A typed line, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// Text to send to the peer, as one datagram.
    Message(String),
    /// `bye`: tell the peer, then leave.
    Bye,
    /// `/who`: list everyone heard from.
    Who,
    /// `/help`: list the commands.
    Help,
    /// `/peer HOST:PORT` (talk to someone else from now on), or `/peer` alone (show the
    /// current peer).
    Peer(Option<ServerAddr>),
    /// An empty line: nothing to do.
    Nothing,
}

/// Why a typed line could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// A `/` command that does not exist.
    #[error(
        "unknown command '{0}': /help lists the commands (to send a line starting with /, type //)"
    )]
    UnknownCommand(String),
    /// A command that takes nothing after it, given something.
    #[error("'{command}' takes nothing after it, but '{extra}' was given")]
    Unexpected {
        /// The command, e.g. `/who`.
        command: String,
        /// What followed it.
        extra: String,
    },
    /// `/peer` with something that is not `HOST:PORT`.
    #[error("/peer: {0}")]
    Peer(#[from] AddrError),
}

/// Understands one typed line (without its line break; a `\r` left by Windows line
/// endings is ignored).
///
/// # Errors
///
/// [`LineError`] for an unknown command, a command with words it does not take, and a
/// `/peer` address that is not `HOST:PORT`.
///
/// # Examples
///
/// ```
/// use udp_chat::chat::{parse_line, LineError, Typed};
///
/// assert_eq!(parse_line("你好").unwrap(), Typed::Message("你好".into()));
/// assert_eq!(parse_line("  bye ").unwrap(), Typed::Bye);
/// assert_eq!(parse_line("bye bye").unwrap(), Typed::Message("bye bye".into()));
/// assert_eq!(parse_line("/who").unwrap(), Typed::Who);
/// assert_eq!(parse_line("//who").unwrap(), Typed::Message("/who".into()));
/// assert_eq!(parse_line("").unwrap(), Typed::Nothing);
///
/// let peer = parse_line("/peer 127.0.0.1:7890").unwrap();
/// assert_eq!(peer, Typed::Peer(Some("127.0.0.1:7890".parse().unwrap())));
/// assert_eq!(parse_line("/peer").unwrap(), Typed::Peer(None));
///
/// assert!(matches!(parse_line("/quit"), Err(LineError::UnknownCommand(_))));
/// assert!(matches!(parse_line("/peer 7890"), Err(LineError::Peer(_))));
/// assert!(matches!(parse_line("/who me"), Err(LineError::Unexpected { .. })));
/// ```
pub fn parse_line(line: &str) -> Result<Typed, LineError> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Ok(Typed::Nothing);
    }
    if trimmed == BYE {
        return Ok(Typed::Bye);
    }
    if let Some(escaped) = line.trim_start().strip_prefix("//") {
        return Ok(Typed::Message(format!("/{escaped}")));
    }
    if !trimmed.starts_with('/') {
        return Ok(Typed::Message(line.to_string()));
    }

    let mut words = trimmed.split_whitespace();
    let command = words.next().unwrap_or_default();
    let rest: Vec<&str> = words.collect();
    let no_more = |typed: Typed| {
        if rest.is_empty() {
            Ok(typed)
        } else {
            Err(LineError::Unexpected {
                command: command.to_string(),
                extra: rest.join(" "),
            })
        }
    };
    match command {
        "/who" => no_more(Typed::Who),
        "/help" => no_more(Typed::Help),
        "/peer" => match rest.as_slice() {
            [] => Ok(Typed::Peer(None)),
            [addr] => Ok(Typed::Peer(Some(addr.parse()?))),
            [_, extra @ ..] => Err(LineError::Unexpected {
                command: "/peer HOST:PORT".into(),
                extra: extra.join(" "),
            }),
        },
        other => Err(LineError::UnknownCommand(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(line: &str) -> Typed {
        parse_line(line).unwrap()
    }

    #[test]
    fn messages_are_sent_as_typed() {
        assert_eq!(parse("hello"), Typed::Message("hello".into()));
        assert_eq!(
            parse("  two  spaces "),
            Typed::Message("  two  spaces ".into())
        );
        assert_eq!(parse("hi\r"), Typed::Message("hi".into()));
        assert_eq!(parse("a / b"), Typed::Message("a / b".into()));
        assert_eq!(parse("Bye"), Typed::Message("Bye".into()));
        assert_eq!(parse("byebye"), Typed::Message("byebye".into()));
    }

    #[test]
    fn bye_alone_ends_the_chat() {
        assert_eq!(parse("bye"), Typed::Bye);
        assert_eq!(parse("bye\r"), Typed::Bye);
        assert_eq!(parse("\tbye  "), Typed::Bye);
        assert_eq!(parse("//bye"), Typed::Message("/bye".into()));
    }

    #[test]
    fn empty_lines_send_nothing() {
        assert_eq!(parse(""), Typed::Nothing);
        assert_eq!(parse("   "), Typed::Nothing);
        assert_eq!(parse("\r"), Typed::Nothing);
    }

    #[test]
    fn commands() {
        assert_eq!(parse("/who"), Typed::Who);
        assert_eq!(parse(" /who "), Typed::Who);
        assert_eq!(parse("/help"), Typed::Help);
        assert_eq!(parse("/peer"), Typed::Peer(None));
        let Typed::Peer(Some(addr)) = parse("/peer [::1]:9") else {
            panic!("a peer address")
        };
        assert_eq!((addr.host(), addr.port()), ("::1", 9));
        let Typed::Peer(Some(addr)) = parse("/peer   localhost:7890  ") else {
            panic!("a peer address")
        };
        assert_eq!((addr.host(), addr.port()), ("localhost", 7890));
    }

    #[test]
    fn slashes_escape() {
        assert_eq!(parse("//"), Typed::Message("/".into()));
        assert_eq!(parse("///x"), Typed::Message("//x".into()));
        assert_eq!(parse("// spaced"), Typed::Message("/ spaced".into()));
        assert_eq!(parse("  //x "), Typed::Message("/x ".into()));
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(
            parse_line("/quit"),
            Err(LineError::UnknownCommand("/quit".into()))
        );
        assert_eq!(parse_line("/"), Err(LineError::UnknownCommand("/".into())));
        assert_eq!(
            parse_line("/WHO"),
            Err(LineError::UnknownCommand("/WHO".into()))
        );
        assert_eq!(
            parse_line("/help me please"),
            Err(LineError::Unexpected {
                command: "/help".into(),
                extra: "me please".into()
            })
        );
        assert!(matches!(
            parse_line("/peer a:1 b:2"),
            Err(LineError::Unexpected { .. })
        ));
        assert!(matches!(
            parse_line("/peer ::1:80"),
            Err(LineError::Peer(AddrError::Ipv6WithoutBrackets(_)))
        ));
        assert!(matches!(
            parse_line("/peer host:0"),
            Err(LineError::Peer(AddrError::BadPort { .. }))
        ));
    }

    #[test]
    fn messages_say_what_to_do() {
        let err = parse_line("/quit").unwrap_err().to_string();
        assert!(err.contains("/help"), "{err}");
        assert!(err.contains("//"), "{err}");
        let err = parse_line("/peer nowhere").unwrap_err().to_string();
        assert!(err.starts_with("/peer: 'nowhere' has no port"), "{err}");
    }

    #[test]
    fn help_names_every_command() {
        for word in ["bye", "/peer", "/who", "/help", "//"] {
            assert!(HELP.contains(word), "{word}");
        }
    }

    proptest! {
        #[test]
        fn any_line_parses_or_errs_without_panicking(line in "\\PC{0,40}") {
            let _ = parse_line(&line);
        }

        #[test]
        fn plain_text_is_sent_unchanged(line in "[^/\\s][^\\r\\n]{0,40}") {
            prop_assume!(line.trim() != BYE);
            prop_assert_eq!(parse_line(&line), Ok(Typed::Message(line.clone())));
        }

        #[test]
        fn doubled_slash_sends_the_rest(rest in "[^\\r\\n]{0,40}") {
            let line = format!("//{rest}");
            prop_assume!(line.trim() != BYE);
            prop_assert_eq!(parse_line(&line), Ok(Typed::Message(format!("/{rest}"))));
        }
    }
}
