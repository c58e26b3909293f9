//! Parsed query + index fields → tantivy query.
//!
//! Bare words written side by side become one [`WordsQuery`]: each word
//! searches every `default_search` field, analysed once per language the
//! search covers; the text fields (title, summary, body, live entries) are
//! scored as one field whose occurrences each field's boost weighs
//! (BM25F, as Elasticsearch's `combined_fields`), tags and entities each
//! alone with their boost, and the best of these scores counts with a tie
//! breaker's share of the others (as in `best_fields`); the
//! request's [`Matching`] strategy says how many words an article must
//! hold. A word that is a stop word in every analysis is left out when
//! other words remain, so "war in ukraine" searches "war" and "ukraine".
//! Typo tolerance and search-as-you-type add each word's near spellings
//! and completions, found in the index's vocabulary (the unstemmed words
//! of titles and summaries) and searched as the stems of those words, at
//! a share of a full match: "inflaton" finds "inflation", and the exact
//! word always outranks its neighbours. Phrases, fielded terms and groups
//! are required clauses beside the words.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, Occur, PhrasePrefixQuery,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, Token};
use tantivy::{DateTime as TantivyDateTime, Searcher, Term};

use super::maxscore::{FieldTerms, Matching, WordQuery, WordsQuery};
use super::parser::{FieldRef, QueryError, QueryNode};
use super::typo::automaton::{self, NearSpellings};
use crate::analysis::{Analyzers, folded_analyzer, is_stop_word, tokens};
use crate::index::fields::{FieldKind, IndexField, IndexFields};
use crate::ner::name_links::NameLinks;

/// How much of a word's best score (its text fields' joint score, a tag or
/// an entity field) the others add. On the relevance bench's development
/// sample, with the text fields scored jointly: 0.1 and 0.6 against 0.3
/// gave ad hoc nDCG@10 0.631 and 0.599 against 0.623, known items' mean
/// MRR@10 0.9129 and 0.9129 against 0.9137.
const TIE_BREAKER: f32 = 0.3;
/// Share of a full match that a near spelling of a word scores, per edit
/// away: one edit 0.5, two 0.25.
const NEAR_SPELLING_SHARE: f32 = 0.5;
/// Share of a full match that a completion of a word being typed scores.
const COMPLETION_SHARE: f32 = 0.8;
/// Most near spellings or completions a word is searched for: those most
/// articles hold (Elasticsearch's `max_expansions` is 50).
const MAX_EXPANSIONS: usize = 30;
/// Most vocabulary terms read per segment while looking for them, so a
/// one-letter prefix costs a bounded walk of the term dictionary.
const MAX_SCANNED_TERMS: usize = 20_000;

