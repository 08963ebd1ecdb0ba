//! End-to-end tests of lesson 8's downloads: `file-server` and `file-client` as real
//! processes on loopback, the downloaded bytes compared with the served ones byte for byte.
//!
//! Files of every size (empty, small, 100 MiB), names beyond ASCII, the output choices
//! (`-o PATH`, `-o -`), a file already there, and ten clients at once. What the server
//! refuses is in `file_download_refusals.rs`, cut transfers and `--resume` in
//! `file_download_resume.rs`, the course's protocol in `file_download_classic.rs`.

mod file_download_support;

use e2e::{interrupt, rest_of, skip_because};
use file_download::protocol::{Request, Response, Status};
use file_download_support::{
    assert_empty, assert_same_bytes, assert_saved, client_in, connect, content, file_server,
    log_line, part, Dirs, LONG, MIB,
};
use std::io::Write;
use std::net::TcpListener;

#[test]
fn a_small_file_is_saved_under_its_own_name() {
    let dirs = Dirs::new("small");
    let file = content(1234, 1);
    dirs.serve("a.txt", &file);
    let server = file_server(&dirs.root, &[]);

    let out = client_in(&dirs.downloads, &[&server.addr.to_string(), "a.txt"]);
    assert_saved(&out, &dirs.downloaded("a.txt"), &file);
    assert!(
        out.stderr.contains("saved a.txt: 1234 bytes"),
        "{}",
        out.stderr
    );
    let line = log_line(&server, "\"a.txt\" ok");
    assert!(
        line.contains("sent 1234 bytes (offset 0, size 1234)"),
        "{line}"
    );
    // The log names the client by its address.
    assert!(line.starts_with("127.0.0.1:"), "{line}");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let dirs = Dirs::new("quiet");
    dirs.serve("a.txt", b"quiet please\n");
    let server = file_server(&dirs.root, &[]);
    let out = client_in(&dirs.downloads, &[&server.addr.to_string(), "a.txt", "-q"]);
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert_same_bytes(&dirs.downloaded("a.txt"), b"quiet please\n");
}

