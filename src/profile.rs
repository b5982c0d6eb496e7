//! The function-word / word-shape profile: the statistical fingerprint of MT in fluent sentences.
//!
//! Each token becomes a topic-free symbol: frequent English words stay as they are (they are mostly
//! function words and the glue of syntax), rarer words become their shape (`<Cap>` for a name, `<w-ing>`,
//! `<w-ed>`, `<w-tion>`... by suffix, `<num>`), quote marks one symbol. Word n-grams of these symbols
//! (orders 1 to 3) capture word order and function-word habits without the topic of the text, which is
//! what separates MT from human English across domains (cf. the function-word and POS n-gram features of
//! the MT-detection literature). A naive-Bayes log-count ratio per n-gram, learned from the labelled
//! training data by `mtlint train`, turns a sentence into three features: the mean log ratio of its known
//! unigrams, bigrams and trigrams. The table is part of the model file.

use crate::document::{Document, TokenKind};
use crate::error::Error;
use base64::Engine;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Frequent words (Zipf frequency at least this) keep their identity; rarer ones become shapes.
pub const COMMON_WORD_ZIPF: f32 = 3.0;
/// n-gram orders used.
pub const MAX_ORDER: usize = 3;
const SUFFIXES: &[&str] = &["ing", "ed", "ly", "tion", "s", "al", "ive", "er"];

fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf29ce484222325 ^ seed;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The symbol hashes of sentence `index`, with sentence-boundary symbols.
pub fn symbols(doc: &Document, index: usize) -> Vec<u64> {
    let tokens = &doc.sentences[index].tokens;
    let mut out = Vec::with_capacity(tokens.len() + 2);
    out.push(fnv(b"<s>", 0));
    let mut first = true;
    for t in tokens {
        let h = match t.kind {
            TokenKind::Number => fnv(b"<num>", 0),
            TokenKind::Punct => {
                let s = doc.tok(t);
                if matches!(s, "\"" | "“" | "”" | "„" | "«" | "»" | "'" | "‘" | "’") {
                    fnv(b"<q>", 0)
                } else {
                    fnv(s.as_bytes(), 0)
                }
            }
            TokenKind::Word => {
                let lower = crate::document::fold_apostrophes(doc.low(t));
                let lower = lower.as_ref();
                let capitalised = doc.tok(t).chars().next().is_some_and(char::is_uppercase);
                if capitalised && !first {
                    fnv(b"<Cap>", 0)
                } else if t.zipf >= COMMON_WORD_ZIPF {
                    fnv(lower.as_bytes(), 0)
                } else {
                    let suffix = SUFFIXES.iter().find(|s| lower.ends_with(*s)).copied().unwrap_or("");
                    fnv(format!("<w-{suffix}>").as_bytes(), 0)
                }
            }
        };
        first = false;
        out.push(h);
    }
    out.push(fnv(b"</s>", 0));
    out
}

/// The key of the n-gram `syms` (its order is part of the key).
fn ngram_key(syms: &[u64]) -> u64 {
    let mut h = 0x9e3779b97f4a7c15u64.wrapping_mul(syms.len() as u64 + 1);
    for &s in syms {
        h = (h.rotate_left(23) ^ s).wrapping_mul(0x100000001b3);
    }
    h
}

/// Calls `f(order, key)` for every n-gram of orders 1..=MAX_ORDER (the lone boundary symbols excluded).
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

/// The learned log-count ratios.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileTable {
    weights: FxHashMap<u64, f32>,
}

impl ProfileTable {
    /// Mean log ratio of the known n-grams of each order, for sentence `index`.
    pub fn features(&self, doc: &Document, index: usize) -> [f32; MAX_ORDER] {
        let syms = symbols(doc, index);
        let mut sums = [0.0f32; MAX_ORDER];
        let mut counts = [0u32; MAX_ORDER];
        for_each_ngram(&syms, |order, key| {
            if let Some(w) = self.weights.get(&key) {
                sums[order - 1] += w;
                counts[order - 1] += 1;
            }
        });
        std::array::from_fn(|o| if counts[o] == 0 { 0.0 } else { sums[o] / counts[o] as f32 })
    }

