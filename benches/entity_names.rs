//! How many entity names in an archive are another name written
//! differently: Reuters-21578 and BBC News from `../shared/corpus`, every
//! article through the shipped tagger as `newsdex index` runs it, and per
//! kind (person, organisation, place) the distinct names counted by what
//! makes them a variant of another name:
//!
//! - **case**: the same letters in other capitals (`BAKER` beside `Baker`);
//! - **alias**: a name the alias table maps to another name present
//!   (`U.S.` beside `United States`);
//! - **surname**: a one-word person name that is the last word of a fuller
//!   person name present (`Baker` beside `James Baker`);
//! - **shouted**: a name of two words or more in capitals (`FLUOR UNIT
//!   GETS`), which wire headlines give;
//! - **debris**: a name holding a bracket, or a corporate suffix alone
//!   (`Corp`, `Inc`).
//!
//! `cargo bench --bench entity_names` prints the table and writes it to
//! `docs/PERFORMANCE.md` (`support::publish`).

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};

use newsdex::ner::EntityExtractor;
use newsdex::{Article, EntityKind};
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
struct Counts {
    names: usize,
    case: usize,
    alias: usize,
    surname: usize,
    shouted: usize,
    debris: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    articles: usize,
    by_kind: BTreeMap<String, Counts>,
    examples: BTreeMap<String, Vec<String>>,
}

const CORPORATE_SUFFIXES: &[&str] = &[
    "corp", "corp.", "co", "co.", "inc", "inc.", "ltd", "ltd.", "plc", "llc", "ag", "sa", "nv",
];

fn is_shouted(name: &str) -> bool {
    name.split_whitespace().count() >= 2
        && name.chars().filter(|c| c.is_alphabetic()).count() >= 4
        && name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

fn is_debris(name: &str) -> bool {
    name.contains(['(', ')', '[', ']'])
        || CORPORATE_SUFFIXES.contains(&name.to_lowercase().as_str())
}

fn extract_all(articles: &[Article]) -> Vec<Vec<(EntityKind, String)>> {
    let Ok(extractor) = EntityExtractor::shipped() else {
        eprintln!("the shipped tagger does not load");
        return Vec::new();
    };
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let chunk = articles.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = articles
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|article| {
                            let mut article = article.clone();
                            extractor.annotate(&mut article);
                            article
                                .entities
                                .into_iter()
                                .map(|entity| (entity.kind, entity.name))
                                .collect::<Vec<_>>()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    })
}

fn main() {
    let (Some(reuters), Some(bbc)) = (support::reuters(), support::bbc()) else {
        return;
    };
    let articles: Vec<Article> = reuters.into_iter().chain(bbc).collect();
    let started = std::time::Instant::now();
    let entities = extract_all(&articles);
    eprintln!(
        "{} articles tagged in {:.1} s",
        articles.len(),
        started.elapsed().as_secs_f64()
    );
    let aliases = newsdex::ner::aliases::shipped();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for kind in [EntityKind::Person, EntityKind::Org, EntityKind::Location] {
        let mut frequency: HashMap<&str, usize> = HashMap::new();
        for (found, name) in entities.iter().flatten() {
            if *found == kind {
                *frequency.entry(name.as_str()).or_default() += 1;
            }
        }
        let names: HashSet<&str> = frequency.keys().copied().collect();
        let mut by_lower: HashMap<String, usize> = HashMap::new();
        let mut spellings: HashMap<String, Vec<&str>> = HashMap::new();
        for name in &names {
            *by_lower.entry(name.to_lowercase()).or_default() += 1;
            spellings.entry(name.to_lowercase()).or_default().push(name);
        }
        let surnames: HashSet<String> = names
            .iter()
            .filter(|name| name.split_whitespace().count() >= 2)
            .filter_map(|name| name.split_whitespace().last())
            .map(str::to_lowercase)
            .collect();
        let mut counts = Counts {
            names: names.len(),
            ..Counts::default()
        };
        let mut sample: Vec<(usize, String)> = Vec::new();
        for name in &names {
            let mut variant = None;
            if by_lower[&name.to_lowercase()] > 1 {
                counts.case += 1;
                variant = Some("case");
            } else if let Some(canonical) = aliases.canonical(name)
                && canonical != *name
                && names.contains(canonical)
            {
                counts.alias += 1;
                variant = Some("alias");
            } else if kind == EntityKind::Person
                && !name.contains(' ')
                && surnames.contains(&name.to_lowercase())
            {
                counts.surname += 1;
                variant = Some("surname");
            }
            if is_shouted(name) {
                counts.shouted += 1;
                variant = variant.or(Some("shouted"));
            }
            if is_debris(name) {
                counts.debris += 1;
                variant = variant.or(Some("debris"));
            }
            if let Some(why) = variant {
                let mut written = spellings[&name.to_lowercase()].clone();
                written.sort_unstable();
                let written = written
                    .iter()
                    .map(|spelling| format!("{spelling} {}", frequency[spelling]))
                    .collect::<Vec<_>>()
                    .join(" / ");
                sample.push((frequency[name], format!("{why}: {written}")));
            }
        }
        sample.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        examples.insert(
            kind.as_str().to_string(),
            sample.into_iter().take(12).map(|(_, text)| text).collect(),
        );
        by_kind.insert(kind.as_str().to_string(), counts);
    }
    let report = Report {
        articles: articles.len(),
        by_kind,
        examples,
    };
    let mut markdown = format!(
        "#### Entity names: Reuters-21578 and BBC News, {} articles, through the shipped tagger\n\n\
         | kind | distinct names | case variants | alias variants | surname of a fuller name | shouted (all capitals) | debris (brackets, a suffix alone) |\n\
         |---|---|---|---|---|---|---|\n",
        report.articles
    );
    for (kind, counts) in &report.by_kind {
        markdown.push_str(&format!(
            "| {kind} | {} | {} | {} | {} | {} | {} |\n",
            counts.names, counts.case, counts.alias, counts.surname, counts.shouted, counts.debris
        ));
    }
    markdown.push('\n');
    for (kind, sample) in &report.examples {
        markdown.push_str(&format!(
            "Most frequent flagged {kind} names: {}.\n\n",
            sample.join("; ")
        ));
    }
    println!("{markdown}");
    support::publish("entity-names", &markdown, &report);
}
