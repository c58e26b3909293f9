//! `GET /suggest?q=PREFIX&limit=8`: completions for a search box.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ErrorCode};
use super::facets::prefix_and_limit;
use crate::query::suggest::suggest;

pub async fn get_suggest(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (typed, limit) = prefix_and_limit(query.as_deref(), 8)?;
    if typed.chars().count() > 256 {
        return Err(ApiError::new(
            ErrorCode::BadQuery,
            "q is longer than 256 characters",
        ));
    }
    let prefix = typed.clone();
    let suggestions = state
        .read(move |index| Ok(suggest(index, &prefix, limit)?))
        .await?;
    Ok(Json(json!({ "q": typed, "suggestions": suggestions })))
}
