//! All integration tests, in one binary: one file per CLI command and per
//! input format, plus the corpus and property tests.

mod browser;
mod cli_check;
mod cli_delete;
mod cli_entities;
mod cli_get;
mod cli_index;
mod cli_ner;
mod cli_search;
mod cli_stats;
mod corpus;
mod durability;
mod entity_names;
mod feeds;
mod fetch;
mod format_csv;
mod format_feed;
mod format_html;
mod format_json;
mod format_page;
mod golden;
mod http_articles;
mod http_facets;
mod http_health;
mod http_meilisearch;
mod http_metrics;
mod http_search;
mod http_suggest;
mod limits;
mod meilisearch_clients;
mod properties;
mod ranking;
mod relevance;
mod support;
