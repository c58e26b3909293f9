//! The tagger's hashes: of words as written and lower-cased, mixed into
//! feature keys, and the map that takes them as they are. Features and the
//! word lists both hash words, so the hashing sits apart from either.

/// A hasher for keys that are already hashes: it passes them through, so
/// maps keyed by feature and word hashes skip SipHash on the hot path.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = mix(self.0, u64::from(*byte));
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map keyed by a hash.
pub type HashMap<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<Prehashed>>;

/// Mixes two hashes into one (the splitmix64 finaliser).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[inline]
pub fn hash_chars(seed: u64, chars: impl Iterator<Item = char>) -> u64 {
    let mut hash = seed ^ 0xCBF2_9CE4_8422_2325;
    for c in chars {
        hash = (hash.rotate_left(5) ^ u64::from(c)).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    mix(hash, 0x5851_F42D_4C95_7F2D)
}

/// Hash of a string as written.
pub fn hash_str(seed: u64, text: &str) -> u64 {
    hash_chars(seed, text.chars())
}

/// Hash of a string lower-cased.
pub fn hash_lower(seed: u64, text: &str) -> u64 {
    if text.is_ascii() {
        // The same characters as below, without Unicode case tables.
        return hash_chars(
            seed,
            text.bytes().map(|b| char::from(b.to_ascii_lowercase())),
        );
    }
    hash_chars(seed, text.chars().flat_map(char::to_lowercase))
}
