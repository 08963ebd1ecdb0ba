//! Golden bytes, every error, and property tests for the protocol.

use super::*;
use framing::pystruct::{self, Value};
use proptest::prelude::*;

/// The SHA-256 of `b"abc"` (FIPS 180-2's first example).
const SHA256_ABC: [u8; 32] = [
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
];

fn sample_request() -> Request {
    Request {
        name: "dir/a.txt".into(),
        offset: 0x0102_0304_0506_0708,
        want_sha256: true,
    }
}

/// A response with every variable part: a digest and a message. (A server sends no
/// message with an ok; the wire allows one, and this one fills every field.)
fn full_response() -> Response {
    Response {
        message: "resumed".into(),
        ..Response::ok(3, 1_700_000_000, 1, Some(SHA256_ABC))
    }
}

// ---- golden bytes -------------------------------------------------------------------

#[test]
fn golden_request() {
    #[rustfmt::skip]
    let expected: &[u8] = &[
        b'F', b'D', b'L', b'1',                          // magic
        0x01,                                            // flags: SHA-256 wanted
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // offset
        0x00, 0x09,                                      // name length
        b'd', b'i', b'r', b'/', b'a', b'.', b't', b'x', b't',
    ];
    assert_eq!(sample_request().encode().unwrap(), expected);
    assert_eq!(
        Request::read_from(&mut &expected[..]).unwrap(),
        sample_request()
    );
}

#[test]
fn golden_request_without_flags() {
    let request = Request {
        name: String::new(),
        offset: 0,
        want_sha256: false,
    };
    #[rustfmt::skip]
    let expected: &[u8] = &[
        b'F', b'D', b'L', b'1', 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00,
    ];
    assert_eq!(request.encode().unwrap(), expected);
}

#[test]
fn golden_response_without_sha256() {
    let response = Response::ok(4096, -1, 1024, None);
    #[rustfmt::skip]
    let expected: &[u8] = &[
        b'F', b'D', b'L', b'1',                          // magic
        0x00,                                            // status: ok
        0x00,                                            // flags: no SHA-256
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,  // size: 4096
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // mtime: -1 (1969-12-31T23:59:59Z)
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,  // offset: 1024
        0x00, 0x00,                                      // message length
    ];
    assert_eq!(response.encode().unwrap(), expected);
    assert_eq!(Response::read_from(&mut &expected[..]).unwrap(), response);
}

#[test]
fn golden_response_with_sha256() {
    #[rustfmt::skip]
    let mut expected = vec![
        b'F', b'D', b'L', b'1',                          // magic
        0x00,                                            // status: ok
        0x01,                                            // flags: SHA-256 follows
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,  // size: 3
        0x00, 0x00, 0x00, 0x00, 0x65, 0x53, 0xf1, 0x00,  // mtime: 1_700_000_000
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // offset: 1
        0x00, 0x07,                                      // message length
    ];
    expected.extend_from_slice(&SHA256_ABC);
    expected.extend_from_slice(b"resumed");
    assert_eq!(full_response().encode().unwrap(), expected);
    assert_eq!(
        Response::read_from(&mut &expected[..]).unwrap(),
        full_response()
    );
}

#[test]
fn golden_error_response() {
    let response = Response::error(Status::NotFound, "no such file");
    #[rustfmt::skip]
    let expected: &[u8] = &[
        b'F', b'D', b'L', b'1',
        0x01,                                            // status: not found
        0x00,
        0, 0, 0, 0, 0, 0, 0, 0,                          // size
        0, 0, 0, 0, 0, 0, 0, 0,                          // mtime
        0, 0, 0, 0, 0, 0, 0, 0,                          // offset
        0x00, 0x0c,                                      // message length: 12
        b'n', b'o', b' ', b's', b'u', b'c', b'h', b' ', b'f', b'i', b'l', b'e',
    ];
    assert_eq!(response.encode().unwrap(), expected);
    assert_eq!(response.body_len(), 0);
}

// ---- the same headers through lesson 3's `struct` -----------------------------------

#[test]
fn request_header_is_struct_format_4sbqh() {
    let request = sample_request();
    let head = pystruct::pack(
        "!4sBQH",
        &[
            Value::from(b"FDL1"),
            1u8.into(),
            request.offset.into(),
            request.name.len().into(),
        ],
    )
    .unwrap();
    assert_eq!(pystruct::calcsize("!4sBQH").unwrap(), REQUEST_HEADER_LEN);
    assert_eq!(request.encode().unwrap()[..REQUEST_HEADER_LEN], head[..]);
}

