//! # confine: open the file a client names, and only inside the served directory
//!
//! The course's server does `open(file_name, "rb")` on whatever name arrives. A client that
//! sends `../../etc/passwd` or `/etc/passwd` gets the password file. This module is the fix,
//! shared by this lesson's server and lesson 9's HTTP server: [`Root::open`] opens the served
//! directory once, and [`Root::open_file`] turns a client's name into an open regular file
//! inside it, or a [`Refused`] that says why not.
//!
//! ## Why string checks alone are not enough
//!
//! Refusing `..` and a leading `/` stops the names a client can type, but not the files inside
//! the root that point elsewhere. With a symlink `root/notes -> /home/alice`, the innocent name
//! `notes/.ssh/id_ed25519` leaves the root, and the kernel follows the link for us on `open`:
//! what the string says is not where the open lands.
//!
//! ## The walk: one component at a time, relative to a directory we hold
//!
//! [`Root::open`] keeps a descriptor of the served directory. [`Root::open_file`] checks the
//! name, then walks it one component at a time with `openat`, each step relative to the
//! descriptor of the directory reached so far: `O_DIRECTORY | O_NOFOLLOW` on the way,
//! `O_NOFOLLOW | O_NONBLOCK` for the last component. With `O_NOFOLLOW` the kernel never follows
//! a symlink for us: the open fails, and the walk decides what the link may mean.
//!
//! Linux (5.6+) offers the same rule in one call, `openat2` with `RESOLVE_BENEATH`. The walk
//! is the only path here: it shows the rule step by step, runs on every Unix, and every test
//! exercises it.
//!
//! ## Symlink policy: followed while they stay beneath the root
//!
//! A symlink met on the way or at the end is read (`readlinkat`) and its target is put in
//! front of the components still to walk, so the target is walked by the same rules. A `..` in
//! a target steps back to the directory the walk came from (the walk keeps a descriptor of
//! each); a `..` above the root, or an absolute target, is [`Refused::EscapesRoot`]. An
//! absolute target is refused even when it points into the root: what it means depends on
//! where the root lives, which the tree itself should not. This is `RESOLVE_BENEATH`'s rule.
//!
//! Why not refuse every symlink, which is simpler: served trees link within themselves
//! (`latest -> v2.1/`), and refusing those would push operators to copy files or to switch
//! the check off. Following them costs a dozen lines and no safety, because the target is
//! walked, not trusted. A name may pass at most 40 symlinks (Linux's limit), so a loop ends.
//!
//! ## Why not resolve, then check
//!
//! The portable-looking fix is `canonicalize(root.join(name))`, check that the result
//! `starts_with(root)`, then `File::open` it. Between the check and the open the path is
//! resolved again, and a link swapped in meanwhile is followed: a time-of-check to
//! time-of-use race (TOCTOU). The walk opens what it checked, because every step starts from a
//! descriptor it already holds. (What no walk in user space covers: a local user moving a
//! directory out of the root while a walk is inside it. A network client cannot do that;
//! `openat2` detects it.)
//!
//! ## The name rules, before any system call
//!
//! - Longer than [`MAX_NAME_LEN`] bytes: [`Refused::TooLong`], checked first.
//! - Relative names only, `/` between components; empty and `.` components name no step, so
//!   `a//b` is `a/b` and `./a.txt` is `a.txt`.
//! - `..` is refused anywhere, even in `sub/../a.txt`, which would stay inside: no client
//!   needs it, and one rule with no exception is easy to check. (`sub/..` would also not mean
//!   what the text says if `sub` were a symlink.)
//! - NUL, backslash and a drive prefix (`C:x`) are refused: on Windows they are separators or
//!   roots, and a name that means one thing here and another there is a bug waiting.
//! - No percent-decoding: `..%2fx` is a file name with `%` in it. Decoding is HTTP's job;
//!   lesson 9 decodes first and hands the decoded name here, where its `..` is refused.
//!
//! ## FIFOs, sockets and devices
//!
//! Opening a FIFO for reading blocks until a writer appears: one named pipe in the root would
//! freeze a worker per request. `O_NONBLOCK` makes that open return at once, and `fstat` then
//! refuses everything but a regular file (a socket cannot be opened at all; `fstatat` names
//! it). For a regular file `O_NONBLOCK` changes nothing, so the flag is left set.
//!
//! ## Other systems
//!
//! The same API and walk on every Unix (through `rustix`'s safe system calls). Elsewhere the
//! module compiles but [`Root::open`] fails with [`io::ErrorKind::Unsupported`].
//!
//! # Examples
//!
//! ```
//! use file_download::confine::{Refused, Root};
//! use std::path::Path;
//!
//! // Serve this crate's own directory.
//! let root = Root::open(Path::new(env!("CARGO_MANIFEST_DIR")))?;
//! let served = root.open_file("src/lib.rs").expect("lib.rs is inside the root");
//! assert!(served.metadata.len() > 0);
//! assert!(matches!(root.open_file("../../Cargo.toml"), Err(Refused::DotDot)));
//! assert!(matches!(root.open_file("/etc/passwd"), Err(Refused::Absolute)));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::fmt;
use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// The longest name accepted, in bytes (Linux's `PATH_MAX`).
pub const MAX_NAME_LEN: usize = 4096;

