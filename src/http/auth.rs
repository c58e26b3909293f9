//! API keys: writes need the write key when one is set; reads need the read
//! key (or the write key) when one is set. Keys are compared in constant
//! time and never logged.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use subtle::ConstantTimeEq;

use super::AppState;
use super::error::{ApiError, ErrorCode};

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

pub fn require_write(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let keys: Vec<&str> = state.config.api_key.as_deref().into_iter().collect();
    check(headers, &keys)
}

pub fn require_read(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(read_key) = state.config.read_key.as_deref() else {
        return Ok(());
    };
    let keys: Vec<&str> = std::iter::once(read_key)
        .chain(state.config.api_key.as_deref())
        .collect();
    check(headers, &keys)
}
