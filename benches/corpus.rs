//! The corpus benchmark: newsdex against raw tantivy (its ceiling) and
//! SQLite FTS5 (what a small team would otherwise use), on the same
//! documents and queries, in one run.
//!
//! ```sh
//! cargo bench --bench corpus                                   # Reuters-21578 + 100,000 synthetic
//! NEWSDEX_BENCH_CORPORA=scale:1000000 cargo bench --bench corpus  # a million, from disk
//! ```
//!
//! `NEWSDEX_BENCH_CORPORA` is a comma-separated list of `reuters`, `bbc`,
//! `synthetic:N` (held in memory, all three engines) and `scale:N` (the
//! synthetic corpus as an NDJSON file indexed by the `newsdex` binary, see
//! `corpus/scale.rs`). Reports go to `target/bench-report/` as Markdown and
//! JSON, and their tables into `docs/PERFORMANCE.md` (`support::publish`).

#[path = "corpus/scale.rs"]
mod scale;
mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use newsdex::Article;
use newsdex::index::NewsIndex;
use newsdex::query::histogram::Interval;
use newsdex::query::search::Typo;
use newsdex::query::suggest::suggest;
use newsdex::query::{Filters, SearchRequest, search};
use serde::Serialize;
use support::{RawTantivy, WRITER_BUDGET};

/// Runs of each query when measuring latency...
const REPEATS: usize = 20;
/// ...unless a query kind has taken this long on an engine by then (SQLite
/// takes seconds for some kinds at 100,000 articles).
const KIND_BUDGET: Duration = Duration::from_secs(4);
/// How long each throughput run lasts.
const THROUGHPUT_RUN: Duration = Duration::from_secs(3);

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters nothing.
    let corpora = std::env::var("NEWSDEX_BENCH_CORPORA")
        .unwrap_or_else(|_| "reuters,synthetic:100000".to_string());
    for name in corpora
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        if let Some(count) = name.strip_prefix("scale:") {
            let Ok(count) = count.parse::<usize>() else {
                eprintln!("scale:N needs a number of articles, not {count:?}");
                continue;
            };
            let report = scale::run(count);
            let markdown = report.markdown();
            println!("{markdown}");
            support::publish(&format!("scale-{count}"), &markdown, &report);
            continue;
        }
        let Some(articles) = load(name) else { continue };
        eprintln!(
            "corpus {name}: {} articles, {:.1} MB of text",
            articles.len(),
            support::text_bytes(&articles) as f64 / 1e6
        );
        let report = run(name, &articles);
        let markdown = report.markdown();
        println!("{markdown}");
        let stem = name.replace(':', "-");
        support::publish(&format!("corpus-{stem}"), &markdown, &report);
    }
}

fn load(name: &str) -> Option<Vec<Article>> {
    match name.split_once(':') {
        Some(("synthetic", count)) => Some(support::synthetic::corpus(count.parse().ok()?)),
        _ if name == "reuters" => support::reuters(),
        _ if name == "bbc" => support::bbc(),
        _ => {
            eprintln!("unknown corpus {name}; expected reuters, bbc or synthetic:N");
            None
        }
    }
}

#[derive(Serialize)]
struct Report {
    corpus: String,
    documents: usize,
    input_bytes: usize,
    machine: String,
    ingest: Vec<IngestFigures>,
    queries: Vec<QueryFigures>,
    throughput: Vec<Throughput>,
}

#[derive(Serialize, Clone)]
struct IngestFigures {
    engine: String,
    seconds: f64,
    docs_per_second: f64,
    mb_per_second: f64,
    index_bytes: u64,
    peak_rss_bytes: u64,
    /// Heap and stacks at their peak, where measured (the scale run).
    #[serde(skip_serializing_if = "Option::is_none")]
    peak_anonymous_bytes: Option<u64>,
}

#[derive(Serialize)]
struct QueryFigures {
    kind: String,
    engine: String,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    /// Total hits over the kind's queries: engines must agree where they
    /// answer the same question. `None` when the first pass did not finish.
    hits: Option<u64>,
    /// Timed runs behind the percentiles.
    runs: usize,
}

