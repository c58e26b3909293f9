//! Fetching articles over HTTP(S): a page, a feed or a dump named by URL.
//!
//! One [`Fetcher`] holds a `reqwest` client (rustls, gzip/brotli/deflate,
//! at most ten redirects, a connect and a whole-request timeout, a
//! `User-Agent` naming newsdex), reads bodies up to a size limit and
//! no further, sends conditional requests (`If-None-Match`,
//! `If-Modified-Since`) when it has validators, and keeps each site's
//! robots.txt, which article pages are fetched under (feeds and dumps a
//! user names are fetched as asked). [`fetch_records`] turns a URL into
//! records with the same readers as files, the reader chosen by `--format`,
//! then the answer's Content-Type (`text/plain` after the extension), then
//! the URL's extension, then the content; with `follow_links`, a feed's items are replaced by their
//! article pages, the feed's fields filling what a page leaves out.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;

use crate::article::Article;
use crate::ingest::{Format, IngestError, Location, ReadOptions, RecordResult, read_bytes};

/// How newsdex names itself to the sites it fetches from.
pub const USER_AGENT: &str = concat!(
    "newsdex/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/newsdex/newsdex)"
);

/// The robots.txt token newsdex obeys.
const ROBOTS_AGENT: &str = "newsdex";

/// Article pages fetched at once when following a feed's links.
const FOLLOW_CONCURRENCY: usize = 4;

/// Why a fetch gave no body.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be set up (TLS roots, the resolver).
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The request failed: DNS, connection, TLS, timeout, redirects.
    #[error("{url}: {reason}")]
    Network {
        /// The URL asked for.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("{url}: the server answered {status}")]
    Status {
        /// The URL asked for.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The body went past the size limit.
    #[error("{url}: the body is larger than {limit}, the limit for one input")]
    TooLarge {
        /// The URL asked for.
        url: String,
        /// The limit, readable.
        limit: String,
    },
    /// The site's robots.txt does not let newsdex fetch the page.
    #[error("{url}: the site's robots.txt disallows it for newsdex")]
    Disallowed {
        /// The URL asked for.
        url: String,
    },
}

/// What a previous fetch of a URL said, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag` answered.
    pub etag: Option<String>,
    /// The `Last-Modified` answered.
    pub last_modified: Option<String>,
}

/// A body fetched.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    /// The answer's media type, without parameters.
    pub media_type: Option<String>,
    /// The body, decompressed by transfer encoding (a `.gz` file stays
    /// gzip; the readers inflate it).
    pub body: Vec<u8>,
    /// The validators to send next time.
    pub validators: Validators,
}

/// The outcome of a conditional fetch.
#[derive(Debug)]
pub enum Answer {
    /// A body.
    Fetched(Fetched),
    /// 304: nothing changed since the validators sent.
    NotModified,
}

/// An HTTP client for articles, with a body limit and robots.txt.
pub struct Fetcher {
    client: reqwest::Client,
    max_bytes: usize,
    /// Per origin (`https://host:port`), its robots.txt (`None`: no rules).
    /// Held across the fetch of a missing one, so that pages fetched at
    /// once ask a site for it once.
    robots: tokio::sync::Mutex<HashMap<String, Option<std::sync::Arc<texting_robots::Robot>>>>,
}

impl Fetcher {
    /// A fetcher reading bodies up to `max_bytes`, each request given
    /// `timeout` in all.
    pub fn new(max_bytes: usize, timeout: Duration) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::limited(10))
            .build()
            .map_err(|error| FetchError::Client(error.to_string()))?;
        Ok(Fetcher {
            client,
            max_bytes,
            robots: tokio::sync::Mutex::new(HashMap::new()),
        })
    }

    /// GETs `url`, conditionally when `validators` are given.
    pub async fn get(
        &self,
        url: &str,
        validators: Option<&Validators>,
    ) -> Result<Answer, FetchError> {
        let network = |error: reqwest::Error| FetchError::Network {
            url: url.to_string(),
            reason: without_url(&error),
        };
        let mut request = self.client.get(url);
        if let Some(validators) = validators {
            if let Some(etag) = &validators.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, modified);
            }
        }
        let mut response = request.send().await.map_err(network)?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Answer::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let media_type = header(reqwest::header::CONTENT_TYPE).map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        let validators = Validators {
            etag: header(reqwest::header::ETAG),
            last_modified: header(reqwest::header::LAST_MODIFIED),
        };
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: crate::ingest::decode::mebibytes(self.max_bytes),
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_bytes as u64)
        {
            return Err(too_large());
        }
        let final_url = response.url().to_string();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > self.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer::Fetched(Fetched {
            url: final_url,
            media_type,
            body,
            validators,
        }))
    }

    /// GETs `url`, unconditionally.
    pub async fn fetch(&self, url: &str) -> Result<Fetched, FetchError> {
        match self.get(url, None).await? {
            Answer::Fetched(fetched) => Ok(fetched),
            // Only a conditional request is answered 304.
            Answer::NotModified => Err(FetchError::Status {
                url: url.to_string(),
                status: 304,
            }),
        }
    }

    /// Whether the site's robots.txt lets newsdex fetch `url` (read once
    /// per site; a site without one, or whose file cannot be fetched,
    /// allows everything).
    pub async fn allowed(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return true;
        };
        let origin = parsed.origin().ascii_serialization();
        let mut robots = self.robots.lock().await;
        let robot = match robots.get(&origin) {
            Some(robot) => robot.clone(),
            None => {
                let robots_url = format!("{origin}/robots.txt");
                let robot = match self.fetch(&robots_url).await {
                    Ok(fetched) => texting_robots::Robot::new(ROBOTS_AGENT, &fetched.body)
                        .ok()
                        .map(std::sync::Arc::new),
                    Err(_) => None,
                };
                robots.insert(origin, robot.clone());
                robot
            }
        };
        drop(robots);
        robot.is_none_or(|robot| robot.allowed(url))
    }
}

