//! `GET /metrics` in Prometheus text format: requests and latency per route,
//! documents, segments, pending writes and the last commit.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Latency bucket bounds in seconds.
const BOUNDS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Latency {
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
}

impl Metrics {
    fn record(&self, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let entry = latency.entry(route.to_string()).or_default();
            entry.count += 1;
            entry.sum += seconds;
            for (bucket, bound) in entry.buckets.iter_mut().zip(BOUNDS) {
                if seconds <= bound {
                    *bucket += 1;
                }
            }
        }
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

pub async fn get_metrics(State(state): State<AppState>) -> Response {
    let (pending, last_commit) = state.writer_status().await;
    let searcher = state.index.searcher();
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# HELP newsdex_http_requests_total HTTP requests by route and status."
    );
    let _ = writeln!(text, "# TYPE newsdex_http_requests_total counter");
    if let Ok(requests) = state.metrics.requests.lock() {
        for ((route, status), count) in requests.iter() {
            let _ = writeln!(
                text,
                "newsdex_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
    }
    let _ = writeln!(
        text,
        "# HELP newsdex_http_request_duration_seconds HTTP request latency by route."
    );
    let _ = writeln!(
        text,
        "# TYPE newsdex_http_request_duration_seconds histogram"
    );
    if let Ok(latency) = state.metrics.latency.lock() {
        for (route, histogram) in latency.iter() {
            for (bound, count) in BOUNDS.iter().zip(histogram.buckets) {
                let _ = writeln!(
                    text,
                    "newsdex_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                text,
                "newsdex_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                text,
                "newsdex_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                text,
                "newsdex_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
    }
    let gauges = [
        (
            "newsdex_documents",
            "Searchable articles.",
            searcher.num_docs() as f64,
        ),
        (
            "newsdex_segments",
            "Index segments.",
            searcher.segment_readers().len() as f64,
        ),
        (
            "newsdex_pending_writes",
            "Writes not yet committed.",
            pending as f64,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(
            text,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    }
    if let Some(seconds) = last_commit {
        let _ = writeln!(
            text,
            "# HELP newsdex_last_commit_timestamp_seconds Unix time of the last commit.\n# TYPE newsdex_last_commit_timestamp_seconds gauge\nnewsdex_last_commit_timestamp_seconds {seconds}"
        );
    }
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
