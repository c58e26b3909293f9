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
//! article they alone match is never scored. A word's text fields score as
//! one (BM25F: each field's occurrences weighed by its boost and
//! normalised by its length, summed, saturated once), its tag and entity
//! fields each alone (BM25 × boost); the best of these counts with the tie
//! breaker's share of the others; words are summed and the sum weighed by how
//! much of the query the article holds (at most 1, so the terms' bounds
//! stay bounds). Where MaxScore does not run (filters, other clauses),
//! [`WordsQuery`]'s own scorer walks the same cursors through the same
//! sum, so an article scores the same to the bit on both paths and
//! cursors stay valid whichever path a page takes.
//!
//! The total, facets and histogram still cover every match: they are
//! counted on the way where the search visits every match, else in a pass
//! without scores.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::InvertedIndexReader;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::postings::{Postings, SegmentPostings, TermInfo};
use tantivy::query::{
    Bm25Weight, BooleanQuery, DisjunctionMaxQuery, EnableScoring, Explanation, Occur, Query,
    Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use super::rank::{RankCollector, RankSegmentCollector, RankedHits};

/// How many of a query's words an article must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Matching {
    /// Every word.
    All,
    /// Any word, articles holding more of the query's information (its
    /// words weighed by rarity) ranked first.
    #[default]
    Most,
    /// Any word, ranked by relevance alone (BM25 summed over the words).
    Any,
}

impl std::str::FromStr for Matching {
    type Err = crate::UnknownChoice;
    fn from_str(value: &str) -> Result<Matching, Self::Err> {
        match value {
            "all" => Ok(Matching::All),
            "most" => Ok(Matching::Most),
            "any" => Ok(Matching::Any),
            other => Err(crate::UnknownChoice::new(
                "match strategy",
                other,
                "all, most or any",
            )),
        }
    }
}

/// Under [`Matching::Most`], an article's score is multiplied by the share
/// of the query's information it holds raised to this power (at most 1,
/// which keeps MaxScore's bounds valid): an article missing a rare word
/// falls behind one holding every word unless it is far more relevant.
/// Chosen on a development sample of the relevance bench (seed 7, not the
/// reported one; see `benches/relevance.rs`): mean MRR@10 of the known-item
/// kinds rose from 0.80 at 0 (BM25 summed) to 0.87 at 3 and stayed level to
/// 6; a factor for words held in the headline was tried and left out, as
/// it cost content-word queries more than it gave headlines.
pub const COVERAGE_POWER: i32 = 4;

/// Words looked for in several fields each, combined by a [`Matching`]
/// strategy: each word scores its best field plus `tie_breaker` of the
/// others (boosts applied), words are summed, and the sum is weighed by
/// how much of the query the article holds (see [`COVERAGE_POWER`] and
/// [`COVERAGE_POWER`]). The one query type of bare words: MaxScore finds
/// its best hits where nothing else constrains them, its own scorer
/// scores it the same to the bit everywhere else.
#[derive(Debug, Clone)]
pub struct WordsQuery {
    /// The words, in query order.
    pub words: Vec<WordQuery>,
    /// How many of them an article must hold.
    pub matching: Matching,
}

/// One analysed word looked for in several fields, each with its boost: the
/// best field scores, the others add `tie_breaker` of theirs.
#[derive(Debug, Clone)]
pub struct WordQuery {
    /// Its terms, per field.
    pub fields: Vec<FieldTerms>,
    /// The share of the other fields' scores added to the best field's.
    pub tie_breaker: Score,
    /// The word's own boost (`word^N`), which weighs its information too.
    pub boost: Score,
}

