//! The tantivy index: schema mapping, opening with a version check, writing
//! with upserts and a commit policy, and reading articles back.

pub mod document;
pub mod fields;
pub mod language;
pub mod published_days;
pub mod record;
pub mod snapshot;
pub mod value_words;
pub mod wal;
mod writer;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Searcher, TERMINATED, Term};

pub use self::wal::Durability;
pub use self::writer::{
    ArticleWriter, DEFAULT_COMMIT_EVERY, DurablePoint, INGEST_BATCH, IngestReport, Ingested,
    WriteOutcome, WriterOptions,
};
use crate::article::{Article, EntityKind};
use crate::ner::name_links::NameLinks;
use fields::{FieldKind, IndexFields};
use published_days::PublishedDays;

/// File beside tantivy's own that records which newsdex schema built an index.
const META_FILE: &str = "newsdex.json";

/// Why an index could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Built by a newsdex of another schema version.
    #[error(
        "index at {path} was built with schema version {found}, this newsdex reads version {expected}: it must be rebuilt from its inputs"
    )]
    IncompatibleSchema {
        /// The index directory.
        path: String,
        /// The version it was built with.
        found: u32,
        /// The version this newsdex reads.
        expected: u32,
    },
    #[error(
        "index at {path} has a field layout this newsdex does not read (schema version {version}, changed since): it must be rebuilt from its inputs"
    )]
    /// Built with a field layout this newsdex does not read.
    SchemaMismatch {
        /// The index directory.
        path: String,
        /// The schema version it names.
        version: u32,
    },
    /// No index in the directory.
    #[error("no index at {0}")]
    NotFound(String),
    /// A tantivy index without its `newsdex.json`.
    #[error(
        "{0} holds a tantivy index without its newsdex.json (lost or deleted): restore the index from a snapshot, or rebuild it from its inputs"
    )]
    MissingMeta(String),
    /// The directory holds files that are not an index.
    #[error("{0} holds files that are not a newsdex index; choose an empty or new directory")]
    NotAnIndex(String),
    #[error(
        "index at {path} is written by another process{holder}; only one process writes an index at a time"
    )]
    /// Another process holds the writer's lock.
    Locked {
        /// The index directory.
        path: String,
        /// Who holds it, when the lock file says.
        holder: String,
    },
    /// The field catalogue cannot make an index.
    #[error("invalid index field definitions: {0}")]
    Definitions(#[from] fields::CatalogueError),
    /// Index data that does not decode.
    #[error("corrupt index data: {0}")]
    Corrupt(String),
    /// A write that cannot be encoded or is too large to log: refused, the
    /// index untouched.
    #[error("cannot write: {0}")]
    Unwritable(String),
    #[error(
        "the index at {path} is damaged: these files fail their checksums: {}; restore it from a snapshot or rebuild it from its inputs",
        files.join(", ")
    )]
    /// Files that fail their checksums.
    Damaged {
        /// The index directory.
        path: String,
        /// The damaged files.
        files: Vec<String>,
    },
    /// A read failed (with the reason).
    #[error("reading the index failed: {0}")]
    ReadFailed(String),
    /// Building articles' documents panicked (a bug, not the index's
    /// data): the batch was not written.
    #[error("building documents failed: {0}; the batch was not written")]
    BuildFailed(String),
    /// A snapshot's target directory is not empty.
    #[error("{0} is not empty; a snapshot needs a new or empty directory")]
    SnapshotTarget(String),
    /// The entity tagger could not be loaded.
    #[error(transparent)]
    Entities(#[from] crate::ner::NerError),
    /// A file operation failed.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// tantivy refused an operation.
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
}

impl IndexError {
    /// The I/O error of `path`, for `map_err`.
    pub fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> IndexError + use<> {
        let path = path.display().to_string();
        move |source| IndexError::Io { path, source }
    }

