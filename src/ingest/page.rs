//! News pages scraped to text, and plain-text articles.
//!
//! A scraped page reads, one paragraph per line:
//!
//! ```text
//! date 2025-02-18 Skip to content
//! News Feed, Ukraine, Russia, NATO          ← section, then tags
//! Title of the story
//! by Jane Doe and John Roe February 18, 2025 10:25 AM 2 min read
//! A caption of the lead photo. (Photographer/Agency via Getty Images)
//! Body paragraphs…
//! Author: Jane Doe                          ← closes the main story or an entry
//! 11:25 PM                                  ← opens a live entry
//! Headline of the entry
//! Entry paragraphs…
//! Thank you for signing up for this newsletter.   ← site boilerplate
//! ```
//!
//! Every part but the title is optional; without the `date` header the first
//! line is the title and the rest is the body (the BBC's plain-text form).
//! Blank lines, CRLF and a byte-order mark make no difference.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use regex::Regex;

use super::FieldError;
use super::boilerplate::is_boilerplate;
use super::dates::{localize, parse_clock_time};
use crate::article::{Article, Caption, LiveEntry};

static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^date\s+(\d{4}-\d{2}-\d{2})\b").expect("header pattern is valid")
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^by\s+(?P<authors>.+?)
          (?:\s*[|,·-]?\s+(?P<date>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}))?
          (?:,?\s+(?:at\s+)?(?P<time>\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?))?
          (?:\s*[|,·-]?\s+(?P<minutes>\d+)\s+min(?:ute)?s?\s+read)?\s*$",
    )
    .expect("byline pattern is valid")
});

static CAPTION_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<text>.*\S)\s*\((?P<credit>[^()]{3,160})\)\s*$")
        .expect("caption pattern is valid")
});

static AUTHOR_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*(?:,\s*and\s+|,|\band\b|&)\s*").expect("separator pattern is valid")
});

/// Words that mark a parenthesis at the end of a line as a photo credit.
const CREDIT_MARKERS: &[&str] = &[
    "/",
    "getty",
    "afp",
    "reuters",
    "ap photo",
    "associated press",
    "photo",
    "image",
    "credit",
    "epa",
    "shutterstock",
    "via ",
    "anadolu",
    "courtesy",
    "pool",
    "press service",
];

/// Parses one news page or plain-text article. `zone` places times that
/// carry no offset.
pub fn parse_page(text: &str, zone: Tz) -> Result<Article, FieldError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut paragraphs: Vec<&str> = text
        .lines()
        .map(|line| line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .filter(|line| !line.is_empty())
        .collect();

    let mut article = Article::default();
    let mut page_date: Option<NaiveDate> = None;
    if let Some(captures) = paragraphs.first().and_then(|line| HEADER.captures(line)) {
        page_date = NaiveDate::parse_from_str(&captures[1], "%Y-%m-%d").ok();
        if page_date.is_none() {
            return Err(FieldError::new(
                "published_at",
                format!("invalid date {:?} in the page header", &captures[1]),
            ));
        }
        paragraphs.remove(0);
    }
    paragraphs.retain(|line| !is_boilerplate(line));
    if paragraphs.is_empty() {
        return Err(FieldError::new("title", "empty document: no title or body"));
    }

    let mut cursor = 0;
    if page_date.is_some() && has_tag_line(&paragraphs) {
        let mut items = split_list(paragraphs[0]).into_iter();
        article.section = items.next();
        article.tags = items.collect();
        cursor = 1;
    }
    article.title = paragraphs[cursor].to_string();
    cursor += 1;

    let mut clock: Option<NaiveTime> = None;
    let mut dated = page_date;
    if let Some(byline) = paragraphs.get(cursor).and_then(|line| parse_byline(line)) {
        article.authors = byline.authors;
        article.reading_time = byline.minutes;
        if let Some(date) = byline.date {
            dated = Some(date);
        }
        clock = byline.time;
        cursor += 1;
    }
    article.published_at = match dated {
        Some(date) => Some(
            localize(
                date.and_time(clock.unwrap_or(NaiveTime::MIN)),
                zone,
                "byline",
            )
            .map_err(|reason| FieldError::new("published_at", reason.to_string()))?,
        ),
        None => None,
    };

    let has_front_matter = page_date.is_some() || !article.authors.is_empty();
    if has_front_matter
        && let Some(caption) = paragraphs.get(cursor).and_then(|line| parse_caption(line))
    {
        article.captions.push(caption);
        cursor += 1;
    }

    let story = split_body_and_entries(&paragraphs[cursor..], dated, zone)?;
    article.body = story.body.join("\n\n");
    if article.authors.is_empty()
        && let Some(author) = story.body_author
    {
        article.authors.push(author);
    }
    article.entries = story.entries;
    for entry in &mut article.entries {
        if entry.author.is_none() {
            entry.author = article.authors.first().cloned();
        }
    }
    Ok(article)
}