    /// Learns the table from weighted sentences (text, true = MT, weight) with add-one smoothing (in units
    /// of the mean weight), keeping n-grams seen in at least `min_count` sentences. The weights let the
    /// caller balance classes within domains without throwing data away.
    pub fn train<'a>(examples: impl Iterator<Item = (&'a str, bool, f64)>, min_count: u32) -> Self {
        let mut counts: FxHashMap<u64, ([f64; 2], u32, u8)> = FxHashMap::default();
        let (mut weight_sum, mut n) = (0.0, 0usize);
        for (text, is_mt, weight) in examples {
            weight_sum += weight;
            n += 1;
            let doc = Document::single_sentence(text);
            for_each_ngram(&symbols(&doc, 0), |order, key| {
                let e = counts.entry(key).or_insert(([0.0; 2], 0, order as u8));
                e.0[is_mt as usize] += weight;
                e.1 += 1;
            });
        }
        let smoothing = if n == 0 { 1.0 } else { weight_sum / n as f64 };
        let mut totals = [[0f64; 2]; MAX_ORDER];
        let mut vocab = [0f64; MAX_ORDER];
        for (c, _, order) in counts.values() {
            let o = *order as usize - 1;
            totals[o][0] += c[0];
            totals[o][1] += c[1];
            vocab[o] += 1.0;
        }
        let mut weights = FxHashMap::default();
        for (key, (c, seen, order)) in counts {
            if seen < min_count {
                continue;
            }
            let o = order as usize - 1;
            let p_mt = (c[1] + smoothing) / (totals[o][1] + smoothing * vocab[o]);
            let p_h = (c[0] + smoothing) / (totals[o][0] + smoothing * vocab[o]);
            weights.insert(key, (p_mt.ln() - p_h.ln()) as f32);
        }
        ProfileTable { weights }
    }

    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut entries: Vec<(u64, f32)> = self.weights.iter().map(|(k, v)| (*k, *v)).collect();
        entries.sort_by_key(|e| e.0);
        let mut out = Vec::with_capacity(entries.len() * 12);
        for (k, v) in entries {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if !bytes.len().is_multiple_of(12) {
            return Err(Error::Model("profile table: length is not a whole number of entries".into()));
        }
        let mut weights = FxHashMap::default();
        weights.reserve(bytes.len() / 12);
        for e in bytes.chunks_exact(12) {
            let k = u64::from_le_bytes(e[..8].try_into().expect("8 bytes"));
            let v = f32::from_le_bytes(e[8..].try_into().expect("4 bytes"));
            if !v.is_finite() {
                return Err(Error::Model("profile table: a weight is not a finite number".into()));
            }
            weights.insert(k, v);
        }
        Ok(ProfileTable { weights })
    }
}

#[derive(Serialize, Deserialize)]
struct StoredTable {
    encoding: String,
    entries: usize,
    table: String,
}

impl Serialize for ProfileTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let table = base64::engine::general_purpose::STANDARD.encode(self.to_bytes());
        StoredTable { encoding: "base64 of sorted little-endian (u64 n-gram key, f32 log ratio)".into(), entries: self.len(), table }
            .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ProfileTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = StoredTable::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(stored.table.as_bytes())
            .map_err(|e| serde::de::Error::custom(format!("profile table is not base64: {e}")))?;
        let table = ProfileTable::from_bytes(&bytes).map_err(serde::de::Error::custom)?;
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
        ProfileTable::train(examples.collect::<Vec<_>>().into_iter(), 1)
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
    fn learned_ratios_point_the_right_way() {
        let t = table();
        let mt_like = t.features(&Document::new("It is known for have a plan."), 0);
        let human_like = t.features(&Document::new("It is known for having a plan."), 0);
        assert!(mt_like[1] > human_like[1], "{mt_like:?} vs {human_like:?}");
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
