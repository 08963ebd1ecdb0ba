//! Small pieces every command-line program of the workspace shares.

/// Makes the program end quietly when its output pipe closes.
///
/// `netbasics mac 08:00:20:0a:8c:6d | head -2` closes the pipe after two lines, and Rust's
/// `println!` then panics with "failed printing to stdout: Broken pipe". C programs are
/// killed by the SIGPIPE signal instead, silently. Rust ignores SIGPIPE (so a server is not
/// killed by one vanished client), which is right for sockets and wrong for a command's
/// stdout; this hook turns that one panic into the exit status a SIGPIPE kill would give
/// (128 + 13 = 141). Any other panic is reported as usual.
pub fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .unwrap_or("");
        // Only std's own message for stdout: a server's handler that panics on a socket
        // error (a client that vanished) must not end the whole program.
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Ends the program as every program of the workspace ends on failure: `error: ` and the
/// whole chain of causes on one line of stderr (`{:#}`: "error: a: b: c"), exit status 1.
/// On success it returns, and `main` ends with status 0.
///
/// # Examples
///
/// ```no_run
/// fn run() -> anyhow::Result<()> {
///     Ok(())
/// }
///
/// fn main() {
///     netbasics::cli::exit_on_error(run());
/// }
/// ```
pub fn exit_on_error(result: anyhow::Result<()>) {
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

/// `1 byte`, `2 bytes`, `0 bytes`: a count and its noun, in the singular only for one.
///
/// # Examples
///
/// ```
/// use netbasics::cli::plural;
///
/// assert_eq!(plural(1, "client"), "1 client");
/// assert_eq!(plural(0, "client"), "0 clients");
/// assert_eq!(plural(10_000, "byte"), "10000 bytes");
/// ```
pub fn plural(n: u64, noun: &str) -> String {
    plural_with(n, noun, &format!("{noun}s"))
}

/// [`plural`] for a noun whose plural is not the noun and an `s`: `1 reply`, `2 replies`.
///
/// # Examples
///
/// ```
/// use netbasics::cli::plural_with;
///
/// assert_eq!(plural_with(1, "reply", "replies"), "1 reply");
/// assert_eq!(plural_with(3, "try", "tries"), "3 tries");
/// ```
pub fn plural_with(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A client as a server's log names it at the start of a line: its address and port as
/// the course writes them, `127.0.0.1:50000`, and `[::1]:50000` for IPv6.
///
/// An IPv6 address and port come in brackets (as a URL writes them, so that the port's
/// colon is not taken for one of the address's); that is the only bracket a log line
/// shows: wrapping the whole in brackets again, as `[{peer}]`, would print
/// `[[::1]:50000]`. Every server of the workspace, TCP and UDP, names its clients this
/// way, so every log reads the same.
///
/// # Examples
///
/// ```
/// use netbasics::cli::Peer;
///
/// assert_eq!(Peer("127.0.0.1:50000".parse().unwrap()).to_string(), "127.0.0.1:50000");
/// assert_eq!(Peer("[::1]:50000".parse().unwrap()).to_string(), "[::1]:50000");
/// assert_eq!(format!("{} connected", Peer("[fe80::1%2]:7".parse().unwrap())), "[fe80::1%2]:7 connected");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub std::net::SocketAddr);

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // std's own form is the one wanted: no brackets for IPv4, the URL brackets for
        // IPv6. Written out here so that the choice is made in one place.
        std::fmt::Display::fmt(&self.0, f)
    }
}
