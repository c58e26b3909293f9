//! `newsdex get`

use predicates::prelude::*;

use crate::support::{fixture_index, newsdex};

#[test]
fn prints_the_stored_article() {
    let dir = fixture_index();
    let output = newsdex(dir.path())
        .args(["get", "nd-2025-0101"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let article: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        article["title"],
        "Ceasefire talks resume in Geneva with new mediators"
    );
    assert_eq!(article["published_at"], "2025-01-13T09:30:00+01:00");
    assert_eq!(article["entities"][0]["name"], "Geneva");
    // Every field the fixture gave comes back as given, the body (stored
    // apart from the rest) included.
    let fixture: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read("fixtures/articles/json/newsdex.json").expect("fixture"),
    )
    .expect("JSON");
    let given = fixture
        .iter()
        .find(|record| record["id"] == "nd-2025-0101")
        .expect("fixture article");
    for (field, value) in given.as_object().expect("object") {
        if field != "entities" {
            assert_eq!(&article[field], value, "{field}");
        }
    }
    assert!(
        article["body"]
            .as_str()
            .is_some_and(|body| body.len() > 200)
    );
}

#[test]
fn an_unknown_id_exits_4() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["get", "no-such-id"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "no article with id \"no-such-id\"",
        ));
}

#[test]
fn a_missing_index_says_how_to_make_one() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    newsdex(&dir.path().join("absent"))
        .args(["get", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no index at"))
        .stderr(predicate::str::contains("newsdex index --index"));
}
