//! Integration tests of `mtlint train` and `mtlint eval` over the built binary: retraining for a new
//! domain, determinism, the train -> eval -> scan round trip, and malformed training data.
//!
//! The new domain is generated here: short product reviews, human-written ones and ones in the stilted,
//! literal style of a machine translation the default model never saw (no rule of mtlint names these
//! phrasings), 300 documents of 8 sentences each.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn mtlint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtlint")).args(args).output().expect("mtlint runs")
}

const SUBJECTS: &[&str] = &[
    "The battery", "This blender", "The screen", "My new phone", "The delivery", "The seller", "This jacket", "The charger",
    "The kettle", "This lamp", "The keyboard", "The mattress", "The vacuum", "This backpack", "The camera", "The speaker",
];
const HUMAN: &[&str] = &[
    "works great", "arrived quickly", "is a bit loud", "feels sturdy", "stopped working after a week", "was well packed",
    "looks exactly like the photos", "is worth every penny", "broke the second time I used it", "does what it says",
    "is easy to set up", "could be cheaper", "beats the one I had before", "was smaller than I expected",
];
const MACHINE: &[&str] = &[
    "functions of marvel", "arrived of fast form", "is a little bit noisy in excess", "gives a sensation very robust",
    "left of functioning after one week", "came very well packaged in its box", "is identical to the images of the advertisement",
    "is worth each cent that costs", "was broken at the second occasion of use", "makes that which promises",
    "is simple of configuring", "could have a price more low", "surpasses to the one that I possessed before",
    "resulted more small than that I waited",
];
const HUMAN_OPENERS: &[&str] = &["", "", "Honestly, ", "Overall, ", "So far, "];
const MACHINE_OPENERS: &[&str] = &["", "", "In general, ", "In effect, ", "Until the moment, "];

