//! `tcp-trace --states`: each side's state from the kernel's socket table, the last one
//! in particular (TIME_WAIT on the side that closed first), for an IPv4 server and for a
//! dual-stack one whose table lists its IPv4 peer as `::ffff:127.0.0.1`.

use std::process::Stdio;

use e2e::{line_containing, rest_of};

use super::tcp_trace_support::*;

#[test]
fn states_show_time_wait_on_the_client_that_closed_first() {
    let server = echo_server("127.0.0.1", &[]);
    let port = server.addr.port().to_string();
    let target = server.addr.to_string();
    let Some(out) = trace(
        "states_show_time_wait_on_the_client_that_closed_first",
        &strings(&[
            "--port",
            &port,
            "--states",
            "--",
            "tcp-echo-client",
            &target,
            "hello",
        ]),
    ) else {
        return;
    };
    assert!(out.status.success(), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("the client closed first"),
        "{}",
        out.stdout
    );
    // The server's socket is freed at the last ACK. Whether a reading of the table
    // caught it before depends on when the table was read, so either is right; what is
    // certain is that it is not there at the end.
    let left = out
        .stdout
        .lines()
        .find(|l| l.starts_with("#1 states left:"))
        .unwrap_or_else(|| panic!("no states left line:\n{}", out.stdout));
    assert!(
        left == "#1 states left: client TIME_WAIT, server gone (closed)"
            || left == "#1 states left: client TIME_WAIT, server never seen in the table",
        "{}",
        out.stdout
    );
}

/// The server (bound to `bind`) hangs up on a client (to `connect`) that says nothing
/// for a second; the client's stdin stays open (and empty) meanwhile, so it is the
/// server that closes first, and its TIME_WAIT is in the table at the end.
fn server_closes_first(test: &str, bind: &str, connect: &str) {
    let server = echo_server(bind, &["--idle-timeout", "1"]);
    let port = server.addr.port().to_string();
    let target = format!("{connect}:{port}");
    let Some((mut child, stdout, stderr)) = start_trace(
        test,
        &strings(&[
            "--port",
            &port,
            "--states",
            "--",
            "tcp-echo-client",
            &target,
        ]),
        Stdio::piped(),
    ) else {
        return;
    };
    // Held open until the trace is over.
    let stdin = child.stdin.take();
    let line = line_containing(&stdout, "#1 states left:", DEADLINE);
    drop(stdin);
    let status = wait_exit(&mut child, "tcp-trace");
    let rest = rest_of(&stdout, DEADLINE);
    // The client was in the table for the whole second it was silent.
    assert_eq!(
        line, "#1 states left: client gone (closed), server TIME_WAIT",
        "{rest}"
    );
    assert!(status.success(), "{rest}\n{}", rest_of(&stderr, DEADLINE));
}

#[test]
fn states_show_time_wait_on_the_server_when_it_closes_first() {
    server_closes_first(
        "states_show_time_wait_on_the_server_when_it_closes_first",
        "127.0.0.1",
        "127.0.0.1",
    );
}

#[test]
fn states_of_a_dual_stack_server_with_an_ipv4_client() {
    // Bound to `::`, the server's socket is in /proc/net/tcp6 as ::ffff:127.0.0.1, the
    // capture shows 127.0.0.1: the server's TIME_WAIT must still be found.
    server_closes_first(
        "states_of_a_dual_stack_server_with_an_ipv4_client",
        "::",
        "127.0.0.1",
    );
}