/// The served directory, opened once; every file is opened relative to it.
#[derive(Debug)]
pub struct Root {
    /// The descriptor every walk starts from: moving or renaming the directory later does
    /// not change what is served.
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
    /// The canonical path, for messages only: no open goes through it.
    path: PathBuf,
}

/// A regular file inside the root, open for reading.
#[derive(Debug)]
pub struct Served {
    /// The open file.
    pub file: File,
    /// Its metadata, taken from the open file (size for a length header, mtime for caching).
    pub metadata: Metadata,
}

/// Why a name was not served. Each message suits the client and the log alike.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The name is empty.
    #[error("empty file name")]
    Empty,
    /// The name is longer than [`MAX_NAME_LEN`] bytes, or a component is longer than the file
    /// system allows.
    #[error("file name too long (at most {MAX_NAME_LEN} bytes, and each part between slashes at most what the file system allows: 255 bytes on most)")]
    TooLong,
    /// The name holds a NUL byte, which no file name can contain.
    #[error("file name contains a NUL byte")]
    Nul,
    /// The name holds a backslash or starts with a drive prefix (`C:`).
    #[error("file name contains a backslash or a drive prefix; use `/` between names")]
    Backslash,
    /// The name starts with `/`: names are relative to the served directory.
    #[error("absolute file name; names are relative to the served directory")]
    Absolute,
    /// The name has a `..` component, anywhere.
    #[error("file name contains a `..` component")]
    DotDot,
    /// No such file (or a component on the way is not a directory).
    #[error("no such file")]
    NotFound,
    /// The name is something other than a regular file.
    #[error("it is a {kind}")]
    NotRegular {
        /// What it is instead.
        kind: FileKind,
    },
    /// A symlink on the way or at the end leads out of the served directory.
    #[error("a symbolic link leads out of the served directory")]
    EscapesRoot,
    /// The system refused (permission denied, too many symlinks, ...).
    #[error("cannot open the file")]
    Io(#[source] io::Error),
}

/// What a name is when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A directory (this module serves files, not listings).
    Directory,
    /// A named pipe: reading it would wait for a writer.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character or block device.
    Device,
    /// A symbolic link (only seen if one is swapped in during a walk).
    Symlink,
    /// Anything else the system reports.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "directory",
            FileKind::Fifo => "FIFO",
            FileKind::Socket => "socket",
            FileKind::Device => "device",
            FileKind::Symlink => "symlink",
            FileKind::Other => "special file",
        })
    }
}

/// The groups a protocol maps refusals to: the file protocol's statuses and HTTP's 400, 403,
/// 404 and 500 alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The name itself is malformed (empty, too long, NUL, backslash, absolute, `..`).
    BadRequest,
    /// Nothing by that name (HTTP 404).
    NotFound,
    /// It exists but may not be served: outside the root, or permission denied (HTTP 403).
    Forbidden,
    /// It exists but is not a regular file (HTTP answers 403 or 404; the protocol chooses).
    NotRegular,
    /// The server failed (HTTP 500): the client's request was fine.
    ServerError,
}