#[derive(Serialize)]
struct Throughput {
    engine: String,
    threads: usize,
    queries_per_second: f64,
}

/// A query of the mix, as each engine states it.
#[derive(Clone)]
struct BenchQuery {
    kind: &'static str,
    newsdex: SearchRequest,
    /// For raw tantivy's query parser; `None` where it has no such field.
    tantivy: Option<String>,
    /// The FTS5 MATCH expression, and SQL around it.
    sqlite: Option<SqliteQuery>,
}

#[derive(Clone)]
struct SqliteQuery {
    matching: String,
    date_range: Option<(i64, i64)>,
    tag: Option<String>,
    facets: bool,
    histogram: bool,
}

fn run(name: &str, articles: &[Article]) -> Report {
    let ndjson: String = articles
        .iter()
        .map(|article| serde_json::to_string(article).unwrap_or_default() + "\n")
        .collect();
    let workspace = tempfile::TempDir::new().expect("temp dir");
    // Every engine reads the same NDJSON file, as a user's dump: newsdex
    // through its `newsdex index` binary.
    let corpus = workspace.path().join("corpus.ndjson");
    std::fs::write(&corpus, &ndjson).expect("writes the corpus");
    let input_bytes = ndjson.len();
    drop(ndjson);

    let mut ingest = Vec::new();
    for entities in [false, true] {
        let dir = workspace.path().join(if entities {
            "newsdex-entities"
        } else {
            "newsdex"
        });
        ingest.push(scale::index_with_binary(
            &corpus,
            &dir,
            entities,
            articles.len(),
            input_bytes as u64,
        ));
    }
    // Searches run on the index as newsdex builds it by default: with the
    // people, organisations and places of each article.
    let newsdex_index =
        NewsIndex::open(&workspace.path().join("newsdex-entities")).expect("newsdex index opens");
    let (raw, figures) = scale::raw_tantivy_from_ndjson(
        &corpus,
        &workspace.path().join("tantivy"),
        articles.len(),
        input_bytes as u64,
    );
    // This process holds the corpus for the queries: its anonymous memory
    // is not raw tantivy's alone.
    ingest.push(IngestFigures {
        peak_anonymous_bytes: None,
        ..figures
    });
    let sqlite_path = workspace.path().join("fts5.sqlite");
    ingest.push(ingest_sqlite(&sqlite_path, &corpus, input_bytes));

    let queries = query_mix(articles);
    let prefixes = suggestion_prefixes(articles);
    let (query_figures, throughput) = search_mix(
        &newsdex_index,
        &raw,
        Some(&sqlite_path),
        &queries,
        &prefixes,
    );

    Report {
        corpus: name.to_string(),
        documents: articles.len(),
        input_bytes,
        machine: machine(),
        ingest,
        queries: query_figures,
        throughput,
    }
}

