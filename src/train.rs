//! Training: labelled records -> features -> standardised, class-balanced linfa logistic regression (one
//! head per kind of MT with `heads_by`, the artifact rules' weights pooled over the kinds) ->
//! Platt calibration on held-out groups -> a versioned [`Model`].
//!
//! Everything is deterministic: records are ordered and subsampled by a hash of their text and group, so
//! the same data and options give a byte-identical model file. Records of one group (a source line, a
//! document, a book) never straddle the fit and calibration parts.

use crate::document::Document;
use crate::error::Error;
use crate::features::{feature_names, FeatureExtractor, FEATURE_SET_VERSION};
use crate::metrics::roc_auc;
use crate::model::{Head, Model, MODEL_FORMAT, MODEL_FORMAT_VERSION};
use crate::profile::ProfileTable;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::Deserialize;
use std::io::BufRead;

/// A labelled training or evaluation record.
#[derive(Debug, Clone)]
pub struct LabelledRecord {
    pub text: String,
    /// true = machine-translated.
    pub label: bool,
    pub group: String,
    /// The whole JSON object, for breakdowns by any field.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// The text before this record in its document (the records before it in the same document, see
    /// [`assign_context`]), or `None` when the record opens its document or documents are unknown.
    pub context: Option<String>,
}

impl LabelledRecord {
    /// Calls `f` with the record's document and the index of the record's sentence in it: its text as one
    /// sentence, after its context when it has one (segmented as `scan` would), so that rules that look
    /// back see in training what they see in a scanned document.
    pub fn with_document<T>(&self, f: impl FnOnce(&Document, usize) -> T) -> T {
        match &self.context {
            None => f(&Document::single_sentence(&self.text), 0),
            Some(context) => {
                let joined = format!("{context} {}", self.text);
                let doc = Document::single_sentence_after(&joined, context.len() + 1);
                f(&doc, doc.sentences.len() - 1)
            }
        }
    }
}

/// How many records before a record its context holds: what the rules that look back read (the pronoun
/// rule reads the sentence before and the pronouns of the one before that).
pub const CONTEXT_RECORDS: usize = 2;

/// Gives each record the text of up to [`CONTEXT_RECORDS`] records before it as context (joined by a
/// space, in order) when they have the same values of all the `document` fields (e.g. `doc` and
/// `system`): records of one document are taken to come in reading order. A record without one of the
/// fields gets no context; with no fields, no record does.
pub fn assign_context(records: &mut [LabelledRecord], document: &[String]) {
    if document.is_empty() {
        records.iter_mut().for_each(|r| r.context = None);
        return;
    }
    let key = |r: &LabelledRecord| -> Option<Vec<serde_json::Value>> {
        document.iter().map(|f| r.fields.get(f).filter(|v| !v.is_null()).cloned()).collect()
    };
    // The current document's key and its last texts, oldest first.
    let mut previous: Option<(Vec<serde_json::Value>, std::collections::VecDeque<String>)> = None;
    for r in records.iter_mut() {
        let k = key(r);
        let same = matches!((&previous, &k), (Some((pk, _)), Some(k)) if pk == k);
        r.context = match (&previous, same) {
            (Some((_, texts)), true) => Some(texts.iter().map(String::as_str).collect::<Vec<_>>().join(" ")),
            _ => None,
        };
        previous = k.map(|k| {
            let mut texts = match previous.take() {
                Some((_, texts)) if same => texts,
                _ => Default::default(),
            };
            if texts.len() == CONTEXT_RECORDS {
                texts.pop_front();
            }
            texts.push_back(r.text.clone());
            (k, texts)
        });
    }
}

/// Field names of labelled JSONL.
#[derive(Debug, Clone)]
pub struct LabelFields {
    pub text: String,
    pub label: String,
    pub group: String,
}

impl Default for LabelFields {
    fn default() -> Self {
        LabelFields { text: "text".into(), label: "label".into(), group: "group".into() }
    }
}

fn parse_label(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "mt" | "1" | "machine" | "true" => Some(true),
            "human" | "0" | "false" => Some(false),
            _ => None,
        },
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        serde_json::Value::Bool(b) => Some(*b),
        _ => None,
    }
}

/// The lines of `reader` that are not blank, each with its location `source:LINE` (1-based).
fn non_blank_lines<'s, R: BufRead + 's>(reader: R, source: &'s str) -> impl Iterator<Item = Result<(String, String), Error>> + 's {
    reader.lines().enumerate().filter_map(move |(i, line)| {
        let location = format!("{source}:{}", i + 1);
        match line {
            Err(e) => Some(Err(Error::io(location, e))),
            Ok(line) if line.trim().is_empty() => None,
            Ok(line) => Some(Ok((location, line))),
        }
    })
}

/// Reads labelled JSONL; a malformed record is an error naming `source:LINE`.
pub fn read_labelled<R: BufRead>(reader: R, source: &str, fields: &LabelFields) -> Result<Vec<LabelledRecord>, Error> {
    let mut out = Vec::new();
    for line in non_blank_lines(reader, source) {
        let (location, line) = line?;
        let record = |message: String| Error::Record { location: location.clone(), message };
        #[derive(Deserialize)]
        struct Raw(serde_json::Map<String, serde_json::Value>);
        let Raw(obj) = serde_json::from_str(&line).map_err(|e| record(format!("not a JSON object: {e}")))?;
        let text = obj
            .get(&fields.text)
            .and_then(|v| v.as_str())
            .ok_or_else(|| record(format!("missing string field \"{}\"", fields.text)))?
            .to_string();
        let label = obj
            .get(&fields.label)
            .and_then(parse_label)
            .ok_or_else(|| record(format!("field \"{}\" must be \"mt\"/\"human\" or 1/0", fields.label)))?;
        let group = match obj.get(&fields.group) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => location.clone(), // no group: each record is its own
        };
        out.push(LabelledRecord { text, label, group, fields: obj, context: None });
    }
    Ok(out)
}

