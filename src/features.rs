//! The fixed, named feature vector of a sentence: findings per artifact family, fluency-model scores,
//! sentence statistics and a function-word profile.
//!
//! The rules explain; the statistics generalise. Both go into one vector so the classifier can weigh a
//! spaced currency sign against a sentence that is merely too smooth. The names are part of the model file
//! and checked on load, so a model trained on another feature set is refused rather than misread.

use crate::detect::classes::Classes;
use crate::detect::{default_detectors, run_detectors, Detector, Finding};
use crate::document::{Document, TokenKind};
use crate::fluency::{default_model, Collocations, FluencyModel};
use crate::profile::ProfileTable;
use rustc_hash::FxHashMap;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// Function words whose rates profile a sentence. MT and translationese use them at other rates than
/// original English (fewer contractions, more "of", "which", "also", explicit "that").
pub const FUNCTION_WORDS: &[&str] = &[
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "with", "by", "from", "as", "and", "or", "but", "that", "which",
    "who", "this", "these", "it", "its", "their", "they", "he", "she", "his", "her", "we", "our", "you", "i", "is", "are",
    "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "also", "not", "more", "most",
    "said", "such", "there", "however", "while", "so", "very", "about", "after", "since", "than", "all", "some",
];

/// A subset of function words used as named profile features (the rest count only in the overall rate).
const PROFILE_WORDS: &[&str] = &[
    "the", "a", "of", "in", "to", "for", "with", "by", "and", "that", "which", "who", "this", "it", "its", "their",
    "he", "she", "we", "you", "i", "is", "was", "has", "had", "will", "would", "also", "not", "said", "there", "however",
];

/// The finding-count features and the rules (by name prefix) each one counts. Word order and broken
/// grammar are one feature ("syntax"): both are the source language's syntax showing through, and
/// word-order rules fire too rarely in training data for a weight of their own. Typography is split into
/// the source-language conventions (spaced currency and percent, decimal commas, thousands dots, guillemets, turned
/// quotes), which edited English never has, and punctuation spacing, which careless human text has too.
pub const FINDING_FEATURES: &[(&str, &[&str])] = &[
    ("foreign-word", &["foreign-word/"]),
    ("typography", &["typography/currency", "typography/percent", "typography/decimal", "typography/thousands", "typography/guillemets", "typography/quote"]),
    ("punctuation", &["typography/doubled", "typography/space-before"]),
    ("pronoun", &["pronoun/"]),
    ("calque", &["calque/"]),
    ("collocation", &["collocation/"]),
    ("syntax", &["word-order/", "grammar/"]),
    ("repetition", &["repetition/"]),
];

