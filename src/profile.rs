//! The function-word / word-shape profile: the statistical fingerprint of MT in fluent sentences.
//!
//! Each token becomes a topic-free symbol: frequent English words stay as they are (they are mostly
//! function words and the glue of syntax), rarer words become their shape (`<Cap>` for a name, `<w-ing>`,
//! `<w-ed>`, `<w-tion>`... by suffix, `<num>`), quote marks one symbol. Word n-grams of these symbols
//! (orders 1 to 3) capture word order and function-word habits without the topic of the text, which is
//! what separates MT from human English across domains (cf. the function-word and POS n-gram features of
//! the MT-detection literature). A naive-Bayes log-count ratio per n-gram, learned from the labelled
//! training data by `mtlint train`, turns a sentence into three features: the mean log ratio of its known
//! unigrams, bigrams and trigrams. The table is part of the model file (one per model head); for
//! scanning, the heads' tables are also merged into one lookup ([`MergedProfiles`]) so that each n-gram
//! of a sentence is looked up once for all heads.

use crate::document::{Document, TokenKind};
use crate::error::Error;
use base64::Engine;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

mod layout;
use layout::{home_bucket, record_key, record_weight, Builder, MergedBucket, Table, RECORD};

/// Frequent words (Zipf frequency at least this) keep their identity; rarer ones become shapes.
pub const COMMON_WORD_ZIPF: f32 = 3.0;
/// n-gram orders used.
pub const MAX_ORDER: usize = 3;
const SUFFIXES: &[&str] = &["ing", "ed", "ly", "tion", "s", "al", "ive", "er"];

const fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf29ce484222325 ^ seed;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x100000001b3);
        i += 1;
    }
    h
}

const START: u64 = fnv(b"<s>", 0);
const END: u64 = fnv(b"</s>", 0);
const NUMBER: u64 = fnv(b"<num>", 0);
const QUOTE: u64 = fnv(b"<q>", 0);
const CAPITALISED: u64 = fnv(b"<Cap>", 0);
/// The symbols `<w-SUFFIX>` of rare words, in the order of [`SUFFIXES`], then `<w->` (no suffix).
const SHAPES: [u64; 9] = [
    fnv(b"<w-ing>", 0),
    fnv(b"<w-ed>", 0),
    fnv(b"<w-ly>", 0),
    fnv(b"<w-tion>", 0),
    fnv(b"<w-s>", 0),
    fnv(b"<w-al>", 0),
    fnv(b"<w-ive>", 0),
    fnv(b"<w-er>", 0),
    fnv(b"<w->", 0),
];

/// The symbol of a punctuation token of one ASCII character, by its byte: the quote symbol for `"` and
/// `'`, else the character's hash (what `symbols` gives any punctuation token).
const ASCII_PUNCT_SYMBOLS: [u64; 128] = {
    let mut t = [0u64; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = if b == b'"' as usize || b == b'\'' as usize { QUOTE } else { fnv(&[b as u8], 0) };
        b += 1;
    }
    t
};

/// The symbol hashes of sentence `index`, with sentence-boundary symbols.
pub fn symbols(doc: &Document, index: usize) -> Vec<u64> {
    let mut out = Vec::new();
    symbols_into(doc, index, &mut out);
    out
}

/// [`symbols`], written into `out` (emptied first).
pub fn symbols_into(doc: &Document, index: usize, out: &mut Vec<u64>) {
    let tokens = &doc.sentences[index].tokens;
    out.clear();
    out.reserve(tokens.len() + 2);
    out.push(START);
    let cached = vocabulary_symbols();
    let mut first = true;
    for t in tokens {
        let h = match t.kind {
            TokenKind::Number => NUMBER,
            TokenKind::Punct => {
                let s = doc.tok(t);
                match s.as_bytes() {
                    &[b] if b.is_ascii() => ASCII_PUNCT_SYMBOLS[b as usize],
                    _ if matches!(s, "\"" | "“" | "”" | "„" | "«" | "»" | "'" | "‘" | "’") => QUOTE,
                    _ => fnv(s.as_bytes(), 0),
                }
            }
            TokenKind::Word => {
                if !first && doc.starts_uppercase(t) {
                    CAPITALISED
                } else if t.lm != crate::fluency::UNK {
                    vocabulary_word_symbol(cached, doc, t)
                } else {
                    word_symbol(crate::document::fold_apostrophes(doc.low(t)).as_bytes(), t.zipf)
                }
            }
        };
        first = false;
        out.push(h);
    }
    out.push(END);
}

/// The symbol of a word that is not a capitalised non-initial one: the word itself when it is common,
/// else its shape. `lower` is lowercase with apostrophes folded; `zipf` is its English Zipf frequency.
fn word_symbol(lower: &[u8], zipf: f32) -> u64 {
    if zipf >= COMMON_WORD_ZIPF {
        fnv(lower, 0)
    } else {
        SHAPES[SUFFIXES.iter().position(|s| lower.ends_with(s.as_bytes())).unwrap_or(SUFFIXES.len())]
    }
}

/// [`word_symbol`] of the words of the default fluency model's vocabulary, by id, each worked out the
/// first time a token of the word needs it (0 until then): a token's `lm` id and `zipf` come from that
/// vocabulary entry (see `document::tokenize`), so one token's symbol is every token's of the word, and
/// a common word is hashed once instead of once per token. Lazily, so that start-up does not hash the
/// whole vocabulary.
pub(crate) fn vocabulary_symbols() -> &'static [AtomicU64] {
    static SYMBOLS: std::sync::OnceLock<Vec<AtomicU64>> = std::sync::OnceLock::new();
    SYMBOLS.get_or_init(|| (0..crate::fluency::default_model().id_count()).map(|_| AtomicU64::new(0)).collect())
}

/// Starts loading the cached symbol of the vocabulary word with fluency id `id` (see
/// [`crate::prefetch`]); `cached` is [`vocabulary_symbols`]. Tokenising calls it for each word it finds
/// in the vocabulary.
pub(crate) fn prefetch_vocabulary_symbol(cached: &[AtomicU64], id: u32) {
    if let Some(slot) = cached.get(id as usize) {
        crate::prefetch::prefetch(slot);
    }
}

