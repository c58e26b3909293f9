//! Feeds pulled on a schedule: `newsdex watch FILE` and `serve --feeds FILE`.
//!
//! The feed list is a TOML (`[[feed]]` tables) or JSON (`{"feeds": [...]}`)
//! file: each feed's `url`, its `interval` (`15m`, `1h`; 15 minutes by
//! default), and the `source`, `section` and `language` its items take
//! when they name none, and `follow_links` to index each item's article
//! page instead of the feed's summary.
//!
//! Each poll is a conditional GET (the last answer's `ETag` and
//! `Last-Modified`), so an unchanged feed costs a 304. A feed that fails
//! (network, a 5xx, a feed that does not parse) waits its interval
//! doubled per failure in a row, up to six hours; every wait is jittered
//! by a tenth either way so that feeds started together drift apart.
//! Per-feed state (validators, times, counts, the last error) is kept in a
//! JSON file written after each poll, once the poll's articles are written
//! durably: a restart neither refetches a feed before it is due nor
//! forgets items (ids are stable, so items seen again are updates, never
//! duplicates).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::fetch::{Answer, Fetcher, Validators, follow, read_fetched};
use crate::index::IngestReport;
use crate::ingest::{ReadOptions, RecordResult};

/// The interval of a feed that names none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// The longest wait after failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 60 * 60);

/// Why a feed list cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FeedListError {
    /// The file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not a feed list.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with the feed's number when one is at fault.
        reason: String,
    },
}

/// One feed of the list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The feed's URL (RSS, Atom, JSON Feed, or any format newsdex reads).
    pub url: String,
    /// How often to poll it (`15m`, `1h`, `90s`).
    #[serde(default, with = "interval")]
    pub interval: Option<Duration>,
    /// The source of items that name none.
    #[serde(default)]
    pub source: Option<String>,
    /// The section of items that name none.
    #[serde(default)]
    pub section: Option<String>,
    /// The language of items that name none.
    #[serde(default)]
    pub language: Option<String>,
    /// Index each item's article page rather than the feed's summary.
    #[serde(default)]
    pub follow_links: bool,
}

impl FeedConfig {
    /// The feed's interval, or the default.
    pub fn every(&self) -> Duration {
        self.interval.unwrap_or(DEFAULT_INTERVAL)
    }

    /// Gives an article the feed's source, section and language where it
    /// names none.
    fn fill(&self, article: &mut Article) {
        article.fill_defaults(&self.source, &self.section, &self.language);
    }
}

mod interval {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Duration>, out: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(duration) => out.serialize_str(&humantime::format_duration(*duration).to_string()),
            None => out.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Option<Duration>, D::Error> {
        let text: Option<String> = Option::deserialize(input)?;
        text.map(|text| {
            crate::query::dates::parse_duration(&text).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "interval {text:?} is not a duration (15m, 1h, 90s)"
                ))
            })
        })
        .transpose()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedFile {
    #[serde(alias = "feeds")]
    feed: Vec<FeedConfig>,
}

/// Reads a feed list: TOML unless the name ends in `.json`.
pub fn read_feed_list(path: &Path) -> Result<Vec<FeedConfig>, FeedListError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| FeedListError::Read {
        path: name.clone(),
        reason: error.to_string(),
    })?;
    let invalid = |reason: String| FeedListError::Invalid {
        path: name.clone(),
        reason,
    };
    let file: FeedFile = if name.to_ascii_lowercase().ends_with(".json") {
        serde_json::from_str(&text).map_err(|error| invalid(error.to_string()))?
    } else {
        toml::from_str(&text).map_err(|error| invalid(error.to_string()))?
    };
    if file.feed.is_empty() {
        return Err(invalid("no feed listed".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for (number, feed) in file.feed.iter().enumerate() {
        if !crate::fetch::is_url(&feed.url) {
            return Err(invalid(format!(
                "feed {}: url {:?} is not an http(s) URL",
                number + 1,
                feed.url
            )));
        }
        if !seen.insert(feed.url.clone()) {
            return Err(invalid(format!(
                "feed {}: {} is listed twice",
                number + 1,
                feed.url
            )));
        }
    }
    Ok(file.feed)
}

/// The state file of a feed list by default: `feeds.toml` →
/// `feeds.toml.state.json`, beside it.
pub fn default_state_path(feed_list: &Path) -> PathBuf {
    let mut name = feed_list.as_os_str().to_owned();
    name.push(".state.json");
    PathBuf::from(name)
}

/// What newsdex knows of one feed, kept on disk between runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FeedState {
    /// The validators of the last answer with a body.
    pub validators: Validators,
    /// When it was last fetched.
    pub last_fetch: Option<DateTime<Utc>>,
    /// When a fetch last succeeded (a body or a 304).
    pub last_success: Option<DateTime<Utc>>,
    /// `fetched`, `not_modified` or `error`.
    pub last_outcome: Option<String>,
    /// The last failure's reason, cleared by a success.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub consecutive_errors: u32,
    /// When it is due next.
    pub next_fetch: Option<DateTime<Utc>>,
    /// Articles new to the index in the last poll with a body.
    pub last_new: u64,
    /// Articles updated in the last poll with a body.
    pub last_updated: u64,
    /// Fetches in all, and of them 304s and failures.
    pub fetches: u64,
    /// Answers 304.
    pub not_modified: u64,
    /// Failures in all.
    pub errors: u64,
    /// Articles new to the index in all.
    pub items_new: u64,
    /// Articles updated in all.
    pub items_updated: u64,
    /// Records refused in all (each logged with its reason).
    pub items_rejected: u64,
}

/// A feed's configuration and state, as `GET /feeds` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedStatus {
    /// The feed as listed.
    #[serde(flatten)]
    pub config: FeedConfig,
    /// What is known of it.
    #[serde(flatten)]
    pub state: FeedState,
}

