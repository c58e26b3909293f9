//! `newsdex entities`: the people, organisations and places of articles or
//! of plain text, as JSON, for checking the extractor and for other programs.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::Status;
use crate::ingest::{Format, ReadOptions, read_inputs};
use crate::ner::{EntityExtractor, FoundEntity};

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Article files (any format `newsdex index` reads) or `-` for
    /// standard input.
    #[arg(default_value = "-")]
    pub inputs: Vec<PathBuf>,

    /// Read the input as plain text, not as articles: mentions are placed
    /// by byte offsets in that text.
    #[arg(long)]
    pub text: bool,

    /// Read every input as this format instead of detecting it.
    #[arg(long)]
    pub format: Option<Format>,
}

/// One line of output: an article's entities with their mentions.
#[derive(Debug, Serialize)]
struct ArticleEntities<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    entities: Vec<FoundEntity>,
}

pub fn run(args: EntitiesArgs) -> anyhow::Result<Status> {
    let extractor = EntityExtractor::shipped()?;
    if args.text {
        let mut text = String::new();
        for input in &args.inputs {
            if input.as_os_str() == "-" {
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("cannot read standard input")?;
            } else {
                text.push_str(
                    &std::fs::read_to_string(input)
                        .with_context(|| format!("cannot read {}", input.display()))?,
                );
            }
            text.push('\n');
        }
        let entities = extractor.extract(&[("text", &text)]);
        let output = ArticleEntities {
            id: None,
            title: None,
            entities,
        };
        println!("{}", serde_json::to_string(&output)?);
        return Ok(Status::Ok);
    }
    let options = ReadOptions {
        format: args.format,
        ..ReadOptions::default()
    };
    let mut rejected = false;
    for record in read_inputs(&args.inputs, &options) {
        match record {
            Ok(record) => {
                let article = &record.article;
                let output = ArticleEntities {
                    id: Some(&article.id),
                    title: Some(&article.title),
                    entities: extractor.extract_article(article),
                };
                println!("{}", serde_json::to_string(&output)?);
            }
            Err(error) => {
                rejected = true;
                eprintln!("error: {error}");
            }
        }
    }
    Ok(if rejected {
        Status::Rejected
    } else {
        Status::Ok
    })
}
