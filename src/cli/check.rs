//! `newsdex check`: verify every file of the index's last commit against
//! the checksum tantivy wrote at its end, and that every segment opens.

use std::path::Path;

use clap::Args;

use super::Status;
use crate::index::NewsIndex;

#[derive(Debug, Args)]
pub struct CheckArgs {}

pub fn run(index_dir: &Path, _args: CheckArgs) -> anyhow::Result<Status> {
    if !index_dir.join("meta.json").exists() {
        // Opening says what is missing (no index, or not a newsdex one).
        NewsIndex::open(index_dir)?;
    }
    let damaged = crate::index::damaged_files_at(index_dir)?;
    if !damaged.is_empty() {
        for file in &damaged {
            eprintln!("damaged: {}", index_dir.join(file).display());
        }
        eprintln!(
            "error: {} file(s) of the index at {} fail their checksums; restore it from a snapshot or rebuild it with `newsdex index --recreate`",
            damaged.len(),
            index_dir.display()
        );
        return Ok(Status::Failed);
    }
    let index = NewsIndex::open(index_dir)?;
    let searcher = index.reading(|| -> Result<_, crate::index::IndexError> {
        index.reload()?;
        Ok(index.searcher())
    })?;
    let segments = searcher.segment_readers().len();
    println!(
        "ok: {} documents in {segments} segment(s), every file matches its checksum",
        searcher.num_docs()
    );
    Ok(Status::Ok)
}
