//! Port numbers (端口号): which program on a host gets the data.
//!
//! An IP address finds the host; the port number finds the program on it. A port is a
//! 16-bit number, so there are 65536 of them (0-65535), and TCP and UDP each have their
//! own set: TCP port 53 and UDP port 53 are two different doors.
//!
//! # Two ways of dividing the range
//!
//! The course divides ports into two kinds:
//!
//! | course term | range | meaning |
//! |---|---|---|
//! | 知名端口 well-known | 0-1023 | fixed services: 21 FTP, 22 SSH, 80 HTTP, ... |
//! | 动态端口 dynamic | 1024-65535 | "everything else", for programmers and the OS |
//!
//! IANA, which keeps the official list ([RFC 6335] section 6), divides it in three:
//!
//! | [`PortClass`] | range | meaning |
//! |---|---|---|
//! | [`WellKnown`](PortClass::WellKnown) | 0-1023 | system ports, assigned by IETF review |
//! | [`Registered`](PortClass::Registered) | 1024-49151 | user ports, registered on request: MySQL 3306, RDP 3389, 8080 |
//! | [`Dynamic`](PortClass::Dynamic) | 49152-65535 | dynamic/private: never assigned, free for temporary use |
//!
//! So 8080 or 3306 are not "dynamic" in the official sense: they are registered ports.
//! [`CourseClass`] models the course's two-way split so the two can be shown side by side.
//!
//! # Which port does the OS pick?
//!
//! A client socket that is not bound (or one bound to port 0) gets an *ephemeral* port
//! from the operating system. The range it picks from is a setting of that OS, not a
//! fixed part of the standard: Linux uses `/proc/sys/net/ipv4/ip_local_port_range`
//! (32768-60999 by default), Windows and macOS follow IANA (49152-65535). So the course's
//! "the OS picks at random from 1024-65535" is not what happens; [`ephemeral_range`]
//! reads the real range on Linux.
//!
//! # Port 0 and privileged ports
//!
//! Port 0 is reserved: binding port 0 means "let the OS choose a free port", and no
//! packet can be sent to port 0. On Unix, binding a port below 1024 traditionally needs
//! root (on Linux, the capability `CAP_NET_BIND_SERVICE`); Linux moves that limit with
//! `net.ipv4.ip_unprivileged_port_start` ([`unprivileged_port_start`]).
//!
//! [RFC 6335]: https://www.rfc-editor.org/rfc/rfc6335#section-6

use std::fmt;
use std::ops::RangeInclusive;

/// The official (IANA, RFC 6335) class of a port number.
///
/// # Examples
///
/// ```
/// use netbasics::port::PortClass;
///
/// assert_eq!(PortClass::of(80), PortClass::WellKnown);
/// assert_eq!(PortClass::of(8080), PortClass::Registered);
/// assert_eq!(PortClass::of(50000), PortClass::Dynamic);
/// assert_eq!(PortClass::of(1024).to_string(), "registered");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortClass {
    /// 0-1023: system ports, for standard services (HTTP, SSH, DNS, ...).
    WellKnown,
    /// 1024-49151: user ports, registered with IANA on request (MySQL, RDP, ...).
    Registered,
    /// 49152-65535: dynamic/private ports, never assigned to any service.
    Dynamic,
}

impl PortClass {
    /// The class of `port`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::PortClass;
    ///
    /// assert_eq!(PortClass::of(1023), PortClass::WellKnown);
    /// assert_eq!(PortClass::of(49151), PortClass::Registered);
    /// assert_eq!(PortClass::of(49152), PortClass::Dynamic);
    /// ```
    pub const fn of(port: u16) -> PortClass {
        match port {
            0..=1023 => PortClass::WellKnown,
            1024..=49151 => PortClass::Registered,
            49152..=u16::MAX => PortClass::Dynamic,
        }
    }

