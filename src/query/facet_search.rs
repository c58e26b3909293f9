//! Facet value search: the values of one facet field that start with what a
//! user typed, at the start of any word ("zel" → "Volodymyr Zelensky"), with
//! their article counts. Lets a UI offer fields with thousands of values.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

use super::facets::{FacetCollector, top_values};
use super::parser::QueryError;
use super::search::{FacetValue, SearchError};
use super::typo::distance::within_edits;
use crate::analysis::{folded_analyzer, keyword_analyzer, tokens};
use crate::index::NewsIndex;
use crate::index::fields::FieldKind;

/// Most values one request may ask for.
pub const MAX_FACET_VALUES: usize = 100;

/// Values of `field` matching `prefix`, most frequent first. An empty
/// prefix gives the most frequent values overall.
pub fn search_facet_values(
    index: &NewsIndex,
    field: &str,
    prefix: &str,
    limit: usize,
) -> Result<Vec<FacetValue>, SearchError> {
    let fields = index.fields();
    let Some(facet) = fields
        .get(field)
        .filter(|facet| facet.definition.kind == FieldKind::Facet)
    else {
        return Err(QueryError::new(format!(
            "unknown facet field `{field}`; facet fields are {}",
            fields.facet_names().join(", ")
        ))
        .into());
    };
    if limit == 0 || limit > MAX_FACET_VALUES {
        return Err(QueryError::in_parameter(
            "limit",
            format!("limit must be between 1 and {MAX_FACET_VALUES}, got {limit}"),
        )
        .into());
    }
    let name = facet.definition.name.clone();
    if prefix.trim().is_empty() {
        // Counting every value of a field over the whole index is costly
        // and the same until the next commit: once per generation.
        let searcher = index.searcher();
        let listing = index.facet_listings().get_or_build(
            &searcher,
            &name,
            || -> Result<_, SearchError> {
                let counts = searcher.search(
                    &tantivy::query::AllQuery,
                    &FacetCollector::new(vec![name.clone()]),
                )?;
                let counts = counts.into_iter().next().unwrap_or_default();
                let links = index.name_links(&searcher, &name)?;
                Ok(top_values(counts, MAX_FACET_VALUES, links.as_deref()))
            },
        )?;
        return Ok(to_values(listing.iter().take(limit).cloned().collect()));
    }
    Ok(matching_values(index, &name, prefix, false, limit, None)?
        .into_iter()
        .map(|matched| FacetValue {
            value: matched.value,
            count: matched.count,
        })
        .collect())
}

/// A facet value that matches typed text.
#[derive(Debug, Clone)]
pub struct MatchedValue {
    /// The value, in its most common spelling.
    pub value: String,
    /// Articles with the value.
    pub count: u64,
    /// Of those, published at or after the `recent_from` asked for.
    pub recent: u64,
    /// Byte range of `value` that the typed text matched.
    pub span: (usize, usize),
    /// Whether the typed text matched as written (a word prefix), not
    /// only within an edit: such values rank first.
    pub exact: bool,
}