/// The query mix on each engine: latency per kind (SQLite where a path to
/// its database is given and it can state the kind), suggestions for the
/// given prefixes, then queries/s on one and two threads.
fn search_mix(
    index: &NewsIndex,
    raw: &RawTantivy,
    sqlite_path: Option<&Path>,
    queries: &[BenchQuery],
    prefixes: &[String],
) -> (Vec<QueryFigures>, Vec<Throughput>) {
    let mut figures = Vec::new();
    let mut kinds: Vec<&str> = queries.iter().map(|query| query.kind).collect();
    kinds.dedup();
    let sqlite = sqlite_path.map(|path| rusqlite::Connection::open(path).expect("sqlite opens"));
    for kind in kinds {
        let of_kind: Vec<&BenchQuery> = queries.iter().filter(|query| query.kind == kind).collect();
        figures.push(measure(kind, "newsdex", &of_kind, |query| {
            search(index, &query.newsdex)
                .map(|response| response.total)
                .ok()
        }));
        if of_kind.iter().all(|query| query.tantivy.is_some()) {
            // The same search without highlights: what the engine costs
            // apart from marking the hits' titles and snippets.
            figures.push(measure(kind, "newsdex, no highlights", &of_kind, |query| {
                let request = SearchRequest {
                    highlight: false,
                    ..query.newsdex.clone()
                };
                search(index, &request).map(|response| response.total).ok()
            }));
            figures.push(measure(kind, "tantivy", &of_kind, |query| {
                raw.run(query.tantivy.as_deref()?)
            }));
        }
        if let Some(sqlite) = &sqlite
            && of_kind.iter().all(|query| query.sqlite.is_some())
        {
            figures.push(measure(kind, "sqlite-fts5", &of_kind, |query| {
                run_sqlite(sqlite, query.sqlite.as_ref()?)
            }));
        }
    }

    // Search-box suggestions.
    let suggestions: Vec<BenchQuery> = prefixes
        .iter()
        .map(|prefix| BenchQuery {
            kind: "suggest",
            newsdex: SearchRequest {
                q: prefix.clone(),
                ..SearchRequest::default()
            },
            tantivy: None,
            sqlite: None,
        })
        .collect();
    let of_kind: Vec<&BenchQuery> = suggestions.iter().collect();
    figures.push(measure("suggest", "newsdex", &of_kind, |query| {
        suggest(index, &query.newsdex.q, 8)
            .map(|found| found.len() as u64)
            .ok()
    }));

    let shared: Vec<BenchQuery> = queries
        .iter()
        .filter(|query| query.tantivy.is_some())
        .cloned()
        .collect();
    let sqlite_queries: Vec<BenchQuery> = queries
        .iter()
        .filter(|query| query.sqlite.is_some())
        .cloned()
        .collect();
    let newsdex = |_: &mut (), query: &BenchQuery| {
        search(index, &query.newsdex)
            .map(|response| response.total)
            .ok()
    };
    let stateless = || Some(());
    let mut throughput = Vec::new();
    for threads in [1, 2] {
        let mut runs = vec![
            (
                "newsdex",
                queries_per_second(threads, queries, stateless, newsdex),
            ),
            (
                "newsdex (shared kinds)",
                queries_per_second(threads, &shared, stateless, newsdex),
            ),
            (
                "tantivy (shared kinds)",
                queries_per_second(threads, &shared, stateless, |_, query| {
                    raw.run(query.tantivy.as_deref()?)
                }),
            ),
        ];
        if let Some(path) = sqlite_path {
            runs.push((
                "sqlite-fts5",
                queries_per_second(
                    threads,
                    &sqlite_queries,
                    || rusqlite::Connection::open(path).ok(),
                    |connection, query| run_sqlite(connection, query.sqlite.as_ref()?),
                ),
            ));
        }
        for (engine, queries_per_second) in runs {
            throughput.push(Throughput {
                engine: engine.to_string(),
                threads,
                queries_per_second,
            });
        }
    }
    (figures, throughput)
}

// ---- ingest ---------------------------------------------------------------

/// Resets the kernel's peak-RSS mark so the next reading covers one phase.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

use newsdex::index::dir_size;

fn figures(
    engine: &str,
    started: Instant,
    documents: usize,
    input_bytes: usize,
    index_bytes: u64,
) -> IngestFigures {
    let seconds = started.elapsed().as_secs_f64();
    eprintln!("  ingested into {engine} in {seconds:.1}s");
    IngestFigures {
        engine: engine.to_string(),
        seconds,
        docs_per_second: documents as f64 / seconds,
        mb_per_second: input_bytes as f64 / seconds / 1e6,
        index_bytes,
        peak_rss_bytes: peak_rss(),
        peak_anonymous_bytes: None,
    }
}

