//! `netbasics port N|NAME`: what kind of port a number is, and who uses it.
//!
//! The report puts the official IANA class next to the course's two-way split, lists
//! the known services, and checks the number against this machine's real ephemeral
//! range and privileged-port limit.

use anyhow::{bail, Context};
use netbasics::port::{
    ephemeral_range, find_service, parse_port, services_on, unprivileged_port_start, CourseClass,
    Origin, PortClass, PortError, Service,
};

/// Arguments of `netbasics port`.
#[derive(clap::Args)]
pub struct PortArgs {
    /// The port number (0-65535), or a service name such as http, ssh, dns or feiq.
    #[arg(allow_hyphen_values = true)]
    pub port: String,
}

/// Width of the label column of the report.
const LABEL: usize = 14;

/// Runs `netbasics port`.
pub fn run(args: &PortArgs) -> anyhow::Result<()> {
    let ports = match parse_port(&args.port) {
        Ok(port) => vec![port],
        // Not a number at all: perhaps a service name.
        Err(PortError::NotANumber(_)) => ports_of_service(&args.port)?,
        Err(err) => return Err(err).context("invalid port"),
    };
    for (i, port) in ports.iter().enumerate() {
        if i > 0 {
            println!();
        }
        report(*port);
    }
    Ok(())
}

/// The ports of the services called `name`, announced on stdout.
fn ports_of_service(name: &str) -> anyhow::Result<Vec<u16>> {
    let services = find_service(name);
    if services.is_empty() {
        bail!(
            "'{name}' is neither a port number (0-65535) nor a known service name \
             (known names include ssh, http, https, dns, dhcp, mysql, feiq, tcp-echo)"
        );
    }
    let mut ports = Vec::new();
    for service in &services {
        println!(
            "{:<LABEL$}port {}/{}",
            service.name, service.port, service.transport
        );
        if !ports.contains(&service.port) {
            ports.push(service.port);
        }
    }
    println!();
    Ok(ports)
}

/// Prints the report for one port.
fn report(port: u16) {
    let class = PortClass::of(port);
    let course = CourseClass::of(port);
    row("port", &port.to_string());
    row(
        "IANA class",
        &format!(
            "{class} ({}): {}",
            range_text(class.range()),
            if port == 0 {
                "reserved: never assigned to a service"
            } else {
                class.description()
            }
        ),
    );
    row(
        "course class",
        &format!(
            "{} {course} ({})",
            course.chinese(),
            range_text(course.range())
        ),
    );
    if class == PortClass::Registered {
        row(
            "",
            "the course calls every port from 1024 up dynamic; IANA registers 1024-49151 \
             to services on request and keeps only 49152-65535 dynamic",
        );
    }

    let services = services_on(port);
    let (lessons, official): (Vec<&Service>, Vec<&Service>) = services
        .into_iter()
        .partition(|s| s.origin == Origin::Lesson);
    if official.is_empty() {
        row(
            "services",
            "none known here (IANA's full list: /etc/services)",
        );
    }
    for (i, service) in official.iter().enumerate() {
        let mut line = service_line(service);
        if service.origin == Origin::Unofficial {
            line.push_str(" (the program's own choice, not an IANA assignment)");
        }
        row(if i == 0 { "services" } else { "" }, &line);
    }
    for (i, service) in lessons.iter().enumerate() {
        row(
            if i == 0 { "lessons here" } else { "" },
            &service_line(service),
        );
    }

    match ephemeral_range() {
        Some((low, high)) => {
            let inside = (low..=high).contains(&port);
            row(
                "ephemeral",
                &format!(
                    "{low}-{high} on this machine (/proc/sys/net/ipv4/ip_local_port_range): \
                     {port} is {}",
                    if inside { "inside it" } else { "outside it" }
                ),
            );
            if inside && port != 0 {
                row(
                    "",
                    "the OS may hand this port to a client socket, so a server that wants \
                     it can find it taken",
                );
            }
        }
        None => row(
            "ephemeral",
            "not readable on this OS (Windows and macOS use 49152-65535 by default)",
        ),
    }

    row("binding", &binding_note(port, unprivileged_port_start()));
}

/// What binding `port` means and whether it needs privilege, given the Linux limit.
fn binding_note(port: u16, unprivileged_start: Option<u16>) -> String {
    if port == 0 {
        return "port 0 means \"let the OS choose\": bind() then picks a free ephemeral \
                port; nothing can be sent to port 0"
            .to_string();
    }
    match unprivileged_start {
        Some(start) if port < start => format!(
            "needs privilege on Unix: root or CAP_NET_BIND_SERVICE \
             (this machine reserves ports below {start})"
        ),
        Some(start) if port < 1024 => format!(
            "no privilege needed on this machine: every user may bind ports from {start} up \
             (net.ipv4.ip_unprivileged_port_start); Unix normally reserves those below 1024"
        ),
        Some(_) => "any user may bind it".to_string(),
        None if port < 1024 => {
            "needs privilege on Unix (root; on Linux CAP_NET_BIND_SERVICE); Windows does not \
             restrict it"
                .to_string()
        }
        None => "any user may bind it".to_string(),
    }
}

/// "80/tcp    http           HyperText Transfer Protocol: the web"
fn service_line(service: &Service) -> String {
    format!(
        "{:<14}{:<16}{}",
        format!("{}/{}", service.port, service.transport),
        service.name,
        service.description
    )
}

fn range_text(range: std::ops::RangeInclusive<u16>) -> String {
    format!("{}-{}", range.start(), range.end())
}

fn row(label: &str, value: &str) {
    println!("{label:<LABEL$}{value}");
}
