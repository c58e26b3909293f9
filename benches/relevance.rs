//! The relevance benchmark: does the right article come back for what a
//! reader types? newsdex against plain BM25 (raw tantivy, SQLite FTS5) and,
//! where `MEILI_BIN` names a meilisearch binary, Meilisearch with its
//! defaults, on one index of real news, in one run.
//!
//! ```sh
//! cargo bench --bench relevance
//! MEILI_BIN=/path/to/meilisearch cargo bench --bench relevance
//! ```
//!
//! Collection: BBC News (2,225), Reuters-21578 (every document with text)
//! and AG News (the 7,600 items of its test split), from `../shared/corpus`,
//! in one index. Reuters' topic codes are held out of the index: they are
//! the judgements of the ad hoc kind.
//!
//! Known-item search: for a fixed-seed sample of articles (as many from
//! each collection, titles unique in the whole collection), the queries a
//! reader types to find that article again: the headline as printed, lower
//! case, three to five content words of the lead, the headline with one
//! typo in a long word, the first sentence, a name from the article with a
//! title word, and the headline typed up to the middle of a word. Scored
//! by MRR@10, success@1 and @10 and the share of queries with no result.
//!
//! Ad hoc search: each Reuters topic with ten articles or more, queried by
//! its printed description ("Money/Foreign Exchange"), the articles filed
//! under it relevant: nDCG@10 (binary gains) and the zero-result rate.
//!
//! The report goes to `target/bench-report/relevance.md` and `.json`, and
//! its table into `docs/PERFORMANCE.md` (`support::publish`).
//! `NEWSDEX_RELEVANCE_SEED` draws another sample and
//! `NEWSDEX_RELEVANCE_TOPICS=even` (or `odd`) keeps half the topics:
//! settings are chosen on such a development sample and half, never on
//! the reported one; `NEWSDEX_RELEVANCE_ENGINES=newsdex` measures newsdex
//! alone.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use newsdex::Article;
use newsdex::http::{AppState, ServeConfig, router};
use newsdex::index::{NewsIndex, WriterOptions};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use tower::ServiceExt;

/// Articles sampled from each collection for the known-item queries.
const SAMPLE_PER_COLLECTION: usize = 100;
/// The sample's seed: the same queries in every run.
const SEED: u64 = 20_261_201;
/// Hits asked of every engine.
const DEPTH: usize = 10;

/// Words a reader leaves out when picking content words (and that plain
/// BM25 would weigh little): a short English stop list.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "for", "from", "had", "has", "have", "he", "her",
    "his", "if", "in", "into", "is", "it", "its", "last", "more", "new", "not", "of", "on", "one",
    "or", "other", "our", "out", "over", "said", "says", "she", "so", "than", "that", "the",
    "their", "them", "there", "these", "they", "this", "to", "two", "up", "was", "we", "were",
    "what", "when", "which", "who", "will", "with", "would", "year", "years", "you",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
enum Kind {
    Headline,
    HeadlineLower,
    LeadWords,
    HeadlineTypo,
    FirstSentence,
    NameAndTopic,
    TypingHeadline,
    Topics,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::Headline,
        Kind::HeadlineLower,
        Kind::LeadWords,
        Kind::HeadlineTypo,
        Kind::FirstSentence,
        Kind::NameAndTopic,
        Kind::TypingHeadline,
        Kind::Topics,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::Headline => "headline as printed",
            Kind::HeadlineLower => "headline, lower case",
            Kind::LeadWords => "3-5 content words of the lead",
            Kind::HeadlineTypo => "headline, one typo",
            Kind::FirstSentence => "first sentence",
            Kind::NameAndTopic => "a name and a title word",
            Kind::TypingHeadline => "headline typed to mid-word",
            Kind::Topics => "ad hoc: Reuters topics (nDCG@10)",
        }
    }
}

struct Query {
    kind: Kind,
    text: String,
    /// Ids of the relevant articles (one for a known item).
    relevant: HashSet<String>,
}

/// An engine under test: the ids of its best hits for a query text.
trait Engine {
    fn name(&self) -> String;
    fn search(&mut self, text: &str, kind: Kind) -> Vec<String>;
}

