//! CoNLL/IOB files: reading them, training the tagger on them and scoring
//! it the way the CoNLL-2003 `conlleval` script does (an entity counts only
//! when its type and both its boundaries are right).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Lexicon;
use super::NerError;
use super::features::Document;
use super::features::FirstPass;
use super::label::{Span, TYPE_NAMES, labels_of_spans, spans_of_iob, spans_of_labels};
use super::model::{Model, Trainer, Weights};

/// A sentence of a CoNLL file: its words and its gold entity spans.
#[derive(Debug, Clone, Default)]
pub struct Sentence {
    /// Its words, as tokenised in the file.
    pub words: Vec<String>,
    /// Its gold entities, as word spans.
    pub spans: Vec<Span>,
}

/// The sentences between two `-DOCSTART-` lines (one news article).
#[derive(Debug, Clone, Default)]
pub struct ConllDocument {
    /// Its sentences, in order.
    pub sentences: Vec<Sentence>,
}

impl ConllDocument {
    /// Each sentence as a document of its own: for sentences drawn one by
    /// one from unrelated articles (WikiNEuRal, WikiANN), whose file has no
    /// `-DOCSTART-` lines, so that the document-wide features never join
    /// them.
    pub fn split_sentences(documents: Vec<ConllDocument>) -> Vec<ConllDocument> {
        documents
            .into_iter()
            .flat_map(|document| document.sentences)
            .map(|sentence| ConllDocument {
                sentences: vec![sentence],
            })
            .collect()
    }

    fn prepare(&self, lexicon: &Lexicon) -> Document {
        Document::new(
            self.sentences
                .iter()
                .map(|sentence| sentence.words.iter().map(String::as_str)),
            &lexicon.gazetteer,
            &lexicon.clusters,
        )
    }
}

/// The sentence being read: its first column, its second, its tags and
/// where it starts.
#[derive(Default)]
struct Pending {
    words: Vec<String>,
    seconds: Vec<Option<String>>,
    tags: Vec<String>,
    first_line: usize,
}

impl Pending {
    /// Ends the sentence: its spans read from its tags, its words from the
    /// second column when the first counts its tokens.
    fn finish(&mut self, documents: &mut [ConllDocument], name: &str) -> Result<(), NerError> {
        if self.words.is_empty() {
            return Ok(());
        }
        // A first column counting 0, 1, 2… (or 1, 2, 3…) is a token index;
        // a lone "1" is a word ("1 CD B-NP O"), a lone "0" starts an index.
        let base = if self.words.first().is_some_and(|first| first == "0") {
            0
        } else {
            1
        };
        let indexed = (self.words.len() >= 2 || base == 0)
            && self.seconds.iter().all(Option::is_some)
            && self
                .words
                .iter()
                .enumerate()
                .all(|(i, word)| word.parse::<usize>().ok() == Some(i + base));
        if indexed {
            self.words = self.seconds.drain(..).flatten().collect();
        }
        self.seconds.clear();
        let spans = spans_of_iob(self.tags.iter().map(String::as_str)).map_err(|reason| {
            NerError::Data {
                file: name.to_string(),
                line: self.first_line,
                reason: reason.to_string(),
            }
        })?;
        if let Some(document) = documents.last_mut() {
            document.sentences.push(Sentence {
                words: std::mem::take(&mut self.words),
                spans,
            });
        }
        self.tags.clear();
        Ok(())
    }
}

/// Reads a CoNLL file: one token per line, the word first and the tag last
/// (`WORD POS CHUNK TAG` or `WORD TAG`), blank lines between sentences,
/// `-DOCSTART-` lines between documents. Tags are IOB1, IOB2 or BIOES. A
/// sentence whose first column counts its tokens (`0 word TAG`, `1 word
/// TAG`, as the CoNLL-U files of WikiNEuRal, WikiANN and Wikigold write)
/// takes its words from the second column.
pub fn read_conll(text: &str, name: &str) -> Result<Vec<ConllDocument>, NerError> {
    let mut documents = vec![ConllDocument::default()];
    let mut pending = Pending::default();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            pending.finish(&mut documents, name)?;
            continue;
        }
        if line.starts_with("-DOCSTART-") {
            pending.finish(&mut documents, name)?;
            if documents.last().is_some_and(|d| !d.sentences.is_empty()) {
                documents.push(ConllDocument::default());
            }
            continue;
        }
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns.len() < 2 {
            return Err(NerError::Data {
                file: name.to_string(),
                line: number + 1,
                reason: "expected a word and a tag".to_string(),
            });
        }
        if pending.words.is_empty() {
            pending.first_line = number + 1;
        }
        let tag = columns[columns.len() - 1];
        spans_of_iob([tag]).map_err(|reason| NerError::Data {
            file: name.to_string(),
            line: number + 1,
            reason: reason.to_string(),
        })?;
        pending.words.push(columns[0].to_string());
        pending
            .seconds
            .push((columns.len() >= 3).then(|| columns[1].to_string()));
        pending.tags.push(tag.to_string());
    }
    pending.finish(&mut documents, name)?;
    documents.retain(|document| !document.sentences.is_empty());
    Ok(documents)
}

