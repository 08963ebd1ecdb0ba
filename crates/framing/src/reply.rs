//! The remote-command reply: how a command ended, its stdout and its stderr, in one frame.
//!
//! The course's server sends `struct.pack('i', len(out + err)) + out + err`: the client
//! cannot tell output from errors, nor whether the command succeeded. The reply here is
//! one frame whose payload starts with a fixed 10-byte header, `struct` format `!BiBI`:
//!
//! ```text
//!  0        1                  5        6                 10
//! +--------+------------------+--------+-----------------+--------------+--------------+
//! | kind   | code (i32)       | flags  | stdout len (u32)| stdout bytes | stderr bytes |
//! +--------+------------------+--------+-----------------+--------------+--------------+
//! ```
//!
//! `kind` says how the command ended ([`Kind`]), `code` is its exit status or signal, bit 0
//! of `flags` means output was cut at the server's limit. stderr is the rest of the frame.

use crate::runner::{Outcome, Output};

/// The size of the fixed reply header (`struct.calcsize('!BiBI')`).
pub const REPLY_HEADER_LEN: usize = 10;

/// How a remote command ended, as sent on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Exited; `code` is its status.
    Exited = 0,
    /// Ended by a signal; `code` is the signal number.
    Signalled = 1,
    /// Killed at the server's time limit.
    TimedOut = 2,
    /// Could not be started; stderr says why.
    NotStarted = 3,
    /// Not allowed by the server's allow-list; stderr says why.
    Refused = 4,
}

/// A decoded reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// How the command ended.
    pub kind: Kind,
    /// Exit status or signal number (0 for the other kinds).
    pub code: i32,
    /// Whether the server cut the output at its limit.
    pub truncated: bool,
    /// The command's standard output.
    pub stdout: Vec<u8>,
    /// The command's standard error (or the server's reason for refusing).
    pub stderr: Vec<u8>,
}

/// Why a reply payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// Shorter than the fixed header.
    #[error("reply of {0} bytes is shorter than its 10-byte header")]
    Short(usize),
    /// An unknown `kind` byte.
    #[error("reply kind {0} is unknown")]
    BadKind(u8),
    /// The stdout length points past the end of the frame.
    #[error("reply says stdout is {stdout} bytes but only {left} follow the header")]
    BadLength {
        /// The announced stdout length.
        stdout: u32,
        /// The bytes after the header.
        left: usize,
    },
}

impl Reply {
    /// A refusal, with the reason as one line of stderr.
    pub fn refused(reason: &str) -> Reply {
        Reply {
            kind: Kind::Refused,
            code: 0,
            truncated: false,
            stdout: Vec::new(),
            stderr: format!("{reason}\n").into_bytes(),
        }
    }

    /// The reply for a command's output.
    pub fn from_output(output: Output) -> Reply {
        let (kind, code, stderr) = match output.outcome {
            Outcome::Exited(code) => (Kind::Exited, code, output.stderr),
            Outcome::Signalled(signal) => (Kind::Signalled, signal, output.stderr),
            Outcome::TimedOut => (Kind::TimedOut, 0, output.stderr),
            Outcome::NotStarted(why) => (Kind::NotStarted, 0, why.into_bytes()),
        };
        Reply {
            kind,
            code,
            truncated: output.truncated,
            stdout: output.stdout,
            stderr,
        }
    }

    /// The frame payload: header, stdout, stderr.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::reply::{Kind, Reply};
    ///
    /// let reply = Reply { kind: Kind::Exited, code: 1, truncated: false,
    ///                     stdout: b"out".to_vec(), stderr: b"err".to_vec() };
    /// let bytes = reply.encode();
    /// assert_eq!(&bytes[..10], b"\x00\x00\x00\x00\x01\x00\x00\x00\x00\x03");
    /// assert_eq!(Reply::decode(&bytes).unwrap(), reply);
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(REPLY_HEADER_LEN + self.stdout.len() + self.stderr.len());
        out.push(self.kind as u8);
        out.extend_from_slice(&self.code.to_be_bytes());
        out.push(u8::from(self.truncated));
        // stdout is bounded by the server's output limit, far below 4 GiB.
        let stdout_len = u32::try_from(self.stdout.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&stdout_len.to_be_bytes());
        out.extend_from_slice(&self.stdout);
        out.extend_from_slice(&self.stderr);
        out
    }

    /// Decodes a frame payload.
    pub fn decode(bytes: &[u8]) -> Result<Reply, ReplyError> {
        let Some((header, rest)) = bytes.split_first_chunk::<REPLY_HEADER_LEN>() else {
            return Err(ReplyError::Short(bytes.len()));
        };
        let kind = match header[0] {
            0 => Kind::Exited,
            1 => Kind::Signalled,
            2 => Kind::TimedOut,
            3 => Kind::NotStarted,
            4 => Kind::Refused,
            other => return Err(ReplyError::BadKind(other)),
        };
        let code = i32::from_be_bytes([header[1], header[2], header[3], header[4]]);
        let truncated = header[5] & 1 != 0;
        let stdout_len = u32::from_be_bytes([header[6], header[7], header[8], header[9]]);
        let split = usize::try_from(stdout_len)
            .ok()
            .filter(|&n| n <= rest.len())
            .ok_or(ReplyError::BadLength {
                stdout: stdout_len,
                left: rest.len(),
            })?;
        Ok(Reply {
            kind,
            code,
            truncated,
            stdout: rest[..split].to_vec(),
            stderr: rest[split..].to_vec(),
        })
    }

    /// Whether the command ran and exited with status 0.
    pub fn success(&self) -> bool {
        self.kind == Kind::Exited && self.code == 0
    }

    /// A one-line description of how the command ended, for people.
    pub fn describe(&self) -> String {
        let cut = if self.truncated {
            " (output cut at the server's limit)"
        } else {
            ""
        };
        match self.kind {
            Kind::Exited => format!("exit status {}{cut}", self.code),
            // 13 is SIGPIPE: the server closed the pipe at its output limit.
            Kind::Signalled if self.truncated && self.code == 13 => {
                "stopped when its output reached the server's limit".to_string()
            }
            Kind::Signalled => format!("killed by signal {}{cut}", self.code),
            Kind::TimedOut => format!("killed at the server's time limit{cut}"),
            Kind::NotStarted => "could not be started".to_string(),
            Kind::Refused => "refused by the server".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bad_replies() {
        assert_eq!(Reply::decode(&[0; 9]), Err(ReplyError::Short(9)));
        assert_eq!(Reply::decode(&[9; 10]), Err(ReplyError::BadKind(9)));
        let mut bytes = Reply::refused("no").encode();
        bytes[9] = 50;
        assert!(matches!(
            Reply::decode(&bytes),
            Err(ReplyError::BadLength {
                stdout: 50,
                left: 3
            })
        ));
    }

    proptest! {
        #[test]
        fn round_trip(kind in 0u8..5, code in any::<i32>(), truncated in any::<bool>(),
                      stdout in prop::collection::vec(any::<u8>(), 0..100),
                      stderr in prop::collection::vec(any::<u8>(), 0..100)) {
            let mut bytes = vec![kind];
            bytes.extend_from_slice(&[0; 9]);
            let kind = Reply::decode(&bytes).unwrap().kind;
            let reply = Reply { kind, code, truncated, stdout, stderr };
            prop_assert_eq!(Reply::decode(&reply.encode()).unwrap(), reply);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = Reply::decode(&bytes);
        }
    }
}
