//! Reading a format string such as `"<hhl"` or `"!I"` into a layout: where
//! each field sits, how big it is, and how its value is checked and written.
//!
//! The grammar, as CPython 3.11 reads it:
//!
//! ```text
//! format := [mode] item*          mode: @ (native, the default) = < > !
//! item   := space | [count] code  count: decimal digits, right before its code
//! code   := x c b B ? h H i I l L q Q n N e f d s p P
//! ```
//!
//! **Native mode (`@`)** lays fields out the way the C compiler on this
//! machine would lay out a `struct`: C sizes (`l` is 8 bytes on x86_64
//! Linux) and each field aligned to its own size, with padding inserted
//! *between* fields (never at the end; a trailing `0l` asks for end padding).
//! **Standard modes (`= < > !`)** use fixed sizes (1, 2, 4, 8; `l` is 4) and
//! no padding, so they are what a network protocol wants. `!` is network
//! byte order: big-endian. `n`, `N` and `P` exist only in native mode.
//!
//! A count repeats a code (`3i` is `iii`), except for `s` and `p`, where it
//! is the length of one bytes field (`10s` is one 10-byte value), and `x`,
//! where it is that many pad bytes.

use super::error::StructError;

/// Byte order, sizes and alignment, chosen by the format's first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `@` (or nothing): native order, native sizes, native alignment.
    Native,
    /// `<` and `=` (on this little-endian machine): standard sizes, no
    /// alignment, little-endian.
    Little,
    /// `>` and `!`: standard sizes, no alignment, big-endian.
    Big,
}

/// How an integer value is checked before it is written. CPython has
/// several code paths, and each words its range error differently; the
/// variant records which one a code takes in a given mode. The range itself
/// is the item's `lo..=hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntRule {
    /// Read as a C `long` (else "argument out of range"), then checked
    /// against a range named after the C type: "byte format requires ...",
    /// also `ubyte`, `short`, `ushort`.
    CType,
    /// Read as a C `long`, then "'i' format requires MIN <= number <= MAX".
    Signed,
    /// Read as a C `unsigned long`, then "'I' format requires 0 <= number <= MAX".
    Unsigned,
    /// Read as a C `long`: only "argument out of range" can fail.
    Long,
    /// Read as a C `unsigned long`: only "argument out of range" can fail.
    ULong,
    /// Converted to 8 signed bytes: "int too large to convert".
    SignedBytes,
    /// Converted to 8 unsigned bytes: "int too large to convert".
    UnsignedBytes,
    /// A pointer (`P`): negative values as `long`, others as `unsigned
    /// long`, both failing with "int too large to convert".
    Pointer,
}

/// What a field does with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `c`: one byte from bytes of length 1.
    Char,
    /// `?`: a truth value as 0 or 1.
    Bool,
    /// `s`: a fixed-length bytes field.
    Str,
    /// `p`: a Pascal string, a length byte then the bytes.
    Pascal,
    /// An integer code: checked by `rule` against the item's `lo..=hi`;
    /// `signed` says how to read it back.
    Int { rule: IntRule, signed: bool },
    /// `e`: IEEE binary16.
    Half,
    /// `f`: IEEE binary32. `checked`: standard modes refuse a finite value
    /// that becomes infinite; native mode just converts, like a C cast.
    Float { checked: bool },
    /// `d`: IEEE binary64.
    Double,
}

/// How a field is stored, resolved when the format is compiled: the
/// operation, its width and its byte order in one, so packing and unpacking
/// a field takes a single dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An integer of 1 byte.
    Int8,
    Int16Le,
    Int16Be,
    Int32Le,
    Int32Be,
    Int64Le,
    Int64Be,
    HalfLe,
    HalfBe,
    /// `f` in native mode: a plain C cast, no overflow check.
    FloatLe,
    /// `f` in standard modes: a finite value that becomes infinite is refused.
    FloatLeChecked,
    FloatBeChecked,
    DoubleLe,
    DoubleBe,
    Bool,
    Char,
    Str,
    Pascal,
}