/// The symbol of the vocabulary word `t` (its `lm` id is not the unknown-word id); `cached` is
/// [`vocabulary_symbols`].
fn vocabulary_word_symbol(cached: &[AtomicU64], doc: &Document, t: &crate::document::Token) -> u64 {
    let slot = &cached[t.lm as usize];
    let cached = slot.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // Another thread may store the same value at the same time: either store is right.
    let symbol = word_symbol(crate::document::fold_apostrophes(doc.low(t)).as_bytes(), t.zipf);
    slot.store(symbol, Ordering::Relaxed);
    symbol
}

/// The n-grams of a sentence's [`symbols`] as (order, key): every n-gram of orders 1 to [`MAX_ORDER`],
/// by order, then left to right, the unigrams of the lone boundary symbols excluded. An n-gram's key
/// hashes its order, then its symbols. Training counts these keys, and scoring computes them once per
/// sentence and looks them up in each head's table. The keys are kept without their orders, those of
/// each order together: a lookup sums each order's weights in a loop of its own.
pub struct NgramKeys {
    /// The keys of the unigrams, then those of the bigrams, then those of the trigrams.
    keys: Vec<u64>,
    /// Where the keys of each order end in `keys`.
    ends: [usize; MAX_ORDER],
}

impl NgramKeys {
    /// The keys of `syms`, with the orders written out (the test module keeps the general definition).
    pub fn of(syms: &[u64]) -> NgramKeys {
        let mut keys = Vec::new();
        let ends = append_keys(syms, &mut keys);
        NgramKeys { keys, ends }
    }

    /// The keys of each order, orders 1 to [`MAX_ORDER`].
    fn by_order(&self) -> [&[u64]; MAX_ORDER] {
        [&self.keys[..self.ends[0]], &self.keys[self.ends[0]..self.ends[1]], &self.keys[self.ends[1]..self.ends[2]]]
    }

    /// Every (order, key), by order, then left to right.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u64)> + '_ {
        self.by_order().into_iter().enumerate().flat_map(|(o, keys)| keys.iter().map(move |&k| (o as u8 + 1, k)))
    }

    /// Keys given as (order, key) in any order (kept in it within each order), for tests.
    #[cfg(test)]
    fn from_pairs(pairs: &[(u8, u64)]) -> NgramKeys {
        let mut keys = Vec::with_capacity(pairs.len());
        let mut ends = [0; MAX_ORDER];
        for order in 1..=MAX_ORDER as u8 {
            keys.extend(pairs.iter().filter(|p| p.0 == order).map(|p| p.1));
            ends[order as usize - 1] = keys.len();
        }
        NgramKeys { keys, ends }
    }
}

/// Appends the n-gram keys of `syms` to `keys` as [`NgramKeys::of`] orders them; returns where those of
/// each order end in `keys`.
fn append_keys(syms: &[u64], keys: &mut Vec<u64>) -> [usize; MAX_ORDER] {
    const { assert!(MAX_ORDER == 3, "NgramKeys::of writes out orders 1 to 3") };
    let step = |h: u64, s: u64| (h.rotate_left(23) ^ s).wrapping_mul(0x100000001b3);
    let seed = |order: u64| 0x9e3779b97f4a7c15u64.wrapping_mul(order + 1);
    keys.reserve(syms.len() * MAX_ORDER);
    let mut ends = [keys.len(); MAX_ORDER];
    if let (Some(&first), Some(&last)) = (syms.first(), syms.last()) {
        let s1 = seed(1);
        keys.extend(syms.iter().filter(|&&s| s != first && s != last).map(|&s| step(s1, s)));
        ends[0] = keys.len();
        let s2 = seed(2);
        keys.extend(syms.windows(2).map(|w| step(step(s2, w[0]), w[1])));
        ends[1] = keys.len();
        let s3 = seed(3);
        keys.extend(syms.windows(3).map(|w| step(step(step(s3, w[0]), w[1]), w[2])));
        ends[2] = keys.len();
    }
    ends
}

/// The n-gram keys of many sentences, one after the other (see [`MergedProfiles::features_of_many`]).
#[derive(Default)]
pub struct NgramKeysOfMany {
    keys: Vec<u64>,
    /// Per sentence, where its keys start in `keys`, then where those of each order end.
    bounds: Vec<[usize; MAX_ORDER + 1]>,
}

impl NgramKeysOfMany {
    /// Room for `sentences` sentences of `symbols` symbols in all.
    pub fn with_capacity(sentences: usize, symbols: usize) -> NgramKeysOfMany {
        NgramKeysOfMany { keys: Vec::with_capacity(symbols * MAX_ORDER), bounds: Vec::with_capacity(sentences) }
    }

    /// Adds the keys of a sentence's symbols (see [`symbols`]).
    pub fn push(&mut self, syms: &[u64]) {
        let start = self.keys.len();
        let ends = append_keys(syms, &mut self.keys);
        self.bounds.push([start, ends[0], ends[1], ends[2]]);
    }
}

/// The learned log-count ratios: a read-only table laid out for lookups.
///
/// The entries, sorted by key as the model file stores them, fill 64-byte buckets (one cache line, five
/// entries each) in key order: an entry goes to the bucket given by the top bits of its key (the keys are
/// hashes, so they spread evenly), or, when that one is full, to the next bucket with room. Loading is one
/// sequential pass over the decoded bytes (no hashing, no random writes), and a lookup usually reads one
/// cache line: it scans from the key's bucket until it meets a larger key or a bucket with room. The
/// table is shared (`Arc`): cloning a model does not copy it. The default model's tables were laid out
/// by build.rs, and are copied in when first needed ([`default_tables`]).
#[derive(Clone)]
pub struct ProfileTable {
    table: std::sync::Arc<Shared>,
}

/// A table, or the bytes build.rs laid it out in, copied in when it is first needed: the default
/// model's tables (a scan reads the heads' merged table, not theirs).
struct Shared {
    table: std::sync::OnceLock<Table>,
    laid_out: &'static [u8],
}

impl ProfileTable {
    fn new(table: Table) -> ProfileTable {
        ProfileTable { table: std::sync::Arc::new(Shared { table: std::sync::OnceLock::from(table), laid_out: &[] }) }
    }

    /// The table of `laid_out` ([`Table::layout_bytes`] of build.rs), copied in on first use.
    fn laid_out(laid_out: &'static [u8]) -> ProfileTable {
        ProfileTable { table: std::sync::Arc::new(Shared { table: std::sync::OnceLock::new(), laid_out }) }
    }

