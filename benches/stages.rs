//! Criterion benches of each stage on real news text: the readers (MB/s),
//! entity extraction (MB/s on one core), query parsing, and searches of each kind on a prepared Reuters-21578
//! index, with and without highlighting.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsdex::Article;
use newsdex::index::{NewsIndex, WriterOptions};
use newsdex::ingest::{Format, ReadOptions, read_bytes};
use newsdex::query::{SearchRequest, parse_query, search};

fn to_ndjson(articles: &[Article]) -> String {
    articles
        .iter()
        .map(|article| serde_json::to_string(article).unwrap_or_default() + "\n")
        .collect()
}

/// The articles as an RSS 2.0 feed with HTML content.
fn to_rss(articles: &[Article]) -> String {
    let mut feed =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Wire</title>");
    for article in articles {
        let mut html = String::new();
        for paragraph in article.body.split("\n\n") {
            html.push_str("<p>");
            newsdex::query::highlight::escape_into(&mut html, paragraph);
            html.push_str("</p>");
        }
        let mut title = String::new();
        newsdex::query::highlight::escape_into(&mut title, &article.title);
        let mut description = String::new();
        newsdex::query::highlight::escape_into(&mut description, &html);
        feed.push_str(&format!(
            "<item><title>{title}</title><link>https://wire.example/{}</link><description>{description}</description></item>",
            article.id
        ));
    }
    feed.push_str("</channel></rss>");
    feed
}

fn readers(c: &mut Criterion) {
    let mut group = c.benchmark_group("read");
    if let Some(reuters) = support::reuters() {
        let sample: Vec<Article> = reuters.into_iter().take(5_000).collect();
        let ndjson = to_ndjson(&sample);
        group.throughput(Throughput::Bytes(ndjson.len() as u64));
        let options = ReadOptions {
            format: Some(Format::Ndjson),
            ..ReadOptions::default()
        };
        group.bench_function("ndjson, reuters", |b| {
            b.iter(|| read_bytes(ndjson.as_bytes(), "r.ndjson", &options).len())
        });
        let rss = to_rss(&sample[..1_000]);
        group.throughput(Throughput::Bytes(rss.len() as u64));
        let options = ReadOptions {
            format: Some(Format::Feed),
            ..ReadOptions::default()
        };
        group.bench_function("rss, reuters", |b| {
            b.iter(|| read_bytes(rss.as_bytes(), "r.rss", &options).len())
        });
    }
    if let Some(bbc) = support::corpus_path("bbc-news/business") {
        let pages: Vec<Vec<u8>> = std::fs::read_dir(bbc)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read(entry.path()).ok())
            .collect();
        let bytes: usize = pages.iter().map(Vec::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        let options = ReadOptions {
            format: Some(Format::Page),
            ..ReadOptions::default()
        };
        group.bench_function("page text, bbc business", |b| {
            b.iter(|| {
                pages
                    .iter()
                    .map(|page| read_bytes(page, "p.txt", &options).len())
                    .sum::<usize>()
            })
        });
    }
    if let Some(seed) = support::corpus_path("../seeds/000_607d013090928df1.txt")
        .and_then(|path| std::fs::read(path).ok())
    {
        group.throughput(Throughput::Bytes(seed.len() as u64));
        let options = ReadOptions::default();
        group.bench_function("page text, seed page", |b| {
            b.iter(|| read_bytes(&seed, "seed.txt", &options).len())
        });
    }
    group.finish();
}

/// Text analysis as the indexer runs it on every word: English stemming
/// and stop words, through the language marker.
fn analysis(c: &mut Criterion) {
    let Some(reuters) = support::reuters() else {
        return;
    };
    let bodies: Vec<String> = reuters
        .iter()
        .take(2_000)
        .map(|article| newsdex::analysis::mark_language("en", &article.body))
        .collect();
    let mut analyzer =
        tantivy::tokenizer::TextAnalyzer::from(newsdex::analysis::LanguageTokenizer::default());
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(
        bodies.iter().map(String::len).sum::<usize>() as u64,
    ));
    group.bench_function("english, reuters bodies", |b| {
        b.iter(|| {
            let mut tokens = 0;
            for body in &bodies {
                let mut stream = analyzer.token_stream(body);
                while stream.advance() {
                    tokens += 1;
                }
            }
            tokens
        })
    });
    group.finish();
}

/// Body snippets as a search's hits get them: BBC articles, ten per
/// highlighter, marked for the
/// terms of real queries (a frequent word, a name, a rare word).
fn highlighting(c: &mut Criterion) {
    let Some(bbc) = support::bbc() else {
        return;
    };
    let fields = match newsdex::index::fields::IndexFields::build() {
        Ok(fields) => fields,
        Err(error) => panic!("index fields: {error}"),
    };
    let mut group = c.benchmark_group("highlight");
    group.throughput(Throughput::Bytes(support::text_bytes(&bbc) as u64));
    for query in ["government", "gordon brown", "broadband"] {
        let mut builder = newsdex::query::translate::QueryBuilder::new(&fields, vec!["en"]);
        let node = parse_query(query).expect("parses");
        builder.build(&node).expect("builds");
        let terms = builder.highlight;
        group.bench_function(format!("snippets, bbc, {query:?}"), |b| {
            // One highlighter per page of ten hits, as a search makes.
            b.iter(|| {
                let mut bytes = 0;
                for page in bbc.chunks(10) {
                    let mut highlighter = newsdex::query::highlight::Highlighter::new(&terms);
                    for article in page {
                        bytes += highlighter.snippet(&article.body, Some("en")).len();
                    }
                }
                bytes
            })
        });
    }
    group.finish();
}

