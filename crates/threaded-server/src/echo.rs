//! The echo handler of `threaded-echo-server`: send every byte back until the client closes.
//!
//! It is the course's `MyServer.handle` done right. The course's version loops on
//! `data = self.request.recv(1024); self.request.send(data.upper())` with no way out: when
//! the client closes, `recv` returns `b''` at once, for ever, and the thread spins at full
//! speed sending nothing. Here a read of 0 bytes (end of stream) ends the conversation,
//! and `write_all` sends the whole reply (`send` may send only part of it).

use crate::handler::Handler;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

/// What a refused client is told.
pub const BUSY_MESSAGE: &[u8] =
    b"busy: the server is serving as many clients as it can; try again later\n";

/// How many bytes of each message the log shows.
const LOG_PREVIEW: usize = 60;

/// Echoes bytes back, optionally with ASCII letters uppercased.
///
/// # Examples
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::{Shutdown, TcpStream};
/// use threaded_server::{Echo, Server};
///
/// let server = Server::bind("127.0.0.1:0")?.quiet(true);
/// let addr = server.local_addr();
/// let stop = server.shutdown_handle();
/// let serving = std::thread::spawn(move || server.serve(Echo { upper: true, quiet: true }));
///
/// let mut client = TcpStream::connect(addr)?;
/// client.write_all("hello, 世界".as_bytes())?;
/// client.shutdown(Shutdown::Write)?;
/// let mut reply = String::new();
/// client.read_to_string(&mut reply)?;
/// assert_eq!(reply, "HELLO, 世界"); // only ASCII letters change
///
/// stop.shutdown();
/// serving.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Echo {
    /// Uppercase ASCII letters (`a`-`z`) before sending them back; other bytes are sent
    /// back unchanged, so multi-byte UTF-8 (or GBK) text is never broken.
    pub upper: bool,
    /// Do not log each message on stderr.
    pub quiet: bool,
}

impl Echo {
    /// Transforms one chunk in place: the whole of the echo logic.
    ///
    /// # Examples
    ///
    /// ```
    /// use threaded_server::Echo;
    ///
    /// let mut chunk = *b"abc xyz \xff";
    /// Echo { upper: true, quiet: true }.transform(&mut chunk);
    /// assert_eq!(&chunk, b"ABC XYZ \xff");
    /// ```
    pub fn transform(&self, chunk: &mut [u8]) {
        if self.upper {
            chunk.make_ascii_uppercase();
        }
    }
}

impl Handler for Echo {
    // `mut stream: &TcpStream`: the server lends the socket, and reading and writing need
    // only the reference to be mutable (see the `handler` module).
    fn handle(&self, mut stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
        let mut buf = [0u8; 4096];
        loop {
            // 5. recv: whatever has arrived, up to the buffer's size.
            let n = match stream.read(&mut buf) {
                Ok(0) => return Ok(()), // end of stream: the client closed
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            let chunk = &mut buf[..n];
            self.transform(chunk);
            if !self.quiet {
                eprintln!("[{peer}] {n} bytes: {}", preview(chunk));
            }
            // 6. send: all of it.
            stream.write_all(chunk)?;
        }
    }

    fn busy(&self, stream: &mut TcpStream, _peer: SocketAddr) -> io::Result<()> {
        stream.write_all(BUSY_MESSAGE)
    }
}

/// The start of a message for the log, with unprintable bytes escaped (`\n`, `\xff`) so
/// binary data cannot garble the terminal.
fn preview(chunk: &[u8]) -> String {
    let shown = &chunk[..chunk.len().min(LOG_PREVIEW)];
    let mut text = format!("\"{}\"", shown.escape_ascii());
    if chunk.len() > LOG_PREVIEW {
        text.push_str("...");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
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
        let quiet = Echo {
            upper: false,
            quiet: true,
        };
        assert_eq!(echo_over_loopback(quiet, b"hello\n"), b"hello\n");
        assert_eq!(echo_over_loopback(quiet, b""), b"");
        // More than one buffer's worth arrives in several reads; all of it comes back.
        let big: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(echo_over_loopback(quiet, &big), big);
    }

    #[test]
    fn upper_changes_only_ascii_letters() {
        let upper = Echo {
            upper: true,
            quiet: true,
        };
        let gbk_text = b"\xc4\xe3\xba\xc3 abc"; // "你好 abc" in GBK
        assert_eq!(echo_over_loopback(upper, gbk_text), b"\xc4\xe3\xba\xc3 ABC");
    }

    #[test]
    fn the_busy_message_is_written() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server_side, peer) = listener.accept().unwrap();
        Echo::default().busy(&mut server_side, peer).unwrap();
        drop(server_side);
        let mut got = Vec::new();
        client.read_to_end(&mut got).unwrap();
        assert_eq!(got, BUSY_MESSAGE);
    }

    #[test]
    fn previews_escape_and_shorten() {
        assert_eq!(preview(b"hi\n"), "\"hi\\n\"");
        assert_eq!(preview(b"\xff\x00"), "\"\\xff\\x00\"");
        let long = [b'a'; 100];
        assert_eq!(preview(&long), format!("\"{}\"...", "a".repeat(60)));
    }

    proptest! {
        #[test]
        fn transform_keeps_length_and_non_letters(bytes in proptest::collection::vec(any::<u8>(), 0..256), upper: bool) {
            let mut chunk = bytes.clone();
            Echo { upper, quiet: true }.transform(&mut chunk);
            prop_assert_eq!(chunk.len(), bytes.len());
            for (before, after) in bytes.iter().zip(&chunk) {
                if upper && before.is_ascii_lowercase() {
                    prop_assert_eq!(*after, before - b'a' + b'A');
                } else {
                    prop_assert_eq!(after, before);
                }
            }
        }
    }
}
