//! A word-bigram fluency model of human English, and the unusual-collocation signal built on it.
//!
//! MT output is fluent word by word but strings words together in ways human writers rarely do ("piracy
//! attack", "cough up human cells"), while original English has its own, higher, rate of rare but natural
//! word pairs. An interpolated Kneser-Ney bigram model trained on human English only (never on MT, never on
//! evaluation data) measures both: per-sentence log-probabilities, the share of word pairs it has never
//! seen, and collocations of two common words that it never saw together although their frequencies say it
//! should have. The model is built by `mtlint build-fluency` from `data/build/lm_human.txt` (see
//! `data/lexicon/README.md`) into `models/fluency.bin`, a small binary table embedded in the binary.

use crate::detect::classes::Classes;
use crate::detect::{Detector, Family, Finding};
use crate::document::{fold_apostrophes, Document, Token, TokenKind};
use std::borrow::Cow;
use crate::error::Error;
use crate::wordmap::WordMap;
use rustc_hash::FxHashMap;
use std::io::{BufRead, Write};
use std::sync::OnceLock;

mod bigrams;
use bigrams::{Layout, WordStats, BIGRAM_SLOTS, EMPTY_KEY};
pub(crate) use bigrams::UNK;

const MAGIC: &[u8; 4] = b"MTLM";
const FORMAT_VERSION: u32 = 1;
/// Words seen fewer times are out of vocabulary.
const MIN_WORD_COUNT: u32 = 2;
/// Bigrams seen fewer times are not stored (their mass goes to the back-off).
const MIN_BIGRAM_COUNT: u32 = 2;
const BOS: u32 = 0;
const EOS: u32 = 1;
const NUM: u32 = 2;
const SPECIALS: [&str; 4] = ["<s>", "</s>", "<num>", "<unk>"];

/// A word of a sentence as the fluency model sees it.
#[derive(Debug, Clone, Copy)]
pub struct LmWord<'d> {
    pub token: &'d Token,
    pub id: u32,
    pub function: bool,
}

/// The bigram model.
pub struct FluencyModel {
    /// Each vocabulary word's id and its English Zipf frequency (what `lexicon::english().zipf` gives),
    /// so that a token needs one lookup for both (see [`FluencyModel::word_info`]).
    vocab: WordMap<(u32, f32)>,
    stats: Vec<WordStats>,
    /// Whether each vocabulary word is a function word (see [`is_function_word`]), by id.
    function: Vec<bool>,
    bigrams: Bigrams,
    total_tokens: u64,
    total_bigram_types: u64,
}

/// The stored bigrams by (previous id, id): each one's count and log10 probability.
enum Bigrams {
    /// When every id fits in 16 bits (the vocabulary has fewer than 65,535 words): `prev << 16 | id` keys
    /// in an open-addressing table of 64-byte buckets (eight keys, then their eight log-probabilities),
    /// filled in order, so a lookup usually reads one cache line and stops at the first empty slot. The
    /// counts are in a table of their own, by bucket and slot: scoring does not read them.
    Packed(Layout),
    /// Larger vocabularies.
    Wide(FxHashMap<u64, (u32, f32)>),
}

impl Bigrams {
    /// A table of `entries` (key, count) of a vocabulary of `stats.len()` words; of equal keys the last
    /// counts.
    fn new(stats: &[WordStats], total_bigram_types: u64, entries: impl ExactSizeIterator<Item = (u64, u32)>) -> Bigrams {
        let log_prob = |prev: u32, id: u32, count: u32| bigrams::log_prob(stats, total_bigram_types, prev, id, count);
        if stats.len() >= 0xffff {
            return Bigrams::Wide(entries.map(|(k, c)| (k, (c, log_prob((k >> 32) as u32, k as u32, c)))).collect());
        }
        Bigrams::Packed(bigrams::lay_out(entries, log_prob))
    }

