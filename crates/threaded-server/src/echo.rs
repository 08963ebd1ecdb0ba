//! The echo handler of `threaded-echo-server`: lesson 5's conversation, on many threads.
//!
//! The course's `MyServer.handle` loops on `data = self.request.recv(1024);
//! self.request.send(data.upper())` with no way out: when the client closes, `recv`
//! returns `b''` at once, for ever, and the thread spins at full speed sending nothing.
//! Lesson 5 already wrote that loop right ([`tcp_echo::echo::serve`]: 0 bytes ends it,
//! `write_all` sends the whole reply, upper case is done on characters in the chosen
//! encoding, timeouts for silent clients and clients that stop reading), and logged
//! each message ([`tcp_echo::server::converse`]). [`Echo`] is that same function, now
//! called by many threads at once: this lesson changes only the loop around it.

use crate::handler::Handler;
use netbasics::text::Encoding;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;
use tcp_echo::echo::{ClientError, Reply, Timeouts};
use tcp_echo::server::{converse, Options};

/// The timeout used where the server was told to set none: a year is as good as none.
const NO_LIMIT: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// What a refused client is told.
pub const BUSY_MESSAGE: &[u8] =
    b"busy: the server is serving as many clients as it can; try again later\n";

/// Lesson 5's echo conversation as a [`Handler`].
///
/// The timeouts are the server's ([`Server::read_timeout`](crate::Server::read_timeout),
/// [`Server::write_timeout`](crate::Server::write_timeout)): lesson 5's loop is given
/// the ones the server set on the socket.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown, TcpStream};
/// use netbasics::text::Encoding;
/// use tcp_echo::echo::Reply;
/// use threaded_server::{Echo, Server};
///
/// let server = Server::bind("127.0.0.1:0")?.quiet(true);
/// let addr = server.local_addr();
/// let stop = server.shutdown_handle();
/// let echo = Echo::new(Reply::Upper(Encoding::Utf8), Encoding::Utf8).quiet(true);
/// let serving = std::thread::spawn(move || server.serve(echo));
///
/// let mut client = TcpStream::connect(addr)?;
/// client.write_all("hello, wörld".as_bytes())?;
/// client.shutdown(Shutdown::Write)?;
/// let mut reply = String::new();
/// client.read_to_string(&mut reply)?;
/// assert_eq!(reply, "HELLO, WÖRLD"); // characters, not only ASCII letters
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Echo {
    /// Lesson 5's options: the reply, the encoding, the log. (Their `timeouts` are
    /// replaced, connection by connection, by the server's.)
    pub options: Options,
}

impl Echo {
    /// Answers as `reply` says, shows messages in `encoding` and logs each message.
    pub fn new(reply: Reply, encoding: Encoding) -> Echo {
        Echo {
            options: Options {
                reply,
                encoding,
                timeouts: Timeouts {
                    idle: NO_LIMIT,
                    write: NO_LIMIT,
                },
                show_buffers: false,
                quiet: false,
            },
        }
    }

    /// Whether to log only errors (not each message).
    pub fn quiet(mut self, quiet: bool) -> Echo {
        self.options.quiet = quiet;
        self
    }
}

impl Handler for Echo {
    fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
        // Lesson 5's loop sets the socket's timeouts itself: give it the server's.
        let options = Options {
            timeouts: Timeouts {
                idle: stream.read_timeout()?.unwrap_or(NO_LIMIT),
                write: stream.write_timeout()?.unwrap_or(NO_LIMIT),
            },
            ..self.options.clone()
        };
        // 5. recv, 6. send, until the client closes: the same call as lesson 5's.
        let outcome = converse(stream, peer, &options);
        outcome.result.map_err(|err| match err {
            ClientError::Io(err) => err,
            // The server logs the error's text: keep lesson 5's words for it.
            other => io::Error::other(other),
        })
    }

    fn busy(&self, stream: &mut TcpStream, _peer: SocketAddr) -> io::Result<()> {
        stream.write_all(BUSY_MESSAGE)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::{Shutdown, TcpListener};

    /// Runs `Echo` on one loopback connection, sending `input`, returning the reply.
    fn echo_over_loopback(echo: Echo, input: &[u8]) -> Vec<u8> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_side, peer) = listener.accept().unwrap();
        let serving = std::thread::spawn(move || echo.handle(&server_side, peer));
        client.write_all(input).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut reply = Vec::new();
        client.read_to_end(&mut reply).unwrap();
        serving.join().unwrap().unwrap();
        reply
    }

    #[test]
    fn echoes_bytes_back_until_the_client_closes() {
        let quiet = Echo::new(Reply::Echo, Encoding::Utf8).quiet(true);
        assert_eq!(echo_over_loopback(quiet.clone(), b"hello\n"), b"hello\n");
        assert_eq!(echo_over_loopback(quiet.clone(), b""), b"");
        // More than one buffer's worth arrives in several reads; all of it comes back.
        let big: Vec<u8> = (0..600_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(echo_over_loopback(quiet, &big), big);
    }

    #[test]
    fn upper_works_on_characters_in_the_chosen_encoding() {
        let gbk = Echo::new(Reply::Upper(Encoding::Gbk), Encoding::Gbk).quiet(true);
        // "你好 abc" in GBK: the letters change, the Chinese characters do not.
        assert_eq!(
            echo_over_loopback(gbk.clone(), b"\xc4\xe3\xba\xc3 abc"),
            b"\xc4\xe3\xba\xc3 ABC"
        );
        // 乤 is 81 61 in GBK: its second byte is 'a', and a byte-wise upper() would make
        // it 81 41, another character. Character-wise it stays itself.
        assert_eq!(echo_over_loopback(gbk, b"\x81\x61"), b"\x81\x61");
        let utf8 = Echo::new(Reply::Upper(Encoding::Utf8), Encoding::Utf8).quiet(true);
        assert_eq!(
            echo_over_loopback(utf8, "straße é".as_bytes()),
            "STRASSE É".as_bytes()
        );
    }

    #[test]
    fn a_fixed_reply_answers_every_piece() {
        let fixed = Echo::new(Reply::Fixed(b"ok".to_vec()), Encoding::Utf8).quiet(true);
        assert_eq!(echo_over_loopback(fixed, b"x"), b"ok");
    }

    #[test]
    fn the_busy_message_is_written() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server_side, peer) = listener.accept().unwrap();
        Echo::new(Reply::Echo, Encoding::Utf8)
            .busy(&mut server_side, peer)
            .unwrap();
        drop(server_side);
        let mut got = Vec::new();
        client.read_to_end(&mut got).unwrap();
        assert_eq!(got, BUSY_MESSAGE);
    }
}
