//! Facet value search: the values of one facet field that start with what a
//! user typed, at the start of any word ("zel" → "Volodymyr Zelensky"), with
//! their article counts. Lets a UI offer fields with thousands of values.

use std::collections::{BTreeMap, HashSet};

use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::facets::{FacetCollector, top_values};
use super::parser::QueryError;
use super::search::{FacetValue, SearchError};
use crate::index::NewsIndex;
use crate::index::analysis::{folded_analyzer, keyword_analyzer, tokens};
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
        return Err(QueryError::new(format!(
            "limit must be between 1 and {MAX_FACET_VALUES}, got {limit}"
        ))
        .into());
    }
    let name = facet.definition.name.clone();
    let searcher = index.searcher();
    let mut folded = folded_analyzer();
    let wanted = fold(&mut folded, prefix);
    if wanted.is_empty() {
        let counts =
            searcher.search(&tantivy::query::AllQuery, &FacetCollector::new(vec![name]))?;
        let counts = counts.into_iter().next().unwrap_or_default();
        return Ok(to_values(top_values(counts, limit)));
    }

    // Every distinct value whose words start with the typed text.
    let mut candidates: HashSet<String> = HashSet::new();
    for segment in searcher.segment_readers() {
        let Some(column) = segment.fast_fields().str(&name)? else {
            continue;
        };
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let Ok(value) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let folded_value = fold(&mut folded, value);
            if folded_value.starts_with(&wanted) || folded_value.contains(&format!(" {wanted}")) {
                candidates.insert(value.to_string());
            }
        }
    }
    // Rank by document frequency (cheap, counts deleted documents until
    // they merge away), then count the best ones exactly.
    let mut normalizer = keyword_analyzer();
    let mut ranked: Vec<(u64, String, Term)> = Vec::new();
    for value in candidates {
        let Some(token) = tokens(&mut normalizer, &value).into_iter().next() else {
            continue;
        };
        let term = Term::from_field_text(facet.field, &token.text);
        ranked.push((searcher.doc_freq(&term)?, value, term));
    }
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked.truncate(limit * 2);
    let mut exact: BTreeMap<String, u64> = BTreeMap::new();
    for (_, value, term) in ranked {
        let count = count_documents(&searcher, term)?;
        if count > 0 {
            exact.insert(value, count);
        }
    }
    Ok(to_values(top_values(exact.into_iter().collect(), limit)))
}

fn count_documents(searcher: &Searcher, term: Term) -> Result<u64, SearchError> {
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    Ok(searcher.search(&query, &Count)? as u64)
}

fn fold(analyzer: &mut tantivy::tokenizer::TextAnalyzer, text: &str) -> String {
    tokens(analyzer, text)
        .into_iter()
        .map(|token| token.text)
        .collect::<Vec<_>>()
        .join(" ")
}

fn to_values(values: Vec<(String, u64)>) -> Vec<FacetValue> {
    values
        .into_iter()
        .map(|(value, count)| FacetValue { value, count })
        .collect()
}
