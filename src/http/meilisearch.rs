//! The part of Meilisearch's HTTP API that search front ends use, mapped
//! onto newsdex's own search, so InstantSearch (through
//! `@meilisearch/instant-meilisearch`) and the `meilisearch` JavaScript
//! client work against newsdex unchanged:
//!
//! - `POST /multi-search`, `POST|GET /indexes/{uid}/search`: `q`, `filter`
//!   (see [`crate::query::meilisearch_filter`]), `facets` →
//!   `facetDistribution`, `attributesToHighlight` and the highlight tags →
//!   `_formatted`, `attributesToRetrieve`, `sort` on `published_at`, and
//!   both paginations (`limit`/`offset` → `estimatedTotalHits`,
//!   `page`/`hitsPerPage` → `totalHits`, `totalPages`);
//! - `POST /indexes/{uid}/facet-search`; `GET /indexes/{uid}`, `GET /indexes`.
//!
//! newsdex holds one index, whose uid is `articles`.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::{ApiError, ErrorCode};
use super::params;
use crate::index::fields::IndexFields;
use crate::query::meilisearch_filter::read_filter;
use crate::query::search::{MAX_LIMIT, Typo};
use crate::query::{SearchRequest, SearchResponse, Sort, search};

/// The uid of newsdex's one index.
pub const INDEX_UID: &str = "articles";

/// A Meilisearch search query, as a JSON body or a query string (lists
/// comma-separated there), with the fields newsdex reads; others are
/// accepted and ignored, as the clients send some newsdex has no use for.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MeiliQuery {
    index_uid: Option<String>,
    q: Option<String>,
    filter: Value,
    #[serde(deserialize_with = "params::optional_comma_list")]
    facets: Option<Vec<String>>,
    #[serde(deserialize_with = "params::optional_comma_list")]
    attributes_to_highlight: Option<Vec<String>>,
    #[serde(deserialize_with = "params::optional_comma_list")]
    attributes_to_crop: Option<Vec<String>>,
    #[serde(deserialize_with = "params::optional_comma_list")]
    attributes_to_retrieve: Option<Vec<String>>,
    highlight_pre_tag: Option<String>,
    highlight_post_tag: Option<String>,
    crop_marker: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    hits_per_page: Option<usize>,
    page: Option<usize>,
    #[serde(deserialize_with = "params::optional_comma_list")]
    sort: Option<Vec<String>>,
    #[serde(deserialize_with = "params::optional_comma_list")]
    attributes_to_search_on: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MultiSearch {
    queries: Vec<MeiliQuery>,
    federation: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FacetSearch {
    facet_name: String,
    facet_query: Option<String>,
}

/// An [`ApiError`] in Meilisearch's error shape: `{message, code, type,
/// link}`, which the clients read. Statuses stay those of newsdex's table.
pub struct MeiliError(ApiError);

impl From<ApiError> for MeiliError {
    fn from(error: ApiError) -> MeiliError {
        MeiliError(error)
    }
}

impl IntoResponse for MeiliError {
    fn into_response(self) -> Response {
        let code = self.0.code;
        let (meili_code, kind) = match code {
            ErrorCode::BadQuery => ("invalid_search_q", "invalid_request"),
            ErrorCode::InvalidFilter => ("invalid_search_filter", "invalid_request"),
            ErrorCode::InvalidSort => ("invalid_search_sort", "invalid_request"),
            ErrorCode::NotFound => ("index_not_found", "invalid_request"),
            ErrorCode::Unauthorized => ("missing_authorization_header", "auth"),
            ErrorCode::Forbidden => ("invalid_api_key", "auth"),
            ErrorCode::PayloadTooLarge => ("payload_too_large", "invalid_request"),
            ErrorCode::Internal => ("internal", "internal"),
            _ => ("bad_request", "invalid_request"),
        };
        let body = json!({
            "message": self.0.message,
            "code": meili_code,
            "type": kind,
            "link": format!("https://www.meilisearch.com/docs/reference/errors/error_codes#{meili_code}"),
        });
        (code.status(), Json(body)).into_response()
    }
}

fn check_index(uid: &str) -> Result<(), ApiError> {
    if uid == INDEX_UID {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::NotFound,
            format!("Index `{uid}` not found; newsdex serves one index, `{INDEX_UID}`."),
        ))
    }
}

/// The facet field a requested facet name counts (a facet's name or one of
/// its aliases in the catalogue; `*` for every facet), and the name to
/// answer it under.
fn facet_names(
    requested: &[String],
    fields: &IndexFields,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut names = Vec::new();
    for name in requested {
        if name == "*" {
            for field in fields.facet_names() {
                names.push((field.to_string(), field.to_string()));
            }
            continue;
        }
        let field = fields.facet_name(name).ok_or_else(|| {
            ApiError::new(
                ErrorCode::BadRequest,
                format!(
                    "`{name}` is not a facet; facets are {}",
                    fields.facet_names().join(", ")
                ),
            )
        })?;
        names.push((field.to_string(), name.clone()));
    }
    Ok(names)
}

