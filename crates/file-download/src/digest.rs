//! SHA-256 of a file: what the server sends when asked, and what the client checks.
//!
//! A hash answers one question: are the bytes that arrived the bytes the server read? It
//! catches a transfer that went wrong anywhere on the way (a bug, a bad disk, a `.part`
//! file from another version of the file) that the length alone would miss. It does not
//! prove who sent them: a server that lies, or anyone who can change the stream, can send a
//! matching hash with wrong bytes. That needs a hash from elsewhere (a signed release page)
//! or an authenticated channel (TLS).
//!
//! Hashing a large file costs time (about a second per GiB), so the server remembers the
//! hashes it has computed, keyed by what identifies one version of a file: its device and
//! inode, size and modification time. A file changed in place gets a new mtime, so a new
//! entry.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::sync::Mutex;

/// A SHA-256 digest.
pub type Sha256Digest = [u8; 32];

/// How much is read at a time while hashing.
const CHUNK: usize = 256 * 1024;

/// The most hashes a [`HashCache`] keeps; past it, it starts again empty (a cache that
/// grows with every file ever served would be a memory leak a client can drive).
const CACHE_ENTRIES: usize = 4096;

/// Hashes everything `reader` gives, to its end; returns the digest and the byte count.
///
/// ```
/// use file_download::digest::{hash_reader, hex};
///
/// let (digest, len) = hash_reader(&mut &b"abc"[..])?;
/// assert_eq!(len, 3);
/// assert_eq!(hex(&digest), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn hash_reader(reader: &mut impl Read) -> io::Result<(Sha256Digest, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0; CHUNK];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((hasher.finalize().into(), total))
}

/// The digest in lowercase hex, as `sha256sum` prints it.
///
/// ```
/// assert_eq!(file_download::digest::hex(&[0xab, 0x01]), "ab01");
/// ```
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A running SHA-256, fed as bytes arrive (the client hashes while it writes).
#[derive(Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    /// A hasher that has seen nothing.
    pub fn new() -> Hasher {
        Hasher(Sha256::new())
    }

    /// Feeds it `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything fed.
    pub fn finish(self) -> Sha256Digest {
        self.0.finalize().into()
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hasher")
    }
}

/// What identifies one version of a file: device, inode, size, mtime (seconds and
/// nanoseconds).
type Version = (u64, u64, u64, i64, i64);

/// The hashes a server has computed, shared by all its threads.
#[derive(Debug, Default)]
pub struct HashCache {
    known: Mutex<HashMap<Version, Sha256Digest>>,
}

impl HashCache {
    /// An empty cache.
    pub fn new() -> HashCache {
        HashCache::default()
    }

    /// The SHA-256 of the whole of `file` (whose metadata is `metadata`), from the cache or
    /// computed. Reads through its own handle, so `file`'s position is not moved.
    ///
    /// Two clients asking at once for a file not hashed yet both compute it: the lock is
    /// not held while hashing, so one slow hash never stalls the other threads.
    ///
    /// # Errors
    ///
    /// A read error; or [`io::ErrorKind::InvalidData`] if the file's length changed while it
    /// was hashed (it is being written: no digest is right).
    pub fn sha256(&self, file: &File, metadata: &Metadata) -> io::Result<Sha256Digest> {
        let version = version(metadata);
        if let Some(digest) = self.lock().get(&version) {
            return Ok(*digest);
        }
        // `&File` reads share the position with `file`; a clone of the handle does too. A
        // fresh `File` from the same open file description would as well, so read by
        // offset instead: `read_at` leaves the position alone.
        let (digest, len) = hash_reader(&mut AtReader { file, at: 0 })?;
        if len != metadata.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the file changed while it was hashed",
            ));
        }
        let mut known = self.lock();
        if known.len() >= CACHE_ENTRIES {
            known.clear();
        }
        known.insert(version, digest);
        Ok(digest)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Version, Sha256Digest>> {
        // A thread that panicked while holding the lock left a whole map behind (inserts
        // are single calls): keep using it.
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The version key of a file.
#[cfg(unix)]
fn version(metadata: &Metadata) -> Version {
    use std::os::unix::fs::MetadataExt;
    (
        metadata.dev(),
        metadata.ino(),
        metadata.len(),
        metadata.mtime(),
        metadata.mtime_nsec(),
    )
}

/// The version key of a file (no inode here: size and mtime only).
#[cfg(not(unix))]
fn version(metadata: &Metadata) -> Version {
    (0, 0, metadata.len(), crate::mtime_of(metadata), 0)
}

/// Reads a file from an offset of its own, without moving the file's position.
struct AtReader<'a> {
    file: &'a File,
    at: u64,
}

impl Read for AtReader<'_> {
    #[cfg(unix)]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }

    #[cfg(not(unix))]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::windows::fs::FileExt;
        let n = self.file.seek_read(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, SeekFrom, Write};

    #[test]
    fn the_cache_hashes_the_whole_file_and_leaves_its_position_alone() {
        let dir = std::env::temp_dir().join(format!("fd-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("f");
        let mut file = File::create(&path).expect("create");
        file.write_all(b"hello world").expect("write");
        drop(file);
        let mut file = File::open(&path).expect("open");
        file.seek(SeekFrom::Start(6)).expect("seek");
        let metadata = file.metadata().expect("metadata");
        let cache = HashCache::new();
        let digest = cache.sha256(&file, &metadata).expect("hash");
        assert_eq!(
            hex(&digest),
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(file.stream_position().expect("position"), 6);
        // The second time comes from the cache (same version), and is the same.
        assert_eq!(cache.sha256(&file, &metadata).expect("hash"), digest);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn hex_of_an_empty_digest_is_empty() {
        assert_eq!(hex(&[]), "");
        let (digest, len) = hash_reader(&mut &b""[..]).expect("hash");
        assert_eq!(len, 0);
        assert!(hex(&digest).starts_with("e3b0c442"));
    }
}
