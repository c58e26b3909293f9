//! `newsdex ner`: train, evaluate and inspect the entity tagger.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::Status;
use crate::ner::{
    BrownOptions, EntityExtractor, Lexicon, Model, SHIPPED_CLUSTERS, SHIPPED_GAZETTEERS,
    TrainOptions, cluster, cross_validate, iob2_tags, predict, read_conll, score, text_sentences,
    train,
};

#[derive(Debug, Args)]
pub struct NerArgs {
    #[command(subcommand)]
    pub command: NerCommand,
}

#[derive(Debug, Subcommand)]
pub enum NerCommand {
    /// Train a model on CoNLL/IOB files and write it.
    Train(TrainArgs),
    /// Score a model on a CoNLL/IOB file: precision, recall and F1 per type.
    Eval(EvalArgs),
    /// Cross-validate on training files: the epochs chosen and the pooled
    /// held-out precision, recall and F1 per type.
    Cv(CvArgs),
    /// Learn word clusters (Brown clustering) from unlabelled text.
    Clusters(ClustersArgs),
}

#[derive(Debug, Args)]
pub struct ClustersArgs {
    /// Text files or directories (walked): plain text, markup (tags are
    /// dropped), CoNLL or CoNLL-U (the word column); `.gz` is decompressed.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Number of classes.
    #[arg(long, default_value_t = BrownOptions::default().classes)]
    pub classes: usize,

    /// Words seen fewer times are left out.
    #[arg(long, default_value_t = BrownOptions::default().min_count)]
    pub min_count: usize,

    /// Where to write `word<TAB>path` lines, gzipped.
    #[arg(long, short, default_value = "clusters.txt.gz")]
    pub out: PathBuf,
}

/// Word lists other than the shipped ones (for trying a gazetteer or word
/// clusters before shipping them; a model trained with them runs only with
/// them).
#[derive(Debug, Args)]
pub struct LexiconArgs {
    /// A gzipped gazetteer file (`KIND<TAB>entry` lines) instead of the shipped one.
    #[arg(long)]
    pub gazetteers: Option<PathBuf>,

    /// A gzipped word-cluster file (`word<TAB>path` lines, as `ner
    /// clusters` writes) instead of the shipped one.
    #[arg(long)]
    pub clusters: Option<PathBuf>,
}

impl LexiconArgs {
    /// Whether only the shipped word lists are asked for.
    fn is_shipped(&self) -> bool {
        self.gazetteers.is_none() && self.clusters.is_none()
    }

    fn lexicon(&self) -> anyhow::Result<Lexicon> {
        if self.is_shipped() {
            return Ok(Lexicon::shipped()?);
        }
        let read = |path: &Option<PathBuf>, shipped: &'static [u8]| -> anyhow::Result<Vec<u8>> {
            match path {
                None => Ok(shipped.to_vec()),
                Some(path) => {
                    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
                }
            }
        };
        let gazetteers = read(&self.gazetteers, SHIPPED_GAZETTEERS)?;
        let clusters = read(&self.clusters, SHIPPED_CLUSTERS)?;
        let named: Vec<String> = [&self.gazetteers, &self.clusters]
            .into_iter()
            .flatten()
            .map(|path| path.display().to_string())
            .collect();
        Lexicon::from_gzipped(&gazetteers, &clusters)
            .with_context(|| format!("in {}", named.join(" or ")))
    }
}

/// What a tagger learns from.
#[derive(Debug, Args)]
pub struct TrainingFiles {
    /// Training files (`WORD ... TAG` per line, IOB1, IOB2 or BIOES tags).
    #[arg(required = true)]
    pub train: Vec<PathBuf>,

    /// Silver files: machine-annotated sentences (WikiNEuRal, WikiANN),
    /// each read as a document of its own, trained on beside the training
    /// files and never scored by cross-validation.
    #[arg(long)]
    pub silver: Vec<PathBuf>,
}

impl TrainingFiles {
    fn read(
        &self,
    ) -> anyhow::Result<(
        Vec<crate::ner::ConllDocument>,
        Vec<crate::ner::ConllDocument>,
    )> {
        let silver = crate::ner::ConllDocument::split_sentences(read_all(&self.silver)?);
        Ok((read_all(&self.train)?, silver))
    }
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub files: TrainingFiles,

    /// A file to report the trained model's scores on (it chooses nothing).
    #[arg(long)]
    pub dev: Option<PathBuf>,

    /// First-pass epochs; without it (or --second-epochs) both are chosen
    /// by cross-validation on the training files.
    #[arg(long)]
    pub epochs: Option<usize>,

    /// Second-pass epochs.
    #[arg(long)]
    pub second_epochs: Option<usize>,

    #[command(flatten)]
    pub cv: CvSettings,

    /// Folds of the training data for the second pass's inputs.
    #[arg(long, default_value_t = TrainOptions::default().folds)]
    pub folds: usize,

