//! The memory layout of the profile tables: a head's table ([`Table`]) and the heads' tables merged
//! into one lookup ([`merge`]), and their bytes ([`Table::layout_bytes`], [`merged_layout_bytes`]).
//!
//! This file is shared with `build.rs` (as a module there), which lays out the embedded default model's
//! tables when the crate is built: the binary then copies them in at start-up instead of decoding the
//! model's base64 and filling the buckets one record at a time. So it uses nothing from the crate.

#[derive(Default, PartialEq)]
pub struct Table {
    pub buckets: Vec<Bucket>,
    /// A key's home bucket is `key >> shift`.
    pub shift: u32,
    pub len: usize,
}

/// Entries per bucket.
pub const SLOTS: usize = 5;
/// Bytes per stored entry: u64 key, f32 weight (little-endian, as in the model file).
pub const RECORD: usize = 12;

/// Up to [`SLOTS`] entries, sorted by key, in one cache line.
#[derive(Clone, Copy, PartialEq)]
#[repr(C, align(64))]
pub struct Bucket {
    pub entries: [u8; SLOTS * RECORD],
    pub used: u32,
}

impl Bucket {
    pub const EMPTY: Bucket = Bucket { entries: [0; SLOTS * RECORD], used: 0 };

    pub fn key(&self, slot: usize) -> u64 {
        record_key(&self.entries, slot)
    }

    pub fn weight(&self, slot: usize) -> f32 {
        record_weight(&self.entries, slot)
    }
}

/// The key of record `i` of stored records ([`RECORD`] bytes each).
#[inline]
pub fn record_key(records: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(records[i * RECORD..i * RECORD + 8].try_into().expect("8 bytes"))
}

/// The weight of record `i` of stored records.
#[inline]
pub fn record_weight(records: &[u8], i: usize) -> f32 {
    f32::from_le_bytes(records[i * RECORD + 8..i * RECORD + 12].try_into().expect("4 bytes"))
}

impl Table {
    /// Lays out `records` (sorted, unique keys, finite weights; [`RECORD`] bytes each).
    pub fn new(records: &[u8]) -> Table {
        let mut builder = Builder::new(records.len() / RECORD);
        for r in records.chunks_exact(RECORD) {
            builder.push(r.try_into().expect("a whole record"));
        }
        builder.finish()
    }

    pub fn get(&self, key: u64) -> Option<f32> {
        let mut b = (key >> self.shift) as usize;
        while let Some(bucket) = self.buckets.get(b) {
            for slot in 0..bucket.used as usize {
                let k = bucket.key(slot);
                if k >= key {
                    return (k == key).then(|| bucket.weight(slot));
                }
            }
            if (bucket.used as usize) < SLOTS {
                return None;
            }
            b += 1;
        }
        None
    }

    /// Reads `key`'s home bucket, so that the lookups of a sentence, done next, find their cache lines
    /// loaded (these reads are independent of each other, so the processor overlaps them).
    pub fn touch(&self, key: u64) -> u32 {
        self.buckets.get((key >> self.shift) as usize).map_or(0, |b| b.used)
    }

    /// The entries in key order, as the model file stores them.
    pub fn records(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len * RECORD);
        for b in &self.buckets {
            out.extend_from_slice(&b.entries[..b.used as usize * RECORD]);
        }
        out
    }
}

/// Fills a [`Table`] with records given in key order.
pub struct Builder {
    table: Table,
    /// The bucket the last record went to.
    bucket: usize,
    last_key: Option<u64>,
}

impl Builder {
    /// A builder for `len` records.
    pub fn new(len: usize) -> Builder {
        // About four entries per bucket of five: a power of two at or above len / 4.
        let bits = (len.div_ceil(4).max(2).next_power_of_two().trailing_zeros()).min(40);
        let table = Table { buckets: vec![Bucket::EMPTY; 1 << bits], shift: 64 - bits, len: 0 };
        Builder { table, bucket: 0, last_key: None }
    }

