//! End-to-end tests of `http-get` against nginx, the server an engineer would use: its
//! HTTP/1.1 answers keep the connection open, so two URLs share one connection, and its
//! files come whole. Without nginx the tests print `skipped: nginx not found` and pass.

mod http_support;

use e2e::{program, run_command_raw, skip, tool, RawOutput};
use http_support::{Tree, LONG};
use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `http-get ARGS...` with a deadline.
fn http_get(args: &[&str]) -> RawOutput {
    let mut command = Command::new(program("http-get"));
    command.args(args);
    run_command_raw(command, b"", LONG)
}

/// nginx serving `root` on 127.0.0.1, in the foreground, with nothing written outside
/// its own directory; stopped when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
}

impl Nginx {
    /// nginx cannot listen on port 0 ("invalid port"), so a free port is found first:
    /// another program may take it before nginx binds it, in which case nginx exits and
    /// the next free port is tried.
    fn start(nginx: &Path, root: &Path, dir: &Path) -> Nginx {
        for _ in 0..5 {
            let addr = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("finding a free port");
            let conf = dir.join("nginx.conf");
            let text = format!(
                "daemon off;\nmaster_process off;\nworker_processes 1;\n\
                 pid {dir}/nginx.pid;\nerror_log stderr;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  \
                 server {{ listen {addr}; root {root}; }}\n}}\n",
                dir = dir.display(),
                root = root.display(),
            );
            fs::write(&conf, text).expect("writing nginx.conf");
            let mut child = Command::new(nginx)
                .arg("-e")
                .arg("stderr")
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("starting nginx");
            // Ready when it accepts a connection; gone if it could not bind.
            let until = Instant::now() + LONG;
            loop {
                if TcpStream::connect(addr).is_ok() {
                    return Nginx { child, addr };
                }
                if child.try_wait().ok().flatten().is_some() || Instant::now() >= until {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("nginx did not start (five free ports tried)");
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx and the tree it serves, or `None` (after recording the skip) without nginx.
fn nginx_serving(test: &str) -> Option<(Nginx, Tree)> {
    let Some(nginx) = tool("nginx") else {
        skip(test, "nginx");
        return None;
    };
    let tree = Tree::new(test);
    let server = Nginx::start(&nginx, &tree.root, &tree.scratch());
    Some((server, tree))
}

#[test]
fn two_urls_on_nginx_share_one_connection_and_come_whole() {
    let test = "two_urls_on_nginx_share_one_connection_and_come_whole";
    let Some((server, tree)) = nginx_serving(test) else {
        return;
    };
    let base = format!("http://{}", server.addr);
    let out = http_get(&[
        "-v",
        &format!("{base}/data.bin"),
        &format!("{base}/%E4%B8%AD%E6%96%87.txt"),
    ]);
    assert!(out.success(), "{}", out.stderr);
    let mut expected = tree.bytes("data.bin");
    expected.extend(tree.bytes("中文.txt"));
    assert!(out.stdout == expected, "the bytes differ");
    assert!(out.stderr.contains("< HTTP/1.1 200 OK"), "{}", out.stderr);
    let reusing = format!("* reusing the connection to {}", server.addr);
    assert!(
        out.stderr.lines().any(|l| l.starts_with(&reusing)),
        "no {reusing:?} in:\n{}",
        out.stderr
    );
}

#[test]
fn head_and_404_from_nginx() {
    let Some((server, _tree)) = nginx_serving("head_and_404_from_nginx") else {
        return;
    };
    let out = http_get(&["-I", &format!("http://{}/a.txt", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    let head = String::from_utf8_lossy(&out.stdout);
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("Content-Length: 13"), "{head}");
    // A 404 is a complete answer, as with mini-http: exit 0, the error page printed.
    let out = http_get(&["-v", &format!("http://{}/no-such-file", server.addr)]);
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stderr.contains("< HTTP/1.1 404 Not Found"),
        "{}",
        out.stderr
    );
}