/// Precision, recall and F1 of one entity type or of all.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Score {
    /// Entities in the gold annotation.
    pub gold: usize,
    /// Entities the tagger found.
    pub found: usize,
    /// Entities found with the right span and type.
    pub correct: usize,
}

impl Score {
    /// Adds another score's counts.
    pub fn add(&mut self, other: &Score) {
        self.gold += other.gold;
        self.found += other.found;
        self.correct += other.correct;
    }

    /// Correct ÷ found (1 when nothing was found).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.found)
    }

    /// Correct ÷ gold (1 when there is no gold entity).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The outcome of tagging a CoNLL file against its gold tags.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    /// Tokens scored.
    pub tokens: usize,
    /// Tokens given the gold label.
    pub correct_tokens: usize,
    /// Entity-level scores over every type.
    pub overall: Score,
    /// Entity-level scores per type (`PER`, `LOC`, `ORG`, `MISC`).
    pub by_type: BTreeMap<String, Score>,
}

impl Evaluation {
    /// Adds another evaluation's counts (pooling folds or files).
    pub fn add(&mut self, other: &Evaluation) {
        self.tokens += other.tokens;
        self.correct_tokens += other.correct_tokens;
        self.overall.add(&other.overall);
        for (name, score) in &other.by_type {
            self.by_type.entry(name.clone()).or_default().add(score);
        }
    }
}

impl fmt::Display for Evaluation {
    /// conlleval's layout.
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            out,
            "processed {} tokens with {} phrases; found: {} phrases; correct: {}.",
            self.tokens, self.overall.gold, self.overall.found, self.overall.correct
        )?;
        writeln!(
            out,
            "accuracy: {:6.2}%; precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}",
            100.0 * ratio(self.correct_tokens, self.tokens),
            100.0 * self.overall.precision(),
            100.0 * self.overall.recall(),
            100.0 * self.overall.f1()
        )?;
        for (name, score) in &self.by_type {
            writeln!(
                out,
                "{name:>17}: precision: {:6.2}%; recall: {:6.2}%; FB1: {:6.2}  {}",
                100.0 * score.precision(),
                100.0 * score.recall(),
                100.0 * score.f1(),
                score.found
            )?;
        }
        Ok(())
    }
}

/// The spans the model finds in each sentence of each document.
pub fn predict(
    model: &Model,
    lexicon: &Lexicon,
    documents: &[ConllDocument],
) -> Vec<Vec<Vec<Span>>> {
    documents
        .iter()
        .map(|document| {
            let prepared = document.prepare(lexicon);
            let labels = model.tag(&prepared);
            prepared
                .sentences
                .iter()
                .map(|range| spans_of_labels(&labels[range.clone()]))
                .collect()
        })
        .collect()
}

/// IOB2 tags of spans over a sentence of `length` words.
pub fn iob2_tags(spans: &[Span], length: usize) -> Vec<String> {
    let mut tags = vec!["O".to_string(); length];
    for span in spans {
        for (i, tag) in tags[span.start..span.end].iter_mut().enumerate() {
            let prefix = if i == 0 { "B" } else { "I" };
            *tag = format!("{prefix}-{}", TYPE_NAMES[span.kind]);
        }
    }
    tags
}

/// Tags every document and counts entities found, gold and correct.
pub fn evaluate(model: &Model, lexicon: &Lexicon, documents: &[ConllDocument]) -> Evaluation {
    score(documents, &predict(model, lexicon, documents))
}

/// Counts entities found, gold and correct, given the spans [`predict`]
/// found in each sentence of each document.
pub fn score(documents: &[ConllDocument], predicted: &[Vec<Vec<Span>>]) -> Evaluation {
    score_pairs(documents.iter().zip(predicted.iter().map(Vec::as_slice)))
}

