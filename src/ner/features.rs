//! Features of a token for the tagger, as 64-bit hashes: no string is built
//! per token. A document is first turned into [`Word`]s (each token's
//! hashes, shape, affixes, gazetteer and cluster marks); features of a token
//! are then combinations of its own and its neighbours' hashes.

use std::ops::Range;

use super::hashing::{HashMap, hash_chars, hash_lower, hash_str, mix};
use super::label::{Label, TYPES};
use super::lexicon::{Clusters, GAZETTEER_KINDS, Gazetteer, MAX_ENTRY_TOKENS, sequence_hash};
use crate::analysis::word_cache::WordCache;

/// Bumped whenever a feature template changes: a model trained with other
/// features is refused at load time instead of tagging badly.
pub const FEATURE_VERSION: u32 = 5;

/// The characters of a word in lower case, quickly for ASCII.
fn lowercase_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let ascii = text.is_ascii();
    let fast = ascii.then(|| text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    let slow = (!ascii).then(|| text.chars().flat_map(char::to_lowercase));
    fast.into_iter().flatten().chain(slow.into_iter().flatten())
}

/// Hash of a string with its first letter kept and the rest lower-cased:
/// "NATO" looked up as "Nato" when only that form has a cluster.
fn hash_title(seed: u64, text: &str) -> u64 {
    let mut chars = text.chars();
    let first = chars.next();
    hash_chars(
        seed,
        first.into_iter().chain(chars.flat_map(char::to_lowercase)),
    )
}

/// How a word is written: upper, lower, digit, other, each run squeezed
/// to one character ("McDonald's" → "XxXx'x"). Its shape with runs kept
/// whole was weighed by 5-fold cross-validation on CoNLL-2003 `eng.train`
/// and left out: it added nothing the squeezed one, the affixes and the
/// flags did not say.
fn shape(text: &str) -> u64 {
    let class = |c: char| {
        if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        }
    };
    let mut last = None;
    hash_chars(
        13,
        text.chars().map(class).filter(move |c| {
            let repeat = last == Some(*c);
            last = Some(*c);
            !repeat
        }),
    )
}

// Word flags.
const INITIAL_CAPITAL: u16 = 1;
const ALL_CAPITALS: u16 = 1 << 1;
const HAS_DIGIT: u16 = 1 << 2;
const HAS_HYPHEN: u16 = 1 << 3;
const HAS_PERIOD: u16 = 1 << 4;
const ALL_DIGITS: u16 = 1 << 5;
const NO_LETTER: u16 = 1 << 6;
const SENTENCE_START: u16 = 1 << 7;
const CAPITALS_SENTENCE: u16 = 1 << 8;
// Document flags: how the same word is written elsewhere in the document.
const SEEN_LOWER: u16 = 1 << 9;
const SEEN_CAPITALISED_INSIDE: u16 = 1 << 10;
// Lower-case letters only.
const LOWERCASE_WORD: u16 = 1 << 11;
/// Lengths of the prefixes and suffixes a word's features hold (its
/// first and last letter alone were weighed by cross-validation and left
/// out).
const AFFIX_LENGTHS: std::ops::RangeInclusive<usize> = 2..=4;

/// A token with everything the feature templates need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Word {
    pub form: u64,
    pub lower: u64,
    short_shape: u64,
    /// Lower-case prefixes and suffixes, of [`AFFIX_LENGTHS`] (0: the word
    /// is shorter).
    prefixes: [u64; 3],
    suffixes: [u64; 3],
    flags: u16,
    length: u8,
    /// Gazetteer kinds covering this token, per position in the match:
    /// begin, inside, last, unit (a one-token entry).
    gazetteer: [u16; 4],
    cluster: Option<(u64, u8)>,
}