    /// Adds the next record; false (and nothing added) when its key is not above the last one.
    #[inline]
    pub fn push(&mut self, record: &[u8; RECORD]) -> bool {
        let key = record_key(record, 0);
        if self.last_key.is_some_and(|last| last >= key) {
            return false;
        }
        self.last_key = Some(key);
        let buckets = &mut self.table.buckets;
        let mut b = self.bucket.max((key >> self.table.shift) as usize);
        while buckets.get(b).is_some_and(|bucket| bucket.used as usize == SLOTS) {
            b += 1;
        }
        if b == buckets.len() {
            buckets.push(Bucket::EMPTY); // overflow past the last home bucket
        }
        let bucket = &mut buckets[b];
        let slot = bucket.used as usize;
        bucket.entries[slot * RECORD..(slot + 1) * RECORD].copy_from_slice(record);
        bucket.used += 1;
        self.bucket = b;
        self.table.len += 1;
        true
    }

    pub fn finish(self) -> Table {
        self.table
    }
}

/// Entries per bucket of a merged table ([`merge`]).
pub const MERGED_SLOTS: usize = 4;

#[derive(Clone, Copy)]
#[repr(C, align(64))]
pub struct MergedBucket<const H: usize> {
    pub keys: [u64; MERGED_SLOTS],
    /// Per slot, each head's weight: `ABSENT` bits when the head lacks the key, `FREE` bits in every
    /// weight of an unused slot (so that a lookup of the key `u64::MAX` that lands on one adds nothing).
    pub weights: [[f32; H]; MERGED_SLOTS],
}

/// The bits of the first weight of a free slot (a NaN that no stored weight has: they are finite).
pub const FREE: u32 = 0x7fff_ffff;
/// The bits of an absent weight (another NaN).
pub const ABSENT: u32 = 0x7fc0_0000;

impl<const H: usize> MergedBucket<H> {
    /// A free slot's key is the largest one, so that a bucket's keys stay sorted with its free slots.
    pub const EMPTY: Self = MergedBucket { keys: [u64::MAX; MERGED_SLOTS], weights: [[f32::from_bits(FREE); H]; MERGED_SLOTS] };

    #[inline]
    pub fn is_free(&self, slot: usize) -> bool {
        self.weights[slot][0].to_bits() == FREE
    }
}

/// The entries of a [`Table`] in key order.
pub struct Records<'a> {
    buckets: &'a [Bucket],
    bucket: usize,
    slot: usize,
}

impl Iterator for Records<'_> {
    type Item = (u64, f32);

    #[inline]
    fn next(&mut self) -> Option<(u64, f32)> {
        loop {
            let b = self.buckets.get(self.bucket)?;
            if self.slot < b.used as usize {
                self.slot += 1;
                return Some((b.key(self.slot - 1), b.weight(self.slot - 1)));
            }
            self.bucket += 1;
            self.slot = 0;
        }
    }
}

/// The home bucket of `key` among `homes`: monotone in the key.
#[inline]
pub fn home_bucket(key: u64, homes: u64) -> usize {
    (((key >> 32) * homes) >> 32) as usize
}


impl Table {
    /// The entries in key order.
    pub fn iter(&self) -> Records<'_> {
        Records { buckets: &self.buckets, bucket: 0, slot: 0 }
    }

    /// The table as bytes: its shift (u32) and length (u64), then each bucket's [`SLOTS`] records and
    /// its count of used slots (u32), little-endian. [`Table::from_layout_bytes`] reads them.
    #[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
    pub fn layout_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + self.buckets.len() * 64);
        out.extend_from_slice(&self.shift.to_le_bytes());
        out.extend_from_slice(&(self.len as u64).to_le_bytes());
        for b in &self.buckets {
            out.extend_from_slice(&b.entries);
            out.extend_from_slice(&b.used.to_le_bytes());
        }
        out
    }

    /// The table of [`Table::layout_bytes`] (`None` when `bytes` are not such bytes).
    pub fn from_layout_bytes(bytes: &[u8]) -> Option<Table> {
        let shift = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
        let len = u64::from_le_bytes(bytes.get(4..12)?.try_into().ok()?);
        let body = &bytes[12..];
        if !body.len().is_multiple_of(64) {
            return None;
        }
        let buckets = body
            .chunks_exact(64)
            .map(|b| Bucket { entries: b[..SLOTS * RECORD].try_into().expect("60 bytes"), used: u32::from_le_bytes(b[60..].try_into().expect("4 bytes")) })
            .collect();
        Some(Table { buckets, shift, len: usize::try_from(len).ok()? })
    }
}

