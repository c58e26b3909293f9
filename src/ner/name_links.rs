//! One entity under one name across the archive: a surname alone, an
//! abbreviation alone.
//!
//! Within an article the document pass links "Baker" to the "James Baker"
//! the article names in full, and "ICO" to the "International Coffee
//! Organization (ICO)" it spells out. An article that only ever writes
//! "Baker" or "ICO" keeps it, and the archive then lists `Baker 155` beside
//! `James Baker 91`. Across the archive the short form is linked to the
//! full name the archive's names make unambiguous:
//!
//! - **a surname** to a person: of the person names ending in that word,
//!   those sharing one first name ("James Baker", "James A. Baker") hold
//!   at least [`DOMINANCE`] of the articles, in [`MIN_ARTICLES`] articles
//!   or more. Where two people share the surname about as often ("Howard
//!   Baker" beside "James Baker" in other years), or the word opens other
//!   people's names as a first name ("Charles" of "Charles Kennedy" beside
//!   "Ray Charles", "Kennedy" being a surname the archive writes alone),
//!   the surname stays apart;
//! - **an abbreviation** (two to six capitals) to an organisation whose
//!   capitalised words it is the initials of, held to the same share
//!   among the organisations with those initials;
//! - **a company's name in another legal form** ("Chrysler Corp." and
//!   "Chrysler" to "Chrysler Corp", see [`NameLinks::companies`]).
//!
//! The links are read from the index's names as they stand (see
//! `index::NewsIndex::name_links`), not fixed at ingest, so an article
//! indexed before the full name arrives is linked all the same, and facets,
//! filters, `person:"…"` queries and facet value search all read one table.

use std::collections::HashMap;

/// Of the articles naming a person in full with this surname (or an
/// organisation with these initials), the share the most named one must
/// hold for the short form alone to be it. Chosen for surnames on two
/// halves of Reuters-21578 + BBC News (the `entity_names` bench): links
/// built on one half are scored against the surnames the other half's
/// articles link themselves to a full name, and the setting that links the
/// most at a precision of 0.9 or more is kept; abbreviations keep it.
pub const DOMINANCE: f64 = 0.75;

/// Articles that must name the full name before a short form is read as
/// it: one article's "Alan Smith" does not make every "Smith" his.
pub const MIN_ARTICLES: u64 = 2;

/// Full person names that share a first and a last word ("James Baker",
/// "James A. Baker"): their articles together, and each name with its own.
type Namesakes<'a> = (u64, Vec<(&'a str, u64)>);

/// Short forms (lone surnames, abbreviations) and the full names they
/// stand for, by lower-cased name (the case facets and filters ignore).
#[derive(Debug, Default, Clone)]
pub struct NameLinks {
    full_of: HashMap<String, String>,
    short_of: HashMap<String, Vec<String>>,
    /// How the archive writes each full name short forms stand for.
    spellings: HashMap<String, String>,
}

