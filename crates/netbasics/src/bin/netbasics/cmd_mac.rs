//! `netbasics mac MAC`: a MAC address taken apart, with what each part and flag bit means.

use anyhow::Context;
use netbasics::MacAddr;

/// Arguments of `netbasics mac`.
#[derive(clap::Args)]
pub struct MacArgs {
    /// The MAC address: 08:00:20:0a:8c:6d, 08-00-20-0A-8C-6D, 0800.200a.8c6d or 0800200a8c6d.
    pub mac: String,
}

/// Width of the label column of the report.
const LABEL: usize = 17;

/// Runs `netbasics mac`.
pub fn run(args: &MacArgs) -> anyhow::Result<()> {
    let mac: MacAddr = args
        .mac
        .parse()
        .with_context(|| format!("'{}' is not a MAC address", args.mac))?;
    let [first, ..] = mac.octets();

    row("address", &mac.to_string());
    row(
        "forms",
        &format!(
            "{}  {}  {}  {}",
            mac,
            mac.to_hyphen(),
            mac.to_cisco(),
            mac.to_bare()
        ),
    );
    row("", "(Linux/macOS, Windows, Cisco, bare)");
    row("kind", kind(&mac));

    let (oui_meaning, nic_meaning) = if mac.is_broadcast() {
        ("no maker: all ones means every card", "all ones as well")
    } else if mac.is_multicast() {
        (
            "the OUI of whoever defines the group, with the I/G bit set \
             (01:00:5e is IANA's 00:00:5e)",
            "which group",
        )
    } else if mac.is_local() {
        (
            "no maker here: the address is locally administered",
            "chosen by software too",
        )
    } else {
        (
            "the maker's Organisationally Unique Identifier, from IEEE",
            "the number the maker gave this card",
        )
    };
    row(
        "OUI",
        &format!("{}  first 3 bytes: {oui_meaning}", colon_hex(&mac.oui())),
    );
    row(
        "NIC part",
        &format!("{}  last 3 bytes: {nic_meaning}", colon_hex(&mac.nic())),
    );
    row("binary", &mac.to_binary());

    // The two flag bits of the first byte, drawn under the binary digits.
    let bits = format!("{first:08b}");
    row("first byte", &format!("0x{first:02x} = {bits}"));
    let pad = " ".repeat(LABEL + "0x00 = ".len() + 6);
    let ig = first & 0x01;
    let ul = (first & 0x02) >> 1;
    println!("{pad}||");
    println!(
        "{pad}|+- bit 0, I/G = {ig}: {}",
        if ig == 1 {
            "multicast (group): every card in the group takes the frame"
        } else {
            "unicast (individual): the frame is for one card"
        }
    );
    println!(
        "{pad}+-- bit 1, U/L = {ul}: {}",
        match (ul == 1, mac.is_multicast()) {
            (true, false) =>
                "locally administered: set by software (random Wi-Fi MAC, VM, container)",
            (true, true) if mac.is_broadcast() => {
                "set as part of the all-ones broadcast address (every card on the LAN)"
            }
            (true, true) => "locally administered: a group defined by local software",
            (false, false) => "universal: burnt in by the maker, unique if nobody changes it",
            (false, true) => "universal: a group range defined under an OUI",
        }
    );
    row(
        "",
        "(Ethernet sends each byte lowest bit first, so I/G is the first bit on the wire)",
    );

    row(
        "broadcast",
        if mac.is_broadcast() {
            "yes: every card on the link"
        } else {
            "no"
        },
    );
    // An interface identifier only makes sense for a card's own (unicast) address.
    if mac.is_unicast() {
        let id = mac.to_eui64_interface_id();
        row(
            "EUI-64 id",
            &format!(
                "{}  (modified EUI-64: ff:fe in the middle, U/L bit flipped)",
                colon_hex(&id)
            ),
        );
        row(
            "IPv6 link-local",
            &format!(
                "{}  (IPv6 once built it this way; systems now prefer random ids)",
                mac.to_ipv6_link_local()
            ),
        );
    }
    Ok(())
}

/// What sort of destination the address names.
fn kind(mac: &MacAddr) -> &'static str {
    let o = mac.octets();
    if mac.is_broadcast() {
        "broadcast: every card on the link"
    } else if o[..3] == [0x01, 0x00, 0x5e] {
        "multicast: an IPv4 multicast group (01:00:5e + low 23 bits of the group address)"
    } else if o[..2] == [0x33, 0x33] {
        "multicast: an IPv6 multicast group (33:33 + low 32 bits of the group address)"
    } else if o[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] {
        "multicast: reserved for bridges and switches (STP, LLDP, pause frames)"
    } else if mac.is_multicast() {
        "multicast: a group of cards"
    } else if mac.octets() == [0; 6] {
        "unicast, all zeros: no real card has it (a placeholder)"
    } else {
        "unicast: one card"
    }
}

fn colon_hex(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(":")
}

fn row(label: &str, value: &str) {
    println!("{label:<LABEL$}{value}");
}
