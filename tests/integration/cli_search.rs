//! `newsdex search`: every kind of query, filter, facet, sort and page.

use predicates::prelude::*;

use crate::support::{
    FIXTURE_ARTICLES, fixture_index, index_fixtures, newsdex, search_json, titles,
};

#[test]
fn terms_phrases_and_booleans() {
    let dir = fixture_index();
    let index = dir.path();
    let ceasefire = search_json(index, &["ceasefire"]);
    assert_eq!(ceasefire["total"], 2);
    assert_eq!(
        titles(&ceasefire)[0],
        "Ceasefire talks resume in Geneva with new mediators",
        "the title match ranks first"
    );
    // Stemming: "rate" finds "rates".
    let rates = titles(&search_json(index, &["rate"]));
    assert_eq!(rates.len(), 2);
    assert!(rates.contains(&"Central bank holds interest rates steady".to_string()));
    assert_eq!(search_json(index, &["\"interest rates\""])["total"], 1);
    assert_eq!(search_json(index, &["\"rates interest\""])["total"], 0);
    assert_eq!(search_json(index, &["ceasefire AND geneva"])["total"], 2);
    assert_eq!(search_json(index, &["ceasefire -briefing"])["total"], 1);
    assert_eq!(search_json(index, &["ceasefire NOT mediators"])["total"], 1);
    assert_eq!(search_json(index, &["wildfires OR telescope"])["total"], 2);
    assert_eq!(
        search_json(index, &["(wildfires OR telescope) AND galaxies"])["total"],
        1
    );
    assert_eq!(search_json(index, &["wildf*"])["total"], 1);
}

#[test]
fn field_queries() {
    let dir = fixture_index();
    let index = dir.path();
    assert_eq!(
        titles(&search_json(index, &["title:marathon"])),
        ["Marathon record falls in Valencia"]
    );
    assert_eq!(search_json(index, &["body:substation"])["total"], 1);
    assert_eq!(search_json(index, &["tag:wildfires"])["total"], 1);
    assert_eq!(search_json(index, &["section:business"])["total"], 2);
    assert_eq!(search_json(index, &["author:\"Maria Santos\""])["total"], 1);
    assert_eq!(search_json(index, &["source:wire"])["total"], 2);
    assert_eq!(search_json(index, &["lang:de"])["total"], 1);
    assert_eq!(search_json(index, &["published_at:2025-01"])["total"], 3);
    // Each language is stemmed by its own rules: French "élection" finds
    // "élections", German "Zins" finds "Zinsen".
    assert_eq!(search_json(index, &["élection"])["total"], 1);
    assert_eq!(search_json(index, &["leitzins"])["total"], 1);
}

#[test]
fn filters_and_date_ranges() {
    let dir = fixture_index();
    let index = dir.path();
    assert_eq!(search_json(index, &["--tag", "energy"])["total"], 2);
    assert_eq!(
        search_json(index, &["--tag", "energy", "--tag", "climate"])["total"],
        3
    );
    assert_eq!(
        search_json(index, &["--tag", "energy", "--section", "business"])["total"],
        1
    );
    assert_eq!(
        search_json(index, &["--author", "Olena Marchenko"])["total"],
        1
    );
    assert_eq!(
        search_json(index, &["--source", "Example Wire"])["total"],
        2
    );
    assert_eq!(search_json(index, &["--lang", "fr"])["total"], 1);
    // Words looked for in the titles alone.
    let everywhere = search_json(index, &["geneva"])["total"]
        .as_u64()
        .unwrap_or(0);
    let titles = search_json(index, &["geneva", "--in", "title"])["total"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        titles >= 1 && titles < everywhere,
        "{titles} of {everywhere}"
    );
    // Any facet or alias the catalogue declares, through --filter.
    assert_eq!(search_json(index, &["--filter", "lang=fr"])["total"], 1);
    assert_eq!(
        search_json(
            index,
            &["--filter", "tags=energy", "--filter", "tag=climate"]
        )["total"],
        3
    );
    assert_eq!(
        search_json(index, &["--filter", "publication=Example Wire"])["total"],
        2
    );
    assert_eq!(
        search_json(index, &["--from", "2025-01-01", "--to", "2025-01-31"])["total"],
        3
    );
    assert_eq!(
        search_json(
            index,
            &["--from", "2025-02-14T06:00:00Z", "--to", "2025-02-14"]
        )["total"],
        1
    );
}

