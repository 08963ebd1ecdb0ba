//! Tests of `echo.rs`: the reply modes, how a conversation ends, and the limits (a reply's
//! deadline, a visit's time limit, a trickling client that is never idle).

use super::*;
use netbasics::text::encode;
use std::io::Write;
use std::net::{Shutdown, TcpListener};
use std::thread;

const LONG: Duration = Duration::from_secs(30);
const TIMEOUTS: Timeouts = Timeouts {
    idle: LONG,
    write: LONG,
    visit: None,
};

/// Runs `serve` on one connection while `client` talks to it; returns the outcome
/// and every byte the client received.
fn exchange(reply: Reply, pieces: &[&[u8]]) -> (Outcome, Vec<u8>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        serve(&stream, &reply, TIMEOUTS, |_| {})
    });
    let mut client = TcpStream::connect(addr).unwrap();
    client.set_read_timeout(Some(LONG)).unwrap();
    for piece in pieces {
        client.write_all(piece).unwrap();
    }
    client.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).unwrap();
    (server.join().unwrap(), got)
}

#[test]
fn echo_returns_the_bytes_unchanged_even_when_not_text() {
    let data: Vec<u8> = (0..=255).collect();
    let (outcome, got) = exchange(Reply::Echo, &[&data]);
    assert!(outcome.result.is_ok());
    assert_eq!(got, data);
    assert_eq!(outcome.summary.received, 256);
    assert_eq!(outcome.summary.sent, 256);
}

#[test]
fn fixed_reply_answers_every_piece() {
    let reply = encode("收到！", Encoding::Utf8).unwrap();
    let (outcome, got) = exchange(Reply::Fixed(reply.clone()), &[b"hello"]);
    assert!(outcome.result.is_ok());
    // One piece or several: each got the same answer.
    let pieces = usize::try_from(outcome.summary.pieces).unwrap();
    assert!(pieces >= 1);
    assert_eq!(got, reply.repeat(pieces));
}

#[test]
fn fixed_reply_in_gbk() {
    let reply = encode("收到！", Encoding::Gbk).unwrap();
    let (_, got) = exchange(Reply::Fixed(reply.clone()), &[b"x"]);
    assert_eq!(got, reply);
}

#[test]
fn upper_on_gbk_text() {
    let sent = encode("hello 你好 乤 α", Encoding::Gbk).unwrap();
    let (outcome, got) = exchange(Reply::Upper(Encoding::Gbk), &[&sent]);
    assert!(outcome.result.is_ok());
    assert_eq!(got, encode("HELLO 你好 乤 Α", Encoding::Gbk).unwrap());
}

#[test]
fn upper_joins_a_character_cut_between_pieces() {
    // 乤 is 81 61: sent as two pieces, the 61 must not become 41.
    let sent = encode("a乤b", Encoding::Gbk).unwrap();
    let mut responder = Responder::new(&Reply::Upper(Encoding::Gbk));
    let mut got = responder.answer(&sent[..2]).into_owned();
    got.extend(responder.answer(&sent[2..]).iter());
    got.extend(responder.finish());
    assert_eq!(got, encode("A乤B", Encoding::Gbk).unwrap());
}

#[test]
fn upper_sends_bad_bytes_back_as_they_came() {
    let (_, got) = exchange(Reply::Upper(Encoding::Utf8), &[b"ab\xffcd"]);
    assert_eq!(got, b"AB\xffCD");
}

#[test]
fn upper_returns_an_unfinished_character_when_the_client_closes() {
    let (_, got) = exchange(Reply::Upper(Encoding::Utf8), &[b"ok\xe4\xbd"]);
    assert_eq!(got, b"OK\xe4\xbd");
}

#[test]
fn a_client_that_closes_at_once_is_a_clean_end() {
    let (outcome, got) = exchange(Reply::Echo, &[]);
    assert!(outcome.result.is_ok());
    assert_eq!(outcome.summary, Summary::default());
    assert!(got.is_empty());
}

#[test]
fn every_piece_is_handed_to_the_logger() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client.write_all(b"abc").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let (stream, _) = listener.accept().unwrap();
    let mut seen = Vec::new();
    let outcome = serve(&stream, &Reply::Echo, TIMEOUTS, |piece| {
        seen.extend_from_slice(piece)
    });
    assert!(outcome.result.is_ok());
    assert_eq!(seen, b"abc");
}

#[test]
fn a_reset_is_reported_as_such() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    socket2::SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(client);
    let (stream, _) = listener.accept().unwrap();
    let outcome = serve(&stream, &Reply::Echo, TIMEOUTS, |_| {});
    assert!(
        matches!(outcome.result, Err(ClientError::Reset(_))),
        "{:?}",
        outcome.result
    );
}

