//! Real news from ../shared/corpus: every record must read and index.

use newsdex::index::{Ingested, NewsIndex, WriterOptions};
use newsdex::ingest::{ReadOptions, read_inputs};
use newsdex::query::{SearchRequest, search};

use crate::support::shared_path;

/// Reads and indexes `inputs`, failing on any rejected record; returns the
/// index and the number of articles.
fn ingest_all(inputs: Vec<std::path::PathBuf>) -> (NewsIndex, usize) {
    let index = NewsIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    let options = ReadOptions::default();
    let mut rejected = Vec::new();
    let records = read_inputs(&inputs, &options).map(|record| record.map(|record| record.article));
    let report = writer
        .ingest(records, true, |event| {
            if let Ingested::Rejected { error, .. } = event {
                rejected.push(error.to_string());
            }
        })
        .expect("indexes");
    let count = report.written() as usize;
    writer.finish().expect("commits");
    assert!(rejected.is_empty(), "rejected: {rejected:#?}");
    (index, count)
}

#[test]
fn every_bbc_article_is_ingested() {
    let Some(root) = shared_path("corpus/bbc-news") else {
        return;
    };
    let categories = ["business", "entertainment", "politics", "sport", "tech"]
        .iter()
        .map(|category| root.join(category))
        .collect();
    let (index, count) = ingest_all(categories);
    assert_eq!(count, 2225);
    // The set holds 129 articles twice under one title (98 byte for byte, 31
    // revised). With no URL or date, the title and the text identify an
    // article: a copy byte for byte updates the first, a revised text is
    // another article and stays.
    assert_eq!(index.searcher().num_docs(), 2225 - 98);
    let response = search(
        &index,
        &SearchRequest {
            q: "\"Time Warner\"".into(),
            ..Default::default()
        },
    )
    .expect("searches");
    assert!(
        response
            .hits
            .iter()
            .any(|hit| hit.title == "Ad sales boost Time Warner profit")
    );
}

#[test]
fn every_realnews_record_is_ingested() {
    let Some(file) = shared_path("corpus/realnews-tiny/realnews_tiny.jsonl") else {
        return;
    };
    let (index, count) = ingest_all(vec![file]);
    assert_eq!(count, 5);
    let article = index
        .get(
            &search(
                &index,
                &SearchRequest {
                    q: "Havana factory".into(),
                    ..Default::default()
                },
            )
            .expect("searches")
            .hits[0]
                .id,
        )
        .expect("reads")
        .expect("stored");
    assert_eq!(article.source.as_deref(), Some("nbcnews.com"));
    assert_eq!(article.authors, ["Associated Press"]);
    assert_eq!(
        article
            .published_at
            .map(|time| time.date_naive().to_string())
            .as_deref(),
        Some("2016-02-15")
    );
}
