//! The scoring model: standardisation, one or more logistic-regression heads fitted with linfa, Platt
//! calibration, and the thresholds, stored as one versioned JSON file with its feature names.
//!
//! Why heads: kinds of machine translation differ in opposite directions. Neural MT is *more* fluent and
//! regular than the human English it is compared with; rule-based MT is less fluent. One linear model
//! has to pick one direction for each statistic, and so fails one kind or the other. Each head is a
//! model of one kind of MT against human text (its own n-gram profile table and weights), and a
//! sentence's logit is the largest head logit: a sentence is as suspicious as its most suspicious
//! reading. The deciding head explains the score.
//!
//! Scoring is a few dot products, so the hot path needs nothing from linfa; linfa fits the weights (see
//! `train`). The default model (`models/default.json`) is embedded in the binary so `mtlint scan` needs
//! no setup; a model file is refused when its format version or feature names differ from this build's,
//! or when any number in it is not finite.

use crate::detect::Finding;
use crate::document::Document;
use crate::error::Error;
use crate::features::{feature_names, FeatureExtractor, FEATURE_SET_VERSION};
use crate::profile::{MergedProfiles, NgramKeys, ProfileTable, MAX_ORDER};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The model-file format this build reads and writes.
pub const MODEL_FORMAT: &str = "mtlint-model";
pub const MODEL_FORMAT_VERSION: u32 = 3;

/// A trained, calibrated sentence model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub format: String,
    pub format_version: u32,
    pub feature_set_version: u32,
    pub feature_names: Vec<String>,
    /// Per-feature mean and standard deviation of the training data.
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
    /// The linear heads (at least one); the raw logit is the largest of theirs.
    pub heads: Vec<Head>,
    /// Platt calibration: probability = sigmoid(calibration_scale * raw logit + calibration_offset).
    pub calibration_scale: f64,
    pub calibration_offset: f64,
    /// Documents scoring above this are machine-translated (`verdict: "mt"`).
    pub threshold: f64,
    /// Free-form provenance and validation metrics written by `mtlint train`.
    #[serde(default)]
    pub training: serde_json::Value,
}

/// One head: a model of one kind of machine translation against human text, with its own function-word /
/// shape n-gram profile (the last [`MAX_ORDER`] features) and logistic-regression weights over
/// standardised features.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Head {
    /// The kind of machine translation it was fitted on (a value of `mtlint train --heads-by`), or "mt".
    pub name: String,
    pub weights: Vec<f64>,
    pub intercept: f64,
    pub profile: ProfileTable,
}

/// A sentence scored by a [`Model`]: the feature vector and the uncalibrated logit of its deciding head.
#[derive(Debug, Clone)]
pub struct Scored {
    pub features: Vec<f32>,
    pub findings: Vec<Finding>,
    /// The index of the deciding head in [`Model::heads`].
    pub head: usize,
    pub raw_logit: f64,
}

impl Head {
    fn logit(&self, standardised: impl Iterator<Item = f64>) -> f64 {
        self.intercept + self.weights.iter().zip(standardised).map(|(w, x)| w * x).sum::<f64>()
    }
}

