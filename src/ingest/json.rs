//! JSON and NDJSON articles, in newsdex's own shape or a news API's.
//!
//! The accepted field names come from `schema/article.schema.json`: each
//! property's name and its `x-newsdex-aliases`. The first of them present in a
//! record gives the value, coerced by the property's declared type, so a
//! NewsAPI, Guardian, NYT or schema.org record reads without a converter.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::dates::{DateError, parse_datetime};
use super::{FieldError, Location, Record, RecordResult};
use crate::article::{Article, Caption, Entity, EntityKind, LiveEntry};

/// The article input contract, read once from the schema file.
pub const ARTICLE_SCHEMA: &str = include_str!("../../schema/article.schema.json");

/// How a property's JSON value is read, derived from its declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Text,
    TextList,
    DateTime,
    Integer,
    Objects,
}

#[derive(Debug)]
struct Property {
    name: String,
    kind: ValueKind,
    /// The name itself first, then its aliases, each split on dots.
    paths: Vec<Vec<String>>,
}

static PROPERTIES: LazyLock<Vec<Property>> = LazyLock::new(|| {
    // The schema is compiled in, so a broken file fails every test at once.
    let schema: Value = serde_json::from_str(ARTICLE_SCHEMA).unwrap_or(Value::Null);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, definition)| {
            let aliases = definition
                .get("x-newsdex-aliases")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            Property {
                name: name.clone(),
                kind: value_kind(definition),
                paths: std::iter::once(name.as_str())
                    .chain(aliases)
                    .map(|path| path.split('.').map(str::to_string).collect())
                    .collect(),
            }
        })
        .collect()
});

fn value_kind(definition: &Value) -> ValueKind {
    let declared = definition.get("type").and_then(Value::as_str);
    match declared {
        Some("integer") => ValueKind::Integer,
        Some("string") if definition.get("format").and_then(Value::as_str) == Some("date-time") => {
            ValueKind::DateTime
        }
        Some("array") => {
            let item_type = definition.pointer("/items/type").and_then(Value::as_str);
            if item_type == Some("string") {
                ValueKind::TextList
            } else {
                ValueKind::Objects
            }
        }
        _ => ValueKind::Text,
    }
}

/// Whether a JSON document is a JSON Feed (jsonfeed.org) rather than articles.
pub fn is_json_feed(text: &str) -> bool {
    let head: String = text.chars().take(512).collect();
    head.contains("jsonfeed.org/version")
}

/// Reads a JSON document: one article, an array of them, or an API response
/// that wraps them (`articles`, `results`, `response.docs`, `hits.hits`, …).
pub fn read_json(text: &str, location: &Location, zone: Tz) -> Vec<RecordResult> {
    let document: Value = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            return vec![Err(FieldError::record(format!("invalid JSON: {error}"))
                .at(location.with_line(error.line())))];
        }
    };
    let records = unwrap_records(document);
    records
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let location = location.with_record(index + 1);
            article_from_value(value, zone)
                .map(|article| Record {
                    article,
                    location: location.clone(),
                })
                .map_err(|error| error.at(location))
        })
        .collect()
}

/// Reads one JSON article per line; blank lines are skipped.
pub fn read_ndjson(text: &str, location: &Location, zone: Tz) -> Vec<RecordResult> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| read_ndjson_line(line, location.with_line(index + 1), zone))
        .collect()
}

/// One line of NDJSON, found at `location`.
pub fn read_ndjson_line(line: &str, location: Location, zone: Tz) -> RecordResult {
    serde_json::from_str::<Value>(line)
        .map_err(|error| FieldError::record(format!("invalid JSON: {error}")))
        .and_then(|value| article_from_value(value, zone))
        .map(|article| Record {
            article,
            location: location.clone(),
        })
        .map_err(|error| error.at(location))
}

const WRAPPER_KEYS: &[&str] = &[
    "articles", "results", "items", "data", "docs", "hits", "response",
];

fn unwrap_records(document: Value) -> Vec<Value> {
    match document {
        Value::Array(values) => values,
        Value::Object(mut object) => {
            let is_article = ["title", "headline", "body", "content", "text", "webTitle"]
                .iter()
                .any(|key| object.contains_key(*key));
            if !is_article
                && let Some(key) = WRAPPER_KEYS.iter().find(|key| {
                    object
                        .get(**key)
                        .is_some_and(|inner| inner.is_array() || inner.is_object())
                })
                && let Some(inner) = object.remove(*key)
            {
                return unwrap_records(inner)
                    .into_iter()
                    .map(unwrap_search_hit)
                    .collect();
            }
            vec![Value::Object(object)]
        }
        other => vec![other],
    }
}

