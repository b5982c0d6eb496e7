//! The layout of the fluency model's bigram table when every word id fits in 16 bits, and its bytes.
//!
//! This file is shared with `build.rs` (as a module there), which lays out the embedded model's table
//! when the crate is built, so it uses nothing from the crate.

pub const BIGRAM_SLOTS: usize = 8;
/// No packed key has all 32 bits set: ids stay below 0xffff.
pub const EMPTY_KEY: u32 = u32::MAX;

#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct BigramBucket {
    pub keys: [u32; BIGRAM_SLOTS],
    pub counts: [u32; BIGRAM_SLOTS],
}

/// The home bucket of a packed key (`prev << 16 | id`).
#[inline]
pub fn home(packed: u32, shift: u32) -> usize {
    (packed.wrapping_mul(0x9e37_79b1) >> shift) as usize
}

/// The buckets and shift of a table of `entries` ((previous id << 32 | id, count), both ids below
/// 0xffff); of equal keys the last counts. At most half full: a power of two at or above entries / 4
/// buckets of eight.
pub fn lay_out(entries: impl ExactSizeIterator<Item = (u64, u32)>) -> (Vec<BigramBucket>, u32) {
    let bits = entries.len().div_ceil(4).max(2).next_power_of_two().trailing_zeros();
    let mut buckets = vec![BigramBucket { keys: [EMPTY_KEY; BIGRAM_SLOTS], counts: [0; BIGRAM_SLOTS] }; 1 << bits];
    let shift = 32 - bits;
    let mask = buckets.len() - 1;
    for (k, c) in entries {
        let packed = ((k >> 32) as u32) << 16 | (k & 0xffff_ffff) as u32;
        let mut b = home(packed, shift);
        'place: loop {
            let bucket = &mut buckets[b];
            for slot in 0..BIGRAM_SLOTS {
                if bucket.keys[slot] == packed || bucket.keys[slot] == EMPTY_KEY {
                    bucket.keys[slot] = packed;
                    bucket.counts[slot] = c;
                    break 'place;
                }
            }
            b = (b + 1) & mask;
        }
    }
    (buckets, shift)
}

/// A table as bytes: its shift (u32), then each bucket's keys and counts (u32 each), little-endian.
#[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
pub fn layout_bytes(buckets: &[BigramBucket], shift: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + buckets.len() * 64);
    out.extend_from_slice(&shift.to_le_bytes());
    for b in buckets {
        b.keys.iter().chain(&b.counts).for_each(|n| out.extend_from_slice(&n.to_le_bytes()));
    }
    out
}

/// The buckets and shift of [`layout_bytes`] (`None` when `bytes` are not such bytes).
pub fn from_layout_bytes(bytes: &[u8]) -> Option<(Vec<BigramBucket>, u32)> {
    let shift = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let body = &bytes[4..];
    let n = body.len() / 64;
    if !body.len().is_multiple_of(64) || !n.is_power_of_two() || shift != 32 - n.trailing_zeros() {
        return None;
    }
    let word = |b: &[u8], i: usize| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    let buckets = body
        .chunks_exact(64)
        .map(|b| BigramBucket { keys: std::array::from_fn(|s| word(b, s)), counts: std::array::from_fn(|s| word(b, BIGRAM_SLOTS + s)) })
        .collect();
    Some((buckets, shift))
}
