//! A progress bar on standard error, by bytes read from the input files, only when standard error is a
//! terminal and the input is large: never in pipes or logs, and never for standard input (its size is
//! unknown).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Inputs smaller than this in total get no bar.
pub const LARGE_INPUT: u64 = 32 << 20;

/// A bar over the bytes counted in `counter`, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    counter: Arc<AtomicU64>,
}

impl Progress {
    /// A bar for reading `files` (already expanded from directories), if it should be shown.
    pub fn new(files: &[String]) -> Progress {
        let counter = Arc::new(AtomicU64::new(0));
        let total: u64 = files.iter().filter(|f| *f != "-").filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
        let show = io::stderr().is_terminal() && !files.iter().any(|f| f == "-") && total >= LARGE_INPUT;
        let bar = show.then(|| {
            let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}")
                .expect("a valid template");
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style)
        });
        Progress { bar, counter }
    }

    /// The counter to hand to the reader.
    pub fn counter(&self) -> Option<Arc<AtomicU64>> {
        self.bar.as_ref().map(|_| Arc::clone(&self.counter))
    }

    /// Shows the bytes read so far and `records` handled.
    pub fn update(&self, records: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(self.counter.load(Ordering::Relaxed));
            if records.is_multiple_of(256) {
                bar.set_message(format!("{records} records"));
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
