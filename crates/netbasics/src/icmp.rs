//! ICMP echo request and echo reply: the two packets `ping` is made of.
//!
//! ICMP (Internet Control Message Protocol, 互联网控制报文协议) rides directly on IP,
//! without ports. `ping` sends an *echo request* and the other host answers with an
//! *echo reply* that carries back the same identifier, sequence number and payload.
//! Both have the same 8-byte header:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Identifier          |        Sequence Number        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Data ...
//! +-+-+-+-+-
//! ```
//!
//! | protocol | echo request | echo reply | checksum covers                            |
//! |----------|--------------|------------|--------------------------------------------|
//! | ICMP (IPv4, RFC 792)    | type 8 | type 0   | the ICMP message only             |
//! | ICMPv6 (IPv6, RFC 4443) | type 128 | type 129 | a pseudo-header (source and destination addresses) plus the message |
//!
//! Because the ICMPv6 checksum covers the source address, which is only known once the
//! kernel has chosen the route, the kernel computes it for us on ICMPv6 datagram and raw
//! sockets (RFC 3542, section 3.1), and checks it before handing us a reply. So
//! [`EchoRepr::emit`] leaves it at zero for ICMPv6 and [`EchoRepr::parse`] only verifies
//! the IPv4 checksum.
//!
//! In the style of smoltcp's `wire` module, the header layout is written down once in
//! `mod field`, and [`EchoRepr`] is the parsed form that is checked once and then
//! trusted. Nothing here touches the network: [`crate::ping`] does that.

use std::ops::Range;

/// The Internet checksum (RFC 1071) that ICMP messages carry, explained in
/// [`crate::checksum`].
pub use crate::checksum::checksum;

/// Where each header field lives: the header diagram above, as code.
mod field {
    use super::Range;

    /// The message type (8/0 for IPv4 echo request/reply, 128/129 for ICMPv6).
    pub const TYPE: usize = 0;
    /// A sub-type; always 0 for echo messages.
    pub const CODE: usize = 1;
    /// The Internet checksum (RFC 1071), big-endian.
    pub const CHECKSUM: Range<usize> = 2..4;
    /// Chosen by the sender so it can recognise its own replies.
    pub const IDENT: Range<usize> = 4..6;
    /// Counts the requests: 1, 2, 3, ...
    pub const SEQ: Range<usize> = 6..8;
    /// The echoed data starts here and runs to the end of the message.
    pub const PAYLOAD: usize = 8;
}

/// Length of the ICMP echo header: type, code, checksum, identifier, sequence number.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// Length of an IPv4 header without options (IHL = 5 words of 4 bytes).
pub const IPV4_MIN_HEADER_LEN: usize = 20;

/// The IP protocol number of ICMP (in the IPv4 header's protocol field).
pub const IPPROTO_ICMP: u8 = 1;

/// What can be wrong with bytes that should hold an ICMP echo message or an IPv4 header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcmpError {
    /// Fewer bytes than the header (or the header's own length field) needs.
    #[error("truncated packet: {len} bytes, but at least {needed} are needed")]
    Truncated {
        /// How many bytes there were.
        len: usize,
        /// How many bytes the header needs.
        needed: usize,
    },
    /// The IPv4 ICMP checksum does not match the bytes: the packet was damaged.
    #[error("bad ICMP checksum: the packet says {found:#06x}, its bytes give {computed:#06x}")]
    BadChecksum {
        /// The checksum written in the packet.
        found: u16,
        /// The checksum computed over the packet (with the checksum field as zero).
        computed: u16,
    },
    /// A valid ICMP message, but not an echo request or reply (for example a
    /// "destination unreachable" sent back by a router).
    #[error("ICMP{} type {icmp_type} code {code} ({name}) is not an echo request or reply", if *.v6 { "v6" } else { "" })]
    NotEcho {
        /// The type field.
        icmp_type: u8,
        /// The code field.
        code: u8,
        /// Whether it was ICMPv6 (the type numbers differ).
        v6: bool,
        /// What the type means, from [`type_name`].
        name: &'static str,
    },
    /// The first 4 bits of an IP header were not 4.
    #[error("not an IPv4 header: the version field is {0}, expected 4")]
    NotIpv4(u8),
    /// The IPv4 header length (IHL) is below its minimum of 5 words (20 bytes).
    #[error("bad IPv4 header length: IHL is {0} words, the minimum is 5 (20 bytes)")]
    BadHeaderLength(u8),
    /// The IPv4 header says the packet is not ICMP.
    #[error("the IPv4 packet carries protocol {0}, not ICMP (1)")]
    NotIcmp(u8),
    /// The buffer given to [`EchoRepr::emit_into`] is too small for the message.
    #[error("buffer too small: {len} bytes, the message needs {needed}")]
    BufferTooSmall {
        /// The size of the buffer.
        len: usize,
        /// The size of the message.
        needed: usize,
    },
}

