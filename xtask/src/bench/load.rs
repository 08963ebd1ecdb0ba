//! The Rust clients that drive every server measured, ours and the peers alike: the same
//! client for both, so the difference is the server.

use anyhow::{bail, Context, Result};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long any single read or write may block before the measurement fails: a healthy
/// server answers in microseconds; this only turns a hang into an error.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// The size of each write (and of the read buffer) in the bulk transfer.
pub const CHUNK: usize = 256 * 1024;
/// The bulk data is the bytes 0, 1, ..., 250, 0, 1, ...: a period that is prime and no
/// power of two, so a lost, repeated or reordered piece of any usual size shows.
const PERIOD: usize = 251;
/// The size of one echo message (a small request).
pub const MESSAGE: usize = 64;

/// Latencies, sorted, for percentiles.
pub struct Latencies {
    sorted: Vec<Duration>,
    /// Wall time of the whole series.
    pub elapsed: Duration,
}

impl Latencies {
    fn new(mut samples: Vec<Duration>, elapsed: Duration) -> Latencies {
        samples.sort_unstable();
        Latencies {
            sorted: samples,
            elapsed,
        }
    }

    /// One series made of several measured apart (rounds alternating between servers):
    /// all their samples, and their times added up.
    pub fn merge(parts: impl IntoIterator<Item = Latencies>) -> Latencies {
        let mut samples = Vec::new();
        let mut elapsed = Duration::ZERO;
        for part in parts {
            samples.extend(part.sorted);
            elapsed += part.elapsed;
        }
        Latencies::new(samples, elapsed)
    }

    /// How many samples.
    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// The `q` quantile (0.5 for the median), in microseconds.
    pub fn micros(&self, q: f64) -> f64 {
        if self.sorted.is_empty() {
            return f64::NAN;
        }
        let index = ((self.sorted.len() - 1) as f64 * q).round() as usize;
        self.sorted[index.min(self.sorted.len() - 1)].as_secs_f64() * 1e6
    }

