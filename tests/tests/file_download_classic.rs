//! End-to-end tests of `--classic`, the course's own download protocol (a bare name one
//! way, the raw bytes or the text `no_file` the other), against the course's four Python
//! programs in `crates/file-download/course/`: our client with the course's two servers,
//! the course's two clients with our server. They also show, as tests, what the lesson
//! says of the course's protocol: a missing file and a file that reads `no_file` look the
//! same, and the course's server serves whatever name arrives, `../` included.
//!
//! Skipped, and listed by `cargo xtask test`, when python3 is not installed.

mod file_download_support;

use e2e::{line_containing, python3, run_command, Output, Server};
use file_download_support::{
    assert_empty, assert_same_bytes, assert_saved, client_in, content, file_server, log_line, part,
    Dirs, LONG, MIB,
};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One of the course's programs, e.g. `course("004_server.py")`.
fn course(program: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/file-download/course")
        .join(program)
}

/// Starts one of the course's servers serving `dir`. 002 is started in it (it serves its
/// current directory), 004 is given it as its argument (`--port 0 DIR`), so both ways of
/// running them are tried.
fn course_server(python: &Path, program: &str, dir: &Path) -> Server {
    let mut command = Command::new(python);
    command
        .arg(course(program))
        .env("PYTHONIOENCODING", "utf-8");
    if program.starts_with("002") {
        command.current_dir(dir);
    } else {
        command.args(["--port".as_ref(), "0".as_ref(), dir.as_os_str()]);
    }
    Server::start_command(program, command).unwrap_or_else(|e| panic!("{e:#}"))
}

/// Runs one of the course's clients in `dir` against `server`, typing `name` at its
/// input() prompt.
fn course_client(python: &Path, program: &str, dir: &Path, server: &Server, name: &str) -> Output {
    let mut command = Command::new(python);
    command
        .arg(course(program))
        .arg(server.addr.port().to_string())
        .current_dir(dir)
        .env("PYTHONIOENCODING", "utf-8");
    run_command(command, format!("{name}\n").as_bytes(), LONG)
}

