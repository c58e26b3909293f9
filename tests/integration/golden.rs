//! Golden tests: every fixture is read and compared with the JSON beside it
//! (`NAME.expected`). `NEWSDEX_UPDATE_GOLDEN=1 cargo test` rewrites the
//! expectations; read the diff before committing it.

use std::path::Path;

use newsdex::ingest::{ReadOptions, read_bytes};
use serde_json::{Value, json};

use crate::support::project_dir;

fn render(relative: &str) -> Value {
    let bytes = std::fs::read(project_dir().join(relative)).expect("fixture is readable");
    let results = read_bytes(&bytes, relative, &ReadOptions::default());
    Value::Array(
        results
            .into_iter()
            .map(|result| match result {
                Ok(record) => json!({
                    "location": record.location.to_string(),
                    "article": record.article,
                }),
                Err(error) => json!({ "error": error.to_string() }),
            })
            .collect(),
    )
}

/// A CoNLL file as the tagger's reader sees it: documents of sentences,
/// each with its words and entity spans, or the error.
fn render_conll(relative: &str) -> Value {
    let text = std::fs::read_to_string(project_dir().join(relative)).expect("fixture is readable");
    match newsdex::ner::read_conll(&text, relative) {
        Ok(documents) => Value::Array(
            documents
                .iter()
                .map(|document| {
                    Value::Array(
                        document
                            .sentences
                            .iter()
                            .map(|sentence| {
                                let spans: Vec<Value> = sentence
                                    .spans
                                    .iter()
                                    .map(|span| {
                                        json!({
                                            "type": newsdex::ner::TYPE_NAMES[span.kind],
                                            "words": sentence.words[span.start..span.end].join(" "),
                                        })
                                    })
                                    .collect();
                                json!({ "words": sentence.words.join(" "), "entities": spans })
                            })
                            .collect(),
                    )
                })
                .collect(),
        ),
        Err(error) => json!({ "error": error.to_string() }),
    }
}

fn check(relative: &str) {
    let actual = if relative.ends_with(".conll") {
        render_conll(relative)
    } else {
        render(relative)
    };
    compare(&actual, relative, &format!("{relative}.expected"));
}

/// `actual` against the JSON in `expected` (relative to the project), or
/// written there under `NEWSDEX_UPDATE_GOLDEN`.
fn compare(actual: &Value, relative: &str, expected: &str) {
    let actual = actual.clone();
    let expected_path = project_dir().join(expected);
    if std::env::var_os("NEWSDEX_UPDATE_GOLDEN").is_some() {
        let pretty = serde_json::to_string_pretty(&actual).expect("serialisable") + "\n";
        std::fs::write(&expected_path, pretty).expect("expectation is writable");
        return;
    }
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run with NEWSDEX_UPDATE_GOLDEN=1",
                expected_path.display()
            )
        }),
    )
    .expect("expectation is JSON");
    let pretty = |value: &Value| serde_json::to_string_pretty(value).expect("serialisable");
    crate::support::assert_same_text(
        &pretty(&expected),
        &pretty(&actual),
        &format!("{relative} against {}", expected_path.display()),
    );
}

fn fixture_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(project_dir().join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|extension| extension != "expected")
        })
        .map(|entry| {
            entry
                .path()
                .strip_prefix(project_dir())
                .unwrap_or(Path::new(""))
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_fixture_matches_its_expected_json() {
    let files = fixture_files("fixtures");
    assert!(files.len() >= 10, "fixtures went missing: {files:?}");
    for file in files {
        check(&file);
    }
}

#[test]
fn the_demo_embeds_every_article_fixture() {
    let on_disk: Vec<String> = fixture_files("fixtures/articles")
        .into_iter()
        .map(|file| file.trim_start_matches("fixtures/articles/").to_string())
        .collect();
    let embedded: Vec<String> = newsdex::demo::DEMO_FILES
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    assert_eq!(
        embedded, on_disk,
        "src/demo.rs lists every file of fixtures/articles"
    );
}

/// The entities the shipped tagger finds in each demo article, as the
/// first screen of `serve --demo` shows them (type and canonical name).
#[test]
fn the_demo_articles_entities_match_their_golden() {
    let extractor = newsdex::ner::EntityExtractor::shipped().expect("the shipped tagger loads");
    let mut rendered = Vec::new();
    for (name, bytes) in newsdex::demo::DEMO_FILES {
        for result in read_bytes(bytes, name, &ReadOptions::default()) {
            let mut article = result.expect("demo articles read").article;
            extractor.annotate(&mut article);
            let entities: Vec<String> = article
                .entities
                .iter()
                .map(|entity| format!("{}: {}", entity.kind.as_str(), entity.name))
                .collect();
            rendered.push(json!({ "title": article.title, "entities": entities }));
        }
    }
    let actual = Value::Array(rendered);
    let text = serde_json::to_string(&actual).expect("serialisable");
    for wrong in [
        "person: Ukrenergo",
        "org: Cape of Good Hope",
        "person: Google",
        "location: Big Bang",
    ] {
        assert!(!text.contains(wrong), "{wrong} in the demo's entities");
    }
    compare(
        &actual,
        "the demo articles",
        "fixtures/demo-entities.expected",
    );
}