/// Where [`Model::score_heads`] gets a sentence's profile features.
#[derive(Clone, Copy)]
enum Profiles<'a> {
    /// Given, for each head (looked up beforehand, with other sentences').
    Given(&'a [[f32; MAX_ORDER]; MergedProfiles::MAX_HEADS]),
    /// Looked up now: in the merged tables when they are this model's, else in each head's table.
    LookedUp(Option<&'a MergedProfiles>),
}

/// Most features whose standardised values [`Model::score_heads`] keeps on the stack (the feature set
/// has 58; a longer vector takes the general path).
const STANDARDISED_ON_STACK: usize = 64;

pub(crate) fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// One feature's share of a sentence's score.
#[derive(Debug, Clone, Serialize)]
pub struct Contribution {
    pub feature: String,
    pub value: f32,
    /// Its term in the calibrated logit.
    pub contribution: f64,
}

impl Model {
    /// Parses and validates a model file. The embedded fluency model and lexicons, which scoring needs
    /// next, are built meanwhile on another thread (start-up is mostly building these tables).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        preload_tables_in_background();
        let model: Model = serde_json::from_str(json).map_err(|e| Error::Model(format!("not a valid model file: {e}")))?;
        model.validate()?;
        Ok(model)
    }

    /// The embedded default model: `models/default.json` without its profile tables (build.rs empties
    /// them), with the tables build.rs laid out.
    fn embedded() -> Result<Self, Error> {
        let mut model = Model::from_json(include_str!(concat!(env!("OUT_DIR"), "/default_model.json")))?;
        let tables = crate::profile::default_tables();
        if tables.len() != model.heads.len() {
            return Err(Error::Model(format!("{} heads, {} laid-out profile tables", model.heads.len(), tables.len())));
        }
        for (head, table) in model.heads.iter_mut().zip(tables) {
            head.profile = table.clone();
        }
        Ok(model)
    }

    /// Checks that this build can use the model.
    pub fn validate(&self) -> Result<(), Error> {
        if self.format != MODEL_FORMAT {
            return Err(Error::Model(format!("format is \"{}\", expected \"{MODEL_FORMAT}\"", self.format)));
        }
        if self.format_version != MODEL_FORMAT_VERSION || self.feature_set_version != FEATURE_SET_VERSION {
            return Err(Error::Model(format!(
                "model format {} / feature set {}; this build of mtlint needs format {MODEL_FORMAT_VERSION} / feature set {FEATURE_SET_VERSION} (retrain it with `mtlint train`)",
                self.format_version, self.feature_set_version
            )));
        }
        let expected = feature_names();
        if self.feature_names != expected {
            let first_diff = expected
                .iter()
                .zip(&self.feature_names)
                .position(|(a, b)| a != b)
                .unwrap_or(expected.len().min(self.feature_names.len()));
            return Err(Error::Model(format!(
                "feature names do not match this build ({} in the model, {} expected; first difference at #{first_diff}: {:?} vs {:?})",
                self.feature_names.len(),
                expected.len(),
                self.feature_names.get(first_diff),
                expected.get(first_diff)
            )));
        }
        let n = expected.len();
        if self.heads.is_empty() {
            return Err(Error::Model("the model has no heads".into()));
        }
        if self.means.len() != n || self.stds.len() != n || self.heads.iter().any(|h| h.weights.len() != n) {
            return Err(Error::Model(format!("means, stds and each head's weights must each have {n} values")));
        }
        let heads = self.heads.iter().flat_map(|h| h.weights.iter().chain([&h.intercept]));
        let numbers = self.means.iter().chain(&self.stds).chain(heads).chain([
            &self.calibration_scale,
            &self.calibration_offset,
            &self.threshold,
        ]);
        if let Some(bad) = numbers.into_iter().find(|x| !x.is_finite()) {
            return Err(Error::Model(format!("a weight or parameter is not a finite number ({bad})")));
        }
        if self.stds.iter().any(|s| *s <= 0.0) {
            return Err(Error::Model("a standard deviation is not positive".into()));
        }
        Ok(())
    }

    fn standardised<'a>(&'a self, features: &'a [f32]) -> impl Iterator<Item = f64> + 'a {
        self.means.iter().zip(&self.stds).zip(features).map(|((mean, std), x)| (*x as f64 - mean) / std)
    }

    /// Head `head`'s uncalibrated logit for features computed with its profile.
    pub fn head_logit(&self, head: usize, features: &[f32]) -> f64 {
        self.heads[head].logit(self.standardised(features))
    }

    /// Calls `each(head, raw logit, profile features)` for every head on sentence `index` of `doc`: the
    /// features shared by all heads are computed once, and the profile features are given, or the
    /// sentence's n-gram keys are computed once and looked up in each head's table, or once in the merged
    /// tables when they are this model's (the same numbers). Returns the shared features and the findings.
    fn score_heads(
        &self,
        extractor: &FeatureExtractor,
        profiles: Profiles,
        doc: &Document,
        index: usize,
        mut each: impl FnMut(usize, f64, [f32; MAX_ORDER]),
    ) -> (Vec<f32>, Vec<Finding>) {
        // The n-gram keys first, so that the merged table's lines load while the other features are
        // computed.
        let (ngrams, merged) = match profiles {
            Profiles::Given(_) => (None, None),
            Profiles::LookedUp(merged) => {
                let ngrams = NgramKeys::of(&crate::profile::symbols(doc, index));
                let merged = merged.filter(|m| self.is_merged_in(m));
                if let Some(m) = merged {
                    m.prefetch(&ngrams);
                }
                (Some(ngrams), merged)
            }
        };
        let (mut features, findings) = extractor.extract_base(doc, index);
        let shared = features.len();
        // Each head's profile features when they are given or were looked up in the merged tables.
        let mut by_head = [[0.0f32; MAX_ORDER]; MergedProfiles::MAX_HEADS];
        if let Profiles::Given(given) = profiles {
            by_head = *given;
        } else if let (Some(m), Some(ngrams)) = (merged, &ngrams) {
            m.features_of_ngrams(ngrams, &mut by_head);
        }
        // A head's profile features: given, merged, or looked up in its own table.
        let profile = |h: usize, head: &Head| match &ngrams {
            Some(ngrams) if merged.is_none() => head.profile.features_of_ngrams(ngrams),
            _ => by_head[h],
        };
        let total = shared + MAX_ORDER;
        if total <= STANDARDISED_ON_STACK && self.means.len() == total && self.stds.len() == total {
            // The shared features are standardised once for all heads (the same numbers head_logit
            // computes, summed in the same order): only the profile's differ from head to head.
            let mut x = [0.0f64; STANDARDISED_ON_STACK];
            for (x, value) in x.iter_mut().zip(self.standardised(&features)) {
                *x = value;
            }
            for (h, head) in self.heads.iter().enumerate() {
                let profile = profile(h, head);
                for (o, value) in profile.iter().enumerate() {
                    x[shared + o] = (*value as f64 - self.means[shared + o]) / self.stds[shared + o];
                }
                each(h, head.logit(x[..total].iter().copied()), profile);
            }
            return (features, findings);
        }
        for (h, head) in self.heads.iter().enumerate() {
            let profile = profile(h, head);
            features.truncate(shared);
            features.extend(profile);
            each(h, self.head_logit(h, &features), profile);
        }
        features.truncate(shared);
        (features, findings)
    }

    /// The heads' profile tables merged into one lookup, for [`Model::score_sentence_merged`] (`None`
    /// when the model has one head, whose own table is as fast).
    pub fn merged_profiles(&self) -> Option<MergedProfiles> {
        MergedProfiles::new(&self.heads.iter().map(|h| &h.profile).collect::<Vec<_>>())
    }

    /// Scores sentence `index` of `doc`: the largest head logit, and the features of that head.
    pub fn score_sentence(&self, extractor: &FeatureExtractor, doc: &Document, index: usize) -> Scored {
        self.score_sentence_merged(extractor, None, doc, index)
    }

    /// Whether `merged` merges this model's heads' tables (the same tables, in head order).
    pub fn is_merged_in(&self, merged: &MergedProfiles) -> bool {
        merged.merges(self.heads.iter().map(|h| &h.profile))
    }

    /// [`Model::score_sentence`], looking the n-grams up in `merged` (from [`Model::merged_profiles`]
    /// of this model; ignored when it merges other tables than this model's).
    pub fn score_sentence_merged(&self, extractor: &FeatureExtractor, merged: Option<&MergedProfiles>, doc: &Document, index: usize) -> Scored {
        self.score_and_see_heads(extractor, Profiles::LookedUp(merged), doc, index, |_| {})
    }

    /// [`Model::score_sentence`] with the sentence's profile features given: `profiles[h]` is head `h`'s
    /// (as [`MergedProfiles::features_of_many`] gives them for this model's merged tables).
    pub fn score_sentence_given(&self, extractor: &FeatureExtractor, profiles: &[[f32; MAX_ORDER]; MergedProfiles::MAX_HEADS], doc: &Document, index: usize) -> Scored {
        self.score_and_see_heads(extractor, Profiles::Given(profiles), doc, index, |_| {})
    }

    /// [`Model::score_sentence`] and every head's uncalibrated logit ([`Model::head_logits`]), the
    /// sentence featurised once.
    pub fn score_sentence_and_head_logits(&self, extractor: &FeatureExtractor, doc: &Document, index: usize) -> (Scored, Vec<f64>) {
        let mut logits = Vec::with_capacity(self.heads.len());
        let scored = self.score_and_see_heads(extractor, Profiles::LookedUp(None), doc, index, |z| logits.push(z));
        (scored, logits)
    }

    /// The scored sentence (the largest head logit, and that head's features), calling `each_logit` with
    /// every head's logit in head order.
    fn score_and_see_heads(&self, extractor: &FeatureExtractor, profiles: Profiles, doc: &Document, index: usize, mut each_logit: impl FnMut(f64)) -> Scored {
        let mut best: (f64, usize, [f32; MAX_ORDER]) = (f64::NEG_INFINITY, 0, [0.0; MAX_ORDER]);
        let (mut features, findings) = self.score_heads(extractor, profiles, doc, index, |h, z, profile| {
            each_logit(z);
            if z > best.0 || h == 0 {
                best = (z, h, profile);
            }
        });
        features.extend(best.2);
        Scored { features, findings, head: best.1, raw_logit: best.0 }
    }

    /// Every head's uncalibrated logit for sentence `index` of `doc`, in the order of `heads`.
    pub fn head_logits(&self, extractor: &FeatureExtractor, doc: &Document, index: usize) -> Vec<f64> {
        self.score_sentence_and_head_logits(extractor, doc, index).1
    }

    /// Scores `text` as one sentence with nothing before it (as `train` and `eval` treat a record without
    /// context).
    pub fn score_text(&self, extractor: &FeatureExtractor, text: &str) -> Scored {
        self.score_sentence(extractor, &Document::single_sentence(text), 0)
    }

    /// The calibrated logit of an uncalibrated (raw) one.
    pub fn calibrate(&self, raw_logit: f64) -> f64 {
        self.calibration_scale * raw_logit + self.calibration_offset
    }

    /// The calibrated probability that a scored sentence is machine-translated.
    pub fn probability(&self, scored: &Scored) -> f64 {
        sigmoid(self.calibrate(scored.raw_logit))
    }

    /// Each feature's term in the calibrated logit of head `head`, largest magnitude first.
    pub fn contributions(&self, head: usize, features: &[f32]) -> Vec<Contribution> {
        let head = &self.heads[head];
        let mut out: Vec<Contribution> = self
            .feature_names
            .iter()
            .zip(&head.weights)
            .zip(features.iter().zip(self.standardised(features)))
            .map(|((name, w), (value, x))| Contribution { feature: name.clone(), value: *value, contribution: self.calibration_scale * w * x })
            .collect();
        out.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }
}

