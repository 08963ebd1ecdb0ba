//! Unit tests of `deadline`: a write to a peer that never reads ends at the deadline,
//! once, not once per `send` call. (The examples in the docs are tests too.)

use super::*;
use std::io::Read;
use std::net::TcpListener;
use std::thread;

/// A connected pair on loopback: (the side that writes, the side that reads, or not).
fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (writer, _) = listener.accept().unwrap();
    (writer, peer)
}

#[test]
fn a_peer_that_never_reads_is_given_up_on_at_the_deadline() {
    let (writer, _peer) = pair();
    // Far more than the kernels' buffers hold, so that the write must wait.
    let bytes = vec![b'x'; 256 << 20];
    let limit = Duration::from_secs(1);
    let start = Instant::now();
    let err = write_all_by(&writer, &bytes, start + limit).unwrap_err();
    let waited = start.elapsed();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    assert!(waited >= limit, "gave up early, after {waited:?}");
    // Writing into a full buffer with one SO_SNDTIMEO per call would take two timeouts
    // at least: the first call returns the part it copied, the next waits again.
    assert!(
        waited < limit * 19 / 10,
        "the deadline held for {waited:?}: once per send call?"
    );
}

#[test]
fn a_reader_that_keeps_up_gets_everything() {
    let (writer, mut peer) = pair();
    let bytes: Vec<u8> = (0..4 << 20).map(|i: u32| (i % 251) as u8).collect();
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        peer.read_to_end(&mut got).unwrap();
        got
    });
    write_all_by(&writer, &bytes, Instant::now() + Duration::from_secs(60)).unwrap();
    drop(writer); // our FIN ends the reader's read_to_end
    assert_eq!(reader.join().unwrap(), bytes);
}

#[test]
fn nothing_to_send_succeeds_even_after_the_deadline() {
    let (writer, _peer) = pair();
    write_all_by(&writer, b"", Instant::now()).unwrap();
}

#[test]
fn a_deadline_already_past_sends_nothing() {
    let (writer, mut peer) = pair();
    let past = Instant::now();
    let err = write_all_by(&writer, b"late", past).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    drop(writer);
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn a_reset_is_the_connection_error_not_a_timeout() {
    let (writer, peer) = pair();
    // SO_LINGER 0: the peer's close sends a reset.
    socket2::SockRef::from(&peer)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(peer);
    let bytes = vec![b'x'; 1 << 20];
    let deadline = Instant::now() + Duration::from_secs(60);
    // The first write may still be taken by the kernel before the reset is seen.
    let err = loop {
        if let Err(e) = write_all_by(&writer, &bytes, deadline) {
            break e;
        }
    };
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        ),
        "{err:?}"
    );
}

#[test]
fn time_left_is_none_once_the_deadline_passes() {
    assert_eq!(time_left(Instant::now() - Duration::from_secs(1)), None);
    let later = Instant::now() + Duration::from_secs(3600);
    assert!(time_left(later).is_some_and(|left| left > Duration::from_secs(3500)));
}