    fn table(&self) -> &Table {
        let shared = &*self.table;
        shared.table.get_or_init(|| Table::from_layout_bytes(shared.laid_out).expect("build.rs lays out the default model's tables"))
    }
}

impl Default for ProfileTable {
    fn default() -> Self {
        ProfileTable::new(Table::default())
    }
}

impl PartialEq for ProfileTable {
    fn eq(&self, other: &Self) -> bool {
        self.table() == other.table()
    }
}

/// How many lookups ahead [`MergedProfiles::features_of_many`] asks for a key's bucket: enough for a line
/// to arrive from memory meanwhile (a lookup is a few dozen instructions), few enough that the lines asked
/// for stay within what the processor keeps in flight.
pub const LOOKUPS_AHEAD: usize = 16;

/// Several heads' tables merged into one lookup: each n-gram key once, with every head's weight (NaN
/// for a head whose table does not have the key). A sentence's n-grams then cost one cache-line read each
/// (two heads: four entries to a 64-byte bucket), not one per head. Laid out like [`Table`]: entries in
/// key order fill buckets (a key's home bucket is its top 32 bits scaled to the bucket count, which keeps
/// bucket order = key order), an entry that does not fit goes to the next bucket with room, and a lookup
/// scans from the home bucket until it meets a larger key or a free slot. Built by one sequential merge
/// of the heads' tables (their entries are already in key order), so it holds exactly their keys and
/// weights. Two to four heads; a model with more (or one) looks the n-grams up in each head's table.
pub enum MergedProfiles {
    Two(Merged<2>),
    Three(Merged<3>),
    Four(Merged<4>),
}

/// [`MergedProfiles`] of `H` heads.
pub struct Merged<const H: usize> {
    buckets: Vec<MergedBucket<H>>,
    /// Home buckets (`buckets` may have a few more, for entries that overflow past the last one).
    homes: u64,
    /// The tables merged, to check that a model still has them.
    sources: Vec<std::sync::Arc<Shared>>,
}

impl<const H: usize> Merged<H> {
    /// The merged lookup of `tables`: the one build.rs laid out when they are the default model's tables,
    /// else merged now.
    fn new(tables: &[&ProfileTable]) -> Merged<H> {
        let sources = tables.iter().map(|t| t.table.clone()).collect();
        let (buckets, homes) = if is_default_model(tables) {
            layout::merged_from_layout_bytes(DEFAULT_MERGED_TABLE).expect("build.rs merges the default model's tables")
        } else {
            layout::merge(std::array::from_fn(|h| tables[h].table()))
        };
        Merged { buckets, homes, sources }
    }

    /// The bucket and slot of `key`, searched from bucket `from` on ([`Self::sums`] calls it past a home
    /// bucket full of smaller keys). A bucket's keys are sorted, free slots (key `u64::MAX`) last, so
    /// the search stops at the first key not below `key` without testing each slot for being free; only
    /// a full bucket of smaller keys sends it on to the next one.
    #[inline]
    fn find(&self, key: u64, from: usize) -> Option<(&MergedBucket<H>, usize)> {
        let mut b = from;
        while let Some(bucket) = self.buckets.get(b) {
            for (slot, &k) in bucket.keys.iter().enumerate() {
                if k >= key {
                    // (only the key u64::MAX can be that of a free slot)
                    return (k == key && (key != u64::MAX || !bucket.is_free(slot))).then_some((bucket, slot));
                }
            }
            b += 1;
        }
        None
    }

    /// Starts loading the home buckets of `ngrams` into the cache, without waiting for them.
    fn prefetch(&self, ngrams: &NgramKeys) {
        for &key in &ngrams.keys {
            if let Some(bucket) = self.buckets.get(home_bucket(key, self.homes)) {
                crate::prefetch::prefetch(bucket);
            }
        }
    }

    /// Each head's sum and count of the weights of `keys` it has (`homes[i]` the home bucket of
    /// `keys[i]`), asking for bucket `ahead[i]` (when there is one) before looking `keys[i]` up.
    #[inline]
    fn sums(&self, keys: &[u64], homes: &[usize], ahead: &[usize]) -> ([f32; H], [u32; H]) {
        let mut sums = [0.0f32; H];
        let mut counts = [0u32; H];
        for (i, (&key, &home)) in keys.iter().zip(homes).enumerate() {
            if let Some(bucket) = ahead.get(i).and_then(|&b| self.buckets.get(b)) {
                crate::prefetch::prefetch(bucket);
            }
            // The slot of the first key not below `key` in its home bucket, found by counting the keys
            // below it (no branch on where it is: the position is random, a branch on it mispredicts).
            let Some(bucket) = self.buckets.get(home) else { continue };
            let below = bucket.keys.iter().map(|&k| usize::from(k < key)).sum::<usize>();
            let (bucket, slot) = if below < bucket.keys.len() {
                (bucket, below)
            } else {
                // (a full bucket of smaller keys: the key is in a later one, if anywhere)
                match self.find(key, home + 1) {
                    Some(found) => found,
                    None => continue,
                }
            };
            // The key u64::MAX may land on a free slot: every weight of one is NaN, as an absent head's
            // is, so it adds nothing. Adding 0.0 for a weight not added leaves a sum as it was (a sum is
            // never -0.0: it starts at +0.0, and x + -x is +0.0).
            let hit = bucket.keys[slot] == key;
            for h in 0..H {
                let w = bucket.weights[slot][h];
                let add = hit && !w.is_nan();
                sums[h] += if add { w } else { 0.0 };
                counts[h] += u32::from(add);
            }
        }
        (sums, counts)
    }

    /// Sets `out[h][order]` to head `h`'s mean weight of the `keys` of that order it has (0 when it has
    /// none), their `homes` and the buckets `ahead` as [`Self::sums`] takes them.
    #[inline]
    fn order_features(&self, order: usize, keys: &[u64], homes: &[usize], ahead: &[usize], out: &mut [[f32; MAX_ORDER]]) {
        let (sums, counts) = self.sums(keys, homes, ahead);
        for (h, features) in out.iter_mut().enumerate().take(H) {
            features[order] = if counts[h] == 0 { 0.0 } else { sums[h] / counts[h] as f32 };
        }
    }

