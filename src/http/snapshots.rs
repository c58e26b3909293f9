//! `POST /snapshots`: commits pending writes, then writes a snapshot of
//! that commit under the server's `--snapshot-dir` while writes go on.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::AppState;
use super::error::{ApiError, ErrorCode};
use crate::index::snapshot::{SnapshotReport, snapshot};

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SnapshotRequest {
    /// The snapshot's directory name under `--snapshot-dir`; a UTC time
    /// stamp when absent.
    name: Option<String>,
}

/// A name that stays inside the snapshot folder.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub async fn post_snapshot(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<SnapshotReport>), ApiError> {
    let Some(folder) = state.config.snapshot_dir.clone() else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "snapshots are off: start the server with --snapshot-dir DIR",
        ));
    };
    let request: SnapshotRequest = if body.iter().all(u8::is_ascii_whitespace) {
        SnapshotRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::new(ErrorCode::BadRequest, format!("invalid JSON: {error}"))
        })?
    };
    let name = request
        .name
        .unwrap_or_else(|| chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string());
    if !valid_name(&name) {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!(
                "invalid snapshot name {name:?}: use letters, digits, `-`, `_` and `.`, not first"
            ),
        ));
    }
    let dest = folder.join(&name);
    if dest.exists() {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("a snapshot named {name:?} exists"),
        ));
    }
    // The snapshot holds every write acknowledged before it was asked for.
    state.write(true, |_| Ok(())).await?;
    let report = state.read(move |index| Ok(snapshot(index, &dest)?)).await?;
    Ok((StatusCode::CREATED, Json(report)))
}
