//! Evaluating a model on labelled records: ROC-AUC, PR-AUC, the confusion matrix at the model threshold,
//! a breakdown of ROC-AUC by any field (each value of the field among machine-translated records against
//! each value among human ones), and the feature weights.

use crate::features::FeatureExtractor;
use crate::metrics::{pr_auc, roc_auc, Confusion};
use crate::model::Model;
use crate::scan::document_score;
use crate::train::LabelledRecord;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Contrast {
    pub mt: String,
    pub human: String,
    pub mt_records: usize,
    pub human_records: usize,
    pub roc_auc: Option<f64>,
}

/// Document-level evaluation: records sharing the values of `fields` form one document, scored like
/// `scan` scores a document (sum of calibrated sentence logits / sqrt(n)). The verdicts at the model
/// threshold are what `scan` and `gate` decide per document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentEval {
    pub fields: Vec<String>,
    pub documents: usize,
    pub mt_documents: usize,
    pub human_documents: usize,
    pub roc_auc: Option<f64>,
    pub confusion: Confusion,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub breakdown: Vec<Contrast>,
    /// For each value of the breakdown field: how many of its documents get the verdict "mt" (for
    /// machine-translated values the recall, for human ones the false-positive rate, of a gate).
    pub verdicts: Vec<VerdictShare>,
}

/// The documents of one value of a field (and label) and how many of them get the verdict "mt".
#[derive(Debug, Clone, Serialize)]
pub struct VerdictShare {
    pub value: String,
    /// "mt" or "human": the documents' label.
    pub label: &'static str,
    pub documents: usize,
    pub verdict_mt: usize,
}

/// The share of each value of `field` (per label) whose score is above `threshold`.
fn verdict_shares(items: &[&LabelledRecord], scores: &[f64], field: &str, threshold: f64) -> Vec<VerdictShare> {
    let [mt, human] = indices_by_value(items, field);
    let share = |(value, indices): (String, Vec<usize>), label| {
        let verdict_mt = indices.iter().filter(|&&i| scores[i] > threshold).count();
        VerdictShare { value, label, documents: indices.len(), verdict_mt }
    };
    mt.into_iter().map(|g| share(g, "mt")).chain(human.into_iter().map(|g| share(g, "human"))).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub records: usize,
    pub mt_records: usize,
    pub human_records: usize,
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub threshold: f64,
    pub confusion: Confusion,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub by: Option<String>,
    pub breakdown: Vec<Contrast>,
    /// Document-level results, when documents were asked for.
    pub documents: Option<DocumentEval>,
    /// Each head's feature weights (standardised), largest magnitude first.
    pub heads: Vec<HeadWeights>,
    /// Sentence scores and labels, for plots.
    #[serde(skip)]
    pub scores: Vec<f64>,
    #[serde(skip)]
    pub labels: Vec<bool>,
}

/// One model head's weights, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct HeadWeights {
    pub name: String,
    pub intercept: f64,
    pub weights: Vec<(String, f64)>,
}

fn field_value(r: &LabelledRecord, field: &str) -> String {
    match r.fields.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "(none)".into(),
        Some(v) => v.to_string(),
    }
}

/// Sentence-level scores of records (each record's text treated as one sentence, after its context).
pub fn score_records(model: &Model, records: &[LabelledRecord]) -> Vec<f64> {
    let fx = FeatureExtractor::default();
    records.iter().map(|r| r.with_document(|doc, i| model.probability(&model.score_sentence(&fx, doc, i)))).collect()
}

/// The indices of `items` by their value of `field`: machine-translated items, then human ones.
fn indices_by_value(items: &[&LabelledRecord], field: &str) -> [BTreeMap<String, Vec<usize>>; 2] {
    let (mut mt, mut human) = (BTreeMap::new(), BTreeMap::new());
    for (i, r) in items.iter().enumerate() {
        let side: &mut BTreeMap<String, Vec<usize>> = if r.label { &mut mt } else { &mut human };
        side.entry(field_value(r, field)).or_default().push(i);
    }
    [mt, human]
}

/// ROC-AUC of each value of `field` among mt items against each value among human items.
fn contrasts(items: &[&LabelledRecord], scores: &[f64], field: &str) -> Vec<Contrast> {
    let [mt, human] = indices_by_value(items, field);
    let mut out = Vec::new();
    for (mv, mi) in &mt {
        for (hv, hi) in &human {
            let idx: Vec<usize> = mi.iter().chain(hi).copied().collect();
            let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
            let l: Vec<bool> = idx.iter().map(|&i| items[i].label).collect();
            out.push(Contrast { mt: mv.clone(), human: hv.clone(), mt_records: mi.len(), human_records: hi.len(), roc_auc: roc_auc(&s, &l) });
        }
    }
    out
}