    /// The home buckets of `keys`.
    fn homes_of(&self, keys: &[u64]) -> Vec<usize> {
        keys.iter().map(|&k| home_bucket(k, self.homes)).collect()
    }

    fn features_of_ngrams(&self, ngrams: &NgramKeys, out: &mut [[f32; MAX_ORDER]]) {
        let homes = self.homes_of(&ngrams.keys);
        let mut from = 0;
        for (o, keys) in ngrams.by_order().into_iter().enumerate() {
            self.order_features(o, keys, &homes[from..from + keys.len()], &[], out);
            from += keys.len();
        }
    }

    fn features_of_many(&self, many: &NgramKeysOfMany) -> Vec<[[f32; MAX_ORDER]; MergedProfiles::MAX_HEADS]> {
        let keys = &many.keys[..];
        // (worked out in one pass, then used twice: to ask for a bucket, and to look the key up)
        let homes = self.homes_of(keys);
        many.bounds
            .iter()
            .map(|bounds| {
                let mut out = [[0.0f32; MAX_ORDER]; MergedProfiles::MAX_HEADS];
                for o in 0..MAX_ORDER {
                    let (from, to) = (bounds[o], bounds[o + 1]);
                    let ahead = homes.get(from + LOOKUPS_AHEAD..).unwrap_or_default();
                    self.order_features(o, &keys[from..to], &homes[from..to], &ahead[..ahead.len().min(to - from)], &mut out);
                }
                out
            })
            .collect()
    }

    fn merges<'a>(&self, tables: impl IntoIterator<Item = &'a ProfileTable>) -> bool {
        let mut n = 0;
        for t in tables {
            if self.sources.get(n).is_none_or(|s| !std::sync::Arc::ptr_eq(&t.table, s)) {
                return false;
            }
            n += 1;
        }
        n == self.sources.len()
    }
}

impl MergedProfiles {
    /// Most heads merged.
    pub const MAX_HEADS: usize = 4;

    /// The merged lookup of `tables` (in head order); `None` for one table (its own layout is as good)
    /// or more than [`Self::MAX_HEADS`]. The default model's tables were merged by build.rs.
    pub fn new(tables: &[&ProfileTable]) -> Option<MergedProfiles> {
        match tables.len() {
            2 => Some(MergedProfiles::Two(Merged::new(tables))),
            3 => Some(MergedProfiles::Three(Merged::new(tables))),
            4 => Some(MergedProfiles::Four(Merged::new(tables))),
            _ => None,
        }
    }

    /// Starts loading the table lines that [`Self::features_of_ngrams`] will read for `ngrams`, so that
    /// the caller can do other work while they arrive (the table is megabytes: its lines are rarely in
    /// the cache).
    pub fn prefetch(&self, ngrams: &NgramKeys) {
        match self {
            MergedProfiles::Two(m) => m.prefetch(ngrams),
            MergedProfiles::Three(m) => m.prefetch(ngrams),
            MergedProfiles::Four(m) => m.prefetch(ngrams),
        }
    }

    /// Whether these are the merged tables of `tables` (the same tables, not equal copies).
    pub fn merges<'a>(&self, tables: impl IntoIterator<Item = &'a ProfileTable>) -> bool {
        match self {
            MergedProfiles::Two(m) => m.merges(tables),
            MergedProfiles::Three(m) => m.merges(tables),
            MergedProfiles::Four(m) => m.merges(tables),
        }
    }

    /// [`ProfileTable::features_of_ngrams`] of every head at once: `out[h]` gets head `h`'s features,
    /// the same numbers (summed in the same order) as its own table gives.
    pub fn features_of_ngrams(&self, ngrams: &NgramKeys, out: &mut [[f32; MAX_ORDER]]) {
        match self {
            MergedProfiles::Two(m) => m.features_of_ngrams(ngrams, out),
            MergedProfiles::Three(m) => m.features_of_ngrams(ngrams, out),
            MergedProfiles::Four(m) => m.features_of_ngrams(ngrams, out),
        }
    }

    /// [`Self::features_of_ngrams`] of many sentences (the n-gram keys of each), `[h]` of each the features
    /// of head `h`: the same numbers, looked up in one stream that asks for each key's bucket
    /// [`LOOKUPS_AHEAD`] lookups before it reads it, across the sentences. Asking for all of a sentence's
    /// buckets at once (about 80 lines) does not work as well: the processor keeps a couple of dozen
    /// misses in flight and drops or stalls on the rest, and a lookup that then finds its line missing
    /// waits for it before the next ones can start (its outcome is a branch it cannot predict).
    pub fn features_of_many(&self, sentences: &NgramKeysOfMany) -> Vec<[[f32; MAX_ORDER]; MergedProfiles::MAX_HEADS]> {
        match self {
            MergedProfiles::Two(m) => m.features_of_many(sentences),
            MergedProfiles::Three(m) => m.features_of_many(sentences),
            MergedProfiles::Four(m) => m.features_of_many(sentences),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/default_profiles.rs"));

/// Whether `tables` are the embedded default model's, in head order (the same shared tables, not equal
/// ones: the merged table build.rs laid out is theirs).
fn is_default_model(tables: &[&ProfileTable]) -> bool {
    DEFAULT_TABLES.get().is_some_and(|embedded| {
        tables.len() == embedded.len() && tables.iter().zip(embedded).all(|(t, e)| std::sync::Arc::ptr_eq(&t.table, &e.table))
    })
}

/// The profile tables of the embedded default model, once per process.
static DEFAULT_TABLES: std::sync::OnceLock<Vec<ProfileTable>> = std::sync::OnceLock::new();

/// The profile tables of the embedded default model's heads, in head order: laid out by build.rs from
/// `models/default.json` (the same tables as reading the file gives: see the tests), each copied in
/// when first read (a scan reads only their merged table, which build.rs laid out too).
pub(crate) fn default_tables() -> &'static [ProfileTable] {
    DEFAULT_TABLES.get_or_init(|| {
        DEFAULT_HEAD_TABLES.iter().map(|bytes| ProfileTable::laid_out(bytes)).collect()
    })
}

impl std::fmt::Debug for MergedProfiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (heads, buckets) = match self {
            MergedProfiles::Two(m) => (2, m.buckets.len()),
            MergedProfiles::Three(m) => (3, m.buckets.len()),
            MergedProfiles::Four(m) => (4, m.buckets.len()),
        };
        f.debug_struct("MergedProfiles").field("heads", &heads).field("buckets", &buckets).finish()
    }
}

