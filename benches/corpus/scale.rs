//! The run at scale (`NEWSDEX_BENCH_CORPORA=scale:1000000`): a synthetic
//! corpus too large to hold in memory, written as NDJSON and indexed the
//! way a user indexes a dump, by the `newsdex index` binary, whose own peak
//! memory is read from the kernel. Raw tantivy reads the same file in this
//! process as the ceiling. SQLite FTS5 is left out: its faceted query took
//! minutes at 100,000 articles.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde::Serialize;

use super::{
    IngestFigures, QueryFigures, RawTantivy, Throughput, WRITER_BUDGET, dir_size, ingest_table,
    machine, peak_rss, query_mix, query_table, reset_peak_rss, search_mix, suggestion_prefixes,
    support, throughput_table,
};
use newsdex::index::NewsIndex;

/// Articles kept in memory to choose the queries from: the generator's
/// first ones, which are the first articles of the file too.
const SAMPLE: usize = 50_000;

#[derive(Serialize)]
pub struct ScaleReport {
    corpus: String,
    documents: usize,
    input_bytes: u64,
    machine: String,
    writer_budget_bytes: usize,
    ingest: Vec<IngestFigures>,
    /// Resident memory of this process with both indexes open and
    /// searched, at its peak during the query mix.
    search_peak_rss_bytes: u64,
    queries: Vec<QueryFigures>,
    throughput: Vec<Throughput>,
}

pub fn run(count: usize) -> ScaleReport {
    let workspace = tempfile::TempDir::new().expect("temp dir");
    let corpus = workspace.path().join("corpus.ndjson");
    eprintln!(
        "scale: writing {count} synthetic articles to {}",
        corpus.display()
    );
    let sample = write_corpus(&corpus, count);
    let input_bytes = std::fs::metadata(&corpus).map_or(0, |metadata| metadata.len());
    let queries = query_mix(&sample);
    let prefixes = suggestion_prefixes(&sample);
    drop(sample);

    let mut ingest = Vec::new();
    for entities in [false, true] {
        let dir = workspace.path().join(if entities {
            "newsdex-entities"
        } else {
            "newsdex"
        });
        ingest.push(index_with_binary(
            &corpus,
            &dir,
            entities,
            count,
            input_bytes,
        ));
    }
    let (raw, figures) = raw_tantivy_from_ndjson(
        &corpus,
        &workspace.path().join("tantivy"),
        count,
        input_bytes,
    );
    ingest.push(figures);

    reset_peak_rss();
    let index =
        NewsIndex::open(&workspace.path().join("newsdex-entities")).expect("newsdex index opens");
    let (query_figures, throughput) = search_mix(&index, &raw, None, &queries, &prefixes);
    ScaleReport {
        corpus: format!("synthetic:{count}"),
        documents: count,
        input_bytes,
        machine: machine(),
        writer_budget_bytes: WRITER_BUDGET,
        ingest,
        search_peak_rss_bytes: peak_rss(),
        queries: query_figures,
        throughput,
    }
}

#[derive(serde::Deserialize)]
struct TitleAndBody {
    title: String,
    body: String,
}

/// The ceiling reading the same NDJSON file: each line's title and body,
/// parsed as nothing else, into raw tantivy.
pub(super) fn raw_tantivy_from_ndjson(
    corpus: &Path,
    dir: &Path,
    count: usize,
    input_bytes: u64,
) -> (RawTantivy, IngestFigures) {
    reset_peak_rss();
    let sampler = AnonymousPeak::watch(std::process::id());
    let started = Instant::now();
    let raw = RawTantivy::build(Some(dir), |add| {
        let file = std::fs::File::open(corpus).expect("corpus");
        for line in std::io::BufReader::new(file).lines() {
            let line = line.expect("reads the corpus");
            let article: TitleAndBody = serde_json::from_str(&line).expect("corpus line");
            add(&article.title, &article.body);
        }
    });
    let figures = IngestFigures {
        engine: "tantivy (reads the NDJSON)".to_string(),
        peak_anonymous_bytes: Some(sampler.stop()),
        ..super::figures(
            "tantivy",
            started,
            count,
            input_bytes as usize,
            dir_size(dir),
        )
    };
    (raw, figures)
}

