//! The server a client talks to, written `HOST:PORT`.
//!
//! The course writes it as a Python tuple, `connect(("127.0.0.1", 8888))`. On a command
//! line it is one word: `127.0.0.1:8888`, `localhost:8888`, or, for IPv6, `[::1]:8888`
//! (the brackets keep the address's own colons apart from the port's).

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::str::FromStr;

/// A server's host (an IP address or a name) and port.
///
/// # Examples
///
/// ```
/// use netbasics::server_addr::ServerAddr;
///
/// let addr: ServerAddr = "[::1]:8888".parse().unwrap();
/// assert_eq!(addr.host(), "::1");
/// assert_eq!(addr.port(), 8888);
/// assert_eq!(addr.to_string(), "[::1]:8888");
///
/// let err = "localhost".parse::<ServerAddr>().unwrap_err();
/// assert!(err.to_string().contains("expected HOST:PORT"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerAddr {
    host: String,
    port: u16,
}

/// Why a `HOST:PORT` could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// No `:PORT` at the end.
    #[error(
        "'{0}' has no port: expected HOST:PORT, e.g. 127.0.0.1:8888, [::1]:8888 or localhost:8888"
    )]
    NoPort(String),
    /// Nothing before the `:`.
    #[error("'{0}' has no host: expected HOST:PORT, e.g. 127.0.0.1:8888")]
    NoHost(String),
    /// The port is not a number from 1 to 65535.
    #[error("'{port}' in '{text}' is not a port: a port is a number from 1 to 65535")]
    BadPort {
        /// The whole text.
        text: String,
        /// The part after the last `:`.
        port: String,
    },
    /// An IPv6 address without brackets: its colons cannot be told from the port's.
    #[error("'{0}' looks like an IPv6 address without brackets: write it [ADDRESS]:PORT, e.g. [::1]:8888")]
    Ipv6WithoutBrackets(String),
    /// A `[` without its `]`, or something between `]` and `:`.
    #[error("'{0}' is not [IPV6-ADDRESS]:PORT: expected e.g. [::1]:8888")]
    BadBrackets(String),
}

impl FromStr for ServerAddr {
    type Err = AddrError;

    fn from_str(text: &str) -> Result<Self, AddrError> {
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest
                .split_once(']')
                .ok_or_else(|| AddrError::BadBrackets(text.to_string()))?;
            if after.is_empty() {
                return Err(AddrError::NoPort(text.to_string()));
            }
            let port = after
                .strip_prefix(':')
                .ok_or_else(|| AddrError::BadBrackets(text.to_string()))?;
            (host, port)
        } else {
            let (host, port) = text
                .rsplit_once(':')
                .ok_or_else(|| AddrError::NoPort(text.to_string()))?;
            if host.contains(':') {
                return Err(AddrError::Ipv6WithoutBrackets(text.to_string()));
            }
            (host, port)
        };
        if host.is_empty() {
            return Err(AddrError::NoHost(text.to_string()));
        }
        let port = match port.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => {
                return Err(AddrError::BadPort {
                    text: text.to_string(),
                    port: port.to_string(),
                })
            }
        };
        Ok(ServerAddr {
            host: host.to_string(),
            port,
        })
    }
}

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl ServerAddr {
    /// The host: an IP address or a name, without brackets.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The socket addresses the host stands for: the address itself, or what the
    /// system's resolver (the hosts file, then DNS) says for a name. `localhost` often
    /// gives both `::1` and `127.0.0.1`.
    ///
    /// # Errors
    ///
    /// The resolver's error for a name it does not know.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::server_addr::ServerAddr;
    ///
    /// let addr: ServerAddr = "127.0.0.1:8888".parse().unwrap();
    /// assert_eq!(addr.resolve().unwrap(), vec!["127.0.0.1:8888".parse().unwrap()]);
    /// ```
    pub fn resolve(&self) -> io::Result<Vec<SocketAddr>> {
        // An address needs no resolver (and no network).
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, self.port)]);
        }
        Ok((self.host.as_str(), self.port).to_socket_addrs()?.collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(s: &str) -> Result<ServerAddr, AddrError> {
        s.parse()
    }

    #[test]
    fn the_usual_forms() {
        let a = parse("127.0.0.1:8888").unwrap();
        assert_eq!((a.host(), a.port()), ("127.0.0.1", 8888));
        let a = parse("localhost:80").unwrap();
        assert_eq!((a.host(), a.port()), ("localhost", 80));
        let a = parse("[::1]:8888").unwrap();
        assert_eq!((a.host(), a.port()), ("::1", 8888));
        let a = parse("[fe80::1%lo]:1").unwrap();
        assert_eq!(a.host(), "fe80::1%lo");
    }

    #[test]
    fn mistakes_are_named() {
        assert!(matches!(parse("localhost"), Err(AddrError::NoPort(_))));
        assert!(matches!(parse("[::1]"), Err(AddrError::NoPort(_))));
        assert!(matches!(parse(":8888"), Err(AddrError::NoHost(_))));
        assert!(matches!(parse("[]:8888"), Err(AddrError::NoHost(_))));
        assert!(matches!(parse("host:"), Err(AddrError::BadPort { .. })));
        assert!(matches!(parse("host:0"), Err(AddrError::BadPort { .. })));
        assert!(matches!(
            parse("host:65536"),
            Err(AddrError::BadPort { .. })
        ));
        assert!(matches!(parse("host:http"), Err(AddrError::BadPort { .. })));
        assert!(matches!(parse("host:-1"), Err(AddrError::BadPort { .. })));
        assert!(matches!(
            parse("::1:8888"),
            Err(AddrError::Ipv6WithoutBrackets(_))
        ));
        assert!(matches!(parse("[::1:8888"), Err(AddrError::BadBrackets(_))));
        assert!(matches!(parse("[::1]8888"), Err(AddrError::BadBrackets(_))));
        assert!(matches!(parse(""), Err(AddrError::NoPort(_))));
    }

    #[test]
    fn messages_say_what_is_expected() {
        let err = parse("::1:8888").unwrap_err();
        assert!(err.to_string().contains("[::1]:8888"), "{err}");
        let err = parse("h:99999").unwrap_err();
        assert_eq!(
            err.to_string(),
            "'99999' in 'h:99999' is not a port: a port is a number from 1 to 65535"
        );
    }

    #[test]
    fn display() {
        assert_eq!(parse("localhost:1").unwrap().to_string(), "localhost:1");
        assert_eq!(parse("[::1]:2").unwrap().to_string(), "[::1]:2");
    }

    #[test]
    fn addresses_resolve_without_a_resolver() {
        let v6 = parse("[::1]:9").unwrap().resolve().unwrap();
        assert_eq!(v6, vec!["[::1]:9".parse().unwrap()]);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs_without_panicking(s in "\\PC{0,30}") {
            let _ = parse(&s);
        }

        #[test]
        fn socket_addresses_round_trip(addr in any::<SocketAddr>()) {
            prop_assume!(addr.port() != 0);
            // Without IPv6 flow info and scope, SocketAddr's own text is HOST:PORT.
            let addr = SocketAddr::new(addr.ip(), addr.port());
            let parsed = parse(&addr.to_string()).unwrap();
            prop_assert_eq!(parsed.host().parse::<IpAddr>().unwrap(), addr.ip());
            prop_assert_eq!(parsed.port(), addr.port());
            prop_assert_eq!(parsed.resolve().unwrap(), vec![addr]);
        }
    }
}
