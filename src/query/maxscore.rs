//! The best hits of word queries without scoring every match.
//!
//! A bare word searches every `default_search` field, so it is a dis-max
//! over one term per field ([`WordQuery`]). tantivy prunes with Block-WAND
//! only unions whose scores it sums, so it scores every match of a dis-max:
//! a word found in most articles costs as many BM25 evaluations as it has
//! matches. Here the best hits of a word, or of words all required (AND) or
//! any (OR), are found by MaxScore (Turtle & Flood, 1995) over their terms:
//! once the page holds its hits, the terms whose bounds together cannot
//! lift an article above the last kept hit stop driving the search, and an
//! article they alone match is never scored. Scores are those tantivy gives
//! the same query: each word's best field plus the tie breaker's share of
//! the others, boosts applied, words summed.
//!
//! The total, facets and histogram still cover every match: they are
//! counted on the way where the search visits every match, else in a pass
//! without scores.

use std::ops::Range;
use std::sync::Arc;

use tantivy::InvertedIndexReader;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{
    Bm25Weight, BooleanQuery, DisjunctionMaxQuery, EnableScoring, Occur, Query, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use super::build::boosted;
use super::rank::{RankCollector, RankSegmentCollector, RankedHits};

/// One analysed word looked for in several fields, each with its boost: the
/// best field scores, the others add `tie_breaker` of theirs.
#[derive(Debug, Clone)]
pub struct WordQuery {
    pub fields: Vec<FieldTerms>,
    pub tie_breaker: Score,
}

/// A word's terms in one field, one per analysis the search covers (the
/// word stemmed for each language the index holds): the best one scores.
#[derive(Debug, Clone)]
pub struct FieldTerms {
    pub terms: Vec<Term>,
    pub boost: Score,
}

impl FieldTerms {
    fn as_tantivy(&self) -> Box<dyn Query> {
        let mut per_analysis: Vec<Box<dyn Query>> = self
            .terms
            .iter()
            .map(|term| {
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))
                    as Box<dyn Query>
            })
            .collect();
        let query = match per_analysis.len() {
            1 => per_analysis.remove(0),
            _ => Box::new(DisjunctionMaxQuery::new(per_analysis)),
        };
        boosted(query, self.boost)
    }
}

impl WordQuery {
    /// The same query in tantivy's own terms, which searches, counts and
    /// explains it wherever MaxScore does not run.
    fn as_tantivy(&self) -> Box<dyn Query> {
        let mut alternatives: Vec<Box<dyn Query>> =
            self.fields.iter().map(FieldTerms::as_tantivy).collect();
        match alternatives.len() {
            1 => alternatives.remove(0),
            _ => Box::new(DisjunctionMaxQuery::with_tie_breaker(
                alternatives,
                self.tie_breaker,
            )),
        }
    }

    /// The word's score from its terms' scores, given in field order with
    /// the field each is in (`None`: no match), as tantivy's
    /// `DisjunctionMaxCombiner` computes it: the best term of each field,
    /// then the best field and the tie breaker's share of the others.
    fn combine(&self, scores: impl Iterator<Item = (usize, Option<Score>)>) -> Option<Score> {
        let mut max: Score = 0.0;
        let mut sum: Score = 0.0;
        let mut matched = false;
        let mut add_field = |field_score: Option<Score>| {
            if let Some(score) = field_score {
                matched = true;
                max = max.max(score);
                sum += score;
            }
        };
        let mut current: Option<(usize, Option<Score>)> = None;
        for (field, score) in scores {
            current = match current {
                Some((current_field, best)) if current_field == field => {
                    let best = match (best, score) {
                        (Some(best), Some(score)) => Some(best.max(score)),
                        (best, score) => best.or(score),
                    };
                    Some((field, best))
                }
                previous => {
                    add_field(previous.and_then(|(_, best)| best));
                    Some((field, score))
                }
            };
        }
        add_field(current.and_then(|(_, best)| best));
        // One field: its best term's own score, as a lone query gives.
        matched.then_some(max + (sum - max) * self.tie_breaker)
    }

    /// Every term, in field order, with its field's index and boost.
    fn terms(&self) -> impl Iterator<Item = (usize, &Term, Score)> {
        self.fields.iter().enumerate().flat_map(|(index, field)| {
            field
                .terms
                .iter()
                .map(move |term| (index, term, field.boost))
        })
    }
}

impl Query for WordQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.as_tantivy().weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (_, term, _) in self.terms() {
            visitor(term, false);
        }
    }
}

/// A query MaxScore can run: words, all required or any.
#[derive(Debug)]
pub struct WordsPlan<'q> {
    words: Vec<&'q WordQuery>,
    all_required: bool,
}