impl Refused {
    /// The group this refusal belongs to, for mapping to a protocol's status.
    ///
    /// ```
    /// use file_download::confine::{Refused, RefusalKind};
    ///
    /// assert_eq!(Refused::DotDot.kind(), RefusalKind::BadRequest);
    /// assert_eq!(Refused::EscapesRoot.kind(), RefusalKind::Forbidden);
    /// let denied = Refused::Io(std::io::ErrorKind::PermissionDenied.into());
    /// assert_eq!(denied.kind(), RefusalKind::Forbidden);
    /// ```
    pub fn kind(&self) -> RefusalKind {
        match self {
            Refused::Empty
            | Refused::TooLong
            | Refused::Nul
            | Refused::Backslash
            | Refused::Absolute
            | Refused::DotDot => RefusalKind::BadRequest,
            Refused::NotFound => RefusalKind::NotFound,
            Refused::NotRegular { .. } => RefusalKind::NotRegular,
            Refused::EscapesRoot => RefusalKind::Forbidden,
            Refused::Io(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                RefusalKind::Forbidden
            }
            Refused::Io(_) => RefusalKind::ServerError,
        }
    }
}

impl Root {
    /// The canonical path of the served directory, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Checks a client's name against the rules in the module docs, without touching the file
/// system, and returns the components to walk (no empty, `.` or `..` among them).
fn components(name: &str) -> Result<Vec<&str>, Refused> {
    if name.len() > MAX_NAME_LEN {
        return Err(Refused::TooLong);
    }
    if name.is_empty() {
        return Err(Refused::Empty);
    }
    if name.contains('\0') {
        return Err(Refused::Nul);
    }
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if name.contains('\\') || drive {
        return Err(Refused::Backslash);
    }
    if name.starts_with('/') {
        return Err(Refused::Absolute);
    }
    let parts: Vec<&str> = name
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(Refused::DotDot);
    }
    Ok(parts)
}

#[cfg(unix)]
mod list;
#[cfg(unix)]
pub use list::Listed;

#[cfg(unix)]
mod unix {
    use super::*;
    use rustix::fs::{openat, readlinkat, statat, AtFlags, FileType, Mode, OFlags};
    use rustix::io::Errno;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::fs::MetadataExt;

    /// The most symlinks one name may pass through (Linux's own limit).
    const MAX_SYMLINKS: usize = 40;

    impl Root {
        /// Opens the served directory. Fails if `dir` is not a directory one can open.
        pub fn open(dir: &Path) -> io::Result<Root> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(dir, flags, Mode::empty())?;
            let path = dir.canonicalize()?;
            Ok(Root { dir: fd, path })
        }

        /// Opens the regular file `name` names inside the root, or says why not.
        ///
        /// ```
        /// use file_download::confine::{FileKind, Refused, Root};
        /// use std::path::Path;
        ///
        /// let root = Root::open(Path::new(env!("CARGO_MANIFEST_DIR")))?;
        /// assert!(root.open_file("./src//lib.rs").is_ok()); // `.` and `//` name no step
        /// assert!(matches!(root.open_file("src/../Cargo.toml"), Err(Refused::DotDot)));
        /// assert!(matches!(root.open_file("no-such-file"), Err(Refused::NotFound)));
        /// let Err(Refused::NotRegular { kind }) = root.open_file("src") else { panic!() };
        /// assert_eq!(kind, FileKind::Directory);
        /// # Ok::<(), std::io::Error>(())
        /// ```
        pub fn open_file(&self, name: &str) -> Result<Served, Refused> {
            let file = File::from(self.walk(components(name)?)?);
            // One `fstat` for both the check and the caller (a server does this per request).
            let metadata = file.metadata().map_err(Refused::Io)?;
            if !metadata.is_file() {
                let kind = not_regular(metadata.mode()).unwrap_or(FileKind::Other);
                return Err(Refused::NotRegular { kind });
            }
            Ok(Served { file, metadata })
        }

