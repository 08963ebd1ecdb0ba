//! The echo handler of `threaded-echo-server`: lesson 5's conversation, on many threads.
//!
//! The course's `MyServer.handle` loops on `data = self.request.recv(1024);
//! self.request.send(data.upper())` with no way out: when the client closes, `recv`
//! returns `b''` at once, for ever, and the thread spins at full speed sending nothing.
//! Lesson 5 already wrote that loop right ([`tcp_echo::echo::serve`]: 0 bytes ends it,
//! the whole reply is sent by its deadline, upper case is done on characters in the
//! chosen encoding, limits for silent clients, clients that stop reading and clients that
//! never stop), and logged each message ([`tcp_echo::server::converse`]). [`Echo`] is that
//! same function, now called by many threads at once: this lesson changes only the loop
//! around it.

use crate::handler::Handler;
use netbasics::text::Encoding;
use std::io;
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
/// the ones the server set on the socket, and takes the write timeout as each reply's
/// deadline. The time limit on a whole visit is the handler's own
/// ([`Echo::max_connection_time`]), as it is lesson 5's.
///
/// A time limit is what keeps slow clients from holding a pool: a client that trickles a
/// byte a second is never idle, and holds its worker for as long as it likes. A pool of
/// 4 workers is held by 4 such clients; a thread per client is not held by any (each
/// costs a thread, up to [`Server::max_connections`](crate::Server::max_connections)).
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
    /// Lesson 5's options: the reply, the encoding, the log, the visit's time limit.
    /// (Their idle and write timeouts are replaced, connection by connection, by the
    /// server's.)
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
                    visit: None,
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

    /// How long one client may stay connected in all (`None`, the default: as long as it
    /// keeps talking); then lesson 5's loop hangs up on it, however busy it is.
    pub fn max_connection_time(mut self, limit: Option<Duration>) -> Echo {
        self.options.timeouts.visit = limit;
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
                visit: self.options.timeouts.visit,
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

    fn busy(&self, _peer: SocketAddr) -> Vec<u8> {
        BUSY_MESSAGE.to_vec()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use std::io::{Read, Write};
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
    fn the_busy_message_says_why() {
        let echo = Echo::new(Reply::Echo, Encoding::Utf8);
        let said = echo.busy("127.0.0.1:50000".parse().unwrap());
        assert_eq!(said, BUSY_MESSAGE);
        assert!(said.starts_with(b"busy: "));
    }

    #[test]
    fn the_time_limit_is_kept_and_the_timeouts_are_the_servers() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server_side, peer) = listener.accept().unwrap();
        // The server's timeouts are long; the handler's own limit on the visit ends it.
        server_side
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let echo = Echo::new(Reply::Echo, Encoding::Utf8)
            .quiet(true)
            .max_connection_time(Some(Duration::from_millis(200)));
        let err = echo.handle(&server_side, peer).unwrap_err();
        assert!(err.to_string().contains("time limit of 0.2 s"), "{err}");
    }
}