/// A query turned into newsdex's search, with what the answer needs.
struct Translated {
    request: SearchRequest,
    facets: Vec<(String, String)>,
    /// `page`/`hitsPerPage` pagination rather than `limit`/`offset`.
    finite: Option<(usize, usize)>,
    limit: usize,
    offset: usize,
    query: MeiliQuery,
}

fn translate(query: MeiliQuery, fields: &IndexFields) -> Result<Translated, ApiError> {
    let filter = read_filter(&query.filter, fields)
        .map_err(|error| ApiError::new(ErrorCode::InvalidFilter, error.to_string()))?;
    let sort = match query.sort.as_deref() {
        None | Some([]) => Sort::Relevance,
        Some([only]) => match only.as_str() {
            "published_at:desc" => Sort::Newest,
            "published_at:asc" => Sort::Oldest,
            other => {
                return Err(ApiError::new(
                    ErrorCode::InvalidSort,
                    format!(
                        "cannot sort by `{other}`; newsdex sorts by relevance, `published_at:desc` or `published_at:asc`"
                    ),
                ));
            }
        },
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidSort,
                "newsdex sorts by one rule: `published_at:desc` or `published_at:asc`",
            ));
        }
    };
    let finite = (query.page.is_some() || query.hits_per_page.is_some()).then(|| {
        (
            query.page.unwrap_or(1).max(1),
            query.hits_per_page.unwrap_or(20),
        )
    });
    let (limit, offset) = match finite {
        Some((page, per_page)) => (per_page, (page - 1).saturating_mul(per_page)),
        None => (query.limit.unwrap_or(20), query.offset.unwrap_or(0)),
    };
    let facets = facet_names(query.facets.as_deref().unwrap_or_default(), fields)?;
    let highlight = query
        .attributes_to_highlight
        .as_ref()
        .is_some_and(|attributes| !attributes.is_empty())
        || query
            .attributes_to_crop
            .as_ref()
            .is_some_and(|attributes| !attributes.is_empty());
    let request = SearchRequest {
        q: query.q.clone().unwrap_or_default(),
        filters: filter.filters,
        from: filter.from,
        to: filter.to,
        sort,
        // A page of none still counts matches and facets.
        limit: limit.min(MAX_LIMIT),
        offset,
        facets: facets.iter().map(|(field, _)| field.clone()).collect(),
        highlight,
        // Meilisearch forgives typos and matches the last word as a prefix.
        typo: Typo::Auto,
        prefix: true,
        // `["*"]` (or none) is every searchable field.
        fields: query
            .attributes_to_search_on
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|name| name != "*")
            .collect(),
        ..SearchRequest::default()
    };
    Ok(Translated {
        request,
        facets,
        finite,
        limit,
        offset,
        query,
    })
}

/// `<mark>`-ed, HTML-escaped highlights in the client's tags, unescaped:
/// InstantSearch escapes what it shows itself.
fn retag(html: &str, pre: &str, post: &str) -> String {
    html.replace("<mark>", "\u{0}")
        .replace("</mark>", "\u{1}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace('\u{0}', pre)
        .replace('\u{1}', post)
}

fn answer(plan: &Translated, response: SearchResponse) -> Value {
    let query = &plan.query;
    let pre = query.highlight_pre_tag.as_deref().unwrap_or("<em>");
    let post = query.highlight_post_tag.as_deref().unwrap_or("</em>");
    let retrieve = query
        .attributes_to_retrieve
        .as_ref()
        .filter(|attributes| !attributes.iter().any(|a| a == "*"));
    let hits: Vec<Value> = response
        .hits
        .into_iter()
        .take(plan.limit)
        .map(|hit| {
            let highlights = hit.highlights.clone();
            let mut document = match serde_json::to_value(&hit) {
                Ok(Value::Object(document)) => document,
                _ => Map::new(),
            };
            document.remove("score");
            document.remove("highlights");
            let mut formatted = document.clone();
            if let Some(highlights) = highlights {
                formatted.insert(
                    "title".into(),
                    Value::String(retag(&highlights.title, pre, post)),
                );
                let mut snippet = retag(&highlights.body, pre, post);
                if let Some(marker) = &query.crop_marker {
                    snippet = format!("{marker}{snippet}{marker}");
                }
                formatted.insert("body".into(), Value::String(snippet));
            }
            if let Some(keep) = retrieve {
                document.retain(|key, _| keep.iter().any(|k| k == key));
            }
            if plan.request.highlight {
                document.insert("_formatted".into(), Value::Object(formatted));
            }
            Value::Object(document)
        })
        .collect();
    let mut body = json!({
        "hits": hits,
        "query": query.q.clone().unwrap_or_default(),
        "processingTimeMs": response.took_ms,
    });
    let total = response.total as usize;
    match plan.finite {
        Some((page, per_page)) => {
            body["page"] = json!(page);
            body["hitsPerPage"] = json!(per_page);
            body["totalHits"] = json!(total);
            body["totalPages"] = json!(if per_page == 0 {
                0
            } else {
                total.div_ceil(per_page)
            });
        }
        None => {
            body["limit"] = json!(plan.limit);
            body["offset"] = json!(plan.offset);
            body["estimatedTotalHits"] = json!(total);
        }
    }
    if !plan.facets.is_empty() {
        let mut distribution = Map::new();
        for (field, name) in &plan.facets {
            let counts: Map<String, Value> = response
                .facets
                .get(field)
                .map(|values| {
                    values
                        .iter()
                        .map(|value| (value.value.clone(), json!(value.count)))
                        .collect()
                })
                .unwrap_or_default();
            distribution.insert(name.clone(), Value::Object(counts));
        }
        body["facetDistribution"] = Value::Object(distribution);
        body["facetStats"] = json!({});
    }
    body
}

/// Runs one query on the blocking pool.
async fn run(state: &AppState, query: MeiliQuery) -> Result<Value, ApiError> {
    let plan = translate(query, state.index.fields())?;
    let request = plan.request.clone();
    let response = state
        .read(move |index| Ok(search(index, &request)?))
        .await?;
    Ok(answer(&plan, response))
}

fn read_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(value)| value)
        .map_err(|rejection| ApiError::rejected_body(rejection.status(), rejection.body_text()))
}