/// Terms a query looks for, kept to highlight them in results.
#[derive(Debug, Default, Clone)]
pub struct HighlightTerms {
    /// Analysed terms, per analysis key ("en", "fr", "" for unstemmed).
    pub exact: HashSet<(&'static str, String)>,
    /// Analysed prefixes, per analysis key.
    pub prefixes: HashSet<(&'static str, String)>,
    /// Words matched within a number of edits: analysis key, word, edits,
    /// and whether the word is a prefix.
    pub fuzzy: Vec<(&'static str, String, u8, bool)>,
}

/// A bare word of the query as the builder searches it.
#[derive(Debug, Clone)]
struct WordSpec {
    /// As typed (one word: "U.S." gives two).
    typed: String,
    /// Lower-cased and accent-folded.
    folded: String,
    prefix: bool,
    /// Edits asked for with `word~N`.
    edits: Option<u8>,
    boost: f32,
}

/// Turns a parsed query into a tantivy query for the index's fields and languages.
pub struct QueryBuilder<'a> {
    fields: &'a IndexFields,
    language_keys: Vec<&'static str>,
    analyzers: Analyzers,
    folded: TextAnalyzer,
    /// The terms the highlighter marks, gathered while building.
    pub highlight: HighlightTerms,
    /// Whether bare words also match their near spellings.
    pub typo_tolerant: bool,
    /// How many bare words written side by side an article must hold.
    pub matching: Matching,
    /// The text fields that hold any term, when known: a clause on any
    /// other field matches nothing and is left out of the query.
    pub text_fields_with_terms: Option<&'a HashSet<Field>>,
    /// Where near spellings and completions are looked up, when known.
    pub searcher: Option<&'a Searcher>,
    /// The fields bare words search, by their declared names; `None`: the
    /// `default_search` fields.
    pub searched_fields: Option<&'a [String]>,
    /// Per facet field of people's or organisations' names, its short
    /// forms linked to full names (see
    /// [`crate::index::NewsIndex::name_links`]).
    pub name_links: HashMap<Field, Arc<NameLinks>>,
    /// Automata of near spellings built so far, by term, edits and prefix.
    near: HashMap<(String, u8, bool), Arc<automaton::Automaton>>,
    /// The tokens of the text being built, per analysis (`None`: plain
    /// folding), shared by the fields that search it; cleared for each text.
    analysed: Vec<(Option<&'static str>, Rc<Vec<Token>>)>,
    /// The analyses whose terms of the text being built are recorded for
    /// highlighting; cleared for each text.
    recorded: Vec<Option<&'static str>>,
}

impl<'a> QueryBuilder<'a> {
    /// `language_keys` are the analyses to run each term through: those of
    /// the languages the index holds, or the ones the request filters on.
    pub fn new(fields: &'a IndexFields, language_keys: Vec<&'static str>) -> QueryBuilder<'a> {
        QueryBuilder {
            fields,
            language_keys,
            analyzers: Analyzers::default(),
            folded: folded_analyzer(),
            highlight: HighlightTerms::default(),
            typo_tolerant: false,
            matching: Matching::default(),
            text_fields_with_terms: None,
            searcher: None,
            searched_fields: None,
            name_links: HashMap::new(),
            near: HashMap::new(),
            analysed: Vec::new(),
            recorded: Vec::new(),
        }
    }

    /// Whether a bare word searches `field`.
    fn searches(&self, field: &IndexField) -> bool {
        match self.searched_fields {
            Some(names) => names.contains(&field.definition.name),
            None => field.definition.default_search,
        }
    }

    /// The tokens of `text` under an analysis (`None`: plain folding),
    /// analysed once per text however many fields search it.
    fn analyse(&mut self, key: Option<&'static str>, text: &str) -> Rc<Vec<Token>> {
        if let Some((_, tokens)) = self.analysed.iter().find(|(known, _)| *known == key) {
            return Rc::clone(tokens);
        }
        let analysed = Rc::new(match key {
            Some(key) => tokens(self.analyzers.get(key), text),
            None => tokens(&mut self.folded, text),
        });
        self.analysed.push((key, Rc::clone(&analysed)));
        analysed
    }

    /// The tantivy query of `node`.
    pub fn build(&mut self, node: &QueryNode) -> Result<Box<dyn Query>, QueryError> {
        Ok(self
            .build_node(node)?
            .unwrap_or_else(|| Box::new(EmptyQuery)))
    }

    /// `None` for a clause that analyses to nothing, which then constrains
    /// nothing, as in the common search engines. Nodes nest only as deep
    /// as the parser allows (brackets and negations); words side by side
    /// are one flat query however many there are.
    fn build_node(&mut self, node: &QueryNode) -> Result<Option<Box<dyn Query>>, QueryError> {
        match node {
            QueryNode::All => Ok(Some(Box::new(AllQuery))),
            QueryNode::Term { field: None, .. } => {
                self.build_clauses(std::slice::from_ref(node), self.matching)
            }
            QueryNode::Term {
                field: Some(field),
                text,
                prefix,
                start,
                edits,
                boost,
            } => Ok(self
                .build_text(Some(field), text, *prefix, None, *edits, *start)?
                .map(|query| boosted(query, boost.unwrap_or(1.0)))),
            QueryNode::Phrase {
                field,
                text,
                start,
                slop,
                boost,
            } => Ok(self
                .build_text(field.as_ref(), text, false, Some(*slop), None, *start)?
                .map(|query| boosted(query, boost.unwrap_or(1.0)))),
            QueryNode::Match(children) => self.build_clauses(children, self.matching),
            QueryNode::And(children) => self.build_clauses(children, Matching::All),
            QueryNode::Or(children) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for child in children {
                    if let Some(query) = self.build_node(child)? {
                        clauses.push((Occur::Should, query));
                    }
                }
                Ok(boolean_or_none(clauses))
            }
            QueryNode::Not(inner) => Ok(self.build_negated(inner)?.map(|query| {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                    (Occur::MustNot, query),
                ])) as Box<dyn Query>
            })),
        }
    }

    /// Clauses side by side (or joined by `AND`, `matching` then `All`):
    /// the bare words one [`WordsQuery`], the rest required or excluded,
    /// all in one flat boolean query.
    fn build_clauses(
        &mut self,
        children: &[QueryNode],
        matching: Matching,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let mut words: Vec<WordSpec> = Vec::new();
        let mut required: Vec<Box<dyn Query>> = Vec::new();
        let mut excluded: Vec<Box<dyn Query>> = Vec::new();
        for child in children {
            match child {
                QueryNode::Term {
                    field: None,
                    text,
                    prefix,
                    edits,
                    boost,
                    ..
                } => self.split_words(text, *prefix, *edits, boost.unwrap_or(1.0), &mut words),
                QueryNode::Not(inner) => excluded.extend(self.build_negated(inner)?),
                other => required.extend(self.build_node(other)?),
            }
        }
        let words_query = self.words_query(words, matching);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(words_query) = words_query {
            // Beside required clauses, words that need not all match only
            // rank what those clauses find.
            let occur = if required.is_empty() || matching == Matching::All {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, words_query));
        }
        clauses.extend(required.into_iter().map(|query| (Occur::Must, query)));
        clauses.extend(excluded.into_iter().map(|query| (Occur::MustNot, query)));
        Ok(boolean_or_none(clauses))
    }

    /// The words of a bare term as typed: one per folded token, so that
    /// "U.S." or "Japan's" search their parts as words. Only the last part
    /// of a prefix is a prefix.
    fn split_words(
        &mut self,
        text: &str,
        prefix: bool,
        edits: Option<u8>,
        boost: f32,
        words: &mut Vec<WordSpec>,
    ) {
        let parts = tokens(&mut self.folded, text);
        let count = parts.len();
        for (index, token) in parts.into_iter().enumerate() {
            let typed = text
                .get(token.offset_from..token.offset_to)
                .unwrap_or(&token.text)
                .to_string();
            words.push(WordSpec {
                typed,
                folded: token.text,
                prefix: prefix && index + 1 == count,
                edits,
                boost,
            });
        }
    }

    /// The edits a typed word is searched within: those `word~N` asks
    /// for, else the automatic ones when typo tolerance is on.
    fn edits_for(&self, asked: Option<u8>, typed: &str) -> u8 {
        match asked {
            Some(edits) => edits,
            None if self.typo_tolerant => typo_distance(typed),
            None => 0,
        }
    }

    /// Whether a word is a stop word in every analysis the search covers.
    fn is_stop_word(&self, word: &WordSpec) -> bool {
        !self.language_keys.is_empty()
            && self
                .language_keys
                .iter()
                .all(|key| is_stop_word(key, &word.typed))
    }

    /// The words as one query, stop words left out unless nothing else
    /// remains (or the word is being typed); `None` when there are none.
    fn words_query(&mut self, words: Vec<WordSpec>, matching: Matching) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return None;
        }
        let keep: Vec<bool> = words
            .iter()
            .map(|word| word.prefix || !self.is_stop_word(word))
            .collect();
        let words: Vec<WordSpec> = if keep.iter().any(|kept| *kept) {
            words
                .into_iter()
                .zip(keep)
                .filter_map(|(word, kept)| kept.then_some(word))
                .collect()
        } else {
            words
        };
        let mut word_queries = Vec::with_capacity(words.len());
        for word in &words {
            match self.word_query(word) {
                Some(query) => word_queries.push(query),
                // A word no field can hold: all words required match none.
                None if matching == Matching::All => return Some(Box::new(EmptyQuery)),
                None => {}
            }
        }
        if word_queries.is_empty() {
            return Some(Box::new(EmptyQuery));
        }
        Some(Box::new(WordsQuery {
            words: word_queries,
            matching,
        }))
    }

    /// One word in every `default_search` field: its analyses, and its near
    /// spellings and completions at their shares.
    fn word_query(&mut self, word: &WordSpec) -> Option<WordQuery> {
        let distance = self.edits_for(word.edits, &word.folded);
        let expansions = self.expand(&word.folded, distance, word.prefix);
        let fields: &'a IndexFields = self.fields;
        let mut field_terms = Vec::new();
        let mut analysed: Vec<(&'static str, Vec<(String, f32)>)> = Vec::new();
        for key in self.language_keys.clone() {
            let mut terms: Vec<(String, f32)> = Vec::new();
            let analyzer = self.analyzers.get(key);
            if let Some(token) = tokens(analyzer, &word.typed).into_iter().next() {
                terms.push((token.text, 1.0));
            }
            for (candidate, share) in &expansions {
                if let Some(token) = tokens(analyzer, candidate).into_iter().next() {
                    add_term(&mut terms, token.text, *share);
                }
            }
            analysed.push((key, terms));
        }
        // Every language's terms at once: a text field holds them all.
        let mut stemmed_terms: Vec<(String, f32)> = Vec::new();
        for (_, terms) in &analysed {
            for (text, share) in terms {
                add_term(&mut stemmed_terms, text.clone(), *share);
            }
        }
        let mut folded_terms: Vec<(String, f32)> = vec![(word.folded.clone(), 1.0)];
        for (candidate, share) in &expansions {
            add_term(&mut folded_terms, candidate.clone(), *share);
        }
        for target in fields.fields.iter().filter(|field| self.searches(field)) {
            if !self.holds_terms(target) {
                continue;
            }
            let (field, texts, joint) = match (target.definition.kind, target.text_field) {
                (FieldKind::Text, _) => (target.field, &stemmed_terms, true),
                (FieldKind::Facet, Some(text_field)) => (text_field, &folded_terms, false),
                _ => continue,
            };
            let terms: Vec<(Term, f32)> = texts
                .iter()
                .map(|(text, share)| (Term::from_field_text(field, text), *share))
                .collect();
            if terms.is_empty() {
                continue;
            }
            let weight = target.definition.boost;
            field_terms.push(FieldTerms {
                terms,
                // A joint field's weight counts its occurrences; the
                // word's boost scales the joint score.
                boost: if joint { weight } else { weight * word.boost },
                joint,
            });
        }
        for (key, terms) in &analysed {
            for (text, _) in terms {
                self.highlight.exact.insert((key, text.clone()));
            }
            if word.prefix
                && let Some((text, _)) = terms.first()
            {
                self.highlight.prefixes.insert((key, text.clone()));
            }
        }
        for (text, _) in &folded_terms {
            self.highlight.exact.insert(("", text.clone()));
        }
        if word.prefix {
            self.highlight.prefixes.insert(("", word.folded.clone()));
        }
        (!field_terms.is_empty()).then_some(WordQuery {
            fields: field_terms,
            tie_breaker: TIE_BREAKER,
            boost: word.boost,
        })
    }

    /// The words of the index's vocabulary within `distance` edits of
    /// `folded` (or beginning with such a word, for a word being typed),
    /// the ones most articles hold first, each with the share of a full
    /// match it scores; the word itself is not among them.
    fn expand(&mut self, folded: &str, distance: u8, prefix: bool) -> Vec<(String, f32)> {
        let (Some(searcher), Some(vocabulary)) = (self.searcher, self.fields.vocabulary) else {
            return Vec::new();
        };
        if distance == 0 && !prefix {
            return Vec::new();
        }
        let automaton = Arc::clone(
            self.near
                .entry((folded.to_string(), distance, prefix))
                .or_insert_with(|| automaton::automaton(folded, distance, prefix)),
        );
        let mut counts: HashMap<String, u64> = HashMap::new();
        for reader in searcher.segment_readers() {
            let Ok(inverted_index) = reader.inverted_index(vocabulary) else {
                continue;
            };
            let Ok(mut stream) = inverted_index.terms().search(&*automaton).into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_SCANNED_TERMS && stream.advance() {
                scanned += 1;
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if word == folded {
                    continue;
                }
                *counts.entry(word.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        let mut candidates: Vec<(String, u64)> = counts.into_iter().collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        candidates.truncate(MAX_EXPANSIONS);
        candidates
            .into_iter()
            .map(|(word, _)| {
                let share = expansion_share(folded, &word, distance, prefix);
                (word, share)
            })
            .collect()
    }

    /// What a negation excludes; its terms are not highlighted.
    fn build_negated(&mut self, inner: &QueryNode) -> Result<Option<Box<dyn Query>>, QueryError> {
        let saved = self.highlight.clone();
        let query = self.build_node(inner);
        self.highlight = saved;
        query
    }

    /// A phrase (`slop` given) or a fielded term in each field it searches.
    fn build_text(
        &mut self,
        field: Option<&FieldRef>,
        text: &str,
        prefix: bool,
        slop: Option<u32>,
        edits: Option<u8>,
        start: usize,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let phrase = slop.is_some();
        let slop = slop.unwrap_or(0);
        let fields: &'a IndexFields = self.fields;
        let targets: Vec<&'a IndexField> = match field {
            Some(field_ref) => vec![self.resolve(field_ref)?],
            None => fields
                .fields
                .iter()
                .filter(|field| self.searches(field))
                .collect(),
        };
        // A bare word searches several fields with the same analyses.
        self.analysed.clear();
        self.recorded.clear();
        // Each alternative with its boost.
        let mut alternatives: Vec<(Box<dyn Query>, f32)> = Vec::new();
        // Whether a clause was left out because its field holds no terms.
        let mut left_out = false;
        for &target in &targets {
            let boost = target.definition.boost;
            let built = match target.definition.kind {
                FieldKind::Text => {
                    self.text_field_query(target.field, text, prefix, slop, phrase, edits)
                }
                FieldKind::Facet => match target.text_field {
                    Some(text_field) => {
                        let terms = self.analyse(None, text);
                        self.record_highlight(None, &terms, prefix);
                        let written = self
                            .term_query("", text_field, &terms, text, prefix, slop, phrase, edits);
                        // An entity named by its alias (`location:US`) also
                        // finds its canonical name, as filters do.
                        let canonical = (field.is_some()
                            && target.definition.entity_kind().is_some())
                        .then(|| {
                            crate::ner::aliases::shipped()
                                .canonical(target.definition.entity_kind(), text)
                        })
                        .flatten()
                        .filter(|canonical| !canonical.eq_ignore_ascii_case(text))
                        .and_then(|canonical| {
                            positional_query(
                                text_field,
                                &tokens(&mut self.folded, canonical),
                                false,
                                0,
                            )
                        });
                        // A name given in full (`person:"James Baker"`)
                        // also finds the articles that give it by the
                        // short form the index links to it.
                        let lower = text.trim().to_lowercase();
                        let surnames = field
                            .and(self.name_links.get(&target.field))
                            .map(|links| {
                                links
                                    .forms(&lower)
                                    .into_iter()
                                    .filter(|form| *form != lower)
                                    .map(|form| {
                                        Box::new(TermQuery::new(
                                            Term::from_field_text(target.field, form),
                                            IndexRecordOption::Basic,
                                        )) as Box<dyn Query>
                                    })
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default();
                        let mut found: Vec<Box<dyn Query>> = written
                            .into_iter()
                            .chain(canonical)
                            .chain(surnames)
                            .collect();
                        match found.len() {
                            0 => None,
                            1 => found.pop(),
                            _ => Some(Box::new(BooleanQuery::union(found)) as Box<dyn Query>),
                        }
                    }
                    None => None,
                },
                FieldKind::Keyword => Some(Box::new(TermQuery::new(
                    Term::from_field_text(target.field, text),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>),
                FieldKind::Date => Some(date_query(target.field, text, start)?),
                FieldKind::Tiebreak | FieldKind::Source | FieldKind::Vocabulary => None,
            };
            if let Some(query) = built {
                if !self.holds_terms(target) {
                    left_out = true;
                    continue;
                }
                alternatives.push((query, boost));
            }
        }
        if alternatives.is_empty() {
            return Ok(left_out.then(|| Box::new(EmptyQuery) as Box<dyn Query>));
        }
        let mut alternatives: Vec<Box<dyn Query>> = alternatives
            .into_iter()
            .map(|(query, boost)| boosted(query, boost))
            .collect();
        Ok(match alternatives.len() {
            1 => alternatives.pop(),
            _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                alternatives,
                TIE_BREAKER,
            ))),
        })
    }

    /// Whether a target's searched text field holds any term (always, for
    /// other kinds or when unknown).
    fn holds_terms(&self, target: &IndexField) -> bool {
        let searched = match target.definition.kind {
            FieldKind::Text => Some(target.field),
            FieldKind::Facet => target.text_field,
            _ => None,
        };
        match (searched, self.text_fields_with_terms) {
            (Some(field), Some(with_terms)) => with_terms.contains(&field),
            _ => true,
        }
    }

    fn resolve(&self, field_ref: &FieldRef) -> Result<&'a IndexField, QueryError> {
        self.fields
            .get(&field_ref.name)
            .filter(|field| {
                !matches!(
                    field.definition.kind,
                    FieldKind::Source | FieldKind::Tiebreak | FieldKind::Vocabulary
                )
            })
            .ok_or_else(|| {
                QueryError::at(
                    field_ref.start,
                    format!(
                        "unknown field `{}`; known fields: {}",
                        field_ref.name,
                        self.fields.queryable_names().join(", ")
                    ),
                )
            })
    }

    /// One query per analysis the search covers, since the index holds each
    /// article's words as its own language analysed them.
    fn text_field_query(
        &mut self,
        field: Field,
        text: &str,
        prefix: bool,
        slop: u32,
        phrase: bool,
        edits: Option<u8>,
    ) -> Option<Box<dyn Query>> {
        let mut per_language: Vec<Box<dyn Query>> = Vec::new();
        let mut seen: Vec<Rc<Vec<Token>>> = Vec::new();
        for key in self.language_keys.clone() {
            let mut terms = self.analyse(Some(key), text);
            if prefix {
                // A stemmer would cut the word being typed ("governme" →
                // "govern"), so the last word is matched as typed, folded.
                let typed = self.analyse(None, text);
                if let (Some(last), Some(typed_last)) =
                    (Rc::make_mut(&mut terms).last_mut(), typed.last())
                {
                    last.text = typed_last.text.clone();
                }
            }
            self.record_highlight(Some(key), &terms, prefix);
            // Languages whose analyses agree search the same terms once.
            let same_terms = |other: &Rc<Vec<Token>>| {
                other
                    .iter()
                    .map(|token| &token.text)
                    .eq(terms.iter().map(|token| &token.text))
            };
            if seen.iter().any(same_terms) {
                continue;
            }
            seen.push(Rc::clone(&terms));
            if let Some(query) =
                self.term_query(key, field, &terms, text, prefix, slop, phrase, edits)
            {
                per_language.push(query);
            }
        }
        match per_language.len() {
            0 => None,
            1 => per_language.pop(),
            _ => Some(Box::new(DisjunctionMaxQuery::new(per_language))),
        }
    }

    /// The query for analysed `terms` of a fielded term or a phrase, with
    /// the near spellings `field:word~N` asks for: the exact word scores,
    /// near spellings also match.
    #[allow(clippy::too_many_arguments)]
    fn term_query(
        &mut self,
        key: &'static str,
        field: Field,
        terms: &[tantivy::tokenizer::Token],
        typed: &str,
        prefix: bool,
        slop: u32,
        phrase: bool,
        edits: Option<u8>,
    ) -> Option<Box<dyn Query>> {
        let exact = positional_query(field, terms, prefix, slop)?;
        let distance = self.edits_for(edits, typed);
        if phrase || terms.len() != 1 || distance == 0 {
            return Some(exact);
        }
        let entry = (key, terms[0].text.clone(), distance, prefix);
        if !self.highlight.fuzzy.contains(&entry) {
            self.highlight.fuzzy.push(entry);
        }
        // One automaton per word, shared by its fields.
        let automaton = Arc::clone(
            self.near
                .entry((terms[0].text.clone(), distance, prefix))
                .or_insert_with(|| automaton::automaton(&terms[0].text, distance, prefix)),
        );
        let fuzzy: Box<dyn Query> = Box::new(NearSpellings { field, automaton });
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Should, exact),
            (
                Occur::Should,
                Box::new(BoostQuery::new(fuzzy, FUZZY_WEIGHT)),
            ),
        ])))
    }

    /// Records the terms of an analysis (`None`: plain folding, recorded
    /// under "") for highlighting, once per text however many fields
    /// search them.
    fn record_highlight(
        &mut self,
        analysis: Option<&'static str>,
        terms: &[tantivy::tokenizer::Token],
        prefix: bool,
    ) {
        if self.recorded.contains(&analysis) {
            return;
        }
        self.recorded.push(analysis);
        let key = analysis.unwrap_or("");
        for (index, token) in terms.iter().enumerate() {
            let entry = (key, token.text.clone());
            if prefix && index + 1 == terms.len() {
                self.highlight.prefixes.insert(entry);
            } else {
                self.highlight.exact.insert(entry);
            }
        }
    }
}

