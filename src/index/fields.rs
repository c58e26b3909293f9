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

use super::analysis::{FOLDED_ANALYZER, KEYWORD_ANALYZER, LANGUAGE_ANALYZER};

pub const FIELD_DEFINITIONS: &str = include_str!("../../schema/index.fields.json");

/// Suffix of the searchable text field that accompanies every facet field.
pub const TEXT_SUFFIX: &str = "_text";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Facet,
    Keyword,
    Date,
    Tiebreak,
    Source,
    /// The unstemmed, accent-folded words of the `+`-joined source fields,
    /// documents only (no frequencies or positions): the dictionary where
    /// near spellings and completions of a query's words are looked up.
    Vocabulary,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldDefinition {
    pub name: String,
    pub kind: FieldKind,
    pub source: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "default_boost")]
    pub boost: f32,
    #[serde(default)]
    pub default_search: bool,
    /// For text: the field's text is also kept in the document store.
    #[serde(default)]
    pub stored: bool,
}

fn default_boost() -> f32 {
    1.0
}

#[derive(Debug, Deserialize)]
pub struct FieldDefinitions {
    pub schema_version: u32,
    pub fields: Vec<FieldDefinition>,
}

/// The declared fields. The file is compiled in; a test reads it, so a
/// broken file cannot ship.
pub static DEFINITIONS: LazyLock<FieldDefinitions> = LazyLock::new(|| {
    serde_json::from_str(FIELD_DEFINITIONS).unwrap_or(FieldDefinitions {
        schema_version: 0,
        fields: Vec::new(),
    })
});

/// A declared field with its tantivy fields.
#[derive(Debug, Clone)]
pub struct IndexField {
    pub definition: FieldDefinition,
    /// The main tantivy field: analysed text, exact keyword, date or source.
    pub field: Field,
    /// For facets, the searchable text field beside the exact one.
    pub text_field: Option<Field>,
}

/// The tantivy schema of a newsdex index and its fields by name.
#[derive(Debug, Clone)]
pub struct IndexFields {
    pub schema: Schema,
    pub fields: Vec<IndexField>,
    by_name: HashMap<String, usize>,
    pub id: Field,
    pub id_order: Field,
    pub source: Field,
    /// The body's text field, which also stores it (the article's record
    /// lacks it).
    pub body: Field,
    pub published_at: Field,
    /// Where near spellings and completions are looked up, when declared.
    pub vocabulary: Option<Field>,
}

impl IndexFields {
    pub fn build() -> Result<IndexFields, String> {
        let definitions = &*DEFINITIONS;
        if definitions.fields.is_empty() {
            return Err("schema/index.fields.json declares no fields".to_string());
        }
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
                .ok_or_else(|| format!("schema/index.fields.json lacks the {source} field"))
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
                .ok_or("schema/index.fields.json lacks a stored body text field")?,
            published_at: find(FieldKind::Date, "published_at")?,
            vocabulary: fields
                .iter()
                .find(|field| field.definition.kind == FieldKind::Vocabulary)
                .map(|field| field.field),
            schema,
            by_name,
            fields,
        })
    }

    /// A field by its name or one of its aliases.
    pub fn get(&self, name: &str) -> Option<&IndexField> {
        self.by_name.get(name).map(|index| &self.fields[*index])
    }

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

    /// Whether a query may name `name` (a field or an alias) as a field.
    pub fn is_queryable(&self, name: &str) -> bool {
        self.get(name).is_some_and(|field| {
            !matches!(
                field.definition.kind,
                FieldKind::Source | FieldKind::Tiebreak | FieldKind::Vocabulary
            )
        })
    }

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

    pub fn schema_version(&self) -> u32 {
        DEFINITIONS.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_fields_build_a_schema() {
        let fields = IndexFields::build().unwrap();
        assert!(DEFINITIONS.schema_version >= 1);
        assert_eq!(fields.get("tags").unwrap().definition.name, "tag");
        assert!(fields.get("tag").unwrap().text_field.is_some());
        assert!(fields.schema.get_field("person_text").is_ok());
        assert!(fields.facet_names().contains(&"location"));
    }
}