#[test]
fn response_header_is_struct_format_4sbbqqqh() {
    let response = full_response();
    let head = pystruct::pack(
        "!4sBBQqQH",
        &[
            Value::from(b"FDL1"),
            0u8.into(),
            1u8.into(),
            response.size.into(),
            response.mtime.into(),
            response.offset.into(),
            response.message.len().into(),
        ],
    )
    .unwrap();
    assert_eq!(
        pystruct::calcsize("!4sBBQqQH").unwrap(),
        RESPONSE_HEADER_LEN
    );
    assert_eq!(response.encode().unwrap()[..RESPONSE_HEADER_LEN], head[..]);
}

#[test]
fn field_ranges_match_the_encoders() {
    use byteorder::{BigEndian, ByteOrder};
    let bytes = sample_request().encode().unwrap();
    let f = field::request::FLAGS;
    assert_eq!(bytes[f], field::request::WANT_SHA256);
    assert_eq!(
        BigEndian::read_u64(&bytes[field::request::OFFSET]),
        sample_request().offset
    );
    assert_eq!(BigEndian::read_u16(&bytes[field::request::NAME_LEN]), 9);

    let r = full_response();
    let bytes = r.encode().unwrap();
    assert_eq!(bytes[field::response::MAGIC], MAGIC);
    assert_eq!(bytes[field::response::STATUS], 0);
    assert_eq!(bytes[field::response::FLAGS], field::response::HAS_SHA256);
    assert_eq!(BigEndian::read_u64(&bytes[field::response::SIZE]), r.size);
    assert_eq!(BigEndian::read_i64(&bytes[field::response::MTIME]), r.mtime);
    assert_eq!(
        BigEndian::read_u64(&bytes[field::response::OFFSET]),
        r.offset
    );
    assert_eq!(BigEndian::read_u16(&bytes[field::response::MESSAGE_LEN]), 7);
}

// ---- how a stream ends ---------------------------------------------------------------

#[test]
fn request_cut_at_every_point_is_truncated_except_before_the_first_byte() {
    let bytes = sample_request().encode().unwrap();
    assert!(matches!(
        Request::read_from(&mut &bytes[..0]),
        Err(ProtocolError::Closed)
    ));
    for cut in 1..bytes.len() {
        let expected = if cut < REQUEST_HEADER_LEN {
            REQUEST_HEADER_LEN
        } else {
            bytes.len()
        };
        match Request::read_from(&mut &bytes[..cut]) {
            Err(ProtocolError::Truncated {
                got,
                expected_at_least,
            }) => assert_eq!((got, expected_at_least), (cut, expected), "cut at {cut}"),
            other => panic!("cut at {cut}: {other:?}"),
        }
        assert_eq!(
            check(&bytes[..cut]).unwrap(),
            Check::Partial,
            "cut at {cut}"
        );
    }
    assert_eq!(check(&bytes).unwrap(), Check::Complete(bytes.len()));
}

