//! Parsed query + index fields → tantivy query.
//!
//! A bare term searches every `default_search` field, each with its boost,
//! and is analysed once per language the search covers; the best field wins
//! (dis-max with a tie breaker), as in Elasticsearch's `best_fields`.

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
use tantivy::{DateTime as TantivyDateTime, Term};

use super::maxscore::{FieldTerms, WordQuery};
use super::near::{self, NearSpellings};
use super::parser::{FieldRef, QueryError, QueryNode};
use crate::index::analysis::{Analyzers, folded_analyzer, tokens};
use crate::index::fields::{FieldKind, IndexField, IndexFields};

/// How much of a field's best match the other matching fields add.
const TIE_BREAKER: f32 = 0.3;

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

pub struct QueryBuilder<'a> {
    fields: &'a IndexFields,
    language_keys: Vec<&'static str>,
    analyzers: Analyzers,
    folded: TextAnalyzer,
    pub highlight: HighlightTerms,
    /// Whether single words also match within a few edits.
    pub typo_tolerant: bool,
    /// The text fields that hold any term, when known: a clause on any
    /// other field matches nothing and is left out of the query.
    pub text_fields_with_terms: Option<&'a HashSet<Field>>,
    /// Automata of near spellings built so far, by term, edits and prefix.
    near: HashMap<(String, u8, bool), Arc<near::Automaton>>,
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
            text_fields_with_terms: None,
            near: HashMap::new(),
            analysed: Vec::new(),
            recorded: Vec::new(),
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

    pub fn build(&mut self, node: &QueryNode) -> Result<Box<dyn Query>, QueryError> {
        Ok(self
            .build_node(node)?
            .unwrap_or_else(|| Box::new(EmptyQuery)))
    }

    /// `None` for a clause that analyses to nothing (only stop words), which
    /// then constrains nothing, as in the common search engines.
    fn build_node(&mut self, node: &QueryNode) -> Result<Option<Box<dyn Query>>, QueryError> {
        match node {
            QueryNode::All => Ok(Some(Box::new(AllQuery))),
            QueryNode::Term {
                field,
                text,
                prefix,
                start,
            } => self.build_text(field.as_ref(), text, *prefix, false, *start),
            QueryNode::Phrase { field, text, start } => {
                self.build_text(field.as_ref(), text, false, true, *start)
            }
            QueryNode::And(children) => {
                let mut required: Option<Box<dyn Query>> = None;
                let mut excluded: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for child in children {
                    match child {
                        QueryNode::Not(inner) => {
                            if let Some(query) = self.build_negated(inner)? {
                                excluded.push((Occur::MustNot, query));
                            }
                        }
                        other => {
                            if let Some(query) = self.build_node(other)? {
                                required = Some(match required {
                                    Some(before) => both(before, query),
                                    None => query,
                                });
                            }
                        }
                    }
                }
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                clauses.extend(required.map(|query| (Occur::Must, query)));
                clauses.extend(excluded);
                Ok(boolean_or_none(clauses))
            }
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

    /// What a negation excludes; its terms are not highlighted.
    fn build_negated(&mut self, inner: &QueryNode) -> Result<Option<Box<dyn Query>>, QueryError> {
        let saved = self.highlight.clone();
        let query = self.build_node(inner);
        self.highlight = saved;
        query
    }

    fn build_text(
        &mut self,
        field: Option<&FieldRef>,
        text: &str,
        prefix: bool,
        phrase: bool,
        start: usize,
    ) -> Result<Option<Box<dyn Query>>, QueryError> {
        let fields: &'a IndexFields = self.fields;
        let targets: Vec<&'a IndexField> = match field {
            Some(field_ref) => vec![self.resolve(field_ref)?],
            None => fields
                .fields
                .iter()
                .filter(|field| field.definition.default_search)
                .collect(),
        };
        // A bare word searches several fields with the same analyses.
        self.analysed.clear();
        self.recorded.clear();
        // Each alternative with its boost, and whether it searches analysed
        // text (a text field or a facet's text side).
        let mut alternatives: Vec<(Box<dyn Query>, f32, bool)> = Vec::new();
        // Whether a clause was left out because its field holds no terms.
        let mut left_out = false;
        for &target in &targets {
            let boost = target.definition.boost;
            let built = match target.definition.kind {
                FieldKind::Text => self.text_field_query(target.field, text, prefix, phrase),
                FieldKind::Facet => match target.text_field {
                    Some(text_field) => {
                        let terms = self.analyse(None, text);
                        self.record_highlight(None, &terms, prefix);
                        self.term_query("", text_field, &terms, text, prefix, phrase)
                    }
                    None => None,
                },
                FieldKind::Keyword => Some(Box::new(TermQuery::new(
                    Term::from_field_text(target.field, text),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>),
                FieldKind::Date => Some(date_query(target.field, text, start)?),
                FieldKind::Tiebreak | FieldKind::Source => None,
            };
            if let Some(query) = built {
                if !self.holds_terms(target) {
                    left_out = true;
                    continue;
                }
                let analysed = matches!(target.definition.kind, FieldKind::Text | FieldKind::Facet);
                alternatives.push((query, boost, analysed));
            }
        }
        if alternatives.is_empty() {
            return Ok(left_out.then(|| Box::new(EmptyQuery) as Box<dyn Query>));
        }
        // One analysed word in every field: a query that finds its best hits
        // without scoring every match.
        let word_fields: Option<Vec<FieldTerms>> = alternatives
            .iter()
            .map(|(query, boost, analysed)| {
                if !analysed {
                    return None;
                }
                let terms = match query.downcast_ref::<TermQuery>() {
                    Some(term_query) => vec![term_query.term().clone()],
                    None => match query.downcast_ref::<WordQuery>()?.fields.as_slice() {
                        [field] => field.terms.clone(),
                        _ => return None,
                    },
                };
                Some(FieldTerms {
                    terms,
                    boost: *boost,
                })
            })
            .collect();
        if let Some(fields) = word_fields {
            return Ok(Some(Box::new(WordQuery {
                fields,
                tie_breaker: TIE_BREAKER,
            })));
        }
        let mut alternatives: Vec<Box<dyn Query>> = alternatives
            .into_iter()
            .map(|(query, boost, _)| boosted(query, boost))
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
                    FieldKind::Source | FieldKind::Tiebreak
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
        phrase: bool,
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
            if let Some(query) = self.term_query(key, field, &terms, text, prefix, phrase) {
                per_language.push(query);
            }
        }
        // A term per language: the word in this field, searched for best
        // hits by `maxscore` (see `build_text`).
        let terms: Option<Vec<Term>> = per_language
            .iter()
            .map(|query| Some(query.downcast_ref::<TermQuery>()?.term().clone()))
            .collect();
        match (per_language.len(), terms) {
            (0, _) => None,
            (1, _) => per_language.pop(),
            (_, Some(terms)) => Some(Box::new(WordQuery {
                fields: vec![FieldTerms { terms, boost: 1.0 }],
                tie_breaker: TIE_BREAKER,
            })),
            (_, None) => Some(Box::new(DisjunctionMaxQuery::new(per_language))),
        }
    }

    /// The query for analysed `terms`, with typo tolerance for a lone word
    /// when it is on: the exact word scores, near spellings also match.
    #[allow(clippy::too_many_arguments)]
    fn term_query(
        &mut self,
        key: &'static str,
        field: Field,
        terms: &[tantivy::tokenizer::Token],
        typed: &str,
        prefix: bool,
        phrase: bool,
    ) -> Option<Box<dyn Query>> {
        let exact = positional_query(field, terms, prefix)?;
        let distance = typo_distance(typed);
        if !self.typo_tolerant || phrase || terms.len() != 1 || distance == 0 {
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
                .or_insert_with(|| near::automaton(&terms[0].text, distance, prefix)),
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
    Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
}

/// Both queries required. Required clauses are nested two by two, so that
/// their scores add in the query's order whatever order tantivy intersects
/// them in (it adds the two cheapest first): the same sum to the last bit
/// as `maxscore` gives, whose cursors stay valid across both.
fn both(first: Box<dyn Query>, second: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, first),
        (Occur::Must, second),
    ]))
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