    /// Train the first pass only (faster to train and to run, less accurate).
    #[arg(long)]
    pub one_pass: bool,

    #[command(flatten)]
    pub lexicon: LexiconArgs,

    /// Where to write the model; point `NEWSDEX_NER_MODEL` at it to use it.
    #[arg(long, short, default_value = "ner-model.bin.gz")]
    pub out: PathBuf,
}

/// How cross-validation runs.
#[derive(Debug, Args)]
pub struct CvSettings {
    /// Folds of documents (document `i` is held out in fold `i % folds`).
    #[arg(long, default_value_t = 5)]
    pub cv_folds: usize,

    /// Most epochs tried for each pass.
    #[arg(long, default_value_t = TrainOptions::default().first_epochs)]
    pub max_epochs: usize,

    /// Seed of the document shuffling between passes.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,
}

impl CvSettings {
    /// Cross-validates on `documents`, telling stderr as folds end;
    /// `folds` are the second pass's inner folds (0: one pass only).
    fn run(
        &self,
        lexicon: &Lexicon,
        documents: &[crate::ner::ConllDocument],
        silver: &[crate::ner::ConllDocument],
        folds: usize,
    ) -> crate::ner::CrossValidation {
        let options = TrainOptions {
            first_epochs: self.max_epochs,
            second_epochs: self.max_epochs,
            seed: self.seed,
            folds,
        };
        cross_validate(
            lexicon,
            documents,
            silver,
            self.cv_folds,
            &options,
            |pass, fold| {
                eprintln!(
                    "cross-validation pass {pass}: fold {} of {} done",
                    fold + 1,
                    self.cv_folds
                )
            },
        )
    }
}

#[derive(Debug, Args)]
pub struct CvArgs {
    #[command(flatten)]
    pub files: TrainingFiles,

    #[command(flatten)]
    pub cv: CvSettings,

    /// Cross-validate the first pass only.
    #[arg(long)]
    pub one_pass: bool,

    #[command(flatten)]
    pub lexicon: LexiconArgs,

    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A CoNLL/IOB file with gold tags.
    pub file: PathBuf,

    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,

    /// Also write `WORD GOLD PREDICTED` lines (IOB2), conlleval's input.
    #[arg(long)]
    pub write_predictions: Option<PathBuf>,

    /// A model file (from `newsdex ner train`) instead of the shipped one
    /// or `NEWSDEX_NER_MODEL`.
    #[arg(long)]
    pub model: Option<PathBuf>,

    #[command(flatten)]
    pub lexicon: LexiconArgs,
}

fn read_documents(path: &Path) -> anyhow::Result<Vec<crate::ner::ConllDocument>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(read_conll(&text, &path.display().to_string())?)
}

pub fn run(args: NerArgs) -> anyhow::Result<Status> {
    match args.command {
        NerCommand::Train(args) => run_train(args),
        NerCommand::Eval(args) => run_eval(args),
        NerCommand::Cv(args) => run_cv(args),
        NerCommand::Clusters(args) => run_clusters(args),
    }
}

fn read_all(paths: &[PathBuf]) -> anyhow::Result<Vec<crate::ner::ConllDocument>> {
    let mut documents = Vec::new();
    for path in paths {
        documents.extend(read_documents(path)?);
    }
    Ok(documents)
}

/// " and N silver sentences", or nothing without silver files.
fn silver_note(silver: &[crate::ner::ConllDocument]) -> String {
    if silver.is_empty() {
        String::new()
    } else {
        format!(" and {} silver sentences", silver.len())
    }
}

fn print_cross_validation(cv: &crate::ner::CrossValidation) {
    let curve = |values: &[f64]| {
        values
            .iter()
            .map(|f1| format!("{:.2}", 100.0 * f1))
            .collect::<Vec<_>>()
            .join(" ")
    };
    eprintln!("first pass F1 by epoch: {}", curve(&cv.first_curve));
    if !cv.second_curve.is_empty() {
        eprintln!("second pass F1 by epoch: {}", curve(&cv.second_curve));
    }
    eprintln!(
        "chosen: {} first-pass epochs, {} second-pass epochs",
        cv.first_epochs, cv.second_epochs
    );
}

fn run_cv(args: CvArgs) -> anyhow::Result<Status> {
    let lexicon = args.lexicon.lexicon()?;
    let (documents, silver) = args.files.read()?;
    let folds = if args.one_pass {
        0
    } else {
        TrainOptions::default().folds
    };
    let cv = args.cv.run(&lexicon, &documents, &silver, folds);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&cv)?);
    } else {
        print_cross_validation(&cv);
        println!(
            "{}-fold cross-validation on {} documents{} ({} + {} epochs):",
            cv.folds,
            documents.len(),
            silver_note(&silver),
            cv.first_epochs,
            cv.second_epochs
        );
        print!("{}", cv.evaluation);
    }
    Ok(Status::Ok)
}

