//! Dolma-style attribute records, so that mtlint drops into corpus-filtering pipelines that mix taggers:
//! one JSON line per input document, in input order,
//! `{"id", "attributes": {"mtlint__mt_sentence": [[start, end, score], ...], "mtlint__mt_document": [[0, len, score]]}}`.
//! Spans are in characters (Unicode scalar values, as Python's `str` indexes them, which is how dolma's
//! mixer slices text), not bytes. An unreadable record keeps its row, with empty attributes and an
//! `"error"`, so the rows stay aligned with the input.

use crate::scan::DocumentReport;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One row; a struct so that `id` comes first, as in dolma's files.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    attributes: BTreeMap<String, Vec<(usize, usize, f64)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn write_row(out: &mut dyn Write, row: &Row) -> io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// Attribute name prefix (dolma's `{tagger}__{attribute}` convention).
pub const TAGGER: &str = "mtlint";

/// Character offsets of sorted byte offsets into `text`.
fn char_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut chars, mut at) = (0usize, 0usize);
    for &b in bytes {
        chars += text[at..b].chars().count();
        at = b;
        out.push(chars);
    }
    out
}

/// Writes the attributes of one document; `text` is the document text the report's offsets point into.
pub fn write_attributes(out: &mut dyn Write, report: &DocumentReport, text: &str) -> io::Result<()> {
    let bytes: Vec<usize> = report.sentences.iter().flat_map(|s| [s.start, s.end]).collect();
    let chars = char_offsets(text, &bytes);
    let sentences = report.sentences.iter().zip(chars.chunks(2)).map(|(s, c)| (c[0], c[1], s.score)).collect();
    let document = vec![(0, text.chars().count(), report.score)];
    let attributes = BTreeMap::from([(format!("{TAGGER}__mt_sentence"), sentences), (format!("{TAGGER}__mt_document"), document)]);
    write_row(out, &Row { id: &report.id, attributes, error: None })
}

/// Writes the row of an unreadable record.
pub fn write_error(out: &mut dyn Write, location: &str, message: &str) -> io::Result<()> {
    write_row(out, &Row { id: location, attributes: BTreeMap::new(), error: Some(message) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_model;
    use crate::scan::Scanner;
    use serde_json::json;

    #[test]
    fn spans_are_character_offsets_that_slice_the_sentences() {
        let text = "Él dijo que sí. North Korea trató to obtain the vaccine, the company said.";
        let report = Scanner::new(default_model()).scan("doc-1".into(), text);
        let mut out = Vec::new();
        write_attributes(&mut out, &report, text).unwrap();
        assert!(out.starts_with(b"{\"id\":\"doc-1\",\"attributes\":{"), "id first");
        let row: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let spans = row["attributes"]["mtlint__mt_sentence"].as_array().unwrap();
        assert_eq!(spans.len(), report.sentences.len());
        for (span, s) in spans.iter().zip(&report.sentences) {
            let (a, b) = (span[0].as_u64().unwrap() as usize, span[1].as_u64().unwrap() as usize);
            assert_eq!(chars[a..b].iter().collect::<String>(), s.text);
            assert!((span[2].as_f64().unwrap() - s.score).abs() < 1e-12);
        }
        let doc = &row["attributes"]["mtlint__mt_document"][0];
        assert_eq!((doc[0].as_u64(), doc[1].as_u64()), (Some(0), Some(chars.len() as u64)));
        assert!((doc[2].as_f64().unwrap() - report.score).abs() < 1e-12);
    }

    #[test]
    fn unreadable_records_keep_their_row() {
        let mut out = Vec::new();
        write_error(&mut out, "in.jsonl:3", "malformed JSON").unwrap();
        let row: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(row, json!({"id": "in.jsonl:3", "attributes": {}, "error": "malformed JSON"}));
    }
}
