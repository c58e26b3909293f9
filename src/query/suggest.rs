//! Suggestions for a search box: tags and entity names whose words start
//! with what the user is typing (one typo forgiven from four letters on, after the first letter),
//! ranked by how often and how recently they occur, then matching titles.

use serde::{Deserialize, Serialize};

use super::facet_search::{MatchedValue, matching_values};
use super::highlight::escape_into;
use super::parser::QueryError;
use super::search::{SearchError, SearchRequest, Sort, Typo, search_titles};
use crate::index::NewsIndex;

/// Most suggestions one request may ask for.
pub const MAX_SUGGESTIONS: usize = 20;
/// Titles offered after the names.
const TITLES: usize = 3;
/// Articles this close to the newest one count as recent.
const RECENT_DAYS: i64 = 30;

/// Where a suggestion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    /// An article's title.
    Title,
    /// A tag.
    Tag,
    /// A person.
    Person,
    /// An organisation.
    Org,
    /// A place.
    Location,
}

impl SuggestionKind {
    /// The facet kinds, in the order their values are suggested.
    pub const NAMES: [SuggestionKind; 4] = [
        SuggestionKind::Person,
        SuggestionKind::Org,
        SuggestionKind::Location,
        SuggestionKind::Tag,
    ];

    fn field(self) -> &'static str {
        match self {
            SuggestionKind::Title => "title",
            SuggestionKind::Tag => "tag",
            SuggestionKind::Person => "person",
            SuggestionKind::Org => "org",
            SuggestionKind::Location => "location",
        }
    }
}

/// One completion of what was typed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suggestion {
    /// Where it comes from.
    #[serde(rename = "type")]
    pub kind: SuggestionKind,
    /// The completion.
    pub value: String,
    /// The value, HTML-escaped, with the typed part in `<mark>`.
    pub highlighted: String,
    /// Articles with this value; absent for titles.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub count: Option<u64>,
    /// Articles with this value published within 30 days of the newest.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recent: Option<u64>,
    /// The article, for a title.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
}

/// Suggestions for `typed`: up to `limit` names and tags, then up to three
/// titles. An empty prefix suggests nothing.
pub fn suggest(
    index: &NewsIndex,
    typed: &str,
    limit: usize,
) -> Result<Vec<Suggestion>, SearchError> {
    if limit == 0 || limit > MAX_SUGGESTIONS {
        return Err(QueryError::in_parameter(
            "limit",
            format!("limit must be between 1 and {MAX_SUGGESTIONS}, got {limit}"),
        )
        .into());
    }
    if typed.trim().is_empty() {
        return Ok(Vec::new());
    }
    let recent_from = index
        .newest_published(&index.searcher())?
        .map(|newest| newest - RECENT_DAYS * 86_400);
    let mut names: Vec<(bool, f64, Suggestion)> = Vec::new();
    for kind in SuggestionKind::NAMES {
        for matched in matching_values(index, kind.field(), typed, true, limit, recent_from)? {
            let score =
                ((1 + matched.count) as f64).ln() + 2.0 * ((1 + matched.recent) as f64).ln();
            names.push((matched.exact, score, name_suggestion(kind, &matched)));
        }
    }
    // What the user typed, as typed, before what a typo would make of it.
    names.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.2.value.cmp(&b.2.value))
    });
    let mut suggestions: Vec<Suggestion> = names
        .into_iter()
        .take(limit)
        .map(|(_, _, suggestion)| suggestion)
        .collect();

    // Titles: the typed text as a search-as-you-type query, freshest first
    // among equals. Text that is not a valid query is searched as words.
    let words: String = typed
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c.is_whitespace() {
                c
            } else {
                ' '
            }
        })
        .collect();
    // A title suggestion shows its title: the words are looked for there.
    let request = SearchRequest {
        q: words,
        fields: vec!["title".to_string()],
        sort: Sort::Recency,
        limit: TITLES,
        typo: Typo::Auto,
        prefix: !typed.ends_with(char::is_whitespace),
        ..SearchRequest::default()
    };
    for hit in search_titles(index, &request)?.hits {
        suggestions.push(Suggestion {
            kind: SuggestionKind::Title,
            highlighted: hit
                .highlights
                .map(|highlights| highlights.title)
                .unwrap_or_default(),
            value: hit.title,
            count: None,
            recent: None,
            id: Some(hit.id),
        });
    }
    Ok(suggestions)
}

fn name_suggestion(kind: SuggestionKind, matched: &MatchedValue) -> Suggestion {
    let mut highlighted = String::new();
    let (start, end) = matched.span;
    escape_into(&mut highlighted, &matched.value[..start]);
    highlighted.push_str("<mark>");
    escape_into(&mut highlighted, &matched.value[start..end]);
    highlighted.push_str("</mark>");
    escape_into(&mut highlighted, &matched.value[end..]);
    Suggestion {
        kind,
        value: matched.value.clone(),
        highlighted,
        count: Some(matched.count),
        recent: Some(matched.recent),
        id: None,
    }
}
