//! The one search path of newsdex: request → tantivy query → hits, facets
//! and highlights. The CLI and the HTTP API both call [`search`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::build::{QueryBuilder, date_range_query};
use super::facets::{FacetCollector, top_values};
use super::highlight::Highlighter;
use super::histogram::{Bucket, HistogramCollector, Interval, buckets};
use super::maxscore::{Matching, WordsPlan, top_hits};
use super::parser::{ParsedQuery, QueryError, QueryNode, Syntax, read_as_words, read_query};
use super::rank::{RankCollector, Ranking, decode_cursor, encode_cursor};
use crate::article::Entity;
use crate::index::analysis::{DEFAULT_LANGUAGE, analysis_key, keyword_analyzer, tokens};
use crate::index::document::StoredArticle;
use crate::index::fields::FieldKind;
use crate::index::record::owned;
use crate::index::{IndexError, NewsIndex};

/// Most hits one page may hold.
pub const MAX_LIMIT: usize = 100;
/// Deepest `offset + limit` reachable by offset paging.
pub const MAX_WINDOW: usize = 10_000;
/// Values returned per facet.
pub const FACET_VALUES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Relevance,
    /// Relevance blended with a freshness decay (see `half_life`).
    Recency,
    Newest,
    Oldest,
}

impl std::str::FromStr for Sort {
    type Err = String;
    fn from_str(value: &str) -> Result<Sort, String> {
        match value {
            "relevance" => Ok(Sort::Relevance),
            "recency" => Ok(Sort::Recency),
            "newest" => Ok(Sort::Newest),
            "oldest" => Ok(Sort::Oldest),
            other => Err(format!(
                "unknown sort `{other}`; expected relevance, recency, newest or oldest"
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
    pub q: String,
    pub filters: Filters,
    /// Published at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Published before this instant.
    pub to: Option<DateTime<Utc>>,
    pub sort: Sort,
    /// For `recency`: the age at which freshness counts half, such as `7d`
    /// or `12h` (default 3d).
    pub half_life: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Resume after the last hit of a previous page (its `next_cursor`).
    pub cursor: Option<String>,
    pub facets: Vec<String>,
    /// Count matches per day, week or month of publication.
    pub histogram: Option<Interval>,
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
}

/// Typo tolerance of a search's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    type Err = String;
    fn from_str(value: &str) -> Result<Typo, String> {
        match value {
            "off" | "false" | "0" => Ok(Typo::Off),
            "auto" | "true" | "1" => Ok(Typo::Auto),
            "fallback" => Ok(Typo::Fallback),
            other => Err(format!(
                "unknown typo setting `{other}`; expected off, auto or fallback"
            )),
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SearchResponse {
    pub total: u64,
    /// Whether `total` is an exact count rather than an estimate.
    pub total_exact: bool,
    pub hits: Vec<Hit>,
    /// Per requested facet field, its most frequent values.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub facets: BTreeMap<String, Vec<FacetValue>>,
    /// Matches per publication day, week or month, when requested.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub histogram: Option<Vec<Bucket>>,
    /// Pass as `cursor` to get the page after this one; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub next_cursor: Option<String>,
    /// Present when a lenient reading departed from the query text, or
    /// when near spellings stood in for words that found nothing.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub query: Option<QueryReading>,
    pub took_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hit {
    pub id: String,
    /// Relevance score; absent when sorted by date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub score: Option<f32>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub published_at: Option<DateTime<FixedOffset>>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub entities: Vec<Entity>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub highlights: Option<Highlights>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Highlights {
    /// The title, HTML-escaped, matches in `<mark>`.
    pub title: String,
    /// A body snippet, HTML-escaped, matches in `<mark>`.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The user's query or request is at fault.
    #[error("{0}")]
    Query(#[from] QueryError),
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

fn run_search(
    index: &NewsIndex,
    request: &SearchRequest,
    snippets: bool,
) -> Result<SearchResponse, SearchError> {
    let started = Instant::now();
    let resolved = resolve_field_names(index, request)?;
    let request = resolved.as_ref().unwrap_or(request);
    validate(request)?;
    let searcher = index.searcher();
    let fields = index.fields();

    let is_field = |name: &str| fields.is_queryable(name);
    let mut parsed = read_query(&request.q, request.syntax, &is_field)?;
    let language_keys = search_language_keys(index, &searcher, request);
    let facts = index.facts(&searcher);
    let build = |parsed: &mut ParsedQuery| {
        // A trailing space means the last word is complete.
        if request.prefix && !request.q.ends_with(char::is_whitespace) {
            mark_last_term_as_prefix(&mut parsed.node);
        }
        let mut builder = QueryBuilder::new(fields, language_keys.clone());
        builder.typo_tolerant = request.typo == Typo::Auto;
        builder.matching = request.matching;
        builder.searcher = Some(&searcher);
        builder.text_fields_with_terms = Some(&facts.text_fields_with_terms);
        builder
            .build(&parsed.node)
            .map(|query| (query, builder.highlight))
    };
    let (text_query, highlight_terms) = match build(&mut parsed) {
        Ok(built) => built,
        // A field's value the field cannot take (`published_at:soon`) is
        // words too, in the lenient reading.
        Err(_) if request.syntax == Syntax::Lenient && parsed.relaxed.is_none() => {
            parsed = read_as_words(&request.q);
            build(&mut parsed)?
        }
        Err(error) => return Err(error.into()),
    };

    let filter_clauses = filter_clauses(index, request);
    let main_query = combine(&text_query, &filter_clauses, None);

    // A facet the request filters on is counted as if its own filter were
    // off, so a sidebar keeps offering the alternatives; the others are
    // counted in the main pass.
    let (own_filtered, plain): (Vec<&String>, Vec<&String>) =
        request.facets.iter().partition(|facet| {
            request
                .filters
                .get(*facet)
                .is_some_and(|values| !values.is_empty())
        });
    let plain_names: Vec<String> = plain.into_iter().cloned().collect();
    let facet_collector = FacetCollector::new(plain_names.clone());

    let ranking = ranking(request)?;
    let (after, ranking) = match request.cursor.as_deref() {
        Some(cursor) => {
            let (key, now) = decode_cursor(cursor, ranking)?;
            let ranking = match (ranking, now) {
                (
                    Ranking::Recency {
                        half_life_seconds, ..
                    },
                    Some(now),
                ) => Ranking::Recency {
                    now,
                    half_life_seconds,
                },
                (other, _) => other,
            };
            (Some(key), ranking)
        }
        None => (None, ranking),
    };
    // One hit more than the page tells whether another page follows.
    let rank_collector = RankCollector {
        ranking,
        limit: request.limit + 1,
        offset: request.offset,
        after,
        columns: facts.clone(),
    };
    // The histogram counts in the same pass over the matches.
    let histogram_collector = match request.histogram {
        Some(_) => Some(HistogramCollector {
            date_field: field_name(index, "published_at"),
            published_days: index.published_days(&searcher)?,
        }),
        None => None,
    };
    // A search of words ranked by relevance scores only the matches that
    // may rank (see `maxscore`); the count, facets and histogram, which
    // need every match, are taken without scores.
    let counts_alone = plain_names.is_empty() && histogram_collector.is_none();
    let words_plan = (request.limit > 0 && filter_clauses.is_empty() && ranking.needs_scores())
        .then(|| WordsPlan::of(text_query.as_ref()))
        .flatten();
    let (total, mut ranked, plain_counts, days) = match words_plan {
        // A page of none: the count, facets and histogram alone, unranked;
        // a count alone is tantivy's fastest pass over the matches.
        _ if request.limit == 0 && counts_alone => (
            searcher.search(&main_query, &Count)?,
            Vec::new(),
            Vec::new(),
            None,
        ),
        _ if request.limit == 0 => {
            let (total, plain_counts, days) =
                searcher.search(&main_query, &(Count, facet_collector, histogram_collector))?;
            (total, Vec::new(), plain_counts, days)
        }
        Some(plan) if counts_alone => {
            let (ranked, total) = top_hits(&searcher, &plan, &main_query, &rank_collector, &Count)?;
            (total, ranked, Vec::new(), None)
        }
        Some(plan) => {
            let (ranked, (total, plain_counts, days)) = top_hits(
                &searcher,
                &plan,
                &main_query,
                &rank_collector,
                &(Count, facet_collector, histogram_collector),
            )?;
            (total, ranked, plain_counts, days)
        }
        None => searcher.search(
            &main_query,
            &(Count, rank_collector, facet_collector, histogram_collector),
        )?,
    };
    let next_cursor = if ranked.len() > request.limit {
        ranked.truncate(request.limit);
        ranked.last().map(|(key, _)| encode_cursor(ranking, *key))
    } else {
        None
    };
    let ranked: Vec<(Option<f32>, DocAddress)> = ranked
        .into_iter()
        .map(|(key, address)| {
            let score = match ranking {
                Ranking::Relevance | Ranking::Recency { .. } => Some(key.primary as f32),
                Ranking::Newest | Ranking::Oldest => None,
            };
            (score, address)
        })
        .collect();

    let histogram = request
        .histogram
        .zip(days)
        .map(|(interval, days)| buckets(&days, interval));

    let mut facets = BTreeMap::new();
    for (name, counts) in plain_names.iter().zip(plain_counts) {
        facets.insert(
            name.clone(),
            to_facet_values(top_values(counts, FACET_VALUES)),
        );
    }
    for name in own_filtered {
        let others = combine(&text_query, &filter_clauses, Some(name.as_str()));
        let counts = searcher.search(&others, &FacetCollector::new(vec![name.clone()]))?;
        let counts = counts.into_iter().next().unwrap_or_default();
        facets.insert(
            name.clone(),
            to_facet_values(top_values(counts, FACET_VALUES)),
        );
    }

    let mut highlighter = Highlighter::new(&highlight_terms);
    let hits = ranked
        .into_iter()
        .map(|(score, address)| {
            let stored = StoredArticle::read(&searcher, address, request.highlight && snippets)?;
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
        next_cursor,
        query: parsed.relaxed.map(|interpreted_as| QueryReading {
            interpreted_as: Some(interpreted_as),
            near_spellings: false,
        }),
        took_ms: started.elapsed().as_millis() as u64,
    })
}

/// Sets `prefix` on the last positive term of the query, in text order.
fn mark_last_term_as_prefix(node: &mut QueryNode) {
    fn last_term(node: &mut QueryNode) -> Option<&mut QueryNode> {
        match node {
            QueryNode::Term { .. } => Some(node),
            QueryNode::Match(children) | QueryNode::And(children) | QueryNode::Or(children) => {
                children.iter_mut().rev().find_map(last_term)
            }
            QueryNode::All | QueryNode::Phrase { .. } | QueryNode::Not(_) => None,
        }
    }
    if let Some(QueryNode::Term { prefix, .. }) = last_term(node) {
        *prefix = true;
    }
}

/// Default half-life of the recency ranking.
const DEFAULT_HALF_LIFE: &str = "3d";

fn ranking(request: &SearchRequest) -> Result<Ranking, QueryError> {
    Ok(match request.sort {
        Sort::Relevance => Ranking::Relevance,
        Sort::Newest => Ranking::Newest,
        Sort::Oldest => Ranking::Oldest,
        Sort::Recency => {
            let text = request.half_life.as_deref().unwrap_or(DEFAULT_HALF_LIFE);
            Ranking::Recency {
                now: Utc::now().timestamp(),
                half_life_seconds: parse_duration_seconds(text).ok_or_else(|| {
                    QueryError::new(format!(
                        "invalid half_life {text:?}; expected a positive number and a unit: 90m, 12h, 3d, 2w"
                    ))
                })?,
            }
        }
    })
}

/// "90m", "12h", "3d", "2w" → seconds.
fn parse_duration_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let number: f64 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
    let seconds = match unit {
        'm' => 60.0,
        'h' => 3_600.0,
        'd' => 86_400.0,
        'w' => 604_800.0,
        _ => return None,
    };
    (number.is_finite() && number > 0.0).then_some(number * seconds)
}

/// The tantivy name of a declared field.
fn field_name(index: &NewsIndex, name: &str) -> String {
    index
        .fields()
        .get(name)
        .map_or_else(|| name.to_string(), |field| field.definition.name.clone())
}

/// The request with its filter and facet names as the field catalogue
/// declares them (`tags` → `tag`, `lang` → `language`), or `None` when they
/// are already; a name that is no facet field's is refused with the list.
fn resolve_field_names(
    index: &NewsIndex,
    request: &SearchRequest,
) -> Result<Option<SearchRequest>, QueryError> {
    let fields = index.fields();
    let canonical = |name: &str| {
        fields.facet_name(name).ok_or_else(|| {
            QueryError::new(format!(
                "unknown facet field `{name}`; facet fields are {}",
                fields.facet_names().join(", ")
            ))
        })
    };
    let mut renamed = false;
    for name in request.filters.keys().chain(&request.facets) {
        renamed |= canonical(name)? != name;
    }
    if !renamed {
        return Ok(None);
    }
    let mut resolved = request.clone();
    resolved.filters = Filters::new();
    for (name, values) in &request.filters {
        resolved
            .filters
            .entry(canonical(name)?.to_string())
            .or_default()
            .extend(values.iter().cloned());
    }
    resolved.facets = Vec::new();
    for name in &request.facets {
        let name = canonical(name)?.to_string();
        if !resolved.facets.contains(&name) {
            resolved.facets.push(name);
        }
    }
    Ok(Some(resolved))
}

fn validate(request: &SearchRequest) -> Result<(), QueryError> {
    if request.limit > MAX_LIMIT {
        return Err(QueryError::new(format!(
            "limit must be between 0 (counts and facets only) and {MAX_LIMIT}, got {}",
            request.limit
        )));
    }
    if request.offset.saturating_add(request.limit) > MAX_WINDOW {
        return Err(QueryError::new(format!(
            "offset + limit must not exceed {MAX_WINDOW}; narrow the search or sort by date instead"
        )));
    }
    if request.cursor.is_some() && request.offset > 0 {
        return Err(QueryError::new(
            "use either cursor or offset, not both: a cursor already marks where the page starts",
        ));
    }
    if let (Some(from), Some(to)) = (request.from, request.to)
        && from > to
    {
        return Err(QueryError::new(format!(
            "the date range is empty: from {from} is after to {to}"
        )));
    }
    Ok(())
}

/// Filter queries by facet field name (`None` for the date range). They
/// score nothing; they only narrow.
fn filter_clauses(
    index: &NewsIndex,
    request: &SearchRequest,
) -> Vec<(Option<String>, Box<dyn Query>)> {
    let fields = index.fields();
    let mut clauses: Vec<(Option<String>, Box<dyn Query>)> = Vec::new();
    let mut normalizer = keyword_analyzer();
    for (name, values) in &request.filters {
        let Some(field) = fields
            .get(name)
            .filter(|field| field.definition.kind == FieldKind::Facet)
        else {
            continue;
        };
        let alternatives: Vec<(Occur, Box<dyn Query>)> = values
            .iter()
            .filter_map(|value| tokens(&mut normalizer, value.trim()).into_iter().next())
            .map(|token| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field.field, &token.text),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, query)
            })
            .collect();
        if alternatives.is_empty() {
            continue;
        }
        let query: Box<dyn Query> = Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(alternatives)),
            0.0,
        ));
        clauses.push((Some(field.definition.name.clone()), query));
    }
    if request.from.is_some() || request.to.is_some() {
        clauses.push((
            None,
            Box::new(ConstScoreQuery::new(
                date_range_query(
                    fields.published_at,
                    request.from.map(|time| time.timestamp()),
                    request.to.map(|time| time.timestamp()),
                ),
                0.0,
            )),
        ));
    }
    clauses
}

/// The text query and every filter except the one on `without`.
fn combine(
    text_query: &dyn Query,
    filters: &[(Option<String>, Box<dyn Query>)],
    without: Option<&str>,
) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    for (name, filter) in filters {
        if without.is_some() && name.as_deref() == without {
            continue;
        }
        clauses.push((Occur::Must, filter.box_clone()));
    }
    BooleanQuery::new(clauses)
}

fn to_facet_values(values: Vec<(String, u64)>) -> Vec<FacetValue> {
    values
        .into_iter()
        .map(|(value, count)| FacetValue { value, count })
        .collect()
}

/// The analyses a query's words go through: those of the languages the
/// request filters on, else of every language in the index, plus the default
/// for articles that name none.
fn search_language_keys(
    index: &NewsIndex,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Vec<&'static str> {
    let requested = request
        .filters
        .get("language")
        .filter(|values| !values.is_empty());
    let languages: BTreeSet<String> = match requested {
        Some(values) => values
            .iter()
            .map(|value| value.to_ascii_lowercase())
            .collect(),
        None => index.languages(searcher),
    };
    let mut keys: Vec<&'static str> = vec![analysis_key(Some(DEFAULT_LANGUAGE))];
    if requested.is_some() {
        keys.clear();
    }
    for language in &languages {
        let key = analysis_key(Some(language));
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// What `newsdex stats` reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexStats {
    pub documents: u64,
    pub segments: usize,
    pub size_bytes: u64,
    pub schema_version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_from: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_to: Option<DateTime<Utc>>,
    pub facets: BTreeMap<String, Vec<FacetValue>>,
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
    let facets = names
        .into_iter()
        .zip(counts)
        .map(|(name, counts)| (name, to_facet_values(top_values(counts, top))))
        .collect();
    let (published_from, published_to) = date_range(&searcher, index)?;
    Ok(IndexStats {
        documents: searcher.num_docs(),
        segments: searcher.segment_readers().len(),
        size_bytes: index.size_on_disk(),
        schema_version: index.fields().schema_version(),
        published_from,
        published_to,
        facets,
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
