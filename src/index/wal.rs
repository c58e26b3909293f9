//! The write-ahead log: a write the server acknowledges is in this log, on
//! disk, before the answer. Each commit of the index records in tantivy's
//! commit payload the last log sequence number it holds; opening a writer
//! replays the records past it, in order, so a crash loses nothing that was
//! acknowledged and replaying twice changes nothing (upserts and deletes by
//! id are idempotent).
//!
//! Concurrent writers share one fsync (group commit): each appends under the
//! index writer's lock, then waits outside it until some thread has synced
//! past its record; the first waiter syncs for all who appended before it.
//!
//! Written here rather than taken from Quickwit's `mrecordlog`: that crate's
//! appends are async calls on `&mut self` (so writers could not share an
//! fsync without a second queue in front of it) and it keeps every record
//! in memory until truncated, beside the same articles pending in tantivy.
//! The format is small: per record, its length (u32, little-endian), the
//! CRC-32 of its bytes, and one JSON object; one file per commit epoch,
//! named by the first sequence number it may hold, deleted once a commit
//! covers it.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use super::IndexError;
use crate::article::Article;

/// Folder of the log inside an index directory.
pub const LOG_DIR: &str = "wal";

/// Largest record the log reads back; a longer length is a torn write.
const MAX_RECORD_BYTES: u32 = 1 << 30;

/// When an acknowledged write is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Durability {
    /// In the log and fsync'd before the answer: survives a crash of the
    /// process and of the machine.
    #[default]
    Request,
    /// In the log before the answer, fsync'd by the next commit: survives a
    /// crash of the process, not a power cut.
    Async,
    /// Not logged: writes since the last commit are lost in a crash.
    Off,
}

/// One logged write.
#[derive(Debug, Clone, PartialEq)]
pub enum LogOp {
    /// An article written (added or replacing its id).
    Upsert(Box<Article>),
    /// An article deleted by id.
    Delete(String),
}

#[derive(Serialize)]
struct RecordOut<'a> {
    seq: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    upsert: Option<&'a Article>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delete: Option<&'a str>,
}

#[derive(Deserialize)]
struct RecordIn {
    seq: u64,
    upsert: Option<Article>,
    delete: Option<String>,
}

/// What a commit records about the log, as its payload.
#[derive(Debug, Serialize, Deserialize)]
struct CommitPayload {
    log_seq: u64,
}

/// The sequence number a commit payload records (0 when none).
pub fn committed_seq(payload: Option<&str>) -> u64 {
    payload
        .and_then(|text| serde_json::from_str::<CommitPayload>(text).ok())
        .map_or(0, |payload| payload.log_seq)
}

/// The commit payload recording `seq`.
pub fn commit_payload(seq: u64) -> String {
    format!("{{\"log_seq\":{seq}}}")
}

/// The write-ahead log of an index (see the module docs).
pub struct WriteLog {
    dir: PathBuf,
    durability: Durability,
    state: Mutex<LogState>,
    synced: Condvar,
}

struct LogState {
    file: Arc<File>,
    path: PathBuf,
    /// Bytes of whole records in `file`.
    len: u64,
    /// The last sequence number given out.
    last_seq: u64,
    /// Every record up to this one is on disk.
    synced_seq: u64,
    /// A thread is syncing (the others wait for it).
    syncing: bool,
}

impl WriteLog {
    /// Opens the log in `dir` (creating it), and returns the writes past
    /// `committed`, in order. New records go to a new file.
    pub fn open(
        dir: &Path,
        committed: u64,
        durability: Durability,
    ) -> Result<(WriteLog, Vec<(u64, LogOp)>), IndexError> {
        std::fs::create_dir_all(dir).map_err(IndexError::io_at(dir))?;
        let mut replay = Vec::new();
        let mut last_seq = committed;
        for path in log_files(dir)? {
            for (seq, op) in read_file(&path)? {
                last_seq = last_seq.max(seq);
                if seq > committed {
                    replay.push((seq, op));
                }
            }
        }
        replay.sort_by_key(|(seq, _)| *seq);
        let (file, path) = new_file(dir, last_seq + 1)?;
        let log = WriteLog {
            dir: dir.to_path_buf(),
            durability,
            state: Mutex::new(LogState {
                file: Arc::new(file),
                path,
                len: 0,
                last_seq,
                synced_seq: last_seq,
                syncing: false,
            }),
            synced: Condvar::new(),
        };
        Ok((log, replay))
    }

    fn state(&self) -> MutexGuard<'_, LogState> {
        // The state stays whole if a holder panicked: every change to it is
        // made after the I/O it records succeeded.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The last sequence number given out.
    pub fn last_seq(&self) -> u64 {
        self.state().last_seq
    }

