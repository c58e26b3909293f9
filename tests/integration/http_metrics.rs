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