/// A reqwest error's message without the URL it repeats.
fn without_url(error: &reqwest::Error) -> String {
    let mut reason = if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_redirect() {
        "too many redirects".to_string()
    } else if error.is_connect() {
        "cannot connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    reason
}

/// Whether an input names a URL rather than a file.
pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// The reader for a fetched body: the one `options` forces, else its
/// media type's, else its URL's extension's, else the content decides.
/// `text/plain` says less than an extension: servers send it for any text
/// (a `.ndjson` dump among them), so it counts only after the extension.
fn fetched_format(fetched: &Fetched, options: &ReadOptions) -> Option<Format> {
    let by_type = fetched
        .media_type
        .as_deref()
        .and_then(Format::from_media_type);
    let by_extension = || {
        let path = url::Url::parse(&fetched.url)
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        Format::from_file_name(&path)
    };
    options.format.or(match by_type {
        Some(Format::Page) | None => by_extension().or(by_type),
        specific => specific,
    })
}

/// The records of a fetched body, read as a file's are.
pub fn read_fetched(fetched: &Fetched, options: &ReadOptions) -> Vec<RecordResult> {
    let options = ReadOptions {
        format: fetched_format(fetched, options),
        ..options.clone()
    };
    read_bytes(&fetched.body, &fetched.url, &options)
}

/// Fetches `url` and reads its records; with `follow_links`, each feed
/// item with a link is replaced by its article page (fetched under the
/// site's robots.txt), the item's own fields filling what the page lacks
/// and its id kept. A page that cannot be fetched or read leaves its item
/// as the feed gave it, with a warning.
pub async fn fetch_records(
    fetcher: &Fetcher,
    url: &str,
    options: &ReadOptions,
    follow_links: bool,
) -> Vec<RecordResult> {
    let whole = |reason: String| vec![Err(IngestError::new(Location::file(url), None, reason))];
    let explicit_page = matches!(
        options.format.or_else(|| Format::from_file_name(url)),
        None | Some(Format::Html | Format::Page)
    );
    if explicit_page && !fetcher.allowed(url).await {
        return whole(
            FetchError::Disallowed {
                url: url.to_string(),
            }
            .to_string(),
        );
    }
    let fetched = match fetcher.fetch(url).await {
        Ok(fetched) => fetched,
        Err(error) => return whole(error.to_string()),
    };
    let records = read_fetched(&fetched, options);
    if !follow_links || fetched_format(&fetched, options).is_some_and(|f| f != Format::Feed) {
        return records;
    }
    follow(fetcher, records, options).await
}

/// Replaces feed records by their article pages (see [`fetch_records`]).
pub async fn follow(
    fetcher: &Fetcher,
    records: Vec<RecordResult>,
    options: &ReadOptions,
) -> Vec<RecordResult> {
    let page_options = ReadOptions {
        format: None,
        ..options.clone()
    };
    futures::stream::iter(records)
        .map(|record| {
            let page_options = &page_options;
            async move {
                let mut record = record?;
                let Some(link) = record.article.url.clone().filter(|link| is_url(link)) else {
                    return Ok(record);
                };
                match fetch_page(fetcher, &link, page_options).await {
                    Ok(page) => {
                        record.article = merged(page, record.article);
                        Ok(record)
                    }
                    Err(reason) => {
                        tracing::warn!(%link, %reason, "kept the feed's item: its page was not read");
                        Ok(record)
                    }
                }
            }
        })
        .buffered(FOLLOW_CONCURRENCY)
        .collect()
        .await
}

async fn fetch_page(
    fetcher: &Fetcher,
    link: &str,
    options: &ReadOptions,
) -> Result<Article, String> {
    if !fetcher.allowed(link).await {
        return Err(FetchError::Disallowed {
            url: link.to_string(),
        }
        .to_string());
    }
    let fetched = fetcher
        .fetch(link)
        .await
        .map_err(|error| error.to_string())?;
    let mut records = read_fetched(&fetched, options);
    if records.len() != 1 {
        return Err(format!("the page gave {} articles, not one", records.len()));
    }
    records
        .pop()
        .ok_or_else(|| "no article".to_string())?
        .map(|record| record.article)
        .map_err(|error| error.to_string())
}

/// The page's article, with the feed item's id, and its fields where the
/// page has none.
fn merged(mut page: Article, item: Article) -> Article {
    page.id = item.id;
    if page.title.is_empty() {
        page.title = item.title;
    }
    for (value, fallback) in [
        (&mut page.summary, item.summary),
        (&mut page.source, item.source),
        (&mut page.section, item.section),
        (&mut page.language, item.language),
    ] {
        if value.is_none() {
            *value = fallback;
        }
    }
    if page.body.trim().is_empty() {
        page.body = item.body;
    }
    if page.authors.is_empty() {
        page.authors = item.authors;
    }
    if page.tags.is_empty() {
        page.tags = item.tags;
    }
    page.published_at = page.published_at.or(item.published_at);
    page.updated_at = page.updated_at.or(item.updated_at);
    page.url = page.url.or(item.url);
    page
}
