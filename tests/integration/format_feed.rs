//! RSS, Atom and JSON Feed.

use newsdex::ingest::{ReadOptions, read_file};

use crate::support::project_dir;

fn read(relative: &str) -> Vec<newsdex::Article> {
    read_file(&project_dir().join(relative), &ReadOptions::default())
        .into_iter()
        .map(|result| result.expect("reads").article)
        .collect()
}

#[test]
fn rss_items_become_articles_with_clean_text() {
    let articles = read("fixtures/articles/feeds/world.rss");
    assert_eq!(articles.len(), 2);
    let fires = &articles[0];
    assert_eq!(fires.title, "Wildfires force evacuations along the coast");
    assert_eq!(
        fires.url.as_deref(),
        Some("https://globe.example.test/world/wildfires-coast")
    );
    assert_eq!(fires.source.as_deref(), Some("Example Globe: World"));
    assert_eq!(fires.language.as_deref(), Some("en"));
    assert_eq!(fires.authors, ["Maria Santos"]);
    assert_eq!(fires.tags, ["Climate", "Wildfires"]);
    assert_eq!(
        fires.summary.as_deref(),
        Some("Thousands left their homes as fires spread.")
    );
    assert!(!fires.body.contains('<'), "no markup: {}", fires.body);
    assert!(fires.body.contains("4,000 hectares & was 10% contained"));
    assert_eq!(fires.body.split("\n\n").count(), 2);
    let budget = &articles[1];
    assert_eq!(
        budget.published_at.map(|time| time.to_rfc3339()).as_deref(),
        Some("2024-12-11T22:50:00+00:00")
    );
    assert_eq!(
        budget.body,
        "The budget passed by 201 votes to 187 after a debate that ran past midnight."
    );
}

#[test]
fn atom_and_json_feed_read() {
    let atom = read("fixtures/articles/feeds/science.atom");
    assert_eq!(atom.len(), 1);
    assert_eq!(atom[0].tags, ["Space", "Astronomy"]);
    assert_eq!(atom[0].authors, ["Dr. Ines Moreau"]);
    assert!(
        atom[0]
            .body
            .starts_with("Astronomers using a space telescope")
    );
    assert_eq!(
        atom[0].updated_at.map(|time| time.to_rfc3339()).as_deref(),
        Some("2025-02-10T09:00:00+00:00")
    );

    let briefing = read("fixtures/articles/feeds/briefing.json");
    assert_eq!(briefing.len(), 1, "a .json JSON Feed is read as a feed");
    assert_eq!(
        briefing[0].source.as_deref(),
        Some("Example Morning Briefing")
    );
    assert_eq!(briefing[0].tags, ["Briefing", "Ceasefire"]);
    assert!(
        briefing[0]
            .body
            .contains("Rail workers begin a 48-hour strike.")
    );
}

#[test]
fn a_broken_feed_is_one_error_naming_the_file() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("broken.rss");
    std::fs::write(&path, "<rss><channel><item><title>Cut off").expect("writes");
    let results = read_file(&path, &ReadOptions::default());
    assert_eq!(results.len(), 1);
    let error = results[0].as_ref().expect_err("broken").to_string();
    assert!(
        error.starts_with(&format!("{}: invalid feed", path.display())),
        "{error}"
    );
}
