//! Matches → response: the page as the CLI and the HTTP API show it.
//!
//! The page is cut to its limit (the extra hit gives the next cursor),
//! scores are shown where the ranking has them, facet counts become their
//! most frequent values, the histogram's days its periods, and each hit
//! is read from the store with its title and a body snippet highlighted.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::execute::Matches;
use super::facets::top_values;
use super::highlight::Highlighter;
use super::histogram::buckets;
use super::plan::SearchPlan;
use super::rank::{Ranking, encode_cursor};
use super::search::{
    FACET_VALUES, FacetValue, Highlights, Hit, QueryReading, SearchError, SearchResponse,
};
use crate::index::NewsIndex;
use crate::index::document::StoredArticle;
use crate::index::record::owned;

/// The response to `plan` from its `matches`; `snippets` says whether hits
/// carry a highlighted body snippet beside their title.
pub(crate) fn present(
    index: &NewsIndex,
    plan: &SearchPlan,
    matches: Matches,
    snippets: bool,
    started: Instant,
) -> Result<SearchResponse, SearchError> {
    let request = plan.request.as_ref();
    let Matches {
        total,
        mut ranked,
        facet_counts,
        days,
    } = matches;
    let next_cursor = if ranked.len() > request.limit {
        ranked.truncate(request.limit);
        ranked
            .last()
            .map(|(key, _)| encode_cursor(plan.ranking, *key))
    } else {
        None
    };
    let (histogram_interval, histogram) = request
        .histogram
        .zip(days)
        .map(|(interval, days)| buckets(&days, interval))
        .unzip();
    let searcher = &plan.searcher;
    let facets = facet_values(index, searcher, facet_counts, FACET_VALUES)?;

    let fields = index.fields();
    let mut highlighter = Highlighter::new(&plan.highlight_terms);
    let hits = ranked
        .into_iter()
        .map(|(key, address)| {
            let score = match plan.ranking {
                Ranking::Relevance | Ranking::Recency { .. } => Some(key.primary as f32),
                Ranking::Newest | Ranking::Oldest => None,
            };
            let stored = StoredArticle::read(searcher, address, request.highlight && snippets)?;
            let article = stored.hit_fields()?;
            let highlights = request.highlight.then(|| {
                let language = article.language.as_deref();
                let body = match stored.body(fields) {
                    "" => article.summary.as_deref().unwrap_or_default(),
                    body => body,
                };
                Highlights {
                    title: highlighter.highlight(&article.title, language),
                    body: if snippets {
                        highlighter.snippet(body, language)
                    } else {
                        String::new()
                    },
                }
            });
            Ok(Hit {
                published_at: article.published_at()?,
                id: article.id.into_owned(),
                score,
                title: article.title.into_owned(),
                url: owned(article.url),
                source: owned(article.source),
                section: owned(article.section),
                language: owned(article.language),
                authors: article.authors.into_owned(),
                tags: article.tags.into_owned(),
                entities: article.entities.into_owned(),
                highlights,
            })
        })
        .collect::<Result<Vec<Hit>, SearchError>>()?;

    Ok(SearchResponse {
        total: total as u64,
        total_exact: true,
        hits,
        facets,
        histogram,
        histogram_interval,
        next_cursor,
        query: plan.relaxed.clone().map(|interpreted_as| QueryReading {
            interpreted_as: Some(interpreted_as),
            near_spellings: false,
        }),
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// Each facet's `top` most frequent values, most frequent first, a short
/// form alone under the full name the index links it to.
pub(crate) fn facet_values(
    index: &NewsIndex,
    searcher: &tantivy::Searcher,
    counts: impl IntoIterator<Item = (String, HashMap<String, u64>)>,
    top: usize,
) -> Result<BTreeMap<String, Vec<FacetValue>>, SearchError> {
    counts
        .into_iter()
        .map(|(name, counts)| {
            let links = index.name_links(searcher, &name)?;
            let values = top_values(counts, top, links.as_deref())
                .into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect();
            Ok((name, values))
        })
        .collect()
}
