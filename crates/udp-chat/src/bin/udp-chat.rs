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

use std::io::{self, BufRead, Write};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::Parser;
use netbasics::text::{encode, Encoding};
use tcp_echo::server_addr::ServerAddr;
use udp_chat::chat::{
    is_bye, parse_line, receive, resolve_peer, LineError, PeerTable, StopSignal, Typed, BYE, HELP,
};
use udp_chat::datagram;
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

/// How many events can wait for the main thread; past that the senders wait (Ctrl-C
/// does not: it also raises a flag).
const EVENT_QUEUE: usize = 64;

/// What the keyboard thread, the receiving thread and Ctrl-C hand to the main thread.
enum Event {
    /// A line was typed.
    Typed(Result<Typed, LineError>),
    /// A line was typed that is not UTF-8 text.
    NotText,
    /// The input ended (Ctrl-D, or the end of a pipe).
    InputEnded,
    /// Standard input could not be read.
    InputFailed(io::Error),
    /// A datagram arrived.
    Datagram { from: SocketAddr, bytes: Vec<u8> },
    /// The socket could not receive any more.
    ReceiveFailed(io::Error),
    /// Ctrl-C.
    Interrupted,
}

/// Why the chat ended.
enum Ending {
    /// `bye` was typed.
    Bye,
    /// The input ended.
    EndOfInput,
    /// Ctrl-C.
    Interrupted,
    /// The peer sent `bye`.
    PeerSaidBye,
    /// Standard input failed.
    InputFailed(io::Error),
    /// The socket failed.
    ReceiveFailed(io::Error),
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

    // Every thread hands what happens to the main thread through this channel. It is
    // bounded: when the main thread falls behind (its output is blocked, say), the
    // receiving thread waits, datagrams pile up in the socket's queue, and the system
    // drops the excess, as UDP always may. An unbounded channel would instead keep every
    // datagram of a flood in memory.
    let (events_tx, events) = mpsc::sync_channel(EVENT_QUEUE);
    // Ctrl-C raises this flag as well as sending an event, because the channel may be
    // full and the handler must never wait.
    let interrupted = Arc::new(AtomicBool::new(false));
    install_ctrl_c(events_tx.clone(), Arc::clone(&interrupted))?;

    // The socket is bound, so datagrams sent from now on wait in its queue.
    println!("listening on {local}");
    io::stdout().flush().context("writing to standard output")?;

    let socket = Arc::new(socket);
    let stop = Arc::new(StopSignal::new());
    // TODO 4. and TODO 6.: the receiving thread (TODO 8., recv_fun, is chat::receive).
    let receiver = spawn_receiver(Arc::clone(&socket), Arc::clone(&stop), events_tx.clone())?;
    // TODO 5. and TODO 7.: the course's sending thread reads the keyboard and sends. Here
    // a keyboard thread only reads, and the main thread sends (TODO 9., send_fun, is
    // Chat::send_message), so the main thread is never stuck waiting for a line.
    let keyboard = thread::Builder::new()
        .name("keyboard".into())
        .spawn(move || read_keyboard(events_tx))
        .context("starting the keyboard thread")?;

    let mut chat = Chat {
        socket: Arc::clone(&socket),
        peer,
        who: PeerTable::new(),
        encoding: args.encoding,
        name: args.name,
        quiet: args.quiet,
    };
    chat.introduce();
    let ending = chat.converse(&events, &interrupted);
    // Nobody reads the channel any more: a receiving thread waiting for room in it gets
    // an error at once and ends, so that it can be joined.
    drop(events);
    chat.finish(ending, &stop, receiver, keyboard)
}

/// The main thread's state: everything the chat knows, owned by one thread, so nothing
/// needs a lock.
struct Chat {
    socket: Arc<UdpSocket>,
    /// Where messages go (the course's `dest_addr`).
    peer: Option<SocketAddr>,
    /// Everyone heard from, for `/who`.
    who: PeerTable,
    encoding: Encoding,
    name: Option<String>,
    quiet: bool,
}

