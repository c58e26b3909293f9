//! The stored record of an article: every field but the body (which its
//! text field stores), in postcard's compact binary form.
//!
//! A hit reads this record for each of its results, so it is laid out for
//! that read: the fields a hit shows come first, as [`HitFields`], and a
//! hit decodes them alone; captions, live entries and the rest follow, read
//! only when the whole article is asked for. postcard, because its wire
//! format is specified and stable (an index outlives a build) and it
//! decodes the same fields about twice as fast as JSON, in half the bytes.
//! Its records carry no field names, so a struct here changes only with
//! the schema version.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::IndexError;
use crate::article::{Article, Caption, Entity, LiveEntry};

/// The fields of a stored article a hit shows, and the summary its
/// highlight falls back to without a body. Borrowed from an article when
/// written, owned when read.
#[derive(Debug, Serialize, Deserialize)]
pub struct HitFields<'a> {
    /// The article id.
    pub id: Cow<'a, str>,
    /// Its address.
    pub url: Option<Cow<'a, str>>,
    /// Its publication.
    pub source: Option<Cow<'a, str>>,
    /// Its language.
    pub language: Option<Cow<'a, str>>,
    /// Its headline.
    pub title: Cow<'a, str>,
    /// Its standfirst.
    pub summary: Option<Cow<'a, str>>,
    /// Its bylines.
    pub authors: Cow<'a, [String]>,
    /// Its section.
    pub section: Option<Cow<'a, str>>,
    /// Its tags.
    pub tags: Cow<'a, [String]>,
    published_at: Option<StoredTime>,
    /// Its entities.
    pub entities: Cow<'a, [Entity]>,
}

impl HitFields<'_> {
    /// The publication time, with its offset.
    pub fn published_at(&self) -> Result<Option<DateTime<FixedOffset>>, IndexError> {
        self.published_at.map(StoredTime::time).transpose()
    }
}

/// What follows the hit fields.
#[derive(Debug, Serialize, Deserialize)]
struct OtherFields<'a> {
    captions: Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>,
    updated_at: Option<StoredTime>,
    reading_time: Option<u32>,
    entries: Vec<StoredEntry<'a>>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredEntry<'a> {
    time: Option<StoredTime>,
    headline: Cow<'a, str>,
    body: Cow<'a, str>,
    author: Option<Cow<'a, str>>,
}

/// An instant with the offset its source gave it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct StoredTime {
    seconds: i64,
    nanos: u32,
    offset_seconds: i32,
}

impl StoredTime {
    fn of(time: &DateTime<FixedOffset>) -> StoredTime {
        StoredTime {
            seconds: time.timestamp(),
            nanos: time.timestamp_subsec_nanos(),
            offset_seconds: time.offset().local_minus_utc(),
        }
    }

    fn time(self) -> Result<DateTime<FixedOffset>, IndexError> {
        let offset = FixedOffset::east_opt(self.offset_seconds);
        DateTime::from_timestamp(self.seconds, self.nanos)
            .zip(offset)
            .map(|(time, offset)| time.with_timezone(&offset))
            .ok_or_else(|| {
                IndexError::Corrupt(format!(
                    "stored time {}s {}ns {:+}s is out of range",
                    self.seconds, self.nanos, self.offset_seconds
                ))
            })
    }
}

fn borrowed(value: &Option<String>) -> Option<Cow<'_, str>> {
    value.as_deref().map(Cow::Borrowed)
}

/// An optional text of a decoded record, owned.
pub fn owned(value: Option<Cow<str>>) -> Option<String> {
    value.map(Cow::into_owned)
}

/// The record of an article, body left out.
pub fn encode(article: &Article) -> Result<Vec<u8>, IndexError> {
    // The pattern names every field, so a new one cannot be missed.
    let Article {
        id,
        url,
        source,
        language,
        title,
        summary,
        body: _,
        captions,
        authors,
        section,
        tags,
        published_at,
        updated_at,
        reading_time,
        entities,
        entries,
    } = article;
    let hit = HitFields {
        id: Cow::Borrowed(id),
        url: borrowed(url),
        source: borrowed(source),
        language: borrowed(language),
        title: Cow::Borrowed(title),
        summary: borrowed(summary),
        authors: Cow::Borrowed(authors),
        section: borrowed(section),
        tags: Cow::Borrowed(tags),
        published_at: published_at.as_ref().map(StoredTime::of),
        entities: Cow::Borrowed(entities),
    };
    let other = OtherFields {
        captions: captions
            .iter()
            .map(|caption| {
                (
                    Cow::Borrowed(caption.text.as_str()),
                    borrowed(&caption.credit),
                )
            })
            .collect(),
        updated_at: updated_at.as_ref().map(StoredTime::of),
        reading_time: *reading_time,
        entries: entries
            .iter()
            .map(|entry| StoredEntry {
                time: entry.time.as_ref().map(StoredTime::of),
                headline: Cow::Borrowed(&entry.headline),
                body: Cow::Borrowed(&entry.body),
                author: borrowed(&entry.author),
            })
            .collect(),
    };
    postcard::to_stdvec(&(hit, other)).map_err(|error| {
        IndexError::Unwritable(format!("cannot encode article {}: {error}", article.id))
    })
}

fn corrupt(error: postcard::Error) -> IndexError {
    IndexError::Corrupt(format!("stored article is not valid: {error}"))
}

/// The hit fields of a record; the rest is left unread.
pub fn decode_hit(record: &[u8]) -> Result<HitFields<'static>, IndexError> {
    postcard::from_bytes(record).map_err(corrupt)
}