/// `query` with its scores multiplied by `boost`.
pub(crate) fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() > f32::EPSILON {
        Box::new(BoostQuery::new(query, boost))
    } else {
        query
    }
}

/// Weight of a near spelling against the exact word.
const FUZZY_WEIGHT: f32 = 0.3;

/// Adds a term, or raises the share of one already there.
fn add_term(terms: &mut Vec<(String, f32)>, text: String, share: f32) {
    match terms.iter_mut().find(|(known, _)| *known == text) {
        Some((_, known_share)) => *known_share = known_share.max(share),
        None => terms.push((text, share)),
    }
}

/// The share of a full match a vocabulary word found for `typed` scores:
/// a completion of a word being typed [`COMPLETION_SHARE`], a near
/// spelling [`NEAR_SPELLING_SHARE`] per edit (a completion that is also a
/// near spelling both).
fn expansion_share(typed: &str, word: &str, distance: u8, prefix: bool) -> f32 {
    let edits = (0..=distance)
        .find(|edits| super::typo::distance::within_edits(word, typed, *edits, prefix))
        .unwrap_or(distance);
    let mut share = NEAR_SPELLING_SHARE.powi(i32::from(edits));
    if prefix && word.len() > typed.len() {
        share *= COMPLETION_SHARE;
    }
    share
}

