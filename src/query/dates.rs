//! Date bounds of a search: `2025-02-18`, RFC 3339, or relative to now
//! (`now`, `now-7d`, `now-12h`, `now-2w`, `now-1M`).

use chrono::{DateTime, Duration, Months, NaiveDate, NaiveTime, Utc};

use super::parser::QueryError;

/// Which end of a range a bound closes; a bare date as an upper bound
/// includes that whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundSide {
    From,
    To,
}

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
        QueryError::new(format!(
            "invalid `{name}` date {text:?}; expected YYYY-MM-DD, RFC 3339 (2025-02-18T10:25:00Z) or now-7d"
        ))
    };
    if let Some(relative) = text.strip_prefix("now") {
        if relative.is_empty() {
            return Ok(now);
        }
        let amount = relative.strip_prefix('-').ok_or_else(invalid)?;
        let unit = amount.chars().last().ok_or_else(invalid)?;
        let count: u32 = amount[..amount.len() - unit.len_utf8()]
            .parse()
            .map_err(|_| invalid())?;
        return match unit {
            'm' => Ok(now - Duration::minutes(count.into())),
            'h' => Ok(now - Duration::hours(count.into())),
            'd' => Ok(now - Duration::days(count.into())),
            'w' => Ok(now - Duration::weeks(count.into())),
            'M' => now
                .checked_sub_months(Months::new(count))
                .ok_or_else(invalid),
            'y' => now
                .checked_sub_months(Months::new(count.saturating_mul(12)))
                .ok_or_else(invalid),
            _ => Err(invalid()),
        };
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
        assert!(parse_date_bound("yesterday", BoundSide::From, now).is_err());
        assert!(parse_date_bound("now-7x", BoundSide::From, now).is_err());
    }
}