/// A word's terms in one field: the word analysed for each language the
/// search covers, and its near spellings or completions, each with the
/// share of a full match it scores (1 for the word itself). The best term
/// scores.
#[derive(Debug, Clone)]
pub struct FieldTerms {
    /// The terms (the word's analyses and near spellings) with their shares of a full match.
    pub terms: Vec<(Term, Score)>,
    /// For a field scored alone, its boost times the word's; for a joint
    /// field, the weight of its occurrences in the joint term frequency.
    pub boost: Score,
    /// Scored with the word's other joint fields as one field (BM25F):
    /// the article's text fields, which hold the same analysed terms in
    /// the same order, so that `terms[i]` is one term across them.
    pub joint: bool,
}

impl FieldTerms {
    fn as_tantivy(&self) -> Box<dyn Query> {
        let mut per_term: Vec<Box<dyn Query>> = self
            .terms
            .iter()
            .map(|(term, _)| {
                Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)) as Box<dyn Query>
            })
            .collect();
        match per_term.len() {
            1 => per_term.remove(0),
            _ => Box::new(DisjunctionMaxQuery::new(per_term)),
        }
    }
}

impl WordQuery {
    /// The articles holding the word, unscored.
    fn matches(&self) -> Box<dyn Query> {
        let mut alternatives: Vec<Box<dyn Query>> =
            self.fields.iter().map(FieldTerms::as_tantivy).collect();
        match alternatives.len() {
            1 => alternatives.remove(0),
            _ => Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|query| (Occur::Should, query))
                    .collect(),
            )),
        }
    }

    /// Every term, in field order: its field's index, the field, the
    /// term's position among the field's terms, the term and its share.
    fn terms(&self) -> impl Iterator<Item = (usize, &FieldTerms, usize, &Term, Score)> {
        self.fields.iter().enumerate().flat_map(|(index, field)| {
            field
                .terms
                .iter()
                .enumerate()
                .map(move |(position, (term, share))| (index, field, position, term, *share))
        })
    }
}

/// BM25F's term frequency saturation for the joint text fields. Both it
/// and [`B`] were chosen with [`JOINT_SCALE`] and the title's weight on the
/// relevance bench's development sample (seed 7, the even half of the
/// topics; the odd half confirmed each step): against tantivy's 1.2 and
/// 0.75, k1 = 2 lets a title's weight count before the term saturates
/// (scale 6: known items' mean MRR@10 0.909 → 0.910, ad hoc nDCG@10 0.598
/// → 0.614; with the title's weight 5 rather than 3, known items 0.913),
/// b = 0.5 normalises long articles less (ad hoc 0.623 → 0.659, odd half
/// 0.613 → 0.674, known items −0.002).
const K1: Score = 2.0;
/// BM25F's length normalisation for the joint text fields (see [`K1`]).
const B: Score = 0.5;
/// What the joint text fields' score is scaled by against the fields
/// scored alone (tags and entities, BM25 × their boost). A joint score is
/// at most idf × (k1 + 1) whatever the fields' weights, where a short
/// entity field scores near its most: scaled 1, an entity's name
/// outweighed the article's text (ad hoc nDCG@10 0.468 on the development
/// half; k1 1.2, title 3); 3 and 6 gave 0.571 and 0.598; with k1 2 and
/// title 5, 12 and 20 gave 0.623 and 0.628, known items 0.9137 and 0.9133.
const JOINT_SCALE: Score = 12.0;
/// Most terms a word's joint fields are scored jointly for; any further
/// ones (never, with the builder's limits) score alone.
const MAX_JOINT_TERMS: usize = 64;
/// The most one field's occurrences of a term count in the joint
/// frequency, length normalised, times the field's weight: five mentions
/// in a body of average length. The cap gives every field's term a bound
/// of its own, so that MaxScore can skip the matches a frequent word has
/// in bodies alone (without it, a body could reach what a title reaches,
/// and a frequent word's search scored them all: 2.6× the time on
/// Reuters' `said`); on the development sample it left relevance level
/// (ad hoc nDCG@10 0.659 → 0.649 on the even half of the topics, 0.674 →
/// 0.688 on the odd half; known items 0.9117 both), where 1 to 3 cost
/// both.
const FREQUENCY_CAP: Score = 5.0;

