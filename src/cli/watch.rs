//! `newsdex watch FILE`: polls a feed list into the index, without a server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono_tz::Tz;
use clap::Args;

use super::Status;
use crate::index::{Durability, IngestReport, Ingested, NewsIndex, WriterOptions};
use crate::ingest::{Limits, ReadOptions};
use crate::poll::{Poller, Sink, default_state_path, read_feed_list};

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The feed list: TOML `[[feed]]` tables (or JSON `{"feeds": [...]}`),
    /// each with `url` and optionally `interval` ("15m"), `source`,
    /// `section`, `language` and `follow_links`.
    pub feeds: PathBuf,

    /// Poll every feed once, whether due or not, then exit (for cron);
    /// exits 3 when a feed failed.
    #[arg(long)]
    pub once: bool,

    /// Where the feeds' state is kept between runs [default: the feed
    /// list's name with `.state.json` added].
    #[arg(long)]
    pub state: Option<PathBuf>,

    /// Time zone of times given without an offset (IANA name).
    #[arg(long, env = "NEWSDEX_TZ", default_value = "UTC")]
    pub tz: Tz,

    /// Index the feeds' articles without extracting their entities.
    #[arg(long)]
    pub no_entities: bool,

    /// Seconds one HTTP request may take in all.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,

    /// Largest feed or page, in MiB.
    #[arg(long, default_value_t = 64)]
    pub max_text_mb: usize,
}

pub fn run(index_dir: &Path, args: WatchArgs) -> anyhow::Result<Status> {
    let feeds = read_feed_list(&args.feeds)?;
    let index = NewsIndex::open_or_create(index_dir)
        .with_context(|| format!("cannot open index {}", index_dir.display()))?;
    let writer = Arc::new(Mutex::new(index.writer(WriterOptions {
        extract_entities: !args.no_entities,
        // Each poll commits before its state is saved.
        durability: Durability::Off,
        ..WriterOptions::default()
    })?));
    let options = ReadOptions {
        zone: args.tz,
        limits: Limits {
            max_text_bytes: args.max_text_mb.max(1) << 20,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| default_state_path(&args.feeds));
    let poller = Poller::new(
        feeds,
        Some(state),
        options,
        Duration::from_secs(args.timeout.max(1)),
    )
    .map_err(|reason| anyhow::anyhow!(reason))?;
    let sink = committing_sink(writer);
    let runtime = tokio::runtime::Runtime::new()?;
    let failures = runtime.block_on(async {
        if args.once {
            return poller.poll_due(sink.as_ref(), true).await;
        }
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = stop.send(true);
        });
        eprintln!("watching {} feeds; Ctrl-C stops", poller.status().len());
        poller.run(sink.as_ref(), stopped).await;
        0
    });
    for feed in poller.status() {
        eprintln!(
            "{}: {}, {} new, {} updated{}",
            feed.config.url,
            feed.state.last_outcome.as_deref().unwrap_or("not polled"),
            feed.state.last_new,
            feed.state.last_updated,
            feed.state
                .last_error
                .as_deref()
                .map(|error| format!(" ({error})"))
                .unwrap_or_default()
        );
    }
    Ok(if failures > 0 {
        Status::Rejected
    } else {
        Status::Ok
    })
}

/// Writes a poll's records and commits them before the poll's state is
/// saved, on the blocking pool.
fn committing_sink(writer: Arc<Mutex<crate::index::ArticleWriter>>) -> Box<Sink> {
    Box::new(move |records| {
        let writer = writer.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || -> Result<IngestReport, String> {
                let mut writer = writer
                    .lock()
                    .map_err(|_| "the writer failed earlier".to_string())?;
                let records = records
                    .into_iter()
                    .map(|record| record.map(|record| record.article));
                let report = writer
                    .ingest(records, false, |event| {
                        if let Ingested::Rejected { error, .. } = event {
                            eprintln!("error: {error}");
                        }
                    })
                    .map_err(|error| error.to_string())?;
                writer.commit().map_err(|error| error.to_string())?;
                Ok(report)
            })
            .await
            .map_err(|error| error.to_string())?
        })
    })
}
