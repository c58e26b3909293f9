//! Named entities: the people, organisations, places (and other names) of
//! an article, each under one canonical name.
//!
//! A greedy averaged-perceptron tagger labels tokens with BILOU tags over
//! hashed features (word, shape, affixes, context, gazetteers, word
//! clusters, and what the document said of the same word earlier). A
//! document pass then strips titles and roles, makes repeated mentions
//! agree on one type and links a surname to the full name given elsewhere.
//! The trained model and word lists are compiled into the binary; `newsdex
//! ner train` rebuilds the model from CoNLL files.

pub mod aliases;
mod brown;
mod conll;
mod features;
mod hashing;
mod label;
mod lexicon;
mod model;
pub mod name_links;
mod recase;
mod resolve;
mod tokenize;

use std::sync::LazyLock;

use serde::Serialize;

use crate::article::{Article, Entity, EntityKind};

pub use brown::{BrownOptions, cluster, text_sentences};
pub use conll::{
    ConllDocument, CrossValidation, EpochReport, Evaluation, Score, Sentence, TrainOptions,
    cross_validate, evaluate, iob2_tags, predict, read_conll, score, train,
};
pub use label::{Span, TYPE_NAMES};
pub use lexicon::{Clusters, Gazetteer};
pub use model::Model;
pub use tokenize::{Token, sentences};

/// Why the tagger, its model or its data could not be used.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    /// A line of a data file (CoNLL, a word list) that cannot be read.
    #[error("{file}:{line}: {reason}")]
    Data {
        /// The file.
        file: String,
        /// Its line, from 1.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A model file that does not decode.
    #[error("bad entity model: {0}")]
    Model(String),
    /// The shipped model or word lists failed to load.
    #[error("cannot load the shipped entity model: {0}")]
    Shipped(String),
    /// A word list that does not decode.
    #[error("bad word list: {0}")]
    Resource(String),
    /// A file could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The model shipped in the binary, trained on CoNLL-2003 English.
pub const SHIPPED_MODEL: &[u8] = include_bytes!("data/model.bin.gz");
/// Gazetteers built by `scripts/build-gazetteers.py`.
pub const SHIPPED_GAZETTEERS: &[u8] = include_bytes!("data/gazetteers.txt.gz");
/// Word clusters learned by `newsdex ner clusters` from unlabelled news.
pub const SHIPPED_CLUSTERS: &[u8] = include_bytes!("data/clusters.txt.gz");

/// Names a model file (from `newsdex ner train`) to use instead of the
/// shipped one.
pub const MODEL_VARIABLE: &str = "NEWSDEX_NER_MODEL";

/// The word lists a model is trained and run with.
#[derive(Debug)]
pub struct Lexicon {
    /// Multi-word names by type.
    pub gazetteer: Gazetteer,
    /// Word clusters learned from unlabelled news.
    pub clusters: Clusters,
    /// Identifies the lists, so a model trained with others is refused.
    pub hash: u64,
}

impl Lexicon {
    /// Reads gzipped gazetteer and cluster files.
    pub fn from_gzipped(gazetteers: &[u8], clusters: &[u8]) -> Result<Lexicon, NerError> {
        let gazetteers = gunzip(gazetteers)?;
        let clusters = gunzip(clusters)?;
        let hash = hashing::mix(
            hashing::hash_str(1, &gazetteers),
            hashing::hash_str(2, &clusters),
        );
        Ok(Lexicon {
            gazetteer: Gazetteer::parse(&gazetteers)?,
            clusters: Clusters::parse(&clusters)?,
            hash,
        })
    }

    /// The word lists compiled into the binary.
    pub fn shipped() -> Result<Lexicon, NerError> {
        Lexicon::from_gzipped(SHIPPED_GAZETTEERS, SHIPPED_CLUSTERS)
    }
}

fn gunzip(bytes: &[u8]) -> Result<String, NerError> {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|error| NerError::Resource(format!("cannot decompress: {error}")))?;
    Ok(text)
}

/// Where a mention was found: the article field and byte offsets in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The article field it was found in (`title`, `body`, …).
    pub field: String,
    /// Its first byte in that field.
    pub start: usize,
    /// The byte after its last.
    pub end: usize,
    /// The text as written.
    pub text: String,
}

/// An entity of a text under its canonical name, with every mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundEntity {
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Its canonical name.
    pub name: String,
    /// Where the article names it.
    pub mentions: Vec<Mention>,
}

/// A trained tagger with its word lists.
#[derive(Debug)]
pub struct EntityExtractor {
    model: Model,
    lexicon: Lexicon,
}

static SHIPPED: LazyLock<Result<EntityExtractor, NerError>> = LazyLock::new(|| {
    let lexicon = Lexicon::shipped()?;
    let model = match std::env::var_os(MODEL_VARIABLE) {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|error| {
                NerError::Model(format!(
                    "cannot read {MODEL_VARIABLE}={}: {error}",
                    path.to_string_lossy()
                ))
            })?;
            Model::read(&bytes)
        }
        None => Model::read(SHIPPED_MODEL),
    }?;
    EntityExtractor::new(model, lexicon)
});

