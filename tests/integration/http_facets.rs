//! `GET /facets/{field}`: facet value search.

use crate::support::{call, demo_app};

#[tokio::test]
async fn values_match_at_the_start_of_any_word() {
    let app = demo_app(Some("secret"), None);
    let (status, body) = call(&app, "GET", "/facets/author?q=mar", None, &[]).await;
    assert_eq!(status, 200, "{body}");
    let values: Vec<&str> = body["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|value| value["value"].as_str())
        .collect();
    // "Maria Santos", "Marta Kowalski", and "Olena Marchenko" by her surname.
    assert_eq!(
        values,
        ["Maria Santos", "Marta Kowalski", "Olena Marchenko"]
    );

    let (_, tags) = call(&app, "GET", "/facets/tags?q=CEASE", None, &[]).await;
    assert_eq!(tags["values"][0]["value"], "Ceasefire");
    assert_eq!(tags["values"][0]["count"], 2);
}

#[tokio::test]
async fn counts_follow_deletes_and_an_empty_prefix_lists_the_top() {
    let app = demo_app(Some("secret"), None);
    let (status, _) = call(
        &app,
        "DELETE",
        "/articles/nd-2025-0101?refresh=true",
        None,
        &[("authorization", "Bearer secret")],
    )
    .await;
    assert_eq!(status, 200);
    let (_, tags) = call(&app, "GET", "/facets/tag?q=ceasefire", None, &[]).await;
    assert_eq!(
        tags["values"][0]["count"], 1,
        "the deleted article no longer counts"
    );
    let (_, top) = call(&app, "GET", "/facets/language?limit=2", None, &[]).await;
    assert_eq!(top["values"][0]["value"], "en");
    assert_eq!(top["values"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn unknown_fields_and_no_match() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/facets/colour?q=re", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_query"))
    );
    let (status, body) = call(&app, "GET", "/facets/person?q=zz&limit=0", None, &[]).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = call(&app, "GET", "/facets/person?q=zzz", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["values"], serde_json::json!([]));
}

/// An empty `q` lists a field's most frequent values, counted once per
/// commit: a write shows in the listing after its commit.
#[tokio::test]
async fn the_listing_of_an_empty_q_follows_commits() {
    let app = demo_app(Some("secret"), None);
    let (status, before) = call(&app, "GET", "/facets/tag?limit=100", None, &[]).await;
    assert_eq!(status, 200, "{before}");
    let count_of = |body: &serde_json::Value, tag: &str| {
        body["values"]
            .as_array()
            .expect("values")
            .iter()
            .find(|value| value["value"] == tag)
            .and_then(|value| value["count"].as_u64())
            .unwrap_or(0)
    };
    let listed = before["values"].as_array().expect("values").len();
    assert!(listed > 3, "{before}");
    let (_, again) = call(&app, "GET", "/facets/tag?limit=3", None, &[]).await;
    assert_eq!(
        again["values"].as_array().expect("values")[..],
        before["values"].as_array().expect("values")[..3],
        "a shorter limit is a prefix of the same listing"
    );
    assert_eq!(count_of(&before, "Zeppelins"), 0);
    let article = serde_json::json!({ "title": "Airship show", "body": "Zeppelins flew.", "tags": ["Zeppelins"] });
    let (status, _) = call(
        &app,
        "PUT",
        "/articles/zep?refresh=true",
        Some(&article.to_string()),
        &[("authorization", "Bearer secret")],
    )
    .await;
    assert_eq!(status, 201);
    let (_, after) = call(&app, "GET", "/facets/tag?limit=100", None, &[]).await;
    assert_eq!(count_of(&after, "Zeppelins"), 1, "{after}");
}
