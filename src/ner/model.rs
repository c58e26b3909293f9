//! The tagger's weights: an averaged perceptron over hashed features, its
//! greedy left-to-right decoder (legal BILOU sequences only), training, and
//! the compact binary file the model ships as. A model has two passes: the
//! second reads what the first labelled across the whole document.
//!
//! Weights sit in an open-addressing table of 16-bit rows (32 aligned
//! bytes, the last label's weight in the slot), prefetched a token's
//! features at a time. When tagging (not training), a lower-case word or
//! one without a letter (punctuation, a number) outside an entity is
//! labelled outside unscored, and a final pass makes the document's
//! mentions agree on a type (`harmonise`).

use std::io::{Read, Write};

use super::NerError;
use super::features::{
    Document, FEATURE_VERSION, FirstPass, History, label_features, word_features,
};
use super::hashing::HashMap;
use super::label::{LABELS, Label};

const MAGIC: &[u8; 8] = b"NDXNER\0\x02";

/// A trained tagger: the weights of its first pass and, optionally, of a
/// second pass over the first pass's labels.
#[derive(Debug, Clone)]
pub struct Model {
    first: Weights,
    second: Option<Weights>,
    /// Hash of the word lists the model was trained with.
    pub lexicon_hash: u64,
}

impl Model {
    /// A model of first-pass (and second-pass) weights, for the word lists of `lexicon_hash`.
    pub fn new(first: Weights, second: Option<Weights>, lexicon_hash: u64) -> Model {
        Model {
            first,
            second,
            lexicon_hash,
        }
    }

    /// Features with weights, over both passes.
    pub fn feature_count(&self) -> usize {
        self.first.feature_count() + self.second.as_ref().map_or(0, Weights::feature_count)
    }

    /// Labels every word of the document.
    pub fn tag(&self, document: &Document) -> Vec<Label> {
        let mut words = WordFeatures::new(document);
        let first = self.first.tag(document, None, &mut words);
        let mut labels = match &self.second {
            Some(second) => {
                second.tag(document, Some(&FirstPass::new(document, first)), &mut words)
            }
            None => first,
        };
        harmonise(document, &mut labels);
        labels
    }

    /// The first pass's labels only.
    pub fn tag_first_pass(&self, document: &Document) -> Vec<Label> {
        self.first
            .tag(document, None, &mut WordFeatures::new(document))
    }

    /// Writes the model: quantised to 16 bits, sparse per feature, gzipped.
    pub fn write(&self, out: impl Write) -> Result<(), NerError> {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(LABELS as u32).to_le_bytes());
        bytes.extend_from_slice(&self.lexicon_hash.to_le_bytes());
        bytes.push(if self.second.is_some() { 2 } else { 1 });
        self.first.write(&mut bytes);
        if let Some(second) = &self.second {
            second.write(&mut bytes);
        }
        let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        encoder.write_all(&bytes)?;
        encoder.finish()?;
        Ok(())
    }

    /// Reads a model written by [`Model::write`].
    pub fn read(compressed: &[u8]) -> Result<Model, NerError> {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed)
            .read_to_end(&mut bytes)
            .map_err(|error| NerError::Model(format!("not a gzipped model: {error}")))?;
        let mut reader = Bytes { bytes: &bytes };
        if reader.take(8)? != MAGIC {
            return Err(NerError::Model("not a newsdex entity model".into()));
        }
        let version = reader.u32()?;
        if version != FEATURE_VERSION {
            return Err(NerError::Model(format!(
                "the model was trained with feature version {version}, this build computes version {FEATURE_VERSION}; retrain it with `newsdex ner train`"
            )));
        }
        let labels = reader.u32()? as usize;
        if labels != LABELS {
            return Err(NerError::Model(format!(
                "the model has {labels} labels, this build {LABELS}"
            )));
        }
        let lexicon_hash = reader.u64()?;
        let passes = reader.take(1)?[0];
        let first = Weights::read(&mut reader)?;
        let second = if passes > 1 {
            Some(Weights::read(&mut reader)?)
        } else {
            None
        };
        Ok(Model::new(first, second, lexicon_hash))
    }
}

