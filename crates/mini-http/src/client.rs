//! The client's side (`http-get`): a URL, the server's address, a request, a response.
//!
//! - `url.rs`: the parts of an `http://` URL;
//! - `resolve.rs`: the hosts file first, then the system's resolver, saying which answered.

pub mod resolve;
pub mod url;
