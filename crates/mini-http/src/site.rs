//! The static file server: the [`App`] the engine runs for `mini-http`.
//!
//! For each connection's bytes: parse a request head ([`crate::request`]); decide how its
//! body is framed, refusing smuggling attempts ([`crate::body`]); then answer. Only `GET`
//! and `HEAD` are served; every error is a status with a small HTML page, logged. What a
//! request for a path means (a file, a directory, a redirect) is in `site/files.rs`.
//!
//! | the request | the answer |
//! |---|---|
//! | malformed, too large, smuggling | 400/413/414/431/501/505, and the connection is closed |
//! | a method other than GET/HEAD | 405 with `Allow: GET, HEAD` (501 for one HTTP does not define) |
//! | a path out of the root, in any encoding | 400 (`..`) or 403 (a symlink out) |
//! | a file | 200, 206, 304, 412 or 416 (`files.rs`) |
//! | a directory | 301 to add the `/`, its `index.html`, or a listing |

use crate::access_log::AccessLog;
use crate::body::{self, ChunkedDecoder, Decoded, Framing};
use crate::date::DateCache;
use crate::request::{self, Limits, Method, Parsed, Request, RequestError, Version};
use crate::response::{write_head, Head};
use crate::server::{App, Chunk, Input, Reply, Step};
use crate::status::StatusCode;
use file_download::confine::Root;
use std::net::SocketAddr;

mod files;

/// The largest chunked body (as received, chunk sizes included) read and skipped before a
/// `GET` or `HEAD` is answered on a connection that stays open.
const MAX_CHUNKED_SKIP: usize = 16 * 1024;

/// What a site answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The files under the root.
    Files,
    /// The course's hand-written page, to every request ([`crate::fake`]).
    Fake,
}

/// A site: a root directory served over HTTP.
#[derive(Debug)]
pub struct Site {
    root: Root,
    mode: Mode,
    limits: Limits,
    log: AccessLog,
    show_requests: bool,
    dates: DateCache,
}

impl Site {
    /// A site serving the files under `root`, logging to `log`.
    pub fn new(root: Root, log: AccessLog) -> Site {
        Site {
            root,
            mode: Mode::Files,
            limits: Limits::default(),
            log,
            show_requests: false,
            dates: DateCache::new(),
        }
    }

    /// What to answer with.
    pub fn mode(mut self, mode: Mode) -> Site {
        self.mode = mode;
        self
    }

    /// Print each request's bytes, annotated (`--show-requests`).
    pub fn show_requests(mut self, show: bool) -> Site {
        self.show_requests = show;
        self
    }

    /// The request size limits.
    pub fn limits(mut self, limits: Limits) -> Site {
        self.limits = limits;
        self
    }

    /// Answers a whole request (head and body, `consumed` bytes).
    fn answer(
        &self,
        request: &Request,
        raw: &[u8],
        head_len: usize,
        consumed: usize,
        input: &Input<'_>,
        force_close: bool,
    ) -> Reply {
        if self.show_requests {
            let view = crate::show::annotate(&raw[..consumed], head_len, input.peer);
            // The log adds the line's end.
            self.log.line(view.trim_end().to_string());
        }
        let keep_alive = body::keep_alive(request);
        let answer = match self.mode {
            Mode::Fake => files::Answer::bytes(StatusCode::OK, crate::fake::fake_response(), true),
            Mode::Files => match request.method {
                Method::Get | Method::Head => files::serve(self, request),
                Method::Other(_) => self.error(
                    StatusCode::NOT_IMPLEMENTED,
                    "this server does not know that method",
                ),
                _ => self.error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "this server only reads files: GET and HEAD",
                ),
            },
        };
        // Closed after this answer: the client's wish, a body left unread, or the
        // connection's last request; the answer says so (`Connection: close`).
        let close = !keep_alive || force_close || input.last;
        if self.log.enabled() {
            self.log.line(format!(
                "{} \"{} {} {}\" {} {}",
                input.peer,
                request.method,
                netbasics::text::escape_text(&request.target),
                request.version,
                answer.status.as_u16(),
                answer.body_len
            ));
        }
        let chunks = answer.finish(request.method == Method::Head, close, request.version);
        Reply {
            consumed,
            chunks,
            close,
        }
    }

    /// An error page.
    fn error(&self, status: StatusCode, detail: &str) -> files::Answer {
        files::Answer::error(self, status, detail)
    }

    /// Refuses bytes that are not a request we can answer, and closes the connection:
    /// after a malformed head, where the next request starts is unknown.
    fn refuse(&self, err: &RequestError, input: &Input<'_>) -> Reply {
        let status = err.status();
        if self.log.enabled() {
            self.log.line(format!(
                "{} refused: {} {}",
                input.peer,
                status.as_u16(),
                err
            ));
        }
        let answer = files::Answer::error(self, status, &err.to_string());
        Reply {
            consumed: input.bytes.len(),
            chunks: answer.finish(false, true, Version::Http11),
            close: true,
        }
    }

    fn date(&self) -> crate::date::Fixdate {
        self.dates.now()
    }
}