/// Groups records into documents by the values of `fields` (and the label) and scores each document.
fn evaluate_documents(records: &[LabelledRecord], scores: &[f64], fields: &[String], by: Option<&str>, threshold: f64) -> DocumentEval {
    let mut docs: BTreeMap<(Vec<String>, bool), Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let key: Vec<String> = fields.iter().map(|f| field_value(r, f)).collect();
        docs.entry((key, r.label)).or_default().push(i);
    }
    let logit = |p: f64| (p.clamp(1e-12, 1.0 - 1e-12) / (1.0 - p.clamp(1e-12, 1.0 - 1e-12))).ln();
    let mut firsts: Vec<&LabelledRecord> = Vec::with_capacity(docs.len());
    let mut doc_scores = Vec::with_capacity(docs.len());
    for members in docs.values() {
        firsts.push(&records[members[0]]);
        doc_scores.push(document_score(members.iter().map(|&i| logit(scores[i]))));
    }
    let labels: Vec<bool> = firsts.iter().map(|r| r.label).collect();
    let confusion = Confusion::at(&doc_scores, &labels, threshold);
    DocumentEval {
        fields: fields.to_vec(),
        documents: firsts.len(),
        mt_documents: labels.iter().filter(|l| **l).count(),
        human_documents: labels.iter().filter(|l| !**l).count(),
        roc_auc: roc_auc(&doc_scores, &labels),
        precision: confusion.precision(),
        recall: confusion.recall(),
        f1: confusion.f1(),
        confusion,
        breakdown: by.map(|f| contrasts(&firsts, &doc_scores, f)).unwrap_or_default(),
        verdicts: by.map(|f| verdict_shares(&firsts, &doc_scores, f, threshold)).unwrap_or_default(),
    }
}

/// Evaluates `model` on `records`, breaking ROC-AUC down by `by` when given, and at document level when
/// `document_fields` is not empty.
pub fn evaluate(model: &Model, records: &[LabelledRecord], by: Option<&str>, document_fields: &[String]) -> EvalReport {
    let scores = score_records(model, records);
    let labels: Vec<bool> = records.iter().map(|r| r.label).collect();
    let confusion = Confusion::at(&scores, &labels, model.threshold);
    let refs: Vec<&LabelledRecord> = records.iter().collect();
    let breakdown = by.map(|f| contrasts(&refs, &scores, f)).unwrap_or_default();
    let documents = (!document_fields.is_empty()).then(|| evaluate_documents(records, &scores, document_fields, by, model.threshold));
    let heads = model
        .heads
        .iter()
        .map(|h| {
            let mut weights: Vec<(String, f64)> = model.feature_names.iter().cloned().zip(h.weights.iter().copied()).collect();
            weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            HeadWeights { name: h.name.clone(), intercept: h.intercept, weights }
        })
        .collect();
    EvalReport {
        records: records.len(),
        mt_records: labels.iter().filter(|l| **l).count(),
        human_records: labels.iter().filter(|l| !**l).count(),
        roc_auc: roc_auc(&scores, &labels),
        pr_auc: pr_auc(&scores, &labels),
        threshold: model.threshold,
        precision: confusion.precision(),
        recall: confusion.recall(),
        f1: confusion.f1(),
        confusion,
        by: by.map(str::to_string),
        breakdown,
        documents,
        heads,
        scores,
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{read_labelled, LabelFields};

    fn records(lines: &[&str]) -> Vec<LabelledRecord> {
        read_labelled(lines.join("\n").as_bytes(), "t.jsonl", &LabelFields::default()).unwrap()
    }

    #[test]
    fn document_verdicts_count_each_kind_at_the_threshold() {
        // Documents d1..d4 of two sentences each; the sentence probabilities make d1 and d3 score above
        // 0.5 and d2 and d4 below.
        let recs = records(&[
            r#"{"text":"a","label":"mt","kind":"nmt","doc":"d1"}"#,
            r#"{"text":"b","label":"mt","kind":"nmt","doc":"d1"}"#,
            r#"{"text":"c","label":"mt","kind":"nmt","doc":"d2"}"#,
            r#"{"text":"d","label":"mt","kind":"nmt","doc":"d2"}"#,
            r#"{"text":"e","label":"human","kind":"original","doc":"d3"}"#,
            r#"{"text":"f","label":"human","kind":"original","doc":"d3"}"#,
            r#"{"text":"g","label":"human","kind":"original","doc":"d4"}"#,
            r#"{"text":"h","label":"human","kind":"original","doc":"d4"}"#,
        ]);
        let scores = [0.9, 0.8, 0.2, 0.6, 0.7, 0.7, 0.1, 0.3];
        let d = evaluate_documents(&recs, &scores, &["doc".to_string()], Some("kind"), 0.5);
        assert_eq!((d.documents, d.mt_documents, d.human_documents), (4, 2, 2));
        let c = d.confusion;
        assert_eq!((c.true_positive, c.false_negative, c.false_positive, c.true_negative), (1, 1, 1, 1));
        let shares: Vec<(&str, &str, usize, usize)> = d.verdicts.iter().map(|v| (v.value.as_str(), v.label, v.documents, v.verdict_mt)).collect();
        assert_eq!(shares, [("nmt", "mt", 2, 1), ("original", "human", 2, 1)]);
        // Without a breakdown field there are no shares, but the confusion is the same.
        let plain = evaluate_documents(&recs, &scores, &["doc".to_string()], None, 0.5);
        assert!(plain.verdicts.is_empty() && plain.breakdown.is_empty());
        assert_eq!(plain.confusion.true_positive, 1);
    }
}