fn run_train(args: TrainArgs) -> anyhow::Result<Status> {
    let lexicon = args.lexicon.lexicon()?;
    let (documents, silver) = args.files.read()?;
    eprintln!(
        "training on {} documents{} ({} gazetteer entries, {} clustered words)",
        documents.len(),
        silver_note(&silver),
        lexicon.gazetteer.len(),
        lexicon.clusters.len()
    );
    let folds = if args.one_pass { 0 } else { args.folds };
    let (first_epochs, second_epochs) = match (args.epochs, args.second_epochs) {
        (Some(first), Some(second)) => (first, second),
        (Some(first), None) if args.one_pass => (first, 0),
        _ => {
            let cv = args.cv.run(&lexicon, &documents, &silver, folds);
            print_cross_validation(&cv);
            eprintln!(
                "cross-validated F1 {:.2}",
                100.0 * cv.evaluation.overall.f1()
            );
            (
                args.epochs.unwrap_or(cv.first_epochs),
                args.second_epochs.unwrap_or(cv.second_epochs),
            )
        }
    };
    let options = TrainOptions {
        first_epochs,
        second_epochs,
        seed: args.cv.seed,
        folds,
    };
    let all: Vec<_> = documents.into_iter().chain(silver).collect();
    let model = train(&lexicon, &all, &options, |report| {
        eprintln!(
            "pass {} epoch {:>2}: {} training errors",
            report.pass, report.epoch, report.training_errors
        )
    });
    if let Some(path) = &args.dev {
        let dev = read_documents(path)?;
        let evaluation = crate::ner::evaluate(&model, &lexicon, &dev);
        eprintln!("on {} (reported, not used to choose):", path.display());
        eprint!("{evaluation}");
    }
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    model.write(std::io::BufWriter::new(file))?;
    eprintln!(
        "wrote {} ({} features)",
        args.out.display(),
        model.feature_count()
    );
    Ok(Status::Ok)
}

fn run_eval(args: EvalArgs) -> anyhow::Result<Status> {
    let owned;
    let extractor = match (&args.model, args.lexicon.is_shipped()) {
        (None, true) => EntityExtractor::shipped()?,
        _ => {
            let model = match &args.model {
                Some(path) => Model::read(
                    &std::fs::read(path)
                        .with_context(|| format!("cannot read {}", path.display()))?,
                )?,
                None => Model::read(crate::ner::SHIPPED_MODEL)?,
            };
            owned = EntityExtractor::new(model, args.lexicon.lexicon()?)?;
            &owned
        }
    };
    let documents = read_documents(&args.file)?;
    // Tagged once, for the scores and the predictions file alike.
    let predicted = predict(extractor.model(), extractor.lexicon(), &documents);
    let evaluation = score(&documents, &predicted);
    if let Some(path) = &args.write_predictions {
        let mut text = String::new();
        for (document, sentences) in documents.iter().zip(&predicted) {
            text.push_str("-DOCSTART- O O\n\n");
            for (sentence, spans) in document.sentences.iter().zip(sentences) {
                let gold = iob2_tags(&sentence.spans, sentence.words.len());
                let found = iob2_tags(spans, sentence.words.len());
                for ((word, gold), found) in sentence.words.iter().zip(gold).zip(found) {
                    text.push_str(&format!("{word} {gold} {found}\n"));
                }
                text.push('\n');
            }
        }
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&evaluation)?);
    } else {
        print!("{evaluation}");
    }
    Ok(Status::Ok)
}

fn run_clusters(args: ClustersArgs) -> anyhow::Result<Status> {
    use std::io::{Read, Write};
    let mut sentences = Vec::new();
    for input in &args.inputs {
        for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", input.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut plain = Vec::new();
                flate2::read::GzDecoder::new(bytes.as_slice())
                    .read_to_end(&mut plain)
                    .with_context(|| format!("cannot decompress {}", path.display()))?;
                plain
            } else {
                bytes
            };
            sentences.extend(text_sentences(&String::from_utf8_lossy(&bytes)));
        }
    }
    let tokens: usize = sentences.iter().map(Vec::len).sum();
    eprintln!(
        "clustering {tokens} tokens in {} sentences",
        sentences.len()
    );
    let options = BrownOptions {
        classes: args.classes,
        min_count: args.min_count,
    };
    let paths = cluster(&sentences, &options, |done, words| {
        eprint!("\r{done}/{words} words");
    });
    eprintln!();
    let mut text = String::new();
    for (word, path) in &paths {
        text.push_str(word);
        text.push('\t');
        text.push_str(path);
        text.push('\n');
    }
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    encoder.write_all(text.as_bytes())?;
    encoder.finish()?;
    eprintln!("wrote {} ({} words)", args.out.display(), paths.len());
    Ok(Status::Ok)
}
