//! End-to-end tests of confinement: no request reaches a file outside the served root,
//! in any encoding a client can type (`..` raw, percent-encoded in either case, an encoded
//! `/`, an overlong UTF-8 `/`, a NUL, backslashes, a doubled `/`), nor through a symlink
//! that leads out. A FIFO is refused without blocking the server. The directory listing's
//! links and the redirect that adds a directory's `/` never point to another host.
//!
//! The files outside the root hold [`SECRET`]: a response that carries it is a hole.

mod http_support;

use http_support::{exchange, get, mini_http, request, Client, Response, Tree, SECRET};

/// Request targets that try to leave the root.
const ESCAPES: &[&str] = &[
    "/../x",
    "/../outside/secret.txt",
    "/%2e%2e/x",
    "/%2E%2E/x",
    "/%2E%2E%2Fx",
    "/..%2fx",
    "/..%2Fx",
    "/.%2e/x",
    "/sub/../../x",
    "/a/%2e%2e/%2e%2e/x",
    "/sub/%2e%2e/%2e%2e/outside/secret.txt",
    "//etc/passwd",
    "/etc/passwd/../../x",
    "/%00",
    "/a.txt%00",
    "/a.txt%00.html",
    "/%C0%AF",
    "/%c0%ae%c0%ae/x",
    "/..%c0%afx",
    "/%252e%252e/x",
    "\\..\\x",
    "/..\\x",
    "/..%5cx",
    "/%5c..%5cx",
    "http://127.0.0.1/../x",
];

/// Checks that `response` refused `target` without carrying any forbidden bytes.
fn assert_refused(target: &str, response: &Response) {
    assert!(
        [400, 403, 404].contains(&response.status),
        "{target}: {}",
        response.describe()
    );
    let body = &response.body;
    for needle in [SECRET, b"root:x:0:0" as &[u8]] {
        assert!(
            !body.windows(needle.len()).any(|w| w == needle),
            "{target}: the response carries a file from outside the root"
        );
    }
}

#[test]
fn every_encoding_of_dot_dot_is_refused() {
    let tree = Tree::new("escapes");
    let server = mini_http(&tree.root, &["--threads", "1"]);
    for target in ESCAPES {
        let response = exchange(
            server.addr,
            &request("GET", target, "Connection: close\r\n"),
        );
        assert_refused(target, &response);
    }
    // And the server serves on.
    get(server.addr, "/a.txt").assert_status(200);
}

#[test]
fn symlinks_out_of_the_root_are_forbidden() {
    let tree = Tree::new("links-out");
    let server = mini_http(&tree.root, &[]);
    for target in ["/link-out", "/dir-out/secret.txt", "/dir-out/", "/dir-out"] {
        let response = get(server.addr, target);
        assert_eq!(response.status, 403, "{target}: {}", response.describe());
        assert_refused(target, &response);
    }
}

#[test]
fn a_symlink_that_stays_inside_is_followed() {
    let tree = Tree::new("link-in");
    let server = mini_http(&tree.root, &[]);
    let response = get(server.addr, "/link-in");
    response.assert_status(200);
    assert_eq!(response.body, b"hello, world\n");
}

#[test]
fn a_fifo_is_refused_and_does_not_block_the_server() {
    let tree = Tree::new("fifo");
    // One event loop: had opening the FIFO blocked it (no writer ever comes), the next
    // request would go unanswered and fail at its read deadline.
    let server = mini_http(&tree.root, &["--threads", "1"]);
    let response = get(server.addr, "/pipe");
    assert!(
        [403, 404].contains(&response.status),
        "{}",
        response.describe()
    );
    get(server.addr, "/a.txt").assert_status(200);
}

/// The `href`s of a listing page.
fn links(page: &[u8]) -> Vec<String> {
    let page = String::from_utf8_lossy(page);
    page.split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
        .collect()
}

/// Whether `link` starts with a URI scheme (`http:`, `javascript:`): RFC 3986 §3.1.
fn has_scheme(link: &str) -> bool {
    let Some((scheme, _)) = link.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !scheme.contains('/')
}