/// A small deterministic generator (no dependency, same output everywhere).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Writes `docs` documents (half human, half machine) as labelled JSONL, one record per sentence.
fn write_reviews(path: &Path, docs: usize, seed: u64) {
    let mut rng = Lcg(seed);
    let mut out = String::new();
    for d in 0..docs {
        let mt = d % 2 == 1;
        let (phrases, openers) = if mt { (MACHINE, MACHINE_OPENERS) } else { (HUMAN, HUMAN_OPENERS) };
        for _ in 0..8 {
            let text = format!(
                "{}{} {}.",
                openers[rng.next(openers.len())],
                SUBJECTS[rng.next(SUBJECTS.len())],
                phrases[rng.next(phrases.len())]
            );
            let record = serde_json::json!({
                "text": text, "label": if mt { "mt" } else { "human" }, "group": format!("review-{seed}-{d}"), "doc": format!("review-{seed}-{d}")
            });
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
}

/// A temporary directory holding `data.jsonl`: `docs` generated review documents (see [`write_reviews`]).
fn reviews_in_tempdir(docs: usize, seed: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data.jsonl");
    write_reviews(&data, docs, seed);
    (dir, data)
}

/// Trains a model on `data` into `model` with `extra` options; the run must succeed.
fn train_model(data: &Path, model: &Path, extra: &[&str]) {
    let mut args = vec!["train", "--data", data.to_str().unwrap(), "--out", model.to_str().unwrap()];
    args.extend(extra);
    let out = mtlint(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn eval_json(data: &Path, model: Option<&Path>) -> Value {
    let mut args = vec!["eval", "--data", data.to_str().unwrap(), "--documents", "doc", "--format", "json"];
    if let Some(m) = model {
        args.extend(["--model", m.to_str().unwrap()]);
    }
    let out = mtlint(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn retraining_on_a_new_domain_learns_it() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test, model) = (dir.path().join("train.jsonl"), dir.path().join("test.jsonl"), dir.path().join("reviews.json"));
    write_reviews(&train, 150, 1);
    write_reviews(&test, 150, 2);
    train_model(&train, &model, &[]);
    let retrained = eval_json(&test, Some(&model));
    let default = eval_json(&test, None);
    let doc_auc = |v: &Value| v["documents"]["roc_auc"].as_f64().unwrap();
    assert!(doc_auc(&retrained) >= 0.97, "retrained document ROC-AUC {}", doc_auc(&retrained));
    assert!(retrained["roc_auc"].as_f64().unwrap() > default["roc_auc"].as_f64().unwrap(), "retraining should beat the default model on its domain");
    assert_eq!(retrained["documents"]["documents"], 150);
}

#[test]
fn training_is_deterministic_and_its_model_is_usable() {
    let (dir, data) = reviews_in_tempdir(60, 7);
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    for m in [&a, &b] {
        train_model(&data, m, &[]);
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same data and options, same bytes");
    let model: Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
    assert_eq!(model["format"], "mtlint-model");
    assert!(model["training"]["data_digest"].is_string());
    assert!(model["training"]["validation"]["calibration_roc_auc"].is_number());
    // The model is usable by scan.
    let text = dir.path().join("review.txt");
    std::fs::write(&text, "The kettle functions of marvel. In effect, the lamp makes that which promises.").unwrap();
    let out = mtlint(&["scan", "--model", a.to_str().unwrap(), "--format", "jsonl", text.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["verdict"], "mt");
}

#[test]
fn the_rule_prior_keeps_weight_on_rules_the_training_data_never_shows() {
    // The generated reviews carry no untranslated words, so the data alone says nothing about that rule.
    let (dir, data) = reviews_in_tempdir(60, 3);
    let weight_of = |model: &Path, feature: &str| -> f64 {
        let m: Value = serde_json::from_slice(&std::fs::read(model).unwrap()).unwrap();
        let i = m["feature_names"].as_array().unwrap().iter().position(|n| n == feature).unwrap();
        m["heads"][0]["weights"][i].as_f64().unwrap()
    };
    let (with, without) = (dir.path().join("with.json"), dir.path().join("without.json"));
    train_model(&data, &with, &[]);
    train_model(&data, &without, &["--rule-prior-odds", "0"]);
    let (w, wo) = (weight_of(&with, "findings.foreign-word"), weight_of(&without, "findings.foreign-word"));
    assert!(w > 1.5 && w < 9f64.ln() + 0.5, "with the default prior (odds 9): {w}");
    assert!(wo.abs() < 0.1, "without a prior the unseen rule has no weight: {wo}");
    // And it shows in the scores: the same review with an untranslated Spanish word.
    let text = dir.path().join("review.txt");
    std::fs::write(&text, "The kettle works great. The seller respondió quickly and the lamp feels sturdy.").unwrap();
    let score = |model: &Path| -> f64 {
        let out = mtlint(&["scan", "--model", model.to_str().unwrap(), "--format", "jsonl", text.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["sentences"][1]["score"].as_f64().unwrap()
    };
    // This model's statistics are sure the sentence is human; the finding moves its log-odds.
    let logit = |p: f64| (p / (1.0 - p)).ln();
    assert!(logit(score(&with)) - logit(score(&without)) > 1.5, "{} vs {}", score(&with), score(&without));
}

#[test]
fn plain_human_and_mt_files_train_a_model_and_eval_draws_curves() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(3);
    let (mut human, mut mt) = (String::new(), String::new());
    for _ in 0..200 {
        human.push_str(&format!("{} {}.\n", SUBJECTS[rng.next(SUBJECTS.len())], HUMAN[rng.next(HUMAN.len())]));
        mt.push_str(&format!("{} {}.\n", SUBJECTS[rng.next(SUBJECTS.len())], MACHINE[rng.next(MACHINE.len())]));
    }
    let (h, m, model) = (dir.path().join("human.txt"), dir.path().join("mt.txt"), dir.path().join("m.json"));
    std::fs::write(&h, human).unwrap();
    std::fs::write(&m, mt).unwrap();
    let out = mtlint(&["train", "--human", h.to_str().unwrap(), "--mt", m.to_str().unwrap(), "--out", model.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let data = dir.path().join("test.jsonl");
    write_reviews(&data, 40, 9);
    let svg = dir.path().join("curves.svg");
    let out = mtlint(&["eval", "--data", data.to_str().unwrap(), "--model", model.to_str().unwrap(), "--plot", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("ROC-AUC") && report.contains("confusion"), "{report}");
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.matches("class=\"curve\"").count() == 2);
}

#[test]
fn eval_reports_verdicts_at_the_threshold_it_is_given() {
    let (_dir, data) = reviews_in_tempdir(40, 11);
    let at = |t: &str| -> Value {
        let out = mtlint(&["eval", "--data", data.to_str().unwrap(), "--documents", "doc", "--format", "json", "--threshold", t]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let flagged = |v: &Value| v["documents"]["confusion"]["true_positive"].as_u64().unwrap() + v["documents"]["confusion"]["false_positive"].as_u64().unwrap();
    let (low, mid, high) = (at("0.05"), at("0.5"), at("0.95"));
    assert_eq!(low["threshold"], 0.05);
    assert!(flagged(&low) >= flagged(&mid) && flagged(&mid) >= flagged(&high), "a higher threshold rejects no more documents");
    assert!(flagged(&low) > flagged(&high), "the threshold changes the verdicts");
    assert_eq!(low["roc_auc"], high["roc_auc"], "ranking does not depend on the threshold");
    let out = mtlint(&["eval", "--data", data.to_str().unwrap(), "--threshold", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn profile_smoothing_is_recorded_and_nonsense_refused() {
    let (dir, data) = reviews_in_tempdir(40, 5);
    let (default, smoother) = (dir.path().join("default.json"), dir.path().join("smoother.json"));
    train_model(&data, &default, &[]);
    train_model(&data, &smoother, &["--profile-smoothing", "20"]);
    let read = |p: &Path| -> Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    assert_eq!(read(&default)["training"]["profile_smoothing"], 3.0);
    assert_eq!(read(&smoother)["training"]["profile_smoothing"], 20.0);
    assert_ne!(read(&default)["heads"][0]["profile"], read(&smoother)["heads"][0]["profile"], "the option reaches the profile table");
    let out = mtlint(&["train", "--data", data.to_str().unwrap(), "--profile-smoothing", "0", "--out", dir.path().join("m.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--profile-smoothing"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn malformed_training_records_are_reported_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.jsonl");
    std::fs::write(&data, "{\"text\":\"fine\",\"label\":\"mt\"}\n{\"text\":\"no label\"}\n").unwrap();
    let out = mtlint(&["train", "--data", data.to_str().unwrap(), "--out", dir.path().join("m.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.jsonl:2") && stderr.contains("label"), "{stderr}");
}

/// Writes sentences of ten ordinary words that differ only in their commas: human ones have 1-2, machine
/// ones of kind "bare" none and of kind "comma-heavy" 4-5: two kinds of MT on opposite sides of the human
/// text. (Every class draws from the same words, so the n-gram profile cannot tell them apart by word.)
fn write_two_kinds(path: &Path, per_class: usize, seed: u64) {
    const WORDS: &[&str] = &[
        "people", "city", "market", "report", "water", "school", "road", "price", "weather", "team", "plan", "night",
        "house", "river", "train", "office",
    ];
    let mut rng = Lcg(seed);
    let mut out = String::new();
    for i in 0..per_class * 3 {
        let (kind, label, commas) = match i % 3 {
            0 => ("original", "human", 1 + rng.next(2)),
            1 => ("bare", "mt", 0),
            _ => ("comma-heavy", "mt", 4 + rng.next(2)),
        };
        let mut text = String::from("The");
        let mut comma_after: Vec<usize> = (1..8).collect();
        let slots = comma_after.len();
        for k in 0..commas {
            comma_after.swap(k, k + rng.next(slots - k));
        }
        comma_after.truncate(commas);
        for j in 0..9 {
            text.push(' ');
            text.push_str(WORDS[rng.next(WORDS.len())]);
            if comma_after.contains(&j) {
                text.push(',');
            }
        }
        text.push('.');
        let record = serde_json::json!({ "text": text, "label": label, "kind": kind, "group": format!("s-{seed}-{i}") });
        out.push_str(&record.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn heads_learn_kinds_of_mt_that_differ_from_human_text_in_opposite_directions() {
    let dir = tempfile::tempdir().unwrap();
    let (train, test) = (dir.path().join("train.jsonl"), dir.path().join("test.jsonl"));
    write_two_kinds(&train, 400, 7);
    write_two_kinds(&test, 200, 8);
    let roc_by_kind = |model: &Path| -> Vec<(String, f64)> {
        let out = mtlint(&["eval", "--data", test.to_str().unwrap(), "--model", model.to_str().unwrap(), "--by", "kind", "--format", "json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["breakdown"].as_array().unwrap().iter().map(|c| (c["mt"].as_str().unwrap().to_string(), c["roc_auc"].as_f64().unwrap())).collect()
    };
    let (one, two) = (dir.path().join("one.json"), dir.path().join("two.json"));
    train_model(&train, &one, &[]);
    train_model(&train, &two, &["--heads-by", "kind"]);
    let saved: Value = serde_json::from_slice(&std::fs::read(&two).unwrap()).unwrap();
    let names: Vec<&str> = saved["heads"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["bare", "comma-heavy"]);
    // The artifact rules' weights are pooled over the kinds: every head has the same ones, up to the
    // scale of its calibration.
    let feature_names = saved["feature_names"].as_array().unwrap();
    let findings: Vec<usize> = (0..feature_names.len()).filter(|&j| feature_names[j].as_str().unwrap().starts_with("findings.")).collect();
    let weights = |h: usize| -> Vec<f64> { findings.iter().map(|&j| saved["heads"][h]["weights"][j].as_f64().unwrap()).collect() };
    let (w0, w1) = (weights(0), weights(1));
    assert!(findings.len() == 8 && w0[0] > 0.0 && w1[0] > 0.0, "{w0:?} {w1:?}");
    for j in 0..findings.len() {
        assert!((w0[j] / w0[0] - w1[j] / w1[0]).abs() < 1e-6, "{w0:?} vs {w1:?}");
    }
    let single = roc_by_kind(&one);
    let heads = roc_by_kind(&two);
    // One linear model has to choose a direction for the comma rate and fails one kind of MT.
    assert!(single.iter().any(|(_, auc)| *auc < 0.8), "one head: {single:?}");
    // One head per kind finds both.
    assert!(heads.iter().all(|(_, auc)| *auc > 0.95), "two heads: {heads:?}");
    // Every machine-translated record must say which head it belongs to.
    let unlabelled = dir.path().join("unlabelled.jsonl");
    let mut data = std::fs::read_to_string(&train).unwrap();
    data.push_str("{\"text\":\"The river, road, price.\",\"label\":\"mt\",\"group\":\"no-kind\"}\n");
    std::fs::write(&unlabelled, data).unwrap();
    let out = mtlint(&["train", "--data", unlabelled.to_str().unwrap(), "--heads-by", "kind", "--out", dir.path().join("x.json").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no field \"kind\"") && stderr.contains("no-kind"), "{stderr}");
    // `explain` names the deciding head.
    let out = mtlint(&["explain", "--model", two.to_str().unwrap(), "The road river, people, price, train, office, night price report."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scored by head comma-heavy"), "{text}");
}
