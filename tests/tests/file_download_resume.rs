//! End-to-end tests of downloads that do not go to plan: a connection cut mid-body, a
//! client killed or interrupted mid-transfer, a file changed between a cut and its
//! `--resume`, and bytes corrupted on the way, which `--verify` catches.
//!
//! The misbehaving peer is a fake server written here (it speaks the protocol right but
//! cuts, stalls or flips a byte on purpose), or a relay in front of the real `file-server`
//! that stops passing bytes at a chosen point. Either way the transfer stops where the
//! test says, not where a race happens to leave it; no test sleeps to wait for it.

mod file_download_support;

use e2e::interrupt;
use file_download_support::{
    assert_empty, assert_same_bytes, assert_saved, client_command, client_in, content,
    cutting_server, file_server, log_line, meta, ok_header, part, set_mtime, Dirs, Fake, LONG, MIB,
};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The modification time every served file gets here, so the fake servers can announce
/// the same one as the real server.
const MTIME: u64 = 1_700_000_000;

/// Serves `file` as `name`, modified at the fixed [`MTIME`].
fn serve(dirs: &Dirs, name: &str, file: &[u8]) {
    let path = dirs.serve(name, file);
    set_mtime(&path, MTIME);
}

/// Downloads `name` from a fake server that cuts after half the file, and checks what the
/// cut leaves: exit 1, the message, `NAME.part` holding that half, no `NAME`. `extra`
/// goes to the client (`--verify`). Returns the half's length.
fn cut_in_half(dirs: &Dirs, name: &str, file: &[u8], extra: &[&str]) -> usize {
    let half = file.len() / 2;
    let fake = cutting_server(file.to_vec(), MTIME as i64, half);
    let mut args = vec![fake.addr.to_string(), name.to_string()];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = client_in(&dirs.downloads, &args);
    fake.join();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    for said in [
        "closed".to_string(),
        format!(" after {half} of {} bytes", file.len()),
        format!("{name}.part kept"),
        "--resume".to_string(),
    ] {
        assert!(out.stderr.contains(&said), "no {said:?} in {}", out.stderr);
    }
    let path = dirs.downloaded(name);
    assert!(!path.exists(), "a cut download was saved as if whole");
    assert_same_bytes(&part(&path), &file[..half]);
    assert!(meta(&path).exists(), "no {}", meta(&path).display());
    half
}

#[test]
fn resume_completes_a_cut_download_from_where_it_stopped() {
    let dirs = Dirs::new("resume");
    let file = content(5 * MIB + 123, 7);
    serve(&dirs, "big.bin", &file);
    let half = cut_in_half(&dirs, "big.bin", &file, &[]);

    let server = file_server(&dirs.root, &[]);
    let out = client_in(
        &dirs.downloads,
        &[&server.addr.to_string(), "big.bin", "--resume"],
    );
    assert_saved(&out, &dirs.downloaded("big.bin"), &file);
    assert!(!out.stderr.contains("changed"), "{}", out.stderr);
    let line = log_line(&server, "\"big.bin\" ok");
    let sent = file.len() - half;
    let expected = format!("sent {sent} bytes (offset {half}, size {})", file.len());
    assert!(line.contains(&expected), "{line}");
}

#[test]
fn resume_without_a_part_is_a_plain_download() {
    let dirs = Dirs::new("resume-nothing");
    serve(&dirs, "a.txt", b"whole\n");
    let server = file_server(&dirs.root, &[]);
    let out = client_in(
        &dirs.downloads,
        &[&server.addr.to_string(), "a.txt", "--resume"],
    );
    assert_saved(&out, &dirs.downloaded("a.txt"), b"whole\n");
}

#[test]
fn a_file_changed_since_the_cut_is_downloaded_afresh() {
    let original = content(2 * MIB, 8);
    // The same size with another mtime, then a file shorter than the part kept.
    let changes: [(Vec<u8>, u64); 2] = [
        (content(2 * MIB, 9), MTIME + 500),
        (content(MIB / 4, 10), MTIME),
    ];
    for (changed, mtime) in changes {
        let dirs = Dirs::new("changed");
        serve(&dirs, "f.bin", &original);
        cut_in_half(&dirs, "f.bin", &original, &[]);
        let path = dirs.serve("f.bin", &changed);
        set_mtime(&path, mtime);

        let server = file_server(&dirs.root, &[]);
        let out = client_in(
            &dirs.downloads,
            &[&server.addr.to_string(), "f.bin", "--resume"],
        );
        assert_saved(&out, &dirs.downloaded("f.bin"), &changed);
        assert!(out.stderr.contains("changed"), "{}", out.stderr);
        let line = log_line(&server, &format!("sent {} bytes", changed.len()));
        assert!(line.contains("(offset 0,"), "{line}");
    }
}

