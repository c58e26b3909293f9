//! Readers: bytes in some format → [`Article`]s, with an error per bad record.
//!
//! One file per format: [`page`] (news page text, and plain text whose first
//! line is the title), [`json`] (JSON and NDJSON, including the field names
//! of common news APIs), [`feed`] (RSS, Atom, JSON Feed), [`html`] (article
//! pages) and [`csv`]. [`decode`] deals with gzip, byte-order marks and
//! legacy encodings before any of them runs; [`boilerplate`] knows the
//! site's lines the page readers drop.
//!
//! A reader never stops a batch for one bad record: every record comes back
//! either as a [`Record`] or as an [`IngestError`] that names the file, the
//! record or line, the field and the reason.

pub mod boilerplate;
pub mod csv;
pub mod dates;
pub mod decode;
pub mod feed;
pub mod html;
pub mod json;
pub mod page;
pub mod stream;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono_tz::Tz;

use crate::article::Article;
pub use decode::Limits;

/// An input format, chosen by `--format` or detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A news page scraped to text (see [`page`]); also plain text whose
    /// first line is the title.
    Page,
    /// One JSON article, an array of them, or an API response wrapping one.
    Json,
    /// One JSON article per line.
    Ndjson,
    /// RSS 2.0, Atom or JSON Feed.
    Feed,
    /// An HTML article page (see [`html`]).
    Html,
    /// One article per row, columns named by a header row or
    /// [`ReadOptions::columns`] (see [`csv`]).
    Csv,
}

impl Format {
    /// The format names `--format` and `?format=` take.
    pub const NAMES: &'static str = "page, json, ndjson, feed, html, csv";

    /// The media types newsdex reads, and the reader of each (`POST
    /// /articles`, fetched URLs).
    pub const MEDIA_TYPES: &'static [(&'static str, Format)] = &[
        ("application/json", Format::Json),
        ("application/x-ndjson", Format::Ndjson),
        ("application/ndjson", Format::Ndjson),
        ("application/jsonl", Format::Ndjson),
        ("application/jsonlines", Format::Ndjson),
        ("text/plain", Format::Page),
        ("text/html", Format::Html),
        ("application/xhtml+xml", Format::Html),
        ("application/rss+xml", Format::Feed),
        ("application/atom+xml", Format::Feed),
        ("application/feed+json", Format::Feed),
        ("application/xml", Format::Feed),
        ("text/xml", Format::Feed),
        ("text/csv", Format::Csv),
    ];

    /// The reader of a media type (without its parameters), if any.
    pub fn from_media_type(media_type: &str) -> Option<Format> {
        let media_type = media_type.trim().to_ascii_lowercase();
        Format::MEDIA_TYPES
            .iter()
            .find(|(name, _)| *name == media_type)
            .map(|(_, format)| *format)
    }

    /// The format a file name implies, looking through a `.gz` suffix.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
        let extension = lower.rsplit_once('.')?.1;
        match extension {
            "txt" | "text" => Some(Format::Page),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "xml" | "rss" | "atom" => Some(Format::Feed),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// Guesses the format from the content itself.
    pub fn sniff(text: &str) -> Format {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if start.starts_with('<') {
            return if html::looks_like_html(start) {
                Format::Html
            } else {
                Format::Feed
            };
        }
        if start.starts_with('[') {
            return Format::Json;
        }
        if start.starts_with('{') {
            if json::is_json_feed(start) {
                return Format::Feed;
            }
            // Several top-level values, one per line, make NDJSON.
            return match serde_json::from_str::<serde::de::IgnoredAny>(start) {
                Ok(_) => Format::Json,
                Err(_) => Format::Ndjson,
            };
        }
        Format::Page
    }
}

impl FromStr for Format {
    type Err = crate::UnknownChoice;

    fn from_str(name: &str) -> Result<Format, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "page" | "text" | "txt" => Ok(Format::Page),
            "json" => Ok(Format::Json),
            "ndjson" | "jsonl" => Ok(Format::Ndjson),
            "feed" | "rss" | "atom" | "jsonfeed" => Ok(Format::Feed),
            "html" | "htm" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            other => Err(crate::UnknownChoice::new("format", other, Format::NAMES)),
        }
    }
}

/// How readers interpret what their input leaves open.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Forces one format instead of detection.
    pub format: Option<Format>,
    /// The zone of times given without an offset.
    pub zone: Tz,
    /// What one input may make the reader hold.
    pub limits: Limits,
    /// The column names of CSV input that has no header row.
    pub columns: Option<Vec<String>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: None,
            zone: Tz::UTC,
            limits: Limits::default(),
            columns: None,
        }
    }
}

/// Where a record came from: the file and, within it, the record number
/// (1-based) or the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name (`<stdin>` for standard input).
    pub file: String,
    /// The line, from 1, for line formats.
    pub line: Option<usize>,
    /// The record, from 1, within a document (a JSON array, a feed).
    pub record: Option<usize>,
}