/// One slot of the feature table: a feature hash and its row.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    key: u64,
    row: u32,
    /// The weight of the last label, which keeps rows to 32 aligned bytes.
    last: i16,
}

/// The weights of every label but the last, in half a cache line.
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(32))]
struct Row([i16; LABELS - 1]);

/// Feature weights of one pass: an open-addressing table from feature hash
/// to a row of one 16-bit weight per label (the precision the model file
/// keeps), scaled back to scores after summing. Lookups are memory-bound,
/// so slots and rows are small and prefetched a batch at a time; the last
/// label's weight rides in the slot's padding, so that a row is 32 aligned
/// bytes and never spans two cache lines (a 34-byte row spanned two about
/// half the time: Reuters-21578's entities 4 % faster).
#[derive(Debug, Clone)]
pub struct Weights {
    slots: Vec<Slot>,
    rows: Vec<Row>,
    scale: f32,
    mask: usize,
}

/// Asks the processor to start loading `value` into cache.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: a prefetch is a hint that reads nothing and cannot fault; SSE
    // is part of every x86_64 processor.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

impl Weights {
    fn from_rows(rows: Vec<(u64, [f32; LABELS])>) -> Weights {
        let largest = rows
            .iter()
            .flat_map(|(_, row)| row.iter())
            .fold(0f32, |largest, weight| largest.max(weight.abs()));
        let scale = if largest > 0.0 {
            largest / 32767.0
        } else {
            1.0
        };
        let quantised = rows
            .into_iter()
            .map(|(key, row)| (key, row.map(|weight| (weight / scale).round() as i16)))
            .collect();
        Weights::from_quantised(quantised, scale)
    }

    fn from_quantised(rows: Vec<(u64, [i16; LABELS])>, scale: f32) -> Weights {
        let capacity = (rows.len() * 2).next_power_of_two().max(16);
        let mut model = Weights {
            slots: vec![Slot::default(); capacity],
            rows: Vec::with_capacity(rows.len()),
            scale,
            mask: capacity - 1,
        };
        for (key, weights) in rows {
            if key == 0 || weights.iter().all(|weight| *weight == 0) {
                continue;
            }
            let mut slot = key as usize & model.mask;
            while model.slots[slot].key != 0 {
                slot = (slot + 1) & model.mask;
            }
            let mut row = Row::default();
            row.0.copy_from_slice(&weights[..LABELS - 1]);
            model.slots[slot] = Slot {
                key,
                row: model.rows.len() as u32,
                last: weights[LABELS - 1],
            };
            model.rows.push(row);
        }
        model
    }

    /// A slot's weights, one per label.
    fn row_of(&self, slot: &Slot) -> [i16; LABELS] {
        let mut row = [slot.last; LABELS];
        row[..LABELS - 1].copy_from_slice(&self.rows[slot.row as usize].0);
        row
    }

