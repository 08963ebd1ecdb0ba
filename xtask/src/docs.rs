//! `cargo xtask docs`: the transcripts in `docs/*.md` come from running the programs.
//!
//! A lesson page asks for a transcript with a marker line followed by a fenced block:
//!
//! ````text
//! <!-- run: netbasics ip 192.168.1.10/24 -->
//! ```console
//! (filled in by `cargo xtask docs`)
//! ```
//! ````
//!
//! `cargo xtask docs` runs each command and rewrites the block with `$ command` and what it
//! printed (stdout, then stderr). `cargo xtask test` runs the same commands and fails if a
//! page no longer matches its programs (times of day, which differ on every run, are
//! left out of that comparison). Output that depends on the machine (its interfaces,
//! its ARP cache, ping times) is marked `<!-- run (this machine): ... -->`: it is
//! regenerated but not compared.
//!
//! A conversation with a server is one marker too:
//!
//! ````text
//! <!-- serve: tcp-echo-server --port 8888 --upper | run: tcp-echo-client 127.0.0.1:8888 hi | wait: closed -->
//! ````
//!
//! The server is started with `--port 0` in place of the port written, each `run:` client
//! is pointed at the port the server really got, and `wait: TEXT` waits until the
//! server's log contains TEXT (the second `wait:` for the same text waits for its second
//! appearance), so that nothing depends on timing. Then the server is stopped as Ctrl-C
//! would stop it. `run: COMMAND <<< 'TEXT'` types TEXT (`\n` ends a line) into the
//! client's standard input; the server's standard input stays open and empty, as in a
//! terminal nobody types into. `run: COMMAND &` starts a client in the background, as a
//! shell would, and goes on at once (a `wait:` on the server's log says when it has got
//! somewhere): that is how a page shows two clients at once. What a background client
//! printed is shown once it has ended, before the server is stopped, under
//! `$ wait %2` (the server is job 1). `<!-- serve (this machine): ... -->` is regenerated
//! but not compared.
//! The transcript shows the commands as written, each client's output, then the server's
//! log. Ports are renumbered so the page is the same on every run: the server's port
//! becomes the one written, the clients' ports (the OS chooses them) 50001, 50002, ...
//!
//! A `<!-- screenshot: ... -->` marker has a browser draw a server's page into a picture
//! (see `screenshot.rs`).

use crate::child::{self, Finished};
use crate::ports::{renumber_ports, written_ports};
use crate::run::{build_bins, python_found, root, PYTHON};
use crate::screenshot;
use crate::server::Server;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::thread::JoinHandle;

const MARKER: &str = "<!-- run: ";
const MACHINE_MARKER: &str = "<!-- run (this machine): ";
const SERVE_MARKER: &str = "<!-- serve: ";
const MACHINE_SERVE_MARKER: &str = "<!-- serve (this machine): ";
const MARKER_END: &str = " -->";