    /// The bucket and slot of (a, b) in a packed table, when it is stored.
    #[inline(always)]
    fn find(layout: &Layout, a: u32, b: u32) -> Option<(usize, usize)> {
        let packed = a << 16 | b;
        let mask = layout.buckets.len() - 1;
        let mut i = bigrams::home(packed, layout.shift);
        loop {
            let bucket = &layout.buckets[i];
            for slot in 0..BIGRAM_SLOTS {
                if bucket.keys[slot] == packed {
                    return Some((i, slot));
                }
                if bucket.keys[slot] == EMPTY_KEY {
                    return None;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// How often (a, b) was seen in training (0: not stored).
    #[cfg(test)]
    fn get(&self, a: u32, b: u32) -> u32 {
        match self {
            Bigrams::Packed(layout) => Self::find(layout, a, b).map_or(0, |(i, slot)| layout.counts[i][slot]),
            Bigrams::Wide(map) => map.get(&key(a, b)).map_or(0, |e| e.0),
        }
    }

    /// The log10 probability of a stored bigram (a, b), as [`bigrams::log_prob`] gives it (`None`: not
    /// stored).
    #[inline(always)]
    fn seen_log_prob(&self, a: u32, b: u32) -> Option<f32> {
        match self {
            Bigrams::Packed(layout) => Self::find(layout, a, b).map(|(i, slot)| layout.buckets[i].log_probs[slot]),
            Bigrams::Wide(map) => map.get(&key(a, b)).map(|e| e.1),
        }
    }

    /// Starts loading the home bucket of (a, b) (see [`crate::prefetch`]).
    fn prefetch(&self, a: u32, b: u32) {
        if let Bigrams::Packed(layout) = self {
            if let Some(bucket) = layout.buckets.get(bigrams::home(a << 16 | b, layout.shift)) {
                crate::prefetch::prefetch(bucket);
            }
        }
    }

    /// All (key, count) entries, sorted by key.
    fn sorted(&self) -> Vec<(u64, u32)> {
        let mut out: Vec<(u64, u32)> = match self {
            Bigrams::Packed(layout) => layout
                .buckets
                .iter()
                .zip(&layout.counts)
                .flat_map(|(b, counts)| b.keys.iter().zip(counts))
                .filter(|(k, _)| **k != EMPTY_KEY)
                .map(|(k, c)| (key(k >> 16, k & 0xffff), *c))
                .collect(),
            Bigrams::Wide(map) => map.iter().map(|(k, (c, _))| (*k, *c)).collect(),
        };
        out.sort_unstable();
        out
    }
}

/// What the fluency model says about one sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FluencyScores {
    /// Mean log10 probability per token (including the end of sentence).
    pub mean_logprob: f32,
    /// The lowest log10 probability of any token.
    pub min_logprob: f32,
    /// Share of words outside the vocabulary.
    pub oov_rate: f32,
    /// Share of in-vocabulary word pairs never seen in training.
    pub unseen_bigram_rate: f32,
}

fn key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// The LM token stream of a sentence: lowercase words (apostrophes folded), numbers as one class, no
/// punctuation.
fn lm_tokens<'d>(doc: &'d Document, tokens: &'d [Token]) -> impl Iterator<Item = (&'d Token, Cow<'d, str>)> + 'd {
    tokens.iter().filter(|t| t.kind != TokenKind::Punct).map(move |t| {
        let text = if t.kind == TokenKind::Number { Cow::Borrowed("<num>") } else { fold_apostrophes(doc.low(t)) };
        (t, text)
    })
}

impl FluencyModel {
    fn id(&self, word: &str) -> u32 {
        if word == "<num>" {
            return NUM;
        }
        self.vocab.get(word.as_bytes()).map_or(UNK, |(id, _)| id)
    }

    /// The id and English Zipf frequency of a vocabulary word (lowercase, apostrophes folded).
    pub(crate) fn word_info(&self, word: &str) -> Option<(u32, f32)> {
        self.vocab.get(word.as_bytes())
    }

    /// The vocabulary words with their ids and English Zipf frequencies, in no particular order.
    pub(crate) fn vocabulary(&self) -> impl Iterator<Item = (&[u8], (u32, f32))> + '_ {
        self.vocab.iter()
    }

    /// The vocabulary's table: each word's id and English Zipf frequency.
    pub(crate) fn vocabulary_table(&self) -> &WordMap<(u32, f32)> {
        &self.vocab
    }

    /// Builds the lookup tables of a model. `english_zipf` is each word's English frequency by id, when
    /// it is known (build.rs works it out for the embedded model); else each word is looked up.
    fn assemble(words: Vec<(&str, u32)>, stats: Vec<WordStats>, bigrams: Bigrams, total_tokens: u64, total_bigram_types: u64, english_zipf: Option<&[f32]>) -> Self {
        let arena = words.iter().map(|(w, _)| w.len()).sum();
        let mut vocab = WordMap::with_capacity(words.len(), arena);
        let mut function = vec![false; stats.len()];
        // Each word's English frequency (0 when the lexicon does not have it).
        let zipf = |w: &str, id: u32| match english_zipf {
            Some(by_id) => by_id[id as usize],
            None => crate::lexicon::english().zipf(w),
        };
        for (w, id) in &words {
            vocab.insert(w.as_bytes(), (*id, zipf(w, *id)));
            function[*id as usize] = is_function_word(w);
        }
        FluencyModel { vocab, stats, function, bigrams, total_tokens, total_bigram_types }
    }

    /// Starts loading the statistics of word `id` (see [`crate::prefetch`]), which scoring a sentence
    /// with the word reads: tokenising calls it for each word it finds in the vocabulary.
    pub(crate) fn prefetch_word(&self, id: u32) {
        if let Some(stats) = self.stats.get(id as usize) {
            crate::prefetch::prefetch(stats);
        }
    }

    fn count(&self, id: u32) -> u32 {
        self.stats[id as usize].count
    }

    /// log10 P(w | prev), interpolated Kneser-Ney.
    pub fn logprob(&self, prev: u32, w: u32) -> f32 {
        self.logprob_seen(prev, w).0
    }

    /// log10 P(w | prev), and whether the bigram is stored: a stored one's log-probability was worked
    /// out when the table was laid out.
    #[inline(always)]
    fn logprob_seen(&self, prev: u32, w: u32) -> (f32, bool) {
        match self.bigrams.seen_log_prob(prev, w) {
            Some(lp) => (lp, true),
            None => (bigrams::log_prob(&self.stats, self.total_bigram_types, prev, w, 0), false),
        }
    }

    /// The words of sentence `index` with their vocabulary ids and whether each is a function word:
    /// looked up once, shared by [`FluencyModel::score_ids`] and [`Collocations::detect_ids`].
    pub fn sentence_ids<'d>(&self, doc: &'d Document, index: usize) -> Vec<LmWord<'d>> {
        let tokens = &doc.sentences[index].tokens;
        if std::ptr::eq(self, default_model()) {
            // Tokenising looked every word up in this model already (Token::lm). Room for every token at
            // once: collecting the filtered tokens would grow the vector several times.
            let mut words = Vec::with_capacity(tokens.len());
            for token in tokens {
                let id = match token.kind {
                    TokenKind::Punct => continue,
                    TokenKind::Number => NUM,
                    TokenKind::Word => token.lm,
                };
                // Every word's class is in its token's classes (looked up by the unfolded lowercase
                // word, which is the same: no function word has an apostrophe), so the table by id
                // is not read (see the test tokens_carry_the_function_word_class_of_the_vocabulary).
                let function = token.classes.has(Classes::FUNCTION_WORD);
                words.push(LmWord { token, id, function });
            }
            return words;
        }
        lm_tokens(doc, tokens)
            .map(|(token, text)| {
                let id = self.id(&text);
                // A vocabulary word's class is known by its id; only unknown words are looked up.
                let function = if id == UNK { is_function_word(&text) } else { self.function[id as usize] };
                LmWord { token, id, function }
            })
            .collect()
    }