impl Word {
    fn new(text: &str, clusters: &Clusters) -> Word {
        let form = hash_str(0, text);
        let lower = hash_lower(0, text);
        let short_shape = shape(text);
        let mut flags = 0;
        let mut letters = 0;
        let mut uppers = 0;
        let mut digits = 0;
        let mut length = 0usize;
        for c in text.chars() {
            length += 1;
            if c.is_alphabetic() {
                letters += 1;
                if c.is_uppercase() {
                    uppers += 1;
                }
            } else if c.is_numeric() {
                digits += 1;
            } else if c == '-' {
                flags |= HAS_HYPHEN;
            } else if c == '.' {
                flags |= HAS_PERIOD;
            }
        }
        if text.chars().next().is_some_and(char::is_uppercase) {
            flags |= INITIAL_CAPITAL;
        }
        if letters > 0 && uppers == letters {
            flags |= ALL_CAPITALS;
        }
        if digits > 0 {
            flags |= HAS_DIGIT;
            if digits == length {
                flags |= ALL_DIGITS;
            }
        }
        if letters == 0 {
            flags |= NO_LETTER;
        } else if letters == length && uppers == 0 {
            flags |= LOWERCASE_WORD;
        }
        let mut prefixes = [0; 3];
        let mut suffixes = [0; 3];
        if letters > 0 {
            // The first and last four lower-case characters, without
            // allocating: a ring of the last four seen.
            let mut first = ['\0'; 4];
            let mut last = ['\0'; 4];
            let mut count = 0;
            for c in lowercase_chars(text) {
                if count < 4 {
                    first[count] = c;
                }
                last[count % 4] = c;
                count += 1;
            }
            for (slot, n) in AFFIX_LENGTHS.take_while(|n| *n <= count).enumerate() {
                prefixes[slot] = hash_chars(100 + n as u64, first[..n].iter().copied());
                let tail = (count - n..count).map(|i| last[i % 4]);
                suffixes[slot] = hash_chars(200 + n as u64, tail);
            }
        }
        let cluster = clusters
            .path(form)
            .or_else(|| clusters.path(hash_title(0, text)))
            .or_else(|| clusters.path(lower));
        Word {
            form,
            lower,
            short_shape,
            prefixes,
            suffixes,
            flags,
            length: length.min(255) as u8,
            gazetteer: [0; 4],
            cluster,
        }
    }

    fn is(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Whether the tagger may leave the word outside unscored when no
    /// entity is open before it: a lower-case word, or one without a letter
    /// (punctuation, a number).
    pub fn is_settled_alone(&self) -> bool {
        self.flags & (LOWERCASE_WORD | NO_LETTER) != 0
    }
}

/// Slots of a thread's word memory: 2^12 (576 KiB).
const MEMORY_BITS: u32 = 12;
/// Words a thread reads before it makes its memory.
const MEMORY_WARM_UP: u32 = 4096;

thread_local! {
    static WORD_MEMORY: std::cell::RefCell<WordMemory> = std::cell::RefCell::default();
}

/// The features of the words a thread read last, before any document marks
/// them (gazetteer, sentence, case elsewhere): [`Word::new`] hashes a word
/// nine ways (as written, in lower case, its shape, three prefixes and three
/// suffixes) and looks it up in the clusters up to three times, about a
/// tenth of the CPU time of indexing news with entities (perf, `newsdex
/// index` on synthetic news), and a few thousand words make up most of a
/// text. Per thread, since documents are prepared on every core.
#[derive(Default)]
struct WordMemory {
    /// The id of the clusters the remembered words were looked up in.
    clusters: u64,
    read: u32,
    words: Option<WordCache<Word, MEMORY_BITS>>,
}

impl WordMemory {
    fn forget_unless(&mut self, clusters: &Clusters) {
        if self.clusters != clusters.id() {
            self.clusters = clusters.id();
            self.words = None;
        }
    }

