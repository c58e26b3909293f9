//! The one search path of newsdex, which the CLI and every HTTP route
//! call: [`search`] takes a [`SearchRequest`] through its plan (`plan.rs`:
//! names resolved, text read and built, filters, ranking), its execution
//! (`execute.rs`: the pass over the index) and its presentation
//! (`present.rs`: the page, facets, histogram and highlighted hits).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tantivy::Searcher;

use super::execute::execute;
use super::facets::FacetCollector;
use super::histogram::{Bucket, Interval};
use super::maxscore::Matching;
use super::parser::{QueryError, Syntax};
use super::plan::SearchPlan;
use super::present::{facet_values, present};
use crate::article::Entity;
use crate::index::{IndexError, NewsIndex};

/// Most hits one page may hold.
pub const MAX_LIMIT: usize = 100;
/// Deepest `offset + limit` reachable by offset paging.
pub const MAX_WINDOW: usize = 10_000;
/// Values returned per facet.
pub const FACET_VALUES: usize = 10;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By relevance to the query (BM25F over the text fields, with the facets' scores).
    #[default]
    Relevance,
    /// Relevance blended with a freshness decay (see `half_life`).
    Recency,
    /// Newest first, by publication time.
    Newest,
    /// Oldest first.
    Oldest,
}

impl std::str::FromStr for Sort {
    type Err = crate::UnknownChoice;
    fn from_str(value: &str) -> Result<Sort, Self::Err> {
        match value {
            "relevance" => Ok(Sort::Relevance),
            "recency" => Ok(Sort::Recency),
            "newest" => Ok(Sort::Newest),
            "oldest" => Ok(Sort::Oldest),
            other => Err(crate::UnknownChoice::new(
                "sort",
                other,
                "relevance, recency, newest or oldest",
            )),
        }
    }
}

/// Exact-value filters: OR within a field, AND across fields. Keys are facet
/// field names (`tag`, `author`, `source`, `section`, `language`, `person`,
/// `org`, `location`, `misc`).
pub type Filters = BTreeMap<String, Vec<String>>;

/// A search, as the CLI and the HTTP API take it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// The query text, in the query language (bare words, phrases, `field:value`, `AND`/`OR`/`NOT`).
    pub q: String,
    /// Exact-value filters by facet field name or alias.
    pub filters: Filters,
    /// Published at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Published before this instant.
    pub to: Option<DateTime<Utc>>,
    /// The order of hits.
    pub sort: Sort,
    /// For `recency`: the age at which freshness counts half, such as `7d`
    /// or `12h` (default 3d).
    pub half_life: Option<String>,
    /// Hits per page, up to [`MAX_LIMIT`]; 0 gives the count, facets and histogram alone.
    pub limit: usize,
    /// Hits to skip, within a window of [`MAX_WINDOW`]; deeper pages take `cursor`.
    pub offset: usize,
    /// Resume after the last hit of a previous page (its `next_cursor`).
    pub cursor: Option<String>,
    /// Facet fields to count values of among the matches.
    pub facets: Vec<String>,
    /// Count matches per day, week or month of publication.
    pub histogram: Option<Interval>,
    /// Whether hits carry highlighted titles and snippets.
    pub highlight: bool,
    /// Typo tolerance: off, or automatic (one edit in words of 5 letters
    /// or more, two from 9).
    pub typo: Typo,
    /// The last word matches as a prefix (search as you type).
    pub prefix: bool,
    /// How many of the words written side by side an article must hold.
    #[serde(rename = "match")]
    pub matching: Matching,
    /// How `q` is read: leniently (never a syntax error) or strictly.
    pub syntax: Syntax,
    /// The fields bare words search, by name or alias (Meilisearch's
    /// `attributesToSearchOn`); empty: every `default_search` field.
    pub fields: Vec<String>,
}

/// Typo tolerance of a search's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Typo {
    /// Words match as typed, never their near spellings.
    Off,
    /// Words as typed, and their near spellings (one edit in words of 5
    /// letters or more, two from 9) at a share of a full match.
    Auto,
    /// Words as typed; only when they find nothing, their near spellings
    /// and the last word's completions (`query.near_spellings` says so).
    #[default]
    Fallback,
}

impl std::str::FromStr for Typo {
    type Err = crate::UnknownChoice;
    fn from_str(value: &str) -> Result<Typo, Self::Err> {
        match value {
            "off" | "false" | "0" => Ok(Typo::Off),
            "auto" | "true" | "1" => Ok(Typo::Auto),
            "fallback" => Ok(Typo::Fallback),
            other => Err(crate::UnknownChoice::new(
                "typo setting",
                other,
                "off, auto or fallback",
            )),
        }
    }
}

