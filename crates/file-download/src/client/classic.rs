//! `--classic`: the course's protocol from the client's side.
//!
//! Send the name's bytes; everything that comes back until the server closes is the
//! file. Two answers are ambiguous, and this client says so instead of guessing:
//!
//! - nothing at all: 002's server closes without a word when the file is missing, and an
//!   empty file looks the same;
//! - exactly the seven bytes `no_file`: 004's server's refusal, and a file holding those
//!   bytes looks the same.
//!
//! And one thing cannot be seen at all: a transfer cut short ends like a whole one (the
//! server closes either way). The saved file is still written as `.part` and renamed, so a
//! crash of *this* program never leaves a file that looks complete.

use super::{receive, stdout, Done, Download, Output, PartPaths};
use crate::server::classic::NO_FILE;
use anyhow::{anyhow, bail, Context, Result};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

impl Download {
    /// The course's exchange: the name out, bytes in until the end of the stream.
    pub(super) fn run_classic(&self) -> Result<Done> {
        let paths = match &self.output {
            Output::File(path) => {
                self.check_overwrite(path)?;
                Some(PartPaths::new(path))
            }
            Output::Stdout => None,
        };
        let started = Instant::now();
        let mut stream = self.connect()?;
        // 5. Send the name, as the course does: its UTF-8 bytes and nothing else.
        stream
            .write_all(self.name.as_bytes())
            .context("sending the name")?;
        // Hold the first bytes back until it is clear they are not the whole answer.
        let head = read_head(&mut stream, NO_FILE.len() + 1)
            .map_err(|e| anyhow!(e).context("reading the server's answer"))?;
        if head.is_empty() {
            bail!(
                "the server sent nothing: {:?} is missing there, or empty (the course's protocol cannot say which)",
                self.name
            );
        }
        if head == NO_FILE {
            bail!(
                "the server sent \"no_file\": it has no file {:?} (or one holding exactly those 7 bytes: the course's protocol cannot say which)",
                self.name
            );
        }
        let progress = super::Progress::new(self.progress, &self.name, None, 0);
        // 6-7. Save what arrives until the server closes.
        let (received, path) = match &paths {
            Some(paths) => {
                let mut file = File::create(&paths.part)
                    .with_context(|| format!("creating {}", paths.part.display()))?;
                file.write_all(&head)
                    .with_context(|| format!("writing {}", paths.part.display()))?;
                let body = receive(&stream, None, &mut file, None, &progress, self.timeout);
                progress.finish();
                let rest = body.map_err(|cut| {
                    anyhow!(
                        "{} after {} bytes; {} kept (the course's protocol cannot resume)",
                        cut.why,
                        head.len() as u64 + cut.got,
                        paths.part.display()
                    )
                })?;
                fs::rename(&paths.part, &paths.path).with_context(|| {
                    format!(
                        "renaming {} to {}",
                        paths.part.display(),
                        paths.path.display()
                    )
                })?;
                (rest, Some(paths.path.clone()))
            }
            None => {
                let mut out = stdout()?;
                out.write_all(&head).context("writing to standard output")?;
                let body = receive(&stream, None, &mut out, None, &progress, self.timeout);
                progress.finish();
                let rest = body.map_err(|cut| {
                    anyhow!("{} after {} bytes", cut.why, head.len() as u64 + cut.got)
                })?;
                out.flush().context("writing to standard output")?;
                (rest, None)
            }
        };
        let size = head.len() as u64 + received;
        Ok(Done {
            path,
            size,
            received: size,
            resumed_from: 0,
            verified: None,
            elapsed: started.elapsed(),
        })
    }
}

/// Reads until `want` bytes have arrived or the stream ends.
fn read_head(stream: &mut TcpStream, want: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(want);
    stream.take(want as u64).read_to_end(&mut head)?;
    Ok(head)
}
