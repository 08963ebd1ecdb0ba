use super::*;
use std::time::Duration;

fn start(stop_after: u64) -> (SocketAddr, std::thread::JoinHandle<Result<Tally, Broken>>) {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let handle = std::thread::spawn(move || {
        serve(&server, &SharedTally::default(), |event| match event {
            Event::Echoed { tally, .. } if tally.datagrams == stop_after => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        })
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
    let tally = handle.join().unwrap().unwrap();
    assert_eq!(tally.datagrams, 4);
    assert_eq!(tally.bytes, messages.iter().map(|m| m.len() as u64).sum());
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
    assert_eq!(handle.join().unwrap().unwrap().datagrams, 2);
}

#[test]
fn a_socket_that_always_fails_ends_the_loop() {
    // A read timeout makes every recvfrom fail at once: a stand-in for a broken socket.
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server
        .set_read_timeout(Some(Duration::from_millis(1)))
        .unwrap();
    let mut seen = 0;
    let err = serve(&server, &SharedTally::default(), |event| {
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
    let tally = SharedTally::default();
    let mut failed = 0;
    let totals = serve(&server, &tally, |event| {
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
    assert_eq!(totals, Tally::default());
}

#[test]
fn an_echo_is_counted_before_the_client_has_it() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let tally = std::sync::Arc::new(SharedTally::default());
    let counted = std::sync::Arc::clone(&tally);
    let handle = std::thread::spawn(move || {
        serve(&server, &counted, |event| match event {
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
            tally.get(),
            Tally {
                datagrams: n,
                bytes: 3 * n
            }
        );
    }
    handle.join().unwrap().unwrap();
}