fn main() {
    let Some(collection) = load_collection() else {
        eprintln!("relevance bench skipped: ../shared/corpus is absent");
        return;
    };
    eprintln!(
        "collection: {} articles ({} BBC, {} Reuters, {} AG News)",
        collection.articles.len(),
        collection.count("bbc"),
        collection.count("reuters"),
        collection.count("ag")
    );
    let workspace = tempfile::TempDir::new().expect("temp dir");

    let started = Instant::now();
    let index = NewsIndex::open_or_create(&workspace.path().join("newsdex")).expect("index");
    let mut writer = index
        .writer(WriterOptions::default())
        .expect("newsdex writer");
    for chunk in collection.articles.chunks(1024) {
        writer.upsert_batch(chunk).expect("newsdex indexes");
    }
    writer.finish().expect("newsdex commits");
    index.reload().expect("reload");
    eprintln!("newsdex indexed in {:.1}s", started.elapsed().as_secs_f64());

    let queries = sample_queries(&collection, &index);
    eprintln!("{} queries", queries.len());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let state = AppState::new(index, ServeConfig::default()).expect("app state");
    let app = router(state);
    let mut engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Newsdex {
            app: app.clone(),
            runtime: &runtime,
            search_box: false,
        }),
        Box::new(Newsdex {
            app,
            runtime: &runtime,
            search_box: true,
        }),
        Box::new(Bm25Tantivy::build(&collection.articles)),
        Box::new(Fts5::build(
            &workspace.path().join("fts5.sqlite"),
            &collection.articles,
        )),
    ];
    match std::env::var_os("MEILI_BIN") {
        Some(binary) => {
            match Meilisearch::start(Path::new(&binary), workspace.path(), &collection.articles) {
                Ok(meilisearch) => engines.push(Box::new(meilisearch)),
                Err(error) => eprintln!("meilisearch row skipped: {error}"),
            }
        }
        None => eprintln!(
            "meilisearch row skipped: set MEILI_BIN to a meilisearch binary to measure it"
        ),
    }

    let mut rows = Vec::new();
    for engine in engines.iter_mut().filter(|engine| wanted(&engine.name())) {
        for kind in Kind::ALL {
            let of_kind: Vec<&Query> = queries.iter().filter(|query| query.kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            rows.push(measure(engine.as_mut(), kind, &of_kind));
        }
        eprintln!("measured {}", engine.name());
    }
    let report = Report {
        collection: format!(
            "{} articles: BBC News {}, Reuters-21578 {}, AG News {}",
            collection.articles.len(),
            collection.count("bbc"),
            collection.count("reuters"),
            collection.count("ag")
        ),
        sample_per_collection: SAMPLE_PER_COLLECTION,
        seed: seed(),
        rows,
    };
    let markdown = report.markdown();
    println!("{markdown}");
    support::publish("relevance", &markdown, &report);
}

/// The sample's seed: [`SEED`] unless `NEWSDEX_RELEVANCE_SEED` names one.
fn seed() -> u64 {
    std::env::var("NEWSDEX_RELEVANCE_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(SEED)
}

/// Whether `NEWSDEX_RELEVANCE_ENGINES` (a comma-separated list of name
/// prefixes; all when unset) asks for an engine.
fn wanted(name: &str) -> bool {
    match std::env::var("NEWSDEX_RELEVANCE_ENGINES") {
        Ok(list) => list
            .split(',')
            .any(|prefix| name.to_lowercase().starts_with(prefix.trim())),
        Err(_) => true,
    }
}

// ---------------------------------------------------------------- collection

struct Collection {
    articles: Vec<Article>,
    /// Reuters topic code → ids of the articles filed under it.
    topics: BTreeMap<String, HashSet<String>>,
}

impl Collection {
    fn count(&self, prefix: &str) -> usize {
        self.articles
            .iter()
            .filter(|article| collection_of(&article.id) == prefix)
            .count()
    }
}

fn collection_of(id: &str) -> &'static str {
    if id.starts_with("reuters-") {
        "reuters"
    } else if id.starts_with("ag-") {
        "ag"
    } else {
        "bbc"
    }
}

fn load_collection() -> Option<Collection> {
    let mut articles = support::bbc()?;
    for article in &mut articles {
        // The page reader derives ids from titles; the prefix tells the
        // collections apart in the report.
        article.id = format!("bbc-{}", article.id);
    }
    let mut topics: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for mut article in support::reuters()? {
        for topic in std::mem::take(&mut article.tags) {
            topics.entry(topic).or_default().insert(article.id.clone());
        }
        // The place code is bench metadata, not a section a reader sees.
        article.section = None;
        articles.push(article);
    }
    articles.extend(ag_news()?);
    Some(Collection { articles, topics })
}

