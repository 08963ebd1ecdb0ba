//! Tests of `pack.rs`.

use super::super::{pack, Struct, StructError, Value};

fn hex(fmt: &str, values: &[Value]) -> Result<String, StructError> {
    pack(fmt, values).map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
}

fn err(fmt: &str, v: impl Into<Value>) -> String {
    hex(fmt, &[v.into()]).expect_err("must fail").python_line()
}

#[test]
fn course_header() {
    assert_eq!(hex("i", &[100.into()]).unwrap(), "64000000");
    assert_eq!(hex("!i", &[100.into()]).unwrap(), "00000064");
}

#[test]
fn integers_in_every_mode() {
    assert_eq!(hex("<h", &[(-2).into()]).unwrap(), "feff");
    assert_eq!(hex(">h", &[(-2).into()]).unwrap(), "fffe");
    assert_eq!(hex("=l", &[1.into()]).unwrap(), "01000000");
    assert_eq!(hex("@l", &[1.into()]).unwrap(), "0100000000000000");
    assert_eq!(hex(">Q", &[u64::MAX.into()]).unwrap(), "ffffffffffffffff");
    assert_eq!(hex("<q", &[i64::MIN.into()]).unwrap(), "0000000000000080");
    assert_eq!(hex("P", &[(-1).into()]).unwrap(), "ffffffffffffffff");
    assert_eq!(hex("N", &[u64::MAX.into()]).unwrap(), "ffffffffffffffff");
    assert_eq!(hex("i", &[true.into()]).unwrap(), "01000000");
    assert_eq!(hex("B", &[false.into()]).unwrap(), "00");
}

#[test]
fn range_messages_native() {
    assert_eq!(
        err("b", 128),
        "struct.error: byte format requires -128 <= number <= 127"
    );
    assert_eq!(
        err("B", -1),
        "struct.error: ubyte format requires 0 <= number <= 255"
    );
    assert_eq!(
        err("h", 32768),
        "struct.error: short format requires -32768 <= number <= 32767"
    );
    assert_eq!(
        err("H", -1),
        "struct.error: ushort format requires 0 <= number <= 65535"
    );
    assert_eq!(
        err("i", 1i64 << 31),
        "struct.error: 'i' format requires -2147483648 <= number <= 2147483647"
    );
    assert_eq!(err("I", -1), "struct.error: argument out of range");
    assert_eq!(
        err("I", 1i64 << 32),
        "struct.error: 'I' format requires 0 <= number <= 4294967295"
    );
    assert_eq!(err("l", 1u64 << 63), "struct.error: argument out of range");
    assert_eq!(err("L", -1), "struct.error: argument out of range");
    assert_eq!(err("q", 1u64 << 63), "struct.error: argument out of range");
    assert_eq!(err("Q", 1i128 << 64), "struct.error: argument out of range");
    assert_eq!(err("n", 1u64 << 63), "struct.error: argument out of range");
    assert_eq!(err("N", -1), "struct.error: argument out of range");
    assert_eq!(
        err("P", 1i128 << 64),
        "struct.error: int too large to convert"
    );
    assert_eq!(
        err("P", -(1i128 << 63) - 1),
        "struct.error: int too large to convert"
    );
    // Beyond a C long, every code says "argument out of range" first.
    assert_eq!(err("b", 1u64 << 63), "struct.error: argument out of range");
    assert_eq!(err("H", 1i128 << 64), "struct.error: argument out of range");
}

