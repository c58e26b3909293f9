//! Near spellings of a word: the terms of a field within a few edits of it
//! (or, for a word being typed, beginning with something that is).
//!
//! A word searches up to eight fields, each in every language of the
//! index, and tantivy's `FuzzyTermQuery` builds its Levenshtein automaton
//! anew for each of them in every search. [`NearSpellings`] runs the same
//! automaton (same builder, same matching, the same constant score) but
//! shares one built automaton between the fields and languages of a word.

use std::sync::{Arc, OnceLock};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::query::{AutomatonWeight, EnableScoring, Query, Weight};
use tantivy::schema::Field;

/// A Levenshtein automaton over the bytes of a term.
pub struct Automaton(DFA);

impl tantivy_fst::Automaton for Automaton {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Most edits an automaton is built for.
const MAX_EDITS: u8 = 2;

/// The automaton of the words within `edits` of `word` (a transposition
/// counting as one), or of the words beginning with such a word when
/// `prefix`. Builders take milliseconds to make and are made once per
/// process, one per distance.
pub fn automaton(word: &str, edits: u8, prefix: bool) -> Arc<Automaton> {
    static BUILDERS: [OnceLock<LevenshteinAutomatonBuilder>; MAX_EDITS as usize + 1] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let edits = edits.min(MAX_EDITS);
    let builder =
        BUILDERS[usize::from(edits)].get_or_init(|| LevenshteinAutomatonBuilder::new(edits, true));
    Arc::new(Automaton(if prefix {
        builder.build_prefix_dfa(word)
    } else {
        builder.build_dfa(word)
    }))
}

/// The documents holding, in `field`, a term the automaton accepts; each
/// scores a constant 1 (times any boost around the query).
#[derive(Clone)]
pub struct NearSpellings {
    pub field: Field,
    pub automaton: Arc<Automaton>,
}

impl std::fmt::Debug for NearSpellings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NearSpellings")
            .field("field", &self.field)
            .finish_non_exhaustive()
    }
}

impl Query for NearSpellings {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(AutomatonWeight::<Automaton>::new(
            self.field,
            Arc::clone(&self.automaton),
        )))
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::FuzzyTermQuery;
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, Term, doc};

    use super::*;

    /// The same documents as tantivy's own fuzzy query, for words, edits
    /// and prefixes.
    #[test]
    fn matches_as_tantivy_s_fuzzy_query() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).expect("writer");
        for line in [
            "ceasefire talks resume in geneva",
            "cease fire talk resumes",
            "the ceasfire held",
            "wildfires force evacuations",
            "geneve and genova are not geneva",
            "talking tolks stalks",
        ] {
            writer.add_document(doc!(text => line)).expect("adds");
        }
        writer.commit().expect("commits");
        let searcher = index.reader().expect("reader").searcher();
        let mut compared = 0;
        for word in [
            "ceasefire",
            "geneva",
            "talks",
            "tlak",
            "wildfire",
            "gen",
            "cease",
        ] {
            for edits in 0..=2 {
                for prefix in [false, true] {
                    let term = Term::from_field_text(text, word);
                    let theirs = if prefix {
                        FuzzyTermQuery::new_prefix(term, edits, true)
                    } else {
                        FuzzyTermQuery::new(term, edits, true)
                    };
                    let ours = NearSpellings {
                        field: text,
                        automaton: automaton(word, edits, prefix),
                    };
                    let expected = searcher
                        .search(&theirs, &DocSetCollector)
                        .expect("searches");
                    let found = searcher.search(&ours, &DocSetCollector).expect("searches");
                    assert_eq!(found, expected, "{word} within {edits}, prefix {prefix}");
                    compared += found.len();
                }
            }
        }
        assert!(compared > 40, "{compared} matches compared");
    }
}