    /// Scores sentence `index` of `doc`.
    pub fn score(&self, doc: &Document, index: usize) -> FluencyScores {
        let words = self.sentence_ids(doc, index);
        self.prefetch(&words);
        self.score_ids(&words)
    }

    /// Starts loading the bigram-table lines that scoring `words_of_sentence` reads (and the
    /// collocation test, which reads some of the same), so that they arrive while the caller does other
    /// work: call it as soon as the words are known.
    pub fn prefetch(&self, words_of_sentence: &[LmWord]) {
        let mut prev = BOS;
        for w in words_of_sentence {
            self.bigrams.prefetch(prev, w.id);
            prev = w.id;
        }
        self.bigrams.prefetch(prev, EOS);
    }

    /// Scores a sentence from its [`FluencyModel::sentence_ids`] (faster after [`FluencyModel::prefetch`]).
    pub fn score_ids(&self, words_of_sentence: &[LmWord]) -> FluencyScores {
        let mut prev = BOS;
        let (mut sum, mut min, mut n) = (0.0f32, 0.0f32, 0usize);
        let (mut words, mut oov, mut pairs, mut unseen) = (0usize, 0usize, 0usize, 0usize);
        for w in words_of_sentence {
            let id = w.id;
            let (lp, seen) = self.logprob_seen(prev, id);
            sum += lp;
            min = min.min(lp);
            n += 1;
            words += 1;
            if id == UNK {
                oov += 1;
            } else if prev > UNK {
                pairs += 1;
                if !seen {
                    unseen += 1;
                }
            }
            prev = id;
        }
        let lp = self.logprob(prev, EOS);
        sum += lp;
        min = min.min(lp);
        n += 1;
        FluencyScores {
            mean_logprob: sum / n as f32,
            min_logprob: min,
            oov_rate: if words == 0 { 0.0 } else { oov as f32 / words as f32 },
            unseen_bigram_rate: if pairs == 0 { 0.0 } else { unseen as f32 / pairs as f32 },
        }
    }

