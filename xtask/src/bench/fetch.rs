//! Running the download clients (`file-client`, `curl`, `cp`) as the user would: timed from
//! start to exit, several at once when asked, with the CPU time they used, and killed if
//! they hang.

use super::sys;
use anyhow::{bail, Context, Result};
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often a running client is checked for its end: the error this adds to a time.
const POLL: Duration = Duration::from_millis(1);

/// What clients run together took.
pub struct Timed {
    /// From the start of the first to the end of the last.
    pub seconds: f64,
    /// Their CPU time together (user + system), where the system tells.
    pub cpu_seconds: Option<f64>,
}

/// Runs `clients` at once, their standard output sent to `/dev/null` (a sink that costs
/// nothing), and waits for all of them to end successfully within `limit`.
pub fn run(clients: Vec<Command>, limit: Duration) -> Result<Timed> {
    // The CPU time of our children who have ended grows by theirs once they are waited
    // for; nothing else of ours ends meanwhile.
    let cpu_before = sys::children_cpu_seconds();
    let start = Instant::now();
    let mut running = Running::default();
    for client in clients {
        running.start(client, Stdio::null())?;
    }
    running.wait_all(start + limit)?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = match (cpu_before, sys::children_cpu_seconds()) {
        (Some(before), Some(after)) => Some(after - before),
        _ => None,
    };
    Ok(Timed {
        seconds,
        cpu_seconds,
    })
}

/// Runs `client` (which writes the download to its standard output) and checks that it
/// wrote exactly `size` bytes. Not timed: it checks a server before it is measured.
pub fn check_size(client: Command, size: u64, limit: Duration) -> Result<()> {
    let mut running = Running::default();
    let stdout = running.start(client, Stdio::piped())?;
    let counting = std::thread::spawn(move || -> std::io::Result<u64> {
        let Some(mut stdout) = stdout else {
            return Ok(0);
        };
        let mut buf = vec![0u8; 256 * 1024];
        let mut total = 0u64;
        loop {
            match stdout.read(&mut buf) {
                Ok(0) => return Ok(total),
                Ok(n) => total += n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    });
    running.wait_all(Instant::now() + limit)?;
    let got = counting
        .join()
        .map_err(|_| anyhow::anyhow!("the thread counting the download panicked"))?
        .context("reading the download")?;
    if got != size {
        bail!("the download held {got} bytes, not {size}");
    }
    Ok(())
}

/// Clients started and not yet waited for; dropping it kills those still running.
#[derive(Default)]
struct Running {
    clients: Vec<Client>,
}

struct Client {
    /// The command, for error messages.
    what: String,
    child: Child,
    /// Its standard error, read to the end on a thread (a full pipe would block it).
    stderr: Option<JoinHandle<Vec<u8>>>,
    status: Option<ExitStatus>,
}

impl Running {
    /// Starts `cmd` with `stdout`, and returns its standard output if it is a pipe.
    fn start(
        &mut self,
        mut cmd: Command,
        stdout: Stdio,
    ) -> Result<Option<std::process::ChildStdout>> {
        let what = format!("{cmd:?}");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        });
        let out = child.stdout.take();
        self.clients.push(Client {
            what,
            child,
            stderr,
            status: None,
        });
        Ok(out)
    }

    /// Waits until every client has ended, and fails if one failed or `deadline` passed.
    fn wait_all(&mut self, deadline: Instant) -> Result<()> {
        loop {
            let mut all_ended = true;
            for client in &mut self.clients {
                if client.status.is_none() {
                    client.status = client
                        .child
                        .try_wait()
                        .with_context(|| format!("waiting for {}", client.what))?;
                    all_ended &= client.status.is_some();
                }
            }
            if all_ended {
                break;
            }
            if Instant::now() >= deadline {
                bail!(
                    "{} did not end in time, so it was killed",
                    self.clients
                        .iter()
                        .filter(|c| c.status.is_none())
                        .map(|c| c.what.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            std::thread::sleep(POLL);
        }
        for client in &mut self.clients {
            let stderr = client
                .stderr
                .take()
                .and_then(|reader| reader.join().ok())
                .unwrap_or_default();
            match client.status {
                Some(status) if status.success() => {}
                status => bail!(
                    "{} failed ({}): {}",
                    client.what,
                    status.map_or("not ended".into(), |s| s.to_string()),
                    String::from_utf8_lossy(&stderr).trim()
                ),
            }
        }
        Ok(())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        for client in &mut self.clients {
            if client.status.is_none() {
                let _ = client.child.kill();
                let _ = client.child.wait();
            }
        }
    }
}
