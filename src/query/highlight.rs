//! Highlighting: the query's terms wrapped in `<mark>` in a title and a body
//! snippet, everything else HTML-escaped.
//!
//! The text is re-analysed with the article's own language analysis, so a
//! query for "talks" marks "talk", "talking" and "Talks" alike; the
//! snippet is the densest window of matches.
//!
//! Only words that may match (the same first two letters as a term,
//! letters beyond ASCII, or long enough to be a near spelling) are
//! analysed, each distinct word once per search; without near spellings
//! the text is skimmed for the bytes that can open such a word (memchr, for
//! up to three in ASCII text), and only words starting with one are split
//! out. Verdicts of short words are keyed inline, and analysis keys
//! compared by address first. Each thread keeps its language analyses from
//! search to search, so their memory of words
//! (`analysis/memoized_words.rs`) spares the stemming of repeated words.

use super::translate::HighlightTerms;
use super::typo::distance::within_edits;

// Verdicts are looked up for most words of every hit's text: a fast hash
// for short keys matters more there than resistance to crafted input,
// since the words come from the index's own stored articles.
use rustc_hash::{FxHashMap, FxHashSet};

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analysis::word_cache::{Packed, packed};
use crate::analysis::{Analyzers, analysis_key, folded_analyzer};

/// Characters of body text a snippet shows around its best match.
const SNIPPET_CHARS: usize = 240;

/// Marks a search's terms in the hits of one page (see the module docs).
pub struct Highlighter<'a> {
    terms: &'a HighlightTerms,
    /// The exact terms grouped by analysis key, to look tokens up by `&str`.
    exact: Vec<(&'static str, FxHashSet<&'a str>)>,
    folded: TextAnalyzer,
    /// Per analysis key, whether a lower-cased word matched: the hits of
    /// one search share most of their words.
    verdicts: Vec<(&'static str, Verdicts)>,
}

thread_local! {
    /// Each thread's language analyses for highlighting, kept from search
    /// to search so that their memory of words (`analysis::memoized_words`, made after
    /// a few thousand words) serves every search after the first few:
    /// stemming the candidate words of each hit afresh was a tenth of a
    /// highlighted search, and a seventh under typo tolerance, where every
    /// word long enough is a candidate.
    static HIGHLIGHT_ANALYZERS: std::cell::RefCell<Analyzers> = std::cell::RefCell::default();
}

/// Whether each word seen matched. Words of up to 15 bytes — nearly all —
/// are keyed inline, so a lookup compares two words in registers rather
/// than following a pointer to a heap string for each candidate.
#[derive(Default)]
struct Verdicts {
    short: FxHashMap<Packed, bool>,
    long: FxHashMap<String, bool>,
}

impl Verdicts {
    fn get(&self, word: &str) -> Option<bool> {
        match packed(word) {
            Some(packed) => self.short.get(&packed).copied(),
            None => self.long.get(word).copied(),
        }
    }

    fn insert(&mut self, word: &str, verdict: bool) {
        match packed(word) {
            Some(packed) => self.short.insert(packed, verdict),
            None => self.long.insert(word.to_string(), verdict),
        };
    }
}