impl Chat {
    /// Handles events one at a time until the chat ends (the course's TODO 10,
    /// `close_session`, becomes this function returning).
    fn converse(&mut self, events: &Receiver<Event>, interrupted: &AtomicBool) -> Ending {
        // The Ctrl-C handler keeps a sender for the whole run, so the channel cannot close.
        while let Ok(event) = events.recv() {
            // Ctrl-C's own event may not have fit in a full channel: the flag says it.
            if interrupted.load(Ordering::SeqCst) {
                return Ending::Interrupted;
            }
            match event {
                Event::Typed(Ok(typed)) => match typed {
                    Typed::Message(text) => self.send_message(&text),
                    Typed::Bye => return Ending::Bye,
                    Typed::Who => println!("{}", self.who.render(Instant::now(), self.peer)),
                    Typed::Help => println!("{HELP}"),
                    Typed::Peer(None) => match self.peer {
                        Some(peer) => println!("your peer is {peer}"),
                        None => println!("no peer yet"),
                    },
                    Typed::Peer(Some(addr)) => self.change_peer(&addr),
                    Typed::Nothing => {}
                },
                Event::Typed(Err(err)) => eprintln!("udp-chat: {err}"),
                Event::NotText => {
                    eprintln!("udp-chat: that line is not UTF-8 text; nothing was sent")
                }
                Event::Datagram { from, bytes } => {
                    if self.received(from, &bytes).is_break() {
                        return Ending::PeerSaidBye;
                    }
                }
                Event::InputEnded => return Ending::EndOfInput,
                Event::InputFailed(err) => return Ending::InputFailed(err),
                Event::ReceiveFailed(err) => return Ending::ReceiveFailed(err),
                Event::Interrupted => return Ending::Interrupted,
            }
        }
        Ending::EndOfInput
    }

    /// TODO 9. (send_fun): one typed line, one datagram, to the peer.
    fn send_message(&self, text: &str) {
        let Some(peer) = self.peer else {
            eprintln!(
                "udp-chat: not sent: no peer yet (type /peer HOST:PORT, or wait for \
                 someone to write first)"
            );
            return;
        };
        let text = match &self.name {
            Some(name) => format!("{name}: {text}"),
            None => text.to_string(),
        };
        // The course's send_msg.encode('utf-8'): text becomes bytes before it travels.
        let bytes = match encode(&text, self.encoding) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("udp-chat: not sent: {err}");
                return;
            }
        };
        if let Err(err) = datagram::send_to(&self.socket, &bytes, peer) {
            eprintln!("udp-chat: not sent: {:#}", anyhow::Error::new(err));
        }
    }

    /// TODO 8. (recv_fun), the part that shows what arrived. Breaks when the peer said
    /// `bye`.
    fn received(&mut self, from: SocketAddr, bytes: &[u8]) -> ControlFlow<()> {
        self.who.heard(from, Instant::now());
        println!(
            "[from {from}] {}",
            udp_chat::datagram::show(bytes, self.encoding, false)
        );
        let bye = is_bye(bytes, self.encoding);
        match self.peer {
            // Someone leaving does not become the peer.
            None if !bye => {
                self.peer = Some(from);
                self.note(&format!("{from} wrote first: it is your peer now"));
            }
            Some(peer) if peer == from && bye => {
                self.note(&format!("{from} said bye: the chat is over"));
                return ControlFlow::Break(());
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    /// `/peer HOST:PORT`.
    fn change_peer(&mut self, addr: &ServerAddr) {
        let local = match self.socket.local_addr() {
            Ok(local) => local,
            Err(err) => {
                eprintln!("udp-chat: /peer: cannot read this socket's address: {err}");
                return;
            }
        };
        match resolve_peer(addr, Some(local)) {
            Ok(peer) => {
                self.peer = Some(peer);
                self.note(&format!("your peer is now {peer}"));
            }
            Err(err) => eprintln!("udp-chat: /peer: {err}; the peer is unchanged"),
        }
    }

    /// Sends `bye` to the peer, if there is one.
    fn say_bye(&self) {
        let Some(peer) = self.peer else { return };
        let sent = encode(BYE, self.encoding)
            .map_err(anyhow::Error::new)
            .and_then(|bytes| Ok(datagram::send_to(&self.socket, &bytes, peer)?));
        match sent {
            Ok(()) => self.note(&format!("said bye to {peer}")),
            Err(err) => eprintln!("udp-chat: could not say bye to {peer}: {err:#}"),
        }
    }

    /// Ends the chat: says bye if this side is the one leaving, stops and joins the
    /// receiving thread, joins the keyboard thread if it has finished, and reports.
    fn finish(
        self,
        ending: Ending,
        stop: &StopSignal,
        receiver: JoinHandle<()>,
        keyboard: JoinHandle<()>,
    ) -> Result<()> {
        // This side leaves: tell the peer, so its side ends too. (After the peer's own
        // `bye`, or when the socket failed, there is no one to tell.)
        if matches!(
            ending,
            Ending::Bye | Ending::EndOfInput | Ending::Interrupted | Ending::InputFailed(_)
        ) {
            self.say_bye();
        }

        // Stop the receiving thread and wait for it. It is blocked in recvfrom, and only
        // a datagram wakes it: StopSignal::stop raises the flag and sends an empty one to
        // our own socket. (After a receive error it has ended already.)
        if !matches!(ending, Ending::ReceiveFailed(_)) {
            if let Err(err) = stop.stop(&self.socket) {
                // Not worth failing for: the thread ends with the program.
                eprintln!("udp-chat: could not wake the receiving thread: {err}");
                return result_of(ending);
            }
        }
        receiver
            .join()
            .map_err(|_| anyhow!("the receiving thread panicked"))?;

        // The keyboard thread stops reading by itself after `bye` and at the end of the
        // input: join it. Otherwise (the peer said bye, Ctrl-C) it is blocked reading a
        // line that may never come, and no portable call can wake it; it ends with the
        // program, which returns from main now. Joining it would wait for Enter: the
        // course's program hangs exactly there.
        if matches!(
            ending,
            Ending::Bye | Ending::EndOfInput | Ending::InputFailed(_)
        ) {
            keyboard
                .join()
                .map_err(|_| anyhow!("the keyboard thread panicked"))?;
        }
        result_of(ending)
    }

    /// The first notes: who the peer is, and how to leave.
    fn introduce(&self) {
        match self.peer {
            Some(peer) => self.note(&format!(
                "talking to {peer}; text is {}; type a line to send it, bye to leave, \
                 /help for more",
                self.encoding
            )),
            None => self.note(&format!(
                "no peer yet: the first to write becomes it (or type /peer HOST:PORT); \
                 text is {}; bye to leave, /help for more",
                self.encoding
            )),
        }
    }

    /// A note on standard error, unless --quiet.
    fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("udp-chat: {text}");
        }
    }
}

