//! Reuters-21578 SGML → articles. The collection's quirks (control-character
//! entities, unescaped `>`, malformed dates, Latin-1 bytes) are handled here
//! rather than in newsdex's readers: SGML archives are a bench input, not a
//! format users ingest.

use std::path::Path;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use newsdex::Article;
use regex::Regex;

pub fn read_directory(dir: &Path) -> Option<Vec<Article>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "sgm"))
        .collect();
    files.sort();
    let mut articles = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).ok()?;
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
        articles.extend(parse_sgml(&text));
    }
    Some(articles)
}

struct Patterns {
    newid: Regex,
    date: Regex,
    title: Regex,
    body: Regex,
    unproc: Regex,
    topics: Regex,
    places: Regex,
    item: Regex,
    entity: Regex,
}

fn patterns() -> Patterns {
    let pattern = |text: &str| Regex::new(text).expect("pattern is valid");
    Patterns {
        newid: pattern(r#"NEWID="(\d+)""#),
        date: pattern(r"(\d{1,2}-[A-Z]{3}-\d{4})\s+(\d{1,2}:\d{2}:\d{2})"),
        title: pattern(r"(?s)<TITLE>(.*?)</TITLE>"),
        body: pattern(r"(?s)<BODY>(.*?)</BODY>"),
        unproc: pattern(r#"(?s)<TEXT TYPE="UNPROC">(.*?)</TEXT>"#),
        topics: pattern(r"(?s)<TOPICS>(.*?)</TOPICS>"),
        places: pattern(r"(?s)<PLACES>(.*?)</PLACES>"),
        item: pattern(r"<D>(.*?)</D>"),
        entity: pattern(r"&#(\d+);|&lt;|&gt;|&amp;"),
    }
}

pub fn parse_sgml(text: &str) -> Vec<Article> {
    let patterns = patterns();
    let utc = FixedOffset::east_opt(0).expect("UTC is a valid offset");
    text.split("<REUTERS ")
        .skip(1)
        .filter_map(|document| {
            let id = patterns.newid.captures(document)?[1].to_string();
            let title = patterns
                .title
                .captures(document)
                .map(|captures| unescape(&patterns, &captures[1]))
                .unwrap_or_default();
            let body = patterns
                .body
                .captures(document)
                .or_else(|| patterns.unproc.captures(document))
                // The body as the wire wrote it, hard-wrapped lines and the
                // closing "Reuter" sign-off included: newsdex reads wire
                // copy as users give it.
                .map(|captures| unescape(&patterns, &captures[1]))
                .unwrap_or_default();
            if title.is_empty() && body.is_empty() {
                return None;
            }
            let published_at = patterns.date.captures(document).and_then(|captures| {
                let stamp = format!("{} {}", &captures[1], &captures[2]);
                NaiveDateTime::parse_from_str(&stamp, "%d-%b-%Y %H:%M:%S")
                    .ok()
                    .and_then(|naive| utc.from_local_datetime(&naive).single())
            });
            let list = |pattern: &Regex| -> Vec<String> {
                pattern
                    .captures(document)
                    .map(|captures| {
                        patterns
                            .item
                            .captures_iter(&captures[1])
                            .map(|item| item[1].to_string())
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let places = list(&patterns.places);
            Some(Article {
                id: format!("reuters-{id}"),
                source: Some("Reuters".to_string()),
                language: Some("en".to_string()),
                title,
                body,
                tags: list(&patterns.topics),
                section: places.first().cloned(),
                published_at,
                ..Article::default()
            })
        })
        .collect()
}

fn unescape(patterns: &Patterns, text: &str) -> String {
    patterns
        .entity
        .replace_all(text, |captures: &regex::Captures| match &captures[0] {
            "&lt;" => "<".to_string(),
            "&gt;" => ">".to_string(),
            "&amp;" => "&".to_string(),
            // Control characters (&#2; &#3; …) are wire framing, not text.
            _ => String::new(),
        })
        .trim()
        .to_string()
}