/// AG News test split: class, title, description; HTML entities of the
/// original crawl (`#36;` for `$`, `\` for a line break) decoded.
fn ag_news() -> Option<Vec<Article>> {
    let path = support::corpus_path("ag-news/test.csv")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .ok()?;
    let clean = |text: &str| {
        text.replace("#36;", "$")
            .replace("#39;", "'")
            .replace("quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            .replace('\\', " ")
    };
    let mut articles = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let Ok(record) = record else { continue };
        let (Some(title), Some(description)) = (record.get(1), record.get(2)) else {
            continue;
        };
        articles.push(Article {
            id: format!("ag-{number}"),
            source: Some("AG News".to_string()),
            language: Some("en".to_string()),
            title: clean(title),
            body: clean(description),
            ..Article::default()
        });
    }
    Some(articles)
}

// ------------------------------------------------------------------- queries

fn normalise_title(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .collect()
}

fn is_content_word(word: &str) -> bool {
    word.chars().count() >= 3
        && word.chars().all(char::is_alphabetic)
        && !STOP_WORDS.contains(&word.to_lowercase().as_str())
}

fn first_sentence(body: &str) -> Option<String> {
    let body = body.trim();
    let end = body
        .char_indices()
        .find(|&(index, c)| {
            matches!(c, '.' | '!' | '?')
                && body[index + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
                && index > 20
        })
        .map_or(body.len(), |(index, c)| index + c.len_utf8());
    let sentence: String = body[..end].chars().take(300).collect();
    (words(&sentence).len() >= 4).then_some(sentence)
}

/// One edit inside a word of five letters or more (never its first
/// letter): a substitution, deletion, insertion or transposition.
fn with_typo(title: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let spans: Vec<(usize, &str)> = title
        .split_whitespace()
        .scan(0, |offset, word| {
            let start = title[*offset..]
                .find(word)
                .map_or(*offset, |at| *offset + at);
            *offset = start + word.len();
            Some((start, word))
        })
        .filter(|(_, word)| word.chars().filter(|c| c.is_alphabetic()).count() >= 5)
        .filter(|(_, word)| word.chars().all(char::is_alphabetic))
        .collect();
    let &(start, word) = spans.choose(rng)?;
    let mut letters: Vec<char> = word.chars().collect();
    let at = rng.random_range(1..letters.len());
    let alphabet: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
    match rng.random_range(0..4) {
        0 => {
            let original = letters[at].to_ascii_lowercase();
            let replacement = *alphabet
                .iter()
                .filter(|c| **c != original)
                .collect::<Vec<_>>()
                .choose(rng)?;
            letters[at] = *replacement;
        }
        1 => {
            letters.remove(at);
        }
        2 => letters.insert(at, *alphabet.choose(rng)?),
        _ => {
            if at + 1 < letters.len() && letters[at] != letters[at + 1] {
                letters.swap(at, at + 1);
            } else {
                letters.remove(at);
            }
        }
    }
    let typo: String = letters.into_iter().collect();
    Some(format!(
        "{}{}{}",
        &title[..start],
        typo,
        &title[start + word.len()..]
    ))
}

/// The headline cut inside a later word of four letters or more, as a
/// search box sees it while the reader is still typing.
fn typed_to_mid_word(title: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    let mut offset = 0;
    let mut candidates = Vec::new();
    for (position, word) in title.split_whitespace().enumerate() {
        let start = title[offset..].find(word).map_or(offset, |at| offset + at);
        offset = start + word.len();
        let letters = word.chars().count();
        if position >= 1 && letters >= 4 && word.chars().all(char::is_alphabetic) {
            let keep: usize = word
                .chars()
                .take(letters.div_ceil(2))
                .map(char::len_utf8)
                .sum();
            candidates.push(start + keep);
        }
    }
    let cut = *candidates.choose(rng)?;
    Some(title[..cut].to_string())
}

fn sample_queries(collection: &Collection, index: &NewsIndex) -> Vec<Query> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed());
    let mut title_counts: HashMap<String, usize> = HashMap::new();
    for article in &collection.articles {
        *title_counts
            .entry(normalise_title(&article.title))
            .or_default() += 1;
    }
    let mut queries = Vec::new();
    for prefix in ["bbc", "reuters", "ag"] {
        let pool: Vec<&Article> = collection
            .articles
            .iter()
            .filter(|article| collection_of(&article.id) == prefix)
            .filter(|article| title_counts[&normalise_title(&article.title)] == 1)
            .filter(|article| words(&article.title).len() >= 3 && !article.body.is_empty())
            .collect();
        let sample: Vec<&&Article> = pool
            .choose_multiple(&mut rng, SAMPLE_PER_COLLECTION)
            .collect();
        for article in sample {
            let relevant: HashSet<String> = [article.id.clone()].into();
            let mut add = |kind: Kind, text: Option<String>| {
                if let Some(text) = text.filter(|text| !text.trim().is_empty()) {
                    queries.push(Query {
                        kind,
                        text,
                        relevant: relevant.clone(),
                    });
                }
            };
            add(Kind::Headline, Some(article.title.clone()));
            add(Kind::HeadlineLower, Some(article.title.to_lowercase()));
            let lead: String = article.body.chars().take(400).collect();
            let mut content: Vec<&str> = Vec::new();
            for word in words(&lead)
                .into_iter()
                .filter(|word| is_content_word(word))
            {
                if !content.iter().any(|seen| seen.eq_ignore_ascii_case(word)) {
                    content.push(word);
                }
            }
            let count = rng.random_range(3..=5).min(content.len());
            let mut picked: Vec<usize> =
                rand::seq::index::sample(&mut rng, content.len(), count).into_vec();
            picked.sort_unstable();
            add(
                Kind::LeadWords,
                (count >= 3).then(|| {
                    picked
                        .iter()
                        .map(|&at| content[at].to_lowercase())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            );
            add(Kind::HeadlineTypo, with_typo(&article.title, &mut rng));
            add(Kind::FirstSentence, first_sentence(&article.body));
            add(Kind::NameAndTopic, name_and_topic(index, article, &mut rng));
            add(
                Kind::TypingHeadline,
                typed_to_mid_word(&article.title, &mut rng),
            );
        }
    }
    let descriptions = topic_descriptions();
    let half = std::env::var("NEWSDEX_RELEVANCE_TOPICS").unwrap_or_default();
    let eligible = collection
        .topics
        .iter()
        .filter(|(_, relevant)| relevant.len() >= 10);
    for (position, (code, relevant)) in eligible.enumerate() {
        // A development half of the topics, for choosing settings.
        match half.as_str() {
            "even" if position % 2 == 1 => continue,
            "odd" if position % 2 == 0 => continue,
            _ => {}
        }
        if let Some(description) = descriptions.get(code) {
            queries.push(Query {
                kind: Kind::Topics,
                text: description.clone(),
                relevant: relevant.clone(),
            });
        }
    }
    queries
}

/// An entity of the article (one newsdex found, chosen at random) and a
/// content word of the title outside the name.
fn name_and_topic(index: &NewsIndex, article: &Article, rng: &mut ChaCha8Rng) -> Option<String> {
    let stored = index.get(&article.id).ok()??;
    let entities: Vec<&newsdex::article::Entity> = stored.entities.iter().collect();
    let entity = entities.choose(rng)?;
    let name_words: Vec<String> = words(&entity.name)
        .into_iter()
        .map(str::to_lowercase)
        .collect();
    let topic: Vec<&str> = words(&article.title)
        .into_iter()
        .filter(|word| is_content_word(word) && !name_words.contains(&word.to_lowercase()))
        .collect();
    let word = topic.choose(rng)?;
    Some(format!("{} {}", entity.name, word.to_lowercase()))
}

/// Reuters topic code → its printed description, from the collection's
/// category notes ("Money/Foreign Exchange (MONEY-FX)"), or the words of a
/// commodity's code ("castor meal").
fn topic_descriptions() -> HashMap<String, String> {
    let Some(path) = support::corpus_path("reuters21578/cat-descriptions_120396.txt") else {
        return HashMap::new();
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let described = regex::Regex::new(r"^\s*(.+?)\s+\(([A-Z][A-Z0-9-]*)\)\s*$").expect("pattern");
    let bare_code = regex::Regex::new(r"^([A-Z][A-Z0-9-]+)\s*$").expect("pattern");
    let mut descriptions = HashMap::new();
    let mut in_topics = false;
    for line in text.lines() {
        if line.starts_with("****Subject Codes") {
            in_topics = true;
            continue;
        }
        if !in_topics {
            continue;
        }
        if line.starts_with("____") {
            break;
        }
        if let Some(captures) = described.captures(line) {
            descriptions.insert(captures[2].to_lowercase(), captures[1].to_string());
        } else if let Some(captures) = bare_code.captures(line) {
            // Commodities are listed by code alone ("CASTOR-MEAL"): a
            // reader types the words.
            let code = captures[1].to_lowercase();
            descriptions.insert(code.clone(), code.replace('-', " "));
        }
    }
    descriptions
}

// ------------------------------------------------------------------- engines

struct Newsdex<'r> {
    app: axum::Router,
    runtime: &'r tokio::runtime::Runtime,
    /// The search box's options: typo tolerance and a prefix last word.
    search_box: bool,
}

impl Engine for Newsdex<'_> {
    fn name(&self) -> String {
        if self.search_box {
            "newsdex, typo=auto&prefix=true".to_string()
        } else {
            "newsdex (defaults)".to_string()
        }
    }

    fn search(&mut self, text: &str, _kind: Kind) -> Vec<String> {
        let mut uri = String::from("/search?highlight=true&limit=10&q=");
        uri.push_str(&url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>());
        if self.search_box {
            uri.push_str("&typo=auto&prefix=true");
        }
        let request = Request::get(uri).body(Body::empty()).expect("request");
        let app = self.app.clone();
        self.runtime.block_on(async move {
            let response = app.oneshot(request).await.expect("the router answers");
            if !response.status().is_success() {
                return Vec::new();
            }
            let Ok(body) = response.into_body().collect().await else {
                return Vec::new();
            };
            hit_ids(&serde_json::from_slice(&body.to_bytes()).unwrap_or_default())
        })
    }
}

