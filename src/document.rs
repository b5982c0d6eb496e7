//! A segmented, tokenised document: the one shared view every detector and feature reads.
//!
//! Tokenising once here (instead of inside each detector) keeps detectors small and consistent: they all see
//! the same words with the same byte offsets into the original text. Words follow UAX #29 word boundaries
//! (`unicode-segmentation`), with hyphenated compounds ("well-trained", "Jong-un") joined into one word,
//! because several artifacts (postposed adjectives, names) are about whole compounds.

use crate::detect::classes::{self, Classes};
use crate::fluency::UNK;
use crate::lexicon::english;
use crate::segment::{split_ascii_sentences, split_sentences, Span};
use crate::wordmap::{WordKey, WordMap};

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes, hyphens or digits ("don't", "well-trained", "Covid-19").
    Word,
    /// Digits, possibly with inner separators ("300,000", "2.5").
    Number,
    /// Anything else that is not whitespace: punctuation, symbols, currency signs.
    Punct,
}

/// A token: its kind and byte span in the document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// Whether whitespace comes right before this token (or it starts the sentence).
    pub space_before: bool,
    /// The English Zipf frequency of a word (apostrophes folded; 0 when unknown or not a word), looked up
    /// once here because several detectors and features need it.
    pub zipf: f32,
    /// The word's id in the default fluency model (its unknown-word id when it is not in the vocabulary
    /// or not a word), found by the same lookup as `zipf`.
    pub(crate) lm: u32,
    /// The detectors' word lists the lowercase word is on (none when not a word), found by one lookup
    /// here so that no detector compares words with its lists.
    pub(crate) classes: Classes,
}

/// One sentence: its span and its tokens.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub span: Span,
    pub tokens: Vec<Token>,
    /// Whether the sentence's text is ASCII (as tokenising found), for the features that count
    /// characters: most sentences are, and need no test of each word.
    pub(crate) ascii: bool,
    /// The number of its tokens that are words (counted while tokenising).
    pub(crate) words: usize,
}

impl Sentence {
    /// Tokenises the sentence `span` of `text` (`lower` is `text` lowercased with the same offsets).
    /// `ascii_text`: whether `text` is known to be ASCII (then so is the sentence).
    fn new(text: &str, lower: &str, span: Span, ascii_text: bool) -> Sentence {
        let (tokens, ascii, words) = tokenize_sentence(text, lower, span, ascii_text);
        Sentence { span, tokens, ascii, words }
    }
}

/// A document: the original text with its sentences.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    pub text: &'t str,
    /// `text` lowercased character by character with the same byte offsets (a character whose lowercase
    /// form has another UTF-8 length is kept as it is), so a token's span slices both.
    pub lower: String,
    pub sentences: Vec<Sentence>,
}

impl<'t> Document<'t> {
    /// Segments and tokenises `text`.
    pub fn new(text: &'t str) -> Self {
        // Most documents are ASCII: tested once here, not again by each step.
        let ascii = text.is_ascii();
        let (lower, sentences) = if ascii { (ascii_lowercase(text), split_ascii_sentences(text)) } else { (lowercase_same_offsets(text), split_sentences(text)) };
        let sentences = sentences.into_iter().map(|span| Sentence::new(text, &lower, span, ascii)).collect();
        Document { text, lower, sentences }
    }

    /// A single unit of text treated as one sentence (for sentence-level training data).
    pub fn single_sentence(text: &'t str) -> Self {
        Self::single_sentence_after(text, 0)
    }

    /// A unit of text treated as one sentence, read after the text before it in its document: `text[..start]`
    /// is segmented as usual (the context a reader has in view), `text[start..]` is the last sentence. For
    /// sentence-level training data whose records come in document order: rules that look back (pronoun
    /// carry-over) then see what they would see in a scanned document.
    pub fn single_sentence_after(text: &'t str, start: usize) -> Self {
        let lower = lowercase_same_offsets(text);
        let mut sentences: Vec<Sentence> = split_sentences(&text[..start])
            .into_iter()
            .map(|span| Sentence::new(text, &lower, span, false))
            .collect();
        let unit = &text[start..];
        let trimmed_start = start + unit.len() - unit.trim_start().len();
        let span = Span::new(trimmed_start, (start + unit.trim_end().len()).max(trimmed_start));
        sentences.push(Sentence::new(text, &lower, span, false));
        Document { text, lower, sentences }
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &'t str {
        span.slice(self.text)
    }