impl std::fmt::Debug for ProfileTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileTable").field("entries", &self.len()).finish()
    }
}

impl ProfileTable {
    /// Mean log ratio of the known n-grams of each order, for sentence `index`.
    pub fn features(&self, doc: &Document, index: usize) -> [f32; MAX_ORDER] {
        self.features_of_ngrams(&NgramKeys::of(&symbols(doc, index)))
    }

    /// [`Self::features`] of a sentence's n-gram keys (computed once when several tables score a sentence).
    pub fn features_of_ngrams(&self, ngrams: &NgramKeys) -> [f32; MAX_ORDER] {
        let table = self.table();
        let touched = ngrams.keys.iter().fold(0u32, |acc, &key| acc ^ table.touch(key));
        std::hint::black_box(touched);
        let by_order = ngrams.by_order();
        std::array::from_fn(|o| {
            let (mut sum, mut count) = (0.0f32, 0u32);
            for &key in by_order[o] {
                if let Some(w) = table.get(key) {
                    sum += w;
                    count += 1;
                }
            }
            if count == 0 { 0.0 } else { sum / count as f32 }
        })
    }

    /// Learns the table from weighted sentences (text, true = MT, weight) with additive smoothing of
    /// `smoothing` times the mean weight, keeping n-grams seen in at least `min_count` sentences. The
    /// weights let the caller balance classes within domains without throwing data away; when one class
    /// has far fewer sentences (each weighing more), a larger `smoothing` keeps an n-gram that the small
    /// class merely did not happen to contain from counting as strong evidence for the large one.
    pub fn train<'a>(examples: impl Iterator<Item = (&'a str, bool, f64)>, min_count: u32, smoothing: f64) -> Self {
        let mut counts: FxHashMap<u64, ([f64; 2], u32, u8)> = FxHashMap::default();
        let (mut weight_sum, mut n) = (0.0, 0usize);
        for (text, is_mt, weight) in examples {
            weight_sum += weight;
            n += 1;
            let doc = Document::single_sentence(text);
            for (order, key) in NgramKeys::of(&symbols(&doc, 0)).iter() {
                let e = counts.entry(key).or_insert(([0.0; 2], 0, order));
                e.0[is_mt as usize] += weight;
                e.1 += 1;
            }
        }
        let smoothing = smoothing * if n == 0 { 1.0 } else { weight_sum / n as f64 };
        let mut totals = [[0f64; 2]; MAX_ORDER];
        let mut vocab = [0f64; MAX_ORDER];
        for (c, _, order) in counts.values() {
            let o = *order as usize - 1;
            totals[o][0] += c[0];
            totals[o][1] += c[1];
            vocab[o] += 1.0;
        }
        let mut weights: Vec<(u64, f32)> = Vec::with_capacity(counts.len());
        for (key, (c, seen, order)) in counts {
            if seen < min_count {
                continue;
            }
            let o = order as usize - 1;
            let p_mt = (c[1] + smoothing) / (totals[o][1] + smoothing * vocab[o]);
            let p_h = (c[0] + smoothing) / (totals[o][0] + smoothing * vocab[o]);
            weights.push((key, (p_mt.ln() - p_h.ln()) as f32));
        }
        weights.sort_unstable_by_key(|e| e.0);
        let mut records = Vec::with_capacity(weights.len() * RECORD);
        for (k, v) in weights {
            records.extend_from_slice(&k.to_le_bytes());
            records.extend_from_slice(&v.to_le_bytes());
        }
        ProfileTable::new(Table::new(&records))
    }

    pub fn len(&self) -> usize {
        self.table().len
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stored form: sorted little-endian (u64 key, f32 weight) records.
    fn to_bytes(&self) -> Vec<u8> {
        self.table().records()
    }

    /// Reads the stored form. Records out of key order are sorted; of records with the same key the last
    /// one counts (as when they were inserted into a map one by one).
    fn from_bytes(records: Vec<u8>) -> Result<Self, Error> {
        if !records.len().is_multiple_of(RECORD) {
            return Err(Error::Model("profile table: length is not a whole number of entries".into()));
        }
        let n = records.len() / RECORD;
        let (mut sorted, mut finite) = (true, true);
        let mut previous: Option<u64> = None;
        for i in 0..n {
            let key = record_key(&records, i);
            finite &= record_weight(&records, i).is_finite();
            sorted &= previous.is_none_or(|p| p < key);
            previous = Some(key);
        }
        if !finite {
            return Err(Error::Model("profile table: a weight is not a finite number".into()));
        }
        let records = if sorted {
            records
        } else {
            let mut entries: Vec<(u64, f32)> = (0..n).map(|i| (record_key(&records, i), record_weight(&records, i))).collect();
            entries.sort_by_key(|e| e.0); // stable: equal keys keep their order
            let mut out: Vec<u8> = Vec::with_capacity(records.len());
            for (j, (k, v)) in entries.iter().enumerate() {
                if entries.get(j + 1).is_some_and(|next| next.0 == *k) {
                    continue; // a later record has this key
                }
                out.extend_from_slice(&k.to_le_bytes());
                out.extend_from_slice(&v.to_le_bytes());
            }
            out
        };
        Ok(ProfileTable::new(Table::new(&records)))
    }
}

/// The value of each base64 character, 0xff for a character outside the alphabet.
const BASE64_VALUES: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The 12-bit value of each pair of base64 characters (the first in the low byte of the index), with
/// the high bits set for a pair that is not two characters of the alphabet. Built once: every head's
/// table is decoded with it.
fn base64_pairs() -> &'static [u16; 1 << 16] {
    static PAIRS: std::sync::OnceLock<Box<[u16; 1 << 16]>> = std::sync::OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut pairs: Box<[u16; 1 << 16]> = Box::new([0xffff; 1 << 16]);
        for (a, &va) in BASE64_VALUES.iter().enumerate().filter(|(_, v)| **v != 0xff) {
            for (b, &vb) in BASE64_VALUES.iter().enumerate().filter(|(_, v)| **v != 0xff) {
                pairs[a | (b << 8)] = ((va as u16) << 6) | vb as u16;
            }
        }
        pairs
    })
}

