//! Integration tests over the built `mtlint` binary: the seed articles, input formats, and errors.
//!
//! The seed articles and their sentence labels are read from `../shared/seeds` (override with
//! `MTLINT_SEEDS`); they are acceptance examples and never training data.

mod util;

use serde_json::Value;
use std::io::Write;
use util::{jsonl, mtlint, seed, seeds_dir};

/// A labelled seed sentence: file, label, identifying substring, artifact kinds.
struct Gold {
    file: String,
    label: bool,
    key: String,
    kinds: Vec<String>,
}

fn gold() -> Vec<Gold> {
    let text = std::fs::read_to_string(seeds_dir().join("gold.tsv")).expect("gold.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("file\t"))
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let label = match c[1] {
                "1" => true,
                "0" => false,
                _ => return None, // borderline: left out of metrics
            };
            Some(Gold { file: c[0].into(), label, key: c[2].into(), kinds: c[3].split(';').map(str::to_string).collect() })
        })
        .collect()
}

fn scan_seed(file: &str) -> Value {
    let out = mtlint(&["scan", "--format", "jsonl", &seed(file)], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = jsonl(&out);
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap()
}

fn sentence_for<'a>(doc: &'a Value, key: &str) -> &'a Value {
    let found: Vec<&Value> = doc["sentences"].as_array().unwrap().iter().filter(|s| s["text"].as_str().unwrap().contains(key)).collect();
    assert_eq!(found.len(), 1, "exactly one sentence should contain {key:?}");
    found[0]
}

/// Which rule families name each artifact kind of gold.tsv.
fn families_for(kind: &str) -> &'static [&'static str] {
    match kind {
        "typography" => &["typography"],
        "idiom" | "calque" => &["calque", "collocation"],
        "pronoun" => &["pronoun"],
        "repetition" => &["repetition"],
        "garble" => &["grammar", "repetition", "collocation"],
        "word-order" => &["word-order"],
        "grammar" => &["grammar"],
        "foreign-token" => &["foreign-word"],
        _ => &[],
    }
}

#[test]
fn seed_articles_are_machine_translated_and_their_top_sentence_is_an_artifact() {
    let gold = gold();
    for file in ["000_77446e2c4e664842.txt", "002_5187a71e27e22123.txt"] {
        let doc = scan_seed(file);
        assert_eq!(doc["verdict"], "mt", "{file}: score {}", doc["score"]);
        let top = doc["sentences"]
            .as_array()
            .unwrap()
            .iter()
            .max_by(|a, b| a["score"].as_f64().unwrap().total_cmp(&b["score"].as_f64().unwrap()))
            .unwrap();
        let text = top["text"].as_str().unwrap();
        let g = gold.iter().find(|g| g.file == file && text.contains(&g.key));
        assert!(g.is_some_and(|g| g.label), "{file}: top sentence is not labelled 1: {text}");
    }
}

