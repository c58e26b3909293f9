//! Regression tests of what people type, each named after what broke:
//! every query runs through the CLI binary and the HTTP router over the
//! same articles, which must agree.

use tempfile::TempDir;

use crate::support::{call, newsdex, search_json};

/// Articles written for these tests, as NDJSON: the seed page's headline,
/// news with stop words and colons in their headlines, French with
/// accents, and neighbours that share some of their words.
const ARTICLES: &str = r#"{"id": "rutte", "title": "Rutte on security guarantees", "body": "NATO Secretary General Mark Rutte said Europe is ready to step up security guarantees for Ukraine as the war in Ukraine enters its fourth year.", "tags": ["NATO", "Ukraine"], "entities": [{"type": "person", "name": "Mark Rutte"}], "language": "en", "published_at": "2025-02-18T10:25:00Z"}
{"id": "grain", "title": "Ukraine grain exports rise despite attacks on ports", "body": "Grain shipments from Odesa rose in January, traders said.", "tags": ["Ukraine", "Agriculture"], "language": "en", "published_at": "2025-02-10T08:00:00Z"}
{"id": "war-history", "title": "A museum of the Second World War reopens", "body": "The war museum in Gdansk reopened after a year of renovation.", "language": "en", "published_at": "2025-01-20T08:00:00Z"}
{"id": "workforce", "title": "Japan's ageing workforce: built to last", "body": "Older workers are staying in jobs longer across Japan, as factories adapt their lines.", "language": "en", "published_at": "2025-01-05T08:00:00Z"}
{"id": "inflation", "title": "Inflation slows as energy prices fall", "body": "Consumer prices rose 2.1 percent in the year to January, as the inflation rate eased for a third month.", "language": "en", "published_at": "2025-02-12T08:00:00Z"}
{"id": "oil", "title": "The price of oil climbs after supply cuts", "body": "Brent crude rose 3 percent as producers cut supply.", "language": "en", "published_at": "2025-02-14T08:00:00Z"}
{"id": "rates", "title": "Central bank holds interest rates", "body": "The central bank kept interest rates unchanged, saying rates would stay high.", "language": "en", "published_at": "2025-02-13T08:00:00Z"}
{"id": "bank-of-england", "title": "Bank of England warns on mortgages", "body": "The Bank of England said mortgage costs would keep rising.", "language": "en", "published_at": "2025-02-11T08:00:00Z"}
{"id": "bank-for-england", "title": "A new bank for England's north", "body": "A development bank for England's northern regions opened in Leeds.", "language": "en", "published_at": "2025-02-09T08:00:00Z"}
{"id": "etats-unis", "title": "Les États-Unis relèvent leurs droits de douane", "body": "Les États-Unis ont annoncé de nouveaux droits de douane sur l'acier.", "language": "fr", "published_at": "2025-02-15T08:00:00Z"}
{"id": "cocoa", "title": "Cocoa prices hit a record as harvests fail", "body": "Cocoa futures rose again in London as West African harvests failed.", "language": "en", "published_at": "2025-02-16T08:00:00Z"}
{"id": "rotterdam-1", "title": "Container volumes fall at Rotterdam", "body": "Throughput at the port of Rotterdam fell 4 percent.", "entities": [{"type": "location", "name": "Rotterdam"}], "language": "en", "published_at": "2025-02-01T08:00:00Z"}
{"id": "rotterdam-2", "title": "Dock workers strike in Rotterdam", "body": "Lashers at Rotterdam walked out for a day.", "entities": [{"type": "location", "name": "Rotterdam"}], "language": "en", "published_at": "2025-02-02T08:00:00Z"}
{"id": "rotterdam-3", "title": "New terminal opens in Rotterdam", "body": "A terminal for hydrogen carriers opened in Rotterdam.", "entities": [{"type": "location", "name": "Rotterdam"}], "language": "en", "published_at": "2025-02-03T08:00:00Z"}
{"id": "baker-1", "title": "Baker meets finance ministers", "body": "Treasury Secretary Baker met his counterparts in Paris.", "entities": [{"type": "person", "name": "Baker"}], "language": "en", "published_at": "2025-01-11T08:00:00Z"}
{"id": "baker-2", "title": "Baker says the dollar is stable", "body": "Baker told reporters the currency had found its level.", "entities": [{"type": "person", "name": "Baker"}], "language": "en", "published_at": "2025-01-12T08:00:00Z"}
{"id": "baker-3", "title": "BAKER SEES NO NEED FOR INTERVENTION", "body": "BAKER SAID MARKETS WOULD SETTLE.", "entities": [{"type": "person", "name": "BAKER"}, {"type": "person", "name": "Baker"}], "language": "en", "published_at": "2025-01-13T08:00:00Z"}
{"id": "untagged", "title": "Rail strike halts commuter trains across the region", "body": "Commuters faced a second day without trains as drivers walked out over pay, the operator said.", "published_at": "2025-01-14T08:00:00Z"}
{"id": "coffee", "title": "Coffee and cocoa traders brace for a poor season", "body": "Coffee prices rose; cocoa traders expect a poor season.", "language": "en", "published_at": "2025-02-17T08:00:00Z"}
"#;

