//! CSV: one article per row, streamed.
//!
//! The header row names the columns (or `--columns` does, for files without
//! one, such as AG News's `class,title,description`); each column name goes
//! through the same field names and aliases as a JSON key
//! (`schema/article.schema.json`), so `content`, `description`,
//! `keywords` or `publishedAt` read as they do in JSON, and columns of no
//! article field are ignored. Empty cells are absent values. A row that
//! cannot be read (a stray quote, more or fewer cells than the header) is
//! one rejected record naming its line; the rows after it are read.

use std::io::Read;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::decode::{decoded_reader, mebibytes, utf8_or_windows_1252};
use super::{IngestError, Location, ReadOptions, Record, RecordResult, json, with_assigned_id};

/// The records of a CSV input as they are read.
pub fn csv_records<R: Read + 'static>(
    reader: R,
    location: Location,
    options: &ReadOptions,
) -> std::io::Result<CsvRecords> {
    let (text, _) = decoded_reader(reader)?;
    let mut rows = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut header_error = None;
    let columns = match &options.columns {
        Some(columns) => columns.clone(),
        None => {
            let mut header = ::csv::ByteRecord::new();
            match rows.read_byte_record(&mut header) {
                Ok(_) => header
                    .iter()
                    .map(|name| utf8_or_windows_1252(name).trim().to_string())
                    .collect(),
                Err(error) => {
                    header_error = Some(error.to_string());
                    Vec::new()
                }
            }
        }
    };
    Ok(CsvRecords {
        rows,
        columns,
        location,
        zone: options.zone,
        max_row: options.limits.max_line_bytes,
        header_error,
        failed: false,
    })
}

/// An iterator over the rows of a CSV input, each an article or the
/// reason it is not.
pub struct CsvRecords {
    rows: ::csv::Reader<Box<dyn std::io::BufRead>>,
    columns: Vec<String>,
    location: Location,
    zone: Tz,
    max_row: usize,
    header_error: Option<String>,
    failed: bool,
}

impl Iterator for CsvRecords {
    type Item = RecordResult;

    fn next(&mut self) -> Option<RecordResult> {
        if let Some(reason) = self.header_error.take() {
            self.failed = true;
            return Some(Err(IngestError::new(
                self.location.with_line(1),
                None,
                format!("cannot read the header row: {reason}"),
            )));
        }
        let mut row = ::csv::ByteRecord::new();
        while !self.failed {
            let line = self.rows.position().line() as usize;
            match self.rows.read_byte_record(&mut row) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(error) => {
                    let line = error
                        .position()
                        .map_or(line, |position| position.line() as usize);
                    // Only an I/O error stops the file; a bad row is one record.
                    if matches!(error.kind(), ::csv::ErrorKind::Io(_)) {
                        self.failed = true;
                    }
                    return Some(Err(IngestError::new(
                        self.location.with_line(line),
                        None,
                        format!("cannot read the row: {error}"),
                    )));
                }
            }
            let line = row.position().map_or(line, |p| p.line() as usize);
            let location = self.location.with_line(line);
            if row
                .iter()
                .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if row.as_slice().len() > self.max_row {
                return Some(Err(IngestError::new(
                    location,
                    None,
                    format!(
                        "the row is longer than {}, the limit for one article; skipped",
                        mebibytes(self.max_row)
                    ),
                )));
            }
            if row.len() != self.columns.len() {
                return Some(Err(IngestError::new(
                    location,
                    None,
                    format!(
                        "the row has {} cells where the header names {} columns",
                        row.len(),
                        self.columns.len()
                    ),
                )));
            }
            let mut object = Map::new();
            for (name, cell) in self.columns.iter().zip(row.iter()) {
                let cell = utf8_or_windows_1252(cell);
                if !name.is_empty() && !cell.trim().is_empty() {
                    object.insert(name.clone(), Value::String(cell));
                }
            }
            let record = json::article_from_value(Value::Object(object), self.zone)
                .map(|article| Record {
                    article,
                    location: location.clone(),
                })
                .map_err(|error| error.at(location));
            return Some(with_assigned_id(record));
        }
        None
    }
}
