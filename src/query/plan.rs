//! Request → plan: what a search will run, decided before it runs.
//!
//! The request's filter and facet names are resolved through the field
//! catalogue and its bounds checked; its text is read (leniently unless
//! asked otherwise) and built into the text query for the languages the
//! search covers; the filters become clauses that narrow without scoring;
//! the sort and a cursor become a ranking and the key to resume after.
//! Execution (`execute.rs`) and presentation (`present.rs`) only read the
//! plan.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::Utc;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::dates::parse_duration;
use super::parser::{ParsedQuery, QueryError, QueryNode, Syntax, read_as_words, read_query};
use super::rank::{RankKey, Ranking, decode_cursor};
use super::search::{Filters, MAX_LIMIT, MAX_WINDOW, SearchError, SearchRequest, Sort, Typo};
use super::translate::{HighlightTerms, QueryBuilder, date_range_query};
use crate::analysis::{DEFAULT_LANGUAGE, analysis_key, keyword_analyzer, tokens};
use crate::index::fields::FieldKind;
use crate::index::{NewsIndex, SearchContext};

/// A filter's clause, by the facet field it filters (`None` for the date
/// range).
pub(crate) type FilterClause = (Option<String>, Box<dyn Query>);

/// What one search runs: its query, filters and ranking, on one searcher.
pub(crate) struct SearchPlan<'r> {
    /// The request, its field names as the catalogue declares them.
    pub request: Cow<'r, SearchRequest>,
    pub searcher: Searcher,
    pub context: Arc<SearchContext>,
    /// The query of the request's text, scoring.
    pub text_query: Box<dyn Query>,
    pub highlight_terms: HighlightTerms,
    pub filters: Vec<FilterClause>,
    pub ranking: Ranking,
    /// The rank key a cursor resumes after.
    pub after: Option<RankKey>,
    /// The words searched, when the text was not read as written.
    pub relaxed: Option<String>,
}

impl<'r> SearchPlan<'r> {
    pub(crate) fn new(
        index: &NewsIndex,
        request: &'r SearchRequest,
    ) -> Result<SearchPlan<'r>, SearchError> {
        let request = match resolve_field_names(index, request)? {
            Some(resolved) => Cow::Owned(resolved),
            None => Cow::Borrowed(request),
        };
        validate(&request)?;
        let searcher = index.searcher();
        let context = index.search_context(&searcher);
        let TextQuery {
            query: text_query,
            highlight_terms,
            relaxed,
        } = text_query(index, &request, &searcher, &context)?;
        let filters = filter_clauses(index, &searcher, &request)?;
        let (ranking, after) = ranking_after(&request)?;
        Ok(SearchPlan {
            request,
            searcher,
            context,
            text_query,
            highlight_terms,
            filters,
            ranking,
            after,
            relaxed,
        })
    }

    /// The text query and every filter.
    pub(crate) fn main_query(&self) -> BooleanQuery {
        combine(self.text_query.as_ref(), &self.filters, None)
    }

    /// The text query and every filter but the one on `facet`: what a
    /// filtered facet is counted over.
    pub(crate) fn query_without_filter(&self, facet: &str) -> BooleanQuery {
        combine(self.text_query.as_ref(), &self.filters, Some(facet))
    }
}

/// The request's text as a query, with the terms to highlight and how a
/// relaxed text was read.
struct TextQuery {
    query: Box<dyn Query>,
    highlight_terms: HighlightTerms,
    relaxed: Option<String>,
}

/// The request's text read and built for the languages the search covers.
fn text_query(
    index: &NewsIndex,
    request: &SearchRequest,
    searcher: &Searcher,
    context: &SearchContext,
) -> Result<TextQuery, SearchError> {
    let fields = index.fields();
    let is_field = |name: &str| fields.is_queryable(name);
    let mut parsed = read_query(&request.q, request.syntax, &is_field)?;
    let language_keys = search_language_keys(index, searcher, request);
    // Only a query that names a field (`person:"James Baker"`) reads the
    // name links.
    let mut name_links = HashMap::new();
    if request.q.contains(':') {
        for field in fields.of_kind(FieldKind::Facet) {
            if let Some(links) = index.name_links(searcher, &field.definition.name)? {
                name_links.insert(field.field, links);
            }
        }
    }
    let build = |parsed: &mut ParsedQuery| {
        // A trailing space means the last word is complete.
        if request.prefix && !request.q.ends_with(char::is_whitespace) {
            mark_last_term_as_prefix(&mut parsed.node);
        }
        let mut builder = QueryBuilder::new(fields, language_keys.clone());
        builder.typo_tolerant = request.typo == Typo::Auto;
        builder.matching = request.matching;
        builder.searcher = Some(searcher);
        builder.text_fields_with_terms = Some(&context.text_fields_with_terms);
        builder.searched_fields = (!request.fields.is_empty()).then_some(&request.fields[..]);
        builder.name_links = name_links.clone();
        builder
            .build(&parsed.node)
            .map(|query| (query, builder.highlight))
    };
    let (query, highlight_terms) = match build(&mut parsed) {
        Ok(built) => built,
        // A field's value the field cannot take (`published_at:soon`) is
        // words too, in the lenient reading.
        Err(_) if request.syntax == Syntax::Lenient && parsed.relaxed.is_none() => {
            parsed = read_as_words(&request.q);
            build(&mut parsed)?
        }
        Err(error) => return Err(error.into()),
    };
    Ok(TextQuery {
        query,
        highlight_terms,
        relaxed: parsed.relaxed,
    })
}

