//! `GET /`: the search page, compiled into the binary (no CDN, no build
//! step). It talks to the API like any client: `/search` as you type, with
//! facets and a monthly histogram, `/facets/{field}` to find a value, and
//! `/articles/{id}` for the article view.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};

const PAGE: &str = include_str!("page.html");

/// The HTTP API's contract, as the repository keeps it.
const OPENAPI: &str = include_str!("../../schema/openapi.yaml");

/// `GET /openapi.yaml`: the contract the server answers by, for clients and
/// their code generators.
pub async fn get_openapi() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "application/yaml; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        OPENAPI,
    )
}

pub async fn get_page() -> impl IntoResponse {
    (
        [
            (CACHE_CONTROL, "no-cache"),
            // The page loads nothing from elsewhere, so nothing elsewhere
            // may be loaded into it.
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:",
            ),
        ],
        Html(PAGE),
    )
}
