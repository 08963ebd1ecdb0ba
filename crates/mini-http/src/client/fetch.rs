//! Fetching URLs, one after another, over as few connections as HTTP allows.
//!
//! The course's 长连接 (a long, persistent connection) and 短连接 (a short one): with
//! HTTP/1.1 a connection stays open after a response unless either side says
//! `Connection: close`, so the next request to the same server skips the TCP handshake.
//! [`Fetcher`] keeps the last connection and reuses it for the next URL on the same host
//! and port; with HTTP/1.0 (`--http1.0`) every request gets a connection of its own.

use super::resolve::lookup;
use super::response::{BodyEnd, ResponseHead};
use super::url::Url;
use crate::body::{ChunkedDecoder, Decoded};
use crate::request::Limits;
use anyhow::{anyhow, bail, Context, Result};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// What `User-Agent` says.
const USER_AGENT: &str = concat!("http-get/", env!("CARGO_PKG_VERSION"));

/// An open connection and the server it goes to.
#[derive(Debug)]
struct Open {
    host: String,
    port: u16,
    addr: SocketAddr,
    /// Buffered: a response's last bytes and the next one's first may arrive together.
    reader: BufReader<TcpStream>,
}

/// Fetches URLs, keeping the connection between them when it can.
#[derive(Debug)]
pub struct Fetcher {
    open: Option<Open>,
    /// Speak HTTP/1.0: a connection per request.
    pub http10: bool,
    /// Print what happens, the request and the response head on stderr (`-v`).
    pub verbose: bool,
    /// How long the server may stay silent.
    pub timeout: Duration,
}

impl Fetcher {
    /// A fetcher with no connection yet.
    pub fn new(http10: bool, verbose: bool, timeout: Duration) -> Fetcher {
        Fetcher {
            open: None,
            http10,
            verbose,
            timeout,
        }
    }

    /// Fetches `url` (`HEAD` if `head`), writing the body to `body`; `last` says no
    /// request to the same server follows, so the connection can be closed after it.
    ///
    /// # Errors
    ///
    /// The host unknown, the connection refused or cut, a response that is not HTTP.
    pub fn fetch(
        &mut self,
        url: &Url,
        head: bool,
        last: bool,
        body: &mut dyn Write,
    ) -> Result<ResponseHead> {
        let reusing = self
            .open
            .as_ref()
            .is_some_and(|open| open.host.eq_ignore_ascii_case(&url.host) && open.port == url.port);
        if !reusing {
            self.open = None;
        }
        let request = self.request_bytes(url, head, last);
        if reusing {
            if let Some(open) = &self.open {
                self.note(format_args!(
                    "reusing the connection to {} (keep-alive)",
                    open.addr
                ));
            }
            // The server may have closed an idle connection meanwhile: then, once, anew
            // (a GET or HEAD may be sent again safely: it changes nothing).
            match self.exchange(&request, head, body) {
                Ok(response) => return Ok(response),
                Err(err) if is_stale(&err) => {
                    self.note(format_args!("the server had closed it; connecting again"));
                    self.open = None;
                }
                Err(err) => return Err(err),
            }
        }
        self.connect(url)?;
        self.exchange(&request, head, body)
    }

    /// The request's bytes.
    fn request_bytes(&self, url: &Url, head: bool, last: bool) -> Vec<u8> {
        let method = if head { "HEAD" } else { "GET" };
        let version = if self.http10 { "HTTP/1.0" } else { "HTTP/1.1" };
        let mut text = format!(
            "{method} {} {version}\r\nHost: {}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\n",
            url.target,
            url.host_header()
        );
        if last && !self.http10 {
            // Nothing more for this server: it may close at once, not after its timeout.
            text.push_str("Connection: close\r\n");
        }
        text.push_str("\r\n");
        text.into_bytes()
    }

