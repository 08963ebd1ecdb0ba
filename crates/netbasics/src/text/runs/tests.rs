//! Tests of `runs.rs`.

use super::*;
use crate::text::encode;
use proptest::prelude::*;

fn text(s: &str, bytes: &[u8]) -> Run {
    Run::Text {
        text: s.to_string(),
        bytes: bytes.to_vec(),
    }
}

#[test]
fn clean_text_is_one_run() {
    let mut stream = TextStream::new(Encoding::Utf8);
    assert_eq!(stream.push(b"hello"), vec![text("hello", b"hello")]);
    assert!(stream.finish().is_empty());
}

#[test]
fn an_empty_piece_gives_no_runs() {
    let mut stream = TextStream::new(Encoding::Utf8);
    assert!(stream.push(b"").is_empty());
}

#[test]
fn gbk_character_cut_between_pieces_is_joined() {
    let bytes = encode("你好", Encoding::Gbk).unwrap(); // c4 e3 ba c3
    let mut stream = TextStream::new(Encoding::Gbk);
    assert_eq!(stream.push(&bytes[..3]), vec![text("你", &bytes[..2])]);
    assert_eq!(stream.push(&bytes[3..]), vec![text("好", &bytes[2..])]);
    assert!(stream.finish().is_empty());
}

#[test]
fn a_piece_holding_only_half_a_character_gives_nothing_yet() {
    let mut stream = TextStream::new(Encoding::Utf8);
    assert!(stream.push(b"\xe4").is_empty());
    assert!(stream.push(b"\xbd").is_empty());
    assert_eq!(stream.push(b"\xa0"), vec![text("你", b"\xe4\xbd\xa0")]);
}

#[test]
fn bad_bytes_are_kept_exactly() {
    let mut stream = TextStream::new(Encoding::Utf8);
    assert_eq!(
        stream.push(b"a\xffb\xc0\xafc"),
        vec![
            text("a", b"a"),
            Run::Bad(vec![0xff]),
            text("b", b"b"),
            Run::Bad(vec![0xc0]),
            Run::Bad(vec![0xaf]),
            text("c", b"c"),
        ]
    );
}

#[test]
fn a_real_replacement_character_is_text() {
    // U+FFFD sent on purpose (ef bf bd) is a character like any other.
    let mut stream = TextStream::new(Encoding::Utf8);
    assert_eq!(
        stream.push("x\u{fffd}".as_bytes()),
        vec![text("x\u{fffd}", "x\u{fffd}".as_bytes())]
    );
}

#[test]
fn gbk_lead_byte_before_ascii_is_bad_and_the_ascii_stays_text() {
    // 0x81 starts a two-byte character, but 0x20 cannot end one.
    let mut stream = TextStream::new(Encoding::Gbk);
    assert_eq!(
        stream.push(b"\x81 ok"),
        vec![Run::Bad(vec![0x81]), text(" ok", b" ok")]
    );
}

#[test]
fn an_unfinished_character_at_the_end_is_bad_on_finish() {
    let mut stream = TextStream::new(Encoding::Utf8);
    assert_eq!(stream.push(b"ok\xe5\xa5"), vec![text("ok", b"ok")]);
    assert_eq!(stream.finish(), vec![Run::Bad(vec![0xe5, 0xa5])]);
    assert!(stream.finish().is_empty());
}

#[test]
fn utf16_is_read_little_endian_and_keeps_the_mark() {
    let mut stream = TextStream::new(Encoding::Utf16);
    let runs = stream.push(b"\xff\xfeh\x00");
    assert_eq!(runs, vec![text("\u{feff}h", b"\xff\xfeh\x00")]);
    // An odd byte waits for its partner.
    assert!(stream.push(b"i").is_empty());
    assert_eq!(stream.push(b"\x00"), vec![text("i", b"i\x00")]);
}

#[test]
fn latin1_has_no_bad_bytes() {
    let mut stream = TextStream::new(Encoding::Latin1);
    assert_eq!(
        stream.push(b"\xe9\xff"),
        vec![text("\u{e9}\u{ff}", b"\xe9\xff")]
    );
}

#[test]
fn ascii_marks_high_bytes_bad() {
    let mut stream = TextStream::new(Encoding::Ascii);
    assert_eq!(
        stream.push(b"a\x80"),
        vec![text("a", b"a"), Run::Bad(vec![0x80])]
    );
}

/// The invariant everything relies on: whatever the bytes and however they are cut,
/// the runs hold every byte once, in order, and each text run is its bytes decoded.
fn check_runs(encoding: Encoding, data: &[u8], cuts: &[usize]) {
    let mut stream = TextStream::new(encoding);
    let mut runs = Vec::new();
    let mut from = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    cuts.sort_unstable();
    for cut in cuts {
        runs.extend(stream.push(&data[from..cut]));
        from = cut;
    }
    runs.extend(stream.push(&data[from..]));
    runs.extend(stream.finish());
    let joined: Vec<u8> = runs.iter().flat_map(|r| r.bytes().to_vec()).collect();
    assert_eq!(joined, data);
    for run in &runs {
        match run {
            Run::Text { text, bytes } => {
                let decoded = decode(bytes, stream.encoding());
                assert!(decoded.is_clean(), "{bytes:02x?}");
                assert_eq!(&decoded.text, text);
            }
            Run::Bad(bytes) => assert!(!bytes.is_empty()),
        }
    }
}

proptest! {
    #[test]
    fn runs_cover_every_byte_in_order(
        data in proptest::collection::vec(any::<u8>(), 0..64),
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
        which in 0..Encoding::ALL.len(),
    ) {
        check_runs(Encoding::ALL[which], &data, &cuts);
    }

    #[test]
    fn text_cut_anywhere_comes_out_whole(
        s in "[a-zA-Z 你好世界äöü€😀]{0,20}",
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        for encoding in [Encoding::Utf8, Encoding::Gb18030, Encoding::Utf16Be] {
            let data = encode(&s, encoding).unwrap();
            let mut stream = TextStream::new(encoding);
            let mut out = String::new();
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
            cuts.sort_unstable();
            let mut from = 0;
            for cut in cuts.into_iter().chain([data.len()]) {
                for run in stream.push(&data[from..cut]) {
                    match run {
                        Run::Text { text, .. } => out.push_str(&text),
                        Run::Bad(b) => panic!("bad bytes {b:02x?} in {s:?}"),
                    }
                }
                from = cut;
            }
            prop_assert!(stream.finish().is_empty());
            prop_assert_eq!(&out, &s);
        }
    }
}
