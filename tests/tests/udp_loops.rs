//! Lesson 6 under forged sources: the datagrams that would set a UDP program answering
//! for ever (the "loop DoS", CVE-2024-2169) are refused, and the program goes on serving.
//!
//! A forged source needs a raw socket, which writes the IPv4 and UDP headers itself
//! ([`Forger`], built with `framing::wire`); opening one needs root (or `CAP_NET_RAW`),
//! and without it those tests are skipped and listed. Everything goes to and "comes
//! from" loopback: nothing leaves the machine. Each test also checks that an ordinary
//! client is still answered afterwards, and counts exactly what was answered.

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

use e2e::{interrupt, line_containing, loopback_udp, skip_because, Server};
use framing::wire::{IpProtocol, Ipv4Packet, Ipv4Repr, UdpPacket, UdpRepr};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// Only fails a hung test (or a server that loops instead of logging the refusal);
/// nothing waits this long when things work.
const DEADLINE: Duration = Duration::from_secs(20);

/// A raw IPv4 socket that sends UDP datagrams with any source address and port.
struct Forger {
    socket: Socket,
}

impl Forger {
    /// The raw socket (with `IP_HDRINCL`: we write the IPv4 header), or `None` after
    /// recording that `test` was skipped because this process may not open one.
    fn open(test: &str) -> Option<Forger> {
        let opened = Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::UDP))
            .and_then(|socket| socket.set_header_included_v4(true).map(|()| socket));
        match opened {
            Ok(socket) => Some(Forger { socket }),
            Err(err) if err.kind() == ErrorKind::PermissionDenied => {
                skip_because(
                    test,
                    &format!("a raw socket needs root or CAP_NET_RAW ({err})"),
                );
                None
            }
            Err(err) => panic!("opening a raw socket: {err}"),
        }
    }

    /// Sends `payload` in one UDP datagram to `to`, with `from` written as its source.
    /// Both must be loopback addresses.
    fn send(&self, from: SocketAddrV4, to: SocketAddrV4, payload: &[u8]) {
        assert!(
            from.ip().is_loopback() && to.ip().is_loopback(),
            "forged datagrams stay on loopback: {from} -> {to}"
        );
        let udp = UdpRepr {
            src_port: from.port(),
            dst_port: to.port(),
            payload,
        };
        let ip = Ipv4Repr {
            src_addr: *from.ip(),
            dst_addr: *to.ip(),
            protocol: IpProtocol::Udp,
            ttl: 64,
            ident: 0,
            dscp: 0,
            ecn: 0,
            dont_frag: true,
            more_frags: false,
            frag_offset: 0,
            options: &[],
            payload_len: udp.buffer_len(),
        };
        let mut packet = vec![0; ip.buffer_len()];
        ip.emit(&mut Ipv4Packet::new_unchecked(&mut packet[..]));
        udp.emit(
            &mut UdpPacket::new_unchecked(&mut packet[ip.header_len()..]),
            *from.ip(),
            *to.ip(),
        );
        let sent = self
            .socket
            .send_to(&packet, &SockAddr::from(SocketAddrV4::new(*to.ip(), 0)))
            .expect("sending the forged datagram");
        assert_eq!(sent, packet.len());
    }
}

/// The IPv4 address of a server started on loopback.
fn v4(addr: SocketAddr) -> SocketAddrV4 {
    match addr {
        SocketAddr::V4(addr) => addr,
        SocketAddr::V6(addr) => panic!("expected an IPv4 server, got {addr}"),
    }
}

/// An echo server on 127.0.0.1 with its log (standard error) kept.
fn echo_server() -> Server {
    Server::start_logged("udp-echo-server", ["--port", "0"]).expect("udp-echo-server starts")
}

/// Waits for the server's next refusal in its log, and checks it is `from`'s for `reason`.
fn logs_refusal(server: &Server, from: impl std::fmt::Display, reason: &str) {
    assert_eq!(
        line_containing(server.stderr(), " refused: ", DEADLINE),
        format!("{from} refused: {reason}")
    );
}

/// The reason for refusing a datagram from our own `port` at another address.
fn another_server_on(port: &dyn std::fmt::Display) -> String {
    format!(
        "source port {port} is this server's own port, so it comes from another server like \
         this one: answering could start a loop"
    )
}

/// Sends `message` (two bytes or more) from a fresh client and checks that it comes back
/// and that the server logs it as its first echo, `#1`: nothing before it was echoed.
fn first_echo_is(server: &Server, message: &str) {
    let client = loopback_udp(DEADLINE);
    client
        .send_to(message.as_bytes(), server.addr)
        .expect("sending");
    let mut buf = [0; 256];
    let (n, from) = client.recv_from(&mut buf).expect("the echo");
    assert_eq!((&buf[..n], from), (message.as_bytes(), server.addr));
    let client = client.local_addr().expect("the client's address");
    assert_eq!(
        line_containing(server.stderr(), "#", DEADLINE),
        format!("#1 {client} {} bytes: {message}", message.len())
    );
}

