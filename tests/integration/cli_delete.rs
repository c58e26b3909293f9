//! `newsdex delete`

use predicates::prelude::*;

use crate::support::{FIXTURE_ARTICLES, fixture_index, newsdex, search_json};

#[test]
fn deletes_by_id() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["delete", "nd-2025-0101"])
        .assert()
        .success()
        .stderr(predicate::str::contains("deleted 1"));
    newsdex(dir.path())
        .args(["get", "nd-2025-0101"])
        .assert()
        .code(4);
    assert_eq!(search_json(dir.path(), &["id:nd-2025-0101"])["total"], 0);
    assert_eq!(
        search_json(dir.path(), &["--limit", "100"])["total"],
        FIXTURE_ARTICLES - 1
    );
}

#[test]
fn unknown_ids_are_reported_and_known_ones_still_deleted() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["delete", "nd-2025-0102", "missing-id"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("deleted 1"))
        .stderr(predicate::str::contains("no article with id missing-id"));
    assert_eq!(
        search_json(dir.path(), &["--limit", "100"])["total"],
        FIXTURE_ARTICLES - 1
    );
}
