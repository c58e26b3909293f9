//! HTML article pages: the page as a newsroom publishes it.
//!
//! The metadata comes from what publishers write for search engines and
//! social networks, in this order of trust: schema.org JSON-LD (`NewsArticle`,
//! `Article`, `ReportageNewsArticle`, `LiveBlogPosting` and their kin, also
//! inside `@graph`), then OpenGraph and `article:*` meta tags, then
//! `<meta name=author|keywords|description>`, `<time datetime>`, `<link
//! rel=canonical>` and `<html lang>`. A live blog's `liveBlogUpdate` items
//! become its timestamped entries.
//!
//! The main text is extracted by `dom_smoothie` (a Rust port of Mozilla's
//! Readability), chosen against `rs-trafilatura` on the article-extraction
//! benchmark (`cargo bench --bench html_extraction`): near the same F1 at
//! three times the speed. Captions (`<figcaption>` and elements whose class
//! names a caption) are taken out of the page first and kept apart with
//! their credits, as the page-text format keeps them; navigation and
//! footers go too, and the furniture Readability keeps when it sits inside
//! the story's container (newsletter boxes, related and share blocks marked
//! by class, paragraphs that are one link to another story); the site's
//! lines left in the text (see [`super::boilerplate`]) go after.
//!
//! The fields found are handed to the JSON reader's mapping
//! ([`super::json::article_from_value`]) under newsdex's own names, so a
//! page's values are checked and coerced exactly as a JSON record's are.

use chrono_tz::Tz;
use dom_query::{Document, Selection};
use serde_json::{Map, Value};

use super::FieldError;
use super::boilerplate::is_boilerplate;
use super::dates::parse_datetime;
use super::json::{article_from_value, split_byline};
use crate::article::Article;

/// The schema.org types that describe one article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "BlogPosting",
    "Report",
];

/// Most tags a page may give (some list hundreds of keywords).
const MAX_TAGS: usize = 50;

/// Whether text looks like an HTML page rather than a feed or a fragment.
pub fn looks_like_html(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = start
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    let feed = ["<rss", "<feed", "<rdf:rdf"]
        .iter()
        .any(|tag| head.contains(tag));
    !feed && (head.contains("<html") || head.contains("<!doctype html"))
}

