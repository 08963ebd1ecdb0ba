//! The Python peers, written as the course writes its programs (socketserver with a
//! `BaseRequestHandler`, a plain `recvfrom`/`sendto` loop), pointed at loopback, told to be
//! quiet (the course's `print` of every message would measure the terminal), and made to
//! announce `listening on IP:PORT` like our servers do; and `python3 -m http.server`, run
//! as it comes.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::process::Command;

/// How `python3 -m http.server` announces itself: `Serving HTTP on 127.0.0.1 port 41983
/// (http://127.0.0.1:41983/) ...`.
pub const HTTP_SERVER_SAYS: &str = "Serving HTTP on ";

/// `python3 -u -m http.server 0 --bind 127.0.0.1 --directory ROOT --protocol HTTP/1.1`:
/// Python's static file server on a port the system picks, on loopback only (its default is
/// every interface), keeping connections open (its default protocol, HTTP/1.0, closes each
/// after one answer). `-u`: its announcement arrives at once, not when a buffer fills.
pub fn http_server(root: &Path) -> Command {
    let mut cmd = Command::new("python3");
    cmd.args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
        .arg("--directory")
        .arg(root)
        .args(["--protocol", "HTTP/1.1"]);
    cmd
}

/// The address in what follows [`HTTP_SERVER_SAYS`]: `127.0.0.1 port 41983 (...) ...`.
pub fn http_server_address(rest: &str) -> Option<SocketAddr> {
    let mut words = rest.split_whitespace();
    let ip: IpAddr = words.next()?.parse().ok()?;
    if words.next()? != "port" {
        return None;
    }
    Some(SocketAddr::new(ip, words.next()?.parse().ok()?))
}

/// The course's `socketserver` echo server: `ThreadingTCPServer`, a thread per client, whose
/// handler echoes until the client closes. Argument: the `recv` size.
///
/// Two changes from the course's handler, both for correctness: `sendall` (a `send` may
/// write only part of the data, which the course's loop would lose) and the end of the
/// loop when `recv` returns nothing (the client closed; the course's loop would spin).
pub const TCP_ECHO: &str = r#"
import socketserver
import sys

size = int(sys.argv[1])

class MyServer(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(size)
            if not data:
                break
            self.request.sendall(data)

socketserver.TCPServer.allow_reuse_address = True
server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), MyServer)
print('listening on %s:%d' % server.server_address, flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
"#;

/// The course's UDP echo: `recvfrom`, then `sendto` the same bytes back to the sender.
pub const UDP_ECHO: &str = r#"
from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('127.0.0.1', 0))
print('listening on %s:%d' % udp_socket.getsockname(), flush=True)
try:
    while True:
        recv_data, addr = udp_socket.recvfrom(1024)
        udp_socket.sendto(recv_data, addr)
except KeyboardInterrupt:
    pass
"#;

/// The course's UDP receiver, counting instead of printing each datagram; Ctrl-C prints
/// the count as `udp-recv -q` does.
pub const UDP_RECV: &str = r#"
from socket import *

udp_socket = socket(AF_INET, SOCK_DGRAM)
udp_socket.bind(('127.0.0.1', 0))
print('listening on %s:%d' % udp_socket.getsockname(), flush=True)
count = total = 0
try:
    while True:
        recv_data, addr = udp_socket.recvfrom(1024)
        count += 1
        total += len(recv_data)
except KeyboardInterrupt:
    print('received %d datagrams, %d bytes' % (count, total), flush=True)
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_http_server_announces() {
        let line = "Serving HTTP on 127.0.0.1 port 41983 (http://127.0.0.1:41983/) ...";
        let rest = line.strip_prefix(HTTP_SERVER_SAYS).expect("the prefix");
        assert_eq!(
            http_server_address(rest),
            Some(SocketAddr::from(([127, 0, 0, 1], 41983)))
        );
        assert_eq!(http_server_address("127.0.0.1 on 41983"), None);
        assert_eq!(http_server_address("127.0.0.1 port"), None);
        assert_eq!(http_server_address(""), None);
    }
}
