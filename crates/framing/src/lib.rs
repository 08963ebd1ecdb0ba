//! # framing: lesson 3, sticky packets (粘包) and their cure
//!
//! # Layout
//!
//! - [`header`]: the length header, one integer written as a Python `struct` format.
//! - [`frame`]: length-prefixed frames over any `Read`/`Write`, and an incremental
//!   decoder that tells "not yet" from "invalid".
//! - The remote-command lesson (the course's `subprocess` server, made safe):
//!   [`argv`] splits a command line without a shell, [`policy`] is the allow-list,
//!   [`runner`] runs a command with output and time limits, [`reply`] is the reply frame.

#![deny(missing_docs)]

pub mod argv;
pub mod frame;
pub mod header;
pub mod policy;
pub mod reply;
pub mod runner;
