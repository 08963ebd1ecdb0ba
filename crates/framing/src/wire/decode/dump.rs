//! Printing a [`Decoded`]: the rows in aligned columns, then the payload as a hex dump.

use std::fmt;

use super::Decoded;

impl fmt::Display for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One column width for all layers, so the values line up down the page.
        let rows = self.layers.iter().flat_map(|layer| layer.rows.iter());
        let range_width = rows
            .clone()
            .map(|row| format!("{}..{}", row.bytes.start, row.bytes.end).len())
            .max()
            .unwrap_or(0);
        let field_width = rows.map(|row| row.field.len()).max().unwrap_or(0);

        for layer in &self.layers {
            writeln!(f, "{}  {}", layer.name, layer.summary)?;
            for row in &layer.rows {
                let range = format!("{}..{}", row.bytes.start, row.bytes.end);
                writeln!(
                    f,
                    "    {range:<range_width$}  {:<field_width$}  {}",
                    row.field, row.value
                )?;
            }
        }
        if let Some(payload) = &self.payload {
            writeln!(
                f,
                "Data  {} bytes at {}..{}: {}",
                payload.len(),
                payload.bytes.start,
                payload.bytes.end,
                payload.description
            )?;
            write_hex_dump(f, &payload.head)?;
            if payload.len() > payload.head.len() {
                writeln!(
                    f,
                    "    ... {} more bytes not shown",
                    payload.len() - payload.head.len()
                )?;
            }
        }
        Ok(())
    }
}

/// Writes bytes as `hexdump -C` does: offset, 16 bytes in hex, the same as text with
/// `.` for anything not printable ASCII.
fn write_hex_dump(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for (line, chunk) in bytes.chunks(16).enumerate() {
        let mut hex = String::new();
        for (i, byte) in chunk.iter().enumerate() {
            if i == 8 {
                hex.push(' ');
            }
            hex.push_str(&format!("{byte:02x} "));
        }
        let text: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        writeln!(f, "    {:04x}  {hex:<49} |{text}|", line * 16)?;
    }
    Ok(())
}