    /// Trains a model from sentences, one per line.
    pub fn train<R: BufRead>(input: R, mut progress: impl FnMut(u64)) -> Result<Self, Error> {
        let mut word_counts: FxHashMap<String, u32> = FxHashMap::default();
        let mut sentences: Vec<Vec<String>> = Vec::new();
        for (i, line) in input.lines().enumerate() {
            let line = line.map_err(|e| Error::io("fluency training text", e))?;
            let doc = Document::single_sentence(&line);
            let words: Vec<String> = lm_tokens(&doc, &doc.sentences[0].tokens).map(|(_, w)| w.into_owned()).collect();
            for w in &words {
                *word_counts.entry(w.clone()).or_default() += 1;
            }
            sentences.push(words);
            if i % 100_000 == 0 {
                progress(i as u64);
            }
        }
        let mut vocab_words: Vec<(String, u32)> =
            word_counts.into_iter().filter(|(w, c)| *c >= MIN_WORD_COUNT && !SPECIALS.contains(&w.as_str())).collect();
        vocab_words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        for (i, s) in SPECIALS.iter().enumerate() {
            vocab.insert(s.to_string(), i as u32);
        }
        for (w, _) in &vocab_words {
            let id = vocab.len() as u32;
            vocab.insert(w.clone(), id);
        }
        let mut stats = vec![WordStats::default(); vocab.len()];
        let mut all_bigrams: FxHashMap<u64, u32> = FxHashMap::default();
        let mut total_tokens = 0u64;
        for words in &sentences {
            let mut prev = BOS;
            stats[BOS as usize].count += 1;
            for w in words.iter().map(|w| vocab.get(w.as_str()).copied().unwrap_or(UNK)).chain(std::iter::once(EOS)) {
                stats[w as usize].count += 1;
                total_tokens += 1;
                *all_bigrams.entry(key(prev, w)).or_default() += 1;
                prev = w;
            }
        }
        for &k in all_bigrams.keys() {
            stats[(k >> 32) as usize].followers += 1;
            stats[(k & 0xffff_ffff) as usize].predecessors += 1;
        }
        let total_bigram_types = all_bigrams.len() as u64;
        let bigrams: Vec<(u64, u32)> = all_bigrams.into_iter().filter(|(_, c)| *c >= MIN_BIGRAM_COUNT).collect();
        let words: Vec<(&str, u32)> = vocab.iter().map(|(w, id)| (w.as_str(), *id)).collect();
        // The bigrams first: the English lexicon the vocabulary needs may still be loading elsewhere.
        let bigrams = Bigrams::new(&stats, total_bigram_types, bigrams.into_iter());
        Ok(FluencyModel::assemble(words, stats, bigrams, total_tokens, total_bigram_types, None))
    }

