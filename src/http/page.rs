//! `GET /`: the search page, compiled into the binary (no CDN, no build
//! step). It talks to the API like any client: `/search` as you type, with
//! facets and a monthly histogram, `/facets/{field}` to find a value, and
//! `/articles/{id}` for the article view.

use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::response::{Html, IntoResponse};

const PAGE: &str = include_str!("page.html");

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