/// Plain BM25 as a tantivy user gets it: title and body in one `en_stem`
/// field, the words of the query OR'ed, the query read leniently.
struct Bm25Tantivy {
    reader: tantivy::IndexReader,
    parser: tantivy::query::QueryParser,
    id: tantivy::schema::Field,
}

impl Bm25Tantivy {
    fn build(articles: &[Article]) -> Bm25Tantivy {
        use tantivy::schema::{STORED, STRING, Schema, TEXT};
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let text_options = TEXT.set_indexing_options(
            tantivy::schema::TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let text = builder.add_text_field("text", text_options);
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer = index
            .writer::<tantivy::TantivyDocument>(support::WRITER_BUDGET)
            .expect("writer");
        for article in articles {
            writer
                .add_document(tantivy::doc!(
                    id => article.id.clone(),
                    text => format!("{}\n\n{}", article.title, article.body)
                ))
                .expect("adds");
        }
        writer.commit().expect("commits");
        let parser = tantivy::query::QueryParser::for_index(&index, vec![text]);
        Bm25Tantivy {
            reader: index.reader().expect("reader"),
            parser,
            id,
        }
    }
}

impl Engine for Bm25Tantivy {
    fn name(&self) -> String {
        "tantivy BM25 (title+body, OR)".to_string()
    }