    #[inline]
    fn slot(&self, key: u64) -> Option<&Slot> {
        if key == 0 {
            return None;
        }
        let mut slot = key as usize & self.mask;
        loop {
            let found = &self.slots[slot];
            if found.key == key {
                return Some(found);
            }
            if found.key == 0 {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    pub fn feature_count(&self) -> usize {
        self.rows.len()
    }

    fn score(&self, features: &[u64], scores: &mut [f32; LABELS]) {
        const BATCH: usize = 64;
        let mut total = [0i32; LABELS];
        let mut last = 0i32;
        let mut found = [0u32; BATCH];
        for batch in features.chunks(BATCH) {
            for key in batch {
                prefetch(&self.slots[*key as usize & self.mask]);
            }
            let mut count = 0;
            for key in batch {
                if let Some(slot) = self.slot(*key) {
                    prefetch(&self.rows[slot.row as usize]);
                    found[count] = slot.row;
                    last += i32::from(slot.last);
                    count += 1;
                }
            }
            for row in &found[..count] {
                for (sum, weight) in total.iter_mut().zip(&self.rows[*row as usize].0) {
                    *sum += i32::from(*weight);
                }
            }
        }
        total[LABELS - 1] = last;
        for (score, sum) in scores.iter_mut().zip(total) {
            *score = sum as f32 * self.scale;
        }
    }

    /// Labels every word of the document.
    fn tag(
        &self,
        document: &Document,
        first_pass: Option<&FirstPass>,
        words: &mut WordFeatures,
    ) -> Vec<Label> {
        let mut labels = vec![Label::OUTSIDE; document.len()];
        let mut scores = [0.0; LABELS];
        let mode = Decoding::Tagging(words);
        decode(document, first_pass, mode, |i, features, previous, last| {
            self.score(features, &mut scores);
            labels[i] = best_legal(&scores, previous, last);
            labels[i]
        });
        labels
    }

    fn write(&self, bytes: &mut Vec<u8>) {
        let mut entries: Vec<(u64, [i16; LABELS])> = self
            .slots
            .iter()
            .filter(|slot| slot.key != 0)
            .map(|slot| (slot.key, self.row_of(slot)))
            .collect();
        // Sorted keys make the file the same for the same weights.
        entries.sort_unstable_by_key(|(key, _)| *key);
        bytes.extend_from_slice(&self.scale.to_le_bytes());
        bytes.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (key, row) in entries {
            bytes.extend_from_slice(&key.to_le_bytes());
            let nonzero = row.iter().filter(|weight| **weight != 0).count();
            bytes.push(nonzero as u8);
            for (label, weight) in row.iter().enumerate() {
                if *weight != 0 {
                    bytes.push(label as u8);
                    bytes.extend_from_slice(&weight.to_le_bytes());
                }
            }
        }
    }

    fn read(reader: &mut Bytes<'_>) -> Result<Weights, NerError> {
        let scale = f32::from_le_bytes(reader.array()?);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(NerError::Model(format!("bad weight scale {scale}")));
        }
        let count = reader.u32()? as usize;
        let mut rows = Vec::with_capacity(count.min(1 << 24));
        for _ in 0..count {
            let key = reader.u64()?;
            let nonzero = reader.take(1)?[0] as usize;
            let mut weights = [0i16; LABELS];
            for _ in 0..nonzero {
                let label = reader.take(1)?[0] as usize;
                let weight = i16::from_le_bytes(reader.array()?);
                let slot = weights
                    .get_mut(label)
                    .ok_or_else(|| NerError::Model(format!("label {label} out of range")))?;
                *slot = weight;
            }
            rows.push((key, weights));
        }
        Ok(Weights::from_quantised(rows, scale))
    }
}

struct Bytes<'a> {
    bytes: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        if self.bytes.len() < n {
            return Err(NerError::Model("the model file is truncated".into()));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], NerError> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N)?);
        Ok(array)
    }

    fn u32(&mut self) -> Result<u32, NerError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, NerError> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

/// Makes a document's mentions agree: the same words labelled as entities
/// of different types take the type most of them have, and a one-word
/// mention that is the surname of a person named in full is that person.
fn harmonise(document: &Document, labels: &mut [Label]) {
    use super::label::{LOCATION, PERSON, labels_of_spans, spans_of_labels};
    let mut spans = Vec::new();
    for sentence in &document.sentences {
        for span in spans_of_labels(&labels[sentence.clone()]) {
            spans.push(super::label::Span {
                start: sentence.start + span.start,
                end: sentence.start + span.end,
                ..span
            });
        }
    }
    let surface = |span: &super::label::Span| {
        document.words[span.start..span.end]
            .iter()
            .fold(0u64, |hash, word| super::hashing::mix(hash, word.lower))
    };
    let mut votes: HashMap<[usize; 4]> = HashMap::default();
    let mut surnames: HashMap<()> = HashMap::default();
    for span in &spans {
        votes.entry(surface(span)).or_default()[span.kind] += 1;
        if span.kind == PERSON && span.end - span.start >= 2 {
            surnames.insert(document.words[span.end - 1].lower, ());
        }
    }
    let mut changed = false;
    for span in &mut spans {
        let counts = votes.get(&surface(span)).copied().unwrap_or_default();
        let (best, top) = counts
            .iter()
            .enumerate()
            .max_by_key(|(kind, count)| (**count, usize::from(*kind == span.kind)))
            .map_or((span.kind, 0), |(kind, count)| (kind, *count));
        let mut kind = if top * 3 > counts.iter().sum::<usize>() * 2 {
            best
        } else {
            span.kind
        };
        if span.end - span.start == 1
            && kind != LOCATION
            && surnames.contains_key(&document.words[span.start].lower)
        {
            kind = PERSON;
        }
        if kind != span.kind {
            span.kind = kind;
            changed = true;
        }
    }
    if changed {
        for sentence in &document.sentences {
            let local: Vec<super::label::Span> = spans
                .iter()
                .filter(|span| sentence.contains(&span.start))
                .map(|span| super::label::Span {
                    start: span.start - sentence.start,
                    end: span.end - sentence.start,
                    ..*span
                })
                .collect();
            let relabelled = labels_of_spans(&local, sentence.len());
            labels[sentence.clone()].copy_from_slice(&relabelled);
        }
    }
}

