//! Feeds polled on schedule: `newsdex watch` and `serve --feeds` against a
//! site on 127.0.0.1 the test starts: a new item appears, a 304 costs
//! nothing, a 500 backs off, and a restart neither duplicates nor misses.

use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::{Site, SitePage, newsdex, search_json, titles};

fn rss(site: &Site, items: &[(&str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(slug, title)| {
            format!(
                "<item><title>{title}</title><link>{}</link>\
                 <description>{title}, in brief.</description>\
                 <pubDate>Tue, 04 Nov 2025 08:00:00 GMT</pubDate></item>",
                site.url(&format!("/news/{slug}"))
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example Wire</title>\
         <link>{}</link>{items}</channel></rss>",
        site.url("/")
    )
}

fn feed_page(site: &Site, items: &[(&str, &str)], etag: &str) -> SitePage {
    SitePage {
        etag: Some(format!("\"{etag}\"")),
        ..SitePage::ok("application/rss+xml", rss(site, items))
    }
}

fn feed_list(dir: &std::path::Path, site: &Site, interval: &str) -> std::path::PathBuf {
    let path = dir.join("feeds.toml");
    std::fs::write(
        &path,
        format!(
            "[[feed]]\nurl = \"{}\"\ninterval = \"{interval}\"\nsection = \"Wire\"\n",
            site.url("/wire.rss")
        ),
    )
    .expect("writable");
    path
}

fn state(list: &std::path::Path) -> serde_json::Value {
    let mut path = list.as_os_str().to_owned();
    path.push(".state.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("state saved")).expect("JSON")
}

#[test]
fn watch_sees_new_items_honours_304_and_survives_restarts() {
    let site = Site::start();
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let index = scratch.path().join("index");
    let list = feed_list(scratch.path(), &site, "15m");
    let watch_once = || {
        newsdex(&index)
            .args(["watch", "--once", "--no-entities"])
            .arg(&list)
            .assert()
    };
    let two = [
        ("tide", "Spring tide floods the quay"),
        ("ferry", "Ferry back in service"),
    ];
    site.put("/wire.rss", feed_page(&site, &two, "v1"));
    watch_once()
        .success()
        .stderr(predicate::str::contains("fetched, 2 new, 0 updated"));
    assert_eq!(search_json(&index, &["--limit", "0"])["total"], 2);
    let hit = search_json(&index, &["spring tide", "--limit", "1"]);
    assert_eq!(titles(&hit), ["Spring tide floods the quay"]);

    // A second run (a restart) sends the validators: a 304, nothing written.
    watch_once()
        .success()
        .stderr(predicate::str::contains("not_modified"));
    let requests = site.requests_of("/wire.rss");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1], "/wire.rss \"v1\"", "If-None-Match sent");
    assert_eq!(search_json(&index, &["--limit", "0"])["total"], 2);

    // A new item appears: it is new, the others updates, nothing doubled.
    let three = [
        two[0],
        two[1],
        ("bridge", "Bridge inspection finds no faults"),
    ];
    site.put("/wire.rss", feed_page(&site, &three, "v2"));
    watch_once()
        .success()
        .stderr(predicate::str::contains("fetched, 1 new, 2 updated"));
    assert_eq!(search_json(&index, &["--limit", "0"])["total"], 3);
    let bridge = search_json(&index, &["bridge inspection", "--limit", "1"]);
    assert_eq!(titles(&bridge), ["Bridge inspection finds no faults"]);
    let saved = &state(&list)[site.url("/wire.rss")];
    assert_eq!(saved["validators"]["etag"], "\"v2\"");
    assert_eq!(saved["items_new"], 3);
    assert_eq!(saved["not_modified"], 1);

    // A failing feed is a failed run, recorded with its reason; the index
    // keeps what it had.
    site.put(
        "/wire.rss",
        SitePage {
            status: 500,
            ..SitePage::ok("text/plain", "upstream down")
        },
    );
    watch_once()
        .code(3)
        .stderr(predicate::str::contains("the server answered 500"));
    let saved = &state(&list)[site.url("/wire.rss")];
    assert_eq!(saved["consecutive_errors"], 1);
    assert_eq!(saved["validators"]["etag"], "\"v2\"", "validators kept");
    assert_eq!(search_json(&index, &["--limit", "0"])["total"], 3);
}

/// Polling without `--once`: a feed answering 500 is retried at its
/// interval doubled per failure, not every interval.
#[test]
fn a_failing_feed_backs_off() {
    let site = Site::start();
    site.put(
        "/wire.rss",
        SitePage {
            status: 500,
            ..SitePage::ok("text/plain", "upstream down")
        },
    );
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let list = feed_list(scratch.path(), &site, "1s");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(scratch.path().join("index"))
        .args(["watch", "--no-entities"])
        .arg(&list)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    // Without backoff, 1 s polls would make 6 or 7 requests in 6.5 s; with
    // it they come at about 0, 2 and 6 s.
    std::thread::sleep(Duration::from_millis(6500));
    let _ = child.kill();
    let _ = child.wait();
    let requests = site.requests_of("/wire.rss").len();
    assert!((2..=4).contains(&requests), "{requests} requests in 6.5 s");
    let saved = &state(&list)[site.url("/wire.rss")];
    assert!(
        saved["consecutive_errors"].as_u64().unwrap_or(0) >= 2,
        "{saved}"
    );
    assert!(
        saved["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    );
}

/// `serve --feeds` polls while it serves; `GET /feeds` and `/metrics` show
/// each feed's last fetch and counts.
#[test]
fn serve_polls_feeds_and_reports_them() {
    let site = Site::start();
    site.put(
        "/wire.rss",
        feed_page(&site, &[("tide", "Spring tide floods the quay")], "v1"),
    );
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let list = feed_list(scratch.path(), &site, "1h");
    let server = crate::support::DemoServer::start_with(&[
        "--feeds",
        list.to_str().expect("path"),
        "--commit-interval-ms",
        "50",
    ]);
    let get = |path: &str| -> serde_json::Value {
        serde_json::from_str(&http_get(&server.url(), path)).unwrap_or(serde_json::Value::Null)
    };
    let started = Instant::now();
    let mut feeds = get("/feeds");
    while feeds["feeds"][0]["last_outcome"] != "fetched"
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(100));
        feeds = get("/feeds");
    }
    assert_eq!(feeds["polling"], true);
    assert_eq!(feeds["feeds"][0]["url"], site.url("/wire.rss"));
    assert_eq!(feeds["feeds"][0]["last_new"], 1, "{feeds}");
    assert_eq!(feeds["feeds"][0]["interval"], "1h");
    // The item is searchable once the commit interval has passed.
    let mut found = get("/search?q=spring%20tide");
    while found["total"] != 1 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
        found = get("/search?q=spring%20tide");
    }
    assert_eq!(found["hits"][0]["title"], "Spring tide floods the quay");
    let metrics = http_get(&server.url(), "/metrics");
    let feed = site.url("/wire.rss");
    assert!(
        metrics.contains(&format!(
            "newsdex_feed_items_total{{feed=\"{feed}\",kind=\"new\"}} 1"
        )),
        "{metrics}"
    );
    assert!(metrics.contains("newsdex_feed_last_fetch_timestamp_seconds{"));
}

/// The body of `GET path` (HTTP/1.0, so the answer ends with the
/// connection).
fn http_get(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let address = base.trim_start_matches("http://");
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return String::new();
    };
    let _ = write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}
