//! The index fields, declared in `schema/index.fields.json`, and the tantivy
//! schema built from them. This is the only place that maps index fields to
//! tantivy fields.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, IndexRecordOption, STORED, Schema,
    TextFieldIndexing, TextOptions,
};

use crate::analysis::{FOLDED_ANALYZER, KEYWORD_ANALYZER, LANGUAGE_ANALYZER};

/// The field catalogue, `schema/index.fields.json`, compiled in.
pub const FIELD_DEFINITIONS: &str = include_str!("../../schema/index.fields.json");

/// Suffix of the searchable text field that accompanies every facet field.
pub const TEXT_SUFFIX: &str = "_text";

/// What a declared field is, and so how tantivy indexes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Analysed text, searched by words (stemmed per language).
    Text,
    /// Exact values to filter and count (tags, authors, entities), with a searchable text field beside them.
    Facet,
    /// An exact value looked up whole (the article id).
    Keyword,
    /// A date, for ranges, sorts and histograms.
    Date,
    /// A number derived from the id that breaks ties between hits.
    Tiebreak,
    /// The stored article record.
    Source,
    /// The unstemmed, accent-folded words of the `+`-joined source fields,
    /// documents only (no frequencies or positions): the dictionary where
    /// near spellings and completions of a query's words are looked up.
    Vocabulary,
}

/// One field as `schema/index.fields.json` declares it.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldDefinition {
    /// The field's name in queries, filters and facets.
    pub name: String,
    /// How it is indexed.
    pub kind: FieldKind,
    /// The article field (or fields, `+`-joined) it indexes.
    pub source: String,
    /// Other names it answers to (`tags` for `tag`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// How much a match in it weighs in relevance (1 by default).
    #[serde(default = "default_boost")]
    pub boost: f32,
    /// Whether bare words search it.
    #[serde(default)]
    pub default_search: bool,
    /// For text: the field's text is also kept in the document store.
    #[serde(default)]
    pub stored: bool,
}

fn default_boost() -> f32 {
    1.0
}

impl FieldDefinition {
    /// The entity kind whose names the field holds (`entities.KIND`), if
    /// it holds names.
    pub fn entity_kind(&self) -> Option<crate::article::EntityKind> {
        entity_kind_of(&self.source)
    }
}

/// The entity kind a source `entities.KIND` names.
pub(crate) fn entity_kind_of(source: &str) -> Option<crate::article::EntityKind> {
    let kind = source.strip_prefix("entities.")?;
    crate::article::EntityKind::ALL
        .into_iter()
        .find(|known| known.as_str() == kind)
}

/// The field catalogue as read.
#[derive(Debug, Deserialize)]
pub struct FieldDefinitions {
    /// Bumped when the layout changes; an index of another version must be rebuilt.
    pub schema_version: u32,
    /// The declared fields, in order.
    pub fields: Vec<FieldDefinition>,
}

/// The declared fields. The file is compiled in; a test reads it, so a
/// broken file cannot ship.
/// The catalogue, read and checked once.
static DEFINITIONS: LazyLock<Result<FieldDefinitions, CatalogueError>> =
    LazyLock::new(|| FieldDefinitions::parse(FIELD_DEFINITIONS));

/// The article fields a text, facet, keyword or tiebreak field may read
/// (`source`), besides `entities.KIND` for each entity kind; a vocabulary
/// field joins several with `+`. `document::source_values` gives each its
/// values.
pub const ARTICLE_SOURCES: &[&str] = &[
    "id", "url", "title", "summary", "body", "entries", "captions", "tags", "authors", "section",
    "source", "language",
];

/// Whether `source` names an article field [`ARTICLE_SOURCES`] or an
/// entity kind gives.
pub fn is_article_source(source: &str) -> bool {
    ARTICLE_SOURCES.contains(&source) || entity_kind_of(source).is_some()
}

