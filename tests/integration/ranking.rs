//! Searches of words find their best hits without scoring every match
//! (`query::maxscore`); on real news they must rank, count and aggregate
//! exactly as the search that scores every match. A clause excluding a word
//! no article holds sends a query down that path without changing a score.

use newsdex::index::{NewsIndex, WriterOptions};
use newsdex::ingest::{ReadOptions, read_inputs};
use newsdex::query::histogram::Interval;
use newsdex::query::{SearchRequest, SearchResponse, Sort, search};

use crate::support::{fixture_index, shared_path};

/// The same query, searched by scoring every match.
fn exhaustive(request: &SearchRequest) -> SearchRequest {
    SearchRequest {
        q: format!("({}) -qqqzzzx", request.q),
        ..request.clone()
    }
}

/// BBC News in two segments (a commit after 1,100 articles), with every
/// 97th article deleted after the last commit.
fn bbc_index() -> Option<(NewsIndex, Vec<String>)> {
    let root = shared_path("corpus/bbc-news")?;
    let inputs = ["business", "entertainment", "politics", "sport", "tech"]
        .iter()
        .map(|category| root.join(category))
        .collect::<Vec<_>>();
    let index = NewsIndex::create_in_ram().expect("index");
    let mut writer = index.writer(WriterOptions::default()).expect("writer");
    let options = ReadOptions::default();
    let mut titles = Vec::new();
    let mut deleted = Vec::new();
    for (number, record) in read_inputs(&inputs, &options).enumerate() {
        let article = record.expect("reads").article;
        titles.push(article.title.clone());
        writer.upsert(&article).expect("indexes");
        if number == 1_099 {
            writer.commit().expect("commits");
        }
        if number % 97 == 0 {
            deleted.push(article.id.clone());
        }
    }
    writer.commit().expect("commits");
    for id in &deleted {
        writer.delete(id).expect("deletes");
    }
    writer.finish().expect("commits");
    Some((index, titles))
}

/// Words of the titles, every few, so that they run from rare to common.
fn title_words(titles: &[String]) -> Vec<String> {
    let mut words: Vec<String> = titles
        .iter()
        .flat_map(|title| title.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| word.len() >= 3)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words.into_iter().step_by(41).collect()
}

fn run(index: &NewsIndex, request: &SearchRequest) -> SearchResponse {
    search(index, request).expect("searches")
}

/// The same hits, in the same order, with the same scores and total.
fn assert_same_ranking(q: &str, pruned: &SearchResponse, exhaustive: &SearchResponse) {
    assert_eq!(pruned.total, exhaustive.total, "total of {q:?}");
    let ids = |response: &SearchResponse| -> Vec<String> {
        response.hits.iter().map(|hit| hit.id.clone()).collect()
    };
    assert_eq!(ids(pruned), ids(exhaustive), "hits of {q:?}");
    for (pruned_hit, exhaustive_hit) in pruned.hits.iter().zip(&exhaustive.hits) {
        let (a, b) = (
            pruned_hit.score.unwrap_or_default(),
            exhaustive_hit.score.unwrap_or_default(),
        );
        assert!(
            (a - b).abs() <= 1e-4 * b.abs().max(1.0),
            "score of {q:?}: {a} vs {b}"
        );
    }
    // A cursor holds the last hit's key to the bit; a recency cursor then
    // the clock it ranked by (its last 16 hex digits), which two searches
    // a second apart read differently.
    let key = |cursor: &Option<String>| -> Option<String> {
        cursor.as_ref().map(|cursor| match cursor.len() {
            50 => cursor[..34].to_string(),
            _ => cursor.clone(),
        })
    };
    assert_eq!(
        key(&pruned.next_cursor),
        key(&exhaustive.next_cursor),
        "cursor of {q:?}"
    );
}

