//! Main-text extraction from HTML article pages, scored as the
//! article-extraction benchmark scores it (`../shared/corpus/
//! article-extraction-benchmark`: 181 real pages and their reference
//! bodies). Its `evaluate.py`: the words (`\w+`) of each text cut into
//! shingles of four, true positives, false positives and false negatives
//! counted over the shingles and normalised per page, precision and recall
//! averaged over pages, F1 from the two averages.
//!
//! Rows: newsdex's HTML reader (`ingest::html`: dom_smoothie in its
//! formatted text mode, captions, navigation and footers taken out first,
//! site lines dropped from the text after) and the crates tried
//! for it, each on the same pages in the same run: `dom_smoothie` with its
//! defaults and `rs-trafilatura` with its defaults. Speed is megabytes of
//! HTML per second on one core, parsing included. The pages are also split
//! in two halves by their id (first hex digit below 8 or not): the reader's
//! settings were chosen on the first half, so the second is the held-out
//! figure.
//!
//! `cargo bench --bench html_extraction` prints the table and writes it to
//! `docs/PERFORMANCE.md` (`support::publish`); `NEWSDEX_BENCH_DUMP=DIR`
//! also writes each extractor's text of every page, the reference and a
//! `scores.tsv` of per-page precision and recall under `DIR/<extractor>/`.

mod support;

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use serde::Serialize;

struct Page {
    id: String,
    html: String,
    reference: String,
    url: String,
}