/// A word's score from its terms' values in field order, each with its
/// field's index, its joint term's index (`None`: scored alone) and its
/// value (`None`: no match). Fields scored alone give their best term's
/// BM25; the joint fields' terms add up their weighted, length-normalised
/// frequencies per term, saturated once (BM25F, as Elasticsearch's
/// `combined_fields`), and give their best term's; then the best of these
/// scores counts, with the tie breaker's share of the others, as
/// tantivy's `DisjunctionMaxCombiner` does.
fn word_score(
    tie_breaker: Score,
    joint_scales: &[Score],
    values: impl Iterator<Item = (usize, Option<usize>, Option<Score>)>,
) -> Option<Score> {
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
    let mut joint_frequencies = [0.0 as Score; MAX_JOINT_TERMS];
    let mut joint_matched = false;
    let mut current: Option<(usize, Option<Score>)> = None;
    for (field, joint, score) in values {
        if let Some(term) = joint {
            if let (Some(value), Some(frequency)) = (score, joint_frequencies.get_mut(term)) {
                *frequency += value;
                joint_matched = true;
            }
            continue;
        }
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
    if joint_matched {
        let best = joint_scales
            .iter()
            .zip(&joint_frequencies)
            .filter(|(_, frequency)| **frequency > 0.0)
            .map(|(scale, frequency)| scale * frequency / (K1 + frequency))
            .fold(0.0, Score::max);
        add_field(Some(best));
    }
    // One field: its best term's own score, as a lone query gives.
    matched.then_some(max + (sum - max) * tie_breaker)
}

impl WordsQuery {
    /// The articles the query matches, unscored: for counting and facets.
    fn matches(&self) -> Box<dyn Query> {
        let occur = match self.matching {
            Matching::All => Occur::Must,
            Matching::Most | Matching::Any => Occur::Should,
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .words
            .iter()
            .map(|word| (occur, word.matches()))
            .collect();
        if clauses.len() == 1 {
            return clauses.remove(0).1;
        }
        Box::new(BooleanQuery::new(clauses))
    }
}

impl Query for WordsQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        match enable_scoring {
            EnableScoring::Enabled { searcher, .. } => {
                let lookups = lookups(&self.words, searcher)?;
                let plan = Arc::new(WeightedWords::new(self, searcher, &lookups)?);
                // The weights' term lookups serve the scorers too.
                let lookups = searcher
                    .segment_readers()
                    .iter()
                    .map(SegmentReader::segment_id)
                    .zip(lookups)
                    .collect();
                Ok(Box::new(WordsWeight { plan, lookups }))
            }
            disabled => self.matches().weight(disabled),
        }
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            for (_, _, _, term, _) in word.terms() {
                visitor(term, false);
            }
        }
    }
}

/// A query MaxScore can run: [`WordsQuery`], whose words, weights and
/// scoring it holds for the whole search.
pub struct WordsSearch<'q> {
    query: &'q WordsQuery,
}