/// The same articles behind the CLI (an index directory) and the HTTP
/// router (a server's in-memory index, written through `POST /articles`).
struct Both {
    dir: TempDir,
    app: axum::Router,
}

async fn both() -> Both {
    let dir = TempDir::new().expect("temp dir");
    let input = dir.path().join("articles.ndjson");
    std::fs::write(&input, ARTICLES).expect("writes");
    newsdex(&dir.path().join("index"))
        .args(["index", "--no-entities", "--quiet"])
        .arg(&input)
        .assert()
        .success();
    let index = newsdex::index::NewsIndex::create_in_ram().expect("index");
    let config = newsdex::http::ServeConfig {
        extract_entities: false,
        ..Default::default()
    };
    let app = newsdex::http::router(newsdex::http::AppState::new(index, config).expect("state"));
    let (status, body) = call(
        &app,
        "POST",
        "/articles?refresh=true",
        Some(ARTICLES),
        &[("content-type", "application/x-ndjson")],
    )
    .await;
    assert!(status == 200 || status == 201, "{status} {body}");
    Both { dir, app }
}

impl Both {
    fn index(&self) -> std::path::PathBuf {
        self.dir.path().join("index")
    }

    /// The ids of the hits of a search given as HTTP parameters, asserted
    /// equal through the CLI (`typo`, `prefix`, `lang`, `match` and
    /// `syntax=strict` map to its flags).
    async fn ids(&self, params: &[(&str, &str)]) -> Vec<String> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let (status, body) = call(&self.app, "GET", &format!("/search?{query}"), None, &[]).await;
        assert_eq!(status, 200, "GET /search?{query}: {body}");
        let http = hit_ids(&body);
        let cli = hit_ids(&search_json(&self.index(), &cli_args(params)));
        assert_eq!(cli, http, "the CLI and HTTP agree on {params:?}");
        http
    }
}

fn cli_args<'a>(params: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    let mut args = Vec::new();
    let mut text = "";
    for (key, value) in params {
        match *key {
            "q" => text = value,
            "syntax" if *value == "strict" => args.push("--strict"),
            "prefix" => args.push("--prefix"),
            "typo" => args.extend(["--typo", value]),
            "lang" => args.extend(["--lang", value]),
            "match" => args.extend(["--match", value]),
            other => panic!("no CLI flag for {other}"),
        }
    }
    args.insert(0, text);
    args
}

fn hit_ids(response: &serde_json::Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|hit| hit["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn war_in_ukraine_is_not_lost_to_its_stop_word() {
    let both = both().await;
    let ids = both.ids(&[("q", "war in ukraine")]).await;
    assert_eq!(ids.first().map(String::as_str), Some("rutte"), "{ids:?}");
    // Every word required, the stop word still constrains nothing.
    let all = both.ids(&[("q", "war in ukraine"), ("match", "all")]).await;
    assert_eq!(all, ["rutte"]);
    // Articles holding some of the words follow the one holding all.
    assert!(ids.contains(&"grain".to_string()) && ids.contains(&"war-history".to_string()));
    // `any` matches the same articles, ranked by BM25 alone.
    let mut any = both.ids(&[("q", "war in ukraine"), ("match", "any")]).await;
    let mut most = ids.clone();
    any.sort();
    most.sort();
    assert_eq!(any, most);
}

#[tokio::test]
async fn the_seed_title_finds_the_seed_article() {
    let both = both().await;
    let ids = both.ids(&[("q", "Rutte on security guarantees")]).await;
    assert_eq!(ids.first().map(String::as_str), Some("rutte"), "{ids:?}");
}

#[tokio::test]
async fn price_of_oil_finds_the_price_of_oil() {
    let both = both().await;
    let ids = both.ids(&[("q", "price of oil")]).await;
    assert_eq!(ids.first().map(String::as_str), Some("oil"), "{ids:?}");
}

#[tokio::test]
async fn a_colon_headline_is_words_not_a_field() {
    let both = both().await;
    let ids = both
        .ids(&[("q", "Japan's ageing workforce: built to last")])
        .await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("workforce"),
        "{ids:?}"
    );
    let ids = both.ids(&[("q", "Ukraine: security guarantees")]).await;
    assert_eq!(ids.first().map(String::as_str), Some("rutte"), "{ids:?}");
    // Strict syntax still refuses the unknown field, with its column.
    let (status, body) = call(
        &both.app,
        "GET",
        "/search?q=Ukraine%3Asecurity&syntax=strict",
        None,
        &[],
    )
    .await;
    assert_eq!((status, body["error"]["position"].as_u64()), (400, Some(0)));
}

