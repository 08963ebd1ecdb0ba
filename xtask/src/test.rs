//! `cargo xtask test`: everything CI checks (formatting, lints, rustdoc, the lesson pages'
//! transcripts, every test), then a summary.

use crate::run::{cargo, status, target_dir};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The environment variable through which e2e tests report a skipped real-peer test:
/// they append one line per skip to the file it names.
const SKIP_LOG_VAR: &str = "E2E_SKIP_LOG";

/// One step of the run and how it went.
struct Step {
    name: &'static str,
    ok: bool,
    seconds: f64,
    detail: String,
}

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask test` takes no arguments (got `{arg}`)");
    }
    let skip_log = target_dir().join("e2e-skipped.txt");
    std::fs::create_dir_all(target_dir()).context("creating the target directory")?;
    // Start from an empty skip log so the summary lists only this run's skips.
    std::fs::write(&skip_log, "").context("clearing the e2e skip log")?;

    let steps = vec![
        simple("rustfmt", cargo().args(["fmt", "--all", "--", "--check"]))?,
        simple(
            "clippy",
            cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ]),
        )?,
        simple(
            "rustdoc",
            cargo()
                .args(["doc", "--workspace", "--no-deps", "--quiet"])
                .env("RUSTDOCFLAGS", "-D warnings"),
        )?,
        simple(
            "build lesson programs",
            cargo().args(["build", "--workspace", "--bins", "--quiet"]),
        )?,
        docs_step()?,
        tests(
            cargo()
                .args(["test", "--workspace", "--no-fail-fast"])
                .env(SKIP_LOG_VAR, &skip_log),
        )?,
        bench_step()?,
    ];

    let skipped = std::fs::read_to_string(&skip_log).unwrap_or_default();
    summary(&steps, &skipped);
    if steps.iter().all(|s| s.ok) {
        Ok(())
    } else {
        bail!("some steps failed (see the summary above)")
    }
}

/// Runs a step whose output goes straight to the terminal.
fn simple(name: &'static str, cmd: &mut Command) -> Result<Step> {
    eprintln!("==> {name}: {cmd:?}");
    let start = Instant::now();
    let ok = status(cmd)?.success();
    Ok(Step {
        name,
        ok,
        seconds: start.elapsed().as_secs_f64(),
        detail: String::new(),
    })
}

/// Checks that the lesson pages' transcripts still match what the programs print.
fn docs_step() -> Result<Step> {
    eprintln!("==> docs: transcripts in docs/*.md");
    let start = Instant::now();
    let result = crate::docs::run(true, &[]);
    if let Err(err) = &result {
        eprintln!("error: {err:#}");
    }
    Ok(Step {
        name: "docs transcripts",
        ok: result.is_ok(),
        seconds: start.elapsed().as_secs_f64(),
        detail: String::new(),
    })
}

/// Runs every benchmark briefly, so the harness keeps working (the figures are not used).
fn bench_step() -> Result<Step> {
    eprintln!("==> bench --quick");
    let start = Instant::now();
    let result = crate::bench::run(&["--quick".to_string()]);
    if let Err(err) = &result {
        eprintln!("error: {err:#}");
    }
    Ok(Step {
        name: "bench --quick",
        ok: result.is_ok(),
        seconds: start.elapsed().as_secs_f64(),
        detail: String::new(),
    })
}

/// Runs `cargo test`, echoing its output while counting the `test result:` lines.
fn tests(cmd: &mut Command) -> Result<Step> {
    eprintln!("==> tests: {cmd:?}");
    let start = Instant::now();
    // libtest prints results on stdout; read it line by line (and pass it on) to count them.
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start cargo test")?;
    let (mut passed, mut failed, mut ignored, mut suites) = (0u64, 0u64, 0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        // Read to the end whatever it says (a test may print bytes that are not UTF-8):
        // stopping early would leave cargo test blocked on a full pipe.
        let mut stdout = BufReader::new(stdout);
        let mut raw = Vec::new();
        while stdout
            .read_until(b'\n', &mut raw)
            .context("reading cargo test output")?
            > 0
        {
            let line = String::from_utf8_lossy(&raw)
                .trim_end_matches('\n')
                .to_string();
            raw.clear();
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                suites += 1;
                passed += count(rest, " passed");
                failed += count(rest, " failed");
                ignored += count(rest, " ignored");
            }
        }
    }
    let ok = child.wait().context("waiting for cargo test")?.success();
    Ok(Step {
        name: "tests",
        ok,
        seconds: start.elapsed().as_secs_f64(),
        detail: format!(
            "{passed} passed, {failed} failed, {ignored} ignored in {suites} test binaries"
        ),
    })
}

/// Finds the number just before `word` in a libtest summary ("ok. 12 passed; 0 failed; ...").
fn count(summary: &str, word: &str) -> u64 {
    summary
        .split(';')
        .find(|part| part.ends_with(word))
        .and_then(|part| part.split_whitespace().rev().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn summary(steps: &[Step], skipped: &str) {
    println!();
    println!("summary");
    println!("-------");
    for step in steps {
        let mark = if step.ok { "ok    " } else { "FAILED" };
        println!(
            "{mark} {:<22} {:>6.1}s  {}",
            step.name, step.seconds, step.detail
        );
    }
    let mut skips: Vec<&str> = skipped.lines().filter(|l| !l.is_empty()).collect();
    skips.sort_unstable();
    skips.dedup();
    if skips.is_empty() {
        println!("real-peer tests skipped: none");
    } else {
        println!("real-peer tests skipped (install the tool to run them):");
        for skip in skips {
            println!("  - {skip}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_libtest_summary() {
        let line =
            "ok. 12 passed; 1 failed; 3 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(count(line, " passed"), 12);
        assert_eq!(count(line, " failed"), 1);
        assert_eq!(count(line, " ignored"), 3);
        assert_eq!(count("garbage", " passed"), 0);
    }
}
