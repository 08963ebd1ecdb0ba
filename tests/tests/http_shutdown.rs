//! End-to-end tests of `mini-http` stopped with Ctrl-C: it stops accepting, lets a
//! transfer in progress finish, closes idle keep-alive connections, and exits 0.

mod http_support;

use e2e::{interrupt, line_containing, rest_of};
use http_support::{mini_http, request, set_mtime, Client, Tree, LONG, MTIME};

#[test]
fn ctrl_c_stops_an_idle_server_with_exit_0() {
    let tree = Tree::new("stop-idle");
    let mut server = mini_http(&tree.root, &[]);
    line_containing(server.stderr(), "mini-http: serving", LONG);
    interrupt(server.child());
    let status = server.wait_exit(LONG);
    assert!(status.success(), "{status}");
    let log = rest_of(server.stderr(), LONG);
    assert!(log.contains("mini-http: stopped"), "{log}");
}

#[test]
fn a_download_in_progress_finishes_after_ctrl_c() {
    let tree = Tree::new("stop-inflight");
    // 64 MiB: far more than the sockets' buffers hold, so most of it is still to be sent
    // when the signal comes.
    let big = http_support::content(64 << 20, 3);
    tree.serve("big.bin", &big);
    set_mtime(&tree.root.join("big.bin"), MTIME);
    let mut server = mini_http(&tree.root, &["--idle-timeout", "600"]);
    let mut client = Client::connect(server.addr);
    client.send(&request("GET", "/big.bin", ""));
    // The transfer has begun once the head is here; the body is read after the signal.
    let mut peek = [0u8; 16];
    let seen = client
        .stream()
        .peek(&mut peek)
        .expect("the start of the response");
    assert!(seen > 0);
    interrupt(server.child());
    let response = client.response();
    response.assert_status(200);
    assert!(
        response.body == big,
        "the body differs ({} bytes)",
        response.body.len()
    );
    // Then the connection is closed rather than kept, and the server exits.
    client.assert_closed();
    let status = server.wait_exit(LONG);
    assert!(status.success(), "{status}");
}

#[test]
fn idle_keep_alive_connections_do_not_hold_up_the_stop() {
    let tree = Tree::new("stop-keepalive");
    // Idle connections could be kept ten minutes: the stop must not wait for them.
    let mut server = mini_http(&tree.root, &["--idle-timeout", "600"]);
    let mut clients: Vec<Client> = (0..10).map(|_| Client::connect(server.addr)).collect();
    for client in &mut clients {
        client.send(&request("GET", "/a.txt", ""));
        client.response().assert_status(200);
    }
    interrupt(server.child());
    let status = server.wait_exit(LONG);
    assert!(status.success(), "{status}");
    for client in &mut clients {
        client.assert_closed();
    }
}
