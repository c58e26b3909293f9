//! `newsdex serve`: the HTTP API over an index, or over the built-in demo.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use chrono_tz::Tz;
use clap::Args;

use super::Status;
use crate::http::{ServeConfig, serve};
use crate::index::{Durability, NewsIndex};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NEWSDEX_ADDR", default_value = "127.0.0.1:7700")]
    pub addr: SocketAddr,

    /// Serve an in-memory index of the built-in demo articles instead of
    /// --index.
    #[arg(long)]
    pub demo: bool,

    /// Key that writes need (`Authorization: Bearer KEY`).
    #[arg(long, env = "NEWSDEX_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,

    /// Key that reads need; reads are open when unset.
    #[arg(long, env = "NEWSDEX_READ_KEY", hide_env_values = true)]
    pub read_key: Option<String>,

    /// Origin allowed by CORS (repeatable; `*` for any).
    #[arg(long)]
    pub cors_origin: Vec<String>,

    /// Milliseconds within which writes become searchable.
    #[arg(long, default_value_t = 1000)]
    pub commit_interval_ms: u64,

    /// Largest request body, in MiB.
    #[arg(long, default_value_t = 16)]
    pub max_body_mb: usize,

    /// Seconds before a request is answered 408.
    #[arg(long, default_value_t = 30)]
    pub timeout_s: u64,

    /// Seconds a connection may take to send a request's headers, and may
    /// stay idle between requests, before it is closed.
    #[arg(long, default_value_t = 10)]
    pub header_timeout_s: u64,

    /// Connections served at once; more are closed as they arrive.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,

    /// Time zone of posted times without an offset.
    #[arg(long, env = "NEWSDEX_TZ", default_value = "UTC")]
    pub tz: Tz,

    /// Index posted articles without extracting their entities.
    #[arg(long)]
    pub no_entities: bool,

    /// When a write is acknowledged: `request` once it is in the
    /// write-ahead log and fsync'd (survives a crash of the machine),
    /// `async` once it is in the log (survives a crash of the process;
    /// fsync'd at the next commit), `off` without a log (writes since the
    /// last commit are lost in a crash).
    #[arg(
        long,
        value_enum,
        env = "NEWSDEX_DURABILITY",
        default_value = "request"
    )]
    pub durability: Durability,

    /// Serve searches only, beside another process (a `serve`, an `index`)
    /// that writes the index: its commits show within the commit interval;
    /// writes answer 403.
    #[arg(long, conflicts_with = "demo")]
    pub read_only: bool,

    /// Folder where `POST /snapshots` writes snapshots (with the write
    /// key); snapshots over HTTP are off without it.
    #[arg(long, env = "NEWSDEX_SNAPSHOT_DIR")]
    pub snapshot_dir: Option<std::path::PathBuf>,

    /// A feed list (TOML or JSON) to poll on schedule while serving; see
    /// `newsdex watch` for its shape. Status at `GET /feeds` and in
    /// `/metrics`.
    #[arg(long)]
    pub feeds: Option<std::path::PathBuf>,

    /// Where the feeds' state is kept between runs [default: the feed
    /// list's name with `.state.json` added].
    #[arg(long)]
    pub feeds_state: Option<std::path::PathBuf>,
}

pub fn run(index_dir: &Path, args: ServeArgs) -> anyhow::Result<Status> {
    let index = if args.demo {
        crate::demo::demo_index()?
    } else if args.read_only {
        NewsIndex::open(index_dir)?
    } else {
        NewsIndex::open_or_create(index_dir)?
    };
    let feeds = match &args.feeds {
        Some(path) => crate::poll::read_feed_list(path)?,
        None => Vec::new(),
    };
    let feeds_state = args.feeds.as_deref().map(|path| {
        args.feeds_state
            .clone()
            .unwrap_or_else(|| crate::poll::default_state_path(path))
    });
    let config = ServeConfig {
        feeds,
        feeds_state,
        addr: args.addr,
        api_key: args.api_key,
        read_key: args.read_key,
        cors_origins: args.cors_origin,
        commit_interval: Duration::from_millis(args.commit_interval_ms.max(10)),
        max_body_bytes: args.max_body_mb.max(1) * 1024 * 1024,
        request_timeout: Duration::from_secs(args.timeout_s.max(1)),
        header_timeout: Duration::from_secs(args.header_timeout_s.max(1)),
        max_connections: args.max_connections.max(1),
        zone: args.tz,
        extract_entities: !args.no_entities,
        durability: args.durability,
        read_only: args.read_only,
        snapshot_dir: args.snapshot_dir,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(serve(index, config))?;
    Ok(Status::Ok)
}
