//! End-to-end tests of the `netbasics` program: real processes, real output.
//!
//! The centrepiece compares `netbasics ip --json` with CPython's `ipaddress` module on a
//! few hundred random networks (skipped, and said so, when python3 is not installed).

use e2e::{python3, run, run_with_input};
use serde_json::Value;
use std::net::IpAddr;

/// A small deterministic generator (xorshift64*), so every run checks the same cases and a
/// failure can be reproduced; `E2E_SEED` picks other cases.
struct Rng(u64);

impl Rng {
    fn from_env() -> Rng {
        let seed = std::env::var("E2E_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_1234_abcd_0001);
        eprintln!("random cases from E2E_SEED={seed}");
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random IPv4 networks, biased towards the ranges and prefixes where the rules change.
fn random_v4(rng: &mut Rng) -> String {
    const FIRST_OCTETS: [u32; 14] = [
        0, 10, 100, 127, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255,
    ];
    let mut addr = rng.next() as u32;
    if rng.below(2) == 0 {
        let first = FIRST_OCTETS[rng.below(FIRST_OCTETS.len() as u64) as usize];
        addr = (first << 24) | (addr & 0x00ff_ffff);
    }
    let prefix = match rng.below(4) {
        0 => 30 + rng.below(3) as u32, // /30, /31, /32
        _ => rng.below(33) as u32,
    };
    let addr = std::net::Ipv4Addr::from(addr);
    if rng.below(4) == 0 {
        // The netmask form: 192.168.1.7/255.255.255.0.
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        format!("{addr}/{}", std::net::Ipv4Addr::from(mask))
    } else {
        format!("{addr}/{prefix}")
    }
}

/// Random IPv6 networks, some inside the special ranges. IPv4-mapped addresses are left
/// out: Python 3.11 prints them as hex (::ffff:102:304), RFC 5952 as dotted (::ffff:1.2.3.4).
fn random_v6(rng: &mut Rng) -> String {
    const PREFIXES: [u128; 7] = [
        0xfe80 << 112,
        0xff02 << 112,
        0xfd00 << 112,
        0x2001_0db8 << 96,
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        0,
        1,
    ];
    let mut addr = (u128::from(rng.next()) << 64) | u128::from(rng.next());
    match rng.below(4) {
        0 => addr = PREFIXES[rng.below(PREFIXES.len() as u64) as usize] | (addr & 0xffff),
        1 => addr &= !((1u128 << 64) - 1) | 0xff, // sparse: long zero runs to compress
        _ => {}
    }
    if addr >> 32 == 0xffff {
        addr ^= 1 << 100;
    }
    let prefix = match rng.below(3) {
        0 => 116 + rng.below(13) as u32,
        _ => rng.below(129) as u32,
    };
    format!("{}/{prefix}", std::net::Ipv6Addr::from(addr))
}

/// CPython's view of each network, one JSON object per line.
const ORACLE: &str = r#"
import ipaddress, json, sys
RFC1918 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
def klass(a):
    b = int(a) >> 24
    return "A" if b < 128 else "B" if b < 192 else "C" if b < 224 else "D" if b < 240 else "E"
for line in sys.stdin:
    iface = ipaddress.ip_interface(line.strip())
    net, a = iface.network, iface.ip
    d = {"address": str(a), "network": str(net.network_address), "netmask": str(net.netmask),
         "hostmask": str(net.hostmask), "prefix": net.prefixlen,
         "num_addresses": net.num_addresses, "is_loopback": a.is_loopback,
         "is_multicast": a.is_multicast, "is_link_local": a.is_link_local,
         "first_host": str(next(iter(net.hosts())))}
    if net.prefixlen >= net.max_prefixlen - 12:   # small enough to list every host
        hosts = list(net.hosts())
        d["last_host"], d["num_hosts"] = str(hosts[-1]), len(hosts)
    if a.version == 4:
        d["broadcast"] = str(net.broadcast_address)
        d["class"] = klass(a)
        d["is_private"] = any(a in n for n in RFC1918)
    else:
        d["last_address"] = str(net.broadcast_address)
    print(json.dumps(d))
"#;

/// Compares one field; addresses are compared as addresses (so ::ffff:ffff:ffff and
/// ::ffff:255.255.255.255 are equal), everything else exactly.
fn same_field(ours: &Value, theirs: &Value) -> bool {
    if let (Some(a), Some(b)) = (ours.as_str(), theirs.as_str()) {
        if let (Ok(a), Ok(b)) = (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
            return a == b;
        }
    }
    // serde_json keeps big integers exact, so 2^128 compares as digits.
    ours == theirs
}

#[test]
fn ip_json_matches_python_ipaddress() {
    let Some(python) = python3("ip_json_matches_python_ipaddress") else {
        return;
    };
    let mut rng = Rng::from_env();
    let mut cases: Vec<String> = (0..300).map(|_| random_v4(&mut rng)).collect();
    cases.extend((0..120).map(|_| random_v6(&mut rng)));
    cases.extend(
        [
            "0.0.0.0/0",
            "255.255.255.255/32",
            "10.0.0.0/31",
            "1.2.3.4/32",
            "::/0",
            "::1/128",
            "fe80::1/127",
        ]
        .map(String::from),
    );

    let input = cases.join("\n") + "\n";
    let out = std::process::Command::new(python)
        .args(["-c", ORACLE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .map(|mut s| s.write_all(input.as_bytes()))
                .transpose()?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    assert!(out.status.success(), "the python oracle failed");
    let expected: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("python printed JSON"))
        .collect();
    assert_eq!(expected.len(), cases.len());

    let mut checked_fields = 0;
    for (case, theirs) in cases.iter().zip(&expected) {
        let out = run("netbasics", ["ip", case.as_str(), "--json"]);
        assert!(
            out.success(),
            "netbasics ip {case} --json failed: {}",
            out.stderr
        );
        let ours: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "netbasics ip {case} --json printed bad JSON ({e}): {}",
                out.stdout
            )
        });
        let theirs = theirs.as_object().expect("an object");
        for (field, want) in theirs {
            let got = &ours[field.as_str()];
            assert!(
                same_field(got, want),
                "netbasics ip {case}: {field} is {got}, python's ipaddress says {want}"
            );
            checked_fields += 1;
        }
        // Canonical text: the address as Python prints it (RFC 5952 for IPv6).
        assert_eq!(ours["address"], theirs["address"], "address text of {case}");
    }
    eprintln!(
        "compared {checked_fields} fields of {} networks with python's ipaddress",
        cases.len()
    );
}

#[test]
fn ip_report_shows_the_lesson() {
    let out = run("netbasics", ["ip", "192.168.1.10/24"]);
    assert!(out.success(), "{}", out.stderr);
    for needle in [
        "192.168.1.0/24",
        "192.168.1.255",
        "192.168.1.1",
        "192.168.1.254",
        "254",
        "11000000.10101000.00000001.00001010",
        "11111111.11111111.11111111.00000000",
        "C",
        "RFC 1918",
    ] {
        assert!(
            out.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            out.stdout
        );
    }
    // No prefix: the class decides (10.x is class A, /8).
    let out = run("netbasics", ["ip", "10.1.2.3", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(v["prefix"], 8);
    assert_eq!(v["class"], "A");
    assert_eq!(v["num_hosts"], 16_777_214);
}

#[test]
fn bad_addresses_are_clear_errors_with_exit_1() {
    for bad in [
        "256.1.1.1",
        "192.168.1",
        "1.2.3.4.5",
        "1..2.3",
        "01.2.3.4",
        " x1.2.3.4",
        "10.0.0.0/33",
        "10.0.0.0/255.0.255.0",
        "10.0.0.0/",
        "10.0.0.0/abc",
        "2001:db8:::1",
        "1:2:3:4:5:6:7:8:9",
        "fe80::1%eth0",
        "::/129",
        "",
    ] {
        let out = run("netbasics", ["ip", bad]);
        assert_eq!(
            out.code,
            Some(1),
            "netbasics ip {bad:?} should exit 1:\n{}{}",
            out.stdout,
            out.stderr
        );
        assert!(out.stderr.starts_with("error: "), "{bad:?}: {}", out.stderr);
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "one line of error for {bad:?}: {}",
            out.stderr
        );
        assert!(
            out.stdout.is_empty(),
            "{bad:?} printed a report: {}",
            out.stdout
        );
    }
    let out = run("netbasics", ["ip", "10.0.0.0/255.0.255.0"]);
    // The message shows the mask in binary, where the hole is plain to see.
    assert!(
        out.stderr.contains("11111111.00000000.11111111.00000000"),
        "{}",
        out.stderr
    );
}

#[test]
fn subnets_same_subnet_and_summarize() {
    let out = run("netbasics", ["subnets", "192.168.1.0/24", "--prefix", "26"]);
    assert!(out.success(), "{}", out.stderr);
    for net in [
        "192.168.1.0/26",
        "192.168.1.64/26",
        "192.168.1.128/26",
        "192.168.1.192/26",
    ] {
        assert!(out.stdout.contains(net), "missing {net}:\n{}", out.stdout);
    }
    // A shorter prefix cannot split anything.
    let out = run("netbasics", ["subnets", "192.168.1.0/24", "--prefix", "16"]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);

    let out = run(
        "netbasics",
        [
            "same-subnet",
            "192.168.1.20",
            "192.168.1.200",
            "255.255.255.128",
        ],
    );
    assert!(
        out.success() && out.stdout.contains("same subnet: no"),
        "{}",
        out.stdout
    );
    let out = run(
        "netbasics",
        ["same-subnet", "192.168.1.20", "192.168.1.100", "/25"],
    );
    assert!(
        out.success() && out.stdout.contains("same subnet: yes"),
        "{}",
        out.stdout
    );
    let out = run(
        "netbasics",
        ["same-subnet", "1.1.1.1", "1.1.1.2", "255.0.255.0"],
    );
    assert_eq!(
        out.code,
        Some(1),
        "a non-contiguous mask is refused: {}",
        out.stdout
    );

    let out = run(
        "netbasics",
        [
            "summarize",
            "10.1.0.0/26",
            "10.1.0.64/26",
            "10.1.0.128/26",
            "10.1.0.192/26",
        ],
    );
    assert!(
        out.success() && out.stdout.contains("10.1.0.0/24"),
        "{}",
        out.stdout
    );
}

#[test]
fn encode_decode_round_trip_through_the_program() {
    let out = run("netbasics", ["encode", "你好", "--encoding", "gbk"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.contains("c4 e3 ba c3"), "{}", out.stdout);
    let out = run("netbasics", ["encode", "你好"]);
    assert!(out.stdout.contains("e4 bd a0 e5 a5 bd"), "{}", out.stdout);
    let out = run("netbasics", ["decode", "c4 e3 ba c3", "--encoding", "gbk"]);
    assert!(
        out.success() && out.stdout.contains("你好"),
        "{}",
        out.stdout
    );
    // GBK bytes read as UTF-8: replacement characters, and a report of where.
    let out = run(
        "netbasics",
        ["decode", "c4 e3 ba c3", "--encoding", "utf-8"],
    );
    assert!(out.stdout.contains('\u{fffd}'), "{}", out.stdout);
    // An encoding that cannot hold the text is an error, not silent damage.
    let out = run("netbasics", ["encode", "你好", "--encoding", "shift_jis"]);
    assert!(out.success() || out.code == Some(1));
    let out = run("netbasics", ["encode", "한국어", "--encoding", "gbk"]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    let out = run("netbasics", ["decode", "zz", "--encoding", "gbk"]);
    assert_eq!(out.code, Some(1), "bad hex: {}", out.stdout);
    // An unknown encoding name is a usage error (exit 2), with the list of known ones.
    let out = run("netbasics", ["encode", "x", "--encoding", "klingon"]);
    assert_eq!(out.code, Some(2), "unknown encoding: {}", out.stdout);
    assert!(out.stderr.contains("gbk"), "{}", out.stderr);
}

#[test]
fn ports_and_macs() {
    let out = run("netbasics", ["port", "2425"]);
    assert!(
        out.success() && out.stdout.contains("IP Messenger"),
        "{}",
        out.stdout
    );
    let out = run("netbasics", ["port", "80"]);
    assert!(
        out.stdout.contains("http") && out.stdout.contains("well-known"),
        "{}",
        out.stdout
    );
    for bad in ["65536", "-1", "eighty-one"] {
        assert_eq!(run("netbasics", ["port", bad]).code, Some(1), "port {bad}");
    }
    let out = run("netbasics", ["mac", "08-00-20-0A-8C-6D"]);
    assert!(
        out.success() && out.stdout.contains("08:00:20"),
        "{}",
        out.stdout
    );
    assert_eq!(run("netbasics", ["mac", "08:00:20:0a:8c"]).code, Some(1));
}

#[test]
fn resolve_localhost() {
    let out = run("netbasics", ["resolve", "localhost"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("127.0.0.1") || out.stdout.contains("::1"),
        "{}",
        out.stdout
    );
}

#[test]
fn ping_loopback_works_or_explains_the_permission() {
    let out = run("netbasics", ["ping", "127.0.0.1", "-c", "1"]);
    if out.success() {
        assert!(out.stdout.contains("127.0.0.1"), "{}", out.stdout);
        assert!(
            out.stdout.contains("1 received") || out.stdout.contains("1 packets received"),
            "{}",
            out.stdout
        );
    } else {
        // Some sandboxes allow neither ICMP socket kind: the message must say what to do.
        assert_eq!(out.code, Some(1));
        assert!(out.stderr.contains("ping_group_range"), "{}", out.stderr);
    }
}

#[test]
fn interfaces_and_arp_run() {
    let out = run("netbasics", ["interfaces"]);
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.contains("127.0.0.1"), "{}", out.stdout);
    let out = run_with_input("netbasics", ["arp"], b"");
    assert!(
        out.success() || out.stderr.contains("arp -a"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_closed_output_pipe_ends_the_program_quietly() {
    use std::process::{Command, Stdio};
    // Four million lines: far more than a pipe holds, so the program must write after
    // the reader is gone, whenever that happens.
    let mut child = Command::new(e2e::program("netbasics"))
        .args(["subnets", "10.0.0.0/8", "--prefix", "30", "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netbasics starts");
    drop(child.stdout.take()); // the reader goes away, like `| head -1` finishing
    let out = child.wait_with_output().expect("netbasics ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