#[test]
fn range_messages_standard() {
    // Little-endian shares the native routines where sizes agree...
    assert_eq!(
        err("<h", 32768),
        "struct.error: short format requires -32768 <= number <= 32767"
    );
    assert_eq!(
        err("=H", 65536),
        "struct.error: ushort format requires 0 <= number <= 65535"
    );
    assert_eq!(err("<q", 1u64 << 63), "struct.error: argument out of range");
    // ...but not for l/L, 4 bytes instead of 8.
    assert_eq!(
        err("<l", 1i64 << 31),
        "struct.error: 'l' format requires -2147483648 <= number <= 2147483647"
    );
    assert_eq!(err("<L", -1), "struct.error: argument out of range");
    // Big-endian has its own wording.
    assert_eq!(
        err(">h", 32768),
        "struct.error: 'h' format requires -32768 <= number <= 32767"
    );
    assert_eq!(err("!H", -1), "struct.error: argument out of range");
    assert_eq!(
        err("!H", 65536),
        "struct.error: 'H' format requires 0 <= number <= 65535"
    );
    assert_eq!(
        err(">L", 1i64 << 32),
        "struct.error: 'L' format requires 0 <= number <= 4294967295"
    );
    assert_eq!(
        err(">q", 1u64 << 63),
        "struct.error: int too large to convert"
    );
    assert_eq!(err("!Q", -1), "struct.error: int too large to convert");
    assert_eq!(
        err("!b", 200),
        "struct.error: byte format requires -128 <= number <= 127"
    );
}

#[test]
fn type_errors() {
    assert_eq!(
        err("i", 1.5),
        "struct.error: required argument is not an integer"
    );
    assert_eq!(
        err("i", b"a"),
        "struct.error: required argument is not an integer"
    );
    assert_eq!(
        err("d", b"a"),
        "struct.error: required argument is not a float"
    );
    assert_eq!(
        err("c", b"ab"),
        "struct.error: char format requires a bytes object of length 1"
    );
    assert_eq!(
        err("c", 1),
        "struct.error: char format requires a bytes object of length 1"
    );
    assert_eq!(
        err("c", true),
        "struct.error: char format requires a bytes object of length 1"
    );
    assert_eq!(
        err("s", 1),
        "struct.error: argument for 's' must be a bytes object"
    );
    assert_eq!(
        err("p", true),
        "struct.error: argument for 'p' must be a bytes object"
    );
}

#[test]
fn counts() {
    assert_eq!(
        hex("2i", &[1.into()]).unwrap_err().to_string(),
        "pack expected 2 items for packing (got 1)"
    );
    assert_eq!(
        hex("i", &[1.into(), 2.into()]).unwrap_err().to_string(),
        "pack expected 1 items for packing (got 2)"
    );
    assert_eq!(
        hex("0s", &[]).unwrap_err().to_string(),
        "pack expected 1 items for packing (got 0)"
    );
    assert_eq!(hex("0s", &[b"abc".into()]).unwrap(), "");
    assert_eq!(hex("3x", &[]).unwrap(), "000000");
}

#[test]
fn bytes_fields() {
    assert_eq!(hex("c", &[b"A".into()]).unwrap(), "41");
    assert_eq!(hex("3s", &[b"ab".into()]).unwrap(), "616200");
    assert_eq!(hex("2s", &[b"abcd".into()]).unwrap(), "6162");
    assert_eq!(hex("5p", &[b"ab".into()]).unwrap(), "0261620000");
    assert_eq!(hex("3p", &[b"abcdef".into()]).unwrap(), "026162");
    assert_eq!(hex("1p", &[b"abcdef".into()]).unwrap(), "00");
    let long = vec![b'a'; 299];
    let packed = pack("300p", &[long.into()]).unwrap();
    assert_eq!(packed[0], 255); // the length byte is capped
    assert_eq!(packed.len(), 300);
    assert!(packed[1..].iter().all(|&b| b == b'a'));
}

#[test]
fn zero_pascal_quirk() {
    // CPython writes a 0xff length byte for a 0p field.
    assert_eq!(
        hex("b0pxb", &[1.into(), b"".into(), 2.into()]).unwrap(),
        "01ff02"
    );
    assert_eq!(
        hex("b0p3xb", &[1.into(), b"abc".into(), 2.into()]).unwrap(),
        "01ff000002"
    );
    assert_eq!(
        hex("@b0ph", &[1.into(), b"abc".into(), 2.into()]).unwrap(),
        "01ff0200"
    );
    assert_eq!(hex("0pi", &[b"abc".into(), 5.into()]).unwrap(), "05000000");
    assert_eq!(hex("<b0p", &[1.into(), b"abc".into()]).unwrap(), "01");
    assert_eq!(hex("0p", &[b"abc".into()]).unwrap(), "");
}