fn query_parsing(c: &mut Criterion) {
    let queries = [
        "ukraine",
        "\"security guarantees\" AND (nato OR eu) -russia",
        "author:\"Jane Doe\" tag:(energy OR climate) published_at:2025-02 ukrai*",
    ];
    let mut group = c.benchmark_group("parse query");
    for query in queries {
        group.bench_function(query, |b| b.iter(|| parse_query(query).is_ok()));
    }
    group.finish();
}

fn searches(c: &mut Criterion) {
    let Some(reuters) = support::reuters() else {
        return;
    };
    let index = NewsIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    for article in &reuters {
        writer.upsert(article).expect("indexes");
    }
    writer.finish().expect("commits");
    let mut group = c.benchmark_group("search reuters");
    let cases: Vec<(&str, SearchRequest)> = vec![
        (
            "term",
            SearchRequest {
                q: "oil".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "term, no highlight",
            SearchRequest {
                q: "oil".into(),
                highlight: false,
                ..SearchRequest::default()
            },
        ),
        (
            "rare term",
            SearchRequest {
                q: "zinc".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "phrase",
            SearchRequest {
                q: "\"interest rates\"".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "and",
            SearchRequest {
                q: "oil prices".into(),
                ..SearchRequest::default()
            },
        ),
        (
            "tag filter + facets",
            SearchRequest {
                q: "prices".into(),
                filters: [("tag".to_string(), vec!["crude".to_string()])].into(),
                facets: vec!["tag".into(), "section".into()],
                ..SearchRequest::default()
            },
        ),
        (
            "month histogram, no highlight",
            SearchRequest {
                q: "said".into(),
                histogram: Some(newsdex::query::histogram::Interval::Month),
                highlight: false,
                ..SearchRequest::default()
            },
        ),
        (
            "term said, no highlight",
            SearchRequest {
                q: "said".into(),
                highlight: false,
                ..SearchRequest::default()
            },
        ),
        (
            "newest",
            SearchRequest {
                q: "bank".into(),
                sort: newsdex::query::Sort::Newest,
                ..SearchRequest::default()
            },
        ),
        (
            "typo + prefix",
            SearchRequest {
                q: "petrolem pric".into(),
                typo: newsdex::query::search::Typo::Auto,
                prefix: true,
                ..SearchRequest::default()
            },
        ),
    ];
    for (name, request) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                search(&index, &request)
                    .map(|response| response.total)
                    .unwrap_or(0)
            })
        });
    }
    // The ceiling, in the same process: raw tantivy over the same articles
    // in one stemmed, stored field, counting every match and loading the
    // top ten as newsdex does.
    let raw = support::RawTantivy::build(None, |add| {
        for article in &reuters {
            add(&article.title, &article.body);
        }
    });
    for (name, query) in [
        ("term", "oil"),
        ("rare term", "zinc"),
        ("phrase", "\"interest rates\""),
        ("and", "oil prices"),
    ] {
        group.bench_function(format!("{name}, raw tantivy"), |b| {
            b.iter(|| raw.run(query))
        });
    }
    // What a search box asks at each keystroke.
    for typed in ["ja", "bak", "presid"] {
        group.bench_function(format!("suggest {typed:?}"), |b| {
            b.iter(|| {
                newsdex::query::suggest::suggest(&index, typed, 8)
                    .map(|found| found.len())
                    .unwrap_or(0)
            })
        });
    }
    group.finish();
}

/// Entity extraction on one core, as MB/s of article text (title and
/// body): Reuters-21578 bodies and the BBC articles.
fn entities(c: &mut Criterion) {
    let extractor = match newsdex::ner::EntityExtractor::shipped() {
        Ok(extractor) => extractor,
        Err(error) => {
            eprintln!("skipping entity benches: {error}");
            return;
        }
    };
    let mut group = c.benchmark_group("entities");
    group.sample_size(10);
    for (name, articles) in [("reuters", support::reuters()), ("bbc", support::bbc())] {
        let Some(articles) = articles else { continue };
        let sample: Vec<Article> = articles.into_iter().take(3_000).collect();
        group.throughput(Throughput::Bytes(support::text_bytes(&sample) as u64));
        group.bench_function(format!("extract, {name}"), |b| {
            b.iter(|| {
                sample
                    .iter()
                    .map(|article| extractor.extract_article(article).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    readers,
    analysis,
    highlighting,
    entities,
    query_parsing,
    searches
);
criterion_main!(benches);
