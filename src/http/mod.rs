//! The HTTP API (axum on tokio): a thin shell over [`crate::query`] and
//! [`crate::index`]. [`router`] builds the app apart from [`serve`], so tests
//! call it in-process.
//!
//! Searches and writes run on the blocking pool; handlers write only
//! through [`AppState::write`], which refuses writes while a commit fault is
//! set and waits for the write-ahead log outside the writer's lock. A
//! background task commits pending writes every commit interval (and,
//! while a fault is set, probes with a commit until one succeeds);
//! shutdown commits once more. [`serve`] accepts connections itself on
//! hyper-util (a connection limit, a wait for the first byte and hyper's
//! header read timeout, graceful shutdown), since `axum::serve` sets
//! neither a header timeout nor a limit.

mod articles;
mod auth;
pub mod error;
mod facets;
mod feeds;
mod health;
mod meilisearch;
mod metrics;
mod page;
mod params;
mod search;
mod snapshots;
mod suggest;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::routing::get;
use chrono_tz::Tz;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::index::{ArticleWriter, Durability, NewsIndex, WriterOptions};

/// How the server runs; every bound a client could push on is here.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Needed for writes when set.
    pub api_key: Option<String>,
    /// Needed for reads when set (the write key also reads).
    pub read_key: Option<String>,
    /// Origins allowed by CORS; `*` allows any.
    pub cors_origins: Vec<String>,
    /// Writes become searchable within this interval.
    pub commit_interval: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request (its body included) must be answered within this; 408.
    pub request_timeout: Duration,
    /// A connection must send a request's headers within this, also while
    /// it waits idle between requests; else it is closed.
    pub header_timeout: Duration,
    /// Connections served at once; more are closed as they arrive.
    pub max_connections: usize,
    /// Zone of times without offset in posted articles.
    pub zone: Tz,
    /// Extract entities from posted articles.
    pub extract_entities: bool,
    /// When an acknowledged write is safe.
    pub durability: Durability,
    /// Serve searches only, beside another process that writes the index;
    /// its commits show within the commit interval.
    pub read_only: bool,
    /// Where `POST /snapshots` writes; snapshots are off when unset.
    pub snapshot_dir: Option<std::path::PathBuf>,
    /// Feeds to poll on their schedules (`serve --feeds`).
    pub feeds: Vec<crate::poll::FeedConfig>,
    /// Where the feeds' state is kept between runs (none: in memory).
    pub feeds_state: Option<std::path::PathBuf>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 7700)),
            api_key: None,
            read_key: None,
            cors_origins: Vec::new(),
            commit_interval: Duration::from_secs(1),
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            zone: Tz::UTC,
            extract_entities: true,
            durability: Durability::Request,
            read_only: false,
            snapshot_dir: None,
            feeds: Vec::new(),
            feeds_state: None,
        }
    }
}

/// Why writes are refused: the last commit failed (a full disk, an I/O
/// error). Cleared by the next commit that succeeds.
#[derive(Debug, Clone)]
pub struct WriteFault {
    /// What the failing commit said.
    pub message: String,
    /// Whether it failed for want of space.
    pub storage_full: bool,
}

impl WriteFault {
    fn error(&self) -> error::ApiError {
        let code = if self.storage_full {
            error::ErrorCode::StorageFull
        } else {
            error::ErrorCode::NotReady
        };
        error::ApiError::new(
            code,
            format!(
                "writes are paused: {}; acknowledged writes are kept in the write-ahead log and writes resume by themselves once the index can commit",
                self.message
            ),
        )
    }
}

/// What every handler shares: the index, its writer, the config and the metrics.
#[derive(Clone)]
pub struct AppState {
    /// The index searched.
    pub index: NewsIndex,
    /// `None` on a read-only server.
    pub writer: Option<Arc<Mutex<ArticleWriter>>>,
    /// The server's settings.
    pub config: Arc<ServeConfig>,
    /// Whether the server is ready (cleared while shutting down).
    pub ready: Arc<AtomicBool>,
    /// Request counts and latencies.
    pub metrics: Arc<metrics::Metrics>,
    /// When the server started (the Meilisearch routes' index dates).
    pub started: chrono::DateTime<chrono::Utc>,
    /// Set while commits fail.
    pub fault: Arc<Mutex<Option<WriteFault>>>,
    /// The feeds polled, when `serve --feeds` lists some.
    pub feeds: Option<Arc<crate::poll::Poller>>,
}

