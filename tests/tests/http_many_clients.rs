//! End-to-end tests of a server with many connections at once: idle keep-alive
//! connections and half-sent requests must not stop it from serving a new client, and a
//! request that arrives too slowly gets `408 Request Timeout` and a close.
//!
//! The server runs one event loop and long timeouts (`--idle-timeout 600
//! --request-timeout 600`): a design that served a connection at a time, or waited for a
//! request to be whole, would leave the new client unanswered, and the test would fail at
//! its read deadline with a message, not on a measured time.

mod http_support;

use http_support::{log_line, mini_http, request, Client, Tree};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// How many connections of each kind are held open.
const HELD: usize = 100;

/// How long the new client waits for its answer before the test fails: far more than a
/// healthy server needs, far less than the server's own timeouts.
const ANSWER_DEADLINE: Duration = Duration::from_secs(30);

#[test]
fn a_new_client_is_served_while_many_connections_are_held() {
    let tree = Tree::new("many");
    let server = mini_http(
        &tree.root,
        &[
            "--threads",
            "1",
            "--idle-timeout",
            "600",
            "--request-timeout",
            "600",
        ],
    );
    // Idle keep-alive connections: each has had one answer and says nothing more.
    let mut idle = Vec::with_capacity(HELD);
    for _ in 0..HELD {
        let mut client = Client::connect(server.addr);
        client.send(&request("GET", "/a.txt", ""));
        client.response().assert_status(200);
        idle.push(client);
    }
    // Half-sent requests: a request line and part of a header, never the blank line.
    let mut half = Vec::with_capacity(HELD);
    for _ in 0..HELD {
        let mut client = Client::connect(server.addr);
        client.send(b"GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Unfinis");
        half.push(client);
    }
    let mut newcomer = Client::with_deadline(server.addr, ANSWER_DEADLINE);
    newcomer.send(&request("GET", "/data.bin", "Connection: close\r\n"));
    let response = newcomer.response();
    response.assert_status(200);
    assert!(response.body == tree.bytes("data.bin"), "the body differs");
    newcomer.assert_closed();

    // Every held connection is still served, as soon as it has something to say.
    for client in &mut half {
        client.send(b"hed: y\r\nConnection: close\r\n\r\n");
        let response = client.response();
        response.assert_status(200);
        assert_eq!(response.body, b"hello, world\n");
        client.assert_closed();
    }
    for client in &mut idle {
        client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
        client.response().assert_status(200);
        client.assert_closed();
    }
}

/// The longest the trickling client keeps going before the test calls the server stuck.
const TRICKLE_LIMIT: Duration = Duration::from_secs(30);

#[test]
fn a_request_trickled_past_the_request_timeout_gets_408() {
    let tree = Tree::new("trickle-408");
    let server = mini_http(&tree.root, &["--request-timeout", "1"]);
    let mut client = Client::connect(server.addr);
    client.send(b"GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    // A byte at a time, never idle for long: the deadline is the request's, from its
    // first byte, so the trickle must not push it back. The short read timeout is the
    // pause between bytes; the answer, when it comes, ends the loop.
    let mut stream = client.stream().try_clone().expect("cloning the socket");
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("setting a read timeout");
    let start = Instant::now();
    let mut first = [0u8; 1];
    loop {
        assert!(
            start.elapsed() < TRICKLE_LIMIT,
            "no answer after trickling for {TRICKLE_LIMIT:?}: the deadline moved with each byte"
        );
        if stream.write_all(b"a").is_err() {
            // Closed on us: the answer must be there to read.
            break;
        }
        match stream.peek(&mut first) {
            Ok(_) => break,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("waiting for the 408: {e}"),
        }
    }
    stream
        .set_read_timeout(Some(http_support::LONG))
        .expect("setting a read timeout");
    let response = client.response();
    response.assert_status(408);
    assert!(response.says_close(), "{}", response.describe());
    client.assert_closed();
    log_line(&server, "refused: 408");
}

#[test]
fn a_connection_that_sends_nothing_does_not_hold_up_others() {
    let tree = Tree::new("silent");
    let server = mini_http(&tree.root, &["--threads", "1", "--request-timeout", "600"]);
    let silent: Vec<_> = (0..HELD).map(|_| Client::connect(server.addr)).collect();
    let mut client = Client::with_deadline(server.addr, ANSWER_DEADLINE);
    client.send(&request("GET", "/a.txt", "Connection: close\r\n"));
    client.response().assert_status(200);
    // The silent ones are still open: a read finds nothing, not the end.
    let mut stream = silent[0].stream();
    stream.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("a silent connection was closed early: {other:?}"),
    }
}

#[test]
fn an_idle_keep_alive_connection_is_closed_quietly_at_the_idle_timeout() {
    let tree = Tree::new("idle-timeout");
    let server = mini_http(&tree.root, &["--idle-timeout", "1"]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/a.txt", ""));
    client.response().assert_status(200);
    // Nothing more is sent: the server closes at its idle deadline, with no 408 (the
    // client was not in the middle of a request). The read's own deadline, LONG, only
    // fails a server that never closes.
    client.assert_closed();
}
