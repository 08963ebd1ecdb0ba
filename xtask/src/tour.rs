//! `cargo xtask tour`: every lesson on loopback, narrated.
//!
//! Each lesson is a list of steps: a sentence saying what to look for, then the command,
//! run for real, with its output. Nothing here is typed by hand: what you read is what the
//! programs printed on this machine.

use crate::child;
use crate::run::{bin, build_bins, root};
use crate::server::Server;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::process::{Command, Stdio};

/// One command of the tour.
struct Step {
    /// What the reader should notice.
    say: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    /// Whether the step depends on what this machine allows (ICMP sockets, an ARP cache):
    /// its failure is shown but does not stop the tour.
    may_fail: bool,
    /// A server to start first (program, arguments with `--port 0`); `{addr}` in `args`
    /// becomes the address it reports. It is stopped after the step.
    server: Option<(&'static str, &'static [&'static str])>,
    /// Whether the step shows commands failing on purpose (refusals), so its exit status
    /// is part of the lesson, not a failure of the tour.
    shows_failures: bool,
    /// How many copies of the command run at the same time (many clients at once); `{n}`
    /// in `args` becomes each copy's number.
    copies: usize,
    /// Lines typed into the command's standard input (a chat), instead of the terminal.
    typed: Option<&'static str>,
    /// Whether the step captures packets (`tcp-trace`), which needs CAP_NET_RAW: without
    /// it the step is skipped, with the reason.
    captures: bool,
}

const fn step(say: &'static str, program: &'static str, args: &'static [&'static str]) -> Step {
    Step {
        say,
        program,
        args,
        may_fail: false,
        server: None,
        shows_failures: false,
        copies: 1,
        typed: None,
        captures: false,
    }
}

/// A client `program args` talking to a server started first.
const fn conversation(
    say: &'static str,
    server: (&'static str, &'static [&'static str]),
    program: &'static str,
    args: &'static [&'static str],
) -> Step {
    Step {
        server: Some(server),
        ..step(say, program, args)
    }
}

/// Like [`conversation`], where the client is refused on purpose, so its exit status
/// is part of the lesson, not a failure of the tour.
const fn refused_conversation(
    say: &'static str,
    server: (&'static str, &'static [&'static str]),
    program: &'static str,
    args: &'static [&'static str],
) -> Step {
    Step {
        shows_failures: true,
        ..conversation(say, server, program, args)
    }
}

/// Like [`conversation`], with `typed` as the client's standard input.
const fn typed_conversation(
    say: &'static str,
    server: (&'static str, &'static [&'static str]),
    program: &'static str,
    args: &'static [&'static str],
    typed: &'static str,
) -> Step {
    Step {
        typed: Some(typed),
        ..conversation(say, server, program, args)
    }
}

/// Like [`conversation`], with `copies` clients started at the same moment.
const fn crowd(
    say: &'static str,
    server: (&'static str, &'static [&'static str]),
    program: &'static str,
    args: &'static [&'static str],
    copies: usize,
) -> Step {
    Step {
        copies,
        ..conversation(say, server, program, args)
    }
}

/// Like [`conversation`], with the client run under `tcp-trace` (`{port}` in `args`
/// becomes the server's port): skipped when this run may not capture.
const fn traced_conversation(
    say: &'static str,
    server: (&'static str, &'static [&'static str]),
    args: &'static [&'static str],
) -> Step {
    Step {
        captures: true,
        ..conversation(say, server, "tcp-trace", args)
    }
}

/// Whether this process has CAP_NET_RAW (bit 13 of `CapEff` in `/proc/self/status`),
/// which the programs it starts inherit. (A `tcp-trace` given the capability with
/// `setcap` could capture anyway; the tour then skips it all the same.)
fn may_capture() -> bool {
    const CAP_NET_RAW: u32 = 13;
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("CapEff:"))
                .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        })
        .is_some_and(|caps| caps & (1 << CAP_NET_RAW) != 0)
}

/// A step whose success depends on what this machine allows.
const fn machine_step(
    say: &'static str,
    program: &'static str,
    args: &'static [&'static str],
) -> Step {
    Step {
        may_fail: true,
        ..step(say, program, args)
    }
}

/// Lessons 1-2: addresses, subnets, ports, MAC, encodings, and the machine's own network.
const NETBASICS: &[Step] = &[
    step(
        "An address with a prefix: the network and broadcast addresses come from AND and OR with the mask.",
        "netbasics",
        &["ip", "192.168.1.10/24"],
    ),
    step(
        "A netmask works as well as a prefix; 172.20.3.4 is private (RFC 1918: 172.16.0.0/12).",
        "netbasics",
        &["ip", "172.20.3.4/255.255.240.0"],
    ),
    step(
        "Without a prefix, the classful default applies: 10.0.0.1 is class A (/8).",
        "netbasics",
        &["ip", "10.0.0.1"],
    ),
    step(
        "A /31 point-to-point link has two usable hosts (RFC 3021).",
        "netbasics",
        &["ip", "10.0.0.0/31"],
    ),
    step(
        "IPv6: written in its short canonical form (RFC 5952).",
        "netbasics",
        &["ip", "2001:0db8:0000:0000:0000:0000:0000:0001/64"],
    ),
    step(
        "Split 192.168.1.0/24 into four subnets.",
        "netbasics",
        &["subnets", "192.168.1.0/24", "--prefix", "26"],
    ),
    step(
        "Are two addresses on the same subnet? AND each with the mask and compare.",
        "netbasics",
        &["same-subnet", "192.168.1.20", "192.168.1.200", "255.255.255.128"],
    ),
    step(
        "Four /26 networks summarise into one /24.",
        "netbasics",
        &[
            "summarize",
            "10.1.0.0/26",
            "10.1.0.64/26",
            "10.1.0.128/26",
            "10.1.0.192/26",
        ],
    ),
    step(
        "Port 2425 is IP Messenger / FeiQ.",
        "netbasics",
        &["port", "2425"],
    ),
    step(
        "A MAC address: the manufacturer's OUI and the NIC part.",
        "netbasics",
        &["mac", "08:00:20:0a:8c:6d"],
    ),
    step(
        "The course's encode('gbk'): the same text is different bytes in GBK and UTF-8.",
        "netbasics",
        &["encode", "你好", "--encoding", "gbk"],
    ),
    step("And in UTF-8.", "netbasics", &["encode", "你好"]),
    step(
        "decode('utf-8') on bytes that are not UTF-8 shows where they went wrong.",
        "netbasics",
        &["decode", "c4 e3 ba c3", "--encoding", "utf-8"],
    ),
    step(
        "Mojibake: UTF-8 bytes read as GBK.",
        "netbasics",
        &["mojibake", "你好", "--written-in", "utf-8", "--read-as", "gbk"],
    ),
    step(
        "localhost comes from the hosts file, not from DNS.",
        "netbasics",
        &["resolve", "localhost"],
    ),
    machine_step(
        "This machine's interfaces (what ifconfig / ipconfig show).",
        "netbasics",
        &["interfaces"],
    ),
    machine_step(
        "ping 127.0.0.1: ICMP echo on the loopback interface.",
        "netbasics",
        &["ping", "127.0.0.1", "-c", "2", "-i", "0.2"],
    ),
    machine_step(
        "The ARP cache: IP -> MAC for hosts on the local network.",
        "netbasics",
        &["arp"],
    ),
];

/// Lesson 3: sticky packets and their cure.
const FRAMING: &[Step] = &[
    step(
        "Sticky packets (粘包): two sends read as one, a small recv that leaves the rest, one send read in pieces, then frames that keep every boundary.",
        "sticky-demo",
        &[],
    ),
    step(
        "The course's header, struct.pack('i', 5): four bytes, least significant first on a PC.",
        "pystruct",
        &["pack", "=i", "5"],
    ),
    step(
        "Native alignment: a char then an int takes 8 bytes, not 5 (3 bytes of padding).",
        "pystruct",
        &["calcsize", "@ci"],
    ),
    step(
        "Why lengths are checked before allocating: 'GET ' read as a length header is over a gigabyte.",
        "pystruct",
        &["unpack", "!I", "47455420"],
    ),
    refused_conversation(
        "The remote-command lesson, made safe: allow-listed commands, no shell, framed replies (the server's log follows).",
        ("cmd-server", &["--port", "0"]),
        "cmd-client",
        &["{addr}", "echo hi; rm -rf /", "seq 1 3", "rm -rf /", "ls ../.."],
    ),
];

/// Lesson 4: the layers' headers, byte by byte.
const LAYERS: &[Step] = &[
    step(
        "An ARP request (\"who has 192.168.1.1?\") in an Ethernet frame, padded to the 60-byte minimum.",
        "packet-decode",
        &["ffffffffffff0800200a8c6d08060001080006040001 0800200a8c6dc0a80164000000000000c0a80101 000000000000000000000000000000000000"],
    ),
    step(
        "A UDP datagram \"hello\" to 127.0.0.1:7788: Ethernet, IPv4 and UDP headers, each checksum verified.",
        "packet-decode",
        &["000000000000000000000000080045000021 9a2340004011a2a67f0000017f000001 ce901e6c000dd10268656c6c6f"],
    ),
];

/// Lesson 5: the TCP client and server.
const TCP: &[Step] = &[
    conversation(
        "The 7-step server and the 5-step client: each message comes back (the server's log follows).",
        ("tcp-echo-server", &["--port", "0"]),
        "tcp-echo-client",
        &["{addr}", "hello", "你好"],
    ),
    conversation(
        "The course's socketserver example: replies in upper case.",
        ("tcp-echo-server", &["--port", "0", "--upper"]),
        "tcp-echo-client",
        &["{addr}", "hello, itheima"],
    ),
    traced_conversation(
        "The same conversation, captured by tcp-trace: the three-way handshake (SYN, SYN+ACK, ACK), the data and its ACKs, then a FIN each way and the last ACK.",
        ("tcp-echo-server", &["--port", "0"]),
        &["--port", "{port}", "--", "tcp-echo-client", "{addr}", "hello"],
    ),
];

/// Lesson 7: many clients at once.
const MANY: &[Step] = &[
    conversation(
        "threaded-echo-server: a pool of 4 worker threads serves the clients (the server's log follows).",
        ("threaded-echo-server", &["--port", "0", "--mode", "pool", "--workers", "4", "--upper"]),
        "tcp-echo-client",
        &["{addr}", "one", "two"],
    ),
    crowd(
        "Many clients at once: 8 clients connect together and a thread per client serves them side by side (the log shows them interleaved).",
        ("threaded-echo-server", &["--port", "0", "--mode", "spawn"]),
        "tcp-echo-client",
        &["{addr}", "hello from client {n}", "bye from client {n}"],
        8,
    ),
];

/// Lesson 8: file download.
const FILES: &[Step] = &[
    conversation(
        "file-client asks for a file and its SHA-256: a header (status, size, time, hash), then exactly the file's bytes, checked end to end.",
        ("file-server", &["--port", "0", "--root", "crates/file-download/demo/root"]),
        "file-client",
        &["{addr}", "notes/handshake.txt", "-o", "-", "--verify"],
    ),
    refused_conversation(
        "A name that climbs out of the served directory is refused with a status (never a file's bytes); the server logs it and goes on.",
        ("file-server", &["--port", "0", "--root", "crates/file-download/demo/root"]),
        "file-client",
        &["{addr}", "../outside.txt", "-o", "-"],
    ),
    refused_conversation(
        "So is a symlink inside the root that leads out of it (link-out -> ../outside.txt).",
        ("file-server", &["--port", "0", "--root", "crates/file-download/demo/root"]),
        "file-client",
        &["{addr}", "link-out", "-o", "-"],
    ),
];

/// Lesson 9: HTTP.
const HTTP: &[Step] = &[
    conversation(
        "http-get fetches a file from mini-http; --show-requests prints the request as it arrived: request line, headers, blank line (the server's log follows).",
        ("mini-http", &["--port", "0", "--threads", "1", "--root", "crates/file-download/demo/root", "--show-requests"]),
        "http-get",
        &["http://{addr}/hello.txt"],
    ),
    conversation(
        "The course's hand-written response (mini-http --fake): Content-Length 20 counts the GBK bytes; http-get -v shows the exchange and decodes 标题 from GBK.",
        ("mini-http", &["--port", "0", "--threads", "1", "--root", "crates/file-download/demo/root", "--fake"]),
        "http-get",
        &["-v", "http://{addr}/"],
    ),
    conversation(
        "Two URLs on one server share one connection (keep-alive); a climb out of the root and a symlink out of it are refused (400, 403).",
        ("mini-http", &["--port", "0", "--threads", "1", "--root", "crates/file-download/demo/root"]),
        "http-get",
        &["-I", "http://{addr}/notes/handshake.txt", "http://{addr}/../outside.txt", "http://{addr}/link-out"],
    ),
];

/// Lesson 6: UDP.
const UDP: &[Step] = &[
    conversation(
        "UDP echo: two datagrams out, two back; the sender's port was chosen by the system (the server's log follows).",
        ("udp-echo-server", &["--port", "0"]),
        "udp-send",
        &["{addr}", "hello", "你好", "--wait-reply", "1"],
    ),
    typed_conversation(
        "A full-duplex chat: one side types two lines and bye; the other side (the server here) prints them and ends too.",
        ("udp-chat", &["--port", "0"]),
        "udp-chat",
        &["--port", "0", "--peer", "{addr}"],
        "hello\n你好\nbye\n",
    ),
    conversation(
        "IP Messenger / FeiQ: a SENDMSG with SENDCHECKOPT (288), in GBK, and the listener's RECVMSG receipt.",
        ("ipmsg", &["listen", "--port", "0", "--user", "bob", "--host", "pc2"]),
        "ipmsg",
        &["--user", "alice", "--host", "pc1", "send", "{addr}", "你好，飞秋"],
    ),
];

/// The lessons in course order.
const LESSONS: &[(&str, &[Step])] = &[
    (
        "Lessons 1-2: IP addresses, ports, subnets, MAC, encodings (crate netbasics)",
        NETBASICS,
    ),
    (
        "Lesson 3: sticky packets and length-prefixed frames (crate framing)",
        FRAMING,
    ),
    ("Lesson 4: layers and their headers (crate framing)", LAYERS),
    ("Lesson 5: the TCP client and server (crate tcp-echo)", TCP),
    ("Lesson 6: UDP (crate udp-chat)", UDP),
    (
        "Lesson 7: many clients at once (crate threaded-server)",
        MANY,
    ),
    ("Lesson 8: file download (crate file-download)", FILES),
    ("Lesson 9: HTTP by hand (crate mini-http)", HTTP),
];

pub fn run(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask tour` takes no arguments (got `{arg}`)");
    }
    eprintln!("building the lesson programs...");
    build_bins()?;
    let mut failures = Vec::new();
    for (title, steps) in LESSONS {
        println!("\n{title}\n{}", "=".repeat(title.chars().count()));
        for step in *steps {
            if !show(step)? && !step.shows_failures {
                if step.may_fail {
                    println!("(this step depends on what this machine allows; the tour goes on)");
                } else {
                    failures.push(format!("{} {}", step.program, step.args.join(" ")));
                }
            }
        }
    }
    if failures.is_empty() {
        println!("\nThe tour is over: every lesson ran.");
        Ok(())
    } else {
        bail!("these tour steps failed: {}", failures.join("; "))
    }
}

/// Prints the step and runs it; returns whether it succeeded.
fn show(step: &Step) -> Result<bool> {
    println!("\n# {}", step.say);
    if step.captures && !may_capture() {
        println!(
            "(skipped: capturing needs CAP_NET_RAW, which this run does not have; run the tour with sudo to see it)"
        );
        return Ok(true);
    }
    let mut server = None;
    let mut addr = String::new();
    if let Some((program, args)) = step.server {
        println!("$ {program} {} &", quoted(args));
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let started = Server::start(program, &args)?;
        addr.clone_from(&started.addr);
        println!("listening on {addr}");
        server = Some(started);
    }
    let ok = if step.copies > 1 {
        run_copies(step, &addr)?
    } else {
        let args: Vec<String> = step
            .args
            .iter()
            .map(|a| {
                let port = addr.rsplit(':').next().unwrap_or_default();
                a.replace("{addr}", &addr).replace("{port}", port)
            })
            .collect();
        let shown: Vec<&str> = args.iter().map(String::as_str).collect();
        match step.typed {
            Some(typed) => println!(
                "$ printf {} | {} {}",
                quoted(&[&typed.replace('\n', "\\n")]),
                step.program,
                quoted(&shown)
            ),
            None => println!("$ {} {}", step.program, quoted(&shown)),
        }
        // Flush so our lines come before the child's, which writes to the same terminal.
        std::io::stdout().flush().context("writing to stdout")?;
        let mut command = Command::new(bin(step.program));
        command.args(&args).current_dir(root());
        if step.typed.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start {}", step.program))?;
        if let (Some(typed), Some(mut stdin)) = (step.typed, child.stdin.take()) {
            // A few short lines: far below a pipe's capacity, so this cannot block. A
            // client that exits without reading them is its own business.
            match stdin.write_all(typed.as_bytes()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(e).with_context(|| format!("typing into {}", step.program));
                }
                _ => {}
            }
        }
        child::wait(&mut child, child::CLIENT_DEADLINE)
            .with_context(|| step.program.to_string())?
            .success()
    };
    if let Some(server) = server {
        // Stopped as Ctrl-C would; its log is printed after the exchange so the two
        // never interleave.
        println!("$ kill -INT %1    # Ctrl-C: the server stops; its log follows");
        for line in server.stop().lines() {
            println!("  server| {line}");
        }
    }
    Ok(ok)
}

/// Starts `step.copies` clients at once, waits for all, then prints each one's output.
fn run_copies(step: &Step, addr: &str) -> Result<bool> {
    let mut children = Vec::new();
    for n in 1..=step.copies {
        let args: Vec<String> = step
            .args
            .iter()
            .map(|a| a.replace("{addr}", addr).replace("{n}", &n.to_string()))
            .collect();
        let shown: Vec<&str> = args.iter().map(String::as_str).collect();
        println!("$ {} {} &", step.program, quoted(&shown));
        // stdout and stderr share one pipe, so each client's lines keep their order.
        let (read_end, write_end) = child::pipe()?;
        let mut command = Command::new(bin(step.program));
        command
            .args(&args)
            .current_dir(root())
            .stdout(Stdio::from(
                write_end.try_clone().context("duplicating a pipe")?,
            ))
            .stderr(Stdio::from(write_end));
        let started = command
            .spawn()
            .with_context(|| format!("could not start {}", step.program))?;
        // Without the Command's copies of the write end, the read ends when the client does.
        drop(command);
        children.push((started, child::read_all(read_end)));
    }
    println!("$ wait");
    let mut ok = true;
    for (n, (mut started, output)) in children.into_iter().enumerate() {
        ok &= child::wait(&mut started, child::CLIENT_DEADLINE)
            .with_context(|| step.program.to_string())?
            .success();
        let bytes = output.join().unwrap_or_default();
        for line in String::from_utf8_lossy(&bytes).lines() {
            println!("  client {}| {line}", n + 1);
        }
    }
    Ok(ok)
}

/// Shell-style quoting for display, so a reader can paste the command.
fn quoted(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            if a.is_empty()
                || a.contains(|c: char| c.is_whitespace() || "'\"$\\!*?()<>&;|~#`".contains(c))
            {
                format!("'{}'", a.replace('\'', r"'\''"))
            } else {
                (*a).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