    /// Samples per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.count() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The bulk pattern, long enough to take any chunk at any phase.
fn pattern() -> Vec<u8> {
    (0..CHUNK + PERIOD).map(|i| (i % PERIOD) as u8).collect()
}

/// Sends `total` bytes through an echo server and reads them back, one thread writing and
/// this one reading, checking every byte. Returns the time from the first write to the
/// last byte back.
pub fn bulk_echo(addr: SocketAddr, total: u64) -> Result<Duration> {
    let stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let writer = stream.try_clone()?;
    let pattern = pattern();
    let start = Instant::now();
    std::thread::scope(|scope| {
        let sending = scope.spawn(|| -> Result<()> {
            let mut sent = 0u64;
            while sent < total {
                let n = (total - sent).min(CHUNK as u64) as usize;
                let at = (sent % PERIOD as u64) as usize;
                (&writer)
                    .write_all(&pattern[at..at + n])
                    .with_context(|| format!("sending after {sent} bytes"))?;
                sent += n as u64;
            }
            // Nothing more to send: the server sees the end after the last byte.
            writer.shutdown(Shutdown::Write)?;
            Ok(())
        });
        let received = receive_pattern(&stream, total, &pattern);
        if received.is_err() {
            // Unblocks the writer, so the scope can end.
            let _ = stream.shutdown(Shutdown::Both);
        }
        let elapsed = start.elapsed();
        let sent = sending
            .join()
            .map_err(|_| anyhow::anyhow!("the sending thread panicked"))?;
        received?;
        sent?;
        Ok(elapsed)
    })
}

fn receive_pattern(mut stream: &TcpStream, total: u64, pattern: &[u8]) -> Result<()> {
    let mut buf = vec![0u8; CHUNK];
    let mut got = 0u64;
    while got < total {
        let want = (total - got).min(CHUNK as u64) as usize;
        let n = stream
            .read(&mut buf[..want])
            .with_context(|| format!("receiving after {got} of {total} bytes"))?;
        if n == 0 {
            bail!("the server closed the connection after {got} of {total} bytes");
        }
        let at = (got % PERIOD as u64) as usize;
        if buf[..n] != pattern[at..at + n] {
            bail!(
                "the bytes echoed at offset {got}..{} differ from those sent",
                got + n as u64
            );
        }
        got += n as u64;
    }
    Ok(())
}

/// One message and its echo on `stream`, checked.
fn echo_once(mut stream: &TcpStream, message: &[u8], reply: &mut [u8]) -> Result<()> {
    stream.write_all(message)?;
    stream.read_exact(reply)?;
    if reply != message {
        bail!("the echo differs from the message sent");
    }
    Ok(())
}

/// A message of [`MESSAGE`] bytes.
fn message() -> [u8; MESSAGE] {
    let mut m = [b'x'; MESSAGE];
    m[MESSAGE - 1] = b'\n';
    m
}

/// `count` round trips of a 64-byte message on one connection, after `warmup` unmeasured
/// ones.
pub fn ping_pong(addr: SocketAddr, warmup: usize, count: usize) -> Result<Latencies> {
    let stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    let message = message();
    let mut reply = [0u8; MESSAGE];
    for _ in 0..warmup {
        echo_once(&stream, &message, &mut reply).context("warming up")?;
    }
    let mut samples = Vec::with_capacity(count);
    let start = Instant::now();
    for i in 0..count {
        let t = Instant::now();
        echo_once(&stream, &message, &mut reply).with_context(|| format!("round trip {i}"))?;
        samples.push(t.elapsed());
    }
    Ok(Latencies::new(samples, start.elapsed()))
}

/// Idle clients held open, and why opening more stopped early, if it did.
pub struct Held {
    pub streams: Vec<TcpStream>,
    pub stopped: Option<String>,
}

/// Opens up to `count` clients, one after another, each proving it is served with one
/// echo (answered within `answer_within`) and then left idle, connected.
pub fn hold_idle(addr: SocketAddr, count: usize, answer_within: Duration) -> Held {
    let message = message();
    let mut reply = [0u8; MESSAGE];
    let mut streams = Vec::with_capacity(count);
    for i in 0..count {
        let stream = match TcpStream::connect_timeout(&addr, IO_TIMEOUT) {
            Ok(s) => s,
            Err(e) => {
                return Held {
                    streams,
                    stopped: Some(format!("client {} could not connect: {e}", i + 1)),
                }
            }
        };
        let answered = stream
            .set_nodelay(true)
            .and_then(|()| stream.set_read_timeout(Some(answer_within)))
            .map_err(anyhow::Error::from)
            .and_then(|()| echo_once(&stream, &message, &mut reply));
        if let Err(e) = answered {
            let why = if is_timeout(&e) {
                format!("no answer within {} ms", answer_within.as_millis())
            } else {
                format!("{e:#}")
            };
            return Held {
                streams,
                stopped: Some(format!("client {}: {why}", i + 1)),
            };
        }
        streams.push(stream);
    }
    Held {
        streams,
        stopped: None,
    }
}

fn is_timeout(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

/// A new client's latency while others are held: `count` times connect, one echo, close
/// (each on a fresh connection), timed from connect to the echo's last byte. Stops at the
/// first echo not answered within `answer_within`, and says so.
pub fn fresh_echoes(
    addr: SocketAddr,
    count: usize,
    answer_within: Duration,
) -> (Latencies, Option<String>) {
    let message = message();
    let mut reply = [0u8; MESSAGE];
    let mut samples = Vec::with_capacity(count);
    let start = Instant::now();
    for i in 0..count {
        let t = Instant::now();
        let result = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
            .map_err(anyhow::Error::from)
            .and_then(|stream| {
                stream.set_nodelay(true)?;
                stream.set_read_timeout(Some(answer_within))?;
                echo_once(&stream, &message, &mut reply)?;
                // Timed before the stream is dropped: the close is not part of the echo.
                Ok(t.elapsed())
            });
        match result {
            Ok(elapsed) => samples.push(elapsed),
            Err(e) => {
                let why = if is_timeout(&e) {
                    format!("no answer within {} ms", answer_within.as_millis())
                } else {
                    format!("{e:#}")
                };
                return (
                    Latencies::new(samples, start.elapsed()),
                    Some(format!("new client {}: {why}", i + 1)),
                );
            }
        }
    }
    (Latencies::new(samples, start.elapsed()), None)
}

/// How many short connections may fail before all the client threads stop: a server
/// that fails them fails them all, and each failure may cost a whole timeout.
const SHORT_FAILURES_TOLERATED: u64 = 3;

/// What a run of short connections did.
#[derive(Debug, Default)]
pub struct ShortRun {
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Connections tried.
    pub tried: u64,
    /// Connections that failed (no connection, or no correct echo in time).
    pub failed: u64,
    /// Whether the client gave up after too many failures, before trying them all.
    pub gave_up: bool,
    /// Why connections failed or the run stopped early, if any did.
    pub stopped: Option<String>,
}

impl ShortRun {
    /// Connections that were served: connected, echoed and closed.
    pub fn served(&self) -> u64 {
        self.tried - self.failed
    }

    /// Connections served per second of wall time (failed ones do not count).
    pub fn per_second(&self) -> f64 {
        self.served() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// One run made of several measured apart (rounds alternating between servers).
    pub fn merge(parts: impl IntoIterator<Item = ShortRun>) -> ShortRun {
        parts
            .into_iter()
            .fold(ShortRun::default(), |all, part| ShortRun {
                elapsed: all.elapsed + part.elapsed,
                tried: all.tried + part.tried,
                failed: all.failed + part.failed,
                gave_up: all.gave_up || part.gave_up,
                stopped: all.stopped.or(part.stopped),
            })
    }
}

/// Short connections: `threads` clients, each repeating connect, one echo, close, until
/// `total` connections were made, each given `answer_within` to connect and to answer.
/// After more than [`SHORT_FAILURES_TOLERATED`] failures every thread stops, and the run
/// says why.
pub fn short_connections(
    addr: SocketAddr,
    threads: usize,
    total: u64,
    answer_within: Duration,
) -> ShortRun {
    let next = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let give_up = AtomicBool::new(false);
    let first_error = Mutex::new(None);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let message = message();
                let mut reply = [0u8; MESSAGE];
                while !give_up.load(Ordering::Relaxed)
                    && next.fetch_add(1, Ordering::Relaxed) < total
                {
                    let result = TcpStream::connect_timeout(&addr, answer_within)
                        .map_err(anyhow::Error::from)
                        .and_then(|stream| {
                            stream.set_nodelay(true)?;
                            stream.set_read_timeout(Some(answer_within))?;
                            echo_once(&stream, &message, &mut reply)
                        });
                    if let Err(e) = result {
                        if let Ok(mut first) = first_error.lock() {
                            first.get_or_insert_with(|| {
                                if is_timeout(&e) {
                                    format!("no answer within {} ms", answer_within.as_millis())
                                } else {
                                    format!("{e:#}")
                                }
                            });
                        }
                        if failed.fetch_add(1, Ordering::Relaxed) + 1 > SHORT_FAILURES_TOLERATED {
                            give_up.store(true, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    let elapsed = start.elapsed();
    let failed = failed.into_inner();
    // `next` went one past for every thread that found the work done.
    let tried = next.into_inner().min(total);
    let first_error = first_error.into_inner().ok().flatten();
    let gave_up = give_up.into_inner();
    let stopped = if gave_up {
        Some(format!(
            "stopped after {failed} failures (the first: {})",
            first_error.as_deref().unwrap_or("unknown")
        ))
    } else {
        first_error.map(|e| format!("first failure: {e}"))
    };
    ShortRun {
        elapsed,
        tried,
        failed,
        gave_up,
        stopped,
    }
}

/// A UDP socket of our own on loopback, talking to `peer` only.
fn udp_to(peer: SocketAddr) -> Result<UdpSocket> {
    let socket = UdpSocket::bind("127.0.0.1:0").context("binding a UDP socket")?;
    socket.connect(peer)?;
    Ok(socket)
}

/// UDP round trips of 64-byte datagrams: each carries its number, so a late echo of an
/// earlier one is not taken for the answer. A datagram not answered within `lost_after`
/// counts as lost. Returns the latencies of those answered and how many were lost.
pub fn udp_ping_pong(
    addr: SocketAddr,
    warmup: usize,
    count: usize,
    lost_after: Duration,
) -> Result<(Latencies, usize)> {
    let socket = udp_to(addr)?;
    socket.set_read_timeout(Some(lost_after))?;
    let mut message = [b'u'; MESSAGE];
    let mut reply = [0u8; 2048];
    let mut samples = Vec::with_capacity(count);
    let mut lost = 0;
    let mut start = Instant::now();
    for i in 0..warmup + count {
        if i == warmup {
            start = Instant::now();
        }
        let number = (i as u64).to_be_bytes();
        message[..8].copy_from_slice(&number);
        let t = Instant::now();
        socket.send(&message).context("sending a datagram")?;
        loop {
            match socket.recv(&mut reply) {
                Ok(n) if reply[..n] == message => {
                    if i >= warmup {
                        samples.push(t.elapsed());
                    }
                    break;
                }
                Ok(_) => continue, // an earlier one, late
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if i >= warmup {
                        lost += 1;
                    }
                    break;
                }
                Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                    bail!("nothing listens at {addr} (the datagram was refused)")
                }
                Err(e) => return Err(e).context("receiving a datagram"),
            }
        }
    }
    Ok((Latencies::new(samples, start.elapsed()), lost))
}

/// Sends `count` 64-byte datagrams to `addr` as fast as the system takes them. Returns the
/// time taken and how many the system accepted (a send can fail when buffers are full).
pub fn udp_flood(addr: SocketAddr, count: u64) -> Result<(Duration, u64)> {
    let socket = udp_to(addr)?;
    let message = [b'f'; MESSAGE];
    let mut sent = 0;
    let start = Instant::now();
    for _ in 0..count {
        if socket.send(&message).is_ok() {
            sent += 1;
        }
    }
    Ok((start.elapsed(), sent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-connection-at-a-time echo server on a thread, for testing the clients.
    fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 || stream.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    #[test]
    fn bulk_echo_checks_every_byte() {
        let addr = echo_server();
        assert!(bulk_echo(addr, 1_000_003).is_ok());
    }

    #[test]
    fn bulk_echo_notices_a_changed_byte() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 1000];
            let Ok(n) = stream.read(&mut buf) else { return };
            buf[n / 2] ^= 1;
            let _ = stream.write_all(&buf[..n]);
        });
        let err = bulk_echo(addr, 1000).expect_err("a changed byte is noticed");
        assert!(err.to_string().contains("differ") || err.to_string().contains("closed"));
    }

    #[test]
    fn ping_pong_counts_round_trips() {
        let addr = echo_server();
        let lat = ping_pong(addr, 2, 50).expect("echo works");
        assert_eq!(lat.count(), 50);
        assert!(lat.micros(0.5) <= lat.micros(0.99));
        assert!(lat.micros(0.99) <= lat.micros(1.0));
    }

    #[test]
    fn holds_idle_clients_and_measures_new_ones() {
        let addr = echo_server();
        let held = hold_idle(addr, 20, IO_TIMEOUT);
        assert_eq!(held.streams.len(), 20);
        assert!(held.stopped.is_none());
        let (lat, stopped) = fresh_echoes(addr, 10, IO_TIMEOUT);
        assert_eq!(lat.count(), 10);
        assert!(stopped.is_none());
        let short = short_connections(addr, 2, 30, IO_TIMEOUT);
        assert_eq!((short.tried, short.failed, short.served()), (30, 0, 30));
        assert!(short.stopped.is_none() && !short.gave_up);
    }

    #[test]
    fn short_connections_give_up_on_a_server_that_fails_them() {
        // A server that closes every connection at once: each echo fails.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                drop(stream);
            }
        });
        let short = short_connections(addr, 2, 1_000, IO_TIMEOUT);
        assert!(short.failed > SHORT_FAILURES_TOLERATED);
        assert!(short.tried < 1_000, "tried {}", short.tried);
        assert_eq!(short.served(), short.tried - short.failed);
        assert!(short.gave_up);
        let stopped = short.stopped.expect("says why it stopped");
        assert!(stopped.contains("stopped after"), "{stopped}");
    }

