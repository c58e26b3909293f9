//! `GET /metrics` in the OpenMetrics text format (which Prometheus reads),
//! through the Prometheus project's `prometheus-client`: requests and
//! latency per route, documents, segments, pending writes, the last commit
//! and whether writes are paused, the name-link tables built; per polled feed (`serve --feeds`), its
//! fetches by outcome, articles new and updated, last fetch and failures in
//! a row.

use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::AppState;
use super::error::ApiError;

/// Latency bucket bounds in seconds.
const BOUNDS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FeedLabels {
    feed: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FeedKindLabels {
    feed: String,
    kind: &'static str,
}

/// The feeds' families, set from the poller's counts at each scrape.
struct FeedMetrics {
    fetches: Family<FeedKindLabels, Counter>,
    items: Family<FeedKindLabels, Counter>,
    last_fetch: Family<FeedLabels, Gauge<f64, AtomicU64>>,
    consecutive_errors: Family<FeedLabels, Gauge>,
}

impl FeedMetrics {
    fn register(registry: &mut Registry) -> FeedMetrics {
        let metrics = FeedMetrics {
            fetches: Family::default(),
            items: Family::default(),
            last_fetch: Family::default(),
            consecutive_errors: Family::default(),
        };
        registry.register(
            "newsdex_feed_fetches",
            "Polls of each feed by outcome (fetched, not_modified, error)",
            metrics.fetches.clone(),
        );
        registry.register(
            "newsdex_feed_items",
            "Articles of each feed written, by kind (new, updated, rejected)",
            metrics.items.clone(),
        );
        registry.register(
            "newsdex_feed_last_fetch_timestamp_seconds",
            "Unix time of each feed's last poll",
            metrics.last_fetch.clone(),
        );
        registry.register(
            "newsdex_feed_consecutive_errors",
            "Failed polls of each feed in a row",
            metrics.consecutive_errors.clone(),
        );
        metrics
    }

    /// Brings the families to the poller's counts (which only grow).
    fn update(&self, feeds: &[crate::poll::FeedStatus]) {
        for feed in feeds {
            let url = feed.config.url.clone();
            let state = &feed.state;
            let kind = |kind: &'static str| FeedKindLabels {
                feed: url.clone(),
                kind,
            };
            let fetched = state
                .fetches
                .saturating_sub(state.not_modified + state.errors);
            raise(&self.fetches.get_or_create(&kind("fetched")), fetched);
            raise(
                &self.fetches.get_or_create(&kind("not_modified")),
                state.not_modified,
            );
            raise(&self.fetches.get_or_create(&kind("error")), state.errors);
            raise(&self.items.get_or_create(&kind("new")), state.items_new);
            raise(
                &self.items.get_or_create(&kind("updated")),
                state.items_updated,
            );
            raise(
                &self.items.get_or_create(&kind("rejected")),
                state.items_rejected,
            );
            let labels = FeedLabels { feed: url.clone() };
            self.last_fetch.get_or_create(&labels).set(
                state
                    .last_fetch
                    .map_or(0.0, |time| time.timestamp_millis() as f64 / 1000.0),
            );
            self.consecutive_errors
                .get_or_create(&labels)
                .set(i64::from(state.consecutive_errors));
        }
    }
}

/// Brings a counter up to a total kept elsewhere (which only grows).
fn raise(counter: &Counter, total: u64) {
    let now = counter.get();
    if total > now {
        counter.inc_by(total - now);
    }
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    documents: Gauge,
    segments: Gauge,
    pending_writes: Gauge,
    last_commit: Gauge<f64, AtomicU64>,
    writes_paused: Gauge,
    name_link_builds: Counter,
    feeds: FeedMetrics,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BOUNDS)
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "newsdex_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        registry.register(
            "newsdex_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        let documents = Gauge::default();
        registry.register(
            "newsdex_documents",
            "Searchable articles",
            documents.clone(),
        );
        let segments = Gauge::default();
        registry.register("newsdex_segments", "Index segments", segments.clone());
        let pending_writes = Gauge::default();
        registry.register(
            "newsdex_pending_writes",
            "Writes not yet committed",
            pending_writes.clone(),
        );
        let last_commit = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "newsdex_last_commit_timestamp_seconds",
            "Unix time of this server's last commit (0 before the first)",
            last_commit.clone(),
        );
        let writes_paused = Gauge::default();
        registry.register(
            "newsdex_writes_paused",
            "1 while failing commits pause writes (a full disk, an I/O error)",
            writes_paused.clone(),
        );
        let name_link_builds = Counter::default();
        registry.register(
            "newsdex_name_link_builds",
            "Tables linking short names to full ones built (after commits, or by a search that found none)",
            name_link_builds.clone(),
        );
        let feeds = FeedMetrics::register(&mut registry);
        Metrics {
            name_link_builds,
            feeds,
            registry,
            requests,
            latency,
            documents,
            segments,
            pending_writes,
            last_commit,
            writes_paused,
        }
    }
}

impl Metrics {
    fn record(&self, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }
}

/// Middleware: times every routed request under its route template.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |path| path.as_str().to_string());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics.record(
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

pub async fn get_metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let (pending, last_commit) = state.writer_status().await;
    let searcher = state.index.searcher();
    let metrics = &state.metrics;
    metrics.documents.set(searcher.num_docs() as i64);
    metrics
        .segments
        .set(searcher.segment_readers().len() as i64);
    metrics.pending_writes.set(pending as i64);
    metrics.last_commit.set(last_commit.unwrap_or(0) as f64);
    metrics
        .writes_paused
        .set(i64::from(state.fault().is_some()));
    raise(&metrics.name_link_builds, state.index.name_link_builds());
    if let Some(poller) = &state.feeds {
        metrics.feeds.update(&poller.status());
    }
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(|error| ApiError::internal(&error))?;
    Ok((
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
