//! What the benchmarks ask of the operating system: more open files, Ctrl-C for a child,
//! and a process's peak memory.

use anyhow::{bail, Result};

/// Raises this process's soft limit on open files (RLIMIT_NOFILE) to what the benchmarks
/// need, as far as the hard limit allows, and returns the new soft limit.
///
/// Ten thousand clients need ten thousand sockets, far above the usual soft limit of 1024.
/// The servers are started after this, and a child process inherits its parent's limits:
/// so they can hold as many connections as this process can open. Where the hard limit
/// is below [`WANTED_OPEN_FILES`] and the system lets us raise it (root, or the
/// CAP_SYS_RESOURCE capability), it is raised too; otherwise the hard limit is the limit.
/// The soft limit is raised to [`WANTED_OPEN_FILES`] only, not to a hard limit that may be
/// in the millions: some programs size tables by it, and a runaway leak of descriptors
/// should still meet a limit.
#[cfg(unix)]
pub fn raise_open_files_limit() -> Result<u64> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE)?;
    if soft >= WANTED_OPEN_FILES {
        return Ok(soft);
    }
    if hard < WANTED_OPEN_FILES
        && setrlimit(
            Resource::RLIMIT_NOFILE,
            WANTED_OPEN_FILES,
            WANTED_OPEN_FILES,
        )
        .is_ok()
    {
        return Ok(WANTED_OPEN_FILES);
    }
    let wanted = hard.min(WANTED_OPEN_FILES);
    if soft < wanted {
        setrlimit(Resource::RLIMIT_NOFILE, wanted, hard)?;
    }
    Ok(wanted.max(soft))
}

/// Enough descriptors for 10,000 clients and a server that keeps two per client, with
/// room to spare.
#[cfg(unix)]
pub const WANTED_OPEN_FILES: u64 = 32_768;

#[cfg(not(unix))]
pub fn raise_open_files_limit() -> Result<u64> {
    Ok(512)
}

/// Sends SIGINT (what Ctrl-C sends) to the process `pid`.
#[cfg(unix)]
pub fn interrupt(pid: u32) -> Result<()> {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let Ok(raw) = i32::try_from(pid) else {
        bail!("process id {pid} is out of range");
    };
    kill(Pid::from_raw(raw), Signal::SIGINT)?;
    Ok(())
}

#[cfg(not(unix))]
pub fn interrupt(pid: u32) -> Result<()> {
    bail!("cannot send Ctrl-C to process {pid} on this system")
}

/// The peak resident memory of process `pid` in KiB (`VmHWM` in `/proc/PID/status`), if
/// the system tells.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm() {
        let status = "Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    1234 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1234));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[test]
    fn our_own_peak_is_known() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib(std::process::id()).is_some_and(|k| k > 0));
        }
    }
}
