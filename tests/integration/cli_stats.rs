//! `newsdex stats`

use predicates::prelude::*;

use crate::support::{FIXTURE_ARTICLES, fixture_index, newsdex};

#[test]
fn reports_documents_dates_and_facets() {
    let dir = fixture_index();
    let output = newsdex(dir.path())
        .args(["stats", "--json"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(stats["documents"], FIXTURE_ARTICLES);
    assert!(stats["size_bytes"].as_u64().expect("size") > 0);
    assert_eq!(stats["published_from"], "2024-08-05T18:20:00Z");
    assert_eq!(stats["published_to"], "2025-03-04T07:40:00Z");
    assert_eq!(stats["facets"]["language"][0]["value"], "en");
    newsdex(dir.path())
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "documents     {FIXTURE_ARTICLES}"
        )))
        .stdout(predicate::str::contains(
            "tag           Ceasefire (2), Energy (2)",
        ));
}

#[test]
fn an_empty_index_has_no_dates() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .args(["index", "fixtures/articles/pages/plain-markets.txt"])
        .assert()
        .success();
    newsdex(dir.path()).args(["delete", "x"]).assert().code(4);
    newsdex(dir.path())
        .args(["stats"])
        .assert()
        .success()
        .stdout(predicate::str::contains("documents     1"))
        .stdout(predicate::str::contains("published").not());
}

/// Stats count each entity kind's names as facets show them: spellings in
/// other capitals are one name, and a canonical name stands for the
/// aliases the table maps to it.
#[test]
fn entity_names_count_the_spellings_and_aliases_merged() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let input = dir.path().join("given.ndjson");
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"a","title":"Talks in Geneva","entities":[{"type":"person","name":"James Baker"},{"type":"location","name":"U.S."}]}"#,
            "\n",
            r#"{"id":"b","title":"TALKS END","entities":[{"type":"person","name":"JAMES BAKER"},{"type":"location","name":"USA"}]}"#,
            "\n",
        ),
    )
    .expect("writable");
    let index = dir.path().join("index");
    newsdex(&index)
        .args(["index", "--no-entities"])
        .arg(&input)
        .assert()
        .success();
    let output = newsdex(&index)
        .args(["stats", "--json"])
        .output()
        .expect("runs");
    let stats: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let person = &stats["entity_names"]["person"];
    assert_eq!(person["names"], 1, "{stats}");
    assert_eq!(person["case_variants"], 1);
    let location = &stats["entity_names"]["location"];
    assert_eq!(
        location["names"], 1,
        "U.S. and USA are stored as United States"
    );
    assert_eq!(location["canonical_names"], 1);
    assert!(
        location["alias_forms"].as_u64().unwrap_or(0) >= 3,
        "{location}"
    );
    newsdex(&index)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "entity names  location 1 (0 in other capitals",
        ))
        .stdout(predicate::str::contains("person 1 (1 in other capitals"));
}
