//! One name per entity across the archive: the alias table.
//!
//! `schema/entity-aliases.json` (compiled in) lists entities under their
//! canonical names with the other ways news writes them (`U.S.`, `US`,
//! `USA` → `United States`), and, where the kind is beyond doubt, their
//! kind. A file of the same shape named by `NEWSDEX_ENTITY_ALIASES` extends
//! it; its entries win. Names match ignoring case, dots and spacing, so
//! `u.s.` and `U.S` are `US`. The tagger's names, the entities an input
//! gives, and the values of entity filters all pass through it.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::NerError;
use crate::article::EntityKind;

/// The shipped table.
pub const SHIPPED_ALIASES: &str = include_str!("../../schema/entity-aliases.json");
/// Countries with their official names and other spellings, built from a
/// registry package by `scripts/build-country-aliases.py`; the shipped
/// table wins over it.
pub const SHIPPED_COUNTRIES: &str = include_str!("data/country-aliases.json");

/// Names a file of aliases to add to the shipped ones.
pub const ALIASES_VARIABLE: &str = "NEWSDEX_ENTITY_ALIASES";

#[derive(Debug, Deserialize)]
struct AliasFile {
    entities: Vec<AliasEntry>,
}

#[derive(Debug, Deserialize)]
struct AliasEntry {
    name: String,
    #[serde(rename = "type")]
    kind: Option<EntityKind>,
    #[serde(default)]
    applies_to: Option<EntityKind>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// An entity's canonical name and, when the table gives it, its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The name facets, filters and suggestions use.
    pub name: String,
    /// The entity's kind, whatever the tagger read; `None` keeps the tag.
    pub kind: Option<EntityKind>,
    /// The one kind of entity the entry renames, when it is limited to one:
    /// a country's spelling "Mann" (Isle of Man) is also a person's name.
    pub applies_to: Option<EntityKind>,
}

/// Names by their matching key (see [`key`]).
#[derive(Debug, Default)]
pub struct Aliases {
    by_key: HashMap<String, Canonical>,
}

/// The key a name is matched by: lower case, dots dropped, white space
/// collapsed, a leading "the " dropped.
pub fn key(name: &str) -> String {
    let lower = name.to_lowercase().replace(['.', '\u{2019}'], "");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.split_first() {
        Some((&"the", rest)) if !rest.is_empty() => rest,
        _ => &words[..],
    };
    words.join(" ")
}

impl Aliases {
    /// The table in `text` (the shape of `schema/entity-aliases.json`),
    /// refused with the reason when it does not read; `source` names it in
    /// the error.
    pub fn parse(text: &str, source: &str) -> Result<Aliases, NerError> {
        let mut aliases = Aliases::default();
        aliases.add(text, source)?;
        Ok(aliases)
    }

    /// Adds the entries of `text`, which win over those already held.
    pub fn add(&mut self, text: &str, source: &str) -> Result<(), NerError> {
        let file: AliasFile = serde_json::from_str(text).map_err(|error| NerError::Data {
            file: source.to_string(),
            line: error.line(),
            reason: error.to_string(),
        })?;
        for entry in file.entities {
            let name = entry.name.trim().to_string();
            if name.is_empty() {
                return Err(NerError::Data {
                    file: source.to_string(),
                    line: 0,
                    reason: "an entry has an empty name".to_string(),
                });
            }
            let canonical = Canonical {
                name,
                kind: entry.kind,
                applies_to: entry.applies_to,
            };
            for alias in std::iter::once(&canonical.name).chain(&entry.aliases) {
                let alias_key = key(alias);
                if !alias_key.is_empty() {
                    self.by_key.insert(alias_key, canonical.clone());
                }
            }
        }
        Ok(())
    }

    /// Puts an entity's `name` and `kind` under the table's entry, when it
    /// lists the name.
    pub fn apply(&self, kind: &mut EntityKind, name: &mut String) {
        if let Some(canonical) = self.lookup(Some(*kind), name) {
            *kind = canonical.kind.unwrap_or(*kind);
            name.clone_from(&canonical.name);
        }
    }

    /// The canonical name of `name` as an entity of `kind` (any kind when
    /// `None`), when the table lists it.
    pub fn canonical(&self, kind: Option<EntityKind>, name: &str) -> Option<&str> {
        self.lookup(kind, name)
            .map(|canonical| canonical.name.as_str())
    }

    /// The table's entry for `name` as an entity of `kind` (any kind when
    /// `None`); an entry limited to another kind does not answer.
    pub fn lookup(&self, kind: Option<EntityKind>, name: &str) -> Option<&Canonical> {
        self.by_key
            .get(&key(name))
            .filter(|canonical| match (kind, canonical.applies_to) {
                (Some(kind), Some(only)) => kind == only,
                _ => true,
            })
    }