/// Why the field catalogue (`schema/index.fields.json`) cannot make an
/// index: the field at fault, when one is, and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("schema/index.fields.json: {reason}")]
pub struct CatalogueError {
    /// The declared field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl CatalogueError {
    fn new(field: Option<&str>, reason: impl Into<String>) -> CatalogueError {
        CatalogueError {
            field: field.map(str::to_string),
            reason: reason.into(),
        }
    }
}

impl FieldDefinitions {
    /// The catalogue in `text`, refused with the reason when a field could
    /// not index anything as declared.
    pub fn parse(text: &str) -> Result<FieldDefinitions, CatalogueError> {
        let definitions: FieldDefinitions = serde_json::from_str(text)
            .map_err(|error| CatalogueError::new(None, error.to_string()))?;
        definitions.check()?;
        Ok(definitions)
    }

    fn check(&self) -> Result<(), CatalogueError> {
        if self.fields.is_empty() {
            return Err(CatalogueError::new(None, "no fields are declared"));
        }
        let mut names = std::collections::HashSet::new();
        for field in &self.fields {
            let refuse = |reason: String| Err(CatalogueError::new(Some(&field.name), reason));
            for name in std::iter::once(&field.name).chain(&field.aliases) {
                if !names.insert(name.as_str()) {
                    return refuse(format!("the name `{name}` is declared twice"));
                }
            }
            let source = field.source.as_str();
            let readable = match field.kind {
                FieldKind::Text | FieldKind::Facet | FieldKind::Keyword | FieldKind::Tiebreak => {
                    is_article_source(source)
                }
                FieldKind::Date => matches!(source, "published_at" | "updated_at"),
                FieldKind::Vocabulary => source.split('+').all(is_article_source),
                FieldKind::Source => source == "*",
            };
            if !readable {
                return refuse(format!(
                    "field `{}` reads `{source}`, which is no article field a {:?} field can index (article fields: {}, entities.KIND; dates: published_at, updated_at)",
                    field.name,
                    field.kind,
                    ARTICLE_SOURCES.join(", ")
                ));
            }
            if !field.boost.is_finite() || field.boost < 0.0 {
                return refuse(format!(
                    "field `{}` has boost {}; a boost is a finite number, 0 or more",
                    field.name, field.boost
                ));
            }
            if field.stored && field.kind != FieldKind::Text {
                return refuse(format!(
                    "field `{}` is `stored`, which only text fields may be",
                    field.name
                ));
            }
        }
        Ok(())
    }
}

/// A declared field and the tantivy fields that hold it.
#[derive(Debug, Clone)]
pub struct IndexField {
    /// Its declaration.
    pub definition: FieldDefinition,
    /// The main tantivy field: analysed text, exact keyword, date or source.
    pub field: Field,
    /// For facets, the searchable text field beside the exact one.
    pub text_field: Option<Field>,
}

/// The tantivy schema of a newsdex index and its fields by name.
#[derive(Debug, Clone)]
pub struct IndexFields {
    /// The tantivy schema.
    pub schema: Schema,
    /// Every declared field, in order.
    pub fields: Vec<IndexField>,
    by_name: HashMap<String, usize>,
    /// The article id (exact).
    pub id: Field,
    /// The id-derived tiebreak column.
    pub id_order: Field,
    /// The stored article record.
    pub source: Field,
    /// The body's text field, which also stores it (the article's record
    /// lacks it).
    pub body: Field,
    /// The publication time.
    pub published_at: Field,
    /// Where near spellings and completions are looked up, when declared.
    pub vocabulary: Option<Field>,
    schema_version: u32,
}

impl IndexFields {
    /// The fields `schema/index.fields.json` declares.
    pub fn build() -> Result<IndexFields, CatalogueError> {
        IndexFields::from_definitions(DEFINITIONS.as_ref().map_err(Clone::clone)?)
    }

