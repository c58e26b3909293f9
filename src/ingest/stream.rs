//! NDJSON read as a stream, a line at a time: a dump of any size indexes
//! in bounded memory, where the other formats are read whole (a feed or a
//! JSON array is one document).

use std::borrow::Cow;
use std::io::{BufRead, Read};

use chrono_tz::Tz;

use super::decode::{BUFFER, decoded_reader, mebibytes, utf8_or_windows_1252};
use super::{IngestError, Location, ReadOptions, RecordResult, json};

/// Records of NDJSON read from `reader` through the decoding path every
/// input takes ([`decoded_reader`]: gzip, a byte-order mark, UTF-16). A
/// line that is not UTF-8 is read as Windows-1252, as whole files are.
pub fn ndjson_records<R: Read + 'static>(
    reader: R,
    location: Location,
    options: &ReadOptions,
) -> std::io::Result<NdjsonRecords> {
    let (lines, _) = decoded_reader(reader)?;
    Ok(NdjsonRecords {
        lines,
        location,
        zone: options.zone,
        max_line: options.limits.max_line_bytes,
        line: 0,
        buffer: Vec::new(),
        warned: false,
        failed: false,
    })
}

/// The iterator of [`ndjson_records`].
pub struct NdjsonRecords {
    lines: Box<dyn BufRead>,
    location: Location,
    zone: Tz,
    max_line: usize,
    line: usize,
    buffer: Vec<u8>,
    warned: bool,
    failed: bool,
}

impl Iterator for NdjsonRecords {
    type Item = RecordResult;

    fn next(&mut self) -> Option<RecordResult> {
        while !self.failed {
            self.buffer.clear();
            match read_line(&mut *self.lines, &mut self.buffer, self.max_line) {
                Ok(Line::End) => return None,
                Ok(Line::Read) => self.line += 1,
                Ok(Line::TooLong) => {
                    self.line += 1;
                    return Some(Err(IngestError::new(
                        self.location.with_line(self.line),
                        None,
                        format!(
                            "the line is longer than {}, the limit for one article; skipped",
                            mebibytes(self.max_line)
                        ),
                    )));
                }
                Err(error) => {
                    // A truncated gzip stream or a failing disk: the lines
                    // read so far stand, the rest cannot be read.
                    self.failed = true;
                    return Some(Err(IngestError::new(
                        self.location.with_line(self.line + 1),
                        None,
                        format!("cannot read further: {error}"),
                    )));
                }
            }
            // The line without its ending, as `str::lines` gives it.
            let mut bytes = self.buffer.as_slice();
            if let Some(line) = bytes.strip_suffix(b"\n") {
                bytes = line.strip_suffix(b"\r").unwrap_or(line);
            }
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => {
                    if !self.warned {
                        self.warned = true;
                        tracing::warn!(
                            file = %self.location.file,
                            line = self.line,
                            "line is not UTF-8; decoded as windows-1252"
                        );
                    }
                    Cow::Owned(utf8_or_windows_1252(bytes))
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            return Some(super::with_assigned_id(json::read_ndjson_line(
                &text,
                self.location.with_line(self.line),
                self.zone,
            )));
        }
        None
    }
}

enum Line {
    Read,
    TooLong,
    End,
}

/// Reads one line (with its `\n`) into `buffer`, holding at most `max`
/// bytes of it: a longer line is read past and dropped, so memory stays
/// bounded whatever the input.
fn read_line(reader: &mut dyn BufRead, buffer: &mut Vec<u8>, max: usize) -> std::io::Result<Line> {
    let mut consumed = 0usize;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            break;
        }
        let (length, ends) = match memchr::memchr(b'\n', available) {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            if buffer.len() + length > max.saturating_add(2) {
                too_long = true;
                buffer.clear();
                buffer.shrink_to(BUFFER);
            } else {
                buffer.extend_from_slice(&available[..length]);
            }
        }
        reader.consume(length);
        consumed += length;
        if ends {
            break;
        }
    }
    Ok(match (consumed, too_long) {
        (0, _) => Line::End,
        (_, true) => Line::TooLong,
        (_, false) => Line::Read,
    })
}
