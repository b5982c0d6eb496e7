//! A self-contained HTML page for people reviewing a feed: documents ranked by score, each document's
//! text with its suspect sentences highlighted by score (`<mark class="s" data-score=...>`), the spans
//! the findings quote underlined (the rule and message on hover), the findings listed beside the text,
//! and filters by verdict and rule. Styles and script are inline; the page loads nothing from the
//! network. Every piece of input text is escaped.

use super::{ranked, Kept};
use crate::scan::SentenceReport;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// Sentences above this score are highlighted; below it only those with findings are.
pub const HIGHLIGHT_SCORE: f64 = 0.5;

/// Whether the page highlights a sentence (and so what [`Kept`] must keep of a document).
pub fn highlighted(s: &SentenceReport) -> bool {
    s.score > HIGHLIGHT_SCORE || !s.findings.is_empty()
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn band(score: f64) -> &'static str {
    if score > 0.8 {
        "hi"
    } else if score > HIGHLIGHT_SCORE {
        "mid"
    } else {
        "lo"
    }
}

/// The sentence's text with the spans its findings quote wrapped in `<span class="f">` (findings that
/// overlap an earlier one are listed beside the text but not underlined twice).
fn sentence_html(s: &SentenceReport) -> String {
    let mut findings: Vec<_> = s.findings.iter().collect();
    findings.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let (mut out, mut at) = (String::new(), s.start);
    for f in findings {
        if f.start < at {
            continue;
        }
        out += &escape(&s.text[at - s.start..f.start - s.start]);
        let title = escape(&format!("{}: {}", f.rule, f.message));
        let _ = write!(out, "<span class=\"f\" data-rule=\"{}\" title=\"{title}\">{}</span>", escape(&f.rule), escape(s.quote(f)));
        at = f.end;
    }
    out + &escape(&s.text[at - s.start..])
}

fn document_html(out: &mut String, rank: usize, doc: &Kept) {
    let r = &doc.report;
    let text = doc.text.as_deref().unwrap_or("");
    let rules: BTreeSet<&str> = r.sentences.iter().flat_map(|s| s.findings.iter().map(|f| f.rule.as_str())).collect();
    let rules = rules.into_iter().collect::<Vec<_>>().join(" ");
    let _ = write!(
        out,
        "<section class=\"doc\" data-verdict=\"{v}\" data-score=\"{score:.4}\" data-rules=\"{}\">\n<details{open}><summary>\
         <span class=\"rank\">#{rank}</span><span class=\"id\">{}</span><span class=\"score\">{score:.2}</span>\
         <span class=\"verdict {v}\">{v}</span><span class=\"sscore\">{} sentences</span></summary>\n<div class=\"body\"><div class=\"text\">",
        escape(&rules),
        escape(&r.id),
        doc.sentence_count,
        v = r.verdict,
        score = r.score,
        open = if r.verdict == "mt" { " open" } else { "" },
    );
    let mut sentences: Vec<&SentenceReport> = r.sentences.iter().collect();
    sentences.sort_by_key(|s| s.start);
    let mut at = 0;
    for s in &sentences {
        out.push_str(&escape(&text[at..s.start]));
        let _ = write!(
            out,
            "<mark class=\"s {}\" id=\"d{rank}s{}\" data-score=\"{:.4}\" title=\"sentence score {:.2}\">{}</mark>",
            band(s.score),
            s.start,
            s.score,
            s.score,
            sentence_html(s)
        );
        at = s.end;
    }
    out.push_str(&escape(&text[at..]));
    out.push_str("</div>\n<aside class=\"findings\"><h3>Findings</h3>");
    let ranked: Vec<usize> = r.ranked_sentences();
    let items: Vec<String> = ranked
        .iter()
        .map(|&i| &r.sentences[i])
        .flat_map(|s| s.findings.iter().map(move |f| (s, f)))
        .map(|(s, f)| {
            format!(
                "<li data-rule=\"{}\" data-mark=\"d{rank}s{}\"><q>{}</q> <code>{}</code> <span class=\"sscore\">{:.2}</span><br>{}</li>",
                escape(&f.rule),
                s.start,
                escape(s.quote(f)),
                escape(&f.rule),
                s.score,
                escape(&f.message)
            )
        })
        .collect();
    if items.is_empty() {
        out.push_str("<p class=\"none\">No findings.</p>");
    } else {
        let _ = write!(out, "<ol>{}</ol>", items.join("\n"));
    }
    out.push_str("</aside></div></details></section>\n");
}

