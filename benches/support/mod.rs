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

/// Writer budget of every engine the benches build.
pub const WRITER_BUDGET: usize = 256 * 1024 * 1024;

/// The ceiling both benches measure against: raw tantivy with title and
/// body in one stemmed, stored text field, nothing else.
pub struct RawTantivy {
    reader: tantivy::IndexReader,
    parser: tantivy::query::QueryParser,
}

impl RawTantivy {
    /// Builds the index (in `dir`, or in memory) from the (title, body)
    /// pairs that `feed` hands to its argument, commits, waits for merges
    /// and opens it for searching.
    pub fn build(
        dir: Option<&std::path::Path>,
        feed: impl FnOnce(&mut dyn FnMut(&str, &str)),
    ) -> RawTantivy {
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
        let index = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).expect("dir");
                tantivy::Index::create_in_dir(dir, builder.build()).expect("index")
            }
            None => tantivy::Index::create_in_ram(builder.build()),
        };
        let mut writer = index
            .writer::<tantivy::TantivyDocument>(WRITER_BUDGET)
            .expect("writer");
        feed(&mut |title, body| {
            writer
                .add_document(tantivy::doc!(text => format!("{title}\n\n{body}")))
                .expect("adds");
        });
        writer.commit().expect("commits");
        writer.wait_merging_threads().expect("merges");
        let mut parser = tantivy::query::QueryParser::for_index(&index, vec![text]);
        parser.set_conjunction_by_default();
        RawTantivy {
            reader: index.reader().expect("reader"),
            parser,
        }
    }

    /// Counts the matches of `query` and loads the ten best, as a search
    /// service returns them; `None` when the query does not parse.
    pub fn run(&self, query: &str) -> Option<u64> {
        use tantivy::collector::{Count, TopDocs};
        let searcher = self.reader.searcher();
        let query = self.parser.parse_query(query).ok()?;
        let (count, top) = searcher
            .search(&query, &(Count, TopDocs::with_limit(10).order_by_score()))
            .ok()?;
        for (_, address) in top {
            let _: tantivy::TantivyDocument = searcher.doc(address).ok()?;
        }
        Some(count as u64)
    }
}

/// Writes a bench's report: `target/bench-report/NAME.md` and `.json`,
/// and its table into `docs/PERFORMANCE.md` between the markers
/// `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, so the published
/// figures are the last run's as the bench printed them. A report without
/// markers in the document is written to `target/` only.
pub fn publish(name: &str, markdown: &str, json: &impl serde::Serialize) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = root.join("target/bench-report");
    let _ = std::fs::create_dir_all(&out_dir);
    let _ = std::fs::write(out_dir.join(format!("{name}.md")), markdown);
    let _ = std::fs::write(
        out_dir.join(format!("{name}.json")),
        serde_json::to_string_pretty(json).unwrap_or_default(),
    );
    let document = root.join("docs/PERFORMANCE.md");
    let Ok(text) = std::fs::read_to_string(&document) else {
        return;
    };
    let (open, close) = (
        format!("<!-- bench:{name} -->"),
        format!("<!-- /bench:{name} -->"),
    );
    let (Some(start), Some(end)) = (text.find(&open), text.find(&close)) else {
        eprintln!(
            "docs/PERFORMANCE.md has no {open} section; the report is in {}",
            out_dir.display()
        );
        return;
    };
    if end < start {
        return;
    }
    let updated = format!(
        "{}{open}\n{}\n{}",
        &text[..start],
        markdown.trim_end(),
        &text[end..]
    );
    if std::fs::write(&document, updated).is_ok() {
        eprintln!("wrote the {name} tables into docs/PERFORMANCE.md");
    }
}
