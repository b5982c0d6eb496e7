//! Writers for scan results: JSONL (one object per document, in input order) and a human report (documents
//! ranked by score, each with its top suspect sentences and their findings).
//!
//! Colour is the caller's decision (only on a terminal); these functions only format.

use crate::input::RecordError;
use crate::scan::DocumentReport;
use serde_json::json;
use std::io::{self, Write};

/// Writes one document as a JSON line.
pub fn write_jsonl(out: &mut dyn Write, report: &DocumentReport) -> io::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    out.write_all(b"\n")
}

/// Writes an unreadable record as a JSON line in its place: `{"id": location, "error": message}`.
pub fn write_jsonl_error(out: &mut dyn Write, err: &RecordError) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({"id": err.location, "error": err.message}))?;
    out.write_all(b"\n")
}

/// Options of the human report.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Suspect sentences shown per document.
    pub top_sentences: usize,
    /// Sentences scoring at or below this are not shown unless they carry findings.
    pub min_sentence_score: f64,
    pub color: bool,
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn score_color(score: f64) -> &'static str {
    if score > 0.8 {
        "1;31"
    } else if score > 0.5 {
        "33"
    } else {
        "32"
    }
}

/// One line of text, shortened to about `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

/// Writes documents ranked by score (highest first; ties keep input order).
pub fn write_text_report(out: &mut dyn Write, reports: &[DocumentReport], opt: TextOptions) -> io::Result<()> {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by(|&a, &b| reports[b].score.total_cmp(&reports[a].score).then(a.cmp(&b)));
    for (rank, &i) in order.iter().enumerate() {
        let r = &reports[i];
        let verdict = paint(opt.color, if r.verdict == "mt" { "1;31" } else { "32" }, r.verdict);
        writeln!(
            out,
            "#{} {}  score {}  verdict {}  ({} sentences)",
            rank + 1,
            paint(opt.color, "1", &r.id),
            paint(opt.color, score_color(r.score), &format!("{:.2}", r.score)),
            verdict,
            r.sentences.len()
        )?;
        let shown: Vec<usize> = r
            .ranked_sentences()
            .into_iter()
            .filter(|&s| r.sentences[s].score > opt.min_sentence_score || !r.sentences[s].findings.is_empty())
            .take(opt.top_sentences)
            .collect();
        for s in shown {
            let sent = &r.sentences[s];
            writeln!(
                out,
                "  {}  [{}..{}] {}",
                paint(opt.color, score_color(sent.score), &format!("{:.2}", sent.score)),
                sent.start,
                sent.end,
                one_line(&sent.text, 160)
            )?;
            for f in &sent.findings {
                let quoted = &sent.text[f.start - sent.start..f.end - sent.start];
                writeln!(
                    out,
                    "        {} \"{}\": {}",
                    paint(opt.color, "36", &f.rule),
                    paint(opt.color, "1", &one_line(quoted, 60)),
                    f.message
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
