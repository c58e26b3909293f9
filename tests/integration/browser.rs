//! The search page in a real browser: headless Chromium (Debian's) driven by
//! Playwright (`playwright-core` from npm) against `newsdex serve --demo`.
//! Skips with a notice where Node, Chromium or playwright-core is missing;
//! `.ci/run` installs them.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::project_dir;

fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    if !Path::new(&chromium).exists() {
        return Some(format!("{chromium} is absent"));
    }
    if !project_dir().join("node_modules/playwright-core").exists() {
        return Some("node_modules/playwright-core is absent (npm ci)".to_string());
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is absent".to_string());
    }
    None
}

#[test]
fn the_search_page_works_in_a_browser() {
    if let Some(reason) = missing_tools() {
        eprintln!("skipping the browser test: {reason}");
        return;
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        probe.local_addr().expect("address").port()
    };
    let mut server = Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let screenshots = project_dir().join("target/browser");
    let _ = std::fs::create_dir_all(&screenshots);
    let output = Command::new("node")
        .current_dir(project_dir())
        .arg("tests/browser/search-page.mjs")
        .arg(format!("http://127.0.0.1:{port}"))
        .arg(screenshots.join("search-page.png"))
        .output()
        .expect("node runs");
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(screenshots.join("search-page.png").exists());
}
