//! Tests of the tracker: made-up conversations, each the shape a capture shows.

use super::*;
use crate::trace::tracker::{Observed, Tracker};

const C: &str = "127.0.0.1:50001";
const S: &str = "127.0.0.1:8888";
const C_ISN: u32 = u32::MAX - 2; // the client's data crosses 2^32, on purpose
const S_ISN: u32 = 7000;

fn seg(from_client: bool, seq: u32, ack: u32, flags: TcpFlags, len: u32, window: u16) -> Segment {
    let (c, s): (SocketAddr, SocketAddr) = (C.parse().unwrap(), S.parse().unwrap());
    let (src, dst) = if from_client { (c, s) } else { (s, c) };
    let syn = flags.contains(TcpFlags::SYN);
    Segment {
        src,
        dst,
        seq,
        ack,
        flags,
        window,
        window_scale: syn.then_some(7),
        mss: None,
        len,
    }
}

const SYN: TcpFlags = TcpFlags::SYN;
const ACK: TcpFlags = TcpFlags::ACK;
const PSH: TcpFlags = TcpFlags::PSH;
const FIN: TcpFlags = TcpFlags::FIN;
const RST: TcpFlags = TcpFlags::RST;

/// Feeds the segments and returns what each became.
fn run(segments: &[Segment]) -> (Vec<Observed>, Tracker) {
    let mut tracker = Tracker::new(Some(8888));
    let seen = segments
        .iter()
        .map(|s| tracker.observe(s).expect("followed"))
        .collect();
    (seen, tracker)
}

fn handshake() -> Vec<Segment> {
    vec![
        seg(true, C_ISN, 0, SYN, 0, 65495),
        seg(false, S_ISN, C_ISN.wrapping_add(1), SYN | ACK, 0, 65483),
        seg(true, C_ISN.wrapping_add(1), S_ISN + 1, ACK, 0, 512),
    ]
}

#[test]
fn an_echo_conversation_from_syn_to_the_last_ack() {
    let c = |n: u32| C_ISN.wrapping_add(n);
    let mut all = handshake();
    all.extend([
        seg(true, c(1), S_ISN + 1, PSH | ACK, 5, 512),
        seg(false, S_ISN + 1, c(6), ACK, 0, 512),
        seg(false, S_ISN + 1, c(6), PSH | ACK, 5, 512),
        seg(true, c(6), S_ISN + 6, FIN | ACK, 0, 512),
        seg(false, S_ISN + 6, c(7), FIN | ACK, 0, 512),
        seg(true, c(7), S_ISN + 7, ACK, 0, 512),
    ]);
    let (seen, tracker) = run(&all);
    assert!(seen[0].opened.is_some() && seen[1].opened.is_none());
    // The client's bytes 1..=5 are 2^32 - 2, 2^32 - 1, 0, 1, 2 on the wire: the wrap is
    // crossed, and the server acknowledges 3.
    assert_eq!(seen[3].shown.raw_seq, u32::MAX - 1);
    assert_eq!(seen[4].shown.raw_ack, 3);
    let numbers: Vec<_> = seen.iter().map(|o| (o.shown.seq, o.shown.ack)).collect();
    assert_eq!(
        numbers,
        [
            (0, None),
            (0, Some(1)),
            (1, Some(1)),
            (1, Some(1)),
            (1, Some(6)),
            (1, Some(6)),
            (6, Some(6)),
            (6, Some(7)),
            (7, Some(7))
        ]
    );
    let notes: Vec<_> = seen.iter().map(|o| o.shown.notes.clone()).collect();
    assert_eq!(notes[0], [Note::ClientIsn]);
    assert_eq!(notes[1], [Note::SynAck]);
    assert_eq!(notes[2], [Note::HandshakeDone]);
    assert_eq!(notes[3], []);
    assert_eq!(notes[4], [Note::AckOfData]);
    assert_eq!(notes[5], []);
    assert_eq!(notes[6], [Note::Fin(Side::Client), Note::AckOfData]);
    assert_eq!(
        notes[7],
        [Note::Fin(Side::Server), Note::AckOfFin(Side::Client)]
    );
    assert_eq!(notes[8], [Note::LastAck]);
    // The window of the SYNs is not scaled; after them, both announced 7: x128.
    assert_eq!(seen[0].shown.window.to_string(), "65495");
    assert_eq!(seen[2].shown.window.to_string(), "65536 (512x128)");
    assert_eq!(seen[0].shown.announces_scale, Some(7));
    let ended = seen[8].ended.as_ref().expect("the last ACK ends it");
    assert_eq!(ended.segments, 9);
    assert_eq!(ended.bytes_from(Side::Client), 5);
    assert_eq!(ended.bytes_from(Side::Server), 5);
    assert_eq!(ended.closed_first, Some(Side::Client));
    assert!(seen[..8].iter().all(|o| o.ended.is_none()));
    assert!(tracker.active().is_empty());
}

#[test]
fn a_refused_connection_is_a_syn_and_a_rst() {
    let (seen, _) = run(&[
        seg(true, C_ISN, 0, SYN, 0, 65495),
        seg(false, 0, C_ISN.wrapping_add(1), RST | ACK, 0, 0),
    ]);
    assert_eq!(seen[1].shown.notes, [Note::Refused]);
    let ended = seen[1].ended.as_ref().unwrap();
    assert!(ended.refused);
    assert_eq!(ended.reset_by, Some(Side::Server));
}

