//! Writing: upsert and delete by id, bounded memory, and a commit policy that
//! keeps a long ingest safe to kill and to re-run.
//!
//! An upsert deletes by id term only when the id is in the committed index
//! or was written since the last commit, then adds: tantivy keeps every
//! queued delete, with a scoring weight, until the commit. `upsert_batch`
//! extracts entities and builds documents on every core and adds them in
//! order; `ingest` is the one way a stream of read records is written.
//! Commits come every N writes (100,000 by default) or T seconds, and at
//! the end: each commit flushes small segments that must then merge.
//! tantivy commits are atomic, so a killed ingest leaves the last commit
//! and re-running upserts. Every write is logged (`wal.rs`) before tantivy
//! sees it; each commit stores the log sequence number it reaches in
//! tantivy's commit payload; opening a writer replays the log past it, and
//! `recover` rolls tantivy back after a failed commit and replays again.
//! `durable_point` is taken under the writer's lock and waited for outside
//! it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, Searcher, TantivyDocument, Term};

use std::sync::Arc;

use super::document::article_to_document;
use super::wal::{Durability, LogOp, WriteLog, commit_payload, committed_seq};
use super::{IndexError, NewsIndex};
use crate::article::Article;
use crate::ner::EntityExtractor;

/// Writes between commits of a long ingest. Each commit flushes every
/// indexing thread's segment and leaves small segments to merge: at 20,000,
/// commits cost an ingest of 100,000 articles 10–15 % of its time.
pub const DEFAULT_COMMIT_EVERY: usize = 100_000;

/// How a writer buffers, commits, extracts entities and logs.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Memory the writer may use for its in-progress segments, in bytes.
    pub memory_budget: usize,
    /// Indexing threads; `None` lets tantivy choose from the core count.
    pub threads: Option<usize>,
    /// Commit after this many writes...
    pub commit_every: usize,
    /// ...or once this much time has passed since the last commit.
    pub commit_interval: Duration,
    /// Extract people, organisations and places from each article's text
    /// (with the shipped model) and index them beside those it came with.
    pub extract_entities: bool,
    /// Whether writes are logged before they are acknowledged (on an index
    /// on disk; an index in memory has no log).
    pub durability: Durability,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            memory_budget: 256 * 1024 * 1024,
            threads: None,
            commit_every: DEFAULT_COMMIT_EVERY,
            commit_interval: Duration::from_secs(30),
            extract_entities: true,
            durability: Durability::Request,
        }
    }
}

/// Whether a write made a new article or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The id was new.
    Created,
    /// An article with the id was replaced.
    Updated,
}

/// Articles upserted together by [`ArticleWriter::ingest`]: enough for
/// `upsert_batch` to spread their analysis over every core.
pub const INGEST_BATCH: usize = 512;

/// What [`ArticleWriter::ingest`] made of one record (numbered from 1, in
/// the order read).
#[derive(Debug)]
pub enum Ingested<'a, E> {
    /// Record `record` was written.
    Written {
        /// Its number in the stream, from 0.
        record: usize,
        /// Its article's id.
        id: &'a str,
        /// Whether it was new or replaced one.
        outcome: WriteOutcome,
    },
    /// Record `record` was refused and not written.
    Rejected {
        /// Its number in the stream, from 0.
        record: usize,
        /// Why.
        error: E,
    },
}

/// The counts of an ingest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Articles new to the index.
    pub created: u64,
    /// Articles that replaced one with the same id.
    pub updated: u64,
    /// Records refused.
    pub rejected: u64,
}

impl IngestReport {
    /// Articles written, new or replacing.
    pub fn written(&self) -> u64 {
        self.created + self.updated
    }
}

/// The one writer of an index: upserts, deletes and commits (see the module docs).
pub struct ArticleWriter {
    index: NewsIndex,
    writer: IndexWriter<TantivyDocument>,
    options: WriterOptions,
    /// The index as of the last commit, to tell creates from updates.
    committed: Searcher,
    /// Ids written since the last commit.
    pending: HashSet<String>,
    writes_since_commit: usize,
    last_commit: Instant,
    last_commit_unix: Option<i64>,
    extractor: Option<&'static EntityExtractor>,
    /// The write-ahead log of an index on disk.
    log: Option<Arc<WriteLog>>,
    /// The log sequence number the last commit holds.
    committed_seq: u64,
}

