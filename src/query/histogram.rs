//! Date histograms: how many matches were published per day, week, month
//! or year.
//!
//! An answer holds at most [`MAX_BUCKETS`] buckets: an interval that would
//! give more over the matches' span (days over forty years) is widened to
//! the finest that fits, and `auto` picks the finest with at most
//! [`AUTO_BUCKETS`], as Elasticsearch's `auto_date_histogram` does. The
//! interval used is part of the answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::published_days::{MAX_SPAN_DAYS, PublishedDays};

/// The period of a histogram's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// UTC days.
    Day,
    /// Weeks from Monday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
    /// The finest interval giving at most [`AUTO_BUCKETS`] buckets.
    Auto,
}

/// The most buckets one answer holds, whatever the interval asked for.
pub const MAX_BUCKETS: usize = 1_000;

/// The most buckets `auto` chooses an interval for: a timeline's width.
pub const AUTO_BUCKETS: usize = 100;

impl Interval {
    /// The intervals a request may name.
    pub const NAMES: &'static str = "day, week, month, year or auto";

    /// The interval as requests name it.
    pub fn name(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
            Interval::Auto => "auto",
        }
    }

    fn wider(self) -> Option<Interval> {
        match self {
            Interval::Day | Interval::Auto => Some(Interval::Week),
            Interval::Week => Some(Interval::Month),
            Interval::Month => Some(Interval::Year),
            Interval::Year => None,
        }
    }
}

impl std::str::FromStr for Interval {
    type Err = crate::UnknownChoice;
    fn from_str(value: &str) -> Result<Interval, Self::Err> {
        match value {
            "day" => Ok(Interval::Day),
            "week" => Ok(Interval::Week),
            "month" => Ok(Interval::Month),
            "year" => Ok(Interval::Year),
            "auto" => Ok(Interval::Auto),
            other => Err(crate::UnknownChoice::new(
                "histogram interval",
                other,
                Interval::NAMES,
            )),
        }
    }
}

/// One bar: matches published from `start` (UTC, inclusive) to the next
/// bar's start.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Bucket {
    /// Its first instant.
    pub start: DateTime<Utc>,
    /// Matches published in it.
    pub count: u64,
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Counts matches per UTC day; days are folded into weeks or months once,
/// at the end, rather than per document.
pub struct HistogramCollector {
    /// The date field counted (the publication time).
    pub date_field: String,
    /// Per segment ordinal, its documents' days when the index keeps them
    /// (see [`PublishedDays`]); other segments read the date column.
    pub published_days: Vec<Option<Arc<PublishedDays>>>,
}

/// A segment's side of [`HistogramCollector`].
pub enum HistogramSegmentCollector {
    /// A count per day offset of the segment's day array.
    Kept {
        /// The segment's kept publication days.
        days: Arc<PublishedDays>,
        /// Matches per day offset.
        counts: Vec<u64>,
    },
    /// The date column read per match.
    Column {
        /// The segment's date column, when it has one.
        dates: Option<Column<tantivy::DateTime>>,
        /// Matches per day.
        days: DayCounts,
    },
}

/// Counts per day, in an array from the first day seen: a frequent term
/// counts millions of matches, and a map entry per match cost more than
/// the search. Days further than `MAX_SPAN_DAYS` from that first day (a
/// date typed wrong, centuries off) are counted apart in a map.
#[derive(Default)]
pub struct DayCounts {
    first: i64,
    counts: Vec<u64>,
    outliers: BTreeMap<i64, u64>,
}

