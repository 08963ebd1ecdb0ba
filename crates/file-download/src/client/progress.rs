//! The progress bar: bytes, rate and time left, on a terminal only.
//!
//! A bar is for a person watching. When stderr is a file or a pipe (a script, a test, a
//! log), redrawing a line many times a second would fill it with noise, so there is no
//! bar at all: [`Progress::new`] asks `IsTerminal` first. indicatif draws at most about
//! 20 times a second however often it is told of progress, so telling it after every
//! read costs little.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar on stderr, or nothing.
#[derive(Debug)]
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `name`: with a length (and so an ETA) when the size is known, a spinner
    /// with the byte count when it is not (the classic protocol). Hidden unless `show`
    /// and stderr is a terminal.
    pub fn new(show: bool, name: &str, size: Option<u64>, start: u64) -> Progress {
        if !show || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let target = ProgressDrawTarget::stderr();
        let bar = match size {
            Some(size) => {
                let bar = ProgressBar::with_draw_target(Some(size), target);
                bar.set_style(style(
                    "{bytes:>10}/{total_bytes} [{bar:30}] {binary_bytes_per_sec} ETA {eta} {msg}",
                ));
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, target);
                bar.set_style(style("{spinner} {bytes:>10} {binary_bytes_per_sec} {msg}"));
                bar
            }
        };
        bar.set_message(name.to_string());
        // A resumed download starts part way; the rate counts only what arrives now.
        bar.set_position(start);
        bar.reset_eta();
        bar.tick();
        Progress(Some(bar))
    }

    /// `n` more bytes arrived.
    pub fn advance(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }

    /// Takes the bar off the screen: the line that follows (the summary, or the error
    /// saying how far it got) takes its place.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// A style from a template that is a constant of this file.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}
