//! The search page in a real browser: headless Chromium (Debian's) driven by
//! Playwright (`playwright-core` from npm) against `newsdex serve --demo`.
//! Skips with a notice where Node, Chromium or playwright-core is missing,
//! and fails so under CI; `.ci/run` installs them.

use std::path::Path;

use crate::support::{
    DemoServer, missing_node_packages, project_dir, run_node_script, skip_unless_ci,
};

/// Whether Chromium and playwright-core are here (a notice, or under CI a
/// failure, when not).
fn browser_available() -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    if !Path::new(&chromium).exists() {
        skip_unless_ci(&format!("the browser test needs {chromium}"));
        return false;
    }
    if let Some(reason) = missing_node_packages(&["playwright-core"]) {
        skip_unless_ci(&format!("the browser test: {reason}"));
        return false;
    }
    true
}

#[test]
fn the_search_page_works_in_a_browser() {
    if !browser_available() {
        return;
    }
    let server = DemoServer::start();
    let screenshots = project_dir().join("target/browser");
    let _ = std::fs::create_dir_all(&screenshots);
    let url = server.url();
    let screenshot = screenshots.join("search-page.png");
    // A screenshot of an earlier run must not pass this one.
    let _ = std::fs::remove_file(&screenshot);
    run_node_script("search-page.mjs", &[url.as_ref(), screenshot.as_os_str()]);
    drop(server);
    assert!(screenshots.join("search-page.png").exists());
}

/// Behind `--read-key` the page asks for the key, searches with it, and
/// takes it from the address's fragment.
#[test]
fn the_search_page_searches_behind_a_read_key() {
    if !browser_available() {
        return;
    }
    let key = "page-read-key-4242";
    let server = DemoServer::start_with(&["--read-key", key]);
    let url = server.url();
    run_node_script("search-page-key.mjs", &[url.as_ref(), key.as_ref()]);
}