    /// The ports in this class.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::PortClass;
    ///
    /// assert_eq!(PortClass::Registered.range(), 1024..=49151);
    /// ```
    pub const fn range(self) -> RangeInclusive<u16> {
        match self {
            PortClass::WellKnown => 0..=1023,
            PortClass::Registered => 1024..=49151,
            PortClass::Dynamic => 49152..=u16::MAX,
        }
    }

    /// A one-line explanation of the class, for reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::PortClass;
    ///
    /// assert!(PortClass::Dynamic.description().contains("never assigned"));
    /// ```
    pub const fn description(self) -> &'static str {
        match self {
            PortClass::WellKnown => "system ports, assigned by IANA to standard services",
            PortClass::Registered => "user ports, registered with IANA on request",
            PortClass::Dynamic => "dynamic/private ports, never assigned to any service",
        }
    }
}

impl fmt::Display for PortClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PortClass::WellKnown => "well-known",
            PortClass::Registered => "registered",
            PortClass::Dynamic => "dynamic",
        })
    }
}

/// The course's own two-way split of the port range (知名端口 / 动态端口).
///
/// The course calls everything from 1024 up "dynamic". IANA splits that part in two
/// ([`PortClass::Registered`] and [`PortClass::Dynamic`]), and the range an OS really
/// hands out is its own setting (see [`ephemeral_range`]). This type exists so reports
/// can show the course's words next to the official ones.
///
/// # Examples
///
/// ```
/// use netbasics::port::{CourseClass, PortClass};
///
/// // The course and IANA agree below 1024 ...
/// assert_eq!(CourseClass::of(443), CourseClass::WellKnown);
/// // ... but 8080 is "dynamic" for the course and "registered" for IANA.
/// assert_eq!(CourseClass::of(8080), CourseClass::Dynamic);
/// assert_eq!(PortClass::of(8080), PortClass::Registered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CourseClass {
    /// 知名端口: 0-1023.
    WellKnown,
    /// 动态端口: 1024-65535 in the course's words.
    Dynamic,
}

impl CourseClass {
    /// The course's class of `port`.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::CourseClass;
    ///
    /// assert_eq!(CourseClass::of(1023), CourseClass::WellKnown);
    /// assert_eq!(CourseClass::of(1024), CourseClass::Dynamic);
    /// ```
    pub const fn of(port: u16) -> CourseClass {
        if port <= 1023 {
            CourseClass::WellKnown
        } else {
            CourseClass::Dynamic
        }
    }

    /// The ports in this class, as the course gives them.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::CourseClass;
    ///
    /// assert_eq!(CourseClass::Dynamic.range(), 1024..=65535);
    /// ```
    pub const fn range(self) -> RangeInclusive<u16> {
        match self {
            CourseClass::WellKnown => 0..=1023,
            CourseClass::Dynamic => 1024..=u16::MAX,
        }
    }

    /// The course's Chinese term for the class.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::port::CourseClass;
    ///
    /// assert_eq!(CourseClass::WellKnown.chinese(), "知名端口");
    /// ```
    pub const fn chinese(self) -> &'static str {
        match self {
            CourseClass::WellKnown => "知名端口",
            CourseClass::Dynamic => "动态端口",
        }
    }
}

impl fmt::Display for CourseClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CourseClass::WellKnown => "well-known",
            CourseClass::Dynamic => "dynamic",
        })
    }
}

/// The transport protocol(s) a service uses its port with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TCP only.
    Tcp,
    /// UDP only.
    Udp,
    /// Both TCP and UDP (each has its own port 53, and DNS uses both).
    Both,
}

impl Transport {
    /// Whether the service listens on TCP.
    pub const fn tcp(self) -> bool {
        matches!(self, Transport::Tcp | Transport::Both)
    }

    /// Whether the service listens on UDP.
    pub const fn udp(self) -> bool {
        matches!(self, Transport::Udp | Transport::Both)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Both => "tcp+udp",
        })
    }
}

