//! `pystruct`: Python's `struct` module from the shell.
//!
//! Every answer is what CPython 3.11 gives for the same call, so a student can
//! check what a Python program will put on the wire:
//!
//! ```text
//! $ pystruct pack i 100            # struct.pack('i', 100).hex()
//! 64000000
//! $ pystruct unpack '!I' 00000064  # print(struct.unpack('!I', bytes.fromhex('00000064')))
//! (100,)
//! $ pystruct pack B 256
//! struct.error: ubyte format requires 0 <= number <= 255
//! ```
//!
//! Errors that Python would raise are printed as the last line of Python's
//! traceback (`struct.error: ...`, `OverflowError: ...`, `ValueError: ...`)
//! on stderr, with exit status 1; other problems print `error: ...`. Where
//! Python's words do not say what went wrong, a `hint: ...` line follows:
//!
//! ```text
//! $ pystruct pack 5s "'text'"      # struct.pack('5s', 'text')
//! struct.error: argument for 's' must be a bytes object
//! hint: value 1 for pack: `'text'` is a str, but struct packs bytes: write it as b'...'
//! ```

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use framing::pystruct::hex::{from_hex, to_hex, FromHexError};
use framing::pystruct::literal::{parse_literal, LiteralError};
use framing::pystruct::repr::tuple_repr;
use framing::pystruct::{Struct, StructError, Value};

/// Python's struct module: pack values into bytes and unpack them, exactly as
/// CPython 3.11 does.
///
/// FMT is a struct format string: an optional byte order (@ native, = native
/// order with standard sizes, < little-endian, > big-endian, ! network) and
/// codes x c b B ? h H i I l L q Q n N e f d s p P with repeat counts.
/// Quote it in the shell ('<hd', '!I').
#[derive(Parser, Debug)]
#[command(name = "pystruct", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the size in bytes of FMT (struct.calcsize).
    Calcsize {
        /// The format string, e.g. '@bi'.
        fmt: String,
    },
    /// Pack VALUEs by FMT and print the bytes as lowercase hex
    /// (struct.pack(FMT, *VALUES).hex()).
    ///
    /// Each VALUE is a Python literal: 5, -3, 0x1f, 1.5, -2e3, inf, nan,
    /// True, False, b'ab\x00'.
    Pack {
        /// The format string, e.g. '!I'.
        fmt: String,
        /// The values to pack, one per code (a count of n repeats a code n
        /// times; s and p take one bytes value).
        #[arg(allow_hyphen_values = true, num_args = 0..)]
        values: Vec<String>,
    },
    /// Unpack HEX by FMT and print the tuple as Python's print does
    /// (print(struct.unpack(FMT, bytes.fromhex(HEX)))).
    Unpack {
        /// The format string, e.g. '<hd'.
        fmt: String,
        /// The bytes as hex digits; spaces between bytes are allowed.
        hex: String,
        /// Unpack from this offset in a longer buffer instead
        /// (struct.unpack_from); negative counts from the end.
        #[arg(long, allow_hyphen_values = true)]
        offset: Option<isize>,
    },
    /// Unpack HEX as consecutive structs and print one tuple per line
    /// (struct.iter_unpack).
    IterUnpack {
        /// The format string, e.g. '<hh'.
        fmt: String,
        /// The bytes as hex digits: a whole number of structs.
        hex: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors Python would raise look like the end of its traceback.
            if let Some(e) = err.downcast_ref::<StructError>() {
                eprintln!("{}", e.python_line());
                if let Some(hint) = err.downcast_ref::<Hint>() {
                    eprintln!("{hint}");
                }
            } else if let Some(e) = err.downcast_ref::<FromHexError>() {
                eprintln!("ValueError: {e}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

/// A note printed after Python's error line, for a mistake Python does not explain.
#[derive(Debug)]
struct Hint(String);

impl std::fmt::Display for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "hint: {}", self.0)
    }
}

/// `struct.pack(fmt, *values)` with each value written as a Python literal.
fn pack(fmt: &str, texts: &[String]) -> anyhow::Result<Vec<u8>> {
    let context = |i: usize| format!("value {} for pack", i + 1);
    // Python evaluates the arguments (the literals) before it compiles the
    // format, so literal errors come first. A str literal is no error there:
    // it is a Python value, and struct is the one that refuses it.
    let literals: Vec<Result<Value, LiteralError>> =
        texts.iter().map(|text| parse_literal(text)).collect();
    for (i, literal) in literals.iter().enumerate() {
        if let Err(err) = literal {
            if !matches!(err, LiteralError::Str(_)) {
                return Err(err.clone()).with_context(|| context(i));
            }
        }
    }
    let st = Struct::new(fmt)?;
    let mut codes = st.value_codes();
    // Where a str stands in, with what the literal reader says about it.
    let mut strs: Vec<(usize, LiteralError)> = Vec::new();
    let mut values = Vec::with_capacity(literals.len());
    for (i, literal) in literals.into_iter().enumerate() {
        let value = match (literal, codes.next()) {
            // For `s` and `p` CPython refuses every value that is not bytes in
            // the same words: "argument for 's' must be a bytes object". `Value`
            // has no str (struct never unpacks one), so another value that is not
            // bytes stands in for it, and `pack` refuses it in its turn, after the
            // values before it, as CPython does.
            (Err(err @ LiteralError::Str(_)), Some('s' | 'p')) => {
                strs.push((i, err));
                Value::Int(0)
            }
            (literal, _) => literal.with_context(|| context(i))?,
        };
        values.push(value);
    }
    let packed = st.pack(&values);
    if let (Err(err @ StructError::NotBytes { .. }), Some((i, why))) = (&packed, strs.first()) {
        // Python stops at its error line. Say why when it was a str that was
        // refused: with bytes in their place, packing gets past the strs.
        for (at, _) in &strs {
            values[*at] = Value::Bytes(Vec::new());
        }
        if st.pack(&values) != packed {
            return Err(err.clone()).context(Hint(format!("{}: {why}", context(*i))));
        }
    }
    Ok(packed?)
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Calcsize { fmt } => {
            println!("{}", Struct::new(&fmt)?.size());
        }
        Command::Pack { fmt, values } => {
            println!("{}", to_hex(&pack(&fmt, &values)?));
        }
        Command::Unpack { fmt, hex, offset } => {
            // bytes.fromhex(HEX) runs before struct compiles FMT.
            let bytes = from_hex(&hex)?;
            let st = Struct::new(&fmt)?;
            let values = match offset {
                Some(offset) => st.unpack_from(&bytes, offset)?,
                None => st.unpack(&bytes)?,
            };
            println!("{}", tuple_repr(&values));
        }
        Command::IterUnpack { fmt, hex } => {
            // bytes.fromhex(HEX) runs before struct compiles FMT.
            let bytes = from_hex(&hex)?;
            let st = Struct::new(&fmt)?;
            for values in st.iter_unpack(&bytes)? {
                println!("{}", tuple_repr(&values?));
            }
        }
    }
    Ok(())
}
