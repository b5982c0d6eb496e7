//! Repetition and stutter: the same word twice in a row ("the the") and the same content word twice in a
//! few words ("accused of retaliation at Sony ... as retaliation").
//!
//! MT systems, especially neural ones, sometimes translate a source word twice, once in place and once
//! where English word order wants it, or stutter on a token. Edited news avoids both. Idiomatic
//! repetitions ("year after year", "step by step", "had had") are left alone.

use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};

pub struct Repetition;

/// Words that may legitimately be doubled ("had had", "that that", "very very").
const DOUBLING_ALLOWED: &[&str] = &["had", "that", "is", "very", "no", "bye", "ha", "yes", "so", "many", "far", "long", "more", "really", "knock", "boo", "way"];

/// Function words between two copies that make the pair idiomatic ("step by step", "year after year").
const IDIOM_LINKS: &[&str] = &["by", "after", "to", "for", "and", "or", "upon", "over", "on", "in", "against", "versus", "vs"];

/// Words between two copies that make the repetition a parallel structure, as people write it
/// ("laboratories or private laboratories", "spending fell, and spending ...", "more revenue than revenue").
const PARALLEL_LINKS: &[&str] = &["and", "or", "but", "nor", "while", "whereas", "than", "versus", "vs"];

/// How many words apart two copies of a content word may be to count.
const WINDOW: usize = 8;

