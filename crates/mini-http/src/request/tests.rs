//! The request parser's tests: a golden table of requests and what a server must answer,
//! then the parser's promises checked on generated input (incremental, never panics).

use super::*;
use crate::body::{expects_continue, framing};
use proptest::prelude::*;
use RequestError as E;

/// The parser, then the body's framing and the expectation: what the server decides from
/// a head alone.
fn judge(bytes: &[u8], limits: &Limits) -> Result<Request, RequestError> {
    match parse(bytes, limits)? {
        Parsed::Partial => panic!("partial: {:?}", bytes.escape_ascii().to_string()),
        Parsed::Complete { request, head_len } => {
            assert_eq!(head_len, bytes.len(), "the table's requests have no body");
            framing(&request, limits)?;
            expects_continue(&request)?;
            Ok(request)
        }
    }
}

/// One row: a head, the status a server answers it with (200: accepted by the parser and
/// the framing rules), and the error (`None` when accepted).
struct Row {
    bytes: Vec<u8>,
    status: u16,
    error: Option<RequestError>,
}

fn ok(bytes: impl AsRef<[u8]>) -> Row {
    Row {
        bytes: bytes.as_ref().to_vec(),
        status: 200,
        error: None,
    }
}

fn bad(bytes: impl AsRef<[u8]>, status: u16, error: RequestError) -> Row {
    Row {
        bytes: bytes.as_ref().to_vec(),
        status,
        error: Some(error),
    }
}

/// `GET / HTTP/1.1`, `Host: a`, then `fields` (each line ending CRLF) and the empty line.
fn get(fields: &str) -> String {
    format!("GET / HTTP/1.1\r\nHost: a\r\n{fields}\r\n")
}

fn post(fields: &str) -> String {
    format!("POST /up HTTP/1.1\r\nHost: a\r\n{fields}\r\n")
}