/// SQLite FTS5 reading the NDJSON file: each line parsed as an article
/// with serde, nothing checked, into a text table and tables of dates and
/// tags.
fn ingest_sqlite(path: &Path, corpus: &Path, input_bytes: usize) -> IngestFigures {
    use std::io::BufRead;
    reset_peak_rss();
    let started = Instant::now();
    let mut documents = 0;
    let mut connection = rusqlite::Connection::open(path).expect("sqlite");
    connection
        .execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'porter unicode61');
             CREATE TABLE meta (id INTEGER PRIMARY KEY, published INTEGER);
             CREATE TABLE tags (doc INTEGER, tag TEXT);",
        )
        .expect("schema");
    {
        let transaction = connection.transaction().expect("transaction");
        {
            let mut insert_text = transaction
                .prepare("INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)")
                .expect("sql");
            let mut insert_meta = transaction
                .prepare("INSERT INTO meta (id, published) VALUES (?1, ?2)")
                .expect("sql");
            let mut insert_tag = transaction
                .prepare("INSERT INTO tags (doc, tag) VALUES (?1, ?2)")
                .expect("sql");
            let file = std::fs::File::open(corpus).expect("corpus");
            for (row, line) in std::io::BufReader::new(file).lines().enumerate() {
                let line = line.expect("reads the corpus");
                let article: Article = serde_json::from_str(&line).expect("corpus line");
                documents += 1;
                let row = row as i64 + 1;
                insert_text
                    .execute(rusqlite::params![row, article.title, article.body])
                    .expect("insert");
                insert_meta
                    .execute(rusqlite::params![
                        row,
                        article.published_at.map(|time| time.timestamp())
                    ])
                    .expect("insert");
                for tag in &article.tags {
                    insert_tag
                        .execute(rusqlite::params![row, tag])
                        .expect("insert");
                }
            }
        }
        transaction.commit().expect("commit");
    }
    connection
        .execute_batch(
            "CREATE INDEX tags_by_tag ON tags (tag, doc); CREATE INDEX tags_by_doc ON tags (doc);
             CREATE INDEX meta_by_time ON meta (published);
             INSERT INTO fts (fts) VALUES ('optimize');",
        )
        .expect("indexes");
    drop(connection);
    let size = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    figures("sqlite-fts5", started, documents, input_bytes, size)
}

fn run_sqlite(connection: &rusqlite::Connection, query: &SqliteQuery) -> Option<u64> {
    let mut conditions = vec!["fts MATCH ?1".to_string()];
    if let Some((from, to)) = query.date_range {
        conditions.push(format!(
            "rowid IN (SELECT id FROM meta WHERE published >= {from} AND published < {to})"
        ));
    }
    if query.tag.is_some() {
        conditions.push("rowid IN (SELECT doc FROM tags WHERE tag = ?2)".to_string());
    }
    let filter = conditions.join(" AND ");
    let tag = query.tag.clone().unwrap_or_default();
    let bind = |sql: &str| -> Option<Vec<(String, i64)>> {
        let mut statement = connection.prepare_cached(sql).ok()?;
        let parameters: Vec<&dyn rusqlite::ToSql> = if query.tag.is_some() {
            vec![&query.matching, &tag]
        } else {
            vec![&query.matching]
        };
        let rows = statement
            .query_map(parameters.as_slice(), |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    row.get::<_, i64>(1)?,
                ))
            })
            .ok()?;
        rows.collect::<Result<Vec<_>, _>>().ok()
    };
    let count = bind(&format!("SELECT '', count(*) FROM fts WHERE {filter}"))?
        .first()
        .map_or(0, |(_, count)| *count as u64);
    bind(&format!(
        "SELECT title, rowid FROM fts WHERE {filter} ORDER BY rank LIMIT 10"
    ))?;
    if query.facets {
        bind(&format!(
            "SELECT tag, count(*) FROM tags WHERE doc IN (SELECT rowid FROM fts WHERE {filter}) GROUP BY tag ORDER BY 2 DESC LIMIT 10"
        ))?;
    }
    if query.histogram {
        bind(&format!(
            "SELECT strftime('%Y-%m', published, 'unixepoch'), count(*) FROM meta WHERE id IN (SELECT rowid FROM fts WHERE {filter}) GROUP BY 1"
        ))?;
    }
    Some(count)
}

