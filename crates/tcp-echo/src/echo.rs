//! Server steps 5-6: receive and send, over and over, until the client closes.
//!
//! [`serve`] is the loop the course writes inside its `while True:`
//!
//! ```text
//! while True:
//!     recv_data = tcp_client_socket.recv(1024)      # 5. recv
//!     if recv_data:
//!         tcp_client_socket.send(recv_data)         # 6. send
//!     else:
//!         break                                     # b'': the client has closed
//! ```
//!
//! with what a server facing real clients also needs: a reply mode ([`Reply`]), a timeout
//! for clients that say nothing ([`Timeouts::idle`]) and one for clients that stop reading
//! ([`Timeouts::write`]), and a clear account of how the conversation ended
//! ([`ClientError`]).

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use netbasics::text::Encoding;

use crate::upper::uppercase;
use netbasics::text::{Run, TextStream};

/// How many bytes one `recv` may return. The course uses 1024; a larger buffer means
/// fewer system calls when a lot arrives, and changes nothing else: `recv` returns what
/// is there, up to this many, never waiting to fill the buffer. Measured on loopback
/// (`cargo xtask bench tcp`), 256 KiB echoes bulk data about 1.3x as fast as 64 KiB.
pub const RECV_BUFFER: usize = 256 * 1024;

/// What the server answers to each piece it receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The same bytes, unchanged, whatever they are (even if they are not text).
    Echo,
    /// The text in upper case, in the same encoding (the course's socketserver example,
    /// done on characters rather than bytes: see [`crate::upper`]).
    Upper(Encoding),
    /// These bytes, whatever arrived (the course's servers that answer "收到！").
    Fixed(Vec<u8>),
}

/// The two timeouts that keep one client from holding a single-threaded server forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a client may send nothing before the server hangs up.
    pub idle: Duration,
    /// How long one `send` may wait for room in the socket's send buffer.
    ///
    /// An echo server writing to a client that does not read fills the client's receive
    /// buffer, then its own send buffer, and then `send` blocks: without a limit the
    /// server would wait forever, and every other client with it.
    pub write: Duration,
}

/// What happened during one client's visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many times `recv` returned data (not how many messages the client meant:
    /// TCP keeps no message boundaries).
    pub pieces: u64,
    /// Bytes received.
    pub received: u64,
    /// Bytes sent back.
    pub sent: u64,
}

/// How a conversation ended, when it did not end with the client closing.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The client's system answered with a reset (RST): the client closed with data still
    /// unread, crashed, or its machine dropped the connection.
    #[error("the client reset the connection ({0})")]
    Reset(#[source] io::Error),
    /// The client sent nothing for [`Timeouts::idle`].
    #[error("the client sent nothing for {} s: hung up", .0.as_secs())]
    Idle(Duration),
    /// A reply could not be sent within [`Timeouts::write`]: the client is not reading.
    #[error(
        "the client stopped reading: a reply waited {} s for room in the send buffer: hung up",
        .0.as_secs()
    )]
    NotReading(Duration),
    /// Any other failure of the connection.
    #[error("{0}")]
    Io(#[source] io::Error),
}

/// How one client's visit ended: what was exchanged, and whether it ended cleanly.
#[derive(Debug)]
pub struct Outcome {
    /// What was exchanged before the end.
    pub summary: Summary,
    /// `Ok` when the client closed its side (recv returned 0 bytes); otherwise why the
    /// server gave up.
    pub result: Result<(), ClientError>,
}

/// Serves one connected client: steps 5 and 6 until the client closes.
///
/// Each piece that `recv` returns is first handed to `on_message` (the server logs it),
/// then answered as `reply` says. When `recv` returns 0 bytes the client has closed its
/// sending side (it called `close()` or `shutdown(SHUT_WR)`, and its FIN arrived after
/// all its data): nothing more will come, so the loop ends. Closing the socket (step 7)
/// is left to the caller, which owns it.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown, TcpListener, TcpStream};
/// use std::time::Duration;
/// use tcp_echo::echo::{serve, Reply, Timeouts};
///
/// let listener = TcpListener::bind("127.0.0.1:0").unwrap();
/// let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// client.write_all(b"hello").unwrap();
/// client.shutdown(Shutdown::Write).unwrap(); // "that was all"
///
/// let (stream, _) = listener.accept().unwrap();
/// let timeouts = Timeouts { idle: Duration::from_secs(5), write: Duration::from_secs(5) };
/// let outcome = serve(&stream, &Reply::Echo, timeouts, |_| {});
/// assert!(outcome.result.is_ok());
/// assert_eq!(outcome.summary.received, 5);
/// drop(stream); // 7. close: the client's read_to_end below ends at our FIN
///
/// let mut echoed = Vec::new();
/// client.read_to_end(&mut echoed).unwrap();
/// assert_eq!(echoed, b"hello");
/// ```
pub fn serve(
    stream: &TcpStream,
    reply: &Reply,
    timeouts: Timeouts,
    mut on_message: impl FnMut(&[u8]),
) -> Outcome {
    let mut summary = Summary::default();
    let result = serve_loop(stream, reply, timeouts, &mut summary, &mut on_message);
    Outcome { summary, result }
}