impl Location {
    /// The whole of `file`.
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: file.into(),
            line: None,
            record: None,
        }
    }

    /// Line `line` of the same file.
    pub fn with_line(&self, line: usize) -> Location {
        Location {
            line: Some(line),
            ..self.clone()
        }
    }

    /// Record `record` of the same file.
    pub fn with_record(&self, record: usize) -> Location {
        Location {
            record: Some(record),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(formatter, ":{line}")?;
        }
        if let Some(record) = self.record {
            write!(formatter, " record {record}")?;
        }
        Ok(())
    }
}

/// A record, or a whole file, that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    /// Where the record is.
    pub location: Location,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for IngestError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: ", self.location)?;
        if let Some(field) = &self.field {
            write!(formatter, "field `{field}`: ")?;
        }
        write!(formatter, "{}", self.reason)
    }
}

impl std::error::Error for IngestError {}

impl IngestError {
    /// An error at `location`, in `field` if given.
    pub fn new(location: Location, field: Option<&str>, reason: impl Into<String>) -> IngestError {
        IngestError {
            location,
            field: field.map(str::to_string),
            reason: reason.into(),
        }
    }
}

/// An error a format parser reports about one record, before the caller
/// knows which file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl FieldError {
    /// An error in `field`.
    pub fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: Some(field.to_string()),
            reason: reason.into(),
        }
    }

    /// An error of the record as a whole.
    pub fn record(reason: impl Into<String>) -> FieldError {
        FieldError {
            field: None,
            reason: reason.into(),
        }
    }

    /// The error placed at `location`.
    pub fn at(self, location: Location) -> IngestError {
        IngestError {
            location,
            field: self.field,
            reason: self.reason,
        }
    }
}

/// An article read from an input, with where it came from.
#[derive(Debug, Clone)]
pub struct Record {
    /// The article read.
    pub article: Article,
    /// Where it was read from.
    pub location: Location,
}

/// One record of an input: its article, or why it could not be read.
pub type RecordResult = Result<Record, IngestError>;

/// Reads every article of the given inputs: files, directories (walked
/// recursively, in name order) and `-` for standard input.
pub fn read_inputs<'a>(
    inputs: &'a [PathBuf],
    options: &'a ReadOptions,
) -> impl Iterator<Item = RecordResult> + 'a {
    inputs
        .iter()
        .flat_map(move |input| expand_input(input))
        .flat_map(move |file| match file {
            Ok(path) => read_file_records(&path, options),
            Err(error) => Box::new(std::iter::once(Err(error))),
        })
}

/// The records of one file (or of standard input for `-`) as they are
/// read: NDJSON and CSV stream a record at a time, so their size is not
/// bounded by memory; other formats are read whole.
pub fn read_file_records(
    path: &Path,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = RecordResult>> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        path.to_string_lossy().into_owned()
    };
    let format = options
        .format
        .or_else(|| (!stdin).then(|| Format::from_file_name(&name)).flatten());
    if !matches!(format, Some(Format::Ndjson | Format::Csv)) {
        return Box::new(read_file(path, options).into_iter());
    }
    let reader: Box<dyn Read> = if stdin {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(path) {
            Ok(file) => Box::new(file),
            Err(error) => {
                return Box::new(std::iter::once(Err(IngestError::new(
                    Location::file(name),
                    None,
                    format!("cannot read file: {error}"),
                ))));
            }
        }
    };
    let records = if format == Some(Format::Csv) {
        csv::csv_records(reader, Location::file(name.clone()), options)
            .map(|records| Box::new(records) as Box<dyn Iterator<Item = RecordResult>>)
    } else {
        stream::ndjson_records(reader, Location::file(name.clone()), options)
            .map(|records| Box::new(records) as Box<dyn Iterator<Item = RecordResult>>)
    };
    match records {
        Ok(records) => records,
        Err(error) => Box::new(std::iter::once(Err(IngestError::new(
            Location::file(name),
            None,
            format!("cannot read file: {error}"),
        )))),
    }
}

/// The files an input names: itself, or the readable files under a directory.
pub fn expand_input(input: &Path) -> Vec<Result<PathBuf, IngestError>> {
    if input.as_os_str() == "-" || !input.is_dir() {
        return vec![Ok(input.to_path_buf())];
    }
    walk(input)
        .filter_map(|entry| match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let name = entry.file_name().to_string_lossy();
                Format::from_file_name(&name).map(|_| Ok(entry.into_path()))
            }
            Ok(_) => None,
            Err(error) => Some(Err(IngestError::new(
                Location::file(error.path().unwrap_or(input).to_string_lossy().into_owned()),
                None,
                format!("cannot read directory: {error}"),
            ))),
        })
        .collect()
}

/// The files under the directories among `inputs` that a walk leaves out
/// because no reader knows their names (hidden files aside), so that the
/// caller can say so.
pub fn skipped_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    inputs
        .iter()
        .filter(|input| input.is_dir())
        .flat_map(|input| {
            walk(input)
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file())
                .filter(|entry| {
                    Format::from_file_name(&entry.file_name().to_string_lossy()).is_none()
                })
                .map(walkdir::DirEntry::into_path)
        })
        .collect()
}