/// Where the entry of a [`Service`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// Assigned by IANA to this service.
    Iana,
    /// Used by a well-known program without an IANA assignment for it.
    Unofficial,
    /// A default port of one of this workspace's lesson programs.
    Lesson,
}

/// A service that is known to use a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// The port number.
    pub port: u16,
    /// Whether the service uses TCP, UDP or both on this port.
    pub transport: Transport,
    /// The short name (as in `/etc/services` where there is one), in lower case.
    pub name: &'static str,
    /// What the service is, in a few words.
    pub description: &'static str,
    /// Other names [`find_service`] accepts for it (`"dhcp"`, `"feiq"`, ...).
    pub aliases: &'static [&'static str],
    /// Whether the port is IANA's, a program's own choice, or a lesson default.
    pub origin: Origin,
}

/// Shorthand for the table below: an IANA-assigned service.
const fn iana(
    port: u16,
    transport: Transport,
    name: &'static str,
    description: &'static str,
    aliases: &'static [&'static str],
) -> Service {
    Service {
        port,
        transport,
        name,
        description,
        aliases,
        origin: Origin::Iana,
    }
}

/// Shorthand for the table below: a lesson program's default port.
const fn lesson(
    port: u16,
    transport: Transport,
    name: &'static str,
    description: &'static str,
) -> Service {
    Service {
        port,
        transport,
        name,
        description,
        aliases: &[],
        origin: Origin::Lesson,
    }
}

/// The services this course meets, sorted by port.
///
/// It holds common IANA services, IP Messenger / FeiQ (飞秋, UDP and TCP 2425), and,
/// marked [`Origin::Lesson`], the default ports of this workspace's lesson programs.
/// The full official list is IANA's "Service Name and Transport Protocol Port Number
/// Registry"; `/etc/services` on Unix holds a copy.
///
/// # Examples
///
/// ```
/// use netbasics::port::{Origin, SERVICES};
///
/// assert!(SERVICES.windows(2).all(|w| w[0].port <= w[1].port));
/// assert!(SERVICES.iter().any(|s| s.port == 8888 && s.origin == Origin::Lesson));
/// ```
#[rustfmt::skip] // one service per line reads as a table
pub const SERVICES: &[Service] = {
    use Transport::{Both, Tcp, Udp};
    &[
        iana(7, Both, "echo", "Echo: sends back what it receives (RFC 862)", &[]),
        iana(20, Tcp, "ftp-data", "FTP data connection (active mode)", &[]),
        iana(21, Tcp, "ftp", "File Transfer Protocol, control connection", &[]),
        iana(22, Tcp, "ssh", "Secure Shell: remote login and file copy", &[]),
        iana(23, Tcp, "telnet", "Telnet: remote login, unencrypted", &[]),
        iana(25, Tcp, "smtp", "Simple Mail Transfer Protocol: mail between servers", &[]),
        iana(53, Both, "domain", "DNS: UDP for most queries, TCP for large answers", &["dns"]),
        iana(67, Udp, "bootps", "DHCP server (BOOTP server)", &["dhcp", "dhcp-server"]),
        iana(68, Udp, "bootpc", "DHCP client (BOOTP client)", &["dhcp", "dhcp-client"]),
        iana(69, Udp, "tftp", "Trivial File Transfer Protocol", &[]),
        iana(80, Tcp, "http", "HyperText Transfer Protocol: the web", &["www"]),
        iana(110, Tcp, "pop3", "Post Office Protocol 3: fetching mail", &["pop"]),
        iana(123, Udp, "ntp", "Network Time Protocol: clock synchronisation", &[]),
        iana(143, Tcp, "imap", "Internet Message Access Protocol: mail on the server", &[]),
        iana(161, Udp, "snmp", "Simple Network Management Protocol", &[]),
        iana(162, Udp, "snmptrap", "SNMP traps (notifications from devices)", &[]),
        iana(443, Both, "https", "HTTP over TLS; HTTP/3 runs over QUIC on UDP 443", &[]),
        iana(445, Tcp, "microsoft-ds", "SMB: Windows file and printer sharing", &["smb", "cifs"]),
        iana(587, Tcp, "submission", "Mail submission from clients to a server", &[]),
        iana(993, Tcp, "imaps", "IMAP over TLS", &[]),
        iana(995, Tcp, "pop3s", "POP3 over TLS", &[]),
        Service {
            port: 2425,
            transport: Both,
            name: "ipmsg",
            description: "IP Messenger / FeiQ (飞秋): messages on UDP, files on TCP",
            aliases: &["feiq", "ip-messenger"],
            origin: Origin::Unofficial,
        },
        iana(3306, Tcp, "mysql", "MySQL and MariaDB database server", &[]),
        iana(3389, Tcp, "ms-wbt-server", "RDP: Windows Remote Desktop", &["rdp"]),
        iana(5432, Tcp, "postgresql", "PostgreSQL database server", &["postgres"]),
        iana(6379, Tcp, "redis", "Redis key-value store", &[]),
        lesson(7088, Udp, "udp-echo", "UDP echo server (udp-echo-server)"),
        lesson(7788, Udp, "udp", "UDP send/receive lesson (udp-send, udp-recv)"),
        lesson(7890, Udp, "udp-chat", "UDP full-duplex chat (udp-chat)"),
        lesson(7891, Tcp, "file-download", "File download server (file-server)"),
        lesson(8000, Tcp, "mini-http", "Small static HTTP server (mini-http)"),
        iana(8080, Tcp, "http-alt", "HTTP alternate: proxies, development servers", &[]),
        lesson(8888, Tcp, "tcp-echo", "TCP echo server (tcp-echo-server)"),
        lesson(9090, Tcp, "threaded-server", "Many-client echo server (threaded-echo-server)"),
        lesson(9904, Tcp, "cmd", "Remote command lesson (cmd-server)"),
    ]
};