    /// Appends writes (not yet synced); returns the last one's sequence
    /// number. A failed append leaves the log as it was.
    pub fn append(&self, ops: &[LogOp]) -> Result<u64, IndexError> {
        let mut state = self.state();
        if self.durability == Durability::Off || ops.is_empty() {
            return Ok(state.last_seq);
        }
        let mut buffer = Vec::new();
        let mut seq = state.last_seq;
        for op in ops {
            seq += 1;
            let record = match op {
                LogOp::Upsert(article) => RecordOut {
                    seq,
                    upsert: Some(article),
                    delete: None,
                },
                LogOp::Delete(id) => RecordOut {
                    seq,
                    upsert: None,
                    delete: Some(id),
                },
            };
            let json = serde_json::to_vec(&record)
                .map_err(|error| IndexError::Unwritable(format!("cannot log a write: {error}")))?;
            let length = u32::try_from(json.len())
                .ok()
                .filter(|length| *length <= MAX_RECORD_BYTES)
                .ok_or_else(|| {
                    IndexError::Unwritable(format!("a write of {} bytes is too large", json.len()))
                })?;
            buffer.extend_from_slice(&length.to_le_bytes());
            buffer.extend_from_slice(&crc32fast::hash(&json).to_le_bytes());
            buffer.extend_from_slice(&json);
        }
        if let Err(error) = (&*state.file).write_all(&buffer) {
            // Cut a partial record off, so the next append follows whole ones.
            let _ = state.file.set_len(state.len);
            return Err(IndexError::io_at(&state.path)(error));
        }
        state.len += buffer.len() as u64;
        state.last_seq = seq;
        Ok(seq)
    }

    /// Returns once every record up to `seq` is on disk (under
    /// [`Durability::Request`]; at once otherwise).
    pub fn wait_durable(&self, seq: u64) -> Result<(), IndexError> {
        if self.durability != Durability::Request {
            return Ok(());
        }
        let mut state = self.state();
        loop {
            if state.synced_seq >= seq {
                return Ok(());
            }
            if state.syncing {
                state = self
                    .synced
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                continue;
            }
            state.syncing = true;
            let target = state.last_seq;
            let file = state.file.clone();
            let path = state.path.clone();
            drop(state);
            let result = file.sync_data();
            state = self.state();
            state.syncing = false;
            if result.is_ok() {
                state.synced_seq = state.synced_seq.max(target);
            }
            self.synced.notify_all();
            result.map_err(IndexError::io_at(&path))?;
        }
    }

    /// After a commit that holds every write up to `seq`: starts a new file
    /// and deletes the ones the commit covers.
    pub fn committed(&self, seq: u64) -> Result<(), IndexError> {
        let mut state = self.state();
        let (file, path) = new_file(&self.dir, seq + 1)?;
        state.file = Arc::new(file);
        state.path = path;
        state.len = 0;
        state.synced_seq = state.synced_seq.max(seq);
        self.synced.notify_all();
        let current = state.path.clone();
        drop(state);
        for path in log_files(&self.dir)? {
            if path != current {
                std::fs::remove_file(&path).map_err(IndexError::io_at(&path))?;
            }
        }
        Ok(())
    }

    /// Every write past `committed` that the log holds, in order (to replay
    /// after the index writer lost its uncommitted work).
    pub fn writes_after(&self, committed: u64) -> Result<Vec<(u64, LogOp)>, IndexError> {
        let _state = self.state();
        let mut writes = Vec::new();
        for path in log_files(&self.dir)? {
            writes.extend(
                read_file(&path)?
                    .into_iter()
                    .filter(|(seq, _)| *seq > committed),
            );
        }
        writes.sort_by_key(|(seq, _)| *seq);
        Ok(writes)
    }
}

/// The log's files, oldest first.
fn log_files(dir: &Path) -> Result<Vec<PathBuf>, IndexError> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .map_err(IndexError::io_at(dir))?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let first = path
                .file_name()?
                .to_str()?
                .strip_suffix(".log")?
                .parse::<u64>()
                .ok()?;
            Some((first, path))
        })
        .collect();
    files.sort();
    Ok(files.into_iter().map(|(_, path)| path).collect())
}

/// Creates the file whose records start at `first`, and makes its name
/// durable (the directory is synced).
fn new_file(dir: &Path, first: u64) -> Result<(File, PathBuf), IndexError> {
    let path = dir.join(format!("{first:020}.log"));
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(IndexError::io_at(&path))?;
    File::open(dir)
        .and_then(|directory| directory.sync_all())
        .map_err(IndexError::io_at(dir))?;
    Ok((file, path))
}