#[test]
fn words_rank_as_when_every_match_is_scored() {
    let Some((index, titles)) = bbc_index() else {
        eprintln!("skipped: ../shared/corpus/bbc-news is absent");
        return;
    };
    assert!(index.searcher().segment_readers().len() > 1);
    let words = title_words(&titles);
    assert!(words.len() > 60, "{} words", words.len());
    let mut queries: Vec<String> = words.clone();
    for pair in words.windows(2).step_by(3) {
        queries.push(format!("{} {}", pair[0], pair[1]));
        queries.push(format!("{} OR {}", pair[0], pair[1]));
    }
    // Common words with rare ones, where pruning skips the most.
    for rare in words.iter().step_by(7) {
        queries.push(format!("said {rare}"));
        queries.push(format!("year OR {rare}"));
        queries.push(format!("government people {rare}"));
    }
    let mut pruned_matches = 0;
    for q in &queries {
        // Few hits kept per match make the search skip the most.
        for (sort, offset, limit) in [
            (Sort::Relevance, 0, 1),
            (Sort::Relevance, 0, 10),
            (Sort::Relevance, 10, 10),
            (Sort::Recency, 0, 3),
        ] {
            let request = SearchRequest {
                q: q.clone(),
                sort,
                offset,
                limit,
                highlight: false,
                ..SearchRequest::default()
            };
            let pruned = run(&index, &request);
            assert_same_ranking(q, &pruned, &run(&index, &exhaustive(&request)));
            pruned_matches += pruned.total;
            // The next page, by cursor, continues alike.
            if let Some(cursor) = pruned.next_cursor.clone() {
                let next = SearchRequest {
                    cursor: Some(cursor),
                    offset: 0,
                    ..request.clone()
                };
                assert_same_ranking(q, &run(&index, &next), &run(&index, &exhaustive(&next)));
            }
            // With a histogram to count, hits are still found apart.
            let counted = SearchRequest {
                histogram: Some(Interval::Month),
                ..request.clone()
            };
            assert_same_ranking(q, &run(&index, &counted), &pruned);
        }
    }
    assert!(pruned_matches > 10_000, "{pruned_matches} matches in all");
}

/// Every 17th word of four letters or more of the fixture articles.
fn fixture_words() -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for record in read_inputs(&["fixtures/articles".into()], &ReadOptions::default()) {
        let article = record.expect("reads").article;
        words.extend(
            format!("{} {}", article.title, article.body)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|word| word.len() > 3)
                .map(str::to_lowercase)
                .step_by(17),
        );
    }
    words.sort();
    words.dedup();
    assert!(words.len() > 20, "{words:?}");
    words
}

#[test]
fn facets_and_histograms_count_as_when_every_match_is_scored() {
    let dir = fixture_index();
    let index = NewsIndex::open(dir.path()).expect("opens");
    let words = fixture_words();
    let facets: Vec<String> = ["tag", "section", "author", "person", "org", "location"]
        .map(String::from)
        .to_vec();
    let mut aggregated = 0;
    for pair in words.windows(2) {
        for q in [pair[0].clone(), format!("{} OR {}", pair[0], pair[1])] {
            let request = SearchRequest {
                q: q.clone(),
                limit: 3,
                facets: facets.clone(),
                histogram: Some(Interval::Day),
                highlight: false,
                ..SearchRequest::default()
            };
            let pruned = run(&index, &request);
            let exhaustive = run(&index, &exhaustive(&request));
            assert_same_ranking(&q, &pruned, &exhaustive);
            assert_eq!(pruned.facets, exhaustive.facets, "facets of {q:?}");
            assert_eq!(pruned.histogram, exhaustive.histogram, "histogram of {q:?}");
            aggregated += pruned.facets.values().map(Vec::len).sum::<usize>();
        }
    }
    assert!(aggregated > 100, "{aggregated} facet values in all");
}

/// Recency ranking rules out matches before weighing their age, by score
/// alone; a page of a few hits must be the head of the page that keeps
/// every match. The fixtures are dated 2024–2025, so with half-lives of
/// weeks their ages weigh unequally.
#[test]
fn recency_pages_are_the_head_of_the_ranking_of_every_match() {
    let dir = fixture_index();
    let index = NewsIndex::open(dir.path()).expect("opens");
    let mut queries = vec!["*".to_string()];
    for pair in fixture_words().windows(2).step_by(2) {
        queries.push(format!("{} OR {}", pair[0], pair[1]));
    }
    let mut compared = 0;
    for q in &queries {
        for half_life in ["2w", "26w", "520w"] {
            let every = SearchRequest {
                q: q.clone(),
                sort: Sort::Recency,
                half_life: Some(half_life.to_string()),
                limit: 100,
                highlight: false,
                ..SearchRequest::default()
            };
            let all = run(&index, &every);
            assert!(all.total <= 100);
            let ids = |response: &SearchResponse| -> Vec<String> {
                response.hits.iter().map(|hit| hit.id.clone()).collect()
            };
            for limit in [1, 2, 3] {
                let page = run(
                    &index,
                    &SearchRequest {
                        limit,
                        ..every.clone()
                    },
                );
                let head: Vec<String> = ids(&all).into_iter().take(limit).collect();
                assert_eq!(
                    ids(&page),
                    head,
                    "{q:?}, half-life {half_life}, limit {limit}"
                );
                compared += page.hits.len();
            }
        }
    }
    assert!(compared > 100, "{compared} hits compared");
}