fn golden() -> Vec<Row> {
    let limits = Limits::default();
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(8192));
    let many_fields = get(&"X-A: 1\r\n".repeat(100));
    let huge_field = get(&format!("X-Big: {}\r\n", "b".repeat(16 * 1024)));
    vec![
        // --- Accepted ---
        ok("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ok("GET / HTTP/1.0\r\n\r\n"),
        ok("GET / HTTP/1.1\nHost: a\n\n"),
        ok("GET / HTTP/1.1\r\nHost: a\n\r\n"),
        ok("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ok("\r\n\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        ok("GET http://example.com/a?b=%20 HTTP/1.1\r\nHost: example.com\r\n\r\n"),
        ok("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"),
        ok("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
        ok("GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
        ok("GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n"),
        ok("GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n"),
        ok("GET / HTTP/1.1\r\nHost: xn--fsq.example:\r\n\r\n"),
        ok("GET / HTTP/1.1\r\nHost:\r\n\r\n"),
        ok("GET / HTTP/1.1\r\nHost:a \t\r\n\r\n"),
        ok(get("X-Tab: a\tb\r\n")),
        ok(get("X-Latin-1: caf\u{e9}\r\n")),
        ok(b"GET / HTTP/1.1\r\nHost: a\r\nX-Bytes: \xff\xfe\r\n\r\n"),
        ok(get("X-Empty:\r\n")),
        ok(post("Content-Length: 5\r\n")),
        ok(post("Content-Length: 0005\r\n")),
        ok(post("Transfer-Encoding: chunked\r\n")),
        ok(post("Transfer-Encoding: Chunked\r\n")),
        ok(post("Transfer-Encoding: , chunked ,\r\n")),
        ok(post("Expect: 100-continue\r\nContent-Length: 5\r\n")),
        ok(get("Connection: keep-alive, close\r\n")),
        // Unknown and lower-case methods are tokens: the server answers them (501).
        ok("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n"),
        ok("get / HTTP/1.1\r\nHost: a\r\n\r\n"),
        // --- Smuggling classics ---
        bad(
            post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n"),
            400,
            E::TransferEncodingWithContentLength,
        ),
        bad(
            post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n"),
            400,
            E::TransferEncodingWithContentLength,
        ),
        bad(
            post("Content-Length: 4\r\nTransfer-Encoding: identity\r\n"),
            400,
            E::TransferEncodingWithContentLength,
        ),
        bad(
            post("Transfer-Encoding: chunked, gzip\r\n"),
            400,
            E::ChunkedNotLast,
        ),
        bad(
            post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"),
            400,
            E::ChunkedNotLast,
        ),
        bad(
            post("Transfer-Encoding: identity\r\n"),
            400,
            E::ChunkedNotLast,
        ),
        bad(
            post("Transfer-Encoding: xchunked\r\n"),
            400,
            E::ChunkedNotLast,
        ),
        bad(post("Transfer-Encoding:\r\n"), 400, E::ChunkedNotLast),
        bad(
            post("Transfer-Encoding: chunked, chunked\r\n"),
            400,
            E::ChunkedTwice,
        ),
        bad(
            post("Transfer-Encoding: gzip, chunked\r\n"),
            501,
            E::UnknownTransferCoding("gzip".into()),
        ),
        bad(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
            E::TransferEncodingInHttp10,
        ),
        bad(
            post("Content-Length: 5\r\n Transfer-Encoding: chunked\r\n"),
            400,
            E::ObsFold,
        ),
        bad("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, E::ObsFold),
        bad(get("X-Folded: a\r\n\tb\r\n"), 400, E::ObsFold),
        bad(post("Content-Length : 5\r\n"), 400, E::SpaceBeforeColon),
        bad(
            post("Transfer-Encoding\t: chunked\r\n"),
            400,
            E::SpaceBeforeColon,
        ),
        bad(
            post("Content-Length: 5\r\nContent-Length: 5\r\n"),
            400,
            E::MultipleContentLength,
        ),
        bad(
            post("Content-Length: 5, 5\r\n"),
            400,
            E::MultipleContentLength,
        ),
        bad(
            post("Content-Length: 5, 6\r\n"),
            400,
            E::MultipleContentLength,
        ),
        bad(post("Content-Length: -1\r\n"), 400, E::InvalidContentLength),
        bad(post("Content-Length: +5\r\n"), 400, E::InvalidContentLength),
        bad(
            post("Content-Length: 0x10\r\n"),
            400,
            E::InvalidContentLength,
        ),
        bad(
            post("Content-Length: 5 5\r\n"),
            400,
            E::InvalidContentLength,
        ),
        bad(post("Content-Length:\r\n"), 400, E::InvalidContentLength),
        bad(
            post("Content-Length: 18446744073709551616\r\n"),
            400,
            E::ContentLengthOverflow,
        ),
        bad(
            post("Content-Length: 1048577\r\n"),
            413,
            E::BodyTooLarge {
                max: limits.max_body,
            },
        ),
        bad(
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            400,
            E::DuplicateHost,
        ),
        bad(
            "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n",
            400,
            E::DuplicateHost,
        ),
        bad(
            "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
            400,
            E::DuplicateHost,
        ),
        bad("GET / HTTP/1.1\r\n\r\n", 400, E::MissingHost),
        bad("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: a:80x\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: a:1:2\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, E::InvalidHost),
        bad("GET / HTTP/1.1\r\nHost: %zz\r\n\r\n", 400, E::InvalidHost),
        // --- The request line ---
        bad("GET / http/1.1\r\nHost: a\r\n\r\n", 400, E::InvalidVersion),
        bad("GET / HTTP/1\r\nHost: a\r\n\r\n", 400, E::InvalidVersion),
        bad("GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400, E::InvalidVersion),
        bad("GET / HTTP/11\r\nHost: a\r\n\r\n", 400, E::InvalidVersion),
        bad("GET / HTTP/2.\r\nHost: a\r\n\r\n", 400, E::InvalidVersion),
        bad(
            "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::InvalidVersion,
        ),
        bad(
            "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
            505,
            E::UnsupportedVersion("HTTP/2.0".into()),
        ),
        bad(
            "GET / HTTP/3\r\nHost: a\r\n\r\n",
            505,
            E::UnsupportedVersion("HTTP/3".into()),
        ),
        bad(
            "GET / HTTP/0.9\r\n\r\n",
            505,
            E::UnsupportedVersion("HTTP/0.9".into()),
        ),
        bad(
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad(
            "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad(
            "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad(
            "GET /\tHTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad(
            "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad(
            " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::RequestLineSpacing,
        ),
        bad("GET / \r\nHost: a\r\n\r\n", 400, E::RequestLineSpacing),
        bad("GET /\r\n\r\n", 400, E::IncompleteRequestLine),
        bad("GET\r\n\r\n", 400, E::IncompleteRequestLine),
        bad("GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::InvalidMethod),
        bad(
            format!("{} / HTTP/1.1\r\nHost: a\r\n\r\n", "M".repeat(33)),
            501,
            E::MethodTooLong { max: 32 },
        ),
        bad(
            b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::InvalidTarget,
        ),
        bad(
            b"GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::InvalidTarget,
        ),
        bad(
            long_target,
            414,
            E::TargetTooLong {
                max: limits.max_target,
            },
        ),
        bad(
            "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            400,
            E::TooManyEmptyLines { max: 4 },
        ),
        // --- Line ends, controls, NUL ---
        bad("GET / HTTP/1.1\rHost: a\r\n\r\n", 400, E::BareCr),
        bad(get("X: a\rb\r\n"), 400, E::BareCr),
        bad("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", 400, E::BareCr),
        bad("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::BareCr),
        bad(get("X: a\0b\r\n"), 400, E::Nul),
        bad("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", 400, E::Nul),
        bad(get("X\0: a\r\n"), 400, E::Nul),
        bad(
            get("X: a\x01b\r\n"),
            400,
            E::InvalidHeaderValue { name: "X".into() },
        ),
        bad(
            get("X: a\x7fb\r\n"),
            400,
            E::InvalidHeaderValue { name: "X".into() },
        ),
        // --- Header fields ---
        bad(get("X@Y: 1\r\n"), 400, E::InvalidHeaderName),
        bad(get(": 1\r\n"), 400, E::InvalidHeaderName),
        bad(get("X-No-Colon\r\n"), 400, E::MissingColon),
        bad(many_fields, 431, E::TooManyHeaders { max: 100 }),
        bad(
            huge_field,
            431,
            E::HeadTooLarge {
                max: limits.max_head,
            },
        ),
        bad(
            get("Expect: 200-ok\r\n"),
            417,
            E::UnsupportedExpectation("200-ok".into()),
        ),
    ]
}

#[test]
fn golden_table() {
    let limits = Limits::default();
    let rows = golden();
    assert!(rows.len() >= 40);
    for row in rows {
        let shown = row.bytes.escape_ascii().to_string();
        let got = judge(&row.bytes, &limits);
        match (&got, &row.error) {
            (Ok(_), None) => assert_eq!(row.status, 200, "{shown}"),
            (Err(error), Some(expected)) => {
                assert_eq!(error, expected, "{shown}");
                assert_eq!(error.status().as_u16(), row.status, "{shown}: {error}");
            }
            _ => panic!("{shown}: got {got:?}, expected {:?}", row.error),
        }
        // However the bytes arrive, no prefix gives another answer: a prefix is Partial,
        // or already refused for the same reason.
        let whole = parse(&row.bytes, &limits);
        for end in 0..row.bytes.len() {
            match parse(&row.bytes[..end], &limits) {
                Ok(Parsed::Partial) => {}
                Err(error) if Err(&error) == whole.as_ref() => {}
                other => panic!("{shown}: prefix {end} gave {other:?}, whole {whole:?}"),
            }
        }
    }
}

#[test]
fn a_request_is_read_into_its_parts() {
    let bytes = b"\r\nPOST /up?x=1 HTTP/1.1\r\nHost: h:1\r\nX-Two:  a b \r\nx-two: c\r\n\r\nbody";
    let Ok(Parsed::Complete { request, head_len }) = parse(bytes, &Limits::default()) else {
        panic!("complete")
    };
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.target, "/up?x=1");
    assert_eq!(request.version, Version::Http11);
    let fields: Vec<(&str, &[u8])> = request.headers.iter().collect();
    assert_eq!(
        fields,
        [("Host", &b"h:1"[..]), ("X-Two", b"a b"), ("x-two", b"c")]
    );
    assert_eq!(&bytes[head_len..], b"body");
}

#[test]
fn methods_are_known_or_other() {
    let limits = Limits::default();
    for name in [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "get",
        "PROPFIND",
    ] {
        let bytes = format!("{name} / HTTP/1.1\r\nHost: a\r\n\r\n");
        let Ok(Parsed::Complete { request, .. }) = parse(bytes.as_bytes(), &limits) else {
            panic!("{name}")
        };
        assert_eq!(request.method.as_str(), name);
        assert_eq!(request.method.to_string(), name);
        let known = !matches!(request.method, Method::Other(_));
        assert_eq!(
            known,
            name.bytes().all(|b| b.is_ascii_uppercase()) && name != "PROPFIND"
        );
    }
    assert_eq!(Version::Http10.to_string(), "HTTP/1.0");
}

#[test]
fn limits_are_enforced_as_soon_as_they_are_passed() {
    let limits = Limits {
        max_target: 10,
        max_head: 64,
        max_fields: 2,
        max_body: 100,
    };
    // The target is refused at its 11th byte, with no version or line end in sight.
    assert_eq!(
        parse(b"GET /123456789A", &limits),
        Err(E::TargetTooLong { max: 10 })
    );
    assert_eq!(parse(b"GET /123456789", &limits), Ok(Parsed::Partial));
    // A head that is not over at byte 64 is refused at byte 65, still partial.
    let head = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}", "v".repeat(100));
    assert_eq!(parse(&head.as_bytes()[..64], &limits), Ok(Parsed::Partial));
    assert_eq!(
        parse(&head.as_bytes()[..65], &limits),
        Err(E::HeadTooLarge { max: 64 })
    );
    // The third field is refused at its first byte.
    assert_eq!(
        parse(b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB", &limits),
        Err(E::TooManyHeaders { max: 2 })
    );
    // A head of exactly the limit is fine, with a body after it.
    let exact = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n", "v".repeat(32));
    assert_eq!(exact.len(), 64);
    let with_body = format!("{exact}and a body after it");
    assert!(matches!(
        parse(with_body.as_bytes(), &limits),
        Ok(Parsed::Complete { head_len: 64, .. })
    ));
}

#[test]
fn a_target_longer_than_the_head_limit_is_still_414() {
    let limits = Limits {
        max_target: 1000,
        max_head: 100,
        ..Limits::default()
    };
    let bytes = format!("GET /{}", "a".repeat(200));
    assert_eq!(
        parse(bytes.as_bytes(), &limits),
        Err(E::TargetTooLong { max: 1000 })
    );
}

#[test]
fn every_error_has_a_message_and_a_client_or_server_error_status() {
    for row in golden() {
        if let Some(error) = row.error {
            assert!(!error.to_string().is_empty());
            assert!(error.status().is_error(), "{error}");
        }
    }
}

/// A header field that the parser must accept, as (name, value).
fn field() -> impl Strategy<Value = (String, String)> {
    (
        "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}",
        "[ -~\t]{0,20}".prop_map(|v| v.trim_matches([' ', '\t']).to_string()),
    )
        .prop_filter("Host is added apart", |(name, _)| {
            !name.eq_ignore_ascii_case("host")
        })
}

/// A valid request head: its bytes, and what it must parse to.
fn valid_request() -> impl Strategy<Value = (Vec<u8>, Request)> {
    let method = prop_oneof![
        Just("GET".to_string()),
        Just("HEAD".to_string()),
        Just("POST".to_string()),
        "[A-Z]{1,10}",
    ];
    (
        0..=MAX_EMPTY_LINES,
        method,
        "/[A-Za-z0-9/._~%?=&-]{0,30}",
        any::<bool>(),
        "[a-z0-9.-]{0,15}(:[0-9]{1,5})?",
        proptest::collection::vec(field(), 0..10),
        proptest::collection::vec(any::<bool>(), 16),
    )
        .prop_map(|(empty, method, target, http10, host, fields, crlf)| {
            // Each line ends with CRLF or LF alone, as chosen.
            let mut ends = crlf.into_iter().cycle();
            let mut end = move || {
                if ends.next() == Some(true) {
                    "\r\n"
                } else {
                    "\n"
                }
            };
            let version = if http10 { "HTTP/1.0" } else { "HTTP/1.1" };
            let mut bytes = String::new();
            for _ in 0..empty {
                bytes += end();
            }
            bytes += &format!("{method} {target} {version}{}", end());
            let mut headers = Headers::new();
            let mut all = vec![("Host".to_string(), host)];
            all.extend(fields);
            for (name, value) in &all {
                bytes += &format!(
                    "{name}:{}{value}{}",
                    if value.len() % 2 == 0 { " " } else { "" },
                    end()
                );
                headers.push(name.as_bytes(), value.as_bytes());
            }
            bytes += end();
            let request = Request {
                method: Method::from_token(method.as_bytes()),
                target,
                version: if http10 {
                    Version::Http10
                } else {
                    Version::Http11
                },
                headers,
            };
            (bytes.into_bytes(), request)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_valid_request_is_partial_until_its_last_byte((bytes, expected) in valid_request()) {
        let limits = Limits::default();
        for end in 0..bytes.len() {
            prop_assert_eq!(parse(&bytes[..end], &limits), Ok(Parsed::Partial), "prefix {}", end);
        }
        let parsed = parse(&bytes, &limits);
        prop_assert_eq!(parsed, Ok(Parsed::Complete { request: expected, head_len: bytes.len() }));
    }

    #[test]
    fn what_follows_the_head_is_left_alone(
        (bytes, expected) in valid_request(),
        rest in proptest::collection::vec(any::<u8>(), 0..50),
    ) {
        let mut all = bytes.clone();
        all.extend_from_slice(&rest);
        let parsed = parse(&all, &Limits::default());
        prop_assert_eq!(parsed, Ok(Parsed::Complete { request: expected, head_len: bytes.len() }));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let small = Limits { max_target: 8, max_head: 40, max_fields: 2, max_body: 10 };
        for limits in [Limits::default(), small] {
            if let Ok(Parsed::Complete { head_len, .. }) = parse(&bytes, &limits) {
                prop_assert!(head_len <= bytes.len());
            }
        }
    }

    #[test]
    fn http_like_bytes_never_panic(text in "[A-Za-z0-9 /:.,;\\[\\]@%\r\n\t\0\u{7f}\u{e9}-]{0,200}") {
        let bytes = format!("GET / HTTP/1.1\r\nHost: a\r\n{text}");
        for end in 0..=bytes.len() {
            if let Ok(Parsed::Complete { request, head_len }) = parse(&bytes.as_bytes()[..end], &Limits::default()) {
                prop_assert!(head_len <= end);
                let _ = framing(&request, &Limits::default());
                let _ = expects_continue(&request);
            }
        }
    }
}