#[test]
fn facets_count_values_and_ignore_their_own_filter() {
    let dir = fixture_index();
    let response = search_json(
        dir.path(),
        &["", "--facets", "tag,section", "--tag", "energy"],
    );
    assert_eq!(response["total"], 2);
    let sections = response["facets"]["section"]
        .as_array()
        .expect("section facet");
    assert_eq!(
        sections.len(),
        2,
        "only the filtered articles count: {sections:?}"
    );
    assert!(sections.iter().all(|value| value["count"] == 1));
    let tags = response["facets"]["tag"].as_array().expect("tag facet");
    let energy = tags
        .iter()
        .find(|value| value["value"] == "Energy")
        .expect("energy");
    assert_eq!(energy["count"], 2);
    assert!(
        tags.len() > 5,
        "the tag facet ignores the tag filter: {tags:?}"
    );
}

#[test]
fn sorting_and_paging() {
    let dir = fixture_index();
    let index = dir.path();
    let newest = titles(&search_json(index, &["--sort", "newest", "--limit", "3"]));
    assert_eq!(
        newest[0],
        "Kyiv restores power after overnight strike on energy grid"
    );
    let oldest = search_json(index, &["--sort", "oldest", "--limit", "2"]);
    assert_eq!(
        titles(&oldest)[0],
        "Wildfires force evacuations along the coast"
    );
    let page_two = titles(&search_json(
        index,
        &["--sort", "newest", "--limit", "2", "--offset", "1"],
    ));
    assert_eq!(page_two[0], newest[1]);
    assert_eq!(page_two[1], newest[2]);
    assert!(search_json(index, &["--sort", "oldest"])["hits"][0]["score"].is_null());
}

#[test]
fn json_output_has_the_api_shape_with_highlights() {
    let dir = fixture_index();
    let response = search_json(dir.path(), &["wildfires"]);
    assert_eq!(response["total_exact"], true);
    assert!(response["took_ms"].is_u64());
    let hit = &response["hits"][0];
    for key in [
        "id",
        "score",
        "title",
        "url",
        "source",
        "published_at",
        "authors",
        "tags",
    ] {
        assert!(!hit[key].is_null(), "hit lacks {key}");
    }
    assert_eq!(
        hit["highlights"]["title"],
        "<mark>Wildfires</mark> force evacuations along the coast"
    );
    assert!(
        hit["highlights"]["body"]
            .as_str()
            .expect("snippet")
            .contains("4,000 hectares &amp; was")
    );
}

#[test]
fn hits_show_the_stored_article_fields() {
    let dir = fixture_index();
    let response = search_json(dir.path(), &["*", "--limit", "100"]);
    let hits = response["hits"].as_array().expect("hits");
    assert_eq!(hits.len() as u64, FIXTURE_ARTICLES);
    let mut with_entities = 0;
    for hit in hits {
        let id = hit["id"].as_str().expect("id");
        let output = newsdex(dir.path())
            .args(["get", id])
            .output()
            .expect("runs");
        let article: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        for field in [
            "title",
            "url",
            "source",
            "section",
            "language",
            "published_at",
            "authors",
            "tags",
            "entities",
        ] {
            assert_eq!(hit[field], article[field], "{id}: {field}");
        }
        with_entities += usize::from(
            article["entities"]
                .as_array()
                .is_some_and(|e| !e.is_empty()),
        );
    }
    assert!(with_entities > 5, "{with_entities} hits with entities");
}