/// The known services on `port`, official ones first, then this workspace's lessons.
///
/// # Examples
///
/// ```
/// use netbasics::port::services_on;
///
/// let names: Vec<_> = services_on(53).iter().map(|s| s.name).collect();
/// assert_eq!(names, ["domain"]);
/// assert!(services_on(12345).is_empty());
/// ```
pub fn services_on(port: u16) -> Vec<&'static Service> {
    let mut found: Vec<&'static Service> = SERVICES.iter().filter(|s| s.port == port).collect();
    // Stable sort: lesson entries go last, the table order is kept otherwise.
    found.sort_by_key(|s| s.origin == Origin::Lesson);
    found
}

/// The services called `name` (its name or one of its aliases, any case).
///
/// # Examples
///
/// ```
/// use netbasics::port::find_service;
///
/// assert_eq!(find_service("HTTP")[0].port, 80);
/// let dhcp: Vec<u16> = find_service("dhcp").iter().map(|s| s.port).collect();
/// assert_eq!(dhcp, [67, 68]);
/// assert_eq!(find_service("feiq")[0].port, 2425);
/// assert!(find_service("gopher-of-doom").is_empty());
/// ```
pub fn find_service(name: &str) -> Vec<&'static Service> {
    let name = name.trim();
    SERVICES
        .iter()
        .filter(|s| {
            s.name.eq_ignore_ascii_case(name)
                || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .collect()
}

/// Why a text is not a port number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Nothing was given.
    #[error("empty port: expected a number from 0 to 65535")]
    Empty,
    /// The text is not a decimal number.
    #[error("'{0}' is not a port number: expected a decimal number from 0 to 65535")]
    NotANumber(String),
    /// The number has a minus sign.
    #[error("'{0}' is negative: port numbers start at 0 (the range is 0-65535)")]
    Negative(String),
    /// The number does not fit in 16 bits.
    #[error("'{0}' is greater than 65535: ports are 16-bit numbers (0-65535)")]
    TooLarge(String),
}

