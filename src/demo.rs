//! The demo index: the articles of `fixtures/articles`, compiled into the
//! binary so `newsdex serve --demo` works on a fresh machine with nothing
//! else.

use crate::index::{IndexError, Ingested, NewsIndex, WriterOptions};
use crate::ingest::{ReadOptions, read_bytes};

/// Every file of `fixtures/articles`; a test keeps this list complete.
pub const DEMO_FILES: &[(&str, &[u8])] = &[
    (
        "feeds/briefing.json",
        include_bytes!("../fixtures/articles/feeds/briefing.json"),
    ),
    (
        "feeds/science.atom",
        include_bytes!("../fixtures/articles/feeds/science.atom"),
    ),
    (
        "feeds/world.rss",
        include_bytes!("../fixtures/articles/feeds/world.rss"),
    ),
    (
        "json/newsapi.json",
        include_bytes!("../fixtures/articles/json/newsapi.json"),
    ),
    (
        "json/newsdex.json",
        include_bytes!("../fixtures/articles/json/newsdex.json"),
    ),
    (
        "ndjson/wire.ndjson",
        include_bytes!("../fixtures/articles/ndjson/wire.ndjson"),
    ),
    (
        "pages/eu-gas-storage.txt",
        include_bytes!("../fixtures/articles/pages/eu-gas-storage.txt"),
    ),
    (
        "pages/kyiv-live-blog.txt",
        include_bytes!("../fixtures/articles/pages/kyiv-live-blog.txt"),
    ),
    (
        "pages/plain-markets.txt",
        include_bytes!("../fixtures/articles/pages/plain-markets.txt"),
    ),
];

/// An in-memory index holding the demo articles.
pub fn demo_index() -> Result<NewsIndex, IndexError> {
    let index = NewsIndex::create_in_ram()?;
    let mut writer = index.writer(WriterOptions::default())?;
    let options = ReadOptions::default();
    let records = DEMO_FILES.iter().flat_map(|(name, bytes)| {
        read_bytes(bytes, name, &options)
            .into_iter()
            .map(|record| record.map(|record| record.article))
    });
    writer.ingest(records, false, |event| {
        if let Ingested::Rejected { error, .. } = event {
            tracing::warn!(%error, "demo article rejected");
        }
    })?;
    writer.finish()?;
    Ok(index)
}