    /// The fields `definitions` declare, with the tantivy schema built for them.
    pub fn from_definitions(definitions: &FieldDefinitions) -> Result<IndexFields, CatalogueError> {
        let mut builder = Schema::builder();
        let mut fields = Vec::new();
        for definition in &definitions.fields {
            let name = definition.name.as_str();
            let (field, text_field) = match definition.kind {
                FieldKind::Text => {
                    // Positions for phrases; the text carries its language
                    // marker, which the tokenizer reads.
                    let indexing = TextFieldIndexing::default()
                        .set_tokenizer(LANGUAGE_ANALYZER)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                    let mut options = TextOptions::default().set_indexing_options(indexing);
                    if definition.stored {
                        options = options.set_stored();
                    }
                    (builder.add_text_field(name, options), None)
                }
                FieldKind::Facet => {
                    let exact = TextOptions::default()
                        .set_indexing_options(
                            TextFieldIndexing::default()
                                .set_tokenizer(KEYWORD_ANALYZER)
                                .set_index_option(IndexRecordOption::Basic),
                        )
                        .set_fast("raw");
                    let text = TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(FOLDED_ANALYZER)
                            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                    );
                    let exact_field = builder.add_text_field(name, exact);
                    let text_field = builder.add_text_field(&format!("{name}{TEXT_SUFFIX}"), text);
                    (exact_field, Some(text_field))
                }
                FieldKind::Keyword => {
                    let options = TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer("raw")
                            .set_index_option(IndexRecordOption::Basic),
                    );
                    (builder.add_text_field(name, options), None)
                }
                FieldKind::Date => {
                    let options = DateOptions::default()
                        .set_indexed()
                        .set_fast()
                        .set_precision(DateTimePrecision::Seconds);
                    (builder.add_date_field(name, options), None)
                }
                FieldKind::Tiebreak => (builder.add_u64_field(name, FAST), None),
                FieldKind::Source => (builder.add_bytes_field(name, STORED), None),
                FieldKind::Vocabulary => {
                    let options = TextOptions::default().set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer(FOLDED_ANALYZER)
                            .set_index_option(IndexRecordOption::Basic),
                    );
                    (builder.add_text_field(name, options), None)
                }
            };
            fields.push(IndexField {
                definition: definition.clone(),
                field,
                text_field,
            });
        }
        let schema = builder.build();
        let by_name: HashMap<String, usize> = fields
            .iter()
            .enumerate()
            .flat_map(|(index, field)| {
                std::iter::once(field.definition.name.clone())
                    .chain(field.definition.aliases.iter().cloned())
                    .map(move |name| (name, index))
            })
            .collect();
        let find = |kind: FieldKind, source: &str| {
            fields
                .iter()
                .find(|field| field.definition.kind == kind && field.definition.source == source)
                .map(|field| field.field)
                .ok_or_else(|| CatalogueError::new(None, format!("the {source} field is missing")))
        };
        Ok(IndexFields {
            id: find(FieldKind::Keyword, "id")?,
            id_order: find(FieldKind::Tiebreak, "id")?,
            source: find(FieldKind::Source, "*")?,
            body: fields
                .iter()
                .find(|field| {
                    field.definition.kind == FieldKind::Text
                        && field.definition.source == "body"
                        && field.definition.stored
                })
                .map(|field| field.field)
                .ok_or_else(|| CatalogueError::new(None, "a stored body text field is missing"))?,
            published_at: find(FieldKind::Date, "published_at")?,
            vocabulary: fields
                .iter()
                .find(|field| field.definition.kind == FieldKind::Vocabulary)
                .map(|field| field.field),
            schema_version: definitions.schema_version,
            schema,
            by_name,
            fields,
        })
    }

    /// A field by its name or one of its aliases.
    pub fn get(&self, name: &str) -> Option<&IndexField> {
        self.by_name.get(name).map(|index| &self.fields[*index])
    }

    /// The declared fields of one kind, in order.
    pub fn of_kind(&self, kind: FieldKind) -> impl Iterator<Item = &IndexField> {
        self.fields
            .iter()
            .filter(move |field| field.definition.kind == kind)
    }

    /// Names of the facet fields, in declaration order.
    pub fn facet_names(&self) -> Vec<&str> {
        self.of_kind(FieldKind::Facet)
            .map(|field| field.definition.name.as_str())
            .collect()
    }

    /// Names a query can use in `field:value`.
    /// The name of the facet field that `name` (a facet's name or one of
    /// its aliases: `tags`, `lang`, `people`) declares, if any.
    pub fn facet_name(&self, name: &str) -> Option<&str> {
        self.get(name)
            .filter(|field| field.definition.kind == FieldKind::Facet)
            .map(|field| field.definition.name.as_str())
    }

    /// Whether bare words can search `field`: a text field, or a facet's
    /// searchable text.
    pub fn is_searchable(&self, field: &IndexField) -> bool {
        field.definition.kind == FieldKind::Text
            || (field.definition.kind == FieldKind::Facet && field.text_field.is_some())
    }

    /// Names of the fields bare words can search, in declaration order.
    pub fn searchable_names(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|field| self.is_searchable(field))
            .map(|field| field.definition.name.as_str())
            .collect()
    }

    /// Whether a query may name `name` (a field or an alias) as a field.
    pub fn is_queryable(&self, name: &str) -> bool {
        self.get(name).is_some_and(|field| {
            !matches!(
                field.definition.kind,
                FieldKind::Source | FieldKind::Tiebreak | FieldKind::Vocabulary
            )
        })
    }

    /// Every name and alias a `field:value` query may use.
    pub fn queryable_names(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|field| {
                !matches!(
                    field.definition.kind,
                    FieldKind::Source | FieldKind::Tiebreak | FieldKind::Vocabulary
                )
            })
            .map(|field| field.definition.name.as_str())
            .collect()
    }

    /// The catalogue's schema version.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_fields_build_a_schema() {
        let fields = IndexFields::build().unwrap();
        assert!(fields.schema_version() >= 1);
        assert_eq!(fields.get("tags").unwrap().definition.name, "tag");
        assert!(fields.get("tag").unwrap().text_field.is_some());
        assert!(fields.schema.get_field("person_text").is_ok());
        assert!(fields.facet_names().contains(&"location"));
    }

    /// The shipped catalogue with `edit` applied to its JSON.
    fn edited(
        edit: impl FnOnce(&mut serde_json::Value),
    ) -> Result<FieldDefinitions, CatalogueError> {
        let mut json: serde_json::Value = serde_json::from_str(FIELD_DEFINITIONS).unwrap();
        edit(&mut json);
        FieldDefinitions::parse(&json.to_string())
    }

    #[test]
    fn a_field_that_could_index_nothing_is_refused_with_the_reason() {
        let field = |json: &mut serde_json::Value, name: &str| -> serde_json::Value {
            json["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|field| field["name"] == name)
                .cloned()
                .unwrap()
        };
        let push = |json: &mut serde_json::Value, field: serde_json::Value| {
            json["fields"].as_array_mut().unwrap().push(field);
        };
        let error = edited(|json| {
            let mut tag = field(json, "tag");
            tag["name"] = "topic".into();
            tag["aliases"] = serde_json::json!([]);
            tag["source"] = "topics".into();
            push(json, tag);
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("field `topic` reads `topics`"),
            "{error}"
        );
        assert_eq!(error.field.as_deref(), Some("topic"));
        let error = edited(|json| {
            let mut person = field(json, "person");
            person["name"] = "people2".into();
            person["aliases"] = serde_json::json!(["tags"]);
            push(json, person);
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("`tags` is declared twice"),
            "{error}"
        );
        let error = edited(|json| {
            let mut date = field(json, "published_at");
            date["name"] = "filed_at".into();
            date["aliases"] = serde_json::json!([]);
            date["source"] = "filed".into();
            push(json, date);
        })
        .unwrap_err();
        assert!(
            error.to_string().contains("`filed_at` reads `filed`"),
            "{error}"
        );
        let error = edited(|json| json["fields"] = serde_json::json!([])).unwrap_err();
        assert!(error.to_string().contains("no fields"), "{error}");
        let error = edited(|json| json["fields"][0]["kind"] = "texte".into()).unwrap_err();
        assert!(
            error.to_string().contains("unknown variant `texte`"),
            "{error}"
        );
        assert!(edited(|_| {}).is_ok());
    }
}
