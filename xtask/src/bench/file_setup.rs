//! What the file-download benchmark downloads, from which servers, with which clients: the
//! test file, the scratch folder the servers serve and the clients write into, the servers
//! (ours, the course's Python server, nginx) and the client commands.

use super::host::{self, Host, Maybe};
use super::nginx::{self, Nginx, Settings, NO_NGINX};
use super::peers::{self, Server};
use super::{program, sys, NO_PYTHON};
use crate::run::{root, target_dir};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The course's multi-client download server, run from the workspace.
pub const COURSE_SERVER: &str = "crates/file-download/course/004_server.py";
const NO_CURL: &str = "curl not found: apt-get install curl";
const NO_IPERF3: &str = super::tcp::NO_IPERF3;

/// The test file: `size` bytes, made once under `target/bench/` and kept for the next run
/// (remade if its size is not `size`). Its bytes are pseudo-random (xorshift64*), not
/// zeros: no layer can then shortcut them (a sparse file, compression).
pub fn test_file(size: u64) -> Result<PathBuf> {
    let dir = target_dir().join("bench");
    let path = dir.join(format!("file-download-{}.bin", human(size)));
    if std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == size) {
        return Ok(path);
    }
    eprintln!("file: writing the test file {}...", path.display());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let partial = path.with_extension("bin.part");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&partial)
            .with_context(|| format!("creating {}", partial.display()))?,
    );
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut block = vec![0u8; 1 << 20];
    let mut written = 0u64;
    while written < size {
        for word in block.chunks_exact_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            word.copy_from_slice(&state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
        }
        let n = (size - written).min(block.len() as u64) as usize;
        file.write_all(&block[..n])
            .with_context(|| format!("writing {}", partial.display()))?;
        written += n as u64;
    }
    file.flush()
        .with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &path).with_context(|| format!("naming {}", path.display()))?;
    Ok(path)
}

/// `1GiB`, `16MiB`, `1KiB`: a size in a file name.
fn human(size: u64) -> String {
    if size >= 1 << 30 && size % (1 << 30) == 0 {
        format!("{}GiB", size >> 30)
    } else if size >= 1 << 20 {
        format!("{}MiB", size >> 20)
    } else {
        format!("{}KiB", size >> 10)
    }
}

/// How long a download of `bytes` may take before it counts as hung: far more than the
/// slowest server needs.
pub fn limit(bytes: u64) -> Duration {
    Duration::from_secs(30 + bytes / (8 << 20))
}

/// A folder of this run under `target/bench/` (so that it is on the same file system as
/// the test files), removed when dropped: `root/` holds the test files for the servers,
/// `out/` what the clients write to disk, and the other folders nginx's files.
pub struct Scratch {
    dir: PathBuf,
    root: PathBuf,
    /// The name under which the servers serve the test file.
    name: String,
    source: PathBuf,
}

impl Scratch {
    /// The scratch folder of `lesson`'s benchmark, serving `source`.
    pub fn new(lesson: &str, source: &Path) -> Result<Scratch> {
        let dir = target_dir()
            .join("bench")
            .join(format!("{lesson}-scratch-{}", std::process::id()));
        // Left behind by a run that was killed?
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("root");
        for folder in [&root, &dir.join("out")] {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let name = serve(&root, source)?;
        Ok(Scratch {
            dir,
            root,
            name,
            source: source.to_path_buf(),
        })
    }

    /// The name the test file given to [`Scratch::new`] is served under.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Serves `source` too, and returns the name it is served under.
    pub fn also_serve(&self, source: &Path) -> Result<String> {
        serve(&self.root, source)
    }

    /// The folder the servers serve.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A folder of the scratch folder for a server's own files (nginx's configuration,
    /// logs and temporary files), named `name`.
    pub fn work(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where the downloads onto the disk are written.
    pub fn output(&self) -> PathBuf {
        self.dir.join("out").join(&self.name)
    }

    /// `file-client ADDR NAME -o OUT -q`, with `--classic` if asked.
    pub fn file_client(&self, dir: &Path, addr: SocketAddr, classic: bool, out: &str) -> Command {
        let mut cmd = Command::new(program(dir, "file-client"));
        cmd.arg(addr.to_string())
            .arg(&self.name)
            .args(["-o", out, "-q"]);
        if classic {
            cmd.arg("--classic");
        }
        cmd
    }

    /// `curl -sS -f -o OUT http://ADDR/NAME` (`-f`: an HTTP error is a failure).
    pub fn curl(&self, addr: SocketAddr, out: &str) -> Command {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "-f", "-o", out])
            .arg(format!("http://{addr}/{}", self.name));
        cmd
    }