/// Builds the embedded fluency model, English lexicon and table of listed words on two background
/// threads, once per process; whoever needs them first waits for that build instead of starting another
/// (`OnceLock`). The fluency model reads the English lexicon at its end, so the two are built side by
/// side, and the listed words (which the tokeniser's word table needs with the fluency model) after the
/// lexicon, while the fluency model is still loading. The foreign-language lexicons are not: only a rare
/// lowercase word needs them (see `detect::foreign_word`), and most runs of a few lines have none.
fn preload_tables_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(|| {
            crate::lexicon::english();
            crate::detect::classes::preload();
        });
        std::thread::spawn(|| {
            crate::fluency::default_model();
        });
    });
}

/// The default model shipped in `models/default.json`.
pub fn default_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::embedded().expect("the embedded default model is valid (checked by tests)"))
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_is_valid() {
        let m = default_model();
        assert_eq!(m.feature_names, feature_names());
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
    }

    #[test]
    fn embedded_model_is_the_model_file() {
        let file = Model::from_json(include_str!("../models/default.json")).unwrap();
        assert_eq!(*default_model(), file);
        assert_eq!(default_model().to_json(), file.to_json());
    }

    #[test]
    fn refuses_mismatched_or_broken_models() {
        let good = default_model().clone();
        let mut wrong_names = good.clone();
        wrong_names.feature_names[0] = "something.else".into();
        assert!(matches!(wrong_names.validate(), Err(Error::Model(m)) if m.contains("feature names")));
        let mut wrong_version = good.clone();
        wrong_version.format_version = 99;
        assert!(matches!(wrong_version.validate(), Err(Error::Model(m)) if m.contains("format 99")));
        let mut nan = good.clone();
        nan.heads[0].weights[3] = f64::NAN;
        let json = serde_json::to_string(&nan).unwrap(); // NaN serialises as null
        assert!(Model::from_json(&json).is_err());
        assert!(nan.validate().is_err());
        let full = good.to_json();
        assert!(Model::from_json(&full[..full.len() / 2]).is_err());
    }

    #[test]
    fn scoring_with_head_logits_gives_both_as_apart() {
        let m = default_model();
        let fx = FeatureExtractor::default();
        let doc = Document::new("SEOUL: North Korea trató to obtain the data. Both she and BioNTech said the talks between him and Washington went on. It had stolen more than $ 300 million.");
        for i in 0..doc.sentences.len() {
            let (scored, logits) = m.score_sentence_and_head_logits(&fx, &doc, i);
            let alone = m.score_sentence(&fx, &doc, i);
            // Each head's logit from its own full feature vector (its own profile table).
            let apart: Vec<f64> = m.heads.iter().enumerate().map(|(h, head)| m.head_logit(h, &fx.extract(&doc, i, &head.profile).0)).collect();
            assert_eq!(logits, apart);
            assert_eq!(m.head_logits(&fx, &doc, i), apart);
            assert_eq!(logits.len(), m.heads.len());
            assert_eq!((scored.features, scored.head, scored.raw_logit.to_bits()), (alone.features, alone.head, alone.raw_logit.to_bits()));
            assert_eq!(scored.raw_logit, logits.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        }
    }

    #[test]
    fn the_most_suspicious_head_decides_and_a_model_needs_one() {
        let mut m = default_model().clone();
        m.heads.truncate(1);
        let fx = FeatureExtractor::default();
        let text = "The company said it would announce the results of the review next week.";
        let one = m.score_text(&fx, text);
        let mut louder = m.heads[0].clone();
        louder.name = "louder".into();
        louder.intercept += 1.5;
        m.heads.push(louder);
        let two = m.score_text(&fx, text);
        assert!((two.raw_logit - (one.raw_logit + 1.5)).abs() < 1e-9);
        assert_eq!(m.heads[two.head].name, "louder");
        m.heads[1].intercept -= 3.0;
        let quieter = m.score_text(&fx, text);
        assert!((quieter.raw_logit - one.raw_logit).abs() < 1e-9);
        assert_eq!(quieter.head, 0);
        m.heads.clear();
        assert!(matches!(m.validate(), Err(Error::Model(msg)) if msg.contains("no heads")));
    }

    #[test]
    fn contributions_add_up_to_the_logit() {
        let m = default_model();
        let scored = m.score_text(&FeatureExtractor::default(), "Both she and BioNTech said in December that the vaccine was safe.");
        let total: f64 = m.contributions(scored.head, &scored.features).iter().map(|c| c.contribution).sum();
        let offset = m.calibration_scale * m.heads[scored.head].intercept + m.calibration_offset;
        assert!((total + offset - m.calibrate(scored.raw_logit)).abs() < 1e-9);
        assert!((m.probability(&scored) - sigmoid(m.calibrate(scored.raw_logit))).abs() < 1e-12);
    }
}
