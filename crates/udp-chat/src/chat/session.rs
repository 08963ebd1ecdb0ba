//! One chat, from the first note to the last `bye`: the main thread's loop and the two
//! threads that feed it (the module above explains why three threads and who decides).
//!
//! [`Session`] is what the `udp-chat` program runs once its socket is bound:
//!
//! ```no_run
//! use netbasics::text::Encoding;
//! use udp_chat::chat::session::{Session, Settings};
//!
//! let socket = std::net::UdpSocket::bind("127.0.0.1:7890")?;
//! let session = Session::new();
//! ctrlc::set_handler(session.interrupter())?; // Ctrl-C ends the chat like `bye`
//! let settings = Settings { peer: None, encoding: Encoding::Utf8, name: None, quiet: false };
//! session.run(socket, settings)?; // until someone says bye
//! # Ok::<(), anyhow::Error>(())
//! ```

use std::io::{self, BufRead};
use std::net::{SocketAddr, UdpSocket};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use netbasics::server_addr::ServerAddr;
use netbasics::text::{encode, Encoding};

use super::{
    is_bye, parse_line, receive, resolve_peer, LineError, PeerTable, StopSignal, Typed, BYE, HELP,
};
use crate::datagram;

/// What the chat is told on the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Who to talk to, if known from the start (the course's `dest_addr`).
    pub peer: Option<SocketAddr>,
    /// The encoding of the text, both ways.
    pub encoding: Encoding,
    /// Sent before every message as `NAME: `.
    pub name: Option<String>,
    /// Notes on standard error only for errors.
    pub quiet: bool,
}

/// The channel every thread hands its events through, and the Ctrl-C flag.
#[derive(Debug)]
pub struct Session {
    events_tx: SyncSender<Event>,
    events: Receiver<Event>,
    /// Ctrl-C raises this flag as well as sending an event, because the channel may be
    /// full and the handler must never wait.
    interrupted: Arc<AtomicBool>,
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// A session not started yet: create it, and give [`interrupter`](Self::interrupter)
    /// to a Ctrl-C handler, before telling anyone the socket is there.
    pub fn new() -> Session {
        // Every thread hands what happens to the main thread through this channel. It is
        // bounded: when the main thread falls behind (its output is blocked, say), the
        // receiving thread waits, datagrams pile up in the socket's queue, and the system
        // drops the excess, as UDP always may. An unbounded channel would instead keep
        // every datagram of a flood in memory.
        let (events_tx, events) = mpsc::sync_channel(EVENT_QUEUE);
        Session {
            events_tx,
            events,
            interrupted: Arc::new(AtomicBool::new(false)),
        }
    }

    /// What a Ctrl-C handler calls: it ends the chat like `bye` (the main thread says bye
    /// to the peer and the program exits 0). It never waits: it raises the flag, and
    /// offers the event only if there is room (the flag is seen with the next event the
    /// main thread takes).
    pub fn interrupter(&self) -> impl Fn() + Send + 'static {
        let events = self.events_tx.clone();
        let interrupted = Arc::clone(&self.interrupted);
        move || {
            interrupted.store(true, Ordering::SeqCst);
            let _ = events.try_send(Event::Interrupted);
        }
    }

    /// Runs the chat on `socket` until someone says `bye`, the input ends, or Ctrl-C.
    ///
    /// # Errors
    ///
    /// Standard input or the socket failed, or a thread could not be started.
    pub fn run(self, socket: UdpSocket, settings: Settings) -> Result<()> {
        let Session {
            events_tx,
            events,
            interrupted,
        } = self;
        let socket = Arc::new(socket);
        let stop = Arc::new(StopSignal::new());
        // TODO 4. and TODO 6.: the receiving thread (TODO 8., recv_fun, is chat::receive).
        let receiver = spawn_receiver(Arc::clone(&socket), Arc::clone(&stop), events_tx.clone())?;
        // TODO 5. and TODO 7.: the course's sending thread reads the keyboard and sends.
        // Here a keyboard thread only reads, and the main thread sends (TODO 9., send_fun,
        // is Chat::send_message), so the main thread is never stuck waiting for a line.
        let keyboard = thread::Builder::new()
            .name("keyboard".into())
            .spawn(move || read_keyboard(events_tx))
            .context("starting the keyboard thread")?;

        let mut chat = Chat {
            socket: Arc::clone(&socket),
            peer: settings.peer,
            who: PeerTable::new(),
            encoding: settings.encoding,
            name: settings.name,
            quiet: settings.quiet,
        };
        chat.introduce();
        let ending = chat.converse(&events, &interrupted);
        // Nobody reads the channel any more: a receiving thread waiting for room in it
        // gets an error at once and ends, so that it can be joined.
        drop(events);
        chat.finish(ending, &stop, receiver, keyboard)
    }
}

/// How many events can wait for the main thread; past that the senders wait (Ctrl-C
/// does not: it also raises a flag).
const EVENT_QUEUE: usize = 64;

/// What the keyboard thread, the receiving thread and Ctrl-C hand to the main thread.
#[derive(Debug)]
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
#[derive(Debug)]
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
            crate::datagram::show(bytes, self.encoding, false)
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