// ---- queries ---------------------------------------------------------------

/// Words by document frequency, for picking terms of each frequency band.
/// Words are lower-case letters only, 4 to 12 long, not tags, so that every
/// engine's tokenizer and stemmer read them alike.
fn words_by_frequency(articles: &[Article]) -> Vec<(String, usize)> {
    let tags: std::collections::HashSet<String> = articles
        .iter()
        .flat_map(|article| article.tags.iter().map(|tag| tag.to_lowercase()))
        .collect();
    let mut frequency: BTreeMap<String, usize> = BTreeMap::new();
    for article in articles.iter().step_by((articles.len() / 20_000).max(1)) {
        let mut seen = std::collections::HashSet::new();
        for word in
            format!("{} {}", article.title, article.body).split(|c: char| !c.is_alphanumeric())
        {
            if word.len() >= 4
                && word.len() <= 12
                && word.chars().all(|c| c.is_ascii_lowercase())
                && !tags.contains(word)
                && seen.insert(word)
            {
                *frequency.entry(word.to_string()).or_default() += 1;
            }
        }
    }
    // Stop words are dropped by newsdex's analysis, not by the others'.
    let mut english = newsdex::analysis::language_analyzer("en");
    frequency.retain(|word, _| !newsdex::analysis::tokens(&mut english, word).is_empty());
    let mut ranked: Vec<(String, usize)> = frequency.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Drop words whose stems collide with others ("rate"/"rates"), which
    // engines with different stemmers would count apart.
    let mut stems = std::collections::HashSet::new();
    ranked.retain(|(word, _)| {
        let stem = word
            .trim_end_matches('s')
            .trim_end_matches("ing")
            .trim_end_matches("ed");
        stems.insert(stem.to_string())
            && !word.ends_with('s')
            && !word.ends_with("ing")
            && !word.ends_with("ed")
            && !word.ends_with('y')
            && !word.ends_with('e')
    });
    ranked
}

