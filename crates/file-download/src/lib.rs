//! # file-download: lesson 8, a file server and its client
//!
//! The course builds a downloader twice: the client sends a file name, the server sends
//! the file's bytes and closes. This crate teaches the same idea and fixes what the
//! course's version gets wrong: a server that opens any path a client names, errors sent
//! in the same stream as file data, transfers that cannot tell a cut file from a whole
//! one.
//!
//! # Layout
//!
//! - [`protocol`]: the framed protocol: the request and the response header, byte by byte,
//!   with every length from the wire bounded before anything is allocated (`byteorder`).
//! - [`confine`]: opening a file a client names, only inside the served directory
//!   (relative names only, no `..`, no symlink out of the root, regular files only). Lesson
//!   9's HTTP server uses it too.
//! - [`digest`]: SHA-256 of a file, and the server's cache of them.
//! - [`server`]: [`server::FileServer`], the handler lesson 7's
//!   [`threaded_server::Server`] runs for each client: read a request, open the file,
//!   send the header, then the file with `sendfile(2)`; `server/classic.rs` speaks the
//!   course's protocol.
//! - [`client`]: [`client::Download`]: request, check the header, receive exactly the
//!   announced bytes into `PATH.part` (with `splice(2)` on Linux), verify, rename;
//!   resuming, the progress bar, and the course's protocol from the client's side.
//!
//! The programs `file-server` and `file-client` (`src/bin`) are their command lines. The
//! course's own Python programs are in `course/` (they are this lesson's peers in tests and
//! benchmarks), and `demo/root` is a small tree to serve, with a symlink that leads out to `demo/outside.txt`.

#![deny(missing_docs)]

pub mod client;
pub mod confine;
pub mod digest;
pub mod protocol;
pub mod server;

/// A file's modification time in whole seconds since the Unix epoch (negative before
/// 1970), as the protocol's `mtime` field carries it; 0 where the system does not say.
///
/// ```
/// let metadata = std::fs::metadata(env!("CARGO_MANIFEST_DIR"))?;
/// assert!(file_download::mtime_seconds(&metadata) > 0);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn mtime_seconds(metadata: &std::fs::Metadata) -> i64 {
    use std::time::UNIX_EPOCH;
    match metadata.modified() {
        Ok(time) => match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            // Before 1970: the whole seconds before the epoch, rounded away from it, as
            // `st_mtime` does (-0.5 s is -1).
            Err(before) => {
                let before = before.duration();
                let secs = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                -secs - i64::from(before.subsec_nanos() > 0)
            }
        },
        Err(_) => 0,
    }
}