/// The index of `word` among the profile words (its [`Classes::profile_index`]): for detectors that test a
/// token's classes instead of comparing its text. Fails to compile (in a constant) for another word.
pub(crate) const fn profile_word_index(word: &str) -> usize {
    let mut i = 0;
    while i < PROFILE_WORDS.len() {
        let (a, b) = (PROFILE_WORDS[i].as_bytes(), word.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a profile word")
}

/// Registers the function and profile words as word classes, so that a token's classes (one lookup when
/// the document is tokenised) answer [`word_class`] for it.
pub(crate) fn register(b: &mut crate::detect::classes::Builder) {
    b.add(FUNCTION_WORDS.iter().copied(), Classes::FUNCTION_WORD);
    for (i, w) in PROFILE_WORDS.iter().enumerate() {
        b.add_numbered(w, Classes::profile_word(i), |c| c.profile_index().map_or(0, |i| i as u32 + 1));
    }
}

/// [`word_class`] of a word token, from its classes.
#[inline]
fn token_word_class(classes: Classes) -> (bool, Option<usize>) {
    (classes.has(Classes::FUNCTION_WORD), classes.profile_index())
}

/// For a lowercase word: whether it is a function word, and its index among the profile words.
pub(crate) fn word_class(lower: &str) -> (bool, Option<usize>) {
    static CLASSES: OnceLock<FxHashMap<&'static str, (bool, Option<usize>)>> = OnceLock::new();
    let classes = CLASSES.get_or_init(|| {
        let mut m: FxHashMap<&'static str, (bool, Option<usize>)> = FxHashMap::default();
        for w in FUNCTION_WORDS {
            m.entry(w).or_default().0 = true;
        }
        for (i, w) in PROFILE_WORDS.iter().enumerate() {
            m.entry(w).or_default().1 = Some(i);
        }
        m
    });
    classes.get(lower).copied().unwrap_or((false, None))
}

/// Words of a sentence whose (hash, word) pairs [`FeatureExtractor::extract_base`] keeps on the stack: as
/// many as [`count_distinct`] counts in its table (more are sorted).
const DISTINCT_ON_STACK: usize = 64;

/// The number of distinct words among `words` ((hash, word) pairs, equal words with equal hashes):
/// up to 64 words (all but the longest sentences) through a small open-addressing set of indices on the
/// stack, more by sorting. Words are compared only when their hashes are equal.
fn count_distinct(words: &mut [(u64, &[u8])]) -> usize {
    const SLOTS: usize = 128;
    const { assert!(DISTINCT_ON_STACK == SLOTS / 2) };
    if words.len() > SLOTS / 2 {
        words.sort_unstable();
        let mut n = 0;
        for (i, w) in words.iter().enumerate() {
            if i == 0 || words[i - 1] != *w {
                n += 1;
            }
        }
        return n;
    }
    // Index + 1 of the word in each slot, 0 for a free slot.
    let mut slots = [0u8; SLOTS];
    let mut n = 0;
    for (i, &(h, w)) in words.iter().enumerate() {
        let mut s = (h >> (64 - SLOTS.trailing_zeros())) as usize; // the hash's top bits: FxHash mixes them best
        loop {
            match slots[s] {
                0 => {
                    slots[s] = i as u8 + 1;
                    n += 1;
                    break;
                }
                j if words[j as usize - 1].0 == h && words[j as usize - 1].1 == w => break,
                _ => s = (s + 1) % SLOTS,
            }
        }
    }
    n
}

/// The version of the feature set; bump it whenever names or their meaning change.
pub const FEATURE_SET_VERSION: u32 = 1;

/// The names of the features, in vector order.
pub fn feature_names() -> Vec<String> {
    let mut names: Vec<String> = FINDING_FEATURES.iter().map(|(name, _)| format!("findings.{name}")).collect();
    names.extend(
        [
            "lm.mean_logprob",
            "lm.min_logprob",
            "lm.oov_rate",
            "lm.unseen_bigram_rate",
            "stats.log_words",
            "stats.mean_word_length",
            "stats.type_token_ratio",
            "stats.comma_rate",
            "stats.capitalised_rate",
            "stats.number_rate",
            "stats.function_word_rate",
            "stats.long_word_rate",
            "stats.contraction_rate",
            "stats.quote_rate",
            "stats.paren_rate",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    names.extend(PROFILE_WORDS.iter().map(|w| format!("fw.{w}")));
    names.extend((1..=crate::profile::MAX_ORDER).map(|o| format!("profile.llr{o}")));
    names
}

/// Turns sentences into feature vectors and findings.
pub struct FeatureExtractor {
    detectors: Vec<Box<dyn Detector>>,
    fluency: &'static FluencyModel,
    /// The collocation detector runs apart from the others: it shares the fluency model's word lookups.
    collocations: Collocations<'static>,
}

impl Default for FeatureExtractor {
    fn default() -> Self {
        FeatureExtractor { detectors: default_detectors(), fluency: default_model(), collocations: Collocations::default() }
    }
}

impl FeatureExtractor {
    /// The findings and the full feature vector of sentence `index` of `doc`, with the model's profile.
    pub fn extract(&self, doc: &Document, index: usize, profile: &ProfileTable) -> (Vec<f32>, Vec<Finding>) {
        let (mut v, findings) = self.extract_base(doc, index);
        v.extend(profile.features(doc, index));
        (v, findings)
    }

    /// The findings and the features that do not depend on a trained model (all but the profile).
    pub fn extract_base(&self, doc: &Document, index: usize) -> (Vec<f32>, Vec<Finding>) {
        let words = self.fluency.sentence_ids(doc, index);
        // The fluency model's table lines load while the detectors run.
        self.fluency.prefetch(&words);
        let mut findings = Vec::new();
        run_detectors(&self.detectors, doc, index, &mut findings);
        self.collocations.detect_ids(doc, &words, &mut findings);
        findings.sort_by_key(|f| (f.start, f.end));
        let mut v = Vec::with_capacity(64);
        if findings.is_empty() {
            // Most sentences: every count is 0.
            v.extend([0.0f32; FINDING_FEATURES.len()]);
        } else {
            for (_, rules) in FINDING_FEATURES {
                let n = findings.iter().filter(|f| rules.iter().any(|r| f.rule.starts_with(r))).count();
                v.push((n as f32).min(3.0));
            }
        }
        let lm = self.fluency.score_ids(&words);
        v.extend([lm.mean_logprob, lm.min_logprob, lm.oov_rate, lm.unseen_bigram_rate]);

        let sentence = &doc.sentences[index];
        let mut words = 0usize;
        let mut letters = 0usize;
        let (mut capitalised, mut numbers, mut function, mut long, mut contractions) = (0, 0, 0, 0, 0);
        let (mut commas, mut quotes, mut parens) = (0, 0, 0);
        let mut profile = [0u32; PROFILE_WORDS.len()];
        // The distinct words are counted from (hash, word) pairs (see count_distinct): words are
        // compared only when their hashes are equal, so the count is exact (equal words need equal
        // hashes, nothing more).
        // The pairs of the first DISTINCT_ON_STACK words stay on the stack; a longer sentence's spill into
        // a vector.
        let mut distinct_firsts: [(u64, &[u8]); DISTINCT_ON_STACK] = [(0, &[]); DISTINCT_ON_STACK];
        let mut distinct_all: Vec<(u64, &[u8])> = Vec::new();
        // A word's lowercase text as bytes, sliced by its span: byte offsets need no test for
        // character boundaries, and every test below is one on bytes.
        let lower_text = doc.lower.as_bytes();
        // Most sentences are ASCII (a character per byte, and an apostrophe is '\'', not '’') without an
        // apostrophe: tested once for the sentence instead of for each word.
        let ascii = sentence.ascii;
        let ascii_apostrophes = ascii && sentence.span.slice(&doc.lower).as_bytes().contains(&b'\'');
        for (k, t) in sentence.tokens.iter().enumerate() {
            match t.kind {
                TokenKind::Word => {
                    let lower = &lower_text[t.span.start..t.span.end];
                    let (chars, maybe_apostrophe) = if ascii {
                        (lower.len(), ascii_apostrophes && lower.contains(&b'\''))
                    } else {
                        // One pass over the (short) word's bytes for both, instead of two searches.
                        let (high, ascii_apostrophe) = lower.iter().fold((0u8, false), |(high, a), &b| (high | b, a | (b == b'\'')));
                        if high < 0x80 {
                            (lower.len(), ascii_apostrophe)
                        } else {
                            // (the characters of UTF-8 text: its bytes that are not continuation bytes)
                            (lower.iter().filter(|&&b| (b as i8) >= -0x40).count(), true)
                        }
                    };
                    words += 1;
                    letters += chars;
                    if k > 0 && doc.starts_uppercase(t) {
                        capitalised += 1;
                    }
                    let (is_function, profile_index) = token_word_class(t.classes);
                    if is_function {
                        function += 1;
                    }
                    if let Some(p) = profile_index {
                        profile[p] += 1;
                    }
                    if chars >= 9 {
                        long += 1;
                    }
                    let apostrophe = maybe_apostrophe && (lower.contains(&b'\'') || lower.windows(3).any(|w| w == "’".as_bytes()));
                    if apostrophe && !lower.ends_with(b"'s") && !lower.ends_with("’s".as_bytes()) {
                        contractions += 1;
                    }
                    // A word's hash: from its vocabulary id when it has one (equal words have equal
                    // ids: the id is looked up by the word), else from its bytes.
                    let hash = if t.lm != crate::fluency::UNK { (t.lm as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) } else { rustc_hash::FxBuildHasher.hash_one(lower) };
                    if words <= DISTINCT_ON_STACK {
                        distinct_firsts[words - 1] = (hash, lower);
                    } else {
                        if distinct_all.is_empty() {
                            distinct_all.extend_from_slice(&distinct_firsts);
                        }
                        distinct_all.push((hash, lower));
                    }
                }
                TokenKind::Number => numbers += 1,
                // (by its bytes: a span of text needs no character-boundary tests to be compared)
                TokenKind::Punct => match &doc.text.as_bytes()[t.span.start..t.span.end] {
                    b"," => commas += 1,
                    b"\"" => quotes += 1,
                    b"(" | b")" => parens += 1,
                    b if b.len() > 1 && matches!(doc.tok(t), "“" | "”" | "«" | "»" | "„") => quotes += 1,
                    _ => {}
                },
            }
        }
        let distinct = if words <= DISTINCT_ON_STACK { count_distinct(&mut distinct_firsts[..words]) } else { count_distinct(&mut distinct_all) };
        let w = words.max(1) as f32;
        v.extend([
            (words as f32 + 1.0).ln(),
            letters as f32 / w,
            distinct as f32 / w,
            commas as f32 / w,
            capitalised as f32 / w,
            numbers as f32 / w,
            function as f32 / w,
            long as f32 / w,
            contractions as f32 / w,
            quotes as f32 / w,
            parens as f32 / w,
        ]);
        v.extend(profile.iter().map(|&c| c as f32 / w));
        (v, findings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_matches_names_and_is_finite() {
        let fx = FeatureExtractor::default();
        let names = feature_names();
        for text in ["", "Hello.", "It had stolen more than $ 300 million worth of coins, he said."] {
            let doc = Document::single_sentence(text);
            let (v, _) = fx.extract(&doc, 0, &ProfileTable::default());
            assert_eq!(v.len(), names.len());
            assert!(v.iter().all(|x| x.is_finite()), "{text}: {v:?}");
        }
    }

    #[test]
    fn token_classes_give_the_word_class() {
        let doc = Document::new("The bank of England said THE Banks, which it also trusted, will not, however, be here.");
        for t in doc.sentences[0].tokens.iter().filter(|t| t.kind == TokenKind::Word) {
            assert_eq!(token_word_class(t.classes), word_class(doc.low(t)), "{}", doc.low(t));
        }
        for w in FUNCTION_WORDS.iter().chain(PROFILE_WORDS) {
            assert_eq!(token_word_class(crate::detect::classes::of(w)), word_class(w), "{w}");
            // (the fluency model relies on this: folding apostrophes never makes a function word)
            assert!(!w.contains(['\'', '’']), "{w}");
        }
    }

    #[test]
    fn the_type_token_ratio_counts_every_word_of_long_sentences() {
        // Sentences on both sides of the words whose pairs stay on the stack (DISTINCT_ON_STACK).
        let extractor = FeatureExtractor::default();
        let at = feature_names().iter().position(|n| n == "stats.type_token_ratio").unwrap();
        let pool = ["river", "stone", "the", "quickly", "Xqzv", "blorft", "of", "and", "walked", "blue", "bleu"];
        for n in [1, 63, 64, 65, 66, 129, 300] {
            let words: Vec<String> = (0..n).map(|i| if i % 7 == 6 { format!("word{}", i % 50) } else { pool[i % pool.len()].to_string() }).collect();
            let text = format!("{}.", words.join(" "));
            let doc = Document::new(&text);
            assert_eq!(doc.sentences.len(), 1);
            let mut distinct: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            distinct.sort();
            distinct.dedup();
            let (v, _) = extractor.extract_base(&doc, 0);
            assert_eq!(v[at], distinct.len() as f32 / n as f32, "{n} words");
        }
    }

    #[test]
    fn distinct_words_are_counted_exactly() {
        let mut next = crate::test_rng::xorshift(0x0bad_cafe_1234_5678u64);
        let vocab = ["a", "b", "the", "The", "of", "ab", "ba", "x1", "", "long-word"];
        for round in 0..3000 {
            let n = round % 80;
            let mut words: Vec<(u64, &[u8])> = (0..n)
                .map(|_| {
                    let w = vocab[(next() % vocab.len() as u64) as usize];
                    // Colliding hashes for different words, now and then (the count must stay exact).
                    let h = if round % 3 == 0 { (next() % 4) << 58 } else { rustc_hash::FxBuildHasher.hash_one(w) };
                    (h, w.as_bytes())
                })
                .collect();
            let mut reference: Vec<&[u8]> = words.iter().map(|p| p.1).collect();
            reference.sort_unstable();
            reference.dedup();
            // (with colliding hashes, equal words may carry different hashes: count (hash, word) pairs)
            let mut pairs = words.clone();
            pairs.sort_unstable();
            pairs.dedup();
            let expected = if round % 3 == 0 { pairs.len() } else { reference.len() };
            assert_eq!(count_distinct(&mut words), expected, "round {round}");
        }
    }

    #[test]
    fn findings_are_counted_per_family() {
        let fx = FeatureExtractor::default();
        let doc = Document::new("It had stolen more than $ 300 million and $ 81 million.");
        let (v, findings) = fx.extract(&doc, 0, &ProfileTable::default());
        let typography = feature_names().iter().position(|n| n == "findings.typography").unwrap();
        assert_eq!(v[typography], 2.0);
        assert_eq!(findings.iter().filter(|f| f.rule == "typography/currency-space").count(), 2);
    }
}
