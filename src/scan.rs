//! Scoring a document: segment -> features and findings per sentence -> calibrated sentence scores ->
//! passage scores (windows of sentences) -> a document score and verdict.
//!
//! The document score combines the calibrated sentence logits z_i as sum(z_i) / sqrt(n) (Stouffer's
//! method): between the mean, which lets many fluent sentences (and most MT sentences are fluent) dilute a
//! few strong artifacts, and the sum, which would treat sentences of one article as independent evidence.
//! Segments of fewer than [`MIN_WORDS`] words (datelines, headings) are too short to judge: they keep
//! their findings but get score 0 and do not count. Passages (a window of [`PASSAGE_SENTENCES`]
//! sentences) rank where a reviewer should look.

use crate::detect::Finding;
use crate::document::Document;
use crate::features::FeatureExtractor;
use crate::model::{sigmoid, Contribution, Model, Scored};
use crate::profile::{symbols_into, MergedProfiles, NgramKeysOfMany};
use serde::Serialize;

/// Sentences per passage window.
pub const PASSAGE_SENTENCES: usize = 3;
/// Shorter segments are not scored (the model is trained on segments of at least this many words).
pub const MIN_WORDS: usize = 3;

/// A scored sentence.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceReport {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub score: f64,
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub logit: f64,
    #[serde(skip)]
    pub features: Vec<f32>,
    /// The model head that decided the score (an index into `Model::heads`).
    #[serde(skip)]
    pub head: usize,
}

impl SentenceReport {
    /// The text a finding of this sentence points at.
    pub fn quote(&self, finding: &Finding) -> &str {
        &self.text[finding.start - self.start..finding.end - self.start]
    }
}

/// A scored window of consecutive sentences.
#[derive(Debug, Clone, Serialize)]
pub struct PassageReport {
    pub start: usize,
    pub end: usize,
    pub score: f64,
}

/// A scored document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    pub id: String,
    pub score: f64,
    pub verdict: &'static str,
    pub sentences: Vec<SentenceReport>,
    pub passages: Vec<PassageReport>,
}

impl DocumentReport {
    /// Sentence indices, highest score first.
    pub fn ranked_sentences(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.sentences.len()).collect();
        idx.sort_by(|&a, &b| self.sentences[b].score.total_cmp(&self.sentences[a].score).then(a.cmp(&b)));
        idx
    }

    /// Up to `n` findings with their sentences, those of the highest-scoring sentences first.
    pub fn top_findings(&self, n: usize) -> Vec<(&SentenceReport, &Finding)> {
        let ranked = self.ranked_sentences().into_iter().map(|i| &self.sentences[i]);
        ranked.flat_map(|s| s.findings.iter().map(move |f| (s, f))).take(n).collect()
    }
}

/// Scores documents with a model.
pub struct Scanner<'m> {
    pub model: &'m Model,
    pub extractor: FeatureExtractor,
    /// Documents above this score get the verdict "mt".
    pub threshold: f64,
    /// The model's head profiles in one lookup (used while `model` is still the model it was built for).
    merged: Option<MergedProfiles>,
}

/// The document score from its judged sentences' calibrated logits: sigmoid(sum / sqrt(n)), 0 when none.
pub fn document_score(logits: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for z in logits {
        sum += z;
        n += 1;
    }
    if n == 0 {
        0.0
    } else {
        sigmoid(sum / (n as f64).sqrt())
    }
}

impl<'m> Scanner<'m> {
    pub fn new(model: &'m Model) -> Self {
        let merged = model.merged_profiles();
        Scanner { model, extractor: FeatureExtractor::default(), threshold: model.threshold, merged }
    }

    /// Scores `text` as one document.
    pub fn scan(&self, id: String, text: &str) -> DocumentReport {
        self.scan_batch([(id, text)]).pop().expect("a report per document")
    }

    /// Scores each (id, text) as a document, [`Scanner::scan`] of each in turn: the same reports. The
    /// profile n-grams of all their sentences are looked up in one stream first
    /// ([`MergedProfiles::features_of_many`]), whose table lines then arrive while earlier lookups run;
    /// a document at a time, a one-sentence document (a line of a feed) would wait for most of its own.
    pub fn scan_batch<'t>(&self, records: impl IntoIterator<Item = (String, &'t str)>) -> Vec<DocumentReport> {
        let records = records.into_iter();
        let mut documents: Vec<(String, Document)> = Vec::with_capacity(records.size_hint().1.unwrap_or(0));
        documents.extend(records.map(|(id, text)| (id, Document::new(text))));
        let merged = self.merged.as_ref().filter(|m| self.model.is_merged_in(m));
        let profiles = merged.map(|m| {
            let sentences = documents.iter().map(|(_, doc)| doc.sentences.len()).sum();
            let tokens: usize = documents.iter().flat_map(|(_, doc)| doc.sentences.iter().map(|s| s.tokens.len() + 2)).sum();
            let mut ngrams = NgramKeysOfMany::with_capacity(sentences, tokens);
            let mut syms = Vec::new();
            for (_, doc) in &documents {
                for i in 0..doc.sentences.len() {
                    symbols_into(doc, i, &mut syms);
                    ngrams.push(&syms);
                }
            }
            m.features_of_many(&ngrams)
        });
        let mut profiles = profiles.iter().flatten();
        documents
            .into_iter()
            .map(|(id, doc)| {
                // (no features given: this model's tables are not merged, and each head's is read)
                self.report(id, &doc, |i| match profiles.next() {
                    Some(given) => self.model.score_sentence_given(&self.extractor, given, &doc, i),
                    None => self.model.score_sentence(&self.extractor, &doc, i),
                })
            })
            .collect()
    }

    /// The report of `doc`, its sentences scored by `score(index)` in order.
    fn report(&self, id: String, doc: &Document, mut score: impl FnMut(usize) -> Scored) -> DocumentReport {
        let mut sentences = Vec::with_capacity(doc.sentences.len());
        for (i, s) in doc.sentences.iter().enumerate() {
            let Scored { features, findings, head, raw_logit } = score(i);
            let (logit, score) = if s.words >= MIN_WORDS {
                let logit = self.model.calibrate(raw_logit);
                (logit, sigmoid(logit))
            } else {
                (f64::NEG_INFINITY, 0.0)
            };
            sentences.push(SentenceReport {
                start: s.span.start,
                end: s.span.end,
                text: doc.slice(s.span).to_string(),
                score,
                findings,
                logit,
                features,
                head,
            });
        }
        let score = document_score(sentences.iter().map(|s| s.logit).filter(|z| z.is_finite()));
        let passages = passages(&sentences);
        DocumentReport { id, score, verdict: if score > self.threshold { "mt" } else { "human" }, sentences, passages }
    }

    /// Each feature's contribution to a sentence's score.
    pub fn explain(&self, sentence: &SentenceReport) -> Vec<Contribution> {
        self.model.contributions(sentence.head, &sentence.features)
    }
}

