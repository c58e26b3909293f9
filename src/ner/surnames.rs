//! One person under one name across the archive: a surname alone.
//!
//! Within an article the document pass links "Baker" to the "James Baker"
//! the article names in full. An article that only ever writes "Baker"
//! keeps "Baker", and the archive then lists `Baker 155` beside `James
//! Baker 91`. Across the archive the surname is linked to the full name
//! its people make unambiguous: of the person names ending in that word,
//! those sharing one first name ("James Baker", "James A. Baker") hold at
//! least [`DOMINANCE`] of the articles, in [`MIN_ARTICLES`] articles or
//! more. Where two people share the surname about as often ("Howard
//! Baker" beside "James Baker" in other years), or the word opens other
//! people's names as a first name ("Charles" of "Charles Kennedy" beside
//! "Ray Charles"), the surname stays apart.
//!
//! The links are read from the index's person names as they stand (see
//! `index::NewsIndex::name_links`), not fixed at ingest, so an article
//! indexed before the full name arrives is linked all the same, and facets,
//! filters, `person:"…"` queries and facet value search all read one table.

use std::collections::HashMap;

/// Of the articles naming a person in full with this surname, the share
/// the most named first name must hold for the surname alone to be that
/// person. Chosen on two halves of Reuters-21578 + BBC News (the
/// `entity_names` bench): links built on one half are scored against the
/// surnames the other half's articles link themselves to a full name, and
/// the setting that links the most at a precision of 0.9 or more is kept.
pub const DOMINANCE: f64 = 0.75;

/// Articles that must name the full name before a lone surname is read as
/// it: one article's "Alan Smith" does not make every "Smith" his.
pub const MIN_ARTICLES: u64 = 2;

/// Full person names that share a first and a last word ("James Baker",
/// "James A. Baker"): their articles together, and each name with its own.
type Namesakes<'a> = (u64, Vec<(&'a str, u64)>);

/// Lone surnames and the full person names they stand for, by lower-cased
/// name (the case facets and filters ignore).
#[derive(Debug, Default, Clone)]
pub struct SurnameLinks {
    full_of: HashMap<String, String>,
    surnames_of: HashMap<String, Vec<String>>,
    /// How the archive writes each full name surnames stand for.
    spellings: HashMap<String, String>,
}

impl SurnameLinks {
    /// Links from the person names of an archive: each lower-cased name with
    /// the number of articles that hold it.
    pub fn build<'a>(names: impl IntoIterator<Item = (&'a str, u64)>) -> SurnameLinks {
        Self::build_with(names, DOMINANCE, MIN_ARTICLES)
    }

    /// [`SurnameLinks::build`] with other thresholds (what the bench tries).
    pub fn build_with<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        dominance: f64,
        min_articles: u64,
    ) -> SurnameLinks {
        let mut surnames: Vec<&str> = Vec::new();
        // First word → articles of the names it opens: "Charles" opens
        // "Charles Kennedy" more often than it ends "Ray Charles".
        let mut opening: HashMap<&str, u64> = HashMap::new();
        // Last word → first word → the people so named.
        let mut full: HashMap<&str, HashMap<&str, Namesakes>> = HashMap::new();
        for (name, articles) in names {
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
                    *opening.entry(first).or_default() += articles;
                    let person = full.entry(last).or_default().entry(first).or_default();
                    person.0 += articles;
                    person.1.push((name, articles));
                }
                Some(_) => {}
            }
        }
        let mut links = SurnameLinks::default();
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
            links
                .full_of
                .insert(surname.to_string(), (*name).to_string());
            links
                .surnames_of
                .entry((*name).to_string())
                .or_default()
                .push(surname.to_string());
        }
        links
    }

    /// Notes how the archive writes a name: a full name that surnames stand
    /// for is shown in a spelling it has, in mixed case where one is.
    pub fn note_spelling(&mut self, written: &str) {
        let name = written.to_lowercase();
        if !self.surnames_of.contains_key(&name) {
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

    /// How the archive writes a full name that surnames stand for, when
    /// [`SurnameLinks::note_spelling`] was told.
    pub fn spelling(&self, full_name: &str) -> Option<&str> {
        self.spellings.get(full_name).map(String::as_str)
    }

    /// The full name a lone surname stands for (both lower-cased).
    pub fn full_name(&self, surname: &str) -> Option<&str> {
        self.full_of.get(surname).map(String::as_str)
    }

    /// The lone surnames that stand for a full name (lower-cased).
    pub fn surnames(&self, full_name: &str) -> &[String] {
        self.surnames_of
            .get(full_name)
            .map_or(&[], |surnames| surnames.as_slice())
    }

    /// The name a lower-cased person name is counted and shown under: its
    /// full name when it is a linked surname, else itself.
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.full_name(name).unwrap_or(name)
    }

    /// Every lower-cased name that is `name` or stands for what it stands
    /// for: "baker" and "james baker" for either.
    pub fn forms<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        let canonical = self.canonical(name);
        let mut forms = vec![canonical];
        forms.extend(self.surnames(canonical).iter().map(String::as_str));
        forms
    }

    /// Surnames linked to a full name.
    pub fn len(&self) -> usize {
        self.full_of.len()
    }

    /// Whether no surname is linked.
    pub fn is_empty(&self) -> bool {
        self.full_of.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surname_one_person_holds_is_that_person() {
        let links = SurnameLinks::build([
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
    fn a_surname_two_people_share_stays_apart() {
        let links = SurnameLinks::build([
            ("smith", 30),
            ("alan smith", 5),
            ("john smith", 4),
            ("jones", 9),
            ("tom jones", 1),
        ]);
        assert_eq!(links.full_name("smith"), None);
        let links = SurnameLinks::build([
            ("charles", 40),
            ("ray charles", 30),
            ("charles kennedy", 45),
        ]);
        assert_eq!(links.full_name("charles"), None);
        // One article's full name is not enough.
        assert_eq!(links.full_name("jones"), None);
        assert!(links.is_empty());
    }
}
