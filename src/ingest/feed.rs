//! RSS 2.0, Atom and JSON Feed, through feed-rs.
//!
//! Each feed item becomes an article: title, link, guid, dates, creators,
//! categories as tags, and its HTML content turned into clean paragraphs.
//! The feed's own title names the source.

use chrono_tz::Tz;

use super::json::normalize_language;
use super::{FieldError, Location, Record, RecordResult};
use crate::article::Article;

/// The items of an RSS, Atom or JSON Feed document as articles, one result per item.
pub fn read_feed(bytes: &[u8], location: &Location, _zone: Tz) -> Vec<RecordResult> {
    // feed-rs reads every date with its offset; naive feed dates are UTC by
    // the RSS and Atom specifications, so the zone does not apply here.
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(feed) => feed,
        Err(error) => {
            return vec![Err(
                FieldError::record(format!("invalid feed: {error}")).at(location.clone())
            )];
        }
    };
    let source = feed
        .title
        .as_ref()
        .map(|title| html_to_text(&title.content))
        .filter(|title| !title.is_empty());
    let feed_language = feed.language.as_deref().map(normalize_language);
    feed.entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let location = location.with_record(index + 1);
            let title = entry
                .title
                .as_ref()
                .map(|text| html_to_text(&text.content))
                .unwrap_or_default();
            let summary = entry
                .summary
                .as_ref()
                .map(|text| html_to_text(&text.content))
                .filter(|text| !text.is_empty());
            let content = entry
                .content
                .as_ref()
                .and_then(|content| content.body.as_deref())
                .map(html_to_text)
                .filter(|text| !text.is_empty());
            let body = content.or_else(|| summary.clone()).unwrap_or_default();
            if title.is_empty() && body.is_empty() {
                return Err(FieldError::new(
                    "title",
                    "missing: a feed item needs a title or content",
                )
                .at(location));
            }
            let url = entry.links.first().map(|link| link.href.clone());
            let mut tags: Vec<String> = Vec::new();
            for category in &entry.categories {
                let tag = category.label.as_deref().unwrap_or(&category.term).trim();
                if !tag.is_empty() && !tags.iter().any(|known| known.eq_ignore_ascii_case(tag)) {
                    tags.push(tag.to_string());
                }
            }
            let article = Article {
                // The link identifies an article across feeds and formats;
                // the guid is used only when there is no link.
                id: if url.is_some() {
                    String::new()
                } else {
                    entry.id.clone()
                },
                url,
                source: source.clone(),
                language: entry
                    .language
                    .as_deref()
                    .map(normalize_language)
                    .or_else(|| feed_language.clone()),
                title,
                summary: summary.filter(|summary| *summary != body),
                body,
                authors: entry
                    .authors
                    .iter()
                    .filter_map(|person| person.name.as_deref())
                    .flat_map(super::json::split_byline)
                    .collect(),
                tags,
                published_at: entry
                    .published
                    .or(entry.updated)
                    .map(|time| time.fixed_offset()),
                updated_at: entry.updated.map(|time| time.fixed_offset()),
                ..Article::default()
            };
            Ok(Record { article, location })
        })
        .collect()
}

/// HTML (or plain text, which passes through) → paragraphs separated by a
/// blank line, without markup, link footnotes or line wrapping.
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.trim().to_string();
    }
    // html2text's time grows with the square of the nesting (100,000
    // nested divs: 56 s); no news item nests that deep, so past the bound
    // the markup is dropped in one pass and only the text is rendered.
    if nesting_depth(html) > MAX_NESTING {
        return html_to_text(&without_tags(html));
    }
    let decorator = html2text::render::TrivialDecorator::new();
    let rendered = html2text::config::with_decorator(decorator)
        .string_from_read(html.as_bytes(), 100_000)
        .unwrap_or_else(|_| html.to_string());
    rendered
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Element nesting past which markup is dropped rather than rendered.
const MAX_NESTING: usize = 128;

/// Elements that never hold others.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The deepest element nesting of the markup, in one pass over its tags
/// (void and self-closing elements do not nest).
fn nesting_depth(html: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('>') else { break };
        let tag = &rest[..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if !VOID_ELEMENTS.contains(&tag_name(name).as_str()) {
                depth = depth.saturating_sub(1);
            }
        } else if !tag.starts_with('!')
            && !tag.starts_with('?')
            && !tag.ends_with('/')
            && !VOID_ELEMENTS.contains(&tag_name(tag).as_str())
        {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

fn tag_name(tag: &str) -> String {
    tag.split(|c: char| c.is_whitespace() || c == '/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The text with every tag replaced by a space (entities kept, for the
/// renderer to decode).
fn without_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = "";
                break;
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_markup_is_read_in_one_pass() {
        let nested = format!(
            "{}Deep &amp; buried text.{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert_eq!(html_to_text(&nested), "Deep & buried text.");
        assert_eq!(
            nesting_depth("<p>a<br>b<img src=x/><div><i>c</i></div></p>"),
            3
        );
    }

    #[test]
    fn html_becomes_clean_paragraphs() {
        let text = html_to_text(
            "<p>Kyiv &amp; <b>Warsaw</b> talks.</p><p>Second <a href='x'>link</a>.</p>",
        );
        assert_eq!(text, "Kyiv & Warsaw talks.\n\nSecond link.");
    }
}