#[test]
fn a_reset_during_the_connection() {
    let mut all = handshake();
    all.push(seg(
        false,
        S_ISN + 1,
        C_ISN.wrapping_add(1),
        RST | ACK,
        0,
        0,
    ));
    let (seen, _) = run(&all);
    assert_eq!(seen[3].shown.notes, [Note::Reset]);
    assert!(!seen[3].ended.as_ref().unwrap().refused);
}

#[test]
fn zero_window_probe_and_retransmission() {
    let c = |n: u32| C_ISN.wrapping_add(n);
    let mut all = handshake();
    all.extend([
        seg(true, c(1), S_ISN + 1, ACK, 100, 512),
        seg(false, S_ISN + 1, c(101), ACK, 0, 0),
        seg(true, c(101), S_ISN + 1, ACK, 1, 512),
        seg(true, c(100), S_ISN + 1, ACK, 0, 512), // Linux's probe: no data, an old seq
        seg(false, S_ISN + 1, c(101), ACK, 0, 0),
        seg(false, S_ISN + 1, c(101), ACK, 0, 3),
        seg(true, c(1), S_ISN + 1, ACK, 100, 512),
    ]);
    let (seen, _) = run(&all);
    assert_eq!(seen[4].shown.notes, [Note::AckOfData, Note::WindowZero]);
    assert_eq!(seen[5].shown.notes, [Note::ZeroWindowProbe]);
    assert_eq!(seen[6].shown.notes, [Note::ZeroWindowProbe]);
    assert_eq!(seen[7].shown.notes, [Note::WindowStillZero]);
    assert_eq!(seen[8].shown.notes, [Note::WindowOpen]);
    assert_eq!(seen[9].shown.notes, [Note::Retransmission]);
}

#[test]
fn other_ports_and_joined_connections_are_not_followed() {
    let mut tracker = Tracker::new(Some(9999));
    assert!(tracker.observe(&handshake()[0]).is_none());
    let mut tracker = Tracker::new(None);
    assert!(tracker.observe(&handshake()[2]).is_none(), "no SYN seen");
    assert!(tracker.observe(&handshake()[0]).is_some());
    assert_eq!(tracker.finish().len(), 1);
}

#[test]
fn sequence_space_wraps() {
    assert!(after(5, u32::MAX - 5));
    assert!(!after(u32::MAX - 5, 5));
    assert!(!after(7, 7));
}

#[test]
fn data_after_the_clients_fin_is_a_half_close() {
    let c = |n: u32| C_ISN.wrapping_add(n);
    let mut all = handshake();
    all.extend([
        seg(true, c(1), S_ISN + 1, PSH | ACK, 5, 512),
        seg(true, c(6), S_ISN + 1, FIN | ACK, 0, 512),
        seg(false, S_ISN + 1, c(7), PSH | ACK, 5, 512),
        seg(true, c(7), S_ISN + 6, ACK, 0, 512),
        seg(false, S_ISN + 6, c(7), FIN | ACK, 0, 512),
        seg(true, c(7), S_ISN + 7, ACK, 0, 512),
    ]);
    let (seen, _) = run(&all);
    assert_eq!(
        seen[5].shown.notes,
        [Note::HalfClose(Side::Server), Note::AckOfFin(Side::Client)]
    );
    assert_eq!(seen[7].shown.notes, [Note::Fin(Side::Server)]);
    assert_eq!(seen[8].shown.notes, [Note::LastAck]);
    assert!(seen[8].ended.is_some());
}

#[test]
fn a_new_syn_with_another_isn_replaces_a_connection_still_open() {
    let mut all = handshake();
    all.push(seg(
        true,
        C_ISN.wrapping_add(1),
        S_ISN + 1,
        PSH | ACK,
        5,
        512,
    ));
    // The same ports again, a new ISN: the old connection's end was never seen.
    let new_isn = 123_456;
    all.push(seg(true, new_isn, 0, SYN, 0, 65495));
    all.push(seg(false, 9000, new_isn + 1, SYN | ACK, 0, 65483));
    let (seen, tracker) = run(&all);
    let new_syn = &seen[4];
    let old = new_syn.replaced.as_ref().expect("the old one is replaced");
    assert_eq!((old.id, old.segments, old.ended), (1, 4, false));
    assert!(new_syn.opened.is_some());
    assert_eq!(
        (new_syn.shown.conversation, new_syn.shown.seq),
        (2, 0),
        "counted from the new ISN"
    );
    assert_eq!(seen[5].shown.conversation, 2);
    assert_eq!(seen[5].shown.ack, Some(1));
    assert_eq!(tracker.active().len(), 1);
    assert!(
        crate::trace::diagram::footer(old, crate::trace::diagram::Ending::Replaced)
            .starts_with("#1 not finished: a new SYN (another ISN) reused its two ports")
    );
}

#[test]
fn a_repeated_syn_stays_in_its_connection() {
    let syn = seg(true, C_ISN, 0, SYN, 0, 65495);
    let (seen, tracker) = run(&[syn, syn]);
    assert!(seen[1].opened.is_none() && seen[1].replaced.is_none());
    assert_eq!(seen[1].shown.conversation, 1);
    assert_eq!(tracker.opened(), 1);
}

#[test]
fn a_syn_with_rst_opens_and_ends_in_one_segment_and_still_has_its_header() {
    let (seen, tracker) = run(&[seg(true, C_ISN, 0, SYN | RST, 0, 0)]);
    let (client, server) = seen[0].opened.expect("it opened one");
    assert_eq!(
        (client.to_string(), server.to_string()),
        (C.into(), S.into())
    );
    assert!(seen[0].ended.is_some());
    assert!(tracker.active().is_empty());
    assert_eq!(
        crate::trace::diagram::header(seen[0].shown.conversation, client, server),
        format!("#1 client {C} -> server {S}")
    );
}
