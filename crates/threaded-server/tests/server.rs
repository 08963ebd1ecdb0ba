//! The library on real loopback connections: both modes, many clients, failing handlers,
//! the connection limit, and shutdown.
//!
//! No test depends on timing: servers listen before clients connect, every wait has a
//! deadline and fails with a message, and where a test checks that something has *not*
//! happened yet, a correct server can never make it fail.

// Test helpers too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use netbasics::text::Encoding;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::time::{Duration, Instant};
use tcp_echo::echo::Reply;
use threaded_server::echo::BUSY_MESSAGE;
use threaded_server::{Echo, Handler, Mode, Overload, Server, ShutdownHandle, Stats};

/// The longest any step may take before a test gives up. Healthy steps take milliseconds.
const DEADLINE: Duration = Duration::from_secs(30);

const MODES: [Mode; 2] = [Mode::Spawn, Mode::Pool { workers: 2 }];

/// Lesson 5's echo, quiet.
fn echo() -> Echo {
    Echo::new(Reply::Echo, Encoding::Utf8).quiet(true)
}

/// A server serving on its own thread.
struct Running {
    server: Arc<Server>,
    addr: SocketAddr,
    stop: ShutdownHandle,
    served: mpsc::Receiver<io::Result<()>>,
}

fn start<H: Handler>(server: Server, handler: H) -> Running {
    let server = Arc::new(server.quiet(true));
    let addr = server.local_addr();
    let stop = server.shutdown_handle();
    let (tx, served) = mpsc::channel();
    let serving = Arc::clone(&server);
    std::thread::spawn(move || {
        let _ = tx.send(serving.serve(handler));
    });
    Running {
        server,
        addr,
        stop,
        served,
    }
}

impl Running {
    fn stats(&self) -> Stats {
        self.server.stats()
    }

    /// Waits (with the deadline) for `serve` to return, and checks it returned `Ok`.
    fn wait_served(&self) {
        match self.served.recv_timeout(DEADLINE) {
            Ok(result) => result.expect("serve returned an error"),
            Err(_) => panic!("serve did not return within {DEADLINE:?}"),
        }
    }

    /// Asks for shutdown and waits for `serve` to return `Ok`.
    fn shut_down(&self) {
        self.stop.shutdown();
        self.wait_served();
    }

    /// Waits until the counters satisfy `ready`.
    fn wait_for_stats(&self, what: &str, ready: impl Fn(&Stats) -> bool) -> Stats {
        let until = Instant::now() + DEADLINE;
        loop {
            let stats = self.stats();
            if ready(&stats) {
                return stats;
            }
            assert!(
                Instant::now() < until,
                "{what}: still {stats} after {DEADLINE:?}"
            );
            std::thread::yield_now();
        }
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connecting to the test server");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.set_write_timeout(Some(DEADLINE)).unwrap();
    stream
}

/// Sends `message`, says "that's all", and returns everything the server sends back.
fn round_trip(addr: SocketAddr, message: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(message).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    reply
}

/// Sends `message` on an open connection and reads exactly as many bytes back.
fn exchange(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).unwrap();
    let mut reply = vec![0; message.len()];
    stream.read_exact(&mut reply).unwrap();
    reply
}

/// Ends a conversation from the client's side and waits for the server to close too.
fn finish(mut stream: TcpStream) {
    stream.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "unexpected bytes at the end: {rest:?}");
}

/// Whether a read fails with a timeout (the server has not answered).
fn times_out(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 1];
    let result = stream.read(&mut buf);
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    matches!(&result, Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut))
}

fn bind() -> Server {
    Server::bind("127.0.0.1:0").unwrap()
}

#[test]
fn echo_round_trips_in_both_modes() {
    for mode in MODES {
        let running = start(bind().mode(mode), echo());
        assert_eq!(round_trip(running.addr, b"hello"), b"hello", "{mode:?}");
        assert_eq!(round_trip(running.addr, b""), b"", "{mode:?}");
        let upper = start(
            bind().mode(mode),
            Echo::new(Reply::Upper(Encoding::Utf8), Encoding::Utf8).quiet(true),
        );
        assert_eq!(round_trip(upper.addr, b"hello, world"), b"HELLO, WORLD");
        running.shut_down();
        upper.shut_down();
        assert_eq!(running.stats().accepted, 2);
    }
}

