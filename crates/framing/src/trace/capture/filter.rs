//! The capture filter: a classic BPF program the kernel runs on every frame before it
//! copies the frame to the packet socket (see the kernel's
//! `Documentation/networking/filter.rst`, the same language as `tcpdump -d` prints).
//!
//! It keeps a frame when it came in on `lo` (not the outgoing copy), carries TCP in
//! IPv4 (not a fragment) or IPv6, and, with `--port`, has that port at either end. The
//! rest never reaches the program: on a busy loopback (a benchmark running beside), the
//! receive buffer then holds only what is traced. Everything is checked again after
//! reading, so the filter only saves work; it decides nothing on its own.
//!
//! The program is written with named jump targets (`Next`, `Keep`, `Drop`, or an
//! instruction's place), turned into BPF's relative jumps at the end, so that adding a
//! test does not mean recounting every offset by hand.

/// One instruction: opcode, jump-if-true target, jump-if-false target, constant.
pub type Op = (u16, u8, u8, u32);

// Opcodes (from `linux/filter.h`).
/// Load a 32-bit word, at an absolute offset, into A.
pub const LD_W_ABS: u16 = 0x20;
/// Load 16 bits at an absolute offset into A.
pub const LD_H_ABS: u16 = 0x28;
/// Load 8 bits at an absolute offset into A.
pub const LD_B_ABS: u16 = 0x30;
/// Load 16 bits at X + offset into A.
pub const LD_H_IND: u16 = 0x48;
/// X = 4 * (the low 4 bits of the byte at an offset): an IPv4 header's length.
pub const LDX_B_MSH: u16 = 0xb1;
/// Jump if A == constant.
pub const JEQ_K: u16 = 0x15;
/// Jump if A & constant != 0.
pub const JSET_K: u16 = 0x45;
/// Return: keep this many bytes of the frame (0: drop it).
pub const RET_K: u16 = 0x06;

/// Offsets from here on load facts about the frame, not its bytes.
pub const SKF_AD_OFF: u32 = 0xffff_f000; // -0x1000 as the kernel's u32
/// The packet type (host, outgoing, ...).
pub const SKF_AD_PKTTYPE: u32 = 4;
/// The interface's index.
pub const SKF_AD_IFINDEX: u32 = 8;
/// The packet type of a frame this machine sent (from `linux/if_packet.h`).
pub const PACKET_OUTGOING: u32 = 4;
/// How much of a kept frame is copied: all of it (the largest frame on `lo` is 64 KiB).
pub const KEEP_BYTES: u32 = 0x0004_0000;

/// Where a jump goes.
#[derive(Debug, Clone, Copy)]
enum To {
    Next,
    Keep,
    Drop,
    At(usize),
}

/// The program for `lo` (interface `loopback`), TCP to or from `port` (any port: None).
pub fn program(loopback: u32, port: Option<u16>) -> Vec<Op> {
    let mut ops: Vec<(u16, To, To, u32)> = Vec::new();
    let mut op = |code, jt, jf, k| ops.push((code, jt, jf, k));
    op(LD_W_ABS, To::Next, To::Next, SKF_AD_OFF + SKF_AD_IFINDEX);
    op(JEQ_K, To::Next, To::Drop, loopback);
    op(LD_W_ABS, To::Next, To::Next, SKF_AD_OFF + SKF_AD_PKTTYPE);
    op(JEQ_K, To::Drop, To::Next, PACKET_OUTGOING);
    // The EtherType. IPv4 is checked at 6..; IPv6 starts at `ipv6`, after the IPv4 part.
    op(LD_H_ABS, To::Next, To::Next, 12);
    let ipv6 = if port.is_some() { 15 } else { 11 };
    op(JEQ_K, To::Next, To::At(ipv6), 0x0800);
    op(LD_B_ABS, To::Next, To::Next, 14 + 9); // IPv4 protocol
    op(JEQ_K, To::Next, To::Drop, 6);
    op(LD_H_ABS, To::Next, To::Next, 14 + 6); // flags and fragment offset
    op(JSET_K, To::Drop, To::Next, 0x1fff); // a fragment after the first
    match port {
        Some(port) => {
            let port = u32::from(port);
            op(LDX_B_MSH, To::Next, To::Next, 14); // X = the IPv4 header's length
            op(LD_H_IND, To::Next, To::Next, 14); // TCP source port
            op(JEQ_K, To::Keep, To::Next, port);
            op(LD_H_IND, To::Next, To::Next, 14 + 2); // TCP destination port
            op(JEQ_K, To::Keep, To::Drop, port);
            // ipv6 (15):
            op(JEQ_K, To::Next, To::Drop, 0x86dd);
            op(LD_B_ABS, To::Next, To::Next, 14 + 6); // IPv6 next header
            op(JEQ_K, To::Next, To::Drop, 6);
            op(LD_H_ABS, To::Next, To::Next, 14 + 40); // TCP source port
            op(JEQ_K, To::Keep, To::Next, port);
            op(LD_H_ABS, To::Next, To::Next, 14 + 40 + 2); // TCP destination port
            op(JEQ_K, To::Keep, To::Drop, port);
        }
        None => {
            op(RET_K, To::Next, To::Next, KEEP_BYTES);
            // ipv6 (11):
            op(JEQ_K, To::Next, To::Drop, 0x86dd);
            op(LD_B_ABS, To::Next, To::Next, 14 + 6); // IPv6 next header
            op(JEQ_K, To::Keep, To::Drop, 6);
        }
    }
    let keep = ops.len();
    let drop = keep + 1;
    ops.push((RET_K, To::Next, To::Next, KEEP_BYTES));
    ops.push((RET_K, To::Next, To::Next, 0));
    // BPF jumps are relative to the next instruction, forward only, at most 255.
    let relative = |from: usize, to: To| -> u8 {
        let target = match to {
            To::Next => from + 1,
            To::Keep => keep,
            To::Drop => drop,
            To::At(at) => at,
        };
        u8::try_from(target - (from + 1)).expect("the program is short: jumps fit a byte")
    };
    ops.iter()
        .enumerate()
        .map(|(i, &(code, jt, jf, k))| (code, relative(i, jt), relative(i, jf), k))
        .collect()
}

#[cfg(test)]
mod tests;
