//! Facet value counts over the exact facet fields' fast columns.
//!
//! A purpose-built collector rather than tantivy's aggregation framework:
//! counting term ordinals in a flat array per segment and naming only the
//! non-zero ones at the end is the cheapest way to count, and it needs no
//! JSON request and response round trip.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::ner::name_links::NameLinks;

/// Counts the values of several facet fields over the matching documents.
pub struct FacetCollector {
    fields: Vec<String>,
}

impl FacetCollector {
    /// Counts the values of the named facet fields.
    pub fn new(fields: Vec<String>) -> FacetCollector {
        FacetCollector { fields }
    }
}

/// A segment's side of [`FacetCollector`].
pub struct FacetSegmentCollector {
    columns: Vec<Option<(StrColumn, Vec<u32>)>>,
}

/// Per field, value → number of matching documents.
pub type FacetCounts = Vec<HashMap<String, u64>>;

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for field in &self.fields {
            let column = reader.fast_fields().str(field)?.map(|column| {
                let terms = column.num_terms();
                (column, vec![0u32; terms])
            });
            columns.push(column);
        }
        Ok(FacetSegmentCollector { columns })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segment_fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged: FacetCounts = vec![HashMap::new(); self.fields.len()];
        for fruit in segment_fruits {
            for (total, counts) in merged.iter_mut().zip(fruit) {
                for (value, count) in counts {
                    *total.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for (column, counts) in self.columns.iter_mut().flatten() {
            for ord in column.term_ords(doc) {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        self.columns
            .into_iter()
            .map(|column| {
                let mut named = HashMap::new();
                let Some((column, counts)) = column else {
                    return named;
                };
                // The counted ordinals, in order, are named in one pass over
                // the dictionary: naming each apart decompresses its block
                // afresh (most of a faceted search's time, perf).
                let (ords, counts): (Vec<u64>, Vec<u32>) = counts
                    .into_iter()
                    .enumerate()
                    .filter(|(_, count)| *count > 0)
                    .map(|(ord, count)| (ord as u64, count))
                    .unzip();
                let mut counts = counts.into_iter();
                let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                    if let (Some(count), Ok(value)) = (counts.next(), std::str::from_utf8(bytes)) {
                        named.insert(value.to_string(), u64::from(count));
                    }
                });
                named
            })
            .collect()
    }
}

/// The `limit` most frequent values, most frequent first, ties by value.
/// Values that differ only in case are one value, as their filter is
/// (`Baker` and `BAKER` filter alike): counted together (an article holds
/// one spelling of a value, see `index::document`) and shown in their most
/// common spelling. With a field's name links, a short form alone counts
/// under the full name it stands for (`Reagan` under `Ronald Reagan`: an
/// article holds the short form alone only where it never gives the name
/// in full), shown as the archive writes the full name.
pub fn top_values(
    counts: HashMap<String, u64>,
    limit: usize,
    links: Option<&NameLinks>,
) -> Vec<(String, u64)> {
    // Lower-cased name → (articles, best spelling, its articles).
    let mut by_case: HashMap<String, (u64, String, u64)> = HashMap::new();
    for (value, count) in counts {
        let lower = value.to_lowercase();
        let linked = links.and_then(|links| links.full_name(&lower));
        let (key, spelling, weight) = match linked {
            // A short form never lends its spelling to the full name.
            Some(full) => (
                full.to_string(),
                links
                    .and_then(|links| links.spelling(full))
                    .unwrap_or(full)
                    .to_string(),
                0,
            ),
            None => (lower, value, count),
        };
        let entry = by_case
            .entry(key)
            .or_insert_with(|| (0, spelling.clone(), 0));
        entry.0 += count;
        if weight > entry.2 || (weight == entry.2 && spelling < entry.1) {
            entry.1 = spelling;
            entry.2 = weight;
        }
    }
    let mut values: Vec<(String, u64)> = by_case
        .into_values()
        .map(|(total, spelling, _)| (spelling, total))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.truncate(limit);
    values
}
