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
    let (status, body) = call(
        &app,
        "GET",
        "/search?q=ceasefire%20AND&syntax=strict",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_query");
    assert_eq!(body["error"]["position"], 10);
    // Read leniently (the default), the same text is its words.
    let (status, body) = call(&app, "GET", "/search?q=ceasefire%20AND", None, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["query"]["interpreted_as"], "ceasefire");
    assert!(body["total"].as_u64() > Some(0));
    let (status, body) = call(&app, "GET", "/search?limit=1000", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
    assert_eq!(body["error"]["parameter"], "limit", "{body}");
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

#[tokio::test]
async fn cursor_paging_walks_every_hit_once_in_order() {
    let app = demo_app(None, None);
    let (_, everything) = call(&app, "GET", "/search?sort=newest&limit=100", None, &[]).await;
    let expected: Vec<String> = everything["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(expected.len(), crate::support::FIXTURE_ARTICLES as usize);
    assert!(
        everything["next_cursor"].is_null(),
        "one page held everything"
    );

    for sort in ["newest", "oldest", "relevance", "recency"] {
        let mut seen: Vec<String> = Vec::new();
        let mut cursor = String::new();
        for _ in 0..10 {
            let path = format!("/search?sort={sort}&limit=4&cursor={cursor}");
            let (status, page) = call(&app, "GET", &path, None, &[]).await;
            assert_eq!(status, 200, "{page}");
            seen.extend(
                page["hits"]
                    .as_array()
                    .expect("hits")
                    .iter()
                    .map(|hit| hit["id"].as_str().unwrap_or_default().to_string()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), expected.len(), "{sort}: every hit once");
        if sort == "newest" {
            assert_eq!(seen, expected);
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: no hit twice");
    }

    let (status, body) = call(
        &app,
        "GET",
        "/search?sort=newest&cursor=nonsense",
        None,
        &[],
    )
    .await;
    assert_eq!(
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["parameter"].as_str()
        ),
        (400, Some("bad_request"), Some("cursor"))
    );
    let (_, first) = call(&app, "GET", "/search?sort=newest&limit=2", None, &[]).await;
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let (status, _) = call(
        &app,
        "GET",
        &format!("/search?sort=oldest&cursor={cursor}"),
        None,
        &[],
    )
    .await;
    assert_eq!(status, 400, "a cursor belongs to its sort");
}

#[tokio::test]
async fn recency_puts_the_fresh_article_first_among_equals() {
    let app = demo_app(None, None);
    let now = chrono::Utc::now();
    let write = [("content-type", "application/x-ndjson")];
    let batch = [("old", now - chrono::Duration::days(30)), ("fresh", now - chrono::Duration::hours(1))]
        .iter()
        .map(|(id, time)| {
            json!({ "id": id, "title": "Glacier retreat measured", "body": "The glacier retreated.", "published_at": time.to_rfc3339() })
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (status, _) = call(&app, "POST", "/articles?refresh=true", Some(&batch), &write).await;
    assert_eq!(status, 200);
    let (_, recency) = call(
        &app,
        "GET",
        "/search?q=glacier&sort=recency&half_life=7d",
        None,
        &[],
    )
    .await;
    assert_eq!(recency["hits"][0]["id"], "fresh");
    assert_eq!(recency["hits"][1]["id"], "old");
    let fresh = recency["hits"][0]["score"].as_f64().expect("score");
    let old = recency["hits"][1]["score"].as_f64().expect("score");
    assert!(
        fresh > old * 2.0,
        "a month at a 7-day half-life weighs: {fresh} vs {old}"
    );
    let (status, body) = call(
        &app,
        "GET",
        "/search?q=glacier&sort=recency&half_life=soon",
        None,
        &[],
    )
    .await;
    assert_eq!(
        (
            status,
            body["error"]["code"].as_str(),
            body["error"]["parameter"].as_str()
        ),
        (400, Some("bad_request"), Some("half_life"))
    );
}

#[tokio::test]
async fn typo_tolerance_and_prefix_serve_a_search_box() {
    let app = demo_app(None, None);
    let (_, strict) = call(&app, "GET", "/search?q=ceasfire&typo=off", None, &[]).await;
    assert_eq!(strict["total"], 0);
    // By default, words that find nothing as typed fall back to their near
    // spellings, and the response says so.
    let (_, fallback) = call(&app, "GET", "/search?q=ceasfire", None, &[]).await;
    assert_eq!(fallback["total"], 2);
    assert_eq!(fallback["query"]["near_spellings"], true);
    let (_, found) = call(&app, "GET", "/search?q=ceasefire", None, &[]).await;
    assert!(found.get("query").is_none(), "{found}");
    let (_, tolerant) = call(&app, "GET", "/search?q=ceasfire&typo=auto", None, &[]).await;
    assert_eq!(tolerant["total"], 2);
    for hit in tolerant["hits"].as_array().expect("hits") {
        let title = hit["highlights"]["title"]
            .as_str()
            .expect("title")
            .to_lowercase();
        assert!(
            title.contains("<mark>ceasefire</mark>"),
            "the near spelling is marked: {title}"
        );
    }
    // Four letters are too short to guess at.
    let (_, short) = call(&app, "GET", "/search?q=gaz&typo=auto", None, &[]).await;
    assert_eq!(short["total"], 0);

    let (_, typing) = call(
        &app,
        "GET",
        "/search?q=marathon%20vale&prefix=true&match=all",
        None,
        &[],
    )
    .await;
    assert_eq!(typing["total"], 1);
    assert_eq!(
        typing["hits"][0]["highlights"]["title"],
        "<mark>Marathon</mark> record falls in <mark>Valencia</mark>"
    );
    // A trailing space ends the word.
    let (_, finished) = call(
        &app,
        "GET",
        "/search?q=marathon%20vale%20&prefix=true&match=all",
        None,
        &[],
    )
    .await;
    assert_eq!(finished["total"], 0);
    let (_, both) = call(
        &app,
        "GET",
        "/search?q=telescpe%20galax&prefix=true&typo=auto&match=all",
        None,
        &[],
    )
    .await;
    assert_eq!(both["total"], 1);
}

#[tokio::test]
async fn histogram_counts_matches_over_time() {
    let app = demo_app(None, None);
    let (status, body) = call(
        &app,
        "GET",
        "/search?histogram=month&from=2025-01-01",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let buckets = body["histogram"].as_array().expect("histogram");
    let counts: Vec<(String, u64)> = buckets
        .iter()
        .map(|bucket| {
            (
                bucket["start"].as_str().unwrap_or_default().to_string(),
                bucket["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("2025-01-01T00:00:00Z".to_string(), 3),
            ("2025-02-01T00:00:00Z".to_string(), 3),
            ("2025-03-01T00:00:00Z".to_string(), 1)
        ]
    );
    let (status, body) = call(&app, "GET", "/search?histogram=hour", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );
}

/// `limit=0` asks for counts alone, as a dashboard or a facet sidebar does:
/// the same total, facets and histogram as a page of hits, and no hits.
#[tokio::test]
async fn a_page_of_none_counts_like_a_page_of_hits() {
    let app = demo_app(None, None);
    for query in [
        "q=",
        "q=ceasefire",
        "q=ceasefire&facets=tag,source&tag=Diplomacy&tag=Energy",
        "q=&facets=language,person&histogram=month",
        "q=talks%20OR%20energy&from=2025-01-01&histogram=day",
        "q=geneva%20talk&prefix=true&typo=auto&facets=tag",
        "q=zeppelin&facets=tag",
    ] {
        let (status, page) = call(
            &app,
            "GET",
            &format!("/search?{query}&limit=100"),
            None,
            &[],
        )
        .await;
        assert_eq!(status, 200, "{query}: {page}");
        let (status, counts) =
            call(&app, "GET", &format!("/search?{query}&limit=0"), None, &[]).await;
        assert_eq!(status, 200, "{query}: {counts}");
        assert_eq!(counts["hits"], json!([]), "{query}");
        assert_eq!(counts["next_cursor"], json!(null), "{query}");
        for key in ["total", "facets", "histogram"] {
            assert_eq!(counts[key], page[key], "{query}: {key}");
        }
        if query != "q=zeppelin&facets=tag" {
            assert!(page["total"].as_u64() > Some(0), "{query}: {page}");
        }
        if query.contains("histogram") {
            assert!(
                page["histogram"].as_array().is_some_and(|b| !b.is_empty()),
                "{query}: {page}"
            );
        }
    }
}

/// A search without highlights reads hits without their bodies; every
/// field it shows is the one a highlighted search shows.
#[tokio::test]
async fn hits_without_highlights_show_the_same_fields() {
    let app = demo_app(None, None);
    let (_, plain) = call(&app, "GET", "/search?limit=100&highlight=false", None, &[]).await;
    let (_, marked) = call(&app, "GET", "/search?limit=100", None, &[]).await;
    let plain = plain["hits"].as_array().expect("hits").clone();
    let mut marked = marked["hits"].as_array().expect("hits").clone();
    assert!(plain.len() > 10, "{plain:?}");
    for hit in &mut marked {
        let highlights = hit.as_object_mut().and_then(|hit| hit.remove("highlights"));
        assert!(highlights.is_some(), "{hit}");
    }
    assert_eq!(plain, marked);
    assert!(
        plain
            .iter()
            .any(|hit| hit["entities"].as_array().is_some_and(|e| !e.is_empty()))
    );
}

#[tokio::test]
async fn filter_and_facet_aliases_mean_the_same_on_every_route() {
    let app = demo_app(None, None);
    let (_, canonical) = call(&app, "GET", "/search?tag=Energy&facets=tag", None, &[]).await;
    assert_eq!(canonical["total"], 2);
    // The catalogue's aliases: `tags` for tag, `lang` for language.
    let (status, alias) = call(&app, "GET", "/search?tags=Energy&facets=tags", None, &[]).await;
    assert_eq!(status, 200, "{alias}");
    assert_eq!(alias["total"], canonical["total"]);
    assert_eq!(alias["facets"]["tag"], canonical["facets"]["tag"]);
    let body = r#"{"filters": {"tags": ["Energy"]}, "facets": ["tags"]}"#;
    let (_, posted) = call(&app, "POST", "/search", Some(body), &[]).await;
    assert_eq!(posted["total"], canonical["total"]);
    assert_eq!(posted["facets"]["tag"], canonical["facets"]["tag"]);
    let (_, lang) = call(&app, "GET", "/search?lang=de", None, &[]).await;
    let (_, language) = call(&app, "GET", "/search?language=de", None, &[]).await;
    assert_eq!(
        (lang["total"].clone(), language["total"].clone()),
        (1.into(), 1.into())
    );
    // A name no facet field declares is refused, naming the known ones.
    let body = r#"{"filters": {"colour": ["red"]}}"#;
    let (status, refused) = call(&app, "POST", "/search", Some(body), &[]).await;
    assert_eq!(status, 400);
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("unknown facet field `colour`")),
        "{refused}"
    );
}

/// `/metrics` and `/ready` stayed open under a read key; `/health` (a
/// liveness probe) and the page stay open.
#[tokio::test]
async fn every_read_route_needs_the_read_key_but_health() {
    let app = demo_app(Some("write-key"), Some("read-key"));
    for path in [
        "/ready",
        "/metrics",
        "/suggest?q=gen",
        "/facets/tag",
        "/articles/nd-2025-0102",
        "/indexes",
    ] {
        let (status, _) = call(&app, "GET", path, None, &[]).await;
        assert_eq!(status, 401, "{path}");
        let (status, _) = call(
            &app,
            "GET",
            path,
            None,
            &[("authorization", "Bearer read-key")],
        )
        .await;
        assert_eq!(status, 200, "{path}");
    }
    for path in ["/health", "/"] {
        let (status, _) = call(&app, "GET", path, None, &[]).await;
        assert_eq!(status, 200, "{path}");
    }
}

/// The key is checked before the body is read: a large body without a key
/// is refused as unauthorised, not read up to the size limit first.
#[tokio::test]
async fn a_write_without_its_key_is_refused_before_its_body_is_read() {
    let app = demo_app(Some("write-key"), None);
    let body = format!(r#"{{"title":"Big","body":"{}"}}"#, "x".repeat(200_000));
    for (method, path) in [("PUT", "/articles/big"), ("POST", "/articles")] {
        let (status, answer) = call(&app, method, path, Some(&body), &[]).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (401, Some("unauthorized")),
            "{method} {path}"
        );
    }
    let (status, _) = call(
        &app,
        "PUT",
        "/articles/big",
        Some(&body),
        &[("authorization", "Bearer write-key")],
    )
    .await;
    assert_eq!(status, 413, "over the 64 KiB limit once the key is good");
}

/// A pasted paragraph of 230 words (with typo tolerance and prefixes, the
/// costliest reading) overflowed the stack and killed the server: every
/// route that reads `q` answers it.
#[tokio::test]
async fn a_230_word_query_is_answered_on_every_route() {
    let app = demo_app(None, None);
    let words = vec!["abcdef"; 230].join("+");
    let spaced = vec!["abcdef"; 230].join(" ");
    let gets = [
        format!("/search?typo=auto&prefix=true&q={words}"),
        format!("/search?q={words}&match=all"),
        format!("/suggest?q={words}"),
        format!("/facets/tag?q={words}"),
        format!("/indexes/articles/search?q={words}"),
    ];
    for path in &gets {
        let (status, body) = call(&app, "GET", path, None, &[]).await;
        // The search box's routes take a short prefix and refuse a
        // paragraph with the bound; the searches read it.
        let refused_with_bound = status == 400
            && body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.contains("longer than"));
        let search_box = path.starts_with("/suggest") || path.starts_with("/facets");
        assert!(
            status == 200 || (search_box && refused_with_bound),
            "{path}: {status} {body}"
        );
    }
    let posts = [
        (
            "/search",
            serde_json::json!({ "q": spaced, "typo": "auto", "prefix": true }),
        ),
        (
            "/indexes/articles/search",
            serde_json::json!({ "q": vec!["abcdef"; 300].join(" ") }),
        ),
        (
            "/multi-search",
            serde_json::json!({ "queries": [{ "indexUid": "articles", "q": spaced }] }),
        ),
        (
            "/indexes/articles/facet-search",
            serde_json::json!({ "facetName": "tags", "facetQuery": "ab", "q": spaced }),
        ),
    ];
    for (path, body) in &posts {
        let (status, answer) = call(&app, "POST", path, Some(&body.to_string()), &[]).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
}

/// `offset + limit` wrapped: a huge offset was answered 200.
#[tokio::test]
async fn a_huge_offset_is_refused_not_wrapped() {
    let app = demo_app(None, None);
    for path in [
        format!("/search?q=ceasefire&offset={}", usize::MAX),
        format!("/indexes/articles/search?q=ceasefire&offset={}", usize::MAX),
        format!(
            "/indexes/articles/search?q=ceasefire&page={}&hitsPerPage=20",
            usize::MAX
        ),
    ] {
        let (status, body) = call(&app, "GET", &path, None, &[]).await;
        assert_eq!(status, 400, "{path}: {body}");
    }
}

/// One request model decoded by serde for the query string and the JSON
/// body: the same parameters, the same values, the same refusals.
#[tokio::test]
async fn get_and_post_read_the_same_parameters_the_same_way() {
    let app = demo_app(None, None);
    // Facets as a comma list or repeated keys; switches as words, digits
    // or JSON booleans; `typo=true` is `auto` on both.
    let (status, listed) = call(
        &app,
        "GET",
        "/search?q=ceasefir&facets=tag,source&typo=true&highlight=0",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{listed}");
    let (_, repeated) = call(
        &app,
        "GET",
        "/search?q=ceasefir&facets=tag&facets=source&typo=auto&highlight=off",
        None,
        &[],
    )
    .await;
    let body =
        json!({"q": "ceasefir", "facets": ["tag", "source"], "typo": true, "highlight": false});
    let (status, posted) = call(&app, "POST", "/search", Some(&body.to_string()), &[]).await;
    assert_eq!(status, 200, "{posted}");
    assert!(
        listed["total"].as_u64().is_some_and(|total| total >= 2),
        "{listed}"
    );
    for other in [&repeated, &posted] {
        assert_eq!(other["total"], listed["total"]);
        assert_eq!(other["facets"], listed["facets"]);
    }
    assert!(listed["hits"][0]["highlights"].is_null(), "{listed}");
    assert_eq!(listed["facets"]["source"].as_array().map(Vec::len), Some(2));

    // A misspelt parameter is refused with the list of those the route
    // takes; a value of the wrong type names its parameter.
    let (status, refused) = call(&app, "GET", "/search?q=a&limt=5", None, &[]).await;
    assert_eq!(status, 400);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("unknown field `limt`") && message.contains("`limit`"),
        "{message}"
    );
    let (status, refused) = call(&app, "GET", "/search?q=a&limit=ten", None, &[]).await;
    assert_eq!(status, 400);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("`limit`"), "{message}");
    let (status, refused) = call(&app, "GET", "/search?q=a&highlight=maybe", None, &[]).await;
    assert_eq!(status, 400);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`highlight`") && message.contains("maybe"),
        "{message}"
    );
    // The prefix lookups and the write routes decode theirs the same way.
    let (status, refused) = call(&app, "GET", "/suggest?q=ru&lmit=3", None, &[]).await;
    assert_eq!(status, 400, "{refused}");
    let (status, refused) = call(&app, "GET", "/facets/tag?q=en&limit=-1", None, &[]).await;
    assert_eq!(status, 400, "{refused}");
}

/// `fields` narrows the fields words search (Meilisearch's
/// `attributesToSearchOn`): by name or alias, refused with the list when
/// no such field can be searched.
#[tokio::test]
async fn fields_narrow_where_words_are_looked_for() {
    let app = demo_app(None, None);
    let total = |body: &serde_json::Value| body["total"].as_u64().unwrap_or(0);
    let (_, everywhere) = call(&app, "GET", "/search?q=geneva", None, &[]).await;
    let (status, titles) = call(&app, "GET", "/search?q=geneva&fields=title", None, &[]).await;
    assert_eq!(status, 200, "{titles}");
    assert!(total(&titles) >= 1, "{titles}");
    assert!(total(&titles) < total(&everywhere), "{titles} {everywhere}");
    for hit in titles["hits"].as_array().into_iter().flatten() {
        let title = hit["title"].as_str().unwrap_or_default();
        assert!(title.to_lowercase().contains("geneva"), "{title}");
    }
    // The location facet's text, by its alias, finds what the title alone
    // does not.
    let (_, places) = call(
        &app,
        "GET",
        "/search?q=geneva&fields=title,place",
        None,
        &[],
    )
    .await;
    assert!(total(&places) >= total(&titles), "{places}");
    let body = json!({"q": "geneva", "fields": ["title"]});
    let (_, posted) = call(&app, "POST", "/search", Some(&body.to_string()), &[]).await;
    assert_eq!(posted["total"], titles["total"]);
    let meili = json!({"q": "geneva", "attributesToSearchOn": ["title"]});
    let (_, meili) = call(
        &app,
        "POST",
        "/indexes/articles/search",
        Some(&meili.to_string()),
        &[],
    )
    .await;
    assert_eq!(meili["estimatedTotalHits"], titles["total"], "{meili}");
    let (status, refused) = call(&app, "GET", "/search?q=geneva&fields=id", None, &[]).await;
    assert_eq!(status, 400);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("searchable fields are title, summary, body"),
        "{message}"
    );
}

/// `auto` picks the interval and says which; every interval's answer is
/// within the bucket cap.
#[tokio::test]
async fn histograms_say_their_interval_and_stay_bounded() {
    let app = demo_app(None, None);
    let mut auto_interval = String::new();
    for (asked, used, most) in [
        ("day", "day", 1_000),
        ("year", "year", 1_000),
        ("auto", "", 100),
    ] {
        let (status, body) = call(
            &app,
            "GET",
            &format!("/search?limit=0&histogram={asked}"),
            None,
            &[],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let interval = body["histogram_interval"].as_str().expect("an interval");
        if used.is_empty() {
            auto_interval = interval.to_string();
        } else {
            assert_eq!(interval, used, "{asked}: {body}");
        }
        let buckets = body["histogram"].as_array().expect("buckets");
        assert!(
            !buckets.is_empty() && buckets.len() <= most,
            "{asked}: {}",
            buckets.len()
        );
        let counted: u64 = buckets
            .iter()
            .filter_map(|bucket| bucket["count"].as_u64())
            .sum();
        let (_, dated) = call(&app, "GET", "/search?limit=0&from=1900-01-01", None, &[]).await;
        assert_eq!(Some(counted), dated["total"].as_u64(), "{asked}");
    }
    assert!(
        ["day", "week", "month"].contains(&auto_interval.as_str()),
        "{auto_interval}"
    );
    let (status, body) = call(&app, "GET", "/search?histogram=hour", None, &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("`year`, `auto`")),
        "{body}"
    );
}

/// The API's contract is served as the repository keeps it, open even
/// behind a read key.
#[tokio::test]
async fn the_openapi_contract_is_served() {
    let app = demo_app(Some("write"), Some("read"));
    let response = tower::ServiceExt::oneshot(
        app,
        axum::http::Request::get("/openapi.yaml")
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await
    .expect("answers");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|value| value.starts_with("application/yaml"))
    );
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    let expected = std::fs::read(crate::support::project_dir().join("schema/openapi.yaml"))
        .expect("the contract");
    assert_eq!(body.as_ref(), expected.as_slice());
}