fn score_pairs<'a>(
    pairs: impl Iterator<Item = (&'a ConllDocument, &'a [Vec<Span>])>,
) -> Evaluation {
    let mut evaluation = Evaluation::default();
    for name in TYPE_NAMES {
        evaluation
            .by_type
            .insert(name.to_string(), Score::default());
    }
    for (document, found) in pairs {
        for (sentence, found) in document.sentences.iter().zip(found) {
            let length = sentence.words.len();
            let gold_labels = labels_of_spans(&sentence.spans, length);
            let found_labels = labels_of_spans(found, length);
            evaluation.tokens += length;
            evaluation.correct_tokens += gold_labels
                .iter()
                .zip(&found_labels)
                .filter(|(gold, found)| gold.entity_type() == found.entity_type())
                .count();
            for span in &sentence.spans {
                evaluation.overall.gold += 1;
                bump(&mut evaluation, span.kind, |score| score.gold += 1);
            }
            for span in found {
                evaluation.overall.found += 1;
                bump(&mut evaluation, span.kind, |score| score.found += 1);
                if sentence.spans.contains(span) {
                    evaluation.overall.correct += 1;
                    bump(&mut evaluation, span.kind, |score| score.correct += 1);
                }
            }
        }
    }
    evaluation
}

fn bump(evaluation: &mut Evaluation, kind: usize, change: impl FnOnce(&mut Score)) {
    if let Some(score) = evaluation.by_type.get_mut(TYPE_NAMES[kind]) {
        change(score);
    }
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes of the first-pass tagger over the training data.
    pub first_epochs: usize,
    /// Passes of the second-pass tagger (which reads the first pass's
    /// labels across the document).
    pub second_epochs: usize,
    /// Seeds the shuffling of documents between epochs.
    pub seed: u64,
    /// Folds for the second pass's training labels (each fold is labelled
    /// by a first pass trained on the others); 0 trains one pass only.
    pub folds: usize,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            first_epochs: 15,
            second_epochs: 15,
            seed: 2003,
            folds: 5,
        }
    }
}

impl TrainOptions {
    fn two_passes(&self, documents: usize) -> bool {
        self.folds >= 2 && documents >= self.folds
    }
}

/// What one epoch of training reached.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    /// 1 for the first pass, 2 for the second.
    pub pass: usize,
    /// The epoch, from 1.
    pub epoch: usize,
    /// Training sentences whose labels the model got wrong in it.
    pub training_errors: usize,
}

struct Prepared<'a> {
    source: &'a ConllDocument,
    document: Document,
    gold: Vec<super::label::Label>,
}

fn prepare<'a>(lexicon: &Lexicon, documents: &'a [ConllDocument]) -> Vec<Prepared<'a>> {
    documents
        .iter()
        .map(|source| Prepared {
            source,
            document: source.prepare(lexicon),
            gold: source
                .sentences
                .iter()
                .flat_map(|sentence| labels_of_spans(&sentence.spans, sentence.words.len()))
                .collect(),
        })
        .collect()
}

/// Scores a model on documents already prepared.
fn evaluate_prepared(model: &Model, documents: &[&Prepared]) -> Evaluation {
    let predicted: Vec<Vec<Vec<Span>>> = documents
        .iter()
        .map(|item| {
            let labels = model.tag(&item.document);
            item.document
                .sentences
                .iter()
                .map(|range| spans_of_labels(&labels[range.clone()]))
                .collect()
        })
        .collect();
    score_pairs(
        documents
            .iter()
            .map(|item| item.source)
            .zip(predicted.iter().map(Vec::as_slice)),
    )
}

/// Trains one pass for `epochs`, calling `on_epoch` with the averaged
/// weights after each; returns those of the last.
fn train_pass(
    prepared: &[&Prepared],
    first_passes: Option<&[FirstPass]>,
    epochs: usize,
    seed: u64,
    on_epoch: &mut dyn FnMut(usize, usize, &Weights),
) -> Weights {
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    let mut state = seed | 1;
    let mut trainer = Trainer::default();
    let mut last = None;
    for epoch in 1..=epochs.max(1) {
        // Fisher–Yates with xorshift: the order is part of the result, so
        // it must not depend on a random source outside the seed.
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let batch: Vec<_> = order
            .iter()
            .map(|&i| {
                (
                    &prepared[i].document,
                    prepared[i].gold.as_slice(),
                    first_passes.map(|passes| &passes[i]),
                )
            })
            .collect();
        let training_errors = trainer.train_epoch(&batch);
        let weights = trainer.averaged();
        on_epoch(epoch, training_errors, &weights);
        last = Some(weights);
    }
    last.unwrap_or_else(|| trainer.averaged())
}

