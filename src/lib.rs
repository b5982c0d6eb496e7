//! mtlint: find machine-translation artifacts in English news text.
//!
//! The pipeline: [`Document::new`] segments and tokenises text; the [`detect`] detectors report
//! [`Finding`]s, one artifact family per module; [`features`] turns findings and sentence statistics into a
//! fixed, named feature vector; [`model`] scores it with a calibrated logistic regression; [`scan`]
//! aggregates sentence scores into passage and document scores. The `mtlint` binary is a thin CLI over
//! this library.

pub mod detect;
pub mod document;
pub mod lexicon;
pub mod segment;

pub use detect::{Detector, Family, Finding};
pub use document::Document;
pub use segment::{split_sentences, Span};
