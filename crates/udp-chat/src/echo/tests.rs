use super::*;
use std::sync::Arc;
use std::time::Duration;

/// Who a test server bound to `server` is.
fn local(server: &UdpSocket) -> Local {
    Local::new(server.local_addr().unwrap())
}

fn start(stop_after: u64) -> (SocketAddr, std::thread::JoinHandle<Result<Totals, Broken>>) {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        serve(
            &server,
            &local(&server),
            &Counters::default(),
            |event| match event {
                Event::Echoed { tally, .. } if tally.datagrams == stop_after => {
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            },
        )
    });
    (addr, handle)
}

fn client() -> UdpSocket {
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Only keeps a broken test from hanging; loopback answers at once.
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    client
}

#[test]
fn echoes_every_kind_of_datagram_to_its_sender() {
    let messages: [&[u8]; 4] = [b"hi", b"", b"\xff\xfe garbage \x00", &[b'x'; 60_000]];
    let (addr, handle) = start(messages.len() as u64);
    let client = client();
    let mut buf = vec![0; DEFAULT_BUFFER];
    for message in messages {
        client.send_to(message, addr).unwrap();
        let (n, from) = client.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], message);
        assert_eq!(from, addr);
    }
    let totals = handle.join().unwrap().unwrap();
    assert_eq!(totals.echoed.datagrams, 4);
    assert_eq!(
        totals.echoed.bytes,
        messages.iter().map(|m| m.len() as u64).sum()
    );
    assert_eq!(totals.refused, 0);
}

#[test]
fn serves_several_clients_on_one_socket() {
    let (addr, handle) = start(2);
    let (a, b) = (client(), client());
    a.send_to(b"from a", addr).unwrap();
    b.send_to(b"from b", addr).unwrap();
    let mut buf = [0; 64];
    let (n, _) = a.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from a");
    let (n, _) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from b");
    handle.join().unwrap().unwrap();
}

#[test]
fn a_vanished_client_does_not_stop_the_server() {
    let (addr, handle) = start(2);
    {
        let gone = client();
        gone.send_to(b"bye", addr).unwrap();
    } // closed before the echo arrives (or after: either way nobody reads it)
    let c = client();
    c.send_to(b"still there?", addr).unwrap();
    let mut buf = [0; 64];
    let (n, _) = c.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"still there?");
    assert_eq!(handle.join().unwrap().unwrap().echoed.datagrams, 2);
}

#[test]
fn a_socket_that_always_fails_ends_the_loop() {
    // A read timeout makes every recvfrom fail at once: a stand-in for a broken socket.
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    let mut seen = 0;
    let err = serve(&server, &local(&server), &Counters::default(), |event| {
        assert!(matches!(event, Event::RecvFailed(RecvError::Timeout)));
        seen += 1;
        ControlFlow::Continue(())
    })
    .unwrap_err();
    assert_eq!(seen, MAX_ERRORS_IN_A_ROW);
    assert!(err.to_string().contains("100 times in a row"), "{err}");
}

