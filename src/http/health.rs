//! `GET /health` (the process answers) and `GET /ready` (it can search).

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ErrorCode};

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    if !state.ready.load(Ordering::Relaxed) {
        return Err(ApiError::new(
            ErrorCode::NotReady,
            "the index is not ready yet",
        ));
    }
    if let Some(fault) = state.fault() {
        return Err(ApiError::new(
            ErrorCode::NotReady,
            format!("writes are paused: {}", fault.message),
        ));
    }
    Ok(Json(
        json!({ "status": "ready", "documents": state.index.searcher().num_docs() }),
    ))
}
