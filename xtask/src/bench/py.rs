//! The Python peers, written as the course writes its programs (socketserver with a
//! `BaseRequestHandler`, a plain `recvfrom`/`sendto` loop), pointed at loopback, told to be
//! quiet (the course's `print` of every message would measure the terminal), and made to
//! announce `listening on IP:PORT` like our servers do.

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
