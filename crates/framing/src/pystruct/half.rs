//! IEEE 754 binary16, the `e` format: 1 sign bit, 5 exponent bits, 10
//! fraction bits.
//!
//! Rust has no `f16` on stable, so the conversion is written out here the
//! way CPython's `PyFloat_Pack2` / `PyFloat_Unpack2` do it:
//!
//! ```text
//!  15  14     10 9                0
//! +---+---------+------------------+
//! | s | exponent|     fraction     |    value = (-1)^s * 1.fraction * 2^(exponent-15)
//! +---+---------+------------------+    exponent 0: subnormal, 0.fraction * 2^-14
//!                                       exponent 31: infinity (fraction 0) or NaN
//! ```
//!
//! Packing rounds to the nearest half, ties to even; anything that would
//! round to 65520 or more is an error rather than infinity.

/// A finite double too large for binary16 (it would round to 65520 or more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfOverflow;

/// The binary16 bits of `x`, rounded to nearest with ties to even, exactly
/// as CPython 3.11's `PyFloat_Pack2`.
///
/// Infinities stay infinities; every NaN becomes the quiet NaN `0x7e00`
/// with the NaN's sign; a finite `x` whose rounding reaches 65520 fails.
///
/// # Examples
///
/// ```
/// use framing::pystruct::half::pack_half;
///
/// assert_eq!(pack_half(1.0), Ok(0x3c00));
/// assert_eq!(pack_half(65504.0), Ok(0x7bff)); // the largest half
/// assert!(pack_half(65520.0).is_err()); // would round up to infinity
/// assert_eq!(pack_half(f64::NEG_INFINITY), Ok(0xfc00));
/// ```
pub fn pack_half(x: f64) -> Result<u16, HalfOverflow> {
    let sign = u16::from(x.is_sign_negative());
    let (exponent, mut bits): (i32, u16) = if x == 0.0 {
        (0, 0)
    } else if x.is_infinite() {
        (0x1f, 0)
    } else if x.is_nan() {
        // CPython keeps only the sign of a NaN: the fraction becomes the
        // single "quiet" bit.
        (0x1f, 512)
    } else {
        let (mut f, mut e) = normalize(x.abs());
        if e >= 16 {
            return Err(HalfOverflow);
        } else if e < -25 {
            // |x| < 2**-25: less than half the smallest subnormal.
            f = 0.0;
            e = 0;
        } else if e < -14 {
            // Subnormal: shift the leading 1 into the fraction.
            f *= pow2(14 + e);
            e = 0;
        } else {
            e += 15;
            f -= 1.0; // the leading 1 is implicit
        }
        f *= 1024.0;
        // Truncate, then round to even by looking at what was cut off.
        // `f` is below 1024 and has few enough digits that `f - bits` is exact.
        let mut bits = f as u16;
        let rest = f - f64::from(bits);
        if rest > 0.5 || (rest == 0.5 && bits % 2 == 1) {
            bits += 1;
            if bits == 1024 {
                // The carry ran out of the fraction into the exponent.
                bits = 0;
                e += 1;
                if e == 31 {
                    return Err(HalfOverflow);
                }
            }
        }
        (e, bits)
    };
    bits |= ((exponent as u16) << 10) | (sign << 15);
    Ok(bits)
}

/// The double that binary16 `bits` stand for, exactly (every half is a
/// double), as CPython 3.11's `PyFloat_Unpack2`: NaNs come back as the
/// plain quiet NaN with the sign kept.
///
/// # Examples
///
/// ```
/// use framing::pystruct::half::unpack_half;
///
/// assert_eq!(unpack_half(0x3c00), 1.0);
/// assert_eq!(unpack_half(0x0001), 2f64.powi(-24)); // smallest subnormal
/// assert!(unpack_half(0x7e00).is_nan());
/// ```
pub fn unpack_half(bits: u16) -> f64 {
    let negative = bits & 0x8000 != 0;
    let exponent = i32::from((bits >> 10) & 0x1f);
    let fraction = bits & 0x3ff;
    if exponent == 0x1f {
        let special = if fraction == 0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
        return if negative { -special } else { special };
    }
    let mut x = f64::from(fraction) / 1024.0;
    let e = if exponent == 0 {
        -14
    } else {
        x += 1.0;
        exponent - 15
    };
    x *= pow2(e);
    if negative {
        -x
    } else {
        x
    }
}

