//! `packet-decode`: takes a captured frame apart layer by layer, like a tiny Wireshark.
//!
//! ```text
//! packet-decode ffffffffffff0800200a8c6d0806...    hex, spaces and colons allowed
//! packet-decode ff ff ff ff ff ff 08 00 20 ...     several arguments are joined
//! xxd -p frame.bin | packet-decode -               hex from stdin
//! packet-decode --ip 45000021...                   an IPv4 packet, no Ethernet header
//! ```
//!
//! Each layer prints as a summary line and its fields, with the byte range of each
//! field. Malformed or truncated input prints the layers decoded so far, then
//! `error: <layer>: ...` on stderr, and exits with status 1. Checksum mismatches are
//! shown in the field (`(bad, expected 0x....)`) and as `warning:` lines on stderr,
//! and do not change the exit status: loopback captures usually have them.

use std::io::{self, Read};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Parser;
use framing::wire::{decode_frame, decode_ipv4_packet, parse_hex, Layer, WireError};

/// The most hex text read from stdin. The largest IPv4 packet is 65535 bytes, which is
/// 131070 hex digits; 1 MiB leaves room for any spacing.
const MAX_INPUT: u64 = 1 << 20;

/// Decode an Ethernet frame (or an IPv4 packet) given in hex, layer by layer.
#[derive(Parser, Debug)]
#[command(name = "packet-decode", version)]
struct Args {
    /// The bytes in hex ("0800", "08 00", "08:00"); several arguments are joined. Give
    /// "-" to read the hex from stdin.
    #[arg(required = true, value_name = "HEX")]
    hex: Vec<String>,

    /// The bytes start with an IPv4 header instead of an Ethernet header.
    #[arg(long)]
    ip: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let text = if args.hex == ["-"] {
        read_stdin()?
    } else if args.hex.iter().any(|piece| piece == "-") {
        bail!("\"-\" (read stdin) must be the only argument");
    } else {
        args.hex.join(" ")
    };
    let bytes = parse_hex(&text).context("bad hex")?;
    if bytes.is_empty() {
        bail!("no hex digits given: write the bytes as hex, e.g. `ff ff ff ff ff ff ...`");
    }

    let decoded = if args.ip {
        decode_ipv4_packet(&bytes)
    } else {
        decode_frame(&bytes)
    };
    print!("{decoded}");
    for warning in &decoded.warnings {
        eprintln!("warning: {warning}");
    }
    let transport_checksum = |err: &WireError| matches!(err.layer(), Layer::Udp | Layer::Tcp);
    if decoded.warnings.iter().any(transport_checksum) {
        eprintln!(
            "note: captures taken on the sending host or on loopback often have wrong UDP/TCP \
             checksums: the system leaves them for the network card to fill in (checksum offload)"
        );
    }
    match &decoded.error {
        Some(err) => {
            eprintln!("error: {err}");
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn read_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    io::stdin()
        .take(MAX_INPUT + 1)
        .read_to_string(&mut text)
        .context("reading hex from stdin")?;
    if text.len() as u64 > MAX_INPUT {
        bail!("more than {MAX_INPUT} bytes of hex on stdin; one frame is at most 65535 bytes");
    }
    Ok(text)
}
