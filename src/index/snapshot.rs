//! Snapshots: a consistent copy of one commit point, taken while writes go
//! on. tantivy never changes a file once written, so the files the commit's
//! `meta.json` names are hard-linked (copied across file systems) beside a
//! copy of that `meta.json`; a snapshot is itself an index that `--index`
//! opens, and `restore` puts one in place of an index.

use std::path::{Path, PathBuf};

use super::{IndexError, META_FILE, NewsIndex, Rebuild};

/// tantivy's commit point file.
const TANTIVY_META: &str = "meta.json";

/// Attempts before giving up when merges keep deleting files as they are
/// linked.
const ATTEMPTS: usize = 5;

/// What a snapshot holds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SnapshotReport {
    /// Where the snapshot was written.
    pub path: String,
    /// Live articles in it.
    pub documents: u64,
    /// Segments in it.
    pub segments: usize,
    /// Files in it.
    pub files: usize,
    /// Their size in bytes.
    pub bytes: u64,
}

/// Writes a snapshot of the index's last commit to `dest`, which must not
/// exist or be empty.
pub fn snapshot(index: &NewsIndex, dest: &Path) -> Result<SnapshotReport, IndexError> {
    let source = index
        .path()
        .ok_or_else(|| IndexError::NotFound("an index in memory has no files to snapshot".into()))?
        .to_path_buf();
    if dest.exists()
        && std::fs::read_dir(dest)
            .map_err(IndexError::io_at(dest))?
            .next()
            .is_some()
    {
        return Err(IndexError::SnapshotTarget(dest.display().to_string()));
    }
    for _ in 0..ATTEMPTS {
        std::fs::create_dir_all(dest).map_err(IndexError::io_at(dest))?;
        match link_commit(&source, dest) {
            Ok(Some(report)) => return Ok(report),
            // A merge deleted a file of that commit meanwhile: start over
            // from the newer commit.
            Ok(None) => std::fs::remove_dir_all(dest).map_err(IndexError::io_at(dest))?,
            Err(error) => {
                let _ = std::fs::remove_dir_all(dest);
                return Err(error);
            }
        }
    }
    Err(IndexError::Corrupt(format!(
        "the index at {} kept changing while it was copied; try again",
        source.display()
    )))
}

/// Links the files of the commit in `source` into `dest`; `None` when one
/// of them vanished (a merge after that commit).
fn link_commit(source: &Path, dest: &Path) -> Result<Option<SnapshotReport>, IndexError> {
    let meta_path = source.join(TANTIVY_META);
    let meta_bytes = std::fs::read(&meta_path).map_err(IndexError::io_at(&meta_path))?;
    let meta: serde_json::Value = serde_json::from_slice(&meta_bytes)
        .map_err(|error| IndexError::Corrupt(format!("{}: {error}", meta_path.display())))?;
    let segments: Vec<(String, u64)> = meta["segments"]
        .as_array()
        .map(|segments| {
            segments
                .iter()
                .filter_map(|segment| {
                    let id = segment["segment_id"].as_str()?.replace('-', "");
                    let live = segment["max_doc"].as_u64()?.saturating_sub(
                        segment["deletes"]["num_deleted_docs"].as_u64().unwrap_or(0),
                    );
                    Some((id, live))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(source).map_err(IndexError::io_at(source))? {
        let entry = entry.map_err(IndexError::io_at(source))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if segments.iter().any(|(id, _)| name.starts_with(id.as_str())) {
            names.push(name);
        }
    }
    let mut bytes = 0u64;
    for name in &names {
        let from = source.join(name);
        let to = dest.join(name);
        let linked = std::fs::hard_link(&from, &to).or_else(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                Err(error)
            } else {
                // Another file system (or no hard links): copy.
                std::fs::copy(&from, &to).map(|_| ())
            }
        });
        match linked {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(IndexError::io_at(&to)(error)),
        }
        bytes += std::fs::metadata(&to).map_or(0, |metadata| metadata.len());
    }
    for (name, contents) in [
        (TANTIVY_META, meta_bytes),
        (
            META_FILE,
            std::fs::read(source.join(META_FILE))
                .map_err(IndexError::io_at(&source.join(META_FILE)))?,
        ),
    ] {
        let path = dest.join(name);
        std::fs::write(&path, &contents).map_err(IndexError::io_at(&path))?;
        bytes += contents.len() as u64;
    }
    sync_dir(dest)?;
    Ok(Some(SnapshotReport {
        path: dest.display().to_string(),
        documents: segments.iter().map(|(_, live)| live).sum(),
        segments: segments.len(),
        files: names.len() + 2,
        bytes,
    }))
}

fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    std::fs::File::open(dir)
        .and_then(|directory| directory.sync_all())
        .map_err(IndexError::io_at(dir))
}

/// Puts a copy of the snapshot in `snapshot` in place of the index in
/// `dir` (built beside it and swapped in, as a rebuild is): the index then
/// holds exactly the snapshot's documents.
pub fn restore(snapshot: &Path, dir: &Path) -> Result<SnapshotReport, IndexError> {
    // Opening checks that the snapshot is a readable index of this schema.
    let opened = NewsIndex::open(snapshot)?;
    let searcher = opened.searcher();
    let (documents, segments) = (searcher.num_docs(), searcher.segment_readers().len());
    drop(searcher);
    drop(opened);
    let rebuild = Rebuild::beside(dir)?;
    let staging = rebuild.staging().to_path_buf();
    let mut files = 0;
    let mut bytes = 0;
    for entry in std::fs::read_dir(snapshot).map_err(IndexError::io_at(snapshot))? {
        let entry = entry.map_err(IndexError::io_at(snapshot))?;
        let from: PathBuf = entry.path();
        if !from.is_file() {
            continue;
        }
        let to = staging.join(entry.file_name());
        bytes += std::fs::copy(&from, &to).map_err(IndexError::io_at(&to))?;
        files += 1;
    }
    sync_dir(&staging)?;
    rebuild.swap_in_files()?;
    Ok(SnapshotReport {
        path: dir.display().to_string(),
        documents,
        segments,
        files,
        bytes,
    })
}
