//! The quality gate of a scraping or corpus pipeline: records scoring at or below the threshold pass to
//! the output byte for byte as they came in (a JSONL line stays that line, with its line ending); records
//! above it go to the rejects file with their score and top findings; records that cannot be read go to
//! the rejects file too, with the reason and where they were. Every record ends up in exactly one of the
//! two, so `in = passed + rejected` always holds, and a rejected record can be restored from its
//! `record` (or `record_base64`, for bytes that are not UTF-8) field.

use crate::error::Error;
use crate::pipeline::Scored;
use base64::Engine as _;
use serde::Serialize;
use std::io::Write;

/// Findings written per rejected record.
pub const REJECT_FINDINGS: usize = 5;

/// What went where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GateCounts {
    pub passed: usize,
    /// Rejected for scoring above the threshold.
    pub above_threshold: usize,
    /// Rejected because they could not be read.
    pub unreadable: usize,
}

impl GateCounts {
    pub fn input(&self) -> usize {
        self.passed + self.rejected()
    }

    pub fn rejected(&self) -> usize {
        self.above_threshold + self.unreadable
    }

    /// Rejected records as a share of all records (0 when there were none).
    pub fn reject_rate(&self) -> f64 {
        if self.input() == 0 {
            0.0
        } else {
            self.rejected() as f64 / self.input() as f64
        }
    }

    /// Whether the gate failed: something was rejected or, with `max_reject_rate`, the reject rate
    /// exceeds it.
    pub fn failed(&self, max_reject_rate: Option<f64>) -> bool {
        match max_reject_rate {
            Some(max) => self.reject_rate() > max,
            None => self.rejected() > 0,
        }
    }

    /// One line for people: the counts and the reject rate.
    pub fn summary(&self, threshold: f64) -> String {
        format!(
            "{} in, {} passed, {} rejected ({} above threshold {threshold:.2}, {} unreadable), reject rate {:.2}%",
            self.input(),
            self.passed,
            self.rejected(),
            self.above_threshold,
            self.unreadable,
            100.0 * self.reject_rate()
        )
    }
}

/// A finding as the rejects file quotes it.
#[derive(Serialize)]
struct QuotedFinding<'a> {
    rule: &'a str,
    quote: &'a str,
    message: &'a str,
}

/// One line of the rejects file (a struct, so that the fields keep this order).
#[derive(Serialize)]
struct Reject<'a> {
    id: &'a str,
    location: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<QuotedFinding<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record_base64: Option<String>,
}

/// Sends each scored record to `passed` or `rejects`.
pub struct Gate<P: Write, R: Write> {
    pub threshold: f64,
    passed: P,
    rejects: R,
    rejects_name: String,
    counts: GateCounts,
}

impl<P: Write, R: Write> Gate<P, R> {
    /// `rejects_name` names the rejects file in write errors.
    pub fn new(threshold: f64, passed: P, rejects: R, rejects_name: &str) -> Self {
        Gate { threshold, passed, rejects, rejects_name: rejects_name.to_string(), counts: GateCounts::default() }
    }

    pub fn counts(&self) -> GateCounts {
        self.counts
    }