impl<'a> Highlighter<'a> {
    /// A highlighter of `terms`.
    pub fn new(terms: &'a HighlightTerms) -> Highlighter<'a> {
        let mut exact: Vec<(&'static str, FxHashSet<&'a str>)> = Vec::new();
        for (key, term) in &terms.exact {
            match exact.iter_mut().find(|(known, _)| same_key(known, key)) {
                Some((_, set)) => {
                    set.insert(term.as_str());
                }
                None => exact.push((key, FxHashSet::from_iter([term.as_str()]))),
            }
        }
        Highlighter {
            terms,
            exact,
            folded: folded_analyzer(),
            verdicts: Vec::new(),
        }
    }

    /// Whether a lower-cased word matches under `key`'s analysis ("" for
    /// plain folding), analysed once per highlighter.
    fn word_matches(&mut self, key: &'static str, lower: &str) -> bool {
        // Keys come from one table, so the pointer usually tells them apart.
        let slot = match self
            .verdicts
            .iter()
            .position(|(known, _)| same_key(known, key))
        {
            Some(slot) => slot,
            None => {
                self.verdicts.push((key, Verdicts::default()));
                self.verdicts.len() - 1
            }
        };
        if let Some(verdict) = self.verdicts[slot].1.get(lower) {
            return verdict;
        }
        // A word the analysis drops (a stop word) matches nothing.
        let term = if key.is_empty() {
            let mut stream = self.folded.token_stream(lower);
            stream.advance().then(|| stream.token().text.clone())
        } else {
            HIGHLIGHT_ANALYZERS.with_borrow_mut(|analyzers| {
                let mut stream = analyzers.get(key).token_stream(lower);
                stream.advance().then(|| stream.token().text.clone())
            })
        };
        let verdict = term.is_some_and(|term| self.is_match(key, &term));
        self.verdicts[slot].1.insert(lower, verdict);
        verdict
    }

    /// Whether `key`'s analysis has anything to look for.
    fn wants(&self, key: &str) -> bool {
        self.exact_terms(key).is_some()
            || self
                .terms
                .prefixes
                .iter()
                .any(|(prefix_key, _)| same_key(prefix_key, key))
            || self
                .terms
                .fuzzy
                .iter()
                .any(|(fuzzy_key, ..)| same_key(fuzzy_key, key))
    }

    /// An analysis's exact terms.
    fn exact_terms(&self, key: &str) -> Option<&FxHashSet<&'a str>> {
        self.exact
            .iter()
            .find(|(known, _)| same_key(known, key))
            .map(|(_, terms)| terms)
    }

    fn is_match(&self, analysis: &str, token: &str) -> bool {
        self.exact_terms(analysis)
            .is_some_and(|terms| terms.contains(token))
            || self.terms.prefixes.iter().any(|(prefix_key, prefix)| {
                same_key(prefix_key, analysis) && token.starts_with(prefix.as_str())
            })
            || self
                .terms
                .fuzzy
                .iter()
                .any(|(fuzzy_key, word, edits, prefix)| {
                    same_key(fuzzy_key, analysis) && within_edits(token, word, *edits, *prefix)
                })
    }

