//! The one canonical news record every stage passes along.
//!
//! Readers turn their formats into [`Article`]s, the entity extractor fills
//! [`Article::entities`], the index maps articles to documents and back, and
//! the query service returns them. Field names here are the field names of
//! `schema/article.schema.json`, one to one.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A news article, as stored and returned by newsdex.
///
/// Times keep the offset the source gave them; where a source gave none they
/// carry the zone the reader was configured with (UTC by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Article {
    /// Stable identifier: given by the source, or derived (see
    /// [`Article::assign_id`]).
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The article's address on the web.
    pub url: Option<String>,
    /// The publication, e.g. "BBC News".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// ISO 639-1 code ("en", "fr"); absent means unknown, analysed as English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// The standfirst or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Paragraphs separated by a blank line.
    #[serde(default)]
    pub body: String,
    /// Photo captions and their credits, kept apart from the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub captions: Vec<Caption>,
    /// Bylines, one name each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The publication's section ("World", "Business").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The publication's own tags or keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// When the article was first published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<DateTime<FixedOffset>>,
    /// When it was last updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Estimated reading time in minutes, as the publication states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading_time: Option<u32>,
    /// People, organisations, places and other names, under canonical
    /// names: given by the input or found by the tagger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<Entity>,
    /// Live-blog entries, in page order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<LiveEntry>,
}

/// A photo caption and its credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Caption {
    /// What the caption says.
    pub text: String,
    /// Who took or supplied the picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// One timestamped entry of a live blog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LiveEntry {
    /// When the entry was posted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<DateTime<FixedOffset>>,
    /// The entry's first line, as the page shows it.
    #[serde(default)]
    pub headline: String,
    /// The rest of the entry, paragraphs separated by a blank line.
    #[serde(default)]
    pub body: String,
    /// Who wrote the entry, where the page says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
/// The kinds of named entity, as CoNLL-2003 types them.
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: a company, a party, a team, an agency.
    Org,
    /// A place: a country, a city, a region, a sea.
    Location,
    /// Another name: an event, a nationality, a work, a product.
    Misc,
}

impl EntityKind {
    /// Every kind, in facet order.
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Org,
        EntityKind::Location,
        EntityKind::Misc,
    ];

    /// The kind as fields and the API name it (`person`, `org`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Org => "org",
            EntityKind::Location => "location",
            EntityKind::Misc => "misc",
        }
    }
}

/// A named entity of an article under its one canonical name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Its kind (`type` in JSON).
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Its canonical name.
    pub name: String,
}

impl Article {
    /// Values of one entity kind, in article order.
    pub fn entity_names(&self, kind: EntityKind) -> impl Iterator<Item = &str> {
        self.entities
            .iter()
            .filter(move |entity| entity.kind == kind)
            .map(|entity| entity.name.as_str())
    }

    /// Gives the article a source, section and language where it names
    /// none (`index --source`, a polled feed's settings).
    pub fn fill_defaults(
        &mut self,
        source: &Option<String>,
        section: &Option<String>,
        language: &Option<String>,
    ) {
        for (value, default) in [
            (&mut self.source, source),
            (&mut self.section, section),
            (&mut self.language, language),
        ] {
            if value.is_none() {
                value.clone_from(default);
            }
        }
    }

    /// Fills `id` when the source gave none: from the normalised URL, else
    /// from source, title and published time, so that ingesting the same
    /// article twice yields the same id and so an upsert, never a duplicate.
    /// An article with no time either also hashes its text (summary and
    /// body), so that two different undated stories under one title never
    /// replace each other. A given id is checked by [`valid_id`].
    pub fn assign_id(&mut self) -> Result<(), InvalidId> {
        if !self.id.trim().is_empty() {
            self.id = valid_id(&self.id)?;
            return Ok(());
        }
        self.id = match self.url.as_deref().and_then(normalize_url) {
            Some(url) => short_hash(&[url.as_str()]),
            None => match self.published_at {
                Some(time) => short_hash(&[
                    self.source.as_deref().unwrap_or(""),
                    self.title.trim(),
                    &time.to_utc().to_rfc3339(),
                ]),
                None => short_hash(&[
                    self.source.as_deref().unwrap_or(""),
                    self.title.trim(),
                    "",
                    self.summary.as_deref().unwrap_or("").trim(),
                    self.body.trim(),
                ]),
            },
        };
        Ok(())
    }