/// Where a poll's records are written: returns what was written once it
/// is durable (committed, or in the write-ahead log), or why not.
pub type Sink =
    dyn Fn(Vec<RecordResult>) -> BoxFuture<'static, Result<IngestReport, String>> + Send + Sync;

/// Polls a list of feeds on their schedules.
pub struct Poller {
    feeds: Vec<FeedConfig>,
    states: Mutex<HashMap<String, FeedState>>,
    state_path: Option<PathBuf>,
    fetcher: Fetcher,
    options: ReadOptions,
}

impl Poller {
    /// A poller of `feeds`, its state read from (and kept in) `state_path`
    /// when given; `options` are the readers' (limits, zone).
    pub fn new(
        feeds: Vec<FeedConfig>,
        state_path: Option<PathBuf>,
        options: ReadOptions,
        timeout: Duration,
    ) -> Result<Poller, String> {
        let states = match &state_path {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
                serde_json::from_str(&text).map_err(|error| {
                    format!("{}: not a feed state file: {error}", path.display())
                })?
            }
            _ => HashMap::new(),
        };
        let fetcher =
            Fetcher::new(options.limits.max_text_bytes, timeout).map_err(|e| e.to_string())?;
        Ok(Poller {
            feeds,
            states: Mutex::new(states),
            state_path,
            fetcher,
            options,
        })
    }

    /// Every feed with its state.
    pub fn status(&self) -> Vec<FeedStatus> {
        let states = self.states.lock().map(|s| s.clone()).unwrap_or_default();
        self.feeds
            .iter()
            .map(|config| FeedStatus {
                config: config.clone(),
                state: states.get(&config.url).cloned().unwrap_or_default(),
            })
            .collect()
    }

    fn state(&self, url: &str) -> FeedState {
        self.states
            .lock()
            .ok()
            .and_then(|states| states.get(url).cloned())
            .unwrap_or_default()
    }

    /// Polls every feed that is due (every feed with `all`), one after
    /// another; returns the failures' count.
    pub async fn poll_due(&self, sink: &Sink, all: bool) -> usize {
        let now = Utc::now();
        let mut failures = 0;
        for feed in &self.feeds {
            let due = self
                .state(&feed.url)
                .next_fetch
                .is_none_or(|next| next <= now);
            if (all || due) && !self.poll(feed, sink).await {
                failures += 1;
            }
        }
        failures
    }

    /// Polls due feeds until `stop` turns true, sleeping until the next
    /// one is due.
    pub async fn run(&self, sink: &Sink, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            self.poll_due(sink, false).await;
            let now = Utc::now();
            let next = self
                .feeds
                .iter()
                .filter_map(|feed| self.state(&feed.url).next_fetch)
                .min()
                .unwrap_or(now + chrono::Duration::seconds(60));
            let wait = (next - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_millis(200));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Polls one feed now; false when it failed.
    pub async fn poll(&self, feed: &FeedConfig, sink: &Sink) -> bool {
        let mut state = self.state(&feed.url);
        let started = Utc::now();
        state.last_fetch = Some(started);
        state.fetches += 1;
        let outcome = self.fetch_feed(feed, &state.validators).await;
        let outcome = match outcome {
            Ok(None) => {
                state.not_modified += 1;
                Ok("not_modified")
            }
            Ok(Some((validators, records))) => match sink(records).await {
                Ok(report) => {
                    state.validators = validators;
                    state.last_new = report.created;
                    state.last_updated = report.updated;
                    state.items_new += report.created;
                    state.items_updated += report.updated;
                    state.items_rejected += report.rejected;
                    Ok("fetched")
                }
                Err(reason) => Err(format!("cannot write its articles: {reason}")),
            },
            Err(reason) => Err(reason),
        };
        let ok = outcome.is_ok();
        let wait = match outcome {
            Ok(kind) => {
                state.last_outcome = Some(kind.into());
                state.last_success = Some(started);
                state.last_error = None;
                state.consecutive_errors = 0;
                feed.every()
            }
            Err(reason) => {
                tracing::warn!(feed = %feed.url, %reason, "feed poll failed");
                state.last_outcome = Some("error".into());
                state.last_error = Some(reason);
                state.errors += 1;
                state.consecutive_errors += 1;
                backoff(feed.every(), state.consecutive_errors)
            }
        };
        state.next_fetch =
            Some(started + chrono::Duration::from_std(jittered(wait)).unwrap_or_default());
        if let Ok(mut states) = self.states.lock() {
            states.insert(feed.url.clone(), state);
        }
        self.save();
        ok
    }

    /// The feed's records, or `None` for a 304.
    async fn fetch_feed(
        &self,
        feed: &FeedConfig,
        validators: &Validators,
    ) -> Result<Option<(Validators, Vec<RecordResult>)>, String> {
        let fetched = match self
            .fetcher
            .get(&feed.url, Some(validators))
            .await
            .map_err(|error| error.to_string())?
        {
            Answer::NotModified => return Ok(None),
            Answer::Fetched(fetched) => fetched,
        };
        let mut records = read_fetched(&fetched, &self.options);
        // A feed that does not read at all is a failed poll, not a record.
        if let [Err(error)] = records.as_slice()
            && error.location.record.is_none()
            && error.location.line.is_none()
        {
            return Err(error.reason.clone());
        }
        if feed.follow_links {
            records = follow(&self.fetcher, records, &self.options).await;
        }
        for record in records.iter_mut().flatten() {
            feed.fill(&mut record.article);
        }
        Ok(Some((fetched.validators, records)))
    }

    /// Writes the state file (a temporary file renamed over it, so a crash
    /// leaves the old state or the new, never half of one).
    fn save(&self) {
        let Some(path) = &self.state_path else {
            return;
        };
        let Ok(states) = self.states.lock().map(|s| s.clone()) else {
            return;
        };
        let temporary = path.with_extension("json.tmp");
        let written = serde_json::to_vec_pretty(&states)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&temporary, bytes))
            .and_then(|()| std::fs::rename(&temporary, path));
        if let Err(error) = written {
            tracing::warn!(path = %path.display(), %error, "cannot save the feeds' state");
        }
    }
}