#[test]
fn endings_are_said_in_words() {
    assert_eq!(
        ClientError::Idle(Duration::from_secs(300)).to_string(),
        "the client sent nothing for 300 s: hung up"
    );
    // How long the reply really waited, to a tenth of a second.
    assert_eq!(
        ClientError::NotReading(Duration::from_millis(3040)).to_string(),
        "the client stopped reading: a reply waited 3.0 s for room in the send buffer: hung up"
    );
    assert_eq!(
        ClientError::TimeLimit(Duration::from_secs(60)).to_string(),
        "the connection reached its time limit of 60 s: hung up"
    );
    assert_eq!(
        ClientError::TimeLimit(Duration::from_millis(500)).to_string(),
        "the connection reached its time limit of 0.5 s: hung up"
    );
    let reset = connection_error(io::ErrorKind::BrokenPipe.into());
    assert!(matches!(reset, ClientError::Reset(_)));
    let other = connection_error(io::ErrorKind::Other.into());
    assert!(matches!(other, ClientError::Io(_)));
}

/// A server thread serving one connection with `timeouts`, and the client's socket.
fn serving(timeouts: Timeouts) -> (thread::JoinHandle<Outcome>, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        serve(&stream, &Reply::Echo, timeouts, |_| {})
    });
    client.set_read_timeout(Some(LONG)).unwrap();
    client.set_write_timeout(Some(LONG)).unwrap();
    (server, client)
}

#[test]
fn a_reply_that_cannot_leave_is_given_up_on_at_its_deadline_once() {
    let write = Duration::from_secs(1);
    let (server, client) = serving(Timeouts { write, ..TIMEOUTS });
    // Sends and never reads, until the server gives up and its reset ends our writes.
    let flood = thread::spawn(move || {
        let chunk = vec![b'x'; 1 << 20];
        while (&client).write_all(&chunk).is_ok() {}
    });
    let outcome = server.join().unwrap();
    let Err(ClientError::NotReading(waited)) = outcome.result else {
        panic!("{:?}", outcome.result)
    };
    assert!(waited >= write, "gave up after {waited:?}");
    // With a write timeout per send() call, a reply's first call returns the part it
    // copied and the second waits the whole timeout again: twice as long.
    assert!(waited < write * 19 / 10, "the reply waited {waited:?}");
    flood.join().unwrap();
}

/// Sends one byte every `gap`, `count` times, reading each echo before the next: a
/// client that keeps talking, slowly. Returns how many of its bytes came back before the
/// server hung up (all of them if it never did).
fn trickle(mut client: &TcpStream, count: usize, gap: Duration) -> usize {
    let mut echoed = 0;
    for _ in 0..count {
        if client.write_all(b"x").is_err() {
            break;
        }
        let mut byte = [0u8; 1];
        match client.read(&mut byte) {
            Ok(1) => echoed += 1,
            _ => break, // 0 bytes (the server's FIN) or a reset: hung up
        }
        thread::sleep(gap);
    }
    echoed
}

#[test]
fn a_trickling_client_is_never_idle() {
    // One byte every 50 ms for about a second, against an idle timeout of 400 ms.
    let idle = Duration::from_millis(400);
    let (server, client) = serving(Timeouts { idle, ..TIMEOUTS });
    let start = Instant::now();
    assert_eq!(trickle(&client, 20, Duration::from_millis(50)), 20);
    assert!(start.elapsed() > idle * 2, "the test trickled long enough");
    client.shutdown(Shutdown::Write).unwrap();
    let outcome = server.join().unwrap();
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    assert_eq!(outcome.summary.pieces, 20);
}

#[test]
fn a_trickling_client_is_cut_at_the_end_of_its_visit() {
    let limit = Duration::from_millis(500);
    let (server, client) = serving(Timeouts {
        visit: Some(limit),
        ..TIMEOUTS
    });
    // A byte every 50 ms for up to 30 s: the visit's limit must end it long before.
    let echoed = trickle(&client, 600, Duration::from_millis(50));
    assert!(echoed < 600, "never cut");
    let outcome = server.join().unwrap();
    assert!(
        matches!(outcome.result, Err(ClientError::TimeLimit(l)) if l == limit),
        "{:?}",
        outcome.result
    );
}

#[test]
fn a_silent_client_is_cut_at_the_end_of_its_visit_if_that_comes_first() {
    let (server, _client) = serving(Timeouts {
        visit: Some(Duration::from_millis(200)),
        ..TIMEOUTS
    });
    let outcome = server.join().unwrap();
    assert!(
        matches!(outcome.result, Err(ClientError::TimeLimit(_))),
        "{:?}",
        outcome.result
    );
}