/// Reads one HTML page; `page_url` is where it was fetched from, if known
/// (the page's own canonical link wins).
pub fn parse_html(text: &str, page_url: Option<&str>, zone: Tz) -> Result<Article, FieldError> {
    let document = Document::from(text);
    let linked = linked_data(&document);
    let meta = |names: &[&str]| meta_content(&document, names);
    let mut fields = Map::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(value) = value.map(|v| collapse(&v)).filter(|v| !v.is_empty()) {
            fields.insert(name.to_string(), Value::String(value));
        }
    };

    let url = attribute(&document, "link[rel~=canonical]", "href")
        .or_else(|| meta(&["og:url"]))
        .or_else(|| linked.as_ref().and_then(ld_url))
        .filter(|url| url.starts_with("http"))
        .or_else(|| page_url.map(str::to_string));
    put("url", url.clone());
    put(
        "title",
        linked
            .as_ref()
            .and_then(|ld| ld_text(ld, "headline"))
            .or_else(|| meta(&["og:title", "twitter:title"]))
            .or_else(|| first_text(&document, "h1"))
            .or_else(|| first_text(&document, "title")),
    );
    put(
        "summary",
        linked
            .as_ref()
            .and_then(|ld| ld_text(ld, "description"))
            .or_else(|| meta(&["og:description", "description", "twitter:description"])),
    );
    put(
        "source",
        meta(&["og:site_name"])
            .or_else(|| {
                linked
                    .as_ref()
                    .and_then(|ld| ld.get("publisher"))
                    .and_then(name_of)
            })
            .or_else(|| url.as_deref().and_then(host_of)),
    );
    put(
        "language",
        attribute(&document, "html", "lang")
            .or_else(|| linked.as_ref().and_then(|ld| ld_text(ld, "inLanguage")))
            .or_else(|| meta(&["og:locale", "content-language"])),
    );
    put(
        "section",
        meta(&["article:section"]).or_else(|| {
            linked
                .as_ref()
                .and_then(|ld| ld.get("articleSection"))
                .and_then(first_string)
        }),
    );
    let published = [
        linked.as_ref().and_then(|ld| ld_text(ld, "datePublished")),
        meta(&["article:published_time", "og:published_time"]),
        meta(&[
            "pubdate",
            "publishdate",
            "date",
            "dc.date",
            "dcterms.created",
        ]),
        attribute(&document, "time[datetime]", "datetime"),
    ];
    put("published_at", first_date(published, zone));
    let updated = [
        linked.as_ref().and_then(|ld| ld_text(ld, "dateModified")),
        meta(&["article:modified_time", "og:updated_time"]),
    ];
    put("updated_at", first_date(updated, zone));

    let tags = tags(&document, linked.as_ref());
    if !tags.is_empty() {
        fields.insert("tags".into(), strings(tags));
    }

    let captions = take_apart(&document);
    if !captions.is_empty() {
        fields.insert("captions".into(), Value::Array(captions));
    }
    let mut authors = linked
        .as_ref()
        .and_then(|ld| ld.get("author"))
        .map(names_of)
        .unwrap_or_default();
    if authors.is_empty() {
        authors = meta_content_all(&document, &["author", "article:author", "byl"])
            .iter()
            .filter(|author| !author.starts_with("http"))
            .flat_map(|author| split_byline(author))
            .collect();
    }
    let readable = readable_text(document, text, url.as_deref());
    if authors.is_empty()
        && let Some(byline) = readable.as_ref().and_then(|r| r.byline.as_deref())
    {
        authors = split_byline(byline);
    }
    if !authors.is_empty() {
        fields.insert("authors".into(), strings(authors));
    }

    let entries = linked
        .as_ref()
        .map(|ld| live_entries(ld, zone))
        .unwrap_or_default();
    let body = readable
        .map(|r| r.text)
        .filter(|text| !text.trim().is_empty())
        .or_else(|| linked.as_ref().and_then(|ld| ld_text(ld, "articleBody")));
    if let Some(body) = body {
        let title = fields.get("title").and_then(Value::as_str).unwrap_or("");
        // The entries' own text is theirs: the body keeps what is not in one.
        let in_entries: std::collections::HashSet<String> = entries
            .iter()
            .flat_map(|entry| [entry.get("headline"), entry.get("body")])
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let kept: Vec<String> = without_leading_metadata(paragraphs(&body), title, zone)
            .into_iter()
            .filter(|paragraph| !in_entries.contains(paragraph) && !is_boilerplate(paragraph))
            .collect();
        if !kept.is_empty() {
            fields.insert("body".into(), Value::String(kept.join("\n\n")));
        }
    }
    if !entries.is_empty() {
        fields.insert("entries".into(), Value::Array(entries));
    }
    if !fields.contains_key("body") && !fields.contains_key("entries") {
        return Err(FieldError::new(
            "body",
            "no article text found in the page (neither main text nor JSON-LD articleBody)",
        ));
    }
    article_from_value(Value::Object(fields), zone)
}

