//! Port numbers in a transcript, made the same on every run.
//!
//! A server in a page's transcript listens on a port the system chose, and its clients
//! send from ports the system chose: the numbers differ on every run. The page shows the
//! port written in its command instead, and the clients' ports as 50001, 50002, ... in
//! order of first appearance, so that `cargo xtask docs --check` can compare.

/// Rewrites the port numbers of a session: the server's `real` port is shown as the
/// `shown` port the reader would use (which stays as it is where the text already says
/// it), the ports in `keep` (written in the commands themselves) stay as they are, and
/// every other port after a loopback address (`127.x.y.z:`, `[::1]:`, `localhost:`) or
/// after the word `port` becomes 50001, 50002, ... Only loopback counts: the sessions run
/// on loopback, and any other `address:number` in a page is not theirs to change.
pub fn renumber_ports(text: &str, real: u16, shown: u16, keep: &[u16]) -> String {
    let mut others: Vec<u16> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find([':', ' ']) {
        let (before, after) = rest.split_at(at + 1);
        out.push_str(before);
        rest = after;
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        // A number glued to more letters or digits (`:8080abc`) is not a port.
        let whole = !rest[digits..].starts_with(|c: char| c.is_alphanumeric());
        let is_port = whole
            && if before.ends_with(':') {
                is_loopback_host_end(&out[..out.len() - 1])
            } else {
                ends_with_word(&out[..out.len() - 1], "port")
            };
        // Ports the system hands out are never below 1024: a smaller number (port 443)
        // is a well-known port the text talks about.
        let port = match rest[..digits].parse::<u16>() {
            Ok(port) if is_port && port >= 1024 => port,
            _ => continue,
        };
        let new = if port == real || port == shown {
            shown
        } else if keep.contains(&port) {
            port
        } else {
            let index = others.iter().position(|&p| p == port).unwrap_or_else(|| {
                others.push(port);
                others.len() - 1
            });
            50001 + u16::try_from(index).unwrap_or(0)
        };
        out.push_str(&new.to_string());
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// The ports written in a marker's commands: the `N` of every `HOST:N` and of `--port N`.
/// The transcript shows them as written.
pub fn written_ports(spec: &str) -> Vec<u16> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    let mut ports = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let number = if i > 0 && words[i - 1] == "--port" {
            Some(*word)
        } else {
            word.rsplit_once(':').map(|(_, port)| port)
        };
        if let Some(port) = number.and_then(|n| n.parse().ok()) {
            ports.push(port);
        }
    }
    ports
}

/// Whether `text` ends with a loopback address that a `:PORT` can follow.
fn is_loopback_host_end(text: &str) -> bool {
    if text.ends_with("[::1]") || ends_with_word(text, "localhost") {
        return true;
    }
    let start = text
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    text[start..]
        .parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// Whether `text` ends with `word` as a whole word (nothing alphanumeric just before).
fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|before| !before.ends_with(|c: char| c.is_alphanumeric() || c == '-'))
}

#[cfg(test)]
mod tests {
    use super::{renumber_ports, written_ports};

    #[test]
    fn ports_are_renumbered_in_order() {
        let text =
            "listening on 127.0.0.1:41000\n[127.0.0.1:55555] hi\n[::1]:44444 x 127.0.0.1:55555\n";
        assert_eq!(
            renumber_ports(text, 41000, 8888, &[]),
            "listening on 127.0.0.1:8888\n[127.0.0.1:50001] hi\n[::1]:50002 x 127.0.0.1:50001\n"
        );
        assert_eq!(renumber_ports("127.0.0.1:x", 1, 2, &[]), "127.0.0.1:x");
    }

    #[test]
    fn kept_ports_times_and_bare_ports() {
        assert_eq!(
            renumber_ports(
                "127.0.0.2:8788 127.255.255.255:41000 at 12:30:45, from port 40000 祖:1",
                41000,
                7788,
                &[8788]
            ),
            "127.0.0.2:8788 127.255.255.255:7788 at 12:30:45, from port 50001 祖:1"
        );
        assert_eq!(
            renumber_ports("port 40000\nlocalhost:40001", 1, 2, &[]),
            "port 50001\nlocalhost:50002"
        );
    }

    #[test]
    fn numbers_that_are_not_this_sessions_ports_stay() {
        for text in [
            "well-known port 443 is https",
            "255.255.255.0:24",
            "192.168.1.10:8080",
            "passport 40000",
            "--port 40000",
            "127.0.0.1:40000abc",
        ] {
            assert_eq!(renumber_ports(text, 1, 2, &[]), text, "{text}");
        }
    }

    #[test]
    fn written_ports_are_host_ports_and_port_flags() {
        assert_eq!(
            written_ports("udp-recv --port 7788 --count 2 | run: udp-send 127.0.0.2:8788 'a 1'"),
            [7788, 8788]
        );
    }
}