/// Edits tolerated in a typed word: none under 5 letters, one from 5, two
/// from 9 (Meilisearch's defaults; short words have too many neighbours).
fn typo_distance(word: &str) -> u8 {
    match word.chars().filter(|c| c.is_alphanumeric()).count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// A term, a phrase (the tokens of one word such as "U.S." or of quoted
/// text), or either ending in a prefix. Stop words removed by analysis leave
/// gaps that the phrase keeps.
fn positional_query(
    field: Field,
    terms: &[tantivy::tokenizer::Token],
    prefix: bool,
    slop: u32,
) -> Option<Box<dyn Query>> {
    let first_position = terms.first()?.position;
    let with_offsets: Vec<(usize, Term)> = terms
        .iter()
        .map(|token| {
            (
                token.position - first_position,
                Term::from_field_text(field, &token.text),
            )
        })
        .collect();
    if prefix {
        return Some(Box::new(PhrasePrefixQuery::new_with_offset(with_offsets)));
    }
    if with_offsets.len() == 1 {
        let (_, term) = with_offsets.into_iter().next()?;
        return Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)));
    }
    let mut phrase = PhraseQuery::new_with_offset(with_offsets);
    phrase.set_slop(slop);
    Some(Box::new(phrase))
}

fn boolean_or_none(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    if clauses.is_empty() {
        return None;
    }
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.pop().map(|(_, query)| query);
    }
    if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// `published_at:2025`, `:2025-02` or `:2025-02-18`: that year, month or day
