//! The Meilisearch-compatible routes against the in-process router.

use serde_json::json;

use crate::support::{call, demo_app};

/// POSTs a JSON body; returns the status and the JSON answer.
async fn post(app: &axum::Router, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    call(app, "POST", path, Some(&body.to_string()), &[]).await
}

#[tokio::test]
async fn multi_search_maps_filters_facets_highlights_and_pages() {
    let app = demo_app(None, None);
    let body = json!({"queries": [{
        "indexUid": "articles",
        "q": "ceasefire",
        "filter": [["\"location\"=\"Geneva\""], "\"published_at\" >= 1736726400"],
        "facets": ["tag", "location"],
        "attributesToHighlight": ["*"],
        "highlightPreTag": "__ais-highlight__",
        "highlightPostTag": "__/ais-highlight__",
        "hitsPerPage": 1,
        "page": 2
    }]});
    let (status, body) = post(&app, "/multi-search", body).await;
    assert_eq!(status, 200, "{body}");
    let result = &body["results"][0];
    assert_eq!(result["indexUid"], "articles");
    assert_eq!(result["totalHits"], 2);
    assert_eq!(result["totalPages"], 2);
    assert_eq!(result["page"], 2);
    assert_eq!(result["hits"].as_array().map(Vec::len), Some(1));
    assert_eq!(result["facetDistribution"]["location"]["Geneva"], 2);
    let formatted = result["hits"][0]["_formatted"]["body"]
        .as_str()
        .unwrap_or_default();
    assert!(formatted.contains("__ais-highlight__"), "{formatted}");
    assert!(!formatted.contains("<mark>"), "{formatted}");
}

#[tokio::test]
async fn get_search_reads_query_parameters_and_sorts_by_date() {
    let app = demo_app(None, None);
    let (status, body) = call(
        &app,
        "GET",
        "/indexes/articles/search?q=&filter=tag%20%3D%20Ceasefire&sort=published_at:asc&limit=5&attributesToRetrieve=id,title",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["estimatedTotalHits"], 2);
    assert_eq!(body["limit"], 5);
    let hits = body["hits"].as_array().expect("hits");
    assert_eq!(
        hits[0]["title"],
        "Ceasefire talks resume in Geneva with new mediators"
    );
    let keys: Vec<&String> = hits[0].as_object().expect("object").keys().collect();
    assert_eq!(keys, vec!["id", "title"]);
}

#[tokio::test]
async fn an_unsupported_filter_is_meilisearchs_error_shape() {
    let app = demo_app(None, None);
    let body = json!({"q": "", "filter": "tag = Ceasefire OR source = Wire"});
    let (status, body) = post(&app, "/indexes/articles/search", body).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "invalid_search_filter");
    assert_eq!(body["type"], "invalid_request");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("different fields")
    );
    let body = json!({"sort": ["title:asc"]});
    let (status, body) = post(&app, "/indexes/articles/search", body).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_search_sort"))
    );
    let (status, body) = post(
        &app,
        "/indexes/articles/facet-search",
        json!({"facetName": "*", "facetQuery": "gen"}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
    let (status, body) = call(&app, "GET", "/indexes/movies", None, &[]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("index_not_found"))
    );
}

#[tokio::test]
async fn an_empty_result_still_counts_and_index_information_answers() {
    let app = demo_app(None, None);
    let body = json!({"q": "zzzyqx", "facets": ["tag"]});
    let (status, body) = post(&app, "/indexes/articles/search", body).await;
    assert_eq!(status, 200);
    assert_eq!(body["estimatedTotalHits"], 0);
    assert_eq!(body["hits"], json!([]));
    assert_eq!(body["facetDistribution"]["tag"], json!({}));
    let (status, info) = call(&app, "GET", "/indexes/articles", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(info["primaryKey"], "id");
    let (_, list) = call(&app, "GET", "/indexes", None, &[]).await;
    assert_eq!(list["total"], 1);
    let facet = json!({"facetName": "person", "facetQuery": "cass"});
    let (status, values) = post(&app, "/indexes/articles/facet-search", facet).await;
    assert_eq!(status, 200);
    assert_eq!(values["facetHits"][0]["value"], "Ignazio Cassis");
}

#[tokio::test]
async fn a_read_key_guards_the_meilisearch_routes_too() {
    let app = demo_app(Some("write"), Some("read"));
    let body = json!({"queries": [{"indexUid": "articles", "q": "gas"}]}).to_string();
    let (status, error) = call(&app, "POST", "/multi-search", Some(&body), &[]).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (401, Some("missing_authorization_header"))
    );
    let (status, _) = call(
        &app,
        "POST",
        "/multi-search",
        Some(&body),
        &[("authorization", "Bearer read")],
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn filters_and_facets_take_every_name_the_field_catalogue_gives() {
    let app = demo_app(None, None);
    // `place` and `tags` are catalogue aliases of location and tag, as on
    // newsdex's own routes; the answer keeps the name asked for.
    let by_alias = json!({
        "q": "ceasefire",
        "filter": "place = Geneva AND date >= 1736726400",
        "facets": ["tags", "place"]
    });
    let (status, aliased) = post(&app, "/indexes/articles/search", by_alias).await;
    assert_eq!(status, 200, "{aliased}");
    let by_name = json!({
        "q": "ceasefire",
        "filter": "location = Geneva AND published_at >= 1736726400",
        "facets": ["tag", "location"]
    });
    let (_, named) = post(&app, "/indexes/articles/search", by_name).await;
    assert_eq!(aliased["estimatedTotalHits"], 2);
    assert_eq!(aliased["estimatedTotalHits"], named["estimatedTotalHits"]);
    assert_eq!(
        aliased["facetDistribution"]["place"],
        named["facetDistribution"]["location"]
    );
    assert_eq!(
        aliased["facetDistribution"]["tags"],
        named["facetDistribution"]["tag"]
    );
    // A field that is not a facet is refused with the catalogue's list.
    let (status, refused) = post(
        &app,
        "/indexes/articles/search",
        json!({"q": "", "filter": "title = Geneva"}),
    )
    .await;
    assert_eq!(status, 400);
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(message.contains("misc"), "{message}");
}

#[tokio::test]
async fn get_search_takes_comma_lists_and_repeated_filters() {
    let app = demo_app(None, None);
    let (status, got) = call(
        &app,
        "GET",
        "/indexes/articles/search?q=ceasefire&facets=tag,location&filter=location%20%3D%20Geneva&filter=published_at%20%3E%3D%201736726400",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let (_, posted) = post(
        &app,
        "/indexes/articles/search",
        json!({
            "q": "ceasefire",
            "facets": ["tag", "location"],
            "filter": ["location = Geneva", "published_at >= 1736726400"]
        }),
    )
    .await;
    assert_eq!(got["estimatedTotalHits"], 2);
    assert_eq!(got["estimatedTotalHits"], posted["estimatedTotalHits"]);
    assert_eq!(got["facetDistribution"], posted["facetDistribution"]);
    assert_eq!(got["facetDistribution"]["location"]["Geneva"], 2);
    let (status, refused) = call(
        &app,
        "GET",
        "/indexes/articles/search?limit=many",
        None,
        &[],
    )
    .await;
    assert_eq!(status, 400, "{refused}");
}
