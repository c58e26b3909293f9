//! `newsdex index`: read inputs, upsert every good record, report the bad.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono_tz::Tz;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::Status;
use crate::article::Article;
use crate::index::{
    DEFAULT_COMMIT_EVERY, Durability, INGEST_BATCH, IngestReport, Ingested, NewsIndex,
    WriterOptions,
};
use crate::ingest::{Format, Limits, ReadOptions, RecordResult, read_inputs};

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files, directories (read recursively), `-` for standard input, or
    /// http(s) URLs of a page, a feed or a dump.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Read every input as this format instead of detecting it:
    /// page, json, ndjson, feed, html or csv.
    #[arg(long)]
    pub format: Option<Format>,

    /// CSV column names, comma-separated, for files without a header row
    /// (AG News: `--columns section,title,summary`); each goes through the
    /// field names and aliases JSON keys do.
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,

    /// Time zone of times given without an offset (IANA name).
    #[arg(long, env = "NEWSDEX_TZ", default_value = "UTC")]
    pub tz: Tz,

    /// Source (publication) for articles that name none, e.g. "BBC News".
    #[arg(long)]
    pub source: Option<String>,

    /// Section for articles that name none.
    #[arg(long)]
    pub section: Option<String>,

    /// Language (ISO 639-1) for articles that name none; it chooses their
    /// stemmer (English by default).
    #[arg(long)]
    pub lang: Option<String>,

    /// Build the index anew, beside the old one, which stays whole and
    /// searchable until the new one replaces it at the end.
    #[arg(long)]
    pub recreate: bool,

    /// Writer memory budget in MiB.
    #[arg(long, default_value_t = 256)]
    pub memory_mb: usize,

    /// Commit after this many articles (and at least every 30 s).
    #[arg(long, default_value_t = DEFAULT_COMMIT_EVERY)]
    pub commit_every: usize,

    /// Index articles without extracting people, organisations and places
    /// from their text (entities the input gives are still indexed).
    #[arg(long)]
    pub no_entities: bool,

    /// Largest document (a feed, a JSON file, a page) after inflating, in
    /// MiB; a larger one is rejected with the reason.
    #[arg(long, default_value_t = 256)]
    pub max_text_mb: usize,

    /// Longest NDJSON line (one article) after inflating, in MiB; a longer
    /// line is rejected with its number and the rest of the file read.
    #[arg(long, default_value_t = 32)]
    pub max_line_mb: usize,

    /// Never show the progress bar.
    #[arg(long)]
    pub quiet: bool,

    /// For a feed named by URL, index each item's article page (fetched
    /// under the site's robots.txt) instead of the feed's summary.
    #[arg(long)]
    pub follow_links: bool,

    /// Seconds one HTTP request may take in all.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// The records of the inputs that are URLs, fetched before indexing
/// begins (each bounded by `--max-text-mb`).
fn fetch_urls(
    urls: &[String],
    options: &ReadOptions,
    args: &IndexArgs,
) -> anyhow::Result<Vec<RecordResult>> {
    if urls.is_empty() {
        return Ok(Vec::new());
    }
    let fetcher = crate::fetch::Fetcher::new(
        options.limits.max_text_bytes,
        Duration::from_secs(args.timeout.max(1)),
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP client's runtime")?;
    Ok(runtime.block_on(async {
        let mut records = Vec::new();
        for url in urls {
            records.extend(
                crate::fetch::fetch_records(&fetcher, url, options, args.follow_links).await,
            );
        }
        records
    }))
}

/// Applies `--source`, `--section` and `--lang` where the input is silent.
fn fill_defaults(article: &mut Article, args: &IndexArgs) {
    article.fill_defaults(&args.source, &args.section, &args.lang);
}

pub fn run(index_dir: &Path, args: IndexArgs) -> anyhow::Result<Status> {
    let (index, rebuild) = if args.recreate {
        NewsIndex::rebuild(index_dir).map(|(index, rebuild)| (index, Some(rebuild)))
    } else {
        NewsIndex::open_or_create(index_dir).map(|index| (index, None))
    }
    .with_context(|| format!("cannot open index {}", index_dir.display()))?;
    let mut writer = index.writer(WriterOptions {
        memory_budget: args.memory_mb.max(16) * 1024 * 1024,
        commit_every: args.commit_every.max(1),
        commit_interval: Duration::from_secs(30),
        threads: None,
        extract_entities: !args.no_entities,
        // The run reports what it indexed after its last commit, so every
        // reported write is already durable without a log.
        durability: Durability::Off,
    })?;
    let options = ReadOptions {
        format: args.format,
        zone: args.tz,
        limits: Limits {
            max_text_bytes: args.max_text_mb.max(1) << 20,
            max_line_bytes: args.max_line_mb.max(1) << 20,
        },
        columns: args.columns.clone(),
    };

    let progress = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {pos} articles  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        ProgressBar::hidden()
    };

    let (urls, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .inputs
        .iter()
        .cloned()
        .partition(|input| input.to_str().is_some_and(crate::fetch::is_url));
    let urls: Vec<String> = urls
        .iter()
        .filter_map(|url| url.to_str().map(str::to_string))
        .collect();
    let skipped = crate::ingest::skipped_files(&paths);
    let started = Instant::now();
    let bytes = std::cell::Cell::new(0usize);
    let fetched = fetch_urls(&urls, &options, &args)?;
    let records = fetched
        .into_iter()
        .chain(read_inputs(&paths, &options))
        .map(|record| {
            record.map(|mut record| {
                bytes.set(bytes.get() + record.article.text_len());
                fill_defaults(&mut record.article, &args);
                record.article
            })
        });
    let report = writer.ingest(records, true, |event| match event {
        Ingested::Written { .. } => {
            progress.inc(1);
            let done = progress.position();
            if done.is_multiple_of(INGEST_BATCH as u64) {
                let seconds = started.elapsed().as_secs_f64().max(1e-9);
                progress.set_message(format!(
                    "{:.0} docs/s  {:.1} MB/s",
                    done as f64 / seconds,
                    bytes.get() as f64 / seconds / 1e6
                ));
            }
        }
        Ingested::Rejected { error, .. } => {
            progress.suspend(|| eprintln!("error: {error}"));
        }
    })?;
    writer.finish()?;
    if let Some(rebuild) = rebuild {
        rebuild.swap_in(index)?;
    }
    progress.finish_and_clear();

    let IngestReport {
        created,
        updated,
        rejected,
    } = report;
    let bytes = bytes.get();
    let seconds = started.elapsed().as_secs_f64();
    let indexed = report.written();
    eprintln!(
        "indexed {indexed} ({created} new, {updated} updated), rejected {rejected}, in {seconds:.2}s ({:.0} docs/s, {:.1} MB/s)",
        indexed as f64 / seconds.max(1e-9),
        bytes as f64 / seconds.max(1e-9) / 1e6,
    );
    if !skipped.is_empty() {
        eprintln!(
            "skipped {} (formats read: {}; --format forces one on named files)",
            crate::ingest::describe_skipped(&skipped),
            Format::NAMES
        );
    }
    Ok(if rejected > 0 || (indexed == 0 && !skipped.is_empty()) {
        Status::Rejected
    } else {
        Status::Ok
    })
}
