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

/// Writes one document as a JSON line: the bytes `serde_json` writes for the report (its `Serialize`
/// form), written here field by field, with the keys as literals, instead of through the derived
/// serialisers (strings, numbers and floats still go through `serde_json`'s own formatting).
pub fn write_jsonl(out: &mut dyn Write, report: &DocumentReport) -> io::Result<()> {
    // Rendered into memory first: one write instead of a call through `dyn Write` per token.
    out.write_all(&jsonl_line(report))
}

/// `report` as a JSON line, what [`write_jsonl`] writes.
pub fn jsonl_line(report: &DocumentReport) -> Vec<u8> {
    let mut line = Vec::with_capacity(256 + report.sentences.iter().map(|s| 2 * s.text.len() + 160).sum::<usize>());
    json_line(&mut line, report);
    line
}

/// Appends `report` as a JSON line (see [`write_jsonl`]).
fn json_line(line: &mut Vec<u8>, report: &DocumentReport) {
    // A line of one sentence has one score three times (document, sentence, passage): it is formatted once.
    let mut scores = FormattedScore::default();
    line.extend_from_slice(b"{\"id\":");
    json_str(line, &report.id);
    line.extend_from_slice(b",\"score\":");
    scores.write(line, report.score);
    line.extend_from_slice(b",\"verdict\":");
    json_str(line, report.verdict);
    line.extend_from_slice(b",\"sentences\":");
    json_list(line, &report.sentences, |line, s| {
        json_span(line, s.start, s.end);
        line.extend_from_slice(b",\"text\":");
        json_str(line, &s.text);
        line.extend_from_slice(b",\"score\":");
        scores.write(line, s.score);
        line.extend_from_slice(b",\"findings\":");
        json_list(line, &s.findings, |line, f| {
            line.extend_from_slice(b"\"rule\":");
            json_str(line, &f.rule);
            line.push(b',');
            json_span(line, f.start, f.end);
            line.extend_from_slice(b",\"message\":");
            json_str(line, &f.message);
        });
    });
    line.extend_from_slice(b",\"passages\":");
    json_list(line, &report.passages, |line, p| {
        json_span(line, p.start, p.end);
        line.extend_from_slice(b",\"score\":");
        scores.write(line, p.score);
    });
    line.extend_from_slice(b"}\n");
}

/// The last score written into a line, and where its text is: a score equal to it (the same bits) is
/// copied from there instead of formatted again.
#[derive(Default)]
struct FormattedScore {
    last: Option<(u64, std::ops::Range<usize>)>,
}

impl FormattedScore {
    /// Appends `x` to `line` as [`json_f64`] writes it.
    fn write(&mut self, line: &mut Vec<u8>, x: f64) {
        match &self.last {
            Some((bits, at)) if *bits == x.to_bits() => line.extend_from_within(at.clone()),
            _ => {
                let start = line.len();
                json_f64(line, x);
                self.last = Some((x.to_bits(), start..line.len()));
            }
        }
    }
}

/// A JSON array of objects, one per item, each holding the fields that `fields` writes.
fn json_list<T>(line: &mut Vec<u8>, items: &[T], mut fields: impl FnMut(&mut Vec<u8>, &T)) {
    line.push(b'[');
    for (i, item) in items.iter().enumerate() {
        line.extend_from_slice(if i > 0 { b",{" } else { b"{" });
        fields(line, item);
        line.push(b'}');
    }
    line.push(b']');
}

/// A byte span's fields: `"start":S,"end":E`.
fn json_span(line: &mut Vec<u8>, start: usize, end: usize) {
    line.extend_from_slice(b"\"start\":");
    json_usize(line, start);
    line.extend_from_slice(b",\"end\":");
    json_usize(line, end);
}

/// A JSON string, escaped as `serde_json` escapes it: it escapes only `"`, `\\` and control characters
/// below U+0020, so the runs between them are copied as they are (found eight bytes at a time).
fn json_str(line: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    line.reserve(bytes.len() + 2);
    line.push(b'"');
    let mut start = 0;
    while let Some(at) = next_escape(bytes, start) {
        line.extend_from_slice(&bytes[start..at]);
        push_escape(line, bytes[at]);
        start = at + 1;
    }
    line.extend_from_slice(&bytes[start..]);
    line.push(b'"');
}

/// Whether `b` is a byte JSON escapes: `"`, `\\` or one below 0x20.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Where the first byte of `bytes[from..]` that JSON escapes is.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of x below n (n <= 128). A byte's borrow only reaches the bytes above it,
    // so the lowest bit set is exact, and so is whether any is.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * n as u64) & !x & HIGHS;
    let equal = |x: u64, b: u8| below(x ^ (ONES * b as u64), 1);
    let mut chunks = bytes[from..].chunks_exact(8);
    let mut at = from;
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let found = below(x, 0x20) | equal(x, b'"') | equal(x, b'\\');
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks.remainder().iter().position(|&b| needs_escape(b)).map(|i| at + i)
}