/// Stops the server as Ctrl-C does and returns its last line: the totals.
fn totals(mut server: Server) -> String {
    interrupt(server.child());
    let line = e2e::next_line(&server.lines, DEADLINE, "the totals");
    assert_eq!(server.wait_exit(DEADLINE).code(), Some(0));
    line
}

/// The course's echo server answers this one datagram for ever: its source is the
/// server itself, so each echo comes back to be echoed again (100% CPU, until killed).
#[test]
fn a_datagram_forged_from_the_echo_server_itself_is_refused() {
    let test = "a_datagram_forged_from_the_echo_server_itself_is_refused";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let server = echo_server();
    let addr = v4(server.addr);
    forger.send(addr, addr, b"loop?");
    logs_refusal(
        &server,
        addr,
        "the source is this socket's own address: the answer would come back to us, and \
         be answered again, for ever",
    );
    first_echo_is(&server, "after");
    assert_eq!(
        totals(server),
        "echoed 1 datagram, 5 bytes; refused 1 datagram"
    );
}

/// Port 0, and ports of services that answer whatever they get (echo, chargen, DNS) or
/// any other system port: none is echoed, each refusal says why.
#[test]
fn forged_sources_on_port_0_and_system_ports_are_refused() {
    let test = "forged_sources_on_port_0_and_system_ports_are_refused";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let server = echo_server();
    let to = v4(server.addr);
    let service = |port: u16, name: &str| {
        format!(
            "source port {port} is a service that answers ({name}): answering could start a loop"
        )
    };
    let reasons = [
        (
            0,
            "source port 0 is no program's port: the datagram is forged".to_string(),
        ),
        (7, service(7, "echo")),
        (19, service(19, "chargen")),
        (53, service(53, "dns")),
        (
            1023,
            "source port 1023 is a system port (below 1024), where services live and from \
             which no client sends: answering could start a loop"
                .to_string(),
        ),
    ];
    for (port, reason) in reasons {
        let from = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
        forger.send(from, to, b"answer me");
        logs_refusal(&server, from, &reason);
    }
    first_echo_is(&server, "a client");
    assert_eq!(
        totals(server),
        "echoed 1 datagram, 8 bytes; refused 5 datagrams"
    );
}

/// Two echo servers on one port, on two loopback addresses: a datagram forged from one
/// to the other would bounce between them for ever. The first refuses it, so the second
/// never hears of it: its first datagram is our client's.
#[test]
fn two_echo_servers_never_bounce_a_forged_datagram() {
    let test = "two_echo_servers_never_bounce_a_forged_datagram";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let a = echo_server();
    let port = a.addr.port().to_string();
    let Ok(b) = Server::start_logged("udp-echo-server", ["--bind", "127.0.0.2", "--port", &port])
    else {
        skip_because(
            test,
            &format!("cannot start a second server on 127.0.0.2:{port}"),
        );
        return;
    };
    forger.send(v4(b.addr), v4(a.addr), b"ping-pong?");
    logs_refusal(&a, b.addr, &another_server_on(&port));
    first_echo_is(&a, "to a");
    // Had A echoed to B, that echo would be in B's queue before this client's datagram.
    first_echo_is(&b, "to b");
    assert_eq!(totals(a), "echoed 1 datagram, 4 bytes; refused 1 datagram");
    assert_eq!(totals(b), "echoed 1 datagram, 4 bytes");
}

/// The same without forging (so it runs without root): a client that sends from the
/// server's own port, on another loopback address, looks like another echo server and
/// gets no echo.
#[test]
fn a_sender_on_the_echo_server_s_own_port_gets_no_echo() {
    let test = "a_sender_on_the_echo_server_s_own_port_gets_no_echo";
    let server = echo_server();
    let port = server.addr.port();
    let Ok(twin) = UdpSocket::bind(("127.0.0.2", port)) else {
        skip_because(test, &format!("cannot bind 127.0.0.2:{port}"));
        return;
    };
    twin.send_to(b"echo?", server.addr).expect("sending");
    logs_refusal(
        &server,
        format!("127.0.0.2:{port}"),
        &another_server_on(&port),
    );
    first_echo_is(&server, "next");
    // Loopback delivers at once: an echo to the twin would be waiting by now.
    twin.set_nonblocking(true).expect("non-blocking");
    let nothing = twin
        .recv_from(&mut [0; 16])
        .expect_err("no echo for the twin");
    assert_eq!(nothing.kind(), ErrorKind::WouldBlock);
    assert_eq!(
        totals(server),
        "echoed 1 datagram, 4 bytes; refused 1 datagram"
    );
}