/// `word` without a final "ies", else without a final 's' (tested on bytes: both are ASCII).
fn stem(word: &str) -> &str {
    let b = word.as_bytes();
    if b.ends_with(b"ies") {
        &word[..word.len() - 3]
    } else if b.last() == Some(&b's') {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// `a == b`, testing length and first byte before comparing the rest: most word pairs differ there.
#[inline]
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

impl Detector for Repetition {
    fn family(&self) -> Family {
        Family::Repetition
    }

    fn description(&self) -> &'static str {
        "a word stuttered twice in a row, or a content word repeated within a few words"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        // One walk over the sentence's tokens, without a list of its words: the next word is the next
        // token when the two can be a stutter (only whitespace may come between them), and a content
        // word's window is the tokens after it up to its `WINDOW`th word, which are compared by length
        // before their stems are.
        let tokens = &doc.sentences[index].tokens;
        let mut reported_up_to = 0;
        for (i, w) in tokens.iter().enumerate() {
            if w.kind != TokenKind::Word {
                continue;
            }
            // (a word's lowercase text has the length of its span: lengths are compared before texts)
            let len = w.span.len();
            if let Some(n) = tokens.get(i + 1).filter(|n| n.kind == TokenKind::Word && n.span.len() == len) {
                let lower = doc.low(w);
                let adjacent = || doc.text[w.span.end..n.span.start].trim().is_empty();
                if same(doc.low(n), lower) && doc.starts_lowercase(n) && adjacent() && !DOUBLING_ALLOWED.contains(&lower) {
                    out.push(Finding::new(
                        Family::Repetition,
                        "stutter",
                        w.span.start,
                        n.span.end,
                        format!("\"{}\" is written twice in a row", doc.tok(w)),
                    ));
                    continue;
                }
            }
            // A content word: long, lowercase, not among the most frequent English words.
            // (the frequency before the text: it is at hand)
            let content = len >= 6 && w.zipf < 5.5 && w.zipf > 0.0 && doc.starts_lowercase(w);
            if !content || w.span.start < reported_up_to {
                continue;
            }
            if let Some(finding) = repeated_within_window(doc, tokens, i) {
                reported_up_to = finding.end;
                out.push(finding);
            }
        }
    }
}

/// The finding for the content word `tokens[i]` repeated (same stem) within [`WINDOW`] words after it in
/// one phrase, if it is.
fn repeated_within_window(doc: &Document, tokens: &[Token], i: usize) -> Option<Finding> {
    let w = &tokens[i];
    let s = stem(doc.low(w));
    let mut gap = 0;
    for (j, other) in tokens.iter().enumerate().skip(i + 1) {
        if other.kind != TokenKind::Word {
            continue;
        }
        gap += 1;
        if gap > WINDOW {
            break;
        }
        // A stem is its word or one or three bytes shorter: most words cannot have the stem `s`.
        let longer = other.span.len().wrapping_sub(s.len());
        if gap < 2 || longer > 3 || longer == 2 || !same(stem(doc.low(other)), s) {
            continue;
        }
        // The words between the copies.
        let mut between_words = tokens[i + 1..j].iter().filter(|t| t.kind == TokenKind::Word).map(|t| doc.low(t));
        if gap == 2 && between_words.clone().next().is_some_and(|b| IDIOM_LINKS.contains(&b)) {
            return None;
        }
        // Only within one phrase: no punctuation between the copies, and no conjunction that makes
        // them a parallel structure.
        let between = &doc.text[w.span.end..other.span.start];
        if between.contains([',', ';', ':', '(', '—', '–', '"', '“', '”']) || between.contains(" - ") || between_words.any(|b| PARALLEL_LINKS.contains(&b)) {
            return None;
        }
        return Some(Finding::new(
            Family::Repetition,
            "repeated-word",
            w.span.start,
            other.span.end,
            format!("\"{}\" is repeated {} words later: the source word may have been translated twice", doc.tok(w), gap),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&Repetition, text)
    }

    /// The rules over a list of the sentence's words (the detector's first form), to check the one walk
    /// over the tokens against.
    fn reference(doc: &Document, index: usize) -> Vec<(String, usize, usize)> {
        let words: Vec<(&Token, &str, &str)> = doc.words(index).map(|(t, _)| (t, doc.low(t), stem(doc.low(t)))).collect();
        let mut out = Vec::new();
        let mut reported_up_to = 0;
        for (k, &(w, lower, s)) in words.iter().enumerate() {
            if let Some(&(n, next_lower, _)) = words.get(k + 1) {
                let adjacent = doc.text[w.span.end..n.span.start].trim().is_empty();
                if next_lower == lower && doc.starts_lowercase(n) && adjacent && !DOUBLING_ALLOWED.contains(&lower) {
                    out.push(("repetition/stutter".to_string(), w.span.start, n.span.end));
                    continue;
                }
            }
            let content = lower.len() >= 6 && w.zipf < 5.5 && w.zipf > 0.0 && doc.starts_lowercase(w);
            if !content || w.span.start < reported_up_to {
                continue;
            }
            for gap in 2..=WINDOW {
                let Some(&(other, _, other_stem)) = words.get(k + gap) else { break };
                if other_stem != s {
                    continue;
                }
                if gap == 2 && IDIOM_LINKS.contains(&words[k + 1].1) {
                    break;
                }
                let between = &doc.text[w.span.end..other.span.start];
                if between.contains([',', ';', ':', '(', '—', '–', '"', '“', '”'])
                    || between.contains(" - ")
                    || words[k + 1..k + gap].iter().any(|&(_, between, _)| PARALLEL_LINKS.contains(&between))
                {
                    break;
                }
                out.push(("repetition/repeated-word".to_string(), w.span.start, other.span.end));
                reported_up_to = other.span.end;
                break;
            }
        }
        out
    }

    #[test]
    fn one_walk_over_the_tokens_finds_what_the_word_list_did() {
        let vocabulary = [
            "the", "The", "report", "reports", "Report", "cities", "city", "citi", "by", "and", "or", "to", "had", "retaliation",
            "retaliations", ",", ".", "-", " - ", "“", "”", "(", "300", "2,5", "well-trained", "laboratories", "laboratory",
            "report’s", "Älter", "älteres", "études", "étude", "step", "after",
        ];
        let rules = crate::detect::testutil::assert_same_as_reference(&Repetition, reference, &vocabulary, 0x2545_f491_4f6c_dd1d);
        assert_eq!(rules.len(), 2, "both rules fired: {rules:?}");
    }

    #[test]
    fn stems_strip_ies_or_s() {
        for w in ["", "s", "ies", "cities", "laboratories", "laboratory", "press", "bus", "a", "é", "cafés", "naïves", "studies’"] {
            assert_eq!(stem(w), w.strip_suffix("ies").or_else(|| w.strip_suffix('s')).unwrap_or(w), "{w}");
        }
    }

    #[test]
    fn flags_stutter() {
        assert_eq!(flags("He said the the talks failed.")[0].0, "repetition/stutter");
    }

    #[test]
    fn flags_content_word_repeated_nearby() {
        let text = "It was accused of retaliation at Sony Pictures Entertainment as retaliation for the film.";
        let f = flags(text);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].0, "repetition/repeated-word");
        assert!(f[0].1.starts_with("retaliation") && f[0].1.ends_with("retaliation"));
    }

    #[test]
    fn leaves_parallel_structures_alone() {
        assert!(flags("Tests are done in public laboratories or private laboratories across the country.").is_empty());
        assert!(flags("Revenue from transport was $169 million while revenue from retail fell sharply.").is_empty());
        assert!(flags("He kept asking about political briefings - but reporters keep asking political questions.").is_empty());
        // A conjunction elsewhere in the sentence does not hide a repeat within one phrase.
        assert_eq!(flags("Seoul and Tokyo accused it of retaliation at Sony Pictures as retaliation for the film.").len(), 1);
    }

    #[test]
    fn leaves_idioms_and_distant_repeats_alone() {
        assert!(flags("Prices rose year after year, step by step, and he had had enough.").is_empty());
        assert!(flags("The vaccine was approved in December, and by March the regulators had approved a second one made by another company entirely unrelated to the first vaccine.").is_empty());
        assert!(flags("Kim Kim is a name; that that is is that.").is_empty());
        assert!(flags("It made the chorus pop off way way harder.").is_empty());
    }
}
