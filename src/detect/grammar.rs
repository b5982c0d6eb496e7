//! Broken grammar typical of MT: a preposition followed by a bare infinitive ("known for have", Spanish
//! "por tener"), a superlative coordinated with a bare adjective ("the safest and effective", dropped
//! "most"), a sentence without its subject ("Said that the talks...", Spanish pro-drop), and word pairs
//! that no English sentence contains ("called or Fancy Bear", "the of").

use super::classes::{Builder, Classes};
use super::{Detector, Family, Finding};
use crate::document::{Document, Token, TokenKind};

pub struct Grammar;

/// Base verbs that are not also common nouns, so "for/of/by/without + verb" is ungrammatical.
const BASE_VERBS: &[&str] = &[
    "have", "be", "obtain", "get", "make", "become", "achieve", "allow", "avoid", "bring", "continue", "create",
    "develop", "ensure", "improve", "include", "maintain", "prevent", "provide", "receive", "reduce", "remain",
    "require", "protect", "carry", "give", "know", "seem", "tell", "take", "find", "come", "begin", "hear",
    "write", "understand", "lose", "decide", "explain", "accept", "attend", "consider", "appear", "try",
];

const PREPOSITIONS_TAKING_GERUNDS: &[&str] = &["for", "of", "by", "without"];

/// Sentence-opening verbs that show a dropped subject.
const SUBJECTLESS_OPENERS: &[&str] = &["is", "was", "are", "were", "has", "have", "had", "said", "added", "explained", "indicated", "assured", "affirmed", "stressed", "insisted", "considered", "recalled"];

const ADJECTIVE_SUFFIXES: &[&str] = &["ive", "ous", "ful", "able", "ible", "al", "ic", "ent", "ant", "ary", "less", "ile", "ure", "ed"];

/// The profile word index of "the" (see [`crate::features::profile_word_index`]).
const THE: usize = crate::features::profile_word_index("the");

const IRREGULAR_SUPERLATIVES: &[&str] = &["best", "worst", "most", "least", "last", "first", "next", "latest", "greatest"];

/// (first, second) word pairs that cannot be adjacent in English.
const IMPOSSIBLE_PAIRS: &[(&str, &str)] = &[
    ("called", "or"), ("named", "or"), ("dubbed", "or"), ("the", "of"), ("the", "and"), ("the", "to"), ("the", "is"),
    ("the", "was"), ("the", "a"), ("the", "an"), ("a", "the"), ("an", "the"), ("of", "of"), ("to", "to"), ("and", "and"),
    ("the", "are"), ("the", "were"), ("a", "of"), ("an", "of"),
];

/// Registers the lists as word classes.
pub(super) fn register(b: &mut Builder) {
    b.add(PREPOSITIONS_TAKING_GERUNDS.iter().copied(), Classes::PREPOSITION_TAKING_GERUND);
    b.add(BASE_VERBS.iter().copied(), Classes::BASE_VERB);
    b.add(SUBJECTLESS_OPENERS.iter().copied(), Classes::SUBJECTLESS_OPENER);
    b.add(IMPOSSIBLE_PAIRS.iter().map(|p| p.0), Classes::PAIR_FIRST);
    b.add(IMPOSSIBLE_PAIRS.iter().map(|p| p.1), Classes::PAIR_SECOND);
}

/// The words among `tokens`.
fn words(tokens: &[Token]) -> impl DoubleEndedIterator<Item = &Token> {
    tokens.iter().filter(|t| t.kind == TokenKind::Word)
}

fn superlative(word: &str) -> bool {
    (word.len() > 4 && word.ends_with("est")) || IRREGULAR_SUPERLATIVES.contains(&word)
}

fn adjective_like(word: &str) -> bool {
    word.len() > 4 && ADJECTIVE_SUFFIXES.iter().any(|s| word.ends_with(s))
}

impl Detector for Grammar {
    fn family(&self) -> Family {
        Family::Grammar
    }

