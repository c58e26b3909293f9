#![warn(missing_docs)]
//! newsdex: full-text search for news.
//!
//! Data flows through stages, each a module that knows only the ones
//! before it: [`ingest`] reads bytes of some format into [`Article`]s,
//! [`ner`] finds the people, organisations and places in their text,
//! [`index`] maps articles (and their entities) into a tantivy index,
//! [`query`] answers searches over it, and [`cli`] and [`http`] are thin
//! shells over the others. [`analysis`] (how words become terms, per
//! language) sits beneath the stages that index and search text.
//!
//! ```
//! use newsdex::index::{NewsIndex, WriterOptions};
//! use newsdex::ingest::{read_bytes, ReadOptions};
//! use newsdex::query::{search, SearchRequest};
//!
//! let page = "date 2025-02-18 Skip to content\n\
//!             News, Ukraine, NATO\n\
//!             Rutte on security guarantees\n\
//!             by Jane Doe February 18, 2025 10:25 AM 2 min read\n\
//!             Europe is ready to step up, NATO's chief said.\n";
//! let records = read_bytes(page.as_bytes(), "page.txt", &ReadOptions::default());
//!
//! let index = NewsIndex::create_in_ram()?;
//! let mut writer = index.writer(WriterOptions::default())?;
//! for record in records {
//!     writer.upsert(&record?.article)?;
//! }
//! writer.finish()?;
//!
//! let request = SearchRequest { q: "guarantee".into(), facets: vec!["tag".into()], ..Default::default() };
//! let response = search(&index, &request)?;
//! assert_eq!(response.total, 1);
//! assert_eq!(response.hits[0].title, "Rutte on security guarantees");
//! assert_eq!(response.facets["tag"][0].value, "NATO");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analysis;
pub mod article;
mod choice;
pub mod cli;
pub mod demo;
pub mod fetch;
pub mod http;
pub mod index;
pub mod ingest;
pub mod ner;
pub mod poll;
pub mod query;

pub use article::{Article, Caption, Entity, EntityKind, LiveEntry};
pub use choice::UnknownChoice;
