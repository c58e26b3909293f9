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
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["parameter"].as_str()
        ),
        (400, Some("bad_request"), Some("limit"))
    );
    let (status, _) = call(&app, "GET", "/suggest?q=gen&colour=red", None, &[]).await;
    assert_eq!(status, 400);
}

/// A suggestion's `count` is its articles and `recent` those published in
/// the 30 days up to the newest article: the same numbers a filtered
/// search gives, for every tag and place of the demo index.
#[tokio::test]
async fn counts_and_recent_counts_agree_with_filtered_searches() {
    let app = demo_app(None, None);
    let (_, newest) = call(&app, "GET", "/search?sort=newest&limit=1", None, &[]).await;
    let newest = chrono::DateTime::parse_from_rfc3339(
        newest["hits"][0]["published_at"]
            .as_str()
            .expect("the newest article has a date"),
    )
    .expect("RFC 3339");
    let from = (newest - chrono::Duration::days(30))
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (mut checked, mut some_recent, mut some_older) = (0, false, false);
    for (field, kind) in [("tag", "tag"), ("location", "location")] {
        let (_, values) = call(&app, "GET", &format!("/facets/{field}?limit=20"), None, &[]).await;
        for value in values["values"].as_array().expect("values") {
            let value = value["value"].as_str().expect("a value");
            let prefix: String = value.chars().take(4).collect();
            let path = format!("/suggest?q={}&limit=20", urlencode(&prefix));
            let (_, body) = call(&app, "GET", &path, None, &[]).await;
            let Some(suggestion) = find(&body, kind)
                .into_iter()
                .find(|suggestion| suggestion["value"] == value)
            else {
                continue;
            };
            let filter = format!("{field}={}", urlencode(value));
            let (_, all) = call(&app, "GET", &format!("/search?{filter}&limit=1"), None, &[]).await;
            let (_, recent) = call(
                &app,
                "GET",
                &format!("/search?{filter}&from={}&limit=1", urlencode(&from)),
                None,
                &[],
            )
            .await;
            assert_eq!(suggestion["count"], all["total"], "{kind} {value}");
            assert_eq!(suggestion["recent"], recent["total"], "{kind} {value}");
            some_recent |= recent["total"].as_u64() > Some(0);
            some_older |= recent["total"].as_u64() < all["total"].as_u64();
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} values checked");
    assert!(
        some_recent && some_older,
        "the demo's dates should give both"
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
