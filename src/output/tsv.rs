//! TSV rows for shell pipelines (`sort`, `awk`, `cut`): one row per input record, in input order, with four
//! tab-separated columns and no header: id, score, verdict, top finding (`rule "quoted span"`, empty
//! when there is none). An unreadable record is the row `location, "", error, reason`. Tabs and line
//! breaks inside a field become spaces, so every record is exactly one row.

use crate::scan::DocumentReport;
use std::io::{self, Write};

fn field(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// Writes one document as a row.
pub fn write_row(out: &mut dyn Write, report: &DocumentReport) -> io::Result<()> {
    let top = report.top_findings(1).first().map(|(s, f)| format!("{} \"{}\"", f.rule, s.quote(f))).unwrap_or_default();
    writeln!(out, "{}\t{:.4}\t{}\t{}", field(&report.id), report.score, report.verdict, field(&top))
}

/// Writes an unreadable record as a row in its place.
pub fn write_error_row(out: &mut dyn Write, location: &str, message: &str) -> io::Result<()> {
    writeln!(out, "{}\t\terror\t{}", field(location), field(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_model;
    use crate::scan::Scanner;

    #[test]
    fn rows_have_four_columns_and_quote_the_top_finding() {
        let report = Scanner::new(default_model()).scan("id\twith tab".into(), "North Korea trató to obtain the vaccine.");
        let mut out = Vec::new();
        write_row(&mut out, &report).unwrap();
        write_error_row(&mut out, "f.jsonl:2", "malformed JSON:\nline 1").unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
        assert_eq!(rows[0][0], "id with tab");
        assert_eq!(rows[0][3], "foreign-word/untranslated-word \"trató\"");
        assert_eq!(rows[1], ["f.jsonl:2", "", "error", "malformed JSON: line 1"]);
    }
}