impl<'q> WordsSearch<'q> {
    /// The plan of a query of words; `None` for anything else (phrases,
    /// fields, negations, filters), which tantivy runs.
    pub fn of(query: &'q dyn Query) -> Option<WordsSearch<'q>> {
        let query = query.downcast_ref::<WordsQuery>()?;
        (!query.words.is_empty()).then_some(WordsSearch { query })
    }
}

/// A query's words with their BM25 weights and information, from the whole
/// index's statistics: what every segment's search and scorer share.
struct WeightedWords {
    words: Vec<WordQuery>,
    matching: Matching,
    /// Per word, per term in field order: how the term scores.
    scorings: Vec<Vec<TermScoring>>,
    /// Per word, per joint term: the most it scores, its inverse document
    /// frequency (from the joint field where it is most frequent, as
    /// Lucene's `BlendedTermQuery` blends them) × (k1 + 1) × its share ×
    /// the word's boost.
    joint_scales: Vec<Vec<Score>>,
    /// Per word, its information: the inverse document frequency of its
    /// rarest matching term times the word's boost (0 for a word nothing
    /// holds).
    information: Vec<Score>,
    information_total: Score,
}

/// How one term of a word scores.
#[derive(Clone)]
enum TermScoring {
    /// BM25 in its own field, its boost applied. Shared: a weight carries
    /// a 256-entry table, too much to copy for every term of every segment.
    Alone(Arc<Bm25Weight>),
    /// One field's part of a joint term: the term's frequency there times
    /// the field's weight over its length normalisation, per field norm.
    Joint {
        term: usize,
        frequency_weights: Arc<[Score; 256]>,
        /// The most the field adds to the joint frequency.
        most: Score,
    },
}

/// A joint field's weight over BM25's length normalisation, per field
/// norm id: what one occurrence adds to a joint term frequency.
fn frequency_weights(weight: Score, average_fieldnorm: Score) -> Arc<[Score; 256]> {
    let average = if average_fieldnorm > 0.0 {
        average_fieldnorm
    } else {
        1.0
    };
    let mut table = [0.0; 256];
    for (id, entry) in (0..=u8::MAX).zip(table.iter_mut()) {
        let length = FieldNormReader::id_to_fieldnorm(id) as Score;
        *entry = weight / (1.0 - B + B * length / average);
    }
    Arc::new(table)
}

impl WeightedWords {
    /// Weights from `lookups` (every segment's term entries, in the order
    /// of [`lookups`]), as tantivy's `Bm25Weight::for_terms` computes them
    /// from the same statistics.
    fn new(
        query: &WordsQuery,
        searcher: &Searcher,
        lookups: &[SegmentLookups],
    ) -> tantivy::Result<WeightedWords> {
        let total_docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|reader| u64::from(reader.max_doc()))
            .sum();
        let mut average_fieldnorms: Vec<(tantivy::schema::Field, Score)> = Vec::new();
        let mut joint_tables: Vec<(tantivy::schema::Field, u32, Arc<[Score; 256]>)> = Vec::new();
        let mut term_index = 0;
        let mut scorings = Vec::with_capacity(query.words.len());
        let mut joint_scales = Vec::with_capacity(query.words.len());
        let mut information = Vec::with_capacity(query.words.len());
        for word in &query.words {
            let mut word_scorings = Vec::new();
            let mut word_information: Score = 0.0;
            // Per joint term: its most documents in one field, its share.
            let mut joint_terms: Vec<(u64, Score)> = Vec::new();
            for (_, field_terms, position, term, share) in word.terms() {
                let field = term.field();
                let average_fieldnorm =
                    match average_fieldnorms.iter().find(|(known, _)| *known == field) {
                        Some((_, average)) => *average,
                        None => {
                            let mut tokens = 0u64;
                            for reader in searcher.segment_readers() {
                                tokens += reader.inverted_index(field)?.total_num_tokens();
                            }
                            let average = tokens as Score / total_docs.max(1) as Score;
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
                if doc_freq > 0 {
                    word_information = word_information.max(idf(doc_freq, total_docs) * word.boost);
                }
                if field_terms.joint && position < MAX_JOINT_TERMS {
                    if joint_terms.len() <= position {
                        joint_terms.resize(position + 1, (0, 0.0));
                    }
                    let (most_docs, most_share) = &mut joint_terms[position];
                    *most_docs = (*most_docs).max(doc_freq);
                    *most_share = most_share.max(share);
                    let boost_bits = field_terms.boost.to_bits();
                    let frequency_weights = match joint_tables
                        .iter()
                        .find(|(known, bits, _)| *known == field && *bits == boost_bits)
                    {
                        Some((_, _, table)) => Arc::clone(table),
                        None => {
                            let table = frequency_weights(field_terms.boost, average_fieldnorm);
                            joint_tables.push((field, boost_bits, Arc::clone(&table)));
                            table
                        }
                    };
                    word_scorings.push(TermScoring::Joint {
                        term: position,
                        frequency_weights,
                        most: field_terms.boost * FREQUENCY_CAP,
                    });
                } else {
                    word_scorings.push(TermScoring::Alone(Arc::new(
                        Bm25Weight::for_one_term_without_explain(
                            doc_freq,
                            total_docs,
                            average_fieldnorm,
                        )
                        .boost_by(field_terms.boost * share),
                    )));
                }
            }
            scorings.push(word_scorings);
            joint_scales.push(
                joint_terms
                    .iter()
                    .map(|&(doc_freq, share)| {
                        idf(doc_freq, total_docs) * (K1 + 1.0) * share * word.boost * JOINT_SCALE
                    })
                    .collect(),
            );
            information.push(word_information);
        }
        Ok(WeightedWords {
            words: query.words.clone(),
            matching: query.matching,
            scorings,
            joint_scales,
            information_total: information.iter().sum(),
            information,
        })
    }

    fn all_required(&self) -> bool {
        self.matching == Matching::All
    }

    /// What an article's summed word scores are multiplied by, from the
    /// information of the words it holds: at most 1.
    fn factor(&self, matched: Score) -> Score {
        // Most articles a frequent word matches hold the whole query:
        // they skip the power, which MaxScore computes for every article
        // it scores.
        if self.matching != Matching::Most || matched >= self.information_total {
            return 1.0;
        }
        (matched / self.information_total).powi(COVERAGE_POWER)
    }
}

/// BM25's inverse document frequency, as tantivy computes it.
fn idf(doc_freq: u64, total_docs: u64) -> Score {
    let x = ((total_docs - doc_freq.min(total_docs)) as Score + 0.5) / (doc_freq as Score + 0.5);
    (1.0 + x).ln()
}

/// Every term's entry in each segment's term dictionary, in the order of
/// [`WordQuery::terms`], word after word: looked up once, for both the BM25
/// weights (document frequencies) and the cursors (postings).
fn lookups(words: &[WordQuery], searcher: &Searcher) -> tantivy::Result<Vec<SegmentLookups>> {
    searcher
        .segment_readers()
        .iter()
        .map(|reader| segment_lookups(words, reader))
        .collect()
}

fn segment_lookups(words: &[WordQuery], reader: &SegmentReader) -> tantivy::Result<SegmentLookups> {
    words
        .iter()
        .flat_map(|word| word.terms())
        .map(|(_, _, _, term, _)| {
            let inverted_index = reader.inverted_index(term.field())?;
            let term_info = inverted_index.get_term_info(term)?;
            Ok(term_info.map(|term_info| (inverted_index, term_info)))
        })
        .collect()
}

impl WeightedWords {
    /// Offers the segment's best matches to `collector`: every match that
    /// could rank above the collector's last kept hit, and none that it
    /// skips could have. Returns whether the search visited every live
    /// match, each of which it then gave to `visit`.
    fn collect_segment(
        self: &Arc<WeightedWords>,
        lookups: &SegmentLookups,
        reader: &SegmentReader,
        collector: &mut RankSegmentCollector,
        visit: &mut dyn FnMut(DocId),
    ) -> tantivy::Result<bool> {
        let (cursors, layout) = self.cursors(lookups, reader)?;
        if cursors.is_empty()
            || (self.all_required() && layout.ranges.iter().any(|range| range.is_empty()))
        {
            return Ok(true);
        }
        let postings: u64 = cursors
            .iter()
            .map(|cursor| u64::from(cursor.postings.doc_freq()))
            .sum();
        let drive = if self.all_required() && self.words.len() > 1 {
            Drive::Rarest(layout.rarest)
        } else if postings <= EVERY_TERM_DRIVES_PER_HIT * collector.capacity() as u64 {
            Drive::EveryTerm
        } else {
            Drive::MaxScore
        };
        let mut search = SegmentSearch::new(Arc::clone(self), cursors, layout, drive);
        search.run(reader, collector, visit);
        Ok(drive != Drive::MaxScore)
    }