/// The whole article of a record, with an empty body.
pub fn decode_article(record: &[u8]) -> Result<Article, IndexError> {
    let (hit, other): (HitFields, OtherFields) = postcard::from_bytes(record).map_err(corrupt)?;
    let published_at = hit.published_at()?;
    Ok(Article {
        id: hit.id.into_owned(),
        url: owned(hit.url),
        source: owned(hit.source),
        language: owned(hit.language),
        title: hit.title.into_owned(),
        summary: owned(hit.summary),
        body: String::new(),
        captions: other
            .captions
            .into_iter()
            .map(|(text, credit)| Caption {
                text: text.into_owned(),
                credit: owned(credit),
            })
            .collect(),
        authors: hit.authors.into_owned(),
        section: owned(hit.section),
        tags: hit.tags.into_owned(),
        published_at,
        updated_at: other.updated_at.map(StoredTime::time).transpose()?,
        reading_time: other.reading_time,
        entities: hit.entities.into_owned(),
        entries: other
            .entries
            .into_iter()
            .map(|entry| {
                Ok(LiveEntry {
                    time: entry.time.map(StoredTime::time).transpose()?,
                    headline: entry.headline.into_owned(),
                    body: entry.body.into_owned(),
                    author: owned(entry.author),
                })
            })
            .collect::<Result<_, IndexError>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    use crate::article::EntityKind;

    fn text() -> impl Strategy<Value = String> {
        "\\PC{0,12}"
    }

    fn time() -> impl Strategy<Value = DateTime<FixedOffset>> {
        (
            -62_000_000_000i64..250_000_000_000,
            0u32..1_000_000_000,
            -86_399i32..86_400,
        )
            .prop_map(|(seconds, nanos, offset)| {
                let offset =
                    FixedOffset::east_opt(offset).unwrap_or(FixedOffset::east_opt(0).unwrap());
                offset
                    .timestamp_opt(seconds, nanos)
                    .single()
                    .unwrap_or_default()
            })
    }

    prop_compose! {
        fn article()(
            id in text(),
            url in proptest::option::of(text()),
            source in proptest::option::of(text()),
            language in proptest::option::of("[a-z]{2}"),
            title in text(),
            summary in proptest::option::of(text()),
            captions in proptest::collection::vec((text(), proptest::option::of(text())), 0..3),
            authors in proptest::collection::vec(text(), 0..3),
            section in proptest::option::of(text()),
            tags in proptest::collection::vec(text(), 0..4),
            published_at in proptest::option::of(time()),
            updated_at in proptest::option::of(time()),
            reading_time in proptest::option::of(any::<u32>()),
            entities in proptest::collection::vec((0usize..4, text()), 0..5),
            entries in proptest::collection::vec(
                (proptest::option::of(time()), text(), text(), proptest::option::of(text())),
                0..3,
            ),
        ) -> Article {
            Article {
                id,
                url,
                source,
                language,
                title,
                summary,
                body: String::new(),
                captions: captions
                    .into_iter()
                    .map(|(text, credit)| Caption { text, credit })
                    .collect(),
                authors,
                section,
                tags,
                published_at,
                updated_at,
                reading_time,
                entities: entities
                    .into_iter()
                    .map(|(kind, name)| Entity { kind: EntityKind::ALL[kind], name })
                    .collect(),
                entries: entries
                    .into_iter()
                    .map(|(time, headline, body, author)| LiveEntry { time, headline, body, author })
                    .collect(),
            }
        }
    }

    proptest! {
        /// A record gives back the article it was made of, offsets and
        /// nanoseconds included, and its hit fields alone.
        #[test]
        fn records_round_trip(article in article()) {
            let record = encode(&article).unwrap();
            let decoded = decode_article(&record).unwrap();
            prop_assert_eq!(&decoded, &article);
            // Times compare as instants; their offsets must survive too.
            let shown = |article: &Article| {
                article
                    .published_at
                    .iter()
                    .chain(&article.updated_at)
                    .chain(article.entries.iter().filter_map(|entry| entry.time.as_ref()))
                    .map(DateTime::to_rfc3339)
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(shown(&decoded), shown(&article));
            let hit = decode_hit(&record).unwrap();
            prop_assert_eq!(hit.id.as_ref(), article.id.as_str());
            prop_assert_eq!(hit.summary.as_deref(), article.summary.as_deref());
            prop_assert_eq!(hit.tags.as_ref(), article.tags.as_slice());
            prop_assert_eq!(hit.entities.as_ref(), article.entities.as_slice());
            prop_assert_eq!(hit.published_at().unwrap(), article.published_at);
        }

        /// A record cut short is an error (with the corrupt-data variant),
        /// never a panic nor a wrong article.
        #[test]
        fn a_truncated_record_is_an_error(article in article(), cut in any::<proptest::sample::Index>()) {
            let record = encode(&article).unwrap();
            let truncated = &record[..cut.index(record.len())];
            prop_assert!(matches!(decode_article(truncated), Err(IndexError::Corrupt(_))));
        }

        /// Arbitrary bytes never panic the decoders; when they happen to
        /// decode, the article encodes back to a record that decodes to it.
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(article) = decode_article(&bytes) {
                let again = encode(&article).unwrap();
                prop_assert_eq!(decode_article(&again).unwrap(), article);
            }
            let _ = decode_hit(&bytes);
        }
    }

    #[test]
    fn the_body_is_left_out() {
        let article = Article {
            id: "a".into(),
            body: "the body".into(),
            ..Article::default()
        };
        let record = encode(&article).unwrap();
        assert!(!record.windows(8).any(|window| window == b"the body"));
        assert_eq!(decode_article(&record).unwrap().body, "");
    }
}