/// With a page header, the line before the title lists the section and tags.
/// It is there unless the line after the first is already the byline, or the
/// first line reads as a sentence rather than a list.
fn has_tag_line(paragraphs: &[&str]) -> bool {
    if paragraphs.len() < 2 {
        return false;
    }
    if parse_byline(paragraphs[1]).is_some() {
        return false;
    }
    if paragraphs
        .get(2)
        .is_some_and(|line| parse_byline(line).is_some())
    {
        return true;
    }
    let items = split_list(paragraphs[0]);
    items.len() >= 2
        && !paragraphs[0].ends_with('.')
        && items
            .iter()
            .all(|item| item.split_whitespace().count() <= 6)
}

fn split_list(line: &str) -> Vec<String> {
    line.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

struct Byline {
    authors: Vec<String>,
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    minutes: Option<u32>,
}

/// A byline names one or more people; "By the end of the year, …" does not,
/// so every name must be one to five words, each starting with a capital.
fn parse_byline(line: &str) -> Option<Byline> {
    if line.len() > 300 {
        return None;
    }
    let captures = BYLINE.captures(line)?;
    let authors: Vec<String> = AUTHOR_SEPARATOR
        .split(&captures["authors"])
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    let looks_like_names = !authors.is_empty()
        && authors.iter().all(|name| {
            let words: Vec<&str> = name.split_whitespace().collect();
            (1..=5).contains(&words.len())
                && words.iter().all(|word| {
                    word.chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase() || !c.is_alphabetic())
                })
        });
    if !looks_like_names {
        return None;
    }
    let date = captures.name("date").and_then(|date| {
        let cleaned = date.as_str().replace(['.', ','], "");
        ["%B %d %Y", "%b %d %Y"]
            .iter()
            .find_map(|format| NaiveDate::parse_from_str(&cleaned, format).ok())
    });
    Some(Byline {
        authors,
        date,
        time: captures
            .name("time")
            .and_then(|time| parse_clock_time(time.as_str())),
        minutes: captures
            .name("minutes")
            .and_then(|minutes| minutes.as_str().parse().ok()),
    })
}

/// A photo caption ends with its credit in parentheses, or opens with "Photo:".
fn parse_caption(line: &str) -> Option<Caption> {
    if let Some(captures) = CAPTION_CREDIT.captures(line) {
        let credit = captures["credit"].trim();
        let lower = credit.to_lowercase();
        if CREDIT_MARKERS.iter().any(|marker| lower.contains(marker)) {
            return Some(Caption {
                text: captures["text"].trim().to_string(),
                credit: Some(credit.to_string()),
            });
        }
    }
    for prefix in ["Photo:", "Photo by", "Image:"] {
        if let Some(credit) = line.strip_prefix(prefix)
            && line.len() < 200
        {
            return Some(Caption {
                text: String::new(),
                credit: Some(credit.trim().to_string()),
            });
        }
    }
    None
}

struct BodyAndEntries {
    body: Vec<String>,
    body_author: Option<String>,
    entries: Vec<LiveEntry>,
}