/// Echo request (sent by `ping`) or echo reply (sent back by the target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EchoKind {
    /// "Are you there?": type 8 (IPv4) or 128 (ICMPv6).
    Request,
    /// "Yes": type 0 (IPv4) or 129 (ICMPv6).
    Reply,
}

impl EchoKind {
    /// The number in the type field.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::EchoKind;
    /// assert_eq!(EchoKind::Request.icmp_type(false), 8);
    /// assert_eq!(EchoKind::Reply.icmp_type(false), 0);
    /// assert_eq!(EchoKind::Request.icmp_type(true), 128);
    /// assert_eq!(EchoKind::Reply.icmp_type(true), 129);
    /// ```
    pub const fn icmp_type(self, v6: bool) -> u8 {
        match (self, v6) {
            (EchoKind::Request, false) => 8,
            (EchoKind::Reply, false) => 0,
            (EchoKind::Request, true) => 128,
            (EchoKind::Reply, true) => 129,
        }
    }

    /// The kind whose type number is `icmp_type`, if it is an echo type.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::EchoKind;
    /// assert_eq!(EchoKind::from_icmp_type(0, false), Some(EchoKind::Reply));
    /// assert_eq!(EchoKind::from_icmp_type(129, true), Some(EchoKind::Reply));
    /// // Type 3 is "destination unreachable", not an echo.
    /// assert_eq!(EchoKind::from_icmp_type(3, false), None);
    /// // Type 0 means nothing in ICMPv6.
    /// assert_eq!(EchoKind::from_icmp_type(0, true), None);
    /// ```
    pub const fn from_icmp_type(icmp_type: u8, v6: bool) -> Option<EchoKind> {
        match (icmp_type, v6) {
            (8, false) | (128, true) => Some(EchoKind::Request),
            (0, false) | (129, true) => Some(EchoKind::Reply),
            _ => None,
        }
    }
}

/// A short name for an ICMP (`v6 == false`) or ICMPv6 (`v6 == true`) message type,
/// for error messages. Unknown types are `"unknown type"`.
///
/// # Examples
///
/// ```
/// use netbasics::icmp::type_name;
/// assert_eq!(type_name(3, false), "destination unreachable");
/// assert_eq!(type_name(11, false), "time exceeded");
/// assert_eq!(type_name(1, true), "destination unreachable");
/// assert_eq!(type_name(135, true), "neighbour solicitation");
/// assert_eq!(type_name(200, false), "unknown type");
/// ```
pub const fn type_name(icmp_type: u8, v6: bool) -> &'static str {
    if v6 {
        match icmp_type {
            1 => "destination unreachable",
            2 => "packet too big",
            3 => "time exceeded",
            4 => "parameter problem",
            128 => "echo request",
            129 => "echo reply",
            133 => "router solicitation",
            134 => "router advertisement",
            135 => "neighbour solicitation",
            136 => "neighbour advertisement",
            137 => "redirect",
            _ => "unknown type",
        }
    } else {
        match icmp_type {
            0 => "echo reply",
            3 => "destination unreachable",
            5 => "redirect",
            8 => "echo request",
            11 => "time exceeded",
            12 => "parameter problem",
            13 => "timestamp request",
            14 => "timestamp reply",
            _ => "unknown type",
        }
    }
}

/// An echo request or reply, parsed: what `ping` puts in and gets back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EchoRepr {
    /// Request or reply.
    pub kind: EchoKind,
    /// Chosen by the sender to recognise its replies (on Linux datagram sockets the
    /// kernel overwrites it with its own number).
    pub ident: u16,
    /// The sequence number: `icmp_seq` in `ping`'s output.
    pub seq: u16,
    /// The data; a reply carries back exactly the request's data.
    pub payload: Vec<u8>,
}