    /// The text of token `t`.
    pub fn tok(&self, t: &Token) -> &'t str {
        t.span.slice(self.text)
    }

    /// Whether token `t` (not empty) starts with an uppercase letter: an ASCII first byte is tested
    /// without slicing the token and decoding its first character.
    #[inline(always)]
    pub fn starts_uppercase(&self, t: &Token) -> bool {
        match self.text.as_bytes().get(t.span.start) {
            Some(&b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => self.tok(t).chars().next().is_some_and(char::is_uppercase),
        }
    }

    /// Whether token `t` (not empty) starts with a lowercase letter (tested as [`Document::starts_uppercase`]).
    #[inline(always)]
    pub fn starts_lowercase(&self, t: &Token) -> bool {
        match self.text.as_bytes().get(t.span.start) {
            Some(&b) if b.is_ascii() => b.is_ascii_lowercase(),
            _ => self.tok(t).chars().next().is_some_and(char::is_lowercase),
        }
    }

    /// The lowercase text of token `t`.
    pub fn low(&self, t: &Token) -> &str {
        t.span.slice(&self.lower)
    }

    /// The words (not numbers or punctuation) of sentence `i`, with their text.
    pub fn words(&self, i: usize) -> impl Iterator<Item = (&Token, &'t str)> + '_ {
        self.sentences[i].tokens.iter().filter(|t| t.kind == TokenKind::Word).map(move |t| (t, self.tok(t)))
    }
}

/// `word` with typographic apostrophes (’) folded to ASCII ones, for lookups in word tables: training
/// text and real pages differ in apostrophe style, and "it’s" is the same word as "it's".
#[inline]
pub fn fold_apostrophes(word: &str) -> std::borrow::Cow<'_, str> {
    // '’' is E2 80 99 in UTF-8: most words have no 0xE2 byte and need no search.
    if word.bytes().any(|b| b == 0xe2) && word.contains('’') {
        std::borrow::Cow::Owned(word.replace('’', "'"))
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// Lowercases `text` without changing any character's byte offset: a character whose lowercase form is
/// one character of the same UTF-8 length gets it. The ASCII bytes are lowercased in one pass, and only
/// the other characters (a few in a line of news) are decoded and looked up one by one.
pub fn lowercase_same_offsets(text: &str) -> String {
    let mut out = ascii_lowercase(text);
    if text.is_ascii() {
        return out;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|b| !b.is_ascii()) {
        let at = i + k;
        // (`at` is a character boundary: the bytes before it are ASCII or whole characters)
        let c = text[at..].chars().next().expect("a character starts at a non-ASCII byte");
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            if l != c && l.len_utf8() == c.len_utf8() {
                out.replace_range(at..at + c.len_utf8(), l.encode_utf8(&mut [0u8; 4]));
            }
        }
        i = at + c.len_utf8();
    }
    out
}

/// `text.to_ascii_lowercase()` (other characters are kept as they are).
fn ascii_lowercase(text: &str) -> String {
    let mut out = text.to_owned();
    out.make_ascii_lowercase();
    out
}

/// Tokenises the sentence `span` of `text` (`lower` is `text` lowercased with the same offsets).
pub fn tokenize(text: &str, lower: &str, span: Span) -> Vec<Token> {
    tokenize_sentence(text, lower, span, false).0
}

/// [`tokenize`], whether the sentence is ASCII (known when `ascii_text`, the whole text is), and its
/// number of words.
fn tokenize_sentence(text: &str, lower: &str, span: Span, ascii_text: bool) -> (Vec<Token>, bool, usize) {
    let sentence = span.slice(text);
    // News text has a token every 4 to 6 bytes: room for all of them at once, instead of 4 or 5 regrowths.
    let mut tokens: Vec<Token> = Vec::with_capacity(sentence.len() / 4 + 2);
    // Each token's word-table key (a default one for a token that is not a word), computed when the
    // token is cut and its table line prefetched, so that the line loads while the rest of the sentence
    // is tokenised.
    let mut keys: Vec<WordKey> = Vec::with_capacity(tokens.capacity());
    let table = word_table();
    // (the lowercase word's bytes by its span: byte offsets need no test for character boundaries)
    let lower_bytes = lower.as_bytes();
    let prefetched = |t: &Token| {
        let key = WordKey::of(&lower_bytes[t.span.start..t.span.end]);
        table.prefetch(&key);
        key
    };
    let pieces = if ascii_text { crate::uax29::spaced_ascii_word_bounds(sentence) } else { crate::uax29::spaced_word_bounds(sentence) };
    // (an ASCII sentence has no typographic apostrophe to fold: its words need no search for one)
    let ascii = pieces.is_ascii();
    for (piece, space_before) in pieces {
        // A piece that starts with an ASCII letter is a word (most are): no character tests.
        let kind = if sentence.as_bytes()[piece.start].is_ascii_alphabetic() { TokenKind::Word } else { classify(piece.slice(sentence)) };
        let token = Token { kind, span: Span::new(span.start + piece.start, span.start + piece.end), space_before, zipf: 0.0, lm: UNK, classes: Classes::NONE };
        // Join "well" "-" "trained" into one word when nothing separates them.
        let token = match join_hyphenated(text, &mut tokens, token) {
            Some(joined) => {
                keys.truncate(tokens.len());
                joined
            }
            None => token,
        };
        keys.push(if token.kind == TokenKind::Word { prefetched(&token) } else { WordKey::default() });
        tokens.push(token);
    }
    assert_eq!(keys.len(), tokens.len(), "a key per token");
    let fluency = crate::fluency::default_model();
    let symbols = crate::profile::vocabulary_symbols();
    // Most words are in the fluency model's vocabulary or on a word list: one lookup in the table of both.
    let mut words = 0;
    for (t, key) in tokens.iter_mut().zip(&keys).filter(|(t, _)| t.kind == TokenKind::Word) {
        words += 1;
        if !ascii {
            let low = t.span.slice(lower);
            if let std::borrow::Cow::Owned(folded) = fold_apostrophes(low) {
                // The word lists are looked up by the unfolded word, the vocabulary by the folded one.
                t.classes = classes::of(low);
                (t.lm, t.zipf) = fluency.word_info(&folded).unwrap_or_else(|| (UNK, english().zipf(&folded)));
                continue;
            }
        }
        (t.lm, t.zipf, t.classes) = table
            .get_keyed(&lower_bytes[t.span.start..t.span.end], key)
            .unwrap_or_else(|| (UNK, english().zipf_keyed(t.span.slice(lower), key), Classes::NONE));
        if t.lm != UNK {
            // What scoring reads by a vocabulary word's id (its profile symbol, its fluency statistics:
            // tables of the whole vocabulary, whose rarer words are not in the cache) starts loading,
            // so that it arrives while the rest of the document is tokenised.
            crate::profile::prefetch_vocabulary_symbol(symbols, t.lm);
            fluency.prefetch_word(t.lm);
        }
    }
    (tokens, ascii, words)
}

/// The default fluency model's vocabulary and the detectors' listed words, each with what a token of it
/// gets: its fluency id, its English Zipf frequency and its classes (a listed word outside the vocabulary
/// has the unknown-word id and its lexicon frequency; a vocabulary word on no list has no class). Built
/// once, so that a word (without typographic apostrophes) needs one lookup instead of two or three.
fn word_table() -> &'static WordMap<(u32, f32, Classes)> {
    static TABLE: std::sync::OnceLock<WordMap<(u32, f32, Classes)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let fluency = crate::fluency::default_model();
        let (words, bytes) = fluency.vocabulary().fold((0, 0), |(n, b), (w, _)| (n + 1, b + w.len()));
        let (listed, listed_bytes) = classes::listed().fold((0, 0), |(n, b), (w, _)| (n + 1, b + w.len()));
        // The vocabulary's words placed by their hashes (no lookups), with room for the listed words:
        // growing the table on the way would place every word a second time.
        let vocabulary = fluency.vocabulary_table();
        let mut table = vocabulary.map_values(words + listed, bytes + listed_bytes, |(id, zipf)| (id, zipf, Classes::NONE));
        for (w, c) in classes::listed() {
            if let Some(entry) = table.get_mut(w) {
                entry.2 = c;
            } else {
                // Listed words are valid UTF-8 (they come from `&str` lists).
                let zipf = std::str::from_utf8(w).map_or(0.0, |w| english().zipf(w));
                table.insert(w, (UNK, zipf, c));
            }
        }
        table
    })
}