/// Read as on every route: `off`, `auto`, `fallback`, or a switch (`true`
/// is `auto`, `false` is `off`), as text or a JSON boolean.
impl<'de> Deserialize<'de> for Typo {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Typo, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Setting {
            Switch(bool),
            Text(String),
        }
        match Setting::deserialize(deserializer)? {
            Setting::Switch(true) => Ok(Typo::Auto),
            Setting::Switch(false) => Ok(Typo::Off),
            Setting::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: Filters::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            half_life: None,
            limit: 10,
            offset: 0,
            cursor: None,
            facets: Vec::new(),
            histogram: None,
            highlight: true,
            typo: Typo::Fallback,
            prefix: false,
            matching: Matching::default(),
            syntax: Syntax::default(),
            fields: Vec::new(),
        }
    }
}

/// How the query text was read, when a lenient reading departed from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct QueryReading {
    /// The words and phrases searched, when the text could not be read as
    /// written.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interpreted_as: Option<String>,
    /// The words as typed found nothing: these hits hold near spellings of
    /// them, or completions of the last.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub near_spellings: bool,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    /// How many articles match.
    pub total: u64,
    /// Whether `total` is an exact count rather than an estimate.
    pub total_exact: bool,
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
    /// Per requested facet field, its most frequent values.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// Matches per publication day, week, month or year, when requested:
    /// at most [`MAX_BUCKETS`](super::histogram::MAX_BUCKETS).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub histogram: Option<Vec<Bucket>>,
    /// The histogram's interval: the one asked for, or the one `auto` or
    /// the bucket cap chose.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub histogram_interval: Option<Interval>,
    /// Pass as `cursor` to get the page after this one; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_cursor: Option<String>,
    /// Present when a lenient reading departed from the query text, or
    /// when near spellings stood in for words that found nothing.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub query: Option<QueryReading>,
    /// How long the search took, in milliseconds.
    pub took_ms: u64,
}

/// One matching article, as a page of results shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    /// The article's id.
    pub id: String,
    /// Relevance score; absent when sorted by date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score: Option<f32>,
    /// Its headline.
    pub title: String,
    /// Its address on the web.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// Its publication.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    /// Its section.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
    /// Its language (ISO 639-1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub language: Option<String>,
    /// When it was published.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Its bylines.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub authors: Vec<String>,
    /// Its tags.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<String>,
    /// Its entities, under canonical names.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub entities: Vec<Entity>,
    /// The title and a body snippet with matches in `<mark>`, when asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub highlights: Option<Highlights>,
}

/// A hit's matches marked in `<mark>` (the rest HTML-escaped).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Highlights {
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title: String,
    /// A body snippet, HTML-escaped, matches in `<mark>`.
    pub body: String,
}

/// One value of a facet field and how many matches hold it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FacetValue {
    /// The value, in its most common spelling.
    pub value: String,
    /// Matches holding it.
    pub count: u64,
}

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The user's query or request is at fault.
    #[error("{0}")]
    Query(#[from] QueryError),
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] IndexError),
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> SearchError {
        SearchError::Index(IndexError::Tantivy(error))
    }
}

/// Runs a search on the index's current searcher.
///
/// Under [`Typo::Fallback`] (the default), a search whose words found
/// nothing as typed is run again with their near spellings and the last
/// word's completions, as a search box would have, and says so
/// (`query.near_spellings`): a person's text never meets an empty page
/// when a one-letter slip is the reason.
pub fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResponse, SearchError> {
    let response = run_search(index, request, true)?;
    if response.total > 0 || request.typo != Typo::Fallback || request.q.trim().is_empty() {
        return Ok(response);
    }
    let tolerant = SearchRequest {
        typo: Typo::Auto,
        prefix: true,
        ..request.clone()
    };
    let mut retried = run_search(index, &tolerant, true)?;
    if retried.total == 0 {
        return Ok(response);
    }
    retried
        .query
        .get_or_insert_with(QueryReading::default)
        .near_spellings = true;
    retried.took_ms += response.took_ms;
    Ok(retried)
}

/// A search whose hits highlight their titles and carry no body snippet:
/// for suggestions, which show titles only.
pub(crate) fn search_titles(
    index: &NewsIndex,
    request: &SearchRequest,
) -> Result<SearchResponse, SearchError> {
    run_search(index, request, false)
}

/// One search: the request planned, executed and presented.
fn run_search(
    index: &NewsIndex,
    request: &SearchRequest,
    snippets: bool,
) -> Result<SearchResponse, SearchError> {
    let started = Instant::now();
    let plan = SearchPlan::new(index, request)?;
    let matches = execute(index, &plan)?;
    present(index, &plan, matches, snippets, started)
}

