//! `GET /search` and `POST /search` against the real router.

use serde_json::json;

use crate::support::{call, demo_app};

#[tokio::test]
async fn get_search_with_filters_facets_and_highlights() {
    let app = demo_app(None, None);
    let (status, body) = call(
        &app,
        "GET",
        "/search?q=ceasefire&facets=tag,source&tag=Diplomacy&tag=Energy",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 1);
    assert_eq!(
        body["hits"][0]["title"],
        "Ceasefire talks resume in Geneva with new mediators"
    );
    assert_eq!(
        body["hits"][0]["highlights"]["title"],
        "<mark>Ceasefire</mark> talks resume in Geneva with new mediators"
    );
    let tags = body["facets"]["tag"].as_array().expect("tag facet");
    // The tag facet ignores the tag filter (the briefing also matches
    // "ceasefire"); the source facet does not.
    assert!(
        tags.iter().any(|value| value["value"] == "Briefing"),
        "{tags:?}"
    );
    assert_eq!(body["facets"]["source"].as_array().map(Vec::len), Some(1));
    assert!(body["took_ms"].is_u64());
}

#[tokio::test]
async fn post_search_takes_the_same_request_as_json() {
    let app = demo_app(None, None);
    let request = json!({
        "q": "",
        "filters": { "lang": ["de", "fr"] },
        "sort": "newest",
        "from": "2025-01-01",
        "limit": 5,
        "facets": ["language"]
    });
    let (status, body) = call(&app, "POST", "/search", Some(&request.to_string()), &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["hits"][0]["language"], "de", "newest first");
    assert_eq!(body["facets"]["language"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_bad_query_is_400_with_its_position() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/search?q=ceasefire%20AND", None, &[]).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_query");
    assert_eq!(body["error"]["position"], 10);
    let (status, body) = call(&app, "GET", "/search?limit=1000", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_query"))
    );
    let (status, body) = call(&app, "GET", "/search?colour=red", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, body) = call(&app, "POST", "/search", Some("{\"q\": 3}"), &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
}

#[tokio::test]
async fn an_empty_result_is_200_with_no_hits() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/search?q=zeppelin", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 0);
    assert_eq!(body["hits"], json!([]));
}

#[tokio::test]
async fn reads_need_the_read_key_when_one_is_set() {
    let app = demo_app(Some("write-key"), Some("read-key"));
    let (status, body) = call(&app, "GET", "/search?q=ceasefire", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, _) = call(
        &app,
        "GET",
        "/search?q=ceasefire",
        None,
        &[("authorization", "Bearer wrong")],
    )
    .await;
    assert_eq!(status, 403);
    for key in ["read-key", "write-key"] {
        let (status, _) = call(
            &app,
            "GET",
            "/search?q=ceasefire",
            None,
            &[("authorization", &format!("Bearer {key}"))],
        )
        .await;
        assert_eq!(status, 200, "{key}");
    }
}