impl EntityExtractor {
    /// A tagger of `model` with `lexicon`; refused when the model was trained with other word lists.
    pub fn new(model: Model, lexicon: Lexicon) -> Result<EntityExtractor, NerError> {
        if model.lexicon_hash != lexicon.hash {
            return Err(NerError::Model(
                "the model was trained with other gazetteers or clusters; retrain it with `newsdex ner train`"
                    .into(),
            ));
        }
        Ok(EntityExtractor { model, lexicon })
    }

    /// The extractor compiled into the binary (or the model named by
    /// `NEWSDEX_NER_MODEL`), loaded on first use.
    pub fn shipped() -> Result<&'static EntityExtractor, NerError> {
        SHIPPED
            .as_ref()
            .map_err(|error| NerError::Shipped(error.to_string()))
    }

    /// The tagger's model.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The tagger's word lists.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The entities of named texts (an article's fields), tagged as one
    /// document so that mentions in one field inform the others.
    pub fn extract(&self, fields: &[(&str, &str)]) -> Vec<FoundEntity> {
        let clusters = &self.lexicon.clusters;
        let gazetteer = &self.lexicon.gazetteer;
        let recased = recase::recase_shouting(
            fields,
            &recase::Vocabulary {
                known: &|word| clusters.path(hashing::hash_str(0, word)).is_some(),
                first_name: &|word| gazetteer.is_first_name(word),
                listed_name: &|words| gazetteer.lists_name(words),
            },
        );
        let recased_fields: Vec<(&str, &str)> = fields
            .iter()
            .zip(&recased)
            .map(|((name, text), recased)| (*name, recased.as_deref().unwrap_or(text)))
            .collect();
        let originals = fields;
        let fields = recased_fields.as_slice();
        let mut located = Vec::new();
        let mut token_sentences = Vec::new();
        for (field_index, (_, text)) in fields.iter().enumerate() {
            let signed = sign_off(text).map_or(*text, |start| &text[..start]);
            for sentence in tokenize::sentences(signed) {
                located.push(field_index);
                token_sentences.push(sentence);
            }
        }
        let prepared = features::Document::new(
            token_sentences
                .iter()
                .zip(&located)
                .map(|(sentence, field)| {
                    let text = fields[*field].1;
                    sentence.iter().map(move |token| token.text(text))
                }),
            &self.lexicon.gazetteer,
            &self.lexicon.clusters,
        );
        let labels = self.model.tag(&prepared);
        let mut raw = Vec::new();
        let mut offset = 0;
        let mut words: Vec<&str> = Vec::new();
        for (sentence, field) in token_sentences.iter().zip(&located) {
            let sentence_labels = &labels[offset..offset + sentence.len()];
            offset += sentence.len();
            let text = fields[*field].1;
            words.clear();
            words.extend(sentence.iter().map(|token| token.text(text)));
            let firms = resolve::partnership_firms(&words, &|i| sentence_labels[i].entity_type());
            for firm in &firms {
                raw.push(resolve::RawMention {
                    kind: label::ORG,
                    field: *field,
                    tokens: sentence[firm.clone()].to_vec(),
                    whole: true,
                });
            }
            for span in label::spans_of_labels(sentence_labels) {
                if firms
                    .iter()
                    .any(|firm| span.start < firm.end && firm.start < span.end)
                {
                    continue;
                }
                raw.push(resolve::RawMention {
                    kind: span.kind,
                    field: *field,
                    tokens: sentence[span.start..span.end].to_vec(),
                    whole: false,
                });
            }
        }
        let mut entities = resolve::resolve(raw, fields, &|word| {
            self.lexicon.gazetteer.is_first_name(word)
        });
        // Names read the recased text; mentions quote the text as written.
        if recased.iter().any(Option::is_some) {
            for mention in entities.iter_mut().flat_map(|entity| &mut entity.mentions) {
                if let Some((_, text)) = originals.iter().find(|(name, _)| *name == mention.field)
                    && let Some(written) = text.get(mention.start..mention.end)
                {
                    mention.text = written.to_string();
                }
            }
        }
        entities
    }

    /// The entities of an article's title, summary, body, photo captions
    /// and live entries (never its photo credits or tags). The model reads
    /// English: an article in another language gives none.
    pub fn extract_article(&self, article: &Article) -> Vec<FoundEntity> {
        if !is_english(article.language.as_deref()) {
            return Vec::new();
        }
        let entry_fields: Vec<(String, &str)> = article
            .entries
            .iter()
            .enumerate()
            .flat_map(|(i, entry)| {
                [
                    (format!("entries[{i}].headline"), entry.headline.as_str()),
                    (format!("entries[{i}].body"), entry.body.as_str()),
                ]
            })
            .collect();
        let mut fields: Vec<(&str, &str)> = vec![("title", article.title.as_str())];
        if let Some(summary) = &article.summary {
            fields.push(("summary", summary));
        }
        fields.push(("body", &article.body));
        let caption_fields: Vec<(String, &str)> = article
            .captions
            .iter()
            .enumerate()
            .map(|(i, caption)| (format!("captions[{i}].text"), caption.text.as_str()))
            .collect();
        fields.extend(
            caption_fields
                .iter()
                .map(|(name, text)| (name.as_str(), *text)),
        );
        fields.extend(
            entry_fields
                .iter()
                .map(|(name, text)| (name.as_str(), *text)),
        );
        let mut entities = self.extract(&fields);
        name_people_from_tags(&mut entities, &article.tags);
        canonicalise(&mut entities, aliases::shipped());
        entities
    }

    /// Adds the article's extracted entities to those it came with; a name
    /// the source already gave (any case) is not added twice.
    pub fn annotate(&self, article: &mut Article) {
        canonicalise_given(&mut article.entities, aliases::shipped());
        let found = self.extract_article(article);
        for entity in found {
            let known = article.entities.iter().any(|given| {
                given.kind == entity.kind && given.name.eq_ignore_ascii_case(&entity.name)
            });
            if !known {
                article.entities.push(Entity {
                    kind: entity.kind,
                    name: entity.name,
                });
            }
        }
    }
}