/// Decodes eight base64 characters into six bytes; returns the pairs' bits ORed (high bits set when a
/// character is not in the alphabet).
fn decode8(pairs: &[u16; 1 << 16], src: &[u8], dst: &mut [u8]) -> u16 {
    let x = u64::from_le_bytes(src.try_into().expect("8 bytes"));
    let p0 = pairs[(x & 0xffff) as usize];
    let p1 = pairs[((x >> 16) & 0xffff) as usize];
    let p2 = pairs[((x >> 32) & 0xffff) as usize];
    let p3 = pairs[(x >> 48) as usize];
    let acc = ((p0 as u64) << 36) | ((p1 as u64) << 24) | ((p2 as u64) << 12) | p3 as u64;
    dst.copy_from_slice(&acc.to_be_bytes()[2..]);
    p0 | p1 | p2 | p3
}

impl ProfileTable {
    /// The table of a model file's base64 text when it holds whole records (16 characters each, no
    /// padding) in strictly increasing key order with finite weights, as `mtlint train` writes it:
    /// decoded straight into the table, without the intermediate bytes. `None` otherwise (the general
    /// path then decodes, checks and sorts).
    fn from_base64_records(text: &[u8]) -> Option<ProfileTable> {
        if !text.len().is_multiple_of(16) {
            return None;
        }
        let pairs = base64_pairs();
        let mut builder = Builder::new(text.len() / 16);
        let mut bad = 0u16;
        let mut record = [0u8; RECORD];
        for chunk in text.chunks_exact(16) {
            bad |= decode8(pairs, &chunk[..8], &mut record[..6]);
            bad |= decode8(pairs, &chunk[8..], &mut record[6..]);
            if bad & 0xf000 != 0 || !record_weight(&record, 0).is_finite() || !builder.push(&record) {
                return None;
            }
        }
        Some(ProfileTable::new(builder.finish()))
    }
}

/// Decodes standard base64 (with `=` padding, no line breaks), as the model file stores the table.
/// Characters are decoded two at a time through a table of the 4,096 valid pairs (12 bits each; an
/// invalid pair has a high bit set), eight characters (six bytes) per step.
fn decode_base64(text: &[u8]) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(4) {
        return Err(format!("length {} is not a multiple of 4", text.len()));
    }
    let padding = text.iter().rev().take(2).take_while(|&&c| c == b'=').count();
    let body = &text[..text.len() - padding];
    let pairs = base64_pairs();
    let steps = body.len() / 8;
    let rest = &body[steps * 8..];
    let mut out = vec![0u8; steps * 6 + rest.len() * 6 / 8];
    let mut bad = 0u16;
    for (src, dst) in body.chunks_exact(8).zip(out.chunks_exact_mut(6)) {
        bad |= decode8(pairs, src, dst);
    }
    let mut acc = 0u64;
    let mut bad_rest = 0u8;
    for &c in rest {
        let v = BASE64_VALUES[c as usize];
        bad_rest |= v;
        acc = (acc << 6) | (v & 63) as u64;
    }
    if bad & 0xf000 != 0 || bad_rest & 0xc0 != 0 {
        let at = body.iter().position(|&c| BASE64_VALUES[c as usize] == 0xff).unwrap_or(0);
        return Err(format!("invalid character at offset {at}"));
    }
    if rest.len() % 4 == 1 {
        return Err("invalid last symbol".into());
    }
    let bits = rest.len() * 6;
    let (whole, spare) = (bits / 8, bits % 8);
    if acc & ((1u64 << spare) - 1) != 0 {
        return Err("invalid last symbol (trailing bits are not zero)".into());
    }
    let tail = (acc >> spare).to_be_bytes();
    let n = out.len();
    out[n - whole..].copy_from_slice(&tail[8 - whole..]);
    Ok(out)
}

#[derive(Serialize, Deserialize)]
struct StoredTable<'a> {
    #[serde(borrow)]
    encoding: Cow<'a, str>,
    entries: usize,
    /// Borrowed from the model text when it has no escapes (base64 never has).
    #[serde(borrow)]
    table: Cow<'a, str>,
}