#[test]
fn bools() {
    for (v, byte) in [
        (Value::Int(2), "01"),
        (Value::Int(0), "00"),
        (Value::Float(-0.0), "00"),
        (Value::Float(f64::NAN), "01"),
        (Value::Bytes(vec![]), "00"),
        (Value::Bytes(vec![0]), "01"),
        (Value::Bool(true), "01"),
    ] {
        assert_eq!(hex("?", std::slice::from_ref(&v)).unwrap(), byte, "{v:?}");
        assert_eq!(hex("!?", &[v]).unwrap(), byte);
    }
}

#[test]
fn floats() {
    assert_eq!(hex("<d", &[1.5.into()]).unwrap(), "000000000000f83f");
    assert_eq!(hex(">d", &[1.into()]).unwrap(), "3ff0000000000000");
    assert_eq!(hex("d", &[true.into()]).unwrap(), "000000000000f03f");
    assert_eq!(hex("<f", &[3.4028235e38.into()]).unwrap(), "ffff7f7f");
    assert_eq!(hex("<f", &[f64::INFINITY.into()]).unwrap(), "0000807f");
    assert_eq!(hex("f", &[1e300.into()]).unwrap(), "0000807f"); // native: a plain cast
    assert_eq!(
        hex("f", &[3.4028235677973366e38.into()]).unwrap(),
        "0000807f"
    );
    assert_eq!(
        err("<f", 1e300),
        "OverflowError: float too large to pack with f format"
    );
    assert_eq!(
        err(">f", 3.4028235677973366e38),
        "OverflowError: float too large to pack with f format"
    );
    assert_eq!(
        err("e", 1e300),
        "OverflowError: float too large to pack with e format"
    );
    assert_eq!(
        err("e", 65520.0),
        "OverflowError: float too large to pack with e format"
    );
    // An int that overflows e is reported as an int problem.
    assert_eq!(err("e", 100000), "struct.error: int too large to convert");
    assert_eq!(err("<e", 65520), "struct.error: int too large to convert");
    assert_eq!(hex("e", &[true.into()]).unwrap(), "003c");
    assert_eq!(hex("<e", &[65504.0.into()]).unwrap(), "ff7b");
    assert_eq!(hex(">e", &[(-0.0).into()]).unwrap(), "8000");
    assert_eq!(hex("<e", &[f64::NAN.into()]).unwrap(), "007e");
    assert_eq!(hex("<e", &[(-f64::NAN).into()]).unwrap(), "00fe");
}

#[test]
fn native_alignment_bytes() {
    assert_eq!(
        hex("bi", &[1.into(), 2.into()]).unwrap(),
        "0100000002000000"
    );
    assert_eq!(
        hex("ci", &[b"A".into(), 2.into()]).unwrap(),
        "4100000002000000"
    );
    assert_eq!(
        hex("llh0l", &[1.into(), 2.into(), 3.into()]).unwrap(),
        "010000000000000002000000000000000300000000000000"
    );
    assert_eq!(
        hex("=llh0l", &[1.into(), 2.into(), 3.into()]).unwrap(),
        "01000000020000000300"
    );
}

#[test]
fn huge_structs_fail_cleanly() {
    assert_eq!(
        pack("9223372036854775807x", &[]).unwrap_err().python_line(),
        "OverflowError: byte string is too large"
    );
    assert_eq!(
        pack("9223372036854775775x", &[]).unwrap_err(),
        StructError::BytesTooLarge
    );
    assert_eq!(
        pack("9223372036854775774x", &[]).unwrap_err(),
        StructError::OutOfMemory
    );
    assert_eq!(
        pack("100000000000000x", &[]).unwrap_err().python_line(),
        "MemoryError"
    );
}

