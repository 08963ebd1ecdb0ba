//! nginx as a peer: a static file server as the world runs it (a master process, a worker
//! per core, `sendfile`), started with a configuration of its own in a scratch folder, so
//! that it runs as any user and touches nothing of the system's nginx, and always stopped.

use super::peers::Process;
use super::sys;
use anyhow::{bail, Context, Result};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The line a table shows when nginx is missing.
pub const NO_NGINX: &str = "nginx not found: apt-get install nginx";

/// How long nginx may take to accept connections.
const START_DEADLINE: Duration = Duration::from_secs(15);

/// The nginx program: on the `PATH`, or where Debian puts it (`/usr/sbin` is not on an
/// ordinary user's `PATH`).
pub fn program() -> Option<PathBuf> {
    if super::peers::found("nginx") {
        return Some(PathBuf::from("nginx"));
    }
    let sbin = PathBuf::from("/usr/sbin/nginx");
    sbin.is_file().then_some(sbin)
}

/// What a benchmark chooses in nginx's configuration; the rest is the same for all.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// `worker_processes`: how many workers (`None`: `auto`, one per core).
    pub workers: Option<u32>,
    /// `worker_connections`: how many connections a worker holds at once, its listening
    /// socket included.
    pub worker_connections: u32,
    /// `worker_rlimit_nofile`: the workers' limit on open files (`None`: the one they
    /// inherit from us).
    pub open_files: Option<u64>,
    /// `keepalive_requests`: how many requests a connection may carry (`None`: nginx's
    /// default, 1000 since nginx 1.19.10).
    pub keepalive_requests: Option<u32>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            workers: None,
            worker_connections: 1024,
            open_files: None,
            keepalive_requests: None,
        }
    }
}

/// A running nginx serving one folder on loopback. Dropping it stops nginx, workers too.
pub struct Nginx {
    /// The master process (nginx runs in the foreground: `daemon off`).
    master: Process,
    pub addr: SocketAddr,
    error_log: PathBuf,
}

impl Nginx {
    /// Starts `program` serving the files of `root` on a free loopback port, configured
    /// with `settings`, its configuration, logs, pid file and temporary folders in `work`.
    pub fn start(program: &Path, root: &Path, work: &Path, settings: &Settings) -> Result<Nginx> {
        std::fs::create_dir_all(work).with_context(|| format!("creating {}", work.display()))?;
        // nginx cannot be told to listen on port 0 and say which port it got: take a port
        // that is free just now. Another program could take it in between; nginx would then
        // fail to listen, and say so in its error log.
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let error_log = work.join("error.log");
        let conf = work.join("nginx.conf");
        std::fs::write(&conf, config(root, work, addr, settings))
            .with_context(|| format!("writing {}", conf.display()))?;
        let master = Process::start(
            "nginx",
            Command::new(program)
                // The prefix (for relative paths) and the error log used before the
                // configuration is read: both ours, not /etc/nginx and /var/log/nginx.
                .arg("-p")
                .arg(work)
                .arg("-e")
                .arg(&error_log)
                .arg("-c")
                .arg(&conf),
        )?;
        let mut nginx = Nginx {
            master,
            addr,
            error_log,
        };
        nginx.wait_until_listening()?;
        Ok(nginx)
    }

    /// nginx says nothing when it is ready: it is, once it accepts a connection.
    fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            if TcpStream::connect(self.addr).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.master.ended() {
                bail!("nginx ended ({status}){}", self.log_tail());
            }
            if Instant::now() >= deadline {
                bail!(
                    "nginx did not accept connections on {} within {} s{}",
                    self.addr,
                    START_DEADLINE.as_secs(),
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last lines of nginx's error log, for an error message.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.error_log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(5)..].join("\n");
        if tail.is_empty() {
            String::new()
        } else {
            format!("; its error log ends:\n{tail}")
        }
    }

    /// The master and its workers.
    fn pids(&self) -> Vec<u32> {
        let master = self.master.pid();
        let mut pids = sys::children(master);
        pids.push(master);
        pids
    }

    /// The CPU time nginx has used so far, master and workers together, in seconds.
    pub fn cpu_seconds(&self) -> Option<f64> {
        self.pids().into_iter().map(sys::cpu_seconds).sum()
    }

    /// The peak memory of nginx so far, in KiB: the sum of its processes' peaks (which may
    /// not have come at the same moment: an upper bound).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.pids().into_iter().map(sys::peak_rss_kib).sum()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // Ctrl-C (SIGINT) is nginx's fast shutdown: the master stops its workers, then
        // itself. Killing the master alone would leave the workers serving.
        let workers = sys::children(self.master.pid());
        let _ = self.master.interrupt();
        for worker in workers {
            sys::kill_if_named(worker, "nginx");
        }
    }
}

/// nginx's configuration: `root` served on `addr` as `settings` say, everything nginx
/// writes kept in `work`. Paths are quoted: a folder name may hold a space.
fn config(root: &Path, work: &Path, addr: SocketAddr, settings: &Settings) -> String {
    let work = work.display();
    let workers = settings
        .workers
        .map_or("auto".to_string(), |n| n.to_string());
    let open_files = settings
        .open_files
        .map_or(String::new(), |n| format!("worker_rlimit_nofile {n};\n"));
    let keepalive = settings
        .keepalive_requests
        .map_or(String::new(), |n| format!("    keepalive_requests {n};\n"));
    format!(
        r#"# Written by `cargo xtask bench`: nginx as a plain static file server.
daemon off;
master_process on;
worker_processes {workers};
{open_files}pid "{work}/nginx.pid";
error_log "{work}/error.log" warn;

events {{
    worker_connections {connections};
}}

http {{
{keepalive}    access_log off;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    client_body_temp_path "{work}/client_body";
    proxy_temp_path "{work}/proxy";
    fastcgi_temp_path "{work}/fastcgi";
    uwsgi_temp_path "{work}/uwsgi";
    scgi_temp_path "{work}/scgi";

    server {{
        listen {addr};
        root "{root}";
    }}
}}
"#,
        root = root.display(),
        connections = settings.worker_connections,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_keeps_nginx_in_its_folders() {
        let conf = config(
            Path::new("/tmp/root"),
            Path::new("/tmp/work"),
            "127.0.0.1:8080".parse().expect("an address"),
            &Settings::default(),
        );
        assert!(conf.contains("listen 127.0.0.1:8080;"), "{conf}");
        assert!(conf.contains("root \"/tmp/root\";"), "{conf}");
        for path in conf.lines().filter(|l| {
            l.contains("_path ") || l.starts_with("pid ") || l.starts_with("error_log ")
        }) {
            assert!(path.contains("\"/tmp/work/"), "{path}");
        }
        assert!(conf.contains("sendfile on;") && conf.contains("daemon off;"));
        assert!(conf.contains("worker_processes auto;"), "{conf}");
        assert!(!conf.contains("keepalive_requests") && !conf.contains("rlimit"));
    }

    #[test]
    fn settings_tune_workers_and_connections() {
        let settings = Settings {
            workers: Some(2),
            worker_connections: 4096,
            open_files: Some(10_000),
            keepalive_requests: Some(100_000),
        };
        let conf = config(
            Path::new("/tmp/root"),
            Path::new("/tmp/work"),
            "127.0.0.1:8080".parse().expect("an address"),
            &settings,
        );
        for line in [
            "\nworker_processes 2;\n",
            "\nworker_rlimit_nofile 10000;\n",
            "    worker_connections 4096;\n",
            "\n    keepalive_requests 100000;\n",
        ] {
            assert!(conf.contains(line), "{line:?} in {conf}");
        }
    }
}