/// The features of a document's words that labels do not change
/// ([`word_features`]), made the first time a pass scores a word and
/// read again by the next pass: both passes read the same ones, most of a
/// word's features.
struct WordFeatures {
    features: Vec<u64>,
    /// Per word, its range in `features` (empty: not made yet).
    spans: Vec<(u32, u32)>,
}

impl WordFeatures {
    fn new(document: &Document) -> WordFeatures {
        WordFeatures {
            features: Vec::new(),
            spans: vec![(0, 0); document.len()],
        }
    }

    /// Appends the word features of word `i` to `out`.
    fn append(
        &mut self,
        document: &Document,
        sentence: &std::ops::Range<usize>,
        i: usize,
        out: &mut Vec<u64>,
    ) {
        let (start, end) = self.spans[i];
        if start < end {
            out.extend_from_slice(&self.features[start as usize..end as usize]);
            return;
        }
        let from = out.len();
        word_features(document, sentence, i, out);
        let start = self.features.len();
        self.features.extend_from_slice(&out[from..]);
        self.spans[i] = (start as u32, self.features.len() as u32);
    }
}

/// How [`decode`] runs.
enum Decoding<'a> {
    /// Tagging: a word that is plainly outside any entity is labelled so
    /// unscored, and word features are kept for the next pass.
    Tagging(&'a mut WordFeatures),
    /// Training: every word is scored.
    Training,
}

/// Greedy left-to-right decoding, for tagging and for training alike:
/// `choose(i, features, previous label, last in sentence)` labels word `i`,
/// sentence by sentence, with the document's label history carried along.
fn decode(
    document: &Document,
    first_pass: Option<&FirstPass>,
    mut mode: Decoding,
    mut choose: impl FnMut(usize, &[u64], Label, bool) -> Label,
) {
    let mut history = History::default();
    let mut buffer = Vec::with_capacity(128);
    for sentence in &document.sentences {
        let mut previous = [Label::OUTSIDE; 2];
        for i in sentence.clone() {
            buffer.clear();
            match &mut mode {
                Decoding::Tagging(words) => {
                    let settled = previous[0].may_end()
                        && match first_pass {
                            Some(first) => first.settles(document, sentence, i),
                            None => document.words[i].is_settled_alone(),
                        };
                    if settled {
                        previous = [Label::OUTSIDE, previous[0]];
                        continue;
                    }
                    words.append(document, sentence, i, &mut buffer);
                }
                Decoding::Training => word_features(document, sentence, i, &mut buffer),
            }
            label_features(
                document,
                sentence,
                i,
                previous,
                &history,
                first_pass,
                &mut buffer,
            );
            let label = choose(i, &buffer, previous[0], i + 1 == sentence.end);
            history.record(&document.words[i], label);
            previous = [label, previous[0]];
        }
    }
}

