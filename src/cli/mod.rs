//! The streaming commands of the binary (scan, gate, extract) and their progress bar, kept out of
//! `main.rs` so that it stays argument parsing and exit codes.

pub mod alloc;
pub mod progress;
pub mod stream;