        /// Walks the components from the root, following symlinks only while they stay beneath
        /// it, and returns what the last one opens (a directory if the walk ends on one).
        pub(super) fn walk(&self, parts: Vec<&str>) -> Result<OwnedFd, Refused> {
            // Components still to walk, the next one last, so that `pop` takes it.
            let mut todo: Vec<Vec<u8>> =
                parts.iter().rev().map(|p| p.as_bytes().to_vec()).collect();
            // Directories entered below the root; the last is where the next step starts.
            let mut dirs: Vec<OwnedFd> = Vec::new();
            let mut links = 0;
            while let Some(part) = todo.pop() {
                if part == b".." {
                    // Only from a symlink's target (the client's `..` was refused): step back.
                    dirs.pop().ok_or(Refused::EscapesRoot)?;
                    continue;
                }
                let here = dirs.last().map_or(self.dir.as_fd(), |dir| dir.as_fd());
                let last = todo.is_empty();
                let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                let flags = if last {
                    flags | OFlags::NONBLOCK | OFlags::NOCTTY
                } else {
                    flags | OFlags::DIRECTORY
                };
                match openat(here, part.as_slice(), flags, Mode::empty()) {
                    Ok(fd) if last => return Ok(fd),
                    Ok(fd) => dirs.push(fd),
                    // The open failed. If the component is a symlink (ELOOP, or ENOTDIR on
                    // the way, say which), `readlinkat` succeeds: walk its target from here.
                    Err(err) => match readlinkat(here, part.as_slice(), Vec::new()) {
                        Ok(target) => {
                            links += 1;
                            if links > MAX_SYMLINKS {
                                return Err(Refused::Io(Errno::LOOP.into()));
                            }
                            let target = target.into_bytes();
                            if target.starts_with(b"/") {
                                return Err(Refused::EscapesRoot);
                            }
                            let steps = target.split(|&b| b == b'/').rev();
                            let steps = steps.filter(|step| !step.is_empty() && *step != b".");
                            todo.extend(steps.map(<[u8]>::to_vec));
                        }
                        Err(_) => return Err(refusal(here, &part, err)),
                    },
                }
            }
            // The walk ended on a directory (the name was `.`, or a link's target ends in
            // `..`): hand it back, and the caller's fstat refuses it.
            let here = dirs.last().map_or(self.dir.as_fd(), |dir| dir.as_fd());
            here.try_clone_to_owned().map_err(Refused::Io)
        }
    }

    /// The refusal for a component `openat` failed on (and that is not a symlink).
    fn refusal(here: BorrowedFd<'_>, part: &[u8], err: Errno) -> Refused {
        match err {
            Errno::NOENT | Errno::NOTDIR => Refused::NotFound,
            Errno::NAMETOOLONG => Refused::TooLong,
            // A socket cannot be opened (ENXIO), a device may refuse: say what it is, if
            // it is not a regular file.
            _ => match statat(here, part, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => match not_regular(stat.st_mode) {
                    Some(kind) => Refused::NotRegular { kind },
                    None => Refused::Io(err.into()),
                },
                Err(_) => Refused::Io(err.into()),
            },
        }
    }

    /// What a file of mode `mode` is, or `None` for a regular file.
    fn not_regular(mode: rustix::fs::RawMode) -> Option<FileKind> {
        match FileType::from_raw_mode(mode) {
            FileType::RegularFile => None,
            FileType::Directory => Some(FileKind::Directory),
            FileType::Fifo => Some(FileKind::Fifo),
            FileType::Socket => Some(FileKind::Socket),
            FileType::CharacterDevice | FileType::BlockDevice => Some(FileKind::Device),
            FileType::Symlink => Some(FileKind::Symlink),
            FileType::Unknown => Some(FileKind::Other),
        }
    }
}

#[cfg(not(unix))]
impl Root {
    /// Opens the served directory: not supported on this system (see the module docs).
    pub fn open(_dir: &Path) -> io::Result<Root> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "confined file serving is not supported on this system (Unix only)",
        ))
    }

    /// Never reached: no `Root` can be made here.
    pub fn open_file(&self, name: &str) -> Result<Served, Refused> {
        components(name)?;
        Err(Refused::Io(io::ErrorKind::Unsupported.into()))
    }
}

#[cfg(test)]
mod tests;