fn serve_loop(
    mut stream: &TcpStream,
    reply: &Reply,
    timeouts: Timeouts,
    summary: &mut Summary,
    on_message: &mut dyn FnMut(&[u8]),
) -> Result<(), ClientError> {
    // A read timeout ends a blocked recv with an error after `idle`; a write timeout ends
    // a blocked send after `write`. Without them one silent or stuck client would hold
    // this single-threaded server, and everyone waiting in the backlog, forever.
    stream
        .set_read_timeout(Some(timeouts.idle))
        .map_err(ClientError::Io)?;
    stream
        .set_write_timeout(Some(timeouts.write))
        .map_err(ClientError::Io)?;

    let mut responder = Responder::new(reply);
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        // 5. recv: wait until at least one byte is there, take up to RECV_BUFFER of them.
        let n = match stream.read(&mut buf) {
            Ok(0) => {
                // 0 bytes: the client's FIN. Answer whatever was still held back (the
                // start of a character that will now never be finished), then stop.
                let rest = responder.finish();
                send(stream, &rest, timeouts, summary)?;
                return Ok(());
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(e, timeouts)),
        };
        let piece = &buf[..n];
        summary.pieces += 1;
        summary.received += n as u64;
        on_message(piece);

        // 6. send: write_all, not a single write. One send() may take only part of the
        //    bytes (Python's send() returns how many it took; sendall() loops).
        let answer = responder.answer(piece);
        send(stream, &answer, timeouts, summary)?;
    }
}

/// Sends all of `bytes` (nothing if empty), counting them.
fn send(
    mut stream: &TcpStream,
    bytes: &[u8],
    timeouts: Timeouts,
    summary: &mut Summary,
) -> Result<(), ClientError> {
    if bytes.is_empty() {
        return Ok(());
    }
    stream
        .write_all(bytes)
        .map_err(|e| write_error(e, timeouts))?;
    summary.sent += bytes.len() as u64;
    Ok(())
}

/// Whether an error means the peer reset or abandoned the connection.
fn is_reset(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// Whether an error is a socket timeout: `EAGAIN` on Unix, `WSAETIMEDOUT` on Windows.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn read_error(e: io::Error, timeouts: Timeouts) -> ClientError {
    if is_timeout(&e) {
        ClientError::Idle(timeouts.idle)
    } else if is_reset(&e) {
        ClientError::Reset(e)
    } else {
        ClientError::Io(e)
    }
}

fn write_error(e: io::Error, timeouts: Timeouts) -> ClientError {
    if is_timeout(&e) {
        ClientError::NotReading(timeouts.write)
    } else if is_reset(&e) {
        ClientError::Reset(e)
    } else {
        ClientError::Io(e)
    }
}

/// A [`Reply`] with the state one connection needs (for `Upper`, the end of a character
/// cut between two pieces).
enum Responder<'a> {
    Echo,
    Upper(TextStream),
    Fixed(&'a [u8]),
}

impl<'a> Responder<'a> {
    fn new(reply: &'a Reply) -> Self {
        match reply {
            Reply::Echo => Responder::Echo,
            Reply::Upper(encoding) => Responder::Upper(TextStream::new(*encoding)),
            Reply::Fixed(bytes) => Responder::Fixed(bytes),
        }
    }

    /// The bytes to send for one piece received.
    fn answer<'p>(&mut self, piece: &'p [u8]) -> Cow<'p, [u8]>
    where
        'a: 'p,
    {
        match self {
            Responder::Echo => Cow::Borrowed(piece),
            Responder::Fixed(bytes) => Cow::Borrowed(bytes),
            Responder::Upper(stream) => {
                let encoding = stream.encoding();
                let runs = stream.push(piece);
                Cow::Owned(upper_runs(&runs, encoding))
            }
        }
    }

    /// The bytes still owed when the client closes.
    fn finish(&mut self) -> Vec<u8> {
        match self {
            Responder::Upper(stream) => {
                let encoding = stream.encoding();
                upper_runs(&stream.finish(), encoding)
            }
            Responder::Echo | Responder::Fixed(_) => Vec::new(),
        }
    }
}