/// Reads plain text, one record per non-empty line, all with `label`; each line is its own group
/// (`source:LINE`).
pub fn read_plain<R: BufRead>(reader: R, source: &str, label: bool) -> Result<Vec<LabelledRecord>, Error> {
    let mut out = Vec::new();
    for line in non_blank_lines(reader, source) {
        let (location, text) = line?;
        let mut fields = serde_json::Map::new();
        fields.insert("label".into(), serde_json::Value::String(if label { "mt" } else { "human" }.into()));
        fields.insert("source".into(), serde_json::Value::String(source.into()));
        out.push(LabelledRecord { text, label, group: location, fields, context: None });
    }
    Ok(out)
}

/// FNV-1a, for deterministic hashing independent of the platform and Rust version.
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// Training options.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Share of groups held out for calibration (0..1).
    pub calibration_share: f64,
    /// L2 regularisation strength.
    pub alpha: f64,
    pub max_iterations: u64,
    /// Records per class at most, after balancing.
    pub max_per_class: usize,
    /// Balance the classes within each value of this field (e.g. a domain), so the model cannot learn the
    /// field as the label; `None` balances over all records.
    pub balance_by: Option<String>,
    /// Fit one head per value of this field among the machine-translated records (e.g. "kind": neural and
    /// rule-based MT), each against all human records; a sentence's logit is the largest head's. `None`:
    /// one head for all machine translation.
    pub heads_by: Option<String>,
    /// Within each (stratum, class) cell, give every value of this field (e.g. the kind of MT) an equal
    /// share, so that a small kind is not drowned by a large one.
    pub mix_by: Option<String>,
    /// n-grams seen fewer times are left out of the profile table.
    pub profile_min_count: u32,
    /// Additive smoothing of the profile table's n-gram counts, in units of the mean record weight (see
    /// [`ProfileTable::train`]). Default 3: chosen by the held-out calibration part of the training split
    /// (its ROC-AUC peaks between 3 and 10; 1, add-one in mean weights, and 25 are lower).
    pub profile_smoothing: f64,
    /// The domain the model is for, as (field, value), e.g. ("domain", "news"). When set, the profile table
    /// and the weights of the statistical features are learned from target-domain records only; records
    /// of other domains still teach the weights of the findings (artifact rules are domain-independent
    /// evidence), through a training-only indicator column that absorbs their base rate.
    pub target: Option<(String, String)>,
    /// Prior belief about the artifact rules, as prior data (pseudo-observations, see [`prior_rows`]): a
    /// finding family the training data rarely sees keeps about the prior's weight, ln(odds); one it sees
    /// often is weighed by the data. `None`: no prior. Default: odds 9 (a sentence with one finding is
    /// 90% likely machine-translated) worth 20 rows.
    pub rule_prior: Option<RulePrior>,
}

/// See [`TrainOptions::rule_prior`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RulePrior {
    /// Prior odds that a sentence with one finding is machine-translated (against an average sentence's 1).
    pub odds: f64,
    /// How many observations the prior is worth, per finding family.
    pub rows: f64,
}

impl RulePrior {
    /// A prior of `odds` worth `rows` observations per family; `None` when either is 0 (no prior).
    pub fn new(odds: f64, rows: f64) -> Result<Option<RulePrior>, Error> {
        if !(odds.is_finite() && rows.is_finite() && odds >= 0.0 && rows >= 0.0) {
            return Err(Error::Training(format!("the rule prior's odds ({odds}) and rows ({rows}) must be finite and not negative")));
        }
        Ok((odds > 0.0 && rows > 0.0).then_some(RulePrior { odds, rows }))
    }
}

impl Default for RulePrior {
    fn default() -> Self {
        RulePrior { odds: 9.0, rows: 20.0 }
    }
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            calibration_share: 0.2,
            alpha: 0.01,
            max_iterations: 300,
            max_per_class: 40_000,
            balance_by: None,
            mix_by: None,
            heads_by: None,
            profile_min_count: 3,
            profile_smoothing: 3.0,
            target: None,
            rule_prior: Some(RulePrior::default()),
        }
    }
}

/// The features of a record: its text as one sentence, after its context if it has one.
pub fn record_features(fx: &FeatureExtractor, profile: &ProfileTable, record: &LabelledRecord) -> Vec<f32> {
    record.with_document(|doc, index| fx.extract(doc, index, profile).0)
}