    /// Writes the model in its binary format (deterministic: sorted tables).
    pub fn write<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        let mut words: Vec<(&[u8], u32)> = self.vocab.iter().map(|(w, (id, _))| (w, id)).collect();
        words.sort_by_key(|(_, id)| *id);
        out.write_all(MAGIC)?;
        out.write_all(&FORMAT_VERSION.to_le_bytes())?;
        out.write_all(&self.total_tokens.to_le_bytes())?;
        out.write_all(&self.total_bigram_types.to_le_bytes())?;
        out.write_all(&(words.len() as u32).to_le_bytes())?;
        for (w, id) in words {
            let s = self.stats[id as usize];
            let bytes = w;
            out.write_all(&[bytes.len().min(255) as u8])?;
            out.write_all(&bytes[..bytes.len().min(255)])?;
            for v in [s.count, s.followers, s.predecessors] {
                out.write_all(&v.to_le_bytes())?;
            }
        }
        let bigrams = self.bigrams.sorted();
        out.write_all(&(bigrams.len() as u32).to_le_bytes())?;
        for (k, c) in bigrams {
            out.write_all(&k.to_le_bytes())?;
            out.write_all(&c.to_le_bytes())?;
        }
        Ok(())
    }

    /// Reads a model written by [`FluencyModel::write`].
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        FluencyModel::read_with(bytes, None, None)
    }

    /// [`FluencyModel::read`], with the English frequency of each word by id when it is known
    /// (`english_zipf`, one per word of the file, as `lexicon::english().zipf` gives them) and the
    /// bigram table laid out when it is (`bigrams::layout_bytes` of the file's bigrams: build.rs lays
    /// out the embedded model's).
    fn read_with(bytes: &[u8], english_zipf: Option<&[f32]>, laid_out_bigrams: Option<&[u8]>) -> Result<Self, Error> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(4)? != MAGIC {
            return Err(Error::Model("fluency model: not an mtlint fluency model (bad magic)".into()));
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(Error::Model(format!("fluency model: format version {version}, this build reads {FORMAT_VERSION}")));
        }
        let total_tokens = r.u64()?;
        let total_bigram_types = r.u64()?;
        let n_words = r.u32()? as usize;
        let mut words = Vec::with_capacity(n_words);
        let mut stats = Vec::with_capacity(n_words);
        for id in 0..n_words {
            let len = r.take(1)?[0] as usize;
            let word = std::str::from_utf8(r.take(len)?).map_err(|_| Error::Model("fluency model: a word is not UTF-8".into()))?;
            words.push((word, id as u32));
            stats.push(WordStats { count: r.u32()?, followers: r.u32()?, predecessors: r.u32()? });
        }
        if n_words < SPECIALS.len() {
            return Err(Error::Model("fluency model: vocabulary is missing its special tokens".into()));
        }
        let n_bigrams = r.u32()? as usize;
        let table = r.take(n_bigrams.checked_mul(12).ok_or_else(|| Error::Model("fluency model: file is truncated".into()))?)?;
        let bigrams = table
            .chunks_exact(12)
            .map(|e| (u64::from_le_bytes(e[..8].try_into().expect("8 bytes")), u32::from_le_bytes(e[8..].try_into().expect("4 bytes"))));
        if bigrams.clone().any(|(k, _)| (k >> 32) as usize >= n_words || (k & 0xffff_ffff) as usize >= n_words) {
            return Err(Error::Model("fluency model: a bigram names an unknown word".into()));
        }
        if english_zipf.is_some_and(|z| z.len() != n_words) {
            return Err(Error::Model("fluency model: English frequencies for another vocabulary".into()));
        }
        let bigrams = match laid_out_bigrams.filter(|_| n_words < 0xffff).and_then(bigrams::from_layout_bytes) {
            Some(layout) => Bigrams::Packed(layout),
            None => Bigrams::new(&stats, total_bigram_types, bigrams),
        };
        Ok(FluencyModel::assemble(words, stats, bigrams, total_tokens, total_bigram_types, english_zipf))
    }

    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// One more than the largest word id (the special ids included).
    pub(crate) fn id_count(&self) -> usize {
        self.stats.len()
    }
}

