//! API keys: writes need the write key when one is set; reads need the read
//! key (or the write key) when one is set. Keys are compared in constant
//! time and never logged. The router puts each route group behind one of
//! the middlewares here, so no handler checks keys itself, and a request's
//! key is checked before its body is read.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::{ApiError, ErrorCode};
use super::meilisearch::MeiliError;

/// Routes that read (search, get, facets, suggest, readiness, metrics).
pub async fn reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match require_read(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// The Meilisearch-compatible routes: reads, refused in Meilisearch's shape.
pub async fn meilisearch_reads(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match require_read(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => MeiliError::from(error).into_response(),
    }
}

/// Routes that write.
pub async fn writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match require_write(&state, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

fn matches(given: &str, key: &str) -> bool {
    given.as_bytes().ct_eq(key.as_bytes()).into()
}

fn check(headers: &HeaderMap, keys: &[&str]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let Some(given) = bearer(headers) else {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "this endpoint needs an API key: send `Authorization: Bearer <key>`",
        ));
    };
    if keys.iter().any(|key| matches(given, key)) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "the API key is not valid for this endpoint",
        ))
    }
}

fn require_write(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let keys: Vec<&str> = state.config.api_key.as_deref().into_iter().collect();
    check(headers, &keys)
}

fn require_read(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(read_key) = state.config.read_key.as_deref() else {
        return Ok(());
    };
    let keys: Vec<&str> = std::iter::once(read_key)
        .chain(state.config.api_key.as_deref())
        .collect();
    check(headers, &keys)
}
