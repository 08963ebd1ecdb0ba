//! Screenshots in the lesson pages, taken by a real browser from a real server.
//!
//! A page asks for one with a marker line followed by the image:
//!
//! ````text
//! <!-- screenshot: mini-http --port 8000 --root DIR | url: /notes/ | file: img/09-listing.png -->
//! ![The directory listing](img/09-listing.png)
//! ````
//!
//! `cargo xtask docs` starts the server (on `--port 0`, as a transcript's server), points
//! headless Chromium at `http://ADDR/URL` and writes the picture to `docs/FILE`. The
//! picture is what the browser drew, never drawn by hand. Without Chromium (`chromium` or
//! `chromium-browser` on `PATH`), or without a font for Chinese, the old picture stays; a
//! check (`cargo xtask test`) only asks that the file exists, because two browsers never
//! draw the same pixels (fonts, versions).

use crate::docs;
use crate::run::{found, root};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The marker that asks for a screenshot.
pub const MARKER: &str = "<!-- screenshot: ";

/// How big the browser's window is: wide enough for a listing's three columns.
const WINDOW: &str = "--window-size=720,240";

/// A parsed marker: the server's command line, the path to load, the picture's file.
struct Shot<'a> {
    server: &'a str,
    url: &'a str,
    file: &'a str,
}

fn parse(spec: &str) -> Result<Shot<'_>> {
    let mut parts = spec.split(" | ");
    let server = parts.next().unwrap_or_default();
    let (mut url, mut file) = (None, None);
    for part in parts {
        if let Some(u) = part.strip_prefix("url: ") {
            url = Some(u);
        } else if let Some(f) = part.strip_prefix("file: ") {
            file = Some(f);
        } else {
            bail!("`{part}` in a screenshot marker: expected `url: PATH` or `file: FILE`");
        }
    }
    let url = url.context("a screenshot marker needs `url: PATH`")?;
    let file = file.context("a screenshot marker needs `file: FILE`")?;
    if !url.starts_with('/') {
        bail!("a screenshot's url `{url}` must start with `/`");
    }
    if file.contains("..") || !file.ends_with(".png") {
        bail!("a screenshot's file `{file}` must be a .png inside docs/");
    }
    Ok(Shot { server, url, file })
}

/// Takes the screenshot `spec` asks for (`check`: only makes sure the picture exists).
pub fn take(spec: &str, check: bool) -> Result<()> {
    let shot = parse(spec)?;
    let picture = root().join("docs").join(shot.file);
    if check {
        if !picture.is_file() {
            bail!(
                "{} is missing: run `cargo xtask docs` with chromium installed",
                picture.display()
            );
        }
        return Ok(());
    }
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped: chromium not found (apt-get install chromium): {} kept as it is",
            shot.file
        );
        return Ok(());
    };
    // Without a font for Chinese, the browser draws 标题 as two empty boxes: a picture
    // that would teach the opposite of what it shows.
    if !chinese_font() {
        eprintln!(
            "skipped: no font for Chinese (apt-get install fonts-wqy-microhei): {} kept as it is",
            shot.file
        );
        return Ok(());
    }
    let (server, _) = docs::start_server(shot.server)?;
    let url = format!("http://{}{}", server.addr, shot.url);
    if let Some(dir) = picture.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let profile = tempdir()?;
    let result = draw(browser, &profile, &url, &picture);
    let _ = std::fs::remove_dir_all(&profile);
    drop(server);
    result?;
    eprintln!("screenshot of {url} written to {}", picture.display());
    Ok(())
}

/// Headless Chromium draws `url` into `picture`, with a fresh profile in `profile` and
/// nothing that would reach beyond loopback (no proxy, no background fetches).
fn draw(browser: &str, profile: &Path, url: &str, picture: &Path) -> Result<()> {
    let out = Command::new(browser)
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
            "--hide-scrollbars",
            WINDOW,
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", picture.display()))
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {browser}"))?;
    if !out.status.success() || !picture.is_file() {
        bail!(
            "chromium could not draw {url} ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

/// The Chromium installed here, under either of its names, if any.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| found(name))
}

/// Whether fontconfig knows a font that covers Chinese (`fc-list :lang=zh`).
fn chinese_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && !out.stdout.is_empty())
}

/// A fresh, empty directory for the browser's profile.
fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("xtask-chromium-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn markers_are_parsed_and_checked() {
        let shot = parse("mini-http --port 8000 --fake | url: / | file: img/09-fake.png").unwrap();
        assert_eq!(shot.server, "mini-http --port 8000 --fake");
        assert_eq!(shot.url, "/");
        assert_eq!(shot.file, "img/09-fake.png");
        assert!(parse("mini-http --port 8000 | file: img/x.png").is_err());
        assert!(parse("mini-http --port 8000 | url: x | file: img/x.png").is_err());
        assert!(parse("mini-http --port 8000 | url: / | file: ../x.png").is_err());
        assert!(parse("mini-http --port 8000 | url: / | file: img/x.jpg").is_err());
        assert!(parse("mini-http --port 8000 | url: / | file: a | size: 3").is_err());
    }
}
