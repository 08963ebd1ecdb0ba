//! One client's conversation: 5. recv a request, run it, 6. send the reply, until the
//! client closes, a deadline passes, the server stops, or a newcomer takes the slot.
//!
//! Every read goes through a [`TimedReader`], which keeps the connection's deadlines as
//! instants ([`Deadlines`]): the first request must start soon after connecting, a request
//! that has started must end soon after its first byte, and between requests a client may
//! think for a while. The reads also wake every [`POLL`] to see whether the server is
//! stopping. (Lessons 5 and 7 wake a blocked `read` from outside instead, by shutting the
//! socket down; here the reads look at the clock anyway, so they look at the stop too.)

use super::slots::Ticket;
use super::{Deadlines, Shared, POLL, WRITE_TIMEOUT};
use crate::frame::{Codec, FrameError, FrameReader};
use crate::reply::Reply;
use crate::runner;
use anyhow::{Context, Result};
use netbasics::cli::Peer;
use netbasics::deadline::{self, expired, is_timeout, Expired, TimedReader};
use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How a conversation ended, when no error ended it.
pub(super) enum End {
    /// The client closed the connection.
    Closed,
    /// The server hung up, for this reason.
    HungUp(String),
}

/// Serves one client until the conversation ends.
pub(super) fn serve(
    stream: &TcpStream,
    ticket: &Ticket,
    shared: &Shared,
    peer: SocketAddr,
) -> Result<End> {
    let deadlines = shared.settings.deadlines;
    let mut talk = Talk {
        stream,
        ticket,
        shared,
        peer,
        // A request that has begun must end within `request` of its first byte (framed
        // mode: in the course's protocol whatever one read returns is a request).
        whole: (!shared.settings.classic).then_some(deadlines.request),
        answered: 0,
    };
    let mut reader = TimedReader::new(stream, Some(POLL));
    reader.expect(Instant::now() + deadlines.first_request, talk.whole);
    if shared.settings.classic {
        talk.classic(reader)
    } else {
        talk.framed(reader)
    }
}

/// What the loops share.
struct Talk<'a> {
    stream: &'a TcpStream,
    ticket: &'a Ticket,
    shared: &'a Shared,
    peer: SocketAddr,
    /// How long a request may take once begun (`None`: a read is a whole request).
    whole: Option<Duration>,
    /// Requests answered so far (the first is waited for with a deadline of its own).
    answered: u64,
}