/// Writes the report page: `kept` ranked by score (each kept with its text and [`highlighted`] sentences).
pub fn write_html_report(out: &mut dyn Write, kept: &[Kept], threshold: f64) -> io::Result<()> {
    let mt = kept.iter().filter(|k| k.report.verdict == "mt").count();
    let rules: BTreeSet<&str> =
        kept.iter().flat_map(|k| k.report.sentences.iter().flat_map(|s| s.findings.iter().map(|f| f.rule.as_str()))).collect();
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>mtlint report</title><style>\n{CSS}</style></head>\n<body>\n<header class=\"top\"><h1>mtlint report</h1>\
         <p class=\"summary\">{} documents, {mt} machine-translated (score above {threshold:.2}), ranked by score. \
         Highlighted: sentences scoring above {HIGHLIGHT_SCORE} (<mark class=\"legend hi\">above 0.8</mark> <mark class=\"legend mid\">above {HIGHLIGHT_SCORE}</mark>) \
         or with findings (<mark class=\"legend lo\">lower</mark>); underlined: the spans the findings quote.</p>\
         <div class=\"filters\"><label>Verdict <select id=\"verdict\"><option value=\"\">all</option><option value=\"mt\">mt</option>\
         <option value=\"human\">human</option></select></label><label>Rule <select id=\"rule\"><option value=\"\">all</option>",
        kept.len()
    );
    for rule in &rules {
        let _ = write!(page, "<option value=\"{0}\">{0}</option>", escape(rule));
    }
    page.push_str("</select></label><span id=\"shown\"></span></div></header>\n<main>\n");
    for (rank, &i) in ranked(kept).iter().enumerate() {
        document_html(&mut page, rank + 1, &kept[i]);
    }
    let _ = write!(page, "</main>\n<script>\n{JS}</script>\n</body></html>\n");
    out.write_all(page.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_model;
    use crate::scan::Scanner;

    fn page(docs: &[(&str, &str)]) -> String {
        let scanner = Scanner::new(default_model());
        let kept: Vec<Kept> = docs.iter().map(|(id, text)| Kept::new(scanner.scan(id.to_string(), text), Some(text.to_string()), highlighted)).collect();
        let mut out = Vec::new();
        write_html_report(&mut out, &kept, 0.5).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn input_text_is_escaped_everywhere() {
        let html = page(&[("<script>alert(1)</script>", "North Korea trató to obtain the <b>vaccine</b> & \"more\" than $ 300 million.")]);
        assert!(!html.contains("<script>alert") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<b>vaccine") && html.contains("&lt;b&gt;vaccine&lt;/b&gt; &amp; &quot;more&quot;"));
        assert_eq!(html.matches("<script>").count(), 1, "only the report's own script");
    }

    #[test]
    fn documents_are_ranked_and_suspect_sentences_marked_with_their_findings() {
        let human = "The city council voted on Tuesday to extend the bus line to the airport.";
        let mt = "The council met on Monday. North Korea trató to obtain the vaccine, the North American company said.";
        let html = page(&[("human-doc", human), ("mt-doc", mt)]);
        assert!(html.find("mt-doc").unwrap() < html.find("human-doc").unwrap(), "the higher score first");
        assert!(html.contains("<span class=\"f\" data-rule=\"foreign-word/untranslated-word\""), "{html}");
        let mark = html.find("<mark class=\"s hi\" id=\"d1s27\"").expect("the MT sentence is marked");
        assert!(html[mark..].starts_with("<mark class=\"s hi\" id=\"d1s27\" data-score=\"0.9"), "{}", &html[mark..mark + 80]);
        assert!(html.contains("<option value=\"calque/literal-calque\">"), "the rule filter lists the rules found");
        assert!(!html.contains("http://") && !html.contains("https://"), "nothing is loaded from the network");
    }
}
