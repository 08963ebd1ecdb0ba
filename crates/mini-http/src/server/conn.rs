//! One connection in the event loop: its buffers, its deadline, and the two things that
//! can happen to it: bytes arrive, or the socket can take more.
//!
//! Nothing here blocks. Reads and writes go on until the socket is empty (a read that
//! says "would block", or one that came back with less than there was room for) or full
//! (a write that would block), and the connection then waits for the loop to report that
//! the socket is ready again (edge-triggered: one report per change, so each report is
//! drained completely).

use super::app::{App, Chunk, Input, Step};
use super::Limits;
use mio::net::TcpStream;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::Instant;

/// How long a closing connection keeps reading what the client still sends.
const LINGER: std::time::Duration = std::time::Duration::from_secs(2);

/// How much a buffer grows by when it fills, and its size at first.
const READ_CHUNK: usize = 8 * 1024;

/// What a connection is waiting for, which decides its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Between requests (keep-alive): closed quietly at the deadline.
    Idle,
    /// Inside a request that has started to arrive: answered 408 at the deadline.
    Request,
    /// For the client to read what is being sent: dropped at the deadline.
    Write,
    /// The last answer is sent and our side shut: reading (and dropping) what the client
    /// still sends until it closes, or the deadline.
    Linger,
}

/// Whether the connection lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep it.
    Open,
    /// Close it: done, failed, or the client left.
    Close,
}

/// One client's connection.
#[derive(Debug)]
pub struct Conn {
    pub stream: TcpStream,
    pub peer: SocketAddr,
    /// Received bytes: `buf[..filled]`, not consumed yet.
    buf: Vec<u8>,
    filled: usize,
    /// The client has closed its side (a read returned 0).
    ended: bool,
    /// The socket had nothing more when last read (a read came back short, or would have
    /// blocked). The loop's readiness is edge-triggered: bytes that arrive later bring a
    /// new "readable" report, so until one comes, another read would only say "would
    /// block", a system call for nothing on every request.
    drained: bool,
    /// What is still to be sent, in order; the first chunk may be partly sent already.
    out: VecDeque<Chunk>,
    /// How much of the first `Bytes` chunk has gone.
    sent_of_first: usize,
    /// Close once `out` is empty.
    close_after: bool,
    interim_sent: bool,
    served: u64,
    pub waiting: Waiting,
    pub deadline: Instant,
}

impl Conn {
    /// A connection just accepted: idle until its first byte, with the request deadline
    /// (a client that connects and says nothing is treated as one sending slowly).
    pub fn new(stream: TcpStream, peer: SocketAddr, limits: &Limits) -> Conn {
        Conn {
            stream,
            peer,
            buf: vec![0; READ_CHUNK],
            filled: 0,
            ended: false,
            drained: false,
            out: VecDeque::new(),
            sent_of_first: 0,
            close_after: false,
            interim_sent: false,
            served: 0,
            waiting: Waiting::Request,
            deadline: Instant::now() + limits.request_timeout,
        }
    }

    /// Whether nothing is in progress: no bytes of a request, nothing to send.
    pub fn is_idle(&self) -> bool {
        self.filled == 0 && self.out.is_empty()
    }

    /// The socket is ready (`readable`: it has something for us, or has been closed): read
    /// it all, then answer what can be answered, and send what can be sent.
    pub fn on_ready(&mut self, readable: bool, app: &dyn App, limits: &Limits) -> Flow {
        if readable {
            self.drained = false;
        }
        match self.pump(app, limits) {
            Ok(flow) => flow,
            // A reset, a broken pipe: the client is gone, nothing to tell it.
            Err(_) => Flow::Close,
        }
    }

