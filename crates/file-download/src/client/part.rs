//! The `.part` file and its record: a download in progress, on disk.
//!
//! Bytes go to `PATH.part`, never to `PATH`, until the whole file has arrived (and, with
//! `--verify`, matched its hash); then one `rename` makes `PATH` appear, complete. Anyone
//! who sees `PATH` sees a whole file; a cut download leaves only the `.part`. (The course's
//! clients write straight to the final name: a cut file looks complete.)
//!
//! Beside it, `PATH.part.meta` records what the server said the file was when the download
//! began: its size, its modification time and, if asked, its SHA-256. `--resume` compares
//! that with what the server says now, so that bytes of one version of a file are never
//! completed with bytes of another: curl's `-C -` with HTTP's `If-Range`, by hand.

use crate::digest::{hex, Sha256Digest};
use crate::protocol::Response;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The paths of a download to `path`.
#[derive(Debug, Clone)]
pub struct PartPaths {
    /// The final name.
    pub path: PathBuf,
    /// `PATH.part`: the bytes so far.
    pub part: PathBuf,
    /// `PATH.part.meta`: the [`Record`] of the server's file.
    pub meta: PathBuf,
}

impl PartPaths {
    /// The paths for a download to `path`.
    ///
    /// ```
    /// use file_download::client::part::PartPaths;
    /// use std::path::Path;
    ///
    /// let paths = PartPaths::new(Path::new("dl/a.iso"));
    /// assert_eq!(paths.part, Path::new("dl/a.iso.part"));
    /// assert_eq!(paths.meta, Path::new("dl/a.iso.part.meta"));
    /// ```
    pub fn new(path: &Path) -> PartPaths {
        let with = |suffix: &str| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        PartPaths {
            path: path.to_owned(),
            part: with(".part"),
            meta: with(".part.meta"),
        }
    }

    /// The length of the `.part` file, or `None` if there is none.
    pub fn part_len(&self) -> io::Result<Option<u64>> {
        match fs::metadata(&self.part) {
            Ok(metadata) => Ok(Some(metadata.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes the `.part` file and its record, if they exist.
    pub fn remove(&self) -> io::Result<()> {
        for path in [&self.part, &self.meta] {
            match fs::remove_file(path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// What the server said about its file when a download began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The file's size.
    pub size: u64,
    /// Its modification time (seconds since the epoch).
    pub mtime: i64,
    /// Its SHA-256, if it was asked for.
    pub sha256: Option<Sha256Digest>,
}

impl Record {
    /// The record of a response's file.
    pub fn of(response: &Response) -> Record {
        Record {
            size: response.size,
            mtime: response.mtime,
            sha256: response.sha256,
        }
    }

    /// How `now` differs from this record, in words, or `None` if it is the same file as
    /// far as both can tell (a hash is compared only when both have one).
    ///
    /// ```
    /// use file_download::client::part::Record;
    ///
    /// let then = Record { size: 10, mtime: 100, sha256: None };
    /// assert_eq!(then.changed(&then.clone()), None);
    /// let now = Record { size: 12, mtime: 200, sha256: Some([0; 32]) };
    /// assert_eq!(then.changed(&now).as_deref(), Some("size 10 -> 12, mtime 100 -> 200"));
    /// ```
    pub fn changed(&self, now: &Record) -> Option<String> {
        let mut differences = Vec::new();
        if self.size != now.size {
            differences.push(format!("size {} -> {}", self.size, now.size));
        }
        if self.mtime != now.mtime {
            differences.push(format!("mtime {} -> {}", self.mtime, now.mtime));
        }
        if let (Some(then), Some(now)) = (self.sha256, now.sha256) {
            if then != now {
                differences.push("SHA-256 differs".to_string());
            }
        }
        (!differences.is_empty()).then(|| differences.join(", "))
    }

    /// The record as one line of text.
    ///
    /// ```
    /// use file_download::client::part::Record;
    ///
    /// let record = Record { size: 5, mtime: -1, sha256: None };
    /// assert_eq!(record.to_line(), "FDL1 size=5 mtime=-1 sha256=-\n");
    /// assert_eq!(Record::parse(&record.to_line()), Some(record));
    /// assert_eq!(Record::parse("garbage"), None);
    /// ```
    pub fn to_line(&self) -> String {
        let sha = self.sha256.map_or_else(|| "-".to_string(), |d| hex(&d));
        format!(
            "FDL1 size={} mtime={} sha256={sha}\n",
            self.size, self.mtime
        )
    }

    /// Reads a record written by [`Record::to_line`]; `None` for anything else.
    pub fn parse(line: &str) -> Option<Record> {
        let mut fields = line.trim_end().split(' ');
        if fields.next()? != "FDL1" {
            return None;
        }
        let size = fields.next()?.strip_prefix("size=")?.parse().ok()?;
        let mtime = fields.next()?.strip_prefix("mtime=")?.parse().ok()?;
        let sha256 = match fields.next()?.strip_prefix("sha256=")? {
            "-" => None,
            hex => Some(parse_hex(hex)?),
        };
        if fields.next().is_some() {
            return None;
        }
        Some(Record {
            size,
            mtime,
            sha256,
        })
    }

    /// Reads the record at `path`: `None` if there is none or it is not one.
    pub fn load(path: &Path) -> Option<Record> {
        Record::parse(&fs::read_to_string(path).ok()?)
    }

    /// Writes the record to `path`.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        fs::write(path, self.to_line())
    }
}

/// 64 hex digits as a digest.
fn parse_hex(text: &str) -> Option<Sha256Digest> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut digest = [0; 32];
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn records_round_trip(size: u64, mtime: i64, sha256: Option<[u8; 32]>) {
            let record = Record { size, mtime, sha256 };
            prop_assert_eq!(Record::parse(&record.to_line()), Some(record));
        }

        #[test]
        fn any_text_parses_or_not_without_panicking(text in "\\PC*") {
            let _ = Record::parse(&text);
        }
    }

    #[test]
    fn a_hash_is_compared_only_when_both_sides_have_one() {
        let then = Record {
            size: 1,
            mtime: 2,
            sha256: Some([1; 32]),
        };
        let now = Record {
            sha256: None,
            ..then.clone()
        };
        assert_eq!(then.changed(&now), None);
        let other = Record {
            sha256: Some([2; 32]),
            ..then.clone()
        };
        assert_eq!(then.changed(&other).as_deref(), Some("SHA-256 differs"));
    }
}
