//! Text analysis: how words become terms, per field and per language.
//!
//! Article text (title, summary, body, entries, captions) is analysed with
//! the stemmer and stop words of the article's own language, so an index can
//! hold English, French and German news side by side. tantivy picks a
//! tokenizer per field, not per document, so the text fields use
//! [`LanguageTokenizer`], which reads the analysis key from a short marker
//! that [`mark_language`] puts before the text. Analysis thus runs on
//! tantivy's indexing threads, token by token, with no token lists built up
//! front. Queries are analysed by the same functions for every language the
//! index holds.

mod memoized_words;
pub(crate) mod word_cache;

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use memoized_words::MemoizedWords;

use tantivy::tokenizer::{
    AsciiFoldingFilter, BoxTokenStream, Language, LowerCaser, RawTokenizer, RemoveLongFilter,
    SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// Tokenizer names registered on every index.
pub const KEYWORD_ANALYZER: &str = "newsdex_keyword";
/// The analyzer of facet words: lower-cased and accent-folded, unstemmed.
pub const FOLDED_ANALYZER: &str = "newsdex_folded";
/// The analyzer of article text: per the language its marker names.
pub const LANGUAGE_ANALYZER: &str = "newsdex_language";

/// Terms longer than this are noise (URLs, base64) and are dropped.
const MAX_TOKEN_BYTES: usize = 48;

/// The language whose analysis applies when an article names none.
pub const DEFAULT_LANGUAGE: &str = "en";

/// The stemmer for an ISO 639-1 code, among those tantivy ships.
pub fn stemmer_language(code: &str) -> Option<Language> {
    Some(match code {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" | "nn" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// The key under which articles of a language share one analysis: the code
/// of a language with a stemmer, or "" for every other language (lower-cased
/// and accent-folded, not stemmed).
pub fn analysis_key(language: Option<&str>) -> &'static str {
    let code = language.unwrap_or(DEFAULT_LANGUAGE);
    match stemmer_language(code) {
        Some(_) => STEMMED_CODES
            .iter()
            .find(|known| **known == code)
            .copied()
            .unwrap_or(DEFAULT_LANGUAGE),
        None => "",
    }
}

const STEMMED_CODES: &[&str] = &[
    "ar", "da", "nl", "en", "fi", "fr", "de", "el", "hu", "it", "no", "nb", "nn", "pt", "ro", "ru",
    "es", "sv", "ta", "tr",
];

/// Built analyzers, cloned for each use: building one allocates its stop
/// word set, cloning shares it.
static LANGUAGE_ANALYZERS: LazyLock<Mutex<HashMap<String, TextAnalyzer>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The analyzer of one analysis key (see [`analysis_key`]).
pub fn language_analyzer(key: &str) -> TextAnalyzer {
    match LANGUAGE_ANALYZERS.lock() {
        Ok(mut built) => built
            .entry(key.to_string())
            .or_insert_with(|| build_language_analyzer(key))
            .clone(),
        Err(_) => build_language_analyzer(key),
    }
}

fn build_language_analyzer(key: &str) -> TextAnalyzer {
    let Some(language) = stemmer_language(key) else {
        return folded_analyzer();
    };
    // Lower-casing, stemming and accent folding act on each word alone, so
    // their result is remembered per distinct word (see `memoized_words`); the
    // tokenizer and the length filter are chained by type, not boxed, as
    // they run for every word indexed. Stop words are kept, so a phrase
    // keeps its words ("bank of england" is not "bank for england"); a
    // query of words leaves them out (see [`is_stop_word`]). Folding
    // after stemming lets the stemmer see the accents it needs, and makes
    // "Etats-Unis" and "États-Unis" one term.
    let word = AsciiFoldingFilter
        .transform(Stemmer::new(language).transform(LowerCaser.transform(RawTokenizer::default())));
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(MemoizedWords::new(word))
        .build()
}

/// Whether `word` is a stop word of the language of an analysis key (none
/// for keys without a stemmer).
pub fn is_stop_word(key: &str, word: &str) -> bool {
    static FILTERS: LazyLock<Mutex<HashMap<String, TextAnalyzer>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let Some(language) = stemmer_language(key) else {
        return false;
    };
    let build = || {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(
                StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new())),
            )
            .build()
    };
    let has_words = |analyzer: &mut TextAnalyzer| {
        let mut stream = analyzer.token_stream(word);
        stream.advance()
    };
    match FILTERS.lock() {
        Ok(mut filters) => !has_words(filters.entry(key.to_string()).or_insert_with(build)),
        Err(_) => !has_words(&mut build()),
    }
}

/// Lower-cased, accent-folded words: for names, tags and unstemmed languages.
pub fn folded_analyzer() -> TextAnalyzer {
    static BUILT: LazyLock<TextAnalyzer> = LazyLock::new(|| {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    });
    BUILT.clone()
}

/// Lower-cased words, nothing else: the cheap first pass of highlighting.
pub fn lowercase_analyzer() -> TextAnalyzer {
    static BUILT: LazyLock<TextAnalyzer> = LazyLock::new(|| {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .build()
    });
    BUILT.clone()
}

/// The whole value as one lower-cased term: exact, case-insensitive matching
/// of facet values.
pub fn keyword_analyzer() -> TextAnalyzer {
    static BUILT: LazyLock<TextAnalyzer> = LazyLock::new(|| {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build()
    });
    BUILT.clone()
}

/// Registers the analyzers that schema fields name.
pub fn register_analyzers(index: &tantivy::Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(KEYWORD_ANALYZER, keyword_analyzer());
    tokenizers.register(FOLDED_ANALYZER, folded_analyzer());
    tokenizers.register(
        LANGUAGE_ANALYZER,
        TextAnalyzer::from(LanguageTokenizer::default()),
    );
}

/// Opens and closes the analysis key that precedes article text.
const MARKER: char = '\u{1}';

/// `text` preceded by the marker of its analysis key, as the text fields
/// store it: "\u{1}fr\u{1}Les élections…".
pub fn mark_language(key: &str, text: &str) -> String {
    let mut marked = String::with_capacity(text.len() + key.len() + 2);
    marked.push(MARKER);
    marked.push_str(key);
    marked.push(MARKER);
    marked.push_str(text);
    marked
}

/// The analysis key of marked text and the text after the marker; text
/// without a marker is in the default language.
pub fn split_marker(text: &str) -> (&str, &str) {
    text.strip_prefix(MARKER)
        .and_then(|rest| rest.split_once(MARKER))
        .unwrap_or((DEFAULT_LANGUAGE, text))
}

/// Analyses marked text (see [`mark_language`]) with its language's
/// analyzer.
#[derive(Clone, Default)]
pub struct LanguageTokenizer {
    analyzers: HashMap<String, TextAnalyzer>,
}

impl Tokenizer for LanguageTokenizer {
    type TokenStream<'a> = BoxTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BoxTokenStream<'a> {
        let (key, rest) = split_marker(text);
        let key = analysis_key(Some(key));
        self.analyzers
            .entry(key.to_string())
            .or_insert_with(|| language_analyzer(key))
            .token_stream(rest)
    }
}

/// A cache of analyzers by analysis key; building one allocates, using one
/// does not.
#[derive(Default)]
pub struct Analyzers {
    by_key: HashMap<&'static str, TextAnalyzer>,
}

impl Analyzers {
    /// The analyzer of `key` (a language's analysis key), made on first use.
    pub fn get(&mut self, key: &'static str) -> &mut TextAnalyzer {
        self.by_key
            .entry(key)
            .or_insert_with(|| language_analyzer(key))
    }
}

/// Every token of `text` under `analyzer`, with offsets and positions.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while stream.advance() {
        tokens.push(stream.token().clone());
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(key: &'static str, text: &str) -> Vec<String> {
        tokens(&mut language_analyzer(key), text)
            .into_iter()
            .map(|token| token.text)
            .collect()
    }

    #[test]
    fn the_marker_chooses_the_analysis() {
        let mut tokenizer = TextAnalyzer::from(LanguageTokenizer::default());
        let marked = mark_language("fr", "les négociations");
        assert_eq!(
            tokens(&mut tokenizer, &marked)
                .iter()
                .map(|token| token.text.as_str())
                .collect::<Vec<_>>(),
            ["le", "negoci"]
        );
        assert_eq!(
            tokens(&mut tokenizer, "The talks")
                .iter()
                .map(|token| token.text.as_str())
                .collect::<Vec<_>>(),
            ["the", "talk"]
        );
        let unstemmed = mark_language("", "Zażółć");
        assert_eq!(tokens(&mut tokenizer, &unstemmed)[0].text, "zazolc");
    }

    #[test]
    fn each_language_stems_its_own_words() {
        assert_eq!(
            terms("en", "The talks in Paris are running"),
            ["the", "talk", "in", "pari", "are", "run"]
        );
        assert_eq!(terms("fr", "les négociations"), ["le", "negoci"]);
        assert_eq!(terms("fr", "États-Unis"), terms("fr", "Etats-Unis"));
        assert_eq!(terms("en", "États-Unis"), terms("en", "Etats-Unis"));
        assert!(is_stop_word("en", "The") && is_stop_word("fr", "les"));
        assert!(!is_stop_word("en", "talks") && !is_stop_word("", "the"));
        assert_eq!(analysis_key(None), "en");
        assert_eq!(analysis_key(Some("pl")), "");
        assert_eq!(terms("", "Zażółć gęślą"), ["zazolc", "gesla"]);
    }
}