/// Regenerates (`check == false`) or checks (`check == true`) the transcripts of the
/// pages named in `only` (file names such as `01-ip-addresses-ports-and-subnets.md`),
/// or of every page when `only` is empty.
pub fn run(check: bool, only: &[String]) -> Result<()> {
    build_bins()?;
    let mut stale = Vec::new();
    let mut count = 0;
    let all = pages()?;
    for name in only {
        if !all
            .iter()
            .any(|p| p.file_name().is_some_and(|f| f == name.as_str()))
        {
            bail!("no page docs/{name}");
        }
    }
    let selected = all.into_iter().filter(|p| {
        only.is_empty()
            || p.file_name()
                .is_some_and(|f| only.iter().any(|name| f == name.as_str()))
    });
    for page in selected {
        let text = std::fs::read_to_string(&page)
            .with_context(|| format!("reading {}", page.display()))?;
        let (updated, blocks, changed) =
            render(&text, check).with_context(|| format!("in {}", page.display()))?;
        count += blocks;
        if check {
            stale.extend(
                changed
                    .into_iter()
                    .map(|c| format!("{}: {c}", page.display())),
            );
        } else if updated != text {
            std::fs::write(&page, updated)
                .with_context(|| format!("writing {}", page.display()))?;
            eprintln!("updated {}", page.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "these transcripts no longer match what the programs print (run `cargo xtask docs`):\n  {}",
            stale.join("\n  ")
        );
    }
    eprintln!(
        "{count} transcripts {}",
        if check {
            "match their programs"
        } else {
            "written"
        }
    );
    Ok(())
}

fn pages() -> Result<Vec<PathBuf>> {
    let dir = root().join("docs");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    Ok(pages)
}

/// Returns the page with fresh transcripts, how many it has, and (when checking) which
/// deterministic ones changed.
fn render(text: &str, check: bool) -> Result<(String, usize, Vec<String>)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = Vec::new();
    let mut blocks = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push_str(line);
        i += 1;
        let trimmed = line.trim_end();
        if let Some(rest) = trimmed.strip_prefix(screenshot::MARKER) {
            let spec = rest
                .strip_suffix(MARKER_END)
                .with_context(|| format!("marker without `-->`: {trimmed}"))?;
            screenshot::take(spec, check)?;
            blocks += 1;
            continue;
        }
        let (command, compare, serve) = if let Some(rest) = trimmed.strip_prefix(MARKER) {
            (rest, true, false)
        } else if let Some(rest) = trimmed.strip_prefix(MACHINE_MARKER) {
            (rest, false, false)
        } else if let Some(rest) = trimmed.strip_prefix(SERVE_MARKER) {
            (rest, true, true)
        } else if let Some(rest) = trimmed.strip_prefix(MACHINE_SERVE_MARKER) {
            (rest, false, true)
        } else {
            continue;
        };
        let command = command
            .strip_suffix(MARKER_END)
            .with_context(|| format!("marker without `-->`: {trimmed}"))?;
        // The course's own Python programs need python3: without it a check leaves their
        // transcripts as they are (and says so); writing them needs it.
        let needs_python = split(command)?.iter().any(|word| word == PYTHON);
        let skip = needs_python && !python_found();
        if skip && !check {
            bail!("`{command}` runs the course's Python program: install python3 to write it");
        }
        // The fenced block after the marker (if any) is replaced.
        let mut old = String::new();
        if lines.get(i).is_some_and(|l| l.starts_with("```")) {
            let mut j = i + 1;
            while j < lines.len() && !lines[j].starts_with("```") {
                j += 1;
            }
            if j == lines.len() {
                bail!("unclosed code block after `{command}`");
            }
            old = lines[i..=j].concat();
            i = j + 1;
        }
        if skip {
            eprintln!("skipped: python3 not found: {command}");
            out.push_str(&old);
            blocks += 1;
            continue;
        }
        let new = if serve {
            format!("```console\n{}```\n", session(command)?)
        } else {
            format!("```console\n$ {command}\n{}```\n", transcript(command)?)
        };
        // A session's times of day differ on every run; anywhere else they must match.
        let differs = if serve {
            mask_times(&old) != mask_times(&new)
        } else {
            old != new
        };
        if check && compare && differs {
            changed.push(command.to_string());
        }
        out.push_str(if check { &old } else { &new });
        blocks += 1;
    }
    Ok((out, blocks, changed))
}

