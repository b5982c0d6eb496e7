//! A read-mostly map from words to small values, for the word tables tokens are looked up in (the
//! tokeniser's table of the fluency vocabulary and the listed words, the fluency model's vocabulary, the
//! word classes).
//!
//! A general hash map with `String` keys stores each word in its own allocation and compares through a
//! pointer to it. Here the words are packed into one byte arena and the open-addressing slots hold the
//! word's first eight bytes, its length, its position in the arena and 32 more bits of its hash: a word of
//! up to eight bytes (most words) is hashed from one number and compared as one, and the arena (another
//! cache line) is read only for the bytes after the eighth. Lookups are exact: equal hashes never stand in
//! for equal words.

/// A map from byte strings (words) to `V`.
#[derive(Clone, Default)]
pub struct WordMap<V> {
    slots: Vec<Slot<V>>,
    arena: Vec<u8>,
    len: usize,
}

#[derive(Clone, Copy, Default)]
struct Slot<V> {
    /// The word's first eight bytes ([`head`]).
    head: u64,
    /// The high half of the word's hash with the lowest bit set; 0 marks an empty slot.
    tag: u32,
    len: u32,
    start: u32,
    value: V,
}

/// The first eight bytes of `word` as a little-endian number, zero past the word's end: a shorter word
/// is read in two overlapping four-byte (or three one-byte) loads instead of a byte loop.
#[inline]
fn head(word: &[u8]) -> u64 {
    let n = word.len();
    if n >= 8 {
        u64::from_le_bytes(word[..8].try_into().expect("8 bytes"))
    } else if n >= 4 {
        let low = u32::from_le_bytes(word[..4].try_into().expect("4 bytes")) as u64;
        let high = u32::from_le_bytes(word[n - 4..].try_into().expect("4 bytes")) as u64;
        low | high << (8 * (n - 4))
    } else if n > 0 {
        word[0] as u64 | (word[n / 2] as u64) << (8 * (n / 2)) | (word[n - 1] as u64) << (8 * (n - 1))
    } else {
        0
    }
}

/// The hash of `word` (whose [`head`] is `head`): one multiply for a word of up to eight bytes, one more
/// per further eight. The high half is folded into the low one, which picks the slot.
#[inline]
fn hash(word: &[u8], head: u64) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (head ^ (word.len() as u64).rotate_right(8)).wrapping_mul(K);
    if word.len() > 8 {
        for chunk in word[8..].chunks(8) {
            h = (h.rotate_left(26) ^ self::head(chunk)).wrapping_mul(K);
        }
    }
    h ^ (h >> 32)
}

/// What a lookup computes from a word before it reads the table: its first eight bytes and its hash.
/// Computed once when a word's slot is prefetched well before its lookup ([`WordMap::prefetch`],
/// [`WordMap::get_keyed`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WordKey {
    head: u64,
    hash: u64,
}

impl WordKey {
    #[inline]
    pub fn of(word: &[u8]) -> WordKey {
        let head = head(word);
        WordKey { head, hash: hash(word, head) }
    }
}

/// `a == b` for slices of equal length, byte by byte: words are a few bytes long, shorter than a
/// `memcmp` call's set-up.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).all(|(x, y)| x == y)
}

fn tag(h: u64) -> u32 {
    (h >> 32) as u32 | 1
}

/// Puts the filled slot `s` (of a word not in `slots`, whose bytes are in `arena`) in the first empty
/// slot from its word's home slot.
fn place<V: Copy>(slots: &mut [Slot<V>], arena: &[u8], s: Slot<V>) {
    let mask = slots.len() - 1;
    let word = &arena[s.start as usize..(s.start + s.len) as usize];
    let mut i = hash(word, s.head) as usize & mask;
    while slots[i].tag != 0 {
        i = (i + 1) & mask;
    }
    slots[i] = s;
}