impl App for Site {
    fn on_input(&self, input: Input<'_>) -> Step {
        let bytes = input.bytes;
        if bytes.is_empty() {
            return Step::NeedMore;
        }
        let (request, head_len) = match request::parse(bytes, &self.limits) {
            Ok(Parsed::Partial) => return Step::NeedMore,
            Ok(Parsed::Complete { request, head_len }) => (request, head_len),
            Err(err) => return Step::Reply(self.refuse(&err, &input)),
        };
        let framing = match body::framing(&request, &self.limits) {
            Ok(framing) => framing,
            Err(err) => return Step::Reply(self.refuse(&err, &input)),
        };
        let served = matches!(request.method, Method::Get | Method::Head);
        let consumed = match framing {
            Framing::None => head_len,
            // A body for a method this server refuses is not read: the answer goes now,
            // and the connection closes after it (RFC 9110 §10.1.1 allows the final
            // answer instead of `100 Continue`).
            _ if !served => {
                let mut reply = self.answer(&request, bytes, head_len, head_len, &input, true);
                reply.consumed = bytes.len();
                return Step::Reply(reply);
            }
            Framing::Length(len) => {
                let end = head_len as u64 + len;
                if (bytes.len() as u64) < end {
                    return self.wait_for_body(&request, &input);
                }
                end as usize
            }
            // The app keeps no state between calls, so a chunked body is decoded from its
            // start each time more of it arrives: bounded here, so that a body trickled a
            // byte at a time cannot cost more than a small decode per byte. A larger one is
            // not read: the answer goes now, and the connection closes after it.
            Framing::Chunked if bytes.len() - head_len > MAX_CHUNKED_SKIP => {
                let mut reply = self.answer(&request, bytes, head_len, head_len, &input, true);
                reply.consumed = bytes.len();
                return Step::Reply(reply);
            }
            Framing::Chunked => {
                let mut decoder = ChunkedDecoder::new(&self.limits);
                let mut sink = Vec::new();
                match decoder.decode(&bytes[head_len..], &mut sink) {
                    Ok(Decoded::Done { used }) => head_len + used,
                    Ok(Decoded::NeedMore) => return self.wait_for_body(&request, &input),
                    Err(err) => return Step::Reply(self.refuse(&err, &input)),
                }
            }
        };
        Step::Reply(self.answer(&request, bytes, head_len, consumed, &input, false))
    }

    fn on_request_timeout(&self, peer: SocketAddr) -> Option<Vec<u8>> {
        if self.log.enabled() {
            self.log.line(format!(
                "{peer} refused: 408 the request did not arrive in time"
            ));
        }
        let answer = files::Answer::error(
            self,
            StatusCode::REQUEST_TIMEOUT,
            "the request did not arrive in time",
        );
        let mut bytes = Vec::new();
        for chunk in answer.finish(false, true, Version::Http11) {
            if let Chunk::Bytes(part) = chunk {
                bytes.extend_from_slice(&part);
            }
        }
        Some(bytes)
    }

    fn max_input(&self) -> usize {
        // A head and a body at their limits, and the start of a pipelined next request.
        self.limits.max_head + self.limits.max_body as usize + 4096
    }
}

impl Site {
    /// The body has not all arrived: wait, after a `100 Continue` if the client asked.
    fn wait_for_body(&self, request: &Request, input: &Input<'_>) -> Step {
        match body::expects_continue(request) {
            Ok(true) if !input.interim_sent => {
                let mut bytes = Vec::new();
                write_head(&mut bytes, &Head::new(StatusCode::CONTINUE));
                Step::Interim(bytes)
            }
            Ok(_) => Step::NeedMore,
            Err(err) => Step::Reply(self.refuse(&err, input)),
        }
    }
}