pub async fn post_multi_search(
    State(state): State<AppState>,
    body: Result<Json<MultiSearch>, JsonRejection>,
) -> Result<Json<Value>, MeiliError> {
    let body = read_body(body)?;
    if body.federation.is_some() {
        return Err(
            ApiError::new(ErrorCode::BadRequest, "federated search is not supported").into(),
        );
    }
    let mut results = Vec::with_capacity(body.queries.len());
    for query in body.queries {
        let uid = query.index_uid.clone().unwrap_or_default();
        check_index(&uid)?;
        let mut result = run(&state, query).await?;
        result["indexUid"] = json!(uid);
        results.push(result);
    }
    Ok(Json(json!({ "results": results })))
}

pub async fn post_index_search(
    State(state): State<AppState>,
    Path(uid): Path<String>,
    body: Result<Json<MeiliQuery>, JsonRejection>,
) -> Result<Json<Value>, MeiliError> {
    check_index(&uid)?;
    Ok(Json(run(&state, read_body(body)?).await?))
}

/// `GET /indexes/{uid}/search?q=…&filter=…&facets=a,b&limit=…`.
pub async fn get_index_search(
    State(state): State<AppState>,
    Path(uid): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, MeiliError> {
    check_index(&uid)?;
    let query: MeiliQuery = params::decode(raw.as_deref())?;
    Ok(Json(run(&state, query).await?))
}

pub async fn post_facet_search(
    State(state): State<AppState>,
    Path(uid): Path<String>,
    body: Result<Json<FacetSearch>, JsonRejection>,
) -> Result<Json<Value>, MeiliError> {
    check_index(&uid)?;
    let body = read_body(body)?;
    if body.facet_name == "*" {
        return Err(
            ApiError::new(ErrorCode::BadRequest, "facetName names one facet, not `*`").into(),
        );
    }
    let names = facet_names(std::slice::from_ref(&body.facet_name), state.index.fields())?;
    let (field, _) = names
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "facetName is required"))?;
    let prefix = body.facet_query.clone().unwrap_or_default();
    let started = std::time::Instant::now();
    let values = state
        .read(move |index| {
            Ok(crate::query::facet_search::search_facet_values(
                index, &field, &prefix, 100,
            )?)
        })
        .await?;
    Ok(Json(json!({
        "facetHits": values,
        "facetQuery": body.facet_query,
        "processingTimeMs": started.elapsed().as_millis() as u64,
    })))
}

/// The index as Meilisearch describes one. newsdex keeps no creation time,
/// so `createdAt` is when this server started; `updatedAt` is its last
/// commit, if it made one.
async fn index_info(state: &AppState) -> Value {
    let (_, last_commit) = state.writer_status().await;
    let updated = last_commit
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .unwrap_or(state.started);
    json!({
        "uid": INDEX_UID,
        "primaryKey": "id",
        "createdAt": state.started.to_rfc3339(),
        "updatedAt": updated.to_rfc3339(),
    })
}

pub async fn get_index(
    State(state): State<AppState>,
    Path(uid): Path<String>,
) -> Result<Json<Value>, MeiliError> {
    check_index(&uid)?;
    Ok(Json(index_info(&state).await))
}

pub async fn get_indexes(State(state): State<AppState>) -> Result<Json<Value>, MeiliError> {
    Ok(Json(
        json!({ "results": [index_info(&state).await], "offset": 0, "limit": 20, "total": 1 }),
    ))
}
