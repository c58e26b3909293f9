//! `newsdex index URL`: a page, a feed (its links followed or not) and a
//! gzip NDJSON dump fetched from a site on 127.0.0.1 the test starts;
//! robots.txt, errors and size limits.

use std::io::Write;

use predicates::prelude::*;

use crate::support::{Site, SitePage, newsdex, project_dir, search_json, titles};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(project_dir().join(path)).expect("fixture")
}

fn rss(site: &Site, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, path, description)| {
            format!(
                "<item><title>{title}</title><link>{}</link><description>{description}</description>\
                 <pubDate>Mon, 10 Mar 2025 08:00:00 GMT</pubDate></item>",
                site.url(path)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Courier City</title>\
         <link>{}</link>{items}</channel></rss>",
        site.url("/")
    )
}

fn site() -> Site {
    let site = Site::start();
    site.put(
        "/robots.txt",
        SitePage::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    site.put(
        "/city/harbour-bridge",
        SitePage::ok(
            "text/html; charset=utf-8",
            fixture("fixtures/html/harbour-bridge.html"),
        ),
    );
    site.put(
        "/private/memo",
        SitePage::ok("text/html", fixture("fixtures/html/harbour-bridge.html")),
    );
    let feed = rss(
        &site,
        &[
            (
                "Harbour bridge reopens",
                "/city/harbour-bridge",
                "Traffic is back.",
            ),
            ("Council memo leaks", "/private/memo", "A memo, summarised."),
            (
                "Ferry timetable changes",
                "/city/gone",
                "New times from Monday.",
            ),
        ],
    );
    site.put("/feed.rss", SitePage::ok("application/rss+xml", feed));
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for n in 1..=3 {
        writeln!(
            gzip,
            "{{\"id\":\"dump-{n}\",\"title\":\"Dump story {n}\",\"body\":\"Archived story number {n} about tides.\"}}"
        )
        .expect("writes");
    }
    site.put(
        "/dump.ndjson.gz",
        SitePage::ok("application/octet-stream", gzip.finish().expect("gzip")),
    );
    // Servers send any text file as text/plain: the extension says NDJSON.
    site.put(
        "/plain/briefs.ndjson",
        SitePage::ok(
            "text/plain; charset=utf-8",
            "{\"id\":\"brief-1\",\"title\":\"Lighthouse relit\",\"body\":\"The lighthouse shines again.\"}\n\
             {\"id\":\"brief-2\",\"title\":\"Pier reopens\",\"body\":\"The pier is open.\"}\n",
        ),
    );
    site
}

#[test]
fn a_dump_served_as_text_plain_is_read_by_its_extension() {
    let site = site();
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--no-entities"])
        .arg(site.url("/plain/briefs.ndjson"))
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 2 (2 new"));
    assert_eq!(
        titles(&search_json(scratch.path(), &["lighthouse"])),
        ["Lighthouse relit"]
    );
}

#[test]
fn a_page_a_feed_and_a_gzip_dump_are_fetched_and_indexed() {
    let site = site();
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--no-entities"])
        .arg(site.url("/city/harbour-bridge"))
        .arg(site.url("/dump.ndjson.gz"))
        .arg(site.url("/feed.rss"))
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 7 (7 new"));
    let response = search_json(scratch.path(), &["cycle lane lighting", "--limit", "1"]);
    assert_eq!(
        titles(&response),
        ["Harbour bridge reopens after six-month repair"],
        "the page, read as HTML by its Content-Type"
    );
    assert_eq!(search_json(scratch.path(), &["tides"])["total"], 3);
    // Without --follow-links a feed item is the feed's summary.
    let memo = search_json(scratch.path(), &["memo", "--limit", "1"]);
    assert_eq!(titles(&memo), ["Council memo leaks"]);

    let site_requests = site.requests_of("/private/memo");
    assert!(
        site_requests.is_empty(),
        "nothing under /private/ was fetched"
    );
}

#[test]
fn follow_links_replaces_items_by_their_pages_under_robots_txt() {
    let site = site();
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--no-entities", "--follow-links"])
        .arg(site.url("/feed.rss"))
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 3 (3 new"));
    // The followed page gives the full text, its metadata and the item's id.
    let response = search_json(scratch.path(), &["cycle lane lighting", "--limit", "1"]);
    assert_eq!(
        titles(&response),
        ["Harbour bridge reopens after six-month repair"]
    );
    let id = response["hits"][0]["id"].as_str().expect("id").to_string();
    let output = newsdex(scratch.path())
        .args(["get", &id])
        .output()
        .expect("get");
    let article: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        article["authors"],
        serde_json::json!(["Priya Raman", "Tom Okafor"])
    );
    assert_eq!(article["source"], "Example Courier");
    // Disallowed and missing pages keep their items as the feed gave them.
    assert!(
        site.requests_of("/private/memo").is_empty(),
        "robots.txt obeyed"
    );
    assert_eq!(site.requests_of("/city/gone").len(), 1);
    assert_eq!(
        titles(&search_json(scratch.path(), &["memo"])),
        ["Council memo leaks"]
    );
    assert_eq!(
        titles(&search_json(
            scratch.path(),
            &["ferry timetable changes", "--limit", "1"]
        )),
        ["Ferry timetable changes"]
    );
    // robots.txt was read once for the site.
    assert_eq!(site.requests_of("/robots.txt").len(), 1);
}

#[test]
fn fetch_errors_name_the_url_and_the_reason() {
    let site = site();
    site.put(
        "/big.html",
        SitePage::ok("text/html", vec![b'x'; 2 * 1024 * 1024]),
    );
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .args(["index", "--max-text-mb", "1"])
        .arg(site.url("/absent.html"))
        .arg(site.url("/private/memo"))
        .arg(site.url("/big.html"))
        .arg(site.url("/dump.ndjson.gz"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "absent.html: the server answered 404",
        ))
        .stderr(predicate::str::contains("robots.txt disallows it"))
        .stderr(predicate::str::contains(
            "big.html: the body is larger than 1 MiB",
        ))
        .stderr(predicate::str::contains("indexed 3 (3 new"));
}