    fn search(&mut self, text: &str, _kind: Kind) -> Vec<String> {
        use tantivy::collector::TopDocs;
        use tantivy::schema::Value;
        let searcher = self.reader.searcher();
        let (query, _) = self.parser.parse_query_lenient(text);
        let Ok(top) = searcher.search(&query, &TopDocs::with_limit(DEPTH).order_by_score()) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(_, address)| {
                let document: tantivy::TantivyDocument = searcher.doc(address).ok()?;
                document
                    .get_first(self.id)
                    .and_then(|value| value.as_str())
                    .map(str::to_string)
            })
            .collect()
    }
}

/// SQLite FTS5 with the porter tokenizer, ranked by its bm25, the words of
/// the query OR'ed.
struct Fts5 {
    connection: rusqlite::Connection,
}

impl Fts5 {
    fn build(path: &Path, articles: &[Article]) -> Fts5 {
        let mut connection = rusqlite::Connection::open(path).expect("sqlite");
        connection
            .execute_batch(
                "CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, title, body, tokenize = 'porter unicode61');",
            )
            .expect("table");
        let transaction = connection.transaction().expect("transaction");
        {
            let mut insert = transaction
                .prepare("INSERT INTO articles (id, title, body) VALUES (?1, ?2, ?3)")
                .expect("insert");
            for article in articles {
                insert
                    .execute((&article.id, &article.title, &article.body))
                    .expect("inserts");
            }
        }
        transaction.commit().expect("commit");
        Fts5 { connection }
    }
}