/// Writes `count` synthetic articles as NDJSON, a line at a time; returns
/// the first `SAMPLE` of them.
fn write_corpus(path: &Path, count: usize) -> Vec<newsdex::Article> {
    let file = std::fs::File::create(path).expect("corpus file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut sample = Vec::with_capacity(SAMPLE.min(count));
    for (number, article) in support::synthetic::articles().take(count).enumerate() {
        serde_json::to_writer(&mut out, &article).expect("writes the corpus");
        out.write_all(b"\n").expect("writes the corpus");
        if number < SAMPLE {
            sample.push(article);
        }
    }
    out.flush().expect("writes the corpus");
    sample
}

/// `newsdex index` on the corpus file, with the bench's writer budget; its
/// peak resident memory comes from `wait4`.
pub(super) fn index_with_binary(
    corpus: &Path,
    dir: &Path,
    entities: bool,
    count: usize,
    input_bytes: u64,
) -> IngestFigures {
    let engine = if entities {
        "newsdex index + entities"
    } else {
        "newsdex index --no-entities"
    };
    eprintln!("bench: {engine}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsdex"));
    command
        .arg("index")
        .arg("--index")
        .arg(dir)
        .args(["--quiet", "--memory-mb"])
        .arg((WRITER_BUDGET >> 20).to_string())
        .arg(corpus);
    if !entities {
        command.arg("--no-entities");
    }
    let started = Instant::now();
    // wait4 below reaps the child: std's wait would not give its memory.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("newsdex runs");
    let sampler = AnonymousPeak::watch(child.id());
    let (status, peak) = wait_with_peak_rss(child.id());
    assert!(status == 0, "newsdex index failed with status {status}");
    IngestFigures {
        peak_rss_bytes: peak,
        peak_anonymous_bytes: Some(sampler.stop()),
        ..super::figures(engine, started, count, input_bytes as usize, dir_size(dir))
    }
}

/// The peak of a process's anonymous resident memory (heap and stacks,
/// what a memory budget bounds), sampled every 20 ms from /proc. The
/// kernel's peak RSS also counts pages of the index files mapped while
/// segments merge, which it reclaims as it needs.
struct AnonymousPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    sampler: std::thread::JoinHandle<u64>,
}

impl AnonymousPeak {
    fn watch(pid: u32) -> AnonymousPeak {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let sampler = std::thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let Some(anonymous) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|status| status_kib(&status, "RssAnon:"))
                else {
                    break;
                };
                peak = peak.max(anonymous * 1024);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        });
        AnonymousPeak { stop, sampler }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.sampler.join().unwrap_or(0)
    }
}

fn status_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find(|line| line.starts_with(key))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse().ok())
}

/// Waits for a child and returns its exit status and peak resident set.
#[allow(unsafe_code)]
fn wait_with_peak_rss(pid: u32) -> (i32, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in; the pid is a child
    // of this process that nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(waited == pid as libc::pid_t, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    // ru_maxrss is in KiB on Linux.
    (code, usage.ru_maxrss as u64 * 1024)
}

impl ScaleReport {
    pub fn markdown(&self) -> String {
        let mut text = format!(
            "### Scale: `{}`, {:.2} GB as NDJSON\n\nMachine: {}. Each newsdex row is the `newsdex index` binary reading the NDJSON file with a writer budget of {} MiB; its peak RSS is that process's, from the kernel, which counts the index files' pages mapped while segments merge; the anonymous peak (heap and stacks, what the budget bounds) is sampled from /proc every 20 ms. Raw tantivy reads the same file (title and body of each line) in one field, with the same budget. SQLite FTS5 is not run at this size.\n\n",
            self.corpus,
            self.input_bytes as f64 / 1e9,
            self.machine,
            self.writer_budget_bytes >> 20,
        );
        text.push_str(&ingest_table(&self.ingest, self.input_bytes));
        text.push_str(&format!(
            "\nSearching (this process, both indexes open, the whole query mix): peak RSS {:.0} MB.\n",
            self.search_peak_rss_bytes as f64 / 1e6
        ));
        text.push_str(&query_table(&self.queries));
        text.push_str(&throughput_table(&self.throughput));
        text
    }
}
