//! Integration tests over the built binary: what scrapers produce (RSS, Atom, a news page, a gzipped WARC
//! file, directories, zstd) read into documents that rank the machine-translated article above the human
//! one, and the streaming output formats (TSV, attributes) aligned with the input.
//!
//! The fixtures are written by tests/fixtures/make_fixtures.py.

mod util;

use serde_json::Value;
use util::{fixture, jsonl, mtlint, stderr};

fn scan_jsonl(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["scan", "--format", "jsonl"];
    all.extend_from_slice(args);
    let out = mtlint(&all, None);
    assert!(out.status.success(), "{}", stderr(&out));
    jsonl(&out)
}

fn by_id<'a>(docs: &'a [Value], id: &str) -> &'a Value {
    docs.iter().find(|d| d["id"] == id).unwrap_or_else(|| panic!("no document {id} in {docs:?}"))
}

fn score(doc: &Value) -> f64 {
    doc["score"].as_f64().unwrap()
}

fn rules(doc: &Value) -> Vec<String> {
    let sentences = doc["sentences"].as_array().unwrap();
    sentences.iter().flat_map(|s| s["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string())).collect()
}

fn texts(doc: &Value) -> String {
    doc["sentences"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect::<Vec<_>>().join(" ")
}

/// The machine-translated document outranks the human one, is judged "mt" and its artifacts are found.
fn assert_mt_above_human(mt: &Value, human: &Value) {
    assert!(score(mt) > score(human), "mt {} vs human {}", score(mt), score(human));
    assert_eq!(mt["verdict"], "mt");
    assert_eq!(human["verdict"], "human");
    let rules = rules(mt);
    for rule in ["foreign-word/untranslated-word", "typography/currency-space", "calque/literal-calque"] {
        assert!(rules.iter().any(|r| r == rule), "{rule} missing from {rules:?}");
    }
}

#[test]
fn rss_items_are_documents_identified_by_their_link() {
    let docs = scan_jsonl(&[&fixture("feed.rss")]);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["https://news.example/mt-vaccine", "https://news.example/storm-power", "no-link-guid"]);
    assert_mt_above_human(&docs[0], &docs[1]);
    assert!(!texts(&docs[0]).contains("<p>"), "the HTML of the description is stripped");
}

#[test]
fn atom_entries_are_documents_identified_by_their_link() {
    let docs = scan_jsonl(&[&fixture("feed.atom")]);
    assert_eq!(docs.len(), 2);
    assert_mt_above_human(by_id(&docs, "https://news.example/atom/mt-vaccine"), by_id(&docs, "https://news.example/atom/storm-power"));
}

#[test]
fn an_html_page_is_its_article_without_navigation_banner_or_footer() {
    let page = fixture("page.html");
    let docs = scan_jsonl(&[&page]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], page.as_str());
    let text = texts(&docs[0]);
    assert!(text.contains("North Korea trató to obtain the vaccine"), "{text}");
    for boilerplate in ["menu", "cookies", "Footer contact", "Sidebar story", "Share on", "Privacy policy", "window.analytics"] {
        assert!(!text.contains(boilerplate), "{boilerplate:?} in {text}");
    }
    assert_eq!(docs[0]["verdict"], "mt");
}

#[test]
fn a_gzipped_warc_yields_one_document_per_html_response_and_counts_the_rest() {
    let out = mtlint(&["scan", "--format", "jsonl", &fixture("crawl.warc.gz")], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = jsonl(&out);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["https://news.example/mt-vaccine", "https://news.example/storm-power"]);
    assert_mt_above_human(&docs[0], &docs[1]);
    assert!(texts(&docs[1]).contains("“as long as they are needed,”"), "the Windows-1252 page is decoded: {}", texts(&docs[1]));
    let err = stderr(&out);
    assert!(err.contains("skipped 6 records") && err.contains("3 request record") && err.contains("1 non-HTML response"), "{err}");
}

#[test]
fn the_text_report_ranks_machine_translation_first_across_formats() {
    let files = [fixture("crawl.warc.gz"), fixture("feed.rss"), fixture("page.html")];
    let mut args = vec!["scan", "--format", "text", "--top", "1"];
    args.extend(files.iter().map(String::as_str));
    let out = mtlint(&args, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    let heads: Vec<&str> = report.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(heads.len(), 6, "{report}");
    for (rank, head) in heads.iter().enumerate() {
        let mt = head.contains("verdict mt");
        assert_eq!(mt, rank < 3, "the three MT documents come first: {report}");
    }
}

#[test]
fn directories_are_walked_in_sorted_order_and_zstd_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("b-feeds");
    std::fs::create_dir(&sub).unwrap();
    let rss = std::fs::read(fixture("feed.rss")).unwrap();
    std::fs::write(sub.join("feed.rss.zst"), zstd::encode_all(rss.as_slice(), 3).unwrap()).unwrap();
    std::fs::copy(fixture("page.html"), dir.path().join("a-page.html")).unwrap();
    std::fs::write(dir.path().join(".hidden.txt"), "not read").unwrap();
    let docs = scan_jsonl(&[dir.path().to_str().unwrap()]);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    let page = dir.path().join("a-page.html");
    assert_eq!(ids, [page.to_str().unwrap(), "https://news.example/mt-vaccine", "https://news.example/storm-power", "no-link-guid"]);
}

const MIXED_JSONL: &str = concat!(
    "{\"id\":\"mt\",\"text\":\"North Korea trató to obtain the vaccine, the North American company said.\"}\n",
    "{\"id\":\"broken\",\"text\":\n",
    "{\"id\":\"human\",\"text\":\"Crews expect to restore service to most customers by Wednesday, a utility spokesman said.\"}\n",
);

#[test]
fn tsv_rows_follow_the_input_with_four_columns() {
    let out = mtlint(&["scan", "--format", "tsv", "--input-format", "jsonl"], Some(MIXED_JSONL.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "an unreadable record makes the status 2");
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
    assert_eq!((rows[0][0], rows[0][2]), ("mt", "mt"));
    assert!(rows[0][3].contains('"') && rows[0][3].contains('/'), "the top finding is `rule \"quote\"`: {rows:?}");
    assert_eq!((rows[1][0], rows[1][2]), ("<stdin>:2", "error"));
    assert_eq!((rows[2][0], rows[2][2]), ("human", "human"));
    assert!(rows[0][1].parse::<f64>().unwrap() > rows[2][1].parse::<f64>().unwrap());
}

#[test]
fn attributes_rows_stay_aligned_with_the_input_and_span_characters() {
    let out = mtlint(&["scan", "--format", "attributes", "--input-format", "jsonl"], Some(MIXED_JSONL.as_bytes()));
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1], serde_json::json!({"id": "<stdin>:2", "attributes": {}, "error": rows[1]["error"]}));
    assert!(rows[1]["error"].as_str().unwrap().contains("malformed JSON"));
    let text = "North Korea trató to obtain the vaccine, the North American company said.";
    let doc = &rows[0]["attributes"]["mtlint__mt_document"][0];
    assert_eq!(doc[1].as_u64().unwrap() as usize, text.chars().count(), "lengths are in characters, not bytes");
    let sentence = &rows[0]["attributes"]["mtlint__mt_sentence"][0];
    assert_eq!((sentence[0].as_u64(), sentence[1].as_u64()), (Some(0), Some(text.chars().count() as u64)));
    assert_eq!(rows[2]["id"], "human");
}

