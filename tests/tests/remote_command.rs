//! End-to-end tests of what a hostile peer cannot do to the remote-command programs:
//! reach outside `cmd-server --dir` through the allow-list.
//!
//! Every deadline here only fails a hung test: each is many times what a healthy
//! program needs.

use e2e::{program, run_command, Output, Server};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long anything may take before the test calls it hung.
const LONG: Duration = Duration::from_secs(30);

/// Runs `cmd-client ARGS...` with a deadline.
fn client(args: &[&str]) -> Output {
    let mut command = Command::new(program("cmd-client"));
    command.args(args);
    run_command(command, b"", LONG)
}

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("e2e-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temporary directory");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---- A. the allow-list: no way out of --dir ------------------------------------------

/// A served directory whose entries point out of it: `-x` (a name ls would take for an
/// option) is a symlink to the directory above, which holds a file only a listing of the
/// outside can show; `-root` is a symlink to `/`.
#[cfg(unix)]
fn served_with_ways_out(name: &str) -> (TempDir, PathBuf) {
    let top = TempDir::new(name);
    std::fs::write(top.path().join("outside-sentinel"), b"").expect("writing the sentinel");
    let served = top.path().join("served");
    std::fs::create_dir_all(served.join("sub")).expect("creating the served directory");
    std::fs::write(served.join("notes.txt"), b"").expect("writing a file inside");
    std::os::unix::fs::symlink("..", served.join("-x")).expect("symlink -x -> ..");
    std::os::unix::fs::symlink("/", served.join("-root")).expect("symlink -root -> /");
    (top, served)
}

#[cfg(unix)]
#[test]
fn ls_cannot_leave_the_directory_through_names_that_start_with_a_dash() {
    let (_top, served) = served_with_ways_out("ls-dash");
    let dir = served.to_string_lossy().into_owned();
    let server = Server::start("cmd-server", ["--port", "0", "-q", "--dir", dir.as_str()])
        .expect("cmd-server starts");
    let addr = server.addr.to_string();

    // Inside, and allowed: the entries are listed by name, nothing followed.
    let out = client(&[&addr, "ls -la", "ls sub -l", "ls -- notes.txt"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.contains("-x -> .."), "{}", out.stdout);
    assert!(!out.stdout.contains("outside-sentinel"), "{}", out.stdout);

    for bad in [
        "ls -- -x/..",
        "ls -- -x",
        "ls -- -x/",
        "ls -la -- -x/..",
        "ls sub -- -x",
        "ls -- -root",
        "ls -- -root/etc",
        "ls -L",
        "ls --dereference -x",
        "ls --dired",
        "ls --fil",
        "ls -I x -- -x",
        "ls ../outside-sentinel",
        "ls /",
        "date -f /etc/hostname",
        "date --file=/etc/hostname",
        "date --fil=/etc/hostname",
        "date -r /etc/hostname",
        "date -s 2000-01-01",
        "date 010100002000",
        "hostname evil",
        "hostname -F /etc/hostname",
        "uname -- evil",
        "uname --al",
    ] {
        let out = client(&[&addr, bad]);
        assert_eq!(out.code, Some(1), "{bad}: {}", out.stdout);
        assert!(out.stderr.contains("refused"), "{bad}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{bad}: {}", out.stdout);
    }
}