    /// How many names (canonical ones and aliases) the table holds.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

impl Aliases {
    /// The tables compiled into the binary: the countries, then the
    /// hand-written table over them.
    pub fn compiled() -> Result<Aliases, NerError> {
        let mut aliases = Aliases::parse(SHIPPED_COUNTRIES, "src/ner/data/country-aliases.json")?;
        aliases.add(SHIPPED_ALIASES, "schema/entity-aliases.json")?;
        Ok(aliases)
    }
}

static SHIPPED: LazyLock<Aliases> = LazyLock::new(|| {
    let mut aliases = Aliases::compiled().unwrap_or_else(|error| {
        tracing::error!(%error, "the shipped entity aliases do not read");
        Aliases::default()
    });
    if let Some(path) = std::env::var_os(ALIASES_VARIABLE) {
        let name = path.to_string_lossy().into_owned();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                if let Err(error) = aliases.add(&text, &name) {
                    tracing::error!(%error, "{ALIASES_VARIABLE} is left out");
                }
            }
            Err(error) => tracing::error!(%error, file = %name, "cannot read {ALIASES_VARIABLE}"),
        }
    }
    aliases
});

impl Aliases {
    /// Per canonical name, how many other written forms the table maps to
    /// it (`United States` ← `US`, `U.S.`, `USA`, …; forms that differ only
    /// by case or dots count once, as they match alike).
    pub fn alias_counts(&self) -> HashMap<&str, usize> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (written, canonical) in &self.by_key {
            if *written != key(&canonical.name) {
                *counts.entry(canonical.name.as_str()).or_default() += 1;
            }
        }
        counts
    }
}

/// The shipped table with the entries of the file `NEWSDEX_ENTITY_ALIASES`
/// names, read once; a file that does not read is reported and left out.
pub fn shipped() -> &'static Aliases {
    &SHIPPED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_reads_and_matches_loosely() {
        let aliases = Aliases::parse(SHIPPED_ALIASES, "schema/entity-aliases.json").unwrap();
        for written in [
            "U.S.",
            "US",
            "u.s.",
            "USA",
            "the United States",
            "United States",
        ] {
            assert_eq!(
                aliases.canonical(None, written),
                Some("United States"),
                "{written}"
            );
        }
        assert_eq!(
            aliases.lookup(None, "Google").and_then(|entry| entry.kind),
            Some(EntityKind::Org)
        );
        assert_eq!(aliases.canonical(None, "Utah"), None);
        // Reuters-21578's commonest split names: the Bundesbank read as a
        // miscellaneous name, USDA beside the department it abbreviates.
        assert_eq!(
            aliases
                .lookup(None, "Bundesbank")
                .and_then(|entry| entry.kind),
            Some(EntityKind::Org)
        );
        assert_eq!(
            aliases.canonical(None, "USDA"),
            Some("U.S. Agriculture Department")
        );
        // The rating agency, whose possessive the tagger splits off; a
        // person named Moody stays one.
        assert_eq!(
            aliases.canonical(Some(EntityKind::Org), "Moody"),
            Some("Moody's Investors Service")
        );
        assert_eq!(aliases.canonical(Some(EntityKind::Person), "Moody"), None);
    }

    #[test]
    fn countries_come_under_one_name_and_the_hand_table_wins() {
        let aliases = Aliases::compiled().unwrap();
        for (written, canonical) in [
            ("United States of America", "United States"),
            (
                "United Kingdom of Great Britain and Northern Ireland",
                "Britain",
            ),
            ("Burma", "Myanmar"),
            ("Bundesrepublik Deutschland", "Germany"),
            ("Swaziland", "Eswatini"),
            ("Türkiye", "Turkey"),
            ("Republic of Türkiye", "Turkey"),
            // The hand table's reading for 1980s wire copy.
            ("Federal Republic of Germany", "West Germany"),
        ] {
            assert_eq!(
                aliases.canonical(Some(EntityKind::Location), written),
                Some(canonical),
                "{written}"
            );
        }
        // Country codes that are words, and names news uses for more than
        // one place, are nobody's alias; a country's kind is the tagger's.
        for written in [
            "IT",
            "DE",
            "IN",
            "Congo",
            "Macedonia",
            "Timor",
            "Mann",
            "Nippon",
        ] {
            assert_eq!(aliases.canonical(None, written), None, "{written}");
        }
        assert_eq!(
            aliases.lookup(None, "Jordan").and_then(|entry| entry.kind),
            None
        );
        // A country's spellings rename places only: a Saudi minister is no
        // Saudi Arabia, a Burma Road no country.
        for (kind, written) in [(EntityKind::Misc, "Saudi"), (EntityKind::Person, "Burma")] {
            assert_eq!(aliases.canonical(Some(kind), written), None, "{written}");
            let (mut kind, mut name) = (kind, written.to_string());
            aliases.apply(&mut kind, &mut name);
            assert_eq!(name, written);
        }
        assert_eq!(
            aliases.canonical(Some(EntityKind::Location), "Saudi"),
            Some("Saudi Arabia")
        );
    }

    #[test]
    fn later_entries_win_and_bad_files_are_named() {
        let mut aliases = Aliases::parse(SHIPPED_ALIASES, "shipped").unwrap();
        aliases
            .add(
                r#"{"entities": [{"name": "United Kingdom", "aliases": ["UK", "Britain"]}]}"#,
                "mine.json",
            )
            .unwrap();
        assert_eq!(aliases.canonical(None, "U.K."), Some("United Kingdom"));
        assert_eq!(aliases.canonical(None, "Britain"), Some("United Kingdom"));
        let error = Aliases::parse("{\"entities\": [", "broken.json").unwrap_err();
        assert!(error.to_string().starts_with("broken.json:1:"), "{error}");
    }
}
