//! Listing a directory inside the root: lesson 9's directory pages.
//!
//! The same walk as [`Root::open_file`](super::Root::open_file) reaches the directory, so
//! a listing can no more leave the root than a download can. Each entry is then looked at
//! with `fstatat` relative to the directory's descriptor, **without following symlinks**:
//! a link in the listing shows as what it is (its own size and time), and never reveals
//! the size or age of a file outside the root. Opening it later goes through the walk,
//! which refuses links that lead out.

use super::{components, Refused, Root};
use rustix::fs::{statat, AtFlags, Dir, FileType};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One entry of a listed directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its name (entries whose names are not UTF-8 are left out: no URL could name them).
    pub name: String,
    /// Whether it is a directory (a symlink is not, whatever it points to).
    pub is_dir: bool,
    /// Whether it is a symbolic link.
    pub is_symlink: bool,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time.
    pub modified: SystemTime,
}

impl Root {
    /// The entries of the directory `name` names inside the root (`""` or `"/"`: the root
    /// itself), in the order the system gives them, without `.` and `..`.
    ///
    /// ```
    /// use file_download::confine::Root;
    /// use std::path::Path;
    ///
    /// let root = Root::open(Path::new(env!("CARGO_MANIFEST_DIR")))?;
    /// let entries = root.list_dir("src").expect("src is a directory inside the root");
    /// assert!(entries.iter().any(|e| e.name == "lib.rs" && !e.is_dir));
    /// assert!(root.list_dir("../..").is_err());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The refusals of [`Root::open_file`], and [`Refused::NotRegular`] for a name that
    /// is not a directory.
    pub fn list_dir(&self, name: &str) -> Result<Vec<Listed>, Refused> {
        let parts = if name.trim_matches('/').is_empty() {
            Vec::new()
        } else {
            components(name.trim_start_matches('/'))?
        };
        let fd = self.walk(parts)?;
        let dir = Dir::read_from(&fd).map_err(|e| match e {
            rustix::io::Errno::NOTDIR => Refused::NotRegular {
                kind: super::FileKind::Other,
            },
            e => Refused::Io(e.into()),
        })?;
        let mut listed = Vec::new();
        for entry in dir {
            let entry = entry.map_err(|e| Refused::Io(e.into()))?;
            let Ok(name) = entry.file_name().to_str() else {
                continue;
            };
            if name == "." || name == ".." {
                continue;
            }
            // Gone since the directory was read, or unreadable: left out.
            let Ok(stat) = statat(&fd, entry.file_name(), AtFlags::SYMLINK_NOFOLLOW) else {
                continue;
            };
            let kind = FileType::from_raw_mode(stat.st_mode);
            let modified = match u64::try_from(stat.st_mtime) {
                Ok(secs) => UNIX_EPOCH + Duration::new(secs, stat.st_mtime_nsec as u32),
                Err(_) => UNIX_EPOCH,
            };
            listed.push(Listed {
                name: name.to_string(),
                is_dir: kind == FileType::Directory,
                is_symlink: kind == FileType::Symlink,
                size: u64::try_from(stat.st_size).unwrap_or(0),
                modified,
            });
        }
        Ok(listed)
    }
}