    /// Whether the error is the device running out of space (somewhere in
    /// its chain of causes).
    pub fn is_storage_full(&self) -> bool {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(error) = cause {
            if let Some(io) = error.downcast_ref::<std::io::Error>()
                && (io.kind() == std::io::ErrorKind::StorageFull
                    || io.raw_os_error() == Some(libc::ENOSPC))
            {
                return true;
            }
            // tantivy wraps its I/O errors in an `Arc`, which a downcast to
            // `io::Error` does not see through; its message keeps the cause.
            if error.to_string().contains("No space left on device") {
                return true;
            }
            cause = error.source();
        }
        false
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexMeta {
    schema_version: u32,
    created_by: String,
}

fn damaged_files_of(index: &Index) -> Result<Vec<String>, IndexError> {
    let checked =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index.validate_checksum()))
            .map_err(|payload| IndexError::ReadFailed(panic_message(payload.as_ref())))??;
    let mut files: Vec<String> = checked
        .into_iter()
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    Ok(files)
}

fn damage_report(path: String, files: Result<Vec<String>, IndexError>) -> Option<IndexError> {
    match files {
        Ok(files) if !files.is_empty() => Some(IndexError::Damaged { path, files }),
        _ => None,
    }
}

/// The damaged files of the index in `dir`, found without opening it for
/// search (a damaged file can keep the index from opening at all).
pub fn damaged_files_at(dir: &Path) -> Result<Vec<String>, IndexError> {
    damaged_files_of(&Index::open_in_dir(dir)?)
}

/// [`IndexError::Damaged`] for the index in `dir`, if any file fails its
/// checksum.
pub fn damage_at(dir: &Path) -> Option<IndexError> {
    damage_report(dir.display().to_string(), damaged_files_at(dir))
}

/// The message a panic carried.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| text.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// A new index being built beside the one it replaces.
#[must_use = "the new index replaces the old one only when swapped in"]
pub struct Rebuild {
    staging: PathBuf,
    target: PathBuf,
}

impl Rebuild {
    /// An empty staging directory beside `dir` (`DIR.rebuilding`), for an
    /// index to replace the one in `dir`.
    pub fn beside(dir: &Path) -> Result<Rebuild, IndexError> {
        // An index (or a tantivy index that lost its newsdex.json) may be
        // replaced; other files are not ours to remove.
        let replaceable = dir.join(META_FILE).exists() || dir.join("meta.json").exists();
        if dir.exists() && !replaceable {
            let empty = std::fs::read_dir(dir)
                .map(|mut entries| entries.next().is_none())
                .unwrap_or(false);
            if !empty {
                return Err(IndexError::NotAnIndex(dir.display().to_string()));
            }
        }
        let mut staging = dir.as_os_str().to_owned();
        staging.push(".rebuilding");
        let staging = PathBuf::from(staging);
        // A build killed earlier left its half.
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(IndexError::io_at(&staging))?;
        }
        std::fs::create_dir_all(&staging).map_err(IndexError::io_at(&staging))?;
        Ok(Rebuild {
            staging: staging.clone(),
            target: dir.to_path_buf(),
        })
    }

    /// Where the new index is built.
    pub fn staging(&self) -> &Path {
        &self.staging
    }

    /// Puts the new index in place of the old one; call it after the new
    /// index's last commit.
    pub fn swap_in(self, index: NewsIndex) -> Result<(), IndexError> {
        drop(index);
        self.swap_in_files()
    }

    /// Puts the staging directory in place of the old index (an atomic
    /// exchange of the two directories where the file system has one),
    /// then removes the old one.
    pub fn swap_in_files(self) -> Result<(), IndexError> {
        let io = IndexError::io_at;
        if !self.target.exists() {
            return std::fs::rename(&self.staging, &self.target).map_err(io(&self.target));
        }
        if !exchange(&self.staging, &self.target) {
            // No atomic exchange here: move the old index aside first, so
            // that a crash between the renames leaves both on disk.
            let mut aside = self.target.as_os_str().to_owned();
            aside.push(".old");
            let aside = PathBuf::from(aside);
            std::fs::rename(&self.target, &aside).map_err(io(&self.target))?;
            std::fs::rename(&self.staging, &self.target).map_err(io(&self.target))?;
            return std::fs::remove_dir_all(&aside).map_err(io(&aside));
        }
        // The old index is now at the staging path.
        std::fs::remove_dir_all(&self.staging).map_err(io(&self.staging))
    }
}

