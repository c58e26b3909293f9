//! Ranking and cursors: one collector for every sort order.
//!
//! Each hit gets a [`RankKey`]: a primary value (relevance, relevance × a
//! freshness decay, or the publication time) and a tiebreak derived from the
//! article id, so that the order is total and the same on every page. A
//! cursor is the key of the last hit; the next page takes the hits ranked
//! strictly after it, which stays right while articles are added or removed
//! (no hit is skipped or repeated, unlike offsets).
//!
//! tantivy's `TopDocs` cannot resume after a key, and once a search counts
//! every match (as newsdex does, for exact totals) its score pruning does not
//! apply, so a plain heap here costs nothing against it.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::parser::QueryError;
use crate::index::SearchContext;

/// Weight of the freshness decay's floor: an article of infinite age keeps
/// this share of its relevance.
const RECENCY_FLOOR: f64 = 0.25;

/// The order a search ranks hits in, with what that order needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ranking {
    /// By score.
    Relevance,
    /// Relevance × (floor + (1 − floor) × 0.5^(age / half-life)).
    Recency {
        /// The clock ages are measured from (Unix seconds).
        now: i64,
        /// The age at which freshness counts half.
        half_life_seconds: f64,
    },
    /// By publication time, newest first.
    Newest,
    /// By publication time, oldest first.
    Oldest,
}

impl Ranking {
    fn code(self) -> u8 {
        match self {
            Ranking::Relevance => 1,
            Ranking::Recency { .. } => 2,
            Ranking::Newest => 3,
            Ranking::Oldest => 4,
        }
    }

    pub(crate) fn needs_scores(self) -> bool {
        matches!(self, Ranking::Relevance | Ranking::Recency { .. })
    }
}

/// Half-lives past which the decay is the floor exactly: its fading part
/// is then below half a unit in the last place of the floor.
const FADED_HALVINGS: f64 = 60.0;

/// The recency factor of an article `halvings` half-lives old: from 1 when
/// new down to [`RECENCY_FLOOR`]. Most of a news archive is long past its
/// half-life, and the exponential then costs more than the rest of
/// ranking a match: it is skipped where it cannot change the sum.
fn recency_decay(halvings: f64) -> f64 {
    if halvings > FADED_HALVINGS {
        return RECENCY_FLOOR;
    }
    RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * 0.5f64.powf(halvings)
}

/// Where a hit ranks: greater keys come first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankKey {
    /// The value ranked by: the score, or the publication time.
    pub primary: f64,
    /// `u64::MAX - id_order`, so equal primaries come in id order.
    pub tiebreak: u64,
}

impl Eq for RankKey {}

impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.primary
            .total_cmp(&other.primary)
            .then(self.tiebreak.cmp(&other.tiebreak))
    }
}