/// Echoes that cannot be sent (here: the socket is shut for sending, so every
/// `sendto` fails with `EPIPE`, as forged senders make it fail with `EINVAL` or
/// `EACCES`) are reported, not counted, and never stop the server.
#[cfg(target_os = "linux")]
#[test]
fn failed_sends_never_stop_the_server() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let client = client();
    // shutdown needs a connected socket; a connected one still sendto()s anywhere.
    server.connect(client.local_addr().unwrap()).unwrap();
    socket2::SockRef::from(&server)
        .shutdown(std::net::Shutdown::Write)
        .unwrap();
    let total = MAX_ERRORS_IN_A_ROW * 2;
    for _ in 0..total {
        client.send_to(b"x", addr).unwrap();
    }
    let mut failed = 0;
    let totals = serve(&server, &local(&server), &Counters::default(), |event| {
        assert!(matches!(event, Event::SendFailed(_)), "{event:?}");
        failed += 1;
        if failed == total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert_eq!(failed, total);
    assert_eq!(totals, Totals::default());
}

#[test]
fn an_echo_is_counted_before_the_client_has_it() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let counters = Arc::new(Counters::default());
    let counted = Arc::clone(&counters);
    let handle = std::thread::spawn(move || {
        serve(&server, &local(&server), &counted, |event| match event {
            Event::Echoed { tally, .. } if tally.datagrams == 3 => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        })
    });
    let client = client();
    let mut buf = [0; 16];
    for n in 1..=3 {
        client.send_to(b"abc", addr).unwrap();
        client.recv_from(&mut buf).unwrap();
        // Read at once, as a Ctrl-C handler would: the echo already arrived, so it
        // must already be counted.
        assert_eq!(
            counters.get().echoed,
            Tally {
                datagrams: n,
                bytes: 3 * n
            }
        );
    }
    handle.join().unwrap().unwrap();
}

/// What `serve` reported, one line per datagram, until the first echo.
fn events_until_an_echo(server: &UdpSocket) -> (Vec<String>, Totals) {
    let mut seen = Vec::new();
    let totals = serve(server, &local(server), &Counters::default(), |event| {
        let echoed = matches!(event, Event::Echoed { .. });
        seen.push(match event {
            Event::Refused { from, why, .. } => format!("refused {from}: {why}"),
            Event::Echoed { from, data, .. } => {
                format!("echoed {from}: {}", String::from_utf8_lossy(data))
            }
            other => format!("{other:?}"),
        });
        if echoed {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    (seen, totals)
}

/// Once `server` has a datagram from `from` waiting, sends `after` from a new client,
/// serves until the first echo, and checks that the waiting datagram was refused for
/// `why` while the client's was echoed (and came back): one of each, in that order.
fn refused_then_echoed(server: &UdpSocket, from: SocketAddr, why: Refusal) {
    let c = client();
    c.send_to(b"after", server.local_addr().unwrap()).unwrap();
    let (seen, totals) = events_until_an_echo(server);
    assert_eq!(
        seen,
        [
            format!("refused {from}: {why}"),
            format!("echoed {}: after", c.local_addr().unwrap()),
        ]
    );
    assert_eq!((totals.refused, totals.echoed.datagrams), (1, 1));
    let mut buf = [0; 16];
    let (n, _) = c.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"after");
}

/// The loop of the course's echo server: a datagram whose source is the server itself.
/// Echoed, it would come back to the server, be echoed again, for ever. No forging is
/// needed here: the server's own socket sends it to itself.
#[test]
fn a_datagram_from_the_server_itself_is_refused() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    server.send_to(b"loop?", addr).unwrap();
    refused_then_echoed(&server, addr, Refusal::Ourselves);
}

/// Two echo servers on the same port (on two loopback addresses): a datagram from one
/// to the other would be echoed back and forth for ever. The first one refuses it, and
/// the second never hears from the first.
#[test]
fn two_servers_on_one_port_do_not_echo_each_other() {
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = a.local_addr().unwrap().port();
    let Ok(b) = UdpSocket::bind(("127.0.0.2", port)) else {
        e2e::skip_because(
            "two_servers_on_one_port_do_not_echo_each_other",
            &format!("cannot bind 127.0.0.2:{port}"),
        );
        return;
    };
    b.send_to(b"ping-pong?", a.local_addr().unwrap()).unwrap();
    refused_then_echoed(&a, b.local_addr().unwrap(), Refusal::OurPort { port });
    // Loopback delivers at once: had A echoed to B, it would be in B's queue already.
    b.set_nonblocking(true).unwrap();
    let mut buf = [0; 16];
    let nothing = b.recv_from(&mut buf).unwrap_err();
    assert_eq!(nothing.kind(), io::ErrorKind::WouldBlock);
}