    /// Passes or rejects one record. A record without its original bytes is refused (the reader was
    /// not asked to keep them).
    pub fn handle(&mut self, scored: Scored) -> Result<(), Error> {
        let Scored { item, report } = scored;
        let raw = item.raw.as_deref().ok_or_else(|| Error::Unsupported(format!("{}: the record's bytes were not kept", item.location)))?;
        let (record, record_base64) = match std::str::from_utf8(raw) {
            Ok(text) => (Some(text), None),
            Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(raw))),
        };
        let mut reject = Reject {
            id: &item.location,
            location: &item.location,
            line: item.line,
            reason: "unreadable",
            score: None,
            threshold: None,
            findings: Vec::new(),
            error: None,
            record,
            record_base64,
        };
        match (&item.record, &report) {
            (Ok(_), Some(report)) if report.score <= self.threshold => {
                self.passed.write_all(raw).map_err(|e| Error::io("cannot write output", e))?;
                self.counts.passed += 1;
                return Ok(());
            }
            (Ok(_), Some(report)) => {
                reject.id = &report.id;
                reject.reason = "score above threshold";
                reject.score = Some(report.score);
                reject.threshold = Some(self.threshold);
                reject.findings = report
                    .top_findings(REJECT_FINDINGS)
                    .into_iter()
                    .map(|(s, f)| QuotedFinding { rule: &f.rule, quote: s.quote(f), message: &f.message })
                    .collect();
                self.counts.above_threshold += 1;
            }
            (record, _) => {
                reject.error = Some(record.as_ref().err().map_or("not scored", String::as_str));
                self.counts.unreadable += 1;
            }
        }
        let write_error = |e| Error::io(format!("cannot write {}", self.rejects_name), e);
        serde_json::to_writer(&mut self.rejects, &reject).map_err(|e| write_error(e.into()))?;
        self.rejects.write_all(b"\n").map_err(write_error)
    }

    /// Flushes both outputs and returns the counts.
    pub fn finish(mut self) -> Result<GateCounts, Error> {
        self.passed.flush().map_err(|e| Error::io("cannot write output", e))?;
        self.rejects.flush().map_err(|e| Error::io(format!("cannot write {}", self.rejects_name), e))?;
        Ok(self.counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{InputRecord, Item};
    use crate::model::default_model;
    use crate::scan::Scanner;
    use serde_json::Value;

    fn scored(raw: &[u8], text: Option<&str>, line: usize) -> Scored {
        let record = text.map(|t| InputRecord { id: format!("doc{line}"), text: t.to_string() }).ok_or_else(|| "malformed JSON".to_string());
        let report = record.as_ref().ok().map(|r| Scanner::new(default_model()).scan(r.id.clone(), &r.text));
        Scored { item: Item { location: format!("in.jsonl:{line}"), line: Some(line), raw: Some(raw.to_vec()), record }, report }
    }

    #[test]
    fn every_record_is_passed_unchanged_or_rejected_with_its_reason_and_bytes() {
        let (mut passed, mut rejects) = (Vec::new(), Vec::new());
        let mut gate = Gate::new(0.5, &mut passed, &mut rejects, "rejects.jsonl");
        let human = b"{\"text\": \"The council voted on Tuesday to extend the bus line.\"}\r\n";
        gate.handle(scored(human, Some("The council voted on Tuesday to extend the bus line."), 1)).unwrap();
        gate.handle(scored(b"{\"text\":\"x\"}\n", Some("North Korea trató to obtain the vaccine, the North American company said."), 2)).unwrap();
        gate.handle(scored(b"\xffnot json\n", None, 3)).unwrap();
        let counts = gate.finish().unwrap();
        assert_eq!(counts, GateCounts { passed: 1, above_threshold: 1, unreadable: 1 });
        assert_eq!(passed, human, "passed byte for byte, line ending included");
        let rejects: Vec<Value> = String::from_utf8(rejects).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rejects[0]["id"], "doc2");
        assert_eq!(rejects[0]["line"], 2);
        assert_eq!(rejects[0]["record"], "{\"text\":\"x\"}\n");
        assert!(rejects[0]["score"].as_f64().unwrap() > 0.5);
        assert_eq!(rejects[0]["findings"][0]["quote"], "trató");
        assert_eq!(rejects[1]["reason"], "unreadable");
        assert_eq!(rejects[1]["error"], "malformed JSON");
        let restored = base64::engine::general_purpose::STANDARD.decode(rejects[1]["record_base64"].as_str().unwrap()).unwrap();
        assert_eq!(restored, b"\xffnot json\n");
    }

    #[test]
    fn the_gate_fails_on_any_reject_or_above_the_allowed_rate() {
        let counts = GateCounts { passed: 95, above_threshold: 4, unreadable: 1 };
        assert!((counts.reject_rate() - 0.05).abs() < 1e-12);
        assert!(counts.failed(None));
        assert!(!counts.failed(Some(0.05)));
        assert!(counts.failed(Some(0.049)));
        assert!(!GateCounts { passed: 3, ..GateCounts::default() }.failed(None));
        assert_eq!(GateCounts::default().reject_rate(), 0.0);
    }
}