/// A point in the write-ahead log to wait for before acknowledging: taken
/// under the writer's lock, waited for outside it, so that concurrent
/// writers share one fsync.
#[must_use]
pub struct DurablePoint {
    log: Option<Arc<WriteLog>>,
    seq: u64,
}

impl DurablePoint {
    /// Returns once every write up to this point is durable.
    pub fn wait(self) -> Result<(), IndexError> {
        match self.log {
            Some(log) => log.wait_durable(self.seq),
            None => Ok(()),
        }
    }
}

impl ArticleWriter {
    pub(super) fn new(index: NewsIndex, options: WriterOptions) -> Result<Self, IndexError> {
        // tantivy needs at least 15 MB per indexing thread.
        const MIN_PER_THREAD: usize = 15_000_000;
        let tantivy_index = index.tantivy_index();
        let threads = options
            .threads
            .unwrap_or_else(|| {
                std::thread::available_parallelism()
                    .map_or(1, |n| n.get())
                    .min(8)
            })
            .clamp(1, (options.memory_budget / MIN_PER_THREAD).max(1));
        let budget = options.memory_budget.max(MIN_PER_THREAD * threads);
        let writer = tantivy_index
            .writer_with_num_threads(threads, budget)
            .map_err(|error| match error {
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked {
                    path: index
                        .path()
                        .map(|path| path.display().to_string())
                        .unwrap_or_else(|| "<memory>".to_string()),
                    holder: index.path().map(writer_holder).unwrap_or_default(),
                },
                other => IndexError::Tantivy(other),
            })?;
        let extractor = if options.extract_entities {
            Some(EntityExtractor::shipped()?)
        } else {
            None
        };
        if let Some(path) = index.path() {
            record_holder(path);
        }
        let committed_seq = committed_seq(tantivy_index.load_metas()?.payload.as_deref());
        let (log, replay) = match index.path() {
            Some(path) => {
                let (log, replay) = WriteLog::open(
                    &path.join(super::wal::LOG_DIR),
                    committed_seq,
                    options.durability,
                )?;
                (Some(Arc::new(log)), replay)
            }
            None => (None, Vec::new()),
        };
        let mut writer = ArticleWriter {
            extractor,
            committed: index.searcher(),
            index,
            writer,
            options,
            pending: HashSet::new(),
            writes_since_commit: 0,
            last_commit: Instant::now(),
            last_commit_unix: None,
            log,
            committed_seq,
        };
        if !replay.is_empty() {
            writer.replay(replay)?;
            writer.commit()?;
        }
        Ok(writer)
    }

    /// Applies logged writes (already in the log) to the index.
    fn replay(&mut self, writes: Vec<(u64, LogOp)>) -> Result<(), IndexError> {
        let count = writes.len();
        for (seq, op) in writes {
            let applied = match &op {
                LogOp::Upsert(article) => self.apply_upsert(article).map(|_| ()),
                LogOp::Delete(id) => self.apply_delete(id).map(|_| ()),
            };
            if let Err(error) = applied {
                // A write that cannot be applied was never acknowledged.
                tracing::warn!(seq, %error, "skipped a logged write");
            }
        }
        tracing::info!(writes = count, "replayed the write-ahead log");
        Ok(())
    }

    /// Logs writes before they are applied.
    fn log(&self, ops: &[LogOp]) -> Result<(), IndexError> {
        if let Some(log) = &self.log {
            log.append(ops)?;
        }
        Ok(())
    }

    /// The point every write so far reaches in the log.
    pub fn durable_point(&self) -> DurablePoint {
        DurablePoint {
            seq: self.log.as_ref().map_or(0, |log| log.last_seq()),
            log: self.log.clone(),
        }
    }

