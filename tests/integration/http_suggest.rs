//! `GET /suggest`: names, tags and titles as a user types.

use serde_json::Value;

use crate::support::{call, demo_app};

fn find<'a>(body: &'a Value, kind: &str) -> Vec<&'a Value> {
    body["suggestions"]
        .as_array()
        .map(|suggestions| {
            suggestions
                .iter()
                .filter(|suggestion| suggestion["type"] == kind)
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn each_kind_of_suggestion_is_offered_with_the_typed_part_marked() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/suggest?q=gen", None, &[]).await;
    assert_eq!(status, 200, "{body}");
    let places = find(&body, "location");
    assert_eq!(places[0]["value"], "Geneva");
    // One article lists Geneva among its entities; the extractor finds it in
    // the text of the briefing feed's item too.
    assert_eq!(places[0]["count"], 2);
    assert_eq!(places[0]["highlighted"], "<mark>Gen</mark>eva");
    let titles = find(&body, "title");
    assert!(
        titles
            .iter()
            .any(|title| title["value"] == "Ceasefire talks resume in Geneva with new mediators")
    );
    assert!(titles.iter().all(|title| title["id"].is_string()));

    let (_, body) = call(&app, "GET", "/suggest?q=cass", None, &[]).await;
    assert_eq!(find(&body, "person")[0]["value"], "Ignazio Cassis");
    assert_eq!(
        find(&body, "person")[0]["highlighted"],
        "Ignazio <mark>Cass</mark>is"
    );

    let (_, body) = call(&app, "GET", "/suggest?q=swiss%20for", None, &[]).await;
    assert_eq!(find(&body, "org")[0]["value"], "Swiss foreign ministry");
    assert_eq!(
        find(&body, "org")[0]["highlighted"],
        "<mark>Swiss for</mark>eign ministry"
    );

    let (_, body) = call(&app, "GET", "/suggest?q=wildf", None, &[]).await;
    assert_eq!(find(&body, "tag")[0]["value"], "Wildfires");
}

#[tokio::test]
async fn a_typo_in_the_prefix_is_forgiven() {
    let app = demo_app(None, None);
    let (_, body) = call(&app, "GET", "/suggest?q=genva", None, &[]).await;
    assert_eq!(find(&body, "location")[0]["value"], "Geneva");
    let (_, body) = call(&app, "GET", "/suggest?q=wildfr", None, &[]).await;
    assert_eq!(find(&body, "tag")[0]["value"], "Wildfires");
    // Three letters are too few to guess at.
    let (_, body) = call(&app, "GET", "/suggest?q=gne", None, &[]).await;
    assert!(find(&body, "location").is_empty());
}

#[tokio::test]
async fn an_empty_prefix_suggests_nothing_and_bad_limits_are_400() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/suggest?q=", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["suggestions"], serde_json::json!([]));
    let (status, body) = call(&app, "GET", "/suggest?q=gen&limit=0", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_query"))
    );
    let (status, _) = call(&app, "GET", "/suggest?q=gen&colour=red", None, &[]).await;
    assert_eq!(status, 400);
}
