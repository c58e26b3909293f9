//! `GET /search` and `POST /search`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{RawQuery, State};
use chrono::Utc;
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, ErrorCode};
use crate::index::fields::IndexFields;
use crate::query::dates::{BoundSide, parse_date_bound};
use crate::query::histogram::Interval;
use crate::query::maxscore::Matching;
use crate::query::parser::Syntax;
use crate::query::search::Typo;
use crate::query::{Filters, SearchRequest, SearchResponse, Sort, search};

/// Longest accepted `q`, in characters.
const MAX_QUERY_CHARS: usize = crate::query::parser::MAX_QUERY_CHARS;

/// The search request as JSON carries it: dates as text (also `now-7d`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchBody {
    q: String,
    filters: Filters,
    from: Option<String>,
    to: Option<String>,
    sort: Option<Sort>,
    half_life: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    cursor: Option<String>,
    facets: Vec<String>,
    histogram: Option<Interval>,
    highlight: Option<bool>,
    typo: Option<Typo>,
    prefix: Option<bool>,
    #[serde(rename = "match")]
    matching: Option<Matching>,
    syntax: Option<Syntax>,
}

impl SearchBody {
    fn into_request(self) -> Result<SearchRequest, ApiError> {
        let defaults = SearchRequest::default();
        let now = Utc::now();
        if self.q.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::new(
                ErrorCode::BadQuery,
                format!("q is longer than {MAX_QUERY_CHARS} characters"),
            ));
        }
        // Filter and facet names (aliases included) are resolved by the
        // search, from the field catalogue, as on every route.
        Ok(SearchRequest {
            q: self.q,
            filters: self.filters,
            from: self
                .from
                .map(|text| parse_date_bound(&text, BoundSide::From, now))
                .transpose()?,
            to: self
                .to
                .map(|text| parse_date_bound(&text, BoundSide::To, now))
                .transpose()?,
            sort: self.sort.unwrap_or(defaults.sort),
            half_life: self.half_life,
            limit: self.limit.unwrap_or(defaults.limit),
            offset: self.offset.unwrap_or(defaults.offset),
            cursor: self.cursor.filter(|cursor| !cursor.is_empty()),
            facets: self.facets,
            histogram: self.histogram,
            highlight: self.highlight.unwrap_or(defaults.highlight),
            typo: self.typo.unwrap_or(defaults.typo),
            prefix: self.prefix.unwrap_or(defaults.prefix),
            matching: self.matching.unwrap_or(defaults.matching),
            syntax: self.syntax.unwrap_or(defaults.syntax),
        })
    }

    /// Reads `?q=…&tag=a&tag=b&facets=tag,source&…`; repeated filter keys
    /// mean any of the values.
    fn from_query_string(query: &str, fields: &IndexFields) -> Result<SearchBody, ApiError> {
        let mut body = SearchBody::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            let number = |value: &str| ApiError::whole_number(&key, value);
            match key.as_ref() {
                "q" => body.q = value,
                "from" => body.from = Some(value),
                "to" => body.to = Some(value),
                "sort" => body.sort = Some(parse_value(&value)?),
                "typo" => body.typo = Some(parse_value(&value)?),
                "match" => body.matching = Some(parse_value(&value)?),
                "syntax" => body.syntax = Some(parse_value(&value)?),
                "histogram" => body.histogram = Some(parse_value(&value)?),
                "half_life" => body.half_life = Some(value),
                "cursor" => body.cursor = Some(value),
                "prefix" => body.prefix = Some(is_true(&value)),
                "limit" => body.limit = Some(number(&value)?),
                "offset" => body.offset = Some(number(&value)?),
                "facets" => body.facets.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|facet| !facet.is_empty())
                        .map(str::to_string),
                ),
                "highlight" => body.highlight = Some(is_true(&value)),
                name if fields.facet_name(name).is_some() => body
                    .filters
                    .entry(name.to_string())
                    .or_default()
                    .push(value),
                other => {
                    return Err(ApiError::new(
                        ErrorCode::BadRequest,
                        format!("unknown parameter `{other}`"),
                    ));
                }
            }
        }
        Ok(body)
    }
}

fn parse_value<T: std::str::FromStr<Err = String>>(value: &str) -> Result<T, ApiError> {
    value
        .parse()
        .map_err(|message: String| ApiError::new(ErrorCode::BadRequest, message))
}

fn is_true(value: &str) -> bool {
    !matches!(value, "false" | "0" | "off" | "no")
}

pub async fn get_search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let request =
        SearchBody::from_query_string(query.as_deref().unwrap_or(""), state.index.fields())?
            .into_request()?;
    run_search(state, request).await
}

pub async fn post_search(
    State(state): State<AppState>,
    body: Result<Json<SearchBody>, JsonRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Json(body) = body
        .map_err(|rejection| ApiError::rejected_body(rejection.status(), rejection.body_text()))?;
    run_search(state, body.into_request()?).await
}

/// Searches run on the blocking pool, never on the async executor.
async fn run_search(
    state: AppState,
    request: SearchRequest,
) -> Result<Json<SearchResponse>, ApiError> {
    let response = state
        .read(move |index| Ok(search(index, &request)?))
        .await?;
    Ok(Json(response))
}
