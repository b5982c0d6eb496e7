//! The scoring model: standardisation, logistic-regression weights fitted with linfa, Platt calibration,
//! and the thresholds, stored as one versioned JSON file with its feature names.
//!
//! Scoring is a dot product, so the hot path needs nothing from linfa; linfa fits the weights (see
//! `train`). The default model (`models/default.json`) is embedded in the binary so `mtlint scan` needs
//! no setup; a model file is refused when its format version or feature names differ from this build's,
//! or when any number in it is not finite.

use crate::error::Error;
use crate::features::{feature_names, FEATURE_SET_VERSION};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The model-file format this build reads and writes.
pub const MODEL_FORMAT: &str = "mtlint-model";
pub const MODEL_FORMAT_VERSION: u32 = 1;

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
    /// Logistic-regression weights over standardised features, and the intercept.
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// Platt calibration: probability = sigmoid(calibration_scale * logit + calibration_offset).
    pub calibration_scale: f64,
    pub calibration_offset: f64,
    /// Documents scoring above this are machine-translated (`verdict: "mt"`).
    pub threshold: f64,
    /// The function-word / shape n-gram profile learned with the weights.
    pub profile: crate::profile::ProfileTable,
    /// Free-form provenance and validation metrics written by `mtlint train`.
    #[serde(default)]
    pub training: serde_json::Value,
}

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
        if self.means.len() != n || self.stds.len() != n || self.weights.len() != n {
            return Err(Error::Model(format!("means/stds/weights must each have {n} values")));
        }
        let numbers = self.means.iter().chain(&self.stds).chain(&self.weights).chain([
            &self.intercept,
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

    /// The uncalibrated logit of a feature vector.
    pub fn raw_logit(&self, features: &[f32]) -> f64 {
        let terms = self.weights.iter().zip(&self.means).zip(&self.stds).zip(features);
        self.intercept + terms.map(|(((w, mean), std), x)| w * ((*x as f64 - mean) / std)).sum::<f64>()
    }

    /// The calibrated logit.
    pub fn logit(&self, features: &[f32]) -> f64 {
        self.calibration_scale * self.raw_logit(features) + self.calibration_offset
    }

    /// The calibrated probability that the sentence is machine-translated.
    pub fn probability(&self, features: &[f32]) -> f64 {
        sigmoid(self.logit(features))
    }

    /// Each feature's term in the calibrated logit, largest magnitude first.
    pub fn contributions(&self, features: &[f32]) -> Vec<Contribution> {
        let mut out: Vec<Contribution> = self
            .feature_names
            .iter()
            .enumerate()
            .map(|(i, name)| Contribution {
                feature: name.clone(),
                value: features[i],
                contribution: self.calibration_scale * self.weights[i] * ((features[i] as f64 - self.means[i]) / self.stds[i]),
            })
            .collect();
        out.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serialises")
    }
}

/// Builds the embedded fluency model and lexicons on two background threads, once per process; whoever
/// needs them first waits for that build instead of starting another (`OnceLock`). The fluency model
/// reads the English lexicon at its end, so the two are built side by side.
fn preload_tables_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        std::thread::spawn(|| {
            crate::lexicon::english();
        });
        std::thread::spawn(|| {
            crate::fluency::default_model();
            crate::lexicon::foreign(crate::lexicon::SourceLanguage::Spanish);
        });
    });
}

/// The default model shipped in `models/default.json`.
pub fn default_model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_json(include_str!("../models/default.json")).expect("the embedded default model is valid (checked by tests)"))
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
    fn refuses_mismatched_or_broken_models() {
        let good = default_model().clone();
        let mut wrong_names = good.clone();
        wrong_names.feature_names[0] = "something.else".into();
        assert!(matches!(wrong_names.validate(), Err(Error::Model(m)) if m.contains("feature names")));
        let mut wrong_version = good.clone();
        wrong_version.format_version = 99;
        assert!(matches!(wrong_version.validate(), Err(Error::Model(m)) if m.contains("format 99")));
        let mut nan = good.clone();
        nan.weights[3] = f64::NAN;
        let json = serde_json::to_string(&nan).unwrap(); // NaN serialises as null
        assert!(Model::from_json(&json).is_err());
        assert!(nan.validate().is_err());
        let full = good.to_json();
        assert!(Model::from_json(&full[..full.len() / 2]).is_err());
    }

    #[test]
    fn contributions_add_up_to_the_logit() {
        let m = default_model();
        let features: Vec<f32> = (0..m.weights.len()).map(|i| i as f32 * 0.1).collect();
        let total: f64 = m.contributions(&features).iter().map(|c| c.contribution).sum();
        let offset = m.calibration_scale * m.intercept + m.calibration_offset;
        assert!((total + offset - m.logit(&features)).abs() < 1e-9);
        assert!((m.probability(&features) - sigmoid(m.logit(&features))).abs() < 1e-12);
    }
}
