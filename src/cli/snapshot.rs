//! `newsdex snapshot DIR` and `newsdex restore SNAPSHOT`.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Status;
use super::output::format_bytes;
use crate::index::NewsIndex;
use crate::index::snapshot::{SnapshotReport, restore, snapshot};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// A new or empty directory for the snapshot; it is itself an index
    /// (`--index DIR` opens it).
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A snapshot directory written by `newsdex snapshot` or
    /// `POST /snapshots`.
    pub snapshot: PathBuf,
}

fn print(verb: &str, report: &SnapshotReport) {
    eprintln!(
        "{verb} {}: {} documents in {} segment(s), {} files, {}",
        report.path,
        report.documents,
        report.segments,
        report.files,
        format_bytes(report.bytes)
    );
}

/// A consistent copy of the last commit, taken while a server may write.
pub fn run_snapshot(index_dir: &Path, args: SnapshotArgs) -> anyhow::Result<Status> {
    let index = NewsIndex::open(index_dir)?;
    let report = snapshot(&index, &args.dir)?;
    print("snapshot", &report);
    Ok(Status::Ok)
}

/// Replaces the index with a copy of the snapshot (stop a server that
/// writes the index first).
pub fn run_restore(index_dir: &Path, args: RestoreArgs) -> anyhow::Result<Status> {
    let report = restore(&args.snapshot, index_dir)?;
    print("restored", &report);
    Ok(Status::Ok)
}