#[test]
fn response_cut_at_every_point_is_truncated_except_before_the_first_byte() {
    let bytes = full_response().encode().unwrap();
    assert!(matches!(
        Response::read_from(&mut &bytes[..0]),
        Err(ProtocolError::Closed)
    ));
    for cut in 1..bytes.len() {
        let expected = if cut < RESPONSE_HEADER_LEN {
            RESPONSE_HEADER_LEN
        } else {
            bytes.len()
        };
        match Response::read_from(&mut &bytes[..cut]) {
            Err(ProtocolError::Truncated {
                got,
                expected_at_least,
            }) => assert_eq!((got, expected_at_least), (cut, expected), "cut at {cut}"),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

#[test]
fn reading_stops_at_the_end_of_the_header() {
    // The file's bytes (or a next request) follow the header on the same stream.
    let mut wire = full_response().encode().unwrap();
    wire.extend_from_slice(b"bc");
    let mut stream = &wire[..];
    let response = Response::read_from(&mut stream).unwrap();
    assert_eq!(stream, b"bc");
    assert_eq!(response.body_len(), 2);

    let mut wire = sample_request().encode().unwrap();
    wire.extend_from_slice(b"FDL1");
    let mut stream = &wire[..];
    Request::read_from(&mut stream).unwrap();
    assert_eq!(stream, b"FDL1");
}

/// A reader that is interrupted by a signal before each byte, then fails.
struct Flaky {
    data: &'static [u8],
    interrupt: bool,
}

impl Read for Flaky {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.interrupt = !self.interrupt;
        if self.interrupt {
            return Err(io::ErrorKind::Interrupted.into());
        }
        match self.data.split_first() {
            Some((&byte, rest)) if !buf.is_empty() => {
                buf[0] = byte;
                self.data = rest;
                Ok(1)
            }
            _ => Err(io::ErrorKind::ConnectionReset.into()),
        }
    }
}

#[test]
fn interrupted_reads_are_retried_and_errors_are_reported() {
    let wire: &'static [u8] = b"FDL1\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02hi";
    let mut reader = Flaky {
        data: wire,
        interrupt: false,
    };
    assert_eq!(Request::read_from(&mut reader).unwrap().name, "hi");
    let err = Request::read_from(&mut reader).unwrap_err();
    assert!(
        matches!(&err, ProtocolError::Io(e) if e.kind() == io::ErrorKind::ConnectionReset),
        "{err:?}"
    );
}

// ---- requests a server refuses ---------------------------------------------------------

#[test]
fn bad_magic() {
    let mut bytes = sample_request().encode().unwrap();
    bytes[3] = b'2'; // "FDL2": a later version
    let err = Request::read_from(&mut &bytes[..]).unwrap_err();
    assert!(matches!(err, ProtocolError::BadMagic(m) if &m == b"FDL2"));
    assert_eq!(err.to_string(), r#"bad magic b"FDL2": not an FDL1 peer"#);
    assert!(matches!(
        check(&bytes[..4]),
        Err(ProtocolError::BadMagic(_))
    ));
    // Fewer than four bytes cannot be judged yet.
    assert_eq!(check(&bytes[..3]).unwrap(), Check::Partial);

    let mut bytes = full_response().encode().unwrap();
    bytes[0] = 0;
    assert!(matches!(
        Response::read_from(&mut &bytes[..]),
        Err(ProtocolError::BadMagic([0, b'D', b'L', b'1']))
    ));
}

#[test]
fn unknown_flag_bits() {
    for flags in [0x02, 0x80, 0xff] {
        let mut bytes = sample_request().encode().unwrap();
        bytes[field::request::FLAGS] = flags;
        assert!(matches!(
            Request::read_from(&mut &bytes[..]),
            Err(ProtocolError::UnknownFlags(f)) if f == flags
        ));
        // Refused as soon as the flags byte is in.
        assert!(matches!(
            check(&bytes[..5]),
            Err(ProtocolError::UnknownFlags(_))
        ));

        let mut bytes = full_response().encode().unwrap();
        bytes[field::response::FLAGS] = flags;
        assert!(matches!(
            Response::read_from(&mut &bytes[..]),
            Err(ProtocolError::UnknownFlags(f)) if f == flags
        ));
    }
}

/// A request header announcing a name of `len` bytes.
fn header_claiming(len: u16) -> Vec<u8> {
    // Magic, no flags, offset 0.
    let mut bytes = b"FDL1\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    bytes.extend_from_slice(&len.to_be_bytes());
    bytes
}

#[test]
fn name_too_long_is_refused_before_the_name_is_read() {
    for len in [MAX_NAME as u16 + 1, u16::MAX] {
        // An endless stream behind the header: refusing must not wait for it.
        let header = header_claiming(len);
        let mut stream = (&header[..]).chain(io::repeat(b'a'));
        let err = Request::read_from(&mut stream).unwrap_err();
        assert!(matches!(err, ProtocolError::NameTooLong(n) if n == usize::from(len)));
        // Nothing was read past the length field.
        let (rest, _) = stream.get_ref();
        assert!(rest.is_empty());
        let mut next = [0; 1];
        stream.read_exact(&mut next).unwrap();
        assert_eq!(next, *b"a");

        assert!(matches!(check(&header), Err(ProtocolError::NameTooLong(_))));
    }
}

#[test]
fn a_name_of_max_name_bytes_is_accepted() {
    let request = Request {
        name: "n".repeat(MAX_NAME),
        offset: 0,
        want_sha256: false,
    };
    let bytes = request.encode().unwrap();
    assert_eq!(Request::read_from(&mut &bytes[..]).unwrap(), request);

    let longer = Request {
        name: "n".repeat(MAX_NAME + 1),
        ..request
    };
    assert!(matches!(
        longer.encode(),
        Err(ProtocolError::NameTooLong(4097))
    ));
    assert!(longer.write_to(&mut Vec::new()).is_err());
}

#[test]
fn name_not_utf8() {
    let mut bytes = header_claiming(2);
    bytes.extend_from_slice(&[0xc3, 0x28]); // a broken two-byte sequence
    assert!(matches!(
        Request::read_from(&mut &bytes[..]),
        Err(ProtocolError::NotUtf8)
    ));
    assert!(matches!(check(&bytes), Err(ProtocolError::NotUtf8)));
}

// ---- responses a client refuses ---------------------------------------------------------

#[test]
fn unknown_status() {
    for status in [6, 0x80, 0xff] {
        let mut bytes = full_response().encode().unwrap();
        bytes[field::response::STATUS] = status;
        let err = Response::read_from(&mut &bytes[..]).unwrap_err();
        assert!(matches!(err, ProtocolError::UnknownStatus(s) if s == status));
        assert_eq!(err.to_string(), format!("unknown status {status}"));
    }
}

#[test]
fn message_too_long() {
    let mut bytes = Response::error(Status::ServerError, "").encode().unwrap();
    bytes[field::response::MESSAGE_LEN].copy_from_slice(&(MAX_MESSAGE as u16 + 1).to_be_bytes());
    // An endless stream behind the header: refusing must not wait for it.
    let mut stream = (&bytes[..]).chain(io::repeat(b'a'));
    assert!(matches!(
        Response::read_from(&mut stream),
        Err(ProtocolError::MessageTooLong(1025))
    ));
    assert!(stream.get_ref().0.is_empty());

    let response = Response {
        message: "m".repeat(MAX_MESSAGE + 1),
        ..Response::error(Status::ServerError, "")
    };
    assert!(matches!(
        response.encode(),
        Err(ProtocolError::MessageTooLong(1025))
    ));
}

#[test]
fn message_not_utf8() {
    let mut bytes = Response::error(Status::BadRequest, "ab").encode().unwrap();
    let end = bytes.len();
    bytes[end - 1] = 0xff;
    assert!(matches!(
        Response::read_from(&mut &bytes[..]),
        Err(ProtocolError::NotUtf8)
    ));
}

#[test]
fn offset_beyond_size() {
    let mut bytes = Response::ok(10, 0, 10, None).encode().unwrap();
    bytes[field::response::OFFSET].copy_from_slice(&11u64.to_be_bytes());
    assert!(matches!(
        Response::read_from(&mut &bytes[..]),
        Err(ProtocolError::OffsetBeyondSize {
            offset: 11,
            size: 10
        })
    ));
    let response = Response {
        offset: 11,
        ..Response::ok(10, 0, 0, None)
    };
    assert!(matches!(
        response.encode(),
        Err(ProtocolError::OffsetBeyondSize { .. })
    ));
}

// ---- building responses ------------------------------------------------------------------

#[test]
fn ok_clamps_the_offset_to_the_size() {
    assert_eq!(Response::ok(10, 0, 0, None).body_len(), 10);
    assert_eq!(Response::ok(10, 0, 10, None).body_len(), 0);
    let shrunk = Response::ok(10, 0, 11, None);
    assert_eq!((shrunk.offset, shrunk.body_len()), (10, 0));
    assert!(shrunk.encode().is_ok());
}

#[test]
fn error_cuts_a_long_message_on_a_character_boundary() {
    // 1023 ASCII bytes, then a two-byte character that would end at byte 1025.
    let message = format!("{}é", "a".repeat(MAX_MESSAGE - 1));
    let response = Response::error(Status::ServerError, &message);
    assert_eq!(response.message.len(), MAX_MESSAGE - 1);
    assert!(response.encode().is_ok());
}

#[test]
fn status_bytes_and_texts() {
    for byte in 0..=u8::MAX {
        match Status::from_u8(byte) {
            Some(status) => assert_eq!(status.as_u8(), byte),
            None => assert!(byte > 5, "{byte}"),
        }
    }
    let texts: Vec<String> = (0..6)
        .filter_map(Status::from_u8)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        texts,
        [
            "ok",
            "not found",
            "forbidden",
            "not a regular file",
            "bad request",
            "server error"
        ]
    );
}

// ---- properties ----------------------------------------------------------------------------

fn any_status() -> impl Strategy<Value = Status> {
    (0u8..6).prop_map(|b| Status::from_u8(b).expect("0..6 are all statuses"))
}

fn any_response() -> impl Strategy<Value = Response> {
    (
        any_status(),
        any::<(u64, u64)>(),
        any::<i64>(),
        proptest::option::of(any::<[u8; 32]>()),
        ".{0,100}",
    )
        .prop_map(|(status, (a, b), mtime, sha256, message)| Response {
            status,
            size: a.max(b),
            mtime,
            offset: a.min(b),
            sha256,
            message,
        })
}

/// A request header with valid magic and arbitrary fields, then arbitrary bytes: a peer
/// that knows the protocol but not the rules.
fn almost_a_request() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<u8>(),
        any::<u64>(),
        prop_oneof![0u16..20, any::<u16>()],
        prop::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(flags, offset, len, rest)| {
            let mut bytes = MAGIC.to_vec();
            bytes.push(flags & 0x03);
            bytes.extend_from_slice(&offset.to_be_bytes());
            bytes.extend_from_slice(&len.to_be_bytes());
            bytes.extend_from_slice(&rest);
            bytes
        })
}

