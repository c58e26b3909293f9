//! `GET/PUT/DELETE /articles/{id}` and `POST /articles` (JSON or NDJSON,
//! read by the same readers as the CLI).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, ErrorCode};
use super::params;
use crate::article::{Article, valid_id};
use crate::index::{Ingested, WriteOutcome};
use crate::ingest::{Format, Limits, ReadOptions, read_bytes};

/// The path's id, checked as every reader checks ids.
fn path_id(raw: &str) -> Result<String, ApiError> {
    valid_id(raw).map_err(|reason| {
        ApiError::new(
            ErrorCode::BadRequest,
            format!("invalid article id {raw:?}: {reason}"),
        )
    })
}

pub async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Article>, ApiError> {
    let id = path_id(&id)?;
    let lookup = id.clone();
    match state.read(move |index| Ok(index.get(&lookup)?)).await? {
        Some(article) => Ok(Json(article)),
        None => Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no article with id {id:?}"),
        )),
    }
}

/// The parameters of the write routes.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct WriteParams {
    /// Searchable before the response (`?refresh=true`), rather than
    /// within the commit interval.
    #[serde(deserialize_with = "params::switch")]
    refresh: Option<bool>,
}

/// The parameters of `POST /articles`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PostParams {
    #[serde(deserialize_with = "params::switch")]
    refresh: Option<bool>,
    /// The reader, whatever the Content-Type says.
    format: Option<String>,
    /// CSV column names, comma-separated, for a body without a header row.
    columns: Option<String>,
}

/// Types that say nothing of the body (curl's `-d` default among them):
/// the body's content decides between the structured formats.
const UNSPECIFIED_TYPES: &[&str] = &[
    "",
    "*/*",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
];

/// The reader for a body: `?format=` first, then its Content-Type.
fn body_format(
    format: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> Result<Option<Format>, ApiError> {
    if let Some(name) = format {
        return name.parse::<Format>().map(Some).map_err(|error| {
            ApiError::new(ErrorCode::BadRequest, error.to_string())
                .with_details(json!({ "parameter": "format" }))
        });
    }
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if let Some(format) = Format::from_media_type(&media_type) {
        return Ok(Some(format));
    }
    if UNSPECIFIED_TYPES.contains(&media_type.as_str()) {
        // JSON unless the content is plainly another structured format;
        // page text must say so (`text/plain`).
        let head = String::from_utf8_lossy(&body[..body.len().min(4096)]);
        return Ok(match Format::sniff(&head) {
            Format::Page => Some(Format::Json),
            _ => None,
        });
    }
    let known: Vec<&str> = Format::MEDIA_TYPES.iter().map(|(name, _)| *name).collect();
    Err(ApiError::new(
        ErrorCode::UnsupportedMediaType,
        format!(
            "no reader for Content-Type {media_type:?}; send one of {}, or name the reader with ?format= ({})",
            known.join(", "),
            Format::NAMES
        ),
    ))
}

/// Whether the request asks for its writes to be searchable before the
/// response.
fn wants_refresh(query: Option<&str>) -> Result<bool, ApiError> {
    let WriteParams { refresh } = params::decode(query)?;
    Ok(refresh.unwrap_or(false))
}

pub async fn put_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = path_id(&id)?;
    let body = body
        .map_err(|rejection| ApiError::rejected_body(rejection.status(), rejection.body_text()))?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|error| ApiError::new(ErrorCode::BadRequest, format!("invalid JSON: {error}")))?;
    let mut article =
        crate::ingest::json::article_from_value(value, state.config.zone).map_err(|error| {
            let field = error.field.clone();
            ApiError::new(ErrorCode::InvalidRecords, error.reason.clone())
                .with_details(json!({ "field": field }))
        })?;
    if !article.id.trim().is_empty() && article.id.trim() != id {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!(
                "the body's id {:?} differs from the path's {id:?}",
                article.id
            ),
        ));
    }
    article.id = id;
    let refresh = wants_refresh(query.as_deref())?;
    let (id, outcome) = state
        .write(refresh, move |writer| {
            let outcome = writer.upsert(&article)?;
            Ok((article.id, outcome))
        })
        .await?;
    let (status, result) = match outcome {
        WriteOutcome::Created => (StatusCode::CREATED, "created"),
        WriteOutcome::Updated => (StatusCode::OK, "updated"),
    };
    Ok((status, Json(json!({ "id": id, "result": result }))))
}

pub async fn delete_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = path_id(&id)?;
    let refresh = wants_refresh(query.as_deref())?;
    let target = id.clone();
    let existed = state
        .write(refresh, move |writer| Ok(writer.delete(&target)?))
        .await?;
    if !existed {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("no article with id {id:?}"),
        ));
    }
    Ok(Json(json!({ "id": id, "result": "deleted" })))
}

/// Ingests a JSON document (one article, an array, an API response) or
/// NDJSON. Good records land even when others are rejected; the answer
/// lists every record's result, and is 422 when any was rejected.
pub async fn post_articles(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = body
        .map_err(|rejection| ApiError::rejected_body(rejection.status(), rejection.body_text()))?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let PostParams {
        refresh,
        format,
        columns,
    } = params::decode(query.as_deref())?;
    let format = body_format(format.as_deref(), content_type, &body)?;
    let options = ReadOptions {
        format,
        zone: state.config.zone,
        limits: Limits {
            // A gzip body may inflate to 8× the body limit, no further.
            max_text_bytes: state.config.max_body_bytes.saturating_mul(8),
            ..Limits::default()
        },
        columns: columns.map(|names| {
            names
                .split(',')
                .map(|name| name.trim().to_string())
                .collect()
        }),
    };
    let refresh = refresh.unwrap_or(false);
    // Records are read on the blocking pool before the writer is taken.
    let records = tokio::task::spawn_blocking(move || read_bytes(&body, "body", &options)).await?;
    let total = records.len();
    let (items, report) = state
        .write(refresh, move |writer| {
            let mut items: Vec<Value> = Vec::with_capacity(total);
            let records = records
                .into_iter()
                .map(|record| record.map(|record| record.article));
            let report = writer.ingest(records, false, |event| {
                items.push(match event {
                    Ingested::Written {
                        record,
                        id,
                        outcome,
                    } => json!({
                        "record": record,
                        "id": id,
                        "result": match outcome {
                            WriteOutcome::Created => "created",
                            WriteOutcome::Updated => "updated",
                        },
                    }),
                    Ingested::Rejected { record, error } => json!({
                        "record": record,
                        "error": { "field": error.field, "message": error.to_string() },
                    }),
                });
            })?;
            // Rejected records are told as they are read, written ones a
            // batch later: the answer lists them in the body's order.
            items.sort_by_key(|item| item["record"].as_u64());
            Ok((items, report))
        })
        .await?;
    let rejected = report.rejected;
    if rejected > 0 {
        let total = items.len() as u64;
        let message = match total - rejected {
            0 if total == 1 => "the record was rejected; nothing was indexed".to_string(),
            0 => format!("all {total} records were rejected; nothing was indexed"),
            1 => format!("{rejected} of {total} records were rejected; the other was indexed"),
            kept => format!(
                "{rejected} of {total} records were rejected; the other {kept} were indexed"
            ),
        };
        return Err(ApiError::new(ErrorCode::InvalidRecords, message)
            .with_details(json!({ "items": items })));
    }
    Ok(Json(json!({ "items": items })))
}