impl EchoRepr {
    /// The length of the emitted message: header plus payload.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::{EchoKind, EchoRepr};
    /// let echo = EchoRepr { kind: EchoKind::Request, ident: 1, seq: 1, payload: vec![0; 56] };
    /// assert_eq!(echo.buffer_len(), 64); // ping's "64 bytes from ..."
    /// ```
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the message into the start of `buf`, returning its length.
    ///
    /// For IPv4 (`v6 == false`) the checksum is computed; for ICMPv6 it is left as zero
    /// because the kernel fills it in (see the [module docs](self)).
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::{EchoKind, EchoRepr, IcmpError};
    /// let echo = EchoRepr { kind: EchoKind::Reply, ident: 7, seq: 1, payload: vec![] };
    /// let mut buf = [0xa5; 10];
    /// assert_eq!(echo.emit_into(&mut buf, false), Ok(8));
    /// assert_eq!(buf, [0, 0, 0xff, 0xf7, 0, 7, 0, 1, 0xa5, 0xa5]);
    ///
    /// let mut small = [0; 4];
    /// assert_eq!(
    ///     echo.emit_into(&mut small, false),
    ///     Err(IcmpError::BufferTooSmall { len: 4, needed: 8 })
    /// );
    /// ```
    pub fn emit_into(&self, buf: &mut [u8], v6: bool) -> Result<usize, IcmpError> {
        let len = self.buffer_len();
        let Some(packet) = buf.get_mut(..len) else {
            return Err(IcmpError::BufferTooSmall {
                len: buf.len(),
                needed: len,
            });
        };
        packet[field::TYPE] = self.kind.icmp_type(v6);
        packet[field::CODE] = 0;
        // The checksum is computed with its own field set to zero.
        packet[field::CHECKSUM].copy_from_slice(&[0, 0]);
        packet[field::IDENT].copy_from_slice(&self.ident.to_be_bytes());
        packet[field::SEQ].copy_from_slice(&self.seq.to_be_bytes());
        packet[field::PAYLOAD..].copy_from_slice(&self.payload);
        if !v6 {
            let sum = checksum(packet);
            packet[field::CHECKSUM].copy_from_slice(&sum.to_be_bytes());
        }
        Ok(len)
    }

    /// The message as bytes, ready to send on an ICMP socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::{EchoKind, EchoRepr};
    /// let echo = EchoRepr { kind: EchoKind::Request, ident: 0x1234, seq: 1, payload: b"hi".to_vec() };
    /// // type 8, code 0, checksum, identifier 0x1234, sequence 1, "hi"
    /// assert_eq!(echo.emit(false), [8, 0, 0x7d, 0x61, 0x12, 0x34, 0, 1, b'h', b'i']);
    /// // ICMPv6: type 128, checksum left to the kernel.
    /// assert_eq!(echo.emit(true), [128, 0, 0, 0, 0x12, 0x34, 0, 1, b'h', b'i']);
    /// ```
    pub fn emit(&self, v6: bool) -> Vec<u8> {
        let mut buf = vec![0; self.buffer_len()];
        self.emit_into(&mut buf, v6)
            .expect("the buffer was made exactly buffer_len() long");
        buf
    }