impl AppState {
    /// The state of a server over `index`: opens its writer (unless read-only) and replays its log.
    pub fn new(
        index: NewsIndex,
        config: ServeConfig,
    ) -> Result<AppState, crate::index::IndexError> {
        let writer = if config.read_only {
            None
        } else {
            Some(Arc::new(Mutex::new(index.writer(WriterOptions {
                // The server commits on its own clock, not by count.
                commit_every: usize::MAX,
                extract_entities: config.extract_entities,
                durability: config.durability,
                ..WriterOptions::default()
            })?)))
        };
        Ok(AppState {
            feeds: None,
            index,
            writer,
            config: Arc::new(config),
            ready: Arc::new(AtomicBool::new(true)),
            metrics: Arc::new(metrics::Metrics::default()),
            started: chrono::Utc::now(),
            fault: Arc::new(Mutex::new(None)),
        })
    }

    /// The fault that pauses writes, if any.
    pub fn fault(&self) -> Option<WriteFault> {
        self.fault
            .lock()
            .map_or(None, |fault| fault.as_ref().cloned())
    }

    /// Runs a read of the index on the blocking pool, never on the async
    /// executor; damaged index data answers an error naming the files, not
    /// a panic. The one way handlers read.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&NewsIndex) -> Result<T, error::ApiError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            let result = index.reading(|| work(&index));
            // tantivy reports some damage as an I/O error: name the files.
            match result {
                Err(error) if error.code == error::ErrorCode::Internal => {
                    Err(index.damage().map_or(error, error::ApiError::from))
                }
                other => other,
            }
        })
        .await?
    }

    /// Runs `work` with the writer on the blocking pool, commits after it
    /// when `refresh` asks for its writes to be searchable before the
    /// answer, then waits, outside the writer's lock so that concurrent
    /// writers share one fsync, until what it wrote is durable. The one way
    /// handlers write.
    pub async fn write<T: Send + 'static>(
        &self,
        refresh: bool,
        work: impl FnOnce(&mut ArticleWriter) -> Result<T, error::ApiError> + Send + 'static,
    ) -> Result<T, error::ApiError> {
        if let Some(fault) = self.fault() {
            return Err(fault.error());
        }
        let Some(writer) = self.writer.clone() else {
            return Err(error::ApiError::new(
                error::ErrorCode::ReadOnly,
                "this server is read-only (serve --read-only): send writes to the server that writes this index",
            ));
        };
        let index = self.index.clone();
        let value = tokio::task::spawn_blocking(move || {
            let (value, point) = {
                let mut writer = lock_writer(&writer)?;
                let value = work(&mut writer)?;
                if refresh {
                    writer.commit()?;
                }
                (value, writer.durable_point())
            };
            point.wait()?;
            Ok::<_, error::ApiError>(value)
        })
        .await??;
        if refresh {
            // The answer does not wait for it.
            tokio::task::spawn_blocking(move || warm(&index));
        }
        Ok(value)
    }

    /// Where polled feeds write: through [`AppState::write`], so a poll's
    /// articles are durable (in the write-ahead log) before its state is
    /// saved.
    pub fn feed_sink(&self) -> Box<crate::poll::Sink> {
        let state = self.clone();
        Box::new(move |records| {
            let state = state.clone();
            Box::pin(async move {
                state
                    .write(false, move |writer| {
                        let records = records
                            .into_iter()
                            .map(|record| record.map(|record| record.article));
                        Ok(writer.ingest(records, false, |event| {
                            if let crate::index::Ingested::Rejected { error, .. } = event {
                                tracing::warn!(%error, "feed record rejected");
                            }
                        })?)
                    })
                    .await
                    .map_err(|error| error.message)
            })
        })
    }

    /// Writes not yet committed and the last commit's Unix time, read off
    /// the async executor (a commit may hold the writer for a while).
    pub async fn writer_status(&self) -> (usize, Option<i64>) {
        let Some(writer) = self.writer.clone() else {
            return (0, None);
        };
        tokio::task::spawn_blocking(move || {
            writer
                .lock()
                .map(|writer| (writer.pending_writes(), writer.last_commit_unix()))
                .unwrap_or((0, None))
        })
        .await
        .unwrap_or((0, None))
    }

    /// Commits pending writes, if any, off the async executor. While
    /// commits fail, writes are paused and each call tries again (a commit
    /// with nothing pending probes whether the fault is gone); a failed
    /// commit rolls tantivy back and replays the log, so nothing
    /// acknowledged is lost.
    pub async fn commit_pending(&self) -> Result<(), error::ApiError> {
        let Some(writer) = self.writer.clone() else {
            // A read-only server picks up the writing process's commits.
            let index = self.index.clone();
            return tokio::task::spawn_blocking(move || {
                index.reload()?;
                warm(&index);
                Ok::<_, crate::index::IndexError>(())
            })
            .await?
            .map_err(error::ApiError::from);
        };
        let fault = self.fault.clone();
        let index = self.index.clone();
        tokio::task::spawn_blocking(move || {
            let mut writer = lock_writer(&writer)?;
            let faulted = fault.lock().is_ok_and(|fault| fault.is_some());
            if writer.pending_writes() == 0 && !faulted {
                return Ok(());
            }
            match writer.commit() {
                Ok(()) => {
                    drop(writer);
                    if faulted {
                        tracing::info!("commits succeed again; writes resume");
                    }
                    set_fault(&fault, None);
                    warm(&index);
                    Ok(())
                }
                Err(failure) => {
                    let storage_full = failure.is_storage_full();
                    set_fault(
                        &fault,
                        Some(WriteFault {
                            message: failure.to_string(),
                            storage_full,
                        }),
                    );
                    if let Err(error) = writer.recover() {
                        tracing::error!(%error, "cannot restore uncommitted writes from the log");
                    }
                    Err(error::ApiError::from(failure))
                }
            }
        })
        .await?
    }
}

