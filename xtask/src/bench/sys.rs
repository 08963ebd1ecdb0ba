//! What the benchmarks ask of the operating system: more open files, Ctrl-C for a child,
//! a process's peak memory and CPU time, its children, and the CPU time of our own.

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

/// The CPU time process `pid` has used so far, in seconds: user plus system time of all
/// its threads, those that have ended included (`utime` and `stime` in `/proc/PID/stat`).
#[cfg(unix)]
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ticks = parse_stat(&stat)?.cpu_ticks;
    Some(ticks as f64 / ticks_per_second()?)
}

#[cfg(not(unix))]
pub fn cpu_seconds(_pid: u32) -> Option<f64> {
    None
}

/// The processes whose parent is `pid` (a scan of `/proc`; none where there is no `/proc`).
pub fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| parse_stat(&stat))
                .is_some_and(|stat| stat.parent == pid)
        })
        .collect()
}

/// The fields of `/proc/PID/stat` the benchmarks read.
#[derive(Debug, PartialEq)]
struct Stat {
    parent: u32,
    /// `utime + stime`, in clock ticks.
    cpu_ticks: u64,
}

/// Reads `/proc/PID/stat`: `PID (NAME) STATE PPID ...`, where the name may hold spaces and
/// parentheses, so the fields are counted from the last `)`. After it come field 3 (the
/// state), 4 (the parent), ..., 14 (`utime`) and 15 (`stime`), as `man 5 proc` numbers them.
fn parse_stat(stat: &str) -> Option<Stat> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some(Stat {
        parent: u32::try_from(field(4)?).ok()?,
        cpu_ticks: field(14)? + field(15)?,
    })
}

/// The clock ticks per second in which `/proc` counts CPU time.
#[cfg(unix)]
fn ticks_per_second() -> Option<f64> {
    use nix::unistd::{sysconf, SysconfVar};
    let ticks = sysconf(SysconfVar::CLK_TCK).ok()??;
    (ticks > 0).then_some(ticks as f64)
}

/// The CPU time, in seconds (user plus system), of all the children of this process that
/// have ended and been waited for: read before and after a child runs, the difference is
/// that child's time.
#[cfg(unix)]
pub fn children_cpu_seconds() -> Option<f64> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok()?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    Some(seconds(usage.user_time()) + seconds(usage.system_time()))
}

#[cfg(not(unix))]
pub fn children_cpu_seconds() -> Option<f64> {
    None
}

/// Kills process `pid` (SIGKILL) if it is still running `program`: a process id can be
/// reused once its process has ended, and another program must not be hit.
#[cfg(unix)]
pub fn kill_if_named(pid: u32, program: &str) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let running = std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .is_ok_and(|name| name.trim_end() == program);
    if let (true, Ok(raw)) = (running, i32::try_from(pid)) {
        let _ = kill(Pid::from_raw(raw), Signal::SIGKILL);
    }
}

#[cfg(not(unix))]
pub fn kill_if_named(_pid: u32, _program: &str) {}

/// Writes the system's dirty pages to disk now (`sync`): what one download left in memory
/// is then not written out during the next one's time.
#[cfg(unix)]
pub fn sync() {
    nix::unistd::sync();
}

#[cfg(not(unix))]
pub fn sync() {}

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
    fn reads_the_parent_and_cpu_ticks_past_a_strange_name() {
        let stat = "4242 (a (b) c) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 31 0 0 20 0 3";
        assert_eq!(
            parse_stat(stat),
            Some(Stat {
                parent: 17,
                cpu_ticks: 281
            })
        );
        assert_eq!(parse_stat("4242 (x) S"), None);
    }

    #[test]
    fn our_own_cpu_time_and_children_are_known() {
        if cfg!(target_os = "linux") {
            assert!(cpu_seconds(std::process::id()).is_some());
            let mut child = std::process::Command::new("sleep")
                .arg("5")
                .spawn()
                .expect("sleep starts");
            assert!(children(std::process::id()).contains(&child.id()));
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    #[test]
    fn our_own_peak_is_known() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib(std::process::id()).is_some_and(|k| k > 0));
        }
    }
}
