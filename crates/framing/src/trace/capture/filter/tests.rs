//! Runs the filter on frames with a small BPF interpreter (the instructions it uses),
//! as the kernel would: what it keeps and what it drops.

use super::*;

/// What the kernel knows about a frame besides its bytes.
struct Meta {
    ifindex: u32,
    pkttype: u32,
}

/// Runs `program` on `frame`; returns the bytes to keep (0: dropped). A load past the
/// end of the frame drops it, as in the kernel.
fn run(program: &[Op], frame: &[u8], meta: &Meta) -> u32 {
    let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
    let byte = |at: usize| frame.get(at).copied().map(u32::from);
    let half = |at: usize| Some(byte(at)? << 8 | byte(at + 1)?);
    loop {
        let (code, jt, jf, k) = program[pc];
        pc += 1;
        let loaded = match code {
            LD_W_ABS if k == SKF_AD_OFF + SKF_AD_IFINDEX => Some(meta.ifindex),
            LD_W_ABS if k == SKF_AD_OFF + SKF_AD_PKTTYPE => Some(meta.pkttype),
            LD_H_ABS => half(k as usize),
            LD_B_ABS => byte(k as usize),
            LD_H_IND => half(x as usize + k as usize),
            LDX_B_MSH => {
                x = 4 * (byte(k as usize).unwrap_or(0) & 0xf);
                None
            }
            JEQ_K | JSET_K => {
                let taken = if code == JEQ_K { a == k } else { a & k != 0 };
                pc += usize::from(if taken { jt } else { jf });
                None
            }
            RET_K => return k,
            other => panic!("opcode {other:#x} is not interpreted here"),
        };
        match (code, loaded) {
            (LD_W_ABS | LD_H_ABS | LD_B_ABS | LD_H_IND, Some(value)) => a = value,
            (LD_W_ABS | LD_H_ABS | LD_B_ABS | LD_H_IND, None) => return 0,
            _ => {}
        }
    }
}

const LO: u32 = 1;
const IN: Meta = Meta {
    ifindex: LO,
    pkttype: 0,
};

/// A TCP segment 127.0.0.1:src -> 127.0.0.1:dst in a loopback frame, with `ihl` words
/// of IPv4 header.
fn ipv4_frame(src: u16, dst: u16, ihl: u8) -> Vec<u8> {
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x08, 0x00]);
    let mut ip = vec![0u8; usize::from(ihl) * 4];
    ip[0] = 0x40 | ihl;
    ip[9] = 6;
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&src.to_be_bytes());
    frame.extend_from_slice(&dst.to_be_bytes());
    frame.extend_from_slice(&[0; 16]);
    frame
}

fn ipv6_frame(src: u16, dst: u16) -> Vec<u8> {
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 6, 64]);
    frame.extend_from_slice(&[0; 32]);
    frame.extend_from_slice(&src.to_be_bytes());
    frame.extend_from_slice(&dst.to_be_bytes());
    frame.extend_from_slice(&[0; 16]);
    frame
}

#[test]
fn with_a_port_only_that_port_is_kept() {
    let program = program(LO, Some(8888));
    assert_eq!(run(&program, &ipv4_frame(50001, 8888, 5), &IN), KEEP_BYTES);
    assert_eq!(run(&program, &ipv4_frame(8888, 50001, 5), &IN), KEEP_BYTES);
    assert_eq!(
        run(&program, &ipv4_frame(8888, 50001, 7), &IN),
        KEEP_BYTES,
        "options"
    );
    assert_eq!(run(&program, &ipv4_frame(50001, 9999, 5), &IN), 0);
    assert_eq!(run(&program, &ipv6_frame(50001, 8888), &IN), KEEP_BYTES);
    assert_eq!(run(&program, &ipv6_frame(8888, 50001), &IN), KEEP_BYTES);
    assert_eq!(run(&program, &ipv6_frame(50001, 9999), &IN), 0);
}

#[test]
fn without_a_port_every_tcp_segment_is_kept() {
    let program = program(LO, None);
    assert_eq!(run(&program, &ipv4_frame(1, 2, 5), &IN), KEEP_BYTES);
    assert_eq!(run(&program, &ipv6_frame(1, 2), &IN), KEEP_BYTES);
}

#[test]
fn other_frames_are_dropped() {
    for port in [Some(8888), None] {
        let program = program(LO, port);
        let frame = ipv4_frame(50001, 8888, 5);
        let outgoing = Meta {
            ifindex: LO,
            pkttype: PACKET_OUTGOING,
        };
        assert_eq!(run(&program, &frame, &outgoing), 0, "the outgoing copy");
        let elsewhere = Meta {
            ifindex: 2,
            pkttype: 0,
        };
        assert_eq!(run(&program, &frame, &elsewhere), 0, "another interface");
        let mut udp = frame.clone();
        udp[14 + 9] = 17;
        assert_eq!(run(&program, &udp, &IN), 0, "UDP");
        let mut fragment = frame.clone();
        fragment[14 + 7] = 1; // fragment offset 1
        assert_eq!(run(&program, &fragment, &IN), 0, "a later fragment");
        let mut arp = frame.clone();
        arp[12..14].copy_from_slice(&[0x08, 0x06]);
        assert_eq!(run(&program, &arp, &IN), 0, "ARP");
        let mut hop_by_hop = ipv6_frame(50001, 8888);
        hop_by_hop[14 + 6] = 0;
        assert_eq!(
            run(&program, &hop_by_hop, &IN),
            0,
            "an IPv6 extension header"
        );
        assert_eq!(run(&program, &frame[..20], &IN), 0, "cut short");
    }
}
