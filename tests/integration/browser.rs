//! The search page in a real browser: headless Chromium (Debian's) driven by
//! Playwright (`playwright-core` from npm) against `newsdex serve --demo`.
//! Skips with a notice where Node, Chromium or playwright-core is missing,
//! and fails so under CI; `.ci/run` installs them.

use std::path::Path;

use crate::support::{
    DemoServer, missing_node_packages, project_dir, run_node_script, skip_unless_ci,
};

#[test]
fn the_search_page_works_in_a_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    if !Path::new(&chromium).exists() {
        skip_unless_ci(&format!("the browser test needs {chromium}"));
        return;
    }
    if let Some(reason) = missing_node_packages(&["playwright-core"]) {
        skip_unless_ci(&format!("the browser test: {reason}"));
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