/// Builds the new commit's name links ([`NewsIndex::warm`]) so that no
/// search waits for them; a failure is logged, and searches build them.
fn warm(index: &NewsIndex) {
    if let Err(error) = index.warm() {
        tracing::warn!(%error, "cannot prepare the name links of the new commit");
    }
}

fn lock_writer(
    writer: &Mutex<ArticleWriter>,
) -> Result<std::sync::MutexGuard<'_, ArticleWriter>, error::ApiError> {
    writer
        .lock()
        .map_err(|_| error::ApiError::internal(&"writer lock poisoned"))
}

fn set_fault(fault: &Mutex<Option<WriteFault>>, value: Option<WriteFault>) {
    if let Ok(mut fault) = fault.lock() {
        *fault = value;
    }
}

/// The app: every route behind its key check, the error shape, limits, compression, timeouts and tracing.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    use axum::middleware::from_fn_with_state;
    use axum::routing::{post, put};
    // Each group sits behind its key check; /health, the API's contract and
    // the page (which calls the API with the user's key) stay open.
    let open = Router::new()
        .route("/", get(page::get_page))
        .route("/health", get(health::health))
        .route("/openapi.yaml", get(page::get_openapi));
    let reads = Router::new()
        .route("/search", get(search::get_search).post(search::post_search))
        .route("/articles/{id}", get(articles::get_article))
        .route("/facets/{field}", get(facets::get_facet_values))
        .route("/suggest", get(suggest::get_suggest))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::get_metrics))
        .route("/feeds", get(feeds::get_feeds))
        .route_layer(from_fn_with_state(state.clone(), auth::reads));
    let meilisearch_reads = Router::new()
        .route("/multi-search", post(meilisearch::post_multi_search))
        .route("/indexes", get(meilisearch::get_indexes))
        .route("/indexes/{uid}", get(meilisearch::get_index))
        .route(
            "/indexes/{uid}/search",
            get(meilisearch::get_index_search).post(meilisearch::post_index_search),
        )
        .route(
            "/indexes/{uid}/facet-search",
            post(meilisearch::post_facet_search),
        )
        .route_layer(from_fn_with_state(state.clone(), auth::meilisearch_reads));
    let writes = Router::new()
        .route("/articles", post(articles::post_articles))
        .route("/snapshots", post(snapshots::post_snapshot))
        .route(
            "/articles/{id}",
            put(articles::put_article).delete(articles::delete_article),
        )
        .route_layer(from_fn_with_state(state.clone(), auth::writes));
    let routes = open
        .merge(reads)
        .merge(meilisearch_reads)
        .merge(writes)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(|| async { error::ApiError::new(error::ErrorCode::NotFound, "no such endpoint") })
        .with_state(state);
    routes
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(cors_layer(&config.cors_origins))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::map_response(error::shape_bare_errors))
        .layer(TraceLayer::new_for_http())
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            axum::http::header::CONTENT_TYPE,
            axum::http::header::AUTHORIZATION,
        ]);
    if origins.iter().any(|origin| origin == "*") {
        return layer.allow_origin(AllowOrigin::any());
    }
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok())
        .collect();
    layer.allow_origin(allowed)
}