/// Splits what follows the front matter into the main body and live entries:
/// `Author: NAME` closes the block it follows, a lone clock time opens an
/// entry whose first paragraph is its headline.
fn split_body_and_entries(
    paragraphs: &[&str],
    date: Option<NaiveDate>,
    zone: Tz,
) -> Result<BodyAndEntries, FieldError> {
    let mut story = BodyAndEntries {
        body: Vec::new(),
        body_author: None,
        entries: Vec::new(),
    };
    let mut entry_body: Vec<&str> = Vec::new();
    for paragraph in paragraphs {
        if let Some(author) = strip_author_line(paragraph) {
            match story.entries.last_mut() {
                Some(entry) => entry.author = Some(author.to_string()),
                None => story.body_author = Some(author.to_string()),
            }
            continue;
        }
        if paragraph.len() <= 12
            && let Some(clock) = parse_clock_time(paragraph)
        {
            flush_entry_body(&mut story.entries, &mut entry_body);
            story.entries.push(LiveEntry {
                time: entry_time(date, clock, zone)?,
                ..LiveEntry::default()
            });
            continue;
        }
        match story.entries.last_mut() {
            None => story.body.push(paragraph.to_string()),
            Some(entry) if entry.headline.is_empty() => entry.headline = paragraph.to_string(),
            Some(_) => entry_body.push(paragraph),
        }
    }
    flush_entry_body(&mut story.entries, &mut entry_body);
    Ok(story)
}

fn flush_entry_body(entries: &mut [LiveEntry], paragraphs: &mut Vec<&str>) {
    if let Some(entry) = entries.last_mut() {
        entry.body = paragraphs.join("\n\n");
    }
    paragraphs.clear();
}

fn strip_author_line(paragraph: &str) -> Option<&str> {
    let (label, name) = paragraph.split_once(':')?;
    if !label.trim().eq_ignore_ascii_case("author") {
        return None;
    }
    let name = name.trim();
    (!name.is_empty() && name.split_whitespace().count() <= 6).then_some(name)
}

fn entry_time(
    date: Option<NaiveDate>,
    clock: NaiveTime,
    zone: Tz,
) -> Result<Option<DateTime<FixedOffset>>, FieldError> {
    let Some(date) = date else {
        return Ok(None);
    };
    localize(date.and_time(clock), zone, &clock.to_string())
        .map(Some)
        .map_err(|reason| FieldError::new("entries.time", reason.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_with_several_authors_parse() {
        let byline =
            parse_byline("By Jane Doe, John Roe and Ann Poe March 3, 2024 9:05 PM 5 min read")
                .unwrap();
        assert_eq!(byline.authors, ["Jane Doe", "John Roe", "Ann Poe"]);
        assert_eq!(byline.date, NaiveDate::from_ymd_opt(2024, 3, 3));
        assert_eq!(byline.time, NaiveTime::from_hms_opt(21, 5, 0));
        assert_eq!(byline.minutes, Some(5));
        assert!(parse_byline("By the end of the year, prices rose.").is_none());
    }

    #[test]
    fn a_caption_needs_a_credit() {
        let caption =
            parse_caption("Rescuers at the site. (Photo: State Emergency Service)").unwrap();
        assert_eq!(caption.text, "Rescuers at the site.");
        assert!(parse_caption("Profits rose to $1.13bn (£600m)").is_none());
    }

    #[test]
    fn plain_text_takes_the_first_line_as_title() {
        let article = parse_page(
            "\u{feff}Title here\r\n\r\nFirst para.\r\nSecond para.\r\n",
            Tz::UTC,
        )
        .unwrap();
        assert_eq!(article.title, "Title here");
        assert_eq!(article.body, "First para.\n\nSecond para.");
        assert!(article.published_at.is_none() && article.entries.is_empty());
    }

    #[test]
    fn empty_input_is_an_error_naming_the_field() {
        let error = parse_page("\n \n", Tz::UTC).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("title"));
    }
}
