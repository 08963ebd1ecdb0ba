//! End-to-end tests of what `file-server` refuses, and of a server that keeps serving
//! after each refusal.
//!
//! Every way out of the served directory a client can type (`../x`, `/etc/passwd`,
//! backslashes, NUL...) or find inside it (symlinks leading out), every name that is not a
//! regular file (a directory, a FIFO that must not block the server), and every broken or
//! hostile frame (a name length far over the limit, truncated headers, a slow trickle,
//! another protocol). Each refusal is checked twice: through `file-client` (exit 1 and its
//! message, nothing saved) and through a raw frame (the status byte itself).

mod file_download_support;

use e2e::{interrupt, rest_of, skip_because};
use file_download::protocol::{Request, Response, Status, MAGIC, REQUEST_HEADER_LEN};
use file_download_support::{
    assert_empty, assert_serves, client_in, connect, exchange, file_server, frame, log_line, Dirs,
    LONG,
};
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What every server here serves: `a.txt`, a directory, a FIFO, and symlinks, two that
/// stay inside and three that lead out (to a file, to a directory, by an absolute path).
fn served_tree(test: &str) -> Dirs {
    let dirs = Dirs::new(test);
    dirs.serve("a.txt", b"inside\n");
    dirs.serve("sub/b.txt", b"inside too\n");
    let fifo = dirs.root.join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("running mkfifo");
    assert!(made.success(), "mkfifo {} failed", fifo.display());
    symlink("../outside/secret.txt", dirs.root.join("link-out")).expect("symlink link-out");
    symlink("../outside", dirs.root.join("dir-out")).expect("symlink dir-out");
    symlink(dirs.outside.join("secret.txt"), dirs.root.join("link-abs")).expect("link-abs");
    symlink("a.txt", dirs.root.join("link-in")).expect("symlink link-in");
    symlink("../a.txt", dirs.root.join("sub/up")).expect("symlink sub/up");
    dirs
}

/// Names a client can type, and the status each must get.
const REFUSED: &[(&str, Status)] = &[
    ("../x", Status::BadRequest),
    ("../outside/secret.txt", Status::BadRequest),
    ("/etc/passwd", Status::BadRequest),
    ("a/../../x", Status::BadRequest),
    ("sub/../a.txt", Status::BadRequest),
    ("..\\x", Status::BadRequest),
    ("a\\b.txt", Status::BadRequest),
    ("C:x", Status::BadRequest),
    ("C:/Windows/win.ini", Status::BadRequest),
    // Not decoded: a name with `%` in it, which no file has.
    ("..%2fx", Status::NotFound),
    ("..%2f..%2fetc%2fpasswd", Status::NotFound),
    ("nope.txt", Status::NotFound),
    ("a.txt/x", Status::NotFound),
    ("sub", Status::NotRegularFile),
    ("pipe", Status::NotRegularFile),
    ("link-out", Status::Forbidden),
    ("dir-out/secret.txt", Status::Forbidden),
    ("link-abs", Status::Forbidden),
];

/// Names only a raw frame can carry (a NUL cannot be in a command-line argument), or that
/// file-client would save under a name that already exists (`..`).
const REFUSED_RAW: &[(&str, Status)] = &[
    ("", Status::BadRequest),
    ("..", Status::BadRequest),
    ("a\0b", Status::BadRequest),
    ("a.txt\0", Status::BadRequest),
    ("a.txt\0/../../x", Status::BadRequest),
];

/// A server with one worker: a request that blocked it (a FIFO waiting for a writer)
/// would leave the next one unanswered, and the test would fail at its deadline.
fn one_worker_server(dirs: &Dirs) -> e2e::Server {
    file_server(&dirs.root, &["--workers", "1"])
}

#[test]
fn the_client_reports_each_refusal_and_saves_nothing() {
    let dirs = served_tree("refused-client");
    let server = one_worker_server(&dirs);
    let addr = server.addr.to_string();
    for &(name, status) in REFUSED {
        let out = client_in(&dirs.downloads, &[&addr, name]);
        assert_eq!(out.code, Some(1), "{name}: {}", out.stderr);
        assert!(
            out.stderr.contains("error: the server refused \"")
                && out.stderr.contains(&format!("\": {status}")),
            "{name}: expected {status}: {}",
            out.stderr
        );
        assert_empty(&dirs.downloads);
        log_line(&server, &format!(" {status}"));
        assert_serves(server.addr, "a.txt", b"inside\n");
    }
}

