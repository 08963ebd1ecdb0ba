//! Running child processes from the workspace root, with their exit status checked.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::{Command, ExitStatus};

/// The workspace root: the parent of this package's directory.
pub fn root() -> PathBuf {
    let xtask_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().map(PathBuf::from).unwrap_or(xtask_dir)
}

/// The directory cargo builds into (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root().join("target"),
    }
}

/// The one program not of the workspace that pages and the tour run: the course's own
/// Python programs are peers of ours.
pub const PYTHON: &str = "python3";

/// Whether `python3` can be run here.
pub fn python_found() -> bool {
    found(PYTHON)
}

/// Whether `program` is installed: it can be started (`program --version`; whether it
/// knows that option does not matter, nginx does not).
pub fn found(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// The cargo that runs us (cargo sets `CARGO` for the programs it runs).
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root());
    cmd
}

/// A built program of the workspace, e.g. `bin("netbasics")`; `python3` (which pages run
/// the course's own programs with) is looked up in `PATH`, as a shell would.
pub fn bin(name: &str) -> PathBuf {
    if name == PYTHON {
        return PathBuf::from(PYTHON);
    }
    target_dir()
        .join("debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Runs `cmd`, inheriting stdout and stderr, and returns its exit status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    cmd.status()
        .with_context(|| format!("could not start {cmd:?}"))
}

/// Runs `cmd` and fails unless it exits with status 0.
pub fn check(cmd: &mut Command) -> Result<()> {
    let status = status(cmd)?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// Builds every binary of the workspace (the lesson programs the tour and tests run).
pub fn build_bins() -> Result<()> {
    check(cargo().args(["build", "--workspace", "--bins", "--quiet"]))
        .context("building the lesson programs")
}
