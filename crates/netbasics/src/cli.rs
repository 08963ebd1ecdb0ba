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
