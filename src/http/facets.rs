//! `GET /facets/{field}?q=PREFIX&limit=10`: facet value search.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::ApiError;
use super::params;
use crate::query::facet_search::search_facet_values;

pub async fn get_facet_values(
    State(state): State<AppState>,
    Path(field): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (prefix, limit) = prefix_and_limit(query.as_deref(), 10)?;
    let field_name = field.clone();
    let values = state
        .read(move |index| Ok(search_facet_values(index, &field_name, &prefix, limit)?))
        .await?;
    Ok(Json(json!({ "field": field, "values": values })))
}

/// The parameters of the prefix lookups.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PrefixParams {
    q: String,
    limit: Option<usize>,
}

/// The `q` and `limit` parameters of the prefix lookups, rejecting others.
pub fn prefix_and_limit(
    query: Option<&str>,
    default_limit: usize,
) -> Result<(String, usize), ApiError> {
    let PrefixParams { q, limit } = params::decode(query)?;
    Ok((q, limit.unwrap_or(default_limit)))
}