/// in UTC.
fn date_query(field: Field, text: &str, start: usize) -> Result<Box<dyn Query>, QueryError> {
    let invalid = || {
        QueryError::at(
            start,
            format!("invalid date `{text}`; expected YYYY, YYYY-MM or YYYY-MM-DD"),
        )
    };
    let parts: Vec<&str> = text.split('-').collect();
    let numbers: Vec<u32> = parts
        .iter()
        .map(|part| part.parse::<u32>().map_err(|_| invalid()))
        .collect::<Result<_, _>>()?;
    let (from, to) = match numbers.as_slice() {
        [year] => {
            let from = NaiveDate::from_ymd_opt(*year as i32, 1, 1).ok_or_else(invalid)?;
            (from, from.with_year(from.year() + 1).ok_or_else(invalid)?)
        }
        [year, month] => {
            let from = NaiveDate::from_ymd_opt(*year as i32, *month, 1).ok_or_else(invalid)?;
            (
                from,
                from.checked_add_months(chrono::Months::new(1))
                    .ok_or_else(invalid)?,
            )
        }
        [year, month, day] => {
            let from = NaiveDate::from_ymd_opt(*year as i32, *month, *day).ok_or_else(invalid)?;
            (from, from.succ_opt().ok_or_else(invalid)?)
        }
        _ => return Err(invalid()),
    };
    Ok(date_range_query(
        field,
        Some(from.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()),
        Some(to.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()),
    ))
}

/// Articles with `field` in [from, to), bounds in Unix seconds.
pub fn date_range_query(field: Field, from: Option<i64>, to: Option<i64>) -> Box<dyn Query> {
    use std::ops::Bound;
    let term = |seconds: i64| {
        Term::from_field_date_for_search(field, TantivyDateTime::from_timestamp_secs(seconds))
    };
    Box::new(RangeQuery::new(
        from.map_or(Bound::Unbounded, |seconds| Bound::Included(term(seconds))),
        to.map_or(Bound::Unbounded, |seconds| Bound::Excluded(term(seconds))),
    ))
}