/// Exchanges two directories atomically (Linux's `renameat2` with
/// `RENAME_EXCHANGE`); `false` where the system or file system has no such
/// call.
fn exchange(first: &Path, second: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (Ok(first), Ok(second)) = (
            std::ffi::CString::new(first.as_os_str().as_bytes()),
            std::ffi::CString::new(second.as_os_str().as_bytes()),
        ) else {
            return false;
        };
        // SAFETY: both paths are valid NUL-terminated strings that outlive
        // the call; renameat2 only reads them.
        #[allow(unsafe_code)]
        let result = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                first.as_ptr(),
                libc::AT_FDCWD,
                second.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        result == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (first, second);
        false
    }
}

/// What every search on one searcher generation reads before it starts:
/// the languages present, the text fields holding terms and each segment's
/// tiebreak and date columns, gathered once per generation.
#[derive(Debug, Default)]
pub struct SearchContext {
    /// The distinct values of the `language` field.
    pub languages: BTreeSet<String>,
    /// The searchable text fields (analysed text, and the text side of
    /// facets) that hold a term in some segment. A query need not look in
    /// the others: weighing a term in a field a segment lacks still opens
    /// an empty dictionary for it, for every term of every query.
    pub text_fields_with_terms: HashSet<Field>,
    /// Per segment, in the searcher's order: the article-id order column,
    /// which breaks ties between hits, and the publication time column,
    /// which recency and date sorts read. Opening a column looks its name
    /// up in the segment's column directory: once per generation, not once
    /// per search.
    pub id_orders: Vec<Option<Column<u64>>>,
    /// Per segment, the publication time column.
    pub publication_times: Vec<Option<Column<tantivy::DateTime>>>,
}

/// A search context and the generation it was read at.
type ContextAt = (u64, Arc<SearchContext>);

/// A facet field's value words and the searcher generation they were read at.
/// Values computed once per searcher generation, by key: a new commit
/// makes them stale, and the next reader rebuilds them.
pub struct GenerationCache<V> {
    entries: Mutex<HashMap<String, (u64, Arc<V>)>>,
    /// Values built so far.
    builds: std::sync::atomic::AtomicU64,
}