impl Kind {
    fn of(op: Op, size: usize, big: bool) -> Kind {
        match (op, size, big) {
            (Op::Int { .. }, 1, _) => Kind::Int8,
            (Op::Int { .. }, 2, false) => Kind::Int16Le,
            (Op::Int { .. }, 2, true) => Kind::Int16Be,
            (Op::Int { .. }, 4, false) => Kind::Int32Le,
            (Op::Int { .. }, 4, true) => Kind::Int32Be,
            (Op::Int { .. }, _, false) => Kind::Int64Le,
            (Op::Int { .. }, _, true) => Kind::Int64Be,
            (Op::Half, _, false) => Kind::HalfLe,
            (Op::Half, _, true) => Kind::HalfBe,
            (Op::Float { checked: false }, _, _) => Kind::FloatLe,
            (Op::Float { checked: true }, _, false) => Kind::FloatLeChecked,
            (Op::Float { checked: true }, _, true) => Kind::FloatBeChecked,
            (Op::Double, _, false) => Kind::DoubleLe,
            (Op::Double, _, true) => Kind::DoubleBe,
            (Op::Bool, _, _) => Kind::Bool,
            (Op::Char, _, _) => Kind::Char,
            (Op::Str, _, _) => Kind::Str,
            (Op::Pascal, _, _) => Kind::Pascal,
        }
    }
}

/// One run of fields in the layout: `repeat` values of `size` bytes each,
/// starting at `offset`. (`s` and `p` are always one field of `size` bytes.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    /// For integer codes, every value accepted: CPython's C conversion and
    /// range check folded into one interval. Checking it is the fast path;
    /// the error wording is only worked out when a value falls outside.
    pub lo: i128,
    pub hi: i128,
    pub offset: usize,
    pub size: usize,
    pub repeat: usize,
    pub code: u8,
    pub big_endian: bool,
    pub op: Op,
    pub kind: Kind,
}

/// A compiled format: what `Struct` keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Total size in bytes (`calcsize`).
    pub size: usize,
    /// How many values `pack` takes and `unpack` gives.
    pub len: usize,
    /// The fields in order; pad bytes have no item (packing zero-fills).
    pub items: Vec<Item>,
    /// True when the fixed-width fields cover every byte (no padding, no
    /// `s`/`p`), so packing writes every byte and need not zero-fill first.
    pub covered: bool,
}

/// A format code's size, alignment, operation and (integers) range in one
/// mode.
struct Entry {
    size: usize,
    align: usize,
    /// `None` for `x`.
    op: Option<Op>,
    lo: i128,
    hi: i128,
}

/// CPython's `Py_ISSPACE`: the C locale's whitespace.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// An integer entry accepting `lo..=hi`.
fn int(size: usize, align: usize, rule: IntRule, lo: i128, hi: i128) -> Entry {
    Entry {
        size,
        align,
        op: Some(Op::Int {
            rule,
            signed: lo < 0,
        }),
        lo,
        hi,
    }
}

/// A non-integer entry.
fn other(size: usize, align: usize, op: Option<Op>) -> Entry {
    Entry {
        size,
        align,
        op,
        lo: 0,
        hi: 0,
    }
}

/// The table entry for `code` in `mode`, or `None` ("bad char").
///
/// On this little-endian machine CPython swaps its native routines into the
/// little-endian table wherever the sizes agree (except for `f`, `d`, `?`),
/// so `<h` and `@h` share wording while `<l` (4 bytes, not 8) does not.
fn entry(mode: Mode, code: u8) -> Option<Entry> {
    use IntRule::*;
    // The ranges of the C conversions: `long` and `unsigned long`.
    const L: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);
    const UL: i128 = u64::MAX as i128;
    let native = mode == Mode::Native;
    let big = mode == Mode::Big;
    // Alignment: native mode aligns each field to its size; standard modes never.
    let al = |n: usize| if native { n } else { 0 };
    Some(match code {
        b'x' => other(1, 0, None),
        b'c' => other(1, 0, Some(Op::Char)),
        b's' => other(1, 0, Some(Op::Str)),
        b'p' => other(1, 0, Some(Op::Pascal)),
        b'?' => other(1, al(1), Some(Op::Bool)),
        b'b' => int(1, 0, CType, -128, 127),
        b'B' => int(1, 0, CType, 0, 255),
        b'h' if big => int(2, 0, Signed, -32768, 32767),
        b'H' if big => int(2, 0, Unsigned, 0, 65535),
        b'h' => int(2, al(2), CType, -32768, 32767),
        b'H' => int(2, al(2), CType, 0, 65535),
        b'i' => int(4, al(4), Signed, i32::MIN.into(), i32::MAX.into()),
        b'I' => int(4, al(4), Unsigned, 0, u32::MAX.into()),
        b'l' if !native => int(4, 0, Signed, i32::MIN.into(), i32::MAX.into()),
        b'L' if !native => int(4, 0, Unsigned, 0, u32::MAX.into()),
        b'q' if big => int(8, 0, SignedBytes, L.0, L.1),
        b'Q' if big => int(8, 0, UnsignedBytes, 0, UL),
        b'l' | b'q' => int(8, al(8), Long, L.0, L.1),
        b'L' | b'Q' => int(8, al(8), ULong, 0, UL),
        b'n' if native => int(8, 8, Long, L.0, L.1),
        b'N' if native => int(8, 8, ULong, 0, UL),
        // Unsigned when read back, but a negative pointer packs as a long.
        b'P' if native => Entry {
            op: Some(Op::Int {
                rule: Pointer,
                signed: false,
            }),
            ..int(8, 8, Pointer, L.0, UL)
        },
        b'e' => other(2, al(2), Some(Op::Half)),
        b'f' => other(4, al(4), Some(Op::Float { checked: !native })),
        b'd' => other(8, al(8), Some(Op::Double)),
        _ => return None,
    })
}