    /// Byte ranges of `text` that match the query: under the article's
    /// language analysis, and under plain folding for names and tags.
    ///
    /// Stemming or folding every word of a long body costs more than the
    /// search itself, so words are first split and lower-cased cheaply, and
    /// only those sharing their first two letters with a query term (a stem
    /// keeps the start of its word) are analysed. Arabic stemming removes
    /// prefixes and near spellings may differ anywhere, so with either every
    /// word is analysed; so is a word whose first letters are not ASCII,
    /// which folding may change.
    fn matches(&mut self, text: &str, language: Option<&str>) -> Vec<(usize, usize)> {
        let key = analysis_key(language);
        let stem_key = (!key.is_empty() && self.wants(key)).then_some(key);
        let fold = self.wants("");
        let stem_heads = self.heads(key);
        let fold_heads = self.heads("");
        // Analysis never lengthens an ASCII word, so one shorter than every
        // term and prefix cannot match them ("to" against "torownu").
        let stem_shortest = self.shortest(key);
        let fold_shortest = self.shortest("");
        // Arabic stemming removes prefixes, so every word is analysed. A
        // near spelling may differ anywhere, so under typo tolerance every
        // word long enough to be within its edits is (analysis never
        // lengthens a word: stems are shorter, folding keeps ASCII words
        // as they are, and words with other letters are folded anyway).
        let stem_every_word = key == "ar";
        let stem_floor = self.fuzzy_floor(key);
        let fold_floor = self.fuzzy_floor("");
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let mut lower = String::new();
        // Without near spellings, only a word whose first letter starts a
        // term or prefix can match: analysis keeps an ASCII first letter
        // (lower-cased), so a word opening with another ASCII letter need
        // not even be split out. A word opening beyond ASCII is always
        // looked at, since folding may change its first letter.
        let skim = !stem_every_word && stem_floor.is_none() && fold_floor.is_none();
        let mut wanted = [false; 256];
        if skim {
            wanted[0x80..].fill(true);
            let stem_firsts = stem_heads.iter().filter(|_| stem_key.is_some());
            let fold_firsts = fold_heads.iter().filter(|_| fold);
            for (first, _) in stem_firsts.chain(fold_firsts) {
                if first.is_ascii() {
                    wanted[usize::from(first.to_ascii_lowercase() as u8)] = true;
                    wanted[usize::from(first.to_ascii_uppercase() as u8)] = true;
                }
            }
        }
        let candidates: Box<dyn Iterator<Item = (usize, usize)>> = if skim {
            Box::new(words_starting_with(text, &wanted))
        } else {
            Box::new(words(text))
        };
        for (from, to) in candidates {
            let word = &text[from..to];
            // Lower-cased only when analysed: most words of a body are not.
            let lowered = (!word.is_ascii()).then(|| word.to_lowercase());
            let head = match &lowered {
                Some(lower) => head(lower),
                None => {
                    let bytes = word.as_bytes();
                    let lower = |index: usize| {
                        bytes
                            .get(index)
                            .map_or('\0', |byte| char::from(byte.to_ascii_lowercase()))
                    };
                    (lower(0), lower(1))
                }
            };
            let length = match &lowered {
                Some(lower) => lower.chars().count(),
                None => word.len(),
            };
            let long_enough = |shortest: usize| lowered.is_some() || length >= shortest;
            let stem = stem_key.is_some()
                && (stem_every_word
                    || (stem_heads.contains(&head) && long_enough(stem_shortest))
                    || stem_floor.is_some_and(|floor| length >= floor));
            let folded = fold
                && (lowered.is_some()
                    || (fold_heads.contains(&head) && long_enough(fold_shortest))
                    || fold_floor.is_some_and(|floor| length >= floor));
            if stem || folded {
                lower.clear();
                match &lowered {
                    Some(lowered) => lower.push_str(lowered),
                    None => lower.extend(
                        word.bytes()
                            .map(|byte| char::from(byte.to_ascii_lowercase())),
                    ),
                }
                let matched = stem_key.is_some_and(|key| stem && self.word_matches(key, &lower))
                    || (folded && self.word_matches("", &lower));
                if matched {
                    ranges.push((from, to));
                }
            }
        }
        ranges.sort_unstable();
        ranges.dedup();
        ranges
    }

    /// The fewest characters a word needs to be within the edits of one of
    /// an analysis's near-spelling terms; `None` when it has none.
    fn fuzzy_floor(&self, key: &str) -> Option<usize> {
        self.terms
            .fuzzy
            .iter()
            .filter(|(fuzzy_key, ..)| same_key(fuzzy_key, key))
            .map(|(_, word, edits, _)| word.chars().count().saturating_sub(usize::from(*edits)))
            .min()
    }

    /// An analysis's exact terms and prefixes.
    fn terms_and_prefixes<'t>(&'t self, key: &'t str) -> impl Iterator<Item = &'t str> {
        let terms = self.exact_terms(key).into_iter().flatten().copied();
        let prefixes = self
            .terms
            .prefixes
            .iter()
            .filter(move |(prefix_key, _)| same_key(prefix_key, key))
            .map(|(_, prefix)| prefix.as_str());
        terms.chain(prefixes)
    }

    /// The characters of an analysis's shortest term or prefix (0 when it
    /// has none).
    fn shortest(&self, key: &str) -> usize {
        self.terms_and_prefixes(key)
            .map(|text| text.chars().count())
            .min()
            .unwrap_or(0)
    }

