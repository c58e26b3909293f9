//! Date and time parsing for every reader.
//!
//! News sources write times in a dozen ways. Each form below was seen in real
//! feeds and APIs; a time without an offset is read in the configured zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// Why a time in an input could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing but white space.
    #[error("empty date")]
    Empty,
    /// No form newsdex reads (the text).
    #[error("unparsable date {0:?}")]
    Unparsable(String),
    /// Epoch digits past what a date can be (the text).
    #[error("epoch time out of range {0:?}")]
    OutOfRange(String),
    #[error("time {time:?} does not exist in zone {zone}")]
    /// A wall-clock time the zone skips (a clock change).
    NotInZone {
        /// The time as written.
        time: String,
        /// The zone it was read in.
        zone: Tz,
    },
    /// A JSON value of another type where a date belongs.
    #[error("expected a date, found {0}")]
    NotADate(&'static str),
    /// A date before 1678 or after 2261, which an index cannot hold
    /// (pages write `0001-01-01` for "no date").
    #[error("date {0:?} is outside the years 1678 to 2261 an index holds")]
    BeyondIndex(String),
}

/// The years an index's dates can hold (nanoseconds from 1970 in an i64).
pub const INDEXABLE_YEARS: std::ops::RangeInclusive<i32> = 1678..=2261;

/// Whether `time` lies in [`INDEXABLE_YEARS`].
pub fn is_indexable(time: &DateTime<FixedOffset>) -> bool {
    use chrono::Datelike;
    INDEXABLE_YEARS.contains(&time.year())
}

/// Reads a date or date-time in any of the forms news sources use:
/// RFC 3339 (also with a space for `T`), RFC 2822, ISO dates and naive
/// date-times, `MM-DD-YYYY` and `MM/DD/YYYY`, "February 18, 2025 10:25 AM",
/// "18 February 2025", and Unix epoch seconds or milliseconds.
pub fn parse_datetime(raw: &str, zone: Tz) -> Result<DateTime<FixedOffset>, DateError> {
    let time = parse_any_datetime(raw, zone)?;
    if is_indexable(&time) {
        Ok(time)
    } else {
        Err(DateError::BeyondIndex(raw.trim().to_string()))
    }
}

fn parse_any_datetime(raw: &str, zone: Tz) -> Result<DateTime<FixedOffset>, DateError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(&text.replacen(' ', "T", 1)) {
        return Ok(time);
    }
    if let Ok(time) = DateTime::parse_from_rfc2822(text) {
        return Ok(time);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f %z"] {
        if let Ok(time) = DateTime::parse_from_str(text, format) {
            return Ok(time);
        }
    }
    if text.chars().all(|c| c.is_ascii_digit()) && text.len() >= 9 {
        return parse_epoch(text);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%B %d, %Y %I:%M %p",
        "%b %d, %Y %I:%M %p",
        "%B %d, %Y %H:%M",
        "%d %B %Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %I:%M %p",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return localize(naive, zone, raw);
        }
    }
    for format in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%m-%d-%Y",
        "%m/%d/%Y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%d %b %Y",
        "%Y%m%d",
    ] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return localize(date.and_time(NaiveTime::MIN), zone, raw);
        }
    }
    Err(DateError::Unparsable(raw.to_string()))
}

fn parse_epoch(text: &str) -> Result<DateTime<FixedOffset>, DateError> {
    let value: i64 = text
        .parse()
        .map_err(|_| DateError::OutOfRange(text.to_string()))?;
    // Ten digits of seconds reach the year 2286; more digits are milliseconds.
    let time = if text.len() <= 10 {
        DateTime::from_timestamp(value, 0)
    } else {
        DateTime::from_timestamp_millis(value)
    };
    time.map(|time| time.fixed_offset())
        .ok_or_else(|| DateError::OutOfRange(text.to_string()))
}

/// Places a wall-clock time in `zone`. In the hour a clock skips there is no
/// such time; in the hour it repeats the earlier reading is taken.
pub fn localize(
    naive: NaiveDateTime,
    zone: Tz,
    raw: &str,
) -> Result<DateTime<FixedOffset>, DateError> {
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|time| time.fixed_offset())
        .ok_or_else(|| DateError::NotInZone {
            time: raw.to_string(),
            zone,
        })
}

/// Reads a clock time such as "11:25 PM", "9:05 am" or "23:25".
pub fn parse_clock_time(raw: &str) -> Option<NaiveTime> {
    let text = raw.trim().to_ascii_uppercase().replace('.', "");
    for format in ["%I:%M %p", "%I:%M%p", "%H:%M"] {
        if let Ok(time) = NaiveTime::parse_from_str(&text, format) {
            return Some(time);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> String {
        parse_datetime(raw, Tz::UTC).unwrap().to_rfc3339()
    }

    #[test]
    fn news_date_forms_parse() {
        assert_eq!(
            parse("2025-02-18T10:25:00+02:00"),
            "2025-02-18T10:25:00+02:00"
        );
        assert_eq!(parse("2025-02-18 10:25:00Z"), "2025-02-18T10:25:00+00:00");
        assert_eq!(
            parse("Tue, 18 Feb 2025 10:25:00 GMT"),
            "2025-02-18T10:25:00+00:00"
        );
        assert_eq!(parse("2025-02-18"), "2025-02-18T00:00:00+00:00");
        assert_eq!(parse("06-13-2014"), "2014-06-13T00:00:00+00:00");
        assert_eq!(
            parse("February 18, 2025 10:25 AM"),
            "2025-02-18T10:25:00+00:00"
        );
        assert_eq!(parse("1739874300"), "2025-02-18T10:25:00+00:00");
        assert_eq!(parse("1739874300000"), "2025-02-18T10:25:00+00:00");
        assert!(parse_datetime("next tuesday", Tz::UTC).is_err());
    }

    /// The "no date" placeholders of web pages and years a tantivy date
    /// cannot hold are refused, not wrapped into another date.
    #[test]
    fn dates_beyond_the_index_years_are_refused() {
        for raw in [
            "0001-01-01T00:00:00Z",
            "1677-12-31",
            "2262-01-01",
            "9999-12-31",
        ] {
            assert!(
                matches!(parse_datetime(raw, Tz::UTC), Err(DateError::BeyondIndex(_))),
                "{raw}"
            );
        }
        assert!(parse_datetime("1678-01-01", Tz::UTC).is_ok());
        assert!(parse_datetime("2261-12-31", Tz::UTC).is_ok());
    }

    #[test]
    fn naive_times_take_the_configured_zone() {
        let kyiv: Tz = "Europe/Kyiv".parse().unwrap();
        let time = parse_datetime("2025-02-18T10:25:00", kyiv).unwrap();
        assert_eq!(time.to_rfc3339(), "2025-02-18T10:25:00+02:00");
        assert_eq!(time.to_utc().to_rfc3339(), "2025-02-18T08:25:00+00:00");
    }

    #[test]
    fn clock_times_parse() {
        assert_eq!(
            parse_clock_time("11:25 PM"),
            NaiveTime::from_hms_opt(23, 25, 0)
        );
        assert_eq!(
            parse_clock_time("9:05 a.m."),
            NaiveTime::from_hms_opt(9, 5, 0)
        );
        assert_eq!(
            parse_clock_time("23:25"),
            NaiveTime::from_hms_opt(23, 25, 0)
        );
        assert_eq!(parse_clock_time("25:00"), None);
    }
}