    /// Resolves and connects.
    fn connect(&mut self, url: &Url) -> Result<()> {
        let (addrs, source) =
            lookup(&url.host).with_context(|| format!("looking up {}", url.host))?;
        let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        match source {
            super::resolve::Source::Literal => {
                self.note(format_args!(
                    "{} is an address: nothing to look up",
                    url.host
                ));
            }
            source => self.note(format_args!(
                "{} is {} (from {source})",
                url.host,
                shown.join(", ")
            )),
        }
        let mut failures = Vec::new();
        for ip in addrs {
            let addr = SocketAddr::new(ip, url.port);
            self.note(format_args!("connecting to {addr}"));
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(stream) => {
                    stream.set_read_timeout(Some(self.timeout))?;
                    stream.set_write_timeout(Some(self.timeout))?;
                    self.note(format_args!("connected"));
                    self.open = Some(Open {
                        host: url.host.clone(),
                        port: url.port,
                        addr,
                        reader: BufReader::new(stream),
                    });
                    return Ok(());
                }
                Err(err) => failures.push(format!("{addr}: {err}")),
            }
        }
        bail!(
            "cannot connect to {}: {}",
            url.host_header(),
            failures.join("; ")
        )
    }

    /// Sends the request on the open connection and reads the response.
    fn exchange(
        &mut self,
        request: &[u8],
        head: bool,
        body: &mut dyn Write,
    ) -> Result<ResponseHead> {
        let verbose = self.verbose;
        let open = self.open.as_mut().ok_or_else(|| anyhow!("no connection"))?;
        if verbose {
            for line in String::from_utf8_lossy(request)
                .split("\r\n")
                .take_while(|l| !l.is_empty())
            {
                eprintln!("> {line}");
            }
            eprintln!(">");
        }
        open.reader
            .get_mut()
            .write_all(request)
            .context("sending the request")?;
        let response = ResponseHead::read_from(&mut open.reader).context("reading the response")?;
        if verbose {
            for line in &response.lines {
                eprintln!("< {line}");
            }
            eprintln!("<");
        }
        let end = response.body_end(head)?;
        read_body(&mut open.reader, end, body)?;
        if !response.keeps_connection(end) || self.http10 {
            self.note(format_args!("closing the connection"));
            self.open = None;
        }
        Ok(response)
    }

    fn note(&self, text: std::fmt::Arguments<'_>) {
        if self.verbose {
            eprintln!("* {text}");
        }
    }
}

/// Whether an error means a reused connection had been closed by the server before our
/// request reached it (nothing of a response arrived).
fn is_stale(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|e| match e.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => true,
            io::ErrorKind::UnexpectedEof => e.to_string().contains("without answering"),
            _ => false,
        })
}

/// Reads a body delimited as `end` says, into `out`.
fn read_body(reader: &mut BufReader<TcpStream>, end: BodyEnd, out: &mut dyn Write) -> Result<()> {
    match end {
        BodyEnd::None => {}
        BodyEnd::Length(len) => {
            let copied = io::copy(&mut reader.take(len), out).context("reading the body")?;
            if copied < len {
                bail!("the server closed the connection after {copied} of {len} bytes");
            }
        }
        BodyEnd::Close => {
            io::copy(reader, out).context("reading the body")?;
        }
        BodyEnd::Chunked => {
            // The server's chunks, not ours to bound by the server's request limits: a
            // download may be large.
            let limits = Limits {
                max_body: u64::MAX,
                ..Limits::default()
            };
            let mut decoder = ChunkedDecoder::new(&limits);
            let mut decoded = Vec::new();
            loop {
                let buf = reader.fill_buf().context("reading the body")?;
                if buf.is_empty() {
                    bail!("the server closed the connection inside a chunked body");
                }
                let step = decoder
                    .decode(buf, &mut decoded)
                    .map_err(|e| anyhow!("a chunked body: {e}"))?;
                let used = match step {
                    Decoded::NeedMore => buf.len(),
                    Decoded::Done { used } => used,
                };
                reader.consume(used);
                out.write_all(&decoded).context("writing the body")?;
                decoded.clear();
                if let Decoded::Done { .. } = step {
                    break;
                }
            }
        }
    }
    Ok(())
}