#[test]
fn two_hundred_clients_at_once_each_get_their_own_reply() {
    const CLIENTS: usize = 200;
    for mode in [Mode::Spawn, Mode::Pool { workers: 8 }] {
        let running = start(bind().mode(mode), echo());
        // Every client connects, then waits for all the others before sending: 200
        // connections are open at once.
        let all_connected = Arc::new(Barrier::new(CLIENTS));
        let (tx, rx) = mpsc::channel();
        for i in 0..CLIENTS {
            let (addr, all_connected, tx) = (running.addr, Arc::clone(&all_connected), tx.clone());
            std::thread::spawn(move || {
                let mut stream = connect(addr);
                all_connected.wait();
                // Long enough to take several reads, different for every client.
                let message = format!("client {i} says hello; ").repeat(200).into_bytes();
                stream.write_all(&message).unwrap();
                stream.shutdown(Shutdown::Write).unwrap();
                let mut reply = Vec::new();
                stream.read_to_end(&mut reply).unwrap();
                tx.send((i, reply == message)).unwrap();
            });
        }
        drop(tx);
        let mut served = [false; CLIENTS];
        for _ in 0..CLIENTS {
            let (i, correct) = rx
                .recv_timeout(DEADLINE)
                .unwrap_or_else(|_| panic!("{mode:?}: a client got no reply in time"));
            assert!(correct, "{mode:?}: client {i} got someone else's reply");
            served[i] = true;
        }
        assert!(served.iter().all(|&s| s));
        let stats = running.stats();
        assert_eq!((stats.accepted, stats.active, stats.errors), (200, 0, 0));
        running.shut_down();
    }
}

#[test]
fn clients_that_leave_at_once_do_no_harm() {
    for mode in MODES {
        let running = start(bind().mode(mode), echo());
        // Connect and close without a word: the handler reads end-of-stream.
        drop(connect(running.addr));
        // Connect and reset (SO_LINGER 0 makes close send RST): the handler's read fails,
        // or, on some systems, the connection is gone before it is accepted.
        let rude = connect(running.addr);
        socket2::SockRef::from(&rude)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(rude);
        assert_eq!(round_trip(running.addr, b"still here"), b"still here");
        let stats = running.wait_for_stats("three connections done", |s| {
            s.accepted >= 2 && s.active == 0
        });
        assert!(stats.errors <= 1, "{mode:?}: {stats}");
        assert_eq!(stats.panics, 0);
        running.shut_down();
    }
}

/// Reads the whole request, panics on "panic", fails on "fail", echoes anything else.
fn fragile(mut stream: &TcpStream, _peer: SocketAddr) -> io::Result<()> {
    let mut request = Vec::new();
    stream.read_to_end(&mut request)?;
    match &request[..] {
        b"panic" => panic!("handler bug on purpose"),
        b"fail" => Err(io::Error::new(io::ErrorKind::InvalidData, "bad request")),
        _ => stream.write_all(&request),
    }
}

#[test]
fn a_panicking_handler_affects_only_its_client() {
    // One worker: the same thread must survive the panic to serve the next client.
    for mode in [Mode::Spawn, Mode::Pool { workers: 1 }] {
        let running = start(bind().mode(mode), fragile);
        assert_eq!(round_trip(running.addr, b"panic"), b"", "closed, no reply");
        assert_eq!(round_trip(running.addr, b"next"), b"next", "{mode:?}");
        assert_eq!(round_trip(running.addr, b"panic"), b"");
        assert_eq!(round_trip(running.addr, b"last"), b"last", "{mode:?}");
        let stats = running.stats();
        assert_eq!((stats.accepted, stats.panics, stats.errors), (4, 2, 0));
        running.shut_down();
    }
}

#[test]
fn a_failing_handler_is_counted_and_the_server_goes_on() {
    for mode in MODES {
        let running = start(bind().mode(mode), fragile);
        assert_eq!(round_trip(running.addr, b"fail"), b"");
        assert_eq!(round_trip(running.addr, b"ok"), b"ok");
        let stats = running.stats();
        assert_eq!((stats.accepted, stats.errors, stats.panics), (2, 1, 0));
        running.shut_down();
    }
}

#[test]
fn stats_can_be_read_while_serving() {
    for mode in MODES {
        let running = start(bind().mode(mode), echo());
        let mut a = connect(running.addr);
        assert_eq!(exchange(&mut a, b"hi"), b"hi");
        let stats = running.stats();
        assert_eq!((stats.accepted, stats.active), (1, 1));
        finish(a);
        // The client saw the close after the slot was freed: active is back to 0.
        assert_eq!(running.stats().active, 0);
        running.shut_down();
    }
}