fn query_mix(articles: &[Article]) -> Vec<BenchQuery> {
    let words = words_by_frequency(articles);
    let band = |from: f64, to: f64, count: usize| -> Vec<String> {
        let start = (words.len() as f64 * from) as usize;
        let end = ((words.len() as f64 * to) as usize)
            .max(start + 1)
            .min(words.len());
        let step = ((end - start) / count).max(1);
        words[start..end]
            .iter()
            .step_by(step)
            .take(count)
            .map(|(word, _)| word.clone())
            .collect()
    };
    let high = band(0.0, 0.01, 10);
    let mid = band(0.05, 0.2, 10);
    let low = band(0.4, 0.8, 10);
    let request = |q: String| SearchRequest {
        q,
        highlight: true,
        ..SearchRequest::default()
    };
    let sqlite = |matching: String| SqliteQuery {
        matching,
        date_range: None,
        tag: None,
        facets: false,
        histogram: false,
    };
    let mut queries = Vec::new();
    for (kind, terms) in [
        ("term, frequent", &high),
        ("term, mid", &mid),
        ("term, rare", &low),
    ] {
        for term in terms {
            queries.push(BenchQuery {
                kind,
                newsdex: request(term.clone()),
                tantivy: Some(term.clone()),
                sqlite: Some(sqlite(term.clone())),
            });
        }
    }
    for (first, second) in high.iter().zip(&mid) {
        // Words side by side match by newsdex's strategy (`most`: any
        // word, those holding both first); `AND` asks for both, as the
        // other engines' conjunction does.
        queries.push(BenchQuery {
            kind: "two-term AND",
            newsdex: request(format!("{first} AND {second}")),
            tantivy: Some(format!("{first} {second}")),
            sqlite: Some(sqlite(format!("{first} AND {second}"))),
        });
    }
    for (first, second) in high.iter().zip(&mid) {
        // The default reading of the same two words: any of them, ranked
        // by how much of the query each article holds; the others' OR
        // matches the same articles.
        queries.push(BenchQuery {
            kind: "two words (match=most)",
            newsdex: request(format!("{first} {second}")),
            tantivy: Some(format!("{first} OR {second}")),
            sqlite: Some(sqlite(format!("{first} OR {second}"))),
        });
    }
    for (first, second) in mid.iter().zip(&low) {
        queries.push(BenchQuery {
            kind: "two-term OR",
            newsdex: request(format!("{first} OR {second}")),
            tantivy: Some(format!("{first} OR {second}")),
            sqlite: Some(sqlite(format!("{first} OR {second}"))),
        });
    }
    // Phrases: adjacent word pairs taken from the articles themselves.
    let known: std::collections::HashSet<&str> = words
        .iter()
        .take(2_000)
        .map(|(word, _)| word.as_str())
        .collect();
    let mut phrases = Vec::new();
    for article in articles.iter().step_by((articles.len() / 200).max(1)) {
        let tokens: Vec<&str> = article.body.split_whitespace().collect();
        if let Some(pair) = tokens
            .windows(2)
            .find(|pair| known.contains(pair[0]) && known.contains(pair[1]) && pair[0] != pair[1])
        {
            phrases.push(format!("{} {}", pair[0], pair[1]));
        }
        if phrases.len() == 10 {
            break;
        }
    }
    for phrase in phrases {
        queries.push(BenchQuery {
            kind: "phrase",
            newsdex: request(format!("\"{phrase}\"")),
            tantivy: Some(format!("\"{phrase}\"")),
            sqlite: Some(sqlite(format!("\"{phrase}\""))),
        });
    }
    // Date ranges over the middle of the corpus's time span.
    let mut times: Vec<i64> = articles
        .iter()
        .filter_map(|article| article.published_at.map(|time| time.timestamp()))
        .collect();
    times.sort_unstable();
    if let (Some(first), Some(last)) = (times.first(), times.last()) {
        let span = last - first;
        for (index, term) in mid.iter().enumerate() {
            let from = first + span * index as i64 / 20;
            let to = from + span / 4;
            let as_time = |seconds: i64| chrono::DateTime::from_timestamp(seconds, 0);
            queries.push(BenchQuery {
                kind: "date-range filtered",
                newsdex: SearchRequest {
                    from: as_time(from),
                    to: as_time(to),
                    ..request(term.clone())
                },
                tantivy: None,
                sqlite: Some(SqliteQuery {
                    date_range: Some((from, to)),
                    ..sqlite(term.clone())
                }),
            });
        }
    }
    // Tag-filtered with facet counts, on the most common tags.
    let mut tag_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for article in articles {
        for tag in &article.tags {
            *tag_counts.entry(tag.as_str()).or_default() += 1;
        }
    }
    let mut tags: Vec<(&str, usize)> = tag_counts.into_iter().collect();
    tags.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    for ((tag, _), term) in tags.iter().take(10).zip(high.iter().chain(&mid)) {
        let filters: Filters = BTreeMap::from([("tag".to_string(), vec![tag.to_string()])]);
        queries.push(BenchQuery {
            kind: "tag-filtered + facets",
            newsdex: SearchRequest {
                filters,
                facets: vec!["tag".to_string()],
                ..request(term.clone())
            },
            tantivy: None,
            sqlite: Some(SqliteQuery {
                tag: Some(tag.to_string()),
                facets: true,
                ..sqlite(term.clone())
            }),
        });
    }
    for term in &high {
        queries.push(BenchQuery {
            kind: "date histogram",
            newsdex: SearchRequest {
                histogram: Some(Interval::Month),
                ..request(term.clone())
            },
            tantivy: None,
            sqlite: Some(SqliteQuery {
                histogram: true,
                ..sqlite(term.clone())
            }),
        });
    }
    // Search as you type: a typo and an unfinished last word.
    for (first, second) in mid.iter().zip(high.iter().rev()) {
        let typo: String = if first.len() > 5 {
            let mut chars: Vec<char> = first.chars().collect();
            chars.swap(1, 2);
            chars.into_iter().collect()
        } else {
            first.clone()
        };
        let partial: String = second.chars().take(3.max(second.len() - 2)).collect();
        queries.push(BenchQuery {
            kind: "search as you type",
            newsdex: SearchRequest {
                typo: Typo::Auto,
                prefix: true,
                ..request(format!("{typo} {partial}"))
            },
            tantivy: None,
            sqlite: None,
        });
    }
    queries
}

