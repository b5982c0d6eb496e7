//! Writers for scan results. Streaming formats write one row per input record, in input order: JSONL
//! (here), TSV ([`tsv`]) and dolma-style attributes ([`attributes`]). Ranked reports keep what they show of
//! each document ([`Kept`]) and write at the end: the text report (here) and the HTML page ([`html`]).
//!
//! Colour is the caller's decision (only on a terminal); these functions only format.

pub mod attributes;
pub mod html;
pub mod tsv;

use crate::scan::{DocumentReport, SentenceReport};
use serde_json::json;
use std::io::{self, Write};

/// What a ranked report keeps of a document: its report with only the sentences it shows (their feature
/// vectors dropped), the number of sentences it had, and its text where the report quotes it.
#[derive(Debug, Clone)]
pub struct Kept {
    pub report: DocumentReport,
    pub sentence_count: usize,
    pub text: Option<String>,
}

impl Kept {
    /// Keeps the sentences for which `keep` holds.
    pub fn new(mut report: DocumentReport, text: Option<String>, keep: impl Fn(&SentenceReport) -> bool) -> Kept {
        let sentence_count = report.sentences.len();
        report.sentences.retain(|s| keep(s));
        for s in &mut report.sentences {
            s.features = Vec::new();
        }
        report.passages = Vec::new();
        Kept { report, sentence_count, text }
    }

    /// Keeps what the text report shows: the `top` highest-scoring sentences that score above
    /// `min_score` or carry findings.
    pub fn for_text_report(report: DocumentReport, opt: &TextOptions) -> Kept {
        let shown: Vec<usize> = report
            .ranked_sentences()
            .into_iter()
            .filter(|&s| report.sentences[s].score > opt.min_sentence_score || !report.sentences[s].findings.is_empty())
            .take(opt.top_sentences)
            .collect();
        let starts: Vec<usize> = shown.iter().map(|&s| report.sentences[s].start).collect();
        Kept::new(report, None, |s| starts.contains(&s.start))
    }
}

/// Indices of `kept`, highest score first (ties keep input order).
pub fn ranked(kept: &[Kept]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by(|&a, &b| kept[b].report.score.total_cmp(&kept[a].report.score).then(a.cmp(&b)));
    order
}

/// Writes one document as a JSON line.
pub fn write_jsonl(out: &mut dyn Write, report: &DocumentReport) -> io::Result<()> {
    // Serialised into memory first: one write instead of a call through `dyn Write` per token.
    let mut line = Vec::with_capacity(256 + report.sentences.iter().map(|s| 2 * s.text.len() + 160).sum::<usize>());
    serde_json::to_writer(&mut line, report)?;
    line.push(b'\n');
    out.write_all(&line)
}

/// Writes an unreadable record as a JSON line in its place: `{"id": location, "error": message}`.
pub fn write_jsonl_error(out: &mut dyn Write, location: &str, message: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({"id": location, "error": message}))?;
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

/// Writes documents ranked by score (highest first; ties keep input order), each with the sentences
/// [`Kept::for_text_report`] kept.
pub fn write_text_report(out: &mut dyn Write, kept: &[Kept], opt: TextOptions) -> io::Result<()> {
    for (rank, &i) in ranked(kept).iter().enumerate() {
        let r = &kept[i].report;
        let verdict = paint(opt.color, if r.verdict == "mt" { "1;31" } else { "32" }, r.verdict);
        writeln!(
            out,
            "#{} {}  score {}  verdict {}  ({} sentences)",
            rank + 1,
            paint(opt.color, "1", &r.id),
            paint(opt.color, score_color(r.score), &format!("{:.2}", r.score)),
            verdict,
            kept[i].sentence_count
        )?;
        for s in r.ranked_sentences() {
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