#[test]
fn each_refusal_has_its_status_byte() {
    let dirs = served_tree("refused-raw");
    let server = one_worker_server(&dirs);
    for &(name, status) in REFUSED.iter().chain(REFUSED_RAW) {
        let request = Request {
            name: name.into(),
            offset: 0,
            want_sha256: true,
        };
        let (response, body) = exchange(server.addr, &request.encode().expect("a short name"));
        assert_eq!(response.status, status, "{name:?}: {}", response.message);
        assert!(!response.message.is_empty(), "{name:?}: no message");
        assert_eq!((response.size, response.sha256, body.len()), (0, None, 0));
        log_line(&server, &format!(" {status}"));
        assert_serves(server.addr, "a.txt", b"inside\n");
    }
}

#[test]
fn symlinks_that_stay_inside_are_followed() {
    let dirs = served_tree("links-inside");
    let server = one_worker_server(&dirs);
    assert_serves(server.addr, "link-in", b"inside\n");
    assert_serves(server.addr, "sub/up", b"inside\n");
    assert_serves(server.addr, "./sub//b.txt", b"inside too\n");
}

#[test]
fn an_unreadable_file_is_forbidden() {
    let dirs = served_tree("unreadable");
    let path = dirs.serve("locked.txt", b"locked\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    if std::fs::File::open(&path).is_ok() {
        skip_because(
            "an_unreadable_file_is_forbidden",
            "this user reads files whatever their mode (root)",
        );
        return;
    }
    let server = one_worker_server(&dirs);
    let (response, _) = exchange(server.addr, &frame(&MAGIC, 0, 0, 10, b"locked.txt"));
    assert_eq!(response.status, Status::Forbidden, "{}", response.message);
    assert_serves(server.addr, "a.txt", b"inside\n");
}

// ---- Hostile frames ---------------------------------------------------------------------

#[test]
fn a_name_length_over_the_limit_is_refused_before_the_name_arrives() {
    let dirs = served_tree("long-name");
    // A server that waited for the name would answer only after this timeout, well after
    // the test's own deadline: a quick answer is one that did not wait.
    let server = file_server(&dirs.root, &["--request-timeout", "600"]);
    for len in [4097, 40_000, u16::MAX] {
        // The header alone: the announced name never comes.
        let (response, _) = exchange(server.addr, &frame(&MAGIC, 0, 0, len, b""));
        assert_eq!(
            response.status,
            Status::BadRequest,
            "{len}: {}",
            response.message
        );
        log_line(&server, "bad request");
    }
    assert_serves(server.addr, "a.txt", b"inside\n");
}

#[test]
fn an_offset_beyond_the_end_sends_nothing_more() {
    let dirs = served_tree("huge-offset");
    let server = file_server(&dirs.root, &[]);
    for offset in [8, 1 << 32, u64::MAX] {
        let request = frame(&MAGIC, 0, offset, 5, b"a.txt");
        let (response, body) = exchange(server.addr, &request);
        assert_eq!(
            response.status,
            Status::Ok,
            "{offset}: {}",
            response.message
        );
        assert_eq!((response.size, response.offset, body.len()), (7, 7, 0));
    }
    assert_serves(server.addr, "a.txt", b"inside\n");
}

#[test]
fn other_protocols_and_unknown_fields_are_bad_requests() {
    let dirs = served_tree("bad-frames");
    let server = file_server(&dirs.root, &[]);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "an HTTP request",
            b"GET /a.txt HTTP/1.1\r\nHost: localhost\r\n\r\n".to_vec(),
            "bad magic b\"GET \"",
        ),
        (
            "a later version",
            frame(b"FDL2", 0, 0, 5, b"a.txt"),
            "bad magic",
        ),
        (
            "an unknown flag",
            frame(&MAGIC, 0x80, 0, 5, b"a.txt"),
            "flag",
        ),
        ("flag bit 1", frame(&MAGIC, 0x02, 0, 5, b"a.txt"), "flag"),
        (
            "a name not UTF-8",
            frame(&MAGIC, 0, 0, 3, b"a\xff\xfe"),
            "UTF-8",
        ),
    ];
    for (what, bytes, logged) in cases {
        let (response, _) = exchange(server.addr, &bytes);
        assert_eq!(
            response.status,
            Status::BadRequest,
            "{what}: {}",
            response.message
        );
        let line = log_line(&server, "bad request");
        assert!(line.contains(logged), "{what}: {line}");
        assert!(line.starts_with("127.0.0.1:"), "{what}: {line}");
        assert_serves(server.addr, "a.txt", b"inside\n");
    }
}