fn stratum(r: &LabelledRecord, field: Option<&str>) -> String {
    match field.and_then(|f| r.fields.get(f)) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// `records` in a deterministic order that interleaves the values of `mix_by` (one of each in turn, each
/// value's records in hash order), so that any prefix holds every value in equal share as far as it can.
fn interleave<'r>(records: Vec<&'r LabelledRecord>, mix_by: Option<&str>) -> Vec<&'r LabelledRecord> {
    let key = |r: &&LabelledRecord| stable_hash(&[&r.group, &r.text]);
    let mut parts: std::collections::BTreeMap<String, Vec<&LabelledRecord>> = Default::default();
    for r in records {
        parts.entry(stratum(r, mix_by)).or_default().push(r);
    }
    let mut parts: Vec<std::vec::IntoIter<&LabelledRecord>> = parts
        .into_values()
        .map(|mut p| {
            p.sort_by_key(key);
            p.into_iter()
        })
        .collect();
    let mut out = Vec::new();
    loop {
        let before = out.len();
        for p in parts.iter_mut() {
            out.extend(p.next());
        }
        if out.len() == before {
            return out;
        }
    }
}

/// Balanced, deterministic subsample: within each stratum as many records of each class (each class's
/// share mixed evenly over the values of `mix_by`), then at most `max_per_class` of each class overall.
fn balance<'r>(records: Vec<&'r LabelledRecord>, max_per_class: usize, by: Option<&str>, mix_by: Option<&str>) -> Vec<&'r LabelledRecord> {
    let key = |r: &&LabelledRecord| stable_hash(&[&r.group, &r.text]);
    let mut strata: std::collections::BTreeMap<String, (Vec<&LabelledRecord>, Vec<&LabelledRecord>)> = Default::default();
    for r in records {
        let entry = strata.entry(stratum(r, by)).or_default();
        if r.label { entry.0.push(r) } else { entry.1.push(r) }
    }
    let (mut pos, mut neg) = (Vec::new(), Vec::new());
    for (_, (p, n)) in strata {
        let k = p.len().min(n.len());
        pos.extend(interleave(p, mix_by).into_iter().take(k));
        neg.extend(interleave(n, mix_by).into_iter().take(k));
    }
    pos.sort_by_key(key);
    neg.sort_by_key(key);
    pos.truncate(max_per_class);
    neg.truncate(max_per_class);
    pos.extend(neg);
    pos.sort_by_key(key);
    pos
}

fn matrix(rows: &[Vec<f32>]) -> Array2<f64> {
    let cols = rows.first().map_or(0, Vec::len);
    Array2::from_shape_fn((rows.len(), cols), |(i, j)| rows[i][j] as f64)
}

/// The weights and intercept of a fitted model, oriented so that a positive logit means machine-translated.
/// (linfa labels as "positive" the more frequent class, or the first one seen on a tie, not the larger value.)
fn toward_mt(fitted: &linfa_logistic::FittedLogisticRegression<f64, usize>) -> (Vec<f64>, f64) {
    let sign = if fitted.labels().pos.class == 1 { 1.0 } else { -1.0 };
    (fitted.params().iter().map(|w| sign * w).collect(), sign * fitted.intercept())
}

/// Learns a profile table from `records`, weighting each (stratum, label) cell to the same total weight,
/// shared equally by the values of `mix_by` within the cell.
fn profile_table(records: &[&LabelledRecord], by: Option<&str>, mix_by: Option<&str>, options: &TrainOptions) -> ProfileTable {
    // Records per (stratum, label, mix value), and mix values per (stratum, label).
    let mut mixes: std::collections::HashMap<(String, bool, String), usize> = Default::default();
    for r in records {
        *mixes.entry((stratum(r, by), r.label, stratum(r, mix_by))).or_default() += 1;
    }
    let mut values: std::collections::HashMap<(String, bool), usize> = Default::default();
    for (s, l, _) in mixes.keys() {
        *values.entry((s.clone(), *l)).or_default() += 1;
    }
    let weight = |r: &LabelledRecord| {
        let (s, m) = (stratum(r, by), stratum(r, mix_by));
        1000.0 / values[&(s.clone(), r.label)] as f64 / mixes[&(s, r.label, m)] as f64
    };
    ProfileTable::train(records.iter().map(|r| (r.text.as_str(), r.label, weight(r))), options.profile_min_count, options.profile_smoothing)
}

/// The pseudo-observations of a [`RulePrior`], in symmetric pairs so that they pin the finding's weight
/// and leave the intercept to the data: for each finding column, half the rows have the finding (+1) and
/// are labelled mt in the prior's odds, the other half have it at -1 and are labelled human in the same
/// odds. Every other (standardised) feature is at its mean and the rows are in the target domain.
fn prior_rows(is_finding: &[bool], columns: usize, prior: RulePrior) -> (Array2<f64>, Array1<usize>) {
    let half = prior.rows / 2.0;
    let agree = (half * prior.odds / (1.0 + prior.odds)).round() as usize;
    let disagree = (half / (1.0 + prior.odds)).round() as usize;
    let families: Vec<usize> = (0..is_finding.len()).filter(|&j| is_finding[j]).collect();
    let per_family = 2 * (agree + disagree);
    let mut x = Array2::zeros((families.len() * per_family, columns));
    let mut y = Array1::zeros(families.len() * per_family);
    let mut row = 0;
    for &j in &families {
        for (sign, mt_label) in [(1.0, 1), (-1.0, 0)] {
            for k in 0..agree + disagree {
                x[[row, j]] = sign;
                y[row] = if k < agree { mt_label } else { 1 - mt_label };
                row += 1;
            }
        }
    }
    (x, y)
}