#[tokio::test]
async fn a_pasted_url_is_read_as_its_words() {
    let both = both().await;
    let ids = both
        .ids(&[(
            "q",
            "https://news.example.org/world/rutte-on-security-guarantees?ref=home",
        )])
        .await;
    assert_eq!(ids.first().map(String::as_str), Some("rutte"), "{ids:?}");
}

#[tokio::test]
async fn unbalanced_quotes_and_brackets_are_read_as_words_and_said_so() {
    let both = both().await;
    for text in [
        "\"security guarantees",
        "(security guarantees",
        "security) AND",
    ] {
        let ids = both.ids(&[("q", text)]).await;
        assert_eq!(
            ids.first().map(String::as_str),
            Some("rutte"),
            "{text}: {ids:?}"
        );
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", text)
            .finish();
        let (_, body) = call(&both.app, "GET", &format!("/search?{query}"), None, &[]).await;
        assert!(
            body["query"]["interpreted_as"]
                .as_str()
                .is_some_and(|words| words.contains("security")),
            "{text}: {body}"
        );
    }
}

#[tokio::test]
async fn rutte_in_suggest_lists_mark_rutte_before_rotterdam() {
    let both = both().await;
    for typed in ["rutte", "rutt"] {
        let (status, body) =
            call(&both.app, "GET", &format!("/suggest?q={typed}"), None, &[]).await;
        assert_eq!(status, 200, "{body}");
        let values: Vec<&str> = body["suggestions"]
            .as_array()
            .expect("suggestions")
            .iter()
            .filter_map(|suggestion| suggestion["value"].as_str())
            .collect();
        assert_eq!(values.first(), Some(&"Mark Rutte"), "{typed}: {values:?}");
        // The near spelling is still offered, after the exact prefix.
        assert!(values.contains(&"Rotterdam"), "{typed}: {values:?}");
    }
}

#[tokio::test]
async fn baker_and_baker_in_capitals_are_one_facet_value() {
    let both = both().await;
    let (_, http) = call(&both.app, "GET", "/search?facets=person&limit=0", None, &[]).await;
    let cli = search_json(&both.index(), &["", "--facets", "person", "--limit", "0"]);
    for response in [&http, &cli] {
        let bakers: Vec<&serde_json::Value> = response["facets"]["person"]
            .as_array()
            .expect("person facet")
            .iter()
            .filter(|value| {
                value["value"]
                    .as_str()
                    .is_some_and(|name| name.eq_ignore_ascii_case("baker"))
            })
            .collect();
        assert_eq!(bakers.len(), 1, "{response}");
        assert_eq!(bakers[0]["value"], "Baker", "the most common spelling");
        assert_eq!(bakers[0]["count"], 3);
    }
    // The count is what the filter finds, whichever spelling it names.
    for spelling in ["BAKER", "Baker", "baker"] {
        let (_, filtered) = call(
            &both.app,
            "GET",
            &format!("/search?person={spelling}&limit=0"),
            None,
            &[],
        )
        .await;
        assert_eq!(filtered["total"], 3, "{spelling}");
    }
    let (_, values) = call(&both.app, "GET", "/facets/person?q=bak", None, &[]).await;
    let names: Vec<&str> = values["values"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .filter_map(|value| value["value"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["Baker"], "{values}");
}

#[tokio::test]
async fn an_untagged_english_article_is_found_under_lang_en() {
    let both = both().await;
    let ids = both.ids(&[("q", "rail strike"), ("lang", "en")]).await;
    assert_eq!(ids.first().map(String::as_str), Some("untagged"), "{ids:?}");
    // The language facet counts what the filter finds.
    let (_, all) = call(
        &both.app,
        "GET",
        "/search?facets=language&limit=0",
        None,
        &[],
    )
    .await;
    let (_, english) = call(&both.app, "GET", "/search?lang=en&limit=0", None, &[]).await;
    let facet_en = all["facets"]["language"]
        .as_array()
        .and_then(|values| values.iter().find(|value| value["value"] == "en"))
        .map(|value| value["count"].clone());
    assert_eq!(facet_en, Some(english["total"].clone()));
    let (_, stored) = call(&both.app, "GET", "/articles/untagged", None, &[]).await;
    assert_eq!(stored["language"], "en", "{stored}");
}

#[tokio::test]
async fn the_terminal_says_how_a_relaxed_query_was_read() {
    let both = both().await;
    newsdex(&both.index())
        .args(["search", "\"security guarantees"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "searched as: security guarantees",
        ))
        .stdout(predicates::str::contains("Rutte on security guarantees"));
    newsdex(&both.index())
        .args(["search", "inflaton"])
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "nothing matched as typed: showing near spellings",
        ));
}

