//! Query strings decoded by serde, one way for every route.
//!
//! `serde_html_form` reads repeated keys into lists and typed values
//! (numbers, enums) from text; `serde_path_to_error` names the parameter a
//! value failed in. A struct that denies unknown fields refuses a
//! misspelt parameter with the list of those it takes.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};

use super::error::{ApiError, ErrorCode};

/// The query string's parameters as `T`, or a 400 naming the parameter and
/// the reason.
pub fn decode<T: DeserializeOwned>(query: Option<&str>) -> Result<T, ApiError> {
    let deserializer = serde_html_form::Deserializer::from_bytes(query.unwrap_or("").as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let reason = error.into_inner();
        let message = if path == "." {
            format!("invalid query parameters: {reason}")
        } else {
            format!("invalid query parameter `{path}`: {reason}")
        };
        ApiError::new(ErrorCode::BadRequest, message)
    })
}

/// Every key and value, in order (for routes whose keys include the field
/// catalogue's names).
pub fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    decode(query)
}

/// A list given as repeated keys, comma-separated, or both
/// (`facets=tag,source`, `facets=tag&facets=source`); in JSON, an array.
pub fn comma_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    optional_comma_list(deserializer).map(Option::unwrap_or_default)
}

/// [`comma_list`] for an optional list (JSON `null` is none).
pub fn optional_comma_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<String>>, D::Error> {
    let items: Option<Vec<String>> = Option::deserialize(deserializer)?;
    Ok(items.map(|items| {
        items
            .iter()
            .flat_map(|item| item.split(','))
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect()
    }))
}

/// A switch: a JSON boolean, or `true`/`false`, `1`/`0`, `on`/`off`,
/// `yes`/`no` in a query string (an empty value, `?highlight`, is on).
pub fn switch<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Switch {
        Bool(bool),
        Text(String),
    }
    match Switch::deserialize(deserializer)? {
        Switch::Bool(value) => Ok(Some(value)),
        Switch::Text(text) => match text.as_str() {
            "" | "true" | "1" | "on" | "yes" => Ok(Some(true)),
            "false" | "0" | "off" | "no" => Ok(Some(false)),
            other => Err(D::Error::custom(format!(
                "expected true or false, got {other:?}"
            ))),
        },
    }
}
