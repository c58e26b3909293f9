//! CSV: AG News (no header: `--columns`) and the FakeNewsCorpus sample
//! (a header of its own names) from `../shared/corpus`, record by record;
//! files of no known format are named, not passed over in silence.

use predicates::prelude::*;

use crate::support::{newsdex, search_json, shared_path, titles};

#[test]
fn ag_news_reads_row_by_row_with_the_columns_given() {
    let Some(csv) = shared_path("corpus/ag-news/test.csv") else {
        return;
    };
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--no-entities", "--columns", "class,title,summary"])
        .arg(&csv)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "indexed 7600 (7600 new, 0 updated), rejected 0",
        ));
    let response = search_json(
        scratch.path(),
        &["Fears for T N pension after talks", "--limit", "1"],
    );
    assert_eq!(titles(&response), ["Fears for T N pension after talks"]);
    let id = response["hits"][0]["id"].as_str().expect("an id");
    let output = newsdex(scratch.path())
        .args(["get", id])
        .output()
        .expect("get runs");
    let article: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(
        article["summary"]
            .as_str()
            .is_some_and(|summary| summary.starts_with("Unions representing workers")),
        "{article}"
    );
    assert_eq!(article.get("section"), None, "the class column is no field");
}

#[test]
fn the_fakenewscorpus_sample_maps_its_header_through_the_aliases() {
    let Some(csv) = shared_path("corpus/fakenewscorpus-sample/news_sample.csv") else {
        return;
    };
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--no-entities"])
        .arg(&csv)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "indexed 250 (250 new, 0 updated), rejected 0",
        ));
    // `id`, `content`, `title`, `authors` and `domain` are read through
    // the JSON field names and aliases.
    let output = newsdex(scratch.path())
        .args(["get", "141"])
        .output()
        .expect("get runs");
    assert!(output.status.success(), "the CSV's id column is the id");
    let article: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(article["source"], "awm.com");
    assert!(
        article["body"]
            .as_str()
            .is_some_and(|body| body.starts_with("Sometimes the power of Christmas")),
        "{article}"
    );
    assert!(article["title"].as_str().is_some_and(|t| !t.is_empty()));
}

#[test]
fn a_folder_of_unknown_files_says_what_it_skipped_and_fails() {
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let folder = scratch.path().join("inbox");
    std::fs::create_dir_all(folder.join("scans")).expect("writable");
    std::fs::write(folder.join("report.pdf"), b"%PDF-1.4").expect("writable");
    std::fs::write(folder.join("scans/page.pdf"), b"%PDF-1.4").expect("writable");
    std::fs::write(folder.join("NOTES"), b"notes").expect("writable");
    newsdex(&scratch.path().join("index"))
        .arg("index")
        .arg(&folder)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("indexed 0"))
        .stderr(predicate::str::contains(
            "skipped 3 files of unknown format: *.pdf (2), NOTES (1)",
        ));

    // Beside files it reads, the skipped ones are named and the run succeeds.
    std::fs::copy(
        crate::support::project_dir().join("fixtures/csv/wire.csv"),
        folder.join("wire.csv"),
    )
    .expect("copied");
    newsdex(&scratch.path().join("index"))
        .args(["index", "--no-entities"])
        .arg(&folder)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("indexed 3"))
        .stderr(predicate::str::contains("wire.csv:6: the row has 9 cells"))
        .stderr(predicate::str::contains("skipped 3 files"));
}