/// "181 files of unknown format: *.pdf (180), README" for a list of
/// skipped files, their extensions counted.
pub fn describe_skipped(files: &[PathBuf]) -> String {
    let mut kinds: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for file in files {
        let name = file
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = match name.split_once('.') {
            Some((_, extension)) => format!("*.{extension}"),
            None => name,
        };
        *kinds.entry(kind).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let listed: Vec<String> = kinds
        .iter()
        .take(5)
        .map(|(kind, count)| format!("{kind} ({count})"))
        .collect();
    let more = if kinds.len() > 5 { ", …" } else { "" };
    format!(
        "{} file{} of unknown format: {}{more}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        listed.join(", ")
    )
}

/// The entries under `input` in name order, hidden ones (and what they
/// hold) left out: the one walk that reading and skipping share.
fn walk(input: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(input)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Reads one file (or standard input for `-`).
pub fn read_file(path: &Path, options: &ReadOptions) -> Vec<RecordResult> {
    let name = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string_lossy().into_owned()
    };
    let _span = tracing::debug_span!("read_file", file = %name).entered();
    let max = options.limits.max_text_bytes;
    let read = if path.as_os_str() == "-" {
        decode::read_whole(std::io::stdin(), max).map_err(|error| error.to_string())
    } else {
        std::fs::File::open(path)
            .map_err(|error| format!("cannot read file: {error}"))
            .and_then(|file| decode::read_whole(file, max).map_err(|error| error.to_string()))
    };
    match read {
        Ok(bytes) => read_decoded(&bytes, &name, options),
        Err(reason) => vec![Err(IngestError::new(Location::file(name), None, reason))],
    }
}

/// Reads the articles of one input held in memory; `name` is used for
/// format detection by extension and in error locations.
pub fn read_bytes(bytes: &[u8], name: &str, options: &ReadOptions) -> Vec<RecordResult> {
    match decode::read_whole(bytes, options.limits.max_text_bytes) {
        Ok(decoded) => read_decoded(&decoded, name, options),
        Err(error) => vec![Err(IngestError::new(
            Location::file(name),
            None,
            error.to_string(),
        ))],
    }
}

/// The articles of a document [`decode::read_whole`] has read.
fn read_decoded(bytes: &[u8], name: &str, options: &ReadOptions) -> Vec<RecordResult> {
    let location = Location::file(name);
    let text = match decode::decode_text(bytes) {
        Ok(text) => text,
        Err(error) => return vec![Err(IngestError::new(location, None, error.to_string()))],
    };
    if let Some(encoding) = text.fallback_encoding {
        tracing::warn!(
            file = name,
            encoding,
            "file is not UTF-8; decoded as {encoding}"
        );
    }
    let format = options
        .format
        .or_else(|| Format::from_file_name(name))
        .unwrap_or_else(|| Format::sniff(&text.text));
    // A `.json` file that holds one object per line is NDJSON all the same.
    let format = match format {
        Format::Json if Format::sniff(&text.text) == Format::Ndjson => Format::Ndjson,
        Format::Json if Format::sniff(&text.text) == Format::Feed && options.format.is_none() => {
            Format::Feed
        }
        other => other,
    };
    let single = |parsed: Result<Article, FieldError>| {
        vec![
            parsed
                .map(|article| Record {
                    article,
                    location: location.clone(),
                })
                .map_err(|error| error.at(location.clone())),
        ]
    };
    let results: Vec<RecordResult> = match format {
        Format::Page if html::looks_like_html(&text.text) => single(Err(FieldError::record(
            "the text is an HTML page, not page text: read it with --format html (or leave the format out)",
        ))),
        Format::Html => single(html::parse_html(
            &text.text,
            crate::fetch::is_url(name).then_some(name),
            options.zone,
        )),
        Format::Page => single(page::parse_page(&text.text, options.zone)),
        Format::Json => json::read_json(&text.text, &location, options.zone),
        Format::Ndjson => json::read_ndjson(&text.text, &location, options.zone),
        Format::Feed => feed::read_feed(text.text.as_bytes(), &location, options.zone),
        Format::Csv => {
            let bytes = std::io::Cursor::new(text.text.into_owned().into_bytes());
            return match csv::csv_records(bytes, location.clone(), options) {
                Ok(records) => records.collect(),
                Err(error) => vec![Err(IngestError::new(location, None, error.to_string()))],
            };
        }
    };
    results.into_iter().map(with_assigned_id).collect()
}

/// A record with its id checked, or derived when it has none
/// ([`Article::assign_id`]); an id that cannot be used rejects the record.
pub fn with_assigned_id(result: RecordResult) -> RecordResult {
    let mut record = result?;
    match record.article.assign_id() {
        Ok(()) => Ok(record),
        Err(reason) => Err(IngestError::new(
            record.location,
            Some("id"),
            reason.to_string(),
        )),
    }
}
