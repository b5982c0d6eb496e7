//! A read-mostly map from words to small values, for the word tables tokens are looked up in (the
//! tokeniser's table of the fluency vocabulary and the listed words, the fluency model's vocabulary, the
//! word classes).
//!
//! A general hash map with `String` keys stores each word in its own allocation and compares through a
//! pointer to it. Here the words are packed into one byte arena and the open-addressing slots hold the
//! word's position, its length and 32 more bits of its hash: a lookup hashes the word once, reads one slot
//! (usually) and compares bytes only when length and hash bits agree, so a miss almost never touches the
//! arena. Lookups are exact: equal hashes never stand in for equal words.

use std::hash::Hasher;

/// A map from byte strings (words) to `V`.
#[derive(Clone, Default)]
pub struct WordMap<V> {
    slots: Vec<Slot<V>>,
    arena: Vec<u8>,
    len: usize,
}

#[derive(Clone, Copy, Default)]
struct Slot<V> {
    /// The high half of the word's hash with the lowest bit set; 0 marks an empty slot.
    tag: u32,
    start: u32,
    len: u32,
    value: V,
}

fn hash(word: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(word);
    h.finish()
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

    /// The slot holding `word`, or the empty slot where it would go.
    fn find(&self, word: &[u8], h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let t = tag(h);
        let mut i = h as usize & mask;
        loop {
            let s = &self.slots[i];
            if s.tag == 0 || (s.tag == t && s.len as usize == word.len() && same_bytes(&self.arena[s.start as usize..s.start as usize + word.len()], word)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Sets the value of `word` (the last value set for a word counts, as with a map).
    pub fn insert(&mut self, word: &[u8], value: V) {
        // At most three quarters full: probes stay short (slots are 16 bytes, four to a cache line).
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let h = hash(word);
        let i = self.find(word, h);
        let slot = &mut self.slots[i];
        if slot.tag != 0 {
            slot.value = value;
            return;
        }
        let start = u32::try_from(self.arena.len()).expect("word arena below 4 GiB");
        self.arena.extend_from_slice(word);
        *slot = Slot { tag: tag(h), start, len: word.len() as u32, value };
        self.len += 1;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(8);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.tag != 0) {
            let word = &self.arena[s.start as usize..(s.start + s.len) as usize];
            let mut i = hash(word) as usize & mask;
            while self.slots[i].tag != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// The value of `word`, if it is in the map.
    pub fn get(&self, word: &[u8]) -> Option<V> {
        if self.slots.is_empty() {
            return None;
        }
        let s = &self.slots[self.find(word, hash(word))];
        (s.tag != 0).then_some(s.value)
    }

    /// The value of `word`, to change, inserted with the default value when it is not in the map.
    pub fn get_or_insert_default(&mut self, word: &[u8]) -> &mut V {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let h = hash(word);
        let i = self.find(word, h);
        if self.slots[i].tag == 0 {
            let start = u32::try_from(self.arena.len()).expect("word arena below 4 GiB");
            self.arena.extend_from_slice(word);
            self.slots[i] = Slot { tag: tag(h), start, len: word.len() as u32, value: V::default() };
            self.len += 1;
        }
        &mut self.slots[i].value
    }

    /// The value of `word`, to change, if it is in the map.
    pub fn get_mut(&mut self, word: &[u8]) -> Option<&mut V> {
        if self.slots.is_empty() {
            return None;
        }
        let i = self.find(word, hash(word));
        let s = &mut self.slots[i];
        (s.tag != 0).then_some(&mut s.value)
    }

    /// The words and their values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], V)> + '_ {
        self.slots.iter().filter(|s| s.tag != 0).map(|s| (&self.arena[s.start as usize..(s.start + s.len) as usize], s.value))
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
        for w in ["x", "w3001", "w", "w1 ", "trató"] {
            assert_eq!(m.get(w.as_bytes()), None);
        }
        assert_eq!(m.iter().count(), reference.len());
        assert_eq!(WordMap::<u32>::default().get(b"a"), None);
    }
}
