//! mtlint: find machine-translation artifacts in English news text.
//!
//! The pipeline: [`Document::new`] segments and tokenises text; the [`detect`] detectors report
//! [`Finding`]s, one artifact family per module, and [`fluency`] adds a human-English language model;
//! [`features`] turns findings and sentence statistics into a fixed, named feature vector; [`model`] scores
//! it with a calibrated logistic regression fitted by [`train`]; [`scan`] aggregates sentence scores into
//! passage and document scores. [`input`] reads what scrapers produce (text, lines, JSONL, HTML, RSS/Atom,
//! WARC), [`pipeline`] scores it on all cores in input order, [`output`] writes reports and [`gate`] splits
//! records into passed and rejected. The `mtlint` binary is a thin CLI over this library.

pub mod detect;
pub mod document;
pub mod error;
pub mod eval;
pub mod features;
pub mod gate;
pub mod fluency;
pub mod input;
pub mod lexicon;
pub mod metrics;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plot;
mod prefetch;
pub mod profile;
pub mod scan;
pub mod segment;
pub mod train;
#[cfg(test)]
mod test_rng;
mod uax29;
pub mod wordmap;

pub use detect::{Detector, Family, Finding};
pub use document::Document;
pub use error::Error;
pub use model::Model;
pub use scan::{DocumentReport, Scanner};
pub use segment::{split_sentences, Span};