proptest! {
    #[test]
    fn requests_round_trip(name in ".{0,300}", offset in any::<u64>(), want_sha256 in any::<bool>()) {
        let request = Request { name, offset, want_sha256 };
        let bytes = request.encode().unwrap();
        prop_assert_eq!(check(&bytes).unwrap(), Check::Complete(bytes.len()));
        prop_assert_eq!(Request::read_from(&mut &bytes[..]).unwrap(), request);
    }

    #[test]
    fn responses_round_trip(response in any_response()) {
        let mut wire = Vec::new();
        response.write_to(&mut wire).unwrap();
        prop_assert_eq!(Response::read_from(&mut &wire[..]).unwrap(), response);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_stay_bounded(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..80), almost_a_request()],
    ) {
        let mut stream = &bytes[..];
        let read = Request::read_from(&mut stream);
        let consumed = bytes.len() - stream.len();
        prop_assert!(consumed <= REQUEST_HEADER_LEN + MAX_NAME);
        if let Ok(request) = &read {
            prop_assert!(request.name.capacity() <= MAX_NAME);
        }
        // check and read_from agree: Complete(n) exactly when read_from succeeds on n bytes.
        match check(&bytes) {
            Ok(Check::Complete(n)) => {
                prop_assert!(read.is_ok());
                prop_assert_eq!(n, consumed);
            }
            Ok(Check::Partial) => {
                let ended = matches!(read, Err(ProtocolError::Closed | ProtocolError::Truncated { .. }));
                prop_assert!(ended, "{:?}", read);
            }
            Err(_) => prop_assert!(read.is_err()),
        }

        let mut stream = &bytes[..];
        if let Ok(response) = Response::read_from(&mut stream) {
            prop_assert!(response.message.capacity() <= MAX_MESSAGE);
            prop_assert!(response.offset <= response.size);
        }
        prop_assert!(bytes.len() - stream.len() <= RESPONSE_HEADER_LEN + SHA256_LEN + MAX_MESSAGE);
    }

    #[test]
    fn arbitrary_response_headers_never_panic(
        status in any::<u8>(),
        flags in 0u8..4,
        fixed in any::<(u64, i64, u64)>(),
        len in prop_oneof![0u16..40, any::<u16>()],
        rest in prop::collection::vec(any::<u8>(), 0..80),
    ) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[status, flags]);
        bytes.extend_from_slice(&fixed.0.to_be_bytes());
        bytes.extend_from_slice(&fixed.1.to_be_bytes());
        bytes.extend_from_slice(&fixed.2.to_be_bytes());
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(&rest);
        let mut stream = &bytes[..];
        if let Ok(response) = Response::read_from(&mut stream) {
            prop_assert!(response.message.len() <= MAX_MESSAGE);
            prop_assert!(response.body_len() <= response.size);
        }
        prop_assert!(bytes.len() - stream.len() <= RESPONSE_HEADER_LEN + SHA256_LEN + MAX_MESSAGE);
    }
}