    fn pump(&mut self, app: &dyn App, limits: &Limits) -> io::Result<Flow> {
        // Whether a request was answered: the next wait starts afresh.
        let mut answered = false;
        loop {
            if !self.flush()? {
                // The socket is full: wait for it, reading nothing more meanwhile (a
                // client that sends and never reads must not fill our memory).
                self.wait(Waiting::Write, limits);
                return Ok(Flow::Open);
            }
            if self.close_after {
                return Ok(self.linger());
            }
            // Everything sent: answer the next request if it is already here (pipelining).
            let step = app.on_input(Input {
                bytes: &self.buf[..self.filled],
                ended: self.ended,
                interim_sent: self.interim_sent,
                peer: self.peer,
                served: self.served,
                last: self.served + 1 >= limits.max_requests,
            });
            match step {
                Step::Reply(reply) => {
                    self.consume(reply.consumed.min(self.filled));
                    self.interim_sent = false;
                    self.served += 1;
                    self.close_after = reply.close || self.served >= limits.max_requests;
                    self.out.extend(reply.chunks);
                    answered = true;
                    continue;
                }
                Step::Interim(bytes) if !self.interim_sent => {
                    self.interim_sent = true;
                    self.out.push_back(Chunk::Bytes(bytes));
                    continue;
                }
                Step::Interim(_) | Step::NeedMore => {}
            }
            if self.ended {
                // No more bytes will come, and those here are not a request.
                return Ok(Flow::Close);
            }
            if self.filled == app.max_input() {
                return Ok(Flow::Close);
            }
            if self.read_some(app.max_input())? == 0 && !self.ended {
                // Nothing more now: wait, for the rest of a request or for the next one.
                // A request's deadline runs from its first byte, not from its latest: a
                // client trickling a byte at a time must not push it back for ever.
                let waiting = if self.filled == 0 {
                    Waiting::Idle
                } else {
                    Waiting::Request
                };
                if waiting != self.waiting || answered {
                    self.wait(waiting, limits);
                }
                return Ok(Flow::Open);
            }
        }
    }

    /// Sets what the connection waits for, and from now, how long it may.
    fn wait(&mut self, waiting: Waiting, limits: &Limits) {
        self.waiting = waiting;
        self.deadline = Instant::now()
            + match waiting {
                Waiting::Idle => limits.idle_timeout,
                Waiting::Request => limits.request_timeout,
                Waiting::Write => limits.write_timeout,
                Waiting::Linger => LINGER,
            };
    }

    /// Closes gracefully after the last answer. Closing a socket that still has unread
    /// bytes from the client (a body the server chose not to read, pipelined requests
    /// after a `Connection: close`) makes the kernel send a reset, which can destroy the
    /// answer before the client reads it. So our side is shut first (the client sees the
    /// end of the answer), and what still arrives is read and dropped until the client
    /// closes too, for at most [`LINGER`] (nginx's `lingering_close`).
    fn linger(&mut self) -> Flow {
        if self.ended {
            return Flow::Close;
        }
        if self.waiting != Waiting::Linger {
            if self.stream.shutdown(std::net::Shutdown::Write).is_err() {
                return Flow::Close;
            }
            self.waiting = Waiting::Linger;
            self.deadline = Instant::now() + LINGER;
        }
        let mut scratch = [0u8; 4096];
        loop {
            match self.stream.read(&mut scratch) {
                Ok(0) => return Flow::Close,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Flow::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Flow::Close,
            }
        }
    }

    /// Reads what the socket has, up to the buffer's limit; returns how many bytes came.
    /// The end of the stream sets `ended`.
    fn read_some(&mut self, max: usize) -> io::Result<usize> {
        let mut total = 0;
        while self.filled < max && !self.drained {
            if self.filled == self.buf.len() {
                let grown = (self.buf.len() * 2).clamp(READ_CHUNK, max);
                self.buf.resize(grown, 0);
            }
            let room = self.buf.len() - self.filled;
            match self.stream.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(n) => {
                    self.filled += n;
                    total += n;
                    // Less than there was room for: the socket is empty (nginx's rule).
                    self.drained = n < room;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.drained = true;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    /// Drops the first `n` received bytes (a request answered).
    fn consume(&mut self, n: usize) {
        self.buf.copy_within(n..self.filled, 0);
        self.filled -= n;
    }

    /// Sends what is queued; returns whether all of it went.
    fn flush(&mut self) -> io::Result<bool> {
        while let Some(chunk) = self.out.front_mut() {
            let done = match chunk {
                Chunk::Bytes(bytes) => {
                    match self.stream.write(&bytes[self.sent_of_first..]) {
                        Ok(n) => self.sent_of_first += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                    self.sent_of_first == bytes.len()
                }
                Chunk::File { file, offset, len } => {
                    match super::sendfile::send(&self.stream, file, offset, len) {
                        Ok(()) => {}
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                    *len == 0
                }
            };
            if done {
                self.out.pop_front();
                self.sent_of_first = 0;
            }
        }
        Ok(true)
    }
}
