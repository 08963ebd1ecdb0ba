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
//! page no longer matches its programs. Output that depends on the machine (its interfaces,
//! its ARP cache, ping times) is marked `<!-- run (this machine): ... -->`: it is
//! regenerated but not compared.

use crate::run::{bin, build_bins, root};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::Command;

const MARKER: &str = "<!-- run: ";
const MACHINE_MARKER: &str = "<!-- run (this machine): ";
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
        let (command, compare) = if let Some(rest) = trimmed.strip_prefix(MARKER) {
            (rest, true)
        } else if let Some(rest) = trimmed.strip_prefix(MACHINE_MARKER) {
            (rest, false)
        } else {
            continue;
        };
        let command = command
            .strip_suffix(MARKER_END)
            .with_context(|| format!("marker without `-->`: {trimmed}"))?;
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
        let new = format!("```console\n$ {command}\n{}```\n", transcript(command)?);
        if check && compare && old != new {
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
    let output = Command::new(bin(program))
        .args(args)
        .current_dir(root())
        .output()
        .with_context(|| format!("running {command}"))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Splits a command line on spaces, keeping 'single-quoted' words together.
fn split(command: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => bail!("unclosed quote in `{command}`"),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

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