/// Three- and five-letter prefixes of the ten most common tags.
fn suggestion_prefixes(articles: &[Article]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for article in articles {
        for tag in &article.tags {
            *counts.entry(tag.as_str()).or_default() += 1;
        }
    }
    let mut tags: Vec<(&str, usize)> = counts.into_iter().collect();
    tags.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    tags.iter()
        .take(10)
        .flat_map(|(tag, _)| {
            [3, 5].map(|length| tag.chars().take(length).collect::<String>().to_lowercase())
        })
        .collect()
}

// ---- measurement -------------------------------------------------------------

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn measure(
    kind: &str,
    engine: &str,
    queries: &[&BenchQuery],
    run: impl Fn(&BenchQuery) -> Option<u64>,
) -> QueryFigures {
    eprintln!("  query {kind}: {engine}");
    // The first pass counts hits; every pass is timed, and passes stop
    // once the kind's time budget is spent. An engine too slow to finish
    // even one pass within a few budgets reports no hit count.
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(queries.len() * REPEATS);
    let mut hits: Option<u64> = None;
    for pass in 0..REPEATS {
        let mut pass_hits = 0;
        let mut complete = true;
        for query in queries {
            if pass == 0 && started.elapsed() > KIND_BUDGET * 5 {
                complete = false;
                break;
            }
            let timer = Instant::now();
            pass_hits += run(query).unwrap_or(0);
            latencies.push(timer.elapsed().as_secs_f64() * 1e3);
        }
        if pass == 0 && complete {
            hits = Some(pass_hits);
        }
        if started.elapsed() > KIND_BUDGET {
            break;
        }
    }
    latencies.sort_by(f64::total_cmp);
    QueryFigures {
        kind: kind.to_string(),
        engine: engine.to_string(),
        p50_ms: percentile(&latencies, 0.5),
        p95_ms: percentile(&latencies, 0.95),
        p99_ms: percentile(&latencies, 0.99),
        hits,
        runs: latencies.len(),
    }
}

/// Queries answered per second by `threads` threads running the mix in
/// turn; each thread gets its own state from `open` (a SQLite connection,
/// which threads cannot share) and runs queries with `run`.
fn queries_per_second<S>(
    threads: usize,
    queries: &[BenchQuery],
    open: impl Fn() -> Option<S> + Sync,
    run: impl Fn(&mut S, &BenchQuery) -> Option<u64> + Sync,
) -> f64 {
    if queries.is_empty() {
        return 0.0;
    }
    let started = Instant::now();
    let total: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let (open, run) = (&open, &run);
                scope.spawn(move || {
                    let Some(mut state) = open() else {
                        return 0;
                    };
                    let mut done = 0;
                    let mut index = worker;
                    while started.elapsed() < THROUGHPUT_RUN {
                        let _ = run(&mut state, &queries[index % queries.len()]);
                        index += 1;
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or(0))
            .sum()
    });
    total as f64 / started.elapsed().as_secs_f64()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .map(|line| line.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} cores")
}

// ---- report ------------------------------------------------------------------

impl Report {
    fn markdown(&self) -> String {
        let mut text = format!(
            "### Corpus `{}`: {} documents, {:.1} MB as NDJSON\n\nMachine: {}. Each engine reads the same NDJSON file: newsdex by its `newsdex index` binary (peak RSS and anonymous peak are that process's, with a writer budget of 256 MiB), raw tantivy (title and body of each line in one stored text field, no facets: the ceiling) and SQLite FTS5 in this process, whose peak RSS includes the corpus the bench keeps for its queries. Ratios are against raw tantivy.\n\n",
            self.corpus,
            self.documents,
            self.input_bytes as f64 / 1e6,
            self.machine
        );
        text.push_str(&ingest_table(&self.ingest, self.input_bytes as u64));
        text.push_str(&query_table(&self.queries));
        text.push_str(&throughput_table(&self.throughput));
        text
    }
}

