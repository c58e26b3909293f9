//! A direct-mapped cache keyed by short words.
//!
//! News repeats its words endlessly: a few thousand distinct words make up
//! most of its tokens. Work done per word — the analysis of a word for the
//! index (stemming), the features of a word for the entity tagger — is
//! therefore remembered per word. A hash table of boxed strings was tried
//! first and cost as much as the work it saved, in cache misses; here a
//! word of up to [`WORD_BYTES`] bytes is held inline beside its value, so a
//! lookup is one read and one 16-byte comparison. Two words that share a
//! slot take turns; longer words are not held. No crate offers a fixed,
//! allocation-free cache keyed by inline strings, hence this one.

/// The longest word a slot holds; the 16th byte is the length.
pub const WORD_BYTES: usize = 15;

/// Bytes `0..len` of a word, zeros, then `len` in the last byte: so a
/// whole key compares at once, and an empty slot (all zeros) matches no
/// word, as no word held is empty.
pub type Packed = [u8; WORD_BYTES + 1];

/// A word packed inline, when it has at most [`WORD_BYTES`] bytes.
pub fn packed(word: &str) -> Option<Packed> {
    let bytes = word.as_bytes();
    if bytes.len() > WORD_BYTES {
        return None;
    }
    let mut packed = [0; WORD_BYTES + 1];
    packed[..bytes.len()].copy_from_slice(bytes);
    packed[WORD_BYTES] = bytes.len() as u8;
    Some(packed)
}

/// A word's place in a cache: its packed form and slot.
#[derive(Clone, Copy)]
pub struct Key {
    word: Packed,
    slot: usize,
}

/// `2^BITS` slots of a word and its value.
pub struct WordCache<V, const BITS: u32> {
    slots: Box<[(Packed, V)]>,
}

impl<V: Copy, const BITS: u32> WordCache<V, BITS> {
    /// A cache of empty slots; `empty` fills their values.
    pub fn new(empty: V) -> WordCache<V, BITS> {
        WordCache {
            slots: vec![([0; WORD_BYTES + 1], empty); 1 << BITS].into_boxed_slice(),
        }
    }

    /// The key of a non-empty word short enough to be held.
    pub fn key(&self, word: &str) -> Option<Key> {
        if word.is_empty() {
            return None;
        }
        let word = packed(word)?;
        let low = u64::from_le_bytes([
            word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7],
        ]);
        let high = u64::from_le_bytes([
            word[8], word[9], word[10], word[11], word[12], word[13], word[14], word[15],
        ]);
        // A multiplicative hash of the packed word, its top bits.
        let mixed = (low ^ high.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = (mixed >> (64 - BITS)) as usize;
        Some(Key { word, slot })
    }

    /// The value remembered for the key's word.
    pub fn get(&self, key: &Key) -> Option<&V> {
        let (word, value) = &self.slots[key.slot];
        (*word == key.word).then_some(value)
    }

    /// Remembers `value` for the key's word, in place of whichever word
    /// held its slot.
    pub fn put(&mut self, key: Key, value: V) {
        self.slots[key.slot] = (key.word, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_words_until_another_takes_their_slot() {
        let mut cache = WordCache::<u32, 4>::new(0);
        let words: Vec<String> = (0..64).map(|n| format!("w{n}")).collect();
        for (n, word) in words.iter().enumerate() {
            let key = cache.key(word).expect("short");
            assert_eq!(cache.get(&key), None, "{word} before it is put");
            cache.put(key, n as u32);
            assert_eq!(cache.get(&key), Some(&(n as u32)));
        }
        // 64 words in 16 slots: each held value is its own word's.
        let held = words
            .iter()
            .enumerate()
            .filter(|(n, word)| {
                let key = cache.key(word).expect("short");
                match cache.get(&key) {
                    Some(value) => {
                        assert_eq!(*value, *n as u32);
                        true
                    }
                    None => false,
                }
            })
            .count();
        assert!((1..=16).contains(&held), "{held}");
        assert!(cache.key("").is_none());
        assert!(cache.key("sixteen-letters!").is_none());
        assert!(cache.key("fifteen-letters").is_some());
    }
}
