//! Artifact detectors: one family of machine-translation artifacts per module.
//!
//! Each detector reads a [`Document`] and reports [`Finding`]s for one sentence at a time (with the whole
//! document in view, because some artifacts, like a pronoun whose antecedent is a company, need the
//! sentences before). A finding carries the rule that fired, the byte span of the evidence in the document
//! and a message a person can act on. The findings are the explanation; the feature vector built from them
//! (see `features`) is what the model scores.

use crate::document::Document;
use serde::Serialize;

pub mod calque;
pub mod classes;
pub mod foreign_word;
pub mod grammar;
pub mod pronoun;
pub mod repetition;
pub mod typography;
pub mod word_order;

/// The artifact families; each maps to one feature of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    ForeignWord,
    Typography,
    Pronoun,
    Calque,
    Collocation,
    WordOrder,
    Grammar,
    Repetition,
}

impl Family {
    /// The family's stable name, used in rule names and feature names.
    pub fn name(self) -> &'static str {
        match self {
            Family::ForeignWord => "foreign-word",
            Family::Typography => "typography",
            Family::Pronoun => "pronoun",
            Family::Calque => "calque",
            Family::Collocation => "collocation",
            Family::WordOrder => "word-order",
            Family::Grammar => "grammar",
            Family::Repetition => "repetition",
        }
    }
}

/// One piece of evidence: which rule, where, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `family/rule`, e.g. `typography/currency-space`.
    pub rule: String,
    #[serde(skip)]
    pub family: Family,
    /// Byte offsets into the document.
    pub start: usize,
    pub end: usize,
    pub message: String,
}

impl Finding {
    pub fn new(family: Family, rule: &str, start: usize, end: usize, message: impl Into<String>) -> Self {
        let family_name = family.name();
        let mut name = String::with_capacity(family_name.len() + 1 + rule.len());
        name.push_str(family_name);
        name.push('/');
        name.push_str(rule);
        Finding { rule: name, family, start, end, message: message.into() }
    }
}

/// A detector of one artifact family.
pub trait Detector: Send + Sync {
    /// The family this detector reports.
    fn family(&self) -> Family;
    /// One line on what it looks for.
    fn description(&self) -> &'static str;
    /// Appends the findings for sentence `index` of `doc` to `out`.
    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>);
}

/// All rule-based detectors, in a fixed order.
pub fn default_detectors() -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(foreign_word::ForeignWords::default()),
        Box::new(typography::Typography),
        Box::new(pronoun::PronounCarryOver),
        Box::new(calque::Calques::default()),
        Box::new(word_order::WordOrder),
        Box::new(grammar::Grammar),
        Box::new(repetition::Repetition),
    ]
}

/// Appends the findings of `detectors` on sentence `index` of `doc` to `out`, in detector order (the
/// caller sorts them once it has added any of its own).
pub fn run_detectors(detectors: &[Box<dyn Detector>], doc: &Document, index: usize, out: &mut Vec<Finding>) {
    for d in detectors {
        d.detect(doc, index, out);
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    /// Texts to check a detector's faster form against its first one: the first 400 bench sentences,
    /// and 3,000 random sequences of `vocabulary` (words, punctuation, numbers), mostly spaced.
    pub fn texts(vocabulary: &[&str], seed: u64) -> Vec<String> {
        let mut next = crate::test_rng::xorshift(seed);
        let bench = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/sentences.txt")).expect("the bench sentences");
        let mut texts: Vec<String> = bench.lines().take(400).map(str::to_string).collect();
        for _ in 0..3000 {
            let n = (next() % 24) as usize;
            let words: Vec<&str> = (0..n).map(|_| vocabulary[(next() % vocabulary.len() as u64) as usize]).collect();
            texts.push(words.join(if next().is_multiple_of(4) { "" } else { " " }));
        }
        texts
    }

    /// Findings as (rule, start, end).
    pub type Found = Vec<(String, usize, usize)>;

    /// The findings of `detector` on every sentence of `text`, with those of `reference` (a function of
    /// the document and the sentence index).
    pub fn both(detector: &dyn Detector, reference: impl Fn(&Document, usize) -> Found, text: &str) -> (Found, Found) {
        let doc = Document::new(text);
        let (mut found, mut expected) = (Vec::new(), Vec::new());
        for i in 0..doc.sentences.len() {
            let mut out = Vec::new();
            detector.detect(&doc, i, &mut out);
            found.extend(out.into_iter().map(|f| (f.rule, f.start, f.end)));
            expected.extend(reference(&doc, i));
        }
        (found, expected)
    }

    /// Checks `detector` against `reference` on the [`texts`] of `vocabulary`, and returns the rules that
    /// fired (so that a test can require every rule to have been exercised).
    pub fn assert_same_as_reference(
        detector: &dyn Detector,
        reference: impl Fn(&Document, usize) -> Found,
        vocabulary: &[&str],
        seed: u64,
    ) -> std::collections::BTreeSet<String> {
        let mut rules = std::collections::BTreeSet::new();
        for text in texts(vocabulary, seed) {
            let (found, expected) = both(detector, &reference, &text);
            assert_eq!(found, expected, "{text:?}");
            rules.extend(found.into_iter().map(|f| f.0));
        }
        rules
    }

    /// Runs one detector over every sentence of `text` and returns (rule, flagged text) pairs.
    pub fn run(detector: &dyn Detector, text: &str) -> Vec<(String, String)> {
        let doc = Document::new(text);
        let mut out = Vec::new();
        for i in 0..doc.sentences.len() {
            detector.detect(&doc, i, &mut out);
        }
        out.into_iter().map(|f| (f.rule, text[f.start..f.end].to_string())).collect()
    }
}