/// The second pass's inputs for each document: the labels of a first pass
/// that never saw it (trained on the other folds for `epochs`).
fn held_out_first_passes(
    prepared: &[&Prepared],
    options: &TrainOptions,
    lexicon_hash: u64,
) -> Vec<FirstPass> {
    let folds = options.folds;
    let mut first_passes: Vec<Option<FirstPass>> = (0..prepared.len()).map(|_| None).collect();
    for fold in 0..folds {
        let rest: Vec<&Prepared> = prepared
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, p)| *p)
            .collect();
        let weights = train_pass(
            &rest,
            None,
            options.first_epochs,
            options.seed,
            &mut |_, _, _| {},
        );
        let fold_model = Model::new(weights, None, lexicon_hash);
        for (i, item) in prepared.iter().enumerate() {
            if i % folds == fold {
                let labels = fold_model.tag_first_pass(&item.document);
                first_passes[i] = Some(FirstPass::new(&item.document, labels));
            }
        }
    }
    first_passes.into_iter().flatten().collect()
}

fn train_prepared(
    lexicon_hash: u64,
    prepared: &[&Prepared],
    options: &TrainOptions,
    on_epoch: &mut dyn FnMut(&EpochReport),
) -> Model {
    let first = train_pass(
        prepared,
        None,
        options.first_epochs,
        options.seed,
        &mut |epoch, training_errors, _| {
            on_epoch(&EpochReport {
                pass: 1,
                epoch,
                training_errors,
            })
        },
    );
    if !options.two_passes(prepared.len()) {
        return Model::new(first, None, lexicon_hash);
    }
    // The second pass learns from first-pass labels as good as those it
    // will see: each fold labelled by a first pass that never saw it.
    let first_passes = held_out_first_passes(prepared, options, lexicon_hash);
    let second = train_pass(
        prepared,
        Some(&first_passes),
        options.second_epochs,
        options.seed.wrapping_add(1),
        &mut |epoch, training_errors, _| {
            on_epoch(&EpochReport {
                pass: 2,
                epoch,
                training_errors,
            })
        },
    );
    Model::new(first, Some(second), lexicon_hash)
}

