//! Unit tests of `confine`: a table of names and what each must give, a FIFO that must not
//! block, and a property: whatever is accepted is a file inside the root. (The examples in
//! the docs are tests too.) They build symlinks, a FIFO and a socket: Unix only.

#![cfg(unix)]

use super::*;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, MetadataExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// A scratch tree under the system's temp directory, removed on drop:
///
/// ```text
/// outside.txt            "secret"
/// outside-dir/secret.txt "secret"
/// root/                  the served directory
///   a.txt "a"   中文 名.txt "中文"   sub/b.txt "b"
///   link-in -> sub/b.txt      dir-in -> sub         sub/up -> ../a.txt
///   link-out -> ../outside.txt    dir-out -> ../outside-dir    sub/deep-out -> ../../outside.txt
///   abs-in -> <root>/a.txt    abs-out -> <base>/outside.txt
///   here -> sub/..    loop -> loop    sock (a Unix socket)
/// ```
struct Fixture {
    base: PathBuf,
    root: PathBuf,
}

impl Fixture {
    fn new(tag: &str) -> Fixture {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let base = std::env::temp_dir().join(format!(
            "file-download-confine-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&base);
        let root = base.join("root");
        fs::create_dir_all(root.join("sub")).unwrap();
        fs::create_dir(base.join("outside-dir")).unwrap();
        fs::write(base.join("outside.txt"), "secret").unwrap();
        fs::write(base.join("outside-dir/secret.txt"), "secret").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        fs::write(root.join("中文 名.txt"), "中文").unwrap();
        fs::write(root.join("sub/b.txt"), "b").unwrap();
        let links = [
            ("link-in", "sub/b.txt".into()),
            ("dir-in", "sub".into()),
            ("sub/up", "../a.txt".into()),
            ("link-out", "../outside.txt".into()),
            ("dir-out", "../outside-dir".into()),
            ("sub/deep-out", "../../outside.txt".into()),
            ("abs-in", root.join("a.txt")),
            ("abs-out", base.join("outside.txt")),
            ("here", "sub/..".into()),
            ("loop", "loop".into()),
        ];
        for (link, target) in links {
            symlink(target, root.join(link)).unwrap();
        }
        std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
        Fixture { base, root }
    }

    fn open(&self) -> Root {
        Root::open(&self.root).unwrap()
    }

    /// (device, inode) of every regular file really inside the root, symlinks not followed.
    fn files_inside(&self) -> HashSet<(u64, u64)> {
        let mut found = HashSet::new();
        let mut dirs = vec![self.root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let meta = fs::symlink_metadata(&path).unwrap();
                if meta.is_dir() {
                    dirs.push(path);
                } else if meta.is_file() {
                    found.insert((meta.dev(), meta.ino()));
                }
            }
        }
        found
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// A result as a short label: `ok <contents>`, or the refusal's name (and kind).
fn label(result: Result<Served, Refused>) -> String {
    match result {
        Ok(mut served) => {
            let mut text = String::new();
            served.file.read_to_string(&mut text).unwrap();
            format!("ok {text}")
        }
        Err(Refused::NotRegular { kind }) => format!("NotRegular({kind})"),
        Err(Refused::Io(err)) => format!("Io({:?})", err.kind()),
        Err(other) => format!("{other:?}"),
    }
}

#[test]
fn names_are_served_or_refused_as_the_module_docs_say() {
    let fixture = Fixture::new("table");
    let root = fixture.open();
    let long_name = "x".repeat(5000);
    let long_component = "x".repeat(300);
    let table: &[(&str, &str)] = &[
        ("a.txt", "ok a"),
        ("sub/b.txt", "ok b"),
        ("./a.txt", "ok a"),
        ("sub//b.txt", "ok b"),
        ("中文 名.txt", "ok 中文"),
        ("", "Empty"),
        ("/etc/passwd", "Absolute"),
        ("../x", "DotDot"),
        ("a/../../x", "DotDot"),
        ("a/..", "DotDot"),
        ("sub/../a.txt", "DotDot"),
        ("..%2fx", "NotFound"),
        ("a\\b", "Backslash"),
        ("C:x", "Backslash"),
        ("a\0b", "Nul"),
        (&long_name, "TooLong"),
        (&long_component, "TooLong"),
        ("missing.txt", "NotFound"),
        ("a.txt/x", "NotFound"),
        // Symlinks: followed while they stay beneath the root.
        ("link-in", "ok b"),
        ("dir-in/b.txt", "ok b"),
        ("sub/up", "ok a"),
        ("link-out", "EscapesRoot"),
        ("dir-out/secret.txt", "EscapesRoot"),
        ("sub/deep-out", "EscapesRoot"),
        ("abs-out", "EscapesRoot"),
        ("abs-in", "EscapesRoot"),
        ("loop", "Io(FilesystemLoop)"),
        // Not regular files.
        ("sub", "NotRegular(directory)"),
        (".", "NotRegular(directory)"),
        ("here", "NotRegular(directory)"),
        ("sock", "NotRegular(socket)"),
    ];
    for &(name, expected) in table {
        assert_eq!(label(root.open_file(name)), expected, "name {name:?}");
    }
}

#[test]
fn refusals_fall_into_the_groups_protocols_map() {
    let fixture = Fixture::new("kinds");
    let root = fixture.open();
    let kind = |name: &str| root.open_file(name).map(|_| ()).map_err(|r| r.kind());
    assert_eq!(kind("a.txt"), Ok(()));
    assert_eq!(kind("../x"), Err(RefusalKind::BadRequest));
    assert_eq!(kind("missing"), Err(RefusalKind::NotFound));
    assert_eq!(kind("link-out"), Err(RefusalKind::Forbidden));
    assert_eq!(kind("sub"), Err(RefusalKind::NotRegular));
    assert_eq!(kind("loop"), Err(RefusalKind::ServerError));
}

#[test]
fn a_fifo_is_refused_at_once_not_waited_on() {
    let fixture = Fixture::new("fifo");
    let fifo = fixture.root.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", fifo.display());
    let root = fixture.open();
    let (tx, rx) = mpsc::channel();
    // In a thread: a blocking open would never return, and the test must fail, not hang.
    std::thread::spawn(move || tx.send(label(root.open_file("fifo"))));
    let got = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("open_file blocked on a FIFO");
    assert_eq!(got, "NotRegular(FIFO)");
}

#[test]
fn served_metadata_is_the_files() {
    let fixture = Fixture::new("meta");
    let served = fixture.open().open_file("中文 名.txt").unwrap();
    assert_eq!(served.metadata.len(), "中文".len() as u64);
    assert!(served.metadata.modified().is_ok());
    assert_eq!(fixture.open().path(), fixture.root.canonicalize().unwrap());
}

/// Names made of pieces that mean something to the fixture or to an attacker.
fn name_strategy() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "..", ".", "/", "a", "a.txt", ".txt", "sub", "b.txt", "up", "link-out", "link-in",
        "dir-in", "dir-out", "deep-out", "abs-in", "here", "\\", "%2f",
    ];
    proptest::collection::vec(proptest::sample::select(PIECES), 0..8)
        .prop_map(|pieces| pieces.concat())
}

#[test]
fn whatever_is_accepted_is_a_file_inside_the_root() {
    let fixture = Fixture::new("prop");
    let root = fixture.open();
    let inside = fixture.files_inside();
    let mut runner = TestRunner::default();
    runner
        .run(&name_strategy(), |name| {
            if let Ok(served) = root.open_file(&name) {
                let id = (served.metadata.dev(), served.metadata.ino());
                prop_assert!(
                    inside.contains(&id),
                    "{name:?} opened a file outside the root"
                );
            }
            Ok(())
        })
        .unwrap();
}