impl<'q> WordsPlan<'q> {
    /// The plan of a word, or of a boolean query whose clauses are all
    /// words and all required or all optional; `None` for anything else
    /// (phrases, prefixes, typo tolerance, negations, nesting), which
    /// tantivy runs.
    pub fn of(query: &'q dyn Query) -> Option<WordsPlan<'q>> {
        if let Some(word) = query.downcast_ref::<WordQuery>() {
            return Some(WordsPlan {
                words: vec![word],
                all_required: true,
            });
        }
        let boolean = query.downcast_ref::<BooleanQuery>()?;
        let clauses = boolean.clauses();
        if boolean.get_minimum_number_should_match() > 1 {
            return None;
        }
        if clauses.iter().all(|(occur, _)| *occur == Occur::Should) {
            let words = clauses
                .iter()
                .map(|(_, clause)| clause.downcast_ref::<WordQuery>())
                .collect::<Option<Vec<&WordQuery>>>()?;
            return Some(WordsPlan {
                words,
                all_required: false,
            });
        }
        // Required words come nested two by two (see `build::both`).
        let mut words = Vec::new();
        collect_required_words(query, &mut words)?;
        Some(WordsPlan {
            words,
            all_required: true,
        })
    }

    /// Offers the segment's best matches to `collector`: every match that
    /// could rank above the collector's last kept hit, and none that it
    /// skips could have. Returns whether the search visited every live
    /// match, each of which it then gave to `visit`.
    fn collect_segment(
        &self,
        weights: &PlanWeights,
        lookups: &SegmentLookups,
        reader: &SegmentReader,
        collector: &mut RankSegmentCollector,
        visit: &mut dyn FnMut(DocId),
    ) -> tantivy::Result<bool> {
        let (cursors, layout) = self.cursors(weights, lookups, reader)?;
        if cursors.is_empty()
            || (self.all_required && layout.ranges.iter().any(|range| range.is_empty()))
        {
            return Ok(true);
        }
        let postings: u64 = cursors
            .iter()
            .map(|cursor| u64::from(cursor.postings.doc_freq()))
            .sum();
        let drive = if self.all_required && self.words.len() > 1 {
            Drive::Rarest(layout.rarest)
        } else if postings <= EVERY_TERM_DRIVES_PER_HIT * collector.capacity() as u64 {
            Drive::EveryTerm
        } else {
            Drive::MaxScore
        };
        let mut search = SegmentSearch::new(self, cursors, layout, drive);
        search.run(reader, collector, visit);
        Ok(drive != Drive::MaxScore)
    }

    /// Each word's terms present in the segment, grouped by word, and where
    /// each word's are.
    fn cursors<'w>(
        &self,
        weights: &'w PlanWeights,
        lookups: &SegmentLookups,
        reader: &SegmentReader,
    ) -> tantivy::Result<(Vec<TermCursor<'w>>, Layout)> {
        let mut cursors = Vec::new();
        let mut word_ranges = Vec::with_capacity(self.words.len());
        let mut found = lookups.iter();
        for (word_index, word) in self.words.iter().enumerate() {
            let start = cursors.len();
            for (term_index, (field_index, term, _)) in word.terms().enumerate() {
                let field = term.field();
                let Some(Some((inverted_index, term_info))) = found.next() else {
                    continue;
                };
                let postings = inverted_index
                    .read_postings_from_terminfo(term_info, IndexRecordOption::WithFreqs)?;
                if postings.doc() == TERMINATED {
                    continue;
                }
                let fieldnorms = reader
                    .fieldnorms_readers()
                    .get_field(field)?
                    .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                let weight = &weights.weights[word_index][term_index];
                cursors.push(TermCursor {
                    bound: weight.max_score(),
                    word: word_index,
                    field: field_index,
                    postings,
                    fieldnorms,
                    weight,
                });
            }
            word_ranges.push(start..cursors.len());
        }
        // The word with the fewest matches in all its fields.
        let rarest = (0..word_ranges.len())
            .min_by_key(|&word| {
                cursors[word_ranges[word].clone()]
                    .iter()
                    .map(|cursor| u64::from(cursor.postings.doc_freq()))
                    .sum::<u64>()
            })
            .unwrap_or(0);
        Ok((
            cursors,
            Layout {
                ranges: word_ranges,
                rarest,
            },
        ))
    }

