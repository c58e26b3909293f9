//! `newsdex search`: the query language plus filters, facets, sorting and
//! paging; readable on a terminal, or the HTTP API's JSON with `--json`.

use std::io::IsTerminal;
use std::path::Path;

use clap::Args;

use super::Status;
use super::output::{print_response, terminal_style};
use crate::index::NewsIndex;
use crate::query::dates::{BoundSide, parse_date_bound};
use crate::query::histogram::Interval;
use crate::query::maxscore::Matching;
use crate::query::parser::Syntax;
use crate::query::search::Typo;
use crate::query::{Filters, SearchError, SearchRequest, Sort, search};

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Terms, "phrases", AND/OR/NOT, -term, (groups), field:value, prefix*.
    /// Empty matches every article.
    #[arg(default_value = "")]
    pub query: String,

    /// Only articles with this tag (repeatable: any of them).
    #[arg(long)]
    pub tag: Vec<String>,
    #[arg(long)]
    pub author: Vec<String>,
    #[arg(long)]
    pub source: Vec<String>,
    #[arg(long)]
    pub section: Vec<String>,
    /// Language code, e.g. en.
    #[arg(long)]
    pub lang: Vec<String>,
    #[arg(long)]
    pub person: Vec<String>,
    #[arg(long)]
    pub org: Vec<String>,
    #[arg(long)]
    pub location: Vec<String>,
    /// Only articles whose facet NAME holds VALUE (repeatable: any of a
    /// facet's values): any facet field or alias the field catalogue
    /// declares, e.g. misc=Olympics, people="Mark Rutte", place=Geneva.
    #[arg(long = "filter", value_name = "NAME=VALUE")]
    pub filter: Vec<String>,

    /// Published on or after: YYYY-MM-DD, RFC 3339 or now-7d.
    #[arg(long)]
    pub from: Option<String>,
    /// Published on or before (a bare date includes that day).
    #[arg(long)]
    pub to: Option<String>,

    /// relevance, recency (relevance with a freshness decay), newest or
    /// oldest.
    #[arg(long, default_value = "relevance")]
    pub sort: Sort,
    /// For --sort recency: the age at which freshness counts half (90m,
    /// 12h, 3d, 2w).
    #[arg(long)]
    pub half_life: Option<String>,
    /// Tolerate typos: off; auto (1 edit from 5 letters, 2 from 9); or
    /// fallback (near spellings and completions only when the words as
    /// typed find nothing).
    #[arg(long, default_value = "fallback")]
    pub typo: Typo,
    /// Match the last word as a prefix.
    #[arg(long)]
    pub prefix: bool,
    /// How many of the query's words an article must hold: all, most
    /// (any, those holding more of the query first) or any.
    #[arg(long = "match", default_value = "most")]
    pub matching: Matching,
    /// Refuse query syntax errors with their column instead of reading the
    /// text as words.
    #[arg(long)]
    pub strict: bool,
    /// Hits per page, up to 100; 0 prints the count, facets and histogram
    /// alone.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Continue after a previous page: its next_cursor.
    #[arg(long)]
    pub cursor: Option<String>,
    /// Count matches per day, week or month of publication.
    #[arg(long)]
    pub histogram: Option<Interval>,

    /// Facet fields whose value counts to print, comma-separated: any
    /// facet field or alias of the catalogue (tag, section, author,
    /// source, language, person, org, location, misc, people, …).
    #[arg(long, value_delimiter = ',')]
    pub facets: Vec<String>,

    /// The fields the query's words search, comma-separated (title,
    /// summary, body, entries, captions, or a facet: tag, person, …);
    /// every default field when absent.
    #[arg(long = "in", value_name = "FIELDS", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// Print the JSON response the HTTP API gives.
    #[arg(long)]
    pub json: bool,
}

impl SearchArgs {
    fn into_request(self) -> Result<SearchRequest, crate::query::QueryError> {
        let now = chrono::Utc::now();
        let from = self
            .from
            .as_deref()
            .map(|text| parse_date_bound(text, BoundSide::From, now))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .map(|text| parse_date_bound(text, BoundSide::To, now))
            .transpose()?;
        let mut filters = Filters::new();
        for (name, values) in [
            ("tag", self.tag),
            ("author", self.author),
            ("source", self.source),
            ("section", self.section),
            ("language", self.lang),
            ("person", self.person),
            ("org", self.org),
            ("location", self.location),
        ] {
            if !values.is_empty() {
                filters.insert(name.to_string(), values);
            }
        }
        // Names are resolved by the search, from the catalogue, as on
        // every HTTP route.
        for pair in &self.filter {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                crate::query::QueryError::new(format!(
                    "--filter takes NAME=VALUE (e.g. misc=Olympics), got {pair:?}"
                ))
            })?;
            filters
                .entry(name.trim().to_string())
                .or_default()
                .push(value.trim().to_string());
        }
        Ok(SearchRequest {
            q: self.query,
            filters,
            from,
            to,
            sort: self.sort,
            half_life: self.half_life,
            limit: self.limit,
            offset: self.offset,
            cursor: self.cursor,
            histogram: self.histogram,
            typo: self.typo,
            prefix: self.prefix,
            matching: self.matching,
            syntax: if self.strict {
                Syntax::Strict
            } else {
                Syntax::Lenient
            },
            facets: self
                .facets
                .into_iter()
                .map(|facet| facet.trim().to_string())
                .filter(|facet| !facet.is_empty())
                .collect(),
            fields: self.fields,
            highlight: true,
        })
    }
}

pub fn run(index_dir: &Path, args: SearchArgs) -> anyhow::Result<Status> {
    let json = args.json;
    let index = NewsIndex::open(index_dir)?;
    let query_text = args.query.clone();
    let request = match args.into_request() {
        Ok(request) => request,
        Err(error) => anyhow::bail!("{error}"),
    };
    match search(&index, &request) {
        Ok(response) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&response)?);
            } else {
                print_response(&response, terminal_style(std::io::stdout().is_terminal()));
            }
            Ok(Status::Ok)
        }
        Err(SearchError::Query(error)) if error.parameter.is_some() => anyhow::bail!("{error}"),
        Err(SearchError::Query(error)) => {
            let pointer = error
                .pointer(&query_text)
                .map(|pointer| format!("\n{pointer}"))
                .unwrap_or_default();
            anyhow::bail!("invalid query: {error}{pointer}")
        }
        Err(other) => Err(other.into()),
    }
}
