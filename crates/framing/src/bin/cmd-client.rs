//! `cmd-client HOST:PORT [COMMAND...]`: send commands to `cmd-server` and print the results.
//!
//! Each argument is one command line; without arguments, lines are read from stdin (with a
//! `>>> ` prompt when stdin is a terminal), as the course's client does with `input()`.
//! The command's stdout goes to stdout, its stderr to stderr, and a command that failed
//! says how. `--classic` talks to the course's Python server (raw command out, `=i` header
//! and output back).

use anyhow::{bail, Context, Result};
use clap::Parser;
use framing::frame::{Codec, FrameReader};
use framing::header::LengthHeader;
use framing::reply::Reply;
use netbasics::text::{decode, Encoding};
use std::io::{BufRead, IsTerminal, Write};
use std::net::TcpStream;

/// The most reply bytes accepted: two 1 MiB outputs fit easily; a server that announces
/// more is refused before anything is allocated.
const MAX_REPLY: usize = 64 * 1024 * 1024;

/// Send commands to cmd-server and print their output.
#[derive(Parser)]
#[command(name = "cmd-client", version)]
struct Args {
    /// The server, as HOST:PORT (`127.0.0.1:9904`, `[::1]:9904`, `localhost:9904`).
    server: String,
    /// Command lines to run, one per argument; none: read them from stdin.
    commands: Vec<String>,
    /// The length header, a Python struct format: !I (default), =i (the course's 'i').
    #[arg(long)]
    header: Option<String>,
    /// Speak the course's protocol: raw command text out, `=i` header + output back.
    #[arg(long)]
    classic: bool,
    /// How to decode the output: utf-8 (default), gbk for the course's Windows server, ...
    #[arg(long, short = 'e', default_value = "utf-8")]
    encoding: Encoding,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    match run(Args::parse()) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(1);
        }
    }
}

/// Returns whether every command succeeded.
fn run(args: Args) -> Result<bool> {
    let default_header = if args.classic { "=i" } else { "!I" };
    let header = LengthHeader::parse(args.header.as_deref().unwrap_or(default_header))?;
    let codec = Codec::new(header, MAX_REPLY);
    // 1-2. socket + connect.
    let stream = TcpStream::connect(&args.server)
        .with_context(|| format!("connecting to {}", args.server))?;
    let mut writer = stream.try_clone().context("cloning the socket")?;
    let mut reader = FrameReader::new(stream, codec.clone());
    let mut client = Client {
        classic: args.classic,
        codec,
        encoding: args.encoding,
        all_ok: true,
    };

    if !args.commands.is_empty() {
        for command in &args.commands {
            client.send(command, &mut writer, &mut reader)?;
        }
        return Ok(client.all_ok);
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    loop {
        if interactive {
            print!(">>> ");
            std::io::stdout().flush()?;
        }
        let mut line = String::new();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Ok(client.all_ok); // end of input: 5. close
        }
        if line.trim().is_empty() {
            continue;
        }
        client.send(line.trim(), &mut writer, &mut reader)?;
    }
}

struct Client {
    classic: bool,
    codec: Codec,
    encoding: Encoding,
    all_ok: bool,
}

impl Client {
    /// 3. send one command; 4. receive and print its reply.
    fn send(
        &mut self,
        command: &str,
        writer: &mut TcpStream,
        reader: &mut FrameReader<TcpStream>,
    ) -> Result<()> {
        if self.classic {
            writer.write_all(command.as_bytes())?;
        } else {
            self.codec.write_frame(writer, command.as_bytes())?;
        }
        let Some(payload) = reader.read_frame().context("reading the reply")? else {
            bail!("the server closed the connection before replying");
        };
        if self.classic {
            // The course's reply mixes stdout and stderr and says nothing of success.
            print!("{}", decode(&payload, self.encoding).text);
            std::io::stdout().flush()?;
            return Ok(());
        }
        let reply = Reply::decode(&payload).context("decoding the reply")?;
        print!("{}", decode(&reply.stdout, self.encoding).text);
        // Output cut mid-line: end the line, so the note below starts on its own.
        if reply.truncated && !reply.stdout.is_empty() && !reply.stdout.ends_with(b"\n") {
            println!();
        }
        std::io::stdout().flush()?;
        eprint!("{}", decode(&reply.stderr, self.encoding).text);
        if !reply.success() {
            self.all_ok = false;
            eprintln!("[{command}: {}]", reply.describe());
        } else if reply.truncated {
            eprintln!("[{command}: {}]", reply.describe());
        }
        Ok(())
    }
}
