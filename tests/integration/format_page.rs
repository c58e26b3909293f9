//! The news page text format: the seed page, and pages unlike it.

use newsdex::ingest::{ReadOptions, read_bytes, read_file};

use crate::support::shared_path;

#[test]
fn seed_page_reads_with_every_field_right() {
    let Some(dir) = shared_path("seeds") else {
        return;
    };
    let path = dir.join("000_607d013090928df1.txt");
    let mut results = read_file(&path, &ReadOptions::default());
    assert_eq!(results.len(), 1);
    let article = results.remove(0).expect("the seed page reads").article;

    assert_eq!(article.section.as_deref(), Some("News Feed"));
    assert_eq!(
        article.tags,
        [
            "Ukraine",
            "Russia",
            "War",
            "NATO",
            "security guarantees",
            "Mark Rutte"
        ]
    );
    assert_eq!(
        article.title,
        "'Europe is ready and willing to step up' — Rutte on security guarantees for Ukraine"
    );
    assert_eq!(article.authors, ["Kateryna Hodunova"]);
    assert_eq!(
        article
            .published_at
            .map(|time| time.to_rfc3339())
            .as_deref(),
        Some("2025-02-18T10:25:00+00:00")
    );
    assert_eq!(article.reading_time, Some(2));

    assert_eq!(article.captions.len(), 1);
    let caption = &article.captions[0];
    assert!(
        caption
            .text
            .starts_with("NATO Secretary General Mark Rutte during the press conference")
    );
    assert!(caption.text.ends_with("on Nov. 13, 2024."));
    assert_eq!(
        caption.credit.as_deref(),
        Some("Jakub Porzycki/NurPhoto via Getty Images")
    );

    assert!(
        article
            .body
            .starts_with("Europe is ready and willing to take a leadership role")
    );
    assert!(
        article
            .body
            .ends_with("Kremlin foreign policy advisor Yuri Ushakov.")
    );
    assert_eq!(article.body.split("\n\n").count(), 8);
    for not_body in [
        "Skip to content",
        "Getty Images",
        "Author:",
        "Kellogg",
        "Thank you for signing up",
        "confirmation email",
    ] {
        assert!(!article.body.contains(not_body), "body holds {not_body:?}");
    }

    assert_eq!(article.entries.len(), 1);
    let entry = &article.entries[0];
    assert_eq!(
        entry.time.map(|time| time.to_rfc3339()).as_deref(),
        Some("2025-02-18T23:25:00+00:00")
    );
    assert_eq!(
        entry.headline,
        "US envoy Kellogg to visit Ukraine on Feb 19."
    );
    assert!(
        entry
            .body
            .starts_with("Speaking to journalists in Brussels on Feb. 17")
    );
    assert!(entry.body.ends_with("before taking a night train to Kyiv."));
    assert!(!entry.body.contains("Thank you"));
    assert_eq!(entry.author.as_deref(), Some("Kateryna Hodunova"));
}

#[test]
fn seed_page_times_follow_the_configured_zone() {
    let Some(dir) = shared_path("seeds") else {
        return;
    };
    let options = ReadOptions {
        zone: "Europe/Kyiv".parse().expect("a zone"),
        ..ReadOptions::default()
    };
    let article = read_file(&dir.join("000_607d013090928df1.txt"), &options)
        .remove(0)
        .expect("reads")
        .article;
    assert_eq!(
        article
            .published_at
            .map(|time| time.to_rfc3339())
            .as_deref(),
        Some("2025-02-18T10:25:00+02:00")
    );
    assert_eq!(
        article
            .published_at
            .map(|time| time.to_utc().to_rfc3339())
            .as_deref(),
        Some("2025-02-18T08:25:00+00:00")
    );
}

#[test]
fn crlf_bom_and_blank_lines_change_nothing() {
    let page = "date 2025-03-04 Skip to content\nLive, Energy\nTitle\nby Jane Doe March 4, 2025 7:40 AM\nFirst.\n\n\n\nSecond.\nAuthor: Jane Doe\n9:00 AM\nHeadline\nEntry body.\n";
    let variant = format!("\u{feff}{}", page.replace('\n', "\r\n\r\n"));
    let read = |text: &str| {
        read_bytes(text.as_bytes(), "page.txt", &ReadOptions::default())
            .remove(0)
            .expect("reads")
            .article
    };
    let plain = read(page);
    assert_eq!(plain, read(&variant));
    assert_eq!(plain.body, "First.\n\nSecond.");
    assert_eq!(plain.entries[0].headline, "Headline");
    assert_eq!(plain.entries[0].body, "Entry body.");
}

#[test]
fn a_page_without_byline_caption_or_entries_reads() {
    let page = "date 2025-03-04 Skip to content\nWorld, Diplomacy\nTalks resume\nNegotiators met again on Tuesday.\n";
    let article = read_bytes(page.as_bytes(), "page.txt", &ReadOptions::default())
        .remove(0)
        .expect("reads")
        .article;
    assert_eq!(article.section.as_deref(), Some("World"));
    assert_eq!(article.tags, ["Diplomacy"]);
    assert_eq!(article.title, "Talks resume");
    assert!(
        article.authors.is_empty() && article.captions.is_empty() && article.entries.is_empty()
    );
    assert_eq!(article.body, "Negotiators met again on Tuesday.");
    assert_eq!(
        article
            .published_at
            .map(|time| time.to_rfc3339())
            .as_deref(),
        Some("2025-03-04T00:00:00+00:00")
    );
}