/// Wire agencies' sign-offs, the word alone on a story's last line.
const SIGN_OFFS: &[&str] = &[
    "reuter", "reuters", "ap", "afp", "upi", "dpa", "tass", "xinhua", "kyodo",
];

/// Where a text's closing sign-off line starts (" REUTER" ending wire
/// copy): the agency signing the story, not a name the story speaks of.
/// Read as a name, it made the agency an organisation of 18,644 of
/// Reuters-21578's 19,043 stories.
fn sign_off(text: &str) -> Option<usize> {
    // Wire framing (a closing control character) may follow it.
    let trimmed = text.trim_end_matches(|c: char| c.is_whitespace() || c.is_control());
    let start = trimmed.rfind('\n')? + 1;
    let word = trimmed[start..]
        .trim()
        .trim_end_matches("^M")
        .trim_end_matches(['.', '\r']);
    SIGN_OFFS
        .iter()
        .any(|agency| word.eq_ignore_ascii_case(agency))
        .then_some(start)
}

/// Entities under the alias table's names and kinds; two that become one
/// are merged, their mentions together, in the place of the first.
fn canonicalise(entities: &mut Vec<FoundEntity>, table: &aliases::Aliases) {
    for entity in entities.iter_mut() {
        table.apply(&mut entity.kind, &mut entity.name);
    }
    let mut kept: Vec<FoundEntity> = Vec::with_capacity(entities.len());
    for entity in entities.drain(..) {
        match kept.iter_mut().find(|known| {
            known.kind == entity.kind && known.name.eq_ignore_ascii_case(&entity.name)
        }) {
            Some(known) => known.mentions.extend(entity.mentions),
            None => kept.push(entity),
        }
    }
    *entities = kept;
}

/// Entities an input gave, under the alias table's names and kinds, each
/// once (what [`EntityExtractor::annotate`] does first, for articles
/// indexed without extraction).
pub fn canonicalise_entities(entities: &mut Vec<Entity>) {
    canonicalise_given(entities, aliases::shipped());
}

/// The entities an input gave, under the alias table's names and kinds,
/// each once.
fn canonicalise_given(entities: &mut Vec<Entity>, table: &aliases::Aliases) {
    for entity in entities.iter_mut() {
        table.apply(&mut entity.kind, &mut entity.name);
    }
    let mut seen = std::collections::HashSet::new();
    entities.retain(|entity| seen.insert((entity.kind, entity.name.to_lowercase())));
}

/// A person the text names only by surname takes the full name from a tag
/// that ends in it: "Rutte" tagged "Mark Rutte" is Mark Rutte.
fn name_people_from_tags(entities: &mut [FoundEntity], tags: &[String]) {
    for entity in entities.iter_mut() {
        if entity.kind != EntityKind::Person || entity.name.contains(' ') {
            continue;
        }
        let full = tags.iter().find(|tag| {
            let words: Vec<&str> = tag.split_whitespace().collect();
            (2..=4).contains(&words.len())
                && words.iter().all(|w| w.starts_with(char::is_uppercase))
                && words.last().is_some_and(|last| *last == entity.name)
        });
        if let Some(full) = full {
            entity.name = full.clone();
        }
    }
}

/// Whether a language code names English ("en", "en-GB"); no code is taken
/// as English, as everywhere in newsdex.
fn is_english(language: Option<&str>) -> bool {
    language.is_none_or(|code| {
        let code = code.trim().to_ascii_lowercase();
        code == "en" || code.starts_with("en-") || code.starts_with("en_") || code == "eng"
    })
}