    /// Number of bytes of text in the article; used for throughput figures.
    pub fn text_len(&self) -> usize {
        self.title.len()
            + self.summary.as_deref().map_or(0, str::len)
            + self.body.len()
            + self
                .entries
                .iter()
                .map(|entry| entry.headline.len() + entry.body.len())
                .sum::<usize>()
    }
}

/// Longest article id, in bytes: far below tantivy's 65,530-byte term
/// limit, past which an id could not be looked up.
pub const MAX_ID_BYTES: usize = 512;

/// The one check of an article id, for every route and reader: leading and
/// trailing white space dropped; not empty, at most [`MAX_ID_BYTES`], no
/// control characters. Get, delete and upsert all see the same id.
pub fn valid_id(raw: &str) -> Result<String, InvalidId> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(InvalidId::Empty);
    }
    if id.len() > MAX_ID_BYTES {
        return Err(InvalidId::TooLong(id.len()));
    }
    if id.chars().any(char::is_control) {
        return Err(InvalidId::ControlCharacter);
    }
    Ok(id.to_string())
}

/// Why an id was refused (see [`valid_id`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidId {
    /// Nothing but white space.
    #[error("the id is empty")]
    Empty,
    /// Longer than [`MAX_ID_BYTES`] (its length in bytes).
    #[error("the id is {0} bytes long; at most {MAX_ID_BYTES} are allowed")]
    TooLong(usize),
    /// A control character in it.
    #[error("the id contains a control character")]
    ControlCharacter,
}

/// Query parameters that only track a click and never change the article.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ocid", "cmpid", "ref", "ref_src",
    "smid", "smtyp", "igshid", "_ga",
];

/// Canonical form of an article URL: lower-case scheme and host, no default
/// port, no fragment, no tracking parameters, remaining parameters sorted, no
/// trailing slash. Two URLs of the same article normalise to one string.
pub fn normalize_url(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return Some(url.to_string());
    }
    url.set_fragment(None);
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| {
            let key = key.to_ascii_lowercase();
            !key.starts_with("utm_") && !TRACKING_PARAMS.contains(&key.as_str())
        })
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    params.sort();
    if params.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(params);
    }
    // http and https of one page are one article.
    let host = url.host_str()?.trim_start_matches("www.").to_string();
    let path = url.path().trim_end_matches('/').to_string();
    let query = url
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    Some(format!("{host}{path}{query}"))
}

/// First 20 hex digits (80 bits) of SHA-256 over the parts, separated by a
/// unit separator so that ("ab", "c") and ("a", "bc") differ.
fn short_hash(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    digest[..10]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_one_article_normalise_alike() {
        let canonical = normalize_url("https://example.com/news/story-1").unwrap();
        for variant in [
            "http://www.Example.com/news/story-1/",
            "https://example.com/news/story-1#comments",
            "https://example.com/news/story-1?utm_source=x&utm_medium=y",
            "https://example.com:443/news/story-1?fbclid=abc",
        ] {
            assert_eq!(normalize_url(variant).unwrap(), canonical, "{variant}");
        }
        assert_ne!(
            normalize_url("https://example.com/news/story-2").unwrap(),
            canonical
        );
    }

    #[test]
    fn id_is_stable_and_given_ids_win() {
        let mut first = Article {
            title: "A".into(),
            url: Some("https://example.com/a?utm_source=feed".into()),
            ..Article::default()
        };
        let mut second = Article {
            title: "A, revised".into(),
            url: Some("https://www.example.com/a".into()),
            ..Article::default()
        };
        first.assign_id().expect("valid id");
        second.assign_id().expect("valid id");
        assert_eq!(first.id, second.id);
        assert_eq!(first.id.len(), 20);

        let mut given = Article {
            id: " wire-123 ".into(),
            ..first.clone()
        };
        given.assign_id().expect("valid id");
        assert_eq!(given.id, "wire-123");

        let mut without_url = Article {
            title: "Title".into(),
            source: Some("Wire".into()),
            ..Article::default()
        };
        without_url.assign_id().expect("valid id");
        let mut other_source = Article {
            source: Some("Other".into()),
            id: String::new(),
            ..without_url.clone()
        };
        other_source.assign_id().expect("valid id");
        assert_ne!(without_url.id, other_source.id);
    }
}