fn read_pages() -> Option<Vec<Page>> {
    let dir = support::corpus_path("article-extraction-benchmark")?;
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).ok()?).ok()?;
    let mut pages = Vec::new();
    for (id, value) in truth.as_object()? {
        let file = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz"))).ok()?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut bytes)
            .ok()?;
        pages.push(Page {
            id: id.clone(),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            reference: value["articleBody"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            url: value["url"].as_str().unwrap_or_default().to_string(),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Some(pages)
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .collect()
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let words = words(text);
    let mut counts = HashMap::new();
    if words.len() < 4 {
        if !words.is_empty() {
            *counts.entry(words).or_default() += 1;
        }
        return counts;
    }
    for window in words.windows(4) {
        *counts.entry(window.to_vec()).or_default() += 1;
    }
    counts
}

/// Normalised (tp, fp, fn) of a page, as `string_shingle_matching`.
fn matching(reference: &str, extracted: &str) -> (f64, f64, f64) {
    let (truth, found) = (shingles(reference), shingles(extracted));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (key, &count) in &truth {
        let other = found.get(key).copied().unwrap_or(0);
        tp += count.min(other) as f64;
        fn_ += count.saturating_sub(other) as f64;
    }
    for (key, &count) in &found {
        fp += count.saturating_sub(truth.get(key).copied().unwrap_or(0)) as f64;
    }
    let sum = tp + fp + fn_;
    if sum > 0.0 {
        (tp / sum, fp / sum, fn_ / sum)
    } else {
        (0.0, 0.0, 0.0)
    }
}

#[derive(Debug, Serialize)]
struct Scores {
    pages: usize,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn scores(matches: &[(f64, f64, f64)]) -> Scores {
    let mean = |values: Vec<f64>| values.iter().sum::<f64>() / values.len().max(1) as f64;
    let precision = mean(
        matches
            .iter()
            .filter(|(tp, fp, _)| tp + fp > 0.0)
            .map(|&(tp, fp, fn_)| {
                if fp == 0.0 && fn_ == 0.0 {
                    1.0
                } else {
                    tp / (tp + fp)
                }
            })
            .collect(),
    );
    let recall = mean(
        matches
            .iter()
            .filter(|(tp, _, fn_)| tp + fn_ > 0.0)
            .map(|&(tp, fp, fn_)| {
                if fp == 0.0 && fn_ == 0.0 {
                    1.0
                } else {
                    tp / (tp + fn_)
                }
            })
            .collect(),
    );
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        pages: matches.len(),
        precision,
        recall,
        f1,
    }
}

#[derive(Debug, Serialize)]
struct Row {
    extractor: &'static str,
    all: Scores,
    first_half: Scores,
    held_out_half: Scores,
    megabytes_per_second: f64,
    empty: usize,
}

fn run(name: &'static str, pages: &[Page], extract: &dyn Fn(&Page) -> String) -> Row {
    let start = Instant::now();
    let outputs: Vec<String> = pages.iter().map(extract).collect();
    let seconds = start.elapsed().as_secs_f64();
    let bytes: usize = pages.iter().map(|page| page.html.len()).sum();
    let matches: Vec<(f64, f64, f64)> = pages
        .iter()
        .zip(&outputs)
        .map(|(page, output)| matching(&page.reference, output))
        .collect();
    if let Some(dir) = std::env::var_os("NEWSDEX_BENCH_DUMP") {
        dump(std::path::Path::new(&dir), name, pages, &outputs, &matches);
    }
    let half = |held: bool| {
        let picked: Vec<(f64, f64, f64)> = pages
            .iter()
            .zip(&matches)
            .filter(|(page, _)| (page.id.as_bytes()[0] >= b'8') == held)
            .map(|(_, m)| *m)
            .collect();
        scores(&picked)
    };
    Row {
        extractor: name,
        all: scores(&matches),
        first_half: half(false),
        held_out_half: half(true),
        megabytes_per_second: bytes as f64 / 1e6 / seconds,
        empty: outputs.iter().filter(|o| o.trim().is_empty()).count(),
    }
}

/// Writes each page's extracted text and its per-page scores under
/// `DIR/<extractor>/`, to read where an extractor gains or loses.
fn dump(
    dir: &std::path::Path,
    name: &str,
    pages: &[Page],
    outputs: &[String],
    matches: &[(f64, f64, f64)],
) {
    let slug: String = name
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let dir = dir.join(slug);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let mut table = String::from("id\tprecision\trecall\n");
    for ((page, output), (tp, fp, fn_)) in pages.iter().zip(outputs).zip(matches) {
        let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        table.push_str(&format!("{}\t{precision:.3}\t{recall:.3}\n", page.id));
        let _ = std::fs::write(dir.join(format!("{}.txt", page.id)), output);
        let _ = std::fs::write(dir.join(format!("{}.ref", page.id)), &page.reference);
    }
    let _ = std::fs::write(dir.join("scores.tsv"), table);
}

fn main() {
    let Some(pages) = read_pages() else {
        return;
    };
    let bytes: usize = pages.iter().map(|page| page.html.len()).sum();
    let url = |page: &Page| page.url.starts_with("http").then(|| page.url.clone());
    let rows = vec![
        run("newsdex (`--format html`)", &pages, &|page| {
            newsdex::ingest::html::parse_html(&page.html, url(page).as_deref(), chrono_tz::Tz::UTC)
                .map(|article| article.body)
                .unwrap_or_default()
        }),
        run("dom_smoothie 0.19, defaults", &pages, &|page| {
            dom_smoothie::Readability::new(page.html.as_str(), url(page).as_deref(), None)
                .and_then(|mut readability| readability.parse())
                .map(|article| article.text_content.to_string())
                .unwrap_or_default()
        }),
        run("rs-trafilatura 0.2, defaults", &pages, &|page| {
            let options = rs_trafilatura::Options {
                url: url(page),
                ..Default::default()
            };
            rs_trafilatura::extract_with_options(&page.html, &options)
                .map(|result| result.content_text)
                .unwrap_or_default()
        }),
    ];
    let mut markdown = format!(
        "Article-extraction benchmark, {} pages, {:.1} MB of HTML; one run, one core \
         (`cargo bench --bench html_extraction`). F1, precision and recall of 4-word \
         shingles as the benchmark's `evaluate.py` computes them; the held-out half \
         (ids from 8) chose nothing. The benchmark's published F1: rs-trafilatura \
         0.970, trafilatura 0.958, readability.js 0.947, newspaper4k 0.949.\n\n\
         | extractor | F1 | precision | recall | first half F1 | held-out half F1 | MB/s | pages with no text |\n\
         |---|---|---|---|---|---|---|---|\n",
        pages.len(),
        bytes as f64 / 1e6
    );
    for row in &rows {
        markdown.push_str(&format!(
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.1} | {} |\n",
            row.extractor,
            row.all.f1,
            row.all.precision,
            row.all.recall,
            row.first_half.f1,
            row.held_out_half.f1,
            row.megabytes_per_second,
            row.empty
        ));
    }
    print!("{markdown}");
    support::publish("html-extraction", &markdown, &rows);
}
