//! HTML article pages: real pages of the article-extraction benchmark in
//! `../shared/corpus` (metadata, main text against the reference body,
//! captions apart), live blogs, detection, and the CLI over the folder.

use std::path::{Path, PathBuf};

use newsdex::ingest::{ReadOptions, read_file};
use predicates::prelude::*;

use crate::support::{newsdex, shared_path};

/// The benchmark page whose id starts with `prefix`.
fn benchmark_page(dir: &Path, prefix: &str) -> PathBuf {
    std::fs::read_dir(dir.join("html"))
        .expect("the benchmark's html folder is readable")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no benchmark page {prefix}…"))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

struct Expected {
    page: &'static str,
    title: &'static str,
    authors: &'static [&'static str],
    published: &'static str,
    section: &'static str,
    source: &'static str,
    captions: usize,
}

const PAGES: &[Expected] = &[
    Expected {
        page: "d0382c0d9573a0a7",
        title: "PG&E begins new mass power shutoff over fire danger",
        authors: &["JANIE HAR"],
        published: "2019-11-20T06:09:25+00:00",
        section: "US News",
        source: "Times Union",
        captions: 4,
    },
    Expected {
        page: "8634d1211c3f2b73",
        title: "Column: Gannett/GateHouse merger bodes ill for future of local news",
        authors: &["Michael Hiltzik"],
        published: "2019-11-20T01:53:14.418+00:00",
        section: "Business",
        source: "Los Angeles Times",
        captions: 1,
    },
    Expected {
        page: "16c30add7e96315e",
        title: "Delhi air pollution: The law that’s helping fuel the city’s poor air quality",
        authors: &["Umair Irfan"],
        published: "2019-11-08T15:30:00-05:00",
        section: "Science & Health",
        source: "Vox",
        captions: 7,
    },
    Expected {
        page: "264dc3ae31249cb1",
        title: "Zach Parise heating up, scores twice as Wild beat Sabres 4-1",
        authors: &["Bill Hoppe"],
        published: "2019-11-20T02:59:46+00:00",
        section: "Minnesota Wild",
        source: "Twin Cities",
        captions: 1,
    },
];

/// Title, authors, date, section and source from the page's metadata; the
/// main text opens and closes as the benchmark's reference body does; the
/// captions are kept apart, none of them left in the body.
#[test]
fn benchmark_pages_read_with_their_metadata_main_text_and_captions() {
    let Some(dir) = shared_path("corpus/article-extraction-benchmark") else {
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ground-truth.json")).expect("ground truth"),
    )
    .expect("ground truth is JSON");
    for expected in PAGES {
        let path = benchmark_page(&dir, expected.page);
        let results = read_file(&path, &ReadOptions::default());
        assert_eq!(results.len(), 1, "{}: one article", expected.page);
        let article = &results[0].as_ref().expect("the page reads").article;
        assert_eq!(article.title, expected.title);
        assert_eq!(article.authors, expected.authors, "{}", expected.page);
        assert_eq!(
            article.published_at.map(|t| t.to_rfc3339()).as_deref(),
            Some(expected.published),
            "{}",
            expected.page
        );
        assert_eq!(article.section.as_deref(), Some(expected.section));
        assert_eq!(article.source.as_deref(), Some(expected.source));
        assert_eq!(article.language.as_deref(), Some("en"));
        assert!(
            article
                .url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
            "{}: canonical URL",
            expected.page
        );

        let id = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".html.gz"))
            .expect("page id");
        let reference = words(truth[id]["articleBody"].as_str().expect("reference body"));
        let body = words(&article.body);
        assert_eq!(body[..8], reference[..8], "{}: body start", expected.page);
        assert_eq!(
            body[body.len() - 8..],
            reference[reference.len() - 8..],
            "{}: body end",
            expected.page
        );
        assert_eq!(
            article.captions.len(),
            expected.captions,
            "{}",
            expected.page
        );
        for caption in &article.captions {
            let start: String = caption.text.chars().take(40).collect();
            assert!(
                !article.body.contains(&start),
                "{}: caption {start:?} left in the body",
                expected.page
            );
        }
    }
}

/// The page text format given an HTML page says which format reads it.
#[test]
fn html_read_as_page_text_is_refused_with_the_format_to_use() {
    let options = ReadOptions {
        format: Some(newsdex::ingest::Format::Page),
        ..ReadOptions::default()
    };
    let results = read_file(
        &crate::support::project_dir().join("fixtures/html/harbour-bridge.html"),
        &options,
    );
    let error = results[0].as_ref().expect_err("refused");
    assert!(error.to_string().contains("--format html"), "{error}");
}