/// Splits a positive finite `x` into `f * 2**e` with `1 <= f < 2`, like C's
/// `frexp` followed by one doubling. A double too small to be normal comes
/// back with an exponent far below anything binary16 can hold.
fn normalize(x: f64) -> (f64, i32) {
    let raw = x.to_bits();
    let biased = ((raw >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal double (< 2**-1022): only its size matters here, and it
        // is far below 2**-25.
        return (1.0, -1023);
    }
    let f = f64::from_bits((raw & ((1u64 << 52) - 1)) | (1023u64 << 52));
    (f, biased - 1023)
}

/// 2**e for the small exponents used here (-24..=15 and the like), exactly.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn exact_values() {
        assert_eq!(pack_half(0.0), Ok(0x0000));
        assert_eq!(pack_half(-0.0), Ok(0x8000));
        assert_eq!(pack_half(1.0), Ok(0x3c00));
        assert_eq!(pack_half(-2.0), Ok(0xc000));
        assert_eq!(pack_half(65504.0), Ok(0x7bff));
        assert_eq!(pack_half(6.103515625e-05), Ok(0x0400)); // smallest normal
        assert_eq!(pack_half(6.097555160522461e-05), Ok(0x03ff)); // largest subnormal
        assert_eq!(pack_half(2f64.powi(-24)), Ok(0x0001)); // smallest subnormal
    }

    #[test]
    fn overflow_edge() {
        assert_eq!(pack_half(65519.99), Ok(0x7bff));
        assert_eq!(pack_half(65519.999999), Ok(0x7bff));
        assert_eq!(pack_half(65520.0), Err(HalfOverflow));
        assert_eq!(pack_half(-65520.0), Err(HalfOverflow));
        assert_eq!(pack_half(65536.0), Err(HalfOverflow));
        assert_eq!(pack_half(1e300), Err(HalfOverflow));
        assert_eq!(pack_half(f64::MAX), Err(HalfOverflow));
    }

    #[test]
    fn specials() {
        assert_eq!(pack_half(f64::INFINITY), Ok(0x7c00));
        assert_eq!(pack_half(f64::NEG_INFINITY), Ok(0xfc00));
        assert_eq!(pack_half(f64::NAN), Ok(0x7e00));
        assert_eq!(pack_half(-f64::NAN), Ok(0xfe00));
        // A NaN with a payload loses it.
        assert_eq!(pack_half(f64::from_bits(0x7ff0_0000_0000_0001)), Ok(0x7e00));
        assert_eq!(unpack_half(0x7c00), f64::INFINITY);
        assert_eq!(unpack_half(0xfc00), f64::NEG_INFINITY);
        assert!(unpack_half(0x7c01).is_nan());
        assert!(unpack_half(0xfc01).is_sign_negative());
        assert_eq!(unpack_half(0x7c01).to_bits(), f64::NAN.to_bits());
    }

    #[test]
    fn halfway_cases_round_to_even() {
        // Values checked against CPython 3.11's struct.pack('<e', x).
        assert_eq!(pack_half(2f64.powi(-25)), Ok(0x0000)); // half of smallest: to 0 (even)
        assert_eq!(pack_half(2f64.powi(-25) * 1.0000001), Ok(0x0001));
        assert_eq!(pack_half(2f64.powi(-24) * 1.5), Ok(0x0002)); // 1.5 -> 2
        assert_eq!(pack_half(2f64.powi(-24) * 2.5), Ok(0x0002)); // 2.5 -> 2
        assert_eq!(pack_half(1.0 + 2f64.powi(-11)), Ok(0x3c00)); // to even 1.0
        assert_eq!(pack_half(1.0 + 3.0 * 2f64.powi(-11)), Ok(0x3c02));
        assert_eq!(pack_half(2f64.powi(-26)), Ok(0x0000));
        assert_eq!(pack_half(-2f64.powi(-26)), Ok(0x8000));
        assert_eq!(pack_half(5e-324), Ok(0x0000));
        assert_eq!(pack_half(-5e-324), Ok(0x8000));
    }

    #[test]
    fn unpack_exact() {
        assert_eq!(unpack_half(0x0000), 0.0);
        assert!(unpack_half(0x8000).is_sign_negative());
        assert_eq!(unpack_half(0x0001), 5.960464477539063e-08);
        assert_eq!(unpack_half(0x03ff), 6.097555160522461e-05);
        assert_eq!(unpack_half(0x7bff), 65504.0);
        assert_eq!(unpack_half(0x3555), 0.333251953125);
    }

    #[test]
    fn every_half_round_trips() {
        for bits in 0..=u16::MAX {
            let x = unpack_half(bits);
            if x.is_nan() {
                let expected = if bits & 0x8000 != 0 { 0xfe00 } else { 0x7e00 };
                assert_eq!(pack_half(x), Ok(expected));
            } else {
                assert_eq!(pack_half(x), Ok(bits), "bits {bits:#06x}");
            }
        }
    }

    proptest! {
        /// Packing picks the nearest half for every double in range (compare
        /// with both neighbours of the result), and the sign only sets bit 15.
        #[test]
        fn rounds_to_nearest(x in 0.0f64..65519.0) {
            let bits = pack_half(x).expect("in range");
            let y = unpack_half(bits);
            for n in [bits.wrapping_sub(1), bits + 1] {
                if n <= 0x7bff {
                    prop_assert!((y - x).abs() <= (unpack_half(n) - x).abs());
                }
            }
            prop_assert_eq!(pack_half(-x), Ok(bits | 0x8000));
        }

        #[test]
        fn never_panics(raw in any::<u64>()) {
            let _ = pack_half(f64::from_bits(raw));
        }
    }
}