#[test]
fn verify_checks_the_sha256_of_the_whole_file() {
    let dirs = Dirs::new("verify");
    let file = content(MIB + 5, 11);
    serve(&dirs, "v.bin", &file);
    let server = file_server(&dirs.root, &[]);
    let out = client_in(
        &dirs.downloads,
        &[&server.addr.to_string(), "v.bin", "--verify"],
    );
    assert_saved(&out, &dirs.downloaded("v.bin"), &file);
    assert!(out.stderr.contains("SHA-256 verified"), "{}", out.stderr);
}

#[test]
fn verify_catches_a_flipped_byte() {
    let dirs = Dirs::new("verify-flip");
    let sent = content(MIB, 12);
    let fake = Fake::start(move |mut stream, request| {
        assert!(request.want_sha256, "--verify did not ask for the SHA-256");
        // The right header, SHA-256 included; one byte of the body flipped.
        let mut body = sent.clone();
        body[MIB / 3] ^= 0x01;
        stream
            .write_all(&ok_header(&request, &sent, MTIME as i64))
            .expect("sending the header");
        let _ = stream.write_all(&body);
    });
    let out = client_in(
        &dirs.downloads,
        &[&fake.addr.to_string(), "v.bin", "--verify"],
    );
    fake.join();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("SHA-256 mismatch"), "{}", out.stderr);
    assert_empty(&dirs.downloads);
}

#[test]
fn resume_with_verify_checks_the_bytes_kept_from_before_the_cut() {
    let file = content(3 * MIB + 1, 13);
    for corrupt in [false, true] {
        let dirs = Dirs::new("resume-verify");
        serve(&dirs, "r.bin", &file);
        let half = cut_in_half(&dirs, "r.bin", &file, &["--verify"]);
        if corrupt {
            let kept = part(&dirs.downloaded("r.bin"));
            let mut bytes = std::fs::read(&kept).expect("reading the part");
            bytes[half / 2] ^= 0x80;
            std::fs::write(&kept, bytes).expect("corrupting the part");
        }
        let server = file_server(&dirs.root, &[]);
        let addr = server.addr.to_string();
        let out = client_in(&dirs.downloads, &[&addr, "r.bin", "--resume", "--verify"]);
        if corrupt {
            assert_eq!(out.code, Some(1), "{}", out.stderr);
            assert!(out.stderr.contains("SHA-256 mismatch"), "{}", out.stderr);
            assert_empty(&dirs.downloads);
        } else {
            assert_saved(&out, &dirs.downloaded("r.bin"), &file);
            assert!(out.stderr.contains("SHA-256 verified"), "{}", out.stderr);
        }
        log_line(&server, &format!("(offset {half},"));
    }
}

// ---- Killed and interrupted clients ---------------------------------------------------

/// A fake server that sends the header and the first `keep` bytes of `file`, then holds
/// the connection open until the returned sender is used or dropped.
fn stalling_server(file: Vec<u8>, keep: usize) -> (Fake, mpsc::Sender<()>) {
    let (release, released) = mpsc::channel::<()>();
    let fake = Fake::start(move |mut stream, request| {
        stream
            .write_all(&ok_header(&request, &file, MTIME as i64))
            .expect("sending the header");
        stream
            .write_all(&file[..keep])
            .expect("sending the first bytes");
        let _ = released.recv_timeout(LONG);
    });
    (fake, release)
}

#[test]
fn a_server_that_stalls_mid_body_is_given_up_on() {
    let dirs = Dirs::new("stalled");
    let file = content(4 * MIB, 17);
    let (fake, release) = stalling_server(file.clone(), MIB);
    let addr = fake.addr.to_string();
    let out = client_in(&dirs.downloads, &[&addr, "s.bin", "--timeout", "1"]);
    drop(release);
    fake.join();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    let path = dirs.downloaded("s.bin");
    assert!(!path.exists());
    let kept = std::fs::read(part(&path)).expect("the part is kept");
    assert!(
        file.starts_with(&kept),
        "the part is not the file's beginning"
    );
}