/// The request's ranking and, for a cursor, the key to resume after (and
/// the clock a recency cursor was ranked by).
fn ranking_after(request: &SearchRequest) -> Result<(Ranking, Option<RankKey>), QueryError> {
    let ranking = ranking(request)?;
    let Some(cursor) = request.cursor.as_deref() else {
        return Ok((ranking, None));
    };
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
    Ok((ranking, Some(key)))
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
                half_life_seconds: parse_duration(text)
                    .map(|duration| duration.as_secs_f64())
                    .ok_or_else(|| {
                    QueryError::in_parameter("half_life", format!(
                        "invalid half_life {text:?}; expected a positive number and a unit: 90m, 12h, 3d, 2w"
                    ))
                })?,
            }
        }
    })
}

/// The tantivy name of a declared field.
pub(super) fn field_name(index: &NewsIndex, name: &str) -> String {
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
    let searchable = |name: &str| {
        fields
            .get(name)
            .filter(|field| fields.is_searchable(field))
            .map(|field| field.definition.name.as_str())
            .ok_or_else(|| {
                QueryError::new(format!(
                    "`{name}` is not a field words can search; searchable fields are {}",
                    fields.searchable_names().join(", ")
                ))
            })
    };
    let mut renamed = false;
    for name in request.filters.keys().chain(&request.facets) {
        renamed |= canonical(name)? != name;
    }
    for name in &request.fields {
        renamed |= searchable(name)? != name;
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
    resolved.fields = Vec::new();
    for name in &request.fields {
        let name = searchable(name)?.to_string();
        if !resolved.fields.contains(&name) {
            resolved.fields.push(name);
        }
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
        return Err(QueryError::in_parameter(
            "limit",
            format!(
                "limit must be between 0 (counts and facets only) and {MAX_LIMIT}, got {}",
                request.limit
            ),
        ));
    }
    if request.offset.saturating_add(request.limit) > MAX_WINDOW {
        return Err(QueryError::in_parameter(
            "offset",
            format!(
                "offset + limit must not exceed {MAX_WINDOW}; to page deeper, pass each page's next_cursor as cursor (no depth limit)"
            ),
        ));
    }
    if request.cursor.is_some() && request.offset > 0 {
        return Err(QueryError::in_parameter(
            "cursor",
            "use either cursor or offset, not both: a cursor already marks where the page starts",
        ));
    }
    if let (Some(from), Some(to)) = (request.from, request.to)
        && from > to
    {
        return Err(QueryError::in_parameter(
            "from",
            format!("the date range is empty: from {from} is after to {to}"),
        ));
    }
    Ok(())
}

/// Filter queries by facet field name (`None` for the date range). They
/// score nothing; they only narrow.
fn filter_clauses(
    index: &NewsIndex,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Result<Vec<FilterClause>, SearchError> {
    let fields = index.fields();
    let mut clauses: Vec<FilterClause> = Vec::new();
    let mut normalizer = keyword_analyzer();
    for (name, values) in &request.filters {
        let Some(field) = fields
            .get(name)
            .filter(|field| field.definition.kind == FieldKind::Facet)
        else {
            continue;
        };
        // An entity value also finds its canonical name: `location=US`
        // finds "United States".
        let entity_kind = field.definition.entity_kind();
        let aliases = crate::ner::aliases::shipped();
        let values: Vec<&str> = values
            .iter()
            .flat_map(|value| {
                let canonical = entity_kind.and_then(|kind| aliases.canonical(Some(kind), value));
                std::iter::once(value.as_str()).chain(canonical)
            })
            .collect();
        // A name also finds the articles that give it by its short form
        // alone (a surname, an abbreviation), and a short form the name it
        // stands for, as facets count them.
        let links = index.name_links(searcher, &field.definition.name)?;
        let mut terms: Vec<String> = Vec::new();
        for value in values {
            let Some(token) = tokens(&mut normalizer, value.trim()).into_iter().next() else {
                continue;
            };
            match &links {
                Some(links) => terms.extend(links.forms(&token.text).into_iter().map(String::from)),
                None => terms.push(token.text),
            }
        }
        terms.sort_unstable();
        terms.dedup();
        let alternatives: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|term| {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field.field, term),
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
    Ok(clauses)
}

/// The text query and every filter except the one on `without`.
fn combine(
    text_query: &dyn Query,
    filters: &[FilterClause],
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