/// Several heads' tables merged into one lookup: each key of any of `tables` once, with every head's
/// weight (`ABSENT` bits for a head whose table does not have the key), and the number of home buckets.
/// Entries in key order fill buckets (a key's home bucket is its top 32 bits scaled to the bucket count,
/// which keeps bucket order = key order), and an entry that does not fit goes to the next bucket with room:
/// one sequential merge of the heads' tables, whose entries are already in key order.
pub fn merge<const H: usize>(tables: [&Table; H]) -> (Vec<MergedBucket<H>>, u64) {
    // An upper bound of the distinct keys, about three entries to a bucket of four.
    let total: usize = tables.iter().map(|t| t.len).sum();
    let homes = (total * 4).div_ceil(MERGED_SLOTS * 3).max(1);
    let mut buckets = vec![MergedBucket::<H>::EMPTY; homes];
    let mut records: [Records; H] = tables.map(Table::iter);
    let mut next: [Option<(u64, f32)>; H] = std::array::from_fn(|h| records[h].next());
    let (mut bucket, mut used) = (0usize, 0usize);
    while let Some(key) = next.iter().flatten().map(|e| e.0).min() {
        let mut weights = [f32::from_bits(ABSENT); H];
        for h in 0..H {
            if let Some((k, w)) = next[h] {
                if k == key {
                    weights[h] = w;
                    next[h] = records[h].next();
                }
            }
        }
        let home = home_bucket(key, homes as u64);
        if home > bucket {
            (bucket, used) = (home, 0);
        } else if used == MERGED_SLOTS {
            (bucket, used) = (bucket + 1, 0);
        }
        if bucket == buckets.len() {
            buckets.push(MergedBucket::EMPTY); // overflow past the last home bucket
        }
        buckets[bucket].keys[used] = key;
        buckets[bucket].weights[used] = weights;
        used += 1;
    }
    (buckets, homes as u64)
}

/// A merged table as bytes: its number of heads (u32) and of home buckets (u64), then each bucket's keys
/// and weights (by slot, then head), little-endian. [`merged_from_layout_bytes`] reads them.
#[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
pub fn merged_layout_bytes<const H: usize>(buckets: &[MergedBucket<H>], homes: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + buckets.len() * (8 + 4 * H) * MERGED_SLOTS);
    out.extend_from_slice(&(H as u32).to_le_bytes());
    out.extend_from_slice(&homes.to_le_bytes());
    for b in buckets {
        b.keys.iter().for_each(|k| out.extend_from_slice(&k.to_le_bytes()));
        b.weights.iter().flatten().for_each(|w| out.extend_from_slice(&w.to_bits().to_le_bytes()));
    }
    out
}

/// The buckets and home-bucket count of [`merged_layout_bytes`] (`None` when `bytes` are not those of
/// a table of `H` heads).
pub fn merged_from_layout_bytes<const H: usize>(bytes: &[u8]) -> Option<(Vec<MergedBucket<H>>, u64)> {
    let heads = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let homes = u64::from_le_bytes(bytes.get(4..12)?.try_into().ok()?);
    let size = (8 + 4 * H) * MERGED_SLOTS;
    let body = &bytes[12..];
    if heads as usize != H || !body.len().is_multiple_of(size) {
        return None;
    }
    let word = |b: &[u8], i: usize| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes"));
    let weight = |b: &[u8], i: usize| f32::from_bits(u32::from_le_bytes(b[8 * MERGED_SLOTS + 4 * i..8 * MERGED_SLOTS + 4 * i + 4].try_into().expect("4 bytes")));
    let buckets = body
        .chunks_exact(size)
        .map(|b| MergedBucket { keys: std::array::from_fn(|s| word(b, s)), weights: std::array::from_fn(|s| std::array::from_fn(|h| weight(b, s * H + h))) })
        .collect();
    Some((buckets, homes))
}