/// Parses a decimal port number, with a clear error for each kind of mistake.
///
/// Spaces around the number are ignored. Port 0 parses: it is a valid thing to
/// *bind* ("let the OS choose"), though nothing can be sent to it.
///
/// # Examples
///
/// ```
/// use netbasics::port::{parse_port, PortError};
///
/// assert_eq!(parse_port("8080"), Ok(8080));
/// assert_eq!(parse_port(" 0 "), Ok(0));
/// assert!(matches!(parse_port("65536"), Err(PortError::TooLarge(_))));
/// assert!(matches!(parse_port("-1"), Err(PortError::Negative(_))));
/// assert!(matches!(parse_port("http"), Err(PortError::NotANumber(_))));
/// assert_eq!(
///     parse_port("70000").unwrap_err().to_string(),
///     "'70000' is greater than 65535: ports are 16-bit numbers (0-65535)"
/// );
/// ```
pub fn parse_port(s: &str) -> Result<u16, PortError> {
    let text = s.trim();
    if text.is_empty() {
        return Err(PortError::Empty);
    }
    let (negative, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortError::NotANumber(text.to_string()));
    }
    if negative {
        return Err(PortError::Negative(text.to_string()));
    }
    // All digits: the only way to fail now is being too large (even for a u64).
    digits
        .parse::<u16>()
        .map_err(|_| PortError::TooLarge(text.to_string()))
}

/// The range the OS picks ephemeral (automatic) ports from, where it can be read.
///
/// On Linux this reads `/proc/sys/net/ipv4/ip_local_port_range` (default
/// 32768-60999). Elsewhere, or if the file cannot be read or parsed, it returns `None`:
/// Windows and macOS use 49152-65535 unless configured otherwise.
///
/// # Examples
///
/// ```
/// use netbasics::port::ephemeral_range;
///
/// if let Some((low, high)) = ephemeral_range() {
///     assert!(low <= high);
/// }
/// ```
pub fn ephemeral_range() -> Option<(u16, u16)> {
    if cfg!(target_os = "linux") {
        let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok()?;
        parse_range(&text)
    } else {
        None
    }
}

/// The lowest port an unprivileged program may bind, where it can be read.
///
/// On Linux this reads `/proc/sys/net/ipv4/ip_unprivileged_port_start` (1024 unless
/// changed; containers often set it to 0). `None` elsewhere or on error.
///
/// # Examples
///
/// ```
/// use netbasics::port::unprivileged_port_start;
///
/// let _start: Option<u16> = unprivileged_port_start();
/// ```
pub fn unprivileged_port_start() -> Option<u16> {
    if cfg!(target_os = "linux") {
        let text = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start").ok()?;
        text.trim().parse().ok()
    } else {
        None
    }
}

/// Parses `LOW HIGH` (two numbers and whitespace) as the kernel writes it; `None`
/// unless LOW <= HIGH.
fn parse_range(text: &str) -> Option<(u16, u16)> {
    let mut numbers = text.split_whitespace().map(str::parse::<u16>);
    let low = numbers.next()?.ok()?;
    let high = numbers.next()?.ok()?;
    if numbers.next().is_some() || low > high {
        return None;
    }
    Some((low, high))
}