    /// First two letters of every term and prefix of an analysis.
    fn heads(&self, key: &str) -> Vec<(char, char)> {
        let mut heads: Vec<(char, char)> = self.terms_and_prefixes(key).map(head).collect();
        heads.sort_unstable();
        heads.dedup();
        heads
    }

    /// The whole text, escaped, with matches marked.
    pub fn highlight(&mut self, text: &str, language: Option<&str>) -> String {
        let ranges = self.matches(text, language);
        mark(text, &ranges, 0, text.len())
    }

    /// A window of the text around the densest run of matches, escaped and
    /// marked; the opening of the text when nothing matches.
    pub fn snippet(&mut self, text: &str, language: Option<&str>) -> String {
        let ranges = self.matches(text, language);
        let (start, end) = best_window(text, &ranges);
        let mut snippet = String::new();
        if start > 0 {
            snippet.push('…');
        }
        snippet.push_str(&mark(text, &ranges, start, end));
        if end < text.len() {
            snippet.push('…');
        }
        snippet
    }
}

/// Whether the character at `index` of `text` (a character boundary) is a
/// letter or digit, and its length in bytes. ASCII bytes are classed by
/// themselves; only other characters are decoded.
fn char_class(text: &str, index: usize) -> (bool, usize) {
    match text.as_bytes()[index] {
        byte @ 0..0x80 => (byte.is_ascii_alphanumeric(), 1),
        _ => text[index..]
            .chars()
            .next()
            .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
    }
}

/// Byte ranges of the words of a text: runs of letters and digits, as
/// tantivy's simple tokenizer splits them, without building a token.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            if at >= text.len() {
                return None;
            }
            let (alphanumeric, length) = char_class(text, at);
            if alphanumeric {
                break;
            }
            at += length;
        }
        let start = at;
        at = word_end(text, start);
        Some((start, at))
    })
}

/// Where the word that has a letter or digit at `index` ends.
fn word_end(text: &str, mut index: usize) -> usize {
    while index < text.len() {
        let (alphanumeric, length) = char_class(text, index);
        if !alphanumeric {
            return index;
        }
        index += length;
    }
    text.len()
}

/// The words of `text` (as [`words`] splits them) whose first byte is
/// marked in `wanted`, found by skimming for wanted bytes rather than
/// splitting every word: a wanted byte inside a word is passed over, and
/// so is every word not starting with one. `wanted` marks every byte from
/// 0x80, so the first wanted byte at or after a character boundary starts
/// a character.
fn words_starting_with<'t>(
    text: &'t str,
    wanted: &'t [bool; 256],
) -> impl Iterator<Item = (usize, usize)> + 't {
    let bytes = text.as_bytes();
    // In ASCII text only the ASCII bytes wanted can occur; up to three of
    // them (a query's words rarely start with more letters, each in two
    // cases) are found by memchr's vectorised search, many times faster
    // than a table lookup per byte.
    let ascii: Vec<u8> = (0..0x80u8)
        .filter(|byte| wanted[usize::from(*byte)])
        .collect();
    let search = match ascii[..] {
        [] if text.is_ascii() => ByteSearch::None,
        [one] if text.is_ascii() => ByteSearch::One(one),
        [one, two] if text.is_ascii() => ByteSearch::Two(one, two),
        [one, two, three] if text.is_ascii() => ByteSearch::Three(one, two, three),
        _ => ByteSearch::Table,
    };
    let next_wanted = move |haystack: &[u8]| match search {
        ByteSearch::None => None,
        ByteSearch::One(one) => memchr::memchr(one, haystack),
        ByteSearch::Two(one, two) => memchr::memchr2(one, two, haystack),
        ByteSearch::Three(one, two, three) => memchr::memchr3(one, two, three, haystack),
        ByteSearch::Table => haystack.iter().position(|byte| wanted[usize::from(*byte)]),
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            let hit = at + next_wanted(bytes.get(at..)?)?;
            let (alphanumeric, length) = char_class(text, hit);
            at = hit + length;
            let inside_word = match hit.checked_sub(1).map(|previous| bytes[previous]) {
                None => false,
                Some(previous @ 0..0x80) => previous.is_ascii_alphanumeric(),
                Some(_) => text[..hit]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric),
            };
            if alphanumeric && !inside_word {
                at = word_end(text, hit);
                return Some((hit, at));
            }
        }
    })
}

