//! `/articles` and `/articles/{id}` against the real router.

use serde_json::json;

use crate::support::{call, demo_app};

const WRITE: (&str, &str) = ("authorization", "Bearer secret");

#[tokio::test]
async fn get_returns_the_stored_article_or_404() {
    let app = demo_app(Some("secret"), None);
    let (status, body) = call(&app, "GET", "/articles/nd-2025-0102", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["language"], "fr");
    let (status, body) = call(&app, "GET", "/articles/absent", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[tokio::test]
async fn put_creates_then_updates_and_delete_removes() {
    let app = demo_app(Some("secret"), None);
    let article = json!({ "title": "Zeppelin lands in a field", "body": "A zeppelin landed safely.", "tags": ["Aviation"] });
    let (status, body) = call(
        &app,
        "PUT",
        "/articles/z1?refresh=true",
        Some(&article.to_string()),
        &[WRITE],
    )
    .await;
    assert_eq!(
        (status, body["result"].as_str()),
        (201, Some("created")),
        "{body}"
    );
    let (_, found) = call(&app, "GET", "/search?q=zeppelin", None, &[]).await;
    assert_eq!(found["total"], 1);

    let (status, body) = call(
        &app,
        "PUT",
        "/articles/z1?refresh=true",
        Some(&article.to_string()),
        &[WRITE],
    )
    .await;
    assert_eq!((status, body["result"].as_str()), (200, Some("updated")));
    let (_, found) = call(&app, "GET", "/search?q=zeppelin", None, &[]).await;
    assert_eq!(found["total"], 1, "an update never duplicates");

    let (status, _) = call(&app, "DELETE", "/articles/z1?refresh=true", None, &[WRITE]).await;
    assert_eq!(status, 200);
    let (_, found) = call(&app, "GET", "/search?q=zeppelin", None, &[]).await;
    assert_eq!(found["total"], 0);
    let (status, _) = call(&app, "DELETE", "/articles/z1", None, &[WRITE]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn writes_need_the_key() {
    let app = demo_app(Some("secret"), None);
    let (status, body) = call(&app, "PUT", "/articles/z2", Some("{\"title\":\"t\"}"), &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, body) = call(
        &app,
        "DELETE",
        "/articles/nd-2025-0101",
        None,
        &[("authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    let (status, _) = call(&app, "GET", "/articles/nd-2025-0101", None, &[]).await;
    assert_eq!(status, 200, "nothing was deleted");
}

#[tokio::test]
async fn post_ingests_ndjson_with_a_result_per_record() {
    let app = demo_app(Some("secret"), None);
    let batch = std::fs::read_to_string("fixtures/invalid/mixed.ndjson").expect("fixture");
    let (status, body) = call(
        &app,
        "POST",
        "/articles?refresh=true",
        Some(&batch),
        &[WRITE, ("content-type", "application/x-ndjson")],
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_records")),
        "{body}"
    );
    let items = body["error"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["result"], "created");
    assert_eq!(items[2]["error"]["field"], "published_at");
    assert_eq!(items[3]["error"]["field"], "title");
    let (_, found) = call(&app, "GET", "/search?q=harbour%20OR%20lifeboat", None, &[]).await;
    assert_eq!(found["total"], 2, "the good records landed");

    let newsapi = std::fs::read_to_string("fixtures/articles/json/newsapi.json").expect("fixture");
    let (status, body) = call(&app, "POST", "/articles", Some(&newsapi), &[WRITE]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["result"], "updated");
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = demo_app(Some("secret"), None);
    let huge = format!(
        "{{\"title\":\"big\",\"body\":\"{}\"}}",
        "x".repeat(100 * 1024)
    );
    let (status, body) = call(&app, "POST", "/articles", Some(&huge), &[WRITE]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
}

/// `PUT /articles/%20dup%20` three times made three documents that GET and
/// DELETE could not find: ids are trimmed and checked once, for every route.
#[tokio::test]
async fn ids_with_spaces_are_one_article_that_get_and_delete_find() {
    let app = demo_app(Some("secret"), None);
    let article = json!({ "title": "Duplicate watch", "body": "One article, three writes." });
    let mut results = Vec::new();
    for _ in 0..3 {
        let (status, body) = call(
            &app,
            "PUT",
            "/articles/%20dup%20?refresh=true",
            Some(&article.to_string()),
            &[WRITE],
        )
        .await;
        results.push((status, body["id"].as_str().map(str::to_string)));
    }
    assert_eq!(
        results,
        vec![
            (201, Some("dup".to_string())),
            (200, Some("dup".to_string())),
            (200, Some("dup".to_string()))
        ]
    );
    let (_, found) = call(&app, "GET", "/search?q=%22duplicate%20watch%22", None, &[]).await;
    assert_eq!(found["total"], 1, "{found}");
    let (status, body) = call(&app, "GET", "/articles/%20dup%20", None, &[]).await;
    assert_eq!((status, body["id"].as_str()), (200, Some("dup")));
    let (status, _) = call(
        &app,
        "DELETE",
        "/articles/dup%20?refresh=true",
        None,
        &[WRITE],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, "GET", "/articles/dup", None, &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn ids_no_route_could_fetch_are_refused() {
    let app = demo_app(Some("secret"), None);
    let long = "x".repeat(newsdex::article::MAX_ID_BYTES + 1);
    let article = json!({ "title": "Long id", "body": "Refused." });
    for path in [format!("/articles/{long}"), "/articles/%20%20".to_string()] {
        let (status, body) = call(&app, "PUT", &path, Some(&article.to_string()), &[WRITE]).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("bad_request")),
            "{path}: {body}"
        );
        let (status, _) = call(&app, "GET", &path, None, &[]).await;
        assert_eq!(status, 400, "{path}");
    }
    let batch = json!({ "id": long, "title": "Long id", "body": "Refused." }).to_string()
        + "\n"
        + &json!({ "id": "short", "title": "Short id", "body": "Lands." }).to_string();
    let (status, body) = call(
        &app,
        "POST",
        "/articles",
        Some(&batch),
        &[WRITE, ("content-type", "application/x-ndjson")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["error"]["message"],
        "1 of 2 records were rejected; the other was indexed"
    );
    let items = body["error"]["items"].as_array().expect("items");
    assert_eq!(items[0]["error"]["field"], "id", "{body}");
    assert_eq!(items[1]["result"], "created", "{body}");
}

/// A 15.6 MB gzip POST drove the server past 3 GB: a posted body inflates
/// to 8× the body limit at most, and past it is one rejected record with
/// the reason; what the batch held before is not half-indexed.
#[tokio::test]
async fn a_gzip_bomb_posted_is_rejected_with_the_reason() {
    use std::io::Write;
    let app = demo_app(Some("secret"), None);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(br#"{"id":"bomb","title":"Bomb","body":""#)
        .expect("compresses");
    // 1 MiB of spaces per write: the demo app's 64 KiB body limit allows
    // 512 KiB inflated.
    encoder.write_all(&vec![b' '; 1 << 20]).expect("compresses");
    let bomb = encoder.finish().expect("finishes");
    assert!(bomb.len() < 64 * 1024, "the bomb fits the body limit");
    let (status, body) = crate::support::call_bytes(
        &app,
        "POST",
        "/articles",
        Some(&bomb),
        &[WRITE, ("content-type", "application/json")],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["items"][0]["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("inflates to more than 512 KiB"), "{body}");
    assert_eq!(
        body["error"]["message"],
        "the record was rejected; nothing was indexed"
    );
    let (status, _) = call(&app, "GET", "/articles/bomb", None, &[]).await;
    assert_eq!(status, 404);
}

/// `POST /articles` picks its reader by Content-Type (or `?format=`):
/// page text, HTML, RSS, Atom, JSON Feed, CSV, JSON and NDJSON each land
/// what they hold; a type no reader takes is 415 and a bad format 400,
/// each with the list.
#[tokio::test]
async fn post_reads_every_format_by_its_content_type() {
    let app = demo_app(Some("secret"), None);
    let fixture = |path: &str| std::fs::read_to_string(path).expect("fixture");
    let cases: &[(&str, String, &str)] = &[
        (
            "text/plain; charset=utf-8",
            fixture("fixtures/articles/pages/eu-gas-storage.txt"),
            "/search?q=gas%20storage",
        ),
        (
            "text/html",
            fixture("fixtures/html/harbour-bridge.html"),
            "/search?q=harbour%20bridge%20reopens",
        ),
        (
            "application/rss+xml",
            fixture("fixtures/articles/feeds/world.rss"),
            "/search?q=wildfires",
        ),
        (
            "application/atom+xml",
            fixture("fixtures/articles/feeds/science.atom"),
            "/search?q=galaxy%20cluster",
        ),
        (
            "text/csv",
            fixture("fixtures/csv/wire.csv"),
            "/search?q=harbour%20pilots",
        ),
        (
            "application/x-ndjson",
            "{\"id\":\"nd-post\",\"title\":\"Glacier retreat measured\",\"body\":\"Glaciers retreated.\"}\n".to_string(),
            "/search?q=glacier",
        ),
    ];
    for (content_type, body, query) in cases {
        let path = "/articles?refresh=true";
        let (status, answer) = call(
            &app,
            "POST",
            path,
            Some(body),
            &[WRITE, ("content-type", content_type)],
        )
        .await;
        // The CSV fixture holds two bad rows: 422 with the others landed.
        let expected = if *content_type == "text/csv" {
            422
        } else {
            200
        };
        assert_eq!(status, expected, "{content_type}: {answer}");
        let (_, found) = call(&app, "GET", query, None, &[]).await;
        assert!(
            found["total"].as_u64().unwrap_or(0) >= 1,
            "{content_type}: {query} finds nothing: {found}"
        );
    }

    // The HTML page is read as a page, its metadata and captions apart.
    let (_, found) = call(
        &app,
        "GET",
        "/search?q=harbour%20bridge%20reopens&limit=1",
        None,
        &[],
    )
    .await;
    assert_eq!(found["hits"][0]["source"], "Example Courier", "{found}");

    // A type that says nothing (curl -d sends a form type) reads the body
    // by its content: NDJSON here.
    let (status, answer) = call(
        &app,
        "POST",
        "/articles?refresh=true",
        Some("{\"id\":\"u1\",\"title\":\"Quay wall repaired\"}\n{\"id\":\"u2\",\"title\":\"Quay cranes replaced\"}\n"),
        &[WRITE, ("content-type", "application/x-www-form-urlencoded")],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["items"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );

    // CSV without a header takes its column names from ?columns=.
    let (status, answer) = call(
        &app,
        "POST",
        "/articles?format=csv&columns=class,title,summary&refresh=true",
        Some("\"3\",\"Dockers vote on new contract\",\"Dockers voted on a new contract.\"\n"),
        &[WRITE, ("content-type", "text/csv")],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (_, found) = call(
        &app,
        "GET",
        "/search?q=dockers%20contract&limit=1",
        None,
        &[],
    )
    .await;
    assert_eq!(
        found["hits"][0]["title"], "Dockers vote on new contract",
        "{found}"
    );

    // ?format= wins over the type.
    let page = fixture("fixtures/articles/pages/plain-markets.txt");
    let (status, answer) = call(
        &app,
        "POST",
        "/articles?format=page&refresh=true",
        Some(&page),
        &[WRITE, ("content-type", "application/json")],
    )
    .await;
    assert_eq!(status, 200, "{answer}");

    let (status, answer) = call(
        &app,
        "POST",
        "/articles",
        Some("%PDF-1.4"),
        &[WRITE, ("content-type", "application/pdf")],
    )
    .await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("text/html") && message.contains("text/csv"),
        "{message}"
    );

    let (status, answer) = call(&app, "POST", "/articles?format=docx", Some("{}"), &[WRITE]).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    assert_eq!(answer["error"]["parameter"], "format", "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("csv")),
        "{answer}"
    );
}