/// Waits until `path` holds at least `len` bytes (the client has written what it
/// received), failing the test at the deadline.
fn wait_for_len(path: &Path, len: u64, child: &mut Child) {
    let until = Instant::now() + LONG;
    loop {
        let now = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if now >= len {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "the client exited ({status}) with {now} bytes in {}",
                path.display()
            );
        }
        assert!(
            Instant::now() < until,
            "{} held {now} bytes after {LONG:?}, expected {len}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts file-client in `dirs.downloads`, downloading `name` from `addr`.
fn spawn_client(dirs: &Dirs, addr: SocketAddr, name: &str) -> Child {
    client_command(&dirs.downloads, &[&addr.to_string(), name])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting file-client")
}

#[test]
fn a_killed_client_leaves_only_its_part() {
    let dirs = Dirs::new("killed");
    let file = content(8 * MIB, 14);
    let (fake, release) = stalling_server(file.clone(), MIB);
    let mut child = spawn_client(&dirs, fake.addr, "k.bin");
    let path = dirs.downloaded("k.bin");
    wait_for_len(&part(&path), (MIB - 64 * 1024) as u64, &mut child);
    child.kill().expect("SIGKILL to the client");
    child.wait().expect("reaping the client");
    drop(release);
    fake.join();

    assert!(!path.exists(), "a killed download was saved as if whole");
    let kept = std::fs::read(part(&path)).expect("the part is kept");
    assert!(
        file.starts_with(&kept),
        "the part is not the file's beginning"
    );
}

#[test]
fn ctrl_c_keeps_the_part_and_exits_130() {
    let dirs = Dirs::new("ctrl-c");
    let file = content(8 * MIB, 15);
    let (fake, release) = stalling_server(file.clone(), MIB);
    let mut child = spawn_client(&dirs, fake.addr, "c.bin");
    let path = dirs.downloaded("c.bin");
    wait_for_len(&part(&path), (MIB - 64 * 1024) as u64, &mut child);
    interrupt(&child);
    let status = wait_for_exit(&mut child);
    drop(release);
    fake.join();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!path.exists());
    let kept = std::fs::read(part(&path)).expect("the part is kept");
    assert!(
        file.starts_with(&kept),
        "the part is not the file's beginning"
    );
}

/// Waits for a child with the deadline, killing it and failing the test when it hangs.
fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let until = Instant::now() + LONG;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for the client") {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("the client did not exit within {LONG:?} of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A relay between one client and the real server: it passes the request on, and the
/// first `pass` bytes of the answer back, then stops reading the server until released.
/// Released, it closes both sides, the server's with bytes unread: a reset, as when a
/// client dies.
struct Relay {
    /// Where the client connects.
    addr: SocketAddr,
    /// A message when the first bytes have all been passed on.
    passed: mpsc::Receiver<()>,
    /// Used or dropped: the relay closes.
    release: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Relay {
    fn start(upstream: SocketAddr, pass: usize) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let (release, released) = mpsc::channel::<()>();
        let (done, passed) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let (client, _) = listener.accept().expect("accepting the client");
            let server = TcpStream::connect(upstream).expect("connecting to file-server");
            let (mut from, mut to) = (
                client.try_clone().expect("a second handle"),
                server.try_clone().expect("a second handle"),
            );
            // Passes the request on; ends when the client is gone.
            let requests = std::thread::spawn(move || io::copy(&mut from, &mut to).map(drop));
            let mut answer = (&server).take(pass as u64);
            io::copy(&mut answer, &mut &client).expect("passing the answer's beginning");
            let _ = done.send(());
            let _ = released.recv_timeout(LONG);
            let _ = requests.join();
        });
        Relay {
            addr,
            passed,
            release,
            thread,
        }
    }

    /// Closes both connections and waits for the relay's thread.
    fn close(self) {
        drop(self.release);
        self.thread.join().expect("the relay's thread");
    }
}

#[test]
fn a_client_killed_mid_transfer_leaves_the_server_serving() {
    let dirs = Dirs::new("killed-real");
    let file = content(32 * MIB, 16);
    serve(&dirs, "big.bin", &file);
    let server = file_server(&dirs.root, &[]);
    let relay = Relay::start(server.addr, 32 + 4 * MIB);

    let mut child = spawn_client(&dirs, relay.addr, "big.bin");
    let path = dirs.downloaded("big.bin");
    relay
        .passed
        .recv_timeout(LONG)
        .expect("the relay passed the answer's beginning on");
    wait_for_len(&part(&path), MIB as u64, &mut child);
    child.kill().expect("SIGKILL to the client");
    child.wait().expect("reaping the client");
    relay.close();

    // The server saw its client vanish, said so, and goes on serving.
    let line = log_line(&server, "\"big.bin\" cut");
    assert!(line.contains(&format!("of {} bytes", file.len())), "{line}");
    assert!(!path.exists());
    let kept = std::fs::metadata(part(&path))
        .expect("the part is kept")
        .len();
    let out = client_in(
        &dirs.downloads,
        &[&server.addr.to_string(), "big.bin", "--resume"],
    );
    assert_saved(&out, &path, &file);
    log_line(&server, &format!("(offset {kept}, size {})", file.len()));
}