#[tokio::test]
async fn inflaton_finds_inflation() {
    let both = both().await;
    let ids = both.ids(&[("q", "inflaton"), ("typo", "auto")]).await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("inflation"),
        "{ids:?}"
    );
    // With the defaults, a word found nowhere falls back to its near
    // spellings; with typo=off it finds nothing.
    assert_eq!(both.ids(&[("q", "inflaton")]).await, ids);
    assert!(
        both.ids(&[("q", "inflaton"), ("typo", "off")])
            .await
            .is_empty()
    );
    // The search box's options never lose what the defaults find, and
    // the exact word outranks its near spellings.
    let exact = both.ids(&[("q", "inflation rate")]).await;
    let tolerant = both
        .ids(&[
            ("q", "inflation rate"),
            ("typo", "auto"),
            ("prefix", "true"),
        ])
        .await;
    assert_eq!(exact.first(), tolerant.first());
    for id in &exact {
        assert!(tolerant.contains(id), "{id} lost with typo and prefix");
    }
}

#[tokio::test]
async fn accents_are_folded_both_ways() {
    let both = both().await;
    let folded = both.ids(&[("q", "Etats-Unis")]).await;
    let accented = both.ids(&[("q", "États-Unis")]).await;
    assert_eq!(folded, ["etats-unis"]);
    assert_eq!(accented, folded);
}

#[tokio::test]
async fn boosts_edits_and_slop_are_searched_not_silently_empty() {
    let both = both().await;
    // A boost decides which of two articles, each holding one word, leads.
    let oil = both.ids(&[("q", "oil^4 cocoa")]).await;
    assert_eq!(oil.first().map(String::as_str), Some("oil"), "{oil:?}");
    let cocoa = both.ids(&[("q", "oil cocoa^4")]).await;
    assert!(
        cocoa
            .first()
            .is_some_and(|id| id == "cocoa" || id == "coffee"),
        "{cocoa:?}"
    );
    assert_eq!(oil.len(), cocoa.len());
    assert_eq!(both.ids(&[("q", "cocao~1")]).await.len(), 2);
    assert_eq!(both.ids(&[("q", "\"rates interest\"~2")]).await, ["rates"]);
    assert!(both.ids(&[("q", "\"rates interest\"")]).await.is_empty());
}

#[tokio::test]
async fn bank_of_england_is_not_bank_for_england() {
    let both = both().await;
    assert_eq!(
        both.ids(&[("q", "\"bank of england\"")]).await,
        ["bank-of-england"]
    );
    assert_eq!(
        both.ids(&[("q", "\"bank for england\"")]).await,
        ["bank-for-england"]
    );
}

#[tokio::test]
async fn a_query_of_230_words_is_answered_on_every_route() {
    let both = both().await;
    let words = vec!["abcdef"; 230].join(" ");
    let encoded: String = url::form_urlencoded::byte_serialize(words.as_bytes()).collect();
    for path in [
        format!("/search?q={encoded}"),
        format!("/search?q={encoded}&typo=auto&prefix=true"),
        format!("/search?q={encoded}&match=all"),
        format!("/indexes/articles/search?q={encoded}"),
    ] {
        let (status, body) = call(&both.app, "GET", &path, None, &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    // Suggestions take what a search box holds, and say so beyond it.
    let (status, body) = call(
        &both.app,
        "GET",
        &format!("/suggest?q={encoded}"),
        None,
        &[],
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_query"))
    );
    let body = serde_json::json!({ "q": words }).to_string();
    let (status, response) = call(&both.app, "POST", "/search", Some(&body), &[]).await;
    assert_eq!(status, 200, "{response}");
    assert!(
        response["query"]["interpreted_as"]
            .as_str()
            .is_some_and(|text| text.starts_with("the first 64 of 230"))
    );
    let (status, _) = call(
        &both.app,
        "POST",
        "/multi-search",
        Some(&serde_json::json!({"queries": [{"indexUid": "articles", "q": words}]}).to_string()),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    // The CLI too, for the same text.
    let response = search_json(&both.index(), &[words.as_str()]);
    assert_eq!(response["total"], 0);
}