/// What `newsdex stats` reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexStats {
    /// Live articles.
    pub documents: u64,
    /// Segments of the current searcher.
    pub segments: usize,
    /// Bytes of the index on disk.
    pub size_bytes: u64,
    /// The field catalogue's schema version.
    pub schema_version: u32,
    /// The earliest publication time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_from: Option<DateTime<Utc>>,
    /// The latest publication time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_to: Option<DateTime<Utc>>,
    /// The most frequent values of each facet field.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// Per entity kind, its names and those merged into them.
    pub entity_names: BTreeMap<String, EntityNames>,
}

/// How many names one kind of entity has in the index, and how many
/// written forms are gathered under them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct EntityNames {
    /// Distinct names, as facets count them (case aside).
    pub names: u64,
    /// Stored spellings that differ from another only in case, shown and
    /// filtered as one name (`BAKER` with `Baker`).
    pub case_variants: u64,
    /// Names the alias table gathers other forms under (`United States`).
    pub canonical_names: u64,
    /// The alias forms those names stand for (`US`, `U.S.`, `USA`…), each
    /// stored, filtered and suggested as its canonical name.
    pub alias_forms: u64,
    /// Short forms alone (a surname, an abbreviation) counted, filtered and
    /// suggested as the full name the index links them to (`Reagan` as
    /// `Ronald Reagan`, `ICO` as `International Coffee Organization`).
    #[serde(default)]
    pub linked_short_forms: u64,
}

impl EntityNames {
    fn count(counts: &HashMap<String, u64>) -> EntityNames {
        let aliases = crate::ner::aliases::shipped().alias_counts();
        let folded: std::collections::HashSet<String> =
            counts.keys().map(|value| value.to_lowercase()).collect();
        let mut canonical_names = 0;
        let mut alias_forms = 0;
        for value in counts.keys() {
            if let Some(forms) = aliases.get(value.as_str()) {
                canonical_names += 1;
                alias_forms += *forms as u64;
            }
        }
        EntityNames {
            names: folded.len() as u64,
            case_variants: (counts.len() - folded.len()) as u64,
            canonical_names,
            alias_forms,
            linked_short_forms: 0,
        }
    }
}

/// Document count, size, date range and the top values of every facet.
pub fn stats(index: &NewsIndex, top: usize) -> Result<IndexStats, SearchError> {
    let searcher = index.searcher();
    let names: Vec<String> = index
        .fields()
        .facet_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let counts = searcher.search(
        &tantivy::query::AllQuery,
        &FacetCollector::new(names.clone()),
    )?;
    let entity_names = names
        .iter()
        .zip(&counts)
        .filter(|(name, _)| {
            crate::article::EntityKind::ALL
                .iter()
                .any(|kind| kind.as_str() == name.as_str())
        })
        .map(|(name, counts)| {
            let mut names = EntityNames::count(counts);
            let links = index.name_links(&searcher, name)?;
            names.linked_short_forms = links.map_or(0, |links| links.len() as u64);
            Ok((name.clone(), names))
        })
        .collect::<Result<_, SearchError>>()?;
    let facets = facet_values(index, &searcher, names.into_iter().zip(counts), top)?;
    let (published_from, published_to) = date_range(&searcher, index)?;
    Ok(IndexStats {
        documents: searcher.num_docs(),
        segments: searcher.segment_readers().len(),
        size_bytes: index.size_on_disk(),
        schema_version: index.fields().schema_version(),
        published_from,
        published_to,
        facets,
        entity_names,
    })
}

type DateRange = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Earliest and latest publication time among live documents.
fn date_range(searcher: &Searcher, index: &NewsIndex) -> Result<DateRange, SearchError> {
    let field_name = index
        .fields()
        .get("published_at")
        .map_or("published_at".to_string(), |field| {
            field.definition.name.clone()
        });
    let mut earliest: Option<i64> = None;
    let mut latest: Option<i64> = None;
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().date(&field_name)?;
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                continue;
            }
            if let Some(value) = column.first(doc) {
                let seconds = value.into_timestamp_secs();
                earliest = Some(earliest.map_or(seconds, |current| current.min(seconds)));
                latest = Some(latest.map_or(seconds, |current| current.max(seconds)));
            }
        }
    }
    let to_time =
        |seconds: Option<i64>| seconds.and_then(|seconds| DateTime::from_timestamp(seconds, 0));
    Ok((to_time(earliest), to_time(latest)))
}

// Kept so the entity kinds stay in step with the facet fields of the schema.
#[cfg(test)]
mod tests {
    use crate::article::EntityKind;

    #[test]
    fn every_entity_kind_has_a_facet_field() {
        let fields = crate::index::fields::IndexFields::build().unwrap();
        for kind in EntityKind::ALL {
            assert!(fields.facet_names().contains(&kind.as_str()), "{kind:?}");
        }
    }
}