#[test]
fn truncated_requests_do_not_stop_the_server() {
    let dirs = served_tree("truncated");
    let server = file_server(&dirs.root, &["--workers", "1"]);
    let whole = frame(&MAGIC, 0, 0, 10, b"sub/b.txt!");
    for cut in [
        0,
        1,
        4,
        5,
        12,
        REQUEST_HEADER_LEN - 1,
        REQUEST_HEADER_LEN,
        REQUEST_HEADER_LEN + 3,
    ] {
        let mut stream = connect(server.addr);
        stream
            .write_all(&whole[..cut])
            .expect("sending part of a request");
        stream.shutdown(Shutdown::Write).expect("half-closing");
        // The server may answer `bad request` or just close; either way, no file.
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("cut at {cut}: the server did not close: {e}"),
        }
        if !answer.is_empty() {
            let response = Response::read_from(&mut &answer[..]).expect("a response header");
            assert_eq!(response.status, Status::BadRequest, "cut at {cut}");
        }
        assert_serves(server.addr, "a.txt", b"inside\n");
    }
}

#[test]
fn a_slow_request_does_not_hold_up_another_client() {
    let dirs = served_tree("slow-other");
    let server = file_server(&dirs.root, &[]);
    let request = frame(&MAGIC, 0, 0, 5, b"a.txt");
    let mut slow = connect(server.addr);
    slow.write_all(&request[..7]).expect("the first bytes");
    // Served while the slow request is still incomplete.
    assert_serves(server.addr, "sub/b.txt", b"inside too\n");
    slow.write_all(&request[7..]).expect("the rest");
    let (response, body) = file_download_support::read_answer(&mut slow);
    assert_eq!(response.status, Status::Ok, "{}", response.message);
    assert_eq!(body, b"inside\n");
}

#[test]
fn a_request_trickled_slower_than_the_timeout_is_dropped() {
    let dirs = served_tree("trickle");
    let server = file_server(&dirs.root, &["--request-timeout", "1"]);
    // 55 bytes at 200 ms each: 11 s for a request the server gives 1 s.
    let request = frame(&MAGIC, 0, 0, 40, &[b'a'; 40]);
    let stream = connect(server.addr);
    let local = stream.local_addr().expect("our address").to_string();
    let sent = Arc::new(AtomicUsize::new(0));
    let trickler = {
        let (stream, sent) = (stream.try_clone().expect("a second handle"), sent.clone());
        std::thread::spawn(move || {
            for byte in request {
                if (&stream).write_all(&[byte]).is_err() {
                    return;
                }
                sent.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    // Whatever the server does at its deadline (close, reset, a `bad request`), the read
    // ends; the trickle has not.
    let mut answer = Vec::new();
    let _ = (&stream).read_to_end(&mut answer);
    let at = sent.load(Ordering::SeqCst);
    assert!(at < 55, "the server waited for the whole trickled request");
    let line = log_line(&server, &local);
    assert!(!line.contains(" ok"), "{line}");
    assert_serves(server.addr, "a.txt", b"inside\n");
    let _ = stream.shutdown(Shutdown::Both);
    trickler.join().expect("the trickling thread");
}

#[test]
fn a_quiet_server_still_logs_refusals() {
    let dirs = served_tree("quiet-server");
    let mut server = file_server(&dirs.root, &["-q"]);
    assert_serves(server.addr, "a.txt", b"inside\n");
    let (response, _) = exchange(server.addr, &frame(&MAGIC, 0, 0, 4, b"../x"));
    assert_eq!(response.status, Status::BadRequest);
    interrupt(server.child());
    assert_eq!(server.wait_exit(LONG).code(), Some(0));
    let log = rest_of(server.stderr(), LONG);
    assert!(
        log.contains("\"../x\" bad request: file name contains a `..` component"),
        "{log}"
    );
    assert!(!log.contains("\"a.txt\" ok"), "{log}");
}