impl<V> Default for GenerationCache<V> {
    fn default() -> Self {
        GenerationCache {
            entries: Mutex::new(HashMap::new()),
            builds: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl<V> GenerationCache<V> {
    /// The value of `key` as of `searcher`'s generation, built by `build`
    /// if it is absent or stale.
    pub fn get_or_build<E>(
        &self,
        searcher: &Searcher,
        key: &str,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        let generation = searcher.generation().generation_id();
        if let Ok(entries) = self.entries.lock()
            && let Some((cached, value)) = entries.get(key)
            && *cached == generation
        {
            return Ok(value.clone());
        }
        let value = Arc::new(build()?);
        self.builds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key.to_string(), (generation, value.clone()));
        }
        Ok(value)
    }
}

/// A newsdex index: tantivy index, reader and field mapping. Cloning is
/// cheap and shares the index.
#[derive(Clone)]
pub struct NewsIndex {
    index: Index,
    reader: IndexReader,
    fields: IndexFields,
    path: Option<PathBuf>,
    /// Facts of the index as of one searcher generation.
    facts: Arc<Mutex<Option<ContextAt>>>,
    /// Per facet field, its values' words as of one searcher generation.
    value_words: Arc<GenerationCache<value_words::ValueWords>>,
    /// Per facet field, its values by count over the whole index (what an
    /// empty facet search lists), as of one searcher generation.
    facet_listings: Arc<GenerationCache<Vec<(String, u64)>>>,
    /// Per person and org field, its short forms (lone surnames,
    /// abbreviations) linked to full names, as of one searcher generation.
    name_links: Arc<GenerationCache<NameLinks>>,
    /// Per segment, its documents' publication days, read on first use.
    published_days: Arc<Mutex<HashMap<SegmentId, Option<Arc<PublishedDays>>>>>,
}

impl NewsIndex {
    /// Opens the index in `dir`, creating it (and the directory) if absent.
    pub fn open_or_create(dir: &Path) -> Result<NewsIndex, IndexError> {
        if dir.join(META_FILE).exists() || dir.join("meta.json").exists() {
            return NewsIndex::open(dir);
        }
        let display = dir.display().to_string();
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: display.clone(),
            source,
        })?;
        let is_empty = std::fs::read_dir(dir)
            .map_err(|source| IndexError::Io {
                path: display.clone(),
                source,
            })?
            .next()
            .is_none();
        if !is_empty {
            return Err(IndexError::NotAnIndex(display));
        }
        let fields = IndexFields::build()?;
        let index = Index::create_in_dir(dir, fields.schema.clone())?;
        let meta = IndexMeta {
            schema_version: fields.schema_version(),
            created_by: format!("newsdex {}", env!("CARGO_PKG_VERSION")),
        };
        let meta_json = serde_json::to_vec_pretty(&meta)
            .map_err(|error| IndexError::Unwritable(error.to_string()))?;
        std::fs::write(dir.join(META_FILE), meta_json).map_err(|source| IndexError::Io {
            path: dir.join(META_FILE).display().to_string(),
            source,
        })?;
        NewsIndex::from_index(index, fields, Some(dir.to_path_buf()))
    }

    /// Opens an existing index, refusing one built with another schema.
    pub fn open(dir: &Path) -> Result<NewsIndex, IndexError> {
        let display = dir.display().to_string();
        let meta_path = dir.join(META_FILE);
        let meta_bytes = match std::fs::read(&meta_path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if dir.join("meta.json").exists() {
                    return Err(IndexError::MissingMeta(display));
                }
                return Err(IndexError::NotFound(display));
            }
            Err(source) => {
                return Err(IndexError::Io {
                    path: meta_path.display().to_string(),
                    source,
                });
            }
        };
        let meta: IndexMeta = serde_json::from_slice(&meta_bytes)
            .map_err(|error| IndexError::Corrupt(format!("{}: {error}", meta_path.display())))?;
        let fields = IndexFields::build()?;
        // A damaged file can keep the index from opening: name it.
        let damaged = |error: tantivy::TantivyError| damage_at(dir).unwrap_or(error.into());
        let index = Index::open_in_dir(dir).map_err(damaged)?;
        if meta.schema_version == fields.schema_version() && index.schema() != fields.schema {
            return Err(IndexError::SchemaMismatch {
                path: display,
                version: meta.schema_version,
            });
        }
        if meta.schema_version != fields.schema_version() {
            return Err(IndexError::IncompatibleSchema {
                path: display,
                found: meta.schema_version,
                expected: fields.schema_version(),
            });
        }
        NewsIndex::from_index(index, fields, Some(dir.to_path_buf())).map_err(|error| match error {
            IndexError::Tantivy(_) => damage_at(dir).unwrap_or(error),
            other => other,
        })
    }

    /// Starts building a new, empty index to replace the one in `dir`: it
    /// is built beside it (`DIR.rebuilding`), and [`Rebuild::swap_in`]
    /// puts it in place at the end, so the old index stays whole and
    /// searchable until then, and whole if the build is killed.
    pub fn rebuild(dir: &Path) -> Result<(NewsIndex, Rebuild), IndexError> {
        let rebuild = Rebuild::beside(dir)?;
        let index = NewsIndex::open_or_create(&rebuild.staging)?;
        Ok((index, rebuild))
    }

    /// An index in memory, for tests, benches and demos.    /// An index in memory, for tests, benches and demos.
    pub fn create_in_ram() -> Result<NewsIndex, IndexError> {
        let fields = IndexFields::build()?;
        let index = Index::create_in_ram(fields.schema.clone());
        NewsIndex::from_index(index, fields, None)
    }

    fn from_index(
        index: Index,
        fields: IndexFields,
        path: Option<PathBuf>,
    ) -> Result<NewsIndex, IndexError> {
        crate::analysis::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(NewsIndex {
            index,
            reader,
            fields,
            path,
            facts: Arc::new(Mutex::new(None)),
            value_words: Arc::default(),
            facet_listings: Arc::default(),
            name_links: Arc::default(),
            published_days: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The index's fields, as the catalogue declares them.
    pub fn fields(&self) -> &IndexFields {
        &self.fields
    }

    /// The directory, for an index on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The tantivy index beneath.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }

    /// The files of the last commit whose contents no longer match the
    /// checksum tantivy wrote at their end (every byte is read).
    pub fn damaged_files(&self) -> Result<Vec<String>, IndexError> {
        damaged_files_of(&self.index)
    }

    /// Runs a read of the index so that damaged data gives an error naming
    /// the damaged files, never a panic: tantivy trusts its files and can
    /// panic on flipped bytes (in a term dictionary, for one), so a panic
    /// here is caught and the checksums are verified to say why.
    pub fn reading<T, E: From<IndexError>>(
        &self,
        work: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
            Ok(result) => result,
            Err(payload) => Err(self.explain_panic(payload.as_ref()).into()),
        }
    }

    /// The error for a read that panicked: the damaged files if the
    /// checksums find any, else the panic's message.
    pub fn explain_panic(&self, payload: &(dyn std::any::Any + Send)) -> IndexError {
        self.damage()
            .unwrap_or_else(|| IndexError::ReadFailed(panic_message(payload)))
    }

    /// [`IndexError::Damaged`] if any file fails its checksum.
    pub fn damage(&self) -> Option<IndexError> {
        let path = self
            .path()
            .map_or_else(|| "<memory>".to_string(), |path| path.display().to_string());
        damage_report(path, self.damaged_files())
    }

    /// A searcher over the last commit this process has seen.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Makes the latest commit visible to new searchers.
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader.reload()?;
        Ok(())
    }

    /// A writer with the given memory budget and commit policy. Only one
    /// writer, in any process, can hold an index at a time.
    pub fn writer(&self, options: WriterOptions) -> Result<ArticleWriter, IndexError> {
        ArticleWriter::new(self.clone(), options)
    }

    /// The stored article with this id.
    pub fn get(&self, id: &str) -> Result<Option<Article>, IndexError> {
        let searcher = self.searcher();
        let Some(address) = self.live_document(&searcher, id)? else {
            return Ok(None);
        };
        let stored: document::StoredArticle = searcher.doc(address)?;
        stored.article(&self.fields).map(Some)
    }

    /// Whether a live document has this id, in the given searcher.
    pub fn contains(&self, searcher: &Searcher, id: &str) -> Result<bool, IndexError> {
        Ok(self.live_document(searcher, id)?.is_some())
    }

    /// The live document with this id. Reads the id's postings directly:
    /// a query would weigh the term for scoring first, and writers ask this
    /// of every article they upsert.
    fn live_document(
        &self,
        searcher: &Searcher,
        id: &str,
    ) -> Result<Option<DocAddress>, IndexError> {
        let term = Term::from_field_text(self.fields.id, id);
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.id)?;
            let Some(mut postings) = inverted
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(tantivy::TantivyError::from)?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    return Ok(Some(DocAddress::new(ordinal as u32, doc)));
                }
                doc = postings.advance();
            }
        }
        Ok(None)
    }

    /// The words of the values of facet field `field` in `searcher`, built
    /// once per searcher generation.
    pub fn value_words(
        &self,
        searcher: &Searcher,
        field: &str,
    ) -> Result<Arc<value_words::ValueWords>, IndexError> {
        self.value_words.get_or_build(searcher, field, || {
            value_words::ValueWords::build(searcher, field).map_err(IndexError::from)
        })
    }

    /// Builds what the first search of a new commit would otherwise wait
    /// for: the name links of every person and organisation field. The
    /// server runs it after each commit, off the request path, as
    /// Elasticsearch builds eager global ordinals at refresh.
    pub fn warm(&self) -> Result<(), IndexError> {
        let searcher = self.searcher();
        for name in self.fields.facet_names() {
            self.name_links(&searcher, name)?;
        }
        Ok(())
    }

    /// Name-link tables built since the index was opened, by searches and
    /// by [`NewsIndex::warm`] (`newsdex_name_link_builds_total`).
    pub fn name_link_builds(&self) -> u64 {
        self.name_links
            .builds
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// For a facet field of people's or organisations' names, its short
    /// forms (lone surnames, abbreviations, a company's name without its
    /// legal form) linked to the full names the
    /// index makes unambiguous (see [`NameLinks`]), built once per searcher
    /// generation from the field's terms, their document frequencies and
    /// their spellings; `None` for any other field.
    pub fn name_links(
        &self,
        searcher: &Searcher,
        field: &str,
    ) -> Result<Option<Arc<NameLinks>>, IndexError> {
        let Some((facet, kind)) = self.fields.get(field).and_then(|facet| {
            let kind = facet.definition.entity_kind()?;
            matches!(kind, EntityKind::Person | EntityKind::Org).then_some((facet, kind))
        }) else {
            return Ok(None);
        };
        let links = self
            .name_links
            .get_or_build(searcher, &facet.definition.name, || {
                // Articles per name in any case (the exact field's terms are
                // lower-cased), and the spellings the fast column keeps.
                let mut articles: HashMap<String, u64> = HashMap::new();
                let mut spellings: BTreeSet<String> = BTreeSet::new();
                for segment in searcher.segment_readers() {
                    let inverted = segment.inverted_index(facet.field)?;
                    let mut terms = inverted
                        .terms()
                        .stream()
                        .map_err(tantivy::TantivyError::from)?;
                    while terms.advance() {
                        if let Ok(name) = std::str::from_utf8(terms.key()) {
                            *articles.entry(name.to_string()).or_default() +=
                                u64::from(terms.value().doc_freq);
                        }
                    }
                    let Some(column) = segment.fast_fields().str(&facet.definition.name)? else {
                        continue;
                    };
                    let mut written = column
                        .dictionary()
                        .stream()
                        .map_err(tantivy::TantivyError::from)?;
                    while written.advance() {
                        if let Ok(name) = std::str::from_utf8(written.key()) {
                            spellings.insert(name.to_string());
                        }
                    }
                }
                let mut links = match kind {
                    EntityKind::Person => NameLinks::people(
                        articles.iter().map(|(name, count)| (name.as_str(), *count)),
                    ),
                    _ => NameLinks::companies(spellings.iter().map(|name| {
                        let count = articles.get(&name.to_lowercase()).copied().unwrap_or(0);
                        (name.as_str(), count)
                    })),
                };
                for written in &spellings {
                    links.note_spelling(written);
                }
                Ok::<_, IndexError>(links)
            })?;
        Ok(Some(links))
    }

    /// The cache of each facet field's values by count over the whole
    /// index, per searcher generation.
    pub fn facet_listings(&self) -> &GenerationCache<Vec<(String, u64)>> {
        &self.facet_listings
    }

    /// Per segment of `searcher` (by ordinal), its documents' publication
    /// days (see [`PublishedDays`]), read once per segment and forgotten
    /// when the segment leaves the searcher; `None` for a segment whose
    /// days are read from the column instead.
    pub fn published_days(
        &self,
        searcher: &Searcher,
    ) -> Result<Vec<Option<Arc<PublishedDays>>>, IndexError> {
        let name = self
            .fields
            .get("published_at")
            .map(|field| field.definition.name.clone())
            .unwrap_or_default();
        let mut known = match self.published_days.lock() {
            Ok(known) => known.clone(),
            Err(_) => HashMap::new(),
        };
        let mut days = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let id = segment.segment_id();
            let segment_days = match known.get(&id) {
                Some(found) => found.clone(),
                None => {
                    let read = PublishedDays::read(segment, &name)?.map(Arc::new);
                    known.insert(id, read.clone());
                    read
                }
            };
            days.push(segment_days);
        }
        let live: HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.segment_id())
            .collect();
        known.retain(|id, _| live.contains(id));
        if let Ok(mut cached) = self.published_days.lock() {
            *cached = known;
        }
        Ok(days)
    }

    /// The distinct values of the `language` field in `searcher`.
    pub fn languages(&self, searcher: &Searcher) -> BTreeSet<String> {
        self.search_context(searcher).languages.clone()
    }

    /// The [`SearchContext`] of `searcher`, read once per searcher
    /// generation.
    pub fn search_context(&self, searcher: &Searcher) -> Arc<SearchContext> {
        let generation = searcher.generation().generation_id();
        if let Ok(cached) = self.facts.lock()
            && let Some((cached_generation, facts)) = cached.as_ref()
            && *cached_generation == generation
        {
            return facts.clone();
        }
        let mut facts = SearchContext::default();
        let language = self.fields.get("language").map(|field| field.field);
        let text_fields =
            self.fields
                .fields
                .iter()
                .filter_map(|field| match field.definition.kind {
                    FieldKind::Text => Some(field.field),
                    _ => field.text_field,
                });
        let column_name = |name: &str| {
            self.fields
                .get(name)
                .map(|field| field.definition.name.clone())
                .unwrap_or_default()
        };
        let (id_order, published_at) = (column_name("id_order"), column_name("published_at"));
        for segment in searcher.segment_readers() {
            let fast_fields = segment.fast_fields();
            facts
                .id_orders
                .push(fast_fields.column_opt(&id_order).ok().flatten());
            facts
                .publication_times
                .push(fast_fields.column_opt(&published_at).ok().flatten());
            if let Some(field) = language
                && let Ok(inverted) = segment.inverted_index(field)
                && let Ok(mut stream) = inverted.terms().stream()
            {
                while stream.advance() {
                    if let Ok(language) = std::str::from_utf8(stream.key()) {
                        facts.languages.insert(language.to_string());
                    }
                }
            }
            for field in text_fields.clone() {
                if segment
                    .inverted_index(field)
                    .is_ok_and(|inverted| inverted.terms().num_terms() > 0)
                {
                    facts.text_fields_with_terms.insert(field);
                }
            }
        }
        let facts = Arc::new(facts);
        if let Ok(mut cached) = self.facts.lock() {
            *cached = Some((generation, facts.clone()));
        }
        facts
    }

    /// The latest publication time in the index, in Unix seconds (deleted
    /// articles count until their segment merges).
    pub fn newest_published(&self, searcher: &Searcher) -> Result<Option<i64>, IndexError> {
        let name = self
            .fields
            .get("published_at")
            .map_or("published_at".to_string(), |field| {
                field.definition.name.clone()
            });
        let mut newest: Option<i64> = None;
        for segment in searcher.segment_readers() {
            let Some(column) = segment
                .fast_fields()
                .column_opt::<tantivy::DateTime>(&name)?
            else {
                continue;
            };
            if column.num_docs() == 0 || column.values.num_vals() == 0 {
                continue;
            }
            let seconds = column.max_value().into_timestamp_secs();
            newest = Some(newest.map_or(seconds, |current| current.max(seconds)));
        }
        Ok(newest)
    }

    /// Bytes the index takes on disk.
    pub fn size_on_disk(&self) -> u64 {
        self.path.as_deref().map_or(0, dir_size)
    }
}

/// Bytes of the files under `path`.
pub fn dir_size(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum()
}
