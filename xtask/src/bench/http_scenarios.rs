//! What the HTTP benchmark measures: the servers and how each is set up, the two test
//! files, and the scenarios, each with the load wrk puts on the servers and its goals.

use super::nginx::Settings;
use super::wrk::Load;
use super::Turn;

/// The small file's size.
pub const SMALL: u64 = 1 << 10;
/// The large file's size.
pub const LARGE: u64 = 100 << 20;
/// mini-http's event loops (`--threads`): as many as nginx's workers, so that both
/// servers answer with the same number of threads.
pub const THREADS: u32 = 2;
/// How many requests mini-http answers on one connection before it closes it (its
/// `Limits::max_requests`), said in the report next to nginx's `keepalive_requests`.
pub const OURS_REQUESTS_PER_CONNECTION: u32 = 1000;

/// nginx as the benchmark runs it: two workers (as many as mini-http's event loops), room
/// for a thousand connections and more in each, and connections that carry up to 100,000
/// requests.
pub fn nginx_settings() -> Settings {
    Settings {
        workers: Some(THREADS),
        worker_connections: 4096,
        open_files: Some(8192),
        keepalive_requests: Some(100_000),
    }
}

/// A server of the benchmark.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Ours,
    Nginx,
    Python,
}

impl Kind {
    /// The server, as the tables name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ours => "mini-http",
            Kind::Nginx => "nginx",
            Kind::Python => "python3 -m http.server",
        }
    }

    /// The side whose turn it is when this server is loaded.
    pub(super) fn side(self) -> Turn {
        if self == Kind::Ours {
            Turn::Ours
        } else {
            Turn::Peers
        }
    }
}

/// One scenario: a file, the load wrk puts on each server, and the goals.
pub struct Scenario {
    pub title: &'static str,
    /// Whether the large file is fetched (the figure is then bytes, not requests, per
    /// second).
    pub large: bool,
    pub load: Load,
    /// The servers measured, ours first.
    pub servers: &'static [Kind],
    /// The goals: ours at least this many times a peer's figure.
    pub goals: &'static [(Kind, f64)],
}

/// The scenarios, in the order they run and the report shows them.
pub const SCENARIOS: [Scenario; 5] = [
    Scenario {
        title: "1 KiB file, keep-alive, 64 connections",
        large: false,
        load: Load {
            threads: 2,
            connections: 64,
            close: false,
        },
        servers: &[Kind::Ours, Kind::Nginx, Kind::Python],
        goals: &[(Kind::Nginx, 1.0), (Kind::Python, 30.0)],
    },
    Scenario {
        title: "1 KiB file, keep-alive, 1,000 connections",
        large: false,
        load: Load {
            threads: 2,
            connections: 1000,
            close: false,
        },
        servers: &[Kind::Ours, Kind::Nginx],
        goals: &[(Kind::Nginx, 0.9)],
    },
    Scenario {
        title: "1 KiB file, a connection per request (`Connection: close`), 64 at once",
        large: false,
        load: Load {
            threads: 2,
            connections: 64,
            close: true,
        },
        servers: &[Kind::Ours, Kind::Nginx],
        goals: &[],
    },
    Scenario {
        title: "100 MiB file, 1 connection",
        large: true,
        load: Load {
            threads: 1,
            connections: 1,
            close: false,
        },
        servers: &[Kind::Ours, Kind::Nginx],
        goals: &[(Kind::Nginx, 0.9)],
    },
    Scenario {
        title: "100 MiB file, 4 connections",
        large: true,
        load: Load {
            threads: 2,
            connections: 4,
            close: false,
        },
        servers: &[Kind::Ours, Kind::Nginx],
        goals: &[(Kind::Nginx, 0.9)],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_start_with_ours_and_aim_at_their_own_peers() {
        for scenario in &SCENARIOS {
            assert_eq!(scenario.servers.first(), Some(&Kind::Ours));
            for (peer, _) in scenario.goals {
                assert!(scenario.servers.contains(peer), "{}", scenario.title);
            }
            assert!(scenario.load.threads <= scenario.load.connections);
        }
    }
}
