//! `newsdex ner`: train, evaluate and inspect the entity tagger.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::Status;
use crate::ner::{
    BrownOptions, EntityExtractor, Lexicon, TrainOptions, cluster, iob2_tags, predict, read_conll,
    score, text_sentences, train,
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

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training files (`WORD ... TAG` per line, IOB1, IOB2 or BIOES tags).
    #[arg(required = true)]
    pub train: Vec<PathBuf>,

    /// Development file: the epoch scoring best on it is kept.
    #[arg(long)]
    pub dev: Option<PathBuf>,

    /// Passes over the training data.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    pub epochs: usize,

    /// Seed of the document shuffling between passes.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,

    /// Folds of the training data for the second pass's inputs.
    #[arg(long, default_value_t = TrainOptions::default().folds)]
    pub folds: usize,

    /// Train the first pass only (faster to train and to run, less accurate).
    #[arg(long)]
    pub one_pass: bool,

    /// Where to write the model; point `NEWSDEX_NER_MODEL` at it to use it.
    #[arg(long, short, default_value = "ner-model.bin.gz")]
    pub out: PathBuf,
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
        NerCommand::Clusters(args) => run_clusters(args),
    }
}

fn run_train(args: TrainArgs) -> anyhow::Result<Status> {
    let lexicon = Lexicon::shipped()?;
    let mut documents = Vec::new();
    for path in &args.train {
        documents.extend(read_documents(path)?);
    }
    let dev = match &args.dev {
        Some(path) => read_documents(path)?,
        None => Vec::new(),
    };
    eprintln!(
        "training on {} documents ({} gazetteer entries, {} clustered words)",
        documents.len(),
        lexicon.gazetteer.len(),
        lexicon.clusters.len()
    );
    let options = TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        folds: if args.one_pass { 0 } else { args.folds },
    };
    let model = train(
        &lexicon,
        &documents,
        &dev,
        &options,
        |report| match report.dev_f1 {
            Some(f1) => eprintln!(
                "pass {} epoch {:>2}: {} training errors, dev F1 {:.2}",
                report.pass,
                report.epoch,
                report.training_errors,
                100.0 * f1
            ),
            None => eprintln!(
                "pass {} epoch {:>2}: {} training errors",
                report.pass, report.epoch, report.training_errors
            ),
        },
    );
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
    let extractor = EntityExtractor::shipped()?;
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
