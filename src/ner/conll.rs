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
    let mut evaluation = Evaluation::default();
    for name in TYPE_NAMES {
        evaluation
            .by_type
            .insert(name.to_string(), Score::default());
    }
    for (document, found) in documents.iter().zip(predicted) {
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
    /// Passes over the training data.
    pub epochs: usize,
    /// Seeds the shuffling of documents between epochs.
    pub seed: u64,
    /// Folds for the second pass's training labels (each fold is labelled
    /// by a first pass trained on the others); 0 trains one pass only.
    pub folds: usize,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            epochs: 15,
            seed: 2003,
            folds: 5,
        }
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
    /// F1 on the development documents, when some were given.
    pub dev_f1: Option<f64>,
}

struct Prepared {
    document: Document,
    gold: Vec<super::label::Label>,
}

/// Trains one pass for up to `epochs`, keeping the epoch that scores best
/// on `dev` (the last one without dev documents); returns its weights and
/// epoch.
#[allow(clippy::too_many_arguments)]
fn train_pass(
    pass: usize,
    prepared: &[&Prepared],
    first_passes: Option<&[FirstPass]>,
    epochs: usize,
    seed: u64,
    score_dev: &dyn Fn(&Weights) -> Option<f64>,
    on_epoch: &mut dyn FnMut(&EpochReport),
) -> (Weights, usize) {
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    let mut state = seed | 1;
    let mut trainer = Trainer::default();
    let mut best: Option<(f64, Weights, usize)> = None;
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
        let dev_f1 = score_dev(&weights);
        on_epoch(&EpochReport {
            pass,
            epoch,
            training_errors,
            dev_f1,
        });
        let score = dev_f1.unwrap_or(epoch as f64);
        if best.as_ref().is_none_or(|(top, _, _)| score > *top) {
            best = Some((score, weights, epoch));
        }
    }
    best.map_or_else(
        || (trainer.averaged(), epochs),
        |(_, weights, epoch)| (weights, epoch),
    )
}

/// Trains a model on `train`; with `dev` documents, keeps the epochs that
/// score best on them. Deterministic for a given seed.
pub fn train(
    lexicon: &Lexicon,
    train: &[ConllDocument],
    dev: &[ConllDocument],
    options: &TrainOptions,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Model {
    let prepared: Vec<Prepared> = train
        .iter()
        .map(|document| Prepared {
            document: document.prepare(lexicon),
            gold: document
                .sentences
                .iter()
                .flat_map(|sentence| labels_of_spans(&sentence.spans, sentence.words.len()))
                .collect(),
        })
        .collect();
    let all: Vec<&Prepared> = prepared.iter().collect();
    let score_first = |weights: &Weights| {
        (!dev.is_empty()).then(|| {
            let model = Model::new(weights.clone(), None, lexicon.hash);
            evaluate(&model, lexicon, dev).overall.f1()
        })
    };
    let (first, first_epochs) = train_pass(
        1,
        &all,
        None,
        options.epochs,
        options.seed,
        &score_first,
        &mut on_epoch,
    );
    if options.folds < 2 || prepared.len() < options.folds {
        return Model::new(first, None, lexicon.hash);
    }

    // The second pass learns from first-pass labels as good as those it
    // will see: each fold labelled by a first pass that never saw it.
    let mut first_passes: Vec<Option<FirstPass>> = (0..prepared.len()).map(|_| None).collect();
    for fold in 0..options.folds {
        let rest: Vec<&Prepared> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % options.folds != fold)
            .map(|(_, p)| *p)
            .collect();
        let (weights, _) = train_pass(
            1,
            &rest,
            None,
            first_epochs,
            options.seed,
            &|_| None,
            &mut |_| {},
        );
        let fold_model = Model::new(weights, None, lexicon.hash);
        for (i, item) in prepared.iter().enumerate() {
            if i % options.folds == fold {
                let labels = fold_model.tag_first_pass(&item.document);
                first_passes[i] = Some(FirstPass::new(&item.document, labels));
            }
        }
    }
    let first_passes: Vec<FirstPass> = first_passes.into_iter().flatten().collect();
    let score_second = |weights: &Weights| {
        (!dev.is_empty()).then(|| {
            let model = Model::new(first.clone(), Some(weights.clone()), lexicon.hash);
            evaluate(&model, lexicon, dev).overall.f1()
        })
    };
    let (second, _) = train_pass(
        2,
        &all,
        Some(&first_passes),
        options.epochs,
        options.seed.wrapping_add(1),
        &score_second,
        &mut on_epoch,
    );
    Model::new(first, Some(second), lexicon.hash)
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
