//! Property tests: no reader and no query parse panics, whatever the input.

use newsdex::ingest::{Format, ReadOptions, read_bytes, read_file_records};
use newsdex::query::{SearchRequest, parse_query, search};
use proptest::prelude::*;

fn all_formats() -> [Option<Format>; 5] {
    [
        None,
        Some(Format::Page),
        Some(Format::Json),
        Some(Format::Ndjson),
        Some(Format::Feed),
    ]
}

/// Inputs that look like the formats, so the fuzzing reaches past the
/// first byte of each parser.
fn newsish_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(date 20[0-9]{2}-[01][0-9]-[0-3][0-9] Skip to content\n)?[A-Za-z ,]{0,40}\n[A-Za-z ']{0,40}\n(by [A-Z][a-z]+ [A-Z][a-z]+ (March|May) [0-9]{1,2}, 20[0-9]{2} [0-9]{1,2}:[0-9]{2} (AM|PM)( [0-9] min read)?\n)?[^\n]{0,80}( \\([A-Za-z/ ]{0,30}\\))?\n(Author: [A-Za-z ]{0,20}\n)?([0-9]{1,2}:[0-9]{2} (AM|PM)\n)?[^\n]{0,60}\n?",
        "\\{\"(title|headline|publishedAt|author|tags|entries|entities|captions)\": ?(\"[^\"]{0,20}\"|[0-9]{1,14}|\\[[^\\]]{0,20}\\]|\\{[^}]{0,20}\\}|null)\\}\n?",
        "<(rss|feed)[^>]{0,20}>(<item>|<entry>)?<title>[^<]{0,20}</title>.{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn readers_never_panic(text in newsish_text(), bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for format in all_formats() {
            let options = ReadOptions { format, ..ReadOptions::default() };
            let _ = read_bytes(text.as_bytes(), "input", &options);
            let _ = read_bytes(&bytes, "input.gz", &options);
        }
    }

    #[test]
    fn streamed_ndjson_reads_as_the_whole_file(lines in proptest::collection::vec(newsish_text(), 0..8)) {
        let text: String = lines.concat().replace('\0', "");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("input.ndjson");
        std::fs::write(&path, &text).expect("writes");
        let options = ReadOptions::default();
        let show = |result: newsdex::ingest::RecordResult| match result {
            Ok(record) => format!("{:?} @ {}", record.article, record.location),
            Err(error) => error.to_string(),
        };
        let streamed: Vec<String> = read_file_records(&path, &options).map(show).collect();
        let whole: Vec<String> = read_bytes(text.as_bytes(), &path.to_string_lossy(), &options)
            .into_iter()
            .map(show)
            .collect();
        prop_assert_eq!(streamed, whole);
    }

    #[test]
    fn query_parsing_never_panics(query in "[a-z:()\"*+\\- ]{0,40}|(AND|OR|NOT|tag:|\\(|\\)|\"|-|\\*| |x){0,20}|.{0,60}") {
        match parse_query(&query) {
            Ok(_) => {}
            Err(error) => {
                if let Some(position) = error.position {
                    prop_assert!(position <= query.chars().count(), "{error} beyond the query");
                }
            }
        }
    }
}

/// Over the demo articles, so that matching, scoring, collecting and
/// highlighting all run on what each query finds.
#[test]
fn searching_arbitrary_queries_never_panics() {
    let index = newsdex::demo::demo_index().expect("index");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(128));
    runner
        .run(&"[a-zé:()\"*+\\- ]{0,30}|(AND|OR|NOT|tag:|title:|published_at:|\\(|\\)|\"|-|\\*| |x){0,12}", |query| {
            let request = SearchRequest {
                q: query.clone(),
                facets: vec!["tag".into(), "person".into()],
                highlight: true,
                ..Default::default()
            };
            // A person's text is never an error in the default reading.
            let response = search(&index, &request);
            prop_assert!(response.is_ok(), "{query:?}: {:?}", response.err());
            Ok(())
        })
        .expect("no search panics");
}

/// Arbitrary query strings against the real router: always an answer, 200
/// or a 4xx with a JSON error, never a panic or a 500.
#[test]
fn the_http_search_never_fails_on_arbitrary_parameters() {
    let app = crate::support::demo_app(None, None);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(128));
    let parameters = "(q|tag|sort|limit|offset|cursor|from|to|facets|histogram|typo|prefix|half_life|x)=[a-z0-9%()\" :*-]{0,12}(&(q|sort|limit|cursor|typo|prefix)=[a-z0-9%()\" :*-]{0,8}){0,3}";
    runner
        .run(&parameters, |query| {
            let path = format!("/search?{}", query.replace(' ', "%20").replace('"', "%22"));
            let (status, body) =
                runtime.block_on(crate::support::call(&app, "GET", &path, None, &[]));
            prop_assert!(
                status == 200 || (400..500).contains(&status),
                "{path}: {status} {body}"
            );
            if status != 200 {
                prop_assert!(body["error"]["code"].is_string(), "{path}: {body}");
            }
            Ok(())
        })
        .expect("every request is answered");
}

/// Text with names, roles, punctuation and clitics in it, so the entity
/// pass sees what news holds.
fn text_with_names() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(([A-Z][a-z]{0,8}|NATO|U\\.S\\.|Mr\\.|Secretary|General|'s|n't|,|\\.|\u{201C}|\u{2014}|[a-z]{1,6}|\n) ){0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn entity_extraction_never_panics_and_mentions_are_slices_of_the_text(text in text_with_names()) {
        let extractor = newsdex::ner::EntityExtractor::shipped().expect("the shipped model loads");
        for entity in extractor.extract(&[("text", &text)]) {
            prop_assert!(!entity.name.trim().is_empty());
            for mention in entity.mentions {
                prop_assert!(text.is_char_boundary(mention.start) && text.is_char_boundary(mention.end));
                prop_assert_eq!(&text[mention.start..mention.end], mention.text.as_str());
            }
        }
    }

    #[test]
    fn tokens_stay_on_char_boundaries_and_in_order(text in text_with_names()) {
        let mut last_end = 0;
        for sentence in newsdex::ner::sentences(&text) {
            for token in sentence {
                prop_assert!(token.start >= last_end && token.start < token.end);
                prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
                prop_assert!(!token.text(&text).trim().is_empty());
                last_end = token.end;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn meilisearch_filters_never_panic(
        filter in prop_oneof![
            any::<String>(),
            "((NOT |)\"?(tag|source|published_at|person|x)\"? ?(=|!=|>=|<|IN|TO|EXISTS) ?(\\[|\\(|'|\")?[A-Za-z0-9 ,-]{0,12}(\\]|\\)|'|\")? ?(AND|OR)? ?){0,4}",
        ]
    ) {
        let fields = newsdex::index::fields::IndexFields::build().map_err(|error| TestCaseError::fail(error.to_string()))?;
        let _ = newsdex::query::meilisearch_filter::read_filter(&serde_json::Value::String(filter.clone()), &fields);
        let _ = newsdex::query::meilisearch_filter::read_filter(&serde_json::json!([[filter]]), &fields);
    }
}