impl NameLinks {
    /// Surname links from the person names of an archive: each lower-cased
    /// name with the number of articles that hold it.
    pub fn people<'a>(names: impl IntoIterator<Item = (&'a str, u64)>) -> NameLinks {
        Self::people_with(names, DOMINANCE, MIN_ARTICLES)
    }

    /// Abbreviation links from the organisation names of an archive: each
    /// name as written (its capitals make its initials) with the number of
    /// articles that hold it in any case.
    fn abbreviations<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        dominance: f64,
        min_articles: u64,
    ) -> NameLinks {
        let mut abbreviations: Vec<String> = Vec::new();
        // Initials → lower-cased full name → articles.
        let mut full: HashMap<String, HashMap<String, u64>> = HashMap::new();
        for (name, articles) in names {
            if super::resolve::is_abbreviation(name) {
                abbreviations.push(name.to_lowercase());
                continue;
            }
            let words: Vec<&str> = name
                .split_whitespace()
                .filter(|word| !super::resolve::is_corporate_suffix(word))
                .collect();
            let letters = super::resolve::initials(&words);
            if letters.len() >= 2 {
                full.entry(letters)
                    .or_default()
                    .insert(name.to_lowercase(), articles);
            }
        }
        abbreviations.sort_unstable();
        abbreviations.dedup();
        let mut links = NameLinks::default();
        for abbreviation in abbreviations {
            let Some(names) = full.get(&abbreviation) else {
                continue;
            };
            let total: u64 = names.values().sum();
            let Some((name, articles)) = names
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            else {
                continue;
            };
            if *articles >= min_articles && *articles as f64 >= dominance * total as f64 {
                links.link(abbreviation, name.clone());
            }
        }
        links
    }

    /// Links from the organisation names of an archive (each name as
    /// written, its capitals making its initials, with the number of
    /// articles that hold it in any case): an abbreviation to the one
    /// name it is the initials of, and a company's names that differ by
    /// their legal form alone to one name ("Chrysler", "Chrysler Corp",
    /// "CHRYSLER CORP."), the one most articles write. A name without a
    /// legal form joins its legal forms only where they hold [`DOMINANCE`]
    /// of the articles of the names it opens or ends: "Continental Corp"
    /// beside "Continental Airlines" leaves "Continental" alone.
    pub fn companies<'a>(names: impl IntoIterator<Item = (&'a str, u64)>) -> NameLinks {
        Self::companies_with(names, DOMINANCE, MIN_ARTICLES)
    }

    /// [`NameLinks::companies`] with other thresholds.
    pub fn companies_with<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        dominance: f64,
        min_articles: u64,
    ) -> NameLinks {
        let names: Vec<(&str, u64)> = names.into_iter().collect();
        let (legal, stems) = Self::legal_forms(&names, dominance, min_articles);
        // An abbreviation stands for a company whatever its legal form:
        // "GM" is the one company of "General Motors" and "General Motors
        // Corp", whose articles count together under the name they share,
        // in each of its spellings (their capitals make the initials). The
        // spellings of one name hold the same articles: each counts once.
        let mut articles_of: HashMap<String, u64> = HashMap::new();
        let mut counted: std::collections::HashSet<String> = std::collections::HashSet::new();
        for &(name, articles) in &names {
            let lower = name.to_lowercase();
            let canonical = legal.canonical(&lower).to_string();
            if counted.insert(lower) {
                *articles_of.entry(canonical).or_default() += articles;
            }
        }
        let companies = names.iter().filter_map(|&(name, _)| {
            let lower = name.to_lowercase();
            let articles = articles_of.get(&lower).copied();
            legal
                .full_name(&lower)
                .is_none()
                .then(|| (name, articles.unwrap_or(0)))
        });
        let abbreviations = Self::abbreviations(companies, dominance, min_articles);
        // An abbreviation that is a company's name with its legal form
        // left out ("GAF" of "GAF Corp") is that company where it links
        // to it, and otherwise no name its letters are the initials of
        // ("Greek Athletics Federation"): which one it is, is unclear.
        let abbreviations = abbreviations
            .full_of
            .into_iter()
            .filter(|(short, _)| !stems.contains(short))
            .collect::<Vec<_>>();
        let mut links = NameLinks::default();
        for (short, full) in legal.full_of.into_iter().chain(abbreviations) {
            links.link(short, full);
        }
        links
    }

    /// The links of names that differ by a legal form alone (see
    /// [`NameLinks::companies`]); abbreviations are left to
    /// [`NameLinks::abbreviations`].
    fn legal_forms(
        names: &[(&str, u64)],
        dominance: f64,
        min_articles: u64,
    ) -> (NameLinks, std::collections::HashSet<String>) {
        use super::resolve::legal_stem;
        // Stem → its legal forms (lower-cased) and their articles.
        let mut forms: HashMap<String, HashMap<String, u64>> = HashMap::new();
        // Names without a legal form (lower-cased) and their articles.
        let mut plain: HashMap<String, u64> = HashMap::new();
        for &(name, articles) in names {
            let words: Vec<&str> = name.split_whitespace().collect();
            match legal_stem(&words) {
                Some(stem) => {
                    forms
                        .entry(stem)
                        .or_default()
                        .insert(name.to_lowercase(), articles);
                }
                None => {
                    plain.insert(name.to_lowercase(), articles);
                }
            }
        }
        // Of the stems written alone, the articles of the other names they
        // open or end ("continental airlines" for "continental", "eastman
        // kodak co" for "kodak").
        let mut others: HashMap<&str, u64> = HashMap::new();
        for (name, articles) in plain
            .iter()
            .map(|(name, articles)| (name.as_str(), *articles))
            .chain(forms.iter().flat_map(|(stem, names)| {
                names
                    .values()
                    .map(move |articles| (stem.as_str(), *articles))
            }))
        {
            for (at, _) in name.match_indices(' ') {
                for part in [&name[..at], &name[at + 1..]] {
                    if plain.contains_key(part) && forms.contains_key(part) {
                        *others.entry(part).or_default() += articles;
                    }
                }
            }
        }
        let mut links = NameLinks::default();
        for (stem, names) in &forms {
            let held: u64 = names.values().sum();
            let mut members: Vec<(&str, u64)> = names
                .iter()
                .map(|(name, articles)| (name.as_str(), *articles))
                .collect();
            if let Some(alone) = plain.get(stem) {
                let other = others.get(stem.as_str()).copied().unwrap_or(0);
                if held >= min_articles && held as f64 >= dominance * (held + other) as f64 {
                    members.push((stem.as_str(), *alone));
                }
            }
            let Some(&(canonical, _)) = members
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            else {
                continue;
            };
            for &(member, _) in &members {
                if member != canonical {
                    links.link(member.to_string(), canonical.to_string());
                }
            }
        }
        (links, forms.into_keys().collect())
    }

    /// Whether two lower-cased names are one company's, the same but for
    /// their legal forms ("upjohn co." and "upjohn co", "jefferies and co"
    /// and "jefferies").
    pub fn one_company(a: &str, b: &str) -> bool {
        let stem = |name: &str| {
            let words: Vec<&str> = name.split_whitespace().collect();
            super::resolve::legal_stem(&words).unwrap_or_else(|| name.to_string())
        };
        a == b || stem(a) == stem(b)
    }

    fn link(&mut self, short: String, full: String) {
        self.short_of
            .entry(full.clone())
            .or_default()
            .push(short.clone());
        self.full_of.insert(short, full);
    }

    /// [`NameLinks::people`] with other thresholds (what the bench tries).
    pub fn people_with<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        dominance: f64,
        min_articles: u64,
    ) -> NameLinks {
        let names: Vec<(&str, u64)> = names.into_iter().collect();
        let lone: std::collections::HashSet<&str> = names
            .iter()
            .filter(|(name, _)| !name.contains(char::is_whitespace))
            .map(|(name, _)| *name)
            .collect();
        let mut surnames: Vec<&str> = Vec::new();
        // First word → articles of the names it opens as a first name:
        // "Charles" opens "Charles Kennedy" more often than it ends "Ray
        // Charles". A name counts only if its last word is a surname the
        // archive writes alone ("Kennedy"): "Reagan Administration", the
        // tagger's slip, opens no person's name.
        let mut opening: HashMap<&str, u64> = HashMap::new();
        // Last word → first word → the people so named.
        let mut full: HashMap<&str, HashMap<&str, Namesakes>> = HashMap::new();
        for &(name, articles) in &names {
            let mut words = name.split_whitespace();
            let (Some(first), last) = (words.next(), words.next_back()) else {
                continue;
            };
            match last {
                None if first.chars().filter(|c| c.is_alphabetic()).count() >= 2 => {
                    surnames.push(first);
                }
                None => {}
                Some(last) if last != first => {
                    if lone.contains(last) {
                        *opening.entry(first).or_default() += articles;
                    }
                    let person = full.entry(last).or_default().entry(first).or_default();
                    person.0 += articles;
                    person.1.push((name, articles));
                }
                Some(_) => {}
            }
        }
        let mut links = NameLinks::default();
        for surname in surnames {
            let Some(people) = full.get(surname) else {
                continue;
            };
            let total: u64 = people.values().map(|(articles, _)| articles).sum::<u64>()
                + opening.get(surname).copied().unwrap_or(0);
            let Some((articles, names)) = people
                .iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))
                .map(|(_, person)| person)
            else {
                continue;
            };
            if *articles < min_articles || (*articles as f64) < dominance * total as f64 {
                continue;
            }
            let Some((name, _)) = names
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            else {
                continue;
            };
            links.link(surname.to_string(), (*name).to_string());
        }
        links
    }

    /// Notes how the archive writes a name: a full name that short forms stand
    /// for is shown in a spelling it has, in mixed case where one is.
    pub fn note_spelling(&mut self, written: &str) {
        let name = written.to_lowercase();
        if !self.short_of.contains_key(&name) {
            return;
        }
        let shouted = |text: &str| !text.chars().any(char::is_lowercase);
        match self.spellings.get(&name) {
            Some(known) if !shouted(known) || shouted(written) => {}
            _ => {
                self.spellings.insert(name, written.to_string());
            }
        }
    }

    /// How the archive writes a full name that short forms stand for, when
    /// [`NameLinks::note_spelling`] was told.
    pub fn spelling(&self, full_name: &str) -> Option<&str> {
        self.spellings.get(full_name).map(String::as_str)
    }

    /// The full name a short form stands for (both lower-cased).
    pub fn full_name(&self, short: &str) -> Option<&str> {
        self.full_of.get(short).map(String::as_str)
    }

    /// The short forms that stand for a full name (lower-cased).
    pub fn short_forms(&self, full_name: &str) -> &[String] {
        self.short_of
            .get(full_name)
            .map_or(&[], |short| short.as_slice())
    }

    /// The name a lower-cased name is counted and shown under: its full
    /// name when it is a linked short form, else itself.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.full_name(name).unwrap_or(name)
    }

    /// Every lower-cased name that is `name` or stands for what it stands
    /// for: "baker" and "james baker" for either.
    pub fn forms<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        let canonical = self.canonical(name);
        let mut forms = vec![canonical];
        forms.extend(self.short_forms(canonical).iter().map(String::as_str));
        forms
    }

    /// Short forms linked to a full name.
    pub fn len(&self) -> usize {
        self.full_of.len()
    }

    /// Whether no short form is linked.
    pub fn is_empty(&self) -> bool {
        self.full_of.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surname_one_person_holds_is_that_person() {
        let links = NameLinks::people([
            ("baker", 155),
            ("james baker", 91),
            ("james a. baker", 10),
            ("howard baker", 12),
            ("reagan", 480),
            ("ronald reagan", 40),
        ]);
        assert_eq!(links.full_name("baker"), Some("james baker"));
        assert_eq!(links.full_name("reagan"), Some("ronald reagan"));
        assert_eq!(links.forms("james baker"), vec!["james baker", "baker"]);
        assert_eq!(links.forms("baker"), vec!["james baker", "baker"]);
        assert_eq!(links.canonical("howard baker"), "howard baker");
        assert_eq!(links.len(), 2);
        let mut links = links;
        links.note_spelling("JAMES BAKER");
        links.note_spelling("James Baker");
        links.note_spelling("JAMES BAKER");
        links.note_spelling("Howard Baker");
        assert_eq!(links.spelling("james baker"), Some("James Baker"));
        assert_eq!(links.spelling("howard baker"), None);
    }

    #[test]
    fn an_abbreviation_one_organisation_holds_is_that_organisation() {
        let links = NameLinks::companies([
            ("ICO", 30),
            ("International Coffee Organization", 25),
            ("International Cocoa Organization", 2),
            ("ADB", 9),
            ("Asian Development Bank", 6),
            ("African Development Bank", 5),
        ]);
        assert_eq!(
            links.full_name("ico"),
            Some("international coffee organization")
        );
        // Two banks share the initials about as often.
        assert_eq!(links.full_name("adb"), None);
    }

    #[test]
    fn a_company_s_names_apart_by_a_legal_form_are_one() {
        let links = NameLinks::companies([
            ("Chrysler Corp", 90),
            ("CHRYSLER CORP", 90),
            ("Chrysler Corp.", 12),
            ("Chrysler", 40),
            ("Chrysler Motors", 5),
            ("Continental Corp", 10),
            ("Continental Airlines", 20),
            ("Continental", 30),
            ("Jefferies and Co", 3),
            ("Jefferies and Co Inc", 5),
            ("GM", 50),
            ("General Motors Corp", 60),
            ("General Motors", 80),
        ]);
        assert_eq!(links.full_name("chrysler"), Some("chrysler corp"));
        assert_eq!(links.full_name("chrysler corp."), Some("chrysler corp"));
        assert_eq!(links.full_name("chrysler motors"), None);
        // "Continental" opens an airline's name more often.
        assert_eq!(links.full_name("continental"), None);
        assert_eq!(links.full_name("continental corp"), None);
        assert_eq!(
            links.full_name("jefferies and co"),
            Some("jefferies and co inc")
        );
        assert_eq!(
            links.full_name("general motors corp"),
            Some("general motors")
        );
        // GM's two spellings are one company: it holds every "GM".
        assert_eq!(links.full_name("gm"), Some("general motors"));
        assert_eq!(
            links.forms("general motors"),
            vec!["general motors", "general motors corp", "gm"]
        );
        let links = NameLinks::companies([
            ("GAF Corp", 20),
            ("GAF", 12),
            ("Greek Athletics Federation", 3),
            ("Kodak Co", 4),
            ("Kodak", 9),
            ("Eastman Kodak Co", 30),
            ("CBS", 40),
            ("CBS Inc", 10),
            ("CBS Records", 20),
            ("Central Bureau of Statistics", 15),
            ("CCC", 8),
            ("Commodity Credit Corporation", 20),
            ("Commodity Credit Corp", 10),
        ]);
        assert_eq!(links.full_name("gaf"), Some("gaf corp"));
        assert!(NameLinks::one_company("gaf corp.", "gaf"));
        assert!(!NameLinks::one_company("gaf corp", "gaf holdings"));
        // "Kodak" ends Eastman Kodak's name more often.
        assert_eq!(links.full_name("kodak"), None);
        // "CBS" opens a record label's name as often as CBS Inc's, and is
        // not read as the initials of another name instead.
        assert_eq!(links.full_name("cbs"), None);
        assert_eq!(
            links.full_name("commodity credit corp"),
            Some("commodity credit corporation")
        );
        assert_eq!(links.full_name("ccc"), Some("commodity credit corporation"));
    }

    #[test]
    fn a_surname_two_people_share_stays_apart() {
        let links = NameLinks::people([
            ("smith", 30),
            ("alan smith", 5),
            ("john smith", 4),
            ("jones", 9),
            ("tom jones", 1),
        ]);
        assert_eq!(links.full_name("smith"), None);
        // One article's full name is not enough.
        assert_eq!(links.full_name("jones"), None);
        assert!(links.is_empty());
        let links = NameLinks::people([
            ("charles", 40),
            ("ray charles", 30),
            ("charles kennedy", 45),
            ("kennedy", 20),
            ("reagan", 473),
            ("ronald reagan", 25),
            ("reagan administration", 11),
        ]);
        assert_eq!(links.full_name("charles"), None);
        // "Administration" is no surname: the slip does not hold Reagan
        // apart from Ronald Reagan.
        assert_eq!(links.full_name("reagan"), Some("ronald reagan"));
    }
}