#[test]
fn readable_output_and_empty_results() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["search", "marathon"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 result"))
        .stdout(predicate::str::contains(
            "Marathon record falls in Valencia",
        ))
        .stdout(predicate::str::contains(
            "Example Sport · 2024-12-01 12:45 · Luis Ortega",
        ));
    newsdex(dir.path())
        .args(["search", "zeppelin"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("0 results"));
}

#[test]
fn syntax_errors_point_at_the_column() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["search", "--strict", "ceasefire AND (geneva"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "invalid query: `(` is never closed (at column 15)",
        ))
        .stderr(predicate::str::contains(
            "  ceasefire AND (geneva\n                ^",
        ));
    newsdex(dir.path())
        .args(["search", "--strict", "colour:red"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown field `colour`"));
    newsdex(dir.path())
        .args(["search", "x", "--facets", "colour"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown facet field `colour`"));
    newsdex(dir.path())
        .args(["search", "x", "--filter", "colour=red"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown facet field `colour`"));
    newsdex(dir.path())
        .args(["search", "x", "--filter", "red"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--filter takes NAME=VALUE"));
    newsdex(dir.path())
        .args(["search", "x", "--from", "soon"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid `from` date \"soon\""));
}

#[test]
fn people_organisations_and_places_found_in_the_text_are_searchable_and_counted() {
    let dir = fixture_index();
    let index = dir.path();
    // Named only in the body of the Kyiv live blog, never in its metadata.
    let klitschko = search_json(index, &["", "--person", "Vitali Klitschko"]);
    assert_eq!(
        titles(&klitschko),
        vec!["Kyiv restores power after overnight strike on energy grid"]
    );
    assert_eq!(
        search_json(index, &["person:\"Vitali Klitschko\""])["total"],
        1
    );
    assert_eq!(search_json(index, &["person:klitschko"])["total"], 1);
    // Geneva is given as an entity by one article and found in the text of
    // the briefing by the extractor.
    assert_eq!(
        search_json(index, &["", "--location", "Geneva"])["total"],
        2
    );
    let eu = search_json(index, &["gas", "--org", "European Commission"]);
    assert_eq!(
        titles(&eu),
        vec!["EU gas storage falls below 90 percent as cold snap arrives"]
    );
    let facets = search_json(index, &["", "--facets", "person,org,location"]);
    let counted = |field: &str, value: &str| {
        facets["facets"][field]
            .as_array()
            .and_then(|values| values.iter().find(|v| v["value"] == value))
            .map(|v| v["count"].clone())
    };
    assert_eq!(counted("location", "Geneva"), Some(2.into()));
    assert_eq!(counted("person", "Vitali Klitschko"), Some(1.into()));
    assert_eq!(counted("org", "European Commission"), Some(1.into()));
    assert_eq!(
        search_json(index, &["", "--person", "Nobody Known"])["total"],
        0
    );
}

#[test]
fn no_entities_indexes_only_the_entities_the_input_gives() {
    let dir = index_fixtures(&["--no-entities"]);
    let index = dir.path();
    assert_eq!(
        search_json(index, &["", "--location", "Geneva"])["total"],
        1
    );
    assert_eq!(
        search_json(index, &["", "--person", "Vitali Klitschko"])["total"],
        0
    );
}

#[test]
fn a_field_no_article_fills_matches_nothing() {
    // Without extraction no article of the fixtures has a `misc` entity:
    // a query on that field must match nothing, alone or beside a word
    // that matches, rather than constrain nothing.
    let dir = index_fixtures(&["--no-entities"]);
    let index = dir.path();
    assert!(search_json(index, &["ceasefire"])["total"].as_u64() > Some(0));
    assert_eq!(search_json(index, &["misc:ceasefire"])["total"], 0);
    assert_eq!(
        search_json(index, &["ceasefire misc:ceasefire"])["total"],
        0
    );
}

/// The histogram is part of the readable output, not only of `--json`.
#[test]
fn the_histogram_prints_as_bars() {
    let dir = fixture_index();
    let output = newsdex(dir.path())
        .args(["search", "--histogram", "month", "--limit", "0"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let response = search_json(dir.path(), &["--histogram", "month", "--limit", "0"]);
    let buckets = response["histogram"].as_array().expect("a histogram");
    assert_eq!(response["histogram_interval"], "month");
    assert!(text.contains("published per month:"), "{text}");
    // One line per bucket, with its month and its count.
    for bucket in buckets {
        let month = &bucket["start"].as_str().expect("a start")[..7];
        let count = bucket["count"].as_u64().expect("a count");
        assert!(
            text.lines().any(|line| line.trim_start().starts_with(month)
                && line.split_whitespace().nth(1) == Some(&count.to_string())),
            "{month} {count} in\n{text}"
        );
    }
}

/// A parameter out of range names the parameter and the way out; it is not
/// an "invalid query".
#[test]
fn parameters_out_of_range_are_named_as_such() {
    let dir = fixture_index();
    newsdex(dir.path())
        .args(["search", "harbour", "--limit", "200"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("limit must be between 0"))
        .stderr(predicate::str::contains("invalid query").not());
    newsdex(dir.path())
        .args(["search", "harbour", "--offset", "9995"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("next_cursor as cursor"))
        .stderr(predicate::str::contains("sort by date").not());
}
