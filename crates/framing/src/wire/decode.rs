//! Taking a frame apart layer by layer, the way Wireshark shows it.
//!
//! [`decode_frame`] starts at the Ethernet header and follows the type fields inward:
//! EtherType 0x0800 leads to IPv4 (0x86dd to IPv6), the IPv4 protocol 17 to UDP, and what is left is the
//! application's data. Each layer becomes a [`DecodedLayer`]: a one-line summary and
//! rows of (byte range, field, value), the byte ranges being the same `start..end`
//! ranges as the `field` modules of the protocol files.
//!
//! Decoding stops at the first layer that is cut short or malformed, and keeps what it
//! found before ([`Decoded::error`]); it never panics, whatever the bytes. A wrong
//! checksum does not stop it: the row says `(bad, expected 0x....)`, the mismatch is
//! listed in [`Decoded::warnings`], and the next layer is decoded, just as Wireshark
//! does (loopback captures are full of them, see [`super::checksum`](mod@super::checksum)).
//!
//! The input is read with the workspace's one hex reader ([`parse_hex`], from
//! `netbasics::text`). The code is in four files under `decode/`: `layers.rs` walks the
//! headers inward and makes the rows of the link layers (Ethernet, ARP) and of UDP and
//! TCP, `ip.rs` those of IPv4 and IPv6, `describe.rs` puts field values in words (a
//! port's service, the TCP options), and `dump.rs` prints a [`Decoded`]: the rows in
//! aligned columns, then the payload as a hex dump.
//!
//! # Examples
//!
//! ```
//! use framing::wire::{decode_frame, parse_hex};
//!
//! // A UDP datagram carrying "hello" to 127.0.0.1:7788, as captured on loopback.
//! let frame = parse_hex(
//!     "000000000000 000000000000 0800 \
//!      4500 0021 9a23 4000 4011 a2a6 7f00 0001 7f00 0001 \
//!      ce90 1e6c 000d fe20 68656c6c6f",
//! )
//! .unwrap();
//! let decoded = decode_frame(&frame);
//! let names: Vec<_> = decoded.layers.iter().map(|l| l.name).collect();
//! assert_eq!(names, ["Ethernet II", "IPv4", "UDP"]);
//! assert_eq!(decoded.payload.as_ref().unwrap().head, b"hello");
//! assert!(decoded.error.is_none());
//! // The checksum field holds only the pseudo-header sum on loopback.
//! assert_eq!(
//!     decoded.warnings[0].to_string(),
//!     "UDP: checksum 0xfe20 does not match the computed 0xd102"
//! );
//! ```

use std::ops::Range;

use super::{Layer, WireError};

mod describe;
mod dump;
mod ip;
mod layers;

/// The input is read with the workspace's one hex reader: `45 00`, `4500`, `45:00`,
/// `0x45 0x00`, `\\x45\\x00` and `b'E\\x00'` are the same two bytes.
pub use netbasics::text::parse_hex;

use layers::Decoder;

/// How many payload bytes are kept for the hex dump.
pub const PAYLOAD_SHOWN: usize = 64;

/// One field of a decoded header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where the field is in the decoded bytes (from the start of the input).
    pub bytes: Range<usize>,
    /// The field's name.
    pub field: &'static str,
    /// Its value, with what it means.
    pub value: String,
}

/// One decoded header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedLayer {
    /// Which protocol.
    pub layer: Layer,
    /// The name to show: `Ethernet II`, `ARP`, `IPv4`, `IPv6`, `UDP`, `TCP`.
    pub name: &'static str,
    /// The header in one line.
    pub summary: String,
    /// Every field, in order.
    pub rows: Vec<Row>,
}

/// The bytes after the last decoded header: application data, or a payload this
/// decoder does not take apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    /// What the bytes are, e.g. `UDP data` or `ICMP message (not decoded here)`.
    pub description: String,
    /// Where they are in the input.
    pub bytes: Range<usize>,
    /// The first [`PAYLOAD_SHOWN`] bytes (or all of them, if fewer).
    pub head: Vec<u8>,
}