    /// After a failed commit (a full disk, an I/O error): drops the
    /// uncommitted work tantivy holds and replays it from the log, so the
    /// next commit can succeed once the fault is gone. Without a log the
    /// writes since the last commit are lost.
    pub fn recover(&mut self) -> Result<usize, IndexError> {
        self.writer.rollback()?;
        self.pending.clear();
        self.writes_since_commit = 0;
        let writes = match &self.log {
            Some(log) => log.writes_after(self.committed_seq)?,
            None => Vec::new(),
        };
        let count = writes.len();
        self.replay(writes)?;
        Ok(count)
    }

    /// Adds an article, replacing any article with the same id.
    pub fn upsert(&mut self, article: &Article) -> Result<WriteOutcome, IndexError> {
        self.upsert_logged(article, true)
    }

    fn apply_upsert(&mut self, article: &Article) -> Result<WriteOutcome, IndexError> {
        self.upsert_logged(article, false)
    }

    fn upsert_logged(&mut self, article: &Article, log: bool) -> Result<WriteOutcome, IndexError> {
        let outcome = if self.exists(&article.id)? {
            WriteOutcome::Updated
        } else {
            WriteOutcome::Created
        };
        let document = build_document(article, self.index.fields(), self.extractor)?;
        if log {
            self.log(&[LogOp::Upsert(Box::new(article.clone()))])?;
        }
        if outcome == WriteOutcome::Updated {
            self.writer.delete_term(self.id_term(&article.id));
        }
        self.writer.add_document(document)?;
        self.pending.insert(article.id.clone());
        self.writes_since_commit += 1;
        Ok(outcome)
    }