/// Upper-cases the text runs; bad bytes go back as they came.
fn upper_runs(runs: &[Run], encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    for run in runs {
        match run {
            Run::Text { text, bytes } => out.extend(uppercase(text, bytes, encoding)),
            Run::Bad(bytes) => out.extend_from_slice(bytes),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use netbasics::text::encode;
    use std::net::{Shutdown, TcpListener};
    use std::thread;

    const LONG: Duration = Duration::from_secs(30);
    const TIMEOUTS: Timeouts = Timeouts {
        idle: LONG,
        write: LONG,
    };

    /// Runs `serve` on one connection while `client` talks to it; returns the outcome
    /// and every byte the client received.
    fn exchange(reply: Reply, pieces: &[&[u8]]) -> (Outcome, Vec<u8>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            serve(&stream, &reply, TIMEOUTS, |_| {})
        });
        let mut client = TcpStream::connect(addr).unwrap();
        client.set_read_timeout(Some(LONG)).unwrap();
        for piece in pieces {
            client.write_all(piece).unwrap();
        }
        client.shutdown(Shutdown::Write).unwrap();
        let mut got = Vec::new();
        client.read_to_end(&mut got).unwrap();
        (server.join().unwrap(), got)
    }

    #[test]
    fn echo_returns_the_bytes_unchanged_even_when_not_text() {
        let data: Vec<u8> = (0..=255).collect();
        let (outcome, got) = exchange(Reply::Echo, &[&data]);
        assert!(outcome.result.is_ok());
        assert_eq!(got, data);
        assert_eq!(outcome.summary.received, 256);
        assert_eq!(outcome.summary.sent, 256);
    }

    #[test]
    fn fixed_reply_answers_every_piece() {
        let reply = encode("收到！", Encoding::Utf8).unwrap();
        let (outcome, got) = exchange(Reply::Fixed(reply.clone()), &[b"hello"]);
        assert!(outcome.result.is_ok());
        // One piece or several: each got the same answer.
        let pieces = usize::try_from(outcome.summary.pieces).unwrap();
        assert!(pieces >= 1);
        assert_eq!(got, reply.repeat(pieces));
    }

    #[test]
    fn fixed_reply_in_gbk() {
        let reply = encode("收到！", Encoding::Gbk).unwrap();
        let (_, got) = exchange(Reply::Fixed(reply.clone()), &[b"x"]);
        assert_eq!(got, reply);
    }

    #[test]
    fn upper_on_gbk_text() {
        let sent = encode("hello 你好 乤 α", Encoding::Gbk).unwrap();
        let (outcome, got) = exchange(Reply::Upper(Encoding::Gbk), &[&sent]);
        assert!(outcome.result.is_ok());
        assert_eq!(got, encode("HELLO 你好 乤 Α", Encoding::Gbk).unwrap());
    }

    #[test]
    fn upper_joins_a_character_cut_between_pieces() {
        // 乤 is 81 61: sent as two pieces, the 61 must not become 41.
        let sent = encode("a乤b", Encoding::Gbk).unwrap();
        let mut responder = Responder::new(&Reply::Upper(Encoding::Gbk));
        let mut got = responder.answer(&sent[..2]).into_owned();
        got.extend(responder.answer(&sent[2..]).iter());
        got.extend(responder.finish());
        assert_eq!(got, encode("A乤B", Encoding::Gbk).unwrap());
    }

    #[test]
    fn upper_sends_bad_bytes_back_as_they_came() {
        let (_, got) = exchange(Reply::Upper(Encoding::Utf8), &[b"ab\xffcd"]);
        assert_eq!(got, b"AB\xffCD");
    }

    #[test]
    fn upper_returns_an_unfinished_character_when_the_client_closes() {
        let (_, got) = exchange(Reply::Upper(Encoding::Utf8), &[b"ok\xe4\xbd"]);
        assert_eq!(got, b"OK\xe4\xbd");
    }

    #[test]
    fn a_client_that_closes_at_once_is_a_clean_end() {
        let (outcome, got) = exchange(Reply::Echo, &[]);
        assert!(outcome.result.is_ok());
        assert_eq!(outcome.summary, Summary::default());
        assert!(got.is_empty());
    }

    #[test]
    fn every_piece_is_handed_to_the_logger() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.write_all(b"abc").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let (stream, _) = listener.accept().unwrap();
        let mut seen = Vec::new();
        let outcome = serve(&stream, &Reply::Echo, TIMEOUTS, |piece| {
            seen.extend_from_slice(piece)
        });
        assert!(outcome.result.is_ok());
        assert_eq!(seen, b"abc");
    }

    #[test]
    fn a_reset_is_reported_as_such() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        socket2::SockRef::from(&client)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(client);
        let (stream, _) = listener.accept().unwrap();
        let outcome = serve(&stream, &Reply::Echo, TIMEOUTS, |_| {});
        assert!(
            matches!(outcome.result, Err(ClientError::Reset(_))),
            "{:?}",
            outcome.result
        );
    }

    #[test]
    fn error_kinds_are_named() {
        let t = Timeouts {
            idle: Duration::from_secs(300),
            write: Duration::from_secs(1),
        };
        let idle = read_error(io::ErrorKind::WouldBlock.into(), t);
        assert_eq!(
            idle.to_string(),
            "the client sent nothing for 300 s: hung up"
        );
        let stuck = write_error(io::ErrorKind::TimedOut.into(), t);
        assert!(matches!(stuck, ClientError::NotReading(_)));
        assert!(stuck.to_string().contains("stopped reading"));
        let reset = write_error(io::ErrorKind::BrokenPipe.into(), t);
        assert!(matches!(reset, ClientError::Reset(_)));
        let other = read_error(io::ErrorKind::Other.into(), t);
        assert!(matches!(other, ClientError::Io(_)));
    }
}
