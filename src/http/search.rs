//! `GET /search` and `POST /search`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{RawQuery, State};
use chrono::Utc;
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, ErrorCode};
use super::params;
use crate::index::fields::IndexFields;
use crate::query::dates::{BoundSide, parse_date_bound};
use crate::query::histogram::Interval;
use crate::query::maxscore::Matching;
use crate::query::parser::Syntax;
use crate::query::search::Typo;
use crate::query::{Filters, SearchRequest, SearchResponse, Sort, search};

/// Longest accepted `q`, in characters.
const MAX_QUERY_CHARS: usize = crate::query::parser::MAX_QUERY_CHARS;

/// The search request as a JSON body or a query string carries it, one
/// model for both: dates as text (also `now-7d`); in a query string a
/// facet field's name or alias is a filter (`tag=a&tag=b`: any of them),
/// lists may be comma-separated, switches `true`/`false`, `1`/`0`.
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
    #[serde(deserialize_with = "params::comma_list")]
    facets: Vec<String>,
    histogram: Option<Interval>,
    #[serde(deserialize_with = "params::switch")]
    highlight: Option<bool>,
    typo: Option<Typo>,
    #[serde(deserialize_with = "params::switch")]
    prefix: Option<bool>,
    #[serde(rename = "match")]
    matching: Option<Matching>,
    syntax: Option<Syntax>,
    #[serde(deserialize_with = "params::comma_list")]
    fields: Vec<String>,
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
            fields: self.fields,
        })
    }

    /// Reads `?q=…&tag=a&tag=b&facets=tag,source&…`: the keys the field
    /// catalogue names as facets are filters, the others the request's
    /// parameters.
    fn from_query_string(
        query: Option<&str>,
        fields: &IndexFields,
    ) -> Result<SearchBody, ApiError> {
        let (filters, parameters): (Vec<_>, Vec<_>) = params::pairs(query)?
            .into_iter()
            .partition(|(key, _)| fields.facet_name(key).is_some());
        // The other parameters are decoded as a form of their own: serde's
        // `flatten` for the filters would lose the typed values and cannot
        // deny unknown keys.
        let parameters = serde_html_form::to_string(&parameters)
            .map_err(|error| ApiError::new(ErrorCode::BadRequest, error.to_string()))?;
        let mut body: SearchBody = params::decode(Some(&parameters))?;
        for (name, value) in filters {
            body.filters.entry(name).or_default().push(value);
        }
        Ok(body)
    }
}

pub async fn get_search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let request =
        SearchBody::from_query_string(query.as_deref(), state.index.fields())?.into_request()?;
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