/// The wait after `failures` failures in a row: the interval doubled per
/// failure, at most [`MAX_BACKOFF`] (or the interval, when longer).
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    let doubled = interval.saturating_mul(1u32 << failures.min(16));
    doubled.min(MAX_BACKOFF.max(interval))
}

/// `wait` moved by up to a tenth either way. The spread needs no quality
/// of randomness, so the clock's nanoseconds, mixed (splitmix64), stand in
/// for a random-number crate.
fn jittered(wait: Duration) -> Duration {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    let mut mixed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    mixed ^= mixed >> 31;
    let unit = (mixed >> 11) as f64 / (1u64 << 53) as f64;
    wait.mul_f64(0.9 + 0.2 * unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_failure_up_to_six_hours() {
        let minute = Duration::from_secs(60);
        assert_eq!(backoff(minute, 1), 2 * minute);
        assert_eq!(backoff(minute, 3), 8 * minute);
        assert_eq!(backoff(minute, 30), MAX_BACKOFF);
        // A daily feed is never polled more often for failing.
        let day = Duration::from_secs(86_400);
        assert_eq!(backoff(day, 2), day);
        for _ in 0..100 {
            let wait = jittered(minute);
            assert!(wait >= minute.mul_f64(0.9) && wait <= minute.mul_f64(1.1));
        }
    }

    #[test]
    fn feed_lists_read_from_toml_and_json_and_bad_ones_say_why() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let toml_path = dir.path().join("feeds.toml");
        std::fs::write(
            &toml_path,
            "[[feed]]\nurl = \"https://example.test/world.rss\"\ninterval = \"10m\"\nsource = \"Example\"\nfollow_links = true\n\n[[feed]]\nurl = \"https://example.test/sport.atom\"\n",
        )
        .expect("writable");
        let feeds = read_feed_list(&toml_path).expect("reads");
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].every(), Duration::from_secs(600));
        assert!(feeds[0].follow_links);
        assert_eq!(feeds[1].every(), DEFAULT_INTERVAL);

        let json_path = dir.path().join("feeds.json");
        std::fs::write(
            &json_path,
            r#"{"feeds": [{"url": "https://example.test/a.rss", "interval": "1h"}]}"#,
        )
        .expect("writable");
        assert_eq!(
            read_feed_list(&json_path).expect("reads")[0].every(),
            Duration::from_secs(3600)
        );

        for (text, reason) in [
            ("[[feed]]\nurl = \"ftp://x\"\n", "not an http(s) URL"),
            (
                "[[feed]]\nurl = \"https://x.test/\"\ninterval = \"often\"\n",
                "not a duration",
            ),
            (
                "[[feed]]\nurl = \"https://x.test/\"\ncolour = \"red\"\n",
                "unknown field",
            ),
            (
                "[[feed]]\nurl = \"https://x.test/\"\n[[feed]]\nurl = \"https://x.test/\"\n",
                "listed twice",
            ),
        ] {
            std::fs::write(&toml_path, text).expect("writable");
            let error = read_feed_list(&toml_path).expect_err("refused").to_string();
            assert!(
                error.contains(reason) && error.contains("feeds.toml"),
                "{error}"
            );
        }
    }
}
