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
use newsdex::ner::name_links::{DOMINANCE, MIN_ARTICLES, NameLinks};
use newsdex::{Article, EntityKind};
use serde::Serialize;

#[derive(Debug, Default, Serialize)]
struct Counts {
    names: usize,
    case: usize,
    alias: usize,
    /// A surname alone beside a fuller person name, an abbreviation beside
    /// an organisation name it gives the initials of.
    short: usize,
    /// Of those, linked to their full name across the archive.
    short_linked: usize,
    shouted: usize,
    debris: usize,
}

#[derive(Debug, Serialize)]
struct Report {
    articles: usize,
    by_kind: BTreeMap<String, Counts>,
    name_links: BTreeMap<String, LinkChoice>,
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

/// Per article, its entities (kind and name), and the short forms it links
/// itself to a full name it gives, lower-cased: a person mention of one
/// word that is the last word of the person's name (`("baker", "james
/// baker")`), an organisation mention in capitals that the organisation's
/// name spells out (`("ico", "international coffee organization")`, not an
/// alias of the shipped table, which ingest applies anyway).
struct Tagged {
    names: Vec<(EntityKind, String)>,
    surnames: Vec<(String, String)>,
    abbreviations: Vec<(String, String)>,
}

fn tagged(found: Vec<newsdex::ner::FoundEntity>) -> Tagged {
    let aliases = newsdex::ner::aliases::shipped();
    let mut tagged = Tagged {
        names: Vec::new(),
        surnames: Vec::new(),
        abbreviations: Vec::new(),
    };
    for entity in found {
        let name = entity.name.to_lowercase();
        let mut words = name.split_whitespace();
        if let (Some(_), Some(last)) = (words.next(), words.next_back()) {
            for mention in &entity.mentions {
                let text = mention.text.as_str();
                let short = match entity.kind {
                    EntityKind::Person => text.eq_ignore_ascii_case(last),
                    EntityKind::Org => {
                        (2..=6).contains(&text.len())
                            && text.chars().all(|c| c.is_ascii_uppercase())
                            && aliases.canonical(Some(EntityKind::Org), text).is_none()
                    }
                    _ => false,
                };
                let pairs = match entity.kind {
                    EntityKind::Person => &mut tagged.surnames,
                    _ => &mut tagged.abbreviations,
                };
                let pair = (text.to_lowercase(), name.clone());
                if short && !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        tagged.names.push((entity.kind, entity.name));
    }
    tagged
}

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
                        .map(|article| tagged(extractor.extract_article(article)))
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

/// How archive-wide links built on some articles do on the short forms
/// other articles link themselves: of those pairs, how many the links give
/// the same full name, another one, or none.
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

/// A short form given to the wrong entity misleads a reader of the facets
/// more than one left apart: the thresholds chosen link the most short
/// forms with at most one in ten linked to another entity.
const PRECISION_FLOOR: f64 = 0.9;

/// The names of one kind of the articles as the index holds them: each
/// spelling, with the number of articles holding the name in any case.
fn archive_names<'a>(
    kind: EntityKind,
    tagged: impl Iterator<Item = &'a Tagged>,
) -> Vec<(String, u64)> {
    let mut articles: HashMap<String, u64> = HashMap::new();
    let mut spellings: HashSet<String> = HashSet::new();
    for article in tagged {
        let mut names: Vec<String> = Vec::new();
        for (found, name) in &article.names {
            if *found == kind {
                spellings.insert(name.clone());
                names.push(name.to_lowercase());
            }
        }
        names.sort_unstable();
        names.dedup();
        for name in names {
            *articles.entry(name).or_default() += 1;
        }
    }
    match kind {
        // People are linked by lower-cased name, as the index's terms are.
        EntityKind::Person => articles.into_iter().collect(),
        _ => spellings
            .into_iter()
            .map(|name| {
                let count = articles.get(&name.to_lowercase()).copied().unwrap_or(0);
                (name, count)
            })
            .collect(),
    }
}

fn links_of(kind: EntityKind, names: &[(String, u64)], dominance: f64, min: u64) -> NameLinks {
    let names = names.iter().map(|(name, count)| (name.as_str(), *count));
    match kind {
        EntityKind::Person => NameLinks::people_with(names, dominance, min),
        _ => NameLinks::companies_with(names, dominance, min),
    }
}

fn score_links(kind: EntityKind, links: &NameLinks, scored_on: &[&Tagged]) -> LinkScore {
    let mut score = LinkScore::default();
    for article in scored_on {
        let pairs = match kind {
            EntityKind::Person => &article.surnames,
            _ => &article.abbreviations,
        };
        for (short, full) in pairs {
            score.pairs += 1;
            // A full name may itself stand under another spelling of the
            // same company ("general motors corp" under "general motors").
            match links.full_name(short) {
                Some(found)
                    if found == links.canonical(full) || NameLinks::one_company(found, full) =>
                {
                    score.same += 1
                }
                Some(_) => score.other += 1,
                None => {}
            }
        }
    }
    score
}

/// The link thresholds chosen on one half of the articles (links built on
/// the even-numbered articles, scored on the odd) and scored the other way
/// round, which chose nothing; and the shipped thresholds on both.
#[derive(Debug, Serialize)]
struct LinkChoice {
    chosen_dominance: f64,
    chosen_min_articles: u64,
    choosing_half: LinkScore,
    held_out_half: LinkScore,
    shipped_choosing_half: LinkScore,
    shipped_held_out_half: LinkScore,
}

fn choose_links(kind: EntityKind, tagged: &[Tagged]) -> LinkChoice {
    let even: Vec<&Tagged> = tagged.iter().step_by(2).collect();
    let odd: Vec<&Tagged> = tagged.iter().skip(1).step_by(2).collect();
    let even_names = archive_names(kind, even.iter().copied());
    let odd_names = archive_names(kind, odd.iter().copied());
    let mut best: Option<(f64, f64, u64, LinkScore)> = None;
    for dominance in [0.5, 0.6, 0.67, 0.75, 0.8, 0.9, 0.95] {
        for min_articles in [1, 2, 3, 5] {
            let links = links_of(kind, &even_names, dominance, min_articles);
            let score = score_links(kind, &links, &odd);
            if score.precision() >= PRECISION_FLOOR
                && best.is_none_or(|(coverage, ..)| score.coverage() > coverage)
            {
                best = Some((score.coverage(), dominance, min_articles, score));
            }
        }
    }
    let (_, dominance, min_articles, choosing_half) = best.unwrap_or_default();
    let held_out =
        |dominance, min| score_links(kind, &links_of(kind, &odd_names, dominance, min), &even);
    let choosing =
        |dominance, min| score_links(kind, &links_of(kind, &even_names, dominance, min), &odd);
    LinkChoice {
        chosen_dominance: dominance,
        chosen_min_articles: min_articles,
        choosing_half,
        held_out_half: held_out(dominance, min_articles),
        shipped_choosing_half: choosing(DOMINANCE, MIN_ARTICLES),
        shipped_held_out_half: held_out(DOMINANCE, MIN_ARTICLES),
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
    let archive_links: HashMap<EntityKind, NameLinks> = [EntityKind::Person, EntityKind::Org]
        .into_iter()
        .map(|kind| {
            let names = archive_names(kind, entities.iter());
            (kind, links_of(kind, &names, DOMINANCE, MIN_ARTICLES))
        })
        .collect();
    let choices: BTreeMap<String, LinkChoice> = [EntityKind::Person, EntityKind::Org]
        .into_iter()
        .map(|kind| (kind.as_str().to_string(), choose_links(kind, &entities)))
        .collect();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for kind in [EntityKind::Person, EntityKind::Org, EntityKind::Location] {
        let mut frequency: HashMap<&str, usize> = HashMap::new();
        for (found, name) in entities.iter().flat_map(|article| &article.names) {
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
        // The initials of the names of two capitalised words or more,
        // corporate suffixes aside.
        let initials: HashSet<String> = names
            .iter()
            .filter_map(|name| {
                let letters: String = name
                    .split_whitespace()
                    .filter(|word| !CORPORATE_SUFFIXES.contains(&word.to_lowercase().as_str()))
                    .filter_map(|word| word.chars().next())
                    .filter(|first| first.is_uppercase())
                    .flat_map(char::to_lowercase)
                    .collect();
                (name.contains(' ') && letters.chars().count() >= 2).then_some(letters)
            })
            .collect();
        let no_links = NameLinks::default();
        let links = archive_links.get(&kind).unwrap_or(&no_links);
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
            } else if let Some(canonical) = aliases.canonical(Some(kind), name)
                && canonical != *name
                && names.contains(canonical)
            {
                counts.alias += 1;
                variant = Some("alias");
            } else if (kind == EntityKind::Person
                && !name.contains(' ')
                && surnames.contains(&name.to_lowercase()))
                || (kind == EntityKind::Org
                    && (2..=6).contains(&name.len())
                    && name.chars().all(|c| c.is_ascii_uppercase())
                    && initials.contains(&name.to_lowercase()))
            {
                counts.short += 1;
                if links.full_name(&name.to_lowercase()).is_some() {
                    counts.short_linked += 1;
                }
                variant = Some("short form");
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
        name_links: choices,
        examples,
    };
    let mut markdown = format!(
        "#### Entity names: Reuters-21578 and BBC News, {} articles, through the shipped tagger\n\n\
         | kind | distinct names | case variants | alias variants | short form of a fuller name (surname, abbreviation) | of those, linked archive-wide | shouted (all capitals) | debris (brackets, a suffix alone) |\n\
         |---|---|---|---|---|---|---|---|\n",
        report.articles
    );
    for (kind, counts) in &report.by_kind {
        markdown.push_str(&format!(
            "| {kind} | {} | {} | {} | {} | {} | {} | {} |\n",
            counts.names,
            counts.case,
            counts.alias,
            counts.short,
            counts.short_linked,
            counts.shouted,
            counts.debris
        ));
    }
    markdown.push('\n');
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
        "Archive-wide links of a short form to a full name (`ner/name_links.rs`), scored on the short forms articles link themselves to a full name they give (a surname, an abbreviation they spell out): links built on the even-numbered articles and scored on the odd ones choose the thresholds (over a grid, the most linked at a precision of {PRECISION_FLOOR} or more), then links built on the odd ones are scored on the even ones. Shipped: dominance {DOMINANCE}, {MIN_ARTICLES} articles.\n\n\
         | kind | thresholds, half | pairs | same entity | another entity | precision | coverage |\n\
         |---|---|---|---|---|---|---|\n"
    ));
    for (kind, links) in &report.name_links {
        let chosen = format!(
            "chosen ({}, {})",
            links.chosen_dominance, links.chosen_min_articles
        );
        for (what, score) in [
            (format!("{chosen}, choosing half"), &links.choosing_half),
            (format!("{chosen}, held-out half"), &links.held_out_half),
            (
                "shipped, choosing half".to_string(),
                &links.shipped_choosing_half,
            ),
            (
                "shipped, held-out half".to_string(),
                &links.shipped_held_out_half,
            ),
        ] {
            markdown.push_str(&format!("| {kind} {}", line(&what, score)));
        }
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