#[test]
fn an_empty_file_is_saved_empty() {
    let dirs = Dirs::new("empty");
    dirs.serve("empty.txt", b"");
    let server = file_server(&dirs.root, &[]);
    let out = client_in(&dirs.downloads, &[&server.addr.to_string(), "empty.txt"]);
    assert_saved(&out, &dirs.downloaded("empty.txt"), b"");
    assert!(
        out.stderr.contains("saved empty.txt: 0 bytes"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_100_mib_file_arrives_identical() {
    let dirs = Dirs::new("big");
    let file = content(100 * MIB, 2);
    dirs.serve("big.bin", &file);
    let server = file_server(&dirs.root, &["-q"]);
    let out = client_in(&dirs.downloads, &[&server.addr.to_string(), "big.bin"]);
    assert_saved(&out, &dirs.downloaded("big.bin"), &file);
}

#[test]
fn names_in_chinese_and_with_spaces_are_saved_by_their_last_component() {
    let dirs = Dirs::new("names");
    let server = file_server(&dirs.root, &[]);
    let addr = server.addr.to_string();
    for (seed, (name, saved_as)) in [
        ("你好.txt", "你好.txt"),
        ("with space.txt", "with space.txt"),
        ("数据/报告 2024.bin", "报告 2024.bin"),
        ("a/b/c.txt", "c.txt"),
    ]
    .into_iter()
    .enumerate()
    {
        let file = content(5000 + seed, seed as u64);
        dirs.serve(name, &file);
        let out = client_in(&dirs.downloads, &[&addr, name]);
        assert_saved(&out, &dirs.downloaded(saved_as), &file);
        log_line(&server, &format!("\"{name}\" ok"));
    }
}

#[test]
fn a_name_like_localhost_is_resolved() {
    let dirs = Dirs::new("localhost");
    dirs.serve("a.txt", b"by name\n");
    let server = file_server(&dirs.root, &[]);
    let addr = format!("localhost:{}", server.addr.port());
    let out = client_in(&dirs.downloads, &[&addr, "a.txt"]);
    assert_saved(&out, &dirs.downloaded("a.txt"), b"by name\n");
}

#[test]
fn dash_o_chooses_the_path_and_dash_o_dash_writes_to_stdout() {
    let dirs = Dirs::new("output");
    let file = content(3 * MIB + 7, 3);
    dirs.serve("data.bin", &file);
    let server = file_server(&dirs.root, &[]);
    let addr = server.addr.to_string();

    let out = client_in(&dirs.downloads, &[&addr, "data.bin", "-o", "-"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout == file, "stdout differs from the file");
    assert_empty(&dirs.downloads);

    let out = client_in(&dirs.downloads, &[&addr, "data.bin", "-o", "renamed.bin"]);
    assert_saved(&out, &dirs.downloaded("renamed.bin"), &file);
    assert!(!dirs.downloaded("data.bin").exists());
}

#[test]
fn dash_o_dash_cannot_resume() {
    let dirs = Dirs::new("stdout-resume");
    let out = client_in(
        &dirs.downloads,
        &["127.0.0.1:9", "a.txt", "-o", "-", "--resume"],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dirs = Dirs::new("exists");
    dirs.serve("a.txt", b"new\n");
    std::fs::write(dirs.downloaded("a.txt"), b"old\n").expect("writing the old file");

    // Refused before connecting: a port where nothing listens would fail the connection.
    let nobody = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding");
        listener.local_addr().expect("an address")
    };
    let out = client_in(&dirs.downloads, &[&nobody.to_string(), "a.txt"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: a.txt exists (use --force to overwrite)"),
        "{}",
        out.stderr
    );
    assert_same_bytes(&dirs.downloaded("a.txt"), b"old\n");
    assert!(!part(&dirs.downloaded("a.txt")).exists());

    let server = file_server(&dirs.root, &[]);
    let out = client_in(
        &dirs.downloads,
        &[&server.addr.to_string(), "a.txt", "--force"],
    );
    assert_saved(&out, &dirs.downloaded("a.txt"), b"new\n");
}

#[test]
fn ten_clients_at_once_each_get_their_own_file() {
    let dirs = Dirs::new("ten");
    let sizes = [
        0,
        1,
        100,
        4095,
        4096,
        65_537,
        MIB,
        3 * MIB + 1,
        10 * MIB,
        20 * MIB,
    ];
    let files: Vec<(String, Vec<u8>)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &size)| (format!("file-{i}.bin"), content(size, 100 + i as u64)))
        .collect();
    for (name, file) in &files {
        dirs.serve(name, file);
    }
    // A thread per client, then a pool of two workers that the ten take turns on.
    for mode in [&[][..], &["--workers", "2"]] {
        let server = file_server(&dirs.root, &[&["-q"], mode].concat());
        let addr = server.addr.to_string();
        let outs: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = files
                .iter()
                .map(|(name, _)| {
                    let (addr, downloads) = (&addr, &dirs.downloads);
                    scope.spawn(move || client_in(downloads, &[addr, name, "--force"]))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a client thread"))
                .collect()
        });
        for ((name, file), out) in files.iter().zip(&outs) {
            assert_saved(out, &dirs.downloaded(name), file);
        }
    }
}

#[test]
fn ipv6_loopback_works_too() {
    if TcpListener::bind("[::1]:0").is_err() {
        skip_because("ipv6_loopback_works_too", "no IPv6 loopback (::1) here");
        return;
    }
    let dirs = Dirs::new("ipv6");
    dirs.serve("a.txt", b"over IPv6\n");
    let server = file_server(&dirs.root, &["--bind", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let addr = server.addr.to_string(); // [::1]:PORT
    let out = client_in(&dirs.downloads, &[&addr, "a.txt"]);
    assert_saved(&out, &dirs.downloaded("a.txt"), b"over IPv6\n");
    let line = log_line(&server, "\"a.txt\" ok");
    assert!(line.starts_with("[::1]:"), "{line}");
}

#[test]
fn ctrl_c_stops_the_server_even_with_a_transfer_nobody_reads() {
    let dirs = Dirs::new("server-ctrl-c");
    dirs.serve("big.bin", &content(64 * MIB, 4));
    let mut server = file_server(&dirs.root, &["--write-timeout", "600"]);
    // A client that asks for 64 MiB and reads only the header: the server's writes stall.
    let mut stalled = connect(server.addr);
    let request = Request {
        name: "big.bin".into(),
        offset: 0,
        want_sha256: false,
    };
    stalled
        .write_all(&request.encode().expect("a short name"))
        .expect("sending the request");
    let response = Response::read_from(&mut stalled).expect("the header");
    assert_eq!(response.status, Status::Ok, "{}", response.message);

    interrupt(server.child());
    // The grace period is brief; the deadline only fails a server that never stops.
    assert_eq!(server.wait_exit(LONG).code(), Some(0));
    let log = rest_of(server.stderr(), LONG);
    assert!(log.contains("\"big.bin\""), "{log}");
}

#[test]
fn a_client_beyond_max_connections_waits_its_turn() {
    let dirs = Dirs::new("max-connections");
    dirs.serve("a.txt", b"one at a time\n");
    let server = file_server(&dirs.root, &["--max-connections", "1"]);
    // The one connection allowed, holding its slot with half a request.
    let request = Request {
        name: "a.txt".into(),
        offset: 0,
        want_sha256: false,
    }
    .encode()
    .expect("a short name");
    let mut first = connect(server.addr);
    first.write_all(&request[..5]).expect("half a request");
    log_line(&server, "connected");

    let addr = server.addr.to_string();
    std::thread::scope(|scope| {
        let second = scope.spawn(|| client_in(&dirs.downloads, &[&addr, "a.txt"]));
        first.write_all(&request[5..]).expect("the rest");
        let response = Response::read_from(&mut first).expect("the first client's answer");
        assert_eq!(response.status, Status::Ok, "{}", response.message);
        drop(first);
        // Waited, then served: not turned away.
        let out = second.join().expect("the second client's thread");
        assert_saved(&out, &dirs.downloaded("a.txt"), b"one at a time\n");
    });
}
