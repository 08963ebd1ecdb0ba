//! `file-client`: downloads one file from a `file-server`, whole or not at all.
//!
//! The bytes go to `PATH.part`, renamed to `PATH` only when every byte has arrived (and,
//! with `--verify`, the SHA-256 of the whole file matches the server's). A cut download
//! keeps its `.part` for `--resume`, which starts over if the server's file has changed
//! since. A refusal from the server is a message and exit status 1, never a file holding
//! an error text. `-o -` writes the bytes to standard output; `--classic` speaks the
//! course's protocol (to the course's Python servers).
//!
//! ```text
//! $ file-client 127.0.0.1:7891 notes.txt --verify
//! saved notes.txt: 1 MiB in 0.01 s (95.2 MiB/s), SHA-256 verified
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use file_download::client::part::PartPaths;
use file_download::client::{output_path, Done, Download, Output};
use file_download::digest::hex;
use netbasics::server_addr::ServerAddr;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

/// File client: download a file from a file-server, resumable and verified.
#[derive(Parser, Debug)]
#[command(name = "file-client", version)]
struct Args {
    // (Written as `help`: rustdoc would read `[::1]` in a doc comment as a link.)
    #[arg(help = "The server, as HOST:PORT: 127.0.0.1:7891, [::1]:7891 or localhost:7891")]
    server: ServerAddr,
    /// The file's name on the server, relative to the directory it serves.
    name: String,
    /// Where to save it (a directory: the file's own name inside it; `-`: standard
    /// output). Default: the file's own name, here.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
    /// Continue PATH.part where it stopped (from the start if the file changed since).
    #[arg(long, conflicts_with = "classic")]
    resume: bool,
    /// Ask for the file's SHA-256 and keep the file only if it matches.
    #[arg(long, conflicts_with = "classic")]
    verify: bool,
    /// Overwrite PATH if it exists.
    #[arg(long)]
    force: bool,
    /// Speak the course's protocol (a bare name out, bytes in until the server closes).
    #[arg(long)]
    classic: bool,
    /// How many seconds to wait for the connection.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    connect_timeout: u64,
    /// How many seconds the server may stay silent before giving up.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Print only errors (no progress bar, no summary).
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    let to_stdout = args.output.as_deref() == Some("-".as_ref());
    if to_stdout && args.resume {
        clap::Error::raw(
            clap::error::ErrorKind::ArgumentConflict,
            "--resume needs a file to continue: it cannot be used with -o -\n",
        )
        .exit();
    }
    netbasics::cli::exit_on_error(run(args, to_stdout));
}

fn run(args: Args, to_stdout: bool) -> Result<()> {
    let output = if to_stdout {
        Output::Stdout
    } else {
        Output::File(output_path(&args.name, args.output.as_deref())?)
    };
    // Ctrl-C: the .part file stays for --resume (nothing is deleted on the way out).
    let part = match &output {
        Output::File(path) => Some(PartPaths::new(path).part),
        Output::Stdout => None,
    };
    ctrlc::set_handler(move || {
        // Not `eprintln!`, which panics when stderr is gone: the exit must happen.
        let mut stderr = std::io::stderr();
        let _ = match &part {
            Some(part) if part.exists() => writeln!(
                stderr,
                "\ninterrupted: {} kept: run again with --resume to continue",
                part.display()
            ),
            _ => writeln!(stderr, "\ninterrupted"),
        };
        std::process::exit(130);
    })
    .context("installing the Ctrl-C handler")?;

    let download = Download {
        server: args.server,
        name: args.name,
        output,
        resume: args.resume,
        verify: args.verify,
        force: args.force,
        classic: args.classic,
        connect_timeout: Duration::from_secs(args.connect_timeout),
        timeout: Duration::from_secs(args.timeout),
        notes: !args.quiet,
        // A bar between the file's own lines on the same terminal would garble both (curl
        // draws none there either).
        progress: !(args.quiet || to_stdout && std::io::stdout().is_terminal()),
    };
    let done = download.run()?;
    if !args.quiet {
        eprintln!("{}", summary(&done, args.classic));
    }
    Ok(())
}

/// The line that says what was saved.
fn summary(done: &Done, classic: bool) -> String {
    let secs = done.elapsed.as_secs_f64();
    let rate = done.received as f64 / secs.max(1e-6) / (1024.0 * 1024.0);
    let mut line = match &done.path {
        Some(path) => format!("saved {}: {} bytes", path.display(), done.size),
        None => format!("wrote {} bytes to standard output", done.size),
    };
    // The time and rate of a transfer over in a blink say nothing (and would differ on
    // every run of the same command).
    if secs >= 1.0 {
        line += &format!(" in {secs:.1} s ({rate:.1} MiB/s)");
    }
    if done.resumed_from > 0 {
        line += &format!(", resumed at {}", done.resumed_from);
    }
    if let Some(digest) = &done.verified {
        line += &format!(", SHA-256 verified: {}", hex(digest));
    }
    if classic {
        line += " (the course's protocol: a cut transfer would look the same)";
    }
    line
}
