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
//! - [`confine`]: opening a file a client names, only inside the served directory
//!   (relative names only, no `..`, no symlink out of the root, regular files only).
//! - [`protocol`]: the framed protocol: the request and the response header, byte by byte,
//!   with every length from the wire bounded before anything is allocated.

#![deny(missing_docs)]

pub mod confine;
pub mod protocol;