    #[test]
    fn short_runs_merge() {
        let part = |failed, stopped: Option<&str>| ShortRun {
            elapsed: Duration::from_secs(1),
            tried: 10,
            failed,
            gave_up: stopped.is_some(),
            stopped: stopped.map(String::from),
        };
        let all = ShortRun::merge([part(0, None), part(2, Some("refused"))]);
        assert_eq!((all.tried, all.failed, all.served()), (20, 2, 18));
        assert_eq!(all.elapsed, Duration::from_secs(2));
        assert_eq!(all.stopped.as_deref(), Some("refused"));
        assert!(all.gave_up);
        assert!((all.per_second() - 9.0).abs() < 1e-9);
    }

    #[test]
    fn an_unanswered_client_stops_the_holding() {
        // Accepted by the kernel (backlog), never served.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        let held = hold_idle(addr, 3, Duration::from_millis(50));
        assert!(held.streams.is_empty());
        let stopped = held.stopped.expect("says why it stopped");
        assert!(stopped.contains("no answer"), "{stopped}");
    }

    #[test]
    fn udp_round_trips_and_flood() {
        let server = UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
        let addr = server.local_addr().expect("bound address");
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while let Ok((n, from)) = server.recv_from(&mut buf) {
                let _ = server.send_to(&buf[..n], from);
            }
        });
        let (lat, lost) =
            udp_ping_pong(addr, 1, 20, Duration::from_secs(5)).expect("udp echo works");
        assert_eq!(lat.count() + lost, 20);
        let (_, sent) = udp_flood(addr, 10).expect("flood sends");
        assert_eq!(sent, 10);
    }

    #[test]
    fn percentiles_of_nothing_are_not_numbers() {
        let lat = Latencies::new(Vec::new(), Duration::ZERO);
        assert!(lat.micros(0.5).is_nan());
    }
}
