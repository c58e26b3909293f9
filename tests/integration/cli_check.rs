//! Damaged indexes: a flipped byte in any kind of segment file gives an
//! error naming the file, never a panic, and `newsdex check` finds it.

use std::path::Path;

use crate::support::{fixture_index, newsdex};

/// Flips `span` bytes a quarter of the way into every file of this kind
/// (one per segment); returns their names.
fn flip_bytes(index: &Path, extension: &str, span: usize) -> Vec<String> {
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(index)
        .expect("lists the index")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|found| found == extension))
        .collect();
    assert!(!files.is_empty(), "the index has a .{extension} file");
    files
        .iter()
        .map(|file| {
            let mut bytes = std::fs::read(file).expect("reads");
            let start = bytes.len() / 4;
            let end = start.saturating_add(span).min(bytes.len() * 3 / 4);
            for byte in &mut bytes[start..end] {
                *byte ^= 0xff;
            }
            std::fs::write(file, bytes).expect("writes");
            file.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn names_one(text: &str, files: &[String]) -> bool {
    files.iter().any(|file| text.contains(file.as_str()))
}

#[test]
fn a_sound_index_checks_out() {
    let dir = fixture_index();
    newsdex(dir.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::contains("ok: 14 documents"));
}

#[test]
fn a_flipped_byte_in_each_kind_of_segment_file_is_an_error_not_a_panic() {
    for extension in ["fast", "term", "idx", "pos", "fieldnorm", "store"] {
        let dir = fixture_index();
        let files = flip_bytes(dir.path(), extension, 16);
        let checked = newsdex(dir.path())
            .arg("check")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&checked.stderr);
        assert_eq!(checked.status.code(), Some(1), "{extension}: {stderr}");
        assert!(
            names_one(&stderr, &files),
            "check names {files:?}: {stderr}"
        );
        for args in [
            vec!["stats"],
            vec!["search", "ceasefire", "--facets", "tag,person", "--json"],
            vec!["search", "--facets", "tag,source,person", "--json"],
        ] {
            let output = newsdex(dir.path())
                .args(&args)
                .env_remove("RUST_BACKTRACE")
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_ne!(
                output.status.code(),
                Some(101),
                "{extension} {args:?} panicked: {stderr}"
            );
            if !output.status.success() {
                assert!(
                    stderr.contains("is damaged") && names_one(&stderr, &files),
                    "{extension} {args:?}: the error names the damaged file: {stderr}"
                );
            }
        }
    }
}

/// The server answers a read of a damaged term dictionary with an error
/// naming the file (it panicked inside tantivy before).
#[tokio::test]
async fn the_server_names_the_damaged_file() {
    let dir = fixture_index();
    // Half of each term dictionary, posting list and document store, so
    // that every search meets damage however the fixture's commits split
    // it into segments.
    let files: Vec<String> = ["term", "idx", "store"]
        .iter()
        .flat_map(|extension| flip_bytes(dir.path(), extension, usize::MAX / 2))
        .collect();
    let index = match newsdex::index::NewsIndex::open(dir.path()) {
        Ok(index) => index,
        // Damage that keeps the index from opening is named at once.
        Err(error) => {
            let message = error.to_string();
            assert!(
                message.contains("is damaged") && names_one(&message, &files),
                "{message}"
            );
            return;
        }
    };
    let config = newsdex::http::ServeConfig::default();
    let app = newsdex::http::router(newsdex::http::AppState::new(index, config).expect("state"));
    let mut answered = Vec::new();
    for path in [
        "/search?q=ceasefire&facets=tag,person",
        "/search?q=harbour",
        "/suggest?q=gen",
    ] {
        let (status, body) = crate::support::call(&app, "GET", path, None, &[]).await;
        assert_ne!(status, 0);
        if status == 500 {
            assert_eq!(body["error"]["code"], "index_damaged", "{path}: {body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(names_one(message, &files), "{path}: {message}");
        }
        answered.push(status);
    }
    assert!(answered.contains(&500), "{answered:?}");
}