fn passages(sentences: &[SentenceReport]) -> Vec<PassageReport> {
    if sentences.is_empty() {
        return Vec::new();
    }
    let width = PASSAGE_SENTENCES.min(sentences.len());
    let mut out: Vec<PassageReport> = sentences
        .windows(width)
        .map(|w| PassageReport {
            start: w[0].start,
            end: w[w.len() - 1].end,
            score: w.iter().map(|s| s.score).sum::<f64>() / w.len() as f64,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start.cmp(&b.start)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_model;

    #[test]
    fn spans_slice_the_original_text_and_scores_are_probabilities() {
        let scanner = Scanner::new(default_model());
        let text = "SEOUL: The talks resumed.  It had stolen more than $ 300 million. .\n\nNew paragraph here.";
        let report = scanner.scan("t".into(), text);
        assert_eq!(report.sentences.len(), 3);
        for s in &report.sentences {
            assert_eq!(&text[s.start..s.end], s.text);
            assert!((0.0..=1.0).contains(&s.score));
            for f in &s.findings {
                assert!(f.start >= s.start && f.end <= s.end);
            }
        }
        assert!((0.0..=1.0).contains(&report.score));
        let top = report.ranked_sentences()[0];
        assert!(report.sentences[top].text.contains("$ 300"));
        let (sentence, finding) = report.top_findings(1)[0];
        assert_eq!(sentence.start, report.sentences[top].start, "the top finding is in the top sentence");
        assert_eq!(sentence.quote(finding), &text[finding.start..finding.end]);
    }

    #[test]
    fn a_batch_scores_each_document_as_each_head_table_scores_it_alone() {
        // scan_batch looks the profile n-grams of all the batch's sentences up in the merged tables first;
        // scoring each sentence on its own with each head's own table (no merged lookup) must give the
        // same numbers, document by document, whatever comes before it in the batch.
        let model = default_model();
        let scanner = Scanner::new(model);
        assert!(scanner.merged.as_ref().is_some_and(|m| model.is_merged_in(m)), "the default model's tables are merged");
        let bench = include_str!("../benches/sentences.txt");
        let mut texts: Vec<String> = bench.lines().take(40).map(str::to_string).collect();
        texts.insert(3, String::new());
        texts.insert(7, "Ok.".into());
        texts.push(bench.lines().skip(40).take(30).collect::<Vec<_>>().join(" "));
        texts.push("It had stolen more than $ 300 million. . North Korea trató to obtain it".into());
        let reports = scanner.scan_batch(texts.iter().enumerate().map(|(i, t)| (format!("r{i}"), t.as_str())));
        assert_eq!(reports.len(), texts.len());
        for (i, (text, report)) in texts.iter().zip(&reports).enumerate() {
            assert_eq!(report.id, format!("r{i}"));
            let doc = Document::new(text);
            assert_eq!(report.sentences.len(), doc.sentences.len(), "{text}");
            for (k, sentence) in report.sentences.iter().enumerate() {
                let alone = model.score_sentence(&scanner.extractor, &doc, k);
                assert_eq!(sentence.features, alone.features, "{text}");
                assert_eq!(sentence.head, alone.head);
                assert_eq!(sentence.findings.len(), alone.findings.len());
                if doc.sentences[k].words >= MIN_WORDS {
                    assert_eq!(sentence.logit.to_bits(), model.calibrate(alone.raw_logit).to_bits(), "{text}");
                }
            }
        }
        assert!(reports.last().unwrap().sentences.iter().any(|s| !s.findings.is_empty()));
    }

    #[test]
    fn empty_document_scores_zero_and_is_human() {
        let scanner = Scanner::new(default_model());
        let report = scanner.scan("e".into(), "   ");
        assert!(report.sentences.is_empty() && report.passages.is_empty());
        assert_eq!((report.score, report.verdict), (0.0, "human"));
    }
}