#[test]
fn over_the_limit_with_refuse_the_extra_client_is_told_and_closed() {
    for mode in MODES {
        let running = start(
            bind()
                .mode(mode)
                .max_connections(1)
                .overload(Overload::Refuse),
            echo(),
        );
        let mut a = connect(running.addr);
        assert_eq!(exchange(&mut a, b"a1"), b"a1");

        let mut b = connect(running.addr);
        let mut said = Vec::new();
        b.read_to_end(&mut said).unwrap();
        assert_eq!(said, BUSY_MESSAGE, "{mode:?}");
        let stats = running.stats();
        assert_eq!((stats.accepted, stats.refused), (1, 1));

        // The first client is still served, and once it leaves there is room again.
        assert_eq!(exchange(&mut a, b"a2"), b"a2");
        finish(a);
        assert_eq!(round_trip(running.addr, b"c"), b"c");
        assert_eq!(running.stats().refused, 1);
        running.shut_down();
    }
}

/// An echo handler that logs when each conversation starts and ends.
struct Logged {
    events: Arc<Mutex<Vec<String>>>,
}

impl Handler for Logged {
    fn handle(&self, mut stream: &TcpStream, _peer: SocketAddr) -> io::Result<()> {
        let mut first = [0u8; 1];
        stream.read_exact(&mut first)?;
        let name = char::from(first[0]);
        self.events.lock().unwrap().push(format!("start {name}"));
        stream.write_all(&first)?;
        let mut writer = stream;
        let copied = io::copy(&mut stream, &mut writer);
        self.events.lock().unwrap().push(format!("end {name}"));
        copied.map(drop)
    }
}

#[test]
fn over_the_limit_with_wait_the_extra_client_is_served_after_one_leaves() {
    for mode in MODES {
        let events = Arc::new(Mutex::new(Vec::new()));
        let running = start(
            bind().mode(mode).max_connections(1),
            Logged {
                events: Arc::clone(&events),
            },
        );
        let mut a = connect(running.addr);
        assert_eq!(exchange(&mut a, b"a"), b"a");

        // The system completes b's handshake (the listen queue), but the server does not
        // accept it while a holds the only place.
        let mut b = connect(running.addr);
        b.write_all(b"b").unwrap();
        assert!(times_out(&mut b), "{mode:?}: b was served while a was");
        assert_eq!(running.stats().accepted, 1);

        finish(a);
        let mut reply = [0u8; 1];
        b.read_exact(&mut reply).unwrap();
        assert_eq!(&reply, b"b", "{mode:?}: b is served once a has left");
        finish(b);
        assert_eq!(
            *events.lock().unwrap(),
            ["start a", "end a", "start b", "end b"]
        );
        assert_eq!(running.stats().refused, 0);
        running.shut_down();
    }
}

#[test]
fn an_idle_server_shuts_down() {
    for mode in MODES {
        start(bind().mode(mode), echo()).shut_down();
    }
}

#[test]
fn shutdown_lets_open_conversations_finish_within_the_grace_period() {
    for mode in MODES {
        // A grace period longer than the test's deadline: serve returning in time shows it
        // did not wait for the grace period to end, only for the client.
        let running = start(bind().mode(mode).shutdown_grace(DEADLINE * 4), echo());
        let mut a = connect(running.addr);
        assert_eq!(exchange(&mut a, b"before"), b"before");
        running.stop.shutdown();
        // Stopping, but a is still served.
        assert_eq!(exchange(&mut a, b"during"), b"during", "{mode:?}");
        finish(a);
        running.wait_served();
        assert_eq!(running.stats().accepted, 1);
    }
}

#[test]
fn shutdown_cuts_conversations_still_open_at_the_end_of_the_grace_period() {
    for mode in MODES {
        let running = start(
            bind().mode(mode).shutdown_grace(Duration::from_millis(50)),
            echo(),
        );
        let mut idle = connect(running.addr);
        assert_eq!(exchange(&mut idle, b"hi"), b"hi");
        running.shut_down();
        // The server shut the socket down: the client reads end-of-stream.
        let mut buf = [0u8; 8];
        assert_eq!(idle.read(&mut buf).unwrap(), 0, "{mode:?}");
        let stats = running.stats();
        assert_eq!((stats.active, stats.errors), (0, 0));
    }
}

