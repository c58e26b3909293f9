//! `newsdex index`

use std::io::Write;

use predicates::prelude::*;

use crate::support::{FIXTURE_ARTICLES, fixture_index, newsdex, search_json};

#[test]
fn indexes_fixtures_and_reingests_without_duplicates() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .args(["index", "fixtures/articles"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "indexed {FIXTURE_ARTICLES} ({FIXTURE_ARTICLES} new, 0 updated), rejected 0"
        )));
    newsdex(dir.path())
        .args(["index", "fixtures/articles"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "indexed {FIXTURE_ARTICLES} (0 new, {FIXTURE_ARTICLES} updated), rejected 0"
        )));
    let everything = search_json(dir.path(), &["--limit", "100"]);
    assert_eq!(everything["total"], FIXTURE_ARTICLES);
}

#[test]
fn an_id_written_twice_before_a_commit_keeps_the_last_version() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let input = dir.path().join("twice.ndjson");
    std::fs::write(
        &input,
        concat!(
            r#"{"id":"same-1","title":"Harbour opens first draft","body":"First."}"#,
            "\n",
            r#"{"id":"other-1","title":"Lifeboat crew honoured","body":"Other."}"#,
            "\n",
            r#"{"id":"same-1","title":"Harbour opens second draft","body":"Second."}"#,
            "\n",
        ),
    )
    .expect("writes");
    let index = dir.path().join("index");
    newsdex(&index)
        .arg("index")
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 3 (2 new, 1 updated)"));
    let found = search_json(&index, &["harbour"]);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["title"], "Harbour opens second draft");
}

#[test]
fn a_batch_with_bad_records_indexes_the_good_ones_and_exits_non_zero() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["index", "fixtures/invalid"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("error: fixtures/invalid/mixed.ndjson:2: invalid JSON"))
        .stderr(predicate::str::contains(
            "error: fixtures/invalid/mixed.ndjson:3: field `published_at`: unparsable date \"the day after tomorrow\"",
        ))
        .stderr(predicate::str::contains(
            "error: fixtures/invalid/mixed.ndjson:4: field `title`: missing: a record needs a title or a body",
        ))
        .stderr(predicate::str::contains("indexed 2 (2 new, 0 updated), rejected 3"));
    // The good records landed and nothing indexed before was lost.
    assert_eq!(
        search_json(dir.path(), &["harbour OR lifeboat"])["total"],
        2
    );
    assert_eq!(
        search_json(dir.path(), &["--limit", "100"])["total"],
        FIXTURE_ARTICLES + 2
    );
}

#[test]
fn reads_stdin_and_gzip() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let page = std::fs::read("fixtures/articles/pages/plain-markets.txt").expect("fixture");
    newsdex(dir.path())
        .args(["index", "-", "--format", "page"])
        .write_stdin(page)
        .assert()
        .success();
    assert_eq!(search_json(dir.path(), &["shipping"])["total"], 1);

    let feed = std::fs::read("fixtures/articles/feeds/world.rss").expect("fixture");
    let gz_path = dir.path().join("world.rss.gz");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&feed).expect("compresses");
    std::fs::write(&gz_path, encoder.finish().expect("compresses")).expect("writes");
    let index_dir = dir.path().join("index");
    newsdex(&index_dir)
        .arg("index")
        .arg(&gz_path)
        .assert()
        .success();
    assert_eq!(search_json(&index_dir, &["wildfires"])["total"], 1);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .args(["index", "fixtures/articles", "--format", "pdf"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown format `pdf`"));
}

#[test]
fn an_index_of_another_schema_version_says_how_to_rebuild() {
    let dir = fixture_index();
    let meta_path = dir.path().join("newsdex.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).expect("meta")).expect("JSON");
    meta["schema_version"] = 999.into();
    std::fs::write(&meta_path, meta.to_string()).expect("writes");
    newsdex(dir.path())
        .args(["search", "ceasefire"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("schema version 999"))
        .stderr(predicate::str::contains("newsdex index --recreate"));
    newsdex(dir.path())
        .args(["index", "--recreate", "fixtures/articles/json"])
        .assert()
        .success();
    assert_eq!(search_json(dir.path(), &["--limit", "100"])["total"], 4);
}

#[test]
fn an_interrupted_ingest_leaves_a_valid_index_that_a_rerun_completes() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).expect("creates");
    const ARTICLES: usize = 400;
    for number in 0..ARTICLES {
        let record = serde_json::json!({
            "id": format!("wire-{number}"),
            "title": format!("Harbour report number {number}"),
            "body": "Ferries ran on time and the breakwater held.",
            "published_at": "2024-03-01T10:00:00Z",
        });
        std::fs::write(inputs.join(format!("{number:04}.json")), record.to_string())
            .expect("writes");
    }
    let index_dir = dir.path().join("index");
    // Commit after every article and kill the process part-way through.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(&index_dir)
        .args(["index", "--quiet", "--commit-every", "1"])
        .arg(&inputs)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    std::thread::sleep(std::time::Duration::from_millis(400));
    child.kill().expect("kills");
    child.wait().expect("ends");

    // Whatever had been committed is searchable; nothing is half-written.
    let partial = search_json(&index_dir, &["harbour"])["total"]
        .as_u64()
        .expect("total");
    assert!(partial <= ARTICLES as u64);
    newsdex(&index_dir)
        .arg("index")
        .arg(&inputs)
        .assert()
        .success();
    assert_eq!(
        search_json(&index_dir, &["harbour"])["total"],
        ARTICLES as u64
    );
}

#[test]
fn defaults_fill_what_the_input_leaves_out() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .args([
            "index",
            "--source",
            "Example Desk",
            "--section",
            "Markets",
            "--lang",
            "en",
        ])
        .args([
            "fixtures/articles/pages/plain-markets.txt",
            "fixtures/articles/json/newsdex.json",
        ])
        .assert()
        .success();
    assert_eq!(
        search_json(dir.path(), &["--source", "Example Desk"])["total"],
        1,
        "only the page lacked a source"
    );
    assert_eq!(
        search_json(dir.path(), &["--section", "markets", "shipping"])["total"],
        1
    );
    assert_eq!(
        search_json(dir.path(), &["--lang", "fr"])["total"],
        1,
        "a given language is kept"
    );
}