/// Success for a chat that ended by someone's `bye` (or Ctrl-C), an error otherwise.
fn result_of(ending: Ending) -> Result<()> {
    match ending {
        Ending::Bye | Ending::EndOfInput | Ending::Interrupted | Ending::PeerSaidBye => Ok(()),
        Ending::InputFailed(err) => Err(err).context("reading standard input"),
        Ending::ReceiveFailed(err) => Err(err).context("receiving on the UDP socket"),
    }
}

/// Starts the receiving thread: it hands every datagram to the main thread, until stopped.
fn spawn_receiver(
    socket: Arc<UdpSocket>,
    stop: Arc<StopSignal>,
    events: SyncSender<Event>,
) -> Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("receiver".into())
        .spawn(move || {
            let result = receive(&socket, &stop, |from, bytes| {
                let bytes = bytes.to_vec();
                // Waits while the channel is full; meanwhile the system queues, then drops.
                match events.send(Event::Datagram { from, bytes }) {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(_) => ControlFlow::Break(()), // the main thread is gone
                }
            });
            if let Err(err) = result {
                let _ = events.send(Event::ReceiveFailed(err));
            }
        })
        .context("starting the receiving thread")
}

/// The keyboard thread: reads standard input line by line, and hands each line to the
/// main thread. Stops after `bye` and at the end of the input.
fn read_keyboard(events: SyncSender<Event>) {
    let mut input = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let event = match input.read_until(b'\n', &mut line) {
            Ok(0) => Event::InputEnded,
            Ok(_) => {
                let text = line.strip_suffix(b"\n").unwrap_or(&line);
                match std::str::from_utf8(text) {
                    Ok(text) => Event::Typed(parse_line(text)),
                    Err(_) => Event::NotText,
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => Event::InputFailed(err),
        };
        let last = matches!(
            event,
            Event::Typed(Ok(Typed::Bye)) | Event::InputEnded | Event::InputFailed(_)
        );
        if events.send(event).is_err() || last {
            return;
        }
    }
}

/// Ctrl-C ends the chat like `bye`: the main thread says bye to the peer and exits 0.
///
/// The handler never waits: it raises the flag, and offers the event only if there is
/// room (the flag is seen with the next event the main thread takes).
fn install_ctrl_c(events: SyncSender<Event>, interrupted: Arc<AtomicBool>) -> Result<()> {
    ctrlc::set_handler(move || {
        interrupted.store(true, Ordering::SeqCst);
        let _ = events.try_send(Event::Interrupted);
    })
    .context("installing the Ctrl-C handler")
}