/// An Elasticsearch hit carries the article under `_source`.
fn unwrap_search_hit(value: Value) -> Value {
    match value {
        Value::Object(mut object) if object.contains_key("_source") => {
            let id = object.remove("_id");
            let mut source = object.remove("_source").unwrap_or(Value::Null);
            if let (Some(id), Some(source)) = (id, source.as_object_mut()) {
                source.entry("id").or_insert(id);
            }
            source
        }
        other => other,
    }
}

/// Maps one JSON record to an article, field by field.
pub fn article_from_value(value: Value, zone: Tz) -> Result<Article, FieldError> {
    let Value::Object(object) = value else {
        return Err(FieldError::record(format!(
            "expected a JSON object, found {}",
            type_name(&value)
        )));
    };
    let mut article = Article::default();
    for property in PROPERTIES.iter() {
        let Some(found) = property
            .paths
            .iter()
            .find_map(|path| lookup(&object, path).filter(|value| !is_empty(value)))
        else {
            continue;
        };
        assign(&mut article, property, found, zone)?;
    }
    if article.title.is_empty() && article.body.is_empty() {
        return Err(FieldError::new(
            "title",
            "missing: a record needs a title or a body",
        ));
    }
    Ok(article)
}

fn lookup<'a>(object: &'a Map<String, Value>, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = object.get(first)?;
    for key in rest {
        value = value.get(key)?;
    }
    Some(value)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(values) => values.is_empty(),
        _ => false,
    }
}

fn assign(
    article: &mut Article,
    property: &Property,
    value: &Value,
    zone: Tz,
) -> Result<(), FieldError> {
    let name = property.name.as_str();
    match property.kind {
        ValueKind::Text => {
            let text = read_text(value).ok_or_else(|| expected(name, "a string", value))?;
            match name {
                "id" => article.id = text,
                "url" => article.url = Some(text),
                "source" => article.source = Some(text),
                "language" => article.language = Some(normalize_language(&text)),
                "title" => article.title = text,
                "summary" => article.summary = Some(text),
                "body" => article.body = text,
                "section" => article.section = Some(text),
                _ => {}
            }
        }
        ValueKind::TextList => {
            let values = read_text_list(name, value)
                .ok_or_else(|| expected(name, "a string or a list of strings", value))?;
            match name {
                "authors" => article.authors = values,
                "tags" => article.tags = values,
                _ => {}
            }
        }
        ValueKind::DateTime => {
            let time = read_datetime(value, zone)
                .map_err(|reason| FieldError::new(name, reason.to_string()))?;
            match name {
                "published_at" => article.published_at = Some(time),
                "updated_at" => article.updated_at = Some(time),
                _ => {}
            }
        }
        ValueKind::Integer => {
            let minutes =
                read_integer(value).ok_or_else(|| expected(name, "a whole number", value))?;
            if name == "reading_time" {
                article.reading_time = Some(minutes);
            }
        }
        ValueKind::Objects => match name {
            "captions" => article.captions = read_captions(value)?,
            "entities" => article.entities = read_entities(value)?,
            "entries" => article.entries = read_entries(value, zone)?,
            _ => {}
        },
    }
    Ok(())
}

fn expected(field: &str, wanted: &str, found: &Value) -> FieldError {
    FieldError::new(
        field,
        format!("expected {wanted}, found {}", type_name(found)),
    )
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keys under which APIs nest the text of a named thing.
const NAME_KEYS: &[&str] = &[
    "name", "main", "value", "term", "label", "text", "webTitle", "original",
];

fn read_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => NAME_KEYS
            .iter()
            .find_map(|key| object.get(*key).and_then(Value::as_str))
            .map(|text| text.trim().to_string()),
        _ => None,
    }
}

fn read_text_list(field: &str, value: &Value) -> Option<Vec<String>> {
    let mut values = match value {
        Value::String(text) if field == "authors" => split_byline(text),
        Value::String(text) => text
            .split([',', ';'])
            .map(|item| item.trim().to_string())
            .collect(),
        Value::Array(items) => items.iter().map(read_text).collect::<Option<Vec<_>>>()?,
        Value::Object(_) if field == "authors" => split_byline(&read_text(value)?),
        Value::Object(_) => vec![read_text(value)?],
        _ => return None,
    };
    values.retain(|item| !item.is_empty());
    dedupe(&mut values);
    Some(values)
}