    /// The one way records are ingested: upserted in batches of
    /// [`INGEST_BATCH`] as they are read, each record's fate given to
    /// `on_record` (a rejected record is counted and the others land), and,
    /// with `commit_when_due`, a commit after each batch once one is due.
    pub fn ingest<E>(
        &mut self,
        records: impl IntoIterator<Item = Result<Article, E>>,
        commit_when_due: bool,
        mut on_record: impl FnMut(Ingested<'_, E>),
    ) -> Result<IngestReport, IndexError> {
        let mut report = IngestReport::default();
        let mut batch: Vec<Article> = Vec::with_capacity(INGEST_BATCH);
        let mut numbers: Vec<usize> = Vec::with_capacity(INGEST_BATCH);
        let flush = |writer: &mut ArticleWriter,
                     batch: &mut Vec<Article>,
                     numbers: &mut Vec<usize>,
                     report: &mut IngestReport,
                     on_record: &mut dyn FnMut(Ingested<'_, E>)|
         -> Result<(), IndexError> {
            if batch.is_empty() {
                return Ok(());
            }
            let outcomes = writer.upsert_batch(batch)?;
            for ((article, record), outcome) in batch.iter().zip(numbers.iter()).zip(outcomes) {
                match outcome {
                    WriteOutcome::Created => report.created += 1,
                    WriteOutcome::Updated => report.updated += 1,
                }
                on_record(Ingested::Written {
                    record: *record,
                    id: &article.id,
                    outcome,
                });
            }
            batch.clear();
            numbers.clear();
            if commit_when_due {
                writer.commit_if_due()?;
            }
            Ok(())
        };
        for (index, record) in records.into_iter().enumerate() {
            match record {
                Ok(article) => {
                    batch.push(article);
                    numbers.push(index + 1);
                    if batch.len() == INGEST_BATCH {
                        flush(self, &mut batch, &mut numbers, &mut report, &mut on_record)?;
                    }
                }
                Err(error) => {
                    report.rejected += 1;
                    on_record(Ingested::Rejected {
                        record: index + 1,
                        error,
                    });
                }
            }
        }
        flush(self, &mut batch, &mut numbers, &mut report, &mut on_record)?;
        Ok(report)
    }

    /// Adds many articles, replacing those whose ids exist. Documents are
    /// built (entities extracted, text analysed, serialised) on every core, which is most of the work
    /// of indexing; they are then handed to tantivy in order, so the last of
    /// two articles with one id wins, as with [`ArticleWriter::upsert`].
    pub fn upsert_batch(&mut self, articles: &[Article]) -> Result<Vec<WriteOutcome>, IndexError> {
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(articles.len().div_ceil(64).max(1));
        let chunk_size = articles.len().div_ceil(workers).max(1);
        let fields = self.index.fields();
        let index = &self.index;
        let committed = &self.committed;
        let check_committed = committed.num_docs() > 0;
        let extractor = self.extractor;
        let built: Vec<Result<Vec<(bool, TantivyDocument)>, IndexError>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = articles
                    .chunks(chunk_size)
                    .map(|chunk| {
                        scope.spawn(move || {
                            chunk
                                .iter()
                                .map(|article| {
                                    let existed = check_committed
                                        && index.contains(committed, &article.id)?;
                                    Ok((existed, build_document(article, fields, extractor)?))
                                })
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|handle| {
                        handle.join().unwrap_or_else(|payload| {
                            Err(IndexError::BuildFailed(super::panic_message(
                                payload.as_ref(),
                            )))
                        })
                    })
                    .collect()
            });
        let built = built.into_iter().collect::<Result<Vec<_>, _>>()?;
        if self.log.is_some() {
            let ops: Vec<LogOp> = articles
                .iter()
                .map(|article| LogOp::Upsert(Box::new(article.clone())))
                .collect();
            self.log(&ops)?;
        }
        let mut outcomes = Vec::with_capacity(articles.len());
        let mut documents = articles.iter();
        for chunk in built {
            for (existed, document) in chunk {
                let Some(article) = documents.next() else {
                    break;
                };
                let updated = existed || self.pending.contains(&article.id);
                // Only an id already written has a document to replace.
                // tantivy keeps every delete until the next commit, with a
                // scoring weight of about 1 KB, and tries it against each
                // segment it flushes: deleting every new id doubled the
                // anonymous memory peak of indexing 300,000 articles.
                if updated {
                    self.writer.delete_term(self.id_term(&article.id));
                }
                self.writer.add_document(document)?;
                self.pending.insert(article.id.clone());
                self.writes_since_commit += 1;
                outcomes.push(if updated {
                    WriteOutcome::Updated
                } else {
                    WriteOutcome::Created
                });
            }
        }
        Ok(outcomes)
    }

    /// Deletes the article with this id; returns whether there was one.
    pub fn delete(&mut self, id: &str) -> Result<bool, IndexError> {
        let existed = self.exists(id)?;
        self.log(&[LogOp::Delete(id.to_string())])?;
        self.apply_delete_known(id, existed)
    }

    fn apply_delete(&mut self, id: &str) -> Result<bool, IndexError> {
        let existed = self.exists(id)?;
        self.apply_delete_known(id, existed)
    }

    fn apply_delete_known(&mut self, id: &str, existed: bool) -> Result<bool, IndexError> {
        self.writer.delete_term(self.id_term(id));
        self.pending.remove(id);
        self.writes_since_commit += 1;
        Ok(existed)
    }

    fn exists(&self, id: &str) -> Result<bool, IndexError> {
        Ok(self.pending.contains(id)
            || (self.committed.num_docs() > 0 && self.index.contains(&self.committed, id)?))
    }

    fn id_term(&self, id: &str) -> Term {
        Term::from_field_text(self.index.fields().id, id)
    }

    /// Commits when the policy says so; returns whether it did.
    pub fn commit_if_due(&mut self) -> Result<bool, IndexError> {
        let due = self.writes_since_commit >= self.options.commit_every
            || (self.writes_since_commit > 0
                && self.last_commit.elapsed() >= self.options.commit_interval);
        if due {
            self.commit()?;
        }
        Ok(due)
    }

    /// Makes every write so far durable and visible to new searchers.
    pub fn commit(&mut self) -> Result<(), IndexError> {
        let started = Instant::now();
        let seq = self.log.as_ref().map_or(0, |log| log.last_seq());
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&commit_payload(seq));
        prepared.commit()?;
        self.committed_seq = seq;
        if let Some(log) = &self.log {
            log.committed(seq)?;
        }
        self.index.reload()?;
        self.committed = self.index.searcher();
        tracing::info!(
            writes = self.writes_since_commit,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "committed"
        );
        self.pending.clear();
        self.writes_since_commit = 0;
        self.last_commit = Instant::now();
        self.last_commit_unix = Some(chrono::Utc::now().timestamp());
        Ok(())
    }

    /// When this writer last committed, in Unix seconds.
    pub fn last_commit_unix(&self) -> Option<i64> {
        self.last_commit_unix
    }

    /// Writes not yet committed.
    pub fn pending_writes(&self) -> usize {
        self.writes_since_commit
    }

    /// Commits and waits for background merges, so the writer's threads are
    /// gone when this returns.
    pub fn finish(mut self) -> Result<(), IndexError> {
        if self.writes_since_commit > 0 {
            self.commit()?;
        }
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// File in an index directory naming the process that holds its writer.
const HOLDER_FILE: &str = "writer.json";

/// Notes which process holds the writer, for the error another process
/// gets (tantivy's lock file says nothing about its holder).
fn record_holder(dir: &std::path::Path) {
    let command: Vec<String> = std::env::args().take(2).collect();
    let holder = serde_json::json!({
        "pid": std::process::id(),
        "command": command.join(" "),
        "since": chrono::Utc::now().to_rfc3339(),
    });
    if let Err(error) = std::fs::write(dir.join(HOLDER_FILE), holder.to_string()) {
        tracing::debug!(%error, "cannot note the writer's process");
    }
}

/// " (process 1234, `newsdex serve`, since …)" when the holder noted itself.
fn writer_holder(dir: &std::path::Path) -> String {
    let Ok(text) = std::fs::read_to_string(dir.join(HOLDER_FILE)) else {
        return String::new();
    };
    let Ok(holder) = serde_json::from_str::<serde_json::Value>(&text) else {
        return String::new();
    };
    format!(
        " (process {}, `{}`, since {})",
        holder["pid"],
        holder["command"].as_str().unwrap_or("?"),
        holder["since"].as_str().unwrap_or("?")
    )
}

/// The document of an article, with its extracted entities when an
/// extractor is given.
fn build_document(
    article: &Article,
    fields: &super::fields::IndexFields,
    extractor: Option<&EntityExtractor>,
) -> Result<TantivyDocument, IndexError> {
    if extractor.is_none() && article.language.is_some() && article.entities.is_empty() {
        return article_to_document(article, fields);
    }
    let mut completed = article.clone();
    // An article without a language takes the one its text is in, before
    // entities (the tagger reads English only) and analysis.
    if completed.language.is_none() {
        completed.language = Some(super::language::article_language(article));
    }
    match extractor {
        Some(extractor) => extractor.annotate(&mut completed),
        // Given entities take their canonical names with or without extraction.
        None => crate::ner::canonicalise_entities(&mut completed.entities),
    }
    article_to_document(&completed, fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_lands_every_good_record_and_reports_each_once() {
        let index = NewsIndex::create_in_ram().expect("index");
        let mut writer = index
            .writer(WriterOptions {
                extract_entities: false,
                ..WriterOptions::default()
            })
            .expect("writer");
        // More than two batches, every seventh record rejected, and the
        // last record an update of the first.
        let count = INGEST_BATCH * 2 + 100;
        let records = (0..=count).map(|number| {
            if number % 7 == 3 {
                return Err(format!("record {number} is bad"));
            }
            let id = if number == count { 0 } else { number };
            Ok(Article {
                id: format!("a{id}"),
                title: format!("Story number {number}"),
                body: "Harbour cranes stood idle.".to_string(),
                ..Article::default()
            })
        });
        let mut seen = vec![0u32; count + 2];
        let mut rejected_ids = Vec::new();
        let report = writer
            .ingest(records, true, |event| match event {
                Ingested::Written { record, .. } => seen[record] += 1,
                Ingested::Rejected { record, error } => {
                    seen[record] += 1;
                    rejected_ids.push(error);
                }
            })
            .expect("ingests");
        writer.finish().expect("commits");
        let bad = (0..=count).filter(|number| number % 7 == 3).count() as u64;
        assert_eq!(report.rejected, bad);
        assert_eq!(report.updated, 1);
        assert_eq!(report.created, (count + 1) as u64 - bad - 1);
        assert!(seen[1..=count + 1].iter().all(|times| *times == 1));
        assert_eq!(rejected_ids[0], "record 3 is bad");
        index.reload().expect("reload");
        assert_eq!(index.searcher().num_docs(), report.created);
    }
}