/// An opaque cursor: the ranking and the key of the last hit of a page, in
/// hex. For recency it also holds the `now` the decay was computed at, so
/// later pages rank by the same clock.
pub fn encode_cursor(ranking: Ranking, key: RankKey) -> String {
    let mut bytes = vec![ranking.code()];
    bytes.extend_from_slice(&key.primary.to_bits().to_be_bytes());
    bytes.extend_from_slice(&key.tiebreak.to_be_bytes());
    if let Ranking::Recency { now, .. } = ranking {
        bytes.extend_from_slice(&now.to_be_bytes());
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads a cursor made by [`encode_cursor`] for the same ranking; returns
/// the key to resume after and, for recency, the clock to rank by.
pub fn decode_cursor(cursor: &str, ranking: Ranking) -> Result<(RankKey, Option<i64>), QueryError> {
    let invalid = || {
        QueryError::in_parameter(
            "cursor",
            "invalid cursor: pass back the next_cursor of a previous response with the same sort",
        )
    };
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return Err(invalid());
    }
    let bytes: Vec<u8> = (0..cursor.len())
        .step_by(2)
        .map(|index| u8::from_str_radix(&cursor[index..index + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| invalid())?;
    let expected_length = if matches!(ranking, Ranking::Recency { .. }) {
        25
    } else {
        17
    };
    if bytes.len() != expected_length || bytes[0] != ranking.code() {
        return Err(invalid());
    }
    let word = |at: usize| -> Result<[u8; 8], QueryError> {
        bytes[at..at + 8].try_into().map_err(|_| invalid())
    };
    let key = RankKey {
        primary: f64::from_bits(u64::from_be_bytes(word(1)?)),
        tiebreak: u64::from_be_bytes(word(9)?),
    };
    let now = if expected_length == 25 {
        Some(i64::from_be_bytes(word(17)?))
    } else {
        None
    };
    Ok((key, now))
}

/// Hits with their keys, best first.
pub type RankedHits = Vec<(RankKey, DocAddress)>;

/// Collects the best `offset + limit` hits ranked after `after`, and returns
/// `limit` of them from `offset` on.
pub struct RankCollector {
    /// The order.
    pub ranking: Ranking,
    /// Hits per page.
    pub limit: usize,
    /// Hits skipped before the page.
    pub offset: usize,
    /// The cursor's key: only hits after it are kept.
    pub after: Option<RankKey>,
    /// Per segment ordinal: the publication time and id order columns.
    pub columns: Arc<SearchContext>,
}

/// A segment's side of [`RankCollector`].
pub struct RankSegmentCollector {
    ranking: Ranking,
    capacity: usize,
    after: Option<RankKey>,
    segment: SegmentOrdinal,
    dates: Option<Column<tantivy::DateTime>>,
    tiebreaks: Option<Column<u64>>,
    heap: BinaryHeap<Reverse<(RankKey, DocId)>>,
}

impl Collector for RankCollector {
    type Fruit = Vec<(RankKey, DocAddress)>;
    type Child = RankSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<RankSegmentCollector> {
        let needs_dates = !matches!(self.ranking, Ranking::Relevance);
        let segment_index = segment as usize;
        let dates = if needs_dates {
            self.columns
                .publication_times
                .get(segment_index)
                .cloned()
                .flatten()
        } else {
            None
        };
        Ok(RankSegmentCollector {
            ranking: self.ranking,
            capacity: self.offset + self.limit,
            after: self.after,
            segment,
            dates,
            tiebreaks: self.columns.id_orders.get(segment_index).cloned().flatten(),
            heap: BinaryHeap::with_capacity(self.offset + self.limit + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.ranking.needs_scores()
    }

    fn merge_fruits(
        &self,
        segment_fruits: Vec<Vec<(RankKey, DocAddress)>>,
    ) -> tantivy::Result<Vec<(RankKey, DocAddress)>> {
        let mut all: Vec<(RankKey, DocAddress)> = segment_fruits.into_iter().flatten().collect();
        all.sort_by_key(|(key, _)| Reverse(*key));
        Ok(all.into_iter().skip(self.offset).take(self.limit).collect())
    }
}

impl RankSegmentCollector {
    fn published(&self, doc: DocId) -> Option<i64> {
        self.dates
            .as_ref()
            .and_then(|column| column.first(doc))
            .map(|time| time.into_timestamp_secs())
    }

    fn primary(&self, doc: DocId, score: Score) -> f64 {
        match self.ranking {
            Ranking::Relevance => f64::from(score),
            Ranking::Recency {
                now,
                half_life_seconds,
            } => {
                let decay = match self.published(doc) {
                    Some(published) => {
                        recency_decay((now - published).max(0) as f64 / half_life_seconds)
                    }
                    None => RECENCY_FLOOR,
                };
                f64::from(score) * decay
            }
            Ranking::Newest => self
                .published(doc)
                .map_or(f64::NEG_INFINITY, |time| time as f64),
            Ranking::Oldest => self
                .published(doc)
                .map_or(f64::NEG_INFINITY, |time| -(time as f64)),
        }
    }

    /// How many hits the segment keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// The primary value a match must reach to be kept, once the heap is
    /// full: a match below it is never kept, one equal to it only by its
    /// tiebreak.
    pub(crate) fn threshold(&self) -> Option<f64> {
        if self.capacity == 0 {
            return Some(f64::INFINITY);
        }
        if self.heap.len() < self.capacity {
            return None;
        }
        self.heap.peek().map(|Reverse((worst, _))| worst.primary)
    }

    fn tiebreak(&self, doc: DocId) -> u64 {
        let order = self
            .tiebreaks
            .as_ref()
            .and_then(|column| column.first(doc))
            .unwrap_or(0);
        u64::MAX - order
    }
}

impl SegmentCollector for RankSegmentCollector {
    type Fruit = Vec<(RankKey, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.capacity == 0 {
            return;
        }
        // A recency decay is at most 1, so a match whose score is below
        // every kept hit cannot reach one: ruled out before its date is
        // read and its decay computed.
        if matches!(self.ranking, Ranking::Recency { .. })
            && score >= 0.0
            && self
                .threshold()
                .is_some_and(|threshold| f64::from(score) < threshold)
        {
            return;
        }
        // Most matches of a broad query rank below every kept hit: the
        // primary value rules them out before the tiebreak column is read.
        let primary = self.primary(doc, score);
        if self.after.is_some_and(|after| primary > after.primary) {
            return;
        }
        if self.heap.len() >= self.capacity
            && self
                .heap
                .peek()
                .is_some_and(|Reverse((worst, _))| primary < worst.primary)
        {
            return;
        }
        let key = RankKey {
            primary,
            tiebreak: self.tiebreak(doc),
        };
        if self.after.is_some_and(|after| key >= after) {
            return;
        }
        if self.heap.len() < self.capacity {
            self.heap.push(Reverse((key, doc)));
        } else if self
            .heap
            .peek()
            .is_some_and(|Reverse((worst, _))| key > *worst)
        {
            self.heap.pop();
            self.heap.push(Reverse((key, doc)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.heap
            .into_iter()
            .map(|Reverse((key, doc))| (key, DocAddress::new(segment, doc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faded_decay_is_the_exponential_s_sum_exactly() {
        let full = |halvings: f64| RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * 0.5f64.powf(halvings);
        let mut halvings = 0.0;
        while halvings < 5_000.0 {
            assert_eq!(
                recency_decay(halvings).to_bits(),
                full(halvings).to_bits(),
                "{halvings}"
            );
            halvings += if halvings < 70.0 { 0.01 } else { 3.7 };
        }
        // The cut is no earlier than it must be: the exponential still
        // shows well before it.
        assert!(full(FADED_HALVINGS / 2.0) > RECENCY_FLOOR);
    }

    #[test]
    fn cursors_round_trip_and_reject_tampering() {
        let key = RankKey {
            primary: 1739874300.0,
            tiebreak: 42,
        };
        let cursor = encode_cursor(Ranking::Newest, key);
        assert_eq!(
            decode_cursor(&cursor, Ranking::Newest).unwrap(),
            (key, None)
        );
        assert!(decode_cursor(&cursor, Ranking::Oldest).is_err());
        assert!(decode_cursor("zz", Ranking::Newest).is_err());
        assert!(decode_cursor(&cursor[..10], Ranking::Newest).is_err());
        let recency = Ranking::Recency {
            now: 99,
            half_life_seconds: 1.0,
        };
        let cursor = encode_cursor(recency, key);
        assert_eq!(decode_cursor(&cursor, recency).unwrap(), (key, Some(99)));
    }
}
