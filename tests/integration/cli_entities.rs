//! `newsdex entities`: the people, organisations and places of the seed
//! page, of plain text and of the fixtures, as JSON.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{newsdex, project_dir, shared_path};

fn entities_of(args: &[&str], stdin: Option<&str>) -> Vec<Value> {
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let mut command = newsdex(scratch.path());
    command.arg("entities").args(args);
    if let Some(input) = stdin {
        command.write_stdin(input);
    }
    let output = command.output().expect("newsdex runs");
    assert!(
        output.status.success(),
        "entities {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// `(type, name)` of every entity of one output line.
fn names(line: &Value) -> BTreeSet<(String, String)> {
    line["entities"]
        .as_array()
        .expect("an entities array")
        .iter()
        .map(|entity| {
            (
                entity["type"].as_str().unwrap_or_default().to_string(),
                entity["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_seed_page_names_its_people_organisations_and_places() {
    let Some(seed) = shared_path("seeds/000_607d013090928df1.txt") else {
        return;
    };
    let lines = entities_of(&[seed.to_str().expect("utf-8 path")], None);
    assert_eq!(lines.len(), 1);
    let found = names(&lines[0]);
    let has = |kind: &str, name: &str| found.contains(&(kind.to_string(), name.to_string()));
    for person in [
        "Mark Rutte",
        "Donald Tusk",
        "Emmanuel Macron",
        "Marco Rubio",
        "Mike Waltz",
        "Steve Witkoff",
        "Sergey Lavrov",
        "Yuri Ushakov",
        "Keith Kellogg",
    ] {
        assert!(has("person", person), "{person} missing from {found:?}");
    }
    assert!(has("org", "NATO"), "NATO missing from {found:?}");
    for place in [
        "Ukraine", "Russia", "Europe", "Paris", "Warsaw", "Poland", "Brussels", "Kyiv",
    ] {
        assert!(has("location", place), "{place} missing from {found:?}");
    }
    // The photo credit "(Jakub Porzycki/NurPhoto via Getty Images)" and the
    // byline are not the story's entities; "Rutte" alone is Mark Rutte.
    for (_, name) in &found {
        for outsider in ["Porzycki", "NurPhoto", "Getty", "Hodunova"] {
            assert!(
                !name.contains(outsider),
                "{name} comes from the credit or byline"
            );
        }
    }
    assert!(!has("person", "Rutte"));

    // The whole list, golden: NEWSDEX_UPDATE_GOLDEN=1 rewrites it.
    let expected_path = project_dir().join("fixtures/ner/seed-page.entities.expected");
    let actual: Vec<String> = found
        .iter()
        .map(|(kind, name)| format!("{kind}\t{name}"))
        .collect();
    let actual = actual.join("\n") + "\n";
    if std::env::var_os("NEWSDEX_UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &actual).expect("expectation is writable");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .expect("fixtures/ner/seed-page.entities.expected exists");
    crate::support::assert_same_text(&expected, &actual, "entities of the seed page");
}

#[test]
fn plain_text_mentions_point_at_their_bytes() {
    let text = "NATO Secretary General Mark Rutte met Polish Prime Minister Donald \u{201C}Tusk\u{201D} in Warsaw.\n\
                Rutte's remarks came after the meeting, Reuters reported from Brussels.";
    let lines = entities_of(&["--text", "-"], Some(text));
    let entities = lines[0]["entities"].as_array().expect("entities");
    let rutte = entities
        .iter()
        .find(|entity| entity["name"] == "Mark Rutte")
        .expect("Mark Rutte is found");
    assert_eq!(rutte["type"], "person");
    let mentions = rutte["mentions"].as_array().expect("mentions");
    assert_eq!(mentions.len(), 2, "the surname is linked to the full name");
    for mention in entities
        .iter()
        .flat_map(|e| e["mentions"].as_array().expect("mentions"))
    {
        let start = mention["start"].as_u64().expect("start") as usize;
        let end = mention["end"].as_u64().expect("end") as usize;
        assert_eq!(mention["field"], "text");
        assert_eq!(&text[start..end], mention["text"].as_str().expect("text"));
    }
    let found = names(&lines[0]);
    assert!(found.contains(&("org".into(), "NATO".into())), "{found:?}");
    assert!(
        found.contains(&("location".into(), "Warsaw".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("location".into(), "Brussels".into())),
        "{found:?}"
    );
}

#[test]
fn empty_text_has_no_entities() {
    let lines = entities_of(&["--text", "-"], Some(""));
    assert_eq!(lines[0]["entities"], serde_json::json!([]));
}

#[test]
fn articles_are_read_in_any_format_and_other_languages_give_none() {
    let lines = entities_of(&["fixtures/articles/json/newsdex.json"], None);
    let geneva = lines
        .iter()
        .find(|line| line["title"] == "Ceasefire talks resume in Geneva with new mediators")
        .expect("the Geneva article");
    let found = names(geneva);
    assert!(
        found.contains(&("location".into(), "Geneva".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("person".into(), "Ignazio Cassis".into())),
        "{found:?}"
    );
    // The English model is not run on the French article.
    let french = lines
        .iter()
        .find(|line| {
            line["title"]
                .as_str()
                .is_some_and(|title| title.starts_with("Les élections"))
        })
        .expect("the French article");
    assert_eq!(french["entities"], serde_json::json!([]));
}

#[test]
fn a_bad_record_is_reported_and_the_others_still_print() {
    let scratch = tempfile::TempDir::new().expect("temp dir");
    let output = newsdex(scratch.path())
        .args(["entities", "fixtures/invalid/mixed.ndjson"])
        .output()
        .expect("newsdex runs");
    assert_eq!(output.status.code(), Some(3), "rejected records exit 3");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mixed.ndjson:"), "{stderr}");
    assert!(!output.stdout.is_empty(), "the good records still print");
}

#[test]
fn output_closed_early_ends_quietly_without_a_panic() {
    use std::io::Read;
    let Some(bbc) = shared_path("corpus/bbc-news") else {
        return;
    };
    let scratch = tempfile::TempDir::new().expect("temp dir");
    // Megabytes of output, read a little of like `| head` does.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(scratch.path())
        .arg("entities")
        .arg(&bbc)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("newsdex starts");
    let mut start = [0u8; 64];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut start)
        .expect("some output");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is text");
    let status = child.wait().expect("newsdex ends");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(status.code(), Some(101), "{stderr}");
}

/// Headlines in title case, as many web outlets write them, are read as
/// sentences: on the FakeNewsCorpus sample's 250 articles, names of four
/// words or more found only in a headline were strings of its capitals
/// ("HHS Secretary Nominee Alex Azar After Defeating Democrat Filibuster");
/// 47 of them before title case was read, 9 since.
#[test]
fn a_headline_in_title_case_is_not_a_string_of_names() {
    let Some(csv) = shared_path("corpus/fakenewscorpus-sample/news_sample.csv") else {
        return;
    };
    let csv = csv.to_string_lossy().into_owned();
    let lines = entities_of(&[csv.as_str()], None);
    assert_eq!(lines.len(), 250);
    let mut long_headline_only = Vec::new();
    for line in &lines {
        for entity in line["entities"].as_array().expect("entities") {
            let mentions = entity["mentions"].as_array().expect("mentions");
            let headline_only = mentions.iter().all(|mention| mention["field"] == "title");
            let name = entity["name"].as_str().unwrap_or_default();
            if headline_only && name.split_whitespace().count() >= 4 {
                long_headline_only.push(name.to_string());
            }
        }
    }
    assert!(
        long_headline_only.len() <= 15,
        "{} names of four words or more only in headlines: {long_headline_only:?}",
        long_headline_only.len()
    );
    let by_title = |start: &str| {
        lines
            .iter()
            .find(|line| line["title"].as_str().is_some_and(|t| t.starts_with(start)))
            .map(names)
            .unwrap_or_else(|| panic!("a headline starting {start:?}"))
    };
    let palau = by_title("Luis Palau Diagnosed With Stage 4 Lung Cancer");
    assert!(
        palau.contains(&("person".to_string(), "Luis Palau".to_string())),
        "{palau:?}"
    );
    assert!(
        !palau.iter().any(|(_, name)| name.contains("Cancer")),
        "{palau:?}"
    );
    let azar = by_title("Senate Confirms Pro-Life HHS Secretary Nominee Alex Azar");
    assert!(
        azar.contains(&("person".to_string(), "Alex Azar".to_string())),
        "{azar:?}"
    );
    assert!(
        !azar
            .iter()
            .any(|(_, name)| name.contains("Nominee") || name.contains("Filibuster")),
        "{azar:?}"
    );
}

/// A body line of capitals with commas is a list of names, not a title:
/// the tour dates of a page of the article-extraction benchmark ("June 17
/// -- Bridgestone Arena, Nashville, TN") keep their venues whole.
#[test]
fn a_list_of_venues_keeps_its_names() {
    let Some(page) = shared_path(
        "corpus/article-extraction-benchmark/html/9cb8224b660f36c932823ab613fb76a07928fcbc41956c4c1f96f4ecab9202aa.html.gz",
    ) else {
        return;
    };
    let page = page.to_string_lossy().into_owned();
    let lines = entities_of(&["--format", "html", page.as_str()], None);
    let found: BTreeSet<String> = names(&lines[0]).into_iter().map(|(_, name)| name).collect();
    for venue in [
        "Bridgestone Arena",
        "PNC Music Pavilion",
        "Jones Beach Theater",
        "Coral Sky Amphitheatre",
    ] {
        assert!(found.contains(venue), "{venue} in {found:?}");
    }
}