    /// Each word's terms present in the segment, grouped by word, and where
    /// each word's are.
    fn cursors(
        &self,
        lookups: &SegmentLookups,
        reader: &SegmentReader,
    ) -> tantivy::Result<(Vec<TermCursor>, Layout)> {
        let mut cursors = Vec::new();
        let mut word_ranges = Vec::with_capacity(self.words.len());
        let mut found = lookups.iter();
        for (word_index, word) in self.words.iter().enumerate() {
            let start = cursors.len();
            for (term_index, (field_index, _, _, term, _)) in word.terms().enumerate() {
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
                let scoring = self.scorings[word_index][term_index].clone();
                let (bound, order, joint) = match &scoring {
                    TermScoring::Alone(weight) => (weight.max_score(), weight.max_score(), None),
                    TermScoring::Joint { term, most, .. } => (
                        *most,
                        self.joint_scales[word_index][*term] * most / (K1 + most),
                        Some(*term),
                    ),
                };
                cursors.push(TermCursor {
                    bound,
                    order,
                    word: word_index,
                    field: field_index,
                    joint,
                    postings,
                    fieldnorms,
                    scoring,
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
struct SegmentSearch {
    plan: Arc<WeightedWords>,
    cursors: Vec<TermCursor>,
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

impl SegmentSearch {
    fn new(
        plan: Arc<WeightedWords>,
        cursors: Vec<TermCursor>,
        layout: Layout,
        drive: Drive,
    ) -> SegmentSearch {
        let mut by_bound: Vec<usize> = (0..cursors.len()).collect();
        by_bound.sort_by(|&a, &b| cursors[a].order.total_cmp(&cursors[b].order));
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
            let doc = self.lowest_driving();
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
            self.advance_driving(doc);
        }
    }

    /// The first article a driving term stands at.
    fn lowest_driving(&self) -> DocId {
        self.cursors
            .iter()
            .zip(&self.driving)
            .filter(|(_, driving)| **driving)
            .map(|(cursor, _)| cursor.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// Moves the driving terms standing at `doc` past it.
    fn advance_driving(&mut self, doc: DocId) {
        for (cursor, driving) in self.cursors.iter_mut().zip(&self.driving) {
            if *driving && cursor.doc() == doc {
                cursor.postings.advance();
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
            // Any word may be missing: what the terms so far reach alone
            // (the coverage factor grows with the words matched, so the
            // bounds' own coverage bounds any subset's).
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
            && below(
                self.total(&self.scores, self.plan.all_required())?,
                threshold,
            )
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
        self.total(&self.scores, self.plan.all_required())
    }

    /// The query's score from its terms' scores: words summed in the
    /// query's order, each word combined over its fields, the sum weighed
    /// by the information matched (see [`WeightedWords::factor`]); `None` when a
    /// required word is missing or no word matches.
    fn total(&self, scores: &[Option<Score>], all_required: bool) -> Option<Score> {
        let mut total: Score = 0.0;
        let mut matched = false;
        let mut information: Score = 0.0;
        for (word_index, (word, range)) in
            self.plan.words.iter().zip(&self.layout.ranges).enumerate()
        {
            let cursors = &self.cursors[range.clone()];
            let word_scores = &scores[range.clone()];
            let combined = word_score(
                word.tie_breaker,
                &self.plan.joint_scales[word_index],
                cursors
                    .iter()
                    .zip(word_scores)
                    .map(|(cursor, score)| (cursor.field, cursor.joint, *score)),
            );
            match combined {
                Some(score) => {
                    total += score;
                    matched = true;
                    information += self.plan.information[word_index];
                }
                None if all_required => return None,
                None => {}
            }
        }
        matched.then(|| total * self.plan.factor(information))
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

/// A term's matches in one segment, scored alone as tantivy's term scorer
/// does (which tantivy does not export), or as its field's part of a joint
/// term frequency.
struct TermCursor {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    scoring: TermScoring,
    /// The most this term's value can be in any article.
    bound: Score,
    /// The most this term can add to an article's score: the order in
    /// which terms stop driving.
    order: Score,
    word: usize,
    /// The index of its field among its word's.
    field: usize,
    /// Its joint term's index, for a joint field's term.
    joint: Option<usize>,
}

/// The hits `collector` keeps of the plan's matches, ranked, and what
/// `aggregations` (a count, facets, a histogram: collectors that need no
/// score) make of every match. A segment whose search visited every match
/// feeds them on the way; the others are gone through again by `query`
/// (the plan's), without scores.
pub fn top_hits<A: Collector>(
    searcher: &Searcher,
    plan: &WordsSearch,
    query: &dyn Query,
    collector: &RankCollector,
    aggregations: &A,
) -> tantivy::Result<(RankedHits, A::Fruit)> {
    let lookups = lookups(&plan.query.words, searcher)?;
    let plan = Arc::new(WeightedWords::new(plan.query, searcher, &lookups)?);
    let mut unscored_weight: Option<Box<dyn Weight>> = None;
    let mut fruits = Vec::with_capacity(searcher.segment_readers().len());
    let mut aggregated = Vec::with_capacity(searcher.segment_readers().len());
    for (ordinal, reader) in searcher.segment_readers().iter().enumerate() {
        let ordinal = ordinal as SegmentOrdinal;
        let mut segment_collector = collector.for_segment(ordinal, reader)?;
        let mut segment_aggregations = aggregations.for_segment(ordinal, reader)?;
        let visited_all = plan.collect_segment(
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

/// The scoring weight of a [`WordsQuery`] wherever MaxScore does not run
/// (filters, other clauses beside the words): the same cursors and the same
/// [`SegmentSearch::total`], so an article scores the same on both paths.
struct WordsWeight {
    plan: Arc<WeightedWords>,
    /// Each segment's term entries, looked up once for the weights.
    lookups: HashMap<SegmentId, SegmentLookups>,
}

impl Weight for WordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let looked_up;
        let lookups = match self.lookups.get(&reader.segment_id()) {
            Some(lookups) => lookups,
            None => {
                looked_up = segment_lookups(&self.plan.words, reader)?;
                &looked_up
            }
        };
        let (cursors, layout) = self.plan.cursors(lookups, reader)?;
        let empty = cursors.is_empty()
            || (self.plan.all_required() && layout.ranges.iter().any(|range| range.is_empty()));
        let drive = if self.plan.all_required() && self.plan.words.len() > 1 {
            Drive::Rarest(layout.rarest)
        } else {
            Drive::EveryTerm
        };
        let mut scorer = WordsScorer {
            search: SegmentSearch::new(Arc::clone(&self.plan), cursors, layout, drive),
            doc: TERMINATED,
            boost,
        };
        if !empty {
            scorer.settle();
        }
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match the query"
            )));
        }
        Ok(Explanation::new(
            "words: best field per word, summed, weighed by the information matched",
            scorer.score(),
        ))
    }
}

/// Walks a segment's matches of a [`WordsQuery`] in document order.
struct WordsScorer {
    search: SegmentSearch,
    doc: DocId,
    boost: Score,
}

impl WordsScorer {
    /// Moves to the first match at or after where the driving terms stand.
    fn settle(&mut self) -> DocId {
        loop {
            let doc = self.search.lowest_driving();
            if doc == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let matched = match self.search.drive {
                Drive::Rarest(rarest) => self.search.seek_required(rarest, doc),
                Drive::EveryTerm | Drive::MaxScore => true,
            };
            if matched {
                self.doc = doc;
                return doc;
            }
            self.search.advance_driving(doc);
        }
    }
}

impl DocSet for WordsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.search.advance_driving(self.doc);
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (cursor, driving) in self.search.cursors.iter_mut().zip(&self.search.driving) {
            if *driving && cursor.doc() < target {
                cursor.postings.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.search
            .cursors
            .iter()
            .zip(&self.search.driving)
            .filter(|(_, driving)| **driving)
            .map(|(cursor, _)| cursor.postings.doc_freq())
            .sum()
    }
}

impl Scorer for WordsScorer {
    fn score(&mut self) -> Score {
        if self.doc == TERMINATED {
            return 0.0;
        }
        self.search.score(self.doc, None).unwrap_or(0.0) * self.boost
    }
}

/// Whether a bound rules a match out. The bound is summed in another order
/// than the score: a margin keeps rounding from ruling out a hit that ties
/// the threshold.
fn below(bound: Score, threshold: f64) -> bool {
    f64::from(bound) * (1.0 + 1e-5) < threshold
}

impl TermCursor {
    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    /// Its BM25 score at the article it stands at, or, for a joint
    /// field's term, its weighted, normalised frequency there, capped.
    fn score(&self) -> Score {
        let doc = self.postings.doc();
        let fieldnorm_id = self.fieldnorms.fieldnorm_id(doc);
        match &self.scoring {
            TermScoring::Alone(weight) => weight.score(fieldnorm_id, self.postings.term_freq()),
            TermScoring::Joint {
                frequency_weights,
                most,
                ..
            } => (self.postings.term_freq() as Score
                * frequency_weights[usize::from(fieldnorm_id)])
            .min(*most),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_alone_score_their_best_term_and_combine_by_dis_max() {
        // Field 0 has two analyses' terms (the best, 2.0, counts); field 1
        // matches nothing; field 2 scores 0.5.
        let scores = [
            (0, None, Some(1.0)),
            (0, None, Some(2.0)),
            (1, None, None),
            (2, None, Some(0.5)),
        ];
        assert_eq!(
            word_score(0.3, &[], scores.into_iter()),
            Some(2.0 + 0.5 * 0.3)
        );
        assert_eq!(
            word_score(0.3, &[], [(0, None, Some(1.5))].into_iter()),
            Some(1.5)
        );
        assert_eq!(
            word_score(0.3, &[], [(0, None, None), (1, None, None)].into_iter()),
            None
        );
    }

    #[test]
    fn joint_fields_saturate_once_as_one_field() {
        let scale = 2.2;
        let bm25 = |frequency: Score| scale * frequency / (K1 + frequency);
        // One joint field: BM25 of its normalised frequency.
        let alone = word_score(0.3, &[scale], [(0, Some(0), Some(1.5))].into_iter());
        assert_eq!(alone, Some(bm25(1.5)));
        // The term in two joint fields: one saturation of the summed
        // frequencies, less than the two fields' scores added.
        let both = word_score(
            0.3,
            &[scale],
            [(0, Some(0), Some(1.5)), (1, Some(0), Some(2.0))].into_iter(),
        )
        .unwrap_or(0.0);
        assert_eq!(both, bm25(3.5));
        assert!(both < bm25(1.5) + bm25(2.0));
        // Two terms (a word and its near spelling at half a share): the
        // best one counts; a field scored alone adds the tie breaker's
        // share of its score.
        let mixed = word_score(
            0.3,
            &[scale, scale / 2.0],
            [
                (0, Some(0), Some(1.0)),
                (0, Some(1), Some(4.0)),
                (1, None, Some(0.2)),
            ]
            .into_iter(),
        );
        let best = bm25(1.0).max(bm25(4.0) / 2.0);
        assert_eq!(mixed, Some(best + 0.2 * 0.3));
        // A joint term's bound: its fields' caps, saturated.
        let capped = word_score(
            0.3,
            &[scale],
            [
                (0, Some(0), Some(FREQUENCY_CAP)),
                (1, Some(0), Some(FREQUENCY_CAP)),
            ]
            .into_iter(),
        );
        assert_eq!(capped, Some(bm25(2.0 * FREQUENCY_CAP)));
    }
}