/// Whether two analysis keys are the same. Keys come from one table of
/// static strings, so their addresses usually tell: the comparison is made
/// for every candidate word, and a call to compare bytes cost more than
/// the rest of the lookup.
fn same_key(known: &str, key: &str) -> bool {
    std::ptr::eq(known, key) || known == key
}

/// How [`words_starting_with`] finds the next wanted byte.
#[derive(Clone, Copy)]
enum ByteSearch {
    None,
    One(u8),
    Two(u8, u8),
    Three(u8, u8, u8),
    Table,
}

/// The first two characters of a word (a NUL for a missing second).
fn head(word: &str) -> (char, char) {
    let mut chars = word.chars();
    (chars.next().unwrap_or('\0'), chars.next().unwrap_or('\0'))
}

fn best_window(text: &str, ranges: &[(usize, usize)]) -> (usize, usize) {
    let window_bytes = text
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(text.len(), |(index, _)| index);
    if text.len() <= window_bytes {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize);
    for (index, (start, _)) in ranges.iter().enumerate() {
        let covered = ranges[index..]
            .iter()
            .take_while(|(_, end)| *end <= start + window_bytes)
            .count();
        if covered > best.1 {
            best = (*start, covered);
        }
    }
    // Open a little before the first match, on a word boundary.
    let mut start = floor_char_boundary(text, best.0.saturating_sub(window_bytes / 5));
    if start > 0
        && let Some(space) = text[start..best.0.max(start)].find(char::is_whitespace)
    {
        start += space + 1;
    }
    let mut end = floor_char_boundary(text, (start + window_bytes).min(text.len()));
    if end < text.len()
        && let Some(space) = text[start..end].rfind(char::is_whitespace)
    {
        end = start + space;
    }
    (start, end)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn mark(text: &str, ranges: &[(usize, usize)], start: usize, end: usize) -> String {
    let mut output = String::with_capacity(end - start + ranges.len() * 13);
    let mut cursor = start;
    for &(from, to) in ranges {
        if to <= cursor || from >= end {
            continue;
        }
        let from = from.max(cursor);
        let to = to.min(end);
        escape_into(&mut output, &text[cursor..from]);
        output.push_str("<mark>");
        escape_into(&mut output, &text[from..to]);
        output.push_str("</mark>");
        cursor = to;
    }
    escape_into(&mut output, &text[cursor..end]);
    output
}

/// `text`, HTML-escaped, appended to `output`.
pub fn escape_into(output: &mut String, text: &str) {
    // The escaped characters are ASCII, so a byte scan never splits a
    // character, and the text between them is copied in one piece.
    let mut copied = 0;
    for (index, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        output.push_str(&text[copied..index]);
        output.push_str(entity);
        copied = index + 1;
    }
    output.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_marked_and_markup_escaped() {
        let mut terms = HighlightTerms::default();
        terms.exact.insert(("en", "talk".to_string()));
        let mut highlighter = Highlighter::new(&terms);
        assert_eq!(
            highlighter.highlight("Talks <b>& talking", None),
            "<mark>Talks</mark> &lt;b&gt;&amp; <mark>talking</mark>"
        );
    }

    proptest::proptest! {
        /// The highlighter's word scan finds the words, and the lower case,
        /// of the analysis that indexed them.
        #[test]
        fn words_split_as_the_lower_case_analysis_does(text in "(\\PC|[A-Za-zÀ-ž0-9 ,.'İΣ-]){0,60}|[a-z ]{0,120}") {
            let mut analyzer = crate::analysis::lowercase_analyzer();
            let mut stream = analyzer.token_stream(&text);
            let mut expected = Vec::new();
            while stream.advance() {
                let token = stream.token();
                expected.push((token.offset_from, token.offset_to, token.text.clone()));
            }
            // The analysis drops words of 48 bytes or more; the highlighter
            // leaves them to its stemming analysis, which drops them too.
            let found: Vec<(usize, usize, String)> = words(&text)
                .map(|(from, to)| (from, to, text[from..to].to_lowercase()))
                .filter(|(_, _, lower)| lower.len() < 48)
                .collect();
            proptest::prop_assert_eq!(found, expected);
        }

        #[test]
        fn skimming_finds_exactly_the_words_starting_with_a_wanted_byte(
            text in "(\\PC|[A-Za-zÀ-ž0-9 ,.'İΣ-]){0,60}|[a-z ]{0,120}",
            letters in "[a-zA-Z0-9]{0,4}",
        ) {
            let mut wanted = [false; 256];
            wanted[0x80..].fill(true);
            for byte in letters.bytes() {
                wanted[usize::from(byte)] = true;
            }
            let expected: Vec<(usize, usize)> = words(&text)
                .filter(|(from, _)| wanted[usize::from(text.as_bytes()[*from])])
                .collect();
            let skimmed: Vec<(usize, usize)> = words_starting_with(&text, &wanted).collect();
            proptest::prop_assert_eq!(skimmed, expected);
        }
    }

    proptest::proptest! {
        /// Skipping words by their first letters and length marks exactly
        /// the words whose analysis gives the term.
        #[test]
        fn skipped_words_are_ones_that_cannot_match(
            picks in proptest::collection::vec(0usize..18, 0..40),
            query in 0usize..18,
        ) {
            const WORDS: [&str; 18] = [
                "to", "talk", "Talks", "talking", "ta", "tal", "total", "told", "running",
                "run", "runs", "ran", "rune", "generously", "generous", "gene", "go", "Generation",
            ];
            let mut english = crate::analysis::language_analyzer("en");
            let Some(term) = crate::analysis::tokens(&mut english, WORDS[query]).pop() else {
                return Ok(());
            };
            let mut terms = HighlightTerms::default();
            terms.exact.insert(("en", term.text.clone()));
            let text = picks.iter().map(|pick| WORDS[*pick]).collect::<Vec<_>>().join(" ");
            let expected: Vec<(usize, usize)> = words(&text)
                .filter(|(from, to)| {
                    crate::analysis::tokens(&mut english, &text[*from..*to])
                        .first()
                        .is_some_and(|token| token.text == term.text)
                })
                .collect();
            let mut highlighter = Highlighter::new(&terms);
            proptest::prop_assert_eq!(highlighter.matches(&text, Some("en")), expected);
        }
    }

    /// A word is judged under each analysis on its own: stemmed "talking"
    /// misses the stem "tale", folded it matches the name "talking".
    #[test]
    fn each_analysis_judges_a_word_apart() {
        let mut terms = HighlightTerms::default();
        terms.exact.insert(("en", "tale".to_string()));
        terms.exact.insert(("", "talking".to_string()));
        let mut highlighter = Highlighter::new(&terms);
        assert_eq!(
            highlighter.highlight("Talking tales, talking", Some("en")),
            "<mark>Talking</mark> <mark>tales</mark>, <mark>talking</mark>"
        );
    }

    #[test]
    fn snippets_center_on_matches() {
        let mut terms = HighlightTerms::default();
        terms.exact.insert(("en", "kyiv".to_string()));
        let text = format!(
            "{} Keith Kellogg will travel to Kyiv by train. {}",
            "filler ".repeat(80),
            "tail ".repeat(80)
        );
        let snippet = Highlighter::new(&terms).snippet(&text, Some("en"));
        assert!(snippet.contains("<mark>Kyiv</mark>"), "{snippet}");
        assert!(snippet.starts_with('…') && snippet.ends_with('…'));
        assert!(snippet.chars().count() < 260);
    }
}