    /// Reads an echo request or reply from the bytes of an ICMP message (without the
    /// IP header: see [`strip_ipv4_header`]).
    ///
    /// The IPv4 checksum is verified; the ICMPv6 one was already verified by the kernel.
    ///
    /// # Examples
    ///
    /// ```
    /// use netbasics::icmp::{EchoKind, EchoRepr, IcmpError};
    /// let bytes = [0, 0, 0xed, 0xca, 0x12, 0x34, 0, 1];
    /// let reply = EchoRepr::parse(&bytes, false)?;
    /// assert_eq!(reply.kind, EchoKind::Reply);
    /// assert_eq!((reply.ident, reply.seq), (0x1234, 1));
    ///
    /// // Too short, damaged, or another kind of ICMP message:
    /// assert_eq!(
    ///     EchoRepr::parse(&bytes[..5], false),
    ///     Err(IcmpError::Truncated { len: 5, needed: 8 })
    /// );
    /// assert!(matches!(
    ///     EchoRepr::parse(&[0, 0, 0, 0, 0x12, 0x34, 0, 1], false),
    ///     Err(IcmpError::BadChecksum { .. })
    /// ));
    /// let unreachable = [3, 1, 0xfc, 0xfe, 0, 0, 0, 0];
    /// let err = EchoRepr::parse(&unreachable, false).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "ICMP type 3 code 1 (destination unreachable) is not an echo request or reply"
    /// );
    /// # Ok::<(), IcmpError>(())
    /// ```
    pub fn parse(bytes: &[u8], v6: bool) -> Result<EchoRepr, IcmpError> {
        // Check the length once; after this every field index below is in bounds.
        if bytes.len() < HEADER_LEN {
            return Err(IcmpError::Truncated {
                len: bytes.len(),
                needed: HEADER_LEN,
            });
        }
        if !v6 {
            let computed = checksum(bytes);
            if computed != 0 {
                let found = u16::from_be_bytes([bytes[2], bytes[3]]);
                // What the checksum field should have held: the sum with the field zeroed.
                let mut zeroed = bytes.to_vec();
                zeroed[field::CHECKSUM].copy_from_slice(&[0, 0]);
                return Err(IcmpError::BadChecksum {
                    found,
                    computed: checksum(&zeroed),
                });
            }
        }
        let icmp_type = bytes[field::TYPE];
        let code = bytes[field::CODE];
        let kind = match EchoKind::from_icmp_type(icmp_type, v6) {
            Some(kind) if code == 0 => kind,
            _ => {
                return Err(IcmpError::NotEcho {
                    icmp_type,
                    code,
                    v6,
                    name: type_name(icmp_type, v6),
                })
            }
        };
        Ok(EchoRepr {
            kind,
            ident: u16::from_be_bytes([bytes[4], bytes[5]]),
            seq: u16::from_be_bytes([bytes[6], bytes[7]]),
            payload: bytes[field::PAYLOAD..].to_vec(),
        })
    }
}

