//! Word lists the tagger reads as features: gazetteers (names of people,
//! places and company forms) and word clusters learned from unlabelled news.

use super::NerError;
use super::hashing::{HashMap, hash_lower, hash_str};

/// The kinds of gazetteer list, as named in `gazetteers.txt.gz`.
pub const GAZETTEER_KINDS: &[&str] = &[
    "first_name",
    "last_name",
    "country",
    "demonym",
    "city",
    "region",
    "org_suffix",
    // Typed names of Wikipedia's entity mentions (WikiNEuRal, WikiANN).
    "person",
    "organisation",
    "place",
    "other_name",
];

/// Index of "first_name" in `GAZETTEER_KINDS`.
const FIRST_NAME: usize = 0;

/// Longest gazetteer entry, in tokens.
pub const MAX_ENTRY_TOKENS: usize = 6;

/// Multi-word gazetteers, keyed by the hash of an entry's lower-cased tokens.
#[derive(Debug, Default)]
pub struct Gazetteer {
    /// Sequence hash → bit set of `GAZETTEER_KINDS`.
    entries: HashMap<u16>,
}

/// Hash of a token sequence from its tokens' lower-case hashes; the
/// tagger computes the same while scanning text.
pub fn sequence_hash(previous: u64, token_lower: u64) -> u64 {
    (previous.rotate_left(17) ^ token_lower).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Gazetteer {
    /// Reads `KIND<TAB>entry` lines; an entry's tokens are separated by spaces.
    pub fn parse(text: &str) -> Result<Gazetteer, NerError> {
        let mut entries = HashMap::default();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let (kind, entry) = line.split_once('\t').ok_or_else(|| {
                NerError::Resource(format!("gazetteer line {}: no tab", number + 1))
            })?;
            let Some(bit) = GAZETTEER_KINDS.iter().position(|k| *k == kind) else {
                return Err(NerError::Resource(format!(
                    "gazetteer line {}: unknown kind {kind:?}",
                    number + 1
                )));
            };
            let tokens: Vec<&str> = entry.split(' ').filter(|t| !t.is_empty()).collect();
            if tokens.is_empty() || tokens.len() > MAX_ENTRY_TOKENS {
                continue;
            }
            let hash = tokens
                .iter()
                .fold(0, |hash, token| sequence_hash(hash, hash_lower(0, token)));
            *entries.entry(hash).or_insert(0) |= 1 << bit;
        }
        Ok(Gazetteer { entries })
    }

    /// Whether one word is a listed first name ("Mike", any case).
    pub fn is_first_name(&self, word: &str) -> bool {
        let kinds = self.kinds(sequence_hash(0, hash_lower(0, word)));
        kinds & (1 << FIRST_NAME) != 0
    }

    /// Whether words, two or more, are a name a list gives whole ("Rhode
    /// Island", "National Science Foundation"; any case).
    pub fn lists_name(&self, words: &[&str]) -> bool {
        words.len() >= 2
            && words.len() <= MAX_ENTRY_TOKENS
            && self.kinds(
                words
                    .iter()
                    .fold(0, |hash, word| sequence_hash(hash, hash_lower(0, word))),
            ) != 0
    }

    /// The gazetteer types (bit set, by gazetteer kind) of a token sequence's hash.
    pub fn kinds(&self, sequence: u64) -> u16 {
        self.entries.get(&sequence).copied().unwrap_or(0)
    }

    /// How many sequences are listed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Word clusters: each word's path in a binary merge tree (Brown
/// clustering), as a bit string; prefixes of it name coarser clusters.
#[derive(Debug, Default)]
pub struct Clusters {
    /// Hash of the word as written → (path bits, path length).
    paths: HashMap<(u64, u8)>,
    /// Distinguishes these clusters from others read in the process (0:
    /// none), so per-thread memories of word features never mix them.
    id: u64,
}

impl Clusters {
    /// Reads `word<TAB>path` lines, the path a string of 0s and 1s.
    pub fn parse(text: &str) -> Result<Clusters, NerError> {
        let mut paths = HashMap::default();
        for (number, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split('\t');
            let (Some(word), Some(path)) = (parts.next(), parts.next()) else {
                return Err(NerError::Resource(format!(
                    "cluster line {}: expected word and path",
                    number + 1
                )));
            };
            if path.len() > 63 || !path.bytes().all(|b| b == b'0' || b == b'1') {
                return Err(NerError::Resource(format!(
                    "cluster line {}: bad path {path:?}",
                    number + 1
                )));
            }
            let bits = path
                .bytes()
                .fold(0u64, |bits, b| (bits << 1) | u64::from(b - b'0'));
            paths.insert(hash_str(0, word), (bits, path.len() as u8));
        }
        static READ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = READ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Clusters { paths, id })
    }

    /// Which read of the clusters this is (a model is tied to the clusters it learnt with).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The path of a word, by the hash of its text as written.
    pub fn path(&self, word_hash: u64) -> Option<(u64, u8)> {
        self.paths.get(&word_hash).copied()
    }

    /// How many words have a cluster.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether no word has one.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}