impl<V: Copy + Default> WordMap<V> {
    /// An empty map with room for `n` words without growing.
    pub fn with_capacity(n: usize, arena_bytes: usize) -> Self {
        let slots = (n + n / 3 + 1).max(8).next_power_of_two();
        WordMap { slots: vec![Slot::default(); slots], arena: Vec::with_capacity(arena_bytes), len: 0 }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slot holding `word` (whose [`head`] is `head` and hash `h`), or the empty slot where it
    /// would go. Only the bytes after the eighth are compared in the arena.
    // Always inlined: a word's lookup in the tokeniser's table is per token, and whether the compiler
    // inlined it changed with unrelated code elsewhere in the crate (about 300 instructions per line).
    #[inline(always)]
    fn find(&self, word: &[u8], head: u64, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let t = tag(h);
        let mut i = h as usize & mask;
        loop {
            let s = &self.slots[i];
            if s.tag == 0 || (s.tag == t && s.head == head && s.len as usize == word.len() && (word.len() <= 8 || self.same_tail(s, word))) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Whether the bytes of `word` after the eighth are those of the word in slot `s` (of its length).
    fn same_tail(&self, s: &Slot<V>, word: &[u8]) -> bool {
        same_bytes(&self.arena[s.start as usize + 8..s.start as usize + word.len()], &word[8..])
    }

    /// The slot of `word`, or the empty slot where it would go, with its head and hash.
    #[inline]
    fn locate(&self, word: &[u8]) -> (usize, u64, u64) {
        let WordKey { head, hash } = WordKey::of(word);
        (self.find(word, head, hash), head, hash)
    }

    /// Puts `word` (not in the map) into the empty slot `i`.
    fn fill(&mut self, i: usize, word: &[u8], head: u64, h: u64, value: V) {
        let start = u32::try_from(self.arena.len()).expect("word arena below 4 GiB");
        self.arena.extend_from_slice(word);
        self.slots[i] = Slot { head, tag: tag(h), len: word.len() as u32, start, value };
        self.len += 1;
    }

    /// Sets the value of `word` (the last value set for a word counts, as with a map).
    pub fn insert(&mut self, word: &[u8], value: V) {
        // At most three quarters full: probes stay short (slots are 16 bytes, four to a cache line).
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let (i, head, h) = self.locate(word);
        if self.slots[i].tag != 0 {
            self.slots[i].value = value;
            return;
        }
        self.fill(i, word, head, h, value);
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(8);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for s in old.into_iter().filter(|s| s.tag != 0) {
            place(&mut self.slots, &self.arena, s);
        }
    }

    /// The same words with the values `value(v)`, with room for `n` words in all (so that more can be
    /// inserted without growing) and `arena_bytes` of words: the words keep their place in the arena,
    /// and their slots are placed by their hash, without comparing words.
    pub fn map_values<W: Copy + Default>(&self, n: usize, arena_bytes: usize, value: impl Fn(V) -> W) -> WordMap<W> {
        let mut out = WordMap::with_capacity(n.max(self.len), arena_bytes.max(self.arena.len()));
        out.arena.extend_from_slice(&self.arena);
        for s in self.slots.iter().filter(|s| s.tag != 0) {
            let Slot { head, tag, len, start, value: v } = *s;
            place(&mut out.slots, &out.arena, Slot { head, tag, len, start, value: value(v) });
        }
        out.len = self.len;
        out
    }

    /// Starts loading the slot where a search for the word of `key` begins (see [`crate::prefetch`]).
    #[inline]
    pub fn prefetch(&self, key: &WordKey) {
        if !self.slots.is_empty() {
            crate::prefetch::prefetch(&self.slots[key.hash as usize & (self.slots.len() - 1)]);
        }
    }

    /// The value of `word`, if it is in the map.
    pub fn get(&self, word: &[u8]) -> Option<V> {
        self.get_keyed(word, &WordKey::of(word))
    }

    /// [`WordMap::get`] with the word's key already computed (`key` is `WordKey::of(word)`).
    #[inline]
    pub fn get_keyed(&self, word: &[u8], key: &WordKey) -> Option<V> {
        debug_assert_eq!(*key, WordKey::of(word));
        if self.slots.is_empty() {
            return None;
        }
        let s = &self.slots[self.find(word, key.head, key.hash)];
        (s.tag != 0).then_some(s.value)
    }

    /// The value of `word`, to change, inserted with the default value when it is not in the map.
    pub fn get_or_insert_default(&mut self, word: &[u8]) -> &mut V {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let (i, head, h) = self.locate(word);
        if self.slots[i].tag == 0 {
            self.fill(i, word, head, h, V::default());
        }
        &mut self.slots[i].value
    }

    /// The value of `word`, to change, if it is in the map.
    pub fn get_mut(&mut self, word: &[u8]) -> Option<&mut V> {
        if self.slots.is_empty() {
            return None;
        }
        let i = self.locate(word).0;
        let s = &mut self.slots[i];
        (s.tag != 0).then_some(&mut s.value)
    }

    /// The words and their values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], V)> + '_ {
        self.slots.iter().filter(|s| s.tag != 0).map(|s| (&self.arena[s.start as usize..(s.start + s.len) as usize], s.value))
    }

    /// The map as bytes, to be read back by [`WordMap::from_layout_bytes`] with the same layout (no
    /// hashing, no probing): the number of slots, of words and of arena bytes (u64 each), then each
    /// slot (head u64, tag, length, start u32, then `value`'s bytes), then the arena; little-endian.
    /// `build.rs` lays out the embedded lexicons with it.
    #[cfg_attr(not(test), allow(dead_code))] // build.rs and the tests
    pub fn layout_bytes<const N: usize>(&self, value: impl Fn(V) -> [u8; N]) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.slots.len() * (20 + N) + self.arena.len());
        for n in [self.slots.len(), self.len, self.arena.len()] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for s in &self.slots {
            out.extend_from_slice(&s.head.to_le_bytes());
            for n in [s.tag, s.len, s.start] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            out.extend_from_slice(&value(s.value));
        }
        out.extend_from_slice(&self.arena);
        out
    }

