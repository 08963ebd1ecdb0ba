//! `--classic`: the course's protocol, byte for byte, on the same confinement.
//!
//! The course's client sends the file name's UTF-8 bytes and nothing else; the server
//! answers with the file's bytes and closes, or with the seven bytes `no_file` (004's
//! version). Nothing marks where the name ends (the server takes what one `recv(1024)`
//! returns) or whether the file arrived whole. That is the protocol the course's programs
//! speak, so that is what this mode speaks: its flaws are shown, not fixed, and the lesson
//! page shows what each costs. What is fixed is the server's side: the name still goes
//! through [`Root::open_file`](crate::confine::Root::open_file), and every byte is sent
//! (`sendall`, not `send`).

use super::{describe, send_file, FileServer};
use netbasics::cli::Peer;
use netbasics::deadline::is_timeout;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};

/// The most the course's server reads for a name: its `recv(1024)`.
pub const CLASSIC_NAME_READ: usize = 1024;

/// What the course's 004 server sends when it cannot send the file.
pub const NO_FILE: &[u8] = b"no_file";

impl FileServer {
    /// The course's protocol: one read for the name, then the bytes or `no_file`.
    pub(super) fn serve_classic(&self, mut stream: &TcpStream, peer: Peer) -> io::Result<()> {
        // 5. Receive the name: one read, as the course's `recv(1024)`, within the deadline.
        let mut buf = [0u8; CLASSIC_NAME_READ];
        stream.set_read_timeout(Some(self.request_timeout))?;
        let n = loop {
            match stream.read(&mut buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) => {
                    eprintln!(
                        "{peer} no name within {} s",
                        self.request_timeout.as_secs_f64()
                    );
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            self.log(format_args!("{peer} closed without a request"));
            return Ok(());
        }
        // A name typed into `nc` ends with Enter: no file name ends with a line break, so
        // one is taken off (the course's client sends none).
        let bytes = buf[..n]
            .strip_suffix(b"\n")
            .map(|b| b.strip_suffix(b"\r").unwrap_or(b))
            .unwrap_or(&buf[..n]);
        let Ok(name) = std::str::from_utf8(bytes) else {
            eprintln!(
                "{peer} \"{}\" bad request: the name is not UTF-8",
                bytes.escape_ascii()
            );
            return refuse(stream);
        };
        // 10. Open it: inside the root only.
        let served = match self.root.open_file(name) {
            Ok(served) => served,
            Err(refused) => {
                let status = super::status_for(&refused);
                eprintln!("{peer} {name:?} {status}: {refused} (sent \"no_file\")");
                return refuse(stream);
            }
        };
        // 7-8. Send it all, then 9. close.
        let size = served.metadata.len();
        match send_file(&served.file, 0, size, stream) {
            Ok(sent) => {
                self.log(format_args!(
                    "{peer} {name:?} ok: sent {sent} bytes (classic)"
                ));
                let _ = stream.shutdown(Shutdown::Write);
            }
            Err((sent, err)) => eprintln!(
                "{peer} {name:?} cut: sent {sent} of {size} bytes: {}",
                describe(&err)
            ),
        }
        Ok(())
    }
}

/// 11. The course's answer to every failure: `no_file`, in the same stream as file data.
fn refuse(mut stream: &TcpStream) -> io::Result<()> {
    stream.write_all(NO_FILE)?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}
