//! Sentence segmentation with byte offsets into the original text.
//!
//! Unicode sentence boundaries (UAX #29, via `unicode-segmentation`) are the starting point, but on news
//! text they go wrong in predictable ways, and every later stage (findings, scores, highlights) needs
//! sentences that match what a reader sees. This module repairs the known failures:
//! - title abbreviations ("Mr. Kim", "Dr. Lee", "Sen. Warren", "St. Louis") and initials ("John F. Kennedy")
//!   never end a sentence; dotted acronyms ("The U.S. Army") end one only before a typical sentence opener;
//! - a single newline inside a paragraph (hard-wrapped text) is not a boundary unless the line ends with
//!   sentence-final punctuation; a blank line always is;
//! - a closing quote separated from its sentence by a space stays with the sentence before it;
//! - a fragment with no letters or digits (". .", "”") is glued to the sentence before it, so artifacts such
//!   as ". ." stay visible inside the sentence that carries them.
//!
//! Offsets are byte offsets; every span starts and ends on a `char` boundary of the input.

/// A half-open byte range `[start, end)` in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Abbreviations that precede a name or number and so never end a sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
    "maj", "st", "mt", "rev", "hon", "pres", "supt", "insp", "fr", "sr", "messrs", "mme", "mlle", "no", "nos",
    "vs", "v", "etc", "e.g", "i.e", "approx", "est", "dept", "univ", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "fig", "vol", "pp", "ft", "inc", "corp", "ltd", "co", "bros",
];

/// Words that typically open a new sentence; after a dotted acronym ("the U.S.") they mark a boundary.
const SENTENCE_OPENERS: &[&str] = &[
    "the", "a", "an", "in", "on", "at", "but", "and", "or", "so", "he", "she", "it", "they", "we", "i", "you",
    "this", "that", "these", "those", "there", "his", "her", "its", "their", "our", "my", "as", "if", "when",
    "while", "after", "before", "since", "for", "from", "with", "by", "to", "of", "what", "who", "how", "why",
    "where", "some", "many", "most", "all", "no", "not", "yet", "however", "meanwhile", "still", "also", "then",
];

/// Splits `text` into sentence spans, trimmed of surrounding whitespace, in document order.
pub fn split_sentences(text: &str) -> Vec<Span> {
    repair(text, crate::uax29::sentence_spans(text))
}

/// [`split_sentences`] of ASCII `text` (its bytes are not tested again).
pub(crate) fn split_ascii_sentences(text: &str) -> Vec<Span> {
    repair(text, crate::uax29::ascii_sentence_spans(text))
}

/// The sentences of `text` from its UAX #29 sentence segments `out`: false boundaries merged, spans
/// trimmed (see the module documentation).
fn repair(text: &str, mut out: Vec<Span>) -> Vec<Span> {
    // The false boundaries are merged and the spans trimmed in the vector of the raw spans: the first
    // `kept` spans are the merged ones so far.
    let mut kept = 0;
    for i in 0..out.len() {
        let span = out[i];
        if kept > 0 && should_merge(text, out[kept - 1], span) {
            out[kept - 1].end = span.end;
        } else {
            out[kept] = span;
            kept += 1;
        }
    }
    out.truncate(kept);
    out.retain_mut(|span| {
        *span = trim(text, *span);
        !span.is_empty()
    });
    move_leading_closers(text, &mut out);
    out
}

/// Whether the boundary between `prev` and `next` is a false one.
fn should_merge(text: &str, prev: Span, next: Span) -> bool {
    let prev_text = prev.slice(text);
    let next_text = next.slice(text);
    let prev_body = prev_text.trim_end();
    if prev_body.is_empty() {
        return false;
    }
    let gap = &prev_text[prev_body.len()..];
    if gap.matches('\n').count() >= 2 || gap.contains('\u{2029}') {
        return false; // a blank line: a paragraph break is always a boundary
    }
    // A fragment without letters or digits belongs to the sentence before it (". .", a stray quote).
    if !next_text.chars().any(char::is_alphanumeric) && !gap.contains('\n') {
        return true;
    }
    // A hard-wrapped line: the break came at a newline but the line does not end a sentence.
    if gap.contains('\n') && !ends_with_terminal(prev_body) {
        let next_first = next_text.trim_start().chars().next();
        return next_first.is_some_and(|c| c.is_lowercase() || c.is_numeric() || is_opening_continuation(c))
            || !looks_like_heading(prev_body);
    }
    if gap.contains('\n') {
        return false;
    }
    if let Some(word) = last_word_before_dot(prev_body) {
        let lower = word.to_lowercase();
        if TITLE_ABBREVIATIONS.contains(&lower.as_str()) {
            return true;
        }
        // An initial ("John F. Kennedy"), but not a lone pronoun "I."
        if word.chars().count() == 1 && word.chars().all(char::is_uppercase) && word != "I" {
            return true;
        }
        // A dotted acronym ("U.S.", "U.N.") ends a sentence only before a typical sentence opener.
        if lower.contains('.') && lower.chars().filter(|c| c.is_alphabetic()).count() <= 4 {
            let next_word: String =
                next_text.trim_start().chars().take_while(|c| c.is_alphanumeric()).collect();
            return !SENTENCE_OPENERS.contains(&next_word.to_lowercase().as_str());
        }
    }
    false
}

