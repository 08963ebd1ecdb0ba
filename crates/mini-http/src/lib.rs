//! # mini-http: lesson 9, HTTP/1.1 by hand
//!
//! The course shows what a browser sends (the request line, headers, a blank line, a body)
//! and what a server answers (the status line, headers, a blank line, a body), then starts
//! `python -m http.server`. This crate writes the protocol by hand, with no HTTP library:
//! the protocol is the lesson.
//!
//! # Layout
//!
//! The protocol, as pure functions over bytes (no sockets), each tested on its own:
//!
//! - [`status`]: status codes and their reason phrases.
//! - [`request`]: the request parser (httparse's shape: incomplete input is "need more",
//!   invalid input a specific error with the status it deserves), with explicit limits.
//! - [`headers`]: header fields, looked up without regard to case; lists of tokens.
//! - [`body`]: how a request's body is framed (`Content-Length`, chunked, none), the
//!   smuggling rules, and the chunked decoder.
//! - [`target`]: the request target: origin-form and absolute-form, the query, and the
//!   percent-decoding of the path (no encoded `/`, no NUL, UTF-8 only).
//! - [`date`]: HTTP dates (IMF-fixdate, and the two obsolete forms a server must accept).
//! - [`conditional`]: `ETag`, `Last-Modified` and the `If-*` preconditions (RFC 9110 §13).
//! - [`range`]: `Range` and `If-Range`: single, multiple, suffix and open ranges, 416, and
//!   `multipart/byteranges`.
//! - [`response`]: the response head writer and the small HTML error pages.
//! - [`escape`]: HTML escaping and percent-encoding, for pages built from file names.
//! - [`mime`]: the built-in table of media types (never the system's registry).
//! - [`listing`]: the directory listing page.
//! - [`fake`]: the course's hand-written response, byte for byte, in GBK.
//!
//! The engine, which knows sockets and nothing of HTTP:
//!
//! - [`access_log`]: one line per request, written by a thread of its own, off the hot path.
//! - [`show`]: `--show-requests`: a request's bytes, line by line, annotated.
//! - [`client`]: `http-get`'s parts: URLs, finding the host (hosts file, then DNS).
//! - [`site`]: the static file server: the app the engine runs for `mini-http`.
//! - [`server`]: event loops (one per thread, `epoll` through `mio`), each serving many
//!   connections; why not a thread per connection or a pool.

#![deny(missing_docs)]

pub mod access_log;
pub mod body;
pub mod client;
pub mod conditional;
pub mod date;
pub mod escape;
pub mod fake;
pub mod headers;
pub mod listing;
pub mod mime;
pub mod range;
pub mod request;
pub mod response;
pub mod server;
pub mod show;
pub mod site;
pub mod status;
pub mod target;
