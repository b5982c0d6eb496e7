//! Repetition and stutter: the same word twice in a row ("the the") and the same content word twice in a
//! few words ("accused of retaliation at Sony ... as retaliation").
//!
//! MT systems, especially neural ones, sometimes translate a source word twice, once in place and once
//! where English word order wants it, or stutter on a token. Edited news avoids both. Idiomatic
//! repetitions ("year after year", "step by step", "had had") are left alone.

use super::{Detector, Family, Finding};
use crate::document::Document;

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
        // Each word with its lowercase form and stem, found once.
        // (room for every token at once: collecting a filtered iterator would grow the vector several times)
        let mut words: Vec<(&crate::document::Token, &str, &str)> = Vec::with_capacity(doc.sentences[index].tokens.len());
        for t in doc.sentences[index].tokens.iter().filter(|t| t.kind == crate::document::TokenKind::Word) {
            let lower = doc.low(t);
            words.push((t, lower, stem(lower)));
        }
        let mut reported_up_to = 0;
        for (k, &(w, lower, s)) in words.iter().enumerate() {
            if let Some(&(n, next_lower, _)) = words.get(k + 1) {
                // The cheapest test first: most neighbours differ.
                let same = same(next_lower, lower);
                let adjacent = || doc.text[w.span.end..n.span.start].trim().is_empty();
                let second_lower = || doc.starts_lowercase(n);
                if same && second_lower() && adjacent() && !DOUBLING_ALLOWED.contains(&lower) {
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
            let content = lower.len() >= 6 && w.zipf < 5.5 && w.zipf > 0.0 && doc.starts_lowercase(w);
            if !content || w.span.start < reported_up_to {
                continue;
            }
            for gap in 2..=WINDOW {
                let Some(&(other, _, other_stem)) = words.get(k + gap) else { break };
                if !same(other_stem, s) {
                    continue;
                }
                if gap == 2 && IDIOM_LINKS.contains(&words[k + 1].1) {
                    break;
                }
                // Only within one phrase: no punctuation between the copies, and no conjunction that makes
                // them a parallel structure.
                let between = &doc.text[w.span.end..other.span.start];
                if between.contains([',', ';', ':', '(', '—', '–', '"', '“', '”'])
                    || between.contains(" - ")
                    || words[k + 1..k + gap].iter().any(|&(_, between, _)| PARALLEL_LINKS.contains(&between))
                {
                    break;
                }
                out.push(Finding::new(
                    Family::Repetition,
                    "repeated-word",
                    w.span.start,
                    other.span.end,
                    format!("\"{}\" is repeated {} words later: the source word may have been translated twice", doc.tok(w), gap),
                ));
                reported_up_to = other.span.end;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&Repetition, text)
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