/// Runs one command line of a lesson program and returns what it printed.
fn transcript(command: &str) -> Result<String> {
    let words = split(command)?;
    let Some((program, args)) = words.split_first() else {
        bail!("empty command in a run marker");
    };
    let finished =
        child::run(program, args, "", false).with_context(|| format!("running {command}"))?;
    if finished.crashed() {
        bail!(
            "`{command}` crashed ({}):\n{}{}",
            finished.status,
            finished.out,
            finished.err
        );
    }
    let mut text = finished.out;
    text.push_str(&finished.err);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Runs a `serve:` marker's session (server, clients, wait) and returns its transcript.
fn session(spec: &str) -> Result<String> {
    let mut parts = spec.split(" | ");
    let server_line = parts.next().unwrap_or_default();
    let (server, shown) = start_server(server_line)?;
    let real: u16 = server
        .addr
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .with_context(|| format!("`{server_line}` listens on {}: no port", server.addr))?;
    let mut text = format!("$ {server_line} &\nlistening on {}\n", server.addr);
    // How many times each awaited text has been waited for: the second `wait: closed`
    // waits for the second "closed" in the log.
    let mut waited: Vec<(&str, usize)> = Vec::new();
    // Clients started with `&`: each one's command line and the thread waiting for it.
    let mut background: Vec<(String, JoinHandle<Result<Finished>>)> = Vec::new();
    for part in parts {
        if let Some(text) = part.strip_prefix("wait: ") {
            let count = match waited.iter_mut().find(|(t, _)| *t == text) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    waited.push((text, 1));
                    1
                }
            };
            server.wait_for(text, count)?;
            continue;
        }
        let Some(client) = part.strip_prefix("run: ") else {
            bail!("`{part}` in a serve marker: expected `run: COMMAND` or `wait: TEXT`");
        };
        // `CMD &`: in the background.
        let (client, in_background) = match client.strip_suffix(" &") {
            Some(command) => (command, true),
            None => (client, false),
        };
        // `CMD <<< 'TEXT'`: TEXT (with `\n` for a line end) is typed into the client.
        let (client, input) = match client.split_once(" <<< ") {
            Some((command, text)) => {
                let text = split(text)?.concat().replace("\\n", "\n");
                (command, Some(text))
            }
            None => (client, None),
        };
        let words = split(client)?;
        let Some((program, args)) = words.split_first() else {
            bail!("empty client command in a serve marker");
        };
        let args = point_at(args, shown, real);
        // Shown as a reader would type it in a shell.
        let typed = match &input {
            Some(typed) => format!("printf '{}' | {client}", typed.replace('\n', "\\n")),
            None => client.to_string(),
        };
        let (program, input) = (program.clone(), input.unwrap_or_default());
        let running = std::thread::spawn(move || child::run(&program, &args, &input, true));
        if in_background {
            text.push_str(&format!("$ {typed} &\n"));
            background.push((client.to_string(), running));
            continue;
        }
        text.push_str(&format!("$ {typed}\n{}", finished(client, running)?));
    }
    // What each background client printed, once it has ended (the server is job 1).
    for (job, (client, running)) in (2..).zip(background) {
        let output = finished(&client, running)?;
        text.push_str(&format!(
            "$ wait %{job}    # what it printed meanwhile:\n{output}"
        ));
    }
    let log = server.stop();
    text.push_str("$ kill -INT %1    # Ctrl-C; what the server printed meanwhile:\n");
    text.push_str(&log);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    // Ports written in the marker (a client's `--bind 127.0.0.2:8788`) are shown as written.
    Ok(renumber_ports(&text, real, shown, &written_ports(spec)))
}

/// Starts the server of a marker, `server_line`, with `--port 0` in place of the port
/// written (so that the OS picks a free one), and returns it with the port written.
pub fn start_server(server_line: &str) -> Result<(Server, u16)> {
    let words = split(server_line)?;
    let Some((program, args)) = words.split_first() else {
        bail!("empty server command in a marker");
    };
    let at = args
        .iter()
        .position(|a| a == "--port")
        .with_context(|| format!("`{server_line}`: a served command needs `--port N`"))?;
    let shown: u16 = args
        .get(at + 1)
        .and_then(|p| p.parse().ok())
        .filter(|&p| p != 0)
        .with_context(|| format!("`{server_line}`: `--port` needs a port other than 0"))?;
    let mut real_args = args.to_vec();
    real_args[at + 1] = "0".to_string();
    Ok((Server::start(program, &real_args)?, shown))
}

/// The output of a session's client, run by `running`, ending with a line break; an error
/// if it could not run or crashed.
fn finished(client: &str, running: JoinHandle<Result<Finished>>) -> Result<String> {
    let finished = running
        .join()
        .map_err(|_| anyhow::anyhow!("the thread running `{client}` panicked"))?
        .with_context(|| format!("running {client}"))?;
    if finished.crashed() {
        bail!(
            "`{client}` crashed ({}):\n{}",
            finished.status,
            finished.out
        );
    }
    let mut output = finished.out;
    if !output.is_empty() && !output.ends_with('\n') {
        output.push('\n');
    }
    Ok(output)
}