    fn word(&mut self, text: &str, clusters: &Clusters) -> Word {
        let Some(words) = &mut self.words else {
            self.read += 1;
            if self.read >= MEMORY_WARM_UP {
                self.words = Some(WordCache::new(Word::default()));
            }
            return Word::new(text, clusters);
        };
        let Some(key) = words.key(text) else {
            return Word::new(text, clusters);
        };
        if let Some(word) = words.get(&key) {
            return *word;
        }
        let word = Word::new(text, clusters);
        words.put(key, word);
        word
    }
}

/// A document ready for tagging: its words and its sentences' ranges.
#[derive(Debug, Default)]
pub struct Document {
    pub words: Vec<Word>,
    pub sentences: Vec<Range<usize>>,
}

impl Document {
    /// Builds the words of a document given as sentences of token texts.
    pub fn new<'a, S, T>(sentences: S, gazetteer: &Gazetteer, clusters: &Clusters) -> Document
    where
        S: IntoIterator<Item = T>,
        T: IntoIterator<Item = &'a str>,
    {
        let mut document = Document::default();
        WORD_MEMORY.with_borrow_mut(|memory| {
            memory.forget_unless(clusters);
            for sentence in sentences {
                let start = document.words.len();
                document
                    .words
                    .extend(sentence.into_iter().map(|text| memory.word(text, clusters)));
                let end = document.words.len();
                if end > start {
                    document.sentences.push(start..end);
                }
            }
        });
        document.mark_sentences();
        document.mark_gazetteer(gazetteer);
        document.mark_document_case();
        document
    }

    fn mark_sentences(&mut self) {
        for range in &self.sentences {
            let words = &mut self.words[range.clone()];
            let (mut lettered, mut capitals) = (0, 0);
            for word in words.iter() {
                if !word.is(NO_LETTER) && word.length > 1 {
                    lettered += 1;
                    if word.is(ALL_CAPITALS) {
                        capitals += 1;
                    }
                }
            }
            let shouting = lettered >= 2 && capitals * 10 >= lettered * 8;
            for (i, word) in words.iter_mut().enumerate() {
                if i == 0 {
                    word.flags |= SENTENCE_START;
                }
                if shouting {
                    word.flags |= CAPITALS_SENTENCE;
                }
            }
        }
    }

    /// Marks every gazetteer entry found in the text, longest first at each
    /// start. Matches start at a capitalised word and stay in one sentence.
    fn mark_gazetteer(&mut self, gazetteer: &Gazetteer) {
        if gazetteer.is_empty() {
            return;
        }
        for range in self.sentences.clone() {
            for start in range.clone() {
                if !self.words[start].is(INITIAL_CAPITAL) {
                    continue;
                }
                let mut hash = 0;
                let longest = (range.end - start).min(MAX_ENTRY_TOKENS);
                for length in 1..=longest {
                    let word = &self.words[start + length - 1];
                    hash = sequence_hash(hash, word.lower);
                    let kinds = gazetteer.kinds(hash);
                    if kinds == 0 {
                        continue;
                    }
                    if length == 1 {
                        self.words[start].gazetteer[3] |= kinds;
                    } else {
                        self.words[start].gazetteer[0] |= kinds;
                        for inside in start + 1..start + length - 1 {
                            self.words[inside].gazetteer[1] |= kinds;
                        }
                        self.words[start + length - 1].gazetteer[2] |= kinds;
                    }
                }
            }
        }
    }

