//! Shared helpers: paths, the real binary, a fixture index.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/<relative>`, or `None` (with a notice) when it is absent.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = project_dir().join("../shared").join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping: {} is absent", path.display());
        None
    }
}

/// The `newsdex` binary with `--index` pointing at `index`.
pub fn newsdex(index: &Path) -> Command {
    let mut command = Command::cargo_bin("newsdex").expect("the newsdex binary is built");
    command
        .current_dir(project_dir())
        .env_remove("NEWSDEX_INDEX")
        .env_remove("NEWSDEX_TZ")
        .env_remove("RUST_LOG")
        .arg("--index")
        .arg(index);
    command
}

/// A fresh index holding every article of `fixtures/articles`.
pub fn fixture_index() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .args(["index", "fixtures/articles"])
        .assert()
        .success();
    dir
}

pub const FIXTURE_ARTICLES: u64 = 14;

/// Runs `newsdex search ARGS --json` and returns the parsed response.
pub fn search_json(index: &Path, args: &[&str]) -> serde_json::Value {
    let output = newsdex(index)
        .arg("search")
        .args(args)
        .arg("--json")
        .output()
        .expect("newsdex runs");
    assert!(
        output.status.success(),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("search prints JSON")
}

/// Titles of the hits of a search, in order.
pub fn titles(response: &serde_json::Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|hit| hit["title"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}