/// The best-scoring label that may follow `previous` (and may end the
/// sentence, at its last word).
fn best_legal(scores: &[f32; LABELS], previous: Label, last: bool) -> Label {
    let mut best = None;
    for (index, score) in scores.iter().enumerate() {
        let label = Label::from_index(index);
        if !label.may_follow(previous) || (last && !label.may_end()) {
            continue;
        }
        if best.is_none_or(|(_, top)| *score > top) {
            best = Some((label, *score));
        }
    }
    best.map_or(Label::OUTSIDE, |(label, _)| label)
}

/// Averaged perceptron training state. Weights are averaged lazily: each
/// entry remembers the step of its last change.
#[derive(Debug, Default)]
pub struct Trainer {
    index: HashMap<usize>,
    weights: Vec<[f32; LABELS]>,
    totals: Vec<[f64; LABELS]>,
    stamps: Vec<[u32; LABELS]>,
    step: u32,
}

impl Trainer {
    fn score(&self, features: &[u64], scores: &mut [f32; LABELS]) {
        *scores = [0.0; LABELS];
        for key in features {
            if let Some(row) = self.index.get(key) {
                for (score, weight) in scores.iter_mut().zip(&self.weights[*row]) {
                    *score += weight;
                }
            }
        }
    }

    fn update(&mut self, features: &[u64], label: Label, delta: f32) {
        let label = label.index();
        for key in features {
            let next = self.weights.len();
            let row = *self.index.entry(*key).or_insert(next);
            if row == next {
                self.weights.push([0.0; LABELS]);
                self.totals.push([0.0; LABELS]);
                self.stamps.push([0; LABELS]);
            }
            let elapsed = self.step - self.stamps[row][label];
            self.totals[row][label] += f64::from(self.weights[row][label]) * f64::from(elapsed);
            self.stamps[row][label] = self.step;
            self.weights[row][label] += delta;
        }
    }

    /// One pass over the documents, each with its gold labels; returns the
    /// number of words labelled wrong.
    pub fn train_epoch(
        &mut self,
        documents: &[(&Document, &[Label], Option<&FirstPass>)],
    ) -> usize {
        let mut errors = 0;
        let mut scores = [0.0; LABELS];
        for (document, gold, first_pass) in documents {
            decode(
                document,
                *first_pass,
                Decoding::Training,
                |i, features, previous, last| {
                    self.score(features, &mut scores);
                    let predicted = best_legal(&scores, previous, last);
                    self.step += 1;
                    if predicted != gold[i] {
                        errors += 1;
                        self.update(features, gold[i], 1.0);
                        self.update(features, predicted, -1.0);
                    }
                    predicted
                },
            );
        }
        errors
    }

    /// The averaged weights as a model for tagging; rows whose averaged
    /// weights are all near zero are dropped.
    pub fn averaged(&self) -> Weights {
        let step = f64::from(self.step.max(1));
        let mut rows = Vec::with_capacity(self.weights.len());
        for (key, row) in &self.index {
            let mut averaged = [0f32; LABELS];
            let mut keep = false;
            for (label, value) in averaged.iter_mut().enumerate() {
                let elapsed = f64::from(self.step - self.stamps[*row][label]);
                let total =
                    self.totals[*row][label] + f64::from(self.weights[*row][label]) * elapsed;
                *value = (total / step) as f32;
                keep |= value.abs() > 1e-4;
            }
            if keep {
                rows.push((*key, averaged));
            }
        }
        rows.sort_unstable_by_key(|(key, _)| *key);
        Weights::from_rows(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gunzipped(compressed: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed)
            .read_to_end(&mut bytes)
            .unwrap();
        bytes
    }

    /// The table keeps every weight of every label: the shipped model,
    /// read and written again, is the same file.
    #[test]
    fn a_model_read_and_written_is_the_same_model() {
        let model = Model::read(super::super::SHIPPED_MODEL).unwrap();
        let mut written = Vec::new();
        model.write(&mut written).unwrap();
        assert!(model.feature_count() > 100_000);
        assert!(gunzipped(&written) == gunzipped(super::super::SHIPPED_MODEL));
    }
}
