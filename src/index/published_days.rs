//! The publication day of every document of a segment, in an array: what a
//! date histogram reads per match. Read from the date column once per
//! segment (segments never change their values) and kept while the segment
//! lives, as Elasticsearch keeps field data: counting a match is then one
//! array read and one add, where the column costs a rank lookup, a value
//! unpacking and a division per match.

use tantivy::{DocId, SegmentReader};

const SECONDS_PER_DAY: i64 = 86_400;

/// A document without a publication time.
const NO_DAY: u32 = u32::MAX;

/// Widest span of days kept in an array (about 270 years); a segment whose
/// dates spread further (a date typed centuries off) is read from the
/// column instead.
pub const MAX_SPAN_DAYS: i64 = 100_000;

/// A segment's documents' publication days, as offsets from its first day (see the module docs).
#[derive(Debug)]
pub struct PublishedDays {
    /// Days since 1970-01-01 of offset 0.
    pub first_day: i64,
    /// Per document, its day's offset from `first_day` (`u32::MAX` when it
    /// has no publication time).
    offsets: Vec<u32>,
    /// The largest offset, so counts can be sized once.
    pub last_offset: u32,
}

impl PublishedDays {
    /// Reads the segment's date column; `None` when the segment has no such
    /// column or its days spread wider than [`MAX_SPAN_DAYS`].
    pub fn read(segment: &SegmentReader, date_field: &str) -> tantivy::Result<Option<Self>> {
        let Some(column) = segment
            .fast_fields()
            .column_opt::<tantivy::DateTime>(date_field)?
        else {
            return Ok(None);
        };
        let days: Vec<Option<i64>> = (0..segment.max_doc())
            .map(|doc| {
                column
                    .first(doc)
                    .map(|time| time.into_timestamp_secs().div_euclid(SECONDS_PER_DAY))
            })
            .collect();
        let (Some(first_day), Some(last_day)) = (
            days.iter().flatten().min().copied(),
            days.iter().flatten().max().copied(),
        ) else {
            return Ok(None);
        };
        if last_day - first_day >= MAX_SPAN_DAYS {
            return Ok(None);
        }
        let offsets = days
            .into_iter()
            .map(|day| day.map_or(NO_DAY, |day| (day - first_day) as u32))
            .collect();
        Ok(Some(PublishedDays {
            first_day,
            offsets,
            last_offset: (last_day - first_day) as u32,
        }))
    }

    /// The offset of a document's day from `first_day`; `None` without one.
    #[inline]
    pub fn offset(&self, doc: DocId) -> Option<u32> {
        self.offsets
            .get(doc as usize)
            .copied()
            .filter(|offset| *offset != NO_DAY)
    }
}
