//! Searching: the query language, filters, facets, sorting, highlights.

pub mod build;
pub mod dates;
mod edits;
mod execute;
pub mod facet_search;
pub mod facets;
pub mod filter_expression;
pub mod highlight;
pub mod histogram;
pub mod maxscore;
mod near;
pub mod parser;
mod plan;
mod present;
pub mod rank;
pub mod search;
pub mod suggest;

pub use parser::{QueryError, parse_query};
pub use search::{
    FacetValue, Filters, Hit, IndexStats, SearchError, SearchRequest, SearchResponse, Sort, search,
    stats,
};
