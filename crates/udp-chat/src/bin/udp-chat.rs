//! `udp-chat`: the course's full-duplex UDP chat, where both sides type and receive at the
//! same time.
//!
//! ```text
//! udp-chat --peer 127.0.0.1:7891            # on 127.0.0.1:7890, talking to 127.0.0.1:7891
//! udp-chat --port 7891                      # no peer: the first to write becomes the peer
//! udp-chat --port 0 --peer 127.0.0.1:7890   # a port the system chooses (see the first line)
//! udp-chat --encoding gbk --name 小明        # GBK text, sent as "小明: ..."
//! ```
//!
//! The first line on standard output is `listening on IP:PORT`. Then every datagram that
//! arrives is printed as `[from IP:PORT] text`; what you type is sent to the peer, one
//! line per datagram. `bye` (or the end of the input, Ctrl-D, or Ctrl-C) sends `bye` to
//! the peer and leaves; a `bye` from the peer ends this side too. `/who` lists everyone
//! heard from, `/peer HOST:PORT` changes the peer, `/help` lists the commands. Notes
//! (who became the peer, why a line was not sent) go to standard error.
//!
//! How the threads share the work and how they stop: see the `udp_chat::chat` module.
//! The comments below carry the course's step numbers (its `TODO 1` to `TODO 10`).

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};

use anyhow::{Context, Result};
use clap::Parser;
use netbasics::server_addr::ServerAddr;
use netbasics::text::Encoding;
use udp_chat::chat::resolve_peer;
use udp_chat::chat::session::{Session, Settings};
use udp_chat::socket::{self, Options};

/// Full-duplex UDP chat: type to send, while messages from the other side are printed.
#[derive(Parser)]
#[command(name = "udp-chat", version)]
struct Args {
    /// Who to talk to. Without it, the first to write becomes the peer (or type
    /// /peer HOST:PORT).
    #[arg(long, value_name = "HOST:PORT")]
    peer: Option<ServerAddr>,
    /// The address to receive on: 127.0.0.1 only hears this machine, 0.0.0.0 (or ::)
    /// every network this machine is on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The port (0: let the system choose; the first line of output says which).
    #[arg(long, default_value_t = 7890)]
    port: u16,
    /// The encoding of the text sent and shown (the course's encode('gbk') is gbk).
    #[arg(long, default_value = "utf-8")]
    encoding: Encoding,
    /// Send every message as "NAME: text" (but `bye` alone, so any peer understands it).
    #[arg(long)]
    name: Option<String>,
    /// Keep standard error for errors only (no notes about the peer).
    #[arg(short, long)]
    quiet: bool,
}

fn main() {
    netbasics::cli::exit_quietly_on_broken_pipe();
    let args = Args::parse();
    netbasics::cli::exit_on_error(run(args));
}

fn run(args: Args) -> Result<()> {
    // TODO 1. socket(AF_INET, SOCK_DGRAM) and TODO 2. bind: the course binds ('', 7890),
    // every network; here 127.0.0.1 unless --bind says otherwise.
    let socket = socket::bind(SocketAddr::new(args.bind, args.port), &Options::default())?;
    let local = socket
        .local_addr()
        .context("reading the address the socket is bound to")?;

    // TODO 3. dest_addr: the peer, if given (else learnt from the first to write).
    let peer = match &args.peer {
        Some(peer) => Some(resolve_peer(peer, Some(local))?),
        None => None,
    };

    // Ctrl-C ends the chat like `bye`; ready before anyone is told the socket is there.
    let session = Session::new();
    ctrlc::set_handler(session.interrupter()).context("installing the Ctrl-C handler")?;

    // The socket is bound, so datagrams sent from now on wait in its queue.
    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;

    // TODO 4.-10.: the threads, the chat, and `bye` (see udp_chat::chat::session).
    session.run(
        socket,
        Settings {
            peer,
            encoding: args.encoding,
            name: args.name,
            quiet: args.quiet,
        },
    )
}
