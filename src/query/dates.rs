//! The dates and durations of a search, read in one place: date bounds
//! (`2025-02-18`, RFC 3339, or relative to now: `now`, `now-7d`,
//! `now-12h`, `now-2w`, calendar `now-1M` and `now-1y`) and the recency
//! half-life (`90m`, `12h`, `3d`, `2w`). Durations are `humantime`'s
//! (`1h30m` and `3days` too); chrono reads the formats and counts
//! calendar months.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, Utc};

use super::parser::QueryError;

/// Which end of a range a bound closes; a bare date as an upper bound
/// includes that whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundSide {
    /// The lower bound: a bare day starts at its midnight.
    From,
    /// The upper bound: a bare day includes itself (ends at the next midnight).
    To,
}

/// A date bound as `from`/`to` take it (`YYYY-MM-DD`, RFC 3339, `now-7d`), relative to `now`.
pub fn parse_date_bound(
    text: &str,
    side: BoundSide,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, QueryError> {
    let text = text.trim();
    let name = match side {
        BoundSide::From => "from",
        BoundSide::To => "to",
    };
    let invalid = || {
        QueryError::in_parameter(
            name,
            format!(
                "invalid `{name}` date {text:?}; expected YYYY-MM-DD, RFC 3339 (2025-02-18T10:25:00Z) or now-7d"
            ),
        )
    };
    if let Some(relative) = text.strip_prefix("now") {
        if relative.is_empty() {
            return Ok(now);
        }
        let amount = relative.strip_prefix('-').ok_or_else(invalid)?.trim();
        // Months and years are the calendar's; the rest a duration.
        let calendar_months = |suffix: char, per: u32| {
            amount
                .strip_suffix(suffix)
                .and_then(|count| count.trim().parse::<u32>().ok())
                .map(|count| count.saturating_mul(per))
        };
        if let Some(months) = calendar_months('M', 1).or_else(|| calendar_months('y', 12)) {
            return now
                .checked_sub_months(Months::new(months))
                .ok_or_else(invalid);
        }
        let duration = parse_duration(amount).ok_or_else(invalid)?;
        return chrono::Duration::from_std(duration)
            .ok()
            .and_then(|duration| now.checked_sub_signed(duration))
            .ok_or_else(invalid);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let date = match side {
            BoundSide::From => date,
            BoundSide::To => date.succ_opt().ok_or_else(invalid)?,
        };
        return Ok(date.and_time(NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.to_utc())
        .map_err(|_| invalid())
}

/// A positive duration: `90m`, `12h`, `3d`, `2w`, `1h30m`.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    humantime::parse_duration(text.trim())
        .ok()
        .filter(|duration| !duration.is_zero())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse() {
        let now = DateTime::parse_from_rfc3339("2025-02-18T10:00:00Z")
            .unwrap()
            .to_utc();
        let parse = |text, side| parse_date_bound(text, side, now).unwrap().to_rfc3339();
        assert_eq!(
            parse("2025-02-18", BoundSide::From),
            "2025-02-18T00:00:00+00:00"
        );
        assert_eq!(
            parse("2025-02-18", BoundSide::To),
            "2025-02-19T00:00:00+00:00"
        );
        assert_eq!(
            parse("now-7d", BoundSide::From),
            "2025-02-11T10:00:00+00:00"
        );
        assert_eq!(
            parse("2025-02-18T12:00:00+02:00", BoundSide::To),
            "2025-02-18T10:00:00+00:00"
        );
        assert_eq!(
            parse("now-1M", BoundSide::From),
            "2025-01-18T10:00:00+00:00"
        );
        assert_eq!(
            parse("now-1h30m", BoundSide::From),
            "2025-02-18T08:30:00+00:00"
        );
        assert!(parse_date_bound("yesterday", BoundSide::From, now).is_err());
        assert!(parse_date_bound("now-7x", BoundSide::From, now).is_err());
    }

    #[test]
    fn half_lives_are_positive_durations() {
        let hours = |text| parse_duration(text).map(|duration| duration.as_secs_f64() / 3600.0);
        assert_eq!(hours("90m"), Some(1.5));
        assert_eq!(hours("3d"), Some(72.0));
        assert_eq!(hours("2w"), Some(336.0));
        assert_eq!(hours(" 12h "), Some(12.0));
        assert_eq!(hours("0h"), None);
        assert_eq!(hours("-3d"), None);
        assert_eq!(hours("soon"), None);
    }
}
