//! Evaluating a model on labelled records: ROC-AUC, PR-AUC, the confusion matrix at the model threshold,
//! a breakdown of ROC-AUC by any field (each value of the field among machine-translated records against
//! each value among human ones), and the feature weights.

use crate::features::FeatureExtractor;
use crate::metrics::{pr_auc, roc_auc, Confusion};
use crate::model::Model;
use crate::train::{record_features, LabelledRecord};
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
    pub weights: Vec<(String, f64)>,
}

fn field_value(r: &LabelledRecord, field: &str) -> String {
    match r.fields.get(field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "(none)".into(),
        Some(v) => v.to_string(),
    }
}

/// Sentence-level scores of records (each record's text treated as one sentence).
pub fn score_records(model: &Model, records: &[LabelledRecord]) -> Vec<f64> {
    let fx = FeatureExtractor::default();
    records.iter().map(|r| model.probability(&record_features(&fx, &model.profile, &r.text))).collect()
}

/// Evaluates `model` on `records`, breaking ROC-AUC down by `by` when given.
pub fn evaluate(model: &Model, records: &[LabelledRecord], by: Option<&str>) -> EvalReport {
    let scores = score_records(model, records);
    let labels: Vec<bool> = records.iter().map(|r| r.label).collect();
    let confusion = Confusion::at(&scores, &labels, model.threshold);
    let mut breakdown = Vec::new();
    if let Some(field) = by {
        let mut mt: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut human: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            let side = if r.label { &mut mt } else { &mut human };
            side.entry(field_value(r, field)).or_default().push(i);
        }
        for (mv, mi) in &mt {
            for (hv, hi) in &human {
                let idx: Vec<usize> = mi.iter().chain(hi).copied().collect();
                let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
                let l: Vec<bool> = idx.iter().map(|&i| labels[i]).collect();
                breakdown.push(Contrast {
                    mt: mv.clone(),
                    human: hv.clone(),
                    mt_records: mi.len(),
                    human_records: hi.len(),
                    roc_auc: roc_auc(&s, &l),
                });
            }
        }
    }
    let mut weights: Vec<(String, f64)> = model.feature_names.iter().cloned().zip(model.weights.iter().copied()).collect();
    weights.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
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
        weights,
    }
}
