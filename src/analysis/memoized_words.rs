//! A token filter that remembers what each word became.
//!
//! Lower-casing, the stop-word test and above all the Snowball stemmer were
//! about a quarter of the CPU time of indexing news (perf over `newsdex
//! index` on 100,000 synthetic articles), and news repeats its words
//! endlessly: a few thousand distinct words make up most of its tokens.
//! [`MemoizedWords`] runs the same analysis of a word, but remembers the
//! result ("Running" → "run", or that a filter dropped it), so that later occurrences
//! cost a hash and one comparison. tantivy has no such filter and the
//! stemmer crates keep no state, hence this one.
//!
//! The memory is a [`WordCache`] of 2^14 words and their terms (512 KiB).
//! Each analyzer instance has its own cache (tantivy gives each indexing
//! thread its own instance per field), made
//! only once the instance has analysed [`WARM_UP`] words, so the analyzers
//! that queries and highlighting clone for a few words never pay for one.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::word_cache::{Packed, WORD_BYTES, WordCache, packed};

/// Slots per cache: 2^14.
const SLOT_BITS: u32 = 14;
/// A term's length byte when the word is dropped (a stop word).
const DROPPED: u8 = u8::MAX;
/// Words an instance analyses before it makes its cache.
const WARM_UP: u32 = 4096;

/// The term of a dropped word.
const DROPPED_TERM: Packed = {
    let mut packed = [0; WORD_BYTES + 1];
    packed[WORD_BYTES] = DROPPED;
    packed
};

/// Applies `word` (a tokenizer of one whole word: a raw tokenizer followed
/// by lower-casing, stop words and stemming) to each token, remembering
/// its results. Tokens `word` drops are dropped.
#[derive(Clone)]
pub struct MemoizedWords<W> {
    word: W,
}

impl<W: Tokenizer> MemoizedWords<W> {
    pub fn new(word: W) -> MemoizedWords<W> {
        MemoizedWords { word }
    }
}

impl<W: Tokenizer> TokenFilter for MemoizedWords<W> {
    type Tokenizer<T: Tokenizer> = MemoizedWordsFilter<T, W>;

    fn transform<T: Tokenizer>(self, inner: T) -> MemoizedWordsFilter<T, W> {
        MemoizedWordsFilter {
            inner,
            word: self.word,
            memory: Memory::default(),
        }
    }
}

pub struct MemoizedWordsFilter<T, W> {
    inner: T,
    word: W,
    memory: Memory,
}

/// A clone starts with an empty memory: clones are made per field and
/// per thread, and copying a cache that may not be needed costs more than
/// refilling it.
impl<T: Clone, W: Clone> Clone for MemoizedWordsFilter<T, W> {
    fn clone(&self) -> Self {
        MemoizedWordsFilter {
            inner: self.inner.clone(),
            word: self.word.clone(),
            memory: Memory::default(),
        }
    }
}

#[derive(Default)]
struct Memory {
    analysed: u32,
    terms: Option<WordCache<Packed, SLOT_BITS>>,
}

impl<T: Tokenizer, W: Tokenizer> Tokenizer for MemoizedWordsFilter<T, W> {
    type TokenStream<'a> = MemoizedWordsStream<'a, T::TokenStream<'a>, W>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoizedWordsStream {
            tail: self.inner.token_stream(text),
            word: &mut self.word,
            memory: &mut self.memory,
        }
    }
}

pub struct MemoizedWordsStream<'a, T, W> {
    tail: T,
    word: &'a mut W,
    memory: &'a mut Memory,
}

impl<T: TokenStream, W: Tokenizer> MemoizedWordsStream<'_, T, W> {
    /// Rewrites the current token to its term; false when it is dropped.
    fn normalize_current(&mut self) -> bool {
        let token = self.tail.token_mut();
        let remembered = match &self.memory.terms {
            Some(terms) => match terms.key(&token.text) {
                Some(key) => match terms.get(&key) {
                    Some(term) => return apply(token, term),
                    None => Some(key),
                },
                None => None,
            },
            None => None,
        };
        let term = analyse_word(self.word, &token.text);
        match (remembered, self.memory.terms.as_mut()) {
            (Some(key), Some(terms)) => {
                let kept = match &term {
                    None => Some(DROPPED_TERM),
                    Some(term) => packed(term),
                };
                if let Some(kept) = kept {
                    terms.put(key, kept);
                }
            }
            _ => {
                self.memory.analysed = self.memory.analysed.saturating_add(1);
                if self.memory.terms.is_none() && self.memory.analysed >= WARM_UP {
                    self.memory.terms = Some(WordCache::new([0; WORD_BYTES + 1]));
                }
            }
        }
        match term {
            Some(term) => {
                token.text = term;
                true
            }
            None => false,
        }
    }
}

/// Sets the token to a remembered term; false when the word is dropped.
fn apply(token: &mut Token, term: &Packed) -> bool {
    let len = term[WORD_BYTES];
    if len == DROPPED {
        return false;
    }
    // The bytes were copied from a `String`, so they are UTF-8.
    match std::str::from_utf8(&term[..usize::from(len)]) {
        Ok(term) => {
            token.text.clear();
            token.text.push_str(term);
            true
        }
        Err(_) => false,
    }
}

/// The term `word` makes of one word, or `None` when it drops it.
fn analyse_word<W: Tokenizer>(word: &mut W, text: &str) -> Option<String> {
    let mut stream = word.token_stream(text);
    stream.advance().then(|| stream.token().text.clone())
}

impl<T: TokenStream, W: Tokenizer> TokenStream for MemoizedWordsStream<'_, T, W> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if self.normalize_current() {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::{
        Language, LowerCaser, RawTokenizer, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
    };

    use super::*;

    fn plain() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(StopWordFilter::new(Language::English).expect("English has stop words"))
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn memoized() -> TextAnalyzer {
        let word = Stemmer::new(Language::English).transform(
            StopWordFilter::new(Language::English)
                .expect("English has stop words")
                .transform(LowerCaser.transform(RawTokenizer::default())),
        );
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(MemoizedWords::new(word))
            .build()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut tokens = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    }

    /// Past the warm-up, so that the cache is in use.
    fn warmed() -> TextAnalyzer {
        let mut analyzer = memoized();
        let warm_up = "The Running talks were running. ".repeat(WARM_UP as usize / 4 + 1);
        tokens(&mut analyzer, &warm_up);
        analyzer
    }

    #[test]
    fn remembered_words_give_the_terms_the_filters_give() {
        let mut analyzer = warmed();
        let text = "The talks in Paris are RUNNING; the Running of the talks ran on \
                    internationalisation's internationalisation";
        for _ in 0..3 {
            assert_eq!(tokens(&mut analyzer, text), tokens(&mut plain(), text));
        }
        assert!(!analyzer.token_stream("the").advance());
    }

    proptest! {
        #[test]
        fn memoized_analysis_is_the_plain_analysis(
            words in proptest::collection::vec(
                prop_oneof![
                    "(The|the|THE|and|of|talk|talks|Talking|running|ran|é|Élysée|naïve)",
                    "[a-zA-Zéß]{1,20}",
                ],
                0..200,
            ),
            separators in "[ ,.'\n-]{1,3}",
        ) {
            let text = words.join(&separators);
            let mut analyzer = warmed();
            let expected = tokens(&mut plain(), &text);
            // Twice: the second pass finds every word remembered.
            prop_assert_eq!(&tokens(&mut analyzer, &text), &expected);
            prop_assert_eq!(&tokens(&mut analyzer, &text), &expected);
        }
    }
}
