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