impl Serialize for ProfileTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let table = base64::engine::general_purpose::STANDARD.encode(self.to_bytes());
        let encoding = "base64 of sorted little-endian (u64 n-gram key, f32 log ratio)";
        StoredTable { encoding: Cow::Borrowed(encoding), entries: self.len(), table: Cow::Owned(table) }
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ProfileTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = StoredTable::deserialize(d)?;
        let table = match ProfileTable::from_base64_records(stored.table.as_bytes()) {
            Some(table) => table,
            None => {
                let bytes = decode_base64(stored.table.as_bytes())
                    .map_err(|e| serde::de::Error::custom(format!("profile table is not base64: {e}")))?;
                ProfileTable::from_bytes(bytes).map_err(serde::de::Error::custom)?
            }
        };
        if table.len() != stored.entries {
            return Err(serde::de::Error::custom(format!("profile table has {} entries, header says {}", table.len(), stored.entries)));
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ProfileTable {
        let mt = ["It is known for have an army.", "The company of the North has said."];
        let human = ["It is known for having an army.", "The company said it had done so."];
        let examples = mt.iter().map(|t| (*t, true, 1.0)).chain(human.iter().map(|t| (*t, false, 1.0)));
        ProfileTable::train(examples.collect::<Vec<_>>().into_iter(), 1, 1.0)
    }

    #[test]
    fn smoothing_shrinks_evidence_the_small_class_could_not_show() {
        // 40 light MT sentences, 2 of them with "new gallery" (never in the 2 heavy human sentences): both
        // classes weigh 40 in all, as balanced training weighs them.
        let mut examples: Vec<(&str, bool, f64)> = vec![("The new gallery opened its doors.", true, 1.0); 2];
        examples.extend(vec![("The council said it had done so.", true, 1.0); 38]);
        examples.extend(vec![("The council said it had done so.", false, 20.0), ("The mayor said it was over.", false, 20.0)]);
        let ratio = |smoothing: f64| {
            let table = ProfileTable::train(examples.clone().into_iter(), 1, smoothing);
            table.features(&Document::new("The new gallery opened its doors."), 0)[1] // mean bigram ratio
        };
        assert!(ratio(1.0) > 0.0, "seen in MT only: evidence for MT");
        assert!(ratio(10.0) < ratio(1.0), "more smoothing, less weight on what the human class did not happen to hold");
        assert!(ratio(10.0) > 0.0);
    }

    #[test]
    fn names_and_rare_words_become_shapes() {
        let a = Document::new("Pfizer said the vaccine worked.");
        let b = Document::new("Pfizer said the cat worked.");
        let c = Document::new("Then Moderna said the jab worked.");
        // "vaccine" and "cat" differ (both common); "Pfizer" at the start is a word, "Moderna" mid-sentence a shape
        assert_ne!(symbols(&a, 0), symbols(&b, 0));
        assert_eq!(symbols(&c, 0)[2], fnv(b"<Cap>", 0));
    }

    #[test]
    fn symbol_constants_are_the_hashes_of_their_names() {
        assert_eq!([START, END, NUMBER, QUOTE, CAPITALISED], ["<s>", "</s>", "<num>", "<q>", "<Cap>"].map(|s| fnv(s.as_bytes(), 0)));
        let names: Vec<String> = SUFFIXES.iter().chain([&""]).map(|s| format!("<w-{s}>")).collect();
        assert_eq!(SHAPES.to_vec(), names.iter().map(|n| fnv(n.as_bytes(), 0)).collect::<Vec<_>>());
    }

    /// The key of the n-gram `syms` (its order is part of the key): the general definition.
    fn ngram_key(syms: &[u64]) -> u64 {
        let mut h = 0x9e3779b97f4a7c15u64.wrapping_mul(syms.len() as u64 + 1);
        for &s in syms {
            h = (h.rotate_left(23) ^ s).wrapping_mul(0x100000001b3);
        }
        h
    }

    /// Calls `f(order, key)` for every n-gram of orders 1..=MAX_ORDER (the lone boundary symbols
    /// excluded): the general definition of [`NgramKeys::of`].
    fn for_each_ngram(syms: &[u64], mut f: impl FnMut(usize, u64)) {
        for order in 1..=MAX_ORDER {
            for w in syms.windows(order) {
                if order == 1 && (w[0] == syms[0] || w[0] == syms[syms.len() - 1]) {
                    continue;
                }
                f(order, ngram_key(w));
            }
        }
    }

    #[test]
    fn ngram_keys_are_those_of_for_each_ngram() {
        let texts = ["", "Hello.", "It is known for have an army, \"he said\" in 2021.", "A a a. The the", "Moderna’s jab worked"];
        for text in texts {
            let syms = symbols(&Document::single_sentence(text), 0);
            for syms in [syms.clone(), syms[..1].to_vec(), Vec::new(), vec![START, START, END, END]] {
                let mut expected = Vec::new();
                if !syms.is_empty() {
                    for_each_ngram(&syms, |order, key| expected.push((order as u8, key)));
                }
                assert_eq!(NgramKeys::of(&syms).iter().collect::<Vec<_>>(), expected, "{text:?} {syms:?}");
            }
        }
    }

    #[test]
    fn learned_ratios_point_the_right_way() {
        let t = table();
        let mt_like = t.features(&Document::new("It is known for have a plan."), 0);
        let human_like = t.features(&Document::new("It is known for having a plan."), 0);
        assert!(mt_like[1] > human_like[1], "{mt_like:?} vs {human_like:?}");
    }

    #[test]
    fn base64_decoder_agrees_with_the_base64_crate() {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut next = crate::test_rng::xorshift(0x1234_5678_9abc_def0);
        for len in 0..200usize {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let text = engine.encode(&bytes);
            assert_eq!(decode_base64(text.as_bytes()).unwrap(), bytes, "length {len}");
        }
        for bad in ["A", "AB", "ABC", "A===", "AB=C", "ABC$", "AB==AB==", "AQ=", "AR==", "AAB="] {
            assert_eq!(decode_base64(bad.as_bytes()).is_ok(), engine.decode(bad).is_ok(), "{bad}");
        }
    }

    #[test]
    fn unsorted_records_are_sorted_and_the_last_of_equal_keys_counts() {
        let mut bytes = Vec::new();
        for (k, v) in [(9u64, 1.0f32), (3, 2.0), (9, 3.0), (u64::MAX, 4.0), (0, 5.0)] {
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        let t = ProfileTable::from_bytes(bytes).unwrap();
        assert_eq!(t.len(), 4);
        let got: Vec<Option<f32>> = [0u64, 3, 9, u64::MAX, 5].iter().map(|&k| t.table().get(k)).collect();
        assert_eq!(got, vec![Some(5.0), Some(2.0), Some(3.0), Some(4.0), None]);
    }

    #[test]
    fn crowded_buckets_overflow_into_the_next_ones() {
        // Clusters of keys with the same top bits, including at the very end of the key space.
        let mut keys: Vec<u64> = (0..40u64).map(|i| i * 3 + 1).collect();
        keys.extend((0..40u64).map(|i| (1u64 << 62) + i * 5));
        keys.extend((0..40u64).map(|i| u64::MAX - 200 + i * 5));
        let mut bytes = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            bytes.extend_from_slice(&k.to_le_bytes());
            bytes.extend_from_slice(&(i as f32).to_le_bytes());
        }
        let t = ProfileTable::from_bytes(bytes.clone()).unwrap();
        assert_eq!(t.len(), keys.len());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.table().get(*k), Some(i as f32), "key {k}");
            assert_eq!(t.table().get(k + 1), None, "absent key {}", k + 1);
        }
        assert_eq!(t.table().get(0), None);
        assert_eq!(t.to_bytes(), bytes);
    }

    #[test]
    fn base64_records_are_read_straight_into_the_table_only_when_well_formed() {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        let record = |k: u64, v: f32| [k.to_le_bytes().as_slice(), v.to_le_bytes().as_slice()].concat();
        let sorted: Vec<u8> = (0..300u64).flat_map(|i| record(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 1 | i << 55, i as f32 - 7.5)).collect();
        let mut keys: Vec<u64> = sorted.chunks(12).map(|r| u64::from_le_bytes(r[..8].try_into().unwrap())).collect();
        keys.sort_unstable();
        let sorted: Vec<u8> = keys.iter().enumerate().flat_map(|(i, k)| record(*k, i as f32 * 0.5)).collect();
        let fast = ProfileTable::from_base64_records(engine.encode(&sorted).as_bytes()).expect("well formed");
        assert_eq!(fast, ProfileTable::from_bytes(sorted.clone()).unwrap());
        assert_eq!(fast.to_bytes(), sorted);
        let mut unsorted = sorted.clone();
        unsorted.rotate_left(12);
        assert!(ProfileTable::from_base64_records(engine.encode(&unsorted).as_bytes()).is_none());
        let mut nan = sorted.clone();
        nan[20..24].copy_from_slice(&f32::NAN.to_le_bytes());
        assert!(ProfileTable::from_base64_records(engine.encode(&nan).as_bytes()).is_none());
        assert!(ProfileTable::from_base64_records(engine.encode(&sorted[..124]).as_bytes()).is_none(), "padding");
        let mut bad = engine.encode(&sorted).into_bytes();
        bad[100] = b'$';
        assert!(ProfileTable::from_base64_records(&bad).is_none());
    }

    /// A table of `keys` with weights from `seed`.
    fn table_of(keys: &[u64], seed: f32) -> ProfileTable {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let bytes: Vec<u8> = sorted.iter().enumerate().flat_map(|(i, k)| [k.to_le_bytes().as_slice(), (seed + i as f32 * 0.25).to_le_bytes().as_slice()].concat()).collect();
        ProfileTable::from_bytes(bytes).unwrap()
    }

    #[test]
    fn merged_tables_give_each_heads_own_features() {
        let mut random = crate::test_rng::xorshift(0x9e37_79b9_7f4a_7c15u64);
        let sentences: Vec<Vec<(u8, u64)>> = (0..60).map(|n| (0..n).map(|i| ((i % 3 + 1) as u8, random() % 4000)).collect()).collect();
        for heads in 2..=4usize {
            // Overlapping key sets, clusters (crowded buckets) and the ends of the key space.
            let tables: Vec<ProfileTable> = (0..heads)
                .map(|h| {
                    let mut keys: Vec<u64> = (0..3000u64).filter(|k| (k * (h as u64 + 3)) % 7 < 4).collect();
                    keys.extend((0..50u64).map(|i| (1u64 << 62) + i * 5 + h as u64));
                    keys.extend([0, u64::MAX, u64::MAX - 1 - h as u64]);
                    table_of(&keys, h as f32 - 1.5)
                })
                .collect();
            let refs: Vec<&ProfileTable> = tables.iter().collect();
            let merged = MergedProfiles::new(&refs).expect("2 to 4 heads");
            assert!(merged.merges(tables.iter()));
            let mut probes = sentences.iter().map(|s| NgramKeys::from_pairs(s)).collect::<Vec<_>>();
            probes.push(NgramKeys::from_pairs(&[(1, 0), (2, u64::MAX), (3, u64::MAX - 1), (1, (1u64 << 62) + 5), (2, 1u64 << 63)]));
            for ngrams in &probes {
                let mut out = [[f32::NAN; MAX_ORDER]; MergedProfiles::MAX_HEADS];
                merged.features_of_ngrams(ngrams, &mut out);
                for (h, t) in tables.iter().enumerate() {
                    assert_eq!(out[h].map(f32::to_bits), t.features_of_ngrams(ngrams).map(f32::to_bits), "{heads} heads, head {h}");
                }
            }
            // Equal copies are other tables: the merged lookup is not theirs.
            let copies: Vec<ProfileTable> = tables.iter().map(|t| ProfileTable::from_bytes(t.to_bytes()).unwrap()).collect();
            assert!(!merged.merges(copies.iter()));
            assert!(!merged.merges(tables.iter().take(heads - 1)));
        }
        // The key u64::MAX when no table has it: the lookup lands on a free slot, which adds nothing.
        let tables = [table_of(&[1, u64::MAX - 2], 0.5), table_of(&[2, u64::MAX - 1], -0.5)];
        let merged = MergedProfiles::new(&[&tables[0], &tables[1]]).expect("2 heads");
        let ngrams = NgramKeys::from_pairs(&[(1, u64::MAX), (1, u64::MAX - 1), (2, u64::MAX), (3, 1)]);
        let mut out = [[f32::NAN; MAX_ORDER]; MergedProfiles::MAX_HEADS];
        merged.features_of_ngrams(&ngrams, &mut out);
        for (h, t) in tables.iter().enumerate() {
            assert_eq!(out[h].map(f32::to_bits), t.features_of_ngrams(&ngrams).map(f32::to_bits), "head {h}");
        }
        let one = table_of(&[1, 2, 3], 0.0);
        assert!(MergedProfiles::new(&[&one]).is_none());
        assert!(MergedProfiles::new(&[&one; 5]).is_none());
    }

    #[test]
    fn the_default_tables_laid_out_by_build_rs_are_those_built_at_run_time() {
        let embedded = default_tables();
        let copies: Vec<ProfileTable> = embedded.iter().map(|t| ProfileTable::from_bytes(t.to_bytes()).unwrap()).collect();
        assert_eq!(embedded, copies.as_slice());
        let laid_out = MergedProfiles::new(&embedded.iter().collect::<Vec<_>>()).unwrap();
        let built = MergedProfiles::new(&copies.iter().collect::<Vec<_>>()).unwrap();
        assert!(laid_out.merges(embedded.iter()) && !laid_out.merges(copies.iter()) && built.merges(copies.iter()));
        match (laid_out, built) {
            (MergedProfiles::Two(a), MergedProfiles::Two(b)) => {
                assert_eq!(layout::merged_layout_bytes(&a.buckets, a.homes), layout::merged_layout_bytes(&b.buckets, b.homes));
                assert_eq!(layout::merged_layout_bytes(&a.buckets, a.homes), DEFAULT_MERGED_TABLE);
            }
            _ => panic!("the default model has two heads"),
        }
        for (t, bytes) in embedded.iter().zip(DEFAULT_HEAD_TABLES) {
            assert_eq!(t.table().layout_bytes(), *bytes);
        }
    }

    #[test]
    fn serde_round_trip_and_corruption() {
        let t = table();
        let json = serde_json::to_string(&t).unwrap();
        let back: ProfileTable = serde_json::from_str(&json).unwrap();
        assert_eq!(t, back);
        let broken = json.replace("\"entries\":", "\"entries\":1");
        assert!(serde_json::from_str::<ProfileTable>(&broken).is_err());
    }
}
