//! `ApiError`: every error the API returns, with its stable code and its
//! status chosen in one table.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::index::IndexError;
use crate::query::{QueryError, SearchError};

/// The stable codes of the API's errors (`error.code`), each with one
/// status ([`ErrorCode::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The query text cannot be read (strict syntax), or names an unknown
    /// field: 400.
    BadQuery,
    /// A parameter or body is malformed or out of range: 400.
    BadRequest,
    /// A Meilisearch filter newsdex cannot read or apply: 400.
    InvalidFilter,
    /// A Meilisearch sort newsdex cannot apply: 400.
    InvalidSort,
    /// No API key where one is needed: 401.
    Unauthorized,
    /// A key that is not valid for the route: 403.
    Forbidden,
    /// No such article or route: 404.
    NotFound,
    /// The route exists, not with this method: 405.
    MethodNotAllowed,
    /// The request took longer than the server allows: 408.
    RequestTimeout,
    /// The body is past the size limit: 413.
    PayloadTooLarge,
    /// A body of a type no reader takes: 415.
    UnsupportedMediaType,
    /// Records of a write were rejected (each named in `items`): 422.
    InvalidRecords,
    /// Shutting down, or writes paused by a failing commit: 503.
    NotReady,
    /// No space left for the write: 507.
    StorageFull,
    /// Index files fail their checks: 500.
    IndexDamaged,
    /// The server was started read-only: 403.
    ReadOnly,
    /// Anything else, logged on the server: 500.
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of the table below.
    pub const ALL: [ErrorCode; 17] = [
        ErrorCode::BadQuery,
        ErrorCode::BadRequest,
        ErrorCode::InvalidFilter,
        ErrorCode::InvalidSort,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::RequestTimeout,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::InvalidRecords,
        ErrorCode::NotReady,
        ErrorCode::StorageFull,
        ErrorCode::IndexDamaged,
        ErrorCode::ReadOnly,
        ErrorCode::Internal,
    ];

    /// The one table from error code to HTTP status.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::BadQuery
            | ErrorCode::BadRequest
            | ErrorCode::InvalidFilter
            | ErrorCode::InvalidSort => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidRecords => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::NotReady => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::IndexDamaged => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ReadOnly => StatusCode::FORBIDDEN,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code as the API writes it (`bad_query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadQuery => "bad_query",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidFilter => "invalid_filter",
            ErrorCode::InvalidSort => "invalid_sort",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::InvalidRecords => "invalid_records",
            ErrorCode::NotReady => "not_ready",
            ErrorCode::StorageFull => "storage_full",
            ErrorCode::IndexDamaged => "index_damaged",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::Internal => "internal",
        }
    }
}

/// An error as the API answers it: `{"error": {"code", "message", …}}`.
#[derive(Debug)]
pub struct ApiError {
    /// The stable code, which chooses the status.
    pub code: ErrorCode,
    /// What went wrong, for a person.
    pub message: String,
    /// Extra fields beside `code` and `message` (the column of a query
    /// error, per-record results).
    pub details: Option<Value>,
}

impl ApiError {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// The error with further fields (a JSON object) beside its message.
    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    /// A body axum could not read: too large, or not what was declared.
    pub fn rejected_body(status: StatusCode, reason: String) -> ApiError {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge, "request body is too large")
        } else {
            ApiError::new(ErrorCode::BadRequest, reason)
        }
    }

    /// A failure that is not the user's: logged once with its cause, and
    /// answered without internals.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(ErrorCode::Internal, "internal error; see the server log")
    }
}

impl From<QueryError> for ApiError {
    fn from(error: QueryError) -> ApiError {
        match (error.parameter, error.position) {
            (Some(parameter), _) => ApiError::new(ErrorCode::BadRequest, error.to_string())
                .with_details(json!({ "parameter": parameter })),
            (None, Some(position)) => ApiError::new(ErrorCode::BadQuery, error.to_string())
                .with_details(json!({ "position": position })),
            (None, None) => ApiError::new(ErrorCode::BadQuery, error.to_string()),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> ApiError {
        match error {
            SearchError::Query(error) => error.into(),
            SearchError::Index(error) => error.into(),
        }
    }
}

impl From<IndexError> for ApiError {
    fn from(error: IndexError) -> ApiError {
        if error.is_storage_full() {
            tracing::error!(%error, "no space left for a write");
            return ApiError::new(
                ErrorCode::StorageFull,
                format!("no space left on the index's device; the write was not made ({error})"),
            );
        }
        if let IndexError::Damaged { .. } = error {
            tracing::error!(%error, "damaged index");
            return ApiError::new(ErrorCode::IndexDamaged, error.to_string());
        }
        ApiError::internal(&error)
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(error: tokio::task::JoinError) -> ApiError {
        ApiError::internal(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code.as_str(), "message": self.message });
        if let (Some(Value::Object(details)), Some(object)) = (self.details, error.as_object_mut())
        {
            object.extend(details);
        }
        (self.code.status(), Json(json!({ "error": error }))).into_response()
    }
}

/// Answers made below the handlers, without a body (axum's 405 for a path
/// that lacks the method, the timeout layer's 408), in the API's error
/// shape with their code. The layers wrap each route, so axum adds its
/// `Allow` header to the 405 after this.
pub async fn shape_bare_errors(response: Response) -> Response {
    let (code, message) = match response.status() {
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this path does not take that method; the Allow header lists those it takes",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::RequestTimeout,
            "the request was not answered within the server's request timeout",
        ),
        _ => return response,
    };
    if response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    ApiError::new(code, message).into_response()
}
