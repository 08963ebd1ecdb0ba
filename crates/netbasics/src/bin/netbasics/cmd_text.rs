//! `netbasics encode|decode|mojibake`: the course's `str.encode()` / `bytes.decode()` lesson.
//!
//! `encode` shows the bytes a text becomes, character by character; `decode` shows the
//! text some bytes become, and where bad bytes were; `mojibake` writes in one encoding,
//! reads in another, and tries to undo the damage.

use anyhow::Context;
use netbasics::text::{
    decode, decode_strict, encode, encode_chars, escape_text, mojibake, needs_escape, parse_hex,
    python_bytes_repr, to_hex, unmojibake, BadBytes, Decoded, Encoding,
};

/// Arguments of `netbasics encode`.
#[derive(clap::Args)]
pub struct EncodeArgs {
    /// The text to encode.
    pub text: String,
    /// The encoding: utf-8, gbk, gb18030, big5, shift_jis, euc-kr, utf-16, latin-1, ...
    #[arg(short, long, default_value = "utf-8")]
    pub encoding: Encoding,
}

/// Arguments of `netbasics decode`.
#[derive(clap::Args)]
pub struct DecodeArgs {
    /// The bytes: "e4 bd a0", e4bda0, E4:BD:A0, 0xe4 0xbd, \xe4\xbd\xa0 or b'\xe4\xbd\xa0'.
    pub hex: String,
    /// The encoding: utf-8, gbk, gb18030, big5, shift_jis, euc-kr, utf-16, latin-1, ...
    #[arg(short, long, default_value = "utf-8")]
    pub encoding: Encoding,
    /// Fail (exit 1) on bad bytes, as Python's bytes.decode() does, instead of
    /// replacing them with U+FFFD.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `netbasics mojibake`.
#[derive(clap::Args)]
pub struct MojibakeArgs {
    /// The text.
    pub text: String,
    /// The encoding the sender writes the text in.
    #[arg(long, default_value = "utf-8")]
    pub written_in: Encoding,
    /// The encoding the receiver wrongly reads it as.
    #[arg(long, default_value = "gbk")]
    pub read_as: Encoding,
}

/// Width of the label column of the reports.
const LABEL: usize = 12;

/// Runs `netbasics encode`.
pub fn run_encode(args: &EncodeArgs) -> anyhow::Result<()> {
    let encoding = args.encoding;
    let bytes = encode(&args.text, encoding).context("encoding the text")?;
    let pieces = encode_chars(&args.text, encoding).context("encoding the text")?;

    row("text", &show_text(&args.text));
    row("encoding", encoding.name());
    if encoding != Encoding::Utf8 {
        row_wrapped("note", encoding.note());
    }
    row("bytes", &bytes.len().to_string());
    row("hex", &to_hex(&bytes));
    row("python", &python_bytes_repr(&bytes));

    // The per-character table: which bytes each character became.
    let width = pieces
        .iter()
        .map(|(_, b)| to_hex(b).len())
        .chain([to_hex(encoding.bom()).len(), "bytes".len()])
        .max()
        .unwrap_or(0);
    println!();
    println!(
        "{:>5}  {:<10}  {:<width$}  char",
        "#", "code point", "bytes"
    );
    if !encoding.bom().is_empty() {
        println!(
            "{:>5}  {:<10}  {:<width$}  byte order mark",
            "-",
            "BOM",
            to_hex(encoding.bom())
        );
    }
    for (i, (ch, piece)) in pieces.iter().enumerate() {
        println!(
            "{i:>5}  {:<10}  {:<width$}  {}",
            format!("U+{:04X}", u32::from(*ch)),
            to_hex(piece),
            show_char(*ch)
        );
    }
    Ok(())
}

/// Runs `netbasics decode`.
pub fn run_decode(args: &DecodeArgs) -> anyhow::Result<()> {
    let encoding = args.encoding;
    let bytes = parse_hex(&args.hex).context("reading the bytes")?;
    if args.strict {
        // Python's default: the first bad byte is an error, and no text comes out.
        decode_strict(&bytes, encoding)
            .context("decoding with --strict (without it, bad bytes are shown as U+FFFD)")?;
    }
    let decoded = decode(&bytes, encoding);

    if bytes.is_empty() {
        row("bytes", "0");
    } else {
        row("bytes", &format!("{}: {}", bytes.len(), to_hex(&bytes)));
    }
    row("python", &python_bytes_repr(&bytes));
    row("encoding", encoding.name());
    if encoding != Encoding::Utf8 {
        row_wrapped("note", encoding.note());
    }
    row("text", &show_text(&decoded.text));
    row("code points", &code_points(&decoded.text));
    print_bad_bytes(&decoded.errors);
    if !decoded.is_clean() {
        eprintln!(
            "warning: {} bad byte sequence(s) in the {} input were replaced with U+FFFD \
             (use --strict to fail instead)",
            decoded.errors.len(),
            encoding
        );
    }
    Ok(())
}

/// Runs `netbasics mojibake`.
pub fn run_mojibake(args: &MojibakeArgs) -> anyhow::Result<()> {
    let (written, read) = (args.written_in, args.read_as);
    let (bytes, seen) = mojibake(&args.text, written, read)
        .with_context(|| format!("writing the text in {written}"))?;

    row("text", &show_text(&args.text));
    row(
        "written in",
        &format!("{written}: {} ({} bytes)", to_hex(&bytes), bytes.len()),
    );
    row("read as", &format!("{read}: {}", show_text(&seen.text)));
    print_bad_bytes(&seen.errors);

    // Undo: turn what was seen back into bytes the way the reader decoded them, then
    // decode those bytes the right way.
    println!();
    row(
        "undo",
        &format!("encode what was seen in {read}, then decode it as {written}:"),
    );
    match unmojibake(&seen.text, read, written) {
        Ok(back) if back.text == args.text => {
            row(
                "",
                &format!(
                    "{}  restored: the wrong reading lost nothing",
                    show_text(&back.text)
                ),
            );
        }
        Ok(back) => {
            row("", &format!("{}  lost", show_text(&back.text)));
            explain_loss(&seen, &back);
        }
        Err(err) => {
            row_wrapped("", &format!("impossible: {err}"));
            explain_loss(&seen, &Decoded::default());
        }
    }
    Ok(())
}

/// Says why an undo failed.
fn explain_loss(seen: &Decoded, back: &Decoded) {
    if !seen.is_clean() {
        row_wrapped(
            "",
            "the reader replaced bad bytes with U+FFFD, one character for any bad run: \
             the original bytes are gone for good",
        );
        if back.text.contains("锟斤拷") {
            row_wrapped(
                "",
                "锟斤拷 is U+FFFD's UTF-8 bytes (ef bf bd ef bf bd) read as GBK: \
                 the famous sign of this loss",
            );
        }
    } else {
        row_wrapped(
            "",
            "the reader's encoding gives different bytes back for what it decoded",
        );
    }
}

/// The bad-bytes table, or "none".
fn print_bad_bytes(errors: &[BadBytes]) {
    if errors.is_empty() {
        row("bad bytes", "none");
        return;
    }
    row(
        "bad bytes",
        &format!("{} run(s), each shown as U+FFFD (\u{fffd}):", errors.len()),
    );
    println!("{:LABEL$}{:>8}  bytes", "", "offset");
    for bad in errors {
        println!("{:LABEL$}{:>8}  {}", "", bad.offset, to_hex(&bad.bytes));
    }
}

/// A character for the table: quoted, escaped when it is invisible or would break the
/// line (the workspace's one rule: [`escape_text`]).
fn show_char(ch: char) -> String {
    format!("'{}'", escape_text(ch.encode_utf8(&mut [0; 4])))
}

/// Text for a report line: as it is, or quoted with escapes if it holds characters
/// that are invisible or would break the line ([`needs_escape`]).
fn show_text(text: &str) -> String {
    if text.chars().any(needs_escape) {
        // Inside quotes, a quote or a backslash of the text itself is escaped too, so the
        // quoted text reads back unambiguously.
        let quoted = text.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{}\" (escaped)", escape_text(&quoted))
    } else {
        text.to_string()
    }
}

/// "U+4F60 U+597D", shortened after 24 characters.
fn code_points(text: &str) -> String {
    const SHOWN: usize = 24;
    let mut points: Vec<String> = text
        .chars()
        .take(SHOWN)
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    let total = text.chars().count();
    if total > SHOWN {
        points.push(format!("... ({total} characters)"));
    }
    if points.is_empty() {
        return "(none: empty text)".to_string();
    }
    points.join(" ")
}

fn row(label: &str, value: &str) {
    println!("{label:<LABEL$}{value}");
}

/// A row whose long value is wrapped at word boundaries under the value column.
fn row_wrapped(label: &str, value: &str) {
    const WIDTH: usize = 76;
    let mut line = String::new();
    let mut label = label;
    for word in value.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            row(label, &line);
            label = "";
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    row(label, &line);
}
