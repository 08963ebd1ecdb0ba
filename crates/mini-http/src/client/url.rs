//! `http://host:port/path?query`: the parts of a URL a client needs.
//!
//! A URL names the scheme (how to talk), the host and port (where), and the path and query
//! (what to ask for). The path and query go, unchanged, into the request line; the host
//! and port go into the `Host` header (required in HTTP/1.1: one address may serve many
//! sites, and `Host` says which one is meant) and into `connect`.

use std::fmt;

/// The parts of an `http://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// The host as written: a name, an IPv4 address, or an IPv6 address (without its
    /// brackets).
    pub host: String,
    /// The port: as written, or 80.
    pub port: u16,
    /// What goes in the request line: the path (`/` if none) and the query, if any.
    pub target: String,
}

/// Why a text is not a URL this client can fetch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Another scheme than `http://`.
    #[error("{0:?}: only http:// URLs (HTTPS needs TLS, which this lesson does not build)")]
    Scheme(String),
    /// No host after `http://`.
    #[error("{0:?}: no host after http://")]
    NoHost(String),
    /// `user:password@` before the host: sending them in clear is a mistake.
    #[error("{0:?}: a user name or password in a URL is not supported")]
    UserInfo(String),
    /// A port that is not a number from 1 to 65535.
    #[error("{0:?}: the port is not a number from 1 to 65535")]
    Port(String),
    /// An unclosed `[` around an IPv6 address, or a character no URL may hold.
    #[error("{0:?}: not a valid URL ({1})")]
    Invalid(String, &'static str),
}

impl Url {
    /// Parses an `http://` URL.
    ///
    /// ```
    /// use mini_http::client::url::Url;
    ///
    /// let url = Url::parse("http://localhost:8000/docs/a%20b.txt?x=1")?;
    /// assert_eq!((url.host.as_str(), url.port), ("localhost", 8000));
    /// assert_eq!(url.target, "/docs/a%20b.txt?x=1");
    /// assert_eq!(url.host_header(), "localhost:8000");
    ///
    /// let url = Url::parse("http://[::1]/")?;
    /// assert_eq!((url.host.as_str(), url.port, url.host_header()), ("::1", 80, "[::1]".into()));
    /// assert!(Url::parse("https://example.com/").is_err());
    /// # Ok::<(), mini_http::client::url::UrlError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Url, UrlError> {
        let err_text = || text.to_string();
        if text.chars().any(|c| c.is_ascii_control() || c == ' ') {
            return Err(UrlError::Invalid(
                err_text(),
                "spaces and control characters must be percent-encoded",
            ));
        }
        let scheme_end = text.find("://");
        let rest = match scheme_end {
            Some(i) if text[..i].eq_ignore_ascii_case("http") => &text[i + 3..],
            Some(_) => return Err(UrlError::Scheme(err_text())),
            // `localhost:8000/x`, as people type it into a browser: http is meant.
            None => text,
        };
        let (authority, target) = match rest.find(['/', '?', '#']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        // The fragment (`#...`) stays in the browser: it is never sent.
        let target = target.split('#').next().unwrap_or("");
        let target = if target.starts_with('/') {
            target.to_string()
        } else {
            format!("/{target}")
        };
        // A request target is ASCII (RFC 9112 §3.2): other characters typed in a URL
        // (`/中文.txt`) go as their UTF-8 bytes, percent-encoded, as browsers send them.
        let target = encode_non_ascii(&target);
        if authority.contains('@') {
            return Err(UrlError::UserInfo(err_text()));
        }
        let (host, port) = if let Some(inside) = authority.strip_prefix('[') {
            let Some(close) = inside.find(']') else {
                return Err(UrlError::Invalid(
                    err_text(),
                    "an unclosed [ around an IPv6 address",
                ));
            };
            (&inside[..close], inside[close + 1..].strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(UrlError::NoHost(err_text()));
        }
        let port = match port {
            None | Some("") => 80,
            Some(port) => match port.parse::<u16>() {
                Ok(port) if port > 0 => port,
                _ => return Err(UrlError::Port(err_text())),
            },
        };
        Ok(Url {
            host: host.to_string(),
            port,
            target,
        })
    }

    /// The `Host` header's value: the host (IPv6 in brackets) and the port unless it is
    /// 80.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            80 => host,
            port => format!("{host}:{port}"),
        }
    }

    /// Whether two URLs can share a connection: the same host and port.
    pub fn same_origin(&self, other: &Url) -> bool {
        self.host.eq_ignore_ascii_case(&other.host) && self.port == other.port
    }
}

/// `text` with every byte outside ASCII written as `%XX`.
fn encode_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii() {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}{}", self.host_header(), self.target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_forms_people_type() {
        let url = Url::parse("localhost:8000").expect("no scheme: http");
        assert_eq!(
            (url.host.as_str(), url.port, url.target.as_str()),
            ("localhost", 8000, "/")
        );
        let url = Url::parse("http://127.0.0.1?q=1#top").expect("query, fragment");
        assert_eq!(url.target, "/?q=1");
        assert_eq!(url.to_string(), "http://127.0.0.1/?q=1");
        assert!(matches!(
            Url::parse("http://u:p@h/"),
            Err(UrlError::UserInfo(_))
        ));
        assert!(matches!(Url::parse("http://h:0/"), Err(UrlError::Port(_))));
        assert!(matches!(
            Url::parse("http://h:99999/"),
            Err(UrlError::Port(_))
        ));
        assert!(matches!(Url::parse("http:///x"), Err(UrlError::NoHost(_))));
        assert!(matches!(
            Url::parse("http://[::1/"),
            Err(UrlError::Invalid(..))
        ));
        assert!(matches!(Url::parse("ftp://h/"), Err(UrlError::Scheme(_))));
        assert!(matches!(
            Url::parse("http://h/a b"),
            Err(UrlError::Invalid(..))
        ));
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(text in "\\PC{0,40}") {
            let _ = Url::parse(&text);
        }

        #[test]
        fn a_url_written_out_parses_back(host in "[a-z]{1,10}", port in 1u16.., path in "(/[a-z0-9._~-]{0,8}){1,3}") {
            let url = Url { host, port, target: path };
            prop_assert_eq!(Url::parse(&url.to_string()), Ok(url));
        }
    }
}