impl Talk<'_> {
    fn framed(&mut self, reader: TimedReader<&TcpStream>) -> Result<End> {
        let mut reader = FrameReader::new(reader, self.shared.settings.codec.clone());
        // Replies may be larger than requests: two outputs at most, plus the reply header.
        let reply_codec = Codec::new(self.shared.settings.codec.header().clone(), usize::MAX);
        loop {
            let request = match reader.read_frame() {
                Ok(Some(request)) => request,
                Ok(None) => return Ok(End::Closed),
                // A POLL timeout or a deadline: nothing lost (the reader keeps a partial
                // frame and resumes).
                Err(FrameError::Io(e)) => match self.waited(e) {
                    Some(end) => return end,
                    None => continue,
                },
                Err(e) => {
                    // A broken frame leaves no way to find the next one: explain, hang up.
                    let reply = Reply::refused(&format!("bad request: {e}"));
                    let _ = self.send(&reply_codec, &reply.encode());
                    return Err(e.into());
                }
            };
            let Some(reply) = self.execute(&request) else {
                return Ok(End::Closed); // evicted as the request came: not run
            };
            self.send(&reply_codec, &reply.encode())?;
            self.next_request(reader.get_mut());
            if reader.buffered() > 0 {
                // The next request began with this one's last read.
                reader.get_mut().mark_started();
            }
        }
    }

    fn classic(&mut self, mut reader: TimedReader<&TcpStream>) -> Result<End> {
        let mut buf = [0u8; 1024];
        loop {
            // The course reads the command with one recv(1024): its boundary is wherever
            // the read happens to end (the sticky-packet problem, left as the course has it).
            let n = match reader.read(&mut buf) {
                Ok(0) => return Ok(End::Closed),
                Ok(n) => n,
                Err(e) => match self.waited(e) {
                    Some(end) => return end,
                    None => continue,
                },
            };
            let Some(reply) = self.execute(&buf[..n]) else {
                return Ok(End::Closed);
            };
            let mut body = reply.stdout;
            body.extend_from_slice(&reply.stderr);
            let codec = &self.shared.settings.codec;
            // Output too big for the header: send the most it can describe.
            let max = usize::try_from(codec.header().max_len()).unwrap_or(usize::MAX);
            body.truncate(max);
            self.send(codec, &body)?;
            self.next_request(&mut reader);
        }
    }

    /// Step 6, send: one frame, all of it by [`WRITE_TIMEOUT`] from now (a deadline for
    /// the whole reply, not for each `send` call: see [`netbasics::deadline`]).
    fn send(&self, codec: &Codec, payload: &[u8]) -> Result<()> {
        let frame = codec.encode(payload)?;
        deadline::write_all_by(self.stream, &frame, deadline::after(WRITE_TIMEOUT)).map_err(|e| {
            if is_timeout(&e) {
                anyhow::anyhow!(
                    "the client stopped reading: a reply waited {} s for room in the send \
                         buffer",
                    WRITE_TIMEOUT.as_secs()
                )
            } else {
                anyhow::Error::new(e).context("sending the reply")
            }
        })
    }

    /// After a request is answered: the next one may take until the idle deadline to start.
    fn next_request(&mut self, reader: &mut TimedReader<&TcpStream>) {
        self.answered += 1;
        reader.expect(
            Instant::now() + self.shared.settings.deadlines.idle,
            self.whole,
        );
    }

    /// After a read failed with `e`: `None` to go on waiting (a POLL wake-up while the
    /// server runs on), or how the conversation ends (a deadline, a stop, an error).
    fn waited(&self, e: io::Error) -> Option<Result<End>> {
        if let Some(expired) = expired(&e) {
            return Some(Ok(End::HungUp(self.too_late(expired))));
        }
        if !is_timeout(&e) {
            return Some(Err(e).context("reading a request"));
        }
        if self.shared.stop.is_requested() {
            let why = "the server is stopping: hanging up (no command was running)";
            return Some(Ok(End::HungUp(why.into())));
        }
        None
    }

    /// Which deadline passed, in the words of the option that sets it.
    fn too_late(&self, expired: Expired) -> String {
        let Deadlines {
            first_request,
            request,
            idle,
        } = self.shared.settings.deadlines;
        if expired.started {
            format!(
                "request still incomplete {} s after its first byte (--request-timeout): \
                 hanging up",
                request.as_secs()
            )
        } else if self.answered == 0 {
            format!(
                "no request within {} s of connecting (--first-request-timeout): hanging up",
                first_request.as_secs()
            )
        } else {
            format!(
                "no request within {} s of the last reply (--idle-timeout): hanging up",
                idle.as_secs()
            )
        }
    }

    /// Checks and runs one command line, returning the reply (a refusal explains itself);
    /// `None` when the connection lost its slot before the command could start.
    fn execute(&self, request: &[u8]) -> Option<Reply> {
        let settings = &self.shared.settings;
        let reply = match std::str::from_utf8(request) {
            Err(_) => Reply::refused("the command is not valid UTF-8"),
            Ok(line) => match crate::argv::split(line.trim()) {
                Err(e) => Reply::refused(&format!("cannot read the command: {e}")),
                Ok(argv) => match settings.policy.check(&argv) {
                    Err(refused) => Reply::refused(&format!("refused: {refused}")),
                    Ok(()) => {
                        if !self.ticket.begin_command() {
                            return None;
                        }
                        let output = runner::run(&argv, &settings.dir, settings.limits);
                        self.ticket.end_command();
                        Reply::from_output(output)
                    }
                },
            },
        };
        if !settings.quiet {
            // Escaped: a client must not be able to write fake log lines or terminal codes.
            eprintln!(
                "{} $ {} -> {}, {} + {} bytes",
                Peer(self.peer),
                String::from_utf8_lossy(request).trim().escape_debug(),
                reply.describe(),
                reply.stdout.len(),
                reply.stderr.len()
            );
        }
        Some(reply)
    }
}
