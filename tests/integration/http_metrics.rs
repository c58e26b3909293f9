//! `GET /metrics`

use crate::support::{call, demo_app};

#[tokio::test]
async fn prometheus_text_counts_requests_and_documents() {
    let app = demo_app(None, None);
    call(&app, "GET", "/search?q=ceasefire", None, &[]).await;
    call(&app, "GET", "/search?q=a%20)&syntax=strict", None, &[]).await;
    let (status, body) = call(&app, "GET", "/metrics", None, &[]).await;
    assert_eq!(status, 200);
    let text = body.as_str().expect("text");
    assert!(
        text.contains("newsdex_http_requests_total{route=\"/search\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("newsdex_http_requests_total{route=\"/search\",status=\"400\"} 1"));
    assert!(text.contains("newsdex_http_request_duration_seconds_count{route=\"/search\"} 2"));
    assert!(text.contains(&format!(
        "newsdex_documents {}",
        crate::support::FIXTURE_ARTICLES
    )));
    assert!(text.contains("newsdex_pending_writes 0"));
    assert!(text.contains("newsdex_writes_paused 0"), "{text}");
    assert!(
        text.trim_end().ends_with("# EOF"),
        "OpenMetrics ends with # EOF"
    );
}

/// The name links of a new commit are built after the commit, not by the
/// first search that needs them: a faceted search after `commit_pending`
/// builds nothing, and finds a lone surname under the full name.
#[tokio::test]
async fn a_commit_builds_the_name_links_before_any_search_needs_them() {
    let index = newsdex::index::NewsIndex::create_in_ram().expect("index");
    let state = newsdex::http::AppState::new(index.clone(), newsdex::http::ServeConfig::default())
        .expect("state");
    let app = newsdex::http::router(state.clone());
    let stories = [
        (
            "r1",
            "President Ronald Reagan met Japanese leaders in Washington on Monday.",
        ),
        (
            "r2",
            "President Ronald Reagan said on Tuesday that trade talks would go on.",
        ),
        (
            "r3",
            "Reagan told reporters in Washington that the talks had gone well.",
        ),
    ];
    let body: String = stories
        .iter()
        .map(|(id, text)| {
            serde_json::json!({ "id": id, "title": "Trade talks", "body": text, "language": "en" })
                .to_string()
                + "\n"
        })
        .collect();
    let (status, answer) = call(
        &app,
        "POST",
        "/articles",
        Some(&body),
        &[("content-type", "application/x-ndjson")],
    )
    .await;
    assert!(status < 300, "{status} {answer}");
    state.commit_pending().await.expect("commits");
    let builds = index.name_link_builds();
    assert!(
        builds >= 2,
        "person and org links built at the commit: {builds}"
    );

    let (_, found) = call(&app, "GET", "/search?q=talks&facets=person", None, &[]).await;
    let people: Vec<&str> = found["facets"]["person"]
        .as_array()
        .expect("a person facet")
        .iter()
        .filter_map(|value| value["value"].as_str())
        .collect();
    assert_eq!(people, ["Ronald Reagan"], "{found}");
    assert_eq!(index.name_link_builds(), builds, "the search built none");
    let (_, metrics) = call(&app, "GET", "/metrics", None, &[]).await;
    let text = metrics.as_str().expect("text");
    assert!(
        text.contains(&format!("newsdex_name_link_builds_total {builds}")),
        "{text}"
    );
}
