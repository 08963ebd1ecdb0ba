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
//! on stderr, with exit status 1; other problems print `error: ...`.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use framing::pystruct::hex::{from_hex, to_hex, FromHexError};
use framing::pystruct::literal::parse_literal;
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
            } else if let Some(e) = err.downcast_ref::<FromHexError>() {
                eprintln!("ValueError: {e}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Calcsize { fmt } => {
            println!("{}", Struct::new(&fmt)?.size());
        }
        Command::Pack { fmt, values } => {
            // Python evaluates the arguments (the literals) before it
            // compiles the format, so literal errors come first.
            let values = values
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    parse_literal(text).with_context(|| format!("value {} for pack", i + 1))
                })
                .collect::<anyhow::Result<Vec<Value>>>()?;
            let st = Struct::new(&fmt)?;
            println!("{}", to_hex(&st.pack(&values)?));
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