/// "By Jane Doe, John Roe and Ann Poe" → three names.
pub fn split_byline(byline: &str) -> Vec<String> {
    let trimmed = byline.trim();
    let without_by = trimmed
        .strip_prefix("By ")
        .or_else(|| trimmed.strip_prefix("by "))
        .or_else(|| trimmed.strip_prefix("BY "))
        .unwrap_or(trimmed);
    without_by
        .split(',')
        .flat_map(|part| part.split(" and "))
        .flat_map(|part| part.split(" & "))
        .map(|name| name.trim().trim_start_matches("and ").trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

fn dedupe(values: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|value| seen.insert(value.to_lowercase()));
}

fn read_datetime(value: &Value, zone: Tz) -> Result<DateTime<FixedOffset>, DateError> {
    match value {
        Value::String(text) => parse_datetime(text, zone),
        Value::Number(number) => parse_datetime(&number.to_string(), zone),
        other => Err(DateError::NotADate(type_name(other))),
    }
}

fn read_integer(value: &Value) -> Option<u32> {
    match value {
        Value::Number(number) => number.as_u64().and_then(|n| u32::try_from(n).ok()),
        // "4 min read"
        Value::String(text) => {
            let digits: String = text
                .trim()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        }
        _ => None,
    }
}

fn read_captions(value: &Value) -> Result<Vec<Caption>, FieldError> {
    let Value::Array(items) = value else {
        return Err(expected("captions", "an array", value));
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(text) => Ok(Caption {
                text: text.trim().to_string(),
                credit: None,
            }),
            Value::Object(object) => Ok(Caption {
                text: object
                    .get("text")
                    .or_else(|| object.get("caption"))
                    .and_then(read_text)
                    .unwrap_or_default(),
                credit: object.get("credit").and_then(read_text),
            }),
            other => Err(expected("captions", "a string or an object", other)),
        })
        .collect()
}

fn read_entities(value: &Value) -> Result<Vec<Entity>, FieldError> {
    let Value::Array(items) = value else {
        return Err(expected("entities", "an array", value));
    };
    items
        .iter()
        .map(|item| {
            let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
            let kind = EntityKind::ALL
                .into_iter()
                .find(|candidate| candidate.as_str() == kind.to_ascii_lowercase())
                .ok_or_else(|| {
                    FieldError::new(
                        "entities.type",
                        format!(
                            "unknown entity type {kind:?}; expected person, org, location or misc"
                        ),
                    )
                })?;
            let name = item
                .get("name")
                .and_then(read_text)
                .filter(|name| !name.is_empty())
                .ok_or_else(|| FieldError::new("entities.name", "missing"))?;
            Ok(Entity { kind, name })
        })
        .collect()
}

fn read_entries(value: &Value, zone: Tz) -> Result<Vec<LiveEntry>, FieldError> {
    let Value::Array(items) = value else {
        return Err(expected("entries", "an array", value));
    };
    items
        .iter()
        .map(|item| {
            let text = |key: &str| item.get(key).and_then(read_text);
            let time = match item.get("time").filter(|value| !is_empty(value)) {
                Some(time) => Some(
                    read_datetime(time, zone)
                        .map_err(|reason| FieldError::new("entries.time", reason.to_string()))?,
                ),
                None => None,
            };
            Ok(LiveEntry {
                time,
                headline: text("headline").unwrap_or_default(),
                body: text("body").unwrap_or_default(),
                author: text("author"),
            })
        })
        .collect()
}

/// "en-GB" → "en"; "English" stays as given, lower-cased.
pub fn normalize_language(raw: &str) -> String {
    raw.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_schema_property_is_read() {
        let names: Vec<&str> = PROPERTIES.iter().map(|p| p.name.as_str()).collect();
        for name in [
            "id",
            "url",
            "source",
            "language",
            "title",
            "summary",
            "body",
            "captions",
            "authors",
            "section",
            "tags",
            "published_at",
            "updated_at",
            "reading_time",
            "entities",
            "entries",
        ] {
            assert!(names.contains(&name), "{name} missing from the schema");
        }
        let published = PROPERTIES
            .iter()
            .find(|p| p.name == "published_at")
            .unwrap();
        assert_eq!(published.kind, ValueKind::DateTime);
    }

    #[test]
    fn news_api_field_names_are_accepted() {
        let article = article_from_value(
            json!({
                "source": {"id": "bbc-news", "name": "BBC News"},
                "author": "By Jane Doe and John Roe",
                "headline": "Markets rally",
                "description": "Shares rose.",
                "content": "Shares rose across Europe.",
                "publishedAt": "2025-02-18T10:25:00Z",
                "keywords": "markets, europe; shares",
                "lang": "en-GB"
            }),
            Tz::UTC,
        )
        .unwrap();
        assert_eq!(article.source.as_deref(), Some("BBC News"));
        assert_eq!(article.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(article.title, "Markets rally");
        assert_eq!(article.summary.as_deref(), Some("Shares rose."));
        assert_eq!(article.tags, ["markets", "europe", "shares"]);
        assert_eq!(article.language.as_deref(), Some("en"));
    }

    #[test]
    fn bad_fields_are_named() {
        let error =
            article_from_value(json!({"title": "t", "publishedAt": "soon"}), Tz::UTC).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("published_at"));
        let error = article_from_value(json!({"title": ["a"]}), Tz::UTC).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("title"));
        let error = article_from_value(json!({"summary": "only"}), Tz::UTC).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("title"));
    }
}