/// Serves until SIGINT or SIGTERM, then finishes in-flight requests and
/// commits pending writes.
pub async fn serve(index: NewsIndex, config: ServeConfig) -> anyhow::Result<()> {
    if config.api_key.is_none() {
        tracing::warn!("no API key set: anyone who can reach the server can write");
    }
    let mut state = AppState::new(index, config.clone())?;
    if !config.feeds.is_empty() && !config.read_only {
        let options = crate::ingest::ReadOptions {
            zone: config.zone,
            limits: crate::ingest::Limits {
                max_text_bytes: config.max_body_bytes.saturating_mul(8),
                ..crate::ingest::Limits::default()
            },
            ..crate::ingest::ReadOptions::default()
        };
        let poller = crate::poll::Poller::new(
            config.feeds.clone(),
            config.feeds_state.clone(),
            options,
            config.request_timeout,
        )
        .map_err(|reason| anyhow::anyhow!(reason))?;
        state.feeds = Some(Arc::new(poller));
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "serving");
    eprintln!("newsdex listening on http://{address}");

    let committer = state.clone();
    let commit_loop = tokio::spawn(async move {
        let mut ticks = tokio::time::interval(committer.config.commit_interval);
        loop {
            ticks.tick().await;
            if let Err(error) = committer.commit_pending().await {
                tracing::error!(message = %error.message, "periodic commit failed");
            }
        }
    });

    let (stop_polling, stopped) = tokio::sync::watch::channel(false);
    let polling = state.feeds.clone().map(|poller| {
        let sink = state.feed_sink();
        tokio::spawn(async move { poller.run(sink.as_ref(), stopped).await })
    });

    let app = router(state.clone());
    serve_connections(listener, app, &config, &state.ready).await;
    let _ = stop_polling.send(true);
    if let Some(polling) = polling {
        // A poll under way finishes writing; one that hangs is cut.
        if tokio::time::timeout(config.request_timeout, polling)
            .await
            .is_err()
        {
            tracing::warn!("a feed poll did not finish before shutdown");
        }
    }
    commit_loop.abort();
    state
        .commit_pending()
        .await
        .map_err(|error| anyhow::anyhow!(error.message))?;
    Ok(())
}

/// Accepts connections until SIGINT or SIGTERM, then lets in-flight
/// requests finish (for at most the request timeout), answering `/ready`
/// with 503 meanwhile. Written on
/// hyper-util rather than `axum::serve`, which sets neither a header read
/// timeout nor a connection limit: a client that sends half a request, or
/// opens connections and sends nothing, would hold memory for ever.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    config: &ServeConfig,
    ready: &AtomicBool,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(config.header_timeout)
        .keep_alive_timeout(config.header_timeout);
    let connections = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most often: wait, do not spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tracing::warn!(%peer, limit = config.max_connections, "too many connections; closed one");
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let header_timeout = config.header_timeout;
        tokio::spawn(async move {
            // hyper's header timeout starts with a request's first byte: a
            // connection that sends nothing within it is closed here.
            let mut first = [0u8; 1];
            match tokio::time::timeout(header_timeout, stream.peek(&mut first)).await {
                Ok(Ok(read)) if read > 0 => {}
                _ => return,
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(error) = watcher.watch(connection).await {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    ready.store(false, Ordering::Relaxed);
    tracing::info!("shutting down");
    drop(listener);
    if tokio::time::timeout(config.request_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the timeout; stopping anyway");
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
