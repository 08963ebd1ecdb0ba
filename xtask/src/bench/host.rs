//! A server a benchmark measures, whichever kind it is: a program that announces
//! `listening on` (ours, or a Python peer), or nginx (a master and its workers); its
//! address, CPU time, peak memory and last messages.

use super::nginx::Nginx;
use super::peers::Server;
use super::sys;
use std::net::SocketAddr;

/// A running server; dropping it stops it.
pub enum Host {
    /// One process: ours, or a Python peer.
    Program(Server),
    Nginx(Nginx),
}

/// A server, or why it is not there (a table cell).
pub type Maybe = std::result::Result<Host, String>;

impl Host {
    pub fn addr(&self) -> SocketAddr {
        match self {
            Host::Program(server) => server.addr,
            Host::Nginx(nginx) => nginx.addr,
        }
    }

    /// The server's CPU time so far (all its processes), in seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        match self {
            Host::Program(server) => sys::cpu_seconds(server.process.pid()),
            Host::Nginx(nginx) => nginx.cpu_seconds(),
        }
    }

    /// The server's peak memory so far, in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        match self {
            Host::Program(server) => server.peak_rss_kib(),
            Host::Nginx(nginx) => nginx.peak_rss_kib(),
        }
    }

    /// What the server last said about errors, for an error message.
    pub fn log_tail(&self) -> String {
        match self {
            Host::Program(server) => server.process.stderr_tail(),
            Host::Nginx(nginx) => nginx.log_tail(),
        }
    }
}

/// A peer's failure as a table cell: `failed: ` and the error's chain on one line.
pub fn failed(err: &anyhow::Error) -> String {
    format!("failed: {}", one_line(&format!("{err:#}")))
}

/// `text` on one line, fit for a table cell.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_one_line_without_bars() {
        assert_eq!(one_line("a\n  b | c\n\n"), "a; b \\| c");
        let err = anyhow::anyhow!("refused").context("starting nginx");
        assert_eq!(failed(&err), "failed: starting nginx: refused");
    }
}
