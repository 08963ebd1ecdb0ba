//! `cmd-client HOST:PORT [COMMAND...]`: send commands to `cmd-server` and print the results.
//!
//! Each argument is one command line; without arguments, lines are read from stdin (with a
//! `>>> ` prompt when stdin is a terminal), as the course's client does with `input()`.
//! The command's stdout goes to stdout, its stderr to stderr, and a command that failed
//! says how. `--classic` talks to the course's Python server (raw command out, `=i` header
//! and output back).
//!
//! The course's client waits for ever: for a server that never answers the connection,
//! for a reply that never comes, for the rest of a reply that stopped. This one gives up
//! after `--connect-timeout` and `--timeout` seconds, saying which. Reading from stdin, it
//! reconnects when the server has hung up while the user was thinking (servers hang up on
//! idle clients).

use anyhow::{anyhow, bail, Context, Result};
use clap::{value_parser, Parser};
use framing::frame::{Codec, FrameError, FrameReader};
use framing::header::LengthHeader;
use framing::reply::Reply;
use netbasics::deadline::{expired, TimedReader};
use netbasics::text::{decode, Encoding};
use std::io::{BufRead, IsTerminal, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The most reply bytes accepted: two 1 MiB outputs fit easily, and so do two of the
/// largest (`cmd-server --max-output` is at most 16 MiB); a server that announces more is
/// refused before anything is allocated.
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
    /// Seconds to wait for the server to answer the connection.
    #[arg(long, value_name = "SECS", default_value_t = 5,
          value_parser = value_parser!(u64).range(1..=3600))]
    connect_timeout: u64,
    /// Seconds to wait for each reply, whole (the server's own limit on a command is 10 s
    /// by default).
    #[arg(long, value_name = "SECS", default_value_t = 30,
          value_parser = value_parser!(u64).range(1..=3600))]
    timeout: u64,
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
    let mut client = Client {
        classic: args.classic,
        codec: Codec::new(header, MAX_REPLY),
        encoding: args.encoding,
        server: args.server,
        connect_timeout: Duration::from_secs(args.connect_timeout),
        timeout: Duration::from_secs(args.timeout),
        connection: None,
        all_ok: true,
    };
    client.connect()?;

    if !args.commands.is_empty() {
        for command in &args.commands {
            client.send(command)?;
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
        // The server hangs up on a client that thinks too long: come back.
        if client.closed_by_server() {
            eprintln!("note: the server had closed the connection while we waited: reconnecting");
            client.connect()?;
        }
        client.send(line.trim())?;
    }
}

/// One connection: the socket to write to, and its frames to read, each within a deadline.
struct Connection {
    writer: TcpStream,
    reader: FrameReader<TimedReader<TcpStream>>,
}

struct Client {
    classic: bool,
    codec: Codec,
    encoding: Encoding,
    server: String,
    connect_timeout: Duration,
    timeout: Duration,
    connection: Option<Connection>,
    all_ok: bool,
}

impl Client {
    /// Steps 1-2, socket and connect: to each address the server's name stands for, in
    /// turn, each attempt given `--connect-timeout` (a server whose machine never answers
    /// would otherwise keep us for the system's two minutes).
    fn connect(&mut self) -> Result<()> {
        let server = &self.server;
        let context = || format!("connecting to {server}");
        let mut last = None;
        for addr in server.to_socket_addrs().with_context(context)? {
            match TcpStream::connect_timeout(&addr, self.connect_timeout) {
                Ok(stream) => {
                    let reader = stream.try_clone().context("cloning the socket")?;
                    let reader =
                        FrameReader::new(TimedReader::new(reader, None), self.codec.clone());
                    self.connection = Some(Connection {
                        writer: stream,
                        reader,
                    });
                    return Ok(());
                }
                Err(e) => last = Some(e),
            }
        }
        let err = match last {
            None => anyhow!("the name has no address"),
            Some(e) if e.kind() == std::io::ErrorKind::TimedOut => anyhow!(
                "no answer within {} s (--connect-timeout)",
                self.connect_timeout.as_secs()
            ),
            Some(e) => e.into(),
        };
        Err(err.context(context()))
    }

    /// Whether the server has closed the connection since the last reply: a look at the
    /// socket (a peek that does not wait) finds the end of the stream.
    fn closed_by_server(&self) -> bool {
        let Some(connection) = &self.connection else {
            return true;
        };
        let socket = &connection.writer;
        if socket.set_nonblocking(true).is_err() {
            return false;
        }
        let closed = match socket.peek(&mut [0u8; 1]) {
            Ok(n) => n == 0,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        };
        let _ = socket.set_nonblocking(false);
        closed
    }

    /// 3. send one command; 4. receive and print its reply.
    fn send(&mut self, command: &str) -> Result<()> {
        let connection = self
            .connection
            .as_mut()
            .context("not connected to the server")?;
        if self.classic {
            connection.writer.write_all(command.as_bytes())?;
        } else {
            self.codec
                .write_frame(&mut connection.writer, command.as_bytes())?;
        }
        connection
            .reader
            .get_mut()
            .expect(Instant::now() + self.timeout, None);
        let payload = match connection.reader.read_frame() {
            Ok(Some(payload)) => payload,
            Ok(None) => bail!("the server closed the connection before replying"),
            Err(FrameError::Io(e)) if expired(&e).is_some() => {
                let secs = self.timeout.as_secs();
                bail!(match connection.reader.progress() {
                    Some((got, len)) => format!(
                        "the reply to {command:?} stopped: {got} of its {len} bytes came \
                         within {secs} s (--timeout)"
                    ),
                    None => format!("no reply to {command:?} within {secs} s (--timeout)"),
                });
            }
            Err(e) => return Err(e).context("reading the reply"),
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
