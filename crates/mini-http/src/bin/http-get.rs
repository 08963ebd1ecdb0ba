//! `http-get`: fetch URLs over HTTP/1.1, showing what goes over the wire.
//!
//! Each URL's body goes to standard output: text decoded from its charset (a GBK page shows
//! as Chinese, not as mojibake), anything else as raw bytes. URLs on the same host and port
//! share one connection (HTTP/1.1's 长连接); `--http1.0` opens one per request (短连接).
//! `-v` shows how the host was found (the hosts file, or DNS), the request as sent (`> `)
//! and the response head (`< `); `-I` asks with `HEAD` and prints the head only.
//!
//! ```text
//! $ http-get -v http://localhost:8000/ http://localhost:8000/a.txt
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use mini_http::client::fetch::Fetcher;
use mini_http::client::response::ResponseHead;
use mini_http::client::url::Url;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Fetch URLs over HTTP/1.1 (one connection per server), showing the exchange with -v.
#[derive(Parser, Debug)]
#[command(name = "http-get", version)]
struct Args {
    // (Written as `help`: rustdoc would read `[:PORT]` in a doc comment as a link.)
    #[arg(
        required = true,
        value_name = "URL",
        help = "The URLs: http://HOST[:PORT]/PATH (or HOST:PORT/PATH)"
    )]
    urls: Vec<String>,
    /// Ask with HEAD and print the response's head (status line and fields).
    #[arg(short = 'I', long)]
    head: bool,
    /// Show the lookup, the connection, the request sent and the response head on stderr.
    #[arg(short, long)]
    verbose: bool,
    /// Write the body's raw bytes to FILE instead of standard output (with several URLs,
    /// the last one's, as curl's -o does).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Speak HTTP/1.0: a new connection for every request.
    #[arg(long = "http1.0")]
    http10: bool,
    /// How many seconds the server may stay silent.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    netbasics::cli::exit_on_error(run(Args::parse()));
}

fn run(args: Args) -> Result<()> {
    let urls = args
        .urls
        .iter()
        .map(|text| Url::parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut fetcher = Fetcher::new(args.http10, args.verbose, Duration::from_secs(args.timeout));
    let mut stdout = std::io::stdout().lock();
    for (i, url) in urls.iter().enumerate() {
        let last = !urls[i + 1..].iter().any(|next| next.same_origin(url));
        let mut body = Vec::new();
        let response = match &args.output {
            // Created afresh for each URL: the file holds the last body.
            Some(path) => {
                let mut file =
                    File::create(path).with_context(|| format!("creating {}", path.display()))?;
                fetcher.fetch(url, args.head, last, &mut file)
            }
            None => fetcher.fetch(url, args.head, last, &mut body),
        }
        .with_context(|| format!("fetching {url}"))?;
        if args.head {
            for line in &response.lines {
                writeln!(stdout, "{line}")?;
            }
            writeln!(stdout)?;
        }
        if !body.is_empty() {
            stdout.write_all(&shown(&response, body))?;
        }
    }
    stdout.flush()?;
    Ok(())
}

/// The body as it is shown: text decoded from its charset to UTF-8, anything else as is.
fn shown(response: &ResponseHead, body: Vec<u8>) -> Vec<u8> {
    if !response.is_text() {
        return body;
    }
    let label = response.charset().unwrap_or_else(|| "utf-8".to_string());
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            let (text, _, _) = encoding.decode(&body);
            text.into_owned().into_bytes()
        }
        _ => body,
    }
}