/// The values of the facet field `field` in which the typed words match
/// consecutive words, the last as a prefix (within one edit from four
/// letters when `typo`), at most `limit` of them, most frequent first.
pub fn matching_values(
    index: &NewsIndex,
    field: &str,
    typed: &str,
    typo: bool,
    limit: usize,
    recent_from: Option<i64>,
) -> Result<Vec<MatchedValue>, SearchError> {
    let Some(facet) = index.fields().get(field) else {
        return Ok(Vec::new());
    };
    let name = facet.definition.name.clone();
    let searcher = index.searcher();
    let mut folded = folded_analyzer();
    let wanted: Vec<String> = tokens(&mut folded, typed)
        .into_iter()
        .map(|token| token.text)
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    // Candidates: values with a word starting with the last typed word
    // (or, with `typo`, within one edit of it after its first letter),
    // from the sorted words of the field's values; then every typed word
    // is checked in order.
    let words = index.value_words(&searcher, &name)?;
    let Some(last) = wanted.last() else {
        return Ok(Vec::new());
    };
    let mut ids = words.with_word_prefix(last);
    let typed_chars = last.chars().count();
    if typo && typed_chars >= 4 {
        let mut typed = last.chars();
        let first = typed.next();
        let second = typed.next();
        for start in [first, second].into_iter().flatten() {
            for (word, id) in words.words_starting_with(start) {
                if within_edits(word, last, 1, true) {
                    ids.push(id);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
    }
    let mut candidates: HashMap<String, ((usize, usize), bool)> = HashMap::new();
    for id in ids {
        let value = words.value(id);
        if let Some(found) = match_words(&mut folded, value, &wanted, typo) {
            candidates.insert(value.to_string(), found);
        }
    }
    // An entity's alias typed whole finds its canonical name ("U.S." →
    // "United States"), counted below like any candidate.
    if facet.definition.entity_kind().is_some()
        && let Some(canonical) =
            crate::ner::aliases::shipped().canonical(facet.definition.entity_kind(), typed)
    {
        candidates
            .entry(canonical.to_string())
            .or_insert(((0, canonical.len()), true));
    }
    // A short form the index links to a full name is that name: "bak"
    // lists "James Baker" once, counted with the articles that say "Baker".
    let links = index.name_links(&searcher, &name)?;
    if let Some(links) = &links {
        let linked: Vec<(String, String)> = candidates
            .keys()
            .filter_map(|value| {
                let full = links.full_name(&value.to_lowercase())?;
                Some((
                    value.clone(),
                    links.spelling(full).unwrap_or(full).to_string(),
                ))
            })
            .collect();
        for (surname, full) in linked {
            if let Some(found) = candidates.remove(&surname) {
                let found = match_words(&mut folded, &full, &wanted, typo).unwrap_or(found);
                candidates.entry(full).or_insert(found);
            }
        }
    }
    // Exact prefixes before near spellings, then by document frequency
    // (cheap, counts deleted documents until they merge away); the best
    // are then counted exactly.
    let mut normalizer = keyword_analyzer();
    let mut ranked: Vec<Candidate> = Vec::new();
    for (value, (span, exact)) in candidates {
        let Some(token) = tokens(&mut normalizer, &value).into_iter().next() else {
            continue;
        };
        let forms = match &links {
            Some(links) => links.forms(&token.text),
            None => vec![token.text.as_str()],
        };
        let terms: Vec<Term> = forms
            .into_iter()
            .map(|form| Term::from_field_text(facet.field, form))
            .collect();
        let mut doc_freq = 0;
        for term in &terms {
            doc_freq += searcher.doc_freq(term)?;
        }
        ranked.push(Candidate {
            exact,
            doc_freq,
            value,
            span,
            terms,
        });
    }
    // Spellings that differ only in case are one value (one term): shown
    // once, in mixed case where one is.
    ranked.sort_by(|a, b| {
        is_all_caps(&a.value)
            .cmp(&is_all_caps(&b.value))
            .then_with(|| a.value.cmp(&b.value))
    });
    let mut seen_terms: Vec<Term> = Vec::new();
    ranked.retain(|candidate| {
        let Some(term) = candidate.terms.first() else {
            return false;
        };
        let fresh = !seen_terms.contains(term);
        if fresh {
            seen_terms.push(term.clone());
        }
        fresh
    });
    ranked.sort_by(|a, b| {
        b.exact
            .cmp(&a.exact)
            .then_with(|| b.doc_freq.cmp(&a.doc_freq))
            .then_with(|| a.value.cmp(&b.value))
    });
    ranked.truncate(limit * 2);
    let recent_from = recent_from.map(tantivy::DateTime::from_timestamp_secs);
    let mut matched = Vec::new();
    for Candidate {
        exact,
        value,
        span,
        terms,
        ..
    } in ranked
    {
        let mut queries: Vec<Box<dyn Query>> = terms
            .into_iter()
            .map(|term| Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
            .collect();
        let query = match queries.len() {
            1 => queries.remove(0),
            _ => Box::new(BooleanQuery::union(queries)),
        };
        let (count, recent) = searcher.search(
            &query,
            &CountRecent {
                date_field: index
                    .fields()
                    .schema
                    .get_field_name(index.fields().published_at),
                from: recent_from,
            },
        )?;
        if count == 0 {
            continue;
        }
        matched.push(MatchedValue {
            value,
            count,
            recent,
            span,
            exact,
        });
    }
    matched.sort_by(|a, b| {
        b.exact
            .cmp(&a.exact)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.value.cmp(&b.value))
    });
    matched.truncate(limit);
    Ok(matched)
}

/// Where the typed words match consecutive words of `value`: all but the
/// last exactly, the last as a prefix (or, with `typo`, a prefix within one
/// edit of a word of four letters or more), and whether the last matched
/// as typed. An exact match anywhere in the value wins over a near one.
fn match_words(
    folded: &mut tantivy::tokenizer::TextAnalyzer,
    value: &str,
    wanted: &[String],
    typo: bool,
) -> Option<((usize, usize), bool)> {
    let words = tokens(folded, value);
    let (last, whole) = wanted.split_last()?;
    let mut near_match = None;
    for start in 0..words.len() {
        let Some(window) = words.get(start..start + wanted.len()) else {
            break;
        };
        let (final_word, leading) = window.split_last()?;
        if leading
            .iter()
            .zip(whole)
            .any(|(word, typed)| word.text != *typed)
        {
            continue;
        }
        let exact = final_word.text.starts_with(last.as_str());
        let typed_chars = last.chars().count();
        let near = typo && typed_chars >= 4 && within_edits(&final_word.text, last, 1, true);
        if exact || near {
            // Mark as many characters of the original word as were typed.
            let original = &value[final_word.offset_from..final_word.offset_to];
            let end = original
                .char_indices()
                .nth(typed_chars)
                .map_or(final_word.offset_to, |(offset, _)| {
                    final_word.offset_from + offset
                });
            let span = (window[0].offset_from, end);
            if exact {
                return Some((span, true));
            }
            near_match = near_match.or(Some((span, false)));
        }
    }
    near_match
}

/// A facet value whose words match what was typed.
struct Candidate {
    exact: bool,
    doc_freq: u64,
    value: String,
    span: (usize, usize),
    /// The value's term first, then the short forms linked to it.
    terms: Vec<Term>,
}

/// Whether a value has letters and all of them upper-case ("BAKER").
fn is_all_caps(value: &str) -> bool {
    value.chars().any(char::is_alphabetic) && !value.chars().any(char::is_lowercase)
}

fn to_values(values: Vec<(String, u64)>) -> Vec<FacetValue> {
    values
        .into_iter()
        .map(|(value, count)| FacetValue { value, count })
        .collect()
}

/// Counts the matches of a query, and those published at or after `from`,
/// reading the date column of each match in the same pass.
struct CountRecent<'a> {
    date_field: &'a str,
    from: Option<tantivy::DateTime>,
}

struct CountRecentSegment {
    dates: Option<Column<tantivy::DateTime>>,
    from: Option<tantivy::DateTime>,
    count: u64,
    recent: u64,
}

impl Collector for CountRecent<'_> {
    type Fruit = (u64, u64);
    type Child = CountRecentSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<CountRecentSegment> {
        let dates = match self.from {
            Some(_) => reader.fast_fields().column_opt(self.date_field)?,
            None => None,
        };
        Ok(CountRecentSegment {
            dates,
            from: self.from,
            count: 0,
            recent: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(u64, u64)>) -> tantivy::Result<(u64, u64)> {
        Ok(fruits.into_iter().fold((0, 0), |(count, recent), fruit| {
            (count + fruit.0, recent + fruit.1)
        }))
    }
}

impl SegmentCollector for CountRecentSegment {
    type Fruit = (u64, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.count += 1;
        if let (Some(dates), Some(from)) = (&self.dates, self.from)
            && dates.first(doc).is_some_and(|time| time >= from)
        {
            self.recent += 1;
        }
    }

    fn harvest(self) -> (u64, u64) {
        (self.count, self.recent)
    }
}
