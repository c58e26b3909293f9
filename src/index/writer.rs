//! Writing: upsert and delete by id, bounded memory, and a commit policy that
//! keeps a long ingest safe to kill and to re-run.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use tantivy::{IndexWriter, Searcher, TantivyDocument, Term};

use super::document::article_to_document;
use super::{IndexError, NewsIndex};
use crate::article::Article;
use crate::ner::EntityExtractor;

/// Writes between commits of a long ingest. Each commit flushes every
/// indexing thread's segment and leaves small segments to merge: at 20,000,
/// commits cost an ingest of 100,000 articles 10–15 % of its time.
pub const DEFAULT_COMMIT_EVERY: usize = 100_000;

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
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            memory_budget: 256 * 1024 * 1024,
            threads: None,
            commit_every: DEFAULT_COMMIT_EVERY,
            commit_interval: Duration::from_secs(30),
            extract_entities: true,
        }
    }
}

/// Whether a write made a new article or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    Created,
    Updated,
}

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
                tantivy::TantivyError::LockFailure(..) => IndexError::Locked(
                    index
                        .path()
                        .map(|path| path.display().to_string())
                        .unwrap_or_else(|| "<memory>".to_string()),
                ),
                other => IndexError::Tantivy(other),
            })?;
        let extractor = if options.extract_entities {
            Some(EntityExtractor::shipped()?)
        } else {
            None
        };
        Ok(ArticleWriter {
            extractor,
            committed: index.searcher(),
            index,
            writer,
            options,
            pending: HashSet::new(),
            writes_since_commit: 0,
            last_commit: Instant::now(),
            last_commit_unix: None,
        })
    }

    /// Adds an article, replacing any article with the same id.
    pub fn upsert(&mut self, article: &Article) -> Result<WriteOutcome, IndexError> {
        let outcome = if self.exists(&article.id)? {
            WriteOutcome::Updated
        } else {
            WriteOutcome::Created
        };
        let document = build_document(article, self.index.fields(), self.extractor)?;
        if outcome == WriteOutcome::Updated {
            self.writer.delete_term(self.id_term(&article.id));
        }
        self.writer.add_document(document)?;
        self.pending.insert(article.id.clone());
        self.writes_since_commit += 1;
        Ok(outcome)
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
                        handle.join().unwrap_or_else(|_| {
                            Err(IndexError::Corrupt(
                                "a document builder thread panicked".to_string(),
                            ))
                        })
                    })
                    .collect()
            });
        let mut outcomes = Vec::with_capacity(articles.len());
        let mut documents = articles.iter();
        for chunk in built {
            for (existed, document) in chunk? {
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
        self.writer.commit()?;
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

/// The document of an article, with its extracted entities when an
/// extractor is given.
fn build_document(
    article: &Article,
    fields: &super::fields::IndexFields,
    extractor: Option<&EntityExtractor>,
) -> Result<TantivyDocument, IndexError> {
    if extractor.is_none() && article.language.is_some() {
        return article_to_document(article, fields);
    }
    let mut completed = article.clone();
    // An article without a language takes the one its text is in, before
    // entities (the tagger reads English only) and analysis.
    if completed.language.is_none() {
        completed.language = Some(super::language::article_language(article));
    }
    if let Some(extractor) = extractor {
        extractor.annotate(&mut completed);
    }
    article_to_document(&completed, fields)
}