/// The page's schema.org article object, when it has one: the first of the
/// JSON-LD blocks (arrays and `@graph` looked into) whose type is an
/// article's. Walked with a stack, so nesting depth costs no recursion.
fn linked_data(document: &Document) -> Option<Map<String, Value>> {
    for script in document
        .select(r#"script[type="application/ld+json"]"#)
        .iter()
    {
        let text = script.text();
        // Some publishers leave raw control characters in strings.
        let cleaned: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let Ok(value) = serde_json::from_str::<Value>(cleaned.trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.into_iter().rev()),
                Value::Object(mut object) => {
                    if is_article(&object) {
                        return Some(object);
                    }
                    if let Some(graph) = object.remove("@graph") {
                        stack.push(graph);
                    }
                    if let Some(entity) = object.remove("mainEntity") {
                        stack.push(entity);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn is_article(object: &Map<String, Value>) -> bool {
    match object.get("@type") {
        Some(Value::String(kind)) => ARTICLE_TYPES.contains(&kind.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .any(|kind| ARTICLE_TYPES.contains(&kind)),
        _ => false,
    }
}

fn ld_text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(first_string)
}

fn ld_url(object: &Map<String, Value>) -> Option<String> {
    ld_text(object, "url").or_else(|| match object.get("mainEntityOfPage") {
        Some(Value::String(url)) => Some(url.clone()),
        Some(Value::Object(page)) => page
            .get("@id")
            .or_else(|| page.get("url"))
            .and_then(first_string),
        _ => None,
    })
}

/// A string, or the first string of an array.
fn first_string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => items.iter().find_map(first_string),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `"Jane Doe"`, `{"name": "Jane Doe"}` or a list of either.
fn name_of(value: &Value) -> Option<String> {
    match value {
        Value::String(name) => Some(name.clone()),
        Value::Object(object) => object.get("name").and_then(first_string),
        Value::Array(items) => items.iter().find_map(name_of),
        _ => None,
    }
}

fn names_of(value: &Value) -> Vec<String> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    items
        .into_iter()
        .filter_map(name_of)
        .flat_map(|name| split_byline(&name))
        .filter(|name| !name.starts_with("http"))
        .collect()
}

/// A live blog's `liveBlogUpdate` items as newsdex entries.
fn live_entries(object: &Map<String, Value>, zone: Tz) -> Vec<Value> {
    let Some(updates) = object.get("liveBlogUpdate") else {
        return Vec::new();
    };
    let updates: Vec<&Value> = match updates {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut entries: Vec<Value> = updates
        .into_iter()
        .filter_map(Value::as_object)
        .filter_map(|update| {
            let text = |key: &str| update.get(key).and_then(first_string).map(|t| collapse(&t));
            let body = text("articleBody").or_else(|| text("text"));
            let headline = text("headline").or_else(|| text("name"));
            if body.is_none() && headline.is_none() {
                return None;
            }
            let mut entry = Map::new();
            if let Some(time) = first_date([text("datePublished"), text("dateModified")], zone) {
                entry.insert("time".into(), Value::String(time));
            }
            entry.insert("headline".into(), headline.unwrap_or_default().into());
            entry.insert("body".into(), body.unwrap_or_default().into());
            if let Some(author) = update.get("author").and_then(name_of) {
                entry.insert("author".into(), Value::String(author));
            }
            Some(Value::Object(entry))
        })
        .collect();
    // Publishers list updates newest first; entries read in time order.
    // By instant, not by text: updates may carry different offsets.
    entries.sort_by_cached_key(|entry| {
        entry
            .get("time")
            .and_then(Value::as_str)
            .and_then(|time| parse_datetime(time, zone).ok())
    });
    entries
}

/// The first candidate that reads as a date, as given.
fn first_date<const N: usize>(candidates: [Option<String>; N], zone: Tz) -> Option<String> {
    candidates
        .into_iter()
        .flatten()
        .map(|raw| raw.trim().to_string())
        .find(|raw| parse_datetime(raw, zone).is_ok())
}

/// `<meta property|name=… content=…>` for the first of `names` present.
fn meta_content(document: &Document, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        ["property", "name", "itemprop", "http-equiv"]
            .iter()
            .find_map(|attribute_name| {
                let selector = format!(r#"meta[{attribute_name}="{name}" i][content]"#);
                attribute(document, &selector, "content")
            })
    })
}

/// Every `<meta>` content for the given names, in page order.
fn meta_content_all(document: &Document, names: &[&str]) -> Vec<String> {
    let mut values = Vec::new();
    for node in document.select("meta[content]").iter() {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .map(|key| key.to_ascii_lowercase());
        if key.is_some_and(|key| names.contains(&key.as_str()))
            && let Some(content) = node.attr("content")
        {
            let content = collapse(&content);
            if !content.is_empty() {
                values.push(content);
            }
        }
    }
    values
}

fn attribute(document: &Document, selector: &str, name: &str) -> Option<String> {
    document
        .select(selector)
        .iter()
        .find_map(|node| node.attr(name).map(|value| collapse(&value)))
        .filter(|value| !value.is_empty())
}

fn first_text(document: &Document, selector: &str) -> Option<String> {
    document
        .select(selector)
        .iter()
        .map(|node| collapse(&node.text()))
        .find(|text| !text.is_empty())
}

/// `article:tag` metas, JSON-LD `keywords` and `<meta name=keywords>`,
/// split on commas, without repeats (ignoring case).
fn tags(document: &Document, linked: Option<&Map<String, Value>>) -> Vec<String> {
    let mut raw: Vec<String> = document
        .select(r#"meta[property="article:tag"][content]"#)
        .iter()
        .filter_map(|node| node.attr("content").map(|c| c.to_string()))
        .collect();
    match linked.and_then(|ld| ld.get("keywords")) {
        Some(Value::String(keywords)) => raw.push(keywords.clone()),
        Some(Value::Array(keywords)) => {
            raw.extend(keywords.iter().filter_map(first_string));
        }
        _ => {}
    }
    if raw.is_empty()
        && let Some(keywords) = meta_content(document, &["keywords", "news_keywords"])
    {
        raw.push(keywords);
    }
    let mut seen = std::collections::HashSet::new();
    raw.iter()
        .flat_map(|value| value.split(','))
        .map(collapse)
        .filter(|tag| !tag.is_empty() && tag.chars().count() <= 100)
        .filter(|tag| seen.insert(tag.to_lowercase()))
        .take(MAX_TAGS)
        .collect()
}

/// Takes out of the page what is not the story's main text: the captions,
/// returned as `{text, credit}`, the site's navigation and footer, and its
/// furniture ([`remove_furniture`]).
fn take_apart(document: &Document) -> Vec<Value> {
    let captions = take_captions(document);
    document.select("nav, footer").remove();
    remove_furniture(document);
    captions
}

/// A picture's caption: `<figcaption>`, or an element whose class names a
/// caption (`<span class="newsCaption">`, `<p class="caption">`).
const CAPTIONS: &str = r#"figcaption, [class*="caption" i]"#;

/// A caption's credit inside it.
const CREDITS: &str = r#"cite, small, [class*="credit" i], [class*="copyright" i]"#;

/// A caption's credit as the element after it.
const SIDE_CREDITS: &str = r#"[class*="credit" i], [class*="copyright" i]"#;

/// Longest text read as a caption: a longer block with a caption's class is
/// a gallery or the story's own container, and stays where it is.
const MAX_CAPTION_BYTES: usize = 600;

/// Takes every caption ([`CAPTIONS`]) out of the page, as `{text, credit}`: the
/// credit is a `<cite>`, `<small>` or an element whose class names a
/// credit, when the caption has one.
fn take_captions(document: &Document) -> Vec<Value> {
    let figcaptions = document.select(CAPTIONS);
    let mut captions: Vec<Value> = Vec::new();
    for caption in figcaptions.iter() {
        // Counted as read: a template's indentation is no text.
        if collapse(&caption.text()).len() > MAX_CAPTION_BYTES {
            continue;
        }
        // A caption inside one already taken (`<span class="caption">` in a
        // `<figcaption>`) is part of it, and a part taken out of one is no
        // longer in the page.
        let ancestors = caption.ancestors(None);
        if ancestors.is(CAPTIONS) || !ancestors.is("body") {
            continue;
        }
        let mut credit_nodes: Selection = caption.select(CREDITS);
        // A credit set beside the caption rather than in it
        // (`<div class="Figure-caption">…</div><div class="Figure-credit">`).
        if !credit_nodes.exists() && caption.next_sibling().is(SIDE_CREDITS) {
            credit_nodes = caption.next_sibling();
        }
        // Or an element of its own that reads as a credit line
        // (`<span class="caption">(Image: GETTY)</span>`).
        if !credit_nodes.exists()
            && let Some(part) = caption
                .select("*")
                .iter()
                .find(|part| is_boilerplate(&collapse(&part.text())))
        {
            credit_nodes = part;
        }
        let credit = collapse(&credit_nodes.text());
        credit_nodes.remove();
        drop_shortened_copies(&caption);
        let text = collapse(&caption.text());
        caption.remove();
        // An advert's label set as a caption ("Advertisement") goes with it.
        if (text.is_empty() || is_boilerplate(&text)) && credit.is_empty() {
            continue;
        }
        let mut object = Map::new();
        object.insert("text".into(), Value::String(text));
        if !credit.is_empty() {
            object.insert("credit".into(), Value::String(credit));
        }
        captions.push(Value::Object(object));
    }
    captions
}

/// The text of a caption's toggle between its short and full forms.
const CAPTION_TOGGLES: &[&str] = &[
    "more",
    "less",
    "... more",
    "…more",
    "… more",
    "show more",
    "show less",
];

/// Takes out of a caption the short form a page shows until "more" is
/// pressed (a part whose class says `truncated`) and the toggles
/// themselves, so that the caption reads once: galleries of Hearst's
/// papers set both forms side by side.
fn drop_shortened_copies(caption: &Selection) {
    for toggle in caption.select("a, button").iter() {
        let text = collapse(&toggle.text()).to_lowercase();
        if CAPTION_TOGGLES.contains(&text.as_str()) {
            toggle.remove();
        }
    }
    // Only beside a fuller form: a caption that is all short form stays.
    for short in caption.select(r#"[class*="truncated" i]"#).iter() {
        let whole = collapse(&caption.text()).len();
        if whole > collapse(&short.text()).len() * 3 / 2 {
            short.remove();
        }
    }
}

/// Words in a class or id that mark the site's furniture around a story:
/// newsletter and subscription boxes, related and recommended links, share
/// bars, promotions, the author's biography. Readability scores such blocks
/// down when it looks for the story's container, but keeps them when they
/// sit inside it, as they mostly do on news pages.
const FURNITURE_MARKS: &[&str] = &[
    "newsletter",
    "signup",
    "sign-up",
    "subscribe",
    "related",
    "recommend",
    "promo",
    "outbrain",
    "taboola",
    "share",
    "social",
    "bio",
];

/// Words in a class or id that mark a card shown when a name in a
/// sentence is hovered over (The Hill's `rollover-people`): a picture, the
/// name again and links to other stories, inside the sentence's paragraph.
const HOVER_CARD_MARKS: &[&str] = &["rollover", "hovercard", "hover-card", "popover"];

/// A marked block this much of the page's text or more is kept: a class
/// name on the story's own container (`single-post share-enabled`) is no
/// sign of furniture.
const FURNITURE_MAX_SHARE: f64 = 0.25;

/// Most words of a paragraph or list item that is one link: a teaser for
/// another story ("Photos: Europa, Mysterious Icy Moon of Jupiter").
const LINK_LINE_MAX_WORDS: usize = 25;

/// Most words of a card for another story: an `<article>` whose headline
/// is a link to it, with a kicker and a teaser ("'A NATIONAL TRAGEDY'
/// Watching This Koala Get Rescued…"), as pages list after the story.
const STORY_CARD_MAX_WORDS: usize = 80;

/// Takes the site's furniture out of the page: blocks marked as such by
/// class or id ([`FURNITURE_MARKS`]), cards for other stories, and
/// paragraphs or list items that are nothing but a link to another page.
fn remove_furniture(document: &Document) {
    let page_len = document.select("body").text().len().max(1) as f64;
    for block in document.select("[class], [id]").iter() {
        if marked(&block, FURNITURE_MARKS)
            && !block.is("body, html, article, main")
            && (block.text().len() as f64) < page_len * FURNITURE_MAX_SHARE
        {
            block.remove();
        }
    }
    // The card is the marked element inside the marked name that holds a
    // picture or several links; the name and its own link stay in the
    // sentence.
    for card in document.select("p [class], p [id]").iter() {
        if marked(&card, HOVER_CARD_MARKS)
            && marked(&card.parent(), HOVER_CARD_MARKS)
            && (card.select("img").exists() || card.select("a").length() >= 2)
        {
            card.remove();
        }
    }
    for card in document.select("article").iter() {
        let words = card.text().split_whitespace().count();
        if words <= STORY_CARD_MAX_WORDS
            && card
                .select("h1 a, h2 a, h3 a, h4 a, a h1, a h2, a h3, a h4")
                .exists()
            && (card.text().len() as f64) < page_len * FURNITURE_MAX_SHARE
        {
            card.remove();
        }
    }
    for line in document.select("p, li").iter() {
        let links = line.select("a");
        if !links.exists() {
            continue;
        }
        let text = collapse(&line.text());
        if text.is_empty() || text.split_whitespace().count() > LINK_LINE_MAX_WORDS {
            continue;
        }
        // Letters and digits only: "[Engadget]" is all link.
        let weight = |text: &str| text.chars().filter(|c| c.is_alphanumeric()).count();
        if weight(&links.text()) * 10 >= weight(&text) * 9 {
            line.remove();
        }
    }
}

/// Whether an element's class or id holds one of `marks`, in any case.
fn marked(node: &Selection, marks: &[&str]) -> bool {
    let names = format!(
        "{} {}",
        node.attr("class").unwrap_or_default(),
        node.attr("id").unwrap_or_default()
    )
    .to_lowercase();
    marks.iter().any(|mark| names.contains(mark))
}

struct Readable {
    text: String,
    byline: Option<String>,
}

fn readable_text(document: Document, text: &str, url: Option<&str>) -> Option<Readable> {
    let config = || dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let url = url.filter(|url| url.starts_with("http"));
    let mut readability =
        match dom_smoothie::Readability::with_document(document, url, Some(config())) {
            Ok(readability) => readability,
            // Refused only for a URL it cannot read: read the page without it.
            Err(_) => {
                let document = Document::from(text);
                take_apart(&document);
                dom_smoothie::Readability::with_document(document, None, Some(config())).ok()?
            }
        };
    let article = readability.parse().ok()?;
    Some(Readable {
        text: article.text_content.to_string(),
        byline: article.byline,
    })
}

/// The text's lines, trimmed and whitespace-collapsed, blank ones left out.
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(collapse)
        .filter(|line| !line.is_empty())
        .collect()
}

/// Most leading paragraphs that may restate the metadata.
const MAX_LEADING_METADATA: usize = 4;

/// Drops the paragraphs that open the main text only to restate what the
/// metadata holds: the headline again, a byline ("By …"), a date line.
fn without_leading_metadata(mut paragraphs: Vec<String>, title: &str, zone: Tz) -> Vec<String> {
    let is_metadata = |paragraph: &str| {
        let short = paragraph.chars().count() <= 120;
        paragraph == title
            || (short && paragraph.to_lowercase().starts_with("by "))
            || (paragraph.chars().count() <= 40 && parse_datetime(paragraph, zone).is_ok())
    };
    let leading = paragraphs
        .iter()
        .take(MAX_LEADING_METADATA)
        .take_while(|paragraph| is_metadata(paragraph))
        .count();
    // A text that is nothing but such lines stays as it is.
    if leading < paragraphs.len() {
        paragraphs.drain(..leading);
    }
    paragraphs
}

/// Whitespace runs made one space, ends trimmed, and character references
/// a publisher escaped twice (`&amp;#8217;` in a meta tag) decoded.
fn collapse(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.contains('&') {
        html_escape::decode_html_entities(&joined).into_owned()
    } else {
        joined
    }
}

fn strings(values: Vec<String>) -> Value {
    Value::Array(values.into_iter().map(Value::String).collect())
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    Some(host.trim_start_matches("www.").to_string()).filter(|h| !h.is_empty())
}
