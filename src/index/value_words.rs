//! The words of a facet field's values, sorted, for prefix lookups: a
//! search box asks for the values with a word starting with what was typed
//! on every keystroke, and a field of extracted names holds tens of
//! thousands of values. Built once per searcher generation and field
//! ([`super::NewsIndex::value_words`]), so a lookup is a binary search
//! instead of a scan of every value.

use std::collections::HashMap;

use tantivy::Searcher;

use crate::analysis::{folded_analyzer, tokens};

/// Every distinct value of one facet field and its folded words.
#[derive(Debug, Default)]
pub struct ValueWords {
    values: Vec<String>,
    /// (lower-cased, accent-folded word, value index), sorted.
    words: Vec<(String, u32)>,
}

impl ValueWords {
    /// Reads the values from the fast-field dictionaries of every segment.
    pub fn build(searcher: &Searcher, field: &str) -> Result<ValueWords, tantivy::TantivyError> {
        let mut index_of: HashMap<String, u32> = HashMap::new();
        let mut built = ValueWords::default();
        let mut folded = folded_analyzer();
        for segment in searcher.segment_readers() {
            let Some(column) = segment.fast_fields().str(field)? else {
                continue;
            };
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                let Ok(value) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if index_of.contains_key(value) {
                    continue;
                }
                let id = built.values.len() as u32;
                index_of.insert(value.to_string(), id);
                built.values.push(value.to_string());
                for token in tokens(&mut folded, value) {
                    built.words.push((token.text, id));
                }
            }
        }
        built.words.sort_unstable();
        built.words.dedup();
        Ok(built)
    }

    /// The value of number `id`.
    pub fn value(&self, id: u32) -> &str {
        &self.values[id as usize]
    }

    /// Values with a word starting with `prefix` (folded), each once.
    pub fn with_word_prefix(&self, prefix: &str) -> Vec<u32> {
        let start = self
            .words
            .partition_point(|(word, _)| word.as_str() < prefix);
        let mut ids: Vec<u32> = self.words[start..]
            .iter()
            .take_while(|(word, _)| word.starts_with(prefix))
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The distinct words starting with `first`, for typo-tolerant matching.
    pub fn words_starting_with(&self, first: char) -> impl Iterator<Item = (&str, u32)> {
        let mut buffer = [0u8; 4];
        let prefix: &str = first.encode_utf8(&mut buffer);
        let start = self
            .words
            .partition_point(|(word, _)| word.as_str() < prefix);
        let prefix = prefix.to_string();
        self.words[start..]
            .iter()
            .take_while(move |(word, _)| word.starts_with(prefix.as_str()))
            .map(|(word, id)| (word.as_str(), *id))
    }
}