    /// `cp SOURCE OUT`.
    pub fn cp(&self, out: &Path) -> Command {
        let mut cmd = Command::new("cp");
        cmd.arg(&self.source).arg(out);
        cmd
    }
}

/// Puts `source` into `root` under its own name, and returns the name.
fn serve(root: &Path, source: &Path) -> Result<String> {
    let name = source
        .file_name()
        .and_then(|n| n.to_str())
        .context("the test file has a plain name")?
        .to_string();
    // A hard link, not a copy (1 GiB) or a symbolic link (which the servers rightly refuse
    // to follow out of their root).
    let served = root.join(&name);
    if std::fs::hard_link(source, &served).is_err() {
        std::fs::copy(source, &served)
            .with_context(|| format!("copying the test file to {}", served.display()))?;
    }
    Ok(name)
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Checks that the download at `path` holds `size` bytes, then removes it (and anything
/// file-client keeps beside it) and writes the system's dirty pages out, so that every
/// download onto the disk starts alike.
pub fn clear(path: &Path, size: u64) -> Result<()> {
    let got = std::fs::metadata(path)
        .with_context(|| format!("the download {} is missing", path.display()))?
        .len();
    let mut leftovers = vec![path.to_path_buf()];
    for suffix in [".part", ".part.meta"] {
        let mut with = path.as_os_str().to_owned();
        with.push(suffix);
        leftovers.push(PathBuf::from(with));
    }
    for file in leftovers {
        let _ = std::fs::remove_file(file);
    }
    sys::sync();
    if got != size {
        bail!(
            "the download {} held {got} bytes, not {size}",
            path.display()
        );
    }
    Ok(())
}

/// The peers found on this machine, or why each is missing.
pub struct Peers {
    /// The course's server, if it and python3 are there.
    python: std::result::Result<PathBuf, String>,
    /// nginx, if it and curl (its client here) are there.
    nginx: std::result::Result<PathBuf, String>,
    pub iperf3: std::result::Result<(), String>,
    pub cp: std::result::Result<(), String>,
}

impl Peers {
    pub fn find() -> Peers {
        let course = root().join(COURSE_SERVER);
        let python = if super::python().is_none() {
            Err(NO_PYTHON.to_string())
        } else if !course.is_file() {
            Err(format!("{COURSE_SERVER} not found"))
        } else {
            Ok(course)
        };
        let nginx = match nginx::program() {
            None => Err(NO_NGINX.to_string()),
            Some(_) if !peers::found("curl") => Err(NO_CURL.to_string()),
            Some(program) => Ok(program),
        };
        let found = |program: &str, missing: &str| {
            if peers::found(program) {
                Ok(())
            } else {
                Err(missing.to_string())
            }
        };
        Peers {
            python,
            nginx,
            iperf3: found("iperf3", NO_IPERF3),
            cp: found("cp", "cp not found: apt-get install coreutils"),
        }
    }
}

/// The file benchmark's servers (what any server answers, whichever kind, is in
/// `host.rs`).
impl Host {
    /// `file-server --root ROOT --port 0 -q`, with `--classic` if asked.
    pub fn ours(dir: &Path, scratch: &Scratch, classic: bool) -> Result<Host> {
        let mut cmd = Command::new(program(dir, "file-server"));
        cmd.arg("--root")
            .arg(&scratch.root)
            .args(["--port", "0", "-q"]);
        if classic {
            cmd.arg("--classic");
        }
        let name = if classic {
            "file-server --classic"
        } else {
            "file-server"
        };
        Ok(Host::Program(Server::start(name, &mut cmd)?))
    }

    /// The course's 004 server: `python3 004_server.py ROOT` serves the names it is sent
    /// relative to ROOT, on a port the system picks.
    pub fn python(peers: &Peers, scratch: &Scratch) -> Maybe {
        let source = peers.python.as_ref().map_err(Clone::clone)?;
        let mut cmd = Command::new("python3");
        cmd.arg(source).arg(&scratch.root);
        Server::start("the course's 004_server.py", &mut cmd)
            .map(Host::Program)
            .map_err(|e| host::failed(&e))
    }

    /// nginx serving the scratch root, its own files in the scratch folder `work`.
    pub fn nginx(peers: &Peers, scratch: &Scratch, work: &str) -> Maybe {
        let program = peers.nginx.as_ref().map_err(Clone::clone)?;
        Nginx::start(
            program,
            &scratch.root,
            &scratch.work(work),
            &Settings::default(),
        )
        .map(Host::Nginx)
        .map_err(|e| host::failed(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_name_the_test_files() {
        assert_eq!(human(1 << 30), "1GiB");
        assert_eq!(human(16 << 20), "16MiB");
        assert_eq!(human(1 << 10), "1KiB");
    }
}