impl Engine for Fts5 {
    fn name(&self) -> String {
        "SQLite FTS5 (porter, bm25, OR)".to_string()
    }

    fn search(&mut self, text: &str, _kind: Kind) -> Vec<String> {
        let terms: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| format!("\"{word}\""))
            .collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let expression = terms.join(" OR ");
        let Ok(mut statement) = self.connection.prepare_cached(
            "SELECT id FROM articles WHERE articles MATCH ?1 ORDER BY bm25(articles) LIMIT 10",
        ) else {
            return Vec::new();
        };
        statement
            .query_map([expression], |row| row.get::<_, String>(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }
}

/// Meilisearch with its defaults (title and body searchable), started from
/// `MEILI_BIN` on a free port and fed the collection over its HTTP API.
struct Meilisearch {
    child: Child,
    port: u16,
}

impl Meilisearch {
    fn start(binary: &Path, workspace: &Path, articles: &[Article]) -> Result<Meilisearch, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| error.to_string())?
            .port();
        let child = Command::new(binary)
            .arg("--db-path")
            .arg(workspace.join("meili"))
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--no-analytics")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", binary.display()))?;
        let meilisearch = Meilisearch { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while meilisearch.request("GET", "/health", None).is_err() {
            if Instant::now() > deadline {
                return Err("meilisearch did not answer /health within 30 s".to_string());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        meilisearch.request(
            "PUT",
            "/indexes/articles/settings/searchable-attributes",
            Some(r#"["title","body"]"#.as_bytes()),
        )?;
        let mut last_task = None;
        for chunk in articles.chunks(5_000) {
            let documents: Vec<serde_json::Value> = chunk
                .iter()
                .map(|article| {
                    serde_json::json!({
                        "key": hex_id(&article.id),
                        "id": article.id,
                        "title": article.title,
                        "body": article.body,
                    })
                })
                .collect();
            let body = serde_json::to_vec(&documents).map_err(|error| error.to_string())?;
            let answer = meilisearch.request(
                "POST",
                "/indexes/articles/documents?primaryKey=key",
                Some(&body),
            )?;
            last_task = answer["taskUid"].as_u64();
        }
        if let Some(task) = last_task {
            let deadline = Instant::now() + Duration::from_secs(1_200);
            loop {
                let status = meilisearch.request("GET", &format!("/tasks/{task}"), None)?;
                match status["status"].as_str() {
                    Some("succeeded") => break,
                    Some("failed") => return Err(format!("indexing failed: {status}")),
                    _ if Instant::now() > deadline => {
                        return Err("meilisearch indexing took over 20 minutes".to_string());
                    }
                    _ => std::thread::sleep(Duration::from_millis(500)),
                }
            }
        }
        Ok(meilisearch)
    }

    /// One HTTP/1.1 request over loopback, answered as JSON (`Connection:
    /// close`): the bench needs no client library for four calls.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<serde_json::Value, String> {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port))
            .map_err(|error| error.to_string())?;
        let body = body.unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .map_err(|error| error.to_string())?;
        stream.write_all(body).map_err(|error| error.to_string())?;
        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader
            .read_line(&mut status_line)
            .map_err(|error| error.to_string())?;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .map_err(|error| error.to_string())?;
            if line.trim().is_empty() {
                break;
            }
            if line
                .to_ascii_lowercase()
                .starts_with("transfer-encoding: chunked")
            {
                chunked = true;
            }
        }
        let mut raw = Vec::new();
        reader
            .read_to_end(&mut raw)
            .map_err(|error| error.to_string())?;
        let payload = if chunked { dechunk(&raw) } else { raw };
        if !status_line.contains(" 2") {
            return Err(format!(
                "{method} {path}: {} {}",
                status_line.trim(),
                String::from_utf8_lossy(&payload)
            ));
        }
        Ok(serde_json::from_slice(&payload).unwrap_or_default())
    }
}

fn dechunk(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(line_end) = rest.windows(2).position(|window| window == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&rest[start..(start + size).min(rest.len())]);
        rest = &rest[(start + size + 2).min(rest.len())..];
    }
    out
}