#[test]
fn pack_into_offsets() {
    let s = Struct::new("i").unwrap();
    let mut buf = [0u8; 6];
    let e = |r: Result<(), StructError>| r.unwrap_err().to_string();
    assert_eq!(
        e(s.pack_into(&mut buf, 3, &[1.into()])),
        "pack_into requires a buffer of at least 7 bytes for packing 4 bytes at offset 3 (actual buffer size is 6)"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, -3, &[1.into()])),
        "no space to pack 4 bytes at offset -3"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, -7, &[1.into()])),
        "offset -7 out of range for 6-byte buffer"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, -8, &[1.into()])),
        "offset -8 out of range for 6-byte buffer"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, 100, &[1.into(), 2.into()])),
        "pack_into expected 1 items for packing (got 2)"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, 1 << 62, &[1.into()])),
        "pack_into requires a buffer of at least 4611686018427387908 bytes for packing 4 bytes at offset 4611686018427387904 (actual buffer size is 6)"
    );
    assert_eq!(
        e(s.pack_into(&mut buf, isize::MIN, &[1.into()])),
        "offset -9223372036854775808 out of range for 6-byte buffer"
    );
    s.pack_into(&mut buf, -6, &[(-1).into()]).unwrap();
    assert_eq!(buf, [0xff, 0xff, 0xff, 0xff, 0, 0]);
}

#[test]
fn pack_into_zeroes_padding_and_keeps_partial_writes() {
    let mut buf = [0xa5u8; 8];
    Struct::new("bxh")
        .unwrap()
        .pack_into(&mut buf, 1, &[1.into(), 2.into()])
        .unwrap();
    assert_eq!(buf, [0xa5, 1, 0, 2, 0, 0xa5, 0xa5, 0xa5]);

    let mut buf = [0xa5u8; 8];
    let r = Struct::new("ii")
        .unwrap()
        .pack_into(&mut buf, 0, &[1.into(), (1i64 << 40).into()]);
    assert!(r.is_err());
    assert_eq!(buf, [1, 0, 0, 0, 0, 0, 0, 0]);

    // Big-endian q/Q keep CPython's partial write on overflow.
    let q = Struct::new(">q").unwrap();
    let mut buf = [0xa5u8; 10];
    assert!(q
        .pack_into(&mut buf, 1, &[(-(1i128 << 63) - 1).into()])
        .is_err());
    assert_eq!(
        buf,
        [0xa5, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xa5]
    );
    assert!(q
        .pack_into(&mut buf, 1, &[((1i128 << 64) + 5).into()])
        .is_err());
    assert_eq!(buf, [0xa5, 0, 0, 0, 0, 0, 0, 0, 5, 0xa5]);
    let uq = Struct::new("!Q").unwrap();
    assert!(uq.pack_into(&mut buf, 1, &[(-1).into()]).is_err());
    assert_eq!(buf, [0xa5, 0, 0, 0, 0, 0, 0, 0, 0, 0xa5]);
    assert!(uq
        .pack_into(&mut buf, 1, &[((1i128 << 100) + 3).into()])
        .is_err());
    assert_eq!(buf, [0xa5, 0, 0, 0, 0, 0, 0, 0, 3, 0xa5]);
    // Little-endian q checks before writing anything.
    let lq = Struct::new("<q").unwrap();
    assert!(lq.pack_into(&mut buf, 1, &[(1i128 << 64).into()]).is_err());
    assert_eq!(buf, [0xa5, 0, 0, 0, 0, 0, 0, 0, 0, 0xa5]);

    // 0p writes no further than the struct.
    let mut buf = [0xa5u8; 4];
    Struct::new("bx0p")
        .unwrap()
        .pack_into(&mut buf, 0, &[1.into(), b"".into()])
        .unwrap();
    assert_eq!(buf, [1, 0, 0xa5, 0xa5]);
}

#[test]
fn pack_append_reuses() {
    let s = Struct::new("<HH").unwrap();
    let mut out = vec![9u8];
    s.pack_append(&mut out, &[1.into(), 2.into()]).unwrap();
    assert_eq!(out, [9, 1, 0, 2, 0]);
    assert!(s.pack_append(&mut out, &[1.into()]).is_err());
    assert!(s.pack_append(&mut out, &[1.into(), (-1).into()]).is_err());
    assert_eq!(out.len(), 5);
}
