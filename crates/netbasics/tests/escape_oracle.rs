//! Which characters received text shows as escapes, checked against CPython's Unicode
//! database.
//!
//! Our rule ([`netbasics::text::needs_escape`]) is: the control characters (general
//! category Cc) and the table of format characters and separators (Cf, Zl, Zp) in
//! `netbasics::text::invisible`. Python's `unicodedata.category` is the oracle, for every
//! code point of the ranges where those categories live. Python's `str.isprintable()`
//! must agree that each of them is not printable.
//!
//! Python's Unicode may be older than our table (Python 3.11 has Unicode 14.0, where
//! U+13439-U+1343F are not assigned yet): a code point Python calls unassigned (Cn) is
//! left out of the comparison. A newer Python that knows a format character our table
//! lacks fails the test, which is the point: the table then needs the new range.

use std::process::Command;

use netbasics::text::needs_escape;

/// Where the Cc, Cf, Zl and Zp characters are, with some of their neighbours.
const RANGES: [(u32, u32); 9] = [
    (0x0000, 0x0900),
    (0x1800, 0x1810),
    (0x2000, 0x2070),
    (0xFE00, 0xFFFF),
    (0x110B0, 0x110D0),
    (0x13420, 0x13460),
    (0x1BC90, 0x1BCA8),
    (0x1D170, 0x1D180),
    (0xE0000, 0xE0100),
];

/// Prints `CODEPOINT CATEGORY PRINTABLE` for every code point of the ranges given as
/// arguments (`first-last`, in hex), after a first line with the Unicode version.
const ORACLE: &str = r#"
import sys, unicodedata
print(unicodedata.unidata_version)
for arg in sys.argv[1:]:
    first, last = (int(x, 16) for x in arg.split("-"))
    for cp in range(first, last + 1):
        ch = chr(cp)
        print("%x %s %d" % (cp, unicodedata.category(ch), ch.isprintable()))
"#;

#[test]
fn escaped_characters_are_python_s_cc_cf_zl_zp() {
    let Some(python) = e2e::python3("escaped_characters_are_python_s_cc_cf_zl_zp") else {
        return;
    };
    let ranges: Vec<String> = RANGES
        .iter()
        .map(|(first, last)| format!("{first:x}-{last:x}"))
        .collect();
    let out = Command::new(python)
        .arg("-c")
        .arg(ORACLE)
        .args(&ranges)
        .output()
        .expect("running python3");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("python prints ASCII");
    let mut lines = text.lines();
    let version = lines.next().expect("the Unicode version");

    let mut compared = 0;
    let mut wrong = Vec::new();
    for line in lines {
        let [cp, category, printable] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("unexpected line {line:?}");
        };
        let cp = u32::from_str_radix(cp, 16).expect("a hex code point");
        let Some(ch) = char::from_u32(cp) else {
            continue; // a surrogate: not a character in Rust
        };
        if category == "Cn" {
            continue; // unassigned in Python's Unicode (see the module docs)
        }
        compared += 1;
        let expected = matches!(category, "Cc" | "Cf" | "Zl" | "Zp");
        if needs_escape(ch) != expected {
            wrong.push(format!(
                "U+{cp:04X} ({category}): ours {}",
                needs_escape(ch)
            ));
        }
        if needs_escape(ch) && printable == "1" {
            wrong.push(format!(
                "U+{cp:04X} ({category}): Python calls it printable"
            ));
        }
    }
    assert!(compared > 3000, "only {compared} code points compared");
    assert!(
        wrong.is_empty(),
        "our escapes differ from Python's Unicode {version}:\n{}",
        wrong.join("\n")
    );
}