/// `--recreate` deleted the old index before the new one existed: killed
/// three seconds in, it left nothing. The new index is built beside the old
/// one, which stays whole until the swap at the end.
#[test]
fn a_killed_recreate_leaves_the_old_index_whole() {
    let dir = fixture_index();
    let input = dir.path().with_extension("big.ndjson");
    let mut lines = String::new();
    for number in 0..3_000 {
        lines.push_str(
            &serde_json::json!({
                "id": format!("wire-{number}"),
                "title": format!("Harbour report number {number} from Lisbon"),
                "body": "Ferries ran on time in Lisbon and Porto, the port authority said, and the breakwater held against the storm.",
            })
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(&input, lines).expect("writes");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(dir.path())
        .args(["index", "--quiet", "--recreate"])
        .arg(&input)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let mut staging = dir.path().as_os_str().to_owned();
    staging.push(".rebuilding");
    let staging = std::path::PathBuf::from(staging);
    for _ in 0..200 {
        if staging.join("newsdex.json").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reaped");
    assert!(
        !status.success(),
        "the rebuild was killed before it finished"
    );
    assert_eq!(
        search_json(dir.path(), &["--limit", "100"])["total"],
        crate::support::FIXTURE_ARTICLES
    );
    // Run to the end, the rebuild replaces the old index and cleans up.
    newsdex(dir.path())
        .args(["index", "--quiet", "--no-entities", "--recreate"])
        .arg(&input)
        .assert()
        .success();
    assert_eq!(search_json(dir.path(), &["--limit", "0"])["total"], 3_000);
    assert!(!staging.exists(), "{} is left", staging.display());
    let _ = std::fs::remove_file(&input);
}

/// A missing newsdex.json gave contradictory advice (create an index;
/// then: not an index, choose another directory): one message, and
/// `--recreate` rebuilds it.
#[test]
fn an_index_without_its_newsdex_json_says_what_to_do() {
    let dir = fixture_index();
    std::fs::remove_file(dir.path().join("newsdex.json")).expect("removes");
    for args in [
        vec!["search", "ceasefire"],
        vec!["index", "fixtures/articles/json"],
    ] {
        newsdex(dir.path())
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("without its newsdex.json"))
            .stderr(predicate::str::contains("--recreate"));
    }
    newsdex(dir.path())
        .args(["index", "--quiet", "--recreate", "fixtures/articles/json"])
        .assert()
        .success();
    assert_eq!(search_json(dir.path(), &["--limit", "100"])["total"], 4);
}

/// Two different stories with one title and source and no time or URL
/// both stay; the same story again is an update.
#[test]
fn undated_stories_under_one_title_never_replace_each_other() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let input = dir.path().join("briefs.ndjson");
    std::fs::write(
        &input,
        concat!(
            r#"{"source": "Wire", "title": "Markets close", "body": "Shares rose in Tokyo."}"#,
            "\n",
            r#"{"source": "Wire", "title": "Markets close", "body": "Shares fell in London."}"#,
            "\n",
        ),
    )
    .expect("writes");
    let index = dir.path().join("index");
    newsdex(&index)
        .arg("index")
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 2 (2 new, 0 updated)"));
    newsdex(&index)
        .arg("index")
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 2 (0 new, 2 updated)"));
    assert_eq!(search_json(&index, &["markets"])["total"], 2);
}