#[test]
fn output_order_and_content_do_not_depend_on_the_number_of_jobs() {
    let lines: String = (0..300)
        .map(|i| if i % 3 == 0 { format!("Item {i}: North Korea trató to obtain $ 300 million.\n") } else { format!("Item {i}: the council met on Tuesday.\n") })
        .collect();
    let one = mtlint(&["scan", "--format", "tsv", "--input-format", "lines", "--jobs", "1"], Some(lines.as_bytes()));
    let two = mtlint(&["scan", "--format", "tsv", "--input-format", "lines", "--jobs", "2"], Some(lines.as_bytes()));
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    let ids: Vec<String> = String::from_utf8(one.stdout).unwrap().lines().map(|l| l.split('\t').next().unwrap().to_string()).collect();
    let expected: Vec<String> = (1..=300).map(|n| format!("<stdin>:{n}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn extracted_warc_pages_go_through_the_gate() {
    let extracted = mtlint(&["extract", &fixture("crawl.warc.gz")], None);
    assert!(extracted.status.success(), "{}", stderr(&extracted));
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let out = mtlint(&["gate", "--rejects", rejects.to_str().unwrap()], Some(&extracted.stdout));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let passed = jsonl(&out);
    assert_eq!(passed.len(), 1);
    assert_eq!(passed[0]["id"], "https://news.example/storm-power");
    let rejected: Value = serde_json::from_str(std::fs::read_to_string(&rejects).unwrap().trim()).unwrap();
    assert_eq!(rejected["id"], "https://news.example/mt-vaccine");
}