    /// Every term's entry in each segment's term dictionary, in the order
    /// of [`WordQuery::terms`], word after word: looked up once, for both
    /// the BM25 weights (document frequencies) and the cursors (postings).
    fn lookups(&self, searcher: &Searcher) -> tantivy::Result<Vec<SegmentLookups>> {
        searcher
            .segment_readers()
            .iter()
            .map(|reader| {
                self.words
                    .iter()
                    .flat_map(|word| word.terms())
                    .map(|(_, term, _)| {
                        let inverted_index = reader.inverted_index(term.field())?;
                        let term_info = inverted_index.get_term_info(term)?;
                        Ok(term_info.map(|term_info| (inverted_index, term_info)))
                    })
                    .collect()
            })
            .collect()
    }

    /// The BM25 weights of every term, from the whole index's statistics,
    /// as tantivy's `Bm25Weight::for_terms` computes them from the same.
    fn weights(
        &self,
        searcher: &Searcher,
        lookups: &[SegmentLookups],
    ) -> tantivy::Result<PlanWeights> {
        let total_docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|reader| u64::from(reader.max_doc()))
            .sum();
        let mut average_fieldnorms: Vec<(tantivy::schema::Field, Score)> = Vec::new();
        let mut term_index = 0;
        let mut weights = Vec::with_capacity(self.words.len());
        for word in &self.words {
            let mut word_weights = Vec::new();
            for (_, term, boost) in word.terms() {
                let field = term.field();
                let average_fieldnorm =
                    match average_fieldnorms.iter().find(|(known, _)| *known == field) {
                        Some((_, average)) => *average,
                        None => {
                            let mut tokens = 0u64;
                            for reader in searcher.segment_readers() {
                                tokens += reader.inverted_index(field)?.total_num_tokens();
                            }
                            let average = tokens as Score / total_docs as Score;
                            average_fieldnorms.push((field, average));
                            average
                        }
                    };
                let doc_freq: u64 = lookups
                    .iter()
                    .filter_map(|segment| segment[term_index].as_ref())
                    .map(|(_, term_info)| u64::from(term_info.doc_freq))
                    .sum();
                term_index += 1;
                word_weights.push(
                    Bm25Weight::for_one_term_without_explain(
                        doc_freq,
                        total_docs,
                        average_fieldnorm,
                    )
                    .boost_by(boost),
                );
            }
            weights.push(word_weights);
        }
        Ok(PlanWeights { weights })
    }
}

/// Up to this many postings per hit the page keeps (a rare word), every
/// term drives the search and the matches are counted on the way: scoring
/// them all costs less than the second pass, which looks the terms up
/// again, that counts what MaxScore skips.
const EVERY_TERM_DRIVES_PER_HIT: u64 = 64;

/// Which terms drive the search through a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drive {
    /// Words all required: the terms of the word with the fewest matches;
    /// the others are sought at each of its matches, which are all counted.
    Rarest(usize),
    /// Every term: each match is visited, and counted.
    EveryTerm,
    /// The terms whose bounds could lift an article above the last kept
    /// hit, fewer as it rises; matches only the others hold are skipped.
    MaxScore,
}

/// One segment's search for a plan: its terms' cursors and which of them
/// drive.
struct SegmentSearch<'p, 'w> {
    plan: &'p WordsPlan<'p>,
    cursors: Vec<TermCursor<'w>>,
    layout: Layout,
    drive: Drive,
    /// Cursor indexes, lowest bound first: the order in which terms stop
    /// driving as the threshold rises.
    by_bound: Vec<usize>,
    driving: Vec<bool>,
    /// Per cursor, its score at the current article (or its bound, or
    /// `None` where it does not match).
    scores: Vec<Option<Score>>,
}

impl<'p, 'w> SegmentSearch<'p, 'w> {
    fn new(
        plan: &'p WordsPlan<'p>,
        cursors: Vec<TermCursor<'w>>,
        layout: Layout,
        drive: Drive,
    ) -> SegmentSearch<'p, 'w> {
        let mut by_bound: Vec<usize> = (0..cursors.len()).collect();
        by_bound.sort_by(|&a, &b| cursors[a].bound.total_cmp(&cursors[b].bound));
        let driving = match drive {
            Drive::Rarest(rarest) => cursors.iter().map(|cursor| cursor.word == rarest).collect(),
            Drive::EveryTerm | Drive::MaxScore => vec![true; cursors.len()],
        };
        SegmentSearch {
            plan,
            scores: vec![None; cursors.len()],
            cursors,
            layout,
            drive,
            by_bound,
            driving,
        }
    }

