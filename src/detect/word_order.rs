//! Source word order kept in English: adjectives after their noun ("cybercriminals well-trained"), a name
//! pushed behind the possessed noun ("the pharmaceutical giant's systems Pfizer"), and the verb before
//! its subject after "as" ("as reported the ministry", Spanish "según informó el ministerio").
//!
//! Romance languages put most adjectives after the noun and allow verb-subject order; English does
//! neither. Each rule is a short token pattern chosen to be almost never grammatical in English.

use super::classes::{Builder, Classes};
use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};

pub struct WordOrder;

/// First parts of hyphenated participial adjectives ("well-trained", "highly-skilled").
const ADVERB_PREFIXES: &[&str] = &["well", "highly", "badly", "poorly", "ill", "best", "better", "fully", "newly", "heavily", "widely", "little"];

/// Words after which a hyphenated adjective may stand legitimately (predicates, copulas).
const PREDICATIVE_BEFORE: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "seem", "seems", "seemed", "look", "looks", "looked", "become",
    "became", "remain", "remains", "remained", "as", "so", "very", "and", "or", "but", "not", "too", "how", "more", "most",
];

const REPORTING_VERBS: &[&str] = &[
    "reported", "indicated", "explained", "said", "announced", "stated", "confirmed", "noted", "pointed", "informed", "declared",
    "assured", "added", "detailed", "specified", "affirmed",
];

/// Registers the lists as word classes.
pub(super) fn register(b: &mut Builder) {
    b.add(PREDICATIVE_BEFORE.iter().copied(), Classes::PREDICATIVE_BEFORE);
    b.add(REPORTING_VERBS.iter().copied(), Classes::REPORTING_VERB);
}

/// The shortest word [`is_participial_adjective`] may accept: the shortest prefix, the hyphen and a
/// two-letter ending.
const MIN_PARTICIPIAL_LEN: usize = {
    let mut min = usize::MAX;
    let mut i = 0;
    while i < ADVERB_PREFIXES.len() {
        if ADVERB_PREFIXES[i].len() < min {
            min = ADVERB_PREFIXES[i].len();
        }
        i += 1;
    }
    min + 3
};

fn is_participial_adjective(lower: &str) -> bool {
    // (A byte loop: most words are short and have no hyphen; `split_once` calls out to a searcher.)
    let Some(hyphen) = lower.bytes().position(|b| b == b'-') else { return false };
    let (head, tail) = (&lower[..hyphen], &lower[hyphen + 1..]);
    ADVERB_PREFIXES.contains(&head) && (tail.ends_with("ed") || tail.ends_with("en") || tail.ends_with("wn"))
}

fn is_plain_lower_word(doc: &Document, t: &Token) -> bool {
    t.kind == TokenKind::Word && doc.starts_lowercase(t)
}

fn is_capitalised_name(doc: &Document, t: &Token) -> bool {
    t.kind == TokenKind::Word && doc.starts_uppercase(t)
}

impl Detector for WordOrder {
    fn family(&self) -> Family {
        Family::WordOrder
    }