/// Trains a model on `train` for the epochs `options` names (chosen, for
/// the shipped model, by [`cross_validate`] on the training data alone).
/// Deterministic for a given seed.
pub fn train(
    lexicon: &Lexicon,
    train: &[ConllDocument],
    options: &TrainOptions,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Model {
    let prepared = prepare(lexicon, train);
    let all: Vec<&Prepared> = prepared.iter().collect();
    train_prepared(lexicon.hash, &all, options, &mut on_epoch)
}

/// What k-fold cross-validation on the training data chose and reached.
#[derive(Debug, Clone, Serialize)]
pub struct CrossValidation {
    /// Folds of documents (document `i` is held out in fold `i % folds`).
    pub folds: usize,
    /// First-pass epochs with the best pooled held-out F1.
    pub first_epochs: usize,
    /// Second-pass epochs with the best pooled held-out F1, given those.
    pub second_epochs: usize,
    /// Pooled held-out F1 of the first pass after each epoch (from 1).
    pub first_curve: Vec<f64>,
    /// Pooled held-out F1 of both passes after each second-pass epoch.
    pub second_curve: Vec<f64>,
    /// The held-out scores of every fold pooled, at the chosen epochs.
    pub evaluation: Evaluation,
}

/// Pools `(epoch → evaluation)` of one fold into the running totals.
fn pool(totals: &mut Vec<Evaluation>, epoch: usize, evaluation: &Evaluation) {
    if totals.len() < epoch {
        totals.resize_with(epoch, Evaluation::default);
    }
    totals[epoch - 1].add(evaluation);
}

/// The epoch (from 1) with the best F1, the earliest of equals.
fn best_epoch(curve: &[Evaluation]) -> usize {
    let mut best = (0, f64::MIN);
    for (i, evaluation) in curve.iter().enumerate() {
        let f1 = evaluation.overall.f1();
        if f1 > best.1 {
            best = (i + 1, f1);
        }
    }
    best.0.max(1)
}

/// Chooses the epochs of both passes by `folds`-fold cross-validation on
/// `documents` (no development or test data is read): for each fold, the
/// tagger is trained on the others and scored on it after every epoch; the
/// epoch whose pooled F1 is best is kept, first for the first pass, then,
/// with it fixed, for the second. `options` gives the largest number of
/// epochs tried, the seed and the second pass's inner folds. `on_fold` is
/// told each (pass, fold) as it ends.
pub fn cross_validate(
    lexicon: &Lexicon,
    documents: &[ConllDocument],
    silver: &[ConllDocument],
    folds: usize,
    options: &TrainOptions,
    mut on_fold: impl FnMut(usize, usize),
) -> CrossValidation {
    let folds = folds.clamp(2, documents.len().max(2));
    let prepared = prepare(lexicon, documents);
    let silver = prepare(lexicon, silver);
    // Silver documents are trained on in every fold and never scored.
    let split = |fold: usize| -> (Vec<&Prepared>, Vec<&Prepared>) {
        let (held, rest): (Vec<_>, Vec<_>) = prepared
            .iter()
            .enumerate()
            .partition(|(i, _)| i % folds == fold);
        (
            rest.into_iter()
                .map(|(_, p)| p)
                .chain(silver.iter())
                .collect(),
            held.into_iter().map(|(_, p)| p).collect(),
        )
    };

    let mut first_totals = Vec::new();
    for fold in 0..folds {
        let (rest, held) = split(fold);
        train_pass(
            &rest,
            None,
            options.first_epochs,
            options.seed,
            &mut |epoch, _, weights| {
                let model = Model::new(weights.clone(), None, lexicon.hash);
                pool(&mut first_totals, epoch, &evaluate_prepared(&model, &held));
            },
        );
        on_fold(1, fold);
    }
    let first_epochs = best_epoch(&first_totals);
    let chosen = TrainOptions {
        first_epochs,
        ..options.clone()
    };

    let mut second_totals = Vec::new();
    if chosen.two_passes(documents.len() - documents.len() / folds + silver.len()) {
        for fold in 0..folds {
            let (rest, held) = split(fold);
            let first = train_pass(&rest, None, first_epochs, chosen.seed, &mut |_, _, _| {});
            let first_passes = held_out_first_passes(&rest, &chosen, lexicon.hash);
            train_pass(
                &rest,
                Some(&first_passes),
                chosen.second_epochs,
                chosen.seed.wrapping_add(1),
                &mut |epoch, _, weights| {
                    let model = Model::new(first.clone(), Some(weights.clone()), lexicon.hash);
                    pool(&mut second_totals, epoch, &evaluate_prepared(&model, &held));
                },
            );
            on_fold(2, fold);
        }
    }
    let curve = |totals: &[Evaluation]| totals.iter().map(|e| e.overall.f1()).collect();
    let (second_epochs, evaluation) = if second_totals.is_empty() {
        (0, first_totals[first_epochs - 1].clone())
    } else {
        let epochs = best_epoch(&second_totals);
        (epochs, second_totals[epochs - 1].clone())
    };
    CrossValidation {
        folds,
        first_epochs,
        second_epochs,
        first_curve: curve(&first_totals),
        second_curve: curve(&second_totals),
        evaluation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_column_counting_tokens_is_an_index_not_the_word() {
        let indexed = "0\tGeorge\tB-PER\n1\tWashington\tI-PER\n2\tslept\tO\n\n0\tParis\tB-LOC\n";
        let documents = read_conll(indexed, "indexed.conllu").unwrap();
        let sentences = &documents[0].sentences;
        assert_eq!(sentences[0].words, ["George", "Washington", "slept"]);
        assert_eq!(sentences[1].words, ["Paris"]);
        assert_eq!(sentences[0].spans.len(), 1);
        // CoNLL-2003's numbers as words stay words.
        let plain = "1996 CD I-NP O\nprofits NNS I-NP O\n";
        let documents = read_conll(plain, "eng.train").unwrap();
        assert_eq!(documents[0].sentences[0].words, ["1996", "profits"]);
        let lone = read_conll("1 CD I-NP O\n", "eng.train").unwrap();
        assert_eq!(lone[0].sentences[0].words, ["1"]);
    }
}