/// An `ipmsg listen` with its log kept, as `user@user-pc`.
fn ipmsg_listener(user: &str, bind: &str, port: &str) -> Server {
    let host = format!("{user}-pc");
    Server::start_logged(
        "ipmsg",
        [
            "listen", "--bind", bind, "--port", port, "--user", user, "--host", &host,
        ],
    )
    .expect("ipmsg listen starts")
}

/// The next line a listener prints (one per packet).
fn shown(listener: &Server, what: &str) -> String {
    e2e::next_line(&listener.lines, DEADLINE, what)
}

/// Sends an ordinary message (no receipt asked) from a client, and checks that it is the
/// very next line the listener prints: nothing else came in between.
fn next_is_a_plain_message(listener: &Server, text: &str) {
    let client = loopback_udp(DEADLINE);
    client
        .send_to(format!("1:99:u:h:32:{text}").as_bytes(), listener.addr)
        .expect("sending");
    let line = shown(listener, "the plain message");
    assert!(line.ends_with(&format!("): {text}")), "{line}");
}

/// A BR_ENTRY "from" the listener itself: it shows the entry and does not greet itself.
/// (Even greeting itself would end there, since an ANSENTRY gets no answer; the rule
/// keeps it from talking to itself at all.)
#[test]
fn ipmsg_does_not_answer_an_entry_forged_from_itself() {
    let test = "ipmsg_does_not_answer_an_entry_forged_from_itself";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let listener = ipmsg_listener("lis", "127.0.0.1", "0");
    let addr = v4(listener.addr);
    forger.send(addr, addr, b"1:1:evil:evil-pc:1:Evil");
    let entry = shown(&listener, "the forged entry");
    assert!(
        entry.ends_with(&format!("evil@evil-pc ({addr}) entered as \"Evil\"")),
        "{entry}"
    );
    assert!(
        line_containing(listener.stderr(), " not sent: ", DEADLINE).ends_with(&format!(
            "{addr}: ANSENTRY|CAPUTF8OPT not sent: the source is this socket's own address: the \
         answer would come back to us, and be answered again, for ever"
        ))
    );
    next_is_a_plain_message(&listener, "still here");
}

/// A message asking for a receipt, "from" the echo port: the receipt would be echoed
/// back. The message is shown; the receipt is not sent.
#[test]
fn ipmsg_sends_no_receipt_to_a_forged_echo_port() {
    let test = "ipmsg_sends_no_receipt_to_a_forged_echo_port";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let listener = ipmsg_listener("lis", "127.0.0.1", "0");
    let from = SocketAddrV4::new(Ipv4Addr::LOCALHOST, 7);
    forger.send(from, v4(listener.addr), b"1:5:u:h:288:receipt please");
    assert!(shown(&listener, "the message").ends_with("): receipt please"));
    assert!(
        line_containing(listener.stderr(), " not sent: ", DEADLINE).ends_with(
            "127.0.0.1:7: RECVMSG not sent: source port 7 is a service that answers (echo): \
         answering could start a loop"
        )
    );
    next_is_a_plain_message(&listener, "still here");
}

/// Two listeners on one port (as IP Messenger clients are, all on 2425): an entry forged
/// from B to A draws one ANSENTRY from A to B, and B, which answers no answer, stops
/// there. Each listener's next line is our plain message: nothing bounced.
#[test]
fn two_ipmsg_listeners_exchange_one_answer_and_stop() {
    let test = "two_ipmsg_listeners_exchange_one_answer_and_stop";
    let Some(forger) = Forger::open(test) else {
        return;
    };
    let a = ipmsg_listener("a", "127.0.0.1", "0");
    let port = a.addr.port().to_string();
    let Ok(b) = Server::start_logged(
        "ipmsg",
        [
            "listen",
            "--bind",
            "127.0.0.2",
            "--port",
            &port,
            "--user",
            "b",
            "--host",
            "b-pc",
        ],
    ) else {
        skip_because(
            test,
            &format!("cannot start a listener on 127.0.0.2:{port}"),
        );
        return;
    };
    forger.send(v4(b.addr), v4(a.addr), b"1:1:b:b-pc:1:B");
    let entry = shown(&a, "the forged entry");
    assert!(
        entry.ends_with(&format!("b@b-pc ({}) entered as \"B\"", b.addr)),
        "{entry}"
    );
    let greeting = shown(&b, "A's answer");
    assert!(
        greeting.ends_with(&format!("a@a-pc ({}) is here as \"a\"", a.addr)),
        "{greeting}"
    );
    // B's answer to A's answer would come before these.
    next_is_a_plain_message(&b, "b still here");
    next_is_a_plain_message(&a, "a still here");
}
