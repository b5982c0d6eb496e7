//! The fluency model's bigram probabilities, and the layout of its bigram table when every word id fits
//! in 16 bits, with its bytes.
//!
//! The table keeps each stored bigram's log10 probability beside its key, worked out once when the table
//! is laid out, so that scoring a seen pair reads a number instead of calling `log10f` (about 80
//! instructions, 2 in 3 of a news sentence's pairs); the counts, which only writing the model and the
//! API read, lie in a table of their own.
//!
//! This file is shared with `build.rs` (as a module there), which lays out the embedded model's table
//! when the crate is built, so it uses nothing from the crate. The log-probabilities it stores are those
//! [`log_prob`] gives at run time: the same f32 operations and the same `log10`.

pub const BIGRAM_SLOTS: usize = 8;
/// No packed key has all 32 bits set: ids stay below 0xffff.
pub const EMPTY_KEY: u32 = u32::MAX;
/// The id of out-of-vocabulary words.
pub const UNK: u32 = 3;
/// Kneser-Ney absolute discount.
pub const DISCOUNT: f32 = 0.75;

/// What the model file says of a vocabulary word.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WordStats {
    pub count: u32,
    /// Distinct words seen after this one (before pruning).
    pub followers: u32,
    /// Distinct words seen before this one (before pruning).
    pub predecessors: u32,
}

/// Kneser-Ney continuation probability of `w`.
fn continuation(stats: &[WordStats], total_bigram_types: u64, w: u32) -> f32 {
    let p = stats[w as usize].predecessors.max(1) as f32 / total_bigram_types.max(1) as f32;
    if w == UNK {
        p.min(1e-6)
    } else {
        p
    }
}

/// log10 P(w | prev), interpolated Kneser-Ney, for a bigram seen `bigram_count` times (0: not stored).
pub fn log_prob(stats: &[WordStats], total_bigram_types: u64, prev: u32, w: u32, bigram_count: u32) -> f32 {
    let prev_stats = stats[prev as usize];
    let cont = continuation(stats, total_bigram_types, w);
    if prev_stats.count == 0 || prev == UNK {
        return cont.log10();
    }
    let c = bigram_count as f32;
    let denom = prev_stats.count as f32;
    let lambda = DISCOUNT * prev_stats.followers as f32 / denom;
    let p = (c - DISCOUNT).max(0.0) / denom + lambda.min(1.0) * cont;
    p.max(1e-9).log10()
}

/// Eight packed keys and their bigrams' log-probabilities, in one cache line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct BigramBucket {
    pub keys: [u32; BIGRAM_SLOTS],
    pub log_probs: [f32; BIGRAM_SLOTS],
}

/// A laid-out table: its buckets, the counts of their slots (bucket by bucket), and the shift of
/// [`home`].
pub struct Layout {
    pub buckets: Vec<BigramBucket>,
    pub counts: Vec<[u32; BIGRAM_SLOTS]>,
    pub shift: u32,
}

/// The home bucket of a packed key (`prev << 16 | id`).
#[inline]
pub fn home(packed: u32, shift: u32) -> usize {
    (packed.wrapping_mul(0x9e37_79b1) >> shift) as usize
}

/// The table of `entries` ((previous id << 32 | id, count), both ids below 0xffff), each stored with
/// `log_prob(previous id, id, count)`; of equal keys the last counts. At most half full: a power of two
/// at or above entries / 4 buckets of eight.
pub fn lay_out(entries: impl ExactSizeIterator<Item = (u64, u32)>, log_prob: impl Fn(u32, u32, u32) -> f32) -> Layout {
    let bits = entries.len().div_ceil(4).max(2).next_power_of_two().trailing_zeros();
    let mut buckets = vec![BigramBucket { keys: [EMPTY_KEY; BIGRAM_SLOTS], log_probs: [0.0; BIGRAM_SLOTS] }; 1 << bits];
    let mut counts = vec![[0u32; BIGRAM_SLOTS]; 1 << bits];
    let shift = 32 - bits;
    let mask = buckets.len() - 1;
    for (k, c) in entries {
        let (prev, id) = ((k >> 32) as u32, (k & 0xffff_ffff) as u32);
        let packed = prev << 16 | id;
        let mut b = home(packed, shift);
        loop {
            let bucket = &mut buckets[b];
            if let Some(slot) = bucket.keys.iter().position(|&k| k == packed || k == EMPTY_KEY) {
                bucket.keys[slot] = packed;
                bucket.log_probs[slot] = log_prob(prev, id, c);
                counts[b][slot] = c;
                break;
            }
            b = (b + 1) & mask;
        }
    }
    Layout { buckets, counts, shift }
}

/// Bytes per bucket in [`layout_bytes`]: its keys, log-probabilities and counts.
const BUCKET_BYTES: usize = 3 * 4 * BIGRAM_SLOTS;

/// A table as bytes: its shift (u32), then each bucket's keys, log-probabilities (their bits) and counts
/// (u32 each), little-endian.
#[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
pub fn layout_bytes(layout: &Layout) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + layout.buckets.len() * BUCKET_BYTES);
    out.extend_from_slice(&layout.shift.to_le_bytes());
    for (b, counts) in layout.buckets.iter().zip(&layout.counts) {
        let log_probs = b.log_probs.map(f32::to_bits);
        b.keys.iter().chain(&log_probs).chain(counts).for_each(|n| out.extend_from_slice(&n.to_le_bytes()));
    }
    out
}

/// The table of [`layout_bytes`] (`None` when `bytes` are not such bytes).
pub fn from_layout_bytes(bytes: &[u8]) -> Option<Layout> {
    let shift = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let body = &bytes[4..];
    let n = body.len() / BUCKET_BYTES;
    if !body.len().is_multiple_of(BUCKET_BYTES) || !n.is_power_of_two() || shift != 32 - n.trailing_zeros() {
        return None;
    }
    let word = |b: &[u8], i: usize| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    let buckets = body
        .chunks_exact(BUCKET_BYTES)
        .map(|b| BigramBucket { keys: std::array::from_fn(|s| word(b, s)), log_probs: std::array::from_fn(|s| f32::from_bits(word(b, BIGRAM_SLOTS + s))) })
        .collect();
    let counts = body.chunks_exact(BUCKET_BYTES).map(|b| std::array::from_fn(|s| word(b, 2 * BIGRAM_SLOTS + s))).collect();
    Some(Layout { buckets, counts, shift })
}