/// The whole records of one file. A torn or damaged tail (a crash during an
/// append, which was therefore never acknowledged) ends the file.
fn read_file(path: &Path) -> Result<Vec<(u64, LogOp)>, IndexError> {
    let file = File::open(path).map_err(IndexError::io_at(path))?;
    let mut reader = BufReader::new(file);
    let mut records = Vec::new();
    let mut header = [0u8; 8];
    loop {
        match reader.read_exact(&mut header) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(error) => return Err(IndexError::io_at(path)(error)),
        }
        let length = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let checksum = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        if length > MAX_RECORD_BYTES {
            tracing::warn!(path = %path.display(), "write-ahead log ends in a damaged record");
            break;
        }
        let mut bytes = vec![0u8; length as usize];
        match reader.read_exact(&mut bytes) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                tracing::warn!(path = %path.display(), "write-ahead log ends in a torn record");
                break;
            }
            Err(error) => return Err(IndexError::io_at(path)(error)),
        }
        if crc32fast::hash(&bytes) != checksum {
            tracing::warn!(path = %path.display(), "write-ahead log ends in a damaged record");
            break;
        }
        let record: RecordIn = match serde_json::from_slice(&bytes) {
            Ok(record) => record,
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "unreadable write-ahead log record");
                break;
            }
        };
        let op = match (record.upsert, record.delete) {
            (Some(article), None) => LogOp::Upsert(Box::new(article)),
            (None, Some(id)) => LogOp::Delete(id),
            _ => {
                tracing::warn!(path = %path.display(), seq = record.seq, "write-ahead log record is neither upsert nor delete");
                break;
            }
        };
        records.push((record.seq, op));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str) -> Article {
        Article {
            id: id.to_string(),
            title: format!("Title of {id}"),
            body: "Body text.".to_string(),
            ..Article::default()
        }
    }

    #[test]
    fn records_past_the_commit_come_back_in_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let (log, replay) = WriteLog::open(dir.path(), 0, Durability::Request).expect("opens");
            assert!(replay.is_empty());
            let seq = log
                .append(&[
                    LogOp::Upsert(Box::new(article("a"))),
                    LogOp::Upsert(Box::new(article("b"))),
                ])
                .expect("appends");
            log.wait_durable(seq).expect("syncs");
            log.committed(seq).expect("rotates");
            let seq = log
                .append(&[
                    LogOp::Delete("a".into()),
                    LogOp::Upsert(Box::new(article("c"))),
                ])
                .expect("appends");
            assert_eq!(seq, 4);
            log.wait_durable(seq).expect("syncs");
        }
        let (log, replay) = WriteLog::open(dir.path(), 2, Durability::Request).expect("reopens");
        assert_eq!(
            replay,
            vec![
                (3, LogOp::Delete("a".into())),
                (4, LogOp::Upsert(Box::new(article("c"))))
            ]
        );
        assert_eq!(log.last_seq(), 4);
    }

    #[test]
    fn a_torn_tail_ends_the_log_without_losing_whole_records() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let (log, _) = WriteLog::open(dir.path(), 0, Durability::Request).expect("opens");
            log.append(&[LogOp::Upsert(Box::new(article("a")))])
                .expect("appends");
            log.append(&[LogOp::Upsert(Box::new(article("b")))])
                .expect("appends");
        }
        let file = log_files(dir.path()).expect("lists").remove(0);
        let length = std::fs::metadata(&file).expect("metadata").len();
        OpenOptions::new()
            .write(true)
            .open(&file)
            .and_then(|handle| handle.set_len(length - 5))
            .expect("tears the tail");
        let (_, replay) = WriteLog::open(dir.path(), 0, Durability::Request).expect("reopens");
        assert_eq!(replay, vec![(1, LogOp::Upsert(Box::new(article("a"))))]);
    }

    #[test]
    fn concurrent_writers_each_return_once_durable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (log, _) = WriteLog::open(dir.path(), 0, Durability::Request).expect("opens");
        let log = Arc::new(log);
        std::thread::scope(|scope| {
            for thread in 0..8 {
                let log = log.clone();
                scope.spawn(move || {
                    for n in 0..50 {
                        let seq = log
                            .append(&[LogOp::Upsert(Box::new(article(&format!("{thread}-{n}"))))])
                            .expect("appends");
                        log.wait_durable(seq).expect("syncs");
                        assert!(log.state().synced_seq >= seq);
                    }
                });
            }
        });
        let (_, replay) = WriteLog::open(dir.path(), 0, Durability::Request).expect("reopens");
        assert_eq!(replay.len(), 400);
        assert!(replay.windows(2).all(|pair| pair[0].0 + 1 == pair[1].0));
    }
}
