//! End-to-end tests of `mini-http` with a real browser: headless Chromium loads a page
//! and prints the document it built (`--dump-dom`). The listing's links must be in it,
//! and the course's `--fake` page, GBK on the wire, must show 标题.
//!
//! Without Chromium (`chromium` or `chromium-browser` on `PATH`) the tests print
//! `skipped: chromium not found` and pass. The browser gets a fresh profile, no proxy, and
//! no background networking: it talks to the loopback server and nothing else.

mod http_support;

use e2e::{run_command, skip, tool};
use http_support::{mini_http, Tree};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A browser starts slowly on a loaded machine; this only fails one that hangs.
const BROWSER_DEADLINE: Duration = Duration::from_secs(120);

/// The Chromium on `PATH`, or `None` after recording the skip.
fn chromium(test: &str) -> Option<PathBuf> {
    let found = tool("chromium").or_else(|| tool("chromium-browser"));
    if found.is_none() {
        skip(test, "chromium");
    }
    found
}

/// The document Chromium builds from `url`, with its profile in `profile`.
fn dump_dom(browser: &Path, profile: &Path, url: &str) -> String {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-proxy-server",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url]);
    let out = run_command(command, b"", BROWSER_DEADLINE);
    assert!(
        out.success(),
        "chromium exited {:?}: {}",
        out.code,
        out.stderr
    );
    out.stdout
}

#[test]
fn the_listing_links_are_in_the_browsers_document() {
    let test = "the_listing_links_are_in_the_browsers_document";
    let Some(browser) = chromium(test) else {
        return;
    };
    let tree = Tree::new("browser-listing");
    let server = mini_http(&tree.root, &[]);
    let dom = dump_dom(
        &browser,
        &tree.scratch().join("profile"),
        &format!("http://{}/", server.addr),
    );
    assert!(dom.contains("<title>Index of /</title>"), "{dom}");
    for link in [
        "<a href=\"sub/\">sub/</a>",
        "<a href=\"plain/\">plain/</a>",
        "<a href=\"a.txt\">a.txt</a>",
        "<a href=\"%E4%B8%AD%E6%96%87.txt\">中文.txt</a>",
        "<a href=\"with%20space.txt\">with space.txt</a>",
        "<a href=\"hash%231.txt\">hash#1.txt</a>",
        "<a href=\"100%25.txt\">100%.txt</a>",
    ] {
        assert!(dom.contains(link), "no {link} in the document:\n{dom}");
    }
}

#[test]
fn the_browser_follows_the_redirect_to_the_index() {
    let test = "the_browser_follows_the_redirect_to_the_index";
    let Some(browser) = chromium(test) else {
        return;
    };
    let tree = Tree::new("browser-redirect");
    let server = mini_http(&tree.root, &[]);
    let dom = dump_dom(
        &browser,
        &tree.scratch().join("profile"),
        &format!("http://{}/sub", server.addr),
    );
    assert!(dom.contains("<p>the index of sub</p>"), "{dom}");
}

#[test]
fn the_fake_page_shows_its_title_decoded_from_gbk() {
    let test = "the_fake_page_shows_its_title_decoded_from_gbk";
    let Some(browser) = chromium(test) else {
        return;
    };
    let tree = Tree::new("browser-fake");
    let server = mini_http(&tree.root, &["--fake"]);
    let dom = dump_dom(
        &browser,
        &tree.scratch().join("profile"),
        &format!("http://{}/", server.addr),
    );
    assert!(dom.contains("<h2>标题</h2>1111111"), "{dom}");
}