/// Splits an IPv4 packet, as an IPv4 raw socket delivers it, into its ICMP message and
/// the TTL (time to live) the packet arrived with.
///
/// The header length is the IHL field (low 4 bits of the first byte) times 4, at least
/// 20 bytes, more when the header has options. The total-length field is not used:
/// some systems (the BSDs) rewrite it in the copy they hand to raw sockets.
///
/// # Examples
///
/// ```
/// use netbasics::icmp::{strip_ipv4_header, IcmpError};
/// let mut packet = vec![
///     0x45, 0, 0, 28, 0, 0, 0x40, 0, // version 4, IHL 5; length 28; don't fragment
///     64, 1, 0, 0,                   // TTL 64, protocol 1 (ICMP), header checksum
///     127, 0, 0, 1, 127, 0, 0, 1,    // source, destination
/// ];
/// packet.extend_from_slice(&[0, 0, 0xff, 0xfe, 0, 0, 0, 1]); // an echo reply
/// let (icmp, ttl) = strip_ipv4_header(&packet)?;
/// assert_eq!(ttl, 64);
/// assert_eq!(icmp, &packet[20..]);
///
/// assert_eq!(strip_ipv4_header(&packet[..10]), Err(IcmpError::Truncated { len: 10, needed: 20 }));
/// packet[0] = 0x60;
/// assert_eq!(strip_ipv4_header(&packet), Err(IcmpError::NotIpv4(6)));
/// # Ok::<(), IcmpError>(())
/// ```
pub fn strip_ipv4_header(bytes: &[u8]) -> Result<(&[u8], u8), IcmpError> {
    // IPv4 header fields used here (RFC 791): byte 0 = version (high 4 bits) and IHL
    // (low 4 bits), byte 8 = TTL, byte 9 = protocol.
    const VERSION_IHL: usize = 0;
    const TTL: usize = 8;
    const PROTOCOL: usize = 9;

    if bytes.len() < IPV4_MIN_HEADER_LEN {
        return Err(IcmpError::Truncated {
            len: bytes.len(),
            needed: IPV4_MIN_HEADER_LEN,
        });
    }
    let version = bytes[VERSION_IHL] >> 4;
    if version != 4 {
        return Err(IcmpError::NotIpv4(version));
    }
    let ihl = bytes[VERSION_IHL] & 0x0f;
    if ihl < 5 {
        return Err(IcmpError::BadHeaderLength(ihl));
    }
    let header_len = usize::from(ihl) * 4;
    if bytes.len() < header_len {
        return Err(IcmpError::Truncated {
            len: bytes.len(),
            needed: header_len,
        });
    }
    if bytes[PROTOCOL] != IPPROTO_ICMP {
        return Err(IcmpError::NotIcmp(bytes[PROTOCOL]));
    }
    Ok((&bytes[header_len..], bytes[TTL]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An echo request as `ping -s 8` sends it: identifier 42, sequence 1, 8 bytes of data.
    const CAPTURED_V4_REQUEST: [u8; 16] = [
        0x08, 0x00, 0xe7, 0xc0, 0x00, 0x2a, 0x00, 0x01, // header: ident 42, seq 1
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // payload
    ];

    #[test]
    fn golden_v4_request() {
        let echo = EchoRepr {
            kind: EchoKind::Request,
            ident: 42,
            seq: 1,
            payload: vec![1, 2, 3, 4, 5, 6, 7, 8],
        };
        let mut buf = [0xa5; 20];
        assert_eq!(echo.emit_into(&mut buf, false), Ok(16));
        assert_eq!(buf[..16], CAPTURED_V4_REQUEST);
        assert_eq!(buf[16..], [0xa5; 4], "nothing written past the message");
        assert_eq!(checksum(&buf[..16]), 0);
        assert_eq!(EchoRepr::parse(&CAPTURED_V4_REQUEST, false), Ok(echo));
    }

    #[test]
    fn golden_v4_reply() {
        // Type 0: the reply to the request above, whose checksum is 0x0800 larger.
        let reply = [
            0x00, 0x00, 0xef, 0xc0, 0x00, 0x2a, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
        ];
        let parsed = EchoRepr::parse(&reply, false).expect("golden reply parses");
        assert_eq!(parsed.kind, EchoKind::Reply);
        assert_eq!(parsed.emit(false), reply);
    }

    #[test]
    fn golden_v6_overwrites_every_byte_but_checksum() {
        let echo = EchoRepr {
            kind: EchoKind::Reply,
            ident: 0xbeef,
            seq: 0x0102,
            payload: vec![0xaa],
        };
        let mut buf = [0xa5; 9];
        assert_eq!(echo.emit_into(&mut buf, true), Ok(9));
        assert_eq!(buf, [129, 0, 0, 0, 0xbe, 0xef, 0x01, 0x02, 0xaa]);
        // No checksum check for ICMPv6: a zero checksum parses.
        assert_eq!(EchoRepr::parse(&buf, true), Ok(echo));
    }

    #[test]
    fn parse_errors_are_distinct() {
        assert_eq!(
            EchoRepr::parse(&[], false),
            Err(IcmpError::Truncated { len: 0, needed: 8 })
        );
        assert_eq!(
            EchoRepr::parse(&[129, 0, 0, 0, 0, 0, 0], true),
            Err(IcmpError::Truncated { len: 7, needed: 8 })
        );
        let mut damaged = CAPTURED_V4_REQUEST;
        damaged[15] ^= 0x01;
        assert_eq!(
            EchoRepr::parse(&damaged, false),
            Err(IcmpError::BadChecksum {
                found: 0xe7c0,
                computed: 0xe7bf,
            })
        );
        // Time exceeded (type 11), with a valid checksum.
        let mut time_exceeded = [11, 0, 0, 0, 0, 0, 0, 0];
        let sum = checksum(&time_exceeded);
        time_exceeded[2..4].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(
            EchoRepr::parse(&time_exceeded, false),
            Err(IcmpError::NotEcho {
                icmp_type: 11,
                code: 0,
                v6: false,
                name: "time exceeded",
            })
        );
        // An ICMPv6 neighbour solicitation is not an echo.
        let err = EchoRepr::parse(&[135, 0, 0, 0, 0, 0, 0, 0], true).expect_err("not an echo");
        assert_eq!(
            err.to_string(),
            "ICMPv6 type 135 code 0 (neighbour solicitation) is not an echo request or reply"
        );
        // IPv4 type numbers mean nothing as ICMPv6, and the reverse.
        assert!(matches!(
            EchoRepr::parse(&[8, 0, 0, 0, 0, 0, 0, 0], true),
            Err(IcmpError::NotEcho { icmp_type: 8, .. })
        ));
    }

    #[test]
    fn echo_with_nonzero_code_is_not_an_echo() {
        let mut bytes = [0, 5, 0, 0, 0, 0, 0, 0];
        let sum = checksum(&bytes);
        bytes[2..4].copy_from_slice(&sum.to_be_bytes());
        assert!(matches!(
            EchoRepr::parse(&bytes, false),
            Err(IcmpError::NotEcho { code: 5, .. })
        ));
    }

    fn ipv4_header(ihl: u8, protocol: u8, ttl: u8) -> Vec<u8> {
        let mut header = vec![0; usize::from(ihl) * 4];
        header[0] = 0x40 | ihl;
        header[8] = ttl;
        header[9] = protocol;
        header
    }

    #[test]
    fn strip_header_with_options() {
        let mut packet = ipv4_header(6, 1, 57);
        packet.extend_from_slice(&CAPTURED_V4_REQUEST);
        let (icmp, ttl) = strip_ipv4_header(&packet).expect("valid header");
        assert_eq!(ttl, 57);
        assert_eq!(icmp, CAPTURED_V4_REQUEST);
    }

    #[test]
    fn strip_header_errors() {
        assert_eq!(
            strip_ipv4_header(&[0x45; 19]),
            Err(IcmpError::Truncated {
                len: 19,
                needed: 20
            })
        );
        let mut bad_ihl = ipv4_header(5, 1, 64);
        bad_ihl[0] = 0x44;
        assert_eq!(
            strip_ipv4_header(&bad_ihl),
            Err(IcmpError::BadHeaderLength(4))
        );
        // IHL 15 promises 60 bytes.
        let mut long = ipv4_header(5, 1, 64);
        long[0] = 0x4f;
        long.extend_from_slice(&[0; 20]);
        assert_eq!(
            strip_ipv4_header(&long),
            Err(IcmpError::Truncated {
                len: 40,
                needed: 60
            })
        );
        assert_eq!(
            strip_ipv4_header(&ipv4_header(5, 17, 64)),
            Err(IcmpError::NotIcmp(17))
        );
        // A header alone is fine: the ICMP part is empty and fails later in parse.
        let header_only = ipv4_header(5, 1, 64);
        let (icmp, _) = strip_ipv4_header(&header_only).expect("valid header");
        assert!(icmp.is_empty());
    }

    fn any_kind() -> impl Strategy<Value = EchoKind> {
        prop_oneof![Just(EchoKind::Request), Just(EchoKind::Reply)]
    }

    proptest! {
        #[test]
        fn emit_parse_round_trip(
            kind in any_kind(),
            ident in any::<u16>(),
            seq in any::<u16>(),
            payload in proptest::collection::vec(any::<u8>(), 0..300),
            v6 in any::<bool>(),
        ) {
            let echo = EchoRepr { kind, ident, seq, payload };
            let bytes = echo.emit(v6);
            prop_assert_eq!(bytes.len(), echo.buffer_len());
            if !v6 {
                prop_assert_eq!(checksum(&bytes), 0);
            }
            prop_assert_eq!(EchoRepr::parse(&bytes, v6), Ok(echo));
        }

        #[test]
        fn any_single_bit_flip_is_caught_by_the_v4_checksum(
            payload in proptest::collection::vec(any::<u8>(), 0..64),
            bit in any::<prop::sample::Index>(),
        ) {
            let echo = EchoRepr { kind: EchoKind::Reply, ident: 1, seq: 2, payload };
            let mut bytes = echo.emit(false);
            let bit = bit.index(bytes.len() * 8);
            bytes[bit / 8] ^= 1 << (bit % 8);
            prop_assert!(EchoRepr::parse(&bytes, false).is_err());
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..128),
            v6 in any::<bool>(),
        ) {
            let _ = EchoRepr::parse(&bytes, v6);
            let _ = strip_ipv4_header(&bytes);
            let _ = checksum(&bytes);
        }
    }
}
