//! Corpora for the benches: Reuters-21578 from its SGML, the BBC articles,
//! and a deterministic synthetic news corpus of any size.

#![allow(dead_code)]

pub mod reuters;
pub mod synthetic;

use std::path::PathBuf;

use newsdex::Article;
use newsdex::ingest::{ReadOptions, read_inputs};

/// `../shared/corpus/<relative>`, or `None` with a notice.
pub fn corpus_path(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipping {relative}: {} is absent", path.display());
        None
    }
}

/// Every Reuters-21578 document that has text.
pub fn reuters() -> Option<Vec<Article>> {
    reuters::read_directory(&corpus_path("reuters21578")?)
}

/// The 2,225 BBC articles through newsdex's page reader.
pub fn bbc() -> Option<Vec<Article>> {
    let root = corpus_path("bbc-news")?;
    let inputs: Vec<PathBuf> = ["business", "entertainment", "politics", "sport", "tech"]
        .iter()
        .map(|category| root.join(category))
        .collect();
    let options = ReadOptions::default();
    Some(
        read_inputs(&inputs, &options)
            .filter_map(Result::ok)
            .map(|record| record.article)
            .collect(),
    )
}

/// Bytes of text in a set of articles.
pub fn text_bytes(articles: &[Article]) -> usize {
    articles.iter().map(Article::text_len).sum()
}

/// The schema of the ceiling both benches measure against: title and body
/// in one stemmed, stored text field, nothing else.
pub fn raw_tantivy_schema() -> (tantivy::schema::Schema, tantivy::schema::Field) {
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    let mut builder = Schema::builder();
    let options = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let text = builder.add_text_field("text", options);
    (builder.build(), text)
}