    /// Offers the matches that may rank to `collector`, and, unless under
    /// MaxScore, every live match to `visit`.
    fn run(
        &mut self,
        reader: &SegmentReader,
        collector: &mut RankSegmentCollector,
        visit: &mut dyn FnMut(DocId),
    ) {
        let alive = reader.alive_bitset();
        let mut threshold = collector.threshold();
        self.choose_driving(threshold);
        loop {
            let doc = self
                .cursors
                .iter()
                .zip(&self.driving)
                .filter(|(_, driving)| **driving)
                .map(|(cursor, _)| cursor.doc())
                .min()
                .unwrap_or(TERMINATED);
            if doc == TERMINATED {
                return;
            }
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                let matched = match self.drive {
                    Drive::Rarest(rarest) => self.seek_required(rarest, doc),
                    Drive::EveryTerm | Drive::MaxScore => true,
                };
                // MaxScore skips matches: its segment is aggregated apart.
                if matched && self.drive != Drive::MaxScore {
                    visit(doc);
                }
                if matched && let Some(score) = self.score(doc, threshold) {
                    collector.collect(doc, score);
                    let raised = collector.threshold();
                    if raised != threshold {
                        threshold = raised;
                        self.choose_driving(threshold);
                    }
                }
            }
            for (cursor, driving) in self.cursors.iter_mut().zip(&self.driving) {
                if *driving && cursor.doc() == doc {
                    cursor.postings.advance();
                }
            }
        }
    }

    /// Under MaxScore, drops from the driving terms the lowest-bound ones
    /// that together cannot lift an article above `threshold`: an article
    /// only they match is never visited.
    fn choose_driving(&mut self, threshold: Option<f64>) {
        let Some(threshold) = threshold.filter(|_| self.drive == Drive::MaxScore) else {
            return;
        };
        let mut reachable_bounds: Vec<Option<Score>> = vec![None; self.cursors.len()];
        for &index in &self.by_bound {
            reachable_bounds[index] = Some(self.cursors[index].bound);
            // Any word may be missing: what the terms so far reach alone.
            let reachable = self.total(&reachable_bounds, false).unwrap_or(0.0);
            if !below(reachable, threshold) {
                return;
            }
            self.driving[index] = false;
        }
    }

    /// Whether every word other than `rarest` (whose term stands at `doc`)
    /// has a term at `doc`; seeks only until each word has one.
    fn seek_required(&mut self, rarest: usize, doc: DocId) -> bool {
        let cursors = &mut self.cursors;
        self.layout.ranges.iter().enumerate().all(|(word, range)| {
            word == rarest
                || cursors[range.clone()].iter_mut().any(|cursor| {
                    if cursor.doc() < doc {
                        cursor.postings.seek(doc);
                    }
                    cursor.doc() == doc
                })
        })
    }

    /// The score of `doc`, or `None` when it does not match or cannot rank
    /// above `threshold`. The driving terms stand at or after `doc`; the
    /// others are sought only when their bounds could lift it over the
    /// threshold.
    fn score(&mut self, doc: DocId, threshold: Option<f64>) -> Option<Score> {
        for (index, cursor) in self.cursors.iter().enumerate() {
            self.scores[index] = if cursor.doc() > doc {
                None
            } else if !self.driving[index] {
                Some(cursor.bound)
            } else if cursor.doc() == doc {
                Some(cursor.score())
            } else {
                None
            };
        }
        if let Some(threshold) = threshold
            && below(self.total(&self.scores, self.plan.all_required)?, threshold)
        {
            return None;
        }
        for (index, cursor) in self.cursors.iter_mut().enumerate() {
            if !self.driving[index] {
                if cursor.doc() < doc {
                    cursor.postings.seek(doc);
                }
                self.scores[index] = (cursor.doc() == doc).then(|| cursor.score());
            }
        }
        self.total(&self.scores, self.plan.all_required)
    }

    /// The query's score from its terms' scores: words summed in the
    /// query's order, each word combined over its fields; `None` when a
    /// required word is missing or no word matches.
    fn total(&self, scores: &[Option<Score>], all_required: bool) -> Option<Score> {
        let mut total: Score = 0.0;
        let mut matched = false;
        for (word, range) in self.plan.words.iter().zip(&self.layout.ranges) {
            let word_scores = self.cursors[range.clone()]
                .iter()
                .zip(&scores[range.clone()])
                .map(|(cursor, score)| (cursor.field, *score));
            match word.combine(word_scores) {
                Some(score) => {
                    total += score;
                    matched = true;
                }
                None if all_required => return None,
                None => {}
            }
        }
        matched.then_some(total)
    }
}

/// Where a segment's terms are: each word's range of cursors, and the word
/// with the fewest matches.
struct Layout {
    ranges: Vec<Range<usize>>,
    rarest: usize,
}

/// A segment's term dictionary entry of each of a plan's terms (`None`
/// where the segment lacks the term), with the field's inverted index.
type SegmentLookups = Vec<Option<(Arc<InvertedIndexReader>, TermInfo)>>;