    /// Notes, for each word, whether the document also writes it in lower
    /// case, or capitalised where a sentence does not force it.
    fn mark_document_case(&mut self) {
        let mut seen: HashMap<u16> = HashMap::default();
        for word in &self.words {
            if word.is(NO_LETTER) || word.is(CAPITALS_SENTENCE) {
                continue;
            }
            let entry = seen.entry(word.lower).or_default();
            if !word.is(INITIAL_CAPITAL) {
                *entry |= SEEN_LOWER;
            } else if !word.is(SENTENCE_START) {
                *entry |= SEEN_CAPITALISED_INSIDE;
            }
        }
        for word in &mut self.words {
            if let Some(flags) = seen.get(&word.lower) {
                word.flags |= flags;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// What the tagger has labelled a word so far in the document: counts of
/// entity tokens per type, keyed by the word's lower-case hash.
#[derive(Debug, Default)]
pub struct History {
    counts: HashMap<[u16; 4]>,
}

impl History {
    pub fn record(&mut self, word: &Word, label: Label) {
        if let Some(kind) = label.entity_type() {
            let counts = self.counts.entry(word.lower).or_default();
            counts[kind] = counts[kind].saturating_add(1);
        }
    }

    fn get(&self, word: &Word) -> Option<&[u16; 4]> {
        self.counts.get(&word.lower)
    }
}

/// What a first pass of the tagger labelled across the whole document; a
/// second pass reads it, so a name labelled well in one sentence helps its
/// mentions elsewhere, before and after.
#[derive(Debug, Default)]
pub struct FirstPass {
    labels: Vec<Label>,
    counts: HashMap<[u16; 4]>,
}

impl FirstPass {
    /// Whether word `i` is plainly outside any entity: a lower-case word
    /// or one without a letter that the first pass left outside, between
    /// two words it left outside, and never labelled part of an entity
    /// elsewhere in the document. Most words of news are such words; the
    /// second pass need not score them.
    pub fn settles(&self, document: &Document, sentence: &Range<usize>, i: usize) -> bool {
        let outside = |j: usize| !sentence.contains(&j) || self.labels[j] == Label::OUTSIDE;
        let word = &document.words[i];
        word.is_settled_alone()
            && outside(i)
            && outside(i.wrapping_sub(1))
            && outside(i + 1)
            && !self.counts.contains_key(&word.lower)
    }

    pub fn new(document: &Document, labels: Vec<Label>) -> FirstPass {
        let mut counts: HashMap<[u16; 4]> = HashMap::default();
        for (word, label) in document.words.iter().zip(&labels) {
            if let Some(kind) = label.entity_type() {
                let entry = counts.entry(word.lower).or_default();
                entry[kind] = entry[kind].saturating_add(1);
            }
        }
        FirstPass { labels, counts }
    }
}

// Template ids: each feature is `mix(template, value)`.
const BIAS: u64 = 1;
const FORM: u64 = 2;
const LOWER: u64 = 3;
const LOWER_AT: [u64; 4] = [4, 5, 6, 7]; // -2, -1, +1, +2
const BIGRAM_LEFT: u64 = 8;
const BIGRAM_RIGHT: u64 = 9;
const SHORT_SHAPE_AT: [u64; 3] = [11, 12, 13]; // -1, 0, +1
const SHAPE_TRIGRAM: u64 = 14;
const PREFIX: u64 = 15;
const SUFFIX: u64 = 16;
const FLAGS: u64 = 17;
const PREVIOUS: u64 = 18;
const PREVIOUS_TWO: u64 = 19;
const PREVIOUS_LOWER: u64 = 20;
const PREVIOUS_SHAPE: u64 = 21;
const GAZETTEER: u64 = 22;
const GAZETTEER_LEFT: u64 = 23;
const GAZETTEER_RIGHT: u64 = 24;
const CLUSTER: u64 = 25;
const CLUSTER_LEFT: u64 = 26;
const CLUSTER_RIGHT: u64 = 27;
const HISTORY: u64 = 28;
const HISTORY_MAJOR: u64 = 29;
const DOCUMENT_CASE: u64 = 30;
const SHAPE_LOWER_LEFT: u64 = 32;
const SHAPE_LOWER_RIGHT: u64 = 33;
const FIRST_LABEL: u64 = 35;
const FIRST_LABEL_LEFT: u64 = 36;
const FIRST_LABEL_RIGHT: u64 = 37;
const FIRST_ELSEWHERE: u64 = 38;
const FIRST_ELSEWHERE_MAJOR: u64 = 39;
const FIRST_LABEL_LOWER: u64 = 40;
const GAZETTEER_LEFT_TWO: u64 = 41;
const GAZETTEER_RIGHT_TWO: u64 = 42;
const CLUSTER_LEFT_TWO: u64 = 43;
const CLUSTER_RIGHT_TWO: u64 = 44;

const OUTSIDE: u64 = 0xB05;

const CLUSTER_PREFIXES: [u8; 4] = [4, 6, 10, 20];

fn cluster_prefix(cluster: Option<(u64, u8)>, length: u8) -> u64 {
    match cluster {
        Some((bits, path_length)) => {
            let keep = length.min(path_length);
            mix(u64::from(keep), bits >> (path_length - keep))
        }
        None => OUTSIDE,
    }
}

/// Appends the features of word `i` of `sentence` that labels do not
/// change: the word, its neighbours, the word lists. Both passes of the
/// tagger read the same ones.
pub fn word_features(document: &Document, sentence: &Range<usize>, i: usize, out: &mut Vec<u64>) {
    let words = &document.words;
    let word = &words[i];
    let at = |offset: isize| neighbour(document, sentence, i, offset);
    let lower_at = |offset| at(offset).map_or(OUTSIDE.wrapping_add(offset as u64), |w| w.lower);
    let short_at = |offset| at(offset).map_or(OUTSIDE, |w| w.short_shape);

    out.push(BIAS);
    out.push(mix(FORM, word.form));
    out.push(mix(LOWER, word.lower));
    for (template, offset) in LOWER_AT.iter().zip([-2, -1, 1, 2]) {
        out.push(mix(*template, lower_at(offset)));
    }
    out.push(mix(BIGRAM_LEFT, mix(lower_at(-1), word.lower)));
    out.push(mix(BIGRAM_RIGHT, mix(word.lower, lower_at(1))));
    for (template, offset) in SHORT_SHAPE_AT.iter().zip([-1, 0, 1]) {
        out.push(mix(*template, short_at(offset)));
    }
    out.push(mix(
        SHAPE_TRIGRAM,
        mix(mix(short_at(-1), word.short_shape), short_at(1)),
    ));
    out.push(mix(SHAPE_LOWER_LEFT, mix(word.short_shape, lower_at(-1))));
    out.push(mix(SHAPE_LOWER_RIGHT, mix(word.short_shape, lower_at(1))));
    for (n, (prefix, suffix)) in word.prefixes.iter().zip(&word.suffixes).enumerate() {
        if *prefix != 0 {
            out.push(mix(PREFIX + 64 * n as u64, *prefix));
            out.push(mix(SUFFIX + 64 * n as u64, *suffix));
        }
    }
    let case_flags = word.flags & (SENTENCE_START | CAPITALS_SENTENCE | INITIAL_CAPITAL);
    for flag in [
        INITIAL_CAPITAL,
        ALL_CAPITALS,
        HAS_DIGIT,
        HAS_HYPHEN,
        HAS_PERIOD,
        ALL_DIGITS,
        NO_LETTER,
    ] {
        if word.is(flag) {
            out.push(mix(FLAGS, mix(u64::from(flag), u64::from(case_flags))));
        }
    }
    if word.is(INITIAL_CAPITAL) {
        out.push(mix(
            DOCUMENT_CASE,
            u64::from(
                word.flags
                    & (SEEN_LOWER | SEEN_CAPITALISED_INSIDE | SENTENCE_START | CAPITALS_SENTENCE),
            ),
        ));
    }

    for (position, kinds) in word.gazetteer.iter().enumerate() {
        for (bit, _) in GAZETTEER_KINDS.iter().enumerate() {
            if kinds & (1 << bit) != 0 {
                out.push(mix(GAZETTEER, (position * 16 + bit) as u64));
                out.push(mix(
                    GAZETTEER,
                    mix(
                        (position * 16 + bit) as u64,
                        u64::from(word.flags & ALL_CAPITALS),
                    ),
                ));
            }
        }
    }
    for (template, offset) in [
        (GAZETTEER_LEFT, -1),
        (GAZETTEER_RIGHT, 1),
        (GAZETTEER_LEFT_TWO, -2),
        (GAZETTEER_RIGHT_TWO, 2),
    ] {
        if let Some(neighbour) = at(offset) {
            let kinds = neighbour.gazetteer.iter().fold(0, |all, k| all | k);
            if kinds != 0 {
                out.push(mix(template, u64::from(kinds)));
            }
        }
    }

    for length in CLUSTER_PREFIXES {
        out.push(mix(
            CLUSTER + 64 * u64::from(length),
            cluster_prefix(word.cluster, length),
        ));
    }
    // The clusters of the words beside, and (coarser) of those two away:
    // "chairman of X", "X 's shares", "X said on".
    for (template, offset, lengths) in [
        (CLUSTER_LEFT, -1, &CLUSTER_PREFIXES[..3]),
        (CLUSTER_RIGHT, 1, &CLUSTER_PREFIXES[..3]),
        (CLUSTER_LEFT_TWO, -2, &CLUSTER_PREFIXES[..2]),
        (CLUSTER_RIGHT_TWO, 2, &CLUSTER_PREFIXES[..2]),
    ] {
        let cluster = at(offset).and_then(|w| w.cluster);
        for length in lengths {
            out.push(mix(
                template + 64 * u64::from(*length),
                cluster_prefix(cluster, *length),
            ));
        }
    }
}

/// The word `offset` away from word `i`, inside `sentence`.
fn neighbour<'a>(
    document: &'a Document,
    sentence: &Range<usize>,
    i: usize,
    offset: isize,
) -> Option<&'a Word> {
    let j = i as isize + offset;
    (j >= sentence.start as isize && j < sentence.end as isize).then(|| &document.words[j as usize])
}

/// Appends the features of word `i` of `sentence` that read labels: the
/// two chosen before it, the document's so far, and the first pass's.
pub fn label_features(
    document: &Document,
    sentence: &Range<usize>,
    i: usize,
    previous: [Label; 2],
    history: &History,
    first_pass: Option<&FirstPass>,
    out: &mut Vec<u64>,
) {
    let word = &document.words[i];
    let at = |offset: isize| neighbour(document, sentence, i, offset);
    let [previous_one, previous_two] = previous;
    out.push(mix(PREVIOUS, previous_one.index() as u64));
    out.push(mix(
        PREVIOUS_TWO,
        mix(previous_one.index() as u64, previous_two.index() as u64),
    ));
    out.push(mix(
        PREVIOUS_LOWER,
        mix(previous_one.index() as u64, word.lower),
    ));
    out.push(mix(
        PREVIOUS_SHAPE,
        mix(previous_one.index() as u64, word.short_shape),
    ));

    if let Some(first) = first_pass {
        let label_at = |offset: isize| {
            at(offset).map_or(u64::MAX, |_| {
                first.labels[(i as isize + offset) as usize].index() as u64
            })
        };
        let own = first.labels[i];
        out.push(mix(FIRST_LABEL, own.index() as u64));
        out.push(mix(FIRST_LABEL_LOWER, mix(own.index() as u64, word.lower)));
        out.push(mix(FIRST_LABEL_LEFT, label_at(-1)));
        out.push(mix(FIRST_LABEL_RIGHT, label_at(1)));
        if let Some(counts) = first.counts.get(&word.lower) {
            let mut elsewhere = *counts;
            if let Some(kind) = own.entity_type() {
                elsewhere[kind] -= 1;
            }
            let mut major = None;
            for kind in 0..TYPES {
                if elsewhere[kind] > 0 {
                    out.push(mix(
                        FIRST_ELSEWHERE,
                        mix(kind as u64, u64::from(word.flags & INITIAL_CAPITAL)),
                    ));
                    if major.is_none_or(|m: usize| elsewhere[kind] > elsewhere[m]) {
                        major = Some(kind);
                    }
                }
            }
            if let Some(major) = major {
                out.push(mix(
                    FIRST_ELSEWHERE_MAJOR,
                    mix(major as u64, own.index() as u64),
                ));
            }
        }
    }

    if let Some(counts) = history.get(word) {
        let mut major = 0;
        for kind in 0..TYPES {
            if counts[kind] > 0 {
                out.push(mix(HISTORY, kind as u64));
            }
            if counts[kind] > counts[major] {
                major = kind;
            }
        }
        out.push(mix(HISTORY_MAJOR, major as u64));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn clusters(lines: &str) -> Clusters {
        Clusters::parse(lines).expect("clusters")
    }

    /// A memory past its warm-up, so that its cache is in use.
    fn warmed(clusters: &Clusters) -> WordMemory {
        let mut memory = WordMemory::default();
        memory.forget_unless(clusters);
        for _ in 0..MEMORY_WARM_UP {
            memory.word("warm", clusters);
        }
        assert!(memory.words.is_some());
        memory
    }

    #[test]
    fn a_memory_forgets_words_looked_up_in_other_clusters() {
        let first = clusters("Paris\t0101\nBerlin\t0100\n");
        let second = clusters("Paris\t1\n");
        let mut memory = warmed(&first);
        assert_eq!(memory.word("Paris", &first).cluster, Some((0b0101, 4)));
        memory.forget_unless(&second);
        assert_eq!(memory.word("Paris", &second).cluster, Some((1, 1)));
        assert_eq!(memory.word("Paris", &second), Word::new("Paris", &second));
    }

    /// On real news (the seed page, BBC News business articles) with the
    /// shipped clusters: every token's remembered features are the ones
    /// made afresh, on a first pass (filling the memory) and a second.
    #[test]
    fn remembered_words_of_real_news_are_the_words_made_afresh() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        let mut paths: Vec<std::path::PathBuf> = ["seeds", "corpus/bbc-news/business"]
            .iter()
            .filter_map(|dir| std::fs::read_dir(shared.join(dir)).ok())
            .flatten()
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .collect();
        if paths.is_empty() {
            assert!(
                std::env::var_os("CI").is_none(),
                "../shared/seeds and ../shared/corpus/bbc-news are absent"
            );
            eprintln!("skipped: ../shared/seeds and ../shared/corpus/bbc-news are absent");
            return;
        }
        paths.sort();
        let lexicon = crate::ner::Lexicon::shipped().expect("shipped lexicon");
        let clusters = &lexicon.clusters;
        let mut memory = WordMemory::default();
        memory.forget_unless(clusters);
        let mut remembered = 0;
        for pass in 0..2 {
            for path in &paths {
                let bytes = std::fs::read(path).expect("reads");
                let text = String::from_utf8_lossy(&bytes);
                for sentence in crate::ner::tokenize::sentences(&text) {
                    for token in sentence {
                        let word = token.text(&text);
                        let fresh = Word::new(word, clusters);
                        remembered += usize::from(memory.words.is_some());
                        assert_eq!(memory.word(word, clusters), fresh, "{word:?}, pass {pass}");
                    }
                }
            }
        }
        assert!(
            remembered > 100_000,
            "{remembered} words read with a memory"
        );
    }

    proptest! {
        #[test]
        fn remembered_words_are_the_words_made_afresh(
            words in proptest::collection::vec(
                prop_oneof![
                    "(Paris|PARIS|paris|Berlin|NATO|Nato|U\\.S\\.|1990s|e-mail|Élysée|naïve)",
                    "[a-zA-Z0-9.\\-éßİ]{1,20}",
                ],
                1..100,
            ),
        ) {
            let clusters = clusters("Paris\t0101\nBerlin\t0100\nNato\t11\nparis\t0\n");
            let mut memory = warmed(&clusters);
            // Twice: the second pass finds the short words remembered.
            for _ in 0..2 {
                for word in &words {
                    prop_assert_eq!(memory.word(word, &clusters), Word::new(word, &clusters));
                }
            }
        }
    }
}
