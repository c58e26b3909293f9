//! Plan → matches: the pass over the index that a plan needs.
//!
//! One pass collects what the request asks of the matches: the count, the
//! ranked page, the facets whose own field is not filtered and the
//! histogram. Which pass runs follows from the plan alone ([`Pass`]): a
//! page of none is counted without ranking; a page of words ranked by
//! relevance comes from MaxScore (see `maxscore`), which scores only the
//! matches that may rank and takes the count, facets and histogram without
//! scores; anything else is one tantivy search with every collector. A
//! facet the request filters on is then counted as if its own filter were
//! off, so a sidebar keeps offering the alternatives.

use std::collections::{BTreeMap, HashMap};

use tantivy::DocAddress;
use tantivy::collector::Count;

use super::facets::FacetCollector;
use super::histogram::HistogramCollector;
use super::maxscore::{WordsSearch, top_hits};
use super::plan::{SearchPlan, field_name};
use super::rank::{RankCollector, RankKey};
use super::search::SearchError;
use crate::index::NewsIndex;

/// What a plan's pass found.
pub(crate) struct Matches {
    pub total: usize,
    /// The page's hits and one more when another page follows, best first.
    pub ranked: Vec<(RankKey, DocAddress)>,
    /// Per requested facet, value → matching articles.
    pub facet_counts: BTreeMap<String, HashMap<String, u64>>,
    /// Matches per publication day, when a histogram is asked for.
    pub days: Option<BTreeMap<i64, u64>>,
}

/// Which pass a plan needs.
enum Pass<'q> {
    /// A page of none with nothing else to count: tantivy's count.
    CountOnly,
    /// A page of none: the count, facets and histogram, unranked.
    Aggregate,
    /// A page of words ranked by relevance: MaxScore, and what else is
    /// counted without scores.
    Words(WordsSearch<'q>),
    /// Every collector in one tantivy search.
    Collect,
}

pub(crate) fn execute(index: &NewsIndex, plan: &SearchPlan) -> Result<Matches, SearchError> {
    let request = plan.request.as_ref();
    let searcher = &plan.searcher;
    let main_query = plan.main_query();
    // Facets filtered on are counted apart, below.
    let (own_filtered, plain): (Vec<&String>, Vec<&String>) =
        request.facets.iter().partition(|facet| {
            request
                .filters
                .get(*facet)
                .is_some_and(|values| !values.is_empty())
        });
    let plain: Vec<String> = plain.into_iter().cloned().collect();
    let facet_collector = FacetCollector::new(plain.clone());
    // One hit more than the page tells whether another page follows.
    let rank_collector = RankCollector {
        ranking: plan.ranking,
        limit: request.limit + 1,
        offset: request.offset,
        after: plan.after,
        columns: plan.context.clone(),
    };
    let histogram_collector = match request.histogram {
        Some(_) => Some(HistogramCollector {
            date_field: field_name(index, "published_at"),
            published_days: index.published_days(searcher)?,
        }),
        None => None,
    };
    let counts_alone = plain.is_empty() && histogram_collector.is_none();
    let pass = if request.limit == 0 {
        if counts_alone {
            Pass::CountOnly
        } else {
            Pass::Aggregate
        }
    } else {
        match (plan.filters.is_empty() && plan.ranking.needs_scores())
            .then(|| WordsSearch::of(plan.text_query.as_ref()))
            .flatten()
        {
            Some(words) => Pass::Words(words),
            None => Pass::Collect,
        }
    };
    let aggregations = (Count, facet_collector, histogram_collector);
    let (total, ranked, plain_counts, days) = match pass {
        Pass::CountOnly => (
            searcher.search(&main_query, &Count)?,
            Vec::new(),
            Vec::new(),
            None,
        ),
        Pass::Aggregate => {
            let (total, counts, days) = searcher.search(&main_query, &aggregations)?;
            (total, Vec::new(), counts, days)
        }
        Pass::Words(words) if counts_alone => {
            let (ranked, total) = top_hits(searcher, &words, &main_query, &rank_collector, &Count)?;
            (total, ranked, Vec::new(), None)
        }
        Pass::Words(words) => {
            let (ranked, (total, counts, days)) = top_hits(
                searcher,
                &words,
                &main_query,
                &rank_collector,
                &aggregations,
            )?;
            (total, ranked, counts, days)
        }
        Pass::Collect => {
            let (count, collector, histogram) = aggregations;
            searcher.search(&main_query, &(count, rank_collector, collector, histogram))?
        }
    };
    let mut facet_counts: BTreeMap<String, HashMap<String, u64>> =
        plain.into_iter().zip(plain_counts).collect();
    for name in own_filtered {
        let others = plan.query_without_filter(name);
        let counts = searcher.search(&others, &FacetCollector::new(vec![name.clone()]))?;
        facet_counts.insert(name.clone(), counts.into_iter().next().unwrap_or_default());
    }
    Ok(Matches {
        total,
        ranked,
        facet_counts,
        days,
    })
}
