//! Searching: the query language, filters, facets, sorting, highlights.

pub mod dates;
mod execute;
pub mod facet_search;
pub mod facets;
pub mod highlight;
pub mod histogram;
pub mod maxscore;
pub mod meilisearch_filter;
pub mod parser;
mod plan;
mod present;
pub mod rank;
pub mod search;
pub mod suggest;
pub mod translate;
mod typo;

pub use parser::{QueryError, parse_query};
pub use search::{
    FacetValue, Filters, Hit, IndexStats, SearchError, SearchRequest, SearchResponse, Sort, search,
    stats,
};