/// A sentence (starting with a space) saying what to do about the usual reasons `bind`
/// fails, to append to the error; empty for any other reason. TCP and UDP share it: the
/// causes are the same for both.
///
/// # Examples
///
/// ```
/// use netbasics::port::bind_hint;
/// use std::io;
///
/// let in_use = io::Error::from(io::ErrorKind::AddrInUse);
/// assert!(bind_hint(&in_use).contains("--port 0"));
/// assert_eq!(bind_hint(&io::Error::other("x")), "");
/// ```
pub fn bind_hint(err: &std::io::Error) -> &'static str {
    match err.kind() {
        std::io::ErrorKind::AddrInUse => {
            " (another program already uses this port: stop it, or choose another port \
             with --port, or --port 0 to let the system choose)"
        }
        std::io::ErrorKind::AddrNotAvailable => {
            " (this machine has no such address: use 127.0.0.1, ::1, 0.0.0.0 or one of \
             the addresses `netbasics interfaces` lists)"
        }
        std::io::ErrorKind::PermissionDenied => {
            " (ports below 1024 need administrator rights: choose a port from 1024 up)"
        }
        _ => "",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn iana_classes_at_the_boundaries() {
        assert_eq!(PortClass::of(0), PortClass::WellKnown);
        assert_eq!(PortClass::of(1023), PortClass::WellKnown);
        assert_eq!(PortClass::of(1024), PortClass::Registered);
        assert_eq!(PortClass::of(49151), PortClass::Registered);
        assert_eq!(PortClass::of(49152), PortClass::Dynamic);
        assert_eq!(PortClass::of(65535), PortClass::Dynamic);
    }

    #[test]
    fn course_classes_at_the_boundaries() {
        assert_eq!(CourseClass::of(0), CourseClass::WellKnown);
        assert_eq!(CourseClass::of(1023), CourseClass::WellKnown);
        assert_eq!(CourseClass::of(1024), CourseClass::Dynamic);
        assert_eq!(CourseClass::of(49151), CourseClass::Dynamic);
        assert_eq!(CourseClass::of(49152), CourseClass::Dynamic);
        assert_eq!(CourseClass::of(65535), CourseClass::Dynamic);
    }

    #[test]
    fn ranges_cover_every_port_once() {
        for port in 0..=u16::MAX {
            let class = PortClass::of(port);
            assert!(class.range().contains(&port));
            assert!(CourseClass::of(port).range().contains(&port));
            let others = [
                PortClass::WellKnown,
                PortClass::Registered,
                PortClass::Dynamic,
            ];
            let holders = others.iter().filter(|c| c.range().contains(&port)).count();
            assert_eq!(holders, 1, "port {port}");
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(PortClass::WellKnown.to_string(), "well-known");
        assert_eq!(PortClass::Registered.to_string(), "registered");
        assert_eq!(PortClass::Dynamic.to_string(), "dynamic");
        assert_eq!(CourseClass::Dynamic.to_string(), "dynamic");
        assert_eq!(CourseClass::Dynamic.chinese(), "动态端口");
        assert_eq!(Transport::Both.to_string(), "tcp+udp");
        assert!(Transport::Both.tcp() && Transport::Both.udp());
        assert!(Transport::Tcp.tcp() && !Transport::Tcp.udp());
    }

    #[test]
    fn parse_good_ports() {
        assert_eq!(parse_port("0"), Ok(0));
        assert_eq!(parse_port("1023"), Ok(1023));
        assert_eq!(parse_port("65535"), Ok(65535));
        assert_eq!(parse_port("+80"), Ok(80));
        assert_eq!(parse_port("\t443\n"), Ok(443));
        assert_eq!(parse_port("00080"), Ok(80));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(parse_port(""), Err(PortError::Empty));
        assert_eq!(parse_port("   "), Err(PortError::Empty));
        assert_eq!(
            parse_port("65536"),
            Err(PortError::TooLarge("65536".into()))
        );
        assert_eq!(
            parse_port("99999999999999999999999"),
            Err(PortError::TooLarge("99999999999999999999999".into()))
        );
        assert_eq!(parse_port("-1"), Err(PortError::Negative("-1".into())));
        assert_eq!(parse_port("-"), Err(PortError::NotANumber("-".into())));
        assert_eq!(parse_port("+"), Err(PortError::NotANumber("+".into())));
        assert_eq!(parse_port("80a"), Err(PortError::NotANumber("80a".into())));
        assert_eq!(
            parse_port("0x50"),
            Err(PortError::NotANumber("0x50".into()))
        );
        assert_eq!(parse_port("8 0"), Err(PortError::NotANumber("8 0".into())));
        assert_eq!(parse_port("1.5"), Err(PortError::NotANumber("1.5".into())));
        assert_eq!(parse_port("-x"), Err(PortError::NotANumber("-x".into())));
        assert_eq!(
            parse_port("８０"),
            Err(PortError::NotANumber("８０".into()))
        );
        assert!(parse_port("-5")
            .unwrap_err()
            .to_string()
            .contains("negative"));
        assert!(parse_port("abc")
            .unwrap_err()
            .to_string()
            .contains("not a port number"));
    }

    #[test]
    fn service_table_is_sorted_and_complete() {
        assert!(SERVICES.windows(2).all(|w| w[0].port <= w[1].port));
        let wanted = [
            20, 21, 22, 23, 25, 53, 67, 68, 69, 80, 110, 123, 143, 161, 443, 445, 993, 995, 3306,
            3389, 5432, 6379, 8080, 2425,
        ];
        for port in wanted {
            assert!(
                services_on(port).iter().any(|s| s.origin != Origin::Lesson),
                "no service on {port}"
            );
        }
        for port in [8888, 7788, 7088, 7890, 9904, 7891, 8000, 9090] {
            assert!(
                services_on(port).iter().any(|s| s.origin == Origin::Lesson),
                "no lesson on {port}"
            );
        }
        for s in SERVICES {
            assert_eq!(s.name, s.name.to_ascii_lowercase());
            assert!(!s.description.is_empty());
        }
    }

    #[test]
    fn feiq_is_2425_on_both_transports() {
        let feiq = find_service("FeiQ");
        assert_eq!(feiq.len(), 1);
        assert_eq!(feiq[0].port, 2425);
        assert_eq!(feiq[0].transport, Transport::Both);
        assert_eq!(feiq[0].origin, Origin::Unofficial);
        assert!(services_on(2345).is_empty());
    }

    #[test]
    fn find_by_name_and_alias() {
        assert_eq!(find_service("ssh")[0].port, 22);
        assert_eq!(find_service(" DNS ")[0].port, 53);
        assert_eq!(find_service("domain")[0].port, 53);
        assert_eq!(find_service("rdp")[0].port, 3389);
        assert_eq!(find_service("tcp-echo")[0].port, 8888);
        assert!(find_service("").is_empty());
        assert!(find_service("htt").is_empty());
    }

    #[test]
    fn parse_kernel_range() {
        assert_eq!(parse_range("32768\t60999\n"), Some((32768, 60999)));
        assert_eq!(parse_range("1024 65535"), Some((1024, 65535)));
        assert_eq!(parse_range("60999 32768"), None);
        assert_eq!(parse_range("32768"), None);
        assert_eq!(parse_range("1 2 3"), None);
        assert_eq!(parse_range("a b"), None);
        assert_eq!(parse_range(""), None);
    }

    #[test]
    fn ephemeral_range_is_sane_where_readable() {
        if let Some((low, high)) = ephemeral_range() {
            assert!(low <= high);
        }
    }

    proptest! {
        #[test]
        fn parse_port_never_panics(s in any::<String>()) {
            let _ = parse_port(&s);
        }

        #[test]
        fn parse_port_round_trips(port in any::<u16>()) {
            prop_assert_eq!(parse_port(&port.to_string()), Ok(port));
        }

        #[test]
        fn larger_numbers_are_too_large(n in 65536u64..) {
            prop_assert_eq!(parse_port(&n.to_string()), Err(PortError::TooLarge(n.to_string())));
        }

        #[test]
        fn find_service_never_panics(s in any::<String>()) {
            let _ = find_service(&s);
        }
    }
}