    /// The map of [`WordMap::layout_bytes`] (`None` when `bytes` are not such bytes).
    pub fn from_layout_bytes<const N: usize>(bytes: &[u8], value: impl Fn([u8; N]) -> V) -> Option<Self> {
        let number = |i: usize| -> Option<usize> { usize::try_from(u64::from_le_bytes(bytes.get(8 * i..8 * i + 8)?.try_into().ok()?)).ok() };
        let (slots, len, arena) = (number(0)?, number(1)?, number(2)?);
        let size = 20 + N;
        let end = slots.checked_mul(size)?.checked_add(24)?;
        if !slots.is_power_of_two() || bytes.len() != end.checked_add(arena)? {
            return None;
        }
        let u32_at = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
        let slots: Vec<Slot<V>> = bytes[24..end]
            .chunks_exact(size)
            .map(|s| Slot {
                head: u64::from_le_bytes(s[..8].try_into().expect("8 bytes")),
                tag: u32_at(s, 8),
                len: u32_at(s, 12),
                start: u32_at(s, 16),
                value: value(s[20..].try_into().expect("N bytes")),
            })
            .collect();
        let arena = bytes[end..].to_vec();
        // Every word must lie in the arena (lookups slice it).
        if slots.iter().any(|s| s.tag != 0 && (s.start as usize).checked_add(s.len as usize).is_none_or(|e| e > arena.len())) {
            return None;
        }
        Some(WordMap { slots, arena, len })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_hash_map() {
        let mut m: WordMap<u32> = WordMap::with_capacity(2, 8);
        let mut reference = std::collections::HashMap::new();
        let words: Vec<String> = (0..5000).map(|i| format!("w{}", (i * 7919) % 3001)).collect();
        for (i, w) in words.iter().enumerate() {
            m.insert(w.as_bytes(), i as u32);
            reference.insert(w.clone(), i as u32);
        }
        m.insert(b"", 7);
        *m.get_or_insert_default(b"w1") += 1;
        *reference.get_mut("w1").unwrap() += 1;
        *m.get_or_insert_default(b"new") += 3;
        reference.insert("new".to_string(), 3);
        reference.insert(String::new(), 7);
        assert_eq!(m.len(), reference.len());
        for (w, v) in &reference {
            assert_eq!(m.get(w.as_bytes()), Some(*v), "{w}");
        }
        // Words around the eight bytes kept in a slot, equal in their first eight bytes.
        for (i, w) in ["abcdefg", "abcdefgh", "abcdefghi", "abcdefghij", "abcdefghijklmnopq", "abcdefghijklmnopr", "a\0", "a"].iter().enumerate() {
            m.insert(w.as_bytes(), 10_000 + i as u32);
            reference.insert(w.to_string(), 10_000 + i as u32);
        }
        assert_eq!(m.len(), reference.len());
        for (w, v) in &reference {
            assert_eq!(m.get(w.as_bytes()), Some(*v), "{w}");
        }
        for w in ["x", "w3001", "w", "w1 ", "trató", "abcdefghijklmnops", "abcdefghk", "abcdef", "a\0\0", "\0"] {
            assert_eq!(m.get(w.as_bytes()), None);
        }
        assert_eq!(m.iter().count(), reference.len());
        assert_eq!(WordMap::<u32>::default().get(b"a"), None);
        let mut mapped = m.map_values(m.len() + 100, 0, |v| v as u64 * 3);
        mapped.insert(b"after", 1);
        assert_eq!(mapped.len(), reference.len() + 1);
        for (w, v) in &reference {
            assert_eq!(mapped.get(w.as_bytes()), Some(*v as u64 * 3), "{w}");
        }
        assert_eq!((mapped.get(b"after"), mapped.get(b"abcdefghijklmnops")), (Some(1), None));
        let bytes = m.layout_bytes(u32::to_le_bytes);
        let back = WordMap::<u32>::from_layout_bytes(&bytes, u32::from_le_bytes).unwrap();
        assert_eq!(back.len(), reference.len());
        for (w, v) in &reference {
            assert_eq!(back.get(w.as_bytes()), Some(*v), "{w}");
        }
        assert_eq!(back.get(b"abcdefghijklmnops"), None);
        assert_eq!(back.layout_bytes(u32::to_le_bytes), bytes);
        assert!(WordMap::<u32>::from_layout_bytes(&bytes[..bytes.len() - 1], u32::from_le_bytes).is_none());
    }
}