#[test]
fn file_client_classic_with_the_course_002_server() {
    let Some(python) = python3("file_client_classic_with_the_course_002_server") else {
        return;
    };
    let dirs = Dirs::new("classic-002-server");
    let file = content(MIB + 17, 21);
    dirs.serve("报告 1.bin", &file);
    let server = course_server(&python, "002_server.py", &dirs.root);
    let addr = server.addr.to_string();

    let out = client_in(&dirs.downloads, &[&addr, "报告 1.bin", "--classic"]);
    assert_saved(&out, &dirs.downloaded("报告 1.bin"), &file);

    // The course's 002 server closes without a word when the file is missing.
    let out = client_in(&dirs.downloads, &[&addr, "nope.txt", "--classic"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("error: the server sent nothing"),
        "{}",
        out.stderr
    );
    assert!(!dirs.downloaded("nope.txt").exists());
}

#[test]
fn file_client_classic_with_the_course_004_server() {
    let Some(python) = python3("file_client_classic_with_the_course_004_server") else {
        return;
    };
    let dirs = Dirs::new("classic-004-server");
    let file = content(2 * MIB + 3, 22);
    dirs.serve("data.bin", &file);
    let server = course_server(&python, "004_server.py", &dirs.root);
    let addr = server.addr.to_string();

    let out = client_in(&dirs.downloads, &[&addr, "data.bin", "--classic"]);
    assert_saved(&out, &dirs.downloaded("data.bin"), &file);
    line_containing(&server.lines, "用户接入", LONG);

    // The course's 004 server answers a missing file with the 7 bytes `no_file`.
    let out = client_in(&dirs.downloads, &[&addr, "nope.txt", "--classic"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr.contains("error: the server sent \"no_file\""),
        "{}",
        out.stderr
    );
    let nope = dirs.downloaded("nope.txt");
    assert!(
        !nope.exists() && !part(&nope).exists(),
        "a refusal left a file"
    );
}

#[test]
fn the_course_002_client_with_file_server_classic() {
    let Some(python) = python3("the_course_002_client_with_file_server_classic") else {
        return;
    };
    let dirs = Dirs::new("classic-002-client");
    let file = content(MIB + 5, 23);
    dirs.serve("你好.bin", &file);
    let server = file_server(&dirs.root, &["--classic"]);

    let out = course_client(
        &python,
        "002_client.py",
        &dirs.downloads,
        &server,
        "你好.bin",
    );
    assert!(out.success(), "{}", out.stderr);
    assert_same_bytes(&dirs.downloaded("你好.bin"), &file);
    log_line(&server, "\"你好.bin\" ok");

    // The course's client saves whatever comes: our refusal, `no_file`, in the file.
    let out = course_client(
        &python,
        "002_client.py",
        &dirs.downloads,
        &server,
        "nope.txt",
    );
    assert!(out.success(), "{}", out.stderr);
    assert_same_bytes(&dirs.downloaded("nope.txt"), b"no_file");
    log_line(&server, "\"nope.txt\" not found");
}

#[test]
fn the_course_004_client_with_file_server_classic() {
    let Some(python) = python3("the_course_004_client_with_file_server_classic") else {
        return;
    };
    let dirs = Dirs::new("classic-004-client");
    // Text: the course's client decodes every chunk it receives as UTF-8.
    let text: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    dirs.serve("notes.txt", &text);
    let server = file_server(&dirs.root, &["--classic"]);

    let out = course_client(
        &python,
        "004_client.py",
        &dirs.downloads,
        &server,
        "notes.txt",
    );
    assert!(out.success(), "{}", out.stderr);
    assert_same_bytes(&dirs.downloaded("[新]notes.txt"), &text);

    let out = course_client(
        &python,
        "004_client.py",
        &dirs.downloads,
        &server,
        "nope.txt",
    );
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("暂时没有您需要下载的资源"),
        "{}",
        out.stdout
    );
    assert!(!dirs.downloaded("[新]nope.txt").exists());

    // A binary file: its first chunk is not UTF-8, and the course's client stops there.
    dirs.serve("data.bin", &content(4096, 24));
    let out = course_client(
        &python,
        "004_client.py",
        &dirs.downloads,
        &server,
        "data.bin",
    );
    assert!(!out.success(), "{}", out.stdout);
    assert!(out.stderr.contains("UnicodeDecodeError"), "{}", out.stderr);
}

#[test]
fn a_file_that_reads_no_file_is_lost_in_classic_and_kept_in_the_framed_protocol() {
    let dirs = Dirs::new("classic-no-file");
    dirs.serve("no_file.txt", b"no_file");
    let classic = file_server(&dirs.root, &["--classic"]);
    let out = client_in(
        &dirs.downloads,
        &[&classic.addr.to_string(), "no_file.txt", "--classic"],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("\"no_file\""), "{}", out.stderr);
    assert_empty(&dirs.downloads);

    let framed = file_server(&dirs.root, &[]);
    let out = client_in(&dirs.downloads, &[&framed.addr.to_string(), "no_file.txt"]);
    assert_saved(&out, &dirs.downloaded("no_file.txt"), b"no_file");
}

#[test]
fn the_course_server_serves_outside_its_directory_and_ours_does_not() {
    let Some(python) = python3("the_course_server_serves_outside_its_directory_and_ours_does_not")
    else {
        return;
    };
    let dirs = Dirs::new("classic-outside");
    let name = "../outside/secret.txt";
    let course = course_server(&python, "004_server.py", &dirs.root);
    let out = client_in(
        &dirs.downloads,
        &[&course.addr.to_string(), name, "--classic"],
    );
    assert_saved(&out, &dirs.downloaded("secret.txt"), b"outside the root\n");
    std::fs::remove_file(dirs.downloaded("secret.txt")).expect("removing the secret");

    let ours = file_server(&dirs.root, &["--classic"]);
    let out = client_in(
        &dirs.downloads,
        &[&ours.addr.to_string(), name, "--classic"],
    );
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.contains("\"no_file\""), "{}", out.stderr);
    assert_empty(&dirs.downloads);
    log_line(&ours, "bad request");
}