/// The C type a [`IntRule::CType`] message names for `code`.
pub(crate) fn ctype_name(code: u8) -> &'static str {
    match code {
        b'b' => "byte",
        b'B' => "ubyte",
        b'h' => "short",
        _ => "ushort",
    }
}

/// Compiles `fmt` into a [`Layout`], failing exactly where and how CPython
/// 3.11's `Struct(fmt)` fails.
pub(crate) fn compile(fmt: &str) -> Result<Layout, StructError> {
    // Python encodes a str format to ASCII before anything else.
    if let Some((start, first)) = fmt.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        let run = fmt
            .chars()
            .skip(start)
            .take_while(|c| !c.is_ascii())
            .count();
        return Err(StructError::NonAscii {
            first,
            start,
            end: start + run,
        });
    }
    let bytes = fmt.as_bytes();
    if bytes.contains(&0) {
        return Err(StructError::EmbeddedNull);
    }

    let (mode, body) = match bytes.first() {
        Some(b'@') => (Mode::Native, &bytes[1..]),
        Some(b'<') | Some(b'=') => (Mode::Little, &bytes[1..]),
        Some(b'>') | Some(b'!') => (Mode::Big, &bytes[1..]),
        _ => (Mode::Native, bytes),
    };
    let big_endian = mode == Mode::Big;

    // Sizes are Py_ssize_t in CPython: keep every total below isize::MAX.
    const MAX: usize = isize::MAX as usize;
    let mut size: usize = 0;
    let mut len: usize = 0;
    let mut items = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let mut c = body[i];
        i += 1;
        if is_space(c) {
            continue;
        }
        let mut num = 1usize;
        if c.is_ascii_digit() {
            num = usize::from(c - b'0');
            loop {
                match body.get(i) {
                    Some(&d) if d.is_ascii_digit() => {
                        i += 1;
                        num = num
                            .checked_mul(10)
                            .and_then(|n| n.checked_add(usize::from(d - b'0')))
                            .filter(|&n| n <= MAX)
                            .ok_or(StructError::SizeTooLong)?;
                    }
                    Some(&d) => {
                        // The code must follow the digits at once: "3 i" is
                        // a bad char (the space), not a repeat.
                        c = d;
                        i += 1;
                        break;
                    }
                    None => return Err(StructError::RepeatWithoutCode),
                }
            }
        }
        let e = entry(mode, c).ok_or(StructError::BadChar)?;

        // Pad to the field's alignment (native mode, and never at offset 0).
        if e.align > 0 && size > 0 {
            let extra = (e.align - 1) - (size - 1) % e.align;
            size = size
                .checked_add(extra)
                .filter(|&s| s <= MAX)
                .ok_or(StructError::SizeTooLong)?;
        }
        if num > (MAX - size) / e.size {
            return Err(StructError::SizeTooLong);
        }
        match e.op {
            Some(op @ (Op::Str | Op::Pascal)) => {
                // One value however long the field, even for "0s".
                items.push(Item {
                    lo: 0,
                    hi: 0,
                    offset: size,
                    size: num,
                    repeat: 1,
                    code: c,
                    big_endian,
                    op,
                    kind: Kind::of(op, num, big_endian),
                });
                len += 1;
            }
            // "0i" takes no value, but its alignment still applied above.
            Some(op) if num > 0 => {
                items.push(Item {
                    lo: e.lo,
                    hi: e.hi,
                    offset: size,
                    size: e.size,
                    repeat: num,
                    code: c,
                    big_endian,
                    op,
                    kind: Kind::of(op, e.size, big_endian),
                });
                len += num;
            }
            // Pad bytes ('x') and zero counts: nothing to pack.
            _ => {}
        }
        size += num * e.size;
    }
    let fixed: usize = items
        .iter()
        .filter(|it| !matches!(it.op, Op::Str | Op::Pascal))
        .map(|it| it.size * it.repeat)
        .sum();
    let covered = fixed == size
        && items
            .iter()
            .all(|it| !matches!(it.op, Op::Str | Op::Pascal));
    Ok(Layout {
        size,
        len,
        items,
        covered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn size(fmt: &str) -> Result<usize, StructError> {
        compile(fmt).map(|l| l.size)
    }

    #[test]
    fn native_sizes() {
        for (code, n) in [
            ("x", 1),
            ("c", 1),
            ("b", 1),
            ("B", 1),
            ("?", 1),
            ("h", 2),
            ("H", 2),
            ("e", 2),
            ("i", 4),
            ("I", 4),
            ("f", 4),
            ("l", 8),
            ("L", 8),
            ("q", 8),
            ("Q", 8),
            ("n", 8),
            ("N", 8),
            ("P", 8),
            ("d", 8),
            ("s", 1),
            ("p", 1),
        ] {
            assert_eq!(size(code), Ok(n), "{code}");
        }
    }

    #[test]
    fn standard_sizes() {
        for mode in ["=", "<", ">", "!"] {
            for (code, n) in [
                ("b", 1),
                ("?", 1),
                ("h", 2),
                ("e", 2),
                ("i", 4),
                ("l", 4),
                ("L", 4),
                ("f", 4),
                ("q", 8),
                ("Q", 8),
                ("d", 8),
            ] {
                assert_eq!(size(&format!("{mode}{code}")), Ok(n), "{mode}{code}");
            }
            for code in ["n", "N", "P"] {
                assert_eq!(size(&format!("{mode}{code}")), Err(StructError::BadChar));
            }
        }
    }

    #[test]
    fn native_alignment() {
        assert_eq!(size("@bi"), Ok(8));
        assert_eq!(size("@ci"), Ok(8));
        assert_eq!(size("bi"), Ok(8));
        assert_eq!(size("ib"), Ok(5)); // no padding at the end
        assert_eq!(size("llh0l"), Ok(24)); // 0l pads the end to 8
        assert_eq!(size("=llh0l"), Ok(10));
        assert_eq!(size("<bi"), Ok(5));
        assert_eq!(size("@b?e"), Ok(4));
        assert_eq!(size("@bed"), Ok(16));
        assert_eq!(size("@bP"), Ok(16));
        assert_eq!(size("@b0P"), Ok(8));
        assert_eq!(size("@bn"), Ok(16));
        assert_eq!(size("@b3h"), Ok(8));
        assert_eq!(size("@bxh"), Ok(4));
        assert_eq!(size("@3sd"), Ok(16));
    }

    #[test]
    fn counts_and_bytes_fields() {
        assert_eq!(size("0s"), Ok(0));
        assert_eq!(size("3s"), Ok(3));
        assert_eq!(size("5p"), Ok(5));
        assert_eq!(size("4x"), Ok(4));
        assert_eq!(size("10i"), Ok(40));
        assert_eq!(size(""), Ok(0));
        assert_eq!(size("<"), Ok(0));
        let l = compile("0s2i0i3x").expect("valid");
        assert_eq!(l.len, 3);
        assert_eq!(l.items.len(), 2);
        assert_eq!(compile("5s").expect("valid").len, 1);
        assert_eq!(compile("5x").expect("valid").len, 0);
    }

    #[test]
    fn whitespace() {
        assert_eq!(size(" 12i "), Ok(48));
        assert_eq!(size("@b\t\n\x0b\x0c\r i"), Ok(8));
        assert_eq!(size("< h h"), Ok(4));
        assert_eq!(size("12 i"), Err(StructError::BadChar));
        assert_eq!(size(" <i"), Err(StructError::BadChar));
        assert_eq!(size("b\x1ci"), Err(StructError::BadChar));
    }

    #[test]
    fn errors() {
        assert_eq!(size("Z"), Err(StructError::BadChar));
        assert_eq!(size("<<i"), Err(StructError::BadChar));
        assert_eq!(size("i@"), Err(StructError::BadChar));
        assert_eq!(size("12"), Err(StructError::RepeatWithoutCode));
        assert_eq!(size("i0"), Err(StructError::RepeatWithoutCode));
        assert_eq!(size("i\0i"), Err(StructError::EmbeddedNull));
        assert_eq!(size("Z\0"), Err(StructError::EmbeddedNull));
        assert_eq!(
            size("é\0"),
            Err(StructError::NonAscii {
                first: 'é',
                start: 0,
                end: 1
            })
        );
        assert_eq!(
            size("ié中"),
            Err(StructError::NonAscii {
                first: 'é',
                start: 1,
                end: 3
            })
        );
        assert_eq!(
            size("a😀b\u{80}"),
            Err(StructError::NonAscii {
                first: '😀',
                start: 1,
                end: 2
            })
        );
    }

    #[test]
    fn size_limits() {
        assert_eq!(size("9223372036854775807x"), Ok(isize::MAX as usize));
        assert_eq!(size("9223372036854775807xc"), Err(StructError::SizeTooLong));
        assert_eq!(size("9223372036854775808x"), Err(StructError::SizeTooLong));
        assert_eq!(size("99999999999999999999i"), Err(StructError::SizeTooLong));
        // The count overflows before the bad code is seen.
        assert_eq!(size("99999999999999999999Z"), Err(StructError::SizeTooLong));
        assert_eq!(size("99999999999999999999"), Err(StructError::SizeTooLong));
        assert_eq!(size("4611686018427387904h"), Err(StructError::SizeTooLong));
        assert_eq!(size("4611686018427387903h"), Ok(9223372036854775806));
        // Alignment padding itself can overflow.
        assert_eq!(size("9223372036854775806xi"), Err(StructError::SizeTooLong));
    }

    #[test]
    fn rules_per_mode() {
        let item = |f: &str| compile(f).expect("valid").items[0].clone();
        let rule = |f: &str| match item(f).op {
            Op::Int { rule, .. } => rule,
            other => panic!("{f} is {other:?}"),
        };
        assert_eq!(rule("<h"), IntRule::CType);
        assert_eq!(rule(">h"), IntRule::Signed);
        assert_eq!(rule("<q"), IntRule::Long);
        assert_eq!(rule("!q"), IntRule::SignedBytes);
        assert_eq!(rule("=L"), IntRule::Unsigned);
        assert_eq!(rule("P"), IntRule::Pointer);
        assert_eq!(
            (item("P").lo, item("P").hi),
            (i64::MIN.into(), u64::MAX.into())
        );
        assert_eq!((item("!H").lo, item("!H").hi), (0, 65535));
        assert_eq!(
            item("P").op,
            Op::Int {
                rule: IntRule::Pointer,
                signed: false
            }
        );
        assert_eq!(
            item("n").op,
            Op::Int {
                rule: IntRule::Long,
                signed: true
            }
        );
        assert!(matches!(item("@f").op, Op::Float { checked: false }));
        assert!(matches!(item("=f").op, Op::Float { checked: true }));
        assert!(item("!i").big_endian);
        assert!(!item("=i").big_endian);
        assert_eq!(ctype_name(b'B'), "ubyte");
        assert_eq!(ctype_name(b'H'), "ushort");
    }

    #[test]
    fn coverage() {
        assert!(compile("<hhl").expect("valid").covered);
        assert!(compile("").expect("valid").covered);
        assert!(!compile("bi").expect("valid").covered); // padding
        assert!(!compile("bxb").expect("valid").covered);
        assert!(!compile("3s").expect("valid").covered);
        assert!(!compile("0p").expect("valid").covered);
        assert!(!compile("llh0l").expect("valid").covered);
    }

    proptest! {
        #[test]
        fn arbitrary_formats_never_panic(fmt in "\\PC{0,12}") {
            let _ = compile(&fmt);
        }

        #[test]
        fn format_alphabet_never_panics(fmt in "[@=<>! 0-9xcbB?hHiIlLqQnNefdspPZ]{0,16}") {
            if let Ok(l) = compile(&fmt) {
                // Every field lies inside the struct.
                for it in &l.items {
                    prop_assert!(it.offset + it.size * it.repeat <= l.size);
                }
            }
        }
    }
}
