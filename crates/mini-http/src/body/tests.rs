//! The body's tests: framing, `Expect`, keep-alive, and the chunked decoder (whole, in
//! every split, and on arbitrary bytes).

use super::*;
use crate::request::{parse, Parsed};
use proptest::prelude::*;
use RequestError as E;

fn request(head: &str) -> Request {
    match parse(head.as_bytes(), &Limits::default()) {
        Ok(Parsed::Complete { request, .. }) => request,
        other => panic!("{head:?}: {other:?}"),
    }
}

#[test]
fn framing_without_a_body() {
    let limits = Limits::default();
    let get = request("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(framing(&get, &limits), Ok(Framing::None));
    let zero = request("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(framing(&zero, &limits), Ok(Framing::Length(0)));
}

#[test]
fn the_body_limit_is_inclusive() {
    let limits = Limits {
        max_body: 10,
        ..Limits::default()
    };
    let at = request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
    assert_eq!(framing(&at, &limits), Ok(Framing::Length(10)));
    let over = request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
    assert_eq!(framing(&over, &limits), Err(E::BodyTooLarge { max: 10 }));
    let max = request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551615\r\n\r\n");
    let unlimited = Limits {
        max_body: u64::MAX,
        ..Limits::default()
    };
    assert_eq!(framing(&max, &unlimited), Ok(Framing::Length(u64::MAX)));
}

#[test]
fn expectations() {
    let with = |expect: &str, version: &str| {
        let head = format!("PUT / {version}\r\nHost: a\r\nExpect: {expect}\r\n\r\n");
        expects_continue(&request(&head))
    };
    assert_eq!(with("100-continue", "HTTP/1.1"), Ok(true));
    assert_eq!(with("100-CONTINUE", "HTTP/1.1"), Ok(true));
    // RFC 9110 §10.1.1: ignored in HTTP/1.0.
    assert_eq!(with("100-continue", "HTTP/1.0"), Ok(false));
    assert_eq!(with("", "HTTP/1.1"), Ok(false));
    assert_eq!(
        with("100-continue, x", "HTTP/1.1"),
        Err(E::UnsupportedExpectation("x".into()))
    );
    assert_eq!(
        with("100-continue=1", "HTTP/1.1").map_err(|e| e.status().as_u16()),
        Err(417)
    );
    assert_eq!(
        expects_continue(&request("GET / HTTP/1.1\r\nHost: a\r\n\r\n")),
        Ok(false)
    );
}

#[test]
fn persistence() {
    let cases = [
        ("HTTP/1.1", "", true),
        ("HTTP/1.1", "Connection: close\r\n", false),
        ("HTTP/1.1", "Connection: Keep-Alive, CLOSE\r\n", false),
        (
            "HTTP/1.1",
            "Connection: upgrade\r\nConnection: close\r\n",
            false,
        ),
        ("HTTP/1.1", "Connection: closed\r\n", true),
        ("HTTP/1.0", "", false),
        ("HTTP/1.0", "Connection: keep-alive\r\n", true),
        ("HTTP/1.0", "Connection: Keep-Alive\r\n", true),
        ("HTTP/1.0", "Connection: keep-alive, close\r\n", false),
    ];
    for (version, fields, expected) in cases {
        let head = format!("GET / {version}\r\nHost: a\r\n{fields}\r\n");
        assert_eq!(keep_alive(&request(&head)), expected, "{head:?}");
    }
}

/// Decodes `input` in one call: the body, and how many bytes it took.
fn decode_all(input: &[u8], limits: &Limits) -> Result<(Vec<u8>, Decoded), RequestError> {
    let mut decoder = ChunkedDecoder::new(limits);
    let mut body = Vec::new();
    let decoded = decoder.decode(input, &mut body)?;
    Ok((body, decoded))
}

fn decode_err(input: &[u8]) -> RequestError {
    match decode_all(input, &Limits::default()) {
        Err(error) => error,
        Ok(other) => panic!("{:?}: {other:?}", input.escape_ascii().to_string()),
    }
}

#[test]
fn chunked_bodies_decode() {
    let limits = Limits::default();
    let cases: [(&[u8], &[u8]); 6] = [
        (b"0\r\n\r\n", b""),
        (b"5\r\nhello\r\n0\r\n\r\n", b"hello"),
        (b"A\r\n0123456789\r\n0\r\n\r\n", b"0123456789"),
        (
            b"a; name=value ;x=\"q\"\r\n0123456789\r\n000\r\n\r\n",
            b"0123456789",
        ),
        (b"1 ;x\r\n!\r\n0\r\nExpires: never\r\nX: y\r\n\r\n", b"!"),
        (b"0000000000000003\r\nabc\r\n0;end\r\n\r\n", b"abc"),
    ];
    for (input, body) in cases {
        let mut with_next = input.to_vec();
        with_next.extend_from_slice(b"GET / HTTP/1.1\r\n");
        assert_eq!(
            decode_all(&with_next, &limits),
            Ok((body.to_vec(), Decoded::Done { used: input.len() })),
            "{:?}",
            input.escape_ascii().to_string()
        );
    }
}

#[test]
fn malformed_chunked_bodies_are_refused() {
    let cases: [(&[u8], RequestError); 17] = [
        (b"\r\n", E::InvalidChunkSize),
        (b"x\r\n", E::InvalidChunkSize),
        (b"0x5\r\nhello\r\n", E::InvalidChunkSize),
        (b"-5\r\n", E::InvalidChunkSize),
        (b"5 \r\nhello\r\n", E::InvalidChunkExtension),
        (b"5;a\x01\r\nhello\r\n", E::InvalidChunkExtension),
        (b"5\nhello\r\n", E::ChunkLineEnding),
        (b"5\rhello\r\n", E::ChunkLineEnding),
        (b"5;a\nhello\r\n", E::ChunkLineEnding),
        (b"5\r\nhelloX\r\n", E::ChunkNotTerminated),
        (b"5\r\nhello\n0\r\n\r\n", E::ChunkNotTerminated),
        (b"5\r\nhello\r\r0\r\n\r\n", E::ChunkNotTerminated),
        (b"0\r\n\n", E::InvalidTrailer),
        (b"0\r\n folded: x\r\n\r\n", E::InvalidTrailer),
        (b"0\r\nX: a\x00\r\n\r\n", E::InvalidTrailer),
        (b"0\r\nX: a\n\r\n", E::InvalidTrailer),
        (b"fffffffffffffffff\r\n", E::ChunkSizeOverflow),
    ];
    for (input, expected) in cases {
        let mut decoder = ChunkedDecoder::new(&Limits {
            max_body: u64::MAX,
            ..Limits::default()
        });
        let got = decoder.decode(input, &mut Vec::new());
        assert_eq!(got, Err(expected), "{:?}", input.escape_ascii().to_string());
    }
    assert_eq!(
        decode_err(&[b'0'; 33]),
        E::InvalidChunkSize,
        "too many digits, even zeros"
    );
    for error in [
        E::InvalidChunkSize,
        E::ChunkNotTerminated,
        E::InvalidTrailer,
    ] {
        assert_eq!(error.status().as_u16(), 400);
    }
}

#[test]
fn chunked_limits() {
    let limits = Limits {
        max_body: 10,
        max_head: 20,
        max_fields: 2,
        ..Limits::default()
    };
    // A size over the limit is refused at the end of its digits, before any data.
    let mut decoder = ChunkedDecoder::new(&limits);
    assert_eq!(
        decoder.decode(b"b;", &mut Vec::new()),
        Err(E::BodyTooLarge { max: 10 })
    );
    // So is one that only the sum of the chunks passes.
    assert_eq!(
        decode_all(b"6\r\n123456\r\n5\r\n", &limits),
        Err(E::BodyTooLarge { max: 10 })
    );
    assert!(decode_all(b"6\r\n123456\r\n4\r\n1234\r\n0\r\n\r\n", &limits).is_ok());
    // A large size is 413 under the limit and 400 only where 64 bits overflow.
    assert_eq!(decode_err(b"ffffffffffff\r\n").status().as_u16(), 413);
    // Extensions: 4 KiB in all, over every chunk.
    let ext = format!("1;{}\r\na\r\n", "e".repeat(2000));
    let body = format!("{ext}{ext}{ext}0\r\n\r\n");
    assert_eq!(
        decode_err(body.as_bytes()),
        E::ChunkExtensionsTooLong {
            max: MAX_CHUNK_EXTENSIONS
        }
    );
    // The trailer is held to the head's limits.
    assert_eq!(
        decode_all(b"0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", &limits),
        Err(E::TooManyHeaders { max: 2 })
    );
    assert_eq!(
        decode_all(b"0\r\nA-Long-Trailer: 12345\r\n\r\n", &limits),
        Err(E::TrailerTooLarge { max: 20 })
    );
}

#[test]
fn a_finished_decoder_takes_nothing_more() {
    let mut decoder = ChunkedDecoder::new(&Limits::default());
    let mut body = Vec::new();
    assert_eq!(
        decoder.decode(b"2\r\nhi\r\n0\r\n\r\nrest", &mut body),
        Ok(Decoded::Done { used: 12 })
    );
    assert!(decoder.is_done());
    assert_eq!(decoder.decoded_len(), 2);
    assert_eq!(
        decoder.decode(b"more", &mut body),
        Ok(Decoded::Done { used: 0 })
    );
    assert_eq!(body, b"hi");
}

/// A chunked body made of `chunks` (empty ones skipped: size 0 would end it), with an
/// extension on some and a trailer.
fn encode(chunks: &[Vec<u8>], trailer: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, chunk) in chunks.iter().filter(|c| !c.is_empty()).enumerate() {
        if i % 2 == 0 {
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        } else {
            out.extend_from_slice(format!("{:X} ; i={i}\r\n", chunk.len()).as_bytes());
        }
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n");
    if trailer {
        out.extend_from_slice(b"Checksum: 1234\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

proptest! {
    #[test]
    fn chunks_decode_to_their_bytes_however_they_are_split(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..6),
        trailer in any::<bool>(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
        next in proptest::collection::vec(any::<u8>(), 0..10),
    ) {
        let encoded = encode(&chunks, trailer);
        let mut stream = encoded.clone();
        stream.extend_from_slice(&next);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        cuts.push(0);
        cuts.push(stream.len());
        cuts.sort_unstable();

        let mut decoder = ChunkedDecoder::new(&Limits::default());
        let mut body = Vec::new();
        let mut end = None;
        for piece in cuts.windows(2) {
            let (from, to) = (piece[0], piece[1]);
            match decoder.decode(&stream[from..to], &mut body) {
                Ok(Decoded::Done { used }) => {
                    end = Some(from + used);
                    break;
                }
                Ok(Decoded::NeedMore) => {}
                Err(error) => return Err(TestCaseError::fail(format!("{error}"))),
            }
        }
        prop_assert_eq!(end, Some(encoded.len()));
        prop_assert_eq!(body, chunks.concat());
    }

    #[test]
    fn byte_by_byte_is_the_same_as_at_once(
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..20), 0..4),
    ) {
        let encoded = encode(&chunks, true);
        let mut decoder = ChunkedDecoder::new(&Limits::default());
        let mut body = Vec::new();
        for (i, byte) in encoded.iter().enumerate() {
            let status = decoder.decode(std::slice::from_ref(byte), &mut body);
            let expected = if i + 1 == encoded.len() { Decoded::Done { used: 1 } } else { Decoded::NeedMore };
            prop_assert_eq!(status, Ok(expected));
        }
        prop_assert_eq!(body, chunks.concat());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_decoder(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        cut in any::<prop::sample::Index>(),
    ) {
        let cut = cut.index(bytes.len() + 1);
        let mut decoder = ChunkedDecoder::new(&Limits { max_body: 50, ..Limits::default() });
        let mut body = Vec::new();
        if let Ok(Decoded::NeedMore) = decoder.decode(&bytes[..cut], &mut body) {
            let _ = decoder.decode(&bytes[cut..], &mut body);
        }
        prop_assert!(body.len() <= 50);
    }

    #[test]
    fn chunk_like_bytes_never_panic_the_decoder(text in "[0-9a-fA-F;= \r\n\tx\"]{0,80}") {
        let mut decoder = ChunkedDecoder::new(&Limits::default());
        let _ = decoder.decode(text.as_bytes(), &mut Vec::new());
    }
}