struct Reader<'b> {
    bytes: &'b [u8],
    pos: usize,
}

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], Error> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| Error::Model("fluency model: file is truncated".into()))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
}

/// The embedded default fluency model.
pub fn default_model() -> &'static FluencyModel {
    static MODEL: OnceLock<FluencyModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        // Each word's English frequency by id, which build.rs looked up (see `lexicon::english`).
        let zipf: Vec<f32> = include_bytes!(concat!(env!("OUT_DIR"), "/fluency_english_zipf.bin"))
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let bigrams = include_bytes!(concat!(env!("OUT_DIR"), "/fluency_bigrams.bin"));
        FluencyModel::read_with(include_bytes!("../models/fluency.bin"), Some(&zipf), Some(bigrams)).expect("the embedded fluency model is valid (checked by tests)")
    })
}

/// Unusual collocations: two common words side by side that human English never puts together.
pub struct Collocations<'m> {
    model: &'m FluencyModel,
    /// Both words must be at least this frequent in the training text.
    pub min_word_count: u32,
    /// The pair's expected count under independence must reach this for its absence to be telling. 3:
    /// "never seen" also covers pairs seen once (bigrams seen once are not stored), and at 1.5 the finding
    /// fired on 15.5 of every 1,000 original news sentences against 10.6 of neural MT; at 3 it fires on
    /// 2.3 against 2.6 (and 4.7 of round trips), so a finding is evidence of MT rather than of chance
    /// (training split, `scripts/head_analysis.py` part 4).
    pub min_expected: f32,
}

impl Default for Collocations<'static> {
    fn default() -> Self {
        Collocations::new(default_model())
    }
}

impl<'m> Collocations<'m> {
    pub fn new(model: &'m FluencyModel) -> Self {
        Collocations { model, min_word_count: 30, min_expected: 3.0 }
    }
}

/// Words too grammatical to make a collocation.
fn is_function_word(w: &str) -> bool {
    crate::features::word_class(w).0
}

impl Detector for Collocations<'_> {
    fn family(&self) -> Family {
        Family::Collocation
    }

    fn description(&self) -> &'static str {
        "pairs of common content words that the human-English fluency model never saw together"
    }

    fn detect(&self, doc: &Document, index: usize, out: &mut Vec<Finding>) {
        self.detect_ids(doc, &self.model.sentence_ids(doc, index), out);
    }
}