/// A page with no telling name (standard input, a body) is known by its
/// markup and read as HTML, not as page text or a feed.
#[test]
fn html_without_a_name_is_sniffed() {
    let bytes =
        std::fs::read(crate::support::project_dir().join("fixtures/html/harbour-bridge.html"))
            .expect("fixture");
    let results = newsdex::ingest::read_bytes(&bytes, "<stdin>", &ReadOptions::default());
    let article = &results[0].as_ref().expect("reads").article;
    assert_eq!(
        article.title,
        "Harbour bridge reopens after six-month repair"
    );
    assert_eq!(article.source.as_deref(), Some("Example Courier"));
    assert_eq!(article.captions.len(), 1);
}

/// `newsdex index` on the benchmark's folder reads its 181 gzipped pages,
/// and finds them by their text.
#[test]
fn the_cli_indexes_a_folder_of_gzipped_pages() {
    let Some(dir) = shared_path("corpus/article-extraction-benchmark/html") else {
        return;
    };
    let scratch = tempfile::TempDir::new().expect("temp dir");
    newsdex(scratch.path())
        .arg("index")
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("indexed 181 (181 new"))
        .stderr(predicate::str::contains("rejected 0"));
    let output = newsdex(scratch.path())
        .args([
            "search",
            "Gannett GateHouse merger",
            "--json",
            "--limit",
            "1",
        ])
        .output()
        .expect("search runs");
    let response: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        response["hits"][0]["title"],
        "Column: Gannett/GateHouse merger bodes ill for future of local news"
    );
}

/// The site's furniture inside the story's container stays out of the body:
/// a list of links to other stories (Space.com), a newsletter box (NBC
/// News), pictures' captions set in spans (Daily Express) and a credit set
/// beside its caption (Los Angeles Times) go to the captions; the story's
/// own text keeps its last words.
#[test]
fn furniture_inside_the_story_is_left_out() {
    let Some(dir) = shared_path("corpus/article-extraction-benchmark") else {
        return;
    };
    let read = |prefix: &str| {
        let results = read_file(&benchmark_page(&dir, prefix), &ReadOptions::default());
        results
            .into_iter()
            .next()
            .and_then(Result::ok)
            .map(|read| read.article)
            .unwrap_or_else(|| panic!("{prefix} reads"))
    };
    let space = read("686bb170");
    assert!(
        !space
            .body
            .contains("Photos: Europa, Mysterious Icy Moon of Jupiter"),
        "related link left in the body"
    );
    assert!(space.body.contains("really lucky"), "story text kept");

    let nbc = read("7a457a4f");
    assert!(!nbc.body.contains("Breaking News Emails"), "{}", nbc.body);
    assert!(!nbc.body.contains("delivered weekday mornings"));

    let express = read("624fcd90");
    assert!(
        !express.body.contains("(Image: GETTY )"),
        "{}",
        express.body
    );
    let caption = express
        .captions
        .iter()
        .find(|caption| caption.text.starts_with("China has warned"))
        .expect("the span caption is a caption");
    assert_eq!(caption.credit.as_deref(), Some("(Image: GETTY )"));

    // Digg lists cards for other stories after its own, each an
    // `<article>` with a linked headline.
    let digg = read("680c2848");
    assert!(
        !digg.body.contains("Watching This Koala Get Rescued"),
        "{}",
        digg.body
    );
    assert!(!digg.body.contains("Death By Train"));
    assert!(
        digg.body.split_whitespace().count() > 1000,
        "story text kept"
    );

    // The Hill's names open a card on hover (a picture, the name again,
    // links to other stories) inside the sentence: the card goes, the
    // name stays.
    let hill = read("6ebac05f");
    assert!(
        hill.body
            .contains("threatened to kill Rep. Ilhan Omar (D-Minn.)"),
        "{}",
        hill.body
    );
    assert!(!hill.body.contains("Hillicon Valley"), "{}", hill.body);
    assert!(!hill.body.contains("Ilhan OmarIlhan Omar"));

    // A Hearst paper's gallery: each caption's template indentation made
    // it look longer than a caption, so it stayed in the body, and it
    // sets a shortened copy and "more"/"less" toggles beside the caption.
    let gallery = read("05844573");
    assert!(
        !gallery.body.contains("Andreas Thurner"),
        "{}",
        gallery.body
    );
    assert!(gallery.body.contains("futuristic electric station wagon"));
    let caption = gallery
        .captions
        .iter()
        .find(|caption| caption.text.starts_with("Karma Automotive Andreas Thurner"))
        .expect("the gallery's caption is a caption");
    assert!(caption.text.ends_with("Nov. 19, 2019."), "{}", caption.text);
    assert_eq!(caption.text.matches("Andreas Thurner").count(), 1);
    assert_eq!(
        caption.credit.as_deref(),
        Some("Photo: Damian Dovarganes, AP")
    );
    assert!(
        gallery
            .captions
            .iter()
            .all(|caption| !["less", "... more"].contains(&caption.text.as_str())),
        "{:?}",
        gallery.captions
    );

    let times = read("8634d1211c3f2b73");
    assert_eq!(times.captions.len(), 1, "advert labels are no captions");
    assert_eq!(
        times.captions[0].credit.as_deref(),
        Some("(Jacquelyn Martin / Associated Press)")
    );
}