/// The records one head learns from: the human records and the machine-translated records whose
/// `heads_by` field has the head's value (all of them when there is no such field).
fn head_records<'r>(records: &[&'r LabelledRecord], heads_by: Option<&str>, head: &str) -> Vec<&'r LabelledRecord> {
    records.iter().copied().filter(|r| !r.label || heads_by.is_none() || stratum(r, heads_by) == head).collect()
}

/// Only strata (values of `by`) that hold both classes can teach the difference between them.
fn in_strata_with_both_classes<'r>(records: Vec<&'r LabelledRecord>, by: Option<&str>) -> Vec<&'r LabelledRecord> {
    let mut seen: std::collections::HashMap<String, [bool; 2]> = Default::default();
    for r in &records {
        seen.entry(stratum(r, by)).or_default()[r.label as usize] = true;
    }
    records.into_iter().filter(|r| seen[&stratum(r, by)] == [true, true]).collect()
}

/// Fits one head's weights and intercept (standardised features, training-only domain indicator, rule
/// prior, non-negative finding weights) on `fit` and its features `fit_x`.
#[allow(clippy::too_many_arguments)]
fn fit_head(
    name: &str,
    fit: &[&LabelledRecord],
    fit_x: &[Vec<f32>],
    means: &[f64],
    stds: &[f64],
    in_target: &dyn Fn(&LabelledRecord) -> bool,
    options: &TrainOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<(Vec<f64>, f64), Error> {
    let names = feature_names();
    let n = names.len();
    let is_finding: Vec<bool> = names.iter().map(|f| f.starts_with("findings.")).collect();
    let mut x = matrix(fit_x);
    for mut row in x.rows_mut() {
        for j in 0..n {
            row[j] = (row[j] - means[j]) / stds[j];
        }
    }
    // Domain adaptation: outside the target domain only the findings speak; an extra column (not part of
    // the saved model, where it is always 0) gives those records their own base rate.
    let outside: Vec<bool> = fit.iter().map(|r| !in_target(r)).collect();
    let adapt = options.target.is_some() && outside.iter().any(|o| *o);
    if adapt {
        for (i, mut row) in x.rows_mut().into_iter().enumerate() {
            if outside[i] {
                for j in (0..n).filter(|&j| !is_finding[j]) {
                    row[j] = 0.0;
                }
            }
        }
        let indicator = Array2::from_shape_fn((x.nrows(), 1), |(i, _)| if outside[i] { 1.0 } else { 0.0 });
        x = ndarray::concatenate![ndarray::Axis(1), x, indicator];
    }
    let mut y: Array1<usize> = fit.iter().map(|r| r.label as usize).collect();
    if let Some(prior) = options.rule_prior.filter(|p| p.odds > 0.0 && p.rows > 0.0) {
        let (x_prior, y_prior) = prior_rows(&is_finding, x.ncols(), prior);
        progress(&format!("head {name}: adding {} prior rows for the artifact rules (odds {}, worth {} rows each)", y_prior.len(), prior.odds, prior.rows));
        x = ndarray::concatenate![ndarray::Axis(0), x, x_prior];
        y = ndarray::concatenate![ndarray::Axis(0), y, y_prior];
    }
    let mut excluded = vec![false; x.ncols()];
    // A finding is evidence of machine translation by construction: the model may ignore a rule family
    // (weight 0) but never count it as evidence of human writing. Negative finding weights are fixed at
    // zero and the model refitted until none is left.
    loop {
        let mut xr = x.clone();
        for j in (0..xr.ncols()).filter(|&j| excluded[j]) {
            xr.column_mut(j).fill(0.0);
        }
        progress(&format!("head {name}: fitting logistic regression on {} x {}", xr.nrows(), xr.ncols() - excluded.iter().filter(|e| **e).count()));
        let fitted = LogisticRegression::default()
            .alpha(options.alpha)
            .max_iterations(options.max_iterations)
            .fit(&Dataset::new(xr, y.clone()))
            .map_err(|e| Error::Training(format!("logistic regression (head {name}) did not fit: {e}")))?;
        let (mut w, b) = toward_mt(&fitted);
        for j in (0..w.len()).filter(|&j| excluded[j]) {
            w[j] = 0.0;
        }
        w.truncate(n); // drop the training-only domain indicator
        let negative: Vec<usize> = (0..n).filter(|&j| is_finding[j] && w[j] < 0.0).collect();
        if negative.is_empty() {
            return Ok((w, b));
        }
        for j in negative {
            progress(&format!("head {name}: {} had a negative weight: fixed at 0", names[j]));
            excluded[j] = true;
        }
    }
}

/// The heads to fit: one per value of `heads_by` among the machine-translated fit records (every mt
/// record must have the field), or one named "mt".
fn head_names(records: &[LabelledRecord], fit: &[&LabelledRecord], heads_by: Option<&str>) -> Result<Vec<String>, Error> {
    let Some(field) = heads_by else { return Ok(vec!["mt".to_string()]) };
    if let Some(r) = records.iter().find(|r| r.label && r.fields.get(field).is_none_or(|v| v.is_null())) {
        return Err(Error::Training(format!(
            "--heads-by {field}: a machine-translated record (group \"{}\") has no field \"{field}\"; every mt record needs one to pick its head",
            r.group
        )));
    }
    let values: std::collections::BTreeSet<String> = fit.iter().filter(|r| r.label).map(|r| stratum(r, Some(field))).collect();
    Ok(values.into_iter().collect())
}

/// The features of the `fit` records with the profile scores of a table learned from the half of
/// `source`'s groups they are not in (2-fold cross-fitting), so that the weights learn how much to trust
/// the profile on unseen text, not on text it memorised.
fn cross_fitted_features(source: &[&LabelledRecord], fit: &[&LabelledRecord], fx: &FeatureExtractor, options: &TrainOptions) -> Vec<Vec<f32>> {
    let (by, mix_by) = (options.balance_by.as_deref(), options.mix_by.as_deref());
    let fold = |r: &LabelledRecord| stable_hash(&["fold", &r.group]) % 2;
    let fold_tables: Vec<ProfileTable> = (0..2)
        .map(|k| {
            let part: Vec<&LabelledRecord> = source.iter().copied().filter(|r| fold(r) != k).collect();
            profile_table(&part, by, mix_by, options)
        })
        .collect();
    fit.iter().map(|r| record_features(fx, &fold_tables[fold(r) as usize], r)).collect()
}

/// Per-feature means and standard deviations over `rows` feature vectors. Finding counts stay in their own
/// units (mean 0, deviation 1: a weight is then the log-odds of one more finding, and L2 regularisation
/// restrains rare rules); the statistics are standardised.
fn standardisation<'a, I: Iterator<Item = &'a Vec<f32>>>(rows: impl Fn() -> I, count: usize, is_finding: &[bool]) -> (Vec<f64>, Vec<f64>) {
    let n = is_finding.len();
    let count = count as f64;
    let means: Vec<f64> = (0..n)
        .map(|j| if is_finding[j] { 0.0 } else { rows().map(|r| r[j] as f64).sum::<f64>() / count })
        .collect();
    let stds: Vec<f64> = (0..n)
        .map(|j| {
            let var = rows().map(|r| (r[j] as f64 - means[j]).powi(2)).sum::<f64>() / count;
            if is_finding[j] || var.sqrt() <= 1e-9 { 1.0 } else { var.sqrt() }
        })
        .collect();
    (means, stds)
}

/// Fits a model on `records`. `progress` receives human-readable progress lines.
pub fn train(records: &[LabelledRecord], options: &TrainOptions, mut progress: impl FnMut(&str)) -> Result<Model, Error> {
    let fx = FeatureExtractor::default();
    let by = options.balance_by.as_deref();
    let mix_by = options.mix_by.as_deref();
    let heads_by = options.heads_by.as_deref();
    let is_calibration = |r: &LabelledRecord| {
        (stable_hash(&["calibration", &r.group]) % 10_000) as f64 / 10_000.0 < options.calibration_share
    };
    let (calib, all_fit): (Vec<&LabelledRecord>, Vec<&LabelledRecord>) = records.iter().partition(|r| is_calibration(r));
    let head_names = head_names(records, &all_fit, heads_by)?;
    // Each head's usable records (in strata with both classes) and its balanced fit sample.
    let mut usables: Vec<Vec<&LabelledRecord>> = Vec::new();
    let mut fits: Vec<Vec<&LabelledRecord>> = Vec::new();
    for head in &head_names {
        let usable = in_strata_with_both_classes(head_records(&all_fit, heads_by, head), by);
        let fit = balance(usable.clone(), options.max_per_class, by, mix_by);
        if fit.len() < 10 {
            return Err(Error::Training(format!(
                "too few records of both classes to fit{}: {} after balancing (need both \"mt\" and \"human\" records, in several groups)",
                if heads_by.is_some() { format!(" head \"{head}\"") } else { String::new() },
                fit.len()
            )));
        }
        usables.push(usable);
        fits.push(fit);
    }
    let all_fit = in_strata_with_both_classes(all_fit, by);
    let calib_all = calib.clone();
    let calib = balance(calib, options.max_per_class / 4, by, mix_by);
    if calib.len() < 4 {
        return Err(Error::Training(format!(
            "too few records of both classes: {} to calibrate after balancing (need both \"mt\" and \"human\" records, in several groups)",
            calib.len()
        )));
    }

    // Each head's profile table is learned from the fit part of its records. Its features for the fit
    // records themselves come from a table trained on the other half of the groups (cross-fitting), so the
    // weights learn how much to trust the profile on unseen text, not on text it memorised.
    let in_target = |r: &LabelledRecord| match &options.target {
        None => true,
        Some((field, value)) => stratum(r, Some(field)) == *value,
    };
    let mut profiles = Vec::with_capacity(fits.len());
    let mut fit_xs: Vec<Vec<Vec<f32>>> = Vec::with_capacity(fits.len());
    for ((head, usable), fit) in head_names.iter().zip(usables).zip(&fits) {
        let source: Vec<&LabelledRecord> = usable.into_iter().filter(|r| in_target(r)).collect();
        progress(&format!("head {head}: learning the n-gram profile from {} records (2-fold cross-fitting), featurising {} fit records", source.len(), fit.len()));
        profiles.push(profile_table(&source, by, mix_by, options));
        fit_xs.push(cross_fitted_features(&source, fit, &fx, options));
    }
    // With several heads, the artifact rules' weights are pooled: one more model of every kind of MT
    // against human text (fitted like a one-head model) gives the weights of the findings, and every head
    // takes them in place of its own. A rule is evidence of MT of any kind, and a head sees only its own
    // kind's few hits of a rare rule.
    let pooled = heads_by.map(|_| {
        let fit = balance(all_fit.clone(), options.max_per_class, by, mix_by);
        let source: Vec<&LabelledRecord> = all_fit.iter().copied().filter(|r| in_target(r)).collect();
        progress(&format!("the rules' pooled weights: featurising {} fit records (profile cross-fitted on {} records)", fit.len(), source.len()));
        let fit_x = cross_fitted_features(&source, &fit, &fx, options);
        (fit, fit_x)
    });
    let fit_rows: usize = fits.iter().map(Vec::len).sum();

    let names = feature_names();
    let n = names.len();
    let is_finding: Vec<bool> = names.iter().map(|f| f.starts_with("findings.")).collect();
    let (means, stds) = standardisation(|| fit_xs.iter().flatten(), fit_rows, &is_finding);
    let mut heads = Vec::with_capacity(head_names.len());
    for (((name, fit), fit_x), profile) in head_names.iter().zip(&fits).zip(&fit_xs).zip(profiles) {
        let (weights, intercept) = fit_head(name, fit, fit_x, &means, &stds, &in_target, options, &mut progress)?;
        heads.push(Head { name: name.clone(), weights, intercept, profile });
    }
    if let Some((fit, fit_x)) = &pooled {
        let (weights, _) = fit_head("(rules, all kinds)", fit, fit_x, &means, &stds, &in_target, options, &mut progress)?;
        for head in &mut heads {
            for j in (0..n).filter(|&j| is_finding[j]) {
                head.weights[j] = weights[j];
            }
        }
    }
    let mut model = Model {
        format: MODEL_FORMAT.into(),
        format_version: MODEL_FORMAT_VERSION,
        feature_set_version: FEATURE_SET_VERSION,
        feature_names: names,
        means,
        stds,
        heads,
        calibration_scale: 1.0,
        calibration_offset: 0.0,
        threshold: 0.5,
        training: serde_json::Value::Null,
    };

    if model.heads.len() > 1 {
        put_heads_on_one_scale(&mut model, &calib_all, &in_target, options, &fx, &mut progress)?;
    }

    // Platt scaling on the held-out calibration groups of the target domain.
    let calib: Vec<&LabelledRecord> = calib.into_iter().filter(|r| in_target(r)).collect();
    if calib.iter().filter(|r| r.label).count() < 2 || calib.iter().filter(|r| !r.label).count() < 2 {
        return Err(Error::Training("too few calibration records of both classes in the target domain".into()));
    }
    progress(&format!("calibrating on {} records", calib.len()));
    let calib_z: Vec<f64> = calib.iter().map(|r| r.with_document(|doc, i| model.score_sentence(&fx, doc, i).raw_logit)).collect();
    let calib_y: Vec<bool> = calib.iter().map(|r| r.label).collect();
    let (calibration_scale, calibration_offset) = platt(&calib_z, &calib_y)?;
    let calib_auc = roc_auc(&calib_z, &calib_y).unwrap_or(f64::NAN);
    // Each head's ROC-AUC on its own fit sample in the target domain (its profile cross-fitted). The whole
    // model's fit ROC-AUC is that of its head when it has one; with several, a head's profile has seen the
    // other heads' fit records, so only the held-out calibration figure covers the whole model.
    let mut head_report = serde_json::Map::new();
    let mut head_aucs = Vec::new();
    for (h, (fit, fit_x)) in fits.iter().zip(&fit_xs).enumerate() {
        let target_fit: Vec<usize> = (0..fit.len()).filter(|&i| in_target(fit[i])).collect();
        let y: Vec<bool> = target_fit.iter().map(|&i| fit[i].label).collect();
        let z: Vec<f64> = target_fit.iter().map(|&i| model.head_logit(h, &fit_x[i])).collect();
        let auc = roc_auc(&z, &y).unwrap_or(f64::NAN);
        head_aucs.push(format!("{} {auc:.4}", model.heads[h].name));
        head_report.insert(model.heads[h].name.clone(), serde_json::json!({ "fit_records": fit.len(), "fit_roc_auc": round9(auc) }));
    }
    let fit_auc = (model.heads.len() == 1).then(|| head_report.values().next().and_then(|v| v["fit_roc_auc"].as_f64())).flatten();
    progress(&format!(
        "ROC-AUC in the target domain: on each head's fit part (profile cross-fitted) {}; {calib_auc:.4} on held-out calibration groups",
        head_aucs.join(", ")
    ));

    model.means = model.means.iter().copied().map(round9).collect();
    model.stds = model.stds.iter().copied().map(round9).collect();
    for head in &mut model.heads {
        head.weights = head.weights.iter().copied().map(round9).collect();
        head.intercept = round9(head.intercept);
    }
    model.calibration_scale = round9(calibration_scale);
    model.calibration_offset = round9(calibration_offset);
    model.training = serde_json::json!({
        "records": records.len(),
        "fit_records": fit_rows,
        "calibration_records": calib.len(),
        "balance_by": options.balance_by,
        "mix_by": options.mix_by,
        "heads_by": options.heads_by,
        "target": options.target.as_ref().map(|(k, v)| format!("{k}={v}")),
        "data_digest": format!("{:016x}", stable_hash(&records.iter().map(|r| r.text.as_str()).collect::<Vec<_>>())),
        "alpha": options.alpha,
        "profile_smoothing": options.profile_smoothing,
        "validation": { "fit_roc_auc": fit_auc, "calibration_roc_auc": round9(calib_auc), "heads": head_report },
    });
    model.validate()?;
    Ok(model)
}

/// Platt scaling: the (scale, offset) that turn `z` into calibrated log-odds of `y`.
fn platt(z: &[f64], y: &[bool]) -> Result<(f64, f64), Error> {
    let x = Array2::from_shape_fn((z.len(), 1), |(i, _)| z[i]);
    let fitted = LogisticRegression::default()
        .alpha(1e-4)
        .max_iterations(200)
        .fit(&Dataset::new(x, y.iter().map(|l| *l as usize).collect::<Array1<usize>>()))
        .map_err(|e| Error::Training(format!("calibration did not fit: {e}")))?;
    let (w, b) = toward_mt(&fitted);
    Ok((w[0], b))
}

/// Puts the heads' logits on one scale before they are compared (the largest decides). Each head is
/// Platt-calibrated on held-out records of its own kind against human ones (class-balanced, so its logit
/// is a log likelihood ratio). Then each head but the first is shifted by an offset chosen on the same
/// held-out records to maximise the worst ROC-AUC of any kind against human text (minimax: the model
/// should find every kind of MT, not trade a rare kind away for a common one).
fn put_heads_on_one_scale(
    model: &mut Model,
    calib: &[&LabelledRecord],
    in_target: &dyn Fn(&LabelledRecord) -> bool,
    options: &TrainOptions,
    fx: &FeatureExtractor,
    progress: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    let heads_by = options.heads_by.as_deref();
    let k = model.heads.len();
    // Each head's own balanced calibration sample, as indices into `records`.
    let mut records: Vec<&LabelledRecord> = Vec::new();
    let mut index: std::collections::HashMap<*const LabelledRecord, usize> = Default::default();
    let mut own_samples: Vec<Vec<usize>> = Vec::with_capacity(k);
    for h in 0..k {
        let name = model.heads[h].name.clone();
        let own: Vec<&LabelledRecord> = head_records(calib, heads_by, &name).into_iter().filter(|r| in_target(r)).collect();
        let own = balance(own, options.max_per_class / 4, options.balance_by.as_deref(), None);
        let labels = own.iter().fold([0usize; 2], |mut c, r| {
            c[r.label as usize] += 1;
            c
        });
        if labels[0] < 2 || labels[1] < 2 {
            return Err(Error::Training(format!("too few calibration records of both classes for head \"{name}\" in the target domain")));
        }
        own_samples.push(
            own.into_iter()
                .map(|r| {
                    *index.entry(std::ptr::from_ref(r)).or_insert_with(|| {
                        records.push(r);
                        records.len() - 1
                    })
                })
                .collect(),
        );
    }
    progress(&format!("calibrating {k} heads on {} held-out records", records.len()));
    // Every head's logit for every record: z[record][head].
    let mut z: Vec<Vec<f64>> = records.iter().map(|r| r.with_document(|doc, i| model.head_logits(fx, doc, i))).collect();
    for h in 0..k {
        let own_z: Vec<f64> = own_samples[h].iter().map(|&i| z[i][h]).collect();
        let own_y: Vec<bool> = own_samples[h].iter().map(|&i| records[i].label).collect();
        let (scale, offset) = platt(&own_z, &own_y)?;
        let head = &mut model.heads[h];
        head.weights.iter_mut().for_each(|w| *w *= scale);
        head.intercept = scale * head.intercept + offset;
        z.iter_mut().for_each(|row| row[h] = scale * row[h] + offset);
    }
    let worst_auc = |offsets: &[f64]| -> f64 {
        own_samples
            .iter()
            .map(|sample| {
                let scores: Vec<f64> = sample.iter().map(|&i| (0..k).map(|h| z[i][h] + offsets[h]).fold(f64::NEG_INFINITY, f64::max)).collect();
                let labels: Vec<bool> = sample.iter().map(|&i| records[i].label).collect();
                roc_auc(&scores, &labels).unwrap_or(0.0)
            })
            .fold(f64::INFINITY, f64::min)
    };
    // Coordinate ascent on a grid of offsets (the first head stays at 0); ties go to the smaller shift.
    let grid: Vec<f64> = (-80..=80).map(|i| i as f64 * 0.05).collect();
    let mut offsets = vec![0.0; k];
    for _round in 0..3 {
        for h in 1..k {
            let mut best: (f64, f64) = (f64::NEG_INFINITY, 0.0);
            for &o in &grid {
                offsets[h] = o;
                let auc = worst_auc(&offsets);
                if auc > best.0 + 1e-12 || ((auc - best.0).abs() <= 1e-12 && o.abs() < best.1.abs()) {
                    best = (auc, o);
                }
            }
            offsets[h] = best.1;
        }
    }
    progress(&format!("head offsets {offsets:?}: worst held-out ROC-AUC of a kind against human text {:.4}", worst_auc(&offsets)));
    for (head, o) in model.heads.iter_mut().zip(offsets) {
        head.intercept += o;
    }
    Ok(())
}

/// Rounds to 9 decimals, for a model text that is stable across platforms.
fn round9(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_one_document_are_read_after_the_one_before() {
        let input = [
            r#"{"text":"The ministry in Seoul denied it.","label":"mt","doc":"d1","system":"a"}"#,
            r#"{"text":"Talks between him and Washington stalled.","label":"mt","doc":"d1","system":"a"}"#,
            r#"{"text":"Talks between him and Washington stalled.","label":"mt","doc":"d1","system":"b"}"#,
            r#"{"text":"Then they resumed.","label":"mt","doc":"d1","system":"b"}"#,
            r#"{"text":"Later still.","label":"mt","system":"b"}"#,
            r#"{"text":"Once more.","label":"mt","doc":null,"system":"b"}"#,
        ]
        .join("\n");
        let mut recs = read_labelled(input.as_bytes(), "x.jsonl", &LabelFields::default()).unwrap();
        assign_context(&mut recs, &["doc".to_string(), "system".to_string()]);
        let contexts: Vec<Option<&str>> = recs.iter().map(|r| r.context.as_deref()).collect();
        let talks = Some("Talks between him and Washington stalled.");
        assert_eq!(contexts, [None, Some("The ministry in Seoul denied it."), None, talks, None, None]);
        // At most CONTEXT_RECORDS records back, oldest first.
        let four: Vec<String> = (1..=4).map(|i| format!(r#"{{"text":"S{i}.","label":"mt","doc":"d"}}"#)).collect();
        let mut recs4 = read_labelled(four.join("\n").as_bytes(), "y.jsonl", &LabelFields::default()).unwrap();
        assign_context(&mut recs4, &["doc".to_string()]);
        let contexts4: Vec<Option<&str>> = recs4.iter().map(|r| r.context.as_deref()).collect();
        assert_eq!(contexts4, [None, Some("S1."), Some("S1. S2."), Some("S2. S3.")]);
        // The pronoun rule looks back: the record after a sentence about a ministry in Seoul carries the
        // finding, the same text opening its document does not.
        let fx = FeatureExtractor::default();
        let pronoun = feature_names().iter().position(|n| n == "findings.pronoun").unwrap();
        let table = ProfileTable::default();
        assert_eq!(record_features(&fx, &table, &recs[1])[pronoun], 1.0);
        assert_eq!(record_features(&fx, &table, &recs[2])[pronoun], 0.0);
        // With no document fields every record stands alone.
        assign_context(&mut recs, &[]);
        assert!(recs.iter().all(|r| r.context.is_none()));
    }

    #[test]
    fn reads_labels_in_all_forms_and_names_bad_lines() {
        let input = "{\"text\":\"a\",\"label\":\"mt\",\"group\":\"g1\"}\n\n{\"text\":\"b\",\"label\":0}\n";
        let recs = read_labelled(input.as_bytes(), "x.jsonl", &LabelFields::default()).unwrap();
        assert_eq!(recs.len(), 2);
        assert!(recs[0].label && !recs[1].label);
        assert_eq!(recs[1].group, "x.jsonl:3");
        let bad = "{\"text\":\"a\",\"label\":\"mt\"}\n{\"text\":\"b\",\"label\":\"maybe\"}\n";
        let err = read_labelled(bad.as_bytes(), "x.jsonl", &LabelFields::default()).unwrap_err().to_string();
        assert!(err.starts_with("x.jsonl:2:"), "{err}");
        let err = read_labelled("{oops\n".as_bytes(), "y.jsonl", &LabelFields::default()).unwrap_err().to_string();
        assert!(err.starts_with("y.jsonl:1:"), "{err}");
    }

    #[test]
    fn plain_files_give_one_record_per_line() {
        let recs = read_plain("one line\n\nanother line\n".as_bytes(), "mt.txt", true).unwrap();
        assert_eq!(recs.len(), 2);
        assert!(recs.iter().all(|r| r.label));
        assert_eq!(recs[1].group, "mt.txt:3");
    }

    #[test]
    fn rule_prior_is_off_at_zero_and_refuses_nonsense() {
        assert_eq!(RulePrior::new(9.0, 20.0).unwrap(), Some(RulePrior::default()));
        assert_eq!(RulePrior::new(0.0, 20.0).unwrap(), None);
        assert_eq!(RulePrior::new(9.0, 0.0).unwrap(), None);
        for (odds, rows) in [(-1.0, 20.0), (9.0, -1.0), (f64::NAN, 20.0), (9.0, f64::INFINITY)] {
            assert!(RulePrior::new(odds, rows).is_err(), "{odds} {rows}");
        }
    }

    #[test]
    fn stable_hash_is_stable() {
        assert_eq!(stable_hash(&["a", "b"]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["ab"]), stable_hash(&["a", "b"]));
    }
}