fn classify(piece: &str) -> TokenKind {
    if piece.chars().any(char::is_alphabetic) {
        TokenKind::Word
    } else if piece.chars().next().is_some_and(|c| c.is_numeric()) {
        TokenKind::Number
    } else {
        TokenKind::Punct
    }
}

fn join_hyphenated(text: &str, tokens: &mut Vec<Token>, next: Token) -> Option<Token> {
    if next.space_before || next.kind == TokenKind::Punct || tokens.len() < 2 {
        return None;
    }
    let hyphen = tokens[tokens.len() - 1];
    let head = tokens[tokens.len() - 2];
    let is_hyphen = matches!(hyphen.span.slice(text), "-" | "‑");
    if !is_hyphen || hyphen.space_before || head.kind == TokenKind::Punct {
        return None;
    }
    if head.kind == TokenKind::Number && next.kind == TokenKind::Number {
        return None; // "2019-2020" is a range, not a compound
    }
    tokens.truncate(tokens.len() - 2);
    Some(Token { kind: TokenKind::Word, span: Span::new(head.span.start, next.span.end), space_before: head.space_before, zipf: 0.0, lm: UNK, classes: Classes::NONE })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_texts(text: &str) -> Vec<&str> {
        let doc = Document::new(text);
        doc.sentences.iter().flat_map(|s| s.tokens.iter().map(|t| doc.tok(t))).collect()
    }

    #[test]
    fn joins_hyphenated_compounds() {
        assert_eq!(token_texts("An army of well-trained hackers."), vec!["An", "army", "of", "well-trained", "hackers", "."]);
        assert_eq!(token_texts("Covid-19 spread"), vec!["Covid-19", "spread"]);
    }

    #[test]
    fn keeps_currency_and_numbers_apart() {
        let doc = Document::new("It stole $ 300,000 in 2019-2020.");
        let kinds: Vec<_> = doc.sentences[0].tokens.iter().map(|t| (doc.tok(t), t.kind, t.space_before)).collect();
        assert!(kinds.contains(&("$", TokenKind::Punct, true)));
        assert!(kinds.contains(&("300,000", TokenKind::Number, true)));
        assert!(kinds.contains(&("2019", TokenKind::Number, true)));
    }

    #[test]
    fn single_sentence_after_context() {
        let text = "Pyongyang denied it. Mr. Kim left. Talks between him and Washington stalled. Again.";
        let start = text.find("Talks").unwrap();
        let doc = Document::single_sentence_after(text, start);
        let spans: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(spans, ["Pyongyang denied it.", "Mr. Kim left.", "Talks between him and Washington stalled. Again."]);
        let alone = Document::single_sentence("  One. Two.  ");
        assert_eq!(alone.sentences.len(), 1);
        assert_eq!(alone.slice(alone.sentences[0].span), "One. Two.");
        assert_eq!(Document::single_sentence("").sentences.len(), 1);
    }

    #[test]
    fn ascii_lowercase_is_to_ascii_lowercase() {
        let all: String = (0u8..128).map(char::from).collect();
        for text in [all.as_str(), "", "ABC", "Hello, World! @[`{ AZaz 0123456789 The End."] {
            for start in 0..text.len().min(9) {
                assert_eq!(ascii_lowercase(&text[start..]), text[start..].to_ascii_lowercase());
            }
        }
    }

    #[test]
    fn lowercase_is_that_of_each_character_of_the_same_length() {
        let reference = |text: &str| -> String {
            text.chars()
                .map(|c| {
                    let mut lower = c.to_lowercase();
                    match (lower.next(), lower.next()) {
                        (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                        _ => c,
                    }
                })
                .collect()
        };
        let mut next = crate::test_rng::xorshift(0x5851_f42d_4c95_7f2du64);
        let alphabet: Vec<char> = "aZ .’“ÀÉİßẞΣΩЖǅⅫⒶ\u{130}\u{1e9e}K".chars().chain((0x80u32..0x600).filter_map(char::from_u32)).collect();
        for _ in 0..5000 {
            let len = (next() % 20) as usize;
            let text: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            assert_eq!(lowercase_same_offsets(&text), reference(&text), "{text:?}");
        }
    }

    #[test]
    fn lowercase_keeps_offsets() {
        let text = "İstanbul ÜBER Straße TRATÓ";
        let lower = lowercase_same_offsets(text);
        assert_eq!(lower.len(), text.len());
        assert!(lower.ends_with("über straße trató"));
    }

    #[test]
    fn token_spans_are_document_offsets() {
        let text = "First one. Second “quote” here.";
        let doc = Document::new(text);
        assert_eq!(doc.sentences.len(), 2);
        let quote = doc.sentences[1].tokens.iter().find(|t| doc.tok(t) == "quote").unwrap();
        assert_eq!(&text[quote.span.start..quote.span.end], "quote");
        assert!(!quote.space_before);
    }
}