    fn description(&self) -> &'static str {
        "Romance word order: postposed adjectives, displaced appositions, verb before subject after \"as\""
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        let tokens = &doc.sentences[index].tokens;
        for i in 0..tokens.len() {
            let t = &tokens[i];
            // Every rule starts at a word that ends in 's' (a plural noun, a possessive, "as"): most
            // words do not, as the last byte of their lowercase text says.
            if t.kind != TokenKind::Word || doc.lower.as_bytes()[t.span.end - 1] != b's' {
                continue;
            }
            let low = doc.low(t);
            let next = tokens.get(i + 1);
            // "cybercriminals well-trained": a plural noun followed by a hyphenated participle that does
            // not stand as a predicate.
            // (the span's length first: most words are too short)
            if let Some(n) = next.filter(|n| n.kind == TokenKind::Word && n.span.end - n.span.start >= MIN_PARTICIPIAL_LEN && is_participial_adjective(doc.low(n))) {
                let plural_noun = is_plain_lower_word(doc, t)
                    && low.len() > 4
                    && low.ends_with('s')
                    && !low.ends_with("ss")
                    && t.zipf >= 2.0
                    && !t.classes.has(Classes::PREDICATIVE_BEFORE);
                let continues = tokens.get(i + 2).is_none_or(|a| a.kind != TokenKind::Word || doc.low(a) != "by");
                if plural_noun && continues {
                    out.push(Finding::new(
                        Family::WordOrder,
                        "postposed-adjective",
                        t.span.start,
                        n.span.end,
                        format!("adjective after its noun (\"{}\"): English puts it before (\"{} {}\")", doc.slice(crate::segment::Span::new(t.span.start, n.span.end)), doc.tok(n), doc.tok(t)),
                    ));
                }
            }
            // "the giant's systems Pfizer": possessive, plural common noun, then a name.
            if low.ends_with("’s") || low.ends_with("'s") {
                if let (Some(noun), Some(name)) = (next, tokens.get(i + 2)) {
                    let noun_text = doc.low(noun);
                    if is_plain_lower_word(doc, noun)
                        && noun_text.ends_with('s')
                        && !noun_text.ends_with("ss")
                        && is_capitalised_name(doc, name)
                        && name.space_before
                    {
                        out.push(Finding::new(
                            Family::WordOrder,
                            "displaced-apposition",
                            t.span.start,
                            name.span.end,
                            format!(
                                "the name \"{}\" follows the possessed noun \"{}\": source word order (English: \"{}'s {}\")",
                                doc.tok(name),
                                doc.tok(noun),
                                doc.tok(name),
                                doc.tok(noun)
                            ),
                        ));
                    }
                }
            }
            // "as reported the ministry": reporting verb before its subject.
            if low == "as" {
                if let (Some(v), Some(det)) = (next, tokens.get(i + 2)) {
                    if v.classes.has(Classes::REPORTING_VERB) && matches!(doc.low(det), "the" | "this" | "his" | "her" | "its") {
                        out.push(Finding::new(
                            Family::WordOrder,
                            "verb-before-subject",
                            t.span.start,
                            det.span.end,
                            format!("\"{} {} {}\": the verb comes before its subject, as in Spanish \"según informó el\"", doc.tok(t), doc.tok(v), doc.tok(det)),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participial_adjectives_are_split_at_the_first_hyphen() {
        for (w, yes) in [("well-trained", true), ("well-known", true), ("ill-drawn", true), ("well-", false), ("-trained", false), ("well-well-trained", true), ("wellтrained", false), ("highly-skilled", true), ("ill-ed", true), ("x", false), ("", false)] {
            assert_eq!(is_participial_adjective(w), yes, "{w}");
            let by_split = w.split_once('-').is_some_and(|(h, t)| ADVERB_PREFIXES.contains(&h) && (t.ends_with("ed") || t.ends_with("en") || t.ends_with("wn")));
            assert_eq!(is_participial_adjective(w), by_split, "{w}");
            assert!(!is_participial_adjective(w) || w.len() >= MIN_PARTICIPIAL_LEN, "{w}");
        }
    }
    use crate::detect::testutil::run;

    /// The rules tried at every word (the detector's first form), to check the one that starts only at
    /// words ending in 's' against.
    fn reference(doc: &Document, index: usize) -> crate::detect::testutil::Found {
        let tokens = &doc.sentences[index].tokens;
        let mut out = Vec::new();
        for i in 0..tokens.len() {
            let t = &tokens[i];
            if t.kind != TokenKind::Word {
                continue;
            }
            let low = doc.low(t);
            let next = tokens.get(i + 1);
            if let Some(n) = next.filter(|n| n.kind == TokenKind::Word && is_participial_adjective(doc.low(n))) {
                let plural_noun = is_plain_lower_word(doc, t) && low.len() > 4 && low.ends_with('s') && !low.ends_with("ss") && t.zipf >= 2.0 && !t.classes.has(Classes::PREDICATIVE_BEFORE);
                let continues = tokens.get(i + 2).is_none_or(|a| a.kind != TokenKind::Word || doc.low(a) != "by");
                if plural_noun && continues {
                    out.push(("word-order/postposed-adjective".to_string(), t.span.start, n.span.end));
                }
            }
            if low.ends_with("’s") || low.ends_with("'s") {
                if let (Some(noun), Some(name)) = (next, tokens.get(i + 2)) {
                    let noun_text = doc.low(noun);
                    if is_plain_lower_word(doc, noun) && noun_text.ends_with('s') && !noun_text.ends_with("ss") && is_capitalised_name(doc, name) && name.space_before {
                        out.push(("word-order/displaced-apposition".to_string(), t.span.start, name.span.end));
                    }
                }
            }
            if low == "as" {
                if let (Some(v), Some(det)) = (next, tokens.get(i + 2)) {
                    if v.classes.has(Classes::REPORTING_VERB) && matches!(doc.low(det), "the" | "this" | "his" | "her" | "its") {
                        out.push(("word-order/verb-before-subject".to_string(), t.span.start, det.span.end));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn rules_start_only_at_words_ending_in_s() {
        let vocabulary = [
            "cybercriminals", "teams", "class", "well-trained", "highly-skilled", "by", "giant’s", "giant's", "systems", "Pfizer",
            "as", "As", "reported", "the", "its", "news", "is", "café", "cafés", ",", ".", "“", "300", "es", "s",
        ];
        let rules = crate::detect::testutil::assert_same_as_reference(&WordOrder, reference, &vocabulary, 0x5851_f42d_4c95_7f2d);
        assert_eq!(rules.len(), 3, "every rule fired: {rules:?}");
    }

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&WordOrder, text)
    }

    #[test]
    fn flags_postposed_participle() {
        let f = flags("North Korea is known for have an army of cybercriminals well-trained targeting companies.");
        assert_eq!(f, vec![("word-order/postposed-adjective".into(), "cybercriminals well-trained".into())]);
    }

    #[test]
    fn flags_displaced_apposition() {
        let f = flags("Hackers tried to break into the pharmaceutical giant’s systems Pfizer seeking information.");
        assert_eq!(f, vec![("word-order/displaced-apposition".into(), "giant’s systems Pfizer".into())]);
    }

    #[test]
    fn flags_verb_before_subject() {
        assert_eq!(flags("Ten people died, as reported the ministry on Monday.")[0].0, "word-order/verb-before-subject");
    }

    #[test]
    fn leaves_english_order_alone() {
        assert!(flags("An army of well-trained hackers attacked firms. The hackers were well-trained.").is_empty());
        assert!(flags("The company's chief executive Albert Bourla said so, as the ministry reported.").is_empty());
        assert!(flags("Its systems are well-protected and the teams well-funded by donors.").is_empty());
    }
}