/// A client's arguments pointed at the server's `real` port where they name the `shown`
/// one: `HOST:N` (alone, or followed by a path as in a URL) and the `N` after `--port`.
fn point_at(args: &[String], shown: u16, real: u16) -> Vec<String> {
    let written = format!(":{shown}");
    let mut pointed: Vec<String> = Vec::with_capacity(args.len());
    for arg in args {
        let after_port_flag = pointed.last().is_some_and(|a| a == "--port");
        let new = if after_port_flag && *arg == shown.to_string() {
            real.to_string()
        } else {
            let mut text = String::new();
            let mut rest = arg.as_str();
            while let Some(at) = rest.find(&written) {
                let after = &rest[at + written.len()..];
                text.push_str(&rest[..at]);
                if after.is_empty() || after.starts_with('/') {
                    text.push_str(&format!(":{real}"));
                } else {
                    text.push_str(&written);
                }
                rest = after;
            }
            text.push_str(rest);
            text
        };
        pointed.push(new);
    }
    pointed
}

/// The text with every time of day (`12:59:16`) written as `HH:MM:SS`: programs that
/// stamp what they receive print a different time on every run, and a page is still up
/// to date when only those differ.
fn mask_times(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    // A time stands alone: not part of a longer run of `xx:` groups such as a MAC
    // address (`08:00:20:0a:8c:6d`).
    let apart = |b: Option<&u8>| !b.is_some_and(|b| b.is_ascii_hexdigit() || *b == b':');
    while i < bytes.len() {
        let is_time = bytes.len() - i >= 8
            && [0, 1, 3, 4, 6, 7]
                .iter()
                .all(|&k| bytes[i + k].is_ascii_digit())
            && bytes[i + 2] == b':'
            && bytes[i + 5] == b':'
            && apart(i.checked_sub(1).and_then(|j| bytes.get(j)))
            && apart(bytes.get(i + 8));
        if is_time {
            out.push_str("HH:MM:SS");
            i += 8;
        } else {
            // Copy one whole character (times are ASCII, so no match starts inside one).
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&text[i..i + len]);
            i += len;
        }
    }
    out
}

/// Splits a marker's command into words as a POSIX shell would, without running one:
/// spaces separate words, quotes keep them together (the `shlex` crate; xtask runs the
/// lesson programs, it does not link them).
fn split(command: &str) -> Result<Vec<String>> {
    shlex::split(command).with_context(|| {
        format!("in `{command}`: a quote that is never closed, or a lone backslash at the end")
    })
}

#[cfg(test)]
mod tests {
    use super::{mask_times, point_at, split};

    #[test]
    fn times_of_day_are_masked() {
        assert_eq!(
            mask_times("[12:59:16 UTC] 你好 10:2"),
            "[HH:MM:SS UTC] 你好 10:2"
        );
        // MAC addresses are not times.
        for mac in ["08:00:20:0a:8c:6d", "00:00:00:00:00:00", "aa:00:00:00"] {
            assert_eq!(mask_times(mac), mac);
        }
    }

    #[test]
    fn clients_are_pointed_at_the_real_port() {
        let args: Vec<String> = [
            "127.0.0.1:8000",
            "http://127.0.0.1:8000/x",
            "--port",
            "8000",
            "--count",
            "8000",
            "127.0.0.1:80001",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            point_at(&args, 8000, 41234),
            [
                "127.0.0.1:41234",
                "http://127.0.0.1:41234/x",
                "--port",
                "41234",
                "--count",
                "8000",
                "127.0.0.1:80001"
            ]
        );
    }

    #[test]
    fn splits_words_and_quotes() {
        assert_eq!(
            split("netbasics encode 'a b' --encoding gbk").unwrap(),
            ["netbasics", "encode", "a b", "--encoding", "gbk"]
        );
        assert_eq!(split("x ''").unwrap(), ["x", ""]);
        assert!(split("x 'open").is_err());
    }
}