/// Meilisearch's primary keys allow only `[A-Za-z0-9_-]`.
fn hex_id(id: &str) -> String {
    id.bytes().map(|byte| format!("{byte:02x}")).collect()
}

impl Engine for Meilisearch {
    fn name(&self) -> String {
        "Meilisearch (defaults)".to_string()
    }

    fn search(&mut self, text: &str, _kind: Kind) -> Vec<String> {
        let body = serde_json::json!({ "q": text, "limit": DEPTH, "attributesToRetrieve": ["id"] });
        let Ok(answer) = self.request(
            "POST",
            "/indexes/articles/search",
            Some(body.to_string().as_bytes()),
        ) else {
            return Vec::new();
        };
        hit_ids(&answer)
    }
}

/// The `id` of each of a JSON answer's `hits`, as newsdex and Meilisearch
/// both give them.
fn hit_ids(answer: &serde_json::Value) -> Vec<String> {
    answer["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|hit| hit["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Drop for Meilisearch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ------------------------------------------------------------------- figures

#[derive(Serialize)]
struct Row {
    engine: String,
    kind: Kind,
    queries: usize,
    /// MRR@10 for known items, nDCG@10 for the ad hoc kind.
    score: f64,
    success_at_1: f64,
    success_at_10: f64,
    zero_results: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn measure(engine: &mut dyn Engine, kind: Kind, queries: &[&Query]) -> Row {
    let mut score = 0.0;
    let mut at_1 = 0usize;
    let mut at_10 = 0usize;
    let mut zero = 0usize;
    let mut times = Vec::with_capacity(queries.len());
    for query in queries {
        let started = Instant::now();
        let hits = engine.search(&query.text, kind);
        times.push(started.elapsed());
        let hits = &hits[..hits.len().min(DEPTH)];
        if hits.is_empty() {
            zero += 1;
        }
        let first = hits.iter().position(|id| query.relevant.contains(id));
        if first == Some(0) {
            at_1 += 1;
        }
        if first.is_some() {
            at_10 += 1;
        }
        score += match kind {
            Kind::Topics => ndcg(hits, &query.relevant),
            _ => first.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0)),
        };
    }
    times.sort();
    let count = queries.len() as f64;
    let percentile = |share: f64| {
        let at = ((times.len() as f64 - 1.0) * share).round() as usize;
        times[at].as_secs_f64() * 1e3
    };
    Row {
        engine: engine.name(),
        kind,
        queries: queries.len(),
        score: score / count,
        success_at_1: at_1 as f64 / count,
        success_at_10: at_10 as f64 / count,
        zero_results: zero as f64 / count,
        p50_ms: percentile(0.5),
        p99_ms: percentile(0.99),
    }
}

/// nDCG@10 with binary gains.
fn ndcg(hits: &[String], relevant: &HashSet<String>) -> f64 {
    let gain = |rank: usize| 1.0 / (rank as f64 + 2.0).log2();
    let dcg: f64 = hits
        .iter()
        .enumerate()
        .filter(|(_, id)| relevant.contains(*id))
        .map(|(rank, _)| gain(rank))
        .sum();
    let ideal: f64 = (0..relevant.len().min(DEPTH)).map(gain).sum();
    if ideal == 0.0 { 0.0 } else { dcg / ideal }
}

#[derive(Serialize)]
struct Report {
    collection: String,
    sample_per_collection: usize,
    seed: u64,
    rows: Vec<Row>,
}

impl Report {
    fn markdown(&self) -> String {
        let mut out = format!(
            "#### Relevance: {}\n\nKnown items: {} articles sampled from each collection (seed {}), one query of each kind per article; ad hoc: Reuters topics with 10 articles or more. `score` is MRR@10 for known items and nDCG@10 for the ad hoc kind; latency is per query as the engine is called (newsdex through its HTTP router, in process).\n\n",
            self.collection, self.sample_per_collection, self.seed
        );
        out.push_str("| query kind | engine | queries | score | success@1 | success@10 | zero results | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|---|\n");
        for kind in Kind::ALL {
            for row in self.rows.iter().filter(|row| row.kind == kind) {
                out.push_str(&format!(
                    "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
                    kind.label(),
                    row.engine,
                    row.queries,
                    row.score,
                    row.success_at_1,
                    row.success_at_10,
                    row.zero_results,
                    row.p50_ms,
                    row.p99_ms
                ));
            }
        }
        out
    }
}