/// The ingest table: each engine against raw tantivy, with the anonymous
/// memory column where the run measured it.
fn ingest_table(ingest: &[IngestFigures], input_bytes: u64) -> String {
    let tantivy = ingest
        .iter()
        .find(|figures| figures.engine.starts_with("tantivy"));
    let anonymous = ingest
        .iter()
        .any(|figures| figures.peak_anonymous_bytes.is_some());
    let mut text = String::from(
        "| engine | docs/s | MB/s | × tantivy docs/s | index size | index / input | peak RSS |",
    );
    text.push_str(if anonymous {
        " peak anonymous RSS |\n|---|---|---|---|---|---|---|---|\n"
    } else {
        "\n|---|---|---|---|---|---|---|\n"
    });
    for figures in ingest {
        let ratio = tantivy.map_or(0.0, |base| figures.docs_per_second / base.docs_per_second);
        text.push_str(&format!(
            "| {} | {:.0} | {:.1} | {:.2} | {:.1} MB | {:.2} | {:.0} MB |",
            figures.engine,
            figures.docs_per_second,
            figures.mb_per_second,
            ratio,
            figures.index_bytes as f64 / 1e6,
            figures.index_bytes as f64 / input_bytes as f64,
            figures.peak_rss_bytes as f64 / 1e6,
        ));
        if anonymous {
            text.push_str(&match figures.peak_anonymous_bytes {
                Some(bytes) => format!(" {:.0} MB |", bytes as f64 / 1e6),
                None => " – |".to_string(),
            });
        }
        text.push('\n');
    }
    text
}

/// The latency table: each kind and engine, against raw tantivy and SQLite
/// where they ran the same kind, with the hit counts that must agree.
fn query_table(queries: &[QueryFigures]) -> String {
    let mut text = String::new();
    text.push_str("\n| query kind | engine | p50 ms | p95 ms | p99 ms | p50 × tantivy | p50 SQLite ÷ newsdex | hits |\n|---|---|---|---|---|---|---|---|\n");
    for figures in queries {
        let base = queries
            .iter()
            .find(|other| other.kind == figures.kind && other.engine == "tantivy");
        let sqlite = queries
            .iter()
            .find(|other| other.kind == figures.kind && other.engine == "sqlite-fts5");
        let ratio = base.map_or("–".to_string(), |base| {
            format!("{:.2}", figures.p50_ms / base.p50_ms.max(1e-9))
        });
        let versus_sqlite = match (figures.engine.as_str(), sqlite) {
            ("newsdex", Some(sqlite)) => {
                format!("{:.0}", sqlite.p50_ms / figures.p50_ms.max(1e-9))
            }
            _ => "–".to_string(),
        };
        let shown =
            |hits: Option<u64>| hits.map_or("unfinished".to_string(), |hits| hits.to_string());
        let agreement = match base.or(sqlite) {
            Some(other) if other.engine != figures.engine && other.hits != figures.hits => {
                format!(
                    "{} (≠ {} {})",
                    shown(figures.hits),
                    other.engine,
                    shown(other.hits)
                )
            }
            _ => shown(figures.hits),
        };
        text.push_str(&format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} |\n",
            figures.kind,
            figures.engine,
            figures.p50_ms,
            figures.p95_ms,
            figures.p99_ms,
            ratio,
            versus_sqlite,
            agreement
        ));
    }
    text
}

fn throughput_table(throughput: &[Throughput]) -> String {
    let mut text = String::new();
    text.push_str("\n| engine | threads | queries/s |\n|---|---|---|\n");
    for figures in throughput {
        text.push_str(&format!(
            "| {} | {} | {:.0} |\n",
            figures.engine, figures.threads, figures.queries_per_second
        ));
    }
    text
}