#[test]
fn seed_artifact_sentences_outrank_fluent_ones_and_name_their_artifact() {
    let gold = gold();
    let docs: Vec<(String, Value)> =
        ["000_77446e2c4e664842.txt", "002_5187a71e27e22123.txt"].iter().map(|f| (f.to_string(), scan_seed(f))).collect();
    let mut scores = Vec::new();
    for g in &gold {
        let doc = &docs.iter().find(|(f, _)| *f == g.file).unwrap().1;
        let s = sentence_for(doc, &g.key);
        scores.push((s["score"].as_f64().unwrap(), g.label));
        if g.label {
            let rules: Vec<&str> = s["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
            let wanted: Vec<&str> = g.kinds.iter().flat_map(|k| families_for(k).iter().copied()).collect();
            assert!(
                rules.iter().any(|r| wanted.iter().any(|w| r.starts_with(&format!("{w}/")))),
                "{:?} ({:?}) has findings {rules:?}",
                g.key,
                g.kinds
            );
        }
    }
    assert_eq!(scores.len(), 28);
    assert_eq!(scores.iter().filter(|s| s.1).count(), 13);
    let (mut wins, mut pairs) = (0.0, 0.0);
    for a in scores.iter().filter(|s| s.1) {
        for b in scores.iter().filter(|s| !s.1) {
            pairs += 1.0;
            wins += if a.0 > b.0 { 1.0 } else if a.0 == b.0 { 0.5 } else { 0.0 };
        }
    }
    let auc = wins / pairs;
    // The target is 0.95; the shipped model reaches 0.923 (README, "Known gaps"). This floor
    // guards against regressions until the target is met.
    assert!(auc >= 0.90, "seed sentence ROC-AUC {auc:.3}");
}

#[test]
fn findings_and_sentences_are_byte_spans_of_the_input() {
    let path = seed("000_77446e2c4e664842.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = scan_seed("000_77446e2c4e664842.txt");
    assert_eq!(doc["id"], path.as_str());
    for s in doc["sentences"].as_array().unwrap() {
        let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[start..end], s["text"].as_str().unwrap());
        for f in s["findings"].as_array().unwrap() {
            let (fs, fe) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
            assert!(start <= fs && fe <= end && fs < fe);
            assert!(!f["message"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn jsonl_input_keeps_ids_and_order_and_reports_bad_lines() {
    let input = concat!(
        "{\"id\":\"first\",\"text\":\"It had stolen more than $ 300 million worth of coins. .\"}\n",
        "this is not json\n",
        "{\"doc\":\"third\",\"body\":\"missing the text field\"}\n",
        "{\"id\":\"fourth\",\"text\":\"The government said on Tuesday that it would raise taxes.\"}\n",
    );
    let out = mtlint(&["scan", "--input-format", "jsonl", "--format", "jsonl"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "a bad record makes the exit status 2");
    let docs = jsonl(&out);
    assert_eq!(docs.len(), 4, "every record has exactly one output line");
    assert_eq!(docs[0]["id"], "first");
    assert_eq!(docs[1]["id"], "<stdin>:2");
    assert!(docs[1]["error"].as_str().unwrap().contains("malformed JSON"));
    assert!(docs[2]["error"].as_str().unwrap().contains("missing text field"));
    assert_eq!(docs[3]["id"], "fourth");
    assert!(docs[0]["score"].as_f64().unwrap() > docs[3]["score"].as_f64().unwrap());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:2") && stderr.contains("<stdin>:3"), "{stderr}");
}

#[test]
fn custom_jsonl_fields_and_gzip_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    gz.write_all(b"{\"url\":\"https://a.example/1\",\"body\":\"North Korea tried to obtain the vaccine.\"}\n").unwrap();
    gz.finish().unwrap();
    let out = mtlint(&["scan", "--text-field", "body", "--id-field", "url", "--format", "jsonl", path.to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = jsonl(&out);
    assert_eq!(docs[0]["id"], "https://a.example/1");
    assert_eq!(docs[0]["sentences"].as_array().unwrap().len(), 1);
}

#[test]
fn lines_input_makes_one_document_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sentences.txt");
    std::fs::write(&path, "North Korea trató to obtain the vaccine.\nThe talks resumed on Monday.\n").unwrap();
    let p = path.to_str().unwrap();
    let out = mtlint(&["scan", "--input-format", "lines", "--format", "jsonl", p], None);
    assert!(out.status.success());
    let docs = jsonl(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], format!("{p}:1"));
    assert_eq!(docs[1]["id"], format!("{p}:2"));
    assert_eq!(docs[0]["sentences"][0]["findings"][0]["rule"], "foreign-word/untranslated-word");
    assert!(docs[0]["score"].as_f64().unwrap() > docs[1]["score"].as_f64().unwrap());
}

#[test]
fn missing_file_is_reported_by_name_with_status_2() {
    let out = mtlint(&["scan", "/no/such/dir/feed.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/no/such/dir/feed.txt"), "{stderr}");
}

#[test]
fn text_report_ranks_documents_and_quotes_evidence() {
    let out = mtlint(&["scan", "--format", "text", &seed("002_5187a71e27e22123.txt"), &seed("000_77446e2c4e664842.txt")], None);
    assert!(out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(!report.contains("\x1b["), "no colour when stdout is not a terminal");
    assert!(report.starts_with("#1 "));
    assert!(report.contains("#2 "));
    assert!(report.contains("foreign-word/untranslated-word \"trató\""), "{report}");
}

#[test]
fn explain_shows_findings_and_feature_contributions() {
    let out = mtlint(&["explain", "The EMA said it had been the victim of a piracy attack."], None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("finding calque/literal-calque \"piracy attack\""), "{text}");
    assert!(text.contains("findings.calque"), "{text}");
}

#[test]
fn help_documents_exit_codes_and_unknown_flags_are_usage_errors() {
    let out = mtlint(&["scan", "--help"], None);
    assert!(String::from_utf8_lossy(&out.stdout).contains("EXIT STATUS"));
    let out = mtlint(&["scan", "--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_model_with_other_feature_names_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    let out = mtlint(&["explain", "x"], None);
    assert!(out.status.success());
    let mut model: Value = serde_json::from_str(include_str!("../models/default.json")).unwrap();
    model["feature_names"][0] = Value::String("findings.something-else".into());
    std::fs::write(&path, model.to_string()).unwrap();
    let out = mtlint(&["scan", "--model", path.to_str().unwrap(), "-"], Some(b"Some text."));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("feature names do not match"), "{stderr}");
}

#[test]
fn real_rule_based_mt_from_spanish_is_caught_with_its_artifacts() {
    // Apertium's translation of a Spanish news paragraph (tests/fixtures/make_apertium_fixture.sh).
    let out = mtlint(&["scan", "--format", "jsonl", &util::fixture("apertium_es.txt")], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = jsonl(&out).into_iter().next().unwrap();
    assert_eq!(doc["verdict"], "mt");
    let findings: Vec<(String, String)> = doc["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let (text, start) = (s["text"].as_str().unwrap().to_string(), s["start"].as_u64().unwrap() as usize);
            s["findings"].as_array().unwrap().iter().map(move |f| {
                let (a, b) = (f["start"].as_u64().unwrap() as usize - start, f["end"].as_u64().unwrap() as usize - start);
                (f["rule"].as_str().unwrap().to_string(), text[a..b].to_string())
            })
        })
        .collect();
    for expected in [("typography/thousands-dot", "3.000"), ("calque/literal-calque", "a 40 percent with"), ("repetition/stutter", "in in")] {
        assert!(findings.iter().any(|(r, q)| r == expected.0 && q == expected.1), "{expected:?} not in {findings:?}");
    }
}