#[test]
fn shutdown_wakes_a_server_waiting_for_a_free_place() {
    for mode in MODES {
        let running = start(
            bind()
                .mode(mode)
                .max_connections(1)
                .shutdown_grace(Duration::from_millis(50)),
            echo(),
        );
        let mut a = connect(running.addr);
        assert_eq!(exchange(&mut a, b"a"), b"a");
        // b waits in the listen queue; the accepting thread waits for a free place.
        let _b = connect(running.addr);
        running.shut_down();
        assert_eq!(running.stats().accepted, 1);
    }
}

/// A handler that keeps a reference count alive while any thread holds it.
struct Counted {
    alive: Arc<()>,
}

impl Handler for Counted {
    fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
        let _ = &self.alive;
        echo().handle(stream, peer)
    }
}

#[test]
fn when_serve_returns_every_thread_has_let_go_of_the_handler() {
    for mode in MODES {
        let alive = Arc::new(());
        let running = start(
            bind().mode(mode).shutdown_grace(Duration::from_millis(50)),
            Counted {
                alive: Arc::clone(&alive),
            },
        );
        // Two conversations under way (a pool of 2 serves both), and three more clients
        // that, in pool mode, wait in the queue for a worker.
        let mut clients: Vec<TcpStream> = (0..5).map(|_| connect(running.addr)).collect();
        for client in &mut clients[..2] {
            assert_eq!(exchange(client, b"x"), b"x");
        }
        assert!(Arc::strong_count(&alive) > 1);
        running.shut_down();
        // Only the test's own reference is left: no connection thread or worker lives on.
        assert_eq!(Arc::strong_count(&alive), 1, "{mode:?}");
    }
}

#[test]
fn a_handler_can_stop_the_server() {
    // Unlike Python's `server.shutdown()`, which deadlocks when called from the thread
    // running `serve_forever()`, `shutdown` never waits, so any thread may call it.
    let server = bind();
    let stop = server.shutdown_handle();
    let running = start(server, move |mut stream: &TcpStream, _peer: SocketAddr| {
        let mut request = String::new();
        stream.read_to_string(&mut request)?;
        if request == "quit" {
            stop.shutdown();
        }
        stream.write_all(b"bye")
    });
    assert_eq!(round_trip(running.addr, b"quit"), b"bye");
    running.wait_served();
}

#[test]
fn a_silent_client_is_dropped_at_the_read_timeout() {
    let running = start(bind().read_timeout(Some(Duration::from_millis(50))), echo());
    let mut silent = connect(running.addr);
    let mut buf = [0u8; 1];
    // The handler's read times out, it returns the error, the connection closes.
    assert_eq!(silent.read(&mut buf).unwrap(), 0);
    let stats = running.wait_for_stats("the timeout counted", |s| s.errors == 1);
    assert_eq!(stats.active, 0);
    running.shut_down();
}

#[test]
fn a_busy_message_that_panics_is_contained() {
    struct BadBusy;
    impl Handler for BadBusy {
        fn handle(&self, stream: &TcpStream, peer: SocketAddr) -> io::Result<()> {
            echo().handle(stream, peer)
        }
        fn busy(&self, _: SocketAddr) -> Vec<u8> {
            panic!("busy message bug on purpose")
        }
    }
    let running = start(
        bind().max_connections(1).overload(Overload::Refuse),
        BadBusy,
    );
    let mut a = connect(running.addr);
    assert_eq!(exchange(&mut a, b"a"), b"a");
    // Refused without a word (a refused client should not send: data the server never
    // reads would make its close a reset).
    let mut refused = connect(running.addr);
    let mut said = Vec::new();
    refused.read_to_end(&mut said).unwrap();
    assert_eq!(said, b"");
    assert_eq!(
        exchange(&mut a, b"b"),
        b"b",
        "the accepting thread lives on"
    );
    finish(a);
    assert_eq!(round_trip(running.addr, b"c"), b"c");
    running.shut_down();
}

#[test]
fn shutdown_before_serve_makes_serve_return_at_once() {
    let server = bind();
    let stop = server.shutdown_handle();
    stop.shutdown();
    let running = start(server, echo());
    running.wait_served();
    assert_eq!(running.stats(), Stats::default());
}