/// Per word, per term in field order: the term's BM25 weight with its
/// field's boost.
struct PlanWeights {
    weights: Vec<Vec<Bm25Weight>>,
}

/// A term's matches in one segment, scored as tantivy's term scorer does
/// (which tantivy does not export).
struct TermCursor<'w> {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    /// Borrowed: a weight carries a 256-entry table, too much to copy for
    /// every term of every segment.
    weight: &'w Bm25Weight,
    /// The most this term can score in any article.
    bound: Score,
    word: usize,
    /// The index of its field among its word's.
    field: usize,
}

/// The hits `collector` keeps of the plan's matches, ranked, and what
/// `aggregations` (a count, facets, a histogram: collectors that need no
/// score) make of every match. A segment whose search visited every match
/// feeds them on the way; the others are gone through again by `query`
/// (the plan's), without scores.
pub fn top_hits<A: Collector>(
    searcher: &Searcher,
    plan: &WordsPlan,
    query: &dyn Query,
    collector: &RankCollector,
    aggregations: &A,
) -> tantivy::Result<(RankedHits, A::Fruit)> {
    let lookups = plan.lookups(searcher)?;
    let weights = plan.weights(searcher, &lookups)?;
    let mut unscored_weight: Option<Box<dyn Weight>> = None;
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let mut aggregated = Vec::with_capacity(searcher.segment_readers().len());
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let ordinal = ordinal as SegmentOrdinal;
        let mut segment_collector = collector.for_segment(ordinal, reader)?;
        let mut segment_aggregations = aggregations.for_segment(ordinal, reader)?;
        let visited_all = plan.collect_segment(
            &weights,
            &lookups[ordinal as usize],
            reader,
            &mut segment_collector,
            &mut |doc| segment_aggregations.collect(doc, 0.0),
        )?;
        fruits.push(segment_collector.harvest());
        if visited_all {
            aggregated.push(segment_aggregations.harvest());
            continue;
        }
        if unscored_weight.is_none() {
            unscored_weight = Some(query.weight(EnableScoring::disabled_from_searcher(searcher))?);
        }
        if let Some(weight) = &unscored_weight {
            aggregated.push(aggregations.collect_segment(weight.as_ref(), ordinal, reader)?);
        }
    }
    Ok((
        collector.merge_fruits(fruits)?,
        aggregations.merge_fruits(aggregated)?,
    ))
}

/// Appends the words of a query of required words, in the query's order;
/// `None` when it holds anything else.
fn collect_required_words<'q>(query: &'q dyn Query, words: &mut Vec<&'q WordQuery>) -> Option<()> {
    if let Some(word) = query.downcast_ref::<WordQuery>() {
        words.push(word);
        return Some(());
    }
    let boolean = query.downcast_ref::<BooleanQuery>()?;
    for (occur, clause) in boolean.clauses() {
        if *occur != Occur::Must {
            return None;
        }
        collect_required_words(clause.as_ref(), words)?;
    }
    Some(())
}

/// Whether a bound rules a match out. The bound is summed in another order
/// than the score: a margin keeps rounding from ruling out a hit that ties
/// the threshold.
fn below(bound: Score, threshold: f64) -> bool {
    f64::from(bound) * (1.0 + 1e-5) < threshold
}

impl TermCursor<'_> {
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn score(&self) -> Score {
        let doc = self.postings.doc();
        self.weight
            .score(self.fieldnorms.fieldnorm_id(doc), self.postings.term_freq())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Field, STRING, Schema};

    fn word(fields: usize) -> WordQuery {
        let mut builder = Schema::builder();
        let field: Field = builder.add_text_field("text", STRING);
        WordQuery {
            fields: (0..fields)
                .map(|_| FieldTerms {
                    terms: vec![Term::from_field_text(field, "word")],
                    boost: 1.0,
                })
                .collect(),
            tie_breaker: 0.3,
        }
    }

    #[test]
    fn a_field_scores_its_best_term_and_fields_combine_by_dis_max() {
        let word = word(3);
        // Field 0 has two analyses' terms (the best, 2.0, counts); field 1
        // matches nothing; field 2 scores 0.5.
        let scores = [(0, Some(1.0)), (0, Some(2.0)), (1, None), (2, Some(0.5))];
        assert_eq!(word.combine(scores.into_iter()), Some(2.0 + 0.5 * 0.3));
        assert_eq!(word.combine([(0, Some(1.5))].into_iter()), Some(1.5));
        assert_eq!(word.combine([(0, None), (1, None)].into_iter()), None);
    }
}
