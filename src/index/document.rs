//! Article ↔ tantivy document. The one place that knows which article field
//! feeds which index field.

use tantivy::schema::Field;
use tantivy::schema::document::{
    DeserializeError, DocumentDeserialize, DocumentDeserializer, ValueDeserialize,
    ValueDeserializer, ValueVisitor,
};
use tantivy::{DateTime as TantivyDateTime, DocAddress, Searcher, TantivyDocument};

use super::IndexError;
use super::fields::{FieldKind, IndexFields};
use super::record;
use crate::analysis::{analysis_key, mark_language, split_marker};
use crate::article::Article;

/// The values an article gives an index field, named by the field's `source`.
pub fn source_values<'a>(article: &'a Article, source: &str) -> Vec<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    let one = |value: Option<&'a str>| value.map(Cow::Borrowed).into_iter().collect();
    let many = |values: &'a [String]| {
        values
            .iter()
            .map(|value| Cow::Borrowed(value.as_str()))
            .collect()
    };
    match source {
        "id" => one(Some(&article.id)),
        "url" => one(article.url.as_deref()),
        "title" => one(Some(&article.title)),
        "summary" => one(article.summary.as_deref()),
        "body" => one(Some(&article.body)),
        "entries" => article
            .entries
            .iter()
            .flat_map(|entry| [entry.headline.as_str(), entry.body.as_str()])
            .map(Cow::Borrowed)
            .collect(),
        "captions" => article
            .captions
            .iter()
            .map(|caption| Cow::Borrowed(caption.text.as_str()))
            .collect(),
        "tags" => many(&article.tags),
        "authors" => many(&article.authors),
        "section" => one(article.section.as_deref()),
        "source" => one(article.source.as_deref()),
        "language" => one(article.language.as_deref()),
        entity if entity.starts_with("entities.") => super::fields::entity_kind_of(entity)
            .map(|kind| {
                let mut names: Vec<Cow<'a, str>> =
                    article.entity_names(kind).map(Cow::Borrowed).collect();
                names.dedup();
                names
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Builds the document of an article. Text is analysed in the article's
/// language; the article is stored as its record, all but its body, which
/// its text field stores: a hit then decodes only the article's smaller
/// fields and highlights the body where the store holds it, and the body
/// is copied into the document once.
pub fn article_to_document(
    article: &Article,
    fields: &IndexFields,
) -> Result<TantivyDocument, IndexError> {
    let mut document = TantivyDocument::new();
    // The record goes first: a hit that needs no body stops reading there.
    document.add_bytes(fields.source, &record::encode(article)?);
    let language_key = analysis_key(article.language.as_deref());
    for index_field in &fields.fields {
        let definition = &index_field.definition;
        match definition.kind {
            FieldKind::Text => {
                let values = source_values(article, &definition.source);
                let text = values
                    .iter()
                    .map(|value| value.as_ref())
                    .filter(|value| !value.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n\n");
                if !text.is_empty() {
                    document.add_text(index_field.field, mark_language(language_key, &text));
                }
            }
            FieldKind::Facet | FieldKind::Keyword => {
                // One spelling per value and article: the filter ignores
                // case, so the facet counts must too.
                let mut seen: Vec<String> = Vec::new();
                for value in source_values(article, &definition.source) {
                    let value = value.trim();
                    if value.is_empty() {
                        continue;
                    }
                    let folded = value.to_lowercase();
                    if seen.contains(&folded) {
                        continue;
                    }
                    seen.push(folded);
                    document.add_text(index_field.field, value);
                    if let Some(text_field) = index_field.text_field {
                        document.add_text(text_field, value);
                    }
                }
            }
            FieldKind::Date => {
                let time = match definition.source.as_str() {
                    "published_at" => article.published_at,
                    "updated_at" => article.updated_at,
                    _ => None,
                };
                // Readers refuse dates beyond the index's years; one that
                // comes another way is left out rather than wrapped.
                if let Some(time) = time.filter(crate::ingest::dates::is_indexable) {
                    document.add_date(
                        index_field.field,
                        TantivyDateTime::from_timestamp_secs(time.timestamp()),
                    );
                }
            }
            FieldKind::Tiebreak => {
                document.add_u64(index_field.field, id_order(&article.id));
            }
            FieldKind::Vocabulary => {
                for source in definition.source.split('+') {
                    for value in source_values(article, source) {
                        if !value.is_empty() {
                            document.add_text(index_field.field, value.as_ref());
                        }
                    }
                }
            }
            FieldKind::Source => {}
        }
    }
    Ok(document)
}

/// A number that orders articles of equal rank: stable for an id, and
/// spread evenly so that no source's ids cluster. FNV-1a, because it needs
/// no key and is the same on every platform and release.
pub fn id_order(id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// What the document store holds of an article: its record (all but the
/// body, see [`record`]) and its body text. Read in place of a
/// `TantivyDocument`, which would build a generic value tree of the same
/// two values first.
#[derive(Debug, Default)]
pub struct StoredArticle {
    record: Option<Vec<u8>>,
    texts: Vec<(Field, String)>,
}

impl StoredArticle {
    /// Reads a stored article; without `body`, only its record. The record
    /// is stored first, so a read without the body stops before it and
    /// neither copies nor validates its text.
    pub fn read(
        searcher: &Searcher,
        address: DocAddress,
        body: bool,
    ) -> tantivy::Result<StoredArticle> {
        if body {
            searcher.doc(address)
        } else {
            searcher
                .doc::<RecordOnly>(address)
                .map(|RecordOnly(stored)| stored)
        }
    }

    fn read_fields<'de, D>(mut deserializer: D, body: bool) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut stored = StoredArticle {
            record: None,
            texts: Vec::with_capacity(deserializer.size_hint()),
        };
        while let Some((field, value)) = deserializer.next_field()? {
            match value {
                StoredValue::Record(record) => {
                    stored.record = Some(record);
                    if !body {
                        break;
                    }
                }
                StoredValue::Text(text) if body => stored.texts.push((field, text)),
                StoredValue::Text(_) => {}
            }
        }
        Ok(stored)
    }
}

impl DocumentDeserialize for StoredArticle {
    fn deserialize<'de, D>(deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        StoredArticle::read_fields(deserializer, true)
    }
}

/// A stored article read without its body.
struct RecordOnly(StoredArticle);

impl DocumentDeserialize for RecordOnly {
    fn deserialize<'de, D>(deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        StoredArticle::read_fields(deserializer, false).map(RecordOnly)
    }
}

/// A stored value: the schema stores the record's bytes (`_source`) and the
/// text of text fields marked `stored`.
enum StoredValue {
    Record(Vec<u8>),
    Text(String),
}

impl ValueDeserialize for StoredValue {
    fn deserialize<'de, D>(deserializer: D) -> Result<Self, DeserializeError>
    where
        D: ValueDeserializer<'de>,
    {
        struct Visitor;
        impl ValueVisitor for Visitor {
            type Value = StoredValue;
            fn visit_string(&self, text: String) -> Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Text(text))
            }
            fn visit_bytes(&self, bytes: Vec<u8>) -> Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Record(bytes))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl StoredArticle {
    fn record(&self) -> Result<&[u8], IndexError> {
        self.record
            .as_deref()
            .ok_or_else(|| IndexError::Corrupt("stored document lacks its article".to_string()))
    }

    /// The fields a hit shows; the rest of the record is left unread.
    pub fn hit_fields(&self) -> Result<record::HitFields<'static>, IndexError> {
        record::decode_hit(self.record()?)
    }

    /// The stored body ("" when the article had none), without the
    /// language marker its text field holds.
    pub fn body(&self, fields: &IndexFields) -> &str {
        self.texts
            .iter()
            .find(|(stored, _)| *stored == fields.body)
            .map(|(_, text)| split_marker(text).1)
            .unwrap_or_default()
    }

    /// The whole stored article.
    pub fn article(&self, fields: &IndexFields) -> Result<Article, IndexError> {
        let mut article = record::decode_article(self.record()?)?;
        article.body = self.body(fields).to_string();
        Ok(article)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Caption, Entity, EntityKind, LiveEntry};
    use crate::index::fields::ARTICLE_SOURCES;

    /// The catalogue accepts the sources it lists: each must give an
    /// article that has every field its values.
    #[test]
    fn every_source_the_catalogue_accepts_gives_values() {
        let article = Article {
            id: "a1".into(),
            url: Some("https://news.example/a1".into()),
            source: Some("Example Wire".into()),
            language: Some("en".into()),
            title: "Title".into(),
            summary: Some("Summary".into()),
            body: "Body".into(),
            captions: vec![Caption {
                text: "Caption".into(),
                credit: None,
            }],
            authors: vec!["Author".into()],
            section: Some("World".into()),
            tags: vec!["Tag".into()],
            entries: vec![LiveEntry {
                headline: "Entry".into(),
                body: "Entry body".into(),
                ..LiveEntry::default()
            }],
            entities: EntityKind::ALL
                .into_iter()
                .map(|kind| Entity {
                    kind,
                    name: format!("A {}", kind.as_str()),
                })
                .collect(),
            ..Article::default()
        };
        let entity_sources: Vec<String> = EntityKind::ALL
            .into_iter()
            .map(|kind| format!("entities.{}", kind.as_str()))
            .collect();
        for source in ARTICLE_SOURCES
            .iter()
            .copied()
            .chain(entity_sources.iter().map(String::as_str))
        {
            assert!(crate::index::fields::is_article_source(source), "{source}");
            assert!(!source_values(&article, source).is_empty(), "{source}");
        }
        assert!(!crate::index::fields::is_article_source("topics"));
        assert!(!crate::index::fields::is_article_source("entities.colour"));
    }
}