#[test]
fn listing_links_stay_on_this_server() {
    let tree = Tree::new("listing-links");
    // Names a careless listing would turn into links elsewhere, or into markup.
    for name in [
        "http:evil.example",
        "javascript:alert(1)",
        "<b>bold</b>.txt",
        "a\"quote.txt",
        "q?x=1.txt",
    ] {
        tree.serve(name, b"x\n");
    }
    let server = mini_http(&tree.root, &[]);
    let response = get(server.addr, "/");
    response.assert_status(200);
    let links = links(&response.body);
    for expected in [
        "sub/",
        "plain/",
        "a.txt",
        "%E4%B8%AD%E6%96%87.txt",
        "with%20space.txt",
        "hash%231.txt",
        "100%25.txt",
    ] {
        assert!(
            links.iter().any(|l| l == expected),
            "no link {expected} in {links:?}"
        );
    }
    for link in &links {
        assert!(!link.starts_with("//"), "a link to another host: {link}");
        assert!(!has_scheme(link), "a link with a scheme: {link}");
    }
    let page = String::from_utf8_lossy(&response.body);
    assert!(!page.contains("<b>bold"), "a name shown as markup");
    // Each link, followed, gives the file it names.
    for link in links.iter().filter(|l| !l.ends_with('/')) {
        let target = format!("/{link}");
        let got = get(server.addr, &target);
        assert!(
            [200, 403].contains(&got.status),
            "{target}: {}",
            got.describe()
        );
    }
}

#[test]
fn a_directory_without_its_slash_is_redirected() {
    let tree = Tree::new("redirect");
    for dir in ["my dir", "a?b", "h#x", "p%q", "中文dir"] {
        std::fs::create_dir(tree.root.join(dir)).expect("creating a directory");
    }
    let server = mini_http(&tree.root, &[]);
    for (target, location) in [
        ("/plain", "/plain/"),
        ("/sub", "/sub/"),
        ("/my%20dir", "/my%20dir/"),
        ("/plain?a=1", "/plain/?a=1"),
        // Characters that would end the path, or start an escape, stay encoded.
        ("/a%3Fb", "/a%3Fb/"),
        ("/h%23x", "/h%23x/"),
        ("/p%25q", "/p%25q/"),
        ("/%E4%B8%AD%E6%96%87dir", "/%E4%B8%AD%E6%96%87dir/"),
    ] {
        let response = get(server.addr, target);
        assert_eq!(response.status, 301, "{target}: {}", response.describe());
        assert_eq!(response.must("Location"), location, "{target}");
    }
    let index = get(server.addr, "/sub/");
    index.assert_status(200);
    assert_eq!(index.body, b"<p>the index of sub</p>\n");
    let listing = get(server.addr, "/plain/");
    listing.assert_status(200);
    assert!(
        links(&listing.body).iter().any(|l| l == "inner.txt"),
        "{}",
        String::from_utf8_lossy(&listing.body)
    );
}

#[test]
fn no_redirect_points_to_another_host() {
    let tree = Tree::new("open-redirect");
    // A directory named like a host: `//evil.example` must never become `Location:
    // //evil.example/`, which a browser reads as another server.
    std::fs::create_dir(tree.root.join("evil.example")).expect("creating evil.example");
    let server = mini_http(&tree.root, &[]);
    for target in [
        "//evil.example",
        "///evil.example",
        "/.//evil.example",
        "/./evil.example",
        "/%2fevil.example",
        "/%2F%2Fevil.example",
        "/\\evil.example",
        "/evil.example/.",
        "http://127.0.0.1//evil.example",
    ] {
        let mut client = Client::connect(server.addr);
        client.send(&request("GET", target, "Connection: close\r\n"));
        let response = client.response();
        if let Some(location) = response.header("Location") {
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{target}: Location {location}"
            );
            assert!(!location.contains('\\'), "{target}: Location {location}");
        }
    }
}