/// The JSON escape of `b` (a byte [`needs_escape`]), as `serde_json` writes it.
fn push_escape(line: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => line.extend_from_slice(b"\\\""),
        b'\\' => line.extend_from_slice(b"\\\\"),
        b'\n' => line.extend_from_slice(b"\\n"),
        b'\r' => line.extend_from_slice(b"\\r"),
        b'\t' => line.extend_from_slice(b"\\t"),
        0x08 => line.extend_from_slice(b"\\b"),
        0x0c => line.extend_from_slice(b"\\f"),
        _ => line.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]),
    }
}

/// A float as `serde_json` writes it (`null` when not finite).
fn json_f64(line: &mut Vec<u8>, x: f64) {
    use serde_json::ser::Formatter;
    let mut f = serde_json::ser::CompactFormatter;
    if x.is_finite() { f.write_f64(line, x) } else { f.write_null(line) }.expect("writing to memory does not fail");
}

fn json_usize(line: &mut Vec<u8>, n: usize) {
    use serde_json::ser::Formatter;
    serde_json::ser::CompactFormatter.write_u64(line, n as u64).expect("writing to memory does not fail");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{Family, Finding};
    use crate::scan::{PassageReport, Scanner};

    fn serde_line(report: &DocumentReport) -> Vec<u8> {
        let mut line = serde_json::to_vec(report).unwrap();
        line.push(b'\n');
        line
    }

    #[test]
    fn a_repeated_score_is_copied_as_it_was_formatted() {
        let xs = [0.5, 0.5, 0.1, f64::NAN, f64::NAN, 0.1, f64::INFINITY, 1e-300, 1e-300, -0.0, 0.0, 0.0, 0.8712256849287723, 0.8712256849287723];
        let (mut cached, mut plain) = (Vec::new(), Vec::new());
        let mut scores = FormattedScore::default();
        for x in xs {
            cached.push(b'(');
            scores.write(&mut cached, x);
            plain.push(b'(');
            json_f64(&mut plain, x);
        }
        assert_eq!(String::from_utf8(cached).unwrap(), String::from_utf8(plain).unwrap());
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut next = crate::test_rng::xorshift(0x1234_5678_9abc_def1);
        let alphabet: Vec<char> = "ab \"\\\u{0}\u{1}\u{1f}\u{20}\u{7f}\u{80}é’\n\t/".chars().collect();
        for round in 0..5000 {
            let len = round % 40;
            let text: String = (0..len)
                .map(|_| {
                    let state = next();
                    // mostly plain letters, so that many strings need no escape
                    if state.is_multiple_of(7) { alphabet[(state >> 8) as usize % alphabet.len()] } else { 'a' }
                })
                .collect();
            let mut line = Vec::new();
            json_str(&mut line, &text);
            assert_eq!(line, serde_json::to_vec(&text).unwrap(), "{text:?}");
        }
        for b in 0u8..=255 {
            let bytes = [b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a', b'a'];
            for at in 0..16 {
                let mut v = bytes;
                v[at] = b;
                let first = if needs_escape(b) { Some(at) } else { None };
                assert_eq!(next_escape(&v, 0), first, "{b} at {at}");
                // (a second byte to escape after it does not move the first)
                v[15] = b'"';
                assert_eq!(next_escape(&v, 0), first.or(Some(15)), "{b} at {at}, then a quote");
            }
        }
    }

    #[test]
    fn json_lines_are_the_serde_form_of_the_report() {
        let scanner = Scanner::new(crate::model::default_model());
        let texts = [
            "",
            "Hello.",
            "SEOUL: The talks resumed.  It had stolen more than $ 300 million. .\n\nNew paragraph here.",
            "He said \"it's «done»\"\tand\u{1}left\\ — 12,5 % of the «ransom» was paid.",
        ];
        for text in texts {
            let report = scanner.scan(format!("id \"{text}\"\n"), text);
            let mut line = Vec::new();
            write_jsonl(&mut line, &report).unwrap();
            assert_eq!(String::from_utf8(line).unwrap(), String::from_utf8(serde_line(&report)).unwrap());
        }
        let mut report = scanner.scan("x".into(), "One two three. Four five six.");
        report.score = f64::NAN;
        report.sentences[0].score = f64::INFINITY;
        report.sentences[0].findings.push(Finding::new(Family::Calque, "x\u{7f}\u{1f}\"", 1, 2, "a\nb\r\u{2028}é"));
        report.passages.push(PassageReport { start: usize::MAX, end: 0, score: -0.0 });
        report.passages.push(PassageReport { start: 3, end: 4, score: 1e-300 });
        let mut line = Vec::new();
        write_jsonl(&mut line, &report).unwrap();
        assert_eq!(line, serde_line(&report));
    }
}
