//! `GET /feeds`: the polled feeds (`serve --feeds`), each with its
//! schedule, last fetch, outcome, counts and last error.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::AppState;

pub async fn get_feeds(State(state): State<AppState>) -> Json<Value> {
    let feeds = state
        .feeds
        .as_ref()
        .map(|poller| poller.status())
        .unwrap_or_default();
    Json(json!({ "polling": state.feeds.is_some(), "feeds": feeds }))
}
