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
use newsdex::ner::surnames::{DOMINANCE, MIN_ARTICLES, SurnameLinks};
use newsdex::{Article, EntityKind};
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
struct Counts {
    names: usize,
    case: usize,
    alias: usize,
    surname: usize,
    /// Of those, linked to their full name across the archive.
    surname_linked: usize,
    shouted: usize,
    debris: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    articles: usize,
    by_kind: BTreeMap<String, Counts>,
    surname_links: LinkChoice,
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

/// Per article, its entities (kind and name), and the surnames it links
/// itself to a full name it gives (a person mention of one word that is the
/// last word of the person's name), lower-cased: `("baker", "james baker")`.
type Tagged = (Vec<(EntityKind, String)>, Vec<(String, String)>);

fn extract_all(articles: &[Article]) -> Vec<Tagged> {
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
                            let found = extractor.extract_article(article);
                            let mut linked = Vec::new();
                            for entity in &found {
                                let name = entity.name.to_lowercase();
                                let mut words = name.split_whitespace();
                                let (Some(_), Some(last)) = (words.next(), words.next_back())
                                else {
                                    continue;
                                };
                                if entity.kind == EntityKind::Person
                                    && entity
                                        .mentions
                                        .iter()
                                        .any(|mention| mention.text.eq_ignore_ascii_case(last))
                                {
                                    linked.push((last.to_string(), name.clone()));
                                }
                            }
                            let names = found
                                .into_iter()
                                .map(|entity| (entity.kind, entity.name))
                                .collect::<Vec<_>>();
                            (names, linked)
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

/// How archive-wide surname links built on some articles do on the
/// surnames other articles link themselves: of those pairs, how many the
/// links give the same full name, another one, or none.
#[derive(Debug, Default, Clone, Copy, Serialize)]
struct LinkScore {
    pairs: usize,
    same: usize,
    other: usize,
}

impl LinkScore {
    fn precision(&self) -> f64 {
        self.same as f64 / (self.same + self.other).max(1) as f64
    }

    fn coverage(&self) -> f64 {
        self.same as f64 / self.pairs.max(1) as f64
    }
}

/// A surname given to the wrong person misleads a reader of the facets
/// more than one left apart: the thresholds chosen link the most surnames
/// with at most one in ten linked to another person.
const PRECISION_FLOOR: f64 = 0.9;

fn person_articles<'a>(tagged: impl Iterator<Item = &'a Tagged>) -> HashMap<String, u64> {
    let mut articles: HashMap<String, u64> = HashMap::new();
    for (names, _) in tagged {
        let mut people: Vec<String> = names
            .iter()
            .filter(|(kind, _)| *kind == EntityKind::Person)
            .map(|(_, name)| name.to_lowercase())
            .collect();
        people.sort_unstable();
        people.dedup();
        for person in people {
            *articles.entry(person).or_default() += 1;
        }
    }
    articles
}

fn score_links(
    built_on: &HashMap<String, u64>,
    scored_on: &[&Tagged],
    dominance: f64,
    min_articles: u64,
) -> LinkScore {
    let links = SurnameLinks::build_with(
        built_on.iter().map(|(name, count)| (name.as_str(), *count)),
        dominance,
        min_articles,
    );
    let mut score = LinkScore::default();
    for (_, pairs) in scored_on {
        for (surname, full) in pairs {
            score.pairs += 1;
            match links.full_name(surname) {
                Some(found) if found == full => score.same += 1,
                Some(_) => score.other += 1,
                None => {}
            }
        }
    }
    score
}

/// The surname-link thresholds chosen on one half of the articles (links
/// built on the even-numbered articles, scored on the odd) and scored on
/// the other way round, which chose nothing; and the shipped thresholds on
/// both.
#[derive(Debug, Serialize)]
struct LinkChoice {
    chosen_dominance: f64,
    chosen_min_articles: u64,
    choosing_half: LinkScore,
    held_out_half: LinkScore,
    shipped_choosing_half: LinkScore,
    shipped_held_out_half: LinkScore,
}

fn choose_links(tagged: &[Tagged]) -> LinkChoice {
    let even: Vec<&Tagged> = tagged.iter().step_by(2).collect();
    let odd: Vec<&Tagged> = tagged.iter().skip(1).step_by(2).collect();
    let (even_names, odd_names) = (
        person_articles(even.iter().copied()),
        person_articles(odd.iter().copied()),
    );
    let mut best: Option<(f64, f64, u64, LinkScore)> = None;
    for dominance in [0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 0.95] {
        for min_articles in [1, 2, 3, 5] {
            let score = score_links(&even_names, &odd, dominance, min_articles);
            if score.precision() >= PRECISION_FLOOR
                && best.is_none_or(|(coverage, ..)| score.coverage() > coverage)
            {
                best = Some((score.coverage(), dominance, min_articles, score));
            }
        }
    }
    let (_, dominance, min_articles, choosing_half) = best.unwrap_or_default();
    LinkChoice {
        chosen_dominance: dominance,
        chosen_min_articles: min_articles,
        choosing_half,
        held_out_half: score_links(&odd_names, &even, dominance, min_articles),
        shipped_choosing_half: score_links(&even_names, &odd, DOMINANCE, MIN_ARTICLES),
        shipped_held_out_half: score_links(&odd_names, &even, DOMINANCE, MIN_ARTICLES),
    }
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
    let archive_people = person_articles(entities.iter());
    let links = SurnameLinks::build(
        archive_people
            .iter()
            .map(|(name, count)| (name.as_str(), *count)),
    );
    let choice = choose_links(&entities);
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for kind in [EntityKind::Person, EntityKind::Org, EntityKind::Location] {
        let mut frequency: HashMap<&str, usize> = HashMap::new();
        for (found, name) in entities.iter().flat_map(|(names, _)| names) {
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
                if links.full_name(&name.to_lowercase()).is_some() {
                    counts.surname_linked += 1;
                }
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
        surname_links: choice,
        examples,
    };
    let mut markdown = format!(
        "#### Entity names: Reuters-21578 and BBC News, {} articles, through the shipped tagger\n\n\
         | kind | distinct names | case variants | alias variants | surname of a fuller name | of those, linked archive-wide | shouted (all capitals) | debris (brackets, a suffix alone) |\n\
         |---|---|---|---|---|---|---|---|\n",
        report.articles
    );
    for (kind, counts) in &report.by_kind {
        markdown.push_str(&format!(
            "| {kind} | {} | {} | {} | {} | {} | {} | {} |\n",
            counts.names,
            counts.case,
            counts.alias,
            counts.surname,
            counts.surname_linked,
            counts.shouted,
            counts.debris
        ));
    }
    markdown.push('\n');
    let links = &report.surname_links;
    let line = |what: &str, score: &LinkScore| {
        format!(
            "| {what} | {} | {} | {} | {:.3} | {:.3} |\n",
            score.pairs,
            score.same,
            score.other,
            score.precision(),
            score.coverage()
        )
    };
    markdown.push_str(&format!(
        "Archive-wide surname links, scored on the surnames articles link themselves to a full name they give: links built on the even-numbered articles and scored on the odd ones choose the thresholds (over a grid, the most surnames linked at a precision of {PRECISION_FLOOR} or more), then links built on the odd ones are scored on the even ones. Chosen: dominance {}, {} articles; shipped: dominance {DOMINANCE}, {MIN_ARTICLES} articles.\n\n\
         | thresholds, half | pairs | same person | another person | precision | coverage |\n\
         |---|---|---|---|---|---|\n{}{}{}{}\n",
        links.chosen_dominance,
        links.chosen_min_articles,
        line("chosen, choosing half", &links.choosing_half),
        line("chosen, held-out half", &links.held_out_half),
        line("shipped, choosing half", &links.shipped_choosing_half),
        line("shipped, held-out half", &links.shipped_held_out_half),
    ));
    for (kind, sample) in &report.examples {
        markdown.push_str(&format!(
            "Most frequent flagged {kind} names: {}.\n\n",
            sample.join("; ")
        ));
    }
    println!("{markdown}");
    support::publish("entity-names", &markdown, &report);
}