impl DayCounts {
    fn add(&mut self, day: i64) {
        if self.counts.is_empty() {
            self.first = day;
        }
        let offset = day - self.first;
        if offset < 0 && offset > -MAX_SPAN_DAYS {
            // An earlier day: the array starts earlier, leaving room before.
            let room = (-offset).max(self.counts.len() as i64 / 2) as usize;
            let mut counts = vec![0; room];
            counts.append(&mut self.counts);
            self.counts = counts;
            self.first -= room as i64;
            self.counts[(day - self.first) as usize] += 1;
        } else if (0..MAX_SPAN_DAYS).contains(&offset) {
            let index = offset as usize;
            if index >= self.counts.len() {
                self.counts
                    .resize((index + 1).max(self.counts.len() * 2), 0);
            }
            self.counts[index] += 1;
        } else {
            *self.outliers.entry(day).or_default() += 1;
        }
    }

    fn into_map(self) -> BTreeMap<i64, u64> {
        let mut days = self.outliers;
        for (offset, count) in self.counts.into_iter().enumerate() {
            if count > 0 {
                *days.entry(self.first + offset as i64).or_default() += count;
            }
        }
        days
    }
}

impl Collector for HistogramCollector {
    type Fruit = BTreeMap<i64, u64>;
    type Child = HistogramSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<HistogramSegmentCollector> {
        Ok(
            match self.published_days.get(segment as usize).cloned().flatten() {
                Some(days) => HistogramSegmentCollector::Kept {
                    counts: vec![0; days.last_offset as usize + 1],
                    days,
                },
                None => HistogramSegmentCollector::Column {
                    dates: reader.fast_fields().column_opt(&self.date_field)?,
                    days: DayCounts::default(),
                },
            },
        )
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<i64, u64>>) -> tantivy::Result<BTreeMap<i64, u64>> {
        let mut merged = BTreeMap::new();
        for fruit in fruits {
            for (day, count) in fruit {
                *merged.entry(day).or_default() += count;
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for HistogramSegmentCollector {
    type Fruit = BTreeMap<i64, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self {
            HistogramSegmentCollector::Kept { days, counts } => {
                if let Some(count) = days
                    .offset(doc)
                    .and_then(|offset| counts.get_mut(offset as usize))
                {
                    *count += 1;
                }
            }
            HistogramSegmentCollector::Column { dates, days } => {
                if let Some(time) = dates.as_ref().and_then(|column| column.first(doc)) {
                    days.add(time.into_timestamp_secs().div_euclid(SECONDS_PER_DAY));
                }
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        match self {
            HistogramSegmentCollector::Kept { days, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, count)| *count > 0)
                .map(|(offset, count)| (days.first_day + offset as i64, count))
                .collect(),
            HistogramSegmentCollector::Column { days, .. } => days.into_map(),
        }
    }
}

/// Folds day counts (days since 1970-01-01) into buckets of `interval`,
/// with empty buckets between the first and the last so a timeline has no
/// gaps; an interval that would give more than [`MAX_BUCKETS`] (or `auto`
/// more than [`AUTO_BUCKETS`]) is widened. Returns the interval used.
pub fn buckets(days: &BTreeMap<i64, u64>, interval: Interval) -> (Interval, Vec<Bucket>) {
    let limit = match interval {
        Interval::Auto => AUTO_BUCKETS,
        _ => MAX_BUCKETS,
    };
    let mut used = match interval {
        Interval::Auto => Interval::Day,
        other => other,
    };
    let span = days
        .keys()
        .next()
        .zip(days.keys().last())
        .and_then(|(first, last)| {
            let date = |day: i64| DateTime::from_timestamp(day * SECONDS_PER_DAY, 0);
            Some((date(*first)?.date_naive(), date(*last)?.date_naive()))
        });
    if let Some((first, last)) = span {
        while bucket_count(first, last, used) > limit {
            match used.wider() {
                Some(wider) => used = wider,
                None => break,
            }
        }
    }
    (used, fold(days, used))
}

/// How many buckets of `interval` cover `first` to `last`.
fn bucket_count(first: NaiveDate, last: NaiveDate, interval: Interval) -> usize {
    let months = |date: NaiveDate| i64::from(date.year()) * 12 + i64::from(date.month0());
    let count = match interval {
        Interval::Day | Interval::Auto => (last - first).num_days() + 1,
        Interval::Week => {
            (bucket_start(last, Interval::Week) - bucket_start(first, Interval::Week)).num_days()
                / 7
                + 1
        }
        Interval::Month => months(last) - months(first) + 1,
        Interval::Year => i64::from(last.year() - first.year()) + 1,
    };
    usize::try_from(count).unwrap_or(0)
}

fn fold(days: &BTreeMap<i64, u64>, interval: Interval) -> Vec<Bucket> {
    let mut folded: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for (day, count) in days {
        if let Some(date) =
            DateTime::from_timestamp(day * SECONDS_PER_DAY, 0).map(|time| time.date_naive())
        {
            *folded.entry(bucket_start(date, interval)).or_default() += count;
        }
    }
    let (Some(first), Some(last)) = (folded.keys().next().copied(), folded.keys().last().copied())
    else {
        return Vec::new();
    };
    let mut result = Vec::new();
    let mut current = first;
    while current <= last && result.len() <= MAX_BUCKETS {
        result.push(Bucket {
            start: current
                .and_hms_opt(0, 0, 0)
                .map_or_else(Utc::now, |time| time.and_utc()),
            count: folded.get(&current).copied().unwrap_or(0),
        });
        current = match next_start(current, interval) {
            Some(next) => next,
            None => break,
        };
    }
    result
}

fn bucket_start(date: NaiveDate, interval: Interval) -> NaiveDate {
    match interval {
        Interval::Day | Interval::Auto => date,
        Interval::Week => {
            date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday()))
        }
        Interval::Month => date.with_day(1).unwrap_or(date),
        Interval::Year => date.with_ordinal(1).unwrap_or(date),
    }
}

fn next_start(date: NaiveDate, interval: Interval) -> Option<NaiveDate> {
    match interval {
        Interval::Day | Interval::Auto => date.succ_opt(),
        Interval::Week => date.checked_add_days(chrono::Days::new(7)),
        Interval::Month => date.checked_add_months(chrono::Months::new(1)),
        Interval::Year => date.checked_add_months(chrono::Months::new(12)),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn day_counts_cover_any_order_and_outliers() {
        let days = [
            20_000, 19_990, 20_000, 20_400, 19_000, -700_000, 2_900_000, 19_999,
        ];
        let mut counts = DayCounts::default();
        let mut expected: BTreeMap<i64, u64> = BTreeMap::new();
        for day in days {
            counts.add(day);
            *expected.entry(day).or_default() += 1;
        }
        assert_eq!(counts.into_map(), expected);
    }

    use super::*;

    #[test]
    fn days_fold_into_weeks_and_months_without_gaps() {
        let day = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
                / SECONDS_PER_DAY
        };
        let days = BTreeMap::from([
            (day("2025-02-18"), 2),
            (day("2025-02-20"), 1),
            (day("2025-04-01"), 4),
        ]);
        let (_, months) = buckets(&days, Interval::Month);
        let counts: Vec<u64> = months.iter().map(|bucket| bucket.count).collect();
        assert_eq!(counts, [3, 0, 4]);
        assert_eq!(months[1].start.to_rfc3339(), "2025-03-01T00:00:00+00:00");
        let (_, weeks) = buckets(&days, Interval::Week);
        assert_eq!(weeks[0].start.to_rfc3339(), "2025-02-17T00:00:00+00:00");
        assert_eq!(weeks[0].count, 3);
        assert_eq!(buckets(&days, Interval::Day).1.len(), 43);
        assert_eq!(buckets(&days, Interval::Auto).0, Interval::Day);
    }

    /// Days over forty years would be 14,600 buckets: the answer widens
    /// to the finest interval within the cap, and `auto` to a timeline's.
    #[test]
    fn long_spans_widen_the_interval() {
        let first = NaiveDate::from_ymd_opt(1985, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let day = |date: NaiveDate| {
            date.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp() / SECONDS_PER_DAY
        };
        let days = BTreeMap::from([(day(first), 1), (day(last), 2)]);
        let (used, daily) = buckets(&days, Interval::Day);
        assert_eq!(used, Interval::Month);
        assert_eq!(daily.len(), 40 * 12 + 6);
        assert_eq!(daily.iter().map(|bucket| bucket.count).sum::<u64>(), 3);
        let (used, auto) = buckets(&days, Interval::Auto);
        assert_eq!(used, Interval::Year);
        assert_eq!(auto.len(), 41);
        assert_eq!(auto[0].start.to_rfc3339(), "1985-01-01T00:00:00+00:00");
        let (used, weekly) = buckets(&days, Interval::Week);
        assert_eq!((used, weekly.len()), (Interval::Month, 486));
    }

    /// Histograms agree with the articles' own dates, whether a
    /// segment's days are kept in an array or read from its column (a
    /// segment spanning centuries is read from the column).
    #[test]
    fn kept_days_and_column_reads_count_alike() {
        use crate::Article;
        use crate::index::{NewsIndex, WriterOptions};
        use crate::query::{SearchRequest, search};

        let index = NewsIndex::create_in_ram().unwrap();
        let mut writer = index
            .writer(WriterOptions {
                extract_entities: false,
                // One indexing thread: one segment per commit.
                threads: Some(1),
                ..WriterOptions::default()
            })
            .unwrap();
        let mut expected: BTreeMap<(i32, u32), u64> = BTreeMap::new();
        let mut number = 0;
        let mut article = |published: Option<&str>| {
            number += 1;
            let published_at = published.map(|text| DateTime::parse_from_rfc3339(text).unwrap());
            if let Some(time) = published_at {
                let utc = time.with_timezone(&Utc);
                *expected.entry((utc.year(), utc.month())).or_default() += 1;
            }
            Article {
                id: format!("a{number}"),
                title: format!("harbour news {number}"),
                body: "The harbour reopened.".to_string(),
                published_at,
                ..Article::default()
            }
        };
        let kept = [
            Some("2025-03-01T23:30:00+00:00"),
            Some("2025-03-02T00:30:00+01:00"),
            Some("2025-03-09T12:00:00+00:00"),
            None,
            Some("2024-12-31T23:59:59+00:00"),
        ];
        for published in kept {
            writer.upsert(&article(published)).unwrap();
        }
        writer.commit().unwrap();
        let spread = [
            Some("1700-06-01T00:00:00+00:00"),
            Some("2025-03-02T10:00:00+00:00"),
            None,
        ];
        for published in spread {
            writer.upsert(&article(published)).unwrap();
        }
        writer.finish().unwrap();

        let searcher = index.searcher();
        assert_eq!(
            searcher.segment_readers().len(),
            2,
            "one segment per commit"
        );
        let kinds: Vec<bool> = index
            .published_days(&searcher)
            .unwrap()
            .iter()
            .map(Option::is_some)
            .collect();
        assert_eq!(kinds.iter().filter(|kept| **kept).count(), 1, "{kinds:?}");

        let response = search(
            &index,
            &SearchRequest {
                q: "harbour".into(),
                histogram: Some(Interval::Month),
                ..SearchRequest::default()
            },
        )
        .unwrap();
        // Months from 1700 to 2025 are past the bucket cap: years.
        assert_eq!(response.histogram_interval, Some(Interval::Year));
        let counted: BTreeMap<i32, u64> = response
            .histogram
            .unwrap()
            .into_iter()
            .filter(|bucket| bucket.count > 0)
            .map(|bucket| (bucket.start.year(), bucket.count))
            .collect();
        let mut expected_years: BTreeMap<i32, u64> = BTreeMap::new();
        for ((year, _), count) in expected {
            *expected_years.entry(year).or_default() += count;
        }
        assert_eq!(counted, expected_years);
    }
}