impl Payload {
    /// The payload's whole length.
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::decode_frame;
    ///
    /// let mut frame = vec![0u8; 14];
    /// frame[12..14].copy_from_slice(&[0x88, 0xcc]); // LLDP: not decoded here
    /// frame.extend_from_slice(&[0x60; 100]);
    /// let payload = decode_frame(&frame).payload.unwrap();
    /// assert_eq!(payload.len(), 100);
    /// assert_eq!(payload.head.len(), 64);
    /// ```
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether there are no bytes (never the case in a [`Decoded`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use framing::wire::decode_frame;
    ///
    /// let mut frame = vec![0u8; 15];
    /// frame[12..14].copy_from_slice(&[0x88, 0xcc]);
    /// assert!(!decode_frame(&frame).payload.unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The result of decoding: the layers found, the payload, and why decoding stopped
/// early, if it did.
///
/// Its `Display` is the `packet-decode` output: each layer's summary, then its rows
/// aligned in columns, then a hex dump of the payload.
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_frame, Layer};
///
/// let decoded = decode_frame(&[0xff; 10]);
/// assert!(decoded.layers.is_empty());
/// let err = decoded.error.unwrap();
/// assert_eq!(err.layer(), Layer::Ethernet);
/// assert_eq!(err.to_string(), "Ethernet: frame of 10 bytes is shorter than the 14-byte header");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The headers decoded, outermost first.
    pub layers: Vec<DecodedLayer>,
    /// What follows the last header, if anything does. When decoding stopped on an
    /// error, these are the bytes of the layer that could not be decoded.
    pub payload: Option<Payload>,
    /// Why decoding stopped before the end, if it did.
    pub error: Option<WireError>,
    /// Checksum mismatches: reported, but decoding went on.
    pub warnings: Vec<WireError>,
}

/// Decodes an Ethernet II frame and what it carries (ARP, IPv4, IPv6, UDP, TCP).
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_frame, parse_hex};
///
/// // An ARP request, padded to the 60-byte minimum frame.
/// let frame = parse_hex(
///     "ffffffffffff 0800200a8c6d 0806 0001 0800 06 04 0001 \
///      0800200a8c6d c0a80164 000000000000 c0a80101 \
///      000000000000000000000000000000000000",
/// )
/// .unwrap();
/// let decoded = decode_frame(&frame);
/// assert_eq!(decoded.layers[1].summary, "request  who has 192.168.1.1? tell 192.168.1.100");
/// assert!(decoded.payload.is_none() && decoded.error.is_none());
/// ```
pub fn decode_frame(bytes: &[u8]) -> Decoded {
    let mut decoder = Decoder::new(bytes);
    let result = decoder.ethernet();
    decoder.finish(result)
}

/// Decodes an IPv4 packet without an Ethernet header (captures of tunnels, `tcpdump -i
/// any` on some systems, raw sockets).
///
/// # Examples
///
/// ```
/// use framing::wire::{decode_ipv4_packet, parse_hex};
///
/// let packet = parse_hex("4500 0014 0000 4000 4011 3cd7 7f000001 7f000001").unwrap();
/// let decoded = decode_ipv4_packet(&packet);
/// assert_eq!(decoded.layers[0].name, "IPv4");
/// // Protocol 17, but no room for a UDP header.
/// assert_eq!(
///     decoded.error.unwrap().to_string(),
///     "UDP: datagram of 0 bytes is shorter than the 8-byte header"
/// );
/// ```
pub fn decode_ipv4_packet(bytes: &[u8]) -> Decoded {
    let mut decoder = Decoder::new(bytes);
    let result = decoder.ipv4(0, bytes);
    decoder.finish(result)
}

#[cfg(test)]
mod tests;
