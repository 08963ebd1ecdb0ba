//! The client's side (`http-get`): a URL, the server's address, a request, a response.
//!
//! - `url.rs`: the parts of an `http://` URL;
//! - `resolve.rs`: the hosts file first, then the system's resolver, saying which answered;
//! - `response.rs`: the status line, the fields, and how the body ends;
//! - `fetch.rs`: requests over a kept connection (长连接), or one per request (短连接).

pub mod fetch;
pub mod resolve;
pub mod response;
pub mod url;