    fn description(&self) -> &'static str {
        "preposition + bare infinitive, superlative + bare adjective, dropped subject, impossible word pairs"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        let sentence = &doc.sentences[index];
        let tokens = &sentence.tokens;
        // One walk over the tokens, without a list of the words: the rules on two words need them
        // adjacent (only whitespace between), so the second is the next token; the others look for the
        // words around one where a rule may start.
        for (i, w) in tokens.iter().enumerate() {
            // The rules on words start at a preposition, the first word of an impossible pair or "the":
            // most words are none, as their classes say (only words have classes).
            if !w.classes.has(Classes::PREPOSITION_TAKING_GERUND | Classes::PAIR_FIRST) && w.classes.profile_index() != Some(THE) {
                continue;
            }
            // The word classes say whether a rule may apply; only then are the words compared.
            let next = tokens.get(i + 1).filter(|n| {
                let infinitive = w.classes.has(Classes::PREPOSITION_TAKING_GERUND) && n.classes.has(Classes::BASE_VERB);
                let pair = w.classes.has(Classes::PAIR_FIRST) && n.classes.has(Classes::PAIR_SECOND);
                // adjacent: nothing but whitespace between the two words
                // (classes are those of words: a token with one is a word)
                (infinitive || pair) && n.kind == TokenKind::Word && doc.text[w.span.end..n.span.start].trim().is_empty()
            });
            if let Some(n) = next {
                let (lower, nl) = (doc.low(w), doc.low(n));
                // "kind of lose", "sort of agree": "kind of"/"sort of" is an adverb there, not a preposition.
                let hedge = lower == "of" && words(&tokens[..i]).next_back().is_some_and(|p| matches!(doc.low(p), "kind" | "sort"));
                if w.classes.has(Classes::PREPOSITION_TAKING_GERUND) && n.classes.has(Classes::BASE_VERB) && !hedge {
                    out.push(Finding::new(
                        Family::Grammar,
                        "preposition-infinitive",
                        w.span.start,
                        n.span.end,
                        format!("\"{} {}\": a bare infinitive after a preposition (English uses the -ing form, \"{} {}ing\")", doc.tok(w), doc.tok(n), doc.tok(w), nl.trim_end_matches('e')),
                    ));
                }
                // "the A 8" names a road: the second word must be lowercase as written.
                if IMPOSSIBLE_PAIRS.contains(&(lower, nl)) && doc.tok(n).chars().all(|c| !c.is_uppercase()) {
                    out.push(Finding::new(
                        Family::Grammar,
                        "impossible-word-pair",
                        w.span.start,
                        n.span.end,
                        format!("\"{} {}\" is not a possible English word sequence: garbled syntax", doc.tok(w), doc.tok(n)),
                    ));
                }
            }
            // "the safest and effective"
            // (from the word's classes: a token has the profile index of "the" when its lowercase text is "the")
            if w.classes.profile_index() == Some(THE) {
                let mut after = words(&tokens[i + 1..]);
                if let (Some(sup), Some(and), Some(adj)) = (after.next(), after.next(), after.next()) {
                    let (sl, al) = (doc.low(sup), doc.low(adj));
                    if superlative(sl) && doc.low(and) == "and" && !superlative(al) && al != "most" && adjective_like(al) {
                        out.push(Finding::new(
                            Family::Grammar,
                            "superlative-bare-adjective",
                            w.span.start,
                            adj.span.end,
                            format!("\"{}\": the second adjective lost its \"most\" (\"the {} and most {}\")", doc.slice(crate::segment::Span::new(w.span.start, adj.span.end)), sl, al),
                        ));
                    }
                }
            }
        }
        // "Said that ..." / "Is expected that ...": a sentence with no subject.
        if let Some(first) = tokens.first() {
            let fl = doc.low(first);
            let is_question = || doc.slice(sentence.span).trim_end().ends_with('?');
            let capitalised = doc.starts_uppercase(first);
            // (the first token is a word: the second word follows it)
            let second = || words(&tokens[1..]).next();
            if let Some(second) = (first.kind == TokenKind::Word && first.classes.has(Classes::SUBJECTLESS_OPENER) && capitalised && !is_question()).then(second).flatten() {
                let sl = doc.low(second);
                let reporting = matches!(fl, "said" | "added" | "explained" | "indicated" | "assured" | "affirmed" | "stressed" | "insisted" | "considered" | "recalled");
                let dropped = if reporting { sl == "that" } else { matches!(sl, "that" | "expected" | "believed" | "estimated" | "necessary" | "important" | "known" | "also") };
                if dropped {
                    out.push(Finding::new(
                        Family::Grammar,
                        "missing-subject",
                        first.span.start,
                        second.span.end,
                        format!("the sentence starts with \"{} {}\" and has no subject (a dropped pronoun, as in Spanish)", doc.tok(first), doc.tok(second)),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testutil::run;

    #[test]
    fn a_word_has_the_profile_index_of_the_when_it_is_the() {
        let doc = Document::new("The the THE tHe then they. There, the’s thé: the-end t he Theo the");
        let mut the = 0;
        for t in doc.sentences.iter().flat_map(|s| &s.tokens).filter(|t| t.kind == TokenKind::Word) {
            assert_eq!(t.classes.profile_index() == Some(THE), doc.low(t) == "the", "{}", doc.tok(t));
            the += usize::from(doc.low(t) == "the");
        }
        assert_eq!(the, 5);
    }

    fn flags(text: &str) -> Vec<(String, String)> {
        run(&Grammar, text)
    }

    /// The rules over a list of the sentence's words (the detector's first form), to check the walk over
    /// the tokens against.
    fn reference(doc: &Document, index: usize) -> Vec<(String, usize, usize)> {
        let sentence = &doc.sentences[index];
        let tokens = &sentence.tokens;
        let words: Vec<&Token> = tokens.iter().filter(|t| t.kind == TokenKind::Word).collect();
        let mut out = Vec::new();
        for (k, w) in words.iter().enumerate() {
            let next = words.get(k + 1).filter(|n| {
                let infinitive = w.classes.has(Classes::PREPOSITION_TAKING_GERUND) && n.classes.has(Classes::BASE_VERB);
                let pair = w.classes.has(Classes::PAIR_FIRST) && n.classes.has(Classes::PAIR_SECOND);
                (infinitive || pair) && doc.text[w.span.end..n.span.start].trim().is_empty()
            });
            if let Some(n) = next {
                let (lower, nl) = (doc.low(w), doc.low(n));
                let hedge = lower == "of" && k > 0 && matches!(doc.low(words[k - 1]), "kind" | "sort");
                if w.classes.has(Classes::PREPOSITION_TAKING_GERUND) && n.classes.has(Classes::BASE_VERB) && !hedge {
                    out.push(("grammar/preposition-infinitive".to_string(), w.span.start, n.span.end));
                }
                if IMPOSSIBLE_PAIRS.contains(&(lower, nl)) && doc.tok(n).chars().all(|c| !c.is_uppercase()) {
                    out.push(("grammar/impossible-word-pair".to_string(), w.span.start, n.span.end));
                }
            }
            if doc.low(w) == "the" {
                if let (Some(sup), Some(and), Some(adj)) = (words.get(k + 1), words.get(k + 2), words.get(k + 3)) {
                    let (sl, al) = (doc.low(sup), doc.low(adj));
                    if superlative(sl) && doc.low(and) == "and" && !superlative(al) && al != "most" && adjective_like(al) {
                        out.push(("grammar/superlative-bare-adjective".to_string(), w.span.start, adj.span.end));
                    }
                }
            }
        }
        if let (Some(first), Some(second)) = (tokens.first(), words.get(1)) {
            let fl = doc.low(first);
            let is_question = doc.slice(sentence.span).trim_end().ends_with('?');
            if first.kind == TokenKind::Word && SUBJECTLESS_OPENERS.contains(&fl) && doc.starts_uppercase(first) && !is_question {
                let sl = doc.low(second);
                let reporting = matches!(fl, "said" | "added" | "explained" | "indicated" | "assured" | "affirmed" | "stressed" | "insisted" | "considered" | "recalled");
                let dropped = if reporting { sl == "that" } else { matches!(sl, "that" | "expected" | "believed" | "estimated" | "necessary" | "important" | "known" | "also") };
                if dropped {
                    out.push(("grammar/missing-subject".to_string(), first.span.start, second.span.end));
                }
            }
        }
        out
    }

    #[test]
    fn the_walk_over_the_tokens_finds_what_the_word_list_did() {
        let vocabulary = [
            "the", "The", "for", "of", "by", "without", "have", "be", "make", "kind", "sort", "called", "or", "a", "an", "and",
            "is", "Said", "Is", "said", "that", "expected", "safest", "best", "most", "effective", "natural", "A", ",", ".",
            "?", "-", "“", "”", "300", "well-known", "Theo", "thé", "’s", "the safest and effective", "the best, and natural",
            "the safest and most", "the safest and",
        ];
        let rules = crate::detect::testutil::assert_same_as_reference(&Grammar, reference, &vocabulary, 0x9e37_79b9_7f4a_7c15);
        assert_eq!(rules.len(), 4, "every rule fired: {rules:?}");
    }

    #[test]
    fn flags_preposition_with_infinitive() {
        let f = flags("North Korea is known for have an army of cybercriminals.");
        assert_eq!(f, vec![("grammar/preposition-infinitive".into(), "for have".into())]);
        assert_eq!(flags("They left without obtain the papers.")[0].1, "without obtain");
        assert_eq!(flags("They spoke of lose the war.")[0].1, "of lose");
    }

    #[test]
    fn flags_superlative_with_bare_adjective() {
        let f = flags("The vaccine is one of the safest and effective so far.");
        assert_eq!(f, vec![("grammar/superlative-bare-adjective".into(), "the safest and effective".into())]);
    }

    #[test]
    fn flags_missing_subject_and_impossible_pairs() {
        assert_eq!(flags("Said that the talks would resume in March.")[0].0, "grammar/missing-subject");
        assert_eq!(flags("Another Russian group called or Fancy Bear was blamed.")[0].1, "called or");
    }

    #[test]
    fn leaves_grammatical_english_alone() {
        assert!(flags("The vaccine is one of the safest and most effective so far.").is_empty());
        assert!(flags("It is known for having an army, for good reason, and the latest and greatest tools.").is_empty());
        assert!(flags("Is this the end? Said to be the oldest, it was also called Fancy Bear or APT28.").is_empty());
        assert!(flags("He had a chance to win and went for it; the best and brightest came.").is_empty());
        assert!(flags("Over time, they just kind of lose motivation, or sort of give up.").is_empty());
        assert!(flags("Drivers were caught on the A 8 close to Ulm, and must ever after be careful.").is_empty());
    }
}