fn ends_with_terminal(body: &str) -> bool {
    let trimmed = body.trim_end_matches(is_closing_quote_or_bracket);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';'])
}

fn is_closing_quote_or_bracket(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '›')
}

fn is_opening_continuation(c: char) -> bool {
    matches!(c, '(' | '-' | '–' | '—' | ',' | ';')
}

/// A short line without final punctuation followed by a capitalised line is probably a headline or a
/// dateline, which stays its own unit.
fn looks_like_heading(line_body: &str) -> bool {
    let last_line = line_body.rsplit('\n').next().unwrap_or(line_body);
    last_line.split_whitespace().count() <= 8
}

/// The word just before a final '.', including inner dots ("U.S" for "U.S.").
fn last_word_before_dot(body: &str) -> Option<&str> {
    let without_dot = body.strip_suffix('.')?;
    let start = without_dot
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &without_dot[start..];
    (!word.is_empty()).then_some(word)
}

fn trim(text: &str, span: Span) -> Span {
    let s = span.slice(text);
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return Span::new(span.start, span.start);
    }
    Span::new(span.start + lead, span.end - trail)
}

/// A sentence that starts with a closing quote followed by whitespace lost that quote from the sentence
/// before it: give it back.
fn move_leading_closers(text: &str, spans: &mut Vec<Span>) {
    let mut i = 1;
    while i < spans.len() {
        let cur = spans[i];
        let s = cur.slice(text);
        let mut chars = s.char_indices();
        if let Some((_, c)) = chars.next() {
            let closing = matches!(c, '”' | '’' | '»' | '"');
            let after = chars.next().map(|(_, c)| c);
            let gap = &text[spans[i - 1].end..cur.start];
            if closing && after.is_none_or(char::is_whitespace) && !gap.contains("\n\n") {
                spans[i - 1].end = cur.start + c.len_utf8();
                let rest = trim(text, Span::new(cur.start + c.len_utf8(), cur.end));
                if rest.is_empty() {
                    spans.remove(i);
                    continue;
                }
                spans[i] = rest;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split_sentences(text).into_iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn splits_plain_sentences() {
        assert_eq!(sentences("It rained. We stayed in! Did you?"), vec!["It rained.", "We stayed in!", "Did you?"]);
    }

    #[test]
    fn keeps_titles_with_names() {
        let text = "Mr. Kim met Dr. Lee and Sen. Warren in St. Louis. They talked.";
        assert_eq!(sentences(text), vec!["Mr. Kim met Dr. Lee and Sen. Warren in St. Louis.", "They talked."]);
    }

    #[test]
    fn acronym_ends_sentence_only_before_an_opener() {
        assert_eq!(sentences("The U.S. Army said so. It left."), vec!["The U.S. Army said so.", "It left."]);
        assert_eq!(sentences("He lives in the U.S. The rest moved."), vec!["He lives in the U.S.", "The rest moved."]);
    }

    #[test]
    fn initials_do_not_end_sentences() {
        assert_eq!(sentences("John F. Kennedy spoke. Then he left."), vec!["John F. Kennedy spoke.", "Then he left."]);
    }

    #[test]
    fn joins_hard_wrapped_lines_but_not_paragraphs() {
        let text = "North Korea tried to obtain\ntechnology from the firm. It failed.\n\nNew paragraph here.";
        assert_eq!(
            sentences(text),
            vec!["North Korea tried to obtain\ntechnology from the firm.", "It failed.", "New paragraph here."]
        );
    }

    #[test]
    fn headline_line_stays_separate() {
        let text = "Biker reacts in a flash\nOn Friday evening, an accident occurred.";
        assert_eq!(sentences(text), vec!["Biker reacts in a flash", "On Friday evening, an accident occurred."]);
    }

    #[test]
    fn keeps_spaced_double_stop_and_currency_intact() {
        let text = "Ha told reporters after the session. . It had stolen $ 81 million. The end.";
        assert_eq!(
            sentences(text),
            vec!["Ha told reporters after the session. .", "It had stolen $ 81 million.", "The end."]
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        let text = "He said “we will win. ” Then he left.";
        assert_eq!(sentences(text), vec!["He said “we will win. ”", "Then he left."]);
        let text = "“We will win.” Then he left.";
        assert_eq!(sentences(text), vec!["“We will win.”", "Then he left."]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "  Café au lait. Über alles!  ";
        let spans = split_sentences(text);
        assert_eq!(spans.len(), 2);
        for span in spans {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert_eq!(span.slice(text), span.slice(text).trim());
        }
    }

    #[test]
    fn empty_and_blank_text_has_no_sentences() {
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\n \t").is_empty());
    }
}