impl Collocations<'_> {
    /// [`Detector::detect`] from the sentence's [`FluencyModel::sentence_ids`] (computed by the model
    /// this detector uses).
    pub fn detect_ids(&self, doc: &Document, words: &[LmWord], out: &mut Vec<Finding>) {
        let m = self.model;
        let total = m.total_tokens.max(1) as f32;
        for pair in words.windows(2) {
            let (p, w) = (&pair[0], &pair[1]);
            let (pt, pid, t, id) = (p.token, p.id, w.token, w.id);
            {
                // The cheapest test first (the others look at the text).
                let content = !p.function && !w.function && id > UNK && pid > UNK;
                let adjacent = || {
                    // (most gaps are one space: tested as bytes before trimming)
                    let gap = &doc.text[pt.span.end..t.span.start];
                    gap.bytes().all(|b| b == b' ') || gap.trim().is_empty()
                };
                let capitalised = || {
                    doc.starts_uppercase(t) || doc.starts_uppercase(pt)
                };
                if content && !capitalised() && adjacent() {
                    let (ca, cb) = (m.count(pid), m.count(id));
                    let expected = ca as f32 * cb as f32 / total;
                    if ca >= self.min_word_count && cb >= self.min_word_count && expected >= self.min_expected && m.bigrams.seen_log_prob(pid, id).is_none() {
                        out.push(Finding::new(
                            Family::Collocation,
                            "unusual-collocation",
                            pt.span.start,
                            t.span.end,
                            format!(
                                "\"{} {}\" is an unusual collocation: both words are common in human English, but never together (expected {:.0} times)",
                                doc.tok(pt),
                                doc.tok(t),
                                expected
                            ),
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

    fn tiny() -> FluencyModel {
        let text = "the company said the attack failed\nthe company said it would invest\nthe attack on the company failed\n".repeat(5);
        FluencyModel::train(text.as_bytes(), |_| {}).unwrap()
    }

    #[test]
    fn seen_text_is_more_fluent_than_scrambled_text() {
        let m = tiny();
        let good = Document::new("The company said the attack failed.");
        let bad = Document::new("Failed attack the said company the.");
        assert!(m.score(&good, 0).mean_logprob > m.score(&bad, 0).mean_logprob);
        assert_eq!(m.score(&good, 0).unseen_bigram_rate, 0.0);
        assert!(m.score(&bad, 0).unseen_bigram_rate > 0.5);
    }

    #[test]
    fn bigram_tables_agree_with_a_map() {
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1du64);
        for vocabulary in [50u32, 60_000, 70_000] {
            let entries: Vec<(u64, u32)> = (0..5000).map(|_| (key(next() as u32 % vocabulary, next() as u32 % vocabulary), next() as u32 % 100)).collect();
            let reference: FxHashMap<u64, u32> = entries.iter().copied().collect();
            let stats: Vec<WordStats> = (0..vocabulary).map(|_| WordStats { count: next() as u32 % 500, followers: next() as u32 % 50, predecessors: next() as u32 % 50 }).collect();
            let table = Bigrams::new(&stats, 40_000, entries.clone().into_iter());
            assert_eq!(matches!(table, Bigrams::Packed(_)), vocabulary < 0xffff);
            // Each stored bigram with its count and the log-probability of that count; the others with none.
            let stored_as = |a: u32, b: u32, count: Option<&u32>| {
                assert_eq!(table.get(a, b), count.copied().unwrap_or(0));
                let log_prob = count.map(|&c| bigrams::log_prob(&stats, 40_000, a, b, c).to_bits());
                assert_eq!(table.seen_log_prob(a, b).map(f32::to_bits), log_prob);
            };
            for a in 0..50 {
                for b in 0..50 {
                    stored_as(a, b, reference.get(&key(a, b)));
                }
            }
            for (k, _) in &entries {
                stored_as((k >> 32) as u32, *k as u32, Some(&reference[k]));
            }
            let mut sorted: Vec<(u64, u32)> = reference.into_iter().collect();
            sorted.sort_unstable();
            assert_eq!(table.sorted(), sorted);
        }
    }

    #[test]
    fn write_read_round_trip_is_exact() {
        let m = tiny();
        let mut bytes = Vec::new();
        m.write(&mut bytes).unwrap();
        let back = FluencyModel::read(&bytes).unwrap();
        let mut again = Vec::new();
        back.write(&mut again).unwrap();
        assert_eq!(bytes, again);
        let doc = Document::new("The attack said it would fail.");
        assert_eq!(m.score(&doc, 0), back.score(&doc, 0));
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        let m = tiny();
        let mut bytes = Vec::new();
        m.write(&mut bytes).unwrap();
        assert!(FluencyModel::read(&bytes[..bytes.len() - 3]).is_err());
        assert!(FluencyModel::read(b"JUNKJUNK").is_err());
    }

    #[test]
    fn tokens_carry_the_function_word_class_of_the_vocabulary() {
        // What sentence_ids relies on to take a word's function-word flag from its token's classes.
        assert!(crate::features::FUNCTION_WORDS.iter().all(|w| !w.contains(['\'', '’'])));
        let m = default_model();
        for (word, (id, _)) in m.vocabulary() {
            let word = std::str::from_utf8(word).unwrap();
            assert_eq!(m.function[id as usize], crate::detect::classes::of(word).has(Classes::FUNCTION_WORD), "{word}");
        }
        assert!(!m.function[NUM as usize] && !m.function[UNK as usize]);
    }

    #[test]
    fn the_english_frequencies_build_rs_looked_up_are_the_lexicons() {
        let m = default_model();
        let english = crate::lexicon::english();
        for (word, (_, zipf)) in m.vocabulary() {
            let word = std::str::from_utf8(word).unwrap();
            assert_eq!(zipf.to_bits(), english.zipf(word).to_bits(), "{word}");
        }
        let read = FluencyModel::read(include_bytes!("../models/fluency.bin")).unwrap();
        assert!(read.vocabulary().all(|(word, info)| m.word_info(std::str::from_utf8(word).unwrap()) == Some(info)));
        assert!(FluencyModel::read_with(include_bytes!("../models/fluency.bin"), Some(&[0.0; 3]), None).is_err());
    }

    #[test]
    fn the_bigram_table_build_rs_laid_out_is_the_files() {
        let read = FluencyModel::read(include_bytes!("../models/fluency.bin")).unwrap();
        assert_eq!(default_model().bigrams.sorted(), read.bigrams.sorted());
        // The same bytes: the log-probabilities build.rs worked out are those this build works out.
        match (&default_model().bigrams, &read.bigrams) {
            (Bigrams::Packed(embedded), Bigrams::Packed(computed)) => {
                assert_eq!(bigrams::layout_bytes(embedded), bigrams::layout_bytes(computed));
                assert_eq!(bigrams::layout_bytes(embedded).as_slice(), include_bytes!(concat!(env!("OUT_DIR"), "/fluency_bigrams.bin")));
            }
            _ => panic!("the embedded model's ids fit in 16 bits"),
        }
        assert!(bigrams::from_layout_bytes(&[1, 0, 0, 0, 9]).is_none());
    }

    #[test]
    fn embedded_model_loads_and_knows_news_words() {
        let m = default_model();
        assert!(m.vocabulary_size() > 10_000);
        let doc = Document::new("The government said on Tuesday that it would raise taxes.");
        let s = m.score(&doc, 0);
        assert!(s.oov_rate < 0.1, "{s:?}");
    }

    #[test]
    fn flags_common_words_never_seen_together() {
        let m = tiny();
        let detector = Collocations { model: &m, min_word_count: 5, min_expected: 0.5 };
        let found = crate::detect::testutil::run(&detector, "The attack company failed.");
        assert_eq!(found, vec![("collocation/unusual-collocation".to_string(), "attack company".to_string())]);
        assert!(crate::detect::testutil::run(&detector, "The company said the attack failed.").is_empty());
    }
}
